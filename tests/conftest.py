"""Shared fixtures: articles from plain text, and the shared folder when the environment names it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from mtqa.model import Article

pytest_plugins = ("tests.tiny_models",)
"""Fixtures that build tiny MarianMT models at test time (``tiny_marian_dir`` and friends)."""

DATA = Path(__file__).parent / "data"
SHARED_ENV = "MTQA_SHARED"


def article(text: str, id: str = "test") -> Article:
    return Article(id=id, text=text, origin=f"<{id}>")


def invoke(args: list[str], stdin: bytes | str | None = None) -> Result:
    """Run the command line in-process; an exception propagates, so a crash shows its traceback."""
    from mtqa.cli import main

    return CliRunner().invoke(main, args, input=stdin, catch_exceptions=False)


@pytest.fixture
def isolated_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty working folder, no hub and a private model folder, so no mtqa.toml, reports/ or models
    of the project leak into a command-line test. Not autouse: a module that wants it for every test
    says ``pytestmark = pytest.mark.usefixtures("isolated_cli")``."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("MTQA_MODEL_DIR", str(tmp_path / "models"))


@pytest.fixture
def shared_dir() -> Path:
    """``$MTQA_SHARED`` (the ../shared folder of the project's workplace); the test skips without it."""
    value = os.environ.get(SHARED_ENV)
    if not value or not Path(value).is_dir():
        pytest.skip(f"{SHARED_ENV} does not name the shared folder")
    return Path(value)


HYPOTHESIS_EXAMPLES_ENV = "MTQA_HYPOTHESIS_EXAMPLES"
"""Set to a number for a deeper, randomised property search; without it the search is fixed and small."""


def property_settings(default_examples: int) -> Any:
    """Hypothesis settings for the suite: a fixed seed and ``default_examples`` in CI, so a run is
    repeatable; ``$MTQA_HYPOTHESIS_EXAMPLES`` examples, randomised, when a person asks for more."""
    from hypothesis import HealthCheck, settings

    custom = os.environ.get(HYPOTHESIS_EXAMPLES_ENV)
    return settings(
        max_examples=int(custom) if custom else default_examples,
        deadline=None,
        derandomize=custom is None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
