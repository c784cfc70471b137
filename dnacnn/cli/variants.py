"""``dnacnn variants``: score the variants of a VCF with a saved model.

The genome code is imported only when the command runs.
"""

from __future__ import annotations

from pathlib import Path

from ._io import SECURITY, atomic_path, check_not_input, check_writable, load_model

__all__ = ["add_parser", "run"]


def add_parser(sub, parents=()) -> None:
    p = sub.add_parser(
        "variants",
        parents=list(parents),
        help="score the variants of a VCF with a saved model",
        description=(
            "Score each variant of VCF (plain or gzipped; multi-allelic records "
            "split, symbolic and structural ones skipped) with a model saved by "
            "'dnacnn fit': the window of the model's length centred on the "
            "variant, with the reference and with the alternative allele, and "
            "the difference of each output's logit (effect_<class>). Writes a "
            "tab-separated table. " + SECURITY
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
    p.set_defaults(func=run)


def run(args) -> None:
    import sys
    import warnings

    from ..genome import score_variants

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
    model = load_model(args.model)
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
