"""Fixtures shared by the test modules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

# The repository is cloned next to ``shared/`` (here and in CI).
PRIMER_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "primer"
PRIMER_FILENAMES = ("sequences.txt", "labels.txt")


@pytest.fixture(scope="session")
def primer_dir() -> Path:
    """Folder holding the primer tutorial's ``sequences.txt`` and ``labels.txt``."""
    missing = [name for name in PRIMER_FILENAMES if not (PRIMER_DIR / name).is_file()]
    if missing:
        pytest.fail(
            f"The reference data {missing} are missing from {PRIMER_DIR}; the tests "
            "need the repository cloned next to shared/data/primer/.",
            pytrace=False,
        )
    return PRIMER_DIR


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
