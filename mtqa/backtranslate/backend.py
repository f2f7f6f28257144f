"""The protocol every translation backend implements, and loading a backend by name.

Backends live in their own modules and are imported only when asked for, so ``import mtqa`` never pays
for torch or ctranslate2 (sacrebleu's lazy-metric pattern). ``load_translator`` is the one entry point:
it resolves the model (``models.resolve_model``), picks device and precision, and hands a ready folder
to the backend.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from mtqa import __version__
from mtqa.backtranslate.models import (
    CT2_BACKEND,
    INSTALL_HINTS,
    TRANSFORMERS_BACKEND,
    ResolvedModel,
    resolve_model,
)
from mtqa.errors import ModelUnavailableError

BACKENDS = {
    CT2_BACKEND: "mtqa.backtranslate.ctranslate2_backend",
    TRANSFORMERS_BACKEND: "mtqa.backtranslate.transformers_backend",
}
DEVICES = ("auto", "cpu", "cuda")
_INSTALL_HINTS = INSTALL_HINTS


def split_backend(model: str, default: str) -> tuple[str, str]:
    """``transformers:facebook/nllb-200-distilled-600M`` picks the backend for one model.

    Lets a CTranslate2 run use a multilingual model that only transformers can run for one source
    language; without a known backend prefix the model runs on ``default``.
    """
    prefix, separator, rest = model.partition(":")
    if separator and prefix in BACKENDS and rest:
        return prefix, rest
    return default, model


@runtime_checkable
class Translator(Protocol):
    """A loaded translation model. Every method keeps the order of its inputs; empty input gives []."""

    def translate(self, texts: Sequence[str], src: str | None = None, tgt: str | None = None) -> list[str]:
        """Greedy (one-beam) translations; ``src``/``tgt`` pick the languages of multilingual models."""
        ...

    def translate_scored(
        self, texts: Sequence[str], src: str | None = None, tgt: str | None = None
    ) -> list[tuple[str, float]]:
        """``translate`` plus each output's mean log-probability per generated token, from the same pass.

        Greedy search computes the probability of every token it emits, so the confidence of a translation
        costs no second (forced-decoding) pass. Tokens are counted as ``score`` counts them, the final
        ``</s>`` included; an output cut at the length limit has no ``</s>``, and ``score`` of its text
        would count one the model never produced. Each probability comes from the distribution the token
        was picked from, with ``<pad>`` excluded as in ``score``; where generation constrains it, so does
        the probability (a multilingual model's forced target-language token counts as certain, a minimum
        output length renormalises without ``</s>``). A blank text gives ``("", 0.0)`` without a model
        call, as ``translate`` gives "" for it.
        """
        ...

    def score(
        self, sources: Sequence[str], targets: Sequence[str], src: str | None = None, tgt: str | None = None
    ) -> list[float]:
        """Mean log-probability per target token (final ``</s>`` included) of each target given its source."""
        ...

    def signature(self) -> str:
        """Model, revision, backend, precision, device and mtqa version: what a cached score depends on."""
        ...


@dataclass(frozen=True)
class BackendOptions:
    """How a backend runs a model; every field already resolved (no "auto")."""

    device: str
    compute_type: str
    batch_size: int = 32
    score_batch_size: int = 16
    """Scoring computes a full log-softmax over the vocabulary per token: smaller batches bound memory."""
    threads: int = 0
    """CPU threads in total; 0 = every core available to this process."""
    max_output_tokens: int | None = None
    """None = the model's own limit (``ResolvedModel.max_output_tokens``)."""
    min_output_tokens: int = 0
    """Forces outputs to at least this length; only benchmarks set it (with max for a fixed length)."""


def available_cores() -> int:
    """CPU cores this process may use (the affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def resolve_device(device: str, backend: str) -> str:
    """``auto`` becomes ``cuda`` when the backend sees a GPU, else ``cpu``."""
    if device not in DEVICES:
        raise ModelUnavailableError(f"device {device!r} is not one of {', '.join(DEVICES)}")
    if device != "auto":
        return device
    try:
        if backend == CT2_BACKEND:
            import ctranslate2

            return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except ImportError:
        raise ModelUnavailableError(
            f"the {backend} backend is not installed; run: {_INSTALL_HINTS[backend]}"
        ) from None


def default_compute_type(backend: str, device: str) -> str:
    """int8 for CTranslate2 on CPU (3x transformers fp32 here), float16 on GPU; transformers fp32 on CPU."""
    if backend == CT2_BACKEND:
        return "float16" if device == "cuda" else "int8"
    return "float16" if device == "cuda" else "float32"


def make_signature(resolved: ResolvedModel, backend: str, compute_type: str, device: str) -> str:
    """The signature string of a loaded model, in the format scores and caches record."""
    return (
        f"model={resolved.name}@{resolved.revision}|backend={backend}|compute={compute_type}"
        f"|device={device}|mtqa={__version__}"
    )


def load_translator(
    model: str,
    backend: str = CT2_BACKEND,
    device: str = "auto",
    model_dir: Path | None = None,
    batch_size: int = 32,
    offline: bool | None = None,
    *,
    compute_type: str | None = None,
    threads: int = 0,
    max_output_tokens: int | None = None,
    min_output_tokens: int = 0,
) -> Translator:
    """Resolve ``model`` (hub id or folder) and load it with ``backend``.

    Raises ``ModelUnavailableError`` saying why and which command fixes it; never a raw traceback.
    """
    if backend not in BACKENDS:
        raise ModelUnavailableError(
            f"unknown back-translation backend {backend!r}; choose from {', '.join(BACKENDS)}"
        )
    if batch_size <= 0:
        raise ModelUnavailableError(f"batch size must be positive, got {batch_size}")
    resolved_device = resolve_device(device, backend)
    compute = compute_type or default_compute_type(backend, resolved_device)
    resolved = resolve_model(model, backend, model_dir, offline, quantization=compute)
    try:
        module = importlib.import_module(BACKENDS[backend])
    except ImportError as exc:
        raise ModelUnavailableError(
            f"the {backend} backend cannot be imported ({exc}); run: {_INSTALL_HINTS[backend]}"
        ) from None
    options = BackendOptions(
        device=resolved_device,
        compute_type=compute,
        batch_size=batch_size,
        score_batch_size=min(batch_size, 16),
        threads=threads,
        max_output_tokens=max_output_tokens,
        min_output_tokens=min_output_tokens,
    )
    translator: Translator = module.load(resolved, options)
    return translator
