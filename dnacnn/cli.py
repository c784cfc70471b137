"""The ``dnacnn`` command: ``demo``, ``fit``, ``predict``, ``explain``, ``variants``.

Heavy imports (TensorFlow, matplotlib) happen inside the commands, so that
``dnacnn --help`` answers at once; the model options, their defaults and
choices are the parameter table's (:mod:`dnacnn._params`), and the saliency
methods are read from the source of :mod:`dnacnn.interpret` (:func:`methods`),
which stay their one home. Errors a user can fix (a missing file, a malformed
one, counts that do not match) print one line and exit with 1; Ctrl-C prints
one line and exits with 130, SIGTERM likewise with 143. Every file is written
atomically, a folder of results is replaced as a set, and an output that is one
of the command's inputs is refused before any work.
"""

from __future__ import annotations

import argparse
import ast
import functools
import importlib.util
import os
import signal
import sys
import threading
from pathlib import Path

from ._explain_cli import add_explain_parser
from ._files import atomic_path, check_not_input, check_writable, error_message
from ._genome_cli import add_bed_options, add_variants_parser, labelled_from_bed
from ._io import (
    model_path,
    parse_label,
    prediction_table,
    read_labeled,
    read_model,
    read_sequences,
    save_model_file,
)
from ._named import add_name_motifs_argument, check_extra

__all__ = [
    "classifier_defaults",
    "main",
    "methods",
    "outputs",
    "run_command",
    "saliency_defaults",
]

_SECURITY = (
    "A model named .joblib, .pkl or .pickle is read with joblib (pickle), "
    "which runs any code the file holds: only load those you trust. Any other "
    "name is read as the safe format that 'dnacnn fit' and 'dnacnn demo' "
    "write (.dnacnn), which holds data only and loads without running code; "
    "a pickle under such a name is refused."
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


def classifier_defaults() -> dict:
    """``DNACNNClassifier``'s defaults, from the parameter table (no TensorFlow)."""
    from . import _params

    return _params.defaults("classifier")


@functools.cache
def saliency_defaults() -> dict:
    """``inspect.signature(dnacnn.saliency)``'s literal defaults (no import)."""
    try:
        return _literal_defaults("interpret", "saliency")
    except _NO_SOURCE:
        from .interpret import saliency

        return _imported_defaults(saliency)


def _constant(module: str, name: str) -> tuple:
    """``module.name``, a literal tuple, read from its source (no import)."""
    try:
        for node in _module_tree(module).body:
            if isinstance(node, ast.Assign) and any(
                getattr(t, "id", None) == name for t in node.targets
            ):
                return tuple(ast.literal_eval(node.value))
    except _NO_SOURCE:
        pass
    return tuple(getattr(importlib.import_module(f"dnacnn.{module}"), name))


@functools.cache
def methods() -> tuple[str, ...]:
    """``dnacnn.interpret.METHODS``, read from its source (no scikit-learn import)."""
    return _constant("interpret", "METHODS")


@functools.cache
def outputs() -> tuple[str, ...]:
    """``dnacnn.interpret.OUTPUTS`` (what a saliency explains), from its source."""
    return _constant("interpret", "OUTPUTS")


# --------------------------------------------------------------------------
# commands
# --------------------------------------------------------------------------
def _classifier_from(args):
    from .estimators import DNACNNClassifier, DNACNNRegressor

    task = getattr(args, "task", "classification")
    cls = DNACNNRegressor if task == "regression" else DNACNNClassifier
    from . import _params

    return cls(
        **{p.name: getattr(args, p.name) for p in _params.PARAMS if p.cli},
        random_state=args.random_state,
        verbose=0 if args.quiet else 2,
    )


def cmd_fit(args) -> None:
    from sklearn.pipeline import make_pipeline

    from .preprocessing import DNAOneHotTransformer

    out = model_path(args.out)  # before the data and the training
    check_not_input(
        out,
        {
            "the sequences (SEQUENCES)": args.sequences,
            "the labels (LABELS)": args.labels,
            "the peaks (--bed)": args.bed,
            "the genome (--genome)": args.genome,
            "the genome's index": args.genome and f"{args.genome}.fai",
            "the background (--background)": args.background,
        },
        what="model file (--out)",
    )
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
        check_not_input(
            args.output,
            {
                "the model (MODEL)": args.model,
                "the sequences (SEQUENCES)": args.sequences,
            },
            what="output file (--output)",
        )
    model = read_model(args.model)
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
    """The estimator parameters with a flag in the parameter table, then the seed."""
    from . import _params

    group = parser.add_argument_group("model and training")
    for param in _params.PARAMS:
        if param.cli is None:
            continue
        default = param.default_for("classifier")
        check = param.check
        options = {"type": str}
        if isinstance(check, _params.Int):
            options = {"type": int}
        elif isinstance(check, _params.Real):
            options = {"type": float}
        elif isinstance(check, _params.Choice):
            options = {"choices": check.choices}
        if default is None:
            shown = "the architecture's" if param.network else "none"
        else:
            shown = "%(default)s"
        group.add_argument(
            param.cli,
            dest=param.name,
            default=default,
            help=f"{param.cli_help} (default: {shown})",
            **options,
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

    add_explain_parser(
        sub, _SECURITY, methods(), saliency_defaults()["method"], outputs()
    )
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
    return run_command(args.func, args)


def run_command(command, args) -> int:
    """Run ``command(args)``; return the exit status, as :func:`main` does.

    Errors a user can fix print one line and return 1.  Ctrl-C prints one
    line and returns 130; SIGTERM (``kill``, a job scheduler's time limit)
    is handled as Ctrl-C is (a fit stops after the current batch, files
    being written are removed) and returns 143, as a process ended by
    SIGTERM does.
    """
    terminated = []

    def on_sigterm(signum, frame):
        terminated.append(signum)
        handler = signal.getsignal(signal.SIGINT)  # what Ctrl-C would do now
        if callable(handler):
            handler(signal.SIGINT, frame)
        else:
            raise KeyboardInterrupt

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        command(args)
    except KeyboardInterrupt:
        if os.environ.get("DNACNN_DEBUG"):
            raise
        if terminated:
            print(f"dnacnn {args.command}: terminated", file=sys.stderr)
            return 128 + signal.SIGTERM
        print(f"\ndnacnn {args.command}: interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError, OSError) as exc:
        if os.environ.get("DNACNN_DEBUG"):
            raise
        print(f"dnacnn {args.command}: error: {error_message(exc)}", file=sys.stderr)
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


if __name__ == "__main__":
    sys.exit(main())
