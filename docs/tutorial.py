"""The primer tutorial with dnacnn: the code of docs/tutorial.rst.

Run as ``python docs/tutorial.py OUT_DIR``; the Sphinx build runs it to make
the tutorial's figures and numbers (``conf.py``), so the page shows what this
code produces.  The sections between ``# [name]`` markers are included in the
page verbatim.
"""

import os
import sys
from pathlib import Path

import matplotlib
import numpy as np
from sklearn.utils import Bunch

matplotlib.use("Agg")
import matplotlib.pyplot as plt

out = Path(sys.argv[1] if len(sys.argv) > 1 else "tutorial-output")
out.mkdir(parents=True, exist_ok=True)


def save(ax, name):
    ax.figure.savefig(out / name, dpi=90)
    plt.close(ax.figure)


# conf.py sets DNACNN_TUTORIAL_STAND_IN (to the reason) when the build can
# neither read nor download the primer's files: the page then runs on data
# simulated by the primer's own process, and says so at its top.
stand_in = os.environ.get("DNACNN_TUTORIAL_STAND_IN")
if stand_in:
    import dnacnn
    from dnacnn.datasets import make_motif_dataset

    simulated, bound = make_motif_dataset(2000, 50, random_state=0)
    last = np.flatnonzero(bound)[-1]  # the page's example, i = 1999, is bound
    simulated[[last, -1]], bound[[last, -1]] = simulated[[-1, last]], bound[[-1, last]]
    dnacnn.fetch_primer = lambda: Bunch(sequences=simulated, target=bound)


# [curate]
from sklearn.model_selection import train_test_split

from dnacnn import DNAOneHotTransformer, fetch_primer

primer = fetch_primer()  # 2,000 sequences of 50 bp and their 0/1 labels
sequences, labels = primer.sequences, primer.target

one_hot = DNAOneHotTransformer().fit_transform(sequences)
print(one_hot.shape, one_hot.dtype)  # (2000, 50, 4) float32: channels A, C, G, T
X_train, X_test, y_train, y_test = train_test_split(
    sequences, labels, test_size=0.25, random_state=42
)
# [/curate]

# [train]
from sklearn.pipeline import make_pipeline

from dnacnn import DNACNNClassifier, plot_history

model = make_pipeline(
    DNAOneHotTransformer(),
    DNACNNClassifier(validation_split=0.25, random_state=0),  # 50 epochs
)
model.fit(X_train, y_train)  # raw strings in

save(plot_history(model, metric="loss"), "loss.png")
save(plot_history(model, metric="accuracy"), "accuracy.png")
# [/train]

# [evaluate]
from sklearn.metrics import ConfusionMatrixDisplay

accuracy = model.score(X_test, y_test)
display = ConfusionMatrixDisplay.from_estimator(model, X_test, y_test, cmap="Blues")
display.ax_.set_title(f"Confusion matrix, test accuracy {accuracy:.3f}")
save(display.ax_, "confusion_matrix.png")
# [/evaluate]

# [interpret]
from dnacnn import discover_motif, plot_logo, plot_saliency, saliency

i = 1999  # the tutorial's example: a bound sequence
scores = saliency(model, sequences[i : i + 1], clip=True)[0]
start = sequences[i].find("CGACCGAACTCC")  # where the motif was planted
save(plot_saliency(scores, sequences[i], highlight=(start, start + 12)), "saliency.png")

motif = discover_motif(model, X_train)  # from the saliency of bound sequences
save(plot_logo(motif), "motif_logo.png")
# [/interpret]

# [compare]
from dnacnn import in_silico_mutagenesis

fig, axes = plt.subplots(4, 1, figsize=(12, 9), layout="constrained")
panels = [
    ("the tutorial's: gradient x input of P(bound)", {}),
    ("gradient x input of the logit", {"output": "logit"}),
    (
        "integrated gradients of the logit",
        {"method": "integrated_gradients", "output": "logit"},
    ),
]
for ax, (title, options) in zip(axes[:3], panels, strict=True):
    values = saliency(model, sequences[i : i + 1], **options)[0]
    plot_saliency(values, sequences[i], highlight=(start, start + 12), ax=ax)
    ax.set_title(title)
effects = in_silico_mutagenesis(model, sequences[i : i + 1], reduce="mean")[0]
plot_saliency(-effects, sequences[i], highlight=(start, start + 12), ax=axes[3])
axes[3].set_title("in-silico mutagenesis: mean drop of P(bound) per substitution")
fig.savefig(out / "methods.png", dpi=90)
plt.close(fig)
# [/compare]

positives = np.flatnonzero(y_train == 1)
planted = np.array([X_train[j].find("CGACCGAACTCC") for j in positives])
found = dict(zip(motif.sites["sequence"], motif.sites["start"], strict=True))
at_planted = np.mean(
    [found.get(j) == p for j, p in zip(positives, planted, strict=True)]
)
note = (
    f"""
.. note::

   This copy of the page was built without the primer's files: its figures
   and numbers come from 2,000 sequences simulated the primer's way
   (``make_motif_dataset(2000, 50, random_state=0)``), not from the primer's
   own. Set ``DNACNN_DATA`` to a folder holding ``primer/`` (or build with
   network access) to see the primer's. The build's ``fetch_primer()`` said:

   .. code-block:: text

      {stand_in}
"""
    if stand_in
    else ""
)
(out / "results.rst").write_text(
    note
    + f"""
.. list-table::
   :widths: 40 60

   * - test accuracy
     - {accuracy:.3f} (the tutorial reported 0.980)
   * - confusion matrix (rows: true 0, 1)
     - ``{display.confusion_matrix.tolist()}`` (the tutorial: ``[[251, 8], [2, 239]]``)
   * - discovered motif
     - ``{motif.consensus}`` (planted: ``CGACCGAACTCC``)
   * - sites at the planted position
     - {at_planted:.1%} of the {len(positives)} bound training sequences
"""
)
print(f"tutorial: accuracy {accuracy:.3f}, motif {motif.consensus}, figures in {out}")
