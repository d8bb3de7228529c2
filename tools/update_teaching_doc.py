#!/usr/bin/env python3
"""Keep the example output in docs/teaching.md (and docs/teaching.zh.md) real.

Every fenced block that starts with ```console and whose first line is `$ COMMAND` is
re-run (bash, from the repository root, with the built tlsdissect first on PATH) and its
output written below the command. With --check nothing is written: the exit status is 1
when a block's output differs from what the command prints now (the ctest uses this).

Usage: update_teaching_doc.py [--check] TLSDISSECT [DOC]
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCK_RE = re.compile(r"```console\n\$ (?P<cmd>[^\n]*)\n(?P<out>.*?)```", re.S)


def run(cmd, tool):
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(os.path.abspath(tool)) + os.pathsep + env.get("PATH", "")
    env["LC_ALL"] = "C.UTF-8"
    env.pop("LANG", None)
    env["NO_COLOR"] = "1"
    r = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=ROOT, env=env, capture_output=True, text=True)
    if r.returncode not in (0, 141):  # 141: a pipe reader (head) stopped early
        raise RuntimeError(f"`{cmd}` failed ({r.returncode}): {r.stderr.strip()[:500]}")
    return r.stdout


def main(argv):
    check = "--check" in argv
    args = [a for a in argv[1:] if a != "--check"]
    if not args:
        sys.stderr.write(__doc__)
        return 2
    tool = args[0]
    doc = args[1] if len(args) > 1 else os.path.join(ROOT, "docs", "teaching.md")
    text = open(doc, encoding="utf-8").read()
    stale = []

    def replace(m):
        out = run(m.group("cmd"), tool)
        if out != m.group("out"):
            stale.append(m.group("cmd"))
        return f"```console\n$ {m.group('cmd')}\n{out}```"

    new = BLOCK_RE.sub(replace, text)
    if check:
        for cmd in stale:
            print(f"{os.path.relpath(doc, ROOT)} is stale: the output of `{cmd}` changed "
                  f"(run tools/update_teaching_doc.py path/to/tlsdissect {os.path.relpath(doc, ROOT)})")
        return 1 if stale else 0
    if new != text:
        with open(doc, "w", encoding="utf-8") as f:
            f.write(new)
    print(f"{len(stale)} block(s) updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
