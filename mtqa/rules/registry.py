"""The ``@rule`` decorator, the rule table, and selection by code prefix.

A rule is declared once, with everything a user or a test needs to know about it: code, name,
severity, message, why, and examples. The check function only finds spans; this module turns them
into ``Finding``s, so every rule reports the same way.
"""

from __future__ import annotations

import bisect
import functools
import importlib
import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar, cast

from mtqa.glossary import GlossaryTerm
from mtqa.model import Article, Finding, Segment, Severity
from mtqa.segment import Paragraph, paragraphs, sentences

FAMILY_MODULES = (
    "typography",
    "names",
    "lexical",
    "consistency",
    "agreement",
    "boilerplate",
    "untranslated",
    "locale",
    "source",
    "syntax",
    "backtranslation",
)
"""Modules under ``mtqa.rules`` that declare rules, one per family (BTR findings come from scores)."""

FAMILIES = {
    "TYP": "typography, spacing, quotes",
    "NAM": "names, transliteration",
    "LEX": "calques, wrong word sense",
    "CON": "inconsistency within an article",
    "GRM": "agreement",
    "SYN": "word order",
    "BPL": "site boilerplate",
    "UNT": "untranslated text",
    "LOC": "number and date formats",
    "SRC": "differences from the source text",
    "BTR": "back-translation scores",
}

_T = TypeVar("_T")
_CODE = re.compile(r"[A-Z]{3}\d{3}\Z")
_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")
_MARKED = re.compile(r"\[\[(.+?)\]\]")


@dataclass(frozen=True)
class Example:
    """A bad example marks its one expected span with ``[[...]]`` and states the fix for that span."""

    text: str
    fix: str | None = None
    is_bad: bool = True
    source: str | None = None
    """The source text the example's German was translated from (for source-aware rules)."""
    source_lang: str | None = None
    options: RuleOptions | None = None
    """Options the example needs (e.g. a glossary); ``None`` = the defaults."""

    @property
    def plain(self) -> str:
        return _MARKED.sub(r"\1", self.text)

    @property
    def span(self) -> tuple[int, int]:
        match = _MARKED.search(self.text)
        if match is None:
            raise ValueError(f"bad example without a [[marked]] span: {self.text!r}")
        start = match.start()
        return start, start + len(match.group(1))

    @property
    def corrected(self) -> str | None:
        if self.fix is None:
            return None
        start, end = self.span
        plain = self.plain
        return plain[:start] + self.fix + plain[end:]


def bad(
    text: str,
    fix: str | None = None,
    *,
    source: str | None = None,
    source_lang: str | None = None,
    options: RuleOptions | None = None,
) -> Example:
    return Example(text, fix, True, source, source_lang, options)


def good(
    text: str,
    *,
    source: str | None = None,
    source_lang: str | None = None,
    options: RuleOptions | None = None,
) -> Example:
    return Example(text, None, False, source, source_lang, options)


@dataclass(frozen=True)
class RuleOptions:
    """The settings rules read: expected quote style and the user's own lists that extend ours."""

    quotes: str = ""
    """A house style's one quotation style („“, »« or «»); empty = every style ``locale`` accepts."""
    locale: str = ""
    """de-DE, de-AT or de-CH: which German quotation styles are accepted and suggested; empty = all."""
    names: tuple[str, ...] = ()
    calques: tuple[str, ...] = ()
    boilerplate: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    """Words and phrases never flagged (house style, brand names)."""
    glossary: tuple[GlossaryTerm, ...] = ()
    """Terms a translation must use where their source term occurs (read when the settings load)."""


@dataclass(frozen=True)
class RuleContext:
    """What a check sees: the article, its segmentation and the options.

    Paragraphs and sentences are computed on first use and then shared by every rule, so a run whose
    rules never ask for them never segments.
    """

    article: Article
    options: RuleOptions = field(default_factory=RuleOptions)
    memo: dict[Hashable, object] = field(default_factory=dict, compare=False, repr=False)
    """What several rules need about this article (sentence tags), computed once: see ``memoised``."""

    @property
    def text(self) -> str:
        return self.article.text

    def memoised(self, key: Hashable, compute: Callable[[], _T]) -> _T:
        """``compute()`` the first time ``key`` is asked for on this article, the stored value after that."""
        if key not in self.memo:
            self.memo[key] = compute()
        return cast(_T, self.memo[key])

    @functools.cached_property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(paragraphs(self.article.text))

    @functools.cached_property
    def segments(self) -> tuple[Segment, ...]:
        return tuple(sentences(self.article.text))

    @classmethod
    def of(cls, article: Article, options: RuleOptions | None = None) -> RuleContext:
        """The context of ``article``; every rule then shares the same paragraphs and sentences."""
        return cls(article, options or RuleOptions())


@dataclass(frozen=True)
class Hit:
    """A span a check found; ``message`` overrides the rule's one-line message when it says more."""

    start: int
    end: int
    suggestion: str | None = None
    message: str | None = None


Check = Callable[[RuleContext], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    message: str
    why: str
    examples: tuple[Example, ...]
    check: Check
    safe: bool = False
    """Whether the suggestion is mechanical and always right, so ``mtqa fix`` may apply it unreviewed."""

    @property
    def family(self) -> str:
        return self.code[:3]

    @property
    def summary(self) -> str:
        """The message with its placeholders shown as "…", for rule listings."""
        return self.message.replace("{match}", "…").replace("{suggestion}", "…")

    def run(self, context: RuleContext) -> list[Finding]:
        text = context.text
        units = context.article.units
        findings = [
            self.finding(hit.start, hit.end, text[hit.start : hit.end], hit.suggestion, hit.message)
            for hit in self.check(context)
        ]
        if units:
            starts = [unit.start for unit in units]
            findings = [
                replace(f, unit=units[index].id)
                if (index := bisect.bisect_right(starts, f.start) - 1) >= 0
                else f
                for f in findings
            ]
        return findings

    def finding(
        self,
        start: int,
        end: int,
        match: str,
        suggestion: str | None = None,
        message: str | None = None,
    ) -> Finding:
        """A finding of this rule; ``{match}`` and ``{suggestion}`` in the message are filled in."""
        text = (message or self.message).replace("{match}", match)
        if suggestion is not None:
            text = text.replace("{suggestion}", suggestion)
        return Finding(
            code=self.code,
            rule=self.name,
            severity=self.severity,
            start=start,
            end=end,
            match=match,
            message=text,
            why=self.why,
            suggestion=suggestion,
        )


_RULES: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    severity: Severity,
    message: str,
    why: str,
    examples: Sequence[Example],
    safe: bool = False,
) -> Callable[[Check], Check]:
    """Declare a rule; the decorated function yields ``Hit``s for one article.

    ``safe=True`` declares the rule's suggestions mechanical and always right (spacing, quote marks, a
    listed spelling, deleting listed page chrome): only those are applied by ``mtqa fix``. A rule whose
    suggestion is a guess or needs an editor's judgement keeps the default.
    """
    if not _CODE.match(code):
        raise ValueError(f"rule code {code!r} is not a family prefix and three digits")
    if code[:3] not in FAMILIES:
        raise ValueError(f"rule code {code!r} has an unknown family")
    if not _NAME.match(name):
        raise ValueError(f"rule name {name!r} is not kebab-case")

    def register(check: Check) -> Check:
        existing = _RULES.get(code)
        if existing is not None and existing.check.__qualname__ != check.__qualname__:
            raise ValueError(f"rule code {code} declared twice ({existing.name}, {name})")
        _RULES[code] = Rule(code, name, severity, message, why, tuple(examples), check, safe)
        return check

    return register


def all_rules() -> list[Rule]:
    """Every declared rule, sorted by code (importing the family modules declares them)."""
    for module in FAMILY_MODULES:
        importlib.import_module(f"mtqa.rules.{module}")
    return [_RULES[code] for code in sorted(_RULES)]


def get_rule(code: str) -> Rule | None:
    return {r.code: r for r in all_rules()}.get(code.upper())


def is_selected(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    """Whether ``code`` is enabled: the longest matching prefix of ``select``/``ignore`` wins.

    An empty ``select`` selects everything; on a tie, ``ignore`` wins.
    """
    best_select = max((len(p) for p in select if code.startswith(p)), default=-1 if select else 0)
    best_ignore = max((len(p) for p in ignore if code.startswith(p)), default=-1)
    return best_select >= 0 and best_select > best_ignore


def select_rules(select: Sequence[str] = (), ignore: Sequence[str] = ()) -> list[Rule]:
    select = [p.upper() for p in select]
    ignore = [p.upper() for p in ignore]
    return [r for r in all_rules() if is_selected(r.code, select, ignore)]
