"""Apply the safe suggestions of an article's findings in one pass, so that they compose.

Only rules declared ``safe`` (mechanical fixes that are always right: spacing, quote marks, a listed
spelling, deleting listed page chrome) are applied. Each suggestion is first reduced to the few
characters it really changes (a quote-style fix of a whole quotation changes two marks, not the
sentence between them), so fixes that share a span but touch different characters all apply: the
German quotation marks and the corrected name inside the quotation. Where two findings want to change
the same characters differently, the lesser (lower severity, then shorter span) is dropped whole and
reported; two findings never both apply there. Deleting a whole line of page chrome also removes
the blank lines it leaves, keeping the paragraph break that surrounded it.
"""

from __future__ import annotations

import bisect
import codecs
import difflib
import functools
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtqa.errors import ReportError
from mtqa.model import Article, ArticleFailure, Finding
from mtqa.segment import LineIndex

if TYPE_CHECKING:
    from mtqa.config import Settings

ALIGN_LIMIT = 400
"""Longest match plus suggestion aligned character by character (quadratic at worst, so bounded).

A suggestion of the match's length (a quote style, a name spelling) is compared position by position
at any length; a longer one of another length keeps only its common start and end."""


@dataclass(frozen=True, order=True)
class Edit:
    """Replace the half-open ``[start, end)`` of the original text by ``replacement``."""

    start: int
    end: int
    replacement: str

    def conflicts(self, other: Edit) -> bool:
        """Whether applying both is ambiguous; identical edits merge and never conflict."""
        if self == other:
            return False
        if self.start == self.end and other.start == other.end:
            return self.start == other.start
        if self.start == self.end:
            return other.start < self.start < other.end
        if other.start == other.end:
            return self.start < other.start < self.end
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Skipped:
    """A safe finding that was not applied, and why (shown to the user, never silent)."""

    finding: Finding
    reason: str


@dataclass(frozen=True)
class FixResult:
    """The corrected text of one article and what went into it."""

    original: str
    text: str
    applied: tuple[Finding, ...]
    skipped: tuple[Skipped, ...] = ()
    unsafe: int = 0
    """Findings with a suggestion that needs an editor (not applied)."""

    @property
    def changed(self) -> bool:
        return self.text != self.original

    @property
    def added(self) -> int:
        """Characters the applied suggestions add at most: the bound on how much longer the text gets."""
        return sum(max(0, len(f.suggestion or "") - (f.end - f.start)) for f in self.applied)

    def diff(self, name: str) -> str:
        """A unified diff (``a/NAME`` to ``b/NAME``), empty when nothing changed."""
        lines = difflib.unified_diff(
            self.original.splitlines(keepends=True),
            self.text.splitlines(keepends=True),
            f"a/{name}",
            f"b/{name}",
        )
        marker = "\n\\ No newline at end of file\n"
        return "".join(line if line.endswith("\n") else line + marker for line in lines)


@dataclass
class _Candidate:
    finding: Finding
    edits: list[Edit] = field(default_factory=list)
    junctions: list[tuple[int, int]] = field(default_factory=list)
    """(original offset, blank lines to keep) where a whole line was deleted."""


@functools.lru_cache(maxsize=1)
def safe_codes() -> frozenset[str]:
    """Codes of the rules whose suggestions ``mtqa fix`` applies."""
    from mtqa.rules.registry import all_rules

    return frozenset(rule.code for rule in all_rules() if rule.safe)


def apply_fixes(text: str, findings: Iterable[Finding], safe: frozenset[str] | None = None) -> FixResult:
    """``text`` with the safe suggestions among ``findings`` applied in one pass."""
    safe = safe_codes() if safe is None else safe
    candidates: list[_Candidate] = []
    skipped: list[Skipped] = []
    unsafe = 0
    for finding in dict.fromkeys(findings):
        if finding.suggestion is None:
            continue
        if finding.code not in safe:
            unsafe += 1
            continue
        if text[finding.start : finding.end] != finding.match:
            skipped.append(Skipped(finding, "its span no longer holds the match"))
            continue
        candidates.append(_candidate(text, finding))
    accepted: list[_Candidate] = []
    taken = _TakenEdits()
    for candidate in sorted(candidates, key=_priority):
        clash = taken.clash(candidate)
        if clash is not None:
            other = clash.finding
            skipped.append(Skipped(candidate.finding, f"overlaps {other.code} ({other.match!r}), which won"))
            continue
        accepted.append(candidate)
        taken.add(candidate)
    edits = sorted({edit for c in accepted for edit in c.edits})
    fixed = _apply(text, edits, [j for c in accepted for j in c.junctions])
    applied = tuple(sorted((c.finding for c in accepted), key=lambda f: (f.start, f.end, f.code)))
    skipped.sort(key=lambda s: (s.finding.start, s.finding.end, s.finding.code))
    return FixResult(text, fixed, applied, tuple(skipped), unsafe)


def fix_article(article: Article, settings: Settings) -> FixResult:
    """Check ``article`` with ``settings`` (allow list included) and apply its safe suggestions."""
    from mtqa.pipeline import check_article
    from mtqa.references import load_table

    allowed = frozenset(load_table("allow", settings.rules.allow).column("phrase"))
    _, findings = check_article(article, settings)
    return apply_fixes(article.text, [f for f in findings if f.match not in allowed])


def skipped_lines(result: FixResult, name: str) -> list[str]:
    """``NAME:LINE:COL CODE not applied: reason`` for every safe finding that was left alone."""
    index = LineIndex(result.original)
    lines = []
    for item in result.skipped:
        line, column = index.line_col(item.finding.start)
        lines.append(f"{name}:{line}:{column} {item.finding.code} not applied: {item.reason}")
    return lines


BACKUP_SUFFIX = ".orig"
FIXED_SUFFIX = ".fixed.txt"


def run_fix(paths: Sequence[str], settings: Settings, mode: str, echo: Callable[..., Any]) -> int:
    """``mtqa fix``: ``mode`` is ``copy`` (``<output>/<id>.fixed.txt``), ``diff`` or ``in-place``.

    Returns the exit code: 2 when an input could not be read or written, else with ``diff`` 1 when
    some file would change, else 0.
    """
    from mtqa.read import check_paths, read_inputs
    from mtqa.report.files import ensure_folder, report_path, write_text_atomic

    check_paths(paths)
    output = Path(settings.output)
    failed = would_change = False
    for item in read_inputs(paths):
        if isinstance(item, ArticleFailure):
            echo(f"{item.origin}: {item.reason}", err=True)
            failed = True
            continue
        result = fix_article(item, settings)
        name = item.origin
        for line in skipped_lines(result, name):
            echo(line, err=True)
        if mode == "diff":
            if result.changed:
                echo(result.diff(name), nl=False)
                would_change = True
            continue
        if mode == "in-place":
            if not os.path.isfile(item.origin):
                echo(f"{name}: not a plain file; use copies or --diff for feed articles", err=True)
                failed = True
                continue
            target = Path(item.origin)
            if result.changed:
                try:
                    write_in_place(target, result.text)
                except ReportError as error:
                    echo(f"mtqa: error: {error}", err=True)
                    failed = True
                    continue
        else:
            ensure_folder(output)
            target = report_path(output, item.id, FIXED_SUFFIX)
            write_text_atomic(target, result.text)
        fixes = "1 fix" if len(result.applied) == 1 else f"{len(result.applied)} fixes"
        echo(f"{name}: {fixes} applied, {result.unsafe} left for an editor -> {target}")
    if failed:
        return 2
    return 1 if would_change else 0


def write_in_place(path: Path, text: str) -> None:
    """Rewrite ``path`` in its own encoding, byte-order mark and line ends, after copying it to ``.orig``.

    An existing backup is never overwritten: it may be the only copy of the original.
    """
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    if backup.exists():
        raise ReportError(f"{backup} exists; remove it before fixing {path} in place again")
    from mtqa.read.encoding import decode_bytes

    try:
        raw = path.read_bytes()
        encoding = decode_bytes(raw).encoding
        bom = next((mark for mark in (codecs.BOM_UTF8,) if raw.startswith(mark)), b"")
        newline = "\r\n" if b"\r\n" in raw else "\n"
        data = bom + text.replace("\n", newline).encode(encoding)
        shutil.copy2(path, backup)
        temporary = path.with_name(f".{path.name}.mtqa-fix.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except (OSError, UnicodeError, LookupError) as error:
        raise ReportError(f"{path}: cannot fix in place ({error})") from None


def _priority(candidate: _Candidate) -> tuple[int, int, int, str]:
    finding = candidate.finding
    return -finding.severity, -(finding.end - finding.start), finding.start, finding.code


def _clash(edit: Edit, other: Edit) -> bool:
    """Whether two edits of different findings cannot both be made without mixing their intents.

    Beyond overlapping ranges, an insertion at either end of the other's range is a clash (which
    side it goes is a guess), and so is an identical edit: two fixes that agree on one character
    but not on the rest of their span are two different fixes.
    """
    if edit == other or edit.conflicts(other):
        return True
    if edit.start == edit.end and other.start < other.end:
        return edit.start in (other.start, other.end)
    if other.start == other.end and edit.start < edit.end:
        return other.start in (edit.start, edit.end)
    return False


class _TakenEdits:
    """The accepted findings' edits by position, so a candidate is compared only with its neighbours."""

    def __init__(self) -> None:
        self._edits: list[tuple[int, int, int, str]] = []
        """(start, end, owner, replacement), sorted; an owner indexes ``self._owners``."""
        self._owners: list[_Candidate] = []

    def clash(self, candidate: _Candidate) -> _Candidate | None:
        for edit in candidate.edits:
            at = bisect.bisect_right(self._edits, (edit.end, sys.maxsize, sys.maxsize, ""))
            while at > 0:
                at -= 1
                start, end, owner, replacement = self._edits[at]
                if end < edit.start:
                    break
                other = self._owners[owner]
                if other.edits != candidate.edits and _clash(edit, Edit(start, end, replacement)):
                    return other
        return None

    def add(self, candidate: _Candidate) -> None:
        owner = len(self._owners)
        self._owners.append(candidate)
        for edit in candidate.edits:
            bisect.insort(self._edits, (edit.start, edit.end, owner, edit.replacement))


def _candidate(text: str, finding: Finding) -> _Candidate:
    suggestion = finding.suggestion or ""
    if not suggestion:
        line = _whole_lines(text, finding.start, finding.end)
        if line is not None:
            start, end, keep = line
            return _Candidate(finding, [Edit(start, end, "")], [(start, keep)])
    return _Candidate(finding, _reduced(finding.start, text[finding.start : finding.end], suggestion))


def _reduced(offset: int, old: str, new: str) -> list[Edit]:
    """The edits that turn ``old`` (at ``offset``) into ``new``, only where characters differ."""
    if len(old) == len(new):
        return _positionwise(offset, old, new)
    if len(old) + len(new) > ALIGN_LIMIT:
        head = _common_start(old, new)
        tail = _common_start(old[head:][::-1], new[head:][::-1])
        return [Edit(offset + head, offset + len(old) - tail, new[head : len(new) - tail])]
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [
        Edit(offset + i1, offset + i2, new[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _common_start(left: str, right: str) -> int:
    """How many leading characters two strings share."""
    for at, (a, b) in enumerate(zip(left, right, strict=False)):
        if a != b:
            return at
    return min(len(left), len(right))


def _positionwise(offset: int, old: str, new: str) -> list[Edit]:
    """Runs of differing positions between two strings of one length, each run one edit."""
    edits: list[Edit] = []
    run = -1
    for at, (a, b) in enumerate(zip(old, new, strict=True)):
        if a != b and run < 0:
            run = at
        elif a == b and run >= 0:
            edits.append(Edit(offset + run, offset + at, new[run:at]))
            run = -1
    if run >= 0:
        edits.append(Edit(offset + run, offset + len(old), new[run:]))
    return edits


def _whole_lines(text: str, start: int, end: int) -> tuple[int, int, int] | None:
    """For a span that is whole lines: the range to delete (with its line break) and blank lines to keep."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:start].strip() or text[end:line_end].strip():
        return None
    keep = max(_blank_lines_before(text, line_start), _blank_lines_after(text, line_end))
    return line_start, min(line_end + 1, len(text)), keep


def _blank_lines_before(text: str, line_start: int) -> int:
    count = 0
    at = line_start - 1
    while at > 0:
        previous = text.rfind("\n", 0, at) + 1
        if text[previous:at].strip():
            break
        count += 1
        at = previous - 1
    return count


def _blank_lines_after(text: str, line_end: int) -> int:
    count = 0
    at = line_end + 1
    while at < len(text):
        following = text.find("\n", at)
        following = len(text) if following < 0 else following
        if text[at:following].strip() or following == len(text):
            break
        count += 1
        at = following + 1
    return count


def _apply(text: str, edits: list[Edit], junctions: list[tuple[int, int]]) -> str:
    """Apply sorted, non-conflicting edits; then tidy the blank lines where whole lines went."""
    pieces: list[str] = []
    at = 0
    length = 0
    keep_at: dict[int, int] = {}
    deleted_lines = dict(junctions)
    for edit in edits:
        pieces.append(text[at : edit.start])
        length += edit.start - at
        if edit.start in deleted_lines and edit.replacement == "":
            keep_at[length] = max(keep_at.get(length, 0), deleted_lines[edit.start])
        pieces.append(edit.replacement)
        length += len(edit.replacement)
        at = max(at, edit.end)
    pieces.append(text[at:])
    fixed = "".join(pieces)
    runs: dict[tuple[int, int], int] = {}
    for position, keep in keep_at.items():
        run = _blank_run(fixed, position)
        runs[run] = max(runs.get(run, 0), keep)
    return _collapse(fixed, runs, keep_final_newline=text.endswith("\n"))


def _blank_run(text: str, position: int) -> tuple[int, int]:
    """The blank lines around ``position`` (a line start): ``[start, end)`` from line start to line start."""
    start = position
    while start > 0:
        previous = text.rfind("\n", 0, start - 1) + 1
        if text[previous : start - 1].strip():
            break
        start = previous
    end = position
    while end < len(text):
        following = text.find("\n", end)
        if following < 0 or text[end:following].strip():
            break
        end = following + 1
    return start, end


def _collapse(text: str, runs: dict[tuple[int, int], int], keep_final_newline: bool) -> str:
    """Keep ``keep`` blank lines of each run ``[start, end)``; none at the start or the end of the text."""
    content_end = len(text.rstrip())
    pieces: list[str] = []
    at = 0
    for (start, end), keep in sorted(runs.items()):
        pieces.append(text[at:start])
        if end >= content_end:
            tail = "".join(pieces)
            return tail if keep_final_newline else tail.rstrip("\r\n")
        if start > 0:
            pieces.append("".join(text[start:end].splitlines(keepends=True)[:keep]))
        at = end
    pieces.append(text[at:])
    return "".join(pieces)
