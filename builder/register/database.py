"""Engines and transactions for SQLite (WAL) and PostgreSQL (psycopg 3), and migrations.

SQLite: the file is made 0600 in a 0700 folder before the first connection (SQLite gives
its ``-wal``/``-shm`` files the same mode); each connection runs in WAL mode with
``synchronous=FULL`` (a number handed to a clerk survives a power cut), foreign keys on,
``secure_delete`` (a purged value is overwritten, not left in a free page) and a 30 s busy
timeout. Python's sqlite3 is told to leave transactions to us: reads begin with
``BEGIN`` (a consistent snapshot; WAL readers never block the writer) and writes with
``BEGIN IMMEDIATE``, which takes the database's write lock at once, so two writers queue
instead of deadlocking on a lock upgrade.

PostgreSQL: ``postgresql://`` URLs get the psycopg 3 driver; the default READ COMMITTED
isolation is enough because every write that must be serial locks a row (the counter).

Both engines hide bound parameters from error messages and SQL logs (``hide_parameters``),
and their logger (``sqlalchemy.engine.Engine.handbook_register``) is held at INFO, so even a
developer who turns SQLAlchemy's logging up to DEBUG gets statements, never result rows:
no name or phone reaches a log.

:func:`migrate` upgrades to the newest Alembic revision shipped in ``migrations/``, under a
lock (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL), so processes that open
a new register at the same time do not race.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from .errors import ConfigError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_WRITE = "handbook_register_write"
LOGGING_NAME = "handbook_register"
_log = logging.getLogger(__name__)
logging.getLogger(f"sqlalchemy.engine.Engine.{LOGGING_NAME}").setLevel(logging.INFO)  # never rows (DEBUG)
_MIGRATION_LOCK = 7_201_504_150  # PostgreSQL advisory lock key: "register migrations"


def normalize_url(url: str) -> str:
    try:
        u = make_url(url)
    except ArgumentError:
        raise ConfigError("database URL: not a valid URL (e.g. sqlite:///data/register.sqlite3 "
                          "or postgresql://user@host/db)") from None
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    if u.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(f"database URL: {u.get_backend_name()} is not supported (SQLite or PostgreSQL)")
    return u.render_as_string(hide_password=False)


def _prepare_sqlite_file(database: str) -> None:
    if not database or database == ":memory:" or database.startswith("file:"):
        raise ConfigError("database URL: the register needs an SQLite file, not an in-memory database")
    path = Path(database)
    try:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o700)
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    except OSError as e:
        raise ConfigError(f"{path}: cannot create the register database ({e.strerror or e})") from None


class WalCheckpointer:
    """Checkpoints an SQLite WAL from a background thread, so no clerk's commit pays for it.

    The register's own connections run with ``wal_autocheckpoint=0``: left on, SQLite makes
    whichever commit crosses 1,000 WAL pages copy them back into the database and fsync it,
    a pause of tens of milliseconds for one unlucky clerk. Here a daemon thread runs a PASSIVE
    checkpoint (it never blocks writers) every ``interval`` seconds instead. When the last
    connection to the database closes, SQLite checkpoints and removes the WAL itself.
    """

    def __init__(self, path: str, interval: float = 1.0):
        self.path = path
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="register-wal-checkpoint", daemon=True)

    def start(self) -> WalCheckpointer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as e:  # pragma: no cover - the engine opened the same file a moment ago
            _log.warning("register: WAL checkpoints not running (%s)", e)
            return
        try:
            while not self._stop.wait(self.interval):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as e:  # busy, or the disk: try again at the next tick
                    _log.warning("register: WAL checkpoint failed (%s)", e)
        finally:
            conn.close()


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 30, durable: bool = True,
                background_checkpoints: bool = False) -> Engine:
    """An engine for ``url`` set up as described above.

    ``durable=False`` trades the last moments before a power cut or OS crash for latency:
    commits do not wait for the disk (SQLite ``synchronous=NORMAL``, PostgreSQL
    ``synchronous_commit=off``). A crashed *process* still loses nothing committed, and the
    database stays consistent (counter and records roll back together), but numbers issued in
    the last second before a power cut may be issued again. Default: durable.

    ``background_checkpoints``: SQLite connections leave WAL checkpoints to a
    :class:`WalCheckpointer` (the caller starts one).
    """
    url = normalize_url(url)
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        _prepare_sqlite_file(u.database or "")
        engine = create_engine(url, hide_parameters=True, logging_name=LOGGING_NAME, pool_size=pool_size,
                               max_overflow=max_overflow, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
            cur = dbapi_conn.cursor()
            for pragma in ("journal_mode=WAL", f"synchronous={'FULL' if durable else 'NORMAL'}",
                           "foreign_keys=ON", "busy_timeout=30000", "secure_delete=ON",
                           f"wal_autocheckpoint={0 if background_checkpoints else 1000}"):
                cur.execute(f"PRAGMA {pragma}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")

        return engine
    # No pre-ping (a round trip on every checkout): after a server restart one request fails
    # and the pool is refreshed. An issue is never retried blindly: a lost COMMIT may have landed.
    engine = create_engine(url, hide_parameters=True, logging_name=LOGGING_NAME, pool_size=pool_size,
                           max_overflow=max_overflow, pool_recycle=3600)
    if not durable:
        @event.listens_for(engine, "connect")
        def _on_pg_connect(dbapi_conn: Any, _record: Any) -> None:
            with dbapi_conn.cursor() as cur:
                cur.execute("SET synchronous_commit = off")
            dbapi_conn.commit()

    return engine


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction: committed when the block ends, rolled back on any exception."""
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read transaction: one consistent snapshot on SQLite."""
    with engine.connect() as conn, conn.begin():
        yield conn


def _alembic_config(conn: Connection | None = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> None:
    """Upgrade the database to the newest revision (a no-op when it is there already)."""
    from alembic import command
    from alembic.util import CommandError

    head = head_revision()
    try:
        with reading(engine) as conn:
            current = current_revision(conn)
            if current == head:
                return
        with writing(engine) as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            if current_revision(conn) != head:
                command.upgrade(_alembic_config(conn), "head")
    except OperationalError as e:
        first = str(e.orig).strip().splitlines()[0] if str(e.orig).strip() else type(e.orig).__name__
        raise ConfigError(f"cannot open the register database: {first}") from None
    except CommandError:
        raise ConfigError(f"the register database is at schema revision {current}, which this version of "
                          f"the handbook does not know (newest: {head}); update the handbook") from None
