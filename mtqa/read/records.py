"""One feed row (a JSON object or a CSV row) checked and turned into an ``Article``.

JSONL and CSV feeds share the same columns, so they share the rules for them: ``text`` is required,
the other fields are optional strings, and a row that breaks a rule fails alone with a reason that
names its line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mtqa.errors import InputError
from mtqa.model import Article, ArticleFailure
from mtqa.read.boundary import surrogate_note, without_surrogates
from mtqa.read.encoding import normalise_newlines
from mtqa.read.ids import safe_id

FIELDS = ("id", "text", "title", "url", "date", "vendor", "source", "source_lang", "reference")
"""Every column a feed may have; others are ignored."""

_MULTILINE_FIELDS = frozenset({"text", "source", "reference"})
"""Kept as given apart from line breaks (normalised like a text file's); other fields are stripped."""


@dataclass(frozen=True)
class FeedRow:
    """Where a row sits: the feed's path (or ``<stdin>``), its stem for generated ids, and the line."""

    origin: str
    stem: str
    line: int
    encoding: str

    def failure(self, reason: str, record: Mapping[str, object] | None = None) -> ArticleFailure:
        """A failure named by the row's own id when it has a usable one, else ``<stem>:<line>``.

        The row's vendor is kept when readable, so per-vendor failure counts stay right.
        """
        raw_id = record.get("id") if record is not None else None
        if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) and str(raw_id).strip():
            name = safe_id(without_surrogates(str(raw_id).strip())[0])
        else:
            name = f"{self.stem}:{self.line}"
        vendor = record.get("vendor") if record is not None else None
        return ArticleFailure(
            id=name,
            origin=f"{self.origin}:{self.line}",
            reason=f"line {self.line}: {reason}",
            vendor=(without_surrogates(vendor.strip())[0] or None) if isinstance(vendor, str) else None,
        )

    def article(self, record: Mapping[str, object], notes: tuple[str, ...] = ()) -> Article:
        """Check ``record`` and build the article; raises ``InputError`` naming the first broken field.

        ``notes`` are what decoding the line had to do; lone surrogates in any field are replaced and
        noted too.
        """
        values: dict[str, str | None] = {}
        found = list(notes)
        for name in FIELDS:
            value = _optional_string(record, name)
            if value is not None:
                value, count = without_surrogates(value)
                if count:
                    found.append(surrogate_note(count, name))
            values[name] = value
        text = values["text"]
        if text is None:
            raise InputError('missing "text"')
        if not text.strip():
            raise InputError('empty article ("text" is empty)')
        raw_id = values["id"]
        article_id = safe_id(raw_id.strip()) if raw_id and raw_id.strip() else f"{self.stem}-{self.line}"
        return Article(
            id=article_id,
            text=text,
            origin=f"{self.origin}#{article_id}",
            title=values["title"],
            url=values["url"],
            date=values["date"],
            vendor=values["vendor"],
            source=values["source"],
            source_lang=values["source_lang"],
            reference=values["reference"],
            encoding=self.encoding,
            notes=tuple(found),
            line=self.line,
        )


def _optional_string(record: Mapping[str, object], name: str) -> str | None:
    """A field's string value; absent, ``null`` and (except ``text``) empty mean "not given".

    A whole-number ``id`` is accepted as text, because numeric ids are what most CMS exports contain.
    """
    value = record.get(name)
    if value is None:
        return None
    if name == "id" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise InputError(f'field "{name}" must be a string, got {json_type(value)}')
    if name in _MULTILINE_FIELDS:
        return normalise_newlines(value) if name == "text" or value.strip() else None
    return value.strip() or None


def json_type(value: object) -> str:
    """JSON's name for a Python value's type, for messages about feeds."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null" if value is None else type(value).__name__
