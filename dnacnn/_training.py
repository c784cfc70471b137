"""Training pieces of the network estimators: seeded batches, NaN stop, hold-out.

Keras-only (no scikeras): the estimators feed Keras through these so that a
seeded fit draws from its own generator, never a global one.
"""

from __future__ import annotations

import gc
import math
import signal
import threading

import keras
import numpy as np

__all__ = ["Batches", "StopOnInterrupt", "StopOnNaN", "holdout"]


def holdout(n_samples, fraction, *, stratify=None, seed=None):
    """Random training and validation rows, as ``MLPClassifier`` draws them.

    ``fraction`` of the ``n_samples`` rows (rounded up, as
    :func:`~sklearn.model_selection.train_test_split` does) are held out, drawn
    by ``numpy.random.default_rng(seed)``; with 1-D class labels ``stratify``
    each class keeps its proportion (when every class has 2 rows or more).
    Returns ``(train, validation)``, two sorted index arrays.
    """
    from sklearn.model_selection import train_test_split

    n_validation = math.ceil(n_samples * fraction)
    if n_validation < 1 or n_validation >= n_samples:
        raise ValueError(
            f"validation_fraction={fraction!r} of {n_samples} samples leaves no "
            "sample for training or for validation; use more samples or another "
            "validation_fraction."
        )
    rows = np.arange(n_samples)
    if stratify is not None:
        classes, counts = np.unique(stratify, return_counts=True)
        if counts.min() < 2 or len(counts) > n_validation:
            _warn_unstratified(classes, counts, n_validation)
            stratify = None  # train_test_split could not stratify
    random_state = np.random.RandomState(
        np.random.default_rng(seed).integers(2**31 - 1)
    )
    train, validation = train_test_split(
        rows, test_size=n_validation, stratify=stratify, random_state=random_state
    )
    return np.sort(train), np.sort(validation)


def _warn_unstratified(classes, counts, n_validation) -> None:
    import warnings

    from .exceptions import DNACNNWarning

    if counts.min() < 2:
        rare = [
            f"class {c!r} has {n} sample"
            for c, n in zip(classes.tolist(), counts, strict=True)
            if n < 2
        ]
        why = "; ".join(rare[:5]) + (" ..." if len(rare) > 5 else "")
    else:
        why = f"{len(classes)} classes but {n_validation} validation samples"
    warnings.warn(
        "the validation samples (validation_split, or validation_fraction "
        f"with early stopping) are drawn at random, not stratified by class "
        f"({why}; stratifying needs at least 2 samples of each class and a "
        "validation sample per class), so a rare class may be held out of "
        "training entirely. Give more samples of each class, or a larger "
        "fraction, or no validation split.",
        DNACNNWarning,
        stacklevel=4,
    )


class Batches(keras.utils.PyDataset):
    """Mini-batches of ``X[rows]``, in a new order drawn from ``rng`` each pass.

    Keras reads one pass in order, from one thread, and may start reading the
    next before ``on_epoch_begin`` runs; so a pass is whatever starts at
    batch 0, and the order is drawn there.  ``rng=None`` keeps the rows' order.
    ``rows`` (default: all) are indices into ``X``: a hold-out leaves ``X``
    as it is, and only one batch at a time is copied (and cast by Keras), so a
    uint8 one-hot array is never converted whole.  With ``y=None`` a batch is
    ``X`` alone, for ``predict``; ``pad=True`` then fills the last batch up to
    ``batch_size`` with zeros (drop those rows of the output), so that every
    batch has one shape and Keras traces its predict function once per model,
    not twice.  ``augment="reverse_complement"`` adds each batch's reverse
    complements.

    Keras reads a PyDataset through ``tf.data.Dataset.from_generator``, whose
    generator TensorFlow keeps for the life of the process (the ``py_func``
    it runs is registered on the eager context's global graph): use it as a
    context manager, or call :meth:`release`, so that it drops its arrays
    when the fit or predict ends.
    """

    def __init__(
        self,
        X,
        y,
        sample_weight,
        batch_size,
        *,
        rng,
        augment=None,
        rows=None,
        pad=False,
    ):
        super().__init__()  # one worker, no multiprocessing: batches in order
        self.X, self.y, self.sample_weight = X, y, sample_weight
        self.batch_size, self.rng, self.augment = batch_size, rng, augment
        self.rows = np.arange(len(X)) if rows is None else np.asarray(rows)
        self.order = self.rows
        self.pad = pad

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        self.release()

    def release(self):
        """Drop the references to ``X``, ``y`` and ``sample_weight`` (and rows)."""
        self.X = self.y = self.sample_weight = None
        self.rows = self.order = np.empty(0, dtype=np.intp)

    def __len__(self):
        return math.ceil(len(self.rows) / self.batch_size)

    def __getitem__(self, index):
        if index == 0 and self.rng is not None:
            self.order = self.rng.permutation(self.rows)
        rows = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        if self.y is None:
            x = self.X[rows]
            if self.pad and len(x) < self.batch_size:
                fill = np.zeros((self.batch_size - len(x),) + x.shape[1:], x.dtype)
                x = np.concatenate([x, fill])
            return x
        batch = (self.X[rows], self.y[rows])
        if self.sample_weight is not None:
            batch += (self.sample_weight[rows],)
        if self.augment == "reverse_complement":
            # each sequence and its reverse complement (one-hot A, C, G, T:
            # positions and channels reversed), with the same target and weight
            x, *rest = batch
            batch = (np.concatenate([x, x[:, ::-1, ::-1]]),) + tuple(
                np.concatenate([part, part]) for part in rest
            )
        return batch


class StopOnNaN(keras.callbacks.Callback):
    """``keras.callbacks.TerminateOnNaN``, remembering where the loss went bad."""

    def __init__(self):
        super().__init__()
        self.epoch, self.found = 0, None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            self.found = (self.epoch, batch, float(loss))
            self.model.stop_training = True


class StopOnInterrupt(keras.callbacks.Callback):
    """Ctrl-C stops a fit after the current batch, then raises ``KeyboardInterrupt``.

    Keras reads the batches in TensorFlow's threads; a ``KeyboardInterrupt``
    raised in the middle of a step can abort the whole process (TensorFlow's
    heap is freed under a running thread).  Used as a context manager around
    the fit, in the main thread with Python's default SIGINT handler, it turns
    the first Ctrl-C into Keras' ``stop_training`` and raises on leaving; a
    second Ctrl-C raises at once.  Elsewhere (a worker thread, a handler of the
    user's) it changes nothing.
    """

    def __init__(self):
        super().__init__()
        self.interrupted, self._previous = False, None

    def __enter__(self):
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        ):
            self._previous = signal.signal(signal.SIGINT, self._interrupt)
        return self

    def __exit__(self, kind, value, traceback):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None
        if self.interrupted and kind is None:
            gc.collect()  # the unfinished data iterator, while Python can finalise it
            raise KeyboardInterrupt

    def _interrupt(self, signum, frame):
        if self.interrupted:
            raise KeyboardInterrupt
        self.interrupted = True

    def on_train_batch_end(self, batch, logs=None):
        if self.interrupted:
            self.model.stop_training = True
