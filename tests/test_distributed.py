"""Dask: grid searches on a real LocalCluster, prediction on Dask collections.

The nets are tiny and run eagerly (for a few steps, cheaper than tracing a
graph), so that starting the worker processes, each importing TensorFlow, is
most of the time.
"""

import joblib
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from dnacnn import DNACNNClassifier, DNAOneHotTransformer, make_motif_dataset
from dnacnn._threads import default_threads

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow

GRID = {"dnacnnclassifier__filters": [4, 8], "dnacnnclassifier__kernel_size": [4, 6]}
SCORES = ("split0_test_score", "split1_test_score", "mean_test_score")


@pytest.fixture(scope="module")
def data():
    X, y = make_motif_dataset(n_samples=120, length=20, random_state=0)
    return X, y


def _model():
    # dropout and shuffling on: every seeded draw of a fit is exercised
    return make_pipeline(
        DNAOneHotTransformer(),
        DNACNNClassifier(
            epochs=3, dense_units=4, dropout=0.1, random_state=0, run_eagerly=True
        ),
    )


def _search(n_jobs=None):
    return GridSearchCV(_model(), GRID, cv=2, refit=False, n_jobs=n_jobs)


@pytest.fixture(scope="module")
def in_turn(data):
    """The test scores of the grid run in this process, one fit after the other."""
    results = _search().fit(*data).cv_results_
    return {key: results[key] for key in SCORES}


@pytest.fixture(scope="module")
def processes():
    """2 worker processes of 1 thread each, closed after this module's tests."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _search_on_dask(data):
    with joblib.parallel_backend("dask"):
        results = _search(n_jobs=-1).fit(*data).cv_results_
    return {key: results[key] for key in SCORES}


def test_grid_search_on_dask_worker_processes_matches_n_jobs_1(
    processes, data, in_turn
):
    results = _search_on_dask(data)
    for key in SCORES:
        np.testing.assert_array_equal(results[key], in_turn[key], err_msg=key)


def test_grid_search_on_threads_of_one_dask_worker_matches_n_jobs_1(data, in_turn):
    # seeded fits run concurrently in two threads of one process
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        # n_threads=None sizes TensorFlow's pools to the worker's threads
        assert client.submit(default_threads).result() == 2
        results = _search_on_dask(data)
    for key in SCORES:
        np.testing.assert_array_equal(results[key], in_turn[key], err_msg=key)


def test_predict_dask_on_a_bag_and_a_dataframe_column_matches_predict(
    processes, data, tmp_path
):
    import dask.bag
    import dask.dataframe
    import pandas as pd

    from dnacnn import load_sequences, predict_dask

    X, y = data
    model = _model().fit(X, y)
    bag = dask.bag.from_sequence(X, npartitions=3)
    column = dask.dataframe.from_pandas(pd.DataFrame({"seq": X}), npartitions=2)
    # FASTA files in chunks, each read on a worker (as in the docs)
    paths = []
    for k, chunk in enumerate(np.array_split(np.asarray(X, dtype=object), 4)):
        paths.append(tmp_path / f"chunk-{k}.fa")
        records = (f">seq{k}_{i}\n{s}\n" for i, s in enumerate(chunk))
        paths[-1].write_text("".join(records))
    fasta = dask.bag.from_sequence(paths, npartitions=4).map(load_sequences).flatten()
    for sequences in (bag, column["seq"], fasta):
        for method in ("predict", "predict_proba"):
            found = np.asarray(predict_dask(model, sequences, method=method).compute())
            np.testing.assert_array_equal(found, getattr(model, method)(X))
    with pytest.raises(TypeError, match="must be a Dask collection"):
        predict_dask(model, X)
    with pytest.raises(ValueError, match="method must be one of"):
        predict_dask(model, bag, method="transform")
