"""HalvingGridSearchCV over epochs against the full grid at the most epochs.

Usage::

    python bench/bench_halving.py [--max-epochs 18] [--min-epochs 2] [--factor 3]
                                  [--n-jobs 1]

The grid: ``filters`` [16, 32] x ``kernel_size`` [8, 12, 16] (6 candidates),
``cv=3``, of ``make_pipeline(DNAOneHotTransformer(), DNACNNClassifier(...))``
seeded, on 2,000 x 50 bp from ``make_motif_dataset`` (1,000 more held out).
``GridSearchCV`` fits every candidate for ``--max-epochs``;
``HalvingGridSearchCV(resource="dnacnnclassifier__epochs", factor=3)``
starts every candidate at ``--min-epochs`` and gives the best third of them
three times the epochs, round after round, up to ``--max-epochs``.  Both
refit the best candidate on the 2,000 (included in the seconds).  Prints,
side by side, the seconds, the best parameters, their cross-validated score,
the refitted model's accuracy on the held-out 1,000 and the time ratio.
"""

from __future__ import annotations

import argparse
import os
import time

GRID = {
    "dnacnnclassifier__filters": [16, 32],
    "dnacnnclassifier__kernel_size": [8, 12, 16],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-epochs", type=int, default=18)
    parser.add_argument("--min-epochs", type=int, default=2)
    parser.add_argument("--factor", type=int, default=3)
    parser.add_argument("--n-jobs", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import GridSearchCV, HalvingGridSearchCV
    from sklearn.pipeline import make_pipeline

    from dnacnn import DNACNNClassifier, DNAOneHotTransformer, make_motif_dataset

    X, y = make_motif_dataset(n_samples=3000, length=50, random_state=0)
    X_train, y_train, X_test, y_test = X[:2000], y[:2000], X[2000:], y[2000:]

    def model(epochs):
        return make_pipeline(
            DNAOneHotTransformer(),
            # the training of the measurements in the docs (the defaults then)
            DNACNNClassifier(
                epochs=epochs, batch_size=32, learning_rate=0.001, random_state=0
            ),
        )

    searches = {
        "GridSearchCV": GridSearchCV(
            model(args.max_epochs), GRID, cv=3, n_jobs=args.n_jobs
        ),
        "HalvingGridSearchCV": HalvingGridSearchCV(
            model(args.max_epochs),
            GRID,
            resource="dnacnnclassifier__epochs",
            min_resources=args.min_epochs,
            max_resources=args.max_epochs,
            factor=args.factor,
            cv=3,
            n_jobs=args.n_jobs,
            random_state=0,
        ),
    }
    rows = {}
    for name, search in searches.items():
        start = time.perf_counter()
        search.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        params = search.best_params_
        rows[name] = {
            "seconds": seconds,
            "fits": len(search.cv_results_["params"]) * 3 + 1,
            "best": (
                f"filters={params['dnacnnclassifier__filters']}, "
                f"kernel_size={params['dnacnnclassifier__kernel_size']}, "
                f"epochs={params.get('dnacnnclassifier__epochs', args.max_epochs)}"
            ),
            "cv": search.best_score_,
            "test": search.score(X_test, y_test),
        }
        if name == "HalvingGridSearchCV":
            rows[name]["rounds"] = (
                f"epochs {search.n_resources_}, candidates {search.n_candidates_}"
            )

    print(
        f"6 candidates x cv=3, 2,000 x 50 bp (1,000 held out), "
        f"max epochs={args.max_epochs}, n_jobs={args.n_jobs}, "
        f"{os.cpu_count()} cores"
    )
    print(
        f"{'search':<20} {'seconds':>8} {'fits':>5} {'best params':<40} "
        f"{'cv score':>9} {'held-out':>9}"
    )
    for name, r in rows.items():
        print(
            f"{name:<20} {r['seconds']:>8.1f} {r['fits']:>5} {r['best']:<40} "
            f"{r['cv']:>9.4f} {r['test']:>9.4f}"
        )
    print(f"halving: {rows['HalvingGridSearchCV']['rounds']}")
    ratio = rows["GridSearchCV"]["seconds"] / rows["HalvingGridSearchCV"]["seconds"]
    print(f"time ratio GridSearchCV / HalvingGridSearchCV: {ratio:.2f}x")


if __name__ == "__main__":
    main()
