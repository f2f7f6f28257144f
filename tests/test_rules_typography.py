"""Typography and spacing rules (TYP) on tricky texts beyond their declared examples."""

from __future__ import annotations

import pytest

from mtqa.model import Finding
from mtqa.rules.registry import RuleContext, RuleOptions, select_rules
from mtqa.segment import LineIndex
from tests.conftest import article
from tests.gold import EXAMPLE, covering, must_rows, row_span

TYP_CATEGORIES = ("spacing", "quotes")


def typ_findings(text: str, options: RuleOptions | None = None) -> list[Finding]:
    context = RuleContext.of(article(text), options)
    return [f for rule in select_rules(["TYP"]) for f in rule.run(context)]


def codes_and_matches(text: str, options: RuleOptions | None = None) -> list[tuple[str, str]]:
    return sorted((f.code, f.match) for f in typ_findings(text, options))


@pytest.mark.parametrize(
    "text",
    [
        "Nord- und Südkorea verhandeln – erstmals seit Jahren.",
        "Die Ein- und Ausfuhr stieg - so die Behörde.",
        "Bei -5 Grad froren die Menschen in Charkiw.",
        "Die Gespräche über die Bedingungen ... sollen weitergehen.",
        "Das Spiel endete 3 : 1 für Schachtar Donezk.",
        "Die Inflation lag bei 3,5 Prozent; 1.250 Menschen kamen.",
        "Mehr dazu auf t-online.de und www.tagesschau.De/ausland.",
        "Das gilt z.B. für Kiew, d.h. für die Hauptstadt.",
        "Er wohnt in St. Petersburg, nicht in Moskau.",
        "Putins Sprecher sagte, jetzt geht's ums Ganze.",
        "„Wir verhandeln“, sagte Peskow. „Die Arbeit läuft.“",
        "„Er nannte es ‚einen Erfolg‘“, sagte sie.",
        '„Er nannte es "Erfolg"“, sagte sie.',
        'Der Bildschirm misst 17" in der Diagonale.',
        "Kiew (dpa) – Der Präsident sagte: „Wir bleiben.“",
        "Am 4.4.2025 um 14.30 Uhr kam die E-Mail.",
        "Der Kreml-Sprecher und der US-Präsident telefonierten.",
        "Erste Zeile\n  eingerückte zweite Zeile",
    ],
)
def test_clean_text_gives_no_typography_finding(text: str) -> None:
    assert codes_and_matches(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dies sagte Kreml -Sprecher Peskow.", [("TYP001", "Kreml -Sprecher")]),
        ("Der Russland-Ukraine -Krieg dauert an.", [("TYP001", "Ukraine -Krieg")]),
        ("Dies sagte Kreml\u00a0-Sprecher Peskow.", [("TYP001", "Kreml\u00a0-Sprecher")]),
        ("Es wird getan .", [("TYP002", "getan .")]),
        ("Kiew , Charkiw und Odessa.", [("TYP002", "Kiew ,")]),
        ("Er hatte.In Moskau sagte man nichts.", [("TYP003", "hatte.In")]),
        ("Er wohnt in St.Petersburg, nicht in Moskau.", [("TYP003", "St.Petersburg")]),
        ("Er kam, sah  und ging.", [("TYP006", "  ")]),
        (
            'Ein "wichtiger Schritt" und ein "großer Erfolg".',
            [("TYP005", '"wichtiger Schritt"'), ("TYP005", '"großer Erfolg"')],
        ),
        ("Peskow sagte: «Es geht voran».", [("TYP005", "«Es geht voran»")]),
        ("„Es geht voran.", [("TYP004", "„Es geht voran.")]),
        ("Es geht voran“, sagte er.", [("TYP004", "Es geht voran“")]),
        (
            '"Es geht voran. Die Arbeit läuft .',
            [("TYP002", "läuft ."), ("TYP004", '"Es geht voran. Die Arbeit läuft .')],
        ),
    ],
)
def test_artefact_gives_exactly_these_findings(text: str, expected: list[tuple[str, str]]) -> None:
    assert codes_and_matches(text) == sorted(expected)


@pytest.mark.parametrize(
    ("quotes", "text", "expected"),
    [
        ("»«", "»Gut«, sagte er.", []),
        ("»«", "„Gut“, sagte er.", [("TYP005", "„Gut“", "»Gut«")]),
        ("«»", "«Gut», sagte er.", []),
        ("«»", "„Gut“, sagte er.", [("TYP005", "„Gut“", "«Gut»")]),
        ("„“", "»Gut«, sagte er.", [("TYP005", "»Gut«", "„Gut“")]),
        ("»«", "»Gut, sagte er.", [("TYP004", "»Gut, sagte er.", "»Gut, sagte er.«")]),
    ],
)
def test_expected_quote_style_comes_from_the_options(
    quotes: str, text: str, expected: list[tuple[str, str, str]]
) -> None:
    found = typ_findings(text, RuleOptions(quotes=quotes))
    assert [(f.code, f.match, f.suggestion) for f in found] == expected


def test_every_wrong_style_quotation_is_its_own_finding() -> None:
    text = 'Er sprach von "Optimismus".\n\n"Es geht voran", sagte er.\n\nEin «Schritt» sei das.'
    found = [f for f in typ_findings(text) if f.code == "TYP005"]
    assert [(f.match, f.suggestion) for f in found] == [
        ('"Optimismus"', "„Optimismus“"),
        ('"Es geht voran"', "„Es geht voran“"),
        ("«Schritt»", "„Schritt“"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        '"Es geht voran. Die Arbeit läuft.',
        "Die Lage bleibt schwierig“, sagte er.",
        "Dies sagte Kreml -Sprecher Peskow.",
        "Er kam, sah  und ging. Es wird getan .",
        'Ein "wichtiger Schritt" sei das.',
    ],
)
def test_applying_every_suggestion_leaves_nothing_to_report(text: str) -> None:
    fixed = text
    for finding in sorted(typ_findings(text), key=lambda f: f.start, reverse=True):
        assert finding.suggestion is not None
        fixed = fixed[: finding.start] + finding.suggestion + fixed[finding.end :]
    assert codes_and_matches(fixed) == []


def test_example_article_every_spacing_and_quotes_row_is_covered() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    findings = typ_findings(text)
    missing = [row for row in must_rows(TYP_CATEGORIES) if not covering(findings, row_span(text, row))]
    assert missing == []


def test_example_article_typography_findings_stay_on_lines_with_such_artefacts() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    gold_lines = {row.line for row in must_rows(TYP_CATEGORIES)}
    index = LineIndex(text)
    stray = [(index.line_col(f.start)[0], f.code, f.match) for f in typ_findings(text)]
    # The gold lists the straight quotes of line 5 only; the same style recurs in later quotations.
    quoted = {7, 13, 17, 21, 31, 35}
    assert [s for s in stray if s[0] not in gold_lines and not (s[0] in quoted and s[1] == "TYP005")] == []
