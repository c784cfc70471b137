"""scikeras' private methods the estimators override, one test each.

The overrides are listed, with why each exists, in the docstring of
``dnacnn/estimators/_base.py``.  Each test here fails if scikeras stops
calling an override the way the estimators expect (renames it, calls it with
other arguments, or stops calling it).  Those not marked slow train nothing:
``initialize`` (scikeras' public method) builds the network without fitting
it, and ``keras.Model.fit`` is replaced by a recorder.
"""

import functools
import pickle
import random
from types import SimpleNamespace
from unittest import mock

import keras
import numpy as np
import pytest
from scikeras.wrappers import KerasClassifier

from dnacnn import DNACNNClassifier, DNACNNRegressor
from dnacnn._training import Batches, StopOnInterrupt, StopOnNaN
from dnacnn.estimators._base import _PackedNetwork

SMALL = dict(filters=4, kernel_size=5, epochs=2, batch_size=16)


@pytest.fixture
def data(planted_onehot):
    """40 one-hot sequences of 30 bp and their 0/1 labels."""
    X, y = planted_onehot
    return X[:40], y[:40]


@pytest.fixture
def keras_fit(monkeypatch):
    """``keras.Model.fit`` replaced: records its arguments, trains nothing."""
    calls = []

    def fit(self, x=None, y=None, **kwargs):
        # the estimators release their batches when fit ends: count them now
        calls.append({"x": x, "y": y, "n_batches": len(x), **kwargs})
        epochs = kwargs["epochs"] - kwargs.get("initial_epoch", 0)
        return SimpleNamespace(history={"loss": [1.0] * epochs})

    monkeypatch.setattr(keras.Model, "fit", fit)
    return calls


def spy(owner, name, calls):
    """Patch ``owner.name`` to record its arguments, then run it."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(self, *args, **kwargs):
        calls.append((args, kwargs))
        return original(self, *args, **kwargs)

    return mock.patch.object(owner, name, wrapper)


# ------------------------------------------------------------ _fit_keras_model
def test_fit_and_partial_fit_call_our_fit_keras_model_as_it_expects(data, keras_fit):
    X, y = data
    weights = np.linspace(0.5, 1.5, len(y))
    calls = []
    with spy(DNACNNClassifier, "_fit_keras_model", calls):
        clf = DNACNNClassifier(**SMALL).fit(X, y, sample_weight=weights)
        clf.partial_fit(X, y)
    (fit_args, fit_kwargs), (partial_args, partial_kwargs) = calls
    # scikeras hands over the encoded X and y, the weights and the epochs...
    encoded_X, encoded_y = fit_args
    np.testing.assert_array_equal(encoded_X, X)
    np.testing.assert_array_equal(encoded_y.ravel(), y)  # a column of labels
    np.testing.assert_allclose(fit_kwargs.pop("sample_weight"), weights)
    assert fit_kwargs == {"warm_start": False, "epochs": 2, "initial_epoch": 0}
    assert partial_kwargs.pop("sample_weight") is None
    assert partial_kwargs == {"warm_start": True, "epochs": 1, "initial_epoch": 2}
    # ...and ours trains Keras on seeded batches, with its callbacks added to
    # what scikeras routes to fit (_fit_callbacks)
    first, second = keras_fit
    assert isinstance(first["x"], Batches) and first["y"] is None
    assert first["n_batches"] == 3  # 40 sequences in batches of batch_size=16
    assert (first["epochs"], first["initial_epoch"], first["shuffle"]) == (2, 0, False)
    assert {StopOnNaN, StopOnInterrupt} <= {type(c) for c in first["callbacks"]}
    assert (second["epochs"], second["initial_epoch"]) == (3, 2)
    assert len(clf.history_["loss"]) == 3  # scikeras appends a warm start


def test_user_callbacks_are_routed_beside_ours(data, keras_fit):
    callback = keras.callbacks.LambdaCallback()
    DNACNNClassifier(**SMALL, callbacks=[callback]).fit(*data)
    (call,) = keras_fit
    assert callback in call["callbacks"]
    assert StopOnNaN in {type(c) for c in call["callbacks"]}


# --------------------------------------------------------------- _random_state
def test_a_seeded_fit_leaves_the_global_generators_alone(data, keras_fit):
    def refuse(seed):
        raise AssertionError("scikeras seeded the global generators")

    np.random.seed(12345)
    random.seed(12345)
    before = np.random.get_state()[1].copy(), random.getstate()
    with mock.patch("scikeras.wrappers.tensorflow_random_state", refuse):
        clf = DNACNNClassifier(**SMALL, random_state=0).fit(*data)
    # scikeras' _initialize set _random_state; ours swallowed it
    assert clf._random_state is None and clf.random_state == 0
    np.testing.assert_array_equal(np.random.get_state()[1], before[0])
    assert random.getstate() == before[1]


# -------------------------------------------------------------- _validate_data
def test_scikeras_checks_inputs_through_our_validate_data(data):
    X, y = data
    calls = []
    with spy(DNACNNClassifier, "_validate_data", calls):
        clf = DNACNNClassifier(**SMALL).initialize(X.astype(np.uint8), y)
        proba = clf.predict_proba(X)
        clf.score(X, y)

    def where(args, kwargs):
        named = dict(zip(("X", "y", "reset"), args, strict=False)) | kwargs
        return (
            named.get("X") is not None,
            named.get("y") is not None,
            named.get("reset", False),
        )

    seen = [where(*call) for call in calls]
    assert seen[0] == (True, True, True)  # _initialize: X and y, reset
    assert (True, False, False) in seen  # _predict_raw: X only
    assert (False, True, False) in seen  # score: y only
    # what only ours does: uint8 one-hot read as sequences of 30 x 4
    assert clf.n_features_in_ == 30 and clf.input_shape_ == (30, 4)
    assert proba.shape == (40, 2)
    with pytest.raises(ValueError, match="5 channels per position.*fitted on 4"):
        clf.predict(np.zeros((2, 30, 5), np.float32))


# ------------------------------------- _check_model_param, _build_keras_model
def test_a_users_network_is_built_with_routed_parameters_and_completed(data):
    X, y = data
    seen = {}

    def network(units, meta, compile_kwargs):
        seen.update(units=units, meta=meta, compile_kwargs=compile_kwargs)
        inputs = keras.Input(shape=meta["input_shape_"])
        hidden = keras.layers.Conv1D(units, 5, activation="relu")(inputs)
        return keras.Model(inputs, keras.layers.GlobalMaxPooling1D()(hidden))

    # scikeras' own check refuses ``model`` beside _keras_build_fn
    clf = DNACNNClassifier(model=network, model__units=3).initialize(X, y)
    assert seen["units"] == 3  # the routed model__units
    assert tuple(seen["meta"]["input_shape_"]) == (30, 4)
    assert seen["meta"]["n_classes_"] == 2
    assert "optimizer" in seen["compile_kwargs"]
    # _build_keras_model added the head's output layer and compiled it
    assert clf.model_.output_shape == (None, 2)
    assert clf.model_.layers[-1].activation.__name__ == "softmax"
    assert clf.model_.compiled
    assert clf.model_.loss == "sparse_categorical_crossentropy"


def test_the_built_in_network_is_built_by_our_keras_build_fn(data):
    X, y = data
    calls = []
    with spy(DNACNNClassifier, "_keras_build_fn", calls):
        clf = DNACNNClassifier(**SMALL).initialize(X, y)
    ((args, kwargs),) = calls
    compile_kwargs = kwargs.get("compile_kwargs", args[0] if args else None)
    assert "optimizer" in compile_kwargs
    assert clf.model_.output_shape == (None, 2)


# ---------------------------------------------------------------- _predict_raw
@pytest.mark.parametrize("head", [DNACNNClassifier, DNACNNRegressor])
def test_predictions_go_to_keras_one_batch_at_a_time(data, head):
    X, y = data
    # more batches than EAGER_PREDICT_BATCHES: Keras' predict function runs
    model = head(**{**SMALL, "batch_size": 8}).initialize(X, y)
    calls, sizes = [], []
    original = keras.Model.predict

    def predict(self, batches, **kwargs):
        calls.append((batches, kwargs))
        sizes.append(len(batches))  # released when predict ends
        return original(self, batches, **kwargs)

    with mock.patch.object(keras.Model, "predict", predict):
        predicted = (
            model.predict_proba(X, verbose=0)
            if head is DNACNNClassifier
            else model.predict(X, verbose=0)
        )
    ((batches, kwargs),) = calls
    assert isinstance(batches, Batches)
    assert sizes == [5]  # batch_size=8, routed by scikeras to predict
    assert kwargs["verbose"] == 0
    assert kwargs["callbacks"] == model._predict_callbacks
    assert len(predicted) == 40


# -------------------------------------------------- __getstate__, __setstate__
def test_pickling_packs_the_network_and_unpickling_rebuilds_it(data):
    X, y = data
    clf = DNACNNClassifier(**SMALL, random_state=0).initialize(X, y)
    # scikeras' state is the estimator's dict with the Keras network in it
    state = clf.__getstate__()
    assert isinstance(state["model_"], _PackedNetwork)
    assert isinstance(clf.model_, keras.Model)  # the estimator keeps its own
    restored = pickle.loads(pickle.dumps(clf))
    assert isinstance(restored.model_, keras.Model)
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


# -------------------------------------------------------------------- __repr__
def test_repr_shows_changed_parameters():
    assert repr(DNACNNClassifier(epochs=3)) == "DNACNNClassifier(epochs=3)"
    assert repr(DNACNNRegressor()) == "DNACNNRegressor()"


# ------------------------------------------------------------ the whole route
@pytest.mark.slow
def test_fit_goes_through_kerasclassifier_and_our_overrides(data):
    X, y = data
    calls = []

    def named_spy(owner, name):
        original = getattr(owner, name)

        @functools.wraps(original)  # scikeras reads _keras_build_fn's signature
        def wrapper(self, *args, **kwargs):
            calls.append(f"{owner.__name__}.{name}")
            return original(self, *args, **kwargs)

        return mock.patch.object(owner, name, wrapper)

    def no_global_seeding(seed):
        raise AssertionError("scikeras seeded the global generators")

    with (
        named_spy(KerasClassifier, "fit"),
        named_spy(KerasClassifier, "partial_fit"),
        named_spy(DNACNNClassifier, "_fit_keras_model"),
        named_spy(DNACNNClassifier, "_validate_data"),
        named_spy(DNACNNClassifier, "_keras_build_fn"),
        mock.patch("scikeras.wrappers.tensorflow_random_state", no_global_seeding),
    ):
        clf = DNACNNClassifier(epochs=1, kernel_size=5, random_state=0)
        clf.fit(X, y).partial_fit(X, y)
    assert set(calls) == {
        "KerasClassifier.fit",
        "KerasClassifier.partial_fit",
        "DNACNNClassifier._fit_keras_model",
        "DNACNNClassifier._validate_data",
        "DNACNNClassifier._keras_build_fn",
    }
    assert len(clf.history_["loss"]) == 2


@pytest.mark.slow
def test_user_callbacks_still_run(planted_onehot):
    X, y = planted_onehot
    epochs = []
    callback = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: epochs.append(epoch)
    )
    DNACNNClassifier(epochs=3, kernel_size=5, callbacks=[callback]).fit(X, y)
    assert epochs == [0, 1, 2]
