"""Where a finding sits in a file CI can open: the article's own file, or the feed line of its record.

A bilingual file's article (one ``<file>`` of an XLIFF) points at the file itself; its segment id, not a
line, says where in it.

A feed row's findings have a line and column inside the row's text, which no CI viewer can show in
``feed.jsonl``; what it can show is the line where the record starts (``Article.line``).
"""

from __future__ import annotations

from mtqa.model import Article
from mtqa.paths import split_origin


def source_location(article: Article) -> tuple[str, int | None]:
    """``(file path, feed line)``; the feed line is ``None`` for an article that is a file of its own."""
    if article.line is None:
        if article.units:  # ``file.xlf#<file id>``: one <file> of a bilingual file, which CI opens whole
            return split_origin(article.origin)[0], None
        return article.origin, None
    path, _ = split_origin(article.origin)
    return path, article.line
