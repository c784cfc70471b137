"""Browser tracks: the windows a model read, placed back on the genome.

:func:`read_windows` reads the sequence of each interval as
:class:`GenomeSequenceTransformer` does and says where each one lies on the
genome (:class:`Windows`), so that anything computed on the sequences (motif
hits, per-base attributions) can be put back in genome coordinates.
:func:`write_bed` writes hits as BED6 and :func:`write_bedgraph` per-base
scores as bedGraph, both atomically and sorted as ``sort -k1,1 -k2,2n``
sorts them (what ``bedToBigBed`` and ``bedGraphToBigWig`` expect), ready for
IGV or the UCSC browser.
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple

import numpy as np
import pandas as pd

from .._files import atomic_path
from .._validation import check_choice, check_int
from ._intervals import as_intervals, read_intervals, where_of_row
from ._windows import CENTERS, as_genome, fetch_sequences, window_starts

__all__ = ["Windows", "per_base", "read_windows", "write_bed", "write_bedgraph"]

#: The columns :func:`write_bed` reads from a table of hits.
BED_COLUMNS = ("chrom", "start", "end", "strand")
_TRACK_NAME = re.compile(r'^[^"\n\r\t]+$')


class Windows(NamedTuple):
    """Where each sequence read from the genome lies on it.

    Base ``j`` of sequence ``i`` is the genome's base ``start[i] + j`` on a
    window read forward, and ``end[i] - 1 - j`` (complemented) on one read
    reverse complemented (``minus[i]``).  Positions outside ``[0,
    sizes[chrom])`` were padded with ``N``.
    """

    chrom: np.ndarray
    start: np.ndarray
    end: np.ndarray
    minus: np.ndarray
    sizes: dict

    def to_genome(self, rows, starts, ends, strands=None):
        """Sequence coordinates ``[starts, ends)`` of ``rows`` on the genome.

        Returns ``(chrom, start, end, strand)``: 0-based half-open genome
        coordinates, and the strand (``"+"``/``"-"``) on the genome of a
        feature on strand ``strands`` (+1/-1) of its sequence.
        """
        rows = np.asarray(rows, dtype=np.int64)
        starts = np.asarray(starts, dtype=np.int64)
        ends = np.asarray(ends, dtype=np.int64)
        minus = self.minus[rows]
        g_start = np.where(minus, self.end[rows] - ends, self.start[rows] + starts)
        g_end = np.where(minus, self.end[rows] - starts, self.start[rows] + ends)
        strand = None
        if strands is not None:
            forward = (np.asarray(strands) == 1) != minus
            strand = np.where(forward, "+", "-").astype(object)
        return self.chrom[rows], g_start, g_end, strand

    def inside(self, chrom, start, end) -> np.ndarray:
        """Whether each ``[start, end)`` on ``chrom`` lies within the chromosome."""
        size = np.array([self.sizes[c] for c in chrom.tolist()], dtype=np.int64)
        return (start >= 0) & (end <= size)


def _settings(genome, length, center):
    """(FastaGenome, length, center, strand) of a path or a transformer."""
    if hasattr(genome, "genome") and hasattr(genome, "get_params"):
        params = genome.get_params()  # a GenomeSequenceTransformer
        if params.get("genome") is None:
            raise ValueError(
                "genome is a GenomeSequenceTransformer whose genome is None; "
                "give it the path of the genome FASTA."
            )
        fasta = as_genome(params["genome"], index_dir=params.get("index_dir"))
        return fasta, params["length"], params["center"], params["strand"]
    if length is not None:
        length = check_int(length, "length", low=1)
    check_choice(center, "center", CENTERS)
    return as_genome(genome), length, center, True


def read_windows(X, genome, *, length=None, center="summit"):
    """The sequence of each interval of ``X`` and where it lies on the genome.

    Parameters
    ----------
    X : pandas.DataFrame, array-like of shape (n, 3 or 4), str or path-like
        Intervals (chrom, start, end[, strand]), or a BED/narrowPeak file.
    genome : str, path-like, FastaGenome or GenomeSequenceTransformer
        The genome FASTA; a :class:`GenomeSequenceTransformer` gives its
        genome, ``length``, ``center`` and ``strand`` (the windows a
        Pipeline starting with it reads).
    length : int or None, default=None
        Window length, as in :func:`fetch_sequences`; None reads each
        interval as it is.  Ignored for a transformer.
    center : {"summit", "middle"}, default="summit"
        Where windows are centred, as in :func:`fetch_sequences`.

    Returns
    -------
    sequences : ndarray of str, shape (n,)
        Read as :func:`fetch_sequences` reads them (``-`` strand intervals
        reverse complemented, windows off a chromosome padded with ``N``).
    windows : Windows
        Where each sequence lies on the genome.
    intervals : pandas.DataFrame
        ``X`` as :func:`read_intervals` reads it.
    """
    fasta, length, center, strand = _settings(genome, length, center)
    sizes = fasta.sizes
    if isinstance(X, str | os.PathLike):
        intervals = read_intervals(X, chromosomes=sizes)
    else:
        intervals = as_intervals(X, chromosomes=sizes)
    sequences = fetch_sequences(
        fasta, intervals, length=length, center=center, strand=strand
    )
    if length is None:
        starts = intervals["start"].to_numpy(dtype=np.int64)
        ends = intervals["end"].to_numpy(dtype=np.int64)
    else:
        starts = window_starts(intervals, length, center).astype(np.int64)
        ends = starts + length
    minus = intervals["strand"].to_numpy(dtype=object) == "-"
    if not strand:
        minus[:] = False
    chrom = intervals["chrom"].to_numpy(dtype=object)
    return sequences, Windows(chrom, starts, ends, minus, sizes), intervals


def _track_line(track, kind: str) -> str:
    if track is None:
        return ""
    if not isinstance(track, str):
        raise TypeError(f"track must be a str or None, got {type(track).__name__}.")
    if not _TRACK_NAME.match(track):
        raise ValueError(
            f"track {track!r} cannot be a track name: it must be non-empty and "
            "hold no double quote, tab or line break."
        )
    if kind == "bed":
        return f'track name="{track}" useScore=1\n'
    return f'track type=bedGraph name="{track}"\n'


def _scaled(values: np.ndarray) -> np.ndarray:
    """``values`` mapped linearly onto 0..1000 (all equal, or none: 1000)."""
    if values.size == 0:
        return values.astype(np.int64)
    low, high = float(values.min()), float(values.max())
    if high == low:
        return np.full(values.shape, 1000, dtype=np.int64)
    return np.rint(1000 * (values - low) / (high - low)).astype(np.int64)


def _genome_order(chrom, start, end) -> np.ndarray:
    """The order of ``sort -k1,1 -k2,2n``: chromosome name, then start, end."""
    return np.lexsort((end, start, chrom.astype(str)))


def write_bed(
    hits,
    path,
    *,
    name: str = "motif",
    score: str | None = "p_value",
    track: str | None = None,
) -> None:
    """Write hits in genome coordinates as a BED6 file, atomically.

    Parameters
    ----------
    hits : pandas.DataFrame
        One row per feature with columns ``chrom``, ``start``, ``end``
        (0-based half-open) and ``strand`` (``+``, ``-`` or ``.``), as
        :func:`dnacnn.motifs.scan_motifs` returns for intervals scanned on a
        genome.
    path : str or path-like
        The BED file; an existing one is replaced only once the new one is
        complete.
    name : str, default="motif"
        The column written as each feature's name.
    score : str or None, default="p_value"
        The column scaled to the BED score (an integer from 0 to 1000,
        which browsers shade by with ``useScore=1``): linearly from the
        file's smallest value (0) to its largest (1000).  ``"p_value"`` is
        scaled as ``-log10(p_value)``, so the most significant hit gets
        1000.  None writes 0 everywhere.
    track : str or None, default=None
        Write a first line ``track name="<track>" useScore=1``; None writes
        none (``bedtools`` and ``bedToBigBed`` read either).

    Raises
    ------
    ValueError
        If a column is missing (hits in sequence coordinates have no
        ``chrom``), a coordinate or a score is not valid (the message names
        the row), or ``track`` is not a valid name.
    TypeError
        If ``hits`` is not a DataFrame.
    OSError
        If the file cannot be written; a file already at ``path`` is left
        as it was.

    Notes
    -----
    Rows are written sorted by chromosome name, then start and end (``sort
    -k1,1 -k2,2n``).  The name column's whitespace is replaced by ``_``,
    since BED fields cannot hold it.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from dnacnn.genome import write_bed
    >>> hits = pd.DataFrame({"chrom": ["chr2", "chr1"], "start": [5, 10],
    ...                      "end": [11, 16], "strand": ["-", "+"],
    ...                      "motif": ["CTCF", "CTCF"], "p_value": [1e-6, 1e-5]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_bed(hits, Path(tmp) / "hits.bed", track="CTCF hits")
    ...     print((Path(tmp) / "hits.bed").read_text(), end="")
    track name="CTCF hits" useScore=1
    chr1	10	16	CTCF	0	+
    chr2	5	11	CTCF	1000	-
    """
    if not isinstance(hits, pd.DataFrame):
        raise TypeError(
            "hits must be a pandas DataFrame with columns chrom, start, end, "
            f"strand (as scan_motifs returns), got {type(hits).__name__}."
        )
    needed = [*BED_COLUMNS, name] + ([] if score is None else [score])
    missing = [c for c in needed if c not in hits.columns]
    if missing:
        hint = (
            " These hits are in sequence coordinates: scan intervals with "
            "genome= to get chromosome coordinates."
            if "chrom" in missing and "sequence" in hits.columns
            else ""
        )
        raise ValueError(
            f"hits lacks the column(s) {missing} a BED file is written from "
            f"(its columns: {list(hits.columns)}).{hint}"
        )
    header = _track_line(track, "bed")
    table = read_intervals(hits[list(BED_COLUMNS)])  # checks every row
    chrom = table["chrom"].to_numpy(dtype=object)
    start = table["start"].to_numpy()
    end = table["end"].to_numpy()
    if score is None:
        scores = np.zeros(len(hits), dtype=np.int64)
    else:
        values = pd.to_numeric(hits[score], errors="coerce").to_numpy(np.float64)
        if score == "p_value":
            bad = ~(np.isfinite(values) & (values > 0) & (values <= 1))
        else:
            bad = ~np.isfinite(values)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            allowed = "in (0, 1]" if score == "p_value" else "a finite number"
            raise ValueError(
                f"{where_of_row(table, i)} of hits: {score} "
                f"{hits[score].tolist()[i]!r} is not {allowed}; set score= to another "
                "column, or score=None to write 0."
            )
        if score == "p_value":
            values = -np.log10(values)
        scores = _scaled(values)
    names = hits[name].astype(str).str.replace(r"\s+", "_", regex=True).to_numpy()
    strand = table["strand"].to_numpy(dtype=object)
    order = _genome_order(chrom, start, end)
    lines = [
        f"{chrom[i]}\t{start[i]}\t{end[i]}\t{names[i]}\t{scores[i]}\t{strand[i]}\n"
        for i in order
    ]
    _write_lines(path, header, lines)


def _write_lines(path, header: str, lines) -> None:
    with atomic_path(path) as temp, open(temp, "w", encoding="utf-8") as f:
        f.write(header)
        f.writelines(lines)


def per_base(attributions, widths: np.ndarray) -> list[np.ndarray]:
    """One float64 array per window, of the window's width, checked."""
    n = len(widths)
    if isinstance(attributions, np.ndarray) and attributions.dtype != object:
        if attributions.ndim != 2:
            hint = (
                " Sum the channels first (attributions.sum(axis=-1)), or use "
                "saliency(..., reduce='sum')."
                if attributions.ndim == 3
                else ""
            )
            raise ValueError(
                "attributions must be per base: an array of shape (n_sequences, "
                f"L) or a list of 1-D arrays, got shape {attributions.shape}.{hint}"
            )
        rows = list(attributions)
    elif isinstance(attributions, list | tuple | np.ndarray):
        rows = list(attributions)
    else:
        raise TypeError(
            "attributions must be an array of shape (n_sequences, L) or a list of "
            f"1-D arrays (as saliency returns), got {type(attributions).__name__}."
        )
    if len(rows) != n:
        raise ValueError(
            f"attributions has {len(rows)} rows for {n} sequences; give one row "
            "per sequence, in the same order."
        )
    out = []
    for i, (row, width) in enumerate(zip(rows, widths, strict=True)):
        try:
            values = np.asarray(row, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"attributions[{i}] is not numeric ({type(row).__name__})."
            ) from exc
        if values.ndim != 1 or len(values) != width:
            raise ValueError(
                f"attributions[{i}] has shape {values.shape}, but sequence {i} "
                f"has {width} bases; attributions must be computed on the same "
                "sequences (the same window length) as the ones scanned."
            )
        if np.isinf(values).any():
            j = int(np.flatnonzero(np.isinf(values))[0])
            raise ValueError(
                f"attributions[{i}] is {values[j]} at position {j} (0-based); "
                "attributions must be finite (NaN marks a position without one)."
            )
        out.append(values)
    return out


def write_bedgraph(
    X,
    attributions,
    path,
    *,
    genome,
    length: int | None = None,
    center: str = "summit",
    track: str | None = None,
) -> None:
    """Write per-base attributions of intervals as a bedGraph, atomically.

    Parameters
    ----------
    X : pandas.DataFrame, array-like of shape (n, 3 or 4), str or path-like
        The intervals the attributions were computed on (chrom, start,
        end[, strand], or a BED/narrowPeak file).
    attributions : ndarray of shape (n, L) or list of 1-D arrays
        One score per base of each interval's sequence, in the sequence's
        orientation (as :func:`dnacnn.saliency` returns for the sequences a
        :class:`GenomeSequenceTransformer` read).  NaN marks a base without
        a score (it is left out).
    path : str or path-like
        The bedGraph file; an existing one is replaced only once the new one
        is complete.
    genome : str, path-like or GenomeSequenceTransformer
        The genome FASTA (for the windows' placement and the chromosome
        sizes), or the transformer that read the sequences (its ``length``,
        ``center`` and ``strand`` are used).
    length : int or None, default=None
        Window length; None for the intervals as they are.  Ignored for a
        transformer.
    center : {"summit", "middle"}, default="summit"
        Where windows are centred.  Ignored for a transformer.
    track : str or None, default=None
        Write a first line ``track type=bedGraph name="<track>"``.

    Raises
    ------
    ValueError
        If the attributions do not match the intervals' windows (the
        message names the row), or an interval is not valid.
    OSError
        If the file cannot be written; a file already at ``path`` is left
        as it was.

    Notes
    -----
    A base of a ``-`` strand interval is written at its position on the
    genome (the sequence was read reverse complemented, so its first base is
    the window's last).  Where windows overlap, a base gets the mean of
    their scores.  Bases off a chromosome (padding) are left out; runs of
    equal scores become one line; lines are sorted by chromosome name, then
    start (what ``bedGraphToBigWig`` expects).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> import pandas as pd
    >>> from dnacnn.genome import write_bedgraph
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     fa = Path(tmp) / "genome.fa"
    ...     _ = fa.write_text(">chr1\\nACGTACGTAC\\n")
    ...     peaks = pd.DataFrame({"chrom": ["chr1"], "start": [2], "end": [6],
    ...                           "strand": ["-"]})
    ...     write_bedgraph(peaks, np.array([[0.5, 0.5, 0.0, 2.0]]),
    ...                    Path(tmp) / "a.bedGraph", genome=fa)
    ...     print((Path(tmp) / "a.bedGraph").read_text(), end="")
    chr1	2	3	2
    chr1	3	4	0
    chr1	4	6	0.5
    """
    _, windows, intervals = read_windows(X, genome, length=length, center=center)
    header = _track_line(track, "bedgraph")
    rows = per_base(attributions, windows.end - windows.start)
    lines = _bedgraph_lines(windows, rows)
    _write_lines(path, header, lines)


def _bedgraph_lines(windows: Windows, rows: list[np.ndarray]) -> list[str]:
    chroms, positions, values = [], [], []
    for i, row in enumerate(rows):
        offsets = np.arange(len(row))
        if windows.minus[i]:
            where = windows.end[i] - 1 - offsets
        else:
            where = windows.start[i] + offsets
        keep = (
            np.isfinite(row) & (where >= 0) & (where < windows.sizes[windows.chrom[i]])
        )
        chroms.append(np.full(int(keep.sum()), windows.chrom[i], dtype=object))
        positions.append(where[keep])
        values.append(row[keep])
    if not chroms:
        return []
    frame = pd.DataFrame(
        {
            "chrom": np.concatenate(chroms).astype(str),
            "pos": np.concatenate(positions),
            "value": np.concatenate(values),
        }
    )
    # overlapping windows: the mean; then the genome order of sort -k1,1 -k2,2n
    frame = frame.groupby(["chrom", "pos"], sort=True)["value"].mean().reset_index()
    chrom = frame["chrom"].to_numpy()
    pos = frame["pos"].to_numpy()
    value = frame["value"].to_numpy()
    # a new line wherever the chromosome changes, a base is skipped or the
    # value changes
    new = np.ones(len(frame), dtype=bool)
    new[1:] = (
        (chrom[1:] != chrom[:-1])
        | (pos[1:] != pos[:-1] + 1)
        | (value[1:] != value[:-1])
    )
    firsts = np.flatnonzero(new)
    lasts = np.append(firsts[1:], len(frame)) - 1
    return [
        f"{chrom[a]}\t{pos[a]}\t{pos[b] + 1}\t{value[a]:.6g}\n"
        for a, b in zip(firsts, lasts, strict=True)
    ]
