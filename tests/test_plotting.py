"""The figures of dnacnn.plotting: what is drawn on them, rendered headless."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from dnacnn.plotting import plot_history, plot_logo, plot_saliency

matplotlib.use("Agg")  # headless, whatever MPLBACKEND says

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MOTIF = "CGACCGAACTCC"
# logomaker's "classic" colors
BASE_COLORS = {"A": (0, 0.5, 0), "C": "blue", "G": (1, 0.65, 0), "T": "red"}

HISTORY = {
    "loss": [0.7, 0.5, 0.3, 0.2],
    "accuracy": [0.5, 0.7, 0.9, 0.95],
    "val_loss": [0.72, 0.55, 0.4, 0.35],
    "val_accuracy": [0.48, 0.66, 0.85, 0.9],
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def assert_png(ax, path: Path) -> None:
    """Saving the figure of ``ax`` writes a valid, non-empty PNG."""
    ax.figure.savefig(path)
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    image = matplotlib.image.imread(path)
    assert image.ndim == 3 and image.shape[0] > 50 and image.shape[1] > 50
    assert image.std() > 0  # not a blank canvas


def legend_texts(ax) -> list[str]:
    return [text.get_text() for text in ax.get_legend().get_texts()]


def tick_texts(ax) -> list[str]:
    return [label.get_text() for label in ax.get_xticklabels()]


def glyphs_by_position(ax) -> dict[int, list]:
    """Logo glyph patches grouped by the position they are centred on."""
    out: dict[int, list] = {}
    for patch in ax.patches:
        extents = patch.get_path().get_extents()
        out.setdefault(round((extents.x0 + extents.x1) / 2), []).append(patch)
    return out


def height(patch) -> float:
    return float(patch.get_path().get_extents().height)


# --------------------------------------------------------------------------
# plot_history
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "title"), [("loss", "model loss"), ("accuracy", "model accuracy")]
)
def test_history_draws_train_and_validation_curves(tmp_path, metric, title):
    ax = plot_history(HISTORY, metric=metric)

    assert len(ax.lines) == 2
    train, validation = ax.lines
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3, 4])
    np.testing.assert_allclose(train.get_ydata(), HISTORY[metric])
    np.testing.assert_array_equal(validation.get_xdata(), [1, 2, 3, 4])
    np.testing.assert_allclose(validation.get_ydata(), HISTORY["val_" + metric])
    assert legend_texts(ax) == ["train", "validation"]
    assert ax.get_xlabel() == "epoch"
    assert ax.get_ylabel() == metric
    assert ax.get_title() == title
    assert_png(ax, tmp_path / f"history_{metric}.png")


def test_history_without_validation_draws_one_line():
    ax = plot_history({"loss": [1.0, 0.5, 0.25]})
    assert len(ax.lines) == 1
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.0, 0.5, 0.25])
    assert legend_texts(ax) == ["train"]


class _FittedWithHistory(BaseEstimator):
    """Stands in for a fitted DNACNNClassifier (no Keras training here)."""

    def fit(self, X, y=None):
        self.history_ = {key: list(values) for key, values in HISTORY.items()}
        return self

    def predict(self, X):
        return np.zeros(len(X))


@pytest.mark.parametrize(
    "make_history",
    [
        pytest.param(lambda: HISTORY, id="dict"),
        pytest.param(lambda: SimpleNamespace(history=HISTORY), id="keras-History"),
        pytest.param(lambda: SimpleNamespace(history_=HISTORY), id="history_"),
        pytest.param(lambda: _FittedWithHistory().fit(np.zeros((3, 2))), id="est"),
        pytest.param(
            lambda: Pipeline(
                [("identity", FunctionTransformer()), ("clf", _FittedWithHistory())]
            ).fit(np.zeros((3, 2)), [0, 1, 0]),
            id="Pipeline",
        ),
    ],
)
def test_history_accepts_every_holder_of_a_history(make_history):
    ax = plot_history(make_history(), metric="accuracy")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), HISTORY["accuracy"])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), HISTORY["val_accuracy"])


def test_history_draws_on_the_given_axes():
    _, ax = plt.subplots()
    assert plot_history(HISTORY, ax=ax) is ax
    assert len(ax.lines) == 2
    assert len(plt.get_fignums()) == 1


def test_history_unknown_metric_lists_the_recorded_keys():
    with pytest.raises(ValueError, match=r"metric='auc'.*'accuracy', 'loss'"):
        plot_history(HISTORY, metric="auc")
    with pytest.raises(ValueError, match=r"Did you mean 'accuracy'\?"):
        plot_history(HISTORY, metric="acuracy")
    with pytest.raises(ValueError, match=r"validation curve: pass metric='loss'"):
        plot_history(HISTORY, metric="val_loss")


def test_history_errors_for_what_holds_no_history():
    with pytest.raises(NotFittedError, match="fit it first"):
        plot_history(_FittedWithHistory())
    with pytest.raises(TypeError, match="history must be a dict"):
        plot_history([0.5, 0.4])
    with pytest.raises(ValueError, match="empty"):
        plot_history({"loss": []})


# --------------------------------------------------------------------------
# plot_saliency
# --------------------------------------------------------------------------


@pytest.fixture
def planted():
    """A 50-bp sequence holding MOTIF at 5-17 and its saliency, peaked there."""
    rng = np.random.default_rng(0)
    bases = list(rng.choice(list("ACGT"), 50))
    bases[5:17] = MOTIF
    values = rng.uniform(0.0, 0.02, 50)
    values[5:17] += 0.2
    return "".join(bases), values


def test_saliency_draws_one_bar_per_base(planted, tmp_path):
    sequence, values = planted
    ax = plot_saliency(values, sequence)

    bars = ax.containers[0]
    assert len(bars) == len(sequence) == 50
    np.testing.assert_allclose([bar.get_height() for bar in bars], values)
    np.testing.assert_allclose(
        [bar.get_x() + bar.get_width() / 2 for bar in bars], range(50)
    )
    assert tick_texts(ax) == list(sequence)
    np.testing.assert_array_equal(ax.get_xticks(), range(50))
    assert ax.get_xlabel() == "Bases"
    assert ax.get_ylabel() == "Saliency"
    assert ax.get_title() == "Saliency map"
    assert all(bar.get_facecolor() == to_rgba("C0") for bar in bars)
    assert_png(ax, tmp_path / "saliency.png")


def test_saliency_highlights_the_span(planted, tmp_path):
    sequence, values = planted
    ax = plot_saliency(values, sequence, highlight=(5, 17))

    colors = [bar.get_facecolor() for bar in ax.containers[0]]
    assert all(c == to_rgba("C1") for c in colors[5:17])
    assert all(c == to_rgba("C0") for c in colors[:5] + colors[17:])
    assert "5-16" in ax.get_title()
    # a light band of the highlight color behind the highlighted bars
    bars = set(ax.containers[0])
    (band,) = [patch for patch in ax.patches if patch not in bars]
    extents = band.get_extents().transformed(ax.transData.inverted())
    assert extents.x0 == pytest.approx(4.5) and extents.x1 == pytest.approx(16.5)
    assert band.get_facecolor()[:3] == to_rgba("C1")[:3]
    assert band.get_facecolor()[3] < 0.5
    assert band.get_zorder() < min(bar.get_zorder() for bar in bars)
    assert_png(ax, tmp_path / "saliency_highlight.png")


def test_saliency_highlights_several_spans_in_the_given_colors():
    sequence = "ACGTACGTAC"
    ax = plot_saliency(
        np.arange(10.0),
        sequence,
        highlight=[(0, 2), (7, 10)],
        color="gray",
        highlight_color="red",
        title="two sites",
    )
    colors = [bar.get_facecolor() for bar in ax.containers[0]]
    marked = {0, 1, 7, 8, 9}
    for i, color in enumerate(colors):
        assert color == to_rgba("red" if i in marked else "gray"), i
    assert len(ax.patches) == 10 + 2  # the bars and one band per span
    assert ax.get_title() == "two sites"


def test_saliency_sums_per_channel_scores(planted):
    sequence, values = planted
    per_channel = np.zeros((50, 4))
    per_channel[:, 0] = 2 * values
    per_channel[:, 3] = -values
    ax = plot_saliency(per_channel, sequence)
    np.testing.assert_allclose([bar.get_height() for bar in ax.containers[0]], values)


def test_saliency_draws_on_the_given_axes(planted):
    sequence, values = planted
    _, ax = plt.subplots()
    assert plot_saliency(values, sequence, ax=ax) is ax
    assert len(plt.get_fignums()) == 1


def test_saliency_labels_long_sequences_by_position():
    sequence = "ACGT" * 75  # 300 bp: bases could not be read under the bars
    ax = plot_saliency(np.ones(300), sequence)
    assert len(ax.containers[0]) == 300
    ticks = ax.get_xticks()
    assert 2 < len(ticks) < 20
    assert "position" in ax.get_xlabel()


def test_saliency_summarises_long_sequences_around_the_top_site(tmp_path):
    rng = np.random.default_rng(0)
    values = rng.normal(0, 0.01, 300_000)
    values[123_456] = 5.0  # the top site
    sequence = "".join(rng.choice(list("ACGT"), len(values)))
    ax = plot_saliency(values, sequence, units="logit")
    # a line summary, not 300,000 bars: a few artists, drawn and saved at once
    assert len(ax.patches) < 50 and not ax.containers
    assert "300,000" in ax.get_title()
    assert "top |saliency| at base 123,456" in ax.get_xlabel()
    assert ax.get_xlim()[0] <= 123_456 <= ax.get_xlim()[1]
    assert ax.get_ylabel() == "Saliency (logit units)"
    ax.figure.savefig(tmp_path / "long.png")
    plt.close("all")


def test_saliency_labels_its_units(planted):
    sequence, values = planted
    assert plot_saliency(values, sequence).get_ylabel() == "Saliency"
    ax = plot_saliency(values, sequence, units="probability")
    assert ax.get_ylabel() == "Saliency (probability units)"
    plt.close("all")


def test_saliency_errors(planted):
    sequence, values = planted
    with pytest.raises(ValueError, match="49 scores but the sequence has 50 bases"):
        plot_saliency(values[:-1], sequence)
    with pytest.raises(ValueError, match=r"shape \(1, 50\).*saliency\[i\]"):
        plot_saliency(values[np.newaxis], sequence)
    with pytest.raises(ValueError, match=r"\(45, 55\) is out of range.*<= 50"):
        plot_saliency(values, sequence, highlight=(45, 55))
    with pytest.raises(ValueError, match="out of range"):
        plot_saliency(values, sequence, highlight=[(5, 17), (9, 9)])
    with pytest.raises(TypeError, match="pair of ints"):
        plot_saliency(values, sequence, highlight=(5.0, 17.0))
    with pytest.raises(TypeError, match="sequence must be a str"):
        plot_saliency(values, list(sequence))


# --------------------------------------------------------------------------
# plot_logo
# --------------------------------------------------------------------------


def one_hot(sequence: str) -> np.ndarray:
    return np.eye(4)[["ACGT".index(base) for base in sequence]]


def test_logo_information_heights_in_bits(tmp_path):
    pfm = np.array(
        [
            [0.0, 1.0, 0.0, 0.0],  # certain C: 2 bits
            [0.25, 0.25, 0.25, 0.25],  # uniform: nothing drawn
            [0.5, 0.0, 0.0, 0.5],  # A or T: 1 bit, half each
        ]
    )
    ax = plot_logo(pfm)

    glyphs = glyphs_by_position(ax)
    assert sorted(glyphs) == [0, 2]
    (certain,) = glyphs[0]
    assert height(certain) == pytest.approx(2.0, abs=1e-6)
    assert certain.get_facecolor() == to_rgba(BASE_COLORS["C"])
    assert [height(p) for p in glyphs[2]] == pytest.approx([0.5, 0.5], abs=1e-6)
    assert {p.get_facecolor() for p in glyphs[2]} == {
        to_rgba(BASE_COLORS["A"]),
        to_rgba(BASE_COLORS["T"]),
    }
    assert ax.get_ylabel() == "bits"
    assert ax.get_xlabel() == "position"
    assert ax.get_ylim() == pytest.approx((0.0, 2.0))
    assert ax.get_title() == "Sequence logo"
    assert_png(ax, tmp_path / "logo.png")


def test_logo_of_a_motif_object_spells_its_consensus(tmp_path):
    rng = np.random.default_rng(0)
    pfm = 0.9 * one_hot(MOTIF) + 0.1 * rng.dirichlet(np.ones(4), len(MOTIF))
    motif = SimpleNamespace(pfm=pfm, name="planted", consensus=MOTIF)
    ax = plot_logo(motif)

    glyphs = glyphs_by_position(ax)
    assert sorted(glyphs) == list(range(12))
    for position, base in enumerate(MOTIF):
        tallest = max(glyphs[position], key=height)
        assert tallest.get_facecolor() == to_rgba(BASE_COLORS[base])
        assert 1.0 < height(tallest) < 2.0
    assert ax.get_title() == f"planted ({MOTIF})"
    assert tick_texts(ax) == [str(i) for i in range(12)]
    assert_png(ax, tmp_path / "logo_motif.png")


def test_logo_probability_draws_the_frequencies():
    pfm = np.array([[0.1, 0.2, 0.3, 0.4], [1.0, 0.0, 0.0, 0.0]])
    ax = plot_logo(pfm, kind="probability")
    glyphs = glyphs_by_position(ax)
    assert sorted(height(p) for p in glyphs[0]) == pytest.approx([0.1, 0.2, 0.3, 0.4])
    assert [height(p) for p in glyphs[1]] == pytest.approx([1.0])
    assert ax.get_ylabel() == "probability"
    assert ax.get_ylim() == pytest.approx((0.0, 1.0))


def test_logo_reorders_dataframe_columns():
    frame = pd.DataFrame({"T": [0.0], "G": [0.0], "C": [0.0], "A": [1.0]})
    ax = plot_logo(frame, kind="probability")
    (glyph,) = ax.patches
    assert glyph.get_facecolor() == to_rgba(BASE_COLORS["A"])


def test_logo_attribution_draws_values_as_given(tmp_path):
    values = one_hot("ACGTA") * np.array([[0.5], [-0.25], [0.0], [1.5], [0.1]])
    ax = plot_logo(values, kind="attribution")

    glyphs = glyphs_by_position(ax)
    assert sorted(glyphs) == [0, 1, 3, 4]
    for position, expected in [(0, 0.5), (1, 0.25), (3, 1.5), (4, 0.1)]:
        (glyph,) = glyphs[position]
        assert height(glyph) == pytest.approx(expected, abs=1e-6)
    # the negative value is drawn below zero
    assert glyphs[1][0].get_path().get_extents().y1 == pytest.approx(0.0, abs=1e-6)
    assert ax.get_ylabel() == "attribution"
    low, high = ax.get_ylim()
    assert low < -0.25 and high > 1.5
    assert_png(ax, tmp_path / "logo_attribution.png")


def test_logo_weight_draws_the_matrix_as_given():
    weights = np.array([[1.0, -1.0, 0.5, 0.0]])
    ax = plot_logo(weights, kind="weight")
    assert sorted(height(p) for p in ax.patches) == pytest.approx([0.5, 1.0, 1.0])
    assert ax.get_ylabel() == "weight"


def test_logo_draws_on_the_given_axes():
    _, ax = plt.subplots()
    assert plot_logo(np.full((4, 4), 0.25), ax=ax, title="flat") is ax
    assert ax.get_title() == "flat"
    assert len(plt.get_fignums()) == 1


def test_logo_errors():
    with pytest.raises(ValueError, match=r"kind='bits'.*'information', 'probability'"):
        plot_logo(np.full((3, 4), 0.25), kind="bits")
    with pytest.raises(ValueError, match=r"shape \(width, 4\).*\(3, 5\)"):
        plot_logo(np.full((3, 5), 0.2))
    with pytest.raises(ValueError, match=r"shape \(width, 4\).*\(12,\)"):
        plot_logo(np.full(12, 0.25))
    with pytest.raises(ValueError, match=r"row 1 \(0-based\).*sums to 2"):
        plot_logo(np.array([[0.25] * 4, [0.5] * 4]))
    with pytest.raises(ValueError, match=r"negative.*kind='attribution'"):
        plot_logo(np.array([[0.5, 0.5, 0.5, -0.5]]), kind="probability")
    for kind in ("weight", "attribution"):
        with pytest.raises(ValueError, match="motif.pfm holds base frequencies"):
            plot_logo(SimpleNamespace(pfm=np.full((3, 4), 0.25)), kind=kind)
    with pytest.raises(TypeError, match="pfm attribute"):
        plot_logo("CGACCGAACTCC")


def test_saliency_marks_positions_every_10_bases_and_letters_only_when_they_fit():
    ax = plot_saliency(np.ones(50), "ACGTA" * 10)
    assert tick_texts(ax) == list("ACGTA" * 10)  # letters under the bars
    (top,) = ax.child_axes
    np.testing.assert_array_equal(top.get_xticks(), range(0, 50, 10))
    assert "Position" in top.get_xlabel()
    ax = plot_saliency(np.ones(200), "ACGT" * 50)  # letters would be unreadable
    np.testing.assert_array_equal(ax.get_xticks(), range(0, 200, 10))
    assert not ax.child_axes and "position" in ax.get_xlabel()
    plt.close("all")
