#!/usr/bin/python3
"""Measures tlsdissect-scale: records per second into PostgreSQL with 1 and 2 Dask
workers on one machine (local_cluster.py), against tlsdissect alone writing to
/dev/null, one and two processes at once. Prints a Markdown table (docs/performance.md).

    measure.py [TLSDISSECT] [FILES] [COPIES]

The workload: FILES (default 8) captures, each COPIES (default 2000) copies of the
bundled captures/https-cname-tls12.pcap made by tools/bench/multiply.py (every copy its
own client address: one TLS connection and two DNS lookups, 3 records), so the
files are alike and the work divides evenly. --audit and -j 1 as the tool's defaults.
"""
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from local_cluster import LocalCluster  # noqa: E402


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def direct(tool, files, parallel):
    started = time.monotonic()
    processes, records = [], 0
    pending = list(files)
    while pending or processes:
        while pending and len(processes) < parallel:
            processes.append(subprocess.Popen([tool, "--sessions", "--jsonl", "--audit", "--quiet", "-j", "1",
                                               pending.pop()],
                                              stdout=subprocess.PIPE))
        process = processes.pop(0)
        records += process.stdout.read().count(b"\n")
        process.wait()
    return records, time.monotonic() - started


def scaled(tool, files, workers, work):
    with LocalCluster(os.path.join(work, f"cluster{workers}"), workers=workers) as cluster:
        out = subprocess.run([sys.executable, os.path.join(HERE, "tlsdissect-scale"), "--quiet",
                              "--scheduler", cluster.scheduler, "--db", cluster.dsn, "--tlsdissect", tool, *files],
                             capture_output=True, text=True, check=True)
    match = re.search(r"(\d+) records in ([\d.]+) s", out.stdout)
    return int(match.group(1)), float(match.group(2))


def main():
    tool = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, "build", "tlsdissect")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    copies = sys.argv[3] if len(sys.argv) > 3 else "2000"
    with tempfile.TemporaryDirectory(prefix="tlsdissect-measure-") as work:
        os.chmod(work, 0o755)  # the PostgreSQL server, run as another user when we are root, goes in
        files = []
        for i in range(n):
            files.append(os.path.join(work, f"copies-{i}.pcap"))
            subprocess.run([sys.executable, os.path.join(ROOT, "tools", "bench", "multiply.py"),
                            os.path.join(ROOT, "captures", "https-cname-tls12.pcap"), files[-1], copies], check=True)
        size = sum(os.path.getsize(f) for f in files)
        print(f"{n} files, {size / 1e6:.0f} MB, {os.cpu_count()} CPUs\n")
        # CPU: of tlsdissect alone; for the cluster, of the tool, the scheduler, the workers
        # and their tlsdissect processes (not of the PostgreSQL server, which pg_ctl detaches).
        print("| run | records | seconds | records/s | CPU seconds |")
        print("|---|---|---|---|---|")
        for parallel in (1, 2):
            cpu = children_cpu()
            records, seconds = direct(tool, files, parallel)
            print(f"| tlsdissect alone, {parallel} at once, to /dev/null | {records} | {seconds:.1f} "
                  f"| {records / seconds:.0f} | {children_cpu() - cpu:.1f} |")
        for workers in (1, 2):
            os.makedirs(os.path.join(work, f"cluster{workers}"))
            cpu = children_cpu()
            records, seconds = scaled(tool, files, workers, work)
            print(f"| tlsdissect-scale, {workers} worker{'s' if workers > 1 else ''}, into PostgreSQL "
                  f"| {records} | {seconds:.1f} | {records / seconds:.0f} | {children_cpu() - cpu:.1f} |")


if __name__ == "__main__":
    main()
