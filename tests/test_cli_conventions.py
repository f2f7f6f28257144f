"""``mtqa check`` behaves like the linters CI engineers know: exclusions, prefixes, formats, streams,
baselines and incremental runs, end to end with CliRunner."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from mtqa.cli import main
from tests.conftest import DATA

EXAMPLE = DATA / "peskov-washington.de.txt"
CLEAN = DATA / "control" / "korea-handel.de.txt"
SARIF_SCHEMA = DATA / "sarif-schema-2.1.0.json"
"""The official SARIF 2.1.0 schema (OASIS sarif-spec repository, sarif-2.1/schema/), vendored."""
NO_MODELS = ["--no-backtranslate"]


def invoke(args: list[str]) -> Result:
    return CliRunner().invoke(main, ["check", *NO_MODELS, *args], catch_exceptions=False)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def news_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "peskov.de.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "korea.de.txt").write_text(CLEAN.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def feed(tmp_path: Path, rows: list[dict[str, Any]], name: str = "feed.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def test_a_second_run_in_the_same_folder_does_not_read_its_own_reports(tmp_path: Path) -> None:
    news_folder(tmp_path)
    first = invoke([".", "--format", "sarif,junit,gitlab"])
    assert first.exit_code == 1, first.output
    (tmp_path / "reports" / "stray.txt").write_text("Ein Satz .\n", encoding="utf-8")
    second = invoke([".", "--output-format", "jsonl"])
    assert second.exit_code == 1, second.output
    origins = {json.loads(line)["origin"] for line in second.stdout.splitlines() if '"finding"' in line}
    assert origins == {"./news/peskov.de.txt"}
    assert "could not be read" not in second.stderr
    named = invoke(["reports/summary.csv", "news"])
    assert named.exit_code == 1 and "summary.csv" not in named.output


@pytest.mark.parametrize(
    ("options", "config", "checked"),
    [
        ([], "", {"korea", "peskov", "a"}),
        (["--extend-exclude", "drafts"], "", {"korea", "peskov"}),
        (["--exclude", "peskov*,drafts/"], "", {"korea"}),
        ([], 'extend-exclude = ["news/drafts", "korea.*"]\n', {"peskov"}),
        (["--extend-exclude", "peskov.de.txt"], 'exclude = ["drafts"]\n', {"korea"}),
    ],
)
def test_exclude_and_extend_exclude(
    tmp_path: Path, options: list[str], config: str, checked: set[str]
) -> None:
    folder = news_folder(tmp_path)
    (folder / "drafts").mkdir()
    (folder / "drafts" / "a.txt").write_text("Ein Entwurf .\n", encoding="utf-8")
    (tmp_path / "mtqa.toml").write_text(config, encoding="utf-8")
    result = invoke(["news", "-o", "out", "--fail-on", "never", *options])
    assert result.exit_code == 0, result.output
    written = {p.stem for p in (tmp_path / "out").glob("*.json")} - {"summary", "mtqa-run"}
    assert written == checked


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "TPY"], "select: 'TPY' matches no rule code (see 'mtqa rules'); did you mean TYP?"),
        (["--ignore", "NAM9"], "ignore: 'NAM9' matches no rule code"),
        (["--select", "TYP,LEXX"], "select: 'LEXX' matches no rule code"),
        (["--format", "json,pdf"], "formats: unknown pdf"),
    ],
)
def test_unknown_prefix_or_format_is_a_usage_error(args: list[str], message: str) -> None:
    result = invoke([str(EXAMPLE), "--no-reports", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_format_takes_comma_lists_and_adds_to_the_defaults(tmp_path: Path) -> None:
    result = invoke([str(EXAMPLE), "--format", "html,sarif", "--format", "junit", "--fail-on", "never"])
    assert result.exit_code == 0
    names = {p.name for p in (tmp_path / "reports").iterdir()}
    assert {"peskov-washington.json", "peskov-washington.md", "peskov-washington.html"} <= names
    assert {"mtqa.sarif", "junit.xml", "summary.csv"} <= names


def test_diagnostics_go_to_stderr_even_with_no_output(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = invoke(["empty.txt", str(CLEAN), "--output-format", "none", "--no-reports"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "empty.txt: error: empty article\n"


def test_findings_on_stdout_and_notes_on_stderr(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(CLEAN), "--no-reports"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout.endswith(
        "0 findings (0 critical, 0 major, 0 minor) in 1 article; 0 could not be read\n"
    )
    assert "back-translation unavailable" in result.stderr
    assert "back-translation" not in result.stdout


def test_no_color_is_respected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    forced = invoke([str(EXAMPLE), "--no-reports"])
    assert "\x1b[" in forced.stdout
    monkeypatch.setenv("NO_COLOR", "1")
    plain = invoke([str(EXAMPLE), "--no-reports"])
    assert "\x1b[" not in plain.output


def test_config_is_found_from_the_checked_paths_and_per_file_ignores_follow_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    (project / "news").mkdir(parents=True)
    (project / "news" / "peskov.de.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (project / "mtqa.toml").write_text(
        'fail-on = "never"\n[per-file-ignores]\n"news/*" = ["NAM"]\n', encoding="utf-8"
    )
    for cwd in (project, project / "news", tmp_path):
        monkeypatch.chdir(cwd)
        target = str((project / "news").relative_to(cwd)) if cwd != tmp_path else "project/news"
        result = invoke([target, "--no-reports", "--output-format", "jsonl"])
        assert result.exit_code == 0, (cwd, result.output)
        codes = {json.loads(line)["code"] for line in result.stdout.splitlines() if '"finding"' in line}
        assert codes and not any(code.startswith("NAM") for code in codes), cwd


# --- CI formats --------------------------------------------------------------------------------------


def ci_run(tmp_path: Path) -> Result:
    feed(
        tmp_path,
        [
            {"id": "f1", "text": "Der Kreml -Sprecher sagte das."},
            {"id": "f2", "text": "Laut Peskov ist alles gut ."},
        ],
    )
    (tmp_path / "peskov.de.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    return invoke([".", "--format", "sarif,junit,gitlab", "--output-format", "none"])


def test_sarif_validates_against_the_official_schema(tmp_path: Path) -> None:
    assert ci_run(tmp_path).exit_code == 2
    document = json.loads((tmp_path / "reports" / "mtqa.sarif").read_text(encoding="utf-8"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(document)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {"TYP001", "NAM001"} <= {rule["id"] for rule in rules}
    assert all(rule["fullDescription"]["text"] and rule["help"]["text"] for rule in rules)
    results = run["results"]
    by_article = {
        r["properties"]["article"]: r for r in results if r["properties"]["article"] in {"f1", "f2"}
    }
    f2 = [r for r in results if r["properties"]["article"] == "f2"]
    assert {r["ruleId"] for r in f2} == {"NAM001", "TYP002"}
    assert f2[0]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "feed.jsonl"},
        "region": {"startLine": 2},
    }
    assert rules[by_article["f1"]["ruleIndex"]]["id"] == by_article["f1"]["ruleId"]
    text_result = next(r for r in results if r["properties"]["article"] == "peskov")
    region = text_result["locations"][0]["physicalLocation"]["region"]
    assert set(region) == {"startLine", "startColumn", "endLine", "endColumn"}
    assert "fixes" in text_result or text_result["properties"]["suggestion"] is None
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert run["invocations"][0]["executionSuccessful"] is False
    assert notes[0]["message"]["text"] == "empty article"


def test_junit_has_one_test_case_per_article(tmp_path: Path) -> None:
    ci_run(tmp_path)
    root = ElementTree.parse(tmp_path / "reports" / "junit.xml").getroot()
    suite = root.find("testsuite")
    assert suite is not None
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {"f1", "f2", "peskov", "empty"}
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "2", "1")
    f1 = cases["f1"]
    assert f1.find("failure") is None and f1.get("line") == "1"
    system_out = f1.find("system-out")
    assert system_out is not None and "TYP001 [minor]" in (system_out.text or "")
    f2_failure = cases["f2"].find("failure")
    assert f2_failure is not None and f2_failure.get("message") == "1 finding at or above major"
    assert "NAM001" in (f2_failure.text or "")
    error = cases["empty"].find("error")
    assert error is not None and error.get("message") == "empty article"


def test_gitlab_code_quality_report(tmp_path: Path) -> None:
    ci_run(tmp_path)
    issues = json.loads((tmp_path / "reports" / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    f2 = [i for i in issues if i["description"].startswith(("NAM001 f2", "TYP002 f2"))]
    assert len(f2) == 2
    assert all(i["location"] == {"path": "feed.jsonl", "lines": {"begin": 2}} for i in f2)
    assert {i["severity"] for i in f2} == {"major", "minor"}
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    assert {"path": "empty.txt", "lines": {"begin": 1}} in [i["location"] for i in issues]


# --- baseline ----------------------------------------------------------------------------------------


def test_baseline_round_trip_reports_only_new_findings(tmp_path: Path) -> None:
    article = tmp_path / "a.de.txt"
    article.write_text("Laut Peskov ist alles gut .\n", encoding="utf-8")
    written = invoke([str(article), "--write-baseline", "baseline.json", "--no-reports"])
    assert written.exit_code == 0, written.output
    data = json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))
    assert data["schema"] == "mtqa.baseline/1"
    assert {(e["id"], e["code"], e["match"], e["count"]) for e in data["findings"]} == {
        ("a", "NAM001", "Peskov", 1),
        ("a", "TYP002", "gut .", 1),
    }
    same = invoke([str(article), "--baseline", "baseline.json", "--no-reports"])
    assert same.exit_code == 0, same.output
    assert "2 findings in the baseline not shown" in same.stderr
    # Text added before the old findings moves every offset; a second Peskov is new.
    article.write_text("Neu: Ein Satz. Laut Peskov ist alles gut . Peskov lachte.\n", encoding="utf-8")
    edited = invoke([str(article), "--baseline", "baseline.json", "--output-format", "jsonl", "-o", "out"])
    assert edited.exit_code == 1
    found = [json.loads(line) for line in edited.stdout.splitlines() if '"finding"' in line]
    assert [(f["code"], f["match"], f["column"]) for f in found] == [("NAM001", "Peskov", 44)]
    report = json.loads((tmp_path / "out" / "a.json").read_text(encoding="utf-8"))
    assert [f["code"] for f in report["findings"]] == ["NAM001"]


def test_missing_baseline_is_a_usage_error() -> None:
    result = invoke([str(EXAMPLE), "--baseline", "nope.json", "--no-reports"])
    assert result.exit_code == 2
    assert "baseline not found" in result.stderr


# --- incremental runs --------------------------------------------------------------------------------


def test_unchanged_articles_reuse_their_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mtqa import pipeline

    rows = [{"id": f"a{n}", "text": f"Der Kreml -Sprecher sagte Satz {n} ."} for n in range(5)]
    path = feed(tmp_path, rows)
    first = invoke([str(path), "-o", "out", "--output-format", "jsonl"])
    assert first.exit_code == 0, first.output
    checked: list[str] = []
    real = pipeline.check_article

    def counting(article: Any, settings: Any) -> Any:
        checked.append(article.id)
        return real(article, settings)

    monkeypatch.setattr(pipeline, "check_article", counting)
    rows[2]["text"] += " Peskov."
    feed(tmp_path, rows)
    second = invoke([str(path), "-o", "out", "--output-format", "jsonl"])
    assert second.exit_code == 1
    assert checked == ["a2"]
    assert second.stdout.count('"finding"') == first.stdout.count('"finding"') + 1
    assert json.loads((tmp_path / "out" / "a4.json").read_text(encoding="utf-8"))["findings"]
    checked.clear()
    invoke([str(path), "-o", "out", "--select", "TYP"])
    assert len(checked) == 5, "another setting is another run signature"
    checked.clear()
    invoke([str(path), "-o", "out", "--select", "TYP"])
    assert checked == []
    invoke([str(path), "-o", "out", "--select", "TYP", "--force"])
    assert len(checked) == 5
    checked.clear()
    invoke([str(path), "-o", "out", "--select", "TYP", "--no-cache"])
    assert len(checked) == 5


def test_an_unusable_cache_is_a_note_not_an_error(tmp_path: Path) -> None:
    (tmp_path / ".mtqa-cache").write_text("not a folder", encoding="utf-8")
    result = invoke([str(CLEAN), "--no-reports"])
    assert result.exit_code == 0, result.output
    assert "note: report cache" in result.stderr and "every article was checked" in result.stderr


def test_github_failure_of_a_feed_row_points_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text('{"id": "ok", "text": "Alles gut."}\n{"id": "broken", "text": \n', encoding="utf-8")
    result = invoke(["feed.jsonl", "--no-reports", "--output-format", "github"])
    assert result.exit_code == 2
    assert "::error file=feed.jsonl,line=2::line 2: invalid JSON" in result.stdout
