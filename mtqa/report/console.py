"""Findings on a text stream, linter-style: plain text for people, GitHub annotations, JSON lines;
diagnostics (inputs that could not be read, run notes) on standard error; a progress bar.

Findings are printed as soon as an article is checked (in reading order); the totals come from the
run summary, which folds them as articles pass. Colour is the caller's decision (the CLI knows whether
the stream is a terminal and reads
``NO_COLOR``/``FORCE_COLOR``), so output captured in tests and pipes stays plain. Article text and
file names come from outside: control characters and terminal escape sequences in them are shown
escaped (``\\x1b``), never sent to the terminal.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from typing import IO, Any, TextIO

import click

from mtqa.model import ArticleReport, RunSummary, Severity
from mtqa.report.base import RunInfo
from mtqa.report.location import source_location
from mtqa.report.view import LocatedFinding, annotation, brief, counted, locate, suggestion_label

CONSOLE_FORMATS = ("text", "github", "jsonl")

_SEVERITY_STYLE: dict[Severity, dict[str, Any]] = {
    Severity.MINOR: {"fg": "yellow"},
    Severity.MAJOR: {"fg": "red"},
    Severity.CRITICAL: {"fg": "red", "bold": True},
}
_GITHUB_LEVEL = {Severity.MINOR: "warning", Severity.MAJOR: "error", Severity.CRITICAL: "error"}
GITHUB_ANNOTATION_LIMIT = 50
"""GitHub shows at most 50 annotations of a job (10 per kind and step); the rest go to the job summary."""
GITHUB_SUMMARY_ROWS = 100
"""Findings listed in the Markdown job summary; the reports hold all of them."""

_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def safe_text(text: str) -> str:
    """``text`` on one line with every control, format (bidi override) or unassigned character escaped.

    An article or file name may carry ``ESC [ 2 J`` or a right-to-left override; printed raw they
    would clear or reorder the reader's terminal. Line breaks become spaces.
    """
    text = _LINE_BREAKS.sub(" ", text)
    if text.isprintable():
        return text
    return "".join(_escape(char) if _is_unsafe(char) else char for char in text)


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


def _is_unsafe(char: str) -> bool:
    return char != " " and not char.isprintable() and unicodedata.category(char) in _UNSAFE_CATEGORIES


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


class _Styled:
    """A reporter writing to a text stream, coloured only when the caller says so."""

    def __init__(self, stream: TextIO, color: bool = False) -> None:
        self.stream = stream
        self.color = color

    def _style(self, text: str, **style: Any) -> str:
        return click.style(text, **style) if self.color else text


class TextReporter(_Styled):
    """``origin:line:col CODE message -> suggestion``, one line per finding, then the totals."""

    def start(self, run: RunInfo) -> None:
        """Nothing to print before the first article."""

    def article(self, report: ArticleReport) -> None:
        origin = self._style(safe_text(report.article.origin), bold=True)
        for item in locate(report):
            self.stream.write(f"{origin}:{item.line}:{item.column} {self._finding(item)}\n")

    def _finding(self, item: LocatedFinding) -> str:
        finding = item.finding
        code = self._style(finding.code, **_SEVERITY_STYLE[finding.severity])
        text = f"{code} {safe_text(finding.message)}"
        label = suggestion_label(finding.suggestion)
        if label is not None:
            text += f" -> {self._style(brief(safe_text(label)), fg='green')}"
        if finding.unit is not None:  # in a bilingual file the segment id, not the line, finds the text
            text += f" [segment {brief(safe_text(finding.unit))}]"
        return text

    def finish(self, summary: RunSummary) -> None:
        self.stream.write(self._style(totals_line(summary), bold=True) + "\n")
        self.stream.flush()


class DiagnosticsReporter(_Styled):
    """Inputs that could not be read and the run's notes, on standard error, whatever is printed.

    ``--output-format none`` or a JSON stream on standard output still leaves the reason of an exit 2
    where a person (or a CI log) sees it.
    """

    def start(self, run: RunInfo) -> None:
        """Nothing to say before the first article."""

    def article(self, report: ArticleReport) -> None:
        """Notes are the run summary's (report notes and the run's own), printed once at the end."""

    def finish(self, summary: RunSummary) -> None:
        for failure in summary.failures:
            error = self._style("error", fg="red", bold=True)
            origin = self._style(safe_text(failure.origin), bold=True)
            self.stream.write(f"{origin}: {error}: {safe_text(failure.reason)}\n")
        for note in run_notes(summary):
            self.stream.write(f"{self._style('note', fg='cyan')}: {safe_text(note)}\n")
        self.stream.flush()


def _github_data(text: str) -> str:
    return safe_text(text.replace("%", "%25")).replace("\r", "%0D").replace("\n", "%0A")


def _github_message(text: str) -> str:
    """Message data of a workflow command: line breaks kept (as ``%0A``), control characters escaped."""
    lines = text.replace("%", "%25").replace("\r\n", "\n").split("\n")
    return "%0A".join(safe_text(line) for line in lines)


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter:
    """GitHub Actions workflow commands, so findings show as annotations on the checked files.

    Minor findings are warnings, major and critical ones errors. A feed row's finding points at the
    feed file's line where the record starts. Past ``limit`` annotations (GitHub shows no more) a
    notice says how many were left out; with ``summary_path`` (``$GITHUB_STEP_SUMMARY``) a Markdown
    job summary lists the totals, the most frequent rules and the first findings.
    """

    def __init__(
        self,
        stream: TextIO,
        limit: int = GITHUB_ANNOTATION_LIMIT,
        summary_path: str | None = None,
    ) -> None:
        self.stream = stream
        self.limit = limit
        self.summary_path = summary_path
        self.annotated = 0
        self.left_out = 0
        self.by_rule: dict[str, int] = {}
        self.rows: list[str] = []

    def start(self, run: RunInfo) -> None:
        """Nothing to print before the first article."""

    def article(self, report: ArticleReport) -> None:
        path, feed_line = source_location(report.article)
        for item in locate(report):
            finding = item.finding
            self.by_rule[finding.code] = self.by_rule.get(finding.code, 0) + 1
            message = annotation(finding)
            if report.article.units:  # lines of the joined German are no lines of the XML file
                position = ""
                where = f"segment {brief(finding.unit or '?')}"
            elif feed_line is None:
                position = (
                    f"line={item.line},col={item.column},endLine={item.end_line},endColumn={item.end_column}"
                )
                where = f"{item.line}:{item.column}"
            else:
                position = f"line={feed_line}"
                message = f"{report.article.id} {item.line}:{item.column}: {message}"
                where = f"{feed_line} ({report.article.id} {item.line}:{item.column})"
            if len(self.rows) < GITHUB_SUMMARY_ROWS:
                self.rows.append(
                    f"| `{_cell(path)}:{_cell(where)}` | {finding.code} | {finding.severity.label} "
                    f"| {_cell(brief(finding.message))} |"
                )
            if self.annotated >= self.limit:
                self.left_out += 1
                continue
            self.annotated += 1
            properties = [
                f"file={_github_property(path)}",
                position,
                f"title={_github_property(finding.code)}",
            ]
            self.stream.write(
                f"::{_GITHUB_LEVEL[finding.severity]} {','.join(p for p in properties if p)}"
                f"::{_github_message(message)}\n"
            )

    def finish(self, summary: RunSummary) -> None:
        for failure in summary.failures:
            path, feed_line = source_location_of_failure(failure.origin)
            place = "" if feed_line is None else f",line={feed_line}"
            self.stream.write(
                f"::error file={_github_property(path)}{place}::{_github_message(failure.reason)}\n"
            )
        if self.left_out:
            self.stream.write(
                f"::notice::{self.left_out} more findings not annotated (GitHub shows {self.limit}); "
                "see the job summary and the reports\n"
            )
        for note in run_notes(summary):
            self.stream.write(f"::notice::{_github_message(note)}\n")
        line = totals_line(summary)
        self.stream.write(line + "\n")
        self.stream.flush()
        if self.summary_path:
            self._write_summary(line, summary)

    def _write_summary(self, line: str, summary: RunSummary) -> None:
        parts = ["## mtqa", "", line, ""]
        if self.by_rule:
            parts += ["| rule | findings |", "|---|---:|"]
            top = sorted(self.by_rule.items(), key=lambda item: (-item[1], item[0]))[:20]
            parts += [f"| {code} | {count} |" for code, count in top]
            parts.append("")
        if summary.failures:
            parts += ["**Could not be read:**", ""]
            parts += [f"- `{_cell(f.origin)}`: {_cell(f.reason)}" for f in summary.failures[:50]]
            parts.append("")
        if self.rows:
            shown = len(self.rows)
            parts += [
                f"Findings (first {shown} of {summary.totals.findings}):"
                if shown < summary.totals.findings
                else "Findings:",
                "",
                "| where | code | severity | message |",
                "|---|---|---|---|",
                *self.rows,
                "",
            ]
        with open(self.summary_path or os.devnull, "a", encoding="utf-8") as handle:
            handle.write("\n".join(parts) + "\n")


def source_location_of_failure(origin: str) -> tuple[str, int | None]:
    """A failure's origin is ``path``, ``path:line`` (a feed row) or ``path#id``."""
    head, separator, tail = origin.rpartition(":")
    if separator and tail.isdigit() and head:
        return head, int(tail)
    return origin, None


def _cell(text: str) -> str:
    return safe_text(text).replace("|", "\\|").replace("`", "'")


class JsonLinesReporter:
    """One JSON object per line: ``finding``s as they come, then ``failure``s, notes and the ``totals``."""

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
            record = {
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
            if article.line is not None:
                record["feed_line"] = article.line
            if finding.unit is not None:
                record["unit"] = finding.unit
            self._write(record)
        self.stream.flush()

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


class ProgressReporter:
    """A progress bar (tqdm) on standard error: articles checked, rate, findings so far.

    Only shown on a terminal, and only once a run has lasted ``delay`` seconds, so short runs and
    logs stay clean. Other console output goes through ``external_write`` so lines never tear the bar.
    """

    def __init__(self, stream: IO[str], delay: float = 2.0) -> None:
        from tqdm import tqdm

        self._bar = tqdm(
            file=stream, unit=" articles", delay=delay, dynamic_ncols=True, leave=False, disable=None
        )
        self.findings = 0

    def start(self, run: RunInfo) -> None:
        """The bar exists from construction; its clock starts there."""

    def article(self, report: ArticleReport) -> None:
        self.findings += len(report.findings)
        self._bar.set_postfix_str(f"{self.findings} findings", refresh=False)
        self._bar.update(1)

    def finish(self, summary: RunSummary) -> None:
        self._bar.close()

    def clear(self) -> None:
        self._bar.clear()

    def refresh(self) -> None:
        self._bar.refresh()


class GuardedStream:
    """A text stream that lifts the progress bar off the terminal while a line is written."""

    def __init__(self, stream: TextIO, progress: ProgressReporter) -> None:
        self._stream = stream
        self._progress = progress

    def write(self, text: str) -> int:
        self._progress.clear()
        written = self._stream.write(text)
        self._stream.flush()
        self._progress.refresh()
        return written

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()
