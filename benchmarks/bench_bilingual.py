"""Throughput of source-aware checking: a vendor's XLIFF file and a feed with source texts.

Builds, from the bilingual pairs in ``tests/data/bilingual`` (each paragraph one segment), an XLIFF 2.0
file of N ``<file>`` articles and a JSONL feed of the same N articles with a ``source`` field, then runs
``mtqa check`` on each in a fresh process (one job, no back-translation) and prints articles/s,
segments/s and peak memory. Then the CPU cost per article of the SRC rules alone (they share one
alignment and one name analysis per article, charged to the first rule that asks), after a warm-up that
loads the morphology and the lists.

    python benchmarks/bench_bilingual.py [--articles 500] [--rule-articles 200]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from bench_rules import run_once  # the same fresh-process run of `mtqa check`, one job

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "tests" / "data" / "bilingual"


def load_pairs() -> list[tuple[str, list[tuple[str, str]]]]:
    """(source language, [(source paragraph, German paragraph)]) for every clean pair and error version."""
    pairs = []
    for german in sorted(PAIRS.glob("*.de.txt")) + sorted((PAIRS / "errors").glob("*.de.txt")):
        stem = german.name.removesuffix(".de.txt")
        source = next((p for p in german.parent.glob(f"{stem}.[a-z][a-z].txt") if p != german), None)
        if source is None:
            continue
        lang = source.name.removesuffix(".txt").rsplit(".", 1)[-1]
        left = [p for p in german.read_text(encoding="utf-8").split("\n") if p.strip()]
        right = [p for p in source.read_text(encoding="utf-8").split("\n") if p.strip()]
        pairs.append((lang, list(zip(right, left, strict=False))))
    if not pairs:
        raise SystemExit(f"no bilingual pairs under {PAIRS}")
    return pairs


def build_inputs(folder: Path, count: int) -> tuple[Path, Path, int]:
    """An XLIFF 2.0 file per source language and a JSONL feed, ``count`` articles in all; segments."""
    pairs = load_pairs()
    files: dict[str, list[str]] = defaultdict(list)
    segments = 0
    with (folder / "feed.jsonl").open("w", encoding="utf-8") as feed:
        for number in range(count):
            lang, units = pairs[number % len(pairs)]
            units = [*units, (f"Сообщение {number}.", f"Meldung {number}.")]
            segments += len(units)
            body = "".join(
                f'<unit id="u{i}"><segment><source>{escape(s)}</source><target>{escape(t)}</target>'
                "</segment></unit>"
                for i, (s, t) in enumerate(units)
            )
            files[lang].append(f"<file id={quoteattr(f'a{number:05d}')}>{body}</file>")
            record = {
                "id": f"a{number:05d}",
                "text": "\n\n".join(t for _, t in units),
                "source": "\n\n".join(s for s, _ in units),
                "source_lang": lang,
            }
            feed.write(json.dumps(record, ensure_ascii=False) + "\n")
    xliff = folder / "xliff"
    xliff.mkdir()
    for lang, parts in files.items():
        (xliff / f"vendor-{lang}.xlf").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="{lang}" '
            f'trgLang="de">{"".join(parts)}</xliff>\n',
            encoding="utf-8",
        )
    return xliff, folder / "feed.jsonl", segments


def rule_costs(count: int) -> None:
    """CPU µs per article of each SRC rule, on articles with their source attached."""
    sys.path.insert(0, str(ROOT))
    from mtqa.model import Article
    from mtqa.rules.registry import RuleContext, all_rules

    pairs = load_pairs()
    rules = [r for r in all_rules() if r.family == "SRC"]

    def article(number: int) -> Article:
        lang, units = pairs[number % len(pairs)]
        return Article(
            f"a{number}",
            "\n\n".join(t for _, t in units) + f"\n\nMeldung {number}.",
            "<bench>",
            source="\n\n".join(s for s, _ in units) + f"\n\nСообщение {number}.",
            source_lang=lang,
        )

    for number in range(len(pairs)):
        warm = RuleContext.of(article(number))
        for rule_ in rules:
            rule_.run(warm)
    seconds: dict[str, float] = defaultdict(float)
    for number in range(count):
        context = RuleContext.of(article(number))
        _ = context.paragraphs, context.segments
        for rule_ in rules:
            started = time.process_time()
            rule_.run(context)
            seconds[rule_.code] += time.process_time() - started
    print(f"\nSRC rules, CPU µs per article ({count} articles; the first rule pays for the alignment):")
    print("| rule | µs per article |")
    print("|---|---:|")
    for code, spent in sorted(seconds.items()):
        print(f"| {code} | {1e6 * spent / count:.0f} |")
    print(f"| all SRC | {1e6 * sum(seconds.values()) / count:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--rule-articles", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        xliff, feed, segments = build_inputs(folder, args.articles)
        print(f"{args.articles} articles, {segments} segments, from {len(load_pairs())} bilingual pairs")
        print("| input | seconds | articles/s | segments/s | peak MB |")
        print("|---|---:|---:|---:|---:|")
        for name, target in (("XLIFF 2.0 files", xliff), ("JSONL feed with sources", feed)):
            figures = run_once(target, folder / f"out-{target.name}", 1, [])
            elapsed, peak = figures["seconds"], figures["peak_mb"]
            print(
                f"| {name} | {elapsed:.2f} | {args.articles / elapsed:.0f} | {segments / elapsed:.0f} |"
                f" {peak:.0f} |"
            )
    if args.rule_articles > 0:
        rule_costs(args.rule_articles)


if __name__ == "__main__":
    main()
