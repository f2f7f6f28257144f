"""``mtqa.run_files`` names every run-level file, and both rules that depend on it follow from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtqa.checking import OUTPUT_FILES
from mtqa.config import REPORT_FORMATS
from mtqa.fix import FIXED_SUFFIX
from mtqa.read.ids import RESERVED_IDS
from mtqa.run_files import RUN_FILE_STEMS, RUN_FILES
from tests.conftest import invoke

pytestmark = pytest.mark.usefixtures("isolated_cli")
NO_MODELS = ["--no-backtranslate"]
ARTICLE_SUFFIXES = (".json", ".md", ".html", FIXED_SUFFIX)
"""What each per-article report is called: ``<id>`` plus one of these."""
TEXTS = ("Der Kreml -Sprecher sagte am Montag, die Gespräche gingen weiter.", "Alles blieb ruhig.")


def test_both_lists_come_from_the_one_list() -> None:
    assert OUTPUT_FILES == RUN_FILES
    assert RESERVED_IDS == RUN_FILE_STEMS
    assert set(RUN_FILE_STEMS) == {name.split(".")[0] for name in RUN_FILES} - {""}


def test_a_run_leaves_no_top_level_file_that_is_not_listed(tmp_path: Path) -> None:
    """Every report format, the summary, the manifest and lock, ``mtqa audit`` and ``mtqa fix`` write
    into one folder; what is not an article's report must be exactly ``RUN_FILES``. Every article is
    named after a run file, so a reserved stem that failed to rename would overwrite one."""
    feed = tmp_path / "feed.jsonl"
    rows = [
        {"id": stem, "text": TEXTS[i % 2], "vendor": ("alpha", "beta")[i % 2]}
        for i, stem in enumerate(RUN_FILE_STEMS)
    ]
    feed.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    out = tmp_path / "out"
    formats = ",".join(REPORT_FORMATS)
    checked = invoke(
        ["check", str(feed), *NO_MODELS, "-o", str(out), "--format", formats, "--fail-on", "never"]
    )
    assert checked.exit_code == 0, checked.output
    audited = invoke(["audit", str(out), "--bootstrap", "10"])
    assert audited.exit_code == 0, audited.output
    fixed = invoke(["fix", str(feed), "-o", str(out)])
    assert fixed.exit_code == 0, fixed.output

    reports = [json.loads(path.read_text(encoding="utf-8")) for path in out.glob("*.json")]
    ids = sorted(
        report["article"]["id"]
        for report in reports
        if isinstance(report, dict) and report.get("schema", "").startswith("mtqa.report/")
    )
    assert ids == sorted(f"{stem}-2" for stem in RUN_FILE_STEMS)
    per_article = {f"{id}{suffix}" for id in ids for suffix in ARTICLE_SUFFIXES}
    run_level = {entry.name for entry in out.iterdir() if entry.name not in per_article}
    assert sorted(run_level - set(RUN_FILES)) == []  # written, not listed: add it to mtqa/run_files.py
    assert sorted(set(RUN_FILES) - run_level) == []  # listed, never written: stale


def test_a_reports_folder_checked_again_reads_none_of_the_run_files(tmp_path: Path) -> None:
    """``summary.csv``, ``vendors.csv`` and the audit tables are CSV, which a folder walk reads as feeds."""
    out = tmp_path / "out"
    out.mkdir()
    for name in RUN_FILES:
        (out / name).write_text("id,text\nx,Ein Satz.\n", encoding="utf-8")
    (out / "article.txt").write_text(TEXTS[1], encoding="utf-8")
    result = invoke(["check", str(out), *NO_MODELS, "-o", str(out), "--output-format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = (out / "summary.csv").read_text(encoding="utf-8").splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["article"]
