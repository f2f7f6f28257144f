"""The German lexicon and the names mechanisms built on it: NAM004-NAM007 and LOC006.

Tables of German news sentences with exactly the findings expected, correct German that must stay
silent (compounds, German surnames, brands, English first names), and the data checks of the new lists.
"""

from __future__ import annotations

import csv
import gc
import time
from array import array
from pathlib import Path

import pytest

from mtqa.errors import ReferenceDataError
from mtqa.language import lexicon as german
from mtqa.references import load_table
from mtqa.rules import locale, names
from mtqa.rules.registry import RuleContext, all_rules
from tests.conftest import article

CODES = ("NAM", "LOC006")
RULES = [r for r in all_rules() if r.code.startswith(CODES)]


def found(text: str) -> list[tuple[str, str, str | None]]:
    context = RuleContext.of(article(text))
    findings = sorted((f for r in RULES for f in r.run(context)), key=lambda f: f.start)
    return [(f.code, f.match, f.suggestion) for f in findings]


# --- the lexicon ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "known"),
    [
        ("Haus", True),
        ("haus", True),
        ("Friedensverhandlungen", True),
        ("Sanktionspaket", True),
        ("Friedensverhandlungsrunde", True),
        ("Waffenstillstandsabkommen", True),
        ("Bundesverteidigungsministerium", True),
        ("Berbock", False),
        ("Makron", False),
        ("Sholts", False),
        ("Whitkoff", False),
        ("Khortytsia", False),
        ("Selenskyj", False),
    ],
)
def test_lexicon_knows_german_words_and_compounds(word: str, known: bool) -> None:
    assert german.german_lexicon().is_known(word) is known


@pytest.mark.parametrize(
    ("word", "established"), [("Kevin", True), ("Jay", True), ("Harvey", True), ("Sergey", False)]
)
def test_lexicon_tells_established_words(word: str, established: bool) -> None:
    assert german.german_lexicon().is_established(word) is established


def test_lexicon_index_is_built_once_into_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds: list[int] = []
    small = {name: array("Q", sorted({german.form_hash("haus"), 7})) for name, _ in german.BANDS}

    def build() -> german.Index:
        builds.append(1)
        return small

    monkeypatch.setattr(german, "build_index", build)
    path = tmp_path / "cache" / f"lexicon-{german.resource_version()}.bin"
    assert german.load_or_build(path) == small and path.is_file()
    assert german.load_or_build(path) == small and len(builds) == 1
    assert german.GermanLexicon(german.load_or_build(path), "test").is_known("Haus")
    path.write_bytes(path.read_bytes()[:-3])
    assert german.load_or_build(path) == small and len(builds) == 2


def test_cache_folder_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MTQA_CACHE_DIR", str(tmp_path))
    assert german.cache_dir() == tmp_path
    monkeypatch.delenv("MTQA_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert german.cache_dir() == tmp_path / "xdg" / "mtqa"


def test_lexicon_version_names_the_resource() -> None:
    assert german.german_lexicon().version.startswith("wordfreq-3.")


# --- the rules on sentences ---------------------------------------------------------------------------

BAD = [
    ("Die Politik von Berbock.", [("NAM004", "Berbock", "Baerbock")]),
    ("Präsident Makron reiste ab.", [("NAM004", "Makron", "Macron")]),
    ("Die Regierung von Makron.", [("NAM004", "Makron", "Macron")]),
    ("Olaf Sholts sagte nichts.", [("NAM004", "Sholts", "Scholz")]),
    ("Nach Whitkoffs Besuch.", [("NAM004", "Whitkoffs", "Witkoffs")]),
    ("Friedrich Merts und Giorgia Melony.", [("NAM004", "Merts", "Merz"), ("NAM002", "Melony", "Meloni")]),
    ("Die Insel Khortytsia.", [("NAM001", "Khortytsia", "Chortyzja")]),
    ("Wladimir Selenskyj sprach.", [("NAM005", "Wladimir", "Wolodymyr")]),
    ("Wladimir Selenskyjs Rede.", [("NAM005", "Wladimir", "Wolodymyr")]),
    (
        "Vladimir Zelensky sprach.",
        [("NAM005", "Vladimir", "Wolodymyr"), ("NAM001", "Zelensky", "Selenskyj")],
    ),
    ("Dmitri Kuleba und Sergej Kyslyzja.", [("NAM005", "Dmitri", "Dmytro"), ("NAM005", "Sergej", "Serhij")]),
    ("Olexander Lukaschenko drohte.", [("NAM005", "Olexander", "Alexander")]),
    (
        "Angriffe auf Charkow und Lugansk.",
        [("NAM006", "Charkow", "Charkiw"), ("NAM006", "Lugansk", "Luhansk")],
    ),
    ("Die Straßen Charkows.", [("NAM006", "Charkows", "Charkiws")]),
    (
        "Bei Belaja Zerkow und Artjomowsk.",
        [("NAM006", "Belaja Zerkow", "Bila Zerkwa"), ("NAM006", "Artjomowsk", "Bachmut")],
    ),
    ("Die Stadt Pokrovsky wurde beschossen.", [("NAM003", "Pokrovsky", "Pokrowsk")]),
    ("Die Stadt Kropyvnytsky.", [("NAM003", "Kropyvnytsky", "Kropywnyzkyj")]),
    ("Die Familie Hnatyy.", [("NAM003", "Hnatyy", "Hnatyj")]),
    ("Die Stadt Horlivka.", [("NAM001", "Horlivka", "Horliwka")]),
    (
        "Die VSU und die AFU.",
        [("NAM007", "VSU", "Streitkräfte der Ukraine"), ("NAM007", "AFU", "Streitkräfte der Ukraine")],
    ),
    (
        "Laut SKU und ZSU.",
        [("NAM007", "SKU", "Streitkräfte der Ukraine"), ("NAM007", "ZSU", "Streitkräfte der Ukraine")],
    ),
    ("Die Ziele der SWO.", [("NAM007", "SWO", "„militärische Spezialoperation“")]),
    (
        "Das MID RF und das MTschS.",
        [
            ("NAM007", "MID RF", "Außenministerium Russlands"),
            ("NAM007", "MTschS", "Katastrophenschutzministerium"),
        ],
    ),
    (
        "In der DNR und der LNR.",
        [("NAM007", "DNR", "„Volksrepublik Donezk“"), ("NAM007", "LNR", "„Volksrepublik Luhansk“")],
    ),
    ("Das Treffen am 14. Saint.", [("LOC006", "Saint", "September")]),
    ("Am 2. Dec. 2024 und am 5. Mar. 2025.", [("LOC006", "Dec.", "Dezember"), ("LOC006", "Mar.", "März")]),
]


@pytest.mark.parametrize(("text", "expected"), BAD, ids=[t[:40] for t, _ in BAD])
def test_each_artefact_gives_its_finding(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "_"), BAD, ids=[t[:40] for t, _ in BAD])
def test_applying_the_suggestions_leaves_nothing(text: str, _: object) -> None:
    context = RuleContext.of(article(text))
    for finding in sorted((f for r in RULES for f in r.run(context)), key=lambda f: -f.start):
        assert finding.suggestion is not None
        text = text[: finding.start] + finding.suggestion + text[finding.end :]
    assert found(text) == []


GOOD = [
    # German compounds and words close to listed names
    "Die Rute, der März, die Kohle und das Sanktionspaket der Bundesregierung.",
    "Der Verteidigungsausschuss beriet über Drohnenabwehrsysteme und Munitionsfabriken.",
    # German surnames spelled like listed ones are other people
    "Herr Steinmeyer, Frau Steinmaier, Herr Schultz, Frau Scholtz und Herr Mertz.",
    "Die Abgeordneten Merkle, Schulze und Meier stimmten zu.",
    # brands and organisations
    "Rheinmetall, Siemens Energy, Lufthansa, Volkswagen und die Deutsche Bahn meldeten Zahlen.",
    "Gazprom, Rosneft, Lukoil und Naftogaz; die Sberbank und Novatek.",
    # English first names before surnames (the transliteration rule left them alone)
    "Der Abgeordnete Kevin Kühnert und der Moderator Jay Leno.",
    "Präsident Kevin Stitt, Sprecherin Casey Smith und Senator Harvey Milk.",
    "Der Fotograf Jay Morgan und der Schauspieler Kevin Costner.",
    "Die Abgeordneten Kimberly Petrow, Zachary Iwanow, Kelsey Sokolow und Yusuf Alijew.",
    # right given names, Ukrainian places, acronyms German news uses
    "Wolodymyr Selenskyj, Wladimir Putin, Wladimir Klitschko und Vitali Klitschko.",
    "Alexander Lukaschenko, Olexander Syrskyj, Andrij Jermak und Dmytro Kuleba.",
    "Der Regisseur Iwan Nikolajew und der Historiker Pjotr Lwow.",
    "In Charkiw, Saporischschja, Kiew, Kyjiw, Odessa, Lwiw und Pokrowsk.",
    "Die NATO, die EU, die OSZE, die UN, der SBU, der FSB, der GRU und die IAEA.",
    "WSU-Studenten besuchten die AFU-Zentrale.",
    "EILMELDUNG: DIE SWO UND DIE WSU",
    # dates written the German way, and Saint in names
    "Am 14. September, am 3. Okt. und am 1. Dez. 2025; Sept. und Nov. sind richtig.",
    "Beim 14. Saint-Tropez-Festival und beim 3. Saint Laurent; Theresa May sprach.",
]


@pytest.mark.parametrize("text", GOOD)
def test_correct_german_stays_silent(text: str) -> None:
    assert found(text) == []


def test_languagetool_correct_sentences_get_no_new_finding(shared_dir: Path) -> None:
    """LanguageTool's correct German sentences: the names rules report only the known Yenidze case."""
    path = shared_dir / "languagetool-examples" / "correct.tsv"
    with path.open(encoding="utf-8", newline="") as table:
        rows = list(csv.DictReader(table, delimiter="\t", quoting=csv.QUOTE_NONE))
    reported = [(code, match) for row in rows for code, match, _ in found(row["text"])]
    assert reported == [("NAM003", "Yenidze")]


# --- the new lists ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "row", "message"),
    [
        ("ukraine_place_names.tsv", "charkow\tCharkiw\t", "must start with a capital"),
        ("ukraine_place_names.tsv", "Sumy\tSumy\t", "same in both columns"),
        ("given_name_forms.tsv", "Wladimir\t", "two or more capitalised"),
        ("acronyms.tsv", "wsu\tВСУ\tStreitkräfte\t", "not an acronym"),
        ("acronyms.tsv", "WSU\tВСУ\tStreitkräfte\t", "listed twice"),
        ("month_abbreviations.tsv", "Saint\tsometimes\tSeptember\t", "required|optional"),
    ],
)
def test_malformed_rows_of_the_new_lists_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, file: str, row: str, message: str
) -> None:
    from mtqa.references import references_dir

    folder = tmp_path / "references"
    folder.mkdir()
    for path in references_dir().glob("*.tsv"):
        (folder / path.name).write_bytes(path.read_bytes())
    target = folder / file
    target.write_text(target.read_text(encoding="utf-8") + row + "\n", encoding="utf-8")
    monkeypatch.setenv("MTQA_REFERENCES", str(folder))
    load_table.cache_clear()
    names.clear_caches()
    locale.month_abbreviations.cache_clear()
    try:
        with pytest.raises(ReferenceDataError, match=message):
            names.lexicon()
            names.acronyms()
            locale.month_abbreviations()
    finally:
        monkeypatch.undo()
        load_table.cache_clear()
        names.clear_caches()
        locale.month_abbreviations.cache_clear()


def test_every_listed_person_surname_and_given_form_is_consistent() -> None:
    lex = names.lexicon()
    for forms in (tuple(r["forms"].split(",")) for r in load_table("given_name_forms").records()):
        for form in forms:
            assert form in lex.given, f"given_name_forms.tsv: {form} is no listed given name"
    places = load_table("ukraine_place_names")
    for russian, ukrainian in zip(places.column("russian_based"), places.column("german"), strict=True):
        assert russian not in lex.variants, f"{russian} is both a variant and a Russian-based place"
        first = names._split_first(ukrainian)[0]
        assert ukrainian in lex.accepted or first in lex.phrases, f"{ukrainian} is not in names.tsv"


@pytest.mark.parametrize("unit", ["WSU 14. Saint Makron Charkow Wladimir Selenskyj ", "A" * 1000 + " "])
def test_cost_grows_linearly(unit: str) -> None:
    small, large = unit * (50_000 // len(unit)), unit * (500_000 // len(unit))

    def cost(text: str) -> float:
        """Best of five runs in CPU time, the collector paused: the algorithm's cost, not the load's."""
        context = RuleContext.of(article(text))
        times = []
        for _ in range(5):
            names._analyse.cache_clear()
            gc.collect()
            gc.disable()
            try:
                begin = time.process_time()
                for rule in RULES:
                    rule.run(context)
                times.append(time.process_time() - begin)
            finally:
                gc.enable()
        return min(times)

    assert cost(large) < 15 * max(cost(small), 0.01)
