"""An on-disk cache of translations and model scores, so a re-run only translates new segments.

Keys hash the translator's signature, the direction, the kind of value and the text, so a different
model, version or precision never returns a stale value. SQLite in WAL mode lets one writer and many
readers share the file; a corrupt or unwritable file is set aside and rebuilt, or replaced by an
in-memory cache, and the problem is recorded as a note instead of stopping the run.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SCHEMA_VERSION = "1"
IN_MEMORY = ":memory:"
_QUERY_CHUNK = 500
"""Keys per ``SELECT ... IN (...)``: well under SQLite's host-parameter limit."""


def default_cache_path() -> Path:
    """``$XDG_CACHE_HOME/mtqa/translations.sqlite``, else ``~/.cache/mtqa/translations.sqlite``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mtqa" / "translations.sqlite"


def cache_key(signature: str, direction: str, kind: str, *texts: str) -> str:
    """A fixed-size key of the parts; hashing their ``repr`` keeps ``("a", "bc")``, ``("ab", "c")`` apart."""
    parts = repr((signature, direction, kind, texts)).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(parts, digest_size=20).hexdigest()


@dataclass
class CacheStats:
    """Hits and misses since the cache was opened; tests and benchmarks read these."""

    hits: int = 0
    misses: int = 0
    writes: int = 0


class TranslationCache:
    """Translations (text values) and scores (float values) keyed by ``cache_key``."""

    def __init__(self, path: Path | str | None = None) -> None:
        if not path:
            path = default_cache_path()
        self.path = IN_MEMORY if str(path) == IN_MEMORY else str(Path(path).expanduser())
        self.notes: list[str] = []
        self.stats = CacheStats()
        self._lock = threading.Lock()
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        if self.path == IN_MEMORY:
            return self._connect(IN_MEMORY)
        path = Path(self.path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            return self._connect(self.path)
        except sqlite3.DatabaseError as exc:
            return self._rebuild(path, exc)
        except OSError as exc:
            self.notes.append(f"translation cache {self.path} cannot be used ({exc}); caching in memory only")
            return self._connect(IN_MEMORY)

    def _rebuild(self, path: Path, error: Exception) -> sqlite3.Connection:
        """Move a corrupt file aside (never delete what might be someone's data) and start afresh."""
        aside = path.with_name(path.name + ".corrupt")
        try:
            for suffix in ("-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            os.replace(path, aside)
            connection = self._connect(self.path)
        except (OSError, sqlite3.DatabaseError) as exc:
            self.notes.append(
                f"translation cache {self.path} is unreadable ({error}) and could not be rebuilt ({exc}); "
                "caching in memory only"
            )
            return self._connect(IN_MEMORY)
        self.notes.append(
            f"translation cache {self.path} was unreadable ({error}); rebuilt it, the old file is {aside}"
        )
        return connection

    @staticmethod
    def _connect(target: str) -> sqlite3.Connection:
        connection = sqlite3.connect(target, timeout=30.0, check_same_thread=False, isolation_level=None)
        try:
            if target != IN_MEMORY:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=NORMAL")
            for table, kind in (("meta", "TEXT"), ("texts", "TEXT"), ("scores", "REAL")):
                connection.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value {kind})")
            row = connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                connection.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            elif row[0] != SCHEMA_VERSION:
                connection.execute("DELETE FROM texts")
                connection.execute("DELETE FROM scores")
                connection.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (SCHEMA_VERSION,))
            connection.execute("SELECT count(*) FROM texts WHERE key = ''").fetchone()
        except sqlite3.DatabaseError:
            connection.close()
            raise
        return connection

    def _fall_back(self, action: str, error: sqlite3.Error) -> None:
        """A cache that fails mid-run is swapped for an empty in-memory one: slower, never wrong."""
        self.notes.append(
            f"translation cache {self.path} failed while {action} ({error}); caching in memory only"
        )
        try:
            self._db.close()
        except sqlite3.Error as exc:
            self.notes.append(f"closing the failed cache also failed ({exc})")
        self.path = IN_MEMORY
        self._db = self._connect(IN_MEMORY)

    def _get(self, table: str, keys: Sequence[str]) -> dict[str, object]:
        found: dict[str, object] = {}
        unique = list(dict.fromkeys(keys))
        with self._lock:
            try:
                for start in range(0, len(unique), _QUERY_CHUNK):
                    chunk = unique[start : start + _QUERY_CHUNK]
                    marks = ",".join("?" * len(chunk))
                    rows = self._db.execute(f"SELECT key, value FROM {table} WHERE key IN ({marks})", chunk)
                    found.update(rows.fetchall())
            except sqlite3.Error as exc:
                self._fall_back("reading", exc)
                found = {}
        self.stats.hits += len(found)
        self.stats.misses += len(unique) - len(found)
        return found

    def _put(self, table: str, items: Iterable[tuple[str, object]]) -> None:
        rows = list(items)
        if not rows:
            return
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(f"INSERT OR REPLACE INTO {table} (key, value) VALUES (?, ?)", rows)
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._fall_back("writing", exc)
                self._db.executemany(f"INSERT OR REPLACE INTO {table} (key, value) VALUES (?, ?)", rows)
        self.stats.writes += len(rows)

    def get_texts(self, keys: Sequence[str]) -> dict[str, str]:
        return {key: str(value) for key, value in self._get("texts", keys).items()}

    def put_texts(self, values: Mapping[str, str]) -> None:
        self._put("texts", values.items())

    def get_scores(self, keys: Sequence[str]) -> dict[str, float]:
        return {key: float(value) for key, value in self._get("scores", keys).items()}  # type: ignore[arg-type]

    def put_scores(self, values: Mapping[str, float]) -> None:
        self._put("scores", values.items())

    def close(self) -> None:
        with self._lock:
            try:
                self._db.close()
            except sqlite3.Error as exc:
                self.notes.append(f"closing the translation cache failed ({exc})")
