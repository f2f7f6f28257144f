"""Where a finding sits in a file CI can open: the article's own file, or the feed line of its record.

A feed row's findings have a line and column inside the row's text, which no CI viewer can show in
``feed.jsonl``; what it can show is the line where the record starts (``Article.line``).
"""

from __future__ import annotations

from mtqa.model import Article
from mtqa.paths import split_origin


def source_location(article: Article) -> tuple[str, int | None]:
    """``(file path, feed line)``; the feed line is ``None`` for an article that is a file of its own."""
    if article.line is None:
        return article.origin, None
    path, _ = split_origin(article.origin)
    return path, article.line
