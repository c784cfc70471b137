"""The ``dnacnn`` command: ``demo``, ``fit``, ``predict`` and ``explain``.

Heavy imports (TensorFlow, matplotlib) happen inside the commands, so that
``dnacnn --help`` answers at once.  Errors a user can fix (a missing file, a
malformed one, counts that do not match) print one line and exit with 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ._io import load_model, quiet, read_labeled, read_sequences

__all__ = ["main"]


# --------------------------------------------------------------------------
# commands
# --------------------------------------------------------------------------
def _classifier_from(args):
    from .estimators import DNACNNClassifier

    return DNACNNClassifier(
        filters=args.filters,
        kernel_size=args.kernel_size,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        validation_split=args.validation_split,
        random_state=args.random_state,
        verbose=0 if args.quiet else 2,
    )


def cmd_fit(args) -> None:
    import joblib
    from sklearn.pipeline import make_pipeline

    from .preprocessing import DNAOneHotTransformer

    sequences, labels, _ = read_labeled(args.sequences, args.labels)
    model = make_pipeline(
        DNAOneHotTransformer(length=args.length), _classifier_from(args)
    )
    model.fit(sequences, labels)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(quiet(model), out)
    print(
        f"fitted on {len(sequences)} sequences, training accuracy "
        f"{model.score(sequences, labels):.3f}; model written to {out}"
    )


def cmd_predict(args) -> None:
    import csv

    model = load_model(args.model)
    sequences, ids = read_sequences(args.sequences)
    if ids is None:
        ids = [str(i) for i in range(len(sequences))]
    classes = list(model.classes_)
    if args.proba:
        values = model.predict_proba(sequences)
        header = ["id", *(f"p_{c}" for c in classes)]
        rows = [
            [i, *(f"{p:.6g}" for p in row)] for i, row in zip(ids, values, strict=True)
        ]
    else:
        header = ["id", "prediction"]
        rows = [[i, p] for i, p in zip(ids, model.predict(sequences), strict=True)]
    output = sys.stdout if args.output in (None, "-") else open(args.output, "w")
    delimiter = "\t" if str(args.output).endswith((".tsv", ".txt")) else ","
    try:
        writer = csv.writer(output, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    finally:
        if output is not sys.stdout:
            output.close()
    if output is not sys.stdout:
        print(f"{len(rows)} predictions written to {args.output}", file=sys.stderr)


def cmd_explain(args) -> None:
    import csv

    from .interpret import saliency
    from .motifs import discover_motif, write_meme

    model = load_model(args.model)
    sequences, ids = read_sequences(args.sequences)
    if ids is None:
        ids = [str(i) for i in range(len(sequences))]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    scores = saliency(model, sequences, method=args.method, target=args.target)
    proba = model.predict_proba(sequences)
    table = out / "saliency.tsv"
    with open(table, "w") as f:
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(["id", "position", "base", "saliency"])
        for name, seq, row in zip(ids, sequences, scores, strict=True):
            writer.writerows(
                [name, j, base, f"{value:.6g}"]
                for j, (base, value) in enumerate(zip(seq, row, strict=True))
            )
    figures = _saliency_figures(
        out, sequences, ids, scores, proba, model, args.target, args.n_figures
    )
    message = f"saliency of {len(sequences)} sequences written to {table}"
    try:
        motif = discover_motif(model, sequences, target=args.target)
    except ValueError as exc:
        print(f"{message}; no motif: {exc}")
        return
    write_meme([motif], out / "motif.meme")
    _logo_figure(motif, out / "motif_logo.png")
    print(
        f"{message}; {len(figures)} figures; discovered motif {motif.consensus} "
        f"({len(motif.sites)} sites) written to {out / 'motif.meme'}"
    )


def _saliency_figures(out, sequences, ids, scores, proba, model, target, n_figures):
    import matplotlib.pyplot as plt

    from .plotting import plot_saliency

    classes = list(model.classes_)
    paths = []
    for i in range(min(n_figures, len(sequences))):
        if target is not None:
            label = target
        elif len(classes) == 2:
            label = classes[1]
        else:
            label = classes[int(proba[i].argmax())]
        ax = plot_saliency(
            scores[i],
            sequences[i],
            title=f"{ids[i]}: P({label}) = {proba[i, classes.index(label)]:.3f}",
        )
        path = out / f"saliency_{i}.png"
        ax.figure.savefig(path, dpi=100)
        plt.close(ax.figure)
        paths.append(path)
    return paths


def _logo_figure(motif, path) -> None:
    import matplotlib.pyplot as plt

    from .plotting import plot_logo

    ax = plot_logo(motif)
    ax.figure.savefig(path, dpi=100)
    plt.close(ax.figure)


def cmd_demo(args) -> None:
    from ._demo import run_demo

    run_demo(
        data=args.data,
        out=Path(args.out),
        epochs=args.epochs,
        random_state=args.random_state,
        quiet=args.quiet,
        positive=args.positive,
    )


# --------------------------------------------------------------------------
# argument parsing
# --------------------------------------------------------------------------
def _add_model_options(parser) -> None:
    group = parser.add_argument_group("model and training")
    group.add_argument(
        "--epochs", type=int, default=50, help="training epochs (default: 50)"
    )
    group.add_argument(
        "--filters",
        type=int,
        default=64,
        help="convolution filters (default: 64)",
    )
    group.add_argument(
        "--kernel-size",
        type=int,
        default=19,
        help="convolution width in bases, at least the motif's (default: 19)",
    )
    group.add_argument(
        "--batch-size", type=int, default=32, help="mini-batch size (default: 32)"
    )
    group.add_argument(
        "--learning-rate",
        type=float,
        default=0.001,
        help="Adam's learning rate (default: 0.001)",
    )
    group.add_argument(
        "--validation-split",
        type=float,
        default=0.0,
        help="fraction of the training data held out to monitor (default: 0)",
    )
    group.add_argument(
        "--random-state",
        type=int,
        default=0,
        help="seed, for reproducible models (default: 0)",
    )
    group.add_argument(
        "--quiet", action="store_true", help="no per-epoch progress lines"
    )


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="dnacnn",
        description=(
            "Deep learning on DNA sequences: train a 1D CNN that predicts "
            "transcription-factor binding and find the motif it learned."
        ),
    )
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "fit",
        help="train a model on labelled sequences",
        description=(
            "One-hot encode SEQUENCES and train the CNN on LABELS (one per "
            "line, in the same order); save the fitted Pipeline with joblib."
        ),
    )
    p.add_argument("sequences", help="sequences: one per line, or FASTA (.gz ok)")
    p.add_argument("labels", help="labels: one per line, same order")
    p.add_argument("--out", required=True, help="where to write the model (.joblib)")
    p.add_argument(
        "--length",
        type=int,
        default=None,
        help="encoded length: pad or refuse sequences (default: the longest)",
    )
    _add_model_options(p)
    p.set_defaults(func=cmd_fit)

    p = sub.add_parser(
        "predict",
        help="predict classes or probabilities with a saved model",
        description=(
            "Predict each sequence's class (or, with --proba, the probability "
            "of each class) with a model saved by 'dnacnn fit' or 'dnacnn "
            "demo'. Rows are keyed by FASTA id, or by 0-based line number."
        ),
    )
    p.add_argument("model", help="a model saved by 'dnacnn fit' (.joblib)")
    p.add_argument("sequences", help="sequences: one per line, or FASTA (.gz ok)")
    p.add_argument("--proba", action="store_true", help="write class probabilities")
    p.add_argument(
        "--output",
        default=None,
        help=(
            "output file: tab-separated for .tsv or .txt, else comma-separated; "
            "default: standard output"
        ),
    )
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser(
        "explain",
        help="saliency maps and the discovered motif of a saved model",
        description=(
            "Compute each sequence's saliency (which bases drive the "
            "prediction), draw it for the first sequences, and discover the "
            "motif the model learned. Writes saliency.tsv (id, position, "
            "base, saliency), saliency_<i>.png, motif.meme and motif_logo.png."
        ),
    )
    p.add_argument("model", help="a model saved by 'dnacnn fit' (.joblib)")
    p.add_argument("sequences", help="sequences: one per line, or FASTA (.gz ok)")
    p.add_argument("--out", required=True, help="folder for the results")
    p.add_argument(
        "--method",
        choices=("gradient_x_input", "gradient", "integrated_gradients"),
        default="gradient_x_input",
        help="attribution method (default: gradient_x_input, the tutorial's)",
    )
    p.add_argument(
        "--target",
        default=None,
        type=_label,
        help=(
            "class to explain (default: the second of the two sorted classes, "
            "1 for 0/1 labels; each sequence's predicted class with more)"
        ),
    )
    p.add_argument(
        "--n-figures",
        type=int,
        default=5,
        help="saliency figures for the first N sequences (default: 5)",
    )
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser(
        "demo",
        help="the primer tutorial end to end: curate, train, evaluate, interpret",
        description=(
            "Run the tutorial's four steps with dnacnn: load or simulate the "
            "data and split it 75/25 (random_state=42), train the default "
            "CNN with a validation split, evaluate it, and interpret it "
            "(saliency, discovered motif). Writes the model, the figures, "
            "report.html and report.md to --out."
        ),
    )
    p.add_argument(
        "--data",
        default="simulated",
        help=(
            "'simulated' (2,000 x 50 bp with CGACCGAACTCC planted, no network; "
            "the default), 'primer' (the tutorial's data, downloaded once), or "
            "a folder with sequences.txt (or a FASTA file) and labels.txt"
        ),
    )
    p.add_argument(
        "--out",
        default="dnacnn-demo",
        help="output folder (default: ./dnacnn-demo)",
    )
    p.add_argument(
        "--epochs", type=int, default=50, help="training epochs (default: 50)"
    )
    p.add_argument(
        "--random-state",
        type=int,
        default=0,
        help="seed of the simulation and the network (default: 0)",
    )
    p.add_argument(
        "--positive",
        type=_label,
        default=None,
        help=(
            "label of the bound sequences, whose motif is sought (default: 1; "
            "needed when a folder's labels are not 0/1)"
        ),
    )
    p.add_argument("--quiet", action="store_true", help="print only the final summary")
    p.set_defaults(func=cmd_demo)
    return parser


def _label(text: str):
    """A class label from the command line: an int when it is one."""
    try:
        return int(text)
    except ValueError:
        return text


def main(argv: list[str] | None = None) -> int:
    """Run the ``dnacnn`` command; return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except (ValueError, TypeError, OSError) as exc:
        if os.environ.get("DNACNN_DEBUG"):
            raise
        print(f"dnacnn {args.command}: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
