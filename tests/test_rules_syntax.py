"""The word-order family (SYN): verb second (SYN001), a dangling source (SYN002), verb-final main clauses
(SYN003), and the HanTa tagger behind them (tagged once per sentence, only where a trigger points)."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

from mtqa.language import tagger
from mtqa.rules.registry import RuleContext, all_rules
from tests.conftest import DATA, article

SYN_RULES = [r for r in all_rules() if r.family == "SYN"]


def syn(text: str) -> list[tuple[str, str, str | None]]:
    context = RuleContext.of(article(text))
    findings = sorted((f for r in SYN_RULES for f in r.run(context)), key=lambda f: f.start)
    return [(f.code, f.match, f.suggestion) for f in findings]


BAD = [
    # SYN001: subject before the finite verb after a fronted adverb or phrase
    (
        "Gestern der Präsident hat erklärt, dass die Lage ernst ist.",
        "SYN001",
        "der Präsident hat",
        "hat der Präsident",
    ),
    (
        "In Moskau die Behörden haben beschlossen, die Schulen zu schließen.",
        "SYN001",
        "die Behörden haben",
        "haben die Behörden",
    ),
    ("Heute er sagte, dass die Lage ernst ist.", "SYN001", "er sagte", "sagte er"),
    ("Danach er ging nach Hause.", "SYN001", "er ging", "ging er"),
    ("Im Jahr 2022 die Armee hat die Stadt besetzt.", "SYN001", "die Armee hat", "hat die Armee"),
    ("Infolgedessen die Preise sind gestiegen.", "SYN001", "die Preise sind", "sind die Preise"),
    ("Außerdem wir haben neue Daten erhalten.", "SYN001", "wir haben", "haben wir"),
    (
        "Laut dem Ministerium die Verluste betragen 300 Soldaten.",
        "SYN001",
        "die Verluste betragen",
        "betragen die Verluste",
    ),
    ("Im Moment die Situation ist unter Kontrolle.", "SYN001", "die Situation ist", "ist die Situation"),
    ("Dabei es handelt sich um einen Irrtum.", "SYN001", "es handelt", "handelt es"),
    ("Und dann sie trafen sich mit Vertretern der Regierung.", "SYN001", "sie trafen", "trafen sie"),
    ("Vorher KP.RU ich habe berichtet.", "SYN001", "KP.RU ich habe", None),
    ("Am Montag Selenskyj hat gesagt, dass er verhandeln will.", "SYN001", "Selenskyj hat", "hat Selenskyj"),
    ("Am 9. Mai Moskau feiert den Sieg.", "SYN001", "Moskau feiert", "feiert Moskau"),
    (
        "Am 24. Februar 2022 die russische Armee hat die Grenze überschritten.",
        "SYN001",
        "die russische Armee hat",
        "hat die russische Armee",
    ),
    # SYN002: the source after a finished clause, without a comma or hanging
    ("Seine Worte werden vom Korrespondenten berichtet URA.RU.", "SYN002", "berichtet URA.RU", None),
    (
        "Die Regierung hat das bestätigt meldet Interfax.",
        "SYN002",
        "bestätigt meldet Interfax",
        "bestätigt, meldet Interfax",
    ),
    ("Die Lage sei ernst sagte Peskow.", "SYN002", "ernst sagte Peskow", "ernst, sagte Peskow"),
    # SYN003: the finite auxiliary at the end of a main clause
    (
        "Russland die Ukraine angegriffen hat.",
        "SYN003",
        "die Ukraine angegriffen hat",
        "hat die Ukraine angegriffen",
    ),
    (
        "Die Regierung die Sanktionen verlängert hat.",
        "SYN003",
        "die Sanktionen verlängert hat",
        "hat die Sanktionen verlängert",
    ),
    (
        "Der Kreml den Vorschlag abgelehnt hatte.",
        "SYN003",
        "den Vorschlag abgelehnt hatte",
        "hatte den Vorschlag abgelehnt",
    ),
    (
        "Die Stadt von der Armee eingenommen wurde.",
        "SYN003",
        "von der Armee eingenommen wurde",
        "wurde von der Armee eingenommen",
    ),
    ("Der Sprecher der Regierung dem Plan zugestimmt hat.", "SYN003", "dem Plan zugestimmt hat", None),
]

GOOD = [
    # verb second, with focus particles and conjunctions that do not count
    "Auch er hat den Vertrag unterschrieben. Nur die Regierung kann das entscheiden.",
    "Selbst die Opposition hat zugestimmt. Sogar der Kreml hat reagiert.",
    "Doch die Regierung hat abgelehnt. Und die Regierung hat abgelehnt. Aber die Opposition will nicht.",
    "Denn die Lage ist ernst. Oder die Regierung tritt zurück.",
    "Gestern Abend hat die Regierung getagt. Heute Mittag sagte er ab.",
    # V1: conditionals, questions, imperatives
    "Sollte er kommen, gehen wir. Kommt er, gehen wir. Hätte er das gewusst, wäre er geblieben.",
    "Warum ich das sage? Im Moment die Situation ist unter Kontrolle? Gehen Sie bitte!",
    # fronted phrases that are one constituent
    "Laut Reuters hat die Regierung abgelehnt. Laut Angaben der Polizei wurden drei Menschen verletzt.",
    "Nach Angaben der Behörden sind drei Menschen gestorben. Über 100 Menschen sind gestorben.",
    "Laut Präsident Wladimir Selenskyj hat die Armee gehalten.",
    "Am Montag hat Selenskyj gesagt, dass er verhandeln will. Am Dienstag Morgen sagte Scholz, er komme.",
    "In der ostukrainischen Stadt Charkiw wurde Luftalarm ausgelöst.",
    "In der Ukraine und in Russland haben die Menschen Angst.",
    "Mit der Ukraine die Lage zu besprechen ist schwierig.",
    "Vor allem die Jugend hat gelitten. Zum Beispiel die Bahn hat die Preise erhöht.",
    "Mehr als die Hälfte der Befragten hat abgelehnt. Bis zu 500 Soldaten wurden verletzt.",
    # commas, colons, verbless lines
    "Im Gegenteil, die Lage ist ernst. Heute, so der Minister, ist ein wichtiger Tag.",
    "Gestern in Berlin: Die Regierung hat getagt. Am Ende des Tages die Frage: Was nun?",
    "Heute die Nummer eins, morgen vergessen. Am Montag die Wahl, am Dienstag das Ergebnis.",
    "Hier die wichtigsten Fakten. Dort, wo die Stadt endet, beginnt der Wald. Gestern ich.",
    # subordinate clauses and topicalised participles
    "Damit die Regierung handeln kann, muss das Parlament zustimmen.",
    "Dass die Regierung das getan hat, ist bekannt. Ob er kommt, ist unklar.",
    "Wie die Zeitung berichtet, hat die Regierung abgelehnt. Niemand weiß, was er getan hat.",
    "Verhaftet wurde ein Mann aus Berlin. Gewonnen hat die Opposition.",
    "Er hat das Gesetz unterschrieben, das die Regierung vorgelegt hatte.",
    "Das ist der Mann, der die Stadt verlassen hat. Der Mann die Stadt verlassen hat?",
    "Die Armee und die Polizei haben die Stadt geräumt. Die Ukraine sei bereit.",
    "„Heute habe ich gesagt, dass ich komme“, sagte er.",
    # sources named the German way
    "Dies berichtet die Nachrichtenagentur RIA Nowosti. Darüber berichtet URA.RU.",
    "Das meldet die Agentur Reuters unter Berufung auf Quellen.",
    "Die Zahl der Opfer ist gestiegen, berichtet URA.RU.",
    "Selenskyj besuchte die Soldaten an der Front, berichtete Ukrinform.",
    "In einer Erklärung teilte das Ministerium mit, dass die Lage stabil ist.",
    "Das meldeten auch Reuters und AFP. Er sprach mit Journalisten und informierte Reuters.",
    "Die Männer die den Anschlag verübt hatten. Der Mann der das Geld gestohlen hat.",
    "Was genau geschah, erklärt Professor Müller.",
    "Die Meldung bestätigte am Abend Innenministerin Nancy Faeser.",
    "Der Journalist ist seit Jahren in Rente und schreibt Bücher.",
    "Die Ministerin sagte das am Montag der Zeitung Bild.",
    "Auch die Deutsche Bahn meldet Einschränkungen. Am Montag meldete Interfax neue Zahlen.",
    "Am 24. Februar 2022 hat die russische Armee die Grenze überschritten.",
]


@pytest.mark.parametrize(("text", "code", "match", "suggestion"), BAD, ids=[b[0][:40] for b in BAD])
def test_word_order_artefact_is_found(text: str, code: str, match: str, suggestion: str | None) -> None:
    assert syn(text) == [(code, match, suggestion)]


@pytest.mark.parametrize("text", GOOD, ids=[g[:40] for g in GOOD])
def test_correct_german_word_order_is_left_alone(text: str) -> None:
    assert syn(text) == []


@pytest.mark.parametrize(("text", "code", "match", "suggestion"), [b for b in BAD if b[3] is not None])
def test_applying_the_suggestion_leaves_no_word_order_finding(
    text: str, code: str, match: str, suggestion: str
) -> None:
    assert syn(text.replace(match, suggestion, 1)) == []


def test_a_sentence_is_tagged_once_for_all_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    original = tagger.tag_sentence

    def counting(words: list[str]) -> list[str]:
        calls.append(words)
        return original(words)

    monkeypatch.setattr(tagger, "tag_sentence", counting)
    # the first sentence triggers SYN001 (its start) and SYN002 (all of it), the second SYN003
    text = "Vorher ich habe berichtet KP.RU. Die Armee die Stadt eingenommen hat."
    context = RuleContext.of(article(text))
    found = [f.code for rule in SYN_RULES for f in rule.run(context)]
    assert found == ["SYN001", "SYN002", "SYN003"]
    assert [c[0] for c in calls] == ["Vorher", "Die"]


def test_sentences_no_trigger_selects_are_never_tagged(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(words: list[str]) -> list[str]:
        raise AssertionError(f"tagged without a trigger: {words}")

    monkeypatch.setattr(tagger, "tag_sentence", refuse)
    text = (DATA / "control" / "korea-handel.de.txt").read_text(encoding="utf-8")
    context = RuleContext.of(article(text))
    assert [f for r in SYN_RULES for f in r.run(context)] == []


def test_tagger_names_its_version() -> None:
    assert tagger.signature().startswith("HanTa 1.")
    assert tagger.signature().endswith(tagger.MODEL)


def test_a_sentence_without_end_costs_bounded_time() -> None:
    """Only a window of a huge sentence is tokenised and tagged."""
    words = "Vorher ich habe berichtet und " * 20_000
    started = time.perf_counter()
    found = syn(words + "gestern meldet URA.RU.")
    assert found == [("SYN001", "ich habe", "habe ich")]
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize(("name", "rows_expected"), [("correct", 2710), ("incorrect", 4536)])
def test_languagetool_sentences_give_no_word_order_finding(
    shared_dir: Path, name: str, rows_expected: int
) -> None:
    """LanguageTool's correct sentences, and its sentences with other kinds of error (none of word order)."""
    path = shared_dir / "languagetool-examples" / f"{name}.tsv"
    with path.open(encoding="utf-8") as table:
        rows = list(csv.DictReader(table, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert len(rows) == rows_expected
    found = [(row["text"], hit) for row in rows for hit in syn(row["text"])]
    assert found == []
