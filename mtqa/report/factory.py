"""Turns the report options of a run into the list of reporters the pipeline calls."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from mtqa.errors import ConfigError
from mtqa.report.base import Reporter
from mtqa.report.console import CONSOLE_FORMATS, GithubReporter, JsonLinesReporter, TextReporter
from mtqa.report.html_report import HtmlReporter
from mtqa.report.json_report import JsonReporter
from mtqa.report.markdown_report import MarkdownReporter
from mtqa.report.summary import SummaryReporter

FILE_REPORTERS: dict[str, type[JsonReporter | MarkdownReporter | HtmlReporter]] = {
    "json": JsonReporter,
    "md": MarkdownReporter,
    "html": HtmlReporter,
}


def build_reporters(
    formats: Sequence[str],
    output_dir: Path | None,
    console_format: str | None,
    stream: TextIO,
    color: bool,
) -> list[Reporter]:
    """File reporters for ``formats`` plus the summary (only with an ``output_dir``), then the console.

    ``output_dir=None`` writes no files at all; ``console_format=None`` prints nothing.
    """
    unknown = [name for name in formats if name not in FILE_REPORTERS]
    if unknown:
        raise ConfigError(f"unknown report format {unknown[0]!r} (choose from {', '.join(FILE_REPORTERS)})")
    if console_format is not None and console_format not in CONSOLE_FORMATS:
        raise ConfigError(
            f"unknown console format {console_format!r} (choose from {', '.join(CONSOLE_FORMATS)})"
        )
    reporters: list[Reporter] = []
    if output_dir is not None:
        reporters += [FILE_REPORTERS[name](output_dir) for name in dict.fromkeys(formats)]
        reporters.append(SummaryReporter(output_dir))
    if console_format == "text":
        reporters.append(TextReporter(stream, color))
    elif console_format == "github":
        reporters.append(GithubReporter(stream))
    elif console_format == "jsonl":
        reporters.append(JsonLinesReporter(stream))
    return reporters
