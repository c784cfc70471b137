"""``dnacnn explain``: saliency of a saved model, its figures and its motif.

Also ``--name-motifs``, which ``dnacnn demo`` shares: every motif the model
learned (:func:`~dnacnn.motifs.discover_motifs`; the one motif of
:func:`~dnacnn.motifs.discover_motif` when TF-MoDISco finds none), named
against JASPAR (:func:`~dnacnn.motifs.annotate_motifs`), each logo drawn
beside its best match's, and the table "motif, consensus, sites, best match
(q)" printed.  Naming is asked for, never done by default: it needs the
extra ``dnacnn[motifs]``, and in a new installation the first run compiles
the numba code of TF-MoDISco and TomTom (about a minute on 2 busy cores;
numba caches it, and later runs take seconds).

The options' choices and defaults (``--method``, ``--units``) are read from
the source of :mod:`dnacnn.interpret`, their one home, so that ``--help``
answers without importing scikit-learn or TensorFlow.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
from pathlib import Path

from ._io import (
    SECURITY,
    atomic_path,
    load_model,
    matches,
    parse_label,
    read_sequences,
    results_folder,
    save_figure,
)

__all__ = [
    "EXPLAIN_FILES",
    "NAMED",
    "add_name_motifs_argument",
    "add_parser",
    "check_extra",
    "format_table",
    "methods",
    "named_motifs",
    "outputs",
    "run",
    "saliency_defaults",
]

#: The files named motifs write (each logo beside its match's).
NAMED = r"named_motif_\d+\.png"

#: The files ``dnacnn explain`` writes, and replaces with ``--overwrite``.
EXPLAIN_FILES = matches(
    r"saliency\.tsv",
    r"saliency_\d+\.png",
    r"motif\.meme",
    r"motif_logo\.png",
    r"hits\.bed",
    r"attributions\.bedGraph",
    NAMED,
)

#: q-value below which a match names a motif.
MAX_Q = 0.05

#: Leiden clusterings TF-MoDISco tries in the commands: on the demo's data
#: TF-MoDISco's 50 cost minutes on 2 cores, and 10 give the same motif.
N_LEIDEN_RUNS = 10


# --------------------------------------------------------------------------
# choices and defaults, read from dnacnn.interpret's source (no import)
# --------------------------------------------------------------------------
_NO_SOURCE = (OSError, TypeError, ValueError, SyntaxError, AttributeError)


def _interpret_source() -> ast.Module:
    # the file found from the package's folder: importing it would import
    # scikit-learn
    folder = Path(importlib.util.find_spec("dnacnn").origin).parent
    return ast.parse((folder / "interpret.py").read_text(encoding="utf-8"))


@functools.cache
def saliency_defaults() -> dict:
    """``inspect.signature(dnacnn.saliency)``'s literal defaults."""
    try:
        (node,) = (
            n
            for n in _interpret_source().body
            if isinstance(n, ast.FunctionDef) and n.name == "saliency"
        )
        defaults = {}
        for arg, default in zip(
            node.args.kwonlyargs, node.args.kw_defaults, strict=True
        ):
            try:
                defaults[arg.arg] = ast.literal_eval(default)
            except ValueError:  # not a literal, or no default
                pass
        return defaults
    except _NO_SOURCE:
        import inspect

        from ..interpret import saliency

        return {
            name: p.default
            for name, p in inspect.signature(saliency).parameters.items()
            if p.default is not inspect.Parameter.empty
        }


def _constant(name: str) -> tuple:
    """``dnacnn.interpret.<name>``, a literal tuple, read from its source."""
    try:
        for node in _interpret_source().body:
            if isinstance(node, ast.Assign) and any(
                getattr(t, "id", None) == name for t in node.targets
            ):
                return tuple(ast.literal_eval(node.value))
    except _NO_SOURCE:
        pass
    return tuple(getattr(importlib.import_module("dnacnn.interpret"), name))


@functools.cache
def methods() -> tuple[str, ...]:
    """``dnacnn.interpret.METHODS``: the attribution methods."""
    return _constant("METHODS")


@functools.cache
def outputs() -> tuple[str, ...]:
    """``dnacnn.interpret.OUTPUTS``: what a saliency explains."""
    return _constant("OUTPUTS")


# --------------------------------------------------------------------------
# options
# --------------------------------------------------------------------------
def add_parser(sub, parents=()) -> None:
    p = sub.add_parser(
        "explain",
        parents=list(parents),
        help="saliency maps and the discovered motif of a saved model",
        description=(
            "Compute each sequence's saliency (which bases drive the "
            "prediction; by default of the logit, the log-odds, which unlike "
            "the probability does not saturate on confident predictions), "
            "draw it for the first sequences, and discover the motif the "
            "model learned. Writes saliency.tsv (id, position, base, "
            "saliency_<units>), saliency_<i>.png (above 1,000 bases, a summary: "
            "each bin's range of scores, the top base marked), motif.meme, "
            "motif_logo.png and hits.bed (the motif's sites, a BED file for "
            "IGV or the UCSC browser) into --out, which must be new or empty "
            "unless --overwrite. With --genome, SEQUENCES is a BED or "
            "narrowPeak file: the model's windows around each peak are read "
            "from the genome, hits.bed is in genome coordinates, and "
            "attributions.bedGraph holds the per-base saliency. " + SECURITY
        ),
    )
    p.add_argument("model", help="a model saved by 'dnacnn fit' (.dnacnn, or .joblib)")
    p.add_argument(
        "sequences",
        help=(
            "sequences: one per line, or FASTA (.gz ok); with --genome, a BED "
            "or narrowPeak file of intervals"
        ),
    )
    p.add_argument("--out", required=True, help="folder for the results")
    p.add_argument(
        "--genome",
        default=None,
        help=(
            "the genome FASTA that SEQUENCES' intervals lie on: explain the "
            "model's windows centred on each peak's summit, and write hits.bed "
            "and attributions.bedGraph in genome coordinates"
        ),
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help=(
            "use a folder that is not empty: replace the results of an earlier "
            "'dnacnn explain' there (removing its saliency_<i>.png and "
            "motif files that this run does not write again); other files are "
            "kept. The new results are written aside and replace the old ones "
            "as a set only once all are written: a failed run leaves the old set"
        ),
    )
    p.add_argument(
        "--method",
        choices=methods(),
        default=saliency_defaults()["method"],
        help="attribution method (default: %(default)s, the tutorial's)",
    )
    p.add_argument(
        "--target",
        default=None,
        type=parse_label,
        help=(
            "class to explain (default: the second of the two sorted classes, "
            "1 for 0/1 labels; each sequence's predicted class with more)"
        ),
    )
    p.add_argument(
        "--units",
        choices=outputs(),
        default="logit",
        help=(
            "what the saliency explains: the logit (log-odds; the default, as "
            "in 'dnacnn demo' and motif discovery) or the probability, which "
            "saturates near 0 and 1 and so gives confident sequences the "
            "smallest saliency"
        ),
    )
    p.add_argument(
        "--n-figures",
        type=int,
        default=5,
        help="saliency figures for the first N sequences (default: 5)",
    )
    add_name_motifs_argument(p)
    p.set_defaults(func=run)


def add_name_motifs_argument(parser) -> None:
    """The ``--name-motifs`` option of ``dnacnn explain`` and ``dnacnn demo``."""
    parser.add_argument(
        "--name-motifs",
        action="store_true",
        help=(
            "also find every motif the model learned (TF-MoDISco) and name "
            "each by its best JASPAR2024 match (TomTom): prints the table "
            "'motif, consensus, sites, best match (q)' and writes "
            "named_motif_<i>.png; needs the extra dnacnn[motifs] (the first "
            "run after installing it compiles for about a minute)"
        ),
    )


def check_extra(name_motifs: bool) -> None:
    """Fail before any work when ``--name-motifs`` lacks the ``motifs`` extra."""
    if not name_motifs:
        return
    for module, package in (
        ("modiscolite", "modisco-lite"),
        ("memelite", "memelite"),
        ("pyjaspar", "pyjaspar"),
    ):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise ValueError(
                f"--name-motifs needs the optional package {package!r}, which "
                f"is not installed ({exc}); install the extra with "
                "pip install 'dnacnn[motifs]', or leave out --name-motifs."
            ) from exc


# --------------------------------------------------------------------------
# the command
# --------------------------------------------------------------------------
def run(args) -> None:
    from ..interpret import saliency
    from ..motifs import discover_motif, write_meme

    check_extra(args.name_motifs)
    out = Path(args.out)
    inputs = {
        "the model (MODEL)": args.model,
        "the sequences (SEQUENCES)": args.sequences,
        "the genome (--genome)": args.genome,
        "the genome's index": args.genome and f"{args.genome}.fai",
    }
    with results_folder(
        out,
        owns=EXPLAIN_FILES,
        overwrite=args.overwrite,
        command="explain",
        inputs=inputs,
    ) as stage:
        model = load_model(args.model)
        windows = None
        if args.genome is None:
            sequences, ids = read_sequences(args.sequences)
            if ids is None:
                ids = [str(i) for i in range(len(sequences))]
        else:
            sequences, windows, intervals = _read_peaks(model, args)
            ids = [
                f"{c}:{s}-{e}"
                for c, s, e in zip(
                    windows.chrom, windows.start, windows.end, strict=True
                )
            ]
        scores = saliency(
            model, sequences, method=args.method, target=args.target, output=args.units
        )
        _write_table(stage / "saliency.tsv", ids, sequences, scores, args.units)
        n = min(args.n_figures, len(sequences))
        figures = saliency_figures(
            stage, model, sequences[:n], ids[:n], scores[:n], args.target, args.units
        )
        try:
            motif = discover_motif(model, sequences, target=args.target)
        except ValueError as exc:
            motif, no_motif = None, exc
        if motif is not None:
            with atomic_path(stage / "motif.meme") as temp:
                write_meme([motif], temp)
            _logo_figure(motif, stage / "motif_logo.png")
            _write_hits(stage / "hits.bed", motif, ids, windows)
        if windows is not None:
            from ..genome import write_bedgraph

            write_bedgraph(
                intervals,
                scores,
                stage / "attributions.bedGraph",
                genome=args.genome,
                length=len(sequences[0]),
                track=f"dnacnn saliency ({args.units})",
            )
        if args.name_motifs:
            rows, _ = named_motifs(
                model, sequences, target=args.target, out=stage, fallback=motif
            )
            print(format_table(rows))
    message = (
        f"saliency ({args.units} units) of {len(sequences)} sequences written to "
        f"{out / 'saliency.tsv'}"
    )
    if motif is None:
        print(f"{message}; no motif: {no_motif}")
        return
    print(
        f"{message}; {len(figures)} figures; discovered motif {motif.consensus} "
        f"({len(motif.sites)} sites) written to {out / 'motif.meme'}"
    )


def _read_peaks(model, args):
    """The model's windows around the intervals of ``args.sequences``."""
    from .._fitted import fitted_length
    from ..genome._tracks import read_windows

    network = model[-1] if hasattr(model, "steps") else model
    length = fitted_length(model) or network.input_shape_[0]
    return read_windows(args.sequences, args.genome, length=length)


def _write_hits(path, motif, ids, windows) -> None:
    """``hits.bed``: the motif's sites, on the genome or on each sequence."""
    import numpy as np
    import pandas as pd

    from ..genome import write_bed

    sites = motif.sites
    rows = np.asarray(sites["sequence"], dtype=np.int64)
    starts = np.asarray(sites["start"], dtype=np.int64)
    ends = starts + motif.width
    strands = np.asarray(sites["strand"])
    if windows is None:  # the sequence's id is the BED "chromosome"
        chrom = np.asarray(ids, dtype=object)[rows]
        strand = np.where(strands == 1, "+", "-").astype(object)
    else:
        chrom, starts, ends, strand = windows.to_genome(rows, starts, ends, strands)
    hits = pd.DataFrame(
        {
            "chrom": chrom,
            "start": starts,
            "end": ends,
            "strand": strand,
            "motif": motif.consensus,
            "score": np.asarray(sites["score"], dtype=np.float64),
        }
    )
    write_bed(hits, path, score="score", track=f"dnacnn motif {motif.consensus}")


def _write_table(path, ids, sequences, scores, units) -> None:
    import csv

    with atomic_path(path) as temp, open(temp, "w", newline="") as f:
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(["id", "position", "base", f"saliency_{units}"])
        for name, seq, row in zip(ids, sequences, scores, strict=True):
            writer.writerows(
                [name, j, base, f"{value:.6g}"]
                for j, (base, value) in enumerate(zip(seq, row, strict=True))
            )


def saliency_figures(out, model, sequences, ids, scores, target, units) -> list:
    """``saliency_<i>.png`` of each sequence, titled with the output explained.

    Which output each figure shows comes from the resolution
    :func:`dnacnn.saliency` uses (:func:`dnacnn._fitted.target_indices`), so
    title and scores never disagree.
    """
    import numpy as np

    from .._fitted import output_names, resolve, target_indices
    from ..plotting import plot_saliency

    if len(sequences) == 0:
        return []
    resolved = resolve(model, sequences)
    explained = target_indices(resolved.network, resolved.X, target)
    names = output_names(resolved.network)
    if hasattr(model, "predict_proba"):
        what, values = "P", np.asarray(model.predict_proba(sequences))
    else:  # a regressor's outputs are named by index, and shown as values
        what = "prediction"
        values = np.asarray(model.predict(sequences)).reshape(len(sequences), -1)
    paths = []
    for i, column in enumerate(explained):
        ax = plot_saliency(
            scores[i],
            sequences[i],
            title=f"{ids[i]}: {what}({names[column]}) = {values[i, column]:.3f}",
            units=units,
        )
        paths.append(save_figure(ax.figure, out / f"saliency_{i}.png"))
    return paths


def _logo_figure(motif, path) -> None:
    from ..plotting import plot_logo

    save_figure(plot_logo(motif).figure, path)


# --------------------------------------------------------------------------
# --name-motifs (explain and demo)
# --------------------------------------------------------------------------
def named_motifs(model, X, *, target, out: Path, fallback) -> tuple[list, list]:
    """(rows, written files): one row per motif, logos as ``named_motif_<i>.png``.

    ``fallback`` is the single discovered motif (or None), used when
    TF-MoDISco finds no motif.  A row is (motif, consensus, sites, best
    match as :func:`~dnacnn.motifs._annotate.match_label` writes it).
    """
    from ..motifs import annotate_motifs, discover_motifs, load_motif_database
    from ..motifs._annotate import match_label

    motifs = discover_motifs(model, X, target=target, n_leiden_runs=N_LEIDEN_RUNS)
    if not motifs and fallback is not None:
        motifs = [fallback]
    if not motifs:
        return [], []
    jaspar = load_motif_database()
    table = annotate_motifs(motifs, jaspar, n_matches=1)
    rows, written = [], []
    for i, motif in enumerate(motifs):
        best = table[table["motif"] == motif.name].iloc[0]
        rows.append(
            (
                motif.name,
                motif.consensus,
                motif.nsites,
                match_label(table, motif.name, MAX_Q),
            )
        )
        path = out / f"named_motif_{i}.png"
        _pair(motif, jaspar[best["match_id"]], best, path)
        written.append(path)
    return rows, written


def _pair(motif, match, best, path: Path) -> None:
    """The motif's logo beside its match's, aligned and in its orientation."""
    import matplotlib.pyplot as plt

    from ..plotting import plot_logo

    shown = match.reverse_complement() if best["orientation"] == "-" else match
    fig, axes = plt.subplots(1, 2, figsize=(11, 2.4), layout="constrained")
    plot_logo(
        motif, ax=axes[0], title=f"{motif.name}: {motif.consensus} ({motif.nsites})"
    )
    plot_logo(
        shown,
        ax=axes[1],
        title=(
            f"{best['match_name']} {best['match_id']}"
            f"{' (rev. comp.)' if best['orientation'] == '-' else ''}, "
            f"q = {best['q_value']:.2g}, offset {best['offset']}"
        ),
    )
    save_figure(fig, path)


def format_table(rows) -> str:
    """The rows as the commands print them."""
    lines = ["motif\tconsensus\tsites\tbest match (q)"]
    lines += ["\t".join(map(str, row)) for row in rows]
    return "\n".join(lines)
