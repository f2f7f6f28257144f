"""Calques and wrong word senses (LEX): source-language phrases rendered word for word.

The phrases are data (``references/calques.tsv`` plus the user's own lists); this module compiles their
small pattern notation, documented in the list's header, into one regular expression per row, once per
set of lists. Running three hundred expressions over every sentence would cost milliseconds per article, so
each row is keyed on one of its words (its anchor): one split of the article and one set intersection
find the rows worth trying, and each is tried only in the sentences, or at the very word, where its
anchor occurs. The suggestion carries the matched inflection endings and gap words over into the German
rendering. The consistency family reuses the same scan (``calque_matches``) to compare renderings.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from mtqa.errors import ReferenceDataError
from mtqa.model import Severity
from mtqa.references import load_table
from mtqa.rules.registry import Hit, RuleContext, bad, good, rule

KINDS = {"sense": "LEX001", "calque": "LEX002", "loaded": "LEX003"}
"""The ``kind`` column of the calque list and the rule that reports each kind."""

DEFAULT_GAP = 6
"""Words a bare ``...`` may skip: enough for an object between noun and verb, not for a new clause."""

ENDINGS = ("innen", "in", "ns", "em", "en", "er", "es", "e", "n", "s")
"""What ``*`` adds to a pattern word: German adjective, noun and feminine endings."""
VERB_ENDINGS = ("test", "tet", "ten", "te", "est", "et", "en", "st", "e", "t", "n")
"""What ``+`` adds to a verb stem: present and weak past endings ("betont", "betonte", "betonten")."""
_ENDING_SETS = {"*": ENDINGS, "+": VERB_ENDINGS}
_ENDING_REGEXES = {mark: "(?:" + "|".join(endings) + ")" for mark, endings in _ENDING_SETS.items()}
_GAP_WORD = r"[^\s,;:.!?]+"
_WORD_END = r"(?![\w-])"
_SENTENCE_END = r"(?=[\s.!?…\"'“”»«’)]*\Z)"
_QUOTE_MARKS = frozenset("\"'„“”»«‚‘’‹›")
_NOT_IN_WORDS = "-,.:;!?\"'„“”»«‚‘’‹›()[]{}…/–—"
"""Characters that end a word without being part of it: blanked out before splitting into words."""
_GAP_TOKEN = re.compile(r"\.\.\.(\d*)\Z")
_STAR = re.compile(r"\*(\d*)")
_PREVIOUS_WORD_WINDOW = 40
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Alternative:
    """One spelling of a pattern word and the optional ending it takes (``*`` noun, ``+`` verb, or none)."""

    word: str
    ending: str = ""

    @property
    def starred(self) -> bool:
        return bool(self.ending)

    @property
    def ending_regex(self) -> str:
        return _ENDING_REGEXES[self.ending] if self.ending else ""


@dataclass(frozen=True)
class Word:
    """A pattern word: one of its alternatives must occur here."""

    alternatives: tuple[Alternative, ...]
    optional_comma: bool = False


@dataclass(frozen=True)
class Gap:
    """Up to ``max_words`` words between two pattern words, kept unchanged in the rendering."""

    max_words: int


PatternItem = Word | Gap


@dataclass(frozen=True)
class Slot:
    """Where one pattern item's parts sit in the row regex: group numbers, read to build a suggestion."""

    alternatives: tuple[int, ...] = ()
    endings: tuple[int | None, ...] = ()
    gap: int | None = None

    is_choice: bool = False
    """The item has alternatives, so the matched one picks a rendering alternative."""
    is_starred: bool = False
    """Some alternative takes an ending."""


@dataclass(frozen=True)
class RenderedWord:
    """A word of a rendering: its alternatives, each split where the matched ending goes."""

    options: tuple[tuple[str, str | None], ...]
    """Per alternative: the text before the ending and after it (``None``: takes no ending)."""
    choice: int | None
    """Which of the pattern's |-words picks the alternative (``None``: a single alternative)."""
    ending: int | None
    """Which of the pattern's *-words gives the ending (``None``: no ending)."""


RenderPiece = RenderedWord | int
"""A rendering word, or the index of a pattern gap whose words are put back unchanged."""


@dataclass(frozen=True)
class Calque:
    """One row of the calque list, compiled: ``regex`` ignores case and has numbered slots."""

    pattern: str
    rendering: str
    kind: str
    term: str
    lang: str
    source: str
    note: str
    example: str
    origin: str
    regex: re.Pattern[str]
    slots: tuple[Slot, ...]
    pieces: tuple[RenderPiece, ...]
    not_after: re.Pattern[str] | None
    unless: re.Pattern[str] | None
    """Words that show the wording is right here: the row does not fire near one (same sentence)."""
    sentence_end: bool
    """The match must end its sentence (``$``), so it is matched up to the sentence's end."""
    span: int
    """How many characters a match (with the word it must be followed by) takes at most."""
    quoted: bool
    """The rendering asks to put the term in quotation marks (a loaded term)."""
    case_follows_match: bool
    """The rendering's first letter takes the case of the match's (see ``_case_follows_match``)."""
    required: tuple[frozenset[str], ...]
    """Word forms a sentence must contain, one of each set (see ``ParsedPattern.required_words``)."""
    anchor: frozenset[str]
    """The required word the article index is keyed on (see ``_anchor``)."""
    anchor_leads: bool
    """The anchor is the start of every match, so a match is tried right where the anchor occurs."""
    reach: int
    """How many characters before its anchor a match can start: where to begin looking for one."""
    others: tuple[frozenset[str], ...]
    """The required words but the anchor."""
    message_fixed: str
    message_unfixed: str

    @property
    def code(self) -> str:
        return KINDS[self.kind]

    def suggestion(self, match: re.Match[str], text: str) -> str | None:
        """The rendering for one match of ``regex`` in ``text``, if the row has one."""
        if not self.rendering:
            return None
        choices: list[int] = []
        endings: list[str] = []
        gaps: list[str] = []
        for slot in self.slots:
            if slot.gap is not None:
                gap_start, gap_end = match.span(slot.gap)
                gaps.append(text[gap_start:gap_end])
                continue
            chosen = 0
            if slot.is_choice:
                for j, group in enumerate(slot.alternatives):
                    if match.start(group) >= 0:
                        chosen = j
                        break
                choices.append(chosen)
            if slot.is_starred:
                ending_group = slot.endings[chosen]
                endings.append((match.group(ending_group) or "") if ending_group is not None else "")
        parts: list[str] = []
        for piece in self.pieces:
            if isinstance(piece, int):
                parts.append(gaps[piece])
                continue
            if parts and not parts[-1][-1:].isspace():
                parts.append(" ")
            before, after = piece.options[choices[piece.choice] if piece.choice is not None else 0]
            if after is None or piece.ending is None:
                parts.append(before)
            else:
                ending = endings[piece.ending] if piece.ending < len(endings) else ""
                parts.append(before + ending + after)
        rendered = "".join(parts)
        if self.quoted:
            rendered = f"„{rendered}“"
        if self.case_follows_match:
            rendered = _with_case_of(rendered, text[match.start()])
        return rendered


@dataclass(frozen=True)
class CalqueMatch:
    """A calque found in one sentence of an article."""

    calque: Calque
    start: int
    end: int
    suggestion: str | None


def _case_follows_match(parsed: ParsedPattern, rendering: str) -> bool:
    """Whether the rendering's first letter should take the case of the matched text's first letter.

    Only when the pattern and the rendering start with the same case in the list: "laut ihm" ->
    "ihm zufolge" follows the sentence ("Laut ihm" -> "Ihm zufolge"); a noun rendering keeps its capital.
    """
    first_word = next(item for item in parsed.items if isinstance(item, Word))
    pattern_letter = _first_letter(first_word.alternatives[0].word)
    rendering_letter = _first_letter(rendering)
    return (
        bool(pattern_letter and rendering_letter) and pattern_letter.isupper() == rendering_letter.isupper()
    )


def _first_letter(text: str) -> str:
    return next((c for c in text if c.isalpha()), "")


def _with_case_of(text: str, letter: str) -> str:
    """``text`` with its first letter in the case of ``letter``."""
    first = _LETTER.search(text)
    if first is None:
        return text
    at = first.start()
    fixed = text[at].upper() if letter.isupper() else text[at].lower()
    return text[:at] + fixed + text[at + 1 :]


def _render_pieces(rendering: str) -> tuple[RenderPiece, ...]:
    """Parse a rendering once: its words with their alternatives and ending slots, and its gaps."""
    pieces: list[RenderPiece] = []
    alternation = star = gap = 0
    for word in rendering.split():
        if _GAP_TOKEN.match(word):
            pieces.append(gap)
            gap += 1
            continue
        options = word.replace("_", " ").split("|")
        choice = None
        if len(options) > 1:
            choice = alternation
            alternation += 1
        ending = None
        split_options: list[tuple[str, str | None]] = []
        for option in options:
            found = _STAR.search(option)
            if found is None:
                split_options.append((option, None))
                continue
            if ending is None:
                ending = int(found.group(1)) - 1 if found.group(1) else star
            split_options.append((option[: found.start()], option[found.end() :]))
        if any(_STAR.search(option) for option in options):
            star += 1
        pieces.append(RenderedWord(tuple(split_options), choice, ending))
    return tuple(pieces)


def _slots(parsed: ParsedPattern, regex: re.Pattern[str]) -> tuple[Slot, ...]:
    groups = regex.groupindex
    slots = []
    for index, item in enumerate(parsed.items):
        if isinstance(item, Gap):
            slots.append(Slot(gap=groups[f"g{index}"]))
        else:
            count = range(len(item.alternatives))
            endings = tuple(groups.get(f"e{index}_{j}") for j in count)
            slots.append(
                Slot(
                    alternatives=tuple(groups[f"a{index}_{j}"] for j in count),
                    endings=endings,
                    is_choice=len(count) > 1,
                    is_starred=any(group is not None for group in endings),
                )
            )
    return tuple(slots)


def _literal(word: str) -> str:
    """A pattern word as a regex: '-' allows stray spaces around it, '_' is a space."""
    parts: list[str] = []
    for char in word:
        if char == "-":
            parts.append(r"\s?-\s?")
        elif char == "_":
            parts.append(r"\s+")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def _alternatives(spec: str, origin: str) -> tuple[Alternative, ...]:
    words = spec.split("|")
    if not all(words):
        raise ReferenceDataError(f"{origin}: empty alternative in {spec!r}")
    result = []
    for word in words:
        ending = word[-1] if word[-1] in _ENDING_SETS else ""
        bare = word[:-1] if ending else word
        if "*" in bare or "+" in bare or not bare:
            raise ReferenceDataError(f"{origin}: '*' or '+' only at the end of a pattern word: {spec!r}")
        result.append(Alternative(bare, ending))
    return tuple(result)


def _words_regex(alternatives: tuple[Alternative, ...]) -> str:
    return (
        "(?:"
        + "|".join(_literal(a.word) + (f"{a.ending_regex}?" if a.starred else "") for a in alternatives)
        + ")"
    )


@dataclass(frozen=True)
class ParsedPattern:
    """A pattern split into its words and gaps, and the conditions on the words around a match."""

    items: tuple[PatternItem, ...]
    not_after: tuple[Alternative, ...]
    followed_by: tuple[Alternative, ...]
    sentence_end: bool
    unless: tuple[Alternative, ...] = ()
    """Words that show the wording is right here (``~a|b``): no match in a sentence near one."""

    def required_words(self) -> tuple[frozenset[str], ...]:
        """Per pattern word (and the word that must follow), the forms a sentence must have one of.

        The forms are words as ``str.split`` finds them once punctuation is blanked out: the longest part
        (between hyphens and spaces) of each alternative, with the inflection endings when it ends a
        starred word, in lowercase and with a capital first letter.
        """
        words = [item.alternatives for item in self.items if isinstance(item, Word)]
        if self.followed_by:
            words.append(self.followed_by)
        return tuple(_forms(alternatives) for alternatives in words)


def _forms(alternatives: tuple[Alternative, ...]) -> frozenset[str]:
    forms: set[str] = set()
    for alternative in alternatives:
        part = _longest_part(alternative.word)
        forms.add(part)
        if alternative.starred and alternative.word.lower().endswith(part):
            forms.update(part + ending for ending in _ENDING_SETS[alternative.ending])
    return frozenset(forms | {form[0].upper() + form[1:] for form in forms})


def _longest_part(word: str) -> str:
    return max(re.split(r"[-_]", word.lower()), key=len)


def parse_pattern(pattern: str, origin: str) -> ParsedPattern:
    """Split a pattern into its words and gaps, plus the context conditions around the match."""
    tokens = pattern.split()
    unless: list[Alternative] = []
    while tokens and tokens[-1].startswith("~"):
        unless.extend(_alternatives(tokens.pop()[1:], origin))
    not_after: tuple[Alternative, ...] = ()
    followed_by: tuple[Alternative, ...] = ()
    sentence_end = False
    if tokens and tokens[0].startswith("!"):
        not_after = _alternatives(tokens.pop(0)[1:], origin)
    if tokens and tokens[-1] == "$":
        sentence_end = True
        tokens.pop()
    elif tokens and tokens[-1].startswith(">"):
        followed_by = _alternatives(tokens.pop()[1:], origin)
    items: list[PatternItem] = []
    for token in tokens:
        gap = _GAP_TOKEN.match(token)
        if gap:
            if not items or isinstance(items[-1], Gap):
                raise ReferenceDataError(f"{origin}: a gap must follow a word: {pattern!r}")
            items.append(Gap(int(gap.group(1) or DEFAULT_GAP)))
        elif token[0] in "!>$~":
            raise ReferenceDataError(
                f"{origin}: {token[0]!r} is only allowed at the start or end: {pattern!r}"
            )
        else:
            items.append(Word(_alternatives(token.rstrip(","), origin), token.endswith(",")))
    if not items or isinstance(items[-1], Gap):
        raise ReferenceDataError(f"{origin}: a pattern must start and end with a word: {pattern!r}")
    first = items[0]
    assert isinstance(first, Word)
    if not all(a.word[0].isalnum() for a in first.alternatives):
        raise ReferenceDataError(f"{origin}: a pattern must start with a letter or digit: {pattern!r}")
    return ParsedPattern(tuple(items), not_after, followed_by, sentence_end, tuple(unless))


def _regex(parsed: ParsedPattern) -> str:
    """The pattern as a regex (to compile ignoring case); whether a match starts a word is checked apart.

    The regex starts with the first word's letters and has no look-behind, so that it can be tried
    right at a word. Every
    alternative, ending and gap is a named group (``a<item>_<alt>``, ``e<item>_<alt>``, ``g<item>``),
    so that the suggestion can be built from the match.
    """
    parts: list[str] = []
    previous: PatternItem | None = None
    for index, item in enumerate(parsed.items):
        if isinstance(item, Gap):
            words = rf"\s+(?:{_GAP_WORD}\s+){{0,{item.max_words}}}?"
            parts.append(f"(?P<g{index}>{words})")
            previous = item
            continue
        if isinstance(previous, Word):
            parts.append(r"\s+")
        alternatives = []
        for j, alternative in enumerate(item.alternatives):
            literal = f"(?P<a{index}_{j}>{_literal(alternative.word)})"
            if alternative.starred:
                literal += f"(?P<e{index}_{j}>{alternative.ending_regex})?"
            alternatives.append(literal)
        parts.append("(?:" + "|".join(alternatives) + ")" + _WORD_END + (",?" if item.optional_comma else ""))
        previous = item
    if parsed.sentence_end:
        parts.append(_SENTENCE_END)
    if parsed.followed_by:
        parts.append(rf"(?=[\s,;:]*{_words_regex(parsed.followed_by)}{_WORD_END})")
    return "".join(parts)


def _count_rendering(rendering: str) -> tuple[list[int], int, int]:
    """Alternatives per |-word, starred words and gaps of a rendering."""
    words = rendering.split()
    alternations = [len(w.split("|")) for w in words if "|" in w]
    stars = sum(1 for w in words if "*" in w)
    gaps = sum(1 for w in words if _GAP_TOKEN.match(w))
    return alternations, stars, gaps


def _check_rendering(parsed: ParsedPattern, rendering: str, origin: str) -> None:
    if not rendering:
        return
    alternations, stars, gaps = _count_rendering(rendering)
    words = [i for i in parsed.items if isinstance(i, Word)]
    pattern_alternations = [len(w.alternatives) for w in words if len(w.alternatives) > 1]
    pattern_stars = sum(1 for w in words if any(a.starred for a in w.alternatives))
    pattern_gaps = len(parsed.items) - len(words)
    if gaps != pattern_gaps:
        raise ReferenceDataError(f"{origin}: the rendering must keep the pattern's {pattern_gaps} gap(s)")
    if len(alternations) > len(pattern_alternations) or any(
        have != want for have, want in zip(alternations, pattern_alternations, strict=False)
    ):
        raise ReferenceDataError(
            f"{origin}: the rendering's |-words {alternations} do not match the pattern's "
            f"{pattern_alternations}"
        )
    explicit = [int(n) for n in re.findall(r"\*(\d+)", rendering)]
    if (stars > pattern_stars and not explicit) or any(n < 1 or n > pattern_stars for n in explicit):
        raise ReferenceDataError(f"{origin}: the rendering has more '*' endings than the pattern")


MIN_LEADING_ANCHOR = 5
"""A first pattern word this long (every alternative) is distinctive enough to key the index on."""


def _anchor(parsed: ParsedPattern, required: tuple[frozenset[str], ...]) -> tuple[frozenset[str], bool]:
    """The required word to key the article index on, and whether it starts every match.

    The first pattern word is preferred when all its alternatives start with their longest part and
    are at least ``MIN_LEADING_ANCHOR`` letters long: a match can then be tried right at the word.
    Otherwise the word that looks rarest wins: the one whose shortest form is longest.
    """
    first = parsed.items[0]
    assert isinstance(first, Word)
    leads = all(
        a.word.lower().startswith(_longest_part(a.word)) and len(_longest_part(a.word)) >= MIN_LEADING_ANCHOR
        for a in first.alternatives
    )
    if leads:
        return required[0], True
    return max(required, key=lambda forms: min(len(form) for form in forms)), False


_MAX_GAP_WORD = 40
"""Characters a word in a gap is assumed to have at most, to bound where a match can start."""


def _reach(parsed: ParsedPattern, anchor: int) -> int:
    """Characters from the start of a match to the start of its ``anchor``-th word, at most."""
    reach = 0
    words = 0
    for item in parsed.items:
        if isinstance(item, Gap):
            reach += item.max_words * (_MAX_GAP_WORD + 1)
            continue
        # Each word, the anchor's own included (its longest part may follow a hyphen or a space), with
        # an ending and stray spaces.
        reach += _word_reach(item.alternatives)
        if words == anchor:
            break
        words += 1
    return reach


def _word_reach(alternatives: tuple[Alternative, ...]) -> int:
    """Characters one pattern word takes at most: its letters, an ending, a comma and stray spaces."""
    return max(2 * len(a.word) for a in alternatives) + max(map(len, ENDINGS)) + 4


def _span(parsed: ParsedPattern) -> int:
    """Characters from the start of a match to its end, and through the word it must be followed by."""
    words = sum(1 for item in parsed.items if isinstance(item, Word))
    span = _reach(parsed, words - 1)
    if parsed.followed_by:
        span += _word_reach(parsed.followed_by) + 8
    return span


UNLESS_WINDOW = 200
"""Characters before and after a match, inside its sentence, where an ``unless`` word stops the row."""


def compile_calque(record: dict[str, str], origin: str) -> tuple[Calque, ParsedPattern]:
    """Compile one row of the list; a malformed row raises ``ReferenceDataError`` naming its line."""
    pattern = record["pattern"]
    kind = record["kind"]
    if kind not in KINDS:
        raise ReferenceDataError(f"{origin}: kind {kind!r} is not one of {', '.join(KINDS)}")
    parsed = parse_pattern(pattern, origin)
    rendering = record["rendering"]
    quoted = rendering.startswith("„") and rendering.endswith("“")
    if quoted:
        rendering = rendering[1:-1]
    _check_rendering(parsed, rendering, origin)
    not_after = None
    if parsed.not_after:
        not_after = re.compile(rf"(?<!\w){_words_regex(parsed.not_after)}[\s\"'„“”»«‚‘’‹›]*\Z", re.IGNORECASE)
    unless = None
    if parsed.unless:
        unless = re.compile(rf"(?<![\w-]){_words_regex(parsed.unless)}(?![\w-])", re.IGNORECASE)
    term = record.get("term", "")
    if term:
        term_pattern = parse_pattern(term, origin)
        if len(term_pattern.items) != len([i for i in term_pattern.items if isinstance(i, Word)]) or (
            term_pattern.followed_by
            or term_pattern.not_after
            or term_pattern.sentence_end
            or term_pattern.unless
        ):
            raise ReferenceDataError(f"{origin}: a term is plain words, no gaps or conditions: {term!r}")
    regex = re.compile(_regex(parsed), re.IGNORECASE)
    required = parsed.required_words()
    anchor, anchor_leads = _anchor(parsed, required)
    # If the anchor's forms also stand for another word, the match may start before the later one.
    reach = (
        0 if anchor_leads else _reach(parsed, max(i for i, forms in enumerate(required) if forms == anchor))
    )
    messages = _messages(kind, record.get("lang", ""), record.get("source", ""), record.get("note", ""))
    calque = Calque(
        pattern=pattern,
        rendering=rendering,
        kind=kind,
        term=term,
        lang=record.get("lang", ""),
        source=record.get("source", ""),
        note=record.get("note", ""),
        example=record.get("example", ""),
        origin=origin,
        regex=regex,
        slots=_slots(parsed, regex),
        pieces=_render_pieces(rendering),
        not_after=not_after,
        unless=unless,
        sentence_end=parsed.sentence_end,
        span=_span(parsed),
        quoted=quoted,
        case_follows_match=_case_follows_match(parsed, rendering),
        required=required,
        anchor=anchor,
        anchor_leads=anchor_leads,
        reach=reach,
        others=tuple(forms for forms in required if forms is not anchor),
        message_fixed=messages[0],
        message_unfixed=messages[1],
    )
    return calque, parsed


@dataclass(frozen=True)
class CalqueList:
    """All rows in matching priority, and the anchor word forms that make a sentence worth matching.

    Matching every row's regex over every sentence is far too slow; instead the article's words are
    intersected with the anchors in one set operation, and only the rows whose anchor occurs are tried,
    only on the sentences where it occurs.
    """

    calques: tuple[Calque, ...]
    anchors: dict[str, tuple[int, ...]]
    """Lowercase word form -> indices of the rows it anchors."""
    anchor_forms: frozenset[str]


@functools.lru_cache(maxsize=8)
def calque_list(files: tuple[str, ...] = ()) -> CalqueList:
    """The built-in list plus the user's ``files``, compiled once per set of files."""
    table = load_table("calques", files)
    compiled = [
        compile_calque(record, origin) for record, origin in zip(table.records(), table.origins, strict=True)
    ]
    # Where two rows match overlapping text, the longer pattern wins.
    compiled.sort(key=lambda pair: (-len(pair[1].items), -len(pair[0].pattern)))
    anchors: dict[str, list[int]] = {}
    for row, (calque, _) in enumerate(compiled):
        for form in calque.anchor:
            anchors.setdefault(form, []).append(row)
    return CalqueList(
        tuple(c for c, _ in compiled),
        {form: tuple(rows) for form, rows in anchors.items()},
        frozenset(anchors),
    )


def _blank_punctuation(text: str) -> str:
    """``text`` with punctuation replaced by spaces, offsets kept (``str.replace`` beats a regex here)."""
    for mark in _NOT_IN_WORDS:
        if mark in text:
            text = text.replace(mark, " ")
    return text


_TOKEN = re.compile(r"\S+")


def _candidates(context: RuleContext, table: CalqueList) -> list[tuple[int, int, int]]:
    """(row, segment, anchor offset) triples worth matching, in row priority.

    One split of the whole text and one set intersection with the anchors rule out most articles; the
    rows left must find all their required words in the article. Only the uses of these live anchors
    are then looked for (``_anchor_offsets``), so the cost is linear in the text however many rows the
    list has.
    """
    words = _blank_punctuation(context.text)
    vocabulary = set(words.split())
    present = vocabulary.intersection(table.anchor_forms)
    if not present:
        return []
    live: dict[str, tuple[int, ...]] = {}
    for form in present:
        rows = tuple(
            row
            for row in table.anchors[form]
            if not any(map(vocabulary.isdisjoint, table.calques[row].others))
        )
        if rows:
            live[form] = rows
    if not live:
        return []
    starts = [segment.start for segment in context.segments]
    triples: list[tuple[int, int, int]] = []
    for at, anchored in _anchor_offsets(words, live):
        segment = bisect.bisect_right(starts, at) - 1
        triples.extend((row, segment, at) for row in anchored)
    triples.sort()
    return triples


_FIND_LIMIT = 32
"""Live anchor forms up to which each is found with ``str.find``; with more, one pass over the words."""


def _anchor_offsets(words: str, live: dict[str, tuple[int, ...]]) -> Iterator[tuple[int, tuple[int, ...]]]:
    """Where each live anchor form stands as a whole word of ``words``, with the rows it anchors.

    An article has a few live forms; finding each of them with ``str.find`` costs a fraction of looking
    up every word in Python, and is still linear: the forms are at most ``_FIND_LIMIT`` passes.
    """
    if len(live) > _FIND_LIMIT:
        for token in _TOKEN.finditer(words):
            anchored = live.get(token.group())
            if anchored is not None:
                yield token.start(), anchored
        return
    size = len(words)
    for form, anchored in live.items():
        at = words.find(form)
        while at >= 0:
            end = at + len(form)
            # A form holds no whitespace, so no whole-word use starts inside this one.
            if (at == 0 or words[at - 1].isspace()) and (end == size or words[end].isspace()):
                yield at, anchored
            at = words.find(form, end)


@functools.lru_cache(maxsize=256)
def term_regexes(term: str) -> tuple[re.Pattern[str], ...]:
    """A term in pattern notation (plain words, ``*`` and ``|``) as regexes, together finding every use.

    A term is searched through the whole rest of an article, and a regex that starts with a literal
    string is many times faster to search than one that ignores case; so there is one case-sensitive
    regex with the first letter in lowercase and one with it capitalised. The caller checks that a match
    starts a word.
    """
    parsed = parse_pattern(term, "term")
    first = parsed.items[0]
    assert isinstance(first, Word)
    regexes = []
    for case in (str.lower, str.upper):
        alternatives = tuple(Alternative(case(a.word[0]) + a.word[1:], a.ending) for a in first.alternatives)
        variant = ParsedPattern((Word(alternatives, first.optional_comma), *parsed.items[1:]), (), (), False)
        regexes.append(re.compile(_regex(variant)))
    return tuple(regexes)


def starts_word(text: str, at: int) -> bool:
    """Whether offset ``at`` of ``text`` starts a word (no letter, digit, '_' or '-' just before it)."""
    return at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "-_")


def _scan(context: RuleContext) -> tuple[CalqueMatch, ...]:
    """Every row tried at each occurrence of its anchor, inside a window its pattern bounds.

    A match can start at most ``reach`` characters before its anchor and is at most ``span`` long, so
    each try costs a bounded number of steps, and the characters already claimed by a match are kept
    in a set: the scan is linear in the text (a repeated calque and long prose included).
    """
    table = calque_list(context.options.calques)
    text = context.text
    found: list[CalqueMatch] = []
    claimed: set[int] = set()
    for row, index, anchor in _candidates(context, table):
        if index < 0:
            continue
        calque = table.calques[row]
        segment = context.segments[index]
        limit = segment.end if calque.sentence_end else min(segment.end, anchor + calque.span)
        if calque.anchor_leads:
            if anchor in claimed:
                continue
            match = calque.regex.match(text, anchor, limit)
        else:
            match = calque.regex.search(text, max(segment.start, anchor - calque.reach), limit)
        while match is not None:
            start, end = match.span()
            if start > anchor:
                break
            if (
                starts_word(text, start)
                and claimed.isdisjoint(range(start, end))
                and not (calque.quoted and start > 0 and text[start - 1] in _QUOTE_MARKS)
                and not (
                    calque.not_after is not None
                    and calque.not_after.search(
                        text, max(segment.start, start - _PREVIOUS_WORD_WINDOW), start
                    )
                )
                and not (
                    calque.unless is not None
                    and calque.unless.search(
                        text,
                        max(segment.start, start - UNLESS_WINDOW),
                        min(segment.end, end + UNLESS_WINDOW),
                    )
                )
            ):
                found.append(CalqueMatch(calque, start, end, calque.suggestion(match, text)))
                claimed.update(range(start, end))
                break
            match = None if calque.anchor_leads else calque.regex.search(text, start + 1, limit)
    found.sort(key=lambda f: f.start)
    return tuple(found)


_last_scan: dict[str, tuple[RuleContext, tuple[CalqueMatch, ...]]] = {}
"""The last article scanned: LEX001-003 and CON001 all read the same scan of the same context."""


def calque_matches(context: RuleContext) -> tuple[CalqueMatch, ...]:
    """Every calque of the article in text order, scanned once per context however many rules ask."""
    cached = _last_scan.get("last")
    if cached is not None and cached[0] is context:
        return cached[1]
    result = _scan(context)
    _last_scan["last"] = (context, result)
    return result


_MESSAGES = {
    "sense": "'{{match}}' takes the wrong sense of {source}; {advice}",
    "calque": "'{{match}}' renders {source} word for word; {advice}",
    "loaded": "'{{match}}' is a loaded term ({source}); {advice}",
}
_ADVICE = {
    "sense": "German: '{suggestion}'",
    "calque": "German: '{suggestion}'",
    "loaded": "quote it: '{suggestion}'",
}


def _messages(kind: str, lang: str, source: str, note: str) -> tuple[str, str]:
    """The finding message with a suggestion and without one (then the note says what to write)."""
    languages = lang.replace(",", "/")
    origin = f"{languages} '{source}'" if source else languages
    template = _MESSAGES[kind]
    return template.format(source=origin, advice=_ADVICE[kind]), template.format(source=origin, advice=note)


def _hits(context: RuleContext, code: str) -> Iterator[Hit]:
    for found in calque_matches(context):
        calque = found.calque
        if calque.code == code:
            message = calque.message_fixed if found.suggestion is not None else calque.message_unfixed
            yield Hit(found.start, found.end, found.suggestion, message)


@rule(
    "LEX001",
    "wrong-word-sense",
    Severity.MAJOR,
    "'{match}' takes the wrong sense of the source word; German: '{suggestion}'",
    "Machine translation picks the wrong sense of an ambiguous source word ('ostorozhnyi' is cautious, "
    "'sorgfältig' is thorough), so the German says something the source did not and readers are misled.",
    [
        bad("Russland hat einen [[sorgfältigen Optimismus]].", fix="vorsichtigen Optimismus"),
        bad('"[[Sorgfältiger Optimismus]] ist vorhanden.', fix="Vorsichtiger Optimismus"),
        bad(
            "Niemand wird bestimmte [[Parameter aufrufen]], bis die Gespräche enden.", fix="Parameter nennen"
        ),
        bad("Die [[Untergrabung]] des Staudamms löste eine Flut aus.", fix="Sprengung"),
        good("Russland hat vorsichtigen Optimismus."),
        good("Sie hat die Akten sorgfältig geprüft."),
        good("Die Untergrabung des Rechtsstaats gefährdet das Vertrauen."),
    ],
)
def wrong_word_sense(context: RuleContext) -> Iterator[Hit]:
    return _hits(context, "LEX001")


@rule(
    "LEX002",
    "literal-calque",
    Severity.MINOR,
    "'{match}' is a word-for-word rendering; German: '{suggestion}'",
    "Set phrases of the source language rendered word for word read as translated and mark the copy as "
    "machine-made; the meaning usually survives, so they are style faults.",
    [
        bad("Die Arbeit läuft. [[Es wird getan]] .", fix="Es wird daran gearbeitet"),
        bad(
            "Russland will die [[Bedingungen für Vereinbarungen über die Ukraine zu äußern]].",
            fix="Bedingungen für Vereinbarungen über die Ukraine zu nennen",
        ),
        bad("sagte ein Beamter [[in einem Kommentar zur]] Washington Post.", fix="gegenüber der"),
        bad("Moskau will den Westen [[an seinen Platz stellen]].", fix="in seine Schranken weisen"),
        good("Es wird getan, was nötig ist."),
        good("Der Kommentar zur Lage in Kiew fiel knapp aus."),
        good("Er stellte den Stuhl wieder an seinen Platz."),
    ],
)
def literal_calque(context: RuleContext) -> Iterator[Hit]:
    return _hits(context, "LEX002")


@rule(
    "LEX003",
    "unquoted-loaded-term",
    Severity.MAJOR,
    "'{match}' is a party's own loaded term; quote or attribute it: '{suggestion}'",
    "German news quotes the propaganda terms of a party to a conflict; printed plainly, they read as the "
    "newsroom's own words and take sides.",
    [
        bad(
            "Putin begann die [[militärische Spezialoperation]] im Februar 2022.",
            fix="„militärische Spezialoperation“",
        ),
        good("Putin nennt den Krieg eine „militärische Spezialoperation“."),
        bad("Lawrow kritisierte den [[kollektiven Westen]].", fix="„kollektiven Westen“"),
        good("Die sogenannte militärische Spezialoperation dauert an."),
        good("Lawrow kritisierte den „kollektiven Westen“."),
    ],
)
def unquoted_loaded_term(context: RuleContext) -> Iterator[Hit]:
    return _hits(context, "LEX003")
