"""saliency(method="deeplift_shap"): DeepLIFT's rescale rule with shuffled references.

The networks are initialised, not trained (seeded weights): the rules are
checked against the change of the network's own output, against gradient x
(input - reference) on a linear network, against DeepLIFT computed by hand in
numpy, and against tangermeme's ``deep_lift_shap`` when it is installed.
"""

import warnings

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from dnacnn import (
    DNACNNClassifier,
    DNACNNRegressor,
    DNAOneHotTransformer,
    dinucleotide_shuffle,
    make_motif_dataset,
    saliency,
)
from dnacnn.exceptions import DNACNNWarning
from dnacnn.models import logit_function

L = 40


@pytest.fixture(scope="module")
def data():
    X, y = make_motif_dataset(n_samples=40, length=L, random_state=0)
    return X, y, DNAOneHotTransformer().fit_transform(X)


def initialized(estimator, data):
    """``estimator`` with seeded, untrained weights (no fit: fast)."""
    _, y, onehot = data
    return estimator.initialize(onehot, y if is_classifier(estimator) else y * 1.0)


def is_classifier(estimator):
    return isinstance(estimator, DNACNNClassifier)


def shuffled(onehot, random_state=0):
    """One dinucleotide shuffle of the first sequence, one-hot."""
    sequence = "".join("ACGT"[i] for i in onehot[0].argmax(-1))
    [text] = dinucleotide_shuffle([sequence], random_state=random_state)
    return DNAOneHotTransformer().fit_transform([text])[0]


def output_of(model, x, output):
    if output == "logit":
        return np.asarray(logit_function(model)(x))[:, 1]
    return np.asarray(model(x, training=False))[:, 1]


ARCHITECTURES = [
    ("cnn", "both"),
    ("primer", "both"),
    ("deepbind", "both"),
    ("basset", "both"),
    ("dilated", "both"),
    ("danq", "both"),
    ("cnn", "forward"),
    ("danq", "forward"),
    ("basset", "forward"),
]


@pytest.mark.parametrize("architecture, strands", ARCHITECTURES)
def test_contributions_add_up_to_the_change_of_the_output(data, architecture, strands):
    clf = initialized(
        DNACNNClassifier(
            architecture=architecture,
            strands=strands,
            strand_reduce="max",
            kernel_size=6,
            dense_activation="gelu",
            random_state=0,
        ),
        data,
    )
    onehot = data[2][:8]
    reference = shuffled(data[2])
    for output in ("logit", "probability"):
        scores = saliency(
            clf, onehot, method="deeplift_shap", baseline=reference, output=output
        )
        change = output_of(clf.model_, onehot, output) - output_of(
            clf.model_, reference[None], output
        )
        np.testing.assert_allclose(scores.sum(axis=1), change, rtol=1e-4, atol=1e-6)
    # 10 shuffles each: no pair's contributions miss its change
    with warnings.catch_warnings():
        warnings.simplefilter("error", DNACNNWarning)
        saliency(clf, onehot, method="deeplift_shap", n_shuffles=10, random_state=0)


def test_equals_gradient_times_difference_on_a_linear_network(data):
    reg = initialized(
        DNACNNRegressor(
            architecture="cnn",
            n_conv_layers=1,
            conv_activation=None,
            pooling="global_average",
            dense_units=0,
            strands="both",
            strand_reduce="mean",
            random_state=0,
        ),
        data,
    )
    onehot = data[2][:10]
    reference = shuffled(data[2])
    deeplift = saliency(reg, onehot, method="deeplift_shap", baseline=reference)
    gradient = saliency(reg, onehot, method="gradient", reduce=None)
    expected = (gradient * (onehot - reference)).sum(axis=-1)
    np.testing.assert_allclose(deeplift, expected, rtol=1e-5, atol=1e-7)


def by_hand(x, reference, kernel, bias, dense):
    """DeepLIFT of Conv1D + ReLU + global max pooling + Dense, in numpy.

    The rescale rule on the ReLU; the maximum's change split at
    ``max(y, y_ref)`` between the input's and the reference's largest
    positions (Captum's and tangermeme's max pooling rule).
    """
    k = kernel.shape[0]
    windows = np.lib.stride_tricks.sliding_window_view

    def conv(s):
        return np.einsum("lck,kcf->lf", windows(s, k, axis=0), kernel) + bias

    z, z0 = conv(x), conv(reference)
    a, a0 = np.maximum(z, 0), np.maximum(z0, 0)
    step = a - a0
    y, y0 = a.max(0), a0.max(0)
    top = np.maximum(y, y0)
    shares = np.zeros_like(a)
    columns = np.arange(a.shape[1])
    shares[a.argmax(0), columns] += dense * (top - y0)
    shares[a0.argmax(0), columns] += dense * (y - top)
    # where a change is (nearly) zero: the gradient, at the input's maximum
    # for the pooling and at the midpoint for the ReLU
    gradient = np.zeros_like(a)
    gradient[a.argmax(0), columns] = dense
    safe = np.abs(step) >= 1e-7
    m_a = np.where(safe, shares / np.where(safe, step, 1), gradient)
    safe = np.abs(z - z0) >= 1e-6
    slope = np.where(safe, step / np.where(safe, z - z0, 1), (z + z0) / 2 > 0)
    m_z = m_a * slope
    m_x = np.zeros_like(x)
    for j in range(k):
        m_x[j : j + len(z)] += m_z @ kernel[j].T
    return (m_x * (x - reference)).sum(-1)


def test_agrees_with_deeplift_by_hand(data):
    reg = initialized(
        DNACNNRegressor(
            architecture="cnn",
            n_conv_layers=1,
            kernel_size=6,
            pooling="global_max",
            dense_units=0,
            strands="forward",
            random_state=0,
        ),
        data,
    )
    conv, dense = reg.model_.layers[0], reg.model_.layers[-1]
    onehot = data[2][:10]
    reference = shuffled(data[2])
    got = saliency(reg, onehot, method="deeplift_shap", baseline=reference)
    expected = [
        by_hand(
            x,
            reference,
            conv.kernel.numpy(),
            conv.bias.numpy(),
            dense.kernel.numpy()[:, 0],
        )
        for x in onehot
    ]
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)


def test_agrees_with_tangermeme_on_the_same_weights(data):
    """Measured: max |difference| ~1e-7 on hypothetical contributions."""
    torch = pytest.importorskip("torch", reason="needs torch for tangermeme")
    tangermeme = pytest.importorskip(
        "tangermeme.deep_lift_shap", reason="needs tangermeme, the reference"
    )
    reg = initialized(
        DNACNNRegressor(
            architecture="cnn",
            n_conv_layers=1,
            kernel_size=6,
            pooling="max",
            pool_size=5,
            dense_units=8,
            dense_activation="leaky_relu",
            strands="forward",
            random_state=0,
        ),
        data,
    )
    conv, _, _, hidden, last = reg.model_.layers
    width = (L - 6 + 1) // 5
    filters = conv.filters
    net = torch.nn.Sequential(
        torch.nn.Conv1d(4, filters, 6),
        torch.nn.ReLU(),
        torch.nn.MaxPool1d(5),
        torch.nn.Flatten(),
        torch.nn.Linear(filters * width, 8),
        torch.nn.LeakyReLU(0.2),  # Keras' leaky_relu, dense_activation
        torch.nn.Linear(8, 1),
    )
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor(conv.kernel.numpy().transpose(2, 1, 0)))
        net[0].bias.copy_(torch.tensor(conv.bias.numpy()))
        # Keras flattens (position, filter); torch (filter, position)
        kernel = hidden.kernel.numpy().reshape(width, filters, 8).transpose(1, 0, 2)
        net[4].weight.copy_(torch.tensor(kernel.reshape(-1, 8).T.copy()))
        net[4].bias.copy_(torch.tensor(hidden.bias.numpy()))
        net[6].weight.copy_(torch.tensor(last.kernel.numpy().T.copy()))
        net[6].bias.copy_(torch.tensor(last.bias.numpy()))
    onehot = data[2][:10]
    reference = shuffled(data[2])
    got = saliency(
        reg, onehot, method="deeplift_shap", baseline=reference, hypothetical=True
    )
    X = torch.tensor(onehot.transpose(0, 2, 1).copy())
    references = torch.tensor(
        np.repeat(reference.T[None, None], len(onehot), axis=0).copy()
    )
    expected = tangermeme.deep_lift_shap(
        net, X, references=references, hypothetical=True, device="cpu"
    )
    np.testing.assert_allclose(
        got, expected.numpy().transpose(0, 2, 1), rtol=1e-4, atol=1e-6
    )


@pytest.fixture(scope="module")
def pipeline(data):
    X, y, onehot = data
    clf = initialized(DNACNNClassifier(kernel_size=6, random_state=0), data)
    return make_pipeline(DNAOneHotTransformer().fit(X), clf)


def test_pipeline_strings_padding_and_n_get_zero(pipeline, data):
    X, _, onehot = data
    options = dict(method="deeplift_shap", n_shuffles=5, random_state=0)
    from_strings = saliency(pipeline, X[:6], **options)
    direct = saliency(pipeline[-1], onehot[:6], batch_size=4, **options)
    np.testing.assert_allclose(from_strings, direct, rtol=1e-5, atol=1e-7)
    with_n = X[0][:10] + "N" + X[0][11:]
    short = X[1][:30]  # padded by the encoder
    scores = saliency(pipeline, [with_n, short], **options)
    assert scores[0][10] == 0 and len(scores[1]) == 30
    assert np.isfinite(scores[1]).all()
    hypothetical = saliency(pipeline, [with_n], hypothetical=True, **options)
    assert hypothetical[0].shape == (L, 4) and (hypothetical[0][10] == 0).all()
    # hypothetical times the one-hot input is the contribution
    np.testing.assert_allclose(
        (hypothetical[0] * onehot[0]).sum(-1)[11:], scores[0][11:], atol=1e-6
    )


def test_warns_when_contributions_miss_the_change(data, monkeypatch):
    from dnacnn import _deeplift

    # every rule falls back to the gradient: gradient x difference, which
    # does not add up through ReLU and max pooling
    monkeypatch.setattr(_deeplift, "EPSILON", 1e9)
    monkeypatch.setattr(_deeplift, "MAX_EPSILON", 1e9)
    clf = initialized(DNACNNClassifier(kernel_size=6, random_state=1), data)
    with pytest.warns(DNACNNWarning, match=r"for \d+ of 8 sequences; the worst"):
        saliency(clf, data[2][:8], method="deeplift_shap", n_shuffles=3)


def lstm_network(meta):
    import keras

    inputs = keras.Input(shape=meta["input_shape_"])
    x = keras.layers.Conv1D(4, 6, activation="relu")(inputs)
    x = keras.layers.Bidirectional(
        keras.layers.LSTM(3, return_sequences=True), merge_mode="ave"
    )(x)
    x = keras.layers.LSTM(2, go_backwards=True, activation="softsign")(x)
    return keras.Model(inputs, x)


def test_a_users_lstms_add_up_whatever_their_options(data):
    clf = initialized(DNACNNClassifier(model=lstm_network, random_state=0), data)
    onehot, reference = data[2][:6], shuffled(data[2])
    scores = saliency(clf, onehot, method="deeplift_shap", baseline=reference)
    change = output_of(clf.model_, onehot, "probability") - output_of(
        clf.model_, reference[None], "probability"
    )
    np.testing.assert_allclose(scores.sum(axis=1), change, rtol=1e-4, atol=1e-6)
    assert np.abs(change).max() > 1e-4  # the test can fail


def gru_network(meta):
    import keras

    inputs = keras.Input(shape=meta["input_shape_"])
    x = keras.layers.Conv1D(4, 6, activation="relu")(inputs)
    x = keras.layers.Bidirectional(keras.layers.GRU(3), name="recurrent")(x)
    return keras.Model(inputs, x)


def test_unsupported_layers_and_options_are_named(data):
    gru = initialized(DNACNNClassifier(model=gru_network, random_state=0), data)
    with pytest.raises(
        ValueError, match=r"'recurrent' \(Bidirectional\): it wraps a GRU.*integrated"
    ):
        saliency(gru, data[2][:2], method="deeplift_shap")
    clf = gru
    with pytest.raises(ValueError, match="hypothetical=True is for"):
        saliency(clf, data[2][:2], hypothetical=True)
    with pytest.raises(ValueError, match="n_shuffles"):
        saliency(clf, data[2][:2], method="deeplift_shap", n_shuffles=0)


def test_discover_motifs_takes_the_attribution(pipeline, data):
    from dnacnn.motifs import _modisco, discover_motifs

    with pytest.raises(ValueError, match="attribution"):
        discover_motifs(pipeline, data[0][:4], attribution="deeplift")
    onehot = data[2][:3]
    for attribution in _modisco.ATTRIBUTIONS:
        hypothetical = _modisco._hypothetical(
            pipeline[-1],
            onehot,
            attribution,
            target=None,
            output="logit",
            batch_size=512,
        )
        assert hypothetical.shape == (3, L, 4) and np.isfinite(hypothetical).all()
        if attribution == "deeplift_shap":
            expected = saliency(
                pipeline[-1],
                onehot,
                method="deeplift_shap",
                hypothetical=True,
                output="logit",
                random_state=0,
            )
            np.testing.assert_array_equal(hypothetical, expected)
