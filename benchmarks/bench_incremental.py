"""Speed-up of an incremental re-run: the same 2,000-article feed checked cold, then again unchanged,
then with 1% of the articles edited, then with ``--force``.

Every run is a fresh process (``mtqa check`` as CI runs it: reports written, no back-translation), so
the figures include start-up. Prints seconds per run and the speed-up over the cold run.

    python benchmarks/bench_incremental.py [--articles 2000] [--jobs 1]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_rules import build_feed  # noqa: E402


def run_check(feed: Path, out: Path, jobs: int, *extra: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one ``mtqa check`` process."""
    command = [
        sys.executable, "-m", "mtqa", "check", str(feed), "-o", str(out), "--no-backtranslate",
        "--output-format", "none", "--fail-on", "never", "--jobs", str(jobs), *extra,
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=feed.parent, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def edit(feed: Path, every: int) -> int:
    """Append a sentence to every ``every``-th article; returns how many changed."""
    rows = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    for row in rows[::every]:
        row["text"] += "\n\nNachtrag: Der Kreml -Sprecher äußerte sich später."
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return len(rows[::every])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "feed.jsonl"
        size = build_feed(feed, args.articles)
        out = Path(tmp) / "reports"
        print(f"feed: {args.articles} articles, {size / 1e6:.1f} MB; jobs {args.jobs}")
        cold = run_check(feed, out, args.jobs)
        warm = run_check(feed, out, args.jobs)
        changed = edit(feed, 100)
        partial = run_check(feed, out, args.jobs)
        forced = run_check(feed, out, args.jobs, "--force")
        print("| run | wall s | CPU s | speed-up over cold (wall) | (CPU) |")
        print("|---|---:|---:|---:|---:|")
        for name, (wall, cpu) in (
            ("cold (empty cache)", cold),
            ("unchanged re-run", warm),
            (f"{changed} articles edited", partial),
            ("--force", forced),
        ):
            print(f"| {name} | {wall:.2f} | {cpu:.2f} | {cold[0] / wall:.1f}x | {cold[1] / cpu:.1f}x |")


if __name__ == "__main__":
    main()
