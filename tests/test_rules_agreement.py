"""Agreement rules on sentences beyond their declared examples: what they flag, suggest and leave alone."""

from __future__ import annotations

import pytest

from mtqa.rules.registry import RuleContext, all_rules
from tests.conftest import article

GRM = [r for r in all_rules() if r.family == "GRM"]


def grm(text: str) -> list[tuple[str, str, str | None]]:
    context = RuleContext.of(article(text))
    found = [(f.start, f.code, f.match, f.suggestion) for r in GRM for f in r.run(context)]
    return [(code, match, suggestion) for _, code, match, suggestion in sorted(found)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Brüssel plant eine weitere Hilfspaket.",
            [("GRM002", "eine weitere Hilfspaket", "ein weiteres Hilfspaket")],
        ),
        ("Sie stimmten für eine weitere Hilfspaket.", [("GRM002", "eine weitere Hilfspaket", None)]),
        ("Laut der ukrainische Prawda ist das falsch.", [("GRM002", "der ukrainische Prawda", None)]),
        ("Das sagte ein Sprecherin des Ministeriums.", [("GRM002", "ein Sprecherin", "eine Sprecherin")]),
        ("Er traf den neue Botschafter.", [("GRM002", "den neue Botschafter", None)]),
        (
            "Es geht um die Zukunft des Energieinfrastruktur.",
            [("GRM002", "des Energieinfrastruktur", "der Energieinfrastruktur")],
        ),
        ("Die USA hat Sanktionen gegen Moskau verhängt.", [("GRM003", "Die USA hat", "Die USA haben")]),
        (
            "Die Niederlande will mehr Geld geben.",
            [("GRM003", "Die Niederlande will", "Die Niederlande wollen")],
        ),
        ("Die Philippinen ist ein Inselstaat.", [("GRM003", "Die Philippinen ist", "Die Philippinen sind")]),
        ("„Wir muss handeln“, sagte sie.", [("GRM004", "Wir muss", "Wir müssen")]),
        ("Ich hat das nicht gesagt.", [("GRM004", "Ich hat", "Ich habe")]),
        # left alone: each of these is correct German
        ("Die Vereinigten Staaten haben das Weiße Haus und den Nahen Osten im Blick.", []),
        ("Die Grünen fordern, dass die USA Kiew weiter unterstützen.", []),
        ("Die Rede des Kreml-Sprechers und des Präsidenten der Russischen Föderation.", []),
        ("Er sagte, dass das Geld nicht reiche; ob das Sinn ergibt, ist offen.", []),
        ("Die Mehrheit der Abgeordneten stimmte zu. Die Sanktionen wird die EU verlängern.", []),
        ("Er ist größer als ich. Was er werden will, weiß er nicht.", []),
        ("Im Allgemeinen gilt das Übrige, im Folgenden das Neue.", []),
        ("Der Präsident und seine Frau sind in Kiew, die Kinder bleiben bei der Großmutter.", []),
        ("Die Stadt, in der Menschen frieren, und das Land, das Waffen liefert.", []),
        ("Das waren schwere Zeiten. Das sind die Fakten. Der Nahe Osten und das Rote Kreuz.", []),
        ("Die Zielgruppe sind Männer. Das Problem sind die Kosten. Dieses Jahr sind die Birnen groß.", []),
    ],
)
def test_agreement(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    assert grm(text) == expected


def test_cost_stays_linear_on_a_long_input() -> None:
    """A long run of determiners and capitalised words is read once, with no backtracking."""
    text = "der die das Haus Mann " * 20000
    assert len(grm(text)) < 20000
