"""Saving fitted models in a format that loading cannot turn into running code.

``joblib.dump`` and :mod:`pickle` store a model as instructions that
``joblib.load`` executes: a crafted file runs any code it likes while it is
being loaded.  :func:`save_model` writes a fitted
``make_pipeline(DNAOneHotTransformer(), DNACNNClassifier())`` (or the bare
estimator; :class:`~dnacnn.DNACNNRegressor` as well) as one zip file holding
data only:

``dnacnn.json``
    the parameters of each step, and the fitted facts (the encoder's
    ``length_``; the estimator's ``classes_`` or ``n_outputs_``,
    ``history_``, ``input_shape_``, ``n_features_in_``), in JSON;
``model.keras``
    the Keras network, as ``keras.Model.save`` writes it (it can also be
    opened alone with ``keras.saving.load_model(path, safe_mode=True,
    custom_objects=dnacnn.models.custom_objects())``).

:func:`load_model` checks the file against what :func:`save_model` writes
(bounded sizes, known classes, parameters and fitted facts), rebuilds the
estimator from its parameters through scikeras' ``initialize`` and reads the
weights alone from ``model.keras``; no pickle is involved anywhere.  A
network of the user's own (``model=``) is the exception that has no
parameters to rebuild it from: its layers are read from ``model.keras`` in
Keras' safe mode.  (``skops.io`` cannot hold these estimators: its walk of a
Keras model fails with a ``RecursionError``.)
"""

from __future__ import annotations

import io
import json
import os
import re
import reprlib
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from . import _params
from ._files import atomic_path
from ._threads import configure_threads
from ._validation import check_choice, check_int
from .exceptions import ModelFileError

__all__ = ["is_safe_model_file", "load_model", "save_model"]

FORMAT = "dnacnn-model"
VERSION = 1

#: Parameters that files of this format were first written without, and the
#: behaviour a network saved without them was built with (the parameter
#: table's ``legacy`` values): read so, such a file is rebuilt as it was fitted.
_ADDED_PARAMS = {p.name: p.legacy for p in _params.PARAMS if p.has_legacy}
_META = "dnacnn.json"
_NETWORK = "model.keras"
_JOBLIB_HINT = (
    "; save it with joblib.dump instead (and only ever load pickles you trust)."
)


class _Unsavable(TypeError):
    """A value that the safe format has no way to write."""


# --------------------------------------------------------------------------
# JSON with the few Python types estimator parameters take
# --------------------------------------------------------------------------
def _encode(value, where: str):
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.generic) and not isinstance(value, np.object_):
        value = value.item()
    if isinstance(value, int | float):
        return value
    if isinstance(value, type) and issubclass(value, np.generic):
        return {"__dtype__": np.dtype(value).name}
    if isinstance(value, np.dtype):
        return {"__dtype__": value.name, "instance": True}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, where) for v in value]}
    if isinstance(value, list):
        return [_encode(v, where) for v in value]
    if isinstance(value, dict):
        return {
            "__dict__": [
                [_encode(k, where), _encode(v, where)] for k, v in value.items()
            ]
        }
    if (
        isinstance(value, np.ndarray)
        and value.ndim == 1
        and value.dtype.kind in "biufUO"
    ):
        return {
            "__array__": [_encode(v, where) for v in value.tolist()],
            "dtype": value.dtype.str,
        }
    raise _Unsavable(
        f"{where}={value!r} cannot be saved in the safe format (it holds "
        "numbers, strings, lists, tuples, dicts and numpy dtypes only)"
    )


def _dtype(name) -> np.dtype:
    """A plain numpy dtype by name (no sub-arrays or fields, as save writes)."""
    if not isinstance(name, str):
        raise TypeError(f"a dtype is named by a string, got {reprlib.repr(name)}")
    dtype = np.dtype(name)
    if dtype.shape or dtype.fields is not None:
        raise ValueError(f"dtype {name!r} is not a plain dtype")
    return dtype


#: The most bytes an array in the JSON may take once decoded.
_MAX_ARRAY_BYTES = 2**26


def _decode(value):
    """The inverse of :func:`_encode`, for exactly the objects it writes."""
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    keys = set(value)
    if keys in ({"__dtype__"}, {"__dtype__", "instance"}):
        dtype = _dtype(value["__dtype__"])
        return dtype if value.get("instance") is True else dtype.type
    if keys == {"__tuple__"} and isinstance(value["__tuple__"], list):
        return tuple(_decode(v) for v in value["__tuple__"])
    if keys == {"__dict__"} and isinstance(value["__dict__"], list):
        return {_decode(k): _decode(v) for k, v in value["__dict__"]}
    if keys == {"__array__", "dtype"} and isinstance(value["__array__"], list):
        dtype, items = _dtype(value["dtype"]), value["__array__"]
        if dtype.kind not in "biufUO":
            raise ValueError(f"arrays of dtype {dtype} are not saved")
        if dtype.itemsize * len(items) > _MAX_ARRAY_BYTES:
            raise ValueError(
                f"an array of {len(items):,} x {dtype} would take more than "
                f"{_MAX_ARRAY_BYTES:,} bytes"
            )
        return np.array([_decode(v) for v in items], dtype=dtype)
    raise ValueError(f"unknown value {reprlib.repr(value)}")


# --------------------------------------------------------------------------
# saving
# --------------------------------------------------------------------------
def _steps(model):
    """(pipeline params or None, encoder or None, encoder name, estimator, name)."""
    from sklearn.pipeline import Pipeline

    from .estimators import DNACNNClassifier, DNACNNRegressor
    from .preprocessing import DNAOneHotTransformer

    networks = (DNACNNClassifier, DNACNNRegressor)
    if isinstance(model, networks):
        return None, None, None, model, None
    if isinstance(model, Pipeline):
        kinds = [type(step).__name__ for _, step in model.steps]
        if (
            len(model.steps) == 2
            and isinstance(model.steps[0][1], DNAOneHotTransformer)
            and isinstance(model.steps[1][1], networks)
        ):
            params = model.get_params(deep=False)
            if params.get("memory") is not None:
                raise _Unsavable(f"Pipeline(memory={params['memory']!r})")
            extra = {k: v for k, v in params.items() if k not in ("steps", "memory")}
            (enc_name, encoder), (estimator_name, estimator) = model.steps
            return extra, encoder, enc_name, estimator, estimator_name
        raise _Unsavable(
            f"a Pipeline of {kinds} cannot be saved in the safe format, which "
            "holds make_pipeline(DNAOneHotTransformer(), DNACNNClassifier()) "
            "or a DNACNNClassifier alone (or the same with a DNACNNRegressor)"
        )
    raise _Unsavable(
        f"a {type(model).__name__} cannot be saved in the safe format, which holds "
        "make_pipeline(DNAOneHotTransformer(), DNACNNClassifier()) or a "
        "DNACNNClassifier alone (or the same with a DNACNNRegressor)"
    )


def _check_saved_params(kind: str, params: dict) -> None:
    """Refuse what the format does not hold (an :class:`_Unsavable`): save
    refuses to write it, and load to read it."""
    for name in ("model", "build_fn", "callbacks"):
        if params.get(name) is not None:
            raise _Unsavable(f"{kind}({name}={reprlib.repr(params[name])})")
    if not isinstance(params.get("optimizer"), str):
        raise _Unsavable(
            f"{kind}(optimizer={reprlib.repr(params.get('optimizer'))}): only an "
            "optimizer given by name (e.g. 'adam') is held by the safe format"
        )
    if not isinstance(params.get("loss"), str | None):
        raise _Unsavable(
            f"{kind}(loss={reprlib.repr(params['loss'])}): only a loss given by "
            "name (e.g. 'binary_crossentropy') is held by the safe format"
        )
    metrics = params.get("metrics")
    if metrics is not None and not (
        isinstance(metrics, list | tuple) and all(isinstance(m, str) for m in metrics)
    ):
        raise _Unsavable(
            f"{kind}(metrics={reprlib.repr(metrics)}): only metrics given by "
            "name (e.g. ['accuracy']) are held by the safe format"
        )
    for name, value in params.items():
        if "__" in name and isinstance(value, dict):  # Keras would deserialize it
            raise _Unsavable(
                f"{kind}({name}={reprlib.repr(value)}): a routed parameter that "
                "is a dict is not held by the safe format"
            )


#: What a network of the user's (``model=``) is saved as: its layers' config
#: is in model.keras, read back with Keras' safe mode.
_OWN_NETWORK = {"__network__": _NETWORK}


def _estimator_params(estimator) -> dict:
    params = estimator.get_params(deep=False)
    kind = type(estimator).__name__
    own = params.get("model") is not None
    if own:  # the network itself is saved (model.keras), not the callable
        params = {**params, "model": None}
    _check_saved_params(kind, params)
    if isinstance(params.get("random_state"), np.random.RandomState):
        raise _Unsavable(
            f"{kind}(random_state=RandomState(...)): give an int seed "
            "to save it in the safe format"
        )
    encoded = {k: _encode(v, f"{kind}({k}") for k, v in params.items()}
    if own:
        encoded["model"] = dict(_OWN_NETWORK)
    return encoded


# fitted facts saved per step class (the Keras weights aside)
_FITTED = {
    "DNAOneHotTransformer": ["length_"],
    "DNACNNClassifier": ["classes_", "target_type_", "input_shape_", "n_features_in_"],
    "DNACNNRegressor": ["n_outputs_", "y_ndim_", "input_shape_", "n_features_in_"],
}


def _dummy_targets(fitted) -> np.ndarray:
    """Targets that make ``initialize`` build the saved network's outputs."""
    if "n_outputs_" in fitted:  # a regressor
        shape = (2,) if fitted["y_ndim_"] == 1 else (2, fitted["n_outputs_"])
        return np.zeros(shape, np.float32)
    classes = fitted["classes_"]
    if fitted.get("target_type_") == "multilabel-indicator":
        return np.repeat([[0], [1]], len(classes), axis=1)  # each label 0 and 1
    return classes


def _fitted_facts(estimator, names) -> dict:
    return {name: _encode(getattr(estimator, name), name) for name in names}


def save_model(model, path: str | os.PathLike[str]) -> Path:
    """Save a fitted model as one zip file that loads without unpickling.

    Parameters
    ----------
    model : Pipeline, DNACNNClassifier or DNACNNRegressor
        A fitted ``make_pipeline(DNAOneHotTransformer(...),
        DNACNNClassifier(...))``, or a fitted :class:`~dnacnn.DNACNNClassifier`
        (single-label or multi-label), or the same with a
        :class:`~dnacnn.DNACNNRegressor`.
        Parameters must be numbers, strings, lists, tuples, dicts or numpy
        dtypes: callback objects, optimizer instances (and an optimizer,
        loss or metrics given other than by name), a ``build_fn``, other
        Pipeline steps are refused (save those with ``joblib.dump``).  A
        network of your own (``model=``) is saved whole in ``model.keras``
        and loaded with Keras' safe mode, as the estimator's ``model``:
        Keras' layers load, ``Lambda`` layers and other code are refused.
    path : str or path-like
        The file to write (``.dnacnn`` by convention).  It is written to a
        temporary file in the same folder and renamed at the end, so a failed
        or interrupted save leaves an existing file as it was.

    Returns
    -------
    path : Path
        The file written.

    Raises
    ------
    TypeError
        If ``model`` or one of its parameters cannot be held by the format.
    sklearn.exceptions.NotFittedError
        If ``model`` is not fitted.

    See Also
    --------
    load_model : The inverse.

    Notes
    -----
    The weights (and the optimizer's variables) are read back with
    ``keras.Model.load_weights``, which reads arrays only: no layer
    configuration from the file is deserialized.

    Examples
    --------
    >>> import tempfile, os
    >>> from sklearn.pipeline import make_pipeline
    >>> from dnacnn import (DNACNNClassifier, DNAOneHotTransformer,
    ...                     load_model, make_motif_dataset, save_model)
    >>> X, y = make_motif_dataset(n_samples=100, length=20, random_state=0)
    >>> model = make_pipeline(
    ...     DNAOneHotTransformer(), DNACNNClassifier(epochs=2, random_state=0)
    ... ).fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.dnacnn")
    >>> _ = save_model(model, path)
    >>> loaded = load_model(path)
    >>> bool((loaded.predict_proba(X) == model.predict_proba(X)).all())
    True
    """
    from sklearn.utils.validation import check_is_fitted

    try:
        pipeline_params, encoder, enc_name, estimator, estimator_name = _steps(model)
        estimator_params = _estimator_params(estimator)  # refusals first
        check_is_fitted(estimator)
        steps = []
        if encoder is not None:
            check_is_fitted(encoder)
            steps.append(
                {
                    "name": enc_name,
                    "class": "DNAOneHotTransformer",
                    "params": {
                        k: _encode(v, f"DNAOneHotTransformer({k}")
                        for k, v in encoder.get_params(deep=False).items()
                    },
                    "fitted": _fitted_facts(encoder, _FITTED["DNAOneHotTransformer"]),
                }
            )
        history = {
            str(k): [float(v) for v in vs] for k, vs in estimator.history_.items()
        }
        steps.append(
            {
                "name": estimator_name,
                "class": type(estimator).__name__,
                "params": estimator_params,
                "fitted": {
                    **_fitted_facts(estimator, _FITTED[type(estimator).__name__]),
                    "history_": _encode(history, "history_"),
                },
            }
        )
    except _Unsavable as exc:
        raise TypeError(f"{exc}{_JOBLIB_HINT}") from None
    import keras

    from . import __version__

    meta = {
        "format": FORMAT,
        "version": VERSION,
        "dnacnn_version": __version__,
        "keras_version": keras.__version__,
        "pipeline": None
        if pipeline_params is None
        else {k: _encode(v, f"Pipeline({k}") for k, v in pipeline_params.items()},
        "steps": steps,
    }
    path = Path(path)
    with tempfile.TemporaryDirectory() as folder:
        network = Path(folder) / _NETWORK
        estimator.model_.save(network)
        with atomic_path(path) as temp, zipfile.ZipFile(temp, "w") as archive:
            archive.writestr(
                _META, json.dumps(meta, indent=1), compress_type=zipfile.ZIP_DEFLATED
            )
            archive.write(network, _NETWORK)
    return path


# --------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------
#: The most bytes of ``dnacnn.json`` that :func:`load_model` reads (16 MiB): a
#: saved model's parameters and history take a few kB.
MAX_META_BYTES = 16 * 2**20
#: The most bytes of ``model.keras`` that :func:`load_model` extracts (4 GiB):
#: the CNNs of this package take kB to a few hundred MB.
MAX_NETWORK_BYTES = 4 * 2**30
#: The most a member may expand when inflated (uncompressed over compressed
#: size), above 1 MiB: ``save_model`` stores ``model.keras`` uncompressed and
#: its JSON deflates about 5x; 1 GiB of zeros deflates 1000x.
MAX_EXPANSION = 100
#: The deepest nesting of lists and objects read from ``dnacnn.json``:
#: ``save_model`` writes under 10 levels; JSON parsers recurse once per level.
MAX_NESTING = 64
#: The most positions x channels of a network's input (``input_shape_``).
MAX_INPUT_SIZE = 2**28
_STEP_KEYS = {"name", "class", "params", "fitted"}
_TOP_KEYS = {
    "format",
    "version",
    "dnacnn_version",
    "keras_version",
    "pipeline",
    "steps",
}
_NOT_A_MODEL = (
    "; a joblib file loads with joblib.load (in the dnacnn command: under a "
    ".joblib, .pkl or .pickle name), which runs any code the file holds: only "
    "load pickles you trust."
)


class _Invalid(ValueError):
    """What in a model file is not what save_model writes (the file named later)."""


@contextmanager
def _reading(what: str):
    """Turn an error of the libraries reading the file into an :class:`_Invalid`."""
    try:
        yield
    except (_Invalid, OSError, ImportError):  # an OSError is the system's
        raise
    except Exception as exc:  # zlib.error, BadZipFile, MemoryError, Keras' ...
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        text = text if len(text) <= 200 else text[:200] + "..."
        raise _Invalid(f"{what} failed ({type(exc).__name__}: {text})") from exc


def _short(value) -> str:
    return reprlib.repr(value)


def _not_a_model(path: Path, reason: str = "") -> str:
    with open(path, "rb") as f:
        head = f.read(30 + len(_META))
    if head[:4] == b"PK\x03\x04" and head[30:] == _META.encode():
        # it starts as save_model writes, but its zip directory is unreadable
        reason = "it is a truncated or damaged dnacnn model file"
    elif reason:
        pass
    elif not head:
        reason = "it is empty"
    elif head[:4] == b"PK\x03\x04":
        reason = "it is a truncated or damaged zip file"
    elif head[:1] == b"\x80":
        reason = "it is a pickle"
    else:
        reason = "it is not a zip file"
    return (
        f"{str(path)!r} is not a dnacnn model file (a zip file saved by "
        f"dnacnn.save_model): {reason}{_NOT_A_MODEL}"
    )


def is_safe_model_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a zip file with a ``dnacnn.json`` (by content, not name)."""
    try:
        if not zipfile.is_zipfile(path):
            return False
        with zipfile.ZipFile(path) as archive:
            return _META in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def _member(archive, name: str, cap: int) -> zipfile.ZipInfo:
    """``name``'s entry, refused if its stated size is beyond ``cap`` or its
    compression ratio beyond any real model's."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise _Invalid(f"it holds no {name}") from None
    if info.file_size > cap:
        raise _Invalid(
            f"its {name} would be {info.file_size:,} bytes, more than the "
            f"{cap:,} a model file may hold"
        )
    if info.file_size > max(2**20, info.compress_size * MAX_EXPANSION):
        raise _Invalid(
            f"its {name} would expand from {info.compress_size:,} to "
            f"{info.file_size:,} bytes, more than {MAX_EXPANSION} times (a zip bomb)"
        )
    return info


def _copy(archive, info: zipfile.ZipInfo, out) -> None:
    """Copy a member to ``out``, reading no more than its (checked) size."""
    left = info.file_size
    with _reading(f"reading its {info.filename}"), archive.open(info) as member:
        while chunk := member.read(min(2**20, left + 1)):
            left -= len(chunk)
            if left < 0:
                raise _Invalid(f"its {info.filename} holds more than its header says")
            out.write(chunk)


def _read_meta(archive, path: Path) -> dict:
    buffer = io.BytesIO()
    _copy(archive, _member(archive, _META, MAX_META_BYTES), buffer)
    data = buffer.getvalue()
    depth = _nesting(data)
    if depth > MAX_NESTING:
        raise _Invalid(
            f"its dnacnn.json nests lists and objects {depth:,} deep; "
            f"save_model writes fewer than {MAX_NESTING} levels"
        )
    try:
        meta = json.loads(data)
    except ValueError as exc:
        raise _Invalid(f"its dnacnn.json is not JSON ({exc})") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(path, f"{str(path)!r} is not a dnacnn model file.")
    if meta.get("version") != VERSION:
        raise ModelFileError(
            path,
            f"{str(path)!r} is a dnacnn model file of version "
            f"{_short(meta.get('version'))}; this dnacnn reads version {VERSION}: "
            f"load it with the dnacnn {_short(meta.get('dnacnn_version', '?'))} "
            "that saved it.",
        )
    return meta


def _nesting(data: bytes) -> int:
    """How deep lists and objects nest in JSON ``data`` (without parsing it)."""
    text = re.sub(rb'"[^"\\]*(?:\\.[^"\\]*)*"', b"", data)  # strings hold no nesting
    codes = np.frombuffer(text, np.uint8)
    steps = np.isin(codes, tuple(b"[{")).astype(np.int8)
    steps -= np.isin(codes, tuple(b"]}"))
    return int(np.cumsum(steps, dtype=np.int64).max(initial=0))


def _decoded(value, where: str):
    try:
        return _decode(value)
    except (TypeError, ValueError) as exc:
        raise _Invalid(f"{where}: {exc}") from exc


def _require(mapping: dict, key: str, kind, where: str):
    if key not in mapping:
        raise _Invalid(f"{where} has no {key!r}")
    value = mapping[key]
    if not isinstance(value, kind):
        raise _Invalid(
            f"{where}.{key} is {type(value).__name__} {_short(value)}, where "
            f"save_model writes a {kind.__name__ if isinstance(kind, type) else kind}"
        )
    return value


def _check_top(meta: dict) -> tuple[dict | None, list]:
    """The Pipeline's parameters (None for a bare network) and the steps."""
    unknown = sorted(set(meta) - _TOP_KEYS)
    if unknown:
        raise _Invalid(f"dnacnn.json holds {unknown}, which save_model never writes")
    for key in ("dnacnn_version", "keras_version"):
        if key in meta and not isinstance(meta[key], str):
            raise _Invalid(f"{key} is {_short(meta[key])}, not a version string")
    if "pipeline" not in meta:
        raise _Invalid("dnacnn.json has no 'pipeline'")
    pipeline, steps = meta["pipeline"], _require(meta, "steps", list, "dnacnn.json")
    if pipeline is not None:
        pipeline = _pipeline_params(pipeline)
    expected = 1 if pipeline is None else 2
    if len(steps) != expected:
        raise _Invalid(
            f"steps holds {len(steps)} step(s), where save_model writes "
            + (
                "one (the network) for a bare network ('pipeline': null)"
                if pipeline is None
                else "two (the encoder, then the network) for a Pipeline"
            )
        )
    for i, step in enumerate(steps):
        where = f"steps[{i}]"
        if not isinstance(step, dict):
            raise _Invalid(
                f"{where} is {type(step).__name__} {_short(step)}, not a step "
                f"(an object of {sorted(_STEP_KEYS)})"
            )
        if set(step) != _STEP_KEYS:
            raise _Invalid(
                f"{where} holds {sorted(step)}, where save_model writes "
                f"{sorted(_STEP_KEYS)}"
            )
        for key in ("params", "fitted"):
            _require(step, key, dict, where)
    names = [step["name"] for step in steps]
    if pipeline is None and names != [None]:
        raise _Invalid(f"steps[0].name is {_short(names[0])}; a bare network has none")
    if pipeline is not None and (
        not all(isinstance(n, str) and n and "__" not in n for n in names)
        or len(set(names)) != len(names)
    ):
        raise _Invalid(
            f"the step names {_short(names)} are not two distinct names without '__'"
        )
    return pipeline, steps


def _pipeline_params(params) -> dict:
    import inspect

    from sklearn.pipeline import Pipeline

    if not isinstance(params, dict):
        raise _Invalid(
            f"pipeline is {type(params).__name__} {_short(params)}, where "
            "save_model writes the Pipeline's parameters (an object) or null"
        )
    allowed = set(inspect.signature(Pipeline).parameters) - {"steps", "memory"}
    params = {k: _decoded(v, f"pipeline.{k}") for k, v in params.items()}
    for name, value in params.items():
        if name == "memory":
            raise _Invalid(
                f"pipeline.memory is {_short(value)}: Pipeline(memory=...) caches "
                "fitted steps as joblib pickles, which save_model refuses to write"
            )
        if name not in allowed:
            raise _Invalid(
                f"pipeline.{name} is not a Pipeline parameter that save_model "
                f"writes (those are {sorted(allowed)})"
            )
    if not isinstance(params.get("verbose", False), bool):
        raise _Invalid(f"pipeline.verbose is {_short(params['verbose'])}, not a bool")
    routed = params.get("transform_input")
    if routed is not None and not (
        isinstance(routed, list | tuple) and all(isinstance(n, str) for n in routed)
    ):
        raise _Invalid(f"pipeline.transform_input is {_short(routed)}")
    return params


def _load_encoder(step: dict):
    from .preprocessing import DNAOneHotTransformer

    if step["class"] != "DNAOneHotTransformer":
        raise _Invalid(
            f"steps[0].class is {_short(step['class'])}, where save_model writes "
            "'DNAOneHotTransformer'"
        )
    known = DNAOneHotTransformer().get_params()
    params = {k: _decoded(v, f"steps[0].params.{k}") for k, v in step["params"].items()}
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise _Invalid(f"steps[0].params holds unknown parameters {unknown}")
    encoder = DNAOneHotTransformer(**params)
    try:
        encoder._check_params()  # the checks fit makes
    except (TypeError, ValueError) as exc:
        raise _Invalid(f"steps[0].params: {exc}") from exc
    fitted = step["fitted"]
    names = _FITTED["DNAOneHotTransformer"]
    if set(fitted) != set(names):
        raise _Invalid(
            f"steps[0].fitted holds {sorted(fitted)}, where save_model writes {names}"
        )
    try:
        encoder.length_ = check_int(fitted["length_"], "length_", low=1)
    except (TypeError, ValueError) as exc:
        raise _Invalid(f"steps[0].fitted: {exc}") from exc
    return encoder


def _check_encoder_fits(encoder, input_shape: tuple) -> None:
    """The encoder's output is the network's input."""
    alphabet, _ = encoder._check_params()
    length, channels = encoder.length_, len(alphabet)
    encoded = (length * channels, 1) if encoder.flatten else (length, channels)
    if encoded != input_shape:
        raise _Invalid(
            f"its encoder writes sequences of shape {encoded} (length_ {length}, "
            f"alphabet {alphabet!r}), but its network reads {input_shape}"
        )


def _network_params(cls, step: dict) -> tuple:
    """The network's parameters, checked as ``fit`` checks them, and whether
    the network is the user's own (``model=``, saved whole in model.keras)."""
    where = f"{cls.__name__} parameter"
    raw = dict(step["params"])
    own = raw.get("model") == _OWN_NETWORK
    if own:
        raw["model"] = None
    params = {k: _decoded(v, f"{where} {k!r}") for k, v in raw.items()}
    known = cls().get_params()
    for name, value in params.items():
        if name in known:
            continue
        try:  # a routed parameter (optimizer__beta_1, fit__...): scikeras' check
            cls().set_params(**{name: value})
        except ValueError:
            raise _Invalid(
                f"{name!r} is not a parameter of {cls.__name__} (nor a routed "
                "one such as optimizer__beta_1)"
            ) from None
    try:
        _check_saved_params(cls.__name__, params)
    except _Unsavable as exc:
        raise _Invalid(str(exc)) from None
    estimator = cls(**{**_ADDED_PARAMS, **params})
    try:
        estimator._validate_params()  # the checks fit makes
    except (TypeError, ValueError) as exc:
        raise _Invalid(f"{where}: {exc}") from exc
    return estimator, own


def _network_facts(cls, step: dict) -> dict:
    """The network's fitted facts, checked against what save_model writes."""
    from .estimators._classifier import MULTILABEL

    fitted = step["fitted"]
    names = {*_FITTED[cls.__name__], "history_"}
    required = names - {"target_type_"}  # absent from the first files
    where = f"{cls.__name__} fitted"
    if set(fitted) - names or required - set(fitted):
        raise _Invalid(
            f"{where} facts are {sorted(fitted)}, where save_model writes "
            f"{sorted(names)}"
        )
    facts = {k: _decoded(v, f"{where} {k}") for k, v in fitted.items()}
    shape = facts["input_shape_"]
    try:
        if not isinstance(shape, tuple) or len(shape) != 2:
            raise TypeError(
                f"input_shape_ must be a pair (length, channels), got {shape!r}"
            )
        length, channels = (check_int(n, "input_shape_", low=1) for n in shape)
        if length * channels > MAX_INPUT_SIZE:
            raise ValueError(
                f"input_shape_ {shape} is beyond {MAX_INPUT_SIZE:,} positions x "
                "channels"
            )
        if check_int(facts["n_features_in_"], "n_features_in_") != length:
            raise ValueError(
                f"n_features_in_ {facts['n_features_in_']} is not the length in "
                f"input_shape_ {shape}"
            )
        history = facts["history_"]
        if not isinstance(history, dict) or not all(
            isinstance(k, str)
            and isinstance(v, list)
            and all(isinstance(x, int | float) for x in v)
            for k, v in history.items()
        ):
            raise TypeError(
                f"history_ must map metric names to lists of numbers, got "
                f"{_short(history)}"
            )
        if "classes_" in facts:
            kind = facts.get("target_type_", "binary")
            check_choice(kind, "target_type_", ("binary", "multiclass", MULTILABEL))
            classes = facts["classes_"]
            if kind == MULTILABEL:
                classes = classes[0] if isinstance(classes, list) and classes else None
            if not isinstance(classes, np.ndarray) or classes.ndim != 1:
                raise TypeError(
                    f"classes_ must be an array of labels, got {_short(classes)}"
                )
        else:
            check_int(facts["n_outputs_"], "n_outputs_", low=1)
            check_choice(facts["y_ndim_"], "y_ndim_", (1, 2))
    except (TypeError, ValueError) as exc:
        raise _Invalid(f"{where}: {exc}") from exc
    return facts


def load_model(path: str | os.PathLike[str]):
    """Load a model saved by :func:`save_model`; no code in the file is run.

    The file is checked against what :func:`save_model` writes before
    anything is built from it: the sizes of its members (``dnacnn.json`` at
    most 16 MiB, ``model.keras`` at most 4 GiB, neither inflating more than
    100 times; ``MAX_META_BYTES``, ``MAX_NETWORK_BYTES`` and
    ``MAX_EXPANSION`` in this module), the nesting of its JSON (at most 64
    levels, ``MAX_NESTING``), its classes, its parameters (with the checks
    ``fit`` makes) and its fitted facts.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save_model` (or by ``dnacnn fit``).

    Returns
    -------
    model : Pipeline, DNACNNClassifier or DNACNNRegressor
        The fitted model, as saved: its predictions are bit-identical to
        the saved model's.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ModelFileError
        If ``path`` is not such a file, is damaged, holds what
        :func:`save_model` never writes, or its network does not match its
        parameters: one error (a :class:`ValueError`) whose message names
        the file and what is wrong.

    See Also
    --------
    save_model : Examples.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"model file not found: {str(path)!r}")
    try:
        return _load(path)
    except _Invalid as exc:
        raise ModelFileError(
            path,
            f"{str(path)!r} is a damaged dnacnn model file, or one that "
            f"dnacnn.save_model did not write: {str(exc).rstrip('.')}. Save the "
            "model again (or "
            "use an intact copy of the file).",
        ) from exc


def _load(path: Path):
    from sklearn.pipeline import Pipeline

    from .estimators import DNACNNClassifier, DNACNNRegressor

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise ModelFileError(path, _not_a_model(path)) from exc
    with archive:
        if _META not in archive.namelist():
            raise ModelFileError(path, _not_a_model(path, f"it holds no {_META}"))
        meta = _read_meta(archive, path)
        network_info = _member(archive, _NETWORK, MAX_NETWORK_BYTES)
        pipeline, steps = _check_top(meta)
        encoder = None if pipeline is None else _load_encoder(steps[0])
        step = steps[-1]
        classes = {
            "DNACNNClassifier": DNACNNClassifier,
            "DNACNNRegressor": DNACNNRegressor,
        }
        if step["class"] not in classes:
            raise _Invalid(
                f"steps[{len(steps) - 1}].class is {_short(step['class'])}, where "
                f"save_model writes {' or '.join(map(repr, classes))}"
            )
        cls = classes[step["class"]]
        estimator, own = _network_params(cls, step)
        facts = _network_facts(cls, step)
        if encoder is not None:
            _check_encoder_fits(encoder, facts["input_shape_"])
        with tempfile.TemporaryDirectory() as folder:
            network = Path(folder) / _NETWORK
            with open(network, "wb") as out:
                _copy(archive, network_info, out)
            if own:
                with _reading("reading the network's layers"):
                    estimator.set_params(model=_own_network(network))
            with _reading("building the network from its parameters"):
                _load_estimator(estimator, facts, network)
    if encoder is None:
        return estimator
    return Pipeline(
        [(steps[0]["name"], encoder), (step["name"], estimator)], **pipeline
    )


def _own_network(network: Path):
    """A network of the user's, from its ``.keras`` file, in Keras' safe mode.

    Its layers' configuration is read (Keras' layers and dnacnn's, by name;
    safe mode refuses ``Lambda`` layers and any other code in the file).
    """
    import keras

    from .models import custom_objects

    return keras.saving.load_model(
        network, safe_mode=True, custom_objects=custom_objects()
    )


def _load_estimator(estimator, fitted: dict, network: Path) -> None:
    from collections import defaultdict

    configure_threads(estimator.n_threads)  # before the network's first op
    # Build the network (and scikeras' encoders) for the saved classes and
    # shape, without seeding the process' random generators, then read the
    # weights: load_weights reads data only from the .keras archive.  The
    # input is one row of zeros seen as many (no memory for a long input).
    targets, shape = _dummy_targets(fitted), fitted["input_shape_"]
    random_state = estimator.random_state
    estimator.set_params(random_state=None)
    zeros = np.broadcast_to(np.zeros((1, *shape), np.float32), (len(targets), *shape))
    estimator.initialize(zeros, targets)
    estimator.set_params(random_state=random_state)
    network_ = estimator.model_
    try:
        if network_.optimizer is not None:  # its state is saved too
            network_.optimizer.build(network_.trainable_variables)
        network_.load_weights(network)
    except Exception as exc:  # keras raises ValueError and others
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise _Invalid(
            f"its network does not match its parameters ({type(exc).__name__}: "
            f"{text[:200]})"
        ) from exc
    if (
        estimator.input_shape_ != tuple(shape)
        or estimator.n_features_in_ != fitted["n_features_in_"]
        or any(
            np.asarray(getattr(estimator, name)).tolist()
            != np.asarray(fitted[name]).tolist()
            for name in ("classes_", "n_outputs_")
            if name in fitted
        )
    ):
        raise _Invalid("its fitted facts do not match its network")
    estimator.history_ = defaultdict(list, fitted["history_"])
