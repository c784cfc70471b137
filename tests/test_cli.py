"""The ``dnacnn`` command, run as a user runs it: the installed script.

What only a process of its own shows (the installed script, an exit on a
signal, TensorFlow's start-up messages, a size limit, the user's whole
round trip) runs the script (:func:`run`).  A test that reads no more than
what a command prints and writes calls the same entry point in this process
(``here``, :func:`dnacnn.cli.main`): a fresh process imports TensorFlow
first, about 5 s of CPU each time.
"""

import base64
import gzip
import inspect
import os
import re
import resource
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

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


@pytest.fixture
def here(capsys, monkeypatch):
    """``here(*args, cwd=None, check=True)``: ``dnacnn ARGS`` run in this
    process by :func:`dnacnn.cli.main`, returned as :func:`run` returns it
    (``returncode``, ``stdout``, ``stderr``)."""
    from dnacnn.cli import main

    def call(*args, cwd=None, check=True):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()  # what came before is not this command's
        status = main([str(arg) for arg in args])
        out, err = capsys.readouterr()
        if check and status != 0:
            raise AssertionError(f"exit {status}\n{err[-3000:]}")
        return SimpleNamespace(returncode=status, stdout=out, stderr=err)

    return call


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
            "--name-motifs",
        ],
        "fit": ["--out", "--length", "--epochs", "--kernel-size", "--learning-rate"],
        "predict": ["--proba", "--output"],
        "explain": ["--out", "--method", "--target", "--n-figures", "--name-motifs"],
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
        "model.dnacnn",
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
    # classes as a biologist reads them, under one heading
    assert re.search(r"^ +unbound +bound$", out, re.MULTILINE)
    assert (demo / "report.md").read_text().count("## Confusion matrix") == 1
    assert page.count("<h2>Confusion matrix</h2>") == 1
    # saliency in logit units, not a probability's vanishing gradient
    report = (demo / "report.md").read_text()
    largest = float(re.search(r"largest \|saliency\| is ([\d.e+-]+) logit", report)[1])
    assert largest > 0.01
    # the saved model (no pickle) predicts from raw strings
    from dnacnn import load_model

    model = load_model(demo / "model.dnacnn")
    assert model.predict(["A" * 19 + "CGACCGAACTCC" + "T" * 19]).tolist() == [1]


@pytest.mark.slow
def test_demo_on_a_folder_and_on_the_primer_data(tmp_path, primer_dir, primer_cache):
    folder = tmp_path / "data"
    folder.mkdir()
    X, y = make_motif_dataset(400, 40, "TTGACGTCAA", random_state=3)
    (folder / "sequences.txt").write_text("\n".join(X) + "\n")
    labels = np.where(y == 1, "bound", "unbound")
    (folder / "labels.txt").write_text("\n".join(labels) + "\n")
    demo = ["demo", "--data", folder, "--out", tmp_path / "o", "--epochs", "20"]
    refused = run(*demo, check=False)
    assert refused.returncode == 1 and "--positive" in refused.stderr
    out = run(*demo, "--positive", "bound", "--quiet").stdout
    assert "Epoch" not in out
    assert "discovered motif: TTGACGTCAA" in out
    again = run(*demo, "--positive", "bound", check=False)  # a used folder
    assert again.returncode == 1 and "--overwrite" in again.stderr
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
        (["fit", "pos.fa", "--out", "m.dnacnn"], "or --background shuffle"),
        (["fit", "pos.fa", "neg.fa", "--task", "regression", "--out", "m"], "--task"),
        (["fit", "pos.fa", "--background", "gc", "--out", "m"], "needs --bed"),
        (["fit", "pos.fa", "neg.fa", "--background", "shuffle", "--out", "m"], "both"),
        (
            ["fit", "pos.fa", "labels.txt", "--negatives", "neg.fa", "--out", "m"],
            "both",
        ),
        (["fit", "pos.fa", "neg.fa", "--test-size", "1.5", "--out", "m"], "fraction"),
        (["fit", "pos.fa", "neg.fa", "--cv", "1", "--out", "m"], "2 folds"),
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
    (tmp_path / "pos.fa").write_text(">p0\nACGTAC\n>p1\nACGAAC\n")
    (tmp_path / "neg.fa").write_text(">n0\nTTTTAC\n>n1\nTTGAAC\n")
    result = run(*args, cwd=tmp_path, check=False)
    assert "Epoch" not in result.stdout  # refused before any training
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"dnacnn {args[0]}: error:") and message in last


@pytest.mark.slow
def test_fit_predict_explain_round_trip(tmp_path):
    X, y, positions = make_motif_dataset(300, 30, return_positions=True, random_state=0)
    fasta = tmp_path / "seqs.fa.gz"
    with gzip.open(fasta, "wt") as f:
        f.writelines(
            f">seq{i} planted={p}\n{s[:15]}\n{s[15:]}\n"
            for i, (s, p) in enumerate(zip(X, positions, strict=True))
        )
    labels = tmp_path / "labels.txt"
    labels.write_text("\n".join("bound" if v else "free" for v in y) + "\n")
    model = tmp_path / "model.dnacnn"
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
    # a fifth held out, stratified; its scores reported
    assert "fitted on 240 sequences; held out 60 (stratified" in out
    auroc = float(re.search(r"auROC ([\d.]+)", out)[1])
    assert auroc > 0.9 and "MCC" in out and model.is_file()

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
    assert saliency[0] == "id\tposition\tbase\tsaliency_logit"
    assert len(saliency) == 1 + 30 * int(y.sum())
    assert sorted(p.name for p in ex.glob("*.png")) == [
        "motif_logo.png",
        "saliency_0.png",
        "saliency_1.png",
    ]
    assert "MOTIF" in (ex / "motif.meme").read_text()


# --------------------------------------------------------------------------
# defaults, labels, output paths, atomic writes, Ctrl-C
# --------------------------------------------------------------------------
def test_help_imports_no_tensorflow_and_defaults_come_from_the_signatures():
    code = (
        "import sys\n"
        "from dnacnn.cli import main\n"
        "for c in ('fit', 'explain', 'demo'):\n"
        "    try:\n"
        "        main([c, '--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('LOADED', [m for m in ('tensorflow', 'keras', 'sklearn')"
        " if m in sys.modules])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "LOADED []" in result.stdout

    from dnacnn import DNACNNClassifier
    from dnacnn.cli import build_parser
    from dnacnn.interpret import METHODS, saliency

    signature = inspect.signature(DNACNNClassifier).parameters
    parser = build_parser()
    fit = parser.parse_args(["fit", "s", "l", "--out", "m"])
    for name in (
        "epochs",
        "filters",
        "kernel_size",
        "batch_size",
        "learning_rate",
        "validation_split",
    ):
        assert getattr(fit, name) == signature[name].default, name
    explain = parser.parse_args(["explain", "m", "s", "--out", "o"])
    assert explain.method == inspect.signature(saliency).parameters["method"].default
    action = next(
        a
        for sub in parser._subparsers._group_actions[0].choices.values()
        if sub.prog.endswith("explain")
        for a in sub._actions
        if a.dest == "method"
    )
    assert tuple(action.choices) == tuple(METHODS)
    assert parser.parse_args(["demo"]).epochs == signature["epochs"].default


def test_labels_keep_their_spelling_unless_canonical_ints(tmp_path):
    from dnacnn.cli._io import parse_label, read_labels

    path = tmp_path / "labels.txt"
    path.write_text("01\n1\n01\n")
    assert read_labels(path) == ["01", "1", "01"]  # two classes, as written
    path.write_text("1\n-2\n0\n")
    assert read_labels(path) == [1, -2, 0]
    assert [parse_label(t) for t in ("1", "01", "+1", "bound")] == [
        1,
        "01",
        "+1",
        "bound",
    ]


@pytest.fixture
def small_data(tmp_path):
    X, y = make_motif_dataset(120, 24, random_state=0)
    (tmp_path / "seqs.txt").write_text("\n".join(X) + "\n")
    (tmp_path / "labels.txt").write_text("\n".join(map(str, y)) + "\n")
    return tmp_path


@pytest.mark.parametrize("kind", ["folder", "under_a_file", "missing_folder"])
def test_fit_refuses_a_bad_out_before_training_with_a_sentence(small_data, kind):
    (small_data / "afolder").mkdir()
    out = {
        "folder": "afolder",
        "under_a_file": "seqs.txt/model.dnacnn",
        "missing_folder": "new/deeper/model.dnacnn",
    }[kind]
    result = run(
        "fit",
        "seqs.txt",
        "labels.txt",
        "--out",
        out,
        "--epochs",
        "2",
        cwd=small_data,
        check=False,
    )
    if kind == "missing_folder":  # folders are created, as before
        assert result.returncode == 0 and (small_data / out).is_file()
        return
    assert result.returncode == 1
    assert "Epoch" not in result.stdout  # nothing was trained
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("dnacnn fit: error:") and "Errno" not in last
    assert repr("seqs.txt" if kind == "under_a_file" else "afolder") in last


def _file_size_limit(limit):
    def preexec():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of death
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


@pytest.mark.slow
@pytest.mark.parametrize("name", ["model.dnacnn", "model.joblib"])
def test_a_failed_model_write_leaves_the_old_model(small_data, name):
    old = small_data / name
    old.write_bytes(b"a good model from yesterday")
    before = sorted(p.name for p in small_data.iterdir())
    result = subprocess.run(
        [
            str(DNACNN),
            "fit",
            "seqs.txt",
            "labels.txt",
            "--out",
            name,
            "--epochs",
            "1",
            "--quiet",
        ],
        cwd=small_data,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=_file_size_limit(8192),  # the model is larger
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert old.read_bytes() == b"a good model from yesterday"
    assert sorted(p.name for p in small_data.iterdir()) == before


@pytest.mark.slow
def test_ctrl_c_prints_one_line_exits_130_and_writes_nothing(small_data):
    old = small_data / "model.dnacnn"
    old.write_bytes(b"a good model from yesterday")
    process = subprocess.Popen(
        [
            str(DNACNN),
            "fit",
            "seqs.txt",
            "labels.txt",
            "--out",
            "model.dnacnn",
            "--epochs",
            "100000",
        ],
        cwd=small_data,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        # Ctrl-C as in a terminal, even when the suite runs as a shell's
        # background job, which starts its children with SIGINT ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        for line in process.stdout:
            if line.startswith("Epoch 2/"):
                break
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130, stderr[-2000:]
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == "dnacnn fit: interrupted", stderr[-3000:]
    assert old.read_bytes() == b"a good model from yesterday"
    assert sorted(p.name for p in small_data.iterdir()) == [
        "labels.txt",
        "model.dnacnn",
        "seqs.txt",
    ]


@pytest.fixture(scope="module")
def fitted_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fitted")
    X, y = make_motif_dataset(150, 24, random_state=0)
    (folder / "seqs.txt").write_text("\n".join(X) + "\n")
    (folder / "labels.txt").write_text("\n".join(map(str, y)) + "\n")
    run(
        "fit",
        "seqs.txt",
        "labels.txt",
        "--out",
        "model.dnacnn",
        "--epochs",
        "3",
        "--kernel-size",
        "8",
        "--quiet",
        cwd=folder,
    )
    return folder


@pytest.mark.slow
def test_predict_reads_a_pickle_only_under_a_joblib_name(fitted_model, tmp_path, here):
    import joblib

    from dnacnn import load_model

    seqs = fitted_model / "seqs.txt"
    model = load_model(fitted_model / "model.dnacnn")
    joblib.dump(model, tmp_path / "a.joblib")
    joblib.dump(model, tmp_path / "a.model")
    (tmp_path / "b.model").write_bytes((fitted_model / "model.dnacnn").read_bytes())
    (tmp_path / "b.pkl").write_bytes((fitted_model / "model.dnacnn").read_bytes())
    safe = here("predict", tmp_path / "b.model", seqs, "--proba").stdout
    pickled = here("predict", tmp_path / "a.joblib", seqs, "--proba").stdout
    assert safe == pickled and len(safe.splitlines()) == 151
    # a dnacnn file under a joblib name is still read without unpickling
    assert here("predict", tmp_path / "b.pkl", seqs, "--proba").stdout == safe
    # a pickle under any other name is refused, not unpickled
    refused = here("predict", tmp_path / "a.model", seqs, check=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    last = refused.stderr.strip().splitlines()[-1]
    assert "a.model" in last and "not a dnacnn model file" in last and ".joblib" in last
    bad = here("predict", seqs, seqs, check=False)
    assert bad.returncode == 1 and "not a dnacnn model file" in bad.stderr
    help_text = " ".join(run("predict", "--help").stdout.split())
    assert "only load those you trust" in help_text
    assert ".joblib" in help_text


@pytest.mark.slow
def test_explain_refuses_a_used_folder_and_overwrite_replaces_only_its_files(
    fitted_model, tmp_path, here
):
    model, seqs = fitted_model / "model.dnacnn", fitted_model / "seqs.txt"
    out = tmp_path / "ex"
    here("explain", model, seqs, "--out", out, "--n-figures", "3")
    (out / "notes.txt").write_text("mine")
    refused = here("explain", model, seqs, "--out", out, check=False)
    assert refused.returncode == 1 and "--overwrite" in refused.stderr
    here("explain", model, seqs, "--out", out, "--n-figures", "1", "--overwrite")
    assert sorted(p.name for p in out.iterdir()) == [
        "hits.bed",
        "motif.meme",
        "motif_logo.png",
        "notes.txt",
        "saliency.tsv",
        "saliency_0.png",
    ]
    assert (out / "notes.txt").read_text() == "mine"


# --------------------------------------------------------------------------
# an output that is an input, SIGTERM, a full disk, logit units
# --------------------------------------------------------------------------
@pytest.mark.parametrize("link", ["same", "hard", "symbolic"])
@pytest.mark.parametrize(
    ("args", "output", "victim"),
    [
        (["fit", "seqs.txt", "labels.txt", "--out"], "OUT", "seqs.txt"),
        (["fit", "seqs.txt", "labels.txt", "--out"], "OUT", "labels.txt"),
        (["predict", "model.dnacnn", "seqs.txt", "--output"], "OUT", "model.dnacnn"),
        (["predict", "model.dnacnn", "seqs.txt", "--output"], "OUT", "seqs.txt"),
    ],
)
def test_an_output_that_is_an_input_is_refused_before_any_work(
    small_data, args, output, victim, link
):
    (small_data / "model.dnacnn").write_bytes(b"a model from yesterday")
    before = {p.name: p.read_bytes() for p in small_data.iterdir()}
    out = victim
    if link == "hard":
        out = "alias.out"
        os.link(small_data / victim, small_data / out)
    elif link == "symbolic":
        out = "alias.out"
        os.symlink(victim, small_data / out)
    result = (
        run(*args, out, "--epochs", "1", cwd=small_data, check=False)
        if (args[0] == "fit")
        else run(*args, out, cwd=small_data, check=False)
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Epoch" not in result.stdout  # refused before training
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"dnacnn {args[0]}: error:") and "Traceback" not in last
    assert repr(out) in last and repr(victim) in last and "same file" in last
    for name, data in before.items():
        assert (small_data / name).read_bytes() == data


@pytest.mark.slow
def test_sigterm_is_like_ctrl_c_one_line_exit_143_nothing_left(small_data, tmp_path):
    old = small_data / "model.dnacnn"
    old.write_bytes(b"a good model from yesterday")
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = subprocess.Popen(
        [
            str(DNACNN),
            "fit",
            "seqs.txt",
            "labels.txt",
            "--out",
            "model.dnacnn",
            "--epochs",
            "100000",
        ],
        cwd=small_data,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(temp)},
    )
    try:
        for line in process.stdout:
            if line.startswith("Epoch 2/"):
                break
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 143, stderr[-2000:]
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == "dnacnn fit: terminated", stderr[-3000:]
    assert old.read_bytes() == b"a good model from yesterday"
    assert sorted(p.name for p in small_data.iterdir()) == [
        "labels.txt",
        "model.dnacnn",
        "seqs.txt",
        "tmp",
    ]
    assert list(temp.iterdir()) == []


@pytest.mark.slow
def test_sigterm_while_writing_removes_the_part_file(tmp_path):
    """In-process: the signal arrives while a result is half written."""
    import dnacnn.cli as cli
    from dnacnn.cli._io import atomic_path

    target = tmp_path / "table.tsv"
    target.write_text("yesterday's table")

    def command(args):
        with atomic_path(target) as temp:
            temp.write_text("half of it")
            os.kill(os.getpid(), signal.SIGTERM)
            raise AssertionError("SIGTERM did not stop the command")

    previous = signal.getsignal(signal.SIGTERM)
    try:
        status = cli.run_command(command, argparse_namespace("fit"))
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert status == 143
    assert target.read_text() == "yesterday's table"
    assert [p.name for p in tmp_path.iterdir()] == ["table.tsv"]


def argparse_namespace(command):
    import argparse

    return argparse.Namespace(command=command)


@pytest.mark.slow
def test_explain_overwrite_keeps_the_old_set_when_the_disk_fills(
    fitted_model, tmp_path, monkeypatch, capsys
):
    import errno

    from matplotlib.figure import Figure

    import dnacnn.cli as cli

    model, seqs = fitted_model / "model.dnacnn", fitted_model / "seqs.txt"
    out = tmp_path / "ex"
    run("explain", model, seqs, "--out", out, "--n-figures", "3")
    (out / "notes.txt").write_text("mine")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    few = tmp_path / "few.txt"
    few.write_text("".join(seqs.read_text().splitlines(keepends=True)[:8]))
    saved = Figure.savefig
    calls = []

    def savefig(self, fname, *args, **kwargs):
        calls.append(fname)
        if len(calls) == 2:  # the second figure: the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return saved(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    status = cli.main(
        ["explain", str(model), str(few), "--out", str(out), "--overwrite"]
    )
    err = capsys.readouterr().err
    assert status == 1
    assert "the disk is full" in err and "saliency_1.png" in err, err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ex", "few.txt"]


@pytest.mark.slow
def test_explain_explains_the_logit_by_default_and_labels_the_units(
    fitted_model, tmp_path, here
):
    from dnacnn import load_model, saliency

    model, seqs = fitted_model / "model.dnacnn", fitted_model / "seqs.txt"
    sequences = seqs.read_text().split()[:6]
    few = tmp_path / "few.txt"
    few.write_text("\n".join(sequences) + "\n")
    estimator = load_model(model)
    for units in (None, "logit", "probability"):
        out = tmp_path / f"ex-{units}"
        extra = [] if units is None else ["--units", units]
        here("explain", model, few, "--out", out, "--n-figures", "1", *extra)
        rows = [r.split("\t") for r in (out / "saliency.tsv").read_text().splitlines()]
        assert rows[0] == ["id", "position", "base", f"saliency_{units or 'logit'}"]
        expected = saliency(estimator, sequences, output=units or "logit")
        got = np.array([float(r[3]) for r in rows[1:]]).reshape(expected.shape)
        np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-5)
    assert "--units" in run("explain", "--help").stdout


def test_a_full_temporary_folder_while_unpacking_the_model_is_named(
    tmp_path, monkeypatch
):
    import errno
    import tempfile

    import dnacnn.persistence
    from dnacnn.cli._io import load_model

    def failing(path):  # as an extraction into $TMPDIR fails under a limit
        raise OSError(errno.EFBIG, "File too large")

    monkeypatch.setattr(dnacnn.persistence, "load_model", failing)
    with pytest.raises(OSError) as error:
        load_model(tmp_path / "model.dnacnn")
    message = str(error.value)
    assert "model.dnacnn" in message and repr(tempfile.gettempdir()) in message
    assert "larger than this system allows" in message and "TMPDIR" in message


class _Payload:
    """Pickles to a call of os.system that creates the file ``marker``."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("command", ["predict", "explain", "variants"])
def test_a_pickle_named_dnacnn_is_refused_and_never_run(command, tmp_path):
    import pickle

    marker = tmp_path / "PWNED"
    (tmp_path / "m.dnacnn").write_bytes(pickle.dumps(_Payload(marker)))
    (tmp_path / "seqs.txt").write_text("ACGT\n")
    (tmp_path / "calls.vcf").write_text("##fileformat=VCFv4.2\n")
    (tmp_path / "g.fa").write_text(">chr1\nACGT\n")
    args = {
        "predict": ["seqs.txt"],
        "explain": ["seqs.txt", "--out", "ex"],
        "variants": ["calls.vcf", "--genome", "g.fa", "--out", "s.tsv"],
    }[command]
    result = run(command, "m.dnacnn", *args, cwd=tmp_path, check=False)
    assert not marker.exists(), "the pickle ran"
    assert result.returncode == 1 and "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"dnacnn {command}: error: 'm.dnacnn' is not a dnacnn")


def _zip_with(path, meta: bytes, network: bytes = b"") -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("dnacnn.json", meta)
        archive.writestr("model.keras", network)
    return path


@pytest.mark.parametrize(
    "kind, message",
    [
        ("empty", "empty"),
        ("truncated", "truncated"),
        ("nested", "nests"),
        ("steps", "steps"),
        ("evil", "Evil"),
        ("bomb", "model.keras"),
    ],
)
def test_a_malformed_model_file_is_one_line_naming_it(kind, message, tmp_path):
    import json

    meta = {"format": "dnacnn-model", "version": 1, "pipeline": None}
    path = tmp_path / "m.dnacnn"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        _zip_with(path, json.dumps({**meta, "steps": []}).encode(), bytes(5000))
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif kind == "nested":
        _zip_with(path, b"[" * 100_000 + b"]" * 100_000)
    elif kind == "steps":
        _zip_with(path, json.dumps({**meta, "steps": "ab"}).encode())
    elif kind == "evil":
        step = {"name": None, "class": "Evil", "params": {}, "fitted": {}}
        _zip_with(path, json.dumps({**meta, "steps": [step]}).encode())
    elif kind == "bomb":
        with open(path, "wb") as f:  # 16 MiB of zeros in a 16 KiB file
            import zipfile

            with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("dnacnn.json", json.dumps({**meta, "steps": []}))
                with archive.open("model.keras", "w") as member:
                    for _ in range(16):
                        member.write(bytes(2**20))
    (tmp_path / "seqs.txt").write_text("ACGT\n")
    result = run("predict", "m.dnacnn", "seqs.txt", cwd=tmp_path, check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("dnacnn predict: error: 'm.dnacnn'"), last
    assert message in last, last


# --------------------------------------------------------------------------
# quiet by default; positives and negatives; held-out scores; the demo report
# --------------------------------------------------------------------------
#: TensorFlow's start-up lines: absl/glog C++ log lines and their preamble.
TF_NOISE = re.compile(
    r"^([IWE]\d{4} \d+:\d+:\d+\.\d+ +\d+ \S+:\d+\]|WARNING: All log messages"
    r"|.*(oneDNN|cuInit|cuda drivers|rebuild TensorFlow))",
    re.MULTILINE,
)


@pytest.mark.slow
def test_commands_keep_tensorflow_quiet_unless_verbose(fitted_model):
    seqs = fitted_model / "seqs.txt"
    quiet = run("predict", "model.dnacnn", seqs, cwd=fitted_model)
    assert TF_NOISE.search(quiet.stderr) is None, quiet.stderr
    assert quiet.stderr == "" and len(quiet.stdout.splitlines()) == 151
    # a one-line error still gets through the filter
    refused = run(
        "predict", "model.dnacnn", "missing.txt", cwd=fitted_model, check=False
    )
    assert refused.stderr.strip().splitlines() == [
        "dnacnn predict: error: sequence file not found: missing.txt"
    ]
    # python -m dnacnn is the same command
    module = subprocess.run(
        [sys.executable, "-m", "dnacnn", "predict", "model.dnacnn", str(seqs)],
        capture_output=True,
        text=True,
        cwd=fitted_model,
        timeout=600,
    )
    assert module.returncode == 0 and module.stdout == quiet.stdout
    assert TF_NOISE.search(module.stderr) is None, module.stderr
    loud = run("predict", "model.dnacnn", seqs, "--verbose", cwd=fitted_model)
    assert loud.stdout == quiet.stdout
    assert TF_NOISE.search(loud.stderr), "TensorFlow printed nothing to hide"


def _fasta(path, sequences, prefix):
    path.write_text("".join(f">{prefix}{i}\n{s}\n" for i, s in enumerate(sequences)))
    return path


@pytest.fixture(scope="module")
def two_fasta(tmp_path_factory):
    """positives.fa (the planted motif) and negatives.fa, 80 of each."""
    folder = tmp_path_factory.mktemp("fasta")
    X, y = make_motif_dataset(160, 30, random_state=2)
    _fasta(folder / "positives.fa", X[y == 1], "pos")
    _fasta(folder / "negatives.fa", X[y == 0], "neg")
    (folder / "negatives.txt").write_text("\n".join(X[y == 0]) + "\n")
    return folder


def _scores(out: str) -> dict:
    return {k: float(v) for k, v in re.findall(r"(auROC|accuracy|MCC) ([\d.-]+)", out)}


@pytest.mark.slow
def test_fit_on_two_fasta_files_reports_held_out_scores(two_fasta, here):
    n_pos = len(two_fasta.joinpath("positives.fa").read_text().split(">")) - 1
    n_neg = len(two_fasta.joinpath("negatives.fa").read_text().split(">")) - 1
    fast = ["--epochs", "15", "--kernel-size", "8", "--learning-rate", "0.01"]
    out = here(
        "fit",
        "positives.fa",
        "negatives.fa",
        "--out",
        "m.dnacnn",
        *fast,
        "--quiet",
        cwd=two_fasta,
    ).stdout
    assert f"{n_pos} positives of positives.fa (label 1)" in out
    assert f"{n_neg} negatives of negatives.fa (label 0)" in out
    n = n_pos + n_neg
    held = -(-n // 5)  # a fifth, rounded up as scikit-learn does
    assert f"fitted on {n - held} sequences; held out {held} (stratified" in out
    scores = _scores(out)
    assert set(scores) == {"auROC", "accuracy", "MCC"} and scores["auROC"] > 0.8
    # the negatives are class 0, the positives class 1
    table = here("predict", "m.dnacnn", "positives.fa", cwd=two_fasta).stdout
    predicted = [row.split(",")[1] for row in table.splitlines()[1:]]
    assert set(predicted) <= {"0", "1"} and predicted.count("1") > 0.7 * n_pos
    # the same data through --negatives (a plain file): the same model
    again = here(
        "fit",
        "positives.fa",
        "--negatives",
        "negatives.txt",
        "--out",
        "n.dnacnn",
        *fast,
        "--quiet",
        cwd=two_fasta,
    ).stdout
    assert _scores(again) == scores


@pytest.mark.slow
def test_fit_with_shuffled_background_and_cross_validation(two_fasta, here):
    out = here(
        "fit",
        "positives.fa",
        "--background",
        "shuffle",
        "--cv",
        "3",
        "--out",
        "s.dnacnn",
        "--epochs",
        "3",
        "--quiet",
        cwd=two_fasta,
    ).stdout
    n_pos = len(two_fasta.joinpath("positives.fa").read_text().split(">")) - 1
    assert f"{n_pos} dinucleotide shuffles of them as negatives (label 0)" in out
    assert "3-fold cross-validation (stratified" in out
    assert len(re.findall(r"^  fold \d: auROC", out, re.MULTILINE)) == 3
    assert re.search(r"^  mean: +auROC [\d.]+ \(sd [\d.]+\)", out, re.MULTILINE)
    assert f"final model fitted on all {2 * n_pos} sequences" in out
    assert (two_fasta / "s.dnacnn").is_file()


@pytest.mark.slow
def test_fit_regression_reports_held_out_r2(tmp_path, here):
    rng = np.random.default_rng(0)
    X, y = make_motif_dataset(100, 24, random_state=0)
    (tmp_path / "s.txt").write_text("\n".join(X) + "\n")
    (tmp_path / "v.txt").write_text(
        "\n".join(f"{v + rng.normal(0, 0.1):.3f}" for v in y) + "\n"
    )
    out = here(
        "fit",
        "s.txt",
        "v.txt",
        "--task",
        "regression",
        "--out",
        "r.dnacnn",
        "--epochs",
        "2",
        "--quiet",
        cwd=tmp_path,
    ).stdout
    assert "fitted on 80 sequences; held out 20 (--test-size 0.2" in out
    assert re.search(r"R\^2 -?[\d.]+", out) and "auROC" not in out
    out = here(
        "fit",
        "s.txt",
        "v.txt",
        "--task",
        "regression",
        "--out",
        "r.dnacnn",
        "--epochs",
        "1",
        "--quiet",
        "--test-size",
        "0",
        cwd=tmp_path,
    ).stdout
    assert "fitted on all 100 sequences (--test-size 0): training R^2" in out


def test_demo_report_names_classes_and_heads_the_matrix_once(tmp_path):
    from matplotlib.figure import Figure

    from dnacnn.cli.demo import _summary, _write_reports, class_names

    assert class_names([0, 1], 1) == ["unbound", "bound"]
    assert class_names(["bound", "unbound"], "bound") == ["bound", "unbound"]
    assert class_names(["ctrl", "TF"], "TF") == ["ctrl (unbound)", "TF (bound)"]
    figures = {}
    for title in ("training curves", "confusion matrix", "saliency map"):
        path = tmp_path / f"{title.replace(' ', '_')}.png"
        Figure().savefig(path)
        figures[title] = path
    result = {
        "data": "simulated",
        "n_train": 1500,
        "n_test": 500,
        "accuracy": 0.98,
        "confusion_matrix": np.array([[251, 8], [2, 239]]),
        "classes": [0, 1],
        "names": ["unbound", "bound"],
        "motif": "CGACCGAACTCC",
        "planted": "CGACCGAACTCC",
        "example": 3,
        "span": (5, 17),
        "span_note": "the planted motif",
        "positive": 1,
        "saliency_max": 0.5,
        "seconds": 1.0,
    }
    _write_reports(tmp_path, result, figures, motif=None)
    md = (tmp_path / "report.md").read_text()
    page = (tmp_path / "report.html").read_text()
    assert md.lower().count("confusion matrix") == 2  # the heading, the image's alt
    assert md.count("## Confusion matrix") == 1
    assert page.count("<h2>Confusion matrix</h2>") == 1
    assert "| true \\ predicted | unbound | bound |" in md
    assert "| bound | 2 | 239 |" in md
    assert "<th>unbound</th>" in page and "<th>0</th>" not in page
    summary = _summary(result, tmp_path)
    assert "classes [0, 1]" not in summary
    rows = summary.split("columns: predicted):\n")[1].splitlines()[:3]
    assert rows[0].split() == ["unbound", "bound"]
    assert rows[1].split() == ["unbound", "251", "8"]
    assert rows[2].split() == ["bound", "2", "239"]
