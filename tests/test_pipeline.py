"""Pipelines, grid searches and cross-validation.

The tutorial's accuracy is checked on its own data (skipped without it); the
rest runs on simulated data of the same kind (2,000 x 50 bp, a 12-bp motif
planted in half).
"""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GridSearchCV,
    cross_val_score,
    cross_validate,
    train_test_split,
)
from sklearn.pipeline import make_pipeline

from dnacnn import DNACNNClassifier, DNAOneHotTransformer, make_motif_dataset


@pytest.fixture(scope="module")
def simulated_split():
    X, y = make_motif_dataset(2000, 50, random_state=7)
    return train_test_split(X, y, test_size=0.25, random_state=42)


@pytest.mark.slow
def test_default_pipeline_reaches_the_tutorial_accuracy(primer_pipeline, primer_split):
    # conftest's primer_pipeline: the default pipeline, fitted on the training part
    _, X_test, _, y_test = primer_split
    assert primer_pipeline.score(X_test, y_test) >= 0.98
    assert primer_pipeline.predict(["CGACCGAACTCC" + "A" * 38]).tolist() == [1]


def small_search(n_jobs):
    return GridSearchCV(
        make_pipeline(
            DNAOneHotTransformer(), DNACNNClassifier(epochs=8, random_state=0)
        ),
        {
            "dnaonehottransformer__length": [None, 54],
            "dnacnnclassifier__kernel_size": [8, 12],
            "dnacnnclassifier__optimizer__learning_rate": [0.003],
        },
        # 2 folds: 9 fits a search instead of 13.  Measured, random_state 0-2:
        # best mean score 0.973-0.98, the refitted best 0.99-1.0 on the test
        # set (3 folds: 0.988-0.998 and 0.996-1.0)
        cv=2,
        n_jobs=n_jobs,
    )


@pytest.mark.slow
def test_grid_search_same_results_with_one_or_two_jobs(simulated_split):
    X_train, X_test, y_train, y_test = simulated_split
    X_small, y_small = X_train[:600], y_train[:600]
    serial = small_search(1).fit(X_small, y_small)
    parallel = small_search(2).fit(X_small, y_small)
    for key in ("params", "mean_test_score", "split0_test_score", "rank_test_score"):
        assert list(serial.cv_results_[key]) == list(parallel.cv_results_[key])
    assert serial.best_score_ > 0.8
    best = serial.best_estimator_
    assert best[-1].get_params()["optimizer__learning_rate"] == 0.003
    # the refitted best pipeline predicts from raw strings
    assert best.predict(X_test[:20]).shape == (20,)
    assert best.score(X_test, y_test) > 0.8


@pytest.mark.slow
def test_cross_validation_functions(simulated_split):
    X_train, _, y_train, _ = simulated_split
    model = make_pipeline(
        DNAOneHotTransformer(), DNACNNClassifier(epochs=10, random_state=0)
    )
    scores = cross_val_score(model, X_train[:600], y_train[:600], cv=3)
    assert scores.shape == (3,) and scores.min() > 0.8
    results = cross_validate(
        model,
        X_train[:600],
        y_train[:600],
        cv=3,
        scoring=["accuracy", "roc_auc"],
        return_estimator=True,
    )
    assert results["test_roc_auc"].min() > 0.9
    np.testing.assert_allclose(results["test_accuracy"], scores)


def test_classical_baseline_composes(simulated_split):
    X_train, X_test, y_train, y_test = simulated_split
    baseline = make_pipeline(DNAOneHotTransformer(flatten=True), LogisticRegression())
    baseline.fit(X_train, y_train)
    # a per-position linear model cannot follow a motif that moves
    assert 0.5 < baseline.score(X_test, y_test) < 0.95


@pytest.mark.slow
def test_halving_search_spends_epochs_as_its_resource(simulated_split):
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingGridSearchCV

    X_train, _, y_train, _ = simulated_split
    model = make_pipeline(
        DNAOneHotTransformer(),
        # a few small fits: eager steps cost less than tracing a graph
        DNACNNClassifier(learning_rate=0.01, random_state=0, run_eagerly=True),
    )
    search = HalvingGridSearchCV(
        model,
        {"dnacnnclassifier__kernel_size": [4, 12]},
        resource="dnacnnclassifier__epochs",
        min_resources=2,
        max_resources=4,
        factor=2,
        cv=2,
    ).fit(X_train[:200], y_train[:200])
    # every candidate gets 2 epochs, the better half 4, and the winner is
    # refitted with the most
    assert search.n_resources_ == [2, 4] and search.n_candidates_ == [2, 1]
    epochs = search.cv_results_["param_dnacnnclassifier__epochs"]
    assert list(epochs) == [2, 2, 4]
    assert len(search.best_estimator_[-1].history_["loss"]) == 4
