"""The names family: listed variants (NAM001), sound-alikes (NAM002), English-style romanisation (NAM003)."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from mtqa.errors import ReferenceDataError
from mtqa.references import load_table, references_dir
from mtqa.rules import names
from mtqa.rules.registry import RuleContext, RuleOptions, all_rules
from tests.conftest import DATA, article
from tests.gold import covering, read_gold, row_span, same_correction

NAM_RULES = [r for r in all_rules() if r.family == "NAM"]
NAME_CATEGORIES = ("transliteration", "name-variant")


def nam(text: str, options: RuleOptions | None = None) -> list[tuple[str, str, str | None]]:
    context = RuleContext.of(article(text), options)
    findings = sorted((f for r in NAM_RULES for f in r.run(context)), key=lambda f: f.start)
    return [(f.code, f.match, f.suggestion) for f in findings]


@pytest.fixture
def references_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of references/ that the test may change; every cache is cleared before and after."""
    folder = tmp_path / "references"
    shutil.copytree(references_dir(), folder)
    monkeypatch.setenv("MTQA_REFERENCES", str(folder))
    load_table.cache_clear()
    names.clear_caches()
    yield folder
    monkeypatch.undo()
    load_table.cache_clear()
    names.clear_caches()


@pytest.fixture
def without_name_list(references_copy: Path) -> None:
    """The built-in lists with an empty names.tsv: what the detector finds on its own."""
    path = references_copy / "names.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    columns = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    path.write_text("\n".join(lines[: columns + 1]) + "\n", encoding="utf-8")


GOOD = [
    "Kreml-Sprecher Dmitri Peskow sagte, Wladimir Putin habe mit Donald Trump telefoniert.",
    "Der ukrainische Präsident Wolodymyr Selenskyj besuchte Kiew, Kyjiw, Charkiw und Odessa.",
    "Außenminister Sergej Lawrow traf Marco Rubio in Riad.",
    "Nach Peskows Worten und laut Selenskyjs Büro sowie Lawrows Aussage.",
    "Die Verhandlungen mit Kirill Dmitrijew und Steve Witkoff fanden in Saudi-Arabien statt.",
    "Nord- und Südkorea verhandeln; Seoul und Pjöngjang schweigen.",
    "Die Beiden wollten nach Baden-Baden; der Maler und der Meister holten den Wagen.",
    "Beiden Seiten liegt viel an einer Einigung; in Baden regnet es.",
    "Der Tsunami traf die Küste; Alexis Tsipras kommentierte.",
    "Steven Spielberg drehte einen Film über Budgets, Pakets und Tickets.",
    "Chevrolet, Google, Yves Saint Laurent und Levi's warben in der Yoga-Zeitschrift.",
    "Garri Kasparow spielte gegen Magnus Carlsen.",
    "Die Gesundheitsministerin und die Arbeitsministerin trafen sich im Staatsarchiv.",
    "Der Arbeitsbereich der Stadtsprecherin umfasst das Parkhaus und den Holzhandel.",
    "Die Parkhausbetreiberin und die Lobbyistin sprachen mit der Direktorin.",
    "Der FC Bayern München gewann gegen Borussia Dortmund; Mayer, Meyer und Geyer trafen.",
    "Die Yacht des Oligarchen Roman Abramowitsch lag im Hafen von Monaco.",
    "Der Sänger Ricky Martin trat in Berlin auf.",
    "Tennisstar Novak Djokovic gewann gegen Carlos Alcaraz.",
    "Martina Navratilova und Petra Kvitova spielten Doppel.",
    "Minister Dobrindt und Ministerin Reiche sprachen mit Herrn Müller und Frau Schmidt.",
    "Parlamentspräsident Schulz sprach mit Kanzler Scholz und Herrn Schultz.",
    "Herr Steinmeyer und Frau Meyer kamen aus Bayern; Herr Baier blieb.",
    "Ministerpräsident Michael Kretschmer und Markus Söder trafen Präsident Emmanuel Macron.",
    "Der Whisky, der Husky und die Supernova.",
    "Das Risiko im Archiv ist ein Motiv für den Detektiv; der Kiosk gehört Interpol.",
    "Im Interview mit der Talkshow sprach die Moderatorin über die Show.",
    "Vitali Klitschko, der Bürgermeister von Kiew, warnte vor Angriffen.",
    "Vladimir Nabokov schrieb seine späten Romane auf Englisch.",
    "Sergey Brin gründete Google.",
    "Der Patriarch Kirill segnete die Truppen von Generalstabschef Waleri Gerassimow.",
    "Die Grünen-Politikerin Annalena Baerbock und Nato-Generalsekretär Mark Rutte sprachen.",
    "EU-Kommissionschefin Ursula von der Leyen und Kaja Kallas reisten nach Brüssel.",
    "Präsident Recep Tayyip Erdogan empfing Xi Jinping in Ankara.",
    "Der polnische Präsident Andrzej Duda und Radosław Sikorski in Warschau.",
    "Die Flüge von Tel Aviv nach Sankt Petersburg und Rostow am Don fielen aus.",
    "Das Bankhaus, die Sitzheizung und der Schutzhelm.",
]


@pytest.mark.parametrize("text", GOOD)
def test_german_news_spelling_gives_no_name_finding(text: str) -> None:
    assert nam(text) == []


BAD = [
    (
        "Kreml-Sprecher Dmitry Peskov sagte es.",
        [("NAM001", "Dmitry", "Dmitri"), ("NAM001", "Peskov", "Peskow")],
    ),
    ("Nach Peskovs Worten.", [("NAM001", "Peskovs", "Peskows")]),
    (
        "Nach Lavrovs und Zelenskys Worten.",
        [("NAM001", "Lavrovs", "Lawrows"), ("NAM001", "Zelenskys", "Selenskyjs")],
    ),
    ("Die Region Kharkiv und Kherson.", [("NAM001", "Kharkiv", "Charkiw"), ("NAM001", "Kherson", "Cherson")]),
    ("Aus Kyiv und Kievs Vororten.", [("NAM001", "Kyiv", "Kiew"), ("NAM001", "Kievs", "Kiews")]),
    ("Flüge nach Nizhny Novgorod.", [("NAM001", "Nizhny Novgorod", "Nischni Nowgorod")]),
    ("Der Hafen von Rostov-on-Don.", [("NAM001", "Rostov-on-Don", "Rostow am Don")]),
    ("Sie trafen Maria Zakharova.", [("NAM001", "Zakharova", "Sacharowa")]),
    ("Der Kreml und das Kremlin.", [("NAM001", "Kremlin", "Kreml")]),
    ("Vertreter von Joe Baiden schweigen.", [("NAM002", "Baiden", "Biden")]),
    ("US-Präsident Baidens Sprecher schwieg.", [("NAM002", "Baidens", "Bidens")]),
    ("Der frühere Präsident Baiden schwieg; Baiden sagte nichts.", [("NAM002", "Baiden", "Biden")] * 2),
    ("Donald Tramp und Jake Sallivan.", [("NAM002", "Tramp", "Trump"), ("NAM002", "Sallivan", "Sullivan")]),
    ("Der Politiker Sergej Lebedev stimmte dagegen.", [("NAM003", "Lebedev", "Lebedew")]),
    (
        "Der Politiker Timofey Zhuravlev.",
        [("NAM003", "Timofey", "Timofej"), ("NAM003", "Zhuravlev", "Schurawlew")],
    ),
    ("Der Regisseur Kirill Serebrennikov.", [("NAM003", "Serebrennikov", "Serebrennikow")]),
    (
        "Der Dirigent Gergiev und der Spieler Khachanov.",
        [("NAM003", "Gergiev", "Gergijew"), ("NAM003", "Khachanov", "Chatschanow")],
    ),
    ("Der Oppositionelle Ilya Yashin.", [("NAM001", "Ilya", "Ilja"), ("NAM003", "Yashin", "Jaschin")]),
    ("Die Journalistin Maria Ivanova.", [("NAM003", "Ivanova", "Iwanowa")]),
    ("Die Stadt Novoshakhtinsk.", [("NAM003", "Novoshakhtinsk", "Nowoschachtinsk")]),
    ("Die Schriftstellerin Ulitskaya.", [("NAM003", "Ulitskaya", "Ulizkaja")]),
]


@pytest.mark.parametrize(("text", "expected"), BAD, ids=[text[:40] for text, _ in BAD])
def test_wrong_spelling_gives_its_finding_and_suggestion(
    text: str, expected: list[tuple[str, str, str]]
) -> None:
    assert nam(text) == expected


@pytest.mark.parametrize(("text", "_"), BAD, ids=[text[:40] for text, _ in BAD])
def test_applying_every_suggestion_leaves_no_name_finding(text: str, _: object) -> None:
    context = RuleContext.of(article(text))
    findings = sorted((f for r in NAM_RULES for f in r.run(context)), key=lambda f: -f.start)
    for finding in findings:
        assert finding.suggestion is not None
        text = text[: finding.start] + finding.suggestion + text[finding.end :]
    assert nam(text) == []


@pytest.mark.parametrize(
    "word", ["Lebedev", "Zhuravlev", "Serebrennikov", "Gergiev", "Khachanov", "Yashin", "Timofey", "Ivanova"]
)
def test_detector_examples_are_not_in_the_name_list(word: str) -> None:
    lexicon = names.lexicon()
    assert word not in lexicon.accepted and word not in lexicon.variants


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kirill Dmitriev sprach.", [("NAM003", "Dmitriev", "Dmitrijew")]),
        ("Kreml-Sprecher Dmitry Peskov.", [("NAM003", "Dmitry", "Dmitri"), ("NAM003", "Peskov", "Peskow")]),
        ("Der Oligarch Khodorkovsky.", [("NAM003", "Khodorkovsky", "Chodorkowski")]),
        ("Marschall Zhukov.", [("NAM003", "Zhukov", "Schukow")]),
        ("Die Familie Grigoryev.", [("NAM003", "Grigoryev", "Grigorjew")]),
        (
            "Das Heer von Yevgeny Prigozhin.",
            [("NAM003", "Yevgeny", "Jewgeni"), ("NAM003", "Prigozhin", "Prigoschin")],
        ),
        (
            "Präsident Zelenskyy und Zaluzhnyi.",
            [("NAM003", "Zelenskyy", "Selenskyj"), ("NAM003", "Zaluzhnyi", "Saluschnyj")],
        ),
        ("Die Stadt Kharkiv.", [("NAM003", "Kharkiv", "Charkiw")]),
        ("Sergey Lavrovs Rede.", [("NAM003", "Sergey", "Sergej"), ("NAM003", "Lavrovs", "Lawrows")]),
        (
            "Der Politiker Vasiliev und Belousov.",
            [("NAM003", "Vasiliev", "Wassilijew"), ("NAM003", "Belousov", "Beloussow")],
        ),
        (
            "Nursultan Nazarbayev und Alexander Lukashenko.",
            [("NAM003", "Nazarbayev", "Nasarbajew"), ("NAM003", "Lukashenko", "Lukaschenko")],
        ),
        ("Die Stadt Khmelnytskyi.", [("NAM003", "Khmelnytskyi", "Chmelnyzkyj")]),
        ("Der Minister Fyodorov.", [("NAM003", "Fyodorov", "Fjodorow")]),
        ("Bei Nikolay Tolstoy.", []),
        ("Joe Baiden.", []),
    ],
)
def test_detector_without_the_name_list(
    without_name_list: None, text: str, expected: list[tuple[str, str, str]]
) -> None:
    assert nam(text) == expected


def test_the_example_article_names_are_found_with_the_gold_suggestion() -> None:
    """Every name row of the gold is found with its suggestion; other findings repeat a marked spelling."""
    text = (DATA / "peskov-washington.de.txt").read_text(encoding="utf-8")
    gold = [r for r in read_gold(DATA / "peskov-washington.gold.tsv") if r.category in NAME_CATEGORIES]
    context = RuleContext.of(article(text))
    findings = [f for r in NAM_RULES for f in r.run(context)]
    spans = [row_span(text, row) for row in gold]
    for row, span in zip(gold, spans, strict=True):
        found = covering(findings, span)
        assert any(same_correction(text, f, span, row.suggestion) for f in found), (row, found)
    marked = {row.text for row in gold}
    for finding in findings:
        on_a_row = any(finding.start < end and start < finding.end for start, end in spans)
        assert on_a_row or finding.match in marked, finding


def test_name_findings_never_overlap() -> None:
    text = " ".join(text for text, _ in BAD)
    context = RuleContext.of(article(text))
    spans = sorted((f.start, f.end) for r in NAM_RULES for f in r.run(context))
    assert all(end <= next_start for (_, end), (next_start, _) in itertools.pairwise(spans))


def test_user_name_list_extends_and_overrides(tmp_path: Path) -> None:
    user = tmp_path / "house-names.tsv"
    user.write_text(
        "german\tvariants\tkind\torigin\tnote\n"
        "Kyiv\t\tcity\tuk\thouse style\n"
        "Lebedew\tLebedev\tperson-surname\tru\t\n",
        encoding="utf-8",
    )
    options = RuleOptions(names=(str(user),))
    assert nam("Aus Kyiv und von Lebedev.", options) == [("NAM001", "Lebedev", "Lebedew")]


def test_allow_list_silences_the_names_rules(tmp_path: Path) -> None:
    allow = tmp_path / "allow.tsv"
    allow.write_text("phrase\tnote\nLebedev\tours\nJoe Baiden\tsatire\n", encoding="utf-8")
    options = RuleOptions(allow=(str(allow),))
    assert nam("Sergej Lebedev traf Joe Baiden.", options) == []


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Peskow\tPeskov\tperson-surnme\tru\t", "unknown kind 'person-surnme'"),
        ("Peskow\tPeskow\tperson-surname\tru\t", "equals the german spelling"),
        ("Biden\t\tperson\ten\t", "needs a full name"),
        ("Joe Biden\t\tperson-surname\ten\t", "is one word"),
        ("\tPeskov\tperson-surname\tru\t", "empty german spelling"),
        ("Peskow\tpeskov\tperson-surname\tru\t", "does not start with a capital letter"),
    ],
)
def test_malformed_name_rows_are_reported_with_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    user = tmp_path / "mine.tsv"
    user.write_text(
        f"# my names\ngerman\tvariants\tkind\torigin\tnote\nKiew\tKyiv\tcity\tuk\t\n{row}\n", encoding="utf-8"
    )
    with pytest.raises(ReferenceDataError, match=rf"mine\.tsv:4: .*{message}"):
        names.name_entries(load_table("names", (str(user),)))


def test_built_in_name_list_is_consistent() -> None:
    entries = names.name_entries(load_table("names"))
    assert len(entries) >= 300
    german = {e.german for e in entries}
    owner: dict[str, str] = {}
    for entry in entries:
        for variant in entry.variants:
            assert variant not in german, f"{entry.origin}: variant {variant} is also a German spelling"
            assert owner.setdefault(variant, entry.german) == entry.german, f"{entry.origin}: {variant} twice"
    assert "Baiden" not in owner, "re-transliterated Western names are for NAM002 to find, not for the list"


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "transliteration.tsv",
            "zh\tsch\tstart-or-vowel",
            "zh\tsch\tstart-or-vowl",
            "unknown before 'start-or-vowl'",
        ),
        ("transliteration.tsv", "ey\tej\tany\tend", "ey\tej\tany\tfinal", "unknown after 'final'"),
        ("transliteration.tsv", "v\tw\tany\tany\tall\tweak", "v\tw\tany\tany\tall\tsome", "unknown evidence"),
        ("transliteration.tsv", "v\tw\tany\tany\tall", "v\tw\tany\tany\tboth", "unknown applies"),
        ("slavic_endings.tsv", "ov\tstrong\t4", "ov\tstrng\t4", "unknown strength 'strng'"),
        ("slavic_endings.tsv", "ev\tstrong\t4", "ev\tstrong\tfour", "min_length 'four'"),
    ],
)
def test_malformed_transliteration_data_is_reported_with_file_and_line(
    references_copy: Path, file: str, old: str, new: str, message: str
) -> None:
    path = references_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=rf"{file.replace('.', '[.]')}:\d+: .*{message}"):
        names.lexicon()
