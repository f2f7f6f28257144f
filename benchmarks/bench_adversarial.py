"""Time and memory of the segmenter and every rule on adversarial text at 10 KB, 100 KB and 1 MB.

Each generator builds text that stresses one kind of scan (runs of one punctuation mark, quotes of
every kind, digits with separators, capitals, Cyrillic, mixed scripts, repeated calques and names, one
1 MB line, many short lines, long realistic prose). For each generator and size a fresh process
segments the text and runs every rule on it, one after the other, and prints the milliseconds each
step took; the parent prints ms per 10 KB per size, the peak memory of the 1 MB run, and flags every
step whose 1 MB time is more than 15x its 100 KB time (linear is 10x).

A step that runs past ``--timeout`` seconds (or past the memory cap) is recorded as such and skipped
in a rerun, so one quadratic rule does not hide the others.

    python benchmarks/bench_adversarial.py [--only GEN ...] [--timeout 60] [--memory-gb 6]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mtqa.model import Article

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10_000, 100_000, 1_000_000)
LINEAR_LIMIT = 15.0
"""1 MB may cost at most this many times 100 KB (the house rule)."""
FLOOR_MS = 10.0
"""A step's 100 KB time counts as at least this much (the whole row's as at least 5x this): below it,
ratios are timer and cache noise (a plain regex scan costs 2-3x more per character once the text no
longer fits the CPU cache, between 100 KB and 1 MB, and then stays linear)."""


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _prose(size: int) -> str:
    texts = [
        (ROOT / "examples" / "peskov-washington.de.txt").read_text(encoding="utf-8"),
        *(p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "data" / "control").glob("*.txt"))),
    ]
    return _repeat("\n\n".join(texts) + "\n\n", size)


GENERATORS: dict[str, Callable[[int], str]] = {
    "run of !": lambda n: _repeat("!", n),
    "run of .": lambda n: _repeat(".", n),
    "run of ?": lambda n: _repeat("?", n),
    "run of …": lambda n: _repeat("…", n),
    "run of ,": lambda n: _repeat(",", n),
    "run of -": lambda n: _repeat("-", n),
    "run of spaces": lambda n: "a" + _repeat(" ", n - 2) + "b",
    'straight quotes "': lambda n: _repeat('"', n),
    "quotes „“": lambda n: _repeat("„", n // 2) + _repeat("“", n - n // 2),
    "quotes of every kind": lambda n: _repeat("\"„“”»«‚‘’' ", n),
    "quoted words": lambda n: _repeat('Er sagte "ja" und „nein“ und »vielleicht« ', n),
    "1. repeated": lambda n: _repeat("1.", n),
    "1, repeated": lambda n: _repeat("1,", n),
    "digits with separators": lambda n: _repeat("1.000,5 1,000.5 3/4/2025 $1,5 ", n),
    "capitals": lambda n: _repeat("WASHINGTON KREML ", n),
    "one capital word": lambda n: _repeat("A", n),
    "cyrillic": lambda n: _repeat("Пресс-секретарь Кремля Дмитрий Песков ", n),
    "mixed scripts": lambda n: _repeat("Kрeмль Mоskau Пeskov ", n),
    "repeated calque": lambda n: _repeat("Es herrscht sorgfältiger Optimismus. ", n),
    "repeated name": lambda n: _repeat("Dmitry Peskov und Joe Baiden sagten. ", n),
    "one 1 MB line": lambda n: _repeat("Der Kreml -Sprecher sagte am Montag , die Gespräche seien gut ", n),
    "many short lines": lambda n: _repeat("Ja.\n", n),
    "realistic prose": _prose,
    "names against a source": lambda n: _repeat(
        "Der Unternehmer Yegor und Zakharova sprachen in Khasavyurt. ", n
    ),
    "one sentence of names against a source": lambda n: "Es sagten " + _repeat("Yegor Zakharov Baiden ", n),
    "numbers against a source": lambda n: _repeat("Am 4. April kamen 15 Millionen {x} an. ", n),
}

SOURCES: dict[str, Callable[[int], str]] = {
    "names against a source": lambda n: _repeat("Предприниматель Егор и Захарова выступили в Хасавюрте. ", n),
    "one sentence of names against a source": lambda n: "Сказали " + _repeat("Егор Захаров Байден ", n),
    "numbers against a source": lambda n: _repeat("5 апреля прибыли 1,5 млн {y}. ", n),
}
"""Generators whose article has a source text (Russian): the source-aware rules (SRC) run on them."""


def _article(generator: str, size: int) -> Article:
    from mtqa.model import Article

    source = SOURCES.get(generator)
    return Article(
        id="b",
        text=GENERATORS[generator](size),
        origin="b",
        source=None if source is None else source(size),
        source_lang=None if source is None else "ru",
    )


def child(generator: str, size: int, skip: set[str]) -> None:
    """Print one JSON line per step: the segmenter, then each rule (``ms``, or ``error``)."""
    from mtqa.model import Article
    from mtqa.rules.registry import RuleContext, RuleOptions, all_rules

    rules = [rule for rule in all_rules() if rule.family != "BTR"]
    warm = RuleContext.of(Article(id="w", text=_prose(5_000), origin="w"), RuleOptions())
    for rule in rules:
        rule.run(warm)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    context = RuleContext.of(_article(generator, size), RuleOptions())
    steps: list[tuple[str, Callable[[], object]]] = [
        ("segment", lambda: (context.paragraphs, context.segments))
    ]
    steps += [(rule.code, lambda rule=rule: rule.run(context)) for rule in rules]  # type: ignore[misc]
    for name, step in steps:
        if name in skip:
            continue
        print(json.dumps({"step": name, "start": True}), flush=True)
        started = time.perf_counter()
        try:
            step()
        except MemoryError:
            print(json.dumps({"step": name, "error": "memory"}), flush=True)
            continue
        print(json.dumps({"step": name, "ms": 1000 * (time.perf_counter() - started)}), flush=True)
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
    print(json.dumps({"peak_mb": peak}), flush=True)


def confirm_child(generator: str, size: int, step: str, repeat: int) -> None:
    """Print the best of ``repeat`` timings of one step, each on a fresh (pre-segmented) context."""
    from mtqa.rules.registry import RuleContext, RuleOptions, get_rule

    article = _article(generator, size)
    rule = get_rule(step) if step != "segment" else None
    best = float("inf")
    for _ in range(repeat):
        context = RuleContext.of(article, RuleOptions())
        if rule is not None:
            _ = (context.paragraphs, context.segments)
        started = time.perf_counter()
        if rule is None:
            _ = (context.paragraphs, context.segments)
        else:
            rule.run(context)
        best = min(best, time.perf_counter() - started)
    print(json.dumps({"ms": 1000 * best}), flush=True)


def confirmed_ratio(generator: str, step: str, timeout: float) -> float | None:
    """1 MB / 100 KB for one step, best of 3 runs at each size; ``None`` if it did not finish."""
    times = []
    for size in SIZES[1:]:
        command = [sys.executable, __file__, "--confirm", generator, str(size), step, "3"]
        try:
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=3 * timeout)
        except subprocess.TimeoutExpired:
            return None
        if done.returncode != 0:
            return None
        times.append(float(json.loads(done.stdout.splitlines()[-1])["ms"]))
    return times[1] / max(times[0], FLOOR_MS)


def measure(generator: str, size: int, timeout: float, memory_gb: float) -> tuple[dict[str, object], float]:
    """Step -> ms (or "timeout"/"memory") for one generator and size, and the peak MB above baseline."""
    results: dict[str, object] = {}
    peak = 0.0
    skip: set[str] = set()

    def limit_memory() -> None:
        cap = int(memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    while True:
        command = [sys.executable, __file__, "--child", generator, str(size), *sorted(skip)]
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, text=True, preexec_fn=limit_memory
        )
        running: str | None = None
        timed_out = False
        try:
            out, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            process.kill()
            out, _ = process.communicate()
        for line in out.splitlines():
            record = json.loads(line)
            if "start" in record:
                running = str(record["step"])
            elif "ms" in record or "error" in record:
                results[str(record["step"])] = record.get("ms", record.get("error"))
                running = None
            elif "peak_mb" in record:
                peak = float(record["peak_mb"])
        if running is None:
            if timed_out or process.returncode != 0:
                results["startup"] = "timeout" if timed_out else "crash"
            return results, peak
        results[running] = "timeout" if timed_out else "crash"
        skip |= set(results)


def _format(value: object, size: int) -> str:
    if isinstance(value, float):
        return f"{value * 10_000 / size:9.2f}"
    return f"{value!s:>9}"


def parent(only: list[str], timeout: float, memory_gb: float, detail: bool) -> int:
    names = only or list(GENERATORS)
    print(
        "ms per 10 KB of text (segmenter and every rule); ratio = time at 1 MB / time at 100 KB"
        f" (taken as at least {5 * FLOOR_MS:g} ms)"
    )
    print(f"{'generator':<24}{'10 KB':>9}{'100 KB':>9}{'1 MB':>9}{'ratio':>7}{'peak MB':>9}")
    flagged: list[str] = []
    for name in names:
        per_size = {size: measure(name, size, timeout, memory_gb) for size in SIZES}
        totals: dict[int, object] = {}
        for size, (steps, _) in per_size.items():
            bad = [v for v in steps.values() if not isinstance(v, float)]
            totals[size] = bad[0] if bad else sum(v for v in steps.values() if isinstance(v, float))
        small, large = totals[SIZES[1]], totals[SIZES[2]]
        ratio = None
        if isinstance(large, float) and isinstance(small, float):
            ratio = large / max(small, 5 * FLOOR_MS)
        row = "".join(_format(totals[size], size) for size in SIZES)
        ratio_text = f"{ratio:6.1f}" if ratio is not None else "     -"
        print(f"{name:<24}{row} {ratio_text}{per_size[SIZES[2]][1]:9.0f}", flush=True)
        small_steps, large_steps = per_size[SIZES[1]][0], per_size[SIZES[2]][0]
        if detail:
            for step in large_steps:
                cells = "".join(_format(per_size[size][0].get(step, "-"), size) for size in SIZES)
                print(f"  {step:<22}{cells}")
        for step, value in large_steps.items():
            before = small_steps.get(step)
            if not isinstance(value, float):
                flagged.append(f"{name}: {step} {value} at 1 MB")
            elif isinstance(before, float) and value > LINEAR_LIMIT * max(before, FLOOR_MS):
                ratio_again = confirmed_ratio(name, step, timeout)
                if ratio_again is None or ratio_again > LINEAR_LIMIT:
                    again = "did not finish" if ratio_again is None else f"{ratio_again:.0f}x"
                    flagged.append(
                        f"{name}: {step} {value / max(before, FLOOR_MS):.0f}x from 100 KB to 1 MB "
                        f"({before:.0f} -> {value:.0f} ms; best of 3 again: {again})"
                    )
    print()
    print("worse than linear (1 MB > 15x 100 KB):" if flagged else "every step linear (1 MB <= 15x 100 KB)")
    for line in flagged:
        print(f"  {line}")
    return 1 if flagged else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", nargs="*", default=[], choices=list(GENERATORS), metavar="GEN")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per process [60]")
    parser.add_argument("--memory-gb", type=float, default=6.0, help="address-space cap per process [6]")
    parser.add_argument("--detail", action="store_true", help="print every step's figures")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--confirm", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.confirm:
        sys.path.insert(0, str(ROOT))
        generator, size, step, repeat = args.confirm
        confirm_child(generator, int(size), step, int(repeat))
        return 0
    if args.child:
        generator, size, *skip = args.child
        sys.path.insert(0, str(ROOT))
        os.chdir(ROOT)
        child(generator, int(size), set(skip))
        return 0
    return parent(args.only, args.timeout, args.memory_gb, args.detail)


if __name__ == "__main__":
    sys.exit(main())
