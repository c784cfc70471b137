"""scikit-learn's estimator checks on DNACNNClassifier and DNACNNRegressor.

sklearn's checks feed 2-D numeric X of a handful of features, read as
``(n_samples, L, 1)``: a small, fast network (kernel 1, flattened rather than
pooled, since the features' positions matter, few epochs, a larger learning
rate) keeps them quick while still learning their toy problems.  It reads the
forward strand only: the default ``strands="both"`` needs one-hot A, C, G, T
(4 channels), which these checks' arrays are not.

Three epochs are enough for the checks that score a fit.  Measured with the
checks' data, the checks' random_state replaced by 0-4: check_classifiers_train
accuracy 0.92-0.98 (it asks > 0.83), check_regressors_train R^2 0.70-0.77
(> 0.5), check_class_weight_classifiers 0.96-1.0 of predictions in the
weighted class (> 0.87), check_classifiers_one_label_sample_weights all of
them in the one weighted class.  Most checks fit once or twice and only ask
for shapes, types and errors: each epoch more only makes them slower.
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
    "architecture": "cnn",  # the layout whose pooling="none" flattens
    "kernel_size": 1,
    "filters": 8,
    "pooling": "none",
    "epochs": 3,
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
