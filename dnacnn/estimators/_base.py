"""What every DNACNN estimator shares: parameters, checks, building, training.

:class:`DNACNNBase` is a mixin placed before the scikeras wrapper
(``class DNACNNClassifier(DNACNNBase, KerasClassifier)``).  Its ``__init__``
is the one definition of the architecture and training parameters; a head
(classifier, regressor) adds its own parameters in a short ``__init__`` of
its own, whose signature (what ``inspect.signature``, scikit-learn and the
documentation read) is completed here with the shared ones.  Its docstring's
``{shared_parameters}`` is replaced by :data:`SHARED_PARAMETERS`.
"""

from __future__ import annotations

import inspect
from numbers import Integral

import keras
import numpy as np
from scikeras._saving_utils import pack_keras_model, unpack_keras_model
from scikeras._utils import route_params
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from .. import interpret
from .._threads import configure_threads
from .._training import Batches, StopOnInterrupt, StopOnNaN, holdout
from .._validation import check_choice, check_int, check_onehot, check_real
from ..models import ARCHITECTURE_PARAMS, build_cnn, custom_objects

__all__ = ["AUGMENTATIONS", "DNACNNBase", "EARLY_STOPPING_AUTO", "SHARED_PARAMETERS"]


class _PackedNetwork:
    """A Keras network as the bytes of its ``.keras`` archive (scikeras' packing)."""

    def __init__(self, network: keras.Model):
        self.data = pack_keras_model(network)[1][0]

    def unpack(self) -> keras.Model:
        # a process that has not built a network has not registered its layers
        with keras.saving.custom_object_scope(custom_objects()):
            return unpack_keras_model(self.data)


#: ``early_stopping="auto"`` stops early from this many training sequences.
EARLY_STOPPING_AUTO = 10_000

#: ``predict`` on at most this many batches calls the network eagerly (no
#: ``tf.function`` traced for it); on more, Keras' predict function, traced
#: once per network, is called at least 4 times: TensorFlow warns when 5 of
#: its last 10 calls trace.
EAGER_PREDICT_BATCHES = 3

#: Accepted values of ``augment``.
AUGMENTATIONS = (None, "reverse_complement")

#: The numpydoc of the parameters :class:`DNACNNBase` defines.
SHARED_PARAMETERS = """\
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
    pooling : {"global_max", "global_average", "max", "none"}, \
default="global_max"
        What follows the last convolution: global max (or mean) pooling over
        positions, ``MaxPooling1D(pool_size)`` + ``Flatten`` (the tutorial's),
        or ``Flatten`` alone.
    pool_size : int, default=4
        Window of the local max pooling.
    dense_units : int, default=16
        Hidden dense layer width; 0 leaves the layer out.
    dense_activation : str, default="leaky_relu"
        Activation of the hidden dense layer.  Unlike ReLU, leaky ReLU passes
        a gradient for negative inputs, so that its few units cannot all die
        in the first steps and leave the network at chance (measured on the
        benchmarks' three-class task: one fit in three with ReLU); being
        piecewise linear, it computes the same value for a sequence in any
        batch, as ReLU does.
    dropout : float, default=0.0
        Dropout rate before the output layer.
    strands : {"both", "forward"}, default="both"
        ``"both"``: the same filters (shared weights) scan each sequence and
        its reverse complement, and the two strands' pooled features are
        combined by ``strand_reduce``, so that a sequence and its reverse
        complement get the same prediction (to float32 rounding), as
        transcription factors bind either strand; needs one-hot A, C, G, T
        input.  ``"forward"``: only the sequence as given, for strand-specific
        signals or input that is not one-hot DNA.
    strand_reduce : {"max", "mean"}, default="max" (classifier), "mean" \
(regressor)
        How the two strands' pooled features combine with ``strands="both"``:
        the maximum keeps the stronger strand (is a site there?), the mean
        adds a site on one strand to a site on the other (how much binding?),
        which a regression of activity over several sites needs.
    augment : {None, "reverse_complement"}, default=None
        ``"reverse_complement"`` trains on each batch and its reverse
        complements (same targets and weights): the cheaper, approximate
        alternative to ``strands="both"``.
    learning_rate : float, default=0.003
        Learning rate of ``optimizer`` when it is given by name or class.  A
        routed ``optimizer__learning_rate`` takes precedence; an optimizer
        instance keeps its own.
    early_stopping : "auto" or bool, default="auto"
        Stop when the loss on a held-out ``validation_fraction`` of the
        training data has not improved for ``patience`` epochs.  ``"auto"``:
        on when ``fit`` gets at least 10,000 sequences, as
        :class:`~sklearn.ensemble.HistGradientBoostingClassifier` does.  With
        fewer, an epoch has few steps and a weak motif can take more than
        ``patience`` epochs to start being learned: stopping then keeps a
        model at chance.  See the benchmarks page (``bench/bench_tasks.py``).
        ``do_early_stopping_`` says what ``fit`` did.
    patience : int, default=5
        Epochs without improvement before early stopping.
    restore_best_weights : bool, default=True
        With early stopping, end with the weights of the best epoch.
    validation_fraction : float or None, default=None
        Fraction of the training data held out to record validation metrics
        in ``history_`` (and for early stopping), drawn at random (stratified
        by class for single-label classification) from ``random_state``, as
        :class:`~sklearn.neural_network.MLPClassifier` does.  None holds out
        0.1 with early stopping and nothing without.
    validation_split : float or None, default=None
        Alias of ``validation_fraction`` (with its random hold-out, not
        Keras' last rows); set one or the other.
    optimizer : str or keras optimizer, default="adam"
        The Keras optimizer; its parameters can be routed as
        ``optimizer__name=value``.
    metrics : list of str, default=None
        Keras metrics recorded in ``history_``.
    epochs : int, default=50
        Training epochs (at most, with early stopping).
    batch_size : int, default=256
        Mini-batch size for training, validation and prediction.
    random_state : int, RandomState instance or None, default=None
        Seed of the weights' initialization, the dropout, the shuffling and
        the validation hold-out, each drawn from the model's own generators:
        the global ones (Python's, NumPy's, TensorFlow's) are left as they
        were.  The same value gives bit-identical models on CPU, in one
        process, across processes or in concurrent threads.  A RandomState is
        read, never advanced.
    verbose : int, default=0
        0 is silent; 1 shows Keras' progress bar; 2 one line per epoch.
    n_threads : int or None, default=None
        Threads of TensorFlow's intra-op and inter-op pools in the process
        that fits.  None: the process's share of the cores, so that parallel
        fits do not oversubscribe them: in a Dask worker its number of
        threads, in a worker of ``GridSearchCV(n_jobs=k)`` (joblib's loky)
        ``OMP_NUM_THREADS``, which joblib sets to ``cpu_count() // k``; in a
        plain process with ``OMP_NUM_THREADS`` unset, TensorFlow's default
        (all the cores).  TensorFlow fixes its pools at its first operation
        in a process: set before that, at the start of ``fit``, and when a
        fitted model is unpickled or loaded (:func:`~dnacnn.load_model`) in a
        process that only predicts; after it, an ``n_threads`` that differs
        only warns (:class:`~dnacnn.DNACNNWarning`).
    warm_start, build_fn, validation_batch_size, callbacks, shuffle, \
run_eagerly
        As in scikeras' wrappers.
    **kwargs
        Routed parameters, as in scikeras: ``optimizer__beta_1``,
        ``fit__validation_freq``, ``callbacks__0__monitor``, ..."""


class DNACNNBase:
    """Mixin of the DNACNN estimators: put it before the scikeras wrapper.

    A head defines ``_head()`` (output units, activation, default loss and
    metrics), its target checks in ``_validate_targets`` and, if it has
    parameters of its own, ``_check_head_params``.
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
        dense_activation: str = "leaky_relu",
        dropout: float = 0.0,
        strands: str = "both",
        strand_reduce: str = "mean",  # the classifier's own default is "max"
        augment: str | None = None,
        learning_rate: float = 0.003,
        early_stopping: bool | str = "auto",
        patience: int = 5,
        restore_best_weights: bool = True,
        validation_fraction: float | None = None,
        validation_split: float | None = None,
        optimizer="adam",
        metrics=None,
        epochs: int = 50,
        batch_size: int = 256,
        random_state=None,
        verbose: int = 0,
        n_threads: int | None = None,
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
            metrics=metrics,
            batch_size=batch_size,
            validation_batch_size=validation_batch_size,
            verbose=verbose,
            callbacks=callbacks,
            validation_split=validation_split,
            shuffle=shuffle,
            run_eagerly=run_eagerly,
            epochs=epochs,
            **kwargs,
        )
        self.filters = filters
        self.kernel_size = kernel_size
        self.n_conv_layers = n_conv_layers
        self.conv_activation = conv_activation
        self.pooling = pooling
        self.pool_size = pool_size
        self.dense_units = dense_units
        self.dense_activation = dense_activation
        self.dropout = dropout
        self.strands = strands
        self.strand_reduce = strand_reduce
        self.augment = augment
        self.learning_rate = learning_rate
        self.early_stopping = early_stopping
        self.patience = patience
        self.restore_best_weights = restore_best_weights
        self.validation_fraction = validation_fraction
        self.n_threads = n_threads

    def __init_subclass__(cls, **kwargs):
        # A head's __init__ names its own parameters and passes the rest on:
        # its signature is completed with the shared ones (one definition).
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None:
            own = inspect.signature(init).parameters
            shared = inspect.signature(DNACNNBase.__init__).parameters
            var = inspect.Parameter.VAR_KEYWORD
            params = [p for p in own.values() if p.kind is not var]
            params += [
                p for name, p in shared.items() if name not in own and p.kind is not var
            ]
            params.append(shared["kwargs"])
            init.__signature__ = inspect.Signature(params)
        if cls.__doc__ and "{shared_parameters}" in cls.__doc__:
            cls.__doc__ = cls.__doc__.replace("{shared_parameters}", SHARED_PARAMETERS)

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
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.input_tags.three_d_array = True
        tags.non_deterministic = False
        return tags

    # ------------------------------------------------------------ pickling
    # scikeras pickles the Keras network inside the state, so it is rebuilt
    # (TensorFlow's first operations) before __setstate__ runs.  Packing it
    # here lets a process that only unpickles and predicts (a Dask worker of
    # predict_dask, a joblib worker) size TensorFlow's pools first.
    def __getstate__(self):
        state = super().__getstate__()  # may be self.__dict__ itself
        if isinstance(state.get("model_"), keras.Model):
            state = {**state, "model_": _PackedNetwork(state["model_"])}
        return state

    def __setstate__(self, state):
        if isinstance(state.get("model_"), _PackedNetwork):
            configure_threads(state.get("n_threads"))
            state = {**state, "model_": state["model_"].unpack()}
        super().__setstate__(state)

    # ----------------------------------------------------------- validation
    def _check_params(self) -> None:
        """Check the training parameters (the network's are build_cnn's)."""
        check_int(self.epochs, "epochs", low=1)
        check_int(self.batch_size, "batch_size", low=1)
        check_int(self.patience, "patience", low=0)
        if self.n_threads is not None:
            check_int(self.n_threads, "n_threads", low=1)
        for name in ("validation_fraction", "validation_split"):
            if getattr(self, name) is not None:
                check_real(getattr(self, name), name, low=0, high=1, closed="left")
        if self.validation_split is not None and self.validation_fraction is not None:
            raise ValueError(
                "validation_split is an alias of validation_fraction: set one of "
                f"them, not both (got validation_fraction={self.validation_fraction!r}"
                f" and validation_split={self.validation_split!r})."
            )
        check_real(self.learning_rate, "learning_rate", low=0, closed="neither")
        if not isinstance(self.early_stopping, str | bool | np.bool_) or (
            isinstance(self.early_stopping, str) and self.early_stopping != "auto"
        ):
            raise TypeError(
                'early_stopping must be "auto", True or False, got '
                f"{type(self.early_stopping).__name__} {self.early_stopping!r}."
            )
        for name in ("restore_best_weights", "shuffle", "warm_start"):
            value = getattr(self, name)
            if not isinstance(value, bool | np.bool_):
                raise TypeError(
                    f"{name} must be True or False, got "
                    f"{type(value).__name__} {value!r}."
                )
        if not isinstance(self.verbose, bool):  # Keras reads True as 1
            check_choice(self.verbose, "verbose", (0, 1, 2, "auto"))
        check_choice(self.augment, "augment", AUGMENTATIONS)
        explicit = not isinstance(self.early_stopping, str)
        if explicit and self.early_stopping and self._validation_fraction(True) == 0:
            raise ValueError(
                "early_stopping=True monitors the validation loss: set "
                "validation_fraction to a fraction such as 0.1 (or leave it None)."
            )
        self._check_head_params()
        self._seed()
        # fit starts here: TensorFlow's pools are sized before its first op
        configure_threads(self.n_threads)

    def _check_head_params(self) -> None:
        """The head's own parameters (none here)."""

    def _validation_fraction(self, early_stopping: bool) -> float:
        """The hold-out fraction: the parameter, its alias, or the default."""
        for value in (self.validation_fraction, self.validation_split):
            if value is not None:
                return float(value)
        return 0.1 if early_stopping else 0.0

    def _early_stopping(self, n_samples: int) -> bool:
        """Whether a fit on ``n_samples`` sequences stops early."""
        if isinstance(self.early_stopping, str):  # "auto", checked
            return (
                n_samples >= EARLY_STOPPING_AUTO and self._validation_fraction(True) > 0
            )
        return bool(self.early_stopping)

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

    # Replaces scikeras' check_X_y, which does not know one-hot sequences.
    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        """Check X (one-hot, 2-D or 3-D) and y; replaces scikeras' version."""
        if X is not None:
            X = check_onehot(self, X, reset=reset)
            if reset and self.augment is not None and X.shape[2] != 4:
                raise ValueError(
                    f"augment={self.augment!r} needs one-hot DNA of 4 channels "
                    f"(A, C, G, T), but X has {X.shape[2]} per position; use "
                    "augment=None."
                )
        if y is not None:
            y = self._validate_targets(y, reset=reset)
            if X is not None and len(X) != len(y):
                raise ValueError(
                    "Found input variables with inconsistent numbers of samples: "
                    f"[{len(X)}, {len(y)}] (X and y need one row per sequence)."
                )
        return X, y

    # ------------------------------------------------------------- building
    def _keras_build_fn(self, compile_kwargs):
        units, output, loss, metrics = self._head()
        model = build_cnn(
            self.input_shape_,
            units,
            output=output,
            **{name: getattr(self, name) for name in ARCHITECTURE_PARAMS},
            seed=self._seed(),
        )
        if "optimizer__learning_rate" not in self.get_params() and not _is_instance(
            self.optimizer
        ):
            compile_kwargs["optimizer"].learning_rate = float(self.learning_rate)
        if compile_kwargs.get("loss") is None:
            compile_kwargs["loss"] = loss
        if compile_kwargs.get("metrics") is None and metrics:
            compile_kwargs["metrics"] = metrics
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
        kwargs.pop("validation_split", None)  # the parameter's alias, read here
        shuffle = self._fit_option("shuffle", kwargs)
        validation_data = kwargs.pop("validation_data", None)
        seed = self._seed()
        self.do_early_stopping_ = self._early_stopping(len(X))
        fraction = self._validation_fraction(self.do_early_stopping_)
        rows = None  # all of X; a hold-out picks rows of X, never copies it
        held_out = None
        if fraction and validation_data is None:
            rows, held = holdout(
                len(X), fraction, stratify=y if self._stratify() else None, seed=seed
            )
            validation_data = held_out = Batches(
                X, y, sample_weight, int(batch_size), rng=None, rows=held
            )
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
            augment=self.augment,
            rows=rows,
        )
        diverged, interrupt = StopOnNaN(), StopOnInterrupt()
        callbacks = self._fit_callbacks
        self._fit_callbacks = [*callbacks, diverged, interrupt]
        if self.do_early_stopping_:
            self._fit_callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor="val_loss",
                    patience=int(self.patience),
                    restore_best_weights=bool(self.restore_best_weights),
                )
            )
        try:
            with interrupt:  # Ctrl-C: stop after the batch, then raise
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
            # TensorFlow keeps each from_generator's generator (our Batches)
            # for the life of the process: without this, every fit would
            # keep its X (measured: fit then predict held both arrays)
            for used in (batches, held_out):
                if used is not None:
                    used.release()
        if diverged.found is not None:
            self._raise_diverged(*diverged.found)

    # scikeras hands keras.Model.predict the whole array, which Keras turns
    # into one tensor (for 1M x 1 kb of uint8 one-hot: 4 GiB more); Batches
    # hands it one batch at a time.  Otherwise this is scikeras' _predict_raw.
    def _predict_raw(self, X, **kwargs):
        if not self.initialized_:
            raise NotFittedError(
                "Estimator needs to be fit before `predict` can be called"
            )
        X, _ = self._validate_data(X=X, y=None)
        X = self.feature_encoder_.transform(X)
        options = route_params(
            self.get_params(),
            destination="predict",
            pass_filter=self._predict_kwargs,
            strict=True,
        )
        options = {k: v for k, v in options.items() if not k.startswith("callbacks")}
        options.update(callbacks=self._predict_callbacks, **kwargs)
        batch_size = int(options.pop("batch_size", None) or 32)
        batch_size = len(X) if batch_size == -1 else batch_size
        n_batches = -(-len(X) // batch_size)
        if n_batches <= EAGER_PREDICT_BATCHES and not (
            options.get("callbacks") or options.get("steps") or options.get("verbose")
        ):  # (callbacks and progress bars: Keras' loop)
            return self._predict_eagerly(X, batch_size)
        # every batch of one shape: Keras traces its predict function once
        with Batches(X, None, None, batch_size, rng=None, pad=True) as batches:
            return _cut(self.model_.predict(batches, **options), len(X))

    def _predict_eagerly(self, X, batch_size):
        """The network on ``X`` batch by batch, without Keras' predict function.

        Keras' ``predict`` traces a ``tf.function`` for every new network; a
        grid search makes a network per fit and scores it on a few batches,
        so TensorFlow traced at nearly every call and warned about
        retracing.  Called eagerly the network runs the same kernels (the
        same values, tested) without a trace.
        """
        outputs = []
        for start in range(0, len(X), batch_size):
            batch = self.model_(X[start : start + batch_size], training=False)
            outputs.append(keras.tree.map_structure(keras.ops.convert_to_numpy, batch))
        return keras.tree.map_structure(lambda *parts: np.concatenate(parts), *outputs)

    def _stratify(self) -> bool:
        """Whether the validation hold-out keeps the proportions of ``y``."""
        return False

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
            "values in X, y or sample_weight, or weights that overflowed (a custom "
            "optimizer or loss)."
        )

    def _check_finite(self, values, what: str):
        """``values`` (one row per sequence), or a ValueError if any is not finite."""
        values = np.asarray(values)
        finite = np.isfinite(values.reshape(len(values), -1)).all(axis=1)
        if not finite.all():
            bad = np.flatnonzero(~finite)
            raise ValueError(
                f"The network gave non-finite {what} for {bad.size} of "
                f"{len(values)} sequences (the first at index {bad[0]}, 0-based): "
                "its weights hold NaN or infinite values (a diverged fit, or a "
                "model loaded or warm-started from one). Refit it, with a smaller "
                "learning_rate if training diverged."
            )
        return values

    # ------------------------------------------------------------------ API
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
        return interpret.saliency(
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


def _cut(outputs, n):
    """The first ``n`` rows of each of Keras' outputs (padding dropped)."""
    return keras.tree.map_structure(lambda out: out[:n], outputs)


def _is_instance(optimizer) -> bool:
    """Whether ``optimizer`` is an optimizer object (not a name or a class)."""
    return not isinstance(optimizer, str | type)
