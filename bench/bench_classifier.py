"""DNACNNClassifier: wrapper overhead, and training cost at scale.

Usage::

    python bench/bench_classifier.py overhead [--pairs 3]
    python bench/bench_classifier.py scale [--n 100000] [--length 200]

``overhead`` fits the default Pipeline (``DNAOneHotTransformer`` +
``DNACNNClassifier``) on the primer tutorial's training split, and the same
network in plain Keras (encoded once, ``build_cnn``, ``compile``, ``fit``, same
seed), interleaved in pairs, and prints each pair and the median ratio; the
target is at most 1.10.

``scale`` trains one epoch on ``n`` random sequences of ``length`` bp with
float32 and with uint8 one-hot input, with DNACNNClassifier and with the same
network in plain Keras, each in a fresh process, and prints the time per
epoch and the growth of the process's peak resident memory during the fit
(so it shows any copy of the input, and whose it is).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np
from _primer import load_primer  # bench/_primer.py


def primer_split():
    from sklearn.model_selection import train_test_split

    data = load_primer()
    X_train, X_test, y_train, y_test = train_test_split(
        data.sequences, data.target, test_size=0.25, random_state=42
    )
    return X_train, y_train, X_test, y_test


def fit_pipeline(X_train, y_train, X_test, y_test, seed):
    from sklearn.pipeline import make_pipeline

    from dnacnn import DNACNNClassifier, DNAOneHotTransformer

    start = time.perf_counter()
    model = make_pipeline(DNAOneHotTransformer(), DNACNNClassifier(random_state=seed))
    model.fit(X_train, y_train)
    elapsed = time.perf_counter() - start
    return elapsed, model.score(X_test, y_test)


def fit_plain_keras(X_train, y_train, X_test, y_test, seed):
    import keras

    from dnacnn import DNACNNClassifier, DNAOneHotTransformer
    from dnacnn.models import ARCHITECTURE_PARAMS, build_cnn

    defaults = DNACNNClassifier().get_params()
    arch = {name: defaults[name] for name in ARCHITECTURE_PARAMS}
    start = time.perf_counter()
    encoder = DNAOneHotTransformer()
    X = encoder.fit_transform(X_train)
    keras.utils.set_random_seed(seed)
    model = build_cnn(X.shape[1:], 2, **arch)
    model.compile(
        optimizer=keras.optimizers.Adam(defaults["learning_rate"]),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(
        X,
        y_train,
        epochs=defaults["epochs"],
        batch_size=defaults["batch_size"],
        verbose=0,
    )
    elapsed = time.perf_counter() - start
    predicted = model.predict(encoder.transform(X_test), verbose=0).argmax(axis=1)
    return elapsed, float((predicted == y_test).mean())


def overhead(pairs: int) -> None:
    split = primer_split()
    fit_plain_keras(*split, seed=99)  # warm-up: TensorFlow's first-use costs
    rows = []
    for i in range(pairs):
        wrapped = fit_pipeline(*split, seed=i)
        plain = fit_plain_keras(*split, seed=i)
        rows.append((i, wrapped, plain))
    print("Default pipeline vs. the same network in plain Keras, primer split")
    from dnacnn import DNACNNClassifier

    print(  # 1,500 sequences: early_stopping="auto" stays off
        "(1,500 training sequences of 50 bp, 50 epochs, batch "
        f"{DNACNNClassifier().batch_size})\n"
    )
    print(
        "| seed | pipeline (s) | plain Keras (s) | ratio | accuracy pipeline / Keras |"
    )
    print(
        "|-----:|-------------:|----------------:|------:|:--------------------------|"
    )
    for i, (tw, aw), (tp, ap) in rows:
        print(f"| {i} | {tw:.2f} | {tp:.2f} | {tw / tp:.3f} | {aw:.3f} / {ap:.3f} |")
    ratio = float(np.median([w[0] / p[0] for _, w, p in rows]))
    print(f"\nmedian ratio: {ratio:.3f} (target <= 1.10)")


SCALE_CHILD = """
import json, resource, sys, time
import numpy as np
from dnacnn import DNACNNClassifier, DNAOneHotTransformer
from dnacnn.models import build_cnn
n, length, dtype, how = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
rng = np.random.default_rng(0)
codes = np.frombuffer(b"ACGT", np.uint8)[rng.integers(0, 4, size=(n, length))]
X = DNAOneHotTransformer(dtype=dtype).fit_transform(codes.view(f"S{length}")[:, 0])
del codes
y = rng.integers(0, 2, size=n)
if how == "dnacnn":
    # Keras' training as below: batches of 32, all rows, no hold-out
    model = DNACNNClassifier(
        epochs=1, batch_size=32, early_stopping=False, random_state=0
    )
    fit = lambda X, y: model.fit(X, y)
else:  # the same network in plain Keras
    import keras
    model = build_cnn((length, 4), 2)
    model.compile("adam", "sparse_categorical_crossentropy")
    fit = lambda X, y: model.fit(X, y, epochs=1, batch_size=32, verbose=0)
fit(X[:64], y[:64])  # builds TensorFlow's kernels before measuring
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
fit(X, y)
elapsed = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"how": how, "dtype": dtype, "input_mb": X.nbytes / 2**20,
                  "epoch_s": elapsed, "peak_growth_mb": (after - before) / 1024}))
"""


def scale(n: int, length: int) -> None:
    print(f"One epoch of the default network on {n:,} x {length} bp\n")
    print(
        "| fitted with | input dtype | input (MiB) | epoch (s) "
        "| peak RSS growth in fit (MiB) |"
    )
    print("|:--|:--|--:|--:|--:|")
    for how in ("dnacnn", "keras"):
        for dtype in ("float32", "uint8"):
            out = subprocess.run(
                [sys.executable, "-c", SCALE_CHILD, str(n), str(length), dtype, how],
                capture_output=True,
                text=True,
                check=True,
            )
            row = json.loads(out.stdout.strip().splitlines()[-1])
            name = "DNACNNClassifier" if how == "dnacnn" else "plain Keras"
            print(
                f"| {name} | {row['dtype']} | {row['input_mb']:,.0f} | "
                f"{row['epoch_s']:.1f} | {row['peak_growth_mb']:,.0f} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("overhead")
    p.add_argument("--pairs", type=int, default=3)
    p = sub.add_parser("scale")
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--length", type=int, default=200)
    args = parser.parse_args()
    if args.what == "overhead":
        overhead(args.pairs)
    else:
        scale(args.n, args.length)
    print(
        f"\nmax RSS of this process: {resource.getrusage(0).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
