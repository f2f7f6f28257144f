"""Findings on a text stream, linter-style: plain text for people, GitHub annotations, JSON lines.

All three print an article's findings as soon as it is checked (in reading order) and the inputs that
could not be read at the end. Colour is the caller's decision (the CLI knows whether the stream is a
terminal), so output captured in tests and pipes stays plain.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

import click

from mtqa.model import ArticleReport, RunSummary, Severity
from mtqa.report.base import RunInfo
from mtqa.report.view import LocatedFinding, brief, counted, locate, suggestion_label

CONSOLE_FORMATS = ("text", "github", "jsonl")

_SEVERITY_STYLE: dict[Severity, dict[str, Any]] = {
    Severity.MINOR: {"fg": "yellow"},
    Severity.MAJOR: {"fg": "red"},
    Severity.CRITICAL: {"fg": "red", "bold": True},
}
_GITHUB_LEVEL = {Severity.MINOR: "warning", Severity.MAJOR: "error", Severity.CRITICAL: "error"}


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())


def run_notes(summary: RunSummary) -> list[str]:
    """The distinct run-level notes (e.g. back-translation unavailable), in first-seen order."""
    return list(summary.notes)


def totals_line(summary: RunSummary) -> str:
    """``N findings (a critical, b major, c minor) in M articles; K could not be read``."""
    totals = summary.totals
    severities = sorted(Severity, reverse=True)
    by_severity = ", ".join(f"{totals.severity.get(s.label, 0)} {s.label}" for s in severities)
    line = (
        f"{counted(totals.findings, 'finding')} ({by_severity}) "
        f"in {counted(totals.articles, 'article')}; {totals.failed} could not be read"
    )
    return line + " (interrupted)" if summary.interrupted else line


class TextReporter:
    """``origin:line:col CODE message -> suggestion``, one line per finding."""

    def __init__(self, stream: TextIO, color: bool = False) -> None:
        self.stream = stream
        self.color = color

    def _style(self, text: str, **style: Any) -> str:
        return click.style(text, **style) if self.color else text

    def start(self, run: RunInfo) -> None:
        """Nothing to print before the first article."""

    def article(self, report: ArticleReport) -> None:
        origin = self._style(report.article.origin, bold=True)
        for item in locate(report):
            self.stream.write(f"{origin}:{item.line}:{item.column} {self._finding(item)}\n")

    def _finding(self, item: LocatedFinding) -> str:
        finding = item.finding
        text = (
            f"{self._style(finding.code, **_SEVERITY_STYLE[finding.severity])} {_one_line(finding.message)}"
        )
        label = suggestion_label(finding.suggestion)
        if label is None:
            return text
        return f"{text} -> {self._style(brief(_one_line(label)), fg='green')}"

    def finish(self, summary: RunSummary) -> None:
        for failure in summary.failures:
            error = self._style("error", fg="red", bold=True)
            self.stream.write(
                f"{self._style(failure.origin, bold=True)}: {error}: {_one_line(failure.reason)}\n"
            )
        for note in run_notes(summary):
            self.stream.write(f"{self._style('note', fg='cyan')}: {_one_line(note)}\n")
        self.stream.write(self._style(totals_line(summary), bold=True) + "\n")
        self.stream.flush()


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter:
    """GitHub Actions workflow commands, so findings show as annotations on the changed files.

    Minor findings are warnings, major and critical ones errors.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def start(self, run: RunInfo) -> None:
        """Nothing to print before the first article."""

    def article(self, report: ArticleReport) -> None:
        origin = _github_property(report.article.origin)
        for item in locate(report):
            finding = item.finding
            label = suggestion_label(finding.suggestion)
            message = finding.message if label is None else f"{finding.message} -> {label}"
            self.stream.write(
                f"::{_GITHUB_LEVEL[finding.severity]} file={origin},line={item.line},col={item.column},"
                f"endLine={item.end_line},endColumn={item.end_column},"
                f"title={_github_property(finding.code)}::{_github_data(message)}\n"
            )

    def finish(self, summary: RunSummary) -> None:
        for failure in summary.failures:
            self.stream.write(
                f"::error file={_github_property(failure.origin)}::{_github_data(failure.reason)}\n"
            )
        for note in run_notes(summary):
            self.stream.write(f"::notice::{_github_data(note)}\n")
        self.stream.write(totals_line(summary) + "\n")
        self.stream.flush()


class JsonLinesReporter:
    """One JSON object per line: ``finding``s as they come, then ``failure``s and the ``totals``."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def _write(self, record: dict[str, Any]) -> None:
        self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")

    def start(self, run: RunInfo) -> None:
        """Nothing to print before the first article."""

    def article(self, report: ArticleReport) -> None:
        article = report.article
        for item in locate(report):
            finding = item.finding
            self._write(
                {
                    "type": "finding",
                    "id": article.id,
                    "origin": article.origin,
                    "code": finding.code,
                    "rule": finding.rule,
                    "severity": finding.severity.label,
                    "line": item.line,
                    "column": item.column,
                    "end_line": item.end_line,
                    "end_column": item.end_column,
                    "start": finding.start,
                    "end": finding.end,
                    "match": finding.match,
                    "message": finding.message,
                    "suggestion": finding.suggestion,
                }
            )

    def finish(self, summary: RunSummary) -> None:
        for failure in summary.failures:
            self._write(
                {"type": "failure", "id": failure.id, "origin": failure.origin, "reason": failure.reason}
            )
        for note in run_notes(summary):
            self._write({"type": "note", "text": note})
        totals = summary.totals
        self._write(
            {
                "type": "totals",
                "articles": totals.articles,
                "failed": totals.failed,
                "findings": totals.findings,
                **{s.label: totals.severity.get(s.label, 0) for s in Severity},
            }
        )
        self.stream.flush()
