"""Decoding one-hot arrays, and reverse complements of strings or arrays.

The public names are re-exported by :mod:`dnacnn.preprocessing`.
"""

from __future__ import annotations

import numpy as np

from ._codes import (
    COMPLEMENT,
    IUPAC_OF_BASES,
    PADDING,
    check_alphabet,
    nucleotide_channels,
)
from ._sequences import as_sequence_array, describe
from ._validation import check_choice

__all__ = ["decode_one_hot", "reverse_complement"]


def decode_one_hot(X, *, alphabet: str = "ACGT", padding: str | None = "right"):
    """Turn one-hot arrays back into strings.

    Each position becomes the letter of its largest channel.  A position
    whose largest value is shared by several channels becomes the IUPAC code
    of those bases (``R`` for A and G at 0.5 each), with a nucleotide
    alphabet; an all-zero position is padding on the padded side(s), else
    ``N``.

    Parameters
    ----------
    X : array-like of shape (n_samples, L, C) or (L, C)
        Encoded sequences; ``C = len(alphabet)``.
    alphabet : str, default="ACGT"
        The letters of the channels, in order.
    padding : {"right", "left", "center"} or None, default="right"
        The side(s) whose all-zero positions are padding and are dropped;
        ``None`` keeps every position (as ``N``).

    Returns
    -------
    sequences : ndarray of str of shape (n_samples,), or str for 2-D ``X``
        The decoded sequences.

    Examples
    --------
    >>> import numpy as np
    >>> from dnacnn import decode_one_hot, one_hot_encode
    >>> decode_one_hot(one_hot_encode(["ANGT", "AC"]))
    array(['ANGT', 'AC'], dtype=object)
    >>> decode_one_hot(np.array([[0.5, 0, 0.5, 0], [0, 0, 0, 0]]), padding=None)
    'RN'
    """
    alphabet = check_alphabet(alphabet)
    check_choice(padding, "padding", (*PADDING, None))
    X = np.asarray(X)
    if X.dtype.kind not in "fiub":
        raise TypeError(
            f"Expected a numeric (one-hot) array, got dtype {X.dtype}. To encode "
            "sequences use one_hot_encode or DNAOneHotTransformer."
        )
    single = X.ndim == 2
    if single:
        X = X[None]
    if X.ndim != 3 or X.shape[-1] != len(alphabet):
        raise ValueError(
            f"Expected a numeric array of shape (n_samples, L, {len(alphabet)}) "
            f"or (L, {len(alphabet)}) for alphabet {alphabet!r}, got "
            f"{X.dtype} array of shape {X.shape}."
        )
    n, L, C = X.shape
    top = X.max(axis=-1, keepdims=True)
    letters = np.frombuffer(alphabet.encode(), dtype=np.uint8)
    channels = nucleotide_channels(alphabet)
    if channels is not None and C <= 8:
        # Bit mask of the channels that reach the maximum -> letter or code.
        weights = (1 << np.arange(C)).astype(np.int64)
        mask = ((X == top) * weights).sum(axis=-1)
        by_mask = np.zeros(1 << C, dtype=np.uint8)
        for m in range(1, 1 << C):
            bits = [c for c in range(C) if m >> c & 1]
            if len(bits) == 1:
                by_mask[m] = letters[bits[0]]
            else:
                bases = frozenset(b for b, c in channels.items() if c in bits)
                extra = any(c not in channels.values() for c in bits)
                code = None if extra else IUPAC_OF_BASES.get(bases)
                by_mask[m] = ord(code) if code else ord("N")
        chars = by_mask[mask]
    else:
        chars = letters[X.argmax(axis=-1)]
    chars[top[..., 0] <= 0] = 0
    raw = chars.tobytes()
    strip = {
        "right": bytes.rstrip,
        "left": bytes.lstrip,
        "center": bytes.strip,
        None: lambda row, _: row,
    }[padding]
    decoded = np.empty(n, dtype=object)
    decoded[:] = [
        strip(raw[i * L : (i + 1) * L], b"\0").replace(b"\0", b"N").decode("ascii")
        for i in range(n)
    ]
    return decoded[0] if single else decoded


def reverse_complement(sequences, *, alphabet: str = "ACGT"):
    """Reverse complement of strings or of one-hot arrays.

    Parameters
    ----------
    sequences : str, array-like of str, or ndarray of shape (..., L, C)
        One sequence, many (list, tuple or array of str), or one-hot encoded
        sequences whose channels follow ``alphabet``.  Strings keep their case
        and IUPAC codes are complemented (``R`` <-> ``Y``, ``N`` stays).
    alphabet : str, default="ACGT"
        Channel order of one-hot input; every letter must have its
        complement in the alphabet.

    Returns
    -------
    reverse_complemented : same kind as ``sequences``
        A str for a str, a list for a list or tuple, an ndarray for an
        ndarray; always a new object.

    Examples
    --------
    >>> from dnacnn import one_hot_encode, reverse_complement
    >>> reverse_complement("AACGtN")
    'NaCGTT'
    >>> reverse_complement(["ACG", "TTR"])
    ['CGT', 'YAA']
    >>> X = one_hot_encode(["AACG"])
    >>> (reverse_complement(X) == one_hot_encode(["CGTT"])).all()
    np.True_
    """
    alphabet = check_alphabet(alphabet)
    rna = "U" in alphabet and "T" not in alphabet
    if isinstance(sequences, str):
        return _reverse_complement_str(sequences, 0, rna)
    if isinstance(sequences, np.ndarray) and sequences.dtype.kind in "fiub":
        if sequences.ndim < 2 or sequences.shape[-1] != len(alphabet):
            raise ValueError(
                f"Expected one-hot input of shape (..., L, {len(alphabet)}) for "
                f"alphabet {alphabet!r}, got shape {sequences.shape}."
            )
        try:
            order = [
                alphabet.index(_reverse_complement_str(b, 0, rna)) for b in alphabet
            ]
        except ValueError:
            raise ValueError(
                f"alphabet {alphabet!r} is not closed under complement; one-hot "
                "reverse complements need e.g. 'ACGT' or 'ACGU'."
            ) from None
        return sequences[..., ::-1, order]
    seqs = as_sequence_array(sequences)
    result = [_reverse_complement_str(s, i, rna) for i, s in enumerate(seqs)]
    if isinstance(sequences, np.ndarray):
        out = np.empty(len(result), dtype=object)
        out[:] = result
        return out
    return result


def _translation(rna: bool) -> dict[int, str]:
    pairs = dict(COMPLEMENT, A="U") if rna else COMPLEMENT
    upper, lower = "".join(pairs), "".join(pairs.values())
    return str.maketrans(upper + upper.lower(), lower + lower.lower())


_TRANSLATION = {False: _translation(False), True: _translation(True)}
_COMPLEMENTABLE = frozenset("".join(COMPLEMENT) + "".join(COMPLEMENT).lower())


def _reverse_complement_str(seq, index: int, rna: bool = False) -> str:
    if not isinstance(seq, str):
        raise TypeError(f"Sequence {index} is {describe(seq)}, not a str.")
    result = seq.translate(_TRANSLATION[rna])[::-1]
    unknown = set(seq) - _COMPLEMENTABLE
    if unknown:
        position = min(seq.index(c) for c in unknown)
        raise ValueError(
            f"Cannot complement {seq[position]!r} at position {position} of "
            f"sequence {index} (0-based); allowed: A, C, G, T, U and the IUPAC "
            "codes R, Y, S, W, K, M, B, D, H, V, N (any case)."
        )
    return result
