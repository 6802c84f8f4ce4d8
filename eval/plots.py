"""PNG plots of a report: per-type F1 with bootstrap intervals, and type confusion matrices.

matplotlib is imported here only, with the Agg backend, so the command line stays fast.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

PER_TYPE = ("entities.strict", "triggers.classification", "arguments.classification", "records.type")


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _f1_ci(blk: dict) -> list[float]:
    ci = (blk.get("ci") or {}).get("f1")
    return list(ci) if ci else [blk["f1"], blk["f1"]]


def per_type_f1(report: dict, out: Path) -> Path | None:
    """One horizontal bar panel per typed metric: F1 per label with its interval."""
    panels = [(n, report["metrics"][n]) for n in PER_TYPE if report["metrics"].get(n, {}).get("per_label")]
    if not panels:
        return None
    plt = _plt()
    heights = [max(2.0, 0.28 * len(m["per_label"]) + 1.0) for _, m in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(7.5, sum(heights)), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    for ax, (name, m) in zip(axes[:, 0], panels):
        labs = list(m["per_label"])
        f1 = np.array([m["per_label"][k]["f1"] for k in labs])
        ci = np.array([_f1_ci(m["per_label"][k]) for k in labs]).reshape(-1, 2)
        lo, hi = np.minimum(ci[:, 0], f1), np.maximum(ci[:, 1], f1)
        y = np.arange(len(labs))
        ax.barh(y, f1, color="#4c72b0", alpha=0.85)
        ax.errorbar(f1, y, xerr=np.vstack([f1 - lo, hi - f1]), fmt="none", ecolor="black", capsize=2, lw=0.8)
        ax.set_yticks(y, [f"{k} ({m['per_label'][k]['support']})" for k in labs], fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        micro = m["micro"]["f1"]
        ax.axvline(micro, color="#dd8452", ls="--", lw=1, label=f"micro F1 {micro:.3f}")
        ax.legend(loc="lower right", fontsize=7)
        ax.set_title(f"{name}: F1 per {m['label_kind']} (support), 95% bootstrap CI", fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def confusion(report: dict, kind: str, out: Path) -> Path | None:
    """Heat map of gold type x predicted type over identical spans (types seen on either side)."""
    c = report["confusion"].get(kind)
    if not c:
        return None
    m = np.array(c["matrix"], dtype=float)
    if m.size == 0 or m.sum() == 0:
        return None
    keep = np.flatnonzero((m.sum(0) + m.sum(1)) > 0)
    m = m[np.ix_(keep, keep)]
    labs = [c["labels"][k] for k in keep]
    plt = _plt()
    n = len(labs)
    fig, ax = plt.subplots(figsize=(1.2 + 0.42 * n, 1.0 + 0.42 * n))
    ax.imshow(np.log1p(m), cmap="Blues")
    ax.set_xticks(range(n), labs, rotation=90, fontsize=7)
    ax.set_yticks(range(n), labs, fontsize=7)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    for i in range(n):
        for j in range(n):
            if m[i, j]:
                ax.text(j, i, int(m[i, j]), ha="center", va="center", fontsize=6,
                        color="white" if m[i, j] > m.max() / 2 else "black")
    ax.set_title(f"{kind}: type confusion on identical spans", fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def write_plots(report: dict, folder: Path) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    made = [per_type_f1(report, folder / "per_type_f1.png"),
            confusion(report, "entities", folder / "confusion_entities.png"),
            confusion(report, "events", folder / "confusion_events.png")]
    return [p for p in made if p is not None]
