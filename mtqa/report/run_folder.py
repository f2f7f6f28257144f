"""The output folder of one run: an exclusive lock, a manifest written first and completed last.

Two runs writing into one folder would interleave their reports and summaries silently, so a run takes
an exclusive lock (``.mtqa.lock``) and a second run fails at once with a message naming the holder. The
manifest (``mtqa-run.json``, schema ``mtqa.run/1``) says ``"state": "running"`` from the first moment:
a run killed with ``kill -9`` leaves it so, which is how the next run (and anyone reading the folder)
knows the reports there do not belong to one complete run. The next run says so, then removes the
temporary files the killed one left behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from mtqa.errors import OutputBusyError, ReportError
from mtqa.report.base import RunInfo
from mtqa.report.files import ensure_folder, remove_stale_temporaries, write_text_atomic
from mtqa.run_files import LOCK_NAME, MANIFEST_NAME

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock; runs there are not locked
    fcntl = None  # type: ignore[assignment]

MANIFEST_SCHEMA = "mtqa.run/1"
PROGRESS_SECONDS = 5.0
"""How often, at most, the manifest's count of articles done is brought up to date."""


class RunFolder:
    """Holds the output folder for one run; ``close`` completes the manifest and releases the lock."""

    def __init__(self, run: RunInfo, folder: Path) -> None:
        self.run = run
        self.folder = folder
        self.previous: dict[str, Any] | None = None
        """The manifest the last run left, when it had not completed (killed or interrupted)."""
        self.removed_temporaries = 0
        self._lock: IO[str] | None = None
        self._last_progress = 0.0

    @classmethod
    def open(cls, run: RunInfo, folder: Path) -> RunFolder:
        """Lock ``folder`` (raises ``OutputBusyError`` if another run has it) and start the manifest."""
        held = cls(run, folder)
        ensure_folder(folder)
        held._acquire()
        try:
            held.previous = _unfinished(folder / MANIFEST_NAME)
            held.removed_temporaries = remove_stale_temporaries(folder)
            held._write("running", articles=0, failed=0)
        except BaseException:
            held._release()
            raise
        return held

    def notes(self) -> list[str]:
        """What the user should know about the folder's state before this run."""
        notes = []
        if self.previous is not None:
            notes.append(
                f"the previous run in {self.folder} (run {self.previous.get('run_id', '?')}, started "
                f"{self.previous.get('started_at', '?')}) did not complete "
                f"({self.previous.get('state', '?')}); its reports may be mixed with this run's"
            )
        if self.removed_temporaries:
            notes.append(f"removed {self.removed_temporaries} temporary file(s) left by an earlier run")
        return notes

    def progress(self, articles: int, failed: int) -> None:
        """Bring the manifest's counts up to date, at most every ``PROGRESS_SECONDS``."""
        now = time.monotonic()
        if now - self._last_progress >= PROGRESS_SECONDS:
            self._last_progress = now
            with contextlib.suppress(ReportError):  # progress is a courtesy; close reports for real
                self._write("running", articles=articles, failed=failed)

    def close(self, state: str, articles: int, failed: int) -> None:
        """Write the final manifest (``complete`` or ``interrupted``) and release the lock."""
        try:
            self._write(state, articles=articles, failed=failed, finished_at=_now())
        finally:
            self._release()

    def _write(self, state: str, **counts: Any) -> None:
        document = {
            "schema": MANIFEST_SCHEMA,
            "run_id": self.run.run_id,
            "state": state,
            "mtqa_version": self.run.version,
            "started_at": self.run.started,
            "pid": os.getpid(),
            **counts,
            "settings": self.run.settings,
        }
        text = json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"
        write_text_atomic(self.folder / MANIFEST_NAME, text)

    def _acquire(self) -> None:
        if fcntl is None:  # pragma: no cover
            return
        path = self.folder / LOCK_NAME
        try:
            handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held until close()
        except OSError as exc:
            raise ReportError(f"{path}: cannot create the lock file ({exc.strerror or exc})") from None
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "another mtqa run"
            handle.close()
            raise OutputBusyError(
                f"{self.folder} is in use by {holder}; wait for it to finish or choose another folder with -o"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"mtqa run {self.run.run_id} (pid {os.getpid()}, started {self.run.started})\n")
        handle.flush()
        self._lock = handle

    def _release(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                self._lock.seek(0)
                self._lock.truncate()
            self._lock.close()  # closing the descriptor releases the flock
            self._lock = None


def _unfinished(path: Path) -> dict[str, Any] | None:
    """The previous manifest if it says its run never completed; ``None`` if complete or absent."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("state") == "complete":
        return None
    return document


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
