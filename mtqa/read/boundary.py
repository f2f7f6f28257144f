"""Strings from outside made safe once, where they enter: no lone surrogates, printable file names.

A JSON feed may spell a lone surrogate (``"\\udc80"``) and a file name may hold bytes that are not
UTF-8 (Python keeps them as surrogates, PEP 383); either would crash every writer that encodes UTF-8
(reports, CSV, the console) far from where it came in. Text fields get U+FFFD in place of each lone
surrogate, with a note; paths keep their real name for opening and get a display form for reports.
"""

from __future__ import annotations

import os
import re

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> tuple[str, int]:
    """``text`` with every lone surrogate replaced by U+FFFD, and how many there were.

    A str cannot hold a valid surrogate pair (JSON's ``\\ud83d\\ude00`` arrives as one code point),
    so every surrogate left in a str is lone.
    """
    count = len(_SURROGATE.findall(text))
    return (_SURROGATE.sub(REPLACEMENT, text), count) if count else (text, 0)


def surrogate_note(count: int, field: str) -> str:
    return f'{count} lone surrogate(s) in "{field}" replaced with U+FFFD'


def display_path(path: str) -> str:
    """``path`` as reports show it: bytes that are not UTF-8 become U+FFFD (the real name still opens)."""
    if not _SURROGATE.search(path):
        return path
    raw = os.fsencode(path)
    return raw.decode("utf-8", errors="replace")
