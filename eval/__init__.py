"""Scoring predictions against gold: entities, triggers, arguments, coreference, event records.

Public API (imported lazily so that ``conflictnews --help`` stays fast)::

    from conflictnews.eval import load_gold, load_predictions, score_documents, build_report

    gold, source = load_gold("test")
    preds = load_predictions("system.jsonl", gold)      # .errors / .warnings / .missing_ids
    scores = score_documents(gold, preds.documents)      # per-document counts of every metric
    report = build_report(scores, scores.bootstrap(), preds, gold_source=source)

The metric rules are in ``eval/README.md``; the columnar core is :func:`score_tables`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "score_documents": ".scorer", "score_tables": ".scorer", "Scores": ".scorer",
    "Tables": ".tables", "Labels": ".tables", "Vocab": ".tables", "tables_from_documents": ".tables",
    "load_predictions": ".predictions", "PredictionSet": ".predictions", "Issue": ".predictions",
    "load_gold": ".gold", "GoldError": ".gold",
    "build_report": ".report", "to_markdown": ".report",
    "bootstrap": ".bootstrap", "compare": ".bootstrap",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
