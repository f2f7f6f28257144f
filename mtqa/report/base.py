"""The one interface every reporter implements, and what a reporter learns when a run starts.

Files, console lines and summaries all receive the same three calls, so the pipeline hands each
``ArticleReport`` to every reporter without knowing what they write (as flake8's formatters do).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from mtqa import __version__
from mtqa.model import ArticleReport, RunSummary


@dataclass(frozen=True)
class RunInfo:
    """Facts about the run that reports record so a result can be traced to its version and settings."""

    version: str
    """The mtqa version."""
    started: str
    """ISO 8601 timestamp with time zone."""
    output_dir: Path | None
    settings: dict[str, object] = field(default_factory=dict)

    @classmethod
    def now(cls, output_dir: Path | None, settings: dict[str, object] | None = None) -> RunInfo:
        """A ``RunInfo`` for a run starting now with the installed mtqa version."""
        started = datetime.now(UTC).isoformat(timespec="seconds")
        return cls(__version__, started, output_dir, dict(settings or {}))


class Reporter(Protocol):
    """Receives ``start`` once, ``article`` for each article read, then ``finish`` with the whole run."""

    def start(self, run: RunInfo) -> None: ...

    def article(self, report: ArticleReport) -> None: ...

    def finish(self, summary: RunSummary) -> None: ...
