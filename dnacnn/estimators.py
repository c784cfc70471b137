"""The scikeras-wrapped Keras CNN classifier (the only module importing scikeras)."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scikeras.wrappers import KerasClassifier
from sklearn.base import BaseEstimator
from sklearn.utils import ClassifierTags
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import (
    check_consistent_length,
    column_or_1d,
)

from ._validation import check_onehot
from .models import ARCHITECTURE_PARAMS, build_cnn

__all__ = ["DNACNNClassifier"]


class DNACNNClassifier(KerasClassifier):
    """A Keras 1D convolutional network for DNA sequence classification.

    A scikit-learn classifier (through scikeras) over one-hot sequences of
    shape ``(n_samples, L, 4)``, as :class:`~dnacnn.DNAOneHotTransformer`
    makes them: put both in a :class:`~sklearn.pipeline.Pipeline` to fit and
    predict from raw strings.  Every architectural and training choice is a
    constructor parameter, so :class:`~sklearn.model_selection.GridSearchCV`
    can tune it.

    The network is ``n_conv_layers`` of ``Conv1D(filters, kernel_size)``, the
    ``pooling`` step, ``Dense(dense_units, relu)``, ``Dropout(dropout)`` and a
    softmax over the classes (see :func:`dnacnn.models.build_cnn`), trained
    with ``optimizer`` (Adam) on the cross-entropy.  The defaults scan for a
    motif anywhere in the sequence (global max pooling), which works on short
    and long sequences alike.  The primer tutorial's exact network and
    training are::

        DNACNNClassifier(filters=32, kernel_size=12, conv_activation=None,
                         pooling="max", pool_size=4, dense_units=16,
                         dropout=0.0, epochs=50, batch_size=32)

    Parameters
    ----------
    model : None
        Leave as None: the network is built from the parameters below.
        (scikeras' ``model`` parameter, kept for compatibility.)
    filters : int, default=64
        Convolution filters per layer.
    kernel_size : int, default=19
        Filter width in bases; at least the width of the motif to find.
    n_conv_layers : int, default=1
        Number of convolution layers (a ``MaxPooling1D(pool_size)`` between
        two of them).
    conv_activation : str or None, default="relu"
        Activation of the convolutions (``None``: linear, as in the tutorial).
    pooling : {"global_max", "global_average", "max", "none"}, default="global_max"
        What follows the last convolution: global max (or mean) pooling over
        positions, ``MaxPooling1D(pool_size)`` + ``Flatten`` (the tutorial's),
        or ``Flatten`` alone.
    pool_size : int, default=4
        Window of the local max pooling.
    dense_units : int, default=16
        Hidden dense layer width (ReLU); 0 leaves the layer out.
    dropout : float, default=0.0
        Dropout rate before the output layer.
    learning_rate : float, default=0.001
        Learning rate of ``optimizer`` when it is given by name or class.  A
        routed ``optimizer__learning_rate`` takes precedence; an optimizer
        instance keeps its own.
    early_stopping : bool, default=False
        Stop when the validation loss has not improved for ``patience``
        epochs; needs ``validation_split > 0``.
    patience : int, default=5
        Epochs without improvement before early stopping.
    restore_best_weights : bool, default=True
        With early stopping, end with the weights of the best epoch.
    optimizer : str or keras optimizer, default="adam"
        The Keras optimizer; its parameters can be routed as
        ``optimizer__name=value``.
    loss : str, default="sparse_categorical_crossentropy"
        The Keras loss.
    metrics : list of str, default=None
        Keras metrics recorded in ``history_``; None records ``"accuracy"``.
    epochs : int, default=50
        Training epochs.
    batch_size : int, default=32
        Mini-batch size for training and prediction.
    validation_split : float, default=0.0
        Fraction of the training data (its last samples, as in Keras) held
        out to record validation metrics in ``history_``.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, as in scikit-learn.
    random_state : int, RandomState instance or None, default=None
        Seed of the weights' initialization and of the shuffling.  The same
        value gives bit-identical models on CPU, in one process or across
        processes.  A RandomState is read, never advanced.
    verbose : int, default=0
        0 is silent; 1 shows Keras' progress bar; 2 one line per epoch.
    warm_start, build_fn, validation_batch_size, callbacks, shuffle, \
run_eagerly
        As in :class:`scikeras.wrappers.KerasClassifier`.
    **kwargs
        Routed parameters, as in scikeras: ``optimizer__beta_1``,
        ``fit__validation_freq``, ``callbacks__0__monitor``, ...

    Attributes
    ----------
    model_ : keras.Model
        The fitted network.
    classes_ : ndarray of shape (n_classes,)
        The class labels, in the order of ``predict_proba``'s columns.
    history_ : dict of str to list of float
        Per-epoch ``loss`` and ``accuracy``, and ``val_loss`` and
        ``val_accuracy`` with a validation split.
    n_features_in_ : int
        Sequence length ``L`` seen in ``fit``.
    input_shape_ : tuple of int
        ``(L, C)`` seen in ``fit``; 2-D input ``(n, L)`` is read as
        ``(n, L, 1)``.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from dnacnn import DNACNNClassifier, DNAOneHotTransformer, make_motif_dataset
    >>> X, y, _ = make_motif_dataset(n_samples=200, length=30, random_state=0)
    >>> model = make_pipeline(
    ...     DNAOneHotTransformer(), DNACNNClassifier(epochs=30, random_state=0)
    ... )
    >>> model.fit(X, y).score(X, y) > 0.9
    True
    >>> model.predict_proba(X[:2]).shape
    (2, 2)
    """

    def __init__(
        self,
        model=None,
        *,
        filters: int = 64,
        kernel_size: int = 19,
        n_conv_layers: int = 1,
        conv_activation: str | None = "relu",
        pooling: str = "global_max",
        pool_size: int = 4,
        dense_units: int = 16,
        dropout: float = 0.0,
        learning_rate: float = 0.001,
        early_stopping: bool = False,
        patience: int = 5,
        restore_best_weights: bool = True,
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=None,
        epochs: int = 50,
        batch_size: int = 32,
        validation_split: float = 0.0,
        class_weight=None,
        random_state=None,
        verbose: int = 0,
        warm_start: bool = False,
        build_fn=None,
        validation_batch_size=None,
        callbacks=None,
        shuffle: bool = True,
        run_eagerly: bool = False,
        **kwargs,
    ):
        super().__init__(
            model=model,
            build_fn=build_fn,
            warm_start=warm_start,
            random_state=random_state,
            optimizer=optimizer,
            loss=loss,
            metrics=metrics,
            batch_size=batch_size,
            validation_batch_size=validation_batch_size,
            verbose=verbose,
            callbacks=callbacks,
            validation_split=validation_split,
            shuffle=shuffle,
            run_eagerly=run_eagerly,
            epochs=epochs,
            class_weight=class_weight,
            **kwargs,
        )
        self.filters = filters
        self.kernel_size = kernel_size
        self.n_conv_layers = n_conv_layers
        self.conv_activation = conv_activation
        self.pooling = pooling
        self.pool_size = pool_size
        self.dense_units = dense_units
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.early_stopping = early_stopping
        self.patience = patience
        self.restore_best_weights = restore_best_weights

    # scikeras seeds through a context manager that switches TensorFlow op
    # determinism on for the whole process (after which unseeded fits fail)
    # and maps every RandomState to seed 0.  Its copy of the seed is therefore
    # always None here; ``_initialize`` seeds with keras.utils.set_random_seed.
    @property
    def _random_state(self):
        return None

    @_random_state.setter
    def _random_state(self, value):
        pass

    # scikeras prints every parameter; sklearn's repr shows the changed ones.
    __repr__ = BaseEstimator.__repr__

    def __sklearn_tags__(self):
        # scikeras puts BaseEstimator before ClassifierMixin, whose tags are
        # then never applied: set what makes this a classifier for sklearn.
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags()
        tags.target_tags.required = True
        tags.input_tags.three_d_array = True
        tags.non_deterministic = False
        return tags

    # ----------------------------------------------------------- validation
    def _seed(self) -> int | None:
        """The integer seed for ``random_state`` (a RandomState is copied)."""
        state = self.random_state
        if state is None:
            return None
        if isinstance(state, np.random.RandomState):
            copy = np.random.RandomState()
            copy.set_state(state.get_state())
            return int(copy.randint(np.iinfo(np.int32).max))
        if isinstance(state, Integral) and not isinstance(state, bool):
            if 0 <= state < 2**32:
                return int(state)
        raise ValueError(
            "random_state must be None, an int in [0, 2**32) or a "
            f"numpy.random.RandomState, got {state!r}."
        )

    def _check_training_params(self) -> None:
        for name, low in (("epochs", 1), ("batch_size", 1), ("patience", 0)):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, Integral)
                or value < low
            ):
                raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")
        split = self.validation_split
        if not (isinstance(split, Real) and 0 <= split < 1):
            raise ValueError(
                f"validation_split must be a float in [0, 1), got {split!r}."
            )
        if self.early_stopping and not split:
            raise ValueError(
                "early_stopping=True monitors the validation loss: set "
                "validation_split to a fraction such as 0.1."
            )
        if not (isinstance(self.learning_rate, Real) and self.learning_rate > 0):
            raise ValueError(
                f"learning_rate must be a positive float, got {self.learning_rate!r}."
            )

    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        """Check X (one-hot, 2-D or 3-D) and y; replaces scikeras' version."""
        if X is not None:
            X = self._check_X(X, reset=reset)
        if y is not None:
            y = np.asarray(y)
            if y.ndim != 1 and not (y.ndim == 2 and y.shape[1] == 1):
                raise ValueError(
                    f"y must be 1-D (one label per sequence), got shape {y.shape}."
                )
            y = column_or_1d(y, warn=True)  # a column vector warns and is raveled
            if X is not None:
                check_consistent_length(X, y)
            if reset:
                if len(np.unique(y)) < 2:
                    raise ValueError(
                        f"{type(self).__name__} needs at least 2 classes in y; "
                        f"got 1 class: {y[0]!r}."
                    )
                self.target_type_ = self._type_of_target(y)
                self.y_dtype_, self.y_ndim_ = y.dtype, y.ndim
        return X, y

    def _check_X(self, X, *, reset: bool) -> np.ndarray:
        return check_onehot(self, X, reset=reset)

    # ------------------------------------------------------------- building
    def _keras_build_fn(self, compile_kwargs):
        model = build_cnn(
            self.input_shape_,
            int(self.n_classes_),
            **{name: getattr(self, name) for name in ARCHITECTURE_PARAMS},
        )
        model.compile(**compile_kwargs)
        return model

    def _get_compile_kwargs(self):
        kwargs = super()._get_compile_kwargs()
        params = self.get_params()
        if "optimizer__learning_rate" not in params and not _is_instance(
            self.optimizer
        ):
            kwargs["optimizer"].learning_rate = float(self.learning_rate)
        if kwargs.get("metrics") is None:
            kwargs["metrics"] = ["accuracy"]
        return kwargs

    def _initialize_callbacks(self):
        super()._initialize_callbacks()
        if self.early_stopping:
            import keras

            self._fit_callbacks = [
                *self._fit_callbacks,
                keras.callbacks.EarlyStopping(
                    monitor="val_loss",
                    patience=int(self.patience),
                    restore_best_weights=bool(self.restore_best_weights),
                ),
            ]

    def _initialize(self, X, y=None):
        self._check_training_params()
        seed = self._seed()
        if seed is not None:
            import keras

            keras.utils.set_random_seed(seed)
        return super()._initialize(X, y)

    # ------------------------------------------------------------------ API
    def fit(self, X, y, sample_weight=None, **kwargs):
        """Build the network and train it on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, L, C) or (n_samples, L)
            One-hot encoded sequences (any float dtype, or uint8).
        y : array-like of shape (n_samples,)
            Class labels of any type (ints, strings, ...).
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the loss; multiplied by ``class_weight``.
        **kwargs
            Passed to ``keras.Model.fit``.

        Returns
        -------
        self : DNACNNClassifier
            The fitted classifier.
        """
        self.classes_ = None
        # KerasClassifier.fit would multiply the caller's sample_weight in place.
        return super(KerasClassifier, self).fit(
            X, y, sample_weight=self._weights(y, sample_weight), **kwargs
        )

    def partial_fit(self, X, y, classes=None, sample_weight=None, **kwargs):
        """Train for one more epoch, keeping the weights learned so far.

        Parameters
        ----------
        X : array-like of shape (n_samples, L, C) or (n_samples, L)
            One-hot encoded sequences.
        y : array-like of shape (n_samples,)
            Class labels.
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
        self.classes_ = (
            classes if classes is not None else getattr(self, "classes_", None)
        )
        return super(KerasClassifier, self).partial_fit(
            X, y, sample_weight=self._weights(y, sample_weight), **kwargs
        )

    def _weights(self, y, sample_weight):
        """A new array: ``sample_weight`` times the ``class_weight`` of ``y``."""
        if sample_weight is None and self.class_weight is None:
            return None
        y = np.asarray(y).ravel()
        weights = np.ones(len(y))
        if sample_weight is not None:
            weights = np.array(sample_weight, dtype=np.float64).ravel()  # a copy
            check_consistent_length(y, weights)
        if self.class_weight is not None:
            weights *= compute_sample_weight(self.class_weight, y)
        return weights

    def saliency(
        self,
        X,
        *,
        target=None,
        method: str = "gradient_x_input",
        reduce: str | None = "sum",
        clip: bool = False,
        output: str = "probability",
        baseline=None,
        steps: int = 50,
        batch_size: int = 512,
    ):
        """Per-base attributions of the predictions for one-hot ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, L, C)
            One-hot sequences, as given to :meth:`fit`.
        target, method, reduce, clip, output, baseline, steps, batch_size
            As in :func:`dnacnn.saliency`, which also takes a Pipeline and raw
            strings.

        Returns
        -------
        scores : ndarray of shape (n_samples, L) or (n_samples, L, C)
            float32 attributions; the defaults give gradient x input summed
            over the channels.
        """
        from .interpret import saliency

        return saliency(
            self,
            X,
            target=target,
            method=method,
            reduce=reduce,
            clip=clip,
            output=output,
            baseline=baseline,
            steps=steps,
            batch_size=batch_size,
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
            Probabilities; rows sum to 1.
        """
        proba = super().predict_proba(X, **kwargs)
        return np.asarray(proba).reshape(-1, len(self.classes_))


def _is_instance(optimizer) -> bool:
    """Whether ``optimizer`` is an optimizer object (not a name or a class)."""
    return not isinstance(optimizer, str | type)
