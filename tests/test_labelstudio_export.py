"""Corpus documents -> Label Studio tasks (no server needed)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conflictnews.document import Document
from conflictnews.labelstudio.cli import ls
from conflictnews.labelstudio.tasks import document_results, document_task, export_tasks, task_data
from conflictnews.schema import load_schema
from tests.test_labelstudio_fixtures import emoji_doc


@pytest.fixture(scope="module")
def schema():
    return load_schema("1.0.0")


def _by(results, rid, from_name):
    found = [r for r in results if r.get("id") == rid and r.get("from_name") == from_name]
    assert len(found) == 1, (rid, from_name, found)
    return found[0]


def test_task_data_carries_what_is_not_visual(schema):
    d = emoji_doc()
    data = task_data(d, schema)
    assert data["text"] == d["text"]
    cn = data["cn"]
    assert (cn["id"], cn["schema_version"], cn["offsets"]) == ("test-emoji", "1.0.0", "codepoint")
    assert cn["meta"] == d["meta"]
    assert cn["order"]["entities"] == [e["id"] for e in d["entities"]]
    assert cn["order"]["events"] == ["ev:1", "ev.2", "ev3"]
    assert cn["order"]["arguments"]["ev:1"][0] == ["Attacker", "rebels1"]
    assert "absent" not in cn  # nothing optional is missing in a gold document


def test_regions_attributes_and_relations(schema):
    d = emoji_doc()
    res = document_results(d, schema)
    t = d["text"]
    lab = _by(res, "idlib1", "entity")
    assert lab["type"] == "labels" and lab["to_name"] == "text" and lab["value"]["labels"] == ["GPE"]
    assert t[lab["value"]["start"]:lab["value"]["end"]] == "Idlib" == lab["value"]["text"]  # code points
    assert _by(res, "idlib1", "level")["value"]["choices"] == ["NAM"]
    assert _by(res, "idlib1", "cluster")["value"]["text"] == ["idlib"]
    assert _by(res, "sat1", "value")["value"]["text"] == ["2019-08-31"]
    assert not [r for r in res if r.get("id") == "sat1" and r.get("from_name") == "cluster"]  # TIME: no cluster
    assert _by(res, "ev.2", "trigger")["value"]["labels"] == ["Harm.Die"]
    assert _by(res, "ev.2", "polarity")["value"]["choices"] == ["POSITIVE"]
    assert _by(res, "ev.2", "modality")["value"]["choices"] == ["REPORTED"]
    assert _by(res, "ev.2", "count_value")["value"]["number"] == 12
    assert _by(res, "ev.2", "count_qualifier")["value"]["choices"] == ["RANGE"]
    assert _by(res, "ev.2", "count_high")["value"]["number"] == 15
    assert _by(res, "ev.2", "event_cluster")["value"]["text"] == ["deaths"]
    assert not [r for r in res if r.get("id") == "ev3" and r.get("from_name", "").startswith("count")]  # count null
    rels = [r for r in res if r["type"] == "relation"]
    # one relation per (trigger, entity) pair; an entity in two roles gets two labels
    assert {"from_id": "ev:1", "to_id": "idlib1", "type": "relation", "direction": "right",
            "labels": ["Place", "Target"]} in rels
    assert len(rels) == len({(r["from_id"], r["to_id"]) for r in rels}) == 9
    # per-region results repeat the span of their region, as the front-end writes them
    for r in res:
        if r["type"] != "relation":
            assert (r["value"]["start"], r["value"]["end"]) == (
                _by(res, r["id"], "entity" if not r["id"].startswith("ev") else "trigger")["value"]["start"],
                _by(res, r["id"], "entity" if not r["id"].startswith("ev") else "trigger")["value"]["end"])


def test_utf16_offsets(schema):
    d = emoji_doc()
    res = document_results(d, schema, offsets="utf16")
    u16 = d["text"].encode("utf-16-le")
    for r in res:
        if r["type"] == "labels":
            v = r["value"]
            assert u16[2 * v["start"]:2 * v["end"]].decode("utf-16-le") == v["text"]
    ent = {e["id"]: e for e in d["entities"]}
    assert _by(res, "idlib1", "entity")["value"]["start"] > ent["idlib1"]["start"]  # shifted by the emoji
    assert task_data(d, schema, offsets="utf16")["cn"]["offsets"] == "utf16"
    with pytest.raises(ValueError, match="offset unit"):
        document_results(d, schema, offsets="bytes")


def test_absent_optional_fields_are_recorded(schema):
    d = emoji_doc()
    d["events"][0]["attributes"].pop("modality")
    del d["events"][1]["attributes"]["count"]["high"]
    d["events"][2].pop("cluster")
    d["entities"][0].pop("cluster")
    absent = task_data(d, schema)["cn"]["absent"]
    assert absent == {"rebels1": ["cluster"], "ev:1": ["modality"], "ev.2": ["count.high"], "ev3": ["cluster"]}


def test_predictions_with_model_version_and_scores(schema):
    gold = Document.from_dict(emoji_doc())
    pred = emoji_doc()
    pred.pop("meta")
    pred["events"] = []
    pred["meta"] = {"scores": {"rebels1": 0.9, "idlib1": 0.5}}
    task = document_task(gold, schema, gold=False, predictions=[(pred, "rules-0.1")])
    assert "annotations" not in task
    (p,) = task["predictions"]
    assert p["model_version"] == "rules-0.1"
    assert p["score"] == pytest.approx(0.7)
    assert _by(p["result"], "rebels1", "entity")["score"] == 0.9
    assert "score" not in _by(p["result"], "civ1", "entity")
    pred["meta"] = {"score": 0.25}
    assert document_task(gold, schema, predictions=[(pred, "m")])["predictions"][0]["score"] == 0.25
    pred.pop("meta")
    assert document_task(gold, schema, predictions=[(pred, "m")])["predictions"][0]["score"] == 1.0
    pred["text"] = pred["text"] + " changed"
    with pytest.raises(ValueError, match="text differs"):
        document_task(gold, schema, predictions=[(pred, "m")])
    with pytest.raises(ValueError, match="model version"):
        export_tasks([gold], schema, predictions={gold.id: pred})


def _write_doc(tmp_path, d):
    p = tmp_path / f"{d['id']}.json"
    p.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    return p


def test_cli_export_split_and_files(tmp_path):
    out = tmp_path / "dev.json"
    r = CliRunner().invoke(ls, ["export", "--split", "dev", "-o", str(out)])
    assert r.exit_code == 0, r.output
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert tasks and all(t["data"]["cn"]["meta"]["split"] == "dev" for t in tasks)
    assert all(len(t["annotations"]) == 1 and "predictions" not in t for t in tasks)
    doc = _write_doc(tmp_path, emoji_doc())
    r = CliRunner().invoke(ls, ["export", str(doc), "--offsets", "utf16"])
    assert r.exit_code == 0, r.output
    (task,) = json.loads(r.stdout)
    assert task["data"]["cn"]["offsets"] == "utf16"


def test_cli_export_predictions(tmp_path):
    gold = emoji_doc()
    doc = _write_doc(tmp_path, gold)
    pred = {k: v for k, v in gold.items() if k != "meta"}
    other = dict(pred, id="not-exported")
    preds = tmp_path / "preds.jsonl"
    preds.write_text(json.dumps(pred, ensure_ascii=False) + "\n" + json.dumps(other, ensure_ascii=False) + "\n",
                     encoding="utf-8")
    r = CliRunner().invoke(ls, ["export", str(doc), "--predictions", str(preds), "--model-version", "crf-1",
                                "--no-gold"])
    assert r.exit_code == 0, r.output
    (task,) = json.loads(r.stdout)
    assert "annotations" not in task and task["predictions"][0]["model_version"] == "crf-1"
    assert "not-exported" in r.stderr
    r = CliRunner().invoke(ls, ["export", str(doc), "--predictions", str(preds)])
    assert r.exit_code != 0 and "--model-version" in r.output
    bad = dict(pred, entities=[dict(pred["entities"][0], start=0, end=3)])
    preds.write_text(json.dumps(bad, ensure_ascii=False) + "\n", encoding="utf-8")
    r = CliRunner().invoke(ls, ["export", str(doc), "--predictions", str(preds), "--model-version", "m"])
    assert r.exit_code == 1 and "differs from text" in r.stderr


def test_cli_export_rejects_invalid_documents(tmp_path):
    d = emoji_doc()
    d["entities"][0]["type"] = "NOT_A_TYPE"
    r = CliRunner().invoke(ls, ["export", str(_write_doc(tmp_path, d))])
    assert r.exit_code == 1 and "NOT_A_TYPE" in r.stderr


def test_cli_push_and_pull_need_a_server_address(tmp_path):
    env = {"LABEL_STUDIO_URL": "", "LABEL_STUDIO_API_KEY": ""}
    doc = _write_doc(tmp_path, emoji_doc())
    for args in (["push", str(doc)], ["pull", "--project-id", "1"]):
        r = CliRunner(env=env).invoke(ls, args)
        assert r.exit_code == 2 and "LABEL_STUDIO_URL" in r.output, args
