"""Names against the source (SRC008-010): how German words spell Cyrillic names, and a table of pairs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from mtqa.errors import ReferenceDataError
from mtqa.language import cyrillic
from mtqa.references import load_table, references_dir
from mtqa.rules import names
from mtqa.rules.registry import RuleContext, get_rule
from tests.conftest import article


def _findings(text: str, source: str | None, lang: str | None) -> list[tuple[str, str, str | None]]:
    checked = replace(article(text), source=source, source_lang=lang)
    context = RuleContext.of(checked)
    found = []
    for code in ("SRC008", "SRC009", "SRC010"):
        rule = get_rule(code)
        assert rule is not None
        found += [(code, f.match, f.suggestion) for f in rule.run(context)]
    return found


@pytest.mark.parametrize(
    ("latin", "name", "lang", "expected"),
    [
        ("peskow", "песков", "ru", (0, 0, "peskow")),
        ("peskov", "песков", "ru", (1, 0, "peskow")),
        ("zakharova", "захарова", "ru", (2, 1, "sacharowa")),
        ("dmitry", "дмитрий", "ru", (0, 1, "dmitri")),
        ("wassili", "василий", "ru", (0, 0, "wassili")),
        ("vasily", "василий", "ru", (2, 1, "wassili")),
        ("tschaikowski", "чайковский", "ru", (0, 0, "tschaikowski")),
        ("gorbatschow", "горбачёв", "ru", (0, 0, "gorbatschow")),
        ("gorbachev", "горбачёв", "ru", (3, 0, "gorbatschow")),
        ("alexander", "александр", "ru", None),  # the German given name adds an e: no spelling of it
        ("biden", "байден", "ru", None),
        ("baiden", "байден", "ru", (0, 0, "baiden")),
        ("selenskyj", "зеленський", "uk", (0, 0, "selenskyj")),
        ("zelenskyy", "зеленський", "uk", (2, 0, "selenskyj")),
        ("mykolaiv", "миколаїв", "uk", (2, 0, "mykolajiw")),
        ("charkiw", "харків", "uk", (0, 0, "charkiw")),
        ("charkow", "харків", "uk", None),
        ("marjanka", "мар'янка", "uk", (0, 0, "marjanka")),
        ("marjanka", "мар’янка", "uk", (0, 0, "marjanka")),
        ("anything", "слово", "xx", None),
        ("a" * 100, "а" * 100, "ru", None),  # beyond any name: not compared
    ],
)
def test_a_german_word_is_read_against_a_cyrillic_name(
    latin: str, name: str, lang: str, expected: tuple[int, int, str] | None
) -> None:
    spelling = cyrillic.spell(latin, name, lang)
    got = None if spelling is None else (spelling.weak, spelling.strong, spelling.german)
    assert got == expected


@pytest.mark.parametrize(
    ("word", "lang", "expected"),
    [
        ("Пескова", "ru", "песков"),
        ("Захаровой", "ru", "захарова"),
        ("Холмогорах", "ru", "холмогоры"),
        ("Зеленського", "uk", "зеленський"),
    ],
)
def test_source_names_are_turned_back_into_nominatives(word: str, lang: str, expected: str) -> None:
    forms = cyrillic.nominatives(word, lang)
    assert expected in forms and forms[-1] == word.lower()


RUSSIAN = "ru"


@pytest.mark.parametrize(
    ("text", "source", "lang", "expected"),
    [
        # English-style letters in a name of the source
        (
            "Der Unternehmer Yegor sprach zuerst.",
            "Первым выступил предприниматель Егор.",
            RUSSIAN,
            [("SRC008", "Yegor", "Jegor")],
        ),
        ("Nach Yegors Worten ist nichts entschieden.", "По словам Егора, ничего не решено.", RUSSIAN, [
            ("SRC008", "Yegors", "Jegors"),
        ]),
        ("In Khasavyurt fielen Schüsse.", "В Хасавюрте прозвучали выстрелы.", RUSSIAN, [
            ("SRC008", "Khasavyurt", "Chassawjurt"),
        ]),
        ("Die Fabrik in Zhodino steht still.", "Завод в Жодино стоит.", None, [
            ("SRC008", "Zhodino", "Schodino"),
        ]),
        ("Die Brücke bei Yasynuvata ist gesperrt.", "Міст біля Ясинуватої закритий.", None, [
            ("SRC008", "Yasynuvata", "Jassynuwata"),
        ]),
        # a Western name spelled back from its Cyrillic form
        ("Baiden sagte, die Hilfe gehe weiter.", "Байден заявил, что помощь продолжится.", RUSSIAN, [
            ("SRC009", "Baiden", "Biden"),
        ]),
        ("Baidens Sprecher schwieg.", "Представитель Байдена промолчал.", RUSSIAN, [
            ("SRC009", "Baidens", "Bidens"),
        ]),
        # an English source: a copied name whose German spelling needs the context the source gives
        ("Laut Murashko steigen die Zahlen.", "According to Murashko, the numbers are rising.", "en", [
            ("SRC008", "Murashko", "Muraschko"),
        ]),
        # a near miss of the listed German spelling of the source's name
        ("Schmygal trat zurück.", "Шмыгаль ушёл в отставку.", RUSSIAN, [("SRC010", "Schmygal", "Schmyhal")]),
        ("Laut Syrski ist die Lage stabil.", "По словам Сырского, ситуация стабильна.", RUSSIAN, [
            ("SRC010", "Syrski", "Syrskyj"),
        ]),
        ("Medwedjews Rede war kurz.", "Речь Медведева была короткой.", RUSSIAN, [
            ("SRC010", "Medwedjews", "Medwedews"),
        ]),
        ("Die Ärztin Medwedewa und Frau Lawrowa kamen.", "Пришли врач Медведева и Лаврова.", RUSSIAN, []),
        ("Iwanow kam aus Iwanowo.", "Иванов приехал из Иванова.", RUSSIAN, []),
        # left alone: German transcription, established German, Western names, brands, weak evidence
        ("Der Unternehmer Jegor sprach zuerst.", "Первым выступил предприниматель Егор.", RUSSIAN, []),
        ("In Chassawjurt fielen Schüsse.", "В Хасавюрте прозвучали выстрелы.", RUSSIAN, []),
        ("Kevin und Oliver kamen aus Davos.", "Кевин и Оливер приехали из Давоса.", RUSSIAN, []),
        ("Der Vatikan und Venedig schwiegen.", "Ватикан и Венеция промолчали.", RUSSIAN, []),
        ("Yandex und Tsipras.", "Яндекс и Ципрас.", RUSSIAN, []),
        ("Biden sagte, die Hilfe gehe weiter.", "Байден заявил, что помощь продолжится.", RUSSIAN, []),
        ("Beiden Seiten liegt viel daran.", "Обеим сторонам это важно.", RUSSIAN, []),
        # a German word is left alone even where it spells the name (Tramp, the vagabond)
        ("Die Kritik von Tramp blieb aus.", "Критики со стороны Трампа не последовало.", RUSSIAN, []),
        ("Laut Sharma steigen die Zahlen.", "According to Sharma, the numbers are rising.", "en", []),
        ("Laut Washington steigen die Zahlen.", "According to Washington, numbers rise.", "en", []),
        ("Murashko sagte nichts.", "Nobody said anything.", "en", []),  # not copied from the source
        ("Laut Murashko steigen die Zahlen.", "Według Murashko liczby rosną.", "pl", []),  # not English
        ("Die Brücke bei Jassynuwata ist gesperrt.", "Міст біля Ясинуватої закритий.", "uk", []),
        # names the lists know are NAM's: one finding per word
        ("Kreml-Sprecher Dmitri Peskov sagte nichts.", "Пресс-секретарь Кремля Дмитрий Песков промолчал.",
         RUSSIAN, []),
        # no source, or a name in no aligned sentence
        ("Der Unternehmer Yegor sprach zuerst.", None, None, []),
        ("Der Unternehmer Yegor sprach zuerst.", "Первым выступил предприниматель.", RUSSIAN, []),
    ],
)  # fmt: skip
def test_names_are_compared_with_the_source(
    text: str, source: str | None, lang: str | None, expected: list[tuple[str, str, str | None]]
) -> None:
    assert _findings(text, source, lang) == expected


def test_a_sentences_first_word_counts_only_as_a_name() -> None:
    """Russian capitalises a sentence's first word; only the morphology's names are taken from there."""
    source = "Ядерный удар не обсуждался. Хасавюрт молчит."
    text = "Ein Yaderny Schlag wurde nicht erörtert. Khasavyurt schweigt."
    assert _findings(text, source, RUSSIAN) == [("SRC008", "Khasavyurt", "Chassawjurt")]


def test_many_names_in_one_sentence_stay_bounded() -> None:
    """A sentence of thousands of names compares at most ``MAX_NAMES`` of them, in bounded time."""
    import time

    source = "Сказали " + " ".join(f"Егор{'а' * (i % 3)}" for i in range(3000)) + "."
    text = "Es sagten " + " ".join("Yegor" if i % 2 else f"Jegor{i % 7}x" for i in range(3000)) + "."
    started = time.perf_counter()
    found = _findings(text, source, RUSSIAN)
    assert time.perf_counter() - started < 5
    assert {code for code, _, _ in found} <= {"SRC008"}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("ru\tжж\tany\tsch\t\t\t", ""),  # two letters are allowed
        ("ru\tжжж\tany\tsch\t\t\t", "one or two lowercase letters"),
        ("ru\tж\tmiddle\tsch\t\t\t", "unknown position"),
        ("ru\tж\tany\t\tzh\t\t", "no german spelling"),
        ("ru\tж\tany\tSch\t\t\t", "not lowercase Latin"),
        ("xx\tж\tany\tsch\t\t\t", "unknown lang"),
    ],
)
def test_malformed_transcription_rows_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, row: str, message: str
) -> None:
    folder = tmp_path / "references"
    folder.mkdir()
    for path in references_dir().glob("*.tsv"):
        (folder / path.name).write_bytes(path.read_bytes())
    target = folder / "cyrillic_transcription.tsv"
    target.write_text(target.read_text(encoding="utf-8") + row + "\n", encoding="utf-8")
    monkeypatch.setenv("MTQA_REFERENCES", str(folder))
    load_table.cache_clear()
    cyrillic.clear_caches()
    try:
        if message:
            with pytest.raises(ReferenceDataError, match=rf"cyrillic_transcription\.tsv:\d+: .*{message}"):
                cyrillic.spell("sch", "ж", "ru")
        else:
            assert cyrillic.spell("sch", "ж", "ru") is not None
    finally:
        monkeypatch.undo()
        load_table.cache_clear()
        cyrillic.clear_caches()
        names.clear_caches()
