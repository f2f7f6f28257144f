"""The artefact score: severity-weighted findings per 100 words, smoothed by a prior of 100 clean words."""

from __future__ import annotations

import pytest

from mtqa.config import Settings
from mtqa.model import PRIOR_WORDS, Severity, artefact_score
from mtqa.pipeline import check_article
from mtqa.segment import count_words
from tests.conftest import DATA, article

MINOR, MAJOR, CRITICAL = Severity.MINOR, Severity.MAJOR, Severity.CRITICAL


@pytest.mark.parametrize(
    ("severities", "words", "expected"),
    [
        ([], 0, 0.0),
        ([], 500, 0.0),
        ([MAJOR], 19, 4.202),
        ([MAJOR], 497, 0.838),
        ([MAJOR], 0, 5.0),
        ([MINOR, MAJOR, CRITICAL], 100, 8.0),
        ([CRITICAL] * 10, 900, 10.0),
    ],
)
def test_artefact_score(severities: list[Severity], words: int, expected: float) -> None:
    assert artefact_score(severities, words) == expected


def test_score_approaches_the_plain_rate_for_long_articles_and_shrinks_short_ones() -> None:
    rate = 5.0  # one major finding per 100 words
    long = artefact_score([MAJOR] * 100, 10_000)
    short = artefact_score([MAJOR], 20)
    assert PRIOR_WORDS == 100
    assert rate * 0.98 < long < rate
    assert short < rate  # 20 words are little evidence: pulled towards clean
    assert artefact_score([MAJOR] * 4, 20) > long  # a snippet that is mostly errors still ranks first


def test_example_article_score() -> None:
    text = (DATA / "peskov-washington.de.txt").read_text(encoding="utf-8")
    findings = check_article(article(text), Settings())[1]
    words = count_words(text)
    assert words == 497
    assert 15.0 < artefact_score([f.severity for f in findings], words) < 25.0
