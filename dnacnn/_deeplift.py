"""DeepLIFT's rescale rule on a Keras 3 network, for DeepSHAP attributions.

:func:`deeplift_shap` explains each sequence against references (by default
dinucleotide shuffles of it) with DeepLIFT (Shrikumar et al., 2017): the
network reads a batch that stacks the sequences over their references, and a
copy of it whose nonlinear operations carry DeepLIFT's gradients (built once
per Keras model by :func:`deeplift_network`) gives, by one backward pass, the
multipliers ``m`` whose contributions ``m * (x - reference)`` add up to the
change of the output.  The rules follow tangermeme's ``deep_lift_shap``
(which follows Captum):

* elementwise activations (ReLU, leaky ReLU, ELU, GELU, SiLU, softplus, tanh,
  sigmoid, exponential, ...) by the rescale rule: the gradient becomes
  ``(f(z) - f(z_ref)) / (z - z_ref)``, or the derivative at the midpoint where
  ``|z - z_ref|`` is below ``EPSILON``;
* max pooling (``MaxPooling1D``, ``GlobalMaxPooling1D``, and ``Maximum``, the
  strand merge) as a maximum over windows: the change of each window's
  maximum is routed to the input's and the reference's largest positions,
  split at ``max(y, y_ref)``, and divided by those positions' own changes
  (the ordinary gradient where a change is below ``MAX_EPSILON``);
* a softmax output by the average of its Jacobian along the straight path
  between the two logit vectors (Gauss-Legendre quadrature), a sigmoid or
  exponential output by the rescale rule;
* an ``LSTM`` (alone or in ``Bidirectional``, DanQ's) step by step: its
  gates and activations by the rescale rule, and each product of two changing
  values (gate times candidate, forget gate times the previous cell, output
  gate times the squashed cell) by the Shapley split of its two factors, so
  that its contributions still add up to its change;
* convolutions, dense layers, batch normalization at inference, average
  pooling, flatten, concatenation, residual ``Add``, dropout at inference and
  the reverse complement are linear: their gradients are DeepLIFT's
  multipliers as they are.

Any other layer (a GRU, a user's own layer) raises a ValueError that names
it.  Nothing here touches the model it explains: its copy has weights of its
own, refreshed from the model at every call.
"""

from __future__ import annotations

import warnings
import weakref

import numpy as np
from sklearn.utils import check_random_state

from .exceptions import DNACNNWarning
from .genome import dinucleotide_shuffle

__all__ = ["deeplift_shap", "deeplift_network", "rescale", "known_positions"]

#: Below this change of its input, an activation's multiplier is its
#: derivative at the midpoint (tangermeme's threshold).
EPSILON = 1e-6
#: The same for the positions of a maximum (tangermeme's and Captum's: 1e-6
#: there breaks the summation by up to 4e-4 on a both-strand Basset).
MAX_EPSILON = 1e-7
#: Quadrature nodes of the softmax rule (exact to float32 for logit changes
#: up to about 30).
_SOFTMAX_NODES = 64
#: A pair's convergence delta warns above ATOL + RTOL * max(1, |outputs|).
ATOL, RTOL = 1e-3, 1e-3
#: Names of the Keras activations that act on each value alone.
ELEMENTWISE = frozenset(
    {
        "celu",
        "elu",
        "exponential",
        "gelu",
        "hard_sigmoid",
        "hard_silu",
        "hard_swish",
        "hard_tanh",
        "leaky_relu",
        "log_sigmoid",
        "mish",
        "relu",
        "relu6",
        "selu",
        "sigmoid",
        "silu",
        "soft_shrink",
        "softplus",
        "softsign",
        "sparse_plus",
        "squareplus",
        "swish",
        "tanh",
        "tanh_shrink",
    }
)
_LINEAR_ACTIVATIONS = frozenset({"linear", None})
#: Layers whose gradient is DeepLIFT's multiplier (linear at inference).
_LINEAR_LAYERS = frozenset(
    {
        "InputLayer",
        "Conv1D",
        "Conv2D",
        "SeparableConv1D",
        "DepthwiseConv1D",
        "Conv1DTranspose",
        "Dense",
        "EinsumDense",
        "BatchNormalization",
        "Dropout",
        "SpatialDropout1D",
        "GaussianDropout",
        "GaussianNoise",
        "AlphaDropout",
        "Flatten",
        "Reshape",
        "Permute",
        "Concatenate",
        "Add",
        "Subtract",
        "Average",
        "GlobalAveragePooling1D",
        "AveragePooling1D",
        "Cropping1D",
        "ZeroPadding1D",
        "Identity",
        "ReverseComplement",
        "Activation",
    }
)
#: Layers that apply an activation of their own, rescaled as one.
_ACTIVATION_LAYERS = frozenset({"ReLU", "LeakyReLU", "ELU", "Activation"})

# DeepLIFT copies per fitted Keras model and output kind.
_NETWORKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


# --------------------------------------------------------------------------
# the rules, as TensorFlow functions with DeepLIFT's gradients; each reads a
# batch whose first half are the inputs and second half their references
# --------------------------------------------------------------------------
def rescale(function):
    """``function`` (elementwise) with the rescale rule as its gradient."""
    import tensorflow as tf

    @tf.custom_gradient
    def rescaled(z):
        y = function(z)

        def gradient(upstream):
            z_in, z_ref = tf.split(z, 2)
            y_in, y_ref = tf.split(y, 2)
            step = z_in - z_ref
            small = tf.abs(step) < EPSILON
            slope = (y_in - y_ref) / tf.where(small, tf.ones_like(step), step)
            middle = (z_in + z_ref) / 2
            with tf.GradientTape() as tape:
                tape.watch(middle)
                at_middle = function(middle)
            slope = tf.where(small, tape.gradient(at_middle, middle), slope)
            return upstream * tf.concat([slope, slope], 0)

        return y, gradient

    rescaled.__name__ = f"rescaled_{getattr(function, '__name__', 'activation')}"
    return rescaled


def _max_rule(windows):
    """Maximum over axis 2 of ``(2n, W, p, C)`` windows, with DeepLIFT's gradient.

    The rule of tangermeme's and Captum's max pooling: a window's change
    ``y - y_ref`` is split at ``top = max(y, y_ref)`` into ``top - y_ref``,
    routed to the input's largest position, and ``y - top``, routed to the
    reference's; each position's share divided by its own change is its
    multiplier (the ordinary gradient where that change is below MAX_EPSILON).
    """
    import tensorflow as tf

    @tf.custom_gradient
    def maximum(w):
        y = tf.reduce_max(w, axis=2)

        def gradient(upstream):
            w_in, w_ref = tf.split(w, 2)
            y_in, y_ref = tf.split(y, 2)
            g_in, g_ref = tf.split(upstream, 2)
            top = tf.maximum(y_in, y_ref)
            depth = tf.shape(w)[2]
            at_in = tf.one_hot(tf.argmax(w_in, axis=2), depth, axis=2, dtype=w.dtype)
            at_ref = tf.one_hot(tf.argmax(w_ref, axis=2), depth, axis=2, dtype=w.dtype)
            shares = (
                at_in * (g_in * (top - y_ref))[:, :, None]
                + at_ref * (g_ref * (y_in - top))[:, :, None]
            )
            step = w_in - w_ref
            small = tf.abs(step) < MAX_EPSILON
            multiplier = shares / tf.where(small, tf.ones_like(step), step)
            return tf.concat(
                [
                    tf.where(small, at_in * g_in[:, :, None], multiplier),
                    tf.where(small, at_ref * g_ref[:, :, None], multiplier),
                ],
                0,
            )

        return y, gradient

    return maximum(windows)


def _softmax_rule(logits):
    """Softmax over the last axis of ``(2n, K)`` logits, DeepLIFT-style.

    Its multipliers are the Jacobian averaged along the straight path from
    the reference's logits to the input's (Gauss-Legendre quadrature), so
    they add up to the change of every probability.
    """
    import tensorflow as tf

    nodes, weights = np.polynomial.legendre.leggauss(_SOFTMAX_NODES)
    nodes = tf.constant((nodes + 1) / 2, dtype=logits.dtype)[:, None, None]
    weights = tf.constant(weights / 2, dtype=logits.dtype)[:, None, None]

    @tf.custom_gradient
    def softmax(z):
        p = tf.nn.softmax(z)

        def gradient(upstream):
            z_in, z_ref = tf.split(z, 2)
            path = z_ref[None] + nodes * (z_in - z_ref)[None]
            path = tf.concat([path, path], 1)  # (nodes, 2n, K), once per half
            with tf.GradientTape() as tape:
                tape.watch(path)
                along = tf.nn.softmax(path)
            jacobian = tape.gradient(along, path, output_gradients=weights * upstream)
            return tf.reduce_sum(jacobian, 0)

        return p, gradient

    return softmax(logits)


def _product_rule(a, b):
    """``a * b`` elementwise, each factor credited by the Shapley split.

    The change ``a b - a_ref b_ref`` is ``(a - a_ref)(b + b_ref) / 2 + (b -
    b_ref)(a + a_ref) / 2`` exactly: each factor's multiplier is the mean of
    the other's two values (the Shapley values of a product of two inputs).
    """
    import tensorflow as tf

    @tf.custom_gradient
    def product(a, b):
        def gradient(upstream):
            a_in, a_ref = tf.split(a, 2)
            b_in, b_ref = tf.split(b, 2)
            for_a, for_b = (b_in + b_ref) / 2, (a_in + a_ref) / 2
            return (
                upstream * tf.concat([for_a, for_a], 0),
                upstream * tf.concat([for_b, for_b], 0),
            )

        return a * b, gradient

    return product(a, b)


def _layer_classes():
    """Keras layers standing in for max pooling and LSTMs in the DeepLIFT copy."""
    import keras

    class MaxRulePooling(keras.layers.Layer):
        """``MaxPooling1D`` (``pool_size`` > 0) or global max pooling (0)."""

        def __init__(self, pool_size=0, keepdims=False, **kwargs):
            super().__init__(**kwargs)
            self.pool_size, self.keepdims = pool_size, keepdims

        def call(self, x):
            length, channels = x.shape[1], x.shape[2]
            if self.pool_size:
                n = length // self.pool_size
                windows = keras.ops.reshape(
                    x[:, : n * self.pool_size], (-1, n, self.pool_size, channels)
                )
                return _max_rule(windows)
            y = _max_rule(x[:, None])
            return y if self.keepdims else y[:, 0]

    class MaxRuleMerge(keras.layers.Layer):
        """``Maximum`` of several tensors of one shape."""

        def call(self, inputs):
            shape = tuple(inputs[0].shape[1:])
            size = int(np.prod(shape))
            stacked = keras.ops.stack(
                [keras.ops.reshape(x, (-1, 1, size)) for x in inputs], axis=2
            )
            return keras.ops.reshape(_max_rule(stacked), (-1, *shape))

    class LSTMRule(keras.layers.Layer):
        """An ``LSTM``, or a ``Bidirectional`` pair of them, with DeepLIFT's rules.

        ``directions`` holds each LSTM's config (forward first, as the
        weights are ordered); the gates by the rescale rule, their products
        by :func:`_product_rule`, the rest linear.
        """

        def __init__(self, directions, merge_mode=None, **kwargs):
            super().__init__(**kwargs)
            self.directions, self.merge_mode = directions, merge_mode

        def build(self, input_shape):
            self.cells = []
            for i, config in enumerate(self.directions):
                units = config["units"]
                cell = [
                    self.add_weight(shape=(input_shape[-1], 4 * units), name=f"k{i}"),
                    self.add_weight(shape=(units, 4 * units), name=f"r{i}"),
                ]
                if config["use_bias"]:
                    cell.append(self.add_weight(shape=(4 * units,), name=f"b{i}"))
                self.cells.append(cell)

        def _run(self, config, weights, x):
            import tensorflow as tf

            units = config["units"]
            gate = rescale(keras.activations.get(config["recurrent_activation"]))
            squash = rescale(keras.activations.get(config["activation"]))
            if config["go_backwards"]:
                x = tf.reverse(x, [1])
            z_x = tf.einsum("btc,cu->btu", x, weights[0])
            if len(weights) == 3:
                z_x = z_x + weights[2]
            recurrent = weights[1]

            def step(state, z_t):
                h, c = state
                i, f, g, o = tf.split(z_t + tf.matmul(h, recurrent), 4, axis=-1)
                c = _product_rule(gate(f), c) + _product_rule(gate(i), squash(g))
                return _product_rule(gate(o), squash(c)), c

            start = tf.zeros((tf.shape(x)[0], units), x.dtype)
            # one loop over the steps (a graph of fixed size whatever the length)
            h, _ = tf.scan(step, tf.transpose(z_x, [1, 0, 2]), (start, start))
            if not config["return_sequences"]:
                return h[-1]
            return tf.transpose(h, [1, 0, 2])

        def call(self, x, mask=None, training=None):
            import tensorflow as tf

            runs = [
                self._run(config, weights, x)
                for config, weights in zip(self.directions, self.cells, strict=True)
            ]
            if len(runs) == 1:
                return runs[0]
            forward, backward = runs
            if self.directions[1]["return_sequences"]:
                backward = tf.reverse(backward, [1])  # as Bidirectional aligns it
            if self.merge_mode == "concat":
                return tf.concat([forward, backward], -1)
            if self.merge_mode == "sum":
                return forward + backward
            return (forward + backward) / 2  # "ave"

    return MaxRulePooling, MaxRuleMerge, LSTMRule


# --------------------------------------------------------------------------
# the DeepLIFT copy of a network
# --------------------------------------------------------------------------
def _activation_name(activation):
    if activation is None:
        return None
    return getattr(activation, "__name__", type(activation).__name__)


def _unsupported(layer, why: str) -> ValueError:
    return ValueError(
        f"method='deeplift_shap' has no DeepLIFT rule for layer {layer.name!r} "
        f"({type(layer).__name__}): {why}. It handles elementwise activations, "
        "max and average pooling, convolutions, dense and batch normalization "
        "layers, LSTMs and the strand merge. Use method='integrated_gradients' "
        "(or in_silico_mutagenesis) for this network."
    )


def _lstm_rule(layer, LSTMRule):
    """The DeepLIFT stand-in of an ``LSTM`` or ``Bidirectional(LSTM)`` layer."""
    import keras

    if type(layer).__name__ == "Bidirectional":
        merge_mode = layer.get_config()["merge_mode"]
        if merge_mode not in ("concat", "sum", "ave"):
            raise _unsupported(
                layer, f"merge_mode={merge_mode!r} (concat, sum and ave are handled)"
            )
        inner = [layer.forward_layer, layer.backward_layer]
    else:
        merge_mode, inner = None, [layer]
    directions = []
    for lstm in inner:
        config = lstm.get_config()
        if type(lstm).__name__ != "LSTM":
            raise _unsupported(layer, f"it wraps a {type(lstm).__name__}, not an LSTM")
        if config.get("return_state") or config.get("stateful"):
            raise _unsupported(layer, "return_state and stateful are not handled")
        for key in ("activation", "recurrent_activation"):
            if _activation_name(keras.activations.get(config[key])) not in ELEMENTWISE:
                raise _unsupported(layer, f"its {key} {config[key]!r} is not handled")
        directions.append(
            {
                key: config[key]
                for key in (
                    "units",
                    "activation",
                    "recurrent_activation",
                    "use_bias",
                    "go_backwards",
                    "return_sequences",
                )
            }
        )
    return LSTMRule(directions, merge_mode, name=layer.name)


def deeplift_network(model):
    """The DeepLIFT copy of ``model`` and its final activation's name.

    The copy outputs the last layer's values before its activation (the
    logits); its nonlinear layers carry DeepLIFT's gradients.  Its weights
    are refreshed from ``model`` by :func:`sync_weights`.

    Raises
    ------
    ValueError
        For a layer without a DeepLIFT rule, naming it.
    """
    import keras

    MaxRulePooling, MaxRuleMerge, LSTMRule = _layer_classes()
    last = model.layers[-1]
    pairs = []

    def rebuild(layer):
        kind = type(layer).__name__
        config = layer.get_config()
        if kind == "MaxPooling1D":
            strides = config.get("strides") or config["pool_size"]
            pool = config["pool_size"]
            pool = pool[0] if isinstance(pool, list | tuple) else pool
            strides = strides[0] if isinstance(strides, list | tuple) else strides
            if strides != pool or config.get("padding", "valid") != "valid":
                raise _unsupported(
                    layer, "only non-overlapping windows without padding are handled"
                )
            if config.get("data_format", "channels_last") != "channels_last":
                raise _unsupported(layer, "only channels_last is handled")
            return MaxRulePooling(pool, name=layer.name)
        if kind == "GlobalMaxPooling1D":
            if config.get("data_format", "channels_last") != "channels_last":
                raise _unsupported(layer, "only channels_last is handled")
            return MaxRulePooling(0, config.get("keepdims", False), name=layer.name)
        if kind == "Maximum":
            return MaxRuleMerge(name=layer.name)
        if kind in ("LSTM", "Bidirectional"):
            clone = _lstm_rule(layer, LSTMRule)
            pairs.append((layer, clone))
            return clone
        if kind not in _LINEAR_LAYERS | _ACTIVATION_LAYERS:
            raise _unsupported(layer, "its operation is not known to be linear")
        activation = getattr(layer, "activation", None)
        name = _activation_name(activation)
        if layer is last and "activation" in config:
            config["activation"] = "linear"  # the final activation is applied apart
        elif kind in ("ReLU", "LeakyReLU", "ELU"):
            inner = type(layer).from_config(config)
            return keras.layers.Activation(rescale(inner.call), name=layer.name)
        elif name in ELEMENTWISE:
            config["activation"] = rescale(activation)
        elif name not in _LINEAR_ACTIVATIONS and "activation" in config:
            raise _unsupported(
                layer, f"its activation {name!r} does not act on each value alone"
            )
        clone = type(layer).from_config(config)
        if layer.weights:
            pairs.append((layer, clone))
        return clone

    network = keras.models.clone_model(model, clone_function=rebuild)
    final = (
        _activation_name(getattr(last, "activation", None))
        if "activation" in last.get_config()
        else None
    )
    return network, final, pairs


def _final(name: str | None, output: str):
    """The function of the logits that is explained, per ``output``."""
    if output == "logit" or name in _LINEAR_ACTIVATIONS:
        return lambda z: z
    if name == "softmax":
        return _softmax_rule
    if name in ELEMENTWISE:
        import keras

        return rescale(keras.activations.get(name))
    raise ValueError(
        f"method='deeplift_shap' cannot explain the probability of an output "
        f"activation {name!r}; use output='logit'."
    )


def _compiled(model, output: str) -> dict:
    per_model = _NETWORKS.setdefault(model, {})
    if output not in per_model:
        per_model[output] = _compile(model, output)
    return per_model[output]


def _compile(model, output: str) -> dict:
    import tensorflow as tf

    network, final_name, pairs = deeplift_network(model)
    final = _final(final_name, output)
    signature = [
        tf.TensorSpec([None, *model.input_shape[1:]], tf.float32),
        tf.TensorSpec([None, *model.input_shape[1:]], tf.float32),
        tf.TensorSpec([None], tf.int32),
    ]

    @tf.function(input_signature=signature)
    def multipliers(x, reference, targets):
        both = tf.concat([x, reference], 0)
        with tf.GradientTape() as tape:
            tape.watch(both)
            logits = network(both, training=False)
            if final_name == "softmax" and output != "logit":
                scores = final(logits)
            else:
                scores = logits
            scores = tf.gather(scores, tf.concat([targets, targets], 0), batch_dims=1)
            if final_name != "softmax" or output == "logit":
                scores = final(scores)
        n = tf.shape(x)[0]
        return tape.gradient(scores, both)[:n], scores[:n], scores[n:]

    # the copy's weights hold the model's (weakly: the cache is keyed by it)
    sources = [(weakref.ref(layer), clone) for layer, clone in pairs]

    def sync():
        for source, clone in sources:
            clone.set_weights(source().get_weights())

    return {"multipliers": multipliers, "sync": sync}


# --------------------------------------------------------------------------
# references and the DeepSHAP average
# --------------------------------------------------------------------------
def known_positions(X) -> np.ndarray:
    """Where each one-hot sequence holds one base: ``(n, L)`` bool."""
    return (X.max(axis=-1) == 1) & (X.sum(axis=-1) == 1)


def shuffled_references(X, known, n_shuffles: int, rng) -> np.ndarray:
    """``n_shuffles`` dinucleotide shuffles of each sequence: ``(n, k, L, C)``.

    The bases of each sequence are shuffled among its known positions; at
    the others (``N``, padding) the reference is the input itself, so their
    change, and so their contribution, is zero.
    """
    n, L, C = X.shape
    letters = np.array([chr(0x100 + c) for c in range(C)])
    codes = X.argmax(axis=-1)
    references = np.repeat(X[:, None], n_shuffles, axis=1)
    eye = np.eye(C, dtype=X.dtype)
    for i in range(n):
        where = np.flatnonzero(known[i])
        if where.size < 3:
            continue
        sequence = "".join(letters[codes[i, where]])
        for j, shuffle in enumerate(
            dinucleotide_shuffle([sequence], n_shuffles, random_state=rng)
        ):
            bases = np.frombuffer(shuffle.encode("utf-32-le"), dtype=np.uint32) - 0x100
            references[i, j, where] = eye[bases]
    return references


def deeplift_shap(
    model,
    X,
    targets,
    *,
    output: str,
    n_shuffles: int,
    baseline,
    hypothetical: bool,
    random_state,
    batch_size: int,
    progress=None,
) -> np.ndarray:
    """DeepSHAP per channel ``(n, L, C)``: contributions, or hypothetical ones.

    ``baseline`` is None (dinucleotide shuffles) or one reference ``(L, C)``.
    At most ``batch_size`` sequences and references together go through the
    network at once; each sequence's references are averaged before the
    next sequences start.  Warns (``DNACNNWarning``) when the contributions
    of a sequence-reference pair miss the change of the output.
    """
    functions = _compiled(model, output)
    functions["sync"]()
    n, L, C = X.shape
    known = known_positions(X)
    rng = check_random_state(random_state)
    k = 1 if baseline is not None else n_shuffles
    pairs = max(1, batch_size // 2)  # inputs and references: 2 per pair
    per_chunk = max(1, pairs // k)
    result = np.empty(X.shape, dtype=np.float32)
    worst = np.zeros(n)
    tolerance = np.zeros(n)
    for start in range(0, n, per_chunk):
        stop = min(start + per_chunk, n)
        x = X[start:stop]
        if baseline is None:
            references = shuffled_references(x, known[start:stop], k, rng)
        else:
            references = np.where(known[start:stop, :, None], baseline, x)[:, None]
        flat_x = np.repeat(x, k, axis=0)
        flat_ref = references.reshape(-1, L, C)
        flat_t = np.repeat(targets[start:stop], k)
        m = np.empty(flat_x.shape, dtype=np.float32)
        delta = np.empty(len(flat_x))
        scale = np.empty(len(flat_x))
        for i in range(0, len(flat_x), pairs):
            got, s_in, s_ref = functions["multipliers"](
                flat_x[i : i + pairs], flat_ref[i : i + pairs], flat_t[i : i + pairs]
            )
            got = got.numpy()
            m[i : i + pairs] = got
            s_in, s_ref = s_in.numpy(), s_ref.numpy()
            summed = (got * (flat_x[i : i + pairs] - flat_ref[i : i + pairs])).sum(
                axis=(1, 2), dtype=np.float64
            )
            delta[i : i + pairs] = summed - (s_in.astype(np.float64) - s_ref)
            scale[i : i + pairs] = np.maximum(
                1.0, np.maximum(np.abs(s_in), np.abs(s_ref))
            )
        # hypothetical contribution of base b: sum_c (e_b - reference_c) * m_c
        projected = m - (m * flat_ref).sum(axis=-1, keepdims=True)
        projected = projected.reshape(stop - start, k, L, C).mean(axis=1)
        projected *= known[start:stop, :, None]
        result[start:stop] = projected if hypothetical else projected * x
        delta = np.abs(delta).reshape(stop - start, k)
        over = delta - (ATOL + RTOL * scale.reshape(stop - start, k))
        worst[start:stop] = delta.max(axis=1)
        tolerance[start:stop] = over.max(axis=1)
        if progress is not None:
            progress.update(stop)
    _check_convergence(worst, tolerance)
    return result


def _check_convergence(worst: np.ndarray, over: np.ndarray) -> None:
    bad = np.flatnonzero(over > 0)
    if bad.size:
        i = int(bad[np.argmax(worst[bad])])
        warnings.warn(
            f"DeepLIFT's contributions miss the change of the output from a "
            f"reference by more than {ATOL:g} + {RTOL:g} * max(1, |output|) for "
            f"{bad.size} of {len(worst)} sequences; the worst convergence delta "
            f"is {worst[i]:.3g} (sequence {i}, 0-based). The rules are exact "
            "for the layers they handle, so this points to a layer whose rule "
            "only approximates it, or to overflow; compare with "
            "method='integrated_gradients'.",
            DNACNNWarning,
            stacklevel=3,
        )
