"""Plain-text articles, with the source text and human reference that sit next to them.

Naming convention: ``<name>.de.txt`` is the machine translation, ``<name>.ru.txt`` (``.uk``, ``.be``,
``.en``) its source, and ``references/<name>.de.txt`` or ``<name>.ref.de.txt`` a human translation.
The article text is kept exactly as decoded (headline included) except that a byte order mark is
dropped and ``\\r\\n`` and ``\\r`` become ``\\n``, so offsets and line numbers are the same on every OS.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import BinaryIO

from mtqa.errors import InputError
from mtqa.model import Article, ArticleFailure
from mtqa.read.boundary import display_path
from mtqa.read.encoding import decode_bytes, normalise_newlines
from mtqa.read.ids import safe_id
from mtqa.read.limits import DEFAULT_MAX_ARTICLE_BYTES, too_large

SOURCE_LANGS = ("ru", "uk", "be", "en")
"""Languages a source text may be in, in the order a sibling is looked for."""
TARGET_LANG = "de"
REFERENCE_FOLDER = "references"
REFERENCE_MARK = ".ref"
EMPTY = "empty article"

_LANG_SUFFIX = re.compile(r"\.([a-z]{2})$")


@dataclass(frozen=True)
class ArticleName:
    """A file name taken apart: ``peskov-washington.de.txt`` -> base, ``de``, ``.txt``."""

    base: str
    lang: str | None
    extension: str

    @classmethod
    def parse(cls, file_name: str) -> ArticleName:
        stem, extension = os.path.splitext(file_name)
        match = _LANG_SUFFIX.search(stem)
        if match and match.start() > 0:
            return cls(stem[: match.start()], match.group(1), extension)
        return cls(stem, None, extension)

    @property
    def is_source(self) -> bool:
        return self.lang in SOURCE_LANGS and self.extension.lower() == ".txt"

    @property
    def is_reference(self) -> bool:
        return self.lang == TARGET_LANG and self.base.endswith(REFERENCE_MARK)


def read_text_file(
    path: str, max_bytes: int = DEFAULT_MAX_ARTICLE_BYTES
) -> Iterator[Article | ArticleFailure]:
    """The article in ``path`` with its source and reference, or a failure saying why there is none.

    A source or reference that exists but cannot be used is reported as a failure of its own, after
    the article, which is still checked without it.
    """
    folder, file_name = os.path.split(path)
    name = ArticleName.parse(file_name)
    article_id = safe_id(name.base)
    shown = display_path(path)
    try:
        article = article_from_bytes(read_file_bytes(path, max_bytes), article_id, shown)
    except OSError as error:
        yield ArticleFailure(article_id, shown, cannot_read(error))
        return
    except InputError as error:
        yield ArticleFailure(article_id, shown, str(error))
        return
    problems: list[ArticleFailure] = []
    source_path, source_lang = _find_source(folder, name)
    if source_path is not None:
        source = _read_companion(
            source_path, f"{article_id}.{source_lang}", "source text", problems, max_bytes
        )
        if source is not None:
            article = replace(article, source=source, source_lang=source_lang)
    reference_path = _find_reference(folder, name)
    if reference_path is not None:
        reference = _read_companion(
            reference_path, f"{article_id}.ref", "reference translation", problems, max_bytes
        )
        if reference is not None:
            article = replace(article, reference=reference)
    yield article
    yield from problems


def article_from_bytes(data: bytes, article_id: str, origin: str) -> Article:
    """Decode a whole plain-text article; raises ``InputError`` for binary, undecodable or empty input."""
    decoded = decode_bytes(data)
    text = normalise_newlines(decoded.text)
    title = first_line(text)
    if title is None:
        raise InputError(EMPTY)
    return Article(
        id=article_id, text=text, origin=origin, title=title, encoding=decoded.encoding, notes=decoded.notes
    )


def first_line(text: str) -> str | None:
    """The first line with something on it, stripped (the headline of a plain-text article)."""
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            return stripped
    return None


def read_file_bytes(path: str, max_bytes: int = DEFAULT_MAX_ARTICLE_BYTES) -> bytes:
    """The whole file; a plain-text article is read at once (feeds are the inputs that stream).

    Raises ``InputError`` for a file over ``max_bytes`` and for anything but a regular file.
    """
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            raise InputError(too_large(max_bytes, size))
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(too_large(max_bytes))
    return data


def open_regular(path: str) -> BinaryIO:
    """Open ``path`` for reading only if it is a regular file; raises ``InputError`` otherwise.

    A FIFO would block ``open`` until a writer comes (forever, on a command line) and a device never
    ends, so the file is opened without blocking and checked before a byte is read.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"not a regular file ({special_kind(mode)}): refused")
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
    except BaseException:
        os.close(descriptor)
        raise
    return open(descriptor, "rb")


def special_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, kind in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return kind
    return "a special file"


def cannot_read(error: OSError) -> str:
    """The operating system's reason, without the path the caller already shows."""
    return f"cannot read: {error.strerror or error}"


def _find_source(folder: str, name: ArticleName) -> tuple[str | None, str | None]:
    for lang in SOURCE_LANGS:
        if lang == name.lang:
            continue
        candidate = os.path.join(folder, f"{name.base}.{lang}.txt")
        if os.path.isfile(candidate):
            return candidate, lang
    return None, None


def _find_reference(folder: str, name: ArticleName) -> str | None:
    for candidate in (
        os.path.join(folder, REFERENCE_FOLDER, f"{name.base}.{TARGET_LANG}.txt"),
        os.path.join(folder, f"{name.base}{REFERENCE_MARK}.{TARGET_LANG}.txt"),
    ):
        if os.path.isfile(candidate):
            return candidate
    return None


def _read_companion(
    path: str, failure_id: str, role: str, problems: list[ArticleFailure], max_bytes: int
) -> str | None:
    """A source or reference text, or ``None`` with the reason appended to ``problems``."""
    shown = display_path(path)
    try:
        text = normalise_newlines(decode_bytes(read_file_bytes(path, max_bytes)).text)
    except OSError as error:
        problems.append(ArticleFailure(failure_id, shown, f"{role} not used: {cannot_read(error)}"))
        return None
    except InputError as error:
        problems.append(ArticleFailure(failure_id, shown, f"{role} not used: {error}"))
        return None
    if not text.strip():
        problems.append(ArticleFailure(failure_id, shown, f"{role} not used: empty"))
        return None
    return text
