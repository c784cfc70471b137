"""Batched saliency against one GradientTape call per sequence.

Usage::

    python bench/bench_saliency.py [--repeats 3]

Fits the default Pipeline on the primer tutorial's data (its 75% training
split), then computes the tutorial's saliency (gradient x input, summed over
the channels) for all 2,000 sequences two ways, interleaved: with
:func:`dnacnn.saliency` (batches of 512 in one compiled function) and with one
``tf.GradientTape`` call per sequence, as the tutorial does.  Prints the
medians, the ratio (target: at least 200x) and the largest difference between
the two results.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _primer import load_primer  # bench/_primer.py


def tape_per_sequence(keras_model, X: np.ndarray) -> np.ndarray:
    """The tutorial's way, on Keras 3: one tape per sequence."""
    import tensorflow as tf

    scores = []
    for x in X:
        x = tf.constant(x[None])
        with tf.GradientTape() as tape:
            tape.watch(x)
            p = keras_model(x, training=False)[0, 1]
        scores.append((tape.gradient(p, x)[0].numpy() * x[0].numpy()).sum(-1))
    return np.stack(scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline

    from dnacnn import DNACNNClassifier, DNAOneHotTransformer, saliency

    data = load_primer()
    X_train, _, y_train, _ = train_test_split(
        data.sequences, data.target, test_size=0.25, random_state=42
    )
    model = make_pipeline(DNAOneHotTransformer(), DNACNNClassifier(random_state=0))
    model.fit(X_train, y_train)
    onehot = model[0].transform(data.sequences)
    keras_model = model[-1].model_

    saliency(model, data.sequences[:8])  # compile once, outside the timings
    tape_per_sequence(keras_model, onehot[:8])
    batched_t, loop_t = [], []
    for _ in range(args.repeats):
        start = time.perf_counter()
        batched = saliency(model, data.sequences)
        batched_t.append(time.perf_counter() - start)
        start = time.perf_counter()
        looped = tape_per_sequence(keras_model, onehot)
        loop_t.append(time.perf_counter() - start)
    n = len(onehot)
    b, lo = float(np.median(batched_t)), float(np.median(loop_t))
    print(
        f"Saliency (gradient x input) of {n:,} primer sequences, default model; "
        f"median of {args.repeats} interleaved repeats\n"
    )
    print("| method | time (s) | sequences/s |")
    print("|:-------|---------:|------------:|")
    print(f"| dnacnn.saliency, batched | {b:.3f} | {n / b:,.0f} |")
    print(f"| one GradientTape per sequence | {lo:.2f} | {n / lo:,.0f} |")
    print(f"\nspeed-up: {lo / b:,.0f}x (target >= 200x)")
    print(f"largest absolute difference: {np.abs(batched - looped).max():.2e}")
    print(f"largest score: {np.abs(looped).max():.2e}")


if __name__ == "__main__":
    main()
