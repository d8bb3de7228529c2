#!/usr/bin/env python3
"""--export-certs and JA4X against tshark, OpenSSL, a second X.509 parser and the JA4
project's published values.

For every capture of the given folders (decrypted with NAME.keys when it exists), one run
of `tlsdissect --sessions --export-certs DIR` must give:

  * in DIR exactly NAME.der and NAME.pem for every distinct certificate tshark shows
    (tls.handshake.certificate, dtls.handshake.certificate; TLS, DTLS, QUIC, compressed
    and decrypted ones) that `openssl x509 -inform DER` reads, NAME its SHA-256;
  * each .der byte for byte what tshark shows, `openssl x509 -inform DER -outform DER` of
    it the same bytes, and `openssl x509 -in NAME.pem -outform DER` the same bytes;
  * every certificate of every --sessions record naming its files
    (`files: {der, pem}`), `null` for one that was not written;
  * each `ja4x` equal to the JA4X computed here from tshark's bytes with Python's
    cryptography module (an X.509 parser other than OpenSSL) and the specification
    (FoxIO-LLC/ja4, technical_details/JA4X.md: the hex of the DER content octets of the
    OIDs of the issuer's attributes, the subject's and the extensions, in encoded order,
    comma-separated, SHA-256, first 12 digits; 12 zeros for an empty list);
  * for a CA certificate whose JA4X the JA4 project published (REFERENCE: same subject
    and issuer common names), that value.
Then all captures are exported into one folder: it must hold each certificate once.

Usage: compare_certificates.py TLSDISSECT [--min-reference N] DIR...; exit 0 / 1, 77
without tshark, the cryptography module or captures. --min-reference: fail unless at
least N certificates were compared with the JA4 project's values.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tshark_cache  # noqa: E402

# JA4X values printed by the JA4 reference implementation (FoxIO-LLC/ja4) for CA
# certificates of browser captures, by (subject CN, issuer CN): file and commit there.
SNAP = "rust/ja4/src/snapshots/ja4__insta@"
REFERENCE = {
    ("GTS CA 1C3", "GTS Root R1"): ("a373a9f83c6b_a373a9f83c6b_5d71497f7704",
                                    SNAP + "http2-with-cookies.pcapng.snap @ 10ee511b"),
    ("GTS Root R1", "GlobalSign Root CA"): ("7d5dbb3783b4_a373a9f83c6b_2fbee3f04f3b",
                                            SNAP + "http2-with-cookies.pcapng.snap @ 10ee511b"),
    ("DigiCert Global Root CA", "DigiCert Global Root CA"): ("7d5dbb3783b4_7d5dbb3783b4_f269f029c206",
                                                             SNAP + "tls-handshake.pcapng.snap @ fe727a5a"),
    ("DigiCert TLS RSA SHA256 2020 CA1", "DigiCert Global Root CA"): ("7d5dbb3783b4_a373a9f83c6b_a83ffcd6e6c2",
                                                                      SNAP + "tls-handshake.pcapng.snap @ fe727a5a"),
    ("GlobalSign RSA OV SSL CA 2018", "GlobalSign"): ("0b479b1b5763_a373a9f83c6b_2fbee3f04f3b",
                                                      SNAP + "tls-handshake.pcapng.snap @ fe727a5a"),
    ("Microsoft Azure TLS Issuing CA 05", "DigiCert Global Root G2"): ("7d5dbb3783b4_a373a9f83c6b_c34b04c10969",
                                                                       SNAP + "browsers-x509.pcapng.snap @ 10ee511b"),
    ("GeoTrust ECC CA 2018", "DigiCert Global Root CA"): ("7d5dbb3783b4_7d5dbb3783b4_44440d41940c",
                                                          SNAP + "browsers-x509.pcapng.snap @ 10ee511b"),
    ("USERTrust RSA Certification Authority", "AAA Certificate Services"): (
        "2bab15409345_2bab15409345_2030e37f3421", SNAP + "browsers-x509.pcapng.snap @ 10ee511b"),
}


def oid_hex(dotted):
    """The DER content octets of an OID (X.690 8.19), in hex."""
    arcs = [int(a) for a in dotted.split(".")]
    out = bytearray()
    for value in [arcs[0] * 40 + arcs[1]] + arcs[2:]:
        chunk = [value & 0x7F]
        value >>= 7
        while value:
            chunk.append(0x80 | (value & 0x7F))
            value >>= 7
        out += bytes(reversed(chunk))
    return out.hex()


def sha12(text):
    return hashlib.sha256(text.encode()).hexdigest()[:12] if text else "0" * 12


def ja4x_and_names(der):
    """(JA4X, subject CN, issuer CN) from the cryptography module; None when it cannot
    read the certificate or its extensions."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID
    try:
        cert = x509.load_der_x509_certificate(der)
        issuer = ",".join(oid_hex(a.oid.dotted_string) for rdn in cert.issuer.rdns for a in rdn)
        subject = ",".join(oid_hex(a.oid.dotted_string) for rdn in cert.subject.rdns for a in rdn)
        extensions = ",".join(oid_hex(e.oid.dotted_string) for e in cert.extensions)

        def cn(name):
            values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
            return values[-1].value if values else None
        return sha12(issuer) + "_" + sha12(subject) + "_" + sha12(extensions), cn(cert.subject), cn(cert.issuer)
    except Exception:  # noqa: BLE001 - a certificate this parser refuses is simply not compared
        return None


def openssl_der(args, data=None):
    r = subprocess.run(["openssl", "x509", *args, "-outform", "DER"], input=data, capture_output=True, check=False)
    return r.stdout if r.returncode == 0 else None


# The same certificates come back in many captures: OpenSSL reads each (sha256, file
# contents) once.
_read = {}


def openssl_reads(key, args, data=None):
    if key not in _read:
        _read[key] = openssl_der(args, data)
    return _read[key]


def tshark_certificates(capture):
    keys = tshark_cache.key_log_of(capture)
    # Out-of-order segments reassembled, as tlsdissect does (tls12-reordered).
    opts = ["-o", "tcp.reassemble_out_of_order:TRUE"] + (["-o", f"tls.keylog_file:{keys}"] if keys else [])
    out = {}
    for line in tshark_cache.fields(capture, ["tls.handshake.certificate", "dtls.handshake.certificate"],
                                    options=opts, display_filter="tls.handshake.certificate || dtls.handshake.certificate"):
        for column in line.split("\t"):
            for value in column.split(","):
                if value:
                    der = bytes.fromhex(value.replace(":", ""))
                    out[hashlib.sha256(der).hexdigest()] = der
    return out


def export(tool, captures, folder):
    cmd = [tool, "--sessions", "--export-certs", folder]
    if len(captures) == 1 and tshark_cache.key_log_of(captures[0]):
        cmd += ["--keylog", tshark_cache.key_log_of(captures[0])]
    r = subprocess.run(cmd + captures, capture_output=True, text=True, check=False)
    return r


def main():
    argv = sys.argv[:]
    min_reference = 0
    if "--min-reference" in argv:
        i = argv.index("--min-reference")
        min_reference = int(argv[i + 1])
        del argv[i:i + 2]
        sys.argv = argv
    tool, captures = tshark_cache.tool_and_captures(__doc__)
    warnings.filterwarnings("ignore")  # the cryptography module's notes on old certificates
    try:
        import cryptography  # noqa: F401
    except ImportError:
        print("SKIP: the Python cryptography module (Debian python3-cryptography) is missing")
        return 77
    failures, files_checked, ja4x_checked, references, not_readable = [], 0, 0, [], 0
    everything = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n, capture in enumerate(captures):
            name = os.path.basename(capture)
            theirs = tshark_certificates(capture)
            folder = os.path.join(tmp, f"{n}")
            r = export(tool, [capture], folder)
            if r.returncode != 0:
                if theirs:
                    failures.append(f"{name}: exit status {r.returncode}: {r.stderr.strip()}")
                continue
            fail = lambda msg, name=name: failures.append(f"{name}: {msg}")  # noqa: E731
            expected = {}
            for sha, der in theirs.items():
                if openssl_reads(("tshark", sha), ["-inform", "DER"], der) is not None:
                    expected[sha] = der
                else:
                    not_readable += 1
            everything.update(expected)
            written = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
            want = sorted([f"{s}.der" for s in expected] + [f"{s}.pem" for s in expected])
            if written != want:
                missing = sorted(set(want) - set(written))
                extra = sorted(set(written) - set(want))
                fail(f"files: missing {missing[:4]}, not in tshark {extra[:4]}")
            for sha, der in expected.items():
                der_path, pem_path = os.path.join(folder, sha + ".der"), os.path.join(folder, sha + ".pem")
                if not os.path.exists(der_path) or not os.path.exists(pem_path):
                    continue
                files_checked += 1
                mine = open(der_path, "rb").read()
                if mine != der or hashlib.sha256(mine).hexdigest() != sha:
                    fail(f"{sha}.der is not the certificate tshark shows")
                pem = open(pem_path, "rb").read()
                if openssl_reads(("der", sha, mine), ["-inform", "DER"], mine) != der:
                    fail(f"{sha}.der: openssl does not read back the same certificate")
                if openssl_reads(("pem", sha, pem), [], pem) != der:
                    fail(f"{sha}.pem: openssl reads another certificate than the .der")
            sessions = json.loads(r.stdout)["tls"]
            for t in sessions:
                for c in t["certificates"] + t["client_certificates"]:
                    sha = c["sha256"]
                    named = c.get("files")
                    if sha in expected and named != {"der": sha + ".der", "pem": sha + ".pem"}:
                        fail(f"stream {t['stream']}: certificate {sha[:12]} names {named}")
                    if sha not in expected and named is not None and not os.path.exists(os.path.join(folder, named["der"])):
                        fail(f"stream {t['stream']}: certificate {sha[:12]} names files that are not there")
                    der = theirs.get(sha)
                    if der is None:
                        continue
                    computed = ja4x_and_names(der)
                    if computed is None:
                        continue
                    ja4x_checked += 1
                    value, subject_cn, issuer_cn = computed
                    if c["ja4x"] != value:
                        fail(f"stream {t['stream']}: certificate {sha[:12]}: ja4x {c['ja4x']}, computed {value}")
                    ref = REFERENCE.get((subject_cn, issuer_cn))
                    if ref:
                        references.append(f"{name}: {subject_cn} <- {issuer_cn}: {ref[1]}")
                        if c["ja4x"] != ref[0]:
                            fail(f"{subject_cn}: ja4x {c['ja4x']}, the JA4 project's {ref[0]} ({ref[1]})")
        # All captures into one folder (the key logs do not matter for this): each once.
        together = os.path.join(tmp, "all")
        plain = [c for c in captures if not tshark_cache.key_log_of(c)]
        if plain:
            r = export(tool, plain, together)
            names = os.listdir(together) if os.path.isdir(together) else []
            if r.returncode != 0 or len(names) != len(set(names)) or any(".tmp" in n for n in names):
                failures.append(f"one folder for all: exit status {r.returncode}, {len(names)} files")
    for f in failures:
        print("FAIL", f)
    for r in sorted(set(references)):
        print("reference:", r)
    print(f"{len(everything)} distinct certificates; {files_checked} exported file pairs checked, "
          f"{ja4x_checked} JA4X computed independently, {len(references)} compared with the JA4 project's values; "
          f"{not_readable} certificates tshark shows that OpenSSL cannot read; {len(failures)} disagreements")
    if len(references) < min_reference:
        print(f"FAIL fewer than {min_reference} certificates compared with the JA4 project's values")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
