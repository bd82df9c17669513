"""Where the register keeps its data, read from the environment once per :func:`settings` call.

- ``HANDBOOK_DATA_DIR``: the data folder (default ``<repo>/data/``). It holds the SQLite
  database ``register.sqlite3`` (with its ``-wal``/``-shm`` files) and the key file
  ``register.key``. Made 0700 on first use.
- ``HANDBOOK_DATABASE_URL``: a PostgreSQL URL (``postgresql://user:pass@host/db``; the psycopg 3
  driver is filled in) for a group whose properties share one register. SQLite URLs work too.
- ``HANDBOOK_REGISTER_KEY_FILE``: the key file, when it should live elsewhere than the data
  folder (it must, for PostgreSQL shared by several machines: every machine needs the same key).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ENV_DATA_DIR = "HANDBOOK_DATA_DIR"
ENV_DATABASE_URL = "HANDBOOK_DATABASE_URL"
ENV_KEY_FILE = "HANDBOOK_REGISTER_KEY_FILE"

#: builder/register/config.py → the repository (or the folder the package is installed in).
REPO_ROOT = Path(__file__).resolve().parents[2]
DB_FILE = "register.sqlite3"
KEY_FILE = "register.key"


@dataclass(frozen=True)
class Settings:
    """The database URL, the data folder and the key file for one register."""

    url: str
    data_dir: Path
    key_file: Path


def settings(url: str | None = None, *, env: Mapping[str, str] | None = None) -> Settings:
    """Resolve the configuration: an explicit ``url`` wins over ``HANDBOOK_DATABASE_URL``."""
    env = os.environ if env is None else env
    data_dir = Path(env.get(ENV_DATA_DIR) or REPO_ROOT / "data").expanduser()
    url = url or env.get(ENV_DATABASE_URL) or f"sqlite:///{data_dir / DB_FILE}"
    key_file = Path(env.get(ENV_KEY_FILE) or data_dir / KEY_FILE).expanduser()
    return Settings(url=url, data_dir=data_dir, key_file=key_file)
