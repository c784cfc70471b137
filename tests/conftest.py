"""Fixtures shared by the test modules, and the fast lane.

The fast lane
-------------
``slow`` marks every test that trains a Keras model (a ``fit`` of a DNACNN
estimator or of a Keras network, directly, through a fixture, a pipeline, a
search or ``dnacnn demo``/``dnacnn fit`` run as a command) or reads large
data; ``pytest -m "not slow"`` leaves them out.  Two things keep the marks
true:

* a test not marked ``slow`` that calls ``keras.Model.fit`` in this process
  fails, saying so (:func:`_refuse_training`): mark it, or let it read a
  fitted fixture of a slow test's;
* a doctest cannot carry a mark, so the doctests that train are listed in
  ``TRAINING_DOCTESTS`` and marked here; an unlisted one that trains fails
  the same way.

A command run as a subprocess (``dnacnn fit``) trains out of the check's
sight: its test is marked by hand.

Shared data and models
----------------------
``planted`` (300 sequences of 30 bp, the primer motif in half), one-hot as
``planted_onehot``, and ``planted_classifier``, a DNACNNClassifier trained
once on them with ``FAST`` for the whole session (``planted_pipeline`` is the
same network behind the one-hot encoder).  The fitted ones are shared: a test
reads them and never refits or changes them (``clone`` them first).

Primer data
-----------
Most tests run on data they generate.  The few that need the primer
tutorial's exact files (``sequences.txt``, ``labels.txt``) read them from
``../shared/data/primer/`` beside the checkout (as CI has it) or from a cache
that ``fetch_primer()`` filled earlier, and skip, saying how to enable them,
when neither holds the files.  Nothing downloads at test time.
``primer_split`` is the tutorial's train/test split of them, and
``primer_pipeline`` the default pipeline fitted once on its training part,
shared as ``planted_classifier`` is.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import sys
from pathlib import Path

import pytest
from fits import FAST

# The repository is cloned next to ``shared/`` (here and in CI).
SHARED_PRIMER_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "primer"
# name -> SHA256, as fetch_primer checks them
PRIMER_FILES = {
    "sequences.txt": "8d9156486cf383cf04470395961970db80203689e6368c393e854aaef2268fbd",
    "labels.txt": "912af2e66b139c7f1762b7df513f675d4631eb9c280ba73c08d8135f1a4e5d6a",
}
PRIMER_FILENAMES = tuple(PRIMER_FILES)


def _holds_primer(folder: Path) -> bool:
    return all(
        (folder / name).is_file()
        and hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
        for name, digest in PRIMER_FILES.items()
    )


def _primer_folders() -> list[Path]:
    """Where the primer files may be: shared/ beside the checkout, then caches."""
    homes = [os.environ.get("DNACNN_DATA"), os.path.join("~", "dnacnn_data")]
    return [SHARED_PRIMER_DIR] + [
        Path(home).expanduser() / "primer" for home in homes if home
    ]


@pytest.fixture(scope="session")
def primer_dir() -> Path:
    """Folder holding the primer tutorial's ``sequences.txt`` and ``labels.txt``."""
    for folder in _primer_folders():
        if _holds_primer(folder):
            return folder
    pytest.skip(
        "needs the primer tutorial's data, found neither in "
        f"{SHARED_PRIMER_DIR} nor in a fetch_primer() cache; clone the "
        "repository beside shared/data/primer/, or run "
        "`python -c 'import dnacnn; dnacnn.fetch_primer()'` once (downloads "
        "2 small files into DNACNN_DATA or ~/dnacnn_data) to enable these tests"
    )


def _seed_cache(data_home: Path, primer_dir: Path) -> Path:
    (data_home / "primer").mkdir(parents=True)
    for name in PRIMER_FILENAMES:
        shutil.copyfile(primer_dir / name, data_home / "primer" / name)
    return data_home


@pytest.fixture
def primer_cache(tmp_path: Path, primer_dir: Path) -> Path:
    """A data home already holding the primer files, as ``fetch_primer`` caches them.

    Call ``fetch_primer(data_home=primer_cache, download_if_missing=False)``.
    Each test gets its own copy, free to damage.
    """
    return _seed_cache(tmp_path / "data_home", primer_dir)


@pytest.fixture(scope="session")
def primer_data(tmp_path_factory, primer_dir: Path):
    """The primer data set, loaded once through ``fetch_primer`` from a cache."""
    from dnacnn import fetch_primer

    home = _seed_cache(tmp_path_factory.mktemp("primer") / "data_home", primer_dir)
    return fetch_primer(data_home=home, download_if_missing=False)


@pytest.fixture(scope="session")
def primer_split(primer_data):
    """The tutorial's split of the primer data: ``X_train, X_test, y_train, y_test``."""
    from sklearn.model_selection import train_test_split

    return train_test_split(
        primer_data.sequences, primer_data.target, test_size=0.25, random_state=42
    )


@pytest.fixture(scope="session")
def primer_pipeline(primer_split):
    """The default pipeline (``random_state=0``) fitted on ``primer_split``'s
    training part, as README's example fits it.

    Shared by the whole session: read it, never refit or change it.
    """
    from sklearn.pipeline import make_pipeline

    from dnacnn import DNACNNClassifier, DNAOneHotTransformer

    X_train, _, y_train, _ = primer_split
    model = make_pipeline(DNAOneHotTransformer(), DNACNNClassifier(random_state=0))
    return model.fit(X_train, y_train)


# ------------------------------------------------------------ shared data
@pytest.fixture(scope="session")
def planted_sites():
    """300 sequences of 30 bp, the motif planted in half, and where.

    ``(strings, labels, positions)``; positions are -1 where no motif is.
    """
    from dnacnn import make_motif_dataset

    return make_motif_dataset(
        n_samples=300, length=30, return_positions=True, random_state=0
    )


@pytest.fixture(scope="session")
def planted(planted_sites):
    """The planted-motif data as ``(strings, labels)``."""
    X, y, _ = planted_sites
    return X, y


@pytest.fixture(scope="session")
def planted_onehot(planted):
    """The planted-motif data as ``(one-hot array of shape (300, 30, 4), labels)``."""
    from dnacnn import DNAOneHotTransformer

    X, y = planted
    return DNAOneHotTransformer().fit_transform(X), y


@pytest.fixture(scope="session")
def planted_classifier(planted_onehot):
    """``DNACNNClassifier(**FAST, random_state=0)`` fitted on ``planted_onehot``.

    Shared by the whole session: read it, never refit or change it.
    """
    from dnacnn import DNACNNClassifier

    return DNACNNClassifier(**FAST, random_state=0).fit(*planted_onehot)


@pytest.fixture(scope="session")
def planted_pipeline(planted, planted_classifier):
    """``planted_classifier`` behind a one-hot encoder: a pipeline of strings."""
    from sklearn.pipeline import make_pipeline

    from dnacnn import DNAOneHotTransformer

    X, _ = planted
    return make_pipeline(DNAOneHotTransformer().fit(X), planted_classifier)


# -------------------------------------------------------------- fast lane
#: Doctests that train a network (a doctest cannot carry a mark).
TRAINING_DOCTESTS = {
    "dnacnn.estimators._classifier.DNACNNClassifier",
    "dnacnn.estimators._regressor.DNACNNRegressor",
    "dnacnn.genome._variants.score_variants",
    "dnacnn.interpret.in_silico_mutagenesis",
    "dnacnn.interpret.saliency",
    "dnacnn.motifs._discover.discover_motif",
    "dnacnn.motifs._discover.filter_motifs",
    "dnacnn.motifs._modisco.discover_motifs",
    "dnacnn.persistence.save_model",
    "genome.rst",
    "own_network.rst",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if isinstance(item, pytest.DoctestItem) and item.name in TRAINING_DOCTESTS:
            item.add_marker(pytest.mark.slow)


# Whether the test running now may train (it is marked slow).
_may_train = [True]


def _refuse_training() -> None:
    """Make ``keras.Model.fit`` fail in a test that is not marked ``slow``."""
    keras = sys.modules.get("keras")
    if keras is None or getattr(keras.Model.fit, "_refuses_unmarked", False):
        return
    original = keras.Model.fit

    @functools.wraps(original)
    def fit(self, *args, **kwargs):
        if not _may_train[0]:
            pytest.fail(
                "this test trains a Keras model (keras.Model.fit) but is not "
                "marked slow: add @pytest.mark.slow (see tests/conftest.py)",
                pytrace=False,
            )
        return original(self, *args, **kwargs)

    fit._refuses_unmarked = True
    keras.Model.fit = fit


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _refuse_training()  # once keras is imported (by a test module, mostly)
    _may_train[0] = item.get_closest_marker("slow") is not None
    try:
        return (yield)
    finally:
        _may_train[0] = True
