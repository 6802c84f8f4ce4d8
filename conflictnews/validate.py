"""The validator: every rule of the schema version a document declares.

Structure and closed vocabularies are checked with the JSON Schema generated from the schema;
the rules that relate fields to each other are checked here. Each problem names the file, line,
document id, field path, what is wrong and what to do. Nothing here raises on bad input.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from conflictnews.records import ReadProblem, Record, read_records
from conflictnews.schema import Schema, UnknownSchemaVersion, latest_version, load_schema
from conflictnews.schema.jsonschema import document_json_schema


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    doc: str | None
    path: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        doc = f" [{self.doc}]" if self.doc else ""
        path = f" {self.path}:" if self.path else ""
        return f"{where}:{doc}{path} {self.message} -> {self.fix}"


def fmt_path(path: Iterable[str | int]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


@lru_cache(maxsize=None)
def _validator(version: str, gold: bool) -> Draft202012Validator:
    return Draft202012Validator(document_json_schema(load_schema(version), gold=gold))


def _structure_fix(err: Any) -> str:
    kw = err.validator
    if kw == "required":
        missing = re.findall(r"'([^']+)' is a required property", err.message)
        return f"add the field {missing[0]!r}" if missing else "add the missing field"
    if kw == "enum":
        vals = list(err.validator_value)
        shown = ", ".join(map(str, vals[:25])) + (" ..." if len(vals) > 25 else "")
        return f"use one of: {shown} (see the schema; an unknown label is never dropped silently)"
    if kw == "const":
        return f"set it to {err.validator_value!r}"
    if kw == "type":
        return f"make it of JSON type {err.validator_value}"
    if kw == "additionalProperties":
        allowed = sorted(err.schema.get("properties", {}))
        return f"remove or rename the field; allowed here: {', '.join(allowed)}"
    if kw == "pattern":
        return f"make it match {err.validator_value}"
    if kw in ("minimum", "minLength"):
        return f"it must be at least {err.validator_value}"
    if kw == "oneOf":
        return "use null, or an object {value, qualifier, high}"
    if kw == "uniqueItems":
        return "list each item once"
    return "see schema/versions/<version>/document.schema.json"


def validate_record(rec: Record, *, gold: bool, seen_ids: dict[str, str] | None = None) -> list[Problem]:
    """All problems of one document record."""
    d = rec.data
    problems: list[Problem] = []
    doc_id = d.get("id") if isinstance(d, dict) and isinstance(d.get("id"), str) else None

    def add(path: tuple, message: str, fix: str) -> None:
        problems.append(Problem(rec.file, _safe_line(rec, path), doc_id, fmt_path(path), message, fix))

    if not isinstance(d, dict):
        add((), f"a document must be a JSON object, found {type(d).__name__}",
            "write one object per document: {id, schema_version, text, entities, events, meta}")
        return problems
    version = d.get("schema_version")
    if not isinstance(version, str):
        add(("schema_version",), "missing or not a string",
            f"declare the schema version the annotation follows, e.g. \"{latest_version()}\"")
        return problems
    try:
        schema = load_schema(version)
    except UnknownSchemaVersion as exc:
        add(("schema_version",), str(exc), "use a shipped version, or migrate the document")
        return problems

    for err in sorted(_validator(version, gold).iter_errors(d), key=lambda e: list(map(str, e.absolute_path))):
        msg = err.message if len(err.message) < 300 else err.message[:297] + "..."
        add(tuple(err.absolute_path), msg, _structure_fix(err))

    if doc_id is not None and seen_ids is not None:
        if doc_id in seen_ids:
            add(("id",), f"document id {doc_id!r} is also used in {seen_ids[doc_id]}", "give every document its own id")
        else:
            seen_ids[doc_id] = rec.file
    if gold and doc_id is not None and rec.file.endswith(".json") and Path(rec.file).stem != doc_id \
            and rec.line == 1:
        add(("id",), f"gold document {doc_id!r} is stored in {Path(rec.file).name}",
            f"name the file {doc_id}.json (one gold document per file, named by its id)")

    text = d.get("text")
    if not isinstance(text, str):
        return problems
    _check_semantics(d, text, schema, gold, add)
    return problems


def _safe_line(rec: Record, path: tuple) -> int:
    try:
        return rec.line_of(path)
    except RecursionError:
        return rec.line


def _check_span(obj: Any, text: str, path: tuple, what: str, add) -> tuple[int, int] | None:
    if not isinstance(obj, dict):
        return None
    s, e, t = obj.get("start"), obj.get("end"), obj.get("text")
    if not (_is_int(s) and _is_int(e) and isinstance(t, str)):
        return None  # reported by the structural check
    n = len(text)
    if not (0 <= s < e <= n):
        add(path + ("start",), f"{what} offsets {s}..{e} are outside the text (length {n}) or empty",
            "offsets are 0-based code-point indices with start < end <= len(text)")
        return None
    if text[s:e] != t:
        found = text[s:e]
        hint = ""
        k = text.find(t)
        if t and k >= 0:
            hint = f"; {t!r} occurs at {k}..{k + len(t)}"
        add(path + ("text",), f"{what} text {t!r} differs from text[{s}:{e}] = {found[:60]!r}{hint}",
            "correct start/end (or text) so that text == document text[start:end]")
        return None
    if t != t.strip():
        add(path + ("text",), f"{what} span {t!r} starts or ends with white space", "trim the span to its first and last character")
    return (s, e)


def _check_semantics(d: dict, text: str, schema: Schema, gold: bool, add) -> None:
    entities = d.get("entities") if isinstance(d.get("entities"), list) else []
    events = d.get("events") if isinstance(d.get("events"), list) else []
    ids: dict[str, tuple] = {}
    ent_type: dict[str, str] = {}
    spans: dict[tuple[int, int], tuple[str, tuple]] = {}
    clusters: dict[str, list[tuple[str, tuple]]] = defaultdict(list)

    def claim(i: Any, path: tuple) -> None:
        if not isinstance(i, str):
            return
        if i in ids:
            add(path, f"id {i!r} is used twice (first at {fmt_path(ids[i])})", "give every entity and event its own id")
        else:
            ids[i] = path

    for k, e in enumerate(entities):
        path = ("entities", k)
        if not isinstance(e, dict):
            continue
        claim(e.get("id"), path + ("id",))
        etype = e.get("type")
        et = schema.entity.get(etype) if isinstance(etype, str) else None
        if isinstance(e.get("id"), str) and et is not None:
            ent_type[e["id"]] = etype
        span = _check_span(e, text, path, "entity", add)
        if span is not None and et is not None:
            if span in spans:
                other_type, other_path = spans[span]
                add(path, f"span {span[0]}..{span[1]} is already annotated as {other_type} at {fmt_path(other_path)}",
                    "annotate a span once, with one type")
            else:
                spans[span] = (etype, path)
        if et is None:
            continue
        attrs = e.get("attributes") if isinstance(e.get("attributes"), dict) else {}
        for name in attrs:
            if name not in et.attributes and name in schema.entity_attributes:
                add(path + ("attributes", name), f"attribute {name!r} does not apply to {etype}",
                    f"remove it ({etype} takes: {', '.join(et.attributes) or 'no attributes'})")
        if gold:
            for name in et.attributes:
                if schema.entity_attributes[name].required and name not in attrs:
                    add(path + ("attributes",), f"{etype} mention lacks the required attribute {name!r}",
                        _attr_fix(schema, name))
        cl = e.get("cluster")
        if et.corefer:
            if isinstance(cl, str):
                clusters[cl].append((etype, path))
            elif gold:
                add(path, f"{etype} mention has no cluster", "set cluster (a new id for a singleton, the shared id for coreferent mentions)")
        elif cl is not None:
            add(path + ("cluster",), f"{etype} mentions are not clustered", "remove the cluster field")

    for cl, members in clusters.items():
        types = {t for t, _ in members}
        if len(types) > 1:
            add(members[0][1] + ("cluster",), f"cluster {cl!r} mixes entity types {sorted(types)}",
                "coreferent mentions share one type: fix the type or split the cluster")

    # Crossing (non-nested) overlaps between entity mentions.
    ordered = sorted(spans.items(), key=lambda kv: (kv[0][0], -kv[0][1]))
    for a in range(len(ordered)):
        (s1, e1), (_, p1) = ordered[a]
        for b in range(a + 1, len(ordered)):
            (s2, e2), (_, p2) = ordered[b]
            if s2 >= e1:
                break
            if s2 > s1 and e2 > e1:
                add(p2, f"span {s2}..{e2} crosses the span {s1}..{e1} at {fmt_path(p1)}",
                    "mentions may nest but not cross: fix one of the boundaries")

    ev_clusters: dict[str, list[tuple[str, tuple]]] = defaultdict(list)
    trig_seen: dict[tuple[int, int, str], tuple] = {}
    for k, v in enumerate(events):
        path = ("events", k)
        if not isinstance(v, dict):
            continue
        claim(v.get("id"), path + ("id",))
        vtype = v.get("type")
        vt = schema.event.get(vtype) if isinstance(vtype, str) else None
        span = _check_span(v.get("trigger"), text, path + ("trigger",), "trigger", add)
        if span is not None and vt is not None:
            key = (span[0], span[1], vtype)
            if key in trig_seen:
                add(path + ("trigger",), f"another {vtype} event has the same trigger ({fmt_path(trig_seen[key])})",
                    "merge the two events, or give them different triggers")
            else:
                trig_seen[key] = path
        if vt is None:
            continue
        attrs = v.get("attributes") if isinstance(v.get("attributes"), dict) else {}
        if gold:
            for name in vt.attributes:
                if name not in attrs:
                    fix = (f"set {name} to one of {', '.join(schema.event_attributes[name].values)}"
                           if name in schema.event_attributes else "set count to {value, qualifier, high}, or null")
                    add(path + ("attributes",), f"missing attribute {name!r}", fix)
        has_count_arg = False
        args = v.get("arguments") if isinstance(v.get("arguments"), list) else []
        pairs: dict[tuple[str, str], int] = {}
        for j, a in enumerate(args):
            apath = path + ("arguments", j)
            if not isinstance(a, dict):
                continue
            role, ent = a.get("role"), a.get("entity")
            if not (isinstance(role, str) and isinstance(ent, str)):
                continue
            if role not in vt.roles:
                if role in schema.roles:
                    add(apath + ("role",), f"role {role!r} is not a role of {vtype}",
                        f"use one of: {', '.join(vt.roles)}")
                continue
            if role == "Count":
                has_count_arg = True
            if (role, ent) in pairs:
                add(apath, f"argument ({role}, {ent}) is listed twice (also arguments[{pairs[(role, ent)]}])",
                    "list each argument once")
            pairs[(role, ent)] = j
            if ent not in ent_type:
                if ent in ids:
                    add(apath + ("entity",), f"{ent!r} is not an entity mention", "arguments point to entity ids only")
                else:
                    add(apath + ("entity",), f"argument points to entity {ent!r}, which does not exist (dangling reference)",
                        "use the id of an entity mention of this document, or add the mention")
                continue
            ft = ent_type[ent]
            if ft not in vt.roles[role]:
                add(apath + ("entity",), f"{role} of {vtype} cannot be filled by a {ft} mention ({ent})",
                    f"allowed filler types: {', '.join(vt.roles[role])}; fix the entity type or the role")
        count = attrs.get("count")
        if "count" in attrs and not vt.has_count:
            add(path + ("attributes", "count"), f"{vtype} events carry no count", "remove attributes.count")
        elif isinstance(count, dict):
            _check_count(count, path + ("attributes", "count"), add)
        if gold and vt.has_count and has_count_arg and not isinstance(count, dict):
            add(path + ("attributes", "count"), "the event has a Count argument but no normalised count",
                "set attributes.count to {value, qualifier, high} for the Count argument")
        cl = v.get("cluster")
        if isinstance(cl, str):
            ev_clusters[cl].append((vtype, path))
        elif gold:
            add(path, "event mention has no cluster", "set cluster (a new id for a singleton, the shared id for coreferent mentions)")

    for cl, members in ev_clusters.items():
        types = {t for t, _ in members}
        if len(types) > 1:
            add(members[0][1] + ("cluster",), f"event cluster {cl!r} mixes event types {sorted(types)}",
                "coreferent event mentions share one type")
        if cl in clusters:
            add(members[0][1] + ("cluster",), f"cluster id {cl!r} is used for both entities and events",
                "use distinct cluster ids for entities and events")


def _check_count(count: dict, path: tuple, add) -> None:
    value, qual, high = count.get("value"), count.get("qualifier"), count.get("high")
    if not _is_int(value) or not isinstance(qual, str):
        return
    if qual == "RANGE":
        if not _is_int(high):
            add(path + ("high",), "a RANGE count needs its upper bound", "set high to the upper end of the range")
        elif high <= value:
            add(path + ("high",), f"high ({high}) must exceed value ({value})", "value is the low end, high the high end")
    elif high is not None:
        add(path + ("high",), f"high is only for RANGE counts, not {qual}", "set high to null")


def _attr_fix(schema: Schema, name: str) -> str:
    a = schema.entity_attributes[name]
    if a.values:
        return f"set attributes.{name} to one of {', '.join(a.values)}"
    return f"set attributes.{name} (pattern {a.pattern})"


def iter_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and the .json/.jsonl files below folders named, in a stable order."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            yield from sorted(x for x in p.rglob("*") if x.suffix in (".json", ".jsonl") and x.is_file())
        else:
            yield p


def validate_paths(paths: Iterable[str | Path], *, gold: bool | None = None) -> tuple[list[Problem], int]:
    """Validate every document in the given files/folders; returns (problems, documents checked).

    ``gold=None`` decides per record: a record with ``meta`` is gold, one without is a prediction.
    """
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    n = 0
    for path in iter_paths(paths):
        for item in read_records(path):
            if isinstance(item, ReadProblem):
                problems.append(Problem(item.file, item.line, None, "", item.message, item.fix))
                continue
            n += 1
            is_gold = gold if gold is not None else (isinstance(item.data, dict) and "meta" in item.data)
            problems.extend(validate_record(item, gold=is_gold, seen_ids=seen))
    return problems, n
