"""JSON Schema (draft 2020-12) of the document format, generated from a :class:`Schema`.

It fixes the structure and every closed vocabulary (types, attribute values, meta fields). Rules
that relate fields to each other (offsets against the text, roles per event type, filler types,
references, clusters) are the validator's, in :mod:`conflictnews.validate`.
"""

from __future__ import annotations

import json
from typing import Any

from .model import Schema

ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"
DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def _span(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {
        "start": {"type": "integer", "minimum": 0, "description": "Offset of the first character (Unicode code points)."},
        "end": {"type": "integer", "minimum": 1, "description": "Offset after the last character (exclusive)."},
        "text": {"type": "string", "minLength": 1, "description": "Must equal text[start:end]."},
    }
    props.update(extra or {})
    return props


def document_json_schema(schema: Schema, *, gold: bool = True) -> dict[str, Any]:
    """The JSON Schema of a gold document (``gold=True``) or of a prediction (no meta)."""
    dm = schema.document_meta
    entity_attrs: dict[str, Any] = {}
    for name, attr in schema.entity_attributes.items():
        if attr.values is not None:
            entity_attrs[name] = {"enum": list(attr.values), "description": attr.definition}
        else:
            entity_attrs[name] = {"type": "string", "pattern": attr.pattern, "description": attr.definition}
    count = {
        "description": schema.count.definition,
        "oneOf": [
            {"type": "null"},
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["value", "qualifier"],
                "properties": {
                    "value": {"type": "integer", "minimum": 0},
                    "qualifier": {"enum": schema.count_qualifiers},
                    "high": {"type": ["integer", "null"], "minimum": 0},
                },
            },
        ],
    }
    event_attrs: dict[str, Any] = {
        name: {"enum": list(a.values), "description": a.definition} for name, a in schema.event_attributes.items()
    }
    event_attrs["count"] = count
    entity = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "type", "start", "end", "text"],
        "properties": {
            "id": {"type": "string", "pattern": ID},
            "type": {"enum": schema.entity_labels},
            **_span(),
            "cluster": {"type": "string", "pattern": ID, "description": "Mentions with the same cluster corefer."},
            "attributes": {"type": "object", "additionalProperties": False, "properties": entity_attrs},
        },
    }
    event = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "type", "trigger", "arguments", "attributes"],
        "properties": {
            "id": {"type": "string", "pattern": ID},
            "type": {"enum": schema.event_labels},
            "trigger": {
                "type": "object", "additionalProperties": False,
                "required": ["start", "end", "text"], "properties": _span(),
            },
            "arguments": {
                "type": "array",
                "items": {
                    "type": "object", "additionalProperties": False, "required": ["role", "entity"],
                    "properties": {
                        "role": {"enum": schema.role_labels},
                        "entity": {"type": "string", "pattern": ID, "description": "id of an entity mention"},
                    },
                },
            },
            "attributes": {"type": "object", "additionalProperties": False, "properties": event_attrs},
            "cluster": {"type": "string", "pattern": ID, "description": "Event mentions with the same cluster corefer."},
        },
    }
    meta = {
        "type": "object",
        "additionalProperties": False,
        "required": ["source", "url", "published", "licence", "redistributable", "provenance", "split", "event_key"],
        "properties": {
            "source": {"type": "string", "minLength": 1, "description": "Outlet, or 'ConflictNews' for written-for-corpus texts."},
            "url": {"type": ["string", "null"], "description": "Where the text was published; null if it was not."},
            "published": {"type": "string", "pattern": DATE, "description": "Publication date (ISO), the anchor for relative dates."},
            "licence": {"type": "string", "minLength": 1, "description": "SPDX identifier, or LicenseRef-... for other terms."},
            "redistributable": {"type": "boolean", "description": "false: the text must not be published in a release."},
            "provenance": {"enum": list(dm.provenance)},
            "split": {"enum": list(dm.splits)},
            "event_key": {"type": "string", "pattern": ID, "description": "Key of the real-world event reported; no key in two splits."},
            "reported_event": {
                "type": "object", "additionalProperties": False,
                "required": ["description", "date", "country", "region"],
                "properties": {
                    "description": {"type": "string", "minLength": 1},
                    "date": {"type": "string", "pattern": DATE},
                    "country": {"type": "string", "minLength": 1},
                    "place": {"type": "string"},
                    "region": {"enum": dm.regions},
                },
            },
            "style": {"enum": list(dm.styles)},
            "tags": {"type": "array", "uniqueItems": True, "items": {"enum": list(dm.tags)}},
            "annotation": {
                "type": "object", "additionalProperties": False,
                "properties": {
                    "annotators": {"type": "array", "items": {"type": "string"}},
                    "adjudicated": {"type": "boolean"},
                    "notes": {"type": "string"},
                },
            },
            "notes": {"type": "string"},
        },
        "allOf": [
            {
                "if": {"properties": {"provenance": {"const": "written-for-corpus"}}, "required": ["provenance"]},
                "then": {"required": ["reported_event", "style", "tags"]},
            }
        ],
    }
    doc: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://conflictnews.org/schema/{schema.version}/{'document' if gold else 'prediction'}.schema.json",
        "title": f"ConflictNews {'gold document' if gold else 'prediction'} (schema {schema.version})",
        "description": "Generated from schema.yaml by `conflictnews schema build`; do not edit.",
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "schema_version", "text", "entities", "events"] + (["meta"] if gold else []),
        "properties": {
            "id": {"type": "string", "pattern": ID},
            "schema_version": {"const": schema.version},
            "meta": meta,
            "text": {"type": "string", "minLength": 1},
            "entities": {"type": "array", "items": entity},
            "events": {"type": "array", "items": event},
        },
    }
    if not gold:
        doc["properties"]["meta"] = {"type": "object", "description": "Optional in predictions and not checked."}
    return doc


def render(schema: Schema, *, gold: bool = True) -> str:
    return json.dumps(document_json_schema(schema, gold=gold), indent=2, ensure_ascii=False) + "\n"
