"""The package itself: cheap import, version, lazy public names."""

import subprocess
import sys

import pytest

import dnacnn


def test_import_does_not_load_tensorflow_or_keras():
    code = (
        "import sys, dnacnn; "
        "dnacnn.DNAOneHotTransformer; dnacnn.make_motif_dataset; "
        "print(sorted(m for m in ('tensorflow', 'keras', 'scikeras') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_version_and_public_names():
    assert isinstance(dnacnn.__version__, str) and dnacnn.__version__.count(".") == 2
    for name in dnacnn.__all__:
        assert getattr(dnacnn, name) is not None
    assert set(dnacnn.__all__) <= set(dir(dnacnn))


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'DNACNN'"):
        dnacnn.DNACNN  # noqa: B018
