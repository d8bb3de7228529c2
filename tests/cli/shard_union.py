#!/usr/bin/env python3
"""--shard K/N: the N shards' --sessions records together are the unsharded records,
each exactly once (docs/scaling.md); and -j: the output is the same with one core
(`-j 1`, no background thread) as with several (`-j 4`), byte for byte.

    shard_union.py TLSDISSECT N DIR_OR_CAPTURE...

For every capture (directories are searched for *.pcap, *.pcapng, *.cap and their .gz):
run `--sessions --jsonl` once whole and once per shard, and compare the records as a
multiset. Also checks that the shards split the work (with several records, more than
one shard has some) and that bad --shard values are refused with exit 2.
Exit 77 (skipped) when no capture is found (a real-world folder that is absent).
"""
import collections
import os
import re
import subprocess
import sys

# The capture and key-log finders the differential tests use.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "differential"))
import tshark_cache  # noqa: E402

RESUMES = re.compile(r'"resumes":"C[0-9a-f]{16}","resumed_from":\{[^{}]*\}')


def records(tool, capture, extra, keys):
    args = [tool, "--sessions", "--jsonl", "--quiet"] + extra
    if keys:
        args += ["--keylog", keys]
    out = subprocess.run(args + [capture], capture_output=True, text=True)
    if out.returncode not in (0, 6):
        return None, out.returncode
    # `resumes` and `resumed_from` name another connection, which may fall in another
    # shard (null there): they are left out of the comparison.
    return collections.Counter(RESUMES.sub('"resumes":null,"resumed_from":null', line) for line in out.stdout.splitlines()
                               if line.strip()), out.returncode


def main():
    tool, n, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    failures, checked, split = 0, 0, 0
    for bad in ("0/3", "4/3", "1/0", "x/2", "2", "1/70000"):
        rc = subprocess.run([tool, "--sessions", "--shard", bad, "-"], capture_output=True, stdin=subprocess.DEVNULL).returncode
        if rc != 2:
            print(f"FAIL --shard {bad}: exit {rc}, expected 2")
            failures += 1
    for capture in tshark_cache.capture_files(paths):
        keys = tshark_cache.key_log_of(capture)
        whole, rc = records(tool, capture, [], keys)
        if whole is None:
            continue  # not a capture tlsdissect reads (its own exit code is tested elsewhere)
        one = subprocess.run([tool, "--sessions", "--quiet", "-j", "1"] + (["--keylog", keys] if keys else []) + [capture],
                             capture_output=True)
        four = subprocess.run([tool, "--sessions", "--quiet", "-j", "4"] + (["--keylog", keys] if keys else []) + [capture],
                              capture_output=True)
        if one.stdout != four.stdout or one.returncode != four.returncode:
            failures += 1
            print(f"FAIL {capture}: --sessions -j 1 and -j 4 differ")
        union = collections.Counter()
        shards_with_records = 0
        for k in range(1, n + 1):
            part, _ = records(tool, capture, ["--shard", f"{k}/{n}"], keys)
            if part is None:
                print(f"FAIL {capture}: shard {k}/{n} exited with an error")
                failures += 1
                break
            shards_with_records += bool(part)
            union += part
        else:
            checked += 1
            if union != whole:
                failures += 1
                missing, extra = whole - union, union - whole
                print(f"FAIL {capture}: {sum(missing.values())} records missing from the shards, "
                      f"{sum(extra.values())} extra")
                for line in list(missing)[:2]:
                    print("  missing:", line[:300])
                for line in list(extra)[:2]:
                    print("  extra:  ", line[:300])
            if sum(whole.values()) >= 4 and shards_with_records > 1:
                split += 1
    print(f"{checked} captures: the {n} shards' records equal the whole capture's in "
          f"{checked - failures if failures <= checked else 0}; {split} split over several shards")
    if checked == 0:
        return 77
    if split == 0:
        print("FAIL no capture's records were split over more than one shard")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
