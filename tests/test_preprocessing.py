"""DNAOneHotTransformer, one_hot_encode, decode_one_hot, reverse_complement."""

import pickle
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import config_context
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import LabelEncoder, OneHotEncoder
from sklearn.utils import estimator_checks

from dnacnn import (
    DNAOneHotTransformer,
    decode_one_hot,
    fetch_primer,
    one_hot_encode,
    reverse_complement,
)

IUPAC = {
    "R": "AG",
    "Y": "CT",
    "S": "CG",
    "W": "AT",
    "K": "GT",
    "M": "AC",
    "B": "CGT",
    "D": "AGT",
    "H": "ACT",
    "V": "ACG",
    "N": "ACGT",
}


def reference_encode(seqs, alphabet="ACGT", length=None, fractional=False):
    """A plain per-base loop: the specification the fast encoder must match."""
    length = length or max(map(len, seqs))
    out = np.zeros((len(seqs), length, len(alphabet)))
    for i, seq in enumerate(seqs):
        for j, char in enumerate(seq.upper()):
            if char in alphabet:
                out[i, j, alphabet.index(char)] = 1
            elif fractional and char in IUPAC:
                for base in IUPAC[char]:
                    out[i, j, alphabet.index(base)] = 1 / len(IUPAC[char])
    return out


def random_sequences(n, length, seed=0, letters="ACGT"):
    rng = np.random.default_rng(seed)
    chars = np.frombuffer(letters.encode(), dtype=np.uint8)
    codes = chars[rng.integers(0, len(letters), size=(n, length))]
    return [row.tobytes().decode() for row in codes]


# ------------------------------------------------------------------ values
def test_one_hot_values_and_channel_order():
    X = DNAOneHotTransformer().fit_transform(["ACGT", "acgt"])
    assert X.dtype == np.float32
    assert X.shape == (2, 4, 4)
    np.testing.assert_array_equal(X[0], np.eye(4))
    np.testing.assert_array_equal(X[1], np.eye(4))


@pytest.mark.parametrize("length", [50, 51, 1, 2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.uint8])
def test_matches_reference_encoding(length, dtype):
    seqs = random_sequences(3000, length, seed=length, letters="ACGTNacgtnRY")
    X = DNAOneHotTransformer(dtype=dtype).fit_transform(seqs)
    assert X.dtype == dtype
    np.testing.assert_array_equal(X, reference_encode(seqs).astype(dtype))


def test_matches_tutorial_encoder_on_primer_data(primer_cache):
    """The tutorial's LabelEncoder + OneHotEncoder, on its own data."""
    seqs = fetch_primer(data_home=primer_cache, download_if_missing=False).sequences
    X = DNAOneHotTransformer().fit_transform(seqs)
    assert X.shape == (2000, 50, 4) and X.dtype == np.float32
    expected = []
    for seq in seqs[:300]:
        integers = LabelEncoder().fit_transform(list(seq)).reshape(-1, 1)
        expected.append(OneHotEncoder().fit_transform(integers).toarray())
    np.testing.assert_array_equal(X[:300], np.stack(expected))


def test_fractional_ambiguity_codes():
    X = DNAOneHotTransformer(ambiguity="fractional").fit_transform(
        ["".join(IUPAC) + "ACGT"]
    )
    np.testing.assert_allclose(
        X[0], reference_encode(["".join(IUPAC) + "ACGT"], fractional=True)[0]
    )
    np.testing.assert_allclose(X[0].sum(axis=1), 1, rtol=1e-6)


def test_ambiguity_codes_are_zero_by_default():
    X = DNAOneHotTransformer().fit_transform(["".join(IUPAC).lower()])
    assert not X.any()


def test_custom_alphabets():
    X = DNAOneHotTransformer(alphabet="TGCA").fit_transform(["ACGT"])
    np.testing.assert_array_equal(X[0], np.eye(4)[::-1])
    rna = DNAOneHotTransformer(alphabet="ACGU", ambiguity="fractional")
    np.testing.assert_allclose(rna.fit_transform(["UY"])[0, 1], [0, 0.5, 0, 0.5])
    protein = DNAOneHotTransformer(alphabet="ACDEFGHIKLMNPQRSTVWY")
    X = protein.fit_transform(["MKV", "W"])
    assert X.shape == (2, 3, 20)
    assert X[0, 0, "ACDEFGHIKLMNPQRSTVWY".index("M")] == 1
    assert decode_one_hot(X, alphabet=protein.alphabet).tolist() == ["MKV", "W"]
    with pytest.raises(ValueError, match=r"Invalid base 'B' at position 0"):
        protein.transform(["B"])  # not an ambiguity code outside nucleotides


def test_flatten_and_feature_names_feed_a_classical_model():
    seqs = ["AAAACG", "CCCGTA", "AAACCC", "GTGTGT"] * 5
    y = [1, 0, 1, 0] * 5
    enc = DNAOneHotTransformer(flatten=True)
    X = enc.fit_transform(seqs)
    assert X.shape == (20, 24)
    names = enc.get_feature_names_out()
    assert names[:5].tolist() == ["0_A", "0_C", "0_G", "0_T", "1_A"]
    assert len(names) == X.shape[1]
    model = make_pipeline(DNAOneHotTransformer(flatten=True), LogisticRegression())
    assert model.fit(seqs, y).score(seqs, y) == 1.0
    assert model[:-1].get_feature_names_out()[-1] == "5_T"


# ---------------------------------------------------------- lengths, padding
def test_length_is_learned_and_shorter_sequences_are_padded():
    enc = DNAOneHotTransformer().fit(["ACGTA", "AC"])
    assert enc.length_ == 5
    X = enc.transform(["GT"])
    np.testing.assert_array_equal(X[0, :2], np.eye(4)[[2, 3]])
    assert not X[0, 2:].any()


@pytest.mark.parametrize(
    "padding, expected",
    [("right", "AC---"), ("left", "---AC"), ("center", "-AC--")],
)
def test_padding_sides(padding, expected):
    X = DNAOneHotTransformer(length=5, padding=padding).fit_transform(["AC"])
    got = "".join("-" if not row.any() else "ACGT"[row.argmax()] for row in X[0])
    assert got == expected


@pytest.mark.parametrize(
    "truncation, expected",
    [("right", "ACG"), ("left", "GTT"), ("center", "CGT")],
)
def test_truncation_sides(truncation, expected):
    enc = DNAOneHotTransformer(length=3, truncation=truncation)
    assert enc.inverse_transform(enc.fit_transform(["ACGTT"])).tolist() == [expected]


def test_longer_sequence_is_refused_by_default():
    enc = DNAOneHotTransformer().fit(["ACGT"])
    with pytest.raises(ValueError, match=r"Sequence 1 has length 6, longer than "):
        enc.transform(["AC", "ACGTAC"])
    with pytest.raises(ValueError, match="truncation='right'"):
        DNAOneHotTransformer(length=2).fit_transform(["ACG"])


def test_variable_lengths_match_reference_across_chunks():
    rng = np.random.default_rng(1)
    seqs = [s[: rng.integers(1, 41)] for s in random_sequences(5000, 40, seed=2)]
    X = DNAOneHotTransformer(length=41).fit_transform(seqs)
    np.testing.assert_array_equal(X, reference_encode(seqs, length=41))


def test_invalid_character_reported_in_a_late_chunk_with_original_position():
    seqs = random_sequences(4000, 30, seed=3)
    seqs[3999] = seqs[3999][:7] + "x" + seqs[3999][8:]
    with pytest.raises(ValueError, match=r"'x' at position 7 of sequence 3999"):
        DNAOneHotTransformer().fit_transform(seqs)
    enc = DNAOneHotTransformer(length=40, padding="left")
    with pytest.raises(ValueError, match=r"'x' at position 7 of sequence 3999"):
        enc.fit_transform(seqs)


# -------------------------------------------------------------- input kinds
@pytest.mark.parametrize(
    "make",
    [
        list,
        tuple,
        np.array,
        lambda s: np.array(s, dtype=object),
        lambda s: np.array([x.encode() for x in s]),
        lambda s: [x.encode() for x in s],
        lambda s: np.array(s)[:, None],
        pd.Series,
        lambda s: pd.Series(s, dtype="string"),
        lambda s: pd.DataFrame({"sequence": s}),
    ],
    ids=[
        "list",
        "tuple",
        "ndarray-str",
        "ndarray-object",
        "ndarray-bytes",
        "list-bytes",
        "column-vector",
        "series",
        "series-string-dtype",
        "dataframe",
    ],
)
def test_accepted_input_kinds(make):
    seqs = ["ACGTN", "ggca"]
    X = DNAOneHotTransformer().fit_transform(make(seqs))
    np.testing.assert_array_equal(X, reference_encode(seqs))


class Named(str):
    """A str subclass whose str() and repr() are not its characters."""

    def __str__(self):
        return f"sequence {str.__str__(self)}"

    __repr__ = __str__


def test_str_subclasses_and_string_dtype_arrays_are_sequences():
    # Regression: a list of str subclasses was refused as "mixing str and
    # bytes", a StringDType array as "a numeric array".
    seqs = ["ACGTN", "ggca"]
    expected = reference_encode(seqs)
    named = [Named(s) for s in seqs]
    string_dtype = np.array(seqs, dtype=np.dtypes.StringDType())
    object_array = np.empty(2, dtype=object)
    object_array[:] = named
    padded = np.pad(expected, [(0, 0), (1, 0), (0, 0)])
    padded[1] = np.roll(padded[1], 1, axis=0)  # "ggca" gets two padding positions
    for X in (named, object_array, string_dtype):
        enc = DNAOneHotTransformer(length=6, padding="left")
        np.testing.assert_array_equal(enc.fit_transform(X), padded)
        lengths, offsets = enc.get_offsets(X)
        assert lengths.tolist() == [5, 4] and offsets.tolist() == [1, 2]
        np.testing.assert_array_equal(one_hot_encode(X), expected)
        assert list(reverse_complement(X)) == ["NACGT", "tgcc"]
    np.testing.assert_array_equal(one_hot_encode(Named("ACGTN")), expected[0])
    rc = reverse_complement(Named("AAC"))
    assert rc == "GTT" and type(rc) is str
    with pytest.raises(
        ValueError, match="Invalid base 'Z' at position 1 of sequence 1"
    ):
        one_hot_encode([Named("AC"), Named("AZ")])
    with pytest.raises(TypeError, match="mix str and bytes"):
        one_hot_encode([Named("AC"), b"AC"])
    missing = np.array(["AC", None], dtype=np.dtypes.StringDType(na_object=None))
    with pytest.raises(ValueError, match=r"Sequence 1 is missing \(None\)"):
        one_hot_encode(missing)


def test_transform_does_not_modify_its_input():
    seqs = np.array([b"ACGT", b"AC"])
    before = seqs.copy()
    as_list = ["ACGT", "AC"]
    enc = DNAOneHotTransformer(length=4, padding="left")
    enc.fit_transform(seqs)
    enc.transform(as_list)
    np.testing.assert_array_equal(seqs, before)
    assert as_list == ["ACGT", "AC"]


@pytest.mark.parametrize(
    "bad, error, match",
    [
        ("ACGT", TypeError, r"single str 'ACGT'.*\[sequence\]"),
        ([], ValueError, "at least one sequence"),
        (np.array([], dtype=str), ValueError, "at least one sequence"),
        (["ACG", ""], ValueError, "Sequence 1 is an empty string"),
        (["ACG", None], ValueError, r"Sequence 1 is missing \(None\)"),
        (["ACG", float("nan")], ValueError, r"Sequence 1 is missing \(nan\)"),
        (pd.Series(["A", None], dtype="string"), ValueError, "Sequence 1 is missing"),
        (["ACG", 12], TypeError, "Sequence 1 is int 12"),
        ([["A", "C"], ["G", "T"]], TypeError, "Sequence 0 is a list.*nested"),
        (["ACG", b"ACG"], TypeError, "mix str and bytes"),
        (np.zeros((3, 4)), TypeError, "numeric array of dtype float64"),
        (np.array([["AC", "GT"]] * 2), ValueError, r"shape \(2, 2\)"),
        (pd.DataFrame({"a": ["A"], "b": ["C"]}), ValueError, "2 columns"),
        ({"ACG"}, TypeError, "got set"),
        (["ACGT", "ACZT"], ValueError, r"Invalid base 'Z' at position 2 of sequence 1"),
        (["AC\x00G"], ValueError, r"Invalid base '\\x00' at position 2"),
        (["ACé"], ValueError, r"Invalid base 'é' at position 2 of sequence 0"),
        (["AC-"], ValueError, "handle_unknown='ignore'"),
    ],
)
def test_bad_input_gets_a_clear_error(bad, error, match):
    with pytest.raises(error, match=match):
        DNAOneHotTransformer().fit_transform(bad)


def test_handle_unknown_ignore_encodes_zeros():
    X = DNAOneHotTransformer(handle_unknown="ignore").fit_transform(["A-é.T"])
    np.testing.assert_array_equal(X[0].sum(axis=1), [1, 0, 0, 0, 1])


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"alphabet": "AACG"}, ValueError, "repeats a letter"),
        ({"alphabet": "AC1"}, ValueError, "ASCII letters"),
        ({"alphabet": ["A"]}, TypeError, "alphabet must be a str"),
        ({"handle_unknown": "skip"}, ValueError, "handle_unknown must be one of"),
        ({"padding": "both"}, ValueError, "padding must be one of"),
        ({"truncation": True}, ValueError, "truncation must be one of"),
        ({"ambiguity": "uniform"}, ValueError, "ambiguity must be one of"),
        ({"length": 0}, ValueError, "length == 0, must be >= 1"),
        ({"length": 2.5}, TypeError, "length must be an int or None, got float 2.5"),
        ({"length": "10"}, TypeError, "length must be an int or None, got str"),
        ({"flatten": "no"}, TypeError, "flatten must be a bool, got str 'no'"),
        ({"dtype": "U4"}, ValueError, "numeric numpy dtype"),
        ({"dtype": "notatype"}, TypeError, "not a numpy dtype"),
        ({"dtype": np.uint8, "ambiguity": "fractional"}, ValueError, "0.5"),
    ],
)
def test_bad_parameters_are_reported_at_fit(params, error, match):
    enc = DNAOneHotTransformer(**params)  # constructing never raises
    with pytest.raises(error, match=match):
        enc.fit(["ACGT"])


def test_not_fitted():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        DNAOneHotTransformer().transform(["ACGT"])


# ------------------------------------------------------------------ inverse
@pytest.mark.parametrize("padding", ["right", "left", "center"])
def test_inverse_transform_round_trip_removes_padding(padding):
    seqs = ["ACGTNA", "acg", "TNNT", "G"]
    for flatten in (False, True):
        enc = DNAOneHotTransformer(length=8, padding=padding, flatten=flatten)
        decoded = enc.inverse_transform(enc.fit_transform(seqs))
        assert decoded.tolist() == [s.upper() for s in seqs]


def test_decode_ties_become_iupac_codes_and_zeros_n():
    X = one_hot_encode(["ARYN"], ambiguity="fractional")
    assert decode_one_hot(X).tolist() == ["ARYN"]
    assert decode_one_hot(np.zeros((3, 4)), padding=None) == "NNN"
    with pytest.raises(ValueError, match=r"shape \(n_samples, L, 4\)"):
        decode_one_hot(np.zeros((2, 3, 5)))
    with pytest.raises(ValueError, match="padding must be one of"):
        decode_one_hot(np.zeros((2, 3, 4)), padding="top")
    with pytest.raises(TypeError, match="numeric .* got dtype <U4.*one_hot_encode"):
        decode_one_hot(np.array(["ACGT"]))


def test_one_hot_encode_single_string_and_params():
    assert one_hot_encode("ACG").shape == (3, 4)
    assert one_hot_encode(["ACG", "A"], length=5, flatten=True).shape == (2, 20)


# ------------------------------------------------------- reverse complement
def test_reverse_complement_of_strings():
    assert reverse_complement("ACCGTTN") == "NAACGGT"
    assert reverse_complement("acgRY") == "RYcgt"
    assert reverse_complement(("AAC", "G")) == ["GTT", "C"]
    out = reverse_complement(np.array(["AAC"]))
    assert isinstance(out, np.ndarray) and out.tolist() == ["GTT"]
    assert reverse_complement("ACGU", alphabet="ACGU") == "ACGU"
    with pytest.raises(ValueError, match=r"Cannot complement 'X' at position 1"):
        reverse_complement("AXC")
    with pytest.raises(TypeError, match="alphabet must be a str"):
        reverse_complement("ACG", alphabet=3)


def test_reverse_complement_of_one_hot_matches_strings():
    seqs = random_sequences(20, 13, seed=4)
    X = one_hot_encode(seqs)
    rc = reverse_complement(X)
    np.testing.assert_array_equal(rc, one_hot_encode(reverse_complement(seqs)))
    np.testing.assert_array_equal(reverse_complement(rc), X)
    assert not np.shares_memory(rc, X)
    with pytest.raises(ValueError, match="not closed under complement"):
        reverse_complement(np.zeros((2, 3, 3)), alphabet="ACG")


# ------------------------------------------------------- sklearn behaviour
def test_clone_params_and_pickle():
    enc = DNAOneHotTransformer(length=7, dtype=np.uint8, padding="left")
    assert clone(enc).get_params() == enc.get_params()
    enc.fit(["ACG"])
    restored = pickle.loads(pickle.dumps(enc))
    np.testing.assert_array_equal(restored.transform(["AC"]), enc.transform(["AC"]))


def test_flattened_output_follows_set_output_and_transform_output():
    seqs = ["ACGT", "AC"]
    expected = reference_encode(seqs).reshape(2, -1)
    enc = DNAOneHotTransformer(flatten=True).set_output(transform="pandas")
    out = enc.fit_transform(seqs)
    assert isinstance(out, pd.DataFrame)
    assert out.columns.tolist() == enc.get_feature_names_out().tolist()
    np.testing.assert_array_equal(out.to_numpy(), expected)
    by_name = enc.transform(pd.Series(seqs, index=["x", "y"]))
    assert by_name.index.tolist() == ["x", "y"]  # the input's index is kept
    assert isinstance(clone(enc).fit_transform(seqs), pd.DataFrame)
    with config_context(transform_output="pandas"):
        configured = DNAOneHotTransformer(flatten=True).fit_transform(seqs)
        assert isinstance(configured, pd.DataFrame)
        # the estimator's own setting wins over the configuration
        default = enc.set_output(transform="default").transform(seqs)
        assert isinstance(default, np.ndarray)
    pl = pytest.importorskip("polars")
    polars = enc.set_output(transform="polars").transform(seqs)
    assert isinstance(polars, pl.DataFrame)
    assert polars.columns == enc.get_feature_names_out().tolist()
    np.testing.assert_array_equal(polars.to_numpy(), expected)
    with pytest.raises(ValueError, match="transform must be one of 'default'"):
        enc.set_output(transform="numpy")


def test_3d_output_stays_numpy_under_any_output_setting():
    seqs = ["ACGT", "AC"]
    with config_context(transform_output="pandas"):
        X = DNAOneHotTransformer().fit_transform(seqs)
    assert isinstance(X, np.ndarray) and X.shape == (2, 4, 4)
    for container in ("pandas", "polars"):
        enc = DNAOneHotTransformer().set_output(transform=container)
        X = enc.fit_transform(seqs)
        assert isinstance(X, np.ndarray) and X.shape == (2, 4, 4)
    # a CNN pipeline can be set to pandas output as a whole
    from dnacnn import DNACNNClassifier

    cnn = make_pipeline(DNAOneHotTransformer(), DNACNNClassifier())
    cnn.set_output(transform="pandas")
    assert isinstance(cnn[0].fit_transform(seqs), np.ndarray)


def test_pandas_output_through_a_pipeline_with_a_classical_model():
    # Regression: Pipeline.set_output(transform="pandas") raised (the encoder
    # had no set_output).
    seqs = ["AAAACG", "CCCGTA", "AAACCC", "GTGTGT"] * 5
    y = [1, 0, 1, 0] * 5
    plain = make_pipeline(DNAOneHotTransformer(flatten=True), LogisticRegression())
    model = clone(plain).set_output(transform="pandas").fit(seqs, y)
    encoded = model[0].transform(seqs)
    assert isinstance(encoded, pd.DataFrame)
    names = model[0].get_feature_names_out().tolist()
    assert encoded.columns.tolist() == names
    assert model[-1].feature_names_in_.tolist() == names
    np.testing.assert_array_equal(
        model.predict_proba(seqs), plain.fit(seqs, y).predict_proba(seqs)
    )
    assert isinstance(clone(model)[0].fit_transform(seqs), pd.DataFrame)


def test_tags_declare_string_input():
    tags = DNAOneHotTransformer().__sklearn_tags__()
    assert tags.input_tags.string and tags.input_tags.one_d_array
    assert not tags.input_tags.two_d_array


@pytest.mark.parametrize(
    "check",
    [
        "check_no_attributes_set_in_init",
        "check_get_params_invariance",
        "check_set_params",
        "check_estimator_repr",
        "check_mixin_order",
        "check_parameters_default_constructible",
        "check_valid_tag_types",
        "check_do_not_raise_errors_in_init_or_set_params",
        "check_estimator_cloneable",
        "check_estimator_tags_renamed",
        "check_transformers_unfitted",
    ],
)
def test_sklearn_api_check(check):
    getattr(estimator_checks, check)("DNAOneHotTransformer", DNAOneHotTransformer())


# ------------------------------------------------------------- properties
DNA = st.text(alphabet="ACGTacgt", min_size=1, max_size=60)
IUPAC_TEXT = st.text(alphabet="ACGT" + "".join(IUPAC), min_size=1, max_size=60)


@settings(max_examples=150, deadline=None)
@given(seqs=st.lists(DNA, min_size=1, max_size=20))
def test_decode_encode_round_trip(seqs):
    enc = DNAOneHotTransformer()
    assert enc.inverse_transform(enc.fit_transform(seqs)).tolist() == [
        s.upper() for s in seqs
    ]


@settings(max_examples=150, deadline=None)
@given(
    seqs=st.lists(IUPAC_TEXT, min_size=1, max_size=20),
    padding=st.sampled_from(["right", "left", "center"]),
)
def test_fractional_round_trip_keeps_every_iupac_code(seqs, padding):
    enc = DNAOneHotTransformer(ambiguity="fractional", padding=padding)
    assert enc.inverse_transform(enc.fit_transform(seqs)).tolist() == seqs


DOCUMENTED_ERROR = re.compile(
    r"^(Expected (an array-like|at least one|a single column|a 1-D)"
    r"|Sequence \d+ (is|has length)|Invalid base|Sequences mix str and bytes)"
)
JUNK = st.one_of(
    st.text(max_size=8),
    st.binary(max_size=8),
    st.none(),
    st.integers(),
    st.floats(),
    st.lists(st.text(max_size=3), max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(
    data=st.one_of(JUNK, st.lists(JUNK, max_size=6), st.tuples(JUNK, JUNK)),
    params=st.fixed_dictionaries(
        {},
        optional={
            "handle_unknown": st.sampled_from(["error", "ignore"]),
            "length": st.one_of(st.none(), st.integers(1, 9)),
            "truncation": st.sampled_from(["error", "right", "left", "center"]),
            "padding": st.sampled_from(["right", "left", "center"]),
        },
    ),
)
def test_junk_raises_only_documented_errors(data, params):
    enc = DNAOneHotTransformer(**params)
    try:
        X = enc.fit_transform(data)
    except (TypeError, ValueError) as exc:
        # only the encoder's own errors, which say what is wrong and where
        assert DOCUMENTED_ERROR.match(str(exc)), str(exc)
    else:
        assert X.shape[0] == len(data) and X.shape[2] == 4
