"""Reports of a scoring run: a JSON document with every figure, a Markdown leaderboard table,
and rich tables for the terminal."""

from __future__ import annotations

from typing import Any

from .bootstrap import Comparison, Intervals
from .predictions import PredictionSet
from .scorer import HEADLINE, Scores

FORMAT = "conflictnews-score/1"

SHORT = {
    "entities.strict": "Ent strict", "entities.exact": "Ent exact", "entities.partial": "Ent partial",
    "entities.type": "Ent type", "triggers.identification": "Tri-I", "triggers.classification": "Tri-C",
    "arguments.identification": "Arg-I", "arguments.classification": "Arg-C",
    "arguments.identification_attached": "Arg-I+T", "arguments.classification_attached": "Arg-C+T",
    "coreference.muc": "MUC", "coreference.b3": "B3", "coreference.ceafe": "CEAF-e", "coreference.conll": "CoNLL",
    "records.type": "Rec type", "records.time": "Rec time", "records.place": "Rec place",
    "records.actors": "Rec actors", "records.count": "Rec count", "records.all": "Records",
    "records.casualty_count_exact": "Casualty exact", "records.casualty_count_within_10pct": "Casualty ±10%",
}


def _r(x: float) -> float:
    return round(float(x), 6)


def _ci(ci: Intervals | None, key) -> list[float] | None:
    if ci is None:
        return None
    v = ci.get(key)
    return None if v is None else [_r(v[0]), _r(v[1])]


def _prf_block(f: dict, ci: Intervals | None, name: str, scope: str) -> dict[str, Any]:
    out = {
        "precision": _r(f[(name, scope, "precision")]),
        "recall": _r(f[(name, scope, "recall")]),
        "f1": _r(f[(name, scope, "f1")]),
    }
    if scope != "macro":
        out.update(support=int(round(f[(name, scope, "n_gold")])), predicted=int(round(f[(name, scope, "n_pred")])),
                   tp=_r(f[(name, scope, "tp")]))
    else:
        out["labels"] = int(f[(name, scope, "n_labels")])
    if ci is not None:
        out["ci"] = {s: _ci(ci, (name, scope, s)) for s in ("precision", "recall", "f1")}
    return out


def build_report(scores: Scores, intervals: Intervals | None = None, predictions: PredictionSet | None = None,
                 *, gold_source: str = "", system: str = "", schema_version: str = "") -> dict[str, Any]:
    """The JSON report: every figure, its interval, its rule, and every prediction problem."""
    f = scores.figures()
    metrics: dict[str, Any] = {}
    for name, m in scores.layout.prf.items():
        block: dict[str, Any] = {"rule": m.rule, "micro": _prf_block(f, intervals, name, "micro")}
        if m.labels:
            block["label_kind"] = m.label_kind
            block["macro"] = _prf_block(f, intervals, name, "macro")
            block["per_label"] = {lab: _prf_block(f, intervals, name, f"label:{lab}") for lab in m.labels}
        scheme = name.split(".", 1)[1] if name.startswith("entities.") else None
        if scheme in scores.entity_totals:
            block["counts"] = scores.entity_totals[scheme]
        metrics[name] = block
    for name, m in scores.layout.coref.items():
        metrics[name] = {"rule": m.rule, **{s: _r(f[(name, "", s)]) for s in ("precision", "recall", "f1")}}
        if intervals is not None:
            metrics[name]["ci"] = {s: _ci(intervals, (name, "", s)) for s in ("precision", "recall", "f1")}
    for name, m in scores.layout.average.items():
        metrics[name] = {"rule": m.rule, "f1": _r(f[(name, "", "f1")]), "ci": _ci(intervals, (name, "", "f1"))}
    for name, m in scores.layout.ratio.items():
        metrics[name] = {"rule": m.rule, "value": _r(f[(name, "", "value")]), "hits": int(f[(name, "", "num")]),
                         "trials": int(f[(name, "", "den")]), "ci": _ci(intervals, (name, "", "value"))}
    headline = []
    for name, scope in HEADLINE:
        key = (name, scope, "f1")
        if key in f:
            headline.append({"metric": name, "scope": scope or "micro", "f1": _r(f[key]), "ci": _ci(intervals, key)})
    return {
        "format": FORMAT,
        "system": system,
        "gold": {"source": gold_source, "documents": scores.n_docs, "schema_version": schema_version,
                 "ids": scores.doc_ids},
        "predictions": predictions.summary() if predictions is not None else None,
        "bootstrap": None if intervals is None else {
            "resamples": intervals.resamples, "seed": intervals.seed, "confidence": intervals.confidence,
            "unit": "document", "interval": "percentile"},
        "headline": headline,
        "metrics": metrics,
        "confusion": {k: {"labels": list(labs), "rows": "gold", "columns": "predicted",
                          "matrix": m.astype(int).tolist()} for k, (labs, m) in scores.confusion.items()},
        "coreference_scored": scores.coref_scored,
        "notes": scores.notes,
    }


# -- Markdown --------------------------------------------------------------------------------
def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def _pct_ci(v: float, ci: list[float] | None) -> str:
    if ci is None:
        return _pct(v)
    return f"{_pct(v)} [{_pct(ci[0])}, {_pct(ci[1])}]"


def _rows(report: dict) -> list[tuple[str, dict]]:
    """(metric label, block) for every metric with P/R/F1, in report order."""
    out = []
    for name, block in report["metrics"].items():
        if "micro" in block:
            out.append((name, {**block["micro"], "kind": "micro"}))
            if "macro" in block:
                out.append((f"{name} (macro)", {**block["macro"], "kind": "macro"}))
        elif "precision" in block:
            out.append((name, {**block, "ci": block.get("ci"), "kind": "coref"}))
        elif "f1" in block:
            out.append((name, {"f1": block["f1"], "ci": {"f1": block["ci"]}, "kind": "avg"}))
    return out


def to_markdown(report: dict) -> str:
    """A leaderboard row, the table of every metric, per-type tables and the rules."""
    sysname = report["system"] or "system"
    lines = [f"## ConflictNews scores: {sysname}", ""]
    g, p, b = report["gold"], report["predictions"], report["bootstrap"]
    info = f"Gold: {g['source']} ({g['documents']} documents, schema {g['schema_version']})."
    if p:
        info += (f" Predictions: {', '.join(p['files'])}: {p['documents_scored']} scored, "
                 f"{p['missing_documents']} missing (scored as empty), {p['unknown_documents']} unknown id(s) ignored, "
                 f"{len(p['warnings'])} warning(s).")
    if b:
        info += (f" Intervals: {int(b['confidence'] * 100)}% percentile bootstrap over documents, "
                 f"{b['resamples']} resamples, seed {b['seed']}.")
    lines += [info, ""]
    # leaderboard row
    head = ["System"] + [SHORT.get(h["metric"], h["metric"]) + (" macro" if h["scope"] == "macro" else "") + " F1"
                         for h in report["headline"]]
    row = [sysname] + [_pct_ci(h["f1"], h["ci"]) for h in report["headline"]]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head), "| " + " | ".join(row) + " |", ""]
    # all metrics
    lines += ["### All metrics", "", "| Metric | P | R | F1 | 95% CI (F1) | Support | Predicted |",
              "|---|---:|---:|---:|---|---:|---:|"]
    for name, blk in _rows(report):
        ci = (blk.get("ci") or {}).get("f1")
        ci_s = "-" if not ci else f"[{_pct(ci[0])}, {_pct(ci[1])}]"
        lines.append(f"| {name} | {_pct(blk.get('precision'))} | {_pct(blk.get('recall'))} | {_pct(blk['f1'])} | "
                     f"{ci_s} | {blk.get('support', '')} | {blk.get('predicted', '')} |")
    for name, m in report["metrics"].items():
        if name.startswith("records.casualty"):
            ci = m.get("ci")
            ci_s = "-" if not ci else f"[{_pct(ci[0])}, {_pct(ci[1])}]"
            lines.append(f"| {name} (accuracy) | | | {_pct(m['value'])} | {ci_s} | {m['trials']} | |")
    lines.append("")
    for name in ("entities.strict", "triggers.classification", "arguments.classification", "records.type"):
        m = report["metrics"].get(name)
        if not m or not m.get("per_label"):
            continue
        lines += [f"### Per {m['label_kind']}: {name}", "", f"| {m['label_kind'].capitalize()} | P | R | F1 | 95% CI (F1) | Support |",
                  "|---|---:|---:|---:|---|---:|"]
        for lab, blk in m["per_label"].items():
            ci = (blk.get("ci") or {}).get("f1")
            ci_s = "-" if not ci else f"[{_pct(ci[0])}, {_pct(ci[1])}]"
            lines.append(f"| {lab} | {_pct(blk['precision'])} | {_pct(blk['recall'])} | {_pct(blk['f1'])} | {ci_s} | "
                         f"{blk['support']} |")
        lines.append("")
    lines += ["### Rules", ""]
    for name, m in report["metrics"].items():
        lines.append(f"- **{name}**: {m['rule']}")
    if report["notes"]:
        lines += ["", "### Notes", ""] + [f"- {n}" for n in report["notes"]]
    return "\n".join(lines) + "\n"


# -- terminal ----------------------------------------------------------------------------------
def print_report(report: dict, console=None, *, per_label: bool = True) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    g, p = report["gold"], report["predictions"]
    console.print(f"[bold]ConflictNews scores[/bold] {report['system']}  gold: {g['source']} ({g['documents']} docs)")
    if p:
        console.print(f"predictions: {p['documents_scored']} scored, {p['missing_documents']} missing (empty), "
                      f"{p['unknown_documents']} unknown ignored, {len(p['warnings'])} warning(s)")
    b = report["bootstrap"]
    t = Table(title="Metrics (%)" + (f", {int(b['confidence'] * 100)}% CI over documents, {b['resamples']} resamples"
                                     if b else ""), title_justify="left")
    for col in ("metric", "P", "R", "F1", "CI (F1)", "support", "pred"):
        t.add_column(col, justify="left" if col in ("metric", "CI (F1)") else "right")
    for name, blk in _rows(report):
        ci = (blk.get("ci") or {}).get("f1")
        base = name.removesuffix(" (macro)")
        short = SHORT.get(base, base) + (" macro" if name.endswith("(macro)") else "")
        t.add_row(short, _pct(blk.get("precision")), _pct(blk.get("recall")), _pct(blk["f1"]),
                  "" if not ci else f"{_pct(ci[0])}–{_pct(ci[1])}", str(blk.get("support", "")),
                  str(blk.get("predicted", "")))
    for name, m in report["metrics"].items():
        if name.startswith("records.casualty"):
            ci = m.get("ci")
            t.add_row(f"{SHORT.get(name, name)} (acc)", "", "", _pct(m["value"]),
                      "" if not ci else f"{_pct(ci[0])}–{_pct(ci[1])}",
                      str(m["trials"]), "")
    console.print(t)
    if per_label:
        for name in ("entities.strict", "triggers.classification", "arguments.classification"):
            m = report["metrics"].get(name)
            if not m or not m.get("per_label"):
                continue
            tt = Table(title=f"{name} per {m['label_kind']}", title_justify="left")
            for col in (m["label_kind"], "P", "R", "F1", "CI (F1)", "support"):
                tt.add_column(col, justify="left" if col in (m["label_kind"], "CI (F1)") else "right")
            for lab, blk in m["per_label"].items():
                ci = (blk.get("ci") or {}).get("f1")
                tt.add_row(lab, _pct(blk["precision"]), _pct(blk["recall"]), _pct(blk["f1"]),
                           "" if not ci else f"{_pct(ci[0])}–{_pct(ci[1])}", str(blk["support"]))
            console.print(tt)
    for n in report["notes"]:
        console.print(f"note: {n}")


# -- comparison --------------------------------------------------------------------------------
def comparison_report(rows: list[Comparison], *, names: tuple[str, str], gold_source: str, n_docs: int,
                      resamples: int, trials: int, seed: int, confidence: float) -> dict[str, Any]:
    return {
        "format": "conflictnews-compare/1",
        "systems": list(names),
        "gold": {"source": gold_source, "documents": n_docs},
        "paired_bootstrap": {"resamples": resamples, "seed": seed, "confidence": confidence,
                             "p_value": "two-sided, centred: (1 + #{|d* - d| >= |d|}) / (B + 1)"},
        "approximate_randomisation": {"trials": trials, "seed": seed,
                                      "p_value": "(1 + #{|d_r| >= |d|}) / (R + 1), documents swapped with p = 1/2"},
        "metrics": [{"metric": c.key[0], "scope": c.key[1] or "micro", "statistic": c.key[2], "a": _r(c.a),
                     "b": _r(c.b), "delta": _r(c.delta), "delta_ci": [_r(c.delta_low), _r(c.delta_high)],
                     "p_bootstrap": _r(c.p_bootstrap), "p_randomisation": _r(c.p_randomisation)} for c in rows],
    }


def comparison_markdown(rep: dict) -> str:
    a, b = rep["systems"]
    lines = [f"## {a} vs {b}", "",
             f"Gold: {rep['gold']['source']} ({rep['gold']['documents']} documents); paired bootstrap "
             f"{rep['paired_bootstrap']['resamples']} resamples, approximate randomisation "
             f"{rep['approximate_randomisation']['trials']} trials, seed {rep['paired_bootstrap']['seed']}.", "",
             f"| Metric | {a} | {b} | Δ | 95% CI (Δ) | p (bootstrap) | p (AR) |", "|---|---:|---:|---:|---|---:|---:|"]
    for m in rep["metrics"]:
        name = m["metric"] + ("" if m["scope"] == "micro" else f" ({m['scope']})")
        lines.append(f"| {name} | {_pct(m['a'])} | {_pct(m['b'])} | {100 * m['delta']:+.1f} | "
                     f"[{100 * m['delta_ci'][0]:+.1f}, {100 * m['delta_ci'][1]:+.1f}] | {m['p_bootstrap']:.4f} | "
                     f"{m['p_randomisation']:.4f} |")
    return "\n".join(lines) + "\n"


def print_comparison(rep: dict, console=None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    a, b = rep["systems"]
    t = Table(title=f"{a} vs {b} (%, Δ = A - B)", title_justify="left")
    for col in ("metric", a, b, "Δ", "95% CI (Δ)", "p boot", "p AR"):
        t.add_column(col, justify="left" if col in ("metric", "95% CI (Δ)") else "right")
    for m in rep["metrics"]:
        name = SHORT.get(m["metric"], m["metric"]) + ("" if m["scope"] == "micro" else f" {m['scope']}")
        t.add_row(name, _pct(m["a"]), _pct(m["b"]), f"{100 * m['delta']:+.1f}",
                  f"{100 * m['delta_ci'][0]:+.1f} – {100 * m['delta_ci'][1]:+.1f}", f"{m['p_bootstrap']:.4f}",
                  f"{m['p_randomisation']:.4f}")
    console.print(t)
