"""LanguageTool's own German examples as a yardstick (read from $MTQA_SHARED, skipped without it).

The agreement rules (family GRM) must find at least half of LanguageTool's 161 agreement sentences,
and the whole rule set must not flag LanguageTool's correct sentences more often than before they
were added (35 findings).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from mtqa.config import Settings
from mtqa.model import Finding
from mtqa.pipeline import check_article
from tests.conftest import article

AGREEMENT_SOURCES = (
    "AgreementRuleTest.java",
    "SubjectVerbAgreementRuleTest.java",
    "VerbAgreementRuleTest.java",
)
AGREEMENT_SENTENCES = 161
MIN_FOUND = 81
"""At least half of the agreement sentences."""
MAX_CORRECT_FINDINGS = 35
"""Findings of all rules on correct.tsv before the GRM rules of issue 6 (33 TYP, 1 NAM, 1 BPL)."""
GENUINE_AGREEMENT_ERRORS = {
    "Damit ähnelt die Altersstruktur der europäischer Städte.": "der europäischen Städte",
    "Der 40-jähriger Mann und die 25-jährige Frau wurden Donnerstagabend verhaftet.": "Der 40-jährige Mann",
    "Unseres Studie ist die Finanzierung gekürzt worden.": "Unserer Studie",
    "Der auffälligste Ring ist der erster Ring, obwohl er verglichen mit den anderen Ringen sehr schwach "
    "erscheint.": "der erste Ring",
}
"""Sentences of correct.tsv, written as correct examples for other LanguageTool rules, that hold a real
agreement error (sentence -> the correct phrase). GRM002 must flag exactly these and nothing else there."""


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def agreement_rows(shared: Path) -> list[dict[str, str]]:
    """The agreement subset of incorrect.tsv, as the README of the examples defines it."""
    rows = _rows(shared / "languagetool-examples" / "incorrect.tsv")
    return [
        r
        for r in rows
        if r["source"] in AGREEMENT_SOURCES or (r["source"] == "grammar.xml" and "AGREEMENT" in r["rule"])
    ]


def findings(text: str) -> list[Finding]:
    return check_article(article(text), Settings())[1]


def found(row: dict[str, str]) -> bool:
    """A GRM finding overlapping the marked span, or anywhere in the sentence when no span is given."""
    hits = [f for f in findings(row["text"]) if f.family == "GRM"]
    if not row["start"]:
        return bool(hits)
    start, end = int(row["start"]), int(row["end"])
    return any(f.start < end and start < f.end for f in hits)


def test_agreement_rules_find_half_of_languagetools_agreement_sentences(shared_dir: Path) -> None:
    rows = agreement_rows(shared_dir)
    assert len(rows) == AGREEMENT_SENTENCES
    missed = [r["text"] for r in rows if not found(r)]
    by_source = Counter(r["source"] for r in rows if r["text"] not in missed)
    assert len(rows) - len(missed) >= MIN_FOUND, (
        f"found {len(rows) - len(missed)} of {len(rows)} ({dict(by_source)}); missed: {missed}"
    )


def test_correct_sentences_get_no_more_findings_than_before(shared_dir: Path) -> None:
    rows = _rows(shared_dir / "languagetool-examples" / "correct.tsv")
    by_family: Counter[str] = Counter()
    grm: list[str] = []
    genuine: set[str] = set()
    for row in rows:
        for finding in findings(row["text"]):
            if finding.family == "GRM" and row["text"] in GENUINE_AGREEMENT_ERRORS:
                genuine.add(row["text"])
                continue
            by_family[finding.family] += 1
            if finding.family == "GRM":
                grm.append(f"{finding.code} {finding.match!r} in {row['text']!r}")
    total = sum(by_family.values())
    assert total <= MAX_CORRECT_FINDINGS, f"{total} findings by family {dict(by_family)}; GRM: {grm}"
    assert genuine == set(GENUINE_AGREEMENT_ERRORS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Es sind die Tisch.", 1),
        ("Ich gebe dir ein kleinen Kaninchen.", 1),
        ("Er ging ins Küche.", 1),
        ("Der Zustand meiner Gehirns.", 1),
        ("Es sind die Tische.", 0),
        ("Ich gebe dir ein kleines Kaninchen.", 0),
    ],
)
def test_languagetool_style_sentences(text: str, expected: int) -> None:
    """A few of LanguageTool's cases written out, so the mechanism is tested without the shared folder."""
    assert len([f for f in findings(text) if f.code == "GRM002"]) == expected
