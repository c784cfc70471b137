"""Reading the command line's inputs: labels, labelled folders, saved models.

Errors are ``FileNotFoundError`` or ``ValueError`` whose message names the
file; the command line prints them as one line.
"""

from __future__ import annotations

from pathlib import Path


def read_labels(path: str | Path) -> list:
    """One label per line (blank lines ignored); ints when every label is one."""
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
    try:
        return [int(label) for label in labels]
    except ValueError:
        return labels


def read_sequences(path: str | Path):
    """Sequences and their ids (None for plain text) from a file."""
    from .datasets import load_sequences

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"sequence file not found: {path}")
    return load_sequences(path, return_ids=True)


def read_labeled(sequences_path, labels_path):
    sequences, ids = read_sequences(sequences_path)
    labels = read_labels(labels_path)
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
    """A Pipeline saved by ``dnacnn fit`` or ``dnacnn demo``, set to predict quietly."""
    import joblib

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"model file not found: {path}")
    try:
        model = joblib.load(path)
    except Exception as exc:  # joblib/pickle raise many kinds
        raise ValueError(f"cannot read a model from {path}: {exc}") from exc
    if not hasattr(model, "predict_proba") or not hasattr(model, "classes_"):
        raise ValueError(f"{path} does not hold a fitted classifier")
    return quiet(model)


def quiet(model):
    """Stop Keras' progress lines when ``model`` predicts (they go to stdout)."""
    classifier = model.steps[-1][1] if hasattr(model, "steps") else model
    if "verbose" in classifier.get_params():
        classifier.set_params(verbose=0)
    return model
