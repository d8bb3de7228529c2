#!/usr/bin/env python3
"""Validates tlsdissect's JSON output against the schemas in docs/ on every capture:
--sessions (one document), --sessions --jsonl (one record per line), --json and --jsonl.

Usage: validate_json.py TLSDISSECT SCHEMA_DIR CAPTURE_OR_DIR [...]
Exit 0 when all validate, 1 otherwise, 77 when python3-jsonschema is not installed or none of
the named captures or folders exists.
"""
import json
import os
import subprocess
import sys

try:
    import jsonschema
except ImportError:
    # The system Python may have it when the one on PATH does not.
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("python3-jsonschema not installed: skipping")
    sys.exit(77)

SUFFIXES = (".pcap", ".pcapng", ".pcap.gz")


def captures(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _, files in os.walk(p):
                for f in sorted(files):
                    if f.endswith(SUFFIXES):
                        yield os.path.join(root, f)
        elif os.path.exists(p):
            yield p


def without_notes(doc):
    """The document without the --explain notes ("explain" members)."""
    if isinstance(doc, dict):
        return {k: without_notes(v) for k, v in doc.items() if k != "explain"}
    if isinstance(doc, list):
        return [without_notes(v) for v in doc]
    return doc


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    tool, schema_dir = sys.argv[1], sys.argv[2]
    with open(os.path.join(schema_dir, "sessions.schema.json")) as f:
        sessions_schema = json.load(f)
    with open(os.path.join(schema_dir, "packets.schema.json")) as f:
        packet_schema = json.load(f)
    cls = jsonschema.validators.validator_for(sessions_schema)
    sessions = cls(sessions_schema)
    packets = cls(packet_schema)
    record_schema = {"$defs": sessions_schema["$defs"],
                     "oneOf": [{"$ref": "#/$defs/tls"}, {"$ref": "#/$defs/dns"}]}
    records = cls(record_schema)
    passed = failed = skipped = 0
    if not any(os.path.exists(p) for p in sys.argv[3:]):
        # Only the real-world captures beside the project can be absent: a skip, not a pass.
        print(f"SKIP: {' '.join(sys.argv[3:])}: absent")
        return 77
    for capture in captures(sys.argv[3:]):
        problems = []
        probe = subprocess.run([tool, "-c", "1", "-s", capture], capture_output=True, text=True)
        if probe.returncode == 5 and "unsupported link type" in probe.stderr:
            skipped += 1
            print(f"skip {os.path.relpath(capture)}: its link type is not dissected yet")
            continue

        def run(*args):
            r = subprocess.run([tool, *args, capture], capture_output=True, text=True)
            if r.returncode not in (0, 6):
                problems.append(f"{' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
            return r.stdout

        def check(validator, doc, what):
            for e in list(validator.iter_errors(doc))[:3]:
                path = "/".join(str(p) for p in e.absolute_path)
                problems.append(f"{what}: {path}: {e.message[:200]}")

        check(sessions, json.loads(run("--sessions") or "{}"), "--sessions")
        check(sessions, json.loads(run("--sessions", "--audit") or "{}"), "--sessions --audit")
        for i, line in enumerate(run("--sessions", "--jsonl").splitlines()):
            check(records, json.loads(line), f"--sessions --jsonl line {i + 1}")
        # The packets are validated once, in their fullest form (--jsonl --explain zh: the
        # notes too); --json must equal them without the notes, and --jsonl equal --json.
        # (Schema validation is most of this test's time; equal documents need none.)
        noted = [json.loads(line) for line in run("--jsonl", "--explain", "zh").splitlines()]
        for i, p in enumerate(noted):
            check(packets, p, f"--jsonl --explain zh line {i + 1}")
        whole = json.loads(run("--json") or "[]")
        if whole != without_notes(noted):
            problems.append("--json: the packets differ from --jsonl --explain zh's without the notes")
            for i, p in enumerate(whole):
                check(packets, p, f"--json packet {i + 1}")
        lines = [json.loads(line) for line in run("--jsonl").splitlines()]
        if lines != whole:
            problems.append("--jsonl: the packets differ from --json's")
            for i, p in enumerate(lines):
                check(packets, p, f"--jsonl line {i + 1}")
        name = os.path.relpath(capture)
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for p in problems[:10]:
                print("    " + p)
        else:
            passed += 1
            print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
