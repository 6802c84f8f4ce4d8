"""The schema loads, is internally consistent, and every generated file is current."""

from __future__ import annotations

import re

import pytest
import yaml

from conflictnews.schema import UnknownSchemaVersion, available_versions, latest_version, load_schema
from conflictnews.schema.model import VERSIONS_DIR, schema_from_yaml
from conflictnews.schema.reference import artefacts, stale_artefacts


@pytest.mark.parametrize("version", available_versions())
def test_schema_is_consistent(version):
    s = load_schema(version)
    assert s.version == version
    assert s.consistency_problems() == []


@pytest.mark.parametrize("version", available_versions())
def test_generated_files_are_current(version):
    """reference.md and the JSON Schemas are generated, never edited: `conflictnews schema build`."""
    assert stale_artefacts(load_schema(version)) == []


def test_issue_coverage_of_v1():
    """The types and roles the design requires exist in 1.0.0."""
    s = load_schema("1.0.0")
    groups = {t.group for t in s.entity_types}
    assert {"PER", "ORG", "GPE", "LOC", "FAC", "WEA", "VEH", "TIME", "NUM"} <= groups
    assert {"ARMED_GROUP", "STATE_FORCE", "GOVERNMENT", "IGO", "NGO", "MEDIA"} <= set(s.entity)
    assert len(s.event_types) >= 17
    roles = set(s.roles)
    assert {"Attacker", "Target", "Victim", "Place", "Time", "Instrument", "Agent", "Count", "Source"} <= roles
    assert set(s.event_attributes["polarity"].values) == {"POSITIVE", "NEGATIVE"}
    assert set(s.event_attributes["modality"].values) >= {"ACTUAL", "REPORTED", "HYPOTHETICAL", "GENERIC"}
    assert {"EXACT", "AT_LEAST", "MORE_THAN", "RANGE", "VAGUE", "APPROX"} <= set(s.count_qualifiers)
    # Every type carries definition, examples and crosswalks to ACE 2005 and ACLED.
    for t in [*s.entity_types, *s.event_types]:
        assert t.definition and t.positive and t.negative
        assert "ace2005" in t.crosswalk and "acled" in t.crosswalk


def test_every_positive_example_marks_a_span():
    s = load_schema()
    for t in [*s.entity_types, *s.event_types]:
        for ex in t.positive:
            assert re.search(r"\[[^\[\]]+\]", ex), (t.name, ex)


def test_time_value_pattern_accepts_timex_and_rejects_junk():
    pat = re.compile(load_schema().entity_attributes["value"].pattern)
    for ok in ["2019-08-31", "2019-04", "2011", "2019-W34", "201X", "2019-08-31TNI", "P2Y", "PTXH", "PXD",
               "PRESENT_REF", "XXXX-08-31", "2019-08-31T14:30"]:
        assert pat.match(ok), ok
    for bad in ["31/08/2019", "Saturday", "2019-8-31", "", "P", "yesterday"]:
        assert not pat.match(bad), bad


def test_unknown_version_names_known_ones():
    with pytest.raises(UnknownSchemaVersion, match=latest_version()):
        load_schema("9.9.9")


def test_inconsistent_schema_is_reported():
    """consistency_problems is a real check: break the YAML and it speaks."""
    raw = yaml.safe_load((VERSIONS_DIR / latest_version() / "schema.yaml").read_text())
    raw["event_types"][0]["roles"] = {"Attacker": ["NOT_A_TYPE"], "Nonsense": ["PER"]}
    s = schema_from_yaml(raw)
    probs = s.consistency_problems()
    assert any("unknown filler type 'NOT_A_TYPE'" in p for p in probs)
    assert any("role 'Nonsense' has no definition" in p for p in probs)


def test_json_schema_is_derived_from_yaml():
    s = load_schema()
    files = {p.name: c for p, c in artefacts(s).items()}
    for t in s.entity_labels + s.event_labels + s.role_labels:
        assert f'"{t}"' in files["document.schema.json"]
    assert "## Event types" in files["reference.md"]
