"""Label Studio export -> corpus documents: every problem reported, with task and annotation ids."""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner

from conflictnews.document import dumps
from conflictnews.labelstudio.cli import ls
from conflictnews.labelstudio.convert import annotation_to_document, choose, import_tasks, read_export
from conflictnews.labelstudio.tasks import export_tasks
from conflictnews.schema import load_schema
from tests.test_labelstudio_fixtures import as_ls_export, emoji_doc


@pytest.fixture()
def export():
    """One task (id 1) with the emoji document as one annotation (id 1001) by user 1."""
    return as_ls_export(export_tasks([emoji_doc()], load_schema("1.0.0")), seed=None)


def _ann(export):
    return export[0]["annotations"][0]


def _result(export, rid, from_name="entity"):
    return next(r for r in _ann(export)["result"] if r.get("id") == rid and r.get("from_name") == from_name)


def _one(export, **kw):
    item = annotation_to_document(export[0], _ann(export), **kw)
    return item, [str(p) for p in item.problems]


def _errors(item):
    return [p for p in item.problems if p.severity == "error"]


def test_clean_annotation(export):
    item, problems = _one(export)
    assert problems == []
    assert item.ok and item.doc == emoji_doc()
    assert (item.task, item.annotation, item.annotator) == (1, 1001, "user-1")


def test_every_problem_names_task_and_annotation(export):
    _result(export, "idlib1")["value"]["labels"] = ["CITY"]
    item, problems = _one(export)
    assert problems and all(p.startswith(("error: task 1, annotation 1001", "warning: task 1, annotation 1001",
                                          "info: task 1, annotation 1001")) for p in problems)


def test_several_annotators_cancelled_skipped_and_drafts():
    schema = load_schema("1.0.0")
    tasks = export_tasks([emoji_doc("doc-a"), emoji_doc("doc-b")], schema)
    ex = as_ls_export(tasks, annotators=[1, 2])
    ex[0]["annotations"][1]["was_cancelled"] = True  # user 2 skipped doc-a
    ex[0]["annotations"][1]["result"] = []
    ex.append({"id": 99, "data": {"text": "nothing yet"}, "annotations": [], "drafts": [{"id": 5, "result": []}]})
    res = import_tasks(ex)
    assert [(i.task, i.annotator) for i in res.items] == [(1, "user-1"), (2, "user-1"), (2, "user-2")]
    msgs = [str(p) for p in res.problems]
    assert any("task 1, annotation 1002" in m and "skipped (cancelled) by user-2" in m for m in msgs)
    assert any("task 99" in m and "no annotation" in m for m in msgs)
    assert any("task 99" in m and "draft 5" in m for m in msgs)
    chosen, problems = choose(res)
    assert [c.doc["id"] for c in chosen] == ["doc-a"]
    (err,) = problems
    assert err.severity == "error" and err.task == 2 and "1003 (user-1), 1004 (user-2)" in err.message
    chosen, _ = choose(res, annotator="user-2")
    assert [(c.doc["id"], c.annotation) for c in chosen] == [("doc-b", 1004)]
    ex[1]["annotations"][1]["ground_truth"] = True
    chosen, problems = choose(import_tasks(ex))
    assert [(c.doc["id"], c.annotator) for c in chosen] == [("doc-a", "user-1"), ("doc-b", "user-2")]
    assert by_annotator_docs(import_tasks(ex)) == {"user-1": ["doc-a", "doc-b"], "user-2": ["doc-b"]}


def by_annotator_docs(res):
    return {a: sorted(d) for a, d in res.by_annotator().items()}


def test_relations_in_either_direction(export):
    for r in _ann(export)["result"]:
        if r["type"] == "relation" and r["to_id"] in ("idlib1", "civ1"):
            r["from_id"], r["to_id"] = r["to_id"], r["from_id"]
            r["direction"] = "left"
    item, problems = _one(export)
    assert problems == [] and item.doc == emoji_doc()


def test_the_other_offset_unit_is_detected(export):
    v = _result(export, "idlib1")["value"]
    t = emoji_doc()["text"]
    v["start"] = len(t[:v["start"]].encode("utf-16-le")) // 2  # as an old front-end would write them
    v["end"] = v["start"] + 5
    item, problems = _one(export)
    assert item.doc == emoji_doc()
    assert len(problems) == 1 and "warning" in problems[0] and "utf16" in problems[0] and "region idlib1" in problems[0]
    # and the other way round: a utf16 export whose region was written in code points
    ex16 = as_ls_export(export_tasks([emoji_doc()], load_schema("1.0.0"), offsets="utf16"), seed=None)
    assert annotation_to_document(ex16[0], ex16[0]["annotations"][0]).problems == []
    v = _result(ex16, "civ1")["value"]
    v["start"], v["end"] = t.index("civilians"), t.index("civilians") + 9
    item = annotation_to_document(ex16[0], ex16[0]["annotations"][0])
    assert item.doc == emoji_doc() and "codepoint" in str(item.problems[0])


def test_region_text_not_matching_offsets(export):
    v = _result(export, "civ1")["value"]
    v["start"] += 2
    v["end"] += 2  # moved: the text 'civilians' is found nearby
    item, problems = _one(export)
    assert item.doc == emoji_doc()
    assert len(problems) == 1 and "moved to its nearest occurrence" in problems[0]
    v["text"] = "soldiers"  # a text the document does not contain
    item, problems = _one(export)
    (err,) = [p for p in problems if p.startswith("error") and "region civ1" in p]
    assert "'soldiers' does not match the document" in err and "task 1, annotation 1001" in err
    assert not item.ok
    v["start"], v["end"] = 10_000, 10_008
    item, problems = _one(export)
    assert any("outside the text" in p for p in problems)
    assert "civ1" not in {e["id"] for e in item.doc["entities"]} and not item.ok
    assert any("region 'PER' dropped" in p for p in problems)


def test_unknown_labels_are_reported_and_kept(export):
    _result(export, "idlib1")["value"]["labels"] = ["CITY"]
    _result(export, "ev3", "trigger")["value"]["labels"] = ["Movement.Flee"]
    rel = next(r for r in _ann(export)["result"] if r["type"] == "relation" and r["to_id"] == "civ1")
    rel["labels"] = ["Casualty"]
    item, problems = _one(export)
    assert not item.ok
    ents = {e["id"]: e for e in item.doc["entities"]}
    assert ents["idlib1"]["type"] == "CITY"  # kept as given, never dropped
    assert {v["id"]: v["type"] for v in item.doc["events"]}["ev3"] == "Movement.Flee"
    assert {"role": "Casualty", "entity": "civ1"} in item.doc["events"][1]["arguments"]
    assert sum("'CITY'" in p for p in problems) == 1  # reported once (the validator's echo is folded in)
    assert any("'Movement.Flee'" in p and "not in schema 1.0.0" in p for p in problems)
    assert any("role 'Casualty' is not in schema" in p for p in problems)


def test_bad_relations(export):
    res = _ann(export)["result"]
    res.append({"from_id": "rebels1", "to_id": "idlib1", "type": "relation", "direction": "right", "labels": ["Place"]})
    res.append({"from_id": "ev:1", "to_id": "ghost", "type": "relation", "direction": "right", "labels": ["Target"]})
    res.append({"from_id": "ev.2", "to_id": "rebels1", "type": "relation", "direction": "right", "labels": []})
    res.append({"from_id": "ev.2", "to_id": "ev3", "type": "relation", "direction": "right", "labels": ["Target"]})
    item, problems = _one(export)
    errs = [p for p in problems if p.startswith("error")]
    assert any("links two entity mentions" in p for p in errs)
    assert any("ghost do not exist" in p for p in errs)
    assert any("relation without a role" in p for p in errs)
    assert any("links two triggers" in p for p in errs)
    assert len(errs) == 4


def test_region_problems(export):
    res = _ann(export)["result"]
    _result(export, "obs1")["value"]["labels"] = ["NGO", "ORG"]
    v = _result(export, "rebels1")["value"]
    v["end"] += 1
    v["text"] += " "  # the browser selected the space after the word
    res.append({"id": "zzz", "from_name": "level", "to_name": "text", "type": "choices",
                "value": {"start": 0, "end": 1, "choices": ["NAM"]}})
    res.append({"id": "sat1", "from_name": "level", "to_name": "text", "type": "choices",
                "value": {"start": 0, "end": 1, "choices": ["NAM"]}})
    res.append({"id": "x", "from_name": "sentiment", "to_name": "text", "type": "choices",
                "value": {"choices": ["positive"]}})
    item, problems = _one(export)
    assert item.doc["entities"] == emoji_doc()["entities"]
    assert any("several labels ['NGO', 'ORG']" in p and p.startswith("error") for p in problems)
    assert any("trimmed to 'Rebels'" in p and p.startswith("warning") for p in problems)
    assert any("region zzz" in p and "no (usable) label" in p for p in problems)
    assert any("region sat1" in p and "does not apply to TIME" in p for p in problems)
    assert any("control 'sentiment' is not part of the config" in p for p in problems)


def test_new_regions_get_ids_clusters_and_defaults(export):
    t = emoji_doc()["text"]
    s = t.index("Observatory")
    res = _ann(export)["result"]
    # the annotator added a trigger with a Label Studio id and set nothing else on it
    s = t.index("said")
    res.append({"id": "-Q8h_k2", "from_name": "trigger", "to_name": "text", "type": "labels",
                "value": {"start": s, "end": s + 4, "text": "said", "labels": ["Communicate.Statement"]}})
    s = t.index("Saturday")
    res.append({"id": "Ab3", "from_name": "entity", "to_name": "text", "type": "labels",
                "value": {"start": 0, "end": 1, "text": "🔥", "labels": ["WEA"]}})
    res.append({"id": "Ab3", "from_name": "level", "to_name": "text", "type": "choices",
                "value": {"start": 0, "end": 1, "choices": ["NOM"]}})
    res.append({"id": "ev.2", "from_name": "count_value", "to_name": "text", "type": "number",
                "value": {"start": 0, "end": 1, "number": 13.0}})
    for r in list(res):
        if r.get("id") == "ev.2" and r.get("from_name") in ("count_qualifier", "count_high"):
            res.remove(r)
    item, problems = _one(export)
    new = item.doc["events"][-1]
    assert new["id"] == "r-Q8h_k2" and new["type"] == "Communicate.Statement"
    assert new["attributes"] == {"polarity": "POSITIVE", "modality": "ACTUAL"} and new["cluster"] == "ev-1"
    assert item.doc["entities"][-1] == {"id": "Ab3", "type": "WEA", "start": 0, "end": 1, "text": "🔥",
                                        "cluster": "cl-1", "attributes": {"level": "NOM"}}
    die = item.doc["events"][1]
    # two count values (12 and 13): the first kept, reported; no qualifier: EXACT, reported
    assert die["attributes"]["count"] == {"value": 12, "qualifier": "EXACT", "high": None}
    assert any("count value: several values [12, 13]" in p for p in problems)
    assert any("EXACT assumed" in p for p in problems)
    assert any("polarity not set: schema default POSITIVE" in p and p.startswith("info") for p in problems)
    assert any("no cluster: singleton cluster 'cl-1'" in p for p in problems)


def test_validator_problems_name_the_annotation(export):
    _ann(export)["result"] = [r for r in _ann(export)["result"]
                              if not (r.get("id") == "civ1" and r.get("from_name") == "level")]
    item, problems = _one(export)
    (err,) = _errors(item)
    assert err.region == "civ1" and "lacks the required attribute 'level'" in err.message
    assert str(err).startswith("error: task 1, annotation 1001 [test-emoji]: region civ1: invalid: entities[4]")


def test_task_without_conflictnews_data():
    ex = [{"id": 7, "data": {"text": "Rebels attacked Idlib."},
           "annotations": [{"id": 8, "completed_by": {"id": 3, "email": "ann@example.org"}, "result": [
               {"id": "a1", "from_name": "entity", "to_name": "text", "type": "labels",
                "value": {"start": 16, "end": 21, "text": "Idlib", "labels": ["GPE"]}}]}]}]
    (item,) = import_tasks(ex).items
    assert item.doc["id"] == "ls-task-7" and "meta" not in item.doc and item.annotator == "ann@example.org"
    assert item.doc["entities"] == [{"id": "a1", "type": "GPE", "start": 16, "end": 21, "text": "Idlib",
                                     "cluster": "cl-1"}]
    assert item.ok  # validated as a prediction (no meta): the missing level is not required there
    assert any("no data.cn" in str(p) for p in item.problems)


def test_cli_import(tmp_path, export):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "docs"
    r = CliRunner().invoke(ls, ["import", str(path), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert (out / "test-emoji.json").read_text(encoding="utf-8") == dumps(emoji_doc())
    # check only
    r = CliRunner().invoke(ls, ["import", str(path)])
    assert r.exit_code == 0 and "nothing written" in r.stderr
    # errors: exit 1, not written unless --force, report as JSON
    bad = copy.deepcopy(export)
    _result(bad, "idlib1")["value"]["labels"] = ["CITY"]
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    out2, rep = tmp_path / "docs2", tmp_path / "report.json"
    r = CliRunner().invoke(ls, ["import", str(path), "-o", str(out2), "--report", str(rep)])
    assert r.exit_code == 1 and "'CITY'" in r.stderr and not (out2 / "test-emoji.json").exists()
    report = json.loads(rep.read_text(encoding="utf-8"))
    assert report[0]["task"] == 1 and report[0]["annotation"] == 1001 and report[0]["region"] == "idlib1"
    r = CliRunner().invoke(ls, ["import", str(path), "-o", str(out2), "--force"])
    assert r.exit_code == 1 and (out2 / "test-emoji.json").exists()


def test_cli_import_several_annotators(tmp_path):
    ex = as_ls_export(export_tasks([emoji_doc()], load_schema("1.0.0")), annotators=[4, 9])
    path = tmp_path / "export.json"
    path.write_text(json.dumps(ex, ensure_ascii=False), encoding="utf-8")
    r = CliRunner().invoke(ls, ["import", str(path), "-o", str(tmp_path / "flat")])
    assert r.exit_code == 1 and "2 annotations" in r.stderr and "--annotator" in r.stderr
    r = CliRunner().invoke(ls, ["import", str(path), "-o", str(tmp_path / "one"), "--annotator", "user-9"])
    assert r.exit_code == 0 and (tmp_path / "one" / "test-emoji.json").exists()
    r = CliRunner().invoke(ls, ["import", str(path), "-o", str(tmp_path / "all"), "--per-annotator"])
    assert r.exit_code == 0
    assert sorted(p.relative_to(tmp_path / "all").as_posix() for p in (tmp_path / "all").rglob("*.json")) == [
        "user-4/test-emoji.json", "user-9/test-emoji.json"]


def test_read_export_accepts_json_lines(tmp_path, export):
    p = tmp_path / "x.jsonl"
    p.write_text("\n".join(json.dumps(t) for t in export), encoding="utf-8")
    assert read_export(p) == export
    p.write_text('{"not": "tasks"', encoding="utf-8")
    with pytest.raises(ValueError):
        read_export(p)
