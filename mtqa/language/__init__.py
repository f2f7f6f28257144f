"""Language resources behind small lazy interfaces (German nouns, tagger, lexicon; Cyrillic names).

Each module loads its library only when first asked, builds any slow index once into the user cache
folder (keyed by the resource's version), and names that version through ``versions()`` so a run's
settings record which data produced its findings.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "MTQA_CACHE_DIR"


def cache_dir() -> Path:
    """Where built indexes live: `$MTQA_CACHE_DIR`, else `$XDG_CACHE_HOME/mtqa`, else `~/.cache/mtqa`."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mtqa"


def installed_version(package: str) -> str | None:
    """The installed version of ``package``, or None when it is not installed."""
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def versions() -> dict[str, str]:
    """Every language resource and its version, for the run's settings signature."""
    from mtqa.language import cyrillic, lexicon, nouns, tagger

    found = {
        "tagger": tagger.signature(),
        "lexicon": lexicon.resource_version(),
        "source morphology": cyrillic.signature(),
    }
    noun_version = nouns.resource_version()
    if noun_version:
        found["nouns"] = f"{nouns.PACKAGE} {noun_version}"
    return found
