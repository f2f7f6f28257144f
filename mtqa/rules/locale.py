"""Number and date formats (LOC): English conventions that machine translation copies into German.

"3.5 Millionen" reads as a date or a thousands figure to a German reader, "1,250 Gebäude" as one and a
quarter buildings: the number changes its meaning. Every check errs on the side of silence: a decimal
point is flagged only before a unit (references/number_units.tsv), because "3.5." is a German date and
"14.30 Uhr" a German time, and a three-digit group after a point is always taken for German thousands.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from mtqa.errors import ReferenceDataError
from mtqa.model import Severity
from mtqa.references import load_table
from mtqa.rules.registry import Hit, RuleContext, bad, good, rule

_ENGLISH_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_ENGLISH_DECIMAL = re.compile(r"\d+\.(?:\d{1,2}|\d{4,})")
_TO_GERMAN = str.maketrans({",": ".", ".": ","})
_SPACE = r"[ \u00a0]"
_NUMBER_CHARACTERS = frozenset("0123456789.,")

# Speed: the regex engine scans fast only for a literal first character, so each check finds its
# separator ("." or "," between digits, "/", a currency symbol, a month name) first and then matches
# the full pattern where the number begins.
_DOT_BETWEEN_DIGITS = re.compile(r"\.(?<=\d\.)(?=\d)")
_COMMA_BEFORE_GROUP = re.compile(r",(?<=\d,)(?=\d{3}(?!\d))")
_SLASH_BETWEEN_DIGITS = re.compile(r"/(?<=\d/)(?=\d)")
_SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
_DAY_AFTER_MONTH = re.compile(
    rf"{_SPACE}+(?P<day>\d{{1,2}})(?P<suffix>st|nd|rd|th)?(?:,{_SPACE}*(?P<year>\d{{4}})(?!\d))?(?!\w)"
)
_DAY_BEFORE_MONTH = re.compile(rf"(?<!\d)(?P<day>\d{{1,2}})(?:st|nd|rd|th){_SPACE}+(?:of{_SPACE}+)?\Z")
_DAY_BEFORE_MONTH_WINDOW = 16


@dataclass(frozen=True)
class NumberPatterns:
    """The compiled patterns of this family, built once from the unit, currency and month lists."""

    english_decimal: re.Pattern[str]
    english_thousands: re.Pattern[str]
    currency_amount: re.Pattern[str]
    currencies: dict[str, str]
    month_name: re.Pattern[str]
    months: dict[str, str]


def _unit_pattern(unit: str, match: str) -> str:
    escaped = re.escape(unit)
    return escaped + r"\w*" if match == "prefix" else escaped + r"(?!\w)"


def _alternation(patterns: list[str]) -> str:
    return "(?:" + "|".join(sorted(patterns, key=len, reverse=True)) + ")"


@functools.lru_cache(maxsize=1)
def number_patterns() -> NumberPatterns:
    units = list(load_table("number_units").records())
    unit_alternation = _alternation([_unit_pattern(u["unit"], u["match"]) for u in units])
    symbol_alternation = _alternation(
        [_unit_pattern(u["unit"], "exact") for u in units if u["match"] == "exact"]
    )
    scale_alternation = _alternation([_unit_pattern(u["unit"], u["match"]) for u in units if u["scale"]])
    currencies = {u["unit"]: u["currency"] for u in units if u["currency"]}
    marks = re.escape("".join(sorted({symbol[-1] for symbol in currencies})))
    not_after_currency = rf"(?<![{marks}])(?<![{marks}]{_SPACE})"
    number_end = r"(?!\d)(?![.,]\d)(?!\w)"

    english_decimal = re.compile(
        rf"{not_after_currency}(?<![\w.,])"
        rf"(?:\d{{1,3}}(?:,\d{{3}})+\.\d+|\d+\.(?:\d{{1,2}}|\d{{4,}}))"
        rf"{number_end}(?={_SPACE}?{unit_alternation})"
    )
    english_thousands = re.compile(
        rf"{not_after_currency}(?<![\w.,])"
        rf"[1-9]\d{{0,2}}(?:,\d{{3}})+"
        rf"{number_end}(?={_SPACE}(?:[A-ZÄÖÜ]|{symbol_alternation}))"
    )
    currency_amount = re.compile(rf"{_SPACE}?(\d+(?:[.,]\d+)*)(?!\d)(?:{_SPACE}+({scale_alternation}))?")

    months: dict[str, str] = {}
    for row in load_table("months").records():
        months[row["german"]] = row["german"]
        months[row["english"]] = row["german"]
    month_name = re.compile(_alternation([re.escape(name) for name in months]))
    return NumberPatterns(english_decimal, english_thousands, currency_amount, currencies, month_name, months)


def german_number(number: str) -> str:
    """``number`` as German writes it: English grouping commas and decimal points swapped."""
    if _ENGLISH_GROUPED.fullmatch(number):
        return number.translate(_TO_GERMAN)
    if _ENGLISH_DECIMAL.fullmatch(number):
        return number.replace(".", ",")
    return number


def _numbers_at(text: str, separators: re.Pattern[str], number: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """Matches of ``number`` that begin where the number around each separator begins.

    Linear on any input: the walk back to a number's first character stops at the previous separator
    of the same run of digits and separators ("1.1.1.1…"), whose start is already known, and a number
    is matched once per start, not once per separator in it.
    """
    last_end = -1
    previous_separator = -1
    previous_begin = -1
    tried_begin = -1
    for separator in separators.finditer(text):
        at = separator.start()
        if at < last_end:
            continue
        begin = at
        while begin > 0 and begin > previous_separator and text[begin - 1] in _NUMBER_CHARACTERS:
            begin -= 1
        if begin == previous_separator and begin >= 0:
            begin = previous_begin
        previous_separator, previous_begin = at, begin
        while not text[begin].isdigit():
            begin += 1
        if begin == tried_begin:
            continue
        tried_begin = begin
        match = number.match(text, begin)
        if match is not None:
            last_end = match.end()
            yield match


@rule(
    "LOC001",
    "english-decimal-point",
    Severity.MAJOR,
    "English decimal point in '{match}': German writes '{suggestion}'",
    "German uses the decimal comma; '3.5 Millionen' reads as a date or as thousands to a German reader, "
    "so the figure itself is wrong, not just its style.",
    [
        bad("Die Ukraine erhält [[3.5]] Millionen Dollar.", fix="3,5"),
        bad("Die Inflation stieg um [[0.5]] Prozent.", fix="0,5"),
        bad("Das Ziel von [[1.5]] Grad ist kaum zu halten.", fix="1,5"),
        bad("Der Kurs fiel um [[2.75]]% am Montag.", fix="2,75"),
        bad("Die Schulden betragen [[1,234.5]] Milliarden Rubel.", fix="1.234,5"),
        good("Die Inflation stieg um 3,5 Prozent."),
        good("Am 3.5. trafen sich die Minister."),
        good("Das Treffen beginnt um 14.30 Uhr."),
        good("Es kamen 1.250 Menschen, es kostete 12.000 Euro."),
        good("Version 17.4 behebt den Fehler, siehe Nr. 1.2 der Liste."),
        good("Die Ukraine erhält $3.5 Millionen."),
    ],
)
def english_decimal_point(context: RuleContext) -> Iterator[Hit]:
    for match in _numbers_at(context.text, _DOT_BETWEEN_DIGITS, number_patterns().english_decimal):
        yield Hit(match.start(), match.end(), german_number(match.group()))


@rule(
    "LOC002",
    "english-thousands-separator",
    Severity.MAJOR,
    "English thousands separator in '{match}': German writes '{suggestion}'",
    "In German the comma is the decimal mark: '1,250 Gebäude' reads as one and a quarter buildings. "
    "German groups thousands with a point (or a thin space).",
    [
        bad("Dabei wurden [[1,250]] Gebäude zerstört.", fix="1.250"),
        bad("Mehr als [[12,000]] Menschen flohen.", fix="12.000"),
        bad("Die Front ist [[1,200]] km lang.", fix="1.200"),
        bad("Das Land hat [[2,500,000]] Einwohner.", fix="2.500.000"),
        good("Dabei wurden 1.250 Gebäude zerstört."),
        good("Die Mauer ist 1,25 Meter hoch."),
        good("Eine Flasche enthält 0,250 Liter."),
        good("Es waren 3,500 oder 4,000 – niemand weiß es genau."),
        good("Die Zahlen 1,250, 1,500 und 2,000 nannte er nicht."),
    ],
)
def english_thousands_separator(context: RuleContext) -> Iterator[Hit]:
    for match in _numbers_at(context.text, _COMMA_BEFORE_GROUP, number_patterns().english_thousands):
        yield Hit(match.start(), match.end(), match.group().replace(",", "."))


@rule(
    "LOC003",
    "english-date-order",
    Severity.MAJOR,
    "Date in English order: German writes '{suggestion}'",
    "German dates put the day first, as an ordinal ('4. April 2025'); 'April 4, 2025' is untranslated "
    "English order and looks careless in a German article.",
    [
        bad("Das Treffen fand am [[April 4, 2025]] statt.", fix="4. April 2025"),
        bad("Das Treffen fand am [[March 4, 2025]] statt.", fix="4. März 2025"),
        bad("Das Treffen ist am [[4th April]] geplant.", fix="4. April"),
        bad("Das Treffen ist am [[April 4th]] geplant.", fix="4. April"),
        good("Das Treffen fand am Freitag, dem 4. April 2025, statt."),
        good("Im April 2025 trafen sich die Minister."),
        good("Im April 12 Menschen, im Mai 30 Menschen."),
        good("Am 4.4.2025 um 14.30 Uhr."),
    ],
)
def english_date_order(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    patterns = number_patterns()
    for month in patterns.month_name.finditer(text):
        start, end = month.span()
        if (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
            continue
        german = patterns.months[month.group()]
        after = _DAY_AFTER_MONTH.match(text, end)
        if after is not None and (after.group("suffix") or after.group("year")):
            year = after.group("year")
            suggestion = f"{int(after.group('day'))}. {german}" + (f" {year}" if year else "")
            yield Hit(start, after.end(), suggestion)
            continue
        before = _DAY_BEFORE_MONTH.search(text, max(0, start - _DAY_BEFORE_MONTH_WINDOW), start)
        if before is not None:
            yield Hit(before.start(), end, f"{int(before.group('day'))}. {german}")


_MONTHS_PER_YEAR = 12
_LONGEST_MONTH = 31


@rule(
    "LOC004",
    "slash-date",
    Severity.MAJOR,
    "Date written with slashes: German writes day.month.year",
    "'04/05/2025' is 4 May to a British reader and 5 April to an American one; German dates use points "
    "and put the day first. When the order cannot be told, no suggestion is made.",
    [
        bad("Das Dekret vom [[04/04/2025]] gilt.", fix="04.04.2025"),
        bad("Das Dekret vom [[25/03/2025]] gilt.", fix="25.03.2025"),
        bad("Das Dekret vom [[3/25/2025]] gilt.", fix="25.3.2025"),
        bad("Das Dekret vom [[04/05/2025]] gilt."),
        good("Das Dekret vom 04.04.2025 gilt."),
        good("In der Saison 2024/25 und rund um die Uhr, 24/7."),
        good("Die Akte 12/3/2025/7 liegt vor."),
    ],
)
def slash_date(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    if "/" not in text:
        return
    for match in _numbers_at(text, _SLASH_BETWEEN_DIGITS, _SLASH_DATE):
        if match.start() > 0 and text[match.start() - 1] in "/.":
            continue
        first, second, year = match.groups()
        first_number, second_number = int(first), int(second)
        low, high = sorted((first_number, second_number))
        if low < 1 or low > _MONTHS_PER_YEAR or high > _LONGEST_MONTH:
            continue
        suggestion: str | None = None
        if second_number > _MONTHS_PER_YEAR:
            suggestion = f"{second}.{first}.{year}"
        elif first_number > _MONTHS_PER_YEAR or first == second:
            suggestion = f"{first}.{second}.{year}"
        yield Hit(match.start(), match.end(), suggestion)


@rule(
    "LOC005",
    "currency-symbol-first",
    Severity.MAJOR,
    "Currency symbol before the amount: German writes '{suggestion}'",
    "German news writes the currency as a word after the amount ('5 Millionen Dollar'); '$5 Millionen' "
    "is English order and its number format is usually English too.",
    [
        bad("Die USA zahlen [[$5 Millionen]] an Kiew.", fix="5 Millionen Dollar"),
        bad("Das kostet [[€20]] pro Monat.", fix="20 Euro"),
        bad("Die Hilfe beträgt [[$3.5 Milliarden]].", fix="3,5 Milliarden Dollar"),
        bad("Ein Fass kostet [[US$ 80.25]].", fix="80,25 US-Dollar"),
        bad("Schäden von [[$1,250,000]] meldete die Firma.", fix="1.250.000 Dollar"),
        good("Die USA zahlen 5 Millionen Dollar an Kiew."),
        good("Das kostet 20 € pro Monat."),
        good("Die Variable $HOME und die Note A$ sind keine Beträge."),
    ],
)
def currency_symbol_first(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    patterns = number_patterns()
    hits: list[Hit] = []
    for symbol, currency in patterns.currencies.items():
        at = text.find(symbol)
        while at >= 0:
            amount = patterns.currency_amount.match(text, at + len(symbol))
            if amount is not None and not (at > 0 and text[at - 1].isalnum()):
                number, scale = amount.groups()
                words = [german_number(number), scale, currency]
                hits.append(Hit(at, amount.end(), " ".join(w for w in words if w)))
            at = text.find(symbol, at + 1)
    yield from sorted(hits, key=lambda hit: hit.start)


# --- month abbreviations (LOC006) ------------------------------------------------------------------


_DAY_DOT = re.compile(rf"\.(?<=\d\.){_SPACE}(?=[A-Z])")
"""A full stop after a digit and before a capital: where "14. Saint" can begin (a literal first)."""
_SENTENCE_AFTER = re.compile(rf"\Z|\n|{_SPACE}+[A-ZÄÖÜ„»«]")
"""After the abbreviation's full stop: the stop also ends the sentence, and stays."""


@dataclass(frozen=True)
class MonthAbbreviation:
    wrong: str
    dot_required: bool
    german: str


@functools.lru_cache(maxsize=1)
def month_abbreviations() -> tuple[re.Pattern[str], dict[str, MonthAbbreviation]]:
    """The pattern "day. abbreviation" over ``references/month_abbreviations.tsv``, and its rows."""
    table = load_table("month_abbreviations")
    rows: dict[str, MonthAbbreviation] = {}
    for record, origin in zip(table.records(), table.origins, strict=True):
        wrong, dot = record["wrong"], record["dot"]
        if not wrong.isalpha() or dot not in ("required", "optional") or not record["german"]:
            raise ReferenceDataError(f"{origin}: expected letters, required|optional and a German month")
        rows[wrong] = MonthAbbreviation(wrong, dot == "required", record["german"])
    names = "|".join(sorted(map(re.escape, rows), key=len, reverse=True))
    pattern = re.compile(rf"(?P<month>{names})(?P<dot>\.)?(?![\w-])(?!{_SPACE}[A-ZÄÖÜ][a-zäöü])")
    return pattern, rows


@rule(
    "LOC006",
    "mistranslated-month-abbreviation",
    Severity.MAJOR,
    "'{match}' after a day is no German month: write '{suggestion}'",
    "Russian dates abbreviate the month (14 сен.); machine translation reads the abbreviation as a word "
    '("14. Saint") or keeps an English one ("3. Oct."), and the reader loses the date.',
    [
        bad("Die Sitzung fand am 14. [[Saint]] statt.", fix="September"),
        bad("Die Sitzung fand am 14. [[Sen.]] 2025 statt.", fix="September"),
        bad("Der Vertrag vom 3. [[Oct.]] gilt weiter.", fix="Oktober"),
        good("Die Sitzung fand am 14. Sept. statt; am 3. Okt. und am 1. Dez. ebenfalls."),
        good("Am 14. Saint-Tropez-Festival und beim 3. Saint Laurent-Preis; Theresa May sprach."),
    ],
)
def mistranslated_month_abbreviation(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    if "." not in text:
        return
    pattern, rows = month_abbreviations()
    for day in _DAY_DOT.finditer(text):
        digits = day.start()
        while digits > day.start() - 3 and digits > 0 and text[digits - 1].isdigit():
            digits -= 1
        if digits > 0 and (text[digits - 1] in ".," or text[digits - 1].isdigit()):
            continue
        if day.start() - digits > 2 or not 1 <= int(text[digits : day.start()]) <= _LONGEST_MONTH:
            continue
        match = pattern.match(text, day.end())
        if match is None:
            continue
        row = rows[match.group("month")]
        if row.dot_required and not match.group("dot"):
            continue
        end = match.end()
        if match.group("dot") and _SENTENCE_AFTER.match(text, end):
            end -= 1
        yield Hit(match.start("month"), end, row.german)
