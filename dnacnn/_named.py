"""Named motifs for ``dnacnn explain --name-motifs`` and ``dnacnn demo --name-motifs``.

:func:`named_motifs` finds every motif a model learned
(:func:`~dnacnn.motifs.discover_motifs`; the one motif of
:func:`~dnacnn.motifs.discover_motif` when TF-MoDISco finds none), names
them against JASPAR (:func:`~dnacnn.motifs.annotate_motifs`), draws each
logo beside its best match's, and returns the table the commands print:
"motif, consensus, sites, best match (q)".

Naming is asked for with ``--name-motifs``, never done by default: it needs
the extra ``dnacnn[motifs]``, and in a new installation the first run
compiles the numba code of TF-MoDISco and TomTom (about 20 s and 50 s on 2
busy cores; numba caches it in the installation, and later runs take
seconds).
"""

from __future__ import annotations

from pathlib import Path

from ._io import save_figure

__all__ = [
    "NAMED",
    "add_name_motifs_argument",
    "check_extra",
    "explain_named",
    "format_table",
    "named_motifs",
]

#: The files named motifs write (each logo beside its match's).
NAMED = r"named_motif_\d+\.png"

#: q-value below which a match names a motif.
MAX_Q = 0.05

#: Leiden clusterings TF-MoDISco tries in the commands.
N_LEIDEN_RUNS = 10


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


def explain_named(args, model, sequences, out: Path, motif) -> list:
    """``dnacnn explain --name-motifs``: print the table; the files written."""
    if not args.name_motifs:
        return []
    rows, written = named_motifs(
        model, sequences, target=args.target, out=out, fallback=motif
    )
    print(format_table(rows))
    return written


def check_extra(args) -> None:
    """Fail before any work when ``--name-motifs`` lacks the ``motifs`` extra."""
    import importlib

    if not args.name_motifs:
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


def named_motifs(model, X, *, target, out: Path, fallback) -> tuple[list, list]:
    """(rows, written files): one row per motif, logos as ``named_motif_<i>.png``.

    ``fallback`` is the single discovered motif (or None), used when
    TF-MoDISco finds no motif.  A row is (motif, consensus, sites, best
    match, q-value, match ID or None).
    """
    from .motifs import annotate_motifs, discover_motifs, load_motif_database

    # 10 Leiden runs, not TF-MoDISco's 50: on the demo's data they cost
    # minutes on 2 cores, and 10 give the same motif
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
        match = jaspar[best["match_id"]]
        label = f"{best['match_name']} {best['match_id']}"
        rows.append(
            (motif.name, motif.consensus, motif.nsites, label, best["q_value"], match)
        )
        path = out / f"named_motif_{i}.png"
        _pair(motif, match, best, path)
        written.append(path)
    return rows, written


def _pair(motif, match, best, path: Path) -> None:
    """The motif's logo beside its match's, aligned and in its orientation."""
    import matplotlib.pyplot as plt

    from .plotting import plot_logo

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
    for name, consensus, sites, label, q, _ in rows:
        verdict = "" if q < MAX_Q else ", not significant"
        lines.append(f"{name}\t{consensus}\t{sites}\t{label} (q={q:.2g}{verdict})")
    return "\n".join(lines)
