"""Simulated tasks from JASPAR motifs for bench_tasks: the cells of its matrix.

Every simulator takes ``(n, rng)`` and returns ``(X, y)``: ``X`` an object
array of ``n`` strings, ``y`` the targets.  Sites are sampled from the
motif's position frequency matrix (a fresh, noisy site each time) and planted
on a random strand; the background is uniform A, C, G, T unless said.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dnacnn.motifs import load_motif_database

LETTERS = np.array(list("ACGT"))


@dataclass(frozen=True)
class Motif:
    """A JASPAR motif: identifier, factor name and (L, 4) ACGT frequencies."""

    id: str
    name: str
    pfm: np.ndarray


def load_motifs(ids) -> dict[str, Motif]:
    """The JASPAR motifs ``ids`` (JASPAR2024 CORE vertebrates, from pyjaspar)."""
    jaspar = load_motif_database()
    return {i: Motif(i, jaspar.names[i], np.asarray(jaspar[i].pfm)) for i in ids}


def sample_sites(pfm: np.ndarray, n: int, rng) -> np.ndarray:
    """``n`` sites (codes 0..3) drawn from ``pfm``, each on a random strand."""
    pfm = pfm / pfm.sum(axis=1, keepdims=True)
    cum = np.cumsum(pfm, axis=1)
    draws = rng.random((n, len(pfm), 1))
    sites = np.minimum((draws > cum[None]).sum(axis=2), 3)
    reverse = rng.random(n) < 0.5
    sites[reverse] = 3 - sites[reverse, ::-1]
    return sites


def plant(codes: np.ndarray, rows, starts, pfm: np.ndarray, rng) -> None:
    """Write a sampled site of ``pfm`` at ``codes[row, start:]`` for each pair."""
    rows, starts = np.asarray(rows), np.asarray(starts)
    sites = sample_sites(pfm, len(rows), rng)
    cols = starts[:, None] + np.arange(len(pfm))
    codes[rows[:, None], cols] = sites


def background(n: int, length: int, rng, gc=None) -> np.ndarray:
    """Codes of ``n`` random sequences; ``gc`` is a per-sequence GC fraction."""
    if gc is None:
        return rng.integers(0, 4, size=(n, length))
    gc = np.asarray(gc)[:, None]
    u = rng.random((n, length))
    # A and T share 1 - gc, C and G share gc
    return np.select(
        [u < (1 - gc) / 2, u < 0.5, u < 0.5 + gc / 2], [0, 1, 2], default=3
    )


def to_strings(codes: np.ndarray) -> np.ndarray:
    return np.array(["".join(row) for row in LETTERS[codes]], dtype=object)


def slot_starts(n: int, length: int, width: int, n_slots: int, rng) -> np.ndarray:
    """Random starts, one per slot of ``length // n_slots`` bp, slots shuffled.

    Returns ``(n, n_slots)``: sites planted at different columns never overlap.
    """
    slot = length // n_slots
    order = np.argsort(rng.random((n, n_slots)), axis=1)
    return order * slot + rng.integers(0, slot - width + 1, size=(n, n_slots))


def relative_affinity(codes: np.ndarray, pfm: np.ndarray) -> np.ndarray:
    """Sum over positions and both strands of each window's relative affinity.

    A window's relative affinity is the product over its positions of
    ``pfm[base] / max(pfm)`` (1 for the consensus), the likelihood ratio of
    the window to the best site; summed over all windows of a sequence.
    """
    pfm = pfm / pfm.sum(axis=1, keepdims=True)
    logratio = np.log(pfm + 1e-3) - np.log(pfm.max(axis=1, keepdims=True) + 1e-3)
    w = len(pfm)
    n, length = codes.shape
    total = np.zeros(n)
    for matrix in (logratio, logratio[::-1, ::-1]):  # forward, reverse complement
        score = np.zeros((n, length - w + 1))
        for i in range(w):
            score += matrix[i][codes[:, i : length - w + 1 + i]]
        total += np.exp(score).sum(axis=1)
    return total


# ---------------------------------------------------------------- the cells
def binary(n: int, rng, *, pfm, length: int = 200):
    """Half the sequences hold one site of ``pfm``, anywhere, either strand."""
    codes = background(n, length, rng)
    y = np.zeros(n, dtype=int)
    y[rng.permutation(n)[: n // 2]] = 1
    rows = np.flatnonzero(y)
    plant(codes, rows, rng.integers(0, length - len(pfm) + 1, len(rows)), pfm, rng)
    return to_strings(codes), y


def messy(n: int, rng, *, pfm, lengths=(90, 130)):
    """Binary, short and dirty: variable lengths and GC, lowercase runs, Ns.

    Lengths uniform in ``lengths``; each sequence's GC fraction uniform in
    0.35..0.65 (the same for both classes); half hold one site of ``pfm``.
    Then, for every sequence alike: 0 to 2 soft-masked (lowercase) runs of
    10..60 bp, a run of 1..10 ``N`` with probability 0.3, and single ``N``
    at 1% of positions.  A run of ``N`` may hit the site, as in real data.
    """
    low, high = lengths
    size = rng.integers(low, high + 1, n)
    codes = background(n, high, rng, gc=rng.uniform(0.35, 0.65, n))
    y = np.zeros(n, dtype=int)
    y[rng.permutation(n)[: n // 2]] = 1
    rows = np.flatnonzero(y)
    starts = (rng.random(len(rows)) * (size[rows] - len(pfm) + 1)).astype(int)
    plant(codes, rows, starts, pfm, rng)
    chars = LETTERS[codes].astype("<U1")
    for i in range(n):
        s = chars[i, : size[i]]
        for _ in range(rng.integers(0, 3)):
            width = rng.integers(10, 61)
            start = rng.integers(0, max(size[i] - width, 0) + 1)
            s[start : start + width] = np.char.lower(s[start : start + width])
        if rng.random() < 0.3:
            width = rng.integers(1, 11)
            start = rng.integers(0, size[i] - width + 1)
            s[start : start + width] = "N"
        s[rng.random(size[i]) < 0.01] = "N"
    X = np.array(["".join(chars[i, : size[i]]) for i in range(n)], dtype=object)
    return X, y


def three_class(n: int, rng, *, pfms, length: int = 150):
    """Classes 0 (no site), 1 (a site of ``pfms[0]``), 2 (one of ``pfms[1]``)."""
    codes = background(n, length, rng)
    y = rng.permutation(np.arange(n) % 3)
    for k, pfm in enumerate(pfms, start=1):
        rows = np.flatnonzero(y == k)
        starts = rng.integers(0, length - len(pfm) + 1, len(rows))
        plant(codes, rows, starts, pfm, rng)
    return to_strings(codes), y


def multilabel(n: int, rng, *, pfms, length: int = 500, rate: float = 0.3):
    """Each motif is present (one site) with probability ``rate``, independently.

    ``y[:, k]`` is 1 where motif ``k`` is present.  Each motif planted in a
    sequence gets its own slot of ``length // len(pfms)`` bp (slots shuffled
    per sequence), so sites never overlap.
    """
    codes = background(n, length, rng)
    Y = (rng.random((n, len(pfms))) < rate).astype(int)
    width = max(len(p) for p in pfms)
    starts = slot_starts(n, length, width, len(pfms), rng)
    for k, pfm in enumerate(pfms):
        rows = np.flatnonzero(Y[:, k])
        plant(codes, rows, starts[rows, k], pfm, rng)
    return to_strings(codes), Y


def regression(
    n: int,
    rng,
    *,
    pfms,
    weights=(1.0, -1.0),
    length: int = 250,
    sites: float = 1.0,
    noise: float = 0.3,
):
    """Activity = weighted sum of the sites' relative affinities, plus noise.

    Each motif gets Poisson(``sites``) sites (at most 2) in non-overlapping
    slots; the activity sums, over every window of the sequence and both
    strands, ``weights[k]`` times the relative affinity to ``pfms[k]`` (see
    :func:`relative_affinity`), so that planted sites count by how close to
    the consensus they came, and chance sites of the background count too;
    then adds Gaussian noise of standard deviation ``noise``.
    """
    codes = background(n, length, rng)
    width = max(len(p) for p in pfms)
    starts = slot_starts(n, length, width, 2 * len(pfms), rng)
    for k, pfm in enumerate(pfms):
        count = np.minimum(rng.poisson(sites, n), 2)
        for j in range(2):
            rows = np.flatnonzero(count > j)
            plant(codes, rows, starts[rows, 2 * k + j], pfm, rng)
    activity = sum(
        w * relative_affinity(codes, pfm) for w, pfm in zip(weights, pfms, strict=True)
    )
    activity = activity + rng.normal(0, noise, n)
    return to_strings(codes), activity
