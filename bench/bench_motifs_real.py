"""Which attribution names the factor's own motif on real ChIP-seq peaks.

Usage::

    python bench/bench_motifs_real.py [--sets ELK1 GABPA ARID3A CTCFL FOXA1]
        [--attributions gradient deeplift_shap ism] [--seeds 1]
        [--held-out 2000] [--json bench/results/motifs_real.json] [--resume]

The five DeepBind ENCODE sets of ``../shared/data/real/deepbind/`` (read
with ``bench_real``'s reader; its README has the sources), 101 bp, and the
family of the factor's own motif:

====== ================== ========================================
set    expected family    a JASPAR match is in it when
====== ================== ========================================
ARID3A ARID               its ``tf_family`` holds ``ARID-related``
CTCFL  CTCF               its name is ``CTCF`` or ``CTCFL``
ELK1   ETS                its ``tf_family`` holds ``Ets-related``
FOXA1  Forkhead           its ``tf_family`` holds ``FOX``
GABPA  ETS                its ``tf_family`` holds ``Ets-related``
====== ================== ========================================

``tf_family`` is JASPAR's annotation of the matrix, as ``pyjaspar`` reads
it (JASPAR2024 CORE vertebrates, the database ``annotate_motifs`` names by).
A heterodimer's matrix (e.g. ``FOXO1::ELK1``) lists both halves' families and
counts for either.  CTCF and CTCFL are named by name because their JASPAR
family (``More than 3 adjacent zinc fingers``) holds hundreds of unrelated
zinc-finger factors.

Per set and seed (``0 .. seeds - 1``): the positives of
``<TF>_train_AC.tsv.gz`` are split, with ``numpy.random.default_rng(seed)``,
into a held-out part of ``min(--held-out, n // 5)`` peaks (2,000 for CTCFL
and FOXA1; 1,016 ELK1, 1,213 GABPA, 1,705 ARID3A) and the rest.  The model,
``make_pipeline(DNAOneHotTransformer(), DNACNNClassifier(random_state=seed))``
(the shipped defaults), is fitted on the rest and one
``dnacnn.dinucleotide_shuffle`` of each of them (seeded with ``seed``) as
its negatives; neither the held-out peaks nor their shuffles are trained on.
Its auROC on ``<TF>_test_B.tsv.gz`` (500 peaks, 500 shuffles) is recorded as
a check that it learned the set.  Then for each attribution
(``--attributions``), ``discover_motifs(model, held_out_peaks,
attribution=a)`` (every other parameter its default: 50 Leiden runs,
TF-MoDISco's sizes scaled to 101 bp) and ``annotate_motifs(motifs,
n_matches=3)`` against JASPAR2024 CORE vertebrates (``pyjaspar``'s local
database, no network).

Recorded per motif: sign, seqlets, consensus, its top three matches (ID,
name, JASPAR family, TomTom q-value) and whether the top match is in the
expected family.  Per set, seed and attribution: the fit's seconds and test
auROC, ``discover_motifs``' wall-clock seconds (attributions and TF-MoDISco;
``annotate_motifs`` is not included), and the load average when it started
(the 2 cores may be shared).

Printed: a markdown table, one row per set, seed and attribution: whether
the family is *named* (the top match of some motif is in the expected family
at q < 0.05), that motif (the first such, by seqlets), its rank among all
motifs by seqlets (1: the largest), its seqlets and their share of all
seqlets, its best match and q-value, whether the family is among the top
three matches of some motif at q < 0.05 (a weaker test: TomTom often ranks
a zinc finger with a ``GGAA`` core, ZBTB7A or ZBTB11, level with the ETS
factors for a short ETS motif), the number of motifs (positive / negative)
and the time; then per attribution the sets named (over sets and seeds), in
the top three, and the median time; then every motif with its top match and
the family's matches among its top three.

With ``--json``, the records are written after every attribution;
``--resume`` reads them back and runs only what is missing (a set and seed
whose attributions are all recorded is not fitted again; one with some
missing is refitted: with the same seed the fit is the same up to
TensorFlow's thread scheduling, and the record keeps each fit's auROC).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_real import DATA, DEEPBIND_STEMS, deepbind_table  # noqa: E402
from bench_tasks import json_store, machine_line  # noqa: E402

from dnacnn import (  # noqa: E402
    DNACNNClassifier,
    DNAOneHotTransformer,
    annotate_motifs,
    dinucleotide_shuffle,
    discover_motifs,
    load_motif_database,
)
from dnacnn.motifs._modisco import ATTRIBUTIONS  # noqa: E402

#: The expected family of each set: (label, JASPAR tf_family or None, names).
FAMILIES = {
    "ELK1": ("ETS", "Ets-related", ()),
    "GABPA": ("ETS", "Ets-related", ()),
    "ARID3A": ("ARID", "ARID-related", ()),
    "CTCFL": ("CTCF", None, ("CTCF", "CTCFL")),
    "FOXA1": ("Forkhead", "FOX", ()),
}
MAX_Q = 0.05
N_MATCHES = 3


def jaspar_families() -> dict:
    """JASPAR2024 CORE vertebrates: matrix ID -> its ``tf_family`` list."""
    import pyjaspar

    from dnacnn.motifs import JASPAR_RELEASE

    found = pyjaspar.jaspardb(release=JASPAR_RELEASE).fetch_motifs(
        collection="CORE", tax_group=["vertebrates"], all_versions=False
    )
    return {entry.matrix_id: list(entry.tf_family) for entry in found}


def in_family(set_name: str, match_name: str, family: list) -> bool:
    """Whether a JASPAR match (name, tf_family) is the set's expected family."""
    _, jaspar_family, names = FAMILIES[set_name]
    if jaspar_family is None:
        return match_name.upper() in names
    return jaspar_family in family


def split_peaks(peaks: np.ndarray, seed: int, held_out: int):
    """(training peaks, held-out peaks): ``min(held_out, n // 5)`` held out."""
    n_held = min(held_out, len(peaks) // 5)
    order = np.random.default_rng(seed).permutation(len(peaks))
    return peaks[np.sort(order[n_held:])], peaks[np.sort(order[:n_held])]


def fit(set_name: str, seed: int, held_out: int):
    """The fitted model, the held-out peaks and the fit's record."""
    stem = DEEPBIND_STEMS[set_name]
    peaks = deepbind_table(stem, "train_AC")["seq"].to_numpy(dtype=object)
    train, explained = split_peaks(peaks, seed, held_out)
    shuffles = dinucleotide_shuffle(train, random_state=seed)
    X = np.concatenate([train, shuffles])
    y = np.r_[np.ones(len(train), int), np.zeros(len(shuffles), int)]
    model = make_pipeline(DNAOneHotTransformer(), DNACNNClassifier(random_state=seed))
    load = os.getloadavg()[0]
    start = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - start
    test = deepbind_table(stem, "test_B")
    auc = roc_auc_score(
        test["Bound"].to_numpy(int),
        model.predict_proba(test["seq"].to_numpy(dtype=object))[:, 1],
    )
    record = {
        "n_peaks": len(peaks),
        "n_train": len(X),
        "n_held_out": len(explained),
        "fit_seconds": seconds,
        "fit_load": load,
        "test_auroc": float(auc),
        "epochs": len(model[-1].history_["loss"]),
        "architecture": model[-1].architecture,
    }
    return model, explained, record


def explain(set_name, model, explained, attribution, jaspar, families) -> dict:
    """discover_motifs with one attribution, named; the record's fields."""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    motifs = discover_motifs(model, explained, attribution=attribution)
    seconds = time.perf_counter() - start
    rows = []
    if motifs:
        table = annotate_motifs(motifs, jaspar, n_matches=N_MATCHES)
        for motif in motifs:
            matches = table[table["motif"] == motif.name]
            rows.append(
                {
                    "motif": motif.name,
                    "sign": int(motif.sign),
                    "seqlets": int(motif.nsites),
                    "sequences": int(motif.n_sequences),
                    "consensus": motif.consensus,
                    "matches": [
                        {
                            "id": m.match_id,
                            "name": m.match_name,
                            "family": families.get(m.match_id, []),
                            "q": float(m.q_value),
                        }
                        for m in matches.itertuples()
                    ],
                }
            )
    for row in rows:
        for match in row["matches"]:
            match["in_family"] = in_family(set_name, match["name"], match["family"])
        row["in_family"] = row["matches"][0]["in_family"]
    return {"seconds": seconds, "load": load, "motifs": rows}


def named(record, top: int = 1) -> dict | None:
    """The record's largest motif with the family among its ``top`` best
    matches at q < MAX_Q (``top=1``: the best match), with its rank by
    seqlets."""
    ranked = sorted(record["motifs"], key=lambda m: -m["seqlets"])
    for rank, motif in enumerate(ranked, 1):
        if any(m["in_family"] and m["q"] < MAX_Q for m in motif["matches"][:top]):
            return {**motif, "rank": rank}
    return None


# --------------------------------------------------------------------- run
def run(sets, attributions, seeds, held_out, records, save, log=print):
    jaspar = load_motif_database()
    families = jaspar_families()
    records = list(records)
    done = {(r["seed"], r["set"], r["attribution"], r["held_out"]) for r in records}
    for seed in seeds:
        for set_name in sets:
            todo = [
                a for a in attributions if (seed, set_name, a, held_out) not in done
            ]
            if not todo:
                continue
            model, explained, fitted = fit(set_name, seed, held_out)
            log(
                f"seed {seed} {set_name}: fit {fitted['fit_seconds']:.0f} s "
                f"({fitted['epochs']} epochs, load {fitted['fit_load']:.1f}), "
                f"test auROC {fitted['test_auroc']:.4f}; explaining "
                f"{fitted['n_held_out']} held-out peaks",
                flush=True,
            )
            for attribution in todo:
                found = explain(
                    set_name, model, explained, attribution, jaspar, families
                )
                record = {
                    "seed": seed,
                    "set": set_name,
                    "attribution": attribution,
                    "held_out": held_out,
                    **fitted,
                    **found,
                }
                records.append(record)
                if save is not None:
                    save(records)
                hit = named(record)
                log(
                    f"  {attribution:<13} {found['seconds']:6.0f} s "
                    f"(load {found['load']:.1f}), {len(found['motifs'])} motifs; "
                    + (
                        f"{FAMILIES[set_name][0]} named by {hit['motif']} "
                        f"({hit['matches'][0]['name']}, rank {hit['rank']})"
                        if hit
                        else f"{FAMILIES[set_name][0]} not named"
                    ),
                    flush=True,
                )
    return records


# ------------------------------------------------------------------ report
def _match(motif) -> str:
    top = motif["matches"][0]
    return f"{top['id']} {top['name']}"


def main_table(records, sets, attributions, seeds) -> list[str]:
    lines = [
        "| set | family | seed | test auROC | attribution | named | motif "
        "| rank | seqlets (share) | best match | q | in top 3 | motifs +/- "
        "| discover_motifs s | load |",
        "|:--|:--|--:|--:|:--|:--|:--|--:|--:|:--|--:|:--|--:|--:|--:|",
    ]
    for set_name, seed, attribution, record in _recorded(
        records, sets, seeds, attributions
    ):
        total = sum(m["seqlets"] for m in record["motifs"])
        signs = [m["sign"] for m in record["motifs"]]
        counts = f"{signs.count(1)}/{signs.count(-1)}"
        hit = named(record)
        if hit is None:
            cells = "no | | | | | "
        else:
            share = hit["seqlets"] / total
            cells = (
                f"yes | {hit['motif']} {hit['consensus']} | {hit['rank']} "
                f"| {hit['seqlets']} ({100 * share:.0f}%) | {_match(hit)} "
                f"| {hit['matches'][0]['q']:.2g} "
            )
        top3 = "yes" if named(record, N_MATCHES) else "no"
        lines.append(
            f"| {set_name} | {FAMILIES[set_name][0]} | {seed} "
            f"| {record['test_auroc']:.4f} | {attribution} | {cells}"
            f"| {top3} | {counts} | {record['seconds']:.0f} "
            f"| {record['load']:.1f} |"
        )
    return lines


def motif_table(records, sets, attributions, seeds) -> list[str]:
    lines = [
        "| set | seed | attribution | motif | consensus | seqlets | top match "
        "| JASPAR family | q | in family | family in top 3 |",
        "|:--|--:|:--|:--|:--|--:|:--|:--|--:|:--|:--|",
    ]
    for set_name, seed, attribution, record in _recorded(
        records, sets, seeds, attributions
    ):
        if not record["motifs"]:
            lines.append(
                f"| {set_name} | {seed} | {attribution} | (none) | | | | | | | |"
            )
        for motif in record["motifs"]:
            top = motif["matches"][0]
            lines.append(
                f"| {set_name} | {seed} | {attribution} | {motif['motif']} "
                f"| {motif['consensus']} | {motif['seqlets']} "
                f"| {_match(motif)} | {', '.join(top['family'])} "
                f"| {top['q']:.2g} "
                f"| {'yes' if motif['in_family'] else 'no'} "
                f"| {_family_matches(motif)} |"
            )
    return lines


def summary(records, sets, attributions, seeds) -> list[str]:
    lines = [
        "| attribution | family named | in top 3 | share of seqlets in it "
        "(median) | median discover_motifs s | sets not named |",
        "|:--|--:|--:|--:|--:|:--|",
    ]
    for attribution in attributions:
        hits, top3, runs, shares, times, missed = 0, 0, 0, [], [], []
        for set_name, seed, _, record in _recorded(records, sets, seeds, [attribution]):
            runs += 1
            times.append(record["seconds"])
            top3 += named(record, N_MATCHES) is not None
            hit = named(record)
            if hit is None:
                missed.append(f"{set_name} (seed {seed})")
                continue
            hits += 1
            shares.append(hit["seqlets"] / sum(m["seqlets"] for m in record["motifs"]))
        if not runs:
            continue
        share = f"{100 * np.median(shares):.0f}%" if shares else ""
        lines.append(
            f"| {attribution} | {hits}/{runs} | {top3}/{runs} | {share} "
            f"| {np.median(times):.0f} "
            f"| {', '.join(missed)} |"
        )
    return lines


def _family_matches(motif) -> str:
    """``"2: MA0076.3 ELK4 (q 0.01)"`` for each of the top matches in family."""
    return ", ".join(
        f"{k}: {m['id']} {m['name']} (q {m['q']:.2g})"
        for k, m in enumerate(motif["matches"], 1)
        if m["in_family"]
    )


def _recorded(records, sets, seeds, attributions):
    """``(set, seed, attribution, record)`` of each recorded run, in that order."""
    by_key = {(r["set"], r["seed"], r["attribution"]): r for r in records}
    for set_name in sets:
        for seed in seeds:
            for attribution in attributions:
                record = by_key.get((set_name, seed, attribution))
                if record is not None:
                    yield set_name, seed, attribution, record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sets", nargs="+", default=list(FAMILIES), choices=list(FAMILIES)
    )
    parser.add_argument(
        "--attributions", nargs="+", default=list(ATTRIBUTIONS), choices=ATTRIBUTIONS
    )
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument(
        "--held-out",
        type=int,
        default=2000,
        help="peaks explained, at most a fifth of the set (default: %(default)s)",
    )
    parser.add_argument("--json", default=None, help="save the records here")
    parser.add_argument(
        "--resume", action="store_true", help="keep the records in --json, run the rest"
    )
    args = parser.parse_args()
    if args.resume and not args.json:
        parser.error("--resume needs --json")

    print(machine_line())
    print(f"Data: {DATA / 'deepbind'}")
    shipped = DNACNNClassifier().get_params()
    keys = ("architecture", "epochs", "batch_size", "early_stopping", "strands")
    print(
        "DNACNNClassifier as shipped: " + ", ".join(f"{k}={shipped[k]!r}" for k in keys)
    )
    print()
    records, save = json_store(args.json, {"held_out": args.held_out}, args.resume)
    start = time.perf_counter()
    seeds = range(args.seeds)
    records = run(args.sets, args.attributions, seeds, args.held_out, records, save)
    wall = time.perf_counter() - start
    shown = [r for r in records if r["held_out"] == args.held_out]
    # records from before the field: fitted when 0.x's "cnn" was the default
    fitted = Counter(r.get("architecture", "cnn") for r in shown)
    print()
    print(
        "The records' networks: "
        + ", ".join(f"architecture={a!r} ({n} records)" for a, n in fitted.items())
    )
    print()
    print(
        f"discover_motifs(model, held_out_peaks, attribution=...) then "
        f"annotate_motifs against JASPAR2024 CORE vertebrates; named: the top "
        f"match of a motif is in the family at q < {MAX_Q}; seeds "
        f"0..{args.seeds - 1}; {machine_line()}"
    )
    print()
    for line in main_table(shown, args.sets, args.attributions, seeds):
        print(line)
    print()
    for line in summary(shown, args.sets, args.attributions, seeds):
        print(line)
    print()
    print("Every motif and its top match:")
    print()
    for line in motif_table(shown, args.sets, args.attributions, seeds):
        print(line)
    print()
    print(f"Total wall time {wall / 60:.1f} min (this run)")


if __name__ == "__main__":
    main()
