"""Paths as patterns see them: an article's file and feed row, relative to the config file's folder.

Exclusion globs and per-file ignores are written relative to the config file, so these helpers turn
whatever the command line gave (relative to the working folder, or absolute) into that one form.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path


def split_origin(origin: str) -> tuple[str, str | None]:
    """``(file path, feed row id or None)`` of an article's origin (``path`` or ``path#id``)."""
    if "#" not in origin or os.path.exists(origin):
        return origin, None
    cut = origin.rfind("#")
    while cut > 0:
        if os.path.isfile(origin[:cut]):
            return origin[:cut], origin[cut + 1 :]
        cut = origin.rfind("#", 0, cut)
    path, _, row = origin.rpartition("#")
    return path, row


def relative_path(path: str, root: str) -> str:
    """``path`` relative to ``root`` with ``/`` separators; unchanged when it lies outside ``root``."""
    absolute = os.path.abspath(path)
    base = os.path.abspath(root or os.curdir)
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:  # another drive on Windows
        return Path(absolute).as_posix()
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return Path(absolute).as_posix()
    return Path(relative).as_posix()


def match_keys(origin: str, root: str) -> tuple[str, ...]:
    """What a per-file pattern is matched against: relative path, ``path#id``, file name, absolute path."""
    path, row = split_origin(origin)
    if path.startswith("<"):  # <stdin>
        return (origin,)
    relative = relative_path(path, root)
    keys = [relative, os.path.basename(path), Path(os.path.abspath(path)).as_posix()]
    if row is not None:
        keys.insert(1, f"{relative}#{row}")
    return tuple(keys)


def matches(path: str, patterns: tuple[str, ...], root: str) -> bool:
    """Whether a file or folder is named by a glob: a pattern without ``/`` matches its name, one with
    ``/`` its path relative to ``root`` (a trailing ``/`` is ignored)."""
    name = os.path.basename(os.path.normpath(path))
    relative: str | None = None
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if "/" not in pattern:
            if fnmatch.fnmatchcase(name, pattern):
                return True
            continue
        if relative is None:
            relative = relative_path(path, root)
        if fnmatch.fnmatchcase(relative, pattern.removeprefix("./")):
            return True
    return False
