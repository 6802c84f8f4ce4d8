"""Agreement between several annotators of the same tasks, and merging their work into one gold.

Agreement reuses the harness through :func:`conflictnews.agreement.compute_agreement`: for every
pair of annotators, on the documents both annotated, entity strict F1, trigger F1, argument F1,
coreference F1 and Cohen's kappa on the types of spans both marked with the same offsets. The
overall figures are the means over pairs, and Fleiss' kappa on the spans that *every* annotator of
a document marked (entities and triggers apart; documents may have different numbers of
annotators, which the per-item form of Fleiss' formula allows).

Merging keys mentions by (start, end, type), events by (trigger start, end, type) and arguments
by (event key, role, entity key):

* ``majority``: an item is kept when at least ``min_votes`` annotators of the document have it
  (default: more than half of them); attributes and counts take the most frequent value (ties go
  to the base annotator, else the first annotator by name); two mentions (or events) corefer
  when at least ``min_votes`` annotators put them in one cluster.
* ``base``: one annotator's document is the gold as it is; every item on which the others differ is
  listed as a conflict for adjudication.

Every place where the annotators did not all agree is listed as a :class:`Conflict`, whichever way
it was resolved.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from conflictnews.document import Document

# -- Fleiss' kappa -------------------------------------------------------------------------------


def fleiss_kappa(table: Sequence[Sequence[int]]) -> float:
    """Fleiss' kappa of an items x categories table of rating counts.

    Fleiss (1971), Psychological Bulletin 76(5): P_i = (sum_j n_ij^2 - n_i) / (n_i (n_i - 1)),
    P_bar = mean_i P_i, p_j = sum_i n_ij / sum_i n_i, P_e = sum_j p_j^2,
    kappa = (P_bar - P_e) / (1 - P_e). Items may have different numbers of raters n_i (each at
    least 2); with a constant n this is the textbook formula. When every rating falls in one
    category (P_e = 1) kappa is 1.0, as the harness's Cohen's kappa does; nan with no item.
    """
    rows = [list(map(int, r)) for r in table if sum(r) >= 2]
    if not rows:
        return float("nan")
    ncat = max(len(r) for r in rows)
    rows = [r + [0] * (ncat - len(r)) for r in rows]
    p_items = [(sum(x * x for x in r) - sum(r)) / (sum(r) * (sum(r) - 1)) for r in rows]
    p_bar = sum(p_items) / len(p_items)
    total = sum(sum(r) for r in rows)
    p_e = sum((sum(r[j] for r in rows) / total) ** 2 for j in range(ncat))
    if math.isclose(p_e, 1.0):
        return 1.0 if math.isclose(p_bar, 1.0) else float("nan")
    return (p_bar - p_e) / (1 - p_e)


def _type_table(per_doc: Sequence[Sequence[Mapping[tuple[int, int], str]]]) -> tuple[list[list[int]], int]:
    """Rating table over spans that every annotator of a document marked (category = type)."""
    cats: dict[str, int] = {}
    rows: list[Counter] = []
    for raters in per_doc:
        if len(raters) < 2:
            continue
        common = set.intersection(*(set(a) for a in raters))
        for span in sorted(common):
            c = Counter(a[span] for a in raters)
            for t in c:
                cats.setdefault(t, len(cats))
            rows.append(c)
    table = [[0] * len(cats) for _ in rows]
    for i, c in enumerate(rows):
        for t, n in c.items():
            table[i][cats[t]] = n
    return table, len(rows)


def _span_types_entities(d: Document) -> dict[tuple[int, int], str]:
    out: dict[tuple[int, int], str] = {}
    for e in sorted(d.entities, key=lambda e: (e.start, e.end, e.type)):
        out.setdefault((e.start, e.end), e.type)
    return out


def _span_types_triggers(d: Document) -> dict[tuple[int, int], str]:
    # two events of different types may share a trigger: the span is rated by its first type
    out: dict[tuple[int, int], str] = {}
    for v in sorted(d.events, key=lambda v: (v.trigger.start, v.trigger.end, v.type)):
        out.setdefault((v.trigger.start, v.trigger.end), v.type)
    return out


# -- agreement between several annotators ------------------------------------------------------


@dataclass
class PairAgreement:
    a: str
    b: str
    documents: list[str]
    figures: dict[str, float]
    kappa: dict[str, float]
    matched: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "documents": self.documents, "figures": self.figures,
                "cohen_kappa": self.kappa, "matched_spans": self.matched}


@dataclass
class MultiAgreement:
    annotators: list[str]
    documents: dict[str, list[str]]  # document -> its annotators
    pairs: list[PairAgreement]
    overall: dict[str, float]
    fleiss: dict[str, float]
    fleiss_items: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"annotators": self.annotators, "documents": self.documents,
                "pairs": [p.to_dict() for p in self.pairs], "overall_mean_of_pairs": self.overall,
                "fleiss_kappa": self.fleiss, "fleiss_items": self.fleiss_items}

    def markdown(self) -> str:
        lines = [f"{len(self.documents)} document(s), {len(self.annotators)} annotator(s): "
                 + ", ".join(self.annotators), ""]
        names = list(self.overall)
        if self.pairs:
            lines.append("| pair | docs | " + " | ".join(names) + " |")
            lines.append("|---|---|" + "---|" * len(names))
            for p in self.pairs:
                vals = {**p.figures, **{f"Cohen's kappa, {k}": v for k, v in p.kappa.items()}}
                lines.append(f"| {p.a} / {p.b} | {len(p.documents)} | "
                             + " | ".join(_fmt(vals.get(n)) for n in names) + " |")
            lines.append("| **mean of pairs** | | " + " | ".join(_fmt(self.overall[n]) for n in names) + " |")
        else:
            lines.append("No two annotators share a document: no pairwise agreement.")
        lines.append("")
        for k, v in self.fleiss.items():
            lines.append(f"- Fleiss' kappa, {k}: {_fmt(v)} (n = {self.fleiss_items[k]} spans marked by every "
                         "annotator of their document)")
        return "\n".join(lines) + "\n"


def _fmt(x: float | None) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


def multi_agreement(by_annotator: Mapping[str, Mapping[str, Document]], *, resamples: int = 200,
                    seed: int = 0) -> MultiAgreement:
    """Pairwise and overall agreement; ``by_annotator`` maps annotator -> document id -> document."""
    from conflictnews.agreement import compute_agreement

    names = sorted(by_annotator)
    docs: dict[str, list[str]] = {}
    for n in names:
        for d in by_annotator[n]:
            docs.setdefault(d, []).append(n)
    pairs: list[PairAgreement] = []
    for a, b in itertools.combinations(names, 2):
        common = sorted(set(by_annotator[a]) & set(by_annotator[b]))
        if not common:
            continue
        ag = compute_agreement([by_annotator[a][d] for d in common], [by_annotator[b][d] for d in common],
                               resamples=max(1, resamples), seed=seed)
        pairs.append(PairAgreement(a, b, common, dict(ag.figures), dict(ag.kappa), dict(ag.matched)))
    overall: dict[str, float] = {}
    for p in pairs:
        for k, v in {**p.figures, **{f"Cohen's kappa, {k}": v for k, v in p.kappa.items()}}.items():
            overall.setdefault(k, [])  # type: ignore[arg-type]
            overall[k].append(v)  # type: ignore[union-attr]
    overall = {k: _nanmean(v) for k, v in overall.items()}  # type: ignore[arg-type]
    ent_docs, trig_docs = [], []
    for d, anns in sorted(docs.items()):
        ent_docs.append([_span_types_entities(by_annotator[n][d]) for n in anns])
        trig_docs.append([_span_types_triggers(by_annotator[n][d]) for n in anns])
    et, en = _type_table(ent_docs)
    tt, tn = _type_table(trig_docs)
    return MultiAgreement(
        annotators=names, documents={d: a for d, a in sorted(docs.items())}, pairs=pairs, overall=overall,
        fleiss={"entity types (spans all marked)": fleiss_kappa(et),
                "event types (triggers all marked)": fleiss_kappa(tt)},
        fleiss_items={"entity types (spans all marked)": en, "event types (triggers all marked)": tn},
    )


def _nanmean(xs: list[float]) -> float:
    ys = [x for x in xs if not (isinstance(x, float) and math.isnan(x))]
    return sum(ys) / len(ys) if ys else float("nan")


# -- merge -----------------------------------------------------------------------------------


@dataclass
class Conflict:
    doc: str
    kind: str          # entity | entity attribute | entity cluster | event | event attribute | argument | event cluster
    item: str          # what it is about, readable
    votes: dict[str, Any]  # annotator -> value (or True/False for presence)
    resolution: str

    def __str__(self) -> str:
        v = ", ".join(f"{a}: {x}" for a, x in self.votes.items())
        return f"[{self.doc}] {self.kind} {self.item}: {v} -> {self.resolution}"

    def to_dict(self) -> dict[str, Any]:
        return {"doc": self.doc, "kind": self.kind, "item": self.item, "votes": self.votes,
                "resolution": self.resolution}


@dataclass
class MergeResult:
    doc: dict[str, Any]
    conflicts: list[Conflict] = field(default_factory=list)


def _ekey(e) -> tuple[int, int, str]:
    return (e.start, e.end, e.type)


def _vkey(v) -> tuple[int, int, str]:
    return (v.trigger.start, v.trigger.end, v.type)


def _desc(key: tuple[int, int, str], text: str) -> str:
    return f"{key[2]} {text[key[0]:key[1]]!r} {key[0]}..{key[1]}"


def merge_documents(annotations: Mapping[str, Document], *, strategy: str = "majority",
                    base: str | None = None, min_votes: int | None = None) -> MergeResult:
    """Merge several annotations of one document (annotator -> document) into one."""
    if not annotations:
        raise ValueError("nothing to merge")
    names = sorted(annotations)
    if strategy not in ("majority", "base"):
        raise ValueError(f"merge strategy {strategy!r}: use majority or base")
    if strategy == "base" and base is None:
        raise ValueError("the base strategy needs --base ANNOTATOR")
    if base is not None and base not in annotations:
        raise ValueError(f"{base!r} did not annotate this document (annotators: {', '.join(names)})")
    first = annotations[base] if base else annotations[names[0]]
    doc_id, text = first.id, first.text
    for n in names:
        if annotations[n].text != text:
            raise ValueError(f"{doc_id}: {n}'s text differs from {names[0]}'s")
    k = len(names)
    need = min_votes if min_votes is not None else k // 2 + 1
    if strategy == "base":
        need = None  # type: ignore[assignment]
    order = ([base] if base else []) + [n for n in names if n != base]
    conflicts: list[Conflict] = []

    def vote_value(values: dict[str, Any]) -> Any:
        c = Counter(_hashable(v) for v in values.values())
        best = max(c.values())
        for n in order:  # tie: base first, then by name
            if n in values and c[_hashable(values[n])] == best:
                return values[n]
        return next(iter(values.values()))

    def decide(table: dict[str, dict[tuple, Any]], kind: str) -> list[tuple]:
        """The keys kept by the strategy; every key not shared by all annotators is a conflict."""
        kept: list[tuple] = []
        for key in sorted(set().union(*(set(x) for x in table.values()))):
            have = [n for n in names if key in table[n]]
            keep = key in table[base] if strategy == "base" else len(have) >= need
            if len(have) != k:
                conflicts.append(Conflict(doc_id, kind, _desc(key, text), {n: n in have for n in names},
                                          "kept" if keep else "dropped"))
            if keep:
                kept.append(key)
        return kept

    ents: dict[str, dict[tuple, Any]] = {n: {_ekey(e): e for e in annotations[n].entities} for n in names}
    kept_e = decide(ents, "entity")
    evs: dict[str, dict[tuple, Any]] = {n: {_vkey(v): v for v in annotations[n].events} for n in names}
    kept_v = decide(evs, "event")

    # order: as in the base (else the first annotator by name), then the others' items by offset
    def position(table: dict[str, dict[tuple, Any]]):
        pos: dict[tuple, tuple] = {}
        for rank, n in enumerate(order):
            for i, key in enumerate(table[n]):
                pos.setdefault(key, (rank, i))
        return lambda key: (pos[key], key)

    kept_e.sort(key=position(ents))
    kept_v.sort(key=position(evs))

    # ids: the base's, else the first annotator's by name that has the item; unique
    used: set[str] = set()

    def pick_id(key: tuple, table: dict[str, dict[tuple, Any]]) -> str:
        for n in order:
            if key in table[n]:
                cand = table[n][key].id
                break
        cand0, i = cand, 2
        while cand in used:
            cand, i = f"{cand0}-{i}", i + 1
        used.add(cand)
        return cand

    eid = {key: pick_id(key, ents) for key in kept_e}
    vid = {key: pick_id(key, evs) for key in kept_v}

    out_ents: list[dict[str, Any]] = []
    for key in kept_e:
        have = {n: ents[n][key] for n in order if key in ents[n]}
        src = have.get(base) if base in have else have[next(n for n in order if n in have)]
        attrs: dict[str, Any] = {}
        for name in dict.fromkeys(a for e in have.values() for a in e.attributes):
            values = {n: e.attributes.get(name) for n, e in have.items()}
            chosen = src.attributes.get(name) if strategy == "base" else vote_value(values)
            if len({_hashable(v) for v in values.values()}) > 1:
                conflicts.append(Conflict(doc_id, "entity attribute", f"{_desc(key, text)} {name}", values,
                                          f"{chosen!r}"))
            if chosen is not None:
                attrs[name] = chosen
        ent = {"id": eid[key], "type": key[2], "start": key[0], "end": key[1], "text": text[key[0]:key[1]]}
        if any(e.cluster is not None for e in have.values()):
            ent["cluster"] = None  # filled below
        if attrs:
            ent["attributes"] = attrs
        out_ents.append(ent)
    _merge_clusters(doc_id, text, names, kept_e, {n: {kk: e.cluster for kk, e in ents[n].items()} for n in names},
                    out_ents, strategy, base, need, order, conflicts, "entity cluster")

    out_evs: list[dict[str, Any]] = []
    for key in kept_v:
        have = {n: evs[n][key] for n in order if key in evs[n]}
        src = have.get(base) if base in have else have[next(n for n in order if n in have)]
        attrs = {}
        for name in dict.fromkeys(a for v in have.values() for a in v.attributes):
            values = {n: v.attributes.get(name, "(absent)") for n, v in have.items()}
            chosen = src.attributes.get(name, "(absent)") if strategy == "base" else vote_value(values)
            if len({_hashable(v) for v in values.values()}) > 1:
                conflicts.append(Conflict(doc_id, "event attribute", f"{_desc(key, text)} {name}", values,
                                          f"{chosen!r}"))
            if chosen != "(absent)":
                attrs[name] = chosen
        # arguments: (role, entity key), voted among the annotators who have the event
        arg_votes: dict[tuple[str, tuple], list[str]] = {}
        for n, v in have.items():
            by_id = {e.id: e for e in annotations[n].entities}
            for a in v.arguments:
                if a.entity in by_id:
                    arg_votes.setdefault((a.role, _ekey(by_id[a.entity])), []).append(n)
        args = []
        for (role, ekey), voters in arg_votes.items():
            voters = sorted(voters)
            if strategy == "base":
                keep = base in voters
            else:
                keep = len(voters) >= need
            reason = "kept" if keep else "dropped"
            if keep and ekey not in eid:
                keep, reason = False, "dropped (its entity mention was not kept)"
            if len(voters) != len(have) or reason != "kept":
                conflicts.append(Conflict(doc_id, "argument", f"{_desc(key, text)} {role} = {_desc(ekey, text)}",
                                          {n: n in voters for n in have}, reason))
            if keep:
                args.append({"role": role, "entity": eid[ekey]})
        ev = {"id": vid[key], "type": key[2], "trigger": {"start": key[0], "end": key[1], "text": text[key[0]:key[1]]},
              "arguments": args, "attributes": attrs}
        if any(v.cluster is not None for v in have.values()):
            ev["cluster"] = None
        out_evs.append(ev)
    _merge_clusters(doc_id, text, names, kept_v, {n: {kk: v.cluster for kk, v in evs[n].items()} for n in names},
                    out_evs, strategy, base, need, order, conflicts, "event cluster")

    meta = None
    if first.meta is not None:
        meta = dict(first.meta)
        ann = dict(meta.get("annotation") or {})
        ann["annotators"] = names
        ann["adjudicated"] = False
        meta["annotation"] = ann
    doc: dict[str, Any] = {"id": doc_id, "schema_version": first.schema_version}
    if meta is not None:
        doc["meta"] = meta
    doc.update({"text": text, "entities": out_ents, "events": out_evs})
    return MergeResult(doc, conflicts)


def _hashable(v: Any) -> Any:
    if isinstance(v, dict):
        return tuple(sorted((k, _hashable(x)) for k, x in v.items()))
    if isinstance(v, list):
        return tuple(_hashable(x) for x in v)
    return v


def _merge_clusters(doc_id, text, names, kept, clusters_by_ann, items, strategy, base, need, order, conflicts,
                    kind) -> None:
    """Fill ``cluster`` of the merged items that have one (None placeholder)."""
    idx = [i for i, it in enumerate(items) if "cluster" in it]
    keys = [kept[i] for i in idx]
    parent = list(range(len(keys)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in itertools.combinations(range(len(keys)), 2):
        a, b = keys[i], keys[j]
        together = {}
        for n in names:
            ca, cb = clusters_by_ann[n].get(a, "__missing__"), clusters_by_ann[n].get(b, "__missing__")
            if "__missing__" in (ca, cb) or ca is None or cb is None:
                continue
            together[n] = ca == cb
        if not together:
            continue
        link = together.get(base, False) if strategy == "base" else sum(together.values()) >= need
        if len(set(together.values())) > 1:
            conflicts.append(Conflict(doc_id, kind, f"{_desc(a, text)} ~ {_desc(b, text)}", together,
                                      "same cluster" if link else "different clusters"))
        if link:
            parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(keys)):
        groups.setdefault(find(i), []).append(i)
    taken: set[str] = set()
    fresh = 0
    for members in sorted(groups.values(), key=lambda m: min(m)):
        votes: Counter = Counter()
        for m in members:
            for rank, n in enumerate(order):
                c = clusters_by_ann[n].get(keys[m])
                if c is not None:
                    votes[c] += len(order) - rank  # prefer the base's (and earlier annotators') names
        name = None
        for c, _ in votes.most_common():
            if c not in taken:
                name = c
                break
        while name is None or name in taken:
            fresh += 1
            name = f"merged-{fresh}"
        taken.add(name)
        for m in members:
            items[idx[m]]["cluster"] = name
