"""Defaults that hold on tasks nobody tuned for: a matrix of simulated tasks.

Usage::

    python bench/bench_tasks.py [--configs previous defaults forward]
        [--seeds 3] [--cells binary-1k messy ...] [--json results.json]
        [--resume]

Seven cells, each simulated from real JASPAR motifs (JASPAR2024 CORE
vertebrates, read from ``pyjaspar``; no network), with sites sampled from the
motif's frequency matrix (a fresh, noisy site every time) on a random strand:

* ``binary-1k``, ``binary-5k``, ``binary-20k``: one CTCF site in half of the
  200 bp sequences; 1,000, 5,000 and 20,000 training sequences;
* ``messy``: 1,500 training sequences of 90-130 bp, GC 35-65 % per sequence,
  an EGR1 (GC-rich) site in half of them, soft-masked lowercase runs, runs of
  ``N`` and scattered ``N`` (see ``_tasks.messy``);
* ``3-class``: 150 bp, no site / a MEF2C site / an ETS1 site; 5,000 training;
* ``multi-label``: 500 bp, five motifs each present with probability 0.3,
  label k = "motif k is present"; 8,000 training (10,000 sequences with the
  test set);
* ``regression``: 250 bp, 0-2 NFKB1 (activating) and 0-2 SP1 (repressive)
  sites; activity = sum over all windows and both strands of the relative
  PWM affinity to NFKB1 minus that to SP1, plus Gaussian noise (sd 0.3);
  8,000 training.

Every cell has a test set of 2,000 sequences simulated with its training set.
Per seed (``0 .. seeds - 1``: the seed of the data and the ``random_state``
of the networks), every cell is simulated once and every configuration fitted
on the same split, configurations interleaved seed by seed so that machine
noise hits them alike.  The configurations (``--configs``), each a change to
the shipped defaults:

* ``previous``: the defaults before issue 11, spelled out (50 epochs, batch
  32, learning rate 0.001, no early stopping, forward strand, ReLU);
* ``defaults``: ``DNACNNClassifier()`` / ``DNACNNRegressor()`` as shipped,
  read from ``get_params()`` and printed;
* ``forward``: the defaults with ``strands="forward"``;
* ``max-gelu``, ``mean-gelu``, ``forward-gelu``, ``mean-relu``: the
  choices behind the defaults: ``strand_reduce`` (``"max"``, the
  classifier's default, or ``"mean"``, the regressor's), with a GELU or ReLU
  hidden layer (the default is leaky ReLU), or the forward strand.

Every network is ``make_pipeline(DNAOneHotTransformer(), estimator)`` fitted
on the raw strings.  The baseline, always run, is 6-mer counts
(``CountVectorizer(analyzer="char", ngram_range=(6, 6))``, lowercase folded)
fed to ``LogisticRegressionCV`` (C in 1e-3 .. 1 chosen by 3-fold CV on the
log loss; one per label for multi-label) or, for regression, ``Ridge`` with
alpha in 1 .. 1e5 chosen by 3-fold ``GridSearchCV``; raw counts, unscaled
(the penalty chosen by CV takes the place of a scale).

Printed per cell and configuration: the median over seeds of the cell's
metric (and its minimum), a second metric, the median fit time in seconds
(encoding included), its ratio to ``previous``, and the median number of
epochs trained.  Metrics: ROC AUC (binary, messy; accuracy second), accuracy
(3-class; macro one-vs-rest ROC AUC second), macro ROC AUC over labels
(multi-label), R² (regression).  A summary follows: does each configuration
beat the 6-mer baseline's median in every cell, and are the defaults (both
strands) at least as good as ``forward`` in every cell (all sites sit on
either strand), with their time relative to ``forward``.

With ``--json``, the records are written after every fit; ``--resume`` reads
them back and fits only what is missing (same seeds, cells and configs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
from _tasks import (  # bench/_tasks.py
    binary,
    load_motifs,
    messy,
    multilabel,
    regression,
    three_class,
)
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegressionCV, Ridge
from sklearn.metrics import accuracy_score, r2_score, roc_auc_score
from sklearn.model_selection import GridSearchCV
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline

from dnacnn import DNACNNClassifier, DNACNNRegressor, DNAOneHotTransformer

#: The motifs planted, by JASPAR identifier.
CTCF, EGR1, MEF2C, ETS1 = "MA0139.2", "MA0162.5", "MA0497.2", "MA0098.4"
REST, FOXA2, USF1, TP53, TEAD1 = (
    "MA0138.3",
    "MA0047.4",
    "MA0093.4",
    "MA0106.3",
    "MA0090.4",
)
NFKB1, SP1 = "MA0105.4", "MA0079.5"
MOTIF_IDS = (CTCF, EGR1, MEF2C, ETS1, REST, FOXA2, USF1, TP53, TEAD1, NFKB1, SP1)

N_TEST = 2000

#: The defaults before issue 11, spelled out.
PREVIOUS = {
    "epochs": 50,
    "batch_size": 32,
    "learning_rate": 0.001,
    "early_stopping": False,
    "validation_fraction": None,
    "patience": 5,
    "restore_best_weights": True,
    "strands": "forward",
    "strand_reduce": "max",
    "dense_activation": "relu",
}

#: Named configurations: changes to the shipped defaults (None: as shipped).
CONFIGS: dict[str, dict | None] = {
    "previous": PREVIOUS,
    "defaults": None,
    # the default network before "wide" (one convolution, global max)
    "cnn": {"architecture": "cnn"},
    "forward": {"strands": "forward"},
    # the choices behind the defaults, with the GELU hidden layer they were
    # first measured with (GELU's erf computes a sequence's value differently
    # alone and in a batch, by 1e-7, failing scikit-learn's subset check)
    "max-gelu": {"strand_reduce": "max", "dense_activation": "gelu"},
    "mean-gelu": {"strand_reduce": "mean", "dense_activation": "gelu"},
    "forward-gelu": {"strands": "forward", "dense_activation": "gelu"},
    "mean-relu": {"strand_reduce": "mean", "dense_activation": "relu"},
}

KMER = "6-mer"
SHOWN_PARAMS = tuple(PREVIOUS)


@dataclass
class Cell:
    """One task: how to simulate it, which head, how to score it."""

    name: str
    kind: str  # "binary", "multiclass", "multilabel" or "regression"
    simulate: Callable[..., tuple]  # (n, rng) -> (X, y)
    n_train: int
    motifs: tuple[str, ...]
    description: str
    both_strands: bool = True  # sites sit on either strand
    index: int = 0  # position in make_cells(): seeds the data with the seed


def make_cells(pfm) -> list[Cell]:
    cells = [
        *(
            Cell(
                f"binary-{n // 1000}k",
                "binary",
                partial(binary, pfm=pfm[CTCF], length=200),
                n,
                (CTCF,),
                "200 bp, one site in half the sequences",
            )
            for n in (1000, 5000, 20000)
        ),
        Cell(
            "messy",
            "binary",
            partial(messy, pfm=pfm[EGR1], lengths=(90, 130)),
            1500,
            (EGR1,),
            "90-130 bp, GC 35-65 %, lowercase runs, N runs and single N",
        ),
        Cell(
            "3-class",
            "multiclass",
            partial(three_class, pfms=[pfm[MEF2C], pfm[ETS1]], length=150),
            5000,
            (MEF2C, ETS1),
            "150 bp, classes: neither / first motif / second motif",
        ),
        Cell(
            "multi-label",
            "multilabel",
            partial(
                multilabel,
                pfms=[pfm[m] for m in (REST, FOXA2, USF1, TP53, TEAD1)],
                length=500,
            ),
            8000,
            (REST, FOXA2, USF1, TP53, TEAD1),
            "500 bp, each motif present with probability 0.3",
        ),
        Cell(
            "regression",
            "regression",
            partial(
                regression,
                pfms=[pfm[NFKB1], pfm[SP1]],
                weights=(1.0, -1.0),
                length=250,
                noise=0.3,
            ),
            8000,
            (NFKB1, SP1),
            "250 bp, activity = affinity(first) - affinity(second) + noise",
        ),
    ]
    # the data of a cell and seed are the same whichever cells are run
    return [replace(cell, index=index) for index, cell in enumerate(cells)]


# ------------------------------------------------------------------ models
def network(cell: Cell, params: dict | None, seed: int):
    head = DNACNNRegressor if cell.kind == "regression" else DNACNNClassifier
    return make_pipeline(
        DNAOneHotTransformer(), head(random_state=seed, **(params or {}))
    )


def kmer_model(cell: Cell):
    counts = CountVectorizer(analyzer="char", ngram_range=(6, 6), lowercase=True)
    if cell.kind == "regression":
        ridge = GridSearchCV(Ridge(), {"alpha": np.logspace(0, 5, 6)}, cv=3)
        return make_pipeline(counts, ridge)
    logistic = LogisticRegressionCV(
        Cs=(1e-3, 1e-2, 1e-1, 1.0),
        l1_ratios=(0.0,),
        cv=3,
        scoring="neg_log_loss",
        max_iter=5000,
        use_legacy_attributes=False,
    )
    if cell.kind == "multilabel":
        logistic = OneVsRestClassifier(logistic)
    return make_pipeline(counts, logistic)


def scores(cell: Cell, model, X, y) -> tuple[float, float | None]:
    """The cell's metric and a second one (or None)."""
    if cell.kind == "regression":
        return float(r2_score(y, model.predict(X))), None
    proba = model.predict_proba(X)
    if cell.kind == "multilabel":
        return float(roc_auc_score(y, proba, average="macro")), None
    if cell.kind == "binary":
        auc = roc_auc_score(y, proba[:, 1])
        return float(auc), float(accuracy_score(y, model.predict(X)))
    accuracy = accuracy_score(y, model.predict(X))
    return float(accuracy), float(roc_auc_score(y, proba, multi_class="ovr"))


METRICS = {
    "binary": ("ROC AUC", "accuracy"),
    "multiclass": ("accuracy", "macro ROC AUC"),
    "multilabel": ("macro ROC AUC", None),
    "regression": ("R²", None),
}


def epochs_trained(model) -> int | None:
    history = getattr(model[-1], "history_", None)
    return len(history["loss"]) if history else None


# --------------------------------------------------------------------- run
def run(cells, configs, seeds, records=(), save=None, log=print) -> list[dict]:
    """Fit what ``records`` lacks; one record per (seed, cell, model).

    ``save(records)`` is called after every fit.
    """
    # Warm-up, not timed: TensorFlow's first-use costs would otherwise land on
    # the first network fitted.
    rng = np.random.default_rng(0)
    X, y = binary(64, rng, pfm=np.full((8, 4), 0.25), length=50)
    make_pipeline(DNAOneHotTransformer(), DNACNNClassifier(epochs=1)).fit(X, y)

    records = list(records)
    done = {(r["seed"], r["cell"], r["model"]) for r in records}
    for seed in seeds:
        for cell in cells:
            todo = [m for m in (KMER, *configs) if (seed, cell.name, m) not in done]
            if not todo:
                continue
            rng = np.random.default_rng([seed, cell.index])
            X, y = cell.simulate(cell.n_train + N_TEST, rng)
            X_train, y_train = X[: cell.n_train], y[: cell.n_train]
            X_test, y_test = X[cell.n_train :], y[cell.n_train :]
            for name in todo:
                if name == KMER:
                    model = kmer_model(cell)
                else:
                    model = network(cell, CONFIGS[name], seed)
                start = time.perf_counter()
                model.fit(X_train, y_train)
                seconds = time.perf_counter() - start
                metric, second = scores(cell, model, X_test, y_test)
                record = {
                    "seed": seed,
                    "cell": cell.name,
                    "model": name,
                    "metric": metric,
                    "second": second,
                    "seconds": seconds,
                    "epochs": None if name == KMER else epochs_trained(model),
                }
                records.append(record)
                if save is not None:
                    save(records)
                log(
                    f"  seed {seed} {cell.name:<12} {name:<10} {metric:.4f} "
                    f"{seconds:7.1f} s epochs {record['epochs']}"
                )
    return records


# ------------------------------------------------------------------ report
def table(cells, models, records) -> list[str]:
    lines = [
        "| cell | model | metric | median | min | second metric (median) "
        "| median fit s | time / previous | median epochs |",
        "|:--|:--|:--|--:|--:|--:|--:|--:|--:|",
    ]
    for cell in cells:
        first, second = METRICS[cell.kind]
        previous = _median(records, cell.name, "previous", "seconds")
        for model in models:
            rows = [
                r for r in records if r["cell"] == cell.name and r["model"] == model
            ]
            if not rows:
                continue
            metric = [r["metric"] for r in rows]
            seconds = np.median([r["seconds"] for r in rows])
            other = (
                f"{second} {np.median([r['second'] for r in rows]):.4f}"
                if second
                else ""
            )
            ratio = f"{seconds / previous:.2f}" if previous else ""
            epochs = [r["epochs"] for r in rows if r["epochs"] is not None]
            epochs = f"{np.median(epochs):g}" if epochs else ""
            lines.append(
                f"| {cell.name} | {model} | {first} | {np.median(metric):.4f} "
                f"| {min(metric):.4f} | {other} | {seconds:.1f} | {ratio} "
                f"| {epochs} |"
            )
    return lines


def _median(records, cell, model, key):
    values = [r[key] for r in records if r["cell"] == cell and r["model"] == model]
    return float(np.median(values)) if values else None


def summary(cells, configs, records) -> list[str]:
    lines = []
    for name in configs:
        verdicts = []
        for cell in cells:
            ours = _median(records, cell.name, name, "metric")
            if ours is None:
                continue
            kmer = _median(records, cell.name, KMER, "metric")
            verdicts.append(
                f"{cell.name} {'yes' if ours > kmer else 'NO'} ({ours - kmer:+.4f})"
            )
        lines.append(f"{name} beats the 6-mer baseline: " + ", ".join(verdicts))
    if "defaults" in configs and "forward" in configs:
        verdicts = []
        for cell in cells:
            both = _median(records, cell.name, "defaults", "metric")
            forward = _median(records, cell.name, "forward", "metric")
            if both is None or forward is None or not cell.both_strands:
                continue
            slower = _median(records, cell.name, "defaults", "seconds") / _median(
                records, cell.name, "forward", "seconds"
            )
            verdicts.append(
                f"{cell.name} {'yes' if both >= forward else 'NO'} "
                f"({both - forward:+.4f}, time x{slower:.2f})"
            )
        lines.append('defaults (strands="both") >= forward: ' + ", ".join(verdicts))
    return lines


def json_store(path, configs, resume):
    """(records read back with ``resume``, a ``save(records)`` or None).

    ``save`` writes ``{"configs": configs, "records": records}`` to ``path``
    atomically after every fit, so that an interrupted run resumes.
    """
    if not path:
        return [], None

    def save(records):
        with open(path + ".tmp", "w") as f:
            json.dump({"configs": configs, "records": records}, f, indent=1)
        os.replace(path + ".tmp", path)

    records = []
    if resume and os.path.exists(path):
        with open(path) as f:
            records = json.load(f)["records"]
        print(f"Resuming: {len(records)} fits read from {path}")
    return records, save


def machine_line() -> str:
    import keras
    import sklearn
    import tensorflow as tf

    return (
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, Keras {keras.__version__}, "
        f"TensorFlow {tf.__version__}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--configs",
        nargs="+",
        default=["previous", "defaults", "forward"],
        choices=list(CONFIGS),
    )
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--cells", nargs="+", default=None)
    parser.add_argument("--json", default=None, help="save the records here")
    parser.add_argument(
        "--resume", action="store_true", help="keep the records in --json, fit the rest"
    )
    args = parser.parse_args()

    pfm_of = load_motifs(MOTIF_IDS)
    cells = make_cells({i: m.pfm for i, m in pfm_of.items()})
    if args.cells:
        unknown = set(args.cells) - {c.name for c in cells}
        if unknown:
            parser.error(
                f"unknown cells {sorted(unknown)}; choose from "
                f"{[c.name for c in cells]}"
            )
        cells = [c for c in cells if c.name in args.cells]

    print(machine_line())
    print()
    print("Motifs (JASPAR2024 CORE vertebrates):")
    for cell in cells:
        names = ", ".join(f"{m} {pfm_of[m].name}" for m in cell.motifs)
        print(
            f"- {cell.name}: {names}; {cell.description}; "
            f"{cell.n_train:,} training / {N_TEST:,} test"
        )
    print()
    classifier, regressor = DNACNNClassifier(), DNACNNRegressor()
    for name in args.configs:
        changes = CONFIGS[name] or {}
        params = {**classifier.get_params(), **changes}
        print(f"{name}: " + ", ".join(f"{k}={params[k]!r}" for k in SHOWN_PARAMS))
        of_regressor = {**regressor.get_params(), **changes}
        differ = [k for k in SHOWN_PARAMS if of_regressor[k] != params[k]]
        if differ:
            print(
                "  (DNACNNRegressor: "
                + ", ".join(f"{k}={of_regressor[k]!r}" for k in differ)
                + ")"
            )
    print()

    records, save = json_store(args.json, CONFIGS, args.resume)
    if args.resume and not args.json:
        parser.error("--resume needs --json")
    start = time.perf_counter()
    records = run(cells, args.configs, range(args.seeds), records, save)
    wall = time.perf_counter() - start

    print()
    print(f"Seeds 0..{args.seeds - 1}; {machine_line()}")
    print()
    for line in table(cells, [*args.configs, KMER], records):
        print(line)
    print()
    for line in summary(cells, args.configs, records):
        print(line)
    print()
    print(f"Total wall time {wall / 60:.1f} min (this run)")


if __name__ == "__main__":
    main()
