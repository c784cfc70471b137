"""Dinucleotide shuffles (Altschul and Erickson, 1985): negatives that keep
each sequence's dinucleotide counts exactly."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

from .._sequences import as_sequence_array, check_entries
from .._validation import check_int

__all__ = ["dinucleotide_shuffle"]


def dinucleotide_shuffle(sequences, n: int = 1, *, random_state=None) -> np.ndarray:
    """Shuffle sequences keeping their dinucleotide counts exactly.

    Each sequence is read as a walk through the graph whose vertices are its
    letters and whose edges are its ``len - 1`` dinucleotides; a shuffle is
    another Eulerian walk through the same edges from the same first letter,
    drawn uniformly by the Altschul–Erickson method (a random arborescence
    of last exits into the last letter, then the other exits of each letter
    in random order).  Each shuffle has the same length, first and last
    letter, letter counts and counts of each of the 16 (or more, with ``N``
    or lowercase letters, each its own letter) dinucleotides as its source.

    Parameters
    ----------
    sequences : array-like of str, shape (n_sequences,)
        The sequences to shuffle.
    n : int, default=1
        Shuffles per sequence.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffles.

    Returns
    -------
    shuffles : ndarray of str, shape (n_sequences * n,)
        The ``n`` shuffles of sequence ``i`` are rows ``i * n`` to
        ``i * n + n - 1``.

    Raises
    ------
    TypeError
        If ``sequences`` are not strings or ``n`` is not an int.
    ValueError
        If ``n`` is below 1.

    References
    ----------
    S. F. Altschul and B. W. Erickson, "Significance of nucleotide sequence
    alignments: a method for random sequence permutation that preserves
    dinucleotide and codon usage", Mol. Biol. Evol. 2(6), 1985.

    Examples
    --------
    >>> from dnacnn.genome import dinucleotide_shuffle
    >>> shuffled = dinucleotide_shuffle(["ACGTTGCAACGT"], n=2, random_state=0)
    >>> shuffled.shape
    (2,)
    >>> all(s[0] == "A" and s[-1] == "T" and len(s) == 12 for s in shuffled)
    True
    """
    seqs = as_sequence_array(sequences)
    if seqs.dtype.kind == "O" and check_entries(seqs) is not str:
        raise TypeError("dinucleotide_shuffle takes str sequences, not bytes.")
    if seqs.dtype.kind == "S":
        raise TypeError("dinucleotide_shuffle takes str sequences, not bytes.")
    n = check_int(n, "n", low=1)
    rng = check_random_state(random_state)
    out = np.empty(len(seqs) * n, dtype=object)
    for i, seq in enumerate(seqs.tolist()):
        for j in range(n):
            out[i * n + j] = _shuffle_one(seq, rng)
    return out


def _shuffle_one(seq: str, rng: np.random.RandomState) -> str:
    if len(seq) <= 2:
        return seq
    codes = np.frombuffer(seq.encode("utf-32-le"), dtype=np.uint32)
    letters, walk = np.unique(codes, return_inverse=True)
    k = len(letters)
    # the exits of each letter, as letter indices, in sequence order
    order = np.argsort(walk[:-1], kind="stable")
    exits = walk[1:][order]
    bounds = np.searchsorted(walk[:-1][order], np.arange(k + 1))
    last = int(walk[-1])
    # a random arborescence into `last`: each other letter's last exit
    while True:
        chosen = np.full(k, -1, dtype=np.int64)
        for v in range(k):
            if v != last:
                chosen[v] = bounds[v] + rng.randint(bounds[v + 1] - bounds[v])
        if _reaches(exits, chosen, last):
            break
    # the other exits of each letter in random order, then its last exit
    shuffled = exits.copy()
    for v in range(k):
        lo, hi = bounds[v], bounds[v + 1]
        if hi - lo < 2:
            continue
        if v == last:
            shuffled[lo:hi] = exits[lo:hi][rng.permutation(hi - lo)]
            continue
        rest = np.delete(exits[lo:hi], chosen[v] - lo)
        shuffled[lo : hi - 1] = rest[rng.permutation(len(rest))]
        shuffled[hi - 1] = exits[chosen[v]]
    # walk the edges from the first letter
    next_exit = bounds[:-1].copy()
    path = np.empty(len(seq), dtype=np.int64)
    v = path[0] = int(walk[0])
    exits_list, next_list = shuffled.tolist(), next_exit.tolist()
    for i in range(1, len(seq)):
        e = next_list[v]
        next_list[v] = e + 1
        v = path[i] = exits_list[e]
    return letters[path].astype(np.uint32).tobytes().decode("utf-32-le")


def _reaches(exits: np.ndarray, chosen: np.ndarray, last: int) -> bool:
    """Whether every letter's chosen last exit leads to ``last`` (no cycle)."""
    k = len(chosen)
    done = np.zeros(k, dtype=bool)
    done[last] = True
    for start in range(k):
        seen = []
        v = start
        while not done[v]:
            if v in seen:
                return False
            seen.append(v)
            v = int(exits[chosen[v]])
        done[seen] = True
    return True
