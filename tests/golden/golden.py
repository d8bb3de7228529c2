#!/usr/bin/env python3
"""Golden-output tests: tlsdissect's exact output on the bundled captures.

tests/golden/MANIFEST lists the cases, one per line: the expected file (under
tests/golden/expected/), the capture and the options. Each case runs

    tlsdissect --roots captures/test-roots.pem OPTIONS CAPTURE

from the source folder (so paths in the output are the relative ones in the manifest),
with LANG=C.UTF-8, TZ=UTC and no LC_ALL/LC_MESSAGES, and compares

  * standard output with EXPECTED (byte for byte), and
  * standard error followed by "[exit status N]" (when N is not 0) with EXPECTED.err,
    a file that exists only when that text is not empty.

The differential tests compare what tshark can see; these catch every other change of
text (labels, notes, ladders, audit reasons, JSON layout).

    golden.py check  TLSDISSECT SOURCE_DIR [--group G ...]   exit 0, or 1 with a diff
    golden.py update TLSDISSECT SOURCE_DIR [--group G ...]   rewrite the expected files
    golden.py groups SOURCE_DIR                              the groups, one a line

A group is the folder of the expected file (tree, summary, json, ...); ctest runs one
test per group. tools/update-golden.sh wraps `update`; read its diff before committing.
"""
import concurrent.futures
import difflib
import os
import shlex
import subprocess
import sys

COMMON_OPTIONS = ["--roots", "captures/test-roots.pem"]
CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".gz", ".bin")
DIFF_LINES = 60
TIMEOUT = 300  # seconds per case (a sanitizer build is slower)


class Case:
    def __init__(self, expected, capture, options, line):
        self.expected, self.capture, self.options, self.line = expected, capture, options, line
        self.group = expected.split("/", 1)[0]


def read_manifest(src):
    cases = []
    path = os.path.join(src, "tests", "golden", "MANIFEST")
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            words = shlex.split(line)
            if len(words) < 2:
                raise SystemExit(f"MANIFEST:{n}: expected 'EXPECTED CAPTURE [OPTIONS...]'")
            cases.append(Case(words[0], words[1], words[2:], n))
    return cases


def environment():
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    env.update(LANG="C.UTF-8", TZ="UTC")
    return env


def run_case(tool, src, case):
    try:
        r = subprocess.run([tool, *COMMON_OPTIONS, *case.options, case.capture], cwd=src, env=environment(),
                           capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:
        return e.stdout or b"", (e.stderr or b"") + f"[still running after {TIMEOUT} s]\n".encode()
    err = r.stderr
    if r.returncode:
        err += f"[exit status {r.returncode}]\n".encode()
    return r.stdout, err


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def unified(expected, actual, name):
    a = (expected or b"").decode("utf-8", "replace").splitlines(keepends=True)
    b = actual.decode("utf-8", "replace").splitlines(keepends=True)
    lines = [l if l.endswith("\n") else l + "\n\\ No newline at end of file\n"
             for l in difflib.unified_diff(a, b, "expected/" + name, "actual/" + name, n=2)]
    text = "".join(lines[:DIFF_LINES])
    if len(lines) > DIFF_LINES:
        text += f"... ({len(lines) - DIFF_LINES} more diff lines)\n"
    if expected is not None and a == b:
        text = f"--- expected/{name}\n+++ actual/{name}\n(same lines; the bytes differ, e.g. a final newline)\n"
    return text


def check_one(tool, src, case):
    """Returns a report (empty when the case passes)."""
    base = os.path.join(src, "tests", "golden", "expected", case.expected)
    out, err = run_case(tool, src, case)
    report = ""
    want_out, want_err = read(base), read(base + ".err")
    if want_out is None:
        return f"{case.expected}: no expected file (MANIFEST line {case.line}); run tools/update-golden.sh\n"
    if out != want_out:
        report += unified(want_out, out, case.expected)
    if err != (want_err or b""):
        report += unified(want_err, err, case.expected + ".err")
    return report


def update_one(tool, src, case):
    base = os.path.join(src, "tests", "golden", "expected", case.expected)
    os.makedirs(os.path.dirname(base), exist_ok=True)
    out, err = run_case(tool, src, case)
    changed = read(base) != out or (read(base + ".err") or b"") != err
    with open(base, "wb") as f:
        f.write(out)
    if err:
        with open(base + ".err", "wb") as f:
            f.write(err)
    elif os.path.exists(base + ".err"):
        os.remove(base + ".err")
    return changed


def command_line(case):
    return "tlsdissect " + " ".join(shlex.quote(w) for w in COMMON_OPTIONS + case.options + [case.capture])


def unlisted_captures(src, cases):
    """Bundled captures that no tree case covers: a new capture needs its golden lines."""
    listed = {c.capture for c in cases if c.group == "tree"}
    folder = os.path.join(src, "captures")
    return [f"captures/{n}" for n in sorted(os.listdir(folder))
            if n.endswith(CAPTURE_SUFFIXES) and f"captures/{n}" not in listed]


def main(argv):
    if len(argv) >= 2 and argv[0] == "groups":
        for g in sorted({c.group for c in read_manifest(argv[1])}):
            print(g)
        return 0
    if len(argv) < 3 or argv[0] not in ("check", "update"):
        print(__doc__, file=sys.stderr)
        return 2
    action, tool, src = argv[0], os.path.abspath(argv[1]), os.path.abspath(argv[2])
    groups = [argv[i + 1] for i, a in enumerate(argv) if a == "--group" and i + 1 < len(argv)]
    cases = read_manifest(src)
    selected = [c for c in cases if not groups or c.group in groups]
    if not selected:
        print(f"no golden cases in group(s) {groups}")
        return 1
    jobs = int(os.environ.get("GOLDEN_JOBS", "2"))
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        if action == "update":
            changed = list(pool.map(lambda c: update_one(tool, src, c), selected))
            for c, ch in zip(selected, changed):
                if ch:
                    print(f"updated {c.expected}")
            expected_root = os.path.join(src, "tests", "golden", "expected")
            known = {c.expected for c in cases} | {c.expected + ".err" for c in cases}
            for root, _, files in os.walk(expected_root):
                for f in files:
                    rel = os.path.relpath(os.path.join(root, f), expected_root)
                    if rel not in known and (not groups or rel.split("/", 1)[0] in groups):
                        print(f"not in MANIFEST (delete it?): tests/golden/expected/{rel}")
            print(f"{sum(changed)} of {len(selected)} expected outputs changed; read `git diff tests/golden` before committing")
            return 0
        reports = list(pool.map(lambda c: check_one(tool, src, c), selected))
    failed = unlisted = 0
    for c, r in zip(selected, reports):
        if r:
            failed += 1
            print(f"FAIL {c.expected}: {command_line(c)}")
            print(r, end="")
    if not groups or "tree" in groups:
        for capture in unlisted_captures(src, cases):
            unlisted += 1
            print(f"FAIL {capture}: no golden cases in tests/golden/MANIFEST (add its lines, then tools/update-golden.sh)")
    print(f"golden: {len(selected) - failed} of {len(selected)} outputs as expected"
          + (f", {failed} failed (if the change is meant: tools/update-golden.sh, then read the diff)" if failed else "")
          + (f"; {unlisted} bundled captures not in MANIFEST" if unlisted else ""))
    return 1 if failed or unlisted else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
