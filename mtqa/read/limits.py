"""How much of one input an article may be: a limit that keeps one huge input from costing the run.

Rules are linear, but a 2 GB "article" (a log file, a dump) would still hold the run for minutes and
its memory for the whole time; such an input fails alone with a reason that says how to raise the limit.
"""

from __future__ import annotations

DEFAULT_MAX_ARTICLE_BYTES = 10_000_000
"""10 MB: a hundred times the longest news article, small enough to check in seconds."""


def too_large(limit: int, size: int | None = None) -> str:
    """The failure reason for an input over ``limit`` bytes (``size`` when it is known)."""
    what = f"{size / 1e6:.1f} MB" if size is not None else "more"
    return (
        f"too large for one article: {what} (limit {limit / 1e6:g} MB; "
        "raise it with max-article-bytes in mtqa.toml or --max-article-bytes)"
    )
