"""read -> segment -> rules -> scores -> suppress -> report; nothing else lives here.

Articles stream through in chunks so that the back-translation scorer can batch and deduplicate
segments across many articles while memory stays bounded for large feeds.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from itertools import islice
from typing import TYPE_CHECKING

from mtqa.config import Settings
from mtqa.model import Article, ArticleFailure, ArticleReport, Finding, RunSummary, Score, artefact_score
from mtqa.references import load_table
from mtqa.report.base import Reporter, RunInfo
from mtqa.rules.registry import Rule, RuleContext, select_rules
from mtqa.segment import count_words

if TYPE_CHECKING:
    from mtqa.backtranslate.scorer import ArticleScores, Scorer
    from mtqa.incremental import ReportCache

CHUNK_SIZE = 64
"""Articles scored together: large enough for full model batches, small enough to stream."""


@dataclass(frozen=True)
class RunResult:
    summary: RunSummary

    @property
    def failures(self) -> tuple[ArticleFailure, ...]:
        return self.summary.failures

    def worst_findings(self, settings: Settings) -> list[Finding]:
        """Findings at or above the fail level: what makes CI fail."""
        level = settings.fail_level
        if level is None:
            return []
        return [f for r in self.summary.reports for f in r.findings if f.severity >= level]


@functools.lru_cache(maxsize=32)
def _enabled_rules(select: tuple[str, ...], ignore: tuple[str, ...]) -> tuple[Rule, ...]:
    """Rules enabled by these prefixes, computed once per distinct select/ignore pair."""
    return tuple(select_rules(select, ignore))


@functools.lru_cache(maxsize=8)
def _allowed(files: tuple[str, ...]) -> frozenset[str]:
    return frozenset(load_table("allow", files).column("phrase"))


def check_article(article: Article, settings: Settings) -> tuple[RuleContext, list[Finding]]:
    """Segment one article and run every enabled text rule on it."""
    context = RuleContext.of(article, settings.rules)
    rules = _enabled_rules(settings.select, settings.ignored_for(article.origin))
    findings = [finding for rule in rules if rule.family != "BTR" for finding in rule.run(context)]
    return context, findings


Checked = list[tuple[RuleContext, list[Finding]] | ArticleFailure | ArticleReport]
Item = Article | ArticleFailure | ArticleReport
"""An input, or the report an incremental run reuses for an unchanged article."""


def _check_or_fail(
    item: Item, settings: Settings
) -> tuple[RuleContext, list[Finding]] | ArticleFailure | ArticleReport:
    """Check one article; a crash in a rule (a bug) fails that article with its reason, not the batch."""
    if isinstance(item, ArticleFailure | ArticleReport):
        return item
    try:
        return check_article(item, settings)
    except Exception as exc:  # any bug in any rule: recorded as this article's failure
        reason = f"internal error while checking ({type(exc).__name__}: {exc}); please report it"
        return ArticleFailure(item.id, item.origin, reason, item.vendor)


def _check_chunk(chunk: list[Item], settings: Settings) -> Checked:
    return [_check_or_fail(item, settings) for item in chunk]


def _checked_chunks(inputs: Iterable[Item], settings: Settings) -> Iterator[Checked]:
    """Rule-checked chunks in input order; with ``jobs`` > 1 the rules run in worker processes.

    At most two chunks per worker are in flight, so a huge feed never sits in memory at once.
    """
    chunks = _chunks(inputs, CHUNK_SIZE)
    if settings.jobs <= 1:
        yield from (_check_chunk(chunk, settings) for chunk in chunks)
        return
    with ProcessPoolExecutor(max_workers=settings.jobs) as executor:
        pending: deque[Future[Checked]] = deque()
        for chunk in chunks:
            pending.append(executor.submit(_check_chunk, chunk, settings))
            if len(pending) >= 2 * settings.jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _suppress(findings: Iterable[Finding], allowed: frozenset[str]) -> tuple[Finding, ...]:
    """Drop findings on allow-listed words or phrases, then order by position and code."""
    kept = (f for f in findings if f.match not in allowed)
    return tuple(sorted(kept, key=lambda f: (f.start, f.end, f.code)))


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _build_scorer(settings: Settings) -> Scorer | None:
    if not settings.backtranslation.enabled:
        return None
    from mtqa.backtranslate.scorer import build_scorer

    return build_scorer(settings.backtranslation)


def _reuse(inputs: Iterable[Article | ArticleFailure], cache: ReportCache | None) -> Iterator[Item]:
    """Inputs, with the previous report in place of each article the cache knows unchanged."""
    for item in inputs:
        if cache is not None and isinstance(item, Article):
            yield cache.lookup(item) or item
        else:
            yield item


def run(
    inputs: Iterable[Article | ArticleFailure],
    settings: Settings,
    reporters: Sequence[Reporter],
    run_info: RunInfo,
    cache: ReportCache | None = None,
    adjust: Callable[[ArticleReport], ArticleReport] | None = None,
) -> RunResult:
    """Check every article, hand each report to every reporter, and summarise the run.

    ``cache`` (incremental runs) supplies the reports of unchanged articles and stores new ones;
    ``adjust`` changes each report before anyone sees it (a baseline drops known findings).
    """
    allowed = _allowed(settings.rules.allow)
    scorer = _build_scorer(settings)
    if cache is not None:
        cache.bind(scorer)
    reports: list[ArticleReport] = []
    failures: list[ArticleFailure] = []
    with_reference: list[tuple[str, str]] = []
    for reporter in reporters:
        reporter.start(run_info)
    try:
        for checked in _checked_chunks(_reuse(inputs, cache), settings):
            contexts = [item[0] for item in checked if isinstance(item, tuple)]
            scored: dict[str, ArticleScores] = {}
            if scorer is not None and contexts:
                scored = scorer.score([(c.article, c.segments) for c in contexts])
            for item in checked:
                if isinstance(item, ArticleFailure):
                    failures.append(item)
                    continue
                if isinstance(item, ArticleReport):
                    report = item
                else:
                    context, findings = item
                    report = _report(context, findings, scored.get(context.article.id), allowed, settings)
                    if cache is not None:
                        cache.store(report)
                article = report.article
                if article.reference:
                    with_reference.append((article.text, article.reference))
                if adjust is not None:
                    report = adjust(report)
                reports.append(_for_summary(report))
                for reporter in reporters:
                    reporter.article(report)
    finally:
        if cache is not None:
            cache.close()
        if scorer is not None:
            scorer.close()
    summary = RunSummary(
        tuple(reports), tuple(failures), run_info.settings, _corpus_scores(scorer, with_reference)
    )
    for reporter in reporters:
        reporter.finish(summary)
    return RunResult(summary)


def _for_summary(report: ArticleReport) -> ArticleReport:
    """The report without its texts: reporters have seen it whole; the run summary needs only counts.

    Keeping every article's text until the end of a large feed would make memory grow with the feed.
    """
    article = replace(report.article, text="", source=None, reference=None)
    segments = tuple(replace(segment, text="") for segment in report.segments)
    return replace(report, article=article, segments=segments, backtranslations=())


def _corpus_scores(scorer: Scorer | None, with_reference: list[tuple[str, str]]) -> tuple[Score, ...]:
    """Corpus BLEU/chrF/TER over every article with a human reference, as a test set is scored."""
    if scorer is None or not with_reference:
        return ()
    from mtqa.backtranslate.metrics import corpus_reference_scores

    return tuple(corpus_reference_scores(with_reference))


def _report(
    context: RuleContext,
    findings: list[Finding],
    scores: ArticleScores | None,
    allowed: frozenset[str],
    settings: Settings,
) -> ArticleReport:
    ignore = settings.ignored_for(context.article.origin)
    if scores is not None:
        enabled = {r.code for r in _enabled_rules(settings.select, ignore)}
        findings = findings + [f for f in scores.findings if f.code in enabled]
    kept = _suppress(findings, allowed)
    words = count_words(context.text)
    return ArticleReport(
        article=context.article,
        segments=context.segments,
        findings=kept,
        words=words,
        artefact_score=artefact_score([f.severity for f in kept], words),
        scores=scores.scores if scores else (),
        backtranslations=scores.backtranslations if scores else (),
        notes=scores.notes if scores else (),
    )
