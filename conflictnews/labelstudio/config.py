"""The Label Studio labeling config, generated from the annotation schema.

One ``<Text>`` object holds the document. Two ``<Labels>`` controls mark spans: ``entity`` (one label
per entity type) and ``trigger`` (one label per event type). ``<Relations>`` has one relation label
per argument role; a relation links a trigger region and an entity region (either direction).
Per-region controls carry what the schema attaches to a mention, shown only for the labels the
schema gives that attribute:

========================  ===========  ==========================================================
control (``from_name``)    tag          what
========================  ===========  ==========================================================
``level``                  Choices      entity attribute with closed values (mention level)
``value``                  TextArea     entity attribute with a pattern (TIME value)
``cluster``                TextArea     entity coreference cluster id (types with ``corefer``)
``polarity``/``modality``  Choices      event attributes
``count_value``            Number       event count value (types with a count)
``count_qualifier``        Choices      event count qualifier
``count_high``             Number       upper end of a RANGE count
``event_cluster``          TextArea     event coreference cluster id
========================  ===========  ==========================================================

The schema version is embedded twice: as an XML comment (``conflictnews-schema-version: X``) that
:func:`config_schema_version` reads back, and in the visible header. Label names are XML-escaped by
the serializer. Colours come from a hash of the label's name (see :func:`colours`), so a label
keeps its colour across schema versions.
"""

from __future__ import annotations

import colorsys
import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from conflictnews.schema import Schema

TEXT = "text"
ENTITY = "entity"
TRIGGER = "trigger"
CLUSTER = "cluster"
EVENT_CLUSTER = "event_cluster"
COUNT_VALUE = "count_value"
COUNT_QUALIFIER = "count_qualifier"
COUNT_HIGH = "count_high"
FIXED_NAMES = (TEXT, ENTITY, TRIGGER, CLUSTER, EVENT_CLUSTER, COUNT_VALUE, COUNT_QUALIFIER, COUNT_HIGH)

_VERSION_COMMENT = re.compile(r"<!--\s*conflictnews-schema-version:\s*([0-9A-Za-z.+-]+)\s*-->")


@dataclass(frozen=True)
class Controls:
    """The control names of the config for one schema, and which labels each applies to."""

    entity_choice_attrs: dict[str, list[str]]   # attribute -> entity types (closed values)
    entity_text_attrs: dict[str, list[str]]     # attribute -> entity types (pattern)
    event_attrs: dict[str, list[str]]           # attribute -> event types
    corefer_types: list[str]
    count_types: list[str]

    @property
    def entity_attr_names(self) -> set[str]:
        return set(self.entity_choice_attrs) | set(self.entity_text_attrs)


def controls(schema: Schema) -> Controls:
    ent_choice: dict[str, list[str]] = {}
    ent_text: dict[str, list[str]] = {}
    for name, attr in schema.entity_attributes.items():
        types = [t.name for t in schema.entity_types if name in t.attributes]
        (ent_choice if attr.values else ent_text)[name] = types
    ev_attrs = {name: [t.name for t in schema.event_types if name in t.attributes] for name in schema.event_attributes}
    names = list(ent_choice) + list(ent_text) + list(ev_attrs)
    clash = sorted(set(names) & set(FIXED_NAMES)) + sorted({n for n in names if names.count(n) > 1})
    if clash:
        raise ValueError(f"schema {schema.version}: attribute names {clash} clash with the config's control names")
    return Controls(
        entity_choice_attrs=ent_choice, entity_text_attrs=ent_text, event_attrs=ev_attrs,
        corefer_types=[t.name for t in schema.entity_types if t.corefer],
        count_types=[t.name for t in schema.event_types if t.has_count],
    )


_SLOTS = 24  # hues 15 degrees apart


def _slot(kind: str, name: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{kind}:{name}".encode()).digest()[:4], "big") % _SLOTS


def _slot_colour(kind: str, slot: int, rnd: int = 0) -> str:
    light, sat = {"entity": (0.66, 0.72), "trigger": (0.50, 0.78), "relation": (0.42, 0.60)}.get(kind, (0.5, 0.6))
    light += (-0.08 if slot % 2 else 0.0) + 0.05 * rnd
    r, g, b = colorsys.hls_to_rgb(slot / _SLOTS, min(light, 0.9), sat)
    return "#{:02x}{:02x}{:02x}".format(round(r * 255), round(g * 255), round(b * 255))


def colours(kind: str, names: list[str]) -> dict[str, str]:
    """Stable, distinct colours for the labels of one control.

    Each name hashes to one of 24 hues; a name whose hue is taken by an earlier name of the list
    (schema order) takes the next free one. A label keeps its colour across schema versions as long
    as no label before it collides with it, which adding labels at the end never does.
    """
    taken: dict[int, str] = {}
    out: dict[str, str] = {}
    for name in names:
        slot = _slot(kind, name)
        for k in range(2 * _SLOTS):
            cand = (slot + k) % _SLOTS + _SLOTS * (k // _SLOTS)
            if cand not in taken:
                taken[cand] = name
                out[name] = _slot_colour(kind, cand % _SLOTS, cand // _SLOTS)
                break
        else:  # more than 48 labels: colours may repeat
            out[name] = _slot_colour(kind, slot)
    return out


def colour(kind: str, name: str) -> str:
    """The colour of one label considered alone (its hashed hue)."""
    return _slot_colour(kind, _slot(kind, name))


def _el(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})


def _region_view(root: ET.Element, labels: list[str], title: str) -> ET.Element:
    view = _el(root, "View", visibleWhen="region-selected", whenLabelValue=",".join(labels))
    _el(view, "Header", value=title, size="6")
    return view


def build_config(schema: Schema) -> str:
    """The labeling config XML for one schema version."""
    c = controls(schema)
    root = ET.Element("View")
    root.append(ET.Comment(f" conflictnews-schema-version: {schema.version} "))
    root.append(ET.Comment(" Generated by `conflictnews ls config` from schema.yaml; do not edit by hand. "))
    _el(root, "Header", value=f"{schema.name} · schema {schema.version}", size="4")

    _el(root, "Header", value="Entity mentions", size="6")
    ents = _el(root, "Labels", name=ENTITY, toName=TEXT, choice="single", showInline="true")
    ecol = colours("entity", schema.entity_labels)
    for t in schema.entity_types:
        _el(ents, "Label", value=t.name, hint=t.label, background=ecol[t.name])
    _el(root, "Header", value="Event triggers", size="6")
    trig = _el(root, "Labels", name=TRIGGER, toName=TEXT, choice="single", showInline="true")
    tcol = colours("trigger", schema.event_labels)
    for t in schema.event_types:
        _el(trig, "Label", value=t.name, hint=t.label, background=tcol[t.name])
    _el(root, "Header", value="Argument roles (relation from a trigger to an entity)", size="6")
    rels = _el(root, "Relations", choice="multiple")
    rcol = colours("relation", schema.role_labels)
    for role in schema.role_labels:
        _el(rels, "Relation", value=role, background=rcol[role])

    # room above the text for the relation arrows and their role labels
    _el(_el(root, "View", style="padding-top: 2.5em"), "Text", name=TEXT, value="$text", saveTextResult="yes")

    for name, types in c.entity_choice_attrs.items():
        if not types:
            continue
        v = _region_view(root, types, f"Entity {name}")
        ch = _el(v, "Choices", name=name, toName=TEXT, perRegion="true", choice="single-radio", showInline="true")
        for val, hint in (schema.entity_attributes[name].values or {}).items():
            _el(ch, "Choice", value=val, hint=hint)
    for name, types in c.entity_text_attrs.items():
        if not types:
            continue
        v = _region_view(root, types, f"Entity {name} (normalised)")
        _el(v, "TextArea", name=name, toName=TEXT, perRegion="true", maxSubmissions="1", editable="true",
            rows="1", placeholder=f"{name} matching {schema.entity_attributes[name].pattern}")
    if c.corefer_types:
        v = _region_view(root, c.corefer_types, "Entity cluster (coreference: same id = same entity)")
        _el(v, "TextArea", name=CLUSTER, toName=TEXT, perRegion="true", maxSubmissions="1", editable="true",
            rows="1", placeholder="cluster id, e.g. the entity's short name")
    for name, types in c.event_attrs.items():
        if not types:
            continue
        attr = schema.event_attributes[name]
        v = _region_view(root, types, f"Event {name} (default {attr.default})")
        ch = _el(v, "Choices", name=name, toName=TEXT, perRegion="true", choice="single-radio", showInline="true")
        for val, hint in attr.values.items():
            _el(ch, "Choice", value=val, hint=hint)
    if c.count_types:
        v = _region_view(root, c.count_types, "Event count: value, qualifier, high (RANGE only)")
        _el(v, "Number", name=COUNT_VALUE, toName=TEXT, perRegion="true", min="0")
        ch = _el(v, "Choices", name=COUNT_QUALIFIER, toName=TEXT, perRegion="true", choice="single-radio",
                 showInline="true")
        for q, hint in schema.count.qualifiers.items():
            _el(ch, "Choice", value=q, hint=hint)
        _el(v, "Number", name=COUNT_HIGH, toName=TEXT, perRegion="true", min="0")
    v = _region_view(root, schema.event_labels, "Event cluster (coreference: same id = same event)")
    _el(v, "TextArea", name=EVENT_CLUSTER, toName=TEXT, perRegion="true", maxSubmissions="1", editable="true",
        rows="1", placeholder="event cluster id")

    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="unicode") + "\n"


def config_schema_version(xml: str) -> str | None:
    """The schema version a generated config declares (None for a config that was not generated)."""
    m = _VERSION_COMMENT.search(xml)
    return m.group(1) if m else None


def config_labels(xml: str) -> dict[str, list[str]]:
    """Label values per control name (Labels, Relations, Choices) of a config, for checks."""
    root = ET.fromstring(xml)
    out: dict[str, list[str]] = {}
    for el in root.iter():
        if el.tag in ("Labels", "Choices"):
            out[el.get("name", "")] = [c.get("value", "") for c in el if c.tag in ("Label", "Choice")]
        elif el.tag == "Relations":
            out["relations"] = [c.get("value", "") for c in el if c.tag == "Relation"]
    return out
