"""DNA motifs from a CNN's attributions and first-layer filters; MEME files.

A :class:`Motif` is a count (or frequency) matrix over A, C, G, T with the
aligned sites it came from; it scores and scans sequences on both strands.
:func:`discover_motif` finds the binding motif a fitted CNN has learned by
aligning the windows its saliency points at; :func:`filter_motifs` turns
every first-layer convolution filter into the motif of the windows that
activate it (as DeepBind and Basset do).  :func:`to_meme`,
:func:`write_meme` and :func:`read_meme` exchange motifs with the MEME Suite
(FIMO, Tomtom, ...) in its minimal motif format.  :func:`discover_motifs`
finds every motif a model learned (TF-MoDISco on its attributions), and
:func:`annotate_motifs` names them (TomTom against JASPAR or a MEME file);
both need the extra ``dnacnn[motifs]``, as does :func:`scan_motifs` (every
significant hit by FIMO, in sequence or genome coordinates) and
:func:`cross_val_motifs` (the motifs that hold across cross-validation folds).

The package is split by role: ``_motif`` (the type) over ``_scan``
(vectorized scanning), ``_discover`` (motifs from a model), and ``_meme``
(files) over ``_meme_text`` (the format as text); ``_modisco`` (TF-MoDISco)
and ``_annotate`` (TomTom, JASPAR) over them; ``_fimo`` (FIMO hits) and
``_cv`` (motifs across folds) on top.
"""

from ._annotate import (
    JASPAR_RELEASE,
    MotifDatabase,
    annotate_motifs,
    load_motif_database,
)
from ._cv import MotifCVResult, cross_val_motifs
from ._discover import discover_motif, filter_motifs
from ._fimo import scan_motifs
from ._meme import read_meme, to_meme, write_meme
from ._modisco import discover_motifs
from ._motif import Motif

__all__ = [
    "JASPAR_RELEASE",
    "Motif",
    "MotifCVResult",
    "MotifDatabase",
    "annotate_motifs",
    "cross_val_motifs",
    "discover_motif",
    "discover_motifs",
    "filter_motifs",
    "load_motif_database",
    "read_meme",
    "scan_motifs",
    "to_meme",
    "write_meme",
]
