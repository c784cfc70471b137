"""One-hot encoding of DNA sequences, its inverse, and reverse complements.

:class:`DNAOneHotTransformer` and its function form :func:`one_hot_encode`
live here; the encoding kernel is in :mod:`dnacnn._codes`, and
:func:`decode_one_hot` and :func:`reverse_complement` (in
:mod:`dnacnn._decoding`) are imported from here as well.
"""

from __future__ import annotations

import importlib
from numbers import Integral

import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._codes import (
    AMBIGUITY,
    HANDLE_UNKNOWN,
    IUPAC,
    PADDING,
    TRUNCATION,
    check_alphabet,
    encode,
    nucleotide_channels,
    to_codes,
)
from ._decoding import decode_one_hot, reverse_complement
from ._sequences import as_sequence_array, sequence_lengths
from ._validation import check_choice, check_int

__all__ = [
    "DNAOneHotTransformer",
    "decode_one_hot",
    "one_hot_encode",
    "reverse_complement",
]

_OUTPUTS = ("default", "pandas", "polars")


# auto_wrap_output_keys=None: scikit-learn's automatic wrapping of transform's
# output in a DataFrame cannot leave a 3-D array alone; set_output below wraps
# the flattened output only.
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
    it does).  ``transform`` never modifies its input.  With ``flatten=True``
    its output follows :meth:`set_output` and scikit-learn's
    ``transform_output`` setting (a pandas or polars DataFrame whose columns
    are :meth:`get_feature_names_out`); the 3-D output of ``flatten=False``
    is always a numpy array, as it has no DataFrame form.

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
        alphabet = check_alphabet(self.alphabet)
        check_choice(self.handle_unknown, "handle_unknown", HANDLE_UNKNOWN)
        check_choice(self.ambiguity, "ambiguity", AMBIGUITY)
        check_choice(self.padding, "padding", PADDING)
        check_choice(self.truncation, "truncation", TRUNCATION)
        if self.length is not None:
            if isinstance(self.length, bool) or not isinstance(self.length, Integral):
                raise TypeError(
                    f"length must be an int or None, got "
                    f"{type(self.length).__name__} {self.length!r}."
                )
            check_int(self.length, "length", low=1)
        if not isinstance(self.flatten, bool | np.bool_):
            raise TypeError(
                f"flatten must be a bool, got {type(self.flatten).__name__} "
                f"{self.flatten!r}."
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
        seqs, codes, lengths = to_codes(X)
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
            The one-hot encoding (``L = length_``, ``C = len(alphabet)``); the
            flattened one as a DataFrame if :meth:`set_output` (or
            ``transform_output``) asks for one.
        """
        return self._wrap(self._encode(*self._fit(X)), X)

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
            ``dtype``; the flattened one as a DataFrame if :meth:`set_output`
            (or ``transform_output``) asks for one.

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
        return self._wrap(self._encode(*to_codes(X)), X)

    def set_output(self, *, transform: str | None = None):
        """Choose the container of the flattened output.

        Only the flattened output (``flatten=True``) has a DataFrame form;
        the 3-D output stays a numpy array whatever the setting, so that a
        Pipeline holding a CNN can still be ``set_output(transform="pandas")``.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"} or None, default=None
            ``"pandas"`` or ``"polars"``: :meth:`transform` and
            :meth:`fit_transform` return a DataFrame whose columns are
            :meth:`get_feature_names_out`; ``"default"``: a numpy array;
            ``None``: leave the setting as it is (until set, scikit-learn's
            ``transform_output`` configuration decides).

        Returns
        -------
        self : DNAOneHotTransformer
            The transformer.

        Examples
        --------
        >>> from dnacnn import DNAOneHotTransformer
        >>> enc = DNAOneHotTransformer(flatten=True, dtype="uint8")
        >>> enc.set_output(transform="pandas").fit_transform(["AC", "GT"])
           0_A  0_C  0_G  0_T  1_A  1_C  1_G  1_T
        0    1    0    0    0    0    1    0    0
        1    0    0    1    0    0    0    0    1
        """
        if transform is None:
            return self
        check_choice(transform, "transform", _OUTPUTS)
        # The attribute scikit-learn's own set_output writes: clone() copies
        # it, so a cloned encoder (GridSearchCV, cross_val_score) keeps it.
        config = dict(getattr(self, "_sklearn_output_config", {}))
        config["transform"] = transform
        self._sklearn_output_config = config
        return self

    def _wrap(self, out: np.ndarray, X):
        """``out`` in the container set_output or transform_output asks for."""
        if out.ndim != 2:
            return out
        container = getattr(self, "_sklearn_output_config", {}).get(
            "transform", get_config()["transform_output"]
        )
        if container == "default":
            return out
        try:
            library = importlib.import_module(container)
        except ImportError as exc:
            raise ImportError(
                f"transform output {container!r} needs {container}, which is not "
                f"installed; install it or use set_output(transform='default')."
            ) from exc
        columns = self.get_feature_names_out().tolist()
        if container == "polars":
            return library.DataFrame(out, schema=columns, orient="row")
        index = getattr(X, "index", None)
        if not isinstance(index, library.Index):  # a list's index is a method
            index = None
        return library.DataFrame(out, index=index, columns=columns, copy=False)

    def _encode(self, seqs, codes, lengths) -> np.ndarray:
        alphabet, dtype = self._check_params()
        L = self.length_
        fixed = codes.shape[1] == L and lengths.min() == L
        out, bad = encode(
            codes,
            lengths,
            None if fixed else self._shifts(lengths),
            L,
            alphabet=alphabet,
            ambiguity=self.ambiguity,
            dtype=dtype,
            check=self.handle_unknown == "error",
        )
        if bad is not None:
            raise ValueError(self._invalid_message(seqs, *bad, alphabet))
        return out.reshape(len(out), -1) if self.flatten else out

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
        lengths = sequence_lengths(as_sequence_array(X))[1]
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
        if nucleotide_channels(alphabet) is not None:
            codes = ", ".join(c for c in IUPAC if c not in alphabet)
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
        alphabet = check_alphabet(self.alphabet)
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
        alphabet = check_alphabet(self.alphabet)
        return np.asarray(
            [f"{i}_{b}" for i in range(self.length_) for b in alphabet], dtype=object
        )


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
