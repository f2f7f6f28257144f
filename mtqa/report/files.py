"""Report files: names derived from article ids, and writes that never leave a half-written file.

A reader (a browser, a CI job, the next run's diff) sees either the old report or the new one, never a
truncated mix, because text goes to a temporary file in the same folder that is then renamed.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from mtqa.errors import ReportError

_FORBIDDEN_IN_ID = ("/", "\\", "\0")


def report_path(output_dir: Path, article_id: str, suffix: str) -> Path:
    """``<output_dir>/<article_id><suffix>``; refuses an id that could escape or clobber the folder.

    Ids arrive already made safe by the reader; this is the last line of defence, not the cleaner.
    """
    separators = {*_FORBIDDEN_IN_ID, os.sep, os.altsep or "/"}
    if article_id in ("", ".", "..") or any(s in article_id for s in separators):
        raise ReportError(f"unsafe article id {article_id!r}: cannot be used as a report file name")
    return output_dir / f"{article_id}{suffix}"


def ensure_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"{folder}: cannot create the report folder ({exc.strerror or exc})") from None


def _unchanged(path: Path, text: str) -> bool:
    """Whether ``path`` already holds exactly ``text``: a re-run then leaves the file alone, which on
    some file systems saves far more time than the check costs (a rename per report)."""
    try:
        if path.stat().st_size != len(text.encode("utf-8")):
            return False
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` through a temporary sibling and ``os.replace``.

    The temporary file is created with mode 0o666 so the umask, not a tempfile default of 0o600,
    decides who may read the finished report.
    """
    if _unchanged(path, text):
        return
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with open(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):  # the write error below is the one worth reporting
            temporary.unlink(missing_ok=True)
        raise ReportError(f"{path}: cannot write report ({exc.strerror or exc})") from None
