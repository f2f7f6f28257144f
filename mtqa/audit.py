"""Vendor audits: the JSON reports of one or more runs, grouped by vendor (or any article field) and compared.

A localization manager asks which vendor or engine translates better, by how much, and whether the
difference is real. Per group this gives findings and an MQM-style penalty per 1,000 words, mean and worst
back-translation scores, corpus BLEU/chrF/TER against human references with sacrebleu's signature, the worst
articles and the most frequent rules. Where two groups translated the same sources (paired by the source
text's digest in each report), a paired bootstrap over those sources, as sacrebleu does for systems, says how
sure the difference is. pandas and sacrebleu are imported here only, when an audit runs.
"""

from __future__ import annotations

import html
import json
import random
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from mtqa.errors import InputError
from mtqa.model import SEVERITY_WEIGHTS, Severity
from mtqa.report.files import ensure_folder, write_text_atomic
from mtqa.report.summary import neutralise_cell
from mtqa.run_files import AUDIT_CSV, AUDIT_HTML, AUDIT_PAIRS_CSV, AUDIT_RULES_CSV, AUDIT_XLSX

if TYPE_CHECKING:
    import pandas as pd

REPORT_SCHEMA_PREFIX = "mtqa.report/"
MIN_GROUP_ARTICLES = 10
MIN_GROUP_WORDS = 2000
"""Groups smaller than this get a note: their rates move a lot with one article more or less."""
MIN_SHARED_SOURCES = 20
"""Pairs of groups sharing fewer sources than this get a note that the comparison is weak."""
BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 12345
"""sacrebleu's default seed, so an audit is reproducible."""
TOP_RULES = 5
WORST_ARTICLES = 3
_WEIGHTS = {s.label: SEVERITY_WEIGHTS[s] for s in Severity}


@dataclass(frozen=True)
class Audited:
    """What an audit needs of one article report."""

    id: str
    group: str
    words: int
    penalty: float
    """Sum of MQM severity weights of its findings."""
    artefact_score: float
    families: dict[str, int]
    severities: dict[str, int]
    rules: Counter[str]
    segment_scores: dict[str, list[float]]
    hypothesis: str
    reference: str | None
    source_key: str | None


@dataclass(frozen=True)
class AuditResult:
    groups: pd.DataFrame
    rules: pd.DataFrame
    comparisons: pd.DataFrame
    notes: tuple[str, ...]
    signatures: dict[str, str] = field(default_factory=dict)
    by: str = "vendor"


def group_value(document: dict[str, Any], by: str) -> str:
    """The group of a report: an article field, ``month`` (from the date) or ``feed`` (the origin's file)."""
    article = document.get("article", {})
    if by == "month":
        date = article.get("date") or ""
        value = date[:7] if len(date) >= 7 else ""
    elif by == "feed":
        origin = str(article.get("origin") or "")
        value = origin.split("#", 1)[0].rsplit(":", 1)[0] if "#" in origin else origin
    else:
        value = article.get(by)
    return str(value) if value not in (None, "") else "(none)"


def load_reports(folder: Path, by: str) -> tuple[list[Audited], list[str]]:
    """Every article report under ``folder`` (other JSON files are passed over) and the files that failed."""
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder of mtqa reports")
    audited: list[Audited] = []
    problems: list[str] = []
    for path in sorted(folder.rglob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(f"{path}: cannot read ({exc})")
            continue
        if not isinstance(document, dict) or not str(document.get("schema", "")).startswith(
            REPORT_SCHEMA_PREFIX
        ):
            continue
        try:
            audited.append(_audited(document, by))
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{path}: not a valid mtqa report ({type(exc).__name__}: {exc})")
    return audited, problems


def _audited(document: dict[str, Any], by: str) -> Audited:
    findings = document["findings"]
    segment_scores: dict[str, list[float]] = {}
    for segment in document["segments"]:
        for score in segment.get("scores", []):
            segment_scores.setdefault(str(score["metric"]), []).append(float(score["value"]))
    return Audited(
        id=str(document["article"]["id"]),
        group=group_value(document, by),
        words=int(document["words"]),
        penalty=sum(_WEIGHTS[str(f["severity"])] for f in findings),
        artefact_score=float(document["artefact_score"]),
        families={k: int(v) for k, v in document["counts"]["family"].items()},
        severities={k: int(v) for k, v in document["counts"]["severity"].items()},
        rules=Counter(str(f["code"]) for f in findings),
        segment_scores=segment_scores,
        hypothesis=" ".join(str(document.get("text") or "").split()),
        reference=document.get("reference"),
        source_key=document["article"].get("source_sha256"),
    )


def per_thousand(count: float, words: int) -> float:
    return round(1000.0 * count / words, 3) if words else 0.0


def audit(
    folder: Path, by: str = "vendor", samples: int = BOOTSTRAP_SAMPLES, seed: int = BOOTSTRAP_SEED
) -> AuditResult:
    """Group the reports in ``folder`` by ``by`` and compare the groups."""
    import pandas as pd

    articles, problems = load_reports(folder, by)
    if not articles:
        raise InputError(
            f"{folder}: no mtqa article reports (*.json with schema {REPORT_SCHEMA_PREFIX}N) found"
        )
    notes = list(problems)
    groups: dict[str, list[Audited]] = {}
    for item in articles:
        groups.setdefault(item.group, []).append(item)
    signatures: dict[str, str] = {}
    rows = []
    for name, members in sorted(groups.items()):
        row = _group_row(name, members, signatures)
        rows.append(row)
        if len(members) < MIN_GROUP_ARTICLES or row["words"] < MIN_GROUP_WORDS:
            notes.append(
                f"{by} {name!r}: only {len(members)} articles, {row['words']} words: too small to compare "
                f"reliably (at least {MIN_GROUP_ARTICLES} articles and {MIN_GROUP_WORDS} words)"
            )
    rule_rows = [
        {by: name, "code": code, "count": count, "per_1000_words": per_thousand(count, _words(members))}
        for name, members in sorted(groups.items())
        for code, count in sorted(_rule_counts(members).items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    comparisons = _comparisons(groups, by, samples, seed, notes, signatures)
    return AuditResult(
        groups=pd.DataFrame(rows).rename(columns={"group": by}),
        rules=pd.DataFrame(rule_rows, columns=[by, "code", "count", "per_1000_words"]),
        comparisons=pd.DataFrame(comparisons),
        notes=tuple(notes),
        signatures=signatures,
        by=by,
    )


def _words(members: Sequence[Audited]) -> int:
    return sum(m.words for m in members)


def _rule_counts(members: Iterable[Audited]) -> Counter[str]:
    total: Counter[str] = Counter()
    for member in members:
        total.update(member.rules)
    return total


def _group_row(name: str, members: list[Audited], signatures: dict[str, str]) -> dict[str, Any]:
    words = _words(members)
    findings = sum(sum(m.severities.values()) for m in members)
    row: dict[str, Any] = {
        "group": name,
        "articles": len(members),
        "words": words,
        "findings": findings,
        "findings_per_1000_words": per_thousand(findings, words),
        "penalty_per_1000_words": per_thousand(sum(m.penalty for m in members), words),
    }
    for severity in _WEIGHTS:
        row[f"{severity}_per_1000_words"] = per_thousand(
            sum(m.severities.get(severity, 0) for m in members), words
        )
    families = sorted({f for m in members for f in m.families})
    for family in families:
        row[f"{family}_per_1000_words"] = per_thousand(sum(m.families.get(family, 0) for m in members), words)
    metrics = sorted({metric for m in members for metric in m.segment_scores})
    for metric in metrics:
        values = [v for m in members for v in m.segment_scores.get(metric, [])]
        row[f"mean_{metric}"] = round(statistics.fmean(values), 4)
        row[f"worst_{metric}"] = round(min(values), 4)
    referenced = [m for m in members if m.reference]
    if referenced:
        row.update(_reference_scores(referenced, signatures))
    worst = sorted(members, key=lambda m: (-m.artefact_score, m.id))[:WORST_ARTICLES]
    row["worst_articles"] = ", ".join(f"{m.id} ({m.artefact_score:g})" for m in worst)
    row["top_rules"] = ", ".join(
        f"{code} ×{count}"
        for code, count in sorted(_rule_counts(members).items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_RULES]
    )
    return row


def _reference_scores(members: list[Audited], signatures: dict[str, str]) -> dict[str, Any]:
    """Corpus BLEU, chrF and TER of the group's articles against their references (one line per article)."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    hypotheses = [m.hypothesis for m in members]
    references = [[" ".join(str(m.reference).split()) for m in members]]
    result: dict[str, Any] = {"referenced_articles": len(members)}
    for name, metric in (("bleu", BLEU()), ("chrf", CHRF()), ("ter", TER())):
        score = metric.corpus_score(hypotheses, references)
        result[name] = round(score.score, 2)
        signatures[name] = str(metric.get_signature())
    return result


def _comparisons(
    groups: dict[str, list[Audited]],
    by: str,
    samples: int,
    seed: int,
    notes: list[str],
    signatures: dict[str, str],
) -> list[dict[str, Any]]:
    """Paired comparisons of every two groups that translated some of the same sources."""
    rows: list[dict[str, Any]] = []
    for (name_a, members_a), (name_b, members_b) in combinations(sorted(groups.items()), 2):
        by_source_a = {m.source_key: m for m in members_a if m.source_key}
        by_source_b = {m.source_key: m for m in members_b if m.source_key}
        shared = sorted(set(by_source_a) & set(by_source_b))
        if not shared:
            continue
        pairs = [(by_source_a[k], by_source_b[k]) for k in shared]
        row: dict[str, Any] = {"a": name_a, "b": name_b, "shared_sources": len(shared)}
        penalty_a = _rate([a for a, _ in pairs])
        penalty_b = _rate([b for _, b in pairs])
        low, high = _bootstrap_difference(pairs, samples, seed)
        row.update(
            {
                "penalty_per_1000_words_a": penalty_a,
                "penalty_per_1000_words_b": penalty_b,
                "penalty_difference": round(penalty_a - penalty_b, 3),
                "difference_ci_low": low,
                "difference_ci_high": high,
                "significant": not (low <= 0.0 <= high),
            }
        )
        referenced = [(a, b) for a, b in pairs if a.reference and b.reference]
        if len(referenced) >= 2:
            row.update(_paired_reference_test(referenced, name_a, name_b, samples, signatures))
        rows.append(row)
        if len(shared) < MIN_SHARED_SOURCES:
            notes.append(
                f"{by} {name_a!r} vs {name_b!r}: only {len(shared)} shared sources; the confidence interval "
                f"is wide (at least {MIN_SHARED_SOURCES} make a useful comparison)"
            )
    return rows


def _rate(members: Sequence[Audited]) -> float:
    return per_thousand(sum(m.penalty for m in members), _words(members))


def _bootstrap_difference(
    pairs: list[tuple[Audited, Audited]], samples: int, seed: int
) -> tuple[float, float]:
    """95% interval of the difference in penalty per 1,000 words, resampling the shared sources."""
    generator = random.Random(seed)
    count = len(pairs)
    differences = []
    for _ in range(samples):
        drawn = [pairs[generator.randrange(count)] for _ in range(count)]
        differences.append(_rate([a for a, _ in drawn]) - _rate([b for _, b in drawn]))
    differences.sort()
    return (
        round(differences[int(0.025 * (samples - 1))], 3),
        round(differences[int(0.975 * (samples - 1))], 3),
    )


def _paired_reference_test(
    pairs: list[tuple[Audited, Audited]], name_a: str, name_b: str, samples: int, signatures: dict[str, str]
) -> dict[str, Any]:
    """sacrebleu's paired bootstrap of BLEU and chrF, group ``a`` as the baseline."""
    from sacrebleu.metrics import BLEU, CHRF
    from sacrebleu.significance import PairedTest

    references = [[" ".join(str(a.reference).split()) for a, _ in pairs]]
    test = PairedTest(
        [(name_a, [a.hypothesis for a, _ in pairs]), (name_b, [b.hypothesis for _, b in pairs])],
        {"bleu": BLEU(), "chrf": CHRF()},
        references,
        test_type="bs",
        n_samples=samples,
    )
    test_signatures, results = test()
    row: dict[str, Any] = {}
    for metric, key in (("BLEU", "bleu"), ("chrF2", "chrf")):
        result_a, result_b = (cast(Any, r) for r in results[metric])
        row[f"{key}_a"] = round(float(result_a.score), 2)
        row[f"{key}_b"] = round(float(result_b.score), 2)
        row[f"{key}_b_ci"] = round(float(result_b.ci), 2)
        row[f"{key}_p_value"] = round(float(result_b.p_value), 4)
        signatures[f"{key}_paired_bootstrap"] = str(test_signatures[metric])
    return row


# --- output --------------------------------------------------------------------------------------------

AUDIT_FORMATS = ("csv", "xlsx", "html")


def write_audit(result: AuditResult, output: Path, formats: Sequence[str]) -> list[Path]:
    """``audit.csv`` (+ ``audit-rules.csv``, ``audit-pairs.csv``), ``audit.xlsx``, ``audit.html``."""
    ensure_folder(output)
    written: list[Path] = []
    if "csv" in formats:
        for name, frame in (
            (AUDIT_CSV, result.groups),
            (AUDIT_RULES_CSV, result.rules),
            (AUDIT_PAIRS_CSV, result.comparisons),
        ):
            path = output / name
            write_text_atomic(path, _neutralised(frame).to_csv(index=False))
            written.append(path)
    if "xlsx" in formats:
        path = output / AUDIT_XLSX
        _write_xlsx(result, path)
        written.append(path)
    if "html" in formats:
        path = output / AUDIT_HTML
        write_text_atomic(path, render_html(result))
        written.append(path)
    return written


def _neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe (OWASP)."""
    return frame.map(neutralise_cell)


def _write_xlsx(result: AuditResult, path: Path) -> None:
    import os
    import secrets

    import pandas as pd

    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with pd.ExcelWriter(temporary, engine="openpyxl") as writer:
            _neutralised(result.groups).to_excel(writer, sheet_name="groups", index=False)
            _neutralised(result.rules).to_excel(writer, sheet_name="rules", index=False)
            _neutralised(result.comparisons).to_excel(writer, sheet_name="pairs", index=False)
            pd.DataFrame({"note": list(result.notes)}).to_excel(writer, sheet_name="notes", index=False)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


_STYLE = (
    "body{font:15px/1.45 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;"
    "margin:1em 0}th,td{border:1px solid #bbb;padding:.25em .5em;text-align:right}th:first-child,"
    "td:first-child{text-align:left}caption{text-align:left;font-weight:600}"
)


def render_html(result: AuditResult) -> str:
    """One self-contained page: the group table, a bar chart of penalties, pairs and notes; all escaped."""
    by = html.escape(result.by)
    chart = _bar_chart(
        [(str(r[result.by]), float(r["penalty_per_1000_words"])) for r in result.groups.to_dict("records")]
    )
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>mtqa audit by {by}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>mtqa audit by {by}</h1>",
        "<h2>Penalty per 1,000 words (MQM weights minor 1, major 5, critical 10)</h2>",
        chart,
        _table(result.groups, f"Groups by {result.by}"),
        _table(result.comparisons, "Pairs of groups on shared sources (paired bootstrap, 95%)")
        if not result.comparisons.empty
        else "<p>No two groups translated the same sources: no paired comparison.</p>",
        _table(result.rules, "Findings by rule"),
    ]
    if result.notes:
        parts.append(
            "<h2>Notes</h2><ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in result.notes) + "</ul>"
        )
    if result.signatures:
        parts.append(
            "<h2>Signatures</h2><ul>"
            + "".join(
                f"<li>{html.escape(k)}: <code>{html.escape(v)}</code></li>"
                for k, v in result.signatures.items()
            )
            + "</ul>"
        )
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _table(frame: pd.DataFrame, caption: str) -> str:
    head = "".join(f"<th scope='col'>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if _missing(v) else str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return (
        f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _bar_chart(values: list[tuple[str, float]]) -> str:
    """A horizontal bar chart as inline SVG: no script, no external file."""
    if not values:
        return ""
    top = max(v for _, v in values) or 1.0
    row_height, label_width, bar_width = 22, 180, 360
    height = row_height * len(values) + 10
    bars = []
    for index, (label, value) in enumerate(values):
        y = 5 + index * row_height
        width = bar_width * value / top
        bars.append(
            f"<text x='{label_width - 6}' y='{y + 15}' text-anchor='end'>{html.escape(label)}</text>"
            f"<rect x='{label_width}' y='{y + 3}' width='{width:.1f}' height='{row_height - 6}' "
            "fill='#0072B2'/>"
            f"<text x='{label_width + width + 4:.1f}' y='{y + 15}'>{value:g}</text>"
        )
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' role='img' aria-label='penalty per 1,000 words by group' "
        f"width='{label_width + bar_width + 80}' height='{height}' font-size='13'>{''.join(bars)}</svg>"
    )


def console_table(result: AuditResult) -> str:
    """The main figures per group as an aligned plain-text table."""
    columns = [result.by, "articles", "words", "findings_per_1000_words", "penalty_per_1000_words"]
    columns += [c for c in ("bleu", "chrf", "ter") if c in result.groups.columns]
    frame = result.groups[columns].rename(
        columns={"findings_per_1000_words": "findings/1k", "penalty_per_1000_words": "penalty/1k"}
    )
    lines = [frame.to_string(index=False)]
    for row in result.comparisons.to_dict("records"):
        lines.append(
            f"{row['a']} vs {row['b']} on {row['shared_sources']} shared sources: penalty/1k difference "
            f"{row['penalty_difference']:+g} "
            f"(95% CI {row['difference_ci_low']:g} to {row['difference_ci_high']:g})"
            + ("" if row["significant"] else ", not significant")
        )
    lines.extend(f"note: {note}" for note in result.notes)
    return "\n".join(lines)
