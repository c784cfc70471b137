"""The primer tutorial's data set: the data home, the download, the loader."""

from __future__ import annotations

import hashlib
import http.client
import os
import time
import urllib.request
import warnings
from typing import NamedTuple

import numpy as np
from sklearn.utils import Bunch

from .._files import atomic_path
from ..exceptions import DNACNNWarning
from ._readers import load_sequences
from ._simulate import PRIMER_MOTIF

__all__ = ["PRIMER_FILES", "RemoteFileMetadata", "fetch_primer", "get_data_home"]

_SET_DATA_HOME = (
    "Set the DNACNN_DATA environment variable (or pass data_home=) to a folder "
    "you can write."
)


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

    Raises
    ------
    TypeError
        If ``data_home`` is not a str or path-like.
    OSError
        If the folder cannot be created (it is a file, or its parent cannot be
        written); the message names where the path came from and says how to
        choose another (``DNACNN_DATA`` or ``data_home``).

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
    if data_home is not None:
        source = "data_home"
    elif os.environ.get("DNACNN_DATA"):
        data_home, source = os.environ["DNACNN_DATA"], "DNACNN_DATA"
    else:
        data_home, source = os.path.join("~", "dnacnn_data"), "the default"
    if not isinstance(data_home, (str, os.PathLike)) or isinstance(
        os.fspath(data_home), bytes
    ):
        raise TypeError(
            "data_home must be a str or os.PathLike, got "
            f"{type(data_home).__name__} {data_home!r}."
        )
    data_home = os.path.expanduser(os.fspath(data_home))
    try:
        os.makedirs(data_home, exist_ok=True)
    except OSError as exc:
        if os.path.exists(data_home) and not os.path.isdir(data_home):
            reason = "it exists and is not a folder"
        else:
            reason = exc.strerror or str(exc)
        raise type(exc)(
            f"Cannot use {data_home!r} (from {source}) as the data home: "
            f"{reason}. {_SET_DATA_HOME}"
        ) from exc
    return data_home


class RemoteFileMetadata(NamedTuple):
    """A file to download: its name in the cache, its URL and its SHA256 digest."""

    filename: str
    url: str
    sha256: str


_PRIMER_URL = (
    "https://raw.githubusercontent.com/abidlabs/deep-learning-genomics-primer/master"
)
# The files fetch_primer caches, read at each call: a test points them at a
# loopback server with monkeypatch.setattr(_primer, "PRIMER_FILES", ...).
PRIMER_FILES = (
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
# A .part file unchanged this long belongs to no live download.
_STALE_AFTER = 3 * _DOWNLOAD_TIMEOUT
_CHUNK_SIZE = 1 << 16
_NETWORK_ERRORS = (OSError, http.client.HTTPException)

_PRIMER_DESCR = f"""\
The primer's simulated transcription-factor binding data set
-------------------------------------------------------------

2,000 DNA sequences of 50 bases, each labelled 1 (bound by the transcription
factor, 987 sequences) or 0 (not bound, 1,013 sequences). Every bound sequence
contains the binding motif {PRIMER_MOTIF} exactly once; no unbound sequence
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


def _cache_message(action: str, target: str, data_home: str, exc: OSError) -> str:
    return (
        f"Could not {action} {target!r} in the data home {data_home!r}: "
        f"{exc.strerror or exc}. {_SET_DATA_HOME} If this machine is offline, "
        "copy sequences.txt and labels.txt into its 'primer' subfolder."
    )


def _remove_stale_parts(folder: str, filenames: list[str]) -> None:
    """Remove the temporary files of downloads into ``folder`` that were killed."""
    prefixes = tuple(f".{name}." for name in filenames)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    now = time.time()
    for name in names:
        if name.startswith(prefixes) and name.endswith(".part"):
            path = os.path.join(folder, name)
            try:
                if now - os.stat(path).st_mtime > _STALE_AFTER:
                    os.remove(path)
            except OSError:  # removed meanwhile, or a read-only cache
                pass


class _Rejected(Exception):
    """A download failed or was discarded; its message is the user's OSError's."""


def _download(remote: RemoteFileMetadata, folder: str, data_home: str) -> None:
    """Download ``remote`` into ``folder`` atomically, checking its digest.

    The bytes go to a temporary file in ``folder`` (created only once the
    server answers, and written as they arrive), which replaces the final file
    only once its digest matches; on any failure it is removed.
    """

    def network_error(reason: object) -> _Rejected:
        return _Rejected(
            f"Could not download {remote.filename!r} from {remote.url} into the "
            f"data home {data_home!r}: {reason}. If this machine is offline, copy "
            f"sequences.txt and labels.txt into {folder!r}, or set the DNACNN_DATA "
            "environment variable (or data_home) to a folder whose 'primer' "
            "subfolder holds them."
        )

    try:
        try:
            response = urllib.request.urlopen(remote.url, timeout=_DOWNLOAD_TIMEOUT)
        except _NETWORK_ERRORS as exc:
            raise network_error(exc) from exc
        destination = os.path.join(folder, remote.filename)
        with response, atomic_path(destination) as temp, open(temp, "wb") as file:
            digest = hashlib.sha256()
            received = 0
            while True:
                try:
                    chunk = response.read1(_CHUNK_SIZE)
                except _NETWORK_ERRORS as exc:
                    raise network_error(exc) from exc
                if not chunk:
                    break
                digest.update(chunk)
                file.write(chunk)
                file.flush()  # a live download's .part file is never stale
                received += len(chunk)
            announced = response.headers.get("Content-Length", "")
            if announced.isdigit() and received != int(announced):
                raise network_error(
                    f"the connection closed after {received} of {announced} bytes"
                )
            if digest.hexdigest() != remote.sha256:
                raise _Rejected(
                    f"The file {remote.filename!r} downloaded from {remote.url} has "
                    f"SHA256 {digest.hexdigest()}, expected {remote.sha256}; it was "
                    "discarded. The download may be corrupted or the remote file "
                    "changed."
                )
    except _Rejected as exc:
        raise OSError(str(exc)) from exc.__cause__
    except OSError as exc:  # creating, writing or renaming the cached file
        raise type(exc)(
            _cache_message("write", remote.filename, data_home, exc)
        ) from exc


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

    A download goes to a temporary ``.part`` file in the same folder, which
    becomes the cached file (with the permissions the umask gives new files)
    only once its digest matches. A ``.part`` file left by a killed download is
    removed by a later call once it has not changed for three times the
    download timeout (a live download that long without data has failed).

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
        ``download_if_missing=False``, if a download's SHA256 digest differs
        from the expected one (the message gives both), or if the data home
        cannot be written (the message names ``DNACNN_DATA``); a
        :class:`PermissionError` stays one.

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
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise type(exc)(
            _cache_message("create the folder", folder, data_home, exc)
        ) from exc
    _remove_stale_parts(folder, [remote.filename for remote in PRIMER_FILES])
    paths = {}
    for remote in PRIMER_FILES:
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
        motif=PRIMER_MOTIF,
        DESCR=_PRIMER_DESCR,
    )
