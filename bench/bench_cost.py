"""What a fit costs on 2 cores: the shipped default, and each architecture.

Usage::

    python bench/bench_cost.py [--n 30000] [--per-epoch 10000] [--epochs 3]

Two parts, in one process, one after the other (the machine may be noisy:
the load average is printed beside each row):

* **The default fit**: ``make_pipeline(DNAOneHotTransformer(),
  DNACNNClassifier(random_state=0))`` as shipped, fitted on the first ``--n``
  training sequences of GUE ``human_tf1`` (30,672 x 101 bp of real ChIP-seq,
  read with ``bench_real``'s reader from ``../shared/data/real/``; early
  stopping under ``"auto"`` decides the epochs as a user's fit would).
  Without ``../shared/``, ``make_motif_dataset(n, length=101)`` instead
  (printed).  The issue's budget: under 3 minutes on 2 cores.
* **Per architecture**: ``DNACNNClassifier(architecture=a, epochs=--epochs,
  early_stopping=False, random_state=0)`` on ``--per-epoch`` of those
  sequences (already one-hot), the shipped parameters otherwise (both
  strands).  An epoch's time is read by a Keras callback at each epoch's end;
  the first epoch (which traces the graph) is reported apart from the median
  of the others.  Printed per architecture: seconds per epoch, per epoch per
  1,000 sequences, the ratio to ``'wide'`` (the default), the first epoch,
  and seconds to predict 1,000 sequences (both strands).
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import keras
import numpy as np
from sklearn.pipeline import make_pipeline

from dnacnn import DNACNNClassifier, DNAOneHotTransformer, make_motif_dataset
from dnacnn._params import ARCHITECTURES

BUDGET_S = 180.0


class EpochClock(keras.callbacks.Callback):
    """The wall-clock seconds of each epoch."""

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self.start)

    def on_train_begin(self, logs=None):
        self.times = []


def sequences(n: int) -> tuple[list[str], np.ndarray, str]:
    """``n`` training sequences of GUE human_tf1, or simulated ones without it."""
    try:
        from bench_real import DATA, SETS  # bench/bench_real.py
    except ImportError:  # pandas or the like missing: simulate
        DATA, SETS = None, []
    real = next((s for s in SETS if s.name == "human_tf1"), None)
    if real is not None and DATA.is_dir():
        X, y = real.data(0, None)["train"]
        X, y = list(X[:n]), np.asarray(y[:n])
        return X, y, f"GUE human_tf1, first {len(X):,} training sequences"
    X, y = make_motif_dataset(n_samples=n, length=101, random_state=0)
    return list(X), y, f"make_motif_dataset({n}, length=101) (no ../shared/)"


def default_fit(X, y) -> dict:
    model = make_pipeline(DNAOneHotTransformer(), DNACNNClassifier(random_state=0))
    load = os.getloadavg()[0]
    start = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - start
    epochs = len(model[-1].history_["loss"])
    return dict(seconds=seconds, epochs=epochs, load=load)


def architecture_cost(architecture: str, onehot, y, epochs: int) -> dict:
    clock = EpochClock()
    clf = DNACNNClassifier(
        architecture=architecture,
        epochs=epochs,
        early_stopping=False,
        callbacks=[clock],
        random_state=0,
    )
    load = os.getloadavg()[0]
    clf.fit(onehot, y)
    m = min(5000, len(onehot))
    start = time.perf_counter()
    clf.predict_proba(onehot[:m])
    predict = (time.perf_counter() - start) / (m / 1000)
    rest = clock.times[1:] or clock.times
    return dict(
        first=clock.times[0], epoch=float(np.median(rest)), predict=predict, load=load
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30_000)
    parser.add_argument("--per-epoch", type=int, default=10_000)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    print(
        f"Python {platform.python_version()}, Keras {keras.__version__}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}"
    )
    X, y, source = sequences(args.n)
    print(f"Data: {source}\n")

    fit = default_fit(X, y)
    verdict = "within" if fit["seconds"] <= BUDGET_S else "OVER"
    print("| fit | sequences | seconds | epochs | s/epoch | budget | load |")
    print("|:--|--:|--:|--:|--:|:--|--:|")
    print(
        f"| shipped default | {len(X):,} | {fit['seconds']:.1f} | {fit['epochs']} | "
        f"{fit['seconds'] / fit['epochs']:.1f} | {verdict} {BUDGET_S:.0f} s | "
        f"{fit['load']:.1f} |\n"
    )

    n = min(args.per_epoch, len(X))
    onehot = DNAOneHotTransformer().fit_transform(X[:n])
    rows = {a: architecture_cost(a, onehot, y[:n], args.epochs) for a in ARCHITECTURES}
    base = rows["wide"]["epoch"]
    print(f"Per architecture: {n:,} sequences x 101 bp, {args.epochs} epochs each")
    print(
        "| architecture | s/epoch | s/epoch/1k seqs | x wide | first epoch s "
        "| predict s/1k seqs | load |"
    )
    print("|:--|--:|--:|--:|--:|--:|--:|")
    for name, r in rows.items():
        print(
            f"| {name} | {r['epoch']:.1f} | {r['epoch'] / (n / 1000):.3f} | "
            f"{r['epoch'] / base:.2f} | {r['first']:.1f} | {r['predict']:.3f} | "
            f"{r['load']:.1f} |"
        )


if __name__ == "__main__":
    main()
