"""The scorer: every metric of a prediction set against gold, as per-document counts.

:func:`score_tables` is the core (columnar input, see :mod:`.tables`); :func:`score_documents`
is the thin :class:`~conflictnews.document.Document` layer over it. The result, :class:`Scores`,
keeps the per-document count matrix so that point estimates, bootstrap intervals and paired
tests all come from the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from conflictnews.document import Document

from . import coref as coref_mod
from . import events as events_mod
from . import records as records_mod
from . import spans as spans_mod
from .bootstrap import Intervals, bootstrap
from .counts import CountMatrixBuilder, Figures, Layout, evaluate
from .tables import Labels, Tables, Vocab, tables_from_documents

ENTITY_METRICS = tuple(f"entities.{s}" for s in spans_mod.SCHEMES)
EVENT_METRICS = tuple(events_mod.RULES)
COREF_METRICS = ("coreference.muc", "coreference.b3", "coreference.ceafe")
RECORD_SLOTS = ("type", "time", "place", "actors", "count", "all")

HEADLINE = (
    ("entities.strict", "micro"), ("entities.partial", "micro"), ("entities.strict", "macro"),
    ("triggers.identification", "micro"), ("triggers.classification", "micro"),
    ("arguments.identification", "micro"), ("arguments.classification", "micro"),
    ("arguments.classification_attached", "micro"),
    ("coreference.conll", ""), ("records.all", "micro"),
)


@dataclass
class Scores:
    """Everything one scoring run produces."""

    doc_ids: list[str]
    matrix: np.ndarray  # (n_docs, n_columns) per-document counts
    layout: Layout
    labels: Labels
    entity_totals: dict[str, dict[str, dict[str, int]]]  # scheme -> "micro"/label -> nervaluate-style counts
    confusion: dict[str, tuple[tuple[str, ...], np.ndarray]]  # "entities"/"events" -> (labels, gold x pred)
    coref_scored: bool
    notes: list[str] = field(default_factory=list)

    @property
    def n_docs(self) -> int:
        return len(self.doc_ids)

    def figures(self) -> dict[tuple[str, str, str], float]:
        """Point estimates of every figure."""
        return {k: float(v[0]) for k, v in evaluate(self.layout, self.matrix.sum(0, dtype=np.float64)).items()}

    def figure_arrays(self) -> Figures:
        return evaluate(self.layout, self.matrix.sum(0, dtype=np.float64))

    def bootstrap(self, resamples: int = 1000, seed: int = 0, confidence: float = 0.95) -> Intervals:
        return bootstrap(self.matrix, self.layout, resamples=resamples, seed=seed, confidence=confidence)

    def rule(self, metric: str) -> str:
        for group in (self.layout.prf, self.layout.coref, self.layout.ratio, self.layout.average):
            if metric in group:
                return group[metric].rule
        return ""


def score_tables(gold: Tables, pred: Tables, labels: Labels, *, doc_ids: Sequence[str] | None = None,
                 coref: bool | None = None, records: bool = True, all_labels: bool = False) -> Scores:
    """Score predictions against gold, both as :class:`Tables` over the same ``n_docs`` documents.

    ``coref=None`` scores coreference when the predictions carry entity clusters. ``all_labels``
    keeps per-label columns for every label of the schema (so that two systems share one layout).
    """
    if gold.n_docs != pred.n_docs:
        raise ValueError(f"gold has {gold.n_docs} documents, predictions {pred.n_docs}")
    n = gold.n_docs
    doc_ids = list(doc_ids) if doc_ids is not None else [str(i) for i in range(n)]
    Le, Lv, Lr = len(labels.entity), len(labels.event), len(labels.role)
    b = CountMatrixBuilder(n)
    notes: list[str] = []

    # entities
    g_sp = spans_mod.Spans.of(gold.ent_doc, gold.ent_start, gold.ent_end, gold.ent_label)
    p_sp = spans_mod.Spans.of(pred.ent_doc, pred.ent_start, pred.ent_end, pred.ent_label)
    ec = spans_mod.entity_counts(g_sp, p_sp, n, Le)
    if ec.duplicates:
        notes.append(f"{ec.duplicates} duplicate predicted entity mention(s) (same span and type) counted once")
    entity_totals: dict[str, dict[str, dict[str, int]]] = {}
    for scheme in spans_mod.SCHEMES:
        credit, credit_l = ec.credit(scheme)
        b.add_prf(f"entities.{scheme}", f"{spans_mod.RULES[scheme]}; {spans_mod.MATCHING_RULE}",
                  credit, ec.n_pred, ec.n_gold,
                  by_label=(credit_l, ec.n_pred_by_label, ec.n_gold_by_label),
                  label_names=labels.entity, label_kind="entity type", all_labels=all_labels, share="entities")
        tot = {"micro": ec.totals(scheme)}
        for k in np.flatnonzero(ec.n_pred_by_label.sum(0) + ec.n_gold_by_label.sum(0)):
            tot[labels.entity[k]] = ec.totals(scheme, int(k))
        entity_totals[scheme] = tot
    entity_confusion = ec.confusion
    del ec, g_sp, p_sp

    # triggers and arguments
    for name, c in events_mod.event_counts(gold, pred, Lv, Lr):
        kind = events_mod.BREAKDOWN[name]
        by = None if c.tp_by_label is None else (c.tp_by_label, c.n_pred_by_label, c.n_gold_by_label)
        b.add_prf(name, f"{events_mod.RULES[name]}; {events_mod.SET_RULE}", c.tp, c.n_pred, c.n_gold, by_label=by,
                  label_names=labels.role if kind == "role" else labels.event,
                  label_kind=None if kind is None else ("role" if kind == "role" else "event type"),
                  all_labels=all_labels)

    # coreference
    if coref is None:
        coref = pred.has_entity_clusters
    gold_has = bool((gold.ent_cluster >= 0).any())
    coref_scored = bool(coref and gold_has)
    if coref and not gold_has:
        notes.append("coreference not scored: the gold documents carry no entity clusters")
    elif not coref:
        notes.append("coreference not scored: the predictions carry no entity clusters")
    if coref_scored:
        kmask = gold.ent_cluster >= 0
        corefer = np.isin(pred.ent_label, [labels.entity.index(t) for t in labels.corefer])
        cc = coref_mod.coref_counts(gold.ent_doc[kmask], gold.ent_start[kmask], gold.ent_end[kmask],
                                    gold.ent_cluster[kmask], pred.ent_doc[corefer], pred.ent_start[corefer],
                                    pred.ent_end[corefer], pred.ent_cluster[corefer], n)
        for name, q in zip(COREF_METRICS, (cc.muc, cc.b3, cc.ceafe)):
            b.add_coref(name, f"{coref_mod.RULES[name]}; {coref_mod.MENTION_RULE}", *q)
        b.add_average("coreference.conll", coref_mod.RULES["coreference.conll"], COREF_METRICS)

    # event records
    if records:
        rc = records_mod.record_counts(gold, pred, labels)
        for slot in RECORD_SLOTS:
            by = dict(by_label=rc.type_by_label, label_names=labels.event, label_kind="event type",
                      all_labels=all_labels) if slot == "type" else {}
            b.add_prf(f"records.{slot}", f"slot {slot}; {records_mod.RULE}", *rc.slots[slot], **by)
        ex, w10, ncas = rc.casualty
        b.add_ratio("records.casualty_count_exact", f"exact casualty count; {records_mod.RULE}", ex, ncas)
        b.add_ratio("records.casualty_count_within_10pct", f"casualty count within 10%; {records_mod.RULE}", w10, ncas)

    confusion = {
        "entities": (labels.entity, entity_confusion),
        "events": (labels.event, events_mod.trigger_confusion(gold, pred, Lv)),
    }
    return Scores(doc_ids=doc_ids, matrix=b.build(), layout=b.layout, labels=labels, entity_totals=entity_totals,
                  confusion=confusion, coref_scored=coref_scored, notes=notes)


def score_documents(gold: Sequence[Document], predictions: Mapping[str, Document] | Sequence[Document],
                    schema=None, *, coref: bool | None = None, all_labels: bool = False) -> Scores:
    """Score predicted documents against gold documents (matched by id; a gold document without
    prediction is scored as an empty prediction; predictions for other ids are ignored)."""
    if schema is None:
        from conflictnews.schema import load_schema

        schema = load_schema(gold[0].schema_version if gold else None)
    labels = Labels.from_schema(schema)
    if not isinstance(predictions, Mapping):
        predictions = {d.id: d for d in predictions}
    vocab = Vocab()
    g = tables_from_documents(list(gold), labels, vocab)
    p = tables_from_documents([predictions.get(d.id) for d in gold], labels, vocab)
    return score_tables(g, p, labels, doc_ids=[d.id for d in gold], coref=coref, all_labels=all_labels)
