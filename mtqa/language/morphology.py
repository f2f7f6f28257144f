"""Readings of German nominal forms (gender or plural, case, adjective declension) as bit masks.

A reading is one way a form can be read: masculine, feminine, neuter or plural, in one of four cases,
after a determiner that asks for the weak, mixed or strong adjective declension. A form's readings
are a 48-bit mask, so "do these words agree" is one ``&`` over their masks, and "no reading agrees"
is a mask of zero. Determiners and adjective endings are closed classes: their readings are data in
``references/determiners.tsv`` and ``references/adjective_endings.tsv``, not code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from mtqa.errors import ReferenceDataError
from mtqa.references import load_table

GENDERS = ("m", "f", "n", "p")
"""Masculine, feminine, neuter singular, and plural (German plural has no gender)."""
CASES = ("nom", "gen", "dat", "acc")
DECLENSIONS = ("weak", "mixed", "strong")
"""Adjective declension a determiner asks for; a noun declined like an adjective reads differently."""

ALL = (1 << 48) - 1
ONE_DECLENSION = (1 << 16) - 1


def bit(gender: str, case: str) -> int:
    """The mask of one gender-and-case reading under every declension."""
    single = 1 << (GENDERS.index(gender) * 4 + CASES.index(case))
    return single | single << 16 | single << 32


def declension_mask(declension: str) -> int:
    """Every reading of one declension."""
    return ONE_DECLENSION << (16 * DECLENSIONS.index(declension))


def parse_readings(spec: str, where: str) -> int:
    """``"m.nom f.gen p.*"`` -> mask under every declension; ``*`` stands for every case."""
    mask = 0
    for item in spec.split():
        gender, _, case = item.partition(".")
        cases = CASES if case == "*" else (case,)
        if gender not in GENDERS or any(c not in CASES for c in cases):
            raise ReferenceDataError(
                f"{where}: reading {item!r} is not gender.case (m/f/n/p . nom/gen/dat/acc)"
            )
        for c in cases:
            mask |= bit(gender, c)
    return mask


def readings_of(mask: int) -> list[tuple[str, str]]:
    """The (gender, case) pairs of a mask, whatever the declension."""
    folded = (mask | mask >> 16 | mask >> 32) & ONE_DECLENSION
    return [(g, c) for g in GENDERS for c in CASES if folded & (1 << (GENDERS.index(g) * 4 + CASES.index(c)))]


def cases_of(mask: int) -> set[str]:
    return {case for _, case in readings_of(mask)}


@dataclass(frozen=True)
class Determiner:
    form: str
    family: str
    """Forms of one family differ only in their ending (``ein``, ``eine``, ``einem`` ...)."""
    declension: str
    mask: int
    """Its readings, restricted to the adjective declension it asks for."""


@functools.lru_cache(maxsize=1)
def determiners() -> dict[str, Determiner]:
    """Determiner forms by lower-case form (``references/determiners.tsv``)."""
    table = load_table("determiners")
    found: dict[str, Determiner] = {}
    for record, origin in zip(table.records(), table.origins, strict=True):
        declension = record["declension"]
        if declension not in DECLENSIONS:
            raise ReferenceDataError(f"{origin}: declension {declension!r} is not weak, mixed or strong")
        mask = parse_readings(record["readings"], origin) & declension_mask(declension)
        form = record["form"].lower()
        found[form] = Determiner(form, record["family"], declension, mask)
    return found


@functools.lru_cache(maxsize=1)
def adjective_endings() -> dict[str, int]:
    """Ending (``e``, ``en``, ``er``, ``es``, ``em``) -> readings, each under its own declension."""
    table = load_table("adjective_endings")
    found: dict[str, int] = {}
    for record, origin in zip(table.records(), table.origins, strict=True):
        declension = record["declension"]
        if declension not in DECLENSIONS:
            raise ReferenceDataError(f"{origin}: declension {declension!r} is not weak, mixed or strong")
        mask = parse_readings(record["readings"], origin) & declension_mask(declension)
        found[record["ending"]] = found.get(record["ending"], 0) | mask
    return found


def adjective_ending(word: str) -> str | None:
    """The inflection ending of an attributive adjective form, longest first (``-en`` before ``-e``)."""
    for ending in ("en", "em", "er", "es", "e"):
        if word.endswith(ending) and len(word) > len(ending) + 1:
            return ending
    return None


def family_form(family: str, gender: str, case: str) -> str | None:
    """The one form of a determiner family with that reading, or None when there is none or several."""
    target = bit(gender, case)
    forms = [d.form for d in determiners().values() if d.family == family and d.mask & target]
    return forms[0] if len(forms) == 1 else None


def ending_for(declension: str, gender: str, case: str) -> str | None:
    """The adjective ending a reading takes under a declension."""
    target = bit(gender, case) & declension_mask(declension)
    found = [ending for ending, mask in adjective_endings().items() if mask & target]
    return found[0] if len(found) == 1 else None
