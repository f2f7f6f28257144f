"""Throughput of the whole rule check: reading a feed, running every rule, writing JSON+Markdown reports.

Builds a JSONL feed of 2,000 articles from the bundled example and the clean control texts (each
varied so no two are identical), then runs ``mtqa check`` in-process without back-translation on one
core and on all cores. Prints articles/s, MB/s and the peak resident memory of the process.

    python benchmarks/bench_rules.py [--articles 2000] [--jobs 1 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    ROOT / "examples" / "peskov-washington.de.txt",
    *sorted((ROOT / "tests" / "data" / "control").glob("*.txt")),
]


def build_feed(path: Path, count: int) -> int:
    """Write ``count`` articles to a JSONL feed; returns its size in bytes."""
    texts = [p.read_text(encoding="utf-8") for p in SOURCES]
    with path.open("w", encoding="utf-8") as feed:
        for number in range(count):
            text = texts[number % len(texts)] + f"\n\nMeldung {number} vom Tage."
            feed.write(
                json.dumps(
                    {"id": f"a{number:05d}", "text": text, "vendor": f"v{number % 3}"}, ensure_ascii=False
                )
            )
            feed.write("\n")
    return path.stat().st_size


def run_once(feed: Path, out: Path, jobs: int) -> dict[str, float]:
    """Run the check in a fresh process so peak memory is that of one run."""
    code = (
        "import sys, time, resource\n"
        "from click.testing import CliRunner\n"
        "from mtqa.cli import main\n"
        "start = time.perf_counter()\n"
        f"result = CliRunner().invoke(main, ['check', {str(feed)!r}, '-o', {str(out)!r},"
        f" '--no-backtranslate', '--no-cache', '--output-format', 'none', '--jobs', '{jobs}',"
        " '--fail-on', 'never'])\n"
        "elapsed = time.perf_counter() - start\n"
        "assert result.exit_code == 0, result.output\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(elapsed, peak, children)\n"
    )
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    elapsed, peak, children = (float(x) for x in output.split())
    return {"seconds": elapsed, "peak_mb": peak, "worker_peak_mb": children}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, os.cpu_count() or 1])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "feed.jsonl"
        size = build_feed(feed, args.articles)
        print(f"feed: {args.articles} articles, {size / 1e6:.1f} MB; cores available: {os.cpu_count()}")
        print("| jobs | seconds | articles/s | MB/s | peak MB (main) | peak MB (one worker) |")
        print("|---|---|---|---|---|---|")
        for jobs in args.jobs:
            figures = run_once(feed, Path(tmp) / f"reports-{jobs}", jobs)
            rate = args.articles / figures["seconds"]
            worker = f"{figures['worker_peak_mb']:.0f}" if jobs > 1 else "–"
            print(
                f"| {jobs} | {figures['seconds']:.2f} | {rate:.0f} | {size / 1e6 / figures['seconds']:.2f} |"
                f" {figures['peak_mb']:.0f} | {worker} |"
            )


if __name__ == "__main__":
    main()
