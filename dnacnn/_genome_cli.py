"""The command line's genome parts: ``fit --bed`` and ``variants``.

Kept beside :mod:`dnacnn.cli` so that it stays one screen per command; the
genome code is imported only when these run.
"""

from __future__ import annotations

from pathlib import Path

from ._files import atomic_path, check_not_input, check_writable

__all__ = ["add_bed_options", "add_variants_parser", "labelled_from_bed"]

BACKGROUND_HELP = (
    "negatives for --bed: 'gc' (GC-matched genome windows, the default), "
    "'shuffle' (dinucleotide shuffles of the peaks), or a BED file of negatives"
)


def add_bed_options(parser) -> None:
    """``--bed``, ``--genome`` and ``--background`` for ``dnacnn fit``."""
    group = parser.add_argument_group(
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


def labelled_from_bed(args):
    """Sequences, labels and the window length for ``fit``; checks the combination."""
    given = [name for name in ("sequences", "labels") if getattr(args, name)]
    if args.bed is None:
        extra = [f"--{o}" for o in ("genome", "background") if getattr(args, o)]
        if extra:
            raise ValueError(
                f"{' and '.join(extra)} go with --bed; give --bed peaks.bed, or "
                "leave them out and give SEQUENCES LABELS."
            )
        if len(given) != 2:
            raise ValueError(
                "fit needs SEQUENCES and LABELS files, or --bed peaks.bed "
                "--genome genome.fa."
            )
        return None
    if given:
        raise ValueError(
            "give either SEQUENCES LABELS or --bed with --genome, not both (got "
            f"{' and '.join(given).upper()} with --bed)."
        )
    if args.genome is None:
        raise ValueError("--bed needs --genome genome.fa to read the sequences from.")
    for what, path in (("--bed", args.bed), ("--genome", args.genome)):
        if Path(path).is_dir():
            raise IsADirectoryError(f"{what} {path} is a folder; give a file.")
        if not Path(path).is_file():
            raise FileNotFoundError(f"{what} file not found: {path}")
    from .genome import make_labelled_set

    data = make_labelled_set(
        args.genome,
        args.bed,
        background=args.background or "gc",
        length=args.length,
        random_state=args.random_state,
    )
    return data["sequence"].to_numpy(), data["label"].tolist()


def add_variants_parser(sub, security: str) -> None:
    p = sub.add_parser(
        "variants",
        help="score the variants of a VCF with a saved model",
        description=(
            "Score each variant of VCF (plain or gzipped; multi-allelic records "
            "split, symbolic and structural ones skipped) with a model saved by "
            "'dnacnn fit': the window of the model's length centred on the "
            "variant, with the reference and with the alternative allele, and "
            "the difference of each output's logit (effect_<class>). Writes a "
            "tab-separated table. " + security
        ),
    )
    p.add_argument("model", help="a model saved by 'dnacnn fit' (.dnacnn, or .joblib)")
    p.add_argument("vcf", help="the variants: VCF, plain or gzipped")
    p.add_argument("--genome", required=True, help="the genome FASTA (bgzip ok)")
    p.add_argument("--out", required=True, help="the scores table to write (.tsv)")
    p.add_argument(
        "--check-ref",
        choices=("error", "warn", "skip"),
        default="error",
        help="a REF that differs from the genome: an error (default), or a "
        "warning / nothing, and NaN scores",
    )
    p.set_defaults(func=cmd_variants)


def cmd_variants(args) -> None:
    import sys
    import warnings

    from ._io import read_model
    from .genome import score_variants

    check_writable(args.out, what="scores table (--out)")
    check_not_input(
        args.out,
        {
            "the model (MODEL)": args.model,
            "the VCF (VCF)": args.vcf,
            "the genome (--genome)": args.genome,
            "the genome's index": f"{args.genome}.fai",
        },
        what="scores table (--out)",
    )
    for what, path in (("VCF", args.vcf), ("genome", args.genome)):
        if not Path(path).is_file():
            raise FileNotFoundError(f"{what} file not found: {path}")
    model = read_model(args.model)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = score_variants(
            model, args.vcf, genome=args.genome, check_ref=args.check_ref
        )
    for warning in caught:
        print(f"dnacnn variants: warning: {warning.message}", file=sys.stderr)
    with atomic_path(args.out) as temp:
        scores.to_csv(temp, sep="\t", index=False, float_format="%.6g")
    print(f"{len(scores)} variants scored; written to {args.out}")
