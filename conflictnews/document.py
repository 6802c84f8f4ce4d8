"""The document format: one JSON object per document, standoff character offsets into ``text``.

These dataclasses are the typed boundary for code that has already passed the validator
(:mod:`conflictnews.validate`): ``Document.from_dict`` assumes a structurally valid record. The
canonical serialisation (:func:`dumps`) puts one annotation per line so that diffs and the
validator's line numbers point at a single entity or event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Count:
    """Normalised count of an event (see the schema's ``count`` section)."""

    value: int
    qualifier: str = "EXACT"
    high: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "qualifier": self.qualifier, "high": self.high}


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    type: str
    start: int
    end: int
    text: str
    cluster: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "type": self.type, "start": self.start, "end": self.end, "text": self.text}
        if self.cluster is not None:
            d["cluster"] = self.cluster
        if self.attributes:
            d["attributes"] = dict(self.attributes)
        return d


@dataclass(frozen=True, slots=True)
class Trigger:
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Argument:
    role: str
    entity: str

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "entity": self.entity}


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    type: str
    trigger: Trigger
    arguments: tuple[Argument, ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict)
    cluster: str | None = None

    @property
    def count(self) -> Count | None:
        c = self.attributes.get("count")
        return Count(**c) if isinstance(c, dict) else None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "trigger": self.trigger.to_dict(),
            "arguments": [a.to_dict() for a in self.arguments],
            "attributes": dict(self.attributes),
        }
        if self.cluster is not None:
            d["cluster"] = self.cluster
        return d


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    text: str
    schema_version: str
    entities: tuple[Entity, ...] = ()
    events: tuple[Event, ...] = ()
    meta: dict[str, Any] | None = None

    @property
    def entity_by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Document":
        ents = tuple(
            Entity(
                id=e["id"], type=e["type"], start=e["start"], end=e["end"], text=e["text"],
                cluster=e.get("cluster"), attributes=dict(e.get("attributes") or {}),
            )
            for e in d.get("entities", [])
        )
        evs = tuple(
            Event(
                id=v["id"], type=v["type"],
                trigger=Trigger(v["trigger"]["start"], v["trigger"]["end"], v["trigger"]["text"]),
                arguments=tuple(Argument(a["role"], a["entity"]) for a in v.get("arguments", [])),
                attributes=dict(v.get("attributes") or {}),
                cluster=v.get("cluster"),
            )
            for v in d.get("events", [])
        )
        return cls(id=d["id"], text=d["text"], schema_version=d["schema_version"],
                   entities=ents, events=evs, meta=d.get("meta"))

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "schema_version": self.schema_version}
        if self.meta is not None:
            d["meta"] = self.meta
        d["text"] = self.text
        d["entities"] = [e.to_dict() for e in self.entities]
        d["events"] = [v.to_dict() for v in self.events]
        return d


def _one_line(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))


def dumps(doc: dict[str, Any] | Document) -> str:
    """Canonical text of one document: top-level keys on their own lines, one annotation a line."""
    d = doc.to_dict() if isinstance(doc, Document) else doc
    parts = []
    for key, value in d.items():
        if key in ("entities", "events") and isinstance(value, list):
            if value:
                inner = ",\n".join("    " + _one_line(x) for x in value)
                parts.append(f'  "{key}": [\n{inner}\n  ]')
            else:
                parts.append(f'  "{key}": []')
        elif key == "meta" and isinstance(value, dict):
            inner = ",\n".join(f"    {_one_line(k)}: {_one_line(v)}" for k, v in value.items())
            parts.append(f'  "meta": {{\n{inner}\n  }}' if value else '  "meta": {}')
        else:
            parts.append(f"  {_one_line(key)}: {_one_line(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"
