"""A million sequences on one machine: time and peak memory against plain Keras.

Usage::

    python bench/bench_scale.py                       # 100k, 300k, 1M x 1 kb
    python bench/bench_scale.py --sizes 100000 --plot scale.png

Each cell runs in a fresh process, so that one run's memory does not hide
another's.  A process builds ``n`` random 1-kb sequences (Python strings),
then either

- ``dnacnn``: fits ``make_pipeline(DNAOneHotTransformer(dtype=np.uint8),
  DNACNNClassifier(epochs=1, batch_size=256))`` on the strings and predicts
  them with the fitted Pipeline, or
- ``default``: the same with the shipped ``DNACNNClassifier(epochs=1)``
  (batch 256; from 10,000 sequences early stopping holds out 0.1 of them), or
- ``keras``: encodes the strings once to a uint8 one-hot array and fits the
  same network (:func:`dnacnn.build_cnn`) with plain ``keras.Model.fit`` on it
  (batch 256, one epoch), then ``model.predict``: the floor that dnacnn is
  measured against.

Memory is the process' resident set beyond what it held just before the fit
(strings, TensorFlow and the model already loaded), at its peak (Linux'
``VmHWM``, reset before each step), and printed as a multiple of the uint8
one-hot array's size (``n x 1000 x 4`` bytes).  The target of issue 9: a fit
peaks at most 1.5x that beyond the strings.  ``pair`` is the peak over fit
then predict in the one process, beyond the RSS before the fit (issue 25: at
most 1.5x; it was 2.5x while TensorFlow kept each fit's data).  Times are
side by side in one run; the ratio column is dnacnn / keras.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

LENGTH = 1000
MODES = ("dnacnn", "default", "keras")


def _rss(field: str) -> int:
    """``VmRSS`` or ``VmHWM`` of this process, in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # resets VmHWM to the current RSS


_PEAKS: list[int] = []  # VmHWM at the end of each step, in order


def _measure(step):
    """Seconds and peak RSS growth (bytes) of ``step()``, and its result."""
    before = _rss("VmRSS")
    _reset_peak()
    start = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - start
    _PEAKS.append(_rss("VmHWM"))
    return seconds, _PEAKS[-1] - before, result


def run_cell(mode: str, n: int) -> dict:
    import numpy as np

    rng = np.random.default_rng(0)
    codes = rng.integers(0, 4, size=(n, LENGTH), dtype=np.uint8)
    seqs = np.frombuffer(b"ACGT", dtype=np.uint8)[codes]
    strings = [row.tobytes().decode() for row in seqs]
    y = rng.integers(0, 2, size=n)
    del codes, seqs

    import keras

    from dnacnn import DNACNNClassifier, DNAOneHotTransformer, build_cnn
    from dnacnn.preprocessing import one_hot_encode

    out = {"mode": mode, "n": n, "onehot_bytes": n * LENGTH * 4}
    start_rss = _rss("VmRSS")
    default = mode == "default"
    if mode in ("dnacnn", "default"):
        from sklearn.pipeline import make_pipeline

        model = make_pipeline(
            DNAOneHotTransformer(dtype=np.uint8),
            # as plain Keras below: all rows, no hold-out; "default": the
            # shipped classifier (early stopping holds out 0.1 from 10,000 rows)
            DNACNNClassifier(epochs=1, random_state=0)
            if default
            else DNACNNClassifier(
                epochs=1,
                batch_size=256,
                early_stopping=False,
                random_state=0,
                verbose=0,
            ),
        )
        out["fit_s"], out["fit_peak"], _ = _measure(lambda: model.fit(strings, y))
        out["predict_s"], out["predict_peak"], _ = _measure(
            lambda: model.predict(strings)
        )
    else:
        keras.utils.set_random_seed(0)
        net = build_cnn((LENGTH, 4), 2, seed=0)  # the classifier's network
        net.compile(optimizer="adam", loss="sparse_categorical_crossentropy")

        def fit():
            X = one_hot_encode(strings, dtype=np.uint8)
            net.fit(X, y, batch_size=256, epochs=1, verbose=0)
            return X

        out["fit_s"], out["fit_peak"], X = _measure(fit)
        out["predict_s"], out["predict_peak"], _ = _measure(
            lambda: net.predict(X, batch_size=256, verbose=0)
        )
    # the pair: the peak over fit then predict, beyond the RSS before the fit
    out["pair_peak"] = max(_PEAKS) - start_rss
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000]
    )
    parser.add_argument("--plot", help="write a log-log plot of time and memory here")
    parser.add_argument(
        "--cell", nargs=2, metavar=("MODE", "N"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.cell:
        print(json.dumps(run_cell(args.cell[0], int(args.cell[1]))))
        return
    rows = []
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    for n in args.sizes:
        for mode in MODES:
            done = subprocess.run(
                [sys.executable, __file__, "--cell", mode, str(n)],
                capture_output=True,
                text=True,
                env=env,
            )
            if done.returncode:
                sys.exit(f"{mode} at n={n} failed:\n{done.stderr[-3000:]}")
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    gib = 2**30
    print(
        f"{'n':>9} {'mode':>7} {'fit s':>7} {'ratio':>6} {'fit peak GiB':>12} "
        f"{'x uint8':>8} {'predict s':>9} {'seq/s':>8} {'predict peak GiB':>16} "
        f"{'x uint8':>8} {'pair GiB':>8} {'x uint8':>8}"
    )
    for row in rows:
        base = next(r for r in rows if r["n"] == row["n"] and r["mode"] == "keras")
        print(
            f"{row['n']:>9} {row['mode']:>7} {row['fit_s']:>7.1f} "
            f"{row['fit_s'] / base['fit_s']:>6.2f} {row['fit_peak'] / gib:>12.2f} "
            f"{row['fit_peak'] / row['onehot_bytes']:>8.2f} {row['predict_s']:>9.1f} "
            f"{row['n'] / row['predict_s']:>8.0f} {row['predict_peak'] / gib:>16.2f} "
            f"{row['predict_peak'] / row['onehot_bytes']:>8.2f} "
            f"{row['pair_peak'] / gib:>8.2f} "
            f"{row['pair_peak'] / row['onehot_bytes']:>8.2f}"
        )
    if args.plot:
        plot(rows, args.plot)


def plot(rows, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    for mode, style in (("dnacnn", "o-"), ("default", "^-"), ("keras", "s--")):
        mine = [r for r in rows if r["mode"] == mode]
        ns = [r["n"] for r in mine]
        left.loglog(ns, [r["fit_s"] for r in mine], style, label=f"{mode} fit")
        left.loglog(
            ns,
            [r["predict_s"] for r in mine],
            style,
            alpha=0.5,
            label=f"{mode} predict",
        )
        right.loglog(
            ns, [r["fit_peak"] / 2**30 for r in mine], style, label=f"{mode} fit"
        )
        right.loglog(
            ns,
            [r["predict_peak"] / 2**30 for r in mine],
            style,
            alpha=0.5,
            label=f"{mode} predict",
        )
    ns = sorted({r["n"] for r in rows})
    right.loglog(ns, [n * LENGTH * 4 / 2**30 for n in ns], "k:", label="uint8 one-hot")
    left.set(xlabel="sequences (1 kb)", ylabel="seconds (one epoch / one pass)")
    right.set(xlabel="sequences (1 kb)", ylabel="peak memory beyond strings (GiB)")
    for ax in (left, right):
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
