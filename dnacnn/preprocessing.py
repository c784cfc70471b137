"""One-hot encoding of DNA sequences, its inverse, and reverse complements.

The encoder works on all sequences at once: the strings become one ``uint8``
matrix of character codes, and a lookup table maps codes (two at a time when it
can) straight into the preallocated output, in chunks that stay in cache.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._sequences import as_sequence_array, check_entries, describe

__all__ = [
    "DNAOneHotTransformer",
    "decode_one_hot",
    "one_hot_encode",
    "reverse_complement",
]

# IUPAC nucleotide ambiguity codes and the bases each stands for.
_IUPAC = {
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
_IUPAC_OF_BASES = {frozenset(bases): code for code, bases in _IUPAC.items()}
_COMPLEMENT = dict(zip("ACGTURYSWKMBDHVN", "TGCAAYRSWMKVHDBN", strict=True))

_PADDING = ("right", "left", "center")
_TRUNCATION = ("error", "right", "left", "center")
_AMBIGUITY = ("zeros", "fractional")
_HANDLE_UNKNOWN = ("error", "ignore")

# Positions encoded per chunk: small enough for the chunk's codes and index
# arithmetic to stay in cache, large enough to amortise the per-call overhead.
_CHUNK_POSITIONS = 1 << 16


# --------------------------------------------------------------------------
# alphabets and lookup tables
# --------------------------------------------------------------------------
def _check_alphabet(alphabet) -> str:
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


def _nucleotide_channels(alphabet: str) -> dict[str, int] | None:
    """Channel of each of A, C, G, T for a nucleotide alphabet, else None.

    An alphabet is a nucleotide alphabet when it holds A, C, G and T (or U in
    place of T, for RNA) and otherwise only IUPAC codes; only then do
    ambiguity codes and complements have a meaning.
    """
    t = "T" if "T" in alphabet else "U"
    if not all(b in alphabet for b in ("A", "C", "G", t)) or not set(alphabet) <= set(
        "ACGTU" + "".join(_IUPAC)
    ):
        return None
    return {b: alphabet.index(b if b != "T" else t) for b in "ACGT"}


@lru_cache(maxsize=32)
def _lookup_tables(alphabet: str, ambiguity: str, dtype_str: str):
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
    channels = _nucleotide_channels(alphabet)
    if channels is not None:
        for code, bases in _IUPAC.items():
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
def _block_table(alphabet: str, ambiguity: str, dtype_str: str, per_block: int):
    """Table mapping ``per_block`` (1 or 2) character codes to output bytes.

    With ``per_block=2`` the index is two adjacent bytes read as one native
    ``uint16``, and each entry holds both positions' encodings, so that one
    gather writes two positions.  Entries are viewed as the widest dtype that
    tiles them, which lets ``np.take`` copy whole blocks.
    """
    table = _lookup_tables(alphabet, ambiguity, dtype_str)[0]
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
# input validation: array-like of str -> uint8 matrix of character codes
# --------------------------------------------------------------------------
def _to_codes(X) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate ``X``; return (sequences, codes ``(n, W)`` uint8, lengths)."""
    seqs = as_sequence_array(X)
    if seqs.shape[0] == 0:
        raise ValueError("Expected at least one sequence, got an empty input.")
    if seqs.dtype.kind == "O":
        kind = check_entries(seqs)
        lengths = np.fromiter(map(len, seqs), dtype=np.int64, count=len(seqs))
    elif seqs.dtype.kind == "U":
        kind, lengths = str, np.char.str_len(seqs).astype(np.int64)
    else:
        kind, lengths = bytes, np.char.str_len(seqs).astype(np.int64)
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


# --------------------------------------------------------------------------
# the transformer
# --------------------------------------------------------------------------
class DNAOneHotTransformer(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """One-hot encode DNA sequences for convolutional networks.

    Turns an array-like of ``n`` strings into a float32 array of shape
    ``(n, L, 4)`` whose last axis holds the channels A, C, G, T, the
    channels-last layout Keras' ``Conv1D`` reads.  Encoding is vectorized over
    all sequences at once.

    Parameters
    ----------
    alphabet : str, default="ACGT"
        The letters, in channel order.  Case-insensitive.  With a nucleotide
        alphabet (one holding A, C, G and T, or U for RNA) the IUPAC ambiguity
        codes are understood as well.
    handle_unknown : {"error", "ignore"}, default="error"
        What to do with a character that is neither in ``alphabet`` nor an
        IUPAC ambiguity code: raise a ``ValueError`` naming it and where it
        is, or encode it as all zeros.
    ambiguity : {"zeros", "fractional"}, default="zeros"
        How ``N`` and the other IUPAC ambiguity codes (R, Y, S, W, K, M, B, D,
        H, V) are encoded: all zeros, or the fraction of each base they stand
        for (``R`` -> A and G at 0.5 each, ``N`` -> 0.25 everywhere).
        ``"fractional"`` needs a floating ``dtype``.
    length : int or None, default=None
        Length ``L`` of the encoded sequences.  ``None`` learns it in ``fit``
        as the longest training sequence.  Shorter sequences are padded with
        all-zero positions (see ``padding``); longer ones are refused unless
        ``truncation`` allows cutting them.
    padding : {"right", "left", "center"}, default="right"
        Where the zero positions of a shorter sequence go.  ``"center"``
        puts the odd one, if any, on the right.
    truncation : {"error", "right", "left", "center"}, default="error"
        What to do with a sequence longer than ``L``: raise a ``ValueError``,
        or cut the excess from the right end, the left end, or both ends.
    dtype : numpy dtype, default=np.float32
        Output dtype.  ``np.uint8`` (4x smaller) and ``np.float16`` save
        memory; Keras casts per batch.
    flatten : bool, default=False
        Return ``(n, L * C)`` instead of ``(n, L, C)``, for classical
        scikit-learn estimators; features are named by
        :meth:`get_feature_names_out` as ``"0_A", "0_C", ...``.

    Attributes
    ----------
    length_ : int
        The encoded length ``L``: ``length``, or the longest sequence seen
        in ``fit``.

    See Also
    --------
    one_hot_encode : The function form.
    decode_one_hot : The inverse, on arrays.

    Notes
    -----
    Accepted inputs are a list or tuple of str, a 1-D numpy array of str,
    bytes or objects, a pandas Series, or a one-column DataFrame.  Padding
    positions are all zeros, the same as ``N`` with ``ambiguity="zeros"``:
    :meth:`inverse_transform` therefore drops zero positions on the padded
    side(s) and writes ``N`` for the others, so a run of ``N`` at the padded
    end of a sequence does not come back (with ``ambiguity="fractional"``
    it does).  ``transform`` never modifies its input, and always returns a
    numpy array, whatever scikit-learn's ``transform_output`` setting (a 3-D
    array has no DataFrame form).

    Examples
    --------
    >>> from dnacnn import DNAOneHotTransformer
    >>> enc = DNAOneHotTransformer()
    >>> X = enc.fit_transform(["ACGT", "GNA"])
    >>> X.shape, X.dtype
    ((2, 4, 4), dtype('float32'))
    >>> X[1]  # G, N, A, then one padding position
    array([[0., 0., 1., 0.],
           [0., 0., 0., 0.],
           [1., 0., 0., 0.],
           [0., 0., 0., 0.]], dtype=float32)
    >>> enc.inverse_transform(X)
    array(['ACGT', 'GNA'], dtype=object)
    >>> DNAOneHotTransformer(ambiguity="fractional").fit_transform(["R"])[0]
    array([[0.5, 0. , 0.5, 0. ]], dtype=float32)
    """

    def __init__(
        self,
        *,
        alphabet: str = "ACGT",
        handle_unknown: str = "error",
        ambiguity: str = "zeros",
        length: int | None = None,
        padding: str = "right",
        truncation: str = "error",
        dtype=np.float32,
        flatten: bool = False,
    ):
        self.alphabet = alphabet
        self.handle_unknown = handle_unknown
        self.ambiguity = ambiguity
        self.length = length
        self.padding = padding
        self.truncation = truncation
        self.dtype = dtype
        self.flatten = flatten

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        tags.transformer_tags.preserves_dtype = []
        return tags

    # ---------------------------------------------------------------- params
    def _check_params(self) -> tuple[str, np.dtype]:
        alphabet = _check_alphabet(self.alphabet)
        for name, allowed in (
            ("handle_unknown", _HANDLE_UNKNOWN),
            ("ambiguity", _AMBIGUITY),
            ("padding", _PADDING),
            ("truncation", _TRUNCATION),
        ):
            value = getattr(self, name)
            if not isinstance(value, str) or value not in allowed:
                raise ValueError(
                    f"{name} must be one of {', '.join(map(repr, allowed))}; "
                    f"got {value!r}."
                )
        if self.length is not None and (
            not isinstance(self.length, Integral)
            or isinstance(self.length, bool)
            or self.length < 1
        ):
            raise ValueError(
                f"length must be a positive int or None, got {self.length!r}."
            )
        try:
            dtype = np.dtype(self.dtype)
        except TypeError as exc:
            raise TypeError(f"dtype {self.dtype!r} is not a numpy dtype.") from exc
        if dtype.kind not in "fiub":
            raise ValueError(
                f"dtype must be a numeric numpy dtype (float32, float16, uint8, "
                f"...), got {dtype}."
            )
        if self.ambiguity == "fractional" and dtype.kind != "f":
            raise ValueError(
                f"ambiguity='fractional' encodes fractions such as 0.5, which "
                f"dtype {dtype} cannot hold; use a floating dtype or "
                "ambiguity='zeros'."
            )
        return alphabet, dtype

    # ------------------------------------------------------------------- API
    def fit(self, X, y=None):
        """Learn the encoded length (the longest sequence if ``length=None``).

        Parameters
        ----------
        X : array-like of str of shape (n_samples,)
            DNA sequences.
        y : None
            Ignored.

        Returns
        -------
        self : DNAOneHotTransformer
            The fitted transformer.
        """
        self._fit(X)
        return self

    def _fit(self, X):
        self._check_params()
        seqs, codes, lengths = _to_codes(X)
        self.length_ = int(self.length if self.length is not None else lengths.max())
        return seqs, codes, lengths

    def fit_transform(self, X, y=None):
        """Fit to ``X`` and encode it, reading the input once.

        Parameters
        ----------
        X : array-like of str of shape (n_samples,)
            DNA sequences.
        y : None
            Ignored.

        Returns
        -------
        X_encoded : ndarray of shape (n_samples, L, C) or (n_samples, L * C)
            The one-hot encoding (``L = length_``, ``C = len(alphabet)``).
        """
        return self._encode(*self._fit(X))

    def transform(self, X):
        """One-hot encode sequences.

        Parameters
        ----------
        X : array-like of str of shape (n_samples,)
            DNA sequences.

        Returns
        -------
        X_encoded : ndarray of shape (n_samples, L, C) or (n_samples, L * C)
            The one-hot encoding (``L = length_``, ``C = len(alphabet)``), in
            ``dtype``.

        Raises
        ------
        ValueError
            For an invalid character (with ``handle_unknown="error"``), a
            sequence longer than ``length_`` (with ``truncation="error"``),
            empty input, empty strings or missing entries.
        TypeError
            For entries that are not strings, or a single string.
        """
        check_is_fitted(self, "length_")
        return self._encode(*_to_codes(X))

    def _encode(self, seqs, codes, lengths) -> np.ndarray:
        alphabet, dtype = self._check_params()
        n, L = len(lengths), self.length_
        out = np.empty((n, L, len(alphabet)), dtype=dtype)
        fixed = codes.shape[1] == L and lengths.min() == L
        if not fixed:
            shift = self._shifts(lengths)
        check = self.handle_unknown == "error"
        _, valid, valid_pairs = _lookup_tables(alphabet, self.ambiguity, dtype.str)
        row_bytes = len(alphabet) * dtype.itemsize
        per_block = 2 if L % 2 == 0 and 2 * row_bytes <= 64 else 1
        blocks = _block_table(alphabet, self.ambiguity, dtype.str, per_block)
        out_blocks = out.view(np.uint8).reshape(n, L // per_block, -1)
        out_blocks = out_blocks.view(blocks.dtype).reshape(
            (n, L // per_block) + blocks.shape[1:]
        )
        step = max(1, _CHUNK_POSITIONS // L)
        for start in range(0, n, step):
            stop = min(start + step, n)
            if fixed:
                chunk, inside = codes[start:stop], None
            else:
                chunk, inside = _place(
                    codes[start:stop], lengths[start:stop], shift[start:stop], L
                )
            index = chunk.view(np.uint16) if per_block == 2 else chunk
            # Fast path: one look-up per pair of positions; the per-position
            # check below runs only to locate a bad character (or on padding).
            if check and not (
                fixed
                and per_block == 2
                and np.take(valid_pairs, index, mode="wrap").all()
            ):
                bad = ~np.take(valid, chunk, mode="wrap")
                if inside is not None:
                    bad &= inside
                if bad.any():
                    row, col = np.argwhere(bad)[0]
                    row = start + int(row)
                    col = int(col) - (0 if fixed else int(shift[row]))
                    raise ValueError(self._invalid_message(seqs, row, col, alphabet))
            np.take(blocks, index, axis=0, out=out_blocks[start:stop], mode="wrap")
        return out.reshape(n, -1) if self.flatten else out

    def get_offsets(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Where each sequence of ``X`` lies in its encoding.

        Base ``j`` of sequence ``i`` is encoded at position ``j +
        offsets[i]`` of ``transform(X)[i]``; positions outside ``[0,
        length_)`` were cut by truncation.

        Parameters
        ----------
        X : array-like of str of shape (n_samples,)
            DNA sequences, as given to :meth:`transform`.

        Returns
        -------
        lengths : ndarray of shape (n_samples,)
            The length of each sequence.
        offsets : ndarray of shape (n_samples,)
            The shift of each sequence by padding (> 0) or truncation (< 0).

        Examples
        --------
        >>> from dnacnn import DNAOneHotTransformer
        >>> enc = DNAOneHotTransformer(length=6, padding="left").fit(["ACGT"])
        >>> enc.get_offsets(["ACGT", "A"])
        (array([4, 1]), array([2, 5]))
        """
        check_is_fitted(self, "length_")
        self._check_params()
        seqs = as_sequence_array(X)
        lengths = np.fromiter(map(len, seqs), dtype=np.int64, count=len(seqs))
        return lengths, self._shifts(lengths)

    def _shifts(self, lengths: np.ndarray) -> np.ndarray:
        """Offset from each sequence's position to its output position."""
        L = self.length_
        long = lengths > L
        if long.any() and self.truncation == "error":
            index = int(np.flatnonzero(long)[0])
            raise ValueError(
                f"Sequence {index} has length {int(lengths[index])}, longer than "
                f"length_={L}"
                + (" learned in fit" if self.length is None else "")
                + f" ({int(long.sum())} sequence(s) are longer). Set truncation="
                "'right', 'left' or 'center' to cut them, or a larger length."
            )
        slack = L - lengths  # > 0: pad, < 0: cut
        mode = np.where(long, self.truncation, self.padding)
        # "center" rounds toward zero: the odd position is padded or cut on
        # the right.
        half = np.trunc(slack / 2).astype(np.int64)
        return np.select([mode == "left", mode == "center"], [slack, half], default=0)

    def _invalid_message(self, seqs, row: int, col: int, alphabet: str) -> str:
        value = seqs[row][col]
        if isinstance(value, int):  # an element of bytes
            value = chr(value)
        allowed = f"Allowed: {', '.join(alphabet)} (any case)"
        if _nucleotide_channels(alphabet) is not None:
            codes = ", ".join(c for c in _IUPAC if c not in alphabet)
            how = (
                "as all zeros"
                if self.ambiguity == "zeros"
                else "as fractions of their bases"
            )
            allowed += (
                f"; the IUPAC ambiguity codes {codes} are encoded {how} "
                f"(ambiguity={self.ambiguity!r})"
            )
        return (
            f"Invalid base {value!r} at position {col} of sequence {row} "
            f"(0-based). {allowed}. Set handle_unknown='ignore' to encode other "
            "characters as all zeros."
        )

    def inverse_transform(self, X) -> np.ndarray:
        """Decode one-hot arrays back to strings.

        Parameters
        ----------
        X : array-like of shape (n_samples, L, C) or (n_samples, L * C)
            Encoded sequences, as returned by :meth:`transform`
            (``L = length_``, ``C = len(alphabet)``).

        Returns
        -------
        sequences : ndarray of str of shape (n_samples,)
            Upper-case strings; all-zero positions on the padded side(s) are
            removed, other all-zero positions become ``N``.
        """
        check_is_fitted(self, "length_")
        alphabet = _check_alphabet(self.alphabet)
        X = np.asarray(X)
        if X.ndim == 2 and X.shape[1] % len(alphabet) == 0:
            X = X.reshape(X.shape[0], -1, len(alphabet))
        if X.ndim != 3:
            raise ValueError(
                f"Expected encoded sequences of shape (n_samples, length, "
                f"{len(alphabet)}) or (n_samples, length * {len(alphabet)}), got "
                f"shape {X.shape}."
            )
        return decode_one_hot(X, alphabet=alphabet, padding=self.padding)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the encoded features, position then base: ``"0_A"``, ...

        The names follow the flattened layout (``flatten=True``); with
        ``flatten=False`` they name the same values in row-major order.

        Parameters
        ----------
        input_features : None
            Ignored; sequences have no input feature names.

        Returns
        -------
        feature_names_out : ndarray of str of shape (L * C,)
            ``f"{position}_{base}"`` for every position and base.
        """
        check_is_fitted(self, "length_")
        alphabet = _check_alphabet(self.alphabet)
        return np.asarray(
            [f"{i}_{b}" for i in range(self.length_) for b in alphabet], dtype=object
        )


def _place(codes, lengths, shift, L):
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
# function forms
# --------------------------------------------------------------------------
def one_hot_encode(sequences, **params) -> np.ndarray:
    """One-hot encode one sequence or many; the function form of the transformer.

    Parameters
    ----------
    sequences : str or array-like of str of shape (n_samples,)
        One DNA sequence, or many.
    **params
        Parameters of :class:`DNAOneHotTransformer` (``alphabet``,
        ``handle_unknown``, ``ambiguity``, ``length``, ``padding``,
        ``truncation``, ``dtype``, ``flatten``).

    Returns
    -------
    X : ndarray of shape (L, C) for one string, else (n_samples, L, C)
        The encoding; see :class:`DNAOneHotTransformer`.

    Examples
    --------
    >>> from dnacnn import one_hot_encode
    >>> one_hot_encode("ACGT", dtype="uint8")
    array([[1, 0, 0, 0],
           [0, 1, 0, 0],
           [0, 0, 1, 0],
           [0, 0, 0, 1]], dtype=uint8)
    >>> one_hot_encode(["AC", "GTT"]).shape
    (2, 3, 4)
    """
    encoder = DNAOneHotTransformer(**params)
    if isinstance(sequences, str | bytes):
        return encoder.fit_transform([sequences])[0]
    return encoder.fit_transform(sequences)


def decode_one_hot(X, *, alphabet: str = "ACGT", padding: str | None = "right"):
    """Turn one-hot arrays back into strings.

    Each position becomes the letter of its largest channel.  A position
    whose largest value is shared by several channels becomes the IUPAC code
    of those bases (``R`` for A and G at 0.5 each), with a nucleotide
    alphabet; an all-zero position is padding on the padded side(s), else
    ``N``.

    Parameters
    ----------
    X : array-like of shape (n_samples, L, C) or (L, C)
        Encoded sequences; ``C = len(alphabet)``.
    alphabet : str, default="ACGT"
        The letters of the channels, in order.
    padding : {"right", "left", "center"} or None, default="right"
        The side(s) whose all-zero positions are padding and are dropped;
        ``None`` keeps every position (as ``N``).

    Returns
    -------
    sequences : ndarray of str of shape (n_samples,), or str for 2-D ``X``
        The decoded sequences.

    Examples
    --------
    >>> import numpy as np
    >>> from dnacnn import decode_one_hot, one_hot_encode
    >>> decode_one_hot(one_hot_encode(["ANGT", "AC"]))
    array(['ANGT', 'AC'], dtype=object)
    >>> decode_one_hot(np.array([[0.5, 0, 0.5, 0], [0, 0, 0, 0]]), padding=None)
    'RN'
    """
    alphabet = _check_alphabet(alphabet)
    if padding not in (*_PADDING, None):
        raise ValueError(
            f"padding must be one of 'right', 'left', 'center' or None, "
            f"got {padding!r}."
        )
    X = np.asarray(X)
    single = X.ndim == 2
    if single:
        X = X[None]
    if X.ndim != 3 or X.shape[-1] != len(alphabet) or X.dtype.kind not in "fiub":
        raise ValueError(
            f"Expected a numeric array of shape (n_samples, L, {len(alphabet)}) "
            f"or (L, {len(alphabet)}) for alphabet {alphabet!r}, got "
            f"{X.dtype} array of shape {X.shape}."
        )
    n, L, C = X.shape
    top = X.max(axis=-1, keepdims=True)
    letters = np.frombuffer(alphabet.encode(), dtype=np.uint8)
    channels = _nucleotide_channels(alphabet)
    if channels is not None and C <= 8:
        # Bit mask of the channels that reach the maximum -> letter or code.
        weights = (1 << np.arange(C)).astype(np.int64)
        mask = ((X == top) * weights).sum(axis=-1)
        by_mask = np.zeros(1 << C, dtype=np.uint8)
        for m in range(1, 1 << C):
            bits = [c for c in range(C) if m >> c & 1]
            if len(bits) == 1:
                by_mask[m] = letters[bits[0]]
            else:
                bases = frozenset(b for b, c in channels.items() if c in bits)
                extra = any(c not in channels.values() for c in bits)
                code = None if extra else _IUPAC_OF_BASES.get(bases)
                by_mask[m] = ord(code) if code else ord("N")
        chars = by_mask[mask]
    else:
        chars = letters[X.argmax(axis=-1)]
    chars[top[..., 0] <= 0] = 0
    raw = chars.tobytes()
    strip = {
        "right": bytes.rstrip,
        "left": bytes.lstrip,
        "center": bytes.strip,
        None: lambda row, _: row,
    }[padding]
    decoded = np.empty(n, dtype=object)
    decoded[:] = [
        strip(raw[i * L : (i + 1) * L], b"\0").replace(b"\0", b"N").decode("ascii")
        for i in range(n)
    ]
    return decoded[0] if single else decoded


def reverse_complement(sequences, *, alphabet: str = "ACGT"):
    """Reverse complement of strings or of one-hot arrays.

    Parameters
    ----------
    sequences : str, array-like of str, or ndarray of shape (..., L, C)
        One sequence, many (list, tuple or array of str), or one-hot encoded
        sequences whose channels follow ``alphabet``.  Strings keep their case
        and IUPAC codes are complemented (``R`` <-> ``Y``, ``N`` stays).
    alphabet : str, default="ACGT"
        Channel order of one-hot input; every letter must have its
        complement in the alphabet.

    Returns
    -------
    reverse_complemented : same kind as ``sequences``
        A str for a str, a list for a list or tuple, an ndarray for an
        ndarray; always a new object.

    Examples
    --------
    >>> from dnacnn import one_hot_encode, reverse_complement
    >>> reverse_complement("AACGtN")
    'NaCGTT'
    >>> reverse_complement(["ACG", "TTR"])
    ['CGT', 'YAA']
    >>> X = one_hot_encode(["AACG"])
    >>> (reverse_complement(X) == one_hot_encode(["CGTT"])).all()
    np.True_
    """
    alphabet = _check_alphabet(alphabet)
    rna = "U" in alphabet and "T" not in alphabet
    if isinstance(sequences, str):
        return _reverse_complement_str(sequences, 0, rna)
    if isinstance(sequences, np.ndarray) and sequences.dtype.kind in "fiub":
        if sequences.ndim < 2 or sequences.shape[-1] != len(alphabet):
            raise ValueError(
                f"Expected one-hot input of shape (..., L, {len(alphabet)}) for "
                f"alphabet {alphabet!r}, got shape {sequences.shape}."
            )
        try:
            order = [
                alphabet.index(_reverse_complement_str(b, 0, rna)) for b in alphabet
            ]
        except ValueError:
            raise ValueError(
                f"alphabet {alphabet!r} is not closed under complement; one-hot "
                "reverse complements need e.g. 'ACGT' or 'ACGU'."
            ) from None
        return sequences[..., ::-1, order]
    seqs = as_sequence_array(sequences)
    result = [_reverse_complement_str(s, i, rna) for i, s in enumerate(seqs)]
    if isinstance(sequences, np.ndarray):
        out = np.empty(len(result), dtype=object)
        out[:] = result
        return out
    return result


def _translation(rna: bool) -> dict[int, str]:
    pairs = dict(_COMPLEMENT, A="U") if rna else _COMPLEMENT
    upper, lower = "".join(pairs), "".join(pairs.values())
    return str.maketrans(upper + upper.lower(), lower + lower.lower())


_TRANSLATION = {False: _translation(False), True: _translation(True)}
_COMPLEMENTABLE = frozenset("".join(_COMPLEMENT) + "".join(_COMPLEMENT).lower())


def _reverse_complement_str(seq, index: int, rna: bool = False) -> str:
    if not isinstance(seq, str):
        raise TypeError(f"Sequence {index} is {describe(seq)}, not a str.")
    result = seq.translate(_TRANSLATION[rna])[::-1]
    unknown = set(seq) - _COMPLEMENTABLE
    if unknown:
        position = min(seq.index(c) for c in unknown)
        raise ValueError(
            f"Cannot complement {seq[position]!r} at position {position} of "
            f"sequence {index} (0-based); allowed: A, C, G, T, U and the IUPAC "
            "codes R, Y, S, W, K, M, B, D, H, V, N (any case)."
        )
    return result
