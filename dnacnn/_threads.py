"""TensorFlow's thread pools sized to the process's share of the cores.

TensorFlow fixes the size of its two thread pools (intra-op: the threads one
operation splits its work over; inter-op: the operations run side by side) at
its first operation in a process, and by default sizes both to all the cores.
The two worker processes of ``GridSearchCV(n_jobs=2)`` on 2 cores then keep
4 or more threads busy and slow each other down.  :func:`configure_threads`
sets both pools before that first operation, from the estimators'
``n_threads`` or, when it is None, from the share that the process was given
(:func:`default_threads`).
"""

from __future__ import annotations

import os
import sys
import threading
import warnings

from .exceptions import DNACNNWarning

__all__ = ["configure_threads", "default_threads"]

# The variable joblib sets to ``cpu_count() // n_jobs`` in its loky worker
# processes (with MKL_NUM_THREADS, OPENBLAS_NUM_THREADS, ...), and Dask's nanny
# to 1 in its worker processes.
_LIMIT_VARIABLE = "OMP_NUM_THREADS"

_lock = threading.Lock()
_warned: set[tuple[int, int, int]] = set()


def default_threads() -> int | None:
    """The threads this process should use, or None for TensorFlow's default.

    In a Dask worker, its number of threads (the cores it was given: a worker
    of ``nthreads=2`` runs two tasks at once, whose operations share one pool);
    else ``OMP_NUM_THREADS`` when set (joblib's loky workers get
    ``cpu_count() // n_jobs`` there); else None (all the cores).
    """
    if "distributed" in sys.modules:  # never import Dask to ask
        try:
            worker = sys.modules["distributed"].get_worker()
        except ValueError:  # not in a worker
            pass
        else:
            return max(int(worker.state.nthreads), 1)
    value = os.environ.get(_LIMIT_VARIABLE, "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    return None


def configure_threads(n_threads: int | None) -> int | None:
    """Size TensorFlow's intra- and inter-op pools to ``n_threads`` (None: automatic).

    Returns the number set, or None when TensorFlow's default is kept.  Once
    TensorFlow has run an operation in this process, its pools cannot change:
    if they differ from an ``n_threads`` given, a :class:`~dnacnn.DNACNNWarning`
    says so (once per process and number) and the fit goes on with them (the
    automatic share goes silently).
    """
    automatic = n_threads is None
    if automatic:
        n_threads = default_threads()
        if n_threads is None:
            return None
    import tensorflow as tf  # only when a fit sizes the pools

    threading_config = tf.config.threading
    with _lock:
        try:
            threading_config.set_intra_op_parallelism_threads(n_threads)
            threading_config.set_inter_op_parallelism_threads(n_threads)
        except RuntimeError:  # TensorFlow has run an operation already
            intra = threading_config.get_intra_op_parallelism_threads()
            inter = threading_config.get_inter_op_parallelism_threads()
            # the automatic share is a best effort: only a number asked for warns
            if not automatic and (n_threads, intra, inter) not in _warned:
                _warned.add((n_threads, intra, inter))
                _warn(n_threads, intra, inter)
            return None
    return n_threads


def _warn(n_threads: int, intra: int, inter: int) -> None:
    pools = ", ".join(
        f"{name}-op {value or 'all the cores'}"
        for name, value in (("intra", intra), ("inter", inter))
    )
    warnings.warn(
        f"n_threads={n_threads}, but TensorFlow already runs in this process "
        f"with thread pools of {pools}: it fixes them at its first operation, "
        "which came before this fit. The fit goes on with the pools as they "
        "are. To size them, fit in a fresh process (GridSearchCV's n_jobs, a "
        "Dask worker) or before any other TensorFlow work, or call "
        "tf.config.threading.set_intra_op_parallelism_threads() and "
        "set_inter_op_parallelism_threads() at the start of the script.",
        DNACNNWarning,
        stacklevel=5,  # the caller of fit
    )
