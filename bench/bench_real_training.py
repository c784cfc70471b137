"""Training choices on real sets: the screen behind the ``"wide"`` default.

Usage::

    python bench/bench_real_training.py --sets nfe2 mouse_tf0 human_tf0 \
        [--configs lr-0.001 plateau ...] [--seed 0] [--jsonl results.jsonl]

One seed, one fit per (set, configuration), read and scored exactly as
``bench_real.py`` does (its readers, ``network()`` and ``score()``): a
screen to choose what ``bench_real.py`` then measures over seeds, not a
result of its own.  Each configuration is a change to ``DNACNNClassifier``'s
parameters, except two things no parameter does: ``callbacks`` given as
``(name, keyword arguments)`` of a ``keras.callbacks`` class, and
``_shift``, which moves every training sequence by a random 0 to ``_shift``
bases either way (zeros fill the ends; the validation batches are not
moved) by wrapping ``Batches.__getitem__`` for that fit.  One JSON line per
fit: metric on the test split, the second metric, dev MCC (GUE), fit
seconds, epochs and the load average at the start.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import keras
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_real import SETS, network, score  # noqa: E402
from bench_tasks import epochs_trained  # noqa: E402

import dnacnn._training as training  # noqa: E402

CNN = {"architecture": "cnn"}
DB256 = {"architecture": "deepbind", "filters": 256, "kernel_size": 11}
CONFIGS = {
    "cnn": CNN,
    "lr-0.001": {**CNN, "learning_rate": 0.001},
    "cnn-128": {**CNN, "filters": 128},
    "plateau": {
        **CNN,
        "callbacks": [
            ("ReduceLROnPlateau", {"monitor": "val_loss", "factor": 0.3, "patience": 2})
        ],
        "patience": 6,
    },
    "adamw": {**CNN, "optimizer": "adamw", "optimizer__weight_decay": 0.05},
    "dilated-64x2": {"architecture": "dilated", "filters": 64, "n_conv_layers": 2},
    "es": {**CNN, "early_stopping": True},
    "es-lr-0.001": {**CNN, "early_stopping": True, "learning_rate": 0.001},
    "shift-3-es": {**CNN, "early_stopping": True, "_shift": 3},
    "basset-es": {
        "architecture": "basset",
        "early_stopping": True,
        "learning_rate": 0.001,
    },
    "deepbind-128-es": {
        "architecture": "deepbind",
        "filters": 128,
        "early_stopping": True,
        "learning_rate": 0.001,
    },
    "deepbind-128k11-es": {
        **DB256,
        "filters": 128,
        "early_stopping": True,
        "learning_rate": 0.001,
    },
    "deepbind-256k11-es-lr-0.001": {
        **DB256,
        "early_stopping": True,
        "learning_rate": 0.001,
    },
    "wide-es": {"architecture": "wide", "early_stopping": True},
}

_getitem = training.Batches.__getitem__
_shift = {"bases": 0, "rng": np.random.default_rng(0)}


def _shifted(self, index):
    batch = _getitem(self, index)
    k = _shift["bases"]
    if not k or self.y is None or self.rng is None:  # predict and validation
        return batch
    x, *rest = batch
    n, length, channels = x.shape
    offsets = _shift["rng"].integers(-k, k + 1, n)
    padded = np.zeros((n, length + 2 * k, channels), x.dtype)
    padded[:, k : k + length] = x
    take = (k - offsets)[:, None] + np.arange(length)
    return (padded[np.arange(n)[:, None], take], *rest)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    names = [s.name for s in SETS]
    parser.add_argument("--sets", nargs="+", default=names, choices=names)
    parser.add_argument(
        "--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS)
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jsonl", default=None, help="append one line per fit here")
    args = parser.parse_args()
    training.Batches.__getitem__ = _shifted
    out = open(args.jsonl, "a") if args.jsonl else None
    for real in [s for s in SETS if s.name in args.sets]:
        data = real.data(args.seed, None)
        X, y = data["train"]
        for name in args.configs:
            params = dict(CONFIGS[name])
            _shift["bases"] = params.pop("_shift", 0)
            _shift["rng"] = np.random.default_rng(args.seed)
            if "callbacks" in params:
                params["callbacks"] = [
                    getattr(keras.callbacks, kind)(**kw)
                    for kind, kw in params["callbacks"]
                ]
            model = network(params, args.seed, X, None)
            load = os.getloadavg()[0]
            start = time.perf_counter()
            model.fit(X, y)
            seconds = time.perf_counter() - start
            metric, second = score(real, model, *data["test"])
            dev = score(real, model, *data["dev"])[0] if "dev" in data else None
            record = {
                "seed": args.seed,
                "set": real.name,
                "config": name,
                "metric": round(metric, 4),
                "second": round(second, 4),
                "dev": None if dev is None else round(dev, 4),
                "seconds": round(seconds, 1),
                "epochs": epochs_trained(model),
                "load": round(load, 1),
            }
            print(json.dumps(record), flush=True)
            if out:
                print(json.dumps(record), file=out, flush=True)


if __name__ == "__main__":
    main()
