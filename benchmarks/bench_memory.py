"""Peak memory of ``mtqa check`` over feeds of 1,000, 10,000 and 100,000 articles: it must stay flat.

Each run is a fresh process (``mtqa check FEED --no-backtranslate``) whose peak resident memory is
taken from the kernel (``wait4``). Two settings: the run summary only (``summary.csv``,
``vendors.csv``, ``summary.json``; no per-article files, ``formats = []``), and ``--no-reports``. The
run summary is folded as articles pass, so the peak must not grow with the count: the script exits 1
when a run's peak is more than 20 % above the smallest run's. It takes a few minutes (100,000 articles
per setting); it is a benchmark, not a test.

    python benchmarks/bench_memory.py [--counts 1000 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 0.20
CONTROL = sorted((ROOT / "tests" / "data" / "control").glob("*.txt"))


def build_feed(path: Path, count: int) -> int:
    """``count`` short articles (3 sentences of the control texts each, 5 vendors); returns bytes."""
    sentences = [
        line.strip()
        for source in [ROOT / "examples" / "peskov-washington.de.txt", *CONTROL]
        for line in source.read_text(encoding="utf-8").split(". ")
        if len(line.strip()) > 20
    ]
    with path.open("w", encoding="utf-8") as feed:
        for number in range(count):
            start = number % (len(sentences) - 3)
            text = ". ".join(sentences[start : start + 3]) + f". Meldung {number}."
            row = {"id": f"a{number:06d}", "text": text, "vendor": f"v{number % 5}"}
            feed.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path.stat().st_size


def peak_of(arguments: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one ``mtqa`` run in a fresh process."""
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from mtqa.cli import main; main()"
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code, *arguments], cwd=cwd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"mtqa {' '.join(arguments)} failed with {os.waitstatus_to_exitcode(status)}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--counts", nargs="+", type=int, default=[1_000, 10_000, 100_000])
    args = parser.parse_args()
    settings = {
        "summary only": ["-o", "out"],
        "--no-reports": ["--no-reports"],
    }
    print(f"{'articles':>9}  {'setting':<14}{'feed MB':>9}{'seconds':>9}{'peak MB':>9}{'vs first':>10}")
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "mtqa.toml").write_text("formats = []\n", encoding="utf-8")
        first: dict[str, float] = {}
        for count in args.counts:
            feed = work / f"feed-{count}.jsonl"
            size = build_feed(feed, count) / 1e6
            for name, options in settings.items():
                common = [
                    "check",
                    str(feed),
                    "--no-backtranslate",
                    "--output-format",
                    "none",
                    "--fail-on",
                    "never",
                ]
                seconds, peak = peak_of([*common, *options], work)
                base = first.setdefault(name, peak)
                growth = peak / base - 1
                worst = max(worst, growth)
                print(
                    f"{count:>9,}  {name:<14}{size:9.1f}{seconds:9.1f}{peak:9.1f}{growth:+9.1%}", flush=True
                )
            feed.unlink()
    verdict = "flat" if worst <= TOLERANCE else "GROWS"
    print(f"\npeak memory {verdict}: largest growth {worst:+.1%} (limit +{TOLERANCE:.0%})")
    return 0 if worst <= TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main())
