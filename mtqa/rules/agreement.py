"""Agreement (GRM): city names used as metonyms take the gender of the source language's noun.

Russian and Ukrainian say "официальный Вашингтон" (masculine) and "официальная Москва" (feminine) for
a government; machine translation copies the gender ("der offizielle Washington"), while German city
names are neuter ("das offizielle Washington"). The rule looks for a definite article that cannot be
neuter, one to three adjectives and a city from the names list, and skips the look-alikes: a name that
goes on ("die renommierte Washington Post") and an extended attribute whose noun comes later ("die gegen
Kiew gerichtete Offensive").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from mtqa.model import Severity
from mtqa.references import load_table
from mtqa.rules.registry import Hit, RuleContext, bad, good, rule

# An article that cannot be neuter, one to three adjectives (lowercase, ending in -e or -en), then a
# capitalised word and two more, as a city name has up to three ("Rostow am Don"). Each branch starts
# with a literal letter and the word-start test comes after it, so that the regex engine can skip
# ahead to the letters D, d, Z, z.
_CANDIDATE = re.compile(
    r"(?P<article>D(?<![\w-].)(?:er|ie|en)|d(?<![\w-].)(?:er|ie|en)|Z(?<![\w-].)ur|z(?<![\w-].)ur)"
    r"[ \t\u00a0]+"
    r"(?P<adjectives>(?:[a-zäöüß]+en?[ \t\u00a0]+){1,3})"
    r"(?P<name>[A-ZÄÖÜ]\w*(?:[ \t\u00a0]+\w+){0,2})"
)
# After the city: a capitalised word (the name goes on, or a noun the article belongs to), or,
# after any coordinated names, an inflected participle and its noun ("gegen Kiew gerichtete Offensive").
_NOT_A_METONYM_AFTER = re.compile(
    r"[\w-]|[ \t\u00a0]+[A-ZÄÖÜ]"
    r"|(?:(?:[ \t\u00a0]*,|[ \t\u00a0]+(?:und|oder|sowie))[ \t\u00a0]+[A-ZÄÖÜ][\w-]*)*"
    r"[ \t\u00a0]+[a-zäöüß]+(?:t|nd|en)(?:e|en|er|es|em)[ \t\u00a0]+[A-ZÄÖÜ]"
)
_ADJECTIVE = re.compile(r"([a-zäöüß]+?)(en|e)\Z")


@functools.lru_cache(maxsize=8)
def city_names(files: tuple[str, ...] = ()) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Cities of the names list (``kind`` == ``city``), German forms and variants, as word tuples.

    Keyed by the first word, longest name first, so that a candidate is ruled out by one lookup.
    """
    names: set[str] = set()
    for record in load_table("names", files).records():
        if record["kind"] != "city":
            continue
        names.add(record["german"])
        names.update(v.strip() for v in record["variants"].split(",") if v.strip())
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for name in names:
        words = tuple(name.split())
        if words:
            by_first.setdefault(words[0], []).append(words)
    return {first: tuple(sorted(found, key=len, reverse=True)) for first, found in by_first.items()}


def _city_end(
    text: str, name_start: int, name: str, cities: dict[str, tuple[tuple[str, ...], ...]]
) -> int | None:
    """End offset of the longest city name that ``name`` (up to three words) starts with."""
    words = name.split()
    for city in cities.get(words[0], ()):
        if tuple(words[: len(city)]) == city:
            end = name_start
            for word in city:
                end = text.index(word, end) + len(word)
            return end
    return None


def _inflect(adjectives: list[str], ending: str) -> str:
    result = []
    for adjective in adjectives:
        found = _ADJECTIVE.match(adjective)
        result.append(found.group(1) + ending if found else adjective)
    return " ".join(result)


def _with_case(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def _correction(article: str, adjectives: list[str], city: str) -> tuple[str | None, str | None]:
    """The neuter rewrite of the phrase, or (for dative/genitive ``der``) no rewrite and a message."""
    weak_plural = all(a.endswith("en") for a in adjectives)
    lowered = article.lower()
    if lowered == "zur":
        return f"{_with_case('zum', article)} {_inflect(adjectives, 'en')} {city}", None
    if lowered == "der" and weak_plural:
        genitive = city if city[-1:] in "sßxz" else city + "s"
        dative = f"{_with_case('dem', article)} {_inflect(adjectives, 'en')} {city}"
        genitive_phrase = f"{_with_case('des', article)} {_inflect(adjectives, 'en')} {genitive}"
        return None, (
            f"'{{match}}': city names are neuter: '{dative}' (dative) or '{genitive_phrase}' (genitive)"
        )
    return f"{_with_case('das', article)} {_inflect(adjectives, 'e')} {city}", None


@rule(
    "GRM001",
    "city-metonym-not-neuter",
    Severity.MINOR,
    "'{match}': city names are neuter: '{suggestion}'",
    "German city names are neuter; a masculine or feminine article copies the gender of the Russian or "
    "Ukrainian noun ('официальный Вашингтон') and marks the text as machine-translated.",
    [
        bad(
            "Gleichzeitig hat [[der offizielle Washington]] noch nichts bestätigt.",
            fix="das offizielle Washington",
        ),
        bad("Alle warten auf [[den offiziellen Kiew]].", fix="das offizielle Kiew"),
        bad("[[Die offizielle Moskau]] schweigt.", fix="Das offizielle Moskau"),
        bad("Der Weg [[zur offiziellen Moskau]] ist weit.", fix="zum offiziellen Moskau"),
        bad("Die Haltung [[der offiziellen Moskau]] ist bekannt."),
        good("Das offizielle Washington schweigt, sagte er der Washington Post."),
        good("Die renommierte Washington Post berichtete, der Moskauer Bürgermeister schwieg."),
        good("Die gegen Kiew gerichtete Offensive und der zwischen Kiew und Moskau vereinbarte Austausch."),
        good(
            "Die Rolle des offiziellen Washingtons und dem offiziellen Kiew; die USA, der Kreml, die Ukraine."
        ),
    ],
)
def city_metonym_not_neuter(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    cities = city_names(context.options.names)
    for match in _CANDIDATE.finditer(text):
        end = _city_end(text, match.start("name"), match.group("name"), cities)
        if end is None or _NOT_A_METONYM_AFTER.match(text, end):
            continue
        city = text[match.start("name") : end]
        suggestion, message = _correction(match.group("article"), match.group("adjectives").split(), city)
        yield Hit(match.start(), end, suggestion, message)
