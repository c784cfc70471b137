"""Variant effects: VCF reading, windows and logits against a direct
computation, ref checks, and the whole path from peaks to variant scores."""

import gzip

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyfaidx", reason="the genome extra (pyfaidx) is not installed")

from genome_data import MOTIF, make_genome, plant, window, write_bed, write_fasta  # noqa: E402
from sklearn.model_selection import cross_validate  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from dnacnn import DNACNNClassifier, DNAOneHotTransformer, one_hot_encode  # noqa: E402
from dnacnn.genome import (  # noqa: E402
    ChromosomeSplit,
    GenomeSequenceTransformer,
    GenomeWarning,
    make_labelled_set,
    read_vcf,
    score_variants,
)
from dnacnn.models import logit_function  # noqa: E402

VCF_HEADER = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"


def write_vcf(rows, path, *, compress=False):
    text = VCF_HEADER + "".join(
        f"{c}\t{p}\t{i}\t{r}\t{a}\t.\tPASS\t{info}\n" for c, p, i, r, a, info in rows
    )
    if compress:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


@pytest.mark.parametrize("compress", [False, True])
def test_vcf_splits_alleles_and_counts_skipped_ones(tmp_path, compress):
    path = write_vcf(
        [
            ("chr1", 10, "rs1", "A", "G,T", "."),
            ("chr1", 20, ".", "C", "<DEL>", "SVTYPE=DEL"),
            ("chr1", 30, ".", "G", "G]chr2:5]", "."),
            ("chr2", 40, ".", "AC", "A,*", "."),
        ],
        tmp_path / ("v.vcf.gz" if compress else "v.vcf"),
        compress=compress,
    )
    with pytest.warns(GenomeWarning, match="skipped 3 allele"):
        variants = read_vcf(path)
    assert variants.values.tolist() == [
        ["chr1", 10, "rs1", "A", "G"],
        ["chr1", 10, "rs1", "A", "T"],
        ["chr2", 40, ".", "AC", "A"],
    ]


def test_vcf_errors_name_file_and_line(tmp_path):
    path = write_vcf([("chr1", "x", ".", "A", "G", ".")], tmp_path / "bad.vcf")
    with pytest.raises(ValueError, match=r"bad.vcf, line 3: POS 'x'"):
        read_vcf(path)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("variants")
    genome = make_genome(random_state=7)
    fa = write_fasta(genome, folder / "genome.fa")
    rng = np.random.default_rng(0)
    X = ["".join(rng.choice(list("ACGT"), 30)) for _ in range(60)]
    y = [int("GG" in s[10:20]) for s in X]
    model = make_pipeline(
        DNAOneHotTransformer(length=30), DNACNNClassifier(epochs=3, random_state=0)
    ).fit(X, y)
    return genome, fa, model


def direct_logits(model, sequences):
    network = model[-1]
    return np.asarray(logit_function(network.model_)([one_hot_encode(sequences)]))


@pytest.mark.slow
def test_effects_equal_logits_of_windows_built_by_hand(setup):
    genome, fa, model = setup
    variants = pd.DataFrame(
        {
            "chrom": ["chr1", "chr2", "chrM", "chr3", "chr3"],
            "pos": [1000, 2500, 3, 1200, 1500],
            "alt": ["A", "C", "G", "TTT", "A"],
        }
    )
    variants["ref"] = [
        genome["chr1"][999],
        genome["chr2"][2499],
        genome["chrM"][2],
        genome["chr3"][1199],
        genome["chr3"][1499:1504],
    ]
    scores = score_variants(model, variants, genome=fa)
    L, c = 30, 15
    refs, alts = [], []
    for r in variants.itertuples():
        start = r.pos - 1 - c
        wide = window(genome, r.chrom, start, L + 10)
        refs.append(wide[:L])
        alts.append((wide[:c] + r.alt + wide[c + len(r.ref) :])[:L])
    # the indels keep the window length; the SNV at chrM:3 is padded with N
    assert refs[2].startswith("N" * 13) and alts[3][c : c + 3] == "TTT"
    assert alts[4][c] == "A" and alts[4][c + 1 :] == window(genome, "chr3", 1504, 14)
    ref_logits, alt_logits = direct_logits(model, refs), direct_logits(model, alts)
    for k in (0, 1):
        np.testing.assert_allclose(
            scores[f"logit_ref_{k}"], ref_logits[:, k], atol=1e-4
        )
        np.testing.assert_allclose(
            scores[f"effect_{k}"], alt_logits[:, k] - ref_logits[:, k], atol=1e-4
        )


@pytest.mark.slow
def test_blocks_of_variants_with_a_progress_bar(setup, monkeypatch, capsys):
    import dnacnn.genome._variants as variants_module

    genome, fa, model = setup
    positions = np.arange(100, 1100, 50)  # 20 SNVs on chr1
    variants = pd.DataFrame(
        {
            "chrom": "chr1",
            "pos": positions,
            "ref": [genome["chr1"][p - 1] for p in positions],
            "alt": "A",
        }
    )
    at_once = score_variants(model, variants, genome=fa)
    capsys.readouterr()
    monkeypatch.setattr(variants_module, "_CHUNK", 7)  # blocks of 7, 7 and 6
    in_blocks = score_variants(model, variants, genome=fa, verbose=1)
    pd.testing.assert_frame_equal(in_blocks, at_once)
    progress = capsys.readouterr().out
    assert "7/20" in progress and "20/20" in progress


@pytest.mark.slow
def test_reference_mismatches(setup):
    genome, fa, model = setup
    right = genome["chr1"][99]
    wrong = "A" if right != "A" else "C"
    variants = pd.DataFrame(
        {
            "chrom": ["chr1", "chr1"],
            "pos": [100, 200],
            "ref": [wrong, genome["chr1"][199].lower()],
            "alt": ["G", "T"],
        }
    )
    with pytest.raises(
        ValueError,
        match=rf"1 of 2 variant.*chr1:100\): ref '{wrong}', "
        rf"genome '{right}'",
    ):
        score_variants(model, variants, genome=fa)
    with pytest.warns(GenomeWarning, match="1 of 2"):
        warned = score_variants(model, variants, genome=fa, check_ref="warn")
    skipped = score_variants(model, variants, genome=fa, check_ref="skip")
    assert warned["effect_1"].isna().tolist() == [True, False]
    pd.testing.assert_frame_equal(warned, skipped)
    with pytest.raises(ValueError, match="genome is None"):
        score_variants(model, variants)
    with pytest.raises(ValueError, match="chromosome 'chrQ'"):
        score_variants(model, variants.assign(chrom="chrQ"), genome=fa)


@pytest.mark.slow
def test_peaks_to_variant_effects(tmp_path):
    """Intervals -> sequences -> chromosome CV -> fit -> the planted motif's
    variants score strongly negative, others near zero."""
    genome, peaks = plant(make_genome(random_state=11), 25, random_state=11)
    fa = write_fasta(genome, tmp_path / "genome.fa")
    narrow = write_bed(peaks, tmp_path / "peaks.narrowPeak", narrow=True)
    data = make_labelled_set(fa, narrow, background="gc", length=80, random_state=0)
    intervals = data[["chrom", "start", "end", "strand", "name", "summit"]]
    model = make_pipeline(
        GenomeSequenceTransformer(genome=str(fa), length=80),
        DNAOneHotTransformer(),
        DNACNNClassifier(kernel_size=12, epochs=40, batch_size=32, random_state=0),
    )
    cv = cross_validate(
        model, intervals, data.label, cv=ChromosomeSplit(n_splits=2), scoring="roc_auc"
    )
    assert cv["test_score"].min() > 0.9
    model.fit(intervals, data.label)
    rows = []
    for i, r in enumerate(peaks.iloc[:10].itertuples()):
        start = genome[r.chrom].find(MOTIF, r.start)
        pos = start + 1 + 3 + i % 6  # 1-based, inside the motif
        ref = genome[r.chrom][pos - 1]
        rows.append((r.chrom, pos, f"motif{i}", ref, "A" if ref != "A" else "T", "."))
        far = r.start - 150  # between the peaks, outside any motif
        ref = genome[r.chrom][far - 1].upper()
        rows.append((r.chrom, far, f"far{i}", ref, "A" if ref != "A" else "T", "."))
    vcf = write_vcf(rows, tmp_path / "v.vcf")
    scores = score_variants(model, vcf)
    log_odds = scores["effect_1"] - scores["effect_0"]
    motif = log_odds[scores.id.str.startswith("motif")]
    far = log_odds[scores.id.str.startswith("far")]
    assert motif.median() < -2
    assert far.abs().median() < 0.25 * abs(motif.median())


@pytest.mark.slow
def test_long_ref_alleles_are_scored_by_their_own_window(setup):
    """A REF longer than half the window is no false mismatch, and its score
    does not depend on the other variants of the file."""
    genome, fa, model = setup
    L, c = 30, 15
    mnv = ("chr1", 2000, genome["chr1"][1999:2029], "A" * 30)  # 30 bp MNV
    complex_ = ("chr2", 1500, genome["chr2"][1499:1540], "C" * 20)  # 41 -> 20 bp
    alone = pd.DataFrame([mnv, complex_], columns=["chrom", "pos", "ref", "alt"])
    scores = score_variants(model, alone, genome=fa)
    refs, alts = [], []
    for r in alone.itertuples():
        wide = window(genome, r.chrom, r.pos - 1 - c, L + len(r.ref))
        refs.append(wide[:L])
        alts.append((wide[:c] + r.alt + wide[c + len(r.ref) :])[:L])
    ref_logits, alt_logits = direct_logits(model, refs), direct_logits(model, alts)
    np.testing.assert_allclose(
        scores["effect_1"], alt_logits[:, 1] - ref_logits[:, 1], atol=1e-4
    )
    skipped = score_variants(model, alone, genome=fa, check_ref="skip")
    assert not skipped["effect_1"].isna().any()
    deletion = ("chr3", 1000, genome["chr3"][999:1060], genome["chr3"][999])
    more = pd.DataFrame(
        [mnv, deletion, complex_], columns=["chrom", "pos", "ref", "alt"]
    )
    with_deletion = score_variants(model, more, genome=fa)
    np.testing.assert_allclose(
        with_deletion["effect_1"].to_numpy()[[0, 2]], scores["effect_1"], atol=1e-5
    )


@pytest.mark.slow
def test_one_long_deletion_does_not_widen_the_other_windows(setup, monkeypatch):
    from dnacnn.genome import _fasta

    genome, fa, model = setup
    positions = np.arange(100, 4100, 10)  # 400 SNVs
    rows = [("chr1", p, genome["chr1"][p - 1], "A") for p in positions]
    rows.append(("chr2", 100, genome["chr2"][99:4099], genome["chr2"][99]))  # 4 kb
    variants = pd.DataFrame(rows, columns=["chrom", "pos", "ref", "alt"])
    read = []
    original = _fasta.FastaGenome.windows

    def windows(self, chroms, starts, length, *args, **kwargs):
        read.append(len(starts) * length)
        return original(self, chroms, starts, length, *args, **kwargs)

    monkeypatch.setattr(_fasta.FastaGenome, "windows", windows)
    score_variants(model, variants, genome=fa, check_ref="skip")
    assert sum(read) < 3 * (401 * 30 + 4030)  # not 401 windows of 4 kb


@pytest.mark.slow
def test_mismatch_messages_are_short_and_a_ref_past_the_end_is_one(setup):
    genome, fa, model = setup
    size = len(genome["chrM"])
    wrong = "".join("A" if b != "A" else "C" for b in genome["chr1"][999:3999])
    variants = pd.DataFrame(
        {
            "chrom": ["chr1", "chrM"],
            "pos": [1000, size - 1],
            "ref": [wrong, genome["chrM"][size - 2 :] + "N"],  # runs past the end
            "alt": ["A", "G"],
        }
    )
    with pytest.raises(ValueError) as error:
        score_variants(model, variants, genome=fa)
    message = str(error.value)
    assert "2 of 2 variant" in message
    assert len(message) < 1000 and "(3000 bp)" in message
    assert f"past the end of chrM ({size} bases)" in message


def test_vcf_in_latin1_or_with_a_bom(tmp_path):
    path = tmp_path / "latin.vcf"
    path.write_bytes(
        (VCF_HEADER + "chr1\t10\trs1\tA\tG\t.\tPASS\tNOTE=caf\xe9\n").encode("latin-1")
    )
    with pytest.raises(ValueError, match=r"latin.vcf, line 3: .*not UTF-8"):
        read_vcf(path)
    bom = tmp_path / "bom.vcf"
    bom.write_bytes(b"\xef\xbb\xbf" + b"chr1\t10\trs1\tA\tG\n")
    assert read_vcf(bom).values.tolist() == [["chr1", 10, "rs1", "A", "G"]]
    broken = tmp_path / "broken.vcf.gz"
    broken.write_bytes(gzip.compress(VCF_HEADER.encode() * 50)[:60])
    with pytest.raises(ValueError, match=r"broken.vcf.gz.*gzip"):
        read_vcf(broken)


@pytest.mark.slow
def test_a_foreign_character_in_the_genome_names_its_place(setup, tmp_path):
    genome, _, model = setup
    chr1 = genome["chr1"][:2000] + "x" + genome["chr1"][2001:]
    fa = write_fasta({**genome, "chr1": chr1}, tmp_path / "junk.fa")
    variants = pd.DataFrame(
        {"chrom": ["chr1"], "pos": [1990], "ref": [chr1[1989]], "alt": ["A"]}
    )
    with pytest.raises(
        ValueError, match=r"junk.fa\) holds 'x' at chr1:2001 \(1-based\)"
    ):
        score_variants(model, variants, genome=fa)
