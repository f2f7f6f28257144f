"""The reach backend: any Hugging Face seq2seq translation model through transformers and PyTorch.

Slower than CTranslate2 on CPU (fp32), but it runs models CTranslate2 cannot here, such as the
multilingual M2M100/NLLB models used for sources without an opus-mt pair, and it is the reference the
CTranslate2 backend is tested against. Generation settings are set explicitly (greedy, no forced
``</s>`` at the length limit, ``<pad>`` never generated) so both backends decode the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

import torch
from transformers import (
    AutoModelForSeq2SeqLM,
    AutoTokenizer,
    GenerationConfig,
    LogitsProcessor,
    LogitsProcessorList,
)

from mtqa.backtranslate.backend import BackendOptions, make_signature
from mtqa.backtranslate.models import TRANSFORMERS_BACKEND, ResolvedModel, describe_error, quiet_transformers
from mtqa.errors import ModelUnavailableError

DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
NLLB_CODES = {"de": "deu_Latn", "en": "eng_Latn", "ru": "rus_Cyrl", "uk": "ukr_Cyrl"}
"""NLLB names languages by FLORES-200 code; the project's languages may be given as ISO codes.
Any other language is given in the model's own form (``fra_Latn``)."""
_FLORES_CODE = re.compile(r"[a-z]{3}_[A-Z][a-z]{3}")


class TransformersTranslator:
    """A Hugging Face seq2seq model behind the ``Translator`` protocol."""

    def __init__(self, resolved: ResolvedModel, options: BackendOptions) -> None:
        if options.compute_type not in DTYPES:
            raise ModelUnavailableError(
                f"compute type {options.compute_type!r} is not available with transformers; "
                f"choose from {', '.join(DTYPES)}"
            )
        self.resolved = resolved
        self.options = options
        if options.threads:
            torch.set_num_threads(options.threads)
        try:
            with quiet_transformers():
                self._tokenizer = AutoTokenizer.from_pretrained(str(resolved.path), local_files_only=True)
                model = AutoModelForSeq2SeqLM.from_pretrained(
                    str(resolved.path), local_files_only=True, dtype=DTYPES[options.compute_type]
                )
        except Exception as exc:  # transformers reports damaged folders with many error types
            raise ModelUnavailableError(
                f"model {resolved.name} at {resolved.path} cannot be loaded by transformers "
                f"({describe_error(exc)}); "
                "the folder is damaged or incomplete: download it again"
            ) from None
        self._model = model.to(options.device).eval()
        config = self._model.config
        self._is_marian = config.model_type == "marian"
        self._is_multilingual = hasattr(self._tokenizer, "src_lang") and hasattr(self._tokenizer, "tgt_lang")
        self._language_ids = _language_ids(self._tokenizer)
        self._pad_id = int(config.pad_token_id) if config.pad_token_id is not None else None
        max_output = options.max_output_tokens or resolved.max_output_tokens
        start = self._model.generation_config.decoder_start_token_id
        self._generation = GenerationConfig(
            num_beams=1,
            do_sample=False,
            max_new_tokens=max_output,
            min_new_tokens=min(options.min_output_tokens, max_output) or None,
            decoder_start_token_id=config.decoder_start_token_id if start is None else start,
            eos_token_id=config.eos_token_id,
            pad_token_id=self._pad_id,
            suppress_tokens=[self._pad_id] if self._is_marian and self._pad_id is not None else None,
        )
        # Assigned rather than passed to generate(): a passed config is merged with the model's saved
        # defaults (opus-mt's forced </s>, 4 beams), which would make outputs differ from CTranslate2.
        self._model.generation_config = self._generation
        self._signature = make_signature(resolved, TRANSFORMERS_BACKEND, options.compute_type, options.device)

    def signature(self) -> str:
        return self._signature

    def translate(self, texts: Sequence[str], src: str | None = None, tgt: str | None = None) -> list[str]:
        return [text for text, _ in self._generate(texts, src, tgt, scored=False)]

    def translate_scored(
        self, texts: Sequence[str], src: str | None = None, tgt: str | None = None
    ) -> list[tuple[str, float]]:
        return self._generate(texts, src, tgt, scored=True)

    def _generate(
        self, texts: Sequence[str], src: str | None, tgt: str | None, scored: bool
    ) -> list[tuple[str, float]]:
        results = [("", 0.0)] * len(texts)
        todo = [i for i, text in enumerate(texts) if text.strip()]
        if not todo:
            return results
        forced = self._set_languages(src, tgt)
        prepared = [self._with_language(texts[i], tgt) for i in todo]
        input_ids = self._tokenizer(prepared, **self._truncation())["input_ids"]
        order = sorted(range(len(todo)), key=lambda k: len(input_ids[k]))
        options = {} if forced is None else {"forced_bos_token_id": forced}
        with torch.inference_mode():
            for chunk in _chunks(order, self.options.batch_size):
                batch = self._pad([input_ids[k] for k in chunk])
                recorder = _PickedLogProbs() if scored else None
                processors = LogitsProcessorList([recorder] if recorder is not None else [])
                sequences = self._model.generate(**batch, **options, logits_processor=processors)
                confidences = (
                    self._mean_log_probs(sequences, recorder) if recorder is not None else [0.0] * len(chunk)
                )
                generated = sequences.tolist()
                if self._language_ids:
                    generated = [[t for t in ids if t not in self._language_ids] for ids in generated]
                decoded = self._tokenizer.batch_decode(
                    generated, skip_special_tokens=True, **self._decode_options()
                )
                for k, text, confidence in zip(chunk, decoded, confidences, strict=True):
                    results[todo[k]] = (text.strip(), confidence)
        return results

    def _mean_log_probs(self, sequences: torch.Tensor, recorder: _PickedLogProbs) -> list[float]:
        """Mean over each row's generated tokens: up to and including its first ``</s>``, not the padding
        after it (a batch runs until its longest row ends) and not the decoder start token in column 0."""
        generated = sequences[:, 1:].cpu()
        steps = generated.shape[1]
        if steps == 0:
            return [0.0] * len(sequences)
        log_probs = torch.stack(recorder.steps[:steps], dim=1).cpu()
        eos = self._generation.eos_token_id
        eos_ids = [] if eos is None else eos if isinstance(eos, list) else [eos]
        ends = torch.isin(generated, torch.tensor(eos_ids, dtype=generated.dtype))
        first_end = torch.where(ends.any(dim=1), ends.int().argmax(dim=1) + 1, steps)
        counted = torch.arange(steps).unsqueeze(0) < first_end.unsqueeze(1)
        return (log_probs.masked_fill(~counted, 0.0).sum(dim=1) / first_end).tolist()

    def score(
        self, sources: Sequence[str], targets: Sequence[str], src: str | None = None, tgt: str | None = None
    ) -> list[float]:
        if len(sources) != len(targets):
            raise ValueError(f"score() needs as many targets as sources ({len(targets)} != {len(sources)})")
        if not sources:
            return []
        self._set_languages(src, tgt)
        prepared = [self._with_language(text, tgt) for text in sources]
        encoded = self._tokenizer(prepared, text_target=list(targets), **self._truncation())
        order = sorted(
            range(len(sources)), key=lambda i: (len(encoded["labels"][i]), len(encoded["input_ids"][i]))
        )
        scores = [0.0] * len(sources)
        with torch.inference_mode():
            for chunk in _chunks(order, self.options.score_batch_size):
                for i, value in zip(chunk, self._score_batch(encoded, chunk), strict=True):
                    scores[i] = value
        return scores

    def _score_batch(self, encoded: Any, chunk: list[int]) -> list[float]:
        """Forced decoding of one length-sorted batch; the mean includes the final ``</s>``."""
        pad = self._pad_id if self._pad_id is not None else 0
        inputs = self._pad([encoded["input_ids"][i] for i in chunk])
        width = max(len(encoded["labels"][i]) for i in chunk)
        labels = torch.full((len(chunk), width), pad, dtype=torch.long)
        mask = torch.zeros((len(chunk), width), dtype=torch.bool)
        for row, i in enumerate(chunk):
            ids = encoded["labels"][i]
            labels[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
            mask[row, : len(ids)] = True
        start = torch.full((len(chunk), 1), int(self._generation.decoder_start_token_id), dtype=torch.long)
        decoder_inputs = torch.cat([start, labels[:, :-1]], dim=1).to(self.options.device)
        logits = self._model(
            input_ids=inputs["input_ids"],
            attention_mask=inputs["attention_mask"],
            decoder_input_ids=decoder_inputs,
        ).logits.float()
        if self._is_marian and self._pad_id is not None:
            # CTranslate2 drops <pad> from Marian vocabularies; excluding it here keeps the two equal.
            logits[..., self._pad_id] = float("-inf")
        log_probs = (
            torch.log_softmax(logits, dim=-1).gather(-1, labels.to(logits.device).unsqueeze(-1)).squeeze(-1)
        )
        log_probs = log_probs.cpu().masked_fill(~mask, 0.0)
        return (log_probs.sum(dim=1) / mask.sum(dim=1)).tolist()

    def _set_languages(self, src: str | None, tgt: str | None) -> int | None:
        """Point a multilingual tokenizer at ``src`` and ``tgt``; returns the token id that forces ``tgt``.

        Such a model cannot guess the languages, so a missing or unknown one is an error rather than a
        translation into some arbitrary language.
        """
        if not self._is_multilingual:
            return None
        codes = []
        for role, language in (("source", src), ("target", tgt)):
            code = self._language_code(language)
            if code is None:
                raise ModelUnavailableError(
                    f"model {self.resolved.name} is multilingual and does not know the {role} language "
                    f"{language!r}; give the language as the model names it (e.g. de, or deu_Latn for NLLB)"
                )
            codes.append(code)
        self._tokenizer.src_lang, self._tokenizer.tgt_lang = codes
        return self._language_token_id(codes[1])

    def _language_code(self, language: str | None) -> str | None:
        if not language:
            return None
        for code in (language, NLLB_CODES.get(language)):
            if code is not None and self._language_token_id(code) is not None:
                return code
        return None

    def _language_token_id(self, code: str) -> int | None:
        """The id of a language's token: M2M100 maps ``de`` to ``__de__``, NLLB's token is the code."""
        get_lang_id = getattr(self._tokenizer, "get_lang_id", None)
        if get_lang_id is not None:
            try:
                return int(get_lang_id(code))
            except KeyError:
                return None
        if code in self._tokenizer.all_special_tokens or (
            _FLORES_CODE.fullmatch(code) and code in self._tokenizer.get_vocab()
        ):
            token_id = self._tokenizer.convert_tokens_to_ids(code)
            return token_id if isinstance(token_id, int) else None
        return None

    def _pad(self, input_ids: list[list[int]]) -> Any:
        return self._tokenizer.pad({"input_ids": input_ids}, return_tensors="pt").to(self.options.device)

    def _truncation(self) -> dict[str, Any]:
        return {"truncation": True, "max_length": self.resolved.max_source_tokens}

    def _decode_options(self) -> dict[str, Any]:
        # transformers 5 decodes Marian output with the *source* spm by default; the target one is right.
        return {"use_source_tokenizer": False} if self._is_marian else {}

    def _with_language(self, text: str, tgt: str | None) -> str:
        """Prefix ``>>tgt<<`` for multi-target opus-mt models that know it, as their model cards ask."""
        if not tgt or not self._is_marian:
            return text
        token = f">>{tgt}<<"
        return (
            f"{token} {text}" if token in getattr(self._tokenizer, "supported_language_codes", ()) else text
        )


class _PickedLogProbs(LogitsProcessor):
    """Records, at each step, the log-probability of the token greedy search picks next.

    Generation appends a processor passed to it after its own (pad suppression, forced language token,
    minimum length), so this one sees the distribution greedy search takes its argmax of, and the
    log-probability of that argmax is ``max - logsumexp``. One float per row and step: ``output_scores``
    with ``compute_transition_scores`` gives the same values but keeps a vocabulary-wide row per step
    (batch 32 x 512 steps x 58,101 tokens = 3.8 GB for an opus-mt model). Computed row by row: one
    batch-wide temporary per step raised peak memory by ~150 MB on opus-mt (allocator fragmentation),
    row-sized ones leave it unchanged at the same speed.
    """

    def __init__(self) -> None:
        self.steps: list[torch.Tensor] = []

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        self.steps.append(torch.stack([row.max() - torch.logsumexp(row, dim=0) for row in scores]))
        return scores


def _language_ids(tokenizer: Any) -> frozenset[int]:
    """Ids of language tokens, dropped from outputs: not every tokenizer marks them as special."""
    mapping = getattr(tokenizer, "lang_token_to_id", None)
    return frozenset(int(i) for i in mapping.values()) if isinstance(mapping, dict) else frozenset()


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load(resolved: ResolvedModel, options: BackendOptions) -> TransformersTranslator:
    """Entry point named in ``backend.BACKENDS``."""
    return TransformersTranslator(resolved, options)
