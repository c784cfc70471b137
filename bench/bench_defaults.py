"""Why DNACNNClassifier's defaults are what they are: accuracy against the tutorial.

Usage::

    python bench/bench_defaults.py [--seeds 5]

Fits three models on two data sets and prints their test accuracy:

* "tutorial network": the primer tutorial's architecture, 32 filters of width
  12 with no activation, max pooling of size 4, a 16-unit dense layer, 50
  epochs, batch 32;
* "defaults": ``DNACNNClassifier(random_state=seed)`` as shipped (its
  parameters are read from ``get_params()`` and printed above the table);
* "6-mer logistic regression": counts of every 6-mer
  (``CountVectorizer(analyzer="char", ngram_range=(6, 6))``) fed to
  ``LogisticRegression``, a non-deep baseline; deterministic, so fitted once.

Each CNN is ``make_pipeline(DNAOneHotTransformer(), clf)`` fitted on the raw
strings, over seeds ``0 .. seeds - 1``, the two networks interleaved seed by
seed so that machine noise hits both alike. The data sets:

* ``primer``: the tutorial's 2,000 sequences of 50 bp (``fetch_primer``, read
  from the shared cache without downloading), with its planted 12-mer;
* ``pwm200``: ``make_motif_dataset(n_samples=2000, length=200, motif=PWM,
  random_state=0)``, a 19-position PWM giving a fresh, noisy site per
  positive sequence in 200 bp of background: a harder, more realistic task.

Both are split ``train_test_split(test_size=0.25, random_state=42)``. The
table gives, per model and data set, the test accuracy of every seed, their
median and minimum, and the median wall-clock time of a fit (encoding
included); below it, the median-accuracy difference defaults - tutorial.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
from _primer import load_primer  # bench/_primer.py
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from dnacnn import (
    DNACNNClassifier,
    DNAOneHotTransformer,
    make_motif_dataset,
)
from dnacnn.models import ARCHITECTURE_PARAMS

# 19 x 4 position weight matrix (columns A, C, G, T); rows are normalised to
# sum to 1 before use, as the 3-decimal values need not.
PWM = np.array(
    [
        [0.017, 0.011, 0.218, 0.754],
        [0.024, 0.026, 0.882, 0.068],
        [0.010, 0.113, 0.864, 0.013],
        [0.034, 0.100, 0.020, 0.846],
        [0.413, 0.027, 0.073, 0.487],
        [0.104, 0.830, 0.032, 0.034],
        [0.034, 0.026, 0.102, 0.838],
        [0.055, 0.065, 0.805, 0.075],
        [0.771, 0.075, 0.060, 0.094],
        [0.071, 0.117, 0.045, 0.767],
        [0.233, 0.319, 0.363, 0.085],
        [0.025, 0.049, 0.875, 0.051],
        [0.032, 0.015, 0.093, 0.860],
        [0.032, 0.740, 0.160, 0.068],
        [0.084, 0.153, 0.024, 0.739],
        [0.213, 0.071, 0.445, 0.271],
        [0.786, 0.113, 0.053, 0.048],
        [0.012, 0.799, 0.133, 0.056],
        [0.064, 0.842, 0.011, 0.083],
    ]
)

SHOWN_PARAMS = (
    *ARCHITECTURE_PARAMS,
    "optimizer",
    "learning_rate",
    "epochs",
    "batch_size",
    "early_stopping",
    "validation_split",
)

TUTORIAL = "tutorial network"
DEFAULTS = "defaults"
KMER = "6-mer logistic regression"


def split(X, y):
    return train_test_split(X, y, test_size=0.25, random_state=42)


def primer_split():
    data = load_primer()
    return split(data.sequences, data.target)


def load_pwm200():
    pwm = PWM / PWM.sum(axis=1, keepdims=True)
    X, y = make_motif_dataset(n_samples=2000, length=200, motif=pwm, random_state=0)
    return split(X, y)


def tutorial_network(seed: int) -> DNACNNClassifier:
    return DNACNNClassifier(
        architecture="primer",  # 32 filters of 12, max pooling 4, dense 16
        conv_activation=None,
        dense_activation="relu",
        strands="forward",
        learning_rate=0.001,  # Keras' Adam default, as in the tutorial
        epochs=50,
        batch_size=32,
        random_state=seed,
    )


def default_network(seed: int) -> DNACNNClassifier:
    return DNACNNClassifier(random_state=seed)


def kmer_model():
    return make_pipeline(
        CountVectorizer(analyzer="char", ngram_range=(6, 6), lowercase=False),
        LogisticRegression(max_iter=2000),
    )


def fit_score(model, X_train, y_train, X_test, y_test) -> tuple[float, float]:
    """Fit ``model`` and return (test accuracy, fit seconds)."""
    start = time.perf_counter()
    model.fit(X_train, y_train)
    elapsed = time.perf_counter() - start
    return float(model.score(X_test, y_test)), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    seeds = range(args.seeds)

    data = {"primer": primer_split(), "pwm200": load_pwm200()}
    networks = {TUTORIAL: tutorial_network, DEFAULTS: default_network}
    acc: dict[tuple[str, str], list[float]] = {}
    secs: dict[tuple[str, str], list[float]] = {}

    for name, (X_train, X_test, y_train, y_test) in data.items():
        score, elapsed = fit_score(kmer_model(), X_train, y_train, X_test, y_test)
        acc[KMER, name] = [score]
        secs[KMER, name] = [elapsed]

    # Warm-up, not timed: TensorFlow's first-use costs (graph building, thread
    # pools) would otherwise land on the first network fitted.
    X_train, _, y_train, _ = data["primer"]
    make_pipeline(
        DNAOneHotTransformer(), DNACNNClassifier(epochs=1, random_state=0)
    ).fit(X_train[:64], y_train[:64])

    for seed in seeds:
        for name, (X_train, X_test, y_train, y_test) in data.items():
            for model, make in networks.items():
                pipe = make_pipeline(DNAOneHotTransformer(), make(seed))
                score, elapsed = fit_score(pipe, X_train, y_train, X_test, y_test)
                acc.setdefault((model, name), []).append(score)
                secs.setdefault((model, name), []).append(elapsed)

    import keras
    import sklearn

    defaults = DNACNNClassifier().get_params()
    print(
        f"Test accuracy, seeds 0..{args.seeds - 1}; "
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, Keras {keras.__version__}, "
        f"{platform.machine()}"
    )
    print()
    print(
        "DNACNNClassifier defaults (get_params()): "
        + ", ".join(f"{k}={defaults[k]!r}" for k in SHOWN_PARAMS)
    )
    print()
    for name, (X_train, X_test, _, _) in data.items():
        print(
            f"- {name}: {len(X_train):,} training / {len(X_test):,} test "
            f"sequences of {len(X_train[0])} bp"
        )
    print()
    print(
        "| model | data | test accuracy per seed | median | min | median fit seconds |"
    )
    print("|:--|:--|:--|--:|--:|--:|")
    for model in (TUTORIAL, DEFAULTS, KMER):
        for name in data:
            scores = acc[model, name]
            per_seed = " ".join(f"{s:.4f}" for s in scores)
            if model == KMER:
                per_seed += " (deterministic, fitted once)"
            print(
                f"| {model} | {name} | {per_seed} | {np.median(scores):.4f} "
                f"| {min(scores):.4f} | {np.median(secs[model, name]):.2f} |"
            )
    print()
    diffs = ", ".join(
        f"{name} {np.median(acc[DEFAULTS, name]) - np.median(acc[TUTORIAL, name]):+.4f}"
        for name in data
    )
    print(f"Median accuracy, defaults - tutorial network: {diffs}")


if __name__ == "__main__":
    main()
