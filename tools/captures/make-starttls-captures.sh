#!/usr/bin/env bash
# make-starttls-captures.sh - captures of real servers upgrading a connection to TLS.
#
#   starttls-imap-pop3.pcap: curl --ssl-reqd against Dovecot: IMAP (CAPABILITY,
#     STARTTLS, LOGIN, LIST) then POP3 (CAPA, STLS, USER/PASS, LIST). Key log: .keys.
#   starttls-ftp.pcap: Python's ftplib (FTP_TLS) against vsftpd: AUTH TLS, anonymous
#     login, PROT P, a TLS-protected passive listing. Key log: .keys.
#   starttls-ldap.pcap: ldapsearch -ZZ (GnuTLS) against slapd: the StartTLS extended
#     operation, then a rootDSE search inside TLS. Key log: .keys (SSLKEYLOGFILE).
#   starttls-postgresql.pcap: psql (sslmode=verify-full) against PostgreSQL 15:
#     SSLRequest, 'S', TLS 1.3 with a HelloRetryRequest. No key log (libpq 15 cannot
#     write one).
#   starttls-mysql.pcap: the mariadb client (--ssl-verify-server-cert) against
#     MariaDB 10.11: greeting, SSL login request, TLS. No key log.
#
# Debian 12 packages needed (not installed by this script): bash coreutils iproute2
#   openssl curl dovecot-imapd dovecot-pop3d vsftpd slapd ldap-utils postgresql
#   mariadb-server mariadb-client tcpdump tshark
#
# Usage (as root):  tools/captures/make-starttls-captures.sh [OUTDIR]   (default: captures/)
#
# Everything runs on the loopback of one network namespace this script creates
# (tlsd-stls-<pid>-lo): clients on 127.0.0.1, servers bound to 127.0.0.2, where
# www.example.test points through the namespace's own hosts file (/etc/netns/<ns>/hosts,
# removed on exit). Servers run in the foreground under `timeout` with configuration
# and data in a temporary directory; only the PIDs started here are stopped (lib.sh).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
case ${1:-} in -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
OUT=${1:-"$HERE/../../captures"}
PY=/usr/bin/python3
TMO=90
CTMO=20
PROG=make-starttls-captures
NS_TAG=stls
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces, tcpdump, servers)"
# Where Debian's packages put the PostgreSQL server and slapd's core schema, asked of dpkg.
pg_package=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 'postgresql-[0-9]*' 2>/dev/null |
    awk '$1 == "ii" && $2 ~ /^postgresql-[0-9]+$/ {print $2}' | sort -V | tail -1)
PGBIN=$(dirname "$(dpkg -L "$pg_package" 2>/dev/null | grep -m1 '/bin/postgres$')")
CORE_SCHEMA=$(dpkg -L slapd 2>/dev/null | grep -m1 '/schema/core\.schema$' || true)
for c in ip timeout openssl curl dovecot vsftpd slapd ldapsearch psql mariadbd mariadb mariadb-install-db runuser \
         tcpdump tshark; do
    command -v "$c" >/dev/null || [ -x "/usr/sbin/$c" ] || die "missing command: $c"
done
[ -x "$PGBIN/postgres" ] || die "missing PostgreSQL server binaries"
[ -f "$CORE_SCHEMA" ] || die "missing slapd's core schema"

mkdir -p "$OUT"
DEST=$(cd "$OUT" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tlsd-stls.XXXXXX")
chmod 755 "$WORK"   # the servers' own users read their files here
PKI=$WORK/pki
WWW=$WORK/www
make_pki
chmod 755 "$PKI"
cat "$PKI/leaf.pem" "$PKI/inter.pem" >"$PKI/server-chain.pem"
chmod 644 "$PKI"/*.pem

ns_new lo
HOSTS_DIR=/etc/netns/$NS
trap 'rm -rf "$HOSTS_DIR"; cleanup' EXIT
mkdir -p "$HOSTS_DIR"
printf '127.0.0.1 localhost\n127.0.0.2 www.example.test\n' >"$HOSTS_DIR/hosts"

# wait_port PORT: a server that takes its time to start (databases).
wait_port() {
    local i
    for i in $(seq 300); do
        [ -n "$(nx ss -Hltn "sport = :$1")" ] && return 0
        sleep 0.1
    done
    die "nothing listening on port $1"
}
# key_for USER DIR: a copy of the server key that USER may read (and only USER).
key_for() {
    install -o "$1" -m 600 "$PKI/leaf.key" "$2/server.key"
}

# ---------------------------------------------------------------- Dovecot: IMAP, POP3
log "Dovecot: IMAP and POP3 STARTTLS (curl)"
d=$WORK/dovecot
mkdir -p "$d/users/alice"
chown -R dovenull:dovenull "$d/users"
key_for root "$d"
cat >"$d/dovecot.conf" <<EOF
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
protocols = imap pop3
listen = 127.0.0.2
ssl = required
ssl_cert = <$PKI/server-chain.pem
ssl_key = <$d/server.key
auth_mechanisms = plain
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 100
passdb {
  driver = static
  args = password=wonderland
}
userdb {
  driver = static
  args = uid=dovenull gid=dovenull home=$d/users/%u mail=maildir:$d/users/%u/Maildir
}
EOF
start_bg dove "$d/run.log" dovecot -F -c "$d/dovecot.conf"
wait_port 143
wait_port 110
cap_start cap "$d/c.pcap" -i lo tcp
nx env SSLKEYLOGFILE="$d/keys" timeout "$CTMO" curl -sS --ssl-reqd --cacert "$PKI/root.pem" -u alice:wonderland \
    imap://www.example.test/ -o "$d/imap.out" || die "curl IMAP failed"
nx env SSLKEYLOGFILE="$d/keys" timeout "$CTMO" curl -sS --ssl-reqd --cacert "$PKI/root.pem" -u alice:wonderland \
    pop3://www.example.test/ -o "$d/pop3.out" || die "curl POP3 failed"
sleep 0.5
cap_stop "$cap"
stop_bg "$dove"
grep -q INBOX "$d/imap.out" || die "no IMAP listing"
check "IMAP STARTTLS" eq "$(count "$d/c.pcap" 'imap.request.command == "STARTTLS"')" 1
check "POP3 STLS" eq "$(count "$d/c.pcap" 'pop.request.command == "STLS"')" 1
check "two Client Hellos" eq "$(count "$d/c.pcap" 'tls.handshake.type == 1')" 2

# ---------------------------------------------------------------- vsftpd: FTP AUTH TLS
log "vsftpd: FTP AUTH TLS with a protected data connection (curl)"
d=$WORK/vsftpd
mkdir -p "$d/empty" "$d/ftp/pub"
printf 'hello over FTPS\n' >"$d/ftp/pub/readme.txt"
chmod 555 "$d/ftp" "$d/empty"
key_for root "$d"
cat >"$d/vsftpd.conf" <<EOF
listen=YES
listen_address=127.0.0.2
background=NO
anonymous_enable=YES
local_enable=NO
anon_root=$d/ftp
secure_chroot_dir=$d/empty
ssl_enable=YES
allow_anon_ssl=YES
force_anon_logins_ssl=YES
force_anon_data_ssl=YES
require_ssl_reuse=NO
rsa_cert_file=$PKI/server-chain.pem
rsa_private_key_file=$d/server.key
pasv_enable=YES
pasv_min_port=40000
pasv_max_port=40010
seccomp_sandbox=NO
xferlog_enable=NO
EOF
start_bg ftpd "$d/run.log" vsftpd "$d/vsftpd.conf"
wait_port 21
cap_start cap "$d/c.pcap" -i lo tcp
# Python's ftplib (OpenSSL through the ssl module, which honours SSLKEYLOGFILE) says
# AUTH TLS; curl says AUTH SSL first, which tshark's FTP dissector does not follow.
nx env SSLKEYLOGFILE="$d/keys" timeout "$CTMO" "$PY" - "$PKI/root.pem" >"$d/list.out" <<'EOF' || die "FTPS client failed"
import ftplib, ssl, sys
context = ssl.create_default_context(cafile=sys.argv[1])
ftp = ftplib.FTP_TLS("www.example.test", context=context, timeout=15)
ftp.login()
ftp.prot_p()
print("\n".join(ftp.nlst("pub")))
ftp.quit()
EOF
sleep 0.5
cap_stop "$cap"
stop_bg "$ftpd"
grep -q readme.txt "$d/list.out" || die "no FTP listing"
check "FTP AUTH TLS" eq "$(count "$d/c.pcap" 'ftp.request.command == "AUTH"')" 1
check "FTP 234" eq "$(count "$d/c.pcap" 'ftp.response.code == 234')" 1

# ---------------------------------------------------------------- slapd: LDAP StartTLS
log "slapd: LDAP StartTLS (ldapsearch -ZZ, GnuTLS)"
d=$WORK/slapd
mkdir -p "$d"
key_for root "$d"
cat >"$d/slapd.conf" <<EOF
include $CORE_SCHEMA
pidfile $d/slapd.pid
argsfile $d/slapd.args
TLSCertificateFile $PKI/server-chain.pem
TLSCertificateKeyFile $d/server.key
EOF
start_bg ldapd "$d/run.log" slapd -d 0 -f "$d/slapd.conf" -h ldap://127.0.0.2:389/
wait_port 389
cap_start cap "$d/c.pcap" -i lo tcp
nx env SSLKEYLOGFILE="$d/keys" LDAPTLS_CACERT="$PKI/root.pem" timeout "$CTMO" \
    ldapsearch -ZZ -x -H ldap://www.example.test -b '' -s base supportedExtension >"$d/search.out" 2>&1 ||
    { cat "$d/search.out" >&2; die "ldapsearch -ZZ failed"; }
sleep 0.5
cap_stop "$cap"
stop_bg "$ldapd"
grep -q '1.3.6.1.4.1.1466.20037' "$d/search.out" || die "no rootDSE answer"
check "LDAP StartTLS request" eq "$(count "$d/c.pcap" 'ldap.requestName == "1.3.6.1.4.1.1466.20037"')" 1

# ---------------------------------------------------------------- PostgreSQL
log "PostgreSQL: SSLRequest (psql, sslmode=verify-full)"
d=$WORK/pg
mkdir -p "$d"
chown postgres "$d"
key_for postgres "$d"
runuser -u postgres -- "$PGBIN/initdb" -D "$d/data" -A trust -U postgres >"$d/initdb.log" 2>&1 ||
    { cat "$d/initdb.log" >&2; die "initdb failed"; }
printf 'hostssl all all 127.0.0.1/32 trust\n' >"$d/data/pg_hba.conf"
start_bg pg "$d/run.log" runuser -u postgres -- "$PGBIN/postgres" -D "$d/data" -c listen_addresses=127.0.0.2 \
    -c unix_socket_directories="$d" -c ssl=on -c ssl_cert_file="$PKI/server-chain.pem" -c ssl_key_file="$d/server.key"
wait_port 5432
cap_start cap "$d/c.pcap" -i lo tcp
nx timeout "$CTMO" psql "host=www.example.test user=postgres dbname=postgres sslmode=verify-full sslrootcert=$PKI/root.pem" \
    -Atc 'select version()' >"$d/psql.out" 2>&1 || { cat "$d/psql.out" >&2; die "psql failed"; }
sleep 0.5
cap_stop "$cap"
stop_bg "$pg"
grep -q PostgreSQL "$d/psql.out" || die "no answer from PostgreSQL"
check "PostgreSQL SSLRequest" eq "$(count "$d/c.pcap" 'pgsql.type == "SSL request"')" 1
# OpenSSL's server answers the first Client Hello with a HelloRetryRequest (its group).
check "Client Hellos (a second one after a HelloRetryRequest)" ge "$(count "$d/c.pcap" 'tls.handshake.type == 1')" 1

# ---------------------------------------------------------------- MariaDB
log "MariaDB: SSL login request (mariadb --ssl-verify-server-cert)"
d=$WORK/my
mkdir -p "$d"
chown mysql "$d"
key_for mysql "$d"
mariadb-install-db --no-defaults --user=mysql --datadir="$d/data" --auth-root-authentication-method=normal \
    >"$d/install.log" 2>&1 || { cat "$d/install.log" >&2; die "mariadb-install-db failed"; }
start_bg my "$d/run.log" mariadbd --no-defaults --user=mysql --datadir="$d/data" --bind-address=127.0.0.2 \
    --port=3306 --socket="$d/sock" --pid-file="$d/pid" --skip-grant-tables \
    --ssl-cert="$PKI/server-chain.pem" --ssl-key="$d/server.key" --ssl-ca="$PKI/root.pem"
wait_port 3306
cap_start cap "$d/c.pcap" -i lo tcp
nx timeout "$CTMO" mariadb --no-defaults -h www.example.test -u root --ssl --ssl-ca="$PKI/root.pem" \
    --ssl-verify-server-cert -e 'select version()' >"$d/client.out" 2>&1 || { cat "$d/client.out" >&2; die "mariadb client failed"; }
sleep 0.5
cap_stop "$cap"
stop_bg "$my"
grep -q MariaDB "$d/client.out" || die "no answer from MariaDB"
check "MySQL SSL request" eq "$(count "$d/c.pcap" 'mysql.caps.sl == 1 && mysql.login_request')" 1
check "a Client Hello" eq "$(count "$d/c.pcap" 'tls.handshake.type == 1')" 1

cat "$WORK/checks.log" >&2
[ "$FAILS" = 0 ] || die "$FAILS check(s) failed; $DEST left as it was"

cp "$WORK/dovecot/c.pcap" "$DEST/starttls-imap-pop3.pcap"
cp "$WORK/dovecot/keys" "$DEST/starttls-imap-pop3.keys"
cp "$WORK/vsftpd/c.pcap" "$DEST/starttls-ftp.pcap"
cp "$WORK/vsftpd/keys" "$DEST/starttls-ftp.keys"
cp "$WORK/slapd/c.pcap" "$DEST/starttls-ldap.pcap"
[ -s "$WORK/slapd/keys" ] && cp "$WORK/slapd/keys" "$DEST/starttls-ldap.keys"
cp "$WORK/pg/c.pcap" "$DEST/starttls-postgresql.pcap"
cp "$WORK/my/c.pcap" "$DEST/starttls-mysql.pcap"
for f in starttls-imap-pop3 starttls-ftp starttls-ldap starttls-postgresql starttls-mysql; do
    log "wrote $DEST/$f.pcap ($(npk "$DEST/$f.pcap") packets)"
done
