"""Part-of-speech tags (STTS) for German sentences from the Hanover Tagger, HanTa.

HanTa ships its German model (``morphmodel_ger.pgz``) inside its wheel, so nothing is downloaded at run
time. It tags about 1,500 sentences a second on one core (tags only, no lemmas), far too slow for every
sentence of a feed, so rules tag only the sentences a cheap trigger selects. The model is loaded once per
process; the tags of a sentence are memoised on the ``RuleContext``, so several rules share one tagging.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mtqa.errors import MtqaError
from mtqa.language import installed_version
from mtqa.model import Segment

if TYPE_CHECKING:
    from mtqa.rules.registry import RuleContext

MODEL = "morphmodel_ger.pgz"
MAX_TOKENS = 60
"""Only the first tokens of a longer sentence are tagged, so a sentence without end costs bounded time."""

_TOKEN = re.compile(r"\d{1,2}\.(?=[ \u00a0]+\w)|\w+(?:[-.'’]\w+)*|[^\w\s]")


@dataclass(frozen=True)
class Token:
    """A word or punctuation mark with its STTS tag as HanTa writes it (``VA(FIN)``, ``NN``, ``$.``)."""

    start: int
    end: int
    text: str
    tag: str

    @property
    def finite(self) -> bool:
        return self.tag.endswith("(FIN)")


@dataclass(frozen=True)
class TaggedSentence:
    """The tokens of one sentence; ``complete`` is false when the sentence was cut at ``MAX_TOKENS``."""

    tokens: tuple[Token, ...]
    complete: bool


def signature() -> str:
    """The tagger and model that produced the tags, for the run's settings signature."""
    return f"HanTa {installed_version('HanTa') or 'missing'} {MODEL}"


@functools.lru_cache(maxsize=1)
def hanover() -> Any:
    """The HanTa model, loaded once per process (about 0.2-0.7 s) and shared by every module asking it."""
    try:
        from HanTa import HanoverTagger
    except ImportError:
        raise MtqaError("the word-order rules (SYN) need the Hanover Tagger: pip install HanTa") from None
    return HanoverTagger.HanoverTagger(MODEL)


def tokenize(text: str, offset: int = 0, limit: int | None = None) -> list[tuple[int, int, str]]:
    """Words (with inner hyphens, dots, apostrophes: "URA.RU", "Kreml-Sprecher") and punctuation marks."""
    found: list[tuple[int, int, str]] = []
    for match in _TOKEN.finditer(text):
        if limit is not None and len(found) >= limit:
            break
        found.append((offset + match.start(), offset + match.end(), match.group()))
    return found


def words(text: str, start: int = 0, end: int | None = None) -> list[str]:
    """The tokens of ``text[start:end]`` as ``tokenize`` finds them, without offsets (fast, for triggers)."""
    return _TOKEN.findall(text, start, len(text) if end is None else end)


def tag_sentence(words: list[str]) -> list[str]:
    """STTS tags for ``words`` (HanTa, tags only)."""
    if not words:
        return []
    return [str(tag) for tag in hanover().tag_sent(words, taglevel=0)]


def tagged(context: RuleContext, segment: Segment, limit: int = MAX_TOKENS) -> TaggedSentence:
    """The tags of one sentence of the article (at least its first ``limit`` tokens), computed once per
    article whichever rule asks first; a rule that looks only at the start of a sentence asks for fewer
    tokens, and a later rule that needs more has the sentence tagged again, further."""
    key = ("hanta", segment.index)
    sentence = context.memoised(key, lambda: _tag(segment, limit))
    if sentence.complete or len(sentence.tokens) >= limit:
        return sentence
    sentence = _tag(segment, limit)
    context.memo[key] = sentence
    return sentence


def _tag(segment: Segment, limit: int) -> TaggedSentence:
    words = tokenize(segment.text, segment.start, limit + 1)
    complete = len(words) <= limit
    words = words[:limit]
    tags = tag_sentence([w for _, _, w in words])
    tokens = tuple(Token(s, e, w, t) for (s, e, w), t in zip(words, tags, strict=True))
    return TaggedSentence(tokens, complete)
