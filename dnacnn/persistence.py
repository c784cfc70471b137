"""Saving fitted models in a format that loading cannot turn into running code.

``joblib.dump`` and :mod:`pickle` store a model as instructions that
``joblib.load`` executes: a crafted file runs any code it likes while it is
being loaded.  :func:`save_model` writes a fitted
``make_pipeline(DNAOneHotTransformer(), DNACNNClassifier())`` (or the bare
classifier) as one zip file holding data only:

``dnacnn.json``
    the parameters of each step, and the fitted facts (the encoder's
    ``length_``; the classifier's ``classes_``, ``history_``,
    ``input_shape_``, ``n_features_in_``), in JSON;
``model.keras``
    the Keras network, as ``keras.Model.save`` writes it (it can also be
    opened alone with ``keras.saving.load_model(path, safe_mode=True,
    custom_objects=dnacnn.models.custom_objects())``).

:func:`load_model` rebuilds the classifier from its parameters through
scikeras' ``initialize`` and reads the weights alone from ``model.keras``;
no pickle is involved anywhere.  (``skops.io`` cannot hold these estimators:
its walk of a Keras model fails with a ``RecursionError``.)
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from ._files import atomic_path
from ._threads import configure_threads

__all__ = ["is_safe_model_file", "load_model", "save_model"]

FORMAT = "dnacnn-model"
VERSION = 1

#: Parameters that files of this format were first written without, and the
#: behaviour a network saved without them was built with (their defaults
#: have changed since): read so, such a file is rebuilt as it was fitted.
_ADDED_PARAMS = {
    "strands": "forward",
    "strand_reduce": "max",
    "dense_activation": "relu",
}
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


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__dtype__" in value:
        dtype = np.dtype(value["__dtype__"])
        return dtype if value.get("instance") else dtype.type
    if "__tuple__" in value:
        return tuple(_decode(v) for v in value["__tuple__"])
    if "__dict__" in value:
        return {_decode(k): _decode(v) for k, v in value["__dict__"]}
    if "__array__" in value:
        return np.array([_decode(v) for v in value["__array__"]], dtype=value["dtype"])
    raise ValueError(f"unknown value {value!r}")


# --------------------------------------------------------------------------
# saving
# --------------------------------------------------------------------------
def _steps(model):
    """(pipeline params or None, encoder or None, encoder name, classifier, name)."""
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
            (enc_name, encoder), (clf_name, classifier) = model.steps
            return extra, encoder, enc_name, classifier, clf_name
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


def _classifier_params(classifier) -> dict:
    params = classifier.get_params(deep=False)
    kind = type(classifier).__name__
    for name in ("model", "build_fn", "callbacks"):
        if params.get(name) is not None:
            raise _Unsavable(f"{kind}({name}={params[name]!r})")
    if not isinstance(params.get("optimizer"), str):
        raise _Unsavable(
            f"{kind}(optimizer={params['optimizer']!r}): only an "
            "optimizer given by name (e.g. 'adam') can be saved in the safe format"
        )
    if isinstance(params.get("random_state"), np.random.RandomState):
        raise _Unsavable(
            f"{kind}(random_state=RandomState(...)): give an int seed "
            "to save it in the safe format"
        )
    return {k: _encode(v, f"{kind}({k}") for k, v in params.items()}


# fitted facts saved per network class (the Keras weights aside)
_FITTED = {
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
        dtypes: callback objects, optimizer instances, a ``model``/
        ``build_fn``, other Pipeline steps are refused (save those with
        ``joblib.dump``).
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
    >>> X, y, _ = make_motif_dataset(n_samples=100, length=20, random_state=0)
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
        pipeline_params, encoder, enc_name, classifier, clf_name = _steps(model)
        classifier_params = _classifier_params(classifier)  # refusals first
        check_is_fitted(classifier)
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
                    "fitted": _fitted_facts(
                        encoder,
                        [k for k in vars(encoder) if k.endswith("_")],
                    ),
                }
            )
        history = {
            str(k): [float(v) for v in vs] for k, vs in classifier.history_.items()
        }
        steps.append(
            {
                "name": clf_name,
                "class": type(classifier).__name__,
                "params": classifier_params,
                "fitted": {
                    **_fitted_facts(classifier, _FITTED[type(classifier).__name__]),
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
        classifier.model_.save(network)
        with atomic_path(path) as temp, zipfile.ZipFile(temp, "w") as archive:
            archive.writestr(
                _META, json.dumps(meta, indent=1), compress_type=zipfile.ZIP_DEFLATED
            )
            archive.write(network, _NETWORK)
    return path


# --------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------
def is_safe_model_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a zip file with a ``dnacnn.json`` (by content, not name)."""
    try:
        if not zipfile.is_zipfile(path):
            return False
        with zipfile.ZipFile(path) as archive:
            return _META in archive.namelist()
    except OSError:
        return False


def _read_meta(archive, path) -> dict:
    try:
        meta = json.loads(archive.read(_META))
    except (KeyError, ValueError) as exc:
        raise ValueError(f"{str(path)!r} is not a dnacnn model file: {exc}") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ValueError(f"{str(path)!r} is not a dnacnn model file.")
    if meta.get("version") != VERSION:
        raise ValueError(
            f"{str(path)!r} is a dnacnn model file of version {meta.get('version')!r}; "
            f"this dnacnn reads version {VERSION}: load it with the dnacnn "
            f"{meta.get('dnacnn_version', '?')} that saved it."
        )
    return meta


def load_model(path: str | os.PathLike[str]):
    """Load a model saved by :func:`save_model`; no code in the file is run.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save_model` (or by ``dnacnn fit``).

    Returns
    -------
    model : Pipeline or DNACNNClassifier
        The fitted model, as saved: its predictions are bit-identical to
        the saved model's.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If ``path`` is not such a file, or its network does not match its
        parameters.

    See Also
    --------
    save_model : Examples.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"model file not found: {str(path)!r}")
    if not is_safe_model_file(path):
        raise ValueError(
            f"{str(path)!r} is not a dnacnn model file (a zip file saved by "
            "dnacnn.save_model); a joblib file loads with joblib.load, which "
            "runs any code the file holds: only load pickles you trust."
        )
    from sklearn.pipeline import Pipeline

    from .estimators import DNACNNClassifier, DNACNNRegressor
    from .preprocessing import DNAOneHotTransformer

    with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as folder:
        meta = _read_meta(archive, path)
        try:
            *encoder_step, classifier_step = meta["steps"]
            archive.extract(_NETWORK, folder)
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError(
                f"{str(path)!r} is a damaged dnacnn model file: {exc}"
            ) from exc
        cls = {"DNACNNRegressor": DNACNNRegressor}.get(
            classifier_step.get("class"), DNACNNClassifier
        )
        classifier = _load_classifier(
            cls, classifier_step, Path(folder) / _NETWORK, path
        )
    if meta.get("pipeline") is None:
        return classifier
    (step,) = encoder_step
    encoder = DNAOneHotTransformer(**{k: _decode(v) for k, v in step["params"].items()})
    for name, value in step["fitted"].items():
        setattr(encoder, name, _decode(value))
    return Pipeline(
        [(step["name"], encoder), (classifier_step["name"], classifier)],
        **{k: _decode(v) for k, v in meta["pipeline"].items()},
    )


def _load_classifier(cls, step, network: Path, path: Path):
    from collections import defaultdict

    params = {**_ADDED_PARAMS, **{k: _decode(v) for k, v in step["params"].items()}}
    fitted = {k: _decode(v) for k, v in step["fitted"].items()}
    classifier = cls(**params)
    configure_threads(classifier.n_threads)  # before the network's first op
    # Build the network (and scikeras' encoders) for the saved classes and
    # shape, without seeding the process' random generators, then read the
    # weights: load_weights reads data only from the .keras archive.
    targets, shape = _dummy_targets(fitted), fitted["input_shape_"]
    classifier.set_params(random_state=None)
    classifier.initialize(np.zeros((len(targets), *shape), np.float32), targets)
    classifier.set_params(random_state=params.get("random_state"))
    network_ = classifier.model_
    try:
        if network_.optimizer is not None:  # its state is saved too
            network_.optimizer.build(network_.trainable_variables)
        network_.load_weights(network)
    except Exception as exc:  # keras raises ValueError and others
        raise ValueError(
            f"the network in {str(path)!r} does not match its parameters: {exc}"
        ) from exc
    if (
        classifier.input_shape_ != tuple(shape)
        or classifier.n_features_in_ != fitted["n_features_in_"]
        or any(
            np.asarray(getattr(classifier, name)).tolist()
            != np.asarray(fitted[name]).tolist()
            for name in ("classes_", "n_outputs_")
            if name in fitted
        )
    ):
        raise ValueError(f"{str(path)!r} is a damaged dnacnn model file.")
    classifier.history_ = defaultdict(list, fitted["history_"])
    return classifier
