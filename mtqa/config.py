"""Settings, merged once: defaults < config file (``mtqa.toml`` or ``[tool.mtqa]``) < command line.

Everything downstream receives a frozen ``Settings`` and never looks at files or options itself, so a
run is reproducible from the settings the report records.
"""

from __future__ import annotations

import difflib
import fnmatch
import os
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from mtqa.errors import ConfigError
from mtqa.glossary import load_glossary
from mtqa.model import Severity
from mtqa.paths import match_keys
from mtqa.rules.registry import RuleOptions

CONFIG_FILE = "mtqa.toml"
QUOTE_STYLES = ("„“", "»«", "«»")
LOCALES = ("de-DE", "de-AT", "de-CH")
FAIL_LEVELS = ("minor", "major", "critical", "never")
REPORT_FORMATS = ("json", "md", "html", "sarif", "junit", "gitlab")
DEFAULT_EXCLUDE = ("node_modules", "site-packages", "__pycache__", "venv")
"""Folders never walked into unless ``exclude`` replaces this list (hidden entries are skipped anyway)."""


@dataclass(frozen=True)
class BacktranslationSettings:
    """How segments are scored by back-translation (see ``mtqa.backtranslate``)."""

    enabled: bool = True
    require: bool = False
    """Make an unavailable model an error (exit 2) instead of a note in the report."""
    backend: str = "ctranslate2"
    device: str = "auto"
    de_en: str = "Helsinki-NLP/opus-mt-de-en"
    en_de: str = "Helsinki-NLP/opus-mt-en-de"
    source_models: dict[str, str] = field(default_factory=dict)
    """Model translating German into a source language, by language code (e.g. ``{"ru": "..."}``)."""
    model_dir: str = ""
    """Where pulled and converted models live; empty = the user cache (``~/.cache/mtqa/models``)."""
    cache: str = ""
    """SQLite file caching translations and scores; empty = ``~/.cache/mtqa/translations.sqlite``."""
    batch_size: int = 32
    thresholds: dict[str, float] = field(default_factory=dict)
    """Score below which a segment becomes a BTR finding, by metric name; empty = defaults."""
    calibrated: bool = False


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Glob pattern on an article's origin -> code prefixes ignored there."""
    fail_on: str = "major"
    jobs: int = 1
    """Worker processes for the rule engine (back-translation batches in the main process)."""
    output: str = "reports"
    formats: tuple[str, ...] = ("json", "md")
    rules: RuleOptions = field(default_factory=RuleOptions)
    backtranslation: BacktranslationSettings = field(default_factory=BacktranslationSettings)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    """Globs of files and folders a folder walk skips: a name (``drafts``) or a path from ``root``."""
    extend_exclude: tuple[str, ...] = ()
    config_file: str | None = None
    strict_decoding: bool = False
    """Fail (exit 2) an article whose decoding needed a fallback or replaced anything."""
    max_article_bytes: int = 10_000_000
    """An input larger than this fails with a reason instead of holding the run."""
    root: str = ""
    """The config file's folder (else the working folder): what relative patterns are relative to."""

    @property
    def fail_level(self) -> Severity | None:
        return None if self.fail_on == "never" else Severity.parse(self.fail_on)

    @property
    def excluded(self) -> tuple[str, ...]:
        return self.exclude + self.extend_exclude

    def ignored_for(self, origin: str) -> tuple[str, ...]:
        """The global ignore list plus the per-file ignores whose pattern matches ``origin``.

        Patterns are globs on the article's path relative to ``root`` (the config file's folder), so
        a run matches the same articles from any working folder; a feed row also matches as
        ``path#id``, and a pattern without ``/`` also matches the file name alone.
        """
        if not self.per_file_ignores:
            return self.ignore
        keys = match_keys(origin, self.root)
        extra = [
            prefix
            for pattern, prefixes in self.per_file_ignores.items()
            if any(fnmatch.fnmatchcase(key, pattern) for key in keys)
            for prefix in prefixes
        ]
        return self.ignore + tuple(extra)

    def as_dict(self) -> dict[str, Any]:
        """The settings as recorded in the run summary, with the versions of the language resources."""
        from mtqa import language

        return {**asdict(self), "language_resources": language.versions()}


def find_config(start: Path) -> Path | None:
    """The nearest ``mtqa.toml`` (or ``pyproject.toml`` with ``[tool.mtqa]``) at or above ``start``."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.mtqa" in pyproject.read_text(encoding="utf-8", errors="replace"):
            return pyproject
    return None


def read_config(path: Path) -> dict[str, Any]:
    """The mtqa table of a config file (the whole of ``mtqa.toml``, ``[tool.mtqa]`` of a pyproject)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))  # editors on Windows write a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("mtqa", {})
        return table if isinstance(table, dict) else {}
    return data


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{key}: expected a list of strings, got {value!r}")


def _relative(paths: tuple[str, ...], base: Path) -> tuple[str, ...]:
    return tuple(str((base / p).resolve()) if not Path(p).is_absolute() else p for p in paths)


def _apply(settings: Settings, table: dict[str, Any], base: Path) -> Settings:
    """Overlay one config table on ``settings``; unknown keys are errors, not silently ignored."""
    table = {key.replace("-", "_"): value for key, value in table.items()}
    known = {f.name for f in fields(Settings)} | {"lists", "quotes", "locale"}
    unknown = sorted(set(table) - known - {"config_file", "root"})
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
    changes: dict[str, Any] = {}
    for key in ("select", "ignore", "formats", "exclude", "extend_exclude"):
        if key in table:
            upper = key in ("select", "ignore")
            changes[key] = tuple(s.upper() if upper else s for s in _strings(table[key], key))
    if "fail_on" in table:
        changes["fail_on"] = str(table["fail_on"])
    if "output" in table:
        changes["output"] = str(table["output"])
    changes.update(_apply_input_limits(table))
    if "jobs" in table:
        jobs = table["jobs"]
        if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
            raise ConfigError(f"jobs: expected a whole number >= 1, got {jobs!r}")
        changes["jobs"] = jobs
    if "per_file_ignores" in table:
        pfi = table["per_file_ignores"]
        if not isinstance(pfi, dict):
            raise ConfigError("per-file-ignores: expected a table of pattern = [codes]")
        changes["per_file_ignores"] = {
            str(k): tuple(c.upper() for c in _strings(v, f"per-file-ignores.{k}")) for k, v in pfi.items()
        }
    rules = settings.rules
    if "quotes" in table:
        rules = replace(rules, quotes=str(table["quotes"]))
    if "locale" in table:
        rules = replace(rules, locale=str(table["locale"]))
    if "lists" in table:
        lists = table["lists"]
        if not isinstance(lists, dict):
            raise ConfigError("lists: expected a table of names/calques/boilerplate/allow = [files]")
        unknown_lists = sorted(set(lists) - {"names", "calques", "boilerplate", "allow", "glossary"})
        if unknown_lists:
            raise ConfigError(f"lists: unknown list(s): {', '.join(unknown_lists)}")
        rules = replace(
            rules,
            **{
                name: getattr(rules, name) + _relative(_strings(files, f"lists.{name}"), base)
                for name, files in lists.items()
                if name != "glossary"
            },
        )
        if "glossary" in lists:
            files = _relative(_strings(lists["glossary"], "lists.glossary"), base)
            rules = replace(rules, glossary=rules.glossary + load_glossary(files))
    changes["rules"] = rules
    if "backtranslation" in table:
        changes["backtranslation"] = _apply_backtranslation(
            settings.backtranslation, table["backtranslation"]
        )
    return replace(settings, **changes)


def _apply_input_limits(table: dict[str, Any]) -> dict[str, Any]:
    """``strict-decoding`` (true/false) and ``max-article-bytes`` (a whole number >= 1)."""
    changes: dict[str, Any] = {}
    if "strict_decoding" in table:
        if not isinstance(table["strict_decoding"], bool):
            raise ConfigError("strict-decoding: expected true or false")
        changes["strict_decoding"] = table["strict_decoding"]
    if "max_article_bytes" in table:
        limit = table["max_article_bytes"]
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise ConfigError(f"max-article-bytes: expected a whole number >= 1, got {limit!r}")
        changes["max_article_bytes"] = limit
    return changes


def _apply_backtranslation(current: BacktranslationSettings, table: Any) -> BacktranslationSettings:
    if not isinstance(table, dict):
        raise ConfigError("backtranslation: expected a table")
    table = {key.replace("-", "_"): value for key, value in table.items()}
    known = {f.name: f for f in fields(BacktranslationSettings)}
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise ConfigError(f"backtranslation: unknown setting(s): {', '.join(unknown)}")
    changes: dict[str, Any] = {}
    for key, value in table.items():
        default = getattr(current, key)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"backtranslation.{key}: expected true or false")
        elif isinstance(default, int):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"backtranslation.{key}: expected a positive whole number")
        elif isinstance(default, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"backtranslation.{key}: expected a table")
            value = {**default, **value}
        elif not isinstance(value, str):
            raise ConfigError(f"backtranslation.{key}: expected a string")
        changes[key] = value
    return replace(current, **changes)


def validate(settings: Settings) -> Settings:
    if settings.fail_on not in FAIL_LEVELS:
        raise ConfigError(f"fail-on: {settings.fail_on!r} is not one of {', '.join(FAIL_LEVELS)}")
    if settings.rules.quotes and settings.rules.quotes not in QUOTE_STYLES:
        raise ConfigError(f"quotes: {settings.rules.quotes!r} is not one of {' '.join(QUOTE_STYLES)}")
    if settings.rules.locale and settings.rules.locale not in LOCALES:
        raise ConfigError(f"locale: {settings.rules.locale!r} is not one of {', '.join(LOCALES)}")
    bad_formats = sorted(set(settings.formats) - set(REPORT_FORMATS))
    if bad_formats:
        raise ConfigError(
            f"formats: unknown {', '.join(bad_formats)} (choose from {', '.join(REPORT_FORMATS)})"
        )
    _check_prefixes("select", settings.select)
    _check_prefixes("ignore", settings.ignore)
    for pattern, prefixes in settings.per_file_ignores.items():
        _check_prefixes(f"per-file-ignores.{pattern}", prefixes)
    if settings.backtranslation.device not in ("auto", "cpu", "cuda"):
        raise ConfigError(
            f"backtranslation.device: {settings.backtranslation.device!r} is not auto, cpu or cuda"
        )
    return settings


def _check_prefixes(key: str, prefixes: tuple[str, ...]) -> None:
    """A prefix that selects no rule is a typo (``--select TPY``): name the closest codes, as ruff does."""
    from mtqa.rules.registry import all_rules

    codes = [rule.code for rule in all_rules()]
    families = sorted({code[:3] for code in codes})
    for prefix in prefixes:
        if any(code.startswith(prefix) for code in codes):
            continue
        close = difflib.get_close_matches(prefix, families if len(prefix) <= 3 else codes, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise ConfigError(f"{key}: {prefix!r} matches no rule code (see 'mtqa rules'){hint}")


def extend_formats(current: tuple[str, ...], extra: tuple[str, ...]) -> tuple[str, ...]:
    """``--format`` adds to the configured formats (``--format html`` keeps JSON and Markdown)."""
    return tuple(dict.fromkeys((*current, *extra)))


def config_search_start(paths: tuple[str, ...] | list[str]) -> Path:
    """Where config discovery starts: the folder that holds every checked path (the working folder for
    standard input alone), so a run finds the checked files' config wherever it is started."""
    folders = [
        os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path) or os.curdir)
        for path in paths
        if path != "-"
    ]
    if not folders:
        return Path.cwd()
    try:
        return Path(os.path.commonpath(folders))
    except ValueError:  # different drives
        return Path(folders[0])


def load_settings(
    config_path: Path | None = None,
    overrides: dict[str, Any] | None = None,
    search_from: Path | None = None,
) -> Settings:
    """Defaults, then the config file (given, or found from ``search_from``), then ``overrides``.

    ``overrides`` uses config-file keys (``select``, ``fail_on``, ``lists``, ``backtranslation``...);
    ``None`` values mean "not given on the command line".
    """
    settings = Settings()
    path = config_path or (find_config(search_from) if search_from is not None else None)
    if config_path is not None and not config_path.is_file():
        raise ConfigError(f"{config_path}: config file not found")
    settings = replace(settings, root=str(Path.cwd()))
    if path is not None:
        settings = _apply(settings, read_config(path), path.parent)
        settings = replace(settings, config_file=str(path), root=str(path.parent.resolve()))
    if overrides:
        given = {k: v for k, v in overrides.items() if v is not None and v != () and v != {}}
        extra_formats = tuple(given.pop("extend_formats", ()))
        settings = _apply(settings, given, Path.cwd())
        if extra_formats:
            settings = replace(settings, formats=extend_formats(settings.formats, extra_formats))
    return validate(settings)
