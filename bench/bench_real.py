"""Architectures and defaults on real binding data, beside the published peers.

Usage::

    python bench/bench_real.py [--sets nfe2 mouse_tf0 ...]
        [--configs defaults deepbind dilated] [--seeds 3] [--max-train N]
        [--stop-after MINUTES] [--json bench/results/real.json] [--resume]

The nine sets of ``../shared/data/real/`` (its README has the sources), run
from the smallest training set to the largest:

* ``nfe2``: NFE2 GM12878 peaks against matched genomic negatives (lsgkm's
  example data), ~235 bp, variable lengths (59-247): ``nfe2.tr`` +
  ``nfe2.neg.tr`` (644 + 644) to train, ``nfe2.test`` + ``nfe2.neg.test``
  (69 + 69) to test; auROC.  Peer: gkm-SVM 0.9929.  The sequences are encoded
  at the longest training length, centred (``padding="center"``;
  ``truncation="center"`` should a test sequence be longer).
* GUE ``mouse_tf0``, ``human_tf1``, ``human_tf0`` (DNABERT-2's benchmark),
  101 bp, balanced: fitted on ``train.csv.gz`` (6,478 / 30,672 / 32,378),
  MCC on ``test.csv.gz`` at probability 0.5 (``predict``).  The MCC on
  ``dev.csv.gz`` is recorded too (``dev``), for choosing among
  configurations without reading the test.  Peer: DNABERT-2 0.5676, 0.7606,
  0.7199.
* DeepBind ENCODE ``ELK1``, ``GABPA``, ``ARID3A``, ``CTCFL``, ``FOXA1``,
  101 bp: the positives of ``<TF>_train_AC.tsv.gz`` (5,084 to 42,614 peaks),
  each with one ``dnacnn.dinucleotide_shuffle`` as its negative (seeded with
  the seed), auROC on ``<TF>_test_B.tsv.gz`` (500 peaks and its own 500
  shuffles).  Peer: DeepBind* (trained on A + C, hyperparameters calibrated
  per TF).

Per seed (``0 .. seeds - 1``: the seed of the negatives, of ``--max-train``'s
subsample and the ``random_state`` of the networks) every set is read once
and every configuration fitted on the same split, configurations interleaved
seed by seed and set by set so that machine noise hits them alike.  Every
network is ``make_pipeline(DNAOneHotTransformer(), DNACNNClassifier(
random_state=seed, **config))`` fitted on the raw strings; the configurations
(``--configs``) are changes to the shipped defaults (``CONFIGS`` below;
``defaults`` is ``DNACNNClassifier()`` as shipped).  The baseline, always run,
is bench_tasks' 6-mer model (imported from it): ``CountVectorizer(
analyzer="char", ngram_range=(6, 6), lowercase=True)`` counts fed to
``LogisticRegressionCV`` (C in 1e-3 .. 1 by 3-fold CV on the log loss).

Recorded per set, configuration and seed: the set's metric on its test split
(and the GUE sets' dev MCC; a second metric: accuracy for the auROC sets,
auROC for the MCC sets), the fit time in seconds (encoding included,
predictions not), the epochs trained (``len(history_["loss"])``; early
stopping is on from 10,000 training sequences under ``"auto"``), the seconds
per epoch per 1,000 training sequences (fit time / epochs / (n / 1000), the
validation pass of early stopping included), and the load average when the
fit started (the cores may be shared).

Printed: each set's n train and length; a table with, per set, the median
over seeds of every model beside the published number; per set and model,
the minimum, fit time, epochs and seconds per epoch per 1,000 sequences; and
per configuration on how many sets its median reaches the published number
and beats the 6-mer's median, with its median fit time.

With ``--json``, the records are written after every fit; ``--resume`` reads
them back and fits only what is missing (same seeds, sets and configs, and
the same ``--max-train``: it is part of a record's key).  ``--stop-after``
starts no new fit after that many minutes of this run; ``--epochs`` caps the
epochs of every network (for smoke runs only).
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, matthews_corrcoef, roc_auc_score
from sklearn.pipeline import make_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_tasks import (  # noqa: E402
    epochs_trained,
    json_store,
    kmer_model,
    machine_line,
)

from dnacnn import (  # noqa: E402
    DNACNNClassifier,
    DNAOneHotTransformer,
    dinucleotide_shuffle,
    load_sequences,
)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
if not DATA.is_dir():  # a worktree beside ../shared, or the main checkout
    DATA = Path(os.environ.get("DNACNN_REAL_DATA", "/work/shared/data/real"))

KMER = "6-mer"

#: Named configurations: changes to the shipped defaults (None: as shipped).
CONFIGS: dict[str, dict | None] = {
    "defaults": None,
    # the default before "wide" (dnacnn 0.x: one convolution, global max)
    "cnn": {"architecture": "cnn"},
    "cnn-es": {"architecture": "cnn", "early_stopping": True},
    "primer": {"architecture": "primer"},
    "deepbind": {"architecture": "deepbind"},
    "basset": {"architecture": "basset"},
    "dilated": {"architecture": "dilated"},
    "danq": {"architecture": "danq"},
    # with strands="both" (shared weights, strands maxed) the network already
    # scores a sequence and its reverse complement alike: the augmentation
    # doubles each batch for (near) the same gradient; kept to measure it
    "dilated-rc": {"architecture": "dilated", "augment": "reverse_complement"},
    # the issue's plain-Keras probe trained a forward network on both
    # orientations and averaged the strands at test: the nearest settings
    "dilated-fwd-rc": {
        "architecture": "dilated",
        "strands": "forward",
        "augment": "reverse_complement",
    },
    "dilated-mean": {"architecture": "dilated", "strand_reduce": "mean"},
    # smaller dilated network (for small sets) and wider shallow ones
    "dilated-small": {"architecture": "dilated", "filters": 64, "n_conv_layers": 2},
    "cnn-wide": {"filters": 128, "dense_units": 32, "dropout": 0.2},
    "deepbind-wide": {"architecture": "deepbind", "filters": 128},
    # early stopping below "auto"'s 10,000 sequences (50 epochs there now)
    "es": {"early_stopping": True},
    "deepbind-es": {"architecture": "deepbind", "early_stopping": True},
}


@dataclass
class RealSet:
    """One real set: how to read it, how to score it, its published number."""

    name: str
    family: str  # "nfe2", "gue" or "deepbind"
    metric: str  # "auROC" or "MCC"
    published: float
    peer: str
    read: Callable[..., dict]  # (seed, max_train) -> splits
    length: str = ""  # "101", or "59-247" where lengths vary
    _cache: dict = field(default_factory=dict, repr=False)

    def data(self, seed: int, max_train: int | None) -> dict:
        """The splits, read once per seed (the shuffles take seconds)."""
        if (seed, max_train) not in self._cache:
            self._cache[(seed, max_train)] = self.read(seed, max_train)
        return self._cache[(seed, max_train)]


# ------------------------------------------------------------------ readers
def _subsample(n: int, y, max_train: int | None, seed: int) -> np.ndarray:
    """Rows of a stratified subsample of ``max_train`` (all rows without one)."""
    if max_train is None or max_train >= n:
        return np.arange(n)
    from sklearn.model_selection import train_test_split

    rows, _ = train_test_split(
        np.arange(n), train_size=max_train, stratify=y, random_state=seed
    )
    return np.sort(rows)


def read_nfe2(seed: int, max_train: int | None) -> dict:
    def fasta(name):
        return load_sequences(DATA / "nfe2" / f"nfe2.{name}.fa.gz")

    pos, neg = fasta("tr"), fasta("neg.tr")
    X = np.concatenate([pos, neg])
    y = np.r_[np.ones(len(pos), int), np.zeros(len(neg), int)]
    rows = _subsample(len(X), y, max_train, seed)
    test_pos, test_neg = fasta("test"), fasta("neg.test")
    return {
        "train": (X[rows], y[rows]),
        "test": (
            np.concatenate([test_pos, test_neg]),
            np.r_[np.ones(len(test_pos), int), np.zeros(len(test_neg), int)],
        ),
    }


def read_gue(task: str) -> Callable[..., dict]:
    def read(seed: int, max_train: int | None) -> dict:
        def split(name):
            table = pd.read_csv(DATA / "gue" / task / f"{name}.csv.gz")
            return (
                table["sequence"].to_numpy(dtype=object),
                table["label"].to_numpy(dtype=int),
            )

        X, y = split("train")
        rows = _subsample(len(X), y, max_train, seed)
        return {"train": (X[rows], y[rows]), "dev": split("dev"), "test": split("test")}

    return read


def deepbind_table(stem: str, name: str) -> pd.DataFrame:
    """``<stem>_<name>.tsv.gz`` of deepbind/ (``name``: train_AC or test_B)."""
    with gzip.open(DATA / "deepbind" / f"{stem}_{name}.tsv.gz", "rt") as f:
        return pd.read_csv(f, sep="\t")


def read_deepbind(stem: str) -> Callable[..., dict]:
    def read(seed: int, max_train: int | None) -> dict:
        def table(name):
            return deepbind_table(stem, name)

        peaks = table("train_AC")["seq"].to_numpy(dtype=object)
        if max_train is not None and 2 * len(peaks) > max_train:
            keep = np.random.default_rng(seed).choice(
                len(peaks), max_train // 2, replace=False
            )
            peaks = peaks[np.sort(keep)]
        shuffles = dinucleotide_shuffle(peaks, random_state=seed)
        test = table("test_B")
        return {
            "train": (
                np.concatenate([peaks, shuffles]),
                np.r_[np.ones(len(peaks), int), np.zeros(len(shuffles), int)],
            ),
            "test": (
                test["seq"].to_numpy(dtype=object),
                test["Bound"].to_numpy(dtype=int),
            ),
        }

    return read


def _deepbind(name, stem, published):
    return RealSet(
        name, "deepbind", "auROC", published, "DeepBind*", read_deepbind(stem)
    )


def _gue(name, published):
    return RealSet(name, "gue", "MCC", published, "DNABERT-2", read_gue(name))


#: The DeepBind ENCODE sets: factor -> file stem in deepbind/.
DEEPBIND_STEMS = {
    "ELK1": "ELK1_GM12878_Stanford",
    "GABPA": "GABPA_GM12878_HudsonAlpha",
    "ARID3A": "ARID3A_K562_Stanford",
    "CTCFL": "CTCFL_K562_HudsonAlpha",
    "FOXA1": "FOXA1_HepG2_HudsonAlpha",
}

#: The sets, smallest training set first.
SETS = [
    RealSet("nfe2", "nfe2", "auROC", 0.9929, "gkm-SVM", read_nfe2),
    _gue("mouse_tf0", 0.5676),
    _deepbind("ELK1", DEEPBIND_STEMS["ELK1"], 0.9529),
    _deepbind("GABPA", DEEPBIND_STEMS["GABPA"], 0.9797),
    _deepbind("ARID3A", DEEPBIND_STEMS["ARID3A"], 0.8875),
    _deepbind("CTCFL", DEEPBIND_STEMS["CTCFL"], 0.9867),
    _gue("human_tf1", 0.7606),
    _gue("human_tf0", 0.7199),
    _deepbind("FOXA1", DEEPBIND_STEMS["FOXA1"], 0.9818),
]


# ------------------------------------------------------------------ models
def encoder(X_train) -> DNAOneHotTransformer:
    """One-hot at the longest training length, centred (NFE2's lengths vary)."""
    length = max(len(s) for s in X_train)
    return DNAOneHotTransformer(length=length, padding="center", truncation="center")


def network(params: dict | None, seed: int, X_train, epochs: int | None):
    params = dict(params or {})
    if epochs is not None:
        params["epochs"] = epochs
    return make_pipeline(
        encoder(X_train), DNACNNClassifier(random_state=seed, **params)
    )


def score(real: RealSet, model, X, y) -> tuple[float, float]:
    """The set's metric and a second one (accuracy, or auROC for MCC sets)."""
    proba = model.predict_proba(X)[:, 1]
    auc = float(roc_auc_score(y, proba))
    if real.metric == "MCC":
        return float(matthews_corrcoef(y, model.predict(X))), auc
    return auc, float(accuracy_score(y, model.predict(X)))


# --------------------------------------------------------------------- run
def run(
    sets,
    configs,
    seeds,
    records=(),
    save=None,
    *,
    max_train=None,
    epochs=None,
    deadline=None,
    log=print,
) -> list[dict]:
    """Fit what ``records`` lacks; one record per (seed, set, model, max_train).

    ``save(records)`` is called after every fit; no fit starts after
    ``deadline`` (a ``time.perf_counter()`` value).
    """
    # Warm-up, not timed: TensorFlow's first-use costs would otherwise land on
    # the first network fitted.
    rng = np.random.default_rng(0)
    warm = ["".join(rng.choice(list("ACGT"), 50)) for _ in range(64)]
    make_pipeline(DNAOneHotTransformer(), DNACNNClassifier(epochs=1)).fit(
        warm, np.arange(64) % 2
    )

    records = list(records)
    done = {
        (r["seed"], r["set"], r["model"])
        for r in records
        if r.get("max_train") == max_train and r.get("epochs_cap") == epochs
    }
    for seed in seeds:
        for real in sets:
            todo = [m for m in (KMER, *configs) if (seed, real.name, m) not in done]
            if not todo:
                continue
            if deadline is not None and time.perf_counter() > deadline:
                log("  --stop-after reached: no new fits")
                return records
            data = real.data(seed, max_train)
            X_train, y_train = data["train"]
            X_test, y_test = data["test"]
            for name in todo:
                if deadline is not None and time.perf_counter() > deadline:
                    log("  --stop-after reached: no new fits")
                    return records
                if name == KMER:
                    model = kmer_model(SimpleNamespace(kind="binary"))
                else:
                    model = network(CONFIGS[name], seed, X_train, epochs)
                load = os.getloadavg()[0]
                start = time.perf_counter()
                model.fit(X_train, y_train)
                seconds = time.perf_counter() - start
                metric, second = score(real, model, X_test, y_test)
                dev = None
                if "dev" in data:
                    dev = score(real, model, *data["dev"])[0]
                trained = None if name == KMER else epochs_trained(model)
                n = len(X_train)
                record = {
                    "seed": seed,
                    "set": real.name,
                    "model": name,
                    "max_train": max_train,
                    "epochs_cap": epochs,
                    "n_train": n,
                    "metric": metric,
                    "second": second,
                    "dev": dev,
                    "seconds": seconds,
                    "epochs": trained,
                    "s_per_epoch_per_1k": (
                        seconds / trained / (n / 1000) if trained else None
                    ),
                    "load": load,
                }
                records.append(record)
                if save is not None:
                    save(records)
                per = record["s_per_epoch_per_1k"]
                log(
                    f"  seed {seed} {real.name:<10} {name:<14} {real.metric} "
                    f"{metric:.4f} {seconds:7.1f} s epochs {trained} "
                    + (f"({per:.2f} s/epoch/1k) " if per else "")
                    + f"load {load:.1f}",
                    flush=True,
                )
    return records


# ------------------------------------------------------------------ report
def _rows(records, real, model):
    return [r for r in records if r["set"] == real.name and r["model"] == model]


def _median(records, real, model, key="metric"):
    values = [r[key] for r in _rows(records, real, model) if r[key] is not None]
    return float(np.median(values)) if values else None


def metric_table(sets, models, records) -> list[str]:
    """Per set: n train, length, published, then every model's median metric."""
    lines = [
        "| set | n train | length | metric | published | " + " | ".join(models) + " |",
        "|:--|--:|--:|:--|--:|" + "--:|" * len(models),
    ]
    for real in sets:
        rows = [r for r in records if r["set"] == real.name]
        if not rows:
            continue
        cells = []
        for model in models:
            value = _median(records, real, model)
            if value is None:
                cells.append("")
                continue
            mark = "**" if round(value, 4) >= real.published else ""
            cells.append(f"{mark}{value:.4f}{mark}")
        lines.append(
            f"| {real.name} | {rows[0]['n_train']:,} | {real.length} "
            f"| {real.metric} | {real.published:.4f} ({real.peer}) | "
            + " | ".join(cells)
            + " |"
        )
    return lines


def detail_table(sets, models, records) -> list[str]:
    lines = [
        "| set | model | median | min | dev MCC | second | fit s | epochs "
        "| s/epoch/1k seqs | load |",
        "|:--|:--|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for real in sets:
        for model in models:
            rows = _rows(records, real, model)
            if not rows:
                continue
            metric = [r["metric"] for r in rows]

            def med(key, fmt, rows=rows):
                values = [r[key] for r in rows if r[key] is not None]
                return format(np.median(values), fmt) if values else ""

            lines.append(
                f"| {real.name} | {model} | {np.median(metric):.4f} "
                f"| {min(metric):.4f} | {med('dev', '.4f')} | {med('second', '.4f')} "
                f"| {med('seconds', '.1f')} | {med('epochs', 'g')} "
                f"| {med('s_per_epoch_per_1k', '.3f')} | {med('load', '.1f')} |"
            )
    return lines


def summary(sets, models, records) -> list[str]:
    lines = [
        "| model | reaches published | beats 6-mer | median fit s "
        "| median s/epoch/1k seqs | sets short of the published number |",
        "|:--|--:|--:|--:|--:|:--|",
    ]
    for model in models:
        reach = beat = scored = 0
        short = []
        for real in sets:
            ours = _median(records, real, model)
            if ours is None:
                continue
            scored += 1
            if round(ours, 4) >= real.published:
                reach += 1
            else:
                short.append(f"{real.name} {ours - real.published:+.4f}")
            kmer = _median(records, real, KMER)
            if model != KMER and kmer is not None and ours > kmer:
                beat += 1
        if not scored:
            continue
        times = [r["seconds"] for r in records if r["model"] == model]
        per = [
            r["s_per_epoch_per_1k"]
            for r in records
            if r["model"] == model and r["s_per_epoch_per_1k"] is not None
        ]
        lines.append(
            f"| {model} | {reach}/{scored} | "
            + ("" if model == KMER else f"{beat}/{scored}")
            + f" | {np.median(times):.1f} | "
            + (f"{np.median(per):.3f}" if per else "")
            + f" | {', '.join(short)} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    names = [s.name for s in SETS]
    parser.add_argument("--sets", nargs="+", default=names, choices=names)
    parser.add_argument(
        "--configs",
        nargs="+",
        default=["defaults", "cnn", "deepbind", "dilated"],
        choices=list(CONFIGS),
    )
    parser.add_argument(
        "--show",
        nargs="*",
        default=[],
        choices=list(CONFIGS),
        help="configurations reported from --json's records, not fitted",
    )
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--max-train", type=int, default=None, help="subsample the training sets"
    )
    parser.add_argument(
        "--epochs", type=int, default=None, help="cap the epochs (smoke runs)"
    )
    parser.add_argument(
        "--stop-after", type=float, default=None, help="minutes: no new fit after"
    )
    parser.add_argument("--json", default=None, help="save the records here")
    parser.add_argument(
        "--resume", action="store_true", help="keep the records in --json, fit the rest"
    )
    args = parser.parse_args()
    if args.resume and not args.json:
        parser.error("--resume needs --json")
    sets = [s for s in SETS if s.name in args.sets]

    print(machine_line())
    print(f"Data: {DATA}")
    print()
    shipped = DNACNNClassifier().get_params()
    for name in args.configs:
        changes = CONFIGS[name] or {}
        arch = changes.get("architecture", shipped["architecture"])
        print(
            f"{name}: architecture={arch!r}"
            + "".join(f", {k}={v!r}" for k, v in changes.items() if k != "architecture")
        )
    keys = ("epochs", "batch_size", "learning_rate", "early_stopping", "strands")
    print("shipped: " + ", ".join(f"{k}={shipped[k]!r}" for k in keys))
    print()

    records, save = json_store(args.json, CONFIGS, args.resume)

    # each set's size and length (from seed 0's read; the records say n train)
    for real in sets:
        data = real.data(0, args.max_train)
        lengths = [len(s) for s in data["train"][0]]
        low, high = min(lengths), max(lengths)
        real.length = str(high) if low == high else f"{low}-{high}"
        extra = f", dev {len(data['dev'][0]):,}" if "dev" in data else ""
        print(
            f"- {real.name}: {len(lengths):,} training sequences, length "
            f"{real.length}, test {len(data['test'][0]):,}{extra}; "
            f"{real.metric}, published {real.published} ({real.peer})"
        )
    print()

    start = time.perf_counter()
    deadline = None if args.stop_after is None else start + 60 * args.stop_after
    records = run(
        sets,
        args.configs,
        range(args.seeds),
        records,
        save,
        max_train=args.max_train,
        epochs=args.epochs,
        deadline=deadline,
    )
    wall = time.perf_counter() - start
    shown = [
        r
        for r in records
        if r.get("max_train") == args.max_train and r.get("epochs_cap") == args.epochs
    ]
    models = [*args.configs, *(m for m in args.show if m not in args.configs), KMER]

    print()
    print(f"Seeds 0..{args.seeds - 1}, max train {args.max_train}; {machine_line()}")
    print()
    for line in metric_table(sets, models, shown):
        print(line)
    print()
    for line in detail_table(sets, models, shown):
        print(line)
    print()
    for line in summary(sets, models, shown):
        print(line)
    print()
    print(f"Total wall time {wall / 60:.1f} min (this run)")


if __name__ == "__main__":
    main()
