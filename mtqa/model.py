"""The shared vocabulary of mtqa: articles, segments, findings, scores and per-article reports.

Every type is a frozen dataclass so that readers, rules, scorers and reporters can pass them around
without defensive copies, and so that a report is a pure function of its inputs.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """MQM severity words that localization teams already use; ordered so gates can compare."""

    MINOR = 1
    MAJOR = 2
    CRITICAL = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, name: str) -> Severity:
        """Parse ``minor``/``major``/``critical`` (any case); raises ``ValueError`` otherwise."""
        try:
            return cls[name.strip().upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {name!r} (choose from {choices})") from None


SEVERITY_WEIGHTS = {Severity.MINOR: 1.0, Severity.MAJOR: 5.0, Severity.CRITICAL: 10.0}
"""MQM's customary penalty weights."""


def artefact_score(severities: list[Severity] | tuple[Severity, ...], words: int) -> float:
    """Severity-weighted findings per 100 words (0 = clean), so long and short articles compare.

    ``score = 100 * sum(weight(severity)) / max(words, 1)`` with weights minor 1, major 5, critical 10.
    """
    penalty = sum(SEVERITY_WEIGHTS[s] for s in severities)
    return round(100.0 * penalty / max(words, 1), 3)


@dataclass(frozen=True)
class Article:
    """One article as read from its input; ``text`` is the body exactly as decoded.

    ``origin`` names where it came from (a path, ``feed.jsonl#<id>`` for a feed row, or ``<stdin>``)
    so that linter-style output can point at it. ``source`` is the original-language text, ``reference`` a
    human German translation; both are optional and feed the back-translation scorer.
    """

    id: str
    text: str
    origin: str
    title: str | None = None
    url: str | None = None
    date: str | None = None
    vendor: str | None = None
    source: str | None = None
    source_lang: str | None = None
    reference: str | None = None
    encoding: str = "utf-8"
    line: int | None = None
    """For a feed row, the line of the feed file where its record starts (CI annotations point there)."""


@dataclass(frozen=True)
class ArticleFailure:
    """An input that could not be turned into an article; it is recorded, never fatal to a batch."""

    id: str
    origin: str
    reason: str
    vendor: str | None = None


@dataclass(frozen=True)
class Segment:
    """A sentence (or headline, or page-chrome line) with half-open offsets into the article text."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int


@dataclass(frozen=True)
class Finding:
    """One artefact: ``start``/``end`` are half-open ``str`` offsets into the article text."""

    code: str
    rule: str
    severity: Severity
    start: int
    end: int
    match: str
    message: str
    why: str
    suggestion: str | None = None

    @property
    def family(self) -> str:
        return self.code.rstrip("0123456789")


@dataclass(frozen=True)
class Score:
    """A metric value for one segment (``segment`` is its index) or the whole article (``None``).

    ``signature`` says which model, backend, metric settings and mtqa version produced it, so the
    number can be reproduced.
    """

    metric: str
    value: float
    segment: int | None
    signature: str


@dataclass(frozen=True)
class ArticleReport:
    """Everything known about one article after the pipeline ran; reporters only read this."""

    article: Article
    segments: tuple[Segment, ...]
    findings: tuple[Finding, ...]
    words: int
    artefact_score: float
    scores: tuple[Score, ...] = ()
    backtranslations: tuple[tuple[int, str], ...] = ()
    """(segment index, back-translated text) pairs, for readers of the report."""
    notes: tuple[str, ...] = ()
    """Things the reader must know, e.g. "back-translation unavailable: <reason>"."""

    def counts_by_severity(self) -> dict[str, int]:
        counts = {s.label: 0 for s in Severity}
        for finding in self.findings:
            counts[finding.severity.label] += 1
        return counts

    def counts_by_family(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for finding in self.findings:
            counts[finding.family] = counts.get(finding.family, 0) + 1
        return dict(sorted(counts.items()))


@dataclass(frozen=True)
class RunSummary:
    """What a reporter's ``finish`` receives: every report and every failure of the run.

    Its reports carry no article text, segment text or back-translation (reporters saw those in
    ``article``), so a summary of a large feed stays small.
    """

    reports: tuple[ArticleReport, ...]
    failures: tuple[ArticleFailure, ...]
    settings: dict[str, object] = field(default_factory=dict)
    scores: tuple[Score, ...] = ()
    """Run-level scores, e.g. corpus BLEU/chrF/TER of every article that has a human reference."""
