"""Plain Keras model builders and the network's layout (no estimators here)."""

from __future__ import annotations

import functools

import numpy as np

from ._params import (
    ARCHITECTURES,
    NETWORK_PARAMS,
    POOLINGS,
    STRAND_REDUCTIONS,
    STRANDS,
    Activation,
    architecture_defaults,
    check_params,
    numpydoc,
    signature_parameters,
)
from ._params import get as get_param
from ._validation import check_int

__all__ = [
    "build_cnn",
    "custom_objects",
    "first_conv",
    "reads_both_strands",
    "logit_function",
    "ARCHITECTURES",
    "ARCHITECTURE_PARAMS",
    "POOLINGS",
    "OUTPUTS",
    "STRANDS",
    "STRAND_REDUCTIONS",
]

#: Accepted values of ``output``: the activation of the output layer.
OUTPUTS = ("softmax", "sigmoid", "linear", "exponential")
#: The keyword parameters of :func:`build_cnn` that shape the network.
ARCHITECTURE_PARAMS = NETWORK_PARAMS


def build_cnn(
    input_shape: tuple[int, int],
    n_outputs: int,
    *,
    output: str = "softmax",
    seed: int | None = None,
    **params,
):
    """Build a 1D convolutional network over one-hot sequences.

    ``architecture`` names the layout of the layers that read the sequence;
    each ends in a vector of features per sequence, followed by the same
    head: ``Dense(dense_units, dense_activation)``, ``Dropout(dropout)`` and
    an output layer of ``n_outputs`` units (a softmax over classes, sigmoids
    for labels, linear or exponential for regression).  The first layer is
    always a ``Conv1D(filters, kernel_size, conv_activation)`` without
    padding, whose filters :func:`dnacnn.filter_motifs` reads.

    ``"wide"`` (the default)
        DeepBind's layout (below) with 256 filters of 11 bases: one wide
        convolution, then the global maximum and mean of each filter.  Chosen
        on real ChIP-seq peaks, where it beat ``"cnn"`` and 6-mer counts on
        most sets (the user guide's "Real data" page has the measurements).
    ``"cnn"``
        ``n_conv_layers`` convolutions with ``MaxPooling1D(pool_size)``
        between two of them, then ``pooling``: global max pooling makes the
        network indifferent to where a motif is.
    ``"primer"``
        The same layout with the defaults of the primer tutorial's network
        (Zou et al., Nat Genet 2018): 32 filters of 12 bases, then
        ``MaxPooling1D(4)`` and ``Flatten`` (the tutorial's convolution is
        linear: ``conv_activation=None``).
    ``"deepbind"``
        One convolution, then the global maximum and the global mean of each
        filter together (Alipanahi et al., Nat Biotechnol 2015): whether a
        site is there, and how much of the sequence looks like one.
    ``"basset"``
        ``n_conv_layers`` blocks of convolution, batch normalization and
        ``MaxPooling1D(pool_size)``, the later convolutions half as wide,
        then ``Flatten`` (Kelley et al., Genome Res 2016).
    ``"dilated"``
        A convolution with batch normalization, then ``n_conv_layers``
        residual blocks of 3-wide convolutions dilated 2, 4, 8, ... (BPNet:
        Avsec et al., Nat Genet 2021), then global max and mean pooling.
    ``"danq"``
        A convolution, ``MaxPooling1D(pool_size)``, a bidirectional LSTM of
        ``filters // 2`` units each way reading the motif matches in order
        (Quang & Xie, Nucleic Acids Res 2016), then global max and mean
        pooling.

    With ``strands="both"`` the same layers (shared weights) also read the
    reverse complement of each sequence, and the two strands' features are
    combined by ``strand_reduce`` (a symmetric function), so a sequence and
    its reverse complement get the same output.  The model is returned
    uncompiled.

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
    seed : int or None, default=None
        Seed of the network's own random draws: each kernel initializer and
        the dropout layer get a seed derived from it, so the same seed builds
        the same weights and drops the same units, in any process or thread,
        without touching a global generator.  None draws them at random.
    {network_parameters}

    Returns
    -------
    model : keras.Model
        The uncompiled network, input ``(None, L, C)``, output
        ``(None, n_outputs)``.

    Examples
    --------
    >>> from dnacnn.models import build_cnn
    >>> model = build_cnn(
    ...     (50, 4), 2, architecture="primer", conv_activation=None,
    ...     strands="forward",
    ... )
    >>> [layer.__class__.__name__ for layer in model.layers]
    ['Conv1D', 'MaxPooling1D', 'Flatten', 'Dense', 'Dense']
    >>> model.output_shape
    (None, 2)
    >>> same = build_cnn((50, 4), 2, seed=0), build_cnn((50, 4), 2, seed=0)
    >>> all((a == b).all() for a, b in zip(*(m.get_weights() for m in same)))
    True

    Both strands (the default), one linear output: a sequence and its reverse
    complement score the same, whatever the architecture.

    >>> import numpy as np
    >>> x = np.eye(4, dtype="float32")[np.random.default_rng(0).integers(0, 4, 50)]
    >>> for architecture in ("deepbind", "dilated"):
    ...     model = build_cnn((50, 4), 1, output="linear", seed=0,
    ...                       architecture=architecture)
    ...     forward, reverse = model.predict(np.stack([x, x[::-1, ::-1]]), verbose=0)
    ...     print(architecture, bool(np.allclose(forward, reverse, atol=1e-5)))
    deepbind True
    dilated True
    """
    import keras

    unknown = sorted(set(params) - set(NETWORK_PARAMS))
    if unknown:
        raise TypeError(
            f"build_cnn() got unexpected keyword argument(s) {', '.join(unknown)}; "
            f"it takes {', '.join(NETWORK_PARAMS)}."
        )
    p = resolve_network_params(params)
    _check_architecture(input_shape, n_outputs, output=output, **p)
    if seed is not None:
        check_int(seed, "seed", low=0, high=2**32 - 1)
    seeds = _layer_seeds(seed)
    layers = keras.layers

    def kernel():  # a seeded initializer each (one instance per layer)
        return keras.initializers.GlorotUniform(seed=next(seeds))

    read = _TRUNKS[p["architecture"]](keras, p, kernel, seeds)
    head = []
    if p["dense_units"]:
        head.append(
            layers.Dense(
                p["dense_units"],
                activation=p["dense_activation"],
                kernel_initializer=kernel(),
            )
        )
    if p["dropout"]:
        head.append(layers.Dropout(p["dropout"], seed=next(seeds)))
    head.append(
        layers.Dense(int(n_outputs), activation=output, kernel_initializer=kernel())
    )
    inputs = keras.Input(shape=tuple(int(d) for d in input_shape))
    if p["strands"] == "forward" and hasattr(read, "layers"):
        return keras.Sequential([inputs, *read.layers, *head], name="dnacnn")
    # the forward strand is the shared layers' first call (first_conv's output)
    x = read(inputs)
    if p["strands"] == "both":
        reverse = read(_reverse_complement_layer()()(inputs))
        combine = {"max": layers.Maximum, "mean": layers.Average}[p["strand_reduce"]]
        x = combine(name="strands")([x, reverse])
    for layer in head:
        x = layer(x)
    return keras.Model(inputs, x, name="dnacnn")


def _complete_build_cnn(function):
    """build_cnn's signature and docstring: its network parameters from the table."""
    import inspect

    signature = inspect.signature(function)
    fixed = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    function.__signature__ = signature.replace(
        parameters=fixed + signature_parameters("classifier", NETWORK_PARAMS)
    )
    function.__doc__ = function.__doc__.replace(
        "{network_parameters}",
        numpydoc("classifier", names=NETWORK_PARAMS, kwargs=False),
    )
    return function


build_cnn = _complete_build_cnn(build_cnn)


def resolve_network_params(params) -> dict:
    """``params`` completed: table defaults, then the architecture's values for None.

    The result holds every network parameter, with plain ``int``/``float``
    values where the parameter is a number.
    """
    # build_cnn's defaults: the classifier's (strand_reduce="max")
    p = {name: get_param(name).default_for("classifier") for name in NETWORK_PARAMS}
    p.update(params)
    check_params(p)
    for name, value in architecture_defaults(p["architecture"]).items():
        if p[name] is None:
            p[name] = value
    for name in ("filters", "kernel_size", "n_conv_layers", "pool_size", "dense_units"):
        if p.get(name) is not None:
            p[name] = int(p[name])
    p["dropout"] = float(p["dropout"] or 0.0)
    return p


# --------------------------------------------------------------------------
# the architectures: each returns ``read(x)``, the layers (made once, so that
# both strands share them) from a one-hot batch to a feature vector
# --------------------------------------------------------------------------
def _first_conv(keras, p, kernel):
    return keras.layers.Conv1D(
        p["filters"],
        p["kernel_size"],
        activation=p["conv_activation"],
        kernel_initializer=kernel(),
    )


def _sequential(layers):
    def read(x):
        for layer in layers:
            x = layer(x)
        return x

    read.layers = layers  # a forward-only network of them is a Sequential
    return read


def _max_and_mean(keras):
    """Global max and mean pooling, concatenated (DeepBind's pair)."""
    top = keras.layers.GlobalMaxPooling1D()
    mean = keras.layers.GlobalAveragePooling1D()
    join = keras.layers.Concatenate()
    return lambda x: join([top(x), mean(x)])


def _cnn(keras, p, kernel, seeds):
    layers = keras.layers
    scan = [_first_conv(keras, p, kernel)]
    for _ in range(1, p["n_conv_layers"]):
        scan.append(layers.MaxPooling1D(p["pool_size"]))
        scan.append(
            layers.Conv1D(
                p["filters"],
                p["kernel_size"],
                activation=p["conv_activation"],
                kernel_initializer=kernel(),
            )
        )
    scan += {
        "global_max": [layers.GlobalMaxPooling1D()],
        "global_average": [layers.GlobalAveragePooling1D()],
        "max": [layers.MaxPooling1D(p["pool_size"]), layers.Flatten()],
        "none": [layers.Flatten()],
    }[p["pooling"]]
    return _sequential(scan)


def _deepbind(keras, p, kernel, seeds):
    conv, pool = _first_conv(keras, p, kernel), _max_and_mean(keras)
    return lambda x: pool(conv(x))


def _basset(keras, p, kernel, seeds):
    layers = keras.layers
    scan = [_first_conv(keras, p, kernel)]
    width = max(3, (p["kernel_size"] + 1) // 2)
    for i in range(p["n_conv_layers"]):
        if i:
            scan.append(
                layers.Conv1D(
                    p["filters"],
                    width,
                    padding="same",
                    activation=p["conv_activation"],
                    kernel_initializer=kernel(),
                )
            )
        scan += [layers.BatchNormalization(), layers.MaxPooling1D(p["pool_size"])]
    scan.append(layers.Flatten())
    return _sequential(scan)


def _dilated(keras, p, kernel, seeds):
    layers = keras.layers
    conv, norm = _first_conv(keras, p, kernel), layers.BatchNormalization()
    blocks = [
        (
            layers.Conv1D(
                p["filters"],
                3,
                padding="same",
                dilation_rate=2 ** (i + 1),
                activation=p["conv_activation"],
                kernel_initializer=kernel(),
            ),
            layers.Add(),
        )
        for i in range(p["n_conv_layers"])
    ]
    pool = _max_and_mean(keras)

    def read(x):
        x = norm(conv(x))
        for dilated, add in blocks:
            x = add([x, dilated(x)])
        return pool(x)

    return read


def _danq(keras, p, kernel, seeds):
    layers = keras.layers
    units = max(1, p["filters"] // 2)
    recurrent = layers.Bidirectional(
        layers.LSTM(
            units,
            return_sequences=True,
            kernel_initializer=kernel(),
            recurrent_initializer=keras.initializers.Orthogonal(seed=next(seeds)),
        )
    )
    scan = [
        _first_conv(keras, p, kernel),
        layers.MaxPooling1D(p["pool_size"]),
        recurrent,
    ]
    read, pool = _sequential(scan), _max_and_mean(keras)
    return lambda x: pool(read(x))


_TRUNKS = {
    "wide": _deepbind,
    "cnn": _cnn,
    "primer": _cnn,
    "deepbind": _deepbind,
    "basset": _basset,
    "dilated": _dilated,
    "danq": _danq,
}


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


def _check_architecture(input_shape, n_outputs, *, output, **p) -> None:
    """Raise a clear error for parameters Keras would reject obscurely.

    ``p`` are the resolved network parameters (already checked one by one
    against the parameter table): here, what they mean together.
    """
    from ._validation import check_choice

    check_int(n_outputs, "n_outputs", low=2 if output == "softmax" else 1)
    check_choice(output, "output", OUTPUTS)
    # the table checked the names' types; Keras is loaded now: are they its?
    Activation()(p["dense_activation"], "dense_activation")
    if p["conv_activation"] is not None:
        Activation()(p["conv_activation"], "conv_activation")
    if p["strands"] == "both" and input_shape[1] != 4:
        raise ValueError(
            f"strands='both' reads the reverse complement of one-hot DNA of 4 "
            f"channels (A, C, G, T), but the input has {input_shape[1]} channels "
            "per position; use strands='forward'."
        )
    architecture, kernel_size = p["architecture"], p["kernel_size"]
    pool_size, layers = p["pool_size"], p["n_conv_layers"]
    length = input_shape[0]
    convolutions = layers if architecture in ("cnn", "primer") else 1
    for i in range(convolutions):
        if i:
            length //= pool_size
        if length < kernel_size:
            raise ValueError(
                f"Convolution layer {i + 1} of {convolutions} gets {length} "
                f"positions, fewer than kernel_size={kernel_size}: sequences of "
                f"length {input_shape[0]} are too short for this network. Use a "
                "smaller kernel_size"
                + (", fewer n_conv_layers or a smaller pool_size." if i else ".")
            )
        length -= kernel_size - 1
    pools = {"basset": layers, "danq": 1}.get(architecture, 0)
    if architecture in ("cnn", "primer") and p["pooling"] == "max":
        pools = 1
    if pools and length < pool_size**pools:
        raise ValueError(
            f"The first convolution leaves {length} positions, fewer than the "
            f"{pools} pooling step(s) of pool_size={pool_size} need "
            f"({pool_size**pools}) in architecture={architecture!r}; use a "
            "smaller pool_size"
            + (" or fewer n_conv_layers." if architecture == "basset" else ".")
        )


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
    if not isinstance(last, keras.layers.Dense):
        raise ValueError(
            f"The network {model.name!r} ends in a {type(last).__name__} layer "
            f"with activation {getattr(activation, '__name__', activation)!r}: "
            "logits need a final Dense layer (or a linear output). Use "
            "output='probability'."
        )
    hidden = keras.Model(model.inputs, last.input)
    return lambda x: (
        keras.ops.matmul(hidden(x, training=False), last.kernel) + last.bias
    )
