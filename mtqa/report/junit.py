"""JUnit XML (``junit.xml``): one test case per article, so CI test tabs list the articles that fail.

An article fails when it has findings at or above the run's fail level (the same gate as the exit
code); its findings below that level go to ``system-out``. An input that could not be read is a test
case with an ``error``. Text from articles is stripped of characters XML cannot carry.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

from mtqa.model import ArticleReport, RunSummary, Severity
from mtqa.report.base import RunInfo
from mtqa.report.console import safe_text
from mtqa.report.files import ensure_folder, write_text_atomic
from mtqa.report.location import source_location
from mtqa.report.view import counted, locate, suggestion_label
from mtqa.run_files import JUNIT_FILE


class JunitReporter:
    """Writes ``<output>/junit.xml`` when the run finishes; keeps one small element per article."""

    def __init__(self, output_dir: Path, fail_level: Severity | None = Severity.MAJOR) -> None:
        self.output_dir = output_dir
        self.fail_level = fail_level
        self.cases: list[ElementTree.Element] = []
        self.failed = 0

    def start(self, run: RunInfo) -> None:
        ensure_folder(self.output_dir)

    def article(self, report: ArticleReport) -> None:
        article = report.article
        path, feed_line = source_location(article)
        case = ElementTree.Element(
            "testcase", {"classname": safe_text(path), "name": safe_text(article.id), "time": "0"}
        )
        case.set("file", safe_text(path))
        if feed_line is not None:
            case.set("line", str(feed_line))
        failing: list[str] = []
        passing: list[str] = []
        for item in locate(report):
            finding = item.finding
            label = suggestion_label(finding.suggestion)
            line = f"{item.line}:{item.column} {finding.code} [{finding.severity.label}] {finding.message}"
            line = safe_text(line if label is None else f"{line} -> {label}")
            gate = self.fail_level is not None and finding.severity >= self.fail_level
            (failing if gate else passing).append(line)
        if failing:
            self.failed += 1
            failure = ElementTree.SubElement(
                case,
                "failure",
                {
                    "message": f"{counted(len(failing), 'finding')} at or above "
                    f"{self.fail_level.label if self.fail_level else 'the fail level'}",
                    "type": "mtqa",
                },
            )
            failure.text = "\n".join(failing)
        if passing:
            ElementTree.SubElement(case, "system-out").text = "\n".join(passing)
        self.cases.append(case)

    def finish(self, summary: RunSummary) -> None:
        suites = ElementTree.Element("testsuites", {"name": "mtqa"})
        errors = []
        for failure in summary.failures:
            case = ElementTree.Element(
                "testcase",
                {"classname": safe_text(failure.origin), "name": safe_text(failure.id), "time": "0"},
            )
            ElementTree.SubElement(case, "error", {"message": safe_text(failure.reason), "type": "input"})
            errors.append(case)
        suite = ElementTree.SubElement(
            suites,
            "testsuite",
            {
                "name": "mtqa",
                "tests": str(len(self.cases) + len(errors)),
                "failures": str(self.failed),
                "errors": str(len(errors)),
                "skipped": "0",
                "time": "0",
            },
        )
        suite.extend(self.cases)
        suite.extend(errors)
        ElementTree.indent(suites)
        text = ElementTree.tostring(suites, encoding="unicode", xml_declaration=True)
        write_text_atomic(self.output_dir / JUNIT_FILE, text + "\n")
