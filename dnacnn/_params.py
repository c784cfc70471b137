"""The estimators' parameters: one table that everything else reads.

Each :class:`Param` holds one parameter's facts: its name, its default (per
estimator where they differ), its check, its documentation and its command
line flag.  The estimators' signatures, docstrings and checks at ``fit``,
:func:`dnacnn.models.build_cnn`, the ``dnacnn`` command's options, the model
format's values for files written before a parameter existed and the docs
are all read from :data:`PARAMS`: a default is written once.

The checks are declarative, in the spirit of scikit-learn's
``_parameter_constraints``: a :class:`Param`'s ``check`` is a constraint
(:class:`Int`, :class:`Real`, :class:`Choice`, :class:`Bool`,
:class:`Activation`, or a function), and ``None`` is allowed where
``none`` is set.  The messages are :mod:`dnacnn._validation`'s.

This module imports no TensorFlow (the command line reads it to answer
``--help`` at once).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


def _validation():
    # scikit-learn's check_scalar, imported when a value is checked: reading
    # the table (``dnacnn --help``) imports neither scikit-learn nor Keras
    from . import _validation

    return _validation


__all__ = [
    "ARCHITECTURES",
    "AUGMENTATIONS",
    "HEADS",
    "NETWORK_PARAMS",
    "PARAMS",
    "POOLINGS",
    "STRANDS",
    "SHAPE_PARAMS",
    "STRAND_REDUCTIONS",
    "Param",
    "architecture_defaults",
    "check_params",
    "defaults",
    "numpydoc",
    "params",
    "signature_parameters",
    "unused_shape_params",
]

#: The estimators (heads) the table describes.
HEADS = ("classifier", "regressor")

#: Accepted values of ``pooling``: what follows the last convolution of "cnn".
POOLINGS = ("global_max", "global_average", "max", "none")
#: Accepted values of ``strands``: which strands the filters scan.
STRANDS = ("forward", "both")
#: Accepted values of ``strand_reduce``: how the two strands' features combine.
STRAND_REDUCTIONS = ("max", "mean")
#: Accepted values of ``augment``.
AUGMENTATIONS = (None, "reverse_complement")

#: Each architecture's values of the shape parameters left at None.  A saved
#: model holds its parameters as given (None included) and is rebuilt from
#: them: changing a value here would rebuild older files differently, so a
#: new layout gets a new name instead.
ARCHITECTURES: dict[str, dict[str, Any]] = {
    "wide": {
        "filters": 256,
        "kernel_size": 11,
        "dense_units": 32,
        "dropout": 0.2,
    },
    "cnn": {
        "filters": 64,
        "kernel_size": 19,
        "n_conv_layers": 1,
        "pooling": "global_max",
        "pool_size": 4,
        "dense_units": 16,
        "dropout": 0.0,
    },
    "primer": {
        "filters": 32,
        "kernel_size": 12,
        "n_conv_layers": 1,
        "pooling": "max",
        "pool_size": 4,
        "dense_units": 16,
        "dropout": 0.0,
    },
    "deepbind": {
        "filters": 64,
        "kernel_size": 19,
        "dense_units": 32,
        "dropout": 0.2,
    },
    "basset": {
        "filters": 128,
        "kernel_size": 15,
        "n_conv_layers": 3,
        "pool_size": 2,
        "dense_units": 64,
        "dropout": 0.3,
    },
    "dilated": {
        "filters": 128,
        "kernel_size": 15,
        "n_conv_layers": 3,
        "dense_units": 64,
        "dropout": 0.2,
    },
    "danq": {
        "filters": 128,
        "kernel_size": 19,
        "pool_size": 4,
        "dense_units": 64,
        "dropout": 0.2,
    },
}


def architecture_defaults(architecture: str) -> dict[str, Any]:
    """The values the shape parameters left at None take in ``architecture``."""
    _validation().check_choice(architecture, "architecture", tuple(ARCHITECTURES))
    return dict(ARCHITECTURES[architecture])


#: The shape parameters: those some architecture gives a value (the others
#: use the ones their layout has, and ignore the rest).
SHAPE_PARAMS = tuple(dict.fromkeys(k for a in ARCHITECTURES.values() for k in a))


def unused_shape_params(values: Mapping[str, Any]) -> dict[str, Any]:
    """The shape parameters set in ``values`` that its architecture ignores."""
    used = architecture_defaults(values["architecture"])
    return {
        name: values[name]
        for name in SHAPE_PARAMS
        if name not in used and values.get(name) is not None
    }


# --------------------------------------------------------------------------
# constraints
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Int:
    """An int (not a bool) in ``[low, high]``."""

    low: int | None = None
    high: int | None = None

    def __call__(self, value, name):
        _validation().check_int(value, name, low=self.low, high=self.high)


@dataclass(frozen=True)
class Real:
    """A finite number in the interval from ``low`` to ``high`` (``closed`` ends)."""

    low: float | None = None
    high: float | None = None
    closed: str = "both"

    def __call__(self, value, name):
        _validation().check_real(
            value, name, low=self.low, high=self.high, closed=self.closed
        )


@dataclass(frozen=True)
class Choice:
    """One of ``choices`` (a ValueError naming them otherwise)."""

    choices: tuple

    def __call__(self, value, name):
        _validation().check_choice(value, name, self.choices)


@dataclass(frozen=True)
class Bool:
    """True or False (numpy's too), or one of ``also`` (e.g. ``"auto"``)."""

    also: tuple = ()

    def __call__(self, value, name):
        import numpy as np

        if isinstance(value, bool | np.bool_):
            return
        if isinstance(value, str) and value in self.also:
            return
        allowed = ", ".join([*(repr(a) for a in self.also), "True", "False"])
        raise TypeError(
            f"{name} must be {allowed.replace(', False', ' or False')}, got "
            f"{type(value).__name__} {value!r}."
        )


@dataclass(frozen=True)
class Activation:
    """The name of a Keras activation (checked against Keras when it is loaded)."""

    def __call__(self, value, name):
        if not isinstance(value, str):
            raise TypeError(
                f"{name} must be the name of a Keras activation such as "
                f"'leaky_relu', got {type(value).__name__} {value!r}."
            )
        import sys

        if "keras" not in sys.modules:  # checked again when the network is built
            return
        import keras

        try:
            keras.activations.get(value)
        except ValueError as exc:
            raise ValueError(
                f"{name}={value!r} is not a Keras activation; use a name from "
                "keras.activations, such as 'leaky_relu', 'relu' or 'gelu'."
            ) from exc


def _verbose(value, name):
    if not isinstance(value, bool):  # Keras reads True as 1
        _validation().check_choice(value, name, (0, 1, 2, "auto"))


# --------------------------------------------------------------------------
# the table
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    """One estimator parameter's facts.

    Attributes
    ----------
    name : str
        The keyword.
    default : object
        The default of every estimator that has it, unless ``defaults`` names
        the estimator.
    type : str
        numpydoc's type line (``"int"``, ``"{'max', 'mean'}"``).
    doc : str or dict of str to str
        One short paragraph (per estimator when a dict).
    check : callable or None
        ``check(value, name)`` raises TypeError/ValueError; None: not checked
        here (Keras or scikeras checks it, or the estimator's own code).
    none : bool
        None is allowed (and skips ``check``).
    heads : tuple of str
        The estimators that have it.
    defaults : dict of str to object
        Per-estimator defaults.
    network : bool
        Passed to :func:`dnacnn.models.build_cnn`.
    scikeras : bool
        A parameter of scikeras' wrapper (passed to its ``__init__``).
    legacy, has_legacy : object, bool
        With ``has_legacy``, the value a model file written before the
        parameter existed was fitted with.
    cli : str or None
        The ``dnacnn fit`` flag, if it has one.
    cli_help : str
        The flag's one-line help.
    """

    name: str
    default: Any
    type: str
    doc: str | Mapping[str, str]
    check: Callable[[Any, str], None] | None = None
    none: bool = False
    heads: tuple = HEADS
    defaults: Mapping[str, Any] = field(default_factory=dict)
    network: bool = False
    scikeras: bool = False
    legacy: Any = None
    has_legacy: bool = False
    cli: str | None = None
    cli_help: str = ""

    def default_for(self, head: str):
        """The default of this parameter in ``head``'s estimator."""
        return self.defaults.get(head, self.default)

    def doc_for(self, head: str) -> str:
        return self.doc[head] if isinstance(self.doc, Mapping) else self.doc

    def validate(self, value) -> None:
        """Raise TypeError/ValueError, naming the parameter, if ``value`` is bad."""
        if value is None and self.none:
            return
        if self.check is not None:
            self.check(value, self.name)


_SEE_ARCH = " None: the architecture's value (see ``architecture``)."

PARAMS: tuple[Param, ...] = (
    Param(
        "model",
        None,
        "None, callable or keras.Model",
        "None builds the network named by ``architecture``.  A callable "
        "returning a ``keras.Model`` (compiled or not; scikeras' convention: "
        "it may take ``meta``, ``compile_kwargs`` and routed ``model__*`` "
        "parameters) or a ``keras.Model`` is used instead, and the output "
        "layer, loss and metrics are added when it leaves them out; see the "
        'user guide\'s "Bring your own network".',
        scikeras=True,
    ),
    Param(
        "architecture",
        "wide",
        "{'wide', 'cnn', 'primer', 'deepbind', 'basset', 'dilated', 'danq'}",
        "The network's layout (:func:`dnacnn.models.build_cnn` describes each "
        "and cites its paper): ``'wide'`` one wide convolution, max and mean "
        "pooling together (chosen on real ChIP-seq; see the user guide); "
        "``'cnn'`` one convolution and global max "
        "pooling; ``'primer'`` the tutorial's; ``'deepbind'`` max and mean "
        "pooling together; ``'basset'`` convolution blocks with batch norm; "
        "``'dilated'`` dilated residual blocks (BPNet-like); ``'danq'`` a "
        "convolution and a bidirectional LSTM.  The values the shape "
        "parameters left at None take: "
        + "; ".join(
            f"{name!r}: " + ", ".join(f"{k}={v!r}" for k, v in values.items())
            for name, values in ARCHITECTURES.items()
        )
        + ".",
        Choice(tuple(ARCHITECTURES)),
        network=True,
        legacy="cnn",
        has_legacy=True,
        cli="--architecture",
        cli_help="the network's layout",
    ),
    Param(
        "filters",
        None,
        "int or None",
        "Convolution filters per layer." + _SEE_ARCH,
        Int(low=1),
        none=True,
        network=True,
        cli="--filters",
        cli_help="convolution filters",
    ),
    Param(
        "kernel_size",
        None,
        "int or None",
        "Width of the first convolution, in bases: at least the motif's." + _SEE_ARCH,
        Int(low=1),
        none=True,
        network=True,
        cli="--kernel-size",
        cli_help="width of the first convolution in bases, at least the motif's",
    ),
    Param(
        "n_conv_layers",
        None,
        "int or None",
        "Convolution layers ('cnn'), blocks ('basset') or residual blocks "
        "('dilated'); the others ignore it, with a warning at fit." + _SEE_ARCH,
        Int(low=1),
        none=True,
        network=True,
    ),
    Param(
        "conv_activation",
        "relu",
        "str or None",
        "Activation of the convolutions (None: linear, as in the tutorial).",
        Activation(),
        none=True,
        network=True,
    ),
    Param(
        "pooling",
        None,
        "{'global_max', 'global_average', 'max', 'none'} or None",
        "What follows the last convolution of ``'cnn'`` and ``'primer'``: "
        "global max (or mean) pooling, ``MaxPooling1D(pool_size)`` + "
        "``Flatten``, or ``Flatten``; the others ignore it, with a warning at "
        "fit." + _SEE_ARCH,
        Choice(POOLINGS),
        none=True,
        network=True,
    ),
    Param(
        "pool_size",
        None,
        "int or None",
        "Window of the local max pooling (``'cnn'`` and ``'primer'`` between "
        "layers and for ``pooling='max'``, ``'basset'``, ``'danq'``); the "
        "others ignore it, with a warning at fit." + _SEE_ARCH,
        Int(low=1),
        none=True,
        network=True,
    ),
    Param(
        "dense_units",
        None,
        "int or None",
        "Hidden dense layer width; 0 leaves the layer out." + _SEE_ARCH,
        Int(low=0),
        none=True,
        network=True,
    ),
    Param(
        "dense_activation",
        "leaky_relu",
        "str",
        "Activation of the hidden dense layer (leaky ReLU cannot die at the "
        "start of training; see the user guide).",
        Activation(),
        network=True,
        legacy="relu",
        has_legacy=True,
    ),
    Param(
        "dropout",
        None,
        "float or None",
        "Dropout rate before the output layer." + _SEE_ARCH,
        Real(low=0, high=1, closed="left"),
        none=True,
        network=True,
    ),
    Param(
        "strands",
        "both",
        "{'both', 'forward'}",
        "``'both'``: the same layers (shared weights) read each sequence and "
        "its reverse complement, combined by ``strand_reduce``, so both get "
        "the same prediction; needs one-hot A, C, G, T.  ``'forward'``: the "
        "sequence as given (strand-specific signals, other alphabets).",
        Choice(STRANDS),
        network=True,
        legacy="forward",
        has_legacy=True,
    ),
    Param(
        "strand_reduce",
        "mean",
        "{'max', 'mean'}",
        "How the two strands' features combine with ``strands='both'``: the "
        "maximum keeps the stronger strand (is a site there?), the mean adds "
        "both (how much binding?).",
        Choice(STRAND_REDUCTIONS),
        defaults={"classifier": "max", "regressor": "mean"},
        network=True,
        legacy="max",
        has_legacy=True,
    ),
    Param(
        "augment",
        None,
        "{None, 'reverse_complement'}",
        "``'reverse_complement'`` also trains on each batch's reverse "
        "complements (same targets and weights).",
        Choice(AUGMENTATIONS),
    ),
    Param(
        "learning_rate",
        0.003,
        "float",
        "Learning rate of ``optimizer`` given by name or class (a routed "
        "``optimizer__learning_rate`` takes precedence).",
        Real(low=0, closed="neither"),
        cli="--learning-rate",
        cli_help="Adam's learning rate",
    ),
    Param(
        "loss",
        None,
        "str or None",
        {
            "classifier": "The Keras loss; None: sparse categorical cross-entropy "
            "for one label, binary cross-entropy for multi-label.",
            "regressor": "The Keras loss: ``'mse'``, ``'poisson'`` for counts (an "
            "exponential output), ``'huber'``, or another Keras loss (a linear "
            "output).",
        },
        defaults={"regressor": "mse"},
        scikeras=True,
    ),
    Param(
        "class_weight",
        None,
        "dict, list of dict, 'balanced' or None",
        "Class weights in the loss, as scikit-learn's "
        ":func:`~sklearn.utils.class_weight.compute_sample_weight` reads them "
        "(multi-label: one dict ``{0: w0, 1: w1}`` per label).",
        heads=("classifier",),
        scikeras=True,
    ),
    Param(
        "early_stopping",
        "auto",
        "'auto' or bool",
        "Stop when the held-out loss has not improved for ``patience`` "
        "epochs; ``'auto'``: from 5,000 training sequences (see the user "
        "guide); ``do_early_stopping_`` says what ``fit`` did.",
        Bool(also=("auto",)),
    ),
    Param(
        "patience",
        5,
        "int",
        "Epochs without improvement before early stopping.",
        Int(low=0),
    ),
    Param(
        "restore_best_weights",
        True,
        "bool",
        "With early stopping, end with the weights of the best epoch.",
        Bool(),
    ),
    Param(
        "validation_fraction",
        None,
        "float or None",
        "Fraction of the training data held out at random (stratified for "
        "single-label classification, or a ``DNACNNWarning`` when a class is "
        "too small to be) for ``history_``'s validation metrics and early "
        "stopping; None: 0.1 with early stopping, else nothing.",
        Real(low=0, high=1, closed="left"),
        none=True,
    ),
    Param(
        "validation_split",
        None,
        "float or None",
        "Alias of ``validation_fraction`` (its random hold-out, not Keras' "
        "last rows); set one or the other.",
        Real(low=0, high=1, closed="left"),
        none=True,
        scikeras=True,
        cli="--validation-split",
        cli_help="fraction of the training data held out at random to monitor",
    ),
    Param(
        "optimizer",
        "adam",
        "str or keras optimizer",
        "The Keras optimizer; its parameters route as ``optimizer__name``.",
        scikeras=True,
    ),
    Param(
        "metrics",
        None,
        "list of str or None",
        "Keras metrics recorded in ``history_``.",
        scikeras=True,
    ),
    Param(
        "epochs",
        50,
        "int",
        "Training epochs (at most, with early stopping).",
        Int(low=1),
        scikeras=True,
        cli="--epochs",
        cli_help="training epochs",
    ),
    Param(
        "batch_size",
        256,
        "int",
        "Mini-batch size for training, validation and prediction.",
        Int(low=1),
        scikeras=True,
        cli="--batch-size",
        cli_help="mini-batch size",
    ),
    Param(
        "random_state",
        None,
        "int, RandomState instance or None",
        "Seed of the weights, the dropout, the shuffling and the hold-out, "
        "drawn from the model's own generators (the global ones are left as "
        "they were): the same value gives bit-identical models on CPU.",
        scikeras=True,
    ),
    Param(
        "verbose",
        0,
        "int",
        "0 is silent; 1 shows Keras' progress bar; 2 one line per epoch.",
        _verbose,
        scikeras=True,
    ),
    Param(
        "n_threads",
        None,
        "int or None",
        "TensorFlow's threads in the process that fits; None: the process's "
        "share of the cores (see the user guide on scaling).",
        Int(low=1),
        none=True,
    ),
    Param("warm_start", False, "bool", "As in scikeras.", Bool(), scikeras=True),
    Param(
        "build_fn",
        None,
        "None",
        "Deprecated in scikeras: use ``model``.",
        scikeras=True,
    ),
    Param(
        "validation_batch_size",
        None,
        "int or None",
        "As in scikeras.",
        scikeras=True,
    ),
    Param("callbacks", None, "list or None", "As in scikeras.", scikeras=True),
    Param(
        "shuffle",
        True,
        "bool",
        "Shuffle the training data each epoch.",
        Bool(),
        scikeras=True,
    ),
    Param("run_eagerly", False, "bool", "As in scikeras.", scikeras=True),
)

_BY_NAME = {p.name: p for p in PARAMS}

#: The parameters that shape the network (``build_cnn``'s keywords).
NETWORK_PARAMS = tuple(p.name for p in PARAMS if p.network)


def params(head: str | None = None) -> tuple[Param, ...]:
    """The parameters of ``head``'s estimator (all of them for None)."""
    if head is None:
        return PARAMS
    return tuple(p for p in PARAMS if head in p.heads)


def get(name: str) -> Param:
    """The :class:`Param` called ``name``."""
    return _BY_NAME[name]


def defaults(head: str) -> dict[str, Any]:
    """``{name: default}`` for ``head``'s estimator, in signature order."""
    return {p.name: p.default_for(head) for p in params(head)}


def check_params(values: Mapping[str, Any]) -> None:
    """Check each value of ``values`` that the table knows (others are skipped)."""
    for name, value in values.items():
        if name in _BY_NAME:
            _BY_NAME[name].validate(value)


def numpydoc(head: str, indent: str = "    ", names=None, kwargs=True) -> str:
    """The Parameters section's entries of ``head``'s estimator, in numpydoc.

    ``names`` limits them to those parameters; ``kwargs`` adds scikeras'
    routed ``**kwargs``.  The text stands where a ``{placeholder}`` indented
    by ``indent`` begins.
    """
    chosen = [p for p in params(head) if names is None or p.name in names]
    entries = [
        (f"{p.name} : {p.type}, default={p.default_for(head)!r}", p.doc_for(head))
        for p in chosen
    ]
    if kwargs:
        entries.append(
            (
                "**kwargs",
                "Routed parameters, as in scikeras: ``optimizer__beta_1``, "
                "``fit__validation_freq``, ``model__units``, ...",
            )
        )
    body = "\n".join(
        f"{indent}{title}\n"
        + textwrap.fill(
            doc,
            79,
            initial_indent=indent + "    ",
            subsequent_indent=indent + "    ",
            break_on_hyphens=False,
        )
        for title, doc in entries
    )
    return body[len(indent) :]


def signature_parameters(head: str, names=None):
    """``inspect.Parameter`` objects (keyword-only) of ``head``'s parameters."""
    import inspect

    return [
        inspect.Parameter(
            p.name, inspect.Parameter.KEYWORD_ONLY, default=p.default_for(head)
        )
        for p in params(head)
        if names is None or p.name in names
    ]
