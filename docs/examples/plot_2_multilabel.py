"""
Multi-label classification: several factors per sequence
=========================================================

Chromatin models (DeepSEA, Basset) predict many binary labels per sequence.
Give :class:`~dnacnn.DNACNNClassifier` a 0/1 indicator matrix ``Y`` of shape
``(n_samples, k)`` and it trains ``k`` sigmoid outputs.  Here motif A sits in
the left half of a sequence and motif B in the right half, each in an
independent half of the 800 sequences.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from dnacnn import (
    DNACNNClassifier,
    DNAOneHotTransformer,
    make_motif_dataset,
    plot_saliency,
    saliency,
)

motif_a, motif_b = "CGACCGAACTCC", "TTTAGGCATGCA"
left, y_a = make_motif_dataset(800, length=40, motif=motif_a, random_state=1)
right, y_b = make_motif_dataset(800, length=40, motif=motif_b, random_state=2)
X = left + right  # 80 bp: A (or not) on the left, B (or not) on the right
Y = np.column_stack([y_a, y_b])
X_train, X_test, Y_train, Y_test = train_test_split(X, Y, random_state=0)

# %%
# One network, two sigmoid outputs
# --------------------------------
# ``predict_proba`` returns one column per label; scikit-learn's metrics take
# the indicator matrix as it is.

model = make_pipeline(
    DNAOneHotTransformer(), DNACNNClassifier(epochs=10, random_state=0)
)
model.fit(X_train, Y_train)
proba = model.predict_proba(X_test)
print("predict_proba shape:", proba.shape)
print("test ROC AUC per label (A, B):", roc_auc_score(Y_test, proba, average=None))

# %%
# Explaining one label
# --------------------
# ``target`` picks the label: on a sequence that holds both motifs, label 0's
# saliency falls on motif A and label 1's on motif B.

i = np.flatnonzero(Y_test.all(axis=1))[0]
fig, axes = plt.subplots(2, 1, figsize=(9, 4.5), layout="constrained", sharex=True)
for target, name, ax in zip((0, 1), ("A", "B"), axes, strict=True):
    maps = saliency(model, X_test[i : i + 1], target=target, output="logit")
    plot_saliency(maps[0], X_test[i], ax=ax, title=f"label {target} (motif {name})")
plt.show()
