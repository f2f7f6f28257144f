"""One check run as the CLI and the Python API both do it: inputs, reporters, baseline, cache, gate.

``pipeline.run`` checks articles; this module decides what it is given (the inputs without mtqa's own
outputs, the reporters for the chosen formats, a baseline and a report cache) and turns the outcome
into an exit code, counting the gate itself as articles pass.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from mtqa.config import Settings
from mtqa.model import ArticleReport, RunSummary, Severity
from mtqa.report.base import Reporter, RunInfo
from mtqa.run_files import RUN_FILES

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
OUTPUT_FILES = RUN_FILES
"""Files mtqa writes into the report folder (listed in ``mtqa.run_files``); never read back as input,
even when named."""


@dataclass(frozen=True)
class CheckOptions:
    """How a run reports, beyond the settings: streams, baseline, cache."""

    output_dir: Path | None = None
    console_format: str | None = None
    stream: TextIO | None = None
    errors: TextIO | None = None
    color: bool = False
    progress: bool = False
    baseline: Path | None = None
    write_baseline: Path | None = None
    cache: bool = False
    force: bool = False
    github_limit: int = 50
    github_summary: str | None = None
    extra_reporters: Sequence[Reporter] = field(default_factory=tuple)


@dataclass(frozen=True)
class Outcome:
    summary: RunSummary
    exit_code: int
    findings: int
    """Findings reported (after the baseline)."""
    gated: int
    """Findings at or above the fail level."""
    baseline_hidden: int = 0
    reused: int = 0
    """Articles whose previous report was reused (incremental run)."""
    notes: tuple[str, ...] = ()
    """What the run itself has to say (e.g. the report cache could not be used)."""


class Gate:
    """Counts findings, and those at or above the fail level, as articles pass."""

    def __init__(self, level: Severity | None) -> None:
        self.level = level
        self.findings = 0
        self.gated = 0

    def start(self, run: RunInfo) -> None:
        """Nothing before the first article."""

    def article(self, report: ArticleReport) -> None:
        self.findings += len(report.findings)
        if self.level is not None:
            self.gated += sum(finding.severity >= self.level for finding in report.findings)

    def finish(self, summary: RunSummary) -> None:
        """The counts are complete."""


class Collector:
    """Calls ``callback`` with every report (the Python API's way to see each article)."""

    def __init__(self, callback: Callable[[ArticleReport], None]) -> None:
        self.callback = callback

    def start(self, run: RunInfo) -> None:
        """Nothing before the first article."""

    def article(self, report: ArticleReport) -> None:
        self.callback(report)

    def finish(self, summary: RunSummary) -> None:
        """Nothing after the last article."""


def own_outputs(settings: Settings, options: CheckOptions, paths: Sequence[str]) -> frozenset[str]:
    """Real paths of what this run writes, so no run reads them as input.

    The report folder is skipped as a whole unless it holds a checked path (``mtqa check . -o .``);
    its summary files are skipped always.
    """
    outputs: set[str] = set()
    folder = options.output_dir or Path(settings.output)
    real = os.path.realpath(folder)
    checked = [os.path.realpath(path) for path in paths if path != "-"]
    if not any(path == real or path.startswith(real + os.sep) for path in checked):
        outputs.add(real)
    outputs.update(os.path.join(real, name) for name in OUTPUT_FILES)
    for baseline in (options.baseline, options.write_baseline):
        if baseline is not None:
            outputs.add(os.path.realpath(baseline))
    return frozenset(outputs)


def run_check(paths: Sequence[str], settings: Settings, options: CheckOptions) -> Outcome:
    """Check ``paths`` and report as ``options`` says; raises ``MtqaError`` for usage problems."""
    from mtqa import pipeline
    from mtqa.baseline import Baseline, BaselineWriter
    from mtqa.read import Exclusion, check_paths, read_inputs
    from mtqa.report import build_reporters
    from mtqa.report.factory import ConsoleOptions

    check_paths(paths)
    baseline = Baseline.read(options.baseline) if options.baseline is not None else None
    reporters: list[Reporter] = []
    if options.stream is not None or options.errors is not None or options.output_dir is not None:
        reporters = build_reporters(
            settings.formats,
            options.output_dir,
            options.console_format if options.stream is not None else None,
            options.stream or io.StringIO(),
            options.color,
            ConsoleOptions(options.errors, options.progress, options.github_limit, options.github_summary),
            settings.fail_level,
        )
    gate = Gate(settings.fail_level)
    reporters = [gate, *reporters, *options.extra_reporters]
    if options.write_baseline is not None:
        reporters.append(BaselineWriter(options.write_baseline))
    cache = None
    if options.cache:
        from mtqa.incremental import ReportCache, default_cache_dir

        cache = ReportCache(default_cache_dir(settings), settings, force=options.force)
    exclusion = Exclusion(settings.excluded, settings.root, own_outputs(settings, options, paths))
    run_info = RunInfo.now(options.output_dir, settings.as_dict())
    result = pipeline.run(
        read_inputs(paths, max_article_bytes=settings.max_article_bytes, exclusion=exclusion),
        settings,
        reporters,
        run_info,
        cache=cache,
        adjust=baseline.apply if baseline is not None else None,
    )
    if result.summary.interrupted:
        code = EXIT_INTERRUPTED
    elif result.failures:
        code = EXIT_ERROR
    elif options.write_baseline is not None:
        code = EXIT_CLEAN
    else:
        code = EXIT_FINDINGS if gate.gated else EXIT_CLEAN
    return Outcome(
        summary=result.summary,
        exit_code=code,
        findings=gate.findings,
        gated=gate.gated,
        baseline_hidden=baseline.hidden if baseline is not None else 0,
        reused=cache.hits if cache is not None else 0,
        notes=(cache.problem,) if cache is not None and cache.problem else (),
    )
