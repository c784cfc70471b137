"""Motifs from a fitted CNN: :func:`discover_motif` (from its saliency) and
:func:`filter_motifs` (from its first-layer filters, as DeepBind and Basset).

Both take a fitted network estimator or a Pipeline ending in one, through
:func:`dnacnn._fitted.resolve`; the network's layout (its first convolution)
comes from :mod:`dnacnn.models`.
"""

from __future__ import annotations

import numpy as np

from .. import interpret
from .._fitted import resolve, target_members
from .._sequences import as_sequence_array
from .._validation import check_choice, check_int, check_real
from ..models import first_conv, reads_both_strands
from ..preprocessing import decode_one_hot
from ._meme_text import check_name
from ._motif import Motif
from ._scan import (
    best_sites,
    check_fits,
    encode,
    gather_windows,
    site_dtype,
    window_counts,
    window_scores,
)

__all__ = ["discover_motif", "filter_motifs"]

# Seed width of discover_motif when the network's filters do not suggest one.
_DEFAULT_SEED_WIDTH = 24
# Uninformative positions a motif may have inside (see _core).
_MAX_GAP = 3
#: Largest number of first-layer activations filter_motifs keeps in memory.
KEEP_ACTIVATIONS = 1 << 25


def _overhang(seed_width: int) -> int:
    """How far the wide windows of discover_motif may hang off a sequence."""
    return (seed_width + 1) // 2


def _resolve(estimator, X):
    """:func:`resolve`, after naming the shapes of a misshapen one-hot ``X``."""
    # the classifier's own check counts "features"; say which shapes differ
    shape, expected = getattr(X, "shape", ()), getattr(estimator, "input_shape_", None)
    if expected is not None and len(shape) == 3 and shape[1:] != tuple(expected):
        raise ValueError(
            f"The classifier was fitted on sequences of shape {tuple(expected)}, "
            f"got {shape[1:]}."
        )
    return resolve(estimator, X)


def _check_acgt(X_model) -> None:
    """Windows are read from ``X_model``: its channels must be A, C, G, T."""
    if X_model.shape[-1] != 4:
        raise ValueError(
            "Motifs need one-hot sequences of shape (n_samples, L, 4) (channels "
            f"A, C, G, T), but the network takes shape {X_model.shape[1:]}."
        )


def discover_motif(
    estimator,
    X,
    *,
    width: int | None = None,
    target=None,
    method: str = "gradient_x_input",
    both_strands: bool = False,
    seed_width: int | None = None,
    max_iter: int = 10,
    min_information: float = 0.3,
    name: str = "motif",
    batch_size: int = 512,
) -> Motif:
    """Discover the binding motif a fitted CNN has learned, from its saliency.

    Parameters
    ----------
    estimator : DNACNNClassifier or Pipeline
        A fitted classifier (``X`` one-hot) or a fitted Pipeline ending in one
        (``X`` its own input, usually raw strings).
    X : array-like
        Sequences to search: strings for a Pipeline, one-hot ``(n_samples, L,
        4)`` for a classifier.  Only those the estimator predicts as
        ``target`` are used (see Notes).
    width : int or None, default=None
        Width of the motif.  None finds it: the wide alignment is cut down to
        its informative block (see Notes).
    target : class label, output index or None, default=None
        The class whose motif is wanted; by default the positive class
        ``classes_[1]`` of a binary classifier (required otherwise).  For
        multi-label classification, the label's index (the sequences
        predicted to carry it are used); for a regressor, the output's index
        (the quarter of sequences predicted highest are used; None for a
        single target).
    method : {"gradient", "gradient_x_input", "integrated_gradients"}, \
default="gradient_x_input"
        The attribution of :func:`dnacnn.interpret.saliency`.
    both_strands : bool, default=False
        Let sites lie on either strand (for factors that bind either
        orientation).  With False every site is read on the forward strand.
        With True the motif comes out in either orientation (compare with
        :meth:`Motif.reverse_complement`).
    seed_width : int or None, default=None
        Width of the seed windows and of the alignment before the width is
        chosen; None uses ``max(24, kernel_size + 6)`` for the network's first
        convolution (at most the shortest sequence).  Always at least
        ``width``.
    max_iter : int, default=10
        Rounds of rescanning at each width.
    min_information : float, default=0.3
        Bits a position needs to belong to the motif when ``width`` is None
        (see Notes, 4).
    name : str, default="motif"
        Name of the returned motif.
    batch_size : int, default=512
        Sequences per compiled gradient call.

    Returns
    -------
    motif : Motif
        Counts of the aligned sites, one site per sequence used: ``sites``
        holds the index of the sequence in ``X``, the site's start in that
        sequence (0-based, in the string the Pipeline's encoder received:
        ``X`` itself, or what the steps before the encoder made of it), its
        strand and PWM score.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.
    TypeError
        If the estimator is not a DNACNNClassifier or a Pipeline ending in one.
    ValueError
        If no sequence of ``X`` is predicted as ``target``, ``width`` is larger
        than a sequence, or no position of the alignment reaches
        ``min_information``.

    See Also
    --------
    filter_motifs : The motifs of the first-layer filters.
    dnacnn.interpret.saliency : The attributions used here.

    Notes
    -----
    1. The estimator predicts ``X``; the sequences predicted as ``target``
       are kept (a motif is what makes the network call a sequence bound, so
       negatives and misses would only add noise).
    2. Seeding: in each sequence, the window of ``seed_width // 2`` bases
       with the largest summed attribution (``saliency(..., reduce="sum")``)
       is found, and the ``seed_width`` window centred on it is the seed
       (centring keeps the site in the middle of every seed; the best
       full-width window would put it anywhere).  The counts of the seeds are
       the first motif.  With ``both_strands=True`` the seeds are first
       oriented: the core of the seed with the most attribution is scanned
       over the seeds, on both strands, and refined as in 3 inside them.
    3. Refinement: every sequence is rescanned with the motif's PWM for its
       best window (on both strands with ``both_strands=True``; windows may
       hang off the ends by up to half their width, those positions
       counting as no base, so that a site near an end is still centred),
       the counts are rebuilt from those windows, and this repeats until the
       sites stop changing or for ``max_iter`` rounds.
    4. Width: with ``width=None``, the positions of at least
       ``min_information`` bits are joined into blocks across gaps of up to
       3 less informative positions, and the block with the most
       information is kept (edges below ``min_information`` are thus
       trimmed; if the sites split between two places of the wide window,
       one copy is kept).  With ``width`` given, the ``width`` consecutive
       positions of largest total information are kept.  Every sequence is
       then rescanned at that width, inside the sequences, and refined as in
       3; the sites' scores are those of the final PWM.

    The seed alone is the tutorial's approach (the window of highest
    saliency starts exactly at the motif in about 76% of the primer's
    positives); after refinement it does in all of them with the default
    network (random_state 0 to 4).  The refinement is
    an alignment of recurring sequence (as in MEME): the attributions decide
    where it starts, and which sequences take part.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from dnacnn import DNACNNClassifier, DNAOneHotTransformer
    >>> from dnacnn import make_motif_dataset
    >>> from dnacnn.motifs import discover_motif
    >>> X, y, positions = make_motif_dataset(
    ...     200, 40, return_positions=True, random_state=0
    ... )
    >>> model = make_pipeline(
    ...     DNAOneHotTransformer(),
    ...     DNACNNClassifier(epochs=30, batch_size=32, random_state=0),
    ... ).fit(X, y)
    >>> motif = discover_motif(model, X)
    >>> motif.consensus
    'CGACCGAACTCC'
    >>> found = motif.sites["start"] == positions[motif.sites["sequence"]]
    >>> bool(found.mean() > 0.9)
    True
    """
    if width is not None:
        width = check_int(width, "width", low=1)
    if seed_width is not None:
        seed_width = check_int(seed_width, "seed_width", low=1)
    max_iter = check_int(max_iter, "max_iter", low=1)
    min_information = check_real(min_information, "min_information")
    check_choice(method, "method", interpret.METHODS)
    name = check_name(name)
    resolved = _resolve(estimator, X)
    classifier, X_model = resolved.network, resolved.X
    # strings: the sites are placed in what the Pipeline's encoder received
    strings = resolved.sequences is not None
    if not strings:
        _check_acgt(X_model)
    used, target = target_members(classifier, X_model, target)
    if used.size == 0:
        raise ValueError(
            f"The estimator predicts none of the {len(X_model)} sequences of X "
            f"as target={target!r}; discover_motif needs sequences of that class "
            "(pass more data, or another target)."
        )
    attributions = interpret.saliency(
        classifier, X_model[used], target=target, method=method, batch_size=batch_size
    )
    if strings:  # sites in the strings' own coordinates, bases cut by the encoder too
        onehot, lengths, _ = encode(as_sequence_array(resolved.sequences)[used])
        if resolved.placement is not None:
            attributions = resolved.placement.take(used).align(attributions)
    else:
        onehot = X_model[used]
        lengths = np.full(len(onehot), onehot.shape[1], dtype=np.int64)
    scores = np.zeros(onehot.shape[:2], dtype=np.float64)
    for i, row in enumerate(attributions):
        scores[i, : len(row)] = np.nan_to_num(row)

    if width is not None:
        check_fits(lengths, width, f"width={width}")
    if seed_width is None:
        kernel = int(first_conv(classifier.model_).kernel_size[0])
        seed_width = max(_DEFAULT_SEED_WIDTH, kernel + 6)
        seed_width = min(seed_width, int(lengths.min()))
    else:
        check_fits(lengths, seed_width, f"seed_width={seed_width}")
    seed_width = max(seed_width, width or 1)

    motif = _align_sites(
        onehot,
        lengths,
        scores,
        seed_width=seed_width,
        width=width,
        both_strands=both_strands,
        max_iter=max_iter,
        min_information=min_information,
    )
    sites = motif.sites
    sites["sequence"] = used[sites["sequence"]]
    return Motif(motif.counts, name=name, sites=sites)


def _refine(onehot, lengths, counts, both_strands, max_iter, overhang):
    """Rescan with the PWM of ``counts`` until the sites stop changing."""
    width = counts.shape[0]
    sites = None
    for _ in range(max_iter):
        pwm = Motif(counts).pwm
        new = best_sites(onehot, lengths, pwm, both_strands, overhang)
        counts = window_counts(onehot, new["start"], new["strand"], width)
        changed = sites is None or (
            (new["start"] != sites["start"]).any()
            or (new["strand"] != sites["strand"]).any()
        )
        sites = new
        if not changed:
            break
    return counts, sites


def _orient(onehot, starts, seed_width, core, strength, max_iter):
    """Orient the seed windows (and re-centre them) on the strongest seed.

    The core of the seed with the most attribution is the first motif; the
    seed windows alone are then rescanned on both strands and refined.  The
    new seed windows are centred on the matched cores.
    """
    n = len(starts)
    windows = gather_windows(onehot, starts, np.ones(n, dtype=np.int8), seed_width)
    offset = (seed_width - core) // 2
    counts = windows[int(np.argmax(strength)), offset : offset + core]
    lengths = np.full(n, seed_width, dtype=np.int64)
    _, sites = _refine(windows, lengths, counts, True, max_iter, 0)
    return starts + sites["start"] - offset, sites["strand"]


def _core(information: np.ndarray, min_information: float) -> tuple[int, int]:
    """The block of informative positions with the most information.

    Runs of positions reaching ``min_information`` are joined across gaps of at
    most ``_MAX_GAP`` positions; the run of largest total information wins.
    (A wide alignment can split the sites between two places in the window;
    this keeps one.)  ``(0, 0)`` when no position is informative.
    """
    informative = np.flatnonzero(information >= min_information)
    if informative.size == 0:
        return 0, 0
    breaks = np.flatnonzero(np.diff(informative) > _MAX_GAP + 1)
    firsts = informative[np.concatenate([[0], breaks + 1])]
    lasts = informative[np.concatenate([breaks, [informative.size - 1]])]
    totals = [information[a : b + 1].sum() for a, b in zip(firsts, lasts, strict=True)]
    best = int(np.argmax(totals))
    return int(firsts[best]), int(lasts[best]) + 1


def _align_sites(
    onehot,
    lengths,
    scores,
    *,
    seed_width,
    width,
    both_strands,
    max_iter,
    min_information,
) -> Motif:
    """Seed, refine, choose the width and refine again (see discover_motif)."""
    n = onehot.shape[0]
    # seeds: centred on the window of half the seed width with the most
    # attribution (the best full-width window would put the site anywhere in it)
    core = max(1, seed_width // 2)
    totals = window_scores(scores[..., None], lengths, np.ones((core, 1)))
    starts = totals.argmax(axis=1) - (seed_width - core) // 2
    strands = np.ones(n, dtype=np.int8)
    if both_strands:
        starts, strands = _orient(
            onehot, starts, seed_width, core, totals.max(axis=1), max_iter
        )
    counts = window_counts(onehot, starts, strands, seed_width)
    overhang = _overhang(seed_width)
    counts, sites = _refine(onehot, lengths, counts, both_strands, max_iter, overhang)
    wide = Motif(counts)
    if width is None:
        first, stop = _core(wide.information_content, min_information)
        if first == stop:
            raise ValueError(
                f"No position of the aligned seeds reaches min_information="
                f"{min_information} bits (the most informative has "
                f"{wide.information_content.max():.3g}); the network's "
                "attributions did not align into a motif. Lower min_information, "
                "give width, or check the model's accuracy."
            )
        narrow = wide[first:stop]
    else:
        cumulative = np.concatenate([[0.0], np.cumsum(wide.information_content)])
        first = int(np.argmax(cumulative[width:] - cumulative[:-width]))
        narrow = wide[first : first + width]
    counts, sites = _refine(onehot, lengths, narrow.counts, both_strands, max_iter, 0)
    # score the sites with the final PWM
    windows = gather_windows(onehot, sites["start"], sites["strand"], len(counts))
    sites["score"] = np.einsum("nwc,wc->n", windows, Motif(counts).pwm)
    return Motif(counts, sites=sites)


def filter_motifs(
    estimator,
    X,
    *,
    threshold: float = 0.5,
    min_sites: int = 1,
    batch_size: int = 512,
) -> list[Motif]:
    """The motif of every first-layer convolution filter (DeepBind, Basset).

    Parameters
    ----------
    estimator : DNACNNClassifier or Pipeline
        A fitted classifier (``X`` one-hot) or a fitted Pipeline ending in one
        (``X`` its own input, usually raw strings).
    X : array-like
        Sequences whose windows are collected.
    threshold : float, default=0.5
        A window is a site of a filter when the filter's activation on it
        exceeds ``threshold`` times the filter's largest activation over
        ``X``.
    min_sites : int, default=1
        Filters with fewer sites are left out (a filter whose largest
        activation is not positive has none).
    batch_size : int, default=512
        Sequences per call of the network.

    Returns
    -------
    motifs : list of Motif
        In filter order, named ``filter0``, ``filter1``, ...; each of the
        width of the filters (the kernel size), with the counts of its
        windows and their sites (``score`` is the activation, ``strand``
        +1, or -1 for a window a network reading both strands
        (``strands="both"``) found on the reverse strand, the site then
        read on that strand; ``start`` the window's start in the original
        sequence; with "same" padding a window may start before 0 or end
        after the sequence, those positions counting as no base).

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.
    ValueError
        If the network's first Conv1D layer is strided or dilated, or
        ``threshold`` is not in [0, 1].

    See Also
    --------
    discover_motif : The motif of the whole network, from its saliency.

    Notes
    -----
    The activations are those of the first ``Conv1D`` layer, after its
    activation function, computed for all of ``X`` in batches (and for
    their reverse complements when the network reads both strands).  Positions
    the encoder padded are all zeros and count for no base.

    Examples
    --------
    >>> from dnacnn import DNACNNClassifier, one_hot_encode, make_motif_dataset
    >>> from dnacnn.motifs import filter_motifs
    >>> X, y = make_motif_dataset(200, 30, random_state=0)
    >>> X = one_hot_encode(X)
    >>> clf = DNACNNClassifier(filters=8, kernel_size=12, epochs=30, batch_size=32,
    ...                        random_state=0)
    >>> motifs = filter_motifs(clf.fit(X, y), X)
    >>> [m.name for m in motifs][:3]
    ['filter0', 'filter1', 'filter2']
    >>> motifs[0].width
    12
    >>> motifs[0].sites.dtype.names
    ('sequence', 'start', 'strand', 'score', 'site')
    """
    import keras

    threshold = check_real(threshold, "threshold", low=0.0, high=1.0)
    min_sites = check_int(min_sites, "min_sites", low=1)
    batch_size = check_int(batch_size, "batch_size", low=1)
    resolved = _resolve(estimator, X)
    classifier, X_model, placement = resolved.network, resolved.X, resolved.placement
    _check_acgt(X_model)
    conv = first_conv(classifier.model_)
    if tuple(conv.strides) != (1,) or tuple(conv.dilation_rate) != (1,):
        raise ValueError(
            f"filter_motifs needs a first Conv1D with strides=1 and "
            f"dilation_rate=1, got strides={conv.strides} and dilation_rate="
            f"{conv.dilation_rate}."
        )
    k = int(conv.kernel_size[0])
    # start of the window read by output position 0
    offset = {"same": -((k - 1) // 2), "causal": -(k - 1)}.get(conv.padding, 0)

    submodel = keras.Model(classifier.model_.inputs[0], conv.output)
    # a network reading both strands applies its filters to each strand
    strands = (1, -1) if reads_both_strands(classifier.model_) else (1,)
    L = X_model.shape[1]

    def batches():
        for strand in strands:
            for i in range(0, len(X_model), batch_size):
                x = X_model[i : i + batch_size]
                if strand == -1:  # the reverse complement, as the network reads it
                    x = np.ascontiguousarray(x[:, ::-1, ::-1])
                batch = submodel(x, training=False)
                yield strand, i, keras.ops.convert_to_numpy(batch)

    # pass 1: each filter's largest activation; the activations are kept for
    # pass 2 when they are small, else computed again
    n_filters = int(conv.filters)
    n_out = int(conv.output.shape[1])
    size = len(X_model) * n_out * n_filters * len(strands)
    kept = [] if size <= KEEP_ACTIVATIONS else None
    maxima = np.full(n_filters, -np.inf, dtype=np.float32)
    for strand, i, activations in batches():
        np.maximum(maxima, activations.max(axis=(0, 1)), out=maxima)
        if kept is not None:
            kept.append((strand, i, activations))
    cut = np.where(maxima > 0, threshold * maxima, np.inf)

    # pass 2: the windows above the cut, for all filters at once
    counts = np.zeros((n_filters, k, 4), dtype=np.float64)
    parts = []
    for strand, i, activations in kept if kept is not None else batches():
        row, position, f = np.nonzero(activations > cut)
        starts = position + offset  # on the strand read
        if strand == -1:  # the same window, in forward coordinates
            starts = L - starts - k
        signs = np.full(row.size, strand, np.int8)
        windows = gather_windows(X_model, starts, signs, k, rows=row + i)
        np.add.at(counts, f, windows)
        parts.append(
            (
                f,
                row + i,
                starts,
                signs,
                activations[row, position, f],
                decode_one_hot(windows, padding=None),
            )
        )
    columns = [np.concatenate(column) for column in zip(*parts, strict=True)]
    f, seq, start, strand = columns[:4]
    order = np.lexsort((-strand, start, seq, f))  # filter, sequence, start, + first
    f, seq, start, strand, score, letters = (column[order] for column in columns)
    if placement is not None:
        start = start - placement.offsets[seq]  # the encoder's shift of each sequence
    bounds = np.searchsorted(f, np.arange(n_filters + 1))
    motifs = []
    for index in range(n_filters):
        a, b = bounds[index], bounds[index + 1]
        if b - a < min_sites:
            continue
        sites = np.zeros(b - a, dtype=site_dtype(k))
        sites["sequence"] = seq[a:b]
        sites["start"] = start[a:b]
        sites["strand"] = strand[a:b]
        sites["score"] = score[a:b]
        sites["site"] = letters[a:b]
        motifs.append(Motif(counts[index], name=f"filter{index}", sites=sites))
    return motifs
