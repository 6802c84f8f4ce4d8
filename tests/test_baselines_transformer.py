"""The transformer baseline in a tiny, randomly initialised configuration (the full fine-tuning of
all-MiniLM-L6-v2 is a benchmark: benchmarks/bench_baselines.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conflictnews.baselines import get, strip
from conflictnews.baselines.benchmark import check_predictions, run_extractor

pytest.importorskip("torch")
pytest.importorskip("transformers")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def docs():
    from conflictnews.corpus import load_documents

    return load_documents([ROOT / "corpus" / "documents"])


def _tiny():
    return get("transformer", tiny=True, epochs=2, batch_size=8, max_train_sentences=48, seed=0)


def test_tiny_transformer_trains_and_predicts_valid_documents(docs):
    train, target = docs[:6], docs[6:8]
    run = run_extractor(_tiny(), train, [], target)
    assert [d.id for d in run.predictions] == [d.id for d in target]
    assert check_predictions(run.predictions) == []
    assert run.train_seconds > 0


def test_tiny_transformer_is_seeded(docs):
    a, b = _tiny().fit(docs[:6]), _tiny().fit(docs[:6])
    assert a.history == b.history
    x = [strip(d) for d in docs[6:8]]
    assert [d.to_dict() for d in a.predict(x)] == [d.to_dict() for d in b.predict(x)]
