"""Inline authoring markup for annotators who work in a text editor (files ``*.cnm``).

The corpus format (standoff JSON) is the source of truth; this markup is a lossless view of it
for writing and reviewing annotation by hand: offsets are computed, never typed.

    ---
    id: cn-0101
    schema_version: 1.0.0
    meta: {...}                # the document's meta block, as YAML
    ---
    A [US]{GPE #us c=usa NAM} [strike]{Attack.AirStrike #e1 Attacker=us Place=@idlib REPORTED}
    [killed]{Harm.Die Victim=@leaders Count=n1 count=40 h=deaths} [40]{NUM #n1} ...

* ``[text]{LABEL ...}`` marks a span; spans nest (``[[Syrian]{GPE} forces]{STATE_FORCE}``) but
  never cross. ``\\[ \\] \\{ \\} \\\\`` write the characters themselves.
* LABEL is an entity type (``GPE``) or an event type (``Harm.Die``: the span is its trigger).
* ``#id`` names the mention or event (ids are given in text order when left out: T1.., E1..).
* Entities: ``c=CLUSTER`` (coreference; a singleton gets its own id), ``NAM``/``NOM``/``PRO``
  (level), ``v=VALUE`` (normalised time value).
* Events: ``Role=REF[,REF...]`` for arguments, where REF is ``id`` or ``@cluster`` (the cluster's
  mention nearest the trigger: in its sentence if any, else the closest before, else after);
  ``h=CLUSTER`` (event coreference); ``NEGATIVE``; ``REPORTED``/``HYPOTHETICAL``/``GENERIC``/
  ``ACTUAL`` (or ``polarity=``/``modality=``); ``count=40``, ``count=40:AT_LEAST``,
  ``count=20-30`` (RANGE). Unset polarity and modality take the schema's defaults.
* Entity clusters and event clusters are separate namespaces that must not share a name (the
  validator refuses ``c=medina`` next to ``h=medina``): name event clusters after the event.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from conflictnews.schema import Schema, load_schema


class MarkupError(ValueError):
    def __init__(self, message: str, line: int, col: int):
        super().__init__(f"line {line}, column {col}: {message}")
        self.line, self.col = line, col


@dataclass
class _Span:
    start: int
    end: int
    label: str
    tokens: list[str]
    line: int
    col: int
    order: int = 0


@dataclass
class _Parsed:
    text: str
    spans: list[_Span] = field(default_factory=list)


_ESC = {"[": "[", "]": "]", "{": "{", "}": "}", "\\": "\\"}


def _scan(body: str, line0: int) -> _Parsed:
    out: list[str] = []
    n_out = 0
    stack: list[tuple[int, int, int]] = []  # (start offset in output, line, col)
    spans: list[_Span] = []
    i, line, col = 0, line0, 1
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body) and body[i + 1] in _ESC:
            out.append(body[i + 1]); n_out += 1; i += 2; col += 2
            continue
        if c == "[":
            stack.append((n_out, line, col)); i += 1; col += 1
            continue
        if c == "]":
            if not stack:
                raise MarkupError("']' closes no '['", line, col)
            if body[i + 1:i + 2] != "{":
                raise MarkupError("']' must be followed by '{LABEL ...}'", line, col)
            close = body.find("}", i + 2)
            if close < 0 or "\n" in body[i + 2:close]:
                raise MarkupError("'{' of a label is not closed on its line", line, col + 1)
            start, sl, sc = stack.pop()
            tokens = body[i + 2:close].split()
            if not tokens:
                raise MarkupError("empty label", line, col + 1)
            if n_out == start:
                raise MarkupError("empty span", sl, sc)
            spans.append(_Span(start, n_out, tokens[0], tokens[1:], sl, sc, len(spans)))
            col += close + 1 - i
            i = close + 1
            continue
        if c in "{}":
            raise MarkupError(f"stray {c!r}: write \\{c} for the character itself", line, col)
        out.append(c); n_out += 1; i += 1
        if c == "\n":
            line += 1; col = 1
        else:
            col += 1
    if stack:
        _, sl, sc = stack[-1]
        raise MarkupError("'[' is never closed", sl, sc)
    return _Parsed("".join(out), spans)


_SENT = re.compile(r"[^\n]+?(?:[.!?]['\"”’)]*(?=\s+[\"“‘(]?[A-Z0-9])|$)", re.M)


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Rough sentence spans (newlines and sentence-final punctuation before a capital)."""
    return [(m.start(), m.end()) for m in _SENT.finditer(text) if m.group().strip()]


def _parse_count(v: str, sp: _Span, schema: Schema) -> dict[str, Any]:
    m = re.fullmatch(r"(\d+)-(\d+)", v)
    if m:
        return {"value": int(m.group(1)), "qualifier": "RANGE", "high": int(m.group(2))}
    m = re.fullmatch(r"(\d+)(?::([A-Z_]+))?", v)
    if not m or (m.group(2) and m.group(2) not in schema.count_qualifiers):
        raise MarkupError(f"count={v!r}: write N, N:QUALIFIER ({', '.join(schema.count_qualifiers)}) or LOW-HIGH",
                          sp.line, sp.col)
    return {"value": int(m.group(1)), "qualifier": m.group(2) or "EXACT", "high": None}


def parse(source: str, schema: Schema | None = None) -> dict[str, Any]:
    """Markup text -> a corpus document (a plain dict, ready for the validator)."""
    header: dict[str, Any] = {}
    body, line0 = source, 1
    if source.startswith("---\n"):
        end = source.find("\n---\n", 4)
        if end < 0:
            raise MarkupError("front matter opened with '---' is never closed", 1, 1)
        header = yaml.safe_load(source[4:end]) or {}
        if not isinstance(header, dict):
            raise MarkupError("front matter must be a YAML mapping", 2, 1)
        body = source[end + 5:]
        line0 = source[:end + 5].count("\n") + 1
    schema = schema or load_schema(str(header.get("schema_version")) if header.get("schema_version") else None)
    parsed = _scan(body, line0)
    raw_text = parsed.text
    lead = len(raw_text) - len(raw_text.lstrip("\n"))
    text = raw_text.strip("\n")
    spans = [s for s in parsed.spans]
    for s in spans:
        s.start -= lead; s.end -= lead
    spans.sort(key=lambda s: (s.start, -s.end, s.order))

    used = {t[1:] for s in spans for t in s.tokens if t.startswith("#")}
    counters = {"T": 0, "E": 0}

    def fresh(prefix: str) -> str:
        while True:
            counters[prefix] += 1
            cand = f"{prefix}{counters[prefix]}"
            if cand not in used:
                used.add(cand)
                return cand

    entities: list[dict[str, Any]] = []
    pending_events: list[tuple[_Span, dict[str, Any], list[tuple[str, str]]]] = []
    levels = set(schema.entity_attributes["level"].values or {})
    for s in spans:
        ident = next((t[1:] for t in s.tokens if t.startswith("#")), None)
        if s.label in schema.entity:
            ent: dict[str, Any] = {"id": ident or fresh("T"), "type": s.label, "start": s.start, "end": s.end,
                                   "text": text[s.start:s.end]}
            attrs: dict[str, Any] = {}
            cluster = None
            for t in s.tokens:
                if t.startswith("#"):
                    continue
                if t in levels:
                    attrs["level"] = t
                elif t.startswith("c="):
                    cluster = t[2:]
                elif t.startswith("v="):
                    attrs["value"] = t[2:]
                else:
                    raise MarkupError(f"unknown entity token {t!r} (use #id, c=, v=, {'/'.join(sorted(levels))})",
                                      s.line, s.col)
            if schema.entity[s.label].corefer:
                ent["cluster"] = cluster or ent["id"]
            elif cluster:
                raise MarkupError(f"{s.label} mentions are not clustered", s.line, s.col)
            if attrs:
                ent["attributes"] = attrs
            entities.append(ent)
        elif s.label in schema.event:
            vt = schema.event[s.label]
            ev: dict[str, Any] = {"id": ident or fresh("E"), "type": s.label,
                                  "trigger": {"start": s.start, "end": s.end, "text": text[s.start:s.end]},
                                  "arguments": [], "attributes": {}}
            attrs = {name: a.default for name, a in schema.event_attributes.items() if name in vt.attributes}
            refs: list[tuple[str, str]] = []
            cluster = None
            for t in s.tokens:
                if t.startswith("#"):
                    continue
                key, eq, val = t.partition("=")
                if not eq:
                    if t in schema.event_attributes["polarity"].values:
                        attrs["polarity"] = t
                    elif t in schema.event_attributes["modality"].values:
                        attrs["modality"] = t
                    else:
                        raise MarkupError(f"unknown event token {t!r}", s.line, s.col)
                elif key in schema.roles:
                    refs.extend((key, r) for r in val.split(",") if r)
                elif key == "h":
                    cluster = val
                elif key in ("polarity", "modality"):
                    attrs[key] = val
                elif key == "count":
                    attrs["count"] = _parse_count(val, s, schema)
                else:
                    raise MarkupError(f"unknown event token {t!r} (roles of {s.label}: {', '.join(vt.roles)})",
                                      s.line, s.col)
            if vt.has_count:
                attrs.setdefault("count", None)
            ev["attributes"] = attrs
            ev["cluster"] = cluster or f"h-{ev['id']}"
            pending_events.append((s, ev, refs))
        else:
            raise MarkupError(f"unknown label {s.label!r}: not an entity or event type of schema {schema.version}",
                              s.line, s.col)

    sents = sentence_bounds(text)

    def sent_of(pos: int) -> int:
        for k, (a, b) in enumerate(sents):
            if a <= pos < b:
                return k
        return -1

    by_id = {e["id"]: e for e in entities}
    events = []
    for s, ev, refs in pending_events:
        for role, ref in refs:
            if ref.startswith("@"):
                cands = [e for e in entities if e.get("cluster") == ref[1:]]
                if not cands:
                    raise MarkupError(f"{role}={ref}: no mention in cluster {ref[1:]!r}", s.line, s.col)
                here = sent_of(s.start)
                same = [e for e in cands if sent_of(e["start"]) == here]
                before = [e for e in cands if e["end"] <= s.start]
                pool = same or before or cands
                best = min(pool, key=lambda e: abs(e["start"] - s.start))
                ev["arguments"].append({"role": role, "entity": best["id"]})
            else:
                if ref not in by_id:
                    raise MarkupError(f"{role}={ref}: no entity mention #{ref}", s.line, s.col)
                ev["arguments"].append({"role": role, "entity": ref})
        events.append(ev)

    doc: dict[str, Any] = {"id": header.get("id"), "schema_version": schema.version}
    if "meta" in header:
        doc["meta"] = _plain(header["meta"])
    doc["text"] = text
    doc["entities"] = entities
    doc["events"] = events
    return doc


def _plain(x: Any) -> Any:
    """YAML dates become ISO strings, as in the JSON format."""
    if isinstance(x, (_dt.date, _dt.datetime)):
        return x.isoformat()
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_plain(v) for v in x]
    return x


def _escape(s: str) -> str:
    return re.sub(r"([\[\]{}\\])", r"\\\1", s)


def render(doc: dict[str, Any], schema: Schema | None = None) -> str:
    """A corpus document -> markup that :func:`parse` turns back into the same document."""
    schema = schema or load_schema(doc.get("schema_version"))
    text = doc["text"]
    opens: dict[int, list[tuple[int, int, str]]] = {}
    closes: dict[int, list[tuple[int, int, str]]] = {}
    items: list[tuple[int, int, int, str]] = []
    for k, e in enumerate(doc.get("entities", [])):
        toks = [e["type"], "#" + e["id"]]
        lv = (e.get("attributes") or {}).get("level")
        if lv:
            toks.append(lv)
        val = (e.get("attributes") or {}).get("value")
        if val:
            toks.append("v=" + val)
        if e.get("cluster") is not None:
            toks.append("c=" + e["cluster"])
        items.append((e["start"], e["end"], k, " ".join(toks)))
    base = len(items)
    for k, v in enumerate(doc.get("events", [])):
        toks = [v["type"], "#" + v["id"]]
        roles: dict[str, list[str]] = {}
        for a in v.get("arguments", []):
            roles.setdefault(a["role"], []).append(a["entity"])
        toks += [f"{r}={','.join(ids)}" for r, ids in roles.items()]
        attrs = v.get("attributes") or {}
        for name in ("polarity", "modality"):
            if name in attrs:
                toks.append(f"{name}={attrs[name]}")
        c = attrs.get("count")
        if isinstance(c, dict):
            toks.append(f"count={c['value']}-{c['high']}" if c["qualifier"] == "RANGE"
                        else f"count={c['value']}:{c['qualifier']}")
        if v.get("cluster") is not None:
            toks.append("h=" + v["cluster"])
        t = v["trigger"]
        items.append((t["start"], t["end"], base + k, " ".join(toks)))
    # Outer spans open first and close last; equal spans keep their list order.
    for s, e, k, label in sorted(items, key=lambda x: (x[0], -x[1], x[2])):
        opens.setdefault(s, []).append((s, e, label))
    for s, e, k, label in sorted(items, key=lambda x: (-x[0], x[1], -x[2])):
        closes.setdefault(e, []).append((s, e, label))
    out: list[str] = []
    for i in range(len(text) + 1):
        for s, e, label in closes.get(i, []):
            out.append("]{" + label + "}")
        for _ in opens.get(i, []):
            out.append("[")
        if i < len(text):
            out.append(_escape(text[i]))
    head: dict[str, Any] = {"id": doc["id"], "schema_version": doc["schema_version"]}
    if doc.get("meta") is not None:
        head["meta"] = doc["meta"]
    front = yaml.safe_dump(head, sort_keys=False, allow_unicode=True, width=100)
    return "---\n" + front + "---\n" + "".join(out) + "\n"
