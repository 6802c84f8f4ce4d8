"""Run baselines end to end and write the leaderboard.

``run_baseline`` fits one extractor on the train split (dev for tuning) and predicts another split
from documents stripped of every annotation; ``run_benchmark`` does that for several baselines,
scores test with the harness (bootstrap intervals over documents) and ``write_leaderboard`` writes
``leaderboard.md``, ``leaderboard.json`` and ``leaderboard.png`` next to per-system reports.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conflictnews.document import Document

from .base import Extractor, strip
from .registry import REGISTRY, get

FORMAT = "conflictnews-leaderboard/1"
COLUMNS = (
    ("entities.strict", "Entity strict F1"),
    ("triggers.classification", "Trigger F1 (classification)"),
    ("arguments.classification", "Argument F1 (classification)"),
    ("records.all", "Event-record F1"),
)
_AGREEMENT_KEYS = {"entities.strict": "entity strict F1", "triggers.classification": "trigger F1 (span + type)",
                   "arguments.classification": "argument F1 (span + role + event type)"}


class LeakageError(RuntimeError):
    """A document to be predicted is also in the training or tuning data."""


@dataclass
class Run:
    name: str
    predictions: list[Document]
    train_seconds: float
    predict_seconds: float
    n_train: int
    n_dev: int
    n_predicted: int
    info: dict[str, Any] = field(default_factory=dict)


def load_split(split: str) -> list[Document]:
    from conflictnews.corpus import load_documents

    return load_documents(split=split)


def run_extractor(model: Extractor, train: Sequence[Document], dev: Sequence[Document],
                  target: Sequence[Document], *, name: str | None = None) -> Run:
    """Fit on train (dev for tuning) and predict ``target`` from documents stripped of annotations."""
    seen = {d.id for d in train} | {d.id for d in dev}
    leaked = sorted(d.id for d in target if d.id in seen)
    if leaked:
        raise LeakageError(f"documents to predict are also in train/dev: {', '.join(leaked[:10])}")
    t0 = time.perf_counter()
    if model.trainable:
        model.fit(list(train), list(dev))
    t1 = time.perf_counter()
    preds = model.predict([strip(d) for d in target])
    t2 = time.perf_counter()
    return Run(name or model.name, preds, t1 - t0 if model.trainable else 0.0, t2 - t1, len(train), len(dev),
               len(target), model.describe())


def run_baseline(name: str, split: str = "test", *, train_split: str = "train", dev_split: str = "dev",
                 options: dict[str, Any] | None = None) -> Run:
    if split in (train_split, dev_split):
        raise LeakageError(f"cannot predict the {split!r} split with a model trained/tuned on it")
    target = load_split(split)
    if not target:
        raise ValueError(f"the {split!r} split has no documents (splits are read from each document's meta.split)")
    return run_extractor(get(name, **(options or {})), load_split(train_split), load_split(dev_split), target,
                         name=name)


def write_predictions(docs: Sequence[Document], path: str | Path) -> None:
    """JSON lines, one prediction a line; checked with the validator (gold=False) first."""
    problems = check_predictions(docs)
    if problems:
        raise ValueError("invalid predictions:\n" + "\n".join(problems[:20]))
    with open(path, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d.to_dict(), ensure_ascii=False) + "\n")


def check_predictions(docs: Sequence[Document]) -> list[str]:
    from conflictnews.records import Record
    from conflictnews.validate import validate_record

    out = []
    for d in docs:
        out += [str(p) for p in validate_record(Record(d.to_dict(), f"<{d.id}>", 1), gold=False)]
    return out


# -- scoring ------------------------------------------------------------------------------------
def score(gold: Sequence[Document], preds: Sequence[Document], *, resamples: int = 1000, seed: int = 0):
    from conflictnews.eval.scorer import score_documents

    scores = score_documents(list(gold), list(preds))
    return scores, scores.bootstrap(resamples=resamples, seed=seed)


def headline(scores, intervals) -> dict[str, dict[str, Any]]:
    f = scores.figures()
    out = {}
    for metric, _ in COLUMNS:
        key = (metric, "micro", "f1")
        ci = intervals.get(key) if intervals is not None else None
        out[metric] = {"f1": round(f.get(key, 0.0), 6), "ci": None if ci is None else [round(float(ci[0]), 6),
                                                                                        round(float(ci[1]), 6)]}
    return out


def human_agreement(resamples: int = 1000, seed: int = 0) -> dict[str, Any] | None:
    """Agreement of the doubly annotated documents (corpus/agreement/a vs b), or None if absent."""
    from conflictnews.corpus import corpus_dir, load_documents

    da, db = corpus_dir() / "agreement" / "a", corpus_dir() / "agreement" / "b"
    if not (da.is_dir() and db.is_dir() and any(db.glob("*.json"))):
        return None
    from conflictnews.agreement import compute_agreement

    a_docs, b_docs = load_documents([da]), load_documents([db])
    b_ids = {d.id for d in b_docs}
    a_docs = [d for d in a_docs if d.id in b_ids]
    ag = compute_agreement(a_docs, b_docs, resamples=resamples, seed=seed)
    metrics = {}
    for metric, name in _AGREEMENT_KEYS.items():
        if name in ag.figures:
            ci = ag.intervals.get(name)
            metrics[metric] = {"f1": round(ag.figures[name], 6), "ci": None if ci is None else [round(ci[0], 6), round(ci[1], 6)]}
    scores, iv = score(a_docs, b_docs, resamples=resamples, seed=seed)  # event records: same harness
    metrics["records.all"] = headline(scores, iv)["records.all"]
    return {"documents": ag.documents, "metrics": metrics}


# -- the benchmark --------------------------------------------------------------------------------
def run_benchmark(names: Sequence[str], *, out_dir: str | Path = "runs/benchmark", split: str = "test",
                  train_split: str = "train", dev_split: str = "dev", resamples: int = 1000, seed: int = 0,
                  options: dict[str, dict[str, Any]] | None = None, progress: bool = True,
                  human: bool = True, log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Train, predict, score every named baseline; write the leaderboard; return its JSON."""
    from conflictnews.eval.report import build_report, to_markdown

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    train, dev, test = load_split(train_split), load_split(dev_split), load_split(split)
    if not test:
        raise ValueError(f"the {split!r} split has no documents (splits are read from each document's meta.split)")
    if not train:
        raise ValueError(f"the {train_split!r} split has no documents")
    systems: list[dict[str, Any]] = []
    steps = len(names) * 3 + (1 if human else 0)
    bar, task = _progress(progress, steps)
    try:
        for name in names:
            _advance(bar, task, f"{name}: training on {len(train)} documents", 0)
            model = get(name, **((options or {}).get(name, {})))
            seen = {d.id for d in train} | {d.id for d in dev}
            if any(d.id in seen for d in test):
                raise LeakageError("the evaluation split overlaps train/dev")
            t0 = time.perf_counter()
            if model.trainable:
                model.fit(train, dev)
            t1 = time.perf_counter()
            _advance(bar, task, f"{name}: predicting {len(test)} documents", 1)
            preds = model.predict([strip(d) for d in test])
            t2 = time.perf_counter()
            _advance(bar, task, f"{name}: scoring", 1)
            sysdir = out / name
            sysdir.mkdir(exist_ok=True)
            write_predictions(preds, sysdir / "predictions.jsonl")
            scores, iv = score(test, preds, resamples=resamples, seed=seed)
            report = build_report(scores, iv, gold_source=f"split {split}", system=name,
                                  schema_version=test[0].schema_version)
            (sysdir / "report.json").write_text(json.dumps(report, indent=1, sort_keys=False) + "\n", encoding="utf-8")
            (sysdir / "report.md").write_text(to_markdown(report), encoding="utf-8")
            train_s = t1 - t0 if model.trainable else 0.0
            systems.append({
                "name": name, "description": REGISTRY[name].description if name in REGISTRY else "",
                "metrics": headline(scores, iv),
                "train_seconds": round(train_s, 3), "predict_seconds": round(t2 - t1, 3),
                "train_docs_per_second": round(len(train) / train_s, 2) if train_s > 0 else None,
                "predict_docs_per_second": round(len(test) / (t2 - t1), 2) if t2 > t1 else None,
                "info": model.describe(),
            })
            _advance(bar, task, f"{name}: done", 1)
            if log:
                m = systems[-1]["metrics"]
                log(f"{name}: " + ", ".join(f"{k} {100 * v['f1']:.1f}" for k, v in m.items())
                    + f"; train {train_s:.1f} s, predict {t2 - t1:.2f} s")
        hum = None
        if human:
            _advance(bar, task, "human agreement", 0)
            hum = human_agreement(resamples=resamples, seed=seed)
            _advance(bar, task, "done", 1)
    finally:
        if bar is not None:
            bar.stop()
    result = {
        "format": FORMAT, "split": split, "train_split": train_split, "dev_split": dev_split,
        "documents": {"train": len(train), "dev": len(dev), split: len(test)},
        "test_ids": [d.id for d in test],
        "bootstrap": {"resamples": resamples, "seed": seed, "confidence": 0.95, "unit": "document"},
        "systems": systems, "human": hum,
    }
    write_leaderboard(result, out)
    return result


def _progress(enabled: bool, total: int):
    if not enabled:
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("[bold]benchmark[/bold] {task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), transient=False)
    bar.start()
    return bar, bar.add_task("starting", total=total)


def _advance(bar, task, description: str, n: int) -> None:
    if bar is not None:
        bar.update(task, description=description, advance=n)


# -- rendering ------------------------------------------------------------------------------------
def _cell(m: dict | None) -> str:
    if not m:
        return "-"
    s = f"{100 * m['f1']:.1f}"
    if m.get("ci"):
        s += f" [{100 * m['ci'][0]:.1f}, {100 * m['ci'][1]:.1f}]"
    return s


def _rate(x: float | None) -> str:
    return "-" if x is None else (f"{x:.0f}" if x >= 100 else f"{x:.1f}")


def leaderboard_markdown(results: dict[str, Any]) -> str:
    """The leaderboard table (Markdown) from ``run_benchmark``'s JSON; used by `conflictnews card`."""
    head = ["System"] + [c for _, c in COLUMNS] + ["Train docs/s", "Predict docs/s"]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for s in results["systems"]:
        lines.append("| " + " | ".join([f"`{s['name']}`"] + [_cell(s["metrics"].get(m)) for m, _ in COLUMNS]
                                       + [_rate(s.get("train_docs_per_second")) if s.get("train_seconds") else "no training",
                                          _rate(s.get("predict_docs_per_second"))]) + " |")
    hum = results.get("human")
    if hum:
        lines.append("| " + " | ".join([f"Human agreement ({len(hum['documents'])} docs, A vs B)"]
                                       + [_cell(hum["metrics"].get(m)) for m, _ in COLUMNS] + ["-", "-"]) + " |")
    d = results["documents"]
    b = results["bootstrap"]
    note = (f"\nScored on the {results['split']} split ({d.get(results['split'])} documents) after training on "
            f"{results['train_split']} ({d.get(results['train_split'])}) and tuning on {results['dev_split']} "
            f"({d.get(results['dev_split'])}). F1 in %, micro-averaged, with {int(100 * b['confidence'])}% percentile "
            f"bootstrap intervals over documents ({b['resamples']} resamples, seed {b['seed']}). "
            "Throughput in documents per second on the machine that ran `conflictnews benchmark`.")
    if not hum:
        note += " Human agreement: not available (needs corpus/agreement/a and corpus/agreement/b)."
    return "\n".join(lines) + "\n" + note + "\n"


def write_leaderboard(results: dict[str, Any], out: str | Path) -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "leaderboard.json", out / "leaderboard.md"]
    paths[0].write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    paths[1].write_text("# ConflictNews leaderboard\n\n" + leaderboard_markdown(results), encoding="utf-8")
    png = plot_leaderboard(results, out / "leaderboard.png")
    if png:
        paths.append(png)
    return paths


def plot_leaderboard(results: dict[str, Any], path: Path) -> Path | None:
    try:
        from conflictnews.eval.plots import _plt

        plt = _plt()
    except ImportError:
        return None
    import numpy as np

    rows = [(s["name"], s["metrics"]) for s in results["systems"]]
    if results.get("human"):
        rows.append(("human", results["human"]["metrics"]))
    fig, ax = plt.subplots(figsize=(8, 3.6))
    width = 0.8 / max(1, len(rows))
    x = np.arange(len(COLUMNS))
    for i, (name, metrics) in enumerate(rows):
        vals = [100 * metrics.get(m, {}).get("f1", 0.0) for m, _ in COLUMNS]
        lo = [v - 100 * (metrics.get(m, {}).get("ci") or [v / 100] * 2)[0] for v, (m, _) in zip(vals, COLUMNS)]
        hi = [100 * (metrics.get(m, {}).get("ci") or [v / 100] * 2)[1] - v for v, (m, _) in zip(vals, COLUMNS)]
        ax.bar(x + (i - (len(rows) - 1) / 2) * width, vals, width, yerr=[lo, hi], capsize=2, label=name,
               hatch="//" if name == "human" else None)
    ax.set_xticks(x, [c.replace(" (classification)", "") for _, c in COLUMNS], fontsize=8)
    ax.set_ylabel("F1 (%)")
    ax.set_ylim(0, 100)
    ax.set_title(f"ConflictNews {results['split']} ({results['documents'].get(results['split'])} docs), 95% CI")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120, metadata={"Software": None})
    plt.close(fig)
    return path


__all__ = ["run_baseline", "run_extractor", "run_benchmark", "leaderboard_markdown", "write_leaderboard", "load_leaderboard",
           "write_predictions", "check_predictions", "LeakageError"]


def load_leaderboard(path: str | Path = "runs/benchmark/leaderboard.json") -> dict[str, Any]:
    """The JSON written by ``conflictnews benchmark`` (input of :func:`leaderboard_markdown`)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ValueError(f"{path}: not a {FORMAT} file")
    return data
