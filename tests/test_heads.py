"""Beyond one label: DNACNNRegressor, multi-label heads, both strands, hold-out."""

import inspect
import warnings

import keras
import numpy as np
import pytest
from fits import FAST
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.compose import TransformedTargetRegressor
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from dnacnn import (
    DNACNNClassifier,
    DNACNNRegressor,
    DNACNNWarning,
    DNAOneHotTransformer,
    discover_motif,
    in_silico_mutagenesis,
    load_model,
    make_motif_dataset,
    reverse_complement,
    saliency,
    save_model,
)
from dnacnn._training import holdout
from dnacnn.metrics import multilabel_scorer

# The motifs of these data sit on the forward strand: the networks read that
# strand only, except in the tests of strands="both" (the default).
FORWARD = {**FAST, "strands": "forward", "random_state": 0}
# R² > 0.9 on the training set of a one-motif regression: 15 epochs are too
# close to it (0.86-0.93 over seeds and activations)
FORWARD_REGRESSION = {**FORWARD, "epochs": 30}
MOTIF_A, MOTIF_B = "CGACCGAACTCC", "TTTAGGCATGCA"


@pytest.fixture(scope="module")
def strings():
    """Sequences with motif A (in half) and motif B (in another, random half)."""
    X, has_a, starts = make_motif_dataset(
        300, 40, MOTIF_A, return_positions=True, random_state=0
    )
    rng = np.random.default_rng(1)
    has_b = rng.random(300) < 0.5
    X = np.array(X, dtype=object)
    for i in np.flatnonzero(has_b):  # motif B at the end, clear of motif A
        X[i] = X[i][:26] + MOTIF_B + X[i][38:]
    return X, has_a, has_b.astype(int), starts


@pytest.fixture(scope="module")
def activity(strings):
    _, has_a, has_b, _ = strings
    noise = np.random.default_rng(2).normal(0, 0.1, len(has_a))
    return np.column_stack([2.0 * has_a + noise, 1.0 - 1.5 * has_b + noise])


@pytest.fixture(scope="module")
def regressor(strings, activity):
    X, *_ = strings
    model = make_pipeline(DNAOneHotTransformer(), DNACNNRegressor(**FORWARD_REGRESSION))
    return model.fit(X, activity[:, 0])


@pytest.fixture(scope="module")
def multilabel(strings):
    X, has_a, has_b, _ = strings
    Y = np.column_stack([has_a, has_b])
    return make_pipeline(DNAOneHotTransformer(), DNACNNClassifier(**FORWARD)).fit(X, Y)


# ----------------------------------------------------------- one definition
def test_both_heads_share_one_definition_of_the_parameters():
    classifier = inspect.signature(DNACNNClassifier).parameters
    regressor = inspect.signature(DNACNNRegressor).parameters
    shared = set(classifier) & set(regressor)
    assert {"filters", "strands", "validation_fraction", "epochs"} <= shared
    assert set(classifier) - shared == {"class_weight"}
    assert classifier["loss"].default is None and regressor["loss"].default == "mse"
    # is a site there (the stronger strand) / how much binding (both strands)
    assert classifier["strand_reduce"].default == "max"
    assert regressor["strand_reduce"].default == "mean"
    for name in shared - {"loss", "strand_reduce"}:
        assert classifier[name].default == regressor[name].default, name
    assert DNACNNRegressor().get_params()["strands"] == "both"
    assert DNACNNRegressor().get_params()["strand_reduce"] == "mean"
    # the shared docs, filled in: every parameter of each head documented once
    for head, signature in (
        (DNACNNClassifier, classifier),
        (DNACNNRegressor, regressor),
    ):
        assert "{parameters}" not in head.__doc__
        for name in set(signature) - {"kwargs"}:
            assert head.__doc__.count(f"\n    {name} : ") == 1, (head.__name__, name)
    assert is_regressor(DNACNNRegressor()) and is_classifier(DNACNNClassifier())


# -------------------------------------------------------------- regression
@pytest.mark.slow
def test_regressor_fits_predicts_in_the_shape_of_y_and_scores_r2(
    regressor, strings, activity
):
    X, *_ = strings
    y = activity[:, 0]
    predicted = regressor.predict(X)
    assert predicted.shape == (300,) and predicted.dtype == np.float64
    assert regressor.score(X, y) == pytest.approx(r2_score(y, predicted))
    assert regressor.score(X, y) > 0.9
    network = regressor[-1]
    assert network.model_.layers[-1].activation.__name__ == "linear"
    assert network.n_outputs_ == 1 and set(network.history_) == {"loss"}


@pytest.mark.slow
def test_regressor_with_several_targets(strings, activity):
    X, *_ = strings
    model = make_pipeline(DNAOneHotTransformer(), DNACNNRegressor(**FORWARD))
    model.fit(X, activity)
    predicted = model.predict(X)
    assert predicted.shape == (300, 2) and model[-1].n_outputs_ == 2
    per_target = r2_score(activity, predicted, multioutput="raw_values")
    assert (per_target > 0.8).all()
    assert model.score(X, activity) == pytest.approx(per_target.mean())
    column = DNACNNRegressor(epochs=1, kernel_size=5).fit(
        DNAOneHotTransformer().fit_transform(X), activity[:, :1]
    )
    assert column.predict(DNAOneHotTransformer().fit_transform(X[:3])).shape == (3, 1)
    with pytest.raises(ValueError, match="target is required with 2 regression"):
        saliency(model, X[:2])
    assert saliency(model, X[:2], target=1).shape == (2, 40)
    with pytest.raises(ValueError, match="target 2 is not an output.*0 to 1"):
        saliency(model, X[:2], target=2)


@pytest.mark.slow
def test_transformed_target_regressor_composes(strings, activity):
    X, *_ = strings
    y = 1000.0 + 500.0 * activity[:, 0]  # far from unit scale
    model = TransformedTargetRegressor(
        regressor=make_pipeline(
            DNAOneHotTransformer(), DNACNNRegressor(**FORWARD_REGRESSION)
        ),
        transformer=StandardScaler(),
    ).fit(X, y)
    assert model.score(X, y) > 0.9
    # back on y's scale (the network itself was fitted on standardized y)
    assert abs(model.predict(X).mean() - y.mean()) < 0.25 * y.std()


@pytest.mark.slow
def test_regressor_sample_weight_weighs_each_sequence(strings, activity):
    X, *_ = strings
    X = DNAOneHotTransformer().fit_transform(X)
    y = activity[:, 0]
    corrupted = y.copy()
    corrupted[::2] += 5.0  # every other target is wrong ...
    weights = np.tile([0.0, 1.0], len(y) // 2)  # ... and weighs nothing
    given = weights.copy()
    weighted = DNACNNRegressor(**FORWARD_REGRESSION).fit(
        X, corrupted, sample_weight=weights
    )
    np.testing.assert_array_equal(weights, given)  # the caller's array, untouched
    # a weight of 0 leaves the sequence out: the fit on the right half alone
    right_half = DNACNNRegressor(**FORWARD_REGRESSION).fit(X[1::2], y[1::2])
    np.testing.assert_allclose(weighted.predict(X), right_half.predict(X), atol=1e-5)
    assert weighted.score(X, y) > 0.7
    plain = DNACNNRegressor(**FORWARD_REGRESSION).fit(X, corrupted)
    assert plain.score(X, y) < 0  # learned the wrong targets as well


@pytest.mark.slow
def test_regressor_losses_and_bad_targets(strings):
    X, has_a, *_ = strings
    X = DNAOneHotTransformer().fit_transform(X)
    counts = np.random.default_rng(0).poisson(1 + 4 * has_a)
    poisson = DNACNNRegressor(**FORWARD, loss="poisson").fit(X, counts)
    assert poisson.model_.layers[-1].activation.__name__ == "exponential"
    assert (poisson.predict(X) > 0).all()
    assert poisson.predict(X)[has_a == 1].mean() > poisson.predict(X)[has_a == 0].mean()
    huber = DNACNNRegressor(epochs=1, kernel_size=5, loss="huber").fit(X, counts)
    assert huber.model_.loss.__name__ == "huber"
    bad = counts.astype(float)
    bad[[4, 9]] = np.nan
    with pytest.raises(ValueError, match=r"finite, but row 4 .*2 rows"):
        DNACNNRegressor(epochs=1).fit(X, bad)
    with pytest.raises(ValueError, match="y must hold numbers"):
        DNACNNRegressor(epochs=1).fit(X, ["a"] * len(X))
    with pytest.raises(ValueError, match="requires y to be passed"):
        DNACNNRegressor(epochs=1).fit(X, None)


@pytest.mark.slow
def test_regressor_saliency_finds_the_motif_and_discovers_it(regressor, strings):
    X, has_a, _, starts = strings
    scores = saliency(regressor, X[has_a == 1], clip=True)
    top = scores.argmax(axis=1)
    start = starts[has_a == 1]
    assert ((top >= start) & (top < start + 12)).mean() > 0.8
    effects = in_silico_mutagenesis(regressor, X[:2], reduce="mean")
    assert effects.shape == (2, 40)
    assert discover_motif(regressor, X).consensus == MOTIF_A


@pytest.mark.slow
def test_save_and_load_every_head(regressor, multilabel, strings, tmp_path):
    X, *_ = strings
    for name, model in {"regressor": regressor, "multilabel": multilabel}.items():
        path = save_model(model, tmp_path / f"{name}.dnacnn")
        loaded = load_model(path)
        np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
        assert type(loaded[-1]) is type(model[-1])


# ------------------------------------------------------------- multi-label
@pytest.mark.slow
def test_multilabel_predicts_an_indicator_matrix(multilabel, strings):
    X, has_a, has_b, _ = strings
    Y = np.column_stack([has_a, has_b])
    network = multilabel[-1]
    assert network.target_type_ == "multilabel-indicator"
    assert [c.tolist() for c in network.classes_] == [[0, 1], [0, 1]]
    assert network.model_.layers[-1].activation.__name__ == "sigmoid"
    proba = multilabel.predict_proba(X)
    assert proba.shape == (300, 2)
    assert not np.allclose(proba.sum(axis=1), 1)  # independent labels
    predicted = multilabel.predict(X)
    assert predicted.shape == (300, 2) and set(np.unique(predicted)) <= {0, 1}
    np.testing.assert_array_equal(predicted, (proba > 0.5).astype(int))
    assert roc_auc_score(Y, proba, average="macro") > 0.95
    # label 1 is explained on its own output: the motif B at the end
    scores = saliency(multilabel, X[has_b == 1], target=1, clip=True)
    assert (scores.argmax(axis=1) >= 26).mean() > 0.8
    assert discover_motif(multilabel, X, target=1).consensus == MOTIF_B


@pytest.mark.slow
def test_multilabel_with_one_label_per_row_stays_multilabel(strings):
    X, has_a, *_ = strings
    Y = np.column_stack([has_a, 1 - has_a])  # each row one 1: still 2 labels
    clf = DNACNNClassifier(epochs=1, kernel_size=5)
    clf.fit(DNAOneHotTransformer().fit_transform(X), Y)
    assert clf.model_.layers[-1].activation.__name__ == "sigmoid"
    assert clf.predict(DNAOneHotTransformer().fit_transform(X[:4])).shape == (4, 2)


@pytest.mark.slow
def test_multilabel_grid_search_with_roc_auc_and_average_precision(strings):
    X, has_a, has_b, _ = strings
    Y = np.column_stack([has_a, has_b])
    model = make_pipeline(
        DNAOneHotTransformer(), DNACNNClassifier(**{**FORWARD, "epochs": 8})
    )
    search = GridSearchCV(
        model,
        {"dnacnnclassifier__filters": [4, 16]},
        scoring=["roc_auc", "average_precision"],
        refit="roc_auc",
        cv=KFold(2, shuffle=True, random_state=0),
    ).fit(X, Y)
    assert np.isfinite(search.cv_results_["mean_test_roc_auc"]).all()
    assert search.best_score_ > 0.9


@pytest.mark.slow
def test_multilabel_scorer_skips_a_label_a_test_fold_lacks_instead_of_nan(strings):
    X, has_a, has_b, _ = strings
    rare = np.zeros_like(has_a)
    rare[:100:7] = 1  # positives only in the first of 3 unshuffled folds
    Y = np.column_stack([has_a, has_b, rare])
    model = make_pipeline(
        DNAOneHotTransformer(), DNACNNClassifier(**{**FORWARD, "epochs": 8})
    )
    with pytest.warns(DNACNNWarning, match=r"roc_auc is undefined for label 2"):
        scores = cross_validate(
            model,
            X,
            Y,
            cv=KFold(3),
            scoring={"sklearn": "roc_auc", "dnacnn": multilabel_scorer()},
        )
    ours, theirs = scores["test_dnacnn"], scores["test_sklearn"]
    assert np.isnan(theirs[1:]).all()  # folds 2 and 3 have no rare positive
    assert np.isfinite(ours).all() and (ours[1:] > 0.9).all()
    assert ours[0] == pytest.approx(theirs[0])  # every label defined: the same


@pytest.mark.slow
def test_a_label_without_positives_warns(strings):
    X, has_a, *_ = strings
    Y = np.column_stack([has_a, np.zeros_like(has_a), np.ones_like(has_a)])
    with pytest.warns(DNACNNWarning, match=r"Label column \[1\].*no positive"):
        with pytest.warns(DNACNNWarning, match=r"column \[2\].*no negative"):
            DNACNNClassifier(epochs=1, kernel_size=5).fit(
                DNAOneHotTransformer().fit_transform(X), Y
            )


@pytest.mark.slow
def test_multilabel_class_weight_and_sample_weight(strings):
    X, has_a, has_b, _ = strings
    X = DNAOneHotTransformer().fit_transform(X)
    Y = np.column_stack([has_a, has_b])
    balanced = DNACNNClassifier(**FORWARD, class_weight="balanced").fit(X, Y)
    assert balanced.predict_proba(X).shape == (300, 2)
    # per label dicts weigh the label's positives away: label 0 is never called
    away = [{0: 1.0, 1: 1e-6}, {0: 1.0, 1: 1e-6}]
    clf = DNACNNClassifier(**FORWARD, class_weight=away).fit(X, Y)
    assert clf.predict(X).mean() < 0.1
    with pytest.raises(ValueError, match=r"class_weight\[1\]\[0\] == -1"):
        DNACNNClassifier(class_weight=[{0: 1}, {0: -1}]).fit(X, Y)


@pytest.mark.slow
def test_single_label_behaviour_is_unchanged(strings):
    X, has_a, *_ = strings
    clf = DNACNNClassifier(**FORWARD).fit(
        DNAOneHotTransformer().fit_transform(X), has_a
    )
    assert clf.target_type_ == "binary"
    assert clf.model_.layers[-1].activation.__name__ == "softmax"
    assert clf.model_.loss == "sparse_categorical_crossentropy"


# ------------------------------------------------------------------ strands
@pytest.mark.slow
@pytest.mark.parametrize(
    "head, reduce",
    [(DNACNNClassifier, "max"), (DNACNNRegressor, "mean"), (DNACNNClassifier, "mean")],
)
def test_both_strands_predict_a_sequence_and_its_reverse_complement_alike(
    strings, head, reduce
):
    X, has_a, *_ = strings
    model = make_pipeline(
        DNAOneHotTransformer(),
        head(**{**FORWARD, "epochs": 3, "strands": "both"}, strand_reduce=reduce),
    ).fit(X, has_a)
    flipped = reverse_complement(X)
    method = model.predict_proba if head is DNACNNClassifier else model.predict
    forward, reverse = method(X), method(flipped)
    np.testing.assert_allclose(forward, reverse, rtol=1e-5, atol=1e-6)
    # a forward-only network does not have this symmetry
    single = make_pipeline(
        DNAOneHotTransformer(), head(**{**FORWARD, "epochs": 3})
    ).fit(X, has_a)
    method = single.predict_proba if head is DNACNNClassifier else single.predict
    assert not np.allclose(method(X), method(flipped), atol=1e-4)


@pytest.mark.slow
def test_both_strands_learn_a_motif_on_either_strand_and_explain_it():
    X, y, strand = make_motif_dataset(
        400, 40, MOTIF_A, both_strands=True, return_strands=True, random_state=3
    )
    assert set(strand[y == 1]) == {-1, 1}  # sites on both strands
    model = make_pipeline(
        DNAOneHotTransformer(), DNACNNClassifier(**{**FORWARD, "strands": "both"})
    ).fit(X, y)
    assert model.score(X, y) > 0.95
    scores = saliency(model, X[y == 1], clip=True)
    assert scores.shape == (int(y.sum()), 40)
    motif = discover_motif(model, X, both_strands=True)
    consensus = {motif.consensus, motif.reverse_complement().consensus}
    assert MOTIF_A in consensus
    strands = motif.sites["strand"]
    assert set(np.unique(strands)) == {-1, 1}  # sites found on both strands


@pytest.mark.slow
def test_reverse_complement_augmentation_trains_on_both_orientations(strings):
    X, has_a, *_ = strings
    X = DNAOneHotTransformer().fit_transform(X)
    clf = DNACNNClassifier(**FORWARD, augment="reverse_complement").fit(X, has_a)
    flipped = X[:, ::-1, ::-1]
    assert clf.score(X, has_a) > 0.95 and clf.score(flipped, has_a) > 0.95
    with pytest.raises(ValueError, match="augment='reverse_complement' needs"):
        DNACNNClassifier(epochs=1, augment="reverse_complement").fit(X[:, :, 0], has_a)
    with pytest.raises(ValueError, match="strands='both' reads the reverse"):
        DNACNNClassifier(epochs=1, strands="both").fit(X[:, :, 0], has_a)


# -------------------------------------------------------------- validation
def test_validation_hold_out_is_random_and_stratified_for_sorted_labels():
    y = np.r_[np.ones(150, int), np.zeros(150, int)]  # positives, then negatives
    train, held = holdout(300, 0.2, stratify=y, seed=0)
    assert len(held) == 60 and y[held].sum() == 30  # both classes, as in y
    assert not np.intersect1d(train, held).size and len(train) + len(held) == 300
    np.testing.assert_array_equal(holdout(300, 0.2, stratify=y, seed=0)[1], held)
    assert not np.array_equal(holdout(300, 0.2, stratify=y, seed=1)[1], held)


def positive_share(y_true, y_pred):
    """A Keras metric: the share of positives among the sequences it sees."""
    return keras.ops.reshape(keras.ops.cast(y_true, "float32"), (-1,))


@pytest.mark.slow
def test_sorted_labels_no_longer_break_early_stopping(strings):
    X, has_a, *_ = strings
    X = DNAOneHotTransformer().fit_transform(X)
    order = np.argsort(-has_a, kind="stable")  # all positives first
    X, y = X[order], has_a[order]
    share = y.mean()
    for alias in ({"validation_split": 0.2}, {"validation_fraction": 0.2}):
        clf = DNACNNClassifier(
            **FORWARD, **alias, metrics=["accuracy", positive_share]
        ).fit(X, y)
        # Keras' last rows would be negatives only (a share of 0): the
        # stratified hold-out, and the rows left to train on, keep y's share
        for name in ("val_positive_share", "positive_share"):
            np.testing.assert_allclose(clf.history_[name], share, atol=0.01)
        assert 0.8 < clf.history_["val_accuracy"][-1] <= 1.0
        assert min(clf.history_["val_loss"]) < 0.5
    clone_params = clone(clf).get_params()
    assert clone_params["validation_fraction"] == 0.2


@pytest.mark.slow
def test_seeded_fits_with_a_hold_out_and_two_heads_are_reproducible(strings):
    X, has_a, *_ = strings
    X = DNAOneHotTransformer().fit_transform(X)
    for head in (DNACNNClassifier, DNACNNRegressor):
        fits = [
            head(**{**FORWARD, "epochs": 3}, dropout=0.2, validation_fraction=0.2)
            .fit(X, has_a)
            .predict(X)
            for _ in range(2)
        ]
        np.testing.assert_array_equal(*fits)


@pytest.mark.slow
def test_no_warning_for_ordinary_multilabel_data(strings):
    X, has_a, has_b, _ = strings
    with warnings.catch_warnings():
        warnings.simplefilter("error", DNACNNWarning)
        DNACNNClassifier(epochs=1, kernel_size=5).fit(
            DNAOneHotTransformer().fit_transform(X), np.column_stack([has_a, has_b])
        )


# ---------------------------------------------------------------------- CLI
@pytest.mark.slow
@pytest.mark.parametrize("task", ["multilabel", "regression"])
def test_cli_fits_predicts_and_explains_several_columns(
    strings, activity, task, tmp_path, capsys
):
    from dnacnn.cli import main

    X, has_a, has_b, _ = strings
    (tmp_path / "seqs.txt").write_text("\n".join(X) + "\n")
    table = np.column_stack([has_a, has_b]) if task == "multilabel" else activity
    lines = ["first\tsecond"] + ["\t".join(map(str, row)) for row in table.tolist()]
    (tmp_path / "labels.tsv").write_text("\n".join(lines) + "\n")

    def run(*args):
        # the command's entry point, in this process (test_cli runs the
        # installed script where a process of its own matters)
        capsys.readouterr()
        status = main([str(arg) for arg in args])
        out, err = capsys.readouterr()
        assert status == 0, err[-2000:]
        return out

    model = tmp_path / "model.dnacnn"
    out = run(
        "fit", tmp_path / "seqs.txt", tmp_path / "labels.tsv", "--task", task,
        "--out", model, "--epochs", 15, "--filters", 16, "--kernel-size", 8,
        "--learning-rate", 0.01, "--quiet",
    )  # fmt: skip
    assert ("R^2" if task == "regression" else "accuracy") in out
    loaded = load_model(model)
    assert loaded.predict(X[:3]).shape == (3, 2)
    predicted = run("predict", model, tmp_path / "seqs.txt").splitlines()
    header = (
        "id,prediction_0,prediction_1" if task == "regression" else "id,label_0,label_1"
    )
    assert predicted[0] == header and len(predicted) == 301
    run("explain", model, tmp_path / "seqs.txt", "--out", tmp_path / "why",
        "--target", 1, "--n-figures", 1)  # fmt: skip
    assert (tmp_path / "why" / "saliency.tsv").is_file()


def test_cli_labels_table_errors(tmp_path):
    from dnacnn.cli._io import read_table

    path = tmp_path / "labels.tsv"
    path.write_text("a b\n1 0\n0 2\n")
    with pytest.raises(ValueError, match=r"line 3: multi-label columns hold 0 or 1"):
        read_table(path, task="multilabel")
    path.write_text("1.5,2\n0.5\n")
    with pytest.raises(ValueError, match=r"line 2: expected 2 numbers"):
        read_table(path, task="regression")
    path.write_text("1.5,2\n0.5,-1\n")
    np.testing.assert_array_equal(
        read_table(path, task="regression"), [[1.5, 2], [0.5, -1]]
    )
