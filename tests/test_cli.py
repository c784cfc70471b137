"""The ``dnacnn`` command, run as a user runs it: the installed script."""

import base64
import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dnacnn import make_motif_dataset

DNACNN = Path(sys.executable).parent / "dnacnn"


def run(*args, cwd=None, env=None, check=True):
    result = subprocess.run(
        [str(DNACNN), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "MPLBACKEND": "Agg", **(env or {})},
        timeout=600,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stderr[-3000:]}")
    return result


def test_installed_command_and_help():
    assert DNACNN.is_file(), "the dnacnn console script is not installed"
    out = run("--help").stdout
    for command in ("demo", "fit", "predict", "explain"):
        assert command in out
    options = {
        "demo": [
            "--data",
            "--out",
            "--epochs",
            "--random-state",
            "--positive",
            "--quiet",
        ],
        "fit": ["--out", "--length", "--epochs", "--kernel-size", "--learning-rate"],
        "predict": ["--proba", "--output"],
        "explain": ["--out", "--method", "--target", "--n-figures"],
    }
    for command, names in options.items():
        text = run(command, "--help").stdout
        for name in names:
            assert name in text, f"{command} --help does not explain {name}"


@pytest.mark.slow
def test_demo_default_run_writes_the_report(tmp_path):
    result = run("demo", "--out", tmp_path / "demo", cwd=tmp_path)
    out = result.stdout
    assert "Epoch 50/50" in out  # progress while training
    accuracy = float(re.search(r"test accuracy: ([\d.]+)", out).group(1))
    assert accuracy >= 0.98
    assert "discovered motif: CGACCGAACTCC" in out
    assert "planted motif:    CGACCGAACTCC (matches" in out
    demo = tmp_path / "demo"
    for name in (
        "model.joblib",
        "training_curves.png",
        "confusion_matrix.png",
        "saliency.png",
        "motif_logo.png",
        "motif.meme",
        "report.md",
        "report.html",
    ):
        assert (demo / name).stat().st_size > 0, name
    page = (demo / "report.html").read_text()
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 4  # self-contained: the figures are embedded
    assert all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    assert "CGACCGAACTCC" in page and f"{accuracy:.3f}" in page
    assert "![saliency map](saliency.png)" in (demo / "report.md").read_text()
    # the saved model predicts from raw strings
    import joblib

    model = joblib.load(demo / "model.joblib")
    assert model.predict(["A" * 19 + "CGACCGAACTCC" + "T" * 19]).tolist() == [1]


@pytest.mark.slow
def test_demo_on_a_folder_and_on_the_primer_data(tmp_path, primer_dir, primer_cache):
    folder = tmp_path / "data"
    folder.mkdir()
    X, y, _ = make_motif_dataset(400, 40, "TTGACGTCAA", random_state=3)
    (folder / "sequences.txt").write_text("\n".join(X) + "\n")
    labels = np.where(y == 1, "bound", "unbound")
    (folder / "labels.txt").write_text("\n".join(labels) + "\n")
    demo = ["demo", "--data", folder, "--out", tmp_path / "o", "--epochs", "20"]
    refused = run(*demo, check=False)
    assert refused.returncode == 1 and "--positive" in refused.stderr
    out = run(*demo, "--positive", "bound", "--quiet").stdout
    assert "Epoch" not in out
    assert "discovered motif: TTGACGTCAA" in out
    out = run(
        "demo",
        "--data",
        "primer",
        "--out",
        tmp_path / "p",
        "--epochs",
        "20",
        "--quiet",
        env={"DNACNN_DATA": str(primer_cache)},
    ).stdout
    assert "planted motif:    CGACCGAACTCC (matches" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["demo", "--data", "no/such/folder"], "folder not found"),
        (["predict", "missing.joblib", "seqs.txt"], "model file not found"),
        (["fit", "seqs.txt", "short_labels.txt", "--out", "m.joblib"], "3 sequences"),
        (["fit", "binary.txt", "labels.txt", "--out", "m.joblib"], "binary.txt"),
        (["fit", "seqs.txt", "nolabels.txt", "--out", "m.joblib"], "not found"),
        (["demo", "--data", "mismatch"], "3 sequences"),
        (["demo", "--data", "nofasta"], "no sequences.txt or FASTA"),
    ],
)
def test_errors_are_one_line_without_traceback(tmp_path, args, message):
    for folder in ("mismatch", "nofasta"):
        (tmp_path / folder).mkdir()
    (tmp_path / "mismatch" / "sequences.txt").write_text("ACGT\nACGA\nTTTT\n")
    (tmp_path / "mismatch" / "labels.txt").write_text("0\n1\n")
    (tmp_path / "seqs.txt").write_text("ACGT\nACGA\nTTTT\n")
    (tmp_path / "labels.txt").write_text("0\n1\n0\n")
    (tmp_path / "short_labels.txt").write_text("0\n1\n")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00\x81ACGT\n")
    result = run(*args, cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"dnacnn {args[0]}: error:") and message in last


@pytest.mark.slow
def test_fit_predict_explain_round_trip(tmp_path):
    X, y, positions = make_motif_dataset(300, 30, random_state=0)
    fasta = tmp_path / "seqs.fa.gz"
    with gzip.open(fasta, "wt") as f:
        f.writelines(
            f">seq{i} planted={p}\n{s[:15]}\n{s[15:]}\n"
            for i, (s, p) in enumerate(zip(X, positions, strict=True))
        )
    labels = tmp_path / "labels.txt"
    labels.write_text("\n".join("bound" if v else "free" for v in y) + "\n")
    model = tmp_path / "model.joblib"
    out = run(
        "fit",
        fasta,
        labels,
        "--out",
        model,
        "--epochs",
        "20",
        "--kernel-size",
        "8",
        "--learning-rate",
        "0.01",
    ).stdout
    assert "Epoch 20/20" in out  # progress while fitting
    assert "fitted on 300 sequences" in out and model.is_file()

    table = run("predict", model, fasta).stdout.splitlines()
    assert len(table) == 301  # nothing but the CSV on stdout
    assert table[0] == "id,prediction" and table[1].startswith("seq0,")
    predicted = np.array([row.split(",")[1] for row in table[1:]])
    assert (predicted == np.where(y == 1, "bound", "free")).mean() > 0.9
    run("predict", model, fasta, "--proba", "--output", tmp_path / "p.tsv")
    rows = (tmp_path / "p.tsv").read_text().splitlines()
    assert rows[0].split("\t") == ["id", "p_bound", "p_free"] and len(rows) == 301

    bound = tmp_path / "bound.txt"
    bound.write_text("\n".join(X[y == 1]) + "\n")
    out = run(
        "explain",
        model,
        bound,
        "--out",
        tmp_path / "ex",
        "--n-figures",
        "2",
        "--target",
        "bound",
    ).stdout
    assert "discovered motif CGACCGAACTCC" in out
    ex = tmp_path / "ex"
    saliency = (ex / "saliency.tsv").read_text().splitlines()
    assert saliency[0] == "id\tposition\tbase\tsaliency"
    assert len(saliency) == 1 + 30 * int(y.sum())
    assert sorted(p.name for p in ex.glob("*.png")) == [
        "motif_logo.png",
        "saliency_0.png",
        "saliency_1.png",
    ]
    assert "MOTIF" in (ex / "motif.meme").read_text()
