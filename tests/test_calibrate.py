"""Calibration: reading annotations, correlations, threshold choice, and writing the config."""

from __future__ import annotations

import csv
import itertools
import math
import random
from dataclasses import replace
from pathlib import Path

import pytest

from mtqa.backtranslate.calibrate import (
    CalibrationResult,
    MetricCalibration,
    calibrate,
    choose_threshold,
    kendall_tau_b,
    pearson,
    read_annotations,
    write_thresholds,
)
from mtqa.backtranslate.scorer import Scorer
from mtqa.config import BacktranslationSettings, load_settings
from mtqa.errors import ConfigError, InputError, ModelUnavailableError
from mtqa.model import Article, Segment
from tests.tiny_models import german_sentences

# Statistics against direct O(n^2) definitions


def brute_kendall(x: list[float], y: list[float]) -> float:
    sign = lambda v: (v > 0) - (v < 0)  # noqa: E731
    pairs = list(itertools.combinations(range(len(x)), 2))
    s = sum(sign(x[i] - x[j]) * sign(y[i] - y[j]) for i, j in pairs)
    untied_x = sum(1 for i, j in pairs if x[i] != x[j])
    untied_y = sum(1 for i, j in pairs if y[i] != y[j])
    return s / math.sqrt(untied_x * untied_y)


def random_data(seed: int, n: int, ties: bool) -> tuple[list[float], list[float]]:
    rng = random.Random(seed)
    if ties:
        x = [float(rng.randint(0, 5)) for _ in range(n)]
        y = [float(rng.randint(0, 3)) + (x[k] > 2) for k in range(n)]
    else:
        x = [rng.gauss(0, 1) for _ in range(n)]
        y = [v + rng.gauss(0, 1) for v in x]
    return x, y


@pytest.mark.parametrize(("seed", "n", "ties"), list(itertools.product(range(3), (2, 7, 60), (False, True))))
def test_kendall_tau_b_matches_the_definition(seed: int, n: int, ties: bool) -> None:
    x, y = random_data(seed, n, ties)
    if len(set(x)) < 2 or len(set(y)) < 2:
        assert kendall_tau_b(x, y) is None
    else:
        assert kendall_tau_b(x, y) == pytest.approx(brute_kendall(x, y))


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [
        ([1, 2, 3], [1, 3, 2], 1 / 3),
        ([1, 2, 3, 4], [4, 3, 2, 1], -1.0),
        ([1, 1, 2, 2], [1, 1, 2, 2], 1.0),
        ([1, 1, 1], [1, 2, 3], None),
        ([1], [1], None),
    ],
)
def test_kendall_tau_b_known_values(x: list[float], y: list[float], expected: float | None) -> None:
    assert kendall_tau_b(x, y) == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [
        ([1, 2, 3], [2, 4, 6], 1.0),
        ([1, 2, 3], [3, 2, 1], -1.0),
        ([1, 2, 3, 4], [1, 3, 2, 4], 0.8),
        ([1, 1, 1], [1, 2, 3], None),
        ([5], [1], None),
    ],
)
def test_pearson_known_values(x: list[float], y: list[float], expected: float | None) -> None:
    assert pearson(x, y) == (None if expected is None else pytest.approx(expected))


def brute_threshold(
    values: list[float], bad: list[bool], min_recall: float | None
) -> tuple[float, float] | None:
    """(threshold, objective) by trying every midpoint; ties go to the lowest threshold."""
    distinct = sorted(set(values))
    best: tuple[tuple[float, ...], float] | None = None
    for low, high in itertools.pairwise(distinct):
        t = (low + high) / 2
        flagged = [b for v, b in zip(values, bad, strict=True) if v < t]
        tp = sum(flagged)
        precision, recall = tp / len(flagged), tp / sum(bad)
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        if min_recall is not None and recall < min_recall:
            continue
        key = (precision, recall, f1) if min_recall is not None else (f1, precision, recall)
        if best is None or key > best[0]:
            best = (key, t)
    return None if best is None else (best[1], best[0][0])


@pytest.mark.parametrize(("seed", "min_recall"), [(s, r) for s in range(5) for r in (None, 0.5, 0.9)])
def test_threshold_choice_matches_exhaustive_search(seed: int, min_recall: float | None) -> None:
    rng = random.Random(seed)
    values = [round(rng.uniform(0, 100), 1 if seed % 2 else 0) for _ in range(80)]
    bad = [v + rng.gauss(0, 20) < 40 for v in values]
    choice = choose_threshold(values, bad, min_recall)
    expected = brute_threshold(values, bad, min_recall)
    assert choice is not None and expected is not None
    assert choice.threshold == pytest.approx(expected[0])
    objective = choice.precision if min_recall is not None else choice.f1
    assert objective == pytest.approx(expected[1])
    assert choice.flagged == sum(v < choice.threshold for v in values)


@pytest.mark.parametrize("bad", [[False] * 4, [True] * 4])
def test_no_threshold_without_both_classes(bad: list[bool]) -> None:
    assert choose_threshold([1.0, 2.0, 3.0, 4.0], bad) is None


def test_a_perfectly_separating_metric_gets_a_perfect_threshold() -> None:
    choice = choose_threshold([10, 20, 30, 70, 80, 90], [True, True, True, False, False, False])
    assert choice is not None
    assert (choice.threshold, choice.precision, choice.recall, choice.f1) == (50.0, 1.0, 1.0, 1.0)


# Reading annotations


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "labels.csv",
            "text,label\nDer Kreml schwieg.,ok\n\"Es wird getan , ja.\",bad\nMoskau auch.,1\nGut.,0\n",
            [("Der Kreml schwieg.", False, None), ("Es wird getan , ja.", True, None),
             ("Moskau auch.", True, None), ("Gut.", False, None)],
        ),
        (
            "scores.tsv",
            "TEXT\tScore\nA eins.\t10\nB zwei.\t20\nC drei.\t30\nD vier.\t40\nE fünf.\t\n",
            [("A eins.", True, 10.0), ("B zwei.", False, 20.0), ("C drei.", False, 30.0),
             ("D vier.", False, 40.0), ("E fünf.", None, None)],
        ),
        (
            "hf-mqm.csv",
            "lp,src,mt,ref,score\nen-de,Hello.,Hallo.,Hallo!,-1.0\nen-de,Bye.,Tschüss.,Ciao.,-6\n",
            [("Hallo.", False, -1.0), ("Tschüss.", True, -6.0)],
        ),
    ],
)
def test_reading_segment_tables(
    tmp_path: Path, name: str, content: str, expected: list[tuple[str, bool | None, float | None]]
) -> None:
    bad_score = -5.0 if name == "hf-mqm.csv" else None
    segments, notes = read_annotations(write(tmp_path / name, content), bad_score=bad_score)
    assert [(s.text, s.bad, s.human) for s in segments] == expected
    if name == "hf-mqm.csv":
        first = segments[0]
        assert (first.source, first.source_lang, first.reference) == ("Hello.", "en", "Hallo!")
    if name == "scores.tsv":
        assert notes == ["bad = human score <= 10 (the lower quartile; choose another with bad_score)"]


MQM_TSV = (
    "system\tdoc\tdoc_id\tseg_id\trater\tsource\ttarget\tcategory\tseverity\n"
    "sysA\tnews.1\t1\t1\trater1\tHello there.\t<v>Hallo</v> dort.\tAccuracy/Mistranslation\tMajor\n"
    "sysA\tnews.1\t1\t1\trater1\tHello there.\tHallo <v>dort</v>.\tStyle/Awkward\tMinor\n"
    "sysA\tnews.1\t1\t1\trater2\tHello there.\tHallo dort<v>.</v>\tFluency/Punctuation\tMinor\n"
    "sysA\tnews.1\t1\t2\trater1\tThe \"end\".\tDas \"Ende\".\tNo-error\tNo-error\n"
    "sysB\tnews.1\t1\t1\trater3\tHello there.\tHello there.\tNon-translation!\tMajor\n"
    "sysB\tnews.1\t1\t2\trater3\tThe \"end\".\tDas Ende.\tStyle/Awkward\tNeutral\n"
)


def test_reading_wmt_mqm_error_annotations(tmp_path: Path) -> None:
    segments, notes = read_annotations(write(tmp_path / "mqm_newstest2020_ende.tsv", MQM_TSV))
    by_text = {s.text: s for s in segments}
    assert set(by_text) == {"Hallo dort.", 'Das "Ende".', "Hello there.", "Das Ende."}
    assert by_text["Hallo dort."].human == pytest.approx(-(5 + 1 + 0.1) / 2)
    assert by_text['Das "Ende".'].human == 0.0
    assert by_text["Hello there."].human == -25.0
    assert by_text["Das Ende."].human == 0.0
    assert [s.text for s in segments if s.bad] == ["Hello there."]
    assert {s.source_lang for s in segments} == {"en"}
    assert by_text["Hallo dort."].source == "Hello there."
    assert notes == ["bad = MQM score <= -5"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("words,label\nx,ok\n", "needs a text column"),
        ("text,comment\nx,ok\n", "needs a text column"),
        ("text,label\nx,maybe\n", "label 'maybe'"),
        ("text,score\nx,high\n", "score 'high'"),
        ("text,label\n", "no annotated segments"),
        ("", "empty"),
    ],
)
def test_malformed_annotations_are_input_errors(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_annotations(write(tmp_path / "data.csv", content))


# Calibrating with the tiny model


@pytest.fixture
def settings(tiny_marian_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> BacktranslationSettings:
    return BacktranslationSettings(
        de_en=str(tiny_marian_dir),
        en_de=str(tiny_marian_dir),
        model_dir=str(tmp_path_factory.getbasetemp() / "calibrate-models"),
        cache=":memory:",
    )


def test_calibrate_agrees_with_a_direct_computation(
    settings: BacktranslationSettings, tmp_path: Path
) -> None:
    """Labels made from real round-trip scores plus noise: calibrate must recover the same statistics."""
    texts = list(dict.fromkeys(german_sentences(60, seed=99)))
    direct = Scorer(settings).score(
        [(Article(f"s{k}", t, "x"), [Segment(0, 0, len(t), t, 0)]) for k, t in enumerate(texts)]
    )
    rng = random.Random(5)
    rows, roundtrip, human, labels = [], [], [], []
    for k, text in enumerate(texts):
        scores = direct[f"s{k}"].scores
        value = next(s.value for s in scores if s.metric == "roundtrip_chrf" and s.segment == 0)
        score = value + rng.gauss(0, 3)
        roundtrip.append(value)
        human.append(score)
        labels.append(score < 8.0)
        rows.append({"text": text, "score": f"{score:.6f}", "label": "bad" if score < 8.0 else "ok"})
    human = [float(f"{h:.6f}") for h in human]
    data = tmp_path / "annotated.csv"
    with data.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=["text", "score", "label"])
        writer.writeheader()
        writer.writerows(rows)
    assert any(labels) and not all(labels)

    result = calibrate(data, settings)
    by_metric = {m.metric: m for m in result.metrics}
    assert set(by_metric) == {"roundtrip_chrf", "confidence"}
    metric = by_metric["roundtrip_chrf"]
    expected = choose_threshold(roundtrip, labels)
    assert expected is not None
    assert metric.segments == len(texts)
    assert metric.pearson == pytest.approx(pearson(roundtrip, human))
    assert metric.kendall == pytest.approx(brute_kendall(roundtrip, human))
    assert metric.threshold == round(expected.threshold, 4)
    assert (metric.precision, metric.recall, metric.f1) == (expected.precision, expected.recall, expected.f1)
    assert metric.pearson is not None and metric.pearson > 0.5
    assert (result.segments, result.bad) == (len(texts), sum(labels))
    assert "roundtrip_chrf" in result.format()


def test_calibrate_without_a_model_is_an_error(settings: BacktranslationSettings, tmp_path: Path) -> None:
    data = write(tmp_path / "data.csv", "text,label\nDer Kreml schwieg.,ok\nEs wird getan .,bad\n")
    with pytest.raises(ModelUnavailableError, match="no-model"):
        calibrate(data, replace(settings, de_en=str(tmp_path / "no-model")))


# Writing thresholds into the config

RESULT = CalibrationResult(
    data="data.csv",
    segments=10,
    bad=3,
    metrics=(
        MetricCalibration("roundtrip_chrf", 10, 0.6, 0.4, 31.25, 0.75, 1.0, 0.857, 4),
        MetricCalibration("confidence", 10, 0.5, 0.3, -1.5, 0.5, 0.67, 0.571, 4),
        MetricCalibration("source_chrf", 10, None, None, None, None, None, None, 0),
    ),
)


def test_writing_a_new_config(tmp_path: Path) -> None:
    path = tmp_path / "mtqa.toml"
    written = write_thresholds(path, RESULT)
    assert written == {"roundtrip_chrf": 31.25, "confidence": -1.5}
    assert path.read_text(encoding="utf-8") == (
        "[backtranslation]\n"
        "calibrated = true\n"
        "\n"
        "[backtranslation.thresholds]\n"
        "confidence = -1.5\n"
        "roundtrip_chrf = 31.25\n"
    )
    loaded = load_settings(path).backtranslation
    assert (loaded.calibrated, loaded.thresholds) == (True, written)


EXISTING = """\
# House settings for the news desk
select = ["TYP", "NAM"]  # keep this comment

[backtranslation]
# models pulled on the build machine
de_en = "Helsinki-NLP/opus-mt-de-en"
calibrated = false
batch_size = 16

[backtranslation.thresholds]
roundtrip_chrf = 10.0
source_chrf = 12.5

[backtranslation.source_models]
ru = "Helsinki-NLP/opus-mt-de-ru"

[lists]
names = ["my-names.tsv"]
"""


def test_updating_a_config_keeps_everything_else(tmp_path: Path) -> None:
    path = write(tmp_path / "mtqa.toml", EXISTING)
    (tmp_path / "my-names.tsv").write_text("# n\nwrong\tright\n", encoding="utf-8")
    before = load_settings(path)
    written = write_thresholds(path, RESULT)
    assert written == {"roundtrip_chrf": 31.25, "confidence": -1.5, "source_chrf": 12.5}
    text = path.read_text(encoding="utf-8")
    for line in EXISTING.splitlines():
        if line.startswith(("calibrated", "roundtrip_chrf")):
            assert line not in text
        else:
            assert line in text
    after = load_settings(path)
    assert after.backtranslation == replace(before.backtranslation, calibrated=True, thresholds=written)
    assert replace(after, backtranslation=before.backtranslation) == before


def test_updating_a_pyproject(tmp_path: Path) -> None:
    content = '[project]\nname = "desk"\n\n[tool.mtqa]\nfail-on = "critical"\n'
    path = write(tmp_path / "pyproject.toml", content)
    write_thresholds(path, {"roundtrip_chrf": 25})
    settings = load_settings(path)
    assert settings.fail_on == "critical"
    assert settings.backtranslation.thresholds == {"roundtrip_chrf": 25.0}
    assert settings.backtranslation.calibrated is True
    assert '[project]\nname = "desk"' in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "content",
    [
        "backtranslation.calibrated = false\n",
        'backtranslation = { de_en = "x" }\n',
    ],
)
def test_a_config_that_cannot_be_edited_safely_is_left_alone(tmp_path: Path, content: str) -> None:
    path = write(tmp_path / "mtqa.toml", content)
    with pytest.raises(ConfigError, match="by hand"):
        write_thresholds(path, RESULT)
    assert path.read_text(encoding="utf-8") == content


def test_nothing_to_write_is_an_error(tmp_path: Path) -> None:
    empty = replace(RESULT, metrics=RESULT.metrics[2:])
    with pytest.raises(ConfigError, match="no thresholds"):
        write_thresholds(tmp_path / "mtqa.toml", empty)
    assert not (tmp_path / "mtqa.toml").exists()
