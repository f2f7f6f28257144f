"""Score segments by back-translation: round trip, model confidence, source adequacy and reference metrics.

The pipeline hands over a chunk of many articles at once. Every distinct segment text of the chunk is
translated once, sorted by length and batched; the sqlite cache (``cache.py``) answers what an earlier
run already translated. A missing model is a note in each report, not a failed run, unless the
settings demand scores. Segments scoring below a threshold become BTR findings.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from mtqa import __version__
from mtqa.backtranslate.align import align_texts
from mtqa.backtranslate.cache import TranslationCache, cache_key
from mtqa.backtranslate.metrics import (
    REFERENCE_METRICS,
    SentenceMetrics,
    aligned_reference_pairs,
    corpus_reference_scores,
    reference_scores,
    sentence_metrics,
)
from mtqa.config import BacktranslationSettings
from mtqa.errors import ModelUnavailableError, MtqaError
from mtqa.model import Article, Finding, Score, Segment
from mtqa.rules.registry import Rule, get_rule
from mtqa.segment import sentences

if TYPE_CHECKING:
    from mtqa.backtranslate.backend import Translator

__all__ = [
    "DEFAULT_THRESHOLDS",
    "FINDING_RULES",
    "REFERENCE_METRICS",
    "SEGMENT_METRICS",
    "ArticleScores",
    "Scorer",
    "ScorerStats",
    "build_scorer",
    "corpus_reference_scores",
]

ROUNDTRIP_CHRF = "roundtrip_chrf"
CONFIDENCE = "confidence"
SOURCE_CHRF = "source_chrf"
SOURCE_BLEU = "source_bleu"
SEGMENT_METRICS = (ROUNDTRIP_CHRF, CONFIDENCE, SOURCE_CHRF, SOURCE_BLEU)
"""Segment-level metric names; the article-level score of the same name is their mean over segments."""

DEFAULT_THRESHOLDS: dict[str, float] = {ROUNDTRIP_CHRF: 20.0, CONFIDENCE: -3.0, SOURCE_CHRF: 15.0}
"""Used until ``mtqa calibrate`` fits real ones. Set low on purpose, to flag only badly broken segments
(a round trip sharing a fifth of its character n-grams with the original, a model averaging under 5%
probability per token); they were not fitted to data, so reports say "not calibrated"."""

GENERATION_LOGPROB = "generation-logprob"
"""Cache kind of a confidence taken from the back-translation's own generation. Earlier versions cached
forced-decoding scores of the detokenised text as ``logprob``; the two differ where re-tokenising the
text does not give back the generated tokens or where the output was cut at the length limit, so they
never share a key."""

FINDING_RULES: dict[str, str] = {
    ROUNDTRIP_CHRF: "BTR001",
    CONFIDENCE: "BTR002",
    SOURCE_CHRF: "BTR003",
    SOURCE_BLEU: "BTR003",
}
"""Which rule a segment below the metric's threshold breaks."""

_T = TypeVar("_T")
_R = TypeVar("_R")
Loader = Callable[[str], "Translator"]
"""Turns a model name into a loaded translator; raises ``ModelUnavailableError``."""


@dataclass(frozen=True)
class ArticleScores:
    """What back-translation adds to one article's report."""

    scores: tuple[Score, ...] = ()
    """Segment scores (``segment`` = index) and article scores (``segment`` = None)."""
    backtranslations: tuple[tuple[int, str], ...] = ()
    """(segment index, English back-translation)."""
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass
class ScorerStats:
    """How many texts reached a model (cache misses); a fully cached re-run leaves both at zero."""

    translated: int = 0
    scored: int = 0
    """Texts whose confidence a model computed: in the same pass as their back-translation."""
    batch_size: int = 0


@dataclass
class _Chunk:
    """Results for the distinct texts of one chunk, shared by every article that contains them."""

    english: dict[str, str] = field(default_factory=dict)
    roundtrip: dict[str, float] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    into_source: dict[str, dict[str, str]] = field(default_factory=dict)
    """language -> German text -> its translation into that language."""
    notes: list[str] = field(default_factory=list)
    language_notes: dict[str, str] = field(default_factory=dict)
    signatures: dict[str, str] = field(default_factory=dict)


class Scorer:
    """Scores chunks of articles; models load on first use and stay loaded until ``close``."""

    def __init__(
        self,
        settings: BacktranslationSettings,
        load: Loader | None = None,
        cache: TranslationCache | None = None,
    ) -> None:
        self.settings = settings
        self._load = load or _backend_loader(settings)
        self._cache = cache
        self._translators: dict[str, Translator] = {}
        self._unavailable: dict[str, str] = {}
        self._cache_notes_seen = 0
        self._rules: dict[str, Rule] = {}
        self.stats = ScorerStats(batch_size=settings.batch_size)

    # Models and cache

    @property
    def cache(self) -> TranslationCache:
        if self._cache is None:
            self._cache = TranslationCache(self.settings.cache or None)
        return self._cache

    @property
    def metrics(self) -> SentenceMetrics:
        return sentence_metrics()

    def translator(self, model: str) -> Translator | None:
        """The loaded model, or None with the reason recorded (raised instead when scores are required)."""
        if model in self._translators:
            return self._translators[model]
        if model in self._unavailable:
            return None
        try:
            loaded = self._load(model)
        except ModelUnavailableError as exc:
            self._give_up(model, str(exc))
            return None
        except (OSError, RuntimeError, ValueError) as exc:
            self._give_up(model, f"{model} cannot be loaded ({type(exc).__name__}: {exc})")
            return None
        self._translators[model] = loaded
        return loaded

    def _give_up(self, model: str, reason: str) -> None:
        if self.settings.require:
            raise ModelUnavailableError(reason)
        self._unavailable[model] = reason

    def load_models(self) -> None:
        """Load every configured model now, so a required but missing model fails before any work."""
        for model in (self.settings.de_en, self.settings.en_de, *self.settings.source_models.values()):
            self.translator(model)

    def close(self) -> None:
        self._translators.clear()
        if self._cache is not None:
            self._cache.close()

    # Scoring

    def score(self, items: Sequence[tuple[Article, Sequence[Segment]]]) -> dict[str, ArticleScores]:
        """Scores, back-translations, findings and notes for every article of the chunk, by article id."""
        if not self.settings.enabled:
            return {article.id: ArticleScores() for article, _ in items}
        chunk = self._translate_chunk(items)
        return {article.id: self._article(article, segments, chunk) for article, segments in items}

    def _translate_chunk(self, items: Sequence[tuple[Article, Sequence[Segment]]]) -> _Chunk:
        chunk = _Chunk()
        texts = list(dict.fromkeys(s.text for _, segments in items for s in segments if _scorable(s.text)))
        de_en = self.translator(self.settings.de_en) if texts else None
        if de_en is not None:
            chunk.signatures["de-en"] = de_en.signature()
            back = self._back_translations(de_en, self.settings.de_en, texts)
            if back is not None:
                chunk.english, chunk.confidence = back
        en_de = self.translator(self.settings.en_de) if chunk.english else None
        if en_de is not None:
            chunk.signatures["en-de"] = en_de.signature()
            roundtrip = self._roundtrips(en_de, texts, chunk.english, chunk.signatures["de-en"])
            if roundtrip is not None:
                chunk.roundtrip = roundtrip
        if self.settings.de_en in self._unavailable:
            chunk.notes.append(f"back-translation unavailable: {self._unavailable[self.settings.de_en]}")
        elif self.settings.en_de in self._unavailable:
            chunk.notes.append(f"round trip unavailable: {self._unavailable[self.settings.en_de]}")
        self._translate_into_sources(items, chunk)
        cache_notes = self.cache.notes[self._cache_notes_seen :]
        self._cache_notes_seen = len(self.cache.notes)
        chunk.notes.extend(cache_notes)
        return chunk

    def _translate_into_sources(
        self, items: Sequence[tuple[Article, Sequence[Segment]]], chunk: _Chunk
    ) -> None:
        wanted: dict[str, list[str]] = {}
        for article, segments in items:
            if article.source and article.source_lang:
                texts = wanted.setdefault(article.source_lang.lower(), [])
                texts.extend(s.text for s in segments if _scorable(s.text))
        for language, texts in sorted(wanted.items()):
            model = self.settings.source_models.get(language)
            if model is None and language == "en":
                if chunk.english:
                    chunk.into_source["en"] = chunk.english
                    chunk.signatures["de-en-source"] = chunk.signatures["de-en"]
                else:
                    chunk.language_notes["en"] = "source adequacy skipped: the de-en model is unavailable"
                continue
            if model is None:
                chunk.language_notes[language] = (
                    f"source adequacy skipped: no model translates German into {language!r}; "
                    f'set [backtranslation.source_models] {language} = "<model>" (e.g. an opus-mt '
                    f"de-{language} model or facebook/nllb-200-distilled-600M)"
                )
                continue
            translator = self.translator(model)
            if translator is None:
                chunk.language_notes[language] = f"source adequacy unavailable: {self._unavailable[model]}"
                continue
            translated = self._translations(translator, model, "de", language, list(dict.fromkeys(texts)))
            if translated is None:
                chunk.language_notes[language] = f"source adequacy unavailable: {self._unavailable[model]}"
                continue
            chunk.into_source[language] = translated
            chunk.signatures[f"de-{language}-source"] = translator.signature()

    def _translations(
        self, translator: Translator, model: str, src: str, tgt: str, texts: Sequence[str]
    ) -> dict[str, str] | None:
        """Each distinct text translated once: from the cache if there, else by the model (then cached)."""
        signature = translator.signature()
        unique = list(dict.fromkeys(texts))
        keys = {text: cache_key(signature, f"{src}-{tgt}", "translation", text) for text in unique}
        cached = self.cache.get_texts(list(keys.values()))
        result = {text: cached[key] for text, key in keys.items() if key in cached}
        missing = [text for text in unique if text not in result]
        if missing:
            outputs = self._run_model(
                model, lambda batch: translator.translate(batch, src=src, tgt=tgt), missing, len
            )
            if outputs is None:
                return None
            self.stats.translated += len(missing)
            fresh = dict(zip(missing, outputs, strict=True))
            result.update(fresh)
            self.cache.put_texts({keys[text]: value for text, value in fresh.items()})
        return result

    def _roundtrips(
        self, en_de: Translator, texts: Sequence[str], english: dict[str, str], de_en_signature: str
    ) -> dict[str, float] | None:
        """chrF of each German text against its round trip; cached too, so a re-run skips en-de entirely."""
        metrics = self.metrics
        both = f"{de_en_signature}|{en_de.signature()}|{metrics.chrf_signature}"
        keys = {text: cache_key(both, "de-en-de", "roundtrip_chrf", text) for text in texts}
        cached = self.cache.get_scores(list(keys.values()))
        result = {text: cached[key] for text, key in keys.items() if key in cached}
        missing = [text for text in texts if text not in result]
        if missing:
            back = self._translations(en_de, self.settings.en_de, "en", "de", [english[t] for t in missing])
            if back is None:
                return None
            fresh = {text: metrics.chrf(back[english[text]], text) for text in missing}
            result.update(fresh)
            self.cache.put_scores({keys[text]: value for text, value in fresh.items()})
        return result

    def _back_translations(
        self, translator: Translator, model: str, texts: Sequence[str]
    ) -> tuple[dict[str, str], dict[str, float]] | None:
        """Each German text's English back-translation and its confidence, from one generation pass.

        The confidence is the mean token log-probability greedy search computed while generating, so no
        second (forced-decoding) pass runs. A text is a cache hit only with both values cached; a miss
        regenerates both, so a confidence always belongs to the translation stored beside it.
        """
        signature = translator.signature()
        unique = list(dict.fromkeys(texts))
        text_keys = {text: cache_key(signature, "de-en", "translation", text) for text in unique}
        score_keys = {text: cache_key(signature, "de-en", GENERATION_LOGPROB, text) for text in unique}
        cached_texts = self.cache.get_texts(list(text_keys.values()))
        cached_scores = self.cache.get_scores(list(score_keys.values()))
        english: dict[str, str] = {}
        confidence: dict[str, float] = {}
        for text in unique:
            if text_keys[text] in cached_texts and score_keys[text] in cached_scores:
                english[text] = cached_texts[text_keys[text]]
                confidence[text] = cached_scores[score_keys[text]]
        missing = [text for text in unique if text not in english]
        if missing:
            outputs = self._run_model(
                model, lambda batch: translator.translate_scored(batch, src="de", tgt="en"), missing, len
            )
            if outputs is None:
                return None
            self.stats.translated += len(missing)
            self.stats.scored += len(missing)
            for text, (translation, value) in zip(missing, outputs, strict=True):
                english[text], confidence[text] = translation, float(value)
            self.cache.put_texts({text_keys[text]: english[text] for text in missing})
            self.cache.put_scores({score_keys[text]: confidence[text] for text in missing})
        return english, confidence

    def _run_model(
        self,
        model: str,
        run: Callable[[list[_T]], list[_R]],
        items: list[_T],
        length: Callable[[_T], int],
    ) -> list[_R] | None:
        """Run ``items`` through a model in length-sorted batches, halving the batch on out-of-memory.

        Sorting keeps padding small; the output order is the input order. A model that fails mid-run
        is treated like a missing one: recorded (or raised when scores are required).
        """
        order = sorted(range(len(items)), key=lambda k: length(items[k]))
        outputs: list[_R | None] = [None] * len(items)
        position = 0
        while position < len(order):
            size = max(1, self.stats.batch_size)
            batch = order[position : position + size]
            try:
                results = run([items[k] for k in batch])
            except MemoryError:
                if size == 1:
                    self._failed(model, "out of memory even with batch size 1")
                    return None
                self.stats.batch_size = size // 2
                continue
            except RuntimeError as exc:
                if "out of memory" in str(exc).lower() and size > 1:
                    self.stats.batch_size = size // 2
                    continue
                self._failed(model, f"{type(exc).__name__}: {exc}")
                return None
            except MtqaError as exc:
                self._failed(model, str(exc))
                return None
            if len(results) != len(batch):
                self._failed(model, f"returned {len(results)} results for {len(batch)} inputs")
                return None
            for k, result in zip(batch, results, strict=True):
                outputs[k] = result
            position += len(batch)
        return cast(list[_R], outputs)

    def _failed(self, model: str, reason: str) -> None:
        self._translators.pop(model, None)
        self._give_up(model, f"{model} failed while translating ({reason})")

    # Per article

    def _article(self, article: Article, segments: Sequence[Segment], chunk: _Chunk) -> ArticleScores:
        scores: list[Score] = []
        backtranslations: list[tuple[int, str]] = []
        notes = list(chunk.notes)
        scorable = [s for s in segments if _scorable(s.text)]
        if chunk.english:
            backtranslations = [(s.index, chunk.english[s.text]) for s in scorable if s.text in chunk.english]
        per_metric: dict[str, dict[int, float]] = {}
        signatures: dict[str, str] = {}
        if chunk.roundtrip:
            signatures[ROUNDTRIP_CHRF] = (
                f"{self.metrics.chrf_signature}|de-en:{chunk.signatures['de-en']}"
                f"|en-de:{chunk.signatures['en-de']}|mtqa:{__version__}"
            )
            per_metric[ROUNDTRIP_CHRF] = {s.index: chunk.roundtrip[s.text] for s in scorable}
        if chunk.confidence:
            signatures[CONFIDENCE] = (
                f"mean-token-logprob|confidence:generation|de-en:{chunk.signatures['de-en']}"
                f"|mtqa:{__version__}"
            )
            per_metric[CONFIDENCE] = {s.index: chunk.confidence[s.text] for s in scorable}
        if article.source:
            notes.extend(self._source_scores(article, scorable, chunk, per_metric, signatures))
        for metric in SEGMENT_METRICS:
            values = per_metric.get(metric)
            if not values:
                continue
            signature = signatures[metric]
            scores.extend(Score(metric, value, index, signature) for index, value in sorted(values.items()))
            scores.append(Score(metric, statistics.fmean(values.values()), None, f"{signature}|agg:mean"))
        if article.reference and article.reference.strip():
            pairs = aligned_reference_pairs([s.text for s in segments if s.text.strip()], article.reference)
            scores.extend(reference_scores(pairs))
        findings, threshold_notes = self._findings(scorable, per_metric, chunk)
        notes.extend(threshold_notes)
        return ArticleScores(tuple(scores), tuple(backtranslations), tuple(findings), tuple(notes))

    def _source_scores(
        self,
        article: Article,
        segments: Sequence[Segment],
        chunk: _Chunk,
        per_metric: dict[str, dict[int, float]],
        signatures: dict[str, str],
    ) -> list[str]:
        """Align the German segments to the source's sentences and score each aligned group."""
        if not article.source or not article.source_lang:
            return ["source adequacy skipped: the article's source language is not known (source_lang)"]
        language = article.source_lang.lower()
        if language in chunk.language_notes:
            return [chunk.language_notes[language]]
        translated = chunk.into_source.get(language)
        if translated is None or not segments:
            return []
        source = [s.text for s in sentences(article.source)]
        guide = [translated[s.text] for s in segments]
        beads = align_texts([s.text for s in segments], source, guide)
        metrics = self.metrics
        chrf: dict[int, float] = {}
        bleu: dict[int, float] = {}
        unmatched_german = unmatched_source = 0
        for bead in beads:
            if not bead.right:
                unmatched_german += len(bead.left)
                continue
            if not bead.left:
                unmatched_source += len(bead.right)
                continue
            hypothesis = " ".join(guide[i] for i in bead.left)
            reference = " ".join(source[j] for j in bead.right)
            chrf_value, bleu_value = metrics.chrf(hypothesis, reference), metrics.bleu(hypothesis, reference)
            for i in bead.left:
                chrf[segments[i].index] = chrf_value
                bleu[segments[i].index] = bleu_value
        model = chunk.signatures[f"de-{language}-source"]
        tail = f"|de-{language}:{model}|align:gale-church+trigram|mtqa:{__version__}"
        if chrf:
            per_metric[SOURCE_CHRF], signatures[SOURCE_CHRF] = chrf, f"{metrics.chrf_signature}{tail}"
            per_metric[SOURCE_BLEU], signatures[SOURCE_BLEU] = bleu, f"{metrics.bleu_signature}{tail}"
        notes = []
        if unmatched_german:
            notes.append(
                f"source adequacy: {unmatched_german} German segment(s) have no counterpart in the source"
            )
        if unmatched_source:
            notes.append(
                f"source adequacy: {unmatched_source} source sentence(s) have no counterpart in the German "
                "(possible omission)"
            )
        return notes

    def _rule(self, code: str) -> Rule:
        rule = self._rules.get(code)
        if rule is None:
            rule = get_rule(code)
            if rule is None:
                raise MtqaError(f"rule {code} is not declared (mtqa.rules.backtranslation)")
            self._rules[code] = rule
        return rule

    def _findings(
        self, segments: Sequence[Segment], per_metric: dict[str, dict[int, float]], chunk: _Chunk
    ) -> tuple[list[Finding], list[str]]:
        thresholds = {**DEFAULT_THRESHOLDS, **self.settings.thresholds}
        defaults_used = sorted(
            metric
            for metric in per_metric
            if metric in DEFAULT_THRESHOLDS and metric not in self.settings.thresholds
        )
        notes = []
        if defaults_used and not self.settings.calibrated:
            limits = ", ".join(f"{m} < {DEFAULT_THRESHOLDS[m]:g}" for m in defaults_used)
            notes.append(
                f"thresholds not calibrated: conservative defaults ({limits}); run: mtqa calibrate DATA"
            )
        checks = [
            (metric, values, thresholds[metric], self._rule(FINDING_RULES[metric]))
            for metric, values in per_metric.items()
            if metric in thresholds and metric in FINDING_RULES
        ]
        findings: list[Finding] = []
        flagged: set[tuple[str, int]] = set()
        for segment in segments:
            for metric, values, threshold, rule in checks:
                value = values.get(segment.index)
                if value is None or value >= threshold or (rule.code, segment.index) in flagged:
                    continue
                flagged.add((rule.code, segment.index))
                message = f"{rule.message}: {metric} {value:.2f} < {threshold:g}"
                english = chunk.english.get(segment.text)
                if english is not None:
                    message += f"; back-translation: “{_shorten(english)}”"
                findings.append(rule.finding(segment.start, segment.end, segment.text, None, message))
        return findings, notes


_LETTER = re.compile(r"[^\W\d_]")
MESSAGE_BACKTRANSLATION_CHARS = 160
"""A finding's message quotes at most this much of the back-translation (the report has all of it)."""


def _scorable(text: str) -> bool:
    """Only text with letters is worth a model call: page chrome like "***" or "12:30" is not."""
    return _LETTER.search(text) is not None


def _shorten(text: str, limit: int = MESSAGE_BACKTRANSLATION_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _backend_loader(settings: BacktranslationSettings) -> Loader:
    """Load models offline: a check never downloads (slow, flaky in CI); ``mtqa models pull`` does."""

    def load(model: str) -> Translator:
        from mtqa.backtranslate.backend import load_translator, split_backend

        backend, name = split_backend(model, settings.backend)
        return load_translator(
            name,
            backend=backend,
            device=settings.device,
            model_dir=Path(settings.model_dir).expanduser() if settings.model_dir else None,
            batch_size=settings.batch_size,
            offline=True,
        )

    return load


def build_scorer(settings: BacktranslationSettings) -> Scorer:
    """A scorer for ``settings``; models load lazily, except when scores are required (fail fast then)."""
    scorer = Scorer(settings)
    if settings.enabled and settings.require:
        scorer.load_models()
    return scorer
