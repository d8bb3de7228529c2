"""A throwaway cluster on one machine, on loopback: a PostgreSQL server in a temporary
folder (initdb, pg_ctl), a Dask scheduler and N Dask workers (one thread, no nanny, so
that killing a worker's process kills the worker). For trying tlsdissect-scale, for its
test (tests/scaling/dask_postgres_test.py) and for measuring it (measure.py).

    with LocalCluster(workdir, workers=2) as cluster:
        cluster.scheduler  # tcp://127.0.0.1:PORT
        cluster.dsn        # host=127.0.0.1 port=PORT user=scale dbname=postgres
        cluster.workers    # the worker processes (subprocess.Popen)

PostgreSQL refuses to run as root, so as root the server runs as the postgres user (made
by Debian's postgresql package), or nobody: the folders above WORKDIR must let it through.
Needs Debian's postgresql and
python3-distributed (the `dask` command).
"""
import glob
import os
import pwd
import shutil
import socket
import subprocess


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_bin():
    """The folder of pg_ctl: Debian keeps it under /usr/lib/postgresql/VERSION/bin, off PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return os.path.dirname(found[-1])
    path = shutil.which("pg_ctl")
    return os.path.dirname(path) if path else None


def available():
    return postgres_bin() is not None and shutil.which("dask") is not None


class Postgres:
    def __init__(self, work):
        self.bin = postgres_bin()
        self.data = os.path.join(work, "pgdata")
        self.log = os.path.join(work, "postgres.log")
        self.port = free_port()
        self.run_as = []
        os.mkdir(self.data, 0o700)
        open(self.log, "w").close()
        if os.geteuid() == 0:
            user = "postgres"
            try:
                pwd.getpwnam(user)
            except KeyError:
                user = "nobody"
            os.chmod(work, 0o755)
            ids = pwd.getpwnam(user)
            for path in (self.data, self.log):
                os.chown(path, ids.pw_uid, ids.pw_gid)
            self.run_as = ["runuser", "-u", user, "--"]
        self._pg(["initdb", "-D", self.data, "-U", "scale", "--auth=trust", "-E", "UTF8", "--no-locale"])
        # Durability is not the point of a throwaway server: no fsync.
        self._pg(["pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "30", "start", "-o",
                  f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
                  " -c synchronous_commit=off -c full_page_writes=off"])
        self.dsn = f"host=127.0.0.1 port={self.port} user=scale dbname=postgres"

    def _pg(self, args):
        subprocess.run(self.run_as + [os.path.join(self.bin, args[0])] + args[1:], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self):
        subprocess.run(self.run_as + [os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m", "immediate",
                                      "-w", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class LocalCluster:
    def __init__(self, work, workers=2):
        self.work = work
        self.processes = []
        self.postgres = None
        self.log_path = os.path.join(work, "cluster.log")
        self.log = open(self.log_path, "w")
        try:
            self.postgres = Postgres(work)
            self.dsn = self.postgres.dsn
            port = free_port()
            self.scheduler = f"tcp://127.0.0.1:{port}"
            self._start(["dask", "scheduler", "--host", "127.0.0.1", "--port", str(port),
                         "--no-dashboard", "--no-show"])
            local = os.path.join(work, "dask")
            os.makedirs(local, exist_ok=True)
            self.workers = [self._start(["dask", "worker", self.scheduler, "--nthreads", "1", "--no-nanny",
                                         "--host", "127.0.0.1", "--no-dashboard", "--local-directory", local])
                            for _ in range(workers)]
            from distributed import Client
            with Client(self.scheduler, timeout=30) as client:
                client.wait_for_workers(workers, timeout=60)
        except BaseException:
            self.close()
            raise

    def _start(self, command):
        process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.processes.append(process)
        return process

    def close(self):
        for process in reversed(self.processes):
            _stop(process)
        self.processes = []
        if self.postgres:
            self.postgres.stop()
            self.postgres = None
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
