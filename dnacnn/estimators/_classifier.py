"""The classifier: one label per sequence (binary, multiclass) or several."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
from scikeras.wrappers import KerasClassifier
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import ClassifierTags
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d

from .._validation import check_choice, check_real, check_sample_weight
from ..exceptions import DNACNNWarning
from ._base import DNACNNBase

__all__ = ["DNACNNClassifier", "MultilabelEncoder"]

MULTILABEL = "multilabel-indicator"


class DNACNNClassifier(DNACNNBase, KerasClassifier):
    """A Keras 1D convolutional network for DNA sequence classification.

    A scikit-learn classifier (through scikeras) over one-hot sequences of
    shape ``(n_samples, L, 4)``, as :class:`~dnacnn.DNAOneHotTransformer`
    makes them: put both in a :class:`~sklearn.pipeline.Pipeline` to fit and
    predict from raw strings.  Every architectural and training choice is a
    constructor parameter, so :class:`~sklearn.model_selection.GridSearchCV`
    can tune it.

    ``y`` is one label per sequence (binary or multiclass: a softmax over the
    classes, cross-entropy), or a 0/1 indicator matrix ``(n_samples, k)`` for
    multi-label classification (``k`` sigmoid outputs, binary
    cross-entropy; ``predict`` gives the indicator matrix, ``predict_proba``
    one probability per label).  The network is ``architecture``'s layers
    (see :func:`dnacnn.models.build_cnn`), then
    ``Dense(dense_units, dense_activation)``, ``Dropout(dropout)`` and the
    output, trained with ``optimizer`` (Adam).  The default (``"wide"``)
    scans both strands with 256 filters and keeps each filter's maximum (is
    a site there?) and mean (how much of the sequence looks like one) over
    all positions, which works on short and long sequences alike.  The
    primer tutorial's exact network and training are::

        DNACNNClassifier(architecture="primer", conv_activation=None,
                         dense_activation="relu", strands="forward",
                         learning_rate=0.001, epochs=50, batch_size=32)

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    model_ : keras.Model
        The fitted network.
    classes_ : ndarray of shape (n_classes,) or list of ndarray
        The class labels, in the order of ``predict_proba``'s columns; for
        multi-label ``y``, one array ``[0, 1]`` per label (as
        :class:`~sklearn.multioutput.MultiOutputClassifier` has), and a label
        is named by its column index ``0 .. k-1``.
    target_type_ : str
        ``"binary"``, ``"multiclass"`` or ``"multilabel-indicator"``.
    history_ : dict of str to list of float
        Per-epoch ``loss`` and ``accuracy``, and ``val_loss`` and
        ``val_accuracy`` with a validation hold-out.
    do_early_stopping_ : bool
        Whether the last ``fit`` used early stopping (``early_stopping="auto"``
        decides by the number of sequences).
    n_features_in_ : int
        Sequence length ``L`` seen in ``fit``.
    input_shape_ : tuple of int
        ``(L, C)`` seen in ``fit``; 2-D input ``(n, L)`` is read as
        ``(n, L, 1)``.

    See Also
    --------
    DNACNNRegressor : The same network with a linear output.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from dnacnn import DNACNNClassifier, DNAOneHotTransformer, make_motif_dataset
    >>> X, y = make_motif_dataset(n_samples=200, length=30, random_state=0)
    >>> model = make_pipeline(
    ...     DNAOneHotTransformer(),
    ...     DNACNNClassifier(epochs=30, batch_size=32, random_state=0),
    ... )
    >>> model.fit(X, y).score(X, y) > 0.9
    True
    >>> model.predict_proba(X[:2]).shape
    (2, 2)

    Multi-label: one column of 0/1 per label.

    >>> import numpy as np
    >>> Y = np.column_stack([y, 1 - y, np.arange(200) % 2])
    >>> model.fit(X, Y).predict(X[:2]).shape
    (2, 3)
    """

    _kind = "classifier"

    def __sklearn_tags__(self):
        # scikeras puts BaseEstimator before ClassifierMixin, whose tags are
        # then never applied: set what makes this a classifier for sklearn.
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags(multi_label=True)
        return tags

    # ----------------------------------------------------------- validation
    def _check_head_params(self) -> None:
        weight = self.class_weight
        if isinstance(weight, str):
            check_choice(weight, "class_weight", ("balanced",))
            return
        per_label = None
        if isinstance(weight, Sequence) and not isinstance(weight, str):
            if all(isinstance(one, Mapping) for one in weight):
                per_label = weight
        if not (weight is None or isinstance(weight, Mapping) or per_label):
            raise TypeError(
                "class_weight must be a dict of class to weight, a list of such "
                "dicts (one per label), 'balanced' or None, got "
                f"{type(weight).__name__} {weight!r}."
            )
        for i, one in enumerate(per_label or [weight or {}]):
            where = "" if per_label is None else f"[{i}]"
            for label, value in one.items():
                check_real(value, f"class_weight{where}[{label!r}]", low=0)

    def _check_targets(self, y):
        """``y`` as an array of class labels, checked before class_weight reads it."""
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        y = np.asarray(y)
        if y.dtype == object:
            missing = np.flatnonzero([label is None for label in y.ravel()])
            if missing.size:
                raise ValueError(
                    f"Unknown label type: y[{missing[0]}] is None (0-based; "
                    f"{missing.size} of {y.size} labels are None); every sequence "
                    "needs a class label (an int or a string)."
                )
        try:
            check_classification_targets(y)
        except TypeError as exc:  # labels of types that do not compare
            raise ValueError(
                f"Unknown label type: the labels in y mix types ({exc}); use "
                "labels of one type (ints or strings)."
            ) from exc
        if y.ndim == 2 and y.shape[1] > 1 and type_of_target(y) == MULTILABEL:
            _warn_constant_labels(y)
        return y

    def _validate_targets(self, y, *, reset):
        y = np.asarray(y)
        multilabel = y.ndim == 2 and y.shape[1] > 1 and type_of_target(y) == MULTILABEL
        if reset:
            if not multilabel and y.ndim != 1 and not (y.ndim == 2 and y.shape[1] == 1):
                raise ValueError(
                    "y must be 1-D (one label per sequence) or a 0/1 indicator "
                    f"matrix (one column per label), got shape {y.shape} of type "
                    f"{type_of_target(y)!r}."
                )
        elif getattr(self, "target_type_", None) == MULTILABEL:
            if not multilabel or y.shape[1] != len(self.classes_):
                raise ValueError(
                    f"y must be a 0/1 indicator matrix of {len(self.classes_)} "
                    f"columns, as in fit; got shape {y.shape}."
                )
        if not multilabel:
            y = column_or_1d(y, warn=True)  # a column vector warns and is raveled
        if reset:
            # partial_fit(classes=...) names them all; y may hold one
            known = getattr(self, "classes_", None)
            if not multilabel and len(np.unique(y if known is None else known)) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs at least 2 classes in y; "
                    f"got 1 class: {y[0]!r}."
                )
            self.target_type_ = MULTILABEL if multilabel else self._type_of_target(y)
            self.y_dtype_, self.y_ndim_ = y.dtype, y.ndim
        return y

    @property
    def target_encoder(self):
        """scikeras' label encoder; for multi-label y, :class:`MultilabelEncoder`."""
        if getattr(self, "target_type_", None) == MULTILABEL:
            return MultilabelEncoder()
        return super().target_encoder

    def _head(self):
        if self.target_type_ == MULTILABEL:
            return len(self.classes_), "sigmoid", "binary_crossentropy", ["accuracy"]
        loss = "sparse_categorical_crossentropy"
        return int(self.n_classes_), "softmax", loss, ["accuracy"]

    def _stratify(self) -> bool:
        return self.target_type_ != MULTILABEL

    # ------------------------------------------------------------------ API
    def fit(self, X, y, sample_weight=None, **kwargs):
        """Build the network and train it on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, L, C) or (n_samples, L)
            One-hot encoded sequences (any float dtype, or uint8).
        y : array-like of shape (n_samples,) or (n_samples, k)
            Class labels of any type (ints, strings, ...), or a 0/1 indicator
            matrix of ``k`` labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss (finite, >= 0); multiplied by
            ``class_weight``.  The caller's array is not modified.
        **kwargs
            Passed to ``keras.Model.fit``.

        Returns
        -------
        self : DNACNNClassifier
            The fitted classifier.

        Raises
        ------
        ValueError
            If a parameter, ``y`` or ``sample_weight`` is invalid, or if the
            loss becomes NaN or infinite (training diverged).

        Warns
        -----
        DNACNNWarning
            If a label of a multi-label ``y`` has no positive (or no
            negative) sequence.
        """
        self._check_params()
        y = self._check_targets(y)
        return super().fit(
            X, y, sample_weight=check_sample_weight(y, sample_weight), **kwargs
        )

    def partial_fit(self, X, y, classes=None, sample_weight=None, **kwargs):
        """Train for one more epoch, keeping the weights learned so far.

        Parameters
        ----------
        X : array-like of shape (n_samples, L, C) or (n_samples, L)
            One-hot encoded sequences.
        y : array-like of shape (n_samples,) or (n_samples, k)
            Class labels, or a 0/1 indicator matrix.
        classes : array-like of shape (n_classes,), default=None
            All the classes, on the first call when ``y`` lacks some.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss; multiplied by ``class_weight``.
        **kwargs
            Passed to ``keras.Model.fit``.

        Returns
        -------
        self : DNACNNClassifier
            The classifier.
        """
        self._check_params()
        y = self._check_targets(y)
        return super().partial_fit(
            X,
            y,
            classes=classes,
            sample_weight=check_sample_weight(y, sample_weight),
            **kwargs,
        )

    def predict_proba(self, X, **kwargs):
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, L, C) or (n_samples, L)
            One-hot encoded sequences.
        **kwargs
            Passed to ``keras.Model.predict``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities; rows sum to 1 for one label per sequence; for
            multi-label, each column is its label's own probability.
        """
        proba = super().predict_proba(X, **kwargs)
        proba = np.asarray(proba).reshape(-1, len(self.classes_))
        return self._check_finite(proba, "probabilities")

    def predict(self, X, **kwargs):
        """The most probable class of each sequence, or the labels above 0.5.

        Parameters
        ----------
        X : array-like of shape (n_samples, L, C) or (n_samples, L)
            One-hot encoded sequences.
        **kwargs
            Passed to ``keras.Model.predict``.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, k)
            Labels from ``classes_``, or the 0/1 indicator matrix.
        """
        proba = self.predict_proba(X, **kwargs)  # not fitted: NotFittedError
        return self.target_encoder_.inverse_transform(proba)


def _warn_constant_labels(y) -> None:
    """Warn about indicator columns without a positive (or a negative)."""
    positives = y.astype(bool).sum(axis=0)
    for kind, bad in (
        ("no positive", positives == 0),
        ("no negative", positives == len(y)),
    ):
        if bad.any():
            labels = np.flatnonzero(bad).tolist()
            warnings.warn(
                f"Label column{'s' * (len(labels) > 1)} {labels} (0-based) of y "
                f"{'have' if len(labels) > 1 else 'has'} {kind} among the "
                f"{len(y)} training sequences: the network can only learn to "
                "predict it constant. Give each label both values in every "
                "training fold (more data, or fewer folds); to score folds where "
                "a label lacks a class, use scoring=dnacnn.metrics."
                "multilabel_scorer().",
                DNACNNWarning,
                stacklevel=4,
            )


class MultilabelEncoder(TransformerMixin, BaseEstimator):
    """scikeras' target encoder for a 0/1 indicator matrix of ``k`` labels.

    scikeras' own reads an indicator matrix whose rows each hold one 1 as
    one-hot multiclass; this one always keeps ``k`` independent labels.
    ``inverse_transform`` thresholds the probabilities at 0.5.
    """

    def fit(self, y):
        """Record the number of labels and ``y``'s dtype."""
        # scikit-learn's multi-output convention (MultiOutputClassifier): the
        # classes of each label, so that its scorers see an indicator target
        self.classes_ = [np.array([0, 1])] * y.shape[1]
        self.n_classes_ = y.shape[1]
        self.n_outputs_ = self.n_outputs_expected_ = 1
        self.dtype_ = y.dtype
        return self

    def transform(self, y):
        """``y`` as float32, the network's targets."""
        return np.asarray(y, dtype=np.float32)

    def inverse_transform(self, y, return_proba: bool = False):
        """The probabilities, or the indicator matrix of those above 0.5."""
        y = np.asarray(y).reshape(-1, self.n_classes_)
        return y if return_proba else (y > 0.5).astype(self.dtype_)

    def get_metadata(self) -> dict:
        """What scikeras copies onto the estimator."""
        return {
            "classes_": self.classes_,
            "n_classes_": self.n_classes_,
            "n_outputs_": self.n_outputs_,
            "n_outputs_expected_": self.n_outputs_expected_,
        }
