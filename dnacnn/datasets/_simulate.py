"""The primer tutorial's generative process: planted-motif DNA data sets."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from sklearn.utils import check_random_state

from .._validation import check_int, check_real

__all__ = ["PRIMER_MOTIF", "make_motif_dataset"]

# The binding motif of the primer tutorial: planted by make_motif_dataset by
# default and in every bound sequence of fetch_primer's data set.
PRIMER_MOTIF = "CGACCGAACTCC"

_BASES = "ACGT"
_BASE_BYTES = np.frombuffer(_BASES.encode("ascii"), dtype=np.uint8)
# Rounds of background resampling before make_motif_dataset gives up.
_MAX_RESAMPLING_ROUNDS = 1000


def _check_motif(motif: str | ArrayLike) -> tuple[np.ndarray | None, np.ndarray]:
    """Validate ``motif``; return ``(pwm or None, consensus codes)``.

    Codes are 0, 1, 2, 3 for A, C, G, T; the complement of code ``c`` is ``3 - c``.
    """
    if isinstance(motif, str):
        if not motif:
            raise ValueError("motif is empty; give at least one base.")
        upper = motif.upper()
        for position, char in enumerate(upper):
            if char not in _BASES:
                raise ValueError(
                    f"Invalid character {motif[position]!r} at position {position} "
                    f"of motif {motif!r} (0-based). Allowed: A, C, G, T (any case). "
                    "For a degenerate motif, pass a PWM of shape (width, 4)."
                )
        return None, np.array([_BASES.index(c) for c in upper], dtype=np.uint8)

    try:
        pwm = np.asarray(motif, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            "motif must be a str of A/C/G/T or an array-like position weight "
            f"matrix of shape (width, 4); got {type(motif).__name__}."
        ) from exc
    if pwm.ndim != 2 or pwm.shape[1] != 4:
        raise ValueError(
            "A PWM motif must have shape (width, 4), columns A, C, G, T; got shape "
            f"{pwm.shape}."
        )
    if pwm.shape[0] == 0:
        raise ValueError("motif is empty: the PWM has 0 rows.")
    for row, values in enumerate(pwm):
        if not np.isfinite(values).all() or (values < 0).any():
            raise ValueError(
                f"Row {row} of the PWM motif (0-based) is {values.tolist()}; every "
                "entry must be a finite, non-negative probability."
            )
        total = values.sum()
        if abs(total - 1.0) > 1e-6:
            raise ValueError(
                f"Row {row} of the PWM motif (0-based) sums to {float(total)!r}, not 1 "
                "(tolerance 1e-6); each row must hold probabilities of A, C, G, T."
            )
    pwm = pwm / pwm.sum(axis=1, keepdims=True)
    return pwm, pwm.argmax(axis=1).astype(np.uint8)


def _stray_sites(
    codes: np.ndarray, positions: np.ndarray, patterns: list[np.ndarray]
) -> np.ndarray:
    """Rows of ``codes`` where a pattern occurs other than at ``positions``.

    ``positions`` is -1 for rows that must hold no occurrence at all.
    """
    width = patterns[0].size
    n_windows = codes.shape[1] - width + 1
    hits = np.zeros((codes.shape[0], n_windows), dtype=bool)
    for pattern in patterns:
        match = np.ones_like(hits)
        for offset, base in enumerate(pattern):  # loop over the motif's width only
            match &= codes[:, offset : offset + n_windows] == base
        hits |= match
    planted = np.flatnonzero(positions >= 0)
    hits[planted, positions[planted]] = False
    return hits.any(axis=1)


def make_motif_dataset(
    n_samples: int = 2000,
    length: int = 50,
    motif: str | ArrayLike = PRIMER_MOTIF,
    *,
    positive_fraction: float = 0.5,
    gc_content: float = 0.5,
    both_strands: bool = False,
    return_positions: bool = False,
    return_strands: bool = False,
    random_state: int | np.random.RandomState | None = None,
) -> tuple[np.ndarray, ...]:
    """Simulate DNA sequences with a binding motif planted in the positives.

    The primer tutorial's generative process: each base of the background is
    drawn independently (G and C each with probability ``gc_content / 2``, A and
    T each with ``(1 - gc_content) / 2``); every positive sequence then receives
    one copy of the motif at a uniformly random position. Background is
    resampled until no negative contains the motif and no positive contains it
    anywhere but at the planted site, so a positive holds the motif exactly once
    and a negative never does.

    Parameters
    ----------
    n_samples : int, default=2000
        Number of sequences.
    length : int, default=50
        Length of every sequence, at least the motif's width.
    motif : str or array-like of shape (width, 4), default="CGACCGAACTCC"
        The binding site. A string of A, C, G, T (any case) is planted as is. A
        position weight matrix (rows are probabilities of A, C, G, T, each row
        summing to 1) gives a fresh site per positive sequence, sampled base by
        base; then "the motif" in the checks above is the PWM's consensus (the
        most probable base of each row, the first of A, C, G, T on ties), which
        a planted site need not equal.
    positive_fraction : float, default=0.5
        Fraction of positive sequences; there are exactly
        ``round(n_samples * positive_fraction)``, in shuffled order.
    gc_content : float, default=0.5
        Expected fraction of G and C in the background.
    both_strands : bool, default=False
        If True, the site is planted as its reverse complement with probability
        0.5, and the checks consider both strands: no negative holds the motif
        or its reverse complement, and a positive holds one of them at a single
        position. If False, only the forward motif is planted and checked (its
        reverse complement may appear by chance).
    return_positions : bool, default=False
        If True, also return where each site was planted (``positions``), as
        scikit-learn's ``make_blobs(return_centers=True)`` adds its centers.
    return_strands : bool, default=False
        If True, also return the strand of each planted site (``strands``),
        after ``positions`` when both are asked for.
    random_state : int, RandomState instance or None, default=None
        Seed or generator, as in scikit-learn; an int gives reproducible data.

    Returns
    -------
    X : ndarray of shape (n_samples,), dtype=object
        The sequences, as Python ``str`` of upper-case A, C, G, T.
    y : ndarray of shape (n_samples,), dtype=int64
        1 for sequences holding the motif, 0 otherwise.
    positions : ndarray of shape (n_samples,), dtype=int64
        Returned only if ``return_positions=True``: 0-based start of the
        planted site in ``X[i]``, -1 for negatives. On the minus strand it is
        where the reverse complement starts, so the site is always
        ``X[i][positions[i]:positions[i] + width]``.
    strands : ndarray of shape (n_samples,), dtype=int64
        Returned only if ``return_strands=True``: +1 where the motif was planted
        as given, -1 where its reverse complement was, 0 for negatives.

    Raises
    ------
    TypeError
        If ``motif`` is neither a string nor a numeric array-like, or a number
        has the wrong type.
    ValueError
        If the motif is empty, holds a character other than A, C, G, T, is a
        PWM of the wrong shape or with a negative or non-normalized row, or is
        longer than ``length``; if ``n_samples`` or ``length`` is below 1, or
        ``gc_content`` or ``positive_fraction`` is outside [0, 1]; or if the
        background contains the motif so often that resampling cannot remove
        it (a very short motif or an extreme ``gc_content``).

    Examples
    --------
    >>> import numpy as np
    >>> from dnacnn.datasets import make_motif_dataset
    >>> X, y = make_motif_dataset(n_samples=10, length=30, random_state=0)
    >>> print(X.shape, y.sum(), len(X[0]))
    (10,) 5 30

    Where each site was planted, only when asked for:

    >>> X, y, positions = make_motif_dataset(
    ...     n_samples=10, length=30, return_positions=True, random_state=0
    ... )
    >>> i = np.flatnonzero(y)[0]
    >>> X[i][positions[i] : positions[i] + 12]
    'CGACCGAACTCC'
    >>> positions[y == 0]
    array([-1, -1, -1, -1, -1])
    """
    n_samples = check_int(n_samples, "n_samples", low=1)
    length = check_int(length, "length", low=1)
    positive_fraction = check_real(
        positive_fraction, "positive_fraction", low=0.0, high=1.0
    )
    gc_content = check_real(gc_content, "gc_content", low=0.0, high=1.0)
    pwm, consensus = _check_motif(motif)
    width = consensus.size
    if width > length:
        raise ValueError(
            f"The motif is {width} bases long but length={length}; length must be "
            "at least the motif's width."
        )
    rng = check_random_state(random_state)

    n_positives = round(n_samples * positive_fraction)
    y = np.zeros(n_samples, dtype=np.int64)
    y[:n_positives] = 1
    y = y[rng.permutation(n_samples)]
    positive = np.flatnonzero(y)

    positions = np.full(n_samples, -1, dtype=np.int64)
    positions[positive] = rng.randint(0, length - width + 1, size=n_positives)
    strands = np.zeros(n_samples, dtype=np.int64)
    if both_strands:
        strands[positive] = np.where(rng.random_sample(n_positives) < 0.5, -1, 1)
    else:
        strands[positive] = 1

    sites = np.zeros((n_samples, width), dtype=np.uint8)
    if pwm is None:
        sites[positive] = consensus
    else:
        cumulative = np.cumsum(pwm, axis=1)[:, :3]
        draws = rng.random_sample((n_positives, width))
        sites[positive] = (draws[:, :, None] >= cumulative).sum(axis=2)
    minus = strands == -1
    sites[minus] = 3 - sites[minus, ::-1]

    patterns = [consensus]
    if both_strands:
        patterns.append(3 - consensus[::-1])
    gc = gc_content / 2
    base_probabilities = [0.5 - gc, gc, gc, 0.5 - gc]
    offsets = np.arange(width)
    codes = np.empty((n_samples, length), dtype=np.uint8)
    todo = np.arange(n_samples)
    for _ in range(_MAX_RESAMPLING_ROUNDS):
        codes[todo] = rng.choice(4, size=(todo.size, length), p=base_probabilities)
        planted = todo[y[todo] == 1]
        codes[planted[:, None], positions[planted, None] + offsets] = sites[planted]
        todo = todo[_stray_sites(codes[todo], positions[todo], patterns)]
        if todo.size == 0:
            break
    else:
        raise ValueError(
            f"After {_MAX_RESAMPLING_ROUNDS} rounds of resampling, {todo.size} "
            f"background sequences of length {length} (gc_content={gc_content}) "
            "still contain the motif by chance. Use a longer motif, shorter "
            "sequences or a gc_content further from the motif's own."
        )

    X = _BASE_BYTES[codes].view(f"S{length}")[:, 0].astype(f"U{length}")
    X = X.astype(object)
    extras = [(return_positions, positions), (return_strands, strands)]
    return (X, y, *(value for asked, value in extras if asked))
