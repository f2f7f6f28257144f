"""Sentence alignment (Gale-Church over lengths, optionally guided by trigram overlap), on its own."""

from __future__ import annotations

import random

import pytest

from mtqa.backtranslate.align import (
    BAND_WIDTH,
    FULL_SEARCH_CELLS,
    Bead,
    align,
    align_texts,
    trigram_similarity,
)


def _pairs(beads: list[Bead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.left, b.right) for b in beads]


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ([30, 30, 30], [30, 30, 30], [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]),
        ([100, 40, 40, 120], [100, 80, 120], [((0,), (0,)), ((1, 2), (1,)), ((3,), (2,))]),
        ([100, 80, 120], [100, 40, 40, 120], [((0,), (0,)), ((1,), (1, 2)), ((2,), (3,))]),
        ([50, 50, 90, 120], [100, 90, 120], [((0, 1), (0,)), ((2,), (1,)), ((3,), (2,))]),
        ([60, 70, 60, 70], [130, 130], [((0, 1), (0,)), ((2, 3), (1,))]),
        # The source needs 20% more characters: still one-to-one, not a run of merges.
        ([80, 40, 120, 60], [96, 48, 144, 72], [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,))]),
        ([], [10, 20], [((), (0,)), ((), (1,))]),
        ([10, 20], [], [((0,), ()), ((1,), ())]),
        ([], [], []),
    ],
)
def test_alignment_by_lengths(
    left: list[int], right: list[int], expected: list[tuple[tuple[int, ...], tuple[int, ...]]]
) -> None:
    assert _pairs(align(left, right)) == expected


@pytest.mark.parametrize("seed", range(6))
def test_every_item_is_covered_once_and_in_order(seed: int) -> None:
    rng = random.Random(seed)
    left = [rng.randint(5, 200) for _ in range(rng.randint(1, 60))]
    right = [rng.randint(5, 200) for _ in range(rng.randint(1, 60))]
    beads = align(left, right)
    assert [i for b in beads for i in b.left] == list(range(len(left)))
    assert [j for b in beads for j in b.right] == list(range(len(right)))
    assert all(1 <= len(b.left) + len(b.right) <= 4 for b in beads)


def test_long_inputs_use_the_band_and_still_align_one_to_one() -> None:
    rng = random.Random(7)
    lengths = [rng.randint(20, 200) for _ in range(120)]
    assert len(lengths) ** 2 > FULL_SEARCH_CELLS
    noisy = [length + rng.randint(-3, 3) for length in lengths]
    assert _pairs(align(lengths, noisy)) == [((i,), (i,)) for i in range(120)]


@pytest.mark.parametrize(("n", "m"), [(3000, 3300), (3300, 3000), (10, 3000), (3000, 10), (2000, 2000)])
def test_the_band_stays_linear_whatever_the_counts(n: int, m: int) -> None:
    """Different sentence counts (a merge-heavy vendor, a 1 MB source) must not widen the search to n*m."""
    from mtqa.backtranslate.align import _band

    rows = _band(n, m)
    cells = sum(high - low + 1 for low, high in map(rows, range(n + 1)))
    assert cells <= (n + 1) * (2 * (BAND_WIDTH + m // n + 1) + 1) + m
    beads = align([100] * n, [100 * n // m] * m)
    assert sum(len(b.left) for b in beads) == n and sum(len(b.right) for b in beads) == m


def test_a_long_run_of_dropped_sentences_is_found_inside_the_band() -> None:
    """An omission of 20 sentences in a row (within the band's reach) still aligns around it."""
    rng = random.Random(3)
    lengths = [rng.randint(20, 200) for _ in range(200)]
    dropped = lengths[:90] + lengths[110:]
    pairs = _pairs(align(dropped, lengths))
    assert ((10,), (10,)) in pairs and ((90,), (110,)) in pairs and ((170,), (190,)) in pairs


def test_a_long_article_with_one_merge_in_the_band() -> None:
    left = [100] * 60 + [40, 40] + [100] * 60
    right = [100] * 60 + [80] + [100] * 60
    beads = align(left, right)
    assert Bead((60, 61), (60,)) in beads
    assert len(beads) == 121


# Three German sentences against two source sentences of nearly equal length: the lengths cannot
# tell whether the source merged the first two or the last two; the guide's content can.
GERMAN = [
    "Der Kreml bestätigte Gespräche am Freitag.",
    "Sie sollen in Istanbul stattfinden, hieß es.",
    "Ein Termin steht bislang noch nicht fest.",
]
GUIDE_EN = [
    "The Kremlin confirmed talks on Friday.",
    "They are to take place in Istanbul, it said.",
    "A date has not yet been fixed so far.",
]
SOURCE_MERGED_FIRST = [
    "On Friday the Kremlin confirmed talks to be held in Istanbul.",
    "So far no date for the talks has been fixed, it was said.",
]
SOURCE_MERGED_LAST = [
    "On Friday the Kremlin confirmed that talks would take place.",
    "They are to be in Istanbul, but no date has been fixed yet.",
]


def test_lengths_alone_cannot_place_the_merge() -> None:
    assert align_texts(GERMAN, SOURCE_MERGED_FIRST) == align_texts(GERMAN, SOURCE_MERGED_LAST)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (SOURCE_MERGED_FIRST, [((0, 1), (0,)), ((2,), (1,))]),
        (SOURCE_MERGED_LAST, [((0,), (0,)), ((1, 2), (1,))]),
    ],
)
def test_the_guide_places_the_merge(
    source: list[str], expected: list[tuple[tuple[int, ...], tuple[int, ...]]]
) -> None:
    assert _pairs(align_texts(GERMAN, source, GUIDE_EN)) == expected


# A handmade bilingual pair: the Russian source says in one sentence what the German says in two.
GERMAN_PARAGRAPH = [
    "Russland betrachtet die Verhandlungen von Kirill Dmitrijew in Washington als wichtigen Schritt.",
    "Das sagte Kremlsprecher Dmitri Peskow am Freitag.",
    "Es gebe vorsichtigen Optimismus.",
    "Die Arbeit gehe weiter, über verschiedene Kanäle.",
    "Für konkrete Ergebnisse sei es zu früh.",
]
GERMAN_INTO_RUSSIAN = [  # what a de-ru model would produce for each German sentence
    "Россия рассматривает переговоры Кирилла Дмитриева в Вашингтоне как важный шаг.",
    "Об этом в пятницу заявил пресс-секретарь Кремля Дмитрий Песков.",
    "Есть осторожный оптимизм.",
    "Работа продолжается по разным каналам.",
    "О конкретных результатах говорить рано.",
]
RUSSIAN_SOURCE = [
    "Россия считает переговоры спецпредставителя Кирилла Дмитриева в Вашингтоне важным шагом, "
    "заявил в пятницу пресс-секретарь Кремля Дмитрий Песков.",
    "Осторожный оптимизм есть.",
    "Работа идет по разным каналам.",
    "Говорить о конкретных результатах переговоров пока рано.",
]
EXPECTED_RUSSIAN = [((0, 1), (0,)), ((2,), (1,)), ((3,), (2,)), ((4,), (3,))]


def test_german_paragraph_against_a_russian_source_with_a_merge() -> None:
    assert _pairs(align_texts(GERMAN_PARAGRAPH, RUSSIAN_SOURCE, GERMAN_INTO_RUSSIAN)) == EXPECTED_RUSSIAN


def test_the_same_pair_by_lengths_alone() -> None:
    assert _pairs(align_texts(GERMAN_PARAGRAPH, RUSSIAN_SOURCE)) == EXPECTED_RUSSIAN


def test_a_guide_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="guide"):
        align_texts(GERMAN, SOURCE_MERGED_FIRST, GUIDE_EN[:2])


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (["abcdef"], ["abcdef"], 1.0),
        (["abc"], ["xyz"], 0.0),
        (["Der Kreml"], ["der  kreml"], 1.0),
        ([""], [""], 0.0),
    ],
)
def test_trigram_similarity(left: list[str], right: list[str], expected: float) -> None:
    assert trigram_similarity(left, right)(0, 1, 0, 1) == pytest.approx(expected)


def test_trigram_similarity_of_merged_items_uses_both() -> None:
    similarity = trigram_similarity(["Kreml Sprecher", "Peskow sagte"], ["Kreml Sprecher Peskow sagte"])
    assert similarity(0, 2, 0, 1) > similarity(0, 1, 0, 1) > similarity(1, 2, 0, 1) > 0.0
