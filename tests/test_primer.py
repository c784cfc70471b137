"""dnacnn.datasets._primer: get_data_home and fetch_primer (cache and download)."""

from __future__ import annotations

import hashlib
import http.server
import os
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
from motif_sites import occurrences

from dnacnn.datasets import _primer, fetch_primer, get_data_home
from dnacnn.exceptions import DNACNNWarning

MOTIF = "CGACCGAACTCC"
PRIMER_SHA256 = {remote.filename: remote.sha256 for remote in _primer.PRIMER_FILES}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
