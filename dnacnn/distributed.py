"""A fitted model applied to a Dask collection of sequences, across workers.

Needs the ``distributed`` extra (``pip install "dnacnn[distributed]"``).
``dask_ml.wrappers.ParallelPostFit`` does not take sequences (it fails on a
Dask Series of strings and on a 1-D Dask array of them), hence this function.
"""

from __future__ import annotations

from typing import Any

import dask
import dask.bag
import numpy as np

from ._validation import check_choice

__all__ = ["predict_dask"]

#: The methods :func:`predict_dask` can call.
METHODS = ("predict", "predict_proba")


def predict_dask(model: Any, sequences: Any, *, method: str = "predict"):
    """Apply a fitted model to a Dask collection of sequences, partition by partition.

    Each partition is predicted where it lies, by a copy of ``model`` that is
    sent once to each worker (one task of the graph holds it), so the
    sequences never gather in one process.  The results come back in the
    order of ``sequences``, equal to ``model``'s own ``method`` on all of them
    at once.

    Parameters
    ----------
    model : fitted estimator or Pipeline
        Takes an array of sequence strings, e.g.
        ``make_pipeline(DNAOneHotTransformer(), DNACNNClassifier())``, fitted.
    sequences : dask.bag.Bag, dask.dataframe.Series or dask.array.Array
        The sequences (strings), e.g. ``dask.bag.from_sequence(seqs,
        npartitions=8)``, a column of a Dask DataFrame, or a 1-D Dask array.
    method : {"predict", "predict_proba"}, default="predict"
        The model's method to call.

    Returns
    -------
    results : dask.bag.Bag
        One result per sequence (a label, a value, or a row of
        probabilities), lazy: ``numpy.asarray(results.compute())`` is
        ``getattr(model, method)(sequences)``.

    Examples
    --------
    >>> import dask.bag
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn.pipeline import make_pipeline
    >>> from dnacnn import DNAOneHotTransformer, predict_dask
    >>> model = make_pipeline(DNAOneHotTransformer(flatten=True), DummyClassifier())
    >>> model = model.fit(["ACGT", "TTTT", "GGGA"], [0, 1, 1])
    >>> bag = dask.bag.from_sequence(["ACGT", "CCCC", "AAAA"], npartitions=2)
    >>> np.asarray(predict_dask(model, bag, method="predict_proba").compute())
    array([[0.333..., 0.666...],
           [0.333..., 0.666...],
           [0.333..., 0.666...]])
    """
    check_choice(method, "method", METHODS)
    if not hasattr(model, method):
        raise TypeError(f"{type(model).__name__} has no method {method!r}.")
    if not hasattr(sequences, "to_delayed"):
        raise TypeError(
            "sequences must be a Dask collection (dask.bag.Bag, dask.dataframe."
            f"Series or dask.array.Array), got {type(sequences).__name__}; for "
            f"sequences in memory, call model.{method}(sequences)."
        )
    parts = np.ravel(sequences.to_delayed())  # a Dask array gives an array
    shipped = dask.delayed(model, pure=True)  # one task: sent once per worker
    apply = dask.delayed(_apply, pure=True)
    return dask.bag.from_delayed([apply(shipped, part, method) for part in parts])


def _apply(model, part, method: str) -> list:
    """``method`` of ``model`` on one partition's sequences, one item per row."""
    sequences = np.asarray(list(part), dtype=object)
    if len(sequences) == 0:
        return []
    return list(getattr(model, method)(sequences))
