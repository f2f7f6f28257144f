"""Names: listed people and places, sound-alikes of listed names, English-style transliteration.

German news spells Cyrillic names by German sound rules (Peskow, Selenskyj) and uses German place
names (Kiew, Charkiw); machine translation passes on the English romanisation (Peskov, Kharkiv) or
re-transliterates Western names from their Cyrillic spelling (Байден -> "Baiden"). The three rules share
one pass over an article's capitalised words, so each word is reported once, by the most certain rule:
the reference list (NAM001), a sound-alike of a listed name (NAM002), then the letter-pattern detector
whose suggestion is built from ``references/transliteration.tsv`` (NAM003).
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from mtqa.errors import ReferenceDataError
from mtqa.language.lexicon import german_lexicon
from mtqa.model import Severity
from mtqa.references import Table, load_table
from mtqa.rules.registry import Hit, RuleContext, bad, good, rule

NAME_KINDS = frozenset(
    {"person-surname", "person-given", "person", "city", "region", "country", "place", "organisation"}
)
CYRILLIC_ORIGINS = frozenset({"ru", "uk", "be", "bg", "kk", "ky", "tg", "tk", "uz", "az", "hy", "ka"})
"""Origins whose names reach German through Cyrillic (or Russian usage) and so follow its transcription."""

_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ][^\W\d_]*")
"""A capitalised word; ``_occurrences`` checks that it stands alone."""
_NOT_ROMANISED = re.compile(r"[^a-z]|c(?!h)|ph|th|qu|[wxq]")
"""Letters English-style romanisation of Cyrillic never writes (it is plain ASCII): such a lowercased word
is German, Polish, English or already transcribed."""
_GERMAN_LETTERS = re.compile(r"[äöüßÄÖÜ]")
_VOWEL = "[aeiou]"
_CONSONANT = "[b-df-hj-np-tv-xz]"
_BEFORE = {
    "any": "",
    "start": r"\A",
    "vowel": f"(?<={_VOWEL})",
    "consonant": f"(?<={_CONSONANT})",
    "start-or-vowel": rf"(?:\A|(?<={_VOWEL}))",
    "start-or-consonant": rf"(?:\A|(?<={_CONSONANT}))",
}
_AFTER = {"any": "", "end": r"\Z", "not-end": r"(?!\Z)", "vowel": f"(?={_VOWEL})"}
_EVIDENCE = ("strong", "weak", "none")
_STRENGTHS = ("strong", "weak", "german", "never")


# --- reference data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameEntry:
    """One row of ``names.tsv``; ``origin`` is the file and line it came from, for error messages."""

    german: str
    variants: tuple[str, ...]
    kind: str
    language: str
    origin: str

    @property
    def via_cyrillic(self) -> bool:
        return self.language in CYRILLIC_ORIGINS


def name_entries(table: Table) -> list[NameEntry]:
    """Validated rows of a names table; a malformed row raises ``ReferenceDataError`` with file:line."""
    expected = ("german", "variants", "kind", "origin", "note")
    if table.columns != expected:
        raise ReferenceDataError(f"names.tsv: columns {list(table.columns)}, expected {list(expected)}")
    entries = []
    for record, origin in zip(table.records(), table.origins, strict=True):
        german, kind = record["german"], record["kind"]
        if not german:
            raise ReferenceDataError(f"{origin}: empty german spelling")
        if kind not in NAME_KINDS:
            raise ReferenceDataError(
                f"{origin}: unknown kind {kind!r} (choose from {', '.join(sorted(NAME_KINDS))})"
            )
        if kind == "person" and " " not in german:
            raise ReferenceDataError(f"{origin}: kind person needs a full name (given name and surname)")
        if kind in ("person-surname", "person-given") and " " in german:
            raise ReferenceDataError(f"{origin}: kind {kind} is one word; use kind person for a full name")
        variants = tuple(v.strip() for v in record["variants"].split(",") if v.strip())
        for variant in variants:
            if variant == german:
                raise ReferenceDataError(f"{origin}: variant {variant!r} equals the german spelling")
            if not _WORD.match(variant):
                raise ReferenceDataError(
                    f"{origin}: variant {variant!r} does not start with a capital letter"
                )
        entries.append(NameEntry(german, variants, kind, record["origin"], origin))
    return entries


@dataclass(frozen=True)
class _Rule:
    english: str
    german: str
    before: str
    after: str
    applies: str
    evidence: str


class _Transliterator:
    """English-style romanisation to German transcription, one compiled alternation per name kind."""

    def __init__(self, rules: list[_Rule]) -> None:
        self._patterns = {mode: self._compile(rules, mode) for mode in ("surname", "given")}

    @staticmethod
    def _compile(rules: list[_Rule], mode: str) -> tuple[re.Pattern[str], dict[str, _Rule]]:
        chosen = [(index, r) for index, r in enumerate(rules) if r.applies in ("all", mode)]
        chosen.sort(key=lambda item: (-len(item[1].english), item[0]))
        groups = {f"r{index}": r for index, r in chosen}
        alternation = "|".join(
            f"(?P<r{index}>{_BEFORE[r.before]}{re.escape(r.english)}{_AFTER[r.after]})" for index, r in chosen
        )
        return re.compile(alternation), groups

    def convert(self, lower: str, mode: str) -> tuple[str, int]:
        """The German spelling of ``lower`` and where its first strong evidence starts (len if none)."""
        pattern, groups = self._patterns[mode]
        first_strong = len(lower)
        parts: list[str] = []
        position = 0
        for match in pattern.finditer(lower):
            found = groups[match.lastgroup or ""]
            if found.evidence == "strong" and match.start() < first_strong:
                first_strong = match.start()
            parts.append(lower[position : match.start()])
            parts.append(found.german)
            position = match.end()
        parts.append(lower[position:])
        return "".join(parts), first_strong


@functools.lru_cache(maxsize=1)
def _transliterator() -> _Transliterator:
    table = load_table("transliteration")
    rules = []
    for record, origin in zip(table.records(), table.origins, strict=True):
        found = _Rule(
            record["english"],
            record["german"],
            record["before"],
            record["after"],
            record["applies"],
            record["evidence"],
        )
        if not found.english.isalpha() or found.english != found.english.lower():
            raise ReferenceDataError(f"{origin}: english pattern must be lowercase letters")
        if found.before not in _BEFORE:
            raise ReferenceDataError(
                f"{origin}: unknown before {found.before!r} (choose from {', '.join(_BEFORE)})"
            )
        if found.after not in _AFTER:
            raise ReferenceDataError(
                f"{origin}: unknown after {found.after!r} (choose from {', '.join(_AFTER)})"
            )
        if found.applies not in ("all", "given", "surname"):
            raise ReferenceDataError(f"{origin}: unknown applies {found.applies!r} (all, given, surname)")
        if found.evidence not in _EVIDENCE:
            raise ReferenceDataError(
                f"{origin}: unknown evidence {found.evidence!r} ({', '.join(_EVIDENCE)})"
            )
        rules.append(found)
    return _Transliterator(rules)


@dataclass(frozen=True)
class _Ending:
    ending: str
    strength: str
    min_length: int


@functools.lru_cache(maxsize=1)
def _endings() -> tuple[_Ending, ...]:
    table = load_table("slavic_endings")
    endings = []
    for record, origin in zip(table.records(), table.origins, strict=True):
        if record["strength"] not in _STRENGTHS:
            raise ReferenceDataError(
                f"{origin}: unknown strength {record['strength']!r} ({', '.join(_STRENGTHS)})"
            )
        try:
            min_length = int(record["min_length"])
        except ValueError:
            raise ReferenceDataError(
                f"{origin}: min_length {record['min_length']!r} is not a number"
            ) from None
        endings.append(_Ending(record["ending"], record["strength"], min_length))
    return tuple(sorted(endings, key=lambda e: -len(e.ending)))


# --- transliterated acronyms (data) --------------------------------------------------------------

_ACRONYM = re.compile(r"[A-Z][A-Za-z]*[A-Z](?: RF)?")
"""How a listed acronym looks: capitals (lower-case letters inside: MTschS), maybe "RF" after it."""


@dataclass(frozen=True)
class AcronymEntry:
    acronym: str
    source: str
    german: str


@functools.lru_cache(maxsize=1)
def acronyms() -> dict[str, AcronymEntry]:
    """``references/acronyms.tsv`` by acronym; a malformed row raises ``ReferenceDataError``."""
    table = load_table("acronyms")
    found: dict[str, AcronymEntry] = {}
    for record, origin in zip(table.records(), table.origins, strict=True):
        acronym = record["acronym"].replace("\u00a0", " ")
        if not _ACRONYM.fullmatch(acronym):
            raise ReferenceDataError(f"{origin}: {acronym!r} is not an acronym of capital letters")
        if not record["german"]:
            raise ReferenceDataError(f"{origin}: empty german rendering")
        if acronym in found:
            raise ReferenceDataError(f"{origin}: {acronym!r} listed twice")
        found[acronym] = AcronymEntry(acronym, record["source"], record["german"])
    return found


_CAPITALS_WINDOW = 80
"""How far the capitals check looks on each side of an acronym, so it stays linear on any input."""


def _in_capitals_line(text: str, start: int, end: int) -> bool:
    """Whether the line around the span has no lower-case letter nearby (a headline in capitals)."""
    line_start = text.rfind("\n", max(0, start - _CAPITALS_WINDOW), start) + 1
    line_end = text.find("\n", end, end + _CAPITALS_WINDOW)
    before = text[max(line_start, start - _CAPITALS_WINDOW) : start]
    after = text[end : end + _CAPITALS_WINDOW if line_end < 0 else line_end]
    return not any(c.islower() for c in before + after)


# --- the lexicon: every list merged, with per-word caches ---------------------------------------------


class _Status(enum.Enum):
    ACCEPTED = "accepted"
    VARIANT = "variant"
    UNKNOWN = "unknown"
    IGNORED = "ignored"


@dataclass(frozen=True, slots=True)
class _Word:
    """What the lexicon knows about one word: ``german`` is the listed or rule-built suggestion."""

    status: _Status
    german: str | None = None
    slavic: bool = False
    """A Slavic surname or place (listed, or by its ending): the word before it may be a given name."""
    needs_context: bool = False
    """The rule-built suggestion counts only after a title or a listed given name."""
    given: str | None = None
    """The listed German given name this word is, or is a variant of."""
    title: bool = False
    phrase: bool = False
    """A listed multi-word name (accepted or variant) starts with this word."""
    misspelt: str | None = None
    """The listed name this unknown, non-German word is spelled like (NAM004)."""
    place: str | None = None
    """The Ukrainian-based German form of this Russian-based place name (NAM006)."""
    acronym: bool = False
    """A listed transliterated acronym starts with this word (NAM007)."""

    @property
    def interesting(self) -> bool:
        """Whether the word can take part in a finding; most capitalised German nouns cannot."""
        return (
            self.status is _Status.VARIANT
            or self.german is not None
            or self.slavic
            or self.given is not None
            or self.title
            or self.phrase
            or self.misspelt is not None
            or self.place is not None
            or self.acronym
        )


_PLAIN = {info: info for info in (_Word(_Status.ACCEPTED), _Word(_Status.UNKNOWN), _Word(_Status.IGNORED))}
"""Shared instances for the common plain words, so a long feed's cache stays small."""
_WORD_CACHE_LIMIT = 200_000
"""Distinct words remembered before the cache starts afresh (a feed of millions of articles)."""


@dataclass(frozen=True)
class _Phrase:
    rest: str
    """What follows the first word, e.g. ``" Novgorod"`` or ``"-on-Don"``."""
    german: str | None
    """The German spelling for a listed variant; ``None`` for an accepted phrase."""
    code: str = "NAM001"
    """The rule that reports the variant: NAM001, or NAM006 for a Russian-based Ukrainian place."""


class Lexicon:
    """Every name list merged once: accepted spellings, variants, phrases, given names, sounds."""

    def __init__(
        self,
        entries: list[NameEntry],
        allowed: Iterable[str],
        lookalikes: Iterable[str],
        titles: Iterable[str],
        places: Iterable[tuple[str, str]] = (),
        given_forms: Iterable[tuple[str, ...]] = (),
    ) -> None:
        german_forms = {e.german for e in entries}
        variants: dict[str, NameEntry] = {}
        phrases: dict[str, dict[str, tuple[str | None, str]]] = {}
        for entry in entries:
            for variant in entry.variants:
                first, rest = _split_first(variant)
                if rest:
                    phrases.setdefault(first, {})[rest] = (entry.german, "NAM001")
                else:
                    variants[variant] = entry
        self.places: dict[str, str] = {}
        """Russian-based German names of Ukrainian places (one word) -> the Ukrainian-based form."""
        for russian, ukrainian in places:
            first, rest = _split_first(russian)
            if rest:
                phrases.setdefault(first, {})[rest] = (ukrainian, "NAM006")
            else:
                self.places[russian] = ukrainian
        self.accepted: dict[str, bool] = {}
        """Accepted single words; True for surnames that reach German through Cyrillic."""
        for entry in entries:
            first, rest = _split_first(entry.german)
            if rest:
                phrases.setdefault(first, {})[rest] = (None, "")
                for word in _WORD.findall(entry.german):
                    if word not in variants:
                        self.accepted.setdefault(word, False)
            else:
                self.accepted[entry.german] = self.accepted.get(entry.german, False) or (
                    entry.via_cyrillic and entry.kind == "person-surname"
                )
        for phrase in allowed:
            first, rest = _split_first(phrase)
            if rest:
                phrases.setdefault(first, {})[rest] = (None, "")
            elif phrase:
                self.accepted.setdefault(phrase, False)
        for russian in self.places:
            self.accepted.setdefault(russian, False)
        self.variants = {v: e for v, e in variants.items() if v not in german_forms}
        self.phrases = {
            first: tuple(
                _Phrase(rest, german, code)
                for rest, (german, code) in sorted(rests.items(), key=lambda i: -len(i[0]))
            )
            for first, rests in phrases.items()
        }
        self.lookalikes = frozenset(lookalikes)
        self.titles = tuple(t.lower() for t in titles)
        self.given: dict[str, str] = {}
        self.pairs: dict[str, set[str]] = {}
        """Listed full names: given name -> surnames."""
        self.native: set[str] = set()
        """German surnames: German spelling variants of them are other people (Scholz, Schulz)."""
        surnames: set[str] = set()
        self.given_german: dict[str, str] = {}
        """Listed given names and their variants -> the German form (Vladimir -> Wladimir)."""
        for entry in entries:
            if entry.kind == "person-given":
                self.given_german[entry.german] = entry.german
                for variant in entry.variants:
                    self.given_german.setdefault(variant, entry.german)
        for entry in entries:
            if entry.kind == "person-given":
                self.given[entry.german] = entry.german
                for variant in entry.variants:
                    self.given.setdefault(variant, entry.german)
            elif entry.kind in ("person-surname", "person"):
                words = entry.german.split()
                if entry.kind == "person":
                    self.given.setdefault(words[0], words[0])
                    self.pairs.setdefault(words[0], set()).add(words[-1])
                surnames.add(words[-1])
                if entry.language == "de":
                    self.native.add(words[-1])
        self.cyrillic_surnames = frozenset(
            e.german.split()[-1] for e in entries if e.via_cyrillic and e.kind in ("person-surname", "person")
        )
        """Listed surnames that reach German through Cyrillic: no Western name re-transliterated."""
        self.cyrillic_by_initial: dict[str, list[str]] = {}
        """Listed one-word surnames and places that reach German through Cyrillic, by first letter."""
        for entry in entries:
            word = entry.german.split()[-1] if entry.kind == "person" else entry.german
            if entry.via_cyrillic and entry.kind != "person-given" and " " not in word:
                names_here = self.cyrillic_by_initial.setdefault(word[:1], [])
                if word not in names_here:
                    names_here.append(word)
        self.by_sound: dict[str, list[str]] = {}
        for surname in sorted(surnames):
            code = _sound(surname)
            if code:
                self.by_sound.setdefault(code, []).append(surname)
        self.givens_of: dict[str, set[str]] = {}
        """Listed full names: surname -> the given names listed with it."""
        for given, paired in self.pairs.items():
            for surname in paired:
                self.givens_of.setdefault(surname, set()).add(given)
        self.forms_of: dict[str, frozenset[str]] = {}
        """A given name -> every German form of the same name (Wladimir -> Wladimir, Wolodymyr)."""
        for forms in given_forms:
            group = frozenset(forms)
            for form in forms:
                self.forms_of[form] = self.forms_of.get(form, frozenset()) | group
        self.by_spelling: dict[str, list[str]] = {}
        """Spelling key (``_spelling_key``) -> the listed one-word surnames and places with that key."""
        for entry in entries:
            if entry.kind in ("person-given", "person") or " " in entry.german:
                continue
            key = _spelling_key(entry.german)
            if len(key) >= _MIN_SPELLING_KEY and entry.german not in self.by_spelling.get(key, ()):
                self.by_spelling.setdefault(key, []).append(entry.german)
        self.towns: dict[str, str] = {}
        """Listed one-word places by their stem without -i, -y, -yj (``pokrowsk`` -> Pokrowsk)."""
        for entry in entries:
            if entry.kind in ("city", "region", "place") and " " not in entry.german:
                self.towns.setdefault(_town_stem(entry.german.lower()), entry.german)
        self.acronyms = acronyms()
        self.acronym_words = frozenset(a.split(" ")[0] for a in self.acronyms)
        self._words: dict[str, _Word] = {}
        self._given_guesses: dict[str, str | None] = {}
        self._sound_alikes: dict[tuple[str, str | None], str | None] = {}
        self._transliterator = _transliterator()
        self._endings = _endings()
        self._ending_tuple = tuple(e.ending for e in self._endings if e.strength != "never")
        self._never_tuple = tuple(e.ending for e in self._endings if e.strength == "never")

    # Word classification, cached: an article repeats its words, a feed repeats its names.

    def word(self, word: str) -> _Word:
        info = self._words.get(word)
        if info is None:
            if len(self._words) >= _WORD_CACHE_LIMIT:
                self._words.clear()
            base = self._classify(word)
            title = word.lower().endswith(self.titles)
            given = self.given.get(word)
            phrase = word in self.phrases
            misspelt = self._misspelt(word) if base.status is _Status.UNKNOWN else None
            place = next((self.places[s] + x for s, x in genitive_stems(word) if s in self.places), None)
            acronym = word in self.acronym_words
            if title or given is not None or phrase or misspelt is not None or place is not None or acronym:
                info = _Word(
                    base.status,
                    base.german,
                    base.slavic,
                    base.needs_context,
                    given,
                    title,
                    phrase,
                    misspelt,
                    place,
                    acronym,
                )
            else:
                info = _PLAIN.get(base, base)
            self._words[word] = info
        return info

    def _classify(self, word: str) -> _Word:
        for stem, suffix in genitive_stems(word):
            if stem in self.accepted:
                return _Word(_Status.ACCEPTED, slavic=self.accepted[stem])
            entry = self.variants.get(stem)
            if entry is not None:
                slavic = entry.via_cyrillic and entry.kind != "person-given"
                return _Word(_Status.VARIANT, entry.german + suffix, slavic=slavic)
        if word.isupper() or any(stem in self.lookalikes for stem, _ in genitive_stems(word)):
            return _Word(_Status.IGNORED)
        lower = word.lower()
        if _NOT_ROMANISED.search(lower):
            return _Word(_Status.UNKNOWN, slavic=self._ending(lower, "german") is not None)
        for stem, suffix in genitive_stems(lower):
            guess = self._surname_guess(stem)
            if guess is not None:
                german, strong, needs_context = guess
                slavic = strong or (german != stem and not needs_context)
                if german == stem:
                    return _Word(_Status.UNKNOWN, slavic=slavic)
                if german_lexicon().is_established(stem):
                    return _Word(_Status.UNKNOWN)
                german = self.towns.get(_town_stem(german), "").lower() or german
                return _Word(_Status.UNKNOWN, _capitalise(german, word) + suffix, slavic, needs_context)
        return _Word(_Status.UNKNOWN)

    def is_unlisted(self, word: str) -> bool:
        """Whether neither the name lists nor the German word lists know ``word`` (nor its genitive stem)."""
        if self.word(word).status is not _Status.UNKNOWN:
            return False
        lexicon = german_lexicon()
        return not any(
            lexicon.is_known(stem) or lexicon.is_established(stem) for stem, _ in genitive_stems(word)
        )

    def has_strong_ending(self, word: str) -> bool:
        """Whether ``word`` (genitive -s removed) ends like a Slavic name on its own (-ov, -enko, -sky)."""
        return any(self._ending(stem.lower(), "strong") is not None for stem, _ in genitive_stems(word))

    def context_guess(self, word: str) -> str | None:
        """The rule-built German spelling NAM003 keeps back until context shows ``word`` is a name."""
        info = self.word(word)
        return info.german if info.status is _Status.UNKNOWN and info.needs_context else None

    def western_sound_alike(self, word: str) -> str | None:
        """The listed non-Slavic surname ``word`` sounds like ("Baiden" -> Biden), if exactly one."""
        found = self.sound_alike(word, None)
        if found is None or any(stem in self.cyrillic_surnames for stem, _ in genitive_stems(found)):
            return None
        return found

    def listed_near(self, word: str) -> list[str]:
        """Listed Cyrillic-origin names spelled a letter or two away from ``word`` (Schmygal -> Schmyhal).

        Only names with the same first letter, one edit away (two for words of six letters or more).
        """
        bound = 1 if len(word) < 6 else 2
        scored = sorted(
            (distance, name)
            for name in self.cyrillic_by_initial.get(word[:1], ())
            if 0 < (distance := _distance(word, name)) <= bound
        )
        return [name for _, name in scored]

    def surname(self, word: str) -> str | None:
        """The listed German surname ``word`` is (or is a variant of), genitive -s removed."""
        for stem, _ in genitive_stems(word):
            if stem in self.givens_of:
                return stem
            entry = self.variants.get(stem)
            if entry is not None and entry.german in self.givens_of:
                return entry.german
        return None

    def _misspelt(self, word: str) -> str | None:
        """The listed name an unknown word is a misspelling of: same spelling key, and not German.

        German surnames (origin de) have German spelling variants that are other people (Steinmaier),
        so for them the word must be absent from the German word list altogether.
        """
        if len(word) < _MIN_MISSPELT or word.isupper() or not word.isalpha():
            return None
        for stem, suffix in genitive_stems(word):
            candidates = self.by_spelling.get(_spelling_key(stem))
            if not candidates or stem in candidates:
                continue
            best = min(candidates, key=lambda c: (_distance(stem, c), c))
            lexicon = german_lexicon()
            if lexicon.is_known(word) or lexicon.is_known(stem):
                return None
            if best in self.native and (lexicon.is_attested(word) or lexicon.is_attested(stem)):
                return None
            return best + suffix
        return None

    def _ending(self, lower: str, strength: str) -> _Ending | None:
        """The longest ending of that strength ``lower`` has; none where a German ending overrides it."""
        if not lower.endswith(self._ending_tuple) or lower.endswith(self._never_tuple):
            return None
        return next(
            (
                e
                for e in self._endings
                if e.strength == strength and len(lower) >= e.min_length and lower.endswith(e.ending)
            ),
            None,
        )

    def _surname_guess(self, lower: str) -> tuple[str, bool, bool] | None:
        """German spelling by the rules, whether the ending is strong, and whether it needs context."""
        ending = self._ending(lower, "strong") or self._ending(lower, "weak")
        if ending is None:
            return None
        german, first_strong = self._transliterator.convert(lower, "surname")
        strong = ending.strength == "strong"
        return german, strong, not strong and first_strong >= len(lower) - len(ending.ending)

    def given_guess(self, word: str) -> str | None:
        """The German spelling of an unlisted given name, if it shows strong English-style evidence."""
        if word in self._given_guesses:
            return self._given_guesses[word]
        guess = None
        lower = word.lower()
        if self.word(word).status is _Status.UNKNOWN and len(word) > 2 and not _NOT_ROMANISED.search(lower):
            german, first_strong = self._transliterator.convert(lower, "given")
            if first_strong < len(lower) and german != lower and not german_lexicon().is_established(lower):
                guess = _capitalise(german, word)
        if len(self._given_guesses) >= _WORD_CACHE_LIMIT:
            self._given_guesses.clear()
        self._given_guesses[word] = guess
        return guess

    def sound_alike(self, word: str, given: str | None) -> str | None:
        """The listed surname ``word`` sounds like: same Kölner Phonetik code, a small edit distance.

        With ``given`` only the surnames listed with that given name count; otherwise the one nearest
        listed surname of foreign origin, if it is unique.
        """
        key = (word, given)
        if key not in self._sound_alikes:
            if len(self._sound_alikes) >= _WORD_CACHE_LIMIT:
                self._sound_alikes.clear()
            self._sound_alikes[key] = self._sound_alike(word, given)
        return self._sound_alikes[key]

    def _sound_alike(self, word: str, given: str | None) -> str | None:
        if len(word) < 4 or word.isupper() or _GERMAN_LETTERS.search(word):
            return None
        for stem, suffix in genitive_stems(word):
            if german_lexicon().is_established(stem):
                continue
            candidates = self.by_sound.get(_sound(stem), [])
            if given is not None:
                paired = self.pairs.get(given, set())
                candidates = [c for c in candidates if c in paired]
            else:
                candidates = [c for c in candidates if c not in self.native]
            bound = 1 if len(stem) <= 5 else 2
            scored = sorted((_distance(stem, c), c) for c in candidates)
            scored = [(d, c) for d, c in scored if 0 < d <= bound]
            if scored and (len(scored) == 1 or scored[0][0] < scored[1][0]):
                return scored[0][1] + suffix
        return None


_SPELLING_GROUPS = {
    "tsch": "C", "sch": "S", "sh": "S", "zh": "J", "kh": "X", "ch": "X", "ck": "k", "qu": "kw",
    "ph": "f", "wh": "w", "th": "t", "dt": "t", "tz": "Z", "ts": "Z", "z": "Z", "ce": "se", "ci": "si",
    "cy": "si", "c": "k", "x": "ks", "v": "w", "y": "i", "ie": "i", "ey": "ai", "ei": "ai", "ay": "ai",
    "ae": "e", "h": "",
}  # fmt: skip
_UMLAUTS = str.maketrans({"ä": "e", "ö": "o", "ü": "u", "ß": "s"})
_SPELLING = re.compile("|".join(sorted(map(re.escape, _SPELLING_GROUPS), key=len, reverse=True)))
_DOUBLED = re.compile(r"(.)\1+")
_MIN_SPELLING_KEY = 4
_MIN_MISSPELT = 5
"""Shorter words collide with too many others (Fiko, Musc)."""


@functools.lru_cache(maxsize=65536)
def _spelling_key(word: str) -> str:
    """What a name sounds like, spelled one way: "Sholts", "Scholz" -> ``SolZ``; "Makron" -> ``makron``.

    Letter groups that spell one sound in German or English fold together, doubled letters become one
    and a silent h goes (but an initial one stays), so misspellings that keep the sound share a key.
    """
    lower = word.lower().translate(_UMLAUTS)
    if not lower.isascii():
        lower = "".join(c for c in unicodedata.normalize("NFD", lower) if not unicodedata.combining(c))
    head = "h" if lower.startswith("h") else ""
    folded = head + _SPELLING.sub(lambda m: _SPELLING_GROUPS[m.group()], lower[len(head) :])
    return _DOUBLED.sub(r"\1", folded)


def _town_stem(lower: str) -> str:
    """A place name without a final -yj, -ij, -i or -y: Pokrowski, Pokrowsk -> ``pokrowsk``."""
    for ending in ("yj", "ij", "i", "y"):
        if lower.endswith(ending):
            return lower[: -len(ending)]
    return lower


def _split_first(phrase: str) -> tuple[str, str]:
    match = _WORD.match(phrase)
    if match is None:
        return phrase, ""
    return match.group(), phrase[match.end() :]


def genitive_stems(word: str) -> Iterator[tuple[str, str]]:
    """The word itself, then its stem without a genitive -s (``Peskovs`` -> ``Peskov`` + ``s``)."""
    yield word, ""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        yield word[:-1], "s"


def _capitalise(german: str, original: str) -> str:
    return german[:1].upper() + german[1:] if original[:1].isupper() else german


@functools.lru_cache(maxsize=8192)
def _sound(word: str) -> str:
    """Kölner Phonetik code: German sound classes, so "Baiden" and "Biden" share ``126``."""
    import cologne_phonetics

    encoded = cologne_phonetics.encode(word)
    return encoded[0][1] if encoded else ""


def _distance(a: str, b: str) -> int:
    from rapidfuzz.distance import Levenshtein

    return int(Levenshtein.distance(a.lower(), b.lower()))


@functools.lru_cache(maxsize=8)
def lexicon(names: tuple[str, ...] = (), allow: tuple[str, ...] = ()) -> Lexicon:
    """The built-in lists plus the user's name lists (``names``) and allow lists (``allow``), merged once."""
    entries = name_entries(load_table("names", names))
    allowed = load_table("allow", allow).column("phrase")
    lookalikes = load_table("name_lookalikes").column("word")
    titles = load_table("name_titles").column("title")
    return Lexicon(entries, allowed, lookalikes, titles, _place_rows(), _given_form_rows())


def _place_rows() -> list[tuple[str, str]]:
    table = load_table("ukraine_place_names")
    rows = []
    for record, origin in zip(table.records(), table.origins, strict=True):
        russian, german = record["russian_based"], record["german"]
        if not _WORD.match(russian) or not _WORD.match(german):
            raise ReferenceDataError(f"{origin}: place names must start with a capital letter")
        if russian == german:
            raise ReferenceDataError(f"{origin}: {russian!r} is the same in both columns")
        rows.append((russian, german))
    return rows


def _given_form_rows() -> list[tuple[str, ...]]:
    table = load_table("given_name_forms")
    rows = []
    for record, origin in zip(table.records(), table.origins, strict=True):
        forms = tuple(f.strip() for f in record["forms"].split(",") if f.strip())
        if len(forms) < 2 or not all(_WORD.fullmatch(f) for f in forms):
            raise ReferenceDataError(f"{origin}: forms must be two or more capitalised given names")
        rows.append(forms)
    return rows


def clear_caches() -> None:
    """Forget merged lists and analyses (tests that point ``MTQA_REFERENCES`` elsewhere need this)."""
    lexicon.cache_clear()
    _analyse.cache_clear()
    _transliterator.cache_clear()
    acronyms.cache_clear()
    _endings.cache_clear()


# --- one pass over an article ---------------------------------------------------------------------

_NEXT_WORD = re.compile(r"[ \u00a0]([A-ZÀ-ÖØ-Þ][^\W\d_]*)(?![^\W\d_])")
_PREVIOUS_WORD = re.compile(r"(?<![^\W\d_])([A-ZÀ-ÖØ-Þ][^\W\d_]*)[ \u00a0]\Z")
_NAME_GAP = 60
"""How far back the previous word may start: longer words are no given names anyway."""


@functools.lru_cache(maxsize=16)
def _analyse(text: str, names: tuple[str, ...], allow: tuple[str, ...]) -> tuple[tuple[str, Hit], ...]:
    """Every NAM hit of one text, at most one per word; the three rules each take their own code.

    Only the few words that can take part in a finding (variants, names, titles) are located in the
    text; the capitalised nouns that make up most of a German article cost one cached lookup each.
    """
    lex = lexicon(names, allow)
    interesting = [word for word in set(_WORD.findall(text)) if lex.word(word).interesting]
    if not interesting:
        return ()
    hits: dict[int, tuple[str, Hit]] = {}
    sound_alikes: dict[str, str] = {}
    skip_until = -1
    for start, end, word in sorted(_occurrences(text, interesting)):
        if start < skip_until or start in hits:
            continue
        info = lex.word(word)
        if info.acronym:
            acronym = _acronym_at(lex, text, start, end)
            if acronym is not None:
                hits[start] = ("NAM007", acronym)
            continue
        if info.phrase:
            phrase_end, german, code = _phrase_at(lex, text, word, end)
            if phrase_end:
                skip_until = phrase_end
                if german is not None and not (code == "NAM006" and _after_given_name(lex, text, start)):
                    hits[start] = (code, Hit(start, phrase_end, german))
                continue
        right_given = _right_given(lex, text, end, word) if info.given is not None else None
        if right_given is not None:
            hits[start] = ("NAM005", Hit(start, end, right_given))
        elif info.status is _Status.VARIANT and info.german is not None:
            hits[start] = ("NAM001", Hit(start, end, info.german))
        elif info.place is not None:
            if not _after_given_name(lex, text, start):
                hits[start] = ("NAM006", Hit(start, end, info.place))
        elif info.misspelt is not None:
            hits[start] = ("NAM004", Hit(start, end, info.misspelt))
        elif info.status is _Status.UNKNOWN and info.german is not None and not info.needs_context:
            hits[start] = ("NAM003", Hit(start, end, info.german))
        if info.given is not None or info.title:
            _name_after(lex, text, end, info, hits, sound_alikes)
        if info.slavic or (start in hits and hits[start][0] == "NAM003"):
            _given_before(lex, text, start, hits)
    if sound_alikes:
        for start, end, word in _occurrences(text, list(sound_alikes)):
            if start not in hits:
                hits[start] = ("NAM002", Hit(start, end, sound_alikes[word]))
    return tuple(hits[start] for start in sorted(hits))


def reported_starts(text: str, names: tuple[str, ...], allow: tuple[str, ...]) -> frozenset[int]:
    """Where a NAM rule reports a word of ``text``: other families leave those words to NAM."""
    return frozenset(hit.start for _, hit in _analyse(text, names, allow))


def _occurrences(text: str, words: list[str]) -> Iterator[tuple[int, int, str]]:
    """Where each word stands in ``text`` as a whole word."""
    for word in words:
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            if (start == 0 or not text[start - 1].isalnum()) and (
                end == len(text) or not text[end].isalnum()
            ):
                yield start, end, word
            start = text.find(word, end)


def _phrase_at(lex: Lexicon, text: str, word: str, end: int) -> tuple[int, str | None, str]:
    """End of a listed multi-word name starting with ``word`` (0 if none), its German form and code."""
    for phrase in lex.phrases.get(word, ()):
        if not text.startswith(phrase.rest, end):
            continue
        tail = end + len(phrase.rest)
        suffix = ""
        if text.startswith("s", tail) and phrase.german is not None:
            suffix, tail = "s", tail + 1
        if tail < len(text) and text[tail].isalnum():
            continue
        return tail, None if phrase.german is None else phrase.german + suffix, phrase.code
    return 0, None, ""


def _acronym_at(lex: Lexicon, text: str, start: int, end: int) -> Hit | None:
    """A listed acronym at ``start``: the two-word form first ("WS RF"), never inside a compound."""
    if (start > 0 and text[start - 1] == "-") or text.startswith("-", end):
        return None
    word = text[start:end]
    entry = None
    for space in (" ", "\u00a0"):
        if text.startswith(space + "RF", end) and not text[end + 3 : end + 4].isalnum():
            entry = lex.acronyms.get(f"{word} RF")
            if entry is not None and not text.startswith("-", end + 3):
                end += 3
                break
            entry = None
    entry = entry or lex.acronyms.get(word)
    if entry is None or _in_capitals_line(text, start, end):
        return None
    return Hit(start, end, entry.german)


def _after_given_name(lex: Lexicon, text: str, start: int) -> bool:
    """Whether a listed given name stands right before ``start`` (then a place name is a surname)."""
    match = _PREVIOUS_WORD.search(text, max(0, start - _NAME_GAP), start)
    return match is not None and lex.word(match.group(1)).given is not None


def _right_given(lex: Lexicon, text: str, end: int, word: str) -> str | None:
    """The listed given name of the person whose surname follows, where ``given`` is another form of it.

    "Wladimir Selenskyj": names.tsv lists Selenskyj only as "Wolodymyr Selenskyj", and
    given_name_forms.tsv has Wladimir and Wolodymyr as one name, so the answer is Wolodymyr.
    """
    match = _NEXT_WORD.match(text, end)
    if match is None:
        return None
    surname = lex.surname(match.group(1))
    if surname is None:
        return None
    listed = lex.givens_of.get(surname)
    given = lex.given_german.get(word, word)
    if not listed or given in listed:
        return None
    same = sorted(listed & lex.forms_of.get(given, frozenset()))
    return same[0] if len(same) == 1 else None


def _name_after(
    lex: Lexicon,
    text: str,
    end: int,
    info: _Word,
    hits: dict[int, tuple[str, Hit]],
    sound_alikes: dict[str, str],
) -> None:
    """After a given name or a title: a sound-alike of a listed surname, or a weak-ending Slavic name."""
    match = _NEXT_WORD.match(text, end)
    if match is None or match.start(1) in hits:
        return
    word = match.group(1)
    following = lex.word(word)
    if following.status is not _Status.UNKNOWN:
        return
    start, word_end = match.span(1)
    if info.given is not None or not _given_name_position(text, word, word_end):
        sounds_like = lex.sound_alike(word, info.given)
        if sounds_like is not None:
            hits[start] = ("NAM002", Hit(start, word_end, sounds_like))
            sound_alikes[word] = sounds_like
            return
    if following.german is not None and following.needs_context:
        hits[start] = ("NAM003", Hit(start, word_end, following.german))
        _given_before(lex, text, start, hits)


def _given_name_position(text: str, word: str, end: int) -> bool:
    """Whether a word after a title is a given name: another name follows ("Präsident Michael Kretschmer").

    A genitive ("Präsident Bidens Sprecher") is followed by a noun instead, so it does not count.
    """
    return not word.endswith("s") and _NEXT_WORD.match(text, end) is not None


def _given_before(lex: Lexicon, text: str, start: int, hits: dict[int, tuple[str, Hit]]) -> None:
    """Report an English-style given name right before a Slavic surname ("Timofey Lebedew")."""
    match = _PREVIOUS_WORD.search(text, max(0, start - _NAME_GAP), start)
    if match is None or match.start(1) in hits:
        return
    guess = lex.given_guess(match.group(1))
    if guess is not None:
        hits[match.start(1)] = ("NAM003", Hit(match.start(1), match.end(1), guess))


def _hits(context: RuleContext, code: str) -> Iterator[Hit]:
    options = context.options
    for found, hit in _analyse(context.text, options.names, options.allow):
        if found == code:
            yield hit


# --- the rules --------------------------------------------------------------------------------------

_WHY_GERMAN_TRANSCRIPTION = (
    "German news transcribes Russian, Ukrainian and Belarusian names by German sound rules (Peskow, "
    "Selenskyj, Charkiw); an English spelling marks the text as an unedited machine translation and "
    "readers may not recognise the name."
)


@rule(
    "NAM001",
    "listed-name-variant",
    Severity.MAJOR,
    "“{match}” is not the German spelling of this name: German news writes “{suggestion}”",
    _WHY_GERMAN_TRANSCRIPTION + " The name is in the reference list with its German spelling.",
    [
        bad("Kreml-Sprecher Dmitri [[Peskov]] sagte am Freitag, die Arbeit sei im Gange.", fix="Peskow"),
        bad("Nach [[Peskovs]] Aussagen sucht der Kreml weiter nach Möglichkeiten.", fix="Peskows"),
        bad("Kreml-Sprecher [[Dmitry]] Peskow äußerte sich vorsichtig.", fix="Dmitri"),
        bad("Die Angriffe auf [[Kharkiv]] dauerten die ganze Nacht.", fix="Charkiw"),
        bad("Der Flughafen von [[Rostov-on-Don]] bleibt gesperrt.", fix="Rostow am Don"),
        good("Kreml-Sprecher Dmitri Peskow sagte, die Gespräche in Kiew und Kyjiw gingen weiter."),
        good("Außenminister Sergej Lawrow traf Wolodymyr Selenskyj nicht."),
        good("Vladimir Nabokov schrieb seine Romane auf Englisch."),
    ],
    safe=True,
)
def listed_name_variant(context: RuleContext) -> Iterator[Hit]:
    yield from _hits(context, "NAM001")


@rule(
    "NAM002",
    "sound-alike-name",
    Severity.MAJOR,
    "“{match}” sounds like the listed name “{suggestion}” but is spelled differently",
    "Machine translation from Russian or Ukrainian re-transliterates Western names from their Cyrillic "
    "spelling (Байден -> Baiden): the name sounds right and is wrong. A word is compared by sound only "
    "after a title or the listed given name of that person, so ordinary words are left alone.",
    [
        bad("Vertreter der Regierung von Joe [[Baiden]] halten sich zurück.", fix="Biden"),
        bad("Nach Angaben von US-Präsident [[Baidens]] Sprecher ist nichts entschieden.", fix="Bidens"),
        bad("Der frühere US-Präsident [[Tramp]] äußerte sich nicht.", fix="Trump"),
        good("Vertreter der Regierung von Joe Biden halten sich zurück."),
        good("Beiden Seiten liegt viel an einer Einigung; in Baden regnet es."),
    ],
)
def sound_alike_name(context: RuleContext) -> Iterator[Hit]:
    yield from _hits(context, "NAM002")


@rule(
    "NAM003",
    "english-style-transliteration",
    Severity.MINOR,
    "“{match}” looks like an English romanisation of a Cyrillic name; German transcription: “{suggestion}”",
    _WHY_GERMAN_TRANSCRIPTION + " The name is not in the reference list: the suggestion follows the "
    "Duden transcription rules and should be checked against the spelling German agencies use.",
    [
        bad("Der Abgeordnete Sergej [[Lebedev]] stimmte dagegen.", fix="Lebedew"),
        bad("Der Unternehmer [[Timofey]] Lebedew kam nicht.", fix="Timofej"),
        bad("Die Region um [[Novoshakhtinsk]] wurde beschossen.", fix="Nowoschachtinsk"),
        good("Der Abgeordnete Sergej Lebedew stimmte dagegen."),
        good("Der Tsunami traf die Küste; Steven Spielberg drehte einen Film über Budgets und Tickets."),
    ],
)
def english_style_transliteration(context: RuleContext) -> Iterator[Hit]:
    yield from _hits(context, "NAM003")


@rule(
    "NAM004",
    "misspelt-listed-name",
    Severity.MAJOR,
    "“{match}” is not a German word and is spelled like the listed name “{suggestion}”",
    "Machine translation garbles names it does not know, most often by spelling the sound another way "
    "(Мерц -> Merts, Шольц -> Sholts). A capitalised word that the German word list does not know and "
    "that folds to the same spelling key as a listed name (sch/sh, z/ts/tz, c/k, v/w, ae/ä/e, doubled "
    "letters, silent h) is that name misspelt.",
    [
        bad("Die Außenpolitik von [[Berbock]] stößt auf Kritik.", fix="Baerbock"),
        bad("Frankreichs Präsident Emmanuel [[Makron]] reiste nach Kiew.", fix="Macron"),
        bad("Bundeskanzler a. D. Olaf [[Sholts]] äußerte sich.", fix="Scholz"),
        bad("Nach [[Whitkoffs]] Besuch in Moskau blieb alles offen.", fix="Witkoffs"),
        good("Die Außenpolitik von Baerbock stößt auf Kritik; Herr Steinmeyer widersprach."),
        good("Die Rute, der März und die Kohle."),
    ],
)
def misspelt_listed_name(context: RuleContext) -> Iterator[Hit]:
    yield from _hits(context, "NAM004")


@rule(
    "NAM005",
    "wrong-given-name-for-person",
    Severity.MAJOR,
    "“{match}” is the wrong form of this person's given name: German news writes “{suggestion}”",
    "Machine translation from Russian gives Ukrainians the Russian form of their given name "
    '(Владимир for Володимир): "Wladimir Selenskyj" names the right man with a name he does not use. '
    "The person's listed full name decides.",
    [
        bad("Präsident [[Wladimir]] Selenskyj sprach in Kiew.", fix="Wolodymyr"),
        bad("Der Präsident [[Vladimir]] Zelensky sprach.", fix="Wolodymyr"),
        bad("Oberbefehlshaber [[Alexander]] Syrskyj meldete Erfolge.", fix="Olexander"),
        bad("Laut [[Andrej]] Jermaks Büro ist nichts entschieden.", fix="Andrij"),
        good("Wolodymyr Selenskyj und Wladimir Putin; Wladimir Klitschko und Vitali Klitschko."),
        good("Präsident Alexander Lukaschenko empfing Olexander Syrskyj nicht."),
    ],
)
def wrong_given_name_for_person(context: RuleContext) -> Iterator[Hit]:
    yield from _hits(context, "NAM005")


@rule(
    "NAM006",
    "russian-based-ukrainian-place",
    Severity.MINOR,
    "“{match}” is the Russian-based name of this Ukrainian place: German news writes “{suggestion}”",
    "Since 2022 German agencies and broadcasters write Ukrainian places in their Ukrainian-based "
    "transcription (Charkiw, Saporischschja, Mykolajiw); the Russian-based form, usually taken over from "
    "a Russian source, reads as dated or partisan. Kiew and Odessa are still common German and are not "
    "reported.",
    [
        bad("Raketen trafen in der Nacht [[Charkow]].", fix="Charkiw"),
        bad("Das Kraftwerk bei [[Saporoschje]] ist vom Netz.", fix="Saporischschja"),
        bad("Die Region um [[Kriwoi Rog]] wurde beschossen.", fix="Krywyj Rih"),
        bad("Die Bürgermeisterin [[Nikolajews]] widersprach.", fix="Mykolajiws"),
        good("Raketen trafen Charkiw, Kiew und Odessa."),
        good("Der Regisseur Iwan Nikolajew kam aus Moskau."),
    ],
)
def russian_based_ukrainian_place(context: RuleContext) -> Iterator[Hit]:
    yield from _hits(context, "NAM006")


@rule(
    "NAM007",
    "transliterated-acronym",
    Severity.MAJOR,
    "“{match}” is a transliterated Russian or Ukrainian acronym: German news writes “{suggestion}”",
    "Machine translation spells out source-language acronyms letter by letter (ВСУ -> WSU or VSU, СВО -> "
    "SWO, МИД -> MID) or takes an English one (AFU); German readers do not know them. German news writes "
    "the institution out or uses its German acronym (OSZE, GUS, OVKS).",
    [
        bad("Die [[WSU]] haben die Stellungen verlassen.", fix="Streitkräfte der Ukraine"),
        bad("Nach Angaben des [[MID]] wurde der Botschafter einbestellt.", fix="Außenministerium"),
        bad("Einheiten der [[WS RF]] rückten vor.", fix="Streitkräfte Russlands"),
        bad("Beobachter der [[OBSE]] waren vor Ort.", fix="OSZE"),
        good("Die Nato, die EU, die OSZE, der SBU und der FSB äußerten sich."),
        good("WSU-Studenten und die AFU-Zentrale.\nDIE WSU IN DER ÜBERSICHT"),
    ],
)
def transliterated_acronym(context: RuleContext) -> Iterator[Hit]:
    yield from _hits(context, "NAM007")
