"""DNACNNClassifier on its own: fit, predict, parameters, input, persistence."""

import pickle
import subprocess
import sys

import joblib
import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import cross_validate

from dnacnn import DNACNNClassifier, DNAOneHotTransformer, make_motif_dataset

FAST = dict(filters=16, kernel_size=8, epochs=15, learning_rate=0.01)


@pytest.fixture(scope="module")
def motif_data():
    X, y, _ = make_motif_dataset(n_samples=300, length=30, random_state=0)
    return DNAOneHotTransformer().fit_transform(X), y


@pytest.fixture(scope="module")
def fitted(motif_data):
    X, y = motif_data
    return DNACNNClassifier(**FAST, random_state=0).fit(X, y)


# ----------------------------------------------------------------- basics
def test_fit_predict_proba_and_score(fitted, motif_data):
    X, y = motif_data
    assert fitted.classes_.tolist() == [0, 1]
    proba = fitted.predict_proba(X)
    assert proba.shape == (300, 2) and proba.dtype.kind == "f"
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(fitted.predict(X), proba.argmax(axis=1))
    assert fitted.score(X, y) > 0.95
    assert fitted.predict_proba(X[:1]).shape == (1, 2)
    assert fitted.n_features_in_ == 30 and fitted.input_shape_ == (30, 4)
    assert fitted.model_.output_shape == (None, 2)
    assert set(fitted.history_) == {"loss", "accuracy"}
    assert len(fitted.history_["loss"]) == FAST["epochs"]


def test_string_labels_and_multiclass():
    X_a, y_a, _ = make_motif_dataset(200, 30, "CGACCGAACTCC", random_state=1)
    X_b, y_b, _ = make_motif_dataset(200, 30, "TTTAGGCATGCA", random_state=2)
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


def test_is_a_classifier_so_cv_is_stratified(motif_data):
    assert is_classifier(DNACNNClassifier())
    X, _ = motif_data
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
def test_tutorial_network_is_reachable_by_parameters(motif_data):
    X, y = motif_data
    clf = DNACNNClassifier(
        filters=32,
        kernel_size=12,
        conv_activation=None,
        pooling="max",
        pool_size=4,
        dense_units=16,
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
    assert type(clf.model_.optimizer).__name__ == "Adam"
    defaults = DNACNNClassifier()
    assert (defaults.epochs, defaults.batch_size) == (50, 32)


def test_architecture_parameters_change_the_network(motif_data):
    X, y = motif_data
    clf = DNACNNClassifier(
        n_conv_layers=2, kernel_size=5, filters=8, dropout=0.3, epochs=1
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


def test_learning_rate_and_routed_optimizer_parameters(motif_data):
    X, y = motif_data
    clf = DNACNNClassifier(epochs=1, learning_rate=0.05).fit(X[:40], y[:40])
    assert float(clf.model_.optimizer.learning_rate.numpy()) == pytest.approx(0.05)
    clf.set_params(optimizer__learning_rate=0.002, optimizer="sgd")
    assert clf.get_params()["optimizer__learning_rate"] == 0.002
    clf.fit(X[:40], y[:40])
    assert type(clf.model_.optimizer).__name__ == "SGD"
    assert float(clf.model_.optimizer.learning_rate.numpy()) == pytest.approx(0.002)
    assert clone(clf).get_params()["optimizer__learning_rate"] == 0.002


def test_validation_split_and_early_stopping(motif_data):
    X, y = motif_data
    clf = DNACNNClassifier(
        **{**FAST, "epochs": 300},
        validation_split=0.25,
        early_stopping=True,
        patience=2,
        random_state=0,
    ).fit(X, y)
    assert set(clf.history_) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert 2 < len(clf.history_["val_loss"]) < 300
    with pytest.raises(ValueError, match="validation_split"):
        DNACNNClassifier(early_stopping=True).fit(X, y)


def test_sample_weight_and_class_weight_leave_inputs_alone(motif_data):
    X, y = motif_data
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


def test_sample_weight_changes_the_fit_and_partial_fit_keeps_it(motif_data):
    X, y = motif_data
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


def test_early_stopping_restores_the_best_weights(motif_data):
    X, y = motif_data
    clf = DNACNNClassifier(
        **{**FAST, "epochs": 300, "learning_rate": 0.05},
        validation_split=0.25,
        early_stopping=True,
        patience=3,
        restore_best_weights=True,
        random_state=0,
    ).fit(X, y)
    held_out = int(round(len(X) * 0.75))  # Keras validates on the last 25%
    loss = clf.model_.evaluate(X[held_out:], y[held_out:], verbose=0)[0]
    assert loss == pytest.approx(min(clf.history_["val_loss"]), rel=1e-4)
    assert loss < clf.history_["val_loss"][-1]  # the last epoch was worse


def test_verbose_shows_keras_progress(motif_data, capsys):
    X, y = motif_data
    DNACNNClassifier(epochs=2, verbose=1).fit(X[:40], y[:40])
    out = capsys.readouterr().out
    assert "Epoch 2/2" in out and "━" in out  # Keras' progress bar
    DNACNNClassifier(epochs=2, verbose=2).fit(X[:40], y[:40])
    assert "Epoch 2/2" in capsys.readouterr().out
    DNACNNClassifier(epochs=2, verbose=0).fit(X[:40], y[:40])
    assert "Epoch" not in capsys.readouterr().out


@pytest.mark.parametrize(
    "params, match",
    [
        ({"kernel_size": 40}, "fewer than kernel_size=40"),
        ({"pooling": "avg"}, "pooling must be one of"),
        ({"dropout": 1.5}, "dropout must be"),
        ({"epochs": 0}, "epochs must be an int >= 1"),
        ({"learning_rate": -1}, "learning_rate must be a positive"),
        ({"random_state": "seed"}, "random_state must be None"),
    ],
)
def test_bad_parameters_raise_clear_errors(motif_data, params, match):
    X, y = motif_data
    with pytest.raises(ValueError, match=match):
        DNACNNClassifier(**params).fit(X[:20], y[:20])


# ------------------------------------------------------------------ input
def test_input_dtypes_and_2d_input(fitted, motif_data):
    X, y = motif_data
    reference = fitted.predict_proba(X)
    np.testing.assert_allclose(fitted.predict_proba(X.astype(np.float64)), reference)
    np.testing.assert_allclose(fitted.predict_proba(X.astype(np.uint8)), reference)
    np.testing.assert_allclose(
        fitted.predict_proba(X.astype(np.float16)), reference, rtol=1e-3, atol=1e-4
    )
    clf = DNACNNClassifier(**FAST, random_state=0).fit(X.astype(np.uint8), y)
    np.testing.assert_array_equal(clf.predict_proba(X), fitted.predict_proba(X))
    flat = DNACNNClassifier(kernel_size=3, epochs=1).fit(X[:, :, 0], y)
    assert flat.input_shape_ == (30, 1)


def test_wrong_shapes_and_strings_get_clear_errors(fitted):
    with pytest.raises(ValueError, match=r"expecting 30 features.*length=30"):
        fitted.predict(np.zeros((2, 40, 4), np.float32))
    with pytest.raises(ValueError, match="5 channels per position.*fitted on 4"):
        fitted.predict(np.zeros((2, 30, 5), np.float32))
    with pytest.raises(ValueError, match=r"put DNAOneHotTransformer\(\) before it"):
        fitted.predict(np.array(["ACGT", "ACGT"]))
    with pytest.raises(ValueError, match="2 classes"):
        DNACNNClassifier().fit(np.zeros((4, 30, 4)), [1, 1, 1, 1])


# ------------------------------------------------- persistence, identity
def test_clone_pickle_and_joblib_round_trips(fitted, motif_data, tmp_path):
    X, _ = motif_data
    assert clone(fitted).get_params() == fitted.get_params()
    expected = fitted.predict_proba(X)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(X), expected)
    joblib.dump(fitted, tmp_path / "model.joblib")
    np.testing.assert_array_equal(
        joblib.load(tmp_path / "model.joblib").predict_proba(X), expected
    )


def test_repr_shows_changed_parameters():
    assert repr(DNACNNClassifier(epochs=3)) == "DNACNNClassifier(epochs=3)"


def test_same_seed_same_model_and_unseeded_fits_still_work(fitted, motif_data):
    X, y = motif_data
    again = DNACNNClassifier(**FAST, random_state=0).fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X), fitted.predict_proba(X))
    state = np.random.RandomState(7)
    before = state.get_state()[1].copy()
    a = DNACNNClassifier(**FAST, random_state=state).fit(X, y).predict_proba(X)
    b = DNACNNClassifier(**FAST, random_state=state).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(state.get_state()[1], before)  # not advanced
    other = DNACNNClassifier(**FAST, random_state=1).fit(X, y).predict_proba(X)
    assert not np.array_equal(other, a)
    # scikeras' seeding would have switched op determinism on for good, after
    # which an unseeded fit fails with "Random ops require a seed".
    from tensorflow.python.framework import config

    assert not config.is_op_determinism_enabled()
    DNACNNClassifier(epochs=1, dropout=0.5).fit(X, y).predict(X)


SCRIPT = """
import hashlib, numpy as np
from dnacnn import DNACNNClassifier, DNAOneHotTransformer, make_motif_dataset
X, y, _ = make_motif_dataset(n_samples=200, length=30, random_state=0)
X = DNAOneHotTransformer().fit_transform(X)
clf = DNACNNClassifier(filters=8, kernel_size=8, epochs=3, dropout=0.2,
                       random_state=3).fit(X, y)
print(hashlib.sha256(clf.predict_proba(X).tobytes()).hexdigest())
"""


@pytest.mark.slow
def test_same_seed_bit_identical_across_processes():
    digests = {
        subprocess.run(
            [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    }
    assert len(digests) == 1
