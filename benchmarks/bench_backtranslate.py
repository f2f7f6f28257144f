"""Back-translation speed and memory per backend and precision, on the real opus-mt-de-en architecture.

Builds a random MarianMT model with exactly Helsinki-NLP/opus-mt-de-en's shape (d_model 512, 6+6 layers,
8 heads, FFN 2048, vocabulary 58,101, shared embeddings), converts it for CTranslate2 through mtqa's own
model cache, then measures every configuration in a fresh subprocess (so peak memory is that
configuration's alone, and torch is not imported for CTranslate2 runs) at a fixed output length
(min = max output tokens), because a random model's outputs have arbitrary lengths. Weights do not
change the cost of a forward pass, so the figures hold for the real model at the same lengths.

    python benchmarks/bench_backtranslate.py            # 256 sentences, 40 output tokens, 3 rounds
    python benchmarks/bench_backtranslate.py --quick    # 64 sentences, 20 output tokens, 1 round

Tasks: ``translate``; ``translate_scored`` (translation plus its confidence from the same pass);
``score`` (forced decoding of given targets); ``roundtrip``, what ``mtqa check`` does per segment,
measured end to end: de->en ``translate_scored``, then en->de ``translate`` (the same random model serves
both directions: opus-mt-en-de has the same architecture). The en->de step translates English sentences
of 25 words, not the random model's own output: that is ``<dummy>`` tokens whose text re-tokenises into
about four times as many pieces as real English, which would inflate the en->de cost.

Rounds are interleaved (every configuration once per round) and the median is reported, so a noisy
neighbour on a shared machine affects all configurations alike.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CONFIGS = {
    "transformers-float32": {"backend": "transformers", "compute_type": "float32"},
    "ctranslate2-float32": {"backend": "ctranslate2", "compute_type": "float32"},
    "ctranslate2-int8": {"backend": "ctranslate2", "compute_type": "int8"},
}
DEFAULT_CONFIG = "ctranslate2-int8"
BASELINE_CONFIG = "transformers-float32"
TASKS = ("translate", "translate_scored", "score", "roundtrip")
WORDS_PER_SENTENCE = 25


def benchmark_sentences(count: int, seed: int = 7) -> list[str]:
    """German news-like sentences of exactly 25 words, as in the measurements in the project notes."""
    from tests.tiny_models import german_sentences

    pool = " ".join(german_sentences(count * 4, seed)).split()
    rng = random.Random(seed)
    sentences = []
    for _ in range(count):
        start = rng.randrange(0, len(pool) - WORDS_PER_SENTENCE)
        sentences.append(" ".join(pool[start : start + WORDS_PER_SENTENCE]))
    return sentences


def english_sentences(count: int, seed: int = 13) -> list[str]:
    """English news-like sentences of exactly 25 words: what a real back-translation of the German is like."""
    from tests.tiny_models import training_sentences

    pool = " ".join(s for s in training_sentences(count * 8, seed) if s.startswith("The ")).split()
    rng = random.Random(seed)
    sentences = []
    for _ in range(count):
        start = rng.randrange(0, len(pool) - WORDS_PER_SENTENCE)
        sentences.append(" ".join(pool[start : start + WORDS_PER_SENTENCE]))
    return sentences


def score_targets(count: int, seed: int = 11) -> list[str]:
    """English targets to score (forced decoding), of varying length like real back-translations."""
    from tests.tiny_models import training_sentences

    english = [s for s in training_sentences(count * 4, seed) if s.startswith("The ")]
    rng = random.Random(seed)
    return [" ".join(rng.sample(english, 2)) for _ in range(count)]


def build_model(work: Path) -> Path:
    """The random opus-mt-de-en-shaped folder, built once per work folder (~300 MB)."""
    from tests.tiny_models import OPUS_MT_DIMS, build_marian, training_sentences

    folder = work / "random-opus-mt-de-en"
    if not (folder / "model.safetensors").is_file():
        started = time.perf_counter()
        build_marian(
            folder, OPUS_MT_DIMS, spm_vocab_size=400, sentences=training_sentences(4000), spm_model_type="bpe"
        )
        print(f"built {folder} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return folder


def convert_models(folder: Path, model_dir: Path) -> None:
    """CTranslate2 conversions into mtqa's cache, done here so no measured process pays for them."""
    from mtqa.backtranslate import resolve_model

    for config in CONFIGS.values():
        if config["backend"] == "ctranslate2":
            resolve_model(
                str(folder), "ctranslate2", model_dir, offline=True, quantization=config["compute_type"]
            )


def run_child(args: argparse.Namespace) -> dict[str, Any]:
    """One configuration and task, in this (fresh) process; returns the measurements."""
    from mtqa.backtranslate import load_translator

    config = CONFIGS[args.config]
    sentences = benchmark_sentences(args.sentences)
    started = time.perf_counter()
    translator = load_translator(
        str(args.model_folder),
        config["backend"],
        device="cpu",
        model_dir=args.model_dir,
        batch_size=args.batch_size,
        offline=True,
        compute_type=config["compute_type"],
        min_output_tokens=args.output_tokens,
        max_output_tokens=args.output_tokens,
    )
    load_seconds = time.perf_counter() - started
    warm_up = sentences[: min(4, len(sentences))]
    if args.task in ("translate", "translate_scored"):
        generate = translator.translate if args.task == "translate" else translator.translate_scored
        generate(warm_up)
        started = time.perf_counter()
        generate(sentences)
        seconds = time.perf_counter() - started
        tokens = len(sentences) * args.output_tokens
    elif args.task == "roundtrip":
        english = english_sentences(len(sentences))
        round_trip(translator, warm_up, english[: len(warm_up)])
        started = time.perf_counter()
        round_trip(translator, sentences, english)
        seconds = time.perf_counter() - started
        tokens = 2 * len(sentences) * args.output_tokens
    else:
        targets = score_targets(len(sentences))
        translator.score(sentences[:4], targets[:4])
        started = time.perf_counter()
        translator.score(sentences, targets)
        seconds = time.perf_counter() - started
        tokens = sum(target_token_counts(args.model_folder, targets))
    return {
        "config": args.config,
        "task": args.task,
        "seconds": seconds,
        "segments_per_s": len(sentences) / seconds,
        "tokens_per_s": tokens / seconds,
        "load_seconds": load_seconds,
        "peak_mb": peak_memory_mb(),
        "signature": translator.signature(),
    }


def round_trip(translator: Any, german: list[str], english: list[str]) -> None:
    """The model calls ``mtqa check`` makes per segment: de->en with its confidence, then en->de."""
    translator.translate_scored(german, src="de", tgt="en")
    translator.translate(english, src="en", tgt="de")


def peak_memory_mb() -> float:
    """This process's peak resident memory. ``VmHWM`` rather than ``ru_maxrss``: Linux carries
    ``ru_maxrss`` over from the parent across fork and exec, so a child would report the parent's peak."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text(encoding="utf-8").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def target_token_counts(folder: Path, targets: list[str]) -> list[int]:
    """Scored tokens per target: the target pieces plus the final ``</s>``."""
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(model_file=str(folder / "target.spm"))
    return [len(pieces) + 1 for pieces in processor.encode(targets, out_type=str)]


def source_token_mean(folder: Path, sentences: list[str]) -> float:
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(model_file=str(folder / "source.spm"))
    return statistics.mean(len(p) + 1 for p in processor.encode(sentences, out_type=str))


def measure(
    args: argparse.Namespace, folder: Path, model_dir: Path, config: str, task: str
) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--config",
        config,
        "--task",
        task,
        "--model-folder",
        str(folder),
        "--model-dir",
        str(model_dir),
        "--sentences",
        str(args.sentences),
        "--output-tokens",
        str(args.output_tokens),
        "--batch-size",
        str(args.batch_size),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{config} {task} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def median_results(runs: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for run in runs:
        grouped.setdefault((run["config"], run["task"]), []).append(run)
    medians = {}
    for key, group in grouped.items():
        merged = dict(group[0])
        for field in ("seconds", "segments_per_s", "tokens_per_s", "load_seconds"):
            merged[field] = statistics.median(r[field] for r in group)
        merged["peak_mb"] = max(r["peak_mb"] for r in group)
        merged["rounds"] = len(group)
        medians[key] = merged
    return medians


def round_trip_rate(medians: dict[tuple[str, str], dict[str, Any]], config: str) -> float | None:
    """Segments/s of what ``mtqa check`` did per segment before the confidence came from generation:
    de->en, en->de (same cost) and a separate forced-decoding score; derived, for comparison."""
    translate, score = medians.get((config, "translate")), medians.get((config, "score"))
    if translate is None or score is None:
        return None
    return 1 / (2 / translate["segments_per_s"] + 1 / score["segments_per_s"])


def table(medians: dict[tuple[str, str], dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        f"| backend, precision (batch {args.batch_size}) | task | segments/s | tokens/s | peak MB | load s |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for config in CONFIGS:
        for task in TASKS:
            result = medians.get((config, task))
            if result is None:
                continue
            backend, precision = config.split("-", 1)
            lines.append(
                f"| {backend} {precision} | {task} | {result['segments_per_s']:.1f} | "
                f"{result['tokens_per_s']:.0f} | {result['peak_mb']:,.0f} | {result['load_seconds']:.1f} |"
            )
    lines.append("")
    for task in TASKS:
        default, baseline = medians.get((DEFAULT_CONFIG, task)), medians.get((BASELINE_CONFIG, task))
        if default and baseline:
            speedup = default["segments_per_s"] / baseline["segments_per_s"]
            lines.append(
                f"Speed-up of the default ({DEFAULT_CONFIG}) over {BASELINE_CONFIG}, {task}: {speedup:.2f}x"
            )
    round_trips = {config: round_trip_rate(medians, config) for config in CONFIGS}
    for config, rate in round_trips.items():
        measured = medians.get((config, "roundtrip"))
        if rate is not None:
            gain = (
                f" (the measured round trip is {measured['segments_per_s'] / rate:.2f}x this)"
                if measured
                else ""
            )
            lines.append(
                f"Before: 2 translations + 1 separate score per segment (derived), {config}: "
                f"{rate:.1f} segments/s{gain}"
            )
    if round_trips.get(DEFAULT_CONFIG) and round_trips.get(BASELINE_CONFIG):
        ratio = (round_trips[DEFAULT_CONFIG] or 0) / (round_trips[BASELINE_CONFIG] or 1)
        lines.append(
            f"Speed-up of the default ({DEFAULT_CONFIG}) over {BASELINE_CONFIG}, "
            f"before (derived): {ratio:.2f}x"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="64 sentences, 20 output tokens, one round")
    parser.add_argument("--sentences", type=int, help="sentences per measurement (default 256)")
    parser.add_argument("--output-tokens", type=int, help="forced output length (default 40)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, help="interleaved rounds, median reported (default 3)")
    parser.add_argument(
        "--configs", default=",".join(CONFIGS), help="comma-separated subset of configurations"
    )
    parser.add_argument(
        "--tasks", default=",".join(TASKS), help="comma-separated subset of " + ",".join(TASKS)
    )
    parser.add_argument(
        "--work-dir", type=Path, help="keep the built model here between runs (default: temp)"
    )
    parser.add_argument("--json", type=Path, help="also write every measurement to this file")
    parser.add_argument("--from-json", type=Path, help="print the table of measurements saved with --json")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--task", help=argparse.SUPPRESS)
    parser.add_argument("--model-folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--model-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.sentences = args.sentences or (64 if args.quick else 256)
    args.output_tokens = args.output_tokens or (20 if args.quick else 40)
    args.rounds = args.rounds or (1 if args.quick else 3)
    if args.child:
        print(json.dumps(run_child(args)))
        return
    if args.from_json:
        print(table(median_results(json.loads(args.from_json.read_text(encoding="utf-8"))), args))
        return

    configs = [c for c in args.configs.split(",") if c]
    tasks = [t for t in args.tasks.split(",") if t]
    unknown = sorted(set(configs) - set(CONFIGS)) + sorted(set(tasks) - set(TASKS))
    if unknown:
        raise SystemExit(f"unknown configuration or task: {', '.join(unknown)}")
    with tempfile.TemporaryDirectory(prefix="mtqa-bench-") as temporary:
        work = args.work_dir or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        folder = build_model(work)
        model_dir = work / "models"
        convert_models(folder, model_dir)
        sentences = benchmark_sentences(args.sentences)
        runs = []
        for round_number in range(args.rounds):
            for config in configs:
                for task in tasks:
                    result = measure(args, folder, model_dir, config, task)
                    result["round"] = round_number
                    runs.append(result)
                    speed, memory = result["segments_per_s"], result["peak_mb"]
                    progress = f"{config} {task}: {speed:.1f} segments/s, {memory:.0f} MB"
                    print(f"round {round_number + 1}: {progress}", file=sys.stderr)
        print(environment(args, folder, sentences))
        print()
        print(table(median_results(runs), args))
        print("\nCached re-run speed-up: see benchmarks/bench_cache.py --size opus-mt")
        if args.json:
            args.json.write_text(json.dumps(runs, indent=2) + "\n", encoding="utf-8")


def environment(args: argparse.Namespace, folder: Path, sentences: list[str]) -> str:
    import ctranslate2
    import sentencepiece

    from mtqa.backtranslate.backend import available_cores

    versions = [f"ctranslate2 {ctranslate2.__version__}", f"sentencepiece {sentencepiece.__version__}"]
    try:
        import torch
        import transformers

        versions += [f"torch {torch.__version__}", f"transformers {transformers.__version__}"]
    except ImportError:
        pass
    source_tokens = source_token_mean(folder, sentences)
    english_tokens = source_token_mean(folder, english_sentences(len(sentences)))
    cpu = platform.processor() or platform.machine()
    return (
        f"{len(sentences)} sentences of {WORDS_PER_SENTENCE} words ({source_tokens:.1f} source tokens "
        f"with </s>; the round trip's English: {english_tokens:.1f}), exactly {args.output_tokens} output "
        f"tokens, greedy, batch {args.batch_size}, "
        f"median of {args.rounds} interleaved round(s); {available_cores()} cores ({cpu}); "
        + ", ".join(versions)
    )


if __name__ == "__main__":
    main()
