"""Termbases a team gives mtqa: TSV or CSV with source, german (and source_lang) columns, or TBX.

They are read once, when the settings are loaded, so a broken file is one clear error before the run
starts, and the terms travel in the rule options to worker processes like any other setting.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mtqa.errors import ReferenceDataError
from mtqa.references import load_table


@dataclass(frozen=True)
class GlossaryTerm:
    source: str
    german: str
    source_lang: str = ""
    """ISO 639-1 code; empty = any source language."""


def load_glossary(paths: Sequence[str]) -> tuple[GlossaryTerm, ...]:
    """The terms of every file in ``paths`` (by extension: ``.tbx``, ``.csv``, anything else TSV)."""
    terms: list[GlossaryTerm] = []
    tables = tuple(p for p in paths if not p.lower().endswith((".tbx", ".csv")))
    if tables:
        for record in load_table("glossary", tables).records():
            terms.append(GlossaryTerm(record["source"], record["german"], record["source_lang"]))
    for path in paths:
        if path.lower().endswith(".tbx"):
            terms.extend(_read_tbx(Path(path)))
        elif path.lower().endswith(".csv"):
            terms.extend(_read_csv(Path(path)))
    return tuple(
        GlossaryTerm(t.source.strip(), t.german.strip(), t.source_lang.strip().lower())
        for t in terms
        if t.source.strip() and t.german.strip()
    )


def _read_csv(path: Path) -> list[GlossaryTerm]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"source", "german"} <= set(reader.fieldnames):
                raise ReferenceDataError(f"{path}: a glossary CSV needs the columns source and german")
            return [
                GlossaryTerm(row["source"] or "", row["german"] or "", row.get("source_lang") or "")
                for row in reader
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReferenceDataError(f"{path}: cannot read the glossary ({exc})") from None


def _read_tbx(path: Path) -> list[GlossaryTerm]:
    """Term pairs of a TBX file (translate-toolkit), after defusedxml refused entity tricks."""
    from translate.storage import tbx

    from mtqa.errors import InputError
    from mtqa.read.bilingual import check_xml

    try:
        data = path.read_bytes()
        check_xml(data)
        store = tbx.tbxfile.parsestring(data)
    except OSError as exc:
        raise ReferenceDataError(f"{path}: cannot read the glossary ({exc.strerror or exc})") from None
    except InputError as exc:
        raise ReferenceDataError(f"{path}: {exc}") from None
    except Exception as exc:  # translate-toolkit's own parse errors, of several types
        raise ReferenceDataError(f"{path}: not a readable TBX file ({type(exc).__name__}: {exc})") from None
    return [GlossaryTerm(str(u.source), str(u.target)) for u in store.units if u.source and u.target]
