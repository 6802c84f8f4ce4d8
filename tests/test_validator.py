"""Each validator rule has a failing case; no input makes the validator crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictnews.cli import main
from conflictnews.document import dumps
from conflictnews.records import Record
from conflictnews.validate import validate_paths, validate_record


def problems(doc, *, gold=True, file=None):
    name = file or f"corpus/documents/{doc.get('id') if isinstance(doc, dict) else 'x'}.json"
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    return validate_record(Record(doc, name, 1, text), gold=gold)


def messages(doc, **kw):
    return "\n".join(str(p) for p in problems(doc, **kw))


def ent(doc, eid):
    return next(e for e in doc["entities"] if e["id"] == eid)


def test_seed_is_clean(seed):
    assert problems(seed) == []


# -- one failing case per rule -------------------------------------------------------------
def _set(path, value):
    def f(d):
        obj = d
        for p in path[:-1]:
            obj = obj[p]
        obj[path[-1]] = value
    return f


def _first_event_of(doc, etype):
    return next(v for v in doc["events"] if v["type"] == etype)


CASES = {
    # structure and vocabulary (from the generated JSON Schema)
    "missing text": (lambda d: d.pop("text"), "'text' is a required property"),
    "unknown entity type": (_set(["entities", 0, "type"], "COUNTRY"), "'COUNTRY' is not one of"),
    "unknown event type": (_set(["events", 0, "type"], "Conflict.Attack"), "'Conflict.Attack' is not one of"),
    "unknown role": (lambda d: d["events"][0]["arguments"].append({"role": "Perpetrator", "entity": "us1"}),
                     "'Perpetrator' is not one of"),
    "bad polarity value": (_set(["events", 0, "attributes", "polarity"], "MAYBE"), "'MAYBE' is not one of"),
    "bad level value": (lambda d: ent(d, "us1")["attributes"].update(level="NAME"), "'NAME' is not one of"),
    "bad time value": (lambda d: ent(d, "sat4")["attributes"].update(value="Saturday"), "does not match"),
    "unknown field": (_set(["entities", 0, "label"], "GPE"), "Additional properties are not allowed"),
    "offset not integer": (_set(["entities", 0, "start"], "0"), "is not of type 'integer'"),
    "boolean offset": (_set(["entities", 0, "end"], True), "is not of type 'integer'"),
    "negative offset": (_set(["entities", 0, "start"], -1), "less than the minimum"),
    "meta field missing": (lambda d: d["meta"].pop("licence"), "'licence' is a required property"),
    "meta unknown key": (_set(["meta", "licence_url"], "x"), "Additional properties are not allowed"),
    "bad split": (_set(["meta", "split"], "validation"), "'validation' is not one of"),
    "written-for-corpus needs reported event": (
        lambda d: (d["meta"].update(provenance="written-for-corpus"), d["meta"].pop("reported_event")),
        "'reported_event' is a required property"),
    "bad count object": (lambda d: _first_event_of(d, "Harm.Die")["attributes"].update(count={"value": "forty"}),
                         "count"),
    # relations between fields (validate.py)
    "offset past the end": (_set(["entities", 0, "end"], 10**9), "outside the text"),
    "empty span": (lambda d: ent(d, "us1").update(end=ent(d, "us1")["start"]), "outside the text (length"),
    "text differs from slice": (_set(["entities", 0, "text"], "USA"), "differs from text["),
    "trigger text differs": (_set(["events", 0, "trigger", "text"], "strikes"), "trigger text 'strikes' differs"),
    "white space in span": (lambda d: ent(d, "us1").update(end=ent(d, "us1")["end"] + 1,
                                                          text=d["text"][ent(d, "us1")["start"]:ent(d, "us1")["end"] + 1]),
                            "starts or ends with white space"),
    "duplicate id": (lambda d: d["entities"][1].update(id=d["entities"][0]["id"]), "is used twice"),
    "event id clashes with entity id": (lambda d: d["events"][0].update(id="us1"), "is used twice"),
    "dangling argument": (lambda d: d["events"][0]["arguments"].append({"role": "Place", "entity": "nowhere"}),
                          "does not exist (dangling reference)"),
    "argument points to an event": (lambda d: d["events"][1]["arguments"].append(
        {"role": "Place", "entity": d["events"][0]["id"]}), "is not an entity mention"),
    "role not allowed for type": (lambda d: d["events"][0]["arguments"].append({"role": "Victim", "entity": "leaders1"}),
                                  "role 'Victim' is not a role of Attack.AirStrike"),
    "filler type not allowed": (lambda d: d["events"][0]["arguments"].append({"role": "Time", "entity": "us1"}),
                                "Time of Attack.AirStrike cannot be filled by a GPE mention"),
    "duplicate argument": (lambda d: d["events"][0]["arguments"].append(dict(d["events"][0]["arguments"][0])),
                           "is listed twice"),
    "same span twice": (lambda d: d["entities"].append({**ent(d, "us1"), "id": "dup", "type": "LOC"}),
                        "is already annotated as GPE"),
    "crossing spans": (lambda d: d["entities"].append(
        {"id": "cross", "type": "LOC", "start": ent(d, "leaders1")["start"] + 3, "end": ent(d, "leaders1")["end"] + 3,
         "text": d["text"][ent(d, "leaders1")["start"] + 3:ent(d, "leaders1")["end"] + 3], "cluster": "cross",
         "attributes": {"level": "NOM"}}), "crosses the span"),
    "cluster mixes types": (lambda d: ent(d, "leaders1").update(cluster="usa"), "mixes entity types"),
    "gold mention without cluster": (lambda d: ent(d, "us1").pop("cluster"), "has no cluster"),
    "cluster on a TIME": (lambda d: ent(d, "sat4").update(cluster="x"), "TIME mentions are not clustered"),
    "missing level": (lambda d: ent(d, "us1").pop("attributes"), "lacks the required attribute 'level'"),
    "attribute not for the type": (lambda d: ent(d, "us1")["attributes"].update(value="2019"),
                                   "attribute 'value' does not apply to GPE"),
    "missing event attribute": (lambda d: d["events"][0]["attributes"].pop("modality"), "missing attribute 'modality'"),
    "count on a type without count": (lambda d: d["events"][0]["attributes"].update(
        count={"value": 3, "qualifier": "EXACT", "high": None}), "Attack.AirStrike events carry no count"),
    "range without high": (lambda d: _first_event_of(d, "Harm.Die")["attributes"].update(
        count={"value": 20, "qualifier": "RANGE", "high": None}), "needs its upper bound"),
    "range high below value": (lambda d: _first_event_of(d, "Harm.Die")["attributes"].update(
        count={"value": 20, "qualifier": "RANGE", "high": 10}), "must exceed value"),
    "high on exact count": (lambda d: _first_event_of(d, "Harm.Die")["attributes"].update(
        count={"value": 20, "qualifier": "EXACT", "high": 30}), "high is only for RANGE"),
    "count argument without count": (lambda d: _first_event_of(d, "Harm.Die")["attributes"].update(count=None),
                                     "has a Count argument but no normalised count"),
    "same trigger same type twice": (lambda d: d["events"].append({**d["events"][0], "id": "dupev"}),
                                     "has the same trigger"),
    "event cluster mixes types": (lambda d: d["events"][1].update(cluster=d["events"][0]["cluster"]),
                                  "mixes event types"),
    "gold event without cluster": (lambda d: d["events"][0].pop("cluster"), "event mention has no cluster"),
    "cluster id for entities and events": (lambda d: d["events"][0].update(cluster="usa"),
                                           "used for both entities and events"),
    "unknown schema version": (_set(["schema_version"], "0.9.0"), "is not shipped"),
    "missing schema version": (lambda d: d.pop("schema_version"), "missing or not a string"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_fails(seed, name):
    mutate, expected = CASES[name]
    mutate(seed)
    msgs = messages(seed)
    assert expected in msgs, f"{name}: expected {expected!r} in:\n{msgs}"
    # Every problem names file, line, document id, a field path and a fix.
    for p in problems(seed):
        assert p.file and p.line >= 1 and p.fix
        assert p.doc == seed.get("id")


def test_not_an_object():
    ps = problems([1, 2, 3])
    assert len(ps) == 1 and "must be a JSON object" in ps[0].message


def test_predictions_need_no_meta_or_clusters(seed):
    seed.pop("meta")
    for e in seed["entities"]:
        e.pop("cluster", None)
        e.pop("attributes", None)
    for v in seed["events"]:
        v.pop("cluster", None)
        v["attributes"] = {}
    assert problems(seed, gold=False) == []
    assert "'meta' is a required property" in messages(seed, gold=True)


def test_line_numbers_point_at_the_field(tmp_path, seed):
    seed["entities"][5]["text"] = "WRONG"
    f = tmp_path / f"{seed['id']}.json"
    f.write_text(dumps(seed), encoding="utf-8")
    ps, n = validate_paths([f])
    assert n == 1 and len(ps) == 1
    line = f.read_text().splitlines()[ps[0].line - 1]
    assert '"WRONG"' in line and ps[0].path == "entities[5].text"


def test_file_name_must_be_the_id(tmp_path, seed):
    f = tmp_path / "other-name.json"
    f.write_text(dumps(seed), encoding="utf-8")
    ps, _ = validate_paths([f])
    assert any("name the file cn-0000.json" in p.fix for p in ps)


def test_duplicate_document_ids_across_files(tmp_path, seed):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "cn-0000.json").write_text(dumps(seed), encoding="utf-8")
    (tmp_path / "cn-0000.json").write_text(dumps(seed), encoding="utf-8")
    ps, n = validate_paths([tmp_path])
    assert n == 2 and any("is also used in" in p.message for p in ps)


def test_jsonl_lines_are_reported(tmp_path, seed):
    bad = dict(seed, id="other")
    bad["entities"] = [dict(seed["entities"][0], start=99999)]
    bad["events"] = []
    f = tmp_path / "preds.jsonl"
    f.write_text(json.dumps(seed) + "\n\n" + json.dumps(bad) + "\n{broken\n", encoding="utf-8")
    ps, n = validate_paths([f], gold=False)
    assert n == 2
    assert {(p.line, p.doc) for p in ps} >= {(3, "other"), (4, None)}
    assert any("invalid JSON" in p.message and p.line == 4 for p in ps)


@pytest.mark.parametrize("content,expected", [
    (b"", "the file is empty"),
    (b'{"id": "x", "text": "abc"', "is it truncated"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8"),
    (b"[" * 100000, "nested too deeply"),
    (b"null", "must be a JSON object"),
])
def test_broken_files(tmp_path, content, expected):
    f = tmp_path / "bad.json"
    f.write_bytes(content)
    ps, _ = validate_paths([f])
    assert ps and any(expected in str(p) for p in ps), [str(p) for p in ps]


def test_missing_path_is_a_problem(tmp_path):
    ps, n = validate_paths([tmp_path / "nope.json"])
    assert n == 0 and "cannot read the file" in ps[0].message


# -- never a traceback -----------------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=25,
)
KEYS = ["id", "schema_version", "text", "meta", "entities", "events", "start", "end", "type", "trigger",
        "arguments", "role", "entity", "attributes", "cluster", "count", "value", "qualifier", "high"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_validator_never_crashes_on_mutations(seed_dict, data):
    """Replace any value anywhere in a real document by any JSON value: problems, never an exception."""
    import copy

    doc = copy.deepcopy(seed_dict)
    for _ in range(data.draw(st.integers(1, 4))):
        obj, key = doc, None
        for _depth in range(data.draw(st.integers(0, 4))):
            if isinstance(obj, dict) and obj:
                key = data.draw(st.sampled_from(sorted(obj)))
            elif isinstance(obj, list) and obj:
                key = data.draw(st.integers(0, len(obj) - 1))
            else:
                break
            if not isinstance(obj[key], (dict, list)):
                break
            obj = obj[key]
        value = data.draw(json_values | st.sampled_from([10**12, -5, "", "GPE", "Harm.Die", "Victim", "us1"]))
        if isinstance(obj, dict):
            obj[data.draw(st.sampled_from(KEYS) | st.sampled_from(sorted(obj) or ["id"]))] = value
        elif isinstance(obj, list) and obj:
            obj[data.draw(st.integers(0, len(obj) - 1))] = value
    for gold in (True, False):
        assert isinstance(problems(doc, gold=gold), list)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_validator_never_crashes_on_bytes(tmp_path_factory, raw):
    d = tmp_path_factory.mktemp("fuzz")
    for name in ("x.json", "x.jsonl"):
        (d / name).write_bytes(raw)
    ps, _ = validate_paths([d / "x.json", d / "x.jsonl"])
    assert all(p.message for p in ps)


def test_cli_exit_codes(tmp_path, seed):
    runner = CliRunner()
    ok = tmp_path / "cn-0000.json"
    ok.write_text(dumps(seed), encoding="utf-8")
    r = runner.invoke(main, ["validate", str(ok)])
    assert r.exit_code == 0 and "OK: 1 document(s) valid" in r.output
    seed["entities"][0]["type"] = "PLANET"
    ok.write_text(dumps(seed), encoding="utf-8")
    r = runner.invoke(main, ["validate", str(ok)])
    assert r.exit_code == 1 and "PLANET" in r.output and r.exception is None or isinstance(r.exception, SystemExit)


def test_cli_on_binary_garbage_has_no_traceback(tmp_path):
    f = tmp_path / "junk.json"
    f.write_bytes(os.urandom(2000))
    r = subprocess.run([sys.executable, "-m", "conflictnews.cli", "validate", str(f)], capture_output=True, text=True)
    assert r.returncode == 1
    assert "Traceback" not in r.stdout + r.stderr
    assert "junk.json" in r.stdout
