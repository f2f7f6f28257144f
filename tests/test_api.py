"""The Python API (``mtqa.check_text``, ``mtqa.check``), in a process where torch, transformers and
ctranslate2 cannot be imported: what a core ``pip install mtqa`` gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import mtqa
from mtqa.errors import ConfigError
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parent.parent
BLOCKER = """
import importlib.abc, sys
BLOCKED = {"torch", "transformers", "ctranslate2", "sentencepiece", "huggingface_hub"}
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"No module named {name!r} (blocked by the test)")
        return None
sys.meta_path.insert(0, Blocker())
"""


def run_blocked(code: str, cwd: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "MTQA_MODEL_DIR": str(cwd / "m")}
    script = BLOCKER + textwrap.dedent(code)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_api_works_without_torch_transformers_or_ctranslate2(tmp_path: Path) -> None:
    (tmp_path / "feed.jsonl").write_text(
        json.dumps({"id": "f1", "text": "Laut Peskov ist alles gut ."}) + "\n", encoding="utf-8"
    )
    result = run_blocked(
        """
        import json, sys
        import mtqa
        findings = mtqa.check_text("Der Kreml -Sprecher Dmitry Peskov sagte das.", select=["TYP", "NAM"])
        notes = []
        summary = mtqa.check(["feed.jsonl"], backtranslate=True, output="out",
                             on_report=lambda report: notes.extend(report.notes))
        heavy = sorted(m for m in ("torch", "transformers", "ctranslate2") if m in sys.modules)
        print(json.dumps({
            "findings": [[f.code, f.match, f.suggestion] for f in findings],
            "failures": len(summary.failures),
            "notes": notes,
            "heavy": heavy,
        }))
        """,
        tmp_path,
    )
    assert result["findings"] == [
        ["TYP001", "Kreml -Sprecher", "Kreml-Sprecher"],
        ["NAM001", "Dmitry", "Dmitri"],
        ["NAM001", "Peskov", "Peskow"],
    ]
    assert result["failures"] == 0
    assert result["heavy"] == []
    notes = result["notes"]
    assert isinstance(notes, list) and len(notes) == 1
    assert "the ctranslate2 backend is not installed; run: pip install 'mtqa[ctranslate2]'" in notes[0]
    assert (tmp_path / "out" / "f1.json").is_file()


@pytest.mark.parametrize(
    ("kwargs", "codes"),
    [
        ({}, ["TYP002", "NAM001"]),
        ({"select": ["NAM"]}, ["NAM001"]),
        ({"ignore": ["NAM001"]}, ["TYP002"]),
    ],
)
def test_check_text_selects_like_the_command_line(kwargs: dict[str, list[str]], codes: list[str]) -> None:
    findings = mtqa.check_text("Alles gut . Sagte Peskov.", **kwargs)  # type: ignore[arg-type]
    assert [f.code for f in findings] == codes


def test_check_text_rejects_unknown_prefixes() -> None:
    with pytest.raises(ConfigError, match="'TPY' matches no rule code"):
        mtqa.check_text("Text.", select=["TPY"])


def test_check_returns_the_summary_and_reports_each_article(tmp_path: Path) -> None:
    seen: list[str] = []
    summary = mtqa.check([DATA / "control"], on_report=lambda report: seen.append(report.article.id))
    assert sorted(seen) == sorted(p.name.split(".")[0] for p in (DATA / "control").glob("*.txt"))
    assert summary.failures == ()
