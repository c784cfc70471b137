"""The numbers of the user guide's regression, multi-label and strands pages.

Usage::

    python bench/bench_heads.py

One run, one seed (``random_state=0``), on simulated data (nothing
downloads): a two-motif regression (activity = 2·A − 1.5·B + noise, both
motifs on the forward strand), the defaults and ``strands="forward"``,
against a 6-mer ``Ridge``; the same sequences as a two-label problem against 6-mer
one-vs-rest logistic regression; a motif on either strand with
``strands="forward"``, the same with ``augment="reverse_complement"``, and
``strands="both"`` (the default)
(test ROC AUC, the largest difference between a sequence's and its reverse
complement's probability, training time side by side); and early stopping on
labels sorted positives-first.  Copy the printed lines into
``docs/user_guide/{regression,multilabel,strands}.rst``.
"""

import time

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from dnacnn import (
    DNACNNClassifier,
    DNACNNRegressor,
    DNAOneHotTransformer,
    make_motif_dataset,
    reverse_complement,
)

A, B = "CGACCGAACTCC", "TTTAGGCATGCA"


def kmers():
    return CountVectorizer(analyzer="char", ngram_range=(6, 6), lowercase=False)


def cnn(head=DNACNNClassifier, **params):
    return make_pipeline(DNAOneHotTransformer(), head(random_state=0, **params))


def two_motifs(n=2000, length=100, seed=0):
    """Motif A in half the sequences (first 52 bp), B in another half (last 50)."""
    rng = np.random.default_rng(seed)
    seqs = ["".join(rng.choice(list("ACGT"), length)) for _ in range(n)]
    has_a, has_b = rng.random(n) < 0.5, rng.random(n) < 0.5
    for i in range(n):
        s = seqs[i]
        if has_a[i]:
            p = rng.integers(0, 40)
            s = s[:p] + A + s[p + 12 :]
        if has_b[i]:
            p = rng.integers(50, 88)
            s = s[:p] + B + s[p + 12 :]
        seqs[i] = s
    activity = 2.0 * has_a - 1.5 * has_b + rng.normal(0, 0.3, n)
    return np.array(seqs, dtype=object), has_a, has_b, activity


def timed(model, X, y):
    start = time.perf_counter()
    model.fit(X, y)
    return model, time.perf_counter() - start


def main():
    seqs, has_a, has_b, y = two_motifs()
    tr, te = train_test_split(np.arange(len(seqs)), test_size=0.25, random_state=0)
    for params in ({}, {"strands": "forward"}):  # the defaults: both strands
        reg = TransformedTargetRegressor(
            regressor=cnn(DNACNNRegressor, **params), transformer=StandardScaler()
        )
        reg, seconds = timed(reg, seqs[tr], y[tr])
        print(
            f"regression  CNN {params or 'defaults'} R2 "
            f"{reg.score(seqs[te], y[te]):.3f} ({seconds:.1f} s)"
        )
    ridge = make_pipeline(kmers(), Ridge()).fit(seqs[tr], y[tr])
    print(f"regression  6-mer Ridge R2 {ridge.score(seqs[te], y[te]):.3f}")

    Y = np.column_stack([has_a, has_b]).astype(int)
    ml, seconds = timed(cnn(), seqs[tr], Y[tr])
    proba = ml.predict_proba(seqs[te])
    auc = roc_auc_score(Y[te], proba, average=None).round(3)
    ap = average_precision_score(Y[te], proba, average=None).round(3)
    print(f"multilabel  CNN ROC AUC {auc} AP {ap} ({seconds:.1f} s)")
    logistic = OneVsRestClassifier(LogisticRegression(max_iter=1000))
    base = make_pipeline(kmers(), logistic).fit(seqs[tr], Y[tr])
    auc = roc_auc_score(Y[te], base.predict_proba(seqs[te]), average=None).round(3)
    print(f"multilabel  6-mer logistic ROC AUC {auc}")

    X, yb = make_motif_dataset(2000, 100, A, both_strands=True, random_state=0)
    X = np.asarray(X, dtype=object)
    tr, te = train_test_split(
        np.arange(len(X)), test_size=0.25, random_state=0, stratify=yb
    )
    print("strands     setting | accuracy | ROC AUC | max |p - p_rc| | time")
    settings = (
        {"strands": "forward"},
        {"strands": "forward", "augment": "reverse_complement"},
        {},  # strands="both", the default
    )
    for params in settings:
        model, seconds = timed(cnn(epochs=20, **params), X[tr], yb[tr])
        p = model.predict_proba(X[te])[:, 1]
        p_rc = model.predict_proba(reverse_complement(X[te]))[:, 1]
        print(
            f"strands     {params or 'both (default)'} | "
            f"{model.score(X[te], yb[te]):.3f} | "
            f"{roc_auc_score(yb[te], p):.4f} | {np.abs(p - p_rc).max():.2g} | "
            f"{seconds:.1f} s"
        )

    order = np.argsort(-yb[tr], kind="stable")  # positives first
    model = cnn(epochs=50, early_stopping=True).fit(X[tr][order], yb[tr][order])
    history = model[-1].history_
    print(
        f"sorted      early stopping after {len(history['loss'])} epochs, last "
        f"val_accuracy {history['val_accuracy'][-1]:.3f}, test accuracy "
        f"{model.score(X[te], yb[te]):.3f}"
    )


if __name__ == "__main__":
    main()
