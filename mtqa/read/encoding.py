"""Bytes to text: UTF-8 (with or without BOM), UTF-16/32 with a BOM, else a detected legacy encoding.

Agency feeds and CMS exports still arrive in cp1252 (German) or windows-1251 (Russian sources), and a
wrongly decoded umlaut would look like a translation artefact, so legacy encodings are detected rather
than replaced; what cannot be detected is refused with a reason instead of guessed.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from mtqa.errors import InputError

BINARY_SNIFF_BYTES = 8192
"""A NUL byte this early means a binary file (unless a UTF-16/32 BOM says otherwise)."""

CANDIDATE_ENCODINGS = (
    "cp1252",
    "iso8859_15",
    "latin_1",
    "mac_roman",
    "cp1250",
    "iso8859_2",
    "cp1251",
    "koi8_r",
    "koi8_u",
    "iso8859_5",
    "cp866",
    "mac_cyrillic",
)
"""Legacy encodings of German, Russian, Ukrainian, Belarusian and English texts, most likely first.

Detection considers only these (an unrestricted guess turns short Cyrillic into Chinese), and when
several decode the bytes identically the first listed names the result.
"""

CONTROL_BYTES = bytes([*range(1, 9), *range(14, 32), 127])
"""Control bytes that text never has many of (tab, line breaks and form feed excluded)."""
CONTROL_SHARE = 0.1
"""A sniffed head with a larger share of control bytes is binary, NUL or not."""

NOT_DETECTED = "not UTF-8 and the encoding could not be detected"
BINARY = "binary file"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
"""UTF-32 comes before UTF-16: the UTF-32 LE BOM starts with the UTF-16 LE BOM."""


REPLACEMENT = "\ufffd"
MAX_LINES_NAMED = 10
"""A note names at most this many line numbers, then says how many more there were."""
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
"""A well-formed UTF-8 sequence beyond ASCII."""
_HIGH_BYTES = bytes(range(0x80, 0x100))


@dataclass(frozen=True)
class Decoded:
    """Text as decoded, the name of the encoding it was decoded from (``utf-8``, ``cp1252``...), and
    notes saying what had to be done beyond a clean decoding (which lines, how many replacements)."""

    text: str
    encoding: str
    notes: tuple[str, ...] = ()


def decode_bytes(data: bytes, first_line: int = 1) -> Decoded:
    """Decode a whole input; raises ``InputError`` with a one-line reason when that is impossible.

    A byte order mark is removed, so the text starts with the first real character. Valid UTF-8 and a
    file wholly in one detectable legacy encoding decode cleanly. Otherwise the file is decoded line by
    line, never as a whole in a guessed encoding (one stray cp1252 byte made a UTF-8 article decode as
    cp1250, "TATSĂ„CHLICH"): a line that holds UTF-8 is UTF-8 with its invalid bytes replaced by
    U+FFFD, a line without any is decoded in the legacy encoding detected for such lines, and the
    ``notes`` say which lines and how many bytes.
    """
    codec = bom_codec(data)
    if codec is not None:
        return _decode_replacing(data, codec)
    if looks_binary(data):
        raise InputError(BINARY)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data" and error.end == len(data):
            text = data.decode("utf-8", errors="replace")
            return Decoded(text, "utf-8", ("truncated UTF-8 at the end: 1 incomplete character replaced",))
    lines = data.splitlines(keepends=True)
    if not any(_looks_utf8(line) for line in lines):
        codec = detect_legacy(data)
        try:
            return Decoded(data.decode(codec), report_name(codec))
        except UnicodeDecodeError:
            pass
    return decode_lines(lines, first_line)


def decode_lines(lines: list[bytes], first_line: int = 1) -> Decoded:
    """Decode each line on its own (see ``decode_bytes``) and say what was not clean UTF-8."""
    legacy_lines = [line for line in lines if not _is_utf8(line) and not _looks_utf8(line)]
    legacy: str | None = None
    if legacy_lines:
        try:
            legacy = detect_legacy(b"".join(legacy_lines))
        except InputError:
            legacy = None
    parts: list[str] = []
    in_legacy: list[int] = []
    replaced: list[int] = []
    replacements = 0
    for number, line in enumerate(lines, start=first_line):
        if _is_utf8(line):
            parts.append(line.decode("utf-8"))
            continue
        if legacy is not None and not _looks_utf8(line):
            try:
                parts.append(line.decode(legacy))
                in_legacy.append(number)
                continue
            except UnicodeDecodeError:
                pass
        text = line.decode("utf-8", errors="replace")
        replacements += text.count(REPLACEMENT) - line.count(REPLACEMENT.encode("utf-8"))
        replaced.append(number)
        parts.append(text)
    notes = []
    if in_legacy and legacy is not None:
        notes.append(f"not UTF-8 in {_lines(in_legacy)}: decoded as {report_name(legacy)}")
    if replaced:
        where = _lines(replaced)
        notes.append(f"{replacements} invalid UTF-8 byte sequence(s) replaced with U+FFFD in {where}")
    return Decoded("".join(parts), "utf-8", tuple(notes))


def _looks_utf8(line: bytes) -> bool:
    """Most of the line's non-ASCII bytes form well-formed UTF-8 sequences: UTF-8 with stray bytes.

    In a legacy encoding such sequences occur only by chance (cp1251 "Ві" is C2 B3), a few in a line.
    """
    high = len(line) - len(line.translate(None, _HIGH_BYTES))
    covered = sum(len(match.group()) for match in _UTF8_MULTIBYTE.finditer(line))
    return high > 0 and 2 * covered >= high


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _lines(numbers: list[int]) -> str:
    """``line 3`` / ``lines 3, 7 and 12 more``."""
    shown = ", ".join(str(n) for n in numbers[:MAX_LINES_NAMED])
    more = f" and {len(numbers) - MAX_LINES_NAMED} more" if len(numbers) > MAX_LINES_NAMED else ""
    return f"line{'s' if len(numbers) > 1 else ''} {shown}{more}"


def _decode_replacing(data: bytes, codec: str) -> Decoded:
    """Decode with the codec a BOM names; bytes it cannot decode are replaced and counted."""
    name = report_name(codec)
    try:
        return Decoded(data.decode(codec), name)
    except UnicodeDecodeError:
        text = data.decode(codec, errors="replace")
        count = text.count(REPLACEMENT) - _clean_replacements(data, codec)
        return Decoded(text, name, (f"{count} invalid {name} byte sequence(s) replaced with U+FFFD",))


def _clean_replacements(data: bytes, codec: str) -> int:
    return data.decode(codec, errors="ignore").count(REPLACEMENT)


def feed_codec(head: bytes, complete: bool) -> str:
    """The codec of a feed judged by its first bytes; ``complete`` says ``head`` is all of it.

    Raises ``InputError`` only for a feed that is mostly binary (``mostly_binary``). A feed whose
    head is neither UTF-8 nor a detectable legacy encoding is read as UTF-8 anyway, so that only its
    undecodable lines fail; a head cut inside a UTF-8 character still counts as UTF-8.
    """
    codec = bom_codec(head)
    if codec is not None:
        return codec
    if mostly_binary(head):
        raise InputError(BINARY)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return detect_legacy(head)
    except InputError:
        return "utf-8"


def looks_binary(data: bytes) -> bool:
    """A NUL byte, or many control bytes, near the start (call it only after ruling out UTF-16/32)."""
    sample = data[:BINARY_SNIFF_BYTES]
    if b"\0" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    return controls > CONTROL_SHARE * len(sample)


def mostly_binary(data: bytes) -> bool:
    """Control bytes (NUL included) make up much of the start: a binary file, not a feed.

    A few NUL bytes do not make a feed binary: they fail only the records that hold them.
    """
    sample = data[:BINARY_SNIFF_BYTES]
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES + b"\0"))
    return controls > CONTROL_SHARE * len(sample)


def bom_codec(data: bytes) -> str | None:
    """The codec named by a byte order mark at the start of ``data``; it strips the mark when decoding."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def detect_legacy(data: bytes) -> str:
    """Ask charset-normalizer which of ``CANDIDATE_ENCODINGS`` fits; raises ``InputError`` if none does."""
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(CANDIDATE_ENCODINGS)).best()
    if best is None:
        raise InputError(NOT_DETECTED)
    equivalent = {codecs.lookup(name).name for name in best.could_be_from_charset}
    for candidate in CANDIDATE_ENCODINGS:
        if codecs.lookup(candidate).name in equivalent:
            return candidate
    return best.encoding


def report_name(codec: str) -> str:
    """The name recorded in ``Article.encoding``: Python's canonical name, and plain ``utf-8`` for a BOM."""
    name = codecs.lookup(codec).name
    return "utf-8" if name == "utf-8-sig" else name


def normalise_newlines(text: str) -> str:
    """Turn ``\\r\\n`` and lone ``\\r`` into ``\\n``, so offsets and line numbers do not depend on the OS."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")
