"""The files every command shares: sequences, labels, models, output folders.

Errors are ``FileNotFoundError``, ``OSError`` or ``ValueError`` whose message
names the file; the command line prints them as one line.  Every file is
written atomically (:mod:`dnacnn._files`, whose writers and checks the
commands take from here), and the results of a command that writes a folder
replace the earlier ones as a set (:func:`results_folder`): an error or
Ctrl-C leaves what was there before.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from .._files import (
    atomic_path,
    atomic_write,
    check_not_input,
    check_writable,
    error_message,
    reason,
)

__all__ = [
    "JOBLIB_SUFFIXES",
    "SECURITY",
    "atomic_path",
    "atomic_write",
    "check_not_input",
    "check_writable",
    "error_message",
    "is_fasta",
    "load_model",
    "make_folder",
    "matches",
    "model_path",
    "parse_label",
    "prediction_table",
    "read_folder",
    "read_labeled",
    "read_labels",
    "read_sequences",
    "read_table",
    "results_folder",
    "save_figure",
    "save_model_file",
]

#: ``--out`` suffixes that ask for a joblib (pickle) file rather than the safe one.
JOBLIB_SUFFIXES = (".joblib", ".pkl", ".pickle")

#: What the help of every command that reads a model says about the formats.
SECURITY = (
    "A model named .joblib, .pkl or .pickle is read with joblib (pickle), "
    "which runs any code the file holds: only load those you trust. Any other "
    "name is read as the safe format that 'dnacnn fit' and 'dnacnn demo' "
    "write (.dnacnn), which holds data only and loads without running code; "
    "a pickle under such a name is refused."
)


def parse_label(text: str):
    """A label as typed: an int only when ``text`` is an int's canonical spelling.

    ``"1"`` is 1, but ``"01"``, ``"+1"`` and ``" 1"`` stay strings, so that
    distinct spellings remain distinct classes.
    """
    try:
        value = int(text)
    except ValueError:
        return text
    return value if str(value) == text else text


def read_labels(path: str | Path) -> list:
    """One label per line (blank lines ignored).

    Ints when every label is a canonical int (``"1"``, ``"-2"``), else
    strings: ``"01"`` and ``"1"`` are then two classes, as written.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"labels file not found: {path}")
    try:
        labels = [line.strip() for line in path.read_text().splitlines()]
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not a text file ({exc.reason})") from exc
    labels = [label for label in labels if label]
    if not labels:
        raise ValueError(f"{path} holds no labels")
    parsed = [parse_label(label) for label in labels]
    if all(isinstance(label, int) for label in parsed):
        return parsed
    return labels


def read_table(path: str | Path, *, task: str):
    """Several targets per line (tab, comma or space separated), as an array.

    ``task="multilabel"`` reads 0/1 ints, ``"regression"`` numbers.  A first
    line that is not all numbers is a header (the columns' names), skipped.
    """
    import numpy as np

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"labels file not found: {path}")
    try:
        lines = [line.strip() for line in path.read_text().splitlines()]
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not a text file ({exc.reason})") from exc
    rows = [(n, re.split(r"[\t,; ]+", line)) for n, line in enumerate(lines, 1)]
    rows = [(n, fields) for n, fields in rows if fields != [""]]

    def number(text):
        try:
            return float(text)
        except ValueError:
            return None

    if rows and any(number(field) is None for field in rows[0][1]):
        rows = rows[1:]  # a header
    if not rows:
        raise ValueError(f"{path} holds no labels")
    width = len(rows[0][1])
    values = []
    for n, fields in rows:
        numbers = [number(field) for field in fields]
        if len(fields) != width or None in numbers:
            raise ValueError(
                f"{path}, line {n}: expected {width} numbers separated by tabs, "
                f"commas or spaces, got {' '.join(fields)!r}."
            )
        if task == "multilabel" and not set(numbers) <= {0.0, 1.0}:
            raise ValueError(
                f"{path}, line {n}: multi-label columns hold 0 or 1, got "
                f"{' '.join(fields)!r}; use --task regression for values."
            )
        values.append(numbers)
    table = np.array(values)
    return table.astype(np.int64) if task == "multilabel" else table


def prediction_table(model, sequences, ids, *, proba: bool):
    """The header and rows ``dnacnn predict`` writes, for every kind of head."""
    import numpy as np

    if not hasattr(model, "predict_proba"):  # a regressor: its values
        if proba:
            raise ValueError(
                "--proba needs a classifier, but the model is a regressor; "
                "leave out --proba to write its predicted values."
            )
        values = model.predict(sequences).reshape(len(sequences), -1)
        names = ["prediction"] if values.shape[1] == 1 else None
        header = ["id", *(names or [f"prediction_{j}" for j in range(values.shape[1])])]
        rows = [
            [i, *(f"{p:.6g}" for p in row)] for i, row in zip(ids, values, strict=True)
        ]
        return header, rows
    classes = list(model.classes_)
    if not np.isscalar(classes[0]):  # multi-label: labels named by column
        classes = list(range(len(classes)))
    if proba:
        values = model.predict_proba(sequences)
        header = ["id", *(f"p_{c}" for c in classes)]
        rows = [
            [i, *(f"{p:.6g}" for p in row)] for i, row in zip(ids, values, strict=True)
        ]
        return header, rows
    predicted = model.predict(sequences)
    if predicted.ndim == 2:  # multi-label: one 0/1 column per label
        header = ["id", *(f"label_{c}" for c in classes)]
        rows = [[i, *row] for i, row in zip(ids, predicted.tolist(), strict=True)]
        return header, rows
    return ["id", "prediction"], [[i, p] for i, p in zip(ids, predicted, strict=True)]


def read_sequences(path: str | Path):
    """Sequences and their ids (None for plain text) from a file."""
    from ..datasets import load_sequences

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"sequence file not found: {path}")
    return load_sequences(path, return_ids=True)


def is_fasta(path: str | Path) -> bool:
    """Whether ``path`` is a FASTA file (gzipped or not): its first non-blank
    character is ``>``.  A labels file never starts so; a missing or
    unreadable file is not FASTA (its reader then says why)."""
    import gzip

    try:
        with open(path, "rb") as file:
            start = file.read(2)
        opener = gzip.open if start == b"\x1f\x8b" else open
        with opener(path, "rb") as file:
            head = file.read(1 << 16)
    except (OSError, EOFError):
        return False
    return head.lstrip()[:1] == b">"


def read_labeled(sequences_path, labels_path, task: str = "classification"):
    sequences, ids = read_sequences(sequences_path)
    if task == "classification":
        labels = read_labels(labels_path)
    else:
        labels = read_table(labels_path, task=task)
    if len(labels) != len(sequences):
        raise ValueError(
            f"{len(sequences)} sequences in {sequences_path} but {len(labels)} "
            f"labels in {labels_path}; give one label per sequence."
        )
    return sequences, labels, ids


def read_folder(folder: str | Path):
    """``sequences.txt`` (or a FASTA file) and ``labels.txt`` from a folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"data folder not found: {folder}")
    candidates = [folder / "sequences.txt"] + sorted(
        p
        for pattern in ("*.fa", "*.fasta", "*.fa.gz", "*.fasta.gz")
        for p in folder.glob(pattern)
    )
    sequences = next((p for p in candidates if p.is_file()), None)
    if sequences is None:
        raise FileNotFoundError(
            f"no sequences.txt or FASTA file (*.fa, *.fasta) in {folder}"
        )
    return read_labeled(sequences, folder / "labels.txt")


def load_model(path: str | Path):
    """A model saved by ``dnacnn fit`` or ``dnacnn demo``, set to predict quietly.

    The command line's one reader of models.  The name says the format: a
    ``.joblib``, ``.pkl`` or ``.pickle`` name (:data:`JOBLIB_SUFFIXES`) asks
    for ``joblib.load``, which runs whatever code a crafted file holds; any
    other file is read with :func:`dnacnn.load_model`, which runs none, and a
    pickle under another name is refused, never unpickled.  A dnacnn file
    under a joblib name is still read as one.  Loading unpacks the network
    into the temporary folder: a full disk or a file-size limit there is
    named, with the folder, rather than read as "the disk is full".
    """
    from .. import persistence

    path = Path(path)
    if path.suffix.lower() in JOBLIB_SUFFIXES and not persistence.is_safe_model_file(
        path
    ):
        if not path.is_file():
            raise FileNotFoundError(f"model file not found: {path}")
        import joblib

        try:
            model = joblib.load(path)
        except Exception as exc:  # joblib/pickle raise many kinds
            raise ValueError(
                f"cannot read a model from {path} (a {path.suffix} name is read "
                f"with joblib): {exc}"
            ) from exc
    else:
        try:
            model = persistence.load_model(path)
        except OSError as exc:
            if exc.strerror is None or exc.filename is not None:
                raise
            raise OSError(
                f"cannot read the model {str(path)!r}: {reason(exc)} while "
                f"unpacking it into the temporary folder {tempfile.gettempdir()!r}; "
                "free space there, or set TMPDIR to a folder with room."
            ) from exc
    from sklearn.base import is_regressor

    if not hasattr(model, "predict") or not (
        hasattr(model, "classes_") or is_regressor(model)
    ):
        raise ValueError(f"{path} does not hold a fitted classifier or regressor")
    return quiet(model)


def model_path(path: str | Path) -> Path:
    """Check, before training, that a model can be written at ``path``."""
    path = Path(path)
    make_folder(path.parent, what="folder of --out")
    return check_writable(path, what="model file (--out)")


def save_model_file(model, path: Path) -> str:
    """Write ``model`` atomically: joblib for a ``.joblib``/``.pkl`` name, else
    the safe format; return which."""
    quiet(model)
    if path.suffix.lower() in JOBLIB_SUFFIXES:
        import joblib

        with atomic_path(path) as temp:
            joblib.dump(model, temp)
        return "joblib"
    from ..persistence import save_model

    save_model(model, path)
    return "dnacnn"


def make_folder(folder: Path, *, what: str) -> Path:
    """Create ``folder`` (and its parents); a sentence, not an errno, if not."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ValueError(
            f"the {what} {str(folder)!r} is a file, not a folder; give a folder."
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(
            f"cannot create the {what} {str(folder)!r}: "
            f"{(exc.strerror or str(exc)).lower()}"
            + (" (a part of the path is a file)" if exc.errno in (17, 20) else "")
            + "."
        ) from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OSError(f"cannot write in the {what} {str(folder)!r}: permission denied.")
    return folder


@contextlib.contextmanager
def results_folder(
    folder: str | Path,
    *,
    owns: Callable[[str], bool],
    overwrite: bool,
    command: str,
    inputs: dict | None = None,
) -> Iterator[Path]:
    """Prepare ``--out`` of ``command``; yield a folder to write the results in.

    A folder holding anything is refused unless ``overwrite``: then only the
    files ``owns`` recognises as the command's results are replaced, and the
    user's other files are kept; an earlier result that is one of ``inputs``
    (see :func:`check_not_input`) is refused.  The results
    are written aside, in a hidden folder inside ``folder``; when the block
    ends they replace the earlier results as a set (renames, which need no
    disk space), and the earlier results this run did not write again are
    removed.  If the block raises (a full disk, Ctrl-C), the folder is left
    as it was, and an ``OSError`` names the result, not its temporary copy.
    """
    folder = make_folder(Path(folder), what="output folder (--out)")
    entries = sorted(folder.iterdir())
    if entries and not overwrite:
        names = ", ".join(repr(p.name) for p in entries[:3])
        more = f" and {len(entries) - 3} more" if len(entries) > 3 else ""
        raise ValueError(
            f"the output folder {str(folder)!r} is not empty (it holds {names}"
            f"{more}): give a new folder, or pass --overwrite to replace the "
            f"results of an earlier 'dnacnn {command}' (other files are kept)."
        )
    earlier = [p for p in entries if p.is_file() and owns(p.name)]
    for path in earlier:
        check_not_input(path, inputs or {}, what=f"earlier result of {command}")
    stage = Path(tempfile.mkdtemp(prefix=f".dnacnn-{command}-", dir=folder))
    try:
        try:
            yield stage
        except OSError as exc:
            name = exc.filename and Path(exc.filename)
            if name and name.parent == stage:
                raise OSError(exc.errno, exc.strerror, str(folder / name.name)) from exc
            raise
        _swap(stage, folder, earlier)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _swap(stage: Path, folder: Path, earlier: list[Path]) -> None:
    """Move the earlier results aside and the new ones in; undo it on failure."""
    new = sorted(p.name for p in stage.iterdir() if p.is_file())
    aside = stage / ".earlier"
    aside.mkdir()
    moved: list[str] = []
    placed: list[str] = []
    try:
        for path in earlier:
            os.replace(path, aside / path.name)
            moved.append(path.name)
        for name in new:
            os.replace(stage / name, folder / name)
            placed.append(name)
    except BaseException:
        for name in placed:
            os.replace(folder / name, stage / name)
        for name in moved:
            os.replace(aside / name, folder / name)
        raise


def save_figure(figure, path: Path, *, dpi: int = 100) -> Path:
    """Save a matplotlib figure as PNG atomically, and close it."""
    import matplotlib.pyplot as plt

    try:
        with atomic_path(path) as temp:
            figure.savefig(temp, format="png", dpi=dpi)
    finally:
        plt.close(figure)
    return path


def matches(*patterns: str) -> Callable[[str], bool]:
    """A test of file names against full-match regular expressions."""
    compiled = [re.compile(p) for p in patterns]
    return lambda name: any(c.fullmatch(name) for c in compiled)


def quiet(model):
    """Stop Keras' progress lines when ``model`` predicts (they go to stdout)."""
    classifier = model.steps[-1][1] if hasattr(model, "steps") else model
    if "verbose" in classifier.get_params():
        classifier.set_params(verbose=0)
    return model
