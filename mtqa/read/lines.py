"""A feed as a lazy sequence of decoded lines, so a feed of 100,000 articles is never held in memory.

The feed's encoding is judged from its first megabyte. Each line is then decoded on its own: as UTF-8
if it is valid UTF-8, else with the feed's legacy encoding, else with a detection of its own (feeds are
often concatenated from exports in different encodings); a line that still does not decode is handed
on with its reason, so only that article fails.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from mtqa.errors import InputError
from mtqa.read.encoding import decode_bytes, feed_codec, report_name
from mtqa.read.limits import DEFAULT_MAX_ARTICLE_BYTES, too_large

HEAD_BYTES = 1 << 20
"""How much of a feed is read to judge its encoding."""

_WIDE_CODECS = frozenset({"utf-16", "utf-32"})
"""Codecs whose lines cannot be split on the byte ``\\n``."""


@dataclass(frozen=True)
class Line:
    """One physical line (with its ``\\n``, if any) numbered from 1; ``error`` is set when it did not
    decode, and ``text`` then holds a lossy decoding so that a CSV parser can keep its place."""

    number: int
    text: str
    encoding: str
    error: str | None = None
    notes: tuple[str, ...] = ()
    """What decoding had to do beyond a clean decoding (see ``Decoded.notes``)."""


BINARY_LINE = "binary data (NUL byte) in this line"
_SKIP_BYTES = 1 << 16


class FeedLines:
    """Decoded lines of a binary stream; raises ``InputError`` up front for a binary feed.

    ``encoding`` names the feed's encoding; a line records another only when it was decoded otherwise
    (a pure ASCII line counts as the feed's).
    """

    def __init__(self, stream: BinaryIO, max_line_bytes: int = DEFAULT_MAX_ARTICLE_BYTES) -> None:
        self._limit = max_line_bytes
        head = read_up_to(stream, HEAD_BYTES)
        complete = len(head) < HEAD_BYTES
        self._codec = feed_codec(head, complete)
        self.encoding = report_name(self._codec)
        self._stream = io.BufferedReader(Rejoined(head, stream))

    def __iter__(self) -> Iterator[Line]:
        if self._codec in _WIDE_CODECS:
            return self._wide_lines()
        return self._byte_lines()

    def _byte_lines(self) -> Iterator[Line]:
        legacy = None if self.encoding == "utf-8" else self._codec
        for number, raw in enumerate(self._limited_lines(), start=1):
            if raw is None:
                yield Line(number, "\n", self.encoding, too_large(self._limit))
                continue
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            if b"\0" in raw:
                yield Line(number, raw.replace(b"\0", b"").decode("utf-8", "replace"), "utf-8", BINARY_LINE)
                continue
            if raw.isascii():
                yield Line(number, raw.decode("ascii"), self.encoding)
                continue
            try:
                yield Line(number, raw.decode("utf-8"), "utf-8")
                continue
            except UnicodeDecodeError:
                pass
            if legacy is not None:
                try:
                    yield Line(number, raw.decode(legacy), self.encoding)
                    continue
                except UnicodeDecodeError:
                    pass
            yield _line_on_its_own(number, raw)

    def _limited_lines(self) -> Iterator[bytes | None]:
        """Physical lines; ``None`` for a line longer than the limit, which is skipped unread."""
        while True:
            raw = self._stream.readline(self._limit + 1)
            if not raw:
                return
            if len(raw) > self._limit and not raw.endswith(b"\n"):
                while True:
                    rest = self._stream.readline(_SKIP_BYTES)
                    if not rest or rest.endswith(b"\n"):
                        break
                yield None
                continue
            yield raw

    def _wide_lines(self) -> Iterator[Line]:
        text = io.TextIOWrapper(self._stream, encoding=self._codec, newline="\n")
        number = 0
        try:
            for number, line in enumerate(text, start=1):
                yield Line(number, line, self.encoding)
        except UnicodeDecodeError as error:
            yield Line(number + 1, "", self.encoding, f"invalid {self.encoding}: {error.reason}")


def _line_on_its_own(number: int, raw: bytes) -> Line:
    try:
        decoded = decode_bytes(raw, first_line=number)
    except InputError as error:
        return Line(number, raw.decode("utf-8", errors="replace"), "utf-8", str(error))
    return Line(number, decoded.text, decoded.encoding, notes=decoded.notes)


def read_up_to(stream: BinaryIO, size: int) -> bytes:
    """Read ``size`` bytes or up to the end, even from a pipe that hands data over in pieces."""
    chunks: list[bytes] = []
    wanted = size
    while wanted > 0:
        chunk = stream.read(wanted)
        if not chunk:
            break
        chunks.append(chunk)
        wanted -= len(chunk)
    return b"".join(chunks)


class Rejoined(io.RawIOBase):
    """A stream whose first bytes were already read (to sniff them), put back in front of the rest.

    Standard input cannot seek back, so sniffing must not consume what it looked at.
    """

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
