"""Entity coreference: MUC, B-cubed, CEAF-e and their average (CoNLL-2012 definitions).

Definitions (Pradhan et al. 2014, "Scoring Coreference Partitions of Predicted Mentions: A
Reference Implementation"; reference scorer v8.01). K = key (gold) clusters, R = response clusters,
mentions are identified by their exact span; a mention listed twice in a response is kept in the
first cluster it appears in (the reference scorer's de-duplication).

* MUC (Vilain et al. 1995): recall = Σ_K (|K| - |p(K)|) / Σ_K (|K| - 1), where p(K) is the
  partition of K by the response clusters, a mention of K missing from the response being a part
  of its own; precision swaps key and response.
* B-cubed (Bagga & Baldwin 1998): recall = Σ_K Σ_R |K∩R|² / |K|  /  Σ_K |K|; precision =
  Σ_R Σ_K |K∩R|² / |R|  /  Σ_R |R|.
* CEAF-e (Luo 2005): φ4(K, R) = 2|K∩R| / (|K| + |R|); Φ = the largest Σ φ4 over one-to-one
  alignments of key and response clusters (Kuhn-Munkres); recall = Φ / |K|s, precision = Φ / |R|s.
* CoNLL = (F1_MUC + F1_B3 + F1_CEAFe) / 3.

Each metric is a ratio of sums, accumulated over documents (numerators and denominators are
summed, as the reference scorer does), so per-document quadruples (recall numerator, recall
denominator, precision numerator, precision denominator) are all the scorer keeps. 0/0 = 0.
Singletons are kept on both sides (MUC ignores them by definition).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .keys import count_by, first_occurrence, match_equal, row_keys
from .matching import assign_by_group, components

RULES = {
    "coreference.muc": "MUC (Vilain et al. 1995): R = Σ(|K|-|p(K)|)/Σ(|K|-1), P swaps key and response",
    "coreference.b3": "B-cubed (Bagga & Baldwin 1998): R = Σ_K Σ_R |K∩R|²/|K| / Σ|K|, P = Σ_R Σ_K |K∩R|²/|R| / Σ|R|",
    "coreference.ceafe": "CEAF-e (Luo 2005): φ4 = 2|K∩R|/(|K|+|R|), optimal one-to-one cluster alignment; "
                         "R = Φ/#key clusters, P = Φ/#response clusters",
    "coreference.conll": "CoNLL-2012 average: (F1 MUC + F1 B3 + F1 CEAF-e) / 3",
}
MENTION_RULE = (
    "key = gold mentions with a cluster (singletons included); response = predicted mentions of the "
    "types that corefer, a mention without cluster being a singleton; mentions matched by exact span "
    "(type ignored); a span listed twice in the response keeps its first cluster; numerators and "
    "denominators are summed over documents as in the CoNLL reference scorer; 0/0 = 0"
)
METRICS = ("muc", "b3", "ceafe")


@dataclass(frozen=True)
class CorefCounts:
    r_num: float
    r_den: float
    p_num: float
    p_den: float

    @property
    def recall(self) -> float:
        return self.r_num / self.r_den if self.r_den else 0.0

    @property
    def precision(self) -> float:
        return self.p_num / self.p_den if self.p_den else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


# -- reference implementation over explicit clusters (used by the tests and for clarity) -----------
def _dedupe(clusters: Iterable[Iterable[Hashable]]) -> list[list[Hashable]]:
    seen: set[Hashable] = set()
    out = []
    for c in clusters:
        kept = []
        for m in c:
            if m not in seen:
                seen.add(m)
                kept.append(m)
        if kept:
            out.append(kept)
    return out


def _contingency(key, response) -> tuple[list[list[Hashable]], list[list[Hashable]], np.ndarray]:
    key, response = _dedupe(key), _dedupe(response)
    where = {m: j for j, c in enumerate(response) for m in c}
    n = np.zeros((len(key), len(response)), dtype=np.int64)
    for i, c in enumerate(key):
        for m in c:
            j = where.get(m)
            if j is not None:
                n[i, j] += 1
    return key, response, n


def muc(key: Sequence[Iterable[Hashable]], response: Sequence[Iterable[Hashable]]) -> CorefCounts:
    key, response, n = _contingency(key, response)

    def side(sizes, n):
        num = sum(n[i].sum() - np.count_nonzero(n[i]) for i in range(len(sizes)))
        return float(num), float(sum(s - 1 for s in sizes))

    rn, rd = side([len(c) for c in key], n)
    pn, pd = side([len(c) for c in response], n.T)
    return CorefCounts(rn, rd, pn, pd)


def b_cubed(key, response) -> CorefCounts:
    key, response, n = _contingency(key, response)
    ks = np.array([len(c) for c in key], dtype=float)
    rs = np.array([len(c) for c in response], dtype=float)
    rn = float((n ** 2 / ks[:, None]).sum()) if len(key) and len(response) else 0.0
    pn = float((n ** 2 / rs[None, :]).sum()) if len(key) and len(response) else 0.0
    return CorefCounts(rn, float(ks.sum()), pn, float(rs.sum()))


def ceafe(key, response) -> CorefCounts:
    from scipy.optimize import linear_sum_assignment

    key, response, n = _contingency(key, response)
    if not key or not response:
        return CorefCounts(0.0, float(len(key)), 0.0, float(len(response)))
    ks = np.array([len(c) for c in key], dtype=float)
    rs = np.array([len(c) for c in response], dtype=float)
    phi = 2 * n / (ks[:, None] + rs[None, :])
    r, c = linear_sum_assignment(phi, maximize=True)
    total = float(phi[r, c].sum())
    return CorefCounts(total, float(len(key)), total, float(len(response)))


def conll(key, response) -> float:
    return (muc(key, response).f1 + b_cubed(key, response).f1 + ceafe(key, response).f1) / 3


# -- the corpus-wide vectorised version used by the scorer ----------------------------------------
@dataclass
class CorefDocCounts:
    """Per-document quadruples (arrays of shape ``(n_docs,)``) for each metric."""

    muc: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    b3: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    ceafe: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def coref_counts(key_doc, key_start, key_end, key_cluster, rsp_doc, rsp_start, rsp_end, rsp_cluster,
                 n_docs: int) -> CorefDocCounts:
    """MUC / B-cubed / CEAF-e counts of every document.

    Mentions are rows ``(doc, start, end, cluster)``; cluster codes need only be unique within a
    document. A response row with cluster < 0 is a singleton. Duplicate spans keep their first row.
    """
    kd, ks, ke, kc = (np.asarray(x, dtype=np.int64).reshape(-1) for x in (key_doc, key_start, key_end, key_cluster))
    rd, rs, re_, rc = (np.asarray(x, dtype=np.int64).reshape(-1) for x in (rsp_doc, rsp_start, rsp_end, rsp_cluster))
    # singletons for response mentions without a cluster
    if len(rc) and (rc < 0).any():
        rc = rc.copy()
        free = rc < 0
        rc[free] = (rc.max(initial=0) + 1) + np.arange(int(free.sum()))
    kk, rk = row_keys((kd, ks, ke), (rd, rs, re_))
    fk, fr = first_occurrence(kk), first_occurrence(rk)
    kd, kc, kk = kd[fk], kc[fk], kk[fk]
    rd, rc, rk = rd[fr], rc[fr], rk[fr]
    # dense cluster ids: (doc, cluster) -> 0..n-1
    kcl = np.unique(row_keys((kd, kc))[0], return_inverse=True)[1].reshape(-1) if len(kd) else np.zeros(0, np.int64)
    rcl = np.unique(row_keys((rd, rc))[0], return_inverse=True)[1].reshape(-1) if len(rd) else np.zeros(0, np.int64)
    nk, nr = (int(kcl.max()) + 1 if len(kcl) else 0), (int(rcl.max()) + 1 if len(rcl) else 0)
    k_size = count_by(kcl, nk).astype(float)
    r_size = count_by(rcl, nr).astype(float)
    k_doc = np.zeros(nk, np.int64)
    k_doc[kcl] = kd
    r_doc = np.zeros(nr, np.int64)
    r_doc[rcl] = rd
    # contingency cells n_ij over mentions present on both sides
    im, jm = match_equal(kk, rk)
    ci, cj = kcl[im], rcl[jm]
    if len(ci):
        cell = np.unique(ci * max(nr, 1) + cj, return_counts=True)
        ci, cj, nij = cell[0] // max(nr, 1), cell[0] % max(nr, 1), cell[1].astype(float)
    else:
        ci, cj, nij = ci, cj, np.zeros(0)
    c_doc = k_doc[ci]

    def by_doc(values, doc_of):
        return count_by(doc_of, n_docs, values)

    # MUC: per key cluster, Σ_j n_ij - #{j: n_ij > 0}; denominator |K| - 1
    muc_r_num = by_doc(nij - 1, c_doc)
    muc_r_den = by_doc(k_size - 1, k_doc)
    muc_p_num = muc_r_num.copy()  # Σ over cells of (n_ij - 1) is symmetric in key and response
    muc_p_den = by_doc(r_size - 1, r_doc)
    # B-cubed
    b3_r_num = by_doc(nij ** 2 / k_size[ci], c_doc)
    b3_p_num = by_doc(nij ** 2 / r_size[cj], c_doc)
    b3_r_den = by_doc(k_size, k_doc)
    b3_p_den = by_doc(r_size, r_doc)
    # CEAF-e: optimal alignment of clusters, per connected component of the contingency cells
    phi = 2 * nij / (k_size[ci] + r_size[cj])
    comp = components(ci, cj, nk, nr)
    ai, _, aw = assign_by_group(ci, cj, phi, comp)
    ce_num = by_doc(aw, k_doc[ai])
    ce_r_den = count_by(k_doc, n_docs).astype(float)
    ce_p_den = count_by(r_doc, n_docs).astype(float)
    return CorefDocCounts(
        muc=(muc_r_num, muc_r_den, muc_p_num, muc_p_den),
        b3=(b3_r_num, b3_r_den, b3_p_num, b3_p_den),
        ceafe=(ce_num, ce_r_den, ce_num.copy(), ce_p_den),
    )
