"""Run-wide summaries written at ``finish``: ``summary.csv``, ``vendors.csv`` and ``summary.json``.

``summary.csv`` has one row per article and per input that could not be read, with a fixed set of
columns (every rule family, even unused ones) so spreadsheets and scripts built on it keep working from
run to run. ``vendors.csv`` lets localization teams compare the vendors or engines that translated the
articles. pandas is imported only here, when a run with an output folder finishes.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtqa.model import ArticleFailure, ArticleReport, RunSummary, Severity
from mtqa.report.base import RunInfo
from mtqa.report.files import ensure_folder, write_text_atomic
from mtqa.report.view import family_counts
from mtqa.rules.registry import FAMILIES

if TYPE_CHECKING:
    import pandas as pd

SUMMARY_SCHEMA = "mtqa.summary/1"
NO_VENDOR = "(none)"
SEVERITY_COLUMNS = tuple(s.label for s in Severity)
COUNT_COLUMNS = ("words", "segments", "findings", *SEVERITY_COLUMNS, *FAMILIES)


def _metric_names(reports: Iterable[ArticleReport]) -> tuple[list[str], list[str]]:
    """Segment-level and article-level metric names seen in the run, each sorted."""
    segment: set[str] = set()
    article: set[str] = set()
    for report in reports:
        for score in report.scores:
            (article if score.segment is None else segment).add(score.metric)
    return sorted(segment), sorted(article)


def summary_layout(reports: tuple[ArticleReport, ...]) -> tuple[list[str], dict[str, str]]:
    """The CSV columns, and the column of each article-level metric.

    An article-level metric is named as itself unless that would clash with another column, in which
    case it becomes ``article_<metric>``.
    """
    segment_metrics, article_metrics = _metric_names(reports)
    fixed = ["id", "origin", "vendor", *COUNT_COLUMNS, "artefact_score"]
    means = [f"mean_{metric}" for metric in segment_metrics]
    taken = {*fixed, *means, "error"}
    overall = {metric: metric if metric not in taken else f"article_{metric}" for metric in article_metrics}
    return [*fixed, *means, *overall.values(), "error"], overall


def _report_row(report: ArticleReport, article_columns: dict[str, str]) -> dict[str, Any]:
    article = report.article
    row: dict[str, Any] = {
        "id": article.id,
        "origin": article.origin,
        "vendor": article.vendor,
        "words": report.words,
        "segments": len(report.segments),
        "findings": len(report.findings),
        **report.counts_by_severity(),
        **family_counts(report),
        "artefact_score": report.artefact_score,
        "error": "",
    }
    by_metric: dict[str, list[float]] = {}
    for score in report.scores:
        if score.segment is not None:
            by_metric.setdefault(f"mean_{score.metric}", []).append(score.value)
        else:
            row[article_columns[score.metric]] = score.value
    for name, values in by_metric.items():
        row[name] = round(statistics.fmean(values), 4)
    return row


def _failure_row(failure: ArticleFailure) -> dict[str, Any]:
    return {
        "id": failure.id,
        "origin": failure.origin,
        "vendor": _failure_vendor(failure),
        "error": failure.reason,
    }


def _failure_vendor(failure: ArticleFailure) -> str | None:
    """The vendor of a failed input when the reader could tell (``ArticleFailure`` may not carry one)."""
    vendor = getattr(failure, "vendor", None)
    return vendor if isinstance(vendor, str) and vendor else None


def summary_frame(summary: RunSummary) -> pd.DataFrame:
    """One row per article, then one per failure; integer columns stay integers despite blank cells."""
    import pandas as pd

    columns, article_columns = summary_layout(summary.reports)
    rows = [_report_row(report, article_columns) for report in summary.reports]
    rows += [_failure_row(failure) for failure in summary.failures]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({column: "Int64" for column in COUNT_COLUMNS})


def vendor_frame(summary: RunSummary) -> pd.DataFrame | None:
    """Per-vendor totals, or ``None`` when no article names its vendor."""
    import pandas as pd

    failed_vendors = [_failure_vendor(failure) for failure in summary.failures]
    if not any(report.article.vendor for report in summary.reports) and not any(failed_vendors):
        return None
    groups: dict[str, list[ArticleReport]] = {}
    for report in summary.reports:
        groups.setdefault(report.article.vendor or NO_VENDOR, []).append(report)
    failed: dict[str, int] = {}
    for vendor in failed_vendors:
        failed[vendor or NO_VENDOR] = failed.get(vendor or NO_VENDOR, 0) + 1
    names = sorted(set(groups) | set(failed), key=lambda name: (name == NO_VENDOR, name))
    rows = []
    for name in names:
        reports = groups.get(name, [])
        words = sum(report.words for report in reports)
        findings = sum(len(report.findings) for report in reports)
        scores = [report.artefact_score for report in reports]
        severities = dict.fromkeys(SEVERITY_COLUMNS, 0)
        for report in reports:
            for label, count in report.counts_by_severity().items():
                severities[label] += count
        rows.append(
            {
                "vendor": name,
                "articles": len(reports),
                "failed": failed.get(name, 0),
                "words": words,
                "findings": findings,
                **severities,
                "mean_artefact_score": round(statistics.fmean(scores), 3) if scores else None,
                "median_artefact_score": round(statistics.median(scores), 3) if scores else None,
                "findings_per_100_words": round(100.0 * findings / words, 3) if words else None,
            }
        )
    return pd.DataFrame(rows)


def summary_document(summary: RunSummary, run: RunInfo) -> dict[str, Any]:
    """The run as plain data (schema ``mtqa.summary/1``): totals, failures, version, settings."""
    reports = summary.reports
    severities = dict.fromkeys(SEVERITY_COLUMNS, 0)
    families = dict.fromkeys(FAMILIES, 0)
    for report in reports:
        for label, count in report.counts_by_severity().items():
            severities[label] += count
        for family, count in family_counts(report).items():
            families[family] = families.get(family, 0) + count
    scores = [report.artefact_score for report in reports]
    return {
        "schema": SUMMARY_SCHEMA,
        "mtqa_version": run.version,
        "started_at": run.started,
        "settings": summary.settings or run.settings,
        "totals": {
            "articles": len(reports),
            "failed": len(summary.failures),
            "words": sum(report.words for report in reports),
            "segments": sum(len(report.segments) for report in reports),
            "findings": sum(len(report.findings) for report in reports),
            "severity": severities,
            "family": families,
            "mean_artefact_score": round(statistics.fmean(scores), 3) if scores else None,
            "median_artefact_score": round(statistics.median(scores), 3) if scores else None,
        },
        "failures": [
            {"id": failure.id, "origin": failure.origin, "reason": failure.reason}
            for failure in summary.failures
        ],
        "scores": [
            {"metric": score.metric, "value": score.value, "signature": score.signature}
            for score in summary.scores
        ],
    }


class SummaryReporter:
    """Writes the run-wide summary files into the output folder when the run finishes."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        self._run: RunInfo | None = None

    def start(self, run: RunInfo) -> None:
        self._run = run
        ensure_folder(self.output_dir)

    def article(self, report: ArticleReport) -> None:
        """Nothing yet: the summary needs the whole run, which ``finish`` receives."""

    def finish(self, summary: RunSummary) -> None:
        run = self._run or RunInfo.now(self.output_dir)
        write_text_atomic(self.output_dir / "summary.csv", _csv(summary_frame(summary)))
        vendors = vendor_frame(summary)
        if vendors is not None:
            write_text_atomic(self.output_dir / "vendors.csv", _csv(vendors))
        document = summary_document(summary, run)
        write_text_atomic(
            self.output_dir / "summary.json",
            json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n",
        )


def _csv(frame: pd.DataFrame) -> str:
    return str(frame.to_csv(index=False, lineterminator="\n"))
