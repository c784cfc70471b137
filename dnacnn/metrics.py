"""Scores over labels that a cross-validation fold leaves undefined.

ROC AUC and average precision need positives (ROC AUC also negatives) in
``y_true``.  In cross-validation of a multi-label model, a rare label often
has none in a test fold; scikit-learn's ``scoring="roc_auc"`` then scores
that label NaN, so the fold's macro average is NaN too, and so is
:class:`~sklearn.model_selection.GridSearchCV`'s mean.
:func:`multilabel_scorer` averages over the labels the fold defines and warns
naming the others.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from sklearn.metrics import average_precision_score, make_scorer, roc_auc_score

from ._validation import check_choice
from .exceptions import DNACNNWarning

__all__ = ["macro_over_defined_labels", "multilabel_scorer"]

#: metric name -> (function of one label's y_true and scores, why a label
#: is left out)
METRICS: dict[str, tuple[Callable, str]] = {
    "roc_auc": (roc_auc_score, "one class only"),
    "average_precision": (average_precision_score, "no positive"),
}


def macro_over_defined_labels(y_true, y_score, *, metric: str = "roc_auc") -> float:
    """``metric`` averaged over the labels whose column of ``y_true`` defines it.

    A label is left out when its column has no positive (or, for ROC AUC,
    no negative); a :class:`~dnacnn.DNACNNWarning` names the labels left out
    and the number of rows.  With no label left, the result is NaN.

    Parameters
    ----------
    y_true : array-like of shape (n_samples, n_labels) or (n_samples,)
        0/1 indicator matrix (a 1-D array is one label).
    y_score : array-like of the same shape
        Scores or probabilities of label 1, e.g. ``predict_proba``'s output
        of a multi-label :class:`~dnacnn.DNACNNClassifier`.
    metric : {"roc_auc", "average_precision"}, default="roc_auc"
        The metric of one label, from :mod:`sklearn.metrics`.

    Returns
    -------
    score : float
        The unweighted mean over the defined labels (scikit-learn's
        ``average="macro"`` when every label is defined).

    Examples
    --------
    >>> import warnings
    >>> from dnacnn.metrics import macro_over_defined_labels
    >>> y_true = [[1, 0], [0, 0], [1, 0]]
    >>> y_score = [[0.9, 0.2], [0.1, 0.4], [0.8, 0.3]]
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     macro_over_defined_labels(y_true, y_score)
    1.0
    >>> print(caught[0].message)
    roc_auc is undefined for label 1 (one class only in these 3 rows): left out \
of the mean over labels.
    """
    check_choice(metric, "metric", tuple(METRICS))
    function, reason = METRICS[metric]
    y_true = np.asarray(y_true)
    y_score = np.asarray(y_score, dtype=float)
    if y_true.shape != y_score.shape or y_true.ndim not in (1, 2):
        raise ValueError(
            "y_true and y_score must have the same shape, (n_samples,) or "
            f"(n_samples, n_labels); got {y_true.shape} and {y_score.shape}."
        )
    if y_true.ndim == 1:
        y_true, y_score = y_true[:, None], y_score[:, None]
    positives = (y_true == 1).sum(axis=0)
    defined = positives > 0
    if metric == "roc_auc":
        defined &= positives < len(y_true)
    left_out = np.flatnonzero(~defined)
    if left_out.size:
        warnings.warn(
            f"{metric} is undefined for label{'s' if left_out.size > 1 else ''} "
            f"{', '.join(map(str, left_out))} ({reason} in these {len(y_true)} "
            "rows): left out of the mean over labels.",
            DNACNNWarning,
            stacklevel=2,
        )
    if not defined.any():
        return float("nan")
    labels = np.flatnonzero(defined)
    return float(np.mean([function(y_true[:, j], y_score[:, j]) for j in labels]))


def multilabel_scorer(metric: str = "roc_auc"):
    """A scorer for multi-label models that skips the labels a fold lacks.

    Use it as ``scoring=`` in :class:`~sklearn.model_selection.GridSearchCV`
    or :func:`~sklearn.model_selection.cross_validate` in place of
    ``"roc_auc"`` or ``"average_precision"``: a test fold in which a label
    has no positive then scores the mean over the other labels, with a
    :class:`~dnacnn.DNACNNWarning`, instead of NaN.  On folds where every
    label is defined it equals scikit-learn's macro average.

    Parameters
    ----------
    metric : {"roc_auc", "average_precision"}, default="roc_auc"
        The metric of one label.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, Y)``, calling the estimator's
        ``predict_proba`` (made by :func:`sklearn.metrics.make_scorer`).

    See Also
    --------
    macro_over_defined_labels : The score it computes.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from dnacnn.metrics import multilabel_scorer
    >>> X = np.zeros((4, 1))
    >>> Y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
    >>> model = DummyClassifier(strategy="prior").fit(X, Y)
    >>> scorer = multilabel_scorer("roc_auc")
    >>> scorer(model, X, Y)  # constant probabilities: 0.5 for each label
    0.5
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     scorer(model, X[:2], [[1, 0], [0, 0]])  # label 1 has no positive
    0.5
    >>> len(caught)
    1
    """
    check_choice(metric, "metric", tuple(METRICS))
    return make_scorer(
        macro_over_defined_labels, response_method="predict_proba", metric=metric
    )
