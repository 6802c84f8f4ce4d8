"""Entity mentions in the four SemEval-2013 Task 9.1 schemes: strict, exact, partial, type.

Input: gold and predicted mentions as ``(doc, start, end, label)`` integer columns. Output:
per-document (and per-document-and-label) counts of correct / incorrect / partial matches, from
which every figure follows (:class:`EntityCounts`). See ``eval/README.md`` for the rules; in short:

* duplicate ``(doc, start, end, label)`` rows are collapsed (sets of tuples);
* in each document, gold and predicted mentions are matched one-to-one, first maximising the
  number of *correct* pairs, then the number of *overlapping* pairs among the rest (maximum
  bipartite matchings; nervaluate 1.2.1 instead matches greedily in list order);
* strict: correct = same span and type; exact: correct = same span; partial: correct = same
  span, overlapping = partial (half credit); type: correct = overlapping and same type;
  overlapping pairs that are not correct are incorrect (strict, exact, type);
* ``ACT`` = predicted mentions, ``POS`` = gold mentions; P = credit / ACT, R = credit / POS with
  credit = correct (strict, exact, type) or correct + 0.5 * partial (partial);
* per type, each scheme is computed on the mentions of that type only (as nervaluate does), so
  a mention with the wrong type is spurious for its predicted type and missed for its gold type.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .keys import count_by, first_occurrence, match_equal, row_keys
from .matching import max_matching, overlap_pairs

SCHEMES = ("strict", "exact", "partial", "type")

RULES = {
    "strict": "correct = same (start, end) and same type; ACT = predicted, POS = gold mentions; "
              "P = correct/ACT, R = correct/POS (equal to seqeval strict IOB2 where spans are BIO-representable)",
    "exact": "correct = same (start, end), type ignored; an overlapping, not identical span is incorrect; "
             "P = correct/ACT, R = correct/POS",
    "partial": "correct = same (start, end), type ignored; overlapping, not identical = partial; "
               "P = (correct + 0.5 partial)/ACT, R = (correct + 0.5 partial)/POS",
    "type": "correct = overlapping (at least one shared character) and same type; overlapping with "
            "another type = incorrect; P = correct/ACT, R = correct/POS",
}
MATCHING_RULE = (
    "per document, gold and predicted mentions are matched one-to-one: first a maximum matching of "
    "correct pairs, then a maximum matching of overlapping pairs among the remaining mentions "
    "(nervaluate 1.2.1 matches greedily in list order and can give lower counts); duplicate "
    "(start, end, type) predictions are counted once; per type, only mentions of that type are compared"
)


@dataclass(frozen=True)
class Spans:
    """Mentions as parallel int64 columns."""

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    label: np.ndarray

    @classmethod
    def of(cls, doc, start, end, label) -> "Spans":
        cols = [np.asarray(x, dtype=np.int64).reshape(-1) for x in (doc, start, end, label)]
        if len({len(c) for c in cols}) != 1:
            raise ValueError("span columns differ in length")
        return cls(*cols)

    def __len__(self) -> int:
        return len(self.doc)

    def take(self, idx) -> "Spans":
        return Spans(self.doc[idx], self.start[idx], self.end[idx], self.label[idx])

    def columns(self, with_label: bool = True) -> tuple[np.ndarray, ...]:
        return (self.doc, self.start, self.end, self.label) if with_label else (self.doc, self.start, self.end)


@dataclass
class SchemeCounts:
    """Counts of one scheme; arrays are per document ``(n_docs,)`` or per document and label ``(n_docs, L)``."""

    correct: np.ndarray
    incorrect: np.ndarray
    partial: np.ndarray
    correct_by_label: np.ndarray
    incorrect_by_label: np.ndarray
    partial_by_label: np.ndarray


@dataclass
class EntityCounts:
    n_pred: np.ndarray
    n_gold: np.ndarray
    n_pred_by_label: np.ndarray
    n_gold_by_label: np.ndarray
    schemes: dict[str, SchemeCounts]
    confusion: np.ndarray  # (L, L): gold label x predicted label for identical spans
    duplicates: int  # predicted rows dropped as duplicates of an earlier (doc, start, end, label)

    def credit(self, scheme: str) -> tuple[np.ndarray, np.ndarray]:
        """(per document, per document and label) credit: correct, plus half the partial matches."""
        s = self.schemes[scheme]
        return s.correct + 0.5 * s.partial, s.correct_by_label + 0.5 * s.partial_by_label

    def totals(self, scheme: str, label: int | None = None) -> dict[str, float]:
        """nervaluate-style totals: correct, incorrect, partial, missed, spurious, possible, actual."""
        s = self.schemes[scheme]
        if label is None:
            cor, inc, par = s.correct.sum(), s.incorrect.sum(), s.partial.sum()
            pos, act = self.n_gold.sum(), self.n_pred.sum()
        else:
            cor, inc, par = (s.correct_by_label[:, label].sum(), s.incorrect_by_label[:, label].sum(),
                             s.partial_by_label[:, label].sum())
            pos, act = self.n_gold_by_label[:, label].sum(), self.n_pred_by_label[:, label].sum()
        matched = cor + inc + par
        return {"correct": int(cor), "incorrect": int(inc), "partial": int(par), "missed": int(pos - matched),
                "spurious": int(act - matched), "possible": int(pos), "actual": int(act)}


def _flag(n: int, idx: np.ndarray) -> np.ndarray:
    m = np.zeros(n, dtype=bool)
    m[idx] = True
    return m


def entity_counts(gold: Spans, pred: Spans, n_docs: int, n_labels: int) -> EntityCounts:
    """Counts of all four schemes for every document and label (see module docs for the rules)."""
    L = n_labels
    # canonical order: every count (and the choice among equally good matchings) depends only on
    # the sets of mentions, never on the order they were listed in
    gold = gold.take(np.lexsort((gold.label, gold.end, gold.start, gold.doc)))
    pred = pred.take(np.lexsort((pred.label, pred.end, pred.start, pred.doc)))
    kg, kp = row_keys(gold.columns(), pred.columns())
    keep_g, keep_p = first_occurrence(kg), first_occurrence(kp)
    duplicates = int(len(pred) - keep_p.sum())
    if not keep_g.all():
        gold, kg = gold.take(keep_g), kg[keep_g]
    if not keep_p.all():
        pred, kp = pred.take(keep_p), kp[keep_p]
    ng, np_ = len(gold), len(pred)
    g_cell = gold.doc * L + gold.label
    p_cell = pred.doc * L + pred.label

    def per_doc(idx: np.ndarray) -> np.ndarray:
        return count_by(gold.doc[idx], n_docs)

    def per_cell(idx: np.ndarray) -> np.ndarray:
        return count_by(g_cell[idx], n_docs * L).reshape(n_docs, L)

    # 1. identical (doc, start, end, label): strict-correct pairs
    sg, sp = match_equal(kg, kp, unique=True)
    g_strict, p_strict = _flag(ng, sg), _flag(np_, sp)
    # 2. identical span, any label, among the rest: exact-correct pairs (strict pairs preferred)
    kg3, kp3 = row_keys(gold.columns(False), pred.columns(False))
    rg, rp = np.flatnonzero(~g_strict), np.flatnonzero(~p_strict)
    eg, ep = match_equal(kg3[rg], kp3[rp])
    eg, ep = rg[eg], rp[ep]
    g_exact, p_exact = g_strict.copy(), p_strict.copy()
    g_exact[eg] = True
    p_exact[ep] = True
    # 3. overlapping pairs and the matchings on them
    oi, oj = overlap_pairs(gold.doc, gold.start, gold.end, pred.doc, pred.start, pred.end)
    same = gold.label[oi] == pred.label[oj]
    after_strict = ~g_strict[oi] & ~p_strict[oj]
    m1g, _ = max_matching(oi[~g_exact[oi] & ~p_exact[oj]], oj[~g_exact[oi] & ~p_exact[oj]])  # exact INC, partial PAR
    m2g, _ = max_matching(oi[after_strict], oj[after_strict])  # strict INC
    m3g, _ = max_matching(oi[after_strict & same], oj[after_strict & same])  # per type INC / PAR
    m4g, m4p = max_matching(oi[same], oj[same])  # type COR
    free = ~_flag(ng, m4g)[oi] & ~_flag(np_, m4p)[oj]
    m5g, _ = max_matching(oi[free], oj[free])  # type INC

    zero_doc = np.zeros(n_docs, dtype=np.int32)
    zero_cell = np.zeros((n_docs, L), dtype=np.int32)
    strict_cor = per_doc(sg)
    strict_cor_l = per_cell(sg)
    m3_l = per_cell(m3g)
    schemes = {
        "strict": SchemeCounts(strict_cor, per_doc(m2g), zero_doc, strict_cor_l, m3_l, zero_cell),
        "exact": SchemeCounts(per_doc(np.flatnonzero(g_exact)), per_doc(m1g), zero_doc, strict_cor_l, m3_l, zero_cell),
        "partial": SchemeCounts(per_doc(np.flatnonzero(g_exact)), zero_doc, per_doc(m1g), strict_cor_l, zero_cell, m3_l),
        "type": SchemeCounts(per_doc(m4g), per_doc(m5g), zero_doc, per_cell(m4g), zero_cell, zero_cell),
    }
    confusion = count_by(np.concatenate([gold.label[sg] * L + pred.label[sp], gold.label[eg] * L + pred.label[ep]]),
                         L * L).reshape(L, L)
    return EntityCounts(
        n_pred=count_by(pred.doc, n_docs),
        n_gold=count_by(gold.doc, n_docs),
        n_pred_by_label=count_by(p_cell, n_docs * L).reshape(n_docs, L),
        n_gold_by_label=count_by(g_cell, n_docs * L).reshape(n_docs, L),
        schemes=schemes,
        confusion=confusion,
        duplicates=duplicates,
    )
