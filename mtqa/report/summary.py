"""Run-wide summaries: ``summary.csv``, ``vendors.csv`` and ``summary.json``, streamed.

``summary.csv`` has one row per article and per input that could not be read, with a fixed set of
columns (every rule family, even unused ones) so spreadsheets and scripts built on it keep working from
run to run. Rows are written as articles pass, to a temporary file in the output folder, and nothing of
an article is kept in memory: at the end the rows are copied once into ``summary.csv`` under the full
header (the score columns are known only then). ``vendors.csv`` lets localization teams compare the
vendors or engines that translated the articles; both come from the totals the pipeline folds.

Every text cell that a spreadsheet would read as a formula (OWASP's rule: it begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is written with a leading ``'``: ids, vendors and file
names come from untrusted input.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from mtqa.errors import ReportError
from mtqa.model import NO_VENDOR, ArticleFailure, ArticleReport, RunSummary, Severity, Totals
from mtqa.report.base import RunInfo
from mtqa.report.files import ensure_folder, temporary_sibling, write_text_atomic
from mtqa.report.view import family_counts
from mtqa.rules.registry import FAMILIES
from mtqa.run_files import SUMMARY_CSV, SUMMARY_JSON, VENDORS_CSV

SUMMARY_SCHEMA = "mtqa.summary/1"
SEVERITY_COLUMNS = tuple(s.label for s in Severity)
COUNT_COLUMNS = ("words", "segments", "findings", *SEVERITY_COLUMNS, *FAMILIES)
FIXED_COLUMNS = ("id", "origin", "vendor", *COUNT_COLUMNS, "artefact_score")
TEXT_COLUMNS = frozenset({"id", "origin", "vendor", "notes", "error"})
VENDOR_COLUMNS = (
    "vendor", "articles", "failed", "words", "findings", *SEVERITY_COLUMNS,
    "mean_artefact_score", "median_artefact_score", "findings_per_100_words",
)  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""OWASP's CSV-injection rule: a cell starting with one of these is prefixed with ``'``."""


def neutralise_cell(value: object) -> object:
    """``value`` safe to open in a spreadsheet: text that would start a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def summary_layout(segment_metrics: set[str], article_metrics: set[str]) -> tuple[list[str], dict[str, str]]:
    """The CSV columns, and the column of each article-level metric.

    An article-level metric is named as itself unless that would clash with another column, in which
    case it becomes ``article_<metric>``.
    """
    means = [f"mean_{metric}" for metric in sorted(segment_metrics)]
    taken = {*FIXED_COLUMNS, *means, "notes", "error"}
    overall = {
        metric: metric if metric not in taken else f"article_{metric}" for metric in sorted(article_metrics)
    }
    return [*FIXED_COLUMNS, *means, *overall.values(), "notes", "error"], overall


def _report_row(report: ArticleReport) -> tuple[list[Any], dict[str, float], dict[str, float]]:
    """The fixed cells, the segment-metric means and the article-level metrics of one report."""
    article = report.article
    severities = report.counts_by_severity()
    families = family_counts(report)
    cells: list[Any] = [
        article.id,
        article.origin,
        article.vendor or "",
        report.words,
        len(report.segments),
        len(report.findings),
        *(severities[label] for label in SEVERITY_COLUMNS),
        *(families[family] for family in FAMILIES),
        report.artefact_score,
    ]
    by_metric: dict[str, list[float]] = {}
    overall: dict[str, float] = {}
    for score in report.scores:
        if score.segment is not None:
            by_metric.setdefault(score.metric, []).append(score.value)
        else:
            overall[score.metric] = score.value
    means = {metric: round(statistics.fmean(values), 4) for metric, values in by_metric.items()}
    return cells, means, overall


def vendor_rows(summary: RunSummary) -> list[dict[str, Any]]:
    """One row per vendor (``vendors.csv``); empty when no input named its vendor."""
    return [_vendor_row(name, totals) for name, totals in summary.vendors.items()]


def _vendor_row(name: str, totals: Totals) -> dict[str, Any]:
    return {
        "vendor": name,
        "articles": totals.articles,
        "failed": totals.failed,
        "words": totals.words,
        "findings": totals.findings,
        **{label: totals.severity.get(label, 0) for label in SEVERITY_COLUMNS},
        "mean_artefact_score": totals.mean_artefact_score,
        "median_artefact_score": totals.median_artefact_score,
        "findings_per_100_words": round(100.0 * totals.findings / totals.words, 3) if totals.words else None,
    }


def summary_document(summary: RunSummary, run: RunInfo) -> dict[str, Any]:
    """The run as plain data (schema ``mtqa.summary/1``): totals, failures, version, settings."""
    totals = summary.totals
    return {
        "schema": SUMMARY_SCHEMA,
        "mtqa_version": run.version,
        "run_id": run.run_id,
        "started_at": run.started,
        "interrupted": summary.interrupted,
        "settings": summary.settings or run.settings,
        "totals": {
            "articles": totals.articles,
            "failed": totals.failed,
            "words": totals.words,
            "segments": totals.segments,
            "findings": totals.findings,
            "severity": {label: totals.severity.get(label, 0) for label in SEVERITY_COLUMNS},
            "family": {family: totals.family.get(family, 0) for family in FAMILIES},
            "mean_artefact_score": totals.mean_artefact_score,
            "median_artefact_score": totals.median_artefact_score,
            "with_notes": totals.with_notes,
        },
        "failures": [
            {"id": failure.id, "origin": failure.origin, "reason": failure.reason}
            for failure in summary.failures
        ],
        "notes": list(summary.notes),
        "scores": [
            {"metric": score.metric, "value": score.value, "signature": score.signature}
            for score in summary.scores
        ],
    }


def _cell(value: object) -> object:
    return "" if value is None else neutralise_cell(value)


class SummaryReporter:
    """Streams ``summary.csv`` rows as articles pass; writes the summary files when the run finishes."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        self._run: RunInfo | None = None
        self._spool_path: Path | None = None
        self._spool: IO[str] | None = None
        self._writer: Any = None
        self._segment_metrics: set[str] = set()
        self._article_metrics: set[str] = set()

    def start(self, run: RunInfo) -> None:
        self._run = run
        ensure_folder(self.output_dir)
        self._spool_path = temporary_sibling(self.output_dir / SUMMARY_CSV)
        try:
            self._spool = open(self._spool_path, "x", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as exc:
            raise ReportError(f"{self._spool_path}: cannot write ({exc.strerror or exc})") from None
        self._writer = csv.writer(self._spool, lineterminator="\n")

    def article(self, report: ArticleReport) -> None:
        """Append the article's row to the spool (its text columns neutralised when written out)."""
        if self._spool is None:
            self.start(self._run or RunInfo.now(self.output_dir))
        cells, means, overall = _report_row(report)
        self._segment_metrics.update(means)
        self._article_metrics.update(overall)
        metrics = json.dumps([means, overall], ensure_ascii=False) if means or overall else ""
        notes = "; ".join(report.article.notes)
        try:
            self._writer.writerow([*cells, notes, metrics])
        except OSError as exc:
            raise ReportError(f"{self._spool_path}: cannot write ({exc.strerror or exc})") from None
        except UnicodeError as exc:
            raise ReportError(f"{self._spool_path}: cannot write ({exc})") from None

    def finish(self, summary: RunSummary) -> None:
        run = self._run or RunInfo.now(self.output_dir)
        try:
            self._write_summary_csv(summary)
        finally:
            self._drop_spool()
        vendors = vendor_rows(summary)
        if vendors:
            write_text_atomic(self.output_dir / VENDORS_CSV, _csv_text(list(VENDOR_COLUMNS), vendors))
        document = summary_document(summary, run)
        write_text_atomic(
            self.output_dir / SUMMARY_JSON,
            json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n",
        )

    def _write_summary_csv(self, summary: RunSummary) -> None:
        columns, overall_columns = summary_layout(self._segment_metrics, self._article_metrics)
        target = self.output_dir / SUMMARY_CSV
        temporary = temporary_sibling(target)
        done = False
        try:
            with open(temporary, "x", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(columns)
                for row in self._spooled_rows(columns, overall_columns):
                    writer.writerow(row)
                for failure in summary.failures:
                    writer.writerow(_failure_row(failure, columns))
            os.replace(temporary, target)
            done = True
        except OSError as exc:
            raise ReportError(f"{target}: cannot write report ({exc.strerror or exc})") from None
        finally:
            if not done:
                with contextlib.suppress(OSError):
                    temporary.unlink(missing_ok=True)

    def _spooled_rows(self, columns: list[str], overall_columns: dict[str, str]) -> Iterator[list[object]]:
        if self._spool is None or self._spool_path is None:
            return
        self._spool.close()
        fixed = len(FIXED_COLUMNS)
        position = {name: index for index, name in enumerate(columns)}
        with open(self._spool_path, encoding="utf-8", newline="") as spooled:
            for cells in csv.reader(spooled):
                row: list[object] = [""] * len(columns)
                row[:fixed] = [_cell(value) for value in cells[:fixed]]
                row[position["notes"]] = _cell(cells[fixed])
                if cells[fixed + 1]:
                    means, overall = json.loads(cells[fixed + 1])
                    for metric, value in means.items():
                        row[position[f"mean_{metric}"]] = value
                    for metric, value in overall.items():
                        row[position[overall_columns[metric]]] = value
                yield row

    def _drop_spool(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None
        if self._spool_path is not None:
            with contextlib.suppress(OSError):
                self._spool_path.unlink(missing_ok=True)
            self._spool_path = None


def _failure_row(failure: ArticleFailure, columns: list[str]) -> list[object]:
    values = {
        "id": failure.id,
        "origin": failure.origin,
        "vendor": failure.vendor or "",
        "error": failure.reason,
    }
    return [_cell(values.get(column, "")) for column in columns]


def _csv_text(columns: list[str], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


__all__ = ["NO_VENDOR", "SummaryReporter", "neutralise_cell", "summary_document", "vendor_rows"]
