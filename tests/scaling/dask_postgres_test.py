#!/usr/bin/python3
"""tools/scale/tlsdissect-scale on a real cluster: a PostgreSQL server in a temporary
folder and a Dask scheduler with two workers, all on loopback.

    dask_postgres_test.py TLSDISSECT SOURCE_DIR [REAL_CAPTURES]

Runs the tool over the bundled captures (and the real-world ones when the folder is
there), plus a bigger capture made here (multiply.py) that the tool splits into shards
and a file that is not a capture. One worker is killed (SIGKILL) while both are inside a
task's transaction. Then checks:
  * every (file, shard) arrived exactly once: per file, the records in PostgreSQL equal,
    as a multiset, those of running tlsdissect directly on it;
  * the killed worker's transaction was cut (PostgreSQL's log says so) and its task was
    done again by the other worker: no failed task;
  * the tool's report names exactly the files that tlsdissect itself refuses or finds
    damaged, with their exit status, and a missing file (after its retries);
  * a second run over some of the files changes no count (idempotent);
  * the views: sni_connections equals tshark's count of connections with a Client Hello
    per server name; dns_addresses equals tshark's (name, address) pairs from DNS
    answers; ja4_counts, invalid_certificates and audit_findings equal what the direct
    records say.
Exit 77 (skipped) when Debian's python3-distributed, python3-psycopg2 or postgresql are
not installed.
"""
import collections
import concurrent.futures
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "differential"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools", "scale"))

try:
    import distributed  # noqa: F401  (the tool needs it; imported here to skip cleanly)
    import psycopg2
except ImportError as missing:
    print(f"skipped: {missing} (Debian packages python3-distributed, python3-psycopg2)")
    sys.exit(77)
import local_cluster  # noqa: E402
import tshark_cache  # noqa: E402
from local_cluster import LocalCluster  # noqa: E402

SUFFIXES = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz")
failures = []


def fail(message):
    failures.append(message)
    print("FAIL", message, flush=True)


def canonical(record):
    return json.dumps(record, sort_keys=True, ensure_ascii=False)


def direct_run(tool, path, extra):
    out = subprocess.run([tool, "--sessions", "--jsonl", "--quiet", "--audit", *extra, path],
                         capture_output=True, text=True)
    records = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    return out.returncode, records


def keys_for(path):
    stem = path[: path.rfind(".pcap")] if ".pcap" in path else path
    return ["--keylog", stem + ".keys"] if os.path.exists(stem + ".keys") else []


# tshark looks for TLS only on registered ports: where a capture has it elsewhere, say so.
DECODE_AS = {"ssl-to-http-server.pcap": ["-d", "tcp.port==80,tls"]}


def tshark_answers(f):
    """tshark's view of one capture: (connection key, server name) for every Client Hello
    naming a server, and (asked name, address) for every A/AAAA record in the answer
    section of a DNS response to a query (the owner name of the record). The connection key is the file, tcp.stream (udp.stream for
    QUIC and DTLS), the outermost addresses and the GRE key, as in
    tests/scaling/sqlite_recipe_test.sh (which says why)."""
    options = list(DECODE_AS.get(os.path.basename(f), []))
    if "gre-two-tunnels" in f:
        options += ["-o", "tcp.analyze_sequence_numbers:FALSE"]
    out = tshark_cache.run(["-n", "-r", f, *options, "-Y",
                            "(tls.handshake.type == 1 && tls.handshake.extensions_server_name) || "
                            "(dtls.handshake.type == 1 && dtls.handshake.extensions_server_name) || "
                            "dns.flags.response == 1",
                            "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|",
                            "-e", "tcp.stream", "-e", "udp.stream", "-e", "tls.handshake.extensions_server_name",
                            "-e", "dtls.handshake.extensions_server_name", "-e", "ip.src", "-e", "ip.dst",
                            "-e", "ipv6.src", "-e", "ipv6.dst", "-e", "gre.key",
                            "-e", "dns.qry.name", "-e", "dns.count.answers", "-e", "dns.resp.type",
                            "-e", "dns.a", "-e", "dns.aaaa", "-e", "dns.resp.name", "-e", "dns.response_to"])
    connections, pairs = set(), set()
    for line in out.stdout.splitlines():
        v = [field.split("|") if field else [] for field in line.split("\t")]
        v += [[]] * (16 - len(v))
        first = [x[0] if x else "" for x in v]
        sni = first[2] or first[3]
        if sni:
            stream = "t" + first[0] if first[0] else "u" + first[1]
            connections.add((f, stream, " ".join(first[4:9]), sni))
        elif first[15]:
            # A response to a query in the capture (tlsdissect's DNS records are
            # transactions): its answer section is the first dns.count.answers records.
            answers = v[11][: int(first[10] or 0)]
            names = iter(name for name, t in zip(v[14], answers) if t == "1")
            pairs.update((next(names), a) for a in v[12][: answers.count("1")])
            names = iter(name for name, t in zip(v[14], answers) if t == "28")
            pairs.update((next(names), a) for a in v[13][: answers.count("28")])
    return connections, pairs


def tshark_views(files):
    """Connections per server name, and the (name, address) pairs, over all files."""
    connections, pairs = set(), set()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for c, p in pool.map(tshark_answers, files):
            connections |= c
            pairs |= p
    return collections.Counter(sni for *_, sni in connections), pairs


def run_tool(source, tool, scheduler, dsn, inputs, kill=None, log=None):
    """Runs tlsdissect-scale; with kill=(worker process, dsn), SIGKILLs that worker as soon
    as two connections are inside a transaction (both workers busy in a task)."""
    command = [sys.executable, os.path.join(source, "tools", "scale", "tlsdissect-scale"),
               "--scheduler", scheduler, "--db", dsn, "--tlsdissect", tool, "--keys-beside",
               "--arg=--roots", f"--arg={os.path.join(source, 'captures', 'test-roots.pem')}",
               "--shard-above", "1M", "--shards", "2", "--retries", "2", *inputs]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
    killed_at = None
    if kill:
        worker, watch_dsn = kill
        connection = psycopg2.connect(watch_dsn)
        connection.autocommit = True
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE xact_start IS NOT NULL"
                               " AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
                if cursor.fetchone()[0] >= 2:
                    worker.send_signal(signal.SIGKILL)
                    killed_at = time.monotonic()
                    break
            time.sleep(0.02)
        connection.close()
    stdout, _ = process.communicate(timeout=300)
    return process.returncode, stdout, killed_at


def main():
    tool, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    real = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None
    if not local_cluster.available():
        print("skipped: PostgreSQL (Debian postgresql) or dask (python3-distributed) not installed")
        return 77
    work = tempfile.mkdtemp(prefix="tlsdissect-scale-")
    cluster = None
    try:
        # A capture big enough to be split into two shards (--shard-above 1M), and long
        # enough to be in flight when the worker is killed: multiply.py's copies of a
        # bundled capture, each its own connections.
        big = os.path.join(work, "multiplied.pcap")
        subprocess.run([sys.executable, os.path.join(source, "tools", "bench", "multiply.py"),
                        os.path.join(source, "captures", "https-cname-tls12.pcap"), big, "800"], check=True)
        not_capture = os.path.join(source, "captures", "README.md")
        missing = os.path.join(work, "missing.pcap")  # exit status 3: retried, then reported
        bundled = sorted(f for f in glob.glob(os.path.join(source, "captures", "*")) if f.endswith(SUFFIXES))
        real_files = []
        if real and os.path.isdir(real):
            real_files = sorted(f for f in glob.glob(os.path.join(real, "**", "*"), recursive=True)
                                if f.endswith(SUFFIXES))
        else:
            print("real-world captures absent: that part is skipped")
        files = [big] + bundled + real_files
        cluster = LocalCluster(work, workers=2)
        scheduler, workers = cluster.scheduler, cluster.workers
        started = time.monotonic()
        inputs = [big, os.path.join(source, "captures")] + ([real] if real_files else []) + [not_capture, missing]
        tool_log = open(os.path.join(work, "tool.log"), "w+")
        status, report, killed_at = run_tool(source, tool, scheduler, cluster.dsn, inputs,
                                             kill=(workers[1], cluster.dsn), log=tool_log)
        print(f"run: {time.monotonic() - started:.1f} s, exit {status}")
        print(report.strip())
        if killed_at is None:
            fail("no moment with both workers inside a transaction: no worker was killed")
        else:
            print(f"worker killed {killed_at - started:.1f} s into the run")
            time.sleep(0.5)  # the server logs the cut connection when it notices
            server_log = open(cluster.postgres.log).read()
            if "unexpected EOF on client connection with an open transaction" not in server_log \
                    and "could not receive data from client" not in server_log:
                fail("PostgreSQL's log shows no transaction cut by the killed worker")

        # Direct runs: the expected records and exit statuses.
        expected, statuses = {}, {}
        for f in files:
            statuses[f], records = direct_run(tool, f, keys_for(f) + ["--roots", os.path.join(source, "captures", "test-roots.pem")])
            expected[f] = collections.Counter(canonical(r) for r in records)
        connection = psycopg2.connect(cluster.dsn)
        with connection.cursor() as cursor:
            cursor.execute("SELECT file, shard, record FROM tls UNION ALL SELECT file, shard, record FROM dns")
            stored = collections.defaultdict(collections.Counter)
            shards = collections.defaultdict(set)
            for f, shard, record in cursor.fetchall():
                stored[f][canonical(record)] += 1
                shards[f].add(shard)
        total = sum(sum(c.values()) for c in expected.values())
        for f in files:
            if stored.get(f, collections.Counter()) != expected[f]:
                missing, extra = expected[f] - stored.get(f, collections.Counter()), stored.get(f, collections.Counter()) - expected[f]
                fail(f"{f}: {sum(missing.values())} records missing, {sum(extra.values())} extra in PostgreSQL")
                for line in list(missing)[:1] + list(extra)[:1]:
                    print("   ", line[:300])
        if shards[big] != {"1/2", "2/2"}:
            fail(f"the multiplied capture was stored as shards {sorted(shards[big])}, expected 1/2 and 2/2")
        stray = set(stored) - set(files)
        if stray:
            fail(f"records of files not given: {sorted(stray)[:3]}")
        print(f"{len(files)} files ({len(real_files)} real-world), {total} records: "
              f"{'each once' if not failures else 'see above'}")

        # The report: exactly the files tlsdissect refuses or finds damaged.
        bad = {f: s for f, s in statuses.items() if s != 0}
        bad[not_capture] = 4
        reported = [line for line in report.splitlines() if line.startswith("failed: ")]
        for f, s in bad.items():
            if not any(line.startswith(f"failed: {f}") and f"exit {s} " in line for line in reported):
                fail(f"the report does not give {f} as failed with exit {s}")
        if not any(line.startswith(f"failed: {missing}: RuntimeError") and "exit status 3" in line
                   for line in reported):
            fail(f"the report does not give {missing} as failed (tlsdissect exit status 3, after the retries)")
        if len(reported) != len(bad) + 1:
            fail(f"{len(reported)} failures reported, expected {len(bad) + 1}: {reported}")
        if status != 1:
            fail(f"tlsdissect-scale exit status {status}, expected 1 (some files failed)")
        if any("Error" in line and missing not in line for line in reported):
            fail("a task failed for good (the killed worker's task was not run again?)")

        # Again, over some of the same files: nothing counted twice.
        with connection.cursor() as cursor:
            cursor.execute("SELECT (SELECT count(*) FROM tls), (SELECT count(*) FROM dns)")
            before = cursor.fetchone()
        again = [big] + bundled[:10]
        status2, report2, _ = run_tool(source, tool, scheduler, cluster.dsn, again, log=tool_log)
        connection.rollback()
        with connection.cursor() as cursor:
            cursor.execute("SELECT (SELECT count(*) FROM tls), (SELECT count(*) FROM dns)")
            after = cursor.fetchone()
        if before != after or before[0] + before[1] != total:
            fail(f"rows (tls, dns) {before} after the first run, {after} after the second; records {total}")
        print(f"second run over {len(again)} files: {report2.splitlines()[0] if report2 else status2}; "
              f"rows {after[0]} tls + {after[1]} dns{', unchanged' if before == after else ''}")

        # The views.
        direct = [json.loads(r) for c in expected.values() for r in c.elements()]
        tls = [r for r in direct if r["kind"] == "tls"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT sni, connections FROM sni_connections")
            sni_view = collections.Counter(dict(cursor.fetchall()))
            sni_tshark, dns_tshark = tshark_views(files)
            if sni_view != sni_tshark:
                fail(f"sni_connections differs from tshark: view-only {dict(sni_view - sni_tshark)}, "
                     f"tshark-only {dict(sni_tshark - sni_view)}")
            print(f"sni_connections: {len(sni_view)} names, {sum(sni_view.values())} connections{', as tshark says' if sni_view == sni_tshark else ''}")

            cursor.execute("SELECT DISTINCT answer_name, address FROM dns_addresses")
            dns_view = set(cursor.fetchall())
            if dns_view != dns_tshark:
                fail(f"dns_addresses differs from tshark: view-only {sorted(dns_view - dns_tshark)[:5]}, "
                     f"tshark-only {sorted(dns_tshark - dns_view)[:5]}")
            print(f"dns_addresses: {len(dns_view)} (name, address) pairs{', as tshark says' if dns_view == dns_tshark else ''}")

            cursor.execute("SELECT ja4, connections FROM ja4_counts")
            ja4_view = collections.Counter(dict(cursor.fetchall()))
            ja4_direct = collections.Counter(r["client_hello"]["ja4"] for r in tls
                                             if (r.get("client_hello") or {}).get("ja4"))
            if ja4_view != ja4_direct:
                fail("ja4_counts differs from the records")
            cursor.execute("SELECT count(*) FROM invalid_certificates")
            invalid_view = cursor.fetchone()[0]
            invalid_direct = sum(1 for r in tls if isinstance(r.get("chain"), dict) and r["chain"].get("valid") is False)
            if invalid_view != invalid_direct or invalid_direct == 0:
                fail(f"invalid_certificates: {invalid_view} rows, the records have {invalid_direct}")
            cursor.execute("SELECT id, severity, count(*) FROM audit_findings GROUP BY 1, 2")
            findings_view = collections.Counter({(i, s): n for i, s, n in cursor.fetchall()})
            findings_direct = collections.Counter((f["id"], f["severity"]) for r in tls for f in r.get("findings") or [])
            if findings_view != findings_direct or not findings_direct:
                fail("audit_findings differs from the records")
            print(f"ja4_counts {len(ja4_view)} fingerprints, invalid_certificates {invalid_view}, "
                  f"audit_findings {sum(findings_view.values())}{'' if failures else ': as in the records'}")
        connection.close()
        print(f"total {time.monotonic() - started:.1f} s")
    finally:
        if cluster:
            cluster.close()
        if failures:
            for name in ("tool.log", "cluster.log", "postgres.log"):
                path = os.path.join(work, name)
                if os.path.exists(path):
                    print(f"--- last lines of {name}")
                    print("".join(open(path, errors="replace").readlines()[-15:]))
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
