"""Typography and spacing (TYP): the tokenisation and quoting artefacts machine translation leaves.

MT pipelines detokenise badly ("Kreml -Sprecher", "getan ."), run sentences together ("hatte.In"), lose
one half of a quotation, and copy the source language's quotation marks. Each check finds the rare
characters it is about with a fast literal search and judges their neighbourhood; the two quote checks
share one pass that pairs the marks of every paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from mtqa.model import Severity
from mtqa.rules.registry import Hit, RuleContext, bad, good, rule

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
_ALWAYS_OPENING = "„"
_NESTED_MARKS = frozenset(_QUOTE_MARKS + "‚‘’'‹›")


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


@dataclass(frozen=True)
class QuoteMarks:
    """The quotation marks of an article: matched pairs (outermost only) and the marks left over.

    ``unclosed`` and ``unopened`` hold (mark offset, paragraph start, paragraph end).
    """

    pairs: tuple[Quotation, ...] = ()
    unclosed: tuple[tuple[int, int, int], ...] = ()
    unopened: tuple[tuple[int, int, int], ...] = ()


def _role(text: str, at: int, start: int, end: int) -> str | None:
    """Whether the mark at ``at`` opens or closes a quotation, judged by its neighbours.

    Context decides rather than the glyph, because “ opens in English and closes in German and » opens
    in German and closes in Swiss text. Neighbouring quotation marks are looked through („‚Nein‘“). A mark
    with space (or nothing) on both sides, or letters on both sides, is ambiguous and ignored.
    """
    if text[at] == _ALWAYS_OPENING:
        return "open"
    left = at - 1
    while left >= start and text[left] in _NESTED_MARKS:
        left -= 1
    right = at + 1
    while right < end and text[right] in _NESTED_MARKS:
        right += 1
    before = text[left] if left >= start else " "
    after = text[right] if right < end else " "
    opens = before.isspace() or before in _OPENING_BEFORE
    closes = after.isspace() or after in _CLOSING_AFTER
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return None


def _compute_quote_marks(context: RuleContext) -> QuoteMarks:
    """Pair marks paragraph by paragraph; a straight quote after a digit with none open is an inch mark."""
    text = context.text
    marks = _positions(text, _QUOTE_MARKS)
    if not marks:
        return QuoteMarks()
    pairs: list[Quotation] = []
    unclosed: list[tuple[int, int, int]] = []
    unopened: list[tuple[int, int, int]] = []
    index = 0
    for paragraph in context.paragraphs:
        start, end = paragraph.start, paragraph.end
        while index < len(marks) and marks[index] < start:
            index += 1
        stack: list[int] = []
        while index < len(marks) and marks[index] < end:
            at = marks[index]
            index += 1
            role = _role(text, at, start, end)
            if role == "open":
                stack.append(at)
            elif role == "close":
                if stack:
                    opening = stack.pop()
                    if not stack:
                        pairs.append(Quotation(opening, at + 1, text[opening], text[at]))
                elif not (text[at] == '"' and at > start and text[at - 1].isdigit()):
                    unopened.append((at, start, end))
        unclosed.extend((at, start, end) for at in stack)
    return QuoteMarks(tuple(pairs), tuple(unclosed), tuple(unopened))


_last_quote_marks: list[tuple[RuleContext, QuoteMarks]] = []


def quote_marks(context: RuleContext) -> QuoteMarks:
    """Pair the quotation marks of every paragraph once per context; both quote rules read the result."""
    if _last_quote_marks and _last_quote_marks[0][0] is context:
        return _last_quote_marks[0][1]
    result = _compute_quote_marks(context)
    _last_quote_marks[:] = [(context, result)]
    return result


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
        token_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
        token_end = len(text)
        for separator in " \n":
            found = text.find(separator, end)
            if 0 <= found < token_end:
                token_end = found
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
        good("„Wir verhandeln weiter“, sagte Peskow."),
        good('"Es ist ein komplexer Prozess", fügte er hinzu.'),
        good('Der Bildschirm misst 17" in der Diagonale.'),
        good("Putin's Sprecher, geht's noch? So heißt es in Putins Umfeld."),
        good("„Erst sagte er ‚nein‘, dann ‚ja‘“, berichtete sie."),
        good('„Er nannte es "Erfolg"“, sagte sie.'),
    ],
)
def unbalanced_quotes(context: RuleContext) -> Iterator[Hit]:
    marks = quote_marks(context)
    if not marks.unclosed and not marks.unopened:
        return
    text = context.text
    opening, closing = context.options.quotes[0], context.options.quotes[-1]
    for at, _, end in marks.unclosed:
        quoted = text[at + 1 : end]
        yield Hit(at, end, f"{opening}{quoted}{closing}", "Quotation opened but not closed in this paragraph")
    for at, start, _ in marks.unopened:
        quoted = text[start:at]
        yield Hit(
            start, at + 1, f"{opening}{quoted}{closing}", "Quotation closed but not opened in this paragraph"
        )


@rule(
    "TYP005",
    "wrong-quote-style",
    Severity.MINOR,
    "Quotation marks in a style German text does not use",
    'German text quotes with „…“ (or »…« in books and some house styles); English "…"/“…” and '
    "Russian «…» marks show the text was not edited after machine translation. A wrong style is "
    "usually systematic, so it is reported once per article, at its first quotation, with a count.",
    [
        bad('Ein [["wichtiger Schritt"]] sei das.', fix="„wichtiger Schritt“"),
        bad("Ein [[“wichtiger Schritt”]] sei das.", fix="„wichtiger Schritt“"),
        bad("Die Zeitung [[«Iswestija»]] berichtete.", fix="„Iswestija“"),
        bad("Er sprach von [[„vorsichtigem Optimismus”]].", fix="„vorsichtigem Optimismus“"),
        bad('Die Anti-[["Terror"]]-Operation endete.', fix="„Terror“"),
        good("Ein „wichtiger Schritt“ sei das, sagte Peskow."),
        good("„Es ist ein Thema“, sagte er, „und kein leichtes.“"),
        good('"Sorgfältiger Optimismus ist vorhanden.'),
        good("Putin's Sprecher und geht's noch?"),
        good('„Er nannte es "Erfolg"“, sagte sie.'),
    ],
    safe=True,
)
def wrong_quote_style(context: RuleContext) -> Iterator[Hit]:
    opening, closing = context.options.quotes[0], context.options.quotes[-1]
    text = context.text
    for pair in quote_marks(context).pairs:
        if (pair.opening, pair.closing) == (opening, closing):
            continue
        message = f"Quotation marks {pair.opening}…{pair.closing} instead of {opening}…{closing}"
        inner = text[pair.start + 1 : pair.end - 1]
        yield Hit(pair.start, pair.end, f"{opening}{inner}{closing}", message)


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
