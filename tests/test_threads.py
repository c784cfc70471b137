"""TensorFlow's thread pools: sized per process, before its first operation."""

import os
import subprocess
import sys

import joblib
import pytest

from dnacnn._threads import default_threads


def test_default_threads_reads_the_limit_joblib_and_dask_set(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert default_threads() == 3
    for unset in ("", "0", "many"):
        monkeypatch.setenv("OMP_NUM_THREADS", unset)
        assert default_threads() is None
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert default_threads() is None  # TensorFlow's default: all the cores


def test_loky_workers_get_their_share_of_the_cores(monkeypatch):
    # what GridSearchCV(n_jobs=2) runs its fits in; joblib keeps a limit set
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    share = max(joblib.cpu_count() // 2, 1)
    with joblib.parallel_config(backend="loky", n_jobs=2):
        found = joblib.Parallel()(joblib.delayed(default_threads)() for _ in range(2))
    assert found == [share, share]


SCRIPT = """
import warnings
import tensorflow as tf
from dnacnn import DNACNNClassifier, DNACNNWarning, DNAOneHotTransformer
from dnacnn import make_motif_dataset
X, y = make_motif_dataset(n_samples=40, length=20, random_state=0)
X = DNAOneHotTransformer().fit_transform(X)
params = dict(filters=4, kernel_size=4, epochs=1)
DNACNNClassifier(**params, n_threads={n_threads}).fit(X, y)
threading = tf.config.threading
print(threading.get_intra_op_parallelism_threads(),
      threading.get_inter_op_parallelism_threads())
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    for _ in range(2):  # a different number: one warning, the fit goes on
        DNACNNClassifier(**params, n_threads=5).fit(X, y)
ours = [w for w in caught if issubclass(w.category, DNACNNWarning)]
print(len(ours), ours[0].filename if ours else None)
print(str(ours[0].message) if ours else "")
"""


def _run(n_threads, **env):
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(n_threads=n_threads)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **env},
    )
    return out.stdout.strip().splitlines()


@pytest.mark.slow
def test_n_threads_sizes_the_pools_in_a_fresh_process_and_warns_once_after():
    # automatic: the share joblib's loky (or Dask's nanny) set in the worker
    pools, warned, message = _run(None, OMP_NUM_THREADS="1")
    assert pools == "1 1"
    assert warned == "1 <string>"  # once, pointing at the caller of fit
    assert "n_threads=5, but TensorFlow already runs" in message
    assert "intra-op 1, inter-op 1" in message and "fresh process" in message


PREDICT_ONLY = """
import pickle, sys
import numpy as np
import tensorflow as tf
from dnacnn import load_model
with open(sys.argv[1], "rb") as file:  # noqa: PTH123
    model = pickle.load(file) if sys.argv[1].endswith(".pkl") else None
model = model or load_model(sys.argv[1])
proba = model.predict_proba(np.load(sys.argv[2], allow_pickle=True))
threading = tf.config.threading
print(threading.get_intra_op_parallelism_threads(),
      threading.get_inter_op_parallelism_threads())
np.save(sys.argv[3], proba)
"""


@pytest.mark.slow
@pytest.mark.parametrize("form", ["pickle", "save_model"])
def test_a_process_that_only_loads_and_predicts_sizes_the_pools(tmp_path, form):
    # a Dask worker of predict_dask, or a script serving a saved model
    import pickle

    import numpy as np
    from sklearn.pipeline import make_pipeline

    from dnacnn import (
        DNACNNClassifier,
        DNAOneHotTransformer,
        make_motif_dataset,
        save_model,
    )

    X, y = make_motif_dataset(n_samples=40, length=20, random_state=0)
    model = make_pipeline(
        DNAOneHotTransformer(), DNACNNClassifier(filters=4, kernel_size=4, epochs=1)
    ).fit(X, y)
    path = tmp_path / ("model.pkl" if form == "pickle" else "model.zip")
    if form == "pickle":
        path.write_bytes(pickle.dumps(model))
    else:
        save_model(model, path)
    np.save(tmp_path / "X.npy", np.asarray(X, dtype=object))
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            PREDICT_ONLY,
            str(path),
            str(tmp_path / "X.npy"),
            str(tmp_path / "proba.npy"),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "OMP_NUM_THREADS": "1"},
    )
    assert out.stdout.strip().splitlines()[-1] == "1 1"
    np.testing.assert_array_equal(
        np.load(tmp_path / "proba.npy"), model.predict_proba(X)
    )
