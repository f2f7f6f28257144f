"""Site boilerplate (BPL): page chrome that was scraped and translated along with the article body.

Section labels, "Lesen Sie auch" links and related-stories headings are not part of the article; left
in, they are published as nonsense lines. The phrases are data (references/boilerplate.tsv plus the
user's own lists); the code matches them at the start of a line, and separately finds ALL-CAPS lines,
the typical form of a translated site name or heading. A line is reported by one rule only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from mtqa.errors import ReferenceDataError
from mtqa.model import Severity
from mtqa.references import load_table
from mtqa.rules.registry import Hit, RuleContext, bad, good, rule

_BULLET = r"(?:[•►▶>*·–—-][ \t]*)*"
_LINE_END = r"[ \t]*[:.!…»>→)–—-]*"
# Chrome lines are short; a longer line is article text (perhaps one that lost its line break after a
# "Lesen Sie auch"), and deleting it would delete content. Only short lines are looked at, which also
# keeps the check cheap.
_MAX_LINE_LENGTH = 160
_WORD = re.compile(r"\w+")
_MIN_CAPITAL_LETTERS = 8
# Lines of acronyms ("NATO, EU UND USA") are text; chrome has at least one real word in capitals.
_MIN_LONGEST_WORD = 5


@dataclass(frozen=True)
class PhrasePatterns:
    """One regex for phrases that make up a whole line, one for phrases that start a line."""

    whole_line: re.Pattern[str] | None
    line_start: re.Pattern[str] | None


def _phrase_regex(phrase: str) -> str:
    words = []
    for word in phrase.split():
        if word.endswith("*"):
            words.append(re.escape(word[:-1]) + r"\w*")
        else:
            words.append(re.escape(word))
    regex = r"[ \t]+".join(words)
    if phrase[-1].isalnum():
        regex += r"(?!\w)"
    return regex


@functools.lru_cache(maxsize=8)
def short_lines(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of the non-blank lines of at most ``_MAX_LINE_LENGTH`` characters, without outer spaces."""
    spans: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if end - start <= _MAX_LINE_LENGTH and not line.isspace() and line:
            spans.append(_strip(text, start, end))
        start = end + 1
    return tuple(spans)


@functools.lru_cache(maxsize=16)
def phrase_patterns(extra: tuple[str, ...] = ()) -> PhrasePatterns:
    """Compile the built-in phrases plus the user's lists, once per distinct tuple of files."""
    by_position: dict[str, list[str]] = {"line": [], "start": []}
    table = load_table("boilerplate", extra)
    for record, origin in zip(table.records(), table.origins, strict=True):
        position = record["position"]
        if position not in by_position:
            raise ReferenceDataError(f"{origin}: position {position!r} is neither 'line' nor 'start'")
        if record["phrase"]:
            by_position[position].append(_phrase_regex(record["phrase"]))

    def compile_group(phrases: list[str], tail: str) -> re.Pattern[str] | None:
        if not phrases:
            return None
        alternation = "|".join(sorted(phrases, key=len, reverse=True))
        return re.compile(rf"{_BULLET}(?:{alternation}){tail}", re.IGNORECASE)

    return PhrasePatterns(
        compile_group(by_position["line"], _LINE_END),
        compile_group(by_position["start"], ""),
    )


def _is_chrome_line(patterns: PhrasePatterns, text: str, start: int, end: int) -> bool:
    if patterns.whole_line is not None and patterns.whole_line.fullmatch(text, start, end):
        return True
    return patterns.line_start is not None and patterns.line_start.match(text, start, end) is not None


def _chrome_lines(context: RuleContext) -> list[tuple[int, int]]:
    """Spans of the short lines that a listed phrase marks as page chrome, in text order."""
    patterns = phrase_patterns(context.options.boilerplate)
    text = context.text
    return [(s, e) for s, e in short_lines(text) if _is_chrome_line(patterns, text, s, e)]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@rule(
    "BPL001",
    "site-chrome-phrase",
    Severity.MAJOR,
    "Page chrome in the article body: delete '{match}'",
    "Calls to action and related-stories headings belong to the website, not to the article; "
    "translated along with it they are published as stray lines that tell the reader the text was "
    "machine-processed.",
    [
        bad("Peskow äußerte sich.\n\n[[Verpassen Sie es nicht]]\n\nMehr Text folgt.", fix=""),
        bad("Peskow äußerte sich.\n\n[[INTERESSANTE MATERIALIEN ZUM THEMA]]", fix=""),
        bad("Peskow äußerte sich.\n[[Lesen Sie auch: Putin trifft Trump]]\nDer Kreml schwieg.", fix=""),
        bad("Peskow äußerte sich.\n\n[[► Abonnieren Sie unseren Telegram-Kanal!]]", fix=""),
        bad("[[Foto: Reuters]]\nPeskow äußerte sich.", fix=""),
        good("Weitere Nachrichten aus Kiew deuten darauf hin, dass die Gespräche andauern."),
        good("Peskow sagte, man solle die Chance nicht verpassen."),
        good("Zum Thema Sicherheitsgarantien sagte er nichts."),
        good("Der Fotograf sagte: Foto: verboten."),
    ],
    safe=True,
)
def site_chrome_phrase(context: RuleContext) -> Iterator[Hit]:
    for start, end in _chrome_lines(context):
        yield Hit(start, end, "")


def _is_capitals_line(line: str) -> bool:
    if not line.isupper() or sum(c.isalpha() for c in line) < _MIN_CAPITAL_LETTERS:
        return False
    return max(len(word) for word in _WORD.findall(line)) >= _MIN_LONGEST_WORD


@rule(
    "BPL002",
    "all-caps-line",
    Severity.MAJOR,
    "Line in capitals, likely a site name or section label: delete '{match}'",
    "Scraped pages carry site names, section labels and headings set in capitals; an ALL-CAPS line "
    "between paragraphs of a German article is page chrome, not text.",
    [
        bad("[[TATSÄCHLICH]]\n\nPeskow schätzte das Treffen.", fix=""),
        bad("Peskow äußerte sich.\n\n[[POLITIK UND WIRTSCHAFT]]\n\nDer Kreml schwieg.", fix=""),
        bad("Peskow äußerte sich.\n\n[[+++ EILMELDUNG +++]]", fix=""),
        good("Die NATO und die USA reagierten, die EU-KOMMISSION schwieg."),
        good("NATO\n\nDie Allianz tagte."),
        good("NATO, EU UND USA\n\nAlle reagierten."),
        good("Peskow äußerte sich.\n\nVERPASSEN SIE ES NICHT"),
        good("Am 4. April 2025 – 14.30 Uhr"),
    ],
)
def all_caps_line(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    patterns = phrase_patterns(context.options.boilerplate)
    for start, end in short_lines(text):
        if _is_capitals_line(text[start:end]) and not _is_chrome_line(patterns, text, start, end):
            yield Hit(start, end, "")
