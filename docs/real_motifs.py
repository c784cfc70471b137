"""Figures, tables and BED of docs/user_guide/real_motifs.rst, run by hand.

Usage: python docs/real_motifs.py [OUTDIR]

Reads DeepBind's ENCODE GABPA set (GM12878, HudsonAlpha) from
../shared/data/real/deepbind/ beside the checkout, or from $DNACNN_REAL_DATA.
The data are not in the repository, so the docs build does not run this
script: what it writes into OUTDIR (default docs/figures/real_motifs/) is
committed, and the page shows this file's code between its ``# [...]``
markers.  About 20 minutes on 2 cores.
"""

import os
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from dnacnn import (  # noqa: E402
    DNACNNClassifier,
    DNAOneHotTransformer,
    annotate_motifs,
    cross_val_motifs,
    dinucleotide_shuffle,
    load_motif_database,
    plot_logo,
    saliency,
    scan_motifs,
)
from dnacnn.genome import write_bed  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "figures" / "real_motifs"
OUT.mkdir(parents=True, exist_ok=True)
DATA = HERE.parents[1] / "shared" / "data" / "real" / "deepbind"
if not DATA.is_dir():
    DATA = Path(os.environ.get("DNACNN_REAL_DATA", "/work/shared/data/real")) / (
        "deepbind"
    )
times = {}
clock = time.perf_counter()
load = os.getloadavg()[0]

# [data]
stem = DATA / "GABPA_GM12878_HudsonAlpha"
peaks = pd.read_csv(f"{stem}_train_AC.tsv.gz", sep="\t")  # 6,066 peaks of 101 bp
rng = np.random.default_rng(0)
held_out = np.zeros(len(peaks), dtype=bool)  # 1,000 peaks never trained on
held_out[rng.choice(len(peaks), 1000, replace=False)] = True
train = peaks.loc[~held_out, "seq"].to_numpy(dtype=object)
X = np.concatenate([train, dinucleotide_shuffle(train, random_state=0)])
y = np.r_[np.ones(len(train), dtype=int), np.zeros(len(train), dtype=int)]
# [cv]
model = make_pipeline(DNAOneHotTransformer(), DNACNNClassifier(random_state=0))
result = cross_val_motifs(
    model, X, y, cv=3, explain="target", attribution="deeplift_shap"
)
print(result)
print(result.summary[["motif", "consensus", "sites", "folds_supported", "stable"]])
# [names]
jaspar = load_motif_database()  # JASPAR2024 CORE vertebrates, from pyjaspar
names = annotate_motifs(result.stable_motifs, jaspar, n_matches=3)
print(names[["motif", "rank", "match_id", "match_name", "q_value", "orientation"]])
# [logos]
for i, motif in enumerate(result.stable_motifs):
    best = names[(names["motif"] == motif.name) & (names["rank"] == 1)].iloc[0]
    match = jaspar[best["match_id"]]
    if best["orientation"] == "-":  # the match turned to the motif's strand
        match = match.reverse_complement()
    fig, axes = plt.subplots(1, 2, figsize=(11, 2.4), layout="constrained")
    plot_logo(motif, ax=axes[0], title=f"{motif.name} ({motif.nsites} sites)")
    plot_logo(match, ax=axes[1], title=f"{best['match_name']} {best['match_id']}")
    fig.savefig(OUT / f"motif_{i}.png", dpi=80)
    plt.close(fig)
# [fit]
model.fit(X, y)  # on all training peaks, for the held-out ones
test = pd.read_csv(f"{stem}_test_B.tsv.gz", sep="\t")  # 500 peaks, 500 shuffles
auroc = roc_auc_score(test["Bound"], model.predict_proba(test["seq"])[:, 1])
# [scan]
explained = peaks[held_out]
sequences = explained["seq"].to_numpy(dtype=object)
scores = saliency(model, sequences, output="logit")  # one score per base
hits = scan_motifs(result.stable_motifs, sequences, attributions=scores)
# no genome coordinates in these files: each hit is placed on its peak's name
hits.insert(0, "chrom", explained["EventID"].to_numpy()[hits["sequence"]])
write_bed(hits, OUT / "gabpa_hits.bed", track="GABPA held-out peaks")
print(hits.head())
# the same motifs in one dinucleotide shuffle of each held-out peak
shuffles = dinucleotide_shuffle(sequences, random_state=1)
background = scan_motifs(result.stable_motifs, shuffles)
# [end]
times["all"] = time.perf_counter() - clock

# what the page quotes, written beside the figures
summary = result.summary.copy()
summary["match_q_value"] = summary["match_q_value"].map("{:.2g}".format)
folds = result.folds.copy()
folds["q_value"] = folds["q_value"].map("{:.2g}".format)
shown = names[
    ["motif", "consensus", "sites", "rank", "match_id", "match_name", "q_value"]
].copy()
shown["q_value"] = shown["q_value"].map("{:.2g}".format)
shown["orientation"] = names["orientation"]
(OUT / "cv.txt").write_text(
    f"{result!r}\n\nfold scores (accuracy on each fold's held-out rows): "
    + ", ".join(f"{s:.4f}" for s in result.fold_scores)
    + f"\n\n{summary.to_string(index=False)}\n\n{folds.to_string(index=False)}\n"
)
(OUT / "names.txt").write_text(f"{jaspar.description}\n\n{shown.to_string()}\n")
(OUT / "hits.txt").write_text(hits.head(8).to_string() + "\n")
lines = []
for motif in result.stable_motifs:
    peaks_hit = hits.loc[hits["motif"] == motif.name, "sequence"].nunique()
    shuffles_hit = background.loc[background["motif"] == motif.name, "sequence"]
    lines.append(
        f"{motif.name} ({motif.consensus}): a hit (p < 1e-4) in {peaks_hit} of "
        f"{len(sequences)} held-out peaks, {shuffles_hit.nunique()} of their "
        f"{len(shuffles)} shuffles"
    )
lines.append(f"test_B auROC of the model fitted on all training peaks: {auroc:.4f}")
lines.append(
    f"{len(hits)} hits written to gabpa_hits.bed; the whole script took "
    f"{times['all'] / 60:.0f} min (2 cores, load average {load:.1f} at the start)"
)
(OUT / "scan.txt").write_text("\n".join(lines) + "\n")
print("\n".join(lines))
