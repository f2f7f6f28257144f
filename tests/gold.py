"""The gold file of the seed article: its rows, their spans in the text, and how findings cover them.

A finding "covers" a row when its span overlaps the row's text on that line (``A ... B`` means from A to
B). Shared by every test that checks rules against the gold, so the format is read in one place.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from mtqa.model import Finding
from tests.conftest import DATA

EXAMPLE = DATA / "peskov-washington.de.txt"
EXAMPLE_GOLD = DATA / "peskov-washington.gold.tsv"


@dataclass(frozen=True)
class GoldRow:
    line: int
    text: str
    category: str
    suggestion: str
    tier: str


def read_gold(path: Path = EXAMPLE_GOLD) -> list[GoldRow]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [GoldRow(int(r["line"]), r["text"], r["category"], r["suggestion"], r["tier"]) for r in rows]


def must_rows(categories: tuple[str, ...], path: Path = EXAMPLE_GOLD) -> list[GoldRow]:
    """The rows of these categories that a rule engine must find."""
    return [r for r in read_gold(path) if r.category in categories and r.tier == "must"]


def row_span(text: str, row: GoldRow) -> tuple[int, int]:
    """Character span of a gold row on its line; ``A ... B`` means from A to B."""
    lines = text.split("\n")
    line_start = sum(len(line) + 1 for line in lines[: row.line - 1])
    line = lines[row.line - 1]
    first, _, last = row.text.partition(" ... ")
    start = line.find(first)
    assert start >= 0, f"gold text {row.text!r} not on line {row.line}"
    end = line.find(last, start) + len(last) if last else start + len(first)
    return line_start + start, line_start + end


def covering(findings: list[Finding], span: tuple[int, int]) -> list[Finding]:
    return [f for f in findings if f.start < span[1] and span[0] < f.end]


def same_correction(text: str, finding: Finding, span: tuple[int, int], gold: str) -> bool:
    """Whether applying the finding's suggestion gives the same text as applying the gold's."""
    if finding.suggestion is None:
        return False
    start, end = min(span[0], finding.start), max(span[1], finding.end)
    ours = text[start : finding.start] + finding.suggestion + text[finding.end : end]
    theirs = text[start : span[0]] + gold + text[span[1] : end]
    return ours == theirs
