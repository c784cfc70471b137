"""What every DNACNN estimator shares: parameters, checks, building, training.

:class:`DNACNNBase` is a mixin placed before the scikeras wrapper
(``class DNACNNClassifier(DNACNNBase, KerasClassifier)``).  The parameters
are the table's (:mod:`dnacnn._params`): a head names itself with ``_kind``
and gets an ``__init__`` whose signature (what ``inspect.signature``,
scikit-learn and the documentation read) lists the table's rows for it, and
its docstring's ``{parameters}`` is replaced by their documentation.

scikeras' private surface
-------------------------
scikeras is the wrapper these estimators are built on; where it has no
public hook for what they need, they override a private method of its
``BaseWrapper``.  Each override is listed here, once, and each has a test in
``tests/test_scikeras_overrides.py`` that fails if scikeras stops calling it
the way this module expects (scikeras 0.13).

``_random_state`` (attribute)
    Replaced by a property that is always None (its setter ignores the
    value).  Why: ``_initialize`` sets it, and ``_build_keras_model`` and
    ``_fit_keras_model`` then enter ``tensorflow_random_state``, which turns
    on TensorFlow's op determinism for the whole process and reseeds the
    global generators; the network seeds its own layers
    (``build_cnn(seed=)``) and ``Batches`` its shuffling.
``_validate_data(X, y, reset, y_numeric)``
    Replaced by ``check_onehot`` and the head's ``_validate_targets``.  Why:
    scikeras' ``check_X_y`` knows tables, not one-hot sequences (2-D or 3-D,
    uint8, 4 channels for ``strands="both"``), nor the heads' targets.
``_check_model_param()``
    Replaced: returns ``_keras_build_fn`` when ``model`` is None, else the
    user's callable or network.  Why: scikeras refuses ``model`` in a class
    that defines ``_keras_build_fn`` (its documented hook, which builds the
    built-in networks here).
``_build_keras_model()``
    Extended: scikeras' build (the builder called with the routed
    ``model__*`` parameters, ``meta`` and ``compile_kwargs`` it accepts), then
    the head's output layer, loss and metrics added to a user's network that
    lacks them.
``_fit_keras_model(X, y, sample_weight, warm_start, epochs, initial_epoch)``
    Replaced: trains on ``Batches`` (a seeded ``PyDataset``: shuffling,
    hold-out rows, augmentation) through scikeras' own version, with our
    callbacks (NaN loss, Ctrl-C, early stopping) added to ``_fit_callbacks``.
    Why: scikeras hands Keras arrays, whose shuffling draws from global
    generators, and a hold-out would copy X.
``_predict_raw(X)``
    Replaced: scikeras' version, with ``Batches`` handing ``Model.predict``
    one batch at a time.  Why: scikeras hands it the whole array, which Keras
    turns into one tensor (4 GiB more for 1M x 1 kb of uint8 one-hot).
``__getstate__`` / ``__setstate__``
    Extended: the network is pickled as the bytes of its ``.keras`` archive
    (``_PackedNetwork``) and unpacked after TensorFlow's pools are sized.
    Why: scikeras pickles the network inside the state, so it would be
    rebuilt (TensorFlow's first operations) before ``__setstate__`` runs.
``__repr__``
    Replaced by ``BaseEstimator.__repr__``.  Why: scikeras prints every
    parameter; scikit-learn's repr shows the changed ones.

Private names read, not overridden: ``_fit_callbacks``,
``_predict_callbacks`` and ``_predict_kwargs`` (what scikeras routes to
``fit`` and ``predict``), ``_get_compile_kwargs()``, ``_type_of_target()``,
``scikeras._utils.route_params`` and
``scikeras._saving_utils.pack_keras_model``/``unpack_keras_model``; the tests
of the overrides above go through each of them.  None of these overrides has
a public replacement in scikeras 0.13 (its public hooks, ``_keras_build_fn``,
``target_encoder`` and ``feature_encoder``, are used as documented).
"""

from __future__ import annotations

import inspect
import warnings
from numbers import Integral

import keras
import numpy as np
from scikeras._saving_utils import pack_keras_model, unpack_keras_model
from scikeras._utils import route_params
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from .. import _params, interpret
from .._threads import configure_threads
from .._training import Batches, StopOnInterrupt, StopOnNaN, holdout
from .._validation import check_int, check_onehot
from ..exceptions import DNACNNWarning
from ..models import build_cnn, custom_objects

__all__ = ["DNACNNBase", "EARLY_STOPPING_AUTO"]


class _PackedNetwork:
    """A Keras network as the bytes of its ``.keras`` archive (scikeras' packing)."""

    def __init__(self, network: keras.Model):
        self.data = pack_keras_model(network)[1][0]

    def unpack(self) -> keras.Model:
        # a process that has not built a network has not registered its layers
        with keras.saving.custom_object_scope(custom_objects()):
            return unpack_keras_model(self.data)


#: ``early_stopping="auto"`` stops early from this many training sequences
#: (a tenth held out: 500 to stop on).  Measured on real sets: it lifted GUE
#: mouse_tf0 (6,478 sequences) in 3 of 3 seeds and cost NFE2 (1,288) in 3 of 3.
EARLY_STOPPING_AUTO = 5_000

#: ``predict`` on at most this many batches calls the network eagerly (no
#: ``tf.function`` traced for it); on more, Keras' predict function, traced
#: once per network, is called at least 4 times: TensorFlow warns when 5 of
#: its last 10 calls trace.
EAGER_PREDICT_BATCHES = 3


class DNACNNBase:
    """Mixin of the DNACNN estimators: put it before the scikeras wrapper.

    A head defines ``_head()`` (output units, activation, default loss and
    metrics), its target checks in ``_validate_targets`` and, if it has
    parameters of its own, ``_check_head_params``.
    """

    #: The head's name in the parameter table ("classifier", "regressor").
    _kind: str

    def __init__(self, model=None, **params):
        # The parameters, their defaults and their order are the table's
        # (dnacnn._params); each head's __init__ is this one with its own
        # signature (see __init_subclass__).  scikeras' own parameters go to
        # its __init__; what is left is routed (``optimizer__beta_1``...).
        wrapper, own = {}, {}
        for param in _params.params(self._kind):
            if param.name != "model":
                value = params.pop(param.name, param.default_for(self._kind))
                (wrapper if param.scikeras else own)[param.name] = value
        super().__init__(model=model, **wrapper, **params)
        for name, value in own.items():
            setattr(self, name, value)

    def __init_subclass__(cls, **kwargs):
        # A head names itself (``_kind``): its __init__ gets the signature
        # and its docstring the parameters of the table's rows for it.
        super().__init_subclass__(**kwargs)
        head = cls.__dict__.get("_kind")
        if head is None:
            return
        if "__init__" not in cls.__dict__:

            def __init__(self, model=None, **params):
                DNACNNBase.__init__(self, model, **params)

            model, *rest = _params.signature_parameters(head)
            __init__.__signature__ = inspect.Signature(
                [
                    inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
                    model.replace(kind=inspect.Parameter.POSITIONAL_OR_KEYWORD),
                    *rest,
                    inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD),
                ]
            )
            __init__.__qualname__ = f"{cls.__name__}.__init__"
            __init__.__module__ = cls.__module__
            cls.__init__ = __init__
        if cls.__doc__ and "{parameters}" in cls.__doc__:
            cls.__doc__ = cls.__doc__.replace("{parameters}", _params.numpydoc(head))

    # scikeras override (see the module docstring): no global seeding.
    @property
    def _random_state(self):
        return None

    @_random_state.setter
    def _random_state(self, value):
        pass

    # scikeras override (see the module docstring): the changed parameters.
    __repr__ = BaseEstimator.__repr__

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.input_tags.three_d_array = True
        tags.non_deterministic = False
        return tags

    # ------------------------------------------------------------ pickling
    # scikeras override (see the module docstring): a process that only
    # unpickles and predicts (a Dask worker of predict_dask, a joblib worker)
    # sizes TensorFlow's pools before the network is rebuilt.
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
        """Check the parameters and size TensorFlow's pools: ``fit`` starts here."""
        self._validate_params()
        self._warn_unused_params()
        # fit starts here: TensorFlow's pools are sized before its first op
        configure_threads(self.n_threads)

    def _warn_unused_params(self) -> None:
        """Warn of shape parameters that the network being built will not read."""
        values = {name: getattr(self, name) for name in _params.NETWORK_PARAMS}
        if self.model is None and self.build_fn is None:
            unused = _params.unused_shape_params(values)
            reads = ", ".join(_params.architecture_defaults(self.architecture))
            reader = f"architecture={self.architecture!r} (it reads {reads})"
        else:
            unused = {
                k: values[k] for k in _params.SHAPE_PARAMS if values[k] is not None
            }
            reader = "the network given as model"
        if unused:
            given = ", ".join(f"{k}={v!r}" for k, v in unused.items())
            warnings.warn(
                f"{given}: not used by {reader}, so ignored.",
                DNACNNWarning,
                stacklevel=4,
            )

    def _validate_params(self) -> None:
        """Check every parameter: the table's checks, then what they mean together.

        The checks of ``fit``, without its side effects: :func:`dnacnn.load_model`
        makes them on the parameters a file holds.
        """
        _params.check_params(
            {p.name: getattr(self, p.name) for p in _params.params(self._kind)}
        )
        if self.validation_split is not None and self.validation_fraction is not None:
            raise ValueError(
                "validation_split is an alias of validation_fraction: set one of "
                f"them, not both (got validation_fraction={self.validation_fraction!r}"
                f" and validation_split={self.validation_split!r})."
            )
        explicit = not isinstance(self.early_stopping, str)
        if explicit and self.early_stopping and self._validation_fraction(True) == 0:
            raise ValueError(
                "early_stopping=True monitors the validation loss: set "
                "validation_fraction to a fraction such as 0.1 (or leave it None)."
            )
        self._check_head_params()
        self._seed()

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

    # scikeras override (see the module docstring): one-hot sequences.
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
        units, output, _, _ = self._head()
        model = build_cnn(
            self.input_shape_,
            units,
            output=output,
            **{name: getattr(self, name) for name in _params.NETWORK_PARAMS},
            seed=self._seed(),
        )
        return self._compile(model, compile_kwargs)

    def _compile(self, model, compile_kwargs):
        """Compile ``model`` with the optimizer, and the head's loss and metrics."""
        _, _, loss, metrics = self._head()
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

    # scikeras override (see the module docstring): ``model`` beside
    # _keras_build_fn.
    def _check_model_param(self):
        model = self.model if self.model is not None else self.build_fn
        if model is None:
            return self._keras_build_fn
        if isinstance(model, keras.Model):  # routed model__* parameters unused
            return lambda **_: model
        if callable(model):
            return model
        raise TypeError(
            "model must be None (the network named by architecture), a callable "
            "returning a keras.Model, or a keras.Model; got "
            f"{type(model).__name__} {model!r}."
        )

    # scikeras override (see the module docstring): a network of the user's
    # gets the output layer, loss and metrics it leaves out.
    def _build_keras_model(self):
        network = super()._build_keras_model()
        if self.model is None and self.build_fn is None:
            return network
        return self._complete_network(network)

    def _complete_network(self, network):
        """A user's network, checked, with the head's output layer and compiled."""
        if not isinstance(network, keras.Model):
            raise TypeError(
                f"model must return a keras.Model, but {self.model!r} returned "
                f"{type(network).__name__} {network!r}."
            )
        if len(network.inputs) != 1 or len(network.outputs) != 1:
            raise ValueError(
                f"The network {network.name!r} has {len(network.inputs)} inputs and "
                f"{len(network.outputs)} outputs; dnacnn's estimators need one "
                "input (one-hot sequences) and one output."
            )
        expected = tuple(self.input_shape_)
        given = tuple(network.inputs[0].shape[1:])
        if len(given) != len(expected) or any(
            g is not None and g != e for g, e in zip(given, expected, strict=False)
        ):
            raise ValueError(
                f"The network {network.name!r} takes input of shape (None, "
                f"{', '.join(map(str, given))}), but X has shape (n_samples, "
                f"{', '.join(map(str, expected))}); build it for "
                "keras.Input(shape=meta['input_shape_'])."
            )
        units, output, _, _ = self._head()
        shape = tuple(network.outputs[0].shape[1:])
        if len(shape) != 1:
            raise ValueError(
                f"The network {network.name!r} outputs shape (None, "
                f"{', '.join(map(str, shape))}) per batch; end it with one vector "
                "per sequence (e.g. GlobalMaxPooling1D or Flatten), to which dnacnn "
                f"adds the output layer of {units} unit(s)."
            )
        last = network.layers[-1]
        activation = getattr(getattr(last, "activation", None), "__name__", None)
        has_head = shape[0] == units and activation == output
        compiled = has_head and network.compiled
        if not has_head:
            seed = self._seed()
            head = keras.layers.Dense(
                units,
                activation=output,
                kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
                name="output",
            )
            network = keras.Model(
                network.inputs, head(network.outputs[0]), name=network.name
            )
        if not compiled:
            network = self._compile(network, self._get_compile_kwargs())
        return network

    # ------------------------------------------------------------- training
    # scikeras override (see the module docstring): scikeras' own version
    # trains on Batches, a seeded PyDataset, with our callbacks added.
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

    # scikeras override (see the module docstring): scikeras' _predict_raw,
    # but Batches hands keras.Model.predict one batch at a time.
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
