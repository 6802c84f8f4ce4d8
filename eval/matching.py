"""Overlapping span pairs and maximum one-to-one matchings, for a whole corpus at once.

Spans are half-open ``[start, end)`` character intervals; two spans *overlap* when they share at
least one character (``a.start < b.end and b.start < a.end``). Pairs are only formed within a
document. A maximum matching is computed for all documents in one call (the graph is block
diagonal), with Hopcroft-Karp from ``scipy.sparse.csgraph``.
"""

from __future__ import annotations

import numpy as np

from .keys import as_index, expand_ranges, row_keys

_SHIFT = np.int64(32)


def _pos_key(doc: np.ndarray, off: np.ndarray) -> np.ndarray:
    return (as_index(doc) << _SHIFT) + as_index(off)


def overlap_pairs(g_doc, g_start, g_end, p_doc, p_start, p_end) -> tuple[np.ndarray, np.ndarray]:
    """Every pair ``(i, j)`` of a gold span i and a predicted span j of the same document that overlap.

    Runs in O(n log n + pairs): a pair overlaps iff either the gold span starts inside the
    predicted one (``p.start <= g.start < p.end``) or the predicted one starts strictly inside the
    gold one (``g.start < p.start < g.end``); both are range queries over spans sorted by
    ``(doc, start)``, and the two cases are disjoint.
    """
    g_start, g_end, p_start, p_end = map(as_index, (g_start, g_end, p_start, p_end))
    if len(g_start) == 0 or len(p_start) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    gk = _pos_key(g_doc, g_start)
    og = np.argsort(gk, kind="stable")
    gks = gk[og]
    lo = np.searchsorted(gks, _pos_key(p_doc, p_start), "left")
    hi = np.searchsorted(gks, _pos_key(p_doc, p_end), "left")
    pj_a, pos = expand_ranges(lo, hi)
    gi_a = og[pos]

    pk = _pos_key(p_doc, p_start)
    op = np.argsort(pk, kind="stable")
    pks = pk[op]
    lo = np.searchsorted(pks, _pos_key(g_doc, g_start + 1), "left")
    hi = np.searchsorted(pks, _pos_key(g_doc, g_end), "left")
    gi_b, pos = expand_ranges(lo, hi)
    pj_b = op[pos]
    return np.concatenate([gi_a, gi_b]), np.concatenate([pj_a, pj_b])


def max_matching(gi: np.ndarray, pj: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A maximum one-to-one matching on the bipartite graph with edges ``(gi[k], pj[k])``.

    Returns the matched pairs as index arrays ``(g, p)``. Only nodes with an edge take part, so the
    cost depends on the number of edges, not on the corpus size.
    """
    gi, pj = as_index(gi), as_index(pj)
    if len(gi) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_bipartite_matching

    gu, gl = np.unique(gi, return_inverse=True)
    pu, pl = np.unique(pj, return_inverse=True)
    graph = csr_matrix((np.ones(len(gl), dtype=np.int8), (gl.reshape(-1), pl.reshape(-1))),
                       shape=(len(gu), len(pu)))
    col = maximum_bipartite_matching(graph, perm_type="column")
    rows = np.flatnonzero(col >= 0)
    return gu[rows], pu[col[rows]]


def components(left: np.ndarray, right: np.ndarray, n_left: int, n_right: int) -> np.ndarray:
    """Connected component of every edge ``(left[k], right[k])`` of a bipartite graph."""
    left, right = as_index(left), as_index(right)
    if len(left) == 0:
        return np.zeros(0, np.int64)
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = n_left + n_right
    g = coo_matrix((np.ones(len(left), np.int8), (left, n_left + right)), shape=(n, n)).tocsr()
    _, comp = connected_components(g, directed=False)
    return comp[left].astype(np.int64)


def assign_by_group(rows: np.ndarray, cols: np.ndarray, weight: np.ndarray, group: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maximum-weight one-to-one assignment inside each group of candidate cells.

    ``(rows[k], cols[k])`` is a candidate pair with ``weight[k] > 0``; pairs of different groups never
    compete for a row or column. Groups with a single row or a single column take their heaviest
    cell (vectorised); the others are solved with ``scipy.optimize.linear_sum_assignment`` on a small
    dense matrix each. Returns the chosen cells' ``(rows, cols, weights)``.
    """
    rows, cols, group = as_index(rows), as_index(cols), as_index(group)
    weight = np.asarray(weight, dtype=np.float64).reshape(-1)
    if len(rows) == 0:
        return rows, cols, weight
    from scipy.optimize import linear_sum_assignment

    order = np.lexsort((-weight, group))
    rows, cols, weight, group = rows[order], cols[order], weight[order], group[order]
    start = np.ones(len(group), dtype=bool)
    start[1:] = group[1:] != group[:-1]
    gid = np.cumsum(start) - 1  # dense group number
    # local row / column numbers inside each group
    kr, kc = row_keys((gid, rows)), row_keys((gid, cols))
    r_inv = np.unique(kr[0], return_inverse=True)[1].reshape(-1)
    c_inv = np.unique(kc[0], return_inverse=True)[1].reshape(-1)
    first_r = np.full(int(gid[-1]) + 1, np.iinfo(np.int64).max)
    np.minimum.at(first_r, gid, r_inv)
    first_c = np.full(int(gid[-1]) + 1, np.iinfo(np.int64).max)
    np.minimum.at(first_c, gid, c_inv)
    lr, lc = r_inv - first_r[gid], c_inv - first_c[gid]
    n_r = np.zeros(len(first_r), np.int64)
    np.maximum.at(n_r, gid, lr + 1)
    n_c = np.zeros(len(first_c), np.int64)
    np.maximum.at(n_c, gid, lc + 1)
    easy = (np.minimum(n_r, n_c) == 1)[gid]
    pick = easy & start  # cells are sorted by weight inside a group: the first is the heaviest
    out = [np.flatnonzero(pick)]
    hard = np.flatnonzero(~easy)
    if len(hard):
        bounds = np.flatnonzero(np.diff(gid[hard])) + 1
        for cells in np.split(hard, bounds):
            g = gid[cells[0]]
            m = np.zeros((n_r[g], n_c[g]))
            m[lr[cells], lc[cells]] = weight[cells]
            r, c = linear_sum_assignment(m, maximize=True)
            keep = m[r, c] > 0
            cell_of = np.full((n_r[g], n_c[g]), -1, np.int64)
            cell_of[lr[cells], lc[cells]] = cells
            out.append(cell_of[r[keep], c[keep]])
    chosen = np.concatenate(out)
    return rows[chosen], cols[chosen], weight[chosen]
