"""Both backends on the same tiny Marian model: same greedy output, close scores, order kept, no surprises.

Tolerances (mean token log-probability of a target, natural log):
- CTranslate2 float32 vs transformers fp32: 1e-3 (measured ~1e-6: the same arithmetic in another library);
- CTranslate2 int8 vs transformers fp32: mean difference 0.1, largest 0.5 (measured 0.03-0.05 and
  0.20-0.37 on this deliberately large-weighted d_model-16 model; on the real opus-mt architecture summed
  log-probabilities differ by up to 0.31, i.e. ~0.01 per token). int8 greedy outputs may differ from
  fp32 (13 of 24 equal here), so only scores of the same targets are compared.

``translate_scored`` (the confidence taken from generation) against ``score`` of its own output, in the
same configuration: 1e-3 in float32 (measured ~1e-6), 5e-3 in int8 (measured ~3e-7; 5e-3 is the bound
the scorer tests allow for int8 batch-composition noise). Across backends it keeps the tolerances above
(measured: float32 1.5e-6; int8 mean 0.02, largest 0.11 on the outputs equal to fp32's).
"""

from __future__ import annotations

import random
import re
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mtqa.backtranslate import Translator, load_translator, resolve_model
from mtqa.backtranslate.backend import available_cores, split_backend
from mtqa.errors import ModelUnavailableError
from tests.tiny_models import TINY_MAX_LENGTH, german_sentences

SENTENCES = [
    *german_sentences(20),
    "Peskow.",
    "„Wir sind bereit“, sagte Dmitri Peskow am Montag in Moskau.",
    "Zahlen: 1.234,5 Prozent – 12 Uhr.",
    "Kreml",
]
SCORED_SENTENCES = [*german_sentences(100), *SENTENCES[20:]]
"""More sentences for ``translate_scored`` against ``score``: only about one output in six of the tiny
model both ends with ``</s>`` and re-tokenises into the tokens it was generated as (see below)."""
CONFIGS = {
    "ctranslate2-float32": ("ctranslate2", "float32"),
    "ctranslate2-int8": ("ctranslate2", "int8"),
    "transformers-float32": ("transformers", "float32"),
}


def load(folder: Path, model_dir: Path, config: str, **options: Any) -> Translator:
    """The tiny model with one of ``CONFIGS``, offline, through the public entry point."""
    backend, compute_type = CONFIGS[config]
    return load_translator(
        str(folder), backend, "cpu", model_dir, offline=True, compute_type=compute_type, **options
    )


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mtqa-models")


@pytest.fixture(scope="module")
def translators(tiny_marian_dir: Path, model_dir: Path) -> Iterator[dict[str, Translator]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        yield {config: load(tiny_marian_dir, model_dir, config) for config in CONFIGS}


@pytest.fixture(scope="module")
def one_at_a_time(translators: dict[str, Translator]) -> dict[str, dict[str, tuple[str, float]]]:
    """Per configuration: each sentence translated and scored alone (batch of one, no padding)."""
    results = {}
    for config in ("ctranslate2-float32", "transformers-float32"):
        translator = translators[config]
        translations = [translator.translate([text])[0] for text in SENTENCES]
        results[config] = {
            text: (translation, translator.score([text], [translation])[0])
            for text, translation in zip(SENTENCES, translations, strict=True)
        }
    return results


@pytest.fixture(scope="module")
def scored_one_at_a_time(translators: dict[str, Translator]) -> dict[str, dict[str, tuple[str, float]]]:
    """Per configuration: each sentence through ``translate_scored`` alone (batch of one, no padding)."""
    return {
        config: {text: translators[config].translate_scored([text])[0] for text in SENTENCES}
        for config in ("ctranslate2-float32", "transformers-float32")
    }


@pytest.fixture(scope="module")
def reference_translations(translators: dict[str, Translator]) -> list[str]:
    return translators["transformers-float32"].translate(SENTENCES)


def test_backends_give_the_same_greedy_output(
    translators: dict[str, Translator], reference_translations: list[str]
) -> None:
    assert translators["ctranslate2-float32"].translate(SENTENCES) == reference_translations
    assert len(set(reference_translations)) > len(SENTENCES) // 2, "the tiny model ignores its input"


@pytest.mark.parametrize(
    ("config", "mean_tolerance", "max_tolerance"),
    [("ctranslate2-float32", 1e-3, 1e-3), ("ctranslate2-int8", 0.1, 0.5)],
)
def test_backends_give_close_log_probabilities(
    translators: dict[str, Translator],
    reference_translations: list[str],
    config: str,
    mean_tolerance: float,
    max_tolerance: float,
) -> None:
    mismatched = reference_translations[1:] + reference_translations[:1]
    for targets in (reference_translations, mismatched):
        expected = translators["transformers-float32"].score(SENTENCES, targets)
        actual = translators[config].score(SENTENCES, targets)
        differences = [abs(a - e) for a, e in zip(actual, expected, strict=True)]
        assert statistics.mean(differences) <= mean_tolerance
        assert max(differences) <= max_tolerance


@pytest.mark.parametrize("config", CONFIGS)
def test_scores_are_mean_log_probabilities(
    translators: dict[str, Translator], reference_translations: list[str], config: str
) -> None:
    """A model's own greedy output is likelier than another sentence's; every mean is a log-probability."""
    translator = translators[config]
    own = translator.score(SENTENCES, reference_translations)
    other = translator.score(SENTENCES, reference_translations[1:] + reference_translations[:1])
    assert all(score < 0 for score in own + other)
    assert statistics.mean(own) > statistics.mean(other)


@pytest.mark.parametrize("config", CONFIGS)
def test_results_are_deterministic(translators: dict[str, Translator], config: str) -> None:
    translator = translators[config]
    assert translator.translate(SENTENCES) == translator.translate(SENTENCES)
    targets = translator.translate(SENTENCES)
    assert translator.score(SENTENCES, targets) == translator.score(SENTENCES, targets)
    assert translator.translate_scored(SENTENCES) == translator.translate_scored(SENTENCES)


def generated_like_scored(
    model_dir: Path, tiny_marian_dir: Path, compute_type: str, sources: list[str], translations: list[str]
) -> list[int]:
    """Indices of the outputs that ``score`` sees token for token as they were generated.

    That needs the generation to have ended with ``</s>`` (most of the random tiny model's outputs run to
    the length limit, where ``score`` would add a ``</s>`` never generated) and the text to re-tokenise
    into the generated pieces (its nonsense often glues pieces without a word boundary, "onen" + "onen",
    which re-encode differently). The generated pieces are read from CTranslate2 itself on the same
    converted folder, independently of both backends.
    """
    import ctranslate2
    import sentencepiece

    folder = resolve_model(
        str(tiny_marian_dir), "ctranslate2", model_dir, offline=True, quantization=compute_type
    )
    source = sentencepiece.SentencePieceProcessor(model_file=str(folder.path / "source.spm"))
    target = sentencepiece.SentencePieceProcessor(model_file=str(folder.path / "target.spm"))
    translator = ctranslate2.Translator(str(folder.path), device="cpu", compute_type=compute_type)
    outputs = translator.translate_batch(
        [[*pieces, "</s>"] for pieces in source.encode(sources, out_type=str)],
        beam_size=1,
        max_decoding_length=TINY_MAX_LENGTH - 1,
        min_decoding_length=0,
        return_end_token=True,
    )
    return [
        i
        for i, (output, translation) in enumerate(zip(outputs, translations, strict=True))
        if output.hypotheses[0][-1:] == ["</s>"]
        and target.encode(translation, out_type=str) == output.hypotheses[0][:-1]
    ]


@pytest.mark.parametrize(
    ("config", "tolerance"),
    [("ctranslate2-float32", 1e-3), ("ctranslate2-int8", 5e-3), ("transformers-float32", 1e-3)],
)
def test_translate_scored_gives_the_translation_and_its_score(
    translators: dict[str, Translator],
    model_dir: Path,
    tiny_marian_dir: Path,
    config: str,
    tolerance: float,
) -> None:
    translator = translators[config]
    scored = translator.translate_scored(SCORED_SENTENCES)
    translations = [text for text, _ in scored]
    assert translations == translator.translate(SCORED_SENTENCES)
    assert all(confidence < 0 for _, confidence in scored)
    compute_type = "int8" if config == "ctranslate2-int8" else "float32"
    same = generated_like_scored(model_dir, tiny_marian_dir, compute_type, SCORED_SENTENCES, translations)
    assert len(same) >= 10, "too few outputs to compare with score()"
    expected = translator.score([SCORED_SENTENCES[i] for i in same], [translations[i] for i in same])
    assert [scored[i][1] for i in same] == pytest.approx(expected, abs=tolerance)


@pytest.mark.parametrize(
    ("config", "mean_tolerance", "max_tolerance"),
    [("ctranslate2-float32", 1e-3, 1e-3), ("ctranslate2-int8", 0.1, 0.5)],
)
def test_backends_give_the_same_generation_confidence(
    translators: dict[str, Translator], config: str, mean_tolerance: float, max_tolerance: float
) -> None:
    """Every output, including those cut at the length limit, which ``score`` cannot check."""
    expected = translators["transformers-float32"].translate_scored(SCORED_SENTENCES)
    actual = translators[config].translate_scored(SCORED_SENTENCES)
    if config == "ctranslate2-float32":
        assert [text for text, _ in actual] == [text for text, _ in expected]
    pairs = [(a, e) for (text, a), (reference, e) in zip(actual, expected, strict=True) if text == reference]
    assert len(pairs) > len(SCORED_SENTENCES) // 3
    differences = [abs(a - e) for a, e in pairs]
    assert statistics.mean(differences) <= mean_tolerance
    assert max(differences) <= max_tolerance


@pytest.mark.parametrize("batch_size", [1, 3, 7, 64])
@pytest.mark.parametrize("config", ["ctranslate2-float32", "transformers-float32"])
def test_order_is_kept_whatever_the_batching(
    tiny_marian_dir: Path,
    model_dir: Path,
    one_at_a_time: dict[str, dict[str, tuple[str, float]]],
    scored_one_at_a_time: dict[str, dict[str, tuple[str, float]]],
    config: str,
    batch_size: int,
) -> None:
    shuffled = SENTENCES[:]
    random.Random(batch_size).shuffle(shuffled)
    alone = [one_at_a_time[config][text] for text in shuffled]
    batched = load(tiny_marian_dir, model_dir, config, batch_size=batch_size)
    translations = [translation for translation, _ in alone]
    assert batched.translate(shuffled) == translations
    assert batched.score(shuffled, translations) == pytest.approx([score for _, score in alone], abs=1e-4)
    scored_alone = [scored_one_at_a_time[config][text] for text in shuffled]
    scored = batched.translate_scored(shuffled)
    assert [text for text, _ in scored] == [text for text, _ in scored_alone]
    assert [value for _, value in scored] == pytest.approx([value for _, value in scored_alone], abs=1e-4)


@pytest.mark.parametrize("config", CONFIGS)
def test_empty_input(translators: dict[str, Translator], config: str) -> None:
    translator = translators[config]
    assert translator.translate([]) == []
    assert translator.score([], []) == []
    assert translator.translate(["", "  ", SENTENCES[0]])[:2] == ["", ""]
    assert translator.translate_scored([]) == []
    assert translator.translate_scored(["", "  ", SENTENCES[0]])[:2] == [("", 0.0), ("", 0.0)]
    assert len(translator.score(["", SENTENCES[0]], [SENTENCES[0], ""])) == 2


@pytest.mark.parametrize("config", CONFIGS)
def test_score_needs_one_target_per_source(translators: dict[str, Translator], config: str) -> None:
    with pytest.raises(ValueError, match="as many targets as sources"):
        translators[config].score(["a", "b"], ["a"])


@pytest.mark.parametrize(
    ("config", "compute"),
    [
        ("ctranslate2-float32", "float32"),
        ("ctranslate2-int8", "int8_float32"),
        ("transformers-float32", "float32"),
    ],
)
def test_signature(
    translators: dict[str, Translator],
    tiny_marian_dir: Path,
    config: str,
    compute: str,
) -> None:
    backend = CONFIGS[config][0]
    pattern = (
        rf"model={re.escape(tiny_marian_dir.name)}@[0-9a-f]{{16}}\|backend={backend}"
        rf"\|compute={compute}\|device=cpu\|mtqa=\d+\.\d+\.\d+"
    )
    assert re.fullmatch(pattern, translators[config].signature())


@pytest.mark.parametrize("length", [4, 11])
def test_fixed_output_length_is_the_same_in_both_backends(
    tiny_marian_dir: Path,
    model_dir: Path,
    length: int,
) -> None:
    """What the benchmark relies on: min = max output tokens forces the length, identically."""
    outputs = [
        load(
            tiny_marian_dir, model_dir, config, min_output_tokens=length, max_output_tokens=length
        ).translate(SENTENCES[:6])
        for config in ("ctranslate2-float32", "transformers-float32")
    ]
    assert outputs[0] == outputs[1]
    unforced = load(tiny_marian_dir, model_dir, "ctranslate2-float32")
    for forced, free in zip(outputs[0], unforced.translate(SENTENCES[:6]), strict=True):
        assert free.startswith(forced) or forced.startswith(free)


def test_available_cores_is_positive() -> None:
    assert available_cores() >= 1


@pytest.fixture(scope="module")
def multilingual(tiny_m2m100_dir: Path, model_dir: Path) -> Translator:
    return load_translator(str(tiny_m2m100_dir), "transformers", "cpu", model_dir, offline=True)


def test_multilingual_model_translates_into_the_language_asked_for(multilingual: Translator) -> None:
    english = multilingual.translate(SENTENCES, src="de", tgt="en")
    french = multilingual.translate(SENTENCES, src="de", tgt="fr")
    assert english != french
    assert multilingual.translate(SENTENCES, src="de", tgt="en") == english
    assert not any("__" in text for text in english + french), "a language token leaked into the output"


def test_multilingual_translate_scored_gives_the_same_translations(multilingual: Translator) -> None:
    """The forced target-language token is generated, counted and then dropped from the text."""
    for tgt in ("en", "fr"):
        scored = multilingual.translate_scored(["", *SENTENCES], src="de", tgt=tgt)
        assert scored[0] == ("", 0.0)
        assert [text for text, _ in scored[1:]] == multilingual.translate(SENTENCES, src="de", tgt=tgt)
        assert all(confidence < 0 for _, confidence in scored[1:])


def test_multilingual_scores_depend_on_the_languages(multilingual: Translator) -> None:
    english = multilingual.translate(SENTENCES, src="de", tgt="en")
    as_english = multilingual.score(SENTENCES, english, src="de", tgt="en")
    assert as_english == multilingual.score(SENTENCES, english, src="de", tgt="en")
    assert as_english != multilingual.score(SENTENCES, english, src="de", tgt="fr")
    assert as_english != multilingual.score(SENTENCES, english, src="ru", tgt="en")


@pytest.mark.parametrize(("src", "tgt"), [("de", None), (None, "en"), ("de", "xx"), ("deu_Latn", "en")])
def test_multilingual_model_needs_languages_it_knows(
    multilingual: Translator, src: str | None, tgt: str | None
) -> None:
    with pytest.raises(ModelUnavailableError, match="is multilingual"):
        multilingual.translate(SENTENCES[:2], src=src, tgt=tgt)


def test_ctranslate2_refuses_a_model_it_cannot_tokenize(tiny_m2m100_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="use --backend transformers"):
        load_translator(str(tiny_m2m100_dir), "ctranslate2", "cpu", tmp_path, offline=True)
    assert list(tmp_path.iterdir()) == [], "converted before finding out it cannot run the model"


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("Helsinki-NLP/opus-mt-de-en", ("ctranslate2", "Helsinki-NLP/opus-mt-de-en")),
        (
            "transformers:facebook/nllb-200-distilled-600M",
            ("transformers", "facebook/nllb-200-distilled-600M"),
        ),
        ("ctranslate2:/models/de-en", ("ctranslate2", "/models/de-en")),
        ("C:/models/de-en", ("ctranslate2", "C:/models/de-en")),
        ("transformers:", ("ctranslate2", "transformers:")),
    ],
)
def test_split_backend(spec: str, expected: tuple[str, str]) -> None:
    assert split_backend(spec, "ctranslate2") == expected
