"""Inter-annotator agreement between two independent annotations of the same documents.

Annotation A plays gold and B prediction in the harness (:mod:`conflictnews.eval`); the F1
figures are symmetric, so the order does not matter. Cohen's kappa is computed on the types of
the spans both annotators marked with exactly the same offsets (entities and triggers apart).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from conflictnews.document import Document

HEADLINES = {
    "entity strict F1": ("entities.strict", "micro", "f1"),
    "trigger F1 (span + type)": ("triggers.classification", "micro", "f1"),
    "argument F1 (span + role + event type)": ("arguments.classification", "micro", "f1"),
    "coreference CoNLL F1": ("coreference.conll", "", "f1"),
}


@dataclass
class Agreement:
    documents: list[str]
    figures: dict[str, float]
    intervals: dict[str, tuple[float, float]]
    kappa: dict[str, float]
    matched: dict[str, int]
    disagreements: dict[str, Counter] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"documents": self.documents, "figures": self.figures,
                "intervals": {k: list(v) for k, v in self.intervals.items()}, "kappa": self.kappa,
                "matched_spans": self.matched,
                "disagreements": {k: dict(v.most_common()) for k, v in self.disagreements.items()}}


def _kappa(pairs: list[tuple[str, str]]) -> float:
    from sklearn.metrics import cohen_kappa_score

    if not pairs:
        return float("nan")
    a, b = zip(*pairs)
    if len(set(a) | set(b)) == 1:
        return 1.0  # a single label used by both: complete agreement (sklearn gives nan)
    return float(cohen_kappa_score(a, b))


def _compare(a: dict[tuple[int, int], str], b: dict[tuple[int, int], str], kind: str,
             pairs: list[tuple[str, str]], dis: dict[str, Counter]) -> None:
    """Collect the type pairs of spans both annotators marked, and count every disagreement."""
    for key in (f"{kind} type", f"{kind} only in A", f"{kind} only in B"):
        dis.setdefault(key, Counter())
    for span in a.keys() & b.keys():
        pairs.append((a[span], b[span]))
        if a[span] != b[span]:
            dis[f"{kind} type"][f"{a[span]} / {b[span]}"] += 1
    for span in a.keys() - b.keys():
        dis[f"{kind} only in A"][a[span]] += 1
    for span in b.keys() - a.keys():
        dis[f"{kind} only in B"][b[span]] += 1


def compute_agreement(a_docs: Sequence[Document], b_docs: Sequence[Document], *, resamples: int = 1000,
                      seed: int = 0) -> Agreement:
    from conflictnews.eval.scorer import score_documents

    b_by_id = {d.id: d for d in b_docs}
    common = [d for d in a_docs if d.id in b_by_id]
    if not common:
        raise ValueError("the two annotations share no document id")
    for d in common:
        if b_by_id[d.id].text != d.text:
            raise ValueError(f"{d.id}: the two annotations are of different texts")
    scores = score_documents(common, b_by_id)
    fig = scores.figures()
    ci = scores.bootstrap(resamples=resamples, seed=seed)
    figures, intervals = {}, {}
    for name, key in HEADLINES.items():
        if key in fig:
            figures[name] = fig[key]
            lo_hi = ci.get(key) if hasattr(ci, "get") else None
            if lo_hi is not None:
                intervals[name] = (float(lo_hi[0]), float(lo_hi[1]))
    ent_pairs: list[tuple[str, str]] = []
    trig_pairs: list[tuple[str, str]] = []
    dis: dict[str, Counter] = {k: Counter() for k in ("entity type", "trigger type", "entity only in A",
                                                      "entity only in B", "trigger only in A", "trigger only in B")}
    for d in common:
        b = b_by_id[d.id]
        _compare({(e.start, e.end): e.type for e in d.entities}, {(e.start, e.end): e.type for e in b.entities},
                 "entity", ent_pairs, dis)
        _compare({(v.trigger.start, v.trigger.end): v.type for v in d.events},
                 {(v.trigger.start, v.trigger.end): v.type for v in b.events}, "trigger", trig_pairs, dis)
    return Agreement(
        documents=[d.id for d in common], figures=figures, intervals=intervals,
        kappa={"entity types (matched spans)": _kappa(ent_pairs), "event types (matched triggers)": _kappa(trig_pairs)},
        matched={"entities": len(ent_pairs), "triggers": len(trig_pairs)}, disagreements=dis,
    )


def agreement_markdown(ag: Agreement) -> str:
    rows = ["| measure | value | 95% CI |", "|---|---|---|"]
    for name, v in ag.figures.items():
        lo, hi = ag.intervals.get(name, (float("nan"), float("nan")))
        rows.append(f"| {name} | {v:.3f} | {lo:.3f}–{hi:.3f} |")
    for name, v in ag.kappa.items():
        n = ag.matched["entities" if name.startswith("entity") else "triggers"]
        rows.append(f"| Cohen's kappa, {name} | {v:.3f} | n = {n} |")
    top = []
    for kind, c in ag.disagreements.items():
        if c:
            top.append(f"- {kind}: " + ", ".join(f"{k} ({n})" for k, n in c.most_common(6)))
    return (f"{len(ag.documents)} documents annotated twice, independently ({', '.join(ag.documents)}); "
            "annotation A is scored as gold and B as prediction by the harness.\n\n"
            + "\n".join(rows) + "\n\nMost frequent disagreements:\n\n" + "\n".join(top))
