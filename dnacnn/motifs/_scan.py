"""Vectorized scanning: windows of one-hot sequences scored against a PWM.

The windows of all sequences are read as strided views of one one-hot array
and scored with one tensor product per chunk of sequences.  Sites are
structured arrays of :func:`site_dtype` (the layout of :attr:`Motif.sites`).
"""

from __future__ import annotations

import numpy as np

from .._sequences import as_sequence_array
from ..preprocessing import decode_one_hot, one_hot_encode

__all__ = [
    "BASES",
    "best_sites",
    "check_fits",
    "encode",
    "gather_windows",
    "site_dtype",
    "site_strings",
    "window_counts",
    "window_scores",
]

#: The columns of every matrix: A, C, G, T.
BASES = "ACGT"
# Window elements (windows x width x 4) scored per chunk of sequences.
_CHUNK_ELEMENTS = 1 << 22


def site_dtype(width: int) -> np.dtype:
    """The fields of a site array for a motif ``width`` bases wide."""
    return np.dtype(
        [
            ("sequence", np.int64),
            ("start", np.int64),
            ("strand", np.int8),
            ("score", np.float64),
            ("site", f"U{width}"),
        ]
    )


def encode(X, *, single_ok: bool = True):
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


def check_fits(lengths: np.ndarray, width: int, what: str) -> None:
    """Every sequence holds at least ``width`` bases."""
    if lengths.size and lengths.min() < width:
        i = int(np.argmin(lengths))
        raise ValueError(
            f"Sequence {i} has {int(lengths[i])} bases, fewer than the width of "
            f"{what} ({width})."
        )


def window_scores(onehot, lengths, pwm, overhang: int = 0) -> np.ndarray:
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


def best_sites(onehot, lengths, pwm, both_strands, overhang: int = 0):
    """The best window of every sequence as a site array (vectorized).

    Ties go to the forward strand, then to the leftmost window.
    """
    n = onehot.shape[0]
    w = pwm.shape[0]
    strands = [window_scores(onehot, lengths, pwm, overhang)]
    if both_strands:
        strands.append(window_scores(onehot, lengths, pwm[::-1, ::-1], overhang))
    scores = np.stack(strands, axis=1)  # (n, n_strands, n_windows)
    flat = scores.reshape(n, -1).argmax(axis=1)
    which, column = np.divmod(flat, scores.shape[2])
    sites = np.zeros(n, dtype=site_dtype(w))
    sites["sequence"] = np.arange(n)
    sites["start"] = column - overhang
    sites["strand"] = np.where(which == 0, 1, -1)
    sites["score"] = scores[np.arange(n), which, column]
    sites["site"] = site_strings(onehot, sites["start"], sites["strand"], w)
    return sites


def gather_windows(onehot, starts, strands, width, rows=None) -> np.ndarray:
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


def site_strings(onehot, starts, strands, width) -> np.ndarray:
    """The windows as strings read on their strand (``N`` off the ends)."""
    windows = gather_windows(onehot, starts, strands, width)
    return decode_one_hot(windows, padding=None)  # N for all-zero positions


def window_counts(onehot, starts, strands, width) -> np.ndarray:
    """Base counts ``(width, 4)`` of the windows, read on their strand."""
    return gather_windows(onehot, starts, strands, width).sum(axis=0, dtype=np.float64)
