"""What fit and predict keep, trace and compile (memory and parallel fits)."""

import gc
import os
import subprocess
import sys
import weakref

import numpy as np
import pytest

from dnacnn import DNACNNClassifier, DNAOneHotTransformer, make_motif_dataset

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def onehot():
    sequences, y = make_motif_dataset(n_samples=300, length=30, random_state=0)
    return DNAOneHotTransformer(dtype=np.uint8).fit_transform(sequences), y


def _small(**params):
    return DNACNNClassifier(
        filters=4, kernel_size=4, dense_units=4, epochs=1, random_state=0, **params
    )


@pytest.mark.parametrize("rows", [20, 300])  # one batch (eager), 10 (Keras)
def test_fit_and_predict_keep_no_reference_to_the_data(onehot, rows):
    # TensorFlow keeps the generator of every tf.data from_generator for the
    # life of the process: a fit then a predict held both arrays (2.5x the
    # uint8 array of a 50,000 x 1 kb Pipeline instead of 1.25x)
    X, y = onehot
    X, y = X.copy(), y.copy()  # only this test refers to them
    model = _small(batch_size=32, validation_fraction=0.2).fit(X, y)
    X_test = X[:rows].copy()
    model.predict_proba(X_test)
    refs = {"X": weakref.ref(X), "y": weakref.ref(y), "X_test": weakref.ref(X_test)}
    del X, y, X_test
    gc.collect()
    assert [name for name, ref in refs.items() if ref() is not None] == []


def test_predictions_do_not_depend_on_how_many_sequences_are_predicted(onehot):
    # up to 3 batches the network is called eagerly, on more Keras' predict
    # function runs (on batches padded to one shape): the same values
    X, y = onehot
    model = _small(batch_size=32).fit(X, y)
    whole = model.predict_proba(X)  # 10 batches, the last one padded
    pieces = [model.predict_proba(X[i : i + 50]) for i in range(0, 300, 50)]
    np.testing.assert_array_equal(whole, np.concatenate(pieces))
    assert len(whole) == len(X)


GRID_SEARCH = """
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from dnacnn import DNACNNClassifier, DNAOneHotTransformer, make_motif_dataset
X, y = make_motif_dataset(n_samples=400, length=20, random_state=0)
model = make_pipeline(  # 2 steps an epoch, each fit scored on 1 batch
    DNAOneHotTransformer(),
    DNACNNClassifier(filters=4, dense_units=4, epochs=2, random_state=0),
)
grid = {"dnacnnclassifier__kernel_size": [3, 4, 5, 6]}
GridSearchCV(model, grid, cv=3, refit=False, n_jobs=2).fit(X, y)
print("done")
"""


def test_grid_search_workers_do_not_retrace():
    # 6 fits per worker, each scored on one batch: Keras traced a predict
    # function for each network, and TensorFlow warned "5 out of the last 5
    # calls ... triggered tf.function retracing" in each worker.  (A fit of
    # fewer than 4 training steps still warns so: Keras traces a train
    # function for each network.)
    done = subprocess.run(
        [sys.executable, "-c", GRID_SEARCH],
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("done")
    assert "retracing" not in done.stderr, done.stderr[-3000:]
