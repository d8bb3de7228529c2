#!/usr/bin/env python3
"""Generate the table of display-filter field names from the dissectors' FieldDefs.

Every field is declared once, next to its parser, as

    constexpr FieldDef kTcpSrcPort{"tcp.srcport", "Source Port", FieldType::UInt, ...};

(also `inline constexpr` in headers, `const FieldDef` for the shared anomaly fields, and
spread over several lines). This script reads those declarations from the C++ files
under a source folder and writes one row per distinct (filter name, type): the filter
name, the FieldType, the label of the first declaration, and whether it has a value-name
table (the fifth initializer, when it is not `{}`). Rows are sorted by name, then type,
so that src/filter/field_names.cpp can binary-search them. A filter compiler needs this
to reject unknown field names and to read a literal as the field's type.

A name declared with two types (a header and a frame reference, say) gets two rows.

The DTLS dissector shows the TLS handshake and record fields of its packets under
Wireshark's DTLS names (src/dtls/dtls.cpp renames `tls.X` to `dtls.X`), so every
`tls.` field, and `tls` itself, also gets a `dtls.` row.

Usage:
    gen_field_names.py SOURCE_DIR OUTPUT_FILE   write the C++ table (field_names.inc)
    gen_field_names.py --list SOURCE_DIR        print the table as Markdown

The generator fails (exit status 1) when it finds a FieldDef it cannot read, or fewer
fields than the dissectors are known to declare.
"""
import os
import re
import signal
import sys

# The dissectors declare several hundred fields; far fewer means the pattern broke.
MIN_FIELDS = 200

FIELD_TYPES = {
    "None", "Protocol", "UInt", "Int", "Bool", "Double", "Bytes", "String", "IPv4", "IPv6",
    "Ether", "AbsTime", "RelTime", "FrameNum", "Expert",
}

TYPE_WORDS = {
    "None": "none (presence only)", "Protocol": "protocol", "UInt": "unsigned integer",
    "Int": "signed integer", "Bool": "boolean", "Double": "floating point", "Bytes": "bytes",
    "String": "string", "IPv4": "IPv4 address", "IPv6": "IPv6 address", "Ether": "Ethernet address",
    "AbsTime": "date and time", "RelTime": "time offset", "FrameNum": "frame number",
    "Expert": "expert info (presence only)",
}

DECLARATION_RE = re.compile(r"\b(?:inline\s+)?(?:static\s+)?(?:constexpr|const)\s+FieldDef\s+(k\w+)\s*\{")
STRING_RE = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
# A FieldDef written inside a table's entry rather than declared by name (the QUIC
# transport parameters: {0x04, "initial_max_data", Known::Integer, {"tls.quic.parameter.
# initial_max_data", "initial_max_data", FieldType::UInt}}): name, label, type.
EMBEDDED_RE = re.compile(r'\{\s*"([A-Za-z_][A-Za-z0-9_.\-]*)"\s*,\s*"((?:[^"\\\n]|\\.)*)"\s*,\s*FieldType::(\w+)\s*[,}]')


class DeclarationError(Exception):
    pass


def initializer_items(text: str, start: int, where: str) -> list:
    """The top-level comma-separated items of the brace initializer opening at `start`."""
    depth = 0
    items, current = [], []
    i = start
    while i < len(text):
        ch = text[i]
        if ch == '"':
            match = STRING_RE.match(text, i)
            if not match:
                raise DeclarationError(f"{where}: unterminated string")
            current.append(match.group(0))
            i = match.end()
            continue
        if ch in "{(":
            depth += 1
            if depth > 1:
                current.append(ch)
        elif ch in "})":
            depth -= 1
            if depth == 0:
                items.append("".join(current).strip())
                return items
            current.append(ch)
        elif ch == "," and depth == 1:
            items.append("".join(current).strip())
            current = []
        elif ch == "/" and text.startswith("//", i):
            i = text.find("\n", i)
            if i < 0:
                break
            continue
        else:
            current.append(ch)
        i += 1
    raise DeclarationError(f"{where}: unterminated initializer")


def string_literal(item: str, where: str) -> str:
    """The contents of one string literal, or several adjacent ones joined, still escaped."""
    parts = STRING_RE.findall(item)
    if not parts or STRING_RE.sub("", item).strip():
        raise DeclarationError(f"{where}: expected a string literal, found {item!r}")
    return "".join(parts)


def scan(source_dir: str) -> dict:
    """{(name, type): (label, has_names)} for every FieldDef under source_dir."""
    fields = {}
    paths = []
    for root, dirs, files in os.walk(source_dir):
        dirs.sort()
        for file_name in sorted(files):
            if file_name.endswith((".cpp", ".hpp")):
                paths.append(os.path.join(root, file_name))
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for match in DECLARATION_RE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            where = f"{os.path.relpath(path, source_dir)}:{line}: {match.group(1)}"
            items = initializer_items(text, match.end() - 1, where)
            if len(items) < 3:
                raise DeclarationError(f"{where}: expected at least name, label and type")
            name = string_literal(items[0], where)
            label = string_literal(items[1], where)
            type_match = re.fullmatch(r"FieldType::(\w+)", items[2])
            if not type_match or type_match.group(1) not in FIELD_TYPES:
                raise DeclarationError(f"{where}: unknown field type {items[2]!r}")
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.\-]*", name):
                raise DeclarationError(f"{where}: {name!r} is not a display-filter name")
            has_names = len(items) > 4 and items[4] not in ("{}", "")
            names = [name]
            if name == "tls" or name.startswith("tls."):
                names.append("d" + name)
            for n in names:
                key = (n, type_match.group(1))
                label_now, names_now = fields.get(key, (label, False))
                fields[key] = (label_now, names_now or has_names)
        for match in EMBEDDED_RE.finditer(text):
            name, label, type_name = match.group(1), unescape(match.group(2)), match.group(3)
            if "." not in name or type_name not in FIELD_TYPES:
                continue
            names = [name] + (["d" + name] if name.startswith("tls.") else [])
            for n in names:
                fields.setdefault((n, type_name), (label, False))
    return fields


def unescape(text: str) -> str:
    return text.encode("latin-1", "backslashreplace").decode("unicode_escape").encode("latin-1").decode("utf-8")


def write_table(fields: dict, output: str) -> None:
    lines = ["// Generated by tools/gen_field_names.py from the FieldDef declarations in src/. Do not edit.",
             "// {filter name, type, label, has a value-name table}, sorted by name, then type."]
    for (name, type_name), (label, has_names) in sorted(fields.items()):
        lines.append(f'{{"{name}", FieldType::{type_name}, "{label}", {"true" if has_names else "false"}}},')
    tmp = output + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, output)


def print_markdown(fields: dict) -> None:
    print("| Field | Type | Label |")
    print("|---|---|---|")
    for (name, type_name), (label, _) in sorted(fields.items()):
        text = unescape(label).replace("|", "\\|")
        print(f"| `{name}` | {TYPE_WORDS[type_name]} | {text} |")


def main(argv: list) -> int:
    listing = len(argv) == 3 and argv[1] == "--list"
    if not listing and len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source_dir = argv[2] if listing else argv[1]
    try:
        fields = scan(source_dir)
    except (DeclarationError, OSError, UnicodeDecodeError) as e:
        print(f"gen_field_names.py: {e}", file=sys.stderr)
        return 1
    if len(fields) < MIN_FIELDS:
        print(f"gen_field_names.py: only {len(fields)} fields under {source_dir}", file=sys.stderr)
        return 1
    if listing:
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `--list | head` is fine
        print_markdown(fields)
    else:
        write_table(fields, argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
