"""Agreement (GRM): noun phrases, subjects and verbs that do not agree, and city metonyms.

GRM002 reads a determiner, its adjectives and its noun the way LanguageTool's AgreementRule does:
each form has a set of readings (gender or plural, case, declension; ``mtqa.language.morphology``),
and a phrase is wrong only when no reading of the three agrees. Unknown words are assumed right, and
the places where LanguageTool knows agreement does not apply are skipped: a relative pronoun after a
comma (and a preposition), "das" used as a pronoun, an extended attribute ("die Kiew unterstützenden
Staaten"), measure and time nouns, a name made of an adjective and a noun ("das Weiße Haus").
GRM003 finds a sentence-initial plural subject (a plural noun phrase, or a plural name such as "die
USA") with a singular auxiliary or modal verb, or the reverse, when no other word of the clause could
be the subject. GRM004 finds a personal pronoun beside a form of an auxiliary, modal or "wissen" that
does not have its person ("ich bist", "du muss").

GRM001: city names used as metonyms take the gender of the source language's noun.

Russian and Ukrainian say "официальный Вашингтон" (masculine) and "официальная Москва" (feminine) for
a government; machine translation copies the gender ("der offizielle Washington"), while German city
names are neuter ("das offizielle Washington"). The rule looks for a definite article that cannot be
neuter, one to three adjectives and a city from the names list, and skips the look-alikes: a name that
goes on ("die renommierte Washington Post") and an extended attribute whose noun comes later ("die gegen
Kiew gerichtete Offensive").
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple, cast

from mtqa.language import morphology, nouns, wordclass
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


# ---------------------------------------------------------------------------------------------------
# Noun phrases, subjects and verbs (GRM002-GRM004)

# Words first: the branches start with disjoint characters, so their order only decides how soon one fits.
_TOKEN = re.compile(r"[^\W\d_]\w*(?:-\w+)*|\d+(?:[.,]\d+)*(?:-\w+)*|[^\w\s]")
_OPENERS = frozenset("„“\"'»«‚(–-—:")
_CLAUSE_END = frozenset(",;:.!?–—()")
_GENDER_NAMES = {"m": "masculine", "f": "feminine", "n": "neuter", "p": "plural"}
_PRONOUN_FORMS = frozenset(
    (
        "das",
        "dieser",
        "diese",
        "dieses",
        "diesem",
        "diesen",
        "einer",
        "einem",
        "jedem",
        "jeder",
        "keiner",
        "keinem",
    )
)
"""Determiner forms that also stand alone as pronouns ("sind das Frauen", "jedem hohe Gewinne")."""
_INFINITIVE_ENDINGS = ("en", "ern", "eln")
_PERSONS = ("1s", "2s", "3s", "1p", "2p", "3p")
_NOMINATIVE = morphology.bit("m", "nom") | morphology.bit("f", "nom") | morphology.bit("n", "nom")
_PLURAL_NOMINATIVE = morphology.bit("p", "nom")
_CONTRACTIONS = frozenset(
    ("am", "im", "vom", "zum", "beim", "zur", "ins", "ans", "aufs", "durchs", "fürs", "ums")
)


class _Token(NamedTuple):
    start: int
    end: int
    text: str
    lower: str
    """``text`` in lower case, made once with the token: the rules ask for it many times."""

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalpha()

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


_new_token = functools.partial(tuple.__new__, _Token)


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    # Building the tuples from mapped match methods skips a Python-level call per token.
    found = list(_TOKEN.finditer(text, start, end))
    words = list(map(re.Match.group, found))
    starts, ends = map(re.Match.start, found), map(re.Match.end, found)
    fields = zip(starts, ends, words, map(str.lower, words), strict=True)
    return cast(list[_Token], list(map(_new_token, fields)))


def _segment_starts(context: RuleContext) -> list[int]:
    return context.memoised("segment-starts", lambda: [segment.start for segment in context.segments])


def _sentences(context: RuleContext, offsets: Iterable[int]) -> Iterator[tuple[list[_Token], int]]:
    """The tokens of each sentence that holds one of ``offsets`` (where a cheap trigger fired), and
    the index of its first word (after quotes and dashes)."""
    text = context.text
    starts = _segment_starts(context)
    chosen = sorted({bisect.bisect_right(starts, offset) - 1 for offset in offsets} - {-1})
    for index in chosen:
        segment = context.segments[index]
        tokens = context.memoised(
            ("grm-tokens", index), functools.partial(_tokens, text, segment.start, segment.end)
        )
        first = 0
        while first < len(tokens) and tokens[first].text in _OPENERS:
            first += 1
        yield tokens, first


def _trie(words: Iterable[str], after_first: str = "") -> str:
    """A regular expression matching exactly ``words``, as a trie, so matching costs one pass.

    ``after_first`` goes after the first character of every word: a look-behind placed there lets
    each branch start with a literal, and the regex engine skip ahead to those letters.
    """
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, dict], after: str = "") -> str:
        branches = [re.escape(char) + after + pattern(child) for char, child in sorted(node.items()) if char]
        optional = "" in node
        if not branches:
            return ""
        body = (
            branches[0] if len(branches) == 1 and len(branches[0]) == 1 else "(?:" + "|".join(branches) + ")"
        )
        return body + "?" if optional else body

    return pattern(tree, after_first)


@functools.lru_cache(maxsize=1)
def _determiner_trigger() -> re.Pattern[str]:
    """A determiner, up to four lower-case words, and a capitalised word: a noun phrase to look at."""
    return re.compile(
        r"(?<![\w-])(?P<det>(?i:" + _trie(morphology.determiners()) + r"))(?![\w-])"
        r"(?=(?P<mid>(?:[ \t\u00a0]+[a-zäöüß\d][\w-]*){0,4})[ \t\u00a0]+(?P<noun>[A-ZÄÖÜ]\w*(?:-\w+)*)"
        r"(?P<next>[ \t\u00a0]+[A-ZÄÖÜ])?)"
    )


def _first_per_sentence(
    pattern: re.Pattern[str], text: str, starts: list[int], fires: Callable[[re.Match[str]], bool]
) -> Iterator[int]:
    """The offset of the first match of ``pattern`` that ``fires`` in each sentence (``starts``).

    One trigger is enough to read a sentence, so the search goes on at the next sentence. The patterns
    match whole words (nothing starts inside a match), so this finds the sentences ``finditer`` would.
    """
    search = pattern.search
    match = search(text)
    while match is not None:
        if fires(match):
            yield match.start()
            following = bisect.bisect_right(starts, match.start())
            if following == len(starts):
                return
            match = search(text, max(match.end(), starts[following]))
        else:
            match = search(text, match.end())


def _noun_phrase_triggers(text: str, starts: list[int]) -> Iterator[int]:
    """Offsets of noun phrases that may disagree: those that plainly agree cost two look-ups.

    A phrase is passed on to the full analysis unless its determiner, last adjective and noun
    share a reading, or it cannot be one (a word between that is no adjective, an unknown noun).
    """
    return _first_per_sentence(_determiner_trigger(), text, starts, lambda m: _may_disagree(m.groups()))


@functools.lru_cache(maxsize=65536)
def _may_disagree(groups: tuple[str | None, ...]) -> bool:
    """Whether a determiner, the words between and a capitalised word (the trigger's groups: det, mid,
    noun, next) need the full analysis."""
    written, between, noun_word, following = cast(tuple[str, str, str, str | None], groups)
    name_follows = following is not None
    determiner = morphology.determiners()[written.lower()]
    mid = between.split()
    if mid and _kind(mid[0], "modifier"):
        mid = mid[1:]
    words = [w for w in mid if not _kind(w, "conjunction")]
    if not all(_is_adjective(_Token(0, 0, w, w.lower())) for w in words):
        return False
    noun = _noun(noun_word)
    if noun is None:
        return name_follows and morphology.adjective_ending(noun_word) is not None
    mask = determiner.mask & noun
    if words:
        mask &= _adjective_mask(words[-1])
    return not mask


@functools.lru_cache(maxsize=1)
def _words() -> dict[str, frozenset[str]]:
    kinds: dict[str, set[str]] = {}
    for record in load_table("agreement_words").records():
        kinds.setdefault(record["word"], set()).add(record["kind"])
    return {word: frozenset(found) for word, found in kinds.items()}


def _kind(word: str, kind: str) -> bool:
    return kind in _words().get(word, _NO_KINDS)


_NO_KINDS: frozenset[str] = frozenset()


@functools.lru_cache(maxsize=1)
def _extra_nouns() -> dict[str, int]:
    found: dict[str, int] = {}
    table = load_table("nouns")
    for record, origin in zip(table.records(), table.origins, strict=True):
        mask = morphology.parse_readings(record["readings"], origin)
        found[record["form"]] = found.get(record["form"], 0) | mask
    return found


@functools.lru_cache(maxsize=1)
def _plural_names() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Plural names as word tuples, by first word, longest first."""
    names = {tuple(name.split()) for name in load_table("plural_names").column("name") if name.strip()}
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for name in sorted(names, key=len, reverse=True):
        by_first.setdefault(name[0], []).append(name)
    return {first: tuple(found) for first, found in by_first.items()}


def _noun(word: str) -> int | None:
    """Readings of a capitalised word as a noun (the package's data and ours), or None if unknown."""
    if _kind(word, "ignored-noun"):
        return None
    if "-" in word and word.split("-", 1)[0].isupper():
        return None  # "die GEFA-Flug", "die EU-Kommission": a name, or an acronym's compound
    extra = _extra_nouns().get(word)
    known = nouns.readings(word)
    if extra is None:
        return known
    return extra | (known or 0)


def _nominalised(word: str) -> int:
    """Readings a capitalised verb or adjective form has as a noun ("das Versenden", "im Folgenden")."""
    mask = 0
    lower = word.lower()
    if lower.endswith(_INFINITIVE_ENDINGS) and wordclass.can_be_infinitive(lower):
        mask |= morphology.bit("n", "nom") | morphology.bit("n", "dat") | morphology.bit("n", "acc")
    ending = morphology.adjective_ending(lower)
    if ending is not None and wordclass.is_attributive_adjective(lower):
        mask |= morphology.adjective_endings().get(ending, 0)
    return mask


def _is_adjective(token: _Token) -> bool:
    """A lower-case word with an adjective ending that is not a listed look-alike ("immer", "vier")."""
    word = token.text
    if "-" in word and word[:1].isdigit():
        word = word.rsplit("-", 1)[1]  # "34-jährigen"
    if not word[:1].islower() or word in morphology.determiners():
        return False
    if _kind(word, "not-adjective") or _kind(word, "preposition") or word in _verb_forms():
        return False  # "Das waren schwere Zeiten": a verb, not an adjective
    return word.isalpha() and morphology.adjective_ending(word) is not None


def _adjective_mask(word: str) -> int:
    ending = morphology.adjective_ending(word.rsplit("-", 1)[-1].lower())
    return morphology.adjective_endings().get(ending, 0) if ending else 0


@dataclass(frozen=True)
class _Phrase:
    determiner: _Token
    adjectives: tuple[_Token, ...]
    checked: _Token | None
    """The adjective whose ending is checked: the last declinable one ("Berliner" does not decline)."""
    noun: _Token
    noun_index: int
    readings: int


def _phrases(tokens: list[_Token], i: int) -> list[_Phrase] | None:
    """The analyses of the noun phrase that starts with the determiner at ``i``.

    The first capitalised word is the noun; where it has an adjective ending and capitalised words
    follow, they may be a name's adjectives before its noun ("das Weiße Haus", "das Heilige Römische
    Reich"). None when the phrase is not a plain determiner-adjectives-noun sequence, or its noun is
    unknown (assumed right).
    """
    if tokens[i].lower == "am" and i + 1 < len(tokens) and tokens[i + 1].text[:1].islower():
        return None  # "am meisten verbreiteten": a superlative
    j = i + 1
    if j < len(tokens) and _kind(tokens[j].lower, "modifier"):
        j += 1
    adjectives: list[_Token] = []
    while j < len(tokens) and len(adjectives) < 4:
        token = tokens[j]
        if _is_adjective(token):
            adjectives.append(token)
            j += 1
        elif (
            adjectives
            and (token.text == "," or _kind(token.text, "conjunction"))
            and j + 1 < len(tokens)
            and _is_adjective(tokens[j + 1])
        ):
            j += 1
        else:
            break
    if j >= len(tokens) or not tokens[j].is_word or not tokens[j].capitalised:
        return None
    if j + 1 < len(tokens) and tokens[j + 1].start == tokens[j].end and tokens[j + 1].text in "-'’":
        return None  # "die Diäten- und Gehaltserhöhung", "die Lenz'sche Regel"
    checked = adjectives[-1] if adjectives else None
    found = []
    noun = _noun(tokens[j].text)
    if noun is not None:
        found.append(_Phrase(tokens[i], tuple(adjectives), checked, tokens[j], j, noun))
    k = j
    name_adjectives = list(adjectives)
    while k + 1 < len(tokens) and k - j < 3 and tokens[k + 1].is_word and tokens[k + 1].capitalised:
        ending = morphology.adjective_ending(tokens[k].text)
        if ending is None or not tokens[k].text.isalpha() or len(tokens[k + 1].text) < 2:
            break
        name_adjectives.append(tokens[k])
        if ending != "er" or not tokens[k].text[:1].isupper():
            checked = tokens[k]  # "Berliner", "Stuttgarter": city adjectives in -er do not decline
        following = _noun(tokens[k + 1].text)
        if following is not None:
            found.append(_Phrase(tokens[i], tuple(name_adjectives), checked, tokens[k + 1], k + 1, following))
            break
        k += 1
    return found or None


def _agrees(determiner: morphology.Determiner, phrase: _Phrase, readings: int | None = None) -> int:
    mask = determiner.mask & (phrase.readings if readings is None else readings)
    if phrase.checked is not None:
        mask &= _adjective_mask(phrase.checked.text)
    return mask


def _weak_masculine_without_n(determiner: morphology.Determiner, phrase: _Phrase) -> bool:
    """A weak masculine noun left without its -en ("den Graph", "dem Präsident"), common and understood."""
    oblique = morphology.bit("m", "gen") | morphology.bit("m", "dat") | morphology.bit("m", "acc")
    if not determiner.mask & oblique or determiner.mask & phrase.readings:
        return False
    word = phrase.noun.text
    if not phrase.readings & morphology.bit("m", "nom") and not word.endswith("ns"):
        return False
    if word.endswith("ns") and (_noun(word[:-1]) or 0) & morphology.bit("m", "gen") & determiner.mask:
        return True  # "dieses Jungens": the colloquial genitive of a weak masculine
    return any((_noun(word + suffix) or 0) & oblique for suffix in ("en", "n"))


def _skipped_context(tokens: list[_Token], first: int, i: int, determiner: morphology.Determiner) -> bool:
    """Places where the word is a relative pronoun or not the determiner of what follows."""
    token = tokens[i]
    previous = tokens[i - 1].lower if i > first else ""
    title = token.text[:1].isupper() and i > first and tokens[i - 1].text not in _OPENERS
    if title and determiner.family != "ihr":  # "Ihre" is the polite form, capitalised anywhere
        return True  # "in Der Spiegel": part of a title, or a headline in title case
    return previous in morphology.determiners()  # "der eine Polizist", "zum einen", "einer jeden"


def _relative(tokens: list[_Token], first: int, i: int, determiner: morphology.Determiner) -> bool:
    """A relative pronoun: "das Haus, das Menschen beherbergt", "der Ort, in dem Kinder spielen"."""
    if determiner.family != "der" or i == first:
        return False
    previous = tokens[i - 1]
    return previous.text == "," or (
        i - 2 >= first and tokens[i - 2].text == "," and _kind(previous.lower, "preposition")
    )


def _pronoun(tokens: list[_Token], first: int, i: int, phrase: _Phrase) -> bool:
    """The word stands alone as a pronoun before a bare noun phrase ("ob das Spaß macht")."""
    if i == first:
        return False
    if not _relative(tokens, first, i, morphology.determiners()[tokens[i].lower]):
        if tokens[i].lower not in _PRONOUN_FORMS:
            return False
        previous = tokens[i - 1]
        if _kind(previous.lower, "preposition") or previous.lower in morphology.determiners():
            return False
        if not previous.text[:1].islower() and i - 1 != first:
            return False  # after a noun ("Das Auto einer Mannes") it is a determiner
    if phrase.checked is None:
        return True
    strong = morphology.declension_mask("strong")
    return bool(_adjective_mask(phrase.checked.text) & phrase.readings & strong)


def _extended_attribute(tokens: list[_Token], phrase: _Phrase) -> bool:
    """The capitalised word belongs to a participle that follows ("die Kiew unterstützenden Staaten")."""
    k = phrase.noun_index
    return k + 2 < len(tokens) and _is_adjective(tokens[k + 1]) and tokens[k + 2].capitalised


def _second_look(determiner: morphology.Determiner, phrase: _Phrase) -> bool:
    """Whether a disagreement by the noun data survives the tagger's view of the words.

    A lower-case "adjective" the tagger reads otherwise ("Das schließen Forscher") is no adjective,
    and a capitalised verb or adjective can be a noun ("das Versenden", "ins Leere").
    """
    for adjective in phrase.adjectives:
        if adjective.text[:1].islower() and not wordclass.is_attributive_adjective(adjective.text):
            return False
    extra = _nominalised(phrase.noun.text)
    return not (extra and _agrees(determiner, phrase, phrase.readings | extra))


def _describe(mask: int) -> str:
    """What the noun can be: "neuter singular", "plural", "feminine singular or plural"."""
    genders: list[str] = []
    for gender, _ in morphology.readings_of(mask):
        if gender not in genders:
            genders.append(gender)
    return " or ".join(_GENDER_NAMES[g] + ("" if g == "p" else " singular") for g in genders)


def _reinflect(adjective: str, ending: str) -> str:
    current = morphology.adjective_ending(adjective.rsplit("-", 1)[-1].lower()) or ""
    return adjective[: len(adjective) - len(current)] + ending


def _suggestion(text: str, determiner: morphology.Determiner, phrase: _Phrase) -> str | None:
    """The determiner and adjectives re-inflected for the noun, when exactly one correction fits.

    The case is the one the determiner (with its adjective) was written in; the noun is kept.
    """
    written = determiner.mask
    if phrase.checked is not None and written & _adjective_mask(phrase.checked.text):
        written &= _adjective_mask(phrase.checked.text)
    cases = morphology.cases_of(written)
    noun = phrase.readings & morphology.declension_mask(determiner.declension)
    declined = [a for a in phrase.adjectives if not (a.text[:1].isupper() and a.text.endswith("er"))]
    corrections = set()
    for gender, case in morphology.readings_of(noun):
        if case not in cases:
            continue
        form = morphology.family_form(determiner.family, gender, case)
        ending = morphology.ending_for(determiner.declension, gender, case)
        if form is None or (declined and ending is None):
            return None
        if phrase.determiner.text[:1].isupper():
            form = form[:1].upper() + form[1:]
        corrections.add((form, ending or ""))
    if len(corrections) != 1:
        return None
    ((form, ending),) = corrections
    result = form + text[phrase.determiner.end : (phrase.adjectives or (phrase.noun,))[0].start]
    for k, adjective in enumerate(phrase.adjectives):
        result += _reinflect(adjective.text, ending) if adjective in declined else adjective.text
        following = phrase.adjectives[k + 1].start if k + 1 < len(phrase.adjectives) else phrase.noun.start
        result += text[adjective.end : following]
    return result + phrase.noun.text


def _disagreements(tokens: list[_Token], first: int) -> Iterator[tuple[int, morphology.Determiner, _Phrase]]:
    table = morphology.determiners()
    for i in range(first, len(tokens) - 1):
        determiner = table.get(tokens[i].lower)
        if (
            determiner is None
            or not tokens[i].text.isalpha()
            or _skipped_context(tokens, first, i, determiner)
        ):
            continue
        phrases = _phrases(tokens, i)
        if not phrases or any(_agrees(determiner, p) for p in phrases):
            continue
        phrase = phrases[0]
        if _weak_masculine_without_n(determiner, phrase):
            continue
        if _pronoun(tokens, first, i, phrase):
            continue
        if _extended_attribute(tokens, phrase) or not all(_second_look(determiner, p) for p in phrases):
            continue
        yield i, determiner, phrase


@rule(
    "GRM002",
    "noun-phrase-disagreement",
    Severity.MAJOR,
    "'{match}': determiner, adjective and noun do not agree in gender, number or case: '{suggestion}'",
    "German determiners and adjectives take the gender, number and case of their noun; machine translation "
    "often keeps the gender of the source-language noun ('eine weitere Hilfspaket', 'der ukrainische "
    "Prawda'). Flagged only when no reading of the words agrees.",
    [
        bad("Die EU kündigte [[eine weitere Hilfspaket]] an.", fix="ein weiteres Hilfspaket"),
        bad("Das berichtete [[der ukrainische Prawda]] am Montag.", fix="die ukrainische Prawda"),
        bad("Das Büro [[des Bundeskanzlerin]] schwieg.", fix="der Bundeskanzlerin"),
        bad("Sie stieg aus [[dem Kinder]] aus."),
        bad("Er hat [[das wichtigen Dokument]] gefunden.", fix="das wichtige Dokument"),
        bad("Sie ist [[ein Kernkraftwerksbetreiberin]].", fix="eine Kernkraftwerksbetreiberin"),
        bad("Er wartet an [[der roter Ampel]]."),
        good("Das Weiße Haus und die Deutsche Bahn sprachen mit dem Abgeordneten und der Abgeordneten."),
        good("Das Haus, das Menschen beherbergt, und der Ort, in dem Kinder spielen, liegen nah."),
        good("Meistens sind das Frauen, und ob das Spaß macht, weiß keiner."),
        good("Die Kiew unterstützenden Staaten und die immer größer werdende Kluft."),
        good("Die Rolle des Kreml, um ein Uhr, mehrere Prozent, auf der einen Seite."),
        bad("Ein Sprecher [[des Außenministerium]] sagte das."),
        good("Eine sehr große und wirtschaftlich wichtige Frage stellten die Vereinigten Staaten."),
        good("Er sagte der Washington Post, die Baerbock sei der Prawda zufolge in Kiew."),
        good("Das Versenden von Briefen lief im Allgemeinen ins Leere; das Berliner Wetter."),
    ],
)
def noun_phrase_disagreement(context: RuleContext) -> Iterator[Hit]:
    if not nouns.is_available():
        return
    text = context.text
    for tokens, first in _sentences(context, _noun_phrase_triggers(text, _segment_starts(context))):
        for index, determiner, phrase in _disagreements(tokens, first):
            after_preposition = index > first and _kind(tokens[index - 1].lower, "preposition")
            # After a preposition the written case may be the mistake: suggest nothing.
            suggestion = None if after_preposition else _suggestion(text, determiner, phrase)
            noun = phrase.noun.text
            described = f"'{noun}' is {_describe(phrase.readings)}"
            if nouns.from_compound(noun):
                described += " (the gender of its last part)"
            words = "the determiner and adjective do" if phrase.adjectives else "the determiner does"
            message = f"'{{match}}': {described}; {words} not agree with it"
            message += ": '{suggestion}'" if suggestion is not None else ""
            yield Hit(phrase.determiner.start, phrase.noun.end, suggestion, message)


_TENSE_PREFERENCE = ("present", "past", "subj2", "subj1")
"""Which tense a suggestion takes when a form belongs to several ("wollen": present or Konjunktiv I)."""


@dataclass(frozen=True)
class _VerbForm:
    lemma: str
    persons: frozenset[str]
    tenses: tuple[tuple[str, ...], ...]
    """The rows of the table that hold this form (preferred tense first), by person in ``_PERSONS`` order."""

    def form_for(self, person: str) -> str:
        return self.tenses[0][_PERSONS.index(person)]

    def infinitive_like(self, form: str) -> bool:
        """Spelt like the infinitive ("können"): in a verb-final clause it may be one."""
        return form == self.lemma


@functools.lru_cache(maxsize=1)
def _verb_forms() -> dict[str, _VerbForm]:
    """Each finite form of the table with its lemma, persons and the rows it occurs in."""
    table = load_table("verb_number")
    entries: dict[str, list[tuple[int, str, str, tuple[str, ...]]]] = {}
    for record in table.records():
        forms = tuple(record[p] for p in _PERSONS)
        tense = record["tense"]
        rank = _TENSE_PREFERENCE.index(tense) if tense in _TENSE_PREFERENCE else len(_TENSE_PREFERENCE)
        for person, form in zip(_PERSONS, forms, strict=True):
            entries.setdefault(form, []).append((rank, person, record["lemma"], forms))
    found = {}
    for form, rows in entries.items():
        rows.sort(key=lambda row: row[0])
        tenses = tuple(dict.fromkeys(row[3] for row in rows))
        found[form] = _VerbForm(rows[0][2], frozenset(row[1] for row in rows), tenses)
    return found


def _subject_phrase(tokens: list[_Token], first: int) -> tuple[int, int, int] | None:
    """(end index, readings, end offset) of a sentence-initial noun phrase or plural name."""
    table = morphology.determiners()
    determiner = table.get(tokens[first].lower) if first < len(tokens) else None
    if determiner is None or determiner.family in _CONTRACTIONS:
        return None
    following = tokens[first + 1].text if first + 1 < len(tokens) else ""
    for name in _plural_names().get(following, ()):
        words = tokens[first + 1 : first + 1 + len(name)]
        if tokens[first].lower == "die" and tuple(t.text for t in words) == name:
            return first + len(name), morphology.bit("p", "nom") | morphology.bit("p", "acc"), words[-1].end
    phrases = _phrases(tokens, first)
    if not phrases:
        return None
    agreeing = [(p, _agrees(determiner, p)) for p in phrases if _agrees(determiner, p)]
    if len(agreeing) != 1:
        return None
    phrase, mask = agreeing[0]
    return phrase.noun_index, mask, phrase.noun.end


_GENITIVE = sum(morphology.bit(g, "gen") for g in morphology.GENDERS)


def _attached(tokens: list[_Token], end: int, wanted: int) -> tuple[int, int] | None:
    """(noun index, readings) of the noun phrase after ``end`` whose readings meet ``wanted``."""
    if end + 1 >= len(tokens) or tokens[end + 1].capitalised:
        return None
    determiner = morphology.determiners().get(tokens[end + 1].lower)
    if determiner is None or determiner.family in _CONTRACTIONS:
        return None
    agreeing = [(p, _agrees(determiner, p)) for p in _phrases(tokens, end + 1) or ()]
    agreeing = [(p, mask) for p, mask in agreeing if mask]
    if len(agreeing) != 1 or not agreeing[0][1] & wanted:
        return None
    return agreeing[0][0].noun_index, agreeing[0][1]


def _other_subject(tokens: list[_Token], start: int, plural: bool, predicative: bool) -> bool:
    """Whether the clause after the verb holds a word that could be its subject instead.

    A fronted object ("Die Kinder wird der Vater abholen") leaves the real subject after the verb:
    a nominative pronoun, a name not governed by a preposition, a nominative noun phrase (a singular
    one is no rival subject of a singular "sein": "Die Philippinen ist ein Inselstaat"), or a bare
    plural noun ("Die Zielgruppe sind Männer").
    """
    wanted = _PLURAL_NOMINATIVE if plural else _NOMINATIVE
    table = morphology.determiners()
    previous = ""
    for index in range(start, len(tokens)):
        token = tokens[index]
        if token.text in _CLAUSE_END:
            return False
        lower = token.lower
        determiner = table.get(lower)
        agreeing = [_agrees(determiner, p) for p in _phrases(tokens, index) or ()] if determiner else []
        if determiner is not None and any(agreeing):
            if not (predicative and not plural) and any(mask & wanted for mask in agreeing):
                return True  # "Die Kinder wird [der Vater] abholen"
        elif _kind(lower, "subject-pronoun") or (determiner is not None and determiner.mask & wanted):
            return True
        if token.capitalised and not _kind(previous, "preposition") and previous not in table:
            readings = _noun(token.text)
            if readings is None or (plural and readings & wanted):
                return True  # a name ("Die USA hat Russland kritisiert"), a bare plural ("sind Männer")
        previous = lower
    return False


@rule(
    "GRM003",
    "subject-verb-number",
    Severity.MAJOR,
    "'{match}': the subject and its verb differ in number: '{suggestion}'",
    "A plural subject takes a plural verb, including plural names ('die USA sollen', 'die Niederlande "
    "haben'); machine translation follows the singular of the source ('США должны' read as one country).",
    [
        bad("[[Die USA soll]] die Lieferungen fortsetzen.", fix="Die USA sollen"),
        bad(
            "[[Die Vereinigten Arabischen Emirate hat]] am Montag Sanktionen gegen Russland verhängt.",
            fix="Die Vereinigten Arabischen Emirate haben",
        ),
        bad("[[Die Verhandlungen ist]] am Montag gescheitert.", fix="Die Verhandlungen sind"),
        bad("[[Die Regierung wollen]] nichts davon wissen.", fix="Die Regierung will"),
        bad("[[Die Kosten der Reparatur ist]] hoch.", fix="Die Kosten der Reparatur sind"),
        bad("[[Der Präsident und die Ministerin ist]] fort.", fix="Der Präsident und die Ministerin sind"),
        good("Die USA sollen die Lieferungen fortsetzen, die Niederlande haben zugestimmt."),
        good("Die Kinder wird der Vater abholen. Das Problem sind die Kosten."),
        good("Die Sanktionen hat Brüssel verlängert, schrieb die Zeitung."),
        good("Den Kindern ist kalt. Die Regierung der USA ist gespalten."),
        good("Die Hälfte der Abgeordneten sind dagegen. Die Katze und den Hund hat er gefüttert."),
    ],
)
def subject_verb_number(context: RuleContext) -> Iterator[Hit]:
    if not nouns.is_available():
        return
    text = context.text
    table = morphology.determiners()
    for segment in context.segments:
        word = _FIRST_WORD.match(text, segment.start, segment.end)
        if not word or word.group(1).lower() not in table:
            continue
        # The subject and its verb open the sentence: read its first words, and all of it only
        # when they disagree (the rest may hold another subject).
        cut = min(segment.end, segment.start + _SUBJECT_WINDOW)
        if not _verb_trigger().search(text, segment.start, cut):
            continue
        hit = _subject_verb_hit(text, _tokens(text, segment.start, cut))
        if hit is not None and cut < segment.end:
            hit = _subject_verb_hit(text, _tokens(text, segment.start, segment.end))
        if hit is not None:
            yield hit


_SUBJECT_WINDOW = 120
"""Characters of a sentence read first for its subject and verb."""


@functools.lru_cache(maxsize=1)
def _verb_trigger() -> re.Pattern[str]:
    """A listed finite verb form as a whole word."""
    return re.compile(_trie(_verb_forms(), after_first=r"(?<![\w-].)") + r"(?![\w-])")


def _subject_verb_hit(text: str, tokens: list[_Token]) -> Hit | None:
    """The sentence-initial subject and verb that differ in number, with the verb it should have."""
    first = 0
    while first < len(tokens) and tokens[first].text in _OPENERS:
        first += 1
    if first >= len(tokens) or tokens[first].lower not in morphology.determiners():
        return None
    found = _subject_phrase(tokens, first)
    if found is None:
        return None
    end, mask, _ = found
    nominative_only = mask & (_NOMINATIVE | _PLURAL_NOMINATIVE)
    if nominative_only and not nominative_only & _NOMINATIVE:
        genitive = _attached(tokens, end, _GENITIVE)  # "Die Kenntnisse der Sprache ist"
        if genitive is not None:
            end = genitive[0]
    distributive = tokens[first].lower.startswith(("jed", "kein"))  # "Jeder Junge und jedes Mädchen war"
    if end + 2 < len(tokens) and tokens[end + 1].lower == "und" and nominative_only and not distributive:
        second = _attached(tokens, end + 1, _NOMINATIVE | _PLURAL_NOMINATIVE)
        if second is not None and not tokens[end + 2].lower.startswith(("jed", "kein")):
            # "Der Hund und die Katze ist": together they are plural
            end, mask = second[0], _PLURAL_NOMINATIVE
    if end + 1 >= len(tokens) or tokens[end + 1].capitalised:
        return None
    verb = _verb_forms().get(tokens[end + 1].text)
    nominative = mask & (_NOMINATIVE | _PLURAL_NOMINATIVE)
    if verb is None or not nominative:
        return None
    if not nominative & _NOMINATIVE and "3s" in verb.persons and "3p" not in verb.persons:
        person = "3p"
    elif not nominative & _PLURAL_NOMINATIVE and "3p" in verb.persons and "3s" not in verb.persons:
        person = "3s"
    else:
        return None
    if _other_subject(tokens, end + 2, plural=person == "3s", predicative=verb.lemma == "sein"):
        return None
    start, verb_token = tokens[first].start, tokens[end + 1]
    return Hit(start, verb_token.end, text[start : verb_token.start] + verb.form_for(person))


_PRONOUN = re.compile(
    _trie(("ich", "Ich", "du", "Du", "er", "Er", "wir", "Wir"), after_first=r"(?<![\w-].)") + r"(?![\w-])"
)
_WORD_AFTER = re.compile(r"[ \t\u00a0]+(\w+)")
_WORD_BEFORE = re.compile(r"(\w+)[ \t\u00a0]+\Z")
_FIRST_WORD = re.compile(r"[\W_]{0,8}(\w+)")


def _pronoun_triggers(text: str, verbs: dict[str, _VerbForm], starts: list[int]) -> Iterator[int]:
    """Offsets of personal pronouns next to a listed verb form."""

    def fires(match: re.Match[str]) -> bool:
        after = _WORD_AFTER.match(text, match.end())
        if after and after.group(1) in verbs:
            return True
        before = _WORD_BEFORE.search(text, max(0, match.start() - 16), match.start())
        return bool(before and before.group(1).lower() in verbs)

    return _first_per_sentence(_PRONOUN, text, starts, fires)


def _person(token: _Token) -> str | None:
    return _persons().get(token.lower)


@functools.lru_cache(maxsize=1)
def _persons() -> dict[str, str]:
    """The person of each personal pronoun of the word list (the first of 1s, 2s, 3s, 1p it has)."""
    found = {}
    for word, kinds in _words().items():
        person = next((p for p in ("1s", "2s", "3s", "1p") if f"person-{p}" in kinds), None)
        if person is not None:
            found[word] = person
    return found


def _coordinated(tokens: list[_Token], k: int) -> bool:
    """A pronoun in a coordination ("er und ich sind", "sind er und sie"): the verb agrees with all."""
    near = [tokens[n].lower for n in (k - 1, k + 1) if 0 <= n < len(tokens)]
    return any(_kind(word, "conjunction") or word in (",", "noch", "weder", "sowohl") for word in near)


@rule(
    "GRM004",
    "pronoun-verb-person",
    Severity.MAJOR,
    "'{match}': the verb does not have the person of its pronoun: '{suggestion}'",
    "A finite verb takes the person and number of its subject ('ich bin', 'du musst', 'er kann'); a "
    "verb form of another person next to a personal pronoun is a broken sentence.",
    [
        bad("Dann sagte sie: „[[Du muss]] gehen.“", fix="Du musst"),
        bad("[[Er können]] heute nicht kommen.", fix="Er kann"),
        bad("Morgen [[weißt er]] mehr.", fix="weiß er"),
        good("Ich bin sicher, dass er kommen kann und wir bleiben müssen."),
        good("Was er werden will, weiß er nicht; sind er und sie da?"),
        good("Er sagte, er habe nichts gewusst, und ich sei schuld."),
        good("Sie ist jünger als ich ist. Wenn ich du wäre, bliebe ich."),
    ],
)
def pronoun_verb_person(context: RuleContext) -> Iterator[Hit]:
    verbs = _verb_forms()
    starts = _segment_starts(context)
    for tokens, first in _sentences(context, _pronoun_triggers(context.text, verbs, starts)):
        used: set[int] = set()
        for k in range(first, len(tokens)):
            person = _person(tokens[k])
            if person is None or _coordinated(tokens, k):
                continue
            if tokens[k].capitalised and k != first and tokens[k - 1].text not in _OPENERS:
                continue
            if k > first and (_kind(tokens[k - 1].lower, "comparison") or _person(tokens[k - 1])):
                continue  # "jünger als ich ist", "wenn ich du wäre"
            after = tokens[k + 1] if k + 1 < len(tokens) else None
            verb = verbs.get(after.text) if after is not None else None
            wrong = after is not None and verb is not None and person not in verb.persons
            if (
                wrong
                and after is not None
                and verb is not None
                and (k == first or not verb.infinitive_like(after.text))
            ):
                suggestion = context.text[tokens[k].start : after.start] + verb.form_for(person)
                used.add(k + 1)
                yield Hit(tokens[k].start, after.end, suggestion)
                continue
            if k - 1 < first or k - 1 in used:
                continue
            before = tokens[k - 1]
            form = before.text if k - 1 != first else before.text[:1].lower() + before.text[1:]
            verb = verbs.get(form) if before.text[:1].islower() or k - 1 == first else None
            if verb is None or person in verb.persons:
                continue
            if verb.infinitive_like(form) and k - 1 != first:
                continue
            correct = verb.form_for(person)
            if before.text[:1].isupper():
                correct = correct[:1].upper() + correct[1:]
            yield Hit(before.start, tokens[k].end, correct + context.text[before.end : tokens[k].end])
