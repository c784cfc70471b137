"""Saliency and in-silico mutagenesis, on a model trained on planted motifs."""

import numpy as np
import pytest
from fits import FAST
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from dnacnn import (
    DNACNNClassifier,
    DNAOneHotTransformer,
    in_silico_mutagenesis,
    saliency,
)

# every test reads a trained network
pytestmark = pytest.mark.slow


# The planted-motif data and the classifier trained on them are conftest's,
# shared with other modules: ``data`` is (strings, labels, positions), ``model``
# the fitted pipeline of strings (read it, never refit it).
@pytest.fixture(scope="module")
def data(planted_sites):
    return planted_sites


@pytest.fixture(scope="module")
def model(planted_pipeline):
    return planted_pipeline


def tape_loop(keras_model, X, target=1):
    """The tutorial's way: one GradientTape call per sequence."""
    import tensorflow as tf

    out = []
    for x in X:
        x = tf.constant(x[None], dtype=tf.float32)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = keras_model(x, training=False)[0, target]
        out.append(tape.gradient(y, x)[0].numpy())
    return np.stack(out)


def test_planted_motif_gets_the_top_saliency(model, data):
    X, y, positions = data
    scores = saliency(model, X[y == 1], clip=True)
    assert scores.shape == ((y == 1).sum(), 30) and scores.dtype == np.float32
    assert (scores >= 0).all()
    top = scores.argmax(axis=1)
    start = positions[y == 1]
    assert ((top >= start) & (top < start + 12)).mean() > 0.9


def test_compiled_functions_do_not_keep_models_alive(data):
    import gc
    import weakref

    X, y, _ = data
    clf = DNACNNClassifier(epochs=1, kernel_size=5).fit(
        DNAOneHotTransformer().fit_transform(X[:40]), y[:40]
    )
    onehot = DNAOneHotTransformer().fit_transform(X[:4])
    clf.saliency(onehot)
    clf.saliency(onehot, output="logit")
    alive = weakref.ref(clf.model_)
    del clf
    gc.collect()
    assert alive() is None


def test_batched_equals_one_tape_per_sequence(model, data):
    X, _, _ = data
    onehot = model[0].transform(X[:25])
    expected = tape_loop(model[-1].model_, onehot)
    got = saliency(model, X[:25], method="gradient", reduce=None, batch_size=7)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)
    gxi = saliency(model, X[:25], reduce=None)
    np.testing.assert_allclose(gxi, expected * onehot, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(
        saliency(model, X[:25]), (expected * onehot).sum(-1), rtol=1e-5, atol=1e-6
    )


def test_classifier_method_matches_pipeline_function(model, data):
    X, _, _ = data
    onehot = model[0].transform(X[:10])
    np.testing.assert_array_equal(
        model[-1].saliency(onehot, clip=True), saliency(model, X[:10], clip=True)
    )


def test_zero_at_n_and_integrated_gradients_completeness(model, data):
    X, _, _ = data
    seq = X[0][:10] + "N" + X[0][11:]
    assert saliency(model, [seq])[0, 10] == 0
    onehot = model[0].transform(X[:5])
    for output in ("probability", "logit"):
        ig = saliency(
            model, X[:5], method="integrated_gradients", steps=200, output=output
        )
        forward = _forward(model[-1].model_, output)
        gap = forward(onehot) - forward(np.zeros_like(onehot))
        np.testing.assert_allclose(ig.sum(axis=1), gap, rtol=0.02, atol=1e-3)
    uniform = saliency(model, X[:2], method="integrated_gradients", baseline="uniform")
    assert uniform.shape == (2, 30) and np.isfinite(uniform).all()


@pytest.mark.parametrize("method", ["gradient_x_input", "integrated_gradients"])
def test_batches_are_finished_one_by_one_with_a_progress_bar(
    model, data, method, capsys
):
    X, _, _ = data
    options = dict(method=method, clip=True, center=True, steps=4)
    whole = saliency(model, X[:40], batch_size=64, **options)
    capsys.readouterr()
    batched = saliency(model, X[:40], batch_size=16, verbose=1, **options)
    np.testing.assert_allclose(batched, whole, rtol=1e-5, atol=1e-7)
    progress = capsys.readouterr().out
    assert "40/40" in progress and "16/40" in progress
    assert batched.shape == (40, 30) and (batched >= 0).all()


def _forward(keras_model, output):
    def f(x):
        if output == "probability":
            return keras_model.predict(x, verbose=0)[:, 1]
        import keras

        last = keras_model.layers[-1]
        hidden = keras.Model(keras_model.inputs, last.input)(x)  # any layout
        logits = np.asarray(hidden) @ np.asarray(last.kernel) + np.asarray(last.bias)
        return logits[:, 1]

    return f


def test_padding_is_removed_and_aligned(model, data):
    X, y, _ = data
    short = [X[0][:20], X[1], X[2][5:]]
    for padding in ("right", "left", "center"):
        padded = make_pipeline(
            DNAOneHotTransformer(length=30, padding=padding).fit(short), model[-1]
        )
        scores = saliency(padded, short)
        assert [len(s) for s in scores] == [20, 30, 25]
        full = model[-1].saliency(padded[0].transform(short))
        offset = {"right": 0, "left": 10, "center": 5}[padding]
        np.testing.assert_array_equal(scores[0], full[0, offset : offset + 20])
    encoder = DNAOneHotTransformer(length=30, truncation="left").fit(X)
    cut = make_pipeline(encoder, model[-1])
    scores = saliency(cut, [X[0] + "ACGTA"])
    assert len(scores[0]) == 35
    assert np.isnan(scores[0][:5]).all() and np.isfinite(scores[0][5:]).all()


def _strip(X):
    return [s.strip() for s in X]


def test_steps_before_the_encoder_set_the_placement(model, data):
    # Regression: the placement was computed from the Pipeline's raw input, so
    # a 20-base sequence with 3 leading spaces got 23 scores, shifted by 3.
    X, _, _ = data
    raw = ["   " + X[0][:20], X[1][:25] + " \n", "\t" + X[2]]
    clean = [X[0][:20], X[1][:25], X[2]]
    encoder = DNAOneHotTransformer(length=30, padding="left").fit(X)
    stripped = make_pipeline(FunctionTransformer(_strip), encoder, model[-1])
    stripped[0].fit(raw)
    plain = make_pipeline(encoder, model[-1])
    np.testing.assert_array_equal(stripped.predict(raw), plain.predict(clean))
    scores = saliency(stripped, raw)
    assert [len(s) for s in scores] == [20, 25, 30]
    full = model[-1].saliency(encoder.transform(clean))
    np.testing.assert_array_equal(scores[0], full[0, 10:])
    np.testing.assert_array_equal(scores[1], full[1, 5:])
    np.testing.assert_array_equal(scores[2], full[2])
    effects = in_silico_mutagenesis(stripped, raw, reduce="mean")
    expected = in_silico_mutagenesis(plain, clean, reduce="mean")
    assert [len(e) for e in effects] == [20, 25, 30]
    for got, want in zip(effects, expected, strict=True):
        np.testing.assert_array_equal(got, want)


def test_a_column_selector_before_the_encoder(model, data):
    # Regression: predict worked on a DataFrame, saliency refused it (it read
    # the sequences from the DataFrame itself, which has two columns).
    pd = pytest.importorskip("pandas")
    X, _, _ = data
    frame = pd.DataFrame({"id": [f"s{i}" for i in range(5)], "sequence": X[:5]})
    expected = saliency(model, X[:5])
    for selector in (
        ColumnTransformer([("sequence", "passthrough", ["sequence"])]),
        FunctionTransformer(lambda df: df["sequence"]),
    ):
        pipeline = make_pipeline(selector.fit(frame), model[0], model[-1])
        np.testing.assert_array_equal(pipeline.predict(frame), model.predict(X[:5]))
        np.testing.assert_array_equal(saliency(pipeline, frame), expected)
    shorter = pd.DataFrame({"id": ["a", "b"], "sequence": [X[0][:20], X[1]]})
    padded = make_pipeline(
        FunctionTransformer(lambda df: df["sequence"]),
        DNAOneHotTransformer(length=30).fit(X),
        model[-1],
    )
    padded[0].fit(shorter)
    assert [len(s) for s in saliency(padded, shorter)] == [20, 30]


def test_targets_string_labels_and_multiclass(data):
    X, y, _ = data
    labels = np.where(y == 1, "bound", "unbound")
    model = make_pipeline(
        DNAOneHotTransformer(), DNACNNClassifier(**FAST, random_state=0)
    ).fit(X, labels)
    assert model.classes_.tolist() == ["bound", "unbound"]
    # default target: classes_[1]; explaining "bound" flips the gradient's sign
    default = saliency(model, X[:5], method="gradient")
    bound = saliency(model, X[:5], method="gradient", target="bound")
    np.testing.assert_allclose(default, -bound, rtol=1e-4, atol=1e-6)
    with pytest.raises(ValueError, match=r"target 'yes' is not one of the classes"):
        saliency(model, X[:5], target="yes")
    three = np.where(y == 1, 2, np.arange(len(y)) % 2)
    multi = make_pipeline(
        DNAOneHotTransformer(), DNACNNClassifier(**FAST, random_state=0)
    ).fit(X, three)
    predicted = multi.predict(X[:6])
    by_class = {
        c: saliency(multi, X[:6], method="gradient", target=c) for c in (0, 1, 2)
    }
    default = saliency(multi, X[:6], method="gradient")
    for i, c in enumerate(predicted):
        np.testing.assert_array_equal(default[i], by_class[c][i])


def test_in_silico_mutagenesis_matches_direct_predictions(model, data):
    X, _, positions = data
    effects = in_silico_mutagenesis(model, X[:3])
    assert effects.shape == (3, 30, 4)
    onehot = model[0].transform(X[:3])
    np.testing.assert_array_equal(effects[onehot == 1], 0)
    # mutate sequence 0 at position 4 to each base by hand
    base_p = model.predict_proba(X[:1])[0, 1]
    for b, base in enumerate("ACGT"):
        mutant = X[0][:4] + base + X[0][5:]
        direct = model.predict_proba([mutant])[0, 1] - base_p
        assert effects[0, 4, b] == pytest.approx(direct, abs=1e-5)
    mean = in_silico_mutagenesis(model, X[:3], reduce="mean")
    np.testing.assert_allclose(mean, effects.sum(-1) / 3, rtol=1e-5, atol=1e-7)
    fractional = make_pipeline(DNAOneHotTransformer(ambiguity="fractional"), model[-1])
    fractional[0].fit(X)
    at_n = in_silico_mutagenesis(fractional, [X[0][:4] + "N" + X[0][5:]], reduce="mean")
    assert np.isfinite(at_n).all()
    logit = in_silico_mutagenesis(model, X[:1], output="logit")
    assert logit.shape == (1, 30, 4) and not np.allclose(logit, effects[:1])


def test_in_silico_mutagenesis_in_blocks_of_positions(model, data, monkeypatch):
    import dnacnn.interpret

    X, _, _ = data
    whole = in_silico_mutagenesis(model, X[:5])
    # room for 7 mutants at a time: blocks of one position, sequence by sequence
    monkeypatch.setattr(dnacnn.interpret, "_MUTANT_BYTES", 7 * 30 * 4 * 4)
    np.testing.assert_allclose(in_silico_mutagenesis(model, X[:5]), whole, atol=1e-6)


def test_mutating_the_motif_hurts_most(model, data):
    X, y, positions = data
    i = int(np.flatnonzero(y)[0])
    effects = in_silico_mutagenesis(model, X[i : i + 1], reduce="mean")[0]
    inside = np.arange(positions[i], positions[i] + 12)
    assert effects.argmin() in inside


def test_bad_input_gets_clear_errors(model, data):
    X, y, _ = data
    with pytest.raises(NotFittedError):
        saliency(DNACNNClassifier(), np.zeros((2, 30, 4)))
    with pytest.raises(NotFittedError):
        saliency(make_pipeline(DNAOneHotTransformer(), DNACNNClassifier()), X[:2])
    linear = make_pipeline(DNAOneHotTransformer(flatten=True), LogisticRegression())
    linear.fit(X, y)
    with pytest.raises(TypeError, match="last step of the Pipeline is LogisticReg"):
        saliency(linear, X[:2])
    with pytest.raises(TypeError, match="DNACNNClassifier"):
        in_silico_mutagenesis(LogisticRegression(), X[:2])
    flat = make_pipeline(DNAOneHotTransformer(flatten=True), model[-1])
    flat[0].fit(X)
    with pytest.raises(ValueError, match="flatten=True"):
        saliency(flat, X[:2])
    with pytest.raises(ValueError, match="expecting 30 features"):
        model[-1].saliency(np.zeros((2, 40, 4), np.float32))
    with pytest.raises(ValueError, match="method must be one of"):
        saliency(model, X[:2], method="deeplift")
    with pytest.raises(ValueError, match="reduce must be one of"):
        saliency(model, X[:2], reduce="max")
    with pytest.raises(ValueError, match="baseline must have the shape"):
        saliency(model, X[:2], method="integrated_gradients", baseline=np.zeros(3))
    with pytest.raises(ValueError, match="batch_size == 0, must be >= 1"):
        saliency(model, X[:2], batch_size=0)
    # a wrong type is a TypeError, a wrong value a ValueError
    with pytest.raises(TypeError, match="batch_size must be an int, got str '8'"):
        in_silico_mutagenesis(model, X[:2], batch_size="8")
    with pytest.raises(TypeError, match="steps must be an int, got float 2.5"):
        saliency(model, X[:2], method="integrated_gradients", steps=2.5)
    with pytest.raises(TypeError, match="clip must be a bool, got str 'yes'"):
        saliency(model, X[:2], clip="yes")
    ig = dict(method="integrated_gradients", steps=2)
    with pytest.raises(TypeError, match=r"baseline must be .* numeric array"):
        saliency(model, X[:2], baseline={"A": 0.25}, **ig)
    with pytest.raises(ValueError, match="baseline must be None, 'uniform'"):
        saliency(model, X[:2], baseline="gc", **ig)
    with pytest.raises(ValueError, match="baseline must be finite"):
        saliency(model, X[:2], baseline=np.full((30, 4), np.nan), **ig)
