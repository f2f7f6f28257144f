"""The agreement rules (GRM) against LanguageTool's German examples, and what each rule family costs.

Reads ``languagetool-examples/`` from ``$MTQA_SHARED`` (the project's shared folder). Prints how many
of the 161 agreement sentences of ``incorrect.tsv`` a GRM finding covers, by source; the findings of
every rule on ``correct.tsv``, by family; and the CPU time of each rule family per article of the
bundled example and control texts (as ``bench_rules.py`` feeds them).

    MTQA_SHARED=../shared python benchmarks/bench_agreement.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mtqa.config import Settings  # noqa: E402
from mtqa.model import Article  # noqa: E402
from mtqa.pipeline import check_article  # noqa: E402
from mtqa.rules.registry import RuleContext, all_rules  # noqa: E402

AGREEMENT_SOURCES = (
    "AgreementRuleTest.java",
    "SubjectVerbAgreementRuleTest.java",
    "VerbAgreementRuleTest.java",
)
SOURCES = [
    ROOT / "examples" / "peskov-washington.de.txt",
    *sorted((ROOT / "tests" / "data" / "control").glob("*.txt")),
]


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def article(text: str, number: int = 0) -> Article:
    return Article(id=f"a{number}", text=text, origin=f"<a{number}>")


def languagetool(shared: Path) -> None:
    examples = shared / "languagetool-examples"
    agreement = [
        r
        for r in rows(examples / "incorrect.tsv")
        if r["source"] in AGREEMENT_SOURCES or (r["source"] == "grammar.xml" and "AGREEMENT" in r["rule"])
    ]
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for row in agreement:
        total[row["source"]] += 1
        hits = [f for f in check_article(article(row["text"]), Settings())[1] if f.family == "GRM"]
        if row["start"]:
            start, end = int(row["start"]), int(row["end"])
            hits = [f for f in hits if f.start < end and start < f.end]
        found[row["source"]] += bool(hits)
    print(f"agreement sentences found: {sum(found.values())} of {len(agreement)}")
    for source in sorted(total):
        print(f"  {source}: {found[source]} of {total[source]}")
    by_family: Counter[str] = Counter()
    correct = rows(examples / "correct.tsv")
    for row in correct:
        by_family.update(f.family for f in check_article(article(row["text"]), Settings())[1])
    families = dict(sorted(by_family.items()))
    print(f"findings on {len(correct)} correct sentences: {sum(by_family.values())} {families}")


def family_costs(rounds: int) -> None:
    texts = [p.read_text(encoding="utf-8") for p in SOURCES]
    contexts = [
        RuleContext.of(article(t + f"\n\nMeldung {n} vom Tage.", n)) for n, t in enumerate(texts * 20)
    ]
    rules = [r for r in all_rules() if r.family != "BTR"]
    for context in contexts[: len(texts)]:
        for rule in rules:
            rule.run(context)
    costs: Counter[str] = Counter()
    for rule in rules:
        best = min(_seconds(rule.run, contexts) for _ in range(rounds))
        costs[rule.family] += best / len(contexts) * 1000
    print("| family | ms per article (CPU) |")
    print("|---|---|")
    for family, cost in sorted(costs.items(), key=lambda item: -item[1]):
        print(f"| {family} | {cost:.3f} |")
    print(f"| all | {sum(costs.values()):.3f} |")


def _seconds(run: Callable[[RuleContext], object], contexts: list[RuleContext]) -> float:
    start = time.process_time()
    for context in contexts:
        run(context)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    shared = os.environ.get("MTQA_SHARED")
    if shared and (Path(shared) / "languagetool-examples").is_dir():
        languagetool(Path(shared))
    else:
        print("MTQA_SHARED does not name the shared folder: LanguageTool examples skipped")
    family_costs(args.rounds)


if __name__ == "__main__":
    main()
