"""Uncertainty over documents: bootstrap intervals, paired bootstrap, approximate randomisation.

All three work on the per-document count matrix ``V`` (:mod:`.counts`): a resample is a vector of
document weights ``w`` (multinomial counts), and its column sums are ``w @ V`` - one matrix product
for all resamples and all figures, never a re-score.

* Confidence intervals: percentile bootstrap over documents (Efron & Tibshirani 1993): ``B``
  resamples of the n documents with replacement; the interval is the (α/2, 1-α/2) quantiles.
* Paired bootstrap (Koehn 2004; Berg-Kirkpatrick et al. 2012): the same resampled documents for
  both systems; δ* = F(A*) - F(B*). Reported: the percentile interval of δ*, and the two-sided
  p-value of the centred bootstrap, p = (1 + #{|δ* - δ| >= |δ|}) / (B + 1).
* Approximate randomisation (Noreen 1989; Riezler & Maxwell 2005): in each of R trials each
  document's counts of A and B are swapped with probability 1/2; p = (1 + #{|δ_r| >= |δ|}) / (R + 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .counts import Figures, Layout, evaluate

_CHUNK = 4096  # documents per block of the weighted sums (bounds memory for large corpora)


def resample_weights(n_docs: int, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """``(resamples, n_docs)`` multinomial counts: how often each document is drawn."""
    if n_docs == 0:
        return np.zeros((resamples, 0))
    return rng.multinomial(n_docs, np.full(n_docs, 1.0 / n_docs), size=resamples).astype(np.float64)


def weighted_sums(W: np.ndarray, V: np.ndarray) -> np.ndarray:
    """``W @ V`` in float64, by blocks of documents."""
    out = np.zeros((W.shape[0], V.shape[1]))
    for s in range(0, V.shape[0], _CHUNK):
        out += W[:, s:s + _CHUNK] @ np.asarray(V[s:s + _CHUNK], dtype=np.float64)
    return out


@dataclass
class Intervals:
    """Bootstrap distribution summary of every figure."""

    resamples: int
    seed: int
    confidence: float
    low: dict[tuple[str, str, str], float]
    high: dict[tuple[str, str, str], float]

    def get(self, key: tuple[str, str, str]) -> tuple[float, float] | None:
        if key not in self.low:
            return None
        return self.low[key], self.high[key]


_CI_STATS = {"precision", "recall", "f1", "value"}


def bootstrap(V: np.ndarray, layout: Layout, *, resamples: int = 1000, seed: int = 0,
              confidence: float = 0.95) -> Intervals:
    """Percentile bootstrap intervals of every P/R/F1/value figure, resampling documents."""
    rng = np.random.default_rng(seed)
    W = resample_weights(V.shape[0], resamples, rng)
    figs = evaluate(layout, weighted_sums(W, V))
    a = (1 - confidence) / 2
    low, high = {}, {}
    keys = [k for k in figs if k[2] in _CI_STATS]
    if keys:
        q = np.quantile(np.stack([figs[k] for k in keys], axis=1), [a, 1 - a], axis=0)
        for i, k in enumerate(keys):
            low[k], high[k] = float(q[0, i]), float(q[1, i])
    return Intervals(resamples, seed, confidence, low, high)


@dataclass
class Comparison:
    key: tuple[str, str, str]
    a: float
    b: float
    delta: float
    delta_low: float
    delta_high: float
    p_bootstrap: float
    p_randomisation: float


def _headline_keys(figs: Figures) -> list[tuple[str, str, str]]:
    """F1 (micro, macro) and accuracy of every metric, grouped by metric in layout order."""
    keys = [k for k in figs if k[2] in ("f1", "value") and (k[1] in ("micro", "macro", ""))]
    first = {}
    for k in keys:
        first.setdefault(k[0], len(first))
    return sorted(keys, key=lambda k: (first[k[0]], k[1] == "macro"))


def compare(VA: np.ndarray, VB: np.ndarray, layout: Layout, *, resamples: int = 1000, trials: int = 10000,
            seed: int = 0, confidence: float = 0.95, keys: list[tuple[str, str, str]] | None = None) -> list[Comparison]:
    """Paired bootstrap and approximate randomisation for two systems scored on the same documents
    with the same layout (rows of ``VA`` and ``VB`` are the same documents)."""
    if VA.shape != VB.shape:
        raise ValueError("the two count matrices differ in shape: were they scored with the same gold and layout?")
    rng = np.random.default_rng(seed)
    fa, fb = evaluate(layout, VA.sum(0, dtype=np.float64)), evaluate(layout, VB.sum(0, dtype=np.float64))
    keys = keys or _headline_keys(fa)
    obs = {k: float(fa[k][0] - fb[k][0]) for k in keys}
    W = resample_weights(VA.shape[0], resamples, rng)
    ba, bb = evaluate(layout, weighted_sums(W, VA)), evaluate(layout, weighted_sums(W, VB))
    # approximate randomisation: A' = sum(A) + s @ (B - A), B' = sum(B) - s @ (B - A)
    D = np.asarray(VB, dtype=np.float64) - np.asarray(VA, dtype=np.float64)
    sa, sb = VA.sum(0, dtype=np.float64), VB.sum(0, dtype=np.float64)
    exceed = {k: 0 for k in keys}
    done = 0
    while done < trials:
        n = min(2000, trials - done)
        swap = rng.integers(0, 2, size=(n, VA.shape[0])).astype(np.float64)
        shift = weighted_sums(swap, D)
        ra, rb = evaluate(layout, sa + shift), evaluate(layout, sb - shift)
        for k in keys:
            exceed[k] += int((np.abs(ra[k] - rb[k]) >= abs(obs[k]) - 1e-12).sum())
        done += n
    a = (1 - confidence) / 2
    out = []
    for k in keys:
        d = ba[k] - bb[k]
        lo, hi = np.quantile(d, [a, 1 - a]) if len(d) else (0.0, 0.0)
        p_boot = (1 + int((np.abs(d - obs[k]) >= abs(obs[k]) - 1e-12).sum())) / (resamples + 1)
        p_ar = (1 + exceed[k]) / (trials + 1)
        out.append(Comparison(k, float(fa[k][0]), float(fb[k][0]), obs[k], float(lo), float(hi), p_boot, p_ar))
    return out
