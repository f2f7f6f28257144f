"""JSONL feeds: one article per line as a JSON object, read lazily; a bad line fails alone.

A feed whose first record has a ``target`` and no ``text`` is a segment table instead (one segment per
line, grouped into articles by document and vendor, ``mtqa.read.bilingual``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from mtqa.errors import InputError
from mtqa.model import Article, ArticleFailure
from mtqa.read.bilingual import articles_from_rows, is_segment_table, segment_cells
from mtqa.read.limits import DEFAULT_MAX_ARTICLE_BYTES
from mtqa.read.lines import FeedLines
from mtqa.read.records import FeedRow, json_type

EMPTY_FEED = "empty feed: no articles"


def read_jsonl(
    stream: BinaryIO, origin: str, stem: str, max_bytes: int = DEFAULT_MAX_ARTICLE_BYTES
) -> Iterator[Article | ArticleFailure]:
    """Articles of a JSONL feed in order; ``origin`` names the feed, ``stem`` prefixes generated ids.

    Blank lines are skipped; every other line becomes an article or a failure whose reason starts
    with ``line <n>:``.
    """
    try:
        lines = FeedLines(stream, max_bytes)
    except InputError as error:
        yield ArticleFailure(stem, origin, str(error))
        return
    rows = 0
    table: list[tuple[int, dict[str, str]]] | None = None
    """Set when the first record is a segment (``target``, no ``text``): the feed is a segment table."""
    for line in lines:
        if line.error is None and not line.text.strip():
            continue
        rows += 1
        row = FeedRow(origin, stem, line.number, line.encoding)
        if line.error is not None:
            yield row.failure(line.error)
            continue
        try:
            record = json.loads(line.text)
        except json.JSONDecodeError as error:
            yield row.failure(f"invalid JSON: {error.msg} (column {error.colno})")
            continue
        except RecursionError:
            yield row.failure("invalid JSON: nested too deeply")
            continue
        if not isinstance(record, dict):
            yield row.failure(f"expected a JSON object, got {json_type(record)}")
            continue
        if table is None and rows == 1 and is_segment_table(list(record)):
            table = []
        if table is not None:
            table.append((line.number, segment_cells(record)))
            continue
        try:
            yield row.article(record, line.notes)
        except InputError as error:
            yield row.failure(str(error), record)
    if table is not None:
        yield from articles_from_rows(iter(table), origin, stem)
    if rows == 0:
        yield ArticleFailure(stem, origin, EMPTY_FEED)
