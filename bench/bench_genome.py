"""Genome windows and variant scoring, measured side by side.

1. 100,000 windows of 1 kb from a ~100 Mb FASTA (written here into a temp
   folder): ``fetch_sequences`` against a plain per-interval pyfaidx loop;
   the strings are checked equal.
2. Variants per second: ``score_variants`` on 100,000 SNVs against one
   ``predict_proba`` call per variant (timed on a sample, as a rate).

Run: python bench/bench_genome.py [--genome-mb 100] [--windows 100000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def write_genome(path: Path, total: int, n_chrom: int, rng) -> dict[str, int]:
    sizes = {}
    per = total // n_chrom
    with open(path, "w") as f:
        for i in range(n_chrom):
            name = f"chr{i + 1}"
            seq = rng.choice(np.frombuffer(b"ACGTacgt", np.uint8), per)
            seq[1000:2000] = ord("N")
            f.write(f">{name}\n")
            lines = seq[: per - per % 60].reshape(-1, 60)
            lines = np.hstack([lines, np.full((len(lines), 1), 10, np.uint8)])
            f.write(lines.tobytes().decode())
            rest = seq[per - per % 60 :]
            if len(rest):
                f.write(rest.tobytes().decode() + "\n")
            sizes[name] = per
    return sizes


def timed(function):
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def bench_windows(fa: Path, sizes, n: int, length: int, rng) -> list:
    import pyfaidx

    from dnacnn.genome import FastaGenome, fetch_sequences

    names = list(sizes)
    chroms = rng.choice(names, n)
    starts = np.array([rng.integers(0, sizes[c] - length) for c in chroms])
    intervals = pd.DataFrame({"chrom": chroms, "start": starts, "end": starts + length})
    pyfaidx.Fasta(str(fa))  # build the index once, outside both timings

    def loop():
        fasta = pyfaidx.Fasta(str(fa), as_raw=True)
        return [
            fasta[c][s : s + length]
            for c, s in zip(chroms.tolist(), starts.tolist(), strict=True)
        ]

    t_loop, expected = timed(loop)
    t_bulk, got = timed(lambda: fetch_sequences(fa, intervals))
    assert got.tolist() == expected, "bulk and loop strings differ"
    genome = FastaGenome(fa)
    t_bytes, raw = timed(lambda: genome.windows(chroms, starts, length))
    assert raw[0].tobytes().decode() == expected[0]
    # the ceiling: the genome already flat in memory (untimed), each window
    # one contiguous slice of it; what a newline-free genome copy would give
    flat = {c: genome.chromosome(c) for c in names}

    def from_flat():
        out = np.empty((n, length), np.uint8)
        for c in names:
            rows = np.flatnonzero(chroms == c)
            windows = np.lib.stride_tricks.sliding_window_view(flat[c], length)
            out[rows] = windows[starts[rows]]
        return out

    t_flat, flat_windows = timed(from_flat)
    np.testing.assert_array_equal(flat_windows, raw)
    return [
        (
            "  the same windows as uint8 (FastaGenome.windows)",
            t_bytes,
            n / t_bytes,
            t_loop / t_bytes,
        ),
        (
            "  ceiling: uint8 from the genome flat in memory (not shipped)",
            t_flat,
            n / t_flat,
            t_loop / t_flat,
        ),
        (f"{n:,} windows of {length} bp: pyfaidx loop", t_loop, n / t_loop, 1.0),
        (
            f"{n:,} windows of {length} bp: fetch_sequences",
            t_bulk,
            n / t_bulk,
            t_loop / t_bulk,
        ),
    ]


def bench_variants(fa: Path, sizes, n: int, sample: int, rng) -> list:
    from sklearn.pipeline import make_pipeline

    from dnacnn import DNACNNClassifier, DNAOneHotTransformer
    from dnacnn.genome import FastaGenome, score_variants

    length = 200
    X = ["".join(rng.choice(list("ACGT"), length)) for _ in range(256)]
    y = np.arange(256) % 2
    model = make_pipeline(
        DNAOneHotTransformer(length=length),
        DNACNNClassifier(epochs=1, random_state=0),
    ).fit(X, y)
    genome = FastaGenome(fa)
    names = list(sizes)
    chroms = rng.choice(names, n)
    pos = np.array([rng.integers(3000, sizes[c] - 3000) for c in chroms])
    refs = [
        genome.fetch(c, p - 1, p).decode() for c, p in zip(chroms, pos, strict=True)
    ]
    variants = pd.DataFrame(
        {
            "chrom": chroms,
            "pos": pos,
            "ref": refs,
            "alt": ["A" if r.upper() != "A" else "C" for r in refs],
        }
    )
    t_bulk, _ = timed(lambda: score_variants(model, variants, genome=fa))

    def one_by_one():
        for c, p, alt in zip(
            chroms[:sample], pos[:sample], variants.alt[:sample], strict=True
        ):
            start = p - 1 - length // 2
            ref = genome.fetch(c, start, start + length).decode()
            mutant = ref[: length // 2] + alt + ref[length // 2 + 1 :]
            model.predict_proba([ref])
            model.predict_proba([mutant])

    t_one, _ = timed(one_by_one)
    rate_one = sample / t_one
    return [
        (f"{sample} SNVs, one predict_proba per allele", t_one, rate_one, 1.0),
        (f"{n:,} SNVs, score_variants", t_bulk, n / t_bulk, n / t_bulk / rate_one),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--genome-mb", type=int, default=100)
    parser.add_argument("--windows", type=int, default=100_000)
    parser.add_argument("--variants", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        fa = Path(tmp) / "genome.fa"
        t, sizes = timed(lambda: write_genome(fa, args.genome_mb * 10**6, 10, rng))
        print(f"wrote a {args.genome_mb} Mb FASTA (10 chromosomes) in {t:.1f} s")
        rows = bench_windows(fa, sizes, args.windows, 1000, rng)
        rows += bench_variants(fa, sizes, args.variants, args.sample, rng)
    print(f"\n{'what':<48} {'seconds':>9} {'per second':>12} {'ratio':>7}")
    for what, seconds, rate, ratio in rows:
        print(f"{what:<48} {seconds:>9.2f} {rate:>12,.0f} {ratio:>6.1f}x")


if __name__ == "__main__":
    main()
