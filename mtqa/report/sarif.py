"""SARIF 2.1.0 (``mtqa.sarif``): the format code-scanning services read (GitHub, GitLab, Azure DevOps).

Every rule goes into the tool's rule table with its why and examples; every finding becomes a result
with its region (for a feed row: the feed line where its record starts, and the position inside the
row's text in ``properties``; for a bilingual file: the file, with the segment as a logical location),
a fix where there is a suggestion (none for a bilingual file), and a partial fingerprint from the
baseline key (article id, code, match, occurrence) so services track a finding across edits. Columns
count Unicode code points, as Python does. Results are kept as small dicts until ``finish``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mtqa import __version__
from mtqa.baseline import fingerprint, keyed
from mtqa.model import ArticleReport, RunSummary, Severity
from mtqa.paths import relative_path
from mtqa.report.base import RunInfo
from mtqa.report.console import source_location_of_failure
from mtqa.report.files import ensure_folder, write_text_atomic
from mtqa.report.location import source_location
from mtqa.report.view import LocatedFinding, locate
from mtqa.rules.registry import FAMILIES, Rule, all_rules
from mtqa.run_files import SARIF_FILE

SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://pypi.org/project/mtqa/"
LEVELS = {Severity.MINOR: "warning", Severity.MAJOR: "error", Severity.CRITICAL: "error"}
FINGERPRINT = "mtqaFinding/v1"


def artifact_uri(path: str) -> str:
    """A path relative to the working folder (the repository root in CI), or a ``file:`` URI."""
    relative = relative_path(path, os.getcwd())
    if relative.startswith("/"):
        return Path(relative).as_uri()
    return quote(relative)


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    examples = [
        f"{'bad' if example.is_bad else 'good'}: {example.plain}"
        + (f" -> {example.fix or '(delete)'}" if example.is_bad and example.fix is not None else "")
        for example in rule.examples
    ]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "help": {"text": "\n".join([rule.why, *examples])},
        "properties": {
            "tags": [rule.family, FAMILIES.get(rule.family, rule.family)],
            "severity": rule.severity.label,
        },
    }


class SarifReporter:
    """Writes ``<output>/mtqa.sarif`` when the run finishes."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        self.results: list[dict[str, Any]] = []
        self.rules = all_rules()
        self.rule_index = {rule.code: index for index, rule in enumerate(self.rules)}

    def start(self, run: RunInfo) -> None:
        ensure_folder(self.output_dir)

    def article(self, report: ArticleReport) -> None:
        article = report.article
        path, feed_line = source_location(article)
        uri = artifact_uri(path)
        keys = {id(finding): key for key, finding in keyed(article.id, report.findings)}
        # In a bilingual file the positions are those of the joined German, not of the XML: such a
        # finding points at the file and names its segment, and carries no fix a tool could misapply.
        bilingual = bool(article.units)
        for item in locate(report):
            finding = item.finding
            region = {"startLine": 1} if bilingual else self._region(item, feed_line)
            logical = [{"name": article.id, "kind": "member"}]
            if finding.unit is not None:
                logical.append(
                    {
                        "name": finding.unit,
                        "fullyQualifiedName": f"{article.id}/{finding.unit}",
                        "kind": "element",
                    }
                )
            result: dict[str, Any] = {
                "ruleId": finding.code,
                "level": LEVELS[finding.severity],
                "message": {"text": finding.message},
                "locations": [
                    {
                        "physicalLocation": {"artifactLocation": {"uri": uri}, "region": region},
                        "logicalLocations": logical,
                    }
                ],
                "partialFingerprints": {FINGERPRINT: fingerprint(keys[id(finding)])},
                "properties": {
                    "article": article.id,
                    "severity": finding.severity.label,
                    "match": finding.match,
                    "suggestion": finding.suggestion,
                    "textLine": item.line,
                    "textColumn": item.column,
                },
            }
            if finding.unit is not None:  # the XLIFF/TMX segment, as a CAT tool names it
                result["properties"]["segment"] = finding.unit
            if finding.code in self.rule_index:
                result["ruleIndex"] = self.rule_index[finding.code]
            if finding.suggestion is not None and feed_line is None and not bilingual:
                result["fixes"] = [
                    {
                        "description": {"text": f"Replace with '{finding.suggestion}'"},
                        "artifactChanges": [
                            {
                                "artifactLocation": {"uri": uri},
                                "replacements": [
                                    {
                                        "deletedRegion": region,
                                        "insertedContent": {"text": finding.suggestion},
                                    }
                                ],
                            }
                        ],
                    }
                ]
            self.results.append(result)

    @staticmethod
    def _region(item: LocatedFinding, feed_line: int | None) -> dict[str, int]:
        if feed_line is not None:
            return {"startLine": feed_line}
        return {
            "startLine": item.line,
            "startColumn": item.column,
            "endLine": item.end_line,
            "endColumn": item.end_column,
        }

    def document(self, summary: RunSummary) -> dict[str, Any]:
        notifications = []
        for failure in summary.failures:
            path, line = source_location_of_failure(failure.origin)
            location: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(path)}}
            if line is not None:
                location["region"] = {"startLine": line}
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": failure.reason},
                    "locations": [{"physicalLocation": location}],
                }
            )
        return {
            "$schema": SARIF_SCHEMA_URI,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "mtqa",
                            "version": __version__,
                            "informationUri": INFORMATION_URI,
                            "rules": [rule_descriptor(rule) for rule in self.rules],
                        }
                    },
                    "columnKind": "unicodeCodePoints",
                    "invocations": [
                        {
                            "executionSuccessful": not summary.failures,
                            "toolExecutionNotifications": notifications,
                        }
                    ],
                    "results": self.results,
                }
            ],
        }

    def finish(self, summary: RunSummary) -> None:
        text = json.dumps(self.document(summary), ensure_ascii=False, indent=1) + "\n"
        write_text_atomic(self.output_dir / SARIF_FILE, text)
