"""Data sets: a planted-motif simulator, the primer's data set, sequence readers.

- :func:`make_motif_dataset` simulates the primer tutorial's data: random DNA
  background with a binding motif planted once in every positive sequence.
- :func:`fetch_primer` downloads (once, into :func:`get_data_home`) and loads the
  tutorial's 2,000 sequences and labels, checking their SHA256 digests.
- :func:`load_sequences` reads plain-text or FASTA files, optionally gzipped.

One module per role, as in scikit-learn's ``sklearn.datasets``: ``_simulate``
(the generator), ``_primer`` (the data home and the fetcher) and ``_readers``
(the file formats). Only numpy, scikit-learn and the standard library are
imported here; never TensorFlow.
"""

from ._primer import fetch_primer, get_data_home
from ._readers import load_sequences
from ._simulate import make_motif_dataset

__all__ = ["fetch_primer", "get_data_home", "load_sequences", "make_motif_dataset"]
