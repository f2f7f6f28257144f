"""Console output: linter lines, GitHub annotations, JSON lines, diagnostics on stderr, escaping."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from mtqa.cli import use_color
from mtqa.errors import ConfigError
from mtqa.model import Article, ArticleReport, Finding, RunSummary, Severity
from mtqa.report import Reporter, build_reporters
from mtqa.report.console import (
    DiagnosticsReporter,
    GithubReporter,
    JsonLinesReporter,
    TextReporter,
    safe_text,
    totals_line,
)
from mtqa.report.factory import ConsoleOptions
from tests.test_report import CLEAN, FAILURE, PESKOV, RUN, SMALL, SUMMARY, build_report, finding

REPORTS = (PESKOV, CLEAN, SMALL)


def run_reporter(reporter: Reporter, reports: tuple[ArticleReport, ...] = REPORTS) -> None:
    """Reports go in one by one through ``article``; ``finish`` gets the summary (failures)."""
    reporter.start(RUN)
    for report in reports:
        reporter.article(report)
    reporter.finish(SUMMARY)


EXPECTED_TEXT_LINES = """\
in/peskov.txt:1:5 TYP001 space before hyphen -> Kreml-Sprecher
in/peskov.txt:1:21 NAM002 name spelt „Dmitrij“ -> Dmitri
in/peskov.txt:1:73 TYP010 straight quotes -> „konstruktiv“
in/peskov.txt:3:41 GRM003 infinitive without zu
in/peskov.txt:5:1 BPL001 site boilerplate -> (delete)
in/small.txt:1:5 TYP001 space before hyphen -> Kreml-Chefin
6 findings (1 critical, 2 major, 3 minor) in 3 articles; 1 could not be read
"""
EXPECTED_DIAGNOSTICS = """\
feeds/a.jsonl#broken: error: invalid JSON at line 3
note: back-translation: 1 segment from cache
"""


def test_console_text_exact() -> None:
    stream = io.StringIO()
    run_reporter(TextReporter(stream, color=False))
    assert stream.getvalue() == EXPECTED_TEXT_LINES


def test_diagnostics_exact() -> None:
    stream = io.StringIO()
    run_reporter(DiagnosticsReporter(stream))
    assert stream.getvalue() == EXPECTED_DIAGNOSTICS


def test_console_colour_only_when_asked() -> None:
    coloured = io.StringIO()
    run_reporter(TextReporter(coloured, color=True))
    assert "\x1b[" in coloured.getvalue()
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured.getvalue()) == EXPECTED_TEXT_LINES


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("option", "env", "tty", "expected"),
    [
        (None, {}, True, True),
        (None, {}, False, False),
        (None, {"NO_COLOR": "1"}, True, False),
        (None, {"FORCE_COLOR": "1"}, False, True),
        (None, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False, False),
        (None, {"NO_COLOR": ""}, True, True),
        (True, {"NO_COLOR": "1"}, False, True),
        (False, {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_colour_follows_option_then_no_color_then_force_color(
    option: bool | None, env: dict[str, str], tty: bool, expected: bool
) -> None:
    assert use_color(option, _Stream(tty), env) is expected


@pytest.mark.parametrize(
    ("reports", "failed", "expected"),
    [
        ((), 0, "0 findings (0 critical, 0 major, 0 minor) in 0 articles; 0 could not be read"),
        ((SMALL,), 0, "1 finding (0 critical, 0 major, 1 minor) in 1 article; 0 could not be read"),
        ((CLEAN,), 2, "0 findings (0 critical, 0 major, 0 minor) in 1 article; 2 could not be read"),
    ],
)
def test_totals_line(reports: tuple[ArticleReport, ...], failed: int, expected: str) -> None:
    assert totals_line(RunSummary.of(reports, (FAILURE,) * failed)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain „Text“ – ok", "plain „Text“ – ok"),
        ("red \x1b[31mALARM\x1b[0m", "red \\x1b[31mALARM\\x1b[0m"),
        ("clear\x1b[2J\x07bell", "clear\\x1b[2J\\x07bell"),
        ("bidi \u202egnp.exe", "bidi \\u202egnp.exe"),
        ("two\nlines\r\nthree", "two lines three"),
        ("c1 \x9b31m", "c1 \\x9b31m"),
        ("tab\there", "tab\\x09here"),
    ],
)
def test_safe_text_escapes_control_characters(text: str, expected: str) -> None:
    assert safe_text(text) == expected


def test_hostile_article_and_file_name_cannot_drive_the_terminal() -> None:
    text = "Er sagte \x1b]0;pwned\x07 das .\n"
    start = text.index(" .")
    hostile = Finding("TYP002", "r", Severity.MINOR, start, start + 2, " .", "msg \x1b[2J", "w", ".")
    report = build_report(Article(id="h", text=text, origin="in/\x1b[31mevil.txt"), (hostile,))
    for make in (lambda s: TextReporter(s, color=True), GithubReporter):
        stream = io.StringIO()
        reporter = make(stream)
        reporter.article(report)
        reporter.finish(RunSummary.of((), ()))
        assert "\x1b]" not in stream.getvalue() and "\x1b[2J" not in stream.getvalue()
        assert "\\x1b[31mevil.txt" in stream.getvalue()


EXPECTED_GITHUB_LINES = """\
::warning file=in/peskov.txt,line=1,col=5,endLine=1,endColumn=20,title=TYP001::space before hyphen -> Kreml-Sprecher
::error file=in/peskov.txt,line=1,col=21,endLine=1,endColumn=28,title=NAM002::name spelt „Dmitrij“ -> Dmitri
::warning file=in/peskov.txt,line=1,col=73,endLine=1,endColumn=86,title=TYP010::straight quotes -> „konstruktiv“
::error file=in/peskov.txt,line=3,col=41,endLine=3,endColumn=51,title=GRM003::infinitive without zu
::error file=in/peskov.txt,line=5,col=1,endLine=5,endColumn=37,title=BPL001::site boilerplate -> (delete)
::warning file=in/small.txt,line=1,col=5,endLine=1,endColumn=18,title=TYP001::space before hyphen -> Kreml-Chefin
::error file=feeds/a.jsonl#broken::invalid JSON at line 3
::notice::back-translation: 1 segment from cache
6 findings (1 critical, 2 major, 3 minor) in 3 articles; 1 could not be read
"""  # noqa: E501


def test_console_github_exact() -> None:
    stream = io.StringIO()
    run_reporter(GithubReporter(stream))
    assert stream.getvalue() == EXPECTED_GITHUB_LINES


def test_console_github_escapes_workflow_command_syntax() -> None:
    text = "Ein Satz.\n"
    report = build_report(
        Article(id="g", text=text, origin="a,b:c%.txt"),
        (finding(text, "Satz", "TYP001", Severity.MINOR, None, "100% falsch\nzweite Zeile"),),
    )
    stream = io.StringIO()
    GithubReporter(stream).article(report)
    assert stream.getvalue() == (
        "::warning file=a%2Cb%3Ac%25.txt,line=1,col=5,endLine=1,endColumn=9,title=TYP001"
        "::100%25 falsch%0Azweite Zeile\n"
    )


def feed_report(row_id: str, line: int, findings: int) -> ArticleReport:
    text = "Der Kreml -Sprecher. " * findings
    found = tuple(
        Finding("TYP001", "r", Severity.MINOR, 9 + 21 * n, 11 + 21 * n, " -", "space", "w", "-")
        for n in range(findings)
    )
    return build_report(Article(id=row_id, text=text, origin=f"feeds/day.jsonl#{row_id}", line=line), found)


def test_github_points_feed_rows_at_their_feed_line_and_caps_annotations(tmp_path: Path) -> None:
    summary_file = tmp_path / "step-summary.md"
    stream = io.StringIO()
    reporter = GithubReporter(stream, limit=3, summary_path=str(summary_file))
    reporter.start(RUN)
    reports = (feed_report("a1", 1, 2), feed_report("a7", 7, 3))
    for report in reports:
        reporter.article(report)
    reporter.finish(RunSummary.of(reports, ()))
    lines = stream.getvalue().splitlines()
    assert lines[:4] == [
        "::warning file=feeds/day.jsonl,line=1,title=TYP001::a1 1:10: space -> -",
        "::warning file=feeds/day.jsonl,line=1,title=TYP001::a1 1:31: space -> -",
        "::warning file=feeds/day.jsonl,line=7,title=TYP001::a7 1:10: space -> -",
        "::notice::2 more findings not annotated (GitHub shows 3); see the job summary and the reports",
    ]
    summary = summary_file.read_text(encoding="utf-8")
    assert summary.startswith("## mtqa\n\n5 findings (0 critical, 0 major, 5 minor) in 2 articles")
    assert "| TYP001 | 5 |" in summary
    assert "| `feeds/day.jsonl:7 (a7 1:52)` | TYP001 | minor | space |" in summary


def test_console_jsonl() -> None:
    stream = io.StringIO()
    run_reporter(JsonLinesReporter(stream))
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [r["type"] for r in records] == ["finding"] * 6 + ["failure", "note", "totals"]
    assert records[0] == {
        "type": "finding",
        "id": "peskov",
        "origin": "in/peskov.txt",
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
        "suggestion": "Kreml-Sprecher",
    }
    assert records[-3] == {
        "type": "failure",
        "id": "broken",
        "origin": "feeds/a.jsonl#broken",
        "reason": "invalid JSON at line 3",
    }
    assert records[-2] == {"type": "note", "text": "back-translation: 1 segment from cache"}
    assert records[-1] == {
        "type": "totals",
        "articles": 3,
        "failed": 1,
        "findings": 6,
        "minor": 3,
        "major": 2,
        "critical": 1,
    }


def test_jsonl_streams_each_article_at_once() -> None:
    stream = io.StringIO()
    reporter = JsonLinesReporter(stream)
    reporter.start(RUN)
    reporter.article(feed_report("a3", 3, 1))
    record = json.loads(stream.getvalue())
    assert (record["id"], record["feed_line"]) == ("a3", 3)


# --- factory ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("formats", "with_output", "console", "errors", "expected"),
    [
        (
            ("json", "md"),
            True,
            "text",
            True,
            ["JsonReporter", "MarkdownReporter", "SummaryReporter", "TextReporter", "DiagnosticsReporter"],
        ),
        (("html",), True, None, False, ["HtmlReporter", "SummaryReporter"]),
        ((), True, "github", False, ["SummaryReporter", "GithubReporter"]),
        (("json", "md", "html"), False, "jsonl", False, ["JsonLinesReporter"]),
        (("json", "json"), True, None, False, ["JsonReporter", "SummaryReporter"]),
        (
            ("sarif", "junit", "gitlab"),
            True,
            None,
            True,
            ["SarifReporter", "JunitReporter", "GitlabReporter", "SummaryReporter", "DiagnosticsReporter"],
        ),
        ((), False, None, True, ["DiagnosticsReporter"]),
        ((), False, None, False, []),
    ],
)
def test_build_reporters(
    tmp_path: Path,
    formats: tuple[str, ...],
    with_output: bool,
    console: str | None,
    errors: bool,
    expected: list[str],
) -> None:
    options = ConsoleOptions(io.StringIO() if errors else None)
    output = tmp_path if with_output else None
    reporters = build_reporters(formats, output, console, io.StringIO(), False, options)
    assert [type(r).__name__ for r in reporters] == expected


@pytest.mark.parametrize(("formats", "console"), [(("pdf",), None), (("json",), "sarif")])
def test_build_reporters_rejects_unknown_formats(formats: tuple[str, ...], console: str | None) -> None:
    with pytest.raises(ConfigError, match="unknown"):
        build_reporters(formats, None, console, io.StringIO(), False)


def test_progress_bar_stays_off_streams_that_are_not_terminals() -> None:
    errors, out = io.StringIO(), io.StringIO()
    reporters = build_reporters((), None, "text", out, False, ConsoleOptions(errors, progress=True))
    assert type(reporters[0]).__name__ == "ProgressReporter"
    for reporter in reporters:
        reporter.start(RUN)
    for report in REPORTS:
        for reporter in reporters:
            reporter.article(report)
    for reporter in reporters:
        reporter.finish(SUMMARY)
    assert out.getvalue() == EXPECTED_TEXT_LINES
    assert errors.getvalue() == EXPECTED_DIAGNOSTICS


def test_all_reporters_together(tmp_path: Path) -> None:
    stream = io.StringIO()
    reporters = build_reporters(("json", "md", "html"), tmp_path / "out", "text", stream, False)
    run = [*reporters]
    for reporter in run:
        reporter.start(RUN)
    for report in REPORTS:
        for reporter in run:
            reporter.article(report)
    for reporter in run:
        reporter.finish(SUMMARY)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted(
        [f"{i}.{ext}" for i in ("peskov", "clean", "small") for ext in ("json", "md", "html")]
        + ["index.html", "summary.csv", "summary.json", "vendors.csv"]
    )
    assert stream.getvalue() == EXPECTED_TEXT_LINES


def test_console_prints_each_run_note_once_and_shortens_long_suggestions() -> None:
    text = "x" * 200
    article = Article(id="n", text=text, origin="n.txt")
    suggestion = "„" + "y" * 198 + "“"
    found = Finding("TYP005", "wrong-quote-style", Severity.MINOR, 0, 200, text, "m", "w", suggestion)
    note = "back-translation unavailable: model M is not in the cache (offline); run: mtqa models pull M"
    reports = tuple(
        ArticleReport(article, (), (found,) if i == 0 else (), 1, 0.0, notes=(note,)) for i in range(2)
    )
    stream, errors = io.StringIO(), io.StringIO()
    text_reporter, diagnostics = TextReporter(stream), DiagnosticsReporter(errors)
    for report in reports:
        text_reporter.article(report)
        diagnostics.article(report)
    text_reporter.finish(RunSummary.of(reports, ()))
    diagnostics.finish(RunSummary.of(reports, ()))
    lines = stream.getvalue().splitlines()
    assert lines[0] == "n.txt:1:1 TYP005 m -> „" + "y" * 52 + " … " + "y" * 23 + "“"
    assert lines[1:] == ["1 finding (0 critical, 0 major, 1 minor) in 2 articles; 0 could not be read"]
    assert errors.getvalue() == f"note: {note}\n"
