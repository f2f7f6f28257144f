"""Baselines: record today's findings once, then report (and fail on) only new ones.

A finding is keyed by article id, rule code, matched text and occurrence (the n-th finding of that
code on that text in the article), never by offsets, so an edit elsewhere in the article does not
make old findings look new. Three occurrences in the baseline and four today: the fourth is new.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from mtqa.errors import ConfigError
from mtqa.model import ArticleReport, Finding, RunSummary, artefact_score
from mtqa.report.base import RunInfo
from mtqa.report.files import write_text_atomic
from mtqa.report.view import position_key

BASELINE_SCHEMA = "mtqa.baseline/1"

FindingKey = tuple[str, str, str, int]
"""(article id, code, match, occurrence from 1)."""


def keyed(article_id: str, findings: Iterable[Finding]) -> Iterator[tuple[FindingKey, Finding]]:
    """Each finding with its key, in reading order (occurrences count in that order)."""
    seen: dict[tuple[str, str], int] = {}
    for finding in sorted(findings, key=position_key):
        pair = (finding.code, finding.match)
        seen[pair] = seen.get(pair, 0) + 1
        yield (article_id, finding.code, finding.match, seen[pair]), finding


def fingerprint(key: FindingKey) -> str:
    """A stable hex digest of a finding key (SARIF ``partialFingerprints``, GitLab ``fingerprint``)."""
    return hashlib.sha256("\0".join(map(str, key)).encode("utf-8", "surrogatepass")).hexdigest()[:32]


class Baseline:
    """The findings of a baseline file, as counts per (article id, code, match)."""

    def __init__(self, counts: dict[tuple[str, str, str], int], path: str = "") -> None:
        self.counts = counts
        self.path = path
        self.hidden = 0
        """Findings left out so far because the baseline has them."""

    @classmethod
    def read(cls, path: Path) -> Baseline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: baseline not found (write one with --write-baseline)") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read baseline ({exc})") from None
        if not isinstance(data, dict) or data.get("schema") != BASELINE_SCHEMA:
            raise ConfigError(f"{path}: not an mtqa baseline (schema {BASELINE_SCHEMA})")
        counts: dict[tuple[str, str, str], int] = {}
        for entry in data.get("findings", []):
            try:
                key = (str(entry["id"]), str(entry["code"]), str(entry["match"]))
                counts[key] = counts.get(key, 0) + int(entry.get("count", 1))
            except (KeyError, TypeError, ValueError):
                raise ConfigError(f"{path}: malformed baseline entry {entry!r}") from None
        return cls(counts, str(path))

    def apply(self, report: ArticleReport) -> ArticleReport:
        """The report without its baselined findings (the pipeline's ``adjust`` hook), so every format,
        the summaries and the exit code see only new findings."""
        kept = self.new_findings(report)
        if len(kept) == len(report.findings):
            return report
        self.hidden += len(report.findings) - len(kept)
        score = artefact_score([f.severity for f in kept], report.words)
        return replace(report, findings=kept, artefact_score=score)

    def new_findings(self, report: ArticleReport) -> tuple[Finding, ...]:
        """The report's findings that are not in the baseline, in the report's order."""
        article_id = report.article.id
        known = {
            id(finding)
            for (_, code, match, occurrence), finding in keyed(article_id, report.findings)
            if occurrence <= self.counts.get((article_id, code, match), 0)
        }
        return tuple(f for f in report.findings if id(f) not in known)


def document(entries: dict[tuple[str, str, str], int]) -> dict[str, Any]:
    findings = [
        {"id": article_id, "code": code, "match": match, "count": count}
        for (article_id, code, match), count in sorted(entries.items())
    ]
    return {"schema": BASELINE_SCHEMA, "findings": findings}


class BaselineWriter:
    """Collects every finding's key as articles pass and writes the baseline file at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.counts: dict[tuple[str, str, str], int] = {}

    def start(self, run: RunInfo) -> None:
        """Nothing before the first article."""

    def article(self, report: ArticleReport) -> None:
        for (article_id, code, match, _), _finding in keyed(report.article.id, report.findings):
            key = (article_id, code, match)
            self.counts[key] = self.counts.get(key, 0) + 1

    def finish(self, summary: RunSummary) -> None:
        text = json.dumps(document(self.counts), ensure_ascii=False, indent=1) + "\n"
        if self.path.parent != Path():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(self.path, text)
