#!/usr/bin/env python3
"""Checks the module graph: no module includes a header of a module it does not depend on.

The modules and what each may use are the tlsdissect_module(NAME ... DEPENDS ...) calls
in CMakeLists.txt (one static library per folder of src/). A module may include its own
headers, those of the modules it depends on (directly or through them), and the public
headers in include/tlsdissect. The graph must have no cycle, and the public headers may
include no header of src/. src/cli (the command line) may use every module.

Usage: tools/check_layers.py [SOURCE_DIR]   (exit 1 and one line per violation)
"""
import pathlib
import re
import sys


def modules_from_cmake(text):
    graph = {}
    for m in re.finditer(r"tlsdissect_module\((\w+)(.*?)\)\n", text, re.S):
        name, body = m.group(1), m.group(2)
        deps = re.search(r"DEPENDS((?:\s+\w+)+?)(?:\s+(?:LIBS|SOURCES)\b|\s*$)", body, re.S)
        graph[name] = set(deps.group(1).split()) if deps else set()
    return graph


def find_cycle(graph):
    state = {}

    def visit(n, path):
        state[n] = 1
        for d in sorted(graph.get(n, ())):
            if state.get(d) == 1:
                return path + [n, d]
            if d not in state:
                found = visit(d, path + [n])
                if found:
                    return found
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            found = visit(n, [])
            if found:
                return found
    return None


def closure(graph, name):
    seen, todo = set(), [name]
    while todo:
        for d in graph.get(todo.pop(), ()):
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return seen


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    graph = modules_from_cmake((root / "CMakeLists.txt").read_text())
    problems = []
    unknown = [d for deps in graph.values() for d in deps if d not in graph]
    problems += [f"CMakeLists.txt: a module depends on '{d}', which is not a module" for d in sorted(set(unknown))]
    cycle = find_cycle(graph)
    if cycle:
        problems.append("CMakeLists.txt: module cycle " + " -> ".join(cycle))
    include_re = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"', re.M)
    folders = {p.name for p in (root / "src").iterdir() if p.is_dir()}
    for folder in sorted(folders - set(graph) - {"cli"}):
        problems.append(f"src/{folder}: a folder of sources that is no module in CMakeLists.txt")
    for path in sorted((root / "src").rglob("*")):
        if path.suffix not in (".cpp", ".hpp"):
            continue
        module = path.relative_to(root / "src").parts[0]
        allowed = None if module == "cli" else closure(graph, module) | {module, "tlsdissect"}
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = include_re.match(line)
            if not m or m.group(1) not in folders | {"tlsdissect"}:
                continue
            if allowed is not None and m.group(1) not in allowed:
                problems.append(f"{path.relative_to(root)}:{n}: module '{module}' includes {m.group(0).split()[-1]}"
                                f" but does not depend on '{m.group(1)}'")
    for path in sorted((root / "include").rglob("*.hpp")):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            m = include_re.match(line)
            if m and m.group(1) != "tlsdissect":
                problems.append(f"{path.relative_to(root)}:{n}: a public header includes {m.group(0).split()[-1]}")
    for p in problems:
        print(p)
    print(f"layering: {len(graph)} modules, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
