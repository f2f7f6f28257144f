"""One generic test turns every rule's declared examples into test cases (LanguageTool-style)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mtqa.rules.registry import Example, Rule, RuleContext, all_rules
from tests.conftest import article

TEXT_RULES = [r for r in all_rules() if r.family != "BTR"]
BAD = [(r, e) for r in TEXT_RULES for e in r.examples if e.is_bad]
FIXED = [(r, e) for r, e in BAD if e.fix is not None]
GOOD = [(r, e) for r in TEXT_RULES for e in r.examples if not e.is_bad]


def _run(rule: Rule, text: str, example: Example) -> list[tuple[int, int, str | None]]:
    """Run ``rule`` on ``text`` with the example's source text and options, if it has them."""
    checked = replace(article(text), source=example.source, source_lang=example.source_lang)
    return [(f.start, f.end, f.suggestion) for f in rule.run(RuleContext.of(checked, example.options))]


def test_there_are_rules() -> None:
    assert len(TEXT_RULES) >= 20


@pytest.mark.parametrize("rule", TEXT_RULES, ids=lambda r: r.code)
def test_every_rule_has_bad_and_good_examples(rule: Rule) -> None:
    assert any(e.is_bad for e in rule.examples), f"{rule.code} has no bad example"
    assert any(not e.is_bad for e in rule.examples), f"{rule.code} has no good example"
    assert rule.why and rule.message


@pytest.mark.parametrize(("rule", "example"), BAD, ids=lambda x: getattr(x, "code", "") or "")
def test_bad_example_gives_exactly_one_finding_at_the_marked_span(rule: Rule, example: Example) -> None:
    start, end = example.span
    assert _run(rule, example.plain, example) == [(start, end, example.fix)]


@pytest.mark.parametrize(("rule", "example"), FIXED, ids=lambda x: getattr(x, "code", "") or "")
def test_applying_the_fix_silences_the_rule(rule: Rule, example: Example) -> None:
    """A deletion (fix "") counts; examples without a fix (nothing to suggest) are not in this table."""
    assert example.corrected is not None
    assert _run(rule, example.corrected, example) == []


@pytest.mark.parametrize(("rule", "example"), GOOD, ids=lambda x: getattr(x, "code", "") or "")
def test_good_example_gives_no_finding(rule: Rule, example: Example) -> None:
    assert _run(rule, example.plain, example) == []
