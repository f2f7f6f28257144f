"""Cyrillic names of a source text: their nominative forms, and how a German word spells them.

A Russian or Ukrainian source inflects its names ("Пескова", "Зеленського"); the German says "Peskow"
or, from a careless translation, "Peskov". ``nominatives`` turns the inflected source word back into its
dictionary forms with pymorphy3 (OpenCorpora for Russian, VESUM for Ukrainian, both shipped in their
wheels). ``spell`` then decides whether a German word is a spelling of one of those forms at all, and
which of its letters follow English-style romanisation instead of German transcription, from the rows
of ``references/cyrillic_transcription.tsv``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from mtqa.errors import ReferenceDataError
from mtqa.language import installed_version
from mtqa.references import load_table

LANGUAGES = ("ru", "uk", "be")
MORPHOLOGY = {"ru": "ru", "uk": "uk"}
"""pymorphy3 dictionaries by source language; Belarusian has none and is read as written."""
MAX_NAME = 30
"""Longer words are no names; the spelling comparison is quadratic in the word, so this bounds it."""
NAME_TAGS = frozenset({"Name", "Surn", "Patr", "Geox"})
"""pymorphy3 grammemes of personal and place names."""

VOWELS = frozenset("аеёиоуыэюяієї")
_SOFTENING = VOWELS | frozenset("ьъ'")
_SIBILANTS = frozenset("жчшщ")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})
_POSITIONS = (
    "any",
    "start",
    "end",
    "after-vowel",
    "start-or-after-vowel",
    "between-vowels",
    "after-sibilant",
)
_GERMAN, _WEAK, _STRONG = 0, 1, 2
"""How a letter was spelled: the German way (or a way both systems share), English-weak, English-strong."""


@dataclass(frozen=True)
class _Row:
    cyrillic: str
    position: str
    spellings: tuple[tuple[str, int], ...]
    """(Latin spelling, how it counts): German spellings first, the usual one at the head."""

    def fits(self, word: str, start: int) -> bool:
        end = start + len(self.cyrillic)
        before = word[start - 1] if start else ""  # "" is in no letter set
        after = word[end] if end < len(word) else ""
        if self.position == "start":
            return start == 0
        if self.position == "end":
            return end == len(word)
        if self.position == "after-vowel":
            return before in _SOFTENING
        if self.position == "start-or-after-vowel":
            return start == 0 or before in _SOFTENING
        if self.position == "between-vowels":
            return before in VOWELS and after in VOWELS
        if self.position == "after-sibilant":
            return before in _SIBILANTS
        return True


@dataclass(frozen=True)
class Spelling:
    """How a German word spells a Cyrillic name: what its English-style letters say, and the German form."""

    weak: int
    """Letters spelled the English way that non-Slavic names also have (v, sh, ch, ts)."""
    strong: int
    """Letters spelled the English way that say "English romanisation" on their own (zh, kh, ya)."""
    german: str
    """The word with every English-style letter replaced by its German transcription."""

    @property
    def english(self) -> bool:
        return bool(self.weak or self.strong)


@functools.lru_cache(maxsize=1)
def _rows() -> dict[str, dict[str, tuple[_Row, ...]]]:
    """Rows by language, then by first Cyrillic letter, in file order."""
    table = load_table("cyrillic_transcription")
    found: dict[str, dict[str, list[_Row]]] = {lang: {} for lang in LANGUAGES}
    for record, origin in zip(table.records(), table.origins, strict=True):
        letters = record["cyrillic"].translate(_APOSTROPHES)
        if not letters or len(letters) > 2 or letters != letters.lower():
            raise ReferenceDataError(f"{origin}: cyrillic must be one or two lowercase letters")
        if record["position"] not in _POSITIONS:
            raise ReferenceDataError(
                f"{origin}: unknown position {record['position']!r} (choose from {', '.join(_POSITIONS)})"
            )
        german = _spellings(record["german"], origin)
        if not german:
            raise ReferenceDataError(f"{origin}: no german spelling (write - for a letter not written)")
        spellings = tuple(
            [(s, _GERMAN) for s in german]
            + [(s, _STRONG) for s in _spellings(record["english_strong"], origin)]
            + [(s, _WEAK) for s in _spellings(record["english_weak"], origin)]
        )
        row = _Row(letters, record["position"], spellings)
        langs = [lang.strip() for lang in record["lang"].split(",")]
        for lang in langs:
            if lang not in found:
                raise ReferenceDataError(
                    f"{origin}: unknown lang {lang!r} (choose from {', '.join(LANGUAGES)})"
                )
            found[lang].setdefault(letters[0], []).append(row)
    return {lang: {k: tuple(v) for k, v in rows.items()} for lang, rows in found.items()}


def _spellings(cell: str, origin: str) -> list[str]:
    result = []
    for item in cell.split(","):
        item = item.strip()
        if not item:
            continue
        if item == "-":
            result.append("")
        elif item.isalpha() and item.isascii() and item == item.lower():
            result.append(item)
        else:
            raise ReferenceDataError(f"{origin}: spelling {item!r} is not lowercase Latin letters or -")
    return result


def spell(latin: str, cyrillic: str, lang: str) -> Spelling | None:
    """How ``latin`` (a German word, lowercase) spells the Cyrillic name ``cyrillic`` (lowercase).

    None when it spells it in neither system. Of all readings the most German one is taken: fewest
    English-style letters, then fewest strong ones, so a letter both systems write never counts.
    """
    return _spell(latin, cyrillic.translate(_APOSTROPHES), (lang,))


def spells_in_any_language(latin: str, cyrillic: str) -> bool:
    """Whether ``latin`` is a German transcription of ``cyrillic`` by the rules of any source language.

    A Ukrainian's name in a Russian source ("Шмыгаль") has a Russian-based German reading (Schmygal)
    and the Ukrainian-based one German news uses (Schmyhal); this reading accepts both.
    """
    spelling = _spell(latin, cyrillic.translate(_APOSTROPHES), LANGUAGES)
    return spelling is not None and not spelling.english


@functools.lru_cache(maxsize=65536)
def _spell(latin: str, cyrillic: str, langs: tuple[str, ...]) -> Spelling | None:
    """The DP behind ``spell``; with several languages a letter may take any of their spellings."""
    if not latin or len(cyrillic) > MAX_NAME or len(latin) > 2 * MAX_NAME:
        return None
    tables = [_rows()[lang] for lang in langs if lang in _rows()]
    if not tables:
        return None
    # best[i][j]: the most German reading of cyrillic[:i] as latin[:j], as (english, strong, German text)
    best: list[dict[int, tuple[int, int, str]]] = [{} for _ in range(len(cyrillic) + 1)]
    best[0][0] = (0, 0, "")
    for i in range(len(cyrillic)):
        if not best[i]:
            continue
        for row in _fitting(tables, cyrillic, i):
            usual = row.spellings[0][0]
            after = i + len(row.cyrillic)
            for j, (english, strong, german) in best[i].items():
                for written, kind in row.spellings:
                    if not latin.startswith(written, j):
                        continue
                    score = (
                        english + (kind != _GERMAN),
                        strong + (kind == _STRONG),
                        german + (written if kind == _GERMAN else usual),
                    )
                    key = j + len(written)
                    known = best[after].get(key)
                    if known is None or score[:2] < known[:2]:
                        best[after][key] = score
    reading = best[len(cyrillic)].get(len(latin))
    if reading is None:
        return None
    english, strong, german = reading
    return Spelling(english - strong, strong, german)


def _fitting(tables: list[dict[str, tuple[_Row, ...]]], cyrillic: str, i: int) -> Iterator[_Row]:
    """In each table, the first row that fits each group of letters starting at ``i``."""
    for rows in tables:
        decided: set[str] = set()
        for row in rows.get(cyrillic[i], ()):
            if (
                row.cyrillic in decided
                or not cyrillic.startswith(row.cyrillic, i)
                or not row.fits(cyrillic, i)
            ):
                continue
            decided.add(row.cyrillic)
            yield row


def nominatives(word: str, lang: str) -> tuple[str, ...]:
    """The lowercase nominative forms of a source word, the word itself last ("Пескова" -> песков, пескова).

    A surname keeps its gender (Захаровой -> захарова); an unknown word gets pymorphy3's guesses, and
    the word as written stays a candidate, so a wrong guess costs nothing.
    """
    return _nominatives(word.lower().translate(_APOSTROPHES), lang)


@functools.lru_cache(maxsize=65536)
def _nominatives(lower: str, lang: str) -> tuple[str, ...]:
    forms: list[str] = []
    for parse in _parses(lower, lang):
        singular = parse.inflect({"nomn", "sing"}) or parse.inflect({"nomn"})
        plural = parse.inflect({"nomn", "plur"})  # place names such as Химки, Черкассы
        for form in (singular.word if singular else None, parse.normal_form, plural.word if plural else None):
            if form and form not in forms:
                forms.append(form)
    if lower not in forms:
        forms.append(lower)
    return tuple(forms)


def is_name(word: str, lang: str) -> bool | None:
    """Whether the morphology reads ``word`` as a personal or place name; None where it cannot tell."""
    parses = _parses(word.lower().translate(_APOSTROPHES), lang)
    if not parses:
        return None
    return any(NAME_TAGS & set(_grammemes(p)) for p in parses)


def is_organisation(word: str, lang: str) -> bool:
    """Whether the morphology knows ``word`` as an organisation (brands keep their Latin spelling: Yandex)."""
    return any("Orgn" in _grammemes(p) for p in _parses(word.lower().translate(_APOSTROPHES), lang))


def _grammemes(parse: Any) -> Iterable[str]:
    return parse.tag.grammemes


@functools.lru_cache(maxsize=65536)
def _parses(lower: str, lang: str) -> tuple[Any, ...]:
    analyser = _analyser(lang)
    if analyser is None or len(lower) > MAX_NAME:
        return ()
    return tuple(analyser.parse(lower))


@functools.lru_cache(maxsize=4)
def _analyser(lang: str) -> Any:
    """The pymorphy3 analyser for ``lang`` (about 0.1 s to load), or None without one."""
    dictionary = MORPHOLOGY.get(lang)
    if dictionary is None:
        return None
    try:
        import pymorphy3
    except ImportError:
        return None
    try:
        return pymorphy3.MorphAnalyzer(lang=dictionary)
    except (ValueError, OSError, LookupError):  # the dictionary package is not installed
        return None


def signature() -> str:
    """The morphology that read the source names, for the run's settings signature."""
    parts = [f"pymorphy3 {installed_version('pymorphy3') or 'missing'}"]
    for lang in MORPHOLOGY:
        parts.append(f"{lang} {installed_version(f'pymorphy3-dicts-{lang}') or 'missing'}")
    return ", ".join(parts)


def clear_caches() -> None:
    """Forget the loaded rows (tests that point ``MTQA_REFERENCES`` elsewhere need this)."""
    _rows.cache_clear()
    _spell.cache_clear()
