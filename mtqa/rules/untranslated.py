"""Untranslated text (UNT): source-language text that machine translation passed through unchanged.

Cyrillic is found by its script alone, first with a byte search that rules most articles out at once.
English is harder, because German news quotes English names and titles; a cheap count of English
function words (references/english_function_words.tsv) picks the rare candidate sentences, and only
those are confirmed by the lingua language detector, which is imported and built on first use.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mtqa.errors import MtqaError
from mtqa.model import Segment, Severity
from mtqa.references import load_table
from mtqa.rules.registry import Hit, RuleContext, bad, good, rule

if TYPE_CHECKING:
    from lingua import LanguageDetector

_CYRILLIC_RUN = re.compile(r"[\u0400-\u04ff]+")
# In UTF-8 the letters U+0400-U+04FF, and only they, start with one of these bytes; searching the encoded
# text for them is several times faster than a regex scan of the str, and most articles have none.
_CYRILLIC_LEAD_BYTES = (b"\xd0", b"\xd1", b"\xd2", b"\xd3")
_COMBINING_MARKS = frozenset("\u0300\u0301\u0306\u0308")
_LETTERS = re.compile(r"[^\W\d_]+")

# A candidate English sentence has at least this many words, this many English function words, and
# this share of function words among its words; lingua must then give English at least this confidence.
_MIN_WORDS = 4
_MIN_FUNCTION_WORDS = 3
_MIN_FUNCTION_WORD_SHARE = 0.2
_MIN_ENGLISH_CONFIDENCE = 0.5


def has_cyrillic(text: str) -> bool:
    """Whether ``text`` has any letter of the Cyrillic block (U+0400-U+04FF)."""
    encoded = text.encode("utf-8", "surrogatepass")
    return any(lead in encoded for lead in _CYRILLIC_LEAD_BYTES)


def _is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u04ff"


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char in _COMBINING_MARKS


def _cyrillic_words(text: str) -> list[tuple[int, int]]:
    """Spans of the words that contain at least one Cyrillic letter, in text order."""
    words: list[tuple[int, int]] = []
    for match in _CYRILLIC_RUN.finditer(text):
        if words and match.start() < words[-1][1]:
            continue
        start, end = match.start(), match.end()
        while start > 0 and _is_word_char(text[start - 1]):
            start -= 1
        while end < len(text) and _is_word_char(text[end]):
            end += 1
        words.append((start, end))
    return words


def _is_mixed(word: str) -> bool:
    return any(c.isalpha() and not _is_cyrillic(c) for c in word)


def _in_parentheses(text: str, start: int, end: int) -> bool:
    """Whether the span is a gloss in parentheses on one line, e.g. "(russisch: зачистка)"."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    opened = text.rfind("(", line_start, start)
    return opened > text.rfind(")", line_start, start) and text.find(")", end, line_end) >= 0


def cyrillic_runs(text: str) -> list[tuple[int, int]]:
    """Runs of purely Cyrillic words separated only by spaces, digits and punctuation on one line."""
    runs: list[tuple[int, int]] = []
    for start, end in _cyrillic_words(text):
        if _is_mixed(text[start:end]):
            continue
        if runs:
            gap = text[runs[-1][1] : start]
            if "\n" not in gap and not any(c.isalpha() for c in gap):
                runs[-1] = (runs[-1][0], end)
                continue
        runs.append((start, end))
    return runs


@rule(
    "UNT001",
    "cyrillic-text",
    Severity.CRITICAL,
    "Cyrillic text left untranslated: '{match}'",
    "A German reader cannot read Cyrillic; text that machine translation passed through unchanged is "
    "missing content, not a style question. Glosses in parentheses are not flagged.",
    [
        bad("Peskow sagte: [[Работа идёт]], und ging."),
        bad("Die Zeitung [[Известия]] berichtete darüber."),
        bad("[[ЧИТАЙТЕ ТАКЖЕ: Путин встретился с Трампом]]\n\nPeskow äußerte sich."),
        good("Die sogenannte Säuberung (russisch: зачистка) begann im Mai."),
        good("Peskow, Selenskyj und Kyjiw sind richtig geschrieben."),
        good("Der Kreml teilte mit, die Arbeit sei im Gange."),
    ],
)
def cyrillic_text(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    if not has_cyrillic(text):
        return
    for start, end in cyrillic_runs(text):
        if not _in_parentheses(text, start, end):
            yield Hit(start, end)


@functools.lru_cache(maxsize=1)
def homoglyphs() -> dict[str, str]:
    """Cyrillic letters that look Latin, mapped to their Latin twins."""
    return dict(zip(*(load_table("homoglyphs").column(c) for c in ("cyrillic", "latin")), strict=True))


@rule(
    "UNT002",
    "mixed-script-word",
    Severity.MAJOR,
    "Word mixes Latin and Cyrillic letters: '{match}'",
    "A Cyrillic letter that looks Latin ('Кreml' with Cyrillic К) is invisible to the eye but breaks "
    "search, spell checking and name matching; it comes from OCR or from half-transliterated names.",
    [
        bad("Der [[Кreml]] teilte mit, die Arbeit laufe.", fix="Kreml"),
        bad("Sprecher [[Pеskow]] äußerte sich.", fix="Peskow"),
        bad("Sprecher [[Пeskow]] äußerte sich."),
        good("Der Kreml teilte mit, die Arbeit laufe."),
        good("Die Zeitung Известия berichtete."),
    ],
)
def mixed_script_word(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    if not has_cyrillic(text):
        return
    table = homoglyphs()
    for start, end in _cyrillic_words(text):
        word = text[start:end]
        if not _is_mixed(word):
            continue
        latin = "".join(table.get(c, c) for c in word)
        yield Hit(start, end, None if any(_is_cyrillic(c) for c in latin) else latin)


@functools.lru_cache(maxsize=1)
def english_function_words() -> frozenset[str]:
    return frozenset(load_table("english_function_words").column("word"))


@functools.lru_cache(maxsize=1)
def _language_detector() -> LanguageDetector:
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:
        raise MtqaError("English detection needs lingua: pip install lingua-language-detector") from None
    languages = (Language.GERMAN, Language.ENGLISH, Language.RUSSIAN, Language.UKRAINIAN)
    return LanguageDetectorBuilder.from_languages(*languages).build()


def is_english(sentence: str) -> bool:
    """Whether lingua takes ``sentence`` for English (choosing among German, English, Russian, Ukrainian)."""
    detector = _language_detector()
    from lingua import Language

    confidence = detector.compute_language_confidence(sentence, Language.ENGLISH)
    return confidence >= _MIN_ENGLISH_CONFIDENCE


def _looks_english(segment: Segment, function_words: frozenset[str]) -> bool:
    words = _LETTERS.findall(segment.text)
    if len(words) < _MIN_WORDS:
        return False
    hits = sum(1 for word in words if word in function_words)
    return hits >= _MIN_FUNCTION_WORDS and hits >= _MIN_FUNCTION_WORD_SHARE * len(words)


@rule(
    "UNT003",
    "english-sentence",
    Severity.CRITICAL,
    "English sentence left untranslated",
    "Machine translation sometimes passes a sentence through unchanged, typically a quotation; a German "
    "reader may not understand it, and it shows the text was not edited. English names and titles "
    "('Washington Post', 'The Art of the Deal') are not flagged.",
    [
        bad("Peskow äußerte sich. [[The talks are over and nothing has been agreed.]] Kiew schwieg."),
        bad("[[He said that this is a very important step for both of our countries.]]"),
        good("Die Washington Post und die New York Times berichteten darüber."),
        good("Trumps Buch „The Art of the Deal“ erschien 1987."),
        good("Der Film „Game of Thrones“ lief auch in Kiew, sagte Peskow."),
        good("Die Inflation stieg auf 3,5 Prozent, meldete das Amt in Frankfurt a. M. am Freitag."),
    ],
)
def english_sentence(context: RuleContext) -> Iterator[Hit]:
    function_words = english_function_words()
    # Distinct function words among the whitespace-separated tokens: a test that runs in C and rules out
    # almost every German article before any sentence is looked at.
    if len(function_words.intersection(context.text.split())) < _MIN_FUNCTION_WORDS:
        return
    for segment in context.segments:
        if _looks_english(segment, function_words) and is_english(segment.text):
            yield Hit(segment.start, segment.end)
