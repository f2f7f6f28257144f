"""Fit the thresholds that turn scores into BTR findings, from segments people have judged.

``mtqa calibrate DATA`` scores annotated segments with the configured models, reports how well each
metric agrees with the human judgement (Pearson and Kendall tau-b), picks for each metric the threshold
that best separates bad from acceptable segments, and can write the thresholds into ``mtqa.toml``.

Input formats (the header line decides; column names are case-insensitive):

* **CSV or TSV of segments**: a ``text`` column (also accepted: ``mt``, ``target``, ``translation``)
  with the German segment, and ``label`` (``ok``/``good``/``0`` = acceptable, ``bad``/``error``/``1`` =
  bad) and/or ``score`` (a human quality score, higher = better; also accepted: ``mqm``,
  ``mqm_avg_score``, ``human``, ``da``). Optional: ``source`` (or ``src``) with ``source_lang`` (or a
  WMT ``lp`` such as ``ru-de``), and ``reference`` (or ``ref``). The Hugging Face export of the WMT MQM
  data (columns ``lp, src, mt, ref, score``) reads as is.
* **WMT MQM error annotations** (google/wmt-mqm-human-evaluation, e.g. ``mqm_newstest2020_ende.tsv``):
  tab-separated ``system, doc, doc_id, seg_id, rater, source, target, category, severity`` with one row
  per error. A segment's score is minus its MQM penalty (Major 5, Minor 1, Minor Fluency/Punctuation
  0.1, Non-translation 25, Neutral and No-error 0), summed per rater and averaged over raters; the
  ``<v>...</v>`` error marks are removed from the text.

Each row (or MQM segment) is scored as one segment, as it was annotated. Without a ``label`` column,
a segment is bad when its human score is at or below ``bad_score`` (MQM default -5: one major error;
otherwise the lower quartile of the scores).
"""

from __future__ import annotations

import csv
import math
import os
import re
import sys
import tempfile
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mtqa.backtranslate.scorer import SEGMENT_METRICS, Scorer, build_scorer
from mtqa.config import BacktranslationSettings
from mtqa.errors import ConfigError, InputError, ModelUnavailableError
from mtqa.model import Article, Segment

MQM_COLUMNS = frozenset({"system", "seg_id", "rater", "target", "category", "severity"})
MQM_BAD_SCORE = -5.0
"""An MQM segment score at or below this (one major error's weight) counts as bad."""
MQM_MAJOR, MQM_MINOR, MQM_PUNCTUATION, MQM_NON_TRANSLATION = 5.0, 1.0, 0.1, 25.0

TEXT_COLUMNS = ("text", "mt", "target", "translation")
LABEL_COLUMNS = ("label", "bad")
SCORE_COLUMNS = ("score", "mqm", "mqm_avg_score", "human", "da")
SOURCE_COLUMNS = ("source", "src")
SOURCE_LANG_COLUMNS = ("source_lang", "lp")
REFERENCE_COLUMNS = ("reference", "ref")
BAD_LABELS = frozenset({"bad", "error", "1", "true", "yes"})
OK_LABELS = frozenset({"ok", "good", "0", "false", "no"})
SCORE_CHUNK = 256
"""Segments per call to the scorer: large enough to batch well, small enough to show progress."""

_ERROR_MARK = re.compile(r"</?v>")


@dataclass(frozen=True)
class AnnotatedSegment:
    text: str
    bad: bool | None
    """The human verdict; None when only a score was given and no cut-off applies."""
    human: float | None
    """The human quality score, higher = better (None when only a label was given)."""
    source: str | None = None
    source_lang: str | None = None
    reference: str | None = None


@dataclass(frozen=True)
class MetricCalibration:
    """How one metric agrees with the annotations, and the threshold chosen for it."""

    metric: str
    segments: int
    pearson: float | None
    kendall: float | None
    threshold: float | None
    """Segments scoring below this are flagged; None when the data has no bad (or no ok) segment."""
    precision: float | None
    recall: float | None
    f1: float | None
    flagged: int


@dataclass(frozen=True)
class CalibrationResult:
    data: str
    segments: int
    bad: int
    metrics: tuple[MetricCalibration, ...]
    notes: tuple[str, ...] = ()

    @property
    def thresholds(self) -> dict[str, float]:
        return {m.metric: m.threshold for m in self.metrics if m.threshold is not None}

    def format(self) -> str:
        """A plain-text table for the terminal."""
        lines = [
            f"{self.data}: {self.segments} segments, {self.bad} bad",
            f"{'metric':<16}{'n':>7}{'pearson':>9}{'kendall':>9}{'threshold':>11}"
            f"{'precision':>11}{'recall':>8}{'f1':>7}{'flagged':>9}",
        ]
        for m in self.metrics:
            lines.append(
                f"{m.metric:<16}{m.segments:>7}{_fmt(m.pearson):>9}{_fmt(m.kendall):>9}"
                f"{_fmt(m.threshold, 4):>11}{_fmt(m.precision):>11}{_fmt(m.recall):>8}{_fmt(m.f1):>7}"
                f"{m.flagged:>9}"
            )
        lines.extend(f"note: {note}" for note in self.notes)
        return "\n".join(lines)


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


# Reading annotations


def read_annotations(
    path: Path, bad_score: float | None = None, source_lang: str | None = None
) -> tuple[list[AnnotatedSegment], list[str]]:
    """The annotated segments of ``path`` and notes on how labels were derived."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read annotations ({exc})") from None
    lines = raw.splitlines()
    if not lines:
        raise InputError(f"{path}: empty annotation file")
    csv.field_size_limit(sys.maxsize)
    header_tabs = lines[0].split("\t")
    if {c.strip().lower() for c in header_tabs} >= MQM_COLUMNS:
        segments = _read_mqm(path, lines, source_lang or _language_from_name(path.name))
        cutoff = MQM_BAD_SCORE if bad_score is None else bad_score
        notes = [f"bad = MQM score <= {cutoff:g}"]
        return [replace(s, bad=s.human is not None and s.human <= cutoff) for s in segments], notes
    return _read_table(path, raw, bad_score, source_lang)


def _language_from_name(name: str) -> str | None:
    """``mqm_newstest2020_ende.tsv`` -> ``en``: the source language of a WMT file named by its pair."""
    match = re.search(r"(?<![a-z])([a-z]{2})-?de(?![a-z])", name.lower())
    return match.group(1) if match else None


def _mqm_weight(category: str, severity: str) -> float:
    severity, category = severity.strip().lower(), category.strip().lower()
    if severity == "major":
        return MQM_NON_TRANSLATION if category.startswith("non-translation") else MQM_MAJOR
    if severity == "minor":
        return MQM_PUNCTUATION if category == "fluency/punctuation" else MQM_MINOR
    return 0.0


def _read_mqm(path: Path, lines: list[str], source_lang: str | None) -> list[AnnotatedSegment]:
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    columns = [c.strip().lower() for c in next(reader)]
    index = {name: columns.index(name) for name in columns}
    penalties: dict[tuple[str, str, str], dict[str, float]] = {}
    texts: dict[tuple[str, str, str], tuple[str, str]] = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(MQM_COLUMNS):
            raise InputError(f"{path}:{number}: expected {len(columns)} tab-separated cells, got {len(row)}")
        cell = {name: (row[i] if i < len(row) else "") for name, i in index.items()}
        key = (cell["system"], cell.get("doc", ""), cell["seg_id"])
        raters = penalties.setdefault(key, {})
        weight = _mqm_weight(cell["category"], cell["severity"])
        raters[cell["rater"]] = raters.get(cell["rater"], 0.0) + weight
        if key not in texts:
            texts[key] = (_ERROR_MARK.sub("", cell["target"]), _ERROR_MARK.sub("", cell.get("source", "")))
    segments = []
    for key, raters in penalties.items():
        text, source = texts[key]
        human = -sum(raters.values()) / len(raters)
        segments.append(AnnotatedSegment(text, None, human, source or None, source_lang))
    if not segments:
        raise InputError(f"{path}: no annotated segments")
    return segments


def _pick(columns: Sequence[str], names: Sequence[str]) -> str | None:
    return next((name for name in names if name in columns), None)


def _read_table(
    path: Path, raw: str, bad_score: float | None, source_lang: str | None
) -> tuple[list[AnnotatedSegment], list[str]]:
    first = raw.split("\n", 1)[0]
    if path.suffix.lower() == ".tsv" or "\t" in first:
        delimiter = "\t"
    else:
        delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(raw.splitlines(), delimiter=delimiter)
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    reader.fieldnames = columns
    text_col = _pick(columns, TEXT_COLUMNS)
    label_col = _pick(columns, LABEL_COLUMNS)
    score_col = _pick(columns, SCORE_COLUMNS)
    if text_col is None or (label_col is None and score_col is None):
        raise InputError(
            f"{path}: needs a text column ({', '.join(TEXT_COLUMNS)}) and a label or score column "
            f"({', '.join(LABEL_COLUMNS + SCORE_COLUMNS)}); found {', '.join(columns) or 'no header'}"
        )
    source_col = _pick(columns, SOURCE_COLUMNS)
    lang_col = _pick(columns, SOURCE_LANG_COLUMNS)
    reference_col = _pick(columns, REFERENCE_COLUMNS)
    segments: list[AnnotatedSegment] = []
    for number, row in enumerate(reader, start=2):
        text = (row.get(text_col) or "").strip()
        if not text:
            continue
        bad = _label(path, number, row.get(label_col) or "") if label_col else None
        human = _number(path, number, row.get(score_col) or "") if score_col else None
        language = source_lang
        if lang_col and row.get(lang_col):
            language = (row.get(lang_col) or "").strip().lower().split("-")[0]
        segments.append(
            AnnotatedSegment(
                text,
                bad,
                human,
                (row.get(source_col) or "").strip() or None if source_col else None,
                language,
                (row.get(reference_col) or "").strip() or None if reference_col else None,
            )
        )
    if not segments:
        raise InputError(f"{path}: no annotated segments")
    notes: list[str] = []
    if label_col is None:
        known = sorted(s.human for s in segments if s.human is not None)
        cutoff = bad_score if bad_score is not None else _lower_quartile(known)
        how = "given" if bad_score is not None else "the lower quartile; choose another with bad_score"
        notes.append(f"bad = human score <= {cutoff:g} ({how})")
        segments = [replace(s, bad=None if s.human is None else s.human <= cutoff) for s in segments]
    return segments, notes


def _label(path: Path, number: int, value: str) -> bool | None:
    word = value.strip().lower()
    if not word:
        return None
    if word in BAD_LABELS:
        return True
    if word in OK_LABELS:
        return False
    raise InputError(f"{path}:{number}: label {value!r} is not ok/good/0 or bad/error/1")


def _number(path: Path, number: int, value: str) -> float | None:
    text = value.strip()
    if not text or text.lower() in ("none", "nan", "na"):
        return None
    try:
        result = float(text)
    except ValueError:
        raise InputError(f"{path}:{number}: score {value!r} is not a number") from None
    return result if math.isfinite(result) else None


def _lower_quartile(values: Sequence[float]) -> float:
    if not values:
        raise InputError("no human scores to derive bad segments from")
    return values[(len(values) - 1) // 4]


# Statistics


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Pearson's r; None when either side is constant (the correlation is undefined)."""
    n = len(x)
    if n < 2:
        return None
    mean_x, mean_y = math.fsum(x) / n, math.fsum(y) / n
    sxy = math.fsum((a - mean_x) * (b - mean_y) for a, b in zip(x, y, strict=True))
    sxx = math.fsum((a - mean_x) ** 2 for a in x)
    syy = math.fsum((b - mean_y) ** 2 for b in y)
    if sxx <= 0 or syy <= 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def _tied_pairs(values: Iterable[Any]) -> int:
    counts: dict[Any, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return sum(c * (c - 1) // 2 for c in counts.values())


def _inversions(values: list[float]) -> int:
    """Pairs i < j with values[i] > values[j], by merge sort (O(n log n)); equal values are no inversion."""
    count = 0
    width = 1
    items = list(values)
    n = len(items)
    while width < n:
        merged: list[float] = []
        for start in range(0, n, 2 * width):
            left, right = items[start : start + width], items[start + width : start + 2 * width]
            i = j = 0
            while i < len(left) and j < len(right):
                if right[j] < left[i]:
                    merged.append(right[j])
                    count += len(left) - i
                    j += 1
                else:
                    merged.append(left[i])
                    i += 1
            merged.extend(left[i:])
            merged.extend(right[j:])
        items = merged
        width *= 2
    return count


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Kendall's tau-b (ties corrected, as ``scipy.stats.kendalltau``), in O(n log n) after Knight (1966).

    scipy is not a dependency and pandas needs it for ``corr(method="kendall")``.
    """
    n = len(x)
    if n < 2:
        return None
    pairs = sorted(zip(x, y, strict=True))
    total = n * (n - 1) // 2
    x_ties = _tied_pairs(a for a, _ in pairs)
    y_ties = _tied_pairs(b for _, b in pairs)
    joint_ties = _tied_pairs(pairs)
    swaps = _inversions([b for _, b in pairs])
    concordant_minus_discordant = total - x_ties - y_ties + joint_ties - 2 * swaps
    denominator = (total - x_ties) * (total - y_ties)
    if denominator <= 0:
        return None
    return concordant_minus_discordant / math.sqrt(denominator)


@dataclass(frozen=True)
class ThresholdChoice:
    threshold: float
    precision: float
    recall: float
    f1: float
    flagged: int


def choose_threshold(
    values: Sequence[float], bad: Sequence[bool], min_recall: float | None = None
) -> ThresholdChoice | None:
    """The threshold ``t`` (flag ``value < t``) with the best F1 for the bad class.

    With ``min_recall``, the best precision among thresholds whose recall reaches it instead. Candidates
    lie halfway between consecutive distinct values; ties go to the lower threshold (fewer flags).
    None when there is no bad or no acceptable segment.
    """
    total_bad = sum(bad)
    if total_bad == 0 or total_bad == len(bad):
        return None
    ranked = sorted(zip(values, bad, strict=True))
    best: tuple[float, float, float] | None = None
    choice: ThresholdChoice | None = None
    flagged = true_positives = 0
    for position, (value, is_bad) in enumerate(ranked):
        flagged += 1
        true_positives += is_bad
        if position + 1 < len(ranked) and ranked[position + 1][0] == value:
            continue
        if position + 1 == len(ranked):
            break
        precision = true_positives / flagged
        recall = true_positives / total_bad
        f1 = 2 * precision * recall / (precision + recall) if true_positives else 0.0
        if min_recall is not None:
            if recall + 1e-12 < min_recall:
                continue
            key = (precision, recall, f1)
        else:
            key = (f1, precision, recall)
        if best is None or key > best:
            best = key
            threshold = (value + ranked[position + 1][0]) / 2.0
            choice = ThresholdChoice(threshold, precision, recall, f1, flagged)
    return choice


# Calibration


def _articles(segments: Sequence[AnnotatedSegment]) -> list[tuple[Article, list[Segment]]]:
    items = []
    for number, segment in enumerate(segments):
        article = Article(
            id=f"segment-{number}",
            text=segment.text,
            origin=f"segment-{number}",
            source=segment.source,
            source_lang=segment.source_lang,
            reference=segment.reference,
        )
        items.append((article, [Segment(0, 0, len(segment.text), segment.text, 0)]))
    return items


def calibrate(
    data: Path,
    scorer: Scorer | BacktranslationSettings,
    bad_score: float | None = None,
    min_recall: float | None = None,
    source_lang: str | None = None,
) -> CalibrationResult:
    """Score the annotated segments of ``data`` and fit a threshold per segment metric.

    Scores must exist: a missing model raises ``ModelUnavailableError`` (calibrating nothing is no result).
    """
    segments, notes = read_annotations(data, bad_score, source_lang)
    own = isinstance(scorer, BacktranslationSettings)
    if isinstance(scorer, BacktranslationSettings):
        active = build_scorer(replace(scorer, require=True))
    else:
        active = scorer
    values: dict[str, dict[int, float]] = {metric: {} for metric in SEGMENT_METRICS}
    scorer_notes: list[str] = []
    try:
        items = _articles(segments)
        for start in range(0, len(items), SCORE_CHUNK):
            results = active.score(items[start : start + SCORE_CHUNK])
            for offset, (article, _) in enumerate(items[start : start + SCORE_CHUNK]):
                result = results[article.id]
                scorer_notes.extend(n for n in result.notes if not n.startswith("thresholds not calibrated"))
                for score in result.scores:
                    if score.segment == 0 and score.metric in values:
                        values[score.metric][start + offset] = score.value
    finally:
        if own:
            active.close()
    if not any(values.values()):
        reason = "; ".join(dict.fromkeys(scorer_notes)) or "the scorer returned no segment scores"
        raise ModelUnavailableError(f"cannot calibrate: {reason}")
    metrics = []
    for metric in SEGMENT_METRICS:
        scored = values[metric]
        if not scored:
            continue
        metrics.append(_calibrate_metric(metric, scored, segments, min_recall))
    notes.extend(dict.fromkeys(scorer_notes))
    return CalibrationResult(
        data=str(data),
        segments=len(segments),
        bad=sum(1 for s in segments if s.bad),
        metrics=tuple(metrics),
        notes=tuple(notes),
    )


def _calibrate_metric(
    metric: str, scored: Mapping[int, float], segments: Sequence[AnnotatedSegment], min_recall: float | None
) -> MetricCalibration:
    """Correlate with the human score (or the 0/1 verdict: ok = 1) and choose the metric's threshold."""
    metric_values, human_values, labelled_values, labels = [], [], [], []
    for index, value in sorted(scored.items()):
        segment = segments[index]
        human = segment.human
        if human is None and segment.bad is not None:
            human = float(not segment.bad)
        if human is not None:
            metric_values.append(value)
            human_values.append(human)
        if segment.bad is not None:
            labelled_values.append(value)
            labels.append(segment.bad)
    choice = choose_threshold(labelled_values, labels, min_recall)
    return MetricCalibration(
        metric=metric,
        segments=len(scored),
        pearson=pearson(metric_values, human_values),
        kendall=kendall_tau_b(metric_values, human_values),
        threshold=None if choice is None else round(choice.threshold, 4),
        precision=None if choice is None else choice.precision,
        recall=None if choice is None else choice.recall,
        f1=None if choice is None else choice.f1,
        flagged=0 if choice is None else choice.flagged,
    )


# Writing the config

_HEADER = re.compile(r"^\s*\[(?!\[)\s*([^\]]+?)\s*\]\s*(?:#.*)?$")
_ARRAY_HEADER = re.compile(r"^\s*\[\[")


def _table_prefix(config_path: Path) -> str:
    return "tool.mtqa.backtranslation" if config_path.name == "pyproject.toml" else "backtranslation"


def _toml_float(value: float) -> str:
    text = repr(float(value))
    return text if any(ch in text for ch in ".en") else f"{text}.0"


def _section_bounds(lines: list[str], name: str) -> tuple[int, int] | None:
    """(header line, first line after the table) of ``[name]``, or None."""
    start = None
    for number, line in enumerate(lines):
        header = _HEADER.match(line)
        if start is None:
            if header and re.sub(r"\s*\.\s*", ".", header.group(1)) == name:
                start = number
        elif header or _ARRAY_HEADER.match(line):
            return start, number
    return None if start is None else (start, len(lines))


def _navigate(data: dict[str, Any], prefix: str) -> dict[str, Any]:
    table: Any = data
    for part in prefix.split("."):
        table = table.get(part, {}) if isinstance(table, dict) else {}
    return table if isinstance(table, dict) else {}


def write_thresholds(config_path: Path, result: CalibrationResult | Mapping[str, float]) -> dict[str, float]:
    """Write the thresholds into the config's ``[backtranslation.thresholds]`` and set ``calibrated = true``.

    The file is edited line by line so comments and every other setting stay as they were; metrics the
    calibration did not cover keep their old threshold. The result is parsed back and checked before it
    replaces the file (atomically). Returns the thresholds now in the file.
    """
    new = result.thresholds if isinstance(result, CalibrationResult) else dict(result)
    if not new:
        raise ConfigError("no thresholds to write: the data had no bad (or no acceptable) segment")
    prefix = _table_prefix(config_path)
    try:
        text = config_path.read_text(encoding="utf-8") if config_path.exists() else ""
        before = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{config_path}: cannot read config ({exc})") from None
    old_thresholds = _navigate(before, prefix).get("thresholds", {})
    merged = {**{k: float(v) for k, v in old_thresholds.items()}, **{k: float(v) for k, v in new.items()}}

    lines = text.splitlines()
    bounds = _section_bounds(lines, f"{prefix}.thresholds")
    if bounds is not None:
        del lines[bounds[0] : bounds[1]]
    block = [f"[{prefix}.thresholds]", *(f"{k} = {_toml_float(v)}" for k, v in sorted(merged.items()))]
    parent = _section_bounds(lines, prefix)
    if parent is None:
        while lines and not lines[-1].strip():
            lines.pop()
        lines += ([""] if lines else []) + [f"[{prefix}]", "calibrated = true", "", *block]
    else:
        start, end = parent
        body = [line for line in lines[start + 1 : end] if not re.match(r"\s*thresholds\s*=", line)]
        flag = [n for n, line in enumerate(body) if re.match(r"\s*calibrated\s*=", line)]
        if flag:
            body[flag[0]] = "calibrated = true"
            body = [line for n, line in enumerate(body) if n not in flag[1:]]
        else:
            body.insert(0, "calibrated = true")
        while body and not body[-1].strip():
            body.pop()
        lines[start:end] = [lines[start], *body, "", *block, ""]
    new_text = "\n".join(lines).rstrip("\n") + "\n"
    _check_update(config_path, before, new_text, prefix, merged)
    folder = config_path.parent if str(config_path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{config_path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(new_text)
        os.replace(temporary, config_path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise ConfigError(f"{config_path}: cannot write config ({exc})") from None
    return merged


def _check_update(
    config_path: Path, before: dict[str, Any], new_text: str, prefix: str, thresholds: Mapping[str, float]
) -> None:
    """The edit must parse, carry exactly the new thresholds and change nothing else."""
    manual = "\n".join(
        [f"[{prefix}]", "calibrated = true", f"[{prefix}.thresholds]"]
        + [f"{k} = {_toml_float(v)}" for k, v in sorted(thresholds.items())]
    )
    try:
        after = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError as exc:
        message = f"{config_path}: cannot update automatically ({exc}); add by hand:\n{manual}"
        raise ConfigError(message) from None
    table = _navigate(after, prefix)
    if table.get("calibrated") is not True or table.get("thresholds") != dict(thresholds):
        raise ConfigError(f"{config_path}: cannot update automatically; add by hand:\n{manual}")

    if _without(before, prefix.split(".")) != _without(after, prefix.split(".")):
        raise ConfigError(f"{config_path}: the update would change other settings; add by hand:\n{manual}")


def _without(data: dict[str, Any], path: list[str]) -> dict[str, Any]:
    """``data`` less ``calibrated`` and ``thresholds`` under ``path``, and less tables left empty by that."""
    if not path:
        return {k: v for k, v in data.items() if k not in ("calibrated", "thresholds")}
    head, rest = path[0], path[1:]
    child = data.get(head)
    if not isinstance(child, dict):
        return data
    pruned = _without(child, rest)
    copy = {k: v for k, v in data.items() if k != head}
    if pruned:
        copy[head] = pruned
    return copy
