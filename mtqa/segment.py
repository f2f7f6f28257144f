"""Split an article into paragraphs and sentences, keeping character offsets into the original text.

Rules and scorers both work on these spans, so a finding or a score always points back at the exact
characters the editor sees. The splitter is a fast regular expression with a German abbreviation
list: a full tokenizer (somajo) is far too slow for feed-sized runs.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from mtqa.model import Segment
from mtqa.references import load_table

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_LINE = re.compile(r"[^\n]+")
# Sentence-final punctuation, closing quotes/brackets, then the space that separates sentences.
# Linear on any input: a match starts only where a run of punctuation starts (the lookbehind), and the
# possessive quantifiers never give back what they took, so "!!!!…" without a space costs one pass
# instead of one pass per character (40 KB of "!" took 19 s before).
_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]++[\"'“”»«’)\]]*+(?=\s)")
_WORD = re.compile(r"\w+(?:[-.,'’]\w+)*")
_NEXT_WORD = re.compile(r"[^\s.]++(?=\.)")
_ORDINAL = re.compile(r"(?<!\d)\d{1,2}\Z")


@dataclass(frozen=True)
class Paragraph:
    index: int
    start: int
    end: int


@functools.lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    return frozenset(load_table("abbreviations").column("abbreviation"))


def paragraphs(text: str) -> list[Paragraph]:
    """Blocks separated by blank lines; a text with no blank line has one paragraph per line."""
    spans: list[tuple[int, int]] = []
    if _BLANK_LINE.search(text):
        start = 0
        for gap in _BLANK_LINE.finditer(text):
            spans.append((start, gap.start()))
            start = gap.end()
        spans.append((start, len(text)))
    else:
        spans = [(m.start(), m.end()) for m in _LINE.finditer(text)]
    result: list[Paragraph] = []
    for start, end in spans:
        block = text[start:end]
        stripped = block.strip()
        if not stripped:
            continue
        lead = len(block) - len(block.lstrip())
        result.append(Paragraph(len(result), start + lead, start + lead + len(stripped)))
    return result


def _is_sentence_end(text: str, dot: int, after: int) -> bool:
    """Whether the punctuation at ``dot`` ends a sentence, judged by the word before and after it."""
    if text[dot] != ".":
        return True
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    before = text[word_start:dot]
    if _ORDINAL.search(before):
        return False
    # Two-part abbreviations ("z. B.") are listed with their inner space: "z. B" ends at either dot.
    previous_start = word_start - 1
    while previous_start > 0 and not text[previous_start - 1].isspace():
        previous_start -= 1
    two_words = text[max(previous_start, 0) : dot]
    abbreviations = _abbreviations()
    if before in abbreviations or two_words in abbreviations:
        return False
    next_word = _NEXT_WORD.match(text, after)
    if next_word and f"{before}. {next_word.group()}" in abbreviations:
        return False
    nxt = text[after : after + 1]
    return not nxt.islower()


def sentences(text: str) -> list[Segment]:
    """Sentences of every paragraph, in order; each line of page chrome is its own segment."""
    segments: list[Segment] = []
    for paragraph in paragraphs(text):
        start = paragraph.start
        for boundary in _BOUNDARY.finditer(text, paragraph.start, paragraph.end):
            after = boundary.end()
            while after < paragraph.end and text[after].isspace():
                after += 1
            if after >= paragraph.end or not _is_sentence_end(text, boundary.start(), after):
                continue
            _append(segments, text, start, boundary.end(), paragraph.index)
            start = after
        _append(segments, text, start, paragraph.end, paragraph.index)
    return segments


def _append(segments: list[Segment], text: str, start: int, end: int, paragraph: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        lead = len(chunk) - len(chunk.lstrip())
        begin = start + lead
        segments.append(Segment(len(segments), begin, begin + len(stripped), stripped, paragraph))


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


class LineIndex:
    """Turns ``str`` offsets into 1-based line and column numbers, computed only when reporting."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1
