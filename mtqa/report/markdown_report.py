"""Per-article Markdown reports for desk editors: what is wrong, where, and what to write instead.

Matches and suggestions are never shortened, so a suggestion can be copied from the table as it
stands; each rule's *why* is given once, below the table, instead of in every row. Every piece of
article text is escaped, so a ``|`` in a headline cannot break the findings table and
``<script>`` or ``*`` in a match shows as typed instead of turning into markup.
"""

from __future__ import annotations

import re
from pathlib import Path

from mtqa.model import ArticleReport, RunSummary
from mtqa.report.base import RunInfo
from mtqa.report.files import ensure_folder, report_path, write_text_atomic
from mtqa.report.view import (
    SCORE_EXPLANATION,
    article_scores,
    counted,
    locate,
    metadata,
    scored_segments,
    suggestion_label,
)

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#&~!])")
_WHITESPACE = re.compile(r"\s+")
_PLAIN_URL = re.compile(r"https?://[^\s<>]+\Z")


def escape_markdown(text: str) -> str:
    """Text shown literally in a Markdown paragraph or table cell; runs of whitespace become one space."""
    return _SPECIAL.sub(r"\\\1", _WHITESPACE.sub(" ", text).strip())


def _url(url: str) -> str:
    """An autolink for plain http(s) addresses; anything else (``javascript:``...) stays inert text."""
    return f"<{url}>" if _PLAIN_URL.match(url) else escape_markdown(url)


def render_markdown(report: ArticleReport) -> str:
    article = report.article
    lines = [f"# {escape_markdown(article.title or article.id)}", ""]
    lines.append(
        " · ".join(
            f"{label}: {_url(value) if label == 'url' else escape_markdown(value)}"
            for label, value in metadata(report)
        )
    )
    counts = report.counts_by_severity()
    total = len(report.findings)
    severities = ", ".join(f"{counts[label]} {label}" for label in ("critical", "major", "minor"))
    lines += [
        "",
        f"**Artefact score {report.artefact_score:g}** ({SCORE_EXPLANATION}) · "
        f"{report.words} words · {counted(total, 'finding')} ({severities})",
        "",
    ]
    lines += _findings_table(report)
    lines += _scores_section(report)
    if report.notes:
        lines += ["## Notes", ""]
        lines += [f"- {escape_markdown(note)}" for note in report.notes]
        lines.append("")
    return "\n".join(lines)


def _findings_table(report: ArticleReport) -> list[str]:
    located = locate(report)
    if not located:
        return ["No findings.", ""]
    # a bilingual file's findings name their segment, so a CAT tool user can find it
    units = bool(report.article.units)
    lines = [
        "## Findings",
        "",
        "| Line:Col | "
        + ("Segment | " if units else "")
        + "Code | Severity | Match | Message | Suggestion |",
        "|---|---|---|---|---|---|" + ("---|" if units else ""),
    ]
    for item in located:
        finding = item.finding
        label = suggestion_label(finding.suggestion)
        segment = f" {escape_markdown(finding.unit or '')} |" if units else ""
        lines.append(
            f"| {item.line}:{item.column} |{segment} {finding.code} | {finding.severity.label} "
            f"| {escape_markdown(finding.match)} | {escape_markdown(finding.message)} "
            f"| {'' if label is None else escape_markdown(label)} |"
        )
    lines += ["", "### Why it matters", ""]
    whys = {item.finding.code: (item.finding.rule, item.finding.why) for item in located}
    lines += [f"- **{code}** {name}: {escape_markdown(why)}" for code, (name, why) in sorted(whys.items())]
    lines.append("")
    return lines


def _scores_section(report: ArticleReport) -> list[str]:
    lines: list[str] = []
    overall = article_scores(report)
    if overall:
        lines += ["## Scores", ""]
        lines += [f"- {escape_markdown(s.metric)}: {s.value:.4g}" for s in overall]
        lines.append("")
    segments = scored_segments(report)
    if segments:
        lines += [
            "## Segments",
            "",
            "| Line | Segment | Back-translation | Scores |",
            "|---|---|---|---|",
        ]
        for scored in segments:
            values = ", ".join(f"{escape_markdown(s.metric)} {s.value:.4g}" for s in scored.scores)
            lines.append(
                f"| {scored.line} | {escape_markdown(scored.segment.text)} "
                f"| {escape_markdown(scored.backtranslation or '')} | {values} |"
            )
        lines.append("")
    return lines


class MarkdownReporter:
    """Writes ``<output>/<id>.md`` for each article."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir

    def start(self, run: RunInfo) -> None:
        ensure_folder(self.output_dir)

    def article(self, report: ArticleReport) -> None:
        write_text_atomic(report_path(self.output_dir, report.article.id, ".md"), render_markdown(report))

    def finish(self, summary: RunSummary) -> None:
        """Nothing to add: every article's file is complete when written."""
