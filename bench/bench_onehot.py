"""One-hot encoding speed and memory, measured side by side in one run.

Usage::

    python bench/bench_onehot.py [--n 100000] [--length 200] [--repeats 7]

Prints one table of medians over interleaved repeats and the ratios the
foundation issue sets as targets:

* float32 encoding within 2x of writing the output once (``np.copyto`` of a
  same-size float32 array into a preallocated, not yet touched array: the
  cost of the memory the encoder has to fill anyway);
* at least 500x faster than the tutorial's per-sequence ``LabelEncoder`` +
  ``OneHotEncoder`` (timed once on a subset and scaled linearly, as it is
  linear in the number of sequences);
* peak extra memory during ``transform`` (numpy allocations traced by
  ``tracemalloc``, output included) at most 1.5x the output's size.
"""

from __future__ import annotations

import argparse
import gc
import platform
import time
import tracemalloc

import numpy as np
from sklearn.preprocessing import LabelEncoder, OneHotEncoder

from dnacnn import DNAOneHotTransformer


def random_sequences(n: int, length: int, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    codes = np.frombuffer(b"ACGT", np.uint8)[rng.integers(0, 4, size=(n, length))]
    return [row.tobytes().decode() for row in codes]


def tutorial_encode(sequences: list[str]) -> np.ndarray:
    """The primer tutorial's encoder, verbatim but for the variable names."""
    integer_encoder = LabelEncoder()
    one_hot_encoder = OneHotEncoder(categories="auto")
    features = []
    for sequence in sequences:
        integer_encoded = integer_encoder.fit_transform(list(sequence))
        integer_encoded = np.array(integer_encoded).reshape(-1, 1)
        one_hot_encoded = one_hot_encoder.fit_transform(integer_encoded)
        features.append(one_hot_encoded.toarray())
    return np.stack(features)


def timed(fn) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--length", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--tutorial-subset", type=int, default=2_000)
    args = parser.parse_args()

    seqs = random_sequences(args.n, args.length)
    shape = (args.n, args.length, 4)
    source = np.ones(shape, dtype=np.float32)
    warm = np.empty(shape, dtype=np.float32)
    warm.fill(0)
    f32 = DNAOneHotTransformer().fit(seqs)
    u8 = DNAOneHotTransformer(dtype=np.uint8).fit(seqs)
    subset = seqs[: args.tutorial_subset]
    scale = args.n / len(subset)

    def copy_fresh() -> float:
        out = np.empty(shape, dtype=np.float32)  # allocated, not yet touched
        return timed(lambda: np.copyto(out, source))

    cases = {
        "np.copyto into preallocated array (floor)": copy_fresh,
        "np.copyto into already-written array": lambda: timed(
            lambda: np.copyto(warm, source)
        ),
        "DNAOneHotTransformer float32": lambda: timed(lambda: f32.transform(seqs)),
        "DNAOneHotTransformer uint8": lambda: timed(lambda: u8.transform(seqs)),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for repeat in range(args.repeats + 1):  # interleaved; round 0 warms up
        for name, case in cases.items():
            elapsed = case()
            if repeat:
                times[name].append(elapsed)
    tutorial_name = f"tutorial encoder, {len(subset):,} seqs x {scale:g}"
    # Timed after the fast cases: its long run lets the host reclaim freed
    # memory, which would make the next first touch of 300 MiB look slow.
    times[tutorial_name] = [scale * timed(lambda: tutorial_encode(subset))]
    median = {name: float(np.median(t)) for name, t in times.items()}

    assert np.array_equal(f32.transform(subset), tutorial_encode(subset))
    out_bytes = int(np.prod(shape)) * 4
    tracemalloc.start()
    f32.transform(seqs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    floor = median["np.copyto into preallocated array (floor)"]
    ours = median["DNAOneHotTransformer float32"]
    tutorial = median[tutorial_name]
    print(
        f"One-hot encoding of {args.n:,} x {args.length} bp random sequences "
        f"(output {out_bytes / 2**20:,.0f} MiB float32); median of "
        f"{args.repeats} interleaved repeats; numpy {np.__version__}, "
        f"Python {platform.python_version()}, {platform.machine()}"
    )
    print()
    print(f"| {'case':<48} | {'time (ms)':>10} | {'vs floor':>8} |")
    print(f"|{'-' * 50}|{'-' * 12}|{'-' * 10}|")
    for name, t in median.items():
        print(f"| {name:<48} | {t * 1e3:>10,.1f} | {t / floor:>7.2f}x |")
    print()
    rows = [
        ("float32 encoding / floor", ours / floor, "<= 2", ours / floor <= 2),
        (
            "tutorial / float32 encoding",
            tutorial / ours,
            ">= 500",
            tutorial / ours >= 500,
        ),
        (
            "peak traced memory / output size",
            peak / out_bytes,
            "<= 1.5",
            peak / out_bytes <= 1.5,
        ),
    ]
    print(f"| {'ratio':<34} | {'measured':>9} | {'target':>7} | {'':4} |")
    print(f"|{'-' * 36}|{'-' * 11}|{'-' * 9}|{'-' * 6}|")
    for name, value, target, ok in rows:
        print(
            f"| {name:<34} | {value:>9,.2f} | {target:>7} | "
            f"{'ok' if ok else 'MISS':<4} |"
        )


if __name__ == "__main__":
    main()
