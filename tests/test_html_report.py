"""Article pages and the run index as rendered HTML: escaping, one highlight per finding covering its
exact span, links that resolve, segments beside their back-translation and source, the index's rows,
failures and charts, and a bilingual file's segment ids on its page and in the index."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from click.testing import CliRunner

from mtqa.cli import main
from mtqa.config import Settings
from mtqa.fix import fix_article
from mtqa.model import (
    Article,
    ArticleFailure,
    ArticleReport,
    Finding,
    RunSummary,
    Score,
    Segment,
    Severity,
    Unit,
)
from mtqa.model import artefact_score as score_of
from mtqa.pipeline import check_article
from mtqa.read import read_inputs
from mtqa.report.base import RunInfo
from mtqa.report.html_report import SEGMENT_STYLE, HtmlReporter, highlight, render_html, unit_anchors
from mtqa.report.index_report import IndexRow, histogram, render_index
from mtqa.report.page import escape
from mtqa.report.view import locate
from mtqa.segment import count_words, sentences
from tests.conftest import DATA, article

EXAMPLE = DATA / "peskov-washington.de.txt"
HOSTILE = '"><img src=x onerror=alert(1)><script>alert("x")</script>'


class Page(HTMLParser):
    """Ids, links, tags, and the text inside each highlight (tips left out), from one HTML page."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.highlights: list[str] = []
        self.covered: dict[str, str] = {}
        self._open: list[tuple[str, str | None, bool]] = []
        """(tag, highlight it belongs to, inside a tip) for each open element."""
        self.feed(page)

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attributes}
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if "href" in attrs:
            self.hrefs.append(attrs["href"])
        if tag in ("br", "meta", "link", "img", "input"):
            return
        classes = attrs.get("class", "").split()
        owner = None
        if tag == "mark" and "hl" in classes:
            owner = attrs["id"]
            self.highlights.append(owner)
        elif tag == "mark" and "cont" in classes:
            owner = attrs["data-of"]
        in_tip = "tip" in classes or bool(self._open and self._open[-1][2])
        self._open.append((tag, owner, in_tip))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "meta", "link", "img", "input"):
            return
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1][2]:
            return
        for _, owner, _ in self._open:
            if owner is not None:
                self.covered[owner] = self.covered.get(owner, "") + data


def report_for(text: str, **fields: Any) -> ArticleReport:
    return report_of(Article(id=fields.pop("id", "a"), text=text, origin="a.txt", **fields))


def report_of(item: Article) -> ArticleReport:
    text = item.text
    _, findings = check_article(item, Settings())
    findings.sort(key=lambda f: (f.start, f.end, f.code))
    words = count_words(text)
    return ArticleReport(
        item, tuple(sentences(text)), tuple(findings), words, score_of([f.severity for f in findings], words)
    )


def assert_one_highlight_per_finding(page: str, report: ArticleReport) -> None:
    parsed = Page(page)
    located = locate(report)
    assert len(parsed.highlights) == len(located) == len(set(parsed.highlights))
    for n, item in enumerate(located, 1):
        expected = item.finding.match if item.finding.end > item.finding.start else "‸"
        assert parsed.covered[f"m{n}"] == expected, (n, item.finding.code)
    assert len(parsed.ids) == len(set(parsed.ids))


def test_example_page_has_one_highlight_per_finding_over_its_exact_span() -> None:
    report = report_for(EXAMPLE.read_text(encoding="utf-8"))
    assert len(report.findings) > 20
    assert_one_highlight_per_finding(render_html(report), report)


@pytest.mark.parametrize(
    "spans",
    [
        [(0, 9), (4, 19)],  # partial overlap
        [(0, 19), (4, 9), (4, 9)],  # nested and identical
        [(0, 25), (4, 19), (10, 23), (25, 25)],  # a chain of partial overlaps and a point
        [(0, 4), (4, 9), (9, 9)],  # touching
    ],
)
def test_overlapping_findings_nest_with_one_highlight_each(spans: list[tuple[int, int]]) -> None:
    text = "Der Kreml -Sprecher sagte."
    findings = tuple(
        Finding(f"TYP00{i + 1}", "r", Severity.MINOR, s, e, text[s:e], "m", "w", None)
        for i, (s, e) in enumerate(spans)
    )
    report = ArticleReport(Article(id="o", text=text, origin="o"), (), findings, 4, 1.0)
    assert_one_highlight_per_finding(render_html(report), report)


def test_article_page_escapes_hostile_input_and_links_only_http() -> None:
    text = f"Er schrieb {HOSTILE} ins Feld.\n"
    start = text.index(HOSTILE)
    finding = Finding(
        "UNT001", "r", Severity.MAJOR, start, start + len(HOSTILE), HOSTILE, HOSTILE, HOSTILE, HOSTILE
    )
    item = Article(
        id="h", text=text, origin=HOSTILE, title=HOSTILE, url="javascript:alert(1)", vendor=HOSTILE
    )
    page = render_html(ArticleReport(item, (), (finding,), 5, 9.0, notes=(HOSTILE,)))
    tags = {tag for tag, _ in Page(page).tags}
    assert "img" not in tags and "script" not in tags
    assert "<img" not in page and "<script" not in page
    assert not any(href.startswith("javascript") for href in Page(page).hrefs)
    assert page.count(escape(HOSTILE)) >= 8


def test_index_escapes_hostile_rows_and_failures() -> None:
    row = IndexRow(HOSTILE, HOSTILE, HOSTILE, 1.0, 5, (0, 1, 0), (("TYP", 1),), HOSTILE, HOSTILE, "x.html")
    page = render_index([row], (ArticleFailure(HOSTILE, HOSTILE, HOSTILE),))
    assert page.count("<script") == 1  # the index's own inline script, nothing else
    assert "<img" not in page
    assert page.count(escape(HOSTILE)) >= 7


def run_check(tmp_path: Path, *paths: str) -> Path:
    out = tmp_path / "out"
    args = [
        "check",
        *paths,
        "--format",
        "html",
        "--no-backtranslate",
        "--output-format",
        "none",
        "-o",
        str(out),
    ]
    CliRunner().invoke(main, args, catch_exceptions=False)
    return out


def test_run_writes_index_whose_links_resolve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"\x00\x01\x02\x03" * 64)
    index_article = tmp_path / "index.txt"
    index_article.write_text("Der Kreml -Sprecher sagte nichts.\n", encoding="utf-8")
    out = run_check(tmp_path, str(EXAMPLE), str(DATA / "control"), str(broken), str(index_article))
    pages = sorted(p.name for p in out.glob("*.html"))
    # an article called "index" is renamed by the reader (RESERVED_IDS), so the run index stays whole
    assert "index.html" in pages and "index-2.html" in pages and "peskov-washington.html" in pages
    for name in pages:
        parsed = Page((out / name).read_text(encoding="utf-8"))
        for href in parsed.hrefs:
            if href.startswith("#"):
                assert href[1:] in parsed.ids, (name, href)
            elif href.startswith("data:"):
                assert href == "data:,"
            else:
                assert not re.match(r"\w+:", href), (name, href)
                assert (out / href).is_file(), (name, href)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "broken.txt" in index and "Could not be read (1)" in index
    linked = [href for href in Page(index).hrefs if href.endswith(".html")]
    assert linked[0] == "peskov-washington.html"  # worst score first
    assert len(linked) == 2 + len(list((DATA / "control").glob("*.txt")))  # the example, the controls, index


def test_index_rows_sorted_by_score_with_charts() -> None:
    rows = [
        IndexRow("b", "B", "b.txt", 2.5, 100, (0, 0, 3), (("TYP", 3),), "DeepL", "2025-04-04", "b.html"),
        IndexRow("a", "A", "a.txt", 9.0, 50, (1, 1, 0), (("NAM", 1), ("UNT", 1)), "Google", "", "a.html"),
        IndexRow("c", "C", "c.txt", 0.0, 80, (0, 0, 0), (), "", "", "c.html"),
    ]
    page = render_index(rows, ())
    assert [m for m in re.findall(r'<a href="(\w)\.html">', page)] == ["a", "b", "c"]
    assert page.count("<svg") == 2
    assert 'aria-label="Findings by family: TYP 3, NAM 1, LEX 0' in page
    assert "Could not be read" not in page
    assert "<th" in page and 'data-type="number"' in page and "DeepL" in page and "2025-04-04" in page
    assert not re.search(r"<link(?! rel=\"icon\" href=\"data:,\")|\bsrc=|@import|url\(", page)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([], []),
        ([0.0, 0.0], [(0.0, 0.0, 2)]),
        ([0.0, 1.0, 2.0], [(0.0, 1.0, 1), (1.0, 2.0, 2)]),
        ([0.0, 0.5, 1.9, 2.0], [(0.0, 1.0, 2), (1.0, 2.0, 2)]),
    ],
)
def test_histogram(scores: list[float], expected: list[tuple[float, float, int]]) -> None:
    assert histogram(scores, bins=2) == expected


def test_segments_beside_back_translation_and_aligned_source_lowest_marked() -> None:
    text = "Peskow sprach. Die Arbeit läuft.\n"
    segments = tuple(sentences(text))
    signature = "chrF2|de-en:opus|mtqa:9"
    scores = (
        Score("chrf", 70.0, 0, signature),
        Score("chrf", 40.0, 1, signature),
        Score("chrf", 55.0, None, signature),
    )
    item = Article(
        id="s", text=text, origin="s", source="Peskov spoke. The work is going on.", source_lang="en"
    )
    bt = ((0, "Peskov spoke."), (1, "Work is under way."))
    page = render_html(ArticleReport(item, segments, (), 6, 0.0, scores=scores, backtranslations=bt))
    assert "<th>German</th><th>English back-translation</th><th>Source (en)</th><th>Scores</th>" in page
    assert (
        '<tr class="lowest"><td>1</td><td>Die Arbeit läuft.</td>'
        '<td><span lang="en">Work is under way.</span></td>'
        '<td>The work is going on.</td><td>chrf 40 <span class="badge">▼ lowest</span></td></tr>' in page
    )
    assert page.count("▼ lowest") == 1
    assert f"<code>{escape(signature)}</code>" in page


def test_page_shows_the_corrected_text_mtqa_fix_writes() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    page = render_html(report_for(text))
    corrected = fix_article(article(text), Settings()).text
    assert f'<pre class="corrected" lang="de">{escape(corrected)}</pre>' in page
    assert "<del>Peskov</del>" in page and "<ins>Peskow</ins>" in page


def test_article_page_needs_no_script_and_no_network() -> None:
    page = render_html(report_for(EXAMPLE.read_text(encoding="utf-8")))
    assert "<script" not in page
    assert not re.search(r"\bsrc=|@import|url\(|https?:", page.replace('<link rel="icon" href="data:,">', ""))
    assert page.count('class="tip"') == page.count('class="hl ')
    assert "@media print" in page


def test_html_reporter_collects_its_own_rows(tmp_path: Path) -> None:
    reporter = HtmlReporter(tmp_path)
    reporter.start(RunInfo("9.9.9", "2025-01-01T00:00:00+00:00", tmp_path))
    reporter.article(report_for("Der Kreml -Sprecher sagte.\n", id="k", vendor="DeepL"))
    failure = ArticleFailure("x", "x.txt", "cannot read: gone")
    reporter.finish(cast(RunSummary, SimpleNamespace(failures=(failure,))))
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<a href="k.html">' in index and "cannot read: gone" in index and "mtqa 9.9.9" in index
    assert [p.name for p in sorted(tmp_path.iterdir())] == ["index.html", "k.html"]


def test_point_finding_segment_text_is_not_duplicated() -> None:
    text = "Er kam an"
    finding = Finding("TYP003", "r", Severity.MINOR, 9, 9, "", "m", "w", ".")
    page = render_html(
        ArticleReport(
            Article(id="p", text=text, origin="p"), (Segment(0, 0, 9, text, 0),), (finding,), 3, 1.0
        )
    )
    assert Page(page).covered == {"m1": "‸"}


def test_aligned_source_leaves_page_chrome_out() -> None:
    text = "Peskow sprach am Freitag. Die Arbeit ist im Gange.\n\nVerpassen Sie es nicht\n"
    source = "Песков выступил в пятницу. Работа идёт."
    report = report_for(text, source=source, source_lang="ru")
    assert {f.code for f in report.findings} == {"BPL001"}
    page = render_html(report)
    assert "<td>Die Arbeit ist im Gange.</td><td>Работа идёт.</td>" in page
    assert "<td>Verpassen Sie es nicht</td><td></td>" in page


# --- bilingual files: segment ids ------------------------------------------------------------------

LONG_ID = "L" * 65
BILINGUAL = f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="ru" trgLang="de">
  <file id="f1" original="news.txt">
    <unit id="u1">
      <segment id="1"><source>Песков заявил.</source>
        <target>Der Kreml -Sprecher sagte nichts.</target></segment>
      <segment id="2"><source>Хорошо.</source><target>Das ist gut.</target></segment>
    </unit>
    <unit id="{escape(HOSTILE)}"><segment><source>Ждём.</source><target>Wir warten auf Neuigkeiten .</target>
    </segment></unit>
    <unit id="{LONG_ID}"><segment><source>Ждём.</source><target>Sie warten auf Neuigkeiten .</target>
    </segment></unit>
    <unit id="u1"><segment id="2"><source>Ждём.</source><target>Er wartet auf Neuigkeiten .</target>
    </segment></unit>
  </file>
</xliff>
"""
"""Five segments: a clean one, a hostile id, an id too long for an anchor, an id used twice."""


def bilingual_report(tmp_path: Path) -> ArticleReport:
    path = tmp_path / "news.xliff"
    path.write_text(BILINGUAL, encoding="utf-8")
    (item,) = read_inputs([str(path)])
    assert isinstance(item, Article)
    assert [u.id for u in item.units] == ["u1/1", "u1/2", HOSTILE, LONG_ID, "u1/2"]
    return report_of(item)


@pytest.mark.parametrize(
    ("ids", "anchors"),
    [
        (["s1", "u1/2", "a.b:c_d-e"], ["seg-s1", "seg-u1/2", "seg-a.b:c_d-e"]),
        (["s1", "s1", "seg_1"], ["seg-s1", "seg_2", "seg-seg_1"]),  # a repeat goes by position
        (["a b", HOSTILE, "", "-x", "ü"], ["seg_1", "seg_2", "seg_3", "seg_4", "seg_5"]),
        (["x" * 64, "x" * 65], ["seg-" + "x" * 64, "seg_2"]),
    ],
)
def test_segment_anchors_are_safe_and_unique(ids: list[str], anchors: list[str]) -> None:
    assert unit_anchors(tuple(Unit(i, 0, 1, 0, 1) for i in ids)) == anchors


def test_bilingual_page_names_each_findings_segment_and_anchors_each_segment(tmp_path: Path) -> None:
    report = bilingual_report(tmp_path)
    page = render_html(report)
    assert_one_highlight_per_finding(page, report)
    parsed = Page(page)
    assert "<img" not in page and page.count("<script") == 0
    assert "<th>Line:Col</th><th>Segment</th><th>Code</th>" in page
    rows = re.findall(
        r'<tr id="f\d"><td><a href="#m\d">[\d:]+</a></td><td class="unit">(.*?)</td><td>(\w+)</td>', page
    )
    assert rows == [
        ('<a href="#seg-u1/1">u1/1</a>', "TYP001"),
        ('<a href="#seg_3">' + escape(HOSTILE) + "</a>", "TYP002"),
        (f'<a href="#seg_4">{LONG_ID}</a>', "TYP002"),
        ('<a href="#seg_5">u1/2</a>', "TYP002"),  # the second "u1/2", not the first
    ]
    anchors = [attrs["id"] for tag, attrs in parsed.tags if attrs.get("class") == "seg"]
    assert anchors == ["seg-u1/1", "seg-u1/2", "seg_3", "seg_4", "seg_5"]
    assert all(re.fullmatch(r"seg[-_][\w.:/-]+", a) for a in anchors)
    labels = [attrs["data-seg"] for tag, attrs in parsed.tags if attrs.get("class") == "seg"]
    # the parser unescapes attributes: the page holds them escaped (no <img>, no <script> above)
    assert labels == ["u1/1", "u1/2", HOSTILE, LONG_ID, "u1/2"]
    for n, unit in enumerate(report.article.units):  # each anchor sits where its segment's text begins
        segment = escape(report.article.text[unit.start : unit.end])
        after = f'id="{re.escape(anchors[n])}"[^>]*></span>(<mark[^>]*>)?{re.escape(segment[:2])}'
        assert re.search(after, page), unit
    for href in parsed.hrefs:
        assert not href.startswith("#") or href[1:] in parsed.ids
    assert page.count(f"<br><i>Segment:</i> {escape(HOSTILE)}<b>") == 1
    assert f'(segment {escape(HOSTILE)})">' in page  # the mark's aria-label
    assert "1:5 [u1/1] Kreml -Sprecher" in page and f"[{'L' * 16} … {'L' * 5}]" in page  # side list
    assert SEGMENT_STYLE in page


def test_bilingual_segments_table_names_segments_and_shows_each_units_own_source(tmp_path: Path) -> None:
    """A bilingual file is aligned already: the table takes each unit's source, not a re-alignment."""
    page = render_html(bilingual_report(tmp_path))
    table = page[page.index("<h2>Segments</h2>") :]
    assert "<tr><th>Segment</th><th>German</th><th>Source (ru)</th></tr>" in table
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table)
    assert rows == [
        ('<a href="#seg-u1/1">u1/1</a>', "Der Kreml -Sprecher sagte nichts.", "Песков заявил."),
        ('<a href="#seg-u1/2">u1/2</a>', "Das ist gut.", "Хорошо."),
        (f'<a href="#seg_3">{escape(HOSTILE)}</a>', "Wir warten auf Neuigkeiten .", "Ждём."),
        (f'<a href="#seg_4">{LONG_ID}</a>', "Sie warten auf Neuigkeiten .", "Ждём."),
        ('<a href="#seg_5">u1/2</a>', "Er wartet auf Neuigkeiten .", "Ждём."),
    ]


def test_plain_article_page_has_no_segment_markup() -> None:
    page = render_html(report_for(EXAMPLE.read_text(encoding="utf-8")))
    assert "Segment" not in page.split("<h2>Segments</h2>")[0]
    assert 'class="seg"' not in page and SEGMENT_STYLE not in page and "seg-" not in page


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        # a mark that ends where a segment starts closes before its anchor; one that starts there opens after
        ([(3, 7), (7, 9)], "[seg-a]Aa <m1>bb\n\n</mark>[seg-b]<m2>Cc</mark> dd"),
        ([(7, 7)], "[seg-a]Aa bb\n\n[seg-b]<m1>‸</mark>Cc dd"),
        # a finding over the boundary keeps the anchor inside its mark
        ([(3, 5), (3, 9)], "[seg-a]Aa <m2><m1>bb</mark>\n\n[seg-b]Cc</mark> dd"),
    ],
)
def test_segment_anchors_sit_at_segment_starts_and_keep_marks_nested(
    spans: list[tuple[int, int]], expected: str
) -> None:
    text = "Aa bb\n\nCc dd"
    findings = tuple(
        Finding("TYP001", "r", Severity.MINOR, s, e, text[s:e], "m", "w", None, "b" if s >= 7 else "a")
        for s, e in spans
    )
    units = (Unit("a", 0, 5, 0, 1), Unit("b", 7, 12, 2, 3))
    report = ArticleReport(Article(id="t", text=text, origin="t", units=units), (), findings, 4, 1.0)
    marked = highlight(text, locate(report), units)
    assert_one_highlight_per_finding(f'<div class="text">{marked}</div>', report)
    marked = re.sub(r'<span class="tip".*?</span></mark>', "</mark>", marked)
    marked = re.sub(r'<mark class="hl [^"]*" id="(m\d)"[^>]*>', r"<\1>", marked)
    marked = re.sub(r'<span class="seg" id="([^"]*)"[^>]*></span>', r"[\1]", marked)
    assert marked == expected


def test_index_counts_the_segments_with_findings_for_bilingual_articles_only(tmp_path: Path) -> None:
    bilingual = IndexRow.of(bilingual_report(tmp_path), "news.html")
    plain = IndexRow.of(report_for("Der Kreml -Sprecher sagte.\n", id="k"), "k.html")
    assert (bilingual.units, bilingual.flagged_units, plain.units, plain.flagged_units) == (5, 4, 0, 0)
    page = render_index([bilingual, plain], ())
    assert '<span class="meta">news · 4 of 5 segments with findings</span>' in page
    assert '<span class="meta">k</span>' in page
    assert page.count("segment") == 1


def test_run_over_a_bilingual_file_links_segments_on_page_and_counts_them_in_the_index(
    tmp_path: Path,
) -> None:
    (tmp_path / "news.xliff").write_text(BILINGUAL, encoding="utf-8")
    out = run_check(tmp_path, str(tmp_path / "news.xliff"))
    page = Page((out / "news.html").read_text(encoding="utf-8"))
    segment_links = [h for h in page.hrefs if h.startswith("#seg")]
    findings, table = (
        ["#seg-u1/1", "#seg_3", "#seg_4", "#seg_5"],
        ["#seg-u1/1", "#seg-u1/2", "#seg_3", "#seg_4", "#seg_5"],
    )
    assert segment_links == findings + table  # the findings table, then the Segments table
    assert all(h[1:] in page.ids for h in segment_links)
    assert "4 of 5 segments with findings" in (out / "index.html").read_text(encoding="utf-8")
