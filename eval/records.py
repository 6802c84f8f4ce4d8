"""Event records: each document's events merged by event cluster and scored slot by slot.

Definition (also in ``eval/README.md`` and in every report):

* A *record* is the set of event mentions of one document that share ``(cluster, type)``; an event
  mention without ``cluster`` is a record of its own.
* Slots of a record, each a set taken over all its mentions' arguments:
  - ``type``: the event type (one value);
  - ``time``: fillers of ``Time`` arguments, each as its normalised ``attributes.value`` when it has
    one, else its surface string (lower-cased, white space collapsed) - gold TIME mentions always
    carry a value, so a prediction must normalise times to score here;
  - ``place``: surface strings (lower-cased) of ``Place`` and ``Territory`` fillers;
  - ``actors``: surface strings (lower-cased) of ``Attacker``, ``Agent`` and ``Party`` fillers;
  - ``count``: the largest ``attributes.count.value`` over the record's mentions (for Harm.Die
    records: the highest death toll reported for that cluster), or none.
* Gold and predicted records of a document are matched one-to-one by an optimal assignment
  (``scipy.optimize.linear_sum_assignment``) that maximises the total similarity; only records of
  the same type can be matched; similarity = 1 + Σ over time/place/actors of |gold ∩ pred| +
  [counts equal].
* Slot scores, micro over the corpus: type: tp = matched pairs, |P| = predicted records, |G| = gold
  records; time/place/actors: tp = Σ over matched pairs |gold ∩ pred|, |P| and |G| = all values
  of all records (unmatched records' values are errors); count: tp = matched pairs whose counts
  are equal, |P| / |G| = records with a count; all slots: the sums of the above.
* Casualty counts: gold Harm.Die and Harm.Injure records with a count; accuracy = share whose
  matched predicted record has the same count (exact) or one within 10% of it
  (|pred - gold| <= 0.1 * gold); an unmatched record or a missing count is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .keys import count_by, first_occurrence, join_equal, row_keys
from .matching import assign_by_group
from .tables import NONE, Labels, Tables

SLOTS = ("type", "time", "place", "actors", "count")
TIME_ROLES = ("Time",)
PLACE_ROLES = ("Place", "Territory")
ACTOR_ROLES = ("Attacker", "Agent", "Party")
CASUALTY_TYPES = ("Harm.Die", "Harm.Injure")
TOLERANCE = 0.10

RULE = (
    "record = event mentions of a document sharing (cluster, type) (no cluster: own record); slots: type; "
    "time = Time fillers' normalised value (else lower-cased surface); place = lower-cased surface of Place/Territory "
    "fillers; actors = lower-cased surface of Attacker/Agent/Party fillers; count = max count.value over the mentions "
    "(Harm.Die: highest toll reported); records matched one-to-one per document by linear_sum_assignment maximising "
    "Σ [same type] (1 + Σ|slot ∩| + [count equal]), different types never matched; slot tp = Σ over matched pairs, "
    "|P|,|G| over all records; casualty accuracy over gold Harm.Die/Harm.Injure records with a count: exact, and "
    "within 10% (|p-g| <= 0.1 g); unmatched = wrong"
)


@dataclass
class RecordSet:
    doc: np.ndarray  # per record
    label: np.ndarray
    count: np.ndarray  # NONE when no mention has a count
    slot_rec: np.ndarray  # slot values: record, slot index (1..3), value code
    slot_idx: np.ndarray
    slot_val: np.ndarray

    def __len__(self) -> int:
        return len(self.doc)


def build_records(t: Tables, labels: Labels) -> RecordSet:
    """Merge event mentions into records and collect their slot values (see module docs)."""
    n = t.n_events
    if n == 0:
        z = np.zeros(0, np.int64)
        return RecordSet(z, z, z, z, z, z)
    own = t.ev_cluster < 0
    cluster = np.where(own, -1 - np.arange(n), t.ev_cluster)  # own record: a unique negative id
    (rk,) = row_keys((t.ev_doc, cluster, t.ev_label))
    _, first, rid = np.unique(rk, return_index=True, return_inverse=True)
    rid = rid.reshape(-1)
    nrec = len(first)
    doc, label = t.ev_doc[first], t.ev_label[first]
    count = np.full(nrec, NONE, dtype=np.int64)
    np.maximum.at(count, rid, t.ev_count)
    # slot values from arguments
    role_slot = np.zeros(len(labels.role), dtype=np.int64)
    for k, roles in ((1, TIME_ROLES), (2, PLACE_ROLES), (3, ACTOR_ROLES)):
        for r in roles:
            if r in labels.role:
                role_slot[labels.role.index(r)] = k
    slot = role_slot[t.arg_role] if len(t.arg_role) else np.zeros(0, np.int64)
    keep = slot > 0
    ent = t.arg_entity[keep]
    slot = slot[keep]
    value = np.where((slot == 1) & (t.ent_value[ent] >= 0), t.ent_value[ent], t.ent_text[ent])
    srec = rid[t.arg_event[keep]]
    (sk,) = row_keys((srec, slot, value))
    u = first_occurrence(sk)
    return RecordSet(doc, label, count, srec[u], slot[u], value[u])


@dataclass
class RecordCounts:
    """Per-document counts; ``slots[name] = (tp, n_pred, n_gold)``, ``type_by_label`` per event type."""

    slots: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
    type_by_label: tuple[np.ndarray, np.ndarray, np.ndarray]
    casualty: tuple[np.ndarray, np.ndarray, np.ndarray]  # (exact, within 10%, n gold casualty records)
    pairs: tuple[np.ndarray, np.ndarray]  # matched (gold record, predicted record)


def record_counts(gold: Tables, pred: Tables, labels: Labels) -> RecordCounts:
    n_docs, L = gold.n_docs, len(labels.event)
    G, P = build_records(gold, labels), build_records(pred, labels)
    # candidate pairs: same document and type
    gk, pk = row_keys((G.doc, G.label), (P.doc, P.label))
    cg, cp = join_equal(gk, pk)
    sim = np.ones(len(cg))
    # shared slot values per candidate pair
    if len(cg) and len(G.slot_rec) and len(P.slot_rec):
        vg, vp = row_keys((G.doc[G.slot_rec], G.slot_idx, G.slot_val), (P.doc[P.slot_rec], P.slot_idx, P.slot_val))
        sg, sp = join_equal(vg, vp)
        shared_g, shared_p = G.slot_rec[sg], P.slot_rec[sp]
        same_type = G.label[shared_g] == P.label[shared_p]
        shared_g, shared_p, shared_slot = shared_g[same_type], shared_p[same_type], G.slot_idx[sg][same_type]
    else:
        shared_g = shared_p = shared_slot = np.zeros(0, np.int64)
    ck, shk = row_keys((cg, cp), (shared_g, shared_p))
    if len(shk):
        order = np.argsort(ck)
        sim += count_by(order[np.searchsorted(ck[order], shk)], len(cg))
    both = (G.count[cg] >= 0) & (G.count[cg] == P.count[cp])
    sim += both
    mg, mp, _ = assign_by_group(cg, cp, sim, G.doc[cg] * max(L, 1) + G.label[cg])

    def per_doc(doc_idx, weights=None):
        return count_by(doc_idx, n_docs, weights)

    slots: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    slots["type"] = (per_doc(G.doc[mg]), per_doc(P.doc), per_doc(G.doc))
    # shared values of matched pairs only
    if len(shared_g):
        (mk, sk2) = row_keys((mg, mp), (shared_g, shared_p))
        on_match = np.isin(sk2, mk)
    else:
        on_match = np.zeros(0, dtype=bool)
    for k, name in ((1, "time"), (2, "place"), (3, "actors")):
        sel = on_match & (shared_slot == k)
        slots[name] = (per_doc(G.doc[shared_g[sel]]), per_doc(P.doc[P.slot_rec[P.slot_idx == k]]),
                       per_doc(G.doc[G.slot_rec[G.slot_idx == k]]))
    eq = (G.count[mg] >= 0) & (G.count[mg] == P.count[mp])
    slots["count"] = (per_doc(G.doc[mg[eq]]), per_doc(P.doc[P.count >= 0]), per_doc(G.doc[G.count >= 0]))
    slots["all"] = tuple(sum(slots[s][i] for s in SLOTS) for i in range(3))  # type: ignore[assignment]
    by_label = (
        count_by(G.doc[mg] * L + G.label[mg], n_docs * L).reshape(n_docs, L),
        count_by(P.doc * L + P.label, n_docs * L).reshape(n_docs, L),
        count_by(G.doc * L + G.label, n_docs * L).reshape(n_docs, L),
    )
    cas_codes = np.array([labels.event.index(t) for t in CASUALTY_TYPES if t in labels.event], dtype=np.int64)
    is_cas = np.isin(G.label, cas_codes) & (G.count >= 0)
    pred_count = np.full(len(G), NONE, dtype=np.int64)
    pred_count[mg] = P.count[mp]
    has = pred_count >= 0
    exact = is_cas & has & (pred_count == G.count)
    within = is_cas & has & (np.abs(pred_count - G.count) <= TOLERANCE * G.count)
    casualty = (per_doc(G.doc[exact]), per_doc(G.doc[within]), per_doc(G.doc[is_cas]))
    return RecordCounts(slots=slots, type_by_label=by_label, casualty=casualty, pairs=(mg, mp))
