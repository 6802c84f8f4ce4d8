"""Reading and checking predictions: which problems are fatal, which are warnings, and the CLI exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

try:
    from .conftest_eval import SEED_DOC, deep, write_jsonl
except ImportError:  # tests/ not a package
    from conftest_eval import SEED_DOC, deep, write_jsonl

from conflictnews.corpus import load_documents
from conflictnews.eval.cli import score
from conflictnews.eval.predictions import WARNING_RULES, load_predictions
from conflictnews.eval.scorer import score_documents


@pytest.fixture(scope="module")
def gold():
    return load_documents([SEED_DOC])


@pytest.fixture
def pred(gold) -> dict:
    d = deep(gold[0].to_dict())
    d.pop("meta")
    return d


def issues_by_line(ps):
    out: dict[int, list] = {}
    for i in ps.issues:
        out.setdefault(i.line, []).append(i)
    return out


def test_clean_prediction(tmp_path, gold, pred):
    ps = load_predictions(write_jsonl(tmp_path / "p.jsonl", [pred]), gold)
    assert ps.issues == [] and list(ps.documents) == ["cn-0000"] and ps.missing_ids == []
    # a JSON array works too
    (tmp_path / "p.json").write_text(json.dumps([pred]), encoding="utf-8")
    assert list(load_predictions(tmp_path / "p.json", gold).documents) == ["cn-0000"]


def test_errors_name_file_line_and_document(tmp_path, gold, pred):
    bad = deep(pred)
    bad["entities"][0]["end"] = len(bad["text"]) + 5  # offsets outside the text
    bad["entities"][1]["text"] = "not the slice"  # text != slice
    bad["entities"][2]["type"] = "ALIEN"  # unknown entity type
    bad["events"][0]["arguments"][0]["role"] = "Cook"  # unknown role
    bad["events"][1]["arguments"].append({"role": "Agent", "entity": "nobody"})  # dangling
    lines = ["{not json", json.dumps({**deep(pred), "id": "zz-999"}), json.dumps(bad), json.dumps(pred),
             json.dumps(pred)]
    f = tmp_path / "p.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ps = load_predictions(f, gold)
    by = issues_by_line(ps)
    assert ps.fatal
    assert by[1][0].severity == "error" and "invalid JSON" in by[1][0].message
    assert by[2][0].severity == "warning" and "zz-999" in by[2][0].message and ps.unknown_ids == ["zz-999"]
    errs3 = [i for i in ps.errors if i.line == 3]
    text = "\n".join(str(i) for i in errs3)
    for needle in ("outside the text", "differs from text[", "ALIEN", "Cook", "dangling"):
        assert needle in text, needle
    assert all(str(f) in str(i) and "cn-0000" in str(i) for i in errs3)
    # lines 4 and 5 predict cn-0000 again: ambiguous, whatever line 3 held
    dup = [i for i in ps.errors if "predicted twice" in i.message]
    assert [i.line for i in dup] == [4, 5] and all(f"{f}:3" in i.message for i in dup)


def test_warnings_are_scored_and_duplicates_collapse(tmp_path, gold, pred):
    w = deep(pred)
    w["entities"].append({**deep(w["entities"][0]), "id": "dup-ent"})  # duplicate mention
    w["events"].append({**deep(w["events"][0]), "id": "dup-ev"})  # duplicate event
    w["events"][0]["arguments"].append(deep(w["events"][0]["arguments"][0]))  # duplicate argument
    ps = load_predictions(write_jsonl(tmp_path / "w.jsonl", [w]), gold)
    assert not ps.fatal and ps.warnings and list(ps.documents) == ["cn-0000"]
    msgs = " | ".join(i.message for i in ps.warnings)
    assert "already annotated" in msgs and "same trigger" in msgs and "listed twice" in msgs
    assert all(i.doc == "cn-0000" and i.line >= 1 for i in ps.warnings)
    f = score_documents(gold, ps.documents).figures()
    assert f[("entities.strict", "micro", "f1")] == 1.0 and f[("arguments.classification", "micro", "f1")] == 1.0


def test_gold_text_mismatch_is_fatal(tmp_path, gold, pred):
    p = deep(pred)
    p["text"] = p["text"].replace(" ", "  ", 1)
    ps = load_predictions(write_jsonl(tmp_path / "t.jsonl", [p]), gold)
    assert ps.fatal and any("differs from the gold document's text" in i.message for i in ps.errors)


def test_missing_documents_are_counted(tmp_path, gold, pred):
    other = deep(gold[0].to_dict())
    other["id"] = "cn-9999"
    g2 = gold + [type(gold[0]).from_dict(other)]
    ps = load_predictions(write_jsonl(tmp_path / "m.jsonl", [pred]), g2)
    assert ps.missing_ids == ["cn-9999"] and ps.summary()["missing_documents"] == 1
    f = score_documents(g2, ps.documents).figures()
    assert f[("entities.strict", "micro", "recall")] == pytest.approx(0.5)
    assert f[("entities.strict", "micro", "precision")] == 1.0


def test_every_warning_rule_matches_a_validator_message(tmp_path, gold, pred):
    """The warning patterns follow the validator's wording: if a message changes, it becomes an error
    (never silently accepted) and this test names the pattern that no longer matches."""
    p = deep(pred)
    ents, evs = p["entities"], p["events"]
    t = p["text"]
    ents.append({**deep(ents[0]), "id": "x1"})  # already annotated
    ents.append({"id": "x2", "type": "GPE", "start": ents[0]["start"], "end": ents[0]["end"] + 1,
                 "text": t[ents[0]["start"]:ents[0]["end"] + 1]})  # may end with white space / cross
    evs.append({**deep(evs[0]), "id": "x3"})  # same trigger
    evs[0]["arguments"].append(deep(evs[0]["arguments"][0]))  # listed twice
    time_ent = next(e for e in ents if e["type"] == "TIME")
    time_ent["cluster"] = "tc"  # not clustered type
    evs[1]["arguments"].append({"role": "Place", "entity": time_ent["id"]})  # cannot be filled by TIME
    ents[0]["attributes"] = {"value": "2019"}  # attribute does not apply
    ps = load_predictions(write_jsonl(tmp_path / "r.jsonl", [p]), gold)
    assert not ps.fatal, [str(i) for i in ps.errors]
    msgs = [i.message for i in ps.warnings]
    for needle in ("already annotated", "same trigger", "listed twice", "not clustered", "cannot be filled",
                   "does not apply"):
        assert any(needle in m for m in msgs), needle
    assert len(WARNING_RULES) >= 10


# -- the command line ------------------------------------------------------------------------------
def test_cli_exit_2_lists_every_error(tmp_path, pred):
    bad = deep(pred)
    bad["entities"][0]["type"] = "ALIEN"
    bad["events"][0]["arguments"][0]["role"] = "Cook"
    f = tmp_path / "bad.jsonl"
    f.write_text("{oops\n" + json.dumps(bad) + "\n", encoding="utf-8")
    r = CliRunner().invoke(score, ["--pred", str(f), "--gold", str(SEED_DOC), "--quiet"])
    assert r.exit_code == 2
    assert "bad.jsonl:1" in r.output and "invalid JSON" in r.output
    assert "ALIEN" in r.output and "Cook" in r.output and "[cn-0000]" in r.output
    assert "nothing scored" in r.output


def test_cli_scores_with_warnings_and_reports_missing(tmp_path, pred):
    f = write_jsonl(tmp_path / "p.jsonl", [{**deep(pred), "id": "unknown-doc"}])
    out = tmp_path / "r.json"
    r = CliRunner().invoke(score, ["--pred", str(f), "--gold", str(SEED_DOC), "--json", str(out), "--quiet",
                                   "--resamples", "50"])
    assert r.exit_code == 0, r.output
    assert "unknown-doc" in r.output and "scored as empty" in r.output
    rep = json.loads(out.read_text())
    assert rep["predictions"]["missing_documents"] == 1 and rep["predictions"]["unknown_ids"] == ["unknown-doc"]
    assert rep["metrics"]["entities.strict"]["micro"]["recall"] == 0.0


def test_cli_unknown_gold_split_or_path(tmp_path, pred):
    f = write_jsonl(tmp_path / "p.jsonl", [pred])
    r = CliRunner().invoke(score, ["--pred", str(f), "--gold", "nowhere/at/all", "--quiet"])
    assert r.exit_code == 2 and "neither a split" in r.output
