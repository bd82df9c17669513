"""Backups: a consistent copy of the register taken while clerks keep issuing.

- SQLite: SQLite's online backup API copies every page inside one read transaction; in WAL
  mode that snapshot never blocks writers, and what it copies is the database as of one
  moment. The copy is switched to a single self-contained file (no ``-wal``), checked with
  ``PRAGMA quick_check``, made 0600 and renamed into place.
- PostgreSQL: ``pg_dump --format=custom`` (one snapshot, writers go on); restore with
  ``pg_restore -d NEWDB FILE``. Without ``pg_dump`` on this machine (Debian:
  ``postgresql-client``, the server's major version or newer) this says so: use your
  database host's own backups then.

The key file is **not** in the backup (it is kept apart on purpose): back it up separately
and keep both, or the ID numbers in the copy cannot be read.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from .audit import write_audit
from .context import RegisterBase
from .database import writing
from .errors import RegisterError
from .results import BackupResult


def _tmp_beside(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    os.chmod(tmp, 0o600)
    return Path(tmp)


class Backups(RegisterBase):
    def backup(self, out: Path | str, *, by: str) -> BackupResult:
        """Write a consistent copy of the register to ``out`` (atomically)."""
        out = Path(out)
        try:
            sqlite = self.engine.dialect.name == "sqlite"
            result = self._backup_sqlite(out) if sqlite else self._backup_pg(out)
        except OSError as e:
            raise RegisterError(f"{out}: cannot write the backup ({e.strerror or e})") from None
        with writing(self.engine) as conn:
            write_audit(conn, self._now(), by, "backup", detail=f"{result.method} {result.bytes} bytes")
        return result

    def _backup_sqlite(self, out: Path) -> BackupResult:
        source_path = self.engine.url.database
        assert source_path
        tmp = _tmp_beside(out)
        try:
            src = sqlite3.connect(source_path, timeout=30)
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)  # all pages in one step: one snapshot, writers go on
                dst.execute("PRAGMA journal_mode=DELETE")
                ok = dst.execute("PRAGMA quick_check").fetchone()
                if not ok or ok[0] != "ok":
                    raise RegisterError(f"{out}: the copy failed its check ({ok})")
                count = dst.execute("SELECT count(*) FROM records").fetchone()[0]
            finally:
                dst.close()
                src.close()
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
            os.replace(tmp, out)
        finally:
            if tmp.exists():
                tmp.unlink()
        return BackupResult(path=out, bytes=out.stat().st_size, records=count, method="sqlite-online-backup")

    def _backup_pg(self, out: Path) -> BackupResult:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise RegisterError("pg_dump not found: install postgresql-client (the server's major version "
                                "or newer), or back up with your database host's own tools")
        url = self.engine.url
        env = dict(os.environ)
        if url.password:
            env["PGPASSWORD"] = str(url.password)
        dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
        tmp = _tmp_beside(out)
        try:
            done = subprocess.run([pg_dump, "--format=custom", "--no-owner", f"--file={tmp}", f"--dbname={dsn}"],
                                  env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise RegisterError(f"pg_dump failed: {done.stderr.strip().splitlines()[-1] if done.stderr else ''}")
            os.replace(tmp, out)
        finally:
            if tmp.exists():
                tmp.unlink()
        return BackupResult(path=out, bytes=out.stat().st_size, records=None, method="pg_dump")
