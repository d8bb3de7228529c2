#!/usr/bin/env bash
# make-tunnel-captures.sh - captures of TLS inside tunnels, made by real stacks.
#
#   vxlan-tls13.pcap: an HTTPS request (openssl s_client -> s_server, TLS 1.3) between
#   two network namespaces joined by a kernel VXLAN link (VNI 4242, UDP port 4789),
#   captured on the underlay veth: every frame is Ethernet / IPv4 / UDP / VXLAN /
#   Ethernet / IPv4 / TCP / TLS. Key log: vxlan-tls13.keys.
#
# Debian 12 packages needed (not installed by this script):
#   bash coreutils iproute2 openssl tcpdump tshark python3
#
# Usage (as root):  tools/captures/make-tunnel-captures.sh [OUTDIR]   (default: captures/)
#
# The traffic stays inside two network namespaces this script creates
# (tlsd-tun-<pid>-a and -b), joined by a veth pair of their own. Both the underlay
# (the veth) and the overlay (the VXLAN devices) use loopback-range addresses
# (127.1.0.0/24 and 127.2.0.0/24, with route_localnet set in those namespaces only);
# nothing is sent anywhere else. Servers run under `timeout`, only the PIDs started
# here are stopped, and the namespaces are deleted on exit (lib.sh).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
case ${1:-} in -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
OUT=${1:-"$HERE/../../captures"}
PY=/usr/bin/python3
TMO=60
CTMO=20
PROG=make-tunnel-captures
NS_TAG=tun
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces, tcpdump)"
for c in ip ss timeout openssl tcpdump tshark; do command -v "$c" >/dev/null || die "missing command: $c"; done

mkdir -p "$OUT"
DEST=$(cd "$OUT" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tlsd-tun.XXXXXX")
PKI=$WORK/pki
WWW=$WORK/www
make_pki
make_www

# One end of the tunnel: namespace NAME with veth DEV at 127.1.0.N and vxlan0 at 127.2.0.N.
tunnel_end() {
    local name=$1 dev=$2 n=$3 peer=$4
    NS=$name
    nx sysctl -qw net.ipv4.conf.all.route_localnet=1
    nx ip link set lo up
    nx ip addr add "127.1.0.$n/24" dev "$dev"
    nx ip link set "$dev" mtu 1500 up
    nx sysctl -qw "net.ipv4.conf.$dev.route_localnet=1"
    nx ip link add vxlan0 type vxlan id 4242 local "127.1.0.$n" remote "127.1.0.$peer" dstport 4789 dev "$dev"
    nx ip link set vxlan0 mtu 1400 up
    nx sysctl -qw net.ipv4.conf.vxlan0.route_localnet=1
    nx ip addr add "127.2.0.$n/24" dev vxlan0
    # Real TCP segments: no segmentation offload on either link.
    nx ip link set vxlan0 gso_max_size 1400
}

log "VXLAN: TLS 1.3 between two namespaces"
A="tlsd-$NS_TAG-$$-a" B="tlsd-$NS_TAG-$$-b"
ip netns add "$A"; NSLIST+=("$A")
ip netns add "$B"; NSLIST+=("$B")
ip link add "tun$$a" type veth peer name "tun$$b"
ip link set "tun$$a" netns "$A"
ip link set "tun$$b" netns "$B"
tunnel_end "$A" "tun$$a" 1 2
tunnel_end "$B" "tun$$b" 2 1

d=$WORK/vxlan
mkdir -p "$d"
NS=$B
start_s_server psrv 127.2.0.2:443 "$d/s_server.log" -tls1_3
wait_listen tcp 443
NS=$A
cap_start cap "$d/vxlan.pcap" -i "tun$$a" udp port 4789
NS=$A
s_client_get 127.2.0.2:443 /index.html "$d/keys" "$d/s_client.log" -tls1_3
NS=$A
cap_stop "$cap"
stop_bg "$psrv"

n=$(count "$d/vxlan.pcap" 'vxlan && tls.handshake.type == 1')
check "one Client Hello inside VXLAN" eq "$n" 1
check "VNI 4242 on every frame" eq "$(count "$d/vxlan.pcap" 'vxlan.vni != 4242')" 0
check "HTTP decrypts with the key log" decrypts_http "$d/vxlan.pcap" "$d/keys"
cat "$WORK/checks.log" >&2
[ "$FAILS" = 0 ] || die "$FAILS check(s) failed; $DEST left as it was"

cp "$d/vxlan.pcap" "$DEST/vxlan-tls13.pcap"
cp "$d/keys" "$DEST/vxlan-tls13.keys"
log "wrote $DEST/vxlan-tls13.pcap ($(npk "$DEST/vxlan-tls13.pcap") packets)"
