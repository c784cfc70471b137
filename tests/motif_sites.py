"""Where a motif occurs in a sequence, read by the tests of the data sets."""

from __future__ import annotations


def revcomp(sequence: str) -> str:
    return sequence.translate(str.maketrans("ACGT", "TGCA"))[::-1]


def occurrences(sequence: str, motif: str) -> list[int]:
    """Start of every (possibly overlapping) occurrence of ``motif``."""
    width = len(motif)
    return [
        i for i in range(len(sequence) - width + 1) if sequence[i : i + width] == motif
    ]
