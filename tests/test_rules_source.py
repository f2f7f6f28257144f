"""Source-aware checks (SRC): tables of German/source pairs, bad and good, beyond the rules' own examples."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from mtqa.cli import main
from mtqa.config import load_settings
from mtqa.glossary import GlossaryTerm
from mtqa.rules.registry import RuleContext, get_rule
from mtqa.rules.source import amounts
from tests.conftest import article


def _findings(
    code: str, text: str, source: str | None, lang: str | None = "ru"
) -> list[tuple[str, str | None]]:
    rule = get_rule(code)
    assert rule is not None
    checked = replace(article(text), source=source, source_lang=lang)
    return [(f.match, f.suggestion) for f in rule.run(RuleContext.of(checked))]


@pytest.mark.parametrize(
    ("text", "lang", "values"),
    [
        ("1,5 млн евро", "ru", [1_500_000.0]),
        ("15 Millionen Euro", "de", [15_000_000.0]),
        ("1.500 Autos", "de", [1500.0]),
        ("1,500 cars", "en", [1500.0]),
        ("3.5 billion dollars", "en", [3_500_000_000.0]),
        ("12 500 человек", "ru", [12_500.0]),
        ("2,3 Mrd. Dollar", "de", [2_300_000_000.0]),
        ("zwei Millionen Menschen", "de", [2_000_000.0]),
        ("am 05.04.2025", "de", [5.0, 4.0, 2025.0]),
        ("1, 2 und 3", "de", [1.0, 2.0, 3.0]),
    ],
)
def test_amounts_are_read_with_the_languages_separators_and_scale_words(
    text: str, lang: str, values: list[float]
) -> None:
    assert [a.value for a in amounts(text, lang)] == values


@pytest.mark.parametrize(
    ("text", "lang", "date"),
    [
        ("5 апреля", "ru", (5, 4)),
        ("5 квітня", "uk", (5, 4)),
        ("April 5", "en", (5, 4)),
        ("5 April", "en", (5, 4)),
        ("5. April", "de", (5, 4)),
        ("5 Menschen", "de", None),
    ],
)
def test_dates_are_recognised(text: str, lang: str, date: tuple[int, int] | None) -> None:
    assert amounts(text, lang)[0].date == date


ARTICLE_DE = (
    "Kiew meldet neue Angriffe\n\n"
    "In der Nacht griffen russische Truppen die Stadt an. Dabei wurden 14 Menschen verletzt. "
    "Die Regierung kündigte am 4. April Hilfe in Höhe von 15 Millionen Hrywnja an."
)
ARTICLE_RU = (
    "Киев сообщает о новых атаках\n\n"
    "Ночью российские войска атаковали город. При этом пострадали 14 человек. "
    "Правительство 5 апреля объявило о помощи в размере 1,5 млн гривен."
)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("SRC001", [("15 Millionen", None)]),
        ("SRC002", []),
        ("SRC003", [("4. April", "5. April")]),
        ("SRC004", []),
        ("SRC005", []),
    ],
)
def test_a_whole_article_against_its_source(code: str, expected: list[tuple[str, str | None]]) -> None:
    assert _findings(code, ARTICLE_DE, ARTICLE_RU) == expected


@pytest.mark.parametrize(
    ("code", "text", "source", "lang", "count"),
    [
        # numbers: rounding, conversions of format, number words, years, articles for "1"
        ("SRC001", "Rund 1,5 Millionen Menschen flohen.", "Около 1,52 млн человек бежали.", "ru", 0),
        ("SRC001", "Drei Soldaten wurden getötet.", "Погибли 3 военных.", "ru", 0),
        ("SRC001", "Ein Soldat wurde getötet.", "Погиб 1 военный.", "ru", 0),
        (
            "SRC001",
            "Im Jahr 2024 stiegen die Preise um 7,5 Prozent.",
            "В 2024 году цены выросли на 7,5%.",
            "ru",
            0,
        ),
        (
            "SRC001",
            "Im Jahr 2024 stiegen die Preise um 75 Prozent.",
            "В 2024 году цены выросли на 7,5%.",
            "ru",
            1,
        ),
        ("SRC001", "The price rose by 3.5%.", "The price rose by 3.5%.", "en", 0),
        # rounding is allowed for amounts, not for counts and years
        ("SRC001", "Im Jahr 2025 stiegen die Preise.", "В 2024 году цены выросли.", "ru", 1),
        ("SRC001", "Rund 15.200 Menschen flohen.", "Около 15 230 человек бежали.", "ru", 0),
        ("SRC002", "Die Preise stiegen deutlich.", "В 2024 году цены выросли на 7,5%.", "ru", 1),
        ("SRC002", "Die Preise stiegen deutlich.", None, None, 0),
        # untranslated: names and short labels are not segments left in the source language
        ("SRC004", "Joe Biden und Donald Trump", "Joe Biden and Donald Trump", "en", 0),
        (
            "SRC004",
            "Russia has not commented on the claims.",
            "Russia has not commented on the claims.",
            "en",
            1,
        ),
        # units: a kept amount with another unit of the same kind; both units in the source are fine
        ("SRC011", "Die Ukraine erhält 2 Milliarden Euro.", "Украина получит 2 млрд долларов.", "ru", 1),
        ("SRC011", "Die Ukraine erhält 2 Milliarden US-Dollar.", "Україна отримає $2 млрд.", "uk", 0),
        ("SRC011", "Es kostete 300 Rubel.", "Это стоило 300 гривен.", "ru", 1),
        ("SRC011", "Es kostete 300 Hrywnja.", "Это стоило 300 гривен.", "ru", 0),
        ("SRC011", "Der Preis: 40 Euro.", "The price: £40.", "en", 1),
        ("SRC011", "20 Kilometer und dann 20 Meilen.", "20 км, а затем 20 миль.", "ru", 0),
        (
            "SRC011",
            "Ein Kredit über 1,5 Milliarden Dollar (1,4 Milliarden Euro).",
            "A $1.5 billion (€1.4 billion) loan.",
            "en",
            0,
        ),
        ("SRC011", "5 Prozent Inflation, 5 Euro Preis.", "Инфляция 5%, цена 5 евро.", "ru", 0),
        ("SRC011", "Nach 5 Kilometern trafen sie Polizisten.", "Их встретили 5 милиционеров.", "ru", 0),
        ("SRC011", "Die Front ist 100 Kilometer lang.", "Фронт длиной 100 миль.", "ru", 1),
        (
            "SRC011",
            "Sie fuhr 5 Kilometer.",
            "Она пробежала 5 кг.",
            "ru",
            0,
        ),  # another dimension: not a unit swap
        # placeholders kept in another order are fine
        ("SRC006", "{b} und {a}", "{a} and {b}", "en", 0),
        ("SRC006", "<i>Hallo</i>", "<b>Hello</b>", "en", 2),
    ],
)
def test_source_aware_cases(code: str, text: str, source: str | None, lang: str | None, count: int) -> None:
    assert len(_findings(code, text, source, lang)) == count


def test_numbers_in_a_neighbouring_sentence_are_found_despite_a_merge() -> None:
    """Two source sentences merged into one German sentence keep their numbers: no finding."""
    text = "Am Morgen fielen 12 Raketen auf die Stadt, am Abend weitere 7 auf das Umland."
    source = "Утром на город упали 12 ракет. Вечером ещё 7 упали на пригороды."
    assert _findings("SRC001", text, source) == []
    assert _findings("SRC002", text, source) == []


def test_source_rules_are_silent_without_a_source() -> None:
    for code in ("SRC001", "SRC002", "SRC003", "SRC004", "SRC005", "SRC006", "SRC011"):
        assert _findings(code, ARTICLE_DE, None, None) == []


def test_a_long_article_against_a_long_source_stays_fast() -> None:
    """The alignment is banded: 2,000 sentence pairs take well under a few seconds."""
    import time

    text = " ".join(f"Am Tag {i} wurden {i * 3} Häuser zerstört." for i in range(2, 2002))
    source = " ".join(f"В день {i} были разрушены {i * 3} домов." for i in range(2, 2002))
    started = time.perf_counter()
    assert _findings("SRC001", text, source) == []
    assert time.perf_counter() - started < 10


TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="ru"><text><body>
<termEntry id="t1"><langSet xml:lang="ru"><tig><term>переговоры</term></tig></langSet>
<langSet xml:lang="de"><tig><term>Verhandlungen</term></tig></langSet></termEntry>
</body></text></martif>
"""


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("terms.tsv", "source\tgerman\tsource_lang\tnote\nпереговоры\tVerhandlungen\tru\t\n"),
        ("terms.csv", "source,german\nпереговоры,Verhandlungen\n"),
        ("terms.tbx", TBX),
    ],
)
def test_a_glossary_in_each_format_is_enforced(tmp_path: Path, name: str, content: str) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    rows = [
        {
            "id": "bad",
            "text": "Die Gespräche dauern an.",
            "source": "Переговоры продолжаются.",
            "source_lang": "ru",
        },
        {
            "id": "ok",
            "text": "Die Verhandlungen dauern an.",
            "source": "Переговоры продолжаются.",
            "source_lang": "ru",
        },
    ]
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    args = ["check", str(feed), "--no-reports", "--no-backtranslate", "--select", "SRC007"]
    result = CliRunner().invoke(main, [*args, "--glossary", str(tmp_path / name)])
    assert result.exit_code == 1, result.output
    assert "bad" in result.stdout and "Verhandlungen" in result.stdout and ":ok" not in result.stdout
    assert "#ok" not in result.stdout


def test_a_glossary_named_in_the_config_is_read_relative_to_it(tmp_path: Path) -> None:
    (tmp_path / "house").mkdir()
    (tmp_path / "house" / "terms.csv").write_text(
        "source,german\nпереговоры,Verhandlungen\n", encoding="utf-8"
    )
    (tmp_path / "mtqa.toml").write_text('[lists]\nglossary = ["house/terms.csv"]\n', encoding="utf-8")
    settings = load_settings(tmp_path / "mtqa.toml")
    assert settings.rules.glossary == (GlossaryTerm("переговоры", "Verhandlungen", ""),)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bad.csv", "term,translation\na,b\n", "needs the columns source and german"),
        (
            "bomb.tbx",
            '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><martif>&a;</martif>',
            "declares entities",
        ),
        ("broken.tsv", "source\tgerman\n", "columns"),
    ],
)
def test_a_broken_glossary_is_one_clear_error_before_the_run(
    tmp_path: Path, name: str, content: str, reason: str
) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    (tmp_path / "a.txt").write_text("Alles gut.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "a.txt"), "--glossary", str(tmp_path / name)])
    assert result.exit_code == 2
    assert reason in result.stderr and result.stderr.count("\n") == 1
