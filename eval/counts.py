"""Per-document count matrix and the figures computed from its column sums.

Every figure of a report is a function of *sums over documents* of a few counts (true positives,
predicted, gold; coreference numerators and denominators; hits and trials). The scorer stores
those counts as one matrix ``V`` of shape ``(n_docs, n_columns)``; :class:`Layout` says which
columns belong to which figure, and :func:`evaluate` turns sums ``S`` of shape ``(B, n_columns)`` -
one row for the point estimate, or one per bootstrap resample - into every figure at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def prf(tp, n_pred, n_gold) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall, F1 with 0 where a denominator is 0 (no division by zero, no NaN)."""
    tp, n_pred, n_gold = (np.asarray(x, dtype=np.float64) for x in (tp, n_pred, n_gold))
    p = np.divide(tp, n_pred, out=np.zeros(np.broadcast(tp, n_pred).shape), where=n_pred > 0)
    r = np.divide(tp, n_gold, out=np.zeros(np.broadcast(tp, n_gold).shape), where=n_gold > 0)
    s = p + r
    f = np.divide(2 * p * r, s, out=np.zeros(s.shape), where=s > 0)
    return p, r, f


def ratio(num, den) -> np.ndarray:
    num, den = np.asarray(num, dtype=np.float64), np.asarray(den, dtype=np.float64)
    return np.divide(num, den, out=np.zeros(np.broadcast(num, den).shape), where=den > 0)


@dataclass(frozen=True)
class PRFCols:
    tp: int
    n_pred: int
    n_gold: int


@dataclass
class PRFMetric:
    name: str
    rule: str
    micro: PRFCols
    labels: dict[str, PRFCols] = field(default_factory=dict)
    label_kind: str | None = None  # "entity type", "event type", "role"


@dataclass
class CorefMetric:
    name: str
    rule: str
    r_num: int
    r_den: int
    p_num: int
    p_den: int


@dataclass
class RatioMetric:
    name: str
    rule: str
    num: int
    den: int


@dataclass
class AverageMetric:
    """Mean of the F1 of other metrics (the CoNLL coreference score)."""

    name: str
    rule: str
    of: tuple[str, ...]


@dataclass
class Layout:
    columns: list[str] = field(default_factory=list)
    prf: dict[str, PRFMetric] = field(default_factory=dict)
    coref: dict[str, CorefMetric] = field(default_factory=dict)
    ratio: dict[str, RatioMetric] = field(default_factory=dict)
    average: dict[str, AverageMetric] = field(default_factory=dict)


class CountMatrixBuilder:
    """Collects per-document count columns and the layout describing them."""

    def __init__(self, n_docs: int) -> None:
        self.n_docs = n_docs
        self.layout = Layout()
        self._data: list[np.ndarray | None] = []
        self._shared: dict[str, int] = {}

    def column(self, name: str, values, *, share: str | None = None) -> int:
        """Add a column (float32 holds the counts - integers and halves - exactly); a column with a
        ``share`` key already added is reused instead (identical counts of several metrics)."""
        if share is not None and share in self._shared:
            return self._shared[share]
        v = np.asarray(values, dtype=np.float32).reshape(-1)
        if len(v) != self.n_docs:
            raise ValueError(f"column {name}: {len(v)} values for {self.n_docs} documents")
        self._data.append(v)
        self.layout.columns.append(name)
        if share is not None:
            self._shared[share] = len(self._data) - 1
        return len(self._data) - 1

    def _triple(self, name: str, tp, n_pred, n_gold, share: str | None) -> PRFCols:
        return PRFCols(self.column(f"{name}/tp", tp),
                       self.column(f"{name}/n_pred", n_pred, share=share and f"{share}/n_pred"),
                       self.column(f"{name}/n_gold", n_gold, share=share and f"{share}/n_gold"))

    def add_prf(self, name: str, rule: str, tp, n_pred, n_gold, *, by_label=None,
                label_names: tuple[str, ...] = (), label_kind: str | None = None, all_labels: bool = False,
                share: str | None = None) -> None:
        """A P/R/F metric; ``by_label = (tp, n_pred, n_gold)`` arrays of shape (n_docs, L) adds the
        per-label breakdown for every label with at least one gold or predicted item (every label
        with ``all_labels``; absent labels never enter macro averages). Metrics passing the same
        ``share`` key have identical predicted and gold counts and share those columns."""
        m = PRFMetric(name, rule, self._triple(name, tp, n_pred, n_gold, share), label_kind=label_kind)
        if by_label is not None:
            tl, pl, gl = by_label
            present = np.ones(tl.shape[1], dtype=bool) if all_labels else (pl.sum(0) + gl.sum(0)) > 0
            for k in np.flatnonzero(present):
                lab = label_names[k]
                m.labels[lab] = self._triple(f"{name}/{lab}", tl[:, k], pl[:, k], gl[:, k], share and f"{share}/{lab}")
        self.layout.prf[name] = m

    def add_coref(self, name: str, rule: str, r_num, r_den, p_num, p_den) -> None:
        self.layout.coref[name] = CorefMetric(
            name, rule, self.column(f"{name}/r_num", r_num), self.column(f"{name}/r_den", r_den),
            self.column(f"{name}/p_num", p_num), self.column(f"{name}/p_den", p_den))

    def add_ratio(self, name: str, rule: str, num, den) -> None:
        self.layout.ratio[name] = RatioMetric(name, rule, self.column(f"{name}/num", num),
                                              self.column(f"{name}/den", den))

    def add_average(self, name: str, rule: str, of: tuple[str, ...]) -> None:
        self.layout.average[name] = AverageMetric(name, rule, of)

    def build(self) -> np.ndarray:
        """The float32 matrix ``(n_docs, n_columns)``, column-major; the builder's columns are released
        while it is filled, so the counts are held once."""
        out = np.empty((self.n_docs, len(self._data)), dtype=np.float32, order="F")
        for k, v in enumerate(self._data):
            out[:, k] = v
            self._data[k] = None
        return out


Figures = dict[tuple[str, str, str], np.ndarray]
"""(metric, scope, statistic) -> values, one per row of the sums. scope: "micro", "macro",
"label:<name>" or "" (coreference, ratios, averages); statistic: precision / recall / f1 / tp /
n_pred / n_gold (P/R/F metrics), precision / recall / f1 (coreference), value / num / den (ratios)."""


def evaluate(layout: Layout, S: np.ndarray) -> Figures:
    """Every figure from column sums ``S`` (shape ``(B, n_columns)`` or ``(n_columns,)``)."""
    S = np.atleast_2d(np.asarray(S, dtype=np.float64))
    out: Figures = {}
    slots: list[tuple[str, str, PRFCols]] = []
    for m in layout.prf.values():
        slots.append((m.name, "micro", m.micro))
        for lab, c in m.labels.items():
            slots.append((m.name, f"label:{lab}", c))
    if slots:
        tp = S[:, [c.tp for _, _, c in slots]]
        npred = S[:, [c.n_pred for _, _, c in slots]]
        ngold = S[:, [c.n_gold for _, _, c in slots]]
        P, R, F = prf(tp, npred, ngold)
        for k, (name, scope, _) in enumerate(slots):
            out[(name, scope, "precision")] = P[:, k]
            out[(name, scope, "recall")] = R[:, k]
            out[(name, scope, "f1")] = F[:, k]
            out[(name, scope, "tp")] = tp[:, k]
            out[(name, scope, "n_pred")] = npred[:, k]
            out[(name, scope, "n_gold")] = ngold[:, k]
    for m in layout.prf.values():
        if not m.labels:
            continue
        keys = [f"label:{lab}" for lab in m.labels]
        present = np.stack([out[(m.name, k, "n_pred")] + out[(m.name, k, "n_gold")] > 0 for k in keys], axis=1)
        n = present.sum(1)
        for stat in ("precision", "recall", "f1"):
            vals = np.stack([out[(m.name, k, stat)] for k in keys], axis=1)
            out[(m.name, "macro", stat)] = ratio((vals * present).sum(1), n)
        out[(m.name, "macro", "n_labels")] = n.astype(np.float64)
    for m in layout.coref.values():
        R = ratio(S[:, m.r_num], S[:, m.r_den])
        P = ratio(S[:, m.p_num], S[:, m.p_den])
        s = P + R
        F = np.divide(2 * P * R, s, out=np.zeros(s.shape), where=s > 0)
        out[(m.name, "", "precision")] = P
        out[(m.name, "", "recall")] = R
        out[(m.name, "", "f1")] = F
    for m in layout.ratio.values():
        out[(m.name, "", "value")] = ratio(S[:, m.num], S[:, m.den])
        out[(m.name, "", "num")] = S[:, m.num]
        out[(m.name, "", "den")] = S[:, m.den]
    for m in layout.average.values():
        parts = [out[(o, "", "f1")] if (o, "", "f1") in out else out[(o, "micro", "f1")] for o in m.of]
        out[(m.name, "", "f1")] = np.mean(np.stack(parts, axis=1), axis=1)
    return out
