#!/usr/bin/env python3
"""Generate the TLS and DNS name tables from the IANA registry CSV files.

Input: data/iana, one CSV per registry as IANA publishes it (see data/iana/README.md
for where each copy comes from). Output: two C++ include files, iana_tls.inc and
iana_dns.inc, with one array per registry, sorted by value, that src/core/iana_tables.hpp
includes inside namespace tlsdissect:

    inline constexpr ValueName kTlsCipherSuites[] = {{0xc02f, "TLS_ECDHE_..."}, ...};
    inline constexpr std::string_view kTlsAlpnProtocols[] = {"h2", "http/1.1", ...};

What is kept: one name per single value. Ranges ("0x00,0x1C-1D", "3-247"), rows that are
"Unassigned", "Reserved...", "N/A" or empty are skipped; a single value that the registry
does name (DNSSEC algorithm 252 INDIRECT, handshake type hello_request_RESERVED) is kept.
Names keep IANA's spelling. Footnote markers ("[1]") are removed, and so are trailing
notes in parentheses ("supported_groups (renamed from ...)", "IQuery (Inverse Query,
OBSOLETE)") unless removing one would give two values of a registry the same name
("connection_id (deprecated)" stays apart from "connection_id"). DNS CLASSes use the
mnemonic IANA gives in parentheses ("Internet (IN)" -> "IN", "QCLASS * (ANY)" -> "ANY").
Where several rows share a value, the first row wins.

The generator fails (exit status 1) when a CSV is missing, lacks a column it needs, has
a value it cannot read, or yields fewer names than the registry is known to hold.

Usage: gen_iana_tables.py IANA_DIR OUTPUT_DIR
"""
import csv
import os
import re
import sys
from dataclasses import dataclass
from typing import Callable, Optional


class RegistryError(Exception):
    pass


@dataclass(frozen=True)
class Registry:
    array: str            # C++ array name
    file_name: str        # CSV file in IANA_DIR
    value_column: str
    name_column: str
    min_names: int        # fewer names than this means the CSV is broken or truncated
    hex_output: bool = False
    fallback_column: Optional[str] = None  # used when name_column is empty in a row
    normalize: Optional[Callable[[str], str]] = None


FOOTNOTE_RE = re.compile(r"\[[^\]]*\]")
TRAILING_NOTE_RE = re.compile(r"\s*\([^()]*(\([^()]*\)[^()]*)*\)\s*$")
SKIPPED_PREFIXES = ("unassigned", "reserved", "private use", "n/a")


def dns_class_name(name: str) -> str:
    """ "Internet (IN)" -> "IN", "QCLASS NONE" -> "NONE", "QCLASS * (ANY)" -> "ANY"."""
    mnemonic = re.search(r"\(([A-Z]+)\)\s*$", name)
    if mnemonic:
        return mnemonic.group(1)
    if name.startswith("QCLASS "):
        return name[len("QCLASS "):].strip()
    return name


TLS_REGISTRIES = [
    Registry("kTlsCipherSuites", "tls-parameters-4.csv", "Value", "Description", 300, hex_output=True),
    Registry("kTlsContentTypes", "tls-parameters-5.csv", "Value", "Description", 5),
    Registry("kTlsAlertDescriptions", "tls-parameters-6.csv", "Value", "Description", 25),
    Registry("kTlsHandshakeTypes", "tls-parameters-7.csv", "Value", "Description", 15),
    Registry("kTlsSupportedGroups", "tls-parameters-8.csv", "Value", "Description", 40),
    Registry("kTlsEcPointFormats", "tls-parameters-9.csv", "Value", "Description", 3),
    Registry("kTlsSignatureSchemes", "tls-signaturescheme.csv", "Value", "Description", 25, hex_output=True),
    Registry("kTlsExtensionTypes", "tls-extensiontype-values-1.csv", "Value", "Extension Name", 50),
    Registry("kTlsPskKeyExchangeModes", "tls-pskkeyexchangemode.csv", "Value", "Description", 2),
    Registry("kTlsCertificateStatusTypes", "certificate-status.csv", "Value", "Description", 1),
    Registry("kTlsCompressionMethods", "comp-meth-ids-2.csv", "Value", "Description", 2),
    Registry("kTlsHashAlgorithms", "tls-parameters-18.csv", "Value", "Description", 7),
    Registry("kTlsSignatureAlgorithms", "tls-parameters-16.csv", "Value", "Description", 4),
    Registry("kTlsClientCertificateTypes", "tls-parameters-2.csv", "Value", "Description", 6),
    # HPKE (RFC 9180 section 7): the KEM, KDF and AEAD of ECH configurations and offers.
    Registry("kHpkeKemIds", "hpke-kem-ids.csv", "Value", "KEM", 5, hex_output=True),
    Registry("kHpkeKdfIds", "hpke-kdf-ids.csv", "Value", "KDF", 3, hex_output=True),
    Registry("kHpkeAeadIds", "hpke-aead-ids.csv", "Value", "AEAD", 4, hex_output=True),
]

ALPN_FILE = "alpn-protocol-ids.csv"
ALPN_MIN = 20

DNS_REGISTRIES = [
    Registry("kDnsTypes", "dns-parameters-4.csv", "Value", "TYPE", 80),
    Registry("kDnsClasses", "dns-parameters-2.csv", "Decimal", "Name", 3, normalize=dns_class_name),
    Registry("kDnsOpcodes", "dns-parameters-5.csv", "OpCode", "Name", 4),
    Registry("kDnsRcodes", "dns-parameters-6.csv", "RCODE", "Name", 15),
    Registry("kDnsEdnsOptions", "dns-parameters-11.csv", "Value", "Name", 10),
    Registry("kDnsSvcParamKeys", "dns-svcparamkeys.csv", "Number", "Name", 7),
    Registry("kDnsSecAlgorithms", "dns-sec-alg-numbers-1.csv", "Number", "Mnemonic", 10,
             fallback_column="Description"),
    Registry("kDnsDsDigestTypes", "ds-rr-types-1.csv", "Value", "Description", 4),
]


def c_string(text: str) -> str:
    out = []
    for byte in text.encode("utf-8"):
        ch = chr(byte)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 32 <= byte < 127 and ch != "?":
            out.append(ch)
        else:
            out.append("\\%03o" % byte)
    return '"' + "".join(out) + '"'


def read_rows(iana_dir: str, file_name: str, columns: list[str]) -> list[dict[str, str]]:
    path = os.path.join(iana_dir, file_name)
    if not os.path.isfile(path):
        raise RegistryError(f"{path}: missing")
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in columns if c not in header]
        if missing:
            raise RegistryError(f"{path}: no column {', '.join(missing)} (header: {header})")
        reader.fieldnames = header
        return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader]


def parse_value(text: str) -> Optional[int]:
    """A single value, or None for a range. "0xC0,0x2F" is the two-byte TLS form."""
    text = " ".join(text.split())
    if not text or "-" in text or "*" in text:
        return None
    parts = [p.strip() for p in text.split(",")]
    if len(parts) > 2:
        raise ValueError(text)
    value = 0
    for part in parts:
        byte = int(part, 16) if part.lower().startswith("0x") else int(part, 10)
        if len(parts) == 2 and not 0 <= byte <= 0xFF:
            raise ValueError(text)
        value = value << 8 | byte if len(parts) == 2 else byte
    return value


# Names as the protocol's RFCs and its users know them. The 2025 TLS 1.2 freeze marks
# TLS 1.2-only entries "_RESERVED" (they are still what TLS 1.2 traffic carries), and
# renamed RFC 7627's extension; captures are read with the RFC names.
RENAMED = {"extended_main_secret": "extended_master_secret"}
RESERVED_SUFFIX = "_RESERVED"


def strip_footnotes(name: str) -> str:
    name = " ".join(FOOTNOTE_RE.sub("", name).split())
    if name.endswith(RESERVED_SUFFIX) and " " not in name:
        name = name[: -len(RESERVED_SUFFIX)]
    return RENAMED.get(name, name)


def skipped(name: str) -> bool:
    return not name or name.lower().startswith(SKIPPED_PREFIXES)


def registry_names(iana_dir: str, reg: Registry) -> list[tuple[int, str]]:
    columns = [reg.value_column, reg.name_column] + ([reg.fallback_column] if reg.fallback_column else [])
    rows = read_rows(iana_dir, reg.file_name, columns)
    full: dict[int, str] = {}
    for row in rows:
        try:
            value = parse_value(row[reg.value_column])
        except ValueError:
            raise RegistryError(f"{reg.file_name}: cannot read value {row[reg.value_column]!r}")
        if value is None or value in full:
            continue
        name = row[reg.name_column] or (row[reg.fallback_column] if reg.fallback_column else "")
        name = strip_footnotes(name)
        if skipped(name):
            continue
        full[value] = reg.normalize(name) if reg.normalize else name
    # Drop a trailing note in parentheses unless that makes two values share a name.
    short = {v: TRAILING_NOTE_RE.sub("", n) or n for v, n in full.items()}
    counts: dict[str, int] = {}
    for n in short.values():
        counts[n] = counts.get(n, 0) + 1
    names = sorted((v, short[v] if counts[short[v]] == 1 else full[v]) for v in full)
    if len(names) < reg.min_names:
        raise RegistryError(f"{reg.file_name}: only {len(names)} names, expected at least {reg.min_names}")
    return names


def alpn_protocols(iana_dir: str) -> list[str]:
    """The identification sequences as strings; the hex bytes must spell the quoted text."""
    rows = read_rows(iana_dir, ALPN_FILE, ["Protocol", "Identification Sequence"])
    ids = set()
    for row in rows:
        if skipped(row["Protocol"]):
            continue  # GREASE values (0x0A 0x0A, ...) have no string form
        sequence = " ".join(row["Identification Sequence"].split())
        hex_part, _, quoted = sequence.partition("(")
        try:
            raw = bytes(int(b, 16) for b in hex_part.split())
        except ValueError:
            raise RegistryError(f"{ALPN_FILE}: cannot read {sequence!r}")
        quoted = quoted.rstrip(")").strip().strip('"')
        if quoted and quoted.encode("utf-8") != raw:
            raise RegistryError(f"{ALPN_FILE}: bytes and text differ in {sequence!r}")
        ids.add(raw.decode("utf-8"))
    if len(ids) < ALPN_MIN:
        raise RegistryError(f"{ALPN_FILE}: only {len(ids)} protocol IDs, expected at least {ALPN_MIN}")
    return sorted(ids, key=lambda s: s.encode("utf-8"))


def value_name_array(reg: Registry, names: list[tuple[int, str]]) -> list[str]:
    lines = [f"// {reg.file_name}: {len(names)} names",
             f"inline constexpr ValueName {reg.array}[] = {{"]
    for value, name in names:
        number = f"0x{value:04x}" if reg.hex_output else str(value)
        lines.append(f"    {{{number}, {c_string(name)}}},")
    lines.append("};")
    return lines


IDENTIFIER_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
MACRO_NAMES = {"NULL"}  # a registry name that is a C macro gets a trailing underscore


def enum_class(enum: str, reg: Registry, names: list[tuple[int, str]]) -> list[str]:
    """`enum class` constants named as the registry names them (`-` becomes `_`); a name
    that is no identifier (or would repeat one) gets none, so code uses its number."""
    lines = [f"// {reg.file_name}: the values as named constants",
             f"enum class {enum} : std::uint16_t {{"]
    seen = set()
    for value, name in names:
        ident = name.replace("-", "_")
        if ident in MACRO_NAMES:
            ident += "_"
        if not IDENTIFIER_RE.fullmatch(ident) or ident in seen:
            continue
        seen.add(ident)
        lines.append(f"    {ident} = {value},")
    lines.append("};")
    return lines


ENUMS = {"kTlsExtensionTypes": "TlsExtension", "kDnsTypes": "DnsType"}

HEADER = "// Generated by tools/gen_iana_tables.py from data/iana. Do not edit."


def write(path: str, lines: list[str]) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    src, dst = sys.argv[1], sys.argv[2]
    try:
        tls = [HEADER, "// Included inside namespace tlsdissect by src/core/iana_tables.hpp.", ""]
        for reg in TLS_REGISTRIES:
            names = registry_names(src, reg)
            tls += value_name_array(reg, names) + [""]
            if reg.array in ENUMS:
                tls += enum_class(ENUMS[reg.array], reg, names) + [""]
        alpn = alpn_protocols(src)
        tls.append(f"// {ALPN_FILE}: {len(alpn)} protocol IDs, the bytes a ClientHello carries")
        tls.append("inline constexpr std::string_view kTlsAlpnProtocols[] = {")
        tls += [f"    {c_string(p)}," for p in alpn]
        tls.append("};")
        dns = [HEADER, "// Included inside namespace tlsdissect by src/core/iana_tables.hpp.", ""]
        for reg in DNS_REGISTRIES:
            names = registry_names(src, reg)
            dns += value_name_array(reg, names) + [""]
            if reg.array in ENUMS:
                dns += enum_class(ENUMS[reg.array], reg, names) + [""]
    except RegistryError as e:
        print(f"gen_iana_tables.py: {e}", file=sys.stderr)
        return 1
    os.makedirs(dst, exist_ok=True)
    write(os.path.join(dst, "iana_tls.inc"), tls)
    write(os.path.join(dst, "iana_dns.inc"), dns[:-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
