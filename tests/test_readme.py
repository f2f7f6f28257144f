"""The README's rule table names every rule, so the documentation cannot fall behind the registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtqa.rules.registry import Rule, all_rules

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_readme_rule_table_lists_the_rule(rule: Rule) -> None:
    assert f"| {rule.code} | {rule.name} | {rule.severity.label} |" in README
