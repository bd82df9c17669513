"""What staff searched and could not find, for the editors: per query text, how often it was
searched, how often it found nothing, how often a result was clicked. Nothing else is kept —
no person, no address, no time finer than the day — and long digit runs (a phone, an ID
number typed into the box) are masked before anything is written.

The store is one SQLite file in the data folder (``HANDBOOK_DATA_DIR``, default ``data/``
beside content/, never committed).
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from search.analyzer import normalize

FILE = "searches.sqlite3"
#: A query is kept to this many characters; a longer one is a paste, not a question.
MAX_CHARS = 60
_DIGITS_RE = re.compile(r"\d{6,}")
_lock = threading.Lock()


def data_dir(configured: str | Path | None = None) -> Path:
    if configured:
        return Path(configured)
    env = os.environ.get("HANDBOOK_DATA_DIR")
    if env:
        return Path(env)
    from builder.core.paths import ROOT

    return ROOT / "data"


def clean(q: str) -> str:
    """The query as stored: normalised, lowercased, digit runs masked, cut short."""
    text = normalize(str(q or "")).lower()
    return _DIGITS_RE.sub("…", text)[:MAX_CHARS].strip()


@dataclass
class Row:
    query: str
    searches: int
    empty: int  # searches that found nothing
    clicks: int
    last: str  # the day of the last search

    @property
    def unclicked(self) -> int:
        """Searches that found something nobody opened."""
        return max(0, self.searches - self.empty - self.clicks)


class SearchLog:
    def __init__(self, folder: str | Path | None = None):
        self.path = data_dir(folder) / FILE

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=5)
        con.execute(
            "CREATE TABLE IF NOT EXISTS queries (query TEXT PRIMARY KEY, searches INTEGER NOT NULL DEFAULT 0,"
            " empty INTEGER NOT NULL DEFAULT 0, clicks INTEGER NOT NULL DEFAULT 0, last TEXT NOT NULL DEFAULT '')"
        )
        return con

    def _bump(self, q: str, searches: int, empty: int, clicks: int) -> bool:
        text = clean(q)
        if not text:
            return False
        day = time.strftime("%Y-%m-%d", time.gmtime())
        with _lock, self._connect() as con:
            con.execute(
                "INSERT INTO queries (query, searches, empty, clicks, last) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(query) DO UPDATE SET searches = searches + excluded.searches,"
                " empty = empty + excluded.empty, clicks = clicks + excluded.clicks,"
                " last = CASE WHEN excluded.searches > 0 THEN excluded.last ELSE last END",
                (text, searches, empty, clicks, day),
            )
        return True

    def searched(self, q: str, found: int) -> bool:
        """One search for ``q`` that found ``found`` pages."""
        return self._bump(q, 1, 0 if found else 1, 0)

    def clicked(self, q: str) -> bool:
        """A result of a search for ``q`` was opened."""
        return self._bump(q, 0, 0, 1)

    def rows(self, limit: int = 200) -> list[Row]:
        """Queries that found nothing, then those found but never opened, most often first."""
        if not self.path.exists():
            return []
        with self._connect() as con:
            got = con.execute("SELECT query, searches, empty, clicks, last FROM queries").fetchall()
        rows = [Row(*r) for r in got]
        rows = [r for r in rows if r.empty or r.unclicked]
        rows.sort(key=lambda r: (-r.empty, -r.unclicked, r.query))
        return rows[:limit]
