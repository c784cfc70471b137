"""The genome commands a user types: ``fit --bed`` and ``variants``."""

import subprocess

import pandas as pd
import pytest

pytest.importorskip("pyfaidx", reason="the genome extra (pyfaidx) is not installed")

from genome_data import make_genome, plant, write_bed, write_fasta  # noqa: E402


def dnacnn(*args, cwd):
    return subprocess.run(
        ["dnacnn", *map(str, args)], capture_output=True, text=True, cwd=cwd
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["s.txt", "l.txt", "--bed", "p.bed", "--genome", "g.fa"], "not both"),
        (["--bed", "p.bed"], "--bed needs --genome"),
        (["s.txt", "l.txt", "--genome", "g.fa"], "--genome goes with --bed"),
        ([], "fit needs SEQUENCES and LABELS files"),
        (["--bed", "missing.bed", "--genome", "g.fa"], "--bed file not found"),
        (["--bed", ".", "--genome", "g.fa"], "--bed . is a folder"),
        (["--bed", "p.bed", "--genome", "g.fa", "--task", "regression"], "--task"),
    ],
)
def test_fit_refuses_inconsistent_inputs(tmp_path, args, message):
    out = dnacnn("fit", *args, "--out", "m.dnacnn", cwd=tmp_path)
    assert out.returncode == 1
    assert message in out.stderr
    assert not (tmp_path / "m.dnacnn").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("bed", "options", "message"),
    [
        (b"chr1\t100\t200\nchr1\t5\t9\tcaf\xe9\n", [], "p.bed, line 2: byte 0xe9"),
        (b"chr1\t0\t99999999999999999999\n", [], "p.bed, line 1: end 9999"),
        (
            b"chrM\t0\t100\n",
            ["--length", "500", "--background", "shuffle"],
            "none of the 1 positive interval(s)",
        ),
    ],
    ids=["latin-1", "overflow", "shuffle of nothing"],
)
def test_fit_bed_errors_name_the_file_and_line(tmp_path, bed, options, message):
    write_fasta(make_genome(random_state=0), tmp_path / "g.fa")
    (tmp_path / "p.bed").write_bytes(bed)
    out = dnacnn(
        "fit",
        "--bed",
        "p.bed",
        "--genome",
        "g.fa",
        *options,
        "--out",
        "m.dnacnn",
        cwd=tmp_path,
    )
    assert out.returncode == 1
    assert message in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "m.dnacnn").exists()


@pytest.mark.slow
def test_fit_from_peaks_then_explain_and_score_a_vcf(tmp_path):
    genome, peaks = plant(make_genome(random_state=5), 8, random_state=5)
    write_fasta(genome, tmp_path / "genome.fa")
    write_bed(peaks, tmp_path / "peaks.narrowPeak", narrow=True)
    fit = dnacnn(
        "fit",
        "--bed",
        "peaks.narrowPeak",
        "--genome",
        "genome.fa",
        "--background",
        "shuffle",
        "--length",
        60,
        "--epochs",
        3,
        "--quiet",
        "--out",
        "model.dnacnn",
        cwd=tmp_path,
    )
    assert fit.returncode == 0, fit.stderr
    # 64 sequences: the peaks and as many shuffles; a fifth held out
    assert "32 peaks of peaks.narrowPeak and 32 background" in fit.stdout
    assert "fitted on 51 sequences; held out 13 (stratified" in fit.stdout
    explained = dnacnn(
        "explain",
        "model.dnacnn",
        "peaks.narrowPeak",
        "--genome",
        "genome.fa",
        "--n-figures",
        1,
        "--out",
        "explained",
        cwd=tmp_path,
    )
    assert explained.returncode == 0, explained.stderr
    # the model's 60-bp windows, centred on each summit, in genome coordinates
    summits = peaks.start + (peaks.end - peaks.start) // 2
    windows = {(c, s - 30, s + 30) for c, s in zip(peaks.chrom, summits, strict=True)}

    def inside(chrom, start, end):
        return any(c == chrom and s <= start and end <= e for c, s, e in windows)

    graph = (tmp_path / "explained" / "attributions.bedGraph").read_text()
    rows = [line.split("\t") for line in graph.splitlines()[1:]]
    assert graph.startswith("track type=bedGraph") and rows
    assert all(inside(c, int(s), int(e)) for c, s, e, _ in rows)
    covered = sum(int(e) - int(s) for _, s, e, _ in rows)
    assert covered == len(windows) * 60  # every base of every window, once
    hits = (tmp_path / "explained" / "hits.bed").read_text().splitlines()[1:]
    assert hits, "the motif's sites are written"
    for hit in hits:
        chrom, start, end, _, score, strand = hit.split("\t")
        assert inside(chrom, int(start), int(end)) and strand in "+-"
        assert 0 <= int(score) <= 1000
    ref = genome["chr1"][999]
    (tmp_path / "v.vcf").write_text(
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\n"
        f"chr1\t1000\tv1\t{ref}\tA,C\nchr2\t50\tv2\tN\t<INS>\n"
    )
    out = dnacnn(
        "variants",
        "model.dnacnn",
        "v.vcf",
        "--genome",
        "genome.fa",
        "--out",
        "scores.tsv",
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert "skipped 1 allele" in out.stderr
    scores = pd.read_csv(tmp_path / "scores.tsv", sep="\t")
    assert scores["alt"].tolist() == ["A", "C"]
    assert {"effect_0", "effect_1", "logit_ref_1"} <= set(scores.columns)
    if ref in ("A", "C"):  # the allele the genome has changes nothing
        assert scores.loc[scores.alt == ref, "effect_1"].abs().max() < 1e-5


@pytest.mark.parametrize("victim", ["calls.vcf", "genome.fa", "model.dnacnn"])
def test_variants_refuses_to_write_over_its_inputs(tmp_path, victim):
    write_fasta(make_genome(random_state=5), tmp_path / "genome.fa")
    (tmp_path / "calls.vcf").write_text("chr1\t1000\tv1\tA\tC\n")
    (tmp_path / "model.dnacnn").write_bytes(b"a model from yesterday")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    (tmp_path / "out.tsv").symlink_to(victim)
    out = dnacnn(
        "variants",
        "model.dnacnn",
        "calls.vcf",
        "--genome",
        "genome.fa",
        "--out",
        "out.tsv",
        cwd=tmp_path,
    )
    assert out.returncode == 1
    last = out.stderr.strip().splitlines()[-1]
    assert "same file" in last and repr(victim) in last and "'out.tsv'" in last
    for name, data in before.items():
        assert (tmp_path / name).read_bytes() == data
