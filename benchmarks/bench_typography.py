"""Cost of the typography (TYP) and chrome (BPL) rules on adversarial text: it must grow linearly.

For generators of quote marks, apostrophes, dashes and colons (runs, words, paragraphs) prints the time
of the rules alone (segmentation excluded) at 100 KB and 1 MB, the ratio (linear is 10, the house limit
15) and the findings; then the peak resident memory of the process.

    python benchmarks/bench_typography.py [--families TYP BPL] [--sizes 100000 1000000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's mtqa, not an installed one

from mtqa.model import Article
from mtqa.rules.registry import RuleContext, select_rules


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda size: (unit * (size // len(unit) + 1))[:size]


GENERATORS: dict[str, Callable[[int], str]] = {
    "straight quotes, one run": _repeat('"'),
    "every quote mark, one run": _repeat('„“”«»"'),
    "unclosed openings": _repeat("„a "),
    "unopened closings": _repeat("a“ "),
    "spaced closings": _repeat("„a “ "),
    "quotations over paragraphs": _repeat("„a\n\n"),
    "single quotes": _repeat(" 'a"),
    "detached apostrophes": _repeat("Scholz 'Worte "),
    "spaced hyphens": _repeat("sprechen - "),
    "glued colons": _repeat("a;b:"),
    "chrome lines": _repeat("#Ukraine #Krieg\nTelegram | VK\n1 Min Read\n"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", nargs="+", default=["TYP", "BPL"])
    parser.add_argument("--sizes", type=int, nargs=2, default=[100_000, 1_000_000])
    args = parser.parse_args()
    rules = select_rules(args.families)
    small, large = args.sizes
    small_kb, large_kb = small // 1000, large // 1000
    print(f"| generator | ms at {small_kb} KB | ms at {large_kb} KB | ratio | findings at {large_kb} KB |")
    print("|---|---:|---:|---:|---:|")
    for name, generate in GENERATORS.items():
        figures = []
        for size in (small, large):
            context = RuleContext.of(Article("bench", generate(size), "bench"))
            start = time.perf_counter()
            count = sum(len(rule.run(context)) for rule in rules)
            figures.append((time.perf_counter() - start, count))
        ratio = figures[1][0] / max(figures[0][0], 1e-9)
        small_ms, large_ms = figures[0][0] * 1000, figures[1][0] * 1000
        print(f"| {name} | {small_ms:.0f} | {large_ms:.0f} | {ratio:.1f} | {figures[1][1]} |", flush=True)
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
