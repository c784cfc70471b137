"""MEME files: :func:`to_meme` builds the text, :func:`write_meme` writes it,
:func:`read_meme` reads it back.

A file is written only once its whole text is built, and then atomically
(:func:`dnacnn._files.atomic_write`): an error leaves an existing file as it
was.  Reading refuses anything inconsistent, naming the file and the line.
"""

from __future__ import annotations

import os

import numpy as np

from .._files import atomic_write, check_writable
from ._meme_text import format_meme, parse_meme
from ._motif import Motif

__all__ = ["read_meme", "to_meme", "write_meme"]


def to_meme(motifs) -> str:
    """The text of motifs in the MEME minimal motif format.

    Parameters
    ----------
    motifs : Motif or iterable of Motif
        The motifs; they must share one background and have distinct names.

    Returns
    -------
    text : str
        The file's text (names may hold any printable Unicode character;
        :func:`write_meme` writes UTF-8).

    Raises
    ------
    TypeError
        If an element of ``motifs`` is not a :class:`Motif`.
    ValueError
        If there is no motif, two motifs share a name, or their backgrounds
        differ.

    See Also
    --------
    write_meme : Write the text to a file.
    read_meme : Read it back.

    Notes
    -----
    The format (MEME Suite, "MEME version 4"): a version line, ``ALPHABET=
    ACGT``, ``strands: + -``, the background letter frequencies, then per
    motif a ``MOTIF name`` line, a ``letter-probability matrix: alength= 4
    w= W nsites= N E= 0`` line and ``W`` rows of the probabilities of A, C,
    G, T with 6 decimals.

    Examples
    --------
    >>> from dnacnn.motifs import Motif, to_meme
    >>> print(to_meme(Motif([[3, 1, 0, 0], [0, 0, 0, 4]], name="m1")))
    MEME version 4
    <BLANKLINE>
    ALPHABET= ACGT
    <BLANKLINE>
    strands: + -
    <BLANKLINE>
    Background letter frequencies
    A 0.250000 C 0.250000 G 0.250000 T 0.250000
    <BLANKLINE>
    MOTIF m1
    letter-probability matrix: alength= 4 w= 2 nsites= 4 E= 0
     0.750000  0.250000  0.000000  0.000000
     0.000000  0.000000  0.000000  1.000000
    <BLANKLINE>
    """
    if isinstance(motifs, Motif):
        motifs = [motifs]
    elif isinstance(motifs, str) or not hasattr(motifs, "__iter__"):
        raise TypeError(
            f"motifs must be a Motif or an iterable of Motif, got "
            f"{type(motifs).__name__}."
        )
    motifs = list(motifs)
    if not motifs:
        raise ValueError("write_meme needs at least one motif, got none.")
    names: dict[str, int] = {}
    for i, motif in enumerate(motifs):
        if not isinstance(motif, Motif):
            raise TypeError(f"Motif {i} is a {type(motif).__name__}, not a Motif.")
        if motif.name in names:
            raise ValueError(
                f"Motifs {names[motif.name]} and {i} are both named {motif.name!r}; "
                "MEME tools tell motifs apart by name. Give each a distinct name "
                "(Motif(motif.counts, name=..., sites=motif.sites))."
            )
        names[motif.name] = i
    background = motifs[0].background
    for motif in motifs[1:]:
        if not np.allclose(motif.background, background):
            raise ValueError(
                f"A MEME file has one background, but motif {motif.name!r} has "
                f"{motif.background.tolist()} and motif {motifs[0].name!r} "
                f"{background.tolist()}."
            )
    return format_meme([(m.name, m.pfm, m.nsites) for m in motifs], background)


def write_meme(motifs, path_or_buffer=None) -> str | None:
    """Write motifs in the MEME minimal motif format.

    Parameters
    ----------
    motifs : Motif or iterable of Motif
        The motifs; they must share one background and have distinct names.
    path_or_buffer : str, path-like, file object or None, default=None
        Where to write; None returns the text.  A file is written in UTF-8,
        atomically: if anything fails, a file already at ``path_or_buffer``
        is left as it was.

    Returns
    -------
    text : str or None
        The text (as :func:`to_meme` gives it) when ``path_or_buffer`` is
        None.

    Raises
    ------
    TypeError, ValueError
        As :func:`to_meme`; also a ValueError if ``path_or_buffer`` is a
        folder.
    OSError
        If the file cannot be written.

    See Also
    --------
    to_meme : The text alone.
    read_meme : Read the file back.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from dnacnn.motifs import Motif, read_meme, write_meme
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "motifs.meme"
    ...     write_meme([Motif([[3, 1, 0, 0]], name="m1")], path)
    ...     read_meme(path)
    [Motif(name='m1', consensus='A', width=1, nsites=4)]
    """
    text = to_meme(motifs)  # every check before the destination is touched
    if path_or_buffer is None:
        return text
    if hasattr(path_or_buffer, "write"):
        path_or_buffer.write(text)
        return None
    if not isinstance(path_or_buffer, str | os.PathLike):
        raise TypeError(
            "path_or_buffer must be a path, a text file or None, got "
            f"{type(path_or_buffer).__name__}."
        )
    path = check_writable(path_or_buffer, what="MEME file")
    atomic_write(path, text, encoding="utf-8")
    return None


def read_meme(path_or_text) -> list[Motif]:
    """Read motifs in the MEME minimal motif format.

    Parameters
    ----------
    path_or_text : str, path-like or file object
        A file name, an open file (text or binary), or the text itself (a
        str holding a line break).  Files are read as UTF-8.

    Returns
    -------
    motifs : list of Motif
        In file order, with the file's background (uniform when it gives
        none); counts are the probabilities times ``nsites`` (the
        probabilities when ``nsites`` is missing or 0), so
        :attr:`Motif.pfm` gives the file's matrix back.

    Raises
    ------
    ValueError
        If the input is not UTF-8 text or not consistent MEME: no ``MEME
        version`` line first; an alphabet other than ACGT or ``alength=``
        other than 4; a background that is not 4 positive frequencies of A,
        C, G, T summing to 1; a header line after a motif; a MOTIF line
        without a name, with the name of an earlier motif or without a
        ``letter-probability matrix:``; a ``w=``, ``nsites=``, ``E=`` that is
        not a number (``w=`` a positive integer, the others finite and >= 0);
        a matrix row that is not 4 numbers (finite, and for probabilities
        non-negative and summing to 1 within 0.01); fewer or more rows than
        ``w=``; a matrix or row outside a motif; or no motif.  The message
        names the file (``<text>`` for text, ``<stream>`` for a file object
        without a name) and the line (1-based).  Lines other than these
        (``URL``, other tools' comments) are ignored.

    See Also
    --------
    write_meme : Write motifs.

    Examples
    --------
    >>> from dnacnn.motifs import Motif, read_meme, to_meme
    >>> text = to_meme([Motif([[3, 1, 0, 0], [0, 0, 0, 4]], name="m1")])
    >>> [motif] = read_meme(text)
    >>> motif.name, motif.consensus, motif.nsites
    ('m1', 'AT', 4)
    >>> read_meme("MEME version 4\\n\\nMOTIF m\\nletter-probability matrix:\\n0.5 0.5\\n")
    Traceback (most recent call last):
    ...
    ValueError: MEME format error in <text>, line 5: expected 4 probabilities (A, C, G, T), got 2: '0.5 0.5'.
    """  # noqa: E501
    if hasattr(path_or_text, "read"):
        name = getattr(path_or_text, "name", None)
        source = repr(name) if isinstance(name, str) else "<stream>"
        try:
            data = path_or_text.read()
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"MEME format error in {source}: the file is not text in its "
                f"encoding ({exc}); is it a MEME text file?"
            ) from exc
    elif isinstance(path_or_text, str) and "\n" in path_or_text:
        source, data = "<text>", path_or_text
    elif isinstance(path_or_text, str | os.PathLike):
        source = repr(os.fspath(path_or_text))
        with open(path_or_text, "rb") as file:
            data = file.read()
    else:
        raise TypeError(
            "read_meme takes a path, a text file or the text itself, got "
            f"{type(path_or_text).__name__}."
        )
    text = _decode(data, source) if isinstance(data, bytes) else data
    if not isinstance(text, str):
        raise TypeError(
            f"read_meme read {type(text).__name__} from {source}, not text."
        )
    if "\x00" in text:  # a binary file, or one padded with zeros by a crash
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ValueError(
            f"MEME format error in {source}, line {line}: a NUL character; is "
            "this a binary file rather than a MEME text file?"
        )
    background, entries = parse_meme(text, source)
    return [
        Motif(
            entry.pfm * entry.nsites if entry.nsites > 0 else entry.pfm,
            name=entry.name,
            background=background,
        )
        for entry in entries
    ]


def _decode(data: bytes, source: str) -> str:
    """UTF-8 text of a file's bytes, or a ValueError naming the first bad byte."""
    if data.startswith(b"\x1f\x8b"):
        raise ValueError(
            f"MEME format error in {source}: the file is gzip-compressed; "
            "decompress it first (gunzip)."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ValueError(
            f"MEME format error in {source}, line {line}: byte "
            f"{data[exc.start]:#04x} at offset {exc.start} is not UTF-8 text; "
            "is this a binary file rather than a MEME text file?"
        ) from None
