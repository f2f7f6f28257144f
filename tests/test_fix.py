"""``mtqa fix``: safe suggestions compose in one pass, the lesser of two clashing fixes is dropped,
the re-check finds none of the fixed rules, and a fixed text grows by at most what suggestions add."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from mtqa.cli import main
from mtqa.config import Settings
from mtqa.fix import Edit, apply_fixes, fix_article, safe_codes
from mtqa.model import Finding, Severity
from mtqa.pipeline import check_article
from mtqa.rules.registry import Example, all_rules
from tests.conftest import DATA, article, property_settings

EXAMPLE = DATA / "peskov-washington.de.txt"
RULES_ONLY = Settings()


def invoke(args: list[str]) -> Result:
    return CliRunner().invoke(main, args, catch_exceptions=False)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def test_safe_rules_are_the_mechanical_ones() -> None:
    spacing = {"TYP001", "TYP002", "TYP003", "TYP006", "TYP008", "TYP009", "TYP013", "TYP014", "TYP015"}
    assert safe_codes() == {"BPL001", "NAM001", "TYP005", "TYP007", *spacing}
    assert all(isinstance(rule.safe, bool) for rule in all_rules())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Der Kreml -Sprecher Dmitry Peskov sagte das.", "Der Kreml-Sprecher Dmitri Peskow sagte das."),
        ('Ein "Treffen mit Peskov" sei geplant.', "Ein „Treffen mit Peskow“ sei geplant."),
        (
            "Die Zeitung «Iswestija» berichtete über Dmitry Peskov .",
            "Die Zeitung «Iswestija» berichtete über Dmitri Peskow.",  # «…» is Swiss German, accepted
        ),
        (
            'Er sagte: "Die Arbeit ist im Gange . Dmitry weiß es".',
            "Er sagte: „Die Arbeit ist im Gange. Dmitri weiß es“.",
        ),
        ("Es wird getan .", "Es wird getan."),
        ("Er hatte.In Moskau sagte man nichts.", "Er hatte. In Moskau sagte man nichts."),
        ("Peskow sagte  am Freitag nichts.", "Peskow sagte am Freitag nichts."),
        (
            "Erster Absatz.\n\nVerpassen Sie es nicht\n\nZweiter Absatz.\n",
            "Erster Absatz.\n\nZweiter Absatz.\n",
        ),
        ("Text.\n\nVerpassen Sie es nicht\n\nINTERESSANTE MATERIALIEN ZUM THEMA", "Text."),
        ("Text.\n\nVerpassen Sie es nicht\n", "Text.\n"),
        ("Verpassen Sie es nicht\nText.", "Text."),
        # needs an editor: a sound-alike name, a quotation whose end is a guess, a calque
        ("Joe Baiden sagte nichts.", "Joe Baiden sagte nichts."),
        ("Wir verhandeln weiter», sagte Peskow.", "Wir verhandeln weiter», sagte Peskow."),
        ('"Es wird getan, sagte er.', '"Es wird getan, sagte er.'),
    ],
)
def test_fix_gives_exactly_this_text(text: str, expected: str) -> None:
    assert fix_article(article(text), RULES_ONLY).text == expected


def finding(start: int, end: int, match: str, suggestion: str, code: str, severity: Severity) -> Finding:
    return Finding(code, "r", severity, start, end, match, "m", "w", suggestion)


SAFE = frozenset({"AAA001", "BBB001", "CCC001"})


@pytest.mark.parametrize(
    ("findings", "expected", "applied"),
    [
        # same characters, different fixes: the more severe wins, the other is dropped whole
        ([finding(0, 5, "Peskv", "Peskow", "AAA001", Severity.MINOR),
          finding(0, 5, "Peskv", "Peskov", "BBB001", Severity.MAJOR)], "Peskov sagte.", ["BBB001"]),
        # equal severity: the longer span wins
        ([finding(0, 5, "Peskv", "Pes", "AAA001", Severity.MINOR),
          finding(0, 11, "Peskv sagte", "Er sagte", "BBB001", Severity.MINOR)], "Er sagte.", ["BBB001"]),
        # the same edit from two rules is made once
        ([finding(0, 5, "Peskv", "Peskov", "AAA001", Severity.MINOR),
          finding(0, 5, "Peskv", "Peskov", "BBB001", Severity.MINOR)], "Peskov sagte.", ["AAA001", "BBB001"]),
        # an unsafe suggestion is never applied
        ([finding(0, 5, "Peskv", "Peskov", "ZZZ001", Severity.CRITICAL)], "Peskv sagte.", []),
        # a stale finding (its span no longer holds the match) is left alone
        ([finding(0, 5, "Lawro", "Lawrow", "AAA001", Severity.MINOR)], "Peskv sagte.", []),
    ],
)  # fmt: skip
def test_clashing_fixes_are_merged_or_the_lesser_dropped(
    findings: list[Finding], expected: str, applied: list[str]
) -> None:
    result = apply_fixes("Peskv sagte.", findings, SAFE)
    assert result.text == expected
    assert sorted(f.code for f in result.applied) == applied
    assert len(result.applied) + len(result.skipped) + result.unsafe == len(findings)


@pytest.mark.parametrize(
    ("first", "second", "conflict"),
    [
        (Edit(0, 2, "x"), Edit(1, 3, "y"), True),
        (Edit(0, 2, "x"), Edit(2, 3, "y"), False),
        (Edit(2, 2, "x"), Edit(2, 2, "y"), True),
        (Edit(2, 2, "x"), Edit(2, 2, "x"), False),
        (Edit(2, 2, "x"), Edit(1, 3, ""), True),
        (Edit(2, 2, "x"), Edit(2, 3, ""), False),
        (Edit(0, 2, "x"), Edit(0, 2, "x"), False),
    ],
)
def test_edit_conflicts(first: Edit, second: Edit, conflict: bool) -> None:
    assert first.conflicts(second) is conflict
    assert second.conflicts(first) is conflict


def test_example_fixed_and_rechecked_has_none_of_the_fixed_rules() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    result = fix_article(article(text), RULES_ONLY)
    fixed_codes = {f.code for f in result.applied}
    assert {"NAM001", "TYP001", "TYP002", "TYP007", "BPL001"} <= fixed_codes  # its quotes are straight
    assert not result.skipped
    again = check_article(article(result.text), RULES_ONLY)[1]
    assert [(f.code, f.match) for f in again if f.code in fixed_codes] == []
    assert len(result.text) <= len(text) + result.added
    assert "Peskow" in result.text and "Peskov" not in result.text
    assert "„sorgfältigen Optimismus“" in result.text
    assert not result.text.rstrip().endswith("ZUM THEMA")


@pytest.mark.parametrize("path", sorted((DATA / "control").glob("*.txt")), ids=lambda p: p.name)
def test_clean_texts_are_left_alone(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert fix_article(article(text), RULES_ONLY).text == text


def test_fixed_text_grows_only_by_what_suggestions_add() -> None:
    text = "Er hatte.In Moskau sagte Peskov ."
    result = fix_article(article(text), RULES_ONLY)
    assert result.text == "Er hatte. In Moskau sagte Peskow."
    assert result.added == 1  # "hatte.In" -> "hatte. In"; the other fixes add nothing
    assert len(result.text) <= len(text) + result.added


# --- the command --------------------------------------------------------------------------------------


def write_example(folder: Path, newline: str = "\n") -> Path:
    path = folder / "peskov.de.txt"
    path.write_bytes(
        "Der Kreml -Sprecher Peskov sagte.\n\nVerpassen Sie es nicht\n".replace("\n", newline).encode()
    )
    return path


def test_fix_writes_corrected_copies_to_the_output_folder(tmp_path: Path) -> None:
    source = write_example(tmp_path)
    result = invoke(["fix", str(source), "-o", "out"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "peskov.fixed.txt").read_text(
        encoding="utf-8"
    ) == "Der Kreml-Sprecher Peskow sagte.\n"
    assert source.read_text(encoding="utf-8").startswith("Der Kreml -Sprecher")
    assert f"{source}: 3 fixes applied, 0 left for an editor -> out/peskov.fixed.txt" in result.output


def test_fix_diff_prints_a_unified_diff_and_writes_nothing(tmp_path: Path) -> None:
    source = write_example(tmp_path)
    result = invoke(["fix", "--diff", str(source)])
    assert result.exit_code == 1
    assert result.output == (
        f"--- a/{source}\n+++ b/{source}\n@@ -1,3 +1 @@\n"
        "-Der Kreml -Sprecher Peskov sagte.\n-\n-Verpassen Sie es nicht\n+Der Kreml-Sprecher Peskow sagte.\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["peskov.de.txt"]
    clean = tmp_path / "clean.txt"
    clean.write_text("Alles gut.\n", encoding="utf-8")
    assert invoke(["fix", "--diff", str(clean)]).exit_code == 0


def test_fix_in_place_keeps_a_backup_line_ends_and_never_overwrites_it(tmp_path: Path) -> None:
    source = write_example(tmp_path, "\r\n")
    original = source.read_bytes()
    result = invoke(["fix", "--in-place", str(source)])
    assert result.exit_code == 0, result.output
    assert source.read_bytes() == b"Der Kreml-Sprecher Peskow sagte.\r\n"
    assert (tmp_path / "peskov.de.txt.orig").read_bytes() == original
    source.write_bytes(original)
    again = invoke(["fix", "--in-place", str(source)])
    assert again.exit_code == 2
    assert "peskov.de.txt.orig exists" in again.output
    assert source.read_bytes() == original


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fix", "--diff", "--in-place", "x.txt"], "exclude each other"),
        (["fix", "missing.txt"], "missing.txt"),
    ],
)
def test_fix_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = invoke(args)
    assert result.exit_code == 2
    assert message in result.output


def test_fix_select_limits_the_rules_applied(tmp_path: Path) -> None:
    source = write_example(tmp_path)
    result = invoke(["fix", "--diff", "--select", "TYP", str(source)])
    assert "+Der Kreml-Sprecher Peskov sagte." in result.output


SAFE_BAD_EXAMPLES = [
    (rule.code, example) for rule in all_rules() if rule.safe for example in rule.examples if example.is_bad
]


@pytest.mark.parametrize(
    ("code", "example"), SAFE_BAD_EXAMPLES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(SAFE_BAD_EXAMPLES)]
)
def test_fix_of_every_safe_rules_bad_example_is_its_corrected_text(code: str, example: Example) -> None:
    """The registry's own examples: what ``mtqa fix`` writes is the example's stated correction."""
    result = fix_article(article(example.plain), Settings(select=(code,)))
    corrected = example.corrected or ""
    if example.fix == "":  # a deleted line: the same lines remain, without the blank lines it leaves
        assert result.text.splitlines() == [line for line in corrected.splitlines() if line.strip()] or (
            "\n\n\n" not in result.text
            and [line for line in result.text.splitlines() if line.strip()]
            == [line for line in corrected.splitlines() if line.strip()]
        )
    else:
        assert result.text == corrected


FRAGMENTS = [e.plain for rule in all_rules() if rule.family != "BTR" for e in rule.examples]
JOINS = [" ", "\n", "\n\n", "  ", "", " .", '"', " -"]


@property_settings(60)
@given(st.lists(st.tuples(st.sampled_from(FRAGMENTS), st.sampled_from(JOINS)), min_size=1, max_size=6))
def test_fixed_texts_recheck_clean_of_the_fixed_rules(parts: list[tuple[str, str]]) -> None:
    """Every rule's examples glued together at random: the promises of ``mtqa fix`` hold on all of them."""
    text = "".join(fragment + join for fragment, join in parts)
    result = fix_article(article(text), RULES_ONLY)
    fixed = {f.code for f in result.applied}
    again = check_article(article(result.text), RULES_ONLY)[1]
    assert [(f.code, f.match) for f in again if f.code in fixed] == []
    assert len(result.text) <= len(text) + result.added
