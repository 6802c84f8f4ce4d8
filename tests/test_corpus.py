"""The shipped corpus validates, and the CLI reads it for people."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conflictnews.cli import main
from conflictnews.corpus import documents_dir, load_documents
from conflictnews.stats import corpus_stats
from conflictnews.validate import validate_paths

from .conftest import ROOT, SEED_ID

SHARED_SEED = ROOT.parent / "shared" / "seed" / "000_a3fa68a93635bb6d.txt"


def test_every_corpus_file_validates():
    problems, n = validate_paths([documents_dir()], gold=True)
    assert n >= 1
    assert problems == [], "\n".join(map(str, problems[:20]))


def test_cli_validate_default_is_the_corpus():
    r = CliRunner().invoke(main, ["validate"])
    assert r.exit_code == 0, r.output
    assert "document(s) valid" in r.output


def test_seed_is_gold_and_not_redistributable():
    docs = {d.id: d for d in load_documents()}
    seed = docs[SEED_ID]
    assert seed.meta["provenance"] == "published-news"
    assert seed.meta["redistributable"] is False
    assert len(seed.entities) > 150 and len(seed.events) > 40
    if SHARED_SEED.is_file():  # beside a checkout of the developers' workspace and in CI
        assert seed.text == SHARED_SEED.read_text(encoding="utf-8")


def test_stats_counts_agree_with_documents():
    docs = load_documents()
    s = corpus_stats(docs)
    assert s["totals"]["documents"] == len(docs)
    assert sum(s["entities_by_type"].values()) == sum(len(d.entities) for d in docs)
    assert sum(s["events_by_type"].values()) == sum(len(d.events) for d in docs)
    assert sum(s["documents_by_split"].values()) == len(docs)
    r = CliRunner().invoke(main, ["stats", "--json"])
    assert r.exit_code == 0 and '"entities_by_type"' in r.output


def test_show_prints_the_annotations():
    r = CliRunner().invoke(main, ["show", SEED_ID])
    assert r.exit_code == 0
    assert "Hurras Al Din" in r.output and "Attack.AirStrike" in r.output and "ARMED_GROUP" in r.output
    r = CliRunner().invoke(main, ["show", "no-such-doc"])
    assert r.exit_code == 1 and "no document" in r.output


def test_markup_cli_round_trip(tmp_path: Path):
    runner = CliRunner()
    src = tmp_path / "seed.cnm"
    r = runner.invoke(main, ["markup", "from-json", str(documents_dir() / f"{SEED_ID}.json"), "-o", str(src)])
    assert r.exit_code == 0
    r = runner.invoke(main, ["markup", "to-json", str(src), "-o", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert (tmp_path / f"{SEED_ID}.json").read_text() == (documents_dir() / f"{SEED_ID}.json").read_text()
    # A broken markup file is refused with its position, and nothing is written.
    bad = tmp_path / "bad.cnm"
    bad.write_text(src.read_text().replace("]{GPE", "]{PLANET", 1))
    r = runner.invoke(main, ["markup", "to-json", str(bad), "-o", str(tmp_path / "out")])
    assert r.exit_code == 1 and "PLANET" in r.output and not (tmp_path / "out").exists()
