"""Number formats (LOC), site boilerplate (BPL) and untranslated text (UNT) on tricky texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtqa.errors import ReferenceDataError
from mtqa.model import Finding
from mtqa.rules.registry import RuleContext, RuleOptions, select_rules
from mtqa.segment import LineIndex
from tests.conftest import article
from tests.gold import EXAMPLE, must_rows

FAMILIES = ["TYP", "LOC", "BPL", "UNT"]

AGENCY_CONTROL = (
    "Kyjiw/Moskau (dpa) – Der ukrainische Präsident Wolodymyr Selenskyj hat am 4. April 2025 in Kyjiw "
    "vor „voreiligen Hoffnungen“ gewarnt. Kremlsprecher Dmitri Peskow sprach dagegen von einem "
    "„wichtigen Schritt“.\n\n"
    "Nord- und Südkorea verfolgten die Gespräche aufmerksam. Die Ein- und Ausfuhr Russlands sank im März "
    "um 3,5 Prozent; 1.250 Unternehmen meldeten Verluste. Eine Pressekonferenz ist für 14.30 Uhr "
    "angesetzt – so das Präsidialamt.\n\n"
    "„Wir sind bereit, aber nicht um jeden Preis“, sagte Selenskyj. Die EU und die NATO berieten am 3.5. "
    "in Brüssel; die Kosten lagen bei 12.000 Euro, z. B. für Dolmetscher. Die „Washington Post“ und "
    "„The New York Times“ berichteten."
)


def findings(text: str, families: list[str], options: RuleOptions | None = None) -> list[Finding]:
    context = RuleContext.of(article(text), options)
    return [f for rule in select_rules(families) for f in rule.run(context)]


def found(
    text: str, families: list[str], options: RuleOptions | None = None
) -> list[tuple[str, str, str | None]]:
    return sorted(((f.code, f.match, f.suggestion) for f in findings(text, families, options)), key=str)


def test_agency_style_control_gives_no_finding_in_these_families() -> None:
    assert found(AGENCY_CONTROL, FAMILIES) == []


@pytest.mark.parametrize(
    "text",
    [
        "Die Inflation stieg um 3,5 Prozent, es kamen 1.250 Menschen.",
        "Am 3.5. trafen sich die Minister um 14.30 Uhr.",
        "Die Mauer ist 1,25 Meter hoch, die Flasche fasst 0,250 Liter.",
        "Es waren 3,500 oder 4,000 – niemand weiß es genau.",
        "Version 17.4 behebt den Fehler, siehe Nr. 1.2 der Liste.",
        "Im April 2025 starben im April 12 Menschen.",
        "In der Saison 2024/25 und rund um die Uhr, 24/7.",
        "Das kostet 20 € oder 5 Millionen Dollar.",
        "Die Variable $HOME ist kein Betrag.",
        "Die IP-Adresse 192.168.1.10 Meter entfernt.",
    ],
)
def test_german_number_formats_are_not_flagged(text: str) -> None:
    assert found(text, ["LOC"]) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Es starben 1,250 Menschen.", [("LOC002", "1,250", "1.250")]),
        ("Es kostet 3.5 Millionen Euro.", [("LOC001", "3.5", "3,5")]),
        ("Das Wachstum lag bei 0.5%.", [("LOC001", "0.5", "0,5")]),
        ("Die USA gaben $5 Millionen.", [("LOC005", "$5 Millionen", "5 Millionen Dollar")]),
        ("Die EU gab €3.5 Milliarden.", [("LOC005", "€3.5 Milliarden", "3,5 Milliarden Euro")]),
        ("Am September 11, 2001 geschah es.", [("LOC003", "September 11, 2001", "11. September 2001")]),
        ("Die Feier am 4th of July.", [("LOC003", "4th of July", "4. Juli")]),
        ("Sie kamen am 12/24/2024.", [("LOC004", "12/24/2024", "24.12.2024")]),
        ("Sie kamen am 05/06/2024.", [("LOC004", "05/06/2024", None)]),
    ],
)
def test_english_number_formats_are_flagged(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    assert found(text, ["LOC"]) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Weitere Nachrichten aus Kiew deuten darauf hin, dass die Gespräche andauern.",
        "Peskow sagte, man solle die Chance nicht verpassen.",
        "Zum Thema Sicherheitsgarantien sagte er nichts.",
        "Die NATO, die EU und die USA reagierten.",
        "NATO\n\nDie Allianz tagte.",
        "NATO, EU UND USA\n\nAlle reagierten.",
        "Tatsächlich sagte er das.",
        "Lesen Sie auch, was Peskow am Freitag sagte, sei der Anfang. " * 4,
    ],
)
def test_article_text_is_not_boilerplate(text: str) -> None:
    assert found(text, ["BPL"]) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Text.\n\nVerpassen Sie es nicht\n\nMehr Text.", [("BPL001", "Verpassen Sie es nicht", "")]),
        ("Text.\n\nVERPASSEN SIE ES NICHT!", [("BPL001", "VERPASSEN SIE ES NICHT!", "")]),
        (
            "Text.\n\nINTERESSANTE MATERIALIEN ZUM THEMA",
            [("BPL001", "INTERESSANTE MATERIALIEN ZUM THEMA", "")],
        ),
        (
            "Text.\n• Lesen Sie auch: Putin trifft Trump\nText.",
            [("BPL001", "• Lesen Sie auch: Putin trifft Trump", "")],
        ),
        (
            "Text.\n\nAbonnieren Sie unseren Telegram-Kanal",
            [("BPL001", "Abonnieren Sie unseren Telegram-Kanal", "")],
        ),
        ("TATSÄCHLICH\n\nText.", [("BPL002", "TATSÄCHLICH", "")]),
        ("Text.\n\nPOLITIK UND WIRTSCHAFT\n\nText.", [("BPL002", "POLITIK UND WIRTSCHAFT", "")]),
    ],
)
def test_page_chrome_is_flagged_once_with_a_deletion(
    text: str, expected: list[tuple[str, str, str | None]]
) -> None:
    assert found(text, ["BPL"]) == expected


def test_user_boilerplate_list_extends_the_built_in_one(tmp_path: Path) -> None:
    extra = tmp_path / "house.tsv"
    extra.write_text(
        "# house chrome\nphrase\tposition\tkind\tnote\nUnsere Empfehlung*\tline\trelated\t\n",
        encoding="utf-8",
    )
    text = "Text.\n\nUnsere Empfehlungen:\n\nVerpassen Sie es nicht"
    options = RuleOptions(boilerplate=(str(extra),))
    assert found(text, ["BPL"]) == [("BPL001", "Verpassen Sie es nicht", "")]
    assert found(text, ["BPL"], options) == [
        ("BPL001", "Unsere Empfehlungen:", ""),
        ("BPL001", "Verpassen Sie es nicht", ""),
    ]


def test_user_boilerplate_list_with_an_unknown_position_is_an_error(tmp_path: Path) -> None:
    extra = tmp_path / "house.tsv"
    extra.write_text("phrase\tposition\tkind\tnote\nWerbung\tsomewhere\tad\t\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="somewhere"):
        findings("Werbung", ["BPL"], RuleOptions(boilerplate=(str(extra),)))


@pytest.mark.parametrize(
    "text",
    [
        "Die sogenannte Säuberung (russisch: зачистка) begann im Mai.",
        "Die Washington Post und die New York Times berichteten darüber.",
        "Trumps Buch „The Art of the Deal“ erschien 1987.",
        "Das Motto „Yes we can“ kannte jeder, sagte Peskow am Freitag in Moskau.",
        "Der Film „Game of Thrones“ lief auch in Kiew.",
        "Frankfurt a. M. und Halle a. d. Saale liegen in Deutschland.",
        AGENCY_CONTROL,
    ],
)
def test_names_titles_and_glosses_are_not_untranslated_text(text: str) -> None:
    assert found(text, ["UNT"]) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die Zeitung „Коммерсантъ“ berichtete.", [("UNT001", "Коммерсантъ", None)]),
        (
            "Putin sagte: Мы готовы к диалогу, но не любой ценой. Dann ging er.",
            [("UNT001", "Мы готовы к диалогу, но не любой ценой", None)],
        ),
        ("Der Кreml teilte mit.", [("UNT002", "Кreml", "Kreml")]),
        ("Sprecher Пeskow teilte mit.", [("UNT002", "Пeskow", None)]),
        (
            "Peskow äußerte sich. The talks are over and nothing has been agreed. Kiew schwieg.",
            [("UNT003", "The talks are over and nothing has been agreed.", None)],
        ),
    ],
)
def test_untranslated_text_is_flagged(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    assert found(text, ["UNT"]) == expected


def test_example_article_every_boilerplate_line_is_flagged_for_deletion() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    index = LineIndex(text)
    deleted = {index.line_col(f.start)[0]: f.match for f in findings(text, ["BPL"]) if f.suggestion == ""}
    assert {row.line: row.text for row in must_rows(("boilerplate",))} == deleted


def test_example_article_has_no_number_or_untranslated_findings() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert found(text, ["LOC", "UNT"]) == []
