#!/usr/bin/env bash
# make-chain-test-certs.sh - regenerates the certificates and signatures that
# tests/unit/chain_of_trust_test.cpp and signature_check_test.cpp read from
# tests/unit/data/chain/.
#
#   bash tools/make-chain-test-certs.sh
#
# Needs only openssl (3.0). Keys are fresh on every run and are not kept; the tests
# assert only what the files are made to be (valid, expired at a date, wrongly signed,
# self-signed, named), never fingerprints. Dates are fixed with openssl ca
# -startdate/-enddate so the tests can check "at the capture time" against them.
#
# Files (PEM):
#   root.pem            EC P-256 root CA, 2020-01-01 .. 2040-01-01
#   inter.pem           EC P-256 intermediate, signed by root.pem, 2020-01-01 .. 2040-01-01
#   leaf.pem            RSA 2048 leaf signed by inter.pem, 2024-01-01 .. 2025-01-01 (valid in
#                       mid-2024, expired today); SAN www.example.test, *.cdn.example.test,
#                       IP 192.0.2.10
#   leaf-recent.pem     EC P-256 leaf signed by inter.pem, 2025-01-01 .. 2035-01-01 (not yet
#                       valid in mid-2024, valid today); SAN www.example.test
#   other-root.pem      another root, with its own key
#   other-inter.pem     an intermediate with the same subject as inter.pem but signed by
#                       other-root.pem with another key: the "wrong intermediate"
#   self-signed.pem     self-signed leaf CN=www.example.test, SAN www.example.test
#   ed25519-leaf.pem    Ed25519 leaf signed by inter.pem (for the signature checks)
# Certificates carry no authorityKeyIdentifier, so an issuer is found by name and the
# wrong intermediate shows up as a failed signature, not as a missing issuer.
#
# Signatures for the TLS 1.3 CertificateVerify test (RFC 8446 section 4.4.3), over
# 64 spaces + "TLS 1.3, server CertificateVerify" + 0x00 + the 32 bytes 00 01 .. 1f:
#   cv-rsa-pss-sha256.sig   rsa_pss_rsae_sha256 with leaf.pem's key
#   cv-ecdsa-sha256.sig     ecdsa_secp256r1_sha256 with leaf-recent.pem's key
#   cv-ed25519.sig          ed25519 with ed25519-leaf.pem's key
set -euo pipefail

out=$(cd "$(dirname "$0")/../tests/unit/data/chain" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir -p db
: >db/index.txt
echo 1000 >db/serial

cat >ca.cnf <<'CNF'
[ca]
default_ca = test_ca
[test_ca]
database = db/index.txt
serial = db/serial
new_certs_dir = db
default_md = sha256
policy = any_policy
unique_subject = no
copy_extensions = none
[any_policy]
countryName = optional
organizationName = optional
commonName = supplied
[req]
distinguished_name = dn
[dn]
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.test, DNS:*.cdn.example.test, IP:192.0.2.10
[self_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.test
CNF

ca() { openssl ca -config ca.cnf -batch -notext "$@" 2>/dev/null; }
ec_key() { openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
csr() { openssl req -config ca.cnf -new -key "$1" -subj "$2" -out "$3"; }

ec_key root.key
csr root.key "/O=tlsdissect Test/CN=Chain Test Root CA" root.csr
ca -selfsign -keyfile root.key -in root.csr -out root.pem -extensions ca_ext \
    -startdate 20200101000000Z -enddate 20400101000000Z

ec_key inter.key
csr inter.key "/O=tlsdissect Test/CN=Chain Test Intermediate CA" inter.csr
ca -cert root.pem -keyfile root.key -in inter.csr -out inter.pem -extensions ca_ext \
    -startdate 20200101000000Z -enddate 20400101000000Z

openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out leaf.key
csr leaf.key "/O=tlsdissect Test/CN=www.example.test" leaf.csr
ca -cert inter.pem -keyfile inter.key -in leaf.csr -out leaf.pem -extensions leaf_ext \
    -startdate 20240101000000Z -enddate 20250101000000Z

ec_key recent.key
csr recent.key "/O=tlsdissect Test/CN=www.example.test" recent.csr
ca -cert inter.pem -keyfile inter.key -in recent.csr -out leaf-recent.pem -extensions self_ext \
    -startdate 20250101000000Z -enddate 20350101000000Z

ec_key other-root.key
csr other-root.key "/O=tlsdissect Test/CN=Other Test Root CA" other-root.csr
ca -selfsign -keyfile other-root.key -in other-root.csr -out other-root.pem -extensions ca_ext \
    -startdate 20200101000000Z -enddate 20400101000000Z

ec_key other-inter.key
csr other-inter.key "/O=tlsdissect Test/CN=Chain Test Intermediate CA" other-inter.csr
ca -cert other-root.pem -keyfile other-root.key -in other-inter.csr -out other-inter.pem -extensions ca_ext \
    -startdate 20200101000000Z -enddate 20400101000000Z

ec_key self.key
csr self.key "/O=tlsdissect Test/CN=www.example.test" self.csr
ca -selfsign -keyfile self.key -in self.csr -out self-signed.pem -extensions self_ext \
    -startdate 20200101000000Z -enddate 20400101000000Z

openssl genpkey -quiet -algorithm ED25519 -out ed.key
csr ed.key "/O=tlsdissect Test/CN=www.example.test" ed.csr
ca -cert inter.pem -keyfile inter.key -in ed.csr -out ed25519-leaf.pem -extensions self_ext \
    -startdate 20200101000000Z -enddate 20400101000000Z

# CertificateVerify content: 64 spaces, the server context string, 0, the transcript hash.
{
    printf '%64s' ''
    printf 'TLS 1.3, server CertificateVerify\0'
    printf "$(printf '\\x%02x' $(seq 0 31))"
} >cv.bin
[ "$(stat -c %s cv.bin)" = 130 ] || { echo "bad CertificateVerify content" >&2; exit 1; }
openssl dgst -sha256 -sign leaf.key -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest \
    -out cv-rsa-pss-sha256.sig cv.bin
openssl dgst -sha256 -sign recent.key -out cv-ecdsa-sha256.sig cv.bin
openssl pkeyutl -sign -rawin -inkey ed.key -in cv.bin -out cv-ed25519.sig

for f in root inter leaf leaf-recent other-root other-inter self-signed ed25519-leaf; do
    openssl x509 -in "$f.pem" -out "$out/$f.pem"
done
cp cv-rsa-pss-sha256.sig cv-ecdsa-sha256.sig cv-ed25519.sig "$out/"
# The checks the tests make, done once here with openssl's own verify.
openssl verify -attime 1717200000 -CAfile root.pem -untrusted inter.pem leaf.pem >/dev/null
! openssl verify -CAfile root.pem -untrusted inter.pem leaf.pem >/dev/null 2>&1
echo "make-chain-test-certs: wrote $out" >&2
