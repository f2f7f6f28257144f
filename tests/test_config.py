"""Settings merge: defaults < config file < command line, with clear errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtqa.config import Settings, find_config, load_settings
from mtqa.errors import ConfigError
from mtqa.model import Severity


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults() -> None:
    settings = load_settings()
    assert settings == Settings()
    assert settings.fail_level is Severity.MAJOR
    assert settings.rules.quotes == ""
    assert settings.rules.locale == ""


def test_config_file_then_command_line(tmp_path: Path) -> None:
    config = write(
        tmp_path / "mtqa.toml",
        'select = ["TYP", "NAM"]\nfail-on = "minor"\nquotes = "»«"\njobs = 2\n'
        '[lists]\nnames = ["house-names.tsv"]\n'
        '[per-file-ignores]\n"sport/*" = ["LOC"]\n'
        '[backtranslation]\nbackend = "transformers"\n[backtranslation.thresholds]\nroundtrip_chrf = 30.0\n',
    )
    settings = load_settings(config, {"fail_on": "critical", "select": ("LEX",)})
    assert settings.select == ("LEX",)
    assert settings.fail_on == "critical"
    assert settings.jobs == 2
    assert settings.rules.quotes == "»«"
    assert settings.rules.names == (str(tmp_path / "house-names.tsv"),)
    assert settings.ignored_for("sport/match.txt") == ("LOC",)
    assert settings.ignored_for("politik/a.txt") == ()
    assert settings.backtranslation.backend == "transformers"
    assert settings.backtranslation.thresholds == {"roundtrip_chrf": 30.0}
    assert settings.config_file == str(config)


def test_pyproject_tool_table_is_found_from_a_subfolder(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n[tool.mtqa]\nignore = ["BPL"]\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    assert find_config(sub) == tmp_path / "pyproject.toml"
    assert load_settings(search_from=sub).ignore == ("BPL",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('fail-on = "sometimes"', "fail-on"),
        ('quotes = "<>"', "quotes"),
        ('locale = "de-FR"', "locale: 'de-FR' is not one of de-DE, de-AT, de-CH"),
        ('colour = "red"', "unknown setting(s): colour"),
        ("select = 3", "select: expected a list of strings"),
        ("jobs = 0", "jobs"),
        ('formats = ["pdf"]', "formats: unknown pdf"),
        ("[lists]\nwords = []", "lists: unknown list(s): words"),
        ("[backtranslation]\nbatch-size = -1", "backtranslation.batch_size"),
        ("[backtranslation]\nspeed = 1", "backtranslation: unknown setting(s): speed"),
        ('[backtranslation]\ndevice = "tpu"', "backtranslation.device"),
        ("select = [", "invalid TOML"),
    ],
)
def test_bad_config_gives_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    config = write(tmp_path / "mtqa.toml", text + "\n")
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings(config)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml")
