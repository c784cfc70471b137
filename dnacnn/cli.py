"""The ``dnacnn`` command: ``demo``, ``fit``, ``predict``, ``explain``, ``variants``.

Heavy imports (TensorFlow, matplotlib) happen inside the commands, so that
``dnacnn --help`` answers at once; the options' defaults and choices are read
from the source of :class:`~dnacnn.DNACNNClassifier` and
:mod:`dnacnn.interpret` (:func:`classifier_defaults`, :func:`methods`), which
stay their one home.  Errors a user can fix (a missing file, a malformed one,
counts that do not match) print one line and exit with 1; Ctrl-C prints one
line and exits with 130.  Every file is written atomically.
"""

from __future__ import annotations

import argparse
import ast
import functools
import importlib.util
import os
import sys
from pathlib import Path

from ._files import atomic_path, check_writable, error_message
from ._genome_cli import add_bed_options, add_variants_parser, labelled_from_bed
from ._io import (
    load_model,
    matches,
    model_path,
    output_folder,
    parse_label,
    prediction_table,
    read_labeled,
    read_sequences,
    remove_stale,
    save_figure,
    save_model_file,
)
from ._named import NAMED, add_name_motifs_argument, check_extra, explain_named

__all__ = ["classifier_defaults", "main", "methods", "saliency_defaults"]

_SECURITY = (
    "A model named .joblib, .pkl or .pickle is read with joblib (pickle), "
    "which runs any code the file holds: only load those you trust. Any other "
    "name is read as the safe format that 'dnacnn fit' and 'dnacnn demo' "
    "write (.dnacnn), which holds data only and loads without running code; "
    "a pickle under such a name is refused."
)
EXPLAIN_FILES = matches(
    r"saliency\.tsv", r"saliency_\d+\.png", r"motif\.meme", r"motif_logo\.png", NAMED
)


# --------------------------------------------------------------------------
# defaults and choices, read where they are defined (without TensorFlow)
# --------------------------------------------------------------------------
def _module_tree(module: str) -> ast.Module:
    # the file found from the package's folder: find_spec("dnacnn.a.b") would
    # import dnacnn.a (for the estimators, scikeras and TensorFlow)
    folder = Path(importlib.util.find_spec("dnacnn").origin).parent
    path = folder.joinpath(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    return ast.parse(path.read_text(encoding="utf-8"))


def _literal_defaults(module: str, *names: str) -> dict:
    """The literal keyword defaults of ``module.names[0].names[1]...``, as
    ``inspect.signature`` gives them, read from the source (no import)."""
    body = _module_tree(module).body
    for name in names:
        (node,) = (
            n
            for n in body
            if isinstance(n, ast.ClassDef | ast.FunctionDef) and n.name == name
        )
        body = node.body
    defaults = {}
    for arg, default in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True):
        try:
            defaults[arg.arg] = ast.literal_eval(default)
        except ValueError:  # not a literal, or no default
            pass
    return defaults


def _imported_defaults(function) -> dict:
    import inspect

    return {
        name: p.default
        for name, p in inspect.signature(function).parameters.items()
        if p.default is not inspect.Parameter.empty
    }


_NO_SOURCE = (OSError, TypeError, ValueError, SyntaxError, AttributeError)


@functools.cache
def classifier_defaults() -> dict:
    """``inspect.signature(DNACNNClassifier)``'s literal defaults, read from the
    source so that ``dnacnn --help`` imports no TensorFlow."""
    try:
        return _literal_defaults("estimators._base", "DNACNNBase", "__init__")
    except _NO_SOURCE:  # e.g. only bytecode installed: import it
        from .estimators import DNACNNClassifier

        return _imported_defaults(DNACNNClassifier)


@functools.cache
def saliency_defaults() -> dict:
    """``inspect.signature(dnacnn.saliency)``'s literal defaults (no import)."""
    try:
        return _literal_defaults("interpret", "saliency")
    except _NO_SOURCE:
        from .interpret import saliency

        return _imported_defaults(saliency)


@functools.cache
def methods() -> tuple[str, ...]:
    """``dnacnn.interpret.METHODS``, read from its source (no scikit-learn import)."""
    try:
        for node in _module_tree("interpret").body:
            if isinstance(node, ast.Assign) and any(
                getattr(t, "id", None) == "METHODS" for t in node.targets
            ):
                return tuple(ast.literal_eval(node.value))
    except _NO_SOURCE:
        pass
    from .interpret import METHODS

    return tuple(METHODS)


# --------------------------------------------------------------------------
# commands
# --------------------------------------------------------------------------
def _classifier_from(args):
    from .estimators import DNACNNClassifier, DNACNNRegressor

    task = getattr(args, "task", "classification")
    cls = DNACNNRegressor if task == "regression" else DNACNNClassifier
    return cls(
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
    from sklearn.pipeline import make_pipeline

    from .preprocessing import DNAOneHotTransformer

    out = model_path(args.out)  # before the data and the training
    if args.bed and args.task != "classification":
        raise ValueError(
            f"--bed builds bound/unbound labels, which --task {args.task} cannot "
            "use; leave --task out, or give SEQUENCES and LABELS"
        )
    from_bed = labelled_from_bed(args)
    if from_bed is None:
        sequences, labels, _ = read_labeled(args.sequences, args.labels, args.task)
    else:
        sequences, labels = from_bed
        args.length = len(sequences[0])
    model = make_pipeline(
        DNAOneHotTransformer(length=args.length), _classifier_from(args)
    )
    model.fit(sequences, labels)
    fmt = save_model_file(model, out)
    print(
        f"fitted on {len(sequences)} sequences, training "
        f"{'R^2' if args.task == 'regression' else 'accuracy'} "
        f"{model.score(sequences, labels):.3f}; model written to {out} "
        f"({'joblib' if fmt == 'joblib' else 'dnacnn format, no pickle'})"
    )


def cmd_predict(args) -> None:
    import csv

    to_stdout = args.output in (None, "-")
    if not to_stdout:
        check_writable(args.output, what="output file (--output)")
    model = load_model(args.model)
    sequences, ids = read_sequences(args.sequences)
    if ids is None:
        ids = [str(i) for i in range(len(sequences))]
    header, rows = prediction_table(model, sequences, ids, proba=args.proba)
    delimiter = "\t" if str(args.output).endswith((".tsv", ".txt")) else ","
    if to_stdout:
        writer = csv.writer(sys.stdout, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return
    with atomic_path(args.output) as temp, open(temp, "w", newline="") as output:
        writer = csv.writer(output, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"{len(rows)} predictions written to {args.output}", file=sys.stderr)


def cmd_explain(args) -> None:
    import csv

    from .interpret import saliency
    from .motifs import discover_motif, write_meme

    check_extra(args)
    out = Path(args.out)
    earlier = output_folder(
        out, owns=EXPLAIN_FILES, overwrite=args.overwrite, command="explain"
    )
    model = load_model(args.model)
    sequences, ids = read_sequences(args.sequences)
    if ids is None:
        ids = [str(i) for i in range(len(sequences))]
    scores = saliency(model, sequences, method=args.method, target=args.target)
    proba = (
        model.predict_proba(sequences)
        if hasattr(model, "predict_proba")
        else model.predict(sequences).reshape(len(sequences), -1)
    )
    table = out / "saliency.tsv"
    with atomic_path(table) as temp, open(temp, "w", newline="") as f:
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
    written = [table, *figures]
    message = f"saliency of {len(sequences)} sequences written to {table}"
    try:
        motif = discover_motif(model, sequences, target=args.target)
    except ValueError as exc:
        remove_stale(earlier, written)
        print(f"{message}; no motif: {exc}")
        return
    with atomic_path(out / "motif.meme") as temp:
        write_meme([motif], temp)
    _logo_figure(motif, out / "motif_logo.png")
    written += explain_named(args, model, sequences, out, motif)
    remove_stale(earlier, [*written, out / "motif.meme", out / "motif_logo.png"])
    print(
        f"{message}; {len(figures)} figures; discovered motif {motif.consensus} "
        f"({len(motif.sites)} sites) written to {out / 'motif.meme'}"
    )


def _saliency_figures(out, sequences, ids, scores, proba, model, target, n_figures):
    from .plotting import plot_saliency

    # a regressor's outputs are named by index, and shown as values
    classes = list(getattr(model, "classes_", range(proba.shape[1])))
    if getattr(classes[0], "ndim", 0):  # multi-label: labels named by column
        classes = list(range(proba.shape[1]))
    what = "P" if hasattr(model, "predict_proba") else "prediction"
    paths = []
    for i in range(min(n_figures, len(sequences))):
        if target is not None:
            label = target
        elif len(classes) == 2 and what == "P":
            label = classes[1]
        else:
            label = classes[int(proba[i].argmax())]
        ax = plot_saliency(
            scores[i],
            sequences[i],
            title=f"{ids[i]}: {what}({label}) = {proba[i, classes.index(label)]:.3f}",
        )
        paths.append(save_figure(ax.figure, out / f"saliency_{i}.png"))
    return paths


def _logo_figure(motif, path) -> None:
    from .plotting import plot_logo

    save_figure(plot_logo(motif).figure, path)


def cmd_demo(args) -> None:
    from ._demo import run_demo

    check_extra(args)
    run_demo(
        data=args.data,
        out=Path(args.out),
        epochs=args.epochs,
        random_state=args.random_state,
        quiet=args.quiet,
        positive=args.positive,
        overwrite=args.overwrite,
        name_motifs=args.name_motifs,
    )


# --------------------------------------------------------------------------
# argument parsing
# --------------------------------------------------------------------------
def _add_model_options(parser) -> None:
    d = classifier_defaults()
    group = parser.add_argument_group("model and training")
    group.add_argument(
        "--epochs",
        type=int,
        default=d["epochs"],
        help="training epochs (default: %(default)s)",
    )
    group.add_argument(
        "--filters",
        type=int,
        default=d["filters"],
        help="convolution filters (default: %(default)s)",
    )
    group.add_argument(
        "--kernel-size",
        type=int,
        default=d["kernel_size"],
        help="convolution width in bases, at least the motif's (default: %(default)s)",
    )
    group.add_argument(
        "--batch-size",
        type=int,
        default=d["batch_size"],
        help="mini-batch size (default: %(default)s)",
    )
    group.add_argument(
        "--learning-rate",
        type=float,
        default=d["learning_rate"],
        help="Adam's learning rate (default: %(default)s)",
    )
    group.add_argument(
        "--validation-split",
        type=float,
        default=d["validation_split"],
        help=(
            "fraction of the training data held out at random (stratified by "
            "class) to monitor (default: none)"
        ),
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
            "line, in the same order); save the fitted Pipeline. The default "
            "format (any name but .joblib/.pkl, e.g. model.dnacnn) is a zip "
            "file of JSON parameters and the Keras network that loads without "
            "running code (dnacnn.load_model); a .joblib or .pkl name writes "
            "joblib instead. The file is checked before training and written "
            "atomically: a failed or interrupted run leaves an existing one."
        ),
    )
    p.add_argument(
        "sequences", nargs="?", help="sequences: one per line, or FASTA (.gz ok)"
    )
    p.add_argument(
        "labels",
        nargs="?",
        help=(
            "labels: one per line, same order; with --task multilabel or "
            "regression, several columns (tab, comma or space separated; an "
            "optional header line)"
        ),
    )
    p.add_argument(
        "--task",
        choices=("classification", "multilabel", "regression"),
        default="classification",
        help=(
            "one label per sequence (default), a 0/1 column per label, or "
            "numbers to predict (one column per target)"
        ),
    )
    p.add_argument(
        "--out",
        required=True,
        help="where to write the model (.dnacnn; .joblib or .pkl for joblib)",
    )
    add_bed_options(p)
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
            "demo'. Rows are keyed by FASTA id, or by 0-based line number. " + _SECURITY
        ),
    )
    p.add_argument("model", help="a model saved by 'dnacnn fit' (.dnacnn, or .joblib)")
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
            "base, saliency), saliency_<i>.png, motif.meme and motif_logo.png "
            "into --out, which must be new or empty unless --overwrite. " + _SECURITY
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
            "motif files that this run does not write again); other files are kept"
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
        "--n-figures",
        type=int,
        default=5,
        help="saliency figures for the first N sequences (default: 5)",
    )
    add_name_motifs_argument(p)
    p.set_defaults(func=cmd_explain)
    add_variants_parser(sub, _SECURITY)

    p = sub.add_parser(
        "demo",
        help="the primer tutorial end to end: curate, train, evaluate, interpret",
        description=(
            "Run the tutorial's four steps with dnacnn: load or simulate the "
            "data and split it 75/25 (random_state=42), train the default "
            "CNN with a validation split, evaluate it, and interpret it "
            "(saliency, discovered motif). Writes the model (model.dnacnn), the "
            "figures, report.html and report.md to --out, which must be new or "
            "empty unless --overwrite."
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
        "--overwrite",
        action="store_true",
        help=(
            "use a folder that is not empty: replace the results of an earlier "
            "'dnacnn demo' there; other files are kept"
        ),
    )
    p.add_argument(
        "--epochs",
        type=int,
        default=classifier_defaults()["epochs"],
        help="training epochs (default: %(default)s)",
    )
    p.add_argument(
        "--random-state",
        type=int,
        default=0,
        help="seed of the simulation and the network (default: 0)",
    )
    p.add_argument(
        "--positive",
        type=parse_label,
        default=None,
        help=(
            "label of the bound sequences, whose motif is sought (default: 1; "
            "needed when a folder's labels are not 0/1)"
        ),
    )
    p.add_argument("--quiet", action="store_true", help="print only the final summary")
    add_name_motifs_argument(p)
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``dnacnn`` command; return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except KeyboardInterrupt:
        if os.environ.get("DNACNN_DEBUG"):
            raise
        print(f"\ndnacnn {args.command}: interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError, OSError) as exc:
        if os.environ.get("DNACNN_DEBUG"):
            raise
        print(f"dnacnn {args.command}: error: {error_message(exc)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
