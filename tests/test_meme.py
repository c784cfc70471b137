"""MEME files: to_meme, write_meme (atomic, UTF-8) and read_meme (strict)."""

import gzip
import io
import re

import numpy as np
import pytest

from dnacnn.motifs import Motif, read_meme, to_meme, write_meme

COUNTS = [[8, 0, 0, 0], [2, 2, 2, 2], [4, 4, 0, 0], [0, 0, 1, 7]]


def test_meme_round_trip_as_text_and_file(tmp_path):
    rng = np.random.default_rng(0)
    first = Motif(rng.integers(0, 50, size=(7, 4)) + 1, name="first")
    second = Motif(rng.dirichlet(np.ones(4), size=12), name="second.2")
    text = write_meme([first, second])
    assert text.startswith("MEME version 4\n\nALPHABET= ACGT\n\nstrands: + -\n")
    assert "letter-probability matrix: alength= 4 w= 7 nsites= " in text
    for source in (text, io.StringIO(text)):
        read = read_meme(source)
        assert [m.name for m in read] == ["first", "second.2"]
        for original, back in zip([first, second], read, strict=True):
            np.testing.assert_allclose(back.pfm, original.pfm, atol=1e-6)
            assert back.nsites == pytest.approx(original.nsites)
    path = tmp_path / "motifs.meme"
    assert write_meme(first, path) is None
    assert path.read_text() == first.to_meme()
    [back] = read_meme(path)
    [back_str] = read_meme(str(path))
    np.testing.assert_allclose(back.pfm, first.pfm, atol=1e-6)
    np.testing.assert_allclose(back.counts, back_str.counts)
    buffer = io.StringIO()
    write_meme([second], buffer)
    assert buffer.getvalue() == second.to_meme()


def test_meme_background_round_trip_and_meme_suite_extras():
    motif = Motif(COUNTS, name="m", background=[0.3, 0.2, 0.2, 0.3])
    [back] = read_meme(write_meme(motif))
    np.testing.assert_allclose(back.background, [0.3, 0.2, 0.2, 0.3])
    # what MEME itself writes: a version with a patch level, an alternative
    # name, a URL, a log-odds block and a background split over lines
    text = """MEME version 5.5.4

ALPHABET= ACGT

strands: +

Background letter frequencies
A 0.29 C 0.21
G 0.21 T 0.29

MOTIF CTCF MA0139.1
URL http://jaspar.genereg.net/matrix/MA0139.1
log-odds matrix: alength= 4 w= 2 E= 0
  1.2 -1.0 -1.0 0.1
  1.2 -1.0 -1.0 0.1

letter-probability matrix: alength= 4 w= 2 nsites= 20 E= 1.2e-10
  0.1  0.2  0.3  0.4
  0.7  0.1  0.1  0.1

MOTIF second
letter-probability matrix: alength= 4 w= 1
0.25 0.25 0.25 0.25
"""
    ctcf, second = read_meme(text)
    assert ctcf.name == "CTCF" and ctcf.nsites == 20
    np.testing.assert_allclose(ctcf.pfm, [[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.1, 0.1]])
    np.testing.assert_allclose(ctcf.background, [0.29, 0.21, 0.21, 0.29])
    assert second.width == 1


HEADER = "MEME version 4\n\nALPHABET= ACGT\n\n"
MATRIX = HEADER + "MOTIF m\nletter-probability matrix: "
MALFORMED = [
    ("MOTIF m\n", 1, "must start with 'MEME version 4'"),
    ("\n\nMEME\n", 3, "must start with"),
    ("MEME version 4\nALPHABET= ACDEFGHIKLMNPQRSTVWY\n", 2, "only the DNA alphabet"),
    (HEADER + "Background letter frequencies\n\nA 0.3 C x G 0.2 T 0.3\n", 7, "A p C p"),
    (HEADER + "MOTIF\n", 5, "needs a name"),
    (HEADER + "MOTIF m\nMOTIF n\n", 5, "no 'letter-probability matrix:'"),
    (MATRIX + "alength= 20 w= 1\n", 6, "alength= must be 4"),
    (MATRIX + "w= x\n", 6, "w= must be a number"),
    (MATRIX + "w= 1.5\n", 6, "positive integer"),
    (MATRIX + "w= 2\n0.1 0.2 0.3 0.4\n", 7, "declares w= 2, but the file ends"),
    (
        MATRIX + "w= 2\n0.1 0.2 0.3 0.4\nMOTIF n\n",
        8,
        "but line 8 is not a row of numbers after 1 rows",
    ),
    (MATRIX + "w= 1\n0.1 0.2 0.3\n", 7, "expected 4 probabilities"),
    (MATRIX + "w= 1\n0.1 0.2 x 0.4\n", 7, "must be numbers"),
    (MATRIX + "w= 1\n0.5 0.2 0.3 0.4\n", 7, "sum to 1"),
    (MATRIX + "\n\n", 6, "no matrix rows"),
    (HEADER, 4, "holds no 'MOTIF'"),
    # inconsistencies that used to be read silently
    (
        MATRIX + "w= 1\n0.1 0.2 0.3 0.4\n0.7 0.1 0.1 0.1\n",
        8,
        r"w= 1 \(line 6\), but a row 2",
    ),
    (
        MATRIX + "w= 1 nsites= -5\n0.1 0.2 0.3 0.4\n",
        6,
        "nsites= must be a finite number >= 0, got '-5'",
    ),
    (MATRIX + "w= 1 nsites= nan\n0.1 0.2 0.3 0.4\n", 6, "nsites= must be a finite"),
    (MATRIX + "w= 1 E= x\n0.1 0.2 0.3 0.4\n", 6, "E= must be a number"),
    (MATRIX + "alength= 4 w=\n0.1 0.2 0.3 0.4\n", 6, "expected 'key= value' pairs"),
    (MATRIX + "w= 1 w= 1\n0.1 0.2 0.3 0.4\n", 6, "w= is given twice"),
    (MATRIX + "w= 0\n", 6, "w= must be a positive integer"),
    (MATRIX + "alength= 4.5 w= 1\n", 6, "alength= must be a positive integer"),
    (MATRIX + "w= 1\n0.1 0.2 0.3 0.3 0.1\n", 7, "expected 4 probabilities .* got 5"),
    (MATRIX + "w= 1\n0.6 -0.1 0.3 0.2\n", 7, "value -0.1 for C is not a probability"),
    (MATRIX + "w= 1\nnan 0.5 0.25 0.25\n", 7, "value nan for A"),
    (
        MATRIX + "w= 1\n1 0 0 0\nURL x\n0.25 0.25 0.25 0.25\n",
        9,
        r"0\.25 .* of motif 'm' follows no",
    ),
    (
        MATRIX + "w= 1\n0.25 0.25 0.25 0.25\nletter-probability matrix: w= 1\n",
        8,
        "second letter-probability matrix",
    ),
    (
        MATRIX + "w= 1\n1 0 0 0\nMOTIF m\nletter-probability matrix: w= 1\n1 0 0 0\n",
        8,
        r"'m' is used twice \(lines 5 and 8\)",
    ),
    (HEADER + "MOTIF a\x07b\n", 5, "printable"),
    (
        HEADER + "letter-probability matrix: w= 1\n0.25 0.25 0.25 0.25\n",
        5,
        "before any 'MOTIF name' line",
    ),
    (HEADER + "0.25 0.25 0.25 0.25\n", 5, "a matrix row comes before any"),
    (
        HEADER + "Background letter frequencies\nA 0.3 C 0.2 G 0.5\nMOTIF m\n",
        6,
        r"'A p C p G p T p' .*got 'A 0\.3 C 0\.2 G 0\.5'",
    ),
    (HEADER + "Background letter frequencies\nMOTIF m\n", 5, "got ''"),
    (HEADER + "Background letter frequencies\nA 0.3 A 0.2 G 0.2 T 0.3\n", 6, "A p C p"),
    (HEADER + "Background letter frequencies\nA .4 C .4 G .4 T .4\n", 6, "sum to 1"),
    (HEADER + "Background letter frequencies\nA .5 C .5 G 0 T 0\n", 6, "positive"),
    (HEADER + "Background letter frequencies\nA .5 C .5 G nan T 0\n", 6, "positive"),
    (
        HEADER + "Background letter frequencies\nA .1 C .2 G .3 T .4\n"
        "Background letter frequencies\n",
        7,
        "second 'Background letter",
    ),
    (
        MATRIX + "w= 1\n1 0 0 0\nBackground letter frequencies\n",
        8,
        "belongs in the header",
    ),
    (
        MATRIX + "w= 1\n1 0 0 0\n\nMEME version 4\n\nMOTIF n\n",
        9,
        "two MEME files joined",
    ),
    (HEADER + "strands: + x\n", 5, "strands: \\+ -"),
    (MATRIX + "w= 1\n1 0 0 0\nlog-odds matrix: w= 1\n1 2 3\n", 9, "expected 4 scores"),
]


@pytest.mark.parametrize("text, line, match", MALFORMED)
def test_malformed_meme_raises_with_source_and_line_number(text, line, match):
    with pytest.raises(ValueError, match=rf"in <text>, line {line}: .*{match}"):
        read_meme(text)


def test_write_meme_errors():
    with pytest.raises(ValueError, match="at least one motif"):
        write_meme([])
    with pytest.raises(TypeError, match="Motif 1 is a list"):
        write_meme([Motif(COUNTS), [[1, 0, 0, 0]]])
    with pytest.raises(ValueError, match="one background"):
        write_meme(
            [Motif(COUNTS), Motif(COUNTS, name="b", background=[0.4, 0.1, 0.1, 0.4])]
        )
    with pytest.raises(TypeError, match="path, a text file or the text"):
        read_meme(3)


def test_to_meme_is_the_text_of_write_meme_and_the_method():
    motif = Motif(COUNTS, name="m")
    assert to_meme(motif) == to_meme([motif]) == write_meme(motif) == motif.to_meme()
    # a whole number of sites is written exactly, however large
    many = Motif(np.array(COUNTS) * 1234567 / 8, name="many")
    assert "nsites= 1234567 " in to_meme(many)
    assert read_meme(to_meme(many))[0].nsites == 1234567


def test_non_ascii_name_is_written_as_utf8_and_read_back(tmp_path):
    # regression: the file was opened as ASCII (and so truncated) before the
    # name failed to encode
    path = tmp_path / "motifs.meme"
    motif = Motif(COUNTS, name="Sox2_α")
    write_meme([motif], path)
    assert "MOTIF Sox2_α" in path.read_text(encoding="utf-8")
    [back] = read_meme(path)
    assert back.name == "Sox2_α"
    np.testing.assert_allclose(back.pfm, motif.pfm, atol=1e-6)
    with pytest.raises(ValueError, match="printable"):
        Motif(COUNTS, name="tab\x07bell")


def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "motifs.meme"
    write_meme([Motif(COUNTS, name="old")], path)
    before = path.read_bytes()
    # refused motifs: nothing is touched
    with pytest.raises(ValueError, match="both named 'm'"):
        write_meme([Motif(COUNTS, name="m"), Motif(COUNTS, name="m")], path)
    with pytest.raises(TypeError, match="Motif 1 is a str"):
        write_meme([Motif(COUNTS, name="a"), "b"], path)
    assert path.read_bytes() == before

    # a disk that fills up halfway through the write
    def half_then_fail(self, data, encoding=None, **kwargs):
        with open(self, "w", encoding=encoding) as file:
            file.write(data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pathlib.Path.write_text", half_then_fail)
    with pytest.raises(OSError, match="No space left"):
        write_meme([Motif(COUNTS, name="new")], path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["motifs.meme"]


def test_write_meme_destination_errors(tmp_path):
    motif = Motif(COUNTS)
    with pytest.raises(ValueError, match="is a folder"):
        write_meme(motif, tmp_path)
    with pytest.raises(OSError, match="does not exist"):
        write_meme(motif, tmp_path / "missing" / "motifs.meme")
    with pytest.raises(TypeError, match="path_or_buffer must be a path"):
        write_meme(motif, 3)
    with pytest.raises(TypeError, match="a Motif or an iterable of Motif"):
        write_meme("motif")


BAD = MATRIX + "w= 1\n0.1 0.2 0.3\n"


def test_errors_name_the_file(tmp_path):
    path = tmp_path / "bad.meme"
    path.write_text(BAD)
    for source in (path, str(path)):
        with pytest.raises(ValueError, match=re.escape(f"in '{path}', line 7: expe")):
            read_meme(source)
    for mode in ("r", "rb"):
        with (
            open(path, mode) as file,
            pytest.raises(ValueError, match=re.escape(f"'{path}', line 7")),
        ):
            read_meme(file)
    with pytest.raises(ValueError, match="in <stream>, line 7"):
        read_meme(io.StringIO(BAD))


def test_binary_files_are_refused_with_a_value_error(tmp_path):
    good = to_meme(Motif(COUNTS, name="m")).encode()
    cases = {
        "image.png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), r"line 1: byte 0x89"),
        "motifs.meme.gz": (
            gzip.compress(good),
            "the file is gzip-compressed; decompress",
        ),
        "latin1.meme": (good.replace(b"MOTIF m", b"MOTIF \xe9"), "line 10: byte 0xe9"),
        "padded.meme": (good[:150] + bytes(64), r"line \d+: a NUL character"),
    }
    for name, (data, match) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ValueError, match=re.escape(f"'{path}'") + f"[,:] {match}"):
            read_meme(path)
    # a text file opened with another encoding
    with open(tmp_path / "latin1.meme", encoding="utf-8") as file:
        with pytest.raises(ValueError, match="not text in its encoding"):
            read_meme(file)


def test_crlf_line_ends_and_a_byte_order_mark():
    text = "\ufeff" + to_meme(Motif(COUNTS, name="m")).replace("\n", "\r\n")
    [motif] = read_meme(text)
    np.testing.assert_allclose(motif.pfm, Motif(COUNTS).pfm, atol=1e-6)
    bad = BAD.replace("\n", "\r\n")
    with pytest.raises(ValueError, match="line 7: expected 4"):
        read_meme(bad)
    with pytest.raises(ValueError, match="line 7: expected 4"):
        read_meme(io.BytesIO(bad.encode("utf-8-sig")))
