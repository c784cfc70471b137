"""The safe model format: save_model / load_model, without pickle."""

import json
import pickle
import zipfile

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from dnacnn import (
    DNACNNClassifier,
    DNAOneHotTransformer,
    load_model,
    make_motif_dataset,
    save_model,
)


@pytest.fixture(scope="module")
def data():
    X, y, _ = make_motif_dataset(n_samples=120, length=24, random_state=1)
    return X, np.where(y == 1, "bound", "free")


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    model = make_pipeline(
        DNAOneHotTransformer(length=26, padding="center"),
        DNACNNClassifier(
            epochs=3,
            filters=8,
            kernel_size=6,
            random_state=0,
            class_weight={"bound": 2.0, "free": 1.0},
            validation_split=0.2,
        ),
    )
    return model.fit(X, y)


def test_pipeline_round_trip_predicts_bit_identically(fitted, data, tmp_path):
    X, _ = data
    path = save_model(fitted, tmp_path / "model.dnacnn")
    loaded = load_model(path)
    assert (loaded.predict_proba(X) == fitted.predict_proba(X)).all()
    assert loaded.predict(X).tolist() == fitted.predict(X).tolist()
    assert loaded.predict(X).dtype == fitted.predict(X).dtype
    assert loaded.get_params(deep=True).keys() == fitted.get_params(deep=True).keys()
    for step, original in zip(loaded, fitted, strict=True):
        assert step.get_params() == original.get_params()
    assert loaded[0].length_ == 26
    clf, original = loaded[-1], fitted[-1]
    assert clf.history_ == original.history_ and "val_loss" in clf.history_
    assert clf.classes_.tolist() == ["bound", "free"]
    assert (clf.input_shape_, clf.n_features_in_) == ((26, 4), 26)


def test_bare_classifier_round_trip(data, tmp_path):
    X, y = data
    Xe = DNAOneHotTransformer().fit_transform(X)
    clf = DNACNNClassifier(epochs=1, filters=4, kernel_size=5, random_state=0)
    clf.fit(Xe, (y == "bound").astype(int))
    loaded = load_model(save_model(clf, tmp_path / "clf.dnacnn"))
    assert isinstance(loaded, DNACNNClassifier)
    assert (loaded.predict_proba(Xe) == clf.predict_proba(Xe)).all()
    assert loaded.classes_.dtype == clf.classes_.dtype


def test_the_file_holds_no_pickle_and_loads_without_unpickling(
    fitted, data, tmp_path, monkeypatch
):
    path = save_model(fitted, tmp_path / "model.dnacnn")
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["dnacnn.json", "model.keras"]
        meta = json.loads(archive.read("dnacnn.json"))
    assert meta["steps"][1]["params"]["kernel_size"] == 6

    def refuse(*args, **kwargs):
        raise AssertionError("load_model unpickled something")

    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, refuse)
    X, _ = data
    assert (load_model(path).predict_proba(X) == fitted.predict_proba(X)).all()


def test_a_file_saved_before_the_strand_parameters_is_rebuilt_as_fitted(data, tmp_path):
    # Files written before strands, strand_reduce and dense_activation existed
    # hold forward-strand ReLU networks: their weights also fit the (now
    # default) two-strand leaky-ReLU layout, so a wrong reading would go unnoticed.
    X, y = data
    old = make_pipeline(
        DNAOneHotTransformer(),
        DNACNNClassifier(
            epochs=2,
            filters=4,
            kernel_size=5,
            strands="forward",
            strand_reduce="max",
            dense_activation="relu",
            random_state=0,
        ),
    ).fit(X, y)
    path = save_model(old, tmp_path / "old.dnacnn")
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    meta = json.loads(files["dnacnn.json"])
    for name in ("strands", "strand_reduce", "dense_activation"):
        del meta["steps"][1]["params"][name]
    files["dnacnn.json"] = json.dumps(meta).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    loaded = load_model(path)
    assert loaded[-1].get_params() == old[-1].get_params()
    assert (loaded.predict_proba(X) == old.predict_proba(X)).all()


@pytest.mark.parametrize(
    "model, message",
    [
        (
            make_pipeline(
                DNAOneHotTransformer(), FunctionTransformer(), DNACNNClassifier()
            ),
            "FunctionTransformer",
        ),
        (DNACNNClassifier(callbacks=[object()]), "callbacks="),
        (DNAOneHotTransformer(), "DNAOneHotTransformer cannot be saved"),
    ],
)
def test_what_the_format_cannot_hold_is_refused_and_joblib_named(
    model, message, tmp_path
):
    with pytest.raises(TypeError, match=message) as info:
        save_model(model, tmp_path / "m.dnacnn")
    assert "joblib.dump" in str(info.value)
    assert not list(tmp_path.iterdir())


def test_optimizer_instance_is_refused(tmp_path):
    import keras

    model = DNACNNClassifier(optimizer=keras.optimizers.SGD())
    with pytest.raises(TypeError, match="optimizer given by name"):
        save_model(model, tmp_path / "m.dnacnn")


def test_unfitted_is_refused(tmp_path):
    with pytest.raises(NotFittedError):
        save_model(
            make_pipeline(DNAOneHotTransformer(), DNACNNClassifier()), tmp_path / "m"
        )


def test_a_failed_save_leaves_the_old_file(fitted, tmp_path, monkeypatch):
    path = tmp_path / "model.dnacnn"
    path.write_bytes(b"the good old model")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "write", full_disk)
    with pytest.raises(OSError, match="No space"):
        save_model(fitted, path)
    assert path.read_bytes() == b"the good old model"
    assert [p.name for p in tmp_path.iterdir()] == ["model.dnacnn"]


def test_load_refuses_other_files_with_a_sentence(tmp_path):
    other = tmp_path / "model.joblib"
    other.write_bytes(pickle.dumps({"not": "a model"}))
    with pytest.raises(ValueError, match="not a dnacnn model file.*only load pickles"):
        load_model(other)
    foreign = tmp_path / "data.zip"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValueError, match="not a dnacnn model file"):
        load_model(foreign)
    future = tmp_path / "future.dnacnn"
    with zipfile.ZipFile(future, "w") as archive:
        archive.writestr(
            "dnacnn.json", json.dumps({"format": "dnacnn-model", "version": 99})
        )
    with pytest.raises(ValueError, match="version 99"):
        load_model(future)
    with pytest.raises(FileNotFoundError, match="model file not found"):
        load_model(tmp_path / "missing.dnacnn")
