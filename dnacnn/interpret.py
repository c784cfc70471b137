"""Attributions: which bases make the network call a sequence bound.

Gradients are computed for whole batches in one compiled TensorFlow function;
in-silico mutagenesis scores every single-base substitution in batches too.
Both accept a fitted :class:`~dnacnn.DNACNNClassifier` with one-hot input, or
a fitted Pipeline ending in one with the Pipeline's own input (raw strings),
and return scores aligned with the input sequences.
"""

from __future__ import annotations

import weakref

import numpy as np

from . import _deeplift
from ._fitted import resolve, target_indices
from ._validation import check_choice, check_int
from .models import logit_function

__all__ = ["in_silico_mutagenesis", "saliency"]

METHODS = ("gradient", "gradient_x_input", "integrated_gradients", "deeplift_shap")
OUTPUTS = ("probability", "logit")

# Memory for the mutant sequences in_silico_mutagenesis builds at once.
_MUTANT_BYTES = 64 * 2**20
# Compiled functions per fitted Keras model and output kind.
_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def saliency(
    estimator,
    X,
    *,
    target=None,
    method: str = "gradient_x_input",
    reduce: str | None = "sum",
    clip: bool = False,
    output: str = "probability",
    center: bool = False,
    baseline=None,
    steps: int = 50,
    n_shuffles: int = 20,
    hypothetical: bool = False,
    random_state=None,
    batch_size: int = 512,
    verbose: int = 0,
):
    """Per-base attributions of a fitted CNN's prediction.

    The primer tutorial's saliency map is ``method="gradient_x_input"``,
    ``reduce="sum"``, ``clip=True``: the gradient of the positive class's
    probability with respect to each input channel, times the input, summed
    over the channels and clipped at zero.

    Parameters
    ----------
    estimator : DNACNNClassifier or Pipeline
        A fitted classifier, or a fitted Pipeline whose last step is one (its
        earlier steps, such as :class:`~dnacnn.DNAOneHotTransformer`, are
        applied to ``X`` first).
    X : array-like
        One-hot sequences ``(n_samples, L, C)`` for a classifier; the
        Pipeline's input (e.g. strings) for a Pipeline.
    target : class label, output index or None, default=None
        The output explained: a class label; for multi-label classification
        and regression, an output index (the column of ``y`` in fit).  By
        default the positive class (``classes_[1]``) for binary problems, the
        only output of a single-target regressor, and each sequence's
        predicted class (most probable label) otherwise.
    method : {"gradient", "gradient_x_input", "integrated_gradients", \
"deeplift_shap"}, default="gradient_x_input"
        The gradient; the gradient times the input; integrated gradients
        (the average gradient along the straight path from ``baseline`` to
        the input, times their difference); or DeepLIFT's rescale rule
        averaged over ``n_shuffles`` dinucleotide-shuffled references
        (DeepSHAP, as tangermeme's ``deep_lift_shap``; see Notes).
    reduce : {"sum"} or None, default="sum"
        ``"sum"`` adds the channels up: one score per base. ``None`` keeps
        them: ``(L, C)`` per sequence.
    clip : bool, default=False
        Set negative scores to zero.
    output : {"probability", "logit"}, default="probability"
        Explain the softmax (or sigmoid) probability or the logit before it;
        for a regressor both are its output (the log rate for Poisson).
    center : bool, default=False
        Subtract from the gradient at each position its mean over the
        channels, before it is multiplied by the input (the correction of
        Majdandzic et al., 2023; see Notes).
    baseline : None, "uniform" or array-like of shape (L, C), default=None
        Integrated gradients' starting point: all zeros (no base), 0.25
        everywhere, or an array.  For ``"deeplift_shap"``, None gives the
        shuffled references; ``"uniform"`` or an array is the one reference
        of every sequence (DeepLIFT with a fixed reference).
    steps : int, default=50
        Integrated gradients' number of points on the path.
    n_shuffles : int, default=20
        ``"deeplift_shap"``: dinucleotide shuffles of each sequence used as
        references (:func:`dnacnn.dinucleotide_shuffle`); the
        attributions are their average.
    hypothetical : bool, default=False
        ``"deeplift_shap"``: return the hypothetical contribution of every
        base at every position, ``(n_samples, L, C)`` whatever ``reduce``
        (what TF-MoDISco reads beside the one-hot sequences): the
        contribution the position would make if it held that base.  Times
        the one-hot input, summed over the channels, it is the contribution.
    random_state : int, RandomState instance or None, default=None
        ``"deeplift_shap"``: seeds the shuffles.  The result does not depend
        on ``batch_size``.
    batch_size : int, default=512
        Sequences per compiled call (for ``"deeplift_shap"``, sequences and
        references together).  Each batch is finished (multiplied,
        summed, clipped) before the next, so memory beyond ``X`` is the
        returned scores and one batch's work.
    verbose : int, default=0
        1 shows a progress bar over the batches (Keras' ``Progbar``).

    Returns
    -------
    scores : ndarray of shape (n_samples, L) or (n_samples, L, C), or list
        float32 attributions.  When the encoder padded or cut sequences, a
        list with one array per sequence, of that sequence's own length
        (padding removed; positions cut by truncation are NaN).

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.
    TypeError
        If the estimator is not a DNACNNClassifier or a Pipeline ending in one,
        or a parameter has the wrong type (``clip`` not a bool, ``steps`` or
        ``batch_size`` not an int, ``baseline`` not numeric).
    ValueError
        For an unknown ``target``, ``method``, ``reduce`` or ``output``,
        ``steps``, ``n_shuffles`` or ``batch_size`` below 1, a ``baseline`` of
        the wrong shape, or input of the wrong shape; ``hypothetical=True``
        with another method than ``"deeplift_shap"``, or with ``clip=True``
        or ``center=True``; for ``"deeplift_shap"``, a network with a layer
        DeepLIFT has no rule for (a GRU, or a layer of your own): the message
        names it.

    Warns
    -----
    DNACNNWarning
        ``"deeplift_shap"``: when the contributions of a sequence against
        one of its references do not add up to the change of the output
        (the convergence delta exceeds ``1e-3 + 1e-3 * max(1, |output|)``),
        saying for how many sequences and the worst delta.

    See Also
    --------
    in_silico_mutagenesis : Effects of every single-base substitution.

    Notes
    -----
    ``center=True`` is the correction of Majdandzic et al. (2023),
    "Correcting gradient-based interpretations of deep neural networks for
    genomics", Genome Biology 24:109.  A one-hot base lies on the simplex
    (its channels sum to 1), so the part of the gradient common to the four
    channels of a position points off the simplex, where no sequence lies:
    it is noise, and it shifts every base's score at that position alike.
    Centring removes it.  ``method="gradient", reduce=None, center=True``
    gives the hypothetical contribution of every base that TF-MoDISco reads
    (:func:`dnacnn.motifs.discover_motifs`); with ``"gradient_x_input"`` a
    base's score becomes its gradient minus the position's mean gradient.

    ``method="deeplift_shap"`` runs each sequence and each of its references
    through a copy of the network whose nonlinear layers carry DeepLIFT's
    gradients (Shrikumar et al., 2017, "Learning important features through
    propagating activation differences", ICML): the rescale rule
    ``(f(z) - f(z_ref)) / (z - z_ref)`` for elementwise activations (ReLU,
    GELU, ...), max pooling and the strand merge routed as Captum and
    tangermeme do, convolutions, dense and batch normalization layers linear,
    a softmax by its Jacobian averaged between the two logit vectors, an
    LSTM (``architecture="danq"``) step by step, its gates rescaled and each
    product of two changing values split between them as their Shapley
    values.  The
    contributions of a sequence against a reference then add up to the
    change of the output from the reference (checked: see Warns); they are
    averaged over the references (DeepSHAP, Lundberg and Lee, 2017).
    Positions without a base (``N``, padding) keep their base in every
    reference, so they contribute exactly zero.  On random networks of every
    supported built-in architecture the deltas are below 1e-6 (float32); on
    a small ReLU network they agree with tangermeme's ``deep_lift_shap`` on
    the same weights and references to 1e-6 (``tests/test_deeplift.py``).

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from dnacnn import DNACNNClassifier, DNAOneHotTransformer, saliency
    >>> from dnacnn import make_motif_dataset
    >>> X, y, positions = make_motif_dataset(
    ...     200, 30, return_positions=True, random_state=0
    ... )
    >>> model = make_pipeline(
    ...     DNAOneHotTransformer(),
    ...     DNACNNClassifier(epochs=30, batch_size=32, random_state=0),
    ... ).fit(X, y)
    >>> scores = saliency(model, X[y == 1], clip=True)
    >>> scores.shape
    (100, 30)
    >>> top = scores.argmax(axis=1)  # the most salient base lies in the motif
    >>> start = positions[y == 1]
    >>> bool(((top >= start) & (top < start + 12)).mean() > 0.9)
    True

    DeepLIFT against 10 shuffles of each sequence; the hypothetical
    contributions are TF-MoDISco's input:

    >>> scores = saliency(model, X[:20], method="deeplift_shap", n_shuffles=10,
    ...                   output="logit", random_state=0)
    >>> scores.shape
    (20, 30)
    >>> hypothetical = saliency(model, X[:20], method="deeplift_shap",
    ...                         n_shuffles=10, hypothetical=True, random_state=0)
    >>> hypothetical.shape
    (20, 30, 4)
    """
    check_choice(method, "method", METHODS)
    check_choice(reduce, "reduce", ("sum", None))
    check_choice(output, "output", OUTPUTS)
    if method == "integrated_gradients":
        check_int(steps, "steps", low=1)
    if method == "deeplift_shap":
        check_int(n_shuffles, "n_shuffles", low=1)
    check_int(batch_size, "batch_size", low=1)
    check_int(verbose, "verbose", low=0)
    for flag, value in (
        ("clip", clip),
        ("center", center),
        ("hypothetical", hypothetical),
    ):
        if not isinstance(value, bool | np.bool_):
            raise TypeError(
                f"{flag} must be a bool, got {type(value).__name__} {value!r}."
            )
    if hypothetical and method != "deeplift_shap":
        raise ValueError(
            f"hypothetical=True is for method='deeplift_shap', got method="
            f"{method!r}; for gradients, method='gradient', reduce=None, "
            "center=True gives hypothetical contributions."
        )
    if method == "deeplift_shap" and (center or (clip and hypothetical)):
        raise ValueError(
            "method='deeplift_shap' takes neither center=True nor clip=True with "
            "hypothetical=True: its hypothetical contributions are TF-MoDISco's "
            "as they are."
        )
    resolved = resolve(estimator, X)
    X_model = resolved.X
    targets = target_indices(resolved.network, X_model, target)
    if method == "deeplift_shap":
        if baseline is not None:
            baseline = _baseline(baseline, X_model.shape[1:])
        return resolved.align(
            _deeplift_shap(
                resolved.network.model_,
                X_model,
                targets,
                output=output,
                n_shuffles=n_shuffles,
                baseline=baseline,
                hypothetical=hypothetical,
                reduce=reduce,
                clip=clip,
                random_state=random_state,
                batch_size=batch_size,
                verbose=verbose,
            )
        )
    gradient = _compiled(resolved.network.model_, output)["gradient"]
    if method == "integrated_gradients":
        start = _baseline(baseline, X_model.shape[1:])

    def attribute(x, t):
        """The finished scores of one batch: the full-size array never exists."""
        x = np.asarray(x, dtype=np.float32)
        if method == "integrated_gradients":
            scores = np.zeros(x.shape, dtype=np.float32)
            for alpha in (np.arange(steps, dtype=np.float32) + 0.5) / steps:
                # midpoint rule on the path start + alpha * (x - start)
                scores += gradient(start + alpha * (x - start), t).numpy()
        else:
            scores = gradient(x, t).numpy()
        if center:
            scores -= scores.mean(axis=-1, keepdims=True)
        if method == "integrated_gradients":
            scores *= (x - start) / steps
        elif method == "gradient_x_input":
            scores *= x
        if reduce == "sum":
            scores = scores.sum(axis=-1)
        if clip:
            np.maximum(scores, 0, out=scores)
        return scores

    scores = _batched(attribute, X_model, targets, batch_size, verbose)
    return resolved.align(scores)


def in_silico_mutagenesis(
    estimator,
    X,
    *,
    target=None,
    output: str = "probability",
    reduce: str | None = None,
    batch_size: int = 512,
):
    """Effect of every single-base substitution on the target's output.

    For each position and each base of the alphabet, the sequence with that
    base at that position is scored, and its output minus the unmutated
    sequence's output is recorded (zero for the base already there).

    Parameters
    ----------
    estimator : DNACNNClassifier or Pipeline
        A fitted classifier, or a fitted Pipeline ending in one.
    X : array-like
        One-hot sequences for a classifier; the Pipeline's input otherwise.
    target : class label or None, default=None
        As in :func:`saliency`.
    output : {"probability", "logit"}, default="probability"
        The output whose change is measured.
    reduce : {"mean"} or None, default=None
        ``None`` gives one effect per position and base; ``"mean"`` averages
        the substitutions at each position (the bases not already there).
    batch_size : int, default=512
        Mutant sequences per compiled call.

    Returns
    -------
    effects : ndarray of shape (n_samples, L, C) or (n_samples, L), or list
        float32 changes of the output; a list of per-sequence arrays when the
        encoder padded or cut sequences (as in :func:`saliency`).

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from dnacnn import DNACNNClassifier, DNAOneHotTransformer
    >>> from dnacnn import in_silico_mutagenesis, make_motif_dataset
    >>> X, y = make_motif_dataset(200, 30, random_state=0)
    >>> model = make_pipeline(
    ...     DNAOneHotTransformer(),
    ...     DNACNNClassifier(epochs=30, batch_size=32, random_state=0),
    ... ).fit(X, y)
    >>> effects = in_silico_mutagenesis(model, X[:3], reduce="mean")
    >>> effects.shape
    (3, 30)
    """
    check_choice(output, "output", OUTPUTS)
    check_choice(reduce, "reduce", ("mean", None))
    check_int(batch_size, "batch_size", low=1)
    resolved = resolve(estimator, X)
    X_model = resolved.X
    targets = target_indices(resolved.network, X_model, target)
    forward = _compiled(resolved.network.model_, output)["forward"]
    n, L, C = X_model.shape
    reference = _batched(forward, X_model, targets, batch_size)
    effects = np.empty((n, L, C), dtype=np.float32)
    eye = np.eye(C, dtype=np.float32)
    bases = np.arange(C)[None, :]
    # Mutants built at once: at most _MUTANT_BYTES of one-hot sequences, as
    # whole sequences' worth of mutants (L * C each) or a block of positions.
    budget = max(1, _MUTANT_BYTES // (L * C * 4))
    per_chunk = max(1, budget // (L * C))
    span = L if budget >= L * C else max(1, budget // C)
    for start in range(0, n, per_chunk):
        stop = min(start + per_chunk, n)
        for first in range(0, L, span):
            last = min(first + span, L)
            block = np.arange(last - first)[:, None]
            # mutants[i, j, b] = sequence i with base b at position first + j
            mutants = np.repeat(X_model[start:stop, None, None], last - first, axis=1)
            mutants = np.repeat(mutants, C, axis=2)
            mutants[:, block, bases, first + block, :] = eye[bases]
            scores = _batched(
                forward,
                mutants.reshape(-1, L, C),
                np.repeat(targets[start:stop], (last - first) * C),
                batch_size,
            )
            effects[start:stop, first:last] = scores.reshape(stop - start, -1, C)
    effects -= reference[:, None, None]
    if reduce == "mean":
        # the bases not already there; at an N (all zeros or fractions) all
        alternatives = X_model != 1
        alternatives[~(X_model == 1).any(axis=-1)] = True
        effects = (effects * alternatives).sum(-1) / alternatives.sum(-1)
    return resolved.align(effects)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def _deeplift_shap(model, X, targets, *, reduce, clip, verbose, **options):
    """DeepSHAP scores, reduced and clipped as the other methods' (not the
    hypothetical ones)."""
    progress = None
    if verbose:
        import keras

        progress = keras.utils.Progbar(len(X))
    scores = _deeplift.deeplift_shap(model, X, targets, progress=progress, **options)
    if options["hypothetical"]:
        return scores
    if reduce == "sum":
        scores = scores.sum(axis=-1)
    if clip:
        np.maximum(scores, 0, out=scores)
    return scores


def _baseline(baseline, shape) -> np.ndarray:
    if baseline is None:
        return np.zeros(shape, dtype=np.float32)
    if isinstance(baseline, str):
        if baseline != "uniform":
            raise ValueError(
                f"baseline must be None, 'uniform' or an array, got {baseline!r}."
            )
        return np.full(shape, 1.0 / shape[-1], dtype=np.float32)
    values = np.asarray(baseline)
    if values.dtype.kind not in "fiub":
        raise TypeError(
            f"baseline must be None, 'uniform' or a numeric array of shape "
            f"{tuple(shape)}, got {type(baseline).__name__} {baseline!r}."
        )
    baseline = values.astype(np.float32)
    if baseline.shape != tuple(shape):
        raise ValueError(
            f"baseline must have the shape of one sequence {tuple(shape)}, got "
            f"{baseline.shape}."
        )
    if not np.isfinite(baseline).all():
        raise ValueError("baseline must be finite; it holds NaN or infinite values.")
    return baseline


def _batched(fn, X, targets: np.ndarray, batch_size: int, verbose: int = 0):
    """``fn`` on each batch of ``X`` and ``targets``, the results concatenated."""
    progress = None
    if verbose:
        import keras

        progress = keras.utils.Progbar(len(X))
    parts = []
    for i in range(0, len(X), batch_size):
        result = fn(X[i : i + batch_size], targets[i : i + batch_size])
        parts.append(result if isinstance(result, np.ndarray) else result.numpy())
        if progress is not None:
            progress.update(min(i + batch_size, len(X)))
    return np.concatenate(parts)


def _compiled(model, output: str) -> dict:
    """One compiled gradient and forward function per model and output kind."""
    per_model = _COMPILED.setdefault(model, {})
    if output not in per_model:
        per_model[output] = _compile(model, output)
    return per_model[output]


def _compile(model, output: str) -> dict:
    import tensorflow as tf

    # The functions hold the model weakly: _COMPILED is keyed by the model, so
    # a strong reference here would keep every explained model alive.
    model_ref = weakref.ref(model)
    if output == "logit":
        score = logit_function(model)
    else:

        def score(x):
            return model_ref()(x, training=False)

    signature = [
        tf.TensorSpec([None, *model.input_shape[1:]], tf.float32),
        tf.TensorSpec([None], tf.int32),
    ]

    @tf.function(input_signature=signature)
    def gradient(x, targets):
        with tf.GradientTape() as tape:
            tape.watch(x)
            selected = tf.gather(score(x), targets, axis=1, batch_dims=1)
        # each sample's output depends on its own input only, so the gradient
        # of the sum is every sample's own gradient
        return tape.gradient(selected, x)

    @tf.function(input_signature=signature)
    def forward(x, targets):
        return tf.gather(score(x), targets, axis=1, batch_dims=1)

    return {"gradient": gradient, "forward": forward}
