"""Bytes to text: UTF-8 (with or without BOM), UTF-16/32 with a BOM, else a detected legacy encoding.

Agency feeds and CMS exports still arrive in cp1252 (German) or windows-1251 (Russian sources), and a
wrongly decoded umlaut would look like a translation artefact, so legacy encodings are detected rather
than replaced; what cannot be detected is refused with a reason instead of guessed.
"""

from __future__ import annotations

import codecs
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


@dataclass(frozen=True)
class Decoded:
    """Text as decoded, and the name of the encoding it was decoded from (``utf-8``, ``cp1252``...)."""

    text: str
    encoding: str


def decode_bytes(data: bytes) -> Decoded:
    """Decode a whole input; raises ``InputError`` with a one-line reason when that is impossible.

    A byte order mark is removed, so the text starts with the first real character.
    """
    codec = bom_codec(data)
    if codec is not None:
        return Decoded(_decode_strict(data, codec), report_name(codec))
    if looks_binary(data):
        raise InputError(BINARY)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    codec = detect_legacy(data)
    return Decoded(_decode_strict(data, codec), report_name(codec))


def feed_codec(head: bytes, complete: bool) -> str:
    """The codec of a feed judged by its first bytes; ``complete`` says ``head`` is all of it.

    Raises ``InputError`` only for a binary feed. A feed whose head is neither UTF-8 nor a detectable
    legacy encoding is read as UTF-8 anyway, so that only its undecodable lines fail; a head cut inside
    a UTF-8 character still counts as UTF-8.
    """
    codec = bom_codec(head)
    if codec is not None:
        return codec
    if looks_binary(head):
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


def _decode_strict(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        name = report_name(codec)
        if codec in CANDIDATE_ENCODINGS:
            raise InputError(f"{NOT_DETECTED} (not valid {name} at byte {error.start})") from None
        raise InputError(f"invalid {name}: {error.reason} at byte {error.start}") from None
