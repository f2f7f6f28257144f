"""Sentence alignment between a German article and its source (or reference), not assumed one-to-one.

Translators and machines merge and split sentences, so segment *i* of the German rarely faces sentence
*i* of the source. A Gale-Church dynamic programme over character lengths finds the most likely chain of
1-1, 1-2, 2-1, 2-2, 1-0 and 0-1 "beads"; an optional similarity (character trigram overlap between
a back-translation and the source sentences) steers it where lengths alone are ambiguous.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MOVE_PRIORS: dict[tuple[int, int], float] = {
    (1, 1): 0.89,
    (1, 0): 0.0099,
    (0, 1): 0.0099,
    (2, 1): 0.089,
    (1, 2): 0.089,
    (2, 2): 0.011,
}
"""Gale and Church's (1993) bead probabilities, as most implementations use them."""

VARIANCE_PER_CHARACTER = 6.8
"""Gale and Church's variance of the target length per source character."""

SIMILARITY_WEIGHT = 8.0
"""Cost per item (in nats, like the length cost) of a bead whose texts share nothing."""

FULL_SEARCH_CELLS = 2500
"""Above this many cells the search is limited to a band around the diagonal."""
BAND_WIDTH = 30
"""How far (in items) the band lets the chain stray from the scaled diagonal: omissions and merges of
up to this many sentences in a row; the band grows only with the slope, so the search stays linear."""

Similarity = Callable[[int, int, int, int], float]
"""``similarity(i0, i1, j0, j1)``: how alike left items ``i0:i1`` and right items ``j0:j1`` are, 0 to 1."""


@dataclass(frozen=True)
class Bead:
    """Left items (German segments) and the right items (source sentences) that translate each other."""

    left: tuple[int, ...]
    right: tuple[int, ...]


def _length_cost(left: int, right: int, ratio: float) -> float:
    """-log P(lengths | same content): the length difference as a normal deviate, two-tailed."""
    if left == 0 and right == 0:
        return 0.0
    mean = (left + right / ratio) / 2.0
    delta = abs(right - left * ratio) / math.sqrt(max(mean, 1.0) * VARIANCE_PER_CHARACTER * ratio)
    tail = math.erfc(delta / math.sqrt(2.0))
    if tail > 1e-300:
        return -math.log(tail)
    # Asymptotic form of -log(erfc(x / sqrt 2)) where erfc underflows.
    return delta * delta / 2.0 + math.log(delta * math.sqrt(math.pi / 2.0))


def align(
    left_lengths: Sequence[int],
    right_lengths: Sequence[int],
    similarity: Similarity | None = None,
    similarity_weight: float = SIMILARITY_WEIGHT,
) -> list[Bead]:
    """The cheapest chain of beads covering every left and right item once, in order.

    Lengths are in characters. The expected right/left length ratio is estimated from the totals, so a
    language that needs more characters than German does not look like a run of merges.
    """
    n, m = len(left_lengths), len(right_lengths)
    if n == 0 or m == 0:
        return [Bead((i,), ()) for i in range(n)] + [Bead((), (j,)) for j in range(m)]
    total_left, total_right = sum(left_lengths), sum(right_lengths)
    ratio = total_right / total_left if total_left > 0 and total_right > 0 else 1.0
    left_prefix = [0]
    for length in left_lengths:
        left_prefix.append(left_prefix[-1] + length)
    right_prefix = [0]
    for length in right_lengths:
        right_prefix.append(right_prefix[-1] + length)
    band = _band(n, m)
    moves = [(di, dj, -math.log(p)) for (di, dj), p in MOVE_PRIORS.items()]
    length_costs: dict[tuple[int, int], float] = {}  # beads of the same sizes recur across cells

    inf = math.inf
    # cost[i][j]: the cheapest chain covering left[:i] and right[:j] (only cells inside the band)
    cost: list[dict[int, float]] = [{} for _ in range(n + 1)]
    cost[0][0] = 0.0
    back: list[dict[int, tuple[int, int]]] = [{} for _ in range(n + 1)]
    for i in range(n + 1):
        low, high = band(i)
        for j in range(low, high + 1):
            if i == 0 and j == 0:
                continue
            best, best_move = inf, (0, 0)
            for di, dj, prior in moves:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0:
                    continue
                previous = cost[pi].get(pj)
                if previous is None:
                    continue
                sizes = (left_prefix[i] - left_prefix[pi], right_prefix[j] - right_prefix[pj])
                charge = length_costs.get(sizes)
                if charge is None:
                    charge = length_costs[sizes] = _length_cost(sizes[0], sizes[1], ratio)
                step = previous + prior + charge
                if similarity is not None:
                    # Charged per item, so a merge costs no more than the 1-1 beads it replaces.
                    shared = similarity(pi, i, pj, j) if di and dj else 0.0
                    step += similarity_weight * (1.0 - shared) * (di + dj) / 2.0
                if step < best:
                    best, best_move = step, (di, dj)
            if best < inf:
                cost[i][j] = best
                back[i][j] = best_move

    beads: list[Bead] = []
    i, j = n, m
    while (i, j) != (0, 0):
        di, dj = back[i][j]
        beads.append(Bead(tuple(range(i - di, i)), tuple(range(j - dj, j))))
        i, j = i - di, j - dj
    beads.reverse()
    return beads


def _band(n: int, m: int) -> Callable[[int], tuple[int, int]]:
    """Which right indices row ``i`` may reach: all of them for small inputs, else a diagonal band.

    The band follows the line from (0, 0) to (n, m), so inputs of different counts need no wider band;
    it is widened by the slope (right items per left item) so that each row still reaches the next.
    Its cells number about ``(n + 1) * 2 * width``: linear in the input.
    """
    if n * m <= FULL_SEARCH_CELLS:
        return lambda i: (0, m)
    width = BAND_WIDTH + math.ceil(m / n)

    def rows(i: int) -> tuple[int, int]:
        centre = round(i * m / n)
        low, high = max(0, centre - width), min(m, centre + width)
        if i == n:
            high = m
        return low, high

    return rows


_SPACE = re.compile(r"\s+")


def _trigrams(text: str) -> frozenset[str]:
    squeezed = _SPACE.sub(" ", text.lower()).strip()
    return frozenset(squeezed[k : k + 3] for k in range(max(len(squeezed) - 2, 0)))


def trigram_similarity(left: Sequence[str], right: Sequence[str]) -> Similarity:
    """Dice overlap of lower-cased character trigrams between joined left items and joined right items.

    Character n-grams, like chrF, survive inflection and word order; sets make each comparison a few
    microseconds, so guiding every cell of the alignment stays cheap.
    """
    left_grams = [_trigrams(t) for t in left]
    right_grams = [_trigrams(t) for t in right]
    memo: dict[tuple[int, int, int, int], float] = {}

    def joined(grams: list[frozenset[str]], start: int, end: int) -> frozenset[str]:
        if end - start == 1:
            return grams[start]
        return frozenset().union(*grams[start:end])

    def similarity(i0: int, i1: int, j0: int, j1: int) -> float:
        key = (i0, i1, j0, j1)
        value = memo.get(key)
        if value is None:
            a, b = joined(left_grams, i0, i1), joined(right_grams, j0, j1)
            total = len(a) + len(b)
            value = 2.0 * len(a & b) / total if total else 0.0
            memo[key] = value
        return value

    return similarity


def align_texts(left: Sequence[str], right: Sequence[str], guide: Sequence[str] | None = None) -> list[Bead]:
    """Align two lists of sentences by length, guided by ``guide`` (left translated into right's language).

    Without a guide, lengths alone decide; with ``guide`` (same length as ``left``), trigram overlap
    between it and ``right`` does too. Same-language pairs (German and a German reference) can pass
    ``guide=left``.
    """
    if guide is not None and len(guide) != len(left):
        raise ValueError(f"guide has {len(guide)} items for {len(left)} left items")
    similarity = trigram_similarity(guide, right) if guide is not None else None
    return align([len(t.strip()) for t in left], [len(t.strip()) for t in right], similarity)
