"""Issue 9: each numbered defect found by probing with hostile input, faults and large feeds, reproduced.

Every test names the defect it reproduces (D1 ... D12) and fails on the code before the fix.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import signal
import subprocess
import sys
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mtqa import pipeline
from mtqa.config import Settings
from mtqa.errors import OutputBusyError, ReportError
from mtqa.model import Article, ArticleFailure, ArticleReport, RunSummary
from mtqa.read import read_inputs
from mtqa.read.encoding import decode_bytes
from mtqa.report import json_report
from mtqa.report.base import RunInfo
from mtqa.report.run_folder import RunFolder
from mtqa.report.summary import neutralise_cell
from mtqa.rules.registry import RuleOptions, get_rule
from mtqa.run_files import MANIFEST_NAME
from mtqa.segment import sentences
from tests.conftest import article, invoke

pytestmark = pytest.mark.usefixtures("isolated_cli")
NO_MODELS = ["--no-backtranslate"]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def summary_rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "summary.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- D1: lone surrogates and file names that are not UTF-8 ------------------------------------------


def test_d1_lone_surrogate_in_a_feed_is_replaced_and_noted(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"id": "a", "title": "T \\udc80", "text": "Ein Satz \\ud800 hier."}\n{"id": "b", "text": "Gut."}\n',
        encoding="utf-8",
    )
    result = invoke(["check", str(feed), *NO_MODELS, "-o", "out"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    report = json.loads((out / "a.json").read_text(encoding="utf-8"))
    assert report["article"]["title"] == "T \ufffd"
    assert report["notes"] == [
        '1 lone surrogate(s) in "text" replaced with U+FFFD',
        '1 lone surrogate(s) in "title" replaced with U+FFFD',
    ]
    assert [row["id"] for row in summary_rows(out)] == ["a", "b"]
    assert temporaries(out) == []


@pytest.mark.skipif(sys.platform == "darwin", reason="APFS refuses names that are not UTF-8")
def test_d1_file_name_with_a_non_utf8_byte_is_shown_with_a_replacement(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bad_name = os.fsdecode(b"caf\xe9.de.txt")
    (folder / bad_name).write_text("Titel\n\nEin Satz.\n", encoding="utf-8")
    (folder / "gut.de.txt").write_text("Titel\n\nNoch ein Satz.\n", encoding="utf-8")
    result = invoke(["check", str(folder), *NO_MODELS, "-o", "out"])
    assert result.exit_code == 0, result.output
    origins = sorted(row["origin"] for row in summary_rows(tmp_path / "out"))
    assert origins == [str(folder / "caf\ufffd.de.txt"), str(folder / "gut.de.txt")]
    assert temporaries(tmp_path / "out") == []


# --- D2: a failed report write fails one article, not the run ---------------------------------------


def test_d2_an_id_of_240_bytes_gets_its_report(tmp_path: Path) -> None:
    long_id = "Д" * 120
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"id": long_id, "text": "Ein Satz."}])
    result = invoke(["check", str(feed), *NO_MODELS, "-o", "out"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / f"{long_id}.json").is_file()


def test_d2_a_full_disk_fails_the_articles_it_hits_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = json_report.write_text_atomic
    written: list[str] = []

    def fill_up(path: Path, text: str) -> None:
        if len(written) >= 3:
            raise ReportError(f"{path}: cannot write report (No space left on device)")
        written.append(path.name)
        real(path, text)

    monkeypatch.setattr(json_report, "write_text_atomic", fill_up)
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"id": f"a{n}", "text": "Ein Satz."} for n in range(10)])
    result = invoke(["check", str(feed), *NO_MODELS, "-o", "out"])
    assert result.exit_code == 2
    rows = summary_rows(tmp_path / "out")
    assert [row["id"] for row in rows] == [f"a{n}" for n in range(10)]
    assert [row["error"] for row in rows[:3]] == ["", "", ""]
    assert all("report not written" in row["error"] and "No space" in row["error"] for row in rows[3:])
    assert "0 findings (0 critical, 0 major, 0 minor) in 3 articles; 7 could not be read" in result.output


# --- D3: article ids never take a run file's name ---------------------------------------------------


def test_d3_an_article_called_summary_does_not_overwrite_the_run_summary(tmp_path: Path) -> None:
    rows = [{"id": name, "text": "Ein Satz."} for name in ("summary", "Vendors", "mtqa-run")]
    feed = write_jsonl(tmp_path / "feed.jsonl", rows)
    result = invoke(["check", str(feed), *NO_MODELS, "-o", "out"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["schema"] == "mtqa.summary/1"
    assert json.loads((out / "mtqa-run.json").read_text(encoding="utf-8"))["schema"] == "mtqa.run/1"
    for name in ("summary-2", "Vendors-2", "mtqa-run-2"):
        assert json.loads((out / f"{name}.json").read_text(encoding="utf-8"))["article"]["id"] == name


# --- D4: binary detection per record -----------------------------------------------------------------


def test_d4_a_nul_early_in_a_jsonl_feed_fails_only_its_line(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"a{n}", "text": "Ein Satz."}).encode() for n in range(50)]
    lines[1] = lines[1].replace(b"Ein", b"E\0in")
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b"\n".join(lines) + b"\n")
    items = list(read_inputs([str(feed)]))
    failures = [item for item in items if isinstance(item, ArticleFailure)]
    assert len(items) == 50
    assert [(f.id, f.reason) for f in failures] == [("feed:2", "line 2: binary data (NUL byte) in this line")]


def test_d4_a_nul_early_in_a_csv_feed_fails_only_its_row(tmp_path: Path) -> None:
    feed = tmp_path / "feed.csv"
    feed.write_bytes(b"id,text\na,Ein Satz.\nb,Zwei\0 Satz.\nc,Drei.\n")
    items = list(read_inputs([str(feed)]))
    assert [(item.id, isinstance(item, Article)) for item in items] == [
        ("a", True),
        ("b", False),
        ("c", True),
    ]


# --- D5: decoding fallbacks are per line and recorded ------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text", "notes"),
    [
        pytest.param(
            "TATSÄCHLICH sagte er.\n".encode() + b"Ein \x84Zitat\x93 hier.\n",
            "TATSÄCHLICH sagte er.\nEin „Zitat“ hier.\n",
            ("not UTF-8 in line 2: decoded as cp1252",),
            id="stray-cp1252-line",
        ),
        pytest.param(
            "Größere Übereinstimmung \x84".encode()[:-2] + b"\x84 gab es.\n",
            "Größere Übereinstimmung \ufffd gab es.\n",
            ("1 invalid UTF-8 byte sequence(s) replaced with U+FFFD in line 1",),
            id="stray-byte-in-utf8-line",
        ),
        pytest.param(
            "Der Text endet mit ä".encode()[:-1],
            "Der Text endet mit \ufffd",
            ("truncated UTF-8 at the end: 1 incomplete character replaced",),
            id="truncated",
        ),
        pytest.param(
            "Größe\n".encode("cp1252") + "Übereinstimmung äußerte Peskow.\n".encode(),
            "Größe\nÜbereinstimmung äußerte Peskow.\n",
            ("not UTF-8 in line 1: decoded as cp1252",),
            id="mixed-lines",
        ),
        pytest.param(
            "Größere Übereinstimmung.\n".encode("cp1252"), "Größere Übereinstimmung.\n", (), id="legacy"
        ),
    ],
)
def test_d5_decoding_is_per_line_and_noted(data: bytes, text: str, notes: tuple[str, ...]) -> None:
    decoded = decode_bytes(data)
    assert (decoded.text, decoded.notes) == (text, notes)


def test_d5_notes_reach_report_and_summary_and_strict_decoding_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "a.de.txt"
    path.write_bytes("TATSÄCHLICH sagte er.\n".encode() + b"Ein \x84Zitat\x93 hier.\n")
    lenient = invoke(["check", str(path), *NO_MODELS, "-o", "out", "--select", "UNT"])
    assert lenient.exit_code == 0, lenient.output
    report = json.loads((tmp_path / "out" / "a.json").read_text(encoding="utf-8"))
    assert report["notes"] == ["not UTF-8 in line 2: decoded as cp1252"]
    assert summary_rows(tmp_path / "out")[0]["notes"] == "not UTF-8 in line 2: decoded as cp1252"
    strict = invoke(["check", str(path), *NO_MODELS, "-o", "strict", "--strict-decoding"])
    assert strict.exit_code == 2
    assert summary_rows(tmp_path / "strict")[0]["error"] == (
        "strict decoding: not UTF-8 in line 2: decoded as cp1252"
    )


# --- D6, D7: linear segmenter and LOC001 -------------------------------------------------------------


@pytest.mark.parametrize("mark", ["!", ".", "?", "…", '!"'])
def test_d6_segmenter_is_linear_on_runs_of_punctuation(mark: str) -> None:
    text = "Satz " + mark * (100_000 // len(mark)) + " Ende."
    started = time.perf_counter()
    segments = sentences(text)
    assert time.perf_counter() - started < 2.0  # was about 2 minutes at 100 KB
    assert all(text[s.start : s.end] == s.text for s in segments)


def test_d6_segmenter_does_not_run_when_no_rule_needs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from mtqa.rules import registry

    def refuse(text: str) -> list[Any]:
        raise AssertionError("segmented")

    monkeypatch.setattr(registry, "sentences", refuse)
    monkeypatch.setattr(registry, "paragraphs", refuse)
    context, findings = pipeline.check_article(article("Ein Satz!!! Noch einer."), Settings(select=("XYZ",)))
    assert findings == []
    assert pipeline._report(context, findings, None, frozenset(), Settings(select=("XYZ",))).segments == ()


def test_d7_loc001_is_linear_on_repeated_numbers() -> None:
    rule = get_rule("LOC001")
    assert rule is not None
    from mtqa.rules.registry import RuleContext

    text = "1." * 100_000 + " Prozent"
    started = time.perf_counter()
    rule.run(RuleContext.of(article(text), RuleOptions()))
    assert time.perf_counter() - started < 2.0  # quadratic: minutes


# --- D9: the run summary keeps no report ------------------------------------------------------------


class _Watcher:
    """A reporter that only remembers weak references to the reports it saw."""

    def __init__(self) -> None:
        self.seen: list[weakref.ref[ArticleReport]] = []
        self.summary: RunSummary | None = None

    def start(self, run: RunInfo) -> None: ...

    def article(self, report: ArticleReport) -> None:
        self.seen.append(weakref.ref(report))

    def finish(self, summary: RunSummary) -> None:
        self.summary = summary


def test_d9_no_report_outlives_its_article() -> None:
    articles = (
        Article(id=f"a{n}", text="Der Kreml -Sprecher sprach.", origin="x", vendor="v") for n in range(300)
    )
    watcher = _Watcher()
    settings = Settings(select=("TYP",), backtranslation=Settings().backtranslation.__class__(enabled=False))
    result = pipeline.run(articles, settings, [watcher], RunInfo.now(None))
    gc.collect()
    assert len(watcher.seen) == 300
    assert all(ref() is None for ref in watcher.seen)
    totals = result.summary.totals
    assert (totals.articles, totals.findings, result.summary.vendors["v"].findings) == (300, 300, 300)
    assert not hasattr(result.summary, "reports")


# --- D10: kill -9 leftovers, two runs, workers, Ctrl-C ----------------------------------------------


def test_d10_next_run_names_the_interrupted_one_and_removes_its_temporaries(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / ".a.json.0123456789ab.tmp").write_text("", encoding="utf-8")
    (out / ".mtqa-0123456789ab.tmp").write_text("{", encoding="utf-8")
    (out / MANIFEST_NAME).write_text(json.dumps({"run_id": "old", "state": "running"}), encoding="utf-8")
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"id": "a", "text": "Ein Satz."}])
    result = invoke(["check", str(feed), *NO_MODELS, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "run old" in result.output and "did not complete" in result.output
    assert temporaries(out) == []
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert (manifest["state"], manifest["articles"], manifest["failed"]) == ("complete", 1, 0)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["run_id"] == manifest["run_id"]


def test_d10_a_second_run_into_the_same_folder_fails_clearly(tmp_path: Path) -> None:
    out = tmp_path / "out"
    holder = RunFolder.open(RunInfo.now(out), out)
    try:
        with pytest.raises(OutputBusyError, match="is in use by mtqa run"):
            RunFolder.open(RunInfo.now(out), out)
        feed = write_jsonl(tmp_path / "feed.jsonl", [{"id": "a", "text": "Ein Satz."}])
        result = invoke(["check", str(feed), *NO_MODELS, "-o", str(out)])
        assert result.exit_code == 2
        assert "is in use by mtqa run" in result.output and "choose another folder" in result.output
    finally:
        holder.close("complete", 0, 0)
    assert RunFolder.open(RunInfo.now(out), out).close("complete", 0, 0) is None


_ORPHAN_SCRIPT = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from mtqa.pipeline import _init_worker
executor = ProcessPoolExecutor(1, initializer=_init_worker, initargs=(os.getpid(),))
print(executor.submit(os.getpid).result(), flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="checks the Linux death signal")
def test_d10_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _ORPHAN_SCRIPT], stdout=subprocess.PIPE, cwd=Path(__file__).parent.parent
    )
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(worker):
        time.sleep(0.05)
    assert not _alive(worker)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:  # a zombie is dead
        return handle.read().split(") ")[-1][0] != "Z"


def test_d10_ctrl_c_exits_130_after_writing_the_summary_of_what_was_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mtqa.read

    def interrupted(paths: Any, **options: Any) -> Iterator[Article]:
        for n in range(3):
            yield Article(id=f"a{n}", text="Ein Satz.", origin=f"a{n}")
        raise KeyboardInterrupt

    monkeypatch.setattr(mtqa.read, "read_inputs", interrupted)
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"id": "x", "text": "Ein Satz."}])
    result = invoke(["check", str(feed), *NO_MODELS, "-o", "out"])
    assert result.exit_code == 130
    out = tmp_path / "out"
    assert [row["id"] for row in summary_rows(out)] == ["a0", "a1", "a2"]
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["interrupted"] is True
    assert json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["state"] == "interrupted"
    assert "in 3 articles; 0 could not be read (interrupted)" in result.output


# --- D11: CSV injection -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [("=HYPERLINK(1)", "'=HYPERLINK(1)"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM", "'@SUM"),
     ("\tx", "'\tx"), ("\rx", "'\rx"), ("ok=1", "ok=1"), (-0.5, -0.5)],
)  # fmt: skip
def test_d11_formula_cells_are_neutralised(value: object, written: object) -> None:
    assert neutralise_cell(value) == written


def test_d11_summary_and_vendor_csv_neutralise_ids_vendors_and_reasons(tmp_path: Path) -> None:
    rows = [
        {"id": "=cmd|' /C calc'!A0", "text": "Ein Satz.", "vendor": "+Vendor"},
        {"id": "@bad", "text": 5, "vendor": "-Engine"},
    ]
    feed = write_jsonl(tmp_path / "feed.jsonl", rows)
    invoke(["check", str(feed), *NO_MODELS, "-o", "out"])
    out = tmp_path / "out"
    cells = [(row["id"], row["vendor"]) for row in summary_rows(out)]
    assert cells == [("'=cmd_' _C calc'!A0", "'+Vendor"), ("'@bad", "'-Engine")]
    with (out / "vendors.csv").open(encoding="utf-8", newline="") as handle:
        assert sorted(row["vendor"] for row in csv.DictReader(handle)) == ["'+Vendor", "'-Engine"]


# --- D12: reference lists, jobs, special files, dangling links, BOM ---------------------------------


def test_d12_a_malformed_house_list_is_one_config_error_at_start(tmp_path: Path) -> None:
    calques = tmp_path / "calques.tsv"
    calques.write_text("wrong\tcolumns\nx\ty\n", encoding="utf-8")
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"id": f"a{n}", "text": "Ein Satz."} for n in range(5)])
    result = invoke(["check", str(feed), *NO_MODELS, "-o", "out", "--calques", str(calques)])
    assert result.exit_code == 2
    assert result.output.count("mtqa: error: reference list:") == 1
    assert "do not match calques.tsv" in result.output
    assert "internal error" not in result.output
    assert not (tmp_path / "out").exists()


def test_d12_jobs_are_capped_at_the_cores() -> None:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    assert pipeline.worker_count(100_000) == cores
    assert pipeline.worker_count(0) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_d12_a_fifo_is_refused_not_waited_for(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.de.txt"
    os.mkfifo(fifo)
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "other.de.txt")
    started = time.monotonic()
    items = list(read_inputs([str(fifo), str(folder)]))
    assert time.monotonic() - started < 5
    assert [(item.id, getattr(item, "reason", "")) for item in items] == [
        ("pipe", "not a regular file (a FIFO): refused"),
        ("other", "not a regular file (a FIFO): refused"),
    ]


def test_d12_a_dangling_link_in_a_folder_is_recorded(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "gone.de.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "here.de.txt").write_text("Titel\n", encoding="utf-8")
    items = list(read_inputs([str(folder)]))
    assert [(item.id, getattr(item, "reason", None)) for item in items] == [
        ("gone", "dangling symbolic link (its target does not exist): skipped"),
        ("here", None),
    ]


def test_d12_a_bom_in_mtqa_toml_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "mtqa.toml").write_bytes(b"\xef\xbb\xbfselect = ['TYP']\n")
    path = tmp_path / "a.de.txt"
    path.write_text("Der Kreml -Sprecher sprach.\n", encoding="utf-8")
    result = invoke(["check", str(path), *NO_MODELS, "--no-reports"])
    assert result.exit_code == 0, result.output
    assert "TYP001" in result.output


# --- the size limit ---------------------------------------------------------------------------------


def test_an_article_over_the_size_limit_fails_with_a_reason(tmp_path: Path) -> None:
    big = tmp_path / "big.de.txt"
    big.write_text("Satz. " * 100, encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(
        json.dumps({"id": "long", "text": "Satz. " * 100}).encode()
        + b"\n"
        + b'{"id": "short", "text": "Ja."}\n'
    )
    items = list(read_inputs([str(big), str(feed)], max_article_bytes=200))
    reasons = [(item.id, getattr(item, "reason", "")[:38]) for item in items]
    assert reasons == [
        ("big", "too large for one article: 0.0 MB (lim"),
        ("feed:1", "line 1: too large for one article: mor"),
        ("short", ""),
    ]


def test_stdin_over_the_size_limit_fails(tmp_path: Path) -> None:
    items = list(read_inputs(["-"], io.BytesIO(b"Satz. " * 100), max_article_bytes=100))
    assert [getattr(item, "reason", "")[:26] for item in items] == ["too large for one article:"]


@pytest.mark.parametrize(
    "values",
    [[3.0], [2.0, 1.0], [5.0, 0.0, 0.0, 1.0], [0.0] * 7 + [9.0] * 4, [float(n % 13) for n in range(1001)]],
)
def test_d9_median_without_a_list_of_floats_matches_statistics(values: list[float]) -> None:
    import statistics
    from array import array

    from mtqa.model import median

    assert median(array("d", values)) == statistics.median(values)
