"""CSV feeds: a header row naming the columns, then one article per row, read lazily.

The delimiter is whichever of ``,`` ``;`` and tab the header uses most, because spreadsheet exports
in German locales separate with ``;``.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from typing import BinaryIO

from mtqa.errors import InputError
from mtqa.model import Article, ArticleFailure
from mtqa.read.bilingual import articles_from_rows, is_segment_table
from mtqa.read.jsonl import EMPTY_FEED
from mtqa.read.limits import DEFAULT_MAX_ARTICLE_BYTES
from mtqa.read.lines import FeedLines
from mtqa.read.records import FIELDS, FeedRow

FIELD_SIZE_LIMIT = 2**31 - 1
"""Largest field the csv module accepts; its default (128 KiB) is smaller than some articles."""
_DELIMITERS = (",", ";", "\t")


def read_csv(
    stream: BinaryIO, origin: str, stem: str, max_bytes: int = DEFAULT_MAX_ARTICLE_BYTES
) -> Iterator[Article | ArticleFailure]:
    """Articles of a CSV feed in order; a missing ``text`` column fails the whole file at once."""
    try:
        lines = FeedLines(stream, max_bytes)
    except InputError as error:
        yield ArticleFailure(stem, origin, str(error))
        return
    csv.field_size_limit(min(FIELD_SIZE_LIMIT, max(max_bytes, 1 << 17)))
    undecodable: dict[int, str] = {}
    other_encodings: dict[int, str] = {}
    line_notes: dict[int, tuple[str, ...]] = {}

    def texts() -> Iterator[str]:
        for line in lines:
            if line.error is not None:
                undecodable[line.number] = line.error
            elif line.encoding != lines.encoding:
                other_encodings[line.number] = line.encoding
            if line.notes:
                line_notes[line.number] = line.notes
            yield line.text

    source = texts()
    leading: list[str] = []
    for text in source:
        leading.append(text)
        if text.strip():
            break
    else:
        yield ArticleFailure(stem, origin, EMPTY_FEED)
        return
    delimiter = max(_DELIMITERS, key=leading[-1].count)
    reader = csv.reader(itertools.chain(leading, source), delimiter=delimiter, strict=True)
    header: list[str] = []
    try:
        while not header:
            header = [name.strip().lower() for name in next(reader)]
    except csv.Error as error:
        yield ArticleFailure(stem, origin, f"line {reader.line_num}: malformed CSV header: {error}")
        return
    if is_segment_table(header):
        yield from _segment_table(reader, header, origin, stem)
        return
    problem = _header_problem(header)
    if problem is not None:
        yield ArticleFailure(stem, origin, problem)
        return
    rows = 0
    while True:
        first = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            rows += 1
            yield FeedRow(origin, stem, first, lines.encoding).failure(_describe(error))
            continue
        if not fields:
            continue
        rows += 1
        span = range(first, reader.line_num + 1)
        error_text = None
        if undecodable:
            error_text = next((undecodable.pop(n) for n in span if n in undecodable), None)
        encoding = lines.encoding
        if other_encodings:
            encoding = next((other_encodings.pop(n) for n in span if n in other_encodings), encoding)
        notes: tuple[str, ...] = ()
        if line_notes:
            notes = tuple(note for n in span if n in line_notes for note in line_notes.pop(n))
        row = FeedRow(origin, stem, first, encoding)
        record = dict(zip(header, fields, strict=False))
        if error_text is not None:
            yield row.failure(error_text, record)
        elif len(fields) != len(header):
            yield row.failure(f"expected {len(header)} fields, got {len(fields)}", record)
        else:
            try:
                yield row.article(record, notes)
            except InputError as error:
                yield row.failure(str(error), record)
    if rows == 0:
        yield ArticleFailure(stem, origin, EMPTY_FEED)


def _segment_table(
    reader: Iterator[list[str]], header: list[str], origin: str, stem: str
) -> Iterator[Article | ArticleFailure]:
    """A CSV of segments (a ``target`` column, no ``text``): grouped into articles when all rows are read;
    a malformed row fails alone, after the articles."""
    failures: list[ArticleFailure] = []

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        number = 1
        while True:
            number += 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                failures.append(ArticleFailure(f"{stem}:{number}", f"{origin}:{number}", _describe(error)))
                continue
            if len(fields) != len(header):
                reason = f"line {number}: expected {len(header)} fields, got {len(fields)}"
                failures.append(ArticleFailure(f"{stem}:{number}", f"{origin}:{number}", reason))
                continue
            yield number, dict(zip(header, fields, strict=True))

    yield from articles_from_rows(rows(), origin, stem)
    yield from failures


def _describe(error: csv.Error) -> str:
    message = f"malformed CSV: {error}"
    if str(error) == "unexpected end of data":
        message += " (a quoted field is never closed; the rest of the file is part of it)"
    return message


def _header_problem(header: list[str]) -> str | None:
    if "text" not in header:
        return f'missing column "text" (columns: {", ".join(header)})'
    for name in FIELDS:
        if header.count(name) > 1:
            return f'column "{name}" appears {header.count(name)} times'
    return None
