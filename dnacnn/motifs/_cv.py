"""Motifs that hold across folds: TF-MoDISco on held-out attributions.

:func:`cross_val_motifs` fits a clone of the estimator on each training
fold, explains the held-out fold with the model that never saw it, runs
TF-MoDISco once on all the held-out attributions together, and asks of every
motif found whether each fold's model, on its own held-out sequences, found
the same pattern as the other folds' models: a motif that only one fold
shows is that fold's accident.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import clone, is_classifier
from sklearn.model_selection import check_cv
from sklearn.utils.parallel import Parallel, delayed

from .._validation import check_choice, check_int, check_real
from ._annotate import (
    MotifDatabase,
    annotate_motifs,
    benjamini_hochberg,
    load_motif_database,
)
from ._modisco import (
    ATTRIBUTIONS,
    check_modisco_params,
    hypothetical_contributions,
    import_extra,
    modisco_motifs,
)
from ._motif import Motif

__all__ = ["MotifCVResult", "cross_val_motifs"]

#: The columns of :attr:`MotifCVResult.summary`.
SUMMARY_COLUMNS = (
    "motif",
    "consensus",
    "sign",
    "sites",
    "folds_with_sites",
    "folds_supported",
    "stable",
    "match_id",
    "match_name",
    "match_q_value",
)
#: The columns of :attr:`MotifCVResult.folds`.
FOLD_COLUMNS = ("motif", "fold", "sites", "sequences", "q_value", "supported")


@dataclass(frozen=True, repr=False)
class MotifCVResult:
    """What :func:`cross_val_motifs` found: motifs, and how each fold saw them.

    Attributes
    ----------
    motifs : list of Motif
        TF-MoDISco's motifs on the pooled held-out attributions, positive
        then negative, as :func:`discover_motifs` returns them; a site's
        ``sequence`` indexes ``X``.
    summary : pandas.DataFrame
        One row per motif: ``motif`` (name), ``consensus``, ``sign``,
        ``sites`` (all folds), ``folds_with_sites`` (folds with at least
        ``min_sites`` sites), ``folds_supported`` (folds whose sites match
        the other folds' motif, q-value at most ``max_q``), ``stable``
        (``folds_supported`` reaches ``min_folds``; without a database,
        ``folds_with_sites`` does), and the best database match:
        ``match_id``, ``match_name``, ``match_q_value`` (TomTom, as
        :func:`annotate_motifs`; empty and NaN without a database).
    folds : pandas.DataFrame
        One row per motif and fold: ``motif``, ``fold`` (0-based, in the
        splitter's order), ``sites`` (the motif's sites in the fold's
        held-out sequences, found in the attributions of the model that did
        not train on them), ``sequences`` (of those sequences, how many hold
        a site), ``q_value`` (see Notes of :func:`cross_val_motifs`; NaN
        when the fold, or the other folds together, have fewer than
        ``min_sites`` sites, or without a database) and ``supported``.
    annotations : pandas.DataFrame or None
        :func:`annotate_motifs`' table of the motifs (best match each), or
        None without a database or motifs.
    test_indices : list of ndarray
        The held-out rows of ``X`` of each fold.
    fold_scores : ndarray of shape (n_folds,)
        Each fold model's ``score`` on its held-out rows (accuracy for a
        classifier, R^2 for a regressor).
    min_folds : int
        The number of folds a stable motif is supported in.
    """

    motifs: list
    summary: pd.DataFrame
    folds: pd.DataFrame
    annotations: pd.DataFrame | None
    test_indices: list
    fold_scores: np.ndarray
    min_folds: int

    @property
    def n_folds(self) -> int:
        """The number of folds."""
        return len(self.test_indices)

    @property
    def stable_motifs(self) -> list:
        """The motifs whose ``stable`` is True, in :attr:`motifs`' order."""
        stable = set(self.summary.loc[self.summary["stable"], "motif"])
        return [m for m in self.motifs if m.name in stable]

    def __repr__(self) -> str:
        stable = [m.name for m in self.stable_motifs]
        return (
            f"MotifCVResult(n_folds={self.n_folds}, motifs={len(self.motifs)}, "
            f"stable={stable!r})"
        )


def _take(X, rows):
    """Rows ``rows`` of ``X``: a DataFrame, an array or a list."""
    if hasattr(X, "iloc"):
        return X.iloc[rows]
    if isinstance(X, np.ndarray):
        return X[rows]
    return np.asarray(X, dtype=object)[rows]


def _fit_and_explain(
    estimator, X, y, train, test, rows, *, target, output, batch_size, attribution
):
    """Fit on ``train``; the score on ``test``, TF-MoDISco's input of ``rows``.

    Returns (one-hot, hypothetical contributions, offsets, score, rows).
    """
    estimator.fit(_take(X, train), _take(y, train))
    score = float(estimator.score(_take(X, test), _take(y, test)))
    onehot, hypothetical, offsets = hypothetical_contributions(
        estimator,
        _take(X, rows),
        target=target,
        output=output,
        batch_size=batch_size,
        attribution=attribution,
    )
    if offsets is None:
        offsets = np.zeros(len(onehot), dtype=np.int64)
    return onehot, hypothetical, np.asarray(offsets, dtype=np.int64), score, rows


def _target_rows(estimator, y, target) -> np.ndarray:
    """``explain="target"``: a mask of the rows labelled ``target``."""
    if not is_classifier(estimator):
        raise ValueError(
            'explain="target" explains the rows of one class, which needs a '
            f"classifier; {type(estimator).__name__} is not one. Use "
            'explain="all".'
        )
    labels = np.asarray(y)
    if labels.ndim != 1:
        raise ValueError(
            'explain="target" needs one label per row (y of shape (n_samples,)), '
            f'got y of shape {labels.shape}; use explain="all".'
        )
    classes = np.unique(labels)
    if target is None:
        if len(classes) != 2:
            raise ValueError(
                f'explain="target" with target=None needs two classes, got '
                f"{len(classes)}; name the class to explain with target=."
            )
        target = classes[1]
    elif target not in classes:
        raise ValueError(
            f"target={target!r} is not a label of y (labels: {classes.tolist()})."
        )
    mask = labels == target
    return mask


def _pool(parts):
    """The folds' arrays in one, right-padded with zeros to the longest."""
    length = max(part.shape[1] for part in parts)
    return np.concatenate(
        [np.pad(p, ((0, 0), (0, length - p.shape[1]), (0, 0))) for p in parts]
    )


def cross_val_motifs(
    estimator,
    X,
    y,
    *,
    groups=None,
    cv=5,
    n_jobs: int | None = None,
    target=None,
    output: str = "logit",
    attribution: str = "deeplift_shap",
    explain: str = "all",
    database="JASPAR",
    min_sites: int = 5,
    max_q: float = 0.05,
    min_folds: int | None = None,
    window_size: int | None = None,
    flank_size: int | None = None,
    target_fdr: float = 0.2,
    max_seqlets: int = 20000,
    min_seqlets: int = 20,
    trim_threshold: float = 0.3,
    n_leiden_runs: int = 50,
    name: str = "pattern",
    batch_size: int = 512,
    verbose: bool = False,
) -> MotifCVResult:
    """Motifs a CNN learns, and in how many cross-validation folds they hold.

    Parameters
    ----------
    estimator : DNACNNClassifier, DNACNNRegressor or Pipeline
        The model to cross-validate (not fitted; a clone is fitted per fold),
        a network estimator (``X`` one-hot) or a Pipeline ending in one
        (``X`` its input: strings, or intervals before a
        :class:`~dnacnn.genome.GenomeSequenceTransformer`).
    X : array-like or pandas.DataFrame
        The sequences (or intervals) and ``y`` their labels or targets.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    groups : array-like of shape (n_samples,) or None, default=None
        Group of each row, for a group splitter (e.g. each interval's
        chromosome for :class:`~dnacnn.genome.ChromosomeSplit`, which
        reads a DataFrame's ``chrom`` column without it).
    cv : int, cross-validation generator or iterable, default=5
        As in :func:`sklearn.model_selection.cross_validate`: an int is the
        number of folds of ``StratifiedKFold`` for a classifier, ``KFold``
        otherwise (neither shuffled).
    n_jobs : int or None, default=None
        Folds fitted in parallel, by joblib as in scikit-learn (None: one,
        unless in a ``joblib.parallel_backend`` context; -1: all cores).
    target : label or None, default=None
        The output explained, as in :func:`discover_motifs`.
    output : {"logit", "probability"}, default="logit"
        Explain the logit or the probability.
    attribution : {"deeplift_shap", "gradient", "ism"}, default="deeplift_shap"
        The hypothetical contributions TF-MoDISco clusters, as in
        :func:`discover_motifs`.
    explain : {"all", "target"}, default="all"
        The held-out rows explained: all of them, or (a classifier with one
        label per row) only those labelled ``target`` (by default the
        larger of two classes' labels, the positive class ``classes_[1]``),
        e.g. the bound sequences and not their shuffled negatives: the
        sites are then all in bound sequences, and the attributions and
        TF-MoDISco take half the time on balanced data.  The folds'
        ``fold_scores`` still score all their held-out rows.
    database : "JASPAR", str, path-like, MotifDatabase or None, default="JASPAR"
        Names the motifs (:func:`annotate_motifs`) and serves as the
        background of the per-fold q-values (see Notes); None: no names and
        no q-values (``stable`` then counts folds with sites).
    min_sites : int, default=5
        A fold with fewer of a motif's sites has no q-value for it and does
        not support it.
    max_q : float, default=0.05
        A fold supports a motif when its q-value is at most this.
    min_folds : int or None, default=None
        A motif is stable when this many folds support it; None is a
        majority of the folds (``n_folds // 2 + 1``).
    window_size, flank_size, target_fdr, max_seqlets, min_seqlets, \
trim_threshold, n_leiden_runs, name, batch_size, verbose
        As in :func:`discover_motifs`.  ``min_seqlets`` applies to the
        pooled motifs.

    Returns
    -------
    result : MotifCVResult
        ``motifs``, ``summary`` (one row per motif: its folds, whether it
        is stable, its name), ``folds`` (one row per motif and fold: sites
        and q-value), ``annotations``, ``test_indices``, ``fold_scores``.

    Raises
    ------
    ImportError
        If ``modisco-lite`` (or, for a database, ``memelite`` or, for
        JASPAR, ``pyjaspar``) is not installed (extra ``dnacnn[motifs]``).
    TypeError, ValueError
        For a parameter of the wrong type or value (before any fitting), or
        what :func:`discover_motifs` refuses.

    See Also
    --------
    discover_motifs : The motifs of one fitted model.
    annotate_motifs : Names for motifs (TomTom against JASPAR).
    dnacnn.genome.ChromosomeSplit : Folds that hold out whole chromosomes.

    Notes
    -----
    Each row of ``X`` in a test fold is explained by the one model that did
    not train on it, so no motif comes from memorised training sequences.
    TF-MoDISco runs once on all folds' held-out attributions together (more
    seqlets than any one fold has; the folds' models differ, and a pattern
    only one of them uses gathers that fold's seqlets alone).

    The q-value of a motif in fold ``k`` asks whether fold ``k``'s model
    found the same pattern as the others: TomTom compares the motif of its
    sites in fold ``k`` with the motifs of the sites in all other folds
    (one per pooled motif) and with the database's motifs, and the q-value
    is that of the match with the same motif's other-fold sites,
    Benjamini-Hochberg over all those targets (the database's motifs are
    the background of TomTom's p-values and the decoys of the correction).
    A motif is *stable* when at least ``min_folds`` folds support it (at
    least ``min_sites`` sites, q-value at most ``max_q``): the folds'
    independently trained models find it in sequences they never saw, and
    agree on what it looks like.  A motif whose sites come from one or two
    folds is one model's accident (noise it fitted, or a feature of those
    folds' sequences), however strong it looks pooled.

    With a group splitter holding out chromosomes (``ChromosomeSplit``), a
    stable motif also holds across chromosomes.  Splitters whose test
    folds overlap (e.g. ``ShuffleSplit``) pool a row once per fold it is
    held out in.

    Examples
    --------
    Five models and TF-MoDISco take a few minutes: the lines that run them
    are skipped here; ``tests/test_motifs_cv.py`` runs the same steps.

    >>> from sklearn.pipeline import make_pipeline
    >>> from dnacnn import DNACNNClassifier, DNAOneHotTransformer
    >>> from dnacnn import cross_val_motifs, make_motif_dataset
    >>> X, y = make_motif_dataset(1500, 50, random_state=0)
    >>> model = make_pipeline(DNAOneHotTransformer(),
    ...                       DNACNNClassifier(epochs=10, random_state=0))
    >>> result = cross_val_motifs(model, X, y, cv=3)  # doctest: +SKIP
    >>> result.summary[["motif", "consensus", "folds_supported", "stable"]]
    ... # doctest: +SKIP
              motif     consensus  folds_supported  stable
    0  pos_pattern_0  CGACCGAACTCC                3    True
    """
    check_choice(attribution, "attribution", ATTRIBUTIONS)
    check_choice(output, "output", ("logit", "probability"))
    check_choice(explain, "explain", ("all", "target"))
    params = check_modisco_params(
        window_size=window_size,
        flank_size=flank_size,
        target_fdr=target_fdr,
        max_seqlets=max_seqlets,
        min_seqlets=min_seqlets,
        trim_threshold=trim_threshold,
        n_leiden_runs=n_leiden_runs,
        name=name,
        verbose=verbose,
    )
    batch_size = check_int(batch_size, "batch_size", low=1)
    min_sites = check_int(min_sites, "min_sites", low=1)
    max_q = check_real(max_q, "max_q", low=0.0, high=1.0)
    if n_jobs is not None:
        n_jobs = check_int(n_jobs, "n_jobs")
    if database is not None and not isinstance(database, MotifDatabase):
        database = load_motif_database(database)  # fails now, not after fitting
    import_extra("modiscolite.tfmodisco", "modisco-lite")
    if database is not None:
        import_extra("memelite.tomtom", "memelite")

    explained = None
    if explain == "target":
        explained = _target_rows(estimator, y, target)
    splitter = check_cv(cv, y, classifier=is_classifier(estimator))
    splits = list(splitter.split(X, y, groups))
    n_folds = len(splits)
    if min_folds is None:
        min_folds = n_folds // 2 + 1
    min_folds = check_int(min_folds, "min_folds", low=1, high=n_folds)

    parallel = Parallel(n_jobs=n_jobs)
    parts = parallel(
        delayed(_fit_and_explain)(
            clone(estimator),
            X,
            y,
            train,
            test,
            test if explained is None else test[explained[test]],
            target=target,
            output=output,
            batch_size=batch_size,
            attribution=attribution,
        )
        for train, test in splits
    )
    onehot = _pool([p[0] for p in parts])
    hypothetical = _pool([p[1] for p in parts])
    offsets = np.concatenate([p[2] for p in parts])
    fold_scores = np.array([p[3] for p in parts])
    rows = np.concatenate([p[4] for p in parts]).astype(np.int64)
    fold_of = np.repeat(np.arange(n_folds), [len(p[4]) for p in parts])

    pooled = modisco_motifs(onehot, hypothetical, offsets, **params)
    motifs, site_folds = [], []
    for motif in pooled:
        sites = motif.sites.copy()
        site_folds.append(fold_of[sites["sequence"]])
        sites["sequence"] = rows[sites["sequence"]]  # rows of X
        motifs.append(
            Motif(motif.counts, name=motif.name, sites=sites, sign=motif.sign)
        )
    q = _fold_q_values(motifs, site_folds, n_folds, database, min_sites)
    annotations = None
    if database is not None and motifs:
        annotations = annotate_motifs(motifs, database, n_matches=1)
    folds, summary = _tables(
        motifs,
        site_folds,
        q,
        n_folds,
        annotations,
        min_sites,
        max_q,
        min_folds,
        by_q=database is not None,
    )
    return MotifCVResult(
        motifs=motifs,
        summary=summary,
        folds=folds,
        annotations=annotations,
        test_indices=[test for _, test in splits],
        fold_scores=fold_scores,
        min_folds=min_folds,
    )


def _sub_motif(motif: Motif, keep: np.ndarray) -> Motif:
    """The motif of the sites ``keep`` (their strings, read on their strand)."""
    return Motif.from_sequences(motif.sites["site"][keep], name=motif.name)


def _fold_q_values(motifs, site_folds, n_folds, database, min_sites) -> np.ndarray:
    """q-values ``(n_motifs, n_folds)`` of each fold's sites against the others'."""
    q = np.full((len(motifs), n_folds), np.nan)
    if database is None or not motifs:
        return q
    tomtom = import_extra("memelite.tomtom", "memelite").tomtom
    decoys = [np.asfortranarray(m.pfm.T) for m in database.motifs]
    for fold in range(n_folds):
        # the motif of every pooled motif's sites outside the fold ...
        rests = {
            i: _sub_motif(motif, folds != fold)
            for i, (motif, folds) in enumerate(zip(motifs, site_folds, strict=True))
            if (folds != fold).sum() >= min_sites
        }
        # ... is what the motif of its sites inside the fold is compared with
        asked = [
            i
            for i, folds in enumerate(site_folds)
            if i in rests and (folds == fold).sum() >= min_sites
        ]
        if not asked:
            continue
        order = list(rests)
        queries = [
            np.asfortranarray(_sub_motif(motifs[i], site_folds[i] == fold).pfm.T)
            for i in asked
        ]
        targets = [np.asfortranarray(rests[i].pfm.T) for i in order] + decoys
        p = tomtom(queries, targets)[0]
        for row, i in enumerate(asked):
            q[i, fold] = benjamini_hochberg(p[row])[order.index(i)]
    return q


def _tables(
    motifs, site_folds, q, n_folds, annotations, min_sites, max_q, min_folds, by_q
):
    """The ``folds`` and ``summary`` tables of :class:`MotifCVResult`."""
    fold_rows, summary_rows = [], []
    for i, (motif, folds) in enumerate(zip(motifs, site_folds, strict=True)):
        with_sites = supported = 0
        for fold in range(n_folds):
            inside = folds == fold
            sites = int(inside.sum())
            sequences = int(np.unique(motif.sites["sequence"][inside]).size)
            ok = bool(sites >= min_sites and q[i, fold] <= max_q)
            with_sites += sites >= min_sites
            supported += ok
            fold_rows.append((motif.name, fold, sites, sequences, q[i, fold], ok))
        match = (None, None, np.nan)
        if annotations is not None:
            best = annotations[annotations["motif"] == motif.name].iloc[0]
            match = (best["match_id"], best["match_name"], best["q_value"])
        # without a database there are no q-values: sites alone decide
        stable = (supported if by_q else with_sites) >= min_folds
        summary_rows.append(
            (
                motif.name,
                motif.consensus,
                motif.sign,
                len(motif.sites),
                with_sites,
                supported,
                bool(stable),
                *match,
            )
        )
    folds = pd.DataFrame(fold_rows, columns=list(FOLD_COLUMNS))
    summary = pd.DataFrame(summary_rows, columns=list(SUMMARY_COLUMNS))
    return folds, summary
