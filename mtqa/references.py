"""Cached loaders for the word lists in ``references/`` and a user's own lists that extend them.

Every list is a UTF-8, tab-separated file: lines starting with ``#`` are the header that documents
the format, the first other line names the columns, blank lines are ignored. A user's list has the
same columns as the built-in list it extends and is appended to it (house style wins by coming last).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mtqa.errors import ReferenceDataError

REFERENCES_ENV = "MTQA_REFERENCES"
"""Environment variable naming another folder of built-in lists (for tests and deployments)."""


def references_dir() -> Path:
    """The folder of built-in lists: ``$MTQA_REFERENCES``, else ``references/`` next to the package."""
    override = os.environ.get(REFERENCES_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "references"


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


def _parse(path: Path) -> tuple[tuple[str, ...], list[tuple[str, ...]], list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
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
