"""German language resources behind small lazy interfaces (nouns, tagger, lexicon).

Each module loads its library only when first asked, builds any slow index once into the user cache
folder (keyed by the resource's version), and names that version through ``versions()`` so a run's
settings record which data produced its findings.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/mtqa``, else ``~/.cache/mtqa``: where built indexes live."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mtqa"


def versions() -> dict[str, str]:
    """Name and version of every language resource installed, for the run's settings signature."""
    from mtqa.language import nouns, wordclass

    found = {}
    for module in (nouns, wordclass):
        version = module.resource_version()
        if version:
            found[module.PACKAGE] = version
    return found
