"""The Label Studio labeling config generated from the schema (no server needed)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import yaml
from click.testing import CliRunner

from conflictnews.labelstudio import config as C
from conflictnews.labelstudio.cli import ls
from conflictnews.schema import available_versions, load_schema
from conflictnews.schema.model import VERSIONS_DIR, schema_from_yaml


@pytest.fixture(scope="module")
def schema():
    return load_schema("1.0.0")


@pytest.fixture(scope="module")
def xml(schema):
    return C.build_config(schema)


def _controls(root: ET.Element, tag: str) -> dict[str, ET.Element]:
    return {el.get("name"): el for el in root.iter(tag)}


def _visible_for(root: ET.Element, name: str) -> list[str]:
    """whenLabelValue of the View that holds the per-region control ``name``."""
    for view in root.iter("View"):
        if any(c.get("name") == name for c in view):
            assert view.get("visibleWhen") == "region-selected"
            return view.get("whenLabelValue").split(",")
    raise AssertionError(f"{name} is not inside a region-selected View")


def test_labels_relations_and_text(schema, xml):
    root = ET.fromstring(xml)
    labels = _controls(root, "Labels")
    assert set(labels) == {"entity", "trigger"}
    assert [x.get("value") for x in labels["entity"]] == schema.entity_labels
    assert [x.get("value") for x in labels["trigger"]] == schema.event_labels
    assert all(x.get("toName") == "text" for x in labels.values())
    # hints carry the human-readable label
    assert {x.get("value"): x.get("hint") for x in labels["entity"]}["PER"] == "Person"
    rels = list(root.iter("Relations"))
    assert len(rels) == 1 and rels[0].get("choice") == "multiple"
    assert [r.get("value") for r in rels[0]] == schema.role_labels  # one relation label per role
    (text,) = list(root.iter("Text"))
    assert text.get("name") == "text" and text.get("value") == "$text"


def test_per_region_controls_follow_the_schema(schema, xml):
    root = ET.fromstring(xml)
    choices = _controls(root, "Choices")
    for name in ("level", "polarity", "modality", "count_qualifier"):
        assert choices[name].get("perRegion") == "true"
    assert [c.get("value") for c in choices["level"]] == list(schema.entity_attributes["level"].values)
    assert [c.get("value") for c in choices["polarity"]] == list(schema.event_attributes["polarity"].values)
    assert [c.get("value") for c in choices["modality"]] == list(schema.event_attributes["modality"].values)
    assert [c.get("value") for c in choices["count_qualifier"]] == schema.count_qualifiers
    assert _visible_for(root, "level") == [t.name for t in schema.entity_types if "level" in t.attributes]
    assert _visible_for(root, "value") == ["TIME"]
    # coreference: only the types the schema clusters (not TIME, NUM)
    assert _visible_for(root, "cluster") == [t.name for t in schema.entity_types if t.corefer]
    assert "TIME" not in _visible_for(root, "cluster") and "NUM" not in _visible_for(root, "cluster")
    assert _visible_for(root, "count_value") == [t.name for t in schema.event_types if t.has_count]
    assert _visible_for(root, "count_high") == _visible_for(root, "count_value")
    assert _visible_for(root, "polarity") == schema.event_labels
    assert _visible_for(root, "event_cluster") == schema.event_labels
    numbers = _controls(root, "Number")
    assert set(numbers) == {"count_value", "count_high"}
    textareas = _controls(root, "TextArea")
    assert set(textareas) == {"value", "cluster", "event_cluster"}
    assert all(t.get("perRegion") == "true" and t.get("maxSubmissions") == "1" for t in textareas.values())


def test_schema_version_embedded_and_read_back(schema, xml):
    assert C.config_schema_version(xml) == schema.version
    assert f"schema {schema.version}" in xml  # the visible header
    assert C.config_schema_version("<View><Text name='t' value='$t'/></View>") is None


def test_every_shipped_version_builds():
    for v in available_versions():
        s = load_schema(v)
        x = C.build_config(s)
        assert C.config_schema_version(x) == v
        assert C.config_labels(x)["trigger"] == s.event_labels


def test_colours_stable_and_distinct(schema, xml):
    root = ET.fromstring(xml)
    for tag in ("Labels", "Relations"):
        for ctl in root.iter(tag):
            cols = [c.get("background") for c in ctl]
            assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in cols)
            assert len(set(cols)) == len(cols), f"{ctl.get('name') or tag}: colours repeat"
    # stable: fixed values (a change here changes what annotators see: do it on purpose)
    ents = C.colours("entity", schema.entity_labels)
    assert ents["PER"] == C.colours("entity", schema.entity_labels)["PER"]
    assert (ents["PER"], ents["GPE"]) == ("#e7a86a", "#a8e76a")
    # a label keeps its colour when labels are added at the end (schema 1.1.0 adds Harm.Release)
    newer = load_schema("1.1.0")
    old_t = C.colours("trigger", schema.event_labels)
    new_t = C.colours("trigger", newer.event_labels)
    assert all(new_t[n] == c for n, c in old_t.items())


def test_label_names_are_escaped():
    raw = yaml.safe_load((VERSIONS_DIR / "1.0.0" / "schema.yaml").read_text(encoding="utf-8"))
    odd_role = 'Odd & "quoted" <role>'
    raw["roles"][odd_role] = "A role with XML metacharacters."
    raw["event_types"][0]["roles"][odd_role] = ["PER"]
    raw["entity_types"][0]["label"] = "Person <& 'friends'>"
    s = schema_from_yaml(raw)
    x = C.build_config(s)
    root = ET.fromstring(x)  # well-formed despite the metacharacters
    assert odd_role in [r.get("value") for r in next(root.iter("Relations"))]
    assert next(root.iter("Labels"))[0].get("hint") == "Person <& 'friends'>"
    assert "&amp;" in x and "&lt;" in x and "&quot;" in x


def test_attribute_names_must_not_clash_with_controls():
    raw = yaml.safe_load((VERSIONS_DIR / "1.0.0" / "schema.yaml").read_text(encoding="utf-8"))
    raw["event_attributes"]["cluster"] = raw["event_attributes"]["polarity"]
    with pytest.raises(ValueError, match="clash"):
        C.build_config(schema_from_yaml(raw))


def test_offline_validation_with_the_sdk(schema, xml):
    """The SDK's offline checker accepts the config and the results `ls export` writes for it.

    (It misses some errors the server catches; tests/test_labelstudio_server.py checks there.)"""
    li = pytest.importorskip("label_studio_sdk.label_interface", reason="label-studio-sdk not installed")
    from conflictnews.corpus import load_documents
    from conflictnews.labelstudio.tasks import document_results

    iface = li.LabelInterface(xml)
    iface.validate()  # raises on an invalid config
    for doc in load_documents()[:5]:
        res = document_results(doc, schema)
        assert iface.validate_annotation({"result": res}), doc.id
        assert iface.validate_prediction({"result": res, "model_version": "m", "score": 0.5}), doc.id
    bad = dict(res[0], value=dict(res[0]["value"], labels=["NOT_A_LABEL"]))
    assert not iface.validate_annotation({"result": [bad]})


def test_cli_config(schema, tmp_path, xml):
    r = CliRunner().invoke(ls, ["config"])
    assert r.exit_code == 0, r.output
    assert r.output == xml
    out = tmp_path / "config.xml"
    r = CliRunner().invoke(ls, ["config", "--schema-version", "1.1.0", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert C.config_schema_version(out.read_text(encoding="utf-8")) == "1.1.0"
    r = CliRunner().invoke(ls, ["config", "--schema-version", "9.9.9"])
    assert r.exit_code != 0 and "9.9.9" in r.output
