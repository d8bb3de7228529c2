#!/usr/bin/env python3
"""Run every command shown in the documentation and compare what it prints now.

In docs/*.md and README.md, inside each fenced block, a line `$ COMMAND` is a command a
reader may copy; the lines after it, up to the next `$ ` line or the end of the block,
are what it prints (standard output and standard error together, as on a terminal). It
runs under bash without pipefail, as a reader's shell would, in a scratch folder
that shows the repository's files (captures/, docs/, ...) with the built tlsdissect
first on PATH, LC_ALL=C.UTF-8, TZ=UTC and NO_COLOR. The shown output must be:

  * the whole output, where a line `...` or `…` (indented or not) stands for any
    number of lines;
  * for `$ COMMAND   (frame N, excerpt)` or `(excerpt)`: a part of the output of
    COMMAND, from anywhere to anywhere;
  * for `(frame N, end)`: the last lines of frame N's output.
The commands of one block run in one shell, one after the other, so that `echo $?`
shows the status of the command before it.

A command annotated otherwise (`(made by ...)`, `(not run: why)`) is shown for reading,
not run. A command line ending in a backslash goes on on the next line.
Exit status 1 when any command prints something else (each is listed with a diff).

Usage: check_doc_commands.py TLSDISSECT [DOC...]
"""
import difflib
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FENCE = re.compile(r"^```")
ANNOTATION = re.compile(r"^(?P<cmd>.*?)\s{2,}\((?:frame (?P<frame>\d+), )?(?P<how>excerpt|end)\)$")
SKIPPED = re.compile(r"\s{2,}\((?:made by|not run)[^)]*\)$")
ELLIPSIS = ("...", "…")


def blocks(path):
    """The fenced blocks with commands: [(line number, command, shown output lines)]."""
    out = []
    block = None
    current = None
    for number, line in enumerate(open(path, encoding="utf-8").read().split("\n"), 1):
        if FENCE.match(line):
            if block is not None:
                if current:
                    block.append(current)
                if block:
                    out.append(block)
                block = None
            else:
                block = []
            current = None
            continue
        if block is None:
            continue
        if current and not current[2] and current[1].endswith("\\"):
            current = (current[0], current[1] + "\n" + line, [])  # a command continued on the next line
        elif line.startswith("$ "):
            if current:
                block.append(current)
            current = (number, line[2:], [])
        elif current:
            current[2].append(line)
    return out


def run_block(cmds, workdir, tool):
    """Runs the commands of one block in one shell (so `echo $?` sees the command before
    it); returns what each printed."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(os.path.abspath(tool)) + os.pathsep + env.get("PATH", "")
    env["LC_ALL"] = "C.UTF-8"
    env.pop("LANG", None)
    env["TZ"] = "UTC"
    env["NO_COLOR"] = "1"
    outputs = tempfile.mkdtemp(prefix="out-", dir=workdir)
    script = "".join(f'{{ {cmd}\n}} >"{outputs}/{i}" 2>&1\n' for i, cmd in enumerate(cmds))
    subprocess.run(["bash", "-c", script], cwd=workdir, env=env, stdin=subprocess.DEVNULL, timeout=600)
    printed = []
    for i in range(len(cmds)):
        with open(os.path.join(outputs, str(i)), "rb") as f:
            printed.append(f.read().decode("utf-8", "replace"))
    shutil.rmtree(outputs)
    return printed


def find_segment(segment, actual, start):
    for i in range(start, len(actual) - len(segment) + 1):
        if actual[i:i + len(segment)] == segment:
            return i
    return -1


def matches(shown, actual, how):
    """`shown` is `actual`, where an ellipsis line stands for any number of lines; an
    excerpt may start and end anywhere, an end must end where the output does."""
    while shown and shown[-1] == "":
        shown = shown[:-1]
    actual = actual.split("\n")
    while actual and actual[-1] == "":
        actual = actual[:-1]
    if how in ("excerpt", "end"):
        shown = ["..."] + shown
    if how == "excerpt":
        shown = shown + ["..."]
    segments = [[]]
    for line in shown:
        if line.strip() in ELLIPSIS:
            segments.append([])
        else:
            segments[-1].append(line)
    if len(segments) == 1:
        return shown == actual
    if actual[:len(segments[0])] != segments[0]:
        return False
    at = len(segments[0])
    for segment in segments[1:-1]:
        found = find_segment(segment, actual, at)
        if found < 0:
            return False
        at = found + len(segment)
    last = segments[-1]
    return not last or (len(actual) - len(last) >= at and actual[len(actual) - len(last):] == last)


def scratch_folder():
    """A temporary folder that shows the repository's top-level entries (symlinks), so that
    commands that write files (cut.pcap, a page) leave the repository alone."""
    work = tempfile.mkdtemp(prefix="tlsdissect-docs-")
    for name in os.listdir(ROOT):
        if name.startswith(".") or name in ("build", "Testing"):
            continue
        os.symlink(os.path.join(ROOT, name), os.path.join(work, name))
    return work


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    tool = argv[1]
    docs = argv[2:] or sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))) + [os.path.join(ROOT, "README.md")]
    work = scratch_folder()
    ran = stale = 0
    try:
        for doc in docs:
            name = os.path.relpath(doc, ROOT)
            for block in blocks(doc):
                todo = []
                for number, cmd, shown in block:
                    if SKIPPED.search(cmd):
                        continue
                    how = None
                    m = ANNOTATION.match(cmd)
                    if m:
                        cmd, how = m.group("cmd"), m.group("how")
                        if m.group("frame") and how == "end":
                            cmd = cmd.replace("tlsdissect ", f"tlsdissect --frames {m.group('frame')} ", 1)
                    todo.append((number, cmd, shown, how))
                if not todo:
                    continue
                printed = run_block([t[1] for t in todo], work, tool)
                for (number, cmd, shown, how), actual in zip(todo, printed):
                    ran += 1
                    if matches(shown, actual, how):
                        continue
                    stale += 1
                    print(f"{name}:{number}: `{cmd}` prints something else now:")
                    diff = difflib.unified_diff(shown, actual.rstrip("\n").split("\n"), "shown", "printed",
                                                lineterm="", n=1)
                    for line in list(diff)[:40]:
                        print("    " + line)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{ran} documented commands run, {stale} print something else")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
