"""The encoding kernel: alphabets, lookup tables and byte codes.

Sequences become one ``uint8`` matrix of character codes (:func:`to_codes`);
a lookup table maps codes, two at a time when it can, straight into the
preallocated output (:func:`encode`), in chunks that stay in cache.  The
transformer in :mod:`dnacnn.preprocessing` and the decoding functions build
on these.
"""

from __future__ import annotations

import sys
from functools import lru_cache

import numpy as np

from ._sequences import as_sequence_array, sequence_lengths

__all__ = [
    "AMBIGUITY",
    "COMPLEMENT",
    "HANDLE_UNKNOWN",
    "IUPAC",
    "IUPAC_OF_BASES",
    "PADDING",
    "TRUNCATION",
    "check_alphabet",
    "encode",
    "nucleotide_channels",
    "place",
    "to_codes",
]

# IUPAC nucleotide ambiguity codes and the bases each stands for.
IUPAC = {
    "R": "AG",
    "Y": "CT",
    "S": "CG",
    "W": "AT",
    "K": "GT",
    "M": "AC",
    "B": "CGT",
    "D": "AGT",
    "H": "ACT",
    "V": "ACG",
    "N": "ACGT",
}
IUPAC_OF_BASES = {frozenset(bases): code for code, bases in IUPAC.items()}
COMPLEMENT = dict(zip("ACGTURYSWKMBDHVN", "TGCAAYRSWMKVHDBN", strict=True))

PADDING = ("right", "left", "center")
TRUNCATION = ("error", "right", "left", "center")
AMBIGUITY = ("zeros", "fractional")
HANDLE_UNKNOWN = ("error", "ignore")

# Positions encoded per chunk: small enough for the chunk's codes and index
# arithmetic to stay in cache, large enough to amortise the per-call overhead.
CHUNK_POSITIONS = 1 << 16


def check_alphabet(alphabet) -> str:
    """Return ``alphabet`` upper-cased, or raise if it is not usable."""
    if not isinstance(alphabet, str):
        raise TypeError(
            f"alphabet must be a str such as 'ACGT', got {type(alphabet).__name__} "
            f"{alphabet!r}."
        )
    upper = alphabet.upper()
    if not upper or not (upper.isascii() and upper.isalpha()):
        raise ValueError(
            f"alphabet must be a non-empty string of ASCII letters, got {alphabet!r}."
        )
    if len(set(upper)) != len(upper):
        raise ValueError(
            f"alphabet {alphabet!r} repeats a letter (letters are case-insensitive)."
        )
    return upper


def nucleotide_channels(alphabet: str) -> dict[str, int] | None:
    """Channel of each of A, C, G, T for a nucleotide alphabet, else None.

    An alphabet is a nucleotide alphabet when it holds A, C, G and T (or U in
    place of T, for RNA) and otherwise only IUPAC codes; only then do
    ambiguity codes and complements have a meaning.
    """
    t = "T" if "T" in alphabet else "U"
    if not all(b in alphabet for b in ("A", "C", "G", t)) or not set(alphabet) <= set(
        "ACGTU" + "".join(IUPAC)
    ):
        return None
    return {b: alphabet.index(b if b != "T" else t) for b in "ACGT"}


@lru_cache(maxsize=32)
def lookup_tables(alphabet: str, ambiguity: str, dtype_str: str):
    """Encoding table ``(256, C)`` and validity masks over byte codes.

    Returns ``(table, valid, valid_pairs)``: ``valid`` over single bytes,
    ``valid_pairs`` over two adjacent bytes read as one ``uint16``.  Byte 0 is
    invalid here: inside a sequence it is a NUL character; padding positions
    are masked out by the callers before validation.
    """
    n_channels = len(alphabet)
    table = np.zeros((256, n_channels), dtype=np.float64)
    valid = np.zeros(256, dtype=bool)
    for channel, letter in enumerate(alphabet):
        for byte in (ord(letter), ord(letter.lower())):
            table[byte, channel] = 1.0
            valid[byte] = True
    channels = nucleotide_channels(alphabet)
    if channels is not None:
        for code, bases in IUPAC.items():
            if code in alphabet:  # an explicit channel wins over the code
                continue
            for byte in (ord(code), ord(code.lower())):
                valid[byte] = True
                if ambiguity == "fractional":
                    for base in bases:
                        table[byte, channels[base]] = 1.0 / len(bases)
    table = table.astype(np.dtype(dtype_str))
    index = np.arange(1 << 16)
    valid_pairs = valid[index & 0xFF] & valid[index >> 8]
    for array in (table, valid, valid_pairs):
        array.flags.writeable = False
    return table, valid, valid_pairs


def _view_unit(nbytes: int):
    """The widest plain dtype whose size divides ``nbytes`` (for block copies)."""
    for unit in (np.complex128, np.uint64, np.uint32, np.uint16, np.uint8):
        if nbytes % np.dtype(unit).itemsize == 0:
            return np.dtype(unit)
    raise AssertionError("unreachable: uint8 divides every size")


@lru_cache(maxsize=32)
def block_table(alphabet: str, ambiguity: str, dtype_str: str, per_block: int):
    """Table mapping ``per_block`` (1 or 2) character codes to output bytes.

    With ``per_block=2`` the index is two adjacent bytes read as one native
    ``uint16``, and each entry holds both positions' encodings, so that one
    gather writes two positions.  Entries are viewed as the widest dtype that
    tiles them, which lets ``np.take`` copy whole blocks.
    """
    table = lookup_tables(alphabet, ambiguity, dtype_str)[0]
    rows = table.view(np.uint8).reshape(256, -1)
    if per_block == 2:
        index = np.arange(1 << 16)
        first, second = index & 0xFF, index >> 8
        if sys.byteorder == "big":
            first, second = second, first
        rows = np.concatenate([rows[first], rows[second]], axis=1)
    unit = _view_unit(rows.shape[1])
    blocks = np.ascontiguousarray(rows).view(unit)
    if blocks.shape[1] == 1:
        blocks = blocks[:, 0]
    blocks.flags.writeable = False
    return blocks


# --------------------------------------------------------------------------
# input: array-like of str -> uint8 matrix of character codes
# --------------------------------------------------------------------------
def to_codes(X) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate ``X``; return (sequences, codes ``(n, W)`` uint8, lengths)."""
    seqs = as_sequence_array(X)
    if seqs.shape[0] == 0:
        raise ValueError("Expected at least one sequence, got an empty input.")
    kind, lengths = sequence_lengths(seqs)
    if lengths.min() == 0:
        index = int(np.argmin(lengths))
        raise ValueError(f"Sequence {index} is an empty string.")
    if kind is str:
        try:
            packed = np.asarray(seqs, dtype="S")
        except UnicodeEncodeError:
            # Non-ASCII characters are never bases: encode each as '?', which
            # the validation step reports (or ignores) at its true position.
            packed = np.array(
                [s.encode("ascii", errors="replace") for s in seqs], dtype="S"
            )
    else:
        packed = np.ascontiguousarray(seqs, dtype="S")
    codes = packed.view(np.uint8).reshape(len(seqs), -1)
    return seqs, codes, lengths


def place(codes, lengths, shift, L):
    """Move each row's characters to their padded/truncated output positions.

    Returns the ``(rows, L)`` codes (0 at padding) and the mask of positions
    that hold a character of the sequence.
    """
    source = np.arange(L) - shift[:, None]
    inside = (source >= 0) & (source < lengths[:, None])
    placed = np.take_along_axis(codes, np.clip(source, 0, codes.shape[1] - 1), axis=1)
    placed[~inside] = 0
    return placed, inside


# --------------------------------------------------------------------------
# the kernel
# --------------------------------------------------------------------------
def encode(
    codes: np.ndarray,
    lengths: np.ndarray,
    shift: np.ndarray | None,
    length: int,
    *,
    alphabet: str,
    ambiguity: str,
    dtype: np.dtype,
    check: bool,
) -> tuple[np.ndarray, tuple[int, int] | None]:
    """One-hot encode character codes into a new ``(n, length, C)`` array.

    ``shift`` (from each sequence's positions to its output positions) is
    None when every row of ``codes`` fills ``length`` exactly.  Returns the
    encoding and, if ``check`` found a character outside the alphabet and
    the IUPAC codes, the ``(sequence, position)`` of the first (0-based, in
    the sequence), else None; the encoding is then incomplete.
    """
    n, L = len(lengths), length
    out = np.empty((n, L, len(alphabet)), dtype=dtype)
    fixed = shift is None
    _, valid, valid_pairs = lookup_tables(alphabet, ambiguity, dtype.str)
    row_bytes = len(alphabet) * dtype.itemsize
    per_block = 2 if L % 2 == 0 and 2 * row_bytes <= 64 else 1
    blocks = block_table(alphabet, ambiguity, dtype.str, per_block)
    out_blocks = out.view(np.uint8).reshape(n, L // per_block, -1)
    out_blocks = out_blocks.view(blocks.dtype).reshape(
        (n, L // per_block) + blocks.shape[1:]
    )
    step = max(1, CHUNK_POSITIONS // L)
    for start in range(0, n, step):
        stop = min(start + step, n)
        if fixed:
            chunk, inside = codes[start:stop], None
        else:
            chunk, inside = place(
                codes[start:stop], lengths[start:stop], shift[start:stop], L
            )
        index = chunk.view(np.uint16) if per_block == 2 else chunk
        # Fast path: one look-up per pair of positions; the per-position
        # check below runs only to locate a bad character (or on padding).
        if check and not (
            fixed and per_block == 2 and np.take(valid_pairs, index, mode="wrap").all()
        ):
            bad = ~np.take(valid, chunk, mode="wrap")
            if inside is not None:
                bad &= inside
            if bad.any():
                row, col = np.argwhere(bad)[0]
                row = start + int(row)
                col = int(col) - (0 if fixed else int(shift[row]))
                return out, (row, col)
        np.take(blocks, index, axis=0, out=out_blocks[start:stop], mode="wrap")
    return out, None
