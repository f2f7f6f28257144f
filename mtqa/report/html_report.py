"""Per-article HTML pages (``<id>.html``) for desk editors, and the run's ``index.html``.

A page is one self-contained file (inline CSS, no scripts, no fonts, no external resource of any kind)
so it can be mailed or archived and opened offline, and every piece of input text goes through
``page.escape``: articles come from the web. Each finding is one focusable ``<mark class="hl">``
whose tip (code, message, why, suggestion) shows on keyboard focus, on a click and when the side
list's link targets it, so nothing needs a mouse or JavaScript. Findings nest as marks; one that
starts inside another and ends after it is cut at the outer mark's end and continued by a plain,
unfocusable mark, so the markup always nests and there is exactly one highlight per finding.
A bilingual file's page also names each finding's segment (table, side list, tip) and marks where each
segment starts with an anchor (``#seg-<id>``) that shows the id, so a translator can find it in the CAT tool.
"""

from __future__ import annotations

import difflib
import heapq
import re
from dataclasses import dataclass
from pathlib import Path

from mtqa import __version__
from mtqa.fix import apply_fixes
from mtqa.model import ArticleReport, RunSummary, Score, Severity, Unit
from mtqa.report.base import RunInfo
from mtqa.report.files import ensure_folder, report_path, write_text_atomic
from mtqa.report.index_report import IndexReporter
from mtqa.report.page import BASE_STYLE, FAVICON, ICONS, escape, legend, link, severity_label
from mtqa.report.view import (
    SCORE_EXPLANATION,
    LocatedFinding,
    article_scores,
    brief,
    counted,
    locate,
    metadata,
    suggestion_label,
    unit_indexes,
    unit_positions,
)
from mtqa.rules.registry import FAMILIES
from mtqa.segment import LineIndex, sentences

POINT_MARK = "‸"
"""Shown where a finding has no width (a missing character)."""
PLAIN_UNIT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}\Z")
"""Segment ids used as they are in an anchor (``seg-<id>``); any other id is anchored by position."""
UNIT_LABEL_CHARS = 24
"""The side list shortens longer segment ids; the table and the tip show them whole."""

ARTICLE_STYLE = """
.layout { display: grid; grid-template-columns: minmax(0, 1fr) 19rem; gap: 2rem; align-items: start; }
.side { position: sticky; top: 0.5rem; max-height: 96vh; overflow: auto; font-size: 0.85rem;
        border-left: 1px solid #ddd; padding-left: 1rem; }
.side ol { padding-left: 1.2rem; margin: 0.25rem 0; }
.side li { margin: 0.2rem 0; }
.text { white-space: pre-wrap; font-size: 1.05rem; }
mark { color: inherit; background: none; text-underline-offset: 0.22em; }
mark.sev-minor { background: var(--minor-bg); text-decoration: underline dotted var(--minor) 2px; }
mark.sev-major { background: var(--major-bg); text-decoration: underline dashed var(--major) 2px; }
mark.sev-critical { background: var(--critical-bg); text-decoration: underline solid var(--critical) 3px; }
mark.hl { position: relative; cursor: help; }
mark.hl:focus { outline: 3px solid var(--focus); outline-offset: 1px; }
mark.hl:target { outline: 3px solid #000; box-shadow: 0 0 0 6px #f0e442; }
mark.point { font-weight: bold; }
.tip { display: none; position: absolute; left: 0; top: 1.7em; z-index: 5; width: 24rem; max-width: 80vw;
       background: #fff; color: var(--ink); border: 1px solid #333; border-radius: 4px;
       padding: 0.5rem 0.6rem;
       box-shadow: 0 2px 8px rgba(0,0,0,0.25); font-size: 0.85rem; line-height: 1.4; white-space: normal;
       font-weight: normal; text-align: left; }
.tip b { display: block; }
mark.hl:focus > .tip, mark.hl:target > .tip { display: block; }
tr.lowest td { font-weight: bold; }
.badge { font-family: system-ui, sans-serif; font-size: 0.8rem; white-space: nowrap; }
.diff { font-size: 0.9rem; }
.diff p { margin: 0.15rem 0; padding: 0.15rem 0.4rem; white-space: pre-wrap; }
.diff .new { margin-bottom: 0.6rem; }
.diff .old { background: #f6f6f6; } .diff .new { background: #eef6fb; }
del { background: #f7cdb1; text-decoration: line-through; }
ins { background: #cfe8f7; text-decoration: underline; }
pre.corrected { white-space: pre-wrap; font-family: Georgia, serif; font-size: 1rem;
                border-left: 3px solid #ccc; padding-left: 1rem; }
dl.why dt { font-weight: bold; font-family: system-ui, sans-serif; }
dl.why dd { margin: 0 0 0.6rem 1.2rem; }
code { font-size: 0.9em; }
@media (max-width: 60rem) { .layout { grid-template-columns: 1fr; }
  .side { position: static; max-height: none; border-left: none; padding-left: 0; } }
@media print { .layout { display: block; } .side { position: static; max-height: none; overflow: visible; }
  .tip { display: none !important; } mark.hl:target { box-shadow: none; outline: none; } }
"""

SEGMENT_STYLE = """
.seg::before { content: attr(data-seg); display: inline-block; max-width: 12rem; overflow: hidden;
               text-overflow: ellipsis; white-space: nowrap; vertical-align: top; margin-right: 0.4rem;
               font: 0.7rem system-ui, sans-serif; color: var(--muted); }
.seg:target::before { color: var(--ink); background: #f0e442; }
td.unit { overflow-wrap: anywhere; min-width: 4rem; }
"""
"""Only on pages of bilingual files, so every other page stays as it was."""


@dataclass(frozen=True)
class _Piece:
    """A finding's mark (``number``) or its continuation, over ``[start, end)`` of the text."""

    start: int
    end: int
    number: int
    continued: bool


def highlight(
    text: str, located: list[LocatedFinding], units: tuple[Unit, ...] = (), anchors: list[str] | None = None
) -> str:
    """The escaped ``text`` with one focusable ``<mark id="m<n>">`` per finding (``n`` in reading order).

    With ``units`` (and their ``anchors``), an empty ``<span class="seg">`` marks each segment's start.
    """
    length = len(text)
    queue: list[tuple[int, int, int, bool]] = []
    for n, item in enumerate(located, 1):
        start = min(max(item.finding.start, 0), length)
        end = min(max(item.finding.end, start), length)
        heapq.heappush(queue, (start, -end, n, False))
    pieces: list[_Piece] = []
    open_ends: list[int] = []
    while queue:
        start, negative_end, n, continued = heapq.heappop(queue)
        end = -negative_end
        while open_ends and open_ends[-1] <= start:
            open_ends.pop()
        limit = open_ends[-1] if open_ends else length
        if end > limit:
            heapq.heappush(queue, (limit, -end, n, True))
            end = limit
        pieces.append(_Piece(start, end, n, continued))
        if end > start:
            open_ends.append(end)
    starts = sorted(
        (
            (min(max(unit.start, 0), length), _segment_anchor(unit, anchor))
            for unit, anchor in zip(units, unit_anchors(units) if anchors is None else anchors, strict=True)
        ),
        key=lambda start: start[0],
    )
    return _render_pieces(text, pieces, located, starts)


def unit_anchors(units: tuple[Unit, ...]) -> list[str]:
    """An element id per segment: ``seg-<id>`` for a plain, unique id, else ``seg_<n>`` (its position).

    Ids are untrusted: one with spaces, quotes, markup or more than 64 characters, or one used twice,
    is anchored by position, and the two forms cannot collide.
    """
    anchors: list[str] = []
    used: set[str] = set()
    for n, unit in enumerate(units, 1):
        anchor = f"seg-{unit.id}"
        if not PLAIN_UNIT_ID.match(unit.id) or anchor in used:
            anchor = f"seg_{n}"
        used.add(anchor)
        anchors.append(anchor)
    return anchors


def _segment_anchor(unit: Unit, anchor: str) -> str:
    label = escape(unit.id)
    return f'<span class="seg" id="{anchor}" data-seg="{label}" title="segment {label}"></span>'


def _render_pieces(
    text: str, pieces: list[_Piece], located: list[LocatedFinding], starts: list[tuple[int, str]]
) -> str:
    out: list[str] = []
    stack: list[_Piece] = []
    at = 0
    next_start = 0

    def close(upto: int) -> None:
        nonlocal at
        while stack and stack[-1].end <= upto:
            piece = stack.pop()
            out.append(escape(text[at : piece.end]))
            at = piece.end
            out.append(_closing(piece, located))

    def mark_starts(upto: int) -> None:
        """Segment anchors up to ``upto``: after the marks that end there, before those that begin."""
        nonlocal at, next_start
        while next_start < len(starts) and starts[next_start][0] <= upto:
            offset, markup = starts[next_start]
            next_start += 1
            close(offset)
            out.append(escape(text[at:offset]))
            at = offset
            out.append(markup)

    for piece in pieces:
        mark_starts(piece.start)
        close(piece.start)
        out.append(escape(text[at : piece.start]))
        at = piece.start
        out.append(_opening(piece, located))
        if piece.end == piece.start:
            out.append(POINT_MARK)
            out.append(_closing(piece, located))
        else:
            stack.append(piece)
    mark_starts(len(text))
    close(len(text))
    out.append(escape(text[at:]))
    return "".join(out)


def _opening(piece: _Piece, located: list[LocatedFinding]) -> str:
    finding = located[piece.number - 1].finding
    classes = f"sev-{finding.severity.label} fam-{finding.family}"
    if piece.continued:
        return f'<mark class="cont {classes}" data-of="m{piece.number}">'
    point = " point" if piece.start == piece.end else ""
    segment = "" if finding.unit is None else f" (segment {finding.unit})"
    label = escape(f"{finding.severity.label} {finding.code}: {finding.message}{segment}")
    return f'<mark class="hl {classes}{point}" id="m{piece.number}" tabindex="0" aria-label="{label}">'


def _closing(piece: _Piece, located: list[LocatedFinding]) -> str:
    if piece.continued:
        return "</mark>"
    finding = located[piece.number - 1].finding
    label = suggestion_label(finding.suggestion)
    suggestion = "" if label is None else f"<b>Suggestion: {escape(label)}</b>"
    segment = "" if finding.unit is None else f"<br><i>Segment:</i> {escape(finding.unit)}"
    tip = (
        f'<span class="tip" role="tooltip"><b>{ICONS[finding.severity]} {finding.severity.label} · '
        f"{escape(finding.code)} {escape(finding.rule)}</b>{escape(finding.message)}"
        f"<br><i>Why:</i> {escape(finding.why)}{segment}{suggestion}</span>"
    )
    return f"{tip}</mark>"


def render_html(report: ArticleReport, version: str = __version__) -> str:
    """The article's page; ``version`` is the mtqa version named in its footer."""
    article = report.article
    located = locate(report)
    units = article.units
    anchors = unit_anchors(units)
    segments = None
    if units:  # a bilingual file: each finding links to the anchor of its segment
        positions = unit_indexes(report, (item.finding for item in located))
        segments = [None if i is None else anchors[i] for i in positions]
    title = article.title or article.id
    counts = report.counts_by_severity()
    severities = ", ".join(f"{counts[s.label]} {s.label}" for s in sorted(Severity, reverse=True))
    meta = " · ".join(
        f"{escape(label)}: {link(value) if label == 'url' else escape(value)}"
        for label, value in metadata(report)
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="de">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        FAVICON,
        f"<title>{escape(title)} · mtqa</title>",
        f"<style>{BASE_STYLE}{ARTICLE_STYLE}{SEGMENT_STYLE if units else ''}</style>",
        "</head>",
        "<body>",
        '<p class="meta noprint"><a href="index.html">← Run index</a></p>',
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{meta}</p>',
        f'<p class="score">Artefact score <strong>{report.artefact_score:g}</strong> '
        f"({SCORE_EXPLANATION}) · {report.words} words · "
        f"{counted(len(located), 'finding')} ({severities})</p>",
        legend(),
        '<p class="note noprint">Tab through the highlights (or click one) to see its code, message, '
        "why and suggestion; the list beside the text jumps to each finding.</p>",
        '<div class="layout">',
        '<main><h2>Text</h2><div class="text" lang="de">'
        f"{highlight(article.text, located, units, anchors)}</div></main>",
        _side_list(located, segments),
        "</div>",
        *_findings_table(located, segments),
        *_corrected(report),
        *_segments(report, anchors),
        *_signatures(report),
        *_notes(report),
        f"<footer><p>Written by mtqa {escape(version)}.</p></footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _side_list(located: list[LocatedFinding], segments: list[str | None] | None) -> str:
    if not located:
        return '<nav class="side" aria-label="Findings by family"><h2>Findings</h2><p>No findings.</p></nav>'
    groups: dict[str, list[tuple[int, LocatedFinding]]] = {}
    for n, item in enumerate(located, 1):
        groups.setdefault(item.finding.family, []).append((n, item))
    parts = ['<nav class="side" aria-label="Findings by family">', "<h2>Findings by family</h2>"]
    for family in sorted(groups, key=lambda f: (list(FAMILIES).index(f) if f in FAMILIES else 99, f)):
        items = groups[family]
        parts.append(f"<h3>{escape(family)} · {escape(FAMILIES.get(family, ''))} ({len(items)})</h3><ol>")
        for n, item in items:
            finding = item.finding
            label = suggestion_label(finding.suggestion)
            arrow = "" if label is None else f" → {escape(brief(label, 40))}"
            unit = ""
            if segments is not None and finding.unit is not None:
                unit = f"[{escape(brief(finding.unit, UNIT_LABEL_CHARS))}] "
            parts.append(
                f'<li class="sev-{finding.severity.label}"><a href="#m{n}">'
                f'<span class="icon" aria-label="{finding.severity.label}">{ICONS[finding.severity]}</span> '
                f"<code>{escape(finding.code)}</code> {item.line}:{item.column} {unit}"
                f"{escape(brief(finding.match, 40))}{arrow}</a></li>"
            )
        parts.append("</ol>")
    parts.append("</nav>")
    return "".join(parts)


def _findings_table(located: list[LocatedFinding], segments: list[str | None] | None) -> list[str]:
    if not located:
        return []
    rows = [
        "<h2>Findings</h2>",
        "<table>",
        "<tr><th>Line:Col</th>"
        + ("<th>Segment</th>" if segments is not None else "")
        + "<th>Code</th><th>Severity</th><th>Match</th><th>Message</th><th>Suggestion</th></tr>",
    ]
    whys: dict[str, tuple[str, str]] = {}
    for n, item in enumerate(located, 1):
        finding = item.finding
        whys[finding.code] = (finding.rule, finding.why)
        label = suggestion_label(finding.suggestion)
        segment = ""
        if segments is not None:
            anchor = segments[n - 1]
            unit = escape(finding.unit or "")
            link = f'<a href="#{anchor}">{unit}</a>' if anchor and unit else unit
            segment = f'<td class="unit">{link}</td>'
        rows.append(
            f'<tr id="f{n}"><td><a href="#m{n}">{item.line}:{item.column}</a></td>{segment}'
            f"<td>{escape(finding.code)}</td>"
            f"<td>{severity_label(finding.severity)}</td>"
            f"<td>{escape(finding.match)}</td>"
            f"<td>{escape(finding.message)}</td>"
            f"<td>{'' if label is None else escape(label)}</td></tr>"
        )
    rows.append("</table>")
    rows.append("<h3>Why it matters</h3>")
    rows.append('<dl class="why">')
    rows += [
        f"<dt>{escape(code)} {escape(name)}</dt><dd>{escape(why)}</dd>"
        for code, (name, why) in sorted(whys.items())
    ]
    rows.append("</dl>")
    return rows


def _corrected(report: ArticleReport) -> list[str]:
    """The text with the safe fixes applied (what ``mtqa fix`` writes) and a word-level diff."""
    result = apply_fixes(report.article.text, report.findings)
    parts = ['<h2 id="corrected">Corrected text</h2>']
    if not result.changed:
        parts.append(
            "<p>No safe fix applies; every suggestion above needs an editor.</p>" if report.findings else ""
        )
        return parts
    codes = ", ".join(sorted({f.code for f in result.applied}))
    parts.append(
        f"<p>{_fixes(len(result.applied))} applied ({escape(codes)}); "
        f"{counted(result.unsafe, 'suggestion')} left for an editor; {len(result.skipped)} dropped because "
        "another fix changes the same characters. <code>mtqa fix</code> writes this text.</p>"
    )
    parts.append('<h3>Changes</h3><div class="diff">')
    old_lines = result.original.split("\n")
    new_lines = result.text.split("\n")
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old = "\n".join(old_lines[i1:i2])
        new = "\n".join(new_lines[j1:j2])
        old_html, new_html = _word_diff(old, new)
        line = f"line {i1 + 1}" if i2 - i1 <= 1 else f"lines {i1 + 1}–{i2}"
        if i2 > i1:
            parts.append(f'<p class="old"><span class="badge">− {line}</span> {old_html}</p>')
        if j2 > j1:
            parts.append(f'<p class="new"><span class="badge">+</span> {new_html}</p>')
    parts.append("</div>")
    parts.append(
        f'<details><summary>Whole corrected text</summary><pre class="corrected" lang="de">'
        f"{escape(result.text)}</pre></details>"
    )
    return parts


WORD_DIFF_LIMIT = 3000
"""Changed blocks with more words than this are shown whole, without word marks (the diff is quadratic)."""


def _fixes(number: int) -> str:
    return "1 safe fix" if number == 1 else f"{number} safe fixes"


def _word_diff(old: str, new: str) -> tuple[str, str]:
    old_words = old.split(" ")
    new_words = new.split(" ")
    if len(old_words) + len(new_words) > WORD_DIFF_LIMIT:
        return f"<del>{escape(old)}</del>" if old else "", f"<ins>{escape(new)}</ins>" if new else ""
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    left: list[str] = []
    right: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a = escape(" ".join(old_words[i1:i2]))
        b = escape(" ".join(new_words[j1:j2]))
        if tag == "equal":
            left.append(a)
            right.append(b)
            continue
        if a:
            left.append(f"<del>{a}</del>")
        if b:
            right.append(f"<ins>{b}</ins>")
    return " ".join(left), " ".join(right)


def _segments(report: ArticleReport, anchors: list[str]) -> list[str]:
    """German beside its back-translation and, with a source text, the aligned source sentences."""
    backtranslations = dict(report.backtranslations)
    scores: dict[int, list[Score]] = {}
    for score in report.scores:
        if score.segment is not None:
            scores.setdefault(score.segment, []).append(score)
    source = _aligned_source(report)
    if not backtranslations and not scores and not source:
        return []
    lowest: dict[str, int] = {}
    for metric in sorted({s.metric for values in scores.values() for s in values}):
        ranked = [(s.value, index) for index, values in scores.items() for s in values if s.metric == metric]
        if len(ranked) > 1:
            lowest[metric] = min(ranked)[1]
    index = LineIndex(report.article.text)
    units = report.article.units
    positions = unit_positions(units, (segment.start for segment in report.segments))
    heads = ["Segment" if units else "Line", "German"]
    heads += ["English back-translation"] if backtranslations else []
    heads += [f"Source ({escape(report.article.source_lang or '?')})"] if source else []
    heads += ["Scores"] if scores else []
    parts = [
        "<h2>Segments</h2>",
        "<p>Lowest score of each metric marked ▼.</p>" if lowest else "",
        "<table>",
        "<tr>" + "".join(f"<th>{h}</th>" for h in heads) + "</tr>",
    ]
    for segment, position in zip(report.segments, positions, strict=True):
        if not segment.text.strip():
            continue
        own = scores.get(segment.index, [])
        worst = any(lowest.get(s.metric) == segment.index for s in own)
        if units:
            where = (
                "" if position is None else f'<a href="#{anchors[position]}">{escape(units[position].id)}</a>'
            )
        else:
            where = str(index.line_col(segment.start)[0])
        cells = [where, escape(segment.text)]
        if backtranslations:
            cells.append(f'<span lang="en">{escape(backtranslations.get(segment.index, ""))}</span>')
        if source:
            cells.append(escape(source.get(segment.index, "")))
        if scores:
            cells.append(
                "<br>".join(
                    f"{escape(s.metric)} {s.value:.4g}"
                    + (
                        ' <span class="badge">▼ lowest</span>'
                        if lowest.get(s.metric) == segment.index
                        else ""
                    )
                    for s in own
                )
            )
        row_class = ' class="lowest"' if worst else ""
        parts.append(f"<tr{row_class}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    parts.append("</table>")
    return parts


def _aligned_source(report: ArticleReport) -> dict[int, str]:
    """Segment index -> the source sentences aligned to it (Gale-Church, guided by an English BT).

    A bilingual file is aligned already: a unit's source stands beside its first German sentence.
    """
    article = report.article
    if not article.source:
        return {}
    if article.units:
        aligned: dict[int, str] = {}
        shown: set[int] = set()
        positions = unit_positions(article.units, (segment.start for segment in report.segments))
        for segment, position in zip(report.segments, positions, strict=True):
            if position is None or position in shown or not segment.text.strip():
                continue
            unit = article.units[position]
            if segment.start >= unit.end:
                continue
            shown.add(position)
            aligned[segment.index] = article.source[unit.source_start : unit.source_end].strip()
        return aligned
    from mtqa.backtranslate.align import align_texts

    chrome = [(f.start, f.end) for f in report.findings if f.family == "BPL"]
    segments = [
        s
        for s in report.segments
        if s.text.strip() and not any(start <= s.start and s.end <= end for start, end in chrome)
    ]
    source = [s.text for s in sentences(article.source)]
    backtranslations = dict(report.backtranslations)
    guide = None
    if (article.source_lang or "").lower() == "en" and all(s.index in backtranslations for s in segments):
        guide = [backtranslations[s.index] for s in segments]
    if not segments or not source:
        return {}
    aligned = {}
    for bead in align_texts([s.text for s in segments], source, guide):
        if not bead.left:
            continue
        text = " ".join(source[j] for j in bead.right)
        for i in bead.left:
            aligned[segments[i].index] = text
    return aligned


def _signatures(report: ArticleReport) -> list[str]:
    overall = article_scores(report)
    signatures = sorted({(s.metric, s.signature) for s in report.scores})
    if not signatures:
        return []
    parts = ["<h2>Scores and signatures</h2>"]
    if overall:
        parts.append(
            "<ul>" + "".join(f"<li>{escape(s.metric)}: {s.value:.4g}</li>" for s in overall) + "</ul>"
        )
    parts.append(
        "<p>Each score names the model, backend and metric settings that produced it:</p><dl>"
        + "".join(f"<dt>{escape(m)}</dt><dd><code>{escape(sig)}</code></dd>" for m, sig in signatures)
        + "</dl>"
    )
    return parts


def _notes(report: ArticleReport) -> list[str]:
    if not report.notes:
        return []
    return ["<h2>Notes</h2>", "<ul>", *(f"<li>{escape(note)}</li>" for note in report.notes), "</ul>"]


class HtmlReporter:
    """Writes ``<output>/<id>.html`` for each article and ``<output>/index.html`` for the run."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        self.index = IndexReporter(output_dir)
        self._version = __version__

    def start(self, run: RunInfo) -> None:
        ensure_folder(self.output_dir)
        self._version = run.version
        self.index.start(run)

    def article(self, report: ArticleReport) -> None:
        path = report_path(self.output_dir, report.article.id, ".html")  # refuses an unsafe id
        write_text_atomic(path, render_html(report, self._version))
        self.index.article(report)

    def finish(self, summary: RunSummary) -> None:
        self.index.finish(summary)
