"""Motif hits where biologists look: scan_motifs (FIMO) in sequence and genome
coordinates, and the BED / bedGraph files they go to."""

from __future__ import annotations

import errno
import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dnacnn._files
from dnacnn import (
    GenomeSequenceTransformer,
    Motif,
    reverse_complement,
    scan_motifs,
    write_bed,
    write_bedgraph,
)
from dnacnn.genome import read_intervals

pytest.importorskip("memelite", reason="needs the extra dnacnn[motifs] (memelite)")

BASES = np.array(list("ACGT"))


def _random(n, length, rng):
    return ["".join(rng.choice(BASES, length)) for _ in range(n)]


# --------------------------------------------------------------------------
# FIMO against a plain computation
# --------------------------------------------------------------------------
def _log_odds(counts, pseudocount=0.1):
    """FIMO's matrix from the counts, written out: (width, 4) in bits."""
    p = (counts + pseudocount * 0.25) / (counts.sum(1, keepdims=True) + pseudocount)
    return np.log2(p + 1e-4) - np.log2(0.25)


def _exact_p_values(log_odds):
    """P(score >= s) for every k-mer score s, by enumerating all 4**w k-mers."""
    width = len(log_odds)
    scores = np.zeros(1)
    for column in log_odds:
        scores = (scores[:, None] + column[None, :]).ravel()
    ordered = np.sort(scores)
    assert len(ordered) == 4**width

    def p(score):
        return (len(ordered) - np.searchsorted(ordered, score - 1e-9)) / len(ordered)

    return p


def _plain_scan(seqs, log_odds):
    """(sequence, start, strand, score) of every window, by a loop."""
    width = len(log_odds)
    index = {b: i for i, b in enumerate("ACGT")}
    rc = log_odds[::-1, ::-1]
    out = []
    for i, seq in enumerate(seqs):
        for j in range(len(seq) - width + 1):
            codes = [index[b] for b in seq[j : j + width]]
            for strand, matrix in (("+", log_odds), ("-", rc)):
                out.append(
                    (i, j, strand, sum(matrix[k, c] for k, c in enumerate(codes)))
                )
    return out


def test_hits_match_a_plain_log_odds_scan_and_exact_p_values():
    rng = np.random.default_rng(0)
    counts = rng.dirichlet(np.full(4, 0.3), size=8) * 30  # a fairly strong motif
    motif = Motif(counts, name="m")
    seqs = _random(12, 50, rng) + _random(3, 37, rng)  # two lengths: padding
    # plant a few sites so that there are hits on both strands
    consensus = motif.consensus
    seqs[0] = seqs[0][:5] + consensus + seqs[0][13:]
    seqs[1] = seqs[1][:30] + reverse_complement(consensus) + seqs[1][38:]
    threshold = 1e-3
    hits = scan_motifs(motif, seqs, threshold=threshold)

    log_odds = _log_odds(counts)
    p_of = _exact_p_values(log_odds)
    windows = {(i, j, s): score for i, j, s, score in _plain_scan(seqs, log_odds)}
    found = set()
    for row in hits.itertuples():
        key = (row.sequence, row.start, row.strand)
        found.add(key)
        assert row.end == row.start + 8
        assert row.motif == "m"
        np.testing.assert_allclose(row.score, windows[key], atol=1e-9)
        # FIMO bins scores to 0.1 bit: its p-value is the exact one, within
        # the probability of the scores in one bin
        exact = p_of(windows[key])
        assert p_of(windows[key] + 0.8) <= row.p_value <= p_of(windows[key] - 0.8)
        assert exact < 3 * threshold
    # every window clearly below the threshold is reported, none twice
    clear = {k for k, score in windows.items() if p_of(score) < threshold / 3}
    assert clear <= found
    assert len(found) == len(hits)
    assert (0, 5, "+") in found and (1, 30, "-") in found
    # ordered by sequence, then start
    assert list(zip(hits.sequence, hits.start, strict=True)) == sorted(
        zip(hits.sequence, hits.start, strict=True)
    )


def test_one_hot_input_and_one_strand():
    from dnacnn import one_hot_encode

    motif = Motif.from_sequences(["GATTACAG"] * 20, name="g")
    seqs = ["CCGATTACAGCC", "CTGTAATCCCCC"]
    both = scan_motifs(motif, one_hot_encode(seqs))
    assert both[["sequence", "start", "strand"]].values.tolist() == [
        [0, 2, "+"],
        [1, 0, "-"],
    ]
    forward = scan_motifs(motif, seqs, both_strands=False)
    assert forward[["sequence", "start", "strand"]].values.tolist() == [[0, 2, "+"]]


def test_hits_in_sequence_coordinates_with_attributions():
    motif = Motif.from_sequences(["GATTACAG"] * 20, name="g")
    seqs = ["CCGATTACAGCC", "CTGTAATCCCCCAA"]
    attributions = [np.arange(12, dtype=float), np.arange(14, dtype=float) * 10]
    attributions[1][3] = np.nan
    hits = scan_motifs(motif, seqs, attributions=attributions)
    assert list(hits.columns) == [
        "sequence",
        "start",
        "end",
        "strand",
        "motif",
        "score",
        "p_value",
        "attribution",
    ]
    assert hits.loc[0, "attribution"] == sum(range(2, 10))
    assert np.isnan(hits.loc[1, "attribution"])  # a base without attribution
    attributions[1][3] = 0.0
    hits = scan_motifs(motif, seqs, attributions=attributions)
    assert hits.loc[1, "attribution"] == 10 * sum(range(8)) - 30


def test_no_hits_is_an_empty_table_with_the_columns():
    motif = Motif.from_sequences(["GATTACAG"] * 20, name="g")
    hits = scan_motifs(motif, ["CCCCCCCCCCCC"])
    assert hits.empty
    assert list(hits.columns)[:7] == [
        "sequence",
        "start",
        "end",
        "strand",
        "motif",
        "score",
        "p_value",
    ]


def test_errors_say_what_and_where():
    motif = Motif.from_sequences(["GATTACAG"] * 20, name="g")
    with pytest.raises(ValueError, match=r"'X' at position 2 of sequence 1"):
        scan_motifs(motif, ["ACGT", "ACXT"])
    assert scan_motifs(motif, ["ACGT", "ACXT"], handle_unknown="ignore").empty
    with pytest.raises(ValueError, match="both named 'g'"):
        scan_motifs([motif, motif], ["ACGT"])
    with pytest.raises(TypeError, match=r"motifs\[1\] is a str"):
        scan_motifs([motif, "ACGT"], ["ACGT"])
    with pytest.raises(TypeError, match="X is one str"):
        scan_motifs(motif, "ACGTACGT")
    intervals = pd.DataFrame({"chrom": ["chr1"], "start": [0], "end": [10]})
    with pytest.raises(ValueError, match="genome"):
        scan_motifs(motif, intervals)
    with pytest.raises(ValueError, match=r"attributions\[1\] has shape \(3,\)"):
        scan_motifs(
            motif,
            ["ACGTACGTAC", "ACGTACGTAC"],
            attributions=[np.zeros(10)] * 1 + [np.zeros(3)],
        )
    with pytest.raises(ValueError, match="2 rows for 1 sequences"):
        scan_motifs(motif, ["ACGTACGTAC"], attributions=np.zeros((2, 10)))
    with pytest.raises(ValueError, match="reduce='sum'"):
        scan_motifs(motif, ["ACGTACGTAC"], attributions=np.zeros((1, 10, 4)))
    with pytest.raises(ValueError, match="threshold"):
        scan_motifs(motif, ["ACGT"], threshold=0)
    with pytest.raises(ValueError, match="without genome"):
        scan_motifs(motif, ["ACGT"], length=4)


def test_importing_the_package_needs_no_motif_extra():
    code = (
        "import sys, dnacnn, dnacnn.motifs, dnacnn.genome\n"
        "dnacnn.scan_motifs, dnacnn.write_bed, dnacnn.write_bedgraph\n"
        "heavy = ('memelite', 'modiscolite', 'pyjaspar', 'numba')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------
# genome coordinates
# --------------------------------------------------------------------------
SITE = "GATTACAG"  # not its own reverse complement


@pytest.fixture(scope="module")
def genome(tmp_path_factory):
    """chr1 and chr2 of random bases with SITE planted at known places."""
    rng = np.random.default_rng(3)
    chroms = {
        name: list(_random(1, n, rng)[0]) for name, n in (("chr1", 200), ("chr2", 90))
    }
    plant = {
        ("chr1", 50): SITE,
        ("chr1", 120): reverse_complement(SITE),
        ("chr2", 84): SITE[:6],
    }
    for (name, at), site in plant.items():
        chroms[name][at : at + len(site)] = list(site)
    chroms = {k: "".join(v) for k, v in chroms.items()}
    path = tmp_path_factory.mktemp("genome") / "genome.fa"
    with open(path, "w") as f:
        for name, seq in chroms.items():
            f.write(f">{name}\n")
            f.writelines(seq[i : i + 60] + "\n" for i in range(0, len(seq), 60))
    return path, chroms


def _on_genome(chroms, row):
    """The hit's bases read on its strand, from the FASTA's own text."""
    bases = chroms[row.chrom][row.start : row.end]
    return bases if row.strand == "+" else reverse_complement(bases)


@pytest.fixture(scope="module")
def motif():
    return Motif.from_sequences([SITE] * 20, name="site")


def test_hits_of_plus_and_minus_intervals_are_genome_coordinates(genome, motif):
    path, chroms = genome
    intervals = pd.DataFrame(
        {
            "chrom": ["chr1", "chr1", "chr1", "chr1"],
            "start": [40, 40, 110, 110],
            "end": [80, 80, 140, 140],
            "strand": ["+", "-", "-", "."],
        }
    )
    hits = scan_motifs(motif, intervals, genome=path)
    assert list(hits.columns) == [
        "chrom",
        "start",
        "end",
        "strand",
        "motif",
        "score",
        "p_value",
        "sequence",
    ]
    got = hits[["chrom", "start", "end", "strand", "sequence"]].values.tolist()
    assert got == [
        ["chr1", 50, 58, "+", 0],
        ["chr1", 50, 58, "+", 1],  # read reverse complemented: still + on the genome
        ["chr1", 120, 128, "-", 2],
        ["chr1", 120, 128, "-", 3],
    ]
    for row in hits.itertuples():
        assert _on_genome(chroms, row) == SITE
    # the same hits as scanning the interval's own sequence and mapping back
    seq_hits = scan_motifs(motif, [reverse_complement(chroms["chr1"][110:140])])
    # genome base g of the - interval [110, 140) is its sequence's 139 - g
    assert seq_hits[["start", "end", "strand"]].values.tolist() == [[12, 20, "+"]]


def test_windows_of_a_transformer_and_the_chromosome_end(genome, motif, tmp_path):
    path, chroms = genome
    bed = tmp_path / "peaks.bed"
    # chr2's site is cut by the chromosome end; a window runs past it
    bed.write_text("chr1\t50\t58\tp1\t0\t-\nchr2\t80\t90\tp2\t0\t+\n")
    transformer = GenomeSequenceTransformer(genome=path, length=30)
    hits = scan_motifs(motif, bed, genome=transformer)
    assert hits[["chrom", "start", "end", "strand", "sequence"]].values.tolist() == [
        ["chr1", 50, 58, "+", 0]
    ]
    # the same as the path and its settings, and as the sequences the
    # transformer gives
    same = scan_motifs(motif, bed, genome=path, length=30)
    pd.testing.assert_frame_equal(hits, same)
    seqs = transformer.fit_transform(read_intervals(bed))
    # p1's window is [39, 69), read reverse complemented; p2's window [70,
    # 100) runs 10 bases past chr2's end, and the site cut there still scores
    # (N adds 0), but in the padding: it is not on the genome
    plain = scan_motifs(motif, seqs)
    assert plain[["sequence", "start", "end", "strand"]].values.tolist() == [
        [0, 69 - 58, 69 - 50, "-"],
        [1, 84 - 70, 92 - 70, "+"],
    ]


def test_genome_attributions_are_summed_over_each_hit(genome, motif):
    path, _ = genome
    intervals = pd.DataFrame(
        {"chrom": ["chr1"], "start": [110], "end": [140], "strand": ["-"]}
    )
    attributions = np.arange(30, dtype=float)[None]
    hits = scan_motifs(motif, intervals, genome=path, attributions=attributions)
    # genome [120, 128) of a - interval [110, 140) is the sequence's [12, 20)
    assert hits.loc[0, "attribution"] == sum(range(12, 20))


def test_bad_intervals_name_the_row(genome, motif):
    path, _ = genome
    bad = pd.DataFrame({"chrom": ["chr1", "chr9"], "start": [0, 0], "end": [10, 10]})
    with pytest.raises(ValueError, match="chromosome 'chr9' is not in the genome"):
        scan_motifs(motif, bad, genome=path)
    bad = pd.DataFrame({"chrom": ["chr1", "chr1"], "start": [0, 20], "end": [10, 10]})
    with pytest.raises(ValueError, match="row 1: end 10 <= start 20"):
        scan_motifs(motif, bad, genome=path)


# --------------------------------------------------------------------------
# BED and bedGraph
# --------------------------------------------------------------------------
def test_bed_is_read_back_sorted_with_scores_0_to_1000(genome, motif, tmp_path):
    path, chroms = genome
    intervals = pd.DataFrame(
        {
            "chrom": ["chr1", "chr1"],
            "start": [110, 40],
            "end": [140, 80],
            "strand": ["-", "+"],
        }
    )
    hits = scan_motifs(motif, intervals, genome=path, threshold=1e-3)
    out = tmp_path / "hits.bed"
    write_bed(hits, out, track="site hits")
    lines = out.read_text().splitlines()
    assert lines[0] == 'track name="site hits" useScore=1'
    back = read_intervals(out)
    assert len(back) == len(hits)
    assert back[["start", "end"]].values.tolist() == sorted(
        hits[["start", "end"]].values.tolist()
    )
    fields = [line.split("\t") for line in lines[1:]]
    assert all(len(f) == 6 for f in fields)
    assert {f[3] for f in fields} == {"site"}
    scores = np.array([int(f[4]) for f in fields])
    assert scores.min() >= 0 and scores.max() == 1000
    best = hits["p_value"] == hits["p_value"].min()
    assert set(hits[best].start) == set(back.start[scores == 1000])
    for row in back.itertuples():
        if (row.start, row.end) in ((50, 58), (120, 128)):
            assert _on_genome(chroms, row) == SITE

    write_bed(hits, out, score=None)
    assert not out.read_text().startswith("track")
    assert {line.split("\t")[4] for line in out.read_text().splitlines()} == {"0"}


def test_bed_errors(motif, tmp_path):
    hits = scan_motifs(motif, ["CCGATTACAGCC"])
    with pytest.raises(
        ValueError, match="sequence coordinates: scan intervals with genome="
    ):
        write_bed(hits, tmp_path / "x.bed")
    with pytest.raises(TypeError, match="DataFrame"):
        write_bed(hits.to_numpy(), tmp_path / "x.bed")
    frame = pd.DataFrame(
        {
            "chrom": ["chr1"],
            "start": [5],
            "end": [3],
            "strand": ["+"],
            "motif": ["m"],
            "p_value": [0.1],
        }
    )
    with pytest.raises(ValueError, match="row 0: end 3 <= start 5"):
        write_bed(frame, tmp_path / "x.bed")
    frame["end"] = 9
    frame["p_value"] = 0.0
    with pytest.raises(
        ValueError, match=r"row 0 of hits: p_value 0\.0 is not in \(0, 1\]"
    ):
        write_bed(frame, tmp_path / "x.bed")
    with pytest.raises(ValueError, match="double quote"):
        write_bed(frame, tmp_path / "x.bed", score=None, track='a"b')
    assert not (tmp_path / "x.bed").exists()


def _read_bedgraph(path):
    values = {}
    for line in Path(path).read_text().splitlines():
        if line.startswith("track"):
            continue
        chrom, start, end, value = line.split("\t")
        for pos in range(int(start), int(end)):
            assert (chrom, pos) not in values
            values[chrom, pos] = float(value)
    return values


def test_bedgraph_puts_each_base_at_its_genome_position(genome, tmp_path):
    path, _ = genome
    intervals = pd.DataFrame(
        {
            "chrom": ["chr1", "chr1", "chr2"],
            "start": [10, 100, 80],
            "end": [16, 106, 90],
            "strand": ["+", "-", "+"],
        }
    )
    attributions = np.array(
        [
            [1, 2, 3, 4, 5, 6],
            [1, 2, 3, 4, np.nan, 6],
            [0.5] * 6,
        ],
        dtype=float,
    )
    out = tmp_path / "a.bedGraph"
    # windows of 6 centred on each interval: chr2's runs past the end (90)
    write_bedgraph(intervals, attributions, out, genome=path, length=6, track="attr")
    assert out.read_text().startswith('track type=bedGraph name="attr"\n')
    values = _read_bedgraph(out)
    expected = {("chr1", 10 + j): float(j + 1) for j in range(6)}
    # a - interval's first base is the window's last
    expected |= {("chr1", 105 - j): v for j, v in enumerate([1, 2, 3, 4, np.nan, 6])}
    expected = {k: v for k, v in expected.items() if not np.isnan(v)}
    # chr2's window [82, 88): inside
    expected |= {("chr2", 82 + j): 0.5 for j in range(6)}
    assert values == expected
    lines = out.read_text().splitlines()[1:]
    assert lines[-1] == "chr2\t82\t88\t0.5"  # a run of equal values is one line
    # sorted as sort -k1,1 -k2,2n
    keys = [(line.split("\t")[0], int(line.split("\t")[1])) for line in lines]
    assert keys == sorted(keys)


def test_bedgraph_means_overlaps_and_drops_padding(genome, tmp_path):
    path, _ = genome
    intervals = pd.DataFrame(
        {
            "chrom": ["chr2", "chr2"],
            "start": [84, 86],
            "end": [90, 92],
            "strand": ["+", "-"],
        }
    )
    out = tmp_path / "b.bedGraph"
    # as the intervals are: [84, 90) and [86, 92), the second past chr2's end
    write_bedgraph(intervals, [np.full(6, 1.0), np.arange(6.0)], out, genome=path)
    values = _read_bedgraph(out)
    # second window, - strand: genome base 91 - j has value j; 90 and 91 are
    # off the chromosome
    assert values == {
        ("chr2", 84): 1.0,
        ("chr2", 85): 1.0,
        ("chr2", 86): (1.0 + 5) / 2,
        ("chr2", 87): (1.0 + 4) / 2,
        ("chr2", 88): (1.0 + 3) / 2,
        ("chr2", 89): (1.0 + 2) / 2,
    }
    with pytest.raises(
        ValueError, match=r"attributions\[1\] has shape \(5,\), but sequence 1 has 6"
    ):
        write_bedgraph(intervals, [np.ones(6), np.ones(5)], out, genome=path)


# --------------------------------------------------------------------------
# atomic writes
# --------------------------------------------------------------------------
def test_a_failed_write_leaves_the_old_file(genome, motif, tmp_path, monkeypatch):
    path, _ = genome
    intervals = pd.DataFrame({"chrom": ["chr1"], "start": [40], "end": [80]})
    hits = scan_motifs(motif, intervals, genome=path)
    bed, graph = tmp_path / "hits.bed", tmp_path / "a.bedGraph"
    bed.write_text("old bed\n")
    graph.write_text("old bedGraph\n")

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(dnacnn._files.os, "replace", full)
    with pytest.raises(OSError, match="No space left"):
        write_bed(hits, bed)
    with pytest.raises(OSError, match="No space left"):
        write_bedgraph(intervals, np.ones((1, 40)), graph, genome=path)
    assert bed.read_text() == "old bed\n"
    assert graph.read_text() == "old bedGraph\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bedGraph", "hits.bed"]
    monkeypatch.undo()
    write_bed(hits, bed)
    assert bed.read_text().startswith("chr1\t50\t58\tsite\t")


def test_every_combination_of_strands_round_trips(genome, motif):
    """A hit's genome bases, read on its strand, are the motif's site for
    every interval strand and window placement."""
    path, chroms = genome
    rows = [
        (chrom, start, start + width, strand)
        for (chrom, start), width, strand in itertools.product(
            [("chr1", 45), ("chr1", 112)], [20, 25], ["+", "-", "."]
        )
    ]
    intervals = pd.DataFrame(rows, columns=["chrom", "start", "end", "strand"])
    hits = scan_motifs(motif, intervals, genome=path)
    assert len(hits) == len(rows)
    for row in hits.itertuples():
        assert _on_genome(chroms, row) == SITE
