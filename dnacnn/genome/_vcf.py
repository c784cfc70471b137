"""Variants: a VCF file (plain or gzipped) or a DataFrame, one row per allele."""

from __future__ import annotations

import gzip
import os
import re
import warnings
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from ._background import GenomeWarning

__all__ = ["VARIANT_COLUMNS", "as_variants", "read_vcf"]

VARIANT_COLUMNS = ("chrom", "pos", "id", "ref", "alt")
_ALLELE = re.compile(r"[ACGTNacgtn]+")


def _lines(path: Path):
    """``(number, line)`` of a VCF, plain or gzipped, decoded as UTF-8.

    Read as bytes and decoded line by line, so that a byte that is not UTF-8
    is reported with its line; a byte-order mark at the start is dropped.
    """
    with open(path, "rb") as f:
        compressed = f.read(2) == b"\x1f\x8b"
    opener = gzip.open if compressed else open
    try:
        with opener(path, "rb") as f:
            for number, raw in enumerate(f, start=1):
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                try:
                    yield number, raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise ValueError(
                        f"{path}, line {number}: byte {raw[exc.start]:#04x} at "
                        f"column {exc.start + 1} is not UTF-8 text; a VCF is "
                        "UTF-8 (this file may be Latin-1: convert it, e.g. "
                        "iconv -f latin1 -t utf-8)."
                    ) from None
    except (OSError, EOFError, zlib.error) as exc:
        if not compressed or (isinstance(exc, OSError) and exc.strerror):
            raise
        raise ValueError(
            f"{path} is a damaged or truncated gzip file ({exc}); compress it "
            "again with gzip or bgzip, or give the plain VCF."
        ) from exc


def read_vcf(path) -> pd.DataFrame:
    """Read the variants of a VCF file, one row per alternative allele.

    Multi-allelic records are split into one row per allele.  Alleles that
    are not plain sequence (symbolic ``<DEL>``, breakends ``N[chr2:10[``,
    the spanning deletion ``*``, a missing ``.``) and records with an
    ``SVTYPE`` are skipped, with their count in a :class:`GenomeWarning`.

    Parameters
    ----------
    path : str or path-like
        The VCF, plain or compressed with gzip or bgzip.

    Returns
    -------
    variants : pandas.DataFrame
        Columns ``chrom``, ``pos`` (1-based, int64), ``id``, ``ref``, ``alt``.

    Raises
    ------
    ValueError
        For a record with fewer than 5 columns, a position that is not a
        positive integer, a reference allele that is not sequence, or a line
        that is not UTF-8 text: the message names the file and line.  Also
        for a damaged gzip file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from dnacnn.genome import read_vcf
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     vcf = Path(tmp) / "calls.vcf"
    ...     _ = vcf.write_text(
    ...         "##fileformat=VCFv4.2\\n#CHROM\\tPOS\\tID\\tREF\\tALT\\n"
    ...         "chr1\\t10\\trs1\\tA\\tG,T\\nchr1\\t20\\t.\\tC\\t<DEL>\\n"
    ...     )
    ...     read_vcf(vcf)
      chrom  pos   id ref alt
    0  chr1   10  rs1   A   G
    1  chr1   10  rs1   A   T
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"VCF file not found: {str(path)!r}")
    rows, skipped = [], 0
    for number, line in _lines(path):
        if line.startswith("#") or not line.strip():
            continue
        fields = line.rstrip("\r\n").split("\t")
        where = f"{path}, line {number}"
        if len(fields) < 5:
            raise ValueError(
                f"{where}: {len(fields)} tab-separated column(s); a VCF "
                "record has at least 5 (CHROM, POS, ID, REF, ALT)."
            )
        chrom, pos, vid, ref, alts = fields[:5]
        try:
            pos = int(pos)
        except ValueError:
            raise ValueError(f"{where}: POS {pos!r} is not an integer.") from None
        if pos < 1:
            raise ValueError(f"{where}: POS {pos} is not 1-based (must be >= 1).")
        info = fields[7] if len(fields) > 7 else ""
        structural = "SVTYPE=" in info
        if not _ALLELE.fullmatch(ref):
            shown = repr(ref) if len(ref) <= 20 else f"'{ref[:20]}…' ({len(ref)} bp)"
            raise ValueError(
                f"{where}: REF {shown} is not a sequence of A, C, G, T, N."
            )
        for alt in alts.split(","):
            if structural or not _ALLELE.fullmatch(alt):
                skipped += 1
                continue
            rows.append((chrom, pos, vid, ref, alt))
    if skipped:
        warnings.warn(
            f"{path}: skipped {skipped} allele(s) that are symbolic, breakends, "
            "'*', '.' or structural variants (SVTYPE); only sequence alleles "
            "are scored.",
            GenomeWarning,
            stacklevel=2,
        )
    table = pd.DataFrame(rows, columns=list(VARIANT_COLUMNS))
    return table.astype({"pos": np.int64})


def as_variants(variants, *, chromosomes=None) -> pd.DataFrame:
    """A VCF path or a DataFrame (chrom, pos, ref, alt[, id]) as checked variants."""
    if isinstance(variants, str | os.PathLike):
        table = read_vcf(variants)
        where = f"{variants}, variant {{}}"
    elif isinstance(variants, pd.DataFrame):
        missing = [c for c in ("chrom", "pos", "ref", "alt") if c not in variants]
        if missing:
            raise ValueError(
                f"the variants DataFrame lacks the column(s) {missing}; it needs "
                "chrom, pos (1-based), ref, alt. Its columns: "
                f"{list(variants.columns)}."
            )
        table = variants.reset_index(drop=True).copy()
        if "id" not in table:
            table.insert(2, "id", ".")
        where = "row {}"
        pos = table["pos"].to_numpy()
        if pos.dtype.kind not in "iu":
            raise ValueError(
                f"pos must hold integers (1-based), got dtype {pos.dtype}."
            )
        table["chrom"] = table["chrom"].astype(str)
        for column in ("ref", "alt"):
            for i, allele in enumerate(table[column].tolist()):
                if not isinstance(allele, str) or not _ALLELE.fullmatch(allele):
                    raise ValueError(
                        f"row {i}: {column} {allele!r} is not a sequence of A, "
                        "C, G, T, N."
                    )
    else:
        raise TypeError(
            "variants must be a VCF path or a DataFrame with columns chrom, pos, "
            f"ref, alt; got {type(variants).__name__}."
        )
    bad = table["pos"].to_numpy() < 1
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{where.format(i)}: pos {table['pos'].iloc[i]} is not 1-based (>= 1)."
        )
    if chromosomes is not None:
        unknown = ~table["chrom"].isin(set(chromosomes)).to_numpy()
        if unknown.any():
            i = int(np.flatnonzero(unknown)[0])
            raise ValueError(
                f"{where.format(i)}: chromosome {table['chrom'].iloc[i]!r} is not "
                f"in the genome; {int(unknown.sum())} variant(s) name unknown "
                f"chromosomes. The genome has {list(chromosomes)[:5]}..."
            )
        size = table["chrom"].map(dict(chromosomes)).to_numpy()
        beyond = table["pos"].to_numpy() > size
        if beyond.any():
            i = int(np.flatnonzero(beyond)[0])
            raise ValueError(
                f"{where.format(i)}: pos {table['pos'].iloc[i]} is past the end of "
                f"{table['chrom'].iloc[i]} ({size[i]} bases)."
            )
    return table
