"""Label Studio export (full JSON) -> corpus documents, with every problem named by task and annotation.

Input is the list of tasks of Label Studio's JSON export (or of ``tasks.list(fields="all")``).
Each annotation becomes one document; what cannot be carried over is never dropped silently:

* cancelled (skipped) annotations, drafts and tasks without annotations are listed (``info``);
* a label the schema does not know stays in the document as given and is reported (``error``),
  so the document fails validation until someone fixes it in Label Studio;
* a region whose text does not match its offsets is relocated when that is unambiguous (the other
  offset unit, or the nearest occurrence of its text: ``warning``) and reported as an ``error``
  when it is not;
* relations may point either way (trigger -> entity or entity -> trigger); a relation between two
  entities or two triggers, without a role, or to a missing region is an ``error``;
* attributes given to a label that does not take them, several values where one is expected and
  per-region results without a region are reported;
* the resulting document is checked with :func:`conflictnews.validate.validate_record`, and each
  validator problem is reported with the task and annotation it came from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from conflictnews.document import Document
from conflictnews.labelstudio import config as C
from conflictnews.labelstudio.offsets import OffsetMap
from conflictnews.labelstudio.tasks import DATA_KEY, DEFAULT_OFFSETS, OFFSET_UNITS
from conflictnews.records import Record
from conflictnews.schema import UnknownSchemaVersion, latest_version, load_schema
from conflictnews.validate import validate_record

Severity = Literal["error", "warning", "info"]
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")


@dataclass(frozen=True)
class Problem:
    severity: Severity
    task: int | str | None
    annotation: int | str | None
    doc: str | None
    message: str
    fix: str = ""
    region: str | None = None

    def __str__(self) -> str:
        where = f"task {self.task}" + (f", annotation {self.annotation}" if self.annotation is not None else "")
        doc = f" [{self.doc}]" if self.doc else ""
        reg = f" region {self.region}:" if self.region else ""
        fix = f" -> {self.fix}" if self.fix else ""
        return f"{self.severity}: {where}{doc}:{reg} {self.message}{fix}"

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("severity", "task", "annotation", "doc", "region", "message", "fix")}


@dataclass
class Imported:
    """One annotation of one task, as a corpus document."""

    task: int | str | None
    annotation: int | str | None
    annotator: str
    doc: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    ground_truth: bool = False
    updated_at: str | None = None

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    @property
    def document(self) -> Document:
        return Document.from_dict(self.doc)


@dataclass
class ImportResult:
    items: list[Imported]
    problems: list[Problem]  # task-level problems (skipped annotations, tasks without annotation)

    def all_problems(self) -> list[Problem]:
        return self.problems + [p for it in self.items for p in it.problems]

    def by_annotator(self, *, only_ok: bool = False) -> dict[str, dict[str, Imported]]:
        out: dict[str, dict[str, Imported]] = {}
        for it in self.items:
            if only_ok and not it.ok:
                continue
            out.setdefault(it.annotator, {})
            prev = out[it.annotator].get(it.doc["id"])
            if prev is None or (it.updated_at or "") >= (prev.updated_at or ""):
                out[it.annotator][it.doc["id"]] = it
        return out


def read_export(path: str | Path) -> list[dict[str, Any]]:
    """Tasks of a Label Studio JSON export file (a JSON array; JSON lines are accepted too)."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = [json.loads(line) for line in text.splitlines() if line.strip()]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(t, dict) for t in data):
        raise ValueError(f"{path}: not a Label Studio JSON export (expected a list of tasks)")
    return data


def annotator_name(annotation: Mapping[str, Any]) -> str:
    """A stable name for who made an annotation: the e-mail when the export has it, else user-<id>."""
    cb = annotation.get("completed_by")
    if isinstance(cb, dict):
        return str(cb.get("email") or cb.get("username") or f"user-{cb.get('id')}")
    if cb is not None:
        return f"user-{cb}"
    return "unknown"


# -- one annotation ---------------------------------------------------------------------------
@dataclass
class _Region:
    rid: str
    kind: str            # "entity" | "trigger"
    label: str
    start: int
    end: int
    text: str
    attrs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # from_name -> results


class _Ctx:
    def __init__(self, task_id, ann_id, doc_id):
        self.task, self.ann, self.doc = task_id, ann_id, doc_id
        self.problems: list[Problem] = []

    def add(self, severity: Severity, message: str, fix: str = "", region: str | None = None) -> None:
        self.problems.append(Problem(severity, self.task, self.ann, self.doc, message, fix, region))


def _resolve_span(v: Mapping[str, Any], text: str, omap: OffsetMap, unit: str, ctx: _Ctx,
                  rid: str) -> tuple[int, int] | None:
    s, e, t = v.get("start"), v.get("end"), v.get("text")
    if isinstance(t, list):  # per-region text areas overwrite value.text; not the span text
        t = None
    if not (isinstance(s, int) and isinstance(e, int)):
        ctx.add("error", f"region has no start/end offsets (value keys: {sorted(v)})",
                "regions of this config are text spans with start and end", rid)
        return None

    def conv(start: int, end: int, u: str) -> tuple[int, int] | None:
        if u == "utf16":
            a, b = omap.to_codepoint(start), omap.to_codepoint(end)
            if a is None or b is None:
                return None
            start, end = a, b
        return (start, end) if 0 <= start < end <= len(text) else None

    span = conv(s, e, unit)
    if span is not None and (t is None or text[span[0]:span[1]] == t):
        return span
    other = "utf16" if unit == "codepoint" else "codepoint"
    alt = conv(s, e, other)
    if t and alt is not None and text[alt[0]:alt[1]] == t:
        ctx.add("warning", f"offsets {s}..{e} match the region text {t!r} only when read as {other} offsets, "
                           f"not as {unit}", f"check the offset unit (--offsets {other}?)", rid)
        return alt
    if t:
        hits = [m.start() for m in re.finditer(re.escape(t), text)]
        if hits:
            anchor = span[0] if span else min(max(s, 0), len(text))
            k = min(hits, key=lambda h: (abs(h - anchor), h))
            ctx.add("warning", f"region text {t!r} does not match the document at {s}..{e} "
                               f"({text[span[0]:span[1]]!r} there); moved to its nearest occurrence {k}..{k + len(t)}"
                    if span else f"region offsets {s}..{e} are outside the text; moved to the occurrence of "
                                 f"{t!r} at {k}..{k + len(t)}",
                    "check the span in Label Studio", rid)
            return (k, k + len(t))
        found = repr(text[span[0]:span[1]]) if span else "outside the text"
        ctx.add("error", f"region text {t!r} does not match the document at {s}..{e} ({found}) and does not occur "
                         "in it", "was the task text changed after annotation? re-annotate the span", rid)
        return span
    ctx.add("error", f"region offsets {s}..{e} are outside the text (length {len(text)})",
            "re-annotate the span", rid)
    return None


def _trim(span: tuple[int, int], text: str, ctx: _Ctx, rid: str) -> tuple[int, int] | None:
    s, e = span
    seg = text[s:e]
    lead = len(seg) - len(seg.lstrip())
    trail = len(seg) - len(seg.rstrip())
    if lead or trail:
        if lead + trail >= len(seg):
            ctx.add("error", f"region {s}..{e} is only white space", "delete the region", rid)
            return None
        ctx.add("warning", f"region {seg!r} started or ended with white space; trimmed to {seg.strip()!r}",
                "", rid)
        return (s + lead, e - trail)
    return span


def _one(results: list[dict[str, Any]], key: str, ctx: _Ctx, rid: str, what: str) -> Any:
    """The single value of a per-region control (choices / text / number)."""
    vals: list[Any] = []
    for r in results:
        v = (r.get("value") or {}).get(key)
        if isinstance(v, list):
            vals.extend(x for x in v if not (isinstance(x, str) and not x.strip()))
        elif v is not None:
            vals.append(v)
    vals = [x.strip() if isinstance(x, str) else int(x) if isinstance(x, float) and x.is_integer() else x
            for x in vals]
    uniq = list(dict.fromkeys(vals))
    if not uniq:
        return None
    if len(uniq) > 1:
        ctx.add("error", f"{what}: several values {uniq}; the first is kept", f"keep one {what} on the region", rid)
    return uniq[0]


def annotation_to_document(task: Mapping[str, Any], annotation: Mapping[str, Any], *,
                           offsets: str | None = None, schema_version: str | None = None,
                           validate: bool = True) -> Imported:
    """Turn one annotation (its ``result``) of one task into a corpus document."""
    data = task.get("data") or {}
    cn = data.get(DATA_KEY) if isinstance(data.get(DATA_KEY), dict) else {}
    task_id = task.get("id")
    ann_id = annotation.get("id")
    doc_id = cn.get("id") or f"ls-task-{task_id}"
    ctx = _Ctx(task_id, ann_id, doc_id)
    text = data.get("text")
    if not isinstance(text, str):
        ctx.add("error", "task data has no 'text'", "tasks of this config carry the document in data.text")
        return Imported(task_id, ann_id, annotator_name(annotation), {"id": doc_id}, ctx.problems)
    version = schema_version or cn.get("schema_version") or latest_version()
    try:
        schema = load_schema(version)
    except UnknownSchemaVersion as exc:
        ctx.add("error", str(exc), "migrate the documents or use a shipped schema version")
        return Imported(task_id, ann_id, annotator_name(annotation), {"id": doc_id, "text": text}, ctx.problems)
    if not cn:
        ctx.add("info", f"task has no data.{DATA_KEY} (not exported by conflictnews): id {doc_id}, "
                        f"schema {version}, no meta", "")
    unit = offsets or cn.get("offsets") or DEFAULT_OFFSETS
    if unit not in OFFSET_UNITS:
        ctx.add("warning", f"unknown offset unit {unit!r}; reading code points", "")
        unit = "codepoint"
    ctl = C.controls(schema)
    omap = OffsetMap(text)

    results = annotation.get("result") or []
    regions: dict[str, _Region] = {}
    region_order: list[str] = []
    per_region: dict[str, list[dict[str, Any]]] = {}
    relations: list[dict[str, Any]] = []
    known_controls = {C.ENTITY, C.TRIGGER, C.CLUSTER, C.EVENT_CLUSTER, C.COUNT_VALUE, C.COUNT_QUALIFIER,
                      C.COUNT_HIGH} | ctl.entity_attr_names | set(ctl.event_attrs)
    for r in results:
        if not isinstance(r, dict):
            ctx.add("error", f"result item is not an object: {r!r}"[:200])
            continue
        if r.get("type") == "relation":
            relations.append(r)
            continue
        rid = str(r.get("id", "")).split("#", 1)[0]
        fn = r.get("from_name")
        if not rid:
            ctx.add("error", f"result of {fn!r} without a region id", "")
            continue
        if r.get("type") == "labels" or fn in (C.ENTITY, C.TRIGGER):
            labels = (r.get("value") or {}).get("labels") or []
            if rid in regions:
                ctx.add("error", f"region has two label results ({regions[rid].label!r} and {labels!r}); "
                                 "the first is kept", "delete one of them", rid)
                continue
            if not labels:
                ctx.add("error", "region without a label", "give the region a label or delete it", rid)
                continue
            if len(labels) > 1:
                ctx.add("error", f"region has several labels {labels}; the first is kept",
                        "one label per region: split it into several regions", rid)
            label = str(labels[0])
            if label in schema.entity:
                kind = C.ENTITY
            elif label in schema.event:
                kind = C.TRIGGER
            else:
                kind = C.TRIGGER if fn == C.TRIGGER else C.ENTITY
                ctx.add("error", f"label {label!r} (control {fn!r}, text {(r.get('value') or {}).get('text')!r}) "
                                 f"is not in schema {version}; kept as given, so the document fails validation",
                        "relabel the region with a schema label, or add the label to the schema (new version)",
                        rid)
            if fn not in (C.ENTITY, C.TRIGGER):
                ctx.add("warning", f"label {label!r} comes from control {fn!r}, not from {kind!r}", "", rid)
            elif label in schema.entity and fn == C.TRIGGER or label in schema.event and fn == C.ENTITY:
                ctx.add("warning", f"label {label!r} was given with control {fn!r}; read as {kind}", "", rid)
            span = _resolve_span(r.get("value") or {}, text, omap, unit, ctx, rid)
            if span is None:
                ctx.add("error", f"region {label!r} dropped: no usable span", "re-annotate it", rid)
                continue
            span = _trim(span, text, ctx, rid)
            if span is None:
                continue
            regions[rid] = _Region(rid, kind, label, span[0], span[1], text[span[0]:span[1]])
            region_order.append(rid)
        else:
            if fn not in known_controls:
                val = {k: v for k, v in (r.get("value") or {}).items() if k not in ("start", "end")}
                ctx.add("error", f"result of control {fn!r} is not part of the config of schema {version}: "
                                 f"{json.dumps(val, ensure_ascii=False)[:120]}",
                        "was the project's config changed? regenerate it with `conflictnews ls config`", rid)
                continue
            per_region.setdefault(rid, []).append(r)

    for rid, rs in per_region.items():
        if rid not in regions:
            names = sorted({str(r.get("from_name")) for r in rs})
            ctx.add("error", f"{', '.join(names)} given for a region that has no (usable) label",
                    "label the region, or delete it", rid)
            continue
        for r in rs:
            regions[rid].attrs.setdefault(str(r.get("from_name")), []).append(r)

    # -- ids ----------------------------------------------------------------------------
    used: set[str] = set()
    ids: dict[str, str] = {}
    for rid in region_order:
        cand = rid
        if not ID_RE.match(cand) or cand in used:
            base = re.sub(r"[^A-Za-z0-9_.:-]", "", rid)
            base = base if base and base[0].isalnum() else "r" + base
            cand, k = base, 2
            while cand in used or cand in regions and cand != rid:
                cand, k = f"{base}-{k}", k + 1
            ctx.add("info", f"region id {rid!r} is not a usable corpus id; the item gets id {cand!r}", "", rid)
        used.add(cand)
        ids[rid] = cand

    absent = cn.get("absent") if isinstance(cn.get("absent"), dict) else {}
    auto_cluster: dict[str, int] = {}
    taken_clusters = {c for r in regions.values() for c in _texts(r, C.CLUSTER) + _texts(r, C.EVENT_CLUSTER)}

    def fresh_cluster(prefix: str) -> str:
        while True:
            auto_cluster[prefix] = auto_cluster.get(prefix, 0) + 1
            cand = f"{prefix}{auto_cluster[prefix]}"
            if cand not in taken_clusters:
                taken_clusters.add(cand)
                return cand

    # -- entities -------------------------------------------------------------------------
    entities: dict[str, dict[str, Any]] = {}
    for rid in region_order:
        reg = regions.get(rid)
        if reg is None or reg.kind != C.ENTITY:
            continue
        iid = ids[rid]
        et = schema.entity.get(reg.label)
        ent: dict[str, Any] = {"id": iid, "type": reg.label, "start": reg.start, "end": reg.end, "text": reg.text}
        attrs: dict[str, Any] = {}
        applicable = et.attributes if et else []
        for name in list(ctl.entity_choice_attrs) + list(ctl.entity_text_attrs):
            if name not in reg.attrs:
                continue
            key = "choices" if name in ctl.entity_choice_attrs else "text"
            val = _one(reg.attrs[name], key, ctx, rid, name)
            if val is None:
                continue
            if name not in applicable:
                ctx.add("warning", f"attribute {name}={val!r} does not apply to {reg.label}; not carried over",
                        "", rid)
                continue
            attrs[name] = val
        attrs = {n: attrs[n] for n in applicable if n in attrs}
        for name in (C.EVENT_CLUSTER, C.COUNT_VALUE, C.COUNT_QUALIFIER, C.COUNT_HIGH, *ctl.event_attrs):
            if name in reg.attrs:
                ctx.add("warning", f"event field {name!r} on an entity mention ({reg.label}); not carried over",
                        "", rid)
        cl = _one(reg.attrs.get(C.CLUSTER, []), "text", ctx, rid, "cluster")
        if et is not None and not et.corefer:
            if cl is not None:
                ctx.add("warning", f"{reg.label} mentions are not clustered; cluster {cl!r} not carried over", "", rid)
            cl = None
        elif cl is None and et is not None and "cluster" not in (absent.get(iid) or []):
            cl = fresh_cluster("cl-")
            ctx.add("info", f"{reg.label} mention {reg.text!r} has no cluster: singleton cluster {cl!r}",
                    "set the cluster field for coreferent mentions", rid)
        if cl is not None:
            ent["cluster"] = cl
        if attrs:
            ent["attributes"] = attrs
        entities[iid] = ent

    # -- events -------------------------------------------------------------------------
    events: dict[str, dict[str, Any]] = {}
    trig_of: dict[str, str] = {}
    for rid in region_order:
        reg = regions.get(rid)
        if reg is None or reg.kind != C.TRIGGER:
            continue
        iid = ids[rid]
        trig_of[rid] = iid
        vt = schema.event.get(reg.label)
        miss = set(absent.get(iid) or [])
        attrs = {}
        applicable = vt.attributes if vt else []
        for name, spec in schema.event_attributes.items():
            val = _one(reg.attrs.get(name, []), "choices", ctx, rid, name)
            if name not in applicable:
                if val is not None:
                    ctx.add("warning", f"attribute {name}={val!r} does not apply to {reg.label}; not carried over",
                            "", rid)
                continue
            if val is None and name not in miss:
                val = spec.default
                ctx.add("info", f"{name} not set: schema default {val}", "", rid)
            if val is not None:
                attrs[name] = val
        cval = _one(reg.attrs.get(C.COUNT_VALUE, []), "number", ctx, rid, "count value")
        cqual = _one(reg.attrs.get(C.COUNT_QUALIFIER, []), "choices", ctx, rid, "count qualifier")
        chigh = _one(reg.attrs.get(C.COUNT_HIGH, []), "number", ctx, rid, "count high")
        if vt is not None and vt.has_count:
            count: dict[str, Any] | None = None
            if cval is not None:
                count = {"value": _int(cval, ctx, rid, "count value"), "qualifier": cqual}
                if cqual is None:
                    count["qualifier"] = "EXACT"
                    ctx.add("warning", "count value without a qualifier: EXACT assumed", "set the qualifier", rid)
                if chigh is not None or "count.high" not in miss:
                    count["high"] = _int(chigh, ctx, rid, "count high") if chigh is not None else None
            elif cqual is not None or chigh is not None:
                ctx.add("error", f"count qualifier/high ({cqual}, {chigh}) without a count value; count not set",
                        "enter the count value", rid)
            if count is not None or "count" not in miss:
                attrs["count"] = count
        elif any(x is not None for x in (cval, cqual, chigh)):
            ctx.add("warning", f"{reg.label} events carry no count; count ({cval}, {cqual}, {chigh}) not carried over",
                    "", rid)
        for name in ctl.entity_attr_names | {C.CLUSTER}:
            if name in reg.attrs:
                ctx.add("warning", f"entity field {name!r} on an event trigger ({reg.label}); not carried over",
                        "", rid)
        ev: dict[str, Any] = {"id": iid, "type": reg.label,
                              "trigger": {"start": reg.start, "end": reg.end, "text": reg.text},
                              "arguments": [], "attributes": attrs}
        cl = _one(reg.attrs.get(C.EVENT_CLUSTER, []), "text", ctx, rid, "event cluster")
        if cl is None and "cluster" not in miss:
            cl = fresh_cluster("ev-")
            ctx.add("info", f"event {reg.label} {reg.text!r} has no event cluster: singleton cluster {cl!r}",
                    "set the event cluster for coreferent event mentions", rid)
        if cl is not None:
            ev["cluster"] = cl
        events[iid] = ev

    # -- arguments (relations, either direction) ------------------------------------------
    found_args: dict[str, list[tuple[str, str]]] = {}
    for rel in relations:
        a = str(rel.get("from_id", "")).split("#", 1)[0]
        b = str(rel.get("to_id", "")).split("#", 1)[0]
        labels = [str(x) for x in rel.get("labels") or []]
        desc = f"relation {a} -> {b} {labels}"
        ra, rb = regions.get(a), regions.get(b)
        if ra is None or rb is None:
            missing = [x for x, r in ((a, ra), (b, rb)) if r is None]
            ctx.add("error", f"{desc}: region(s) {', '.join(missing)} do not exist (or were dropped above)",
                    "delete the relation or restore the region")
            continue
        if ra.kind == rb.kind:
            what = "entity mentions" if ra.kind == C.ENTITY else "triggers"
            ctx.add("error", f"{desc}: links two {what} ({ra.label} {ra.text!r}, {rb.label} {rb.text!r}); "
                             "an argument links a trigger and an entity", "redraw the relation")
            continue
        trig, ent = (ra, rb) if ra.kind == C.TRIGGER else (rb, ra)
        if not labels:
            ctx.add("error", f"{desc}: relation without a role ({trig.label} {trig.text!r} - {ent.text!r})",
                    "choose the argument role on the relation")
            continue
        for role in labels:
            if role not in schema.roles:
                ctx.add("error", f"{desc}: role {role!r} is not in schema {version}; kept as given",
                        "choose a schema role", trig.rid)
            pair = (role, ids[ent.rid])
            lst = found_args.setdefault(ids[trig.rid], [])
            if pair not in lst:
                lst.append(pair)

    # -- order ----------------------------------------------------------------------------
    order = cn.get("order") if isinstance(cn.get("order"), dict) else {}

    def ordered(items: dict[str, dict[str, Any]], known: Sequence[str], key) -> list[dict[str, Any]]:
        known = [i for i in known if i in items]
        rest = sorted((i for i in items if i not in set(known)), key=lambda i: key(items[i]))
        return [items[i] for i in known + rest]

    ent_list = ordered(entities, order.get("entities") or [], lambda e: (e["start"], -e["end"], e["id"]))
    ev_list = ordered(events, order.get("events") or [],
                      lambda v: (v["trigger"]["start"], -v["trigger"]["end"], v["id"]))
    known_args = order.get("arguments") or {}
    for ev in ev_list:
        got = found_args.get(ev["id"], [])
        prev = [tuple(x) for x in known_args.get(ev["id"], []) if isinstance(x, list) and len(x) == 2]
        args = [p for p in prev if p in got] + [p for p in got if p not in prev]
        ev["arguments"] = [{"role": r, "entity": e} for r, e in args]

    doc: dict[str, Any] = {"id": doc_id, "schema_version": version}
    if "meta" in cn:
        doc["meta"] = cn["meta"]
    doc["text"] = text
    doc["entities"] = ent_list
    doc["events"] = ev_list
    item = Imported(task_id, ann_id, annotator_name(annotation), doc, ctx.problems,
                    ground_truth=bool(annotation.get("ground_truth")), updated_at=annotation.get("updated_at"))
    if validate:
        item.problems.extend(_validation_problems(doc, ctx, reported=_reported_paths(doc, ctx.problems)))
    return item


def _texts(reg: _Region, name: str) -> list[str]:
    out = []
    for r in reg.attrs.get(name, []):
        v = (r.get("value") or {}).get("text")
        for x in v if isinstance(v, list) else []:
            if isinstance(x, str) and x.strip():
                out.append(x.strip())
    return out


def _int(x: Any, ctx: _Ctx, rid: str, what: str) -> Any:
    if isinstance(x, bool):
        return x
    if isinstance(x, float) and x.is_integer():
        return int(x)
    if isinstance(x, str) and re.fullmatch(r"\s*\d+\s*", x):
        return int(x)
    if not isinstance(x, int):
        ctx.add("error", f"{what} {x!r} is not a whole number", "enter a whole number", rid)
    return x


def _reported_paths(doc: dict[str, Any], problems: list[Problem]) -> set[str]:
    """Validator paths already covered by an import problem (unknown labels and roles)."""
    bad_regions = {p.region for p in problems if p.severity == "error" and p.region
                   and ("is not in schema" in p.message)}
    out = set()
    for k, e in enumerate(doc.get("entities", [])):
        if e["id"] in bad_regions:
            out.add(f"entities[{k}].type")
    for k, v in enumerate(doc.get("events", [])):
        if v["id"] in bad_regions:
            out.add(f"events[{k}].type")
            for j in range(len(v.get("arguments", []))):
                out.add(f"events[{k}].arguments[{j}].role")
    return out


def _validation_problems(doc: dict[str, Any], ctx: _Ctx, reported: set[str]) -> list[Problem]:
    gold = "meta" in doc
    rec = Record(doc, f"task {ctx.task}", 1)
    out = []
    for p in validate_record(rec, gold=gold):
        if p.path in reported:
            continue
        region = None
        m = re.match(r"(entities|events)\[(\d+)\]", p.path)
        if m:
            items = doc.get(m.group(1), [])
            k = int(m.group(2))
            if k < len(items) and isinstance(items[k], dict):
                region = items[k].get("id")
        out.append(Problem("error", ctx.task, ctx.ann, ctx.doc, f"invalid: {p.path}: {p.message}".replace(
            "invalid: : ", "invalid: "), p.fix, region))
    return out


# -- a whole export ---------------------------------------------------------------------------
def import_tasks(tasks: Iterable[Mapping[str, Any]], *, offsets: str | None = None,
                 schema_version: str | None = None, validate: bool = True) -> ImportResult:
    """Every usable annotation of every task, as documents; task-level problems apart."""
    items: list[Imported] = []
    problems: list[Problem] = []
    for pos, task in enumerate(tasks, start=1):
        if task.get("id") is None:  # tasks written by `ls export` have no id yet: their place in the file
            task = {**task, "id": f"#{pos}"}
        tid = task.get("id")
        cn = (task.get("data") or {}).get(DATA_KEY) or {}
        doc_id = cn.get("id") if isinstance(cn, dict) else None
        anns = task.get("annotations") or []
        for d in task.get("drafts") or []:
            problems.append(Problem("info", tid, d.get("annotation") if isinstance(d, dict) else None, doc_id,
                                    f"draft {d.get('id') if isinstance(d, dict) else d} not imported (unsubmitted)",
                                    "submit it in Label Studio to import it"))
        if not anns:
            problems.append(Problem("info", tid, None, doc_id, "task has no annotation", ""))
            continue
        for apos, ann in enumerate(anns, start=1):
            if isinstance(ann, dict) and ann.get("id") is None:
                ann = {**ann, "id": f"#{apos}"}
            if not isinstance(ann, dict):
                problems.append(Problem("error", tid, None, doc_id, f"annotation is not an object: {ann!r}"[:200]))
                continue
            if ann.get("was_cancelled"):
                problems.append(Problem("info", tid, ann.get("id"), doc_id,
                                        f"skipped (cancelled) by {annotator_name(ann)}: not imported", ""))
                continue
            items.append(annotation_to_document(task, ann, offsets=offsets, schema_version=schema_version,
                                                validate=validate))
    return ImportResult(items, problems)


def choose(result: ImportResult, *, annotator: str | None = None) -> tuple[list[Imported], list[Problem]]:
    """One annotation per task: ``annotator``'s, else the only one, else the ground-truth one."""
    by_task: dict[Any, list[Imported]] = {}
    for it in result.items:
        by_task.setdefault(it.task, []).append(it)
    chosen: list[Imported] = []
    problems: list[Problem] = []
    for tid, its in by_task.items():
        doc = its[0].doc.get("id")
        if annotator is not None:
            mine = [i for i in its if i.annotator == annotator]
            if not mine:
                problems.append(Problem("info", tid, None, doc, f"no annotation by {annotator}", ""))
                continue
            its = mine
        if len(its) == 1:
            chosen.append(its[0])
            continue
        gt = [i for i in its if i.ground_truth]
        if len(gt) == 1:
            chosen.append(gt[0])
            problems.append(Problem("info", tid, gt[0].annotation, doc,
                                    f"{len(its)} annotations; the ground-truth one ({gt[0].annotator}) is imported",
                                    "use `ls agreement` / `ls merge` for the others"))
            continue
        listed = ", ".join(f"{i.annotation} ({i.annotator})" for i in its)
        problems.append(Problem("error", tid, None, doc, f"{len(its)} annotations ({listed}); not imported",
                                "choose one with --annotator, mark one as ground truth, use --per-annotator, "
                                "or merge them with `conflictnews ls merge`"))
    return chosen, problems
