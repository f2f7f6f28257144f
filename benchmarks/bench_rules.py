"""Throughput of the whole rule check: reading a feed, running every rule, writing JSON+Markdown reports.

Builds a JSONL feed of 2,000 articles from the bundled example and the clean control texts (each
varied so no two are identical), then runs ``mtqa check`` in-process without back-translation on one
core and on all cores. Prints articles/s, MB/s and the peak resident memory of the process, then the cost
of each rule family per article on one core (rules timed one by one on the same articles, after a warm-up
that loads every list and model once), so that a slow rule is visible.

    python benchmarks/bench_rules.py [--articles 2000] [--jobs 1 2] [--family-articles 500] [--ignore SYN]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    ROOT / "examples" / "peskov-washington.de.txt",
    *sorted((ROOT / "tests" / "data" / "control").glob("*.txt")),
]


def article_text(texts: list[str], number: int) -> str:
    return texts[number % len(texts)] + f"\n\nMeldung {number} vom Tage."


def build_feed(path: Path, count: int, sources: list[Path] | None = None) -> int:
    """Write ``count`` articles to a JSONL feed built from ``sources``; returns its size in bytes."""
    texts = [p.read_text(encoding="utf-8") for p in (sources or SOURCES)]
    with path.open("w", encoding="utf-8") as feed:
        for number in range(count):
            text = article_text(texts, number)
            feed.write(
                json.dumps(
                    {"id": f"a{number:05d}", "text": text, "vendor": f"v{number % 3}"}, ensure_ascii=False
                )
            )
            feed.write("\n")
    return path.stat().st_size


def run_once(feed: Path, out: Path, jobs: int, ignore: list[str]) -> dict[str, float]:
    """Run the check in a fresh process so peak memory is that of one run.

    Besides wall-clock time it records the CPU time of the main process: with one job that is the cost
    on one core, which stays comparable on a machine other work shares.
    """
    ignored = "".join(f", '--ignore', {prefix!r}" for prefix in ignore)
    code = (
        "import sys, time, resource\n"
        "from click.testing import CliRunner\n"
        "from mtqa.cli import main\n"
        "start = time.perf_counter()\n"
        "cpu = time.process_time()\n"
        f"result = CliRunner().invoke(main, ['check', {str(feed)!r}, '-o', {str(out)!r},"
        f" '--no-backtranslate', '--no-cache', '--output-format', 'none', '--jobs', '{jobs}',"
        f" '--fail-on', 'never'{ignored}])\n"
        "elapsed = time.perf_counter() - start\n"
        "cpu = time.process_time() - cpu\n"
        "assert result.exit_code == 0, result.output\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(elapsed, cpu, peak, children)\n"
    )
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    elapsed, cpu, peak, children = (float(x) for x in output.split())
    return {"seconds": elapsed, "cpu_seconds": cpu, "peak_mb": peak, "worker_peak_mb": children}


def family_costs(count: int) -> None:
    """Time each family's rules on ``count`` articles in this process and print CPU microseconds per article.

    Segmenting (paragraphs and sentences) is timed on its own; analyses that rules share through the
    ``RuleContext`` memo (HanTa tags) are charged to the first family that asks for them, as in a real run.
    """
    sys.path.insert(0, str(ROOT))  # this checkout's mtqa, like the check run from its root
    from mtqa.model import Article
    from mtqa.rules.registry import RuleContext, all_rules

    texts = [p.read_text(encoding="utf-8") for p in SOURCES]
    rules = [r for r in all_rules() if r.family != "BTR"]
    for number, text in enumerate(texts):
        warm = RuleContext.of(Article(f"warm{number}", text, "<warm>"))
        for rule_ in rules:
            rule_.run(warm)
    seconds: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for rule_ in rules:
        counts[rule_.family] += 1
    memoised = 0
    for number in range(count):
        started = time.process_time()
        context = RuleContext.of(Article(f"a{number}", article_text(texts, number), "<bench>"))
        # Paragraphs and sentences are split lazily, for the first rule that asks: split them here, so
        # that their cost is not charged to that rule's family.
        _ = context.paragraphs, context.segments
        seconds["(segmenting)"] += time.process_time() - started
        for rule_ in rules:
            started = time.process_time()
            rule_.run(context)
            seconds[rule_.family] += time.process_time() - started
        memoised += len(context.memo)
    total = sum(seconds.values())
    print(f"\ncost per article on one core ({count} articles, {memoised / count:.2f} memo entries each):")
    print("| family | rules | µs per article | share |")
    print("|---|---:|---:|---:|")
    for family, spent in sorted(seconds.items(), key=lambda item: -item[1]):
        rules_in = counts.get(family, 0) or "–"
        print(f"| {family} | {rules_in} | {1e6 * spent / count:.0f} | {100 * spent / total:.1f} % |")
    print(f"| all | {len(rules)} | {1e6 * total / count:.0f} | 100 % |")
    tagging_cost(texts)


def tagging_cost(texts: list[str]) -> None:
    """What tagging costs where a trigger asks for it: HanTa on every sentence of the source texts."""
    from mtqa.language import tagger
    from mtqa.segment import sentences

    words = [
        [w for _, _, w in tagger.tokenize(s.text, limit=tagger.MAX_TOKENS)]
        for t in texts
        for s in sentences(t)
    ]
    tagger.tag_sentence(words[0])
    started = time.process_time()
    for sentence in words:
        tagger.tag_sentence(sentence)
    spent = time.process_time() - started
    tokens = sum(len(w) for w in words)
    print(
        f"\nHanTa ({tagger.signature()}): {1e3 * spent / len(words):.2f} ms per sentence"
        f" ({len(words)} sentences, {tokens / len(words):.1f} tokens each): the cost of a triggered sentence"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument(
        "--sources",
        type=Path,
        nargs="+",
        help="texts the feed is built from [default: the example and every control text]; the same "
        "sources make figures comparable across versions whose control texts differ",
    )
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, os.cpu_count() or 1])
    parser.add_argument("--family-articles", type=int, default=500, help="articles for the per-family costs")
    parser.add_argument(
        "--ignore", nargs="*", default=[], help="code prefixes to switch off (to see one's cost)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "feed.jsonl"
        size = build_feed(feed, args.articles, args.sources)
        print(f"feed: {args.articles} articles, {size / 1e6:.1f} MB; cores available: {os.cpu_count()}")
        if args.ignore:
            print(f"ignored: {' '.join(args.ignore)}")
        print(
            "| jobs | seconds | articles/s | MB/s | articles per CPU-s (one job) | peak MB (main)"
            " | peak MB (one worker) |"
        )
        print("|---|---|---|---|---|---|---|")
        for jobs in args.jobs:
            figures = run_once(feed, Path(tmp) / f"reports-{jobs}", jobs, args.ignore)
            rate = args.articles / figures["seconds"]
            worker = f"{figures['worker_peak_mb']:.0f}" if jobs > 1 else "–"
            per_cpu = f"{args.articles / figures['cpu_seconds']:.0f}" if jobs == 1 else "–"
            print(
                f"| {jobs} | {figures['seconds']:.2f} | {rate:.0f} | {size / 1e6 / figures['seconds']:.2f} |"
                f" {per_cpu} | {figures['peak_mb']:.0f} | {worker} |"
            )
    if args.family_articles > 0:
        family_costs(args.family_articles)


if __name__ == "__main__":
    main()
