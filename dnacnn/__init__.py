"""dnacnn: scikit-learn-compatible deep learning on DNA sequences.

Public names are loaded lazily: ``import dnacnn`` is cheap and never imports
TensorFlow or Keras; those load only when a model is built, fitted or loaded.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> submodule that defines it
_LAZY = {
    "DNAOneHotTransformer": "preprocessing",
    "one_hot_encode": "preprocessing",
    "decode_one_hot": "preprocessing",
    "reverse_complement": "preprocessing",
    "make_motif_dataset": "datasets",
    "fetch_primer": "datasets",
    "load_sequences": "datasets",
    "get_data_home": "datasets",
    "DNACNNClassifier": "estimators",
    "DNACNNRegressor": "estimators",
    "build_cnn": "models",
    "save_model": "persistence",
    "load_model": "persistence",
    "saliency": "interpret",
    "in_silico_mutagenesis": "interpret",
    "Motif": "motifs",
    "discover_motif": "motifs",
    "discover_motifs": "motifs",
    "annotate_motifs": "motifs",
    "load_motif_database": "motifs",
    "filter_motifs": "motifs",
    "read_meme": "motifs",
    "scan_motifs": "motifs",
    "cross_val_motifs": "motifs",
    "write_meme": "motifs",
    "to_meme": "motifs",
    "plot_history": "plotting",
    "plot_saliency": "plotting",
    "plot_logo": "plotting",
    "DNACNNWarning": "exceptions",
    "ModelFileError": "exceptions",
    "GenomeSequenceTransformer": "genome",
    "read_intervals": "genome",
    "fetch_sequences": "genome",
    "dinucleotide_shuffle": "genome",
    "gc_matched_background": "genome",
    "make_labelled_set": "genome",
    "ChromosomeSplit": "genome",
    "read_vcf": "genome",
    "score_variants": "genome",
    "write_bed": "genome",
    "write_bedgraph": "genome",
    "GenomeWarning": "exceptions",
    "predict_dask": "distributed",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'dnacnn' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
