"""A throw-away PostgreSQL server for tests: its own cluster in a temporary folder, on 127.0.0.1 only.

It uses Debian's `postgresql` package (initdb and postgres from /usr/lib/postgresql/<version>/bin;
`make .venv/.installed` installs it when run as root). PostgreSQL refuses to run as root, so as root
the server runs as the package's `postgres` account, or, without one, as an account named
``nntest-pg-*`` made for the run and removed afterwards; otherwise as the user running the tests.
Durability is switched off (fsync, synchronous commit): the data is thrown away at the end.
"""

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ACCOUNT_PREFIX = "nntest-pg-"
SUPERUSER = "nntest"
INSTALL_HINT = ("PostgreSQL's server binaries (initdb, postgres) are missing: install Debian's package with "
                "`apt-get install postgresql` (as root, `make .venv/.installed` does it).")


class ServerUnavailable(Exception):
    pass


def server_binaries():
    """The bin/ folder of the newest PostgreSQL installed, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: [int(x) for x in p.parent.parent.name.split(".") if x.isdigit()])
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and (Path(initdb).parent / "postgres").exists() else None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    def __init__(self, bin_dir):
        self.bin_dir = bin_dir
        self.password = secrets.token_hex(12)
        self.port = None
        self.folder = None
        self.process = None
        self.made_account = None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self):
        self.folder = Path(tempfile.mkdtemp(prefix="nntest-pg-"))
        self._choose_account()
        (self.folder / "pwfile").write_text(self.password + "\n")
        if self.uid is not None:
            os.chown(self.folder, self.uid, self.gid)
            os.chown(self.folder / "pwfile", self.uid, self.gid)
        self._run([self.bin_dir / "initdb", "-D", str(self.folder / "data"), "-U", SUPERUSER, "-E", "UTF8",
                   "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile", str(self.folder / "pwfile"),
                   "--no-sync"])
        self.port = free_port()
        self.resume()
        return self

    def resume(self):
        """Start the server process (again) on the same data, port and socket folder."""
        log = open(self.folder / "server.log", "ab")  # noqa: SIM115 (the server writes to it while it runs)
        self.process = subprocess.Popen(
            [self.bin_dir / "postgres", "-D", str(self.folder / "data"), "-h", "127.0.0.1", "-p", str(self.port),
             "-k", str(self.folder), "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
            stdout=log, stderr=subprocess.STDOUT, **self._as_account())
        log.close()
        self._wait_ready()

    def halt(self):
        """Stop the server the way an outage does: connected clients are cut off; the data stays."""
        self.process.send_signal(signal.SIGINT)  # PostgreSQL's "fast" shutdown
        self.process.wait(timeout=30)

    def stop(self):
        try:
            if self.process is not None and self.process.poll() is None:
                self.process.terminate()  # SIGTERM: "smart" shutdown; clients of the tests are gone by now
                try:
                    self.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        finally:
            if self.folder is not None:
                shutil.rmtree(self.folder, ignore_errors=True)
            if self.made_account:
                subprocess.run(["userdel", self.made_account], check=False, capture_output=True)

    # -- what tests use -------------------------------------------------------------------------

    def url(self, database, password=None):
        return f"postgresql+psycopg2://{SUPERUSER}:{password or self.password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name):
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, password=self.password,
                                      dbname="postgres")
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()
        return self.url(name)

    # -- internals ------------------------------------------------------------------------------

    def _choose_account(self):
        self.uid = self.gid = None
        if os.geteuid() != 0:
            return
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            name = ACCOUNT_PREFIX + secrets.token_hex(3)
            subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                           check=True, capture_output=True)
            self.made_account = name
            account = pwd.getpwnam(name)
        self.uid, self.gid = account.pw_uid, account.pw_gid

    def _as_account(self):
        if self.uid is None:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": [], "cwd": str(self.folder),
                "env": {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}}

    def _run(self, command):
        done = subprocess.run([str(c) for c in command], capture_output=True, text=True, **self._as_account())
        if done.returncode:
            raise ServerUnavailable(f"{Path(command[0]).name} failed: {done.stdout}{done.stderr}")

    def _wait_ready(self, timeout=60):
        import psycopg2

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerUnavailable("postgres exited: " + (self.folder / "server.log").read_text(errors="replace")[-2000:])
            with contextlib.suppress(psycopg2.OperationalError):
                psycopg2.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, password=self.password,
                                 dbname="postgres", connect_timeout=2).close()
                return
            time.sleep(0.2)
        raise ServerUnavailable(f"postgres did not accept connections within {timeout} s")
