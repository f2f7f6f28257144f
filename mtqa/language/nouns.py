"""German nouns with their gender, number and case forms, from the ``german-nouns`` package (Wiktionary).

The package ships a 20 MB CSV that takes seconds to read; this module reads it once into a compact
index (form -> reading mask, see ``mtqa.language.morphology``) and keeps that index as an SQLite table
in the user cache folder, keyed by the package version and the index format, read a form at a time.
Two processes building at once each write a temporary file and rename it, so neither reads half a
file; when the cache folder is not writable the index is built in memory for this process only.

A compound that Wiktionary does not list takes the readings of its head: the longest known noun it
ends with ("Waffenstillstandsabkommens" -> "Abkommens"), or the part after its last hyphen.
"""

from __future__ import annotations

import csv
import functools
import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from mtqa.language import cache_dir, installed_version
from mtqa.language.morphology import DECLENSIONS, GENDERS, bit, declension_mask

PACKAGE = "german-nouns"
INDEX_FORMAT = 3
"""Bump when the index layout or its derivation changes: old cache files are then ignored."""
MIN_HEAD = 4
"""Shortest head noun a compound may end with ("Amt" and "Ich" are too short to trust)."""
MIN_MODIFIER = 3
"""Shortest first part before a compound's head, so a short word is not read as a compound."""

_NUMBERS = {"singular": "", "plural": "p"}


@functools.lru_cache(maxsize=1)
def resource_version() -> str | None:
    """The installed ``german-nouns`` version, or None when it is not installed."""
    return installed_version(PACKAGE)


def _csv_path() -> Path:
    from german_nouns.config import CSV_FILE_PATH

    return Path(CSV_FILE_PATH)


def _column_readings(header: list[str]) -> list[tuple[str, str, str, str] | None]:
    """For each CSV column: (case, number, variant, declension) or None for non-form columns."""
    parsed: list[tuple[str, str, str, str] | None] = []
    case_names = {"nominativ": "nom", "genitiv": "gen", "dativ": "dat", "akkusativ": "acc"}
    declension_names = {"stark": "strong", "schwach": "weak", "gemischt": "mixed"}
    for name in header:
        parts = name.replace("*", " *").split()
        if len(parts) < 2 or parts[0] not in case_names or parts[1] not in _NUMBERS:
            parsed.append(None)
            continue
        rest = parts[2] if len(parts) > 2 else ""
        declension = declension_names.get(rest, "")
        variant = "" if declension or rest == "*" else rest
        parsed.append((case_names[parts[0]], parts[1], variant, declension))
    return parsed


def build_index(path: Path) -> dict[str, int]:
    """Read the package's CSV into form -> readings (every row, every listed gender, union)."""
    index: dict[str, int] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        columns = _column_readings(header)
        genus = {name: header.index(name) for name in header if name.startswith("genus")}
        for row in reader:
            if len(row) != len(header):
                continue
            index.setdefault(row[0], 0)
            numbered = {name[-1]: row[i] for name, i in genus.items() if name != "genus" and row[i]}
            plain = row[genus["genus"]]
            all_genders = {g for g in (plain, *numbered.values()) if g in GENDERS[:3]}
            row_forms: list[tuple[str, int]] = []
            for value, column in zip(row, columns, strict=True):
                if column is None or not value:
                    continue
                case, number, variant, declension = column
                if number == "plural":
                    genders = {"p"}
                elif variant and variant in numbered:
                    genders = {numbered[variant]} & set(GENDERS[:3])
                else:
                    genders = all_genders
                mask = 0
                for gender in genders:
                    mask |= bit(gender, case)
                if declension:
                    mask &= declension_mask(declension)
                if mask:
                    row_forms.extend((form.strip(), mask) for form in value.split(",") if form.strip())
            for form, mask in _complete_cases(row_forms):
                index[form] = index.get(form, 0) | mask
    return index


def _complete_cases(row_forms: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A row that lists only the nominative of a gender or the plural (an incomplete Wiktionary
    entry) reads that form in every case, so a missing case is not mistaken for a disagreement."""
    union = 0
    for _, mask in row_forms:
        union |= mask
    complete = []
    for form, mask in row_forms:
        for gender in GENDERS:
            for declension in DECLENSIONS:
                only = declension_mask(declension)
                nominative = bit(gender, "nom") & only
                others = (bit(gender, "gen") | bit(gender, "dat") | bit(gender, "acc")) & only
                if mask & nominative and not union & others:
                    mask |= others
        complete.append((form, mask))
    return complete


def _cache_file(version: str) -> Path:
    return cache_dir() / f"german-nouns-{version}-index{INDEX_FORMAT}.sqlite"


class SqliteForms:
    """The index as an SQLite table read on demand: no load time, little memory, one per process.

    Each process opens its own read-only connection (a connection must not cross a fork into the
    rule engine's worker processes). The file is never changed in place (it is written under a
    temporary name and renamed), so it is opened as immutable: SQLite then skips the file locking
    it would otherwise do around every look-up, which makes a look-up several times faster.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pid = -1
        self._connection: sqlite3.Connection | None = None

    def _cursor(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            self._connection = sqlite3.connect(
                f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False
            )
            self._pid = os.getpid()
        return self._connection

    def get(self, form: str) -> int | None:
        row = self._cursor().execute("SELECT mask FROM forms WHERE form = ?", (form,)).fetchone()
        return None if row is None else int(row[0])


Forms = dict[str, int] | SqliteForms


def _read_cached(path: Path) -> SqliteForms | None:
    """The cached index, or None when it is missing or unreadable (then it is built again)."""
    if not path.is_file():
        return None
    forms = SqliteForms(path)
    try:
        forms.get("")
    except sqlite3.Error:
        return None
    return forms


def _write_cached(path: Path, index: dict[str, int]) -> bool:
    """Write to a temporary name in the same folder, then rename: a reader never sees half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        os.close(descriptor)
    except OSError:
        return False
    try:
        with closing(sqlite3.connect(name)) as connection:
            connection.execute("CREATE TABLE forms (form TEXT PRIMARY KEY, mask INTEGER) WITHOUT ROWID")
            connection.executemany("INSERT INTO forms VALUES (?, ?)", index.items())
            connection.commit()
        os.replace(name, path)
    except (OSError, sqlite3.Error):
        Path(name).unlink(missing_ok=True)
        return False
    return True


@functools.lru_cache(maxsize=1)
def index() -> Forms:
    """The form index: the cached table when it is there, else built, cached, and read from the
    cache; in memory when the cache folder cannot be written."""
    version = resource_version()
    if version is None:
        return {}
    path = _cache_file(version)
    cached = _read_cached(path)
    if cached is not None:
        return cached
    built = build_index(_csv_path())
    if _write_cached(path, built):
        return _read_cached(path) or built
    return built


@functools.lru_cache(maxsize=262144)
def _form(word: str) -> int | None:
    """A form's readings (0 for a lemma listed without any), None when the data does not know it."""
    return index().get(word)


def is_available() -> bool:
    return resource_version() is not None


_LINKS = ("", "s", "es", "n", "en", "e", "er", "ns")
"""Linking elements between a compound's parts ("Verteidigung-s-minister", "Frieden-s-", "Kind-er-")."""


def _known_modifier(part: str, depth: int = 1) -> bool:
    """Whether ``part`` is a noun (maybe with a linking element) or, once, itself such a compound."""
    word = part[0].upper() + part[1:]
    for link in _LINKS:
        if word.endswith(link) and _form(word[: len(word) - len(link)]):
            return True
    if _form(word + "e"):
        return True
    return depth > 0 and _head(part, depth - 1) is not None


def _head(word: str, depth: int = 1) -> str | None:
    """The longest known noun ``word`` ends with, after a first part that is a noun too, or None.

    Both parts must be known so that a foreign name is not read as a compound ("Baerbock" is no
    kind of "Bock"); a word spelt with a hyphen takes the part after its last hyphen.
    """
    if "-" in word:
        last = word.rsplit("-", 1)[1]
        return last if last[:1].isupper() and _form(last) else None
    if not word.isalpha() or any(c.isupper() for c in word[1:]):
        return None
    for start in range(MIN_MODIFIER, len(word) - MIN_HEAD + 1):
        head = word[start].upper() + word[start + 1 :]
        if _form(head):
            # Only the longest known head counts: "Sozialbereich" is no kind of "Reich".
            return head if _known_modifier(word[:start], depth) else None
    return None


@functools.lru_cache(maxsize=65536)
def readings(word: str) -> int | None:
    """Readings of a capitalised noun form (its own, else its compound head's), or None if unknown."""
    found = _form(word)
    if found is not None:
        return found or None
    head = _head(word)
    return _form(head) if head is not None else None


def from_compound(word: str) -> bool:
    """Whether ``word``'s readings come from its head rather than its own entry."""
    return not _form(word) and readings(word) is not None
