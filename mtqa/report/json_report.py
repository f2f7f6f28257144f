"""Per-article JSON reports in the versioned ``mtqa.report/1`` schema (``schema.json`` describes it).

Keys are written in one fixed order and findings in reading order, so two runs over the same article
diff line by line. Nothing run-specific but the mtqa version goes in, for the same reason.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from mtqa.model import ArticleReport, RunSummary, Score
from mtqa.report.base import RunInfo
from mtqa.report.files import ensure_folder, report_path, write_text_atomic
from mtqa.report.view import article_scores, family_counts, locate, scored_segments

REPORT_SCHEMA = "mtqa.report/1"
SCHEMA_FILE = Path(__file__).with_name("schema.json")


def report_document(report: ArticleReport, mtqa_version: str) -> dict[str, Any]:
    """The report as plain data, keys in schema order."""
    article = report.article
    return {
        "schema": REPORT_SCHEMA,
        "mtqa_version": mtqa_version,
        "article": {
            "id": article.id,
            "origin": article.origin,
            "title": article.title,
            "url": article.url,
            "date": article.date,
            "vendor": article.vendor,
            "source_lang": article.source_lang,
            "encoding": article.encoding,
            "source_sha256": text_digest(article.source),
        },
        "words": report.words,
        "segment_count": len(report.segments),
        "artefact_score": report.artefact_score,
        "counts": {
            "severity": report.counts_by_severity(),
            "family": family_counts(report),
        },
        "findings": [
            {
                "code": located.finding.code,
                "rule": located.finding.rule,
                "severity": located.finding.severity.label,
                "line": located.line,
                "column": located.column,
                "end_line": located.end_line,
                "end_column": located.end_column,
                "start": located.finding.start,
                "end": located.finding.end,
                "match": located.finding.match,
                "message": located.finding.message,
                "why": located.finding.why,
                "suggestion": located.finding.suggestion,
                "unit": located.finding.unit,
            }
            for located in locate(report)
        ],
        "segments": [
            {
                "index": scored.segment.index,
                "line": scored.line,
                "start": scored.segment.start,
                "end": scored.segment.end,
                "text": scored.segment.text,
                "scores": [_score(score) for score in scored.scores],
                "backtranslation": scored.backtranslation,
            }
            for scored in scored_segments(report)
        ],
        "scores": [_score(score) for score in article_scores(report)],
        "notes": list(report.notes),
        "text": article.text,
        "reference": article.reference,
    }


def text_digest(text: str | None) -> str | None:
    """SHA-256 of a text with its white space folded: the key that pairs translations of one source."""
    if not text or not text.strip():
        return None
    return hashlib.sha256(" ".join(text.split()).encode("utf-8", "surrogatepass")).hexdigest()


def _score(score: Score) -> dict[str, Any]:
    return {"metric": score.metric, "value": score.value, "signature": score.signature}


def render_json(report: ArticleReport, mtqa_version: str) -> str:
    return json.dumps(report_document(report, mtqa_version), ensure_ascii=False, indent=2) + "\n"


class JsonReporter:
    """Writes ``<output>/<id>.json`` for each article."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        self._version = ""

    def start(self, run: RunInfo) -> None:
        self._version = run.version
        ensure_folder(self.output_dir)

    def article(self, report: ArticleReport) -> None:
        path = report_path(self.output_dir, report.article.id, ".json")
        write_text_atomic(path, render_json(report, self._version))

    def finish(self, summary: RunSummary) -> None:
        """Nothing to add: every article's file is complete when written."""
