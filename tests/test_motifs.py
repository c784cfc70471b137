"""Motif, MEME I/O, discover_motif and filter_motifs."""

import io
import subprocess
import sys

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

import dnacnn.interpret
from dnacnn import (
    DNACNNClassifier,
    DNAOneHotTransformer,
    make_motif_dataset,
    one_hot_encode,
)
from dnacnn.motifs import Motif, discover_motif, filter_motifs, read_meme, write_meme
from dnacnn.preprocessing import decode_one_hot, reverse_complement

PRIMER_MOTIF = "CGACCGAACTCC"


def random_sequences(n, length, seed=0):
    rng = np.random.default_rng(seed)
    codes = np.frombuffer(b"ACGT", dtype=np.uint8)[rng.integers(0, 4, (n, length))]
    return [row.tobytes().decode() for row in codes]


def plant(sequences, site, seed=0, both_strands=True):
    """Put ``site`` (or its reverse complement) once into every sequence."""
    rng = np.random.default_rng(seed)
    out, starts, strands = [], [], []
    for seq in sequences:
        start = int(rng.integers(0, len(seq) - len(site) + 1))
        strand = int(rng.choice([1, -1])) if both_strands else 1
        text = site if strand == 1 else reverse_complement(site)
        out.append(seq[:start] + text + seq[start + len(site) :])
        starts.append(start)
        strands.append(strand)
    return out, np.array(starts), np.array(strands)


def best_alignment_r(pfm, reference, min_overlap):
    """Largest Pearson r of the overlapping entries, over offsets and strands."""
    best = -1.0
    for candidate in (pfm, pfm[::-1, ::-1]):
        for offset in range(-(len(candidate) - 1), len(reference)):
            a, b = max(0, -offset), max(0, offset)
            n = min(len(candidate) - a, len(reference) - b)
            if n >= min_overlap:
                r = np.corrcoef(
                    candidate[a : a + n].ravel(), reference[b : b + n].ravel()
                )
                best = max(best, r[0, 1])
    return best


# ------------------------------------------------------------------ Motif
COUNTS = [[8, 0, 0, 0], [2, 2, 2, 2], [4, 4, 0, 0], [0, 0, 1, 7]]


def test_pfm_pwm_information_and_consensus_values():
    motif = Motif(COUNTS, name="hand")
    assert motif.width == len(motif) == 4
    assert motif.nsites == 8
    np.testing.assert_allclose(
        motif.pfm,
        [[1, 0, 0, 0], [0.25] * 4, [0.5, 0.5, 0, 0], [0, 0, 0.125, 0.875]],
    )
    h = -(0.125 * np.log2(0.125) + 0.875 * np.log2(0.875))
    np.testing.assert_allclose(motif.information_content, [2, 0, 1, 2 - h])
    # pseudocount 0.1 spread by the uniform background, log2 against 0.25
    assert motif.pwm[0, 0] == pytest.approx(np.log2((8 + 0.025) / 8.1 / 0.25))
    assert motif.pwm[0, 1] == pytest.approx(np.log2(0.025 / 8.1 / 0.25))
    np.testing.assert_allclose(motif.pwm[1], 0, atol=1e-12)
    assert motif.consensus == "AAAT"  # ties go to the first of A, C, G, T
    assert repr(motif) == "Motif(name='hand', consensus='AAAT', width=4, nsites=8)"
    with pytest.raises(ValueError, match="read-only"):
        motif.counts[0, 0] = 1


def test_background_frequencies_enter_pwm_and_information():
    background = [0.3, 0.2, 0.2, 0.3]
    motif = Motif([background, [1, 0, 0, 0]], background=background, pseudocount=0)
    np.testing.assert_allclose(motif.pwm[0], 0, atol=1e-12)
    assert motif.information_content[0] == pytest.approx(0)
    assert motif.information_content[1] == pytest.approx(np.log2(1 / 0.3))
    assert motif.pwm[1, 1] == -np.inf  # no pseudocount: an unseen base


def test_frequency_matrix_and_empty_rows():
    motif = Motif([[0.5, 0.5, 0, 0], [0, 0, 0, 0]])
    assert motif.nsites == 1
    np.testing.assert_allclose(motif.pfm[1], 0.25)  # no counts: the background
    assert motif.information_content[1] == 0


def test_from_sequences_counts_bases_and_ignores_n():
    motif = Motif.from_sequences(["ACGN", "acga"], name="m")
    np.testing.assert_array_equal(
        motif.counts, [[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [1, 0, 0, 0]]
    )
    with pytest.raises(ValueError, match="sequence 0 has 3 bases, sequence 1 has 2"):
        Motif.from_sequences(["ACG", "AC"])


def test_trim_drops_low_information_edges_and_moves_sites():
    # 2 uninformative positions on each side of a core with a weak 4th position
    core = ["GATTCA", "GATGCA", "GATACA", "GATCCA"]
    edges = [("AC", "GT"), ("GT", "AC"), ("CA", "TG"), ("TG", "CA")]
    noisy = [left + c + right for c, (left, right) in zip(core, edges, strict=True)]
    seqs = random_sequences(4, 30, seed=1)
    starts = [3, 10, 5, 20]
    strands = [1, -1, 1, -1]
    for i, (site, start, strand) in enumerate(zip(noisy, starts, strands, strict=True)):
        text = site if strand == 1 else reverse_complement(site)
        seqs[i] = seqs[i][:start] + text + seqs[i][start + 10 :]
    sites = list(zip(range(4), starts, strands, [1.0] * 4, noisy, strict=True))
    motif = Motif.from_sequences(noisy, name="m")
    motif = Motif(motif.counts, name="m", sites=sites)
    trimmed = motif.trim(min_information=0.5)
    assert trimmed.consensus == "GATACA"  # the weak 4th position stays inside
    assert trimmed.name == "m"
    np.testing.assert_array_equal(trimmed.counts, motif.counts[2:8])
    assert trimmed.sites["site"].tolist() == core
    assert np.isnan(trimmed.sites["score"]).all()
    for s in trimmed.sites:
        window = seqs[s["sequence"]][s["start"] : s["start"] + 6]
        read = window if s["strand"] == 1 else reverse_complement(window)
        assert read == s["site"]
    with pytest.raises(ValueError, match="reaches min_information=2.5"):
        motif.trim(2.5)


def test_reverse_complement():
    sites = [(0, 4, 1, 2.0, "AAC"), (3, 0, -1, 1.0, "AAG")]
    motif = Motif(
        [[2, 0, 0, 0], [2, 0, 0, 0], [0, 1, 1, 0]],
        sites=sites,
        background=[0.1, 0.2, 0.3, 0.4],
    )
    rc = motif.reverse_complement()
    np.testing.assert_array_equal(rc.counts, [[0, 1, 1, 0], [0, 0, 0, 2], [0, 0, 0, 2]])
    assert rc.consensus == "CTT"
    np.testing.assert_allclose(rc.background, [0.4, 0.3, 0.2, 0.1])
    assert rc.sites["strand"].tolist() == [-1, 1]
    assert rc.sites["start"].tolist() == [4, 0]
    assert rc.sites["site"].tolist() == ["GTT", "CTT"]
    back = rc.reverse_complement()
    np.testing.assert_array_equal(back.counts, motif.counts)
    assert back.sites.tolist() == motif.sites.tolist()


def test_scan_finds_planted_sites_on_both_strands():
    site = "GATTACAGG"
    seqs, starts, strands = plant(random_sequences(40, 60, seed=2), site, seed=3)
    assert set(strands) == {1, -1}
    motif = Motif.from_sequences([site] * 5)
    for X in (seqs, one_hot_encode(seqs), one_hot_encode(seqs, dtype=np.uint8)):
        hits = motif.scan(X)
        np.testing.assert_array_equal(hits["sequence"], np.arange(40))
        np.testing.assert_array_equal(hits["start"], starts)
        np.testing.assert_array_equal(hits["strand"], strands)
        assert set(hits["site"]) == {site}
        assert np.allclose(hits["score"], motif.pwm.max(axis=1).sum())
    forward = motif.scan(seqs, both_strands=False)
    assert (forward["strand"] == 1).all()
    np.testing.assert_array_equal(forward["start"][strands == 1], starts[strands == 1])
    single = motif.scan(seqs[0])
    assert single.shape == (1,) and single["start"][0] == starts[0]


def test_score_matches_a_plain_loop_and_marks_windows_past_the_end():
    motif = Motif([[3, 1, 0, 0], [0, 0, 2, 2], [1, 1, 1, 1], [0, 4, 0, 0]])
    seqs = ["ACGTNACGGC", "TTGCA"]
    scores = motif.score(seqs)
    minus = motif.score(seqs, strand="-")
    assert scores.shape == minus.shape == (2, 7)
    index = {b: i for i, b in enumerate("ACGT")}
    for i, seq in enumerate(seqs):
        for j in range(7):
            if j > len(seq) - 4:
                assert scores[i, j] == minus[i, j] == -np.inf
                continue
            window = seq[j : j + 4]
            for strand, matrix in (
                (scores, window),
                (minus, reverse_complement(window)),
            ):
                expected = sum(
                    motif.pwm[k, index[b]] for k, b in enumerate(matrix) if b in index
                )
                assert strand[i, j] == pytest.approx(expected)
    assert motif.score(seqs[0]).shape == (7,)
    with pytest.raises(ValueError, match="strand must be"):
        motif.score(seqs, strand="both")
    with pytest.raises(ValueError, match="Sequence 1 has 2 bases, fewer than"):
        motif.scan(["ACGTACGT", "AC"])


@pytest.mark.parametrize(
    "counts, match",
    [
        ([0.25, 0.25, 0.25, 0.25], r"shape \(width, 4\).*got shape \(4,\)"),
        (np.ones((3, 5)), r"got shape \(3, 5\)"),
        (np.ones((0, 4)), r"got shape \(0, 4\)"),
        ([[1, 0, -1, 0]], r"non-negative; got -1.0 at position 0, base G"),
        ([[1, 0, 0, np.nan]], "at position 0, base T"),
    ],
)
def test_bad_counts_raise(counts, match):
    with pytest.raises(ValueError, match=match):
        Motif(counts)


def test_bad_parameters_raise():
    with pytest.raises(TypeError, match="numeric array-like"):
        Motif([["a", "b", "c", "d"]])
    with pytest.raises(ValueError, match="without whitespace"):
        Motif(COUNTS, name="two words")
    with pytest.raises(TypeError, match="name must be a str"):
        Motif(COUNTS, name=3)
    with pytest.raises(ValueError, match="sum to 1"):
        Motif(COUNTS, background=[0.5, 0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match="4 positive frequencies"):
        Motif(COUNTS, background=[0.5, 0.5, 0])
    with pytest.raises(ValueError, match="pseudocount == -1, must be >= 0"):
        Motif(COUNTS, pseudocount=-1)
    with pytest.raises(ValueError, match="Site 1 has strand 0"):
        Motif(COUNTS, sites=[(0, 1, 1), (1, 2, 0)])
    with pytest.raises(ValueError, match="Site 0 is the string 'ACG' of length 3"):
        Motif(COUNTS, sites=[(0, 1, 1, 0.0, "ACG")])
    with pytest.raises(ValueError, match="a site is"):
        Motif(COUNTS, sites=[(0, 1)])
    with pytest.raises(ValueError, match="shape"):
        Motif(COUNTS).scan(np.zeros((2, 10, 5)))


def test_sites_from_a_structured_array():
    sites = np.array(
        [(2, 5, -1)], dtype=[("sequence", int), ("start", int), ("strand", int)]
    )
    motif = Motif(COUNTS, sites=sites)
    assert motif.sites[["sequence", "start", "strand"]].tolist() == [(2, 5, -1)]
    assert np.isnan(motif.sites["score"][0]) and motif.sites["site"][0] == ""
    assert motif.nsites == 1
    with pytest.raises(ValueError, match="missing"):
        Motif(COUNTS, sites=np.zeros(1, dtype=[("sequence", int)]))


# ------------------------------------------------------------------ MEME
def test_meme_round_trip_as_text_and_file(tmp_path):
    rng = np.random.default_rng(0)
    first = Motif(rng.integers(0, 50, size=(7, 4)) + 1, name="first")
    second = Motif(rng.dirichlet(np.ones(4), size=12), name="second.2")
    text = write_meme([first, second])
    assert text.startswith("MEME version 4\n\nALPHABET= ACGT\n\nstrands: + -\n")
    assert "letter-probability matrix: alength= 4 w= 7 nsites= " in text
    for source in (text, io.StringIO(text)):
        read = read_meme(source)
        assert [m.name for m in read] == ["first", "second.2"]
        for original, back in zip([first, second], read, strict=True):
            np.testing.assert_allclose(back.pfm, original.pfm, atol=1e-6)
            assert back.nsites == pytest.approx(original.nsites)
    path = tmp_path / "motifs.meme"
    assert write_meme(first, path) is None
    assert path.read_text() == first.to_meme()
    [back] = read_meme(path)
    [back_str] = read_meme(str(path))
    np.testing.assert_allclose(back.pfm, first.pfm, atol=1e-6)
    np.testing.assert_allclose(back.counts, back_str.counts)
    buffer = io.StringIO()
    write_meme([second], buffer)
    assert buffer.getvalue() == second.to_meme()


def test_meme_background_round_trip_and_meme_suite_extras():
    motif = Motif(COUNTS, name="m", background=[0.3, 0.2, 0.2, 0.3])
    [back] = read_meme(write_meme(motif))
    np.testing.assert_allclose(back.background, [0.3, 0.2, 0.2, 0.3])
    # what MEME itself writes: a version with a patch level, an alternative
    # name, a URL, a log-odds block and a background split over lines
    text = """MEME version 5.5.4

ALPHABET= ACGT

strands: +

Background letter frequencies
A 0.29 C 0.21
G 0.21 T 0.29

MOTIF CTCF MA0139.1
URL http://jaspar.genereg.net/matrix/MA0139.1
log-odds matrix: alength= 4 w= 2 E= 0
  1.2 -1.0 -1.0 0.1
  1.2 -1.0 -1.0 0.1

letter-probability matrix: alength= 4 w= 2 nsites= 20 E= 1.2e-10
  0.1  0.2  0.3  0.4
  0.7  0.1  0.1  0.1

MOTIF second
letter-probability matrix: alength= 4 w= 1
0.25 0.25 0.25 0.25
"""
    ctcf, second = read_meme(text)
    assert ctcf.name == "CTCF" and ctcf.nsites == 20
    np.testing.assert_allclose(ctcf.pfm, [[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.1, 0.1]])
    np.testing.assert_allclose(ctcf.background, [0.29, 0.21, 0.21, 0.29])
    assert second.width == 1


HEADER = "MEME version 4\n\nALPHABET= ACGT\n\n"
MATRIX = HEADER + "MOTIF m\nletter-probability matrix: "
MALFORMED = [
    ("MOTIF m\n", 1, "must start with 'MEME version 4'"),
    ("\n\nMEME\n", 3, "must start with"),
    ("MEME version 4\nALPHABET= ACDEFGHIKLMNPQRSTVWY\n", 2, "only the DNA alphabet"),
    (HEADER + "Background letter frequencies\n\nA 0.3 C x G 0.2 T 0.3\n", 7, "A p C p"),
    (HEADER + "MOTIF\n", 5, "needs a name"),
    (HEADER + "MOTIF m\nMOTIF n\n", 5, "no 'letter-probability matrix:'"),
    (MATRIX + "alength= 20 w= 1\n", 6, "alength= must be 4"),
    (MATRIX + "w= x\n", 6, "w= must be a number"),
    (MATRIX + "w= 1.5\n", 6, "positive integer"),
    (MATRIX + "w= 2\n0.1 0.2 0.3 0.4\n", 7, "declares w= 2, but the file ends"),
    (
        MATRIX + "w= 2\n0.1 0.2 0.3 0.4\nMOTIF n\n",
        8,
        "but line 8 is not a row of numbers after 1 rows",
    ),
    (MATRIX + "w= 1\n0.1 0.2 0.3\n", 7, "expected 4 probabilities"),
    (MATRIX + "w= 1\n0.1 0.2 x 0.4\n", 7, "must be numbers"),
    (MATRIX + "w= 1\n0.5 0.2 0.3 0.4\n", 7, "sum to 1"),
    (MATRIX + "\n\n", 6, "no matrix rows"),
    (HEADER, 4, "holds no 'MOTIF'"),
]


@pytest.mark.parametrize("text, line, match", MALFORMED)
def test_malformed_meme_raises_with_line_number(text, line, match):
    with pytest.raises(ValueError, match=rf"line {line}: .*{match}"):
        read_meme(text)


def test_write_meme_errors():
    with pytest.raises(ValueError, match="at least one motif"):
        write_meme([])
    with pytest.raises(TypeError, match="Motif 1 is a list"):
        write_meme([Motif(COUNTS), [[1, 0, 0, 0]]])
    with pytest.raises(ValueError, match="one background"):
        write_meme(
            [Motif(COUNTS), Motif(COUNTS, name="b", background=[0.4, 0.1, 0.1, 0.4])]
        )
    with pytest.raises(TypeError, match="path, a text file or the text"):
        read_meme(3)


def test_import_does_not_load_tensorflow():
    code = "import sys, dnacnn.motifs; sys.exit('tensorflow' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# ------------------------------------------------- discover_motif, no Keras
class LookupCNN(DNACNNClassifier):
    """A DNACNNClassifier that predicts the training labels of the sequences it
    has seen (0 for others), without building a Keras network."""

    def fit(self, X, y):
        X = self._validate_data(X, reset=True)[0]  # sets input_shape_, as fit does
        self.classes_ = np.unique(y)
        self.labels_ = {x.tobytes(): label for x, label in zip(X, y, strict=True)}
        self.model_ = None
        return self

    def predict(self, X):
        X = np.asarray(X, dtype=np.float32)
        return np.array([self.labels_.get(x.tobytes(), self.classes_[0]) for x in X])


SITE = "TGACTCATCG"


def planted_attributions(monkeypatch, calls):
    """Replace saliency by attributions that point roughly at SITE.

    discover_motif explains the classifier on one-hot input, so the scores are
    an array (n_samples, L), zero where the encoder padded on the right.
    """

    def fake_saliency(estimator, X, **kwargs):
        calls.append(kwargs)
        rng = np.random.default_rng(0)
        out = np.zeros(X.shape[:2], dtype=np.float32)
        for i, seq in enumerate(decode_one_hot(X)):
            scores = rng.normal(0, 0.3, len(seq))
            for text in (SITE, reverse_complement(SITE)):
                j = seq.find(text)
                if j >= 0:
                    scores[j + 2 : j + 8] += 1  # part of the site only
            out[i, : len(seq)] = scores
        return out

    monkeypatch.setattr(dnacnn.interpret, "saliency", fake_saliency)


@pytest.fixture
def planted(monkeypatch):
    negatives = random_sequences(30, 40, seed=5)
    positives, starts, strands = plant(random_sequences(60, 40, seed=4), SITE, seed=6)
    X = np.array(negatives + positives, dtype=object)
    y = np.r_[np.zeros(30, int), np.ones(60, int)]
    calls = []
    planted_attributions(monkeypatch, calls)
    return X, y, np.r_[np.full(30, -1), starts], np.r_[np.zeros(30), strands], calls


@pytest.mark.parametrize("input_kind", ["pipeline", "classifier"])
def test_discover_motif_aligns_sites_on_both_strands(planted, input_kind):
    X, y, starts, strands, calls = planted
    if input_kind == "pipeline":
        model = make_pipeline(DNAOneHotTransformer(), LookupCNN()).fit(X, y)
    else:
        X = one_hot_encode(X)
        model = LookupCNN().fit(X, y)
    motif = discover_motif(
        model, X, both_strands=True, seed_width=20, name="ap1", method="gradient"
    )
    assert calls[0]["method"] == "gradient" and calls[0]["target"] == 1
    assert motif.name == "ap1"
    if motif.consensus != SITE:
        motif = motif.reverse_complement()
    assert motif.consensus == SITE
    sites = motif.sites
    np.testing.assert_array_equal(sites["sequence"], np.arange(30, 90))  # in X
    np.testing.assert_array_equal(sites["start"], starts[30:])
    np.testing.assert_array_equal(sites["strand"], strands[30:])
    assert set(sites["site"]) == {SITE}
    np.testing.assert_array_equal(
        motif.counts, Motif.from_sequences([SITE] * 60).counts
    )


def test_discover_motif_forward_strand_only_and_fixed_width(planted):
    X, y, starts, strands, _ = planted
    model = make_pipeline(DNAOneHotTransformer(), LookupCNN()).fit(X, y)
    motif = discover_motif(model, X, seed_width=20, width=8)
    assert motif.width == 8
    assert (motif.sites["strand"] == 1).all()
    forward = strands[motif.sites["sequence"]] == 1
    # the forward sites are found, at the part of SITE the width keeps
    offset = SITE.find(motif.consensus)
    assert offset >= 0
    found = motif.sites["start"] - offset == starts[motif.sites["sequence"]]
    assert found[forward].mean() > 0.95
    # variable lengths: sites stay in each sequence's own coordinates
    short = np.array([s[: 30 + i % 10] for i, s in enumerate(X)], dtype=object)
    model = make_pipeline(DNAOneHotTransformer(), LookupCNN()).fit(short, y)
    motif = discover_motif(model, short, seed_width=20)
    for s in motif.sites:
        seq = short[s["sequence"]]
        assert 0 <= s["start"] <= len(seq) - motif.width
        assert seq[s["start"] : s["start"] + motif.width] == s["site"]


def test_discover_motif_errors(planted):
    X, y, *_ = planted
    model = make_pipeline(DNAOneHotTransformer(), LookupCNN()).fit(X, y)
    with pytest.raises(ValueError, match="predicts none of the 30 sequences"):
        discover_motif(model, X[:30])
    with pytest.raises(ValueError, match=r"fewer than the width of width=41 \(41\)"):
        discover_motif(model, X, width=41)
    with pytest.raises(ValueError, match="target 2 is not one of the classes"):
        discover_motif(model, X, target=2)
    with pytest.raises(ValueError, match="max_iter == 0, must be >= 1"):
        discover_motif(model, X, max_iter=0)
    with pytest.raises(NotFittedError):
        discover_motif(make_pipeline(DNAOneHotTransformer(), LookupCNN()), X)
    with pytest.raises(
        TypeError, match="last step of the Pipeline is LogisticRegression"
    ):
        discover_motif(make_pipeline(LogisticRegression()), X)
    three = LookupCNN().fit(one_hot_encode(X), y % 3 + np.arange(90) % 2)
    with pytest.raises(ValueError, match="target is required with 3 classes"):
        discover_motif(three, one_hot_encode(X))
    with pytest.raises(ValueError, match="did not align into a motif"):
        discover_motif(model, X, seed_width=20, min_information=2.5)


# ------------------------------------------------------- with a real network
def set_filters(classifier, filters):
    """Give the first Conv1D the one-hot ``filters`` as weights, bias 0."""
    import keras

    layers = classifier.model_.layers
    conv = next(layer for layer in layers if isinstance(layer, keras.layers.Conv1D))
    kernel = np.stack([one_hot_encode(f, dtype=np.float32) for f in filters], axis=-1)
    conv.set_weights([kernel, np.zeros(len(filters), dtype=np.float32)])


def expected_filter_sites(seqs, pattern, threshold, pad_left):
    """Plain loop: windows (original coordinates) with matches > threshold * max."""
    k = len(pattern)
    rows = []
    for i, seq in enumerate(seqs):
        for start in range(-pad_left[i], len(seq) - k + 1):
            matches = sum(
                0 <= start + j < len(seq) and seq[start + j] == pattern[j]
                for j in range(k)
            )
            rows.append((i, start, matches))
    top = max(m for *_, m in rows)
    return [(i, s) for i, s, m in rows if m > threshold * top]


@pytest.fixture(scope="module")
def tiny_classifier():
    from dnacnn import DNACNNClassifier

    seqs = random_sequences(16, 20, seed=7)
    clf = DNACNNClassifier(filters=3, kernel_size=4, epochs=1, random_state=0)
    return clf.fit(one_hot_encode(seqs), np.arange(16) % 2)


def test_filter_motifs_collects_the_windows_above_threshold(
    tiny_classifier, monkeypatch
):
    seqs = random_sequences(12, 20, seed=8)
    seqs[3] = seqs[3][:5] + "ACGT" + seqs[3][9:]
    X = one_hot_encode(seqs)
    # filter 1 never fires (all weights -1 after relu: activation 0)
    set_filters(tiny_classifier, ["ACGT", "NNNN", "GGCA"])
    conv = tiny_classifier.model_.layers[0]
    kernel, bias = conv.get_weights()
    kernel[:, :, 1] = -1
    conv.set_weights([kernel, bias])
    motifs = filter_motifs(tiny_classifier, X, threshold=0.5)
    assert [m.name for m in motifs] == ["filter0", "filter2"]
    for motif, pattern in zip(motifs, ["ACGT", "GGCA"], strict=True):
        expected = expected_filter_sites(seqs, pattern, 0.5, [0] * 12)
        assert motif.sites[["sequence", "start"]].tolist() == expected
        assert (motif.sites["strand"] == 1).all()
        assert motif.width == 4
        for s in motif.sites:
            assert seqs[s["sequence"]][s["start"] : s["start"] + 4] == s["site"]
        np.testing.assert_array_equal(
            motif.counts, Motif.from_sequences(motif.sites["site"]).counts
        )
    assert motifs[0].sites["score"].max() == pytest.approx(4)
    # the same when the activations are computed again in small batches
    monkeypatch.setattr("dnacnn.motifs._discover.KEEP_ACTIVATIONS", 0)
    again = filter_motifs(tiny_classifier, X, threshold=0.5, batch_size=5)
    for a, b in zip(motifs, again, strict=True):
        assert a.sites.tolist() == b.sites.tolist()
        np.testing.assert_array_equal(a.counts, b.counts)
    assert len(filter_motifs(tiny_classifier, X, min_sites=1000)) == 0
    with pytest.raises(ValueError, match="threshold == 2, must be <= 1"):
        filter_motifs(tiny_classifier, X, threshold=2)
    with pytest.raises(ValueError, match=r"fitted on sequences of shape \(20, 4\)"):
        filter_motifs(tiny_classifier, X[:, :10])


def test_filter_motifs_of_a_pipeline_use_original_coordinates():
    from dnacnn import DNACNNClassifier

    seqs = random_sequences(10, 20, seed=9)
    seqs = [s[: 12 + i] for i, s in enumerate(seqs)]  # lengths 12..21
    seqs[4] = "ACGT" + seqs[4][4:]
    model = make_pipeline(
        DNAOneHotTransformer(padding="left"),
        DNACNNClassifier(filters=1, kernel_size=4, epochs=1, random_state=0),
    ).fit(seqs, np.arange(10) % 2)
    set_filters(model[-1], ["ACGT"])
    [motif] = filter_motifs(model, seqs, threshold=0.6)
    pad = [21 - len(s) for s in seqs]
    assert motif.sites[["sequence", "start"]].tolist() == expected_filter_sites(
        seqs, "ACGT", 0.6, pad
    )
    for s in motif.sites:
        seq = seqs[s["sequence"]]
        read = "".join(
            seq[j] if j >= 0 else "N" for j in range(s["start"], s["start"] + 4)
        )
        assert read == s["site"]
    with pytest.raises(NotFittedError):
        filter_motifs(make_pipeline(DNAOneHotTransformer(), DNACNNClassifier()), seqs)


@pytest.fixture(scope="module")
def primer_model(primer_data):
    from dnacnn import DNACNNClassifier

    X_train, _, y_train, _ = train_test_split(
        primer_data.sequences, primer_data.target, test_size=0.25, random_state=42
    )
    model = make_pipeline(DNAOneHotTransformer(), DNACNNClassifier(random_state=0))
    return model.fit(X_train, y_train), X_train, y_train


@pytest.mark.slow
def test_discover_motif_finds_the_primer_motif(primer_model):
    model, X, y = primer_model
    motif = discover_motif(model, X)
    assert motif.consensus == PRIMER_MOTIF
    planted = np.array([s.find(PRIMER_MOTIF) for s in X])
    sites = motif.sites
    found = np.zeros(len(X), dtype=bool)
    found[sites["sequence"]] = (sites["start"] == planted[sites["sequence"]]) & (
        sites["strand"] == 1
    )
    assert found[y == 1].mean() >= 0.95
    # the classifier on one-hot input finds the same sites
    same = discover_motif(model[-1], model[0].transform(X))
    assert same.sites.tolist() == motif.sites.tolist()
    assert read_meme(motif.to_meme())[0].consensus == PRIMER_MOTIF


@pytest.mark.slow
def test_a_filter_of_the_primer_model_holds_the_motif(primer_model):
    model, X, y = primer_model
    motifs = filter_motifs(model, X)
    assert motifs and all(m.width == 19 for m in motifs)

    def matches(consensus):
        return max(
            sum(
                a == b for a, b in zip(consensus[o : o + 12], PRIMER_MOTIF, strict=True)
            )
            for o in range(len(consensus) - 11)
        )

    # A filter of an untrained network also collects some windows holding the
    # motif (the only recurring element of the data); a trained one fires on
    # it almost only in positives, and in nearly every positive (measured,
    # random_state 0-2 untrained: at most 75% of a filter's sites are in
    # positives; trained: 15-18 filters with 100%).
    positives = np.flatnonzero(y == 1)
    good = [
        m
        for m in motifs
        if matches(m.consensus) >= 11 and y[m.sites["sequence"]].mean() >= 0.95
    ]
    assert good
    coverage = max(np.isin(positives, m.sites["sequence"]).mean() for m in good)
    assert coverage >= 0.9


@pytest.fixture(scope="module")
def planted_pwm():
    rng = np.random.default_rng(0)
    return rng.dirichlet(np.full(4, 0.5), size=14)


@pytest.mark.slow
@pytest.mark.parametrize("both_strands", [False, True])
def test_discover_motif_recovers_a_planted_pwm(planted_pwm, both_strands):
    from dnacnn import DNACNNClassifier

    X, y, _ = make_motif_dataset(
        2000, 200, motif=planted_pwm, both_strands=both_strands, random_state=0
    )
    model = make_pipeline(
        DNAOneHotTransformer(), DNACNNClassifier(epochs=30, random_state=0)
    ).fit(X, y)
    motif = discover_motif(model, X, both_strands=both_strands)
    assert motif.width >= 12
    # measured: r = 0.999 (forward) and 0.994 (both strands), 14 positions
    assert best_alignment_r(motif.pfm, planted_pwm, min_overlap=12) > 0.95
