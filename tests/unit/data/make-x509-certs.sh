#!/usr/bin/env bash
# Regenerates the X.509 test certificates (DER) used by tests/unit/x509_test.cpp.
#
#   bash tests/unit/data/make-x509-certs.sh
#
# Keys are fresh each run, so fingerprints, serials of the self-signed certificates
# and public keys change: after regenerating, update the literals in x509_test.cpp
# from the output of
#   openssl x509 -inform DER -in FILE -noout -text -fingerprint -sha256 -serial \
#       -subject -issuer -nameopt RFC2253
# Dates are fixed (openssl ca -startdate/-enddate) so the validity literals stay put.
#
# Files:
#   x509-root-ca.der         EC P-384 root, self-signed, ecdsa-with-SHA384
#   x509-intermediate-ca.der RSA 2048 intermediate, CA:TRUE pathlen:0, signed by the root
#   x509-leaf-rsa.der        RSA 2048 leaf signed by the intermediate: DNS/IP/email/URI SANs,
#                            certificate policies (DV + CPS qualifier), AIA, CRL DP, key usage,
#                            extended key usage, SKI/AKI, an SCT list, an escaped comma and a
#                            UTF-8 organisation in the subject
#   x509-ec-p256.der         EC P-256, self-signed, ecdsa-with-SHA256
#   x509-ed25519.der         Ed25519, self-signed
#   x509-generalized-time.der  RSA 2048, notAfter 2051 (GeneralizedTime), signed by the intermediate
#   x509-rare-extensions.der   EC P-256, self-signed, notAfter 99991231235959Z (RFC 5280's "no
#                            expiry"), a multi-valued RDN, emailAddress and domainComponent in the
#                            subject, and the less common GeneralName forms and extension fields:
#                            otherName, directoryName, registeredID, issuerAltName, a user notice,
#                            an authority key identifier with issuer and serial, CRL distribution
#                            points with reasons, cRLIssuer and nameRelativeToCRLIssuer, and two
#                            extensions this dissector shows as bytes (nsComment, a private OID)
set -euo pipefail

out=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

mkdir -p db
: > db/index.txt
echo 1000 > db/serial

cat > ca.cnf <<'EOF'
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
utf8 = yes
string_mask = utf8only

[any_policy]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
emailAddress = optional

[req]
distinguished_name = dn
utf8 = yes
string_mask = utf8only
[dn]

[root_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[intermediate_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, digitalSignature, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[leaf_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = @leaf_san
certificatePolicies = 2.23.140.1.2.1, @cps_policy
authorityInfoAccess = OCSP;URI:http://ocsp.example.test, caIssuers;URI:http://ca.example.test/intermediate.der
crlDistributionPoints = URI:http://crl.example.test/intermediate.crl
# A SignedCertificateTimestampList (RFC 6962 section 3.3) with two made-up SCTs:
# version 0, a 32-byte log id, a timestamp, no extensions, ecdsa_secp256r1_sha256 and
# a short signature. Only its framing matters to the dissector.
1.3.6.1.4.1.11129.2.4.2 = DER:04:74:00:72:00:37:00:a4:b9:09:90:b4:18:58:14:87:bb:13:a2:cc:67:70:0a:3c:35:98:04:f9:1b:df:b8:e3:77:cd:0e:c8:0d:dc:10:00:00:01:94:1b:2e:a0:00:00:00:04:03:00:08:30:06:02:01:01:02:01:02:00:37:00:ee:4b:bd:b7:75:ce:60:ba:e1:42:69:1f:ab:e1:9e:66:a3:0f:7e:5f:b0:72:d8:83:00:c4:7b:89:7a:a8:fd:cb:00:00:01:94:1b:2e:a0:01:00:00:04:03:00:08:30:06:02:01:03:02:01:04

[leaf_san]
DNS.1 = www.example.test
DNS.2 = example.test
IP.1 = 192.0.2.10
IP.2 = 2001:db8::10
email.1 = admin@example.test
URI.1 = https://www.example.test/

[cps_policy]
policyIdentifier = 1.3.6.1.4.1.55555.1.2
CPS.1 = https://www.example.test/cps

[rare_ext]
basicConstraints = critical, CA:TRUE, pathlen:3
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always, issuer:always
subjectAltName = otherName:1.3.6.1.4.1.311.20.2.3;UTF8:user@example.test, dirName:dir_sect, RID:1.2.3.4, DNS:rare.example.test
issuerAltName = URI:http://issuer.example.test/
certificatePolicies = @notice_policy
crlDistributionPoints = crldp_full, crldp_relative
nsComment = "made by make-x509-certs.sh"
1.3.6.1.4.1.55555.9 = ASN1:UTF8String:private extension

[dir_sect]
C = NL
O = Directory Name Org
CN = dir.example.test

[notice_policy]
policyIdentifier = 1.3.6.1.4.1.55555.1.3
userNotice.1 = @notice

[notice]
explicitText = "For testing only"
organization = "tlsdissect Test"
noticeNumbers = 1, 2

[crldp_full]
fullname = URI:http://crl.example.test/rare.crl
reasons = keyCompromise, CACompromise
CRLissuer = dirName:dir_sect

[crldp_relative]
relativename = crl_rdn

[crl_rdn]
CN = rare crl

[ec_ext]
basicConstraints = CA:FALSE
subjectAltName = DNS:ec.example.test

[ed25519_ext]
basicConstraints = CA:FALSE
subjectAltName = DNS:ed25519.example.test

[future_ext]
basicConstraints = CA:FALSE
subjectAltName = DNS:future.example.test
EOF

ca() { openssl ca -config ca.cnf -batch -notext -utf8 "$@" 2>/dev/null; }

# Root: EC P-384, self-signed.
openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out root.key
openssl req -config ca.cnf -new -key root.key -subj "/C=NL/O=tlsdissect Test/CN=tlsdissect Test Root CA" -out root.csr
ca -selfsign -keyfile root.key -in root.csr -out root.pem -extensions root_ext -md sha384 \
   -startdate 20250101000000Z -enddate 20350101000000Z

# Intermediate: RSA 2048, signed by the root.
openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out int.key
openssl req -config ca.cnf -new -key int.key -subj "/C=NL/O=tlsdissect Test/CN=Intermediate CA" -out int.csr
ca -cert root.pem -keyfile root.key -in int.csr -out int.pem -extensions intermediate_ext -md sha384 \
   -startdate 20250101000000Z -enddate 20300101000000Z

# Leaf: RSA 2048, signed by the intermediate.
openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out leaf.key
openssl req -config ca.cnf -new -key leaf.key -utf8 \
   -subj $'/C=DE/L=K\xc3\xb6ln/O=Example, Inc./OU=M\xc3\xbcller Web/CN=www.example.test' -out leaf.csr
ca -cert int.pem -keyfile int.key -in leaf.csr -out leaf.pem -extensions leaf_ext \
   -startdate 20250101000000Z -enddate 20270101000000Z

# EC P-256, self-signed.
openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key
openssl req -config ca.cnf -new -key ec.key -subj "/CN=ec.example.test" -out ec.csr
ca -selfsign -keyfile ec.key -in ec.csr -out ec.pem -extensions ec_ext \
   -startdate 20250601000000Z -enddate 20260601000000Z

# Ed25519, self-signed.
openssl genpkey -quiet -algorithm ED25519 -out ed.key
openssl req -config ca.cnf -new -key ed.key -subj "/O=tlsdissect Test/CN=ed25519.example.test" -out ed.csr
ca -selfsign -keyfile ed.key -in ed.csr -out ed.pem -extensions ed25519_ext -md default \
   -startdate 20250301120000Z -enddate 20280301120000Z

# notAfter in 2051: RFC 5280 section 4.1.2.5 requires GeneralizedTime from 2050 on.
openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out future.key
openssl req -config ca.cnf -new -key future.key -subj "/CN=future.example.test" -out future.csr
ca -cert int.pem -keyfile int.key -in future.csr -out future.pem -extensions future_ext \
   -startdate 20250101000000Z -enddate 20510630235959Z

# Rare extensions, self-signed, with no well-defined expiration date.
openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out rare.key
openssl req -config ca.cnf -new -key rare.key -multivalue-rdn \
   -subj "/DC=test/DC=example/emailAddress=rare@example.test/CN=rare.example.test+serialNumber=42" -out rare.csr
ca -selfsign -keyfile rare.key -in rare.csr -out rare.pem -extensions rare_ext -preserveDN \
   -startdate 20250101000000Z -enddate 99991231235959Z

for pair in root:x509-root-ca int:x509-intermediate-ca leaf:x509-leaf-rsa ec:x509-ec-p256 \
            ed:x509-ed25519 future:x509-generalized-time rare:x509-rare-extensions; do
    openssl x509 -in "${pair%%:*}.pem" -outform DER -out "$out/${pair#*:}.der"
done
echo "wrote $(ls "$out"/x509-*.der | wc -l) certificates to $out"
