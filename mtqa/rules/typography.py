"""Typography and spacing (TYP): the tokenisation and quoting artefacts machine translation leaves.

MT pipelines detokenise badly ("Kreml -Sprecher", "getan ."), run sentences together ("hatte.In"), lose
one half of a quotation, and copy the source language's quotation marks. Each check finds the rare
characters it is about with a fast literal search and judges their neighbourhood; the two quote checks
share one pass that pairs the marks of every paragraph.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from mtqa.model import Severity
from mtqa.references import load_table
from mtqa.rules.registry import Hit, RuleContext, RuleOptions, bad, good, rule

# A lowercase part after the hyphen that is shorter than this is taken for a conjunction of a suspended
# hyphen typed with the wrong space ("Nord -und Südkorea") rather than for the second half of a compound.
_MIN_LOWERCASE_COMPOUND_PART = 6

# Speed: the regex engine scans fast only for a literal first character, so each pattern starts with a
# plain space or the mark itself; the slower variant that also knows no-break spaces and tabs runs only
# when the text has them. The words around a match are taken in Python.
_UNUSUAL_SPACES = ("\u00a0", "\t")
_SPACE_BEFORE_HYPHEN = (re.compile(r" -(?=[^\W\d_])"), re.compile(r"[ \u00a0]-(?=[^\W\d_])"))
_PUNCTUATION = ".,;:!?"
_SPACE_BEFORE_PUNCTUATION = (re.compile(r" [.,;:!?]"), re.compile(r"[ \t\u00a0][.,;:!?]"))
_PUNCTUATION_AFTER_SPACES = re.compile(r"[ \t\u00a0]*([.,;:!?])(?=[\s\"“”„«»)\]]|\Z)")
_EMOTICON_MOUTHS = frozenset(")(DP")
_SCORE = re.compile(r"[ \t\u00a0]+:[ \t\u00a0]+\d")
_MISSING_SPACE = {
    mark: re.compile(re.escape(mark) + rf"(?<=[a-zäöüß]{re.escape(mark)})(?=[A-ZÄÖÜ][a-zäöüß])")
    for mark in ".!?"
}
_WEB_BEFORE = frozenset(".@/:-_")
_WEB_TOKEN = re.compile(r"www\.|://|@|\.(?:de|com|org|net|ru|ua|eu|info)\b", re.IGNORECASE)
_DOUBLE_SPACE = (re.compile(r"  +"), re.compile(r"[ \u00a0]{2,}"))

_QUOTE_MARKS = '"„“”«»'
_OPENING_BEFORE = frozenset("([{/–—-")
_CLOSING_AFTER = frozenset(".,;:!?)]}…/–—-")
_SPACED_CLOSING_AFTER = frozenset(".,;:!?)")
_ALWAYS_OPENING = "„"
_NESTED_MARKS = frozenset(_QUOTE_MARKS + "‚‘’'‹›")
# Neighbouring marks are looked through ("„‚Nein‘“"), but only this many: a run of a million quote marks
# must not make every mark scan back over all the others.
_MAX_NESTED_LOOKAROUND = 3

GERMAN_QUOTE_STYLES = ("„“", "»«", "«»")
TYPEWRITER_STYLE = '""'
LOCALE_QUOTE_STYLES = {
    "": GERMAN_QUOTE_STYLES,
    "de-DE": ("„“", "»«"),
    "de-AT": ("„“", "»«"),
    "de-CH": ("«»", "„“"),
}
"""Quotation styles each locale accepts, the one suggested first: »…« is common in Germany and Austria
(Spiegel, books), «…» is the Swiss standard; without a locale all three are correct German."""


def accepted_quote_styles(options: RuleOptions) -> tuple[str, ...]:
    """The house style's one style if it demands one, else those of the locale (first = suggested)."""
    if options.quotes:
        return (options.quotes,)
    return LOCALE_QUOTE_STYLES.get(options.locale, GERMAN_QUOTE_STYLES)


@functools.lru_cache(maxsize=1)
def _conjunctions() -> frozenset[str]:
    """Words after which " -pfleger" is the second half of a suspended compound, not a typo."""
    return _words("conjunction")


@functools.lru_cache(maxsize=8)
def _words(kind: str) -> frozenset[str]:
    return frozenset(r["word"] for r in load_table("typography").records() if r["kind"] == kind)


@functools.lru_cache(maxsize=1)
def _title_dots() -> dict[str, str]:
    return {
        r["word"]: r["suggestion"] for r in load_table("typography").records() if r["kind"] == "title-dot"
    }


def _word_start(text: str, at: int) -> int:
    """Start of the word that ends at ``at``."""
    while at > 0 and (text[at - 1].isalnum() or text[at - 1] == "_"):
        at -= 1
    return at


def _word_end(text: str, at: int) -> int:
    """End of the word that starts at ``at``."""
    limit = len(text)
    while at < limit and (text[at].isalnum() or text[at] == "_"):
        at += 1
    return at


# A web address or other token is looked at this far around a match only, so that a text without spaces
# does not make every match scan the whole text.
_MAX_TOKEN_REACH = 200


def _token_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The whitespace-delimited token around ``start:end``, cut at ``_MAX_TOKEN_REACH`` on each side."""
    floor = max(0, start - _MAX_TOKEN_REACH)
    token_start = max(text.rfind(" ", floor, start), text.rfind("\n", floor, start), floor - 1) + 1
    ceiling = min(len(text), end + _MAX_TOKEN_REACH)
    token_end = ceiling
    for separator in " \n":
        found = text.find(separator, end, ceiling)
        if 0 <= found < token_end:
            token_end = found
    return token_start, token_end


def _pattern(text: str, patterns: tuple[re.Pattern[str], re.Pattern[str]]) -> re.Pattern[str]:
    """The first pattern (plain spaces, literal first character) unless the text has unusual spaces."""
    return patterns[1] if any(space in text for space in _UNUSUAL_SPACES) else patterns[0]


def _positions(text: str, needles: tuple[str, ...] | str) -> list[int]:
    """Sorted offsets of every occurrence of the given characters (str.find is far faster than re)."""
    found: list[int] = []
    for needle in needles:
        at = text.find(needle)
        while at >= 0:
            found.append(at)
            at = text.find(needle, at + 1)
    found.sort()
    return found


@dataclass(frozen=True)
class Quotation:
    """A pair of quotation marks in one paragraph; ``end`` is just past the closing mark."""

    start: int
    end: int
    opening: str
    closing: str

    @property
    def style(self) -> str:
        return self.opening + self.closing


@dataclass(frozen=True)
class QuoteMarks:
    """The quotation marks of an article: matched pairs (outermost only) and the marks left over.

    ``unclosed`` holds (mark, end of the span to report, whether a fix can be guessed) and ``unopened``
    (start of the span, mark). An unclosed mark's span runs to the next unclosed mark or the paragraph
    end, an unopened mark's span from the previous quotation, so spans never overlap and their total
    length is at most the text's. Only the last open mark of a paragraph can be guessed to run to its
    end; where the others close, only an editor can tell.
    ``spaced_closings`` holds (end of the word before, closing mark) for closings typed after a space.
    """

    pairs: tuple[Quotation, ...] = ()
    unclosed: tuple[tuple[int, int, bool], ...] = ()
    unopened: tuple[tuple[int, int], ...] = ()
    spaced_closings: tuple[tuple[int, int], ...] = ()


def _role(text: str, at: int, start: int, end: int) -> str | None:
    """Whether the mark at ``at`` opens or closes a quotation, judged by its neighbours.

    Context decides rather than the glyph, because “ opens in English and closes in German and » opens
    in German and closes in Swiss text. Neighbouring quotation marks are looked through („‚Nein‘“). A mark
    with space (or nothing) on both sides, or letters on both sides, is ambiguous and ignored, except that
    a mark between a space and a comma or full stop (or the paragraph end) is a closing typed after a
    space ("spaced").
    """
    if text[at] == _ALWAYS_OPENING:
        return "open"
    left = at - 1
    floor = max(start, at - 1 - _MAX_NESTED_LOOKAROUND)
    while left >= floor and text[left] in _NESTED_MARKS:
        left -= 1
    right = at + 1
    ceiling = min(end, at + 1 + _MAX_NESTED_LOOKAROUND)
    while right < ceiling and text[right] in _NESTED_MARKS:
        right += 1
    before = text[left] if left >= start else " "
    after = text[right] if right < end else " "
    opens = before.isspace() or before in _OPENING_BEFORE
    closes = after.isspace() or after in _CLOSING_AFTER
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    if (
        left == at - 1
        and left > start
        and before.isspace()
        and not text[left - 1].isspace()
        and (right >= end or after in _SPACED_CLOSING_AFTER)
    ):
        return "spaced"
    return None


def _starts_with_opening(text: str, start: int, end: int) -> bool:
    return text[start] in _QUOTE_MARKS and _role(text, start, start, end) == "open"


def _skip_to_word(text: str, at: int, end: int) -> int:
    while at < end and not text[at].isalnum():
        at += 1
    return at


def _compute_quote_marks(context: RuleContext) -> QuoteMarks:
    """Pair marks paragraph by paragraph with a stack, in one pass over the marks (linear).

    A straight quote after a digit with none open is an inch mark. A quotation may run over several
    paragraphs the German way: a paragraph that ends with a quotation open and a next paragraph that
    begins with an opening mark continue one quotation, so the open mark is not reported.
    """
    text = context.text
    marks = _positions(text, _QUOTE_MARKS)
    if not marks:
        return QuoteMarks()
    pairs: list[Quotation] = []
    unclosed: list[tuple[int, int, bool]] = []
    unopened: list[tuple[int, int]] = []
    spaced: list[tuple[int, int]] = []
    index = 0
    paragraphs = context.paragraphs
    for number, paragraph in enumerate(paragraphs):
        start, end = paragraph.start, paragraph.end
        while index < len(marks) and marks[index] < start:
            index += 1
        stack: list[int] = []
        last_event = start
        while index < len(marks) and marks[index] < end:
            at = marks[index]
            index += 1
            role = _role(text, at, start, end)
            if role == "spaced" and stack:
                spaced.append((at - 1, at))
                role = "close"
            if role == "open":
                stack.append(at)
            elif role == "close":
                if stack:
                    opening = stack.pop()
                    if not stack:
                        pairs.append(Quotation(opening, at + 1, text[opening], text[at]))
                        last_event = at + 1
                elif not (text[at] == '"' and at > start and text[at - 1].isdigit()):
                    unopened.append((_skip_to_word(text, last_event, at), at))
                    last_event = at + 1
        if not stack:
            continue
        following = paragraphs[number + 1] if number + 1 < len(paragraphs) else None
        if following is not None and _starts_with_opening(text, following.start, following.end):
            continue
        for position, at in enumerate(stack):
            span_end = stack[position + 1] if position + 1 < len(stack) else end
            while span_end > at + 1 and text[span_end - 1].isspace():
                span_end -= 1
            unclosed.append((at, span_end, position + 1 == len(stack)))
    return QuoteMarks(tuple(pairs), tuple(unclosed), tuple(unopened), tuple(spaced))


_last_quote_marks: list[tuple[RuleContext, QuoteMarks]] = []


def quote_marks(context: RuleContext) -> QuoteMarks:
    """Pair the quotation marks of every paragraph once per context; the quote rules read the result."""
    if _last_quote_marks and _last_quote_marks[0][0] is context:
        return _last_quote_marks[0][1]
    result = _compute_quote_marks(context)
    _last_quote_marks[:] = [(context, result)]
    return result


def article_quote_style(context: RuleContext) -> str:
    """The accepted style the article itself uses first, else the one the settings suggest."""
    accepted = accepted_quote_styles(context.options)
    for pair in quote_marks(context).pairs:
        if pair.style in accepted:
            return pair.style
    return accepted[0]


def _style_for_mark(context: RuleContext, mark: str, opening: bool) -> str:
    """The accepted style a lone mark belongs to (»… is »«), else the article's style."""
    for style in accepted_quote_styles(context.options):
        if style[0 if opening else 1] == mark:
            return style
    return article_quote_style(context)


@rule(
    "TYP001",
    "space-before-hyphen",
    Severity.MINOR,
    "Space before the hyphen of a compound: write '{suggestion}'",
    "MT detokenisers split compounds at the hyphen; 'Kreml -Sprecher' reads as a typo and breaks "
    "search and hyphenation. Dashes with spaces on both sides and suspended hyphens are fine.",
    [
        bad("Dies sagte [[Kreml -Sprecher]] Peskow.", fix="Kreml-Sprecher"),
        bad("Die [[US -Präsidentschaftsverwaltung]] schwieg.", fix="US-Präsidentschaftsverwaltung"),
        bad("Die [[pro -russischen]] Kräfte zogen ab.", fix="pro-russischen"),
        bad("Er schickte eine [[E -Mail]] an die Redaktion.", fix="E-Mail"),
        good("Nord- und Südkorea verhandeln – erstmals seit Jahren."),
        good("Die Ein- und Ausfuhr stieg - so die Behörde."),
        good("Die Temperatur fiel auf -5 Grad."),
        good("Der Kreml-Sprecher äußerte sich."),
        good("Es fehlen Krankenschwestern und -pfleger."),
        good("Arbeitgeber oder -nehmer zahlen."),
    ],
    safe=True,
)
def space_before_hyphen(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    for match in _pattern(text, _SPACE_BEFORE_HYPHEN).finditer(text):
        start = _word_start(text, match.start())
        end = _word_end(text, match.end())
        if start == match.start():
            continue
        first, second = text[start : match.start()], text[match.end() : end]
        if second.islower() and len(second) < _MIN_LOWERCASE_COMPOUND_PART:
            continue
        if first.lower() in _conjunctions():
            continue
        yield Hit(start, end, f"{first}-{second}")


@rule(
    "TYP002",
    "space-before-punctuation",
    Severity.MINOR,
    "Space before punctuation: write '{suggestion}'",
    "German sets . , ; : ! ? directly after the word; a space before them is a detokenisation artefact "
    "and lets the mark wrap to the start of the next line.",
    [
        bad("Es wird [[getan .]]", fix="getan."),
        bad("Peskow sagte, [[Kiew ,]] Moskau und Washington redeten.", fix="Kiew,"),
        bad("Ist das [[wahr ?]] Niemand weiß es.", fix="wahr?"),
        bad("Er nannte drei [[Punkte :]] Sicherheit, Handel, Gefangene.", fix="Punkte:"),
        good("Die Gespräche über die Bedingungen ... sollen weitergehen."),
        good("Das Spiel endete 3 : 1 für Kiew."),
        good("Sie wohnt in Haus Nr. 5, Etage 2."),
        good("Er sagte: „Es wird getan.“"),
        good("Das Framework .NET ist verbreitet."),
        good("Das ist ein Satz mit Smiley :)"),
    ],
    safe=True,
)
def space_before_punctuation(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    last_end = -1
    for candidate in _pattern(text, _SPACE_BEFORE_PUNCTUATION).finditer(text):
        spaces = candidate.start()
        while spaces > 0 and text[spaces - 1] in " \t\u00a0":
            spaces -= 1
        start = _word_start(text, spaces)
        if start == spaces or spaces < last_end:
            continue
        match = _PUNCTUATION_AFTER_SPACES.match(text, spaces)
        if match is None:
            continue
        mark = match.group(1)
        if mark in ":;" and text[match.end() : match.end() + 1] in _EMOTICON_MOUTHS:
            continue
        if mark == ":" and text[spaces - 1].isdigit() and _SCORE.match(text, spaces):
            continue
        last_end = match.end()
        yield Hit(start, match.end(), text[start:spaces] + mark)


@rule(
    "TYP003",
    "missing-space-after-punctuation",
    Severity.MINOR,
    "Missing space after the sentence end: write '{suggestion}'",
    "Two sentences run together ('hatte.In') when MT joins segments; readers stumble and the sentence "
    "splitter of every later tool fails. Decimals, abbreviations and web addresses are not flagged.",
    [
        bad("Er [[hatte.In]] Moskau sagte man nichts.", fix="hatte. In"),
        bad("Die Lage ist [[ernst!Die]] Armee zieht ab.", fix="ernst! Die"),
        bad("Wer [[zahlt?Niemand]] weiß es.", fix="zahlt? Niemand"),
        good("Die Inflation lag bei 3,5 Prozent, 1.250 Menschen demonstrierten."),
        good("Das gilt z.B. für Kiew."),
        good("Mehr auf t-online.de und www.Spiegel.De lesen."),
        good("Schreiben Sie an redaktion@zeitung.De oder an die Post."),
        good("Er hatte. In Moskau sagte man nichts."),
    ],
    safe=True,
)
def missing_space_after_punctuation(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    matches = [m for mark, pattern in _MISSING_SPACE.items() if mark in text for m in pattern.finditer(text)]
    for match in sorted(matches, key=lambda m: m.start()):
        start = _word_start(text, match.start())
        end = _word_end(text, match.end())
        if start > 0 and text[start - 1] in _WEB_BEFORE:
            continue
        token_start, token_end = _token_span(text, start, end)
        if _WEB_TOKEN.search(text, token_start, token_end):
            continue
        yield Hit(start, end, f"{text[start : match.start()]}{match.group()} {text[match.end() : end]}")


@rule(
    "TYP004",
    "unbalanced-quotes",
    Severity.MAJOR,
    "Quotation mark without its partner in this paragraph",
    "A quotation that is opened and never closed (or closed and never opened) leaves the reader unsure "
    "where the quoted speech ends, which matters for attribution; MT often drops one of the marks. "
    "The suggestion guesses that the quotation runs to the end (or from the start) of the paragraph.",
    [
        bad(
            '[["Sorgfältiger Optimismus ist vorhanden. Es wird getan .]]',
            fix="„Sorgfältiger Optimismus ist vorhanden. Es wird getan .“",
        ),
        bad(
            "Er sagte: [[„Wir verhandeln weiter. Die Arbeit läuft.]]",
            fix="„Wir verhandeln weiter. Die Arbeit läuft.“",
        ),
        bad("[[Die Lage bleibt schwierig“]], sagte Peskow.", fix="„Die Lage bleibt schwierig“"),
        bad("„Gut“, sagte er. [[„Sehr gut sogar.]]", fix="„Sehr gut sogar.“"),
        bad("[[„Wir verhandeln weiter.]]\n\nDie Arbeit läuft, sagte er.", fix="„Wir verhandeln weiter.“"),
        bad("„Erstens.\n\n[[„Zweitens.]]\n\nDie Arbeit läuft.", fix="„Zweitens.“"),
        bad("[[»Gut, sagte er.]]", fix="»Gut, sagte er.«"),
        bad("„Gut“[[“]], sagte er.", fix=""),
        good("„Wir verhandeln weiter“, sagte Peskow."),
        good('"Es ist ein komplexer Prozess", fügte er hinzu.'),
        good('Der Bildschirm misst 17" in der Diagonale.'),
        good("Putin's Sprecher, geht's noch? So heißt es in Putins Umfeld."),
        good("„Erst sagte er ‚nein‘, dann ‚ja‘“, berichtete sie."),
        good('„Er nannte es "Erfolg"“, sagte sie.'),
        good("„Wir verhandeln weiter.\n\n„Die Arbeit läuft“, sagte er."),
        good("»Erstens bleiben wir.\n\n»Zweitens reden wir.\n\n»Drittens warten wir ab«, sagte er."),
        good("Er sagte: «Wir bleiben.\n\n«Wir reden weiter.»"),
    ],
)
def unbalanced_quotes(context: RuleContext) -> Iterator[Hit]:
    marks = quote_marks(context)
    if not marks.unclosed and not marks.unopened:
        return
    text = context.text
    for at, end, guessable in marks.unclosed:
        suggestion = _requoted(context, text[at + 1 : end], text[at], True) if guessable else None
        yield Hit(at, end, suggestion, _UNCLOSED)
    for start, at in marks.unopened:
        suggestion = _requoted(context, text[start:at], text[at], False)
        if (
            suggestion
            and start > 0
            and not text[start - 1].isspace()
            and text[start - 1] not in _OPENING_BEFORE
        ):
            suggestion = " " + suggestion
        yield Hit(start, at + 1, suggestion, _UNOPENED)


_UNCLOSED = "Quotation opened but not closed in this paragraph"
_UNOPENED = "Quotation closed but not opened in this paragraph"


def _requoted(context: RuleContext, quoted: str, mark: str, opening: bool) -> str:
    """The quoted words between a matching pair of the mark's style; a stray mark quoting nothing goes."""
    if not any(char.isalnum() for char in quoted):
        return ""
    style = _style_for_mark(context, mark, opening)
    # A closing mark after a dash or an opening bracket would read as an opening one: close before them.
    body = quoted.rstrip("".join(_OPENING_BEFORE) + " \t")
    return f"{style[0]}{body}{style[1]}{quoted[len(body) :]}"


@rule(
    "TYP005",
    "wrong-quote-style",
    Severity.MINOR,
    "Quotation marks in a style German text does not use",
    "German text quotes with „…“, »…« or (in Switzerland) «…»; English “…” marks, a pair that mixes two "
    'styles («…" or „…”), or a second style within one article show the text was not edited after '
    "machine translation. The locale and quotes settings narrow the accepted styles.",
    [
        bad("Ein [[“wichtiger Schritt”]] sei das.", fix="„wichtiger Schritt“"),
        bad("Er sprach von [[„vorsichtigem Optimismus”]].", fix="„vorsichtigem Optimismus“"),
        bad('Die Zeitung [[«Iswestija"]] berichtete.', fix="«Iswestija»"),
        bad('Er nannte es [["Erfolg»]].', fix="«Erfolg»"),
        bad("„Gut“, sagte er. Sie nannte es [[»schlecht«]].", fix="„schlecht“"),
        good("Ein „wichtiger Schritt“ sei das, sagte Peskow."),
        good("Ein »wichtiger Schritt« sei das, sagte Peskow."),
        good("Die Zeitung «Iswestija» berichtete."),
        good("„Es ist ein Thema“, sagte er, „und kein leichtes.“"),
        good('"Sorgfältiger Optimismus ist vorhanden.'),
        good("Putin's Sprecher und geht's noch?"),
        good('„Er nannte es "Erfolg"“, sagte sie.'),
        good('Ein "wichtiger Schritt" sei das.'),
    ],
    safe=True,
)
def wrong_quote_style(context: RuleContext) -> Iterator[Hit]:
    accepted = accepted_quote_styles(context.options)
    text = context.text
    article_style = ""
    pairs = quote_marks(context).pairs
    for pair in pairs:
        style = pair.style
        if style == TYPEWRITER_STYLE:
            continue
        if style in accepted:
            if not article_style:
                article_style = style
            if style == article_style:
                continue
            first = f"{article_style[0]}…{article_style[1]}"
            message = f"Quotation marks {pair.opening}…{pair.closing} here, {first} earlier in the article"
            suggested = article_style
        elif any(other.style in accepted for other in pairs):
            # the article has a style of its own: every wrong pair takes it, so the fixed article has one
            suggested = article_quote_style(context)
            message = (
                f"Quotation marks {pair.opening}…{pair.closing} instead of {suggested[0]}…{suggested[1]}"
            )
        else:
            suggested = _style_for_mark(context, pair.opening, opening=True)
            if suggested[0] != pair.opening:
                suggested = _style_for_mark(context, pair.closing, opening=False)
            if suggested[1] != pair.closing and suggested[0] != pair.opening:
                suggested = article_quote_style(context)
            message = (
                f"Quotation marks {pair.opening}…{pair.closing} instead of {suggested[0]}…{suggested[1]}"
            )
        inner = text[pair.start + 1 : pair.end - 1]
        yield Hit(pair.start, pair.end, f"{suggested[0]}{inner}{suggested[1]}", message)


@rule(
    "TYP007",
    "typewriter-quotes",
    Severity.MINOR,
    "Typewriter quotation marks: write '{suggestion}'",
    'Straight "…" marks are common in German online copy but not correct German typography; machine '
    "translation and unedited copy-paste leave them. They have a code of their own so that a newsroom "
    "that accepts them can switch them off (ignore TYP007).",
    [
        bad('Ein [["wichtiger Schritt"]] sei das.', fix="„wichtiger Schritt“"),
        bad('Die Anti-[["Terror"]]-Operation endete.', fix="„Terror“"),
        bad('»Ja«, sagte er, und dann [["nein"]].', fix="»nein«"),
        good("Ein „wichtiger Schritt“ sei das, sagte Peskow."),
        good('„Er nannte es "Erfolg"“, sagte sie.'),
        good('Der Bildschirm misst 17" in der Diagonale.'),
    ],
    safe=True,
)
def typewriter_quotes(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    pairs = quote_marks(context).pairs
    if not any(pair.style == TYPEWRITER_STYLE for pair in pairs):
        return
    style = article_quote_style(context)
    for pair in pairs:
        if pair.style == TYPEWRITER_STYLE:
            inner = text[pair.start + 1 : pair.end - 1]
            yield Hit(pair.start, pair.end, f"{style[0]}{inner}{style[1]}")


@rule(
    "TYP006",
    "double-space",
    Severity.MINOR,
    "Several spaces between words: write one",
    "Runs of spaces come from MT segment joins and copy-paste; they show in print and break phrase search.",
    [
        bad("Peskow sagte[[  ]]am Freitag nichts.", fix=" "),
        bad("Die Arbeit ist im Gange.[[   ]]Es wird getan.", fix=" "),
        good("Peskow sagte am Freitag nichts."),
        good("Erste Zeile\n  eingerückte Zeile"),
    ],
    safe=True,
)
def double_space(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    for match in _pattern(text, _DOUBLE_SPACE).finditer(text):
        start, end = match.span()
        if start == 0 or text[start - 1].isspace() or end == len(text):
            continue
        if text[end].isspace() or text[end] in _PUNCTUATION:
            continue
        yield Hit(start, end, " ")


_GLUED_AFTER = re.compile(r"[;:](?=[^\W\d_])")


@rule(
    "TYP008",
    "missing-space-after-colon",
    Severity.MINOR,
    "Missing space after the semicolon or colon: write '{suggestion}'",
    "MT joins clauses without the space German puts after ; and : ('haben;Ernsthaft'); the two words "
    "read as one. Times (10:30), scores, ratios, verse references, web addresses and the gender colon "
    "('Lehrer:innen') are not flagged.",
    [
        bad("Wir [[haben;Ernsthaft]] verhandelt.", fix="haben; Ernsthaft"),
        bad("Er nannte zwei [[Gründe:Sicherheit]] und Handel.", fix="Gründe: Sicherheit"),
        good("Das Treffen beginnt um 10:30 Uhr und endet 3:1."),
        good("Mehr unter https://www.tagesschau.de/ausland."),
        good("Die Lehrer:innen streikten, die Mitarbeiter:innen auch."),
        good("Der Vers Joh 3:16 wird oft zitiert."),
        good("Wir haben; ernsthaft."),
    ],
    safe=True,
)
def missing_space_after_colon(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    if ";" not in text and ":" not in text:
        return
    suffixes = _words("gender-suffix")
    for match in _GLUED_AFTER.finditer(text):
        at = match.start()
        if at == 0 or not (text[at - 1].isalpha()):
            continue
        start = _word_start(text, at)
        end = _word_end(text, at + 1)
        if text[at] == ":" and text[at + 1 : end] in suffixes:
            continue
        token_start, token_end = _token_span(text, start, end)
        token = text[token_start:token_end]
        if _WEB_TOKEN.search(token) or "&" in token or "/" in token:
            continue
        yield Hit(start, end, f"{text[start : at + 1]} {text[at + 1 : end]}")


@rule(
    "TYP009",
    "missing-space-before-quote",
    Severity.MINOR,
    "Missing space before the opening quotation mark: write '{suggestion}'",
    "An opening „ glued to the previous word or sentence ('direkt.„Biden') is a segment join of machine "
    "translation; it also hides the sentence boundary from every later tool.",
    [
        bad("Er sagte es [[direkt.„Biden]] kommt nicht.“", fix="direkt. „Biden"),
        bad("Er [[sagte:„Wir]] bleiben.“", fix="sagte: „Wir"),
        good("Er sagte es direkt. „Biden kommt nicht.“"),
        good("Die Anti-„Terror“-Operation endete."),
        good("Sie nannten es („Erfolg“) im Bericht."),
    ],
    safe=True,
)
def missing_space_before_quote(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    at = text.find(_ALWAYS_OPENING)
    while at >= 0:
        if 0 < at < len(text) - 1 and text[at + 1].isalnum():
            before = text[at - 1]
            if before.isalnum() or before in ".,;:!?":
                start = _word_start(text, at - 1) if not before.isalnum() else _word_start(text, at)
                end = _word_end(text, at + 1)
                yield Hit(start, end, f"{text[start:at]} {text[at:end]}")
        at = text.find(_ALWAYS_OPENING, at + 1)


_SINGLE_OPENINGS = "'‘"
_SINGLE_CLOSINGS = frozenset("'’")
# A quotation in single marks is short; the partner of an opening mark is looked for this far only.
_MAX_SINGLE_QUOTATION = 150
_POSSESSIVE_ENDINGS = frozenset("sßxz")
# "Rock 'n' Roll": a single letter between two apostrophes is an elision, not a quotation.
_MIN_SINGLE_QUOTATION = 3


@dataclass(frozen=True)
class SingleMarks:
    """Straight or English single quotes used as quotation marks, and apostrophes detached from a name."""

    pairs: tuple[tuple[int, int], ...] = ()
    detached: tuple[int, ...] = ()


def _single_closing(text: str, at: int, limit: int) -> int:
    """Offset of the mark that closes the single quotation opened at ``at``, or -1."""
    position = at + 2
    while position < limit:
        char = text[position]
        if char == "\n":
            return -1
        if char in _SINGLE_CLOSINGS and (text[position - 1].isalnum() or text[position - 1] in ".!?,"):
            after = text[position + 1] if position + 1 < len(text) else " "
            if not after.isalnum():
                return position
        position += 1
    return -1


def _compute_single_marks(context: RuleContext) -> SingleMarks:
    text = context.text
    pairs: list[tuple[int, int]] = []
    detached: list[int] = []
    for at in _positions(text, _SINGLE_OPENINGS):
        if pairs and at < pairs[-1][1]:
            continue
        before = text[at - 1] if at > 0 else " "
        after = text[at + 1] if at + 1 < len(text) else " "
        if not (before.isspace() or before in "(") or not after.isalpha():
            continue
        closing = _single_closing(text, at, min(len(text), at + _MAX_SINGLE_QUOTATION))
        if closing >= at + _MIN_SINGLE_QUOTATION:
            pairs.append((at, closing + 1))
        elif text[at] == "'" and at > 1 and before == " ":
            word_start = _word_start(text, at - 1)
            word = text[word_start : at - 1]
            if word[:1].isupper() and word[-1:] in _POSSESSIVE_ENDINGS:
                detached.append(at)
    return SingleMarks(tuple(pairs), tuple(detached))


_last_single_marks: list[tuple[RuleContext, SingleMarks]] = []


def single_marks(context: RuleContext) -> SingleMarks:
    if _last_single_marks and _last_single_marks[0][0] is context:
        return _last_single_marks[0][1]
    result = _compute_single_marks(context)
    _last_single_marks[:] = [(context, result)]
    return result


@rule(
    "TYP010",
    "single-quotes-as-quotation",
    Severity.MINOR,
    "Apostrophes used as quotation marks: write '{suggestion}'",
    "German quotes with „…“ and nests with ‚…‘; straight '…' and English ‘…’ marks come from English "
    "sources or from MT rendering «…». Apostrophes inside words (geht's, Putin's) are not flagged.",
    [
        bad("Scholz nannte es [['Worte ohne Taten']].", fix="„Worte ohne Taten“"),
        bad("Die Operation [[‘Sturm’]] begann.", fix="„Sturm“"),
        bad("„Er sprach von [['Erfolg']]“, sagte sie.", fix="‚Erfolg‘"),
        good("Putins Sprecher sagte, jetzt geht's ums Ganze."),
        good("„Erst sagte er ‚nein‘, dann ‚ja‘“, berichtete sie."),
        good("Die '90er Jahre waren anders."),
        good("Er liebte Rock 'n' Roll."),
    ],
)
def single_quotes_as_quotation(context: RuleContext) -> Iterator[Hit]:
    pairs = single_marks(context).pairs
    if not pairs:
        return
    text = context.text
    outer = quote_marks(context).pairs
    style = article_quote_style(context)
    index = 0
    for start, end in pairs:
        while index < len(outer) and outer[index].end <= start:
            index += 1
        nested = index < len(outer) and outer[index].start < start
        opening, closing = ("‚", "‘") if nested else (style[0], style[1])
        yield Hit(start, end, f"{opening}{text[start + 1 : end - 1]}{closing}")


@rule(
    "TYP011",
    "detached-apostrophe",
    Severity.MINOR,
    "Apostrophe of the possessive detached from the name: write '{suggestion}'",
    "Names ending in s, ß, x or z take a bare apostrophe in the genitive (Scholz' Worte); MT often moves "
    "it in front of the next word ('Scholz 'Worte'), where it reads as a stray quotation mark.",
    [
        bad("Er verwies auf [[Scholz 'Worte]] vom Freitag.", fix="Scholz' Worte"),
        bad("[[Perez 'Plan]] überzeugte nicht.", fix="Perez' Plan"),
        good("Er verwies auf Scholz' Worte vom Freitag."),
        good("Er nannte es 'Worte ohne Taten' und ging."),
        good("Putin 'Worte wurden zitiert."),
    ],
)
def detached_apostrophe(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    for at in single_marks(context).detached:
        start = _word_start(text, at - 1)
        end = _word_end(text, at + 1)
        yield Hit(start, end, f"{text[start : at - 1]}' {text[at + 1 : end]}")


_MIN_DASH_NEIGHBOUR = 4
# Not ")": agency datelines ("Kiew (Reuters) - Bei") are a house style of their own.
_DASH_AFTER_MARK = frozenset(",;.!?“«»")


@rule(
    "TYP012",
    "hyphen-as-dash",
    Severity.MINOR,
    "Hyphen used as a dash between clauses: write '{suggestion}'",
    "German sets a dash between clauses as an en dash with spaces (–); a hyphen with spaces is a "
    "keyboard or MT substitute. Suspended compounds (Nord- und Südkorea), ranges, minus signs and two "
    "capitalised words (a compound typed with spaces, reported elsewhere) are not flagged.",
    [
        bad("Wir wollen [[sprechen - nur]] nicht heute.", fix="sprechen – nur"),
        bad("Die Lage ist [[ernst - Russland]] droht.", fix="ernst – Russland"),
        bad("Er kam, sah [[zu, - und]] ging.", fix="zu, – und"),
        good("Nord- und Südkorea verhandeln – erstmals seit Jahren."),
        good("Die Temperatur fiel von 5 - 10 Grad auf - 3 Grad."),
        good("Baden - Württemberg stimmte zu."),
        good("- Erster Punkt der Liste"),
        good("Er sagte pro - russisch."),
        good("Kiew (Reuters) - Bei dem Angriff starben zwei Menschen."),
    ],
)
def hyphen_as_dash(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    at = text.find(" - ")
    while at >= 0:
        hyphen = at + 1
        after = text[hyphen + 2] if hyphen + 2 < len(text) else ""
        before = text[at - 1] if at > 0 else ""
        if after.isalpha() and (before.isalpha() or before in _DASH_AFTER_MARK):
            start = _word_start(text, at) if before.isalpha() else _word_start(text, at - 1)
            end = _word_end(text, hyphen + 2)
            left, right = text[start:at], text[hyphen + 2 : end]
            long_enough = before in _DASH_AFTER_MARK or len(left) >= _MIN_DASH_NEIGHBOUR
            compound = left[:1].isupper() and right[:1].isupper() and before.isalpha()
            if left and long_enough and not compound and not any(c.isdigit() for c in left):
                yield Hit(start, end, f"{left} – {right}")
        at = text.find(" - ", at + 1)


@rule(
    "TYP013",
    "title-with-full-stop",
    Severity.MINOR,
    "Title written with an English full stop: write '{suggestion}'",
    "English abbreviates 'Mr.' with a full stop; MT renders it 'Herr.', which German never abbreviates "
    "and the sentence splitter then takes for a sentence end.",
    [
        bad("Das sagte [[Herr. Putin]] am Freitag.", fix="Herr Putin"),
        bad("Er traf [[Herrn. Scholz]] in Berlin.", fix="Herrn Scholz"),
        good("Das sagte Herr Putin am Freitag."),
        good("Er war sein eigener Herr. an diesem Tag."),
    ],
    safe=True,
)
def title_with_full_stop(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    hits = []
    for written, german in _title_dots().items():
        at = text.find(written + " ")
        while at >= 0:
            after = at + len(written) + 1
            if (at == 0 or not text[at - 1].isalnum()) and after < len(text) and text[after].isupper():
                end = _word_end(text, after)
                hits.append(Hit(at, end, f"{german} {text[after:end]}"))
            at = text.find(written + " ", at + 1)
    yield from sorted(hits, key=lambda hit: hit.start)


_ELLIPSIS_FULL_STOP = re.compile(r"(?<![.…])(?:…|\.\.\.)\.(?![.…])")


@rule(
    "TYP014",
    "ellipsis-with-full-stop",
    Severity.MINOR,
    "Ellipsis followed by a full stop: write '{suggestion}'",
    "An ellipsis at the end of a sentence takes no extra full stop in German ('Zwecke…', not "
    "'Zwecke….'); the doubled mark comes from MT adding the source sentence's stop.",
    [
        bad("Es war für andere [[Zwecke….]] Dann ging er.", fix="Zwecke…"),
        bad("Es war für andere [[Zwecke....]] Dann ging er.", fix="Zwecke..."),
        good("Es war für andere Zwecke… Dann ging er."),
        good("Es war für andere Zwecke... Dann ging er."),
        good("Das Inhaltsverzeichnis: Kapitel 1 ........ 5"),
    ],
    safe=True,
)
def ellipsis_with_full_stop(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    if "…." not in text and "...." not in text:
        return
    for match in _ELLIPSIS_FULL_STOP.finditer(text):
        start = _word_start(text, match.start())
        yield Hit(start, match.end(), text[start : match.end() - 1])


@rule(
    "TYP015",
    "space-before-closing-quote",
    Severity.MINOR,
    "Space before the closing quotation mark: write '{suggestion}'",
    "A closing mark sits directly after the quoted words; with a space before it the mark can wrap to "
    "the next line and be read as an opening one. MT detokenisers leave that space.",
    [
        bad("„Wir [[kommen “]], sagte er.", fix="kommen“"),
        bad("»Es geht [[voran «]].", fix="voran«"),
        good("„Wir kommen“, sagte er."),
        good("Er sagte „ja“ und „nein“."),
    ],
    safe=True,
)
def space_before_closing_quote(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    for word_end, at in quote_marks(context).spaced_closings:
        end_of_word = word_end
        while end_of_word > 0 and text[end_of_word - 1].isspace():
            end_of_word -= 1
        start = _word_start(text, end_of_word)
        if start == end_of_word:
            start = max(end_of_word - 1, 0)
        yield Hit(start, at + 1, f"{text[start:end_of_word]}{text[at]}")
