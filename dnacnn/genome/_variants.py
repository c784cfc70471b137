"""Variant effects: the logit difference between alternative and reference windows."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .._fitted import fitted_length, is_network, resolve
from .._validation import check_choice, check_int
from ..models import logit_function
from ..preprocessing import one_hot_encode
from ._background import GenomeWarning
from ._vcf import as_variants
from ._windows import GenomeSequenceTransformer, as_genome, to_strings

__all__ = ["CHECK_REF", "score_variants"]

CHECK_REF = ("error", "warn", "skip")
# Variants encoded at once (twice as many windows).
_CHUNK = 2048
# The bytes a genome window may hold: A, C, G, T, N in either case.
_GENOME_BASES = np.zeros(256, dtype=bool)
_GENOME_BASES[np.frombuffer(b"ACGTNacgtn", np.uint8)] = True


def _parts(model, genome, length):
    """The genome, window length and the model that reads strings."""
    steps = getattr(model, "steps", None)
    if steps is not None and isinstance(steps[0][1], GenomeSequenceTransformer):
        first = steps[0][1]
        genome = first.genome if genome is None else genome
        length = first.length if length is None else length
        model = model[1:]
        steps = model.steps
    if genome is None:
        raise ValueError(
            "genome is None and the model has no GenomeSequenceTransformer to "
            "take it from: pass genome='genome.fa'."
        )
    if length is None:
        length = fitted_length(model)
    if length is None:
        raise ValueError(
            "the window length is unknown: pass length=, or use a model whose "
            "encoder was fitted with a fixed length."
        )
    if steps is None and not is_network(model):
        raise TypeError(
            "model must be a fitted Pipeline (from intervals or sequences) or a "
            f"DNACNN estimator, got {type(model).__name__}."
        )
    return as_genome(genome), check_int(length, "length", low=1), model


def _encode(model, sequences: np.ndarray):
    """The network and the one-hot float32 input it reads for ``sequences``."""
    if getattr(model, "steps", None) is None:
        resolved = resolve(model, one_hot_encode(sequences))
    else:
        resolved = resolve(model, sequences)
    return resolved.network, resolved.X


def _scorer(network, shape):
    """The network's logits as one compiled function of a float32 batch."""
    import tensorflow as tf

    logits = logit_function(network.model_)
    spec = tf.TensorSpec([None, *shape], tf.float32)
    # the functional model was built on a list of one input: call it so
    return tf.function(lambda x: logits([x]), input_signature=[spec])


def _output_names(network, k: int) -> list[str]:
    classes = getattr(network, "classes_", None)
    if classes is not None and len(classes) == k:
        return [str(c) for c in classes]
    return [str(i) for i in range(k)]


def score_variants(
    model,
    variants,
    genome=None,
    *,
    length: int | None = None,
    check_ref: str = "error",
    batch_size: int = 256,
    verbose: int = 0,
) -> pd.DataFrame:
    """Effects of variants: the model's logits on the alternative minus the reference.

    For each variant the ``length``-bp window is read with its first
    reference base at 0-based position ``length // 2`` (the window starts
    ``length // 2`` bases before it), once as the genome has it and once with
    ``ref`` replaced by ``alt``.  An indel keeps the window's length: the
    left flank and the variant's start stay where they are, and the right
    flank is extended (deletions) or cut (insertions) at the right end.
    Windows running off a chromosome end are padded with ``N``.  Both are
    scored in batches and the effect is the difference of each output's
    logit (the output layer before its softmax or sigmoid), which is
    additive and does not saturate as probabilities do.

    Parameters
    ----------
    model : Pipeline or DNACNN estimator
        A fitted Pipeline that starts with a :class:`GenomeSequenceTransformer`
        (the genome and length default to its own), one that reads sequences
        (e.g. ``DNAOneHotTransformer`` then ``DNACNNClassifier``), or a
        fitted network estimator.
    variants : pandas.DataFrame, str or path-like
        A VCF (plain or gzipped; see :func:`read_vcf`) or a DataFrame with
        ``chrom``, ``pos`` (1-based), ``ref``, ``alt`` and optionally ``id``.
    genome : str, path-like or None, default=None
        The genome FASTA; None takes the model's.
    length : int or None, default=None
        Window length; None takes the model's (its transformer's ``length``,
        or its encoder's fitted ``length_``).
    check_ref : {"error", "warn", "skip"}, default="error"
        A ``ref`` that differs from the genome (either case) is an error that
        lists the first mismatches; or a :class:`GenomeWarning`, or nothing,
        and that variant's scores are NaN.
    batch_size : int, default=256
        Windows per call of the network.
    verbose : int, default=0
        1 shows a progress bar over the variants (Keras' ``Progbar``),
        advanced after each block of windows read, encoded and scored.

    Returns
    -------
    scores : pandas.DataFrame
        The variants' ``chrom, pos, id, ref, alt``, then for each output
        ``o`` (a class label for a classifier, else the column index):
        ``logit_ref_<o>``, ``logit_alt_<o>`` and ``effect_<o>`` (alt - ref).
        For a softmax classifier, the change in the log-odds of class ``b``
        against class ``a`` is ``effect_<b> - effect_<a>``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np, pandas as pd
    >>> from sklearn.pipeline import make_pipeline
    >>> from dnacnn import DNACNNClassifier, DNAOneHotTransformer
    >>> from dnacnn.genome import score_variants
    >>> rng = np.random.default_rng(0)
    >>> X = ["".join(rng.choice(list("ACGT"), 20)) for _ in range(40)]
    >>> y = [int("A" * 3 in s) for s in X]
    >>> model = make_pipeline(DNAOneHotTransformer(),
    ...                       DNACNNClassifier(epochs=2, random_state=0)).fit(X, y)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     fa = Path(tmp) / "genome.fa"
    ...     _ = fa.write_text(">chr1\\n" + "".join(rng.choice(list("ACGT"), 100)))
    ...     genome_base = fa.read_text().splitlines()[1][49]
    ...     variants = pd.DataFrame({"chrom": ["chr1"], "pos": [50],
    ...                              "ref": [genome_base], "alt": ["A"]})
    ...     scores = score_variants(model, variants, genome=fa)
    >>> scores.columns.tolist()[5:]
    ['logit_ref_0', 'logit_alt_0', 'effect_0', 'logit_ref_1', 'logit_alt_1', 'effect_1']
    """
    check_choice(check_ref, "check_ref", CHECK_REF)
    batch_size = check_int(batch_size, "batch_size", low=1)
    check_int(verbose, "verbose", low=0)
    genome, length, model = _parts(model, genome, length)
    sizes = genome.sizes
    table = as_variants(variants, chromosomes=sizes)
    n = len(table)
    center = length // 2
    refs = table["ref"].str.upper().to_numpy(dtype=object)
    alts = table["alt"].str.upper().to_numpy(dtype=object)
    ref_len = np.fromiter(map(len, refs), dtype=np.int64, count=n)
    alt_len = np.fromiter(map(len, alts), dtype=np.int64, count=n)
    # each window as wide as its own variant needs: the REF read whole, and a
    # deletion's right flank (never the widest variant's width for all)
    width = np.maximum(length, np.maximum(center + ref_len, length + ref_len - alt_len))
    starts = table["pos"].to_numpy(dtype=np.int64) - 1 - center
    chroms = table["chrom"].to_numpy(dtype=object)
    size = table["chrom"].map(dict(sizes)).to_numpy(dtype=np.int64)
    # a REF running past its chromosome's end differs from the genome, even
    # where the padding N meets an N of the REF
    matches = table["pos"].to_numpy(dtype=np.int64) - 1 + ref_len <= size
    logit_ref = logit_alt = scorer = progress = None
    if verbose:
        import keras

        progress = keras.utils.Progbar(n, unit_name="variant")
    for lo in range(0, n, _CHUNK):
        rows = np.arange(lo, min(lo + _CHUNK, n))
        ref_windows = genome.windows(chroms[rows], starts[rows], length)
        _check_bases(ref_windows, table, rows, starts, genome)
        alt_windows = ref_windows.copy()
        snv = (ref_len[rows] == 1) & (alt_len[rows] == 1)
        if snv.any():
            given = np.frombuffer("".join(refs[rows][snv]).encode(), np.uint8)
            found = ref_windows[snv, center] & 0xDF  # upper case
            matches[rows[snv]] &= given == found
            alt_windows[snv, center] = np.frombuffer(
                "".join(alts[rows][snv]).encode(), np.uint8
            )
        others = np.flatnonzero(~snv)
        for w in np.unique(width[rows[others]]):  # one read per width
            group = others[width[rows[others]] == w]
            wide = genome.windows(chroms[rows[group]], starts[rows[group]], int(w))
            _check_bases(wide, table, rows[group], starts, genome)
            for j, row in zip(group, wide, strict=True):
                i, r = rows[j], ref_len[rows[j]]
                found = row[center : center + r].tobytes().decode().upper()
                matches[i] &= found == refs[i]
                allele = np.frombuffer(alts[i].encode(), np.uint8)
                alt = np.concatenate([row[:center], allele, row[center + r :]])
                alt_windows[j] = alt[:length]
        both = np.concatenate([to_strings(ref_windows), to_strings(alt_windows)])
        network, X = _encode(model, both)
        if scorer is None:
            scorer = _scorer(network, X.shape[1:])
        logits = np.concatenate(
            [
                np.asarray(scorer(X[i : i + batch_size]), dtype=np.float64)
                for i in range(0, len(X), batch_size)
            ]
        )
        if logit_ref is None:
            k = logits.shape[1]
            logit_ref = np.empty((n, k))
            logit_alt = np.empty((n, k))
        logit_ref[rows], logit_alt[rows] = logits[: len(rows)], logits[len(rows) :]
        if progress is not None:
            progress.update(rows[-1] + 1)
    if not matches.all():
        _report_mismatches(table, genome, matches, check_ref)
    out = table[["chrom", "pos", "id", "ref", "alt"]].copy()
    if n == 0:
        return out
    logit_ref[~matches] = np.nan
    logit_alt[~matches] = np.nan
    for c, name in enumerate(_output_names(network, logit_ref.shape[1])):
        out[f"logit_ref_{name}"] = logit_ref[:, c]
        out[f"logit_alt_{name}"] = logit_alt[:, c]
        out[f"effect_{name}"] = logit_alt[:, c] - logit_ref[:, c]
    return out


def _short(allele: str) -> str:
    """An allele as an error shows it: at most 20 bases, then its length."""
    return repr(allele) if len(allele) <= 20 else f"'{allele[:20]}…' ({len(allele)} bp)"


def _check_bases(windows, table, rows, starts, genome) -> None:
    """Refuse a genome character the encoder cannot read, naming its place."""
    bad = ~_GENOME_BASES[windows]
    if not bad.any():
        return
    j, k = (int(v) for v in np.argwhere(bad)[0])
    i = int(rows[j])
    chrom, pos = table["chrom"].iloc[i], table["pos"].iloc[i]
    char = chr(windows[j, k])
    raise ValueError(
        f"the genome ({genome.path}) holds {char!r} at {chrom}:{starts[i] + k + 1} "
        f"(1-based), in the window of variant {i} ({chrom}:{pos}); a genome "
        "holds only A, C, G, T and N (any case). Correct the FASTA file."
    )


def _report_mismatches(table, genome, matches, check_ref) -> None:
    bad = np.flatnonzero(~matches)
    shown = []
    sizes = genome.sizes
    for i in bad[:5]:
        chrom, pos, ref = (
            table["chrom"].iloc[i],
            int(table["pos"].iloc[i]),
            table["ref"].iloc[i],
        )
        end = pos - 1 + len(ref)
        if end > sizes[chrom]:
            shown.append(
                f"variant {i} ({chrom}:{pos}): ref {_short(ref)} runs past the "
                f"end of {chrom} ({sizes[chrom]} bases)"
            )
            continue
        found = genome.fetch(chrom, pos - 1, end).decode()
        first = next(
            (
                k
                for k, (a, b) in enumerate(zip(ref.upper(), found.upper(), strict=True))
                if a != b
            ),
            None,
        )
        where = ""
        if first is not None and len(ref) > 20:
            where = f" (first difference at base {first + 1} of the ref)"
        shown.append(
            f"variant {i} ({chrom}:{pos}): ref {_short(ref)}, genome "
            f"{_short(found)}{where}"
        )
    message = (
        f"{len(bad)} of {len(table)} variant(s) have a ref allele that differs "
        f"from the genome ({genome.path}): "
        + "; ".join(shown)
        + ("; ..." if len(bad) > 5 else "")
        + ". Check the genome build, or set check_ref='warn' or 'skip' to "
        "score the others (those get NaN)."
    )
    if check_ref == "error":
        raise ValueError(message)
    if check_ref == "warn":
        warnings.warn(message, GenomeWarning, stacklevel=3)
