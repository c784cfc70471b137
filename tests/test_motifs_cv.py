"""Motifs that hold across folds: cross_val_motifs fits a model per fold,
explains each held-out fold with the model that never saw it, runs
TF-MoDISco on the pooled attributions, and asks each fold whether it found
the same pattern."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline

from dnacnn import (
    DNACNNClassifier,
    DNACNNRegressor,
    DNAOneHotTransformer,
    Motif,
    cross_val_motifs,
    load_motif_database,
    make_motif_dataset,
    reverse_complement,
)
from dnacnn.genome import ChromosomeSplit
from dnacnn.motifs import MotifCVResult
from dnacnn.motifs._cv import _fold_q_values, _tables

pytest.importorskip("modiscolite", reason="needs the extra dnacnn[motifs]")
pytest.importorskip("pyjaspar", reason="needs the extra dnacnn[motifs] (pyjaspar)")

PLANTED = "CGACCGAACTCC"


@pytest.fixture(scope="module")
def jaspar():
    return load_motif_database()


def _sites(pfm, folds, rng, name):
    """A motif whose sites are sampled from ``pfm``, one fold label each."""
    draws = (rng.random((len(folds), len(pfm), 1)) > np.cumsum(pfm, 1)[None]).sum(-1)
    strings = ["".join("ACGT"[min(b, 3)] for b in row) for row in draws]
    sites = [(i, 0, 1, 0.0, s) for i, s in enumerate(strings)]
    return Motif.from_sequences(strings, name=name, sites=sites)


def test_fold_q_values_tell_a_stable_motif_from_one_folds_accident(jaspar):
    rng = np.random.default_rng(0)
    pfm = jaspar["MA0139.2"].pfm  # CTCF
    # sites in every fold, all from one pattern
    stable_folds = np.repeat([0, 1, 2], 20)
    stable = _sites(pfm, stable_folds, rng, "stable")
    # sites of one pattern in fold 0, random bases elsewhere: the other
    # folds do not agree with fold 0
    accident_folds = np.repeat([0, 1, 2], [30, 6, 6])
    accident = _sites(pfm, accident_folds, rng, "accident")
    noise = np.full_like(pfm, 0.25)
    strings = accident.sites["site"].copy()
    strings[30:] = [s for s in _sites(noise, np.zeros(12), rng, "x").sites["site"]]
    accident.sites["site"] = strings
    motifs, folds = [stable, accident], [stable_folds, accident_folds]

    q = _fold_q_values(motifs, folds, 3, jaspar, min_sites=5)
    assert (q[0] < 1e-3).all()  # each fold's sites match the other folds'
    assert (q[1] > 0.05).all()  # fold 0 against noise, noise against the rest
    table, summary = _tables(motifs, folds, q, 3, None, 5, 0.05, 2, by_q=True)
    assert summary["stable"].tolist() == [True, False]
    assert summary["folds_with_sites"].tolist() == [3, 3]
    assert summary["folds_supported"].tolist() == [3, 0]
    assert table.columns.tolist() == [
        "motif",
        "fold",
        "sites",
        "sequences",
        "q_value",
        "supported",
    ]
    assert table["sites"].tolist() == [20, 20, 20, 30, 6, 6]
    # too few sites in a fold: no q-value, no support
    q = _fold_q_values(motifs, folds, 3, jaspar, min_sites=7)
    assert np.isnan(q[1, 1:]).all() and not np.isnan(q[0]).any()
    # without a database: no q-values; folds with sites decide
    q = _fold_q_values(motifs, folds, 3, None, min_sites=5)
    assert np.isnan(q).all()
    _, summary = _tables(motifs, folds, q, 3, None, 5, 0.05, 2, by_q=False)
    assert summary["stable"].tolist() == [True, True]


def test_parameters_are_checked_before_any_fitting():
    X, y = make_motif_dataset(40, 30, random_state=0)
    model = make_pipeline(DNAOneHotTransformer(), DNACNNClassifier())
    with pytest.raises(ValueError, match="attribution must be one of"):
        cross_val_motifs(model, X, y, attribution="saliency")
    with pytest.raises(ValueError, match="min_folds"):
        cross_val_motifs(model, X, y, cv=3, min_folds=4, database=None)
    with pytest.raises(ValueError, match="max_q"):
        cross_val_motifs(model, X, y, max_q=2.0)
    with pytest.raises(TypeError, match="verbose must be a bool"):
        cross_val_motifs(model, X, y, verbose=1)
    with pytest.raises(FileNotFoundError):
        cross_val_motifs(model, X, y, database="no-such-file.meme")
    with pytest.raises(ValueError, match="explain must be one of"):
        cross_val_motifs(model, X, y, explain="positives")
    with pytest.raises(ValueError, match="target=7 is not a label"):
        cross_val_motifs(model, X, y, explain="target", target=7)
    with pytest.raises(ValueError, match="two classes"):
        cross_val_motifs(model, X, np.arange(len(X)) % 3, explain="target")
    with pytest.raises(ValueError, match="one label per row"):
        cross_val_motifs(model, X, np.c_[y, y], explain="target")
    regressor = make_pipeline(DNAOneHotTransformer(), DNACNNRegressor())
    with pytest.raises(ValueError, match="needs a classifier"):
        cross_val_motifs(regressor, X, y.astype(float), explain="target")
    assert not hasattr(model[-1], "model_")  # nothing was fitted
    assert not hasattr(regressor[-1], "model_")


@pytest.fixture(scope="module")
def planted():
    # 600 sequences: both tests below pass on data and models of random_state
    # 0-2, in 13-15 s of CPU (measured; 29 s on 1,200, fits and TF-MoDISco
    # growing with them)
    X, y = make_motif_dataset(600, 50, random_state=0)
    return X, y


def unfitted():
    """The Pipeline each fold clones: the default network, 10 epochs."""
    return make_pipeline(
        DNAOneHotTransformer(), DNACNNClassifier(epochs=10, random_state=0)
    )


@pytest.mark.slow
def test_a_planted_motif_holds_in_every_fold(planted, jaspar):
    X, y = planted
    model = unfitted()
    result = cross_val_motifs(
        model,
        X,
        y,
        cv=KFold(3, shuffle=True, random_state=0),
        n_leiden_runs=5,
        database=jaspar,
    )
    assert isinstance(result, MotifCVResult)
    assert result.n_folds == 3 and len(result.fold_scores) == 3
    assert (result.fold_scores > 0.9).all()
    # every row held out once
    held = np.sort(np.concatenate(result.test_indices))
    np.testing.assert_array_equal(held, np.arange(len(X)))
    top = result.motifs[0]
    assert PLANTED in (top.consensus, top.reverse_complement().consensus)
    row = result.summary.iloc[0]
    assert row["motif"] == top.name and row["stable"]
    assert row["folds_supported"] >= 2
    assert top in result.stable_motifs
    per_fold = result.folds[result.folds["motif"] == top.name]
    assert (per_fold["sites"] > 10).all()
    # sites index X: each one's string is X's text there (a wrong row would
    # not match); most lie in positives
    sites = top.sites
    assert y[sites["sequence"]].mean() > 0.7
    checked = 0
    for s in sites:
        site = str(s["site"])
        if "N" in site:  # runs off the sequence's end
            continue
        word = X[s["sequence"]][s["start"] : s["start"] + top.width]
        assert word == (site if s["strand"] == 1 else reverse_complement(site))
        checked += 1
    assert checked > 0.9 * len(sites)
    assert "stable=" in repr(result)


@pytest.mark.slow
def test_explain_target_explains_only_that_class(planted, jaspar):
    X, y = planted
    model = unfitted()
    result = cross_val_motifs(
        model,
        X,
        y,
        cv=KFold(3, shuffle=True, random_state=0),
        explain="target",
        n_leiden_runs=3,
        database=jaspar,
    )
    # every row is still held out (and scored) once ...
    held = np.sort(np.concatenate(result.test_indices))
    np.testing.assert_array_equal(held, np.arange(len(X)))
    assert (result.fold_scores > 0.9).all()
    # ... but only the bound ones are explained: every site is in one
    top = result.motifs[0]
    assert PLANTED in (top.consensus, top.reverse_complement().consensus)
    for motif in result.motifs:
        assert (y[motif.sites["sequence"]] == 1).all()
    # the per-fold counts are of sites in the fold's bound sequences
    per_fold = result.folds[result.folds["motif"] == top.name]
    for fold, test in enumerate(result.test_indices):
        in_fold = np.isin(top.sites["sequence"], test)
        assert per_fold["sites"].iloc[fold] == in_fold.sum()
    assert result.summary.iloc[0]["stable"]


@pytest.mark.slow
def test_chromosome_split_with_groups(planted):
    X, y = planted
    chroms = np.array([f"chr{i % 4 + 1}" for i in range(len(X))], dtype=object)
    model = unfitted()
    result = cross_val_motifs(
        model,
        X,
        y,
        groups=chroms,
        cv=ChromosomeSplit(n_splits=2),
        n_leiden_runs=3,
        database=None,
    )
    assert result.n_folds == 2
    for test in result.test_indices:  # whole chromosomes held out
        assert len(set(chroms[test])) == 2
    assert result.summary["match_id"].isna().all()
    assert np.isnan(result.folds["q_value"]).all()
    top = result.summary.iloc[0]
    assert top["folds_with_sites"] == 2 and top["stable"]
    assert isinstance(result.summary, pd.DataFrame)
