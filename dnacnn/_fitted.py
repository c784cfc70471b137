"""A fitted network or Pipeline, seen by the code that explains it.

:func:`resolve` turns "a fitted estimator or Pipeline, and its input" into the
network step, the one-hot array its Keras model reads, and the
:class:`Placement` of each input sequence in that array (where the encoder
padded or cut it).  A network step is recognised by what it has (scikeras'
``initialize`` and ``model``; ``model_`` once fitted), an encoder by its
``get_offsets``: nothing here imports the estimators.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from sklearn.base import is_regressor
from sklearn.utils.validation import check_is_fitted

from ._validation import check_onehot

__all__ = [
    "Placement",
    "Resolved",
    "fitted_length",
    "output_names",
    "resolve",
    "target_indices",
    "target_members",
]


class Placement(NamedTuple):
    """Where each input sequence lies in the encoded array of length ``length``.

    Base ``j`` of sequence ``i`` is encoded at position ``j + offsets[i]``.
    """

    lengths: np.ndarray
    offsets: np.ndarray
    length: int

    def take(self, index) -> Placement:
        """The placement of the sequences ``index`` (an index array or mask)."""
        return Placement(self.lengths[index], self.offsets[index], self.length)

    def align(self, scores) -> list[np.ndarray]:
        """Per-sequence scores cut back to each sequence's own positions.

        ``scores`` has one row of ``length`` positions per sequence; the
        result holds one float32 array per sequence, of its own length, NaN
        at the positions truncation cut.
        """
        aligned = []
        for row, n, offset in zip(scores, self.lengths, self.offsets, strict=True):
            encoded = np.arange(n) + offset
            inside = (encoded >= 0) & (encoded < self.length)
            values = np.full((n, *row.shape[1:]), np.nan, dtype=np.float32)
            values[inside] = row[encoded[inside]]
            aligned.append(values)
        return aligned


class Resolved(NamedTuple):
    """What :func:`resolve` found."""

    #: the fitted network step (a DNACNNClassifier, ...)
    network: Any
    #: the one-hot input of its Keras model, float32 (n, L, C)
    X: np.ndarray
    #: what the encoder received (the Pipeline's input after the steps before
    #: the encoder), or None without an encoder
    sequences: Any
    #: None when every sequence fills the encoded length exactly
    placement: Placement | None

    def align(self, scores):
        """``scores`` as they are, or aligned with the sequences (a list)."""
        return scores if self.placement is None else self.placement.align(scores)


def is_network(estimator) -> bool:
    """Whether ``estimator`` is a Keras network estimator (fitted or not)."""
    return (
        callable(getattr(estimator, "initialize", None))
        and "model" in getattr(estimator, "get_params", dict)()
    )


def fitted_length(model) -> int | None:
    """The sequence length a fitted Pipeline's encoder pads or cuts to.

    The first step's ``length_`` that is set, or None (no encoder fitted with
    a length, or not a Pipeline).
    """
    for _, step in getattr(model, "steps", None) or ():
        if getattr(step, "length_", None) is not None:
            return int(step.length_)
    return None


def resolve(estimator, X) -> Resolved:
    """The network, its one-hot input and the placement of ``X``'s sequences.

    For a Pipeline, the steps before the encoder run first, then the encoder
    and the steps after it; the placement is that of what the encoder saw.

    Raises
    ------
    TypeError
        If ``estimator`` is not a network estimator or a Pipeline ending in one.
    sklearn.exceptions.NotFittedError
        If it is not fitted.
    ValueError
        If the encoder flattens its output, or ``X`` has the wrong shape.
    """
    steps = getattr(estimator, "steps", None)
    network = steps[-1][1] if steps is not None else estimator
    if not is_network(network):
        where = "the last step of the Pipeline" if steps is not None else "estimator"
        raise TypeError(
            f"Attributions need gradients through a Keras network, but {where} is "
            f"{type(network).__name__}. Use a fitted DNACNNClassifier or "
            "DNACNNRegressor, or a Pipeline that ends in one."
        )
    check_is_fitted(network, "model_")
    sequences = placement = None
    if steps is not None:
        encoders = [
            i
            for i, (_, step) in enumerate(steps[:-1])
            if callable(getattr(step, "get_offsets", None))
        ]
        start = 0
        if encoders:
            start = encoders[0]
            encoder = steps[start][1]
            check_is_fitted(encoder)
            if getattr(encoder, "flatten", False):
                raise ValueError(
                    "Attributions are per base, but the Pipeline's "
                    f"{type(encoder).__name__} has flatten=True, so the network "
                    "sees L * 4 separate features. Use flatten=False (the "
                    f"default) before a {type(network).__name__}."
                )
            sequences = estimator[:start].transform(X) if start else X
            lengths, offsets = encoder.get_offsets(sequences)
            length = int(encoder.length_)
            if not ((lengths == length).all() and (offsets == 0).all()):
                placement = Placement(lengths, offsets, length)
            X = sequences
        X = estimator[start:-1].transform(X)
    X = check_onehot(network, X, reset=False).astype(np.float32, copy=False)
    return Resolved(network, X, sequences, placement)


def _kind(network) -> str:
    """``"regression"``, ``"multilabel"`` or ``"classification"``."""
    if is_regressor(network):
        return "regression"
    if getattr(network, "target_type_", None) == "multilabel-indicator":
        return "multilabel"
    return "classification"


def output_names(network) -> list:
    """What names each output column: class labels, or output indices."""
    if _kind(network) == "regression":
        return list(range(int(network.n_outputs_)))
    if _kind(network) == "multilabel":
        return list(range(len(network.classes_)))
    return np.asarray(network.classes_).tolist()


def _output_index(network, target) -> int:
    names = output_names(network)
    matches = [i for i, name in enumerate(names) if name == target]
    if not matches:
        if _kind(network) == "classification":
            raise ValueError(f"target {target!r} is not one of the classes {names!r}.")
        what = "labels" if _kind(network) == "multilabel" else "targets"
        raise ValueError(
            f"target {target!r} is not an output of this network: its {len(names)} "
            f"{what} are indexed 0 to {len(names) - 1} (the columns of y in fit)."
        )
    return matches[0]


def target_indices(network, X, target) -> np.ndarray:
    """The output column explained for each sequence of ``X`` (int32).

    ``target`` names an output: a class label, or an output index (the column
    of ``y`` in fit) for multi-label classification and regression.
    ``target=None`` is the positive class ``classes_[1]`` of a binary
    classifier, each sequence's predicted class (most probable label) for
    other classifiers, and the only output of a single-target regressor.
    """
    kind = _kind(network)
    if target is None:
        if kind == "regression":
            if int(network.n_outputs_) != 1:
                raise ValueError(
                    f"target is required with {network.n_outputs_} regression "
                    f"targets; pass an output index from 0 to "
                    f"{int(network.n_outputs_) - 1}."
                )
            return np.zeros(len(X), dtype=np.int32)
        if kind == "classification" and len(network.classes_) == 2:
            return np.ones(len(X), dtype=np.int32)
        return network.predict_proba(X).argmax(axis=1).astype(np.int32)
    return np.full(len(X), _output_index(network, target), dtype=np.int32)


def target_members(network, X, target):
    """The sequences of ``X`` that show ``target``, and the target's name.

    For a classifier, those predicted as the class ``target`` (for
    multi-label, those predicted to carry label ``target``); for a regressor,
    those whose prediction of output ``target`` lies in the top quarter.
    ``target=None`` is allowed where :func:`target_indices` has one output
    for every sequence (binary classification, a single regression target).

    Returns
    -------
    rows : ndarray of int
        Indices into ``X``.
    name : object
        The class label, or the output index.
    """
    kind = _kind(network)
    names = output_names(network)
    if target is None and not (
        (kind == "classification" and len(names) == 2)
        or (kind == "regression" and len(names) == 1)
    ):
        what = {"classification": "classes", "multilabel": "labels"}.get(
            kind, "regression targets"
        )
        raise ValueError(
            f"target is required with {len(names)} {what}; pass one of {names!r}."
        )
    [index] = target_indices(network, X[:1], target)
    predicted = np.asarray(network.predict(X))
    if kind == "classification":
        rows = np.flatnonzero(predicted == names[index])
    elif kind == "multilabel":
        rows = np.flatnonzero(predicted[:, index] == 1)
    else:
        values = predicted.reshape(len(X), -1)[:, index]
        rows = np.flatnonzero(values >= np.quantile(values, 0.75))
    return rows, names[index]
