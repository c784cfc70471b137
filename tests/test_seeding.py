"""Seeded fits: the same model every time, anywhere, without global state."""

import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from fits import FAST

from dnacnn import DNACNNClassifier, DNAOneHotTransformer, make_motif_dataset

# every test trains networks
pytestmark = pytest.mark.slow

# dropout and shuffling are on: every random draw of a fit is exercised
SEEDED = {**FAST, "epochs": 8, "dropout": 0.2}


@pytest.fixture(scope="module")
def motif_data():
    X, y = make_motif_dataset(n_samples=200, length=30, random_state=0)
    return DNAOneHotTransformer().fit_transform(X), y


def _proba(data, **params):
    X, y = data
    return DNACNNClassifier(**{**SEEDED, **params}).fit(X, y).predict_proba(X)


@pytest.fixture(scope="module")
def seeded(motif_data):
    """Probabilities of the fits seeded 0 and 1, run one after the other."""
    return [_proba(motif_data, random_state=seed) for seed in (0, 1)]


def _global_states():
    import keras
    import tensorflow as tf
    from keras.src.backend.common import global_state

    keras_generator = global_state.get_global_attribute("global_seed_generator")
    return (
        random.getstate(),
        np.random.get_state()[1].copy(),
        tf.random.get_global_generator().state.numpy().copy(),
        None
        if keras_generator is None
        else keras.ops.convert_to_numpy(keras_generator.state),
    )


def test_a_seeded_fit_leaves_the_global_generators_alone(motif_data):
    random.seed(5)
    np.random.seed(123)
    before = _global_states()
    _proba(motif_data, random_state=0)
    after = _global_states()
    assert after[0] == before[0]  # Python's random
    np.testing.assert_array_equal(after[1], before[1])  # NumPy's
    np.testing.assert_array_equal(after[2], before[2])  # TensorFlow's
    if before[3] is None:
        assert after[3] is None  # Keras' global SeedGenerator was never made
    else:
        np.testing.assert_array_equal(after[3], before[3])
    # the issue's symptom: the caller's next draw was seed 0's first draw
    assert np.random.rand() == np.random.RandomState(123).rand()


def test_same_seed_same_model_other_seed_or_none_another(seeded, motif_data):
    np.testing.assert_array_equal(_proba(motif_data, random_state=0), seeded[0])
    assert not np.array_equal(seeded[0], seeded[1])
    unseeded = [_proba(motif_data, random_state=None) for _ in range(2)]
    assert not np.array_equal(*unseeded)


def test_random_state_instance_is_read_not_advanced(motif_data):
    state = np.random.RandomState(7)
    before = state.get_state()[1].copy()
    a = _proba(motif_data, random_state=state)
    np.testing.assert_array_equal(_proba(motif_data, random_state=state), a)
    np.testing.assert_array_equal(state.get_state()[1], before)


def test_shuffling_is_seeded_and_can_be_turned_off(seeded, motif_data):
    in_order = _proba(motif_data, random_state=0, shuffle=False)
    np.testing.assert_array_equal(
        _proba(motif_data, random_state=0, shuffle=False), in_order
    )
    assert not np.array_equal(in_order, seeded[0])


def test_seeded_fits_in_two_threads_match_fits_run_in_turn(seeded, motif_data):
    with ThreadPoolExecutor(2) as pool:
        threaded = list(pool.map(lambda s: _proba(motif_data, random_state=s), (0, 1)))
    for together, alone in zip(threaded, seeded, strict=True):
        np.testing.assert_array_equal(together, alone)


def test_seeding_leaves_op_determinism_off_so_unseeded_fits_work(seeded, motif_data):
    # scikeras' seeding would have switched op determinism on for good, after
    # which an unseeded fit fails with "Random ops require a seed".
    from tensorflow.python.framework import config

    assert not config.is_op_determinism_enabled()
    assert _proba(motif_data, random_state=None, epochs=1).shape == (200, 2)


SCRIPT = """
import hashlib, numpy as np
from dnacnn import DNACNNClassifier, DNAOneHotTransformer, make_motif_dataset
X, y = make_motif_dataset(n_samples=200, length=30, random_state=0)
X = DNAOneHotTransformer().fit_transform(X)
clf = DNACNNClassifier(filters=8, kernel_size=8, epochs=3, dropout=0.2,
                       random_state=3).fit(X, y)
print(hashlib.sha256(clf.predict_proba(X).tobytes()).hexdigest())
"""


def test_same_seed_bit_identical_across_processes():
    digests = {
        subprocess.run(
            [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    }
    assert len(digests) == 1
