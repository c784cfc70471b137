"""Genomic intervals: BED, narrowPeak, or a DataFrame, checked row by row.

Every reader returns the same table: a :class:`pandas.DataFrame` with columns
``chrom`` (str), ``start`` and ``end`` (int64, 0-based half-open as in BED),
``strand`` (``"+"``, ``"-"`` or ``"."``), ``name`` (str) and ``summit``
(int64, the summit's offset from ``start``, or -1 for none).
"""

from __future__ import annotations

import gzip
import os
import re
from numbers import Integral
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "COLUMNS",
    "MAX_COORDINATE",
    "as_intervals",
    "read_intervals",
    "where_of_row",
]

COLUMNS = ("chrom", "start", "end", "strand", "name", "summit")
#: The largest coordinate accepted: windows around it still fit in int64.
MAX_COORDINATE = 2**62
FORMATS = ("auto", "bed", "narrowpeak")
_SKIPPED = ("#", "track", "browser")
_STRANDS = ("+", "-", ".")
_UNDECODED = re.compile("[\udc80-\udcff]")


def _open_text(path: Path):
    # undecodable bytes become lone surrogates, reported with their line
    with open(path, "rb") as f:
        compressed = f.read(2) == b"\x1f\x8b"
    options = dict(encoding="utf-8", errors="surrogateescape", newline="")
    if compressed:
        return gzip.open(path, "rt", **options)
    return open(path, **options)


def _check_text(text: str, where: str) -> None:
    bad = _UNDECODED.search(text)
    if bad is not None:
        byte = ord(bad.group()) - 0xDC00
        raise ValueError(
            f"{where}: byte 0x{byte:02x} at column {bad.start()} (0-based) is not "
            "UTF-8 text; a BED file is plain text. Convert it to UTF-8 (e.g. "
            "'iconv -f latin1 -t utf-8'), or check that it is a BED file."
        )


def _int(text: str, what: str, where: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(
            f"{where}: {what} {text!r} is not an integer; BED coordinates are "
            "0-based integers."
        ) from None
    if abs(value) > MAX_COORDINATE:
        raise ValueError(
            f"{where}: {what} {text} is too large for a genome coordinate (at "
            f"most 2**62 = {MAX_COORDINATE})."
        )
    return value


def read_intervals(source, *, format: str = "auto", chromosomes=None) -> pd.DataFrame:
    """Read intervals from a BED or narrowPeak file, or check a DataFrame.

    Parameters
    ----------
    source : str, path-like or pandas.DataFrame
        A BED file (3 to 6 columns used: chrom, start, end, name, score,
        strand; blank, ``#``, ``track`` and ``browser`` lines skipped), a
        narrowPeak file (its 10th column is the summit's offset from start),
        either optionally gzipped; or a DataFrame with columns ``chrom``,
        ``start``, ``end`` and optionally ``strand``, ``name``, ``summit``.
    format : {"auto", "bed", "narrowpeak"}, default="auto"
        How to read a file: ``"auto"`` is narrowPeak for a name containing
        ``.narrowPeak`` (any case) and BED otherwise.
    chromosomes : collection of str or None, default=None
        The genome's chromosome names (e.g. ``FastaGenome(path).sizes``);
        when given, an interval on any other chromosome is an error.

    Returns
    -------
    intervals : pandas.DataFrame
        Columns ``chrom, start, end, strand, name, summit``, one row per
        interval, in the file's order.

    Raises
    ------
    ValueError
        For a row whose end is not after its start, whose start is negative,
        whose coordinates are not integers or exceed 2**62, whose strand is
        not ``+``, ``-`` or ``.``, whose summit lies outside it, whose
        chromosome is not one of ``chromosomes``, or (in a file) whose bytes
        are not UTF-8: the message names the file and line (or the
        DataFrame's 0-based row).
    TypeError
        If ``source`` is neither a path nor a DataFrame.
    FileNotFoundError, IsADirectoryError
        If the file does not exist, or is a folder.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from dnacnn.genome import read_intervals
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     bed = Path(tmp) / "peaks.bed"
    ...     _ = bed.write_text("track name=peaks\\nchr1\\t100\\t200\\tp1\\t0\\t-\\n")
    ...     read_intervals(bed)
      chrom  start  end strand name  summit
    0  chr1    100  200      -   p1      -1
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {format!r}.")
    if isinstance(source, pd.DataFrame):
        table = _from_frame(source)
    elif isinstance(source, str | os.PathLike):
        table = _from_file(Path(source), format)
    else:
        raise TypeError(
            "intervals must be a BED/narrowPeak path or a pandas DataFrame with "
            f"columns chrom, start, end; got {type(source).__name__}."
        )
    if chromosomes is not None:
        _check_chromosomes(table, chromosomes, _where_of(source))
    return table


def as_intervals(X, *, chromosomes=None) -> pd.DataFrame:
    """``X`` (a DataFrame, or a 2-D array of chrom, start, end[, strand]) checked."""
    if isinstance(X, pd.DataFrame):
        return read_intervals(X, chromosomes=chromosomes)
    array = np.asarray(X, dtype=object)
    if array.ndim != 2 or not 3 <= array.shape[1] <= 4:
        raise ValueError(
            "intervals must be a DataFrame with columns chrom, start, end "
            "[, strand, name, summit], or a 2-D array of 3 or 4 columns (chrom, "
            f"start, end[, strand]); got an array of shape {array.shape}."
        )
    frame = pd.DataFrame(array, columns=list(COLUMNS[: array.shape[1]]))
    return read_intervals(frame, chromosomes=chromosomes)


def _where_of(source) -> str:
    return "row {}" if isinstance(source, pd.DataFrame) else f"{source}, line {{}}"


def where_of_row(table: pd.DataFrame, i: int) -> str:
    """Where row ``i`` of ``table`` came from: ``"<file>, line <n>"`` for a
    table read from a file, else ``"row <i>"`` (0-based)."""
    source = table.attrs.get("source")
    if source is not None and len(table.attrs.get("lines", ())) == len(table):
        return f"{source}, line {table.attrs['lines'][i]}"
    return f"row {i}"


def _check_chromosomes(table, chromosomes, where: str) -> None:
    known = set(chromosomes)
    unknown = ~table["chrom"].isin(known).to_numpy()
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        line = table.attrs.get("lines", range(len(table)))[i]
        some = ", ".join(repr(c) for c in list(chromosomes)[:5])
        raise ValueError(
            f"{where.format(line)}: chromosome {table['chrom'].iloc[i]!r} is not "
            f"in the genome (which has {len(known)}: {some}"
            f"{', ...' if len(known) > 5 else ''}); "
            f"{int(unknown.sum())} interval(s) name unknown chromosomes."
        )


def _from_file(path: Path, format: str) -> pd.DataFrame:
    if path.is_dir():
        raise IsADirectoryError(
            f"interval file {str(path)!r} is a folder; give a BED or narrowPeak file."
        )
    if not path.is_file():
        raise FileNotFoundError(f"interval file not found: {str(path)!r}")
    narrow = format == "narrowpeak" or (
        format == "auto" and ".narrowpeak" in path.name.lower()
    )
    rows, lines = [], []
    with _open_text(path) as f:
        for number, line in enumerate(f, start=1):
            text = line.rstrip("\r\n")
            where = f"{path}, line {number}"
            if not text.strip() or text.startswith(_SKIPPED):
                continue
            _check_text(text, where)
            fields = text.split("\t") if "\t" in text else text.split()
            if len(fields) < 3:
                raise ValueError(
                    f"{where}: {len(fields)} column(s); a BED line has at least "
                    "3 (chrom, start, end), separated by tabs."
                )
            if narrow and len(fields) < 10:
                raise ValueError(
                    f"{where}: {len(fields)} columns; a narrowPeak line has 10 "
                    "(the 10th is the summit). Use format='bed' to read it as BED."
                )
            start = _int(fields[1], "start", where)
            end = _int(fields[2], "end", where)
            summit = _int(fields[9], "summit", where) if narrow else -1
            strand = fields[5] if len(fields) > 5 else "."
            name = fields[3] if len(fields) > 3 else ""
            _check_row(fields[0], start, end, strand, summit, where)
            rows.append((fields[0], start, end, strand, name, summit))
            lines.append(number)
    table = _frame(rows)
    table.attrs["lines"] = lines
    table.attrs["source"] = str(path)
    return table


def _frame(rows) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    return table.astype(
        {"chrom": object, "start": np.int64, "end": np.int64, "summit": np.int64}
    )


def _check_row(chrom, start, end, strand, summit, where) -> None:
    if not chrom:
        raise ValueError(f"{where}: the chromosome name is empty.")
    if start < 0:
        raise ValueError(f"{where}: start {start} is negative; BED starts at 0.")
    if end <= start:
        raise ValueError(
            f"{where}: end {end} <= start {start}; an interval is [start, end) "
            "with end > start."
        )
    if strand not in _STRANDS:
        raise ValueError(f"{where}: strand {strand!r} is not one of {_STRANDS}.")
    if summit != -1 and not 0 <= summit < end - start:
        raise ValueError(
            f"{where}: summit {summit} is outside the interval (an offset from "
            f"start in [0, {end - start}), or -1 for none)."
        )


def _from_frame(frame: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in COLUMNS[:3] if c not in frame.columns]
    if missing:
        raise ValueError(
            f"the intervals DataFrame lacks the column(s) {missing}; it needs "
            "chrom, start, end (0-based half-open) and may have strand, name, "
            f"summit. Its columns: {list(frame.columns)}."
        )
    n = len(frame)
    chrom = frame["chrom"].astype(str).to_numpy(dtype=object)
    strand = (
        frame["strand"].astype(str).to_numpy(dtype=object)
        if "strand" in frame
        else np.full(n, ".", dtype=object)
    )
    name = (
        frame["name"].astype(str).to_numpy(dtype=object)
        if "name" in frame
        else np.full(n, "", dtype=object)
    )
    columns = {
        column: _int_column(frame[column].to_numpy(), column)
        if column in frame
        else np.full(n, -1, dtype=np.int64)
        for column in ("start", "end", "summit")
    }
    s, e, m = columns["start"], columns["end"], columns["summit"]
    bad = (
        (s < 0)
        | (e <= s)
        | ~np.isin(strand.astype(str), _STRANDS)
        | ~((m == -1) | ((m >= 0) & (m < e - s)))
    )
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        _check_row(chrom[i], int(s[i]), int(e[i]), strand[i], int(m[i]), f"row {i}")
    return pd.DataFrame(
        {
            "chrom": chrom,
            "start": columns["start"],
            "end": columns["end"],
            "strand": strand,
            "name": name,
            "summit": columns["summit"],
        }
    )


def _int_column(values: np.ndarray, column: str) -> np.ndarray:
    kind = values.dtype.kind
    if kind in "iu":
        good = np.ones(len(values), dtype=bool)
    elif kind == "f":
        good = np.isfinite(values) & (values == np.round(values))
    else:
        good = np.array(
            [isinstance(v, Integral) and not isinstance(v, bool) for v in values],
            dtype=bool,
        )
    if not good.all():
        i = int(np.flatnonzero(~good)[0])
        raise ValueError(
            f"row {i}: {column} {values.tolist()[i]!r} is not an integer; "
            "coordinates are 0-based integers."
        )
    # compare before casting: a cast to int64 wraps large values around
    big = np.array([abs(v) > MAX_COORDINATE for v in values.tolist()], dtype=bool)
    if big.any():
        i = int(np.flatnonzero(big)[0])
        raise ValueError(
            f"row {i}: {column} {values.tolist()[i]!r} is too large for a genome "
            f"coordinate (at most 2**62 = {MAX_COORDINATE})."
        )
    return values.astype(np.int64)
