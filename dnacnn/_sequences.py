"""Sequence input as every module accepts it: an array-like of strings.

The checks here give the errors users see for input that is not a list of
DNA strings (a single string, numbers, missing values, nested lists).
"""

from __future__ import annotations

import numpy as np

__all__ = ["as_sequence_array", "check_entries", "describe", "sequence_lengths"]


def describe(value) -> str:
    return f"{type(value).__name__} {value!r}"


def check_entries(seqs: np.ndarray) -> type:
    """Check that every entry is a str (or every one bytes); return which.

    Subclasses count as their base type (``numpy.str_``, or a user's class
    deriving from ``str``).

    Examples
    --------
    >>> import numpy as np
    >>> check_entries(np.array(["ACGT", np.str_("AC")], dtype=object))
    <class 'str'>
    >>> check_entries(np.array([b"ACGT", "AC"], dtype=object))
    Traceback (most recent call last):
    ...
    TypeError: Sequences mix str and bytes entries; ... (found ['bytes', 'str']).
    """
    kinds = set(map(type, seqs))
    for base in (str, bytes):
        if all(issubclass(kind, base) for kind in kinds):
            return base
    for index, value in enumerate(seqs):
        if isinstance(value, str | bytes):
            continue
        if (
            value is None
            or (isinstance(value, float) and np.isnan(value))
            or type(value).__name__ in ("NAType", "NaTType")  # pandas
        ):
            raise ValueError(
                f"Sequence {index} is missing ({value!r}). Every entry must be a "
                "DNA string; drop or fill missing values first."
            )
        if isinstance(value, list | tuple | np.ndarray):
            raise TypeError(
                f"Sequence {index} is a {type(value).__name__}, not a string: "
                "nested sequences are not supported. Pass one string per "
                "sequence, e.g. ''.join(bases)."
            )
        raise TypeError(
            f"Sequence {index} is {describe(value)}; every entry must be a str "
            "(or every entry bytes)."
        )
    found = {"str" if issubclass(k, str) else "bytes" for k in kinds}
    raise TypeError(
        f"Sequences mix str and bytes entries; pass all of one kind (found "
        f"{sorted(found)})."
    )


def as_sequence_array(X) -> np.ndarray:
    """Turn the accepted array-likes into a 1-D array of sequences.

    A list, tuple, pandas Series or one-column DataFrame becomes an object
    array, as does a numpy ``StringDType`` array; a 1-D (or one-column)
    array of dtype ``U``, ``S`` or ``object`` is returned as it is (never
    modified: callers only read it).

    Examples
    --------
    >>> as_sequence_array(["ACGT", "AC"])
    array(['ACGT', 'AC'], dtype=object)
    >>> as_sequence_array("ACGT")
    Traceback (most recent call last):
    ...
    TypeError: Expected an array-like of sequences, got a single str 'ACGT'. ...
    """
    if isinstance(X, str | bytes):
        raise TypeError(
            "Expected an array-like of sequences, got a single "
            f"{type(X).__name__} {X[:20]!r}{'...' if len(X) > 20 else ''}. "
            "Wrap it in a list: [sequence]."
        )
    if hasattr(X, "iloc") and hasattr(X, "columns"):  # pandas DataFrame
        if X.shape[1] != 1:
            raise ValueError(
                f"Expected a single column of sequences, got a DataFrame with "
                f"{X.shape[1]} columns {list(X.columns)!r}; select one, e.g. "
                "df['sequence']."
            )
        X = X.iloc[:, 0]
    if hasattr(X, "to_numpy") and not isinstance(X, np.ndarray):  # pandas Series
        X = X.to_numpy(dtype=object)
    if not isinstance(X, np.ndarray):
        if not hasattr(X, "__len__") or isinstance(X, dict | set):
            raise TypeError(
                "Expected an array-like of sequences (list, tuple, 1-D array, "
                f"pandas Series or one-column DataFrame), got {type(X).__name__}."
            )
        seqs = np.empty(len(X), dtype=object)
        seqs[:] = list(X)
        return seqs
    if X.dtype.kind == "T":  # numpy >= 2 StringDType (missing values -> None, ...)
        X = X.astype(object)
    if X.dtype.kind not in "USO":
        raise TypeError(
            f"Expected sequences as strings, got a numeric array of dtype "
            f"{X.dtype} and shape {X.shape}. To decode one-hot arrays use "
            "inverse_transform or decode_one_hot."
        )
    if X.ndim == 2 and X.shape[1] == 1:
        X = X[:, 0]
    if X.ndim != 1:
        raise ValueError(
            "Expected a 1-D array of sequences (or a single column), got an "
            f"array of shape {X.shape}."
        )
    return X


def sequence_lengths(seqs: np.ndarray) -> tuple[type, np.ndarray]:
    """Whether ``seqs`` holds str or bytes, and the length of each entry.

    ``seqs`` is an array from :func:`as_sequence_array`; the entries of an
    object array are checked with :func:`check_entries` first.

    Examples
    --------
    >>> import numpy as np
    >>> sequence_lengths(as_sequence_array(["ACGT", "AC"]))
    (<class 'str'>, array([4, 2]))
    >>> sequence_lengths(np.array([b"ACG"]))
    (<class 'bytes'>, array([3]))
    """
    if seqs.dtype.kind == "O":
        kind = check_entries(seqs)
        lengths = np.fromiter(map(len, seqs), dtype=np.int64, count=len(seqs))
        return kind, lengths
    kind = str if seqs.dtype.kind == "U" else bytes
    return kind, np.char.str_len(seqs).astype(np.int64)
