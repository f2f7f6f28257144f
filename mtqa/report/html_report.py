"""Per-article HTML reports: the article text with every finding highlighted, then the findings table.

The page is self-contained (inline CSS, no scripts, no external resources) so it can be mailed or
archived, and every piece of input text goes through ``html.escape``: articles come from the web.
Overlapping findings are drawn by splitting the text at every finding boundary, so each piece is one
``<mark>`` listing all findings that cover it and the markup always nests correctly.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from mtqa.model import ArticleReport, RunSummary, Severity
from mtqa.report.base import RunInfo
from mtqa.report.files import ensure_folder, report_path, write_text_atomic
from mtqa.report.view import (
    LocatedFinding,
    article_scores,
    counted,
    describe,
    locate,
    metadata,
    scored_segments,
    suggestion_label,
)

_PLAIN_URL = re.compile(r"https?://[^\s<>\"']+\Z")
_POINT_MARK = "‸"

_STYLE = """
body { font-family: Georgia, serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.5; color: #222; }
h1 { font-size: 1.6rem; }
.meta, .score { color: #555; font-family: sans-serif; font-size: 0.9rem; }
.text { white-space: pre-wrap; border-left: 3px solid #ddd; padding-left: 1rem; }
mark { border-radius: 2px; padding: 0 1px; }
mark.minor { background: #fff3b0; }
mark.major { background: #ffc999; }
mark.critical { background: #ff9b9b; }
mark.overlap { outline: 1px dashed #a33; }
mark.point { background: none; color: #c00; font-weight: bold; }
table { border-collapse: collapse; font-family: sans-serif; font-size: 0.85rem; width: 100%; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.4rem; vertical-align: top; text-align: left; }
td.sev-critical { color: #b00; font-weight: bold; }
td.sev-major { color: #b50; }
"""


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _link(url: str) -> str:
    """A link only for plain http(s) addresses; ``javascript:`` and the like stay inert text."""
    if _PLAIN_URL.match(url):
        return f'<a href="{_escape(url)}">{_escape(url)}</a>'
    return _escape(url)


def highlight(text: str, located: list[LocatedFinding]) -> str:
    """The escaped ``text`` with ``<mark>``s; finding ``n`` (1-based, reading order) anchors ``m<n>``."""
    numbered = list(enumerate(located, 1))
    length = len(text)
    bounds = {0, length}
    for _, item in numbered:
        bounds.add(min(max(item.finding.start, 0), length))
        bounds.add(min(max(item.finding.end, 0), length))
    cuts = sorted(bounds)
    pieces: list[str] = []
    for left, right in zip(cuts, [*cuts[1:], length], strict=True):
        starting = [(n, item) for n, item in numbered if item.finding.start == left]
        pieces += [f'<a id="m{n}"></a>' for n, _ in starting]
        pieces += [_mark([item], _POINT_MARK, "point") for _, item in starting if item.finding.end <= left]
        if right <= left:
            continue
        covering = [item for _, item in numbered if item.finding.start <= left and item.finding.end >= right]
        piece = _escape(text[left:right])
        pieces.append(_mark(covering, piece, "overlap" if len(covering) > 1 else "") if covering else piece)
    return "".join(pieces)


def _mark(covering: list[LocatedFinding], content: str, extra_class: str) -> str:
    worst = max(item.finding.severity for item in covering)
    classes = " ".join(filter(None, (worst.label, extra_class)))
    title = "\n".join(describe(item.finding) for item in covering)
    return f'<mark class="{classes}" title="{_escape(title)}">{content}</mark>'


def render_html(report: ArticleReport) -> str:
    article = report.article
    located = locate(report)
    title = article.title or article.id
    counts = report.counts_by_severity()
    severities = ", ".join(f"{counts[s.label]} {s.label}" for s in sorted(Severity, reverse=True))
    meta = " · ".join(
        f"{_escape(label)}: {_link(value) if label == 'url' else _escape(value)}"
        for label, value in metadata(report)
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="de">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_escape(title)} · mtqa</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{_escape(title)}</h1>",
        f'<p class="meta">{meta}</p>',
        f'<p class="score">Artefact score <strong>{report.artefact_score:g}</strong> '
        f"(severity-weighted findings per 100 words) · {report.words} words · "
        f"{counted(len(located), 'finding')} ({severities})</p>",
        f'<div class="text">{highlight(article.text, located)}</div>',
        *_findings_table(located),
        *_scores(report),
        *_notes(report),
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _findings_table(located: list[LocatedFinding]) -> list[str]:
    if not located:
        return ["<p>No findings.</p>"]
    rows = [
        "<h2>Findings</h2>",
        "<table>",
        "<tr><th>Line:Col</th><th>Code</th><th>Severity</th><th>Match</th><th>Message</th>"
        "<th>Suggestion</th></tr>",
    ]
    for n, item in enumerate(located, 1):
        finding = item.finding
        label = suggestion_label(finding.suggestion)
        rows.append(
            f'<tr id="f{n}"><td><a href="#m{n}">{item.line}:{item.column}</a></td>'
            f'<td title="{_escape(finding.rule)}">{_escape(finding.code)}</td>'
            f'<td class="sev-{finding.severity.label}">{finding.severity.label}</td>'
            f"<td>{_escape(finding.match)}</td>"
            f'<td title="{_escape(finding.why)}">{_escape(finding.message)}</td>'
            f"<td>{'' if label is None else _escape(label)}</td></tr>"
        )
    rows.append("</table>")
    return rows


def _scores(report: ArticleReport) -> list[str]:
    parts: list[str] = []
    overall = article_scores(report)
    if overall:
        parts += ["<h2>Scores</h2>", "<ul>"]
        parts += [
            f'<li title="{_escape(s.signature)}">{_escape(s.metric)}: {s.value:.4g}</li>' for s in overall
        ]
        parts.append("</ul>")
    segments = scored_segments(report)
    if segments:
        parts += [
            "<h2>Segments</h2>",
            "<table>",
            "<tr><th>Line</th><th>Segment</th><th>Back-translation</th><th>Scores</th></tr>",
        ]
        for scored in segments:
            values = ", ".join(f"{_escape(s.metric)} {s.value:.4g}" for s in scored.scores)
            parts.append(
                f"<tr><td>{scored.line}</td><td>{_escape(scored.segment.text)}</td>"
                f"<td>{_escape(scored.backtranslation or '')}</td><td>{values}</td></tr>"
            )
        parts.append("</table>")
    return parts


def _notes(report: ArticleReport) -> list[str]:
    if not report.notes:
        return []
    return ["<h2>Notes</h2>", "<ul>", *(f"<li>{_escape(note)}</li>" for note in report.notes), "</ul>"]


class HtmlReporter:
    """Writes ``<output>/<id>.html`` for each article."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir

    def start(self, run: RunInfo) -> None:
        ensure_folder(self.output_dir)

    def article(self, report: ArticleReport) -> None:
        write_text_atomic(report_path(self.output_dir, report.article.id, ".html"), render_html(report))

    def finish(self, summary: RunSummary) -> None:
        """Nothing to add: every article's file is complete when written."""
