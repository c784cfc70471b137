"""The regressor: one or several continuous values per sequence."""

from __future__ import annotations

import numpy as np
from scikeras.wrappers import KerasRegressor
from sklearn.utils import RegressorTags

from .._validation import check_sample_weight
from ._base import DNACNNBase

__all__ = ["DNACNNRegressor", "REGRESSION_LOSSES"]

#: The losses documented for regression (any Keras loss is accepted).
REGRESSION_LOSSES = ("mse", "poisson", "huber")


class DNACNNRegressor(DNACNNBase, KerasRegressor):
    """A Keras 1D convolutional network for DNA sequence regression.

    The network of :class:`DNACNNClassifier` (the same parameters, defined
    once) with a linear output of one unit per target: enhancer activity
    (DeepSTARR), MPRA or STARR-seq readouts, binding strengths.  ``y`` is
    ``(n_samples,)`` or ``(n_samples, k)``; :meth:`predict` returns the shape
    ``y`` had in :meth:`fit`, and :meth:`score` is R² (averaged uniformly
    over several targets, as scikit-learn's regressors).

    Targets far from unit scale train slowly: standardise them with
    :class:`~sklearn.compose.TransformedTargetRegressor`
    (``TransformedTargetRegressor(regressor=model,
    transformer=StandardScaler())``), which scales ``y`` for training and
    scales the predictions back.  With ``loss="poisson"`` (counts, which must
    be >= 0 and stay unscaled) the output is the exponential of the last
    layer, so that rates are positive; saliency with ``output="logit"`` then
    explains the log rate.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    model_ : keras.Model
        The fitted network.
    n_outputs_ : int
        Number of targets (columns of a 2-D ``y``; 1 for 1-D ``y``).
    history_ : dict of str to list of float
        Per-epoch ``loss``, and ``val_loss`` with a validation hold-out.
    do_early_stopping_ : bool
        Whether the last ``fit`` used early stopping (``early_stopping="auto"``
        decides by the number of sequences).
    n_features_in_ : int
        Sequence length ``L`` seen in ``fit``.
    input_shape_ : tuple of int
        ``(L, C)`` seen in ``fit``.

    See Also
    --------
    DNACNNClassifier : The same network for labels.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from dnacnn import DNACNNRegressor, DNAOneHotTransformer, make_motif_dataset
    >>> X, y = make_motif_dataset(n_samples=200, length=30, random_state=0)
    >>> activity = 2.0 * y + np.random.default_rng(0).normal(0, 0.1, 200)
    >>> model = make_pipeline(
    ...     DNAOneHotTransformer(),
    ...     DNACNNRegressor(epochs=30, batch_size=32, random_state=0),
    ... )
    >>> model.fit(X, activity).score(X, activity) > 0.9
    True
    >>> model.predict(X[:2]).shape
    (2,)
    """

    _kind = "regressor"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "regressor"
        tags.regressor_tags = RegressorTags()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags

    def _validate_targets(self, y, *, reset):
        try:
            y = np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"y must hold numbers (one value per sequence, or one row of "
                f"values per sequence); {exc}."
            ) from exc
        if y.ndim not in (1, 2) or (y.ndim == 2 and y.shape[1] == 0):
            raise ValueError(
                "y must have shape (n_samples,) or (n_samples, n_targets), got "
                f"shape {y.shape}."
            )
        bad = np.flatnonzero(~np.isfinite(y.reshape(len(y), -1)).all(axis=1))
        if bad.size:
            raise ValueError(
                f"y must be finite, but row {bad[0]} (0-based) holds "
                f"{y[bad[0]]!r} ({bad.size} rows hold NaN or infinite values)."
            )
        outputs = 1 if y.ndim == 1 else y.shape[1]
        if reset:
            self.y_dtype_, self.y_ndim_ = y.dtype, y.ndim
        elif outputs != self.n_outputs_:
            raise ValueError(
                f"y has {outputs} target(s) per sequence, but this "
                f"{type(self).__name__} was fitted on {self.n_outputs_}."
            )
        return y.astype(np.float32)

    def _check_weights(self, y, sample_weight):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        return check_sample_weight(np.asarray(y), sample_weight)

    def _head(self):
        output = "exponential" if self.loss == "poisson" else "linear"
        return int(self.n_outputs_), output, "mse", None

    # ------------------------------------------------------------------ API
    def fit(self, X, y, sample_weight=None, **kwargs):
        """Build the network and train it on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, L, C) or (n_samples, L)
            One-hot encoded sequences (any float dtype, or uint8).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Finite target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss (finite, >= 0), applied to all the
            targets of a sequence.  The caller's array is not modified.
        **kwargs
            Passed to ``keras.Model.fit``.

        Returns
        -------
        self : DNACNNRegressor
            The fitted regressor.

        Raises
        ------
        ValueError
            If a parameter, ``y`` or ``sample_weight`` is invalid, or if the
            loss becomes NaN or infinite (training diverged).
        """
        self._check_params()
        sample_weight = self._check_weights(y, sample_weight)
        return super().fit(X, y, sample_weight=sample_weight, **kwargs)

    def partial_fit(self, X, y, sample_weight=None, **kwargs):
        """Train for one more epoch, keeping the weights learned so far.

        Parameters
        ----------
        X : array-like of shape (n_samples, L, C) or (n_samples, L)
            One-hot encoded sequences.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss.
        **kwargs
            Passed to ``keras.Model.fit``.

        Returns
        -------
        self : DNACNNRegressor
            The regressor.
        """
        self._check_params()
        sample_weight = self._check_weights(y, sample_weight)
        return super().partial_fit(X, y, sample_weight=sample_weight, **kwargs)

    def predict(self, X, **kwargs):
        """The predicted values, in the shape of ``y`` in :meth:`fit`.

        Parameters
        ----------
        X : array-like of shape (n_samples, L, C) or (n_samples, L)
            One-hot encoded sequences.
        **kwargs
            Passed to ``keras.Model.predict``.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
            float64 predictions.
        """
        values = super().predict(X, **kwargs)  # not fitted: NotFittedError
        return self._check_finite(values, "predictions").astype(np.float64)
