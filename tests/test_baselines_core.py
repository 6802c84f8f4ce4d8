"""Baselines: interface, validity of predictions, no test gold before predicting, expected ordering,
reproducibility, CLI and leaderboard (issue 7)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conflictnews.baselines import Empty, Extractor, get, names, strip
from conflictnews.baselines.base import parse_count
from conflictnews.baselines.benchmark import (COLUMNS, LeakageError, check_predictions, headline, leaderboard_markdown,
                                              run_extractor, score)
from conflictnews.document import Document, dumps

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The shipped corpus with its own splits when it has train, dev and test documents; otherwise a
    copy in which every fifth document is test and the next dev (splits are still read from meta)."""
    from conflictnews.corpus import load_documents

    docs = load_documents([ROOT / "corpus" / "documents"])
    splits = {(d.meta or {}).get("split") for d in docs}
    old = os.environ.get("CONFLICTNEWS_CORPUS")
    if not {"train", "dev", "test"} <= splits:
        root = tmp_path_factory.mktemp("corpus")
        (root / "documents").mkdir()
        for i, d in enumerate(docs):
            data = d.to_dict()
            data["meta"] = dict(data["meta"], split="test" if i % 5 == 0 else "dev" if i % 5 == 1 else "train")
            (root / "documents" / f"{d.id}.json").write_text(dumps(data), encoding="utf-8")
        if (ROOT / "corpus" / "agreement").is_dir():
            shutil.copytree(ROOT / "corpus" / "agreement", root / "agreement")
        os.environ["CONFLICTNEWS_CORPUS"] = str(root)
    from conflictnews.baselines.benchmark import load_split

    out = {s: load_split(s) for s in ("train", "dev", "test")}
    yield out
    if old is None:
        os.environ.pop("CONFLICTNEWS_CORPUS", None)
    else:
        os.environ["CONFLICTNEWS_CORPUS"] = old


class Spy(Extractor):
    """Wraps an extractor and records every document it is shown."""

    def __init__(self, inner: Extractor):
        self.inner, self.name, self.trainable = inner, inner.name, inner.trainable
        self.fitted: list[Document] = []
        self.predicted: list[Document] = []

    def fit(self, train, dev=None):
        self.fitted += list(train) + list(dev or [])
        self.inner.fit(train, dev)
        return self

    def predict(self, docs):
        self.predicted += list(docs)
        return self.inner.predict(docs)


@pytest.fixture(scope="module")
def runs(corpus):
    out = {}
    options = {"sklearn": {"grid": (0.03, 0.1)}}  # two values keep the dev tuning path tested and fast
    for name in ("empty", "rules", "sklearn"):
        spy = Spy(get(name, **options.get(name, {})))
        out[name] = (spy, run_extractor(spy, corpus["train"], corpus["dev"], corpus["test"], name=name))
    return out


def _f1(corpus, run) -> dict[str, float]:
    scores, iv = score(corpus["test"], run.predictions, resamples=50)
    return {k: v["f1"] for k, v in headline(scores, iv).items()}


def test_registry_lists_the_baselines():
    assert {"empty", "rules", "sklearn", "transformer", "hf"} <= set(names())
    with pytest.raises(KeyError):
        get("no-such-baseline")


@pytest.mark.parametrize("name", ["rules", "sklearn"])
def test_predictions_are_valid_documents_in_the_corpus_format(runs, corpus, name):
    run = runs[name][1]
    assert [d.id for d in run.predictions] == [d.id for d in corpus["test"]]
    assert check_predictions(run.predictions) == []
    assert sum(len(d.entities) for d in run.predictions) > 0
    assert sum(len(d.events) for d in run.predictions) > 0
    assert any(v.arguments for d in run.predictions for v in d.events)


@pytest.mark.parametrize("name", ["empty", "rules", "sklearn"])
def test_no_baseline_sees_test_gold(runs, corpus, name):
    spy = runs[name][0]
    test_ids = {d.id for d in corpus["test"]}
    assert not test_ids & {d.id for d in spy.fitted}
    assert all((d.meta or {}).get("split") in ("train", "dev") for d in spy.fitted)
    assert {d.id for d in spy.predicted} == test_ids
    for d in spy.predicted:  # text only: no annotations, no meta
        assert d.entities == () and d.events == () and d.meta is None


def test_predicting_a_training_document_is_refused(corpus):
    with pytest.raises(LeakageError):
        run_extractor(get("rules"), corpus["train"], corpus["dev"], corpus["train"][:2])


def test_expected_ordering(runs, corpus):
    f = {name: _f1(corpus, run) for name, (_, run) in runs.items()}
    assert all(v == 0 for v in f["empty"].values())
    for name in ("rules", "sklearn"):
        for metric, _ in COLUMNS:
            assert f[name][metric] > f["empty"][metric], (name, metric)
    assert f["sklearn"]["entities.strict"] > f["rules"]["entities.strict"]


def test_rules_are_deterministic(corpus):
    a = get("rules").fit(corpus["train"]).predict([strip(d) for d in corpus["test"]])
    b = get("rules").fit(corpus["train"]).predict([strip(d) for d in corpus["test"]])
    assert [x.to_dict() for x in a] == [x.to_dict() for x in b]


def test_sklearn_is_reproducible_and_round_trips_through_skops(runs, corpus, tmp_path):
    pytest.importorskip("skops")
    from conflictnews.baselines.sklearn_model import Sklearn

    model = runs["sklearn"][0].inner
    model.save(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == [
        "arguments.skops", "entities0.skops", "entities1.skops", "sklearn.json", "triggers.skops"]
    loaded = Sklearn.load(tmp_path / "m")
    docs = [strip(d) for d in corpus["test"][:3]]
    assert [d.to_dict() for d in loaded.predict(docs)] == [d.to_dict() for d in model.predict(docs)]
    # a fresh fit with the chosen hyper-parameters gives the same predictions bit for bit
    small = corpus["train"][:6]
    p1 = Sklearn(grid=(0.1,)).fit(small).predict(docs)
    p2 = Sklearn(grid=(0.1,)).fit(small).predict(docs)
    assert [d.to_dict() for d in p1] == [d.to_dict() for d in p2]


@pytest.mark.parametrize("phrase,expected", [
    ("Forty", (40, "EXACT", None)), ("at least 20", (20, "AT_LEAST", None)), ("dozens", (24, "VAGUE", None)),
    ("tens of thousands", (20000, "VAGUE", None)), ("more than 400,000", (400000, "MORE_THAN", None)),
    ("between 20 and 30", (20, "RANGE", 30)), ("about 1,800", (1800, "APPROX", None)),
    ("more than two million", (2000000, "MORE_THAN", None)), ("up to 30", (30, "AT_MOST", None)),
])
def test_parse_count(phrase, expected):
    c = parse_count(phrase)
    assert (c["value"], c["qualifier"], c["high"]) == expected


def test_empty_extractor_predicts_nothing(corpus):
    (d,) = Empty().predict([corpus["test"][0]])
    assert d.entities == () and d.events == () and d.text == corpus["test"][0].text


def test_cli_run_and_benchmark(corpus, tmp_path):
    from click.testing import CliRunner

    from conflictnews.baselines.cli import baseline, benchmark

    r = CliRunner().invoke(baseline, ["run", "rules", "--split", "test", "-o", str(tmp_path / "p.jsonl")])
    assert r.exit_code == 0, r.output
    lines = (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(corpus["test"]) and json.loads(lines[0])["id"] == corpus["test"][0].id
    r = CliRunner().invoke(baseline, ["run", "rules", "--split", "train", "-o", str(tmp_path / "q.jsonl")])
    assert r.exit_code == 2 and "cannot predict" in r.output
    r = CliRunner().invoke(baseline, ["list"])
    assert "sklearn" in r.output
    out = tmp_path / "bench"
    r = CliRunner().invoke(benchmark, ["-b", "empty", "-b", "rules", "--resamples", "50", "--no-progress", "-o", str(out)])
    assert r.exit_code == 0, r.output
    res = json.loads((out / "leaderboard.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in res["systems"]] == ["empty", "rules"]
    md = (out / "leaderboard.md").read_text(encoding="utf-8")
    assert md.endswith(leaderboard_markdown(res))
    assert "| `rules` |" in md and "Entity strict F1" in md
    for m, _ in COLUMNS:
        ci = res["systems"][1]["metrics"][m]["ci"]
        assert ci[0] <= res["systems"][1]["metrics"][m]["f1"] <= ci[1]
    assert (out / "leaderboard.png").stat().st_size > 1000
    assert (out / "rules" / "report.md").exists() and (out / "rules" / "predictions.jsonl").exists()
