"""The seed article's page and the run index in a real headless Chromium (Debian's ``chromium``).

Skips when no Chromium is installed (``scripts/install-browser`` installs it). Checks what only a
browser can: the DOM as parsed, console errors, network requests, keyboard focus, CSS that shows a
tip on focus and on ``:target``, the index's sorting and filtering script. Screenshots go to
``$MTQA_SCREENSHOT_DIR`` when set (``MTQA_SCREENSHOT_DIR=docs`` refreshes the README's pictures),
otherwise to the test's temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from mtqa.cli import main
from tests.browser import Browser, Page, chromium, find_chromium
from tests.conftest import DATA
from tests.test_html_report import BILINGUAL, HOSTILE, run_check

EXAMPLE = DATA / "peskov-washington.de.txt"
CONTROL = sorted((DATA / "control").glob("*.txt"))

pytestmark = pytest.mark.skipif(find_chromium() is None, reason="no Chromium (run scripts/install-browser)")


def feed(folder: Path) -> Path:
    """A small feed with vendors and dates, and one line that cannot be read, for the index."""
    rows = []
    for i, (path, vendor) in enumerate(zip(CONTROL, ("DeepL", "Google", "Yandex"), strict=False)):
        text = path.read_text(encoding="utf-8")
        title = text.split("\n", 1)[0]
        rows.append(
            {"id": f"feed-{i}", "title": title, "text": text, "vendor": vendor, "date": f"2025-04-0{i + 1}"}
        )
    snippet = "Kreml -Sprecher Dmitry Peskov sagte , die Arbeit sei im Gange ."
    rows.append(
        {"id": "snippet", "title": snippet, "text": snippet, "vendor": "Yandex", "date": "2025-04-04"}
    )
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    lines.insert(2, '{"id": "cut-off", "text": "Der Text bricht ab')
    path = folder / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    out = folder / "reports"
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    feed(folder)
    args = ["check", EXAMPLE.name, "feed.jsonl", "--no-backtranslate", "--output-format", "none"]
    args += ["--format", "html", "--format", "json", "-o", "reports"]
    before = Path.cwd()
    os.chdir(folder)  # relative origins, as an editor's run shows them
    try:
        CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(before)
    assert (out / "index.html").is_file()
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    assert executable is not None
    with chromium(executable) as running:
        yield running


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("MTQA_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(browser: Browser, path: Path, fragment: str = "") -> Page:
    page = browser.new_page()
    page.navigate(path.as_uri() + fragment)
    return page


def assert_quiet(page: Page, url: str) -> None:
    """No console error, no uncaught exception, no request for anything but the page itself."""
    errors = [
        e for e in page.events("Runtime.consoleAPICalled") if e["type"] in ("error", "assert", "warning")
    ]
    errors += page.events("Runtime.exceptionThrown")
    errors += [e for e in page.events("Log.entryAdded") if e["entry"]["level"] in ("error", "warning")]
    assert errors == []
    requested = [e["request"]["url"] for e in page.events("Network.requestWillBeSent")]
    assert [u for u in requested if u.split("#")[0] != url and not u.startswith("data:")] == []


def test_article_page_highlights_are_all_reachable_by_keyboard(
    browser: Browser, reports: Path, screenshots: Path
) -> None:
    path = reports / "peskov-washington.html"
    findings = json.loads((reports / "peskov-washington.json").read_text(encoding="utf-8"))["findings"]
    page = open_page(browser, path)
    ids = page.evaluate('Array.from(document.querySelectorAll("mark.hl")).map(m => m.id)')
    assert len(ids) == len(findings) > 20
    focusable = page.evaluate('document.querySelectorAll("a[href], [tabindex]").length')
    reached = []
    for _ in range(focusable + 2):
        page.press_tab()
        reached.append(page.evaluate("document.activeElement.id"))
        if reached[-1] == ids[4]:
            tip = page.evaluate("getComputedStyle(document.activeElement.querySelector('.tip')).display")
            assert tip == "block"
    assert [i for i in reached if i in ids] == ids  # every highlight, in reading order
    text = page.evaluate("document.getElementById('m1').querySelector('.tip').textContent")
    assert findings[0]["code"] in text and findings[0]["why"] in text
    page.evaluate("document.getElementById('m5').focus({preventScroll: true}); window.scrollTo(0, 0)")
    page.screenshot(screenshots / "article-page.png", 1280, 900)
    assert_quiet(page, path.as_uri())


def test_side_list_link_marks_its_target(browser: Browser, reports: Path) -> None:
    path = reports / "peskov-washington.html"
    page = open_page(browser, path, "#m7")
    assert page.evaluate("document.querySelector(':target').id") == "m7"
    assert page.evaluate("getComputedStyle(document.querySelector('#m7 > .tip')).display") == "block"
    assert page.evaluate("getComputedStyle(document.querySelector('#m8 > .tip')).display") == "none"
    links = page.evaluate(
        "Array.from(document.querySelectorAll('nav.side a')).map(a => a.getAttribute('href'))"
    )
    assert sorted(links) == sorted(f"#m{n}" for n in range(1, len(links) + 1))
    assert_quiet(page, path.as_uri())


def test_index_sorts_filters_and_lists_failures(browser: Browser, reports: Path, screenshots: Path) -> None:
    path = reports / "index.html"
    page = open_page(browser, path)
    rows = "Array.from(document.querySelectorAll('#articles tbody tr')).filter(r => !r.hidden)"
    first_cells = f"{rows}.map(r => r.cells[0].getAttribute('data-v'))"
    assert page.evaluate(f"{rows}.length") == 5
    assert page.evaluate(first_cells)[0] == "peskov-washington"
    assert "cut-off" not in page.evaluate(first_cells)
    assert "feed.jsonl:3" in page.evaluate("document.querySelector('tr.failure').textContent")
    page.evaluate("document.querySelector('#articles th:nth-child(1) button').click()")
    assert page.evaluate(first_cells) == sorted(page.evaluate(first_cells))
    page.evaluate(
        "(() => { const box = document.querySelector('#tools input'); box.value = 'yandex';"
        " box.dispatchEvent(new Event('input')); })()"
    )
    assert page.evaluate(first_cells) == ["feed-2", "snippet"]
    assert page.evaluate("document.querySelector('#tools span').textContent") == "2 of 5 shown"
    page.evaluate(
        "(() => { const box = document.querySelector('#tools input'); box.value = '';"
        " box.dispatchEvent(new Event('input')); })()"
    )
    page.evaluate("document.querySelector('#articles th:nth-child(2) button').click()")
    assert page.evaluate("document.querySelectorAll('svg').length") == 2
    for href in page.evaluate(
        "Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"
    ):
        assert (reports / href).is_file()
    page.screenshot(screenshots / "run-index.png", 1280, 1150)
    assert_quiet(page, path.as_uri())


def test_bilingual_page_shows_segment_ids_and_its_segment_links_land(
    browser: Browser, tmp_path: Path
) -> None:
    (tmp_path / "news.xliff").write_text(BILINGUAL, encoding="utf-8")
    path = run_check(tmp_path, str(tmp_path / "news.xliff")) / "news.html"
    page = open_page(browser, path, "#seg_3")
    assert page.evaluate("document.querySelector(':target').id") == "seg_3"
    shown = "getComputedStyle(document.getElementById('seg_3'), '::before').content"
    assert page.evaluate(shown) == json.dumps(HOSTILE)  # the hostile id shown as text, never as markup
    assert page.evaluate("document.querySelectorAll('img, script').length") == 0
    assert page.evaluate("document.querySelector('#f2 td:nth-child(2)').textContent") == HOSTILE
    assert_quiet(page, path.as_uri())
