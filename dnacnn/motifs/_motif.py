"""The :class:`Motif` type: a count matrix over A, C, G, T and its sites.

A motif gives its frequency, weight and information matrices, scores and
scans sequences on both strands (vectorized, see :mod:`._scan`), trims,
slices and reverse complements itself, and writes itself as MEME text.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_choice, check_real
from ..preprocessing import reverse_complement
from ._meme_text import check_name, format_meme
from ._scan import BASES, best_sites, check_fits, encode, site_dtype, window_scores

__all__ = ["Motif"]


# --------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------
def _check_matrix(counts, what: str = "counts") -> np.ndarray:
    try:
        matrix = np.array(counts, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{what} must be a numeric array-like of shape (width, 4), got "
            f"{type(counts).__name__}."
        ) from exc
    if matrix.ndim != 2 or matrix.shape[1] != 4 or matrix.shape[0] == 0:
        raise ValueError(
            f"{what} must have shape (width, 4) with width >= 1 (columns A, C, G, "
            f"T), got shape {matrix.shape}."
        )
    bad = ~np.isfinite(matrix) | (matrix < 0)
    if bad.any():
        row, col = map(int, np.argwhere(bad)[0])
        value = float(matrix[row, col])
        raise ValueError(
            f"{what} must be finite and non-negative; got {value!r} at position "
            f"{row}, base {BASES[col]} (0-based)."
        )
    return matrix


def _check_background(background) -> np.ndarray:
    if background is None:
        return np.full(4, 0.25)
    bg = np.array(background, dtype=np.float64)
    if bg.shape != (4,) or not np.isfinite(bg).all() or (bg <= 0).any():
        raise ValueError(
            "background must be 4 positive frequencies of A, C, G, T, got "
            f"{background!r}."
        )
    if abs(bg.sum() - 1) > 1e-3:
        raise ValueError(
            f"background frequencies must sum to 1, got {background!r} "
            f"(sum {bg.sum():.6g})."
        )
    return bg / bg.sum()


def _as_sites(sites, width: int) -> np.ndarray | None:
    """Structured array of sites from a structured array or (seq, start, strand…)."""
    if sites is None:
        return None
    dtype = site_dtype(width)
    if isinstance(sites, np.ndarray) and sites.dtype.names is not None:
        missing = {"sequence", "start", "strand"} - set(sites.dtype.names)
        if missing:
            raise ValueError(
                f"sites must have the fields sequence, start and strand; "
                f"missing {sorted(missing)}."
            )
        out = np.zeros(sites.shape[0], dtype=dtype)
        out["score"] = np.nan
        for field in dtype.names:
            if field in sites.dtype.names:
                out[field] = sites[field]
    else:
        rows = list(sites)
        out = np.zeros(len(rows), dtype=dtype)
        out["score"] = np.nan
        for i, row in enumerate(rows):
            if isinstance(row, str) or not 3 <= len(row) <= 5:
                raise ValueError(
                    f"Site {i} is {row!r}; a site is (sequence, start, strand) "
                    "optionally followed by score and site string."
                )
            out[i] = tuple(row) + tuple(out[i])[len(row) :]
    bad = ~np.isin(out["strand"], (1, -1))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"Site {i} has strand {int(out['strand'][i])}; strands are +1 or -1."
        )
    if (out["sequence"] < 0).any():
        i = int(np.flatnonzero(out["sequence"] < 0)[0])
        raise ValueError(f"Site {i} has a negative sequence index.")
    lengths = np.char.str_len(out["site"])
    bad = (lengths != 0) & (lengths != width)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"Site {i} is the string {str(out['site'][i])!r} of length {lengths[i]}, "
            f"but the motif is {width} bases wide."
        )
    return out


# --------------------------------------------------------------------------
# the motif
# --------------------------------------------------------------------------
class Motif:
    """A DNA motif: a count or frequency matrix over A, C, G, T, and its sites.

    Parameters
    ----------
    counts : array-like of shape (width, 4)
        Non-negative counts (or frequencies) of A, C, G, T at each position of
        the motif.  Counts (each row summing to the number of sites) keep the
        pseudocount small next to the data; frequencies work too.
    name : str, default="motif"
        Identifier, without whitespace (it becomes the MEME ``MOTIF`` name).
    sites : structured ndarray, iterable of tuples or None, default=None
        The aligned sites the counts came from, as ``(sequence, start,
        strand)`` tuples, optionally followed by ``score`` and ``site`` (the
        site's string read on the motif's strand), or a structured array with
        those fields.  ``start`` is where the site begins on the given
        sequence's forward strand (the site covers ``seq[start:start +
        width]`` whatever its strand); ``strand`` is +1 when the forward
        strand reads the motif, -1 when its reverse complement does.
    background : array-like of shape (4,) or None, default=None
        Background frequencies of A, C, G, T; None is uniform (0.25 each).
    pseudocount : float, default=0.1
        Added to the counts of :attr:`pwm`, spread over the bases by the
        background (MEME Suite's convention, as FIMO's ``--motif-pseudo``).
    sign : {1, -1} or None, default=None
        For a motif found in a model's attributions: +1 when its sites push
        the prediction up, -1 when they push it down; None when unknown.

    Attributes
    ----------
    counts : ndarray of shape (width, 4)
        The matrix, as float64 (read-only).
    name : str
        The identifier.
    sites : structured ndarray of shape (n_sites,) or None
        Fields ``sequence`` (int64), ``start`` (int64), ``strand`` (int8: +1
        or -1), ``score`` (float64: the PWM score or filter activation, NaN
        when unknown) and ``site`` (str of the motif's width; empty when
        unknown).
    background : ndarray of shape (4,)
        Background frequencies.
    pseudocount : float
        The pseudocount of :attr:`pwm`.
    sign : int or None
        The sign of the motif's contribution, as given.

    See Also
    --------
    discover_motif : The motif of a fitted CNN, from its saliency.
    filter_motifs : The motifs of a CNN's first-layer filters.
    read_meme, write_meme, to_meme : MEME minimal motif format.

    Examples
    --------
    >>> from dnacnn.motifs import Motif
    >>> motif = Motif.from_sequences(["TACGA", "TACGT", "AACGA", "TACCA"])
    >>> motif
    Motif(name='motif', consensus='TACGA', width=5, nsites=4)
    >>> motif.pfm[0]
    array([0.25, 0.  , 0.  , 0.75])
    >>> motif.information_content.round(2)
    array([1.19, 2.  , 2.  , 1.19, 1.19])
    >>> motif.reverse_complement().consensus
    'TCGTA'
    >>> hits = motif.scan(["GGGGTACGAGG", "CCTCGTACCC"])
    >>> hits[["start", "strand"]].tolist()
    [(4, 1), (2, -1)]
    """

    def __init__(
        self,
        counts,
        *,
        name: str = "motif",
        sites=None,
        background=None,
        pseudocount: float = 0.1,
        sign: int | None = None,
    ):
        counts = _check_matrix(counts)
        counts.flags.writeable = False
        self.counts = counts
        self.name = check_name(name)
        self.background = _check_background(background)
        self.pseudocount = check_real(pseudocount, "pseudocount", low=0.0)
        self.sites = _as_sites(sites, counts.shape[0])
        if sign is not None and (isinstance(sign, bool) or sign not in (1, -1)):
            raise ValueError(f"sign must be 1, -1 or None, got {sign!r}.")
        self.sign = None if sign is None else int(sign)

    @classmethod
    def from_sequences(cls, sequences, **kwargs) -> Motif:
        """The motif of aligned sites given as strings of equal length.

        Parameters
        ----------
        sequences : array-like of str
            The aligned sites; ``N`` and other ambiguity codes count for no
            base.
        **kwargs
            ``name``, ``background``, ``pseudocount``, as in :class:`Motif`.

        Returns
        -------
        motif : Motif
            Its ``counts`` are the base counts of each column.

        Examples
        --------
        >>> from dnacnn.motifs import Motif
        >>> Motif.from_sequences(["ACG", "ACT"]).counts
        array([[2., 0., 0., 0.],
               [0., 2., 0., 0.],
               [0., 0., 1., 1.]])
        """
        onehot, lengths, _ = encode(sequences, single_ok=False)
        if (lengths != lengths[0]).any():
            i = int(np.flatnonzero(lengths != lengths[0])[0])
            raise ValueError(
                f"Aligned sites must have equal lengths: sequence 0 has "
                f"{lengths[0]} bases, sequence {i} has {lengths[i]}."
            )
        return cls(onehot.sum(axis=0, dtype=np.float64), **kwargs)

    # ------------------------------------------------------------ matrices
    @property
    def width(self) -> int:
        """Number of positions."""
        return self.counts.shape[0]

    def __len__(self) -> int:
        return self.width

    @property
    def nsites(self) -> float:
        """Number of sites: ``len(sites)``, else the largest row total of counts."""
        if self.sites is not None:
            return len(self.sites)
        total = float(self.counts.sum(axis=1).max())
        return round(total) if abs(total - round(total)) < 1e-9 * total else total

    @property
    def n_sequences(self) -> int | None:
        """Number of distinct sequences holding a site; None without sites."""
        if self.sites is None:
            return None
        return int(np.unique(self.sites["sequence"]).size)

    @property
    def pfm(self) -> np.ndarray:
        """Position frequency matrix ``(width, 4)``: each row sums to 1.

        A row without counts is the background.
        """
        totals = self.counts.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            pfm = self.counts / totals
        return np.where(totals > 0, pfm, self.background)

    @property
    def pwm(self) -> np.ndarray:
        """Position weight matrix ``(width, 4)``: log2-odds against the background.

        ``log2(p / background)`` with ``p = (counts + pseudocount *
        background) / (row total + pseudocount)``.
        """
        totals = self.counts.sum(axis=1, keepdims=True)
        p = (self.counts + self.pseudocount * self.background) / (
            totals + self.pseudocount
        )
        with np.errstate(divide="ignore"):
            return np.log2(p / self.background)

    @property
    def information_content(self) -> np.ndarray:
        """Information of each position in bits, shape ``(width,)``.

        The relative entropy of the PFM (without pseudocount) against the
        background: 2 bits for a fully conserved position on a uniform
        background, 0 for a position at the background's frequencies.
        """
        pfm = self.pfm
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(pfm > 0, pfm * np.log2(pfm / self.background), 0.0)
        return terms.sum(axis=1)

    @property
    def consensus(self) -> str:
        """The most frequent base at each position (the first of A, C, G, T on ties)."""
        return "".join(np.array(list(BASES))[self.pfm.argmax(axis=1)])

    def __repr__(self) -> str:
        return (
            f"Motif(name={self.name!r}, consensus={self.consensus!r}, "
            f"width={self.width}, nsites={self.nsites})"
        )

    # ------------------------------------------------------------ editing
    def _replace(self, counts, sites, **changes) -> Motif:
        params = {
            "name": self.name,
            "background": self.background,
            "pseudocount": self.pseudocount,
            "sign": self.sign,
            "sites": sites,
            **changes,
        }
        return type(self)(counts, **params)

    def reverse_complement(self) -> Motif:
        """The motif of the other strand.

        Rows are reversed and A<->T, C<->G swapped (background too); sites
        keep their start and change strand, and their strings are reverse
        complemented.

        Returns
        -------
        motif : Motif
            A new motif with the same name.

        Examples
        --------
        >>> from dnacnn.motifs import Motif
        >>> Motif.from_sequences(["AAC"]).reverse_complement().consensus
        'GTT'
        """
        sites = None
        if self.sites is not None:
            sites = self.sites.copy()
            sites["strand"] = -sites["strand"]
            sites["site"] = reverse_complement(sites["site"].tolist())
        return self._replace(
            self.counts[::-1, ::-1], sites, background=self.background[::-1]
        )

    def __getitem__(self, key: slice) -> Motif:
        """The positions ``key`` (a slice with step 1), sites moved to match.

        The sites keep covering the same bases of their sequences: a site on
        the forward strand moves its start by the positions cut on the left,
        one on the reverse strand by those cut on the right.  Their scores
        become NaN (they were computed for the whole motif).

        Examples
        --------
        >>> from dnacnn.motifs import Motif
        >>> motif = Motif.from_sequences(["GATTACA"], sites=[(0, 10, -1)])
        >>> inner = motif[2:5]
        >>> inner.consensus, int(inner.sites["start"][0])
        ('TTA', 12)
        """
        if not isinstance(key, slice):
            raise TypeError(
                f"A Motif is indexed with a slice of positions, e.g. motif[2:8], "
                f"got {type(key).__name__} {key!r}."
            )
        positions = range(self.width)[key]
        if positions.step != 1 or len(positions) == 0:
            raise ValueError(
                f"A slice of a Motif must keep at least one position in order "
                f"(step 1); {key!r} keeps {list(positions)!r} of a motif of "
                f"width {self.width}."
            )
        first, stop = positions.start, positions.stop
        sites = None
        if self.sites is not None:
            old = self.sites
            sites = np.zeros(len(old), dtype=site_dtype(stop - first))
            for field in ("sequence", "strand"):
                sites[field] = old[field]
            sites["start"] = np.where(
                old["strand"] == 1,
                old["start"] + first,
                old["start"] + self.width - stop,
            )
            sites["score"] = np.nan
            sites["site"] = [s[first:stop] for s in old["site"].tolist()]
        return self._replace(self.counts[first:stop], sites)

    def trim(self, min_information: float = 0.3) -> Motif:
        """Drop the edge positions that carry less than ``min_information`` bits.

        Parameters
        ----------
        min_information : float, default=0.3
            Positions are removed from both ends while their
            :attr:`information_content` is below this; inner positions stay.

        Returns
        -------
        motif : Motif
            The trimmed motif; its sites move with it (their ``score`` becomes
            NaN, since it was computed for the untrimmed motif).

        Raises
        ------
        ValueError
            If no position reaches ``min_information``.

        Examples
        --------
        >>> from dnacnn.motifs import Motif
        >>> motif = Motif.from_sequences(["ACGTA", "TCGAC", "GCGCT", "CCGGG"])
        >>> motif.trim().consensus
        'CG'
        """
        min_information = check_real(min_information, "min_information")
        ic = self.information_content
        keep = np.flatnonzero(ic >= min_information)
        if keep.size == 0:
            raise ValueError(
                f"No position of motif {self.name!r} reaches min_information="
                f"{min_information} bits (the most informative has "
                f"{ic.max():.3g} bits); lower min_information."
            )
        return self[int(keep[0]) : int(keep[-1]) + 1]

    # ------------------------------------------------------------ scanning
    def score(self, X, *, strand="+") -> np.ndarray:
        """Log-odds score of every window of every sequence on one strand.

        Parameters
        ----------
        X : str, array-like of str, or ndarray of shape (n_samples, L, 4) or (L, 4)
            Sequences (any case; ``N`` and ambiguity codes score 0), or their
            one-hot encoding (channels A, C, G, T; all-zero positions score 0).
        strand : {"+", "-"} or {1, -1}, default="+"
            ``"-"`` scores the reverse complement of each window (the window
            starting at ``j`` is still ``seq[j:j + width]``).

        Returns
        -------
        scores : ndarray of shape (n_samples, L - width + 1), or (L - width + 1,)
            float64 sums of the PWM over each window; for strings of
            different lengths ``L`` is the longest and the windows that do
            not fit into a sequence are ``-inf``.

        Examples
        --------
        >>> from dnacnn.motifs import Motif
        >>> motif = Motif.from_sequences(["AC"])
        >>> motif.score("AACA").round(2)
        array([-1.56,  3.8 , -6.92])
        """
        check_choice(strand, "strand", ("+", "-", 1, -1))
        pwm = self.pwm if strand in ("+", 1) else self.pwm[::-1, ::-1]
        onehot, lengths, single = encode(X)
        check_fits(lengths, self.width, "the motif")
        scores = window_scores(onehot, lengths, pwm)
        return scores[0] if single else scores

    def scan(self, X, *, both_strands: bool = True) -> np.ndarray:
        """The best-scoring window of each sequence.

        Parameters
        ----------
        X : str, array-like of str, or ndarray of shape (n_samples, L, 4) or (L, 4)
            Sequences or their one-hot encoding, as in :meth:`score`.
        both_strands : bool, default=True
            Also consider the reverse complement of every window.  Ties go to
            the forward strand, then to the leftmost window.

        Returns
        -------
        hits : structured ndarray of shape (n_samples,)
            One row per sequence, with the fields of :attr:`sites`:
            ``sequence`` (index in ``X``), ``start``, ``strand``, ``score``
            and ``site`` (the window, read on its strand; ``N`` for all-zero
            positions).

        Examples
        --------
        >>> from dnacnn.motifs import Motif
        >>> motif = Motif.from_sequences(["GATTACA"])
        >>> hit = motif.scan(["CCCTGTAATCCC"])[0]
        >>> int(hit["start"]), int(hit["strand"]), str(hit["site"])
        (3, -1, 'GATTACA')
        """
        onehot, lengths, _ = encode(X)
        check_fits(lengths, self.width, "the motif")
        return best_sites(onehot, lengths, self.pwm, both_strands)

    # ------------------------------------------------------------ MEME
    def to_meme(self) -> str:
        """This motif as a MEME minimal-format text, as :func:`to_meme` writes it.

        Examples
        --------
        >>> from dnacnn.motifs import Motif
        >>> print(Motif([[3, 1, 0, 0]], name="m1").to_meme().splitlines()[-3])
        letter-probability matrix: alength= 4 w= 1 nsites= 4 E= 0
        """
        return format_meme([(self.name, self.pfm, self.nsites)], self.background)
