"""Writing files so that nothing a user had is lost when a write fails.

Every file dnacnn writes goes to a temporary file in the destination's folder
first and replaces the destination with :func:`os.replace` only once it is
complete, as :func:`dnacnn.fetch_primer` does with downloads: a full disk, a
file-size limit, an exception or Ctrl-C leave the old file as it was.
:func:`error_message` says in one sentence why a file could not be used.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "atomic_path",
    "atomic_write",
    "check_not_input",
    "check_writable",
    "error_message",
    "named",
    "reason",
]


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path to write to; it becomes ``path`` when the block ends.

    The temporary file lies in ``path``'s folder (so that the final rename
    stays on one file system) and is removed if the block raises anything,
    ``KeyboardInterrupt`` included.  The new file gets the permissions a
    newly created file gets (the umask's), not ``mkstemp``'s 0600.
    """
    path = Path(path)
    descriptor, temp = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".part", dir=path.parent
    )
    os.close(descriptor)
    temp = Path(temp)
    try:
        with named(path, temp):
            yield temp
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
            os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def named(path: str | os.PathLike[str], *aliases: str | os.PathLike[str]):
    """Name ``path`` in an ``OSError`` raised in the block that names no file,
    or one of ``aliases`` (the temporary files it is written through): "the
    disk is full" then says which result could not be written."""
    aliases = {str(a) for a in aliases}
    try:
        yield
    except OSError as exc:
        if exc.strerror is None or (
            exc.filename is not None and str(exc.filename) not in aliases
        ):
            raise
        raise OSError(exc.errno, exc.strerror, str(path)) from exc


def atomic_write(
    path: str | os.PathLike[str], data: str | bytes, *, encoding: str = "utf-8"
) -> None:
    """Write ``data`` (text or bytes) to ``path`` atomically."""
    with atomic_path(path) as temp:
        if isinstance(data, bytes):
            temp.write_bytes(data)
        else:
            temp.write_text(data, encoding=encoding)


def check_writable(path: str | os.PathLike[str], *, what: str = "output") -> Path:
    """Check, before any long work, that a file can be written at ``path``.

    Raises
    ------
    ValueError
        If ``path`` is a folder.
    OSError
        If its folder does not exist or cannot be written (the message is a
        sentence naming the path).
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"the {what} {str(path)!r} is a folder; give a file name.")
    folder = path.parent
    if not folder.is_dir():
        raise OSError(
            f"cannot write the {what} {str(path)!r}: its folder {str(folder)!r} "
            "does not exist."
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OSError(
            f"cannot write the {what} {str(path)!r}: the folder {str(folder)!r} "
            "is not writable."
        )
    if path.exists() and not os.access(path, os.W_OK):
        raise OSError(f"cannot write the {what} {str(path)!r}: it is read-only.")
    return path


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)  # st_dev and st_ino: links count
    except OSError:  # either does not exist (yet)
        return False


def check_not_input(
    path: str | os.PathLike[str],
    inputs: dict[str, str | os.PathLike[str] | None],
    *,
    what: str = "output",
) -> Path:
    """Refuse an output that is one of the command's inputs.

    ``inputs`` maps each input's description (e.g. ``"the model (MODEL)"``)
    to its path (None: not given).  The comparison is by file (device and
    inode), not by name: a hard link or a symbolic link to an input is the
    input.

    Raises
    ------
    ValueError
        Naming both, before any work, so that nothing the user gave is lost.
    """
    path = Path(path)
    for description, given in inputs.items():
        if given is not None and _same_file(path, Path(given)):
            raise ValueError(
                f"the {what} {str(path)!r} is the same file as {description} "
                f"{str(given)!r}: writing it would destroy that input. Give "
                "another name for the output."
            )
    return path


_REASONS = {
    errno.EEXIST: "a file is in the way of a folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder; give a file name",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOSPC: "the disk is full",
    errno.EFBIG: "the file is larger than this system allows",
    errno.EROFS: "the file system is read-only",
}


def reason(exc: OSError) -> str:
    """Why an ``OSError`` happened, in words: "the disk is full"."""
    return _REASONS.get(exc.errno, (exc.strerror or str(exc)).lower())


def error_message(exc: BaseException) -> str:
    """One sentence for an error; an ``OSError`` without its ``[Errno N]``."""
    if not isinstance(exc, OSError) or exc.strerror is None:
        return str(exc)
    where = f" {str(exc.filename)!r}" if exc.filename else ""
    return f"cannot use{where}: {reason(exc)}."
