"""The ``mtqa`` command: check articles, list rules, manage models, calibrate thresholds.

Exit codes: 0 clean, 1 findings at or above ``--fail-on``, 2 usage or input errors (a missing path,
a bad option or config, an article that could not be read, a required model that is missing).
Every ``MtqaError`` becomes a one-line message, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from functools import wraps
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from mtqa import __version__
from mtqa.config import FAIL_LEVELS, LOCALES, QUOTE_STYLES, REPORT_FORMATS, config_search_start, load_settings
from mtqa.errors import MtqaError
from mtqa.report.console import CONSOLE_FORMATS, GITHUB_ANNOTATION_LIMIT

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
CONSOLE_CHOICES = (*CONSOLE_FORMATS, "none")

F = TypeVar("F", bound=Callable[..., Any])


def _clean_errors(command: F) -> F:
    """Turn an ``MtqaError`` into ``mtqa: error: <message>`` and exit code 2."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except MtqaError as exc:
            click.echo(f"mtqa: error: {exc}", err=True)
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(code.strip().upper() for value in values for code in value.split(",") if code.strip())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mtqa")
def main() -> None:
    """Find machine-translation artefacts in German news and score translations."""


def _listed(values: tuple[str, ...]) -> tuple[str, ...]:
    """Repeatable options that also take comma lists: ``--format json,sarif --format html``."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def use_color(option: bool | None, stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """``--color``/``--no-color``, else ``NO_COLOR`` (off), else ``FORCE_COLOR`` (on), else a terminal."""
    env = os.environ if environ is None else environ
    if option is not None:
        return option
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    return stream.isatty()


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(file_okay=False), help="Report folder [default: reports].")
@click.option("--no-reports", is_flag=True, help="Print findings only; write no report files.")
@click.option(
    "--format",
    "formats",
    multiple=True,
    metavar="LIST",
    help="Report files to add (comma list, repeatable): "
    + ", ".join(REPORT_FORMATS)
    + " [default: json,md].",
)
@click.option(
    "--output-format",
    "console_format",
    type=click.Choice(CONSOLE_CHOICES),
    default="text",
    show_default=True,
    help="What to print on standard output: linter lines, GitHub annotations, JSON lines, nothing.",
)
@click.option(
    "--select", multiple=True, help="Only rules whose code starts with these prefixes (e.g. TYP,NAM001)."
)
@click.option("--ignore", multiple=True, help="Skip rules whose code starts with these prefixes.")
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Files and folders a folder walk skips, replacing the default list (comma list, repeatable).",
)
@click.option("--extend-exclude", multiple=True, metavar="GLOB", help="Like --exclude, adding to the list.")
@click.option(
    "--fail-on", type=click.Choice(FAIL_LEVELS), help="Exit 1 on findings this severe [default: major]."
)
@click.option(
    "--quotes",
    type=click.Choice(QUOTE_STYLES),
    help="Demand this one quotation style [default: any of the locale].",
)
@click.option(
    "--locale",
    type=click.Choice(LOCALES),
    help="German variety: which quotation styles are correct [default: all].",
)
@click.option(
    "--names",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Extra name list (same columns as references/names.tsv).",
)
@click.option(
    "--calques",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Extra calque list (same columns as references/calques.tsv).",
)
@click.option(
    "--boilerplate",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Extra boilerplate list (same columns as references/boilerplate.tsv).",
)
@click.option(
    "--allow",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Extra allow list (same columns as references/allow.tsv).",
)
@click.option(
    "--glossary",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Termbase whose terms translations must use (TSV/CSV with source, german columns, or TBX).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file [default: the nearest mtqa.toml or pyproject.toml with [tool.mtqa] at or above "
    "the checked paths].",
)
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report and fail only on findings that are not in this baseline file.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Record this run's findings as the baseline (the run then exits 0 unless input failed).",
)
@click.option("--force", is_flag=True, help="Check every article again, even unchanged ones.")
@click.option("--no-cache", is_flag=True, help="Neither reuse nor store reports of unchanged articles.")
@click.option(
    "--backtranslate/--no-backtranslate",
    default=None,
    help="Score segments by back-translation [default: on; off without models].",
)
@click.option(
    "--require-scores",
    is_flag=True,
    default=None,
    help="Fail (exit 2) when back-translation models are unavailable.",
)
@click.option("--backend", type=click.Choice(["ctranslate2", "transformers"]), help="Translation backend.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), help="Where models run.")
@click.option("--model-dir", type=click.Path(file_okay=False), help="Folder of pulled/converted models.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    help="Worker processes for the rules; 0 = one per core [default: 1].",
)
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the output [default: on a terminal, off with NO_COLOR, on with FORCE_COLOR].",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on standard error [default: on a terminal, once a run lasts 2 s].",
)
@click.option(
    "--max-annotations",
    type=click.IntRange(min=0),
    default=GITHUB_ANNOTATION_LIMIT,
    show_default=True,
    help="GitHub annotations printed at most (GitHub shows 50 per job); the job summary has more.",
)
@click.option(
    "--strict-decoding", is_flag=True, default=None, help="Fail articles that needed a decoding fallback."
)
@click.option("--max-article-bytes", type=click.IntRange(min=1), help="Largest article [default: 10 MB].")
@_clean_errors
def check(
    paths: tuple[str, ...],
    output: str | None,
    no_reports: bool,
    formats: tuple[str, ...],
    console_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    fail_on: str | None,
    quotes: str | None,
    locale: str | None,
    names: tuple[str, ...],
    calques: tuple[str, ...],
    boilerplate: tuple[str, ...],
    allow: tuple[str, ...],
    glossary: tuple[str, ...],
    config_path: Path | None,
    baseline_path: Path | None,
    write_baseline: Path | None,
    force: bool,
    no_cache: bool,
    backtranslate: bool | None,
    require_scores: bool | None,
    backend: str | None,
    device: str | None,
    model_dir: str | None,
    jobs: int | None,
    color: bool | None,
    progress: bool | None,
    max_annotations: int,
    strict_decoding: bool | None,
    max_article_bytes: int | None,
) -> None:
    """Check the articles in PATHS (files, folders, .jsonl/.csv feeds, or - for standard input).

    Findings go to standard output, inputs that could not be read and notes to standard error.
    """
    from mtqa.checking import CheckOptions, run_check

    backtranslation = {
        "enabled": backtranslate,
        "require": require_scores,
        "backend": backend,
        "device": device,
        "model_dir": model_dir,
    }
    overrides: dict[str, Any] = {
        "select": _codes(select),
        "ignore": _codes(ignore),
        "exclude": _listed(exclude),
        "extend_exclude": _listed(extend_exclude),
        "fail_on": fail_on,
        "jobs": (os.cpu_count() or 1) if jobs == 0 else jobs,
        "quotes": quotes,
        "locale": locale,
        "output": output,
        "extend_formats": _listed(formats),
        "lists": {
            key: list(files)
            for key, files in (
                ("names", names),
                ("calques", calques),
                ("boilerplate", boilerplate),
                ("allow", allow),
                ("glossary", glossary),
            )
            if files
        },
        "backtranslation": {k: v for k, v in backtranslation.items() if v is not None},
        "strict_decoding": strict_decoding,
        "max_article_bytes": max_article_bytes,
    }
    settings = load_settings(config_path, overrides, search_from=config_search_start(paths))
    stdout = sys.stdout
    stderr = sys.stderr
    colored = use_color(color, stdout)
    options = CheckOptions(
        output_dir=None if no_reports else Path(settings.output),
        console_format=None if console_format == "none" else console_format,
        stream=stdout,
        errors=stderr,
        color=colored,
        progress=progress if progress is not None else stderr.isatty(),
        baseline=baseline_path,
        write_baseline=write_baseline,
        cache=not no_cache,
        force=force,
        github_limit=max_annotations,
        github_summary=os.environ.get("GITHUB_STEP_SUMMARY") or None,
    )
    outcome = run_check(paths, settings, options)
    for note in outcome.notes:
        click.echo(f"note: {note}", err=True)
    if outcome.baseline_hidden:
        click.echo(f"note: {outcome.baseline_hidden} findings in the baseline not shown", err=True)
    if write_baseline is not None:
        click.echo(f"baseline written to {write_baseline}: {outcome.findings} findings", err=True)
    sys.exit(outcome.exit_code)


@main.command()
@click.argument("code", required=False)
@_clean_errors
def rules(code: str | None) -> None:
    """List every rule, or show one rule's why and examples."""
    from mtqa.rules.registry import FAMILIES, all_rules, get_rule

    if code is None:
        for listed in all_rules():
            click.echo(f"{listed.code}  {listed.name:<32} {listed.severity.label:<8} {listed.summary}")
        return
    rule = get_rule(code)
    if rule is None:
        raise click.BadParameter(f"no rule {code!r} (see 'mtqa rules')", param_hint="CODE")
    click.echo(f"{rule.code} {rule.name} ({rule.severity.label}; {FAMILIES[rule.family]})")
    click.echo(f"  {rule.summary}")
    click.echo(f"Why: {rule.why}")
    for example in rule.examples:
        if example.is_bad:
            fix = "(delete)" if example.fix == "" else example.fix
            click.echo(f"  bad:  {example.text}" + (f"  -> {fix}" if fix is not None else ""))
        else:
            click.echo(f"  good: {example.text}")


@main.group()
def models() -> None:
    """Download, convert and list translation models (needs internet only for pull)."""


@models.command("pull")
@click.argument("name")
@click.option(
    "--backend", type=click.Choice(["ctranslate2", "transformers"]), default="ctranslate2", show_default=True
)
@click.option(
    "--quantization",
    type=click.Choice(["int8", "int8_float32", "float32", "float16", "int8_float16"]),
    default="int8",
    show_default=True,
    help="CTranslate2 weight type of the conversion.",
)
@click.option(
    "--model-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Model cache [default: $MTQA_MODEL_DIR or ~/.cache/mtqa/models].",
)
@_clean_errors
def models_pull(name: str, backend: str, quantization: str, model_dir: Path | None) -> None:
    """Download NAME (a hub id, or a local Hugging Face folder) and convert it for the backend."""
    from mtqa.backtranslate.models import pull_model

    path = pull_model(name, backend, model_dir, quantization)
    click.echo(f"{name}: ready for {backend} in {path}")


@models.command("list")
@click.option(
    "--model-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Model cache [default: $MTQA_MODEL_DIR or ~/.cache/mtqa/models].",
)
@_clean_errors
def models_list(model_dir: Path | None) -> None:
    """Show the models in the cache."""
    from mtqa.backtranslate.models import default_model_dir, list_models

    cached = list_models(model_dir)
    if not cached:
        click.echo(f"no models in {model_dir or default_model_dir()}; run: mtqa models pull NAME")
        return
    for model in cached:
        state = "" if model.complete else "  (incomplete: pull again)"
        size = model.size_bytes / 1e6
        line = f"{model.name:<40} {model.backend:<12} {model.compute_type:<14} {size:8.1f} MB"
        click.echo(f"{line}  {model.path}{state}")


@main.command()
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config whose [backtranslation] settings are used and whose thresholds are written "
    "[default: nearest mtqa.toml, else ./mtqa.toml].",
)
@click.option("--bad-score", type=float, help="Without labels: a segment scoring at or below this is bad.")
@click.option(
    "--min-recall", type=click.FloatRange(0, 1), help="Maximise precision at this recall instead of F1."
)
@click.option("--source-lang", help="Language of the source column, when the data has one.")
@click.option(
    "--write/--no-write", default=True, show_default=True, help="Write the thresholds to the config."
)
@_clean_errors
def calibrate(
    data: Path,
    config_path: Path | None,
    bad_score: float | None,
    min_recall: float | None,
    source_lang: str | None,
    write: bool,
) -> None:
    """Fit the score thresholds that make BTR findings from annotated segments in DATA.

    DATA is a CSV/TSV with a text column and a label (ok/bad) or score column, or a WMT MQM tsv.
    """
    from mtqa.backtranslate import calibrate as calibration
    from mtqa.config import CONFIG_FILE, find_config

    settings = load_settings(config_path, search_from=Path.cwd())
    result = calibration.calibrate(data, settings.backtranslation, bad_score, min_recall, source_lang)
    click.echo(result.format())
    if write:
        target = config_path or find_config(Path.cwd()) or Path.cwd() / CONFIG_FILE
        written = calibration.write_thresholds(target, result)
        click.echo(
            f"thresholds written to {target}: " + ", ".join(f"{k} = {v:g}" for k, v in written.items())
        )


@main.command()
@click.argument("reports_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--by",
    default="vendor",
    show_default=True,
    help="Group by this article field (vendor, source_lang, ...), 'month' (from the date) or 'feed'.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for audit.csv, audit.xlsx, audit.html [default: REPORTS_DIR].",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    help="csv, xlsx, html; repeatable or comma-separated [default: all three].",
)
@click.option(
    "--bootstrap", type=click.IntRange(min=10), default=1000, show_default=True, help="Bootstrap resamples."
)
@_clean_errors
def audit(reports_dir: Path, by: str, output: Path | None, formats: tuple[str, ...], bootstrap: int) -> None:
    """Compare vendors (or any group) over the JSON reports in REPORTS_DIR."""
    from mtqa import audit as auditing

    chosen = (
        tuple(f.strip() for value in formats for f in value.split(",") if f.strip()) or auditing.AUDIT_FORMATS
    )
    unknown = sorted(set(chosen) - set(auditing.AUDIT_FORMATS))
    if unknown:
        raise click.BadParameter(
            f"unknown format {unknown[0]!r} (choose from {', '.join(auditing.AUDIT_FORMATS)})",
            param_hint="--format",
        )
    result = auditing.audit(reports_dir, by, samples=bootstrap)
    click.echo(auditing.console_table(result))
    for path in auditing.write_audit(result, output or reports_dir, chosen):
        click.echo(f"wrote {path}", err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "-o", "--output", type=click.Path(file_okay=False), help="Folder of corrected copies [default: reports]."
)
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff, write nothing; exit 1 if any.")
@click.option("--in-place", is_flag=True, help="Overwrite each file, keeping the original as FILE.orig.")
@click.option("--select", multiple=True, help="Only fixes of rules whose code starts with these prefixes.")
@click.option("--ignore", multiple=True, help="No fixes of rules whose code starts with these prefixes.")
@click.option(
    "--quotes", type=click.Choice(QUOTE_STYLES), help="House quotation marks [default: the article's own]."
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file [default: nearest mtqa.toml or pyproject.toml with [tool.mtqa]].",
)
@_clean_errors
def fix(
    paths: tuple[str, ...],
    output: str | None,
    show_diff: bool,
    in_place: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    quotes: str | None,
    config_path: Path | None,
) -> None:
    """Apply the safe suggestions (spacing, quotes, listed names, listed page chrome) to PATHS.

    Writes corrected copies as <output>/<id>.fixed.txt, or with --diff prints what would change, or
    with --in-place rewrites each file after keeping a backup. Other suggestions need an editor.
    """
    from mtqa.fix import run_fix

    if show_diff and in_place:
        raise click.UsageError("--diff and --in-place exclude each other")
    overrides: dict[str, Any] = {
        "select": _codes(select),
        "ignore": _codes(ignore),
        "quotes": quotes,
        "output": output,
    }
    settings = load_settings(config_path, overrides, search_from=config_search_start(paths))
    mode = "diff" if show_diff else "in-place" if in_place else "copy"
    sys.exit(run_fix(paths, settings, mode, click.echo))
