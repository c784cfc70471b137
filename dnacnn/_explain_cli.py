"""``dnacnn explain``: saliency of a saved model, its figures and its motif.

Kept beside :mod:`dnacnn.cli`, as :mod:`dnacnn._genome_cli` is, one module
per command; the options' choices and defaults come from :mod:`dnacnn.cli`,
which reads them from their one home.
"""

from __future__ import annotations

from pathlib import Path

from ._files import atomic_path
from ._io import (
    matches,
    parse_label,
    read_model,
    read_sequences,
    results_folder,
    save_figure,
)
from ._named import NAMED, add_name_motifs_argument, check_extra, explain_named

__all__ = ["EXPLAIN_FILES", "add_explain_parser", "cmd_explain"]

#: The files ``dnacnn explain`` writes, and replaces with ``--overwrite``.
EXPLAIN_FILES = matches(
    r"saliency\.tsv", r"saliency_\d+\.png", r"motif\.meme", r"motif_logo\.png", NAMED
)


def add_explain_parser(sub, security, methods, default_method, outputs) -> None:
    """The ``explain`` subcommand: its choices read by :mod:`dnacnn.cli`."""
    p = sub.add_parser(
        "explain",
        help="saliency maps and the discovered motif of a saved model",
        description=(
            "Compute each sequence's saliency (which bases drive the "
            "prediction; by default of the logit, the log-odds, which unlike "
            "the probability does not saturate on confident predictions), "
            "draw it for the first sequences, and discover the motif the "
            "model learned. Writes saliency.tsv (id, position, base, "
            "saliency_<units>), saliency_<i>.png (above 1,000 bases, a summary: "
            "each bin's range of scores, the top base marked), motif.meme "
            "and motif_logo.png into --out, which must be new or empty unless "
            "--overwrite. " + security
        ),
    )
    p.add_argument("model", help="a model saved by 'dnacnn fit' (.dnacnn, or .joblib)")
    p.add_argument("sequences", help="sequences: one per line, or FASTA (.gz ok)")
    p.add_argument("--out", required=True, help="folder for the results")
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
        choices=methods,
        default=default_method,
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
        choices=outputs,
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
    p.set_defaults(func=cmd_explain)


def cmd_explain(args) -> None:
    import csv

    from .interpret import saliency
    from .motifs import discover_motif, write_meme

    check_extra(args)
    out = Path(args.out)
    inputs = {
        "the model (MODEL)": args.model,
        "the sequences (SEQUENCES)": args.sequences,
    }
    with results_folder(
        out,
        owns=EXPLAIN_FILES,
        overwrite=args.overwrite,
        command="explain",
        inputs=inputs,
    ) as stage:
        model = read_model(args.model)
        sequences, ids = read_sequences(args.sequences)
        if ids is None:
            ids = [str(i) for i in range(len(sequences))]
        scores = saliency(
            model, sequences, method=args.method, target=args.target, output=args.units
        )
        proba = (
            model.predict_proba(sequences)
            if hasattr(model, "predict_proba")
            else model.predict(sequences).reshape(len(sequences), -1)
        )
        with (
            atomic_path(stage / "saliency.tsv") as temp,
            open(temp, "w", newline="") as f,
        ):
            writer = csv.writer(f, delimiter="\t", lineterminator="\n")
            writer.writerow(["id", "position", "base", f"saliency_{args.units}"])
            for name, seq, row in zip(ids, sequences, scores, strict=True):
                writer.writerows(
                    [name, j, base, f"{value:.6g}"]
                    for j, (base, value) in enumerate(zip(seq, row, strict=True))
                )
        figures = _saliency_figures(stage, sequences, ids, scores, proba, model, args)
        try:
            motif = discover_motif(model, sequences, target=args.target)
        except ValueError as exc:
            motif, no_motif = None, exc
        if motif is not None:
            with atomic_path(stage / "motif.meme") as temp:
                write_meme([motif], temp)
            _logo_figure(motif, stage / "motif_logo.png")
            explain_named(args, model, sequences, stage, motif)
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


def _saliency_figures(out, sequences, ids, scores, proba, model, args):
    from .plotting import plot_saliency

    # a regressor's outputs are named by index, and shown as values
    classes = list(getattr(model, "classes_", range(proba.shape[1])))
    if getattr(classes[0], "ndim", 0):  # multi-label: labels named by column
        classes = list(range(proba.shape[1]))
    what = "P" if hasattr(model, "predict_proba") else "prediction"
    paths = []
    for i in range(min(args.n_figures, len(sequences))):
        if args.target is not None:
            label = args.target
        elif len(classes) == 2 and what == "P":
            label = classes[1]
        else:
            label = classes[int(proba[i].argmax())]
        ax = plot_saliency(
            scores[i],
            sequences[i],
            title=f"{ids[i]}: {what}({label}) = {proba[i, classes.index(label)]:.3f}",
            units=args.units,
        )
        paths.append(save_figure(ax.figure, out / f"saliency_{i}.png"))
    return paths


def _logo_figure(motif, path) -> None:
    from .plotting import plot_logo

    save_figure(plot_logo(motif).figure, path)
