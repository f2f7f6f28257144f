"""Page-chrome mechanisms (BPL003-BPL011) on chrome they were not written for, and on article text."""

from __future__ import annotations

import pytest

from mtqa.rules.registry import RuleContext, select_rules
from tests.conftest import article

BODY = "Der Kreml äußerte sich am Freitag nicht zu den Gesprächen in Genf."


def bpl(text: str) -> list[tuple[str, str, str | None]]:
    context = RuleContext.of(article(text))
    found = [f for rule in select_rules(["BPL"]) for f in rule.run(context)]
    return sorted((f.code, f.match, f.suggestion) for f in found)


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("Lesen Sie mehr auf unserer Webseite", "BPL001"),
        ("Schauen Sie sich das Video auf unserem Kanal an", "BPL003"),
        ("Abonniert unseren Newsletter", "BPL003"),
        ("Lies: die ganze Geschichte", "BPL003"),
        ("Folge uns auf Telegram", "BPL003"),
        ("► Klicken Sie hier", "BPL003"),
        ("Telegram | VK | Dzen", "BPL004"),
        ("Folgen: in Telegram • in MAX • in WhatsApp", "BPL004"),
        ("#Ukraine #Krieg", "BPL005"),
        ("#Genf #Gipfel #Diplomatie #Frieden", "BPL005"),
        ("5 min read", "BPL006"),
        ("Veröffentlicht: 04.04.2025 14:30", "BPL006"),
        ("Aufrufe: 1.234 | Kommentare: 5", "BPL006"),
        ("Springe zum Inhalt", "BPL007"),
        ("Zurück zur Suche", "BPL007"),
        ("Zum Inhalt springen", "BPL001"),
        ("Zur Navigation", "BPL007"),
        ("Bildergalerie öffnen", "BPL008"),
        ("Bild 12 / 30", "BPL008"),
        ("Bildergebnis für selenskyj trump", "BPL001"),
        ("World News", "BPL009"),
        ("Economy", "BPL009"),
    ],
)
def test_a_chrome_line_between_paragraphs_is_flagged_once(line: str, code: str) -> None:
    text = f"{BODY}\n\n{line}\n\n{BODY}"
    assert bpl(text) == [(code, line, "")]


@pytest.mark.parametrize(
    "line",
    [
        "Foto: AFP",
        "Foto: dpa/Max Muster",
        "Fotos: Reuters, AP",
        "Bildquelle: picture alliance",
        "Lesen Sie, was die Ministerin dazu sagte.",
        "Folgen des Krieges",
        "Folge 3: Der Anfang vom Ende",
        "Teile der Armee: ein Überblick",
        "Telegram und VK",
        "Kiew | Moskau | Genf",
        "Minuten nach dem Anpfiff",
        "Um 14:30 Uhr",
        "Bild der Woche",
        "Die World Health Organization",
        "Europa",
        "Nord- und Südkorea",
        "#1 der Charts: ein Überblick über die Woche, die Titel und die Verkaufszahlen der Alben",
    ],
)
def test_article_lines_are_not_chrome(line: str) -> None:
    assert bpl(f"{BODY}\n\n{line}\n\n{BODY}") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Putin trifft Trump – World\n\nText.", [("BPL009", " – World", "")]),
        ("Putin trifft Trump | Politics\n\nText.", [("BPL009", " | Politics", "")]),
        (
            f"Gipfel in Genf beendet\nGipfel in Genf beendet\n{BODY}",
            [("BPL011", "Gipfel in Genf beendet", "")],
        ),
        (f"{BODY} Mehr zum Thema: Putin in Genf", [("BPL010", "Mehr zum Thema: Putin in Genf", None)]),
        (
            f"{BODY} Lesen Sie auch: Kreml schweigt. {BODY}",
            [("BPL010", "Lesen Sie auch: Kreml schweigt.", None)],
        ),
    ],
)
def test_chrome_inside_or_beside_text(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    assert bpl(text) == expected


def test_a_long_feed_of_chrome_costs_findings_per_line_only() -> None:
    text = "\n".join(["#Ukraine #Krieg", "Telegram | VK", "1 Min Read", "Foto: AFP", BODY] * 2000)
    found = bpl(text)
    assert len(found) == 3 * 2000
    assert {code for code, _, _ in found} == {"BPL004", "BPL005", "BPL006"}
