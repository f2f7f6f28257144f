"""Word order (SYN): source-language word order carried over into German main clauses.

German puts the finite verb of a main clause in second place, after exactly one phrase ("Vorher habe ich
berichtet"); Russian and English put the subject first whatever comes before it ("Vorher ich habe
berichtet"), and Russian often lets the verb come last ("Die Armee die Stadt eingenommen hat"). Machine
translation copies both orders, and leaves the source a Russian sentence names at its end hanging after
the German clause ("... berichtet URA.RU").

Each rule looks at a sentence only when a cheap test of its words (an adverb or preposition first, a
subject pronoun or determiner after a capitalised word, a reporting verb before a name at the end, a
finite auxiliary at the very end) selects it; only then is the sentence tagged by HanTa
(``mtqa.language.tagger``), once per article for all three rules. Precision comes first: whatever German
allows is left alone (questions, V1 conditionals and imperatives, "denn/aber/und/doch" before the first
phrase, focus particles that attach to the next phrase such as "Auch er hat ...", a subject after a comma,
a source after a comma, subordinate clauses, "Laut X hat ..."), and a sentence the tags leave unclear is
skipped rather than guessed at. Codes SYN001-SYN003 are in use.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence

from mtqa.language.tagger import Token, tagged, words
from mtqa.model import Segment, Severity
from mtqa.references import load_table
from mtqa.rules.registry import Hit, RuleContext, bad, good, rule

_CLOSING = "\"'“”»«’)] "
_FIRST_WORD = re.compile(r"[\W_]{0,3}(\w+)")
_TRIGGER_WINDOW = 16
"""Words of a sentence start the verb-second trigger looks at."""
_TRIGGER_CHARACTERS = 200
"""Characters of a sentence start those words are taken from."""
_SOURCE_TAIL = 120
"""Characters at the end of a sentence that may hold a reporting verb and its source."""
_START_TOKENS = 24
"""Tokens of a sentence start tagged for the verb-second rule."""
_MAX_PHRASE = 12
"""Tokens a fronted phrase may span; longer ones are left alone."""
_MAX_MODIFIERS = 5

_DETERMINER_TAGS = frozenset({"ART", "PPOSAT", "PDAT", "PIAT", "PIDAT"})
_MODIFIER_TAGS = frozenset({"ADJ(A)", "ADJ(D)", "ADV", "CARD", "PIAT", "PIDAT"})
_NOUN_TAGS = frozenset({"NN", "NNA", "NE"})
_HEAD_TAGS = frozenset({"NN", "NNA", "NE", "CARD", "PPER", "PDS", "PIS"})
_PREPOSITION_TAGS = frozenset({"APPR", "APPRART"})
_ADVERB_TAGS = frozenset({"ADV", "PROAV", "ADJ(D)"})
_NONFINITE_TAGS = frozenset(
    {"VV(PP)", "VA(PP)", "VM(PP)", "VV(INF)", "VA(INF)", "VM(INF)", "VV(IZU)", "PTKVZ"}
)
_NOT_IN_A_PLAIN_MAIN_CLAUSE = frozenset(
    {"KOUS", "KOUI", "KON", "KOKOM", "PRELS", "PRELAT", "PWS", "PWAV", "PWAT", "PTKZU", "PTKANT", "ITJ"}
)
_SOURCE_TAGS = frozenset({"NE", "NN", "NNA", "ART", "ADJ(A)", "FM"})
_NOT_BEFORE_A_DANGLING_VERB = frozenset({"KON", "KOKOM", "ADV", "PROAV", "PTKNEG", "PTKVZ", "PPER", "PDS"})
_GENITIVE_DETERMINERS = ("der", "des")
_VERB_FINAL_MARKS = frozenset(',;:„“"»«()–—[]')


@functools.lru_cache(maxsize=1)
def _reporting_verb() -> re.Pattern[str]:
    """Any reporting verb after a word, for one fast pass over the article."""
    return _any_word(_words()["reporting-verb"], " ")


def _any_word(words: frozenset[str], after: str) -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)
    return re.compile(r" (?:" + "|".join(re.escape(w) for w in ordered) + r")" + after)


def _segments_with(context: RuleContext, pattern: re.Pattern[str]) -> Iterator[Segment]:
    """The sentences in which ``pattern`` matches, each once, in order: one regex pass over the article
    instead of a look at every sentence."""
    segments = context.segments
    starts = context.memoised("segment-starts", lambda: [s.start for s in segments])
    last = -1
    for match in pattern.finditer(context.text):
        index = bisect.bisect_right(starts, match.start()) - 1
        if index <= last or index < 0:
            continue
        segment = segments[index]
        if match.end() <= segment.end:
            last = index
            yield segment


@functools.lru_cache(maxsize=1)
def _words() -> dict[str, frozenset[str]]:
    """The word lists of ``references/word_order.tsv`` by kind, and the unions the triggers ask for."""
    kinds: dict[str, set[str]] = {}
    for record in load_table("word_order").records():
        kinds.setdefault(record["kind"], set()).add(record["word"])
    lists = {kind: frozenset(words) for kind, words in kinds.items()}
    lists["subject"] = lists["subject-pronoun"] | lists["subject-determiner"]
    lists["determiner"] = lists["subject-determiner"] | lists["masculine-determiner"]
    lists["function-word"] = lists["determiner"] | lists["preposition"] | lists["coordinator"]
    lists["opener"] = lists["vorfeld-adverb"] | lists["preposition"] | lists["coordinator"]
    return lists


def _is_word(token: str) -> bool:
    return token[:1].isalnum()


def _capitalised(token: str) -> bool:
    return token[:1].isupper() or token[:1].isdigit()


def _verb_like(token: str) -> bool:
    """A lowercase word that is not a determiner, preposition or conjunction: it may be a finite verb."""
    if not token[:1].islower():
        return False
    return token not in _words()["function-word"]


# --- shared phrase chunking on tags ------------------------------------------------------------------


def _noun_phrase_end(tokens: Sequence[Token], at: int, *, genitive: bool = True) -> int | None:
    """End (exclusive) of a noun phrase starting at ``at``: determiner, modifiers, head, names, genitives."""
    n = len(tokens)
    m = at
    if m < n and tokens[m].tag in _DETERMINER_TAGS:
        m += 1
    start = m
    while m < n and tokens[m].tag in _MODIFIER_TAGS and m - start < _MAX_MODIFIERS:
        m += 1
    if m >= n or tokens[m].tag not in _HEAD_TAGS:
        return None
    head = tokens[m].tag
    m += 1
    if head in _NOUN_TAGS or head == "CARD":
        while m < n and tokens[m].tag in _NOUN_TAGS | {"CARD"} and not _name_after_a_time(tokens, m):
            m += 1
    while genitive and m < n and tokens[m].text.lower() in _GENITIVE_DETERMINERS and m - at < _MAX_PHRASE:
        after = _noun_phrase_end(tokens, m, genitive=False)
        if after is None:
            return None
        m = after
    return m


def _name_after_a_time(tokens: Sequence[Token], at: int) -> bool:
    """A name right after a time ("am Montag Selenskyj", "im Jahr 2022 Russland") is not part of that
    phrase, as it would be after a title ("laut Präsident Selenskyj")."""
    if tokens[at].tag != "NE" or at == 0:
        return False
    before = tokens[at - 1]
    return before.tag == "CARD" or before.text.lower() in _words()["time-noun"]


def _prepositional_phrase_end(tokens: Sequence[Token], at: int) -> int | None:
    """End of a fronted prepositional phrase with its genitives and chained phrases ("in der Ukraine")."""
    end = _noun_phrase_end(tokens, at + 1)
    while end is not None and end < len(tokens) and end - at <= _MAX_PHRASE:
        tag = tokens[end].tag
        if tag == "KON":
            return None
        if tag not in _PREPOSITION_TAGS:
            return end
        end = _noun_phrase_end(tokens, end + 1)
    return None


def _subject_end(tokens: Sequence[Token], at: int, *, after_adverb: bool) -> int | None:
    """End of a subject starting at ``at``: a personal pronoun, a determiner phrase, or (after an adverb)
    a name; ``None`` if the words there do not clearly start a subject."""
    if at >= len(tokens):
        return None
    words = _words()
    token = tokens[at]
    lowered = token.text.lower()
    if token.tag == "PPER":
        return at + 1 if lowered in words["subject-pronoun"] else None
    if token.tag in _DETERMINER_TAGS:
        if lowered in words["subject-determiner"] or (
            after_adverb and lowered in words["masculine-determiner"]
        ):
            end = _noun_phrase_end(tokens, at)
            if end is not None and tokens[end - 1].tag in _NOUN_TAGS:
                return end
        return None
    if after_adverb and token.tag == "NE" and token.text[:1].isupper():
        end = at + 1
        while end < len(tokens) and tokens[end].tag == "NE":
            end += 1
        return end
    return None


def _skip_opening(tokens: Sequence[Token]) -> int:
    """Index of the first word: past opening quotes and brackets and one conjunction that does not count."""
    at = 0
    while at < len(tokens) and not _is_word(tokens[at].text):
        at += 1
    if at < len(tokens) and tokens[at].text.lower() in _words()["coordinator"] and tokens[at].tag == "KON":
        at += 1
    return at


def _is_question(segment: Segment) -> bool:
    return segment.text.rstrip(_CLOSING).endswith("?")


# --- SYN001: the finite verb after the subject, in third place ------------------------------------


def _verb_third_trigger(words: list[str]) -> bool:
    """Cheap test on the first words: an adverb or preposition first, a subject pronoun or determiner
    after it, then a lowercase word that may be the finite verb."""
    lists = _words()
    at = 0
    while at < len(words) and not _is_word(words[at]):
        at += 1
    if at < len(words) and words[at].lower() in lists["coordinator"]:
        at += 1
    if at + 2 >= len(words):
        return False
    first = words[at].lower()
    subjects = lists["subject"]
    if first in lists["vorfeld-adverb"]:
        second = words[at + 1]
        lowered = second.lower()
        if lowered in lists["subject-pronoun"]:
            return _verb_like(words[at + 2])
        if second[:1].isupper() and words[at + 2].lower() in lists["subject-pronoun"]:
            return at + 3 < len(words) and _verb_like(words[at + 3])
        if lowered in subjects or lowered in lists["masculine-determiner"] or second[:1].isupper():
            return _noun_then_lowercase(words, at + 1)
        return False
    if first in lists["preposition"] and f"{first} {words[at + 1].lower()}" not in lists["focus-phrase"]:
        for i in range(at + 2, len(words) - 1):
            if words[i].lower() in subjects and _capitalised(words[i - 1]) and _is_word(words[i - 1]):
                if words[i].lower() in lists["subject-pronoun"]:
                    if _verb_like(words[i + 1]):
                        return True
                elif _noun_then_lowercase(words, i):
                    return True
            elif words[i][:1].isupper() and _after_a_time(words[i - 1]) and _verb_like(words[i + 1]):
                return True
    return False


def _after_a_time(word: str) -> bool:
    return word.isdigit() or word.lower() in _words()["time-noun"]


def _noun_then_lowercase(words: list[str], at: int) -> bool:
    """Whether the first capitalised word from ``at`` (the head of a noun phrase) is followed by a word
    that may be a finite verb."""
    for i in range(at, min(at + _MAX_MODIFIERS + 1, len(words) - 1)):
        if words[i][:1].isupper():
            return _verb_like(words[i + 1])
        if not _is_word(words[i]):
            return False
    return False


def _verb_third_hit(tokens: Sequence[Token], text: str, offset: int) -> Hit | None:
    at = _skip_opening(tokens)
    if at + 2 >= len(tokens):
        return None
    lists = _words()
    first = tokens[at]
    lowered = first.text.lower()
    if lowered in lists["vorfeld-adverb"] and first.tag in _ADVERB_TAGS:
        subject_start = at + 1
        subject_end = _subject_end(tokens, subject_start, after_adverb=True)
    elif lowered in lists["preposition"] and first.tag in _PREPOSITION_TAGS:
        if f"{lowered} {tokens[at + 1].text.lower()}" in lists["focus-phrase"]:
            return None
        phrase_end = _prepositional_phrase_end(tokens, at)
        if phrase_end is None:
            return None
        subject_start = phrase_end
        after_time = phrase_end < len(tokens) and _name_after_a_time(tokens, phrase_end)
        subject_end = _subject_end(tokens, subject_start, after_adverb=after_time)
    else:
        return None
    if subject_end is None or subject_end >= len(tokens):
        return None
    if tokens[subject_start].tag == "NE" and tokens[subject_end].tag == "PPER":
        return _name_before_pronoun_hit(tokens, subject_start, subject_end)
    if not tokens[subject_end].finite:
        return None
    verb = tokens[subject_end]
    start = tokens[subject_start].start
    subject = text[start - offset : tokens[subject_end - 1].end - offset]
    return Hit(start, verb.end, f"{verb.text} {subject}")


def _name_before_pronoun_hit(tokens: Sequence[Token], name: int, pronoun: int) -> Hit | None:
    """A source name stuck between a fronted adverb and the subject ("Vorher KP.RU ich habe berichtet"):
    the order is wrong twice over, and no single rewrite is clear."""
    lists = _words()
    verb = pronoun + 1
    if tokens[pronoun].text.lower() not in lists["subject-pronoun"] or verb >= len(tokens):
        return None
    if not tokens[verb].finite:
        return None
    return Hit(tokens[name].start, tokens[verb].end, None, _NAME_BEFORE_SUBJECT_MESSAGE)


_NAME_BEFORE_SUBJECT_MESSAGE = (
    "'{match}': a name and then the subject before the finite verb; German puts the verb second "
    "('Vorher habe ich berichtet')"
)


@rule(
    "SYN001",
    "finite-verb-not-second",
    Severity.MAJOR,
    "'{match}': in a German main clause the finite verb comes second, right after the first phrase: "
    "'{suggestion}'",
    "German main clauses put the finite verb in second place; after a fronted adverb or phrase the "
    "subject follows the verb ('Vorher habe ich berichtet'). Subject-verb order after a fronted phrase is "
    "Russian or English word order carried over by machine translation.",
    [
        bad("Vorher [[ich habe]] berichtet.", fix="habe ich"),
        bad("Am Montag [[die Regierung hat]] den Plan gebilligt.", fix="hat die Regierung"),
        bad("Laut Peskow [[die Lage ist]] ernst.", fix="ist die Lage"),
        bad("Deshalb [[wir müssen]] jetzt handeln.", fix="müssen wir"),
        bad("„Trotz des Krieges [[das Leben geht]] weiter“, sagte sie.", fix="geht das Leben"),
        bad("Zuvor [[der Präsident hatte]] den Angriff verurteilt.", fix="hatte der Präsident"),
        bad("Gestern [[Selenskyj hat]] Charkiw besucht.", fix="hat Selenskyj"),
        bad(
            "Nach dem Treffen [[die beiden Präsidenten haben]] unterzeichnet.",
            fix="haben die beiden Präsidenten",
        ),
        bad("Vorher [[KP.RU ich habe]] berichtet."),
        good("Vorher habe ich berichtet, und danach hat der Minister geantwortet."),
        good("Auch er hat den Plan gebilligt, und sogar die Opposition hat zugestimmt."),
        good("Gestern Abend hat er gesagt, er komme. Heute Morgen sagte er ab."),
        good("Doch die Regierung hat abgelehnt. Aber wir müssen weitermachen. Denn sie sind zu spät."),
        good("Nach Angaben der Behörden ist die Zahl der Opfer gestiegen."),
        good("Laut Präsident Selenskyj hat die Armee die Stadt gehalten."),
        good("Vor allem die Regierung hat Fehler gemacht. Zum Beispiel die Bahn ist betroffen."),
        good("Warum ich das sage? Sollte er kommen, gehen wir. Gehen Sie bitte!"),
        good("Über 100 Menschen sind gestorben. Bis zu 500 Soldaten wurden verletzt."),
        good("Heute, das muss man sagen, ist ein guter Tag. Damals die Krise, heute der Aufschwung."),
        good("In der Hauptstadt Kiew wurde Alarm ausgelöst. Im Jahr 2020 hatte die Regierung gewarnt."),
    ],
)
def finite_verb_not_second(context: RuleContext) -> Iterator[Hit]:
    openers = _words()["opener"]
    for segment in context.segments:
        first = _FIRST_WORD.match(segment.text)
        if first is None or first.group(1).lower() not in openers or _is_question(segment):
            continue
        if not _verb_third_trigger(words(segment.text, 0, _TRIGGER_CHARACTERS)[:_TRIGGER_WINDOW]):
            continue
        hit = _verb_third_hit(tagged(context, segment, _START_TOKENS).tokens, segment.text, segment.start)
        if hit is not None:
            yield hit


# --- SYN002: a news source left hanging at the end of the sentence --------------------------------


def _source_start(words: list[str]) -> int | None:
    """Index of a reporting verb followed only by a source ("berichtet URA.RU", "meldet die Agentur
    Interfax") at the end of the sentence; cheap, on words."""
    lists = _words()
    determiners = lists["determiner"]
    end = len(words)
    while end > 0 and not _is_word(words[end - 1]):
        end -= 1
    if end < len(words) and words[end] not in ".!":
        return None
    for verb in range(end - 2, max(end - 7, 0), -1):
        if words[verb].lower() in lists["reporting-verb"]:
            if not _is_word(words[verb - 1]):
                return None
            source = words[verb + 1 : end]
            if not any(w[:1].isupper() for w in source):
                return None
            if not all(w[:1].isupper() or w.lower() in determiners for w in source):
                return None
            # a finished clause before the verb has some lowercase content word (a verb among them);
            # "Das berichtet Reuters" and "Auch die Bahn meldet Einschränkungen" have none
            before = words[:verb]
            return verb if any(w[:1].islower() and w not in lists["function-word"] for w in before) else None
        word = words[verb]
        if not (_is_word(word) and (word[:1].isupper() or word.lower() in determiners)):
            return None
    return None


def _dangling_source_hit(tokens: Sequence[Token], text: str, offset: int, from_end: int) -> Hit | None:
    """``from_end``: the reporting verb's position counted from the end of the sentence's tokens."""
    verb = len(tokens) - from_end
    if verb < 2 or tokens[verb].text.lower() not in _words()["reporting-verb"]:
        return None
    last = len(tokens)
    while last > verb and not _is_word(tokens[last - 1].text):
        last -= 1
    if any(t.tag not in _SOURCE_TAGS for t in tokens[verb + 1 : last]) or not tokens[verb].tag.startswith(
        "VV"
    ):
        return None
    before = tokens[verb - 1]
    if not _is_word(before.text) or before.tag in _NOT_BEFORE_A_DANGLING_VERB:
        return None
    clause = verb - 1
    while clause > 0 and not tokens[clause - 1].tag.startswith("$") and tokens[clause - 1].tag != "XY":
        clause -= 1
    finite = [i for i in range(clause, verb) if tokens[i].finite]
    if not finite:
        return None
    end = tokens[last - 1].end
    lists = _words()
    completes_auxiliary = (
        tokens[finite[-1]].text.lower() in lists["perfect-auxiliary"]
        and (tokens[verb].tag == "VV(PP)" or tokens[verb].text.lower() in lists["reporting-participle"])
        and not any(tokens[i].tag.startswith("V") for i in range(finite[-1] + 1, verb))
    )
    if completes_auxiliary:
        return Hit(tokens[verb].start, end, None, _DANGLING_MESSAGE)
    start = before.start
    suggestion = before.text + "," + text[before.end - offset : end - offset]
    return Hit(start, end, suggestion)


_DANGLING_MESSAGE = (
    "'{match}': the source hangs after the finished clause; name it in the sentence ('Darüber berichtet "
    "URA.RU') or after a comma"
)


@rule(
    "SYN002",
    "dangling-source-attribution",
    Severity.MINOR,
    "'{match}': a source named after a complete sentence is set off by a comma: '{suggestion}'",
    "Russian and Ukrainian news name the source at the end ('..., сообщает URA.RU'); in German it stands "
    "after a comma as a parenthetical ('..., berichtet URA.RU') or inside the sentence ('Darüber berichtet "
    "URA.RU'). Machine translation drops the comma or leaves the name hanging after the clause.",
    [
        bad(
            "Die Polizei hat den Mann [[festgenommen berichtet Reuters]].",
            fix="festgenommen, berichtet Reuters",
        ),
        bad(
            "Die Schulen sind geschlossen, weil es keine Heizung [[gibt schreibt RIA Nowosti]].",
            fix="gibt, schreibt RIA Nowosti",
        ),
        bad("Seine Worte werden vom Korrespondenten [[berichtet URA.RU]]."),
        bad(
            "Die Lage in der Region bleibt [[angespannt meldet die Agentur Interfax]].",
            fix="angespannt, meldet die Agentur Interfax",
        ),
        good("Die Polizei hat den Mann festgenommen, berichtet Reuters."),
        good("Das berichtet die Agentur Reuters. Darüber berichtet URA.RU."),
        good("Die Schulen bleiben geschlossen, schreibt RIA Nowosti. Am Montag meldete Interfax."),
        good("Die Lage sei ernst, sagte er, und zuvor berichtete Reuters."),
        good("Es ist ernst, so Reuters. Wie die Zeitung Kommersant berichtet, ist die Lage ernst."),
        good("Das meldeten auch Reuters und AFP. Er sprach mit Journalisten und informierte Reuters."),
    ],
)
def dangling_source_attribution(context: RuleContext) -> Iterator[Hit]:
    closing = _CLOSING + ".!"
    for segment in _segments_with(context, _reporting_verb()):
        text = segment.text
        stripped = text.rstrip(closing)
        last = stripped.rfind(" ") + 1
        if not stripped[last : last + 1].isupper() or _is_question(segment):
            continue
        tail = words(text, max(0, len(text) - _SOURCE_TAIL))
        verb = _source_start(tail) if len(tail) >= 3 else None
        if verb is None:
            continue
        sentence = tagged(context, segment)
        if not sentence.complete:
            continue
        hit = _dangling_source_hit(sentence.tokens, segment.text, segment.start, len(tail) - verb)
        if hit is not None:
            yield hit


# --- SYN003: the finite verb at the end of a main clause ------------------------------------------


def _verb_final_trigger(segment: Segment) -> bool:
    text = segment.text
    if not text.endswith("."):
        return False
    space = text.rfind(" ")
    last = text[space + 1 : -1]
    lists = _words()
    if not (last in lists["final-finite"] or (last in lists["final-plural"] and text[:4].lower() == "wir ")):
        return False
    return 3 <= text.count(" ") <= 35 and not any(mark in text for mark in _VERB_FINAL_MARKS)


def _main_subject_end(tokens: Sequence[Token]) -> tuple[int, bool] | None:
    """End of the subject at the start of a sentence, and whether its end is certain (no genitive)."""
    first = tokens[0]
    if first.tag == "PPER":
        return (1, True) if first.text.lower() in _words()["subject-pronoun"] else None
    if first.tag not in _DETERMINER_TAGS | _NOUN_TAGS:
        return None
    plain = _noun_phrase_end(tokens, 0, genitive=False)
    full = _noun_phrase_end(tokens, 0)
    if plain is None or full is None or tokens[plain - 1].tag not in _NOUN_TAGS:
        return None
    return full, full == plain


def _verb_final_hit(tokens: Sequence[Token], text: str, offset: int) -> Hit | None:
    words = [t for t in tokens if _is_word(t.text)]
    if len(words) < 4 or len(words) != len(tokens) - 1 or tokens[-1].tag != "$.":
        return None
    verb = len(words) - 1
    if words[verb].tag[:2] not in ("VA", "VM"):
        return None
    plural = words[verb].text in _words()["final-plural"]
    if not (words[verb].finite or (plural and words[0].text.lower() == "wir" and words[0].tag == "PPER")):
        return None
    if sum(t.finite for t in words[:verb]) != 0 or any(t.tag in _NOT_IN_A_PLAIN_MAIN_CLAUSE for t in words):
        return None
    cluster = verb
    while cluster > 0 and words[cluster - 1].tag in _NONFINITE_TAGS:
        cluster -= 1
    if cluster == verb:
        return None
    found = _main_subject_end(words)
    if found is None:
        return None
    subject_end, certain = found
    middle = words[subject_end:cluster]
    if not any(t.tag in _HEAD_TAGS | {"PRF"} for t in middle) or any(t.tag.startswith("V") for t in middle):
        return None
    if _relative_pronoun_like(middle):
        return None
    start = words[subject_end].start
    moved = text[start - offset : words[verb - 1].end - offset]
    return Hit(start, words[verb].end, f"{words[verb].text} {moved}" if certain else None)


def _relative_pronoun_like(middle: Sequence[Token]) -> bool:
    """Whether the words after the subject may open a relative clause whose comma is missing ("Die
    Männer die den Anschlag verübt hatten"): a bare "der/die/das" not followed by its noun."""
    if len(middle) < 2 or middle[0].text.lower() not in _RELATIVE_PRONOUNS:
        return False
    return middle[1].tag not in _NOUN_TAGS | _MODIFIER_TAGS


_RELATIVE_PRONOUNS = frozenset({"der", "die", "das", "dem", "den", "denen", "dessen", "deren"})


@rule(
    "SYN003",
    "verb-final-main-clause",
    Severity.MAJOR,
    "'{match}': a German main clause puts the finite verb second, not last: '{suggestion}'",
    "Only subordinate clauses end with the finite verb in German; a main clause that does ('Die Armee die "
    "Stadt eingenommen hat') follows Russian word order and reads as machine translation.",
    [
        bad("Die Armee [[die Stadt eingenommen hat]].", fix="hat die Stadt eingenommen"),
        bad("Er [[das Gesetz unterschrieben hatte]].", fix="hatte das Gesetz unterschrieben"),
        bad(
            "Selenskyj [[die Soldaten an der Front besucht hat]].",
            fix="hat die Soldaten an der Front besucht",
        ),
        bad("Der Sprecher der Regierung [[dem Plan zugestimmt hat]]."),
        bad("Wir [[diese Entscheidung getroffen haben]].", fix="haben diese Entscheidung getroffen"),
        good("Die Armee hat die Stadt eingenommen. Er hatte das Gesetz unterschrieben."),
        good("Wie die Armee die Stadt eingenommen hat. Was er gesagt hat."),
        good("Die Zahl der Opfer ist gestiegen. Die Reform ist gescheitert."),
        good("Er sagte, dass die Armee die Stadt eingenommen hat."),
        good("Die vom Parlament beschlossene Reform ist gescheitert. Die Lage bleibt ernst."),
        good("Er wird die Stadt verlassen müssen. Gewonnen hat am Ende die Regierung."),
        good("Die Kinder die Hausaufgaben machen lassen. Wir haben diese Entscheidung getroffen."),
    ],
)
def verb_final_main_clause(context: RuleContext) -> Iterator[Hit]:
    for segment in context.segments:
        if not _verb_final_trigger(segment):
            continue
        sentence = tagged(context, segment)
        if not sentence.complete:
            continue
        hit = _verb_final_hit(sentence.tokens, segment.text, segment.start)
        if hit is not None:
            yield hit
