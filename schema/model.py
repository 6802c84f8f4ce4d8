"""Typed model of the annotation schema, loaded from ``versions/<version>/schema.yaml``.

The YAML is the single source of truth; everything else (validator, JSON Schema, guidelines
reference, Label Studio config, dataset features) reads a :class:`Schema` built here.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

VERSIONS_DIR = Path(__file__).resolve().parent / "versions"

Match = Literal["equivalent", "narrower", "broader", "partial", "none"]
SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Crosswalk(_Strict):
    """How a ConflictNews label relates to a label of another scheme.

    ``match`` reads from ConflictNews' side: ``narrower`` means ours is narrower than theirs.
    """

    label: str
    match: Match


class NegativeExample(_Strict):
    text: str
    why: str


class EntityAttribute(_Strict):
    definition: str
    values: dict[str, str] | None = None
    pattern: str | None = None
    required: bool = True

    @model_validator(mode="after")
    def _one_kind(self) -> "EntityAttribute":
        if (self.values is None) == (self.pattern is None):
            raise ValueError("an entity attribute has either 'values' or 'pattern'")
        if self.pattern is not None:
            re.compile(self.pattern)
        return self


class EntityType(_Strict):
    name: str
    label: str
    group: str
    corefer: bool
    attributes: list[str]
    definition: str
    positive: list[str] = Field(min_length=1)
    negative: list[NegativeExample] = Field(min_length=1)
    crosswalk: dict[str, Crosswalk]


class CountSpec(_Strict):
    definition: str
    qualifiers: dict[str, str]
    vague_minimums: dict[str, int]


class EventAttribute(_Strict):
    definition: str
    values: dict[str, str]
    default: str
    crosswalk: dict[str, dict[str, str]] = {}

    @model_validator(mode="after")
    def _default_is_value(self) -> "EventAttribute":
        if self.default not in self.values:
            raise ValueError(f"default {self.default!r} is not one of {sorted(self.values)}")
        return self


class EventType(_Strict):
    name: str
    label: str
    definition: str
    triggers: list[str]
    roles: dict[str, list[str]]
    attributes: list[str]
    positive: list[str] = Field(min_length=1)
    negative: list[NegativeExample] = Field(min_length=1)
    crosswalk: dict[str, Crosswalk]

    @property
    def family(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def has_count(self) -> bool:
        return "count" in self.attributes


class DocumentMeta(_Strict):
    provenance: dict[str, str]
    splits: dict[str, str]
    styles: dict[str, str]
    tags: dict[str, str]
    regions: list[str]


class Schema(_Strict):
    """One version of the ConflictNews annotation schema."""

    name: str
    version: str
    released: str
    status: Literal["released", "draft"] = "released"
    description: str
    entity_attributes: dict[str, EntityAttribute]
    entity_types: list[EntityType]
    count: CountSpec
    event_attributes: dict[str, EventAttribute]
    roles: dict[str, str]
    filler_groups: dict[str, list[str]]
    event_types: list[EventType]
    document_meta: DocumentMeta

    @field_validator("version")
    @classmethod
    def _semver(cls, v: str) -> str:
        if not SEMVER.match(v):
            raise ValueError(f"version {v!r} is not semantic (MAJOR.MINOR.PATCH)")
        return v

    # -- lookups -------------------------------------------------------------------------
    @cached_property
    def entity(self) -> dict[str, EntityType]:
        return {t.name: t for t in self.entity_types}

    @cached_property
    def event(self) -> dict[str, EventType]:
        return {t.name: t for t in self.event_types}

    @property
    def entity_labels(self) -> list[str]:
        return [t.name for t in self.entity_types]

    @property
    def event_labels(self) -> list[str]:
        return [t.name for t in self.event_types]

    @cached_property
    def role_labels(self) -> list[str]:
        """Every role in the order of ``roles:`` in the YAML."""
        return list(self.roles)

    def fillers(self, event_type: str, role: str) -> list[str]:
        return self.event[event_type].roles[role]

    @cached_property
    def count_qualifiers(self) -> list[str]:
        return list(self.count.qualifiers)

    # -- internal consistency --------------------------------------------------------------
    def consistency_problems(self) -> list[str]:
        """Everything that makes the schema contradict itself; empty when it is sound."""
        out: list[str] = []
        ents = set(self.entity)
        if len(ents) != len(self.entity_types):
            out.append("duplicate entity type names")
        if len(self.event) != len(self.event_types):
            out.append("duplicate event type names")
        if ents & set(self.event):
            out.append(f"names used for both entity and event types: {sorted(ents & set(self.event))}")
        for t in self.entity_types:
            if not re.fullmatch(r"[A-Z][A-Z_]*", t.name):
                out.append(f"entity type {t.name!r}: names are upper-case letters and '_'")
            for a in t.attributes:
                if a not in self.entity_attributes:
                    out.append(f"entity type {t.name}: unknown attribute {a!r}")
        for t in self.event_types:
            if not re.fullmatch(r"[A-Z][A-Za-z]*\.[A-Z][A-Za-z]*", t.name):
                out.append(f"event type {t.name!r}: names are Family.Subtype in CamelCase")
            for role, fillers in t.roles.items():
                if role not in self.roles:
                    out.append(f"event type {t.name}: role {role!r} has no definition under roles:")
                if not fillers:
                    out.append(f"event type {t.name}: role {role} allows no filler type")
                for f in fillers:
                    if f not in ents:
                        out.append(f"event type {t.name}: role {role}: unknown filler type {f!r}")
                if role == "Count" and fillers != ["NUM"]:
                    out.append(f"event type {t.name}: Count is filled by NUM only")
            if "Count" in t.roles and not t.has_count:
                out.append(f"event type {t.name}: has a Count role but no count attribute")
            for a in t.attributes:
                if a != "count" and a not in self.event_attributes:
                    out.append(f"event type {t.name}: unknown attribute {a!r}")
            for ex in t.positive:
                if not _MARK.search(ex):
                    out.append(f"event type {t.name}: positive example without a [marked] trigger: {ex!r}")
        for t in self.entity_types:
            for ex in t.positive:
                if not _MARK.search(ex):
                    out.append(f"entity type {t.name}: positive example without a [marked] mention: {ex!r}")
        used_roles = {r for t in self.event_types for r in t.roles}
        for r in self.roles:
            if r not in used_roles:
                out.append(f"role {r!r} is defined but no event type uses it")
        for q in self.count.qualifiers:
            if not re.fullmatch(r"[A-Z_]+", q):
                out.append(f"count qualifier {q!r}: upper-case letters and '_'")
        return out


_MARK = re.compile(r"\[[^\[\]]+\]")


def available_versions() -> list[str]:
    """All shipped schema versions, oldest first."""
    found = [p.name for p in VERSIONS_DIR.iterdir() if (p / "schema.yaml").is_file() and SEMVER.match(p.name)]
    return sorted(found, key=lambda v: tuple(int(x) for x in v.split(".")))


def latest_version(*, include_drafts: bool = False) -> str:
    """The newest released version (drafts are loadable by name, never the default)."""
    versions = available_versions()
    if include_drafts:
        return versions[-1]
    released = [v for v in versions if _load(v).status == "released"]
    return released[-1]


class UnknownSchemaVersion(LookupError):
    pass


def _expand(raw: dict) -> dict:
    """Resolve filler-group names (``ACTOR``) in the YAML's role lists into entity types."""
    groups = raw.get("filler_groups", {})
    for et in raw.get("event_types", []):
        roles = {}
        for role, fillers in (et.get("roles") or {}).items():
            items = [fillers] if isinstance(fillers, str) else list(fillers)
            expanded: list[str] = []
            for item in items:
                for f in groups.get(item, [item]):
                    if f not in expanded:
                        expanded.append(f)
            roles[role] = expanded
        et["roles"] = roles
    return raw


def schema_from_yaml(raw: dict) -> Schema:
    """Build a :class:`Schema` from the parsed YAML (filler groups resolved)."""
    return Schema.model_validate(_expand(raw))


def load_schema(version: str | None = None) -> Schema:
    """Load one shipped schema version (the latest when ``version`` is None).

    Raises :class:`UnknownSchemaVersion` naming the shipped versions when there is no such one.
    Schemas are immutable, so each version is parsed once per process.
    """
    return _load(version or latest_version())


@lru_cache(maxsize=None)
def _load(v: str) -> Schema:
    path = VERSIONS_DIR / v / "schema.yaml"
    if not SEMVER.match(v) or not path.is_file():
        raise UnknownSchemaVersion(
            f"schema version {v!r} is not shipped; known versions: {', '.join(available_versions())}"
        )
    schema = schema_from_yaml(yaml.safe_load(path.read_text(encoding="utf-8")))
    if schema.version != v:
        raise ValueError(f"{path}: declares version {schema.version} but lives in folder {v}")
    return schema
