"""Source-aware checks (SRC): the German compared with the text it was translated from, without a model.

Machine translation changes numbers ("1,5 млн" -> "15 Millionen"), shifts dates by a day ("5 апреля" ->
"4. April"), leaves segments untranslated, drops or invents half a sentence, and loses the tags and
placeholders of a CAT file. Each of these shows when the German is laid beside its source: the sentences
are aligned once per article (Gale-Church over lengths, steered by the numbers both sides share), and
every check compares aligned sentences, looking one sentence to either side before it speaks so that an
imperfect alignment does not become a false alarm. Rules here are silent when the article has no source.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from mtqa.backtranslate.align import Bead, align
from mtqa.glossary import GlossaryTerm
from mtqa.language import cyrillic
from mtqa.model import Segment, Severity
from mtqa.references import load_table
from mtqa.rules.names import Lexicon, genitive_stems, lexicon, reported_starts
from mtqa.rules.registry import Hit, RuleContext, RuleOptions, bad, good, rule
from mtqa.segment import sentences

TARGET_LANG = "de"
MIN_LENGTH_CHECKED = 60
"""Source sentences shorter than this are too short for a length ratio to mean anything."""
NUMBER_GUIDE_WEIGHT = 3.0
"""How strongly shared numbers steer the alignment (nats per item of a pair that shares none)."""
ROUNDING = 0.02
"""Amounts within this relative distance count as the same number rounded ("1,52 млн" ~ "1,5 Millionen")."""
IGNORED_VALUES = frozenset({0.0, 1.0})
"""German writes these as words or articles ("ein Soldat"): their absence says nothing."""

_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,\u00a0\u202f ]\d+)*")
_WORD_AFTER = re.compile(r"[\s\u00a0\u202f]*([^\W\d_]+\.?)")
_UNIT_AFTER = re.compile(r"[\s\u00a0\u202f]*([^\W\d_]+(?:-[^\W\d_]+)?\.?|[$€£%])")
_SPACES = frozenset(" \u00a0\u202f")
_DECIMAL_MARK = {"en": "."}
"""The decimal mark by language; every other language here writes a comma."""
_THOUSANDS_MARKS = {"en": frozenset(",") | _SPACES, "de": frozenset(".") | _SPACES}
_DEFAULT_THOUSANDS = _SPACES
_PLACEHOLDER = re.compile(
    r"\{\{[^{}\n]{0,60}\}\}|\{[\w.:-]{0,40}\}|%(?:\(\w{1,40}\))?[-+ #0]?\d{0,3}[sdif]|%\d{1,2}\$[sd]"
    r"|</?[A-Za-z][\w:-]{0,30}(?:\s[^<>\n]{0,200})?/?>|\$\{\w{1,40}\}"
)
_LETTERS = re.compile(r"[^\W\d_]+")
_GLUED_DIGITS = re.compile(r"(?<=[^\W\d_]|-)\d{1,6}(?!\d)")
"""Digits right after a letter or hyphen (G7, F-16, Su-34): names, not amounts, but they say the number."""


@dataclass(frozen=True)
class Amount:
    """A number as written (``start``/``end`` into its text) and its value with any scale word applied."""

    start: int
    end: int
    value: float
    date: tuple[int, int] | None = None
    """(day, month) when the number is the day of a written-out date."""


@dataclass(frozen=True)
class Pair:
    """Aligned German segments and source sentences, with the neighbouring beads' German for tolerance."""

    target: tuple[Segment, ...]
    source: tuple[Segment, ...]
    window: tuple[Segment, ...]
    """The German of this bead and of one bead to either side."""

    @property
    def span(self) -> tuple[int, int] | None:
        if not self.target:
            return None
        return self.target[0].start, self.target[-1].end


# --- language data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberWords:
    scales: tuple[tuple[str, bool, float], ...]
    """(word, is_prefix, factor), longest word first."""
    words: dict[str, float]
    months: dict[str, int]


@functools.lru_cache(maxsize=16)
def _language(lang: str) -> NumberWords:
    scales = tuple(
        sorted(
            (
                (row["word"], row["match"] == "prefix", float(row["scale"]))
                for row in load_table("source_numbers").records()
                if row["lang"] == lang
            ),
            key=lambda item: -len(item[0]),
        )
    )
    words = {r["word"]: float(r["value"]) for r in load_table("number_words").records() if r["lang"] == lang}
    months = {r["form"]: int(r["month"]) for r in load_table("source_months").records() if r["lang"] == lang}
    return NumberWords(scales, words, months)


@dataclass(frozen=True)
class UnitWord:
    word: str
    is_prefix: bool
    unit: str
    dimension: str
    german: str


@functools.lru_cache(maxsize=16)
def _units(lang: str) -> tuple[UnitWord, ...]:
    """The unit words of ``lang`` (``source_units.tsv``), longest first so "us-dollar" wins over "us"."""
    found = [
        UnitWord(r["word"], r["match"] == "prefix", r["unit"], r["dimension"], r["german"])
        for r in load_table("source_units").records()
        if r["lang"] == lang
    ]
    return tuple(sorted(found, key=lambda u: -len(u.word)))


@functools.lru_cache(maxsize=1)
def _german_units() -> dict[str, str]:
    """Unit id -> how German writes it after an amount (the first German row of each unit)."""
    names: dict[str, str] = {}
    for record in load_table("source_units").records():
        if record["lang"] == TARGET_LANG:
            names.setdefault(record["unit"], record["german"])
    return names


@functools.lru_cache(maxsize=1)
def _length_bounds() -> dict[str, tuple[float, float]]:
    return {
        r["source_lang"]: (float(r["low"]), float(r["high"])) for r in load_table("length_ratios").records()
    }


def _lang(code: str | None) -> str:
    return (code or "").strip().lower().split("-")[0].split("_")[0]


# --- numbers and dates ---------------------------------------------------------------------------------


def _parse(raw: str, lang: str) -> list[tuple[int, int, float]]:
    """The numbers in a run of digits and separators: thousands groups joined, a decimal part read."""
    decimal = _DECIMAL_MARK.get(lang, ",")
    thousands = _THOUSANDS_MARKS.get(lang, _DEFAULT_THOUSANDS)
    groups = re.findall(r"(^|[^\d])(\d+)", raw)
    result: list[tuple[int, int, float]] = []
    position = 0
    index = 0
    while index < len(groups):
        _, digits = groups[index]
        start = raw.index(digits, position)
        end = start + len(digits)
        integer = digits
        fraction = ""
        index += 1
        grouped = len(digits) <= 3
        while index < len(groups):
            separator, following = groups[index]
            if grouped and separator in thousands and len(following) == 3 and separator != decimal:
                integer += following
            elif separator == decimal and not fraction:
                fraction = following
            else:
                break
            end = raw.index(following, end) + len(following)
            index += 1
            if fraction:
                break
        value = float(f"{integer}.{fraction}") if fraction else float(integer)
        result.append((start, end, value))
        position = end
    return result


def _scale_after(text: str, end: int, words: NumberWords) -> tuple[float, int]:
    """The factor of a scale word right after ``end`` ("млн", "Millionen") and where that word ends."""
    match = _WORD_AFTER.match(text, end, min(len(text), end + 40))
    if match is None:
        return 1.0, end
    word = match.group(1).lower()
    bare = word.rstrip(".")
    for scale, is_prefix, factor in words.scales:
        if bare == scale or (is_prefix and bare.startswith(scale)):
            return factor, match.end()
    return 1.0, end


CACHED_TEXT = 2000
"""Sentences up to this length have their amounts cached (bounded memory: 8,192 of them at most)."""


def amounts(text: str, lang: str) -> tuple[Amount, ...]:
    """Every amount in ``text`` (digits, and number words where the language lists them), dates marked.

    Cached for sentences of ordinary length: the rules of an article ask for the same ones many times.
    """
    return _cached_amounts(text, lang) if len(text) <= CACHED_TEXT else _amounts(text, lang)


@functools.lru_cache(maxsize=8192)
def _cached_amounts(text: str, lang: str) -> tuple[Amount, ...]:
    return _amounts(text, lang)


def _amounts(text: str, lang: str) -> tuple[Amount, ...]:
    words = _language(lang)
    found: list[Amount] = []
    for match in _NUMBER.finditer(text):
        for start, end, value in _parse(match.group(), lang):
            start += match.start()
            end += match.start()
            factor, scale_end = _scale_after(text, end, words)
            date = _date(text, start, end, value, lang, words)
            found.append(Amount(start, scale_end, value * factor, date))
    if words.words:
        for word in _LETTERS.finditer(text):
            spelled = words.words.get(word.group().lower())
            if spelled is not None:
                factor, scale_end = _scale_after(text, word.end(), words)
                found.append(Amount(word.start(), scale_end, spelled * factor))
    return tuple(found)


def _date(
    text: str, start: int, end: int, value: float, lang: str, words: NumberWords
) -> tuple[int, int] | None:
    """(day, month) when the number is a day followed by a month name ("5 апреля", "5. April")."""
    if not words.months or value != int(value) or not 1 <= value <= 31:
        return None
    after = end + 1 if lang == TARGET_LANG and text[end : end + 1] == "." else end
    match = _WORD_AFTER.match(text, after, min(len(text), after + 30))
    if match is not None:
        month = words.months.get(match.group(1).lower().rstrip("."))
        if month is not None:
            return int(value), month
    if lang == "en":  # "April 5"
        before = text[max(0, start - 12) : start].rstrip()
        name = before.rsplit(None, 1)[-1].lower() if before else ""
        if name in words.months:
            return int(value), words.months[name]
    return None


def _same(a: float, b: float) -> bool:
    """Equal, or the same amount rounded; counts and years (whole numbers under 10,000) must match."""
    if a == b:
        return True
    if a.is_integer() and b.is_integer() and max(abs(a), abs(b)) < 10_000:
        return False
    return abs(a - b) <= ROUNDING * max(abs(a), abs(b))


def _format(value: float) -> str:
    return f"{value:,.12g}".replace(",", "\u202f").replace(".", ",")


# --- alignment -----------------------------------------------------------------------------------------


def pairs(context: RuleContext) -> tuple[Pair, ...]:
    """The article's German segments aligned with its source sentences (computed once per article)."""
    return context.memoised("source-pairs", lambda: _align(context))


def _align(context: RuleContext) -> tuple[Pair, ...]:
    source_text = context.article.source
    if not source_text or not source_text.strip():
        return ()
    target = context.segments
    source = tuple(sentences(source_text))
    if not target or not source:
        return ()
    if context.article.units:
        return _unit_pairs(context, target, source)
    lang = _lang(context.article.source_lang)
    target_values = [frozenset(a.value for a in amounts(s.text, TARGET_LANG)) for s in target]
    source_values = [frozenset(a.value for a in amounts(s.text, lang)) for s in source]

    def shared_numbers(i0: int, i1: int, j0: int, j1: int) -> float:
        left = target_values[i0] if i1 - i0 == 1 else frozenset().union(*target_values[i0:i1])
        right = source_values[j0] if j1 - j0 == 1 else frozenset().union(*source_values[j0:j1])
        if not left and not right:
            return 1.0
        return len(left & right) / len(left | right)

    beads: list[Bead] = align(
        [len(s.text) for s in target], [len(s.text) for s in source], shared_numbers, NUMBER_GUIDE_WEIGHT
    )
    result: list[Pair] = []
    for index, bead in enumerate(beads):
        near = beads[max(0, index - 1) : index + 2]
        window = tuple(target[i] for b in near for i in b.left)
        result.append(Pair(tuple(target[i] for i in bead.left), tuple(source[j] for j in bead.right), window))
    return tuple(result)


def _target_values(segments: Sequence[Segment]) -> list[float]:
    """German amounts, read the German way and the English way: LOC reports an English format, not SRC.

    Digits inside a name count too: the source's "Group of Seven" is the German "G7", "F-16" a number.
    """
    values = [a.value for lang in (TARGET_LANG, "en") for _, a in _amounts_of(segments, lang)]
    values += [float(m.group()) for s in segments for m in _GLUED_DIGITS.finditer(s.text)]
    return values


def _unit_pairs(
    context: RuleContext, target: Sequence[Segment], source: Sequence[Segment]
) -> tuple[Pair, ...]:
    """A bilingual file is aligned already: each unit's German faces that unit's source."""
    grouped = [
        (
            tuple(s for s in target if unit.start <= s.start < unit.end),
            tuple(s for s in source if unit.source_start <= s.start < unit.source_end),
        )
        for unit in context.article.units
    ]
    return tuple(
        Pair(german, original, tuple(s for g, _ in grouped[max(0, i - 1) : i + 2] for s in g))
        for i, (german, original) in enumerate(grouped)
    )


def _amounts_of(segments: Sequence[Segment], lang: str) -> list[tuple[Segment, Amount]]:
    return [(segment, amount) for segment in segments for amount in amounts(segment.text, lang)]


# --- rules ---------------------------------------------------------------------------------------------


@rule(
    "SRC001",
    "source-number-changed",
    Severity.MAJOR,
    "'{match}' here, but the source has another number in this sentence",
    "A changed amount is a factual error that no reader of the German can notice; the source is the "
    "only place it shows.",
    examples=[
        bad(
            "Die EU sagte [[15 Millionen]] Euro zu.",
            source="ЕС пообещал 1,5 млн евро.",
            source_lang="ru",
        ),
        bad(
            "Bei dem Angriff wurden [[12]] Menschen verletzt.",
            source="В результате атаки пострадали 21 человек.",
            source_lang="ru",
        ),
        good("Die EU sagte 1,5 Millionen Euro zu.", source="ЕС пообещал 1,5 млн евро.", source_lang="ru"),
        good("Zwei Menschen wurden verletzt.", source="Two people were injured.", source_lang="en"),
        good("Die Firma verkaufte 1.500 Autos.", source="The company sold 1,500 cars.", source_lang="en"),
        good("Die EU sagte 15 Millionen Euro zu.", source=None),
    ],
)
def source_number_changed(context: RuleContext) -> Iterator[Hit]:
    for _pair, missing, extra in _number_differences(context):
        if extra is not None and missing:
            segment, amount = extra
            source_segment, source_amount = missing[0]
            written = source_segment.text[source_amount.start : source_amount.end]
            yield Hit(
                segment.start + amount.start,
                segment.start + amount.end,
                None,
                f"'{context.text[segment.start + amount.start : segment.start + amount.end]}' here, but "
                f"the source has '{written}' ({_format(source_amount.value)})",
            )


@rule(
    "SRC002",
    "source-number-missing",
    Severity.MAJOR,
    "A number of the source is missing in this sentence",
    "An amount, a count or a year that the source states and the German drops is lost information; "
    "machine translation drops numbers when it merges or shortens sentences.",
    examples=[
        bad(
            "[[Bei dem Angriff wurden viele Menschen verletzt.]]",
            source="В результате атаки пострадали 21 человек.",
            source_lang="ru",
        ),
        good(
            "Bei dem Angriff wurden 21 Menschen verletzt.", source="В результате атаки пострадали 21 человек."
        ),
        good("Ein Soldat wurde verletzt.", source="Один военный получил ранение 1 раз.", source_lang="ru"),
    ],
)
def source_number_missing(context: RuleContext) -> Iterator[Hit]:
    for pair, missing, extra in _number_differences(context):
        span = pair.span
        if extra is None and missing and span is not None:
            source_segment, source_amount = missing[0]
            written = source_segment.text[source_amount.start : source_amount.end]
            yield Hit(*span, None, f"The source's '{written}' is missing in this sentence")


def _number_differences(
    context: RuleContext,
) -> Iterator[tuple[Pair, list[tuple[Segment, Amount]], tuple[Segment, Amount] | None]]:
    """Per aligned pair: the source amounts the German window lacks, and a German amount the source lacks."""
    lang = _lang(context.article.source_lang)
    for pair in pairs(context):
        if not pair.source or not pair.target:
            continue
        source_amounts = [
            (s, a)
            for s, a in _amounts_of(pair.source, lang)
            if a.date is None and a.value not in IGNORED_VALUES
        ]
        if not source_amounts:
            continue
        window = _target_values(pair.window)
        missing = [(s, a) for s, a in source_amounts if not any(_same(a.value, v) for v in window)]
        if not missing:
            continue
        all_source = [a.value for _, a in _amounts_of(pair.source, lang)]
        extra = next(
            (
                (s, a)
                for s, a in _amounts_of(pair.target, TARGET_LANG)
                if a.date is None
                and a.value not in IGNORED_VALUES
                and not any(_same(a.value, v) for v in all_source)
                and not any(
                    _same(b.value, v) for b in amounts(s.text, "en") if b.start == a.start for v in all_source
                )
            ),
            None,
        )
        yield pair, missing, extra


@rule(
    "SRC003",
    "source-date-changed",
    Severity.MAJOR,
    "'{match}': the source has another day of this month: '{suggestion}'",
    "Dates shift by a day when a model confuses ordinals or time zones; a wrong date in news is a "
    "correction waiting to happen.",
    examples=[
        bad(
            "Das Treffen findet am [[4. April]] statt.",
            fix="5. April",
            source="Встреча пройдёт 5 апреля.",
            source_lang="ru",
        ),
        bad(
            "Die Wahl ist am [[1. März]].",
            fix="1. Mai",
            source="Выборы пройдут 1 мая.",
            source_lang="ru",
        ),
        good("Das Treffen findet am 5. April statt.", source="Встреча пройдёт 5 апреля.", source_lang="ru"),
        good("Das Treffen findet am 5. April statt.", source="The meeting is on April 5.", source_lang="en"),
    ],
)
def source_date_changed(context: RuleContext) -> Iterator[Hit]:
    lang = _lang(context.article.source_lang)
    for pair in pairs(context):
        source_dates = {a.date for _, a in _amounts_of(pair.source, lang) if a.date is not None}
        if not source_dates:
            continue
        window_dates = {a.date for _, a in _amounts_of(pair.window, TARGET_LANG) if a.date is not None}
        for segment, amount in _amounts_of(pair.target, TARGET_LANG):
            if amount.date is None or amount.date in source_dates:
                continue
            day, month = amount.date
            start = segment.start + amount.start
            end = _month_end(context.text, segment.start + amount.end)
            written = context.text[start:end]
            wanted = [d for d, m in source_dates if m == month and (d, m) not in window_dates]
            if len(wanted) == 1:
                yield Hit(start, end, f"{wanted[0]}{written[len(str(day)) :]}")
                continue
            months = [m for d, m in source_dates if d == day and (d, m) not in window_dates]
            if not wanted and len(months) == 1:  # the same day of another month: the month was mistranslated
                right = f"{day}. {_german_month(months[0])}"
                yield Hit(
                    start, end, right, f"'{written}': the source has this day of another month: '{right}'"
                )


def _german_month(month: int) -> str:
    """The German name of a month, as the first German row of ``source_months.tsv`` writes it."""
    name = next(form for form, number in _language(TARGET_LANG).months.items() if number == month)
    return name.capitalize()


def _unit_of(text: str, amount: Amount, lang: str) -> tuple[UnitWord, int, int] | None:
    """The unit written right after an amount (or a currency symbol right before it), and its span."""
    match = _UNIT_AFTER.match(text, amount.end, min(len(text), amount.end + 40))
    if match is not None:
        word = match.group(1).lower().rstrip(".")
        for unit in _units(lang):
            if word == unit.word or (unit.is_prefix and word.startswith(unit.word)):
                return unit, match.start(1), match.start(1) + len(match.group(1).rstrip("."))
    before = text[amount.start - 1 : amount.start] if amount.start else ""
    if before:
        for unit in _units(lang):
            if before == unit.word:
                return unit, amount.start - 1, amount.start
    return None


def _month_end(text: str, day_end: int) -> int:
    after = day_end + 1 if text[day_end : day_end + 1] == "." else day_end
    match = _WORD_AFTER.match(text, after, min(len(text), after + 30))
    if match is None:
        return day_end
    return match.end(1) - match.group(1).endswith(".")  # a full stop after the month ends the sentence


@rule(
    "SRC011",
    "source-unit-changed",
    Severity.MAJOR,
    "'{match}' here, but the source gives this amount in another unit: '{suggestion}'",
    "Machine translation swaps currencies and units it sees often for ones it sees rarely (рублей -> "
    "Dollar, км -> Meilen) and keeps the number, so the sentence reads right and states something else.",
    examples=[
        bad(
            "Das Paket kostet 5 Millionen [[Dollar]].",
            fix="Rubel",
            source="Пакет стоит 5 млн рублей.",
            source_lang="ru",
        ),
        bad(
            "Die Front ist 100 [[Meilen]] lang.",
            fix="Kilometer",
            source="Фронт длиной 100 км.",
            source_lang="ru",
        ),
        good("Das Paket kostet 5 Millionen Rubel.", source="Пакет стоит 5 млн рублей.", source_lang="ru"),
        good("Der Kredit über 5 Millionen US-Dollar.", source="Кредит на $5 млн.", source_lang="ru"),
        good("Die Front ist 160 Kilometer lang.", source="The front is 100 miles long.", source_lang="en"),
        good("Es kostet 5 Millionen Dollar.", source=None),
    ],
)
def source_unit_changed(context: RuleContext) -> Iterator[Hit]:
    lang = _lang(context.article.source_lang)
    names = _german_units()
    for pair in pairs(context):
        if not pair.source or not pair.target:
            continue
        measured = [
            (amount.value, written[0])
            for segment in pair.source
            for amount in amounts(segment.text, lang)
            if (written := _unit_of(segment.text, amount, lang)) is not None
        ]
        if not measured:
            continue
        for segment in pair.target:
            for amount in amounts(segment.text, TARGET_LANG):
                found = _unit_of(segment.text, amount, TARGET_LANG)
                if found is None:
                    continue
                unit, start, end = found
                same = [
                    u for value, u in measured if u.dimension == unit.dimension and _same(value, amount.value)
                ]
                if same and all(u.unit != unit.unit for u in same):
                    wanted = names.get(same[0].unit)
                    yield Hit(segment.start + start, segment.start + end, wanted)


@rule(
    "SRC004",
    "untranslated-segment",
    Severity.CRITICAL,
    "This sentence is the source sentence itself, untranslated",
    "A segment copied from the source is a gap in the translation that spell checks of the German miss "
    "when the source is written in Latin letters.",
    examples=[
        bad(
            "[[The ministry did not comment on the report.]]",
            source="The ministry did not comment on the report.",
            source_lang="en",
        ),
        good(
            "Das Ministerium äußerte sich nicht.",
            source="The ministry did not comment on the report.",
            source_lang="en",
        ),
        good("Tesla Model Y", source="Tesla Model Y", source_lang="en"),
    ],
)
def untranslated_segment(context: RuleContext) -> Iterator[Hit]:
    for pair in pairs(context):
        span = pair.span
        if span is None or len(pair.target) != 1 or len(pair.source) != 1:
            continue
        target, source = pair.target[0].text, pair.source[0].text
        words = _LETTERS.findall(target)
        if len(words) < 4 or any(_is_cyrillic(c) for c in target):  # UNT001 reports Cyrillic text
            continue
        if _normalised(target) == _normalised(source):
            yield Hit(*span)


def _normalised(text: str) -> str:
    return " ".join(_LETTERS.findall(unicodedata.normalize("NFC", text).casefold()))


def _is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u04ff"


_LONG_SPEECH = "Министр выступил с длинной речью о бюджете, налогах и социальных выплатах на следующий год."


@rule(
    "SRC005",
    "length-mismatch",
    Severity.MAJOR,
    "This sentence is far shorter or longer than its source: part may be missing or added",
    "Omissions are the costliest machine-translation error and read fluently; a German sentence much "
    "shorter than its source is where they hide.",
    examples=[
        bad(
            "[[Der Minister sprach.]]",
            source=_LONG_SPEECH,
            source_lang="ru",
        ),
        good(
            "Der Minister hielt eine lange Rede über den Haushalt, die Steuern und die Sozialleistungen im "
            "kommenden Jahr.",
            source=_LONG_SPEECH,
            source_lang="ru",
        ),
    ],
)
def length_mismatch(context: RuleContext) -> Iterator[Hit]:
    bounds = _length_bounds()
    low, high = bounds.get(_lang(context.article.source_lang), bounds.get("*", (0.4, 3.0)))
    for pair in pairs(context):
        span = pair.span
        if span is None or not pair.source:
            continue
        source_length = sum(len(s.text) for s in pair.source)
        if source_length < MIN_LENGTH_CHECKED:
            continue
        ratio = sum(len(s.text) for s in pair.target) / source_length
        if ratio < low or ratio > high:
            yield Hit(*span)


@rule(
    "SRC006",
    "placeholder-mismatch",
    Severity.MAJOR,
    "Tag or placeholder '{match}' is not in the source",
    "Tags and placeholders carry formatting and variables back into the publishing system; one added, "
    "lost or altered breaks the page or the sentence.",
    examples=[
        bad("Hallo [[{nom}]], willkommen.", source="Привет, {name}, добро пожаловать.", source_lang="ru"),
        bad("[[Hallo, willkommen.]]", source="Привет, {name}, добро пожаловать.", source_lang="ru"),
        good(
            "Hallo {name}, <b>willkommen</b>.",
            source="Привет, {name}, <b>добро пожаловать</b>.",
            source_lang="ru",
        ),
    ],
)
def placeholder_mismatch(context: RuleContext) -> Iterator[Hit]:
    source_text = context.article.source
    if not source_text:
        return
    wanted: dict[str, int] = {}
    for match in _PLACEHOLDER.finditer(source_text):
        wanted[match.group()] = wanted.get(match.group(), 0) + 1
    seen: dict[str, int] = {}
    added: list[int] = []
    for match in _PLACEHOLDER.finditer(context.text):
        token = match.group()
        seen[token] = seen.get(token, 0) + 1
        if seen[token] > wanted.get(token, 0):
            added.append(match.start())
            yield Hit(match.start(), match.end())
    lost = {token for token, count in wanted.items() if seen.get(token, 0) < count}
    if not lost:
        return
    for pair in pairs(context):
        span = pair.span
        if span is None or any(span[0] <= offset < span[1] for offset in added):
            continue  # an altered placeholder is reported once, where it stands
        in_source = [t for s in pair.source for t in _PLACEHOLDER.findall(s.text) if t in lost]
        if in_source and not any(t in s.text for s in pair.window for t in in_source):
            yield Hit(*span, None, f"The source's '{in_source[0]}' is missing in this sentence")
            lost -= set(in_source)


_EXAMPLE_GLOSSARY = RuleOptions(glossary=(GlossaryTerm("переговоры", "Verhandlungen", "ru"),))


@rule(
    "SRC007",
    "glossary-term-not-used",
    Severity.MAJOR,
    "The glossary's term '{suggestion}' is missing in this sentence",
    "A client's or newsroom's termbase fixes how recurring terms are translated; a translation that "
    "ignores it reads inconsistently with everything else the client publishes.",
    examples=[
        bad(
            "[[Die Gespräche dauern an.]]",
            fix="Verhandlungen",
            source="Переговоры продолжаются.",
            source_lang="ru",
            options=_EXAMPLE_GLOSSARY,
        ),
        good(
            "Die Verhandlungen dauern an.",
            source="Переговоры продолжаются.",
            source_lang="ru",
            options=_EXAMPLE_GLOSSARY,
        ),
        good(
            "Die Gespräche dauern an.",
            source="Переговоры продолжаются.",
            source_lang="uk",
            options=_EXAMPLE_GLOSSARY,
        ),
    ],
)
def glossary_term_not_used(context: RuleContext) -> Iterator[Hit]:
    terms = _compiled(context.options.glossary)
    if not terms or not context.article.source:
        return
    lang = _lang(context.article.source_lang)
    for pair in pairs(context):
        span = pair.span
        if span is None or not pair.source:
            continue
        source = " ".join(s.text for s in pair.source)
        window = " ".join(s.text for s in pair.window)
        for term, source_pattern, german_pattern in terms:
            if term.source_lang and term.source_lang != lang:
                continue
            if source_pattern.search(source) and not german_pattern.search(window):
                yield Hit(
                    *span,
                    term.german,
                    f"The source says '{term.source}': the glossary's term '{term.german}' is missing here",
                )
                break


def _term_pattern(term: str, ending: int) -> re.Pattern[str]:
    words = [re.escape(word) + rf"\w{{0,{ending}}}" for word in term.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


@functools.lru_cache(maxsize=8)
def _compiled(
    glossary: tuple[GlossaryTerm, ...],
) -> tuple[tuple[GlossaryTerm, re.Pattern[str], re.Pattern[str]], ...]:
    return tuple((t, _term_pattern(t.source, 4), _term_pattern(t.german, 3)) for t in glossary)


# --- names ---------------------------------------------------------------------------------------------

MAX_NAMES = 40
"""Source names compared per aligned pair, and German words (``2 * MAX_NAMES``): a bound on any input."""
_CYRILLIC_NAME = re.compile(r"(?<![\w'’ʼ])[А-ЯЁІЇЄҐЎ][а-яёіїєґў'’ʼ]{2,29}(?![\w'’ʼ])")
"""A capitalised Cyrillic word: Russian and Ukrainian capitalise names and little else."""
_LATIN_NAME = re.compile(r"(?<![\w'’])[A-Z][a-z]{2,39}(?![\w'’])")
"""A capitalised word in plain Latin letters: English-style romanisation writes nothing else."""
_FIRST_LETTER = re.compile(r"[^\W\d_]")
_UKRAINIAN_LETTERS = frozenset("іїєґІЇЄҐ")


@dataclass(frozen=True)
class _NameHit:
    code: str
    hit: Hit


def _name_hits(context: RuleContext, code: str) -> Iterator[Hit]:
    for found in context.memoised("source-names", lambda: _source_names(context)):
        if found.code == code:
            yield found.hit


def _source_names(context: RuleContext) -> tuple[_NameHit, ...]:
    """Each German word that spells a name of its source sentence, checked against German transcription.

    A Cyrillic name spelled with English-style letters is SRC008; one spelled faithfully that sounds
    like a listed Western name (Байден -> "Baiden") is SRC009; a near miss of the listed German
    spelling of that name (Schmygal for Schmyhal) is SRC010. From an English source, a copied name
    whose rule-built German spelling NAM003 keeps back for want of context is SRC008: the source is
    that context. Words the name lists know, and words a NAM rule reports, are left to NAM.
    """
    if not context.article.source:
        return ()
    options = context.options
    lex = lexicon(options.names, options.allow)
    reported = reported_starts(context.text, options.names, options.allow)
    found: dict[int, _NameHit] = {}
    for pair in pairs(context):
        if not pair.source or not pair.window:
            continue
        lang = _name_language(context.article.source_lang, pair.source)
        words = _german_words(pair.window, lex, reported, found)
        if not words:
            continue
        if lang in cyrillic.LANGUAGES:
            candidates = _cyrillic_names(pair.source, lang)
            for start, end, word in words:
                judged = _judge(word, candidates, lang, lex) or _off_list(word, candidates, lang, lex)
                if judged is not None:
                    found[start] = _NameHit(judged[0], Hit(start, end, judged[1], judged[2]))
        elif lang == "en":  # English-style romanisation is what an English source copies over
            copied = {m.group() for s in pair.source for m in _LATIN_NAME.finditer(s.text)}
            for start, end, word in words:
                guess = lex.context_guess(word) if word in copied else None
                if guess is not None:
                    message = (
                        f"“{word}” is the source's English-style spelling, copied; German transcription: "
                        f"“{guess}”"
                    )
                    found[start] = _NameHit("SRC008", Hit(start, end, guess, message))
    return tuple(found[start] for start in sorted(found))


def _name_language(declared: str | None, source: Sequence[Segment]) -> str:
    """The source language for its names: as declared, else read from the letters (і, ї, є, ґ: Ukrainian)."""
    lang = _lang(declared)
    if lang:
        return lang
    text = " ".join(s.text for s in source)
    if any(_is_cyrillic(c) for c in text):
        return "uk" if any(c in _UKRAINIAN_LETTERS for c in text) else "ru"
    return "en"


def _german_words(
    window: Sequence[Segment], lex: Lexicon, reported: frozenset[int], found: dict[int, _NameHit]
) -> list[tuple[int, int, str]]:
    """Capitalised words of the German that no list knows and no NAM rule reports: possible names."""
    words = []
    for segment in window:
        for match in _LATIN_NAME.finditer(segment.text):
            start = segment.start + match.start()
            if start in reported or start in found or not lex.is_unlisted(match.group()):
                continue
            words.append((start, segment.start + match.end(), match.group()))
            if len(words) >= 2 * MAX_NAMES:
                return words
    return words


def _cyrillic_names(source: Sequence[Segment], lang: str) -> tuple[str, ...]:
    """The source's names as lowercase dictionary forms, the inflected and shortened forms after them.

    A sentence's first word is a name only if the morphology says so; organisations are left out,
    since brands keep their own Latin spelling (Яндекс -> Yandex).
    """
    forms: list[str] = []
    looked_at = 0
    for segment in source:
        lead = _FIRST_LETTER.search(segment.text)
        for match in _CYRILLIC_NAME.finditer(segment.text):
            looked_at += 1
            if looked_at > MAX_NAMES * 4:
                return tuple(forms)
            word = match.group()
            if word.isupper() or cyrillic.is_organisation(word, lang):
                continue
            first = lead is not None and lead.start() == match.start()
            if first and not cyrillic.is_name(word, lang):
                continue
            lower = word.lower()
            shortened = [lower[:-cut] for cut in (1, 2) if len(lower) - cut >= 3]
            for form in (*cyrillic.nominatives(word, lang), *shortened):
                if form not in forms:
                    forms.append(form)
            if len(forms) >= MAX_NAMES * 4:
                return tuple(forms)
    return tuple(forms)


def _judge(word: str, candidates: Sequence[str], lang: str, lex: Lexicon) -> tuple[str, str, str] | None:
    """(code, suggestion, message) when the German ``word`` spells one of the source names wrongly."""
    best: tuple[cyrillic.Spelling, str, str] | None = None
    for stem, suffix in genitive_stems(word):
        for name in candidates:
            spelling = cyrillic.spell(stem.lower(), name, lang)
            if spelling is None:
                continue
            if best is None or (spelling.weak + spelling.strong, spelling.strong) < (
                best[0].weak + best[0].strong,
                best[0].strong,
            ):
                best = (spelling, name, suffix)
    if best is None:
        return None
    spelling, name, suffix = best
    if not spelling.english:
        western = lex.western_sound_alike(word)
        if western is None:
            return None
        message = (
            f"“{word}” spells the source's Cyrillic “{name.capitalize()}” back; the person is “{western}”"
        )
        return "SRC009", western, message
    if not spelling.strong and not lex.has_strong_ending(word):
        return None
    german = spelling.german[:1].upper() + spelling.german[1:] + suffix
    if german == word:
        return None
    message = (
        f"“{word}” spells the source's “{name.capitalize()}” by English rules; "
        f"German transcription: “{german}”"
    )
    return "SRC008", german, message


def _off_list(word: str, candidates: Sequence[str], lang: str, lex: Lexicon) -> tuple[str, str, str] | None:
    """SRC010 when ``word`` is a near miss of a listed name that spells the same source name.

    "Schmygal" for Шмыгаль is a faithful Russian-based transcription; German news writes the listed
    Schmyhal, which spells Шмыгаль too (by Ukrainian rules). A word that faithfully spells another form
    of the name (Medwedewa, the woman, beside the listed Medwedew) is left alone.
    """
    for stem, suffix in reversed(list(genitive_stems(word))):  # "Medwedjews" is Medwedew's, not a near miss
        lower = stem.lower()
        faithful = {
            n for n in candidates if (s := cyrillic.spell(lower, n, lang)) is not None and not s.english
        }
        for listed in lex.listed_near(stem):
            form = next((n for n in candidates if cyrillic.spells_in_any_language(listed.lower(), n)), None)
            if form is None or (faithful and form not in faithful):
                continue
            message = (
                f"“{word}” renders the source's “{form.capitalize()}”, a name German news writes "
                f"“{listed + suffix}”"
            )
            return "SRC010", listed + suffix, message
    return None


_WHY_SOURCE_NAMES = (
    "German news transcribes Russian, Ukrainian and Belarusian names by German sound rules; with the "
    "source beside the German, the name the word stands for is known, so its English-style letters show "
    "even where the name is in no list and has no Slavic ending."
)


@rule(
    "SRC008",
    "source-name-english-style",
    Severity.MINOR,
    "“{match}” spells a name of the source by English rules; German transcription: “{suggestion}”",
    _WHY_SOURCE_NAMES + " The suggestion follows the Duden transcription of the source's spelling.",
    examples=[
        bad(
            "Die Lager bei [[Kholmogory]] brannten die ganze Nacht.",
            fix="Cholmogory",
            source="Склады в Холмогорах горели всю ночь.",
            source_lang="ru",
        ),
        bad(
            "Der Unternehmer [[Yegor]] sprach zuerst.",
            fix="Jegor",
            source="Первым выступил предприниматель Егор.",
            source_lang="ru",
        ),
        bad(
            "Die Brücke bei [[Yasynuvata]] ist gesperrt.",
            fix="Jassynuwata",
            source="Міст біля Ясинуватої закритий.",
            source_lang="uk",
        ),
        good(
            "Die Lager bei Cholmogory brannten die ganze Nacht.",
            source="Склады в Холмогорах горели всю ночь.",
            source_lang="ru",
        ),
        good(
            "Kevin und Oliver kamen aus Davos.", source="Кевин и Оливер приехали из Давоса.", source_lang="ru"
        ),
        good("Yandex und Tsipras.", source="Яндекс и Ципрас.", source_lang="ru"),
        good("Die Lager bei Kholmogory brannten.", source=None),
    ],
)
def source_name_english_style(context: RuleContext) -> Iterator[Hit]:
    yield from _name_hits(context, "SRC008")


@rule(
    "SRC009",
    "source-name-retransliterated",
    Severity.MAJOR,
    "“{match}” spells the source's Cyrillic form of the name “{suggestion}” back into Latin letters",
    "Russian and Ukrainian write Western names as they sound (Байден); a translation that transliterates "
    "that spelling back gets a name that sounds right and is wrong. With the source beside the German, "
    "the word is known to be that name even without a title or given name before it.",
    examples=[
        bad(
            "[[Baiden]] sagte, die Hilfe gehe weiter.",
            fix="Biden",
            source="Байден заявил, что помощь продолжится.",
            source_lang="ru",
        ),
        good(
            "Biden sagte, die Hilfe gehe weiter.",
            source="Байден заявил, что помощь продолжится.",
            source_lang="ru",
        ),
        good("Beiden Seiten liegt viel daran.", source="Обеим сторонам это важно.", source_lang="ru"),
    ],
)
def source_name_retransliterated(context: RuleContext) -> Iterator[Hit]:
    yield from _name_hits(context, "SRC009")


@rule(
    "SRC010",
    "source-name-off-the-list",
    Severity.MAJOR,
    "“{match}” renders a name of the source that German news writes “{suggestion}”",
    "German agencies agree on one spelling for the people and places in the news (Schmyhal, Nawalny, "
    "Syrskyj); a translation that transcribes the source letter by letter, or by the rules of the "
    "wrong language, gets a spelling no German reader has seen. With the source beside the German, the "
    "listed name the word stands for is known, so a near miss of it is reported even where it is no "
    "misspelling by the letters alone.",
    examples=[
        bad(
            "Regierungschef [[Schmygal]] trat zurück.",
            fix="Schmyhal",
            source="Премьер-министр Шмыгаль ушёл в отставку.",
            source_lang="ru",
        ),
        bad(
            "Die Witwe von [[Nawalnij]] sprach in München.",
            fix="Nawalny",
            source="Вдова Навального выступила в Мюнхене.",
            source_lang="ru",
        ),
        good(
            "Regierungschef Schmyhal trat zurück.",
            source="Премьер-министр Шмыгаль ушёл в отставку.",
            source_lang="ru",
        ),
        good("Die Ärztin Medwedewa kam.", source="Пришла врач Медведева.", source_lang="ru"),
        good("Regierungschef Schmygal trat zurück.", source=None),
    ],
)
def source_name_off_the_list(context: RuleContext) -> Iterator[Hit]:
    yield from _name_hits(context, "SRC010")
