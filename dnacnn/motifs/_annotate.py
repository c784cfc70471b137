"""Names for motifs: TomTom (``memelite``) against JASPAR (``pyjaspar``).

:func:`load_motif_database` reads the motifs to compare with: JASPAR, from
the SQLite database ``pyjaspar`` ships (no network), or any MEME file.
:func:`annotate_motifs` compares motifs with them by TomTom and tabulates
the best matches.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .._validation import check_int
from ._meme import read_meme
from ._modisco import import_extra
from ._motif import Motif

__all__ = [
    "JASPAR_RELEASE",
    "MotifDatabase",
    "annotate_motifs",
    "benjamini_hochberg",
    "load_motif_database",
]

#: The JASPAR release dnacnn compares with, from the copy ``pyjaspar`` ships.
JASPAR_RELEASE = "JASPAR2024"

#: The columns of :func:`annotate_motifs`' table.
COLUMNS = (
    "motif",
    "consensus",
    "sites",
    "rank",
    "match_id",
    "match_name",
    "p_value",
    "e_value",
    "q_value",
    "offset",
    "overlap",
    "orientation",
)


class MotifDatabase(NamedTuple):
    """Motifs to name others by, as :func:`load_motif_database` reads them."""

    #: the motifs, named by their identifiers (e.g. ``MA0139.2``)
    motifs: list
    #: identifier -> the factor's name (e.g. ``CTCF``; the identifier if none)
    names: dict
    #: where they came from, e.g. ``JASPAR2024 CORE vertebrates (879 motifs)``
    description: str

    def __getitem__(self, key):
        """The motif named ``key`` (an identifier), or a field by position."""
        if isinstance(key, str):
            for motif in self.motifs:
                if motif.name == key:
                    return motif
            raise KeyError(f"No motif {key!r} in {self.description}.")
        return tuple.__getitem__(self, key)


def load_motif_database(
    database="JASPAR",
    *,
    collection: str = "CORE",
    tax_group: str | None = "vertebrates",
    release: str = JASPAR_RELEASE,
) -> MotifDatabase:
    """The motifs :func:`annotate_motifs` names motifs by.

    Parameters
    ----------
    database : "JASPAR", str or path-like, default="JASPAR"
        ``"JASPAR"`` reads the JASPAR release ``release`` from the database
        that ``pyjaspar`` installs (extra ``dnacnn[motifs]``; no network);
        anything else is the path of a MEME motif file (its ``MOTIF id
        name`` lines give identifiers and names).
    collection : str, default="CORE"
        JASPAR collection (``"CORE"``, ``"UNVALIDATED"``, ...).
    tax_group : str or None, default="vertebrates"
        JASPAR taxonomic group (``"vertebrates"``, ``"insects"``,
        ``"plants"``, ...); None takes every group.
    release : str, default=JASPAR_RELEASE
        JASPAR release, one of those ``pyjaspar`` ships (``"JASPAR2024"``
        is pinned so that names stay the same when ``pyjaspar`` adds one).

    Returns
    -------
    database : MotifDatabase
        ``motifs`` (named by identifier; JASPAR's latest version of each
        matrix), ``names`` (identifier -> factor name) and ``description``.

    Raises
    ------
    ImportError
        For JASPAR, if ``pyjaspar`` is not installed.
    FileNotFoundError
        If a MEME file does not exist.
    ValueError
        For an unknown release, or a collection and group without motifs.

    Examples
    --------
    >>> from dnacnn.motifs import load_motif_database
    >>> jaspar = load_motif_database()
    >>> jaspar.description
    'JASPAR2024 CORE vertebrates (879 motifs)'
    >>> jaspar.names["MA0139.2"], jaspar["MA0139.2"].consensus
    ('CTCF', 'GCCACCAGGGGGCGC')
    """
    if not isinstance(database, str | os.PathLike):
        raise TypeError(
            "database must be 'JASPAR' or the path of a MEME file, got "
            f"{type(database).__name__} {database!r}."
        )
    if database != "JASPAR":
        return _read_meme_database(Path(database))
    pyjaspar = import_extra("pyjaspar", "pyjaspar")
    if release not in pyjaspar.jaspar_releases:
        raise ValueError(
            f"release must be one of the JASPAR releases pyjaspar "
            f"{pyjaspar.__version__} ships: {sorted(pyjaspar.jaspar_releases)}; "
            f"got {release!r}."
        )
    jaspar = pyjaspar.jaspardb(release=release)
    found = jaspar.fetch_motifs(
        collection=collection,
        tax_group=None if tax_group is None else [tax_group],
        all_versions=False,
    )
    where = f"{release} {collection}" + ("" if tax_group is None else f" {tax_group}")
    if not found:
        raise ValueError(
            f"{where} holds no motif; check collection={collection!r} and "
            f"tax_group={tax_group!r} (e.g. 'CORE' and 'vertebrates')."
        )
    motifs, names = [], {}
    for entry in found:
        counts = np.array([entry.counts[base] for base in "ACGT"], dtype=float).T
        motifs.append(Motif(counts, name=entry.matrix_id))
        names[entry.matrix_id] = entry.name
    return MotifDatabase(motifs, names, f"{where} ({len(motifs)} motifs)")


def _read_meme_database(path: Path) -> MotifDatabase:
    motifs = read_meme(path)
    names = {m.name: m.name for m in motifs}
    # read_meme keeps the identifier; the optional name follows it
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "MOTIF" and parts[1] in names:
            names[parts[1]] = parts[2]
    return MotifDatabase(motifs, names, f"{path} ({len(motifs)} motifs)")


def annotate_motifs(
    motifs,
    database="JASPAR",
    *,
    collection: str = "CORE",
    tax_group: str | None = "vertebrates",
    release: str = JASPAR_RELEASE,
    n_matches: int = 3,
):
    """Name motifs by their best TomTom matches in JASPAR or a MEME file.

    Parameters
    ----------
    motifs : Motif or iterable of Motif
        The motifs to name (e.g. from :func:`discover_motifs`).
    database : "JASPAR", str, path-like or MotifDatabase, default="JASPAR"
        What to compare with: JASPAR (``collection``, ``tax_group`` and
        ``release`` choose which part), the path of a MEME motif file, or
        the result of :func:`load_motif_database`.
    collection, tax_group, release
        As in :func:`load_motif_database`, for ``database="JASPAR"``.
    n_matches : int, default=3
        Matches kept per motif, best first.

    Returns
    -------
    table : pandas.DataFrame
        One row per motif and match, columns ``motif`` (name),
        ``consensus``, ``sites`` (number of sites; NaN without),
        ``rank`` (1 for the best), ``match_id`` (e.g. the JASPAR ID),
        ``match_name`` (e.g. the factor), ``p_value`` (TomTom's, of the
        best alignment), ``e_value`` (``p_value`` times the number of
        database motifs), ``q_value`` (Benjamini-Hochberg over the database
        motifs, per motif, as TomTom's), ``offset`` (the position of the
        match, in its ``orientation``, where the motif's first position
        falls; negative when the motif starts before it), ``overlap``
        (positions aligned) and ``orientation`` (``"+"``: the motif matches
        the database motif as written; ``"-"``: its reverse complement).
        ``table.attrs["database"]`` describes the database.

    Raises
    ------
    ImportError
        If ``memelite`` (or, for JASPAR, ``pyjaspar``) is not installed
        (extra ``dnacnn[motifs]``).
    TypeError
        If an element of ``motifs`` is not a :class:`Motif`.
    ValueError
        If there are no motifs, or ``n_matches`` is below 1.

    See Also
    --------
    discover_motifs : The motifs of a fitted CNN.
    load_motif_database : The motifs compared with.

    Notes
    -----
    TomTom (Gupta et al., 2007) scores every alignment of two motifs, with
    overhangs, by the Euclidean distance of their columns' probabilities,
    and gives the p-value of the best against the background of all the
    database's columns; ``memelite`` implements it.  Its p-values depend on
    the database: with fewer than 25 motifs it warns.

    Examples
    --------
    >>> from dnacnn.motifs import Motif, annotate_motifs
    >>> ctcf = Motif.from_sequences(["CCACCAGGGGGCG"] * 20, name="mine")
    >>> table = annotate_motifs(ctcf, n_matches=1)
    >>> table.loc[0, ["motif", "match_id", "match_name", "orientation"]].tolist()
    ['mine', 'MA0139.2', 'CTCF', '+']
    >>> bool(table.loc[0, "q_value"] < 0.05)
    True
    """
    import pandas as pd

    motifs = _check_motifs(motifs)
    n_matches = check_int(n_matches, "n_matches", low=1)
    if not isinstance(database, MotifDatabase):
        database = load_motif_database(
            database, collection=collection, tax_group=tax_group, release=release
        )
    tomtom = import_extra("memelite.tomtom", "memelite").tomtom
    # memelite takes (4, width) probability matrices; F-ordered, as its own
    # reader makes them, reuses one compiled kernel
    queries = [np.asfortranarray(m.pfm.T) for m in motifs]
    targets = [np.asfortranarray(m.pfm.T) for m in database.motifs]
    p, _, offsets, overlaps, strands = tomtom(queries, targets)[:5]
    n_targets = len(targets)
    rows = []
    for i, motif in enumerate(motifs):
        q = benjamini_hochberg(p[i])
        for rank, j in enumerate(np.argsort(p[i], kind="stable")[:n_matches]):
            target = database.motifs[j].name
            rows.append(
                (
                    motif.name,
                    motif.consensus,
                    np.nan if motif.sites is None else len(motif.sites),
                    rank + 1,
                    target,
                    database.names.get(target, target),
                    float(p[i, j]),
                    float(p[i, j]) * n_targets,
                    float(q[j]),
                    int(offsets[i, j]),
                    int(overlaps[i, j]),
                    "-" if strands[i, j] else "+",
                )
            )
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table.attrs["database"] = database.description
    return table


def _check_motifs(motifs) -> list[Motif]:
    if isinstance(motifs, Motif):
        return [motifs]
    if isinstance(motifs, str) or not hasattr(motifs, "__iter__"):
        raise TypeError(
            f"motifs must be a Motif or an iterable of Motif, got "
            f"{type(motifs).__name__}."
        )
    motifs = list(motifs)
    for i, motif in enumerate(motifs):
        if not isinstance(motif, Motif):
            raise TypeError(f"motifs[{i}] is a {type(motif).__name__}, not a Motif.")
    if not motifs:
        raise ValueError("motifs is empty: there is nothing to annotate.")
    return motifs


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """q-values of the p-values ``p`` (Benjamini-Hochberg, monotone)."""
    order = np.argsort(p, kind="stable")
    ranked = p[order] * len(p) / np.arange(1, len(p) + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty_like(q)
    out[order] = np.minimum(q, 1.0)
    return out


def match_label(table, motif_name: str, max_q: float = 0.05) -> str:
    """``"CTCF MA0139.2 (q=1e-05)"`` for the motif's best match, as the CLI prints."""
    best = table[(table["motif"] == motif_name) & (table["rank"] == 1)]
    if best.empty:
        return "-"
    row = best.iloc[0]
    note = "" if row["q_value"] < max_q else ", not significant"
    return f"{row['match_name']} {row['match_id']} (q={row['q_value']:.2g}{note})"
