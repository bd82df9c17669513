"""The :class:`Register`: one object the CLI, the web app and the tests hold.

``open_register(url=None)`` reads the configuration (:mod:`.config`), opens the database,
upgrades it to the newest migration, loads (or makes) the key file and checks that it is the
key this database was written with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, insert, select, text

from .accounts import Accounts
from .audit import AuditLog
from .backup import Backups
from .config import settings
from .context import utc_now
from .corrections import Corrections
from .database import WalCheckpointer, make_engine, migrate, reading, writing
from .errors import ConfigError
from .finding import Finding
from .followups import FollowUps
from .keys import Keyring
from .ledger import Ledger
from .retention import Retention
from .schema import meta

_KEY_LOCK = 7_201_504_151  # PostgreSQL advisory lock key: "register key check"


class Register(Corrections, Finding, FollowUps, Ledger, Retention, Backups, Accounts, AuditLog):
    """Issue, find, reprint, correct and follow up forms; accounts, audit, ledgers, backups.

    Every method is safe to call from many threads at once (one engine, pooled connections)
    and from many processes on the same database.
    """

    _checkpointer: WalCheckpointer | None = None

    def close_connections(self) -> None:
        """Release pooled connections and stop WAL checkpoints (call when done with the register)."""
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        self.engine.dispose()


def open_register(url: str | None = None, *, key_file: Path | str | None = None,
                  clock: Callable[[], dt.datetime] = utc_now, tz: dt.tzinfo | None = None,
                  pool_size: int = 10, durable: bool = True) -> Register:
    """Open (and create or upgrade) the register.

    ``url``: an SQLAlchemy URL; default ``HANDBOOK_DATABASE_URL``, else SQLite in the data
    folder. ``key_file``: default ``HANDBOOK_REGISTER_KEY_FILE``, else ``<data dir>/register.key``.
    ``clock`` and ``tz`` are for tests (an aware "now", and the zone that decides "today").
    ``durable=False``: commits do not wait for the disk (see :func:`.database.make_engine`).
    """
    cfg = settings(url)
    engine = make_engine(cfg.url, pool_size=pool_size, durable=durable, background_checkpoints=True)
    try:
        migrate(engine)
        keys = Keyring.load_or_create(Path(key_file) if key_file else cfg.key_file)
        _check_key(engine, keys, Path(key_file) if key_file else cfg.key_file)
    except BaseException:
        engine.dispose()
        raise
    reg = Register(engine, keys, clock=clock, tz=tz)
    if engine.dialect.name == "sqlite" and engine.url.database:
        reg._checkpointer = WalCheckpointer(engine.url.database).start()
    return reg


def _check_key(engine: Engine, keys: Keyring, path: Path) -> None:
    check = keys.check_value()
    with reading(engine) as conn:
        if conn.execute(select(meta.c.value).where(meta.c.key == "key_check")).scalar_one_or_none() == check:
            return
    with writing(engine) as conn:
        if conn.dialect.name == "postgresql":  # two first openers at once: one row wins
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _KEY_LOCK})
        stored = conn.execute(select(meta.c.value).where(meta.c.key == "key_check")).scalar_one_or_none()
        if stored is None:
            conn.execute(insert(meta).values(key="key_check", value=check))
        elif stored != check:
            raise ConfigError(f"{path}: this is not the key the register was written with; "
                              "restore the register's own key file (see README: the register)")
