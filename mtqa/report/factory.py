"""Turns the report options of a run into the list of reporters the pipeline calls."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO, cast

from mtqa.errors import ConfigError
from mtqa.model import Severity
from mtqa.report.base import Reporter
from mtqa.report.console import (
    CONSOLE_FORMATS,
    GITHUB_ANNOTATION_LIMIT,
    DiagnosticsReporter,
    GithubReporter,
    GuardedStream,
    JsonLinesReporter,
    ProgressReporter,
    TextReporter,
)
from mtqa.report.gitlab import GitlabReporter
from mtqa.report.html_report import HtmlReporter
from mtqa.report.json_report import JsonReporter
from mtqa.report.junit import JunitReporter
from mtqa.report.markdown_report import MarkdownReporter
from mtqa.report.sarif import SarifReporter
from mtqa.report.summary import SummaryReporter


@dataclass(frozen=True)
class ConsoleOptions:
    """What goes to the terminal besides the findings: diagnostics, progress, GitHub's extras."""

    errors: TextIO | None = None
    """Standard error: inputs that could not be read and run notes; ``None`` prints none."""
    progress: bool = False
    github_limit: int = GITHUB_ANNOTATION_LIMIT
    github_summary: str | None = None
    """``$GITHUB_STEP_SUMMARY``: where the GitHub format appends its Markdown job summary."""


FILE_REPORTERS: dict[str, Callable[[Path, Severity | None], Reporter]] = {
    "json": lambda folder, _: JsonReporter(folder),
    "md": lambda folder, _: MarkdownReporter(folder),
    "html": lambda folder, _: HtmlReporter(folder),
    "sarif": lambda folder, _: SarifReporter(folder),
    "junit": JunitReporter,
    "gitlab": lambda folder, _: GitlabReporter(folder),
}


def build_reporters(
    formats: Sequence[str],
    output_dir: Path | None,
    console_format: str | None,
    stream: TextIO,
    color: bool,
    options: ConsoleOptions | None = None,
    fail_level: Severity | None = Severity.MAJOR,
) -> list[Reporter]:
    """File reporters for ``formats`` plus the summary (only with an ``output_dir``), then the console.

    ``output_dir=None`` writes no files at all; ``console_format=None`` prints no findings (the
    diagnostics still go to ``options.errors``).
    """
    options = options or ConsoleOptions()
    unknown = [name for name in formats if name not in FILE_REPORTERS]
    if unknown:
        raise ConfigError(f"unknown report format {unknown[0]!r} (choose from {', '.join(FILE_REPORTERS)})")
    if console_format is not None and console_format not in CONSOLE_FORMATS:
        raise ConfigError(
            f"unknown console format {console_format!r} (choose from {', '.join(CONSOLE_FORMATS)})"
        )
    reporters: list[Reporter] = []
    progress = ProgressReporter(options.errors) if options.progress and options.errors else None
    if progress is not None:
        reporters.append(progress)
        stream = cast(TextIO, GuardedStream(stream, progress))
    if output_dir is not None:
        reporters += [FILE_REPORTERS[name](output_dir, fail_level) for name in dict.fromkeys(formats)]
        reporters.append(SummaryReporter(output_dir))
    if console_format == "text":
        reporters.append(TextReporter(stream, color))
    elif console_format == "github":
        reporters.append(GithubReporter(stream, options.github_limit, options.github_summary))
    elif console_format == "jsonl":
        reporters.append(JsonLinesReporter(stream))
    if options.errors is not None:
        errors = options.errors if progress is None else cast(TextIO, GuardedStream(options.errors, progress))
        reporters.append(DiagnosticsReporter(errors, color))
    return reporters
