"""GridSearchCV on 2 cores: n_jobs=1 against n_jobs=2, same cv_results_.

Usage::

    python bench/bench_parallel.py [--repeats 2] [--epochs 10] [--all-threads] [--dask]

The issue's grid: 4 candidates (``filters`` x ``kernel_size``) x 3 folds = 12
fits of ``make_pipeline(DNAOneHotTransformer(), DNACNNClassifier(...))`` on
primer-sized simulated data (``make_motif_dataset``: 2,000 x 50 bp), seeded,
``refit=False`` (the 12 fits only).  Each setting runs in a fresh process
(TensorFlow's thread pools are fixed per process); within it the search runs
``--repeats`` times: the first includes starting joblib's worker processes
(each imports TensorFlow, ~4 s), the later ones reuse them.  Prints the
seconds of each run, the ratio n_jobs=1 / n_jobs=2 side by side, and whether
every test score of ``cv_results_`` is identical.  With ``--dask`` it also
runs the grid under ``joblib.parallel_backend("dask")`` on a 2-worker
``LocalCluster`` (one thread each).  With ``--all-threads`` it also runs
n_jobs=2 with ``OMP_NUM_THREADS`` set to all the cores, so that each worker's
TensorFlow pools span all of them (as before ``n_threads``: oversubscribed).
Target: >= 1.7x with n_jobs=2.

Run it on an otherwise idle machine: another process on the cores changes
the ratio more than anything measured here.
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
    "dnacnnclassifier__filters": [16, 32],
    "dnacnnclassifier__kernel_size": [8, 12],
}
ALL_THREADS = "n_jobs=2 all"  # n_jobs=2, each worker's pools over all the cores
SCORES = ("mean_test_score", "std_test_score", "rank_test_score")


def run_search(setting: str, repeats: int, epochs: int) -> dict:
    """The grid ``repeats`` times under ``setting``: seconds and test scores."""
    import joblib
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline

    from dnacnn import DNACNNClassifier, DNAOneHotTransformer, make_motif_dataset

    X, y = make_motif_dataset(n_samples=2000, length=50, random_state=0)
    model = make_pipeline(
        DNAOneHotTransformer(),
        # the training of the measurements in the docs (the defaults then)
        DNACNNClassifier(
            epochs=epochs, batch_size=32, learning_rate=0.001, random_state=0
        ),
    )
    n_jobs = 2 if setting.startswith("n_jobs=2") else 1
    cluster = client = None
    if setting == "dask":
        from distributed import Client, LocalCluster

        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=":0"
        )
        client = Client(cluster)
        n_jobs = -1
    seconds, results = [], None
    try:
        for _ in range(repeats):
            search = GridSearchCV(model, GRID, cv=3, refit=False, n_jobs=n_jobs)
            start = time.perf_counter()
            if setting == "dask":
                with joblib.parallel_backend("dask"):
                    search.fit(X, y)
            else:
                search.fit(X, y)
            seconds.append(time.perf_counter() - start)
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
    return {"seconds": seconds, "scores": results}


def in_fresh_process(setting: str, repeats: int, epochs: int) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    if setting == ALL_THREADS:  # joblib keeps a limit it finds set
        env["OMP_NUM_THREADS"] = str(os.cpu_count())
    out = subprocess.run(
        [sys.executable, __file__, "--child", setting]
        + ["--repeats", str(repeats), "--epochs", str(epochs)],
        capture_output=True,
        text=True,
        env=env,
    )
    if out.returncode:
        sys.exit(f"{setting} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--all-threads", action="store_true")
    parser.add_argument("--dask", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_search(args.child, args.repeats, args.epochs)))
        return
    settings = ["n_jobs=1", "n_jobs=2"]
    settings += [ALL_THREADS] * args.all_threads + ["dask"] * args.dask
    print(
        f"GridSearchCV 4 candidates x 3 folds, 2,000 x 50 bp, epochs={args.epochs}, "
        f"{os.cpu_count()} cores; seconds per run (run 1 starts the workers)"
    )
    runs = {s: in_fresh_process(s, args.repeats, args.epochs) for s in settings}
    base = runs["n_jobs=1"]
    header = f"{'run':>4} " + " ".join(f"{s:>12}" for s in settings)
    header += " " + " ".join(f"{'1/' + s:>16}" for s in settings[1:])
    print(header)
    for i in range(args.repeats):
        seconds = {s: runs[s]["seconds"][i] for s in settings}
        row = f"{i + 1:>4} " + " ".join(f"{seconds[s]:>12.1f}" for s in settings)
        row += " " + " ".join(
            f"{seconds['n_jobs=1'] / seconds[s]:>15.2f}x" for s in settings[1:]
        )
        print(row)
    mean = np.round(base["scores"]["mean_test_score"], 4)
    print(f"mean_test_score (n_jobs=1): {mean}")
    for s in settings[1:]:
        same = runs[s]["scores"] == base["scores"]
        print(f"cv_results_ test scores of {s} identical to n_jobs=1: {same}")
        if not same:
            print(f"  {s}: {runs[s]['scores']}\n  n_jobs=1: {base['scores']}")


if __name__ == "__main__":
    main()
