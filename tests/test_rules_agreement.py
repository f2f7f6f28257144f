"""Agreement rules on sentences beyond their declared examples: what they flag, suggest and leave alone."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

import pytest

from mtqa.rules import agreement
from mtqa.rules.registry import RuleContext, all_rules
from tests.conftest import DATA, article

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


# Texts in which the triggers fire many times: the bundled example, the control texts, and sentences
# whose pronoun or determiner stands at a sentence start, after a dash or quote, or at the very start.
TRIGGER_TEXTS = [
    *(
        p.read_text(encoding="utf-8")
        for p in [DATA / "peskov-washington.de.txt", *sorted(DATA.glob("control/*"))]
    ),
    "Das wichtigen Dokument und das wichtigen Dokument. Der ukrainische Prawda schrieb. "
    "Die EU kündigte eine weitere Hilfspaket an.",
    "Er können nicht, du muss gehen. „Ich hat Zeit.“ -Er können das. Morgen weißt er mehr.",
]
_WHOLE_WORD_PRONOUN = re.compile(r"(?<![\w-])(?:[Ii]ch|[Dd]u|[Ee]r|[Ww]ir)(?![\w-])")


def _pronoun_fires(text: str, match: re.Match[str]) -> bool:
    verbs = agreement._verb_forms()
    after = re.compile(r"[ \t\u00a0]+(\w+)").match(text, match.end())
    before = re.compile(r"(\w+)[ \t\u00a0]+\Z").search(text, max(0, match.start() - 16), match.start())
    return bool((after and after.group(1) in verbs) or (before and before.group(1).lower() in verbs))


@pytest.mark.parametrize("text", TRIGGER_TEXTS)
def test_one_trigger_per_sentence_selects_every_triggered_sentence(text: str) -> None:
    """The triggers stop at a sentence's first hit: the sentences read are those every hit points to."""
    context = RuleContext.of(article(text))
    starts = agreement._segment_starts(context)

    def sentences(offsets: Iterable[int]) -> set[int]:
        return {bisect.bisect_right(starts, offset) - 1 for offset in offsets} - {-1}

    every_phrase = [
        m.start()
        for m in agreement._determiner_trigger().finditer(text)
        if agreement._may_disagree(m.groups())
    ]
    every_pronoun = [m.start() for m in _WHOLE_WORD_PRONOUN.finditer(text) if _pronoun_fires(text, m)]
    phrases = sentences(agreement._noun_phrase_triggers(text, starts))
    pronouns = sentences(agreement._pronoun_triggers(text, agreement._verb_forms(), starts))
    assert (phrases, pronouns) == (sentences(every_phrase), sentences(every_pronoun))
    if text == TRIGGER_TEXTS[-2]:
        assert phrases == {0, 1, 2}
    if text == TRIGGER_TEXTS[-1]:
        assert pronouns == {0, 1, 3}  # "-Er" is no pronoun standing alone


@pytest.mark.parametrize("text", TRIGGER_TEXTS)
def test_literal_first_regexes_match_what_a_look_behind_first_one_does(text: str) -> None:
    """Moving the word-start test behind each branch's first letter changes no match."""
    verbs = re.compile(r"(?<![\w-])" + agreement._trie(agreement._verb_forms()) + r"(?![\w-])")
    for fast, plain in ((agreement._PRONOUN, _WHOLE_WORD_PRONOUN), (agreement._verb_trigger(), verbs)):
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


@pytest.mark.parametrize(
    "text", ["", "Der Mann-Kind. 3,5 Mio. Euro, 34-jährigen; d'Alembert's „Fall“ _x_ ẞ İch"]
)
def test_tokens_are_the_regex_matches_with_their_lower_case(text: str) -> None:
    expected = [(m.start(), m.end(), m.group(), m.group().lower()) for m in agreement._TOKEN.finditer(text)]
    assert [tuple(t) for t in agreement._tokens(text, 0, len(text))] == expected
