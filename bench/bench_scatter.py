"""Bytes shipped to Dask workers by a 12-fit grid: with and without scatter.

Usage::

    python bench/bench_scatter.py [--n 100000] [--length 50]

A 4-candidate x 3-fold ``GridSearchCV`` (``refit=False``) of
``make_pipeline(DNAOneHotTransformer(), DNACNNClassifier(epochs=1, ...))``
with a tiny network on ``--n`` random sequences of ``--length`` bp (a NumPy
array of strings), on a ``LocalCluster`` of 2 worker processes x 1 thread,
under ``joblib.parallel_backend("dask")`` and under
``joblib.parallel_backend("dask", scatter=[X, y])``, each on a fresh cluster.

Bytes are counted on the receiving side: in every worker, the TCP comm's
frame reads (``distributed.comm.tcp.read_bytes_rw``) are wrapped to add up
what the worker reads from any peer (scheduler, client, other workers),
after the workers have imported TensorFlow and the counters are reset.
Alongside: the workers' own count of worker-to-worker transfers
(``transfer_incoming_count_total``: how many
data fetches from another worker) and, as a cross-check, the size of X
and y pickled.  Heartbeats and the other small messages of the run are
included (a few kB).
"""

from __future__ import annotations

import argparse
import os
import pickle
import time

import numpy as np

GRID = {
    "dnacnnclassifier__filters": [4, 8],
    "dnacnnclassifier__kernel_size": [8, 12],
}


def _install_counter(dask_worker) -> None:
    """Count the bytes of every frame this worker process reads over TCP."""
    import distributed.comm.tcp as tcp

    if not hasattr(tcp, "_bench_bytes"):
        original = tcp.read_bytes_rw

        async def counted(stream, n):
            tcp._bench_bytes += n
            return await original(stream, n)

        tcp.read_bytes_rw = counted
    tcp._bench_bytes = 0
    dask_worker.state.transfer_incoming_count_total = 0


def _read_counter(dask_worker) -> dict:
    import distributed.comm.tcp as tcp

    return {
        "tcp": tcp._bench_bytes,
        "transfer": dask_worker.state.transfer_incoming_count_total,
    }


def _import_tf() -> None:
    import tensorflow  # noqa: F401

    import dnacnn  # noqa: F401


def run(X, y, scatter: bool) -> dict:
    import joblib
    from distributed import Client, LocalCluster
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline

    from dnacnn import DNACNNClassifier, DNAOneHotTransformer

    model = make_pipeline(
        DNAOneHotTransformer(),
        DNACNNClassifier(
            epochs=1, dense_units=4, batch_size=256, random_state=0, verbose=0
        ),
    )
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(_import_tf)
        client.run(_install_counter)
        kwargs = {"scatter": [X, y]} if scatter else {}
        start = time.perf_counter()
        with joblib.parallel_backend("dask", **kwargs):
            search = GridSearchCV(model, GRID, cv=3, refit=False).fit(X, y)
        seconds = time.perf_counter() - start
        counts = client.run(_read_counter)
    return {
        "seconds": seconds,
        "tcp": sum(c["tcp"] for c in counts.values()),
        "per_worker": sorted(c["tcp"] for c in counts.values()),
        "transfer": sum(c["transfer"] for c in counts.values()),
        "score": float(search.cv_results_["mean_test_score"].max()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--length", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

    from dnacnn import make_motif_dataset

    X, y = make_motif_dataset(n_samples=args.n, length=args.length, random_state=0)
    X = np.asarray(X)
    data = len(pickle.dumps(X, protocol=5)) + len(pickle.dumps(y, protocol=5))
    print(
        f"GridSearchCV 4 candidates x 3 folds (12 fits), {args.n:,} x "
        f"{args.length} bp, epochs=1, LocalCluster 2 workers x 1 thread"
    )
    print(f"X and y pickled: {data / 2**20:.2f} MiB ({X.dtype}, {y.dtype})")
    rows = {
        'parallel_backend("dask")': run(X, y, scatter=False),
        'parallel_backend("dask", scatter=[X, y])': run(X, y, scatter=True),
    }
    print(
        f"{'backend':<42} {'seconds':>8} {'MiB to workers':>15} "
        f"{'per worker':>16} {'x pickled data':>15} {'worker fetches':>15}"
    )
    for name, r in rows.items():
        per = "/".join(f"{b / 2**20:.1f}" for b in r["per_worker"])
        print(
            f"{name:<42} {r['seconds']:>8.1f} {r['tcp'] / 2**20:>15.2f} "
            f"{per:>16} {r['tcp'] / data:>15.2f} {r['transfer']:>15d}"
        )
    print(f"best mean_test_score: {[round(r['score'], 4) for r in rows.values()]}")


if __name__ == "__main__":
    main()
