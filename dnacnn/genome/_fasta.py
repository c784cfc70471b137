"""Random access to a genome FASTA: pyfaidx, opened lazily, read in bulk.

:class:`FastaGenome` holds a path and opens the file (with :mod:`pyfaidx` and
its ``.fai`` index) only when a sequence is first read, so that it pickles
small and reopens in a worker process.  An index that cannot be written next
to a read-only genome goes to a cache folder instead.

:meth:`FastaGenome.windows` reads many fixed-length windows at once: per
chromosome, either the whole chromosome once (when the windows cover a good
part of it) and all windows cut from it with one numpy gather, or one read
per window; windows running off a chromosome end are padded with ``N``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from .._codes import COMPLEMENT
from ..datasets import get_data_home

__all__ = ["FastaGenome", "complement_table", "require_pyfaidx"]

#: ``N`` as a byte: the padding of windows that run off a chromosome.
N_BYTE = ord("N")
# Read a whole chromosome once when the windows ask for at least this
# fraction of its length; below it, read window by window.
_DENSE_FRACTION = 0.05


def require_pyfaidx():
    """Import pyfaidx, or say which extra installs it."""
    try:
        import pyfaidx
    except ImportError as exc:  # pragma: no cover - the test extra has it
        raise ImportError(
            "Reading a genome FASTA needs pyfaidx: pip install 'dnacnn[genome]'."
        ) from exc
    return pyfaidx


def complement_table() -> np.ndarray:
    """A 256-byte table mapping each base (either case) to its complement."""
    table = np.arange(256, dtype=np.uint8)
    for base, other in COMPLEMENT.items():
        table[ord(base)] = ord(other)
        table[ord(base.lower())] = ord(other.lower())
    return table


def _index_cache(index_dir) -> Path:
    if index_dir is not None:
        folder = Path(index_dir)
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    folder = Path(get_data_home()) / "genome_index"
    folder.mkdir(exist_ok=True)
    return folder


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


class FastaGenome:
    """A genome FASTA file (plain or bgzip) read through pyfaidx.

    Parameters
    ----------
    path : str or path-like
        The FASTA file.  bgzip-compressed files are read by pyfaidx when
        Biopython is installed; plain gzip is not random-access and is refused.
    index_dir : str, path-like or None, default=None
        Where the ``.fai`` (and ``.gzi``) index goes when it is not next to
        the FASTA and that folder cannot be written: by default the folder
        ``genome_index`` in :func:`dnacnn.datasets.get_data_home`.
    """

    def __init__(self, path, *, index_dir=None):
        self.path = os.fspath(path)
        self.index_dir = index_dir
        self._fasta = self._sizes = self._map = None

    def __getstate__(self):
        state = dict.fromkeys(("_fasta", "_sizes", "_map"))
        return {"path": self.path, "index_dir": self.index_dir, **state}

    def __repr__(self) -> str:
        return f"FastaGenome({self.path!r})"

    # ---------------------------------------------------------------- opening
    def _index_names(self) -> dict:
        path = Path(self.path)
        fai = Path(f"{path}.fai")
        fresh = fai.is_file() and fai.stat().st_mtime >= path.stat().st_mtime
        if fresh or _writable(path.parent):
            return {}
        # a read-only folder: the index goes to a cache, keyed by the path
        key = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
        stem = _index_cache(self.index_dir) / f"{key}-{path.name}"
        return {"indexname": f"{stem}.fai", "gzi_indexname": f"{stem}.gzi"}

    @property
    def fasta(self):
        """The open :class:`pyfaidx.Fasta` (opened on first use)."""
        if self._fasta is None:
            pyfaidx = require_pyfaidx()
            path = Path(self.path)
            if not path.is_file():
                raise FileNotFoundError(f"genome FASTA not found: {self.path!r}")
            try:
                self._fasta = pyfaidx.Fasta(
                    self.path, as_raw=True, rebuild=True, **self._index_names()
                )
            except pyfaidx.UnsupportedCompressionFormat as exc:
                raise ValueError(
                    f"cannot read {self.path!r}: {exc} Compress it with "
                    "'bgzip' (not gzip) or decompress it, and install "
                    "Biopython for bgzip files."
                ) from exc
            except (pyfaidx.FastaIndexingError, pyfaidx.IndexNotFoundError) as exc:
                raise ValueError(f"cannot index {self.path!r}: {exc}") from exc
        return self._fasta

    @property
    def sizes(self) -> dict[str, int]:
        """Chromosome name -> length, in the file's order."""
        if self._sizes is None:
            index = self.fasta.faidx.index
            self._sizes = {name: int(rec.rlen) for name, rec in index.items()}
        return self._sizes

    def _mapped(self):
        """The uncompressed file as a read-only uint8 memory map, else None."""
        if self._map is None:
            with open(self.path, "rb") as f:
                compressed = f.read(2) == b"\x1f\x8b"
            self._map = False if compressed else np.memmap(self.path, np.uint8, "r")
        return None if self._map is False else self._map

    def _mapped_windows(self, chrom, starts, length, out, rows) -> np.ndarray:
        """Fill ``out[rows]`` from the memory map where the windows lie in the
        chromosome's full lines; return the rows left for the other paths."""
        mapped = self._mapped()
        rec = self.fasta.faidx.index[chrom]
        per_line, line_bytes = int(rec.lenc), int(rec.lenb)
        n_lines = int(rec.rlen) // per_line
        span = -(-length // per_line) + 1  # lines a window can touch
        s = starts[rows]
        fits = (s >= 0) & (s // per_line + span <= n_lines)
        if mapped is None or not fits.any():
            return rows
        # row i: the bytes of lines i .. i + span - 1, contiguous in the file
        spans = np.lib.stride_tricks.as_strided(
            mapped[int(rec.offset) :],
            shape=(n_lines - span + 1, span * line_bytes),
            strides=(line_bytes, 1),
            writeable=False,
        )
        for offset in np.unique(s[fits] % per_line):
            group = fits & (s % per_line == offset)
            block = spans[s[group] // per_line].reshape(-1, span, line_bytes)
            bases = block[:, :, :per_line].reshape(len(block), span * per_line)
            out[rows[group]] = bases[:, offset : offset + length]
        return rows[~fits]

    # --------------------------------------------------------------- reading
    def fetch(self, chrom: str, start: int, end: int) -> bytes:
        """Bases ``[start, end)`` of ``chrom`` (0-based), ``N`` outside it."""
        size = self.sizes[chrom]
        lo, hi = max(start, 0), min(end, size)
        inside = self.fasta[chrom][lo:hi].encode("ascii") if hi > lo else b""
        left = min(max(-start, 0), end - start)
        return b"N" * left + inside + b"N" * (end - start - left - len(inside))

    def chromosome(self, chrom: str) -> np.ndarray:
        """The whole chromosome as uint8 bytes."""
        text = self.fasta[chrom][0 : self.sizes[chrom]]
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8)

    def windows(self, chroms, starts, length: int) -> np.ndarray:
        """Windows ``[start, start + length)``: uint8 array ``(n, length)``.

        ``chroms`` are chromosome names (all in :attr:`sizes`), ``starts``
        0-based ints (negative, or running past the end: padded with ``N``).
        """
        chroms = np.asarray(chroms, dtype=object)
        starts = np.asarray(starts, dtype=np.int64)
        out = np.empty((len(starts), length), dtype=np.uint8)
        sizes = self.sizes
        for chrom in dict.fromkeys(chroms.tolist()):
            rows = np.flatnonzero(chroms == chrom)
            rows = self._mapped_windows(chrom, starts, length, out, rows)
            if not len(rows):
                continue
            size = sizes[chrom]
            if len(rows) * length >= _DENSE_FRACTION * size:
                padded = np.full(size + 2 * length, N_BYTE, dtype=np.uint8)
                padded[length : length + size] = self.chromosome(chrom)
                at = np.clip(starts[rows] + length, 0, size + length)
                view = np.lib.stride_tricks.sliding_window_view(padded, length)
                out[rows] = view[at]
            else:
                for row in rows:
                    s = int(starts[row])
                    out[row] = np.frombuffer(
                        self.fetch(chrom, s, s + length), dtype=np.uint8
                    )
        return out
