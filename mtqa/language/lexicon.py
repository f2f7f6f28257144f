"""Is this a known German word form? wordfreq's German word list, with compounds split.

A spell checker flags every word it does not know, and German news is full of correct names it does not
know (Selenskyj, Peskow): alone that signal gives dozens of false alarms per 1,000 words. The names rules
use it only together with other evidence (a misspelling spelled like a listed name, an English-style
romanisation), so what they need is a fast, forgiving "is this word established in German text".

The resource is ``wordfreq``'s ``large`` German list (634,502 lowercased forms with their frequency,
shipped inside the PyPI package; data CC BY-SA 4.0, code Apache 2.0). Its forms are folded to lower case,
so "Haus" and "haus" are one entry. Compounds missing from the list ("Sanktionspaket") count as known when
they split into two common words, with or without a linking s, es, n, en or e.

The rules need three frequency bands only, so the index keeps, per band, the sorted 64-bit hashes of its
forms (5 MB in all, against some 60 MB for a dict of the forms). It is built once (about a second) into
the user cache folder, keyed by the wordfreq version, and later runs read it back in milliseconds.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import os
import tempfile
from array import array
from pathlib import Path

from mtqa.language import cache_dir

RESOURCE = "wordfreq"
WORDLIST = "large"
LANGUAGE = "de"
KNOWN_ZIPF = 2.0
"""Zipf frequency (log10 of occurrences per billion words) from which a form counts as known.

Common misspellings reach the list too ("makron" 1.2, "merckel" 1.6); correct rare words clear 2.
"""
ESTABLISHED_ZIPF = 3.0
"""From here a word is established in German text (Kevin 4.4, Harvey 3.5; Sergey 2.7, Mikhail 2.7).

Each part of a split compound must be this common too, so that names do not split into junk.
"""
BANDS = (("attested", 0.0), ("known", KNOWN_ZIPF), ("established", ESTABLISHED_ZIPF))
_MIN_PART = 4
_LINKS = ("", "s", "es", "n", "en", "e")
_KNOWN_CACHE_LIMIT = 100_000
_MAGIC = b"mtqa-lexicon-1\n"


def resource_version() -> str:
    """The version of the word list, for the settings signature and the cache key."""
    from importlib.metadata import version

    return f"{RESOURCE}-{version(RESOURCE)}-{WORDLIST}-{LANGUAGE}"


def form_hash(form: str) -> int:
    """A stable 64-bit hash of a lowercased form (Python's own ``hash`` changes between runs)."""
    return int.from_bytes(hashlib.blake2b(form.encode("utf-8"), digest_size=8).digest(), "little")


Index = dict[str, array]
"""Band name -> sorted hashes (``array('Q')``) of the forms in that band."""


class GermanLexicon:
    """Known German word forms; every lookup is cached, since a feed repeats its words."""

    def __init__(self, index: Index, version: str) -> None:
        self._bands = index
        self.version = version
        self._known: dict[str, bool] = {}

    def __len__(self) -> int:
        return len(self._bands["attested"])

    def _in(self, band: str, lower: str) -> bool:
        hashes = self._bands[band]
        wanted = form_hash(lower)
        at = bisect.bisect_left(hashes, wanted)
        return at < len(hashes) and hashes[at] == wanted

    def is_attested(self, word: str) -> bool:
        """Whether the list has ``word`` at all (any case), however rare."""
        return self._in("attested", word.lower())

    def is_established(self, word: str) -> bool:
        """Whether ``word`` is common in German text (names included), not merely attested."""
        return self._in("established", word.lower())

    def is_known(self, word: str) -> bool:
        """Whether ``word`` is a known German form: listed often enough, or a compound of common words."""
        lower = word.lower()
        known = self._known.get(lower)
        if known is None:
            known = self._in("known", lower) or self._is_compound(lower)
            if len(self._known) >= _KNOWN_CACHE_LIMIT:
                self._known.clear()
            self._known[lower] = known
        return known

    def _is_compound(self, lower: str, depth: int = 0) -> bool:
        """Whether ``lower`` splits into a common modifier (plus linking letters) and a common head."""
        if depth > 2 or len(lower) < 2 * _MIN_PART or not lower.isalpha():
            return False
        for cut in range(len(lower) - _MIN_PART, _MIN_PART - 1, -1):
            if not self._in("established", lower[cut:]):
                continue
            left = lower[:cut]
            for link in _LINKS:
                if link and not left.endswith(link):
                    continue
                modifier = left[: len(left) - len(link)]
                if len(modifier) < _MIN_PART:
                    continue
                if self._in("established", modifier) or self._is_compound(modifier, depth + 1):
                    return True
        return False


def build_index() -> Index:
    """Read wordfreq's list and keep the sorted hashes of each band."""
    import math

    from wordfreq import get_frequency_dict

    frequencies = get_frequency_dict(LANGUAGE, wordlist=WORDLIST)
    hashed = [(form_hash(form), math.log10(f) + 9) for form, f in frequencies.items() if f > 0]
    return {name: array("Q", sorted(h for h, zipf in hashed if zipf >= low)) for name, low in BANDS}


def _read(path: Path) -> Index | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(_MAGIC):
        return None
    header_end = data.find(b"\n", len(_MAGIC))
    try:
        counts = [int(n) for n in data[len(_MAGIC) : header_end].split(b",")]
    except ValueError:
        return None
    if header_end < 0 or len(counts) != len(BANDS) or len(data) != header_end + 1 + 8 * sum(counts):
        return None
    index: Index = {}
    offset = header_end + 1
    for (name, _), count in zip(BANDS, counts, strict=True):
        hashes = array("Q")
        hashes.frombytes(data[offset : offset + 8 * count])
        index[name] = hashes
        offset += 8 * count
    return index


def _write(path: Path, index: Index) -> None:
    header = _MAGIC + ",".join(str(len(index[name])) for name, _ in BANDS).encode() + b"\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as temporary:
        temporary.write(header)
        for name, _ in BANDS:
            temporary.write(index[name].tobytes())
    os.replace(temporary.name, path)


def load_or_build(path: Path) -> Index:
    """The index cached at ``path``, built and written there first if it is missing or damaged."""
    index = _read(path)
    if index is None:
        index = build_index()
        with contextlib.suppress(OSError):  # a read-only cache costs speed only: rebuilt next run
            _write(path, index)
    return index


@functools.lru_cache(maxsize=1)
def german_lexicon() -> GermanLexicon:
    """The German word list, loaded on first use (from the user cache when it was built before)."""
    version = resource_version()
    return GermanLexicon(load_or_build(cache_dir() / f"lexicon-{version}.bin"), version)
