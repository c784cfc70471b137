"""The built-in architectures and the user's own networks (models, estimators)."""

import keras
import numpy as np
import pytest

from dnacnn import DNACNNClassifier, DNACNNRegressor, one_hot_encode, saliency
from dnacnn._params import ARCHITECTURES
from dnacnn.models import build_cnn, first_conv, logit_function

ALL = tuple(ARCHITECTURES)


def _random_onehot(n, length, seed=0):
    rng = np.random.default_rng(seed)
    return np.eye(4, dtype="float32")[rng.integers(0, 4, (n, length))]


@pytest.mark.parametrize("architecture", ALL)
def test_every_architecture_reads_both_strands_with_shared_weights(architecture):
    X = _random_onehot(3, 101)
    model = build_cnn((101, 4), 1, output="linear", seed=0, architecture=architecture)
    forward = model.predict(X, verbose=0)
    reverse = model.predict(X[:, ::-1, ::-1], verbose=0)
    np.testing.assert_allclose(forward, reverse, rtol=1e-4, atol=1e-5)
    # the forward-only network of the same layout is not symmetric
    one = build_cnn(
        (101, 4),
        1,
        output="linear",
        seed=0,
        architecture=architecture,
        strands="forward",
    )
    assert not np.allclose(
        one.predict(X, verbose=0), one.predict(X[:, ::-1, ::-1], verbose=0)
    )
    # every layout begins with the convolution that filter motifs read
    assert (
        first_conv(model).kernel_size[0] == ARCHITECTURES[architecture]["kernel_size"]
    )


@pytest.mark.parametrize("architecture", ALL)
def test_a_seed_builds_the_same_network(architecture):
    a, b = (build_cnn((60, 4), 2, seed=3, architecture=architecture) for _ in "ab")
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)


def test_shared_parameters_keep_their_meaning_in_each_architecture():
    for architecture in ALL:
        model = build_cnn(
            (80, 4), 2, architecture=architecture, filters=7, kernel_size=5
        )
        conv = first_conv(model)
        assert (conv.filters, conv.kernel_size[0]) == (7, 5), architecture


def test_sequences_too_short_for_an_architecture_are_a_clear_error():
    with pytest.raises(ValueError, match=r"gets 10 positions, fewer than kernel_siz"):
        build_cnn((10, 4), 2, architecture="dilated")
    with pytest.raises(ValueError, match=r"pooling step\(s\) of pool_size=2.*basset"):
        build_cnn((20, 4), 2, architecture="basset")


@pytest.mark.slow
def test_a_shape_parameter_the_network_does_not_read_is_warned_of():
    import warnings

    from dnacnn import DNACNNWarning

    X, y = _random_onehot(16, 30), np.array([0, 1] * 8)
    fast = dict(epochs=1, batch_size=16, verbose=0, random_state=0)
    with pytest.warns(DNACNNWarning) as caught:
        DNACNNClassifier(pooling="max", pool_size=3, **fast).fit(X, y)
    (message,) = [str(w.message) for w in caught if w.category is DNACNNWarning]
    assert message.startswith("pooling='max', pool_size=3: not used by ")
    assert "architecture='wide' (it reads filters, kernel_size," in message
    with pytest.warns(DNACNNWarning, match=r"filters=8: not used by the network"):
        DNACNNClassifier(model=danq_like, filters=8, **fast).fit(X, y)
    # the same parameters where the architecture reads them: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", DNACNNWarning)
        DNACNNClassifier(architecture="cnn", pooling="max", pool_size=3, **fast).fit(
            X, y
        )


def test_an_unknown_architecture_names_the_choices():
    with pytest.raises(ValueError, match=r"architecture must be one of 'wide'"):
        build_cnn((50, 4), 2, architecture="resnet")
    with pytest.raises(ValueError, match=r"architecture must be one of"):
        DNACNNClassifier(architecture="resnet").fit(_random_onehot(8, 30), [0, 1] * 4)


# Epochs to learn the planted motif: training accuracy over random_state 0-2,
# measured, >= 0.987 after 6 epochs for every layout but basset (0.5-0.97
# after 8: its three pooled convolution blocks learn slowest).
LEARNING_EPOCHS = {"basset": 15}


@pytest.fixture(scope="module")
def trained(planted):
    """``trained(architecture)``: a classifier of that layout fitted on the
    planted motif, once per module (read it, never refit it)."""
    X, y = planted
    X = one_hot_encode(X)
    fitted = {}

    def trained(architecture):
        if architecture not in fitted:
            epochs = LEARNING_EPOCHS.get(architecture, 8)
            fitted[architecture] = DNACNNClassifier(
                architecture=architecture,
                epochs=epochs,
                batch_size=32,
                random_state=0,
            ).fit(X, y)
        return fitted[architecture]

    return trained


@pytest.mark.slow
@pytest.mark.parametrize("architecture", ALL)
def test_every_architecture_learns_a_planted_motif_and_is_explained(
    architecture, planted, trained
):
    X, y = planted
    X = one_hot_encode(X)
    clf = trained(architecture)
    assert clf.score(X, y) > 0.9
    np.testing.assert_allclose(
        clf.predict_proba(X), clf.predict_proba(X[:, ::-1, ::-1]), atol=1e-5
    )
    scores = saliency(clf, X[:5], output="logit")
    assert scores.shape == X[:5].shape[:2]


# --------------------------------------------------------------------------
# the user's own network
# --------------------------------------------------------------------------
def danq_like(meta, units=8):
    """A DanQ-like network built in user code: conv, pooling, BiLSTM, pooling."""
    inputs = keras.Input(shape=meta["input_shape_"])
    x = keras.layers.Conv1D(16, 9, activation="relu")(inputs)
    x = keras.layers.MaxPooling1D(3)(x)
    x = keras.layers.Bidirectional(keras.layers.LSTM(units, return_sequences=True))(x)
    return keras.Model(inputs, keras.layers.GlobalMaxPooling1D()(x))


@pytest.mark.slow
def test_a_users_network_gets_the_head_loss_and_routed_parameters(planted):
    X, y = planted
    X = one_hot_encode(X)
    clf = DNACNNClassifier(
        model=danq_like, model__units=4, epochs=10, batch_size=32, random_state=0
    ).fit(X, y)
    assert clf.model_.output_shape == (None, 2)  # the softmax head was added
    assert clf.model_.loss == "sparse_categorical_crossentropy"
    lstm = next(la for la in clf.model_.layers if "bidirectional" in la.name)
    assert lstm.forward_layer.units == 4  # model__units reached the callable
    assert clf.score(X, y) > 0.8
    scores = saliency(clf, X[:3], output="logit")
    assert scores.shape == X[:3].shape[:2]


@pytest.mark.slow
def test_a_compiled_network_with_its_own_head_is_used_as_given(planted):
    X, y = planted
    X = one_hot_encode(X)

    def network(meta):
        inputs = keras.Input(shape=meta["input_shape_"])
        x = keras.layers.GlobalMaxPooling1D()(keras.layers.Conv1D(8, 12)(inputs))
        model = keras.Model(inputs, keras.layers.Dense(1, activation="linear")(x))
        model.compile(optimizer="sgd", loss="mae")
        return model

    reg = DNACNNRegressor(model=network, epochs=2, random_state=0).fit(X, y * 1.0)
    assert reg.model_.loss == "mae"
    assert isinstance(reg.model_.optimizer, keras.optimizers.SGD)
    assert reg.predict(X[:4]).shape == (4,)
    logits = np.asarray(logit_function(reg.model_)(X[:4])).ravel()
    np.testing.assert_allclose(logits, reg.predict(X[:4]), rtol=1e-5)


def test_a_network_of_the_wrong_shape_is_a_clear_error():
    X, y = _random_onehot(8, 30), np.array([0, 1] * 4)

    def per_position(meta):
        inputs = keras.Input(shape=meta["input_shape_"])
        return keras.Model(inputs, keras.layers.Conv1D(4, 3)(inputs))

    with pytest.raises(ValueError, match=r"end it with one vector per sequence"):
        DNACNNClassifier(model=per_position, epochs=1).fit(X, y)

    def wrong_input():
        inputs = keras.Input(shape=(50, 4))
        return keras.Model(inputs, keras.layers.Flatten()(inputs))

    with pytest.raises(ValueError, match=r"takes input of shape \(None, 50, 4\)"):
        DNACNNClassifier(model=wrong_input, epochs=1).fit(X, y)

    with pytest.raises(TypeError, match=r"model must return a keras.Model"):
        DNACNNClassifier(model=lambda: "net", epochs=1).fit(X, y)

    with pytest.raises(TypeError, match=r"model must be None"):
        DNACNNClassifier(model="cnn", epochs=1).fit(X, y)


@pytest.mark.slow
def test_a_users_network_saves_loads_and_predicts_the_same(planted, tmp_path):
    from sklearn.pipeline import make_pipeline

    from dnacnn import DNAOneHotTransformer, load_model, save_model

    X, y = planted
    model = make_pipeline(
        DNAOneHotTransformer(),
        DNACNNClassifier(model=danq_like, model__units=4, epochs=2, random_state=0),
    ).fit(X, y)
    save_model(model, tmp_path / "own.dnacnn")
    loaded = load_model(tmp_path / "own.dnacnn")
    np.testing.assert_allclose(
        loaded.predict_proba(X[:20]), model.predict_proba(X[:20]), rtol=1e-5
    )
    assert isinstance(loaded[-1].model, keras.Model)  # the saved network
    assert loaded[-1].get_params()["model__units"] == 4


@pytest.mark.slow
def test_a_saved_network_with_code_in_it_is_refused_at_load(planted, tmp_path):
    from dnacnn import ModelFileError, load_model, save_model

    X, y = planted
    X = one_hot_encode(X)

    def with_lambda(meta):
        inputs = keras.Input(shape=meta["input_shape_"])
        x = keras.layers.Lambda(lambda t: t * 2.0)(inputs)
        return keras.Model(inputs, keras.layers.GlobalMaxPooling1D()(x))

    clf = DNACNNClassifier(model=with_lambda, epochs=1, random_state=0).fit(X, y)
    save_model(clf, tmp_path / "lambda.dnacnn")
    with pytest.raises(ModelFileError, match=r"lambda\.dnacnn.*(Lambda|safe)"):
        load_model(tmp_path / "lambda.dnacnn")


@pytest.mark.slow
@pytest.mark.parametrize("architecture", ["basset", "dilated", "danq"])
def test_every_architecture_saves_and_loads(architecture, planted, trained, tmp_path):
    from dnacnn import load_model, save_model

    X, _ = planted
    X = one_hot_encode(X[:64])
    clf = trained(architecture)  # fitted above, on the planted motif
    loaded = load_model(save_model(clf, tmp_path / f"{architecture}.dnacnn"))
    np.testing.assert_allclose(loaded.predict_proba(X), clf.predict_proba(X), rtol=1e-5)


# --------------------------------------------------------------------------
# the package's tools on a user's network
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def own_pipeline(planted):
    """A user's DanQ-like network behind the one-hot encoder, fitted once."""
    from sklearn.pipeline import make_pipeline

    from dnacnn import DNAOneHotTransformer

    X, y = planted
    return make_pipeline(
        DNAOneHotTransformer(),
        DNACNNClassifier(model=danq_like, epochs=15, batch_size=32, random_state=0),
    ).fit(X, y)


@pytest.mark.slow
def test_ism_and_motif_discovery_read_a_users_network(own_pipeline, planted):
    from dnacnn import discover_motif, in_silico_mutagenesis

    X, y = planted
    assert own_pipeline.score(X, y) > 0.9
    network = own_pipeline[-1].model_
    onehot = one_hot_encode(X[:2])
    effects = in_silico_mutagenesis(own_pipeline, X[:2], output="logit")
    # by hand: every substitution's logit minus the sequence's, for the class
    # dnacnn explains (the positive one)
    logit = logit_function(network)
    cls = [1, 1]
    for i in range(2):
        mutants = np.repeat(onehot[i : i + 1], 4 * onehot.shape[1], axis=0)
        for p in range(onehot.shape[1]):
            mutants[4 * p : 4 * p + 4, p] = np.eye(4)
        base = np.asarray(logit([onehot[i : i + 1]]))[0, cls[i]]
        changes = np.asarray(logit([mutants]))[:, cls[i]] - base
        np.testing.assert_allclose(effects[i], changes.reshape(-1, 4), atol=1e-4)
    motif = discover_motif(own_pipeline, X, width=12)
    assert motif.consensus in ("CGACCGAACTCC", "GGAGTTCGGTCG")
    # DeepLIFT reads its LSTM too: the contributions add up to the change
    reference = onehot[1]
    scores = saliency(
        own_pipeline, X[:1], method="deeplift_shap", output="logit", baseline=reference
    )
    change = (
        np.asarray(logit([onehot[:1]]))[0, 1]
        - np.asarray(logit([reference[None]]))[0, 1]
    )
    assert abs(change) > 1e-3  # the test can fail
    np.testing.assert_allclose(scores.sum(), change, rtol=1e-4, atol=1e-5)
