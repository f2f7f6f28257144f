"""Calques (LEX), inconsistent renderings (CON) and city-metonym agreement (GRM) on tables of sentences."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mtqa.errors import ReferenceDataError
from mtqa.references import load_table
from mtqa.rules import lexical
from mtqa.rules.lexical import Calque, calque_list, calque_matches
from mtqa.rules.registry import RuleContext, RuleOptions, all_rules, get_rule
from tests.conftest import DATA, article

FAMILIES = ("LEX", "CON", "GRM")
CALQUE_COLUMNS = load_table("calques").columns


def findings(text: str, code: str, options: RuleOptions | None = None) -> list[tuple[str, str | None]]:
    rule = get_rule(code)
    assert rule is not None
    return [(f.match, f.suggestion) for f in rule.run(RuleContext.of(article(text), options))]


FAMILY_RULES = [r for r in all_rules() if r.family in FAMILIES]


def family_findings(text: str, options: RuleOptions | None = None) -> list[tuple[str, str]]:
    context = RuleContext.of(article(text), options)
    return [(f.code, f.match) for rule in FAMILY_RULES for f in rule.run(context)]


def calque_findings(context: RuleContext) -> int:
    """How many LEX and CON findings the shared calque scan gives."""
    return sum(len(rule.run(context)) for rule in FAMILY_RULES if rule.family in ("LEX", "CON"))


def user_calques(tmp_path: Path, *rows: dict[str, str]) -> RuleOptions:
    """A user's calque file with ``rows`` (missing columns empty), as rule options."""
    path = tmp_path / "calques.tsv"
    lines = ["# a user's calques", "\t".join(CALQUE_COLUMNS)]
    lines += ["\t".join(row.get(column, "") for column in CALQUE_COLUMNS) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return RuleOptions(calques=(str(path),))


# --- the calque list itself ----------------------------------------------------------------------------

ROWS = calque_list(()).calques


def test_the_list_has_enough_well_documented_rows() -> None:
    assert len(ROWS) >= 300
    for row in ROWS:
        assert row.lang and row.source and row.note and row.example, row.origin


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.origin)
def test_every_row_matches_its_example_and_its_rendering_is_clean(row: Calque) -> None:
    found = [m for m in calque_matches(RuleContext.of(article(row.example))) if m.calque.origin == row.origin]
    assert found, f"{row.pattern!r} does not match {row.example!r}"
    if found[0].suggestion is None:
        return
    fixed = row.example[: found[0].start] + found[0].suggestion + row.example[found[0].end :]
    assert calque_matches(RuleContext.of(article(fixed))) == ()


# --- LEX: known calques, across inflection and gaps ----------------------------------------------------

LEX_BAD: list[tuple[str, str, str | None, str | None]] = [
    (
        "Laut Peskow gibt es einen „sorgfältigen Optimismus“.",
        "LEX001",
        "sorgfältigen Optimismus",
        "vorsichtigen Optimismus",
    ),
    (
        '"Sorgfältiger Optimismus ist vorhanden.',
        "LEX001",
        "Sorgfältiger Optimismus",
        "Vorsichtiger Optimismus",
    ),
    (
        "Peskow sprach von sorgfältigem Optimismus.",
        "LEX001",
        "sorgfältigem Optimismus",
        "vorsichtigem Optimismus",
    ),
    (
        '"Niemand wird bestimmte Parameter aufrufen, bis die Gespräche enden.',
        "LEX001",
        "Parameter aufrufen",
        "Parameter nennen",
    ),
    ("Es ist zu früh, die Parameter aufzurufen.", "LEX001", "Parameter aufzurufen", "Parameter zu nennen"),
    (
        "Er hat keine Zahlen für den Haushalt aufgerufen.",
        "LEX001",
        "Zahlen für den Haushalt aufgerufen",
        "Zahlen für den Haushalt genannt",
    ),
    (
        "Trotz allem schlagen Analysten vor, dass es keinen Fortschritt gibt.",
        "LEX001",
        "schlagen Analysten vor",
        "vermuten Analysten",
    ),
    ("Nach dem Regime der Stille kam der Beschuss.", "LEX001", "dem Regime der Stille", "der Waffenruhe"),
    ("Das schrieb er im Telegramm.", "LEX001", "im Telegramm", "auf Telegram"),
    (
        "In Kiew wurde am Abend ein Luftalarm angekündigt.",
        "LEX001",
        "Luftalarm angekündigt",
        "Luftalarm ausgelöst",
    ),
    (
        "Russland will nicht die spezifischen Bedingungen für Vereinbarungen über die Ukraine zu äußern.",
        "LEX002",
        "Bedingungen für Vereinbarungen über die Ukraine zu äußern",
        "Bedingungen für Vereinbarungen über die Ukraine zu nennen",
    ),
    ("Die Arbeit läuft. Es wird getan .", "LEX002", "Es wird getan", "Es wird daran gearbeitet"),
    (
        "sagte einer der Beamten in einem Kommentar zur Washington Post.",
        "LEX002",
        "in einem Kommentar zur",
        "gegenüber der",
    ),
    (
        "In einem Kommentar für Reuters sagte er, es gebe Fortschritte.",
        "LEX002",
        "In einem Kommentar für",
        "Gegenüber",
    ),
    (
        "Vertreter der US -Präsidentschaftsverwaltung schweigen.",
        "LEX002",
        "US -Präsidentschaftsverwaltung",
        "US-Regierung",
    ),
    ("Laut ihr gibt es keine Fortschritte.", "LEX002", "Laut ihr", "Ihr zufolge"),
    ("Der Besuch des Oberhauptes des Staates.", "LEX002", "Oberhauptes des Staates", "Staatsoberhauptes"),
    (
        "Das sagte ein Sprecher des Ministeriums für auswärtige Angelegenheiten.",
        "LEX002",
        "Ministeriums für auswärtige Angelegenheiten",
        "Außenministeriums",
    ),
    ("Er nahm teil an der Sitzung in Minsk.", "LEX002", "nahm teil an", None),
    (
        "Putin sprach von der militärischen Sonderoperation.",
        "LEX003",
        "militärischen Sonderoperation",
        "„militärischen Sonderoperation“",
    ),
    ("Moskau wirft dem Kiewer Regime Provokationen vor.", "LEX003", "Kiewer Regime", "„Kiewer Regime“"),
    # the source words of issue 6, across inflection
    ("Nach der Untergrabung der Brücke stand der Verkehr still.", "LEX001", "Untergrabung", "Sprengung"),
    (
        "Sacharowa ist zuversichtlich, dass London hinter den Angriffen steckte.",
        "LEX001",
        "zuversichtlich, dass London hinter den Angriffen steckte",
        "überzeugt, dass London hinter den Angriffen steckte",
    ),
    (
        "Lawrow sagte, man werde Brüssel an seinen Platz stellen.",
        "LEX002",
        "an seinen Platz stellen",
        "in seine Schranken weisen",
    ),
    (
        "Das sagte die offizielle Vertreterin des Generalstabs, Olena Schapowal.",
        "LEX002",
        "offizielle Vertreterin",
        "Sprecherin",
    ),
    ("Das sagte die Pressesekretärin des Präsidenten am Montag.", "LEX002", "Pressesekretärin", "Sprecherin"),
    ("Die Delegation traf die offiziellen Vertreter der Regierung.", "LEX002", None, None),
    (
        "Die Regierung hat schnell Maßnahmen angenommen.",
        "LEX001",
        "Maßnahmen angenommen",
        "Maßnahmen ergriffen",
    ),
    (
        "Trump kündigte Tarife von 25 Prozent auf Autos an.",
        "LEX001",
        "Tarife von 25 Prozent auf",
        "Zölle von 25 Prozent auf",
    ),
    (
        "Die Drohnen wurden von Mitteln der Luftverteidigung abgeschossen.",
        "LEX002",
        "Mitteln der Luftverteidigung",
        "Luftabwehrsystemen",
    ),
    ("Lawrow attackierte den kollektiven Westen.", "LEX003", "kollektiven Westen", "„kollektiven Westen“"),
]

LEX_GOOD = [
    "Peskow sprach von vorsichtigem Optimismus.",
    "Sie hat die Akten sorgfältig geprüft und die Parameter genannt.",
    "Es wird getan, was nötig ist.",
    "Der Kommentar zur Lage in Kiew fiel knapp aus.",
    "In einem Kommentar zur Lage schrieb sie, die Gespräche seien schwierig.",
    "Die Präsidialverwaltung in Moskau schwieg, das Bundesministerium der Verteidigung auch.",
    "Die sogenannte militärische Spezialoperation dauert an.",
    "Putin nennt den Krieg eine „militärische Spezialoperation“.",
    "Die Ukraine und die Russische Föderation verhandeln; die USA wollen Sicherheitsgarantien geben.",
    "Die Frage spielt eine Rolle, das Problem lässt sich lösen, die Situation ist unter Kontrolle.",
    "Er nahm an der Sitzung teil und stattete Kiew einen Besuch ab.",
    "Die Regierung traf eine Entscheidung und ergriff Maßnahmen.",
    "In der Nacht waren Explosionen zu hören, zwölf Drohnen wurden abgeschossen.",
    "Die Bedingungen sind klar. Wir äußern uns nicht dazu.",
    "Ein Sprecher des Außenministeriums sagte der Washington Post, man sei vorsichtig.",
    "Das Parlament hat die Maßnahmen mit großer Mehrheit angenommen.",
    "Das Vertrauen in die Regierung leidet unter der Untergrabung des Rechtsstaats.",
    "Wir sind zuversichtlich, dass die Gespräche gelingen werden.",
    "Er stellte den Stuhl wieder an seinen Platz.",
    "Die Kämpfer der Hamas zogen sich zurück.",
    "Der Generalanwalt am EuGH legte seine Schlussanträge vor.",
    "Das macht Sinn, sagte sie.",
    "Offizielle Vertreter des Außenministeriums nahmen an der Zeremonie teil.",
]


@pytest.mark.parametrize(("text", "code", "match", "suggestion"), LEX_BAD)
def test_calque_is_found_with_its_rendering(
    text: str, code: str, match: str | None, suggestion: str | None
) -> None:
    assert findings(text, code) == ([] if match is None else [(match, suggestion)])


@pytest.mark.parametrize("text", LEX_GOOD)
def test_idiomatic_german_has_no_calque(text: str) -> None:
    assert [f for f in family_findings(text) if f[0].startswith("LEX")] == []


# --- the pattern notation, through a user's own list ---------------------------------------------------

NOTATION = [
    # pattern, rendering, text, match (None: no match), suggestion; words the built-in list does not have
    (
        "gründlich* Fortschritt",
        "vorsichtig* Fortschritt",
        "mit gründlichem Fortschritt",
        "gründlichem Fortschritt",
        "vorsichtigem Fortschritt",
    ),
    (
        "das|dem Gremium der Stille",
        "die|der Ruhekammer",
        "nach dem Gremium der Stille",
        "dem Gremium der Stille",
        "der Ruhekammer",
    ),
    (
        "Vorgaben ... äußern",
        "Vorgaben ... nennen",
        "die Vorgaben für den Frieden äußern",
        "Vorgaben für den Frieden äußern",
        "Vorgaben für den Frieden nennen",
    ),
    ("Vorgaben ...2 äußern", "Vorgaben ...2 nennen", "Vorgaben für den Frieden äußern", None, None),
    ("Vorgaben ... äußern", "Vorgaben ... nennen", "Vorgaben, die wir äußern", None, None),
    (
        "Vorgaben ... äußern",
        "Vorgaben ... nennen",
        "Die Vorgaben sind klar. Wir äußern uns nicht.",
        None,
        None,
    ),
    ("Es wird gemacht $", "Es wird erledigt", "Es wird gemacht, was nötig ist.", None, None),
    ("Es wird gemacht $", "Es wird erledigt", "„Es wird gemacht.“", "Es wird gemacht", "Es wird erledigt"),
    (
        "schlagen Forscher vor >dass",
        "vermuten Forscher",
        "Nun schlagen Forscher vor, dass",
        "schlagen Forscher vor",
        "vermuten Forscher",
    ),
    (
        "schlagen Forscher vor >dass",
        "vermuten Forscher",
        "Nun schlagen Forscher vor, die Steuer zu senken",
        None,
        None,
    ),
    ("!sogenannt* Kiewer Junta", "„Kiewer Junta“", "die Kiewer Junta", "Kiewer Junta", "„Kiewer Junta“"),
    ("!sogenannt* Kiewer Junta", "„Kiewer Junta“", "die sogenannte Kiewer Junta", None, None),
    ("!sogenannt* Kiewer Junta", "„Kiewer Junta“", "die „Kiewer Junta“", None, None),
    (
        "offiziell* Vertreter*",
        "Sprecher*2",
        "die offizielle Vertreterin",
        "offizielle Vertreterin",
        "Sprecherin",
    ),
    (
        "Vorgaben zu_äußern|äußern",
        "Vorgaben zu_nennen|nennen",
        "die Vorgaben zu äußern",
        "Vorgaben zu äußern",
        "Vorgaben zu nennen",
    ),
    ("US-Verwaltung", "US-Regierung", "die US -Verwaltung", "US -Verwaltung", "US-Regierung"),
    ("gemäß ihm", "ihm gemäß", "Gemäß ihm ja.", "Gemäß ihm", "Ihm gemäß"),
    ("Kanzleramtsbüro*", "Kanzleramt*", "des Kanzleramtsbüros", "Kanzleramtsbüros", "Kanzleramts"),
    ("Kanzleramtsbüro*", "Kanzleramt*", "des Bonn-Kanzleramtsbüros", None, None),
    (
        "Vorgaben annehmen ~Parlament*",
        "Vorgaben treffen",
        "Wir wollen Vorgaben annehmen.",
        "Vorgaben annehmen",
        "Vorgaben treffen",
    ),
    (
        "Vorgaben annehmen ~Parlament*",
        "Vorgaben treffen",
        "Das Parlament will Vorgaben annehmen.",
        None,
        None,
    ),
    (
        "Vorgaben annehmen ~Parlament* ~Senat",
        "Vorgaben treffen",
        "Will der Senat Vorgaben annehmen?",
        None,
        None,
    ),
    (
        "Vorgaben annehmen ~Parlament*",
        "Vorgaben treffen",
        "Das Parlament tagt. Wir wollen Vorgaben annehmen.",
        "Vorgaben annehmen",
        "Vorgaben treffen",
    ),
]


@pytest.mark.parametrize(("pattern", "rendering", "text", "match", "suggestion"), NOTATION)
def test_pattern_notation(
    tmp_path: Path, pattern: str, rendering: str, text: str, match: str | None, suggestion: str | None
) -> None:
    row = {"pattern": pattern, "rendering": rendering, "kind": "calque", "lang": "ru", "example": text}
    options = user_calques(tmp_path, row)
    found = [
        (m.calque, text[m.start : m.end], m.suggestion)
        for m in calque_matches(RuleContext.of(article(text), options))
    ]
    ours = [(matched, fix) for calque, matched, fix in found if calque.pattern == pattern]
    assert ours == ([] if match is None else [(match, suggestion)])


MALFORMED = [
    {"pattern": "Optimismus", "rendering": "Optimismus", "kind": "style"},
    {"pattern": "Bedingungen ... äußern", "rendering": "Bedingungen nennen", "kind": "calque"},
    {"pattern": "das|dem Regime", "rendering": "die|der|des Waffenruhe", "kind": "calque"},
    {"pattern": "... Regime", "rendering": "Waffenruhe", "kind": "calque"},
    {"pattern": "Regime >der Stille", "rendering": "Waffenruhe", "kind": "calque"},
    {"pattern": "Regime", "rendering": "Waffenruhe* Waffenruhe*", "kind": "calque"},
    {"pattern": "Regime", "rendering": "Waffenruhe", "kind": "calque", "term": "Waffen ... ruhe"},
    {"pattern": "Regime ~Stille Waffenruhe", "rendering": "Waffenruhe", "kind": "calque"},
    {"pattern": "Regime", "rendering": "Waffenruhe", "kind": "calque", "term": "Waffenruhe ~Stille"},
]


@pytest.mark.parametrize("row", MALFORMED, ids=lambda row: f"{row['pattern']} -> {row['rendering']}")
def test_a_malformed_user_row_is_a_reference_data_error(tmp_path: Path, row: dict[str, str]) -> None:
    options = user_calques(tmp_path, row)
    with pytest.raises(ReferenceDataError, match=r"calques\.tsv:"):
        calque_list(options.calques)


def test_a_user_row_extends_the_built_in_list(tmp_path: Path) -> None:
    options = user_calques(
        tmp_path,
        {"pattern": "Verhandlungsprozess*", "rendering": "Verhandlung*", "kind": "calque", "lang": "ru"},
    )
    text = "Der Verhandlungsprozess stockt, sorgfältiger Optimismus bleibt."
    assert findings(text, "LEX002", options) == [("Verhandlungsprozess", "Verhandlung")]
    assert findings(text, "LEX001", options) == [("sorgfältiger Optimismus", "vorsichtiger Optimismus")]


# --- CON: one term rendered two ways ---------------------------------------------------------------------

CON_BAD = [
    (
        "Peskow sah sorgfältigen Optimismus.\n\nAnalysten bezweifeln den vorsichtigen Optimismus.",
        "vorsichtigen Optimismus",
        "'sorgfältigen Optimismus' on line 1",
    ),
    (
        "Drei friedliche Einwohner wurden verletzt. Unter den Zivilisten waren Kinder.",
        "Zivilisten",
        "'friedliche Einwohner' on line 1",
    ),
]

CON_GOOD = [
    "Peskow sah vorsichtigen Optimismus. Analysten bezweifeln den vorsichtigen Optimismus.",
    "Analysten bezweifeln den vorsichtigen Optimismus. Peskow sah sorgfältigen Optimismus.",
    "Peskow sah sorgfältigen Optimismus. Analysten sahen sorgfältigen Optimismus.",
    "Sie sagte es in einem Kommentar zur Washington Post und gegenüber der Agentur Reuters.",
]


@pytest.mark.parametrize(("text", "match", "earlier"), CON_BAD)
def test_later_rendering_of_a_calqued_term_is_inconsistent(text: str, match: str, earlier: str) -> None:
    rule = get_rule("CON001")
    assert rule is not None
    found = rule.run(RuleContext.of(article(text)))
    assert [(f.match, f.suggestion) for f in found] == [(match, None)]
    assert earlier in found[0].message


@pytest.mark.parametrize("text", CON_GOOD)
def test_one_rendering_throughout_is_consistent(text: str) -> None:
    assert findings(text, "CON001") == []


# --- GRM: city names used as metonyms are neuter -------------------------------------------------------

GRM_BAD = [
    (
        "Gleichzeitig hat der offizielle Washington noch nichts bestätigt.",
        "der offizielle Washington",
        "das offizielle Washington",
    ),
    ("Der offizielle Kiew schweigt.", "Der offizielle Kiew", "Das offizielle Kiew"),
    ("Alle warten auf den offiziellen Kiew.", "den offiziellen Kiew", "das offizielle Kiew"),
    ("Die offizielle Moskau schweigt.", "Die offizielle Moskau", "Das offizielle Moskau"),
    ("Der Weg zur offiziellen Moskau ist weit.", "zur offiziellen Moskau", "zum offiziellen Moskau"),
    ("Die Haltung der offiziellen Moskau ist bekannt.", "der offiziellen Moskau", None),
    (
        "Er sprach über den heutigen politischen Minsk.",
        "den heutigen politischen Minsk",
        "das heutige politische Minsk",
    ),
    ("Der offizielle New York schweigt.", "Der offizielle New York", "Das offizielle New York"),
]

GRM_GOOD = [
    "Das offizielle Washington schweigt, sagte er der Washington Post.",
    "Die renommierte Washington Post berichtete, die englischsprachige Moscow Times auch.",
    "Der Moskauer Bürgermeister, den Kiewer Behörden zufolge, und die Kiewer Regierung.",
    "Die gegen Kiew gerichtete Offensive und der zwischen Kiew und Moskau vereinbarte Austausch.",
    "Die Rolle des offiziellen Washingtons und dem offiziellen Kiew.",
    "Die USA, der Kreml und die Ukraine; die ukrainische Hauptstadt Kiew.",
    "Der offizielle Washington-Besuch begann am Montag.",
]


@pytest.mark.parametrize(("text", "match", "suggestion"), GRM_BAD)
def test_city_metonym_with_a_masculine_or_feminine_article(
    text: str, match: str, suggestion: str | None
) -> None:
    assert findings(text, "GRM001") == [(match, suggestion)]


@pytest.mark.parametrize("text", GRM_GOOD)
def test_neuter_cities_and_look_alikes_are_fine(text: str) -> None:
    assert findings(text, "GRM001") == []


def test_cities_come_from_the_users_names_list(tmp_path: Path) -> None:
    columns = load_table("names").columns
    path = tmp_path / "names.tsv"
    row = {"german": "Atlantis", "variants": "Atlantida", "kind": "city"}
    path.write_text(
        "\t".join(columns) + "\n" + "\t".join(row.get(c, "") for c in columns) + "\n", encoding="utf-8"
    )
    options = RuleOptions(names=(str(path),))
    text = "Die offizielle Atlantida schweigt."
    assert findings(text, "GRM001") == []
    assert findings(text, "GRM001", options) == [("Die offizielle Atlantida", "Das offizielle Atlantida")]


# --- the example article and a clean agency-style control ------------------------------------------------

EXAMPLE_FINDINGS = [
    (
        5,
        "LEX002",
        "erwägt die Verhandlungen des Sondervertreters des russischen Präsidenten Wladimir Putin Kirill "
        "Dmitriev in Washington als",
    ),
    (7, "LEX001", "sorgfältigen Optimismus"),
    (9, "LEX001", "Sorgfältiger Optimismus"),
    (9, "LEX002", "Es wird getan"),
    (19, "LEX002", "Bedingungen für Vereinbarungen über die Ukraine zu äußern"),
    (21, "LEX001", "Parameter aufrufen"),
    (27, "GRM001", "der offizielle Washington"),
    (29, "LEX002", "US -Präsidentschaftsverwaltung"),
    (31, "LEX002", "in einem Kommentar zur"),
    (35, "CON001", "vorsichtigen Optimismus"),
    (35, "LEX001", "schlagen Analysten vor"),
]


def test_example_article_findings_of_these_families() -> None:
    text = (DATA / "peskov-washington.de.txt").read_text(encoding="utf-8")
    context = RuleContext.of(article(text))
    found = [
        (text.count("\n", 0, f.start) + 1, f.code, f.match) for r in FAMILY_RULES for f in r.run(context)
    ]
    assert sorted(found) == sorted(EXAMPLE_FINDINGS)


CONTROL = """Kreml spricht von „vorsichtigem Optimismus“

Moskau/Washington (dpa) – Der Kreml bewertet die Gespräche in Washington als „wichtigen Schritt“. Es gebe
vorsichtigen Optimismus, sagte Kremlsprecher Dmitri Peskow der Agentur Interfax. Konkrete Bedingungen wolle
Moskau aber noch nicht nennen, daran werde gearbeitet.

Das offizielle Washington hat bislang keine Vereinbarungen bestätigt. Ein Vertreter des Weißen Hauses
sagte der Washington Post, man werde keine Entscheidungen ohne Kiew treffen. Die US-Regierung betrachte die
Gespräche als ersten Schritt. Der Moskauer Bürgermeister und die Kiewer Behörden äußerten sich nicht.

Die Ukraine und die Russische Föderation verhandeln über einen Austausch von Gefangenen, die USA wollen
Sicherheitsgarantien geben. Der Handel zwischen Nord- und Südkorea bleibt eingefroren. Das Außenministerium in
Kyjiw teilte mit, Präsident Selenskyj habe an der Sitzung teilgenommen. Der Kreml nannte keine Einzelheiten.
"""


def test_clean_agency_text_has_no_finding_of_these_families() -> None:
    assert family_findings(CONTROL) == []


@pytest.mark.parametrize("path", sorted((DATA / "control").glob("*.txt")), ids=lambda p: p.name)
def test_bundled_control_texts_have_no_finding_of_these_families(path: Path) -> None:
    assert family_findings(path.read_text(encoding="utf-8")) == []


# --- the scan stays linear (issue 9, defect 7) -------------------------------------------------------------

ADVERSARIAL = [
    # 300 KB of a calque repeated without a sentence end took 65 s before the scan was made linear
    "sorgfältigen Optimismus in einem Kommentar zur Washington Post Maßnahmen angenommen ",
    "Der Sprecher hat eine Erklärung gemacht. Das Regime der Stille wurde verletzt. ",
]


@pytest.mark.parametrize("unit", ADVERSARIAL)
def test_a_repeated_calque_costs_linear_time(unit: str) -> None:
    """300 KB in well under the seconds a quadratic scan took (a generous bound: about 0.3 s here)."""
    text = unit * (300_000 // len(unit))
    context = RuleContext.of(article(text))
    start = time.perf_counter()
    found = calque_findings(context)
    assert time.perf_counter() - start < 8.0
    assert found > 1000


ANCHOR_TEXTS = [
    (DATA / "peskov-washington.de.txt").read_text(encoding="utf-8"),
    # an anchor inside a longer word, after punctuation, at the very start and end, across a line break
    "Optimismus. Sorgfältigen-Optimismus, (sorgfältigen Optimismus) und sorgfältigen\nOptimismus; "
    + " ".join(text for text, *_ in LEX_BAD),
]


@pytest.mark.parametrize("text", ANCHOR_TEXTS)
def test_anchor_search_finds_what_the_pass_over_every_word_does(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below ``_FIND_LIMIT`` live anchors each is found with ``str.find``; above, every word is looked up."""

    def scan() -> tuple[list[tuple[int, int, int]], list[tuple[str, int, int, str | None]]]:
        context = RuleContext.of(article(text))
        found = calque_matches(context)
        tried = lexical._candidates(context, calque_list())
        return tried, [(m.calque.pattern, m.start, m.end, m.suggestion) for m in found]

    monkeypatch.setattr(lexical, "_FIND_LIMIT", 10**6)
    by_find = scan()
    monkeypatch.setattr(lexical, "_FIND_LIMIT", -1)
    assert scan() == by_find
    assert len(by_find[1]) >= 5
