#!/usr/bin/env python3
"""One tshark run per (capture, arguments), shared by every test that asks tshark.

The differential tests, the teaching, filter, audit and scaling tests all ask tshark
(the oracle) about the same captures, and tshark's answer cannot change unless the
capture, the arguments or tshark itself do. So each answer is kept in the folder named
by $TLSDISSECT_TSHARK_CACHE (ctest sets it to BUILD/tshark-cache, see
tests/CMakeLists.txt), under a key made of

  * `tshark --version` (remembered per tshark binary: path, size, modification time),
  * the arguments, where the file of `-r FILE` and of a preference `-o name:FILE` (such
    as tls.keylog_file) stands for the SHA-256 of its content, wherever the file is,
  * the TZ environment variable (frame.time filters depend on it).

Without that variable nothing is cached and tshark runs every time. Entries are written
to a temporary file and renamed, so tests running at once never read half an entry.
Delete the folder to start afresh (nothing else ever removes entries; a changed capture
or tshark simply gets new keys).

From Python:   import tshark_cache; r = tshark_cache.run(["-n", "-r", cap, "-T", "fields", ...])
               r.stdout, r.stderr (str), r.returncode
               tshark_cache.follow(cap, "tcp", [0, 1, 2], options) -> {stream: text}
From a shell:  tshark() { /usr/bin/python3 "$src/tests/differential/tshark_cache.py" "$@"; }
               (same arguments as tshark; prints tshark's stdout and stderr, its status)
"""
import hashlib
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile

CACHE_ENV = "TLSDISSECT_TSHARK_CACHE"
FORMAT = 1  # bump when what an entry holds changes


class Result:
    def __init__(self, stdout, stderr, returncode):
        self.stdout_bytes, self.stderr_bytes, self.returncode = stdout, stderr, returncode

    @property
    def stdout(self):
        return self.stdout_bytes.decode("utf-8", "replace")

    @property
    def stderr(self):
        return self.stderr_bytes.decode("utf-8", "replace")


_file_hashes = {}


def _file_hash(path):
    st = os.stat(path)
    memo = (os.path.realpath(path), st.st_size, st.st_mtime_ns)
    if memo not in _file_hashes:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        _file_hashes[memo] = h.hexdigest()
    return _file_hashes[memo]


_PREF_WITH_FILE = re.compile(r"^([A-Za-z0-9_.]+):(.+)$")


def _arg_key(arg, previous):
    if previous == "-r" and os.path.isfile(arg):
        return "capture:" + _file_hash(arg)  # the same capture anywhere gets the same answers
    if previous == "-o":
        m = _PREF_WITH_FILE.match(arg)
        if m and os.path.isfile(m.group(2)):
            return f"pref:{m.group(1)}:file:" + _file_hash(m.group(2))
    return "arg:" + arg


def cache_dir():
    d = os.environ.get(CACHE_ENV)
    if not d:
        return None
    os.makedirs(d, exist_ok=True)
    return d


def _write_atomically(path, data):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


_version = None


def tshark_version():
    """`tshark --version`, remembered in the cache per binary."""
    global _version
    if _version is not None:
        return _version
    exe = shutil.which("tshark")
    if not exe:
        raise FileNotFoundError("tshark")
    st = os.stat(exe)
    d = cache_dir()
    path = None
    if d:
        ident = hashlib.sha256(f"{os.path.realpath(exe)}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()
        path = os.path.join(d, f"version-{ident[:32]}")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                _version = f.read()
            return _version
    _version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    if path:
        _write_atomically(path, _version.encode())
    return _version


def key(args, env=None):
    env = os.environ if env is None else env
    h = hashlib.sha256()
    for part in [f"format {FORMAT}", tshark_version(), "TZ=" + env.get("TZ", "")] + [_arg_key(a, p) for p, a in zip([None] + list(args), args)]:
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()


def run(args, env=None):
    """tshark ARGS, from the cache when this exact question was asked before."""
    d = cache_dir()
    path = None
    if d:
        k = key(args, env)
        path = os.path.join(d, k[:2], k)
        try:
            with open(path, "rb") as f:
                return Result(*pickle.load(f))
        except (FileNotFoundError, EOFError, pickle.UnpicklingError):
            pass
    r = subprocess.run(["tshark", *args], capture_output=True, env=env)
    if path:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        _write_atomically(path, pickle.dumps((r.stdout, r.stderr, r.returncode)))
    return Result(r.stdout, r.stderr, r.returncode)


def fields(capture, names, options=(), occurrence="a", aggregator=None, display_filter=None):
    """`tshark -n -r CAPTURE OPTIONS [-Y F] -T fields -E occurrence=O [-E aggregator=A] -e NAME...`:
    its stdout lines."""
    args = ["-n", "-r", capture, *options]
    if display_filter:
        args += ["-Y", display_filter]
    args += ["-T", "fields", "-E", f"occurrence={occurrence}"]
    if aggregator:
        args += ["-E", f"aggregator={aggregator}"]
    for n in names:
        args += ["-e", n]
    return run(args).stdout.splitlines()


def tool_and_captures(usage):
    """The command line `SCRIPT TLSDISSECT DIR...` of a differential test: (the tool, the
    .pcap/.pcapng files of the folders that exist, sorted by folder then name). Exits 2
    (printing `usage`) on a short command line, 77 (ctest's skip) without tshark or
    without any of the folders (the real-world captures may be absent)."""
    if len(sys.argv) < 3:
        print(usage, file=sys.stderr)
        sys.exit(2)
    if not shutil.which("tshark"):
        print("SKIP: tshark not found")
        sys.exit(77)
    dirs = [d for d in sys.argv[2:] if os.path.isdir(d)]
    if not dirs:
        print("SKIP: no capture folder")
        sys.exit(77)
    return sys.argv[1], [os.path.join(d, n) for d in dirs for n in sorted(os.listdir(d))
                         if n.endswith((".pcap", ".pcapng"))]


CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz")


def capture_files(paths, every=1):
    """The captures of PATHS: a file as given, a folder searched (its files sorted by name;
    with `every` K only every K-th of them). Missing paths are left out."""
    for p in paths:
        if os.path.isdir(p):
            for root, _, files in os.walk(p):
                names = [f for f in sorted(files) if f.endswith(CAPTURE_SUFFIXES)]
                for f in names[::every]:
                    yield os.path.join(root, f)
        elif os.path.exists(p):
            yield p


def key_log_of(capture):
    """The key log beside a capture (NAME.keys for NAME.pcap), or None."""
    for suffix in (".pcapng.gz", ".pcap.gz", ".pcapng", ".pcap"):
        if capture.endswith(suffix):
            keys = capture[: -len(suffix)] + ".keys"
            return keys if os.path.exists(keys) else None
    return None


_FILTER_LINE = re.compile(r"^Filter: (?:tcp|udp)\.stream eq (\d+)$")


def follow(capture, proto, streams, options=(), fmt="raw"):
    """`tshark -z follow,PROTO,FMT,N` for every N in STREAMS, asked in one tshark run:
    {N: that stream's block of tshark's output}. (tshark prints the blocks in an order of
    its own; each names its stream on its Filter line.)"""
    streams = list(streams)
    if not streams:
        return {}
    args = ["-n", "-r", capture, *options, "-q"]
    for s in streams:
        args += ["-z", f"follow,{proto},{fmt},{s}"]
    out = run(args).stdout
    blocks, current, stream = {}, None, None
    for line in out.splitlines():
        if line.startswith("=" * 20):
            if current is None:
                current, stream = [line], None
            else:
                current.append(line)
                if stream is not None:
                    blocks[stream] = "\n".join(current) + "\n"
                current = None
            continue
        if current is not None:
            current.append(line)
            m = _FILTER_LINE.match(line)
            if m:
                stream = int(m.group(1))
    return {s: blocks.get(s, "") for s in streams}


def main(argv):
    """Command-line use: behaves like tshark (stdout, stderr, exit status)."""
    r = run(argv)
    sys.stdout.buffer.write(r.stdout_bytes)
    sys.stdout.buffer.flush()
    sys.stderr.buffer.write(r.stderr_bytes)
    return r.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
