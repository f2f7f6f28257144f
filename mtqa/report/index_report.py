"""The run index (``index.html``): which article to fix first, what could not be read, and two charts.

Rows are collected in ``article()`` as small ``IndexRow``s (no text), so the index never needs the
run summary's reports; failures come from the summary. The table is ordered by artefact score, worst
first, and works as plain HTML; a small inline script, when it runs, adds sorting by any column and a
filter box (progressive enhancement). Charts are inline SVG. Nothing is fetched from anywhere. A
bilingual file's row also says how many of its segments have findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mtqa import __version__
from mtqa.model import ArticleFailure, ArticleReport, RunSummary, Severity
from mtqa.report.base import RunInfo
from mtqa.report.files import ensure_folder, write_text_atomic
from mtqa.report.page import BASE_STYLE, FAVICON, ICONS, escape, legend
from mtqa.report.view import SCORE_EXPLANATION, counted, unit_indexes
from mtqa.rules.registry import FAMILIES
from mtqa.run_files import INDEX_FILE

HISTOGRAM_BINS = 10

INDEX_STYLE = """
.charts { display: flex; flex-wrap: wrap; gap: 2rem; margin-top: 1.5rem; }
figure { margin: 0; }
figcaption { font-size: 0.9rem; font-weight: bold; margin-bottom: 0.3rem; }
svg text { font: 12px system-ui, sans-serif; fill: #1d1d1d; }
.bar { fill: #0072b2; }
.tools { margin: 0.5rem 0; font: 0.9rem system-ui, sans-serif; }
.tools input { font: inherit; padding: 0.2rem 0.4rem; width: 20rem; max-width: 90vw; }
th button { font: inherit; font-weight: bold; background: none; border: none; padding: 0; cursor: pointer;
            color: inherit; text-align: inherit; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
td.zero { color: #999; }
#articles th, #articles td[data-v] { white-space: nowrap; }
#articles td:first-child { white-space: normal; }
tr.failure td { background: #fff4ec; }
"""

SCRIPT = """
(function () {
  var table = document.getElementById("articles");
  if (!table || !table.tBodies.length) { return; }
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  var tools = document.getElementById("tools");
  var box = document.createElement("input");
  box.type = "search";
  box.placeholder = "Filter articles (id, title, vendor, date)…";
  box.setAttribute("aria-label", "Filter articles");
  var shown = document.createElement("span");
  tools.appendChild(box);
  tools.appendChild(document.createTextNode(" "));
  tools.appendChild(shown);
  function count() {
    var visible = 0;
    for (var i = 0; i < body.rows.length; i++) { if (!body.rows[i].hidden) { visible++; } }
    shown.textContent = visible + " of " + body.rows.length + " shown";
  }
  box.addEventListener("input", function () {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    for (var i = 0; i < body.rows.length; i++) {
      var row = body.rows[i];
      var text = row.textContent.toLowerCase();
      row.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
    }
    count();
  });
  function sortBy(column, numeric, direction) {
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column].getAttribute("data-v"), y = b.cells[column].getAttribute("data-v");
      var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      return direction === "ascending" ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    for (var i = 0; i < heads.length; i++) { heads[i].removeAttribute("aria-sort"); }
    heads[column].setAttribute("aria-sort", direction);
  }
  Array.prototype.forEach.call(heads, function (head, column) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = head.textContent;
    head.textContent = "";
    head.appendChild(button);
    button.addEventListener("click", function () {
      var numeric = head.getAttribute("data-type") === "number";
      var current = head.getAttribute("aria-sort");
      var next = current ? (current === "descending" ? "ascending" : "descending")
                         : (numeric ? "descending" : "ascending");
      sortBy(column, numeric, next);
    });
  });
  count();
}());
"""


@dataclass(frozen=True)
class IndexRow:
    """What the index shows of one article: no text, so a large run's rows stay small."""

    id: str
    title: str
    origin: str
    score: float
    words: int
    severity: tuple[int, int, int]
    """Critical, major and minor findings."""
    families: tuple[tuple[str, int], ...]
    vendor: str
    date: str
    page: str
    """The article page's file name, relative to the index."""
    units: int = 0
    """Segments of a bilingual file (XLIFF, TMX, segment table); 0 for plain text."""
    flagged_units: int = 0
    """Of those, how many have a finding."""

    @classmethod
    def of(cls, report: ArticleReport, page: str) -> IndexRow:
        article = report.article
        counts = report.counts_by_severity()
        flagged = {i for i in unit_indexes(report, report.findings) if i is not None}
        return cls(
            id=article.id,
            title=article.title or article.id,
            origin=article.origin,
            score=report.artefact_score,
            words=report.words,
            severity=(counts["critical"], counts["major"], counts["minor"]),
            families=tuple(report.counts_by_family().items()),
            vendor=article.vendor or "",
            date=article.date or "",
            page=page,
            units=len(article.units),
            flagged_units=len(flagged),
        )

    @property
    def findings(self) -> int:
        return sum(self.severity)


def _number(value: float) -> str:
    return f"{value:g}"


def render_index(
    rows: list[IndexRow], failures: tuple[ArticleFailure, ...], version: str = __version__
) -> str:
    """The whole ``index.html``; ``rows`` in any order (shown worst score first)."""
    ordered = sorted(rows, key=lambda r: (-r.score, r.id))
    families = [f for f in FAMILIES if any(dict(r.families).get(f) for r in rows)]
    totals = [sum(r.severity[i] for r in rows) for i in range(3)]
    findings = sum(totals)
    words = sum(r.words for r in rows)
    summary = (
        f"{counted(len(rows), 'article')} checked, {len(failures)} could not be read · {words} words · "
        f"{counted(findings, 'finding')} ({totals[0]} critical, {totals[1]} major, {totals[2]} minor)"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        FAVICON,
        "<title>mtqa run index</title>",
        f"<style>{BASE_STYLE}{INDEX_STYLE}</style>",
        "</head>",
        "<body>",
        "<h1>mtqa run index</h1>",
        f'<p class="score">{summary}</p>',
        f'<p class="note">Articles worst first by artefact score ({SCORE_EXPLANATION}). '
        "Open an article for its highlighted text, findings and corrected text.</p>",
        legend(),
        *_failures(failures),
        '<div class="charts">',
        _family_chart(rows),
        _score_chart([r.score for r in rows]),
        "</div>",
        "<h2>Articles</h2>",
        '<div id="tools" class="tools noprint"></div>',
        *_table(ordered, families),
        f"<footer><p>Written by mtqa {escape(version)}.</p></footer>",
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _table(rows: list[IndexRow], families: list[str]) -> list[str]:
    if not rows:
        return ["<p>No article was checked.</p>"]
    heads = [
        ("Article", "text"),
        ("Score", "number"),
        (f"{ICONS[Severity.CRITICAL]} Critical", "number"),
        (f"{ICONS[Severity.MAJOR]} Major", "number"),
        (f"{ICONS[Severity.MINOR]} Minor", "number"),
        *((family, "number") for family in families),
        ("Words", "number"),
        ("Vendor", "text"),
        ("Date", "text"),
    ]
    cells = "".join(
        f'<th scope="col" data-type="{kind}"{_title(name)}{_head_class(name, kind)}>{escape(name)}</th>'
        for name, kind in heads
    )
    parts = ['<table id="articles">', f"<thead><tr>{cells}</tr></thead>", "<tbody>"]
    for row in rows:
        counts = dict(row.families)
        numbers = [*row.severity, *(counts.get(f, 0) for f in families)]
        title = escape(row.title)
        segments = (
            f" · {row.flagged_units} of {counted(row.units, 'segment')} with findings" if row.units else ""
        )
        article = (
            f'<td data-v="{escape(row.id)}"><a href="{escape(row.page)}">{title}</a>'
            f'<br><span class="meta">{escape(row.id)}{segments}</span></td>'
        )
        parts.append(
            "<tr>"
            + article
            + f'<td class="num" data-v="{row.score:g}"><strong>{_number(row.score)}</strong></td>'
            + "".join(f'<td class="num{" zero" if n == 0 else ""}" data-v="{n}">{n}</td>' for n in numbers)
            + f'<td class="num" data-v="{row.words}">{row.words}</td>'
            + f'<td data-v="{escape(row.vendor)}">{escape(row.vendor)}</td>'
            + f'<td data-v="{escape(row.date)}">{escape(row.date)}</td>'
            + "</tr>"
        )
    parts += ["</tbody>", "</table>"]
    return parts


def _head_class(name: str, kind: str) -> str:
    numeric = ' class="num"' if kind == "number" else ""
    return numeric + (' aria-sort="descending"' if name == "Score" else "")


def _title(name: str) -> str:
    return f' title="{escape(FAMILIES[name])}"' if name in FAMILIES else ""


def _failures(failures: tuple[ArticleFailure, ...]) -> list[str]:
    if not failures:
        return []
    parts = [
        f"<h2>Could not be read ({len(failures)})</h2>",
        "<table>",
        "<thead><tr><th>Id</th><th>Origin</th><th>Reason</th></tr></thead><tbody>",
    ]
    parts += [
        f'<tr class="failure"><td>{escape(f.id)}</td><td>{escape(f.origin)}</td>'
        f"<td>{escape(f.reason)}</td></tr>"
        for f in failures
    ]
    parts += ["</tbody></table>"]
    return parts


def _family_chart(rows: list[IndexRow]) -> str:
    """Horizontal bars: findings per family over the run, every family listed."""
    totals = dict.fromkeys(FAMILIES, 0)
    for row in rows:
        for family, count in row.families:
            totals[family] = totals.get(family, 0) + count
    most = max(totals.values(), default=0) or 1
    bar_width, row_height, left = 220, 20, 44
    height = row_height * len(totals) + 10
    items = []
    for i, (family, count) in enumerate(totals.items()):
        y = 5 + i * row_height
        width = round(bar_width * count / most, 1)
        items.append(
            f'<text x="0" y="{y + 14}">{escape(family)}</text>'
            f'<rect class="bar" x="{left}" y="{y + 3}" width="{width}" height="{row_height - 6}">'
            f"<title>{escape(family)} ({escape(FAMILIES[family])}): {count}</title></rect>"
            f'<text x="{left + width + 5}" y="{y + 14}">{count}</text>'
        )
    label = ", ".join(f"{family} {count}" for family, count in totals.items())
    return (
        "<figure><figcaption>Findings by family</figcaption>"
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + bar_width + 50}" height="{height}" '
        f'role="img" aria-label="Findings by family: {escape(label)}">{"".join(items)}</svg></figure>'
    )


def histogram(scores: list[float], bins: int = HISTOGRAM_BINS) -> list[tuple[float, float, int]]:
    """``bins`` equal-width bins from 0 to the highest score: (low, high, articles); the last is closed."""
    if not scores:
        return []
    top = max(scores)
    if top <= 0:
        return [(0.0, 0.0, len(scores))]
    width = top / bins
    counts = [0] * bins
    for score in scores:
        counts[min(int(score / width), bins - 1)] += 1
    return [(round(i * width, 2), round((i + 1) * width, 2), counts[i]) for i in range(bins)]


def _score_chart(scores: list[float]) -> str:
    """Vertical bars: how many articles fall in each artefact-score band."""
    bins = histogram(scores)
    if not bins:
        return ""
    most = max(count for _, _, count in bins) or 1
    bar, gap, plot_height, top, bottom = 26, 4, 120, 18, 34
    width = len(bins) * (bar + gap) + 10
    items = []
    for i, (low, high, count) in enumerate(bins):
        x = 5 + i * (bar + gap)
        height = round(plot_height * count / most, 1)
        y = top + plot_height - height
        items.append(
            f'<rect class="bar" x="{x}" y="{y}" width="{bar}" height="{height}">'
            f"<title>score {low:g}–{high:g}: {counted(count, 'article')}</title></rect>"
            f'<text x="{x + bar / 2}" y="{y - 4}" text-anchor="middle">{count}</text>'
        )
    axis_y = top + plot_height
    items.append(f'<line x1="0" y1="{axis_y}" x2="{width}" y2="{axis_y}" stroke="#1d1d1d"/>')
    items.append(f'<text x="5" y="{axis_y + 14}">0</text>')
    items.append(f'<text x="{width - 5}" y="{axis_y + 14}" text-anchor="end">{bins[-1][1]:g}</text>')
    items.append(f'<text x="{width / 2}" y="{axis_y + 28}" text-anchor="middle">artefact score</text>')
    label = "; ".join(f"{low:g} to {high:g}: {count}" for low, high, count in bins)
    return (
        "<figure><figcaption>Score distribution (articles per score band)</figcaption>"
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{top + plot_height + bottom}" '
        f'role="img" aria-label="Articles per artefact-score band: {escape(label)}">{"".join(items)}</svg>'
        "</figure>"
    )


def page_name(article_id: str) -> str:
    """The article page's file name; readers never give an article the id ``index`` (``RESERVED_IDS``)."""
    return f"{article_id}.html"


class IndexReporter:
    """Writes ``<output>/index.html`` when the run finishes; the HTML reporter drives it."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        self.rows: list[IndexRow] = []
        self._version = __version__

    def start(self, run: RunInfo) -> None:
        self.rows = []
        self._version = run.version
        ensure_folder(self.output_dir)

    def article(self, report: ArticleReport) -> None:
        self.rows.append(IndexRow.of(report, page_name(report.article.id)))

    def finish(self, summary: RunSummary) -> None:
        page = render_index(self.rows, summary.failures, self._version)
        write_text_atomic(self.output_dir / INDEX_FILE, page)
