"""The safe model format: save_model / load_model, without pickle."""

import json
import pickle
import re
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
    X, y = make_motif_dataset(n_samples=120, length=24, random_state=1)
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_bare_classifier_round_trip(data, tmp_path):
    X, y = data
    Xe = DNAOneHotTransformer().fit_transform(X)
    clf = DNACNNClassifier(epochs=1, filters=4, kernel_size=5, random_state=0)
    clf.fit(Xe, (y == "bound").astype(int))
    loaded = load_model(save_model(clf, tmp_path / "clf.dnacnn"))
    assert isinstance(loaded, DNACNNClassifier)
    assert (loaded.predict_proba(Xe) == clf.predict_proba(Xe)).all()
    assert loaded.classes_.dtype == clf.classes_.dtype


@pytest.mark.slow
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


@pytest.mark.slow
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
        (DNACNNClassifier(loss={"class_name": "BinaryCrossentropy"}), "loss="),
        (DNACNNClassifier(metrics=[{"class_name": "AUC"}]), "metrics="),
        (DNACNNClassifier(optimizer__learning_rate={"a": 1}), "optimizer__"),
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


@pytest.mark.slow
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


# --------------------------------------------------------------------------
# malformed files: one clear ModelFileError that names the file
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def saved(fitted, tmp_path_factory):
    """The fitted Pipeline's file, written once; tests damage copies of it."""
    return save_model(fitted, tmp_path_factory.mktemp("saved") / "model.dnacnn")


def _members(path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write(path, members: dict, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def _central_header(data: bytes, name: str) -> int:
    """Offset of ``name``'s record in the zip's central directory."""
    at = data.find(b"PK\x01\x02")
    while data[at + 46 : at + 46 + len(name)] != name.encode():
        at = data.find(b"PK\x01\x02", at + 4)
    return at


def _patched(path, name: str, offset: int, value: bytes):
    """``path`` with bytes of ``name``'s central-directory record replaced."""
    data = bytearray(path.read_bytes())
    at = _central_header(bytes(data), name) + offset
    data[at : at + len(value)] = value
    path.write_bytes(bytes(data))
    return path


def _flip(path, index: int):
    data = bytearray(path.read_bytes())
    data[index] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def _damaged(kind: str, original, tmp_path):
    """A copy of ``original`` with one kind of byte-level damage."""
    path = tmp_path / "damaged.dnacnn"
    data = original.read_bytes()
    path.write_bytes(data)
    with zipfile.ZipFile(original) as archive:
        meta, network = archive.getinfo("dnacnn.json"), archive.getinfo("model.keras")
    # the member's data starts after its 30-byte local header and its name
    meta_data = meta.header_offset + 30 + len("dnacnn.json")
    network_data = network.header_offset + 30 + len("model.keras")
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif kind == "end cut":
        path.write_bytes(data[:-130])
    elif kind == "flipped json byte":
        _flip(path, meta_data + meta.compress_size // 2)
    elif kind == "flipped network byte":
        _flip(path, network_data + network.compress_size // 2)
    elif kind == "compression method":
        _patched(path, "model.keras", 10, (99).to_bytes(2, "little"))
    elif kind == "local header magic":
        _flip(path, meta.header_offset)
    return path


# kind of damage -> what the message says besides the file's name
DAMAGES = {
    "empty": "it is empty",
    "truncated": "truncated",
    "end cut": "truncated",
    "flipped json byte": "dnacnn.json",
    "flipped network byte": "model.keras",
    "compression method": "model.keras",
    "local header magic": "dnacnn.json",
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", DAMAGES)
def test_a_damaged_file_is_one_error_naming_the_file(kind, saved, tmp_path):
    from dnacnn import ModelFileError

    path = _damaged(kind, saved, tmp_path)
    with pytest.raises(ModelFileError, match="'.*damaged.dnacnn'") as info:
        load_model(path)
    assert info.value.path == str(path)
    assert isinstance(info.value, ValueError)
    assert DAMAGES[kind] in str(info.value)


def _mutated(saved, tmp_path, change):
    """A copy of ``saved`` whose dnacnn.json ``change(meta)`` edited in place."""
    members = _members(saved)
    meta = json.loads(members["dnacnn.json"])
    change(meta)
    members["dnacnn.json"] = json.dumps(meta).encode()
    return _write(tmp_path / "edited.dnacnn", members)


def _set(*keys_value):
    *keys, value = keys_value

    def change(meta):
        target = meta
        for key in keys[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value

    return change


_DELETE = object()
CLF = ("steps", 1)
ENC = ("steps", 0)

# (what changes in dnacnn.json, what the message says besides the file name)
MUTATIONS = {
    "steps is a string": (_set("steps", "ab"), "steps"),
    "steps empty": (_set("steps", []), "steps"),
    "steps missing": (_set("steps", _DELETE), "steps"),
    "pipeline without encoder": (
        lambda meta: meta["steps"].pop(0),
        "steps",
    ),
    "two encoder steps": (
        lambda meta: meta["steps"].insert(0, meta["steps"][0]),
        "steps",
    ),
    "pipeline is a list": (_set("pipeline", [1, 2]), "pipeline"),
    "unknown pipeline parameter": (_set("pipeline", {"bogus": 1}), "bogus"),
    "pipeline memory": (_set("pipeline", {"memory": "/tmp/cache"}), "memory"),
    "classifier step is a string": (_set("steps", 1, "x"), r"steps\[1\]"),
    "params is a list": (_set(*CLF, "params", [1]), "params"),
    "params missing": (_set(*CLF, "params", _DELETE), "params"),
    "fitted missing": (_set(*CLF, "fitted", _DELETE), "fitted"),
    "input_shape_ a string": (_set(*CLF, "fitted", "input_shape_", "50x4"), "input"),
    "input_shape_ negative": (
        _set(*CLF, "fitted", "input_shape_", {"__tuple__": [-5, 4]}),
        "input_shape_",
    ),
    "input_shape_ 10**12": (
        _set(*CLF, "fitted", "input_shape_", {"__tuple__": [10**12, 4]}),
        "input_shape_",
    ),
    "input_shape_ missing": (_set(*CLF, "fitted", "input_shape_", _DELETE), "input"),
    "classes_ a string": (_set(*CLF, "fitted", "classes_", "01"), "classes_"),
    "classes_ three": (
        _set(*CLF, "fitted", "classes_", {"__array__": [0, 1, 2], "dtype": "<i8"}),
        "",
    ),
    "classes_ dtype zz": (
        _set(*CLF, "fitted", "classes_", {"__array__": [0, 1], "dtype": "zz"}),
        "classes_",
    ),
    "classes_ huge dtype": (
        _set(
            *CLF,
            "fitted",
            "classes_",
            {"__array__": [0, 1], "dtype": "(100000,100000)f4"},
        ),
        "classes_",
    ),
    "history_ a list": (_set(*CLF, "fitted", "history_", [1, 2]), "history_"),
    "history_ missing": (_set(*CLF, "fitted", "history_", _DELETE), "history_"),
    "unknown marker": (
        _set(*CLF, "params", "filters", {"__weird__": 1}),
        "filters",
    ),
    "filters negative": (_set(*CLF, "params", "filters", -1), "filters"),
    "unknown parameter": (_set(*CLF, "params", "future_knob", 3), "future_knob"),
    "optimizer as a dict": (
        _set(*CLF, "params", "optimizer", {"__dict__": [["class_name", "SGD"]]}),
        "optimizer",
    ),
    "loss as a dict": (
        _set(
            *CLF,
            "params",
            "loss",
            {"__dict__": [["module", "os"], ["class_name", "system"]]},
        ),
        "loss",
    ),
    "callbacks": (_set(*CLF, "params", "callbacks", ["EarlyStopping"]), "callbacks"),
    "model": (_set(*CLF, "params", "model", "os.system"), "model"),
    "class Evil": (_set(*CLF, "class", "Evil"), "Evil"),
    "regressor with class_weight": (
        _set(*CLF, "class", "DNACNNRegressor"),
        "class_weight",
    ),
    "learning_rate NaN": (_set(*CLF, "params", "learning_rate", float("nan")), "nan"),
    "encoder transform key": (_set(*ENC, "fitted", "transform", "x"), "transform"),
    "encoder alphabet": (_set(*ENC, "params", "alphabet", "ACGTN"), ""),
    "encoder class": (_set(*ENC, "class", "FunctionTransformer"), "Function"),
}


@pytest.mark.slow
@pytest.mark.parametrize("mutation", MUTATIONS)
def test_a_file_save_model_never_writes_is_one_error_naming_the_file(
    mutation, saved, tmp_path
):
    from dnacnn import ModelFileError

    change, message = MUTATIONS[mutation]
    path = _mutated(saved, tmp_path, change)
    with pytest.raises(ModelFileError, match="'.*edited.dnacnn'") as info:
        load_model(path)
    assert re.search(message, str(info.value)), str(info.value)


@pytest.mark.slow
def test_a_refused_pipeline_memory_creates_no_cache(saved, tmp_path):
    from dnacnn import ModelFileError

    cache = tmp_path / "cache"
    path = _mutated(saved, tmp_path, _set("pipeline", {"memory": str(cache)}))
    with pytest.raises(ModelFileError, match="memory"):
        load_model(path)
    assert not cache.exists()


# --------------------------------------------------------------------------
# bombs: sizes and nesting are bounded before anything is read
# --------------------------------------------------------------------------
_META = {"format": "dnacnn-model", "version": 1, "pipeline": None, "steps": []}


def test_a_network_member_claiming_a_huge_size_is_refused_unread(tmp_path):
    from dnacnn import ModelFileError

    path = _write(
        tmp_path / "bomb.dnacnn",
        {"dnacnn.json": json.dumps(_META), "model.keras": b"\0" * 4096},
    )
    _patched(path, "model.keras", 24, (2**32 - 1).to_bytes(4, "little"))
    with pytest.raises(ModelFileError, match="'.*bomb.dnacnn'.*model.keras.*"):
        load_model(path)


def test_a_network_member_that_inflates_far_beyond_its_size_is_refused(tmp_path):
    # 16 MiB of zeros deflate to 16 KiB: a ratio no Keras file has
    from dnacnn import ModelFileError

    path = tmp_path / "bomb.dnacnn"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("dnacnn.json", json.dumps(_META))
        with archive.open("model.keras", "w") as member:
            for _ in range(16):
                member.write(bytes(2**20))
    with pytest.raises(ModelFileError, match="'.*bomb.dnacnn'.*model.keras.*expand"):
        load_model(path)


def test_a_member_whose_header_understates_its_size_is_read_no_further(tmp_path):
    # the header says 100 bytes; the data inflates to 16 MiB
    from dnacnn import ModelFileError

    path = tmp_path / "liar.dnacnn"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("dnacnn.json", "w") as member:
            for _ in range(16):
                member.write(b" " * 2**20)
        archive.writestr("model.keras", b"")
    _patched(path, "dnacnn.json", 24, (100).to_bytes(4, "little"))
    with pytest.raises(ModelFileError, match="'.*liar.dnacnn'"):
        load_model(path)


def test_a_json_member_too_large_for_a_model_is_refused(tmp_path):
    from dnacnn import ModelFileError

    path = tmp_path / "big.dnacnn"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("dnacnn.json", "w") as member:
            member.write(json.dumps(_META).encode())
            for _ in range(17):
                member.write(b" " * 2**20)
        archive.writestr("model.keras", b"")
    with pytest.raises(ModelFileError, match="'.*big.dnacnn'.*dnacnn.json"):
        load_model(path)


def test_deeply_nested_json_is_refused_before_parsing(tmp_path):
    from dnacnn import ModelFileError

    deep = b"[" * 100_000 + b"]" * 100_000
    path = _write(tmp_path / "deep.dnacnn", {"dnacnn.json": deep, "model.keras": b""})
    with pytest.raises(ModelFileError, match="'.*deep.dnacnn'.*nest"):
        load_model(path)
