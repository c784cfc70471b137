"""Fixtures shared by the test modules.

Most tests run on data they generate.  The few that need the primer
tutorial's exact files (``sequences.txt``, ``labels.txt``) read them from
``../shared/data/primer/`` beside the checkout (as CI has it) or from a cache
that ``fetch_primer()`` filled earlier, and skip, saying how to enable them,
when neither holds the files.  Nothing downloads at test time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

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


#: Network and training parameters that learn the planted motif in seconds.
FAST = dict(filters=16, kernel_size=8, epochs=15, learning_rate=0.01, batch_size=32)


@pytest.fixture(scope="session")
def planted():
    """300 sequences of 30 bp, the motif planted in half: ``(strings, labels)``."""
    from dnacnn import make_motif_dataset

    X, y = make_motif_dataset(n_samples=300, length=30, random_state=0)
    return X, y
