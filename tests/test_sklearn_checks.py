"""scikit-learn's estimator checks on DNACNNClassifier and DNACNNRegressor.

sklearn's checks feed 2-D numeric X of a handful of features, read as
``(n_samples, L, 1)``: a small, fast network (kernel 1, flattened rather than
pooled, since the features' positions matter, few epochs, a larger learning
rate) keeps them quick while still learning their toy problems.  It reads the
forward strand only: the default ``strands="both"`` needs one-hot A, C, G, T
(4 channels), which these checks' arrays are not.
"""

import pytest
from fits import FAST
from sklearn.utils.estimator_checks import parametrize_with_checks

from dnacnn import DNACNNClassifier, DNACNNRegressor

EXPECTED_FAILED_CHECKS = {
    "check_estimator_tags_renamed": (
        "scikeras' BaseWrapper defines _more_tags, which this check forbids; "
        "DNACNNClassifier's tags come from __sklearn_tags__."
    ),
    "check_mixin_order": (
        "scikeras' KerasClassifier (KerasRegressor) lists BaseWrapper (a "
        "BaseEstimator) before ClassifierMixin (RegressorMixin); a subclass "
        "cannot reorder its bases."
    ),
    "check_sample_weight_equivalence_on_dense_data": (
        "mini-batch SGD with shuffling visits repeated samples in other batches "
        "than weighted ones, so fits differ, as for sklearn's SGDClassifier "
        "and SGDRegressor."
    ),
}


TABULAR = {
    **FAST,
    "kernel_size": 1,
    "filters": 8,
    "pooling": "none",
    "epochs": 20,
    "strands": "forward",
}


def fast_classifier():
    return DNACNNClassifier(**TABULAR, random_state=0)


def fast_regressor():
    return DNACNNRegressor(**TABULAR, random_state=0)


@pytest.mark.slow
@parametrize_with_checks(
    [fast_classifier(), fast_regressor()],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
