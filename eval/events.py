"""Event triggers and arguments as sets of tuples (the TextEE / Li et al. 2013 convention).

* Tri-I: ``(doc, trigger start, trigger end)``; Tri-C: ``+ event type``.
* Arg-I: ``(doc, event type, argument start, argument end)``; Arg-C: ``+ role``. The argument span
  is the span of the entity mention the argument points to; the trigger's offsets are not part of
  the tuple (an argument counts when its span, its role and its event's type match - ACE style).
* Attached variants add the trigger offsets: Arg-I+T ``(doc, trigger start, trigger end, event
  type, argument start, argument end)``, Arg-C+T ``+ role``.

Gold and predictions are reduced to *sets* of these tuples, so duplicates collapse (two predicted
events of the same type with the same argument span give one Arg-I tuple). Precision = |G ∩ P| /
|P|, recall = |G ∩ P| / |G|, micro-averaged over the corpus; per-label figures restrict both sets
to the tuples with that label (event type for Tri-C, Arg-I and Arg-I+T; role for Arg-C and Arg-C+T).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .keys import count_by, first_occurrence, match_equal, row_keys
from .tables import Tables

RULES = {
    "triggers.identification": "Tri-I: set of (doc, trigger start, trigger end); a trigger counts when its span matches",
    "triggers.classification": "Tri-C: set of (doc, trigger start, trigger end, event type)",
    "arguments.identification": "Arg-I: set of (doc, event type, argument start, argument end); "
                                "trigger offsets not required (TextEE)",
    "arguments.classification": "Arg-C: set of (doc, event type, argument start, argument end, role): an argument "
                                "counts when its span, its role and its event's type all match (ACE/TextEE)",
    "arguments.identification_attached": "Arg-I+T: set of (doc, trigger start, trigger end, event type, argument start, "
                                         "argument end)",
    "arguments.classification_attached": "Arg-C+T: set of (doc, trigger start, trigger end, event type, argument start, "
                                         "argument end, role)",
}
SET_RULE = "sets of tuples, so duplicates collapse; P = |G∩P|/|P|, R = |G∩P|/|G|, micro over the corpus"

# label column (None: no per-label breakdown) and label kind of each tuple metric
BREAKDOWN = {
    "triggers.identification": None,
    "triggers.classification": "event",
    "arguments.identification": "event",
    "arguments.classification": "role",
    "arguments.identification_attached": "event",
    "arguments.classification_attached": "role",
}


@dataclass
class TupleCounts:
    """Per-document counts of one tuple metric (``*_by_label`` is ``(n_docs, L)`` or None)."""

    tp: np.ndarray
    n_pred: np.ndarray
    n_gold: np.ndarray
    tp_by_label: np.ndarray | None = None
    n_pred_by_label: np.ndarray | None = None
    n_gold_by_label: np.ndarray | None = None


def tuple_counts(gold: Sequence[np.ndarray], pred: Sequence[np.ndarray], n_docs: int,
                 label_col: int | None = None, n_labels: int = 0) -> TupleCounts:
    """Set-of-tuples counts. ``gold[0]`` / ``pred[0]`` is the document column; ``label_col`` picks
    the column used for the per-label breakdown."""
    kg, kp = row_keys(gold, pred)
    keep_g, keep_p = first_occurrence(kg), first_occurrence(kp)
    g_doc, p_doc = np.asarray(gold[0])[keep_g], np.asarray(pred[0])[keep_p]
    ig, _ = match_equal(kg[keep_g], kp[keep_p], unique=True)
    out = TupleCounts(tp=count_by(g_doc[ig], n_docs), n_pred=count_by(p_doc, n_docs), n_gold=count_by(g_doc, n_docs))
    if label_col is not None:
        L = n_labels
        g_cell = g_doc * L + np.asarray(gold[label_col])[keep_g]
        p_cell = p_doc * L + np.asarray(pred[label_col])[keep_p]
        out.tp_by_label = count_by(g_cell[ig], n_docs * L).reshape(n_docs, L)
        out.n_pred_by_label = count_by(p_cell, n_docs * L).reshape(n_docs, L)
        out.n_gold_by_label = count_by(g_cell, n_docs * L).reshape(n_docs, L)
    return out


def trigger_tuples(t: Tables) -> dict[str, tuple[np.ndarray, ...]]:
    return {
        "triggers.identification": (t.ev_doc, t.ev_start, t.ev_end),
        "triggers.classification": (t.ev_doc, t.ev_start, t.ev_end, t.ev_label),
    }


def argument_tuples(t: Tables) -> dict[str, tuple[np.ndarray, ...]]:
    ev, en = t.arg_event, t.arg_entity
    doc, etype, ts, te = t.ev_doc[ev], t.ev_label[ev], t.ev_start[ev], t.ev_end[ev]
    a_s, a_e, role = t.ent_start[en], t.ent_end[en], t.arg_role
    return {
        "arguments.identification": (doc, etype, a_s, a_e),
        "arguments.classification": (doc, etype, a_s, a_e, role),
        "arguments.identification_attached": (doc, ts, te, etype, a_s, a_e),
        "arguments.classification_attached": (doc, ts, te, etype, a_s, a_e, role),
    }


_LABEL_COL = {
    "triggers.identification": None,
    "triggers.classification": 3,
    "arguments.identification": 1,
    "arguments.classification": 4,
    "arguments.identification_attached": 3,
    "arguments.classification_attached": 6,
}


def event_counts(gold: Tables, pred: Tables, n_events: int, n_roles: int) -> Iterator[tuple[str, TupleCounts]]:
    """All trigger and argument metrics, per document (and label), one at a time (to bound memory)."""
    g = {**trigger_tuples(gold), **argument_tuples(gold)}
    p = {**trigger_tuples(pred), **argument_tuples(pred)}
    for name, col in _LABEL_COL.items():
        n_labels = 0 if col is None else (n_roles if BREAKDOWN[name] == "role" else n_events)
        yield name, tuple_counts(g[name], p[name], gold.n_docs, col, n_labels)


def trigger_confusion(gold: Tables, pred: Tables, n_events: int) -> np.ndarray:
    """Gold event type x predicted event type over events with identical trigger spans
    (one-to-one; pairs with the same type are taken first)."""
    L = n_events
    kg4, kp4 = row_keys(trigger_tuples(gold)["triggers.classification"], trigger_tuples(pred)["triggers.classification"])
    fg, fp = np.flatnonzero(first_occurrence(kg4)), np.flatnonzero(first_occurrence(kp4))
    sg, sp = match_equal(kg4[fg], kp4[fp], unique=True)
    sg, sp = fg[sg], fp[sp]
    kg3, kp3 = row_keys(trigger_tuples(gold)["triggers.identification"], trigger_tuples(pred)["triggers.identification"])
    rg = np.setdiff1d(fg, sg)
    rp = np.setdiff1d(fp, sp)
    eg, ep = match_equal(kg3[rg], kp3[rp])
    eg, ep = rg[eg], rp[ep]
    codes = np.concatenate([gold.ev_label[sg] * L + pred.ev_label[sp], gold.ev_label[eg] * L + pred.ev_label[ep]])
    return count_by(codes, L * L).reshape(L, L)
