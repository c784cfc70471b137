"""
Binary classification: bound or not
====================================

The primer tutorial's task on simulated data: 600 sequences of 50 bp, the
motif ``CGACCGAACTCC`` planted in half of them.  The encoder and the network
form one scikit-learn Pipeline that takes the strings; the saliency map of a
bound test sequence points at the planted site.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from dnacnn import (
    DNACNNClassifier,
    DNAOneHotTransformer,
    make_motif_dataset,
    plot_saliency,
    saliency,
)

motif = "CGACCGAACTCC"  # the primer's motif, make_motif_dataset's default
X, y = make_motif_dataset(n_samples=600, length=50, motif=motif, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0
)

# %%
# Train and evaluate
# ------------------
# A few epochs are enough for a motif this clean.

model = make_pipeline(
    DNAOneHotTransformer(), DNACNNClassifier(epochs=10, random_state=0)
)
model.fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.3f}")

# %%
# Which bases made the call?
# --------------------------
# :func:`dnacnn.saliency` takes the Pipeline and the strings; the planted site
# is highlighted.

i = np.flatnonzero(y_test == 1)[0]
start = X_test[i].find(motif)
maps = saliency(model, X_test[i : i + 1], output="logit")
fig, ax = plt.subplots(figsize=(9, 2.5), layout="constrained")
plot_saliency(
    maps[0],
    X_test[i],
    highlight=(start, start + len(motif)),
    ax=ax,
    title="saliency of a bound test sequence (planted site in orange)",
)
plt.show()
