"""Back-translation findings (BTR): declared here like every rule, raised by the scorer from scores.

The checks find nothing on their own: ``mtqa.backtranslate.scorer`` turns a segment whose score falls
below its threshold into a finding of these rules (``Rule.finding``), so codes, severities, gates,
suppressions and reports work exactly as for text rules. The examples document the kind of sentence
each rule flags; the generic example test skips this family because its findings need a model.
"""

from __future__ import annotations

from collections.abc import Iterator

from mtqa.model import Severity
from mtqa.rules.registry import Hit, RuleContext, bad, good, rule


@rule(
    "BTR001",
    "low-round-trip-chrf",
    Severity.MINOR,
    "Round trip German→English→German changes this sentence a lot (low chrF)",
    "A sentence that does not survive a round trip through English is often garbled, ambiguous or "
    "ungrammatical German; a literal translation can survive it too, so treat this as a hint to read it.",
    [
        bad("Der Kreml-Sprecher sagte das. [[Es wird getan .]]"),
        bad("[[Dies wurde vom Kreml -Sprecher während eines Briefings angegeben.]]"),
        good("Der Kreml-Sprecher Dmitri Peskow äußerte sich am Freitag vor Journalisten."),
    ],
)
def low_round_trip_chrf(context: RuleContext) -> Iterator[Hit]:
    return iter(())


@rule(
    "BTR002",
    "low-translation-confidence",
    Severity.MINOR,
    "The back-translation model is unsure what this sentence means (low mean token log-probability)",
    "When a strong German→English model finds no confident reading of a sentence, readers often will not "
    "either: word salad, calques and broken syntax lower the probability of every translation.",
    [
        bad("[[Sorgfältiger Optimismus ist vorhanden, es wird über verschiedene Kanäle durchgeführt.]]"),
        good("Es gebe vorsichtigen Optimismus, sagte Peskow."),
    ],
)
def low_translation_confidence(context: RuleContext) -> Iterator[Hit]:
    return iter(())


@rule(
    "BTR003",
    "low-source-adequacy",
    Severity.MAJOR,
    "This sentence translated back into the source language matches its source sentence poorly (low chrF)",
    "A German sentence that does not say what its aligned source sentence says may omit, add or "
    "invert content, which no check of the German alone can see.",
    [
        bad("[[Russland lehnt die Gespräche mit Washington ab.]] (source: «Россия считает переговоры "
            "в Вашингтоне важным шагом»)"),
        good("Russland hält die Gespräche in Washington für einen wichtigen Schritt."),
    ],
)
def low_source_adequacy(context: RuleContext) -> Iterator[Hit]:
    return iter(())
