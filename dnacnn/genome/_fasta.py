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
import mmap
import os
import secrets
import warnings
from pathlib import Path

import numpy as np

from .._codes import COMPLEMENT
from ..datasets import get_data_home
from ..exceptions import GenomeWarning

__all__ = ["FastaGenome", "GenomeWarning", "complement_table", "require_pyfaidx"]

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


def _read_fai(fai: Path) -> list[tuple[str, int, int, int, int]]:
    """The records of a ``.fai``: (name, length, offset, bases per line,
    bytes per line); a ValueError says what is wrong with it."""
    try:
        text = fai.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("it is not text") from None
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split("\t")
        if len(fields) != 5:
            raise ValueError(f"its line {number} has {len(fields)} field(s), not 5")
        try:
            numbers = [int(f) for f in fields[1:]]
        except ValueError:
            raise ValueError(f"its line {number} holds a non-integer") from None
        length, _, per_line, line_bytes = numbers
        if min(numbers) < 0 or not fields[0]:
            raise ValueError(f"its line {number} has no name or a negative number")
        if length and not (per_line and 0 <= line_bytes - per_line <= 2):
            raise ValueError(
                f"its line {number} gives {per_line} bases in lines of "
                f"{line_bytes} bytes"
            )
        records.append((fields[0], *numbers))
    if not records:
        raise ValueError("it lists no sequence")
    return records


def _record_end(length: int, offset: int, per_line: int, line_bytes: int) -> int:
    """The byte just after a record's last line, its newline included."""
    if not length:
        return offset
    full, rest = divmod(length, per_line)
    return offset + full * line_bytes + (rest + line_bytes - per_line if rest else 0)


def _check_fai(fai: Path, fasta: Path) -> list:
    """The ``.fai``'s records if they describe the plain FASTA byte for byte
    (names, where each record and each of its lines starts and ends), else a
    ValueError saying what does not match."""
    records = _read_fai(fai)
    size = fasta.stat().st_size
    with open(fasta, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        # a record's header line ends just before its first base; the next
        # record's header starts where the record ends
        header = m.rfind(b"\n", 0, max(records[0][2] - 1, 0)) + 1
        for name, length, offset, per_line, line_bytes in records:
            if not header < offset <= size or m[offset - 1] != ord("\n"):
                raise ValueError(f"no record starts at byte {offset} ({name!r})")
            line = m[header:offset].rstrip(b"\r\n")
            if line[:1] != b">" or line[1:].split()[:1] != [name.encode()]:
                raise ValueError(f"the FASTA has {line[:40]!r} where it lists {name!r}")
            end = _record_end(length, offset, per_line, line_bytes)
            newline = line_bytes - per_line
            if end > size and end - newline != size:  # the file's last newline
                raise ValueError(f"record {name!r} would end past the file's end")
            last = offset + (length - 1) // per_line * line_bytes if length else end
            for stop in {offset + per_line, end - newline} if length else ():
                if stop < size and m[stop] not in b"\r\n":
                    raise ValueError(
                        f"the lines of record {name!r} are not {per_line} bases long"
                    )
            if m.find(b"\n", last, end - newline) != -1:
                raise ValueError(f"the last line of record {name!r} is too short")
            header = min(end, size)
        if m[header:].strip():
            raise ValueError(f"the FASTA goes on past byte {header}")
    return records


def _uneven_line(fasta: Path) -> str | None:
    """The first line that breaks a record's layout (a blank line, or a line
    of another length than the record's others, its last excepted), said
    plainly; None if there is none."""

    def blank(number):
        return (
            f"line {number} is blank; blank lines are not allowed inside or "
            "after a record. Remove it."
        )

    def uneven(number, k):
        return (
            f"line {number} holds {k} bases where the lines of record {name!r} "
            f"hold {width}; only a record's last line may be shorter. Rewrite "
            "the file with even lines (e.g. 'seqkit seq -w 60')."
        )

    name, width, short = None, 0, None
    with open(fasta, "rb") as f:
        for number, raw in enumerate(f, start=1):
            line = raw.rstrip(b"\r\n")
            if line.startswith(b">"):
                name = line[1:].decode(errors="replace").split(maxsplit=1)[:1]
                name, width, short = (name or [""])[0], 0, None
                continue
            if name is None:
                continue
            if short is not None:
                return (
                    blank(short[0])
                    if not short[1]
                    else (blank(number) if not line else uneven(*short))
                )
            width = width or len(line)
            if len(line) > width:
                return uneven(number, len(line))
            if len(line) < width or not line:
                short = (number, len(line))
    return blank(short[0]) if short is not None and not short[1] else None


def _atomic_index(build, targets: list[Path]) -> None:
    """``build(*temporary paths)``, then each renamed to its target: no
    reader ever sees a half-written index."""
    tag = f"{os.getpid()}.{secrets.token_hex(4)}.part"
    temps = [t.with_name(f".{t.name}.{tag}") for t in targets]
    try:
        build(*temps)
        for temp, target in zip(temps, targets, strict=True):
            os.replace(temp, target)
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)


class FastaGenome:
    """A genome FASTA file (plain or bgzip) read through pyfaidx.

    The ``.fai`` index next to the FASTA is used when it describes the file:
    for a plain FASTA, each record's name, start, end and line layout are
    checked against the file's bytes; for bgzip, the index's age against the
    file's.  A missing or wrong index is (re)built, with a
    :class:`GenomeWarning` when one was replaced.  It is written to a
    temporary file in the same folder and renamed into place, so processes
    that open the genome at once never read half an index.

    Parameters
    ----------
    path : str or path-like
        The FASTA file.  bgzip-compressed files are read by pyfaidx when
        Biopython is installed; plain gzip is not random-access and is refused.
    index_dir : str, path-like or None, default=None
        Where the ``.fai`` (and ``.gzi``) index goes when the one next to the
        FASTA is missing or wrong and that folder cannot be written: by
        default the folder ``genome_index`` in
        :func:`dnacnn.datasets.get_data_home`.  An index there is named after
        the FASTA's path, size and modification time, so a changed file gets
        a new one.
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
    def _compressed(self) -> bool:
        with open(self.path, "rb") as f:
            return f.read(2) == b"\x1f\x8b"

    def _usable(self, fai: Path, gzi: Path) -> str | None:
        """None if ``fai`` (and ``gzi``) describe the FASTA, else why not."""
        if not fai.exists():
            return "missing"
        try:
            if not self._compressed():
                _check_fai(fai, Path(self.path))
                return None
            _read_fai(fai)
        except (ValueError, OSError) as exc:
            return str(exc)
        mtime = Path(self.path).stat().st_mtime
        if not gzi.is_file() or min(fai.stat().st_mtime, gzi.stat().st_mtime) < mtime:
            return "it is older than the FASTA"
        return None

    def _build(self, fai: Path, gzi: Path) -> None:
        """Index the FASTA into ``fai`` (and ``gzi`` for bgzip), atomically."""
        pyfaidx = require_pyfaidx()
        if not _writable(fai.parent):
            raise PermissionError(
                f"cannot index {self.path!r}: the index folder {str(fai.parent)!r} "
                "cannot be written (nor can the FASTA's, or its index is fine). "
                "Set index_dir= to a writable folder."
            )
        compressed = self._compressed()

        def build(temp_fai, temp_gzi=None):
            names = {"indexname": str(temp_fai)}
            if compressed:
                names["gzi_indexname"] = str(temp_gzi)
            pyfaidx.Faidx(self.path, **names).close()
            if not compressed:
                # pyfaidx lets a record's last line be longer than the others
                try:
                    _check_fai(temp_fai, Path(self.path))
                except ValueError as exc:
                    why = _uneven_line(Path(self.path)) or str(exc)
                    raise ValueError(f"cannot index {self.path!r}: {why}") from None

        try:
            _atomic_index(build, [fai, gzi] if compressed else [fai])
        except pyfaidx.UnsupportedCompressionFormat as exc:
            raise ValueError(
                f"cannot read {self.path!r}: {exc} Compress it with "
                "'bgzip' (not gzip) or decompress it, and install "
                "Biopython for bgzip files."
            ) from exc
        except pyfaidx.FastaIndexingError as exc:
            why = None if compressed else _uneven_line(Path(self.path))
            raise ValueError(f"cannot index {self.path!r}: {why or exc}") from exc
        except ValueError as exc:
            if not str(exc).startswith("Duplicate key"):
                raise
            name = str(exc).split('"')[1]
            raise ValueError(
                f"cannot index {self.path!r}: the record name {name!r} occurs "
                "twice (a record's name is the first word after '>'); rename one."
            ) from None

    def _index_names(self) -> dict:
        """Check, or build, the index; pyfaidx's arguments naming it."""
        path = Path(self.path)
        fai, gzi = Path(f"{path}.fai"), Path(f"{path}.gzi")
        why = self._usable(fai, gzi)
        if why is not None and _writable(path.parent):
            self._build(fai, gzi)
            if why != "missing":
                warnings.warn(
                    f"the index {str(fai)!r} does not match {self.path!r} "
                    f"({why}); rebuilt it.",
                    GenomeWarning,
                    stacklevel=5,
                )
        elif why is not None:
            # a read-only folder: the index goes to a cache, named after the
            # file's path, size and modification time
            stat = path.stat()
            key = f"{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}"
            digest = hashlib.sha256(key.encode()).hexdigest()[:16]
            stem = _index_cache(self.index_dir) / f"{digest}-{path.name}"
            if why != "missing":
                warnings.warn(
                    f"the index {str(fai)!r} does not match {self.path!r} ({why}) "
                    "and its folder is read-only; using an index in "
                    f"{str(stem.parent)!r}.",
                    GenomeWarning,
                    stacklevel=5,
                )
            fai, gzi = Path(f"{stem}.fai"), Path(f"{stem}.gzi")
            if self._usable(fai, gzi) is not None:
                self._build(fai, gzi)
        names = {"indexname": str(fai)}
        if self._compressed():
            names["gzi_indexname"] = str(gzi)
        return names

    @property
    def fasta(self):
        """The open :class:`pyfaidx.Fasta` (opened on first use)."""
        if self._fasta is None:
            pyfaidx = require_pyfaidx()
            path = Path(self.path)
            if path.is_dir():
                raise IsADirectoryError(
                    f"genome FASTA {self.path!r} is a folder; give the FASTA "
                    "file in it."
                )
            if not path.is_file():
                raise FileNotFoundError(f"genome FASTA not found: {self.path!r}")
            names = self._index_names()
            with warnings.catch_warnings():
                # pyfaidx judges an index by its age; it was checked above
                warnings.simplefilter("ignore", RuntimeWarning)
                self._fasta = pyfaidx.Fasta(
                    self.path, as_raw=True, rebuild=False, build_index=False, **names
                )
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
        if mapped is None or not per_line:  # bgzip, or an empty record
            return rows
        # full lines, each with its newline inside the file (the file's last
        # line may lack one)
        in_file = (len(mapped) - int(rec.offset)) // line_bytes
        n_lines = min(int(rec.rlen) // per_line, in_file)
        span = -(-length // per_line) + 1  # lines a window can touch
        s = starts[rows]
        fits = (s >= 0) & (s // per_line + span <= n_lines)
        if not fits.any():
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
