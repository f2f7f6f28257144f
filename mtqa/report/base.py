"""The one interface every reporter implements, and what a reporter learns when a run starts.

Files, console lines and summaries all receive the same three calls, so the pipeline hands each
``ArticleReport`` to every reporter without knowing what they write (as flake8's formatters do).
``finish`` gets a ``RunSummary`` of totals and failures, not the reports: a reporter that needs more
than totals keeps it itself from ``article`` (bounded, or written out at once).
"""

from __future__ import annotations

import secrets
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
    run_id: str = ""
    """Unique per run (start time and a random part); the manifest and ``summary.json`` carry it."""

    @classmethod
    def now(cls, output_dir: Path | None, settings: dict[str, object] | None = None) -> RunInfo:
        """A ``RunInfo`` for a run starting now with the installed mtqa version."""
        moment = datetime.now(UTC)
        started = moment.isoformat(timespec="seconds")
        run_id = f"{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"
        return cls(__version__, started, output_dir, dict(settings or {}), run_id)


class Reporter(Protocol):
    """Receives ``start`` once, ``article`` for each article read, then ``finish`` with the run's totals.

    ``article`` may raise ``ReportError``: the pipeline then records that article as failed (with the
    reason) and goes on with the next one. ``finish`` is called even after Ctrl-C, with
    ``summary.interrupted`` set.
    """

    def start(self, run: RunInfo) -> None: ...

    def article(self, report: ArticleReport) -> None: ...

    def finish(self, summary: RunSummary) -> None: ...
