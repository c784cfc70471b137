"""From genome coordinates to sequences, backgrounds, hold-outs and variant effects.

Reading the genome needs the ``genome`` extra (pyfaidx; Biopython for bgzip):
``pip install 'dnacnn[genome]'``.
"""

from ._background import (
    GenomeWarning,
    gc_matched_background,
    make_labelled_set,
)
from ._cv import ChromosomeSplit
from ._fasta import FastaGenome
from ._intervals import read_intervals
from ._shuffle import dinucleotide_shuffle
from ._tracks import write_bed, write_bedgraph
from ._variants import score_variants
from ._vcf import read_vcf
from ._windows import GenomeSequenceTransformer, fetch_sequences

__all__ = [
    "ChromosomeSplit",
    "FastaGenome",
    "GenomeWarning",
    "dinucleotide_shuffle",
    "gc_matched_background",
    "make_labelled_set",
    "GenomeSequenceTransformer",
    "fetch_sequences",
    "read_intervals",
    "read_vcf",
    "score_variants",
    "write_bed",
    "write_bedgraph",
]
