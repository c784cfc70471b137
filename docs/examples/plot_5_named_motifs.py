"""
Named motifs: TF-MoDISco and JASPAR
===================================

A model learns motifs; :func:`dnacnn.discover_motifs` finds them with
TF-MoDISco and :func:`dnacnn.annotate_motifs` names each by its best match in
JASPAR (with TomTom).  Here CTCF sites, sampled from the JASPAR matrix
``MA0139.2``, are planted on either strand in half of 500 sequences of 60 bp.
It needs the ``motifs`` extra (``pip install "dnacnn[motifs]"``);
:doc:`/named_motifs` does the same with two factors and explains each step.
"""

import matplotlib.pyplot as plt
from sklearn.pipeline import make_pipeline

from dnacnn import (
    DNACNNClassifier,
    DNAOneHotTransformer,
    annotate_motifs,
    discover_motifs,
    load_motif_database,
    make_motif_dataset,
    plot_logo,
)

jaspar = load_motif_database()  # JASPAR2024 CORE vertebrates, from pyjaspar
ctcf = jaspar["MA0139.2"]
X, y = make_motif_dataset(
    500, length=60, motif=ctcf.pfm, both_strands=True, random_state=0
)[:2]
model = make_pipeline(
    DNAOneHotTransformer(), DNACNNClassifier(epochs=10, random_state=0)
).fit(X, y)

# %%
# Every motif the model learned, with its name
# --------------------------------------------
# One Leiden run (TF-MoDISco's default is 50) keeps this example fast.
# JASPAR holds three CTCF matrices (``MA0139.2``, ``MA1929.2``,
# ``MA1930.2``): the best match may be another of them than the one planted.

motifs = discover_motifs(model, X, n_leiden_runs=1)
table = annotate_motifs(motifs, jaspar, n_matches=1)
print(table[["motif", "consensus", "sites", "match_id", "match_name", "q_value"]])

# %%
# The first motif beside its best match
# -------------------------------------

best = table.iloc[0]
match = jaspar[best["match_id"]]
if best["orientation"] == "-":
    match = match.reverse_complement()
fig, axes = plt.subplots(1, 2, figsize=(10, 2.4), layout="constrained")
plot_logo(motifs[0], ax=axes[0], title=f"{motifs[0].name} ({motifs[0].nsites} seqlets)")
plot_logo(match, ax=axes[1], title=f"{best['match_name']} {best['match_id']}")
plt.show()
