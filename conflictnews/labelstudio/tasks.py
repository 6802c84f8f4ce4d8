"""Corpus documents -> Label Studio tasks (gold as annotations, a model's output as predictions).

A task is ``{"data": {"text": ..., "cn": {...}}, "annotations": [...], "predictions": [...]}``.
Everything an annotator sees and may change is in the results: one ``labels`` region per entity
mention and per event trigger (the region id *is* the entity or event id), per-region results with
the same id for attributes and clusters, and one relation per (trigger, entity) pair whose labels
are the argument roles. What has no visual form travels in ``data.cn``, which annotators never edit:
the document id, schema version and ``meta``, the original order of entities, events and
arguments, and which optional attributes were absent (so that the import does not invent them).

Offsets: the corpus counts code points. Label Studio 1.23's ``<Text>`` counts code points too (its
DOM manager walks ``[...text]``; checked in a browser, see tests/test_labelstudio_server.py), so the
default unit is ``codepoint``. Older front-ends counted JavaScript UTF-16 code units: ``utf16``
writes and reads those. The unit used is recorded in ``data.cn.offsets``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from conflictnews.document import Document
from conflictnews.labelstudio import config as C
from conflictnews.labelstudio.offsets import OffsetMap
from conflictnews.schema import Schema

OFFSET_UNITS = ("codepoint", "utf16")
DEFAULT_OFFSETS = "codepoint"
DATA_KEY = "cn"


def _doc(d: Document | Mapping[str, Any]) -> Document:
    return d if isinstance(d, Document) else Document.from_dict(dict(d))


class _Spans:
    def __init__(self, text: str, unit: str):
        if unit not in OFFSET_UNITS:
            raise ValueError(f"offset unit {unit!r}: use one of {', '.join(OFFSET_UNITS)}")
        self.map = OffsetMap(text) if unit == "utf16" else None

    def value(self, start: int, end: int, text: str) -> dict[str, Any]:
        if self.map is not None:
            start, end = self.map.to_utf16(start), self.map.to_utf16(end)
        return {"start": start, "end": end, "text": text}


def document_results(doc: Document | Mapping[str, Any], schema: Schema, *, offsets: str = DEFAULT_OFFSETS,
                     scores: Mapping[str, float] | None = None) -> list[dict[str, Any]]:
    """The Label Studio result list of one document (regions, per-region attributes, relations)."""
    doc = _doc(doc)
    ctl = C.controls(schema)
    spans = _Spans(doc.text, offsets)
    out: list[dict[str, Any]] = []

    def res(rid: str, from_name: str, rtype: str, span: dict, key: str, val: Any) -> dict[str, Any]:
        r = {"id": rid, "from_name": from_name, "to_name": C.TEXT, "type": rtype, "value": {**span, key: val}}
        if scores and rid in scores and rtype == "labels":
            r["score"] = float(scores[rid])
        return r

    for e in doc.entities:
        span = spans.value(e.start, e.end, e.text)
        out.append(res(e.id, C.ENTITY, "labels", span, "labels", [e.type]))
        for name, val in e.attributes.items():
            if name in ctl.entity_choice_attrs:
                out.append(res(e.id, name, "choices", span, "choices", [val]))
            elif name in ctl.entity_text_attrs:
                out.append(res(e.id, name, "textarea", span, "text", [val]))
            else:
                raise ValueError(f"{doc.id}: entity {e.id}: attribute {name!r} has no control in the config "
                                 f"of schema {schema.version}")
        if e.cluster is not None:
            out.append(res(e.id, C.CLUSTER, "textarea", span, "text", [e.cluster]))
    for v in doc.events:
        span = spans.value(v.trigger.start, v.trigger.end, v.trigger.text)
        out.append(res(v.id, C.TRIGGER, "labels", span, "labels", [v.type]))
        for name, val in v.attributes.items():
            if name == "count":
                if val is None:
                    continue
                out.append(res(v.id, C.COUNT_VALUE, "number", span, "number", val["value"]))
                if "qualifier" in val:
                    out.append(res(v.id, C.COUNT_QUALIFIER, "choices", span, "choices", [val["qualifier"]]))
                if val.get("high") is not None:
                    out.append(res(v.id, C.COUNT_HIGH, "number", span, "number", val["high"]))
            elif name in ctl.event_attrs:
                out.append(res(v.id, name, "choices", span, "choices", [val]))
            else:
                raise ValueError(f"{doc.id}: event {v.id}: attribute {name!r} has no control in the config "
                                 f"of schema {schema.version}")
        if v.cluster is not None:
            out.append(res(v.id, C.EVENT_CLUSTER, "textarea", span, "text", [v.cluster]))
    for v in doc.events:
        # one relation per (trigger, entity) pair: the front-end keeps only one relation per pair
        roles: dict[str, list[str]] = {}
        for a in v.arguments:
            roles.setdefault(a.entity, [])
            if a.role not in roles[a.entity]:
                roles[a.entity].append(a.role)
        for ent, labels in roles.items():
            out.append({"from_id": v.id, "to_id": ent, "type": "relation", "direction": "right", "labels": labels})
    return out


def task_data(doc: Document | Mapping[str, Any], schema: Schema, *, offsets: str = DEFAULT_OFFSETS) -> dict[str, Any]:
    """``task.data``: the text, and the document's non-visual parts under ``cn``."""
    doc = _doc(doc)
    cn: dict[str, Any] = {"id": doc.id, "schema_version": doc.schema_version, "offsets": offsets}
    if doc.meta is not None:
        cn["meta"] = doc.meta
    cn["order"] = {
        "entities": [e.id for e in doc.entities],
        "events": [v.id for v in doc.events],
        "arguments": {v.id: [[a.role, a.entity] for a in v.arguments] for v in doc.events if v.arguments},
    }
    absent = _absent(doc, schema)
    if absent:
        cn["absent"] = absent
    return {"text": doc.text, DATA_KEY: cn}


def _absent(doc: Document, schema: Schema) -> dict[str, list[str]]:
    """Optional fields the import would otherwise fill in: item id -> names absent from it."""
    out: dict[str, list[str]] = {}
    for e in doc.entities:
        et = schema.entity.get(e.type)
        if et is not None and et.corefer and e.cluster is None:
            out.setdefault(e.id, []).append("cluster")
    for v in doc.events:
        vt = schema.event.get(v.type)
        if vt is None:
            continue
        miss = [a for a in vt.attributes if a not in v.attributes]
        c = v.attributes.get("count")
        if isinstance(c, dict) and "high" not in c:
            miss.append("count.high")
        if v.cluster is None:
            miss.append("cluster")
        if miss:
            out[v.id] = miss
    return out


def document_task(doc: Document | Mapping[str, Any], schema: Schema, *, gold: bool = True,
                  predictions: Sequence[tuple[Document | Mapping[str, Any], str]] = (),
                  offsets: str = DEFAULT_OFFSETS) -> dict[str, Any]:
    """One task: data, the document's annotation as an annotation (``gold``), and predictions given as
    (predicted document, model version) pairs."""
    doc = _doc(doc)
    task: dict[str, Any] = {"data": task_data(doc, schema, offsets=offsets)}
    if gold:
        task["annotations"] = [{"result": document_results(doc, schema, offsets=offsets)}]
    preds = []
    for pred, model_version in predictions:
        preds.append(prediction(doc, pred, schema, model_version=model_version, offsets=offsets))
    if preds:
        task["predictions"] = preds
    return task


def prediction(gold_doc: Document, pred: Document | Mapping[str, Any], schema: Schema, *, model_version: str,
               offsets: str = DEFAULT_OFFSETS) -> dict[str, Any]:
    """A Label Studio prediction from a predicted document of the same text.

    Scores: ``pred.meta.scores`` (item id -> confidence) become region scores; the prediction's
    score is ``pred.meta.score``, else the mean of the region scores, else 1.0 (a system without
    confidences).
    """
    raw_meta = (pred.meta if isinstance(pred, Document) else dict(pred).get("meta")) or {}
    pdoc = _doc(pred)
    if pdoc.text != gold_doc.text:
        raise ValueError(f"prediction for {pdoc.id}: its text differs from the document's text")
    scores = raw_meta.get("scores") if isinstance(raw_meta.get("scores"), dict) else None
    result = document_results(pdoc, schema, offsets=offsets, scores=scores)
    if isinstance(raw_meta.get("score"), (int, float)):
        score = float(raw_meta["score"])
    elif scores:
        vals = [float(scores[r["id"]]) for r in result if r.get("type") == "labels" and r["id"] in scores]
        score = sum(vals) / len(vals) if vals else 1.0
    else:
        score = 1.0
    return {"model_version": model_version, "score": score, "result": result}


def export_tasks(docs: Iterable[Document | Mapping[str, Any]], schema: Schema, *, gold: bool = True,
                 predictions: Mapping[str, Document | Mapping[str, Any]] | None = None,
                 model_version: str | None = None, offsets: str = DEFAULT_OFFSETS) -> list[dict[str, Any]]:
    """Tasks for many documents; ``predictions`` maps document id -> predicted document."""
    if predictions and not model_version:
        raise ValueError("predictions need a model version (--model-version)")
    tasks = []
    for d in docs:
        doc = _doc(d)
        preds = []
        if predictions and doc.id in predictions:
            preds.append((predictions[doc.id], model_version or ""))
        tasks.append(document_task(doc, schema, gold=gold, predictions=preds, offsets=offsets))
    return tasks
