"""Corpus consistency checks and the split contract, on the shipped corpus and on made-up cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conflictnews.checks import Exception_, load_exceptions, partition, run_checks
from conflictnews.cli import main
from conflictnews.corpus import corpus_dir, load_documents
from conflictnews.document import Document
from conflictnews.markup import parse
from conflictnews.splits import assign_splits, check_splits, write_split_lists


def doc(src: str, id_: str, key: str | None = None, region: str = "Africa") -> Document:
    d = Document.from_dict(parse(src))
    meta = {"split": "train", "event_key": key or id_, "reported_event": {"region": region}}
    return Document(id_, d.text, d.schema_version, d.entities, d.events, meta)


def test_checks_find_the_three_kinds():
    a = doc("[Idlib]{GPE NAM} was [shelled]{Attack.Shelling}. Idlib is quiet.", "a")
    b = doc("[Idlib]{LOC NAM} fields were shelled.", "b")
    findings = run_checks([a, b])
    kinds = {(f.check, f.key, f.doc) for f in findings}
    assert ("type-conflict", "Idlib", None) in kinds
    assert ("unannotated-repeat", "Idlib", "a") in kinds
    assert ("trigger-ignored", "shelled", "b") in kinds
    ok = [Exception_("trigger-ignored", "shelled", "shelled as an adjective", "b")]
    unexplained, explained, stale = partition(findings, ok + [Exception_("type-conflict", "nothing", "x")])
    assert len(explained) == 1 and len(stale) == 1 and len(unexplained) == len(findings) - 1


def test_exceptions_file_needs_reasons(tmp_path: Path):
    f = tmp_path / "x.yaml"
    f.write_text("- {check: trigger-ignored, key: fired}\n")
    with pytest.raises(ValueError, match="reason"):
        load_exceptions(f)
    f.write_text("- {check: typo, key: fired, reason: r}\n")
    with pytest.raises(ValueError, match="check must be one of"):
        load_exceptions(f)


def test_shipped_corpus_passes_its_checks():
    r = CliRunner().invoke(main, ["check"])
    assert r.exit_code == 0, r.output[-3000:]


def test_assignment_groups_events_and_is_reproducible():
    docs = [doc("[Rebels]{ARMED_GROUP NOM} [attacked]{Attack.ArmedClash}.", f"d{i}", key=f"k{i // 2}",
                region=["Africa", "Asia", "Europe"][i % 3]) for i in range(40)]
    a1 = assign_splits(docs, seed=1)
    assert a1 == assign_splits(docs, seed=1)
    for i in range(0, 40, 2):
        assert a1[f"d{i}"] == a1[f"d{i + 1}"]  # one event, one split
    share = sum(s == "test" for s in a1.values()) / len(docs)
    assert 0.25 <= share <= 0.35


def test_split_contract_is_checked(tmp_path: Path):
    docs = [doc("[Rebels]{ARMED_GROUP NOM} [attacked]{Attack.ArmedClash}.", f"d{i}", key=f"k{i}") for i in range(4)]
    assignment = {"d0": "train", "d1": "train", "d2": "dev", "d3": "test"}
    docs = [Document(d.id, d.text, d.schema_version, d.entities, d.events, {**d.meta, "split": assignment[d.id]})
            for d in docs]
    write_split_lists(assignment, tmp_path, "0.1.0")
    assert check_splits(docs, tmp_path) == []
    (tmp_path / "test.txt").write_text("# edited\nd3\nd1\n")
    msgs = [p.message for p in check_splits(docs, tmp_path)]
    assert any("listed in train.txt and test.txt" in m for m in msgs)
    assert any("changes only with a corpus version bump" in m for m in msgs)
    leak = docs[:3] + [Document("d3", docs[3].text, docs[3].schema_version, (), (), {**docs[3].meta, "event_key": "k0"})]
    assert any("is reported in splits" in p.message for p in check_splits(leak, tmp_path))


def test_shipped_splits_hold():
    docs = load_documents()
    assert check_splits(docs, corpus_dir() / "splits") == []
    test_share = sum(d.meta["split"] == "test" for d in docs) / len(docs)
    assert test_share >= 0.25
    r = CliRunner().invoke(main, ["splits", "check"])
    assert r.exit_code == 0, r.output
