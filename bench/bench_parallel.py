"""GridSearchCV on the machine's cores: n_jobs=1 against n_jobs=2 and Dask.

Usage::

    python bench/bench_parallel.py [--repeats 2] [--n-samples 4000] [--length 200]
                                   [--epochs N] [--dask] [--no-keras]

The grid of issue 25: 4 candidates (``filters`` x ``kernel_size``) x 3 folds
= 12 fits of ``make_pipeline(DNAOneHotTransformer(), DNACNNClassifier(
random_state=0, **candidate))`` with the shipped defaults (``--epochs``
changes only the number of epochs, to run it smaller) on 4,000 x 200 bp
simulated sequences (``make_motif_dataset``), ``refit=False`` (the 12 fits
only).  Each setting runs in a fresh process (TensorFlow fixes its thread
pools per process); within it the search runs ``--repeats`` times: the first
includes starting the worker processes (each imports TensorFlow), the later
ones reuse them.  With ``--dask`` the grid also runs under
``joblib.parallel_backend("dask")`` on a ``LocalCluster`` of 2 worker
processes x 1 thread.

Beside each wall time it prints the CPU time of the whole process tree (the
search's process and its workers) divided by that wall time: how many cores
were kept busy.  The reference, in the same run (unless ``--no-keras``):
the same 12 fits in plain Keras (the same network, :func:`dnacnn.build_cnn`,
fitted on the one-hot array of each fold, batch 256, Adam at 0.003, then
predicting the fold's test rows), once in one process with TensorFlow's
default pools, once split over two concurrent processes with pools of one
thread each: their ratio is the speed-up the second core allows.  Target:
n_jobs=2's ratio reaches at least 90% of it.

Run it on an otherwise idle machine: another process on the cores changes
the ratios more than anything measured here, and lowers the cores-busy
column (it counts only this bench's processes).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

GRID = {
    "dnacnnclassifier__filters": [32, 64],
    "dnacnnclassifier__kernel_size": [15, 19],
}
SCORES = ("mean_test_score", "std_test_score", "rank_test_score")
KERAS_1 = "keras 1 process"
KERAS_2 = "keras 2 x 1 thread"


def _tree_cpu(root: int | None = None) -> float:
    """CPU seconds of process ``root`` (default: this one) and its descendants.

    Read from ``/proc``: a process' own time plus that of its children it
    waited for; processes that ended unwaited are missed (none here: joblib's
    and Dask's workers live until the end of the search's process).
    """
    root = os.getpid() if root is None else root
    parents, times = {}, {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = sum(int(value) for value in fields[11:15]) / tick
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier += children
    return sum(times.get(pid, 0.0) for pid in tree)


def _data(n_samples: int, length: int):
    from dnacnn import make_motif_dataset

    X, y = make_motif_dataset(n_samples=n_samples, length=length, random_state=0)
    return X, np.asarray(y)


def run_search(setting: str, args) -> dict:
    """The grid ``args.repeats`` times under ``setting``: seconds, CPU, scores."""
    import joblib
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline

    from dnacnn import DNACNNClassifier, DNAOneHotTransformer

    X, y = _data(args.n_samples, args.length)
    params = {} if args.epochs is None else {"epochs": args.epochs}
    model = make_pipeline(
        DNAOneHotTransformer(), DNACNNClassifier(random_state=0, **params)
    )
    n_jobs = 2 if setting == "n_jobs=2" else 1
    cluster = client = None
    if setting == "dask":
        from distributed import Client, LocalCluster

        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=":0"
        )
        client = Client(cluster)
        n_jobs = -1
    seconds, cpu, results = [], [], None
    try:
        for _ in range(args.repeats):
            search = GridSearchCV(model, GRID, cv=3, refit=False, n_jobs=n_jobs)
            cpu_start, start = _tree_cpu(), time.perf_counter()
            if setting == "dask":
                with joblib.parallel_backend("dask"):
                    search.fit(X, y)
            else:
                search.fit(X, y)
            seconds.append(time.perf_counter() - start)
            cpu.append(_tree_cpu() - cpu_start)
            scores = {k: search.cv_results_[k].tolist() for k in SCORES}
            for split in range(3):
                key = f"split{split}_test_score"
                scores[key] = search.cv_results_[key].tolist()
            assert results is None or results == scores, "repeats differ"
            results = scores
    finally:
        if client is not None:
            client.close()
            cluster.close()
    return {"seconds": seconds, "cpu": cpu, "scores": results}


def run_keras(part: int, of: int, args) -> dict:
    """Fits ``part``, ``part + of``, ... of the 12 in plain Keras: seconds, CPU."""
    if of > 1:  # one thread per process, before TensorFlow's first op
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    import keras
    from sklearn.model_selection import ParameterGrid, StratifiedKFold

    from dnacnn import DNAOneHotTransformer, build_cnn

    sequences, y = _data(args.n_samples, args.length)
    X = DNAOneHotTransformer().fit_transform(sequences)
    folds = list(StratifiedKFold(3).split(X, y))
    grid = [
        {name.split("__")[1]: value for name, value in candidate.items()}
        for candidate in ParameterGrid(GRID)
    ]
    fits = [(c, f) for c in grid for f in folds][part::of]
    epochs = 50 if args.epochs is None else args.epochs
    seconds, cpu = [], []
    for _ in range(args.repeats):
        cpu_start, start = time.process_time(), time.perf_counter()
        for candidate, (train, test) in fits:
            net = build_cnn((args.length, 4), 2, seed=0, **candidate)
            net.compile(
                optimizer=keras.optimizers.Adam(0.003),
                loss="sparse_categorical_crossentropy",
            )
            net.fit(X[train], y[train], batch_size=256, epochs=epochs, verbose=0)
            net.predict(X[test], batch_size=256, verbose=0)
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    return {"seconds": seconds, "cpu": cpu}


def _command(child: list[str], args) -> list[str]:
    command = [sys.executable, __file__, *child, "--repeats", str(args.repeats)]
    command += ["--n-samples", str(args.n_samples), "--length", str(args.length)]
    return command + ([] if args.epochs is None else ["--epochs", str(args.epochs)])


def _finish(process, what: str) -> dict:
    out, err = process.communicate()
    if process.returncode:
        sys.exit(f"{what} failed:\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1])


def in_fresh_processes(setting: str, args) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("OMP_NUM_THREADS", None)  # the shipped defaults decide

    def start(child):
        return subprocess.Popen(
            _command(child, args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )

    if setting == KERAS_2:  # the two halves side by side, timed as one
        halves = [start(["--keras", str(part), "2"]) for part in (0, 1)]
        runs = [_finish(process, setting) for process in halves]
        first, second = runs
        return {
            "seconds": list(map(max, first["seconds"], second["seconds"])),
            "cpu": list(map(sum, zip(first["cpu"], second["cpu"], strict=True))),
        }
    child = ["--keras", "0", "1"] if setting == KERAS_1 else ["--child", setting]
    return _finish(start(child), setting)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--n-samples", type=int, default=4000)
    parser.add_argument("--length", type=int, default=200)
    parser.add_argument("--epochs", type=int, help="default: the shipped one (50)")
    parser.add_argument("--dask", action="store_true")
    parser.add_argument("--no-keras", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--keras", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_search(args.child, args)))
        return
    if args.keras:
        print(json.dumps(run_keras(*args.keras, args)))
        return
    settings = ["n_jobs=1", "n_jobs=2"] + ["dask"] * args.dask
    settings += [] if args.no_keras else [KERAS_1, KERAS_2]
    load = os.getloadavg()[0]
    runs = {s: in_fresh_processes(s, args) for s in settings}
    epochs = "shipped (50)" if args.epochs is None else args.epochs
    print(
        f"GridSearchCV 4 candidates x 3 folds, {args.n_samples:,} x {args.length} "
        f"bp, epochs={epochs}, {os.cpu_count()} cores, load average "
        f"{load:.1f} before / {os.getloadavg()[0]:.1f} after; seconds (cores "
        "busy: CPU time / wall time) per run; run 1 starts the workers"
    )
    print(f"{'run':>4} " + " ".join(f"{s:>20}" for s in settings))
    for i in range(args.repeats):
        cells = [
            f"{run['seconds'][i]:.1f} ({run['cpu'][i] / run['seconds'][i]:.2f})"
            for run in (runs[s] for s in settings)
        ]
        print(f"{i + 1:>4} " + " ".join(f"{cell:>20}" for cell in cells))
    for i in range(args.repeats):
        ratio = {
            s: runs["n_jobs=1"]["seconds"][i] / runs[s]["seconds"][i]
            for s in settings[1:]
            if s not in (KERAS_1, KERAS_2)
        }
        line = ", ".join(f"n_jobs=1 / {s}: {r:.2f}x" for s, r in ratio.items())
        if not args.no_keras:
            allowed = runs[KERAS_1]["seconds"][i] / runs[KERAS_2]["seconds"][i]
            line += f"; plain Keras 1 process / 2 processes: {allowed:.2f}x"
            line += ", n_jobs=2 reaches " + f"{ratio['n_jobs=2'] / allowed:.0%} of it"
        print(f"run {i + 1}: {line}")
    base = runs["n_jobs=1"]["scores"]
    print(f"mean_test_score (n_jobs=1): {np.round(base['mean_test_score'], 4)}")
    for s in settings[1:]:
        if s in (KERAS_1, KERAS_2):
            continue
        same = runs[s]["scores"] == base
        print(f"cv_results_ test scores of {s} identical to n_jobs=1: {same}")


if __name__ == "__main__":
    main()
