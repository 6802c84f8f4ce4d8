"""Schema versions and migrations: a document travels through every version and back."""

from __future__ import annotations

import json

from click.testing import CliRunner

from conflictnews.cli import main
from conflictnews.markup import parse
from conflictnews.records import Record
from conflictnews.schema import available_versions, latest_version, load_schema
from conflictnews.schema.migrate import load_migration, migrate_document
from conflictnews.validate import validate_record

from .conftest import DOCS


def valid(doc):
    return validate_record(Record(doc, f"{doc['id']}.json", 1), gold="meta" in doc) == []


def test_every_step_has_a_migration_that_names_real_labels():
    versions = available_versions()
    assert len(versions) >= 2
    for old, new in zip(versions, versions[1:]):
        m = load_migration(new)
        assert (m.from_, m.to) == (old, new)
        a, b = load_schema(old), load_schema(new)
        for t in m.added.get("event_types"):
            assert t in b.event and t not in a.event
        for r in m.added.get("roles"):
            assert r in b.roles and r not in a.roles
        for kind, (sa, sb) in {"entity_types": (a.entity, b.entity), "event_types": (a.event, b.event),
                               "roles": (a.roles, b.roles)}.items():
            declared = set(m.added.get(kind)) | set(m.removed.get(kind)) | set(m.renamed.get(kind)) \
                | set(m.renamed.get(kind).values())
            assert set(sa) ^ set(sb) <= declared, f"{kind}: undeclared difference {set(sa) ^ set(sb)}"


def test_seed_travels_through_every_version_and_back(seed):
    doc = seed
    versions = available_versions()
    for v in versions[1:]:
        doc, rep = migrate_document(doc, v)
        assert rep.lossless and doc["schema_version"] == v and valid(doc)
    back, rep = migrate_document(doc, versions[0])
    assert rep.lossless
    assert back == seed


def test_a_label_without_counterpart_is_reported_not_dropped_silently():
    doc = parse("---\nid: r1\nschema_version: 1.1.0\n---\nPolice [freed]{Harm.Release Released=h count=3} "
                "[three]{NUM #n} [hostages]{PER #h NOM c=h} and [arrested]{Harm.Detain Detainee=k} "
                "[kidnappers]{PER #k NOM c=k}.\n")
    assert valid(doc)
    down, rep = migrate_document(doc, "1.0.0")
    assert down["schema_version"] == "1.0.0" and valid(down)
    assert not rep.lossless and any("Harm.Release" in x and "no counterpart in 1.0.0" in x for x in rep.lost)
    assert [v["type"] for v in down["events"]] == ["Harm.Detain"]


def test_cli_migrate_reports_and_writes(tmp_path):
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["schema", "migrate", str(DOCS / "cn-0000.json"), "--to", "1.1.0", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "cn-0000: 1.0.0 -> 1.1.0: 0 change(s), lossless" in r.output
    assert json.loads((out / "cn-0000.json").read_text())["schema_version"] == "1.1.0"
    r = CliRunner().invoke(main, ["schema", "migrate", str(DOCS / "cn-0000.json"), "--to", "7.0.0"])
    assert r.exit_code == 1 and "unknown schema version" in r.output


def test_drafts_are_never_the_default():
    drafts = [v for v in available_versions() if load_schema(v).status == "draft"]
    assert latest_version() not in drafts
