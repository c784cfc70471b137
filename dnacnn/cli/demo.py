"""``dnacnn demo``: the primer tutorial's four steps, and the report they make."""

from __future__ import annotations

import base64
import html
import time
from pathlib import Path

import numpy as np

from .. import _params
from ._io import (
    atomic_path,
    atomic_write,
    matches,
    parse_label,
    read_folder,
    results_folder,
    save_figure,
    save_model_file,
)
from .explain import (
    add_name_motifs_argument,
    check_extra,
    format_table,
    named_motifs,
)

__all__ = ["DEMO_FILES", "TUTORIAL_MOTIF", "add_parser", "run", "run_demo"]

TUTORIAL_MOTIF = "CGACCGAACTCC"

#: The files ``dnacnn demo`` writes (and ``model.joblib``, which it once wrote).
DEMO_FILES = matches(
    r"model\.dnacnn",
    r"model\.joblib",
    r"training_curves\.png",
    r"confusion_matrix\.png",
    r"saliency\.png",
    r"motif_logo\.png",
    r"named_motif_\d+\.png",
    r"motif\.meme",
    r"report\.(md|html)",
)


def add_parser(sub, parents=()) -> None:
    p = sub.add_parser(
        "demo",
        parents=list(parents),
        help="the primer tutorial end to end: curate, train, evaluate, interpret",
        description=(
            "Run the tutorial's four steps with dnacnn: load or simulate the "
            "data and split it 75/25 (random_state=42), train the default "
            "CNN with a validation split, evaluate it, and interpret it "
            "(saliency, discovered motif). Writes the model (model.dnacnn), the "
            "figures, report.html and report.md to --out, which must be new or "
            "empty unless --overwrite."
        ),
    )
    p.add_argument(
        "--data",
        default="simulated",
        help=(
            "'simulated' (2,000 x 50 bp with CGACCGAACTCC planted, no network; "
            "the default), 'primer' (the tutorial's data, downloaded once), or "
            "a folder with sequences.txt (or a FASTA file) and labels.txt"
        ),
    )
    p.add_argument(
        "--out",
        default="dnacnn-demo",
        help="output folder (default: ./dnacnn-demo)",
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help=(
            "use a folder that is not empty: replace the results of an earlier "
            "'dnacnn demo' there; other files are kept"
        ),
    )
    p.add_argument(
        "--epochs",
        type=int,
        default=_params.defaults("classifier")["epochs"],
        help="training epochs (default: %(default)s)",
    )
    p.add_argument(
        "--random-state",
        type=int,
        default=0,
        help="seed of the simulation and the network (default: 0)",
    )
    p.add_argument(
        "--positive",
        type=parse_label,
        default=None,
        help=(
            "label of the bound sequences, whose motif is sought (default: 1; "
            "needed when a folder's labels are not 0/1)"
        ),
    )
    p.add_argument("--quiet", action="store_true", help="print only the final summary")
    add_name_motifs_argument(p)
    p.set_defaults(func=run)


def run(args) -> None:
    check_extra(args.name_motifs)
    run_demo(
        data=args.data,
        out=Path(args.out),
        epochs=args.epochs,
        random_state=args.random_state,
        quiet=args.quiet,
        positive=args.positive,
        overwrite=args.overwrite,
        name_motifs=args.name_motifs,
    )


def _load(data: str, random_state: int):
    """(sequences, labels, planted positions or None, planted motif, description)."""
    from ..datasets import fetch_primer, make_motif_dataset

    if data == "simulated":
        X, y, positions = make_motif_dataset(
            n_samples=2000,
            length=50,
            motif=TUTORIAL_MOTIF,
            return_positions=True,
            random_state=random_state,
        )
        about = (
            f"simulated: 2,000 random sequences of 50 bp, {TUTORIAL_MOTIF} planted "
            f"once in {int(y.sum())} of them (make_motif_dataset, "
            f"random_state={random_state})"
        )
        return X, y, positions, TUTORIAL_MOTIF, about
    if data == "primer":
        bunch = fetch_primer()
        positions = np.array(
            [
                s.find(bunch.motif) if t == 1 else -1
                for s, t in zip(bunch.sequences, bunch.target, strict=True)
            ]
        )
        about = (
            "the primer tutorial's data: 2,000 sequences of 50 bp, "
            f"{int(bunch.target.sum())} bound (fetch_primer)"
        )
        return bunch.sequences, bunch.target, positions, bunch.motif, about
    folder = Path(data)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"--data must be 'simulated', 'primer' or a folder; {data!r} is none "
            "of these (folder not found)"
        )
    X, y, _ = read_folder(folder)
    return np.asarray(X, dtype=object), np.asarray(y), None, None, f"{folder}"


def _positive_class(y: np.ndarray, positive, source: str):
    """The label of bound sequences: ``positive``, or 1 for 0/1 labels."""
    classes = np.unique(y).tolist()
    if len(classes) != 2:
        raise ValueError(
            f"the demo needs two classes of labels in {source}, found "
            f"{len(classes)}: {classes[:5]}"
        )
    if positive is None:
        if set(classes) == {0, 1}:
            return 1
        raise ValueError(
            f"the labels in {source} are {classes}: name the bound class with "
            f"--positive (e.g. --positive {classes[-1]})"
        )
    if positive not in classes:
        raise ValueError(f"--positive {positive!r} is not one of the labels {classes}")
    return positive


def run_demo(
    *,
    data: str,
    out: Path,
    epochs: int,
    random_state: int,
    quiet: bool,
    positive=None,
    overwrite: bool = False,
    name_motifs: bool = False,
) -> dict:
    """Run the demo, write its files to ``out``; return the numbers it reports.

    ``out`` must be new or empty unless ``overwrite``, which replaces the
    files of an earlier demo only, as a set once all the new ones are
    written.  ``name_motifs`` adds every motif with its best JASPAR match
    (extra ``dnacnn[motifs]``).
    """
    started = time.perf_counter()
    inputs = {} if data in ("simulated", "primer") else _inputs(Path(data))
    with results_folder(
        out, owns=DEMO_FILES, overwrite=overwrite, command="demo", inputs=inputs
    ) as stage:  # the results replace an earlier demo's as a set
        result = _run(
            stage, data, epochs, random_state, quiet, positive, name_motifs, started
        )
    print(_summary(result, out))
    return result


def _inputs(folder: Path) -> dict:
    """The files of a data folder, which the results must not replace."""
    if not folder.is_dir():
        return {}
    return {f"the data file {p.name!r} of --data": p for p in folder.iterdir()}


def _run(out, data, epochs, random_state, quiet, positive, name_motifs, started):
    """The four steps, writing into ``out``; the numbers reported."""
    say = (lambda *a, **k: None) if quiet else print
    from sklearn.metrics import confusion_matrix
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline

    from ..estimators import DNACNNClassifier
    from ..interpret import saliency
    from ..motifs import discover_motif, write_meme
    from ..preprocessing import DNAOneHotTransformer

    # 1. Curate
    X, y, positions, planted, about = _load(data, random_state)
    positive = _positive_class(y, positive, about)
    index = np.arange(len(X))
    i_train, i_test = train_test_split(index, test_size=0.25, random_state=42)
    say(f"1. curate: {about}; {len(i_train)} for training, {len(i_test)} for testing")

    # 2. Train
    say(
        f"2. train: one-hot encoding + CNN, {epochs} epochs, 25% of the "
        "training set held out for validation"
    )
    classifier = DNACNNClassifier(
        epochs=epochs,
        validation_split=0.25,
        random_state=random_state,
        verbose=0 if quiet else 2,  # one line per epoch
    )
    model = make_pipeline(DNAOneHotTransformer(), classifier)
    model.fit(X[i_train], y[i_train])
    save_model_file(model, out / "model.dnacnn")

    # 3. Evaluate
    predicted = model.predict(X[i_test])
    accuracy = float((predicted == y[i_test]).mean())
    classes = model.classes_.tolist()
    matrix = confusion_matrix(y[i_test], predicted, labels=classes)
    names = class_names(classes, positive)
    say(f"3. evaluate: test accuracy {accuracy:.3f}")

    # 4. Interpret
    train_pos = i_train[y[i_train] == positive]
    motif = discover_motif(model, X[train_pos], target=positive, name="discovered")
    with atomic_path(out / "motif.meme") as temp:
        write_meme([motif], temp)
    hits = i_test[(y[i_test] == positive) & (predicted == positive)]
    example = int(hits[0]) if len(hits) else int(i_test[0])
    # In logit units: the probability of a clear example saturates at 1, and
    # its gradients (the default output) vanish to ~1e-8.
    scores = saliency(
        model, X[example : example + 1], target=positive, output="logit", clip=True
    )[0]
    if positions is not None and positions[example] >= 0:
        span = (int(positions[example]), int(positions[example]) + len(planted))
        span_note = "the planted motif"
    else:
        hit = motif.scan([X[example]])[0]
        span = (int(hit["start"]), int(hit["start"]) + motif.width)
        span_note = "the discovered motif's best site"
    say(
        f"4. interpret: discovered motif {motif.consensus}"
        + (f" (planted: {planted})" if planted else "")
    )

    figures = _figures(out, model, matrix, names, X[example], scores, span, motif)
    if name_motifs:
        figures.update(_named(model, X[train_pos], positive, out, motif, say))
    result = {
        "data": about,
        "n_train": len(i_train),
        "n_test": len(i_test),
        "accuracy": accuracy,
        "confusion_matrix": matrix,
        "classes": classes,
        "names": names,
        "motif": motif.consensus,
        "planted": planted,
        "example": int(example),
        "span": span,
        "span_note": span_note,
        "positive": positive,
        "saliency_max": float(np.abs(scores).max()),
        "seconds": time.perf_counter() - started,
    }
    _write_reports(out, result, figures, motif)
    return result


def _named(model, X, positive, out, motif, say) -> dict:
    """Every motif, named against JASPAR (printed); their logo figures."""
    rows, written = named_motifs(model, X, target=positive, out=out, fallback=motif)
    say(format_table(rows))
    return {
        f"motif {row[0]} and its best JASPAR match": path
        for row, path in zip(rows, written, strict=True)
    }


def class_names(classes, positive) -> list[str]:
    """How the report shows each class: "bound" for ``positive``, "unbound"
    for the other, after the label itself when it is not 0/1 or that word
    (``"TF (bound)"``)."""
    names = []
    for c in classes:
        word = "bound" if c == positive else "unbound"
        names.append(word if str(c) in ("0", "1", word) else f"{c} ({word})")
    return names


def _figures(out, model, matrix, names, sequence, scores, span, motif) -> dict:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    from ..plotting import plot_history, plot_logo, plot_saliency

    paths = {}
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    plot_history(model, metric="loss", ax=axes[0])
    plot_history(model, metric="accuracy", ax=axes[1])
    paths["training curves"] = save_figure(fig, out / "training_curves.png")

    fig, ax = plt.subplots(figsize=(4.5, 4), layout="constrained")
    ConfusionMatrixDisplay(matrix, display_labels=names).plot(
        ax=ax, cmap="Blues", colorbar=False
    )
    ax.set_title(f"Test set ({int(matrix.sum())} sequences)")
    paths["confusion matrix"] = save_figure(fig, out / "confusion_matrix.png")

    ax = plot_saliency(
        scores,
        sequence,
        highlight=span,
        title="Saliency map of a bound test sequence (highlighted: the motif)",
    )
    ax.set_ylabel("gradient x input (logit units)")
    paths["saliency map"] = save_figure(ax.figure, out / "saliency.png")

    ax = plot_logo(motif, title=f"Discovered motif: {motif.consensus}")
    paths["discovered motif"] = save_figure(ax.figure, out / "motif_logo.png")
    return paths


def _summary(r: dict, out: Path) -> str:
    lines = [
        "",
        f"test accuracy: {r['accuracy']:.3f} on {r['n_test']} sequences",
        "confusion matrix (rows: true, columns: predicted):",
        *_text_matrix(r["names"], r["confusion_matrix"]),
        f"discovered motif: {r['motif']}",
    ]
    if r["planted"]:
        verdict = "matches" if r["motif"] == r["planted"] else "differs from"
        lines.append(f"planted motif:    {r['planted']} ({verdict} the discovered one)")
    lines.append(
        f"report: {out / 'report.html'} (and report.md), in {r['seconds']:.0f} s"
    )
    return "\n".join(lines)


def _text_matrix(names: list[str], matrix) -> list[str]:
    """The matrix as aligned text rows, each class named."""
    width = max(len(n) for n in names)
    cells = [max(len(n), *(len(str(v)) for v in matrix.ravel())) for n in names]
    head = " " * (width + 2) + "  ".join(
        n.rjust(c) for n, c in zip(names, cells, strict=True)
    )
    rows = [
        f"  {name.ljust(width)}"
        + "".join(f"  {v:>{c}}" for v, c in zip(row, cells, strict=True))
        for name, row in zip(names, matrix.tolist(), strict=True)
    ]
    return [head, *rows]


def _write_reports(out: Path, r: dict, figures: dict, motif) -> None:
    matrix = r["confusion_matrix"]
    planted = (
        f"{r['planted']} — {'identical' if r['motif'] == r['planted'] else 'different'}"
        if r["planted"]
        else "unknown for these data"
    )
    md = [
        "# dnacnn demo report",
        "",
        f"Data: {r['data']}. Split 75/25 with `random_state=42`: "
        f"{r['n_train']} training and {r['n_test']} test sequences.",
        "",
        "| | |",
        "|---|---|",
        f"| test accuracy | {r['accuracy']:.3f} |",
        f"| discovered motif | `{r['motif']}` |",
        f"| planted motif | {planted} |",
        "",
    ]
    table = [
        "Test set; rows: true class, columns: predicted.",
        "",
        "| true \\ predicted | " + " | ".join(r["names"]) + " |",
        "|---|" + "---|" * len(r["names"]),
        *(
            f"| {c} | " + " | ".join(map(str, row)) + " |"
            for c, row in zip(r["names"], matrix.tolist(), strict=True)
        ),
        "",
    ]
    for title, path in figures.items():
        md += [f"## {title.capitalize()}", ""]
        if title == "confusion matrix":  # one heading: the table, then the figure
            md += table
        md += [f"![{title}]({path.name})", ""]
    md += [
        f"The saliency map is sequence {r['example']} of the data set; the "
        f"highlighted bases are {r['span_note']}, positions "
        f"{r['span'][0]}-{r['span'][1] - 1} (0-based). {_units(r)}",
        "",
        "Files: `model.dnacnn` (the fitted Pipeline: `dnacnn.load_model` it, or "
        "`dnacnn predict` with it; it loads without running code), "
        "`motif.meme` (the discovered motif, MEME format).",
    ]
    atomic_write(out / "report.md", "\n".join(md) + "\n")

    def image(path: Path) -> str:
        data = base64.b64encode(path.read_bytes()).decode()
        return f'<img src="data:image/png;base64,{data}" alt="{path.stem}">'

    rows = "".join(
        f"<tr><th>{html.escape(c)}</th>"
        + "".join(f"<td>{v}</td>" for v in row)
        + "</tr>"
        for c, row in zip(r["names"], matrix.tolist(), strict=True)
    )
    head = "".join(f"<th>{html.escape(c)}</th>" for c in r["names"])
    table = (
        "<p>Test set; rows: true class, columns: predicted.</p>"
        f"<table><tr><th>true \\ predicted</th>{head}</tr>{rows}</table>"
    )
    sections = "".join(
        f"<h2>{html.escape(t.capitalize())}</h2>"
        + (table if t == "confusion matrix" else "")
        + image(p)
        for t, p in figures.items()
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>dnacnn demo report</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:4px 10px}}
img{{max-width:100%}}code{{background:#eee}}</style></head><body>
<h1>dnacnn demo report</h1>
<p>Data: {html.escape(r["data"])}. Split 75/25 with <code>random_state=42</code>:
{r["n_train"]} training and {r["n_test"]} test sequences.</p>
<table><tr><th>test accuracy</th><td>{r["accuracy"]:.3f}</td></tr>
<tr><th>discovered motif</th><td><code>{r["motif"]}</code></td></tr>
<tr><th>planted motif</th><td>{html.escape(planted)}</td></tr></table>
{sections}
<p>The saliency map is sequence {r["example"]} of the data set; the highlighted
bases are {html.escape(r["span_note"])}, positions {r["span"][0]}-{r["span"][1] - 1}
(0-based). {html.escape(_units(r))}</p>
<p>Files: <code>model.dnacnn</code> (the fitted Pipeline: <code>dnacnn.load_model</code>
it, or <code>dnacnn predict</code> with it; it loads without running code),
<code>motif.meme</code> (the discovered motif, MEME format).</p>
</body></html>
"""
    atomic_write(out / "report.html", page)


def _units(r: dict) -> str:
    return (
        "Saliency is gradient x input of the logit (log-odds) of class "
        f"{r['positive']!r}, in logit units: the largest |saliency| is "
        f"{r['saliency_max']:.3g} logit units."
    )
