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


@pytest.fixture
def primer_cache(tmp_path: Path, primer_dir: Path) -> Path:
    """A data home already holding the primer files, as ``fetch_primer`` caches them.

    Call ``fetch_primer(data_home=primer_cache, download_if_missing=False)``.
    """
    data_home = tmp_path / "data_home"
    (data_home / "primer").mkdir(parents=True)
    for name in PRIMER_FILENAMES:
        shutil.copyfile(primer_dir / name, data_home / "primer" / name)
    return data_home
