"""Backgrounds (dinucleotide shuffles, GC-matched windows), the labelled set
and chromosome hold-outs."""

import itertools
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import sklearn
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("pyfaidx", reason="the genome extra (pyfaidx) is not installed")

from genome_data import MOTIF, make_genome, plant, write_bed, write_fasta  # noqa: E402
from sklearn.dummy import DummyClassifier  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_validate  # noqa: E402

from dnacnn.genome import (  # noqa: E402
    ChromosomeSplit,
    GenomeWarning,
    dinucleotide_shuffle,
    fetch_sequences,
    gc_matched_background,
    make_labelled_set,
)


def dinucleotides(seq):
    return Counter(seq[i : i + 2] for i in range(len(seq) - 1))


# ---------------------------------------------------------------- shuffles
@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ACGTNacgt", max_size=80), st.integers(0, 2**32 - 1))
def test_shuffle_keeps_dinucleotides_length_and_ends(seq, seed):
    (shuffled,) = dinucleotide_shuffle([seq], random_state=seed)
    assert len(shuffled) == len(seq)
    assert dinucleotides(shuffled) == dinucleotides(seq)
    assert Counter(shuffled) == Counter(seq)
    if seq:
        assert shuffled[0] == seq[0] and shuffled[-1] == seq[-1]


def test_shuffles_are_seeded_varied_and_uniform():
    seq = "ACGTTGCAACGGTACCATGA"
    a = dinucleotide_shuffle([seq, seq[::-1]], n=3, random_state=0)
    assert a.shape == (6,)
    assert (a == dinucleotide_shuffle([seq, seq[::-1]], n=3, random_state=0)).all()
    # every sequence with the same dinucleotides and ends, found by brute
    # force, is drawn, and about equally often (Altschul-Erickson is uniform)
    source = "ACCAACGAC"
    walks = {
        "".join(p)
        for p in itertools.permutations(source)
        if p[0] == source[0]
        and p[-1] == source[-1]
        and dinucleotides("".join(p)) == dinucleotides(source)
    }
    draws = Counter(dinucleotide_shuffle([source] * 4000, random_state=1))
    assert set(draws) == walks and len(walks) > 3
    counts = np.array(list(draws.values()))
    assert counts.min() > 0.75 * counts.mean() and counts.max() < 1.25 * counts.mean()


def test_shuffle_rejects_bad_input():
    with pytest.raises(TypeError, match="single str"):
        dinucleotide_shuffle("ACGT")
    with pytest.raises(ValueError, match="n"):
        dinucleotide_shuffle(["ACGT"], n=0)


# -------------------------------------------------------------- GC matched
@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    genome, peaks = plant(make_genome(random_state=4), 10, random_state=4)
    folder = tmp_path_factory.mktemp("bg")
    return genome, peaks, write_fasta(genome, folder / "genome.fa")


def gc(seq):
    seq = seq.upper()
    return (seq.count("G") + seq.count("C")) / len(seq)


def test_gc_background_matches_bins_avoids_peaks_and_n(planted):
    genome, peaks, fa = planted
    background = gc_matched_background(fa, peaks, n=80, bins=5, random_state=0)
    assert len(background) == 80
    assert ((background.end - background.start) == 100).all()
    assert background.chrom.nunique() >= 3  # drawn over the genome, not chr1 first
    seqs = fetch_sequences(fa, background)
    assert not any("N" in s.upper() for s in seqs)
    pos_bins = np.histogram([gc(s) for s in fetch_sequences(fa, peaks)], 5, (0, 1))[0]
    bg_bins = np.histogram([gc(s) for s in seqs], 5, (0, 1))[0]
    assert (np.abs(bg_bins - pos_bins * 80 / len(peaks)) <= 1).all()
    for r in background.itertuples():
        same = peaks[peaks.chrom == r.chrom]
        assert not ((same.start < r.end) & (same.end > r.start)).any()
    again = gc_matched_background(fa, peaks, n=80, bins=5, random_state=0)
    pd.testing.assert_frame_equal(background, again)


def test_gc_background_warns_when_the_genome_lacks_windows(planted, tmp_path):
    fa = write_fasta({"chr1": "AT" * 400, "chr2": "GC" * 40}, tmp_path / "g.fa")
    peaks = pd.DataFrame({"chrom": ["chr2"], "start": [10], "end": [60]})
    with pytest.warns(GenomeWarning, match=r"found 0 of 5 GC-matched.*0.90-1.00"):
        background = gc_matched_background(fa, peaks, n=5, random_state=0)
    assert len(background) == 0


# ------------------------------------------------------------ labelled set
@pytest.mark.parametrize("background", ["gc", "shuffle", "file"])
def test_labelled_set_from_a_narrowpeak_file(planted, tmp_path, background):
    genome, peaks, fa = planted
    narrow = write_bed(peaks, tmp_path / "peaks.narrowPeak", narrow=True)
    if background == "file":
        negatives = peaks.assign(start=peaks.start + 140, end=peaks.end + 140)
        background = write_bed(negatives, tmp_path / "neg.bed")
    data = make_labelled_set(
        fa, narrow, background=background, length=60, random_state=0
    )
    assert (data.label == 1).sum() == len(peaks) == (data.label == 0).sum()
    assert data.sequence.str.len().eq(60).all()
    positives = data[data.label == 1].sequence
    assert positives.str.upper().str.contains(MOTIF).all()
    negatives = data[data.label == 0]
    assert not negatives.sequence.str.contains(MOTIF).any()
    if (negatives.source == "shuffle").all():
        # each shuffle sits on its source's chromosome, with its composition
        for neg, pos in zip(
            negatives.itertuples(), data[data.label == 1].itertuples(), strict=True
        ):
            assert neg.chrom == pos.chrom
            assert dinucleotides(neg.sequence) == dinucleotides(pos.sequence)


def test_labelled_set_drops_windows_off_the_chromosome(planted):
    genome, peaks, fa = planted
    edge = pd.concat(
        [
            peaks,
            pd.DataFrame(
                {"chrom": ["chrM"], "start": [0], "end": [100], "name": ["edge"]}
            ),
        ]
    )
    with pytest.warns(GenomeWarning, match="left out 1 positive"):
        data = make_labelled_set(fa, edge, background="shuffle", length=200)
    assert "edge" not in set(data.name)
    with pytest.raises(FileNotFoundError, match="neither 'gc', 'shuffle'"):
        make_labelled_set(fa, peaks, background="gc-matched")


@pytest.mark.parametrize("background", ["gc", "shuffle"])
def test_labelled_set_with_every_window_off_the_chromosome_says_so(planted, background):
    genome, peaks, fa = planted
    edge = pd.DataFrame({"chrom": ["chrM"], "start": [0], "end": [100]})
    with pytest.warns(GenomeWarning, match="left out 1 positive"):
        with pytest.raises(ValueError, match=r"none of the 1 positive.*chrM:0-100"):
            make_labelled_set(fa, edge, background=background, length=200)


def test_labelled_set_without_background_windows_is_an_error(tmp_path):
    fa = write_fasta({"chr1": "ACGT" * 500}, tmp_path / "g.fa")
    peaks = pd.DataFrame(
        {"chrom": ["chr1"] * 2, "start": [0, 100], "end": [1900, 2000]}
    )
    with pytest.warns(GenomeWarning, match="found 0 of 2"):
        with pytest.raises(ValueError, match=r"no background.*length"):
            make_labelled_set(fa, peaks, background="gc", random_state=0)


def test_gc_background_blames_all_n_positive_windows(planted):
    genome, peaks, fa = planted
    # chr1's bases 300-360 are N: a 40-bp window there has no base to match
    n_run = pd.DataFrame({"chrom": ["chr1"], "start": [310], "end": [350]})
    both = pd.concat([peaks, n_run], ignore_index=True)
    with pytest.warns(GenomeWarning, match=r"1 of .* windows .*only N.*row"):
        background = gc_matched_background(fa, both, length=40, random_state=0)
    assert len(background) == len(both)
    with pytest.raises(ValueError, match="only N"):
        gc_matched_background(fa, n_run, length=40, random_state=0)


def test_gc_background_refuses_huge_widths(planted, tmp_path):
    genome, peaks, fa = planted
    wide = tmp_path / "wide.bed"
    wide.write_text("chr1\t0\t100000000000\n")
    with pytest.raises(ValueError, match="longest"):
        gc_matched_background(fa, wide, random_state=0)


# --------------------------------------------------------- chromosome folds
def test_chromosome_folds_never_share_a_chromosome_and_are_balanced():
    rng = np.random.default_rng(0)
    chroms = rng.choice(
        [f"chr{i}" for i in range(1, 12)], size=500, p=np.r_[np.full(10, 0.09), 0.1]
    )
    X = pd.DataFrame({"chrom": chroms, "start": 0, "end": 10})
    sizes = []
    for train, test in ChromosomeSplit(n_splits=4).split(X):
        assert not set(chroms[train]) & set(chroms[test])
        assert len(train) + len(test) == 500
        sizes.append(len(test))
    assert sum(sizes) == 500 and max(sizes) - min(sizes) <= 60
    ((train, test),) = ChromosomeSplit(test=["chr8", "chr9"]).split(X)
    assert set(chroms[test]) == {"chr8", "chr9"}
    assert not {"chr8", "chr9"} & set(chroms[train])


def test_chromosome_split_as_cv_with_groups_or_intervals():
    chroms = np.repeat(["chr1", "chr2", "chr3"], [4, 3, 3])
    X = pd.DataFrame({"chrom": chroms, "start": 0, "end": 10})
    y = np.tile([0, 1], 5)
    seen = []

    class Recorder(DummyClassifier):
        def fit(self, X, y, sample_weight=None):
            seen.append(set(X["chrom"]) if hasattr(X, "columns") else len(X))
            return super().fit(X, y)

    result = cross_validate(Recorder(), X, y, cv=ChromosomeSplit(n_splits=3))
    assert len(result["test_score"]) == 3
    assert sorted(map(sorted, seen)) == [
        ["chr1", "chr2"],
        ["chr1", "chr3"],
        ["chr2", "chr3"],
    ]
    sequences = np.array(["ACGT"] * 10, dtype=object)
    result = cross_validate(
        DummyClassifier(), sequences, y, groups=chroms, cv=ChromosomeSplit(n_splits=3)
    )
    assert len(result["test_score"]) == 3
    # with metadata routing on, groups reach the splitter as params=
    with sklearn.config_context(enable_metadata_routing=True):
        result = cross_validate(
            DummyClassifier(),
            sequences,
            y,
            params={"groups": chroms},
            cv=ChromosomeSplit(n_splits=3),
            return_indices=True,
        )
        search = GridSearchCV(
            DummyClassifier(),
            {"strategy": ["prior", "uniform"]},
            cv=ChromosomeSplit(n_splits=3),
        ).fit(sequences, y, groups=chroms)
    for test in result["indices"]["test"]:
        assert len(set(chroms[test])) == 1  # one chromosome per fold
    assert search.n_splits_ == 3
    with pytest.raises(ValueError, match="groups=<chromosome"):
        list(ChromosomeSplit().split(sequences))
    with pytest.raises(ValueError, match="n_splits=5 is more than the 3"):
        list(ChromosomeSplit().split(X))
    with pytest.raises(ValueError, match=r"\['chrX'\] have no rows"):
        list(ChromosomeSplit(test=["chrX"]).split(X))


@pytest.mark.parametrize(
    ("X", "groups", "test", "match"),
    [
        (
            pd.DataFrame(
                {"sequence": ["A"] * 4, "chromosome": ["c1", "c1", "c2", "c2"]}
            ),
            None,
            None,
            r"no 'chrom' column.*\['sequence', 'chromosome'\].*groups",
        ),
        (np.arange(8.0).reshape(4, 2), None, None, r"first column.*not chromosome"),
        (
            np.zeros((4, 1)),
            ["chr1", None, "chr2", "chr2"],
            None,
            r"groups\[1\] is None",
        ),
        (
            np.zeros((4, 1)),
            ["chr1", "chr1", np.nan, "chr2"],
            None,
            r"groups\[2\] is nan",
        ),
        (
            pd.DataFrame({"chrom": ["chr1", "chr2", None, "chr2"], "start": 0}),
            None,
            None,
            r"X\['chrom'\]\[2\] is (None|nan)",
        ),
        (np.zeros((4, 1)), ["chr1", "chr1", "chr2", "chr2"], [], r"test=\[\] .*empty"),
        (np.zeros((0, 1)), [], None, "no rows"),
    ],
    ids=["no chrom column", "numbers", "None", "NaN", "None in X", "test=[]", "empty"],
)
def test_chromosome_split_refuses_what_it_cannot_split_honestly(X, groups, test, match):
    cv = ChromosomeSplit(n_splits=2, test=test)
    with pytest.raises(ValueError, match=match):
        list(cv.split(X, groups=groups))


def test_chromosome_split_reads_an_interval_array():
    X = np.array([["chr1", 0, 5], ["chr2", 0, 5], ["chr1", 9, 20]], dtype=object)
    ((train, test),) = ChromosomeSplit(test=["chr1"]).split(X)
    assert test.tolist() == [0, 2] and train.tolist() == [1]
