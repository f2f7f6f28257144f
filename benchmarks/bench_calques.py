"""Cost of the shared calque scan (LEX and CON rules) as the input grows: it must stay linear.

Two generators, each at 100 KB and 1 MB: a calque repeated back to back without a sentence end (the
worst case for overlapping windows) and long prose (the control texts and the example article,
repeated). Prints milliseconds per 10 KB at each size and the ratio of the 1 MB cost to the 100 KB
cost (linear is 10x; the house limit is 15x).

    python benchmarks/bench_calques.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mtqa.model import Article  # noqa: E402
from mtqa.rules.registry import RuleContext, all_rules  # noqa: E402

PROSE = [
    ROOT / "examples" / "peskov-washington.de.txt",
    *sorted((ROOT / "tests" / "data" / "control").glob("*.txt")),
]
SIZES = (100_000, 1_000_000)


def repeated_calque(size: int) -> str:
    unit = "sorgfältigen Optimismus in einem Kommentar zur Washington Post Maßnahmen angenommen "
    return (unit * (size // len(unit) + 1))[:size]


def repeated_calque_sentences(size: int) -> str:
    unit = "Der Sprecher hat eine Erklärung gemacht. Das Regime der Stille wurde verletzt. "
    return (unit * (size // len(unit) + 1))[:size]


def long_prose(size: int) -> str:
    text = "\n\n".join(path.read_text(encoding="utf-8") for path in PROSE)
    return (text * (size // len(text) + 1))[:size]


GENERATORS: dict[str, Callable[[int], str]] = {
    "repeated calque, one sentence": repeated_calque,
    "repeated calque sentences": repeated_calque_sentences,
    "long prose": long_prose,
}


def seconds(text: str, repeat: int) -> float:
    """Best of ``repeat`` runs of every LEX and CON rule on a fresh context (segmenting not timed)."""
    rules = [r for r in all_rules() if r.family in ("LEX", "CON")]
    best = float("inf")
    for _ in range(repeat):
        context = RuleContext.of(Article(id="bench", text=text, origin="<bench>"))
        start = time.perf_counter()
        for rule in rules:
            list(rule.run(context))
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| input | ms/10 KB at 100 KB | ms/10 KB at 1 MB | 1 MB / 100 KB |")
    print("|---|---:|---:|---:|")
    for name, generate in GENERATORS.items():
        small, large = (seconds(generate(size), args.repeat) for size in SIZES)
        per_10kb = [
            seconds * 1000 / (size / 10_000) for seconds, size in zip((small, large), SIZES, strict=True)
        ]
        print(f"| {name} | {per_10kb[0]:.2f} | {per_10kb[1]:.2f} | {large / small:.1f}x |")


if __name__ == "__main__":
    main()
