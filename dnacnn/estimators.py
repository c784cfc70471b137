"""The scikeras-wrapped Keras CNN classifier (the only module importing scikeras)."""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral

import keras
import numpy as np
from scikeras.wrappers import KerasClassifier
from sklearn.base import BaseEstimator
from sklearn.utils import ClassifierTags
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_consistent_length, column_or_1d

from ._training import Batches, StopOnNaN, split_validation
from ._validation import (
    check_choice,
    check_int,
    check_onehot,
    check_real,
    check_sample_weight,
)
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
        Seed of the weights' initialization, the dropout and the shuffling,
        each drawn from the model's own generators: the global ones (Python's,
        NumPy's, TensorFlow's) are left as they were.  The same value gives
        bit-identical models on CPU, in one process, across processes or in
        concurrent threads.  A RandomState is read, never advanced.
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

    # Replaces scikeras' seeding (BaseWrapper._initialize sets _random_state,
    # which _build_keras_model and _fit_keras_model then enter through
    # tensorflow_random_state: it switches TF op determinism on for the whole
    # process and reseeds the global generators).  The network seeds its own
    # layers instead (build_cnn(seed=...)) and Batches its own shuffling.
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
    def _check_params(self) -> None:
        """Check the training parameters (the network's are build_cnn's)."""
        check_int(self.epochs, "epochs", low=1)
        check_int(self.batch_size, "batch_size", low=1)
        check_int(self.patience, "patience", low=0)
        check_real(
            self.validation_split, "validation_split", low=0, high=1, closed="left"
        )
        check_real(self.learning_rate, "learning_rate", low=0, closed="neither")
        for name in ("early_stopping", "restore_best_weights", "shuffle", "warm_start"):
            value = getattr(self, name)
            if not isinstance(value, bool | np.bool_):
                raise TypeError(
                    f"{name} must be True or False, got "
                    f"{type(value).__name__} {value!r}."
                )
        if not isinstance(self.verbose, bool):  # Keras reads True as 1
            check_choice(self.verbose, "verbose", (0, 1, 2, "auto"))
        weight = self.class_weight
        if not (weight is None or isinstance(weight, str | Mapping)):
            raise TypeError(
                "class_weight must be a dict of class to weight, 'balanced' or "
                f"None, got {type(weight).__name__} {weight!r}."
            )
        if isinstance(weight, str):
            check_choice(weight, "class_weight", ("balanced",))
        elif weight is not None:
            for label, value in weight.items():
                check_real(value, f"class_weight[{label!r}]", low=0)
        if self.early_stopping and not self.validation_split:
            raise ValueError(
                "early_stopping=True monitors the validation loss: set "
                "validation_split to a fraction such as 0.1."
            )
        self._seed()

    def _seed(self) -> int | None:
        """The integer seed for ``random_state`` (a RandomState is copied)."""
        state = self.random_state
        if state is None:
            return None
        if isinstance(state, np.random.RandomState):
            copy = np.random.RandomState()
            copy.set_state(state.get_state())
            return int(copy.randint(np.iinfo(np.int32).max))
        if isinstance(state, bool) or not isinstance(state, Integral):
            raise TypeError(
                "random_state must be None, an int in [0, 2**32) or a "
                f"numpy.random.RandomState, got {type(state).__name__} {state!r}."
            )
        return check_int(state, "random_state", low=0, high=2**32 - 1)

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
        return y

    # Replaces scikeras' check_X_y, which does not know one-hot sequences.
    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        """Check X (one-hot, 2-D or 3-D) and y; replaces scikeras' version."""
        if X is not None:
            X = check_onehot(self, X, reset=reset)
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
                # partial_fit(classes=...) names them all; y may hold one
                known = getattr(self, "classes_", None)
                if len(np.unique(y if known is None else known)) < 2:
                    raise ValueError(
                        f"{type(self).__name__} needs at least 2 classes in y; "
                        f"got 1 class: {y[0]!r}."
                    )
                self.target_type_ = self._type_of_target(y)
                self.y_dtype_, self.y_ndim_ = y.dtype, y.ndim
        return X, y

    # ------------------------------------------------------------- building
    def _keras_build_fn(self, compile_kwargs):
        model = build_cnn(
            self.input_shape_,
            int(self.n_classes_),
            **{name: getattr(self, name) for name in ARCHITECTURE_PARAMS},
            seed=self._seed(),
        )
        if "optimizer__learning_rate" not in self.get_params() and not _is_instance(
            self.optimizer
        ):
            compile_kwargs["optimizer"].learning_rate = float(self.learning_rate)
        if compile_kwargs.get("metrics") is None:
            compile_kwargs["metrics"] = ["accuracy"]
        model.compile(**compile_kwargs)
        return model

    # ------------------------------------------------------------- training
    # Replaces scikeras' array fit, whose shuffling (and Keras' shuffle of
    # arrays) draws from global generators: scikeras' own version trains on
    # Batches, a seeded PyDataset, with our callbacks added.
    def _fit_keras_model(
        self, X, y, sample_weight, warm_start, epochs, initial_epoch, **kwargs
    ):
        batch_size = self._fit_option("batch_size", kwargs)
        split = self._fit_option("validation_split", kwargs)
        shuffle = self._fit_option("shuffle", kwargs)
        validation_data = kwargs.pop("validation_data", None)
        if split and validation_data is None:
            X, y, sample_weight, validation_data = split_validation(
                X, y, sample_weight, split
            )
        seed = self._seed()
        # a warm-started fit continues from the optimizer's step: new orders
        step = int(keras.ops.convert_to_numpy(self.model_.optimizer.iterations))
        batches = Batches(
            X,
            y,
            sample_weight,
            int(batch_size),
            rng=np.random.default_rng(None if seed is None else [step, seed])
            if shuffle
            else None,
        )
        diverged = StopOnNaN()
        callbacks = self._fit_callbacks
        self._fit_callbacks = [*callbacks, diverged]
        if self.early_stopping:
            self._fit_callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor="val_loss",
                    patience=int(self.patience),
                    restore_best_weights=bool(self.restore_best_weights),
                )
            )
        try:
            super()._fit_keras_model(
                batches,
                None,
                sample_weight=None,
                warm_start=warm_start,
                epochs=epochs,
                initial_epoch=initial_epoch,
                batch_size=int(batch_size),  # Keras validates in batches of it
                validation_split=0.0,
                shuffle=False,
                validation_data=validation_data,
                **kwargs,
            )
        finally:
            self._fit_callbacks = callbacks
        if diverged.found is not None:
            self._raise_diverged(*diverged.found)

    def _fit_option(self, name, kwargs):
        """A fit option: given to fit, else routed as ``fit__name``, else ``name``."""
        if name in kwargs:
            return kwargs.pop(name)
        return self.get_params().get(f"fit__{name}", getattr(self, name))

    def _raise_diverged(self, epoch, batch, loss):
        raise ValueError(
            f"Training diverged: the loss became {loss!r} at batch {batch + 1} of "
            f"epoch {epoch + 1}, so training stopped and the network is unusable. "
            "Likely causes: a learning rate too high (learning_rate="
            f"{self.learning_rate!r}; try one 10 times smaller), non-finite or huge "
            "values in X or sample_weight, or weights that overflowed (a custom "
            "optimizer or loss)."
        )

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
        self._check_params()
        y = self._check_targets(y)
        return super().partial_fit(
            X,
            y,
            classes=classes,
            sample_weight=check_sample_weight(y, sample_weight),
            **kwargs,
        )

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
        proba = np.asarray(proba).reshape(-1, len(self.classes_))
        finite = np.isfinite(proba).all(axis=1)
        if not finite.all():
            bad = np.flatnonzero(~finite)
            raise ValueError(
                f"The network gave non-finite probabilities for {bad.size} of "
                f"{len(proba)} sequences (the first at index {bad[0]}, 0-based): "
                "its weights hold NaN or infinite values (a diverged fit, or a "
                "model loaded or warm-started from one). Refit it, with a smaller "
                "learning_rate if training diverged."
            )
        return proba

    def predict(self, X, **kwargs):
        """The most probable class of each sequence.

        Parameters
        ----------
        X : array-like of shape (n_samples, L, C) or (n_samples, L)
            One-hot encoded sequences.
        **kwargs
            Passed to ``keras.Model.predict``.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba(X, **kwargs)  # not fitted: NotFittedError
        return self.target_encoder_.inverse_transform(proba)


def _is_instance(optimizer) -> bool:
    """Whether ``optimizer`` is an optimizer object (not a name or a class)."""
    return not isinstance(optimizer, str | type)
