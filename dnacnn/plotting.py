"""Figures people look at: training curves, saliency maps and sequence logos.

Each function draws on ``ax`` (a new figure and axes when ``ax`` is None) and
returns the :class:`matplotlib.axes.Axes`. matplotlib, pandas and logomaker
are imported when a function is called; this module never imports
TensorFlow or Keras. For confusion matrices use scikit-learn's
:class:`~sklearn.metrics.ConfusionMatrixDisplay`.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_history", "plot_saliency", "plot_logo"]

_BASES = ("A", "C", "G", "T")
_LOGO_KINDS = ("information", "probability", "weight", "attribution")
_LOGO_YLABELS = {
    "information": "bits",
    "probability": "probability",
    "weight": "weight",
    "attribution": "attribution",
}
#: Longer saliency maps are summarised in at most ``_MAX_BINS`` bins.
_MAX_BARS = 1000
_MAX_BINS = 2000


def _new_axes(figsize: tuple[float, float]) -> Axes:
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


# --------------------------------------------------------------------------
# plot_history
# --------------------------------------------------------------------------


def _history_dict(history: Any, _depth: int = 0) -> Mapping[str, Sequence[float]]:
    """The ``{metric: values per epoch}`` mapping held by ``history``."""
    if isinstance(history, Mapping):
        return history
    if _depth < 5:
        # A fitted estimator (DNACNNClassifier and other scikeras wrappers).
        if hasattr(history, "history_"):
            return _history_dict(history.history_, _depth + 1)
        # keras.callbacks.History (and a fitted keras.Model's ``history``).
        if hasattr(history, "history"):
            return _history_dict(history.history, _depth + 1)
        # A Pipeline: its last step.
        steps = getattr(history, "steps", None)
        if isinstance(steps, list) and steps:
            return _history_dict(steps[-1][-1], _depth + 1)
        # A fitted search (GridSearchCV) refit on the best parameters.
        if hasattr(history, "best_estimator_"):
            return _history_dict(history.best_estimator_, _depth + 1)
    if hasattr(history, "fit"):
        from sklearn.exceptions import NotFittedError

        raise NotFittedError(
            f"{type(history).__name__} has no training history: fit it first "
            "(plot_history reads a fitted estimator's history_ attribute)."
        )
    raise TypeError(
        "history must be a dict of per-epoch metric values, a "
        "keras.callbacks.History, a fitted estimator with a history_ attribute "
        f"or a fitted Pipeline ending in one; got {type(history).__name__}."
    )


def plot_history(
    history: Any,
    *,
    metric: str = "loss",
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Plot a metric over the training epochs, as in the primer tutorial.

    Draws ``metric`` for the training data and, when recorded, for the
    validation data (``"val_" + metric``), against the epoch numbered from 1.

    Parameters
    ----------
    history : dict, keras.callbacks.History, estimator or Pipeline
        The training history: a dict mapping metric names to one value per
        epoch (such as :attr:`DNACNNClassifier.history_`), a
        ``keras.callbacks.History``, a fitted estimator with a ``history_``
        attribute, a fitted Pipeline whose last step has one, or a fitted
        search (e.g. ``GridSearchCV``) whose ``best_estimator_`` is one of these.
    metric : str, default="loss"
        The metric to plot, without the ``"val_"`` prefix, e.g. ``"loss"`` or
        ``"accuracy"``.
    ax : matplotlib.axes.Axes, default=None
        The axes to draw on; a new figure is created when None.
    title : str, default=None
        The axes title; by default ``"model " + metric`` (``"model loss"``,
        ``"model accuracy"``).

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes drawn on, with one line per curve and the legend
        ``["train", "validation"]`` (``["train"]`` without validation).

    Raises
    ------
    ValueError
        If ``metric`` was not recorded (the message lists the recorded keys),
        or its history is empty.
    TypeError
        If ``history`` holds no training history.
    sklearn.exceptions.NotFittedError
        If ``history`` is an estimator that has not been fitted.

    See Also
    --------
    sklearn.metrics.ConfusionMatrixDisplay : The tutorial's confusion matrix.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from dnacnn.plotting import plot_history
    >>> history = {"loss": [0.69, 0.41, 0.20], "val_loss": [0.66, 0.45, 0.31]}
    >>> ax = plot_history(history)
    >>> ax.get_title(), [t.get_text() for t in ax.get_legend().get_texts()]
    ('model loss', ['train', 'validation'])
    >>> ax.lines[1].get_xdata().tolist(), ax.lines[1].get_ydata().tolist()
    ([1, 2, 3], [0.66, 0.45, 0.31])
    >>> plt.close("all")
    """
    from matplotlib.ticker import MaxNLocator

    records = _history_dict(history)
    if not isinstance(metric, str):
        raise TypeError(f"metric must be a str, got {type(metric).__name__}.")
    if metric.startswith("val_") and metric[4:] in records:
        raise ValueError(
            f"metric={metric!r} names a validation curve: pass "
            f"metric={metric[4:]!r}, which draws it with its training curve."
        )
    if metric not in records:
        available = sorted(records)
        close = difflib.get_close_matches(metric, available, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"metric={metric!r} is not in the history; recorded: {available}.{hint}"
        )

    curves = [("train", records[metric])]
    if "val_" + metric in records:
        curves.append(("validation", records["val_" + metric]))

    if ax is None:
        ax = _new_axes((6.4, 4.0))
    for label, values in curves:
        y = np.asarray(values, dtype=float).ravel()
        if y.size == 0:
            name = metric if label == "train" else "val_" + metric
            raise ValueError(f"The history of {name!r} is empty: nothing to plot.")
        ax.plot(np.arange(1, y.size + 1), y, label=label)

    ax.set_title(f"model {metric}" if title is None else title)
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.legend()
    return ax


# --------------------------------------------------------------------------
# plot_saliency
# --------------------------------------------------------------------------


def _is_span(value: Any) -> bool:
    return (
        isinstance(value, Sequence | np.ndarray)
        and not isinstance(value, str)
        and len(value) == 2
        and all(isinstance(v, int | np.integer) for v in value)
    )


def _highlight_spans(highlight: Any, length: int) -> list[tuple[int, int]]:
    """``highlight`` as a list of validated ``(start, stop)`` spans."""
    if highlight is None:
        return []
    spans = [highlight] if _is_span(highlight) else highlight
    if isinstance(spans, str) or not isinstance(spans, Sequence | np.ndarray):
        raise TypeError(
            "highlight must be None, a (start, stop) pair of ints or a list of "
            f"such pairs; got {highlight!r}."
        )
    out = []
    for span in spans:
        if not _is_span(span):
            raise TypeError(
                "highlight must be None, a (start, stop) pair of ints or a list "
                f"of such pairs; got the span {span!r} in {highlight!r}."
            )
        start, stop = int(span[0]), int(span[1])
        if not 0 <= start < stop <= length:
            raise ValueError(
                f"highlight span {(start, stop)!r} is out of range: spans are "
                f"(start, stop), 0-based with stop exclusive, and need "
                f"0 <= start < stop <= {length} (the sequence length)."
            )
        out.append((start, stop))
    return out


def plot_saliency(
    saliency: Any,
    sequence: str,
    *,
    highlight: tuple[int, int] | Sequence[tuple[int, int]] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    color: Any = "C0",
    highlight_color: Any = "C1",
    units: str | None = None,
) -> Axes:
    """Plot a saliency map: one bar per base, as in the primer tutorial.

    Sequences longer than 1,000 bases are summarised (see Notes).

    Parameters
    ----------
    saliency : array-like of shape (L,) or (L, 4)
        One score per base, e.g. one row of :func:`dnacnn.saliency`. Per-channel
        scores of shape ``(L, 4)`` (``reduce=None``) are summed over the
        channels.
    sequence : str
        The sequence of length ``L``; its bases label the bars.
    highlight : (start, stop) or list of (start, stop), default=None
        Spans of bases to highlight (0-based, ``stop`` exclusive), e.g. the
        planted motif: their bars are drawn in ``highlight_color`` over a
        light band of the same color.
    ax : matplotlib.axes.Axes, default=None
        The axes to draw on; a new figure, wider for longer sequences, is
        created when None.
    title : str, default=None
        The axes title; by default ``"Saliency map"``, followed by the
        highlighted spans when there are any.
    color : color, default="C0"
        The color of the bars.
    highlight_color : color, default="C1"
        The color of the highlighted bars and bands.
    units : str, default=None
        What the scores are in, for the y-axis label: ``"logit"`` labels it
        "Saliency (logit units)"; None, "Saliency".  Use the ``output`` given
        to :func:`dnacnn.saliency`.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes drawn on. Up to 1,000 bases, its first container holds the
        ``L`` bars.

    Raises
    ------
    ValueError
        If ``saliency`` has the wrong shape, its length differs from that of
        ``sequence``, or a highlight span is out of range.
    TypeError
        If ``sequence`` is not a str or ``highlight`` is not made of pairs of
        ints.

    Notes
    -----
    Positions (0-based) are marked every 10 bases (a round multiple of 10
    on long sequences). Each bar is labelled by its base where the letters
    fit (about 7 points of width per base: up to ~180 bases on the default
    figure), with the positions then on the top axis; longer sequences are
    labelled by position only, since their bases could not be read.  Above
    1,000 bases, bars could not be told apart and a million of them take many
    minutes to draw: the sequence is cut into at most 2,000 equal bins and
    the band between each bin's smallest and largest score is drawn, with
    the base of the largest ``|saliency|`` marked; the x-axis label gives
    the bin size and that base's position.  This takes about a second
    whatever the length.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from dnacnn.plotting import plot_saliency
    >>> ax = plot_saliency([0.1, 0.9, 0.8, 0.0], "ACGT", highlight=(1, 3))
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['A', 'C', 'G', 'T']
    >>> [float(bar.get_height()) for bar in ax.containers[0]]
    [0.1, 0.9, 0.8, 0.0]
    >>> plt.close("all")
    """
    from matplotlib.colors import to_rgba

    if not isinstance(sequence, str):
        raise TypeError(
            f"sequence must be a str, got {type(sequence).__name__}; pass one "
            "sequence, e.g. sequences[i]."
        )
    values = np.asarray(saliency, dtype=float)
    if values.ndim == 2 and values.shape[1] == len(_BASES):
        values = values.sum(axis=1)
    elif values.ndim != 1:
        raise ValueError(
            f"saliency must have shape (L,) (one score per base) or (L, 4) (one "
            f"per channel, summed here); got shape {values.shape}. For "
            "dnacnn.saliency on several sequences, pass one row: saliency[i]."
        )
    length = len(sequence)
    if values.shape[0] != length:
        raise ValueError(
            f"saliency has {values.shape[0]} scores but the sequence has "
            f"{length} bases; they must be equal."
        )
    spans = _highlight_spans(highlight, length)

    if ax is None:
        ax = _new_axes((min(max(6.0, 0.22 * length + 1.5), 20.0), 4.0))
    ax.set_ylabel("Saliency" if units is None else f"Saliency ({units} units)")
    if length > _MAX_BARS:
        _summarise(ax, values, spans, color, highlight_color)
        ax.set_title(title or f"Saliency map ({length:,} bases, summarised)")
        return ax

    positions = np.arange(length)
    highlighted = np.zeros(length, dtype=bool)
    for start, stop in spans:
        highlighted[start:stop] = True
    normal, marked = to_rgba(color), to_rgba(highlight_color)
    colors = [marked if h else normal for h in highlighted]
    for start, stop in spans:
        ax.axvspan(
            start - 0.5,
            stop - 0.5,
            color=highlight_color,
            alpha=0.15,
            linewidth=0,
            zorder=0,
            label="_highlight",
        )
    ax.bar(positions, values, width=0.8, color=colors, zorder=2)

    step = _position_step(length)
    fontsize = _letter_size(ax, length)
    if fontsize is not None:  # a letter under each bar, positions on top
        ax.set_xticks(positions, list(sequence), fontsize=fontsize)
        ax.set_xlabel("Bases")
        top = ax.secondary_xaxis("top")
        top.set_xticks(np.arange(0, length, step))
        top.tick_params(labelsize=8)
        top.set_xlabel("Position (0-based)", fontsize=8)
    else:  # letters would not be read: positions only
        ax.set_xticks(np.arange(0, length, step))
        ax.set_xlabel("Bases (position, 0-based)")
    ax.set_xlim(-0.5 - 0.3, length - 0.5 + 0.3)
    if title is None:
        title = "Saliency map"
        if spans:
            where = ", ".join(f"{start}-{stop - 1}" for start, stop in spans)
            title += f" (highlighted: bases {where}, 0-based)"
    ax.set_title(title)
    return ax


def _position_step(length: int) -> int:
    """Every 10 bases, or a round multiple of 10 that keeps ~20 ticks at most."""
    for step in (10, 20, 50, 100, 200, 500, 1000):
        if length / step <= 20:
            return step
    return 10 ** len(str(length // 20))


def _letter_size(ax: Axes, length: int) -> float | None:
    """The font size at which a base's letter fits under its bar, or None
    where it would be smaller than 6 points (about 7 points of width each)."""
    width = ax.get_position().width * ax.figure.get_figwidth() * 72  # points
    per_base = width / length
    if per_base < 7:
        return None
    return min(10.0, per_base * 0.9)


def _summarise(ax: Axes, values: np.ndarray, spans, color, highlight_color) -> None:
    """A long saliency map as the band of each bin's smallest to largest score."""
    from matplotlib.ticker import MaxNLocator

    length = len(values)
    n_bins = min(length, _MAX_BINS)
    edges = np.linspace(0, length, n_bins + 1).astype(np.int64)
    starts = edges[:-1]
    with np.errstate(invalid="ignore"):
        high = np.maximum.reduceat(values, starts)
        low = np.minimum.reduceat(values, starts)
    for start, stop in spans:
        ax.axvspan(start, stop, color=highlight_color, alpha=0.15, linewidth=0)
    low, high = np.append(low, low[-1]), np.append(high, high[-1])  # to the end
    ax.fill_between(edges, low, high, step="post", color=color, edgecolor=color)
    ax.axhline(0, color="0.6", linewidth=0.5, zorder=0)
    where = ""
    if not np.isnan(values).all():
        top = int(np.nanargmax(np.abs(values)))
        ax.plot([top], [values[top]], "v", color=highlight_color, markersize=6)
        where = f"; top |saliency| at base {top:,}, marked"
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, length)
    ax.set_xlabel(
        f"Bases (position, 0-based; {length:,} bases: the smallest and largest "
        f"score of each {length / n_bins:,.0f}-base bin{where})"
    )


# --------------------------------------------------------------------------
# plot_logo
# --------------------------------------------------------------------------


def _logo_matrix(motif: Any) -> tuple[np.ndarray, bool]:
    """The (w, 4) matrix to draw and whether it came from a ``.pfm``."""
    is_motif = hasattr(motif, "pfm")
    raw = motif.pfm if is_motif else motif
    if hasattr(raw, "columns") and set(_BASES) <= {str(c) for c in raw.columns}:
        raw = raw[[c for b in _BASES for c in raw.columns if str(c) == b]]
    try:
        matrix = np.asarray(raw, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            "motif must be an object with a pfm attribute (such as "
            "dnacnn.Motif) or a numeric array of shape (width, 4); got "
            f"{type(motif).__name__}."
        ) from exc
    what = "motif.pfm" if is_motif else "motif"
    if matrix.ndim != 2 or matrix.shape[1] != len(_BASES) or matrix.shape[0] == 0:
        raise ValueError(
            f"{what} must have shape (width, 4), columns A, C, G, T; got shape "
            f"{matrix.shape}."
        )
    if not np.isfinite(matrix).all():
        raise ValueError(f"{what} holds NaN or infinite values.")
    return matrix, is_motif


def _check_frequencies(matrix: np.ndarray, what: str, kind: str) -> np.ndarray:
    if (matrix < 0).any():
        row = int(np.argwhere(matrix < 0)[0, 0])
        raise ValueError(
            f"kind={kind!r} needs base frequencies, but row {row} (0-based) of "
            f"{what} has a negative value: {matrix[row].tolist()}. Use "
            "kind='attribution' to draw a matrix as given."
        )
    sums = matrix.sum(axis=1)
    bad = np.flatnonzero(~np.isclose(sums, 1.0, atol=1e-3))
    if bad.size:
        raise ValueError(
            f"kind={kind!r} needs base frequencies whose rows sum to 1, but row "
            f"{int(bad[0])} (0-based) of {what} sums to {sums[bad[0]]:.4g}. "
            "Normalize the rows, or use kind='attribution' to draw a matrix as "
            "given."
        )
    return matrix / sums[:, np.newaxis]


def plot_logo(
    motif: Any,
    *,
    kind: str = "information",
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Draw a sequence logo with logomaker.

    Parameters
    ----------
    motif : Motif or array-like of shape (width, 4)
        An object with a ``pfm`` attribute holding base frequencies of shape
        ``(width, 4)`` (such as :class:`dnacnn.Motif`; its ``name`` is the
        default title), or a matrix of shape ``(width, 4)``, columns A, C, G, T
        (a DataFrame with columns A, C, G, T is reordered to that order).
    kind : {"information", "probability", "weight", "attribution"}, \
default="information"
        What the letter heights show:

        - ``"information"``: base frequencies converted to information
          content in bits (0 to 2; a certain base is 2 bits high, a uniform
          position is empty). Rows must be non-negative and sum to 1.
        - ``"probability"``: the base frequencies themselves (same checks).
        - ``"weight"``: a weight matrix (e.g. log-odds scores) drawn as
          given, negative values below the axis.
        - ``"attribution"``: an attribution matrix drawn as given, negative
          values below the axis, e.g. the per-channel saliency of one
          sequence, shape ``(L, 4)`` (:func:`dnacnn.saliency` with
          ``reduce=None``).

        A motif object's ``pfm`` holds frequencies: draw it as
        ``"information"`` or ``"probability"``.
    ax : matplotlib.axes.Axes, default=None
        The axes to draw on; a new figure is created when None.
    title : str, default=None
        The axes title; by default the motif's ``name`` (and ``consensus``)
        when it has one, else ``"Sequence logo"``.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes drawn on: one glyph patch per base with a non-zero height,
        positions numbered from 0 on the x axis.

    Raises
    ------
    ValueError
        If ``kind`` is unknown, the matrix is not of shape ``(width, 4)``, or
        it is not a frequency matrix where ``kind`` needs one.
    TypeError
        If ``motif`` is neither an object with ``pfm`` nor numeric.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from dnacnn.plotting import plot_logo
    >>> pfm = np.array([[1.0, 0, 0, 0], [0.25, 0.25, 0.25, 0.25], [0, 0, 0.5, 0.5]])
    >>> ax = plot_logo(pfm)
    >>> ax.get_ylabel(), ax.get_ylim() == (0, 2)
    ('bits', True)
    >>> [round(float(p.get_path().get_extents().height), 2) for p in ax.patches]
    [2.0, 0.5, 0.5]
    >>> plt.close("all")
    """
    if kind not in _LOGO_KINDS:
        raise ValueError(
            f"kind={kind!r} is not a logo kind; allowed: "
            f"{', '.join(repr(k) for k in _LOGO_KINDS)}."
        )
    matrix, is_motif = _logo_matrix(motif)
    what = "motif.pfm" if is_motif else "motif"
    if is_motif and kind in ("weight", "attribution"):
        raise ValueError(
            f"kind={kind!r} draws a {kind} matrix as given, but motif.pfm holds "
            "base frequencies: use kind='information' or 'probability', or pass "
            f"the {kind} matrix itself."
        )

    import logomaker

    if kind in ("information", "probability"):
        matrix = _check_frequencies(matrix, what, kind)
    frame = _frame(matrix)
    if kind == "information":
        frame = logomaker.transform_matrix(
            frame, from_type="probability", to_type="information"
        )

    width = matrix.shape[0]
    if ax is None:
        ax = _new_axes((min(max(3.0, 0.45 * width + 1.2), 20.0), 2.6))
    with warnings.catch_warnings():
        # An all-zero logo (e.g. uniform frequencies in bits): its y limits
        # are set below.
        warnings.filterwarnings(
            "ignore", message="Attempting to set identical", category=UserWarning
        )
        logomaker.Logo(frame, ax=ax, color_scheme="classic")

    if kind == "information":
        ax.set_ylim(0.0, 2.0)
    elif kind == "probability":
        ax.set_ylim(0.0, 1.0)
    else:  # values as given: leave room above and below the tallest glyphs
        low, high = ax.get_ylim()
        pad = 0.05 * (high - low)
        ax.set_ylim(low - pad if low < 0 else low, high + pad)
    if width <= 30:
        ax.set_xticks(np.arange(width))
    else:
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("position")
    ax.set_ylabel(_LOGO_YLABELS[kind])
    if title is None:
        name, consensus = (
            (_str_attr(motif, "name"), _str_attr(motif, "consensus"))
            if is_motif
            else (None, None)
        )
        if name and consensus and consensus != name:
            title = f"{name} ({consensus})"
        else:
            title = name or consensus or "Sequence logo"
    ax.set_title(title)
    return ax


def _str_attr(obj: Any, attr: str) -> str | None:
    value = getattr(obj, attr, None)
    return value if isinstance(value, str) and value else None


def _frame(matrix: np.ndarray):
    import pandas as pd

    frame = pd.DataFrame(matrix, columns=list(_BASES))
    frame.index.name = "pos"
    return frame
