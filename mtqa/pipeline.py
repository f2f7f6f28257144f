"""read -> segment -> rules -> scores -> suppress -> report; nothing else lives here.

Articles stream through in chunks so that the back-translation scorer can batch and deduplicate
segments across many articles, and the run summary is folded as they pass (no report is kept), so
memory stays flat however large the feed. One article's trouble (a crash in a rule, a report that
cannot be written) fails that article with its reason; the run goes on. Ctrl-C stops reading, and the
summary of what was done is still written (exit 130).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

from mtqa.config import Settings
from mtqa.errors import ConfigError, MtqaError, ReportError
from mtqa.model import (
    Article,
    ArticleFailure,
    ArticleReport,
    Finding,
    RunSummary,
    Score,
    SummaryBuilder,
    artefact_score,
)
from mtqa.references import load_table, references_dir
from mtqa.report.base import Reporter, RunInfo
from mtqa.report.run_folder import RunFolder
from mtqa.rules.registry import Rule, RuleContext, all_rules, select_rules
from mtqa.segment import count_words

if TYPE_CHECKING:
    from mtqa.backtranslate.scorer import ArticleScores, Scorer
    from mtqa.incremental import ReportCache

CHUNK_SIZE = 64
"""Articles scored together: large enough for full model batches, small enough to stream."""
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
"""130 = 128 + SIGINT, what shells report for a command stopped with Ctrl-C."""
USER_LISTS = ("names", "calques", "boilerplate", "allow")
"""``RuleOptions`` fields naming a user's files that extend the built-in list of the same name."""


@dataclass(frozen=True)
class RunResult:
    summary: RunSummary

    @property
    def failures(self) -> tuple[ArticleFailure, ...]:
        return self.summary.failures

    @property
    def interrupted(self) -> bool:
        return self.summary.interrupted

    def failing_findings(self, settings: Settings) -> int:
        """How many findings are at or above the fail level: what makes CI fail."""
        level = settings.fail_level
        return 0 if level is None else self.summary.totals.at_or_above(level)

    def exit_code(self, settings: Settings) -> int:
        """130 after Ctrl-C; 2 when any input failed; 1 with findings at the fail level; else 0."""
        if self.interrupted:
            return EXIT_INTERRUPTED
        if self.failures:
            return EXIT_ERROR
        return EXIT_FINDINGS if self.failing_findings(settings) else EXIT_CLEAN


def worker_count(requested: int) -> int:
    """``requested`` worker processes, at most one per core this process may run on."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(requested, cores))


@functools.lru_cache(maxsize=32)
def _enabled_rules(select: tuple[str, ...], ignore: tuple[str, ...]) -> tuple[Rule, ...]:
    """Rules enabled by these prefixes, computed once per distinct select/ignore pair."""
    return tuple(select_rules(select, ignore))


@functools.lru_cache(maxsize=8)
def _allowed(files: tuple[str, ...]) -> frozenset[str]:
    return frozenset(load_table("allow", files).column("phrase"))


def check_article(article: Article, settings: Settings) -> tuple[RuleContext, list[Finding]]:
    """Run every enabled text rule on one article (segmenting it only if a rule asks)."""
    context = RuleContext.of(article, settings.rules)
    rules = _enabled_rules(settings.select, settings.ignored_for(article.origin))
    findings = [finding for rule in rules if rule.family != "BTR" for finding in rule.run(context)]
    return context, findings


def validate_references(settings: Settings) -> None:
    """Load every built-in list and the user's lists once, before any article: one clear error.

    With house lists, every enabled rule then runs once on a probe made of all rule examples, which
    compiles what the rules build from the lists; a malformed house list thus fails the run at start
    (``ConfigError``, exit 2) instead of failing every article as an internal error. Without them the
    probe is skipped: it would load resources (a language detector) a German feed may never need.
    """
    options = settings.rules
    try:
        folder = references_dir()
        for name in sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".tsv")):
            load_table(name.removesuffix(".tsv"))
        for name in USER_LISTS:
            files = getattr(options, name)
            if files:
                load_table(name, files)
    except MtqaError as exc:
        raise ConfigError(f"reference list: {exc}") from None
    if not any(getattr(options, name) for name in USER_LISTS):
        return
    probe = Article(id="probe", text=_probe_text(), origin="<probe>")
    try:
        check_article(probe, settings)
    except MtqaError as exc:
        raise ConfigError(f"reference list: {exc}") from None
    except Exception as exc:
        raise ConfigError(f"a house list cannot be used ({type(exc).__name__}: {exc})") from None


@functools.lru_cache(maxsize=1)
def _probe_text() -> str:
    return "\n\n".join(example.plain for rule in all_rules() for example in rule.examples) + "\n"


Checked = list[tuple[RuleContext, list[Finding]] | ArticleFailure | ArticleReport]
Item = Article | ArticleFailure | ArticleReport
"""An input, or the report an incremental run reuses for an unchanged article."""


def _check_or_fail(
    item: Item, settings: Settings
) -> tuple[RuleContext, list[Finding]] | ArticleFailure | ArticleReport:
    """Check one article; a crash in a rule (a bug) fails that article with its reason, not the batch."""
    if isinstance(item, ArticleFailure | ArticleReport):
        return item
    if settings.strict_decoding and item.notes:
        return ArticleFailure(item.id, item.origin, f"strict decoding: {'; '.join(item.notes)}", item.vendor)
    try:
        return check_article(item, settings)
    except Exception as exc:  # any bug in any rule: recorded as this article's failure
        reason = f"internal error while checking ({type(exc).__name__}: {exc}); please report it"
        return ArticleFailure(item.id, item.origin, reason, item.vendor)


def _check_chunk(chunk: list[Item], settings: Settings) -> Checked:
    return [_check_or_fail(item, settings) for item in chunk]


def _checked_chunks(inputs: Iterable[Item], settings: Settings) -> Iterator[Checked]:
    """Rule-checked chunks in input order; with ``jobs`` > 1 the rules run in worker processes.

    At most two chunks per worker are in flight, so a huge feed never sits in memory at once. Workers
    ignore Ctrl-C (the main process handles it), die with the main process, and are terminated when
    the run stops early.
    """
    chunks = _chunks(inputs, CHUNK_SIZE)
    jobs = worker_count(settings.jobs)
    if jobs <= 1:
        yield from (_check_chunk(chunk, settings) for chunk in chunks)
        return
    executor = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(os.getpid(),))
    try:
        pending: deque[Future[Checked]] = deque()
        for chunk in chunks:
            pending.append(executor.submit(_check_chunk, chunk, settings))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BaseException:
        _terminate(executor)
        raise
    executor.shutdown()


def _init_worker(parent: int) -> None:
    """Make a worker ignore Ctrl-C and end when its parent ends, even by ``kill -9``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    """Where no death signal exists (macOS), notice the parent's end within a second."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _terminate(executor: ProcessPoolExecutor) -> None:
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()


def _suppress(findings: Iterable[Finding], allowed: frozenset[str]) -> tuple[Finding, ...]:
    """Drop findings on allow-listed words or phrases, then order by position and code."""
    kept = (f for f in findings if f.match not in allowed)
    return tuple(sorted(kept, key=lambda f: (f.start, f.end, f.code)))


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """Lists of ``size`` inputs; on Ctrl-C while reading, the inputs already read are still checked."""
    iterator = iter(items)
    while True:
        chunk: list[Item] = []
        try:
            chunk.extend(islice(iterator, size))
        except KeyboardInterrupt:
            if chunk:
                yield chunk
            raise
        if not chunk:
            return
        yield chunk


def _build_scorer(settings: Settings) -> Scorer | None:
    if not settings.backtranslation.enabled:
        return None
    from mtqa.backtranslate.scorer import build_scorer

    return build_scorer(settings.backtranslation)


def _deliver(report: ArticleReport, reporters: Sequence[Reporter]) -> str | None:
    """Hand the report to every reporter; the reason, if one could not write it (the rest are skipped)."""
    for reporter in reporters:
        try:
            reporter.article(report)
        except ReportError as exc:
            return str(exc)
    return None


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

    With an output folder, the folder is locked and its manifest written before anything else, and
    completed after the last reporter finished. ``cache`` (incremental runs) supplies the reports of
    unchanged articles and stores new ones; ``adjust`` changes each report before anyone sees it (a
    baseline drops known findings).
    """
    validate_references(settings)
    allowed = _allowed(settings.rules.allow)
    folder = RunFolder.open(run_info, run_info.output_dir) if run_info.output_dir is not None else None
    builder = SummaryBuilder()
    state = "failed"
    try:
        if folder is not None:
            for note in folder.notes():
                builder.note(note)
        summary = _run(inputs, settings, reporters, run_info, allowed, builder, folder, cache, adjust)
        state = "interrupted" if summary.interrupted else "complete"
    finally:
        if folder is not None:
            folder.close(state, builder.articles, builder.failed)
    return RunResult(summary)


def _run(
    inputs: Iterable[Article | ArticleFailure],
    settings: Settings,
    reporters: Sequence[Reporter],
    run_info: RunInfo,
    allowed: frozenset[str],
    builder: SummaryBuilder,
    folder: RunFolder | None,
    cache: ReportCache | None,
    adjust: Callable[[ArticleReport], ArticleReport] | None,
) -> RunSummary:
    scorer = _build_scorer(settings)
    if cache is not None:
        cache.bind(scorer)
    with_reference: list[tuple[str, str]] = []
    interrupted = False
    try:
        for reporter in reporters:
            reporter.start(run_info)
        for checked in _checked_chunks(_reuse(inputs, cache), settings):
            contexts = [item[0] for item in checked if isinstance(item, tuple)]
            scored: dict[str, ArticleScores] = {}
            if scorer is not None and contexts:
                scored = scorer.score([(c.article, c.segments) for c in contexts])
            for item in checked:
                if isinstance(item, ArticleFailure):
                    builder.fail(item)
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
                problem = _deliver(report, reporters)
                if problem is None:
                    builder.add(report)
                else:
                    reason = f"report not written: {problem}"
                    builder.fail(ArticleFailure(article.id, article.origin, reason, article.vendor))
            if folder is not None:
                folder.progress(builder.articles, builder.failed)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if cache is not None:
            cache.close()
        if scorer is not None:
            scorer.close()
    summary = builder.build(run_info.settings, _corpus_scores(scorer, with_reference), interrupted)
    errors: list[ReportError] = []
    for reporter in reporters:
        try:
            reporter.finish(summary)
        except ReportError as exc:  # the other reporters still finish (the console prints totals)
            errors.append(exc)
    if errors:
        raise errors[0]
    return summary


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
    enabled = _enabled_rules(settings.select, ignore)
    if scores is not None:
        codes = {r.code for r in enabled}
        findings = findings + [f for f in scores.findings if f.code in codes]
    kept = _suppress(findings, allowed)
    words = count_words(context.text)
    segments = context.segments if enabled or scores is not None else ()
    return ArticleReport(
        article=context.article,
        segments=segments,
        findings=kept,
        words=words,
        artefact_score=artefact_score([f.severity for f in kept], words),
        scores=scores.scores if scores else (),
        backtranslations=scores.backtranslations if scores else (),
        notes=context.article.notes + (scores.notes if scores else ()),
    )
