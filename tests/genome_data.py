"""A small genome written by the tests: several chromosomes, N runs,
lowercase stretches, one chromosome shorter than the windows, and a motif
planted at chosen places."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

MOTIF = "CGACCGAACTCC"
LINE = 60


def make_genome(random_state=0, sizes=None) -> dict[str, str]:
    """Chromosome name -> sequence (with N runs and lowercase stretches)."""
    rng = np.random.default_rng(random_state)
    sizes = sizes or {
        "chr1": 6000,
        "chr2": 5000,
        "chr3": 4500,
        "chr4": 4000,
        "chrM": 150,
    }
    genome = {}
    for name, size in sizes.items():
        seq = np.array(list("".join(rng.choice(list("ACGT"), size))), dtype=object)
        if size > 1000:
            seq[300:360] = "N"  # an N run
            low = slice(size // 2, size // 2 + 200)  # a soft-masked stretch
            seq[low] = [b.lower() for b in seq[low]]
        genome[name] = "".join(seq)
    return genome


def write_fasta(genome: dict[str, str], path: Path, *, line: int = LINE) -> Path:
    with open(path, "w") as f:
        for name, seq in genome.items():
            f.write(f">{name} test chromosome\n")
            for i in range(0, len(seq), line):
                f.write(seq[i : i + line] + "\n")
    return path


def write_bgzip(genome: dict[str, str], path: Path) -> Path:
    from Bio import bgzf

    plain = write_fasta(genome, path.with_suffix(".plain.fa"))
    with bgzf.BgzfWriter(str(path), "wb") as out:
        out.write(plain.read_bytes())
    plain.unlink()
    return path


def plant(genome: dict[str, str], n_per_chrom: int, random_state=0, width=100):
    """Plant MOTIF in the middle of intervals; returns (genome, peaks)."""
    rng = np.random.default_rng(random_state)
    genome = dict(genome)
    rows = []
    for name, seq in genome.items():
        if len(seq) < 2000:
            continue
        # spread the peaks over the chromosome, away from the N run
        centres = np.linspace(700, len(seq) - 300, n_per_chrom).astype(int)
        centres += rng.integers(-20, 20, size=n_per_chrom)
        chars = list(seq)
        for i, c in enumerate(centres):
            start = c - len(MOTIF) // 2
            chars[start : start + len(MOTIF)] = MOTIF
            rows.append((name, c - width // 2, c + width // 2, f"{name}_p{i}"))
        genome[name] = "".join(chars)
    peaks = pd.DataFrame(rows, columns=["chrom", "start", "end", "name"])
    return genome, peaks


def write_bed(peaks: pd.DataFrame, path: Path, *, narrow=False) -> Path:
    lines = ["track name=test", "# a comment"]
    for r in peaks.itertuples():
        strand = getattr(r, "strand", "+")
        if narrow:
            summit = (r.end - r.start) // 2
            lines.append(
                f"{r.chrom}\t{r.start}\t{r.end}\t{r.name}\t0\t{strand}\t5\t-1\t-1\t"
                f"{summit}"
            )
        else:
            lines.append(f"{r.chrom}\t{r.start}\t{r.end}\t{r.name}\t0\t{strand}")
    path.write_text("\n".join(lines) + "\n")
    return path


def window(genome: dict[str, str], chrom: str, start: int, length: int) -> str:
    """The reference computation: plain string slicing with N padding."""
    seq = genome[chrom]
    return "".join(
        seq[p] if 0 <= p < len(seq) else "N" for p in range(start, start + length)
    )


def revcomp(seq: str) -> str:
    table = str.maketrans("ACGTNacgtn", "TGCANtgcan")
    return seq.translate(table)[::-1]
