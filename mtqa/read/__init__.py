"""Input readers: plain-text files, folders, JSONL and CSV feeds, XLIFF and TMX files, and standard input.

``check_paths`` is the only part that raises (for a command line naming something that is not
there); ``read_inputs`` turns every unusable file, line or row into an ``ArticleFailure`` and goes on,
and yields lazily, so a feed of any size streams through. Ids are made safe as file names and unique
within the run.
"""

from __future__ import annotations

import codecs
import dataclasses
import io
import os
import sys
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from mtqa.errors import InputError
from mtqa.model import Article, ArticleFailure
from mtqa.read.bilingual import read_bilingual
from mtqa.read.boundary import display_path
from mtqa.read.csvfeed import read_csv
from mtqa.read.discover import NO_EXCLUSION, Exclusion, Input, Kind, check_paths, expand
from mtqa.read.encoding import bom_codec
from mtqa.read.ids import RESERVED_IDS, UniqueIds, safe_id
from mtqa.read.jsonl import read_jsonl
from mtqa.read.limits import DEFAULT_MAX_ARTICLE_BYTES, too_large
from mtqa.read.lines import Rejoined, read_up_to
from mtqa.read.text import ArticleName, article_from_bytes, cannot_read, open_regular, read_text_file

__all__ = ["DEFAULT_MAX_ARTICLE_BYTES", "Exclusion", "check_paths", "read_inputs", "safe_id"]

STDIN_ID = "stdin"
STDIN_ORIGIN = "<stdin>"
STDIN_SNIFF_BYTES = 1 << 16
"""Standard input is a JSONL feed when its first non-blank character, within this many bytes, is ``{``."""


def read_inputs(
    paths: Sequence[str],
    stdin: BinaryIO | None = None,
    max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES,
    exclusion: Exclusion = NO_EXCLUSION,
) -> Iterator[Article | ArticleFailure]:
    """Every article named by ``paths`` (``-`` is ``stdin``, by default ``sys.stdin.buffer``), lazily;
    folder walks skip what ``exclusion`` names.

    Never raises for a bad input: each unusable file, feed line or row is yielded as an
    ``ArticleFailure`` with a one-line reason, in the place where its article would have been; so is
    an article over ``max_article_bytes``. Ids never take a name the run's own files use
    (``RESERVED_IDS``: an article ``summary`` becomes ``summary-2``).
    """
    ids = UniqueIds(RESERVED_IDS)
    for entry in expand(paths, exclusion):
        items = [entry] if isinstance(entry, ArticleFailure) else _read(entry, stdin, max_article_bytes)
        for item in items:
            unique = ids.claim(item.id)
            yield item if unique == item.id else dataclasses.replace(item, id=unique)


def _read(entry: Input, stdin: BinaryIO | None, max_bytes: int) -> Iterator[Article | ArticleFailure]:
    if entry.kind is Kind.STDIN:
        return _read_stdin(stdin if stdin is not None else sys.stdin.buffer, max_bytes)
    if entry.kind is Kind.TEXT:
        return read_text_file(entry.path, max_bytes)
    if entry.kind is Kind.BILINGUAL:
        return read_bilingual(entry.path, max_bytes)
    return _read_feed(entry, max_bytes)


def _read_feed(entry: Input, max_bytes: int) -> Iterator[Article | ArticleFailure]:
    stem = safe_id(ArticleName.parse(os.path.basename(entry.path)).base)
    reader = read_jsonl if entry.kind is Kind.JSONL else read_csv
    shown = display_path(entry.path)
    try:
        with open_regular(entry.path) as stream:
            yield from reader(stream, shown, stem, max_bytes)
    except OSError as error:
        yield ArticleFailure(stem, shown, cannot_read(error))
    except InputError as error:
        yield ArticleFailure(stem, shown, str(error))


def _read_stdin(stream: BinaryIO, max_bytes: int) -> Iterator[Article | ArticleFailure]:
    try:
        head = read_up_to(stream, STDIN_SNIFF_BYTES)
        if _looks_like_jsonl(head):
            yield from read_jsonl(
                io.BufferedReader(Rejoined(head, stream)), STDIN_ORIGIN, STDIN_ID, max_bytes
            )
            return
        data = head + read_up_to(stream, max_bytes + 1 - len(head))
    except OSError as error:
        yield ArticleFailure(STDIN_ID, STDIN_ORIGIN, cannot_read(error))
        return
    if len(data) > max_bytes:
        yield ArticleFailure(STDIN_ID, STDIN_ORIGIN, too_large(max_bytes))
        return
    try:
        yield article_from_bytes(data, STDIN_ID, STDIN_ORIGIN)
    except InputError as error:
        yield ArticleFailure(STDIN_ID, STDIN_ORIGIN, str(error))


def _looks_like_jsonl(head: bytes) -> bool:
    decoder = codecs.getincrementaldecoder(bom_codec(head) or "utf-8")(errors="replace")
    return decoder.decode(head).lstrip().startswith("{")
