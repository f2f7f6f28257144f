"""German nouns with their gender, number and case forms, from the ``german-nouns`` package (Wiktionary).

The package ships a 20 MB CSV that takes seconds to read; this module reads it once into a compact
index (form -> reading mask, see ``mtqa.language.morphology``) and keeps that index as a pickle in the
user cache folder, keyed by the package version and the index format. Two processes building at once
each write a temporary file and rename it, so neither reads half a file; when the cache folder is not
writable the index is built in memory for this process only.

A compound that Wiktionary does not list takes the readings of its head: the longest known noun it
ends with ("Waffenstillstandsabkommens" -> "Abkommens"), or the part after its last hyphen.
"""

from __future__ import annotations

import csv
import functools
import os
import pickle
import tempfile
from importlib import metadata
from pathlib import Path

from mtqa.language import cache_dir
from mtqa.language.morphology import DECLENSIONS, GENDERS, bit, declension_mask

PACKAGE = "german-nouns"
INDEX_FORMAT = 2
"""Bump when the index layout or its derivation changes: old cache files are then ignored."""
MIN_HEAD = 4
"""Shortest head noun a compound may end with ("Amt" and "Ich" are too short to trust)."""
MIN_MODIFIER = 3
"""Shortest first part before a compound's head, so a short word is not read as a compound."""

_NUMBERS = {"singular": "", "plural": "p"}


@functools.lru_cache(maxsize=1)
def resource_version() -> str | None:
    """The installed ``german-nouns`` version, or None when it is not installed."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return None


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
    return cache_dir() / f"german-nouns-{version}-index{INDEX_FORMAT}.pickle"


def _read_cached(path: Path) -> dict[str, int] | None:
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_cached(path: Path, index: dict[str, int]) -> None:
    """Write to a temporary name in the same folder, then rename: a reader never sees half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "wb") as handle:
            pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(name, path)
    except OSError:
        Path(name).unlink(missing_ok=True)


@functools.lru_cache(maxsize=1)
def index() -> dict[str, int]:
    """The form index, from the cache when it is there, else built (and cached when possible)."""
    version = resource_version()
    if version is None:
        return {}
    path = _cache_file(version)
    cached = _read_cached(path)
    if cached is not None:
        return cached
    built = build_index(_csv_path())
    _write_cached(path, built)
    return built


def is_available() -> bool:
    return resource_version() is not None


_LINKS = ("", "s", "es", "n", "en", "e", "er", "ns")
"""Linking elements between a compound's parts ("Verteidigung-s-minister", "Frieden-s-", "Kind-er-")."""


def _known_modifier(part: str, depth: int = 1) -> bool:
    """Whether ``part`` is a noun (maybe with a linking element) or, once, itself such a compound."""
    forms = index()
    word = part[0].upper() + part[1:]
    for link in _LINKS:
        if word.endswith(link) and forms.get(word[: len(word) - len(link)]):
            return True
    if forms.get(word + "e"):
        return True
    return depth > 0 and _head(part, depth - 1) is not None


def _head(word: str, depth: int = 1) -> str | None:
    """The longest known noun ``word`` ends with, after a first part that is a noun too, or None.

    Both parts must be known so that a foreign name is not read as a compound ("Baerbock" is no
    kind of "Bock"); a word spelt with a hyphen takes the part after its last hyphen.
    """
    forms = index()
    if "-" in word:
        last = word.rsplit("-", 1)[1]
        return last if last[:1].isupper() and forms.get(last) else None
    if not word.isalpha() or any(c.isupper() for c in word[1:]):
        return None
    for start in range(MIN_MODIFIER, len(word) - MIN_HEAD + 1):
        head = word[start].upper() + word[start + 1 :]
        if forms.get(head):
            # Only the longest known head counts: "Sozialbereich" is no kind of "Reich".
            return head if _known_modifier(word[:start], depth) else None
    return None


@functools.lru_cache(maxsize=65536)
def readings(word: str) -> int | None:
    """Readings of a capitalised noun form (its own, else its compound head's), or None if unknown."""
    forms = index()
    found = forms.get(word)
    if found is not None:
        return found or None
    head = _head(word)
    return forms.get(head) if head is not None else None


def from_compound(word: str) -> bool:
    """Whether ``word``'s readings come from its head rather than its own entry."""
    return not index().get(word) and readings(word) is not None
