"""Which word classes a single German form can have, from the Hanover Tagger's (HanTa) lexicon.

The agreement rule asks only about the few words of a phrase that already disagrees by the noun
data, so the tagger's cost (its model loads in under a second, a word takes microseconds) is paid on
a handful of words per article. The sentence tagger that the word-order rules use lives in
``mtqa.language.tagger``; this module asks the same library about one word at a time.
"""

from __future__ import annotations

import functools
from typing import Any

from mtqa.language import installed_version

PACKAGE = "HanTa"
TOP = 2
"""How many of the tagger's most likely tags count as readings of the word."""


@functools.lru_cache(maxsize=1)
def resource_version() -> str | None:
    return installed_version(PACKAGE)


def _tagger() -> Any | None:
    """The process's one HanTa model (``mtqa.language.tagger``), or None when HanTa is not installed."""
    if resource_version() is None:
        return None
    from mtqa.language.tagger import hanover

    return hanover()


@functools.lru_cache(maxsize=16384)
def tags(word: str) -> tuple[str, ...]:
    """The tagger's most likely STTS tags for ``word`` alone (e.g. ``("VV(INF)", "VV(FIN)")``)."""
    tagger = _tagger()
    if tagger is None:
        return ()
    return tuple(str(tag) for tag, _ in tagger.tag_word(word)[:TOP])


def can_be_infinitive(word: str) -> bool:
    """Whether the lower-case ``word`` can be a verb's infinitive ("sitzen", so "zum Sitzen")."""
    return "VV(INF)" in tags(word.lower()) or "VA(INF)" in tags(word.lower())


def is_attributive_adjective(word: str) -> bool:
    """Whether ``word`` is most likely an inflected adjective ("folgenden", not "schließen")."""
    found = tags(word.lower())
    return bool(found) and found[0] == "ADJ(A)"


def available() -> bool:
    return resource_version() is not None
