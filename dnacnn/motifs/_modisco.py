"""Every motif a fitted CNN has learned: TF-MoDISco on its attributions.

:func:`discover_motifs` computes the network's hypothetical contributions
(mean-centred gradients, :func:`dnacnn.interpret.saliency` with
``center=True``) in batches and hands them to TF-MoDISco (the
``modisco-lite`` package, extra ``dnacnn[motifs]``), which cuts "seqlets"
(short windows of high contribution) out of the sequences and clusters them
into motifs.  Each pattern becomes a :class:`Motif` with its seqlets as
sites, its support and its sign.
"""

from __future__ import annotations

import numpy as np

from .. import interpret
from .._fitted import resolve, target_indices
from .._validation import check_choice, check_int, check_real
from ..preprocessing import decode_one_hot
from ._meme_text import check_name
from ._motif import Motif
from ._scan import gather_windows, site_dtype

__all__ = [
    "ATTRIBUTIONS",
    "check_modisco_params",
    "discover_motifs",
    "hypothetical_contributions",
    "import_extra",
    "modisco_motifs",
    "scaled_sizes",
]

#: The attributions discover_motifs can cluster.
ATTRIBUTIONS = ("gradient", "deeplift_shap", "ism")
#: The extra that installs the optional motif libraries.
EXTRA = "dnacnn[motifs]"


def import_extra(module: str, package: str):
    """Import an optional library of the ``motifs`` extra, or say how to get it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"This needs the optional package {package!r}, which is not installed "
            f"(import {module!r} failed: {exc}). Install the extra with "
            f"pip install '{EXTRA}'."
        ) from exc


def discover_motifs(
    estimator,
    X,
    *,
    target=None,
    output: str = "logit",
    attribution: str = "deeplift_shap",
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
) -> list[Motif]:
    """Every motif a fitted CNN has learned, by TF-MoDISco on its attributions.

    Parameters
    ----------
    estimator : DNACNNClassifier or Pipeline
        A fitted network estimator (``X`` one-hot) or a fitted Pipeline
        ending in one (``X`` its own input, usually raw strings).
    X : array-like
        Sequences whose attributions are clustered: strings for a Pipeline,
        one-hot ``(n_samples, L, 4)`` for a network.  All of them are used
        (seqlets are found where the attribution is significant, so sequences
        without a motif add few; a network reading both strands gives the
        best chance match on either strand some attribution, and more of
        them: pass the bound sequences alone to keep the sites to those).
    target : label or None, default=None
        The output explained, as in :func:`dnacnn.interpret.saliency`: by
        default the positive class ``classes_[1]`` of a binary classifier.
    output : {"logit", "probability"}, default="logit"
        Explain the logit (whose gradients do not vanish on confident
        predictions) or the probability.
    attribution : {"deeplift_shap", "gradient", "ism"}, default="deeplift_shap"
        The hypothetical contributions clustered: DeepLIFT against 20
        dinucleotide shuffles of each sequence
        (:func:`dnacnn.interpret.saliency` with ``method="deeplift_shap",
        hypothetical=True``, shuffles seeded with 0), the field's input to
        TF-MoDISco; the mean-centred gradient (see Notes), about half the
        time; or in-silico mutagenesis, each base's effect minus the mean
        effect of the four bases at its position
        (:func:`dnacnn.interpret.in_silico_mutagenesis`; ``4 L`` forward
        passes per sequence).  The default names the factor's own family
        on more real ChIP-seq sets than the others (see Notes).
    window_size : int or None, default=None
        Width of the windows whose summed contribution TF-MoDISco tests to
        find seqlets (its ``sliding_window_size``).  None scales it to the
        sequence length ``L``: TF-MoDISco's 21 from ``L = 200`` up,
        ``max(7, round(21 * L / 200))`` below (see Notes).
    flank_size : int or None, default=None
        Bases added on each side of a seqlet (its ``flank_size``).  None:
        10 from ``L = 200`` up, ``max(2, round(10 * L / 200))`` below.
    target_fdr : float, default=0.2
        False discovery rate of the seqlets, against a null of the
        contributions' own distribution (its ``target_seqlet_fdr``).
    max_seqlets : int, default=20000
        At most this many seqlets of each sign are clustered (its
        ``max_seqlets_per_metacluster``).
    min_seqlets : int, default=20
        Motifs supported by fewer seqlets are dropped (its
        ``final_min_cluster_size``).
    trim_threshold : float, default=0.3
        Each motif is cut down to the positions between the first and the
        last whose summed absolute contribution reaches this fraction of the
        largest (as modisco-lite's report does before TomTom).
    n_leiden_runs : int, default=50
        Leiden clusterings tried (their seeds are fixed: the result is
        reproducible).
    name : str, default="pattern"
        Motifs are named ``pos_{name}_{i}`` (sign +1) and ``neg_{name}_{i}``
        (sign -1), ``i`` counting from 0 in TF-MoDISco's order (largest
        first).
    batch_size : int, default=512
        Sequences per compiled gradient call.
    verbose : bool, default=False
        Let TF-MoDISco report its progress.

    Returns
    -------
    motifs : list of Motif
        The positive motifs, then the negative ones.  Each holds the base
        counts of its seqlets, trimmed; ``sites`` has one row per seqlet
        (``sequence`` indexes ``X``, ``start`` is in the string the
        Pipeline's encoder received, ``strand`` the orientation in which it
        joined the motif, ``score`` its summed contribution over the
        trimmed motif); ``sign`` is +1 or -1; :attr:`Motif.nsites` and
        :attr:`Motif.n_sequences` are its support.  Empty when no sign had
        enough seqlets to cluster (TF-MoDISco needs more than 100).

    Raises
    ------
    ImportError
        If ``modisco-lite`` is not installed (extra ``dnacnn[motifs]``).
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.
    TypeError
        If the estimator is not a network estimator or a Pipeline ending in
        one, or a parameter has the wrong type.
    ValueError
        If a parameter is out of range, ``target`` is unknown, or the
        network's input is not one-hot DNA ``(n_samples, L, 4)``.

    See Also
    --------
    discover_motif : The one motif of a target, from saliency peaks.
    annotate_motifs : Name the motifs with TomTom against JASPAR.

    Notes
    -----
    The attributions are TF-MoDISco's two arrays: the hypothetical
    contributions of every base at every position, and the contributions,
    these times the one-hot input.  With ``attribution="deeplift_shap"``
    they are DeepLIFT's against dinucleotide shuffles, averaged (DeepSHAP);
    with ``"gradient"``, the gradient of the output with respect to every
    base, minus its mean over the four bases (the correction of Majdandzic
    et al., 2023: the gradient's component common to the four channels
    points off the one-hot simplex and is noise).  TF-MoDISco (Shrikumar et
    al., 2018; the ``modisco-lite`` reimplementation) then finds seqlets,
    splits them by sign, clusters each sign's seqlets (Leiden on a
    similarity graph of their contributions), aligns every cluster into a
    pattern and merges redundant ones.

    Why DeepLIFT by default: on 2,000 held-out peaks of each of DeepBind's
    five ENCODE sets, its motifs named the factor's own JASPAR family on 8
    of 10 sets and seeds, the gradient's and ISM's on 6 (on GABPA their ETS
    motif's best match was a zinc finger with the same core); on 10,000
    simulated sequences with three planted JASPAR motifs both named all
    three, DeepLIFT in 1.8 times the gradient's time
    (``bench/bench_motifs_real.py``, ``bench/bench_motifs.py``; the user
    guide's benchmarks page).

    TF-MoDISco's defaults are made for long windows (it is usually run on
    1,000-bp ChIP-seq peaks): a seqlet is ``21 + 2 * 10 = 41`` bases wide,
    and each cluster is trimmed to its 30 most informative positions and
    widened by 10 on each side (its ``trim_to_window_size`` and
    ``initial_flank_to_add``).  A seqlet that, aligned to its cluster and
    widened, would run past either end of its sequence is dropped.  On short
    sequences with the motif anywhere, most seqlets are dropped that way: on
    1,500 sequences of 100 bp with two planted JASPAR motifs, 316 of 330
    seqlets were, and no motif was left.  So below ``L = 200`` all four sizes
    shrink in proportion to ``L`` (at least 7, 2, 12 and 2 bases): on 100 bp
    they are 10, 5, 15 and 5, and both motifs come back with over 150
    seqlets each.  From ``L = 200`` up they are TF-MoDISco's own.

    Examples
    --------
    TF-MoDISco's clustering takes about a minute here, too long for a
    doctest: the lines it runs are marked to be skipped, and
    ``tests/test_motifs_named.py`` runs the same steps on two planted JASPAR
    motifs.

    >>> from sklearn.pipeline import make_pipeline
    >>> from dnacnn import DNACNNClassifier, DNAOneHotTransformer
    >>> from dnacnn import make_motif_dataset
    >>> from dnacnn.motifs import discover_motifs
    >>> X, y = make_motif_dataset(600, 50, random_state=0)
    >>> model = make_pipeline(  # doctest: +SKIP
    ...     DNAOneHotTransformer(), DNACNNClassifier(epochs=10, random_state=0)
    ... ).fit(X, y)
    >>> motifs = discover_motifs(model, X, n_leiden_runs=2)  # doctest: +SKIP
    >>> motifs[0].name, motifs[0].sign  # doctest: +SKIP
    ('pos_pattern_0', 1)
    >>> "CGACCGAACTCC" in (motifs[0].consensus,  # doctest: +SKIP
    ...     motifs[0].reverse_complement().consensus)
    True
    """
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
    check_choice(attribution, "attribution", ATTRIBUTIONS)
    import_extra("modiscolite.tfmodisco", "modisco-lite")
    onehot, hypothetical, offsets = hypothetical_contributions(
        estimator,
        X,
        target=target,
        output=output,
        batch_size=batch_size,
        attribution=attribution,
    )
    return modisco_motifs(onehot, hypothetical, offsets, **params)


def check_modisco_params(
    *,
    window_size,
    flank_size,
    target_fdr,
    max_seqlets,
    min_seqlets,
    trim_threshold,
    n_leiden_runs,
    name,
    verbose,
) -> dict:
    """TF-MoDISco's parameters of :func:`discover_motifs`, checked."""
    if window_size is not None:
        window_size = check_int(window_size, "window_size", low=1)
    if flank_size is not None:
        flank_size = check_int(flank_size, "flank_size", low=0)
    if not isinstance(verbose, bool | np.bool_):
        raise TypeError(
            f"verbose must be a bool, got {type(verbose).__name__} {verbose!r}."
        )
    return {
        "window_size": window_size,
        "flank_size": flank_size,
        "target_fdr": check_real(
            target_fdr, "target_fdr", low=0.0, high=1.0, closed="neither"
        ),
        "max_seqlets": check_int(max_seqlets, "max_seqlets", low=1),
        "min_seqlets": check_int(min_seqlets, "min_seqlets", low=1),
        "trim_threshold": check_real(
            trim_threshold, "trim_threshold", low=0.0, high=1.0
        ),
        "n_leiden_runs": check_int(n_leiden_runs, "n_leiden_runs", low=1),
        "name": check_name(name),
        "verbose": bool(verbose),
    }


def hypothetical_contributions(
    estimator, X, *, target, output, batch_size, attribution="deeplift_shap"
):
    """TF-MoDISco's input for ``X``: (one-hot, hypothetical contributions, offsets).

    The one-hot array is what the network reads, float32 ``(n, L, 4)``; the
    hypothetical contributions are ``attribution``'s (one of
    :data:`ATTRIBUTIONS`; see :func:`discover_motifs`), zero where the
    encoder padded; ``offsets`` (or None) place each sequence of ``X`` in the
    array, as :class:`dnacnn._fitted.Placement` does.
    """
    resolved = resolve(estimator, X)
    network, onehot, placement = resolved.network, resolved.X, resolved.placement
    if onehot.shape[-1] != 4:
        raise ValueError(
            "Motifs need one-hot sequences of shape (n_samples, L, 4) (channels "
            f"A, C, G, T), but the network takes shape {onehot.shape[1:]}."
        )
    target_indices(network, onehot[:1], target)  # an unknown target fails here
    hypothetical = _hypothetical(
        network,
        onehot,
        attribution,
        target=target,
        output=output,
        batch_size=batch_size,
    )
    # positions the encoder padded (all zeros) get no hypothetical contribution
    hypothetical *= onehot.any(axis=-1, keepdims=True)
    offsets = None if placement is None else placement.offsets
    return onehot, hypothetical, offsets


def modisco_motifs(
    onehot,
    hypothetical,
    offsets,
    *,
    window_size,
    flank_size,
    target_fdr,
    max_seqlets,
    min_seqlets,
    trim_threshold,
    n_leiden_runs,
    name,
    verbose,
) -> list[Motif]:
    """TF-MoDISco on one-hot sequences and their hypothetical contributions.

    The parameters are :func:`discover_motifs`' (checked by
    :func:`check_modisco_params`); a site's ``sequence`` indexes ``onehot``
    and its ``start`` is in the sequence's own coordinates (``offsets``
    subtracted; None: the array's).
    """
    tfmodisco = import_extra("modiscolite.tfmodisco", "modisco-lite")
    length = onehot.shape[1]
    sizes = scaled_sizes(length)
    window_size = sizes["sliding_window_size"] if window_size is None else window_size
    flank_size = sizes["flank_size"] if flank_size is None else flank_size
    if length < window_size + 2 * flank_size:
        raise ValueError(
            f"Sequences of {length} positions are too short for seqlets of "
            f"window_size={window_size} plus flank_size={flank_size} on each "
            "side; lower window_size or flank_size."
        )
    pattern_width = sizes["trim_to_window_size"] + 2 * sizes["initial_flank_to_add"]
    if length < pattern_width:
        raise ValueError(
            f"Sequences of {length} positions are too short for TF-MoDISco's "
            f"patterns ({pattern_width} positions at least); motifs need "
            f"sequences of at least {pattern_width} positions."
        )
    positive, negative = tfmodisco.TFMoDISco(
        onehot,
        hypothetical,
        sliding_window_size=window_size,
        flank_size=flank_size,
        trim_to_window_size=sizes["trim_to_window_size"],
        initial_flank_to_add=sizes["initial_flank_to_add"],
        target_seqlet_fdr=target_fdr,
        max_seqlets_per_metacluster=max_seqlets,
        final_min_cluster_size=min_seqlets,
        n_leiden_runs=n_leiden_runs,
        verbose=bool(verbose),
    )
    motifs = []
    for sign, prefix, patterns in ((1, "pos", positive), (-1, "neg", negative)):
        for i, pattern in enumerate(patterns or []):
            motif = _motif(
                pattern,
                onehot,
                hypothetical,
                offsets,
                sign=sign,
                name=f"{prefix}_{name}_{i}",
                trim_threshold=trim_threshold,
            )
            if motif is not None:
                motifs.append(motif)
    return motifs


def _hypothetical(network, onehot, attribution, **options) -> np.ndarray:
    """Hypothetical contributions ``(n, L, 4)`` of the chosen attribution."""
    if attribution == "ism":
        effects = interpret.in_silico_mutagenesis(network, onehot, **options)
        return effects - effects.mean(axis=-1, keepdims=True)
    if attribution == "deeplift_shap":
        return interpret.saliency(
            network,
            onehot,
            method="deeplift_shap",
            hypothetical=True,
            random_state=0,
            **options,
        )
    return interpret.saliency(
        network, onehot, method="gradient", reduce=None, center=True, **options
    )


def scaled_sizes(length: int) -> dict:
    """TF-MoDISco's window sizes for sequences of ``length`` positions.

    Its defaults from 200 positions up; below, in proportion to ``length``,
    so that seqlets and patterns fit in the sequences (see
    :func:`discover_motifs`, Notes).

    >>> sizes = scaled_sizes(100)
    >>> sizes["sliding_window_size"], sizes["trim_to_window_size"]
    (10, 15)
    >>> scaled_sizes(1000) == scaled_sizes(200)
    True
    """
    scale = min(1.0, length / 200)
    return {
        "sliding_window_size": max(7, round(21 * scale)),
        "flank_size": max(2, round(10 * scale)),
        "trim_to_window_size": max(12, round(30 * scale)),
        "initial_flank_to_add": max(2, round(10 * scale)),
    }


def _motif(pattern, onehot, hypothetical, offsets, *, sign, name, trim_threshold):
    """The :class:`Motif` of a TF-MoDISco pattern, trimmed by contribution."""
    seqlets = pattern.seqlets
    rows = np.array([s.example_idx for s in seqlets], dtype=np.int64)
    starts = np.array([s.start for s in seqlets], dtype=np.int64)
    strands = np.array([-1 if s.is_revcomp else 1 for s in seqlets], dtype=np.int8)
    width = int(seqlets[0].end - seqlets[0].start)
    windows = gather_windows(onehot, starts, strands, width, rows=rows)
    contributions = windows * gather_windows(
        hypothetical, starts, strands, width, rows=rows
    )
    # trim as modisco-lite's report: |CWM| against its largest position
    strength = np.abs(contributions.mean(axis=0)).sum(axis=1)
    keep = np.flatnonzero(strength >= trim_threshold * strength.max())
    if keep.size == 0:
        return None
    first, stop = int(keep[0]), int(keep[-1]) + 1
    # a site on the minus strand reads its window backwards: the kept part
    # starts where the right end was cut
    trimmed = np.where(strands == 1, starts + first, starts + width - stop)
    sites = np.zeros(len(seqlets), dtype=site_dtype(stop - first))
    sites["sequence"] = rows
    sites["start"] = trimmed if offsets is None else trimmed - offsets[rows]
    sites["strand"] = strands
    sites["score"] = contributions[:, first:stop].sum(axis=(1, 2))
    kept = windows[:, first:stop]
    sites["site"] = decode_one_hot(kept, padding=None)  # N where no base
    return Motif(kept.sum(axis=0, dtype=np.float64), name=name, sites=sites, sign=sign)
