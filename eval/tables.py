"""Columnar form of a set of documents: the only input the metric functions take.

A :class:`Tables` holds every entity mention, event mention and argument of ``n_docs`` documents
as parallel integer arrays (document index, offsets, label codes, cluster codes, string codes).
Gold and predictions are converted with the same :class:`Labels` and :class:`Vocab`, so equal codes
mean equal labels and equal strings. Synthetic benchmarks build ``Tables`` directly; the
:class:`~conflictnews.document.Document` API is a thin layer over it (:func:`tables_from_documents`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from conflictnews.document import Document

NONE = -1  # code for "no cluster", "no count", "no value"


@dataclass(frozen=True)
class Labels:
    """Label vocabularies (from one schema version): entity types, event types, roles."""

    entity: tuple[str, ...]
    event: tuple[str, ...]
    role: tuple[str, ...]
    corefer: tuple[str, ...] = ()  # entity types that take part in coreference

    @classmethod
    def from_schema(cls, schema) -> "Labels":
        return cls(
            entity=tuple(schema.entity_labels),
            event=tuple(schema.event_labels),
            role=tuple(schema.role_labels),
            corefer=tuple(t.name for t in schema.entity_types if t.corefer),
        )


class Vocab:
    """Shared string -> integer codes (surface strings, time values, cluster ids)."""

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}

    def __call__(self, s: str) -> int:
        c = self._codes.get(s)
        if c is None:
            c = self._codes[s] = len(self._codes)
        return c

    def __len__(self) -> int:
        return len(self._codes)


def normalise_surface(s: str) -> str:
    """Surface strings of record slots: white space collapsed, lower-cased."""
    return " ".join(s.split()).lower()


def _i(xs) -> np.ndarray:
    return np.asarray(xs, dtype=np.int64).reshape(-1)


@dataclass
class Tables:
    """All annotations of ``n_docs`` documents as parallel int64 arrays (see module docs)."""

    n_docs: int
    # entity mentions
    ent_doc: np.ndarray = field(default_factory=lambda: _i([]))
    ent_start: np.ndarray = field(default_factory=lambda: _i([]))
    ent_end: np.ndarray = field(default_factory=lambda: _i([]))
    ent_label: np.ndarray = field(default_factory=lambda: _i([]))
    ent_cluster: np.ndarray = field(default_factory=lambda: _i([]))  # NONE: no cluster
    ent_text: np.ndarray = field(default_factory=lambda: _i([]))  # code of the normalised surface
    ent_value: np.ndarray = field(default_factory=lambda: _i([]))  # code of attributes.value, NONE
    # event mentions
    ev_doc: np.ndarray = field(default_factory=lambda: _i([]))
    ev_start: np.ndarray = field(default_factory=lambda: _i([]))
    ev_end: np.ndarray = field(default_factory=lambda: _i([]))
    ev_label: np.ndarray = field(default_factory=lambda: _i([]))
    ev_cluster: np.ndarray = field(default_factory=lambda: _i([]))  # NONE: own record
    ev_count: np.ndarray = field(default_factory=lambda: _i([]))  # count.value, NONE
    # arguments
    arg_event: np.ndarray = field(default_factory=lambda: _i([]))  # row in the event arrays
    arg_role: np.ndarray = field(default_factory=lambda: _i([]))
    arg_entity: np.ndarray = field(default_factory=lambda: _i([]))  # row in the entity arrays
    has_entity_clusters: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name.startswith(("ent_", "ev_", "arg_")):
                setattr(self, f.name, _i(getattr(self, f.name)))
        n_ent, n_ev, n_arg = len(self.ent_doc), len(self.ev_doc), len(self.arg_event)
        for f in fields(self):
            v = getattr(self, f.name)
            want = n_ent if f.name.startswith("ent_") else n_ev if f.name.startswith("ev_") else \
                n_arg if f.name.startswith("arg_") else None
            if want is not None and len(v) != want:
                if len(v) == 0 and f.name in ("ent_cluster", "ent_text", "ent_value", "ev_cluster", "ev_count"):
                    setattr(self, f.name, np.full(want, NONE, dtype=np.int64))
                else:
                    raise ValueError(f"{f.name} has {len(v)} rows, expected {want}")
        for name in ("ent_doc", "ev_doc"):
            v = getattr(self, name)
            if len(v) and (v.min() < 0 or v.max() >= self.n_docs):
                raise ValueError(f"{name} outside 0..{self.n_docs - 1}")
        if len(self.arg_event) and (self.arg_event.max() >= n_ev or self.arg_entity.max() >= n_ent
                                    or self.arg_event.min() < 0 or self.arg_entity.min() < 0):
            raise ValueError("argument rows point outside the event/entity arrays")

    @property
    def n_entities(self) -> int:
        return len(self.ent_doc)

    @property
    def n_events(self) -> int:
        return len(self.ev_doc)


def tables_from_documents(docs: Sequence[Document | None], labels: Labels, vocab: Vocab) -> Tables:
    """Convert documents (``None`` = no prediction for that document) to :class:`Tables`.

    Row i of the result belongs to ``docs[i]``. Labels must be known and arguments must point to
    entity mentions (the prediction checker rejects anything else; here it raises ``KeyError`` /
    ``ValueError``). Cluster ids are made unique per document.
    """
    ent_code = {n: i for i, n in enumerate(labels.entity)}
    ev_code = {n: i for i, n in enumerate(labels.event)}
    role_code = {n: i for i, n in enumerate(labels.role)}
    E: list[list[int]] = [[] for _ in range(7)]
    V: list[list[int]] = [[] for _ in range(6)]
    A: list[list[int]] = [[] for _ in range(3)]
    clusters: dict[tuple[int, str], int] = {}
    ev_clusters: dict[tuple[int, str], int] = {}
    has_clusters = False
    for d, doc in enumerate(docs):
        if doc is None:
            continue
        row_of: dict[str, int] = {}
        for e in doc.entities:
            row_of[e.id] = len(E[0])
            if e.cluster is not None:
                has_clusters = True
                cl = clusters.setdefault((d, e.cluster), len(clusters))
            else:
                cl = NONE
            value = e.attributes.get("value")
            for col, x in zip(E, (d, e.start, e.end, ent_code[e.type], cl, vocab("s:" + normalise_surface(e.text)),
                                  vocab("v:" + value) if isinstance(value, str) else NONE)):
                col.append(x)
        for v in doc.events:
            k = len(V[0])
            cl = ev_clusters.setdefault((d, v.cluster), len(ev_clusters)) if v.cluster is not None else NONE
            c = v.count
            for col, x in zip(V, (d, v.trigger.start, v.trigger.end, ev_code[v.type], cl,
                                  c.value if c is not None else NONE)):
                col.append(x)
            for a in v.arguments:
                if a.entity not in row_of or a.role not in role_code:
                    raise ValueError(f"document {doc.id}, event {v.id}: argument ({a.role}, {a.entity}) has an unknown "
                                     "role or points to no entity mention; check predictions with load_predictions")
                A[0].append(k)
                A[1].append(role_code[a.role])
                A[2].append(row_of[a.entity])
    return Tables(
        n_docs=len(docs),
        ent_doc=E[0], ent_start=E[1], ent_end=E[2], ent_label=E[3], ent_cluster=E[4], ent_text=E[5], ent_value=E[6],
        ev_doc=V[0], ev_start=V[1], ev_end=V[2], ev_label=V[3], ev_cluster=V[4], ev_count=V[5],
        arg_event=A[0], arg_role=A[1], arg_entity=A[2],
        has_entity_clusters=has_clusters,
    )
