"""Article ids that are safe as file names and unique within a run.

Reports are written to files named after article ids, and ids come from untrusted input (feed rows,
file names), so an id must never smuggle in a path (``../../etc/passwd``), a control character or a
name a file system refuses. Changed ids stay readable: unsafe characters become ``_``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from array import array

from mtqa.run_files import RUN_FILE_STEMS

MAX_ID_CHARS = 120
"""Longest id in characters; longer ids are cut and given a short hash of the original."""
MAX_ID_BYTES = 240
"""Longest id in UTF-8 bytes, so that ``<id>.json`` fits every common file system's 255-byte limit."""

_SEPARATORS = re.compile(r"[/\\]")
_UNSAFE_CHARS = re.compile(r'[<>:"|?*]')
"""Characters Windows refuses in file names (separators and control characters are handled apart)."""
_DOT_RUNS = re.compile(r"\.{2,}")
_WINDOWS_DEVICE_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{n}" for n in range(1, 10)] + [f"LPT{n}" for n in range(1, 10)]
)
_HASH_CHARS = 8
FALLBACK_ID = "unnamed"
RESERVED_IDS = RUN_FILE_STEMS
"""Stems of the run's own files in the output folder (``summary.json``, the manifest ``mtqa-run.json``,
the run index, the files of ``mtqa audit``; listed once in ``mtqa.run_files``): an article never gets
one of them as its id, so its report cannot overwrite a run file."""


def safe_id(raw: str) -> str:
    """Make ``raw`` usable as a file name: no separators, no ``..``, no control chars, no leading dot.

    The result is never empty and at most ``MAX_ID_CHARS`` characters (``MAX_ID_BYTES`` bytes); an id
    that had to be shortened ends in ``-`` and a hash of the original, so different long ids stay apart.
    """
    text = unicodedata.normalize("NFC", raw)
    parts = [part for part in _SEPARATORS.split(text) if part.strip(" .")]
    text = "_".join(parts)
    text = "".join("_" if _is_invisible(char) else char for char in text)
    text = _UNSAFE_CHARS.sub("_", text)
    text = _DOT_RUNS.sub(".", text)
    text = text.strip(" .")
    if not text:
        return FALLBACK_ID
    if text.split(".", 1)[0].upper() in _WINDOWS_DEVICE_NAMES:
        text = f"_{text}"
    if _fits(text):
        return text
    digest = hashlib.sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_CHARS]
    return f"{shorten(text, 1 + _HASH_CHARS)}-{digest}"


def shorten(text: str, room: int) -> str:
    """Cut ``text`` so that ``room`` more ASCII characters still fit the id limits."""
    cut = text[: MAX_ID_CHARS - room]
    while len(cut.encode("utf-8", "surrogatepass")) > MAX_ID_BYTES - room:
        cut = cut[:-1]
    return cut.rstrip(" ._-") or "_"


def _fits(text: str) -> bool:
    return len(text) <= MAX_ID_CHARS and len(text.encode("utf-8", "surrogatepass")) <= MAX_ID_BYTES


def _is_invisible(char: str) -> bool:
    """Control, format (bidi overrides, zero-width) and unassigned/surrogate code points hide in names."""
    return unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


class UniqueIds:
    """Hands out each id once per run: a second ``x`` becomes ``x-2``, a third ``x-3``.

    Ids are compared case-insensitively, because reports named ``X.json`` and ``x.json`` overwrite
    each other on macOS and Windows.
    """

    def __init__(self, reserved: tuple[str, ...] = ()) -> None:
        self._taken = Fingerprints()
        for name in reserved:
            self._taken.add(name.casefold())
        self._next_number: dict[str, int] = {}
        """Where numbering resumes for each repeated id, so many repeats cost no more than a few."""

    def claim(self, wanted: str) -> str:
        base_key = wanted.casefold()
        if self._taken.add(base_key):
            return wanted
        number = self._next_number.get(base_key, 2)
        while True:
            suffix = f"-{number}"
            candidate = wanted + suffix if _fits(wanted + suffix) else shorten(wanted, len(suffix)) + suffix
            number += 1
            key = candidate.casefold()
            if self._taken.add(key):
                self._next_number[base_key] = number
                return candidate


class Fingerprints:
    """A set of strings kept as 64-bit fingerprints in one open-addressing table.

    About 16 bytes a string instead of about 100 for a ``set`` of them, so the ids of a feed of a
    million articles cost 16 MB. Two different ids sharing a fingerprint (odds about n²/2⁶⁵) would only
    make the second one ``x-2``.
    """

    _INITIAL_SLOTS = 1024

    def __init__(self) -> None:
        self._slots = array("Q", bytes(8 * self._INITIAL_SLOTS))
        self._count = 0

    def add(self, text: str) -> bool:
        """Add ``text``; ``False`` if it was already there."""
        fingerprint = _fingerprint(text)
        slots = self._slots
        mask = len(slots) - 1
        index = fingerprint & mask
        while slots[index]:
            if slots[index] == fingerprint:
                return False
            index = (index + 1) & mask
        slots[index] = fingerprint
        self._count += 1
        if 2 * self._count > len(slots):
            self._grow()
        return True

    def __len__(self) -> int:
        return self._count

    def _grow(self) -> None:
        old = self._slots
        self._slots = array("Q", bytes(16 * len(old)))
        mask = len(self._slots) - 1
        for fingerprint in old:
            if fingerprint:
                index = fingerprint & mask
                while self._slots[index]:
                    index = (index + 1) & mask
                self._slots[index] = fingerprint


def _fingerprint(text: str) -> int:
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") or 1
