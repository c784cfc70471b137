"""Figures and table of docs/named_motifs.rst, made at build time.

Usage: python docs/named_motifs.py OUTDIR

A small model (1,500 sequences of 100 bp, 15 epochs) on CTCF (MA0139.2) and
REST (MA0138.3) sites sampled from JASPAR2024 and planted in combinations;
then discover_motifs, annotate_motifs and one centred saliency map.
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from dnacnn import (  # noqa: E402
    DNACNNClassifier,
    DNAOneHotTransformer,
    annotate_motifs,
    discover_motifs,
    load_motif_database,
    plot_logo,
    plot_saliency,
    saliency,
)

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)

# [data]
jaspar = load_motif_database()  # JASPAR2024 CORE vertebrates, from pyjaspar
rng = np.random.default_rng(0)
n, length = 1500, 100
codes = rng.integers(0, 4, size=(n, length))
y = np.arange(n) % 2  # every other sequence is bound
for k, (motif_id, place) in enumerate((("MA0139.2", 5), ("MA0138.3", 55))):
    pfm = jaspar[motif_id].pfm  # CTCF on the left half, REST on the right
    holds = (y == 1) & (np.arange(n) // 2 % 3 != k)  # 2 of 3 bound hold it
    sites = (rng.random((holds.sum(), len(pfm), 1)) > np.cumsum(pfm, 1)).sum(-1)
    sites = np.minimum(sites, 3)
    for row, site in zip(np.flatnonzero(holds), sites, strict=True):
        start = place + rng.integers(0, 20)
        codes[row, start : start + len(pfm)] = site
X = np.array(["".join(r) for r in np.array(list("ACGT"))[codes]], dtype=object)
# [model]
model = make_pipeline(
    DNAOneHotTransformer(), DNACNNClassifier(epochs=15, random_state=0)
).fit(X, y)
motifs = discover_motifs(model, X, n_leiden_runs=5)
table = annotate_motifs(motifs, jaspar, n_matches=2)
# [end]

columns = ["motif", "consensus", "sites", "rank", "match_id", "match_name"]
shown = table[columns].copy()
shown["q_value"] = table["q_value"].map("{:.2g}".format)
shown["offset"], shown["orientation"] = table["offset"], table["orientation"]
(out / "table.txt").write_text(
    f"{jaspar.description}\n\n{shown.to_string(index=False)}\n"
)

images = []
for i, motif in enumerate(motifs):
    best = table[(table["motif"] == motif.name) & (table["rank"] == 1)].iloc[0]
    match = jaspar[best["match_id"]]
    if best["orientation"] == "-":
        match = match.reverse_complement()
    fig, axes = plt.subplots(1, 2, figsize=(11, 2.4), layout="constrained")
    plot_logo(motif, ax=axes[0], title=f"{motif.name} ({motif.nsites} seqlets)")
    plot_logo(
        match,
        ax=axes[1],
        title=f"{best['match_name']} {best['match_id']}, q = {best['q_value']:.2g}",
    )
    fig.savefig(out / f"motif_{i}.png", dpi=80)
    plt.close(fig)
    images.append(
        f".. image:: /generated/named_motifs/motif_{i}.png\n"
        f"   :alt: {motif.name} and its best match\n"
    )
(out / "figures.rst").write_text("\n".join(images))

# one bound sequence: gradient x input, plain and centred
example = X[np.flatnonzero(y == 1)[:1]]
plain = saliency(model, example, output="logit")[0]
centred = saliency(model, example, output="logit", center=True)[0]
fig, axes = plt.subplots(2, 1, figsize=(11, 4.5), layout="constrained", sharex=True)
plot_saliency(plain, example[0], ax=axes[0], title="gradient x input")
plot_saliency(centred, example[0], ax=axes[1], title="centred gradient x input")
fig.savefig(out / "centred.png", dpi=80)
plt.close(fig)
change = np.abs(centred - plain).sum() / np.abs(plain).sum()
r = np.corrcoef(plain, centred)[0, 1]
top = set(np.argsort(-np.abs(plain))[:10]) & set(np.argsort(-np.abs(centred))[:10])
(out / "centred.txt").write_text(
    f"On this sequence, centring changes the map by {change:.0%} of its summed "
    f"absolute value; the two maps correlate at r = {r:.2f}, and {len(top)} of "
    "the 10 strongest positions are the same in both.\n"
)
