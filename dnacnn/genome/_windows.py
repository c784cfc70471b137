"""Intervals -> sequences: fixed-length windows read from a genome FASTA."""

from __future__ import annotations

import codecs
import os

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._validation import check_choice, check_int
from ._fasta import FastaGenome, complement_table
from ._intervals import as_intervals, read_intervals, where_of_row

__all__ = [
    "CASES",
    "CENTERS",
    "OFF_CHROMOSOME",
    "GenomeSequenceTransformer",
    "as_genome",
    "fetch_sequences",
    "to_strings",
    "window_starts",
]

CENTERS = ("summit", "middle")
OFF_CHROMOSOME = ("pad", "error", "drop")
CASES = ("keep", "upper")
_COMPLEMENT = complement_table()
_UPPER = np.arange(256, dtype=np.uint8)
_UPPER[ord("a") : ord("z") + 1] -= 32


def as_genome(genome, *, index_dir=None) -> FastaGenome:
    """A :class:`FastaGenome` for a path (or the genome itself)."""
    if isinstance(genome, FastaGenome):
        return genome
    if not isinstance(genome, str | os.PathLike):
        raise TypeError(
            "genome must be the path of a FASTA file (str or path-like), got "
            f"{type(genome).__name__} {genome!r}."
        )
    return FastaGenome(genome, index_dir=index_dir)


def window_starts(intervals: pd.DataFrame, length: int, center: str) -> np.ndarray:
    """0-based start of the ``length``-bp window centred on each interval.

    ``center="summit"`` centres on the summit where one is given (the window
    then starts ``length // 2`` before it), on the middle otherwise.
    """
    start = intervals["start"].to_numpy()
    end = intervals["end"].to_numpy()
    starts = start + (end - start - length) // 2
    if center == "summit":
        summit = intervals["summit"].to_numpy()
        has = summit >= 0
        starts[has] = start[has] + summit[has] - length // 2
    return starts


def _check_widths(intervals, length, sizes, widths) -> None:
    """Refuse windows longer than the genome's longest chromosome (they would
    be mostly padding, and can exhaust memory)."""
    if not sizes or not len(widths):
        return
    longest = max(sizes, key=sizes.get)
    most = sizes[longest]
    if length is not None and length > most:
        raise ValueError(
            f"length={length} is longer than the genome's longest chromosome "
            f"({longest}, {most} bases); use a shorter window."
        )
    wide = widths > most
    if wide.any():
        i = int(np.flatnonzero(wide)[0])
        raise ValueError(
            f"{where_of_row(intervals, i)} ({intervals['chrom'].iloc[i]}:"
            f"{intervals['start'].iloc[i]}-{intervals['end'].iloc[i]}): the "
            f"interval is {widths[i]} bases wide, longer than the genome's longest "
            f"chromosome ({longest}, {most} bases); {int(wide.sum())} interval(s) "
            "are. Check its end, or set length= to read windows of one length."
        )


def to_strings(windows: np.ndarray) -> np.ndarray:
    """uint8 windows ``(n, L)`` as an object array of ``n`` str."""
    if windows.shape[1] == 0:
        return np.full(len(windows), "", dtype=object)
    text = codecs.decode(np.ascontiguousarray(windows).data, "ascii")
    length = windows.shape[1]
    out = np.empty(len(windows), dtype=object)
    out[:] = [text[i : i + length] for i in range(0, len(text), length)]
    return out


def _finish(windows: np.ndarray, minus: np.ndarray, case: str) -> np.ndarray:
    if minus.any():
        windows[minus] = _COMPLEMENT[windows[minus, ::-1]]
    if case == "upper":
        windows = _UPPER[windows]
    return windows


def fetch_sequences(
    genome,
    intervals,
    *,
    length: int | None = None,
    center: str = "summit",
    off_chromosome: str = "pad",
    case: str = "keep",
    strand: bool = True,
    return_index: bool = False,
):
    """The genome's sequence of each interval, or of a window centred on it.

    Parameters
    ----------
    genome : str, path-like or FastaGenome
        A FASTA file (plain, or bgzip with Biopython installed), indexed by
        pyfaidx on first use.
    intervals : pandas.DataFrame, str or path-like
        Intervals as :func:`read_intervals` reads them (a DataFrame with
        ``chrom``, ``start``, ``end``, or a BED/narrowPeak file).
    length : int or None, default=None
        Window length; None reads each interval as it is.
    center : {"summit", "middle"}, default="summit"
        Centre windows on the summit where the intervals have one, else on
        the middle (``start + (end - start - length) // 2``).
    off_chromosome : {"pad", "error", "drop"}, default="pad"
        Windows running off a chromosome end: padded with ``N``, an error, or
        left out (then ``return_index=True`` says which rows were kept).  An
        interval that lies entirely beyond its chromosome's end is an error
        unless ``"drop"``: its window would be all ``N``.
    case : {"keep", "upper"}, default="keep"
        Keep soft-masked (lowercase) bases, or upper-case them.
    strand : bool, default=True
        Reverse-complement the windows of ``-`` strand intervals.
    return_index : bool, default=False
        Also return the 0-based rows of ``intervals`` that were read.

    Returns
    -------
    sequences : ndarray of str, shape (n_kept,)
    index : ndarray of int, shape (n_kept,)
        Only with ``return_index=True``.

    Raises
    ------
    ValueError
        For an interval entirely beyond its chromosome's end (unless
        ``off_chromosome="drop"``), a window off a chromosome end with
        ``off_chromosome="error"``, or a window (``length``, or an interval's
        width when ``length=None``) longer than the genome's longest
        chromosome; the message names the file and line, or the row.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from dnacnn.genome import fetch_sequences
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     fa = Path(tmp) / "genome.fa"
    ...     _ = fa.write_text(">chr1\\nACGTacgtNN\\n")
    ...     peaks = pd.DataFrame(
    ...         {"chrom": ["chr1", "chr1"], "start": [0, 6],
    ...          "end": [4, 10], "strand": ["+", "-"]}
    ...     )
    ...     fetch_sequences(fa, peaks, length=6, case="upper").tolist()
    ['NACGTA', 'NNNACG']
    """
    genome = as_genome(genome)
    check_choice(center, "center", CENTERS)
    check_choice(off_chromosome, "off_chromosome", OFF_CHROMOSOME)
    check_choice(case, "case", CASES)
    if not isinstance(strand, bool | np.bool_):
        raise TypeError(f"strand must be a bool, got {strand!r}.")
    sizes = genome.sizes
    if isinstance(intervals, str | os.PathLike):
        intervals = read_intervals(intervals, chromosomes=sizes)
    else:
        intervals = as_intervals(intervals, chromosomes=sizes)
    chroms = intervals["chrom"].to_numpy(dtype=object)
    if length is None:
        starts = intervals["start"].to_numpy()
        ends = intervals["end"].to_numpy()
    else:
        length = check_int(length, "length", low=1)
        starts = window_starts(intervals, length, center)
        ends = starts + length
    size = np.array([sizes[c] for c in chroms.tolist()], dtype=np.int64)
    _check_widths(intervals, length, sizes, ends - starts)
    off = (starts < 0) | (ends > size)
    keep = np.arange(len(intervals))
    # an interval with no base in its chromosome is not a window to pad: the
    # intervals are for another genome or assembly
    beyond = intervals["start"].to_numpy() >= size
    if beyond.any() and off_chromosome != "drop":
        i = int(np.flatnonzero(beyond)[0])
        raise ValueError(
            f"{int(beyond.sum())} interval(s) lie beyond the end of their "
            "chromosome (their windows would be all N); the "
            f"first, {where_of_row(intervals, i)} ({chroms[i]}:"
            f"{intervals['start'].iloc[i]}-{intervals['end'].iloc[i]}), needs "
            f"[{starts[i]}, {ends[i]}) of {chroms[i]}, which has {size[i]} bases. "
            "Are the intervals for another genome assembly? Set "
            "off_chromosome='drop' to leave such rows out (before a Pipeline: "
            "X[GenomeSequenceTransformer(...).fit(X).within_chromosomes(X)])."
        )
    if off.any() and off_chromosome == "error":
        i = int(np.flatnonzero(off)[0])
        raise ValueError(
            f"{int(off.sum())} window(s) run off a chromosome end; the first, "
            f"{where_of_row(intervals, i)} ({chroms[i]}:{intervals['start'].iloc[i]}-"
            f"{intervals['end'].iloc[i]}), needs [{starts[i]}, {ends[i]}) of "
            f"{chroms[i]}, which has {size[i]} bases. Set off_chromosome='pad' "
            "to pad with N, or 'drop' to leave such rows out."
        )
    if off.any() and off_chromosome == "drop":
        keep = np.flatnonzero(~off)
        chroms, starts, ends = chroms[keep], starts[keep], ends[keep]
    minus = intervals["strand"].to_numpy(dtype=object)[keep] == "-"
    if not strand:
        minus[:] = False
    sequences = np.empty(len(keep), dtype=object)
    widths = ends - starts
    for width in np.unique(widths):  # one bulk read per window length
        rows = np.flatnonzero(widths == width)
        windows = genome.windows(chroms[rows], starts[rows], int(width))
        sequences[rows] = to_strings(_finish(windows, minus[rows], case))
    return (sequences, keep) if return_index else sequences


class GenomeSequenceTransformer(
    TransformerMixin, BaseEstimator, auto_wrap_output_keys=None
):
    """Turn genomic intervals into the genome's sequences, in a Pipeline.

    The genome is a FASTA **path**, opened lazily through pyfaidx (its
    ``.fai`` index is built on first use; next to the FASTA, or in a cache
    folder when that folder is read-only), so the transformer pickles small
    and works in worker processes.  Each interval becomes the ``length``-bp
    window centred on its summit (narrowPeak) or its middle; ``-`` strand
    intervals are reverse-complemented.

    Parameters
    ----------
    genome : str or path-like
        The genome FASTA (plain, or bgzip with Biopython installed).
    length : int or None, default=500
        Window length, tunable in a grid search
        (``genomesequencetransformer__length``); None reads each interval as
        it is (sequences of different lengths).
    center : {"summit", "middle"}, default="summit"
        Centre on the summit where the intervals have one, else the middle.
    off_chromosome : {"pad", "error"}, default="pad"
        Windows that run off a chromosome end are padded with ``N`` (which
        :class:`~dnacnn.DNAOneHotTransformer` encodes as all zeros) or are an
        error; an interval entirely beyond its chromosome's end is an error
        either way.  ``"drop"`` is refused: a transformer must return one row per
        input row, or ``y`` no longer matches ``X``.  Drop such intervals
        before the Pipeline, with ``fetch_sequences(...,
        off_chromosome="drop", return_index=True)`` or
        :meth:`within_chromosomes`.
    case : {"keep", "upper"}, default="keep"
        Keep soft-masked (lowercase) bases, or upper-case them (the one-hot
        encoder reads either case the same).
    strand : bool, default=True
        Reverse-complement ``-`` strand intervals.
    index_dir : str, path-like or None, default=None
        Where the index goes when the genome's folder is read-only (default:
        ``genome_index`` in :func:`dnacnn.datasets.get_data_home`).

    Attributes
    ----------
    chromosome_sizes_ : dict of str to int
        The genome's chromosomes and their lengths.

    See Also
    --------
    fetch_sequences : The same as a function, with ``off_chromosome="drop"``.
    read_intervals : BED and narrowPeak files as the DataFrame this reads.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from dnacnn.genome import GenomeSequenceTransformer
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     fa = Path(tmp) / "genome.fa"
    ...     _ = fa.write_text(">chr1\\nAAAACCCCGGGGTTTT\\n>chr2\\nacgtACGT\\n")
    ...     peaks = pd.DataFrame({"chrom": ["chr1", "chr2"], "start": [4, 0],
    ...                           "end": [12, 8], "strand": ["+", "-"]})
    ...     GenomeSequenceTransformer(genome=fa, length=4).fit_transform(peaks)
    array(['CCGG', 'GTac'], dtype=object)
    """

    def __init__(
        self,
        *,
        genome=None,
        length: int | None = 500,
        center: str = "summit",
        off_chromosome: str = "pad",
        case: str = "keep",
        strand: bool = True,
        index_dir=None,
    ):
        self.genome = genome
        self.length = length
        self.center = center
        self.off_chromosome = off_chromosome
        self.case = case
        self.strand = strand
        self.index_dir = index_dir

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.requires_fit = True
        return tags

    def _check_params(self) -> None:
        if self.genome is None:
            raise ValueError(
                "genome is None: give the path of the genome FASTA, e.g. "
                "GenomeSequenceTransformer(genome='genome.fa')."
            )
        if self.length is not None:
            check_int(self.length, "length", low=1)
        check_choice(self.center, "center", CENTERS)
        check_choice(self.off_chromosome, "off_chromosome", OFF_CHROMOSOME)
        if self.off_chromosome == "drop":
            raise ValueError(
                "off_chromosome='drop' would return fewer sequences than "
                "intervals, which a Pipeline cannot match with y. Use 'pad' or "
                "'error' here, and drop those intervals before the Pipeline: "
                "X[transformer.within_chromosomes(X)], or fetch_sequences(..., "
                "off_chromosome='drop', return_index=True)."
            )
        check_choice(self.case, "case", CASES)

    def _genome(self) -> FastaGenome:
        return as_genome(self.genome, index_dir=self.index_dir)

    def fit(self, X=None, y=None):
        """Check the parameters and read the genome's chromosome sizes.

        ``X`` (intervals) is checked against the genome when given.
        """
        self._check_params()
        genome = self._genome()
        self.chromosome_sizes_ = genome.sizes
        if X is not None:
            as_intervals(X, chromosomes=self.chromosome_sizes_)
        return self

    def transform(self, X) -> np.ndarray:
        """The sequence of each interval: an object array of str, shape (n,)."""
        check_is_fitted(self)
        self._check_params()
        return fetch_sequences(
            self._genome(),
            as_intervals(X, chromosomes=self.chromosome_sizes_),
            length=self.length,
            center=self.center,
            off_chromosome=self.off_chromosome,
            case=self.case,
            strand=self.strand,
        )

    def within_chromosomes(self, X) -> np.ndarray:
        """Boolean mask of the intervals whose windows lie inside their chromosome."""
        check_is_fitted(self)
        intervals = as_intervals(X, chromosomes=self.chromosome_sizes_)
        if self.length is None:
            starts, ends = intervals["start"].to_numpy(), intervals["end"].to_numpy()
        else:
            starts = window_starts(intervals, self.length, self.center)
            ends = starts + self.length
        sizes = intervals["chrom"].map(self.chromosome_sizes_).to_numpy()
        return (starts >= 0) & (ends <= sizes)
