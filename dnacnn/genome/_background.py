"""Negatives that do not cheat: GC-matched genomic windows and a labelled set."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from .._validation import check_int
from ._fasta import GenomeWarning
from ._intervals import COLUMNS, as_intervals, read_intervals, where_of_row
from ._shuffle import dinucleotide_shuffle
from ._windows import as_genome, fetch_sequences, window_starts

__all__ = ["GenomeWarning", "gc_content", "gc_matched_background", "make_labelled_set"]

BACKGROUNDS = ("gc", "shuffle")
_MAX_ROUNDS = 50
_GC = np.zeros(256, dtype=np.int64)
_GC[[ord(c) for c in "GCgc"]] = 1
_N = np.zeros(256, dtype=np.int64)
_N[[ord(c) for c in "Nn"]] = 1


def gc_content(windows: np.ndarray) -> np.ndarray:
    """Fraction of G and C among the non-``N`` bases of uint8 windows ``(n, L)``."""
    gc = _GC[windows].sum(axis=1)
    called = windows.shape[1] - _N[windows].sum(axis=1)
    return gc / np.maximum(called, 1)


def _default_length(intervals: pd.DataFrame) -> int:
    return int(np.median(intervals["end"] - intervals["start"]))


def _quotas(gc: np.ndarray, n: int, bins: int) -> np.ndarray:
    """How many of ``n`` windows each GC bin gets: the positives' histogram."""
    counts = np.histogram(gc, bins=bins, range=(0.0, 1.0))[0]
    share = counts / counts.sum() * n
    quotas = np.floor(share).astype(np.int64)
    order = np.argsort(-(share - quotas), kind="stable")
    quotas[order[: n - quotas.sum()]] += 1
    return quotas


def _excluded(intervals: pd.DataFrame, starts: np.ndarray, length: int) -> dict:
    """Per chromosome, sorted (start, end) spans that backgrounds must avoid."""
    lo = np.minimum(intervals["start"].to_numpy(), starts)
    hi = np.maximum(intervals["end"].to_numpy(), starts + length)
    spans = {}
    for chrom, rows in intervals.groupby("chrom", sort=False).indices.items():
        order = np.argsort(lo[rows])
        s, e = lo[rows][order], np.maximum.accumulate(hi[rows][order])
        spans[chrom] = (s, e)
    return spans


def _overlaps(spans, chrom: str, start: np.ndarray, length: int) -> np.ndarray:
    if chrom not in spans:
        return np.zeros(len(start), dtype=bool)
    s, e = spans[chrom]
    # the last span starting before the window's end reaches past its start
    i = np.searchsorted(s, start + length, side="left") - 1
    return (i >= 0) & (e[np.maximum(i, 0)] > start)


def gc_matched_background(
    genome,
    intervals,
    n: int | None = None,
    *,
    length: int | None = None,
    bins: int = 10,
    center: str = "summit",
    random_state=None,
) -> pd.DataFrame:
    """Random genomic windows matched to the intervals' GC content.

    Windows of ``length`` bases are drawn uniformly from the genome, leaving
    out any that overlap an interval (or its centred window) or hold an
    ``N``; they are accepted by GC bin until each of ``bins`` equal bins of
    GC fraction holds as many as the intervals' windows put there (scaled to
    ``n``).

    Parameters
    ----------
    genome : str, path-like or FastaGenome
        The genome FASTA.
    intervals : pandas.DataFrame, str or path-like
        The positive intervals (DataFrame or BED/narrowPeak file).
    n : int or None, default=None
        Number of windows; None: as many as ``intervals``.
    length : int or None, default=None
        Window length; None: the median interval width.
    bins : int, default=10
        GC bins over [0, 1].
    center : {"summit", "middle"}, default="summit"
        How the positives' windows are centred (for their GC).
    random_state : int, RandomState instance or None, default=None
        Seeds the draws.

    Returns
    -------
    background : pandas.DataFrame
        Intervals (columns as :func:`read_intervals`), named ``gc_<i>``,
        sorted by where they were drawn; fewer than ``n`` rows, with a
        :class:`GenomeWarning`, when the genome lacks windows of some bins.
        Positive windows that hold only ``N`` are left out of the GC
        histogram, with a :class:`GenomeWarning` naming the first.

    Raises
    ------
    ValueError
        If there are no intervals, every positive window holds only ``N``,
        or no chromosome is at least ``length`` bases long.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np, pandas as pd
    >>> from dnacnn.genome import gc_matched_background
    >>> rng = np.random.default_rng(0)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     fa = Path(tmp) / "genome.fa"
    ...     _ = fa.write_text(">chr1\\n" + "".join(rng.choice(list("ACGT"), 5000)))
    ...     peaks = pd.DataFrame({"chrom": ["chr1"] * 3, "start": [100, 900, 2000],
    ...                           "end": [200, 1000, 2100]})
    ...     background = gc_matched_background(fa, peaks, n=6, random_state=0)
    >>> len(background), (background["end"] - background["start"]).unique()
    (6, array([100]))
    """
    genome = as_genome(genome)
    sizes = genome.sizes
    if isinstance(intervals, str | os.PathLike):
        intervals = read_intervals(intervals, chromosomes=sizes)
    else:
        intervals = as_intervals(intervals, chromosomes=sizes)
    if len(intervals) == 0:
        raise ValueError("no intervals: GC matching needs at least one.")
    n = len(intervals) if n is None else check_int(n, "n", low=1)
    length = _default_length(intervals) if length is None else length
    length = check_int(length, "length", low=1)
    bins = check_int(bins, "bins", low=1)
    names = [c for c, s in sizes.items() if s >= length]
    if not names:
        longest = max(sizes, key=sizes.get)
        raise ValueError(
            f"no chromosome is at least {length} bases long (the longest, "
            f"{longest}, has {sizes[longest]}); use a shorter length (the default "
            "is the intervals' median width)."
        )
    rng = check_random_state(random_state)
    starts = window_starts(intervals, length, center)
    positives = genome.windows(intervals["chrom"].to_numpy(object), starts, length)
    blank = _N[positives].sum(axis=1) == length
    if blank.any():
        i = int(np.flatnonzero(blank)[0])
        where = (
            f"{where_of_row(intervals, i)} ({intervals['chrom'].iloc[i]}:"
            f"{intervals['start'].iloc[i]}-{intervals['end'].iloc[i]})"
        )
        if blank.all():
            raise ValueError(
                f"every positive {length}-bp window holds only N (the first: "
                f"{where}), so there is no GC content to match."
            )
        warnings.warn(
            f"{int(blank.sum())} of {len(blank)} positive {length}-bp windows "
            f"hold only N (the first: {where}); they are left out of the GC "
            "histogram.",
            GenomeWarning,
            stacklevel=2,
        )
    quotas = _quotas(gc_content(positives[~blank]), n, bins)
    spans = _excluded(intervals, starts, length)
    weights = np.array([sizes[c] - length + 1 for c in names], dtype=float)
    chosen: list[tuple[str, int]] = []
    taken = set()
    need = quotas.copy()
    for _ in range(_MAX_ROUNDS):
        if not need.any():
            break
        m = max(4 * int(need.sum()), 256)
        which = rng.choice(len(names), size=m, p=weights / weights.sum())
        candidates = []
        for k in np.unique(which):
            chrom = names[k]
            start = rng.randint(0, sizes[chrom] - length + 1, size=(which == k).sum())
            start = start[~_overlaps(spans, chrom, start, length)]
            if not len(start):
                continue
            windows = genome.windows(np.full(len(start), chrom, object), start, length)
            clean = _N[windows].sum(axis=1) == 0
            start, gc = start[clean], gc_content(windows[clean])
            bin_of = np.minimum((gc * bins).astype(np.int64), bins - 1)
            candidates += zip(
                [chrom] * len(start), start.tolist(), bin_of.tolist(), strict=True
            )
        # accept in random order, so that no chromosome fills the bins first
        for i in rng.permutation(len(candidates)):
            chrom, s, b = candidates[i]
            if need[b] and (chrom, s) not in taken:
                need[b] -= 1
                taken.add((chrom, s))
                chosen.append((chrom, s))
    if need.any():
        short = {
            f"{b / bins:.2f}-{(b + 1) / bins:.2f}": int(k)
            for b, k in enumerate(need)
            if k
        }
        warnings.warn(
            f"found {len(chosen)} of {n} GC-matched windows; the genome lacked "
            f"N-free windows outside the intervals for these GC bins (missing "
            f"counts): {short}. Use fewer bins or a smaller n.",
            GenomeWarning,
            stacklevel=2,
        )
    chosen.sort(key=lambda cs: (list(sizes).index(cs[0]), cs[1]))
    return pd.DataFrame(
        {
            "chrom": np.array([c for c, _ in chosen], dtype=object),
            "start": np.array([s for _, s in chosen], dtype=np.int64),
            "end": np.array([s + length for _, s in chosen], dtype=np.int64),
            "strand": ".",
            "name": [f"gc_{i}" for i in range(len(chosen))],
            "summit": np.full(len(chosen), -1, dtype=np.int64),
        },
        columns=list(COLUMNS),
    )


def make_labelled_set(
    genome,
    positives,
    *,
    background="gc",
    n: int | None = None,
    length: int | None = None,
    bins: int = 10,
    center: str = "summit",
    off_chromosome: str = "drop",
    case: str = "keep",
    random_state=None,
) -> pd.DataFrame:
    """Positive intervals and a background, with sequences and 0/1 labels.

    Parameters
    ----------
    genome : str, path-like or FastaGenome
        The genome FASTA.
    positives : pandas.DataFrame, str or path-like
        Positive intervals (DataFrame, BED or narrowPeak file).
    background : {"gc", "shuffle"}, str, path-like or DataFrame, default="gc"
        ``"gc"``: GC-matched genomic windows (:func:`gc_matched_background`);
        ``"shuffle"``: dinucleotide shuffles of the positives' windows
        (:func:`dinucleotide_shuffle`), each given its source's coordinates
        so that chromosome hold-outs keep it with its source; otherwise
        negative intervals (a file or DataFrame), all of them used.
    n : int or None, default=None
        Negatives for ``"gc"`` and ``"shuffle"``; None: as many as positives.
    length : int or None, default=None
        Window length; None: the positives' median width.
    bins : int, default=10
        GC bins for ``"gc"``.
    center : {"summit", "middle"}, default="summit"
        Centring of the windows.
    off_chromosome : {"drop", "pad", "error"}, default="drop"
        Intervals whose window runs off a chromosome end: left out, padded
        with ``N``, or an error.
    case : {"keep", "upper"}, default="keep"
        Keep soft-masked bases or upper-case them.
    random_state : int, RandomState instance or None, default=None
        Seeds the background.

    Returns
    -------
    dataset : pandas.DataFrame
        One row per sequence, positives first: the interval columns of
        :func:`read_intervals`, then ``sequence`` (str, ``length`` bases),
        ``label`` (1 or 0) and ``source`` (``"positive"``, ``"gc"``,
        ``"shuffle"`` or ``"file"``).  Fit on ``dataset["sequence"]`` and
        ``dataset["label"]``, or, for genomic backgrounds, on the interval
        columns with a :class:`GenomeSequenceTransformer` first; hold out
        chromosomes with :class:`ChromosomeSplit`.

    Raises
    ------
    ValueError
        If no positive interval is left (every window dropped by
        ``off_chromosome="drop"``, named with the first) or the background
        gave no sequence.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np, pandas as pd
    >>> from dnacnn.genome import make_labelled_set
    >>> rng = np.random.default_rng(0)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     fa = Path(tmp) / "genome.fa"
    ...     _ = fa.write_text(">chr1\\n" + "".join(rng.choice(list("ACGT"), 5000)))
    ...     peaks = pd.DataFrame({"chrom": ["chr1"] * 2, "start": [100, 900],
    ...                           "end": [200, 1000]})
    ...     data = make_labelled_set(fa, peaks, background="shuffle", random_state=0)
    >>> data[["start", "label", "source"]]
       start  label    source
    0    100      1  positive
    1    900      1  positive
    2    100      0   shuffle
    3    900      0   shuffle
    """
    genome = as_genome(genome)
    sizes = genome.sizes
    if isinstance(positives, str | os.PathLike):
        positives = read_intervals(positives, chromosomes=sizes)
    else:
        positives = as_intervals(positives, chromosomes=sizes)
    if len(positives) == 0:
        raise ValueError("no positive intervals.")
    length = _default_length(positives) if length is None else length
    length = check_int(length, "length", low=1)
    options = dict(length=length, center=center, case=case)
    sequences, kept = fetch_sequences(
        genome, positives, off_chromosome=off_chromosome, return_index=True, **options
    )
    if len(kept) < len(positives):
        i = int(np.setdiff1d(np.arange(len(positives)), kept)[0])
        warnings.warn(
            f"left out {len(positives) - len(kept)} positive interval(s) whose "
            f"{length}-bp window runs off a chromosome end (off_chromosome="
            f"'drop'); the first, {where_of_row(positives, i)} "
            f"({positives['chrom'].iloc[i]}:{positives['start'].iloc[i]}-"
            f"{positives['end'].iloc[i]}), on {positives['chrom'].iloc[i]} of "
            f"{sizes[positives['chrom'].iloc[i]]} bases. Set off_chromosome='pad' "
            "to keep them padded with N.",
            GenomeWarning,
            stacklevel=2,
        )
    if not len(kept):
        raise ValueError(
            f"none of the {len(positives)} positive interval(s) has a {length}-bp "
            "window inside its chromosome (the first, "
            f"{where_of_row(positives, 0)} ({positives['chrom'].iloc[0]}:"
            f"{positives['start'].iloc[0]}-{positives['end'].iloc[0]})), so "
            "off_chromosome='drop' left none. Use a shorter length, or "
            "off_chromosome='pad' to keep them padded with N."
        )
    positives = positives.iloc[kept].reset_index(drop=True)
    n_negative = len(positives) if n is None else check_int(n, "n", low=1)
    if isinstance(background, str) and background == "shuffle":
        reps = -(-n_negative // len(positives))
        shuffles = dinucleotide_shuffle(sequences, reps, random_state=random_state)
        order = np.arange(len(shuffles)).reshape(len(positives), reps).T.ravel()
        order = order[:n_negative]
        negatives = positives.iloc[order // reps].reset_index(drop=True)
        negatives["name"] = [f"shuffle_{i}" for i in range(len(negatives))]
        negative_sequences, source = shuffles[order], "shuffle"
    else:
        if isinstance(background, str) and background == "gc":
            negatives = gc_matched_background(
                genome,
                positives,
                n_negative,
                length=length,
                bins=bins,
                center=center,
                random_state=random_state,
            )
            source = "gc"
        elif isinstance(background, pd.DataFrame):
            negatives, source = as_intervals(background, chromosomes=sizes), "file"
        elif isinstance(background, str | os.PathLike):
            if not os.path.isfile(background):
                raise FileNotFoundError(
                    f"background {str(background)!r} is neither 'gc', 'shuffle' "
                    "nor an interval file that exists."
                )
            negatives = read_intervals(background, chromosomes=sizes)
            source = "file"
        else:
            raise TypeError(
                "background must be 'gc', 'shuffle', an interval file or a "
                f"DataFrame, got {type(background).__name__}."
            )
        negative_sequences, kept = fetch_sequences(
            genome,
            negatives,
            off_chromosome=off_chromosome,
            return_index=True,
            **options,
        )
        negatives = negatives.iloc[kept].reset_index(drop=True)
    if not len(negatives):
        why = (
            "every one of its windows runs off a chromosome end"
            if source == "file"
            else "GC matching found no window (see the warning)"
        )
        raise ValueError(
            f"no background sequences: {why}, for {length}-bp windows. Use a "
            "shorter length (the default is the positives' median width), or "
            "another background."
        )
    table = pd.concat([positives, negatives], ignore_index=True)
    table["sequence"] = np.concatenate([sequences, negative_sequences])
    table["label"] = np.r_[
        np.ones(len(positives), np.int64), np.zeros(len(negatives), np.int64)
    ]
    table["source"] = ["positive"] * len(positives) + [source] * len(negatives)
    return table
