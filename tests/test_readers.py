"""dnacnn.datasets._readers: load_sequences (plain text, FASTA, gzip)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from dnacnn.datasets import load_sequences
from dnacnn.exceptions import DNACNNWarning

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
