"""Reporters: exact expected output for every format, escaping, atomic writes and unsafe ids."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from mtqa.errors import ReportError
from mtqa.model import (
    Article,
    ArticleFailure,
    ArticleReport,
    Finding,
    RunSummary,
    Score,
    Segment,
    Severity,
    artefact_score,
)
from mtqa.report import Reporter, RunInfo
from mtqa.report.files import report_path, write_text_atomic
from mtqa.report.html_report import HtmlReporter, highlight, render_html
from mtqa.report.json_report import SCHEMA_FILE, JsonReporter, render_json
from mtqa.report.markdown_report import MarkdownReporter, escape_markdown, render_markdown
from mtqa.report.page import FAVICON
from mtqa.report.summary import SummaryReporter
from mtqa.report.view import locate
from mtqa.segment import count_words

TEXT = (
    'Der Kreml -Sprecher Dmitrij Peskow sagte am Montag, die Gespräche seien "konstruktiv".\n'
    "\n"
    "Die Seiten haben vereinbart, den Dialog fortsetzen.\n"
    "\n"
    "Abonnieren Sie unseren Kanal | *Top*\n"
)
RUN = RunInfo("9.9.9", "2024-05-01T12:00:00+00:00", None, {"fail_on": "major"})
BTR_SIGNATURE = "chrF2|opus-mt-de-en|ct2|mtqa:9.9.9"


def finding(
    text: str,
    match: str,
    code: str,
    severity: Severity,
    suggestion: str | None,
    message: str = "",
    rule: str = "example-rule",
) -> Finding:
    start = text.index(match)
    return Finding(
        code=code,
        rule=rule,
        severity=severity,
        start=start,
        end=start + len(match),
        match=match,
        message=message or f"{code} message",
        why=f"{code} why",
        suggestion=suggestion,
    )


def segment(text: str, index: int, sentence: str, paragraph: int) -> Segment:
    start = text.index(sentence)
    return Segment(index, start, start + len(sentence), sentence, paragraph)


def build_report(
    article: Article,
    findings: tuple[Finding, ...] = (),
    segments: tuple[Segment, ...] = (),
    scores: tuple[Score, ...] = (),
    backtranslations: tuple[tuple[int, str], ...] = (),
    notes: tuple[str, ...] = (),
) -> ArticleReport:
    words = count_words(article.text)
    return ArticleReport(
        article=article,
        segments=segments,
        findings=findings,
        words=words,
        artefact_score=artefact_score([f.severity for f in findings], words),
        scores=scores,
        backtranslations=backtranslations,
        notes=notes,
    )


# Deliberately out of reading order: every reporter must sort by position.
PESKOV_FINDINGS = (
    finding(
        TEXT, "Abonnieren Sie unseren Kanal | *Top*", "BPL001", Severity.CRITICAL, "", "site boilerplate"
    ),
    finding(TEXT, "Dmitrij", "NAM002", Severity.MAJOR, "Dmitri", "name spelt „Dmitrij“", "name-spelling"),
    finding(TEXT, "Kreml -Sprecher", "TYP001", Severity.MINOR, "Kreml-Sprecher", "space before hyphen"),
    finding(TEXT, '"konstruktiv"', "TYP010", Severity.MINOR, "„konstruktiv“", "straight quotes"),
    finding(TEXT, "fortsetzen", "GRM003", Severity.MAJOR, None, "infinitive without zu"),
)
PESKOV_SEGMENTS = (
    segment(
        TEXT, 0, 'Der Kreml -Sprecher Dmitrij Peskow sagte am Montag, die Gespräche seien "konstruktiv".', 0
    ),
    segment(TEXT, 1, "Die Seiten haben vereinbart, den Dialog fortsetzen.", 1),
    segment(TEXT, 2, "Abonnieren Sie unseren Kanal | *Top*", 2),
)
PESKOV_SCORES = (
    Score("chrf", 61.5, 0, BTR_SIGNATURE),
    Score("logprob", -0.8123, 0, "logprob|opus-mt-de-en|ct2|mtqa:9.9.9"),
    Score("chrf", 48.25, 1, BTR_SIGNATURE),
    Score("chrf", 55.0, None, BTR_SIGNATURE),
)
PESKOV_BACKTRANSLATIONS = (
    (0, 'Kremlin spokesman Dmitry Peskov said on Monday the talks were "constructive".'),
    (1, "The sides agreed to continue the dialogue."),
)
PESKOV = build_report(
    Article(
        id="peskov",
        text=TEXT,
        origin="in/peskov.txt",
        title="Peskow: Gespräche | *konstruktiv*",
        url="https://example.org/peskow",
        date="2024-05-01",
        vendor="Google",
        source="Песков:  переговоры\nконструктивны.",
        source_lang="ru",
    ),
    PESKOV_FINDINGS,
    PESKOV_SEGMENTS,
    PESKOV_SCORES,
    PESKOV_BACKTRANSLATIONS,
    ("back-translation: 1 segment from cache",),
)
CLEAN = build_report(Article(id="clean", text="Alles gut hier.\n", origin="in/clean.txt", vendor="DeepL"))
SMALL_TEXT = "Die Kreml -Chefin sprach.\n"
SMALL = build_report(
    Article(id="small", text=SMALL_TEXT, origin="in/small.txt", vendor="DeepL"),
    (finding(SMALL_TEXT, "Kreml -Chefin", "TYP001", Severity.MINOR, "Kreml-Chefin", "space before hyphen"),),
)
NO_VENDOR = build_report(Article(id="anon", text="Ohne Anbieter.\n", origin="in/anon.txt"))
FAILURE = ArticleFailure("broken", "feeds/a.jsonl#broken", "invalid JSON at line 3")
REPORTS = (PESKOV, CLEAN, SMALL)
SUMMARY = RunSummary.of(REPORTS, (FAILURE,), {"fail_on": "major"})


def run_reporter(
    reporter: Reporter,
    reports: tuple[ArticleReport, ...] = REPORTS,
    failures: tuple[ArticleFailure, ...] = (FAILURE,),
    run: RunInfo = RUN,
) -> None:
    """What the pipeline does: ``article`` for each report, then ``finish`` with their summary."""
    reporter.start(run)
    for report in reports:
        reporter.article(report)
    settings: dict[str, object] = {"fail_on": "major"} if reports == REPORTS else {}
    reporter.finish(RunSummary.of(reports, failures, settings))


# --- JSON -------------------------------------------------------------------------------------------

EXPECTED_PESKOV_JSON: dict[str, Any] = {
    "schema": "mtqa.report/1",
    "mtqa_version": "9.9.9",
    "article": {
        "id": "peskov",
        "origin": "in/peskov.txt",
        "title": "Peskow: Gespräche | *konstruktiv*",
        "url": "https://example.org/peskow",
        "date": "2024-05-01",
        "vendor": "Google",
        "source_lang": "ru",
        "encoding": "utf-8",
        # white space folded before hashing, so a re-wrapped source pairs with the original
        "source_sha256": hashlib.sha256("Песков: переговоры конструктивны.".encode()).hexdigest(),
    },
    "words": 24,
    "segment_count": 3,
    "artefact_score": 17.742,
    "counts": {
        "severity": {"minor": 2, "major": 2, "critical": 1},
        "family": {
            "TYP": 2,
            "NAM": 1,
            "LEX": 0,
            "CON": 0,
            "GRM": 1,
            "SYN": 0,
            "BPL": 1,
            "UNT": 0,
            "LOC": 0,
            "SRC": 0,
            "BTR": 0,
        },
    },
    "findings": [
        {
            "code": "TYP001",
            "rule": "example-rule",
            "severity": "minor",
            "line": 1,
            "column": 5,
            "end_line": 1,
            "end_column": 20,
            "start": 4,
            "end": 19,
            "match": "Kreml -Sprecher",
            "message": "space before hyphen",
            "why": "TYP001 why",
            "suggestion": "Kreml-Sprecher",
            "unit": None,
        },
        {
            "code": "NAM002",
            "rule": "name-spelling",
            "severity": "major",
            "line": 1,
            "column": 21,
            "end_line": 1,
            "end_column": 28,
            "start": 20,
            "end": 27,
            "match": "Dmitrij",
            "message": "name spelt „Dmitrij“",
            "why": "NAM002 why",
            "suggestion": "Dmitri",
            "unit": None,
        },
        {
            "code": "TYP010",
            "rule": "example-rule",
            "severity": "minor",
            "line": 1,
            "column": 73,
            "end_line": 1,
            "end_column": 86,
            "start": 72,
            "end": 85,
            "match": '"konstruktiv"',
            "message": "straight quotes",
            "why": "TYP010 why",
            "suggestion": "„konstruktiv“",
            "unit": None,
        },
        {
            "code": "GRM003",
            "rule": "example-rule",
            "severity": "major",
            "line": 3,
            "column": 41,
            "end_line": 3,
            "end_column": 51,
            "start": 128,
            "end": 138,
            "match": "fortsetzen",
            "message": "infinitive without zu",
            "why": "GRM003 why",
            "suggestion": None,
            "unit": None,
        },
        {
            "code": "BPL001",
            "rule": "example-rule",
            "severity": "critical",
            "line": 5,
            "column": 1,
            "end_line": 5,
            "end_column": 37,
            "start": 141,
            "end": 177,
            "match": "Abonnieren Sie unseren Kanal | *Top*",
            "message": "site boilerplate",
            "why": "BPL001 why",
            "suggestion": "",
            "unit": None,
        },
    ],
    "segments": [
        {
            "index": 0,
            "line": 1,
            "start": 0,
            "end": 86,
            "text": 'Der Kreml -Sprecher Dmitrij Peskow sagte am Montag, die Gespräche seien "konstruktiv".',
            "scores": [
                {"metric": "chrf", "value": 61.5, "signature": BTR_SIGNATURE},
                {"metric": "logprob", "value": -0.8123, "signature": "logprob|opus-mt-de-en|ct2|mtqa:9.9.9"},
            ],
            "backtranslation": PESKOV_BACKTRANSLATIONS[0][1],
        },
        {
            "index": 1,
            "line": 3,
            "start": 88,
            "end": 139,
            "text": "Die Seiten haben vereinbart, den Dialog fortsetzen.",
            "scores": [{"metric": "chrf", "value": 48.25, "signature": BTR_SIGNATURE}],
            "backtranslation": "The sides agreed to continue the dialogue.",
        },
    ],
    "scores": [{"metric": "chrf", "value": 55.0, "signature": BTR_SIGNATURE}],
    "notes": ["back-translation: 1 segment from cache"],
    "text": TEXT,
    "reference": None,
}


def test_json_report_content_and_key_order(tmp_path: Path) -> None:
    run_reporter(JsonReporter(tmp_path))
    written = (tmp_path / "peskov.json").read_text(encoding="utf-8")
    document = json.loads(written)
    assert document == EXPECTED_PESKOV_JSON
    assert list(document) == list(EXPECTED_PESKOV_JSON)
    assert list(document["article"]) == list(EXPECTED_PESKOV_JSON["article"])
    assert list(document["findings"][0]) == list(EXPECTED_PESKOV_JSON["findings"][0])
    assert "Gespräche" in written  # not \u-escaped
    assert written.startswith('{\n  "schema": "mtqa.report/1",\n')


def test_json_report_without_scores_has_empty_lists(tmp_path: Path) -> None:
    run_reporter(JsonReporter(tmp_path))
    document = json.loads((tmp_path / "clean.json").read_text(encoding="utf-8"))
    assert (document["findings"], document["segments"], document["scores"], document["notes"]) == (
        [],
        [],
        [],
        [],
    )
    assert document["counts"]["severity"] == {"minor": 0, "major": 0, "critical": 0}


def test_json_is_deterministic() -> None:
    assert render_json(PESKOV, "9.9.9") == render_json(PESKOV, "9.9.9")


@pytest.mark.parametrize("report", [PESKOV, CLEAN, SMALL, NO_VENDOR], ids=lambda r: r.article.id)
def test_json_report_validates_against_schema(report: ArticleReport) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(json.loads(render_json(report, "9.9.9")))


# --- Markdown ---------------------------------------------------------------------------------------

EXPECTED_PESKOV_MD = """\
# Peskow: Gespräche \\| \\*konstruktiv\\*

origin: in/peskov.txt · vendor: Google · date: 2024-05-01 · source language: ru · url: <https://example.org/peskow>

**Artefact score 17.742** (severity-weighted findings per 100 words, smoothed by 100 clean words) · 24 words · 5 findings (1 critical, 2 major, 2 minor)

## Findings

| Line:Col | Code | Severity | Match | Message | Suggestion |
|---|---|---|---|---|---|
| 1:5 | TYP001 | minor | Kreml -Sprecher | space before hyphen | Kreml-Sprecher |
| 1:21 | NAM002 | major | Dmitrij | name spelt „Dmitrij“ | Dmitri |
| 1:73 | TYP010 | minor | "konstruktiv" | straight quotes | „konstruktiv“ |
| 3:41 | GRM003 | major | fortsetzen | infinitive without zu |  |
| 5:1 | BPL001 | critical | Abonnieren Sie unseren Kanal \\| \\*Top\\* | site boilerplate | (delete) |

### Why it matters

- **BPL001** example-rule: BPL001 why
- **GRM003** example-rule: GRM003 why
- **NAM002** name-spelling: NAM002 why
- **TYP001** example-rule: TYP001 why
- **TYP010** example-rule: TYP010 why

## Scores

- chrf: 55

## Segments

| Line | Segment | Back-translation | Scores |
|---|---|---|---|
| 1 | Der Kreml -Sprecher Dmitrij Peskow sagte am Montag, die Gespräche seien "konstruktiv". \
| Kremlin spokesman Dmitry Peskov said on Monday the talks were "constructive". | chrf 61.5, logprob -0.8123 |
| 3 | Die Seiten haben vereinbart, den Dialog fortsetzen. | The sides agreed to continue the dialogue. | chrf 48.25 |

## Notes

- back-translation: 1 segment from cache
"""  # noqa: E501

EXPECTED_CLEAN_MD = """\
# clean

origin: in/clean.txt · vendor: DeepL

**Artefact score 0** (severity-weighted findings per 100 words, smoothed by 100 clean words) · 3 words · 0 findings (0 critical, 0 major, 0 minor)

No findings.
"""  # noqa: E501


@pytest.mark.parametrize(
    ("report", "expected"),
    [(PESKOV, EXPECTED_PESKOV_MD), (CLEAN, EXPECTED_CLEAN_MD)],
    ids=["peskov", "clean"],
)
def test_markdown_report_exact(tmp_path: Path, report: ArticleReport, expected: str) -> None:
    run_reporter(MarkdownReporter(tmp_path))
    assert (tmp_path / f"{report.article.id}.md").read_text(encoding="utf-8") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a | b", "a \\| b"),
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("*fett* _kursiv_ `code`", "\\*fett\\* \\_kursiv\\_ \\`code\\`"),
        ("[Link](javascript:x)", "\\[Link\\](javascript:x)"),
        ("# Titel & mehr", "\\# Titel \\& mehr"),
        ("a\\b", "a\\\\b"),
        ("zwei\nZeilen\t ", "zwei Zeilen"),
        ("„Gespräche“ – gut", "„Gespräche“ – gut"),
    ],
)
def test_escape_markdown(text: str, expected: str) -> None:
    assert escape_markdown(text) == expected


def test_markdown_does_not_link_unsafe_urls() -> None:
    article = Article(id="x", text="Text.\n", origin="x.txt", url="javascript:alert(1)")
    assert "url: javascript:alert(1)" in render_markdown(build_report(article))
    assert "<javascript" not in render_markdown(build_report(article))


# --- HTML -------------------------------------------------------------------------------------------

HOSTILE_TEXT = 'Er schrieb <script>alert("&\'")</script> ins Feld.\n'
HOSTILE = build_report(
    Article(
        id="hostile",
        text=HOSTILE_TEXT,
        origin="in/<b>.txt",
        title="<script>alert('t')</script> & \"Titel\"",
        url="javascript:alert(1)",
        vendor="<i>vendor</i>",
    ),
    (
        finding(
            HOSTILE_TEXT,
            '<script>alert("&\'")</script>',
            "UNT001",
            Severity.MAJOR,
            "<script>x</script>",
            "untranslated \"<code>\" & 'more'",
        ),
    ),
    notes=("<script>note</script>",),
)


def test_html_escapes_every_piece_of_input() -> None:
    page = render_html(HOSTILE)
    assert "<script" not in page.lower()
    assert 'href="javascript' not in page
    assert "<i>vendor" not in page and "<b>.txt" not in page and '"<code>"' not in page
    assert "&lt;script&gt;alert(&quot;&amp;&#x27;&quot;)&lt;/script&gt;" in page
    assert (
        "<title>&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt; &amp; &quot;Titel&quot; · mtqa</title>"
        in page
    )


def test_html_is_self_contained(tmp_path: Path) -> None:
    run_reporter(HtmlReporter(tmp_path))
    page = (tmp_path / "peskov.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>\n")
    assert page.count(FAVICON) == 1
    assert not re.search(
        r"<script|<link|\bsrc=|@import|url\(|https?://(?!example)", page.replace(FAVICON, ""), re.I
    )
    assert '<a href="https://example.org/peskow">https://example.org/peskow</a>' in page
    assert page.count('<tr id="f') == 5


def test_html_findings_table_rows_in_reading_order() -> None:
    page = render_html(PESKOV)
    rows = re.findall(r'<tr id="f(\d)"><td><a href="#m\d">(\d+:\d+)</a></td><td>(\w+)</td>', page)
    assert rows == [
        ("1", "1:5", "TYP001"),
        ("2", "1:21", "NAM002"),
        ("3", "1:73", "TYP010"),
        ("4", "3:41", "GRM003"),
        ("5", "5:1", "BPL001"),
    ]
    assert "<td>(delete)</td>" in page


OVERLAP_TEXT = "Der Kreml -Sprecher sagte."
OVERLAP_FINDINGS = (
    finding(OVERLAP_TEXT, "Der Kreml", "LEX001", Severity.MINOR, "Die Kreml", "calque"),
    finding(OVERLAP_TEXT, "Kreml -Sprecher", "TYP001", Severity.MAJOR, "Kreml-Sprecher", "space <x>"),
    Finding("TYP020", "missing-comma", Severity.MINOR, 25, 25, "", "comma missing", "why", ","),
)


def test_html_nests_overlapping_findings_with_one_focusable_mark_each() -> None:
    report = build_report(Article(id="o", text=OVERLAP_TEXT, origin="o.txt"), OVERLAP_FINDINGS)
    tip = '<span class="tip" role="tooltip"><b>{} · {} {}</b>{}<br><i>Why:</i> {}<b>Suggestion: {}</b></span>'
    assert highlight(OVERLAP_TEXT, locate(report)) == (
        '<mark class="hl sev-minor fam-LEX" id="m1" tabindex="0" aria-label="minor LEX001: calque">Der '
        '<mark class="hl sev-major fam-TYP" id="m2" tabindex="0" aria-label="major TYP001: space &lt;x&gt;">'
        "Kreml"
        + tip.format("▲ major", "TYP001", "example-rule", "space &lt;x&gt;", "TYP001 why", "Kreml-Sprecher")
        + "</mark>"
        + tip.format("● minor", "LEX001", "example-rule", "calque", "LEX001 why", "Die Kreml")
        + '</mark><mark class="cont sev-major fam-TYP" data-of="m2"> -Sprecher</mark> sagte'
        '<mark class="hl sev-minor fam-TYP point" id="m3" tabindex="0" '
        'aria-label="minor TYP020: comma missing">‸'
        + tip.format("● minor", "TYP020", "missing-comma", "comma missing", "why", ",")
        + "</mark>."
    )


def test_html_marks_cover_the_text_exactly() -> None:
    page = render_html(PESKOV)
    body = page.split('<div class="text" lang="de">')[1].split("</div>")[0]
    shown = re.sub(r"<[^>]+>", "", re.sub(r'<span class="tip".*?</span>', "", body)).replace("&quot;", '"')
    assert shown == TEXT


# --- summaries --------------------------------------------------------------------------------------

SUMMARY_HEADER = [
    "id", "origin", "vendor", "words", "segments", "findings", "minor", "major", "critical",
    "TYP", "NAM", "LEX", "CON", "GRM", "SYN", "BPL", "UNT", "LOC", "SRC", "BTR",
    "artefact_score", "mean_chrf", "mean_logprob", "chrf", "notes", "error",
]  # fmt: skip
EXPECTED_SUMMARY_ROWS = [
    ["peskov", "in/peskov.txt", "Google", "24", "3", "5", "2", "2", "1",
     "2", "1", "0", "0", "1", "0", "1", "0", "0", "0", "0", "17.742", "54.875", "-0.8123", "55.0", "", ""],
    ["clean", "in/clean.txt", "DeepL", "3", "0", "0", "0", "0", "0",
     "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0.0", "", "", "", "", ""],
    ["small", "in/small.txt", "DeepL", "4", "0", "1", "1", "0", "0",
     "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0.962", "", "", "", "", ""],
    ["broken", "feeds/a.jsonl#broken", "", "", "", "", "", "", "",
     "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "invalid JSON at line 3"],
]  # fmt: skip


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_summary_csv(tmp_path: Path) -> None:
    run_reporter(SummaryReporter(tmp_path))
    assert read_csv(tmp_path / "summary.csv") == [SUMMARY_HEADER, *EXPECTED_SUMMARY_ROWS]


def test_summary_csv_columns_are_stable_without_scores(tmp_path: Path) -> None:
    run_reporter(SummaryReporter(tmp_path), (CLEAN,), ())
    header, row = read_csv(tmp_path / "summary.csv")
    fixed = SUMMARY_HEADER.index("artefact_score") + 1
    assert header == [*SUMMARY_HEADER[:fixed], "notes", "error"]
    assert row == [*EXPECTED_SUMMARY_ROWS[1][:fixed], "", ""]


def test_vendors_csv(tmp_path: Path) -> None:
    run_reporter(SummaryReporter(tmp_path), (PESKOV, CLEAN, SMALL, NO_VENDOR), (FAILURE,))
    assert read_csv(tmp_path / "vendors.csv") == [
        [
            "vendor", "articles", "failed", "words", "findings", "minor", "major", "critical",
            "mean_artefact_score", "median_artefact_score", "findings_per_100_words",
        ],
        ["DeepL", "2", "0", "7", "1", "1", "0", "0", "0.481", "0.481", "14.286"],
        ["Google", "1", "0", "24", "5", "2", "2", "1", "17.742", "17.742", "20.833"],
        ["(none)", "1", "1", "2", "0", "0", "0", "0", "0.0", "0.0", "0.0"],
    ]  # fmt: skip


def test_no_vendors_csv_without_vendors(tmp_path: Path) -> None:
    run_reporter(SummaryReporter(tmp_path), (NO_VENDOR,), (FAILURE,))
    assert not (tmp_path / "vendors.csv").exists()
    assert (tmp_path / "summary.csv").exists()


def test_summary_json(tmp_path: Path) -> None:
    run_reporter(SummaryReporter(tmp_path))
    assert json.loads((tmp_path / "summary.json").read_text(encoding="utf-8")) == {
        "schema": "mtqa.summary/1",
        "mtqa_version": "9.9.9",
        "run_id": "",
        "started_at": "2024-05-01T12:00:00+00:00",
        "interrupted": False,
        "settings": {"fail_on": "major"},
        "totals": {
            "articles": 3,
            "failed": 1,
            "words": 31,
            "segments": 3,
            "findings": 6,
            "severity": {"minor": 3, "major": 2, "critical": 1},
            "family": {
                "TYP": 3,
                "NAM": 1,
                "LEX": 0,
                "CON": 0,
                "GRM": 1,
                "SYN": 0,
                "BPL": 1,
                "UNT": 0,
                "LOC": 0,
                "SRC": 0,
                "BTR": 0,
            },
            "mean_artefact_score": 6.235,
            "median_artefact_score": 0.962,
            "with_notes": 0,
        },
        "failures": [{"id": "broken", "origin": "feeds/a.jsonl#broken", "reason": "invalid JSON at line 3"}],
        "notes": ["back-translation: 1 segment from cache"],
        "scores": [],
    }


# --- files ------------------------------------------------------------------------------------------


def test_atomic_write_replaces_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "peskov.json"
    target.write_text("old", encoding="utf-8")
    write_text_atomic(target, "neu – „ok“\n")
    assert target.read_text(encoding="utf-8") == "neu – „ok“\n"
    assert [p.name for p in tmp_path.iterdir()] == ["peskov.json"]


def test_reporters_replace_existing_reports(tmp_path: Path) -> None:
    (tmp_path / "peskov.md").write_text("stale", encoding="utf-8")
    run_reporter(MarkdownReporter(tmp_path))
    assert (tmp_path / "peskov.md").read_text(encoding="utf-8") == EXPECTED_PESKOV_MD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.md", "peskov.md", "small.md"]


def test_failed_write_raises_report_error_with_path(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "x.json"
    with pytest.raises(ReportError, match=re.escape(str(target))):
        write_text_atomic(target, "{}")
    occupied = tmp_path / "occupied.json"
    occupied.mkdir()
    with pytest.raises(ReportError, match=re.escape(str(occupied))):
        write_text_atomic(occupied, "{}")
    assert [p.name for p in tmp_path.iterdir()] == ["occupied.json"]


@pytest.mark.parametrize("article_id", ["../escape", "a/b", "a\\b", "a\0b", ".", "..", ""])
def test_unsafe_ids_are_refused(tmp_path: Path, article_id: str) -> None:
    with pytest.raises(ReportError, match="unsafe article id"):
        report_path(tmp_path, article_id, ".json")
    report = build_report(Article(id=article_id, text="Text.\n", origin="x.txt"))
    for reporter in (JsonReporter(tmp_path), MarkdownReporter(tmp_path), HtmlReporter(tmp_path)):
        reporter.start(RUN)
        with pytest.raises(ReportError):
            reporter.article(report)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("article_id", ["peskov", "feed.jsonl-42", "Ünïcode_ид", "a..b", ".hidden"])
def test_safe_ids_are_accepted(tmp_path: Path, article_id: str) -> None:
    assert report_path(tmp_path, article_id, ".md") == tmp_path / f"{article_id}.md"


def test_markdown_keeps_long_matches_and_suggestions_whole() -> None:
    text = "„" + "Wort " * 40 + "“"
    article = Article(id="q", text=text, origin="q.txt")
    finding = Finding("TYP005", "wrong-quote-style", Severity.MINOR, 0, len(text), text, "m", "w", text)
    report = ArticleReport(article, (), (finding,), 40, 2.5)
    row = next(line for line in render_markdown(report).splitlines() if line.startswith("| 1:1 "))
    assert " … " not in row
    assert row.count(escape_markdown(text)) == 2
    assert json.loads(render_json(report, "0"))["findings"][0]["match"] == text


def test_markdown_gives_each_rules_why_once_below_the_table() -> None:
    text = "Peskov und Peskov."
    findings = tuple(
        Finding("NAM001", "listed-name-variant", Severity.MAJOR, s, s + 6, "Peskov", "m", "the why", "Peskow")
        for s in (0, 11)
    )
    page = render_markdown(build_report(Article(id="w", text=text, origin="w.txt"), findings))
    assert page.count("the why") == 1
    assert page.index("| 1:12 |") < page.index("### Why it matters") < page.index("the why")
