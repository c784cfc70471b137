"""How well discover_motif recovers a planted motif from a fitted classifier.

Usage::

    python bench/bench_motifs.py [--seeds 5] [--only primer|multi|all]
        [--attribution gradient|deeplift_shap|ism]

Fits ``make_pipeline(DNAOneHotTransformer(), DNACNNClassifier(...))`` on the
raw strings and runs ``discover_motif(model, X_train)`` on the training split
(split ``train_test_split(test_size=0.25, random_state=42)``), over classifier
seeds ``0 .. seeds - 1``. Two data sets:

* ``primer``: the tutorial's 2,000 sequences of 50 bp (``fetch_primer``, read
  from the shared cache without downloading) with the planted 12-mer
  ``CGACCGAACTCC``; ``DNACNNClassifier(random_state=seed)`` as shipped. Per
  seed: test accuracy, the recovered consensus and whether it equals the
  12-mer, and the fraction of bound training sequences whose site (from
  ``motif.sites``: ``sequence`` indexes ``X_train``, ``start`` is the site's
  start) begins exactly where the 12-mer is (``seq.find(motif)``); a bound
  sequence without a site (not predicted bound) counts as a miss.
* ``pwm200``: ``make_motif_dataset(2000, 200, motif=pwm, random_state=0)``
  with a 14-position PWM drawn as ``np.random.default_rng(0).dirichlet(
  np.full(4, 0.5), size=14)``, so every positive holds a fresh, noisy site in
  200 bp of background; ``DNACNNClassifier(epochs=30, random_state=seed)``
  over seeds ``0 .. min(seeds, 3) - 1``. Per seed: test accuracy, the
  recovered width and consensus, and the Pearson correlation of the
  recovered PFM (``motif.pfm``) with the planted PWM, the best over both
  orientations (the reverse complement of a PFM flips its rows and columns,
  A C G T order) and every offset at which the two overlap by at least
  ``min(width, 8)`` positions, correlating the overlapping rows flattened.
  With that alignment, a site is "at the planted position" when its start
  is within 1 base of where the aligned part of the planted site puts it
  (``positions`` from ``make_motif_dataset`` plus the offset); the fraction
  is over bound training sequences, as above.

Both tables also give discover_motif's wall-clock time (prediction and
saliency included, fit excluded). One tiny untimed warm-up fit and saliency
call first absorb TensorFlow's first-use costs. Below each table is a
one-line summary.

``multi`` (``--only multi``, and after the others with ``all``): over seeds
``0 .. min(seeds, 3) - 1``, ``--multi-samples`` (10,000) sequences of 200 bp,
half of them holding a non-empty combination of three JASPAR motifs
(``--jaspar-ids``; ``_multimotif.simulate``), all of them fitted with
``DNACNNClassifier(random_state=seed)`` and explained by
``discover_motifs(model, X)`` (with ``--attribution``, that attribution;
without, discover_motifs' default), then named by ``annotate_motifs`` against
JASPAR2024 CORE vertebrates. Per seed and motif: seqlets and their share, the
best match and its q-value; a planted factor is recovered when it is the top
match of a motif at q < 0.05; any other motif is spurious. Times: fit,
discover_motifs, annotate_motifs.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time

import numpy as np
from _multimotif import JASPAR_IDS  # bench/_multimotif.py
from _primer import load_primer  # bench/_primer.py
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

import dnacnn
from dnacnn import (
    DNACNNClassifier,
    DNAOneHotTransformer,
    make_motif_dataset,
)
from dnacnn.motifs._modisco import ATTRIBUTIONS

PRIMER_MOTIF = "CGACCGAACTCC"
PWM_WIDTH = 14
PWM_LENGTH = 200
PWM_EPOCHS = 30
MIN_OVERLAP = 8
MULTI_LENGTH = 200


def split(*arrays):
    return train_test_split(*arrays, test_size=0.25, random_state=42)


def primer_arrays():
    data = load_primer()
    return data.sequences, data.target


def planted_pwm() -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.dirichlet(np.full(4, 0.5), size=PWM_WIDTH)


def consensus(matrix: np.ndarray) -> str:
    return "".join(np.array(list("ACGT"))[matrix.argmax(axis=1)])


def information(matrix: np.ndarray) -> float:
    """Total information in bits against a uniform background."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(matrix > 0, matrix * np.log2(matrix / 0.25), 0.0)
    return float(terms.sum())


def reverse_complement_matrix(matrix: np.ndarray) -> np.ndarray:
    return matrix[::-1, ::-1]


def align(pfm: np.ndarray, planted: np.ndarray) -> dict:
    """Best Pearson correlation of ``pfm`` (either orientation) with ``planted``.

    Row ``i`` of the oriented ``pfm`` faces row ``i + offset`` of ``planted``;
    offsets leave at least ``min(width, 8)`` rows overlapping. Returns the
    correlation, orientation (+1 as recovered, -1 reverse complement), offset
    and the overlapping rows ``[lo, hi)`` of the oriented ``pfm``.
    """
    width, planted_width = len(pfm), len(planted)
    need = min(width, planted_width, MIN_OVERLAP)
    best = {"r": -np.inf}
    for orientation, matrix in ((1, pfm), (-1, reverse_complement_matrix(pfm))):
        for offset in range(need - width, planted_width - need + 1):
            lo, hi = max(0, -offset), min(width, planted_width - offset)
            if hi - lo < need:
                continue
            a = matrix[lo:hi].ravel()
            b = planted[lo + offset : hi + offset].ravel()
            if a.std() == 0 or b.std() == 0:
                continue
            r = float(np.corrcoef(a, b)[0, 1])
            if r > best["r"]:
                best = {
                    "r": r,
                    "orientation": orientation,
                    "offset": offset,
                    "lo": lo,
                    "hi": hi,
                }
    return best


def expected_start(planted_start: np.ndarray, width: int, best: dict) -> np.ndarray:
    """Where a site of the recovered motif should start, given the alignment.

    Forward: the site's row 0 faces planted row ``offset``, so it starts at
    ``planted_start + offset``. Reverse complement: oriented rows ``[lo,
    hi)`` are the recovered rows ``[width - hi, width - lo)``, which cover
    the same bases as planted rows ``[lo + offset, hi + offset)``.
    """
    offset, lo, hi = best["offset"], best["lo"], best["hi"]
    if best["orientation"] == 1:
        return planted_start + offset
    return planted_start + lo + offset - (width - hi)


def site_hits(motif, y_train, expected, tolerance: int) -> tuple[int, int, int]:
    """Counts of sites near ``expected`` and of bound sequences.

    Returns (bound sequences whose site starts within ``tolerance`` of
    ``expected``, bound sequences, sites on bound sequences, all sites).
    """
    sites = motif.sites
    bound = y_train[sites["sequence"]] == 1
    seq = sites["sequence"][bound]
    close = np.abs(sites["start"][bound] - expected[seq]) <= tolerance
    n_bound = int((y_train == 1).sum())
    return int(close.sum()), n_bound, int(bound.sum()), len(sites)


def timed_discover(model, X):
    start = time.perf_counter()
    motif = dnacnn.discover_motif(model, X)
    return motif, time.perf_counter() - start


def pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def run_primer(sequences, target, seeds) -> list[dict]:
    X_train, X_test, y_train, y_test = split(sequences, target)
    planted = np.array([seq.find(PRIMER_MOTIF) for seq in X_train])
    rows = []
    for seed in seeds:
        model = make_pipeline(
            DNAOneHotTransformer(), DNACNNClassifier(random_state=seed)
        )
        model.fit(X_train, y_train)
        accuracy = float(model.score(X_test, y_test))
        motif, seconds = timed_discover(model, X_train)
        hits, n_bound, on_bound, n_sites = site_hits(motif, y_train, planted, 0)
        rows.append(
            {
                "seed": seed,
                "accuracy": accuracy,
                "consensus": motif.consensus,
                "exact": motif.consensus == PRIMER_MOTIF,
                "hits": hits,
                "bound": n_bound,
                "on_bound": on_bound,
                "sites": n_sites,
                "seconds": seconds,
            }
        )
    return rows


def run_pwm(seeds) -> tuple[list[dict], np.ndarray]:
    pwm = planted_pwm()
    X, y, positions = make_motif_dataset(
        2000, PWM_LENGTH, motif=pwm, return_positions=True, random_state=0
    )
    X_train, X_test, y_train, y_test, pos_train, _ = split(X, y, positions)
    rows = []
    for seed in seeds:
        model = make_pipeline(
            DNAOneHotTransformer(),
            DNACNNClassifier(epochs=PWM_EPOCHS, random_state=seed),
        )
        model.fit(X_train, y_train)
        accuracy = float(model.score(X_test, y_test))
        motif, seconds = timed_discover(model, X_train)
        best = align(motif.pfm, pwm)
        expected = expected_start(pos_train, motif.width, best)
        hits, n_bound, on_bound, n_sites = site_hits(motif, y_train, expected, 1)
        rows.append(
            {
                "seed": seed,
                "accuracy": accuracy,
                "width": motif.width,
                "consensus": motif.consensus,
                "best": best,
                "hits": hits,
                "bound": n_bound,
                "on_bound": on_bound,
                "sites": n_sites,
                "seconds": seconds,
            }
        )
    return rows, pwm


def warm_up(sequences, target) -> None:
    """Untimed: TensorFlow's first-use costs (graphs, thread pools)."""
    model = make_pipeline(
        DNAOneHotTransformer(), DNACNNClassifier(epochs=1, random_state=0)
    ).fit(sequences[:64], target[:64])
    dnacnn.saliency(model, sequences[:8], target=1)


def run_multi(seeds, n_samples, ids, attribution=None) -> tuple[list[dict], str]:
    """discover_motifs + annotate_motifs on 3 JASPAR motifs in combinations.

    ``attribution`` is passed to discover_motifs (None: its default).
    """
    from _multimotif import planted_pfms, self_matches, simulate

    pfms, jaspar = planted_pfms(ids)
    print("each planted PFM's own top TomTom matches:", file=sys.stderr)
    for line in self_matches(ids, jaspar):
        print(f"  {line}", file=sys.stderr)
    rows = []
    for seed in seeds:
        X, y, _ = simulate(n_samples, MULTI_LENGTH, pfms, random_state=seed)
        model = make_pipeline(
            DNAOneHotTransformer(), DNACNNClassifier(random_state=seed)
        )
        start = time.perf_counter()
        model.fit(X, y)
        fit_seconds = time.perf_counter() - start
        start = time.perf_counter()
        options = {} if attribution is None else {"attribution": attribution}
        motifs = dnacnn.discover_motifs(model, X, **options)
        discover_seconds = time.perf_counter() - start
        start = time.perf_counter()
        table = dnacnn.annotate_motifs(motifs, jaspar, n_matches=1)
        annotate_seconds = time.perf_counter() - start
        total = sum(m.nsites for m in motifs)
        found = {}
        spurious = []
        for motif in motifs:
            best = table[table["motif"] == motif.name].iloc[0]
            share = motif.nsites / total
            hit = best["match_id"] in ids and best["q_value"] < 0.05
            if hit and best["match_id"] not in found:
                found[best["match_id"]] = (motif, best, share)
            else:
                spurious.append((motif, best, share))
        rows.append(
            {
                "seed": seed,
                "fit": fit_seconds,
                "discover": discover_seconds,
                "annotate": annotate_seconds,
                "found": found,
                "spurious": spurious,
                "total": total,
                "recovered": all(i in found for i in ids),
                "max_spurious": max((s for *_, s in spurious), default=0.0),
            }
        )
        print(  # progress: a seed's fit takes minutes
            f"seed {seed}: fit {fit_seconds:.0f} s, discover_motifs "
            f"{discover_seconds:.0f} s, annotate_motifs {annotate_seconds:.1f} s, "
            f"found {sorted(found)}, {len(spurious)} other motifs",
            file=sys.stderr,
            flush=True,
        )
    names = ", ".join(f"{i} {jaspar.names[i]}" for i in ids)
    return rows, names


def print_multi(rows, names, n_samples, attribution=None) -> None:
    how = "" if attribution is None else f", attribution={attribution!r}"
    print(
        f"multi: {n_samples:,} sequences of {MULTI_LENGTH} bp, half holding a "
        f"non-empty combination of {names} (one site each, sampled from the "
        "JASPAR2024 PFM, random strand); DNACNNClassifier(random_state=seed); "
        f"discover_motifs(model, X{how}) then annotate_motifs(motifs) against "
        "JASPAR2024 CORE vertebrates"
    )
    print()
    print(
        "| seed | motif | consensus | seqlets (share) | best match | q-value "
        "| fit s | discover_motifs s | annotate_motifs s |"
    )
    print("|--:|:--|:--|--:|:--|--:|--:|--:|--:|")
    for row in rows:
        entries = [(m, b, s, "") for m, b, s in row["found"].values()]
        entries += [(m, b, s, " (spurious)") for m, b, s in row["spurious"]]
        for k, (motif, best, share, note) in enumerate(entries):
            times = (
                f"| {row['fit']:.0f} | {row['discover']:.1f} | {row['annotate']:.1f} |"
                if k == 0
                else "| | | |"
            )
            print(
                f"| {row['seed']} | {motif.name}{note} | {motif.consensus} "
                f"| {motif.nsites} ({pct(share)}) | {best['match_id']} "
                f"{best['match_name']} | {best['q_value']:.2g} {times}"
            )
    print()
    ok = sum(row["recovered"] for row in rows)
    worst = max(row["max_spurious"] for row in rows)
    print(
        f"all three recovered as the top match at q < 0.05 for {ok}/{len(rows)} "
        f"seeds; largest spurious motif: {pct(worst)} of the seqlets "
        "(target: none above 10%)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--only", choices=("primer", "multi", "all"), default="all")
    parser.add_argument("--multi-samples", type=int, default=10_000)
    parser.add_argument(
        "--jaspar-ids",
        nargs=3,
        default=JASPAR_IDS,
        help="the 3 planted motifs (default: %(default)s)",
    )
    parser.add_argument(
        "--attribution",
        choices=ATTRIBUTIONS,
        default=None,
        help="multi: discover_motifs' attribution (default: its own default)",
    )
    args = parser.parse_args()
    if args.only == "multi":
        rows, names = run_multi(
            range(min(args.seeds, 3)),
            args.multi_samples,
            args.jaspar_ids,
            args.attribution,
        )
        print_multi(rows, names, args.multi_samples, args.attribution)
        return
    primer_seeds = range(args.seeds)
    pwm_seeds = range(min(args.seeds, 3))

    sequences, target = primer_arrays()
    warm_up(sequences, target)
    primer_rows = run_primer(sequences, target, primer_seeds)
    pwm_rows, pwm = run_pwm(pwm_seeds)

    import keras
    import sklearn

    print(
        f"discover_motif on the training split; "
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, Keras {keras.__version__}, "
        f"{platform.machine()}"
    )
    print()
    print(
        f"primer: DNACNNClassifier(random_state=seed), seeds "
        f"0..{args.seeds - 1}; planted motif {PRIMER_MOTIF}; "
        f"{primer_rows[0]['bound']} bound training sequences"
    )
    print()
    print(
        "| seed | test accuracy | consensus | exact | sites at planted position "
        "(of bound) | sites on bound / all sites | discover_motif seconds |"
    )
    print("|--:|--:|:--|:--|--:|--:|--:|")
    for row in primer_rows:
        print(
            f"| {row['seed']} | {row['accuracy']:.4f} | {row['consensus']} "
            f"| {'yes' if row['exact'] else 'no'} "
            f"| {pct(row['hits'] / row['bound'])} ({row['hits']}/{row['bound']}) "
            f"| {row['on_bound']}/{row['sites']} | {row['seconds']:.2f} |"
        )
    print()
    exact = sum(row["exact"] for row in primer_rows)
    at_site = [row["hits"] / row["bound"] for row in primer_rows]
    print(
        f"consensus exact for {exact}/{len(primer_rows)} seeds; sites at the "
        f"planted position: min {pct(min(at_site))}, median "
        f"{pct(float(np.median(at_site)))}"
    )
    print()
    print(
        f"pwm200: make_motif_dataset(2000, {PWM_LENGTH}, motif=pwm, "
        f"random_state=0), pwm = default_rng(0).dirichlet(0.5 * ones(4), "
        f"size={PWM_WIDTH}) (consensus {consensus(pwm)}, "
        f"{information(pwm):.1f} bits); "
        f"DNACNNClassifier(epochs={PWM_EPOCHS}, random_state=seed), seeds "
        f"0..{len(pwm_seeds) - 1}; {pwm_rows[0]['bound']} bound training "
        "sequences"
    )
    print()
    print(
        "| seed | test accuracy | width | consensus | PFM r (best) | orientation, "
        "offset, overlap | sites within ±1 (of bound) | sites on bound / all sites "
        "| discover_motif seconds |"
    )
    print("|--:|--:|--:|:--|--:|:--|--:|--:|--:|")
    for row in pwm_rows:
        best = row["best"]
        orientation = "forward" if best["orientation"] == 1 else "rev. comp."
        print(
            f"| {row['seed']} | {row['accuracy']:.4f} | {row['width']} "
            f"| {row['consensus']} | {best['r']:.3f} "
            f"| {orientation}, {best['offset']:+d}, {best['hi'] - best['lo']} "
            f"| {pct(row['hits'] / row['bound'])} ({row['hits']}/{row['bound']}) "
            f"| {row['on_bound']}/{row['sites']} | {row['seconds']:.2f} |"
        )
    print()
    r = [row["best"]["r"] for row in pwm_rows]
    near = [row["hits"] / row["bound"] for row in pwm_rows]
    widths = sorted({row["width"] for row in pwm_rows})
    print(
        f"PFM correlation with the planted PWM: min {min(r):.3f}, median "
        f"{np.median(r):.3f}; widths {', '.join(map(str, widths))} (planted "
        f"{PWM_WIDTH}); sites within ±1 of the planted position: min "
        f"{pct(min(near))}, median {pct(float(np.median(near)))}"
    )
    if args.only == "all":
        print()
        rows, names = run_multi(
            range(min(args.seeds, 3)),
            args.multi_samples,
            args.jaspar_ids,
            args.attribution,
        )
        print_multi(rows, names, args.multi_samples, args.attribution)


if __name__ == "__main__":
    main()
