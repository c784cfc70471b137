"""Tests of dnacnn.datasets: the simulator, the primer data set and the readers."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from dnacnn.datasets import (
    _primer,
    fetch_primer,
    get_data_home,
    load_sequences,
    make_motif_dataset,
)
from dnacnn.exceptions import DNACNNWarning

MOTIF = "CGACCGAACTCC"
PRIMER_SHA256 = {remote.filename: remote.sha256 for remote in _primer.PRIMER_FILES}


def revcomp(sequence: str) -> str:
    return sequence.translate(str.maketrans("ACGT", "TGCA"))[::-1]


def occurrences(sequence: str, motif: str) -> list[int]:
    """Start of every (possibly overlapping) occurrence of ``motif``."""
    width = len(motif)
    return [
        i for i in range(len(sequence) - width + 1) if sequence[i : i + width] == motif
    ]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------
# make_motif_dataset
# --------------------------------------------------------------------------


def test_make_motif_dataset_shapes_and_dtypes():
    X, y, positions = make_motif_dataset(n_samples=101, length=40, random_state=0)
    for array in (X, y, positions):
        assert array.shape == (101,)
    assert X.dtype == object
    assert all(type(s) is str and len(s) == 40 and set(s) <= set("ACGT") for s in X)
    assert y.dtype == np.int64 and set(np.unique(y)) == {0, 1}
    assert positions.dtype == np.int64
    assert y.sum() == round(101 * 0.5)


@pytest.mark.parametrize(
    ("n_samples", "fraction", "expected"),
    [(2000, 0.5, 1000), (10, 0.33, 3), (7, 0.0, 0), (7, 1.0, 7), (1, 0.5, 0)],
)
def test_make_motif_dataset_exact_positive_count(n_samples, fraction, expected):
    _, y, positions = make_motif_dataset(
        n_samples,
        length=20,
        motif="ACGTAC",
        positive_fraction=fraction,
        random_state=1,
    )
    assert y.sum() == expected
    assert np.all((positions >= 0) == (y == 1))


def test_make_motif_dataset_is_shuffled():
    _, y, _ = make_motif_dataset(200, random_state=0)
    assert 0 < y[:100].sum() < 100


def test_make_motif_dataset_motif_once_in_positives_absent_in_negatives():
    X, y, positions = make_motif_dataset(2000, random_state=3)
    for sequence, label, position in zip(X, y, positions, strict=True):
        if label:
            assert occurrences(sequence, MOTIF) == [position]
        else:
            assert position == -1
            assert MOTIF not in sequence
    planted = positions[y == 1]
    # Uniform start over the 50 - 12 + 1 = 39 positions.
    assert planted.min() == 0 and planted.max() == 38


def test_make_motif_dataset_short_motif_resamples_background():
    # "ACG" appears by chance in about half of random 50-mers: the resampling
    # must remove every accidental occurrence.
    X, y, positions = make_motif_dataset(300, motif="acg", random_state=0)
    for sequence, label, position in zip(X, y, positions, strict=True):
        assert occurrences(sequence, "ACG") == ([position] if label else [])


def test_make_motif_dataset_gc_content():
    X, _, _ = make_motif_dataset(
        2000, length=100, positive_fraction=0.0, gc_content=0.7, random_state=0
    )
    text = "".join(X)
    gc = (text.count("G") + text.count("C")) / len(text)
    assert gc == pytest.approx(0.7, abs=0.005)
    assert text.count("G") / len(text) == pytest.approx(0.35, abs=0.005)
    assert text.count("A") / len(text) == pytest.approx(0.15, abs=0.005)


def test_make_motif_dataset_gc_content_extremes():
    X, _, _ = make_motif_dataset(
        20, length=30, motif="ATTA", gc_content=0.0, random_state=0
    )
    assert set("".join(X)) == {"A", "T"}


def test_make_motif_dataset_random_state():
    first = make_motif_dataset(
        300, random_state=42, return_strands=True, both_strands=True
    )
    second = make_motif_dataset(
        300, random_state=42, return_strands=True, both_strands=True
    )
    other = make_motif_dataset(
        300, random_state=43, return_strands=True, both_strands=True
    )
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])

    from_instance = make_motif_dataset(300, random_state=np.random.RandomState(42))
    np.testing.assert_array_equal(
        from_instance[0], make_motif_dataset(300, random_state=42)[0]
    )


def test_make_motif_dataset_return_strands_forward_only():
    X, y, positions, strands = make_motif_dataset(
        200, random_state=0, return_strands=True
    )
    assert strands.dtype == np.int64
    np.testing.assert_array_equal(strands, y)  # +1 for positives, 0 otherwise


def test_make_motif_dataset_both_strands():
    rc = revcomp(MOTIF)
    X, y, positions, strands = make_motif_dataset(
        2000, both_strands=True, return_strands=True, random_state=0
    )
    assert set(np.unique(strands[y == 1])) == {-1, 1}
    assert np.all(strands[y == 0] == 0)
    assert np.mean(strands[y == 1] == -1) == pytest.approx(0.5, abs=0.05)
    for sequence, label, position, strand in zip(X, y, positions, strands, strict=True):
        forward = occurrences(sequence, MOTIF)
        reverse = occurrences(sequence, rc)
        if label:
            site = MOTIF if strand == 1 else rc
            assert sequence[position : position + len(MOTIF)] == site
            assert sorted(set(forward + reverse)) == [position]
        else:
            assert forward == [] and reverse == []


def test_make_motif_dataset_pwm_sites_follow_the_pwm():
    pwm = np.array(
        [
            [0.7, 0.1, 0.1, 0.1],
            [0.0, 1.0, 0.0, 0.0],
            [0.25, 0.25, 0.25, 0.25],
            [0.1, 0.2, 0.3, 0.4],
            [0.5, 0.0, 0.5, 0.0],
            [0.0, 0.0, 0.0, 1.0],
        ]
    )
    X, y, positions = make_motif_dataset(
        4000, length=30, motif=pwm.tolist(), positive_fraction=1.0, random_state=0
    )
    sites = [s[p : p + 6] for s, p in zip(X, positions, strict=True)]
    assert len(set(sites)) > 50  # a fresh site per sequence
    counts = np.array([[site[j] for site in sites] for j in range(6)])
    frequencies = np.stack([(counts == base).mean(axis=1) for base in "ACGT"], axis=1)
    np.testing.assert_allclose(frequencies, pwm, atol=0.03)
    # Zero-probability bases never appear.
    assert frequencies[1, 1] == 1.0 and frequencies[5, 3] == 1.0
    # The consensus (row argmax, first on ties) "ACATAT" never occurs elsewhere.
    for sequence, position in zip(X, positions, strict=True):
        assert set(occurrences(sequence, "ACATAT")) <= {position}


def test_make_motif_dataset_pwm_negatives_lack_consensus():
    pwm = np.full((3, 4), 0.1)
    pwm[np.arange(3), [2, 0, 3]] = 0.7  # consensus "GAT"
    X, y, positions = make_motif_dataset(500, length=30, motif=pwm, random_state=0)
    assert all("GAT" not in s for s in X[y == 0])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"motif": ""}, ValueError, "motif is empty"),
        ({"motif": np.zeros((0, 4))}, ValueError, "motif is empty"),
        ({"motif": "ACGTNA"}, ValueError, r"Invalid character 'N' at position 4"),
        ({"motif": "acgu"}, ValueError, r"Invalid character 'u' at position 3"),
        ({"motif": "A" * 13, "length": 12}, ValueError, "13 bases long but length=12"),
        ({"motif": b"ACGT"}, TypeError, "motif must be a str"),
        ({"motif": object()}, TypeError, "motif must be a str"),
        ({"motif": np.full((3, 5), 0.2)}, ValueError, r"shape \(width, 4\).*\(3, 5\)"),
        ({"motif": [0.25] * 4}, ValueError, r"shape \(width, 4\).*\(4,\)"),
        (
            {"motif": [[0.25] * 4, [1.2, -0.2, 0, 0]]},
            ValueError,
            "Row 1 of the PWM.*non-negative",
        ),
        (
            {"motif": [[0.25] * 4, [0.25] * 4, [0.5, 0.5, 0.5, 0]]},
            ValueError,
            "Row 2 of the PWM.*sums to 1.5",
        ),
        ({"motif": [[np.nan, 0.5, 0.5, 0]]}, ValueError, "Row 0 of the PWM"),
        ({"gc_content": 1.5}, ValueError, r"gc_content == 1.5, must be <= 1.0"),
        ({"gc_content": float("nan")}, ValueError, "gc_content must be a finite"),
        ({"gc_content": "0.5"}, TypeError, "gc_content must be a number, got str"),
        ({"gc_content": True}, TypeError, "gc_content must be a number, got bool"),
        (
            {"positive_fraction": -0.1},
            ValueError,
            r"positive_fraction == -0.1, must be >= 0.0",
        ),
        ({"n_samples": 0}, ValueError, r"n_samples == 0, must be >= 1\."),
        ({"n_samples": 10.0}, TypeError, "n_samples must be an int, got float 10.0"),
        ({"n_samples": np.int64(0)}, ValueError, "n_samples == 0, must be >= 1"),
        ({"length": 0}, ValueError, r"length == 0, must be >= 1\."),
        ({"length": False}, TypeError, "length must be an int, got bool"),
    ],
)
def test_make_motif_dataset_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_motif_dataset(**{"n_samples": 10, **kwargs})


def test_make_motif_dataset_impossible_background_errors():
    # With gc_content=1 every background base is C or G, so a negative can never
    # avoid "C" and "G" on both strands.
    with pytest.raises(ValueError, match="still contain the motif by chance"):
        make_motif_dataset(
            5,
            length=10,
            motif="C",
            gc_content=1.0,
            both_strands=True,
            random_state=0,
        )


# --------------------------------------------------------------------------
# get_data_home
# --------------------------------------------------------------------------


def test_get_data_home_argument_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("DNACNN_DATA", str(tmp_path / "from_env"))
    home = get_data_home(tmp_path / "explicit" / "nested")
    assert home == str(tmp_path / "explicit" / "nested")
    assert Path(home).is_dir()
    assert not (tmp_path / "from_env").exists()


def test_get_data_home_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("DNACNN_DATA", str(tmp_path / "from_env"))
    assert get_data_home() == str(tmp_path / "from_env")
    assert (tmp_path / "from_env").is_dir()


def test_get_data_home_default_and_tilde(tmp_path, monkeypatch):
    monkeypatch.delenv("DNACNN_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert get_data_home() == str(tmp_path / "dnacnn_data")
    assert (tmp_path / "dnacnn_data").is_dir()
    assert get_data_home("~/elsewhere") == str(tmp_path / "elsewhere")


def test_get_data_home_is_a_file_names_its_source(tmp_path, monkeypatch):
    # Regression: a bare "FileExistsError: [Errno 17] File exists" before.
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("not a folder")
    monkeypatch.setenv("DNACNN_DATA", str(not_a_folder))
    with pytest.raises(OSError) as excinfo:
        get_data_home()
    message = str(excinfo.value)
    assert f"{str(not_a_folder)!r} (from DNACNN_DATA)" in message
    assert "it exists and is not a folder" in message
    assert "Set the DNACNN_DATA environment variable (or pass data_home=)" in message
    with pytest.raises(OSError, match="from data_home"):
        fetch_primer(data_home=not_a_folder / "below")
    assert not_a_folder.read_text() == "not a folder"


def test_get_data_home_type():
    with pytest.raises(TypeError, match="data_home must be a str or os.PathLike"):
        get_data_home(42)
    with pytest.raises(TypeError, match="data_home must be a str or os.PathLike"):
        get_data_home(b"/tmp/cache")


# --------------------------------------------------------------------------
# fetch_primer from the cache
# --------------------------------------------------------------------------


def check_primer(sequences, target):
    assert sequences.shape == (2000,) and sequences.dtype == object
    assert all(type(s) is str and len(s) == 50 for s in sequences)
    assert target.shape == (2000,) and target.dtype == np.int64
    assert target.sum() == 987
    for sequence, label in zip(sequences, target, strict=True):
        assert len(occurrences(sequence, MOTIF)) == label


def test_fetch_primer_from_cache(primer_cache):
    data = fetch_primer(data_home=primer_cache, download_if_missing=False)
    check_primer(data.sequences, data.target)
    assert data.motif == MOTIF
    assert list(data.target_names[[0, 1]]) == ["unbound", "bound"]
    assert "CGACCGAACTCC" in data.DESCR and "abidlabs" in data.DESCR


def test_fetch_primer_return_X_y_and_env_var(primer_cache, monkeypatch):
    monkeypatch.setenv("DNACNN_DATA", str(primer_cache))
    sequences, target = fetch_primer(download_if_missing=False, return_X_y=True)
    check_primer(sequences, target)


def test_fetch_primer_empty_cache_without_download(tmp_path):
    with pytest.raises(
        OSError, match="not found in the cache.*download_if_missing=False"
    ):
        fetch_primer(data_home=tmp_path, download_if_missing=False)


def test_fetch_primer_corrupted_cache_without_download(primer_cache):
    (primer_cache / "primer" / "labels.txt").write_text("0\n1\n")
    with pytest.raises(OSError, match="labels.txt.*SHA256.*download_if_missing=False"):
        fetch_primer(data_home=primer_cache, download_if_missing=False)


# --------------------------------------------------------------------------
# fetch_primer against a loopback HTTP server
# --------------------------------------------------------------------------


class Server:
    """A ThreadingHTTPServer on 127.0.0.1 that serves a folder and logs requests."""

    def __init__(self, folder: Path, *, truncate: bool = False):
        self.folder = folder
        self.requests: list[str] = []
        requests = self.requests

        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self):
                requests.append(self.path)
                if not truncate:
                    super().do_GET()
                    return
                # Announce the whole file, send half of it, hang up.
                body = (folder / self.path.lstrip("/")).read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.close_connection = True

            def log_message(self, format, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), partial(Handler, directory=str(folder))
        )
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, args=(0.05,), daemon=True
        )
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def point_primer_at(monkeypatch, base_url: str) -> None:
    monkeypatch.setattr(
        _primer,
        "PRIMER_FILES",
        tuple(
            remote._replace(url=f"{base_url}/{remote.filename}")
            for remote in _primer.PRIMER_FILES
        ),
    )


@pytest.fixture
def serve(tmp_path, monkeypatch):
    """Start a server for a folder and point fetch_primer's URL table at it."""
    servers = []

    def start(folder: Path, **kwargs) -> Server:
        server = Server(folder, **kwargs)
        servers.append(server)
        point_primer_at(monkeypatch, server.url)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def good_files(tmp_path, primer_dir):
    folder = tmp_path / "remote"
    folder.mkdir()
    for name in PRIMER_SHA256:
        shutil.copyfile(primer_dir / name, folder / name)
    return folder


def cache_listing(data_home: Path) -> list[str]:
    return sorted(os.listdir(data_home / "primer"))


def test_fetch_primer_downloads_once(serve, good_files, tmp_path):
    server = serve(good_files)
    data_home = tmp_path / "empty_home"
    data = fetch_primer(data_home=data_home)
    check_primer(data.sequences, data.target)
    assert cache_listing(data_home) == ["labels.txt", "sequences.txt"]
    for name, digest in PRIMER_SHA256.items():
        assert sha256(data_home / "primer" / name) == digest
    assert sorted(server.requests) == ["/labels.txt", "/sequences.txt"]

    sequences, target = fetch_primer(data_home=data_home, return_X_y=True)
    np.testing.assert_array_equal(sequences, data.sequences)
    assert len(server.requests) == 2  # served from the cache


def test_fetch_primer_corrupted_download(serve, good_files, tmp_path):
    sequences = good_files / "sequences.txt"
    sequences.write_text(sequences.read_text().replace("A", "C", 1))
    serve(good_files)
    data_home = tmp_path / "home"
    with pytest.raises(OSError) as excinfo:
        fetch_primer(data_home=data_home)
    message = str(excinfo.value)
    assert "'sequences.txt'" in message
    assert PRIMER_SHA256["sequences.txt"] in message
    assert sha256(sequences) in message
    assert "sequences.txt" not in cache_listing(data_home)
    assert set(cache_listing(data_home)) <= {"labels.txt"}  # no temporary file


def test_fetch_primer_interrupted_download(serve, good_files, tmp_path):
    serve(good_files, truncate=True)
    data_home = tmp_path / "home"
    with pytest.raises(OSError, match="Could not download 'sequences.txt'"):
        fetch_primer(data_home=data_home)
    assert cache_listing(data_home) == []  # neither the file nor a temporary one


def test_fetch_primer_replaces_corrupted_cache(serve, good_files, primer_cache):
    server = serve(good_files)
    cached = primer_cache / "primer" / "sequences.txt"
    cached.write_text("ACGT\n")
    with pytest.warns(DNACNNWarning, match="sequences.txt.*downloading it again"):
        data = fetch_primer(data_home=primer_cache)
    check_primer(data.sequences, data.target)
    assert sha256(cached) == PRIMER_SHA256["sequences.txt"]
    assert server.requests == ["/sequences.txt"]
    assert cache_listing(primer_cache) == ["labels.txt", "sequences.txt"]


def test_fetch_primer_http_error(serve, tmp_path):
    (tmp_path / "nothing").mkdir()
    serve(tmp_path / "nothing")  # every file is a 404
    data_home = tmp_path / "home"
    with pytest.raises(OSError, match="Could not download 'sequences.txt'.*404"):
        fetch_primer(data_home=data_home)
    assert cache_listing(data_home) == []


def test_fetch_primer_unreachable_server(tmp_path, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port any more: connections are refused at once.
    point_primer_at(monkeypatch, f"http://127.0.0.1:{port}")
    data_home = tmp_path / "home"
    with pytest.raises(OSError) as excinfo:
        fetch_primer(data_home=data_home)
    message = str(excinfo.value)
    assert "'sequences.txt'" in message
    assert f"http://127.0.0.1:{port}/sequences.txt" in message
    assert str(data_home) in message
    assert "copy sequences.txt and labels.txt" in message
    assert "DNACNN_DATA" in message
    assert cache_listing(data_home) == []


@pytest.fixture
def serve_synthetic(tmp_path, monkeypatch, serve):
    """Serve small stand-ins for the primer files, with their own digests."""
    folder = tmp_path / "synthetic"
    folder.mkdir()
    (folder / "sequences.txt").write_text("ACGTACGTAC\n" * 300)
    (folder / "labels.txt").write_text("0\n1\n" * 150)
    server = serve(folder)
    monkeypatch.setattr(
        _primer,
        "PRIMER_FILES",
        tuple(
            remote._replace(sha256=sha256(folder / remote.filename))
            for remote in _primer.PRIMER_FILES
        ),
    )
    return server


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_fetch_primer_cache_files_follow_the_umask(serve_synthetic, tmp_path, umask):
    # Regression: the cached files kept mkstemp's 0600.
    previous = os.umask(umask)
    try:
        sequences, target = fetch_primer(data_home=tmp_path / "home", return_X_y=True)
    finally:
        os.umask(previous)
    assert sequences.shape == (300,) and target.sum() == 150
    for name in ("sequences.txt", "labels.txt"):
        mode = (tmp_path / "home" / "primer" / name).stat().st_mode & 0o777
        assert mode == 0o666 & ~umask


def test_fetch_primer_removes_stale_part_files(serve_synthetic, tmp_path):
    # Regression: a download killed by SIGKILL left its .part file for ever.
    folder = tmp_path / "home" / "primer"
    folder.mkdir(parents=True)
    stale = folder / ".sequences.txt.k1ll3d.part"
    live = folder / ".labels.txt.l1ve.part"  # another process downloading now
    other = folder / ".notes.txt.x.part"  # not ours
    for path in (stale, live, other):
        path.write_text("ACG")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    os.utime(other, (an_hour_ago, an_hour_ago))
    fetch_primer(data_home=tmp_path / "home")
    assert cache_listing(tmp_path / "home") == [
        live.name,
        other.name,
        "labels.txt",
        "sequences.txt",
    ]
    # A cached data set is loaded without network, and still cleans up.
    os.utime(live, (an_hour_ago, an_hour_ago))
    fetch_primer(data_home=tmp_path / "home", download_if_missing=False)
    assert live.name not in cache_listing(tmp_path / "home")


def test_fetch_primer_primer_folder_is_a_file(tmp_path):
    (tmp_path / "primer").write_text("oops")
    with pytest.raises(OSError) as excinfo:
        fetch_primer(data_home=tmp_path)
    message = str(excinfo.value)
    assert f"Could not create the folder {str(tmp_path / 'primer')!r}" in message
    assert "DNACNN_DATA" in message


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root writes into read-only folders",
)
def test_fetch_primer_unwritable_data_home(serve_synthetic, tmp_path):
    # Regression: a bare PermissionError traceback from mkstemp.
    home = tmp_path / "home"
    (home / "primer").mkdir(parents=True)
    (home / "primer").chmod(0o555)
    try:
        with pytest.raises(PermissionError) as excinfo:
            fetch_primer(data_home=home)
        assert cache_listing(home) == []
    finally:
        (home / "primer").chmod(0o755)
    message = str(excinfo.value)
    assert "Could not write 'sequences.txt'" in message
    assert "DNACNN_DATA" in message and str(home) in message

    # A read-only cache that holds the files is enough.
    fetch_primer(data_home=home)
    (home / "primer").chmod(0o555)
    try:
        sequences = fetch_primer(data_home=home, download_if_missing=False).sequences
    finally:
        (home / "primer").chmod(0o755)
    assert sequences.shape == (300,)


WRITE_LIMITED_FETCH = """
import resource, signal, sys
from pathlib import Path
from dnacnn.datasets import _primer, fetch_primer
base_url, home = sys.argv[1:]
_primer.PRIMER_FILES = tuple(
    remote._replace(url=f"{base_url}/{remote.filename}")
    for remote in _primer.PRIMER_FILES
)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit: EFBIG
hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
resource.setrlimit(resource.RLIMIT_FSIZE, (1000, hard))
try:
    fetch_primer(data_home=home)
except OSError as exc:
    print(type(exc).__name__, exc)
print(sorted(p.name for p in (Path(home) / "primer").iterdir()))
"""


def test_fetch_primer_write_failure_is_not_a_download_error(serve_synthetic, tmp_path):
    # A full disk (here: a file-size limit) while downloading. Regression: it
    # was reported as "Could not download ... from <url>".
    home = tmp_path / "home"
    result = subprocess.run(
        [sys.executable, "-c", WRITE_LIMITED_FETCH, serve_synthetic.url, str(home)],
        capture_output=True,
        text=True,
        check=True,
    )
    message, listing = result.stdout.strip().splitlines()
    assert message.startswith("OSError Could not write 'sequences.txt' in the data ")
    assert "File too large" in message and "DNACNN_DATA" in message
    assert listing == "[]"  # no partial file, no temporary file


# --------------------------------------------------------------------------
# load_sequences
# --------------------------------------------------------------------------

PLAIN = "ACGT\n\n  ccgg  \nTTTTA\n"
FASTA = ">seq1 first record\nACGT\nAC\n\n>seq2\nGG\n>seq3\tdesc\nT\nT\nA\n"


def write(path: Path, text: str, *, compress: bool = False, newline: str = "\n"):
    data = text.replace("\n", newline).encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_load_sequences_plain(tmp_path, compress, newline):
    path = write(tmp_path / "seqs.txt", PLAIN, compress=compress, newline=newline)
    sequences = load_sequences(path)
    assert sequences.dtype == object and sequences.shape == (3,)
    assert sequences.tolist() == ["ACGT", "ccgg", "TTTTA"]
    sequences, ids = load_sequences(str(path), return_ids=True)
    assert sequences.tolist() == ["ACGT", "ccgg", "TTTTA"] and ids is None


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_load_sequences_fasta(tmp_path, compress, newline):
    # Named .dat on purpose: the format and compression come from the content.
    path = write(tmp_path / "seqs.dat", FASTA, compress=compress, newline=newline)
    sequences, ids = load_sequences(path, return_ids=True)
    assert sequences.dtype == object and ids.dtype == object
    assert sequences.tolist() == ["ACGTAC", "GG", "TTA"]
    assert ids.tolist() == ["seq1", "seq2", "seq3"]
    assert load_sequences(path).tolist() == ["ACGTAC", "GG", "TTA"]


def test_load_sequences_reads_the_primer(primer_dir):
    sequences = load_sequences(primer_dir / "sequences.txt")
    assert sequences.shape == (2000,)
    assert {len(s) for s in sequences} == {50}


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            ">a\nACGT\n>b\n\n>c\nGG\n",
            r"record 'b' \(header on line 3\) has no sequence",
        ),
        (">a\nACGT\n>b\n", r"record 'b' \(header on line 3\) has no sequence"),
        ("\nACGT\n>a\nGG\n", r"line 3 is a FASTA header, but line 2 before it"),
        (">a\nAC\n>  \nGG\n", "header on line 3 has no id"),
        ("", "is empty"),
        ("\n  \n\r\n", "is empty"),
    ],
)
def test_load_sequences_malformed(tmp_path, text, match):
    path = write(tmp_path / "bad.fa", text)
    with pytest.raises(ValueError, match=match):
        load_sequences(path)


def test_load_sequences_not_text(tmp_path):
    path = tmp_path / "binary.bin"
    path.write_bytes(b"ACGT\nAC\xff\xfeGT\n")
    with pytest.raises(ValueError, match=r"binary.bin.*not a text file: line 2"):
        load_sequences(path)
    path.write_bytes(b"ACGT\x00\x01\n")
    with pytest.raises(ValueError, match="not a text file: line 1 contains a NUL"):
        load_sequences(path)


def test_load_sequences_bad_gzip(tmp_path):
    path = tmp_path / "truncated.gz"
    path.write_bytes(gzip.compress(b"ACGT\n" * 100)[:20])
    with pytest.raises(ValueError, match="truncated.gz.*cannot be decompressed"):
        load_sequences(path)


def test_load_sequences_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no_such_file.txt"):
        load_sequences(tmp_path / "no_such_file.txt")


def test_load_sequences_path_type():
    with pytest.raises(TypeError, match="path must be a str or os.PathLike"):
        load_sequences(42)


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize(
    ("text", "expected", "ids"),
    [
        (FASTA, ["ACGTAC", "GG", "TTA"], ["seq1", "seq2", "seq3"]),
        (">only\nACGT\n", ["ACGT"], ["only"]),
        (PLAIN, ["ACGT", "ccgg", "TTTTA"], None),
    ],
)
def test_load_sequences_byte_order_mark(tmp_path, compress, text, expected, ids):
    # Regression: the BOM hid the first '>', so a FASTA header became a sequence.
    path = tmp_path / "bom.fa"
    data = text.encode("utf-8-sig")
    path.write_bytes(gzip.compress(data) if compress else data)
    sequences, found_ids = load_sequences(path, return_ids=True)
    assert sequences.tolist() == expected
    assert found_ids is None if ids is None else found_ids.tolist() == ids


def test_load_sequences_cr_only_line_numbers(tmp_path):
    # Old Mac line endings are line breaks, also in the line numbers of errors.
    path = write(tmp_path / "mac.fa", ">a\nACGT\n\n>b\n>c\nGG\n", newline="\r")
    with pytest.raises(ValueError, match=r"record 'b' \(header on line 4\)"):
        load_sequences(path)


def numbered_fasta(n_records: int) -> bytes:
    """Records '>s<i>' of one line 'ACGTACGTAC': record i's header is line 2i+1."""
    return "".join(f">s{i}\nACGTACGTAC\n" for i in range(n_records)).encode()


@pytest.mark.parametrize(
    ("damage", "parse_error"),
    [
        (b">  ", "record 's178' (header on line 357) has no sequence"),
        (b"\x00", "line 358 contains a NUL byte"),
        (b"\xff", "line 358 is not valid UTF-8"),
    ],
)
def test_load_sequences_corrupt_gzip_is_reported_as_corrupt(
    tmp_path, damage, parse_error
):
    # Regression: damage inside a gzip stream was reported as the FASTA error
    # that the garbage it decompressed to produced first.
    data = numbered_fasta(400)
    compressed = bytearray(gzip.compress(data, compresslevel=0))  # stored blocks
    start = compressed.index(b"ACGTACGTAC\n>s179\n")  # line 358: the 179th sequence
    compressed[start : start + len(damage)] = damage
    path = tmp_path / "reads.fa.gz"
    path.write_bytes(bytes(compressed))
    with pytest.raises(ValueError) as excinfo:
        load_sequences(path)
    message = str(excinfo.value)
    assert message.startswith(f"{str(path)!r} starts like a gzip file but cannot")
    assert "corrupt or truncated (BadGzipFile: CRC check failed" in message
    assert parse_error in message  # what the garbage looked like, as a hint


def test_load_sequences_truncated_gzip(tmp_path):
    path = tmp_path / "reads.fa.gz"
    whole = gzip.compress(numbered_fasta(4000))
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ValueError) as excinfo:
        load_sequences(path)
    message = str(excinfo.value)
    assert message.startswith(f"{str(path)!r} starts like a gzip file but cannot")
    assert "EOFError: Compressed file ended before" in message
    assert re.search(r"; \d+ lines were read before the damage\)", message)


def test_load_sequences_empty_gzip(tmp_path):
    path = tmp_path / "empty.txt.gz"
    path.write_bytes(gzip.compress(b""))
    with pytest.raises(ValueError, match="gzip file that decompresses to no sequence"):
        load_sequences(path)
    path.write_bytes(b"\x1f\x8b")  # the magic number and nothing else
    with pytest.raises(ValueError, match="empty.txt.gz.*corrupt or truncated"):
        load_sequences(path)


def test_load_sequences_folder(tmp_path):
    # Regression: "[Errno 21] Is a directory" without saying what to give.
    with pytest.raises(IsADirectoryError, match="is a folder, not a file; give the"):
        load_sequences(tmp_path)


def test_load_sequences_repeated_fasta_id(tmp_path):
    path = write(tmp_path / "dup.fa", ">a x\nAC\n>b\nGG\n>a y\nTT\n>a\nCC\n")
    with pytest.warns(DNACNNWarning) as record:
        sequences, ids = load_sequences(path, return_ids=True)
    assert sequences.tolist() == ["AC", "GG", "TT", "CC"]
    assert ids.tolist() == ["a", "b", "a", "a"]
    messages = [str(w.message) for w in record]
    assert len(messages) == 2
    assert "id 'a' on line 5 repeats the id of the record on line 1" in messages[0]
    assert "id 'a' on line 7 repeats the id of the record on line 1" in messages[1]
    assert all(w.filename == __file__ for w in record)  # points at the caller


def test_load_sequences_utf16(tmp_path):
    path = tmp_path / "notepad.fa"
    path.write_text(FASTA, encoding="utf-16")
    with pytest.raises(ValueError, match="line 1 is not valid UTF-8.*save it as UTF-8"):
        load_sequences(path)


def test_load_sequences_bad_byte_position(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("ACGT\nAC\u00e9GT\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"line 2 .*byte 0xe9 at column 2, 0-based"):
        load_sequences(path)
