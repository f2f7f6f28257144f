"""Which inputs a command line names: files, folders searched recursively, and ``-`` for stdin.

Folders are walked in sorted order so that a run (and its report) is the same on every machine;
hidden entries, ``references/`` folders and the source and reference files next to articles are not
articles themselves. An ``Exclusion`` (``exclude`` globs, and mtqa's own outputs) prunes the walk.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from mtqa.errors import InputError
from mtqa.model import ArticleFailure
from mtqa.paths import matches
from mtqa.read.boundary import display_path
from mtqa.read.ids import safe_id
from mtqa.read.text import REFERENCE_FOLDER, ArticleName, cannot_read, special_kind

STDIN = "-"


class Kind(enum.Enum):
    """How an input is read."""

    TEXT = "text"
    JSONL = "jsonl"
    CSV = "csv"
    BILINGUAL = "bilingual"
    """XLIFF, TMX or an XLSX segment table: source and German segment by segment."""
    STDIN = "stdin"


FEED_EXTENSIONS = {
    ".jsonl": Kind.JSONL,
    ".ndjson": Kind.JSONL,
    ".csv": Kind.CSV,
    ".xlf": Kind.BILINGUAL,
    ".xliff": Kind.BILINGUAL,
    ".tmx": Kind.BILINGUAL,
    ".xlsx": Kind.BILINGUAL,
}
ARTICLE_EXTENSION = ".txt"
"""In a folder only ``*.txt`` files are plain-text articles; a file named on the command line may have any."""


@dataclass(frozen=True)
class Input:
    """One file to read (or standard input), as named or as found in a folder."""

    kind: Kind
    path: str


@dataclass(frozen=True)
class Exclusion:
    """What a folder walk skips: globs (``exclude`` settings, relative to ``root``) and real paths.

    ``outputs`` are mtqa's own files and folders (the report folder, its summaries, a baseline, the
    cache): never read as input, so a second run in the same folder checks what the first one did.
    Paths named on the command line are checked even if a glob matches them (as ruff does), but never
    one of mtqa's own outputs.
    """

    patterns: tuple[str, ...] = ()
    root: str = ""
    outputs: frozenset[str] = field(default_factory=frozenset)

    def is_output(self, path: str) -> bool:
        return bool(self.outputs) and os.path.realpath(path) in self.outputs

    def skips(self, path: str) -> bool:
        return self.is_output(path) or matches(path, self.patterns, self.root)


NO_EXCLUSION = Exclusion()


def check_paths(paths: Sequence[str]) -> None:
    """Raise ``InputError`` (one line) for a missing path or unreadable folder before anything runs."""
    missing = [path for path in paths if path != STDIN and not os.path.exists(path)]
    if missing:
        noun = "file or folder" if len(missing) == 1 else "files or folders"
        raise InputError(f"no such {noun}: {', '.join(_show(path) for path in missing)}")
    if sum(path == STDIN for path in paths) > 1:
        raise InputError("standard input ('-') can be read only once")
    for path in paths:
        if path != STDIN and os.path.isdir(path):
            try:
                with os.scandir(path):
                    pass
            except OSError as error:
                raise InputError(f"cannot read folder {_show(path)}: {error.strerror or error}") from None


def expand(paths: Sequence[str], exclusion: Exclusion = NO_EXCLUSION) -> Iterator[Input | ArticleFailure]:
    """Every input named by ``paths``, in order, each file once even if named twice (or via a folder)."""
    seen: set[str] = set()
    for path in paths:
        if path == STDIN:
            yield Input(Kind.STDIN, STDIN)
            continue
        if exclusion.is_output(path) and not os.path.isdir(path):
            continue
        if os.path.isdir(path):
            found: Iterator[Input | ArticleFailure] = _walk(path, exclusion)
        elif os.path.exists(path):
            found = iter([Input(kind_of(path), path)])
        else:
            found = iter([ArticleFailure(_failure_id(path), display_path(path), "no such file or folder")])
        for item in found:
            if isinstance(item, Input):
                real = os.path.realpath(item.path)
                if real in seen:
                    continue
                seen.add(real)
            yield item


def kind_of(path: str) -> Kind:
    """A feed by its extension; anything else is a plain-text article."""
    return FEED_EXTENSIONS.get(os.path.splitext(path)[1].lower(), Kind.TEXT)


def is_article_file(file_name: str) -> bool:
    """Whether a file found in a folder is an input (not a source, reference or unrelated file)."""
    extension = os.path.splitext(file_name)[1].lower()
    if extension in FEED_EXTENSIONS:
        return True
    if extension != ARTICLE_EXTENSION:
        return False
    name = ArticleName.parse(file_name)
    return not (name.is_source or name.is_reference)


def _walk(folder: str, exclusion: Exclusion = NO_EXCLUSION) -> Iterator[Input | ArticleFailure]:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        reason = f"cannot read folder: {error.strerror or error}"
        yield ArticleFailure(_failure_id(folder), display_path(folder), reason)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = os.path.join(folder, entry.name)
        if exclusion.skips(path):
            continue
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
            is_file = not is_folder and entry.is_file()
            special = None if is_folder or is_file else _special(entry)
        except OSError as error:
            yield ArticleFailure(_failure_id(path), display_path(path), cannot_read(error))
            continue
        if is_folder and entry.name != REFERENCE_FOLDER:
            yield from _walk(path, exclusion)
        elif is_file and is_article_file(entry.name):
            yield Input(kind_of(path), path)
        elif special is not None and is_article_file(entry.name):
            yield ArticleFailure(_failure_id(path), display_path(path), special)


def _special(entry: os.DirEntry[str]) -> str | None:
    """Why a folder entry that is neither a folder nor a regular file is not read, or ``None``."""
    if entry.is_symlink() and not os.path.exists(entry.path):
        return "dangling symbolic link (its target does not exist): skipped"
    if entry.is_symlink() and os.path.isdir(entry.path):
        return None  # a link to a folder is not followed (no cycles)
    return f"not a regular file ({special_kind(entry.stat().st_mode)}): refused"


def _failure_id(path: str) -> str:
    return safe_id(ArticleName.parse(os.path.basename(os.path.normpath(path))).base)


def _show(path: str) -> str:
    shown = display_path(path)
    return shown if shown and shown.isprintable() else repr(shown)
