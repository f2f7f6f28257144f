"""The wheel: word lists inside, no backends in the core requirements, and a non-editable install that
checks an article from another folder. (scripts/check-wheel does the same with a full fresh
environment from the package index; this test reuses the installed dependencies to stay fast.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("setup.py", "setup.cfg", "pyproject.toml", "README.md", "mtqa", "references")
pytestmark = pytest.mark.slow
"""Building and installing a wheel takes about ten seconds."""
BACKENDS = ("torch", "transformers", "ctranslate2", "sentencepiece", "huggingface-hub")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the sources (the checkout gets no build/ or egg-info)."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            dist,
            ".",
        ],
        cwd=source,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = dist.glob("mtqa-*.whl")
    return built


def test_wheel_ships_every_word_list(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    lists = sorted(p.name for p in (ROOT / "references").glob("*.tsv"))
    assert lists
    assert {f"mtqa/wordlists/{name}" for name in lists} <= names
    assert "mtqa/report/schema.json" in names


def test_core_requirements_have_no_backend_and_extras_bring_them(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        metadata_name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(metadata_name).decode("utf-8")
    requires = [
        line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Dist:")
    ]
    core = [r for r in requires if "extra ==" not in r]
    assert not [r for r in core if r.split(">")[0].split("=")[0].split(";")[0].strip().lower() in BACKENDS]
    extras = {
        line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Provides-Extra:")
    }
    assert {"ctranslate2", "transformers", "all", "dev"} <= extras
    assert any(r.startswith("ctranslate2") and 'extra == "ctranslate2"' in r for r in requires)
    assert any(r.startswith("torch") and 'extra == "transformers"' in r for r in requires)


def test_installed_wheel_checks_an_article_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            python,
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            wheel,
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # The dependencies come from this environment; its own mtqa (editable or not) must not.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    article = elsewhere / "peskov.de.txt"
    article.write_text((ROOT / "examples" / "peskov-washington.de.txt").read_text(encoding="utf-8"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MTQA_REFERENCES")}
    env["HF_HUB_OFFLINE"] = "1"
    where = subprocess.run(
        [python, "-c", "import mtqa.references as r; print(r.__file__); print(r.references_dir())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert where[0].startswith(str(site)) and str(site / "mtqa" / "wordlists") in where[1]
    done = subprocess.run(
        [venv / "bin" / "mtqa", "check", article.name, "--output-format", "none"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    assert (elsewhere / "reports" / "peskov.json").is_file()
    assert "list not found" not in done.stderr
