"""Tiny but real MarianMT models built at test time, so back-translation tests never need the network.

A model built here is a genuine ``MarianMTModel`` with a ``MarianTokenizer`` (sentencepiece unigram model
trained on generated German/English sentences), saved with ``save_pretrained`` exactly like an opus-mt
folder, so it goes through the same resolve/convert/load path as a hub model. Weights are random (seeded):
outputs are nonsense but deterministic, which is all the parity and caching tests need.

``tests/conftest.py`` registers this module as a pytest plugin, so any test can ask for the fixtures::

    def test_something(tiny_marian_dir: Path) -> None:
        translator = load_translator(str(tiny_marian_dir), model_dir=tmp_path, offline=True)

``tiny_marian_dir`` is session-scoped: the model is built once per test session (~1 s after torch is
imported). ``tiny_ct2_dir`` is the same model converted to CTranslate2 float32. ``fake_hub_cache`` makes
the folder look like a pulled hub model, to test the hub-id path offline.
"""

from __future__ import annotations

import io
import json
import random
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SEED = 1234
TINY_MAX_LENGTH = 24
"""``max_length`` of the tiny model's generation config: at most 23 generated tokens, so tests stay fast."""

_GERMAN_SUBJECTS = [
    "Der Sprecher",
    "Die Regierung",
    "Der Minister",
    "Die Kommission",
    "Der Präsident",
    "Das Ministerium",
    "Die Botschaft",
    "Der Kreml",
    "Die Armee",
    "Der Bürgermeister",
    "Die Zeitung",
    "Das Parlament",
]
_GERMAN_VERBS = [
    "sagte am Montag",
    "erklärte am Dienstag",
    "betonte am Mittwoch",
    "kritisierte am Donnerstag",
    "bestätigte am Freitag",
    "wies am Samstag zurück",
    "forderte am Sonntag",
]
_GERMAN_OBJECTS = [
    "neue Gespräche über Sicherheit.",
    "die Lieferung von Waffen.",
    "eine Einigung mit Washington.",
    "die Sanktionen gegen Moskau.",
    "den Bericht der Agentur.",
    "die Lage an der Grenze.",
    "höhere Preise für Gas und Öl.",
    "die Freilassung der Gefangenen.",
]
_ENGLISH_SUBJECTS = [
    "The spokesman",
    "The government",
    "The minister",
    "The commission",
    "The president",
    "The ministry",
    "The embassy",
    "The Kremlin",
    "The army",
    "The mayor",
    "The newspaper",
    "The parliament",
]
_ENGLISH_VERBS = [
    "said on Monday",
    "explained on Tuesday",
    "stressed on Wednesday",
    "criticised on Thursday",
    "confirmed on Friday",
    "rejected on Saturday",
    "demanded on Sunday",
]
_ENGLISH_OBJECTS = [
    "new talks about security.",
    "the delivery of weapons.",
    "an agreement with Washington.",
    "the sanctions against Moscow.",
    "the report of the agency.",
    "the situation at the border.",
    "higher prices for gas and oil.",
    "the release of the prisoners.",
]


def training_sentences(count: int = 400, seed: int = SEED) -> list[str]:
    """German and English news-like sentences to train the sentencepiece model on.

    The generated sentences alone repeat too few words for ~300 pieces, so the example article's
    paragraphs are added.
    """
    rng = random.Random(seed)
    article = (DATA / "peskov-washington.de.txt").read_text(encoding="utf-8")
    sentences = [line for line in article.splitlines() if line.strip()]
    for index in range(count):
        if index % 2 == 0:
            parts = (_GERMAN_SUBJECTS, _GERMAN_VERBS, _GERMAN_OBJECTS)
        else:
            parts = (_ENGLISH_SUBJECTS, _ENGLISH_VERBS, _ENGLISH_OBJECTS)
        sentences.append(" ".join(rng.choice(words) for words in parts))
    return sentences


def german_sentences(count: int, seed: int = SEED + 1) -> list[str]:
    """German sentences of varying length (one to three clauses) to translate in tests and benchmarks."""
    rng = random.Random(seed)
    sentences = []
    for _ in range(count):
        clauses = [
            " ".join(rng.choice(words) for words in (_GERMAN_SUBJECTS, _GERMAN_VERBS, _GERMAN_OBJECTS))
            for _ in range(rng.randint(1, 3))
        ]
        sentences.append(" ".join(clauses))
    return sentences


@dataclass(frozen=True)
class MarianDims:
    """Every dimension of a Marian model, explicit: ``MarianConfig``'s defaults are not opus-mt's."""

    d_model: int = 16
    encoder_layers: int = 1
    decoder_layers: int = 1
    attention_heads: int = 2
    ffn_dim: int = 32
    vocab_size: int | None = None
    """Model vocabulary including ``<pad>``; None = exactly the sentencepiece pieces + specials."""
    max_position_embeddings: int = 256
    max_length: int = TINY_MAX_LENGTH
    init_std: float = 0.5
    """Large enough that a d_model-16 random model's output depends on its input (0.02 gives one output)."""
    pad_logit_bias: float = 5.0


OPUS_MT_DIMS = MarianDims(
    d_model=512,
    encoder_layers=6,
    decoder_layers=6,
    attention_heads=8,
    ffn_dim=2048,
    vocab_size=58101,
    max_position_embeddings=512,
    max_length=512,
    init_std=0.02,
    pad_logit_bias=0.0,
)
"""The architecture of Helsinki-NLP/opus-mt-de-en (random weights when built here)."""


def train_sentencepiece(sentences: list[str], vocab_size: int = 300, model_type: str = "unigram") -> bytes:
    """A sentencepiece model (serialized) trained in memory; ~0.2 s for 300 pieces.

    On this small text a unigram model stops near 400 pieces whatever is asked; the benchmark uses
    ``bpe`` with 400 pieces to get opus-mt's ~1.4 tokens per German word.
    """
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_writer=model,
        vocab_size=vocab_size,
        model_type=model_type,
        character_coverage=1.0,
        hard_vocab_limit=False,
        bos_id=-1,
        eos_id=-1,
        unk_id=0,
        num_threads=1,
        minloglevel=2,
    )
    return model.getvalue()


def marian_vocabulary(spm_model: bytes, vocab_size: int | None = None) -> dict[str, int]:
    """opus-mt's layout: ``</s>`` 0, ``<unk>`` 1, the pieces, dummies up to ``vocab_size``, ``<pad>`` last.

    ``<pad>`` must be the last id: the CTranslate2 converter drops the last row (the decoder starts from
    a zero embedding instead).
    """
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=spm_model)
    pieces = [
        processor.id_to_piece(i)
        for i in range(processor.get_piece_size())
        if not (processor.is_unknown(i) or processor.is_control(i))
    ]
    tokens = ["</s>", "<unk>", *pieces]
    if vocab_size is not None:
        if vocab_size < len(tokens) + 1:
            raise ValueError(f"vocab_size {vocab_size} is smaller than the {len(tokens) + 1} real tokens")
        tokens += [f"<dummy{i}>" for i in range(vocab_size - len(tokens) - 1)]
    tokens.append("<pad>")
    return {token: index for index, token in enumerate(tokens)}


def build_marian(
    folder: Path,
    dims: MarianDims = MarianDims(),
    seed: int = SEED,
    spm_vocab_size: int = 300,
    sentences: list[str] | None = None,
    spm_model_type: str = "unigram",
) -> Path:
    """Train a tokenizer, build a random ``MarianMTModel`` with ``dims`` and save both into ``folder``.

    Source and target share one sentencepiece model (trained on German and English), like opus-mt's
    shared vocabulary. Generation defaults mirror opus-mt's config except greedy search.
    """
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    spm_model = train_sentencepiece(sentences or training_sentences(), spm_vocab_size, spm_model_type)
    vocab = marian_vocabulary(spm_model, dims.vocab_size)
    pad_id = len(vocab) - 1
    work = folder / ".tokenizer-src"
    work.mkdir(exist_ok=True)
    (work / "source.spm").write_bytes(spm_model)
    (work / "target.spm").write_bytes(spm_model)
    (work / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
        tokenizer = MarianTokenizer(
            source_spm=str(work / "source.spm"),
            target_spm=str(work / "target.spm"),
            vocab=str(work / "vocab.json"),
            source_lang="de",
            target_lang="en",
            model_max_length=dims.max_position_embeddings,
        )
    config = MarianConfig(
        vocab_size=len(vocab),
        d_model=dims.d_model,
        encoder_layers=dims.encoder_layers,
        decoder_layers=dims.decoder_layers,
        encoder_attention_heads=dims.attention_heads,
        decoder_attention_heads=dims.attention_heads,
        encoder_ffn_dim=dims.ffn_dim,
        decoder_ffn_dim=dims.ffn_dim,
        max_position_embeddings=dims.max_position_embeddings,
        init_std=dims.init_std,
        activation_function="swish",
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        dropout=0.0,
        attention_dropout=0.0,
        activation_dropout=0.0,
        pad_token_id=pad_id,
        eos_token_id=0,
        decoder_start_token_id=pad_id,
        forced_eos_token_id=0,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    with torch.no_grad():
        # opus-mt never emits <pad> (bad_words_ids) and CTranslate2 drops it from the vocabulary; a strong
        # <pad> logit makes any backend that generates it or counts it in a softmax fail the parity tests.
        model.final_logits_bias[0, pad_id] = dims.pad_logit_bias
    model.generation_config = GenerationConfig(
        max_length=dims.max_length,
        num_beams=1,
        do_sample=False,
        bad_words_ids=[[pad_id]],
        pad_token_id=pad_id,
        eos_token_id=0,
        decoder_start_token_id=pad_id,
        forced_eos_token_id=0,
    )
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    for file in work.iterdir():
        file.unlink()
    work.rmdir()
    return folder


def build_tiny_marian(folder: Path, seed: int = SEED) -> Path:
    """The tiny test model: d_model 16, one encoder and one decoder layer, ~300 pieces."""
    return build_marian(folder, MarianDims(), seed=seed)


def build_tiny_m2m100(folder: Path, seed: int = SEED) -> Path:
    """A tiny multilingual model (M2M100 layout: ``__de__``-style language tokens, forced target token).

    Stands in for NLLB/M2M100, which the transformers backend runs when no opus-mt pair exists.
    """
    import torch
    from transformers import GenerationConfig, M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    spm_model = train_sentencepiece(training_sentences(), 300)
    pieces = [p for p in marian_vocabulary(spm_model) if p not in ("</s>", "<unk>", "<pad>")]
    vocab = {token: index for index, token in enumerate(["<s>", "<pad>", "</s>", "<unk>", *pieces])}
    work = folder / ".tokenizer-src"
    work.mkdir(exist_ok=True)
    (work / "spm.model").write_bytes(spm_model)
    (work / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = M2M100Tokenizer(
        vocab_file=str(work / "vocab.json"), spm_file=str(work / "spm.model"), model_max_length=256
    )
    config = M2M100Config(
        vocab_size=max(tokenizer.lang_token_to_id.values()) + 1 + tokenizer.num_madeup_words,
        d_model=16,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        max_position_embeddings=256,
        init_std=0.5,
        scale_embedding=True,
        dropout=0.0,
        attention_dropout=0.0,
        activation_dropout=0.0,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
    )
    torch.manual_seed(seed)
    model = M2M100ForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(
        max_length=TINY_MAX_LENGTH,
        num_beams=1,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
    )
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    for file in work.iterdir():
        file.unlink()
    work.rmdir()
    return folder


def convert_to_ct2(folder: Path, out: Path, quantization: str = "float32") -> Path:
    """Convert a saved Marian folder with CTranslate2's own converter, carrying the tokenizer along."""
    from ctranslate2.converters import TransformersConverter

    copy = [
        name for name in ("source.spm", "target.spm", "generation_config.json") if (folder / name).exists()
    ]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
        converter = TransformersConverter(str(folder), copy_files=copy)
        converter.convert(str(out), quantization=quantization, force=True)
    return out


def fake_hub_cache(cache_root: Path, repo_id: str, folder: Path, revision: str = "0" * 40) -> Path:
    """Lay ``folder`` out as a Hugging Face hub cache entry of ``repo_id`` (snapshot + ``refs/main``).

    Point ``huggingface_hub.constants.HF_HUB_CACHE`` at ``cache_root`` (monkeypatch) and offline
    resolution of ``repo_id`` finds it exactly as it finds a pulled hub model.
    """
    import shutil

    repo = cache_root / f"models--{repo_id.replace('/', '--')}"
    snapshot = repo / "snapshots" / revision
    if not snapshot.exists():
        shutil.copytree(folder, snapshot)
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    (repo / "refs" / "main").write_text(revision, encoding="utf-8")
    return snapshot


@pytest.fixture(scope="session")
def tiny_marian_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A saved tiny MarianMT folder (model + tokenizer), built once per test session. Do not modify it."""
    yield build_tiny_marian(tmp_path_factory.mktemp("tiny-marian") / "tiny-opus-mt-de-en")


@pytest.fixture(scope="session")
def tiny_m2m100_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A saved tiny multilingual (M2M100-style) folder, built once per test session."""
    yield build_tiny_m2m100(tmp_path_factory.mktemp("tiny-m2m100") / "tiny-m2m100")


@pytest.fixture(scope="session")
def tiny_ct2_dir(tiny_marian_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``tiny_marian_dir`` converted to a CTranslate2 float32 folder (used as is by the ct2 backend)."""
    yield convert_to_ct2(tiny_marian_dir, tmp_path_factory.mktemp("tiny-ct2") / "tiny-ct2-float32")
