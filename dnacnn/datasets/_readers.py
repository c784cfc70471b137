"""Reading DNA sequences from plain-text and FASTA files, gzipped or not."""

from __future__ import annotations

import gzip
import os
import re
import warnings
import zlib
from collections.abc import Iterator

import numpy as np

from ..exceptions import DNACNNWarning

__all__ = ["load_sequences"]

_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)
_CHUNK_SIZE = 1 << 16
# Bytes that are not valid UTF-8 decode to these lone surrogates under
# errors="surrogateescape" (U+DC80..U+DCFF for the bytes 0x80..0xFF).
_UNDECODABLE = re.compile("[\udc80-\udcff]")
_UTF16_MARKS = ("\udcff\udcfe", "\udcfe\udcff")


def _is_gzip(path: str) -> bool:
    with open(path, "rb") as raw:
        return raw.read(2) == _GZIP_MAGIC


def _lines(path: str, compressed: bool) -> Iterator[tuple[int, str]]:
    """Yield ``(1-based line number, stripped text)`` of a text file.

    The text is decoded as UTF-8 with an optional byte-order mark; ``\\n``,
    ``\\r\\n`` and a lone ``\\r`` (old Mac files) all end a line.
    """
    opener = gzip.open if compressed else open
    number = 0
    try:
        with opener(
            path, "rt", encoding="utf-8-sig", errors="surrogateescape", newline=None
        ) as file:
            for number, line in enumerate(file, start=1):  # noqa: B007
                bad = None if line.isascii() else _UNDECODABLE.search(line)
                if bad:
                    byte = ord(bad.group()) - 0xDC00
                    hint = ""
                    if number == 1 and line.startswith(_UTF16_MARKS):
                        hint = (
                            " It starts with a UTF-16 byte-order mark: save it "
                            "as UTF-8."
                        )
                    raise ValueError(
                        f"{path!r} is not a text file: line {number} is not valid "
                        f"UTF-8 (byte 0x{byte:02x} at column {bad.start()}, "
                        f"0-based).{hint}"
                    )
                if "\x00" in line:
                    raise ValueError(
                        f"{path!r} is not a text file: line {number} contains a "
                        "NUL byte."
                    )
                yield number, line.strip()
    except _GZIP_ERRORS as exc:
        raise ValueError(_corrupt_message(path, exc, number)) from exc


def _corrupt_message(path: str, exc: BaseException, lines_read: int) -> str:
    return (
        f"{path!r} starts like a gzip file but cannot be decompressed: it is "
        f"corrupt or truncated ({type(exc).__name__}: {exc}; {lines_read} lines "
        "were read before the damage). Download or compress it again."
    )


def _check_gzip(path: str, found: ValueError) -> None:
    """Raise the corrupt-file error if ``path`` does not decompress to its end.

    A damaged gzip stream can decompress to garbage before its checksum fails,
    so the garbage, and not the damage, may be what the parser met first.
    """
    try:
        with gzip.open(path, "rb") as file:
            while file.read(_CHUNK_SIZE):
                pass
    except _GZIP_ERRORS as exc:
        raise ValueError(
            f"{path!r} starts like a gzip file but cannot be decompressed: it is "
            f"corrupt or truncated ({type(exc).__name__}: {exc}). Download or "
            "compress it again. What it decompressed to looked malformed: "
            f"{found}"
        ) from exc


def _parse(
    path: str, lines: Iterator[tuple[int, str]], compressed: bool
) -> tuple[list[str], list[str], bool]:
    """Return ``(sequences, ids, is_fasta)`` from the numbered lines of ``path``."""
    sequences: list[str] = []
    ids: list[str] = []
    first_header: dict[str, int] = {}  # FASTA id -> line of its first header
    fasta: bool | None = None  # decided by the first non-blank line
    parts: list[str] = []  # sequence lines of the current FASTA record
    header_line = 0  # line number of the current FASTA header
    first_line = 0  # line number of the first sequence in a plain-text file

    def close_record() -> None:
        if not parts:
            raise ValueError(
                f"{path!r}: the FASTA record {ids[-1]!r} (header on line "
                f"{header_line}) has no sequence."
            )
        sequences.append("".join(parts))
        parts.clear()

    for number, line in lines:
        if not line:
            continue
        if fasta is None:
            fasta = line.startswith(">")
            first_line = number
        if line.startswith(">"):
            if not fasta:
                raise ValueError(
                    f"{path!r}: line {number} is a FASTA header, but line "
                    f"{first_line} before it is not: sequence lines before the "
                    "first header. A FASTA file must start with a '>' header."
                )
            if ids:
                close_record()
            words = line[1:].split()
            if not words:
                raise ValueError(
                    f"{path!r}: the FASTA header on line {number} has no id; write "
                    "'>id optional description'."
                )
            if words[0] in first_header:
                warnings.warn(
                    f"{path!r}: the FASTA id {words[0]!r} on line {number} repeats "
                    f"the id of the record on line {first_header[words[0]]}; both "
                    "records are read, so the returned ids are not unique.",
                    DNACNNWarning,
                    stacklevel=3,
                )
            else:
                first_header[words[0]] = number
            ids.append(words[0])
            header_line = number
        elif fasta:
            parts.append(line)
        else:
            sequences.append(line)
    if fasta is None:
        what = "it is a gzip file that decompresses to" if compressed else "it holds"
        raise ValueError(f"{path!r} is empty: {what} no sequence.")
    if fasta:
        close_record()
    return sequences, ids, fasta


def _object_array(values: list[str]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def load_sequences(
    path: str | os.PathLike[str], *, return_ids: bool = False
) -> np.ndarray | tuple[np.ndarray, np.ndarray | None]:
    """Read DNA sequences from a plain-text or FASTA file, gzipped or not.

    A file whose first non-blank character is ``>`` is FASTA: each record is a
    ``>id description`` header followed by sequence lines, which are
    concatenated. Any other file is plain text, one sequence per line. Blank
    lines are ignored and surrounding whitespace is stripped. The text must be
    UTF-8 (ASCII is), with or without a byte-order mark; lines may end in
    ``\\n`` (Unix), ``\\r\\n`` (Windows) or ``\\r`` (old Mac). Gzip
    compression is recognised by the file's first bytes, whatever its name. The
    alphabet is not checked: that is the encoder's job.

    Parameters
    ----------
    path : str or path-like
        The file to read.
    return_ids : bool, default=False
        If True, also return the FASTA ids.

    Returns
    -------
    sequences : ndarray of shape (n_sequences,), dtype=object
        The sequences, as ``str``, in file order.
    ids : ndarray of shape (n_sequences,), dtype=object, or None
        Returned only if ``return_ids=True``: the first whitespace-separated
        word of each FASTA header, or None for a plain-text file. An id that
        repeats an earlier one is kept, with a
        :class:`~dnacnn.exceptions.DNACNNWarning`.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    IsADirectoryError
        If ``path`` is a folder.
    TypeError
        If ``path`` is not a str or path-like.
    ValueError
        If the file holds no sequence, is not UTF-8 text, is malformed FASTA
        (a header without an id, a record without sequence, sequence lines
        before the first header), the message giving the 1-based line number;
        or if it is a corrupt or truncated gzip file, which is reported as such
        even where the damage made the decompressed text look malformed first.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from dnacnn.datasets import load_sequences
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "sites.fa"
    ...     _ = path.write_text(">seq1 bound\\nCGACCG\\nAACTCC\\n\\n>seq2\\nTTGA\\n")
    ...     sequences, ids = load_sequences(path, return_ids=True)
    >>> sequences
    array(['CGACCGAACTCC', 'TTGA'], dtype=object)
    >>> ids
    array(['seq1', 'seq2'], dtype=object)
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"path must be a str or os.PathLike, got {type(path).__name__}."
        )
    path = os.fspath(path)
    if not isinstance(path, str):
        raise TypeError(
            f"path must be a str or os.PathLike of str, got {type(path).__name__}."
        )
    if os.path.isdir(path):
        raise IsADirectoryError(
            f"{path!r} is a folder, not a file; give the path of a plain-text or "
            "FASTA file (gzipped or not)."
        )
    compressed = _is_gzip(path)
    try:
        sequences, ids, fasta = _parse(path, _lines(path, compressed), compressed)
    except ValueError as exc:
        if compressed and not isinstance(exc.__cause__, _GZIP_ERRORS):
            _check_gzip(path, exc)
        raise

    result = _object_array(sequences)
    if not return_ids:
        return result
    if not fasta:
        return result, None
    return result, _object_array(ids)
