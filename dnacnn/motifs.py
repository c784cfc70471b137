"""DNA motifs from a CNN's attributions and first-layer filters; MEME files.

A :class:`Motif` is a count (or frequency) matrix over A, C, G, T with the
aligned sites it came from.  :func:`discover_motif` finds the binding motif a
fitted CNN has learned by aligning the windows its saliency points at;
:func:`filter_motifs` turns every first-layer convolution filter into the
motif of the windows that activate it (as DeepBind and Basset do).
:func:`write_meme` and :func:`read_meme` exchange motifs with the MEME Suite
(FIMO, Tomtom, ...) in its minimal motif format.

Scanning is vectorized: the windows of all sequences are read as strided views
of one one-hot array and scored with one matrix product per chunk of
sequences.
"""

from __future__ import annotations

import os
import re
from numbers import Integral, Real

import numpy as np
from sklearn.utils import _safe_indexing

from ._fitted import resolve, target_indices
from ._sequences import as_sequence_array
from .models import first_conv
from .preprocessing import (
    decode_one_hot,
    one_hot_encode,
    reverse_complement,
)

__all__ = ["Motif", "discover_motif", "filter_motifs", "read_meme", "write_meme"]

_BASES = "ACGT"
# Window elements (windows x width x 4) scored per chunk of sequences.
_CHUNK_ELEMENTS = 1 << 22
# Seed width of discover_motif when the network's filters do not suggest one.
_DEFAULT_SEED_WIDTH = 24
# Uninformative positions a motif may have inside (see _core).
_MAX_GAP = 3
# Largest number of first-layer activations filter_motifs keeps in memory.
_KEEP_ACTIVATIONS = 1 << 25


def _overhang(seed_width: int) -> int:
    """How far the wide windows of discover_motif may hang off a sequence."""
    return (seed_width + 1) // 2


# --------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------
def _check_real(value, name: str, *, low: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}.")
    value = float(value)
    if not np.isfinite(value) or (low is not None and value < low):
        bound = "" if low is None else f" >= {low}"
        raise ValueError(f"{name} must be a finite number{bound}, got {value!r}.")
    return value


def _check_int(value, name: str, *, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}.")
    if value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")
    return int(value)


def _check_name(name) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}.")
    if not name or any(c.isspace() for c in name):
        raise ValueError(
            f"name must be a non-empty string without whitespace (it becomes a "
            f"MEME motif identifier), got {name!r}."
        )
    return name


def _check_matrix(counts, what: str = "counts") -> np.ndarray:
    try:
        matrix = np.array(counts, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{what} must be a numeric array-like of shape (width, 4), got "
            f"{type(counts).__name__}."
        ) from exc
    if matrix.ndim != 2 or matrix.shape[1] != 4 or matrix.shape[0] == 0:
        raise ValueError(
            f"{what} must have shape (width, 4) with width >= 1 (columns A, C, G, "
            f"T), got shape {matrix.shape}."
        )
    bad = ~np.isfinite(matrix) | (matrix < 0)
    if bad.any():
        row, col = map(int, np.argwhere(bad)[0])
        value = float(matrix[row, col])
        raise ValueError(
            f"{what} must be finite and non-negative; got {value!r} at position "
            f"{row}, base {_BASES[col]} (0-based)."
        )
    return matrix


def _check_background(background) -> np.ndarray:
    if background is None:
        return np.full(4, 0.25)
    bg = np.array(background, dtype=np.float64)
    if bg.shape != (4,) or not np.isfinite(bg).all() or (bg <= 0).any():
        raise ValueError(
            "background must be 4 positive frequencies of A, C, G, T, got "
            f"{background!r}."
        )
    if abs(bg.sum() - 1) > 1e-3:
        raise ValueError(
            f"background frequencies must sum to 1, got {background!r} "
            f"(sum {bg.sum():.6g})."
        )
    return bg / bg.sum()


def _site_dtype(width: int) -> np.dtype:
    return np.dtype(
        [
            ("sequence", np.int64),
            ("start", np.int64),
            ("strand", np.int8),
            ("score", np.float64),
            ("site", f"U{width}"),
        ]
    )


def _as_sites(sites, width: int) -> np.ndarray | None:
    """Structured array of sites from a structured array or (seq, start, strand…)."""
    if sites is None:
        return None
    dtype = _site_dtype(width)
    if isinstance(sites, np.ndarray) and sites.dtype.names is not None:
        missing = {"sequence", "start", "strand"} - set(sites.dtype.names)
        if missing:
            raise ValueError(
                f"sites must have the fields sequence, start and strand; "
                f"missing {sorted(missing)}."
            )
        out = np.zeros(sites.shape[0], dtype=dtype)
        out["score"] = np.nan
        for field in dtype.names:
            if field in sites.dtype.names:
                out[field] = sites[field]
    else:
        rows = list(sites)
        out = np.zeros(len(rows), dtype=dtype)
        out["score"] = np.nan
        for i, row in enumerate(rows):
            if isinstance(row, str) or not 3 <= len(row) <= 5:
                raise ValueError(
                    f"Site {i} is {row!r}; a site is (sequence, start, strand) "
                    "optionally followed by score and site string."
                )
            out[i] = tuple(row) + tuple(out[i])[len(row) :]
    bad = ~np.isin(out["strand"], (1, -1))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"Site {i} has strand {int(out['strand'][i])}; strands are +1 or -1."
        )
    if (out["sequence"] < 0).any():
        i = int(np.flatnonzero(out["sequence"] < 0)[0])
        raise ValueError(f"Site {i} has a negative sequence index.")
    lengths = np.char.str_len(out["site"])
    bad = (lengths != 0) & (lengths != width)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"Site {i} is the string {str(out['site'][i])!r} of length {lengths[i]}, "
            f"but the motif is {width} bases wide."
        )
    return out


# --------------------------------------------------------------------------
# the motif
# --------------------------------------------------------------------------
class Motif:
    """A DNA motif: a count or frequency matrix over A, C, G, T, and its sites.

    Parameters
    ----------
    counts : array-like of shape (width, 4)
        Non-negative counts (or frequencies) of A, C, G, T at each position of
        the motif.  Counts (each row summing to the number of sites) keep the
        pseudocount small next to the data; frequencies work too.
    name : str, default="motif"
        Identifier, without whitespace (it becomes the MEME ``MOTIF`` name).
    sites : structured ndarray, iterable of tuples or None, default=None
        The aligned sites the counts came from, as ``(sequence, start,
        strand)`` tuples, optionally followed by ``score`` and ``site`` (the
        site's string read on the motif's strand), or a structured array with
        those fields.  ``start`` is where the site begins on the given
        sequence's forward strand (the site covers ``seq[start:start +
        width]`` whatever its strand); ``strand`` is +1 when the forward
        strand reads the motif, -1 when its reverse complement does.
    background : array-like of shape (4,) or None, default=None
        Background frequencies of A, C, G, T; None is uniform (0.25 each).
    pseudocount : float, default=0.1
        Added to the counts of :attr:`pwm`, spread over the bases by the
        background (MEME Suite's convention, as FIMO's ``--motif-pseudo``).

    Attributes
    ----------
    counts : ndarray of shape (width, 4)
        The matrix, as float64 (read-only).
    name : str
        The identifier.
    sites : structured ndarray of shape (n_sites,) or None
        Fields ``sequence`` (int64), ``start`` (int64), ``strand`` (int8: +1
        or -1), ``score`` (float64: the PWM score or filter activation, NaN
        when unknown) and ``site`` (str of the motif's width; empty when
        unknown).
    background : ndarray of shape (4,)
        Background frequencies.
    pseudocount : float
        The pseudocount of :attr:`pwm`.

    See Also
    --------
    discover_motif : The motif of a fitted CNN, from its saliency.
    filter_motifs : The motifs of a CNN's first-layer filters.
    read_meme, write_meme : MEME minimal motif format.

    Examples
    --------
    >>> from dnacnn.motifs import Motif
    >>> motif = Motif.from_sequences(["TACGA", "TACGT", "AACGA", "TACCA"])
    >>> motif
    Motif(name='motif', consensus='TACGA', width=5, nsites=4)
    >>> motif.pfm[0]
    array([0.25, 0.  , 0.  , 0.75])
    >>> motif.information_content.round(2)
    array([1.19, 2.  , 2.  , 1.19, 1.19])
    >>> motif.reverse_complement().consensus
    'TCGTA'
    >>> hits = motif.scan(["GGGGTACGAGG", "CCTCGTACCC"])
    >>> hits[["start", "strand"]].tolist()
    [(4, 1), (2, -1)]
    """

    def __init__(
        self,
        counts,
        *,
        name: str = "motif",
        sites=None,
        background=None,
        pseudocount: float = 0.1,
    ):
        counts = _check_matrix(counts)
        counts.flags.writeable = False
        self.counts = counts
        self.name = _check_name(name)
        self.background = _check_background(background)
        self.pseudocount = _check_real(pseudocount, "pseudocount", low=0.0)
        self.sites = _as_sites(sites, counts.shape[0])

    @classmethod
    def from_sequences(cls, sequences, **kwargs) -> Motif:
        """The motif of aligned sites given as strings of equal length.

        Parameters
        ----------
        sequences : array-like of str
            The aligned sites; ``N`` and other ambiguity codes count for no
            base.
        **kwargs
            ``name``, ``background``, ``pseudocount``, as in :class:`Motif`.

        Returns
        -------
        motif : Motif
            Its ``counts`` are the base counts of each column.

        Examples
        --------
        >>> from dnacnn.motifs import Motif
        >>> Motif.from_sequences(["ACG", "ACT"]).counts
        array([[2., 0., 0., 0.],
               [0., 2., 0., 0.],
               [0., 0., 1., 1.]])
        """
        onehot, lengths, _ = _encode(sequences, single_ok=False)
        if (lengths != lengths[0]).any():
            i = int(np.flatnonzero(lengths != lengths[0])[0])
            raise ValueError(
                f"Aligned sites must have equal lengths: sequence 0 has "
                f"{lengths[0]} bases, sequence {i} has {lengths[i]}."
            )
        return cls(onehot.sum(axis=0, dtype=np.float64), **kwargs)

    # ------------------------------------------------------------ matrices
    @property
    def width(self) -> int:
        """Number of positions."""
        return self.counts.shape[0]

    def __len__(self) -> int:
        return self.width

    @property
    def nsites(self) -> float:
        """Number of sites: ``len(sites)``, else the largest row total of counts."""
        if self.sites is not None:
            return len(self.sites)
        total = float(self.counts.sum(axis=1).max())
        return round(total) if abs(total - round(total)) < 1e-9 * total else total

    @property
    def pfm(self) -> np.ndarray:
        """Position frequency matrix ``(width, 4)``: each row sums to 1.

        A row without counts is the background.
        """
        totals = self.counts.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            pfm = self.counts / totals
        return np.where(totals > 0, pfm, self.background)

    @property
    def pwm(self) -> np.ndarray:
        """Position weight matrix ``(width, 4)``: log2-odds against the background.

        ``log2(p / background)`` with ``p = (counts + pseudocount *
        background) / (row total + pseudocount)``.
        """
        totals = self.counts.sum(axis=1, keepdims=True)
        p = (self.counts + self.pseudocount * self.background) / (
            totals + self.pseudocount
        )
        with np.errstate(divide="ignore"):
            return np.log2(p / self.background)

    @property
    def information_content(self) -> np.ndarray:
        """Information of each position in bits, shape ``(width,)``.

        The relative entropy of the PFM (without pseudocount) against the
        background: 2 bits for a fully conserved position on a uniform
        background, 0 for a position at the background's frequencies.
        """
        pfm = self.pfm
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(pfm > 0, pfm * np.log2(pfm / self.background), 0.0)
        return terms.sum(axis=1)

    @property
    def consensus(self) -> str:
        """The most frequent base at each position (the first of A, C, G, T on ties)."""
        return "".join(np.array(list(_BASES))[self.pfm.argmax(axis=1)])

    def __repr__(self) -> str:
        return (
            f"Motif(name={self.name!r}, consensus={self.consensus!r}, "
            f"width={self.width}, nsites={self.nsites})"
        )

    # ------------------------------------------------------------ editing
    def _replace(self, counts, sites, **changes) -> Motif:
        params = {
            "name": self.name,
            "background": self.background,
            "pseudocount": self.pseudocount,
            "sites": sites,
            **changes,
        }
        return type(self)(counts, **params)

    def reverse_complement(self) -> Motif:
        """The motif of the other strand.

        Rows are reversed and A<->T, C<->G swapped (background too); sites
        keep their start and change strand, and their strings are reverse
        complemented.

        Returns
        -------
        motif : Motif
            A new motif with the same name.

        Examples
        --------
        >>> from dnacnn.motifs import Motif
        >>> Motif.from_sequences(["AAC"]).reverse_complement().consensus
        'GTT'
        """
        sites = None
        if self.sites is not None:
            sites = self.sites.copy()
            sites["strand"] = -sites["strand"]
            sites["site"] = reverse_complement(sites["site"].tolist())
        return self._replace(
            self.counts[::-1, ::-1], sites, background=self.background[::-1]
        )

    def _slice(self, first: int, stop: int) -> Motif:
        """Positions ``first:stop``, sites moved to match (their scores dropped)."""
        sites = None
        if self.sites is not None:
            old = self.sites
            sites = np.zeros(len(old), dtype=_site_dtype(stop - first))
            for field in ("sequence", "strand"):
                sites[field] = old[field]
            sites["start"] = np.where(
                old["strand"] == 1,
                old["start"] + first,
                old["start"] + self.width - stop,
            )
            sites["score"] = np.nan
            sites["site"] = [s[first:stop] for s in old["site"].tolist()]
        return self._replace(self.counts[first:stop], sites)

    def trim(self, min_information: float = 0.3) -> Motif:
        """Drop the edge positions that carry less than ``min_information`` bits.

        Parameters
        ----------
        min_information : float, default=0.3
            Positions are removed from both ends while their
            :attr:`information_content` is below this; inner positions stay.

        Returns
        -------
        motif : Motif
            The trimmed motif; its sites move with it (their ``score`` becomes
            NaN, since it was computed for the untrimmed motif).

        Raises
        ------
        ValueError
            If no position reaches ``min_information``.

        Examples
        --------
        >>> from dnacnn.motifs import Motif
        >>> motif = Motif.from_sequences(["ACGTA", "TCGAC", "GCGCT", "CCGGG"])
        >>> motif.trim().consensus
        'CG'
        """
        min_information = _check_real(min_information, "min_information")
        ic = self.information_content
        keep = np.flatnonzero(ic >= min_information)
        if keep.size == 0:
            raise ValueError(
                f"No position of motif {self.name!r} reaches min_information="
                f"{min_information} bits (the most informative has "
                f"{ic.max():.3g} bits); lower min_information."
            )
        return self._slice(int(keep[0]), int(keep[-1]) + 1)

    # ------------------------------------------------------------ scanning
    def score(self, X, *, strand="+") -> np.ndarray:
        """Log-odds score of every window of every sequence on one strand.

        Parameters
        ----------
        X : str, array-like of str, or ndarray of shape (n_samples, L, 4) or (L, 4)
            Sequences (any case; ``N`` and ambiguity codes score 0), or their
            one-hot encoding (channels A, C, G, T; all-zero positions score 0).
        strand : {"+", "-"} or {1, -1}, default="+"
            ``"-"`` scores the reverse complement of each window (the window
            starting at ``j`` is still ``seq[j:j + width]``).

        Returns
        -------
        scores : ndarray of shape (n_samples, L - width + 1), or (L - width + 1,)
            float64 sums of the PWM over each window; for strings of
            different lengths ``L`` is the longest and the windows that do
            not fit into a sequence are ``-inf``.

        Examples
        --------
        >>> from dnacnn.motifs import Motif
        >>> motif = Motif.from_sequences(["AC"])
        >>> motif.score("AACA").round(2)
        array([-1.56,  3.8 , -6.92])
        """
        if strand in ("+", 1):
            pwm = self.pwm
        elif strand in ("-", -1):
            pwm = self.pwm[::-1, ::-1]
        else:
            raise ValueError(f"strand must be '+' or '-', got {strand!r}.")
        onehot, lengths, single = _encode(X)
        _check_fits(lengths, self.width, "the motif")
        scores = _window_scores(onehot, lengths, pwm)
        return scores[0] if single else scores

    def scan(self, X, *, both_strands: bool = True) -> np.ndarray:
        """The best-scoring window of each sequence.

        Parameters
        ----------
        X : str, array-like of str, or ndarray of shape (n_samples, L, 4) or (L, 4)
            Sequences or their one-hot encoding, as in :meth:`score`.
        both_strands : bool, default=True
            Also consider the reverse complement of every window.  Ties go to
            the forward strand, then to the leftmost window.

        Returns
        -------
        hits : structured ndarray of shape (n_samples,)
            One row per sequence, with the fields of :attr:`sites`:
            ``sequence`` (index in ``X``), ``start``, ``strand``, ``score``
            and ``site`` (the window, read on its strand; ``N`` for all-zero
            positions).

        Examples
        --------
        >>> from dnacnn.motifs import Motif
        >>> motif = Motif.from_sequences(["GATTACA"])
        >>> hit = motif.scan(["CCCTGTAATCCC"])[0]
        >>> int(hit["start"]), int(hit["strand"]), str(hit["site"])
        (3, -1, 'GATTACA')
        """
        onehot, lengths, _ = _encode(X)
        _check_fits(lengths, self.width, "the motif")
        return _best_sites(onehot, lengths, self.pwm, both_strands)

    # ------------------------------------------------------------ MEME
    def to_meme(self) -> str:
        """This motif as a MEME minimal-format text; see :func:`write_meme`."""
        return write_meme([self])


# --------------------------------------------------------------------------
# vectorized scanning helpers
# --------------------------------------------------------------------------
def _encode(X, *, single_ok: bool = True):
    """(one-hot float32 (n, L, 4), lengths (n,), single) of strings or one-hot."""
    if isinstance(X, str | bytes):
        if not single_ok:
            raise TypeError("Expected an array-like of sequences, got one string.")
        onehot, lengths = one_hot_encode([X], handle_unknown="ignore"), [len(X)]
        return onehot, np.asarray(lengths, dtype=np.int64), True
    if isinstance(X, np.ndarray) and X.dtype.kind in "fiub":
        single = X.ndim == 2
        onehot = X[None] if single else X
        if onehot.ndim != 3 or onehot.shape[-1] != 4:
            raise ValueError(
                "Expected one-hot sequences of shape (n_samples, L, 4) or (L, 4) "
                f"(channels A, C, G, T), got shape {X.shape}."
            )
        if single and not single_ok:
            raise ValueError("Expected several sequences, got one.")
        lengths = np.full(onehot.shape[0], onehot.shape[1], dtype=np.int64)
        return onehot.astype(np.float32, copy=False), lengths, single
    seqs = as_sequence_array(X)
    onehot = one_hot_encode(seqs, handle_unknown="ignore", padding="right")
    lengths = np.fromiter(map(len, seqs), dtype=np.int64, count=len(seqs))
    return onehot, lengths, False


def _check_fits(lengths: np.ndarray, width: int, what: str) -> None:
    if lengths.size and lengths.min() < width:
        i = int(np.argmin(lengths))
        raise ValueError(
            f"Sequence {i} has {int(lengths[i])} bases, fewer than the width of "
            f"{what} ({width})."
        )


def _window_scores(onehot, lengths, pwm, overhang: int = 0) -> np.ndarray:
    """Sum of ``pwm`` over every window; windows may hang ``overhang`` off each end.

    Returns ``(n, L + 2 * overhang - w + 1)``; the window at column ``j``
    starts at ``j - overhang``.  Windows outside ``[-overhang, length - w +
    overhang]`` are ``-inf``.
    """
    n, L, _ = onehot.shape
    w = pwm.shape[0]
    if overhang:
        onehot = np.pad(onehot, ((0, 0), (overhang, overhang), (0, 0)))
    n_windows = L + 2 * overhang - w + 1
    weights = np.ascontiguousarray(pwm.T, dtype=np.float64)  # (4, w)
    weights = np.where(np.isfinite(weights), weights, -1e9)
    scores = np.empty((n, n_windows), dtype=np.float64)
    per_chunk = max(1, _CHUNK_ELEMENTS // max(1, n_windows * w * 4))
    for start in range(0, n, per_chunk):
        chunk = onehot[start : start + per_chunk]
        windows = np.lib.stride_tricks.sliding_window_view(chunk, w, axis=1)
        # windows: (chunk, n_windows, 4, w)
        scores[start : start + per_chunk] = np.tensordot(
            windows, weights, axes=([2, 3], [0, 1])
        )
    last = lengths - w + overhang  # last allowed start
    starts = np.arange(n_windows) - overhang
    scores[starts[None, :] > last[:, None]] = -np.inf
    return scores


def _best_sites(onehot, lengths, pwm, both_strands, overhang: int = 0):
    """The best window of every sequence as a site array (vectorized)."""
    n = onehot.shape[0]
    w = pwm.shape[0]
    strands = [_window_scores(onehot, lengths, pwm, overhang)]
    if both_strands:
        strands.append(_window_scores(onehot, lengths, pwm[::-1, ::-1], overhang))
    scores = np.stack(strands, axis=1)  # (n, n_strands, n_windows)
    flat = scores.reshape(n, -1).argmax(axis=1)
    which, column = np.divmod(flat, scores.shape[2])
    sites = np.zeros(n, dtype=_site_dtype(w))
    sites["sequence"] = np.arange(n)
    sites["start"] = column - overhang
    sites["strand"] = np.where(which == 0, 1, -1)
    sites["score"] = scores[np.arange(n), which, column]
    sites["site"] = _site_strings(onehot, sites["start"], sites["strand"], w)
    return sites


def _gather_windows(onehot, starts, strands, width, rows=None) -> np.ndarray:
    """Windows ``(len(starts), width, 4)`` read on their strand; zeros off the ends.

    Window ``i`` is read from sequence ``rows[i]`` (default: ``i``).
    """
    L = onehot.shape[1]
    if rows is None:
        rows = np.arange(len(starts))
    positions = starts[:, None] + np.arange(width)
    inside = (positions >= 0) & (positions < L)
    windows = onehot[rows[:, None], np.clip(positions, 0, L - 1)]
    windows *= inside[..., None]
    minus = strands == -1
    windows[minus] = windows[minus, ::-1, ::-1]
    return windows


def _site_strings(onehot, starts, strands, width) -> np.ndarray:
    windows = _gather_windows(onehot, starts, strands, width)
    return decode_one_hot(windows, padding=None)  # N for all-zero positions


def _counts(onehot, starts, strands, width) -> np.ndarray:
    return _gather_windows(onehot, starts, strands, width).sum(axis=0, dtype=np.float64)


# --------------------------------------------------------------------------
# estimators
# --------------------------------------------------------------------------
def _resolve(estimator, X):
    """interpret's resolution: (classifier, one-hot float32 X, placement or None).

    ``placement`` is ``(lengths, shifts, L)`` when the Pipeline's encoder
    padded or cut the sequences (see :func:`dnacnn.interpret._placement`).
    """
    # a misshapen one-hot X: name the shapes (the classifier counts "features")
    shape, expected = getattr(X, "shape", ()), getattr(estimator, "input_shape_", None)
    if expected is not None and len(shape) == 3 and shape[1:] != tuple(expected):
        raise ValueError(
            f"The classifier was fitted on sequences of shape {tuple(expected)}, "
            f"got {shape[1:]}."
        )
    resolved = resolve(estimator, X)
    return resolved.network, resolved.X, resolved.placement


def _check_acgt(X_model) -> None:
    """Windows are read from ``X_model``: its channels must be A, C, G, T."""
    if X_model.shape[-1] != 4:
        raise ValueError(
            "Motifs need one-hot sequences of shape (n_samples, L, 4) (channels "
            f"A, C, G, T), but the network takes shape {X_model.shape[1:]}."
        )


def _is_strings(X) -> bool:
    if isinstance(X, np.ndarray):
        return X.dtype.kind in "USO"
    return True  # lists, Series: the encoder validates the entries


def _target_label(classifier, target):
    """The class whose motif is wanted: interpret's check; required beyond 2."""
    classes = np.asarray(classifier.classes_).tolist()
    if target is None and len(classes) != 2:
        raise ValueError(
            f"target is required with {len(classes)} classes; pass one of {classes!r}."
        )
    [index] = target_indices(classifier, [None], target)  # one dummy sample
    return classes[index]


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
    target : class label or None, default=None
        The class whose motif is wanted; by default the positive class
        ``classes_[1]`` of a binary classifier (required otherwise).
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
        sequence (0-based, in the original string), its strand and PWM score.

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
    >>> X, y, positions = make_motif_dataset(200, 40, random_state=0)
    >>> model = make_pipeline(
    ...     DNAOneHotTransformer(), DNACNNClassifier(epochs=30, random_state=0)
    ... ).fit(X, y)
    >>> motif = discover_motif(model, X)
    >>> motif.consensus
    'CGACCGAACTCC'
    >>> found = motif.sites["start"] == positions[motif.sites["sequence"]]
    >>> bool(found.mean() > 0.9)
    True
    """
    from .interpret import saliency

    classifier, X_model, placement = _resolve(estimator, X)
    strings = hasattr(estimator, "steps") and _is_strings(X)
    if not strings:
        _check_acgt(X_model)
    if width is not None:
        width = _check_int(width, "width", low=1)
    if seed_width is not None:
        seed_width = _check_int(seed_width, "seed_width", low=1)
    max_iter = _check_int(max_iter, "max_iter", low=1)
    min_information = _check_real(min_information, "min_information")
    name = _check_name(name)
    target = _target_label(classifier, target)

    predicted = np.asarray(classifier.predict(X_model))
    used = np.flatnonzero(predicted == target)
    if used.size == 0:
        raise ValueError(
            f"The estimator predicts none of the {len(predicted)} sequences of X "
            f"as target={target!r}; discover_motif needs sequences of that class "
            "(pass more data, or another target)."
        )
    attributions = saliency(
        classifier, X_model[used], target=target, method=method, batch_size=batch_size
    )
    if strings:  # sites in the strings' own coordinates, bases cut by the encoder too
        onehot, lengths, _ = _encode(_safe_indexing(X, used))
        if placement is not None:
            attributions = placement.take(used).align(attributions)
    else:
        onehot = X_model[used]
        lengths = np.full(len(onehot), onehot.shape[1], dtype=np.int64)
    scores = np.zeros(onehot.shape[:2], dtype=np.float64)
    for i, row in enumerate(attributions):
        scores[i, : len(row)] = np.nan_to_num(row)

    if width is not None:
        _check_fits(lengths, width, f"width={width}")
    if seed_width is None:
        kernel = int(first_conv(classifier.model_).kernel_size[0])
        seed_width = max(_DEFAULT_SEED_WIDTH, kernel + 6)
        seed_width = min(seed_width, int(lengths.min()))
    else:
        _check_fits(lengths, seed_width, f"seed_width={seed_width}")
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
        new = _best_sites(onehot, lengths, pwm, both_strands, overhang)
        counts = _counts(onehot, new["start"], new["strand"], width)
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
    windows = _gather_windows(onehot, starts, np.ones(n, dtype=np.int8), seed_width)
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
    totals = _window_scores(scores[..., None], lengths, np.ones((core, 1)))
    starts = totals.argmax(axis=1) - (seed_width - core) // 2
    strands = np.ones(n, dtype=np.int8)
    if both_strands:
        starts, strands = _orient(
            onehot, starts, seed_width, core, totals.max(axis=1), max_iter
        )
    counts = _counts(onehot, starts, strands, seed_width)
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
        narrow = wide._slice(first, stop)
    else:
        cumulative = np.concatenate([[0.0], np.cumsum(wide.information_content)])
        first = int(np.argmax(cumulative[width:] - cumulative[:-width]))
        narrow = wide._slice(first, first + width)
    counts, sites = _refine(onehot, lengths, narrow.counts, both_strands, max_iter, 0)
    # score the sites with the final PWM
    windows = _gather_windows(onehot, sites["start"], sites["strand"], len(counts))
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
        always +1, ``start`` the window's start in the original sequence;
        with "same" padding a window may start before 0 or end after the
        sequence, those positions counting as no base).

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
    activation function, computed for all of ``X`` in batches.  Positions
    the encoder padded are all zeros and count for no base.

    Examples
    --------
    >>> from dnacnn import DNACNNClassifier, one_hot_encode, make_motif_dataset
    >>> from dnacnn.motifs import filter_motifs
    >>> X, y, _ = make_motif_dataset(200, 30, random_state=0)
    >>> X = one_hot_encode(X)
    >>> clf = DNACNNClassifier(filters=8, kernel_size=12, epochs=30, random_state=0)
    >>> motifs = filter_motifs(clf.fit(X, y), X)
    >>> [m.name for m in motifs][:3]
    ['filter0', 'filter1', 'filter2']
    >>> motifs[0].width
    12
    >>> motifs[0].sites.dtype.names
    ('sequence', 'start', 'strand', 'score', 'site')
    """
    import keras

    classifier, X_model, placement = _resolve(estimator, X)
    _check_acgt(X_model)
    threshold = _check_real(threshold, "threshold", low=0.0)
    if threshold > 1:
        raise ValueError(f"threshold must be in [0, 1], got {threshold!r}.")
    min_sites = _check_int(min_sites, "min_sites", low=1)
    batch_size = _check_int(batch_size, "batch_size", low=1)
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

    def batches():
        for i in range(0, len(X_model), batch_size):
            batch = submodel(X_model[i : i + batch_size], training=False)
            yield i, keras.ops.convert_to_numpy(batch)

    # pass 1: each filter's largest activation; the activations are kept for
    # pass 2 when they are small, else computed again
    n_filters = int(conv.filters)
    n_out = int(conv.output.shape[1])
    kept = [] if len(X_model) * n_out * n_filters <= _KEEP_ACTIVATIONS else None
    maxima = np.full(n_filters, -np.inf, dtype=np.float32)
    for i, activations in batches():
        np.maximum(maxima, activations.max(axis=(0, 1)), out=maxima)
        if kept is not None:
            kept.append((i, activations))
    cut = np.where(maxima > 0, threshold * maxima, np.inf)

    # pass 2: the windows above the cut, for all filters at once
    counts = np.zeros((n_filters, k, 4), dtype=np.float64)
    parts = []
    for i, activations in kept if kept is not None else batches():
        row, position, f = np.nonzero(activations > cut)
        windows = _gather_windows(
            X_model, position + offset, np.ones(row.size, np.int8), k, rows=row + i
        )
        np.add.at(counts, f, windows)
        parts.append(
            (
                f,
                row + i,
                position + offset,
                activations[row, position, f],
                decode_one_hot(windows, padding=None),
            )
        )
    columns = [np.concatenate(column) for column in zip(*parts, strict=True)]
    order = np.argsort(columns[0], kind="stable")  # filter, sequence, start
    f, seq, start, score, letters = (column[order] for column in columns)
    if placement is not None:
        start = start - placement.offsets[seq]  # the encoder's shift of each sequence
    bounds = np.searchsorted(f, np.arange(n_filters + 1))
    motifs = []
    for index in range(n_filters):
        a, b = bounds[index], bounds[index + 1]
        if b - a < min_sites:
            continue
        sites = np.zeros(b - a, dtype=_site_dtype(k))
        sites["sequence"] = seq[a:b]
        sites["start"] = start[a:b]
        sites["strand"] = 1
        sites["score"] = score[a:b]
        sites["site"] = letters[a:b]
        motifs.append(Motif(counts[index], name=f"filter{index}", sites=sites))
    return motifs


# --------------------------------------------------------------------------
# MEME minimal motif format
# --------------------------------------------------------------------------
def write_meme(motifs, path_or_buffer=None) -> str | None:
    """Write motifs in the MEME minimal motif format.

    Parameters
    ----------
    motifs : Motif or iterable of Motif
        The motifs; they must share one background.
    path_or_buffer : str, path-like, file object or None, default=None
        Where to write; None returns the text.

    Returns
    -------
    text : str or None
        The text when ``path_or_buffer`` is None.

    Notes
    -----
    The format (MEME Suite, "MEME version 4"): a version line, ``ALPHABET=
    ACGT``, ``strands: + -``, the background letter frequencies, then per
    motif a ``MOTIF name`` line, a ``letter-probability matrix: alength= 4
    w= W nsites= N E= 0`` line and ``W`` rows of the probabilities of A, C,
    G, T with 6 decimals.

    Examples
    --------
    >>> from dnacnn.motifs import Motif, write_meme
    >>> print(write_meme(Motif([[3, 1, 0, 0], [0, 0, 0, 4]], name="m1")))
    MEME version 4
    <BLANKLINE>
    ALPHABET= ACGT
    <BLANKLINE>
    strands: + -
    <BLANKLINE>
    Background letter frequencies
    A 0.250000 C 0.250000 G 0.250000 T 0.250000
    <BLANKLINE>
    MOTIF m1
    letter-probability matrix: alength= 4 w= 2 nsites= 4 E= 0
     0.750000  0.250000  0.000000  0.000000
     0.000000  0.000000  0.000000  1.000000
    <BLANKLINE>
    """
    motifs = [motifs] if isinstance(motifs, Motif) else list(motifs)
    if not motifs:
        raise ValueError("write_meme needs at least one motif, got none.")
    for i, motif in enumerate(motifs):
        if not isinstance(motif, Motif):
            raise TypeError(f"Motif {i} is a {type(motif).__name__}, not a Motif.")
    background = motifs[0].background
    for motif in motifs[1:]:
        if not np.allclose(motif.background, background):
            raise ValueError(
                f"A MEME file has one background, but motif {motif.name!r} has "
                f"{motif.background.tolist()} and motif {motifs[0].name!r} "
                f"{background.tolist()}."
            )
    lines = [
        "MEME version 4",
        "",
        "ALPHABET= ACGT",
        "",
        "strands: + -",
        "",
        "Background letter frequencies",
        " ".join(f"{b} {p:.6f}" for b, p in zip(_BASES, background, strict=True)),
        "",
    ]
    for motif in motifs:
        lines += [
            f"MOTIF {motif.name}",
            f"letter-probability matrix: alength= 4 w= {motif.width} "
            f"nsites= {motif.nsites:g} E= 0",
        ]
        lines += ["".join(f" {p:.6f} " for p in row).rstrip() for row in motif.pfm]
        lines.append("")
    text = "\n".join(lines) + "\n"
    if path_or_buffer is None:
        return text
    if hasattr(path_or_buffer, "write"):
        path_or_buffer.write(text)
    else:
        with open(path_or_buffer, "w", encoding="ascii") as file:
            file.write(text)
    return None


_KEY_VALUE = re.compile(r"(\w+)\s*=\s*(\S+)")


def read_meme(path_or_text) -> list[Motif]:
    """Read motifs in the MEME minimal motif format (or MEME's text output).

    Parameters
    ----------
    path_or_text : str, path-like or file object
        A file name, an open text file, or the text itself (a str holding a
        line break).

    Returns
    -------
    motifs : list of Motif
        In file order, with the file's background; counts are the
        probabilities times ``nsites`` (the probabilities when ``nsites`` is
        missing or 0), so :attr:`Motif.pfm` gives the file's matrix back.

    Raises
    ------
    ValueError
        If the text is not in the format: no ``MEME version`` line, an
        alphabet other than ACGT, a malformed background, a matrix row that
        is not ``alength`` numbers summing to 1 (within 0.01), fewer rows than
        ``w=``, or no motif.  The message gives the line number (1-based).

    Examples
    --------
    >>> from dnacnn.motifs import Motif, read_meme, write_meme
    >>> text = write_meme([Motif([[3, 1, 0, 0], [0, 0, 0, 4]], name="m1")])
    >>> [motif] = read_meme(text)
    >>> motif.name, motif.consensus, motif.nsites
    ('m1', 'AT', 4)
    >>> read_meme("MEME version 4\\n\\nMOTIF m\\nletter-probability matrix:\\n0.5 0.5\\n")
    Traceback (most recent call last):
    ...
    ValueError: MEME format error at line 5: expected 4 probabilities (A, C, G, T), got 2: '0.5 0.5'.
    """  # noqa: E501
    if hasattr(path_or_text, "read"):
        text = path_or_text.read()
    elif isinstance(path_or_text, str) and "\n" in path_or_text:
        text = path_or_text
    elif isinstance(path_or_text, str | os.PathLike):
        with open(path_or_text, encoding="utf-8") as file:
            text = file.read()
    else:
        raise TypeError(
            "read_meme takes a path, a text file or the text itself, got "
            f"{type(path_or_text).__name__}."
        )
    return _parse_meme(text.splitlines())


def _parse_meme(lines: list[str]) -> list[Motif]:
    def error(number: int, message: str) -> ValueError:
        return ValueError(f"MEME format error at line {number}: {message}")

    numbered = [(i + 1, line.strip()) for i, line in enumerate(lines)]
    content = [(i, line) for i, line in numbered if line]
    if not content or not re.match(r"MEME version \d", content[0][1]):
        number = content[0][0] if content else 1
        found = content[0][1] if content else ""
        raise error(
            number,
            f"the file must start with 'MEME version 4' (or later), got {found!r}.",
        )
    background = None
    motifs: list[Motif] = []
    k = 1
    while k < len(content):
        number, line = content[k]
        k += 1
        if line.startswith("ALPHABET"):
            alphabet = line.partition("=")[2].strip()
            if alphabet != "ACGT":
                raise error(
                    number,
                    f"only the DNA alphabet 'ALPHABET= ACGT' is supported, got "
                    f"{line!r}.",
                )
        elif line.startswith("Background letter frequencies"):
            tokens: list[str] = []
            first = number + 1
            while len(tokens) < 8 and k < len(content):
                number, line = content[k]
                if line.startswith(("MOTIF", "letter-probability")):
                    break
                first = number if not tokens else first
                tokens += line.split()
                k += 1
            background = _parse_background(tokens, first, error)
        elif line.startswith("MOTIF"):
            parts = line.split()
            if len(parts) < 2:
                raise error(number, "a MOTIF line needs a name: 'MOTIF name'.")
            motif_name, motif_line = parts[1], number
            # find the letter-probability matrix of this motif
            while k < len(content) and not content[k][1].startswith(
                "letter-probability matrix"
            ):
                if content[k][1].startswith("MOTIF"):
                    break
                k += 1
            if k == len(content) or content[k][1].startswith("MOTIF"):
                raise error(
                    motif_line,
                    f"motif {motif_name!r} has no 'letter-probability matrix:' line.",
                )
            number, line = content[k]
            k += 1
            info = dict(_KEY_VALUE.findall(line.partition(":")[2]))
            alength = _header_number(info, "alength", 4, number, error)
            if alength != 4:
                raise error(number, f"alength= must be 4 for DNA, got {alength:g}.")
            w = _header_number(info, "w", None, number, error)
            nsites = _header_number(info, "nsites", 0, number, error)
            rows: list[list[float]] = []
            while k < len(content) and (w is None or len(rows) < w):
                number, line = content[k]
                if line.startswith(("MOTIF", "letter-probability")) or (
                    w is None and not re.match(r"[-+.\d]", line)
                ):
                    break
                k += 1
                rows.append(_parse_row(line, number, error))
            if w is not None and len(rows) < w:
                where = "the file ends" if k == len(content) else f"line {number} is"
                raise error(
                    number,
                    f"motif {motif_name!r} declares w= {w:g}, but {where} after "
                    f"{len(rows)} rows.",
                )
            if not rows:
                raise error(number, f"motif {motif_name!r} has no matrix rows.")
            pfm = np.array(rows)
            pfm /= pfm.sum(axis=1, keepdims=True)  # the printed rows' rounding
            counts = pfm * nsites if nsites > 0 else pfm
            motifs.append(Motif(counts, name=motif_name, background=background))
    if not motifs:
        raise error(len(lines), "the file holds no 'MOTIF' entry.")
    return motifs


def _header_number(info, key, default, number, error):
    if key not in info:
        return default
    try:
        value = float(info[key])
    except ValueError:
        raise error(number, f"{key}= must be a number, got {info[key]!r}.") from None
    if key in ("w", "alength") and (not value.is_integer() or value < 1):
        raise error(number, f"{key}= must be a positive integer, got {info[key]!r}.")
    return value


def _parse_row(line, number, error) -> list[float]:
    tokens = line.split()
    if len(tokens) != 4:
        raise error(
            number,
            f"expected 4 probabilities (A, C, G, T), got {len(tokens)}: {line!r}.",
        )
    try:
        row = [float(t) for t in tokens]
    except ValueError:
        raise error(number, f"probabilities must be numbers, got {line!r}.") from None
    if any(not np.isfinite(p) or p < 0 for p in row) or abs(sum(row) - 1) > 0.01:
        raise error(
            number,
            f"probabilities must be non-negative and sum to 1, got {line!r} "
            f"(sum {sum(row):.6g}).",
        )
    return row


def _parse_background(tokens: list[str], number: int, error) -> np.ndarray:
    frequencies = dict(zip(tokens[::2], tokens[1::2], strict=False))
    try:
        bg = [float(frequencies[b]) for b in _BASES]
    except (KeyError, ValueError):
        raise error(
            number,
            "the background must be 'A p C p G p T p' with 4 frequencies, got "
            f"{' '.join(tokens)!r}.",
        ) from None
    try:
        return _check_background(np.array(bg) / sum(bg))
    except (ValueError, ZeroDivisionError):
        raise error(
            number, f"background frequencies must be positive, got {bg}."
        ) from None
