"""``dnacnn fit``: train a model and say how well it does on data it did not see.

The training data come in one of three shapes: SEQUENCES with a LABELS file
(one label per line, or columns with ``--task``); positives and negatives,
as two sequence files (a FASTA second argument, or ``--negatives``) or as
positives with ``--background shuffle``; peaks with ``--bed`` and
``--genome``.  A stratified hold-out (``--test-size``, 0.2 by default) or
``--cv K`` measures the model on sequences it was not trained on; the model
options are the parameter table's (:mod:`dnacnn._params`).
"""

from __future__ import annotations

from pathlib import Path

from .. import _params
from ._io import (
    check_not_input,
    is_fasta,
    model_path,
    read_labeled,
    read_sequences,
    save_model_file,
)

__all__ = ["add_parser", "run"]

TASKS = ("classification", "multilabel", "regression")

BACKGROUND_HELP = (
    "negatives made for you: with --bed, 'gc' (GC-matched genome windows, the "
    "default), 'shuffle' (dinucleotide shuffles of the peaks) or a BED file of "
    "negatives; with SEQUENCES alone (the positives), 'shuffle': one "
    "dinucleotide shuffle of each positive (dnacnn.dinucleotide_shuffle, "
    "seeded by --random-state)"
)


# --------------------------------------------------------------------------
# options
# --------------------------------------------------------------------------
def add_parser(sub, parents=()) -> None:
    p = sub.add_parser(
        "fit",
        parents=list(parents),
        help="train a model on labelled sequences, or on positives and negatives",
        description=(
            "One-hot encode the sequences and train the CNN; report its "
            "performance on sequences held out from training (auROC, accuracy "
            "and MCC; R^2 for regression) and save the fitted Pipeline. The "
            "data: SEQUENCES and LABELS (one per line, in the same order); or "
            "positives and negatives (dnacnn fit positives.fa negatives.fa: a "
            "FASTA second file is the negatives, labelled 0 against the "
            "positives' 1; or --negatives FILE; or --background shuffle to "
            "make them from the positives); or --bed peaks with --genome. "
            "The default format (any name but .joblib/.pkl, e.g. model.dnacnn) "
            "is a zip file of JSON parameters and the Keras network that loads "
            "without running code (dnacnn.load_model); a .joblib or .pkl name "
            "writes joblib instead. The file is checked before training and "
            "written atomically: a failed or interrupted run leaves an existing "
            "one."
        ),
    )
    p.add_argument(
        "sequences",
        nargs="?",
        help="sequences (the positives, with NEGATIVES): one per line, or FASTA "
        "(.gz ok)",
    )
    p.add_argument(
        "labels",
        nargs="?",
        metavar="LABELS|NEGATIVES",
        help=(
            "labels: one per line, same order; with --task multilabel or "
            "regression, several columns (tab, comma or space separated; an "
            "optional header line). A FASTA file here is the negatives"
        ),
    )
    p.add_argument(
        "--negatives",
        default=None,
        help="negative sequences (one per line, or FASTA), labelled 0 against "
        "SEQUENCES' 1",
    )
    p.add_argument(
        "--task",
        choices=TASKS,
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
    evaluation = p.add_argument_group("held-out performance")
    evaluation.add_argument(
        "--test-size",
        type=float,
        default=0.2,
        help=(
            "fraction of the sequences held out (stratified by class) to "
            "measure the model on; the saved model is trained on the rest. "
            "0 trains on all and reports the training score (default: "
            "%(default)s)"
        ),
    )
    evaluation.add_argument(
        "--cv",
        type=int,
        default=None,
        metavar="K",
        help=(
            "K-fold cross-validation (stratified for classes) instead of one "
            "hold-out: prints each fold's scores and their mean; the saved "
            "model is then trained on all the sequences"
        ),
    )
    group = p.add_argument_group(
        "from peaks and a genome (instead of SEQUENCES LABELS)"
    )
    group.add_argument(
        "--bed",
        default=None,
        help="positive intervals: BED or narrowPeak (.gz ok); windows of "
        "--length bases (default: the median peak width) centred on each "
        "summit or middle",
    )
    group.add_argument("--genome", default=None, help="the genome FASTA (bgzip ok)")
    group.add_argument("--background", default=None, help=BACKGROUND_HELP)
    p.add_argument(
        "--length",
        type=int,
        default=None,
        help="encoded length: pad or refuse sequences (default: the longest)",
    )
    add_model_options(p)
    p.set_defaults(func=run)


def add_model_options(parser) -> None:
    """The estimator parameters with a flag in the parameter table, then the seed."""
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
        help="seed of the network, the hold-out and the shuffles (default: 0)",
    )
    group.add_argument(
        "--quiet", action="store_true", help="no per-epoch progress lines"
    )


# --------------------------------------------------------------------------
# the command
# --------------------------------------------------------------------------
def run(args) -> None:
    from sklearn.pipeline import make_pipeline

    from ..preprocessing import DNAOneHotTransformer

    _check_evaluation(args)
    out = model_path(args.out)  # before the data and the training
    check_not_input(
        out,
        {
            "the sequences (SEQUENCES)": args.sequences,
            "the labels (LABELS)": args.labels,
            "the negatives (--negatives)": args.negatives,
            "the peaks (--bed)": args.bed,
            "the genome (--genome)": args.genome,
            "the genome's index": args.genome and f"{args.genome}.fai",
            "the background (--background)": args.background,
        },
        what="model file (--out)",
    )
    sequences, labels, about = training_data(args)
    # one length for every split: the longest sequence of all, unless given
    length = args.length or max(len(s) for s in sequences)

    def make_model():
        return make_pipeline(DNAOneHotTransformer(length=length), _network(args))

    model, report = _fit_and_measure(args, make_model, sequences, labels)
    fmt = save_model_file(model, out)
    print(
        f"{about}\n{report}\nmodel written to {out} "
        f"({'joblib' if fmt == 'joblib' else 'dnacnn format, no pickle'})"
    )


def _check_evaluation(args) -> None:
    if args.cv is not None:
        if args.cv < 2:
            raise ValueError(f"--cv {args.cv}: give at least 2 folds.")
        return
    if not 0 <= args.test_size < 1:
        raise ValueError(
            f"--test-size {args.test_size}: give a fraction from 0 (no hold-out) "
            "to below 1, e.g. 0.2."
        )


def _network(args):
    from ..estimators import DNACNNClassifier, DNACNNRegressor

    cls = DNACNNRegressor if args.task == "regression" else DNACNNClassifier
    return cls(
        **{p.name: getattr(args, p.name) for p in _params.PARAMS if p.cli},
        random_state=args.random_state,
        verbose=0 if args.quiet else 2,
    )


def training_data(args):
    """(sequences, labels, a line saying what they are); checks the combination."""
    import numpy as np

    if args.bed is not None:
        sequences, labels = _from_bed(args)
        n = int(np.sum(np.asarray(labels) == 1))
        return (
            sequences,
            labels,
            (
                f"{n} peaks of {args.bed} and {len(labels) - n} background sequences "
                f"({args.background or 'gc'})"
            ),
        )
    if args.genome is not None:
        raise ValueError(
            "--genome goes with --bed; give --bed peaks.bed, or leave it out and "
            "give SEQUENCES LABELS."
        )
    if args.sequences is None:
        raise ValueError(
            "fit needs SEQUENCES and LABELS files, positives and negatives "
            "(SEQUENCES NEGATIVES.fa, or SEQUENCES --background shuffle), or "
            "--bed peaks.bed --genome genome.fa."
        )
    negatives = args.negatives
    if args.labels is not None and args.negatives is not None:
        raise ValueError(
            "give LABELS or --negatives, not both: with --negatives the labels "
            "are 1 for SEQUENCES and 0 for the negatives."
        )
    if args.labels is not None and is_fasta(args.labels):
        negatives = args.labels
    if args.background is not None:
        if args.background != "shuffle":
            raise ValueError(
                f"--background {args.background!r} needs --bed and --genome (GC-"
                "matched windows or a BED file of negatives come from the "
                "genome); with SEQUENCES alone, use --background shuffle."
            )
        if negatives is not None or args.labels is not None:
            given = "NEGATIVES" if negatives is not None else "LABELS"
            raise ValueError(
                f"give {given} or --background shuffle, not both: the shuffles "
                "are negatives made when you have none."
            )
    if negatives is None and args.background is None:
        if args.labels is None:
            raise ValueError(
                "fit needs SEQUENCES and LABELS files, or negatives: a second "
                "FASTA file, --negatives FILE, or --background shuffle to make "
                "them from the positives."
            )
        sequences, labels, _ = read_labeled(args.sequences, args.labels, args.task)
        return sequences, labels, f"{len(sequences)} sequences of {args.sequences}"
    if args.task != "classification":
        raise ValueError(
            f"positives and negatives make bound/unbound labels, which --task "
            f"{args.task} cannot use; give SEQUENCES and a LABELS file, or leave "
            "out --task."
        )
    positives, _ = read_sequences(args.sequences)
    if negatives is not None:
        others, _ = read_sequences(negatives)
        what = f"{len(others)} negatives of {negatives}"
    else:
        from ..genome import dinucleotide_shuffle

        others = dinucleotide_shuffle(positives, random_state=args.random_state)
        what = f"{len(others)} dinucleotide shuffles of them as negatives"
    sequences = np.concatenate([np.asarray(positives), np.asarray(others)])
    labels = np.concatenate(
        [np.ones(len(positives), dtype=np.int64), np.zeros(len(others), np.int64)]
    )
    return (
        sequences,
        labels.tolist(),
        (
            f"{len(positives)} positives of {args.sequences} (label 1) and {what} "
            "(label 0)"
        ),
    )


def _from_bed(args):
    """Sequences and labels from ``--bed`` peaks and ``--genome``."""
    given = [name for name in ("sequences", "labels") if getattr(args, name)]
    if args.negatives is not None:
        given.append("--negatives")
    if given:
        raise ValueError(
            "give either SEQUENCES LABELS or --bed with --genome, not both (got "
            f"{' and '.join(given).upper()} with --bed)."
        )
    if args.task != "classification":
        raise ValueError(
            f"--bed builds bound/unbound labels, which --task {args.task} cannot "
            "use; leave --task out, or give SEQUENCES and LABELS"
        )
    if args.genome is None:
        raise ValueError("--bed needs --genome genome.fa to read the sequences from.")
    for what, path in (("--bed", args.bed), ("--genome", args.genome)):
        if Path(path).is_dir():
            raise IsADirectoryError(f"{what} {path} is a folder; give a file.")
        if not Path(path).is_file():
            raise FileNotFoundError(f"{what} file not found: {path}")
    from ..genome import make_labelled_set

    data = make_labelled_set(
        args.genome,
        args.bed,
        background=args.background or "gc",
        length=args.length,
        random_state=args.random_state,
    )
    return data["sequence"].to_numpy(), data["label"].tolist()


# --------------------------------------------------------------------------
# held-out performance
# --------------------------------------------------------------------------
def _fit_and_measure(args, make_model, sequences, labels):
    """The model to save, and the lines that say how well it predicts."""
    import numpy as np

    X = np.asarray(sequences, dtype=object)
    y = np.asarray(labels)
    classes = args.task == "classification"
    if args.cv is not None:
        from sklearn.model_selection import KFold, StratifiedKFold

        folds = (StratifiedKFold if classes else KFold)(
            args.cv, shuffle=True, random_state=args.random_state
        )
        rows = []
        for train, test in folds.split(X, y if classes else None):
            model = make_model().fit(X[train], y[train])
            rows.append(scores(model, X[test], y[test], args.task))
        names = list(rows[0])
        lines = [
            f"{args.cv}-fold cross-validation ({'stratified, ' if classes else ''}"
            f"random_state={args.random_state}):",
            *(
                f"  fold {i + 1}: " + ", ".join(f"{k} {v:.3f}" for k, v in r.items())
                for i, r in enumerate(rows)
            ),
            "  mean:   "
            + ", ".join(
                f"{k} {np.mean([r[k] for r in rows]):.3f} "
                f"(sd {np.std([r[k] for r in rows]):.3f})"
                for k in names
            ),
        ]
        model = make_model().fit(X, y)
        lines.append(f"final model fitted on all {len(X)} sequences")
        return model, "\n".join(lines)
    if args.test_size == 0:
        model = make_model().fit(X, y)
        values = scores(model, X, y, args.task)
        return model, (
            f"fitted on all {len(X)} sequences (--test-size 0): training "
            + ", ".join(f"{k} {v:.3f}" for k, v in values.items())
            + " (on the training data: not a measure of performance)"
        )
    from sklearn.model_selection import train_test_split

    try:
        train, test = train_test_split(
            np.arange(len(X)),
            test_size=args.test_size,
            random_state=args.random_state,
            stratify=y if classes else None,
        )
    except ValueError as exc:
        raise ValueError(
            f"cannot hold out {args.test_size:g} of {len(X)} sequences: {exc} "
            "Give more sequences, another --test-size, or --test-size 0."
        ) from exc
    model = make_model().fit(X[train], y[train])
    values = scores(model, X[test], y[test], args.task)
    return model, (
        f"fitted on {len(train)} sequences; held out {len(test)} "
        f"({'stratified, ' if classes else ''}--test-size {args.test_size:g}, "
        f"random_state={args.random_state}): "
        + ", ".join(f"{k} {v:.3f}" for k, v in values.items())
    )


def scores(model, X, y, task: str) -> dict:
    """What ``fit`` reports on held-out sequences: auROC, accuracy and MCC for
    classes (macro auROC and per-label accuracy for multi-label), R^2 for
    regression.  An auROC that cannot be computed (one class only) is NaN."""
    import numpy as np
    from sklearn.metrics import (
        accuracy_score,
        matthews_corrcoef,
        r2_score,
        roc_auc_score,
    )

    if task == "regression":
        return {"R^2": float(r2_score(y, model.predict(X)))}
    proba = model.predict_proba(X)
    predicted = model.predict(X)

    def auroc(truth, score):
        if len(np.unique(truth)) < 2:
            return float("nan")
        return float(roc_auc_score(truth, score))

    if task == "multilabel":
        aurocs = [auroc(y[:, j], proba[:, j]) for j in range(y.shape[1])]
        return {
            "macro auROC": float(np.nanmean(aurocs))
            if any(np.isfinite(aurocs))
            else float("nan"),
            "label accuracy": float((predicted == y).mean()),
        }
    classes = list(model.classes_)
    values = {}
    if len(classes) == 2:
        values["auROC"] = auroc(y == classes[1], proba[:, 1])
    elif set(np.unique(y)) == set(classes):
        values["auROC (one vs rest)"] = float(
            roc_auc_score(y, proba, multi_class="ovr", labels=classes)
        )
    values["accuracy"] = float(accuracy_score(y, predicted))
    values["MCC"] = float(matthews_corrcoef(y, predicted))
    return values
