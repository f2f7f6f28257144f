"""What every report shows, computed once per article: findings with line and column, scored segments.

The pipeline keeps only character offsets; line and column numbers are derived here, when a report
is written, so every format points at the same place.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from mtqa.model import ArticleReport, Finding, Score, Segment, Unit
from mtqa.rules.registry import FAMILIES
from mtqa.segment import LineIndex

DELETE_LABEL = "(delete)"
SCORE_EXPLANATION = "severity-weighted findings per 100 words, smoothed by 100 clean words"
"""What the artefact score means, in the words every report prints beside it (``model.artefact_score``)."""


@dataclass(frozen=True)
class LocatedFinding:
    """A finding with 1-based line/column of its start and of its (exclusive) end."""

    finding: Finding
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class ScoredSegment:
    """A segment that has segment-level scores or a back-translation, for the report's readers."""

    segment: Segment
    line: int
    scores: tuple[Score, ...]
    backtranslation: str | None


def locate(report: ArticleReport) -> list[LocatedFinding]:
    """Findings in reading order (start, end, code), each with its line and column."""
    index = LineIndex(report.article.text)
    located = []
    for finding in sorted(report.findings, key=position_key):
        line, column = index.line_col(finding.start)
        end_line, end_column = index.line_col(finding.end)
        located.append(LocatedFinding(finding, line, column, end_line, end_column))
    return located


def position_key(finding: Finding) -> tuple[int, int, str]:
    return finding.start, finding.end, finding.code


def scored_segments(report: ArticleReport) -> list[ScoredSegment]:
    """Segments with scores or a back-translation, in order; segments with neither are left out."""
    scores: dict[int, list[Score]] = {}
    for score in report.scores:
        if score.segment is not None:
            scores.setdefault(score.segment, []).append(score)
    backtranslations = dict(report.backtranslations)
    index = LineIndex(report.article.text)
    return [
        ScoredSegment(
            segment,
            index.line_col(segment.start)[0],
            tuple(scores.get(segment.index, ())),
            backtranslations.get(segment.index),
        )
        for segment in report.segments
        if segment.index in scores or segment.index in backtranslations
    ]


def unit_indexes(report: ArticleReport, findings: Iterable[Finding]) -> list[int | None]:
    """For each finding, the position in ``article.units`` of the bilingual segment it starts in."""
    return unit_positions(report.article.units, (finding.start for finding in findings))


def unit_positions(units: Sequence[Unit], offsets: Iterable[int]) -> list[int | None]:
    """For each offset into the article text, the position in ``units`` of the segment it lies in.

    The same rule as the one that sets ``Finding.unit`` (the last unit starting at or before the
    offset), by position rather than id, so that two segments sharing an id stay apart; ``None`` for
    plain text.
    """
    starts = [unit.start for unit in units]
    positions: list[int | None] = []
    for offset in offsets:
        index = bisect.bisect_right(starts, offset) - 1
        positions.append(index if index >= 0 else None)
    return positions


def article_scores(report: ArticleReport) -> list[Score]:
    return [score for score in report.scores if score.segment is None]


def family_counts(report: ArticleReport) -> dict[str, int]:
    """Findings per family, with every known family present (zero or not) so columns stay stable."""
    counts = dict.fromkeys(FAMILIES, 0)
    for family, count in report.counts_by_family().items():
        counts[family] = count
    return counts


def suggestion_label(suggestion: str | None) -> str | None:
    """How a suggestion reads to a person: ``None`` stays absent, an empty one means delete."""
    if suggestion is None:
        return None
    return suggestion if suggestion else DELETE_LABEL


def describe(finding: Finding) -> str:
    """``CODE message -> suggestion``: the one-line form shared by console lines and tooltips."""
    text = f"{finding.code} {finding.message}"
    label = suggestion_label(finding.suggestion)
    return text if label is None else f"{text} -> {label}"


def annotation(finding: Finding) -> str:
    """``message -> suggestion [segment id]``: a finding in one line for a CI annotation.

    In a bilingual file the segment id, not the line of the joined German, finds the text.
    """
    label = suggestion_label(finding.suggestion)
    text = finding.message if label is None else f"{finding.message} -> {label}"
    return text if finding.unit is None else f"{text} [segment {brief(finding.unit)}]"


def metadata(report: ArticleReport) -> Iterator[tuple[str, str]]:
    """The article's metadata that is set, as (label, value) pairs in a fixed order."""
    article = report.article
    fields = (
        ("origin", article.origin),
        ("vendor", article.vendor),
        ("date", article.date),
        ("source language", article.source_lang),
        ("url", article.url),
    )
    for label, value in fields:
        if value:
            yield label, value


BRIEF_CHARS = 80
"""Console lines shorten longer matches and suggestions (a whole re-quoted paragraph); JSON, Markdown
and HTML reports keep them whole."""


def brief(text: str, limit: int = BRIEF_CHARS) -> str:
    """``text`` cut in the middle to at most ``limit`` characters, keeping its start and end."""
    if len(text) <= limit:
        return text
    head = limit * 2 // 3
    return f"{text[:head].rstrip()} … {text[-(limit - head - 3) :].lstrip()}"


def counted(number: int, noun: str) -> str:
    """``1 finding``, ``3 findings``: English plural by ``s``, enough for the nouns reports use."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
