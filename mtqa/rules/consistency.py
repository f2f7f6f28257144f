"""Inconsistency within an article (CON): one term rendered two ways.

Machine translation renders a repeated source term independently each time, so an article can say
"sorgfältigen Optimismus" twice and "vorsichtigen Optimismus" later for the same quoted words. The
calque list (``references/calques.tsv``) names such terms in its ``term`` column; this rule reuses the
calque scan of the lexical family and flags the term's correct rendering where it follows the calque,
because the calque itself is already reported (LEX) with its fix.

Names spelled two ways are left to the names family: its list decides which spelling is right, and both
established German forms of a place (Kiew and Kyjiw) are accepted there.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from mtqa.model import Severity
from mtqa.rules.lexical import CalqueMatch, calque_matches, starts_word, term_regexes
from mtqa.rules.registry import Hit, RuleContext, bad, good, rule


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


@rule(
    "CON001",
    "term-rendered-two-ways",
    Severity.MINOR,
    "'{match}' here, but the calque earlier: use one rendering of the term",
    "Readers take two renderings of one quoted term for two different statements, and an editor who "
    "fixes the calque in one place leaves the article contradicting itself elsewhere.",
    [
        bad("Peskow sah sorgfältigen Optimismus. Analysten bezweifeln den [[vorsichtigen Optimismus]]."),
        good("Peskow sprach von vorsichtigem Optimismus. Analysten bezweifeln den vorsichtigen Optimismus."),
        good("Analysten bezweifeln den vorsichtigen Optimismus. Peskow sprach von sorgfältigem Optimismus."),
    ],
)
def term_rendered_two_ways(context: RuleContext) -> Iterator[Hit]:
    calques = calque_matches(context)
    first_calque: dict[str, CalqueMatch] = {}
    for found in calques:
        if found.calque.term:
            first_calque.setdefault(found.calque.term, found)
    text = context.text
    # The calques are in text order and never overlap, so one bisection finds the one a use could hit.
    calque_starts = [c.start for c in calques]
    for term, calque in first_calque.items():
        uses = sorted(m.span() for regex in term_regexes(term) for m in regex.finditer(text, calque.end))
        for start, end in uses:
            before = bisect.bisect_left(calque_starts, end) - 1
            if not starts_word(text, start) or (before >= 0 and calques[before].end > start):
                continue
            quoted = text[calque.start : calque.end]
            message = (
                f"'{{match}}' here, but '{quoted}' on line {_line(text, calque.start)}: "
                "use one rendering of the term"
            )
            yield Hit(start, end, None, message)
