"""Parameter checks shared by every module: one policy, one wording.

A value of the wrong type is a ``TypeError``; a value of the right type that
is out of range, not finite or not one of the choices is a ``ValueError``, as
in scikit-learn (whose :func:`sklearn.utils.check_scalar` does the bounds).
Each check returns the value converted to a plain ``int``/``float``.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_scalar
from sklearn.utils.validation import check_consistent_length, validate_data

__all__ = [
    "check_choice",
    "check_int",
    "check_onehot",
    "check_real",
    "check_sample_weight",
]

# Input dtypes kept as they are (Keras casts each batch); others become float32.
_INPUT_DTYPES = (np.float32, np.float64, np.float16, np.uint8)


def check_int(
    value, name: str, *, low: int | None = None, high: int | None = None
) -> int:
    """An int (not a bool) in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}.")
    return int(check_scalar(value, name, Integral, min_val=low, max_val=high))


def check_real(
    value,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    closed: str = "both",
) -> float:
    """A finite real number (not a bool) in the interval from ``low`` to ``high``.

    ``closed`` is ``"both"``, ``"left"``, ``"right"`` or ``"neither"``: which
    bounds belong to the interval (scikit-learn's ``include_boundaries``).
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"{name} must be a number, got {type(value).__name__} {value!r}."
        )
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}.")
    return float(
        check_scalar(
            value, name, Real, min_val=low, max_val=high, include_boundaries=closed
        )
    )


def check_choice(value, name: str, choices) -> None:
    """``value`` is one of ``choices`` (compared with ``==``; never a TypeError)."""
    try:
        found = any(
            value is choice or (not isinstance(value, bool) and bool(value == choice))
            for choice in choices
        )
    except (TypeError, ValueError):  # an array or an odd object: not a choice
        found = False
    if not found:
        raise ValueError(
            f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}."
        )


def check_onehot(estimator, X, *, reset: bool) -> np.ndarray:
    """One-hot ``X`` ``(n, L, C)`` (2-D ``(n, L)`` read as ``(n, L, 1)``) for a network.

    scikit-learn's ``validate_data`` checks it against ``estimator`` (and with
    ``reset`` records ``n_features_in_``); ``input_shape_`` is set or checked.
    """
    try:
        X = validate_data(
            estimator,
            X,
            reset=reset,
            allow_nd=True,
            dtype=_INPUT_DTYPES,
            ensure_min_features=1,
        )
    except ValueError as exc:
        if "could not convert string" in str(exc):
            raise ValueError(
                f"{type(estimator).__name__} takes one-hot encoded sequences, not "
                "strings: put DNAOneHotTransformer() before it, e.g. "
                f"make_pipeline(DNAOneHotTransformer(), {type(estimator).__name__}())."
            ) from exc
        if not reset and "features, but" in str(exc):
            raise ValueError(
                f"{exc} For sequences: this network was fitted on length "
                f"{estimator.input_shape_[0]}; encode with "
                f"DNAOneHotTransformer(length={estimator.input_shape_[0]}) to pad or "
                "truncate to it."
            ) from exc
        raise
    if X.ndim == 2:
        X = X[:, :, None]
    if X.ndim != 3:
        raise ValueError(
            f"Expected one-hot sequences of shape (n_samples, length, channels) "
            f"or (n_samples, length), got shape {X.shape}."
        )
    if reset:
        estimator.input_shape_ = tuple(int(d) for d in X.shape[1:])
    elif X.shape[1:] != estimator.input_shape_:
        raise ValueError(
            f"X has {X.shape[2]} channels per position, but "
            f"{type(estimator).__name__} was fitted on {estimator.input_shape_[1]} "
            f"(shape (n_samples, {estimator.input_shape_[0]}, "
            f"{estimator.input_shape_[1]})); encode with the same alphabet."
        )
    return X


def check_sample_weight(y, sample_weight) -> np.ndarray | None:
    """A float64 copy of ``sample_weight``: one finite weight >= 0 per label of ``y``.

    A copy, so that a wrapper scaling it in place (scikeras multiplies in the
    class weights) leaves the caller's array alone.
    """
    if sample_weight is None:
        return None
    weights = np.array(sample_weight, dtype=np.float64)
    if weights.ndim == 0:
        weights = np.full(len(y), float(weights))
    if weights.ndim != 1:
        raise ValueError(
            "sample_weight must be 1-D (one weight per sequence), got shape "
            f"{weights.shape}."
        )
    check_consistent_length(y, weights)
    bad = np.flatnonzero(~np.isfinite(weights) | (weights < 0))
    if bad.size:
        raise ValueError(
            f"sample_weight must be finite and >= 0, got "
            f"{float(weights[bad[0]])!r} at index {bad[0]} (0-based; "
            f"{bad.size} bad weight{'s' * (bad.size > 1)})."
        )
    return weights
