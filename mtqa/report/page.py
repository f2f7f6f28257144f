"""What the article page and the run index share: escaping, the severity palette and its second cue.

The palette is the colour-blind-safe one of Okabe and Ito (blue, orange, vermillion), and no colour
stands alone: each severity also has its own underline style and its own icon, so the page reads the
same in greyscale, in print and to a reader who cannot tell orange from red.
"""

from __future__ import annotations

import html
import re

from mtqa.model import Severity

PLAIN_URL = re.compile(r"https?://[^\s<>\"']+\Z")

ICONS = {Severity.MINOR: "●", Severity.MAJOR: "▲", Severity.CRITICAL: "■"}
"""A shape per severity, shown beside its name wherever the colour is."""

FAVICON = '<link rel="icon" href="data:,">'
"""An empty icon, so that a browser does not ask any server for ``favicon.ico``."""

BASE_STYLE = """
:root { --minor: #56b4e9; --minor-bg: #d7ecfa; --major: #e69f00; --major-bg: #fbe3ad;
        --critical: #d55e00; --critical-bg: #f7cdb1; --focus: #0072b2; --ink: #1d1d1d; --muted: #555; }
* { box-sizing: border-box; }
body { font-family: Georgia, "Times New Roman", serif; margin: 0 auto; padding: 1rem 1.25rem 3rem;
       max-width: 78rem; line-height: 1.55; color: var(--ink); background: #fff; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1rem; margin: 1rem 0 0.25rem; }
.meta, .score, .note, nav, table, .legend, .tip, footer, .diff, figure { font-family: system-ui, sans-serif; }
.meta, .note, footer { color: var(--muted); font-size: 0.9rem; }
.score { font-size: 1rem; }
table { border-collapse: collapse; font-size: 0.85rem; width: 100%; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.45rem; vertical-align: top; text-align: left; }
th { background: #f2f2f2; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
a { color: #005a8c; }
a:focus, button:focus, input:focus { outline: 3px solid var(--focus); outline-offset: 2px; }
.sev { white-space: nowrap; }
.sev-minor .icon { color: #1f6f9e; }
.sev-major .icon { color: #9a6500; }
.sev-critical .icon { color: #a34400; }
.legend { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; font-size: 0.9rem; padding: 0;
          list-style: none; }
.swatch { padding: 0 0.3rem; }
.swatch.sev-minor { background: var(--minor-bg); border-bottom: 2px dotted var(--minor); }
.swatch.sev-major { background: var(--major-bg); border-bottom: 2px dashed var(--major); }
.swatch.sev-critical { background: var(--critical-bg); border-bottom: 3px solid var(--critical); }
@media print {
  body { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  details { display: block; }
  details > * { display: block; }
  details::details-content { content-visibility: visible; display: block; }
  .noprint { display: none !important; }
}
"""


def escape(text: str) -> str:
    """Any input text as HTML text or attribute value: ``<``, ``>``, ``&`` and both quotes escaped."""
    return html.escape(text, quote=True)


def link(url: str) -> str:
    """A link only for plain http(s) addresses; ``javascript:`` and the like stay inert text."""
    if PLAIN_URL.match(url):
        return f'<a href="{escape(url)}">{escape(url)}</a>'
    return escape(url)


def severity_label(severity: Severity) -> str:
    """``▲ major``: the icon and the word, never the colour alone."""
    icon = f'<span class="icon" aria-hidden="true">{ICONS[severity]}</span>'
    return f'<span class="sev sev-{severity.label}">{icon} {severity.label}</span>'


def legend() -> str:
    items = "".join(
        f'<li><span class="swatch sev-{s.label}">{ICONS[s]} {s.label}</span></li>'
        for s in sorted(Severity, reverse=True)
    )
    return f'<ul class="legend" aria-label="Severity legend">{items}</ul>'
