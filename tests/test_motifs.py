"""Motif and discover_motif without Keras.

MEME files: test_meme.py; real networks: test_motifs_network.py.
"""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

import dnacnn.interpret
from dnacnn import (
    DNACNNClassifier,
    DNAOneHotTransformer,
    one_hot_encode,
)
from dnacnn.motifs import Motif, discover_motif
from dnacnn.preprocessing import decode_one_hot, reverse_complement


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


def test_slicing_keeps_positions_and_moves_sites():
    seqs = random_sequences(2, 20, seed=3)
    seqs[1] = seqs[1][:6] + reverse_complement("GATTACA") + seqs[1][13:]
    seqs[0] = seqs[0][:2] + "GATTACA" + seqs[0][9:]
    motif = Motif.from_sequences(["GATTACA"] * 2, sites=[(0, 2, 1), (1, 6, -1)])
    for inner in (motif[2:5], motif[-5:-2]):
        assert inner.consensus == "TTA"
        np.testing.assert_array_equal(inner.counts, motif.counts[2:5])
        for s in inner.sites:  # the sites still cover the same bases
            window = seqs[s["sequence"]][s["start"] : s["start"] + 3]
            read = window if s["strand"] == 1 else reverse_complement(window)
            assert read == "TTA"
    assert motif[:].consensus == "GATTACA"
    with pytest.raises(TypeError, match="indexed with a slice"):
        motif[0]
    for key in (slice(5, 2), slice(0, 7, 2), slice(9, None)):
        with pytest.raises(ValueError, match="must keep at least one position"):
            motif[key]


def test_parameters_of_the_wrong_type_raise_type_errors():
    with pytest.raises(TypeError, match="pseudocount must be a number, got str"):
        Motif(COUNTS, pseudocount="0.1")
    with pytest.raises(TypeError, match="min_information must be a number"):
        Motif(COUNTS).trim(None)
    with pytest.raises(ValueError, match="strand must be one of '\\+', '-', 1, -1"):
        Motif(COUNTS).score(["ACGTACGT"], strand=True)


def test_public_names_stay_importable():
    import dnacnn
    import dnacnn.motifs

    for name in ("Motif", "discover_motif", "filter_motifs", "read_meme", "write_meme"):
        assert getattr(dnacnn, name) is getattr(dnacnn.motifs, name)
        assert name in dnacnn.motifs.__all__


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


def test_discover_motif_places_sites_in_what_the_encoder_received(planted):
    # regression: the sites were read from the raw X, not from the output of
    # the steps before the encoder, so they came out 3 bases off
    X, y, starts, strands, _ = planted
    raw = np.array(["ACG" + s for s in X], dtype=object)
    strip = FunctionTransformer(lambda X: [s[3:] for s in X])
    model = make_pipeline(strip, DNAOneHotTransformer(), LookupCNN()).fit(raw, y)
    motif = discover_motif(model, raw, both_strands=True, seed_width=20)
    if motif.consensus != SITE:
        motif = motif.reverse_complement()
    assert motif.consensus == SITE
    np.testing.assert_array_equal(motif.sites["sequence"], np.arange(30, 90))
    np.testing.assert_array_equal(motif.sites["start"], starts[30:])
    for s in motif.sites:
        window = X[s["sequence"]][s["start"] : s["start"] + len(SITE)]
        assert (window if s["strand"] == 1 else reverse_complement(window)) == SITE


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
    with pytest.raises(TypeError, match="max_iter must be an int, got float"):
        discover_motif(model, X, max_iter=2.0)
    with pytest.raises(TypeError, match="min_information must be a number"):
        discover_motif(model, X, min_information="0.3")
    with pytest.raises(ValueError, match="method must be one of 'gradient'"):
        discover_motif(model, X, method="saliency")
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
