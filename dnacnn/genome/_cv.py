"""Cross-validation that holds out whole chromosomes."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import BaseCrossValidator

from .._validation import check_int

__all__ = ["ChromosomeSplit"]


class ChromosomeSplit(BaseCrossValidator):
    """Folds that hold out whole chromosomes: a ``cv=`` for genomic intervals.

    Random splits of genomic windows leak: overlapping or neighbouring
    windows share bases, and repeats (transposons, segmental duplications)
    put near-copies of one sequence on many chromosomes' loci, so a model is
    tested on what it trained on.  Holding out whole chromosomes removes the
    first leak and most of the second, as the field's benchmarks do.

    Parameters
    ----------
    n_splits : int, default=5
        Folds: the chromosomes are dealt to ``n_splits`` test folds, the
        largest first and each to the fold with the fewest intervals so far,
        which balances the folds' sizes.  Ignored when ``test`` is given.
    test : list of str or None, default=None
        A fixed hold-out (e.g. ``["chr8", "chr9"]``): one split, these
        chromosomes as the test set and all others as the training set.

    Notes
    -----
    The chromosome of each row is read from ``groups`` when given, else from
    ``X``: a DataFrame's ``chrom`` column, or the first column of a 2-D array
    of intervals (chrom, start, end), which must hold strings.  A DataFrame
    without a ``chrom`` column, a numeric array, a missing chromosome (None
    or NaN) and ``test=[]`` are errors: each would give folds that do not
    hold out chromosomes.
    ``cross_validate(..., groups=table["chrom"])`` thus works for sequences
    as well as intervals.  With scikit-learn's metadata routing on
    (``sklearn.set_config(enable_metadata_routing=True)``) the splitter
    requests ``groups``, as :class:`~sklearn.model_selection.GroupKFold`
    does: pass them as ``cross_validate(..., params={"groups": chroms})`` or
    ``GridSearchCV(...).fit(X, y, groups=chroms)``.

    Examples
    --------
    >>> import pandas as pd
    >>> from dnacnn.genome import ChromosomeSplit
    >>> X = pd.DataFrame({"chrom": ["chr1", "chr1", "chr2", "chr3", "chr3"],
    ...                   "start": [0, 100, 0, 0, 50], "end": [50, 150, 50, 50, 99]})
    >>> for train, test in ChromosomeSplit(n_splits=2).split(X):
    ...     print(sorted(set(X.chrom[test])), test)
    ['chr1', 'chr2'] [0 1 2]
    ['chr3'] [3 4]
    >>> [test for _, test in ChromosomeSplit(test=["chr2"]).split(X)]
    [array([2])]
    """

    # metadata routing: groups go to split(), as for GroupKFold
    __metadata_request__split = {"groups": True}

    def __init__(self, n_splits: int = 5, *, test=None):
        self.n_splits = n_splits
        self.test = test

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """The number of splits: ``n_splits``, or 1 with a fixed ``test``."""
        if self.test is not None:
            return 1
        return check_int(self.n_splits, "n_splits", low=2)

    def _chromosomes(self, X, groups) -> np.ndarray:
        if groups is not None:
            chroms, what = np.asarray(groups, dtype=object), "groups"
        elif isinstance(X, pd.DataFrame):
            if "chrom" not in X.columns:
                raise ValueError(
                    "ChromosomeSplit reads each row's chromosome from X's 'chrom' "
                    f"column, and X has no 'chrom' column (its columns: "
                    f"{list(X.columns)}). Pass groups=<chromosome of each row>, "
                    "or name the column 'chrom'."
                )
            chroms, what = X["chrom"].to_numpy(dtype=object), "X['chrom']"
        else:
            array = np.asarray(X, dtype=object) if X is not None else None
            if array is None or array.ndim != 2:
                raise ValueError(
                    "ChromosomeSplit needs each row's chromosome: pass "
                    "groups=<chromosome of each row> (e.g. table['chrom']), or "
                    "intervals as a DataFrame with a 'chrom' column."
                )
            chroms, what = array[:, 0], "X[:, 0]"
            if not all(isinstance(c, str) for c in chroms):
                i = next(i for i, c in enumerate(chroms) if not isinstance(c, str))
                raise ValueError(
                    "ChromosomeSplit reads a 2-D X's first column as the "
                    f"chromosome (chrom, start, end); X[{i}, 0] is {chroms[i]!r}, "
                    "not chromosome names. Pass groups=<chromosome of each row>."
                )
        if X is not None and len(chroms) != len(X):
            raise ValueError(
                f"groups has {len(chroms)} chromosomes for {len(X)} rows of X."
            )
        if not len(chroms):
            raise ValueError("ChromosomeSplit: X has no rows to split.")
        missing = pd.isna(chroms)
        if missing.any():
            i = int(np.flatnonzero(missing)[0])
            raise ValueError(
                f"{what}[{i}] is {chroms[i]!r}: every row needs a chromosome "
                f"({int(missing.sum())} row(s) have none). Drop those rows or "
                "give their chromosomes."
            )
        return chroms.astype(str)

    def _iter_test_masks(self, X=None, y=None, groups=None):
        chroms = self._chromosomes(X, groups)
        names, counts = np.unique(chroms, return_counts=True)
        if self.test is not None:
            held = [self.test] if isinstance(self.test, str) else list(self.test)
            if not held:
                raise ValueError(
                    "test=[] holds out no chromosome, which gives an empty test "
                    "fold; name at least one (e.g. test=['chr8']), or set "
                    "test=None for n_splits folds."
                )
            held = [str(c) for c in held]
            unknown = [c for c in held if c not in set(names)]
            if unknown:
                raise ValueError(
                    f"test chromosome(s) {unknown} have no rows; the data's "
                    f"chromosomes are {names.tolist()}."
                )
            if set(held) >= set(names):
                raise ValueError(
                    f"test={held} holds out every chromosome; leave some to train on."
                )
            yield np.isin(chroms, held)
            return
        n_splits = self.get_n_splits()
        if n_splits > len(names):
            raise ValueError(
                f"n_splits={n_splits} is more than the {len(names)} chromosomes "
                f"in the data ({names.tolist()}); use n_splits <= {len(names)}."
            )
        sizes = np.zeros(n_splits, dtype=np.int64)
        fold_of = {}
        for i in np.argsort(-counts, kind="stable"):
            fold = int(np.argmin(sizes))
            fold_of[names[i]] = fold
            sizes[fold] += counts[i]
        folds = np.array([fold_of[c] for c in chroms], dtype=np.int64)
        for fold in range(n_splits):
            yield folds == fold

    def split(self, X=None, y=None, groups=None):
        """Yield ``(train, test)`` index arrays; no chromosome is on both sides."""
        n = len(self._chromosomes(X, groups))
        indices = np.arange(n)
        for mask in self._iter_test_masks(X, y, groups):
            yield indices[~mask], indices[mask]
