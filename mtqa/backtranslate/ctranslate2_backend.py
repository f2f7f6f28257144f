"""The default backend: CTranslate2, int8 on CPU (about 3x transformers fp32 on two cores), float16 on GPU.

Tokenization uses the model's own sentencepiece files (``source.spm``/``target.spm``, carried into the
converted folder), exactly as ``MarianTokenizer`` does, so outputs match the transformers backend token
for token and no torch import is needed at run time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import ctranslate2
import sentencepiece

from mtqa.backtranslate.backend import BackendOptions, available_cores, make_signature
from mtqa.backtranslate.models import CT2_BACKEND, ResolvedModel, describe_error
from mtqa.errors import ModelUnavailableError

EOS = "</s>"
SKIPPED_IN_OUTPUT = frozenset({"</s>", "<unk>", "<pad>"})
"""Tokens ``MarianTokenizer.decode(skip_special_tokens=True)`` drops; dropped here too for equal outputs."""


class MarianCodec:
    """Sentencepiece pieces in and out, the way ``MarianTokenizer`` splits and joins them."""

    def __init__(self, folder: Path) -> None:
        self._source = sentencepiece.SentencePieceProcessor(model_file=str(folder / "source.spm"))
        self._target = sentencepiece.SentencePieceProcessor(model_file=str(folder / "target.spm"))
        self._folder = folder
        self._vocabulary: frozenset[str] | None = None

    def source_pieces(self, texts: Sequence[str]) -> list[list[str]]:
        return [list(pieces) for pieces in self._source.encode(list(texts), out_type=str)]

    def target_pieces(self, texts: Sequence[str]) -> list[list[str]]:
        return [list(pieces) for pieces in self._target.encode(list(texts), out_type=str)]

    def decode(self, tokens: Sequence[str]) -> str:
        pieces = [t for t in tokens if t not in SKIPPED_IN_OUTPUT]
        return str(self._target.decode_pieces(pieces)).replace("▁", " ").strip()

    def language_token(self, tgt: str | None) -> str | None:
        """``>>tgt<<`` when the model is a multi-target opus-mt model that knows it (e.g. ``>>ukr<<``)."""
        if not tgt:
            return None
        token = f">>{tgt}<<"
        return token if token in self.vocabulary() else None

    def vocabulary(self) -> frozenset[str]:
        if self._vocabulary is None:
            for name in ("shared_vocabulary.json", "source_vocabulary.json"):
                path = self._folder / name
                if path.is_file():
                    self._vocabulary = frozenset(json.loads(path.read_text(encoding="utf-8")))
                    break
            else:
                self._vocabulary = frozenset()
        return self._vocabulary


class CTranslate2Translator:
    """A CTranslate2 model behind the ``Translator`` protocol."""

    def __init__(self, resolved: ResolvedModel, options: BackendOptions) -> None:
        self.resolved = resolved
        self.options = options
        if not ((resolved.path / "source.spm").is_file() and (resolved.path / "target.spm").is_file()):
            raise ModelUnavailableError(
                f"model {resolved.name} at {resolved.path}: the CTranslate2 backend supports Marian "
                "(opus-mt) models with source.spm/target.spm; use --backend transformers for this model"
            )
        if options.device == "cpu":
            # Measured on 2 cores (int8, batch 32): one single-threaded worker per core translates
            # 1.3-1.6x faster than one worker with 2 threads, provided every worker gets batches.
            inter_threads, intra_threads = options.threads or available_cores(), 1
        else:
            inter_threads, intra_threads = 1, options.threads
        try:
            self._translator = ctranslate2.Translator(
                str(resolved.path),
                device=options.device,
                compute_type=options.compute_type,
                inter_threads=inter_threads,
                intra_threads=intra_threads,
            )
            self._codec = MarianCodec(resolved.path)
        except Exception as exc:  # damaged files surface as RuntimeError, OSError, ValueError...
            raise ModelUnavailableError(
                f"model {resolved.name} at {resolved.path} cannot be loaded by CTranslate2 "
                f"({describe_error(exc)}); "
                "the folder is damaged or incomplete: delete it and convert or pull the model again"
            ) from None
        self._workers = inter_threads
        self._compute_type = str(self._translator.compute_type)
        self._max_output = options.max_output_tokens or resolved.max_output_tokens
        self._signature = make_signature(resolved, CT2_BACKEND, self._compute_type, options.device)

    def signature(self) -> str:
        return self._signature

    def translate(self, texts: Sequence[str], src: str | None = None, tgt: str | None = None) -> list[str]:
        return [text for text, _ in self._generate(texts, tgt, scored=False)]

    def translate_scored(
        self, texts: Sequence[str], src: str | None = None, tgt: str | None = None
    ) -> list[tuple[str, float]]:
        return self._generate(texts, tgt, scored=True)

    def _generate(self, texts: Sequence[str], tgt: str | None, scored: bool) -> list[tuple[str, float]]:
        """Greedy translations and, when ``scored``, each one's mean log-probability per generated token.

        With ``length_penalty=0`` CTranslate2 returns the plain sum of the token log-probabilities, and
        ``return_end_token`` keeps a generated ``</s>`` in the hypothesis, so the mean counts it exactly
        as ``score_batch`` does (and leaves it out when the output was cut at the length limit). The
        minimum length stays 0 unless asked for: CTranslate2's default of 1 would bar ``</s>`` from the
        first step and renormalise that token's probability without it.
        """
        results = [("", 0.0)] * len(texts)
        todo = [i for i, text in enumerate(texts) if text.strip()]
        if not todo:
            return results
        language = self._codec.language_token(tgt)
        pieces = self._codec.source_pieces([texts[i] for i in todo])
        sources = [self._source_tokens(p, language) for p in pieces]
        order = sorted(range(len(todo)), key=lambda k: len(sources[k]))
        scoring = {"return_scores": True, "return_end_token": True, "length_penalty": 0} if scored else {}
        outputs = self._translator.translate_batch(
            [sources[k] for k in order],
            max_batch_size=self._batch_size(len(order), self.options.batch_size),
            batch_type="examples",
            beam_size=1,
            max_decoding_length=self._max_output,
            min_decoding_length=min(self.options.min_output_tokens, self._max_output),
            max_input_length=0,
            **scoring,
        )
        for k, output in zip(order, outputs, strict=True):
            tokens = output.hypotheses[0]
            confidence = output.scores[0] / len(tokens) if scored and tokens else 0.0
            results[todo[k]] = (self._codec.decode(tokens), confidence)
        return results

    def score(
        self, sources: Sequence[str], targets: Sequence[str], src: str | None = None, tgt: str | None = None
    ) -> list[float]:
        if len(sources) != len(targets):
            raise ValueError(f"score() needs as many targets as sources ({len(targets)} != {len(sources)})")
        if not sources:
            return []
        language = self._codec.language_token(tgt)
        source_tokens = [self._source_tokens(p, language) for p in self._codec.source_pieces(sources)]
        limit = self.resolved.max_source_tokens - 1
        target_tokens = [p[:limit] for p in self._codec.target_pieces(targets)]
        order = sorted(range(len(sources)), key=lambda i: (len(target_tokens[i]), len(source_tokens[i])))
        outputs = self._translator.score_batch(
            [source_tokens[i] for i in order],
            [target_tokens[i] for i in order],
            max_batch_size=self._batch_size(len(order), self.options.score_batch_size),
            batch_type="examples",
            max_input_length=0,
        )
        scores = [0.0] * len(sources)
        for i, output in zip(order, outputs, strict=True):
            scores[i] = sum(output.log_probs) / len(output.log_probs)
        return scores

    def _source_tokens(self, pieces: list[str], language: str | None) -> list[str]:
        """Pieces cut as ``MarianTokenizer(truncation=True)`` does, then ``</s>`` (CTranslate2 omits it)."""
        prefix = [language] if language else []
        limit = self.resolved.max_source_tokens - 1 - len(prefix)
        return [*prefix, *pieces[:limit], EOS]

    def _batch_size(self, count: int, largest: int) -> int:
        """Split a call into at least one batch per worker, so small calls keep every core busy."""
        per_worker = -(-count // self._workers)
        return max(1, min(largest, per_worker))


def load(resolved: ResolvedModel, options: BackendOptions) -> CTranslate2Translator:
    """Entry point named in ``backend.BACKENDS``."""
    return CTranslate2Translator(resolved, options)
