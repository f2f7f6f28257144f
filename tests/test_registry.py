"""Rule declaration checks and selection by code prefix (longest prefix wins)."""

from __future__ import annotations

import pytest

from mtqa.model import Severity
from mtqa.rules.registry import all_rules, bad, good, is_selected, rule


@pytest.mark.parametrize(
    ("code", "select", "ignore", "expected"),
    [
        ("TYP001", [], [], True),
        ("TYP001", ["TYP"], [], True),
        ("NAM001", ["TYP"], [], False),
        ("TYP001", [], ["TYP"], False),
        ("TYP001", ["TYP001"], ["TYP"], True),
        ("TYP002", ["TYP001"], ["TYP"], False),
        ("TYP001", ["TYP"], ["TYP001"], False),
        ("TYP001", ["TYP"], ["TYP"], False),
        ("LOC003", ["L"], ["LOC00"], False),
    ],
)
def test_longest_prefix_wins(code: str, select: list[str], ignore: list[str], expected: bool) -> None:
    assert is_selected(code, select, ignore) is expected


def test_codes_are_unique_and_well_formed() -> None:
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)


@pytest.mark.parametrize(
    ("code", "name", "message"),
    [("T1", "x", "family prefix"), ("XYZ001", "x", "unknown family"), ("TYP999", "Bad Name", "kebab-case")],
)
def test_bad_declarations_are_refused(code: str, name: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rule(code, name, Severity.MINOR, "m", "w", [bad("[[x]]"), good("y")])


def test_example_markup() -> None:
    example = bad("Der [[Kreml -Sprecher]] sagte", fix="Kreml-Sprecher")
    assert example.plain == "Der Kreml -Sprecher sagte"
    assert example.span == (4, 19)
    assert example.corrected == "Der Kreml-Sprecher sagte"
