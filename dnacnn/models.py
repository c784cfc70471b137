"""Plain Keras model builders and the network's layout (no estimators here)."""

from __future__ import annotations

import functools

import numpy as np

from ._validation import check_choice, check_int, check_real

__all__ = [
    "build_cnn",
    "custom_objects",
    "first_conv",
    "reads_both_strands",
    "logit_function",
    "ARCHITECTURE_PARAMS",
    "POOLINGS",
    "OUTPUTS",
    "STRANDS",
    "STRAND_REDUCTIONS",
]

#: Accepted values of ``pooling``: what follows the last convolution.
POOLINGS = ("global_max", "global_average", "max", "none")
#: Accepted values of ``output``: the activation of the output layer.
OUTPUTS = ("softmax", "sigmoid", "linear", "exponential")
#: Accepted values of ``strands``: which strands the filters scan.
STRANDS = ("forward", "both")
#: Accepted values of ``strand_reduce``: how the two strands' features combine.
STRAND_REDUCTIONS = ("max", "mean")
#: The keyword parameters of :func:`build_cnn` that shape the network.
ARCHITECTURE_PARAMS = (
    "filters",
    "kernel_size",
    "n_conv_layers",
    "conv_activation",
    "pooling",
    "pool_size",
    "dense_units",
    "dense_activation",
    "dropout",
    "strands",
    "strand_reduce",
)


def build_cnn(
    input_shape: tuple[int, int],
    n_outputs: int,
    *,
    output: str = "softmax",
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
    strand_reduce: str = "max",
    seed: int | None = None,
):
    """Build a 1D convolutional network over one-hot sequences.

    ``n_conv_layers`` blocks of ``Conv1D(filters, kernel_size)``; between two
    blocks a ``MaxPooling1D(pool_size)``; after the last one the ``pooling``
    step, then ``Dense(dense_units, dense_activation)``, ``Dropout(dropout)``
    and an output layer of ``n_outputs`` units: a softmax over classes,
    sigmoids (one independent probability per label) or linear (regression).
    With ``strands="both"`` the same layers up to the pooling step also read
    the reverse complement of each sequence, and the two strands' pooled
    features are combined by ``strand_reduce`` (a symmetric function), so a
    sequence and its reverse complement get the same output.  The model is
    returned uncompiled.

    Parameters
    ----------
    input_shape : tuple of int (L, C)
        Sequence length and channels (4 for one-hot DNA).
    n_outputs : int
        Units of the output layer: the number of classes for a softmax (2 or
        more), of labels for sigmoids, of targets for a linear output.
    output : {"softmax", "sigmoid", "linear", "exponential"}, default="softmax"
        Activation of the output layer (exponential: positive rates, for a
        Poisson loss).
    filters : int, default=64
        Convolution filters per layer.
    kernel_size : int, default=19
        Width of the convolution filters, in bases.
    n_conv_layers : int, default=1
        Number of convolution layers.
    conv_activation : str or None, default="relu"
        Activation of the convolutions; ``None`` or ``"linear"`` for none (the
        primer tutorial's network).
    pooling : {"global_max", "global_average", "max", "none"}, default="global_max"
        After the last convolution: the maximum (or mean) of each filter over
        all positions, which makes the network indifferent to where a motif
        is; ``MaxPooling1D(pool_size)`` then ``Flatten`` (the tutorial's,
        position-aware); or ``Flatten`` alone.
    pool_size : int, default=4
        Window of the local max pooling (between layers, and for ``"max"``).
    dense_units : int, default=16
        Units of the hidden dense layer; 0 leaves it out.
    dense_activation : str, default="leaky_relu"
        Activation of the hidden dense layer.  Leaky ReLU, unlike ReLU,
        passes a gradient for negative inputs: the few units fed by
        global-max-pooled features, which are alike for every sequence at the
        start, cannot all die in the first steps and leave the network at
        chance.
    dropout : float, default=0.0
        Dropout rate before the output layer.
    strands : {"both", "forward"}, default="both"
        ``"both"``: the convolutions and pooling (shared weights) scan the
        sequence and its reverse complement; needs 4 channels (A, C, G, T).
        ``"forward"``: the sequence as given only.
    strand_reduce : {"max", "mean"}, default="max"
        How the two strands' pooled features combine with ``strands="both"``:
        the maximum keeps the stronger strand, the mean adds a site on one
        strand to a site on the other (a count, for regressions of activity).
    seed : int or None, default=None
        Seed of the network's own random draws: each convolution and dense
        kernel initializer and the dropout layer get a seed derived from it,
        so the same seed builds the same weights and drops the same units,
        in any process or thread, without touching a global generator.
        None draws them at random.

    Returns
    -------
    model : keras.Model
        The uncompiled network, input ``(None, L, C)``, output
        ``(None, n_outputs)``.

    Examples
    --------
    >>> from dnacnn.models import build_cnn
    >>> model = build_cnn(
    ...     (50, 4), 2, pooling="max", conv_activation=None, strands="forward"
    ... )
    >>> [layer.__class__.__name__ for layer in model.layers]
    ['Conv1D', 'MaxPooling1D', 'Flatten', 'Dense', 'Dense']
    >>> model.output_shape
    (None, 2)
    >>> same = build_cnn((50, 4), 2, seed=0), build_cnn((50, 4), 2, seed=0)
    >>> all((a == b).all() for a, b in zip(*(m.get_weights() for m in same)))
    True

    Both strands (the default), one linear output: a sequence and its reverse
    complement score the same.

    >>> import numpy as np
    >>> model = build_cnn((50, 4), 1, output="linear", seed=0)
    >>> x = np.eye(4, dtype="float32")[np.random.default_rng(0).integers(0, 4, 50)]
    >>> forward, reverse = model.predict(np.stack([x, x[::-1, ::-1]]), verbose=0)
    >>> bool(np.allclose(forward, reverse, atol=1e-6))
    True
    """
    import keras

    _check_architecture(
        input_shape,
        n_outputs,
        output=output,
        filters=filters,
        kernel_size=kernel_size,
        n_conv_layers=n_conv_layers,
        pooling=pooling,
        pool_size=pool_size,
        dense_units=dense_units,
        dense_activation=dense_activation,
        dropout=dropout,
        strands=strands,
        strand_reduce=strand_reduce,
    )
    if seed is not None:
        check_int(seed, "seed", low=0, high=2**32 - 1)
    filters, kernel_size, pool_size = int(filters), int(kernel_size), int(pool_size)
    dense_units, dropout = int(dense_units), float(dropout)
    seeds = _layer_seeds(seed)
    layers = keras.layers

    def kernel():  # a seeded initializer each (one instance per layer)
        return keras.initializers.GlorotUniform(seed=next(seeds))

    scan = []  # the layers that read one strand, shared by both
    for i in range(n_conv_layers):
        if i:
            scan.append(layers.MaxPooling1D(pool_size))
        scan.append(
            layers.Conv1D(
                filters,
                kernel_size,
                activation=conv_activation,
                kernel_initializer=kernel(),
            )
        )
    scan += {
        "global_max": [layers.GlobalMaxPooling1D()],
        "global_average": [layers.GlobalAveragePooling1D()],
        "max": [layers.MaxPooling1D(pool_size), layers.Flatten()],
        "none": [layers.Flatten()],
    }[pooling]
    head = []
    if dense_units:
        head.append(
            layers.Dense(
                dense_units, activation=dense_activation, kernel_initializer=kernel()
            )
        )
    if dropout:
        head.append(layers.Dropout(dropout, seed=next(seeds)))
    head.append(
        layers.Dense(int(n_outputs), activation=output, kernel_initializer=kernel())
    )
    inputs = keras.Input(shape=tuple(int(d) for d in input_shape))
    if strands == "forward":
        return keras.Sequential([inputs, *scan, *head], name="dnacnn")

    def read(x):
        for layer in scan:
            x = layer(x)
        return x

    # the forward strand is the shared layers' first call (first_conv's output)
    forward = read(inputs)
    reverse = read(_reverse_complement_layer()()(inputs))
    combine = {"max": layers.Maximum, "mean": layers.Average}[strand_reduce]
    x = combine(name="strands")([forward, reverse])
    for layer in head:
        x = layer(x)
    return keras.Model(inputs, x, name="dnacnn")


@functools.cache
def _reverse_complement_layer():
    """The Keras layer class reversing positions and channels (A<->T, C<->G)."""
    import keras

    @keras.saving.register_keras_serializable(package="dnacnn")
    class ReverseComplement(keras.layers.Layer):
        """The reverse complement of one-hot ``(n, L, 4)`` sequences (A, C, G, T).

        Reversing the channel order A, C, G, T gives T, G, C, A: the
        complement of each base, so both axes are reversed.
        """

        def call(self, x):
            return keras.ops.flip(x, axis=(1, 2))

        def compute_output_shape(self, input_shape):
            return input_shape

    return ReverseComplement


def custom_objects() -> dict:
    """The Keras layer classes of dnacnn's networks, by registered name.

    Keras needs them to load a saved network in a process that has not built
    one (``strands="both"`` networks hold a ``ReverseComplement`` layer):
    ``keras.saving.load_model(path, custom_objects=custom_objects())``.

    Examples
    --------
    >>> from dnacnn.models import custom_objects
    >>> sorted(custom_objects())
    ['dnacnn>ReverseComplement']
    """
    import keras

    layer = _reverse_complement_layer()
    return {keras.saving.get_registered_name(layer): layer}


def __getattr__(name):  # ReverseComplement needs Keras: defined when first asked
    if name == "ReverseComplement":
        globals()[name] = cls = _reverse_complement_layer()
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _layer_seeds(seed):
    """Endless per-layer seeds derived from ``seed`` (all None for None).

    Biases start at zero, so only kernels and dropout draw at random.
    """
    if seed is None:
        while True:
            yield None
    rng = np.random.default_rng(seed)
    while True:
        yield int(rng.integers(2**31 - 1))


def _check_architecture(
    input_shape,
    n_outputs,
    *,
    output,
    filters,
    kernel_size,
    n_conv_layers,
    pooling,
    pool_size,
    dense_units,
    dense_activation,
    dropout,
    strands,
    strand_reduce,
) -> None:
    """Raise a clear error for parameters Keras would reject obscurely.

    A value of the wrong type is a ``TypeError``, a bad value a ``ValueError``.
    """
    for name, value, low in (
        ("filters", filters, 1),
        ("kernel_size", kernel_size, 1),
        ("n_conv_layers", n_conv_layers, 1),
        ("pool_size", pool_size, 1),
        ("dense_units", dense_units, 0),
        ("n_outputs", n_outputs, 2 if output == "softmax" else 1),
    ):
        check_int(value, name, low=low)
    check_choice(output, "output", OUTPUTS)
    check_choice(pooling, "pooling", POOLINGS)
    check_choice(strands, "strands", STRANDS)
    check_choice(strand_reduce, "strand_reduce", STRAND_REDUCTIONS)
    _check_activation(dense_activation, "dense_activation")
    if strands == "both" and input_shape[1] != 4:
        raise ValueError(
            f"strands='both' reads the reverse complement of one-hot DNA of 4 "
            f"channels (A, C, G, T), but the input has {input_shape[1]} channels "
            "per position; use strands='forward'."
        )
    check_real(dropout, "dropout", low=0, high=1, closed="left")
    length = input_shape[0]
    for i in range(n_conv_layers):
        if i:
            length //= pool_size
        if length < kernel_size:
            raise ValueError(
                f"Convolution layer {i + 1} of {n_conv_layers} gets {length} "
                f"positions, fewer than kernel_size={kernel_size}: sequences of "
                f"length {input_shape[0]} are too short for this network. Use a "
                "smaller kernel_size, fewer n_conv_layers or a smaller pool_size."
            )
        length -= kernel_size - 1
    if pooling == "max" and length < pool_size:
        raise ValueError(
            f"The last convolution leaves {length} positions, fewer than "
            f"pool_size={pool_size}; use a smaller pool_size or "
            "pooling='global_max'."
        )


def _check_activation(name, parameter: str) -> None:
    """``name`` names a Keras activation (a ``TypeError`` if not a string)."""
    import keras

    if not isinstance(name, str):
        raise TypeError(
            f"{parameter} must be the name of a Keras activation such as "
            f"'leaky_relu', got {type(name).__name__} {name!r}."
        )
    try:
        keras.activations.get(name)
    except ValueError as exc:
        raise ValueError(
            f"{parameter}={name!r} is not a Keras activation; use a name from "
            "keras.activations, such as 'leaky_relu', 'relu' or 'gelu'."
        ) from exc


# --------------------------------------------------------------------------
# the network's layout, for the code that explains it
# --------------------------------------------------------------------------
def first_conv(model):
    """The first ``Conv1D`` layer of ``model`` (the layer that reads the bases).

    Raises
    ------
    ValueError
        If the network has no ``Conv1D`` layer.
    """
    import keras

    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv1D):
            return layer
    raise ValueError(
        f"The network {model.name!r} has no Conv1D layer; filter motifs and the "
        "default seed width need one."
    )


def reads_both_strands(model) -> bool:
    """Whether ``model`` (a network of :func:`build_cnn`) reads both strands.

    Its layers then also read the reverse complement of each sequence
    (``strands="both"``): the first convolution's filters scan both strands.
    """
    layer = _reverse_complement_layer()
    return any(isinstance(each, layer) for each in model.layers)


def logit_function(model):
    """A function of a batch giving the output layer's values before activation.

    For a softmax (or sigmoid) output these are the logits; for a linear
    output, the output itself.  The function holds the layers, not ``model``.
    """
    import keras

    last = model.layers[-1]
    activation = getattr(last, "activation", None)
    if activation is None or activation is keras.activations.linear:
        hidden = keras.Model(model.inputs, last.output)
        return lambda x: hidden(x, training=False)
    hidden = keras.Model(model.inputs, model.layers[-2].output)
    return lambda x: (
        keras.ops.matmul(hidden(x, training=False), last.kernel) + last.bias
    )
