"""Intervals -> sequences: readers, the transformer, bgzip, read-only genomes."""

import os
import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyfaidx", reason="the genome extra (pyfaidx) is not installed")

from genome_data import make_genome, revcomp, window, write_bed, write_fasta  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.utils.estimator_checks import (  # noqa: E402
    check_do_not_raise_errors_in_init_or_set_params,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

from dnacnn import DNAOneHotTransformer  # noqa: E402
from dnacnn.genome import (  # noqa: E402
    ChromosomeSplit,
    GenomeSequenceTransformer,
    fetch_sequences,
    read_intervals,
)


@pytest.fixture(scope="module")
def genome():
    return make_genome(random_state=1)


@pytest.fixture(scope="module")
def fasta(genome, tmp_path_factory):
    return write_fasta(genome, tmp_path_factory.mktemp("genome") / "genome.fa")


def random_intervals(genome, n, rng):
    chroms = rng.choice(list(genome), size=n)
    starts = [int(rng.integers(0, len(genome[c]))) for c in chroms]
    ends = [s + int(rng.integers(1, 300)) for s in starts]
    strands = rng.choice(["+", "-", "."], size=n)
    return pd.DataFrame(
        {"chrom": chroms, "start": starts, "end": ends, "strand": strands}
    )


# ------------------------------------------------------------------ reading
def test_bed_and_narrowpeak_read_with_headers_and_summits(tmp_path):
    peaks = pd.DataFrame(
        {
            "chrom": ["chr1", "chr2"],
            "start": [10, 50],
            "end": [30, 90],
            "name": ["a", "b"],
            "strand": ["+", "-"],
        }
    )
    bed = read_intervals(write_bed(peaks, tmp_path / "p.bed"))
    assert bed[["chrom", "start", "end", "strand", "name"]].values.tolist() == [
        ["chr1", 10, 30, "+", "a"],
        ["chr2", 50, 90, "-", "b"],
    ]
    assert (bed["summit"] == -1).all()
    narrow = read_intervals(write_bed(peaks, tmp_path / "p.narrowPeak", narrow=True))
    assert narrow["summit"].tolist() == [10, 20]
    three = tmp_path / "three.bed"
    three.write_text("browser position chr1\nchr1 5 9\n\nchr2\t1\t2\n")
    assert read_intervals(three)[["start", "end"]].values.tolist() == [[5, 9], [1, 2]]


@pytest.mark.parametrize(
    ("line", "match"),
    [
        ("chr1\t50\t40", r"bad.bed, line 3: end 40 <= start 50"),
        ("chr1\t-5\t40", r"line 3: start -5 is negative"),
        ("chr1\t5.5\t40", r"line 3: start '5.5' is not an integer"),
        ("chr1\t5", r"line 3: 2 column\(s\)"),
        ("chr1\t5\t9\tn\t0\t?", r"line 3: strand '\?'"),
        ("chrZ\t5\t9", r"line 3: chromosome 'chrZ' is not in the genome"),
    ],
)
def test_bad_bed_rows_name_file_line_and_problem(tmp_path, fasta, line, match):
    bad = tmp_path / "bad.bed"
    bad.write_text(f"track x\nchr1\t0\t10\n{line}\n")
    with pytest.raises(ValueError, match=match):
        fetch_sequences(fasta, bad, length=5)


def test_bad_dataframe_rows_name_the_row(fasta):
    frame = pd.DataFrame(
        {"chrom": ["chr1", "chr1"], "start": [0, 10.5], "end": [5, 20]}
    )
    with pytest.raises(ValueError, match=r"row 1: start 10.5 is not an integer"):
        read_intervals(frame)
    frame = pd.DataFrame({"chrom": ["chr1", "chrX"], "start": [0, 1], "end": [5, 20]})
    with pytest.raises(ValueError, match=r"row 1: chromosome 'chrX'"):
        fetch_sequences(fasta, frame)
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['end'\]"):
        read_intervals(frame[["chrom", "start"]])


def test_coordinates_too_large_for_any_genome_name_the_value(tmp_path, fasta):
    bed = tmp_path / "huge.bed"
    bed.write_text("chr1\t0\t10\nchr1\t0\t99999999999999999999\n")
    with pytest.raises(ValueError, match=r"huge.bed, line 2: end 99999999999999999999"):
        read_intervals(bed)
    for end in (1e20, np.uint64(2**63 + 5)):
        frame = pd.DataFrame({"chrom": ["chr1"], "start": [0], "end": [end]})
        with pytest.raises(
            ValueError, match=r"row 0: end .*(1e\+20|9223372036854775813)"
        ):
            read_intervals(frame)


def test_windows_wider_than_the_genome_allows_are_refused(tmp_path, fasta):
    wide = tmp_path / "wide.bed"
    wide.write_text("chr1\t0\t100\nchr1\t0\t100000000000\n")
    with pytest.raises(ValueError, match=r"wide.bed, line 2.*100000000000.*longest"):
        fetch_sequences(fasta, wide)
    peaks = pd.DataFrame({"chrom": ["chr1"], "start": [0], "end": [100]})
    with pytest.raises(ValueError, match=r"length=100000000000 .*longest"):
        fetch_sequences(fasta, peaks, length=10**11)
    t = GenomeSequenceTransformer(genome=fasta, length=None).fit(peaks)
    with pytest.raises(ValueError, match=r"row 0 .*longest"):
        t.transform(pd.DataFrame({"chrom": ["chr2"], "start": [0], "end": [10**11]}))


def test_intervals_beyond_their_chromosome_are_an_error_naming_them(tmp_path, fasta):
    # chr2 has 5,000 bases: an interval past its end is from another assembly
    beyond = tmp_path / "beyond.bed"
    beyond.write_text("chr2\t100\t200\n#\nchr2\t50000\t50100\nchr2\t2**63\n"[:-7])
    beyond.write_text("chr2\t100\t200\n#\nchr2\t50000\t50100\nchr2\t60000\t60100\n")
    match = r"2 interval\(s\).*beyond.bed, line 3 \(chr2:50000-50100\).*5000 bases"
    with pytest.raises(ValueError, match=match):
        fetch_sequences(fasta, beyond, length=20)
    with pytest.raises(ValueError, match=r"line 3.*off_chromosome='drop'"):
        fetch_sequences(fasta, beyond)
    kept, index = fetch_sequences(
        fasta, beyond, length=20, off_chromosome="drop", return_index=True
    )
    assert index.tolist() == [0]
    frame = read_intervals(beyond)
    t = GenomeSequenceTransformer(genome=fasta, length=20).fit(frame.iloc[:1])
    with pytest.raises(ValueError, match=r"row 1 \(chr2:50000-50100\).*within_chrom"):
        t.transform(frame)
    assert t.within_chromosomes(frame).tolist() == [True, False, False]
    # the whole end of 2**63 - 1 is refused, not turned into an all-N window
    top = tmp_path / "top.bed"
    top.write_text(f"chr2\t0\t{2**63 - 1}\n")
    with pytest.raises(ValueError, match="top.bed, line 1"):
        fetch_sequences(fasta, top, length=20)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"chr1\t0\t10\nchr1\t5\t9\tcaf\xe9\n", r"line 2: byte 0xe9 .*not UTF-8"),
        (bytes(range(128, 256)) * 4, r"line 1: byte 0x80 .*not UTF-8"),
    ],
    ids=["latin-1", "binary"],
)
def test_non_text_bed_names_file_line_and_byte(tmp_path, content, match):
    bed = tmp_path / "odd.bed"
    bed.write_bytes(content)
    with pytest.raises(ValueError, match=f"odd.bed, {match}"):
        read_intervals(bed)


def test_a_folder_given_as_a_file_is_named_as_a_folder(tmp_path, fasta):
    with pytest.raises(IsADirectoryError, match="is a folder"):
        read_intervals(tmp_path)
    t = GenomeSequenceTransformer(genome=tmp_path, length=10)
    with pytest.raises(IsADirectoryError, match="is a folder"):
        t.fit()


# ----------------------------------------------------------------- windows
@pytest.mark.parametrize("length", [1, 37, 500])
def test_windows_equal_plain_slicing(genome, fasta, length):
    rng = np.random.default_rng(length)
    peaks = random_intervals(genome, 300, rng)
    got = fetch_sequences(fasta, peaks, length=length, center="middle")
    for seq, row in zip(got, peaks.itertuples(), strict=True):
        start = row.start + (row.end - row.start - length) // 2
        expected = window(genome, row.chrom, start, length)
        if row.strand == "-":
            expected = revcomp(expected)
        assert seq == expected


def test_whole_intervals_case_and_strand(genome, fasta):
    peaks = pd.DataFrame(
        {
            "chrom": ["chr1", "chr1"],
            "start": [2990, 2990],
            "end": [3010, 3010],
            "strand": ["+", "-"],
        }
    )
    plus, minus = fetch_sequences(fasta, peaks)  # chr1's lowercase stretch
    assert plus == genome["chr1"][2990:3010] and plus != plus.upper()
    assert minus == revcomp(plus)
    upper = fetch_sequences(fasta, peaks, case="upper", strand=False)
    assert upper.tolist() == [plus.upper()] * 2


def test_off_chromosome_pad_error_drop(genome, fasta):
    peaks = pd.DataFrame(
        {
            "chrom": ["chrM", "chr2", "chr2"],
            "start": [0, 100, 4990],
            "end": [150, 200, 5000],
        }
    )
    padded = fetch_sequences(fasta, peaks, length=200)
    assert padded[0] == "N" * 25 + genome["chrM"] + "N" * 25
    assert padded[2].endswith("N" * 95)
    with pytest.raises(
        ValueError, match=r"2 window\(s\) run off.*row 0 \(chrM:0-150\)"
    ):
        fetch_sequences(fasta, peaks, length=200, off_chromosome="error")
    kept, index = fetch_sequences(
        fasta, peaks, length=200, off_chromosome="drop", return_index=True
    )
    assert index.tolist() == [1] and kept.tolist() == [padded[1]]
    transformer = GenomeSequenceTransformer(genome=fasta, length=200).fit()
    assert transformer.within_chromosomes(peaks).tolist() == [False, True, False]
    with pytest.raises(ValueError, match="cannot match with y"):
        GenomeSequenceTransformer(genome=fasta, off_chromosome="drop").fit(peaks)


def test_narrowpeak_windows_centre_on_the_summit(genome, fasta, tmp_path):
    path = tmp_path / "p.narrowPeak"
    path.write_text("chr3\t1000\t1400\tp\t0\t.\t1\t1\t1\t50\n")
    (seq,) = fetch_sequences(fasta, path, length=10)
    assert seq == genome["chr3"][1045:1055]
    (middle,) = fetch_sequences(fasta, path, length=10, center="middle")
    assert middle == genome["chr3"][1195:1205]


def test_bgzip_genome_gives_the_same_strings(genome, fasta, tmp_path):
    pytest.importorskip("Bio.bgzf", reason="Biopython reads bgzip for pyfaidx")
    from genome_data import write_bgzip

    gz = write_bgzip(genome, tmp_path / "genome.fa.gz")
    peaks = random_intervals(genome, 100, np.random.default_rng(5))
    assert (
        fetch_sequences(gz, peaks, length=120)
        == fetch_sequences(fasta, peaks, length=120)
    ).all()


def test_plain_gzip_is_refused_with_a_remedy(genome, tmp_path):
    import gzip

    path = tmp_path / "genome.fa.gz"
    path.write_bytes(gzip.compress(write_fasta(genome, tmp_path / "g.fa").read_bytes()))
    peaks = pd.DataFrame({"chrom": ["chr1"], "start": [0], "end": [5]})
    with pytest.raises(ValueError, match="bgzip"):
        fetch_sequences(path, peaks)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only folders")
def test_read_only_genome_indexes_into_the_cache(genome, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    fa = write_fasta(genome, folder / "genome.fa")
    cache = tmp_path / "cache"
    folder.chmod(0o555)
    try:
        t = GenomeSequenceTransformer(genome=fa, length=10, index_dir=cache)
        peaks = pd.DataFrame({"chrom": ["chr2"], "start": [1000], "end": [1010]})
        assert t.fit_transform(peaks).tolist() == [genome["chr2"][1000:1010]]
    finally:
        folder.chmod(0o755)
    assert not (folder / "genome.fa.fai").exists()
    assert len(list(cache.glob("*genome.fa.fai"))) == 1


def test_read_only_folder_as_root_still_uses_the_cache(genome, tmp_path, monkeypatch):
    # root can write anywhere, so the folder is made "unwritable" to the check
    from dnacnn.genome import _fasta

    folder = tmp_path / "ro"
    folder.mkdir()
    fa = write_fasta(genome, folder / "genome.fa")
    monkeypatch.setattr(_fasta, "_writable", lambda f: f != folder)
    t = GenomeSequenceTransformer(genome=fa, length=10, index_dir=tmp_path / "cache")
    peaks = pd.DataFrame({"chrom": ["chr2"], "start": [1000], "end": [1010]})
    assert t.fit_transform(peaks).tolist() == [genome["chr2"][1000:1010]]
    assert not (folder / "genome.fa.fai").exists()
    assert list((tmp_path / "cache").glob("*genome.fa.fai"))


# -------------------------------------------------------------- transformer
def test_transformer_pickles_small_and_runs_in_another_process(genome, fasta, tmp_path):
    peaks = random_intervals(genome, 20, np.random.default_rng(2))
    t = GenomeSequenceTransformer(genome=fasta, length=50).fit(peaks)
    expected = t.transform(peaks)
    blob = pickle.dumps(t)
    assert len(blob) < 2000
    (tmp_path / "t.pkl").write_bytes(blob)
    peaks.to_csv(tmp_path / "peaks.csv", index=False)
    code = (
        "import pickle, pandas as pd\n"
        f"t = pickle.load(open({str(tmp_path / 't.pkl')!r}, 'rb'))\n"
        f"print('|'.join(t.transform(pd.read_csv({str(tmp_path / 'peaks.csv')!r}))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().split("|") == expected.tolist()


@pytest.mark.parametrize(
    "check",
    [
        check_no_attributes_set_in_init,
        check_get_params_invariance,
        check_set_params,
        check_parameters_default_constructible,
        check_do_not_raise_errors_in_init_or_set_params,
    ],
)
def test_sklearn_api_checks(check):
    check("GenomeSequenceTransformer", GenomeSequenceTransformer())


def test_parameters_are_checked_at_fit(fasta):
    with pytest.raises(ValueError, match="genome is None"):
        GenomeSequenceTransformer().fit()
    with pytest.raises(ValueError, match="length"):
        GenomeSequenceTransformer(genome=fasta, length=0).fit()
    with pytest.raises(TypeError, match="genome must be the path"):
        GenomeSequenceTransformer(genome=3).fit()
    with pytest.raises(FileNotFoundError, match="nowhere.fa"):
        GenomeSequenceTransformer(genome="nowhere.fa").fit()


def test_pipeline_grid_searches_the_window_length_under_chromosome_cv(fasta):
    from genome_data import MOTIF, plant

    genome, peaks = plant(make_genome(random_state=3), 12, random_state=3)
    # negatives: windows of the same chromosomes without the motif
    negatives = peaks.assign(start=peaks.start + 140, end=peaks.end + 140)
    X = pd.concat([peaks, negatives], ignore_index=True)
    y = np.r_[np.ones(len(peaks)), np.zeros(len(negatives))]
    fa = write_fasta(genome, fasta.parent / "planted.fa")
    assert all(MOTIF in s for s in fetch_sequences(fa, peaks, length=40))
    model = make_pipeline(
        GenomeSequenceTransformer(genome=fa),
        DNAOneHotTransformer(flatten=True),
        LogisticRegression(max_iter=200),
    )
    search = GridSearchCV(
        model,
        {"genomesequencetransformer__length": [20, 60]},
        cv=ChromosomeSplit(n_splits=2),
    ).fit(X, y)
    lengths = search.cv_results_["param_genomesequencetransformer__length"]
    assert list(lengths) == [20, 60]
    assert search.best_score_ > 0.7
