"""The command line end to end with CliRunner: every input kind, every bad input, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import DATA, invoke

pytestmark = pytest.mark.usefixtures("isolated_cli")

EXAMPLE = DATA / "peskov-washington.de.txt"
CLEAN = DATA / "control" / "korea-handel.de.txt"
NO_MODELS = ["--no-backtranslate"]


def records(result: Result) -> list[dict[str, Any]]:
    """The findings of a ``--output-format jsonl`` run."""
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    return [r for r in lines if r["type"] == "finding"]


def finding_codes(result: Result) -> set[str]:
    return {r["code"] for r in records(result)}


def test_example_article_fails_ci_and_writes_reports(tmp_path: Path) -> None:
    result = invoke(["check", str(EXAMPLE), *NO_MODELS])
    assert result.exit_code == 1
    assert f"{EXAMPLE}:5:" in result.output
    assert "NAM" in result.output and "Peskow" in result.output
    reports = tmp_path / "reports"
    data = json.loads((reports / "peskov-washington.json").read_text(encoding="utf-8"))
    assert data["article"]["id"] == "peskov-washington"
    assert data["findings"]
    assert (reports / "peskov-washington.md").is_file()
    assert (reports / "summary.csv").is_file()


def test_clean_article_exits_0(tmp_path: Path) -> None:
    result = invoke(["check", str(CLEAN), *NO_MODELS, "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "korea-handel.json").is_file()


@pytest.mark.parametrize(
    ("options", "exit_code"),
    [
        (["--fail-on", "never"], 0),
        (["--fail-on", "minor"], 1),
        (["--fail-on", "critical", "--select", "TYP"], 0),
        (["--select", "TYP", "--ignore", "TYP"], 0),
    ],
)
def test_fail_on_and_selection(options: list[str], exit_code: int) -> None:
    result = invoke(["check", str(EXAMPLE), *NO_MODELS, "--no-reports", *options])
    assert result.exit_code == exit_code, result.output


def test_select_limits_findings_to_the_prefix() -> None:
    result = invoke(
        ["check", str(EXAMPLE), *NO_MODELS, "--no-reports", "--select", "NAM", "--output-format", "jsonl"]
    )
    codes = finding_codes(result)
    assert codes and all(code.startswith("NAM") for code in codes)


def test_config_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found from the checked file upward, not from the working folder."""
    (tmp_path / "mtqa.toml").write_text('select = ["BPL"]\nfail-on = "never"\n', encoding="utf-8")
    (tmp_path / "news").mkdir()
    article = tmp_path / "news" / "a.de.txt"
    article.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = invoke(["check", str(article), *NO_MODELS, "--no-reports", "--output-format", "jsonl"])
    assert result.exit_code == 0
    codes = finding_codes(result)
    assert codes and all(code.startswith("BPL") for code in codes)


def test_folder_jsonl_csv_and_stdin(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.de.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"id": "f1", "text": "Der Kreml -Sprecher sagte das."}) + "\n", encoding="utf-8"
    )
    table = tmp_path / "feed.csv"
    table.write_text("id,text,vendor\nc1,Es wird getan .,acme\n", encoding="utf-8")
    result = invoke(
        ["check", str(folder), str(feed), str(table), "-", *NO_MODELS, "-o", "out"],
        stdin="Laut Peskov ist alles gut.\n",
    )
    assert result.exit_code == 1, result.output
    written = sorted(p.name for p in (tmp_path / "out").glob("*.json"))
    assert written == ["a.json", "c1.json", "f1.json", "mtqa-run.json", "stdin.json", "summary.json"]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("binary.txt", b"\x00\x01\x02PK\x03\x04" * 50, "binary"),
    ],
)
def test_bad_article_is_recorded_and_the_batch_goes_on(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    result = invoke(["check", str(bad), str(CLEAN), *NO_MODELS, "-o", "out"])
    assert result.exit_code == 2
    assert reason in result.output
    assert (tmp_path / "out" / "korea-handel.json").is_file()
    summary = (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8")
    assert reason in summary


def test_malformed_feed_line_is_recorded(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "ok", "text": "Alles gut."}\n{"id": "broken", "text": \n', encoding="utf-8")
    result = invoke(["check", str(feed), *NO_MODELS, "-o", "out"])
    assert result.exit_code == 2
    assert "invalid JSON" in result.output
    assert (tmp_path / "out" / "ok.json").is_file()


def test_cp1252_article_is_decoded_and_the_encoding_reported(tmp_path: Path) -> None:
    path = tmp_path / "alt.txt"
    path.write_bytes(
        "Über die Größe des Gebäudes äußerte sich der Bürgermeister nicht.\n".encode("cp1252") * 3
    )
    result = invoke(["check", str(path), *NO_MODELS, "-o", "out"])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "alt.json").read_text(encoding="utf-8"))
    assert data["article"]["encoding"].lower().replace("-", "").replace("_", "") in {
        "cp1252",
        "windows1252",
        "iso88591",
        "latin1",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "does-not-exist.txt"], "does-not-exist.txt"),
        (["check", str(EXAMPLE), "--fail-on", "sometimes"], "sometimes"),
        (["check", str(EXAMPLE), "--config", "missing.toml"], "config file not found"),
        (["rules", "XYZ999"], "no rule"),
    ],
)
def test_usage_errors_exit_2_without_traceback(args: list[str], message: str) -> None:
    result = invoke(args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_rules_lists_and_explains() -> None:
    listing = invoke(["rules"])
    assert listing.exit_code == 0
    assert "TYP001" in listing.output
    detail = invoke(["rules", "TYP001"])
    assert detail.exit_code == 0
    assert "Why:" in detail.output and "bad:" in detail.output and "good:" in detail.output


def test_malformed_csv_row_is_recorded_and_good_rows_go_on(tmp_path: Path) -> None:
    table = tmp_path / "feed.csv"
    table.write_text('id,text\nok,Alles gut.\nbad,"zu",viele,felder\nok2,Auch gut.\n', encoding="utf-8")
    result = invoke(["check", str(table), *NO_MODELS, "-o", "out"])
    assert result.exit_code == 2
    assert (tmp_path / "out" / "ok.json").is_file()
    assert (tmp_path / "out" / "ok2.json").is_file()
    summary = (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8")
    assert "fields" in summary


def test_csv_without_text_column_is_one_failure(tmp_path: Path) -> None:
    table = tmp_path / "feed.csv"
    table.write_text("id,body\na,Alles gut.\n", encoding="utf-8")
    result = invoke(["check", str(table), *NO_MODELS, "--no-reports"])
    assert result.exit_code == 2
    assert "text" in result.output


def test_a_crash_while_checking_one_article_fails_only_that_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mtqa import pipeline

    real = pipeline.check_article

    def crash_on_boom(article: Any, settings: Any) -> Any:
        if article.id == "boom":
            raise IndexError("string index out of range")
        return real(article, settings)

    monkeypatch.setattr(pipeline, "check_article", crash_on_boom)
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": "boom", "text": "Eins."}, {"id": "fine", "text": "Zwei."}]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = invoke(["check", str(feed), *NO_MODELS, "-o", "out"])
    assert result.exit_code == 2
    assert "internal error while checking (IndexError: string index out of range)" in result.output
    assert (tmp_path / "out" / "fine.json").is_file()
    assert not (tmp_path / "out" / "boom.json").exists()


def test_house_lists_extend_the_built_in_ones(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Der Kreml -Sprecher traf Herrn Mustermannov in Berlin.\n", encoding="utf-8")
    names = tmp_path / "names.tsv"
    names.write_text(
        "german\tvariants\tkind\torigin\tnote\nMustermanow\tMustermannov\tperson-surname\tru\thouse\n",
        encoding="utf-8",
    )
    allow = tmp_path / "allow.tsv"
    allow.write_text("phrase\tnote\nKreml -Sprecher\tquoted as printed\n", encoding="utf-8")
    plain = invoke(["check", str(article), *NO_MODELS, "--no-reports", "--output-format", "jsonl"])
    assert ("TYP001", "Kreml -Sprecher") in {(r["code"], r["match"]) for r in records(plain)}
    house = invoke(
        ["check", str(article), *NO_MODELS, "--no-reports", "--output-format", "jsonl",
         "--names", str(names), "--allow", str(allow)]
    )  # fmt: skip
    found = {(r["code"], r["match"], r["suggestion"]) for r in records(house)}
    assert ("NAM001", "Mustermannov", "Mustermanow") in found
    assert not any(match == "Kreml -Sprecher" for _, match, _ in found)
