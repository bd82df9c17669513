"""A throwaway PostgreSQL cluster for the register's tests and bench, from Debian's package.

``PgCluster`` runs ``initdb`` into a temporary folder, starts the server listening only on a
Unix socket inside that folder (no TCP port, nothing another user of the machine can reach),
hands out one fresh database per test, and stops and removes everything at the end.

PostgreSQL refuses to run as root: when we are root (as CI is), every server command runs as
the ``postgres`` system user that Debian's package creates (``runuser -u postgres --``) and
the folder is given to that user; otherwise the commands run as ourselves.

The pytest fixture ``pg_cluster`` (session scope, imported by ``conftest.py``) skips with a
reason only when the server binaries are missing (``apt-get install postgresql``, which
``make setup`` does).

Used outside pytest too (``bench/register.py``)::

    with PgCluster.start(fast=False) as pg:
        url = pg.create_database("bench")
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVER_USER = "postgres"


def find_bindir() -> Path | None:
    """The newest ``/usr/lib/postgresql/<major>/bin`` holding initdb and pg_ctl, or None."""
    found = []
    for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        bindir = Path(initdb).parent
        if (bindir / "pg_ctl").exists():
            try:
                found.append((int(bindir.parent.name), bindir))
            except ValueError:
                continue
    return max(found)[1] if found else None


class PgCluster:
    """One running throwaway cluster. Use :meth:`start` (a context manager) or the fixture."""

    _names = itertools.count(1)

    def __init__(self, bindir: Path, root: Path, as_user: str | None):
        self.bindir = bindir
        self.root = root
        self.data = root / "data"
        self.socket_dir = root  # the server's socket lives beside its data, in our temp folder
        self.as_user = as_user
        self.log = root / "server.log"

    # --- life cycle -----------------------------------------------------------
    @classmethod
    def start(cls, fast: bool = True) -> PgCluster:
        """initdb + start. ``fast`` turns fsync off (tests); the bench keeps the defaults."""
        bindir = find_bindir()
        if bindir is None:
            raise FileNotFoundError("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin "
                                    "(apt-get install postgresql)")
        base = tempfile.gettempdir()
        if len(base) > 60:  # a Unix socket path has at most 107 bytes
            base = "/tmp"
        root = Path(tempfile.mkdtemp(prefix="handbook-pg-", dir=base))
        as_user: str | None = None
        if os.geteuid() == 0:
            as_user = SERVER_USER
            pw = pwd.getpwnam(SERVER_USER)  # KeyError: the package was not installed properly
            os.chown(root, pw.pw_uid, pw.pw_gid)
        os.chmod(root, 0o700)
        cluster = cls(bindir, root, as_user)
        try:
            cluster._run(["initdb", "-D", str(cluster.data), "-U", "postgres", "-A", "trust",
                          "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
            settings = {
                "listen_addresses": "''",                # no TCP at all
                "unix_socket_directories": f"'{cluster.socket_dir}'",
                "max_connections": "200",
                "shared_buffers": "128MB",
            }
            if fast:
                settings.update({"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"})
            with open(cluster.data / "postgresql.conf", "a", encoding="utf-8") as conf:
                for k, v in settings.items():
                    conf.write(f"{k} = {v}\n")
            cluster._run(["pg_ctl", "-D", str(cluster.data), "-l", str(cluster.log), "-w", "-t", "60", "start"])
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder; safe to call twice."""
        if (self.data / "postmaster.pid").exists():
            try:
                self._run(["pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop"])
            except subprocess.CalledProcessError:
                self._run(["pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop"], check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PgCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- databases ------------------------------------------------------------
    def url(self, dbname: str) -> str:
        """An SQLAlchemy URL for ``dbname`` through the cluster's socket (psycopg 3)."""
        return f"postgresql+psycopg://postgres@/{dbname}?host={self.socket_dir}"

    def create_database(self, prefix: str = "t") -> str:
        """A new empty database; returns its URL."""
        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1].split("?", 1)[0]
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def psql(self, sql: str) -> str:
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            cur = conn.execute(sql)  # type: ignore[arg-type]
            return str(cur.fetchall()) if cur.description else ""

    # --- helpers --------------------------------------------------------------
    def _run(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / argv[0]), *argv[1:]]
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=self.root, check=False)
        if check and done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise subprocess.CalledProcessError(done.returncode, cmd, done.stdout,
                                                done.stderr + ("\n--- server log ---\n" + log if log else ""))
        return done


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A running throwaway cluster for the whole session; skipped when the binaries are missing."""
    if find_bindir() is None:
        pytest.skip("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin "
                    "(apt-get install postgresql, or `make setup`)")
    cluster = PgCluster.start(fast=True)
    try:
        yield cluster
    finally:
        cluster.stop()
