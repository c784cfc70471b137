"""The MEME minimal motif format as text, both ways.

:func:`format_meme` writes motifs given as ``(name, pfm, nsites)`` and a
background; :func:`parse_meme` reads text back into :class:`MemeEntry` rows,
with a :class:`LineCursor` that hands out one non-blank line at a time, and
refuses any inconsistency with the source and line number.  Nothing here
knows the :class:`~dnacnn.motifs.Motif` type (which uses :func:`format_meme`
and :func:`check_name`).

The format (MEME Suite, "MEME version 4")::

    MEME version 4

    ALPHABET= ACGT

    strands: + -

    Background letter frequencies
    A 0.25 C 0.25 G 0.25 T 0.25

    MOTIF name [alternative name]
    letter-probability matrix: alength= 4 w= 2 nsites= 20 E= 0
     0.1 0.2 0.3 0.4
     0.7 0.1 0.1 0.1

Each motif may also hold a ``log-odds matrix:`` block and a ``URL`` line.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

import numpy as np

__all__ = ["LineCursor", "MemeEntry", "check_name", "format_meme", "parse_meme"]

_BASES = "ACGT"
# How far a row of probabilities (or the background) may sum from 1: the
# rounding of printed values.
_SUM_TOLERANCE = 0.01
# Lines that belong before the first MOTIF.
_HEADER_KINDS = ("version", "alphabet", "strands", "background")


def check_name(name) -> str:
    """A motif name: a non-empty str of printable characters, no whitespace.

    MEME files tell motifs apart by this identifier (the word after
    ``MOTIF``).
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__} {name!r}.")
    if not name or not name.isprintable() or any(c.isspace() for c in name):
        raise ValueError(
            "name must be a non-empty string of printable characters without "
            f"whitespace (it becomes a MEME motif identifier), got {name!r}."
        )
    return name


# --------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------
def format_meme(entries, background) -> str:
    """The MEME text of ``(name, pfm, nsites)`` entries on one ``background``.

    Probabilities and the background are written with 6 decimals, ``nsites``
    with up to 10 significant digits (whole numbers exactly).
    """
    lines = [
        "MEME version 4",
        "",
        "ALPHABET= ACGT",
        "",
        "strands: + -",
        "",
        "Background letter frequencies",
        " ".join(f"{b} {p:.6f}" for b, p in zip(_BASES, background, strict=True)),
        "",
    ]
    for name, pfm, nsites in entries:
        lines += [
            f"MOTIF {name}",
            f"letter-probability matrix: alength= 4 w= {len(pfm)} "
            f"nsites= {nsites:.10g} E= 0",
        ]
        lines += ["".join(f" {p:.6f} " for p in row).rstrip() for row in pfm]
        lines.append("")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------
class MemeEntry(NamedTuple):
    """One motif of a MEME file."""

    name: str
    #: probabilities (w, 4), each row normalised to sum to 1
    pfm: np.ndarray
    #: the ``nsites=`` value; 0 when the file gives none
    nsites: float
    #: 1-based number of its ``MOTIF`` line
    line: int


class LineCursor:
    """The non-blank lines of a text, read one at a time, with their numbers.

    Lines end at ``\\n``, ``\\r\\n`` or ``\\r`` (as a text editor numbers
    them); each line is handed out stripped.
    """

    def __init__(self, text: str, source: str):
        lines = re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"))
        if lines and not lines[-1]:
            lines.pop()  # the final line break ends the last line
        self.lines = lines
        self.source = source
        self._next = 0  # index of the next line to look at
        #: number (1-based) of the line last read; 0 before the first
        self.number = 0

    def peek(self) -> str | None:
        """The next non-blank line without reading it; None at the end."""
        while self._next < len(self.lines) and not self.lines[self._next].strip():
            self._next += 1
        return self.lines[self._next].strip() if self._next < len(self.lines) else None

    @property
    def peek_number(self) -> int:
        """The number of the line :meth:`peek` shows (the last line at the end)."""
        self.peek()
        return min(self._next + 1, len(self.lines))

    def read(self) -> str | None:
        """The next non-blank line; None at the end."""
        line = self.peek()
        if line is not None:
            self._next += 1
            self.number = self._next
        return line

    def error(self, message: str, number: int | None = None) -> ValueError:
        """A ValueError for line ``number`` (default: the line last read)."""
        number = self.number if number is None else number
        return ValueError(
            f"MEME format error in {self.source}, line {max(number, 1)}: {message}"
        )


def _kind(line: str) -> str:
    """What a (stripped, non-blank) line of a MEME file is."""
    if line.split(maxsplit=1)[0] == "MOTIF":
        return "motif"
    for prefix, kind in (
        ("letter-probability matrix", "probabilities"),
        ("log-odds matrix", "log-odds"),
        ("MEME version", "version"),
        ("ALPHABET", "alphabet"),
        ("strands:", "strands"),
        ("Background letter frequencies", "background"),
    ):
        if line.startswith(prefix):
            return kind
    try:
        float(line.split(maxsplit=1)[0])
    except ValueError:
        return "other"  # URL lines, comments of other tools: ignored
    return "row"


def parse_meme(text: str, source: str) -> tuple[np.ndarray | None, list[MemeEntry]]:
    """The background (None when the file gives none) and motifs of ``text``.

    Raises
    ------
    ValueError
        For any line out of place or inconsistent with the others; the
        message names ``source`` and the line (1-based).
    """
    cursor = LineCursor(text, source)
    first = cursor.read()
    if first is None or not re.match(r"MEME version \d", first):
        raise cursor.error(
            f"the file must start with 'MEME version 4' (or later), got "
            f"{first or ''!r}."
        )
    background = None
    background_line = 0
    motifs: list[MemeEntry] = []
    names: dict[str, int] = {}
    while (line := cursor.peek()) is not None:
        kind = _kind(line)
        if kind == "motif":
            entry = _read_motif(cursor)
            if entry.name in names:
                raise cursor.error(
                    f"the motif name {entry.name!r} is used twice (lines "
                    f"{names[entry.name]} and {entry.line}); MEME tools tell "
                    "motifs apart by name, so rename one.",
                    entry.line,
                )
            names[entry.name] = entry.line
            motifs.append(entry)
            continue
        cursor.read()
        if kind in _HEADER_KINDS and motifs:
            raise cursor.error(
                f"{line!r} belongs in the header, before the first MOTIF (line "
                f"{motifs[0].line}); is this two MEME files joined together?"
            )
        if kind == "version":
            raise cursor.error(f"a second 'MEME version' line: {line!r}.")
        if kind == "alphabet":
            _check_alphabet(cursor, line)
        elif kind == "strands":
            _check_strands(cursor, line)
        elif kind == "background":
            if background is not None:
                raise cursor.error(
                    "a second 'Background letter frequencies' block (the first "
                    f"is at line {background_line})."
                )
            background_line = cursor.number
            background = _read_background(cursor)
        elif kind in ("probabilities", "log-odds", "row"):
            what = "a matrix row" if kind == "row" else f"the matrix {line!r}"
            raise cursor.error(
                f"{what} comes before any 'MOTIF name' line; each matrix "
                "follows the MOTIF line that names it."
            )
    if not motifs:
        raise cursor.error("the file holds no 'MOTIF' entry.", len(cursor.lines))
    return background, motifs


def _check_alphabet(cursor: LineCursor, line: str) -> None:
    if line.partition("=")[2].strip() != "ACGT":
        raise cursor.error(
            f"only the DNA alphabet 'ALPHABET= ACGT' is supported, got {line!r}."
        )


def _check_strands(cursor: LineCursor, line: str) -> None:
    strands = line.partition(":")[2].split()
    if (
        not strands
        or not set(strands) <= {"+", "-"}
        or len(set(strands)) < len(strands)
    ):
        raise cursor.error(
            f"the strands line must be 'strands: + -' or 'strands: +', got {line!r}."
        )


def _read_background(cursor: LineCursor) -> np.ndarray:
    """The 8 tokens ``A p C p G p T p`` after the header, over one or more lines."""
    tokens: list[str] = []
    number = cursor.number
    while len(tokens) < 8 and (line := cursor.peek()) is not None:
        if _kind(line) != "other":
            break
        cursor.read()
        number = cursor.number if not tokens else number
        tokens += line.split()
    letters, values = tokens[::2], tokens[1::2]
    if len(tokens) != 8 or sorted(letters) != list(_BASES):
        raise cursor.error(
            "the background must be 'A p C p G p T p' with 4 frequencies, got "
            f"{' '.join(tokens)!r}.",
            number,
        )
    try:
        frequencies = dict(zip(letters, map(float, values), strict=True))
    except ValueError:
        raise cursor.error(
            "the background must be 'A p C p G p T p' with 4 frequencies, got "
            f"{' '.join(tokens)!r}: the frequencies must be numbers.",
            number,
        ) from None
    background = np.array([frequencies[b] for b in _BASES])
    if not (np.isfinite(background).all() and (background > 0).all()):
        raise cursor.error(
            f"background frequencies must be positive, got {' '.join(tokens)!r}.",
            number,
        )
    if abs(background.sum() - 1) > _SUM_TOLERANCE:
        raise cursor.error(
            f"background frequencies must sum to 1, got {' '.join(tokens)!r} "
            f"(sum {background.sum():.6g}).",
            number,
        )
    return background / background.sum()


def _read_motif(cursor: LineCursor) -> MemeEntry:
    """A ``MOTIF`` line and what follows it, up to the next MOTIF or the end."""
    parts = cursor.read().split()
    number = cursor.number
    if len(parts) < 2:
        raise cursor.error("a MOTIF line needs a name: 'MOTIF name'.")
    try:
        name = check_name(parts[1])
    except ValueError as exc:
        raise cursor.error(f"motif {parts[1]!r}: {exc}") from None
    pfm = nsites = None
    while (line := cursor.peek()) is not None and _kind(line) != "motif":
        kind = _kind(line)
        cursor.read()
        if kind == "probabilities":
            if pfm is not None:
                raise cursor.error(
                    f"motif {name!r} has a second letter-probability matrix."
                )
            pfm, nsites = _read_matrix(cursor, line, name, probabilities=True)
        elif kind == "log-odds":
            _read_matrix(cursor, line, name, probabilities=False)
        elif kind == "row":
            raise cursor.error(
                f"the row {line!r} of motif {name!r} follows no 'letter-probability "
                "matrix:' line."
            )
        elif kind in _HEADER_KINDS:
            raise cursor.error(
                f"{line!r} belongs in the header, before the first MOTIF (line "
                f"{number}); is this two MEME files joined together?"
            )
    if pfm is None:
        raise cursor.error(
            f"motif {name!r} has no 'letter-probability matrix:' line.", number
        )
    return MemeEntry(name, pfm, nsites, number)


def _header_values(cursor: LineCursor, line: str) -> dict[str, str]:
    """The ``key= value`` pairs after ``letter-probability matrix:``."""
    rest = line.partition("matrix")[2].strip().removeprefix(":")
    pairs = re.findall(r"([\w-]+)\s*=\s*(\S+)", rest)
    if re.fullmatch(r"(?:\s*[\w-]+\s*=\s*\S+)*\s*", rest) is None:
        raise cursor.error(
            f"expected 'key= value' pairs (alength= 4 w= 10 nsites= 20 E= 0) "
            f"after the colon, got {rest!r}."
        )
    values: dict[str, str] = {}
    for key, value in pairs:
        if key in values:
            raise cursor.error(f"{key}= is given twice: {line!r}.")
        values[key] = value
    return values


def _header_number(cursor: LineCursor, values, key: str, default, integer=False):
    if key not in values:
        return default
    try:
        value = float(values[key])
    except ValueError:
        raise cursor.error(f"{key}= must be a number, got {values[key]!r}.") from None
    if integer and (not value.is_integer() or value < 1):
        raise cursor.error(f"{key}= must be a positive integer, got {values[key]!r}.")
    if not math.isfinite(value) or value < 0:
        raise cursor.error(f"{key}= must be a finite number >= 0, got {values[key]!r}.")
    return int(value) if integer else value


def _read_matrix(cursor: LineCursor, line: str, name: str, *, probabilities: bool):
    """The rows after a matrix line: ``(pfm, nsites)`` of letter-probabilities."""
    number = cursor.number
    what = "letter-probability matrix" if probabilities else "log-odds matrix"
    values = _header_values(cursor, line)
    alength = _header_number(cursor, values, "alength", 4, integer=True)
    if alength != 4:
        raise cursor.error(
            f"alength= must be 4 for DNA, got {alength:g}: the alphabet is "
            "ACGT (4 letters)."
        )
    w = _header_number(cursor, values, "w", None, integer=True)
    nsites = _header_number(cursor, values, "nsites", 0.0)
    _header_number(cursor, values, "E", 0.0)
    rows = []
    while w is None or len(rows) < w:
        line = cursor.peek()
        if line is None or _kind(line) != "row":
            break
        cursor.read()
        rows.append(_read_row(cursor, line, probabilities))
    if w is not None and len(rows) < w:
        if line is None:
            raise cursor.error(
                f"the {what} of motif {name!r} declares w= {w}, but the file "
                f"ends after {len(rows)} rows."
            )
        raise cursor.error(
            f"the {what} of motif {name!r} declares w= {w}, but line "
            f"{cursor.peek_number} is not a row of numbers after {len(rows)} rows: "
            f"{line!r}.",
            cursor.peek_number,
        )
    if not rows:
        raise cursor.error(f"motif {name!r} has no matrix rows.", number)
    extra = cursor.peek()
    if extra is not None and _kind(extra) == "row":
        raise cursor.error(
            f"the {what} of motif {name!r} declares w= {w} (line {number}), but "
            f"a row {w + 1} follows: {extra!r}.",
            cursor.peek_number,
        )
    matrix = np.array(rows)
    if probabilities:
        matrix /= matrix.sum(axis=1, keepdims=True)  # the printed rows' rounding
    return matrix, nsites


def _read_row(cursor: LineCursor, line: str, probabilities: bool) -> list[float]:
    kind = "probabilities" if probabilities else "scores"
    tokens = line.split()
    if len(tokens) != 4:
        raise cursor.error(
            f"expected 4 {kind} (A, C, G, T), got {len(tokens)}: {line!r}."
        )
    try:
        row = [float(t) for t in tokens]
    except ValueError:
        raise cursor.error(f"{kind} must be numbers, got {line!r}.") from None
    for base, value in zip(_BASES, row, strict=True):
        if not math.isfinite(value) or (probabilities and value < 0):
            allowed = "a probability in [0, 1]" if probabilities else "finite"
            raise cursor.error(
                f"the value {value!r} for {base} is not {allowed}: {line!r}."
            )
    if probabilities and abs(sum(row) - 1) > _SUM_TOLERANCE:
        raise cursor.error(
            f"probabilities must be non-negative and sum to 1, got {line!r} "
            f"(sum {sum(row):.6g})."
        )
    return row
