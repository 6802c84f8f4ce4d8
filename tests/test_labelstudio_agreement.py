"""Agreement between several Label Studio annotators and merging them into one gold."""

from __future__ import annotations

import copy
import json
import math

import pytest
from click.testing import CliRunner

from conflictnews.document import Document, dumps
from conflictnews.labelstudio.agreement import fleiss_kappa, merge_documents, multi_agreement
from conflictnews.labelstudio.cli import ls
from conflictnews.labelstudio.tasks import document_results, export_tasks
from conflictnews.records import Record
from conflictnews.schema import load_schema
from conflictnews.validate import validate_record
from tests.test_labelstudio_fixtures import as_ls_export, emoji_doc

SCHEMA = load_schema("1.0.0")

# Fleiss (1971) as worked on Wikipedia ("Fleiss' kappa", worked example): 10 subjects, 14 raters,
# 5 categories; P_bar = 0.378, P_e = 0.213, kappa = 0.210.
WIKI = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]


def test_fleiss_worked_example():
    assert fleiss_kappa(WIKI) == pytest.approx(0.2099, abs=1e-4)
    # the intermediate figures of the worked example
    p_bar = sum((sum(x * x for x in r) - 14) / (14 * 13) for r in WIKI) / 10
    assert p_bar == pytest.approx(0.378, abs=1e-3)


def test_fleiss_two_raters_is_scotts_pi():
    pairs = [("A", "A"), ("A", "B"), ("B", "B"), ("A", "A"), ("C", "B"), ("C", "C")]
    table = [[(a == c) + (b == c) for c in "ABC"] for a, b in pairs]
    po = sum(a == b for a, b in pairs) / len(pairs)
    marg = {c: sum((a == c) + (b == c) for a, b in pairs) / (2 * len(pairs)) for c in "ABC"}
    pe = sum(v * v for v in marg.values())
    assert fleiss_kappa(table) == pytest.approx((po - pe) / (1 - pe))


def test_fleiss_edge_cases():
    assert fleiss_kappa([[3, 0], [0, 2], [2, 0]]) == pytest.approx(1.0)  # items with 3 and 2 raters
    assert fleiss_kappa([[2], [4]]) == 1.0  # one category used by everyone
    assert math.isnan(fleiss_kappa([]))
    assert math.isnan(fleiss_kappa([[1, 0]]))  # one rater: no item


def _variants():
    """Three annotators of the emoji document: 1 = reference, 2 = one type and one level changed,
    3 = one event missing and a cluster split."""
    a = emoji_doc()
    b = copy.deepcopy(a)
    b["entities"][1]["type"] = "LOC"  # Idlib GPE -> LOC
    b["entities"][1].pop("attributes")
    b["entities"][1]["attributes"] = {"level": "NAM"}
    b["entities"][4]["attributes"]["level"] = "PRO"
    b["events"][0]["arguments"] = [x for x in b["events"][0]["arguments"] if x["entity"] != "idlib1"]
    b["events"][1]["arguments"] = [x for x in b["events"][1]["arguments"] if x["entity"] != "idlib1"]
    c = copy.deepcopy(a)
    c["events"] = c["events"][:2]
    c["entities"][6]["cluster"] = "other"  # 'It' out of the Observatory's cluster
    return {"user-1": a, "user-2": b, "user-3": c}


def _export(variants: dict) -> list[dict]:
    """A Label Studio export of one task annotated by each variant's author."""
    (task,) = export_tasks([variants["user-1"]], SCHEMA)
    task["annotations"] = [{"result": document_results(doc, SCHEMA)} for doc in variants.values()]
    ex = as_ls_export([task])
    for k, name in enumerate(variants):
        ex[0]["annotations"][k]["completed_by"] = int(name.split("-")[1])
    return ex


def test_multi_agreement():
    v = {n: {d["id"]: Document.from_dict(d)} for n, d in ((n, d) for n, d in _variants().items())}
    ag = multi_agreement(v, resamples=20)
    assert ag.annotators == ["user-1", "user-2", "user-3"]
    assert [(p.a, p.b) for p in ag.pairs] == [("user-1", "user-2"), ("user-1", "user-3"), ("user-2", "user-3")]
    p12, p13, _ = ag.pairs
    assert p12.figures["entity strict F1"] == pytest.approx(7 / 8)
    assert p12.figures["trigger F1 (span + type)"] == 1.0
    assert p13.figures["trigger F1 (span + type)"] == pytest.approx(2 * 2 / 5)
    assert p13.figures["entity strict F1"] == 1.0
    assert p12.matched["entities"] == 8
    assert ag.overall["entity strict F1"] == pytest.approx((7 / 8 + 1 + 7 / 8) / 3)
    # Fleiss on the 8 spans all three marked: one of them typed differently by one annotator
    assert ag.fleiss_items["entity types (spans all marked)"] == 8
    assert 0 < ag.fleiss["entity types (spans all marked)"] < 1
    assert ag.fleiss["event types (triggers all marked)"] == 1.0
    md = ag.markdown()
    assert "user-1 / user-2" in md and "mean of pairs" in md and "Fleiss' kappa" in md
    json.dumps(ag.to_dict())


def test_merge_majority():
    v = {n: Document.from_dict(d) for n, d in _variants().items()}
    res = merge_documents(v)
    doc = res.doc
    ref = emoji_doc()
    assert doc["entities"] == ref["entities"]  # GPE 2:1, level NOM 2:1, 'It' stays with obs 2:1
    assert doc["events"] == ref["events"]  # ev3 kept by 2 of 3; the arguments 2:1
    assert doc["meta"]["annotation"]["annotators"] == ["user-1", "user-2", "user-3"]
    assert validate_record(Record(doc, "m", 1), gold=True) == []
    kinds = {(c.kind, c.resolution) for c in res.conflicts}
    assert ("entity", "kept") in kinds and ("entity", "dropped") in kinds  # Idlib GPE kept, Idlib LOC dropped
    assert ("event", "kept") in kinds and ("entity attribute", "'NOM'") in kinds
    assert ("entity cluster", "same cluster") in kinds and ("argument", "kept") in kinds
    ev3 = next(c for c in res.conflicts if c.kind == "event")
    assert ev3.votes == {"user-1": True, "user-2": True, "user-3": False} and "'fled'" in ev3.item
    # with --min-votes 3 only what everybody has survives
    strict = merge_documents(v, min_votes=3).doc
    assert [e["type"] for e in strict["entities"] if e["text"] == "Idlib"] == []
    assert [x["type"] for x in strict["events"]] == ["Attack.Shelling", "Harm.Die"]


def test_merge_base_lists_conflicts():
    v = {n: Document.from_dict(d) for n, d in _variants().items()}
    res = merge_documents(v, strategy="base", base="user-2")
    b = _variants()["user-2"]
    assert res.doc["entities"] == b["entities"] and res.doc["events"] == b["events"]
    assert any(c.kind == "entity" and c.resolution == "kept" and "LOC 'Idlib'" in c.item for c in res.conflicts)
    assert any(c.kind == "entity" and c.resolution == "dropped" and "GPE 'Idlib'" in c.item for c in res.conflicts)
    with pytest.raises(ValueError, match="needs --base"):
        merge_documents(v, strategy="base")
    with pytest.raises(ValueError, match="did not annotate"):
        merge_documents(v, base="user-9")


def test_merge_two_annotators_tie_goes_to_base():
    v = _variants()
    two = {"user-1": Document.from_dict(v["user-1"]), "user-2": Document.from_dict(v["user-2"])}
    res = merge_documents(two, base="user-2")  # majority of 2 = both; ties of values go to the base
    civ = next(e for e in res.doc["entities"] if e["text"] == "civilians")
    assert civ["attributes"]["level"] == "PRO"
    assert not any(e["text"] == "Idlib" for e in res.doc["entities"])  # no majority for either type


def test_cli_agreement_and_merge(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_export(_variants()), ensure_ascii=False), encoding="utf-8")
    out_json = tmp_path / "ag.json"
    r = CliRunner().invoke(ls, ["agreement", str(path), "--resamples", "10", "--json", str(out_json)])
    assert r.exit_code == 0, r.output
    assert "user-1 / user-3" in r.stdout
    assert json.loads(out_json.read_text())["fleiss_items"]["entity types (spans all marked)"] == 8
    out = tmp_path / "gold"
    r = CliRunner().invoke(ls, ["merge", str(path), "-o", str(out)])
    assert r.exit_code == 0, r.output
    merged = json.loads((out / "test-emoji.json").read_text(encoding="utf-8"))
    assert merged["entities"] == emoji_doc()["entities"]
    conflicts = json.loads((out / "conflicts.json").read_text(encoding="utf-8"))
    assert conflicts and all({"doc", "kind", "item", "votes", "resolution"} <= set(c) for c in conflicts)
    r = CliRunner().invoke(ls, ["merge", str(path), "-o", str(tmp_path / "g2"), "--strategy", "base",
                                "--base", "user-3"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "g2" / "test-emoji.json").read_text(encoding="utf-8") == dumps(
        merge_documents({n: Document.from_dict(d) for n, d in _variants().items()}, strategy="base",
                        base="user-3").doc)
    r = CliRunner().invoke(ls, ["merge", str(path), "-o", str(tmp_path / "g3"), "--strategy", "base"])
    assert r.exit_code != 0 and "--base" in r.output


def test_cli_agreement_needs_two_annotators(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(as_ls_export(export_tasks([emoji_doc()], SCHEMA))), encoding="utf-8")
    r = CliRunner().invoke(ls, ["agreement", str(path)])
    assert r.exit_code == 1 and "two annotators" in r.stderr
