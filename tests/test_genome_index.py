"""The genome's ``.fai`` index: checked against the FASTA, rebuilt atomically.

A stale or wrong index is never trusted (it used to make the memory-mapped
reader return header text, newlines or bytes from outside the file, or crash),
and processes that open a fresh genome at once never read a half-written one.
"""

import multiprocessing
import os
import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyfaidx", reason="the genome extra (pyfaidx) is not installed")

from genome_data import make_genome, window, write_fasta  # noqa: E402

from dnacnn.genome import (  # noqa: E402
    FastaGenome,
    GenomeSequenceTransformer,
    GenomeWarning,
    fetch_sequences,
)


def windows_of(genome, fa, starts, chrom="chr1", length=40):
    peaks = pd.DataFrame(
        {"chrom": chrom, "start": starts, "end": [s + length for s in starts]}
    )
    got = fetch_sequences(fa, peaks, length=length).tolist()
    return got, [window(genome, chrom, s, length) for s in starts]


def index_of(fa):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GenomeWarning)
        _ = FastaGenome(fa).sizes
    return (fa.parent / f"{fa.name}.fai").read_text()


def older(path, seconds=1000):
    """Set ``path``'s mtime in the past (as ``cp -p`` of an old file does)."""
    t = path.stat().st_mtime - seconds
    os.utime(path, (t, t))


# ------------------------------------------------------- stale / wrong .fai
def stale_by_line_width(tmp_path, genome):
    fa = write_fasta(genome, tmp_path / "genome.fa", line=60)
    stale = index_of(fa)
    write_fasta(genome, fa, line=50)  # the same bases in shorter lines
    return fa, stale


def stale_by_length(tmp_path, genome):
    short = {"chr1": genome["chr1"][:2000]}
    fa = write_fasta(short, tmp_path / "genome.fa")
    stale = index_of(fa)
    write_fasta({"chr1": genome["chr1"]}, fa)
    return fa, stale


def other_names(tmp_path, genome):
    fa = write_fasta({"chrQ": genome["chr1"]}, tmp_path / "genome.fa")
    stale = index_of(fa)
    write_fasta({"chr1": genome["chr1"]}, fa)
    return fa, stale


def edited(change):
    def make(tmp_path, genome):
        fa = write_fasta({"chr1": genome["chr1"]}, tmp_path / "genome.fa")
        fields = index_of(fa).split("\t")
        return fa, change(fields)

    return make


CORRUPT = {
    "line width changed": stale_by_line_width,
    "chromosome now longer": stale_by_length,
    "other names": other_names,
    "garbage": edited(lambda f: "not an index\n"),
    "non-integer": edited(lambda f: "\t".join([f[0], "6k", *f[2:]])),
    "line length 0": edited(lambda f: "\t".join([*f[:3], "0", f[4]])),
    "offset past the end": edited(lambda f: "\t".join([f[0], f[1], "99999", *f[3:]])),
    "offset into the header": edited(lambda f: "\t".join([f[0], f[1], "2", *f[3:]])),
    "50 Mb claimed": edited(lambda f: "\t".join([f[0], "50000000", *f[2:]])),
}


@pytest.mark.parametrize("make", CORRUPT.values(), ids=CORRUPT.keys())
def test_a_wrong_index_is_rebuilt_not_trusted(tmp_path, make):
    genome = make_genome(random_state=3)
    genome = {"chr1": genome["chr1"]}
    fa, bad = make(tmp_path, genome)
    fai = tmp_path / "genome.fa.fai"
    fai.write_text(bad)  # newer than the FASTA: pyfaidx's mtime test trusts it
    with pytest.warns(GenomeWarning, match=r"genome\.fa\.fai.*rebuilt"):
        sizes = FastaGenome(fa).sizes
    assert sizes == {"chr1": len(genome["chr1"])}
    assert fai.read_text() != bad
    got, expected = windows_of(genome, fa, [0, 59, 1000, 4321, 5960])
    assert got == expected


def test_a_genome_replaced_by_an_older_smaller_file_is_reindexed(tmp_path):
    # `cp -p small_older.fa genome.fa` over an indexed larger genome
    big = make_genome(random_state=4, sizes={"chr1": 30000})
    fa = write_fasta(big, tmp_path / "genome.fa")
    index_of(fa)
    small = make_genome(random_state=5, sizes={"chr1": 6000})
    write_fasta(small, fa)
    older(fa)
    with pytest.warns(GenomeWarning, match="rebuilt"):
        assert FastaGenome(fa).sizes == {"chr1": 6000}
    got, expected = windows_of(small, fa, [10, 5000])
    assert got == expected
    with pytest.raises(ValueError, match="beyond"):
        windows_of(small, fa, [20000])


def test_an_index_that_matches_is_used_without_a_word(tmp_path):
    genome = make_genome(random_state=3)
    fa = write_fasta(genome, tmp_path / "genome.fa")
    text = index_of(fa)
    older(tmp_path / "genome.fa.fai", 5000)  # older, but it describes the file
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert FastaGenome(fa).sizes == {c: len(s) for c, s in genome.items()}
    assert (tmp_path / "genome.fa.fai").read_text() == text


def test_read_only_folder_with_a_wrong_index_uses_a_fresh_cache(tmp_path, monkeypatch):
    from dnacnn.genome import _fasta

    genome = make_genome(random_state=3)
    folder = tmp_path / "ro"
    folder.mkdir()
    fa, bad = stale_by_line_width(folder, genome)
    (folder / "genome.fa.fai").write_text(bad)
    monkeypatch.setattr(_fasta, "_writable", lambda f: f != folder)
    cache = tmp_path / "cache"
    with pytest.warns(GenomeWarning, match="does not match"):
        sizes = FastaGenome(fa, index_dir=cache).sizes
    assert sizes == {c: len(s) for c, s in genome.items()}
    assert (folder / "genome.fa.fai").read_text() == bad  # the user's file kept
    t = GenomeSequenceTransformer(genome=fa, length=30, index_dir=cache)
    peaks = pd.DataFrame({"chrom": ["chr2"], "start": [1000], "end": [1030]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GenomeWarning)
        assert t.fit_transform(peaks).tolist() == [genome["chr2"][1000:1030]]


def test_the_cache_of_a_read_only_genome_follows_the_file(tmp_path, monkeypatch):
    from dnacnn.genome import _fasta

    folder = tmp_path / "ro"
    folder.mkdir()
    monkeypatch.setattr(_fasta, "_writable", lambda f: f != folder)
    cache = tmp_path / "cache"
    first = make_genome(random_state=6, sizes={"chr1": 9000, "chr2": 300})
    fa = write_fasta(first, folder / "genome.fa")
    assert FastaGenome(fa, index_dir=cache).sizes == {"chr1": 9000, "chr2": 300}
    # the same path now holds another genome, with an older mtime
    second = make_genome(random_state=7, sizes={"chr1": 700})
    write_fasta(second, fa)
    older(fa)
    assert FastaGenome(fa, index_dir=cache).sizes == {"chr1": 700}
    got, expected = windows_of(second, fa.parent / fa.name, [100], length=20)
    assert got == expected


def test_an_unwritable_index_folder_is_a_clear_error(tmp_path, monkeypatch):
    from dnacnn.genome import _fasta

    fa = write_fasta(make_genome(random_state=3), tmp_path / "genome.fa")
    cache = tmp_path / "cache"
    monkeypatch.setattr(_fasta, "_writable", lambda f: False)
    with pytest.raises(PermissionError, match=r"index_dir.*cache|cache.*index_dir"):
        _ = FastaGenome(fa, index_dir=cache).sizes


# ------------------------------------------------------------ empty records
def test_windows_on_an_empty_record_are_a_clear_error(tmp_path):
    fa = tmp_path / "genome.fa"
    fa.write_text(">chrE\n>chr1\nACGTACGTAC\nGT\n>chrZ\n")
    assert FastaGenome(fa).sizes == {"chrE": 0, "chr1": 12, "chrZ": 0}
    for chrom in ("chrE", "chrZ"):
        peaks = pd.DataFrame({"chrom": [chrom], "start": [0], "end": [4]})
        with pytest.raises(ValueError, match=f"row 0.*{chrom}.*0 bases"):
            fetch_sequences(fa, peaks, length=4)
        assert fetch_sequences(fa, peaks, off_chromosome="drop").tolist() == []
    assert FastaGenome(fa).windows(["chrE"], [0], 3).tobytes() == b"NNN"
    peaks = pd.DataFrame({"chrom": ["chr1"], "start": [8], "end": [12]})
    assert fetch_sequences(fa, peaks, length=6).tolist() == ["TACGTN"]


def test_duplicate_record_names_name_the_file(tmp_path):
    fa = tmp_path / "genome.fa"
    fa.write_text(">chr1\nACGT\n>chr1\nTTTT\n")
    with pytest.raises(ValueError, match=r"genome\.fa.*'chr1'.*twice"):
        _ = FastaGenome(fa).sizes


def test_a_directory_as_genome_is_named_as_such(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a folder"):
        _ = FastaGenome(tmp_path).sizes


# ------------------------------------------------------------- concurrency
def _open_and_count(path, barrier, queue):
    try:
        barrier.wait()
        queue.put(len(FastaGenome(path).sizes))
    except Exception as exc:  # reported to the parent
        queue.put(repr(exc))


@pytest.mark.slow  # 4 x 4 processes indexing 30,000 contigs
def test_processes_indexing_one_fresh_genome_at_once_all_read_it_whole(tmp_path):
    ctx = multiprocessing.get_context("fork")
    rng = np.random.default_rng(0)
    n_contigs, n_procs = 30000, 4
    results = []
    for round_ in range(4):
        fa = tmp_path / f"contigs{round_}.fa"
        with open(fa, "w") as f:
            for i in range(n_contigs):
                seq = "".join(rng.choice(list("ACGT"), 12 + i % 7))
                f.write(f">contig{i}\n{seq}\n")
        barrier, queue = ctx.Barrier(n_procs), ctx.Queue()
        procs = [
            ctx.Process(target=_open_and_count, args=(fa, barrier, queue))
            for _ in range(n_procs)
        ]
        for p in procs:
            p.start()
        results += [queue.get(timeout=120) for _ in procs]
        for p in procs:
            p.join()
        assert not list(tmp_path.glob("*.part")), "a temporary index was left"
    assert results == [n_contigs] * len(results)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (">chr1\nACGT\nAC\n\n\n", "line 4 is blank"),
        (">chr1\nACGT\n\nACGT\n", "line 3 is blank"),
        (">chr1\nACGT\nAC\nACGT\n", "line 3 holds 2 bases where .* 'chr1' hold 4"),
        # pyfaidx itself accepts a last line longer than the others
        (">chr1\nACGT\nACGTAA\n", "line 3 holds 6 bases where .* 'chr1' hold 4"),
    ],
    ids=["blank lines at the end", "blank line inside", "ragged", "long last line"],
)
def test_uneven_lines_name_the_line_at_fault(tmp_path, text, match):
    fa = tmp_path / "genome.fa"
    fa.write_text(text)
    with pytest.raises(ValueError, match=rf"genome\.fa.*{match}"):
        _ = FastaGenome(fa).sizes
    assert not list(tmp_path.glob(".*.part"))
