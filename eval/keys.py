"""Integer keys for rows of small integer tuples, and the joins the metrics are built from.

Every metric of the scorer compares *sets of tuples* (a mention is ``(doc, start, end, type)``, an
argument ``(doc, event type, start, end, role)``, ...). Rows are packed into one ``int64`` key per
row (mixed radix over the columns' ranges), so set operations become sorted-array operations.
Nothing here knows about documents or labels.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Columns = Sequence[np.ndarray]

_LIMIT = 1 << 62


def as_index(x: object) -> np.ndarray:
    return np.asarray(x, dtype=np.int64).reshape(-1)


def row_keys(*tables: Columns) -> list[np.ndarray]:
    """One ``int64`` key per row of each table; two rows get the same key iff they are equal.

    Each table is a sequence of equal-length integer columns; all tables have the same number
    of columns. Keys are consistent across the tables passed in one call (and only then).
    """
    ncol = len(tables[0])
    if any(len(t) != ncol for t in tables):
        raise ValueError("all tables need the same number of columns")
    sizes = [len(t[0]) if ncol else 0 for t in tables]
    total = sum(sizes)
    if ncol == 0 or total == 0:
        return [np.zeros(n, dtype=np.int64) for n in sizes]
    cols = [np.concatenate([as_index(t[c]) for t in tables]) for c in range(ncol)]
    radix = 1
    key = np.zeros(total, dtype=np.int64)
    for c in cols:
        lo, hi = int(c.min()), int(c.max())
        span = hi - lo + 1
        radix *= span
        if radix >= _LIMIT:
            break
        key = key * span + (c - lo)
    else:
        return list(np.split(key, np.cumsum(sizes)[:-1]))
    # Too wide to pack: fall back to dense ids of the distinct rows.
    _, inv = np.unique(np.stack(cols, axis=1), axis=0, return_inverse=True)
    return list(np.split(inv.reshape(-1).astype(np.int64), np.cumsum(sizes)[:-1]))


def first_occurrence(keys: np.ndarray) -> np.ndarray:
    """Boolean mask selecting the first row of each distinct key (in index order)."""
    keys = as_index(keys)
    mask = np.zeros(len(keys), dtype=bool)
    if len(keys):
        _, first = np.unique(keys, return_index=True)
        mask[first] = True
    return mask


def rank_in_group(keys: np.ndarray) -> np.ndarray:
    """For each row, how many earlier rows (in index order) have the same key."""
    keys = as_index(keys)
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    start = np.ones(n, dtype=bool)
    start[1:] = sk[1:] != sk[:-1]
    group_start = np.maximum.accumulate(np.where(start, np.arange(n), 0))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - group_start
    return rank


def match_equal(a: np.ndarray, b: np.ndarray, *, unique: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Pair rows of ``a`` and ``b`` with equal keys one-to-one.

    The k-th row (in index order) with a given key in ``a`` is paired with the k-th row with that
    key in ``b``; rows without a partner stay unpaired. With duplicate-free inputs this is plain set
    intersection (pass ``unique=True`` when both are known to be duplicate-free: faster). Returns
    index arrays ``(ia, ib)``.
    """
    a, b = as_index(a), as_index(b)
    if len(a) == 0 or len(b) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if unique:
        _, ia, ib = np.intersect1d(a, b, assume_unique=True, return_indices=True)
        return ia.astype(np.int64), ib.astype(np.int64)
    k = np.concatenate([a, b])
    r = np.concatenate([rank_in_group(a), rank_in_group(b)])
    side = np.concatenate([np.zeros(len(a), np.int8), np.ones(len(b), np.int8)])
    idx = np.concatenate([np.arange(len(a)), np.arange(len(b))])
    o = np.lexsort((side, r, k))
    k, r, side, idx = k[o], r[o], side[o], idx[o]
    same = (k[:-1] == k[1:]) & (r[:-1] == r[1:])
    # Within one side (key, rank) is unique, so an equal neighbour is always the other side.
    return idx[:-1][same], idx[1:][same]


def expand_ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Enumerate ``range(lo[i], hi[i])`` for every i: returns ``(owner i, position)`` arrays."""
    lo, hi = as_index(lo), as_index(hi)
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    owner = np.repeat(np.arange(len(lo)), counts)
    starts = np.cumsum(counts) - counts
    pos = np.arange(total) - np.repeat(starts, counts) + np.repeat(lo, counts)
    return owner, pos


def join_equal(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All pairs ``(i, j)`` with ``a[i] == b[j]`` (a many-to-many equi-join)."""
    a, b = as_index(a), as_index(b)
    if len(a) == 0 or len(b) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    ob = np.argsort(b, kind="stable")
    sb = b[ob]
    lo = np.searchsorted(sb, a, "left")
    hi = np.searchsorted(sb, a, "right")
    ia, pos = expand_ranges(lo, hi)
    return ia, ob[pos]


def count_by(index: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    """``np.bincount`` with a fixed length; int32 counts when unweighted (per-document counts are small)."""
    index = as_index(index)
    if weights is None:
        return np.bincount(index, minlength=n).astype(np.int32)
    return np.bincount(index, weights=np.asarray(weights, dtype=np.float64), minlength=n)
