"""``dnacnn predict``: each sequence's class, probabilities or values."""

from __future__ import annotations

import sys

from ._io import (
    SECURITY,
    atomic_path,
    check_not_input,
    check_writable,
    load_model,
    prediction_table,
    read_sequences,
)

__all__ = ["add_parser", "run"]


def add_parser(sub, parents=()) -> None:
    p = sub.add_parser(
        "predict",
        parents=list(parents),
        help="predict classes or probabilities with a saved model",
        description=(
            "Predict each sequence's class (or, with --proba, the probability "
            "of each class) with a model saved by 'dnacnn fit' or 'dnacnn "
            "demo'. Rows are keyed by FASTA id, or by 0-based line number. " + SECURITY
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
    p.set_defaults(func=run)


def run(args) -> None:
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
