"""Settings merge: defaults < config file < command line, with clear errors for bad values."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from mtqa.config import Settings, config_search_start, find_config, load_settings
from mtqa.errors import ConfigError
from mtqa.model import Severity


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults() -> None:
    settings = load_settings()
    assert settings == replace(Settings(), root=os.getcwd())
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
    assert settings.ignored_for(str(tmp_path / "sport" / "match.txt")) == ("LOC",)
    assert settings.ignored_for(str(tmp_path / "politik" / "a.txt")) == ()
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
        ('select = ["TPY"]', "select: 'TPY' matches no rule code (see 'mtqa rules'); did you mean TYP"),
        ('ignore = ["NAM999"]', "ignore: 'NAM999' matches no rule code"),
        ('[per-file-ignores]\n"a/*" = ["XYZ"]', "per-file-ignores.a/\\*: 'XYZ' matches no rule code"),
        ("exclude = 1", "exclude: expected a list of strings"),
    ],
)
def test_bad_config_gives_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    config = write(tmp_path / "mtqa.toml", text + "\n")
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings(config)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml")


@pytest.mark.parametrize("cwd_name", ["root", "root/sub", "elsewhere"])
def test_per_file_ignores_are_relative_to_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cwd_name: str
) -> None:
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    feed = root / "feeds" / "sport" / "today.jsonl"
    feed.parent.mkdir(parents=True)
    feed.write_text("", encoding="utf-8")
    write(root / "mtqa.toml", '[per-file-ignores]\n"feeds/sport/*" = ["LOC"]\n"*#a1" = ["TYP"]\n')
    monkeypatch.chdir(tmp_path / cwd_name)
    settings = load_settings(search_from=root / "sub")
    origin = os.path.relpath(feed)
    assert settings.ignored_for(origin) == ("LOC",)
    assert settings.ignored_for(f"{origin}#a1") == ("LOC", "TYP")
    assert settings.ignored_for(os.path.relpath(root / "feeds" / "politik.jsonl")) == ()


def test_config_search_starts_at_the_checked_paths(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "c").mkdir()
    file = tmp_path / "a" / "b" / "x.txt"
    assert config_search_start([str(file)]) == tmp_path / "a" / "b"
    assert config_search_start([str(file), str(tmp_path / "a" / "c")]) == tmp_path / "a"
    assert config_search_start(["-"]) == Path.cwd()


def test_command_line_formats_add_to_the_configured_ones(tmp_path: Path) -> None:
    config = write(tmp_path / "mtqa.toml", 'formats = ["json"]\n')
    assert load_settings(config, {"extend_formats": ("html", "sarif", "json")}).formats == (
        "json",
        "html",
        "sarif",
    )
    assert load_settings(None, {"extend_formats": ("html",)}).formats == ("json", "md", "html")
