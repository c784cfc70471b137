"""The scikeras-wrapped estimators (the only modules importing scikeras).

:class:`DNACNNClassifier` and :class:`DNACNNRegressor` share one definition
of the network's and the training's parameters (``_base.DNACNNBase``).
"""

from ._classifier import DNACNNClassifier
from ._regressor import DNACNNRegressor

__all__ = ["DNACNNClassifier", "DNACNNRegressor"]
