"""Every significant motif hit: FIMO (``memelite``) on sequences or intervals.

:func:`scan_motifs` scans sequences, or the genome's sequences of intervals,
with MEME Suite's FIMO as ``memelite`` implements it, and tabulates the hits
in sequence coordinates or, for intervals, in genome coordinates (0-based
half-open, as BED), optionally with the attribution each hit carries.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from .._sequences import as_sequence_array
from .._validation import check_choice, check_real
from ..genome._tracks import per_base, read_windows
from ..genome._windows import CENTERS
from ..preprocessing import one_hot_encode
from ._annotate import MotifDatabase
from ._meme import read_meme
from ._modisco import import_extra
from ._motif import Motif

__all__ = ["scan_motifs"]

#: Columns of the hits in sequence coordinates.
SEQUENCE_COLUMNS = ("sequence", "start", "end", "strand", "motif", "score", "p_value")
#: Columns of the hits in genome coordinates.
GENOME_COLUMNS = ("chrom", "start", "end", "strand", "motif", "score", "p_value")


def _as_motifs(motifs) -> list[Motif]:
    if isinstance(motifs, Motif):
        motifs = [motifs]
    elif isinstance(motifs, MotifDatabase):
        motifs = list(motifs.motifs)
    elif isinstance(motifs, str | os.PathLike):
        motifs = read_meme(motifs)
    elif hasattr(motifs, "__iter__"):
        motifs = list(motifs)
    else:
        raise TypeError(
            "motifs must be a Motif, an iterable of Motif, a MotifDatabase or the "
            f"path of a MEME file, got {type(motifs).__name__}."
        )
    if not motifs:
        raise ValueError("motifs is empty: there is nothing to scan for.")
    seen = {}
    for i, motif in enumerate(motifs):
        if not isinstance(motif, Motif):
            raise TypeError(f"motifs[{i}] is a {type(motif).__name__}, not a Motif.")
        if motif.name in seen:
            raise ValueError(
                f"motifs[{seen[motif.name]}] and motifs[{i}] are both named "
                f"{motif.name!r}; hits are reported by name, so names must be "
                "unique. Rename one (Motif(m.counts, name=...))."
            )
        seen[motif.name] = i
    return motifs


def fimo_probabilities(motif: Motif) -> np.ndarray:
    """The ``(4, width)`` probabilities FIMO scores by: counts plus the
    motif's pseudocount spread by its background, per position."""
    counts = motif.counts
    totals = counts.sum(axis=1, keepdims=True)
    smoothed = counts + motif.pseudocount * motif.background
    total = totals + motif.pseudocount
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(total > 0, smoothed / total, motif.background)
    return np.ascontiguousarray(p.T, dtype=np.float64)


def _sequences(X, handle_unknown):
    """(one-hot (n, L, 4), lengths) of strings or a one-hot array."""
    if isinstance(X, pd.DataFrame) and {"chrom", "start", "end"} <= set(X.columns):
        raise ValueError(
            "X is a table of intervals (chrom, start, end), but genome is None: "
            "give genome=<FASTA path> to scan the genome's sequences of the "
            "intervals."
        )
    if isinstance(X, str | bytes | os.PathLike):
        raise TypeError(
            f"X is one {type(X).__name__} ({str(X)[:40]!r}); pass a list of "
            "sequences, or intervals (a BED path or a DataFrame) with genome=."
        )
    if isinstance(X, np.ndarray) and X.dtype.kind in "fiub":
        if X.ndim != 3 or X.shape[-1] != 4:
            raise ValueError(
                "X as a numeric array must be one-hot sequences of shape "
                f"(n_samples, L, 4) (channels A, C, G, T), got shape {X.shape}."
            )
        lengths = np.full(len(X), X.shape[1], dtype=np.int64)
        return X.astype(np.float32, copy=False), lengths
    seqs = as_sequence_array(X)
    lengths = np.fromiter(map(len, seqs), dtype=np.int64, count=len(seqs))
    if len(seqs) == 0:
        return np.zeros((0, 0, 4), dtype=np.float32), lengths
    onehot = one_hot_encode(seqs, handle_unknown=handle_unknown, padding="right")
    return onehot, lengths


def _hit_sums(rows, starts, ends, values: list[np.ndarray]) -> np.ndarray:
    """Sum of ``values[row][start:end]`` per hit; NaN where any term is NaN."""
    out = np.empty(len(rows), dtype=np.float64)
    for row in np.unique(rows):
        at = np.flatnonzero(rows == row)
        v = values[row]
        total = np.concatenate(([0.0], np.cumsum(np.nan_to_num(v, nan=0.0))))
        missing = np.concatenate(([0], np.cumsum(np.isnan(v))))
        s, e = starts[at], ends[at]
        sums = total[e] - total[s]
        sums[missing[e] - missing[s] > 0] = np.nan
        out[at] = sums
    return out


def scan_motifs(
    motifs,
    X,
    *,
    genome=None,
    threshold: float = 1e-4,
    attributions=None,
    both_strands: bool = True,
    length: int | None = None,
    center: str = "summit",
    handle_unknown: str = "error",
) -> pd.DataFrame:
    """Every hit of the motifs with a p-value below ``threshold`` (FIMO).

    Parameters
    ----------
    motifs : Motif, iterable of Motif, MotifDatabase, str or path-like
        The motifs to scan for (e.g. from :func:`discover_motifs`, or
        :func:`load_motif_database`), or a MEME motif file.  Names must be
        unique.
    X : array-like of str, ndarray of shape (n, L, 4), or intervals
        Sequences (any case; ``N`` and IUPAC ambiguity codes match no base)
        or their one-hot encoding: hits are in sequence coordinates.  With
        ``genome``: intervals (a DataFrame with ``chrom``, ``start``,
        ``end`` and optionally ``strand``, a 2-D array of chrom, start,
        end[, strand], or a BED/narrowPeak file), whose sequences are read
        as :class:`~dnacnn.genome.GenomeSequenceTransformer` reads them:
        hits are in genome coordinates.
    genome : str, path-like, GenomeSequenceTransformer or None, default=None
        The genome FASTA of the intervals ``X``, or the (fitted or not)
        transformer a Pipeline reads them with (its genome, ``length``,
        ``center`` and ``strand`` are used, so that hits and attributions
        refer to the windows the model saw).
    threshold : float, default=1e-4
        Report windows whose p-value is below this (FIMO's ``--thresh``).
    attributions : ndarray of shape (n, L), list of 1-D arrays or None, \
default=None
        Per-base attributions of the scanned sequences (as
        :func:`dnacnn.saliency` returns with ``reduce="sum"``, in the
        sequences' orientation); each hit gets the sum over its bases in an
        ``attribution`` column (NaN where a base has none).
    both_strands : bool, default=True
        Also scan the reverse complement of every window.
    length : int or None, default=None
        With ``genome`` a FASTA path: read windows of this length centred
        on each interval, as :func:`~dnacnn.genome.fetch_sequences` does;
        None reads the intervals as they are.
    center : {"summit", "middle"}, default="summit"
        With ``genome`` a FASTA path and ``length``: where windows are
        centred.
    handle_unknown : {"error", "ignore"}, default="error"
        A character that is not a base or an IUPAC code is an error, or
        matches no base (as ``N``).

    Returns
    -------
    hits : pandas.DataFrame
        One row per hit, ordered by sequence, start and motif.  For
        sequences: ``sequence`` (0-based index into ``X``), ``start``,
        ``end`` (0-based half-open on the sequence), ``strand`` (``"+"``
        when the sequence reads the motif, ``"-"`` when its reverse
        complement does; the hit covers ``seq[start:end]`` either way),
        ``motif`` (its name), ``score`` (FIMO's log-odds score in bits),
        ``p_value``, then ``attribution`` when given.  For intervals:
        ``chrom``, ``start``, ``end`` (0-based half-open genome coordinates,
        as BED), ``strand`` (on the genome: a hit on the ``+`` strand of a
        ``-`` interval's sequence is on the genome's ``-`` strand), then the
        same columns, and ``sequence`` (the interval's 0-based row).

    Raises
    ------
    ImportError
        If ``memelite`` is not installed (extra ``dnacnn[motifs]``).
    TypeError
        If ``motifs`` holds something other than motifs, ``X`` is one
        string, or a parameter has the wrong type.
    ValueError
        For duplicate motif names, an invalid character (naming the
        sequence and position), intervals without ``genome`` or invalid
        intervals (naming the row or line), or attributions that do not
        match the sequences (naming the sequence).

    See Also
    --------
    dnacnn.genome.write_bed : Write hits in genome coordinates as BED.
    Motif.scan : The best window of each sequence, by PWM score.

    Notes
    -----
    FIMO (Grant et al., 2011) scores every window by the sum of its bases'
    log-odds, ``log2(p + 1e-4) - log2(0.25)`` with ``p`` the motif's
    frequencies after its pseudocount (:attr:`Motif.pwm` before the log),
    and gives the exact p-value of that score under a uniform background
    (scores binned to 0.1 bit), computed by dynamic programming; ``N`` adds
    0.  ``memelite`` implements it; like FIMO's ``--thresh`` the threshold
    applies to p-values (no q-values).  Windows that run past a sequence's
    end, or, for intervals, off a chromosome (into the ``N`` padding), are
    not reported.

    Examples
    --------
    >>> from dnacnn.motifs import Motif, scan_motifs
    >>> motif = Motif.from_sequences(["GATTACA"] * 20, name="gattaca")
    >>> hits = scan_motifs(motif, ["CCGATTACACC", "TTGTAATCAA", "CCCCCCCCCC"])
    >>> hits[["sequence", "start", "end", "strand", "motif"]]
       sequence  start  end strand    motif
    0         0      2    9      +  gattaca
    1         1      1    8      -  gattaca
    >>> bool(hits["p_value"].max() < 1e-4)
    True
    """
    motifs = _as_motifs(motifs)
    threshold = check_real(threshold, "threshold", low=0.0, high=1.0, closed="right")
    check_choice(handle_unknown, "handle_unknown", ("error", "ignore"))
    if not isinstance(both_strands, bool | np.bool_):
        raise TypeError(
            f"both_strands must be a bool, got {type(both_strands).__name__} "
            f"{both_strands!r}."
        )
    check_choice(center, "center", CENTERS)
    windows = None
    if genome is None:
        if length is not None:
            raise ValueError(
                "length applies to intervals read from a genome; it was given "
                f"({length!r}) without genome=."
            )
        onehot, lengths = _sequences(X, handle_unknown)
    else:
        sequences, windows, _ = read_windows(X, genome, length=length, center=center)
        lengths = np.fromiter(map(len, sequences), np.int64, count=len(sequences))
        onehot = one_hot_encode(sequences, handle_unknown=handle_unknown)
    values = None if attributions is None else per_base(attributions, lengths)
    fimo = import_extra("memelite.fimo", "memelite").fimo

    frames = []
    if len(onehot) and onehot.shape[1]:
        found = fimo(
            {m.name: fimo_probabilities(m) for m in motifs},
            np.ascontiguousarray(onehot.transpose(0, 2, 1)),
            threshold=threshold,
            reverse_complement=bool(both_strands),
        )
        frames = [f for f in found if len(f)]
    order = {m.name: i for i, m in enumerate(motifs)}
    if frames:
        found = pd.concat(frames, ignore_index=True)
        rows = found["sequence_name"].to_numpy(dtype=np.int64)
        starts = found["start"].to_numpy(dtype=np.int64)
        ends = found["end"].to_numpy(dtype=np.int64)
        strand = found["strand"].to_numpy(dtype=object)
        names = found["motif_name"].to_numpy(dtype=object)
        score = found["score"].to_numpy(dtype=np.float64)
        p_value = found["p-value"].to_numpy(dtype=np.float64)
    else:
        rows = starts = ends = np.zeros(0, dtype=np.int64)
        strand = names = np.zeros(0, dtype=object)
        score = p_value = np.zeros(0, dtype=np.float64)
    keep = ends <= lengths[rows]  # not into the padding of shorter sequences
    rows, starts, ends, strand = rows[keep], starts[keep], ends[keep], strand[keep]
    names, score, p_value = names[keep], score[keep], p_value[keep]
    rank = np.array([order[n] for n in names.tolist()], dtype=np.int64)
    sort = np.lexsort((strand == "-", rank, starts, rows))
    rows, starts, ends, strand = rows[sort], starts[sort], ends[sort], strand[sort]
    names, score, p_value = names[sort], score[sort], p_value[sort]

    columns = {}
    if windows is None:
        columns["sequence"] = rows
        columns["start"], columns["end"], columns["strand"] = starts, ends, strand
    else:
        signs = np.where(strand == "+", 1, -1)
        chrom, g_start, g_end, g_strand = windows.to_genome(rows, starts, ends, signs)
        columns["chrom"] = chrom
        columns["start"], columns["end"], columns["strand"] = g_start, g_end, g_strand
    columns["motif"], columns["score"], columns["p_value"] = names, score, p_value
    if values is not None:
        columns["attribution"] = _hit_sums(rows, starts, ends, values)
    if windows is not None:
        columns["sequence"] = rows
    hits = pd.DataFrame(columns)
    if windows is not None and len(hits):
        # hits reaching into the N padding off a chromosome are not on the genome
        inside = windows.inside(chrom, g_start, g_end)
        hits = hits[inside].reset_index(drop=True)
    hits["strand"] = hits["strand"].astype(object)
    hits["motif"] = hits["motif"].astype(object)
    return hits
