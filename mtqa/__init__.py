"""mtqa: find machine-translation artefacts in German news and score translations.

The Python API, for scripts and notebooks (the CLI runs the same code)::

    import mtqa

    for finding in mtqa.check_text("Der Kreml -Sprecher Dmitry Peskov sagte ..."):
        print(finding.code, finding.match, finding.suggestion)

    summary = mtqa.check(["feeds/today.jsonl"], output="reports")

Importing ``mtqa`` is cheap: the rule engine loads on the first call, and back-translation (torch,
transformers, ctranslate2) only when a call asks for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["__version__", "check", "check_text"]

if TYPE_CHECKING:
    from mtqa.config import Settings
    from mtqa.model import ArticleReport, Finding, RunSummary


def _settings(
    config: str | Path | None,
    search_from: Path | None,
    select: Sequence[str],
    ignore: Sequence[str],
    backtranslate: bool,
    **more: object,
) -> Settings:
    from mtqa.config import load_settings

    overrides: dict[str, object] = {
        "select": tuple(code.upper() for code in select),
        "ignore": tuple(code.upper() for code in ignore),
        "backtranslation": {"enabled": backtranslate},
        **more,
    }
    return load_settings(Path(config) if config is not None else None, overrides, search_from=search_from)


def check_text(
    text: str,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    config: str | Path | None = None,
    quotes: str | None = None,
    backtranslate: bool = False,
    article_id: str = "text",
) -> list[Finding]:
    """The findings in one German ``text``, in reading order, as ``mtqa check`` would report them.

    ``select``/``ignore`` take code prefixes (an unknown one raises ``mtqa.errors.ConfigError``);
    ``config`` names an ``mtqa.toml`` (none is searched for); back-translation is off unless asked.
    """
    from mtqa import pipeline
    from mtqa.model import Article
    from mtqa.report.base import RunInfo

    settings = _settings(config, None, select, ignore, backtranslate, quotes=quotes)
    reports: list[ArticleReport] = []
    from mtqa.checking import Collector

    pipeline.run(
        [Article(id=article_id, text=text, origin=f"<{article_id}>")],
        settings,
        [Collector(reports.append)],
        RunInfo.now(None, settings.as_dict()),
    )
    return list(reports[0].findings) if reports else []


def check(
    paths: Sequence[str | Path],
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    config: str | Path | None = None,
    output: str | Path | None = None,
    formats: Sequence[str] = (),
    backtranslate: bool = False,
    baseline: str | Path | None = None,
    incremental: bool = False,
    on_report: Callable[[ArticleReport], None] | None = None,
) -> RunSummary:
    """Check files, folders and feeds as ``mtqa check PATHS`` does and return the run summary.

    The config is found from the paths upward (or given as ``config``). Report files are written only
    with ``output`` (``formats`` adds to the configured ones); ``on_report`` sees every article's
    report as it is made. Unreadable inputs are in ``summary.failures``; nothing is printed.
    """
    from mtqa.checking import CheckOptions, Collector, run_check
    from mtqa.config import config_search_start

    names = [str(path) for path in paths]
    settings = _settings(
        config,
        config_search_start(names),
        select,
        ignore,
        backtranslate,
        extend_formats=tuple(formats),
        output=str(output) if output is not None else None,
    )
    options = CheckOptions(
        output_dir=Path(settings.output) if output is not None else None,
        baseline=Path(baseline) if baseline is not None else None,
        cache=incremental,
        extra_reporters=(Collector(on_report),) if on_report is not None else (),
    )
    return run_check(names, settings, options).summary
