"""Training pieces of the network estimators: seeded batches, NaN stop, split.

Keras-only (no scikeras): the estimators feed Keras through these so that a
seeded fit draws from its own generator, never a global one.
"""

from __future__ import annotations

import math

import keras
import numpy as np

__all__ = ["Batches", "StopOnNaN", "split_validation"]


def split_validation(X, y, sample_weight, split):
    """Keras' ``validation_split``: the last ``split`` fraction of the rows."""
    cut = int(math.floor(len(X) * (1.0 - split)))
    if cut == 0 or cut == len(X):
        raise ValueError(
            f"validation_split={split!r} of {len(X)} samples leaves no sample for "
            "training or for validation; use more samples or another "
            "validation_split."
        )
    weights = (None, None) if sample_weight is None else np.split(sample_weight, [cut])
    validation = (X[cut:], y[cut:]) + (() if weights[1] is None else (weights[1],))
    return X[:cut], y[:cut], weights[0], validation


class Batches(keras.utils.PyDataset):
    """The training mini-batches, in a new order drawn from ``rng`` each pass.

    Keras reads one pass in order, from one thread, and may start reading the
    next before ``on_epoch_begin`` runs; so a pass is whatever starts at
    batch 0, and the order is drawn there.  ``rng=None`` keeps the rows' order.
    """

    def __init__(self, X, y, sample_weight, batch_size, *, rng):
        super().__init__()  # one worker, no multiprocessing: batches in order
        self.X, self.y, self.sample_weight = X, y, sample_weight
        self.batch_size, self.rng, self.order = batch_size, rng, None

    def __len__(self):
        return math.ceil(len(self.X) / self.batch_size)

    def __getitem__(self, index):
        if index == 0 and self.rng is not None:
            self.order = self.rng.permutation(len(self.X))
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        if self.order is not None:
            rows = self.order[rows]
        batch = (self.X[rows], self.y[rows])
        if self.sample_weight is not None:
            batch += (self.sample_weight[rows],)
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
