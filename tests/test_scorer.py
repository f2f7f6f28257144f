"""The back-translation scorer on a tiny real MarianMT model: values, caching, batching, failures, findings.

The tiny model is random, so its translations are nonsense, but they are real model outputs: every test
here checks what the scorer does with them (dedup, cache, alignment, thresholds), never mocked scores.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from sacrebleu.metrics import BLEU, CHRF, TER

from mtqa.backtranslate.backend import Translator, load_translator
from mtqa.backtranslate.cache import cache_key
from mtqa.backtranslate.metrics import aligned_reference_pairs, corpus_reference_scores
from mtqa.backtranslate.scorer import (
    DEFAULT_THRESHOLDS,
    ArticleScores,
    Scorer,
    build_scorer,
)
from mtqa.config import BacktranslationSettings
from mtqa.errors import ModelUnavailableError
from mtqa.model import Article, Segment
from mtqa.segment import sentences
from tests.conftest import DATA
from tests.tiny_models import german_sentences

EXAMPLE = (DATA / "peskov-washington.de.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Converted models live here for the whole module, so the tiny model is converted once."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def settings(tiny_marian_dir: Path, model_dir: Path, tmp_path: Path) -> BacktranslationSettings:
    return BacktranslationSettings(
        de_en=str(tiny_marian_dir),
        en_de=str(tiny_marian_dir),
        model_dir=str(model_dir),
        cache=str(tmp_path / "translations.sqlite"),
    )


class Counting:
    """A real translator that records every text it is asked to translate or score."""

    def __init__(self, inner: Translator, fail_above: int | None = None) -> None:
        self.inner = inner
        self.translated: list[str] = []
        """Texts given to ``translate`` or ``translate_scored``."""
        self.translated_scored: list[str] = []
        """Texts given to ``translate_scored``: translated and scored in one pass."""
        self.scored: list[str] = []
        """Sources given to ``score``: a separate forced-decoding pass."""
        self.batches: list[int] = []
        self.fail_above = fail_above

    def translate(self, texts: Sequence[str], src: str | None = None, tgt: str | None = None) -> list[str]:
        self._check(len(texts))
        self.translated.extend(texts)
        return self.inner.translate(texts, src, tgt)

    def translate_scored(
        self, texts: Sequence[str], src: str | None = None, tgt: str | None = None
    ) -> list[tuple[str, float]]:
        self._check(len(texts))
        self.translated.extend(texts)
        self.translated_scored.extend(texts)
        return self.inner.translate_scored(texts, src, tgt)

    def score(
        self, sources: Sequence[str], targets: Sequence[str], src: str | None = None, tgt: str | None = None
    ) -> list[float]:
        self._check(len(sources))
        self.scored.extend(sources)
        return self.inner.score(sources, targets, src, tgt)

    def signature(self) -> str:
        return self.inner.signature()

    def _check(self, size: int) -> None:
        self.batches.append(size)
        if self.fail_above is not None and size > self.fail_above:
            raise MemoryError("simulated: batch too large for this device")


def counting_scorer(
    settings: BacktranslationSettings, fail_above: int | None = None
) -> tuple[Scorer, dict[str, Counting]]:
    loaded: dict[str, Counting] = {}

    def load(model: str) -> Translator:
        real = load_translator(model, model_dir=Path(settings.model_dir), offline=True)
        loaded[model] = Counting(real, fail_above)
        return loaded[model]

    return Scorer(settings, load=load), loaded


def item(text: str, id: str = "a", **fields: str) -> tuple[Article, list[Segment]]:
    return Article(id=id, text=text, origin=f"<{id}>", **fields), sentences(text)


def corpus(count: int = 8) -> list[tuple[Article, list[Segment]]]:
    """The example article plus generated ones that repeat some sentences across articles."""
    generated = german_sentences(6 * count)
    items = [item(EXAMPLE, "example")]
    for n in range(count):
        text = " ".join(generated[n * 4 : n * 4 + 6])
        items.append(item(text, f"gen{n}"))
    return items


def segment_values(result: ArticleScores, metric: str) -> dict[int, float]:
    return {s.segment: s.value for s in result.scores if s.metric == metric and s.segment is not None}


def test_scores_are_real_model_outputs(settings: BacktranslationSettings) -> None:
    scorer = Scorer(replace(settings, cache=":memory:"))
    segment = "Peskow merkte auch an, dass es zu früh sei."
    result = scorer.score([item(segment)])["a"]
    translator = load_translator(settings.de_en, model_dir=Path(settings.model_dir), offline=True)
    english = translator.translate([segment], src="de", tgt="en")
    back = translator.translate(english, src="en", tgt="de")
    assert result.backtranslations == ((0, english[0]),)
    assert segment_values(result, "roundtrip_chrf") == {0: CHRF().sentence_score(back[0], [segment]).score}
    expected_confidence = translator.translate_scored([segment], src="de", tgt="en")[0]
    assert expected_confidence[0] == english[0]
    assert segment_values(result, "confidence")[0] == pytest.approx(expected_confidence[1], abs=1e-9)
    signatures = {s.metric: s.signature for s in result.scores}
    assert signatures["roundtrip_chrf"].startswith("chrF2|nrefs:1|")
    assert translator.signature() in signatures["roundtrip_chrf"]
    assert signatures["confidence"].startswith("mean-token-logprob|confidence:generation|de-en:")
    assert translator.signature() in signatures["confidence"]


def test_scores_are_deterministic_across_runs(settings: BacktranslationSettings) -> None:
    first = Scorer(replace(settings, cache=":memory:")).score(corpus())
    second = Scorer(replace(settings, cache=":memory:")).score(corpus())
    assert first == second
    assert all(result.scores for result in first.values())


def test_a_second_run_translates_nothing(settings: BacktranslationSettings) -> None:
    scorer, _ = counting_scorer(settings)
    first = scorer.score(corpus())
    scorer.close()
    assert scorer.stats.translated > 0
    assert scorer.stats.scored > 0
    again, loaded_again = counting_scorer(settings)
    second = again.score(corpus())
    assert second == first
    assert (again.stats.translated, again.stats.scored) == (0, 0)
    assert all(not c.translated and not c.scored for c in loaded_again.values())
    assert again.cache.stats.misses == 0


def test_confidence_comes_from_the_back_translation_pass(settings: BacktranslationSettings) -> None:
    """No separate forced-decoding pass: each German text is translated and scored in one call."""
    scorer, loaded = counting_scorer(replace(settings, cache=":memory:"))
    results = scorer.score(corpus(3))
    counting = loaded[settings.de_en]
    german = {s.text for article, segments in corpus(3) for s in segments}
    assert counting.scored == []
    assert sorted(counting.translated_scored) == sorted(german)
    assert scorer.stats.scored == len(german)
    for result in results.values():
        assert set(segment_values(result, "confidence")) == set(segment_values(result, "roundtrip_chrf"))


def test_a_cached_forced_decoding_confidence_is_not_reused(settings: BacktranslationSettings) -> None:
    """What an earlier mtqa cached (kind ``logprob``, the score of the detokenised text) is not read as
    a generation confidence, even with the translation beside it in the cache."""
    segment = "Peskow merkte auch an, dass es zu früh sei."
    scorer, loaded = counting_scorer(settings)
    translator = scorer.translator(settings.de_en)
    assert translator is not None
    ((english, confidence),) = translator.translate_scored([segment], src="de", tgt="en")
    signature = translator.signature()
    scorer.cache.put_texts({cache_key(signature, "de-en", "translation", segment): english})
    scorer.cache.put_scores({cache_key(signature, "de-en", "logprob", segment, english): -99.0})
    loaded[settings.de_en].translated_scored.clear()
    result = scorer.score([item(segment)])["a"]
    assert loaded[settings.de_en].translated_scored == [segment]
    assert segment_values(result, "confidence") == {0: pytest.approx(confidence, abs=1e-9)}
    scorer.close()
    again, loaded_again = counting_scorer(settings)
    assert again.score([item(segment)])["a"] == result
    assert all(not c.translated and not c.scored for c in loaded_again.values())


def test_only_new_segments_reach_the_model(settings: BacktranslationSettings) -> None:
    scorer, _ = counting_scorer(settings)
    scorer.score([item("Der Kreml schwieg.")])
    scorer.close()
    again, loaded = counting_scorer(settings)
    again.score([item("Der Kreml schwieg. Moskau auch.")])
    counting = loaded[settings.de_en]
    assert counting.translated_scored == ["Moskau auch."]
    assert counting.scored == []
    assert "Moskau auch." in counting.translated
    assert "Der Kreml schwieg." not in counting.translated


def test_a_corrupt_cache_file_is_a_note_not_a_crash(settings: BacktranslationSettings) -> None:
    Path(settings.cache).write_bytes(b"garbage" * 500)
    results = Scorer(settings).score([item("Der Kreml schwieg.", "one"), item("Moskau auch.", "two")])
    for result in results.values():
        assert [n for n in result.notes if "translation cache" in n and "unreadable" in n]
        assert segment_values(result, "roundtrip_chrf")
    again = Scorer(settings).score([item("Der Kreml schwieg.", "one")])["one"]
    assert not [n for n in again.notes if "translation cache" in n]


def test_each_distinct_text_is_translated_once_per_chunk(settings: BacktranslationSettings) -> None:
    repeated = "Die Arbeit ist im Gange."
    items = [
        item(f"{repeated} Es wird getan. {repeated}", "one"),
        item(f"Dies wurde angegeben. {repeated}", "two"),
    ]
    scorer, loaded = counting_scorer(replace(settings, cache=":memory:"))
    results = scorer.score(items)
    counting = loaded[settings.de_en]
    assert counting.translated_scored.count(repeated) == 1
    assert counting.scored == []
    distinct = {repeated, "Es wird getan.", "Dies wurde angegeben."}
    assert sorted(t for t in counting.translated if t in distinct) == sorted(distinct)
    one = segment_values(results["one"], "roundtrip_chrf")
    two = segment_values(results["two"], "roundtrip_chrf")
    assert one[0] == one[2] == two[1]


def test_batch_size_and_chunking_do_not_change_results(settings: BacktranslationSettings) -> None:
    """Translations, round trips and findings are identical; log-probabilities agree closely.

    CTranslate2 sums in a different order when a batch is padded differently: with float32 weights a
    mean log-probability moves by ~1e-6, with int8 (the CPU default) by up to ~1.5e-3 on some segments.
    """
    items = corpus()
    results = {}
    for batch_size in (1, 7, 64):
        scorer = Scorer(replace(settings, cache=":memory:", batch_size=batch_size))
        results[batch_size] = scorer.score(items)
    one_by_one = Scorer(replace(settings, cache=":memory:"))
    results[0] = {k: v for chunk in items for k, v in one_by_one.score([chunk]).items()}
    reference = results[64]
    for result in results.values():
        for article_id, scores in result.items():
            expected = reference[article_id]
            assert scores.backtranslations == expected.backtranslations
            assert segment_values(scores, "roundtrip_chrf") == segment_values(expected, "roundtrip_chrf")
            assert [f.start for f in scores.findings if f.code == "BTR001"] == [
                f.start for f in expected.findings if f.code == "BTR001"
            ]
            confidence = segment_values(scores, "confidence")
            assert confidence == pytest.approx(segment_values(expected, "confidence"), abs=5e-3)


def test_out_of_memory_halves_the_batch_and_finishes(settings: BacktranslationSettings) -> None:
    normal = Scorer(replace(settings, cache=":memory:")).score(corpus(3))
    scorer, loaded = counting_scorer(replace(settings, cache=":memory:", batch_size=32), fail_above=5)
    squeezed = scorer.score(corpus(3))
    assert scorer.stats.batch_size == 4
    assert max(loaded[settings.de_en].batches[-5:]) <= 4
    for article_id, result in normal.items():
        assert squeezed[article_id].backtranslations == result.backtranslations
        roundtrip = segment_values(squeezed[article_id], "roundtrip_chrf")
        assert roundtrip == segment_values(result, "roundtrip_chrf")


def test_out_of_memory_at_batch_size_one_is_a_note(settings: BacktranslationSettings) -> None:
    scorer, _ = counting_scorer(replace(settings, cache=":memory:"), fail_above=0)
    result = scorer.score([item("Der Kreml schwieg.")])["a"]
    assert result.scores == ()
    assert any("out of memory even with batch size 1" in note for note in result.notes)


@pytest.fixture
def broken_models(tiny_marian_dir: Path, tmp_path: Path) -> dict[str, str]:
    config, weights = tmp_path / "corrupt-config", tmp_path / "corrupt-weights"
    for folder in (config, weights):
        shutil.copytree(tiny_marian_dir, folder)
    (config / "config.json").write_text("{ not json", encoding="utf-8")
    for file in weights.glob("*.safetensors"):
        file.write_bytes(b"\x00" * 64)
    return {
        "missing": str(tmp_path / "no-such-model"),
        "corrupt-config": str(config),
        "corrupt-weights": str(weights),
        "hub": "Helsinki-NLP/opus-mt-xx-yy",
    }


@pytest.mark.parametrize("kind", ["missing", "corrupt-config", "corrupt-weights", "hub"])
def test_an_unavailable_model_gives_a_note_and_a_completed_run(
    settings: BacktranslationSettings,
    broken_models: dict[str, str],
    kind: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    broken = replace(settings, de_en=broken_models[kind])
    scorer = build_scorer(broken)
    text = "Der Kreml schwieg. Moskau auch."
    result = scorer.score([item(text, reference="Der Kreml schwieg. Moskau ebenso.")])["a"]
    assert [n for n in result.notes if n.startswith("back-translation unavailable: ")]
    assert broken_models[kind].rsplit("/", 1)[-1] in result.notes[0]
    assert {s.metric for s in result.scores} == {"reference_bleu", "reference_chrf", "reference_ter"}
    assert result.findings == ()
    assert result.backtranslations == ()


def test_an_unavailable_en_de_model_keeps_the_back_translation(
    settings: BacktranslationSettings, broken_models: dict[str, str]
) -> None:
    scorer = build_scorer(replace(settings, en_de=broken_models["missing"], cache=":memory:"))
    result = scorer.score([item("Der Kreml schwieg. Moskau auch.")])["a"]
    assert [n for n in result.notes if n.startswith("round trip unavailable: ")]
    assert {s.metric for s in result.scores} == {"confidence"}
    assert [index for index, _ in result.backtranslations] == [0, 1]


@pytest.mark.parametrize("kind", ["missing", "corrupt-config", "corrupt-weights"])
def test_a_required_model_that_is_unavailable_is_an_error(
    settings: BacktranslationSettings, broken_models: dict[str, str], kind: str
) -> None:
    with pytest.raises(ModelUnavailableError):
        build_scorer(replace(settings, en_de=broken_models[kind], require=True))


def test_disabled_scoring_returns_empty_results(settings: BacktranslationSettings) -> None:
    result = build_scorer(replace(settings, enabled=False)).score([item(EXAMPLE)])
    assert result == {"a": ArticleScores()}


def test_text_without_letters_is_not_scored(settings: BacktranslationSettings) -> None:
    scorer, loaded = counting_scorer(replace(settings, cache=":memory:"))
    result = scorer.score([item("***\n\nDer Kreml schwieg.\n\n12:30")])["a"]
    assert set(segment_values(result, "roundtrip_chrf")) == {1}
    assert "***" not in loaded[settings.de_en].translated


# Findings and thresholds

MEAN_OVER_SEGMENTS = "|agg:mean"


def test_article_scores_are_segment_means(settings: BacktranslationSettings) -> None:
    result = Scorer(replace(settings, cache=":memory:")).score([item(EXAMPLE)])["a"]
    for metric in ("roundtrip_chrf", "confidence"):
        values = segment_values(result, metric)
        (article,) = [s for s in result.scores if s.metric == metric and s.segment is None]
        assert article.value == pytest.approx(sum(values.values()) / len(values))
        assert article.signature.endswith(MEAN_OVER_SEGMENTS)


@pytest.mark.parametrize(
    ("thresholds", "calibrated", "codes", "note"),
    [
        ({"roundtrip_chrf": 101.0, "confidence": -1e9}, True, {"BTR001"}, False),
        ({"roundtrip_chrf": -1.0, "confidence": 1.0}, True, {"BTR002"}, False),
        ({"roundtrip_chrf": -1.0, "confidence": -1e9}, True, set(), False),
        ({"roundtrip_chrf": -1.0}, False, None, True),
    ],
)
def test_thresholds_decide_findings(
    settings: BacktranslationSettings,
    thresholds: dict[str, float],
    calibrated: bool,
    codes: set[str] | None,
    note: bool,
) -> None:
    text = "Der Kreml schwieg. Es wird getan . Moskau auch."
    scorer = Scorer(replace(settings, cache=":memory:", thresholds=thresholds, calibrated=calibrated))
    result = scorer.score([item(text)])["a"]
    segments = sentences(text)
    if codes is not None:
        assert {f.code for f in result.findings} == codes
        for code in codes:
            spans = [(f.start, f.end, f.match) for f in result.findings if f.code == code]
            assert spans == [(s.start, s.end, s.text) for s in segments]
    assert any(n.startswith("thresholds not calibrated") for n in result.notes) == note


def test_defaults_flag_only_what_scores_below_them(settings: BacktranslationSettings) -> None:
    result = Scorer(replace(settings, cache=":memory:")).score([item(EXAMPLE)])["a"]
    roundtrip = segment_values(result, "roundtrip_chrf")
    flagged = {f.start for f in result.findings if f.code == "BTR001"}
    limit = DEFAULT_THRESHOLDS["roundtrip_chrf"]
    expected = {s.start for s in sentences(EXAMPLE) if roundtrip.get(s.index, 100.0) < limit}
    assert flagged == expected
    assert flagged  # the random model round-trips nothing well
    finding = next(f for f in result.findings if f.code == "BTR001")
    assert finding.rule == "low-round-trip-chrf"
    assert "back-translation:" in finding.message


# Source adequacy

GERMAN = (
    "Russland betrachtet die Verhandlungen in Washington als wichtigen Schritt. "
    "Das sagte Kremlsprecher Dmitri Peskow am Freitag. "
    "Es gebe vorsichtigen Optimismus. "
    "Für konkrete Ergebnisse sei es zu früh."
)
ENGLISH_SOURCE = (
    "Russia considers the negotiations in Washington an important step, Kremlin spokesman "
    "Dmitry Peskov said on Friday. There is cautious optimism. It is too early for concrete results."
)
RUSSIAN_SOURCE = (
    "Россия считает переговоры в Вашингтоне важным шагом, заявил в пятницу пресс-секретарь Кремля "
    "Дмитрий Песков. Есть осторожный оптимизм. О конкретных результатах говорить рано."
)


def test_an_english_source_reuses_the_back_translation(settings: BacktranslationSettings) -> None:
    scorer, loaded = counting_scorer(replace(settings, cache=":memory:"))
    result = scorer.score([item(GERMAN, source=ENGLISH_SOURCE, source_lang="en")])["a"]
    chrf = segment_values(result, "source_chrf")
    bleu = segment_values(result, "source_bleu")
    assert set(chrf) == set(bleu) == {0, 1, 2, 3}
    assert chrf[0] == chrf[1]  # the source says in one sentence what the German says in two
    english = dict(result.backtranslations)
    source = [s.text for s in sentences(ENGLISH_SOURCE)]
    assert chrf[2] == CHRF().sentence_score(english[2], [source[1]]).score
    assert chrf[0] == CHRF().sentence_score(f"{english[0]} {english[1]}", [source[0]]).score
    assert bleu[3] == BLEU(effective_order=True).sentence_score(english[3], [source[2]]).score
    assert len(loaded) == 1


def test_a_source_language_without_a_model_is_a_note(settings: BacktranslationSettings) -> None:
    result = Scorer(replace(settings, cache=":memory:")).score(
        [item(GERMAN, source=RUSSIAN_SOURCE, source_lang="ru")]
    )["a"]
    assert not segment_values(result, "source_chrf")
    assert any("no model translates German into 'ru'" in n for n in result.notes)
    assert segment_values(result, "roundtrip_chrf")


def test_a_configured_source_model_scores_a_russian_source(settings: BacktranslationSettings) -> None:
    configured = replace(settings, cache=":memory:", source_models={"ru": settings.de_en})
    result = Scorer(configured).score([item(GERMAN, source=RUSSIAN_SOURCE, source_lang="ru")])["a"]
    chrf = segment_values(result, "source_chrf")
    assert set(chrf) == {0, 1, 2, 3}
    assert chrf[0] == chrf[1]
    signature = next(s.signature for s in result.scores if s.metric == "source_chrf")
    assert "|de-ru:" in signature and "align:gale-church" in signature


def test_a_source_model_can_name_its_own_backend(
    settings: BacktranslationSettings, tiny_m2m100_dir: Path
) -> None:
    """A multilingual model that only transformers runs, inside a CTranslate2 run."""
    model = f"transformers:{tiny_m2m100_dir}"
    configured = replace(settings, cache=":memory:", backend="ctranslate2", source_models={"ru": model})
    result = Scorer(configured).score([item(GERMAN, source=RUSSIAN_SOURCE, source_lang="ru")])["a"]
    assert segment_values(result, "source_chrf")
    signature = next(s.signature for s in result.scores if s.metric == "source_chrf")
    assert "backend=transformers" in signature
    assert "backend=ctranslate2" in next(s.signature for s in result.scores if s.metric == "roundtrip_chrf")


def test_a_source_without_a_language_is_a_note(settings: BacktranslationSettings) -> None:
    result = Scorer(replace(settings, cache=":memory:")).score([item(GERMAN, source=RUSSIAN_SOURCE)])["a"]
    assert any("source language is not known" in n for n in result.notes)


# Reference metrics (no model needed)


def test_a_reference_equal_to_the_text_scores_perfectly(settings: BacktranslationSettings) -> None:
    result = Scorer(replace(settings, enabled=True, de_en="/nowhere", cache=":memory:")).score(
        [item(EXAMPLE, reference=EXAMPLE)]
    )["a"]
    values = {s.metric: s.value for s in result.scores if s.segment is None}
    assert values == pytest.approx({"reference_bleu": 100.0, "reference_chrf": 100.0, "reference_ter": 0.0})


def test_reference_pairs_cover_both_texts_once() -> None:
    reference = EXAMPLE.replace("Peskov", "Peskow").replace(" Es wird getan .", "")
    pairs = aligned_reference_pairs(EXAMPLE, reference)
    german = " ".join(g for g, _ in pairs if g)
    human = " ".join(r for _, r in pairs if r)
    assert german.split() == " ".join(s.text for s in sentences(EXAMPLE)).split()
    assert human.split() == " ".join(s.text for s in sentences(reference)).split()


def test_corpus_reference_scores_pool_every_article() -> None:
    articles = [
        (EXAMPLE, EXAMPLE.replace("Peskov", "Peskow")),
        ("Der Kreml schwieg. Moskau auch.", "Der Kreml schwieg, Moskau ebenso."),
    ]
    scores = {s.metric: s for s in corpus_reference_scores(articles)}
    pairs = [p for text, ref in articles for p in aligned_reference_pairs(text, ref)]
    hypotheses, references = [g for g, _ in pairs], [[r for _, r in pairs]]
    assert scores["reference_bleu"].value == BLEU().corpus_score(hypotheses, references).score
    assert scores["reference_chrf"].value == CHRF().corpus_score(hypotheses, references).score
    assert scores["reference_ter"].value == TER().corpus_score(hypotheses, references).score
    assert all(s.segment is None for s in scores.values())
    assert scores["reference_ter"].signature.startswith("ter|nrefs:1|case:lc|tok:tercom")
    assert corpus_reference_scores([]) == []
