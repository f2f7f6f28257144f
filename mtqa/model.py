"""The shared vocabulary of mtqa: articles, segments, findings, scores and per-article reports.

Every type is a frozen dataclass so that readers, rules, scorers and reporters can pass them around
without defensive copies, and so that a report is a pure function of its inputs.
"""

from __future__ import annotations

import enum
import statistics
from array import array
from collections.abc import Iterable
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


PRIOR_WORDS = 100
"""Clean words every article is assumed to have before it is read: the score's smoothing prior."""


def artefact_score(severities: list[Severity] | tuple[Severity, ...], words: int) -> float:
    """Severity-weighted findings per 100 words, smoothed so that short and long articles compare.

    ``score = 100 * sum(weight(severity)) / (words + PRIOR_WORDS)`` with weights minor 1, major 5,
    critical 10 and a prior of 100 clean words: a 19-word snippet with one major finding scores 4.2,
    not 26.3, while a long article's score stays close to its plain rate per 100 words. 0 is clean.
    """
    penalty = sum(SEVERITY_WEIGHTS[s] for s in severities)
    return round(100.0 * penalty / (max(words, 0) + PRIOR_WORDS), 3)


@dataclass(frozen=True)
class Unit:
    """A segment of a bilingual file (XLIFF trans-unit, TMX tu): its id and where it lies in both texts."""

    id: str
    start: int
    end: int
    """Half-open offsets of the unit's German in the article text."""
    source_start: int
    source_end: int
    """Half-open offsets of the unit's source in the article's source text."""


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
    units: tuple[Unit, ...] = ()
    """The segments of a bilingual file, in order; empty for plain text and feeds."""
    notes: tuple[str, ...] = ()
    """What the reader had to change to make the input usable (replaced surrogates or bytes, lines
    decoded from another encoding); every report shows these."""
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
    unit: str | None = None
    """The id of the bilingual-file segment the finding lies in (XLIFF, TMX), so a CAT tool can find it."""

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


NO_VENDOR = "(none)"
"""The vendor name under which articles without a vendor are counted."""
MAX_RUN_NOTES = 100
"""Distinct run-level notes kept; more would mean notes that differ per article, which reports show."""


@dataclass(frozen=True)
class Totals:
    """Counts folded over a set of articles: a whole run, or the articles of one vendor."""

    articles: int = 0
    failed: int = 0
    words: int = 0
    segments: int = 0
    findings: int = 0
    severity: dict[str, int] = field(default_factory=lambda: {s.label: 0 for s in Severity})
    family: dict[str, int] = field(default_factory=dict)
    """Findings per rule family, for the families seen (sorted by family)."""
    mean_artefact_score: float | None = None
    median_artefact_score: float | None = None
    with_notes: int = 0
    """Articles whose reader recorded a note (a decoding fallback, replaced characters)."""

    def at_or_above(self, level: Severity) -> int:
        """How many findings are at least as severe as ``level``."""
        return sum(count for label, count in self.severity.items() if Severity.parse(label) >= level)


def median(values: array[float]) -> float:
    """The median (the mean of the middle two for an even count), found without a list of floats.

    ``statistics.median`` sorts a list of float objects: 32 bytes an article, at the very end of a run.
    Quickselect on a copy of the array needs 8.
    """
    work = array("d", values)
    count = len(work)
    upper = _select(work, count // 2)
    if count % 2:
        return upper
    lower = max(work[i] for i in range(count // 2))  # _select left the smaller half in front
    return (lower + upper) / 2


def _select(work: array[float], k: int) -> float:
    """The ``k``-th smallest value (from 0); reorders ``work`` so that smaller values come first."""
    low, high = 0, len(work) - 1
    while True:
        if low == high:
            return work[low]
        pivot = work[(low + high) // 2]
        left, right = low, high
        while left <= right:
            while work[left] < pivot:
                left += 1
            while work[right] > pivot:
                right -= 1
            if left <= right:
                work[left], work[right] = work[right], work[left]
                left += 1
                right -= 1
        if k <= right:
            high = right
        elif k >= left:
            low = left
        else:
            return work[k]


class _Fold:
    """Running totals; only artefact scores are kept (8 bytes an article), for the exact median."""

    def __init__(self) -> None:
        self.articles = self.failed = self.words = self.segments = self.findings = self.with_notes = 0
        self.severity = {s.label: 0 for s in Severity}
        self.family: dict[str, int] = {}
        self.scores = array("d")

    def add(self, report: ArticleReport) -> None:
        self.articles += 1
        self.words += report.words
        self.segments += len(report.segments)
        self.findings += len(report.findings)
        self.with_notes += bool(report.article.notes)
        for finding in report.findings:
            self.severity[finding.severity.label] += 1
            self.family[finding.family] = self.family.get(finding.family, 0) + 1
        self.scores.append(report.artefact_score)

    def totals(self) -> Totals:
        scores = self.scores
        return Totals(
            articles=self.articles,
            failed=self.failed,
            words=self.words,
            segments=self.segments,
            findings=self.findings,
            severity=dict(self.severity),
            family=dict(sorted(self.family.items())),
            mean_artefact_score=round(statistics.fmean(scores), 3) if scores else None,
            median_artefact_score=round(median(scores), 3) if scores else None,
            with_notes=self.with_notes,
        )


class SummaryBuilder:
    """Folds reports and failures into a ``RunSummary`` as they pass; no report is kept.

    Memory grows only by the failures (each kept with its reason) and 8 bytes per article for the
    median artefact score, so a run of any size can be summarised.
    """

    def __init__(self) -> None:
        self._all = _Fold()
        self._vendors: dict[str, _Fold] = {}
        self._any_vendor = False
        self._failures: list[ArticleFailure] = []
        self._notes: dict[str, None] = {}

    def _vendor(self, name: str | None) -> _Fold:
        self._any_vendor = self._any_vendor or bool(name)
        key = name or NO_VENDOR
        fold = self._vendors.get(key)
        if fold is None:
            fold = self._vendors[key] = _Fold()
        return fold

    def add(self, report: ArticleReport) -> None:
        self._all.add(report)
        self._vendor(report.article.vendor).add(report)
        own = set(report.article.notes)
        for note in report.notes:
            if note not in own and note not in self._notes and len(self._notes) < MAX_RUN_NOTES:
                self._notes[note] = None

    def fail(self, failure: ArticleFailure) -> None:
        self._failures.append(failure)
        self._all.failed += 1
        self._vendor(failure.vendor).failed += 1

    def note(self, note: str) -> None:
        """A run-level note (e.g. that the previous run in the folder did not complete)."""
        if len(self._notes) < MAX_RUN_NOTES:
            self._notes[note] = None

    @property
    def articles(self) -> int:
        return self._all.articles

    @property
    def failed(self) -> int:
        return self._all.failed

    def build(
        self,
        settings: dict[str, object] | None = None,
        scores: tuple[Score, ...] = (),
        interrupted: bool = False,
    ) -> RunSummary:
        vendors: dict[str, Totals] = {}
        if self._any_vendor:
            names = sorted(self._vendors, key=lambda name: (name == NO_VENDOR, name))
            vendors = {name: self._vendors[name].totals() for name in names}
        return RunSummary(
            totals=self._all.totals(),
            vendors=vendors,
            failures=tuple(self._failures),
            notes=tuple(self._notes),
            settings=dict(settings or {}),
            scores=scores,
            interrupted=interrupted,
        )


@dataclass(frozen=True)
class RunSummary:
    """What a reporter's ``finish`` receives: the run's totals, per-vendor totals and failures.

    It holds no per-article report: reporters saw each report in ``article`` and keep what they need
    (a bounded amount, or written out at once), so the summary of a feed of any size stays small.
    """

    totals: Totals
    vendors: dict[str, Totals]
    """Per vendor (``NO_VENDOR`` for articles without one), sorted; empty when no input names a vendor."""
    failures: tuple[ArticleFailure, ...]
    notes: tuple[str, ...] = ()
    """Distinct run-level notes of the reports (e.g. back-translation unavailable), first seen first."""
    settings: dict[str, object] = field(default_factory=dict)
    scores: tuple[Score, ...] = ()
    """Run-level scores, e.g. corpus BLEU/chrF/TER of every article that has a human reference."""
    interrupted: bool = False
    """The run was stopped (Ctrl-C) before every input was read: the totals cover what was done."""

    @classmethod
    def of(
        cls,
        reports: Iterable[ArticleReport],
        failures: Iterable[ArticleFailure] = (),
        settings: dict[str, object] | None = None,
        scores: tuple[Score, ...] = (),
    ) -> RunSummary:
        """The summary of these reports and failures (for tests and callers that hold them anyway)."""
        builder = SummaryBuilder()
        for report in reports:
            builder.add(report)
        for failure in failures:
            builder.fail(failure)
        return builder.build(settings, scores)
