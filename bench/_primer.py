"""The primer tutorial's data for the bench scripts: the copy in ../shared/data.

That folder is laid out as a dnacnn data home (``primer/sequences.txt`` and
``primer/labels.txt``), so ``fetch_primer`` reads it in place, hash-checked,
with no download.
"""

from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def load_primer():
    from dnacnn import fetch_primer

    return fetch_primer(data_home=SHARED_DATA, download_if_missing=False)
