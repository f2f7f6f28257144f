"""Is this a known German word form? wordfreq's German word list, with compounds split.

A spell checker flags every word it does not know, and German news is full of correct names it does not
know (Selenskyj, Peskow): alone that signal gives dozens of false alarms per 1,000 words. The names rules
use it only together with other evidence (a misspelling spelled like a listed name, an English-style
romanisation), so what they need is a fast, forgiving "is this word established in German text".

The resource is ``wordfreq``'s ``large`` German list (634,502 lowercased forms with their frequency,
shipped inside the PyPI package; data CC BY-SA 4.0, code Apache 2.0). Its forms are folded to lower case,
so "Haus" and "haus" are one entry. Compounds missing from the list ("Sanktionspaket") count as known when
they split into two known words, with or without a linking s, es, n or en.

Reading the list costs about 0.4 s; the compact index (form -> Zipf frequency in tenths) is pickled once
into the user cache folder, keyed by the wordfreq version, and later runs load it from there.
"""

from __future__ import annotations

import functools
import math
import os
import pickle
import tempfile
from pathlib import Path

RESOURCE = "wordfreq"
WORDLIST = "large"
LANGUAGE = "de"
KNOWN_ZIPF = 2.0
"""Zipf frequency (log10 of occurrences per billion words) from which a form counts as known.

Common misspellings reach the list too ("makron" 1.2, "merckel" 1.6); correct rare words clear 2.
"""
ESTABLISHED_ZIPF = 3.0
"""From here a word is established in German text (Kevin 4.4, Harvey 3.5; Sergey 2.7, Mikhail 2.7)."""
_PART_ZIPF = 3.0
"""Each part of a split compound must be a common word, so that names do not split into junk."""
_MIN_PART = 4
_LINKS = ("", "s", "es", "n", "en", "e")
_CACHE_ENV = "MTQA_CACHE_DIR"
_KNOWN_CACHE_LIMIT = 100_000


def cache_dir() -> Path:
    """``$MTQA_CACHE_DIR``, else ``$XDG_CACHE_HOME/mtqa``, else ``~/.cache/mtqa``."""
    override = os.environ.get(_CACHE_ENV)
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mtqa"


def resource_version() -> str:
    """The version of the word list, for the settings signature and the cache key."""
    from importlib.metadata import version

    return f"{RESOURCE}-{version(RESOURCE)}-{WORDLIST}-{LANGUAGE}"


class GermanLexicon:
    """Known German word forms; every lookup is cached, since a feed repeats its words."""

    def __init__(self, frequencies: dict[str, int], version: str) -> None:
        self._tenths = frequencies
        """Lowercased form -> Zipf frequency times ten."""
        self.version = version
        self._known: dict[str, bool] = {}

    def __len__(self) -> int:
        return len(self._tenths)

    def zipf(self, word: str) -> float:
        """The Zipf frequency of ``word`` (any case); 0.0 for a form the list does not have."""
        return self._tenths.get(word.lower(), 0) / 10

    def is_known(self, word: str) -> bool:
        """Whether ``word`` is a known German form: listed often enough, or a compound of known words."""
        lower = word.lower()
        known = self._known.get(lower)
        if known is None:
            known = self._tenths.get(lower, 0) >= KNOWN_ZIPF * 10 or self._is_compound(lower)
            if len(self._known) >= _KNOWN_CACHE_LIMIT:
                self._known.clear()
            self._known[lower] = known
        return known

    def is_established(self, word: str) -> bool:
        """Whether ``word`` is common in German text (names included), not merely attested."""
        return self._tenths.get(word.lower(), 0) >= ESTABLISHED_ZIPF * 10

    def _is_compound(self, lower: str, depth: int = 0) -> bool:
        """Whether ``lower`` splits into a known modifier (plus linking letters) and a known head."""
        if depth > 2 or len(lower) < 2 * _MIN_PART or not lower.isalpha():
            return False
        part = _PART_ZIPF * 10
        for cut in range(len(lower) - _MIN_PART, _MIN_PART - 1, -1):
            if self._tenths.get(lower[cut:], 0) < part:
                continue
            left = lower[:cut]
            for link in _LINKS:
                if link and not left.endswith(link):
                    continue
                modifier = left[: len(left) - len(link)]
                if len(modifier) < _MIN_PART:
                    continue
                if self._tenths.get(modifier, 0) >= part or self._is_compound(modifier, depth + 1):
                    return True
        return False


def _build_index() -> dict[str, int]:
    from wordfreq import get_frequency_dict

    frequencies = get_frequency_dict(LANGUAGE, wordlist=WORDLIST)
    return {
        form: max(0, round((math.log10(frequency) + 9) * 10))
        for form, frequency in frequencies.items()
        if frequency > 0
    }


def _load_or_build(path: Path) -> dict[str, int]:
    try:
        with path.open("rb") as cached:
            loaded = pickle.load(cached)
        if isinstance(loaded, dict):
            return loaded
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        pass
    index = _build_index()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as temporary:
            pickle.dump(index, temporary, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary.name, path)
    except OSError:
        pass  # a read-only cache folder costs speed only: the index is rebuilt next time
    return index


@functools.lru_cache(maxsize=1)
def german_lexicon() -> GermanLexicon:
    """The German word list, loaded on first use (from the user cache when it was built before)."""
    version = resource_version()
    path = cache_dir() / f"lexicon-{version}.pickle"
    return GermanLexicon(_load_or_build(path), version)
