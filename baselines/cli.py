"""Command line: ``conflictnews baseline run|list`` and ``conflictnews benchmark``.

The lead registers these into the main group: ``main.add_command(baseline)`` and
``main.add_command(benchmark)``. Heavy libraries are imported inside the commands.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click


def _options(model: str | None, label_map: str | None, tiny: bool) -> dict:
    opts: dict = {}
    if model:
        opts["model"] = model
    if label_map:
        import json

        opts["label_map"] = json.loads(Path(label_map).read_text(encoding="utf-8"))
    if tiny:
        opts["tiny"] = True
    return opts


@click.group()
def baseline() -> None:
    """Baseline extractors: list them, or train one and predict a split."""


@baseline.command("list")
def list_() -> None:
    """The registered baselines."""
    from .registry import REGISTRY

    for e in REGISTRY.values():
        tags = [t for t, on in (("neural extra", e.neural), ("in default benchmark", e.default)) if on]
        click.echo(f"{e.name:12s} {e.description}" + (f" [{', '.join(tags)}]" if tags else ""))


@baseline.command("run")
@click.argument("name")
@click.option("--split", default="test", show_default=True, help="Split to predict (read from meta.split).")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="Predictions (JSON lines).")
@click.option("--train-split", default="train", show_default=True)
@click.option("--dev-split", default="dev", show_default=True, help="Split used to choose hyper-parameters.")
@click.option("--model", default=None, help="Local model path (hf, gliner adapters).")
@click.option("--label-map", type=click.Path(exists=True), default=None, help="JSON {model label: schema label}.")
@click.option("--save", "save_dir", type=click.Path(path_type=Path), default=None, help="Save the fitted model here.")
@click.option("--score/--no-score", default=True, show_default=True, help="Print headline scores against the split's gold.")
def run(name: str, split: str, output: Path, train_split: str, dev_split: str, model: str | None,
        label_map: str | None, save_dir: Path | None, score: bool) -> None:
    """Train baseline NAME on train (tuning on dev) and predict SPLIT into OUTPUT."""
    from .benchmark import COLUMNS, LeakageError, headline, load_split, run_extractor, score as score_fn, write_predictions
    from .registry import get

    try:
        extractor = get(name, **_options(model, label_map, False))
        if split in (train_split, dev_split):
            raise LeakageError(f"cannot predict the {split!r} split with a model trained/tuned on it")
        target = load_split(split)
        if not target:
            raise ValueError(f"the {split!r} split has no documents")
        r = run_extractor(extractor, load_split(train_split), load_split(dev_split), target, name=name)
    except (KeyError, ValueError, LeakageError, ImportError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    write_predictions(r.predictions, output)
    if save_dir is not None:
        extractor.save(save_dir)
    click.echo(f"{name}: {len(r.predictions)} documents predicted -> {output} "
               f"(train {r.train_seconds:.1f} s, predict {r.predict_seconds:.2f} s)")
    if score:
        scores, iv = score_fn(target, r.predictions, resamples=200)
        for metric, label in COLUMNS:
            m = headline(scores, iv)[metric]
            click.echo(f"  {label}: {100 * m['f1']:.1f} [{100 * m['ci'][0]:.1f}, {100 * m['ci'][1]:.1f}]")


@click.command()
@click.option("-b", "--baseline", "names", multiple=True, help="Baselines to run (default: rules, sklearn).")
@click.option("--with-neural", is_flag=True, help="Also fine-tune the transformer baseline (needs the [neural] extra).")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("runs/benchmark"), show_default=True)
@click.option("--split", default="test", show_default=True)
@click.option("--resamples", default=1000, show_default=True, help="Bootstrap resamples for the intervals.")
@click.option("--seed", default=0, show_default=True)
@click.option("--no-progress", is_flag=True, help="No progress bar.")
def benchmark(names: tuple[str, ...], with_neural: bool, out_dir: Path, split: str, resamples: int, seed: int,
              no_progress: bool) -> None:
    """Train every baseline on train (tuning on dev), predict test, score with the harness and write the
    leaderboard (leaderboard.md, leaderboard.json, leaderboard.png) with confidence intervals."""
    from .benchmark import LeakageError, leaderboard_markdown, run_benchmark
    from .registry import REGISTRY

    chosen = list(names) or [n for n, e in REGISTRY.items() if e.default]
    if with_neural and "transformer" not in chosen:
        chosen.append("transformer")
    try:
        res = run_benchmark(chosen, out_dir=out_dir, split=split, resamples=resamples, seed=seed,
                            progress=not no_progress, log=lambda s: click.echo(s, err=True))
    except (KeyError, ValueError, LeakageError, ImportError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(leaderboard_markdown(res))
    click.echo(f"wrote {out_dir}/leaderboard.md, leaderboard.json, leaderboard.png")
