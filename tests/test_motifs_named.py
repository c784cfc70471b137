"""Every motif a model learned, with its name: discover_motifs (TF-MoDISco),
annotate_motifs (TomTom against JASPAR or a MEME file), saliency(center=True).
"""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from dnacnn import (
    DNACNNClassifier,
    DNAOneHotTransformer,
    Motif,
    annotate_motifs,
    discover_motifs,
    load_motif_database,
    make_motif_dataset,
    one_hot_encode,
    read_meme,
    saliency,
    write_meme,
)

pytest.importorskip("pyjaspar", reason="needs the extra dnacnn[motifs] (pyjaspar)")
pytest.importorskip("memelite", reason="needs the extra dnacnn[motifs] (memelite)")

CTCF, REST = "MA0139.2", "MA0138.3"


@pytest.fixture(scope="module")
def jaspar():
    return load_motif_database()


def _sample(pfm, n, rng):
    return (rng.random((n, len(pfm), 1)) > np.cumsum(pfm, axis=1)[None]).sum(-1)


def _planted(jaspar, n=1500, length=100, seed=0):
    """Bound sequences hold CTCF, REST or both (random strand); half unbound."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 4, size=(n, length))
    y = (np.arange(n) % 2).astype(int)
    for k, (motif_id, place) in enumerate(((CTCF, 5), (REST, 55))):
        pfm = jaspar[motif_id].pfm
        holds = (y == 1) & (np.arange(n) // 2 % 3 != k)  # 2 of 3 bound hold it
        sites = np.minimum(_sample(pfm, holds.sum(), rng), 3)
        flip = rng.random(len(sites)) < 0.5
        sites[flip] = 3 - sites[flip, ::-1]
        starts = place + rng.integers(0, 20, size=len(sites))
        for row, start, site in zip(np.flatnonzero(holds), starts, sites, strict=True):
            codes[row, start : start + len(pfm)] = site
    X = np.array(["".join(r) for r in np.array(list("ACGT"))[codes]], dtype=object)
    return X, y


# --------------------------------------------------------------------------
# saliency(center=True)
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_model():
    rng = np.random.default_rng(1)
    X = one_hot_encode(["".join(rng.choice(list("ACGT"), 30)) for _ in range(64)])
    y = np.arange(64) % 2
    clf = DNACNNClassifier(filters=4, kernel_size=5, epochs=2, random_state=0)
    return clf.fit(X, y), X


@pytest.mark.slow
def test_centred_gradients_sum_to_zero_and_shift_the_map(small_model):
    clf, X = small_model
    raw = saliency(clf, X, method="gradient", reduce=None)
    centred = saliency(clf, X, method="gradient", reduce=None, center=True)
    np.testing.assert_allclose(centred.sum(axis=-1), 0, atol=1e-6)
    np.testing.assert_allclose(centred, raw - raw.mean(-1, keepdims=True), atol=1e-7)
    # gradient x input: each base's score minus its position's mean gradient
    plain = saliency(clf, X)
    corrected = saliency(clf, X, center=True)
    np.testing.assert_allclose(corrected, plain - raw.mean(-1), atol=1e-6)
    assert not np.allclose(corrected, plain)


@pytest.mark.slow
def test_center_must_be_a_bool(small_model):
    clf, X = small_model
    with pytest.raises(TypeError, match="center must be a bool, got str 'yes'"):
        saliency(clf, X, center="yes")


# --------------------------------------------------------------------------
# annotate_motifs
# --------------------------------------------------------------------------
def test_jaspar_database_is_the_pinned_release(jaspar):
    assert jaspar.description == "JASPAR2024 CORE vertebrates (879 motifs)"
    assert jaspar.names[CTCF] == "CTCF" and jaspar.names[REST] == "REST"


def test_sampled_sites_are_named_with_offset_and_orientation(jaspar):
    rng = np.random.default_rng(0)
    pfm = jaspar[REST].pfm
    counts = np.eye(4)[np.minimum(_sample(pfm, 200, rng), 3)].sum(0)
    inner = Motif(counts[3:15], name="inner")
    flipped = Motif(inner.reverse_complement().counts, name="flipped")
    table = annotate_motifs([inner, flipped], jaspar, n_matches=2)
    assert table.attrs["database"] == jaspar.description
    best = table[table["rank"] == 1]
    assert best["match_id"].tolist() == [REST, REST]
    assert best["match_name"].tolist() == ["REST", "REST"]
    assert (best["q_value"] < 1e-3).all()
    assert best["orientation"].tolist() == ["+", "-"]
    # forward: the motif starts at position 3 of REST; reverse: at 20 - 15
    assert best["offset"].tolist() == [3, 5]
    assert (best["overlap"] == 12).all()
    assert (best["e_value"] / best["p_value"]).round().tolist() == [879, 879]
    assert table["rank"].tolist() == [1, 2, 1, 2]
    assert table["motif"].tolist() == ["inner", "inner", "flipped", "flipped"]


def test_a_meme_file_is_a_database_and_keeps_names(tmp_path, jaspar):
    chosen = [jaspar[i] for i in (CTCF, REST)] + jaspar.motifs[:40]
    path = tmp_path / "db.meme"
    write_meme(chosen, path)
    text = path.read_text()
    # alternative names, as JASPAR's own MEME files have them
    text = text.replace(f"MOTIF {CTCF}\n", f"MOTIF {CTCF} CTCF\n")
    path.write_text(text)
    query = Motif(jaspar[CTCF].counts, name="pos_pattern_0_Pou5f1::Sox2")
    table = annotate_motifs(query, path, n_matches=1)
    assert table.loc[0, ["match_id", "match_name"]].tolist() == [CTCF, "CTCF"]
    assert table.attrs["database"].startswith(str(path))
    # write_meme keeps a name with the match in it
    write_meme([query], tmp_path / "named.meme")
    assert read_meme(tmp_path / "named.meme")[0].name == "pos_pattern_0_Pou5f1::Sox2"


def test_annotate_errors_say_what_and_how():
    motif = Motif([[1, 0, 0, 0]] * 6)
    with pytest.raises(ValueError, match="release must be one of .*'JASPAR1999'"):
        annotate_motifs(motif, release="JASPAR1999")
    with pytest.raises(ValueError, match="holds no motif; check collection='NONE'"):
        annotate_motifs(motif, collection="NONE")
    with pytest.raises(TypeError, match=r"motifs\[1\] is a str, not a Motif"):
        annotate_motifs([motif, "ACGT"])
    with pytest.raises(ValueError, match="motifs is empty"):
        annotate_motifs([])
    with pytest.raises(FileNotFoundError):
        annotate_motifs(motif, "no/such/file.meme")


def test_missing_extra_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "memelite.tomtom", None)
    with pytest.raises(
        ImportError, match=r"'memelite'.*pip install 'dnacnn\[motifs\]'"
    ):
        annotate_motifs(Motif([[1, 0, 0, 0]] * 6))
    monkeypatch.setitem(sys.modules, "modiscolite.tfmodisco", None)
    with pytest.raises(ImportError, match="'modisco-lite'"):
        discover_motifs(None, None)


# --------------------------------------------------------------------------
# discover_motifs + annotate_motifs, end to end
# --------------------------------------------------------------------------
@pytest.mark.slow
def test_two_planted_jaspar_motifs_are_found_and_named(jaspar):
    pytest.importorskip("modiscolite", reason="needs the extra dnacnn[motifs]")
    X, y = _planted(jaspar)
    model = make_pipeline(
        DNAOneHotTransformer(), DNACNNClassifier(epochs=15, random_state=0)
    ).fit(X, y)
    motifs = discover_motifs(model, X, n_leiden_runs=5)
    table = annotate_motifs(motifs, jaspar, n_matches=3)
    # JASPAR holds three CTCF matrices (MA0139.2, MA1929.2, MA1930.2): the
    # best match names the factor, and the planted matrix is among the top 3
    best = table[(table["rank"] == 1) & (table["q_value"] < 0.05)]
    named = best.set_index("match_name")
    assert {"CTCF", "REST"} <= set(named.index)
    for motif_id, factor in ((CTCF, "CTCF"), (REST, "REST")):
        matches = table[table["motif"] == named.loc[factor, "motif"]]
        assert motif_id in set(matches.loc[matches["q_value"] < 0.05, "match_id"])
    named = best.replace({"match_name": {"CTCF": CTCF, "REST": REST}})
    named = named.set_index("match_name")
    for motif_id in (CTCF, REST):
        motif = next(m for m in motifs if m.name == named.loc[motif_id, "motif"])
        assert motif.sign == 1
        assert motif.nsites == len(motif.sites) >= 100
        assert motif.n_sequences <= motif.nsites
        # the sites are the planted ones: mostly in bound sequences (half of
        # all), and there in the half where the motif was planted.  Reading
        # both strands, the network also gives the best chance match on
        # either strand of an unbound sequence some attribution: measured,
        # 0.66 of CTCF's seqlets in bound sequences (0.79 on the forward
        # strand alone), REST 0.88
        sites = motif.sites
        bound = y[sites["sequence"]] == 1
        assert bound.mean() > 0.6
        left = sites["start"][bound] < 50
        assert (left if motif_id == CTCF else ~left).mean() > 0.95
        # a site's string is the sequence there, read on its strand
        site = motif.sites[0]
        text = X[site["sequence"]][site["start"] : site["start"] + motif.width]
        if site["strand"] == -1:
            text = text[::-1].translate(str.maketrans("ACGT", "TGCA"))
        assert text == site["site"]


# --------------------------------------------------------------------------
# dnacnn demo/explain --name-motifs
# --------------------------------------------------------------------------
def test_name_motifs_without_the_extra_fails_before_any_work(
    monkeypatch, tmp_path, capsys
):
    from dnacnn.cli import main

    monkeypatch.setitem(sys.modules, "memelite", None)
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--name-motifs"]) == 1
    err = capsys.readouterr().err
    assert "--name-motifs needs the optional package 'memelite'" in err
    assert "pip install 'dnacnn[motifs]'" in err
    assert not out.exists()  # nothing trained, nothing written


def _dnacnn(*args, cwd):
    import os
    import subprocess
    from pathlib import Path

    result = subprocess.run(
        [str(Path(sys.executable).parent / "dnacnn"), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "MPLBACKEND": "Agg"},
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.slow
def test_demo_and_explain_name_motifs_only_when_asked(tmp_path):
    # one demo (whose numba compile, on a new install, the explain reuses), on
    # 800 sequences of the demo's kind: TF-MoDISco's time grows faster than
    # its seqlets.  Measured, the demo took 60 s of CPU on its own 2,000
    # sequences, 38 s on 800, whose 222-226 sites of the planted motif (data
    # seeds 0-1) clear the 100 asked below.
    pytest.importorskip("modiscolite", reason="needs the extra dnacnn[motifs]")
    planted = {"CGACCGAACTCC", "GGAGTTCGGTCG"}
    data = tmp_path / "data"
    data.mkdir()
    X, y = make_motif_dataset(800, 50, random_state=0)
    (data / "sequences.txt").write_text("\n".join(X) + "\n")
    (data / "labels.txt").write_text("\n".join(map(str, y)) + "\n")
    out = _dnacnn(
        "demo", "--data", data, "--out", "d", "--epochs", "20", "--name-motifs",
        cwd=tmp_path,
    )  # fmt: skip
    header = "motif\tconsensus\tsites\tbest match (q)"
    assert header in out
    rows = out.split(header + "\n")[1].splitlines()
    name, consensus, sites, match = rows[0].split("\t")
    assert consensus in planted and int(sites) >= 100
    assert re.fullmatch(r"\S+ MA\d{4}\.\d+ \(q=\S+(, not significant)?\)", match)
    assert (tmp_path / "d" / "named_motif_0.png").stat().st_size > 0
    # explain: without the flag no table and no named logos; with it, both.
    # 120 sequences give TF-MoDISco too few seqlets (it needs 100 of a sign):
    # explain names the one motif of discover_motif instead
    seqs = tmp_path / "seqs.txt"
    X, _ = make_motif_dataset(120, 50, random_state=1)
    seqs.write_text("\n".join(X) + "\n")
    model = tmp_path / "d" / "model.dnacnn"
    plain = _dnacnn("explain", model, seqs, "--out", "e", cwd=tmp_path)
    assert header not in plain
    assert not list((tmp_path / "e").glob("named_motif_*.png"))
    named = _dnacnn(
        "explain",
        model,
        seqs,
        "--out",
        "e",
        "--overwrite",
        "--name-motifs",
        cwd=tmp_path,
    )
    rows = named.split(header + "\n")[1].splitlines()
    assert rows[0].split("\t")[1] in planted
    assert (tmp_path / "e" / "named_motif_0.png").is_file()
