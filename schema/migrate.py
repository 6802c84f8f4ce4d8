"""Moving documents between schema versions (``conflictnews schema migrate --to V``).

Each version folder after the first holds ``migration.yaml``: the labels its step adds, renames
and removes relative to the previous version. A document moves one step at a time, up or down
the version list. Renames are applied losslessly; an annotation whose label has no counterpart
in the target version is removed and listed in the report (never dropped silently), together
with the arguments that pointed to a removed entity.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from .model import SEMVER, VERSIONS_DIR, available_versions

KINDS = ("entity_types", "event_types", "roles")


class _Labels(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entity_types: dict[str, str] | list[str] = {}
    event_types: dict[str, str] | list[str] = {}
    roles: dict[str, str] | list[str] = {}

    def get(self, kind: str) -> dict[str, str]:
        v = getattr(self, kind)
        return {x: "" for x in v} if isinstance(v, list) else dict(v)


class Migration(BaseModel):
    """One step between adjacent versions, as written in ``versions/<to>/migration.yaml``."""

    model_config = ConfigDict(extra="forbid")
    from_: str
    to: str
    kind: str
    added: _Labels = _Labels()
    renamed: _Labels = _Labels()
    removed: _Labels = _Labels()  # label -> why it has no counterpart
    notes: str = ""


def load_migration(version: str) -> Migration:
    raw = yaml.safe_load((VERSIONS_DIR / version / "migration.yaml").read_text(encoding="utf-8"))
    raw["from_"] = raw.pop("from")
    return Migration.model_validate(raw)


@dataclass
class MigrationReport:
    doc: str
    source: str
    target: str
    changes: list[str] = field(default_factory=list)  # renames applied
    lost: list[str] = field(default_factory=list)  # annotations with no counterpart, removed

    @property
    def lossless(self) -> bool:
        return not self.lost


def path(source: str, target: str) -> list[tuple[str, str]]:
    """The adjacent steps from ``source`` to ``target`` (either direction)."""
    versions = available_versions()
    for v in (source, target):
        if v not in versions:
            raise ValueError(f"unknown schema version {v!r}; shipped: {', '.join(versions)}")
    i, j = versions.index(source), versions.index(target)
    step = 1 if j > i else -1
    return [(versions[k], versions[k + step]) for k in range(i, j, step)]


def _step(doc: dict[str, Any], src: str, dst: str, report: MigrationReport) -> None:
    up = SEMVER.match(dst) and available_versions().index(dst) > available_versions().index(src)
    m = load_migration(dst if up else src)
    rename = {k: (m.renamed.get(k) if up else {v: o for o, v in m.renamed.get(k).items()}) for k in KINDS}
    gone = {k: (m.removed.get(k) if up else m.added.get(k)) for k in KINDS}
    why = {k: (m.removed.get(k) if up else {x: f"added in {src}, no counterpart in {dst}" for x in m.added.get(k)})
           for k in KINDS}
    kept_entities, removed_ids = [], set()
    for k, e in enumerate(doc.get("entities", [])):
        t = e.get("type")
        if t in gone["entity_types"]:
            removed_ids.add(e.get("id"))
            report.lost.append(f"entities[{k}] {e.get('id')} {t} {e.get('text')!r}: {why['entity_types'][t] or 'removed'}")
            continue
        if t in rename["entity_types"]:
            e["type"] = rename["entity_types"][t]
            report.changes.append(f"entities[{k}] {e.get('id')}: {t} -> {e['type']}")
        kept_entities.append(e)
    doc["entities"] = kept_entities
    kept_events = []
    for k, v in enumerate(doc.get("events", [])):
        t = v.get("type")
        if t in gone["event_types"]:
            report.lost.append(f"events[{k}] {v.get('id')} {t} {v.get('trigger', {}).get('text')!r}: "
                               f"{why['event_types'][t] or 'removed'}")
            continue
        if t in rename["event_types"]:
            v["type"] = rename["event_types"][t]
            report.changes.append(f"events[{k}] {v.get('id')}: {t} -> {v['type']}")
        args = []
        for a in v.get("arguments", []):
            r = a.get("role")
            if a.get("entity") in removed_ids:
                report.lost.append(f"events[{k}] {v.get('id')}: argument {r}={a.get('entity')} (its entity was removed)")
                continue
            if r in gone["roles"]:
                report.lost.append(f"events[{k}] {v.get('id')}: argument {r}={a.get('entity')}: {why['roles'][r] or 'removed'}")
                continue
            if r in rename["roles"]:
                a["role"] = rename["roles"][r]
                report.changes.append(f"events[{k}] {v.get('id')}: role {r} -> {a['role']}")
            args.append(a)
        v["arguments"] = args
        kept_events.append(v)
    doc["events"] = kept_events
    doc["schema_version"] = dst


def migrate_document(doc: dict[str, Any], target: str) -> tuple[dict[str, Any], MigrationReport]:
    """A copy of ``doc`` in schema ``target`` and what the move changed or could not carry."""
    out = copy.deepcopy(doc)
    source = str(doc.get("schema_version"))
    report = MigrationReport(str(doc.get("id")), source, target)
    for src, dst in path(source, target):
        _step(out, src, dst, report)
    return out, report
