"""dnacnn.datasets._simulate: make_motif_dataset, the planted-motif simulator."""

from __future__ import annotations

import numpy as np
import pytest
from motif_sites import occurrences, revcomp

from dnacnn.datasets import make_motif_dataset

MOTIF = "CGACCGAACTCC"


def test_make_motif_dataset_returns_X_y_unless_asked_for_more():
    # as scikit-learn's make_* functions: (X, y), the rest only when asked
    X, y = make_motif_dataset(400)
    assert X.shape == y.shape == (400,)
    X2, y2, positions = make_motif_dataset(400, return_positions=True, random_state=0)
    np.testing.assert_array_equal(X2, make_motif_dataset(400, random_state=0)[0])
    assert positions.shape == (400,)
    X3, y3, strands = make_motif_dataset(400, return_strands=True, random_state=0)
    np.testing.assert_array_equal(X3, X2)
    np.testing.assert_array_equal(strands, y2)  # forward strand only: +1 or 0
    *_, positions4, strands4 = make_motif_dataset(
        400, return_positions=True, return_strands=True, random_state=0
    )
    np.testing.assert_array_equal(positions4, positions)
    np.testing.assert_array_equal(strands4, strands)


def test_make_motif_dataset_shapes_and_dtypes():
    X, y, positions = make_motif_dataset(
        n_samples=101, length=40, return_positions=True, random_state=0
    )
    for array in (X, y, positions):
        assert array.shape == (101,)
    assert X.dtype == object
    assert all(type(s) is str and len(s) == 40 and set(s) <= set("ACGT") for s in X)
    assert y.dtype == np.int64 and set(np.unique(y)) == {0, 1}
    assert positions.dtype == np.int64
    assert y.sum() == round(101 * 0.5)


@pytest.mark.parametrize(
    ("n_samples", "fraction", "expected"),
    [(2000, 0.5, 1000), (10, 0.33, 3), (7, 0.0, 0), (7, 1.0, 7), (1, 0.5, 0)],
)
def test_make_motif_dataset_exact_positive_count(n_samples, fraction, expected):
    _, y, positions = make_motif_dataset(
        n_samples,
        length=20,
        motif="ACGTAC",
        positive_fraction=fraction,
        return_positions=True,
        random_state=1,
    )
    assert y.sum() == expected
    assert np.all((positions >= 0) == (y == 1))


def test_make_motif_dataset_is_shuffled():
    _, y = make_motif_dataset(200, random_state=0)
    assert 0 < y[:100].sum() < 100


def test_make_motif_dataset_motif_once_in_positives_absent_in_negatives():
    X, y, positions = make_motif_dataset(2000, return_positions=True, random_state=3)
    for sequence, label, position in zip(X, y, positions, strict=True):
        if label:
            assert occurrences(sequence, MOTIF) == [position]
        else:
            assert position == -1
            assert MOTIF not in sequence
    planted = positions[y == 1]
    # Uniform start over the 50 - 12 + 1 = 39 positions.
    assert planted.min() == 0 and planted.max() == 38


def test_make_motif_dataset_short_motif_resamples_background():
    # "ACG" appears by chance in about half of random 50-mers: the resampling
    # must remove every accidental occurrence.
    X, y, positions = make_motif_dataset(
        300, motif="acg", return_positions=True, random_state=0
    )
    for sequence, label, position in zip(X, y, positions, strict=True):
        assert occurrences(sequence, "ACG") == ([position] if label else [])


def test_make_motif_dataset_gc_content():
    X, _ = make_motif_dataset(
        2000, length=100, positive_fraction=0.0, gc_content=0.7, random_state=0
    )
    text = "".join(X)
    gc = (text.count("G") + text.count("C")) / len(text)
    assert gc == pytest.approx(0.7, abs=0.005)
    assert text.count("G") / len(text) == pytest.approx(0.35, abs=0.005)
    assert text.count("A") / len(text) == pytest.approx(0.15, abs=0.005)


def test_make_motif_dataset_gc_content_extremes():
    X, _ = make_motif_dataset(
        20, length=30, motif="ATTA", gc_content=0.0, random_state=0
    )
    assert set("".join(X)) == {"A", "T"}


def test_make_motif_dataset_random_state():
    first = make_motif_dataset(
        300,
        random_state=42,
        return_positions=True,
        return_strands=True,
        both_strands=True,
    )
    second = make_motif_dataset(
        300,
        random_state=42,
        return_positions=True,
        return_strands=True,
        both_strands=True,
    )
    other = make_motif_dataset(
        300,
        random_state=43,
        return_positions=True,
        return_strands=True,
        both_strands=True,
    )
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])

    from_instance = make_motif_dataset(300, random_state=np.random.RandomState(42))
    np.testing.assert_array_equal(
        from_instance[0], make_motif_dataset(300, random_state=42)[0]
    )


def test_make_motif_dataset_return_strands_forward_only():
    X, y, positions, strands = make_motif_dataset(
        200, random_state=0, return_positions=True, return_strands=True
    )
    assert strands.dtype == np.int64
    np.testing.assert_array_equal(strands, y)  # +1 for positives, 0 otherwise


def test_make_motif_dataset_both_strands():
    rc = revcomp(MOTIF)
    X, y, positions, strands = make_motif_dataset(
        2000,
        both_strands=True,
        return_positions=True,
        return_strands=True,
        random_state=0,
    )
    assert set(np.unique(strands[y == 1])) == {-1, 1}
    assert np.all(strands[y == 0] == 0)
    assert np.mean(strands[y == 1] == -1) == pytest.approx(0.5, abs=0.05)
    for sequence, label, position, strand in zip(X, y, positions, strands, strict=True):
        forward = occurrences(sequence, MOTIF)
        reverse = occurrences(sequence, rc)
        if label:
            site = MOTIF if strand == 1 else rc
            assert sequence[position : position + len(MOTIF)] == site
            assert sorted(set(forward + reverse)) == [position]
        else:
            assert forward == [] and reverse == []


def test_make_motif_dataset_pwm_sites_follow_the_pwm():
    pwm = np.array(
        [
            [0.7, 0.1, 0.1, 0.1],
            [0.0, 1.0, 0.0, 0.0],
            [0.25, 0.25, 0.25, 0.25],
            [0.1, 0.2, 0.3, 0.4],
            [0.5, 0.0, 0.5, 0.0],
            [0.0, 0.0, 0.0, 1.0],
        ]
    )
    X, y, positions = make_motif_dataset(
        4000,
        length=30,
        motif=pwm.tolist(),
        positive_fraction=1.0,
        return_positions=True,
        random_state=0,
    )
    sites = [s[p : p + 6] for s, p in zip(X, positions, strict=True)]
    assert len(set(sites)) > 50  # a fresh site per sequence
    counts = np.array([[site[j] for site in sites] for j in range(6)])
    frequencies = np.stack([(counts == base).mean(axis=1) for base in "ACGT"], axis=1)
    np.testing.assert_allclose(frequencies, pwm, atol=0.03)
    # Zero-probability bases never appear.
    assert frequencies[1, 1] == 1.0 and frequencies[5, 3] == 1.0
    # The consensus (row argmax, first on ties) "ACATAT" never occurs elsewhere.
    for sequence, position in zip(X, positions, strict=True):
        assert set(occurrences(sequence, "ACATAT")) <= {position}


def test_make_motif_dataset_pwm_negatives_lack_consensus():
    pwm = np.full((3, 4), 0.1)
    pwm[np.arange(3), [2, 0, 3]] = 0.7  # consensus "GAT"
    X, y = make_motif_dataset(500, length=30, motif=pwm, random_state=0)
    assert all("GAT" not in s for s in X[y == 0])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"motif": ""}, ValueError, "motif is empty"),
        ({"motif": np.zeros((0, 4))}, ValueError, "motif is empty"),
        ({"motif": "ACGTNA"}, ValueError, r"Invalid character 'N' at position 4"),
        ({"motif": "acgu"}, ValueError, r"Invalid character 'u' at position 3"),
        ({"motif": "A" * 13, "length": 12}, ValueError, "13 bases long but length=12"),
        ({"motif": b"ACGT"}, TypeError, "motif must be a str"),
        ({"motif": object()}, TypeError, "motif must be a str"),
        ({"motif": np.full((3, 5), 0.2)}, ValueError, r"shape \(width, 4\).*\(3, 5\)"),
        ({"motif": [0.25] * 4}, ValueError, r"shape \(width, 4\).*\(4,\)"),
        (
            {"motif": [[0.25] * 4, [1.2, -0.2, 0, 0]]},
            ValueError,
            "Row 1 of the PWM.*non-negative",
        ),
        (
            {"motif": [[0.25] * 4, [0.25] * 4, [0.5, 0.5, 0.5, 0]]},
            ValueError,
            "Row 2 of the PWM.*sums to 1.5",
        ),
        ({"motif": [[np.nan, 0.5, 0.5, 0]]}, ValueError, "Row 0 of the PWM"),
        ({"gc_content": 1.5}, ValueError, r"gc_content == 1.5, must be <= 1.0"),
        ({"gc_content": float("nan")}, ValueError, "gc_content must be a finite"),
        ({"gc_content": "0.5"}, TypeError, "gc_content must be a number, got str"),
        ({"gc_content": True}, TypeError, "gc_content must be a number, got bool"),
        (
            {"positive_fraction": -0.1},
            ValueError,
            r"positive_fraction == -0.1, must be >= 0.0",
        ),
        ({"n_samples": 0}, ValueError, r"n_samples == 0, must be >= 1\."),
        ({"n_samples": 10.0}, TypeError, "n_samples must be an int, got float 10.0"),
        ({"n_samples": np.int64(0)}, ValueError, "n_samples == 0, must be >= 1"),
        ({"length": 0}, ValueError, r"length == 0, must be >= 1\."),
        ({"length": False}, TypeError, "length must be an int, got bool"),
    ],
)
def test_make_motif_dataset_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_motif_dataset(**{"n_samples": 10, **kwargs})


def test_make_motif_dataset_impossible_background_errors():
    # With gc_content=1 every background base is C or G, so a negative can never
    # avoid "C" and "G" on both strands.
    with pytest.raises(ValueError, match="still contain the motif by chance"):
        make_motif_dataset(
            5,
            length=10,
            motif="C",
            gc_content=1.0,
            both_strands=True,
            random_state=0,
        )
