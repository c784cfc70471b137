"""DNACNNClassifier on its own: fit, predict, parameters, input, persistence."""

import pickle

import joblib
import numpy as np
import pytest
from fits import FAST
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import cross_validate

from dnacnn import DNACNNClassifier, DNAOneHotTransformer, make_motif_dataset
from dnacnn._training import holdout

# planted_onehot (300 x 30 bp, one-hot) and planted_classifier (fitted on it
# with FAST) are conftest's, shared with other modules.


# ----------------------------------------------------------------- basics
@pytest.mark.slow
def test_fit_predict_proba_and_score(planted_classifier, planted_onehot):
    X, y = planted_onehot
    assert planted_classifier.classes_.tolist() == [0, 1]
    proba = planted_classifier.predict_proba(X)
    assert proba.shape == (300, 2) and proba.dtype.kind == "f"
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(planted_classifier.predict(X), proba.argmax(axis=1))
    assert planted_classifier.score(X, y) > 0.95
    assert planted_classifier.predict_proba(X[:1]).shape == (1, 2)
    assert (
        planted_classifier.n_features_in_ == 30
        and planted_classifier.input_shape_ == (30, 4)
    )
    assert planted_classifier.model_.output_shape == (None, 2)
    assert set(planted_classifier.history_) == {"loss", "accuracy"}
    assert len(planted_classifier.history_["loss"]) == FAST["epochs"]


@pytest.mark.slow
def test_string_labels_and_multiclass():
    X_a, y_a = make_motif_dataset(200, 30, "CGACCGAACTCC", random_state=1)
    X_b, y_b = make_motif_dataset(200, 30, "TTTAGGCATGCA", random_state=2)
    X = np.concatenate([X_a, X_b[y_b == 1]])
    labels = np.array(["none", "motif-a", "motif-b"], dtype=object)
    y = np.concatenate([np.where(y_a == 1, "motif-a", "none"), ["motif-b"] * 100])
    enc = DNAOneHotTransformer()
    clf = DNACNNClassifier(**FAST, random_state=0).fit(enc.fit_transform(X), y)
    assert sorted(clf.classes_.tolist()) == sorted(labels.tolist())
    proba = clf.predict_proba(enc.transform(X))
    assert proba.shape == (300, 3)
    predicted = clf.predict(enc.transform(X))
    np.testing.assert_array_equal(predicted, clf.classes_[proba.argmax(axis=1)])
    assert (predicted == y).mean() > 0.9


@pytest.mark.slow
def test_is_a_classifier_so_cv_is_stratified(planted_onehot):
    assert is_classifier(DNACNNClassifier())
    X, _ = planted_onehot
    # sorted labels: plain KFold would give test folds of a single class
    folds = cross_validate(
        DNACNNClassifier(epochs=1, kernel_size=5),
        X[:100],
        np.r_[np.zeros(80, int), np.ones(20, int)],
        cv=5,
        return_indices=True,
    )["indices"]["test"]
    assert [int((idx >= 80).sum()) for idx in folds] == [4] * 5


def test_not_fitted():
    with pytest.raises(NotFittedError):
        DNACNNClassifier().predict(np.zeros((2, 30, 4), np.float32))


# ------------------------------------------------------------- parameters
@pytest.mark.slow
def test_tutorial_network_is_reachable_by_parameters(planted_onehot):
    X, y = planted_onehot
    clf = DNACNNClassifier(
        architecture="cnn",
        filters=32,
        kernel_size=12,
        conv_activation=None,
        pooling="max",
        pool_size=4,
        dense_units=16,
        dense_activation="relu",
        strands="forward",
        learning_rate=0.001,
        epochs=1,
        batch_size=32,
        random_state=0,
    ).fit(X[:64], y[:64])
    layers = clf.model_.layers
    assert [type(layer).__name__ for layer in layers] == [
        "Conv1D",
        "MaxPooling1D",
        "Flatten",
        "Dense",
        "Dense",
    ]
    conv, pool, _, hidden, out = layers
    assert (conv.filters, conv.kernel_size, conv.activation.__name__) == (
        32,
        (12,),
        "linear",
    )
    assert pool.pool_size == (4,)
    assert (hidden.units, hidden.activation.__name__) == (16, "relu")
    assert (out.units, out.activation.__name__) == (2, "softmax")
    optimizer = clf.model_.optimizer
    assert type(optimizer).__name__ == "Adam"
    assert float(optimizer.learning_rate) == pytest.approx(0.001)  # Keras' Adam
    assert not clf.do_early_stopping_


@pytest.mark.slow
def test_architecture_parameters_change_the_network(planted_onehot):
    X, y = planted_onehot
    clf = DNACNNClassifier(
        architecture="cnn",
        n_conv_layers=2,
        kernel_size=5,
        filters=8,
        dropout=0.3,
        dense_activation="tanh",
        strands="forward",
        epochs=1,
    ).fit(X[:40], y[:40])
    names = [type(layer).__name__ for layer in clf.model_.layers]
    assert names == [
        "Conv1D",
        "MaxPooling1D",
        "Conv1D",
        "GlobalMaxPooling1D",
        "Dense",
        "Dropout",
        "Dense",
    ]
    assert clf.model_.layers[4].activation.__name__ == "tanh"


@pytest.mark.slow
def test_the_default_network_reads_both_strands_through_one_scan(planted_onehot):
    X, y = planted_onehot
    clf = DNACNNClassifier(filters=8, epochs=1).fit(X[:40], y[:40])
    layers = {type(layer).__name__: layer for layer in clf.model_.layers}
    assert list(layers) == [
        "InputLayer",
        "ReverseComplement",
        "Conv1D",  # one layer, called on each strand: shared weights
        "GlobalMaxPooling1D",  # architecture="wide": each filter's maximum
        "GlobalAveragePooling1D",  # ... and its mean
        "Concatenate",
        "Maximum",  # strand_reduce="max", the classifier's default
        "Dense",
        "Dropout",
    ]
    hidden, output = (
        layer for layer in clf.model_.layers if layer.name.startswith("dense")
    )
    assert (hidden.units, hidden.activation.__name__) == (32, "leaky_relu")
    assert len(layers["Conv1D"]._inbound_nodes) == 2


@pytest.mark.slow
def test_learning_rate_and_routed_optimizer_parameters(planted_onehot):
    X, y = planted_onehot
    clf = DNACNNClassifier(epochs=1, learning_rate=0.05).fit(X[:40], y[:40])
    assert float(clf.model_.optimizer.learning_rate.numpy()) == pytest.approx(0.05)
    clf.set_params(optimizer__learning_rate=0.002, optimizer="sgd")
    assert clf.get_params()["optimizer__learning_rate"] == 0.002
    clf.fit(X[:40], y[:40])
    assert type(clf.model_.optimizer).__name__ == "SGD"
    assert float(clf.model_.optimizer.learning_rate.numpy()) == pytest.approx(0.002)
    assert clone(clf).get_params()["optimizer__learning_rate"] == 0.002


@pytest.fixture(scope="module")
def early_stopped(planted_onehot):
    """One early-stopping fit, shared by the tests that need one."""
    X, y = planted_onehot
    return DNACNNClassifier(
        **{**FAST, "epochs": 300, "learning_rate": 0.05},
        validation_split=0.25,
        early_stopping=True,
        patience=3,
        restore_best_weights=True,
        random_state=0,
    ).fit(X, y)


@pytest.mark.slow
def test_validation_split_and_early_stopping(early_stopped, planted_onehot):
    X, y = planted_onehot
    history = early_stopped.history_
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert 3 < len(history["val_loss"]) < 300
    with pytest.raises(ValueError, match="set validation_fraction to a fraction"):
        DNACNNClassifier(early_stopping=True, validation_fraction=0.0).fit(X, y)
    with pytest.raises(ValueError, match="alias of validation_fraction: set one"):
        DNACNNClassifier(validation_fraction=0.2, validation_split=0.2).fit(X, y)
    # early stopping alone holds out MLPClassifier's 0.1
    clf = DNACNNClassifier(epochs=2, kernel_size=5, early_stopping=True).fit(X, y)
    assert len(clf.history_["val_loss"]) == 2


def test_early_stopping_auto_is_on_from_five_thousand_sequences():
    assert DNACNNClassifier().early_stopping == "auto"
    # as documented: on from 5,000 training sequences, unless nothing is held out
    assert not DNACNNClassifier()._early_stopping(4_999)
    assert DNACNNClassifier()._early_stopping(5_000)
    assert not DNACNNClassifier(validation_fraction=0.0)._early_stopping(5_000)


@pytest.mark.slow
def test_early_stopping_auto_turns_on_from_five_thousand_sequences(
    planted_onehot, monkeypatch
):
    from dnacnn.estimators import _base

    X, y = planted_onehot
    params = dict(epochs=2, kernel_size=5, filters=4)
    small = DNACNNClassifier(**params).fit(X, y)  # fewer: all rows train
    assert not small.do_early_stopping_ and "val_loss" not in small.history_
    monkeypatch.setattr(_base, "EARLY_STOPPING_AUTO", len(X))
    large = DNACNNClassifier(**params).fit(X, y)
    assert large.do_early_stopping_ and len(large.history_["val_loss"]) == 2
    # no hold-out, nothing to stop on: "auto" stays off (True is an error)
    off = DNACNNClassifier(**params, validation_fraction=0.0).fit(X, y)
    assert not off.do_early_stopping_
    with pytest.raises(TypeError, match="early_stopping must be 'auto', True or"):
        DNACNNClassifier(early_stopping="yes").fit(X, y)


@pytest.mark.slow
def test_early_stopping_restores_the_best_weights(early_stopped, planted_onehot):
    X, y = planted_onehot
    # the rows held out: drawn from random_state, stratified by class
    _, held_out = holdout(len(X), 0.25, stratify=y, seed=0)
    loss = early_stopped.model_.evaluate(X[held_out], y[held_out], verbose=0)[0]
    history = early_stopped.history_["val_loss"]
    assert loss == pytest.approx(min(history), rel=1e-4)
    assert loss < history[-1]  # the last epoch was worse


@pytest.mark.parametrize("y", [[0] * 19 + [1], [0] * 10 + [1] * 9 + [2]])
def test_a_hold_out_that_cannot_be_stratified_says_so(y):
    from dnacnn.exceptions import DNACNNWarning

    y = np.array(y)
    rare = int(y[-1])
    with pytest.warns(
        DNACNNWarning, match=rf"not stratified by class \(class {rare!r} has 1 sample"
    ):
        holdout(len(y), 0.2, stratify=y, seed=0)


@pytest.mark.slow
def test_fit_warns_when_validation_split_cannot_stratify():
    from dnacnn.exceptions import DNACNNWarning

    X, y = make_motif_dataset(n_samples=20, length=24, random_state=0)
    y = np.where(np.arange(20) == 3, 1, 0)
    with pytest.warns(DNACNNWarning, match="validation_split"):
        DNACNNClassifier(epochs=1, kernel_size=8, validation_split=0.2).fit(
            DNAOneHotTransformer().fit_transform(X), y
        )


@pytest.mark.slow
def test_sample_weight_and_class_weight_leave_inputs_alone(planted_onehot):
    X, y = planted_onehot
    weights = np.ones(len(y))
    before = weights.copy()
    X_before = X.copy()
    DNACNNClassifier(epochs=1, class_weight={0: 1.0, 1: 3.0}).fit(
        X, y, sample_weight=weights
    )
    np.testing.assert_array_equal(weights, before)
    np.testing.assert_array_equal(X, X_before)
    # Weighting one class away makes the model predict the other.
    clf = DNACNNClassifier(**FAST, random_state=0, class_weight={0: 1.0, 1: 1e-6})
    assert (clf.fit(X, y).predict(X) == 0).mean() > 0.9


@pytest.mark.slow
def test_sample_weight_changes_the_fit_and_partial_fit_keeps_it(planted_onehot):
    X, y = planted_onehot
    # zero weight on every bound sequence: the model only learns "unbound"
    weights = np.where(y == 1, 0.0, 1.0)
    clf = DNACNNClassifier(**FAST, random_state=0).fit(X, y, sample_weight=weights)
    assert (clf.predict(X) == 0).mean() > 0.95
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        DNACNNClassifier(epochs=1, class_weight="balanced").fit(
            X, y, sample_weight=np.ones(10)
        )
    ones = np.ones(len(y))
    clf = DNACNNClassifier(epochs=1, class_weight={0: 1.0, 1: 3.0})
    clf.partial_fit(X, y, sample_weight=ones)
    clf.partial_fit(X, y, sample_weight=ones)
    np.testing.assert_array_equal(ones, 1.0)
    assert len(clf.history_["loss"]) == 2


@pytest.mark.slow
def test_class_weight_is_applied_once(planted_onehot):
    X, y = planted_onehot
    weighted = DNACNNClassifier(**FAST, random_state=0, class_weight={0: 1, 1: 3})
    by_sample = DNACNNClassifier(**FAST, random_state=0)
    weights = np.where(y == 1, 3.0, 1.0)
    np.testing.assert_array_equal(
        weighted.fit(X, y).predict_proba(X),
        by_sample.fit(X, y, sample_weight=weights).predict_proba(X),
    )


@pytest.mark.slow
def test_verbose_shows_keras_progress(planted_onehot, capsys):
    X, y = planted_onehot
    DNACNNClassifier(epochs=2, verbose=1).fit(X[:40], y[:40])
    out = capsys.readouterr().out
    assert "Epoch 2/2" in out and "━" in out  # Keras' progress bar
    DNACNNClassifier(epochs=2, verbose=2).fit(X[:40], y[:40])
    assert "Epoch 2/2" in capsys.readouterr().out
    DNACNNClassifier(epochs=2, verbose=0).fit(X[:40], y[:40])
    assert "Epoch" not in capsys.readouterr().out
    DNACNNClassifier(epochs=2, verbose=True).fit(X[:40], y[:40])  # as Keras' 1
    assert "Epoch 2/2" in capsys.readouterr().out


@pytest.mark.slow
def test_validation_runs_in_batches_of_batch_size(planted_onehot):
    import keras

    X, y = planted_onehot

    class CountValidationBatches(keras.callbacks.Callback):
        batches = 0

        def on_test_batch_end(self, batch, logs=None):
            CountValidationBatches.batches += 1

    DNACNNClassifier(
        epochs=1,
        batch_size=100,
        validation_split=0.5,
        callbacks=[CountValidationBatches()],
    ).fit(X, y)
    assert CountValidationBatches.batches == 2  # 150 held out, batches of 100


@pytest.mark.slow
def test_partial_fit_with_classes_takes_a_one_class_batch(planted_onehot):
    X, y = planted_onehot
    clf = DNACNNClassifier(epochs=1).partial_fit(X[y == 0][:20], y[y == 0][:20], [0, 1])
    assert clf.classes_.tolist() == [0, 1] and clf.predict_proba(X[:3]).shape == (3, 2)
    clf.partial_fit(X[y == 1][:20], y[y == 1][:20])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"kernel_size": 40}, "fewer than kernel_size=40"),
        ({"pooling": "avg"}, "pooling must be one of"),
        (
            {"architecture": "resnet"},
            "architecture must be one of 'wide', 'cnn', 'primer'",
        ),
        ({"dropout": 1.5}, "dropout == 1.5, must be < 1"),
        ({"dropout": float("nan")}, "dropout must be a finite number"),
        ({"filters": 0}, "filters == 0, must be >= 1"),
        ({"epochs": 0}, "epochs == 0, must be >= 1"),
        ({"learning_rate": -1}, "learning_rate == -1.*must be > 0"),
        ({"learning_rate": float("inf")}, "learning_rate must be a finite number"),
        ({"learning_rate": float("nan")}, "learning_rate must be a finite number"),
        ({"validation_split": float("nan")}, "validation_split must be a finite"),
        ({"validation_split": 1.0}, "validation_split == 1.0, must be < 1"),
        ({"validation_fraction": -0.1}, "validation_fraction == -0.1, must be >= 0"),
        ({"strands": "reverse"}, "strands must be one of 'forward', 'both'"),
        ({"strand_reduce": "min"}, "strand_reduce must be one of 'max', 'mean'"),
        ({"dense_activation": "lekay_relu"}, "dense_activation='lekay_relu' is not"),
        ({"augment": "shift"}, "augment must be one of None, 'reverse_complement'"),
        ({"random_state": -1}, "random_state == -1, must be >= 0"),
        ({"random_state": 2**32}, "random_state == 4294967296"),
        ({"class_weight": "equal"}, "class_weight must be one of 'balanced'"),
        ({"verbose": 3}, "verbose must be one of"),
        ({"n_threads": 0}, "n_threads == 0, must be >= 1"),
        ({"class_weight": {0: 1.0, 1: float("inf")}}, r"class_weight\[1\] must be"),
        ({"class_weight": {0: -1.0, 1: 1.0}}, r"class_weight\[0\] == -1.0"),
    ],
)
def test_bad_parameter_values_raise_value_errors(planted_onehot, params, match):
    X, y = planted_onehot
    with pytest.raises(ValueError, match=match):
        DNACNNClassifier(**params).fit(X[:20], y[:20])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"filters": 8.0}, "filters must be an int, got float 8.0"),
        ({"kernel_size": "8"}, "kernel_size must be an int"),
        ({"epochs": 2.5}, "epochs must be an int"),
        ({"batch_size": True}, "batch_size must be an int, got bool"),
        ({"learning_rate": "0.01"}, "learning_rate must be a number"),
        ({"model": "cnn"}, "model must be None"),
        ({"dense_activation": None}, "dense_activation must be the name of a Keras"),
        ({"random_state": "seed"}, "random_state must be None, an int"),
        ({"shuffle": "yes"}, "shuffle must be True or False"),
        ({"n_threads": 2.0}, "n_threads must be an int, got float 2.0"),
        ({"class_weight": 3}, "class_weight must be a dict"),
        ({"class_weight": [{0: 1}, 2]}, "class_weight must be a dict"),
    ],
)
def test_bad_parameter_types_raise_type_errors(planted_onehot, params, match):
    X, y = planted_onehot
    with pytest.raises(TypeError, match=match):
        DNACNNClassifier(**params).fit(X[:20], y[:20])


def test_bad_targets_and_sample_weights_get_value_errors(planted_onehot):
    X, y = planted_onehot
    labels = y[:20].astype(object)
    labels[3] = None  # np.unique would raise a TypeError
    with pytest.raises(ValueError, match=r"Unknown label type: y\[3\] is None"):
        DNACNNClassifier(epochs=1).fit(X[:20], labels)
    with pytest.raises(ValueError, match="Unknown label type"):
        DNACNNClassifier(epochs=1).fit(X[:20], np.linspace(0, 1, 20))
    with pytest.raises(ValueError, match="requires y to be passed"):
        DNACNNClassifier(epochs=1).fit(X[:20], None)
    weights = np.ones(20)
    weights[[5, 7]] = -1.0
    with pytest.raises(ValueError, match=r">= 0, got -1.0 at index 5 .*2 bad"):
        DNACNNClassifier(epochs=1).fit(X[:20], y[:20], sample_weight=weights)
    weights[[5, 7]] = [1.0, np.nan]
    with pytest.raises(ValueError, match="finite and >= 0, got nan at index 7"):
        DNACNNClassifier(epochs=1).partial_fit(X[:20], y[:20], sample_weight=weights)


@pytest.mark.slow
def test_a_diverged_fit_raises_instead_of_predicting_class_0(planted_onehot):
    X, y = planted_onehot
    huge = X * np.float32(3e38)  # finite, but the convolutions overflow
    clf = DNACNNClassifier(**FAST, random_state=0)
    with pytest.raises(ValueError, match=r"diverged: the loss became nan.*learning"):
        clf.fit(huge, y)
    assert len(clf.history_["loss"]) == 1  # stopped in the first epoch
    with pytest.raises(ValueError, match="non-finite probabilities for 300 of 300"):
        clf.predict_proba(X)
    with pytest.raises(ValueError, match="non-finite probabilities"):
        clf.predict(X)


@pytest.mark.slow
def test_ctrl_c_stops_after_the_batch_and_raises(planted_onehot):
    import os
    import signal

    import keras

    X, y = planted_onehot
    batches, ended = [], []

    def press_ctrl_c(batch, logs):
        batches.append(batch)
        if batch == 2:
            os.kill(os.getpid(), signal.SIGINT)

    callback = keras.callbacks.LambdaCallback(
        on_train_batch_end=press_ctrl_c,
        on_train_end=lambda logs: ended.append(True),  # CSVLogger closes its file
    )
    clf = DNACNNClassifier(epochs=50, batch_size=16, callbacks=[callback])
    # Python's handler, as in a terminal: a shell's background job (and so a
    # suite started with '&') inherits SIGINT ignored, which fit leaves alone
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            clf.fit(X, y)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)
    assert batches == [0, 1, 2]  # stopped after the batch it was pressed in
    assert ended == [True]  # Keras' fit ended: callbacks and data threads closed


# ------------------------------------------------------------------ input
@pytest.mark.slow
def test_input_dtypes_and_2d_input(planted_classifier, planted_onehot):
    X, y = planted_onehot
    reference = planted_classifier.predict_proba(X)
    np.testing.assert_allclose(
        planted_classifier.predict_proba(X.astype(np.float64)), reference
    )
    np.testing.assert_allclose(
        planted_classifier.predict_proba(X.astype(np.uint8)), reference
    )
    np.testing.assert_allclose(
        planted_classifier.predict_proba(X.astype(np.float16)),
        reference,
        rtol=1e-3,
        atol=1e-4,
    )
    clf = DNACNNClassifier(**FAST, random_state=0).fit(X.astype(np.uint8), y)
    np.testing.assert_array_equal(
        clf.predict_proba(X), planted_classifier.predict_proba(X)
    )
    # 2-D input is (n, L, 1): not DNA, so the forward strand only
    flat = DNACNNClassifier(kernel_size=3, epochs=1, strands="forward")
    assert flat.fit(X[:, :, 0], y).input_shape_ == (30, 1)
    with pytest.raises(ValueError, match="has 1 channels per position; use strands"):
        DNACNNClassifier(kernel_size=3, epochs=1).fit(X[:, :, 0], y)


@pytest.mark.slow
def test_a_one_hot_array_on_disk_is_read_batch_by_batch(planted_onehot, tmp_path):
    X, y = planted_onehot
    np.save(tmp_path / "X.npy", X.astype(np.uint8))
    on_disk = np.load(tmp_path / "X.npy", mmap_mode="r")  # read-only memmap
    params = {**FAST, "random_state": 0, "validation_fraction": 0.2, "batch_size": 64}
    from_disk = DNACNNClassifier(**params).fit(on_disk, y)
    in_memory = DNACNNClassifier(**params).fit(X, y)
    np.testing.assert_array_equal(
        from_disk.predict_proba(on_disk), in_memory.predict_proba(X)
    )
    assert from_disk.history_["val_loss"] == in_memory.history_["val_loss"]
    assert on_disk.dtype == np.uint8 and not on_disk.flags.writeable


@pytest.mark.slow
def test_wrong_shapes_and_strings_get_clear_errors(planted_classifier):
    with pytest.raises(ValueError, match=r"expecting 30 features.*length=30"):
        planted_classifier.predict(np.zeros((2, 40, 4), np.float32))
    with pytest.raises(ValueError, match="5 channels per position.*fitted on 4"):
        planted_classifier.predict(np.zeros((2, 30, 5), np.float32))
    with pytest.raises(ValueError, match=r"put DNAOneHotTransformer\(\) before it"):
        planted_classifier.predict(np.array(["ACGT", "ACGT"]))
    with pytest.raises(ValueError, match="2 classes"):
        DNACNNClassifier().fit(np.zeros((4, 30, 4)), [1, 1, 1, 1])


# ------------------------------------------------- persistence, identity
@pytest.mark.slow
def test_clone_pickle_and_joblib_round_trips(
    planted_classifier, planted_onehot, tmp_path
):
    X, _ = planted_onehot
    assert clone(planted_classifier).get_params() == planted_classifier.get_params()
    expected = planted_classifier.predict_proba(X)
    restored = pickle.loads(pickle.dumps(planted_classifier))
    np.testing.assert_array_equal(restored.predict_proba(X), expected)
    joblib.dump(planted_classifier, tmp_path / "model.joblib")
    np.testing.assert_array_equal(
        joblib.load(tmp_path / "model.joblib").predict_proba(X), expected
    )
