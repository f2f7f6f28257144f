"""Cached loaders for the word lists in ``references/`` and a user's own lists that extend them.

Every list is a UTF-8, tab-separated file: lines starting with ``#`` are the header that documents
the format, the first other line names the columns, blank lines are ignored. A user's list has the
same columns as the built-in list it extends and is appended to it (house style wins by coming last).
"""

from __future__ import annotations

import functools
import importlib.resources
import os
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

from mtqa.errors import ReferenceDataError

REFERENCES_ENV = "MTQA_REFERENCES"
"""Environment variable naming another folder of built-in lists (for tests and deployments)."""
PACKAGED_LISTS = "mtqa.wordlists"
"""The package the wheel ships ``references/`` as (``setup.py`` maps the folder)."""
SOURCE_LISTS = Path(__file__).resolve().parent.parent / "references"
"""``references/`` of a source checkout, where the lists are edited."""


def references_dir() -> Path | Traversable:
    """The built-in lists: ``$MTQA_REFERENCES``, else the source checkout's ``references/``, else the
    copy installed inside the package (read through ``importlib.resources``).

    A checkout (``references/`` beside ``setup.cfg``) wins so that an edited list takes effect without
    reinstalling, and a worktree reads its own lists even when another checkout is installed editable.
    """
    override = os.environ.get(REFERENCES_ENV)
    if override:
        return Path(override)
    if SOURCE_LISTS.is_dir() and (SOURCE_LISTS.parent / "setup.cfg").is_file():
        return SOURCE_LISTS
    try:
        return importlib.resources.files(PACKAGED_LISTS)
    except ModuleNotFoundError:
        raise ReferenceDataError(
            f"the built-in word lists are missing: neither {SOURCE_LISTS} nor the package "
            f"{PACKAGED_LISTS} exists (a broken install? reinstall mtqa, or set ${REFERENCES_ENV})"
        ) from None


@dataclass(frozen=True)
class Table:
    """The rows of one or more lists with identical columns; ``origin`` says where each row came from."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    origins: tuple[str, ...]

    def records(self) -> Iterator[dict[str, str]]:
        for row in self.rows:
            yield dict(zip(self.columns, row, strict=True))

    def column(self, name: str) -> tuple[str, ...]:
        index = self.columns.index(name)
        return tuple(row[index] for row in self.rows)


def _parse(path: Path | Traversable) -> tuple[tuple[str, ...], list[tuple[str, ...]], list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        raise ReferenceDataError(f"{path}: list not found") from None
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    columns: tuple[str, ...] = ()
    rows: list[tuple[str, ...]] = []
    origins: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = tuple(cell.strip() for cell in line.split("\t"))
        if not columns:
            columns = cells
            continue
        if len(cells) < len(columns):
            cells = cells + ("",) * (len(columns) - len(cells))
        if len(cells) > len(columns):
            raise ReferenceDataError(
                f"{path}:{number}: {len(cells)} tab-separated cells, header has {len(columns)}"
            )
        rows.append(cells)
        origins.append(f"{path.name}:{number}")
    if not columns:
        raise ReferenceDataError(f"{path}: no header line naming the columns")
    return columns, rows, origins


@functools.lru_cache(maxsize=64)
def load_table(name: str, extra: tuple[str, ...] = ()) -> Table:
    """Load ``references/<name>.tsv`` plus the user's files in ``extra`` (same columns, appended)."""
    columns, rows, origins = _parse(references_dir() / f"{name}.tsv")
    for extra_path in extra:
        extra_columns, extra_rows, extra_origins = _parse(Path(extra_path))
        if extra_columns != columns:
            raise ReferenceDataError(
                f"{extra_path}: columns {list(extra_columns)} do not match {name}.tsv {list(columns)}"
            )
        rows.extend(extra_rows)
        origins.extend(extra_origins)
    return Table(name, columns, tuple(rows), tuple(origins))
