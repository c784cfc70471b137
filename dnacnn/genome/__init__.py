"""From genome coordinates to sequences, backgrounds, hold-outs and variant effects.

Reading the genome needs the ``genome`` extra (pyfaidx; Biopython for bgzip):
``pip install 'dnacnn[genome]'``.
"""

from ._fasta import FastaGenome
from ._intervals import read_intervals
from ._windows import GenomeSequenceTransformer, fetch_sequences

__all__ = [
    "FastaGenome",
    "GenomeSequenceTransformer",
    "fetch_sequences",
    "read_intervals",
]
