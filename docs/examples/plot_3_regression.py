"""
Regression: predicting an activity
==================================

:class:`~dnacnn.DNACNNRegressor` is the same network with a linear output,
for enhancer activity, MPRA or STARR-seq readouts.  The simulated activity is
``2·A − 1.5·B`` plus noise, where A and B say whether each of two motifs is
present; a :class:`~sklearn.compose.TransformedTargetRegressor` standardises
the target for training.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from dnacnn import DNACNNRegressor, DNAOneHotTransformer, make_motif_dataset

motif_a, motif_b = "CGACCGAACTCC", "TTTAGGCATGCA"
left, a = make_motif_dataset(800, length=40, motif=motif_a, random_state=3)
right, b = make_motif_dataset(800, length=40, motif=motif_b, random_state=4)
X = left + right
rng = np.random.default_rng(0)
activity = 2.0 * a - 1.5 * b + rng.normal(0, 0.3, size=len(X))
X_train, X_test, y_train, y_test = train_test_split(X, activity, random_state=0)

# %%
# Train and score
# ---------------
# ``score`` is R², as for every scikit-learn regressor.

model = TransformedTargetRegressor(
    regressor=make_pipeline(
        DNAOneHotTransformer(), DNACNNRegressor(epochs=30, random_state=0)
    ),
    transformer=StandardScaler(),
)
model.fit(X_train, y_train)
print(f"test R²: {model.score(X_test, y_test):.3f}")

# %%
# Predicted against measured
# --------------------------
# The four clusters are the four combinations of the two motifs.

predicted = model.predict(X_test)
fig, ax = plt.subplots(figsize=(4.5, 4.5), layout="constrained")
ax.scatter(y_test, predicted, s=8, alpha=0.6)
lims = [min(y_test.min(), predicted.min()), max(y_test.max(), predicted.max())]
ax.plot(lims, lims, color="grey", lw=1)
ax.set(xlabel="measured activity", ylabel="predicted activity", title="test set")
plt.show()
