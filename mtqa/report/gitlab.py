"""GitLab Code Quality (``gl-code-quality-report.json``): findings shown in merge requests.

Each finding is an issue with a fingerprint from its baseline key (so GitLab tells new from fixed
findings across commits), the path relative to the working folder (the repository root in CI) and the
line: the article's line, or for a feed row the feed line where its record starts. An input that
could not be read is a ``blocker``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from mtqa.baseline import fingerprint, keyed
from mtqa.model import ArticleReport, RunSummary, Severity
from mtqa.paths import relative_path
from mtqa.report.base import RunInfo
from mtqa.report.console import source_location_of_failure
from mtqa.report.files import ensure_folder, write_text_atomic
from mtqa.report.location import source_location
from mtqa.report.view import annotation, locate
from mtqa.run_files import GITLAB_FILE

SEVERITIES = {Severity.MINOR: "minor", Severity.MAJOR: "major", Severity.CRITICAL: "critical"}


class GitlabReporter:
    """Writes the Code Quality report when the run finishes."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        self.issues: list[dict[str, Any]] = []

    def start(self, run: RunInfo) -> None:
        ensure_folder(self.output_dir)

    def article(self, report: ArticleReport) -> None:
        article = report.article
        path, feed_line = source_location(article)
        shown = relative_path(path, os.getcwd())
        located = {id(item.finding): item for item in locate(report)}
        for key, finding in keyed(article.id, report.findings):
            item = located[id(finding)]
            description = annotation(finding)
            line = item.line
            if feed_line is not None:
                description = f"{article.id} {item.line}:{item.column}: {description}"
                line = feed_line
            if article.units:  # a bilingual file: the segment in the description, not a line, finds it
                line = 1
            self.issues.append(
                {
                    "type": "issue",
                    "check_name": finding.code,
                    "description": f"{finding.code} {description}",
                    "categories": ["Style"],
                    "fingerprint": fingerprint(key),
                    "severity": SEVERITIES[finding.severity],
                    "location": {
                        "path": shown,
                        "lines": {"begin": line},
                    },
                }
            )

    def finish(self, summary: RunSummary) -> None:
        issues = list(self.issues)
        for failure in summary.failures:
            path, line = source_location_of_failure(failure.origin)
            issues.append(
                {
                    "type": "issue",
                    "check_name": "mtqa-input",
                    "description": f"could not be read: {failure.reason}",
                    "categories": ["Bug Risk"],
                    "fingerprint": fingerprint((failure.id, "input", failure.reason, 1)),
                    "severity": "blocker",
                    "location": {"path": relative_path(path, os.getcwd()), "lines": {"begin": line or 1}},
                }
            )
        text = json.dumps(issues, ensure_ascii=False, indent=1) + "\n"
        write_text_atomic(self.output_dir / GITLAB_FILE, text)
