"""``conflictnews score`` and ``conflictnews compare`` (registered by the main command group).

Exit status: 0 when scored (warnings are listed but do not stop scoring); 2 when the predictions
have errors (all are listed, nothing is scored) or the gold cannot be used.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

_GOLD_HELP = "Gold: a split of the corpus (train, dev, test, all) or a gold file or folder."


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(2)


def _load(pred_paths, gold_spec: str, max_messages: int, label: str = ""):
    """Gold and checked predictions; exits with status 2 on errors, prints warnings."""
    from .gold import GoldError, load_gold
    from .predictions import load_predictions

    try:
        gold, source = load_gold(gold_spec)
    except GoldError as exc:
        _fail([f"error: {exc}"])
    preds = load_predictions(list(pred_paths), gold)
    tag = f"{label}: " if label else ""
    if preds.fatal:
        errs = preds.errors
        lines = [str(i) for i in errs] + [str(i) for i in preds.warnings[:max_messages]]
        lines.append(f"{tag}{len(errs)} error(s) in the predictions: nothing scored (exit 2). "
                     f"{len(preds.warnings)} warning(s).")
        _fail(lines)
    unknown = set(preds.unknown_ids)
    others = [w for w in preds.warnings if not (w.path == "id" and w.doc in unknown)]
    for w in others[:max_messages]:
        click.echo(str(w), err=True)
    if len(others) > max_messages:
        click.echo(f"{tag}... {len(others) - max_messages} more warning(s) (all are in the JSON report)", err=True)
    if preds.unknown_ids:
        ids = preds.unknown_ids
        click.echo(f"{tag}warning: {len(ids)} predicted document id(s) are not in the gold set and were ignored: "
                   f"{', '.join(ids[:20])}{' ...' if len(ids) > 20 else ''} (check --gold)", err=True)
    if preds.missing_ids:
        click.echo(f"{tag}{len(preds.missing_ids)} of {len(gold)} gold document(s) have no prediction and are scored "
                   f"as empty: {', '.join(preds.missing_ids[:20])}{' ...' if len(preds.missing_ids) > 20 else ''}",
                   err=True)
    return gold, source, preds


@click.command()
@click.option("--pred", "pred_paths", required=True, multiple=True,
              type=click.Path(exists=True, path_type=Path),
              help="Predictions in the corpus format: .jsonl, a .json array or object, or a folder (repeatable).")
@click.option("--gold", "gold_spec", default="test", show_default=True, help=_GOLD_HELP)
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), help="Write every figure as JSON.")
@click.option("--markdown", "md_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a Markdown leaderboard table and the full metric table.")
@click.option("--plots", "plots_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write PNG plots (per-type F1 with intervals, type confusion matrices) into this folder.")
@click.option("--resamples", default=1000, show_default=True, type=click.IntRange(min=0),
              help="Bootstrap resamples of documents for the 95% intervals (0: no intervals).")
@click.option("--seed", default=0, show_default=True, help="Seed of the bootstrap.")
@click.option("--name", "system", default=None, help="System name in the reports (default: the prediction file name).")
@click.option("--max-messages", default=50, show_default=True, help="Print at most this many warnings.")
@click.option("--quiet", is_flag=True, help="No terminal tables.")
def score(pred_paths, gold_spec, json_out, md_out, plots_dir, resamples, seed, system, max_messages, quiet) -> None:
    """Score predictions against gold: entities, triggers, arguments, coreference, event records.

    Exit status 2 (with every message) when the predictions have errors; see eval/README.md.
    """
    from .report import build_report, print_report, to_markdown
    from .scorer import score_documents

    gold, source, preds = _load(pred_paths, gold_spec, max_messages)
    scores = score_documents(gold, preds.documents)
    intervals = scores.bootstrap(resamples=resamples, seed=seed) if resamples else None
    report = build_report(scores, intervals, preds, gold_source=source,
                          system=system or Path(pred_paths[0]).stem, schema_version=gold[0].schema_version)
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if md_out:
        md_out.parent.mkdir(parents=True, exist_ok=True)
        md_out.write_text(to_markdown(report), encoding="utf-8")
    if plots_dir:
        from .plots import write_plots

        for p in write_plots(report, plots_dir):
            click.echo(f"wrote {p}", err=True)
    if not quiet:
        print_report(report)


@click.command()
@click.argument("system_a", type=click.Path(exists=True, path_type=Path))
@click.argument("system_b", type=click.Path(exists=True, path_type=Path))
@click.option("--gold", "gold_spec", default="test", show_default=True, help=_GOLD_HELP)
@click.option("--resamples", default=1000, show_default=True, type=click.IntRange(min=1),
              help="Paired bootstrap resamples of documents.")
@click.option("--trials", default=10000, show_default=True, type=click.IntRange(min=1),
              help="Approximate randomisation trials.")
@click.option("--seed", default=0, show_default=True)
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--markdown", "md_out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--max-messages", default=50, show_default=True)
def compare(system_a, system_b, gold_spec, resamples, trials, seed, json_out, md_out, max_messages) -> None:
    """Compare two systems on the same gold: paired bootstrap and approximate randomisation.

    Δ = A - B for every headline figure, with its 95% interval and two p-values.
    """
    from .bootstrap import compare as run_compare
    from .report import comparison_markdown, comparison_report, print_comparison
    from .scorer import score_documents

    gold, source, pa = _load([system_a], gold_spec, max_messages, "A")
    _, _, pb = _load([system_b], gold_spec, max_messages, "B")
    # the same columns for both systems: every label, coreference scored for both
    sa = score_documents(gold, pa.documents, coref=True, all_labels=True)
    sb = score_documents(gold, pb.documents, coref=True, all_labels=True)
    rows = run_compare(sa.matrix, sb.matrix, sa.layout, resamples=resamples, trials=trials, seed=seed)
    rep = comparison_report(rows, names=(system_a.stem, system_b.stem), gold_source=source, n_docs=len(gold),
                            resamples=resamples, trials=trials, seed=seed, confidence=0.95)
    if json_out:
        json_out.write_text(json.dumps(rep, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if md_out:
        md_out.write_text(comparison_markdown(rep), encoding="utf-8")
    print_comparison(rep)
