"""Report files: names derived from article ids, and writes that never leave a half-written file.

A reader (a browser, a CI job, the next run's diff) sees either the old report or the new one, never a
truncated mix, because text goes to a temporary file in the same folder that is then renamed. The
temporary name is short and fixed in length (``.mtqa-<hex>.tmp``), so a report name that fits the file
system's 255-byte limit always has a temporary name that fits too, and a later run can find and remove
the temporaries a killed run left behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from pathlib import Path

from mtqa.errors import ReportError

_FORBIDDEN_IN_ID = ("/", "\\", "\0")
TEMPORARY_PREFIX = ".mtqa-"
TEMPORARY_SUFFIX = ".tmp"
STALE_TEMPORARY = re.compile(r"\.(?:mtqa-[0-9a-f]{12}|.+\.[0-9a-f]{12})\.tmp\Z")
"""Temporary names of this version (``.mtqa-<hex>.tmp``) and of earlier ones (``.<name>.<hex>.tmp``)."""
MAX_NAME_BYTES = 255
"""The file-name limit of ext4, XFS, APFS, NTFS (in UTF-8 bytes or UTF-16 units, whichever is less)."""


def report_path(output_dir: Path, article_id: str, suffix: str) -> Path:
    """``<output_dir>/<article_id><suffix>``; refuses an id that could escape or clobber the folder.

    Ids arrive already made safe by the reader; this is the last line of defence, not the cleaner.
    """
    separators = {*_FORBIDDEN_IN_ID, os.sep, os.altsep or "/"}
    if article_id in ("", ".", "..") or any(s in article_id for s in separators):
        raise ReportError(f"unsafe article id {article_id!r}: cannot be used as a report file name")
    name = f"{article_id}{suffix}"
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        raise ReportError(f"article id {article_id!r} is too long for a file name")
    return output_dir / name


def ensure_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"{folder}: cannot create the report folder ({exc.strerror or exc})") from None


def temporary_sibling(path: Path) -> Path:
    """A fresh temporary name in ``path``'s folder, the same length whatever ``path`` is called."""
    return path.with_name(f"{TEMPORARY_PREFIX}{secrets.token_hex(6)}{TEMPORARY_SUFFIX}")


def _unchanged(path: Path, text: str) -> bool:
    """Whether ``path`` already holds exactly ``text``: a re-run then leaves the file alone, which on
    some file systems saves far more time than the check costs (a rename per report)."""
    try:
        if path.stat().st_size != len(text.encode("utf-8")):
            return False
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeError):  # unreadable, or text that cannot be encoded: write it and see
        return False


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` through a temporary sibling and ``os.replace``.

    The temporary file is created with mode 0o666 so the umask, not a tempfile default of 0o600,
    decides who may read the finished report. Whatever goes wrong (a full disk, text that cannot be
    encoded), the temporary file is removed and a ``ReportError`` names the path and the reason.
    """
    if _unchanged(path, text):
        return
    temporary = temporary_sibling(path)
    replaced = False
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with open(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temporary, path)
        replaced = True
    except OSError as exc:
        raise ReportError(f"{path}: cannot write report ({exc.strerror or exc})") from None
    except UnicodeError as exc:
        raise ReportError(f"{path}: cannot write report ({exc})") from None
    finally:
        if not replaced:
            with contextlib.suppress(OSError):  # the write error is the one worth reporting
                temporary.unlink(missing_ok=True)


def remove_stale_temporaries(folder: Path) -> int:
    """Delete temporary files an earlier, killed run left in ``folder``; returns how many.

    Call it only while holding the folder's lock, so no running writer owns them.
    """
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if STALE_TEMPORARY.match(entry.name) and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed += 1
    return removed
