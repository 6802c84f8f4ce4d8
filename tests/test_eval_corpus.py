"""The scorer on the real shipped corpus, and the command line end to end."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

try:
    from .conftest_eval import SEED_DOC, deep, prediction_dict, valid_corpus_documents, write_jsonl
except ImportError:  # tests/ not a package
    from conftest_eval import SEED_DOC, deep, prediction_dict, valid_corpus_documents, write_jsonl

from conflictnews.document import Document
from conflictnews.eval.cli import compare, score
from conflictnews.eval.report import build_report, to_markdown
from conflictnews.eval.scorer import score_documents

FAMILIES = ("entities.strict", "entities.partial", "triggers.classification", "arguments.classification",
            "coreference.conll", "records.all")


@pytest.fixture(scope="module")
def corpus():
    docs = valid_corpus_documents()
    assert any(d.id == "cn-0000" for d in docs), "the seed gold document must validate"
    return docs


def corrupt(doc: Document, k: int = 0) -> dict:
    """A still-valid prediction that is wrong in every layer: every 4th entity mention not used as an
    argument dropped, every 3rd event dropped, entity clusters broken into singletons every 5th mention,
    event clusters removed, counts changed."""
    d = prediction_dict(doc)
    used = {a["entity"] for v in d["events"] for a in v["arguments"]}
    d["entities"] = [e for i, e in enumerate(d["entities"]) if e["id"] in used or (i + k) % 4]
    for i, e in enumerate(d["entities"]):
        if "cluster" in e and i % 5 == 0:
            e["cluster"] = f"single-{i}"
    d["events"] = [v for i, v in enumerate(d["events"]) if (i + k) % 3]
    for v in d["events"]:
        v.pop("cluster", None)
        c = v["attributes"].get("count")
        if c:
            c["value"] += 1
            if c.get("high") is not None:
                c["high"] += 1
    return d


def test_gold_against_itself_is_perfect(corpus):
    s = score_documents(corpus, {d.id: d for d in corpus})
    f = s.figures()
    assert s.coref_scored
    bad = {k: v for k, v in f.items() if k[2] in ("f1", "precision", "recall", "value") and v != 1.0}
    assert not bad
    assert f[("entities.strict", "micro", "n_gold")] >= 226
    ci = s.bootstrap(resamples=200)
    assert ci.get(("coreference.conll", "", "f1")) == (1.0, 1.0)


def test_corrupted_copy_scores_lower_in_every_family(corpus):
    preds = {d.id: Document.from_dict(corrupt(d, i)) for i, d in enumerate(corpus)}
    f = score_documents(corpus, preds).figures()
    for fam in FAMILIES:
        key = (fam, "" if fam.startswith("coreference") else "micro", "f1")
        assert 0.0 < f[key] < 1.0, fam
    # dropping predictions never costs precision of what is left, only recall
    assert f[("triggers.classification", "micro", "precision")] == 1.0
    assert f[("triggers.classification", "micro", "recall")] < 0.75


def test_report_and_markdown_on_the_seed(corpus):
    gold = [d for d in corpus if d.id == "cn-0000"]
    pred = {"cn-0000": Document.from_dict(corrupt(gold[0]))}
    s = score_documents(gold, pred)
    rep = build_report(s, s.bootstrap(resamples=100), gold_source="seed", system="corrupt", schema_version="1.0.0")
    json.dumps(rep)  # serialisable
    assert rep["metrics"]["entities.strict"]["counts"]["micro"]["possible"] == 226
    assert set(rep["metrics"]["entities.strict"]["micro"]["ci"]) == {"precision", "recall", "f1"}
    assert "rule" in rep["metrics"]["records.all"] and "linear_sum_assignment" in rep["metrics"]["records.all"]["rule"]
    assert "(doc, event type, argument start, argument end, role)" in rep["metrics"]["arguments.classification"]["rule"]
    md = to_markdown(rep)
    assert md.count("| corrupt |") == 1 and "### Rules" in md and "Arg-C F1" in md


def test_cli_score_writes_json_markdown_and_plots(tmp_path, corpus):
    gold = [d for d in corpus if d.id == "cn-0000"][0]
    f = write_jsonl(tmp_path / "sys.jsonl", [corrupt(gold)])
    r = CliRunner().invoke(score, ["--pred", str(f), "--gold", str(SEED_DOC), "--json", str(tmp_path / "r.json"),
                                   "--markdown", str(tmp_path / "r.md"), "--plots", str(tmp_path / "plots"),
                                   "--resamples", "200"])
    assert r.exit_code == 0, r.output
    rep = json.loads((tmp_path / "r.json").read_text())
    assert rep["bootstrap"]["resamples"] == 200 and rep["gold"]["documents"] == 1
    assert 0 < rep["metrics"]["entities.strict"]["micro"]["f1"] < 1
    assert rep["confusion"]["entities"]["rows"] == "gold"
    md = (tmp_path / "r.md").read_text()
    assert "| System |" in md and "| sys |" in md
    pngs = sorted(p.name for p in (tmp_path / "plots").glob("*.png"))
    assert pngs == ["confusion_entities.png", "confusion_events.png", "per_type_f1.png"]
    assert all((tmp_path / "plots" / p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    assert "entities.strict" in r.output or "Ent strict" in r.output


def test_cli_compare(tmp_path, corpus):
    gold = [d for d in corpus if d.id == "cn-0000"][0]
    a = write_jsonl(tmp_path / "a.jsonl", [prediction_dict(gold)])
    b = write_jsonl(tmp_path / "b.jsonl", [corrupt(gold)])
    out = tmp_path / "cmp.json"
    r = CliRunner().invoke(compare, [str(a), str(b), "--gold", str(SEED_DOC), "--resamples", "200", "--trials", "200",
                                     "--json", str(out), "--markdown", str(tmp_path / "cmp.md")])
    assert r.exit_code == 0, r.output
    rep = json.loads(out.read_text())
    row = next(m for m in rep["metrics"] if m["metric"] == "entities.strict" and m["scope"] == "micro")
    assert row["a"] == 1.0 and row["delta"] > 0
    # one document: every resample is that document, the paired tests cannot reject
    assert row["p_randomisation"] > 0.3
    assert "| Metric | a | b |" in (tmp_path / "cmp.md").read_text()


def test_cli_compare_rejects_bad_system(tmp_path, corpus):
    gold = [d for d in corpus if d.id == "cn-0000"][0]
    a = write_jsonl(tmp_path / "a.jsonl", [prediction_dict(gold)])
    bad = deep(prediction_dict(gold))
    bad["entities"][0]["start"] = -3
    b = write_jsonl(tmp_path / "b.jsonl", [bad])
    r = CliRunner().invoke(compare, [str(a), str(b), "--gold", str(SEED_DOC)])
    assert r.exit_code == 2
    assert "B: " in r.output and "error(s) in the predictions" in r.output and "b.jsonl:1" in r.output
