"""Speed-up of a fully cached re-run of back-translation scoring over the first run.

Builds a random MarianMT model locally (no network), scores a few hundred German segments grouped into
articles with a fresh translation cache, then scores the same articles again with a new scorer on the
same cache, as a second ``mtqa check`` would. Both timings include loading the model (the scorer loads
lazily), not Python imports. Prints both times, the speed-up and how many texts reached the model on
the re-run (must be 0).

``--size tiny`` (default) uses the d_model-16 test model: its translations cost almost nothing, so the
figure is a floor set by the cache lookups and report bookkeeping. ``--size opus-mt`` uses a random
model with opus-mt-de-en's exact architecture (58,101-token vocabulary, 6+6 layers, outputs fixed at
40 tokens), whose first run costs what a real one does.

    python benchmarks/bench_cache.py [--segments 300] [--size tiny|opus-mt] [--batch-size 32]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mtqa.backtranslate.backend import Translator, load_translator  # noqa: E402
from mtqa.backtranslate.scorer import Scorer  # noqa: E402
from mtqa.config import BacktranslationSettings  # noqa: E402
from mtqa.model import Article, Segment  # noqa: E402
from mtqa.segment import sentences  # noqa: E402
from tests.tiny_models import OPUS_MT_DIMS, MarianDims, build_marian, german_sentences  # noqa: E402

FIXED_OUTPUT_TOKENS = 40
"""A random model never stops by itself: the opus-mt-size run fixes every output at this length."""


@dataclass(frozen=True)
class Run:
    seconds: float
    translated: int
    scored: int


def articles(count: int) -> list[tuple[Article, list[Segment]]]:
    """``count`` generated German sentences, ten to an article."""
    generated = german_sentences(count, seed=11)
    items = []
    for start in range(0, count, 10):
        text = " ".join(generated[start : start + 10])
        items.append((Article(id=f"a{start:05d}", text=text, origin=f"<a{start}>"), sentences(text)))
    return items


def score_once(
    settings: BacktranslationSettings, items: list[tuple[Article, list[Segment]]], size: str
) -> Run:
    model_dir = Path(settings.model_dir)
    limit = FIXED_OUTPUT_TOKENS if size == "opus-mt" else None

    def load(model: str) -> Translator:
        return load_translator(
            model,
            model_dir=model_dir,
            offline=True,
            batch_size=settings.batch_size,
            max_output_tokens=limit,
            min_output_tokens=limit or 0,
        )

    scorer = Scorer(settings, load=load)
    start = time.perf_counter()
    results = scorer.score(items)
    elapsed = time.perf_counter() - start
    scorer.close()
    assert len(results) == len(items)
    return Run(elapsed, scorer.stats.translated, scorer.stats.scored)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--segments", type=int, default=300)
    parser.add_argument("--size", choices=("tiny", "opus-mt"), default="tiny")
    parser.add_argument("--batch-size", type=int, default=32)
    options = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"

    with tempfile.TemporaryDirectory(prefix="mtqa-bench-cache-") as work:
        folder = Path(work)
        dims = OPUS_MT_DIMS if options.size == "opus-mt" else MarianDims()
        print(f"building a random {options.size} Marian model ...", flush=True)
        model = build_marian(folder / f"{options.size}-model", dims)
        settings = BacktranslationSettings(
            de_en=str(model),
            en_de=str(model),
            model_dir=str(folder / "models"),
            cache=str(folder / "translations.sqlite"),
            batch_size=options.batch_size,
        )
        items = articles(options.segments)
        distinct = len({s.text for _, segments in items for s in segments})
        # Convert the model and import the backend outside the timings (a warm cache of another file).
        score_once(replace(settings, cache=str(folder / "warm.sqlite")), items[:1], options.size)

        first = score_once(settings, items, options.size)
        again = score_once(settings, items, options.size)

    segments = sum(len(s) for _, s in items)
    print(f"model: {options.size}, {segments} segments ({distinct} distinct) in {len(items)} articles")
    print(f"first run:  {first.seconds:8.3f} s  ({first.translated} texts translated, {first.scored} scored)")
    print(f"cached run: {again.seconds:8.3f} s  ({again.translated} texts translated, {again.scored} scored)")
    print(f"speed-up:   {first.seconds / again.seconds:8.1f}x")
    if again.translated or again.scored:
        raise SystemExit("the cached run reached the model")


if __name__ == "__main__":
    main()
