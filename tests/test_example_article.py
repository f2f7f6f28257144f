"""The seed article against its gold artefacts, and clean control texts against false alarms."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtqa.config import Settings
from mtqa.model import Finding
from mtqa.pipeline import check_article
from mtqa.segment import LineIndex
from tests.conftest import DATA, article
from tests.gold import GoldRow, covering, read_gold, row_span, same_correction

RULES_ONLY = Settings()
ARTICLE = "peskov-washington"
LINES_WITHOUT_ARTEFACTS = (33, 37)
"""Lines of the example with no artefact at all: any finding there is a false alarm.

Lines 11 ("Peskov"), 17 (straight quotes) and 23 ("Dmitriev") have no gold row but real artefacts the
gold lists elsewhere in the article.
"""


def findings_for(text: str) -> list[Finding]:
    return check_article(article(text, ARTICLE), RULES_ONLY)[1]


def assert_gold(text: str, gold: list[GoldRow]) -> None:
    findings = findings_for(text)
    missing = []
    for row in (r for r in gold if r.tier == "must"):
        span = row_span(text, row)
        found = covering(findings, span)
        suggestions = {f.suggestion for f in found}
        if not found:
            missing.append(f"line {row.line}: {row.text!r} ({row.category}) not found")
        elif row.category == "quotes":
            if not any(s and s.startswith("„") for s in suggestions):
                missing.append(f"line {row.line}: {row.text!r}: no German-quote suggestion in {suggestions}")
        elif row.suggestion == "(delete)":
            if "" not in suggestions:
                missing.append(f"line {row.line}: {row.text!r}: no deletion suggested ({suggestions})")
        elif not row.suggestion.startswith("(") and not any(
            same_correction(text, f, span, row.suggestion) for f in found
        ):
            missing.append(
                f"line {row.line}: {row.text!r}: suggestion {row.suggestion!r} not in {suggestions}"
            )
    assert not missing, "\n".join(missing)


def test_bundled_example_finds_every_must_row() -> None:
    text = (DATA / f"{ARTICLE}.de.txt").read_text(encoding="utf-8")
    assert_gold(text, read_gold(DATA / f"{ARTICLE}.gold.tsv"))


def test_shared_example_finds_every_must_row(shared_dir: Path) -> None:
    examples = shared_dir / "examples"
    text = (examples / f"{ARTICLE}.de.txt").read_text(encoding="utf-8")
    assert_gold(text, read_gold(examples / f"{ARTICLE}.gold.tsv"))


@pytest.mark.parametrize("line", LINES_WITHOUT_ARTEFACTS)
def test_no_finding_on_clean_lines_of_the_example(line: int) -> None:
    text = (DATA / f"{ARTICLE}.de.txt").read_text(encoding="utf-8")
    index = LineIndex(text)
    on_line = [f for f in findings_for(text) if index.line_col(f.start)[0] == line]
    assert on_line == []


@pytest.mark.parametrize("path", sorted((DATA / "control").glob("*.txt")), ids=lambda p: p.name)
def test_clean_control_text_has_no_findings(path: Path) -> None:
    findings = findings_for(path.read_text(encoding="utf-8"))
    assert [(f.code, f.match) for f in findings] == []
