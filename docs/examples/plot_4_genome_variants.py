"""
From peaks and a genome, to variant effects
===========================================

Real data start as peaks (BED or narrowPeak) on a genome FASTA.  This example
writes a small genome (three chromosomes of 8 kb, a motif planted under 30
peaks) to a temporary folder, builds GC-matched negatives, holds out a whole
chromosome, and scores every single-base substitution around one planted site
with :func:`dnacnn.score_variants`.  It needs the ``genome`` extra
(``pip install "dnacnn[genome]"``).
"""

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.pipeline import make_pipeline

from dnacnn import (
    ChromosomeSplit,
    DNACNNClassifier,
    DNAOneHotTransformer,
    GenomeSequenceTransformer,
    make_labelled_set,
    score_variants,
)

rng = np.random.default_rng(0)
tmp = tempfile.TemporaryDirectory()
folder = Path(tmp.name)
motif = "CGACCGAACTCC"
chromosomes, peaks = {}, []
for c in range(1, 4):
    seq = list("".join(rng.choice(list("ACGT"), 8000)))
    for i, centre in enumerate(range(500, 7500, 700)):
        seq[centre - 6 : centre + 6] = motif
        start, end = centre - 50, centre + 50  # narrowPeak: summit 50 bp in
        peaks.append(f"chr{c}\t{start}\t{end}\tp{c}_{i}\t0\t.\t1\t1\t1\t50")
    chromosomes[f"chr{c}"] = "".join(seq)
fasta = "".join(f">{name}\n{seq}\n" for name, seq in chromosomes.items())
(folder / "genome.fa").write_text(fasta)
(folder / "peaks.narrowPeak").write_text("\n".join(peaks) + "\n")

# %%
# Peaks and negatives that do not cheat
# -------------------------------------
# :func:`dnacnn.make_labelled_set` reads the peaks' windows and draws as many
# negatives outside them, matched to their GC content.

data = make_labelled_set(
    folder / "genome.fa",
    folder / "peaks.narrowPeak",
    background="gc",
    length=40,
    random_state=0,
)
print(data.groupby(["chrom", "source"]).size().unstack())

# %%
# Train on two chromosomes, test on the third
# -------------------------------------------
# The Pipeline starts from the intervals: the genome is read inside it.

model = make_pipeline(
    GenomeSequenceTransformer(genome=folder / "genome.fa", length=40),
    DNAOneHotTransformer(),
    DNACNNClassifier(kernel_size=12, epochs=30, random_state=0),
)
X = data[["chrom", "start", "end", "strand", "name", "summit"]]
train, test = next(ChromosomeSplit(test=["chr3"]).split(X))
model.fit(X.iloc[train], data.label.iloc[train])
print(f"accuracy on chr3: {model.score(X.iloc[test], data.label.iloc[test]):.3f}")

# %%
# Every substitution around a planted site
# ----------------------------------------
# Each variant is scored as the logit difference between the window with the
# alternative allele and the one with the reference; here, the log-odds of
# "bound".  Only substitutions inside the motif matter.

site = chromosomes["chr3"].find(motif, 3000)
genome = chromosomes["chr3"]
rows = [
    ("chr3", p + 1, genome[p], alt)  # pos is 1-based
    for p in range(site - 10, site + 22)
    for alt in "ACGT"
    if alt != genome[p]
]
variants = pd.DataFrame(rows, columns=["chrom", "pos", "ref", "alt"])
scores = score_variants(model, variants)
scores["log_odds"] = scores.effect_1 - scores.effect_0
worst = scores.groupby("pos").log_odds.min()

fig, ax = plt.subplots(figsize=(9, 2.8), layout="constrained")
ax.bar(worst.index - site - 1, worst.values)
ax.axvspan(-0.5, len(motif) - 0.5, color="C1", alpha=0.2, label="planted motif")
ax.set(
    xlabel="position relative to the site's first base",
    ylabel="strongest loss\n(log-odds of bound)",
)
ax.legend(loc="lower right")
plt.show()
tmp.cleanup()
