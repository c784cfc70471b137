"""Sequences with 3 JASPAR motifs planted in combinations (bench_motifs)."""

from __future__ import annotations

import numpy as np

from dnacnn.motifs import load_motif_database

#: SRF, REST, NRF1 in JASPAR2024 CORE vertebrates: three unrelated families,
#: each the only matrix of its factor (see :func:`self_matches`).  CTCF, the
#: earlier choice (MA0139.2), has two more CTCF matrices (MA1929.2, MA1930.2)
#: that match its own PFM at q ~ 0, so which of the three TomTom ranks first
#: for a learned CTCF motif is a toss-up.
JASPAR_IDS = ("MA0083.3", "MA0138.3", "MA0506.3")


def self_matches(ids, jaspar, n_matches=3):
    """Each planted PFM's own best TomTom matches in the database, printable."""
    from dnacnn import Motif, annotate_motifs

    motifs = [Motif(jaspar[i].pfm * 100, name=i) for i in ids]
    table = annotate_motifs(motifs, jaspar, n_matches=n_matches)
    return [
        f"{i} {jaspar.names[i]}: "
        + ", ".join(
            f"{r.match_id} {r.match_name} (q {r.q_value:.2g})"
            for r in table[table["motif"] == i].itertuples()
        )
        for i in ids
    ]


def planted_pfms(ids=JASPAR_IDS):
    jaspar = load_motif_database()
    return [jaspar[i].pfm for i in ids], jaspar


def simulate(n, length, pfms, random_state):
    """Half the sequences hold a non-empty combination of the motifs.

    Each bound sequence draws one of the 7 non-empty subsets uniformly; each
    chosen motif gets one site, sampled from its PFM, on a random strand, in
    its own third of the sequence (shuffled), so sites never overlap.
    """
    rng = np.random.default_rng(random_state)
    codes = rng.integers(0, 4, size=(n, length))
    y = np.zeros(n, dtype=int)
    y[rng.permutation(n)[: n // 2]] = 1
    holds = np.zeros((n, len(pfms)), dtype=bool)
    slot = length // len(pfms)
    for i in np.flatnonzero(y):
        subset = rng.integers(1, 2 ** len(pfms))
        chosen = [k for k in range(len(pfms)) if subset >> k & 1]
        slots = rng.permutation(len(pfms))[: len(chosen)]
        for k, s in zip(chosen, slots, strict=True):
            pfm = pfms[k]
            w = len(pfm)
            start = s * slot + rng.integers(0, slot - w + 1)
            site = (rng.random((w, 1)) > np.cumsum(pfm, axis=1)).sum(axis=1)
            site = np.minimum(site, 3)
            if rng.random() < 0.5:
                site = 3 - site[::-1]
            codes[i, start : start + w] = site
            holds[i, k] = True
    letters = np.array(list("ACGT"))
    X = np.array(["".join(row) for row in letters[codes]], dtype=object)
    return X, y, holds
