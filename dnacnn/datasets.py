"""Data sets: a planted-motif simulator, the primer's data set, sequence readers.

- :func:`make_motif_dataset` simulates the primer tutorial's data: random DNA
  background with a binding motif planted once in every positive sequence.
- :func:`fetch_primer` downloads (once, into :func:`get_data_home`) and loads the
  tutorial's 2,000 sequences and labels, checking their SHA256 digests.
- :func:`load_sequences` reads plain-text or FASTA files, optionally gzipped.

Only numpy, scikit-learn and the standard library are imported here; never
TensorFlow.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import numbers
import os
import tempfile
import urllib.request
import warnings
import zlib
from typing import BinaryIO, NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from sklearn.utils import Bunch, check_random_state

from .exceptions import DNACNNWarning

__all__ = ["fetch_primer", "get_data_home", "load_sequences", "make_motif_dataset"]

_BASES = "ACGT"
_BASE_BYTES = np.frombuffer(_BASES.encode("ascii"), dtype=np.uint8)
# Rounds of background resampling before make_motif_dataset gives up.
_MAX_RESAMPLING_ROUNDS = 1000


# --------------------------------------------------------------------------
# make_motif_dataset
# --------------------------------------------------------------------------


def _check_int(value: object, name: str, min_val: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an int, got {value!r} of type {type(value).__name__}."
        )
    if value < min_val:
        raise ValueError(f"{name} must be >= {min_val}, got {value!r}.")
    return int(value)


def _check_fraction(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a float in [0, 1], got {value!r} of type "
            f"{type(value).__name__}."
        )
    if not 0.0 <= value <= 1.0:  # also rejects NaN
        raise ValueError(f"{name} must be in [0, 1], got {value!r}.")
    return float(value)


def _check_motif(motif: str | ArrayLike) -> tuple[np.ndarray | None, np.ndarray]:
    """Validate ``motif``; return ``(pwm or None, consensus codes)``.

    Codes are 0, 1, 2, 3 for A, C, G, T; the complement of code ``c`` is ``3 - c``.
    """
    if isinstance(motif, str):
        if not motif:
            raise ValueError("motif is empty; give at least one base.")
        upper = motif.upper()
        for position, char in enumerate(upper):
            if char not in _BASES:
                raise ValueError(
                    f"Invalid character {motif[position]!r} at position {position} "
                    f"of motif {motif!r} (0-based). Allowed: A, C, G, T (any case). "
                    "For a degenerate motif, pass a PWM of shape (width, 4)."
                )
        return None, np.array([_BASES.index(c) for c in upper], dtype=np.uint8)

    try:
        pwm = np.asarray(motif, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            "motif must be a str of A/C/G/T or an array-like position weight "
            f"matrix of shape (width, 4); got {type(motif).__name__}."
        ) from exc
    if pwm.ndim != 2 or pwm.shape[1] != 4:
        raise ValueError(
            "A PWM motif must have shape (width, 4), columns A, C, G, T; got shape "
            f"{pwm.shape}."
        )
    if pwm.shape[0] == 0:
        raise ValueError("motif is empty: the PWM has 0 rows.")
    for row, values in enumerate(pwm):
        if not np.isfinite(values).all() or (values < 0).any():
            raise ValueError(
                f"Row {row} of the PWM motif (0-based) is {values.tolist()}; every "
                "entry must be a finite, non-negative probability."
            )
        total = values.sum()
        if abs(total - 1.0) > 1e-6:
            raise ValueError(
                f"Row {row} of the PWM motif (0-based) sums to {float(total)!r}, not 1 "
                "(tolerance 1e-6); each row must hold probabilities of A, C, G, T."
            )
    pwm = pwm / pwm.sum(axis=1, keepdims=True)
    return pwm, pwm.argmax(axis=1).astype(np.uint8)


def _stray_sites(
    codes: np.ndarray, positions: np.ndarray, patterns: list[np.ndarray]
) -> np.ndarray:
    """Rows of ``codes`` where a pattern occurs other than at ``positions``.

    ``positions`` is -1 for rows that must hold no occurrence at all.
    """
    width = patterns[0].size
    n_windows = codes.shape[1] - width + 1
    hits = np.zeros((codes.shape[0], n_windows), dtype=bool)
    for pattern in patterns:
        match = np.ones_like(hits)
        for offset, base in enumerate(pattern):  # loop over the motif's width only
            match &= codes[:, offset : offset + n_windows] == base
        hits |= match
    planted = np.flatnonzero(positions >= 0)
    hits[planted, positions[planted]] = False
    return hits.any(axis=1)


def make_motif_dataset(
    n_samples: int = 2000,
    length: int = 50,
    motif: str | ArrayLike = "CGACCGAACTCC",
    *,
    positive_fraction: float = 0.5,
    gc_content: float = 0.5,
    both_strands: bool = False,
    return_strands: bool = False,
    random_state: int | np.random.RandomState | None = None,
) -> tuple[np.ndarray, ...]:
    """Simulate DNA sequences with a binding motif planted in the positives.

    The primer tutorial's generative process: each base of the background is
    drawn independently (G and C each with probability ``gc_content / 2``, A and
    T each with ``(1 - gc_content) / 2``); every positive sequence then receives
    one copy of the motif at a uniformly random position. Background is
    resampled until no negative contains the motif and no positive contains it
    anywhere but at the planted site, so a positive holds the motif exactly once
    and a negative never does.

    Parameters
    ----------
    n_samples : int, default=2000
        Number of sequences.
    length : int, default=50
        Length of every sequence, at least the motif's width.
    motif : str or array-like of shape (width, 4), default="CGACCGAACTCC"
        The binding site. A string of A, C, G, T (any case) is planted as is. A
        position weight matrix (rows are probabilities of A, C, G, T, each row
        summing to 1) gives a fresh site per positive sequence, sampled base by
        base; then "the motif" in the checks above is the PWM's consensus (the
        most probable base of each row, the first of A, C, G, T on ties), which
        a planted site need not equal.
    positive_fraction : float, default=0.5
        Fraction of positive sequences; there are exactly
        ``round(n_samples * positive_fraction)``, in shuffled order.
    gc_content : float, default=0.5
        Expected fraction of G and C in the background.
    both_strands : bool, default=False
        If True, the site is planted as its reverse complement with probability
        0.5, and the checks consider both strands: no negative holds the motif
        or its reverse complement, and a positive holds one of them at a single
        position. If False, only the forward motif is planted and checked (its
        reverse complement may appear by chance).
    return_strands : bool, default=False
        If True, also return the strand of each planted site.
    random_state : int, RandomState instance or None, default=None
        Seed or generator, as in scikit-learn; an int gives reproducible data.

    Returns
    -------
    X : ndarray of shape (n_samples,), dtype=object
        The sequences, as Python ``str`` of upper-case A, C, G, T.
    y : ndarray of shape (n_samples,), dtype=int64
        1 for sequences holding the motif, 0 otherwise.
    positions : ndarray of shape (n_samples,), dtype=int64
        0-based start of the planted site in ``X[i]``, -1 for negatives. On the
        minus strand it is where the reverse complement starts, so the site is
        always ``X[i][positions[i]:positions[i] + width]``.
    strands : ndarray of shape (n_samples,), dtype=int64
        Returned only if ``return_strands=True``: +1 where the motif was planted
        as given, -1 where its reverse complement was, 0 for negatives.

    Raises
    ------
    TypeError
        If ``motif`` is neither a string nor a numeric array-like, or a number
        has the wrong type.
    ValueError
        If the motif is empty, holds a character other than A, C, G, T, is a
        PWM of the wrong shape or with a negative or non-normalized row, or is
        longer than ``length``; if ``n_samples`` or ``length`` is below 1, or
        ``gc_content`` or ``positive_fraction`` is outside [0, 1]; or if the
        background contains the motif so often that resampling cannot remove
        it (a very short motif or an extreme ``gc_content``).

    Examples
    --------
    >>> import numpy as np
    >>> from dnacnn.datasets import make_motif_dataset
    >>> X, y, positions = make_motif_dataset(n_samples=10, length=30, random_state=0)
    >>> print(X.shape, y.sum(), len(X[0]))
    (10,) 5 30
    >>> i = np.flatnonzero(y)[0]
    >>> X[i][positions[i] : positions[i] + 12]
    'CGACCGAACTCC'
    >>> positions[y == 0]
    array([-1, -1, -1, -1, -1])
    """
    n_samples = _check_int(n_samples, "n_samples", 1)
    length = _check_int(length, "length", 1)
    positive_fraction = _check_fraction(positive_fraction, "positive_fraction")
    gc_content = _check_fraction(gc_content, "gc_content")
    pwm, consensus = _check_motif(motif)
    width = consensus.size
    if width > length:
        raise ValueError(
            f"The motif is {width} bases long but length={length}; length must be "
            "at least the motif's width."
        )
    rng = check_random_state(random_state)

    n_positives = round(n_samples * positive_fraction)
    y = np.zeros(n_samples, dtype=np.int64)
    y[:n_positives] = 1
    y = y[rng.permutation(n_samples)]
    positive = np.flatnonzero(y)

    positions = np.full(n_samples, -1, dtype=np.int64)
    positions[positive] = rng.randint(0, length - width + 1, size=n_positives)
    strands = np.zeros(n_samples, dtype=np.int64)
    if both_strands:
        strands[positive] = np.where(rng.random_sample(n_positives) < 0.5, -1, 1)
    else:
        strands[positive] = 1

    sites = np.zeros((n_samples, width), dtype=np.uint8)
    if pwm is None:
        sites[positive] = consensus
    else:
        cumulative = np.cumsum(pwm, axis=1)[:, :3]
        draws = rng.random_sample((n_positives, width))
        sites[positive] = (draws[:, :, None] >= cumulative).sum(axis=2)
    minus = strands == -1
    sites[minus] = 3 - sites[minus, ::-1]

    patterns = [consensus]
    if both_strands:
        patterns.append(3 - consensus[::-1])
    gc = gc_content / 2
    base_probabilities = [0.5 - gc, gc, gc, 0.5 - gc]
    offsets = np.arange(width)
    codes = np.empty((n_samples, length), dtype=np.uint8)
    todo = np.arange(n_samples)
    for _ in range(_MAX_RESAMPLING_ROUNDS):
        codes[todo] = rng.choice(4, size=(todo.size, length), p=base_probabilities)
        planted = todo[y[todo] == 1]
        codes[planted[:, None], positions[planted, None] + offsets] = sites[planted]
        todo = todo[_stray_sites(codes[todo], positions[todo], patterns)]
        if todo.size == 0:
            break
    else:
        raise ValueError(
            f"After {_MAX_RESAMPLING_ROUNDS} rounds of resampling, {todo.size} "
            f"background sequences of length {length} (gc_content={gc_content}) "
            "still contain the motif by chance. Use a longer motif, shorter "
            "sequences or a gc_content further from the motif's own."
        )

    X = _BASE_BYTES[codes].view(f"S{length}")[:, 0].astype(f"U{length}")
    X = X.astype(object)
    if return_strands:
        return X, y, positions, strands
    return X, y, positions


# --------------------------------------------------------------------------
# Data home and the primer data set
# --------------------------------------------------------------------------


def get_data_home(data_home: str | os.PathLike[str] | None = None) -> str:
    """Return the folder where dnacnn caches downloaded data sets.

    The folder is, in order of precedence, ``data_home``, the ``DNACNN_DATA``
    environment variable, or ``~/dnacnn_data``. ``~`` is expanded and the folder
    is created if it does not exist.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder to use. If None, ``DNACNN_DATA`` or ``~/dnacnn_data``.

    Returns
    -------
    data_home : str
        Path of the folder, which exists.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from dnacnn.datasets import get_data_home
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     home = get_data_home(Path(tmp) / "cache")
    ...     print(home == str(Path(tmp) / "cache"), Path(home).is_dir())
    True True
    """
    if data_home is None:
        data_home = os.environ.get("DNACNN_DATA") or os.path.join("~", "dnacnn_data")
    data_home = os.path.expanduser(os.fspath(data_home))
    os.makedirs(data_home, exist_ok=True)
    return data_home


class RemoteFileMetadata(NamedTuple):
    """A file to download: its name in the cache, its URL and its SHA256 digest."""

    filename: str
    url: str
    sha256: str


_PRIMER_URL = (
    "https://raw.githubusercontent.com/abidlabs/deep-learning-genomics-primer/master"
)
# Tests point these at a loopback server by replacing the tuple.
_PRIMER_FILES = (
    RemoteFileMetadata(
        "sequences.txt",
        f"{_PRIMER_URL}/sequences.txt",
        "8d9156486cf383cf04470395961970db80203689e6368c393e854aaef2268fbd",
    ),
    RemoteFileMetadata(
        "labels.txt",
        f"{_PRIMER_URL}/labels.txt",
        "912af2e66b139c7f1762b7df513f675d4631eb9c280ba73c08d8135f1a4e5d6a",
    ),
)
_DOWNLOAD_TIMEOUT = 60  # seconds without data before a download fails
_CHUNK_SIZE = 1 << 16

_PRIMER_DESCR = """\
The primer's simulated transcription-factor binding data set
-------------------------------------------------------------

2,000 DNA sequences of 50 bases, each labelled 1 (bound by the transcription
factor, 987 sequences) or 0 (not bound, 1,013 sequences). Every bound sequence
contains the binding motif CGACCGAACTCC exactly once; no unbound sequence
contains it. The data accompany Zou, Huss, Abid, Mohammadi, Torkamani and
Telenti, "A primer on deep learning in genomics", Nature Genetics 51, 12-18
(2019; online 2018), and its tutorial notebook, where a 1D convolutional network reaches
0.98 test accuracy (train_test_split(test_size=0.25, random_state=42)) and
saliency maps recover the motif. Source:
https://github.com/abidlabs/deep-learning-genomics-primer (files sequences.txt
and labels.txt).
"""


def _sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(_CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stream(url: str, file: BinaryIO) -> str:
    """Write the body at ``url`` into ``file``; return its SHA256 hex digest."""
    digest = hashlib.sha256()
    received = 0
    with urllib.request.urlopen(url, timeout=_DOWNLOAD_TIMEOUT) as response:
        for chunk in iter(lambda: response.read(_CHUNK_SIZE), b""):
            digest.update(chunk)
            file.write(chunk)
            received += len(chunk)
        announced = response.headers.get("Content-Length")
    if announced is not None and received != int(announced):
        raise OSError(f"the connection closed after {received} of {announced} bytes")
    return digest.hexdigest()


def _download(remote: RemoteFileMetadata, folder: str, data_home: str) -> None:
    """Download ``remote`` into ``folder`` atomically, checking its digest.

    The bytes go to a temporary file in ``folder``, which replaces the final
    file only once its digest matches; on any failure it is removed.
    """
    descriptor, temp_path = tempfile.mkstemp(
        prefix=f".{remote.filename}.", suffix=".part", dir=folder
    )
    try:
        with os.fdopen(descriptor, "wb") as temp:
            try:
                actual = _stream(remote.url, temp)
            # URLError, HTTPError, timeouts, resets, truncation, bad HTTP
            except (OSError, http.client.HTTPException) as exc:
                raise OSError(
                    f"Could not download {remote.filename!r} from {remote.url} "
                    f"into the data home {data_home!r}: {exc}. If this machine is "
                    f"offline, copy sequences.txt and labels.txt into {folder!r}, "
                    "or set the DNACNN_DATA environment variable (or data_home) "
                    "to a folder whose 'primer' subfolder holds them."
                ) from exc
        if actual != remote.sha256:
            raise OSError(
                f"The file {remote.filename!r} downloaded from {remote.url} has "
                f"SHA256 {actual}, expected {remote.sha256}; it was discarded. "
                "The download may be corrupted or the remote file changed."
            )
        os.replace(temp_path, os.path.join(folder, remote.filename))
    except BaseException:
        try:
            os.remove(temp_path)
        except FileNotFoundError:
            pass
        raise


def fetch_primer(
    data_home: str | os.PathLike[str] | None = None,
    *,
    download_if_missing: bool = True,
    return_X_y: bool = False,
) -> Bunch | tuple[np.ndarray, np.ndarray]:
    """Load the primer tutorial's data set, downloading it once if needed.

    The files ``sequences.txt`` and ``labels.txt`` are cached in
    ``<data_home>/primer/`` and their SHA256 digests checked on every load. A
    cached file with the wrong digest is not trusted: it is downloaded again
    (with a :class:`~dnacnn.exceptions.DNACNNWarning`), or, with
    ``download_if_missing=False``, an error is raised.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Cache folder; see :func:`get_data_home` (``DNACNN_DATA`` or
        ``~/dnacnn_data`` by default).
    download_if_missing : bool, default=True
        If False, raise instead of downloading a file that is not cached.
    return_X_y : bool, default=False
        If True, return ``(sequences, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With attributes:

        sequences : ndarray of shape (2000,), dtype=object
            The 50-base sequences, as ``str``.
        target : ndarray of shape (2000,), dtype=int64
            1 if the sequence binds the transcription factor, else 0.
        target_names : ndarray of shape (2,)
            ``['unbound', 'bound']``: the meaning of target 0 and 1.
        motif : str
            The planted binding motif, ``'CGACCGAACTCC'``.
        DESCR : str
            Description of the data set, its paper and its source.
    (sequences, target) : tuple of ndarray
        If ``return_X_y=True``.

    Raises
    ------
    OSError
        If a file is neither cached nor downloadable (the message names the
        file, its URL and the data home), if it is not cached and
        ``download_if_missing=False``, or if a download's SHA256 digest differs
        from the expected one (the message gives both).

    Examples
    --------
    >>> from dnacnn.datasets import fetch_primer
    >>> data = fetch_primer()  # doctest: +SKIP
    >>> data.sequences.shape, data.target.sum()  # doctest: +SKIP
    ((2000,), 987)
    >>> sequences, target = fetch_primer(return_X_y=True)  # doctest: +SKIP
    """
    data_home = get_data_home(data_home)
    folder = os.path.join(data_home, "primer")
    os.makedirs(folder, exist_ok=True)
    paths = {}
    for remote in _PRIMER_FILES:
        path = os.path.join(folder, remote.filename)
        paths[remote.filename] = path
        if os.path.exists(path):
            actual = _sha256(path)
            if actual == remote.sha256:
                continue
            problem = (
                f"The cached file {path!r} has SHA256 {actual}, expected "
                f"{remote.sha256}"
            )
            if not download_if_missing:
                raise OSError(
                    f"{problem}, and download_if_missing=False. Replace it with "
                    f"the file from {remote.url}."
                )
            warnings.warn(
                f"{problem}; downloading it again from {remote.url}.",
                DNACNNWarning,
                stacklevel=2,
            )
        elif not download_if_missing:
            raise OSError(
                f"{remote.filename!r} was not found in the cache {folder!r} and "
                f"download_if_missing=False. Download it from {remote.url} into "
                "that folder, or set DNACNN_DATA (or data_home) to a folder whose "
                "'primer' subfolder holds it."
            )
        _download(remote, folder, data_home)

    sequences = load_sequences(paths["sequences.txt"])
    with open(paths["labels.txt"], encoding="ascii") as file:
        target = np.array(file.read().split(), dtype=np.int64)
    if return_X_y:
        return sequences, target
    return Bunch(
        sequences=sequences,
        target=target,
        target_names=np.array(["unbound", "bound"]),
        motif="CGACCGAACTCC",
        DESCR=_PRIMER_DESCR,
    )


# --------------------------------------------------------------------------
# load_sequences
# --------------------------------------------------------------------------


def _read_lines(path: str):
    """Yield ``(line number, stripped text)`` of a text file, gzipped or not."""
    with open(path, "rb") as raw:
        compressed = raw.read(2) == b"\x1f\x8b"
    opener = gzip.open if compressed else open
    try:
        with opener(path, "rb") as file:
            for number, line in enumerate(file, start=1):
                try:
                    text = line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise ValueError(
                        f"{path!r} is not a text file: line {number} is not valid "
                        f"UTF-8 ({exc.reason} at byte {exc.start})."
                    ) from exc
                if "\x00" in text:
                    raise ValueError(
                        f"{path!r} is not a text file: line {number} contains a "
                        "NUL byte."
                    )
                yield number, text.strip()
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise ValueError(
            f"{path!r} starts like a gzip file but cannot be decompressed: {exc}"
        ) from exc


def load_sequences(
    path: str | os.PathLike[str], *, return_ids: bool = False
) -> np.ndarray | tuple[np.ndarray, np.ndarray | None]:
    """Read DNA sequences from a plain-text or FASTA file, gzipped or not.

    A file whose first non-blank character is ``>`` is FASTA: each record is a
    ``>id description`` header followed by sequence lines, which are
    concatenated. Any other file is plain text, one sequence per line. Blank
    lines are ignored and surrounding whitespace (including ``\\r``) is
    stripped. Gzip compression is recognised by the file's first bytes,
    whatever its name. The alphabet is not checked: that is the encoder's job.

    Parameters
    ----------
    path : str or path-like
        The file to read.
    return_ids : bool, default=False
        If True, also return the FASTA ids.

    Returns
    -------
    sequences : ndarray of shape (n_sequences,), dtype=object
        The sequences, as ``str``, in file order.
    ids : ndarray of shape (n_sequences,), dtype=object, or None
        Returned only if ``return_ids=True``: the first whitespace-separated
        word of each FASTA header, or None for a plain-text file.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    TypeError
        If ``path`` is not a str or path-like.
    ValueError
        If the file holds no sequence, is not UTF-8 text, or is malformed FASTA
        (a header without an id, a record without sequence, sequence lines
        before the first header); the message gives the 1-based line number.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from dnacnn.datasets import load_sequences
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "sites.fa"
    ...     _ = path.write_text(">seq1 bound\\nCGACCG\\nAACTCC\\n\\n>seq2\\nTTGA\\n")
    ...     sequences, ids = load_sequences(path, return_ids=True)
    >>> sequences
    array(['CGACCGAACTCC', 'TTGA'], dtype=object)
    >>> ids
    array(['seq1', 'seq2'], dtype=object)
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"path must be a str or os.PathLike, got {type(path).__name__}."
        )
    path = os.fspath(path)
    sequences: list[str] = []
    ids: list[str] = []
    fasta: bool | None = None  # decided by the first non-blank line
    parts: list[str] = []  # sequence lines of the current FASTA record
    header_line = 0  # line number of the current FASTA header
    first_line = 0  # line number of the first sequence in a plain-text file

    def close_record() -> None:
        if not parts:
            raise ValueError(
                f"{path!r}: the FASTA record {ids[-1]!r} (header on line "
                f"{header_line}) has no sequence."
            )
        sequences.append("".join(parts))
        parts.clear()

    for number, line in _read_lines(path):
        if not line:
            continue
        if fasta is None:
            fasta = line.startswith(">")
            first_line = number
        if line.startswith(">"):
            if not fasta:
                raise ValueError(
                    f"{path!r}: line {number} is a FASTA header, but line "
                    f"{first_line} before it is not: sequence lines before the "
                    "first header. A FASTA file must start with a '>' header."
                )
            if ids:
                close_record()
            words = line[1:].split()
            if not words:
                raise ValueError(
                    f"{path!r}: the FASTA header on line {number} has no id; write "
                    "'>id optional description'."
                )
            ids.append(words[0])
            header_line = number
        elif fasta:
            parts.append(line)
        else:
            sequences.append(line)
    if fasta is None:
        raise ValueError(f"{path!r} is empty: it holds no sequence.")
    if fasta:
        close_record()

    result = np.empty(len(sequences), dtype=object)
    result[:] = sequences
    if not return_ids:
        return result
    if not fasta:
        return result, None
    id_array = np.empty(len(ids), dtype=object)
    id_array[:] = ids
    return result, id_array
