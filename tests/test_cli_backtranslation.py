"""``mtqa check`` with back-translation end to end, on a tiny MarianMT model built at test time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mtqa.cli import main
from tests.conftest import DATA

SOURCE_ARTICLE = DATA / "control" / "korea-handel.de.txt"
ARTICLE = Path(SOURCE_ARTICLE.name)
"""Checked as a copy in the working folder, so the config written there is the one found."""


def invoke(args: list[str]) -> Result:
    return CliRunner().invoke(main, args, catch_exceptions=False)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("MTQA_MODEL_DIR", str(tmp_path / "models"))
    (tmp_path / ARTICLE).write_text(SOURCE_ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def configure(folder: Path, model: str) -> None:
    (folder / "mtqa.toml").write_text(
        "[backtranslation]\n"
        f'de-en = "{model}"\nen-de = "{model}"\n'
        f'cache = "{folder / "cache.sqlite"}"\nmodel-dir = "{folder / "models"}"\n',
        encoding="utf-8",
    )


def report(folder: Path, name: str = "korea-handel") -> dict[str, object]:
    data: dict[str, object] = json.loads((folder / "reports" / f"{name}.json").read_text(encoding="utf-8"))
    return data


def test_scores_and_back_translations_reach_the_report(workdir: Path, tiny_marian_dir: Path) -> None:
    configure(workdir, str(tiny_marian_dir))
    first = invoke(["check", str(ARTICLE), "--fail-on", "never", "--require-scores"])
    assert first.exit_code == 0, first.output
    data = report(workdir)
    segments = data["segments"]
    assert isinstance(segments, list) and segments
    metrics = {score["metric"] for segment in segments for score in segment["scores"]}
    assert {"roundtrip_chrf", "confidence"} <= metrics
    assert all(segment["backtranslation"] for segment in segments)
    summary = (workdir / "reports" / "summary.csv").read_text(encoding="utf-8")
    assert "mean_roundtrip_chrf" in summary.splitlines()[0]

    second = invoke(["check", str(ARTICLE), "--fail-on", "never", "--require-scores"])
    assert second.exit_code == 0
    assert report(workdir)["segments"] == segments


def test_missing_model_gives_a_note_and_a_completed_run(workdir: Path) -> None:
    configure(workdir, "Helsinki-NLP/opus-mt-de-en")
    result = invoke(["check", str(ARTICLE)])
    assert result.exit_code == 0, result.output
    assert "back-translation unavailable" in result.output
    assert "mtqa models pull Helsinki-NLP/opus-mt-de-en" in result.output
    notes = report(workdir)["notes"]
    assert isinstance(notes, list) and any("back-translation unavailable" in n for n in notes)


def test_require_scores_makes_a_missing_model_an_error(workdir: Path) -> None:
    configure(workdir, "Helsinki-NLP/opus-mt-de-en")
    result = invoke(["check", str(ARTICLE), "--require-scores"])
    assert result.exit_code == 2
    assert "mtqa models pull" in result.output
    assert "Traceback" not in result.output


def test_models_pull_a_local_folder_then_list(workdir: Path, tiny_marian_dir: Path) -> None:
    pulled = invoke(["models", "pull", str(tiny_marian_dir), "--quantization", "float32"])
    assert pulled.exit_code == 0, pulled.output
    listing = invoke(["models", "list"])
    assert listing.exit_code == 0
    assert "ctranslate2" in listing.output and "float32" in listing.output


def test_reference_scores_per_article_and_for_the_corpus(workdir: Path) -> None:
    configure(workdir, "Helsinki-NLP/opus-mt-de-en")
    rows = [
        {
            "id": "r1",
            "text": "Der Kreml sprach von Optimismus. Die Arbeit geht weiter.",
            "reference": "Der Kreml sprach von vorsichtigem Optimismus. Die Arbeit geht weiter.",
        },
        {
            "id": "r2",
            "text": "Das Treffen fand in Washington statt.",
            "reference": "Das Treffen fand in Washington statt.",
        },
    ]
    feed = workdir / "feed.jsonl"
    feed.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    result = invoke(["check", str(feed), "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    r1 = {s["metric"]: s["value"] for s in report(workdir, "r1")["scores"]}  # type: ignore[attr-defined]
    r2 = {s["metric"]: s["value"] for s in report(workdir, "r2")["scores"]}  # type: ignore[attr-defined]
    assert r2["reference_bleu"] == pytest.approx(100.0)
    assert 0 < r1["reference_bleu"] < 100
    summary = json.loads((workdir / "reports" / "summary.json").read_text(encoding="utf-8"))
    corpus = {s["metric"]: s["value"] for s in summary["scores"]}
    assert set(corpus) == {"reference_bleu", "reference_chrf", "reference_ter"}
    assert r1["reference_bleu"] < corpus["reference_bleu"] < 100
