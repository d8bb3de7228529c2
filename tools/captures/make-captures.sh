#!/usr/bin/env bash
# make-captures.sh - generate tlsdissect's test captures from real TLS stacks
# and a real DNS server.
#
# Debian 12 packages needed (not installed by this script):
#   bash coreutils gzip iproute2 openssl gnutls-bin dnsmasq-base dnsutils
#   tcpdump tshark wireshark-common python3 python3-scapy
#
# Usage (as root):  tools/captures/make-captures.sh [OUTDIR]
#   OUTDIR defaults to the repository's captures/ directory.  Everything is
#   generated and checked (with tshark) in a temporary directory first; the
#   previous files in OUTDIR are replaced only if every check passes.
#   Set KEEP_WORK=1 to keep the temporary directory.
#   tools/captures/make-captures.sh --verify [OUTDIR]  only runs the tshark
#   checks on the existing files (no root needed).
#
# All traffic is generated inside network namespaces created by this script
# (tlsd-cap-<pid>-<name>), on that namespace's own `lo` only, between
# loopback addresses (127.0.0.0/8 and ::1).  Nothing is sent anywhere else.
# In each namespace `lo` gets MTU 1500 and gso/gro_max_size 1400 so that the
# captures show real MSS-sized TCP segments (a certificate chain spans several
# segments) and real IP fragmentation (tls12-lossy keeps the default
# gso_max_size, see lossy()).  Every server runs under `timeout`,
# only the PIDs started here are stopped, and the namespaces are deleted by
# an EXIT trap.  The shell functions for all this live in lib.sh, shared with
# make-tls-matrix.sh, which adds more captures (and a README section) that
# this script leaves alone.

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
case ${1:-} in -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
VERIFY_ONLY=
if [ "${1:-}" = --verify ]; then VERIFY_ONLY=1; shift; fi
OUT=${1:-"$HERE/../../captures"}
PY=/usr/bin/python3          # Debian's python3, which has scapy
TMO=60                       # upper bound (s) for every server and capture
CTMO=20                      # upper bound (s) for every client

PROG=make-captures           # for error messages
NS_TAG=cap                   # namespaces: tlsd-cap-<pid>-<name>
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ -n "$VERIFY_ONLY" ] || [ "$(id -u)" = 0 ] || die "must run as root (network namespaces, tcpdump)"
for c in ip tc ss timeout openssl gnutls-serv gnutls-cli dnsmasq dig tcpdump dumpcap \
         tshark editcap mergecap capinfos gzip; do
    command -v "$c" >/dev/null || die "missing command: $c"
done
"$PY" -c 'import scapy.all' 2>/dev/null || die "$PY cannot import scapy (apt install python3-scapy)"

mkdir -p "$OUT"
DEST=$(cd "$OUT" && pwd)     # final destination; files are only replaced there
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tlsd-cap.XXXXXX")
OUT=$WORK/out                # staging area: everything is generated and checked here
mkdir -p "$OUT"
[ -z "$VERIFY_ONLY" ] || OUT=$DEST
PKI=$WORK/pki
WWW=$WORK/www


# ============================================================ the captures

# Showcase: browser-like DNS lookup (CNAME chain) + HTTPS over TLS 1.2.
# family 4: captured at once on lo (tcpdump with nsec timestamps, dumpcap) and
#           on `any` (LINUX_SLL2 and LINUX_SLL).
# family 6: the same over ::1, lo only.
showcase() {
    local fam=$1 d=$WORK/showcase$1 dns conn acc
    mkdir -p "$d"
    if [ "$fam" = 4 ]; then dns=127.0.0.53 conn=127.0.0.2:443 acc=127.0.0.2:443
    else dns=::1 conn='[::1]:443' acc='[::1]:443'; fi
    log "showcase over IPv$fam"
    ns_new "showcase$fam"
    local pdns psrv c1 c3 c4 c5
    start_bg pdns "$d/dnsmasq.log" "${DNSMASQ_BASE[@]}" --listen-address="$dns" "${DNS_SHOWCASE[@]}"
    wait_listen udp 53
    start_s_server psrv "$acc" "$d/s_server.log"
    wait_listen tcp 443
    if [ "$fam" = 4 ]; then
        cap_start c1 "$d/lo-nano.pcap" -i lo --time-stamp-precision=nano
        cap_start c3 "$d/any-sll2.pcap" -i any -y LINUX_SLL2
        cap_start c4 "$d/any-sll.pcap" -i any -y LINUX_SLL
        dumpcap_start c5 "$d/lo.pcapng"
    else
        cap_start c1 "$d/lo.pcap" -i lo
    fi
    sleep 0.3
    digq "$dns" www.example.test A www.example.test AAAA >"$d/dig.log" 2>&1 || die "dig failed"
    grep -q 'edge.cdn.example.test.*A.*127.0.0.2' "$d/dig.log" || die "no CNAME/A answer"
    grep -q 'edge.cdn.example.test.*AAAA.*::1' "$d/dig.log" || die "no CNAME/AAAA answer"
    sleep 0.05
    s_client_get "$conn" /index.html "$d/keys" "$d/s_client.log" \
        -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
    wait_bg "$psrv"
    if [ "$fam" = 4 ]; then cap_stop "$c1" "$c3" "$c4" "$c5"; else cap_stop "$c1"; fi
    stop_bg "$pdns"
    ns_end
    if [ "$fam" = 4 ]; then
        # main file: the nanosecond lo capture rewritten as a microsecond pcap
        # (timestamps truncated), so it and the nsec-be file hold identical
        # packets and times; the other captures ran at the same time on their
        # own sockets (their timestamps can differ by a few microseconds)
        editcap -F pcap "$d/lo-nano.pcap" "$d/lo.pcap"
        cp "$d/lo.pcap" "$OUT/https-cname-tls12.pcap"
        cp "$d/keys" "$OUT/https-cname-tls12.keys"
        cp "$d/lo.pcapng" "$OUT/https-cname-tls12.pcapng"
        cp "$d/any-sll2.pcap" "$OUT/https-cname-tls12-sll2.pcap"
        cp "$d/any-sll.pcap" "$OUT/https-cname-tls12-sll.pcap"
        "$PY" "$HERE/pcap_nsec_be.py" "$d/lo-nano.pcap" "$OUT/https-cname-tls12-nsec-be.pcap" \
            --check "$d/lo.pcap" 2>>"$WORK/checks.log" || die "nsec-be conversion/check failed"
    else
        cp "$d/lo.pcap" "$OUT/https-cname-tls12-ipv6.pcap"
        cp "$d/keys" "$OUT/https-cname-tls12-ipv6.keys"
    fi
}

tls13_openssl() {
    local d=$WORK/tls13-openssl psrv c1
    mkdir -p "$d"
    log "TLS 1.3 openssl"
    ns_new tls13o
    start_s_server psrv 127.0.0.2:443 "$d/s_server.log"
    wait_listen tcp 443
    cap_start c1 "$d/lo.pcap" -i lo
    s_client_get 127.0.0.2:443 /index.html "$d/keys" "$d/s_client.log" -tls1_3
    wait_bg "$psrv"
    cap_stop "$c1"
    ns_end
    cp "$d/lo.pcap" "$OUT/tls13-openssl.pcap"
    cp "$d/keys" "$OUT/tls13-openssl.keys"
}

gnutls_capture() {   # gnutls_capture NAME [gnutls-cli options...]
    local name=$1 d=$WORK/$1 psrv c1
    shift
    mkdir -p "$d"
    log "gnutls: $name"
    ns_new "$name"
    start_gnutls_serv psrv "$d/gnutls-serv.log"
    wait_listen tcp 443
    cap_start c1 "$d/lo.pcap" -i lo
    gnutls_get 127.0.0.2 "$d/keys" "$d/gnutls-cli.log" "$@"
    sleep 0.2
    stop_bg "$psrv"          # gnutls-serv serves forever; stop it
    cap_stop "$c1"
    ns_end
    cp "$d/lo.pcap" "$OUT/$name.pcap"
    cp "$d/keys" "$OUT/$name.keys"
}

dns_misc() {
    local d=$WORK/dns-misc pdns c1 caa
    mkdir -p "$d"
    log "DNS record types"
    # CAA 0 issue "ca.example.test" as a raw RR (type 257) via --dns-rr
    caa=$(printf '\000\005issueca.example.test' | od -An -tx1 | tr -d ' \n')
    ns_new dnsmisc
    start_bg pdns "$d/dnsmasq.log" "${DNSMASQ_BASE[@]}" --listen-address=127.0.0.1 "${DNS_SHOWCASE[@]}" \
        --host-record=mail.example.test,127.0.0.25 \
        --host-record=sip.example.test,127.0.0.26 \
        --mx-host=example.test,mail.example.test,10 \
        --txt-record=example.test,"v=spf1 mx -all" \
        '--txt-record=txt.example.test,first string,second string with spaces' \
        --srv-host=_sip._tcp.example.test,sip.example.test,5060,10,20 \
        --ptr-record=2.0.0.127.in-addr.arpa,edge.cdn.example.test \
        --dns-rr=example.test,257,"$caa"
    wait_listen udp 53
    cap_start c1 "$d/lo.pcap" -i lo
    {
        digq 127.0.0.1 example.test MX
        digq 127.0.0.1 example.test TXT
        digq 127.0.0.1 txt.example.test TXT
        digq 127.0.0.1 _sip._tcp.example.test SRV
        digq 127.0.0.1 -x 127.0.0.2
        digq 127.0.0.1 example.test TYPE257
        digq 127.0.0.1 nope.example.test A             # NXDOMAIN
        digq 127.0.0.1 mail.example.test AAAA          # NODATA
        digq 127.0.0.1 www.example.test A +nsid +cookie
        digq 127.0.0.1 edge.cdn.example.test AAAA +noedns
        digq 127.0.0.1 example.com A                   # no upstream: dnsmasq refuses
    } >"$d/dig.log" 2>&1 || die "dig failed"
    cap_stop "$c1"
    stop_bg "$pdns"
    ns_end
    cp "$d/lo.pcap" "$OUT/dns-misc.pcap"
    cp "$d/dig.log" "$WORK/dns-misc-dig.log"
}

dns_tcp() {
    local d=$WORK/dns-tcp pdns c1
    mkdir -p "$d"
    log "DNS over TCP"
    ns_new dnstcp
    # shellcheck disable=SC2046
    start_bg pdns "$d/dnsmasq.log" "${DNSMASQ_BASE[@]}" --listen-address=127.0.0.1 "${DNS_SHOWCASE[@]}" \
        $(big_txt_opts)
    wait_listen tcp 53
    cap_start c1 "$d/lo.pcap" -i lo
    {
        digq 127.0.0.1 +tcp www.example.test A
        digq 127.0.0.1 +tcp +keepopen www.example.test AAAA big.example.test TXT
    } >"$d/dig.log" 2>&1 || die "dig +tcp failed"
    cap_stop "$c1"
    stop_bg "$pdns"
    ns_end
    cp "$d/lo.pcap" "$OUT/dns-tcp.pcap"
}

fragments() {   # fragments 4|6 : big DNS TXT answer over UDP, fragmented by the kernel
    local fam=$1 d=$WORK/frag$1 pdns c1 addr
    mkdir -p "$d"
    if [ "$fam" = 4 ]; then addr=127.0.0.1; else addr=::1; fi
    log "IPv$fam fragments"
    ns_new "frag$fam"
    # shellcheck disable=SC2046
    start_bg pdns "$d/dnsmasq.log" "${DNSMASQ_BASE[@]}" --listen-address="$addr" \
        --edns-packet-max=4096 $(big_txt_opts)
    wait_listen udp 53
    cap_start c1 "$d/lo.pcap" -i lo
    digq "$addr" +bufsize=4096 big.example.test TXT >"$d/dig.log" 2>&1 || die "dig failed"
    grep -q 'ANSWER: 14' "$d/dig.log" || die "big TXT answer incomplete"
    cap_stop "$c1"
    stop_bg "$pdns"
    ns_end
    cp "$d/lo.pcap" "$OUT/ipv$fam-fragments.pcap"
}

# Real loss: TCP builds GSO super-packets (gso_max_size left at 64 KB here);
# tbf's max packet size (burst 1600) is smaller, so tbf splits them into
# MSS-sized segments itself and silently drops those that overflow its
# queue ("limit").  TCP is not told, so the drops happen after the sender and
# before the capture point: the capture shows real loss, SACKs and
# retransmissions.  (Drops of non-GSO packets are reported back to TCP and
# never show up as retransmissions, hence this set-up.)
lossy() {
    local d=$WORK/lossy psrv c1 t rt att=0
    mkdir -p "$d"
    log "TLS 1.2 over a lossy lo (tbf)"
    for t in "rate 20mbit burst 1600 limit 12000" "rate 40mbit burst 1600 limit 10000" \
             "rate 20mbit burst 1600 limit 8000" "rate 10mbit burst 1600 limit 6000"; do
        att=$((att + 1))
        ns_new "lossy$att" nogso
        # shellcheck disable=SC2086  # $t is a list of tbf parameters
        nx tc qdisc add dev lo root tbf $t
        start_s_server psrv 127.0.0.2:443 "$d/s_server.log"
        wait_listen tcp 443
        cap_start c1 "$d/lo.pcap" -i lo
        s_client_get 127.0.0.2:443 /big.html "$d/keys" "$d/s_client.log" \
            -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
        grep -q 'end-of-big-page' "$d/s_client.log" || die "big page incomplete"
        wait_bg "$psrv"
        cap_stop "$c1"
        nx tc -s qdisc show dev lo >"$d/tc-$att.log"
        ns_end
        rt=$(count "$d/lo.pcap" tcp.analysis.retransmission)
        log "  tbf $t: $rt retransmissions, $(stat -c %s "$d/lo.pcap") bytes"
        if [ "$rt" -ge 1 ] && [ "$(stat -c %s "$d/lo.pcap")" -lt 61440 ]; then
            cp "$d/lo.pcap" "$OUT/tls12-lossy.pcap"
            cp "$d/keys" "$OUT/tls12-lossy.keys"
            LOSSY_TBF=$t
            return 0
        fi
    done
    die "no retransmissions with any tbf setting"
}

derived() {
    log "derived files"
    local m=$OUT/https-cname-tls12.pcap
    "$PY" "$HERE/pcap_rewrite.py" vlan "$m" "$OUT/https-cname-tls12-vlan.pcap"
    "$PY" "$HERE/pcap_rewrite.py" qinq "$m" "$OUT/https-cname-tls12-qinq.pcap"
    "$PY" "$HERE/pcap_rewrite.py" vendors "$m" "$OUT/https-cname-tls12-vendors.pcap" 127.0.0.1
    "$PY" "$HERE/pcap_rewrite.py" reorder "$m" "$OUT/tls12-reordered.pcap" 443 2>"$WORK/reorder.log"
    cp "$OUT/https-cname-tls12.keys" "$OUT/tls12-reordered.keys"
    "$PY" "$HERE/pcap_rewrite.py" late-ack "$m" "$OUT/tls12-late-segment.pcap" 443 0 2>"$WORK/late-ack.log"
    "$PY" "$HERE/pcap_rewrite.py" late-ack "$m" "$OUT/tls12-late-segment-overtaken.pcap" 443 2 2>"$WORK/late-ack-2.log"
    cp "$OUT/https-cname-tls12.keys" "$OUT/tls12-late-segment.keys"
    cp "$OUT/https-cname-tls12.keys" "$OUT/tls12-late-segment-overtaken.keys"
    editcap -F pcap -s 96 "$m" "$OUT/https-cname-tls12-snap96.pcap"
    gzip -9 -n -c "$m" >"$OUT/https-cname-tls12.pcap.gz"
    cp "$OUT/https-cname-tls12.pcap.gz" "$OUT/https-cname-tls12-gz-noext.bin"
    # two interfaces, two link types, interleaved in time: the DNS part of the
    # lo (EN10MB) capture and the TLS part of the simultaneous `any` (SLL2) capture
    tcpdump -Z root -r "$m" -w "$WORK/multi-dns.pcap" 'udp port 53' 2>/dev/null
    tcpdump -Z root -r "$OUT/https-cname-tls12-sll2.pcap" -w "$WORK/multi-tls.pcap" 'tcp port 443' 2>/dev/null
    mergecap -F pcapng -w "$OUT/multi-if.pcapng" "$WORK/multi-dns.pcap" "$WORK/multi-tls.pcap"
}

# ============================================================ verification


verify() {
    log "verifying with tshark"
    local f m=$OUT/https-cname-tls12.pcap n
    for f in "$OUT"/*.pcap "$OUT"/*.pcapng "$OUT"/*.gz "$OUT"/*.bin; do
        check "$(basename "$f") opens cleanly in tshark" opens_clean "$f"
        check "$(basename "$f") has packets" ge "$(npk "$f")" 1
    done
    for f in "$OUT"/*.pcap; do
        check "$(basename "$f") is classic pcap" magic_is "$f" d4c3b2a1 4d3cb2a1 a1b2c3d4 a1b23c4d
    done
    for f in "$OUT"/*.pcapng; do check "$(basename "$f") is pcapng" magic_is "$f" 0a0d0d0a; done
    for f in "$OUT"/*.gz "$OUT"/*.bin; do check "$(basename "$f") is gzip" magic_is "$f" 1f8b0809 1f8b0800; done
    n=$(npk "$m")
    # showcase
    check "showcase: 4 DNS messages" eq "$(count "$m" dns)" 4
    check "showcase: CNAME chain in both answers" eq "$(count "$m" 'dns.flags.response==1 && dns.count.answers==3')" 2
    check "showcase: Certificate spans >= 2 TCP segments" ge "$(cert_segments "$m" | tr ',' '\n' | wc -l)" 2
    check "showcase: NewSessionTicket" eq "$(count "$m" 'tls.handshake.type==4')" 1
    check "showcase: cipher suite 0xc02f" eq "$(count "$m" 'tls.handshake.ciphersuite==0xc02f && tls.handshake.type==2')" 1
    check "showcase: no frame > 1514 bytes" eq "$(count "$m" 'frame.len > 1514')" 0
    check "showcase: decrypts with key log" decrypts_http "$m" "$OUT/https-cname-tls12.keys"
    check "ipv6: decrypts with key log" decrypts_http "$OUT/https-cname-tls12-ipv6.pcap" "$OUT/https-cname-tls12-ipv6.keys"
    check "ipv6: all IPv6" eq "$(count "$OUT/https-cname-tls12-ipv6.pcap" ipv6)" "$(npk "$OUT/https-cname-tls12-ipv6.pcap")"
    check "ipv6: Certificate spans >= 2 TCP segments" ge "$(cert_segments "$OUT/https-cname-tls12-ipv6.pcap" | tr ',' '\n' | wc -l)" 2
    # same traffic in other forms
    for f in pcapng sll2.pcap sll.pcap vlan.pcap qinq.pcap vendors.pcap snap96.pcap nsec-be.pcap; do
        case $f in pcapng) f=$OUT/https-cname-tls12.pcapng ;; *) f=$OUT/https-cname-tls12-$f ;; esac
        check "$(basename "$f"): same packet count as showcase ($n)" eq "$(npk "$f")" "$n"
    done
    check "pcap.gz: same packet count" eq "$(npk "$OUT/https-cname-tls12.pcap.gz")" "$n"
    check "gz-noext.bin: same packet count" eq "$(npk "$OUT/https-cname-tls12-gz-noext.bin")" "$n"
    check "pcapng decrypts" decrypts_http "$OUT/https-cname-tls12.pcapng" "$OUT/https-cname-tls12.keys"
    check "sll2: encapsulation" eq "$(ts -r "$OUT/https-cname-tls12-sll2.pcap" -T fields -e frame.encap_type | sort -u)" 210
    check "sll: encapsulation" eq "$(ts -r "$OUT/https-cname-tls12-sll.pcap" -T fields -e frame.encap_type | sort -u)" 25
    check "sll2 decrypts" decrypts_http "$OUT/https-cname-tls12-sll2.pcap" "$OUT/https-cname-tls12.keys"
    check "vlan: every frame VLAN 100" eq "$(count "$OUT/https-cname-tls12-vlan.pcap" 'vlan.id==100 && eth.type==0x8100')" "$n"
    check "vlan decrypts" decrypts_http "$OUT/https-cname-tls12-vlan.pcap" "$OUT/https-cname-tls12.keys"
    check "qinq: every frame 802.1ad 200 + 802.1Q 100" eq "$(count "$OUT/https-cname-tls12-qinq.pcap" 'eth.type==0x88a8 && ieee8021ad.id==200 && vlan.id==100')" "$n"
    check "qinq decrypts" decrypts_http "$OUT/https-cname-tls12-qinq.pcap" "$OUT/https-cname-tls12.keys"
    check "vendors: client frames from Apple MAC" eq "$(count "$OUT/https-cname-tls12-vendors.pcap" 'eth.src==8c:85:90:2a:d5:d9 && ip.src==127.0.0.1 && eth.dst==10:be:f5:1b:e0:30')" "$(count "$m" 'ip.src==127.0.0.1')"
    check "vendors: server frames from D-Link MAC" eq "$(count "$OUT/https-cname-tls12-vendors.pcap" 'eth.src==10:be:f5:1b:e0:30 && eth.dst==8c:85:90:2a:d5:d9')" "$(count "$m" 'ip.src!=127.0.0.1')"
    check "snap96: all frames cut to <= 96 bytes" eq "$(count "$OUT/https-cname-tls12-snap96.pcap" 'frame.cap_len > 96')" 0
    check "snap96: some frames truncated" ge "$(count "$OUT/https-cname-tls12-snap96.pcap" 'frame.len > frame.cap_len')" 1
    check "nsec-be: magic a1b23c4d big-endian" eq "$(od -An -tx1 -N4 "$OUT/https-cname-tls12-nsec-be.pcap" | tr -d ' ')" a1b23c4d
    check "nsec-be: same times (to the us) and frames as showcase" eq \
        "$(ts -r "$OUT/https-cname-tls12-nsec-be.pcap" -T fields -e frame.time_epoch -e frame.len -e frame.protocols | awk '{ $1 = substr($1, 1, 17); print }' | md5sum)" \
        "$(ts -r "$m" -T fields -e frame.time_epoch -e frame.len -e frame.protocols | awk '{ $1 = substr($1, 1, 17); print }' | md5sum)"
    check "nsec-be decrypts" decrypts_http "$OUT/https-cname-tls12-nsec-be.pcap" "$OUT/https-cname-tls12.keys"
    check "multi-if: two interfaces with EN10MB and SLL2" eq \
        "$(ts -r "$OUT/multi-if.pcapng" -T fields -e frame.interface_id -e frame.encap_type | sort -u | tr '\t\n' ':,')" "0:1,1:210,"
    # TLS stacks
    check "tls13-openssl: TLS 1.3 negotiated" eq "$(count "$OUT/tls13-openssl.pcap" 'tls.handshake.type==2 && tls.handshake.extensions.supported_version==0x0304')" 1
    check "tls13-openssl decrypts" decrypts_http "$OUT/tls13-openssl.pcap" "$OUT/tls13-openssl.keys"
    check "tls13-gnutls: TLS 1.3 negotiated" eq "$(count "$OUT/tls13-gnutls.pcap" 'tls.handshake.type==2 && tls.handshake.extensions.supported_version==0x0304')" 1
    check "tls13-gnutls decrypts" decrypts_http "$OUT/tls13-gnutls.pcap" "$OUT/tls13-gnutls.keys"
    check "tls12-gnutls-dhe: DHE-RSA suite, TLS 1.2" eq "$(count "$OUT/tls12-gnutls-dhe.pcap" 'tls.handshake.type==2 && tls.handshake.version==0x0303 && !tls.handshake.extensions.supported_version && (tls.handshake.ciphersuite==0x009f || tls.handshake.ciphersuite==0x009e)')" 1
    check "tls12-gnutls-dhe: Certificate spans >= 2 TCP segments" ge "$(cert_segments "$OUT/tls12-gnutls-dhe.pcap" | tr ',' '\n' | wc -l)" 2
    check "tls12-gnutls-dhe decrypts" decrypts_http "$OUT/tls12-gnutls-dhe.pcap" "$OUT/tls12-gnutls-dhe.keys"
    # DNS
    f=$OUT/dns-tcp.pcap
    check "dns-tcp: DNS over TCP" ge "$(count "$f" 'dns && tcp')" 6
    check "dns-tcp: big TXT answer reassembled from >= 3 segments" ge "$(ts -r "$f" -Y 'dns.count.answers==14' -T fields -e tcp.segment.count | head -1)" 3
    f=$OUT/dns-misc.pcap
    for n in 'dns.mx.mail_exchange' 'dns.txt' 'dns.srv.port==5060' 'dns.ptr.domain_name' \
             'dns.flags.rcode==3' 'dns.resp.type==257' 'dns.flags.rcode==5' \
             'dns.flags.response==1 && dns.count.answers==0 && dns.flags.rcode==0' \
             'dns.opt.code==3' 'dns.flags.response==0 && !dns.opt'; do
        check "dns-misc: $n" ge "$(count "$f" "$n")" 1
    done
    # loss, reordering
    check "tls12-lossy: retransmissions" ge "$(count "$OUT/tls12-lossy.pcap" tcp.analysis.retransmission)" 1
    check "tls12-lossy decrypts" decrypts_http "$OUT/tls12-lossy.pcap" "$OUT/tls12-lossy.keys"
    check "tls12-reordered: out-of-order" ge "$(count "$OUT/tls12-reordered.pcap" tcp.analysis.out_of_order)" 1
    check "tls12-reordered: duplicate seen as retransmission" ge "$(count "$OUT/tls12-reordered.pcap" 'tcp.analysis.retransmission || tcp.analysis.spurious_retransmission')" 1
    check "tls12-reordered: one frame more than showcase" eq "$(npk "$OUT/tls12-reordered.pcap")" "$(($(npk "$m") + 1))"
    check "tls12-reordered decrypts" decrypts_http "$OUT/tls12-reordered.pcap" "$OUT/tls12-reordered.keys"
    for f in tls12-late-segment tls12-late-segment-overtaken; do
        check "$f: ACKs of an unseen segment" ge "$(count "$OUT/$f.pcap" tcp.analysis.ack_lost_segment)" 1
        check "$f: the segment after it, a spurious retransmission" eq "$(count "$OUT/$f.pcap" tcp.analysis.spurious_retransmission)" 1
        check "$f: as many frames as showcase" eq "$(npk "$OUT/$f.pcap")" "$(npk "$m")"
        check "$f: Certificate reassembled (out-of-order reassembly)" eq "$(ts -r "$OUT/$f.pcap" -o tcp.reassemble_out_of_order:TRUE -Y 'tls.handshake.type==11' | wc -l)" 1
        check "$f decrypts" decrypts_http "$OUT/$f.pcap" "$OUT/$f.keys"
    done
    # fragments
    check "ipv4-fragments: MF fragments" ge "$(count "$OUT/ipv4-fragments.pcap" 'ip.flags.mf==1')" 2
    check "ipv4-fragments: reassembled DNS answer" eq "$(count "$OUT/ipv4-fragments.pcap" 'dns.count.answers==14 && ip.fragment.count>=3')" 1
    check "ipv6-fragments: fragment headers" ge "$(count "$OUT/ipv6-fragments.pcap" 'ipv6.fraghdr.more==1')" 2
    check "ipv6-fragments: reassembled DNS answer" eq "$(count "$OUT/ipv6-fragments.pcap" 'dns.count.answers==14 && ipv6.fragment.count>=3')" 1
}

# ============================================================ README


write_readme() {
    local m=$OUT/https-cname-tls12.pcap r=$OUT/README.md
    local cert6 certd sh nst
    cert6=$(cert_segments "$m")
    certd=$(cert_segments "$OUT/tls12-gnutls-dhe.pcap")
    nst=$(frames_where "$m" 'tls.handshake.type==4')
    sh=$(frames_where "$m" 'tls.handshake.type==2')
    local v6cert; v6cert=$(cert_segments "$OUT/https-cname-tls12-ipv6.pcap")
    local lossrt lossooo lossdup
    lossrt=$(count "$OUT/tls12-lossy.pcap" tcp.analysis.retransmission)
    lossooo=$(frames_where "$OUT/tls12-lossy.pcap" 'tcp.analysis.lost_segment')
    lossdup=$(count "$OUT/tls12-lossy.pcap" tcp.analysis.duplicate_ack)
    local lossfast; lossfast=$(count "$OUT/tls12-lossy.pcap" tcp.analysis.fast_retransmission)
    local ro rr
    ro=$(frames_where "$OUT/tls12-reordered.pcap" tcp.analysis.out_of_order)
    local ro_orig ro_c ro_b ro_dup
    read -r ro_orig ro_c ro_b ro_dup < <(sed -n 's/^reorder: original frames \([0-9,]*\); new frames [0-9]*,\([0-9]*\),\([0-9]*\),\([0-9]*\)$/\1 \2 \3 \4/p' "$WORK/reorder.log")
    rr=$(frames_where "$OUT/tls12-reordered.pcap" 'tcp.analysis.retransmission || tcp.analysis.spurious_retransmission')
    local la_ack la_data la2_data la_cert la2_cert
    read -r la_ack la_data < <(sed -n 's/^late-ack: .*; new frames \([0-9]*\) (ACK), \([0-9]*\) (data)$/\1 \2/p' "$WORK/late-ack.log")
    la2_data=$(sed -n 's/^late-ack: .*; new frames [0-9]* (ACK), \([0-9]*\) (data)$/\1/p' "$WORK/late-ack-2.log")
    la_cert=$(ts -r "$OUT/tls12-late-segment.pcap" -o tcp.reassemble_out_of_order:TRUE -Y 'tls.handshake.type==11' -T fields -e frame.number)
    la2_cert=$(ts -r "$OUT/tls12-late-segment-overtaken.pcap" -o tcp.reassemble_out_of_order:TRUE -Y 'tls.handshake.type==11' -T fields -e frame.number)
    local f4 f6
    f4=$(frames_where "$OUT/ipv4-fragments.pcap" 'ip.flags.mf==1 || ip.frag_offset>0')
    f6=$(frames_where "$OUT/ipv6-fragments.pcap" 'ipv6.fraghdr')
    local tcpbig; tcpbig=$(ts -r "$OUT/dns-tcp.pcap" -Y 'dns.count.answers==14' -T fields -e tcp.segment | head -1)

    {
        cat <<EOF
# Test captures

Real traffic from real TLS stacks and a real DNS server, generated by
\`tools/captures/make-captures.sh\` (run as root; a re-run replaces every
file listed before the TLS/DNS matrix section with fresh traffic, keys and
certificates, but only if all of its tshark checks pass; frame numbers
below may then shift slightly).
\`tools/captures/make-captures.sh --verify\` re-runs just the checks on the
files here.  All traffic was exchanged inside throw-away network namespaces
on their \`lo\` (MTU 1500, gso/gro_max_size 1400, except for
tls12-lossy.pcap) between loopback addresses only: client 127.0.0.1, DNS
server 127.0.0.53 (showcase) or 127.0.0.1, web server 127.0.0.2 (or ::1 for
IPv6).

Stacks: OpenSSL $(openssl version | awk '{print $2}') (\`openssl s_client\`/\`s_server\`), GnuTLS $(gnutls-cli --version | head -1 | awk '{print $2}')
(\`gnutls-cli\`/\`gnutls-serv\`), dnsmasq $(dnsmasq --version | head -1 | awk '{print $3}'), dig $(dig -v 2>&1 | awk '{print $2}'), tcpdump $(tcpdump --version | head -1 | awk '{print $3}'), dumpcap/editcap/mergecap
$(tshark --version 2>/dev/null | head -1 | awk '{print $3}'), scapy $("$PY" -c 'import scapy; print(scapy.VERSION)').

Certificates: RSA-2048 chain generated per run: "tlsdissect Test Root CA" ->
"tlsdissect Test Intermediate CA" -> leaf CN=www.example.test (SANs
www.example.test, example.test, www.cdn.example.test, edge.cdn.example.test,
127.0.0.2, ::1; AIA/CRL-DP/policy extensions).  Servers send leaf +
intermediate + root, so the TLS 1.2 Certificate message (~3.2 KB) spans
several TCP segments.
`test-roots.pem` holds the test roots of these captures (one per capture
script run), taken from the captures by `tools/captures/extract-test-roots.sh`
(re-run it after regenerating): `tlsdissect --roots captures/test-roots.pem`
shows their chains of trust as valid.

\`*.keys\` files are NSS key logs (\`SSLKEYLOGFILE\` format) written by the
client (\`openssl s_client -keylogfile\`, or the \`SSLKEYLOGFILE\` environment
variable for gnutls-cli); \`tshark -o tls.keylog_file:FILE.keys\` decrypts the
matching capture (all were checked to show the HTTP request and response).

DNS names (dnsmasq, \`--no-resolv --no-hosts --local=/example.test/ --local-ttl=300\`):
\`www.example.test\` CNAME \`www.cdn.example.test\` CNAME \`edge.cdn.example.test\`,
which has A 127.0.0.2 and AAAA ::1 (\`--cname=\`, \`--host-record=\`).

## Files

### Showcase: browser-like DNS lookup + HTTPS (TLS 1.2)

- \`https-cname-tls12.pcap\` — the main capture (\`tcpdump -i lo -s 0
  --time-stamp-precision=nano\`, written out by \`editcap -F pcap\` as classic
  little-endian microsecond pcap, EN10MB, full snaplen).  \`dig @127.0.0.53 www.example.test A
  www.example.test AAAA\` answered by dnsmasq with the 2-CNAME chain (frames 1-4),
  then \`openssl s_client -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
  -servername www.example.test -connect 127.0.0.2:443\` to \`openssl s_server
  -cert_chain ... -HTTP\`: ServerHello in frame $sh, Certificate message
  reassembled from TCP segments in frames $cert6, NewSessionTicket in frame $nst,
  \`GET /index.html\` and a small \`HTTP/1.1 200 OK\` response (with
  Content-Length) in one TLS record each, close_notify alerts from both sides,
  FIN/FIN.
- \`https-cname-tls12.keys\` — key log (CLIENT_RANDOM) for the showcase and
  for every file derived from it (all \`https-cname-tls12-*\` except -ipv6, and
  \`multi-if.pcapng\`).
- \`https-cname-tls12.pcapng\` — the same traffic captured at the same time by
  \`dumpcap -i lo\` (native pcapng: SHB with OS/application options, IDB with
  if_name "lo" and if_tsresol 9 = nanoseconds, EPBs, and an ISB at the end).
- \`https-cname-tls12-ipv6.pcap\` (+ \`.keys\`) — the showcase over ::1: dnsmasq
  on [::1]:53, s_server on [::1]:443; Certificate in frames $v6cert.
- \`https-cname-tls12-sll2.pcap\` — the same traffic captured at the same time
  by \`tcpdump -i any -y LINUX_SLL2\` (link type 276, 20-byte cooked header).
- \`https-cname-tls12-sll.pcap\` — ditto with \`-y LINUX_SLL\` (link type 113,
  16-byte cooked header).  On \`any\` the loopback traffic is seen once per
  packet (no duplicates), as on \`lo\`.
- \`https-cname-tls12-vlan.pcap\` — showcase rewritten by scapy
  (\`pcap_rewrite.py vlan\`): an 802.1Q tag, VLAN 100 (TPID 0x8100), on every frame.
- \`https-cname-tls12-qinq.pcap\` — \`pcap_rewrite.py qinq\`: 802.1ad S-tag
  (TPID 0x88a8, VLAN 200) outside an 802.1Q C-tag (VLAN 100).
- \`https-cname-tls12-snap96.pcap\` — \`editcap -s 96\`: every frame cut to at
  most 96 captured bytes (original lengths kept), so TLS records and DNS
  messages are truncated.
- \`https-cname-tls12-vendors.pcap\` — \`pcap_rewrite.py vendors\`: the all-zero
  loopback MACs replaced; frames from the client (127.0.0.1) have src
  8c:85:90:2a:d5:d9 (Apple OUI) and dst 10:be:f5:1b:e0:30 (D-Link OUI), frames
  from the servers the reverse.
- \`https-cname-tls12-nsec-be.pcap\` — classic pcap, magic 0xa1b23c4d written
  big-endian (file starts a1 b2 3c 4d), all headers big-endian, nanosecond
  timestamps with real nanosecond digits.  Written by \`pcap_nsec_be.py\` from
  the same nanosecond tcpdump capture as the main file, so it holds exactly the
  same packets, with times equal to the main file's to the microsecond (checked).
- \`https-cname-tls12.pcap.gz\` — \`gzip -9 -n\` of the main capture.
- \`https-cname-tls12-gz-noext.bin\` — the same gzip bytes under a name that
  does not say gzip (for content-based format detection).
- \`multi-if.pcapng\` — two interfaces with different link types, interleaved
  in time (\`mergecap -F pcapng\`): interface 0 = EN10MB with the DNS packets of
  the main capture, interface 1 = LINUX_SLL2 with the TLS packets of the
  simultaneous \`-i any\` capture.  Check: \`tshark -r multi-if.pcapng -T
  fields -e frame.interface_id -e frame.encap_type | sort | uniq -c\`.

### Other TLS stacks and versions

- \`tls13-openssl.pcap\` (+ \`.keys\`) — \`openssl s_client -tls1_3\` to
  \`openssl s_server -HTTP\` (TLS_AES_256_GCM_SHA384, X25519); encrypted
  handshake, two NewSessionTickets after the handshake, GET /index.html.
- \`tls13-gnutls.pcap\` (+ \`.keys\`, from \`SSLKEYLOGFILE\`) — \`gnutls-cli\` to
  \`gnutls-serv --http --disable-client-cert --httpdata=index.html\` with default
  priorities (TLS 1.3, middlebox-compatibility ChangeCipherSpec records).
  The server's close_notify and its FIN travel in the same TCP segment;
  gnutls-serv answers with an \`HTTP/1.0 200 OK\` without Content-Length.
- \`tls12-gnutls-dhe.pcap\` (+ \`.keys\`) — same, with \`gnutls-cli --priority
  NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+DHE-RSA\`: TLS 1.2,
  TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 with the RFC 7919 ffdhe2048 group
  (large ServerKeyExchange), Certificate in frames $certd, NewSessionTicket.

### DNS

- \`dns-misc.pcap\` — dig queries to dnsmasq on 127.0.0.1:53 (UDP, EDNS with
  a client COOKIE option by default): MX (\`--mx-host\`), TXT (\`--txt-record\`,
  one single-string and one two-string TXT), SRV (\`--srv-host\`), PTR
  (\`--ptr-record\`, \`dig -x 127.0.0.2\`), CAA as a raw type-257 record
  (\`--dns-rr\`), NXDOMAIN (nope.example.test), NODATA (AAAA of
  mail.example.test), an A query with \`+nsid +cookie\` (dnsmasq 2.90 answers
  with EDNS but returns neither NSID nor a server cookie), an AAAA query with
  \`+noedns\` (no OPT record), and example.com, which dnsmasq answers with
  REFUSED (no upstream configured).
- \`dns-tcp.pcap\` — \`dig +tcp\`: one A query for www.example.test (CNAME
  chain) on its own connection, then \`+keepopen\` AAAA www.example.test and
  TXT big.example.test; the TXT answer (14 strings, ~3.9 KB) spans the TCP
  segments in frames $tcpbig.

### Loss, reordering, fragmentation

- \`tls12-lossy.pcap\` (+ \`.keys\`) — the showcase TLS 1.2 connection (no DNS)
  fetching a ~26 KB page (\`GET /big.html\`) over a lo with \`tc qdisc add dev
  lo root tbf $LOSSY_TBF\` and gso_max_size left at 64 KB: tbf splits the
  GSO super-packets and silently drops segments, so the capture has real
  loss: "previous segment not captured" at frame(s) $lossooo, $lossdup
  duplicate ACKs with SACK blocks, $lossrt retransmissions (of which $lossfast
  flagged as fast retransmission).
- \`tls12-reordered.pcap\` (+ \`.keys\`, = showcase keys) — the main capture
  rewritten by scapy (\`pcap_rewrite.py reorder\`).  The server's first flight
  (ServerHello..ServerHelloDone) is in three TCP segments, frames $ro_orig of
  the main capture; here the third one (frame $ro_c) overtakes the second
  (frame $ro_b, tshark: out-of-order), and a late, identical copy of the
  second (same bytes and IP ID) arrives after the client's ACK of it (frame
  $ro_dup, tshark: spurious retransmission).  Time slots are kept in file
  order.  tshark flags: out-of-order at frame(s) $ro, retransmission at
  frame(s) $rr.  Note: tshark only reassembles the Certificate with
  \`-o tcp.reassemble_out_of_order:TRUE\`.
- \`tls12-late-segment.pcap\` (+ \`.keys\`, = showcase keys) — the main capture
  rewritten by scapy (\`pcap_rewrite.py late-ack\`), as a capture merged from
  several queues shows it: the second of the server's three first-flight
  segments (the middle of the Certificate) comes after the client's ACK that
  covers it (frame $la_ack, tshark: ACKed unseen segment; the segment is frame
  $la_data, tshark: spurious retransmission).  No frame is added or dropped;
  time slots are kept in file order.  With
  \`-o tcp.reassemble_out_of_order:TRUE\` tshark reports the Certificate at
  frame $la_cert, the server's frame that completes it.
- \`tls12-late-segment-overtaken.pcap\` (+ \`.keys\`) — the same
  (\`late-ack ... 443 2\`), the late segment also overtaken by the server's
  next segment and the client's ACK of that: it is frame $la2_data, where
  tshark (out-of-order reassembly on) reports the Certificate (frame $la2_cert).
- \`ipv4-fragments.pcap\` — real kernel IPv4 fragmentation: \`dig +bufsize=4096
  big.example.test TXT\` to dnsmasq on 127.0.0.1 (\`--edns-packet-max=4096\`);
  the ~3.9 KB UDP answer leaves as 3 fragments (frames $f4, MF set on all
  but the last), reassembled DNS answer at the last one.
- \`ipv6-fragments.pcap\` — the same over ::1: IPv6 Fragment extension
  headers (frames $f6).
EOF
        # keep the section written by make-tls-matrix.sh (its captures stay too)
        if [ -n "$(readme_section "$DEST/README.md")" ]; then
            echo
            readme_section "$DEST/README.md"
        fi
        # and the one written by make-audit-captures.sh
        if [ -n "$(readme_block "$DEST/README.md" "$AUDIT_README_BEGIN" "$AUDIT_README_END")" ]; then
            echo
            readme_block "$DEST/README.md" "$AUDIT_README_BEGIN" "$AUDIT_README_END"
        fi
    } >"$r"
}

# ============================================================ main

: >"$WORK/checks.log"
if [ -n "$VERIFY_ONLY" ]; then
    verify
    cat "$WORK/checks.log" >&2
    [ "$FAILS" = 0 ] || die "$FAILS check(s) failed"
    log "all $(grep -c '^  ok' "$WORK/checks.log") checks passed in $DEST"
    exit 0
fi
log "output: $DEST   work: $WORK"
make_pki
make_www
showcase 4
showcase 6
tls13_openssl
gnutls_capture tls13-gnutls
gnutls_capture tls12-gnutls-dhe --priority NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+DHE-RSA
dns_misc
dns_tcp
fragments 4
fragments 6
lossy
derived
chmod 644 "$OUT"/*
verify
write_readme

echo >&2
cat "$WORK/checks.log" >&2
echo >&2
(cd "$OUT" && ls -l) >&2
echo "total: $(du -sb "$OUT" | cut -f1) bytes" >&2
[ "$FAILS" = 0 ] || die "$FAILS check(s) failed; $DEST left unchanged"
# replace the previous generation in DEST: only the files this script makes
# (the captures of make-tls-matrix.sh and their README section stay)
cp -p "$OUT"/* "$DEST"/
log "done: $(find "$DEST" -maxdepth 1 -type f | wc -l) files in $DEST"
