"""``conflictnews ls ...``: the Label Studio round trip on the command line.

Registered in the main command with ``main.add_command(ls)``. Nothing heavy is imported at start-up:
label-studio-sdk only inside ``push`` and ``pull``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from conflictnews.labelstudio.tasks import DEFAULT_OFFSETS, OFFSET_UNITS


@click.group("ls", context_settings={"help_option_names": ["-h", "--help"]})
def ls() -> None:
    """Label Studio round trip: config, tasks, import, agreement, merge, live sync."""


def _schema(version: str | None):
    from conflictnews.schema import UnknownSchemaVersion, load_schema

    try:
        return load_schema(version)
    except UnknownSchemaVersion as exc:
        raise click.UsageError(str(exc)) from exc


def _write(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=False)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)


@ls.command("config")
@click.option("--schema-version", default=None, help="Schema version (default: the latest released).")
@click.option("-o", "--out", type=click.Path(path_type=Path), default=None, help="Output file (default: stdout).")
def config_cmd(schema_version: str | None, out: Path | None) -> None:
    """Write the labeling config XML generated from the schema."""
    from conflictnews.labelstudio.config import build_config

    _write(build_config(_schema(schema_version)), out)


# -- documents and predictions ----------------------------------------------------------------
def _documents(paths: Sequence[Path], split: str | None):
    from conflictnews.corpus import InvalidCorpus, load_documents

    try:
        docs = load_documents(list(paths) or None, split=split)
    except InvalidCorpus as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    if not docs:
        click.echo("no documents selected", err=True)
        sys.exit(1)
    versions = sorted({d.schema_version for d in docs})
    if len(versions) > 1:
        click.echo(f"the documents follow several schema versions ({', '.join(versions)}); a project has one "
                   "config: export them separately or migrate them (`conflictnews schema migrate`)", err=True)
        sys.exit(1)
    return docs, versions[0]


def _predictions(path: Path | None, docs) -> dict[str, Any]:
    if path is None:
        return {}
    from conflictnews.document import Document
    from conflictnews.records import ReadProblem, read_records
    from conflictnews.validate import validate_record

    try:
        from conflictnews.eval.predictions import WARNING_RULES
    except ImportError:  # pragma: no cover - the harness is part of the package
        WARNING_RULES = ()
    import re

    warnings = [re.compile(pat) for pat, _ in WARNING_RULES]
    by_id = {d.id for d in docs}
    out: dict[str, Any] = {}
    bad = False
    for rec in read_records(path):
        if isinstance(rec, ReadProblem):
            click.echo(f"{rec.file}:{rec.line}: {rec.message} -> {rec.fix}", err=True)
            bad = True
            continue
        # what the harness would refuse to score is refused here too; its warnings pass (the
        # annotator sees them in Label Studio)
        fatal = [p for p in validate_record(rec, gold=False) if not any(w.search(p.message) for w in warnings)]
        for p in fatal:
            click.echo(f"prediction {p}", err=True)
        if fatal:
            bad = True
            continue
        doc = Document.from_dict(rec.data)
        if doc.id in out:
            click.echo(f"{path}:{rec.line}: document {doc.id} predicted twice", err=True)
            bad = True
        elif doc.id not in by_id:
            click.echo(f"{path}:{rec.line}: note: prediction for {doc.id}, which is not exported; ignored", err=True)
        else:
            out[doc.id] = doc
    if bad:
        sys.exit(1)
    return out


def _export_options(f):
    f = click.option("--offsets", type=click.Choice(OFFSET_UNITS), default=DEFAULT_OFFSETS, show_default=True,
                     help="Offset unit of the Label Studio front-end (1.23: code points; old ones: utf16).")(f)
    f = click.option("--no-gold", is_flag=True, help="Do not include the gold annotation (pre-annotation only).")(f)
    f = click.option("--model-version", default=None, help="Model version of the predictions (required with them).")(f)
    f = click.option("--predictions", type=click.Path(exists=True, path_type=Path), default=None,
                     help="Predictions in the corpus format (JSON lines), added as Label Studio predictions.")(f)
    f = click.option("--split", type=click.Choice(["train", "dev", "test"]), default=None,
                     help="Only the documents of this split.")(f)
    f = click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))(f)
    return f


def _tasks(paths, split, predictions, model_version, no_gold, offsets):
    from conflictnews.labelstudio.tasks import export_tasks

    if predictions and not model_version:
        raise click.UsageError("--predictions needs --model-version NAME")
    docs, version = _documents(paths, split)
    preds = _predictions(predictions, docs)
    if no_gold and not preds:
        raise click.UsageError("--no-gold without --predictions would give empty tasks")
    return export_tasks(docs, _schema(version), gold=not no_gold, predictions=preds,
                        model_version=model_version, offsets=offsets), version


@ls.command("export")
@_export_options
@click.option("-o", "--out", type=click.Path(path_type=Path), default=None, help="Output JSON (default: stdout).")
def export_cmd(paths, split, predictions, model_version, no_gold, offsets, out) -> None:
    """Write Label Studio tasks for corpus documents (files, folders, or the corpus; --split)."""
    tasks, version = _tasks(paths, split, predictions, model_version, no_gold, offsets)
    _write(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", out)
    n_pred = sum(len(t.get("predictions", [])) for t in tasks)
    click.echo(f"{len(tasks)} task(s), schema {version}, {n_pred} prediction(s)", err=True)


# -- import -----------------------------------------------------------------------------------
def _report(problems, verbose: bool, report: Path | None) -> tuple[int, int]:
    errors = sum(p.severity == "error" for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    for p in problems:
        if p.severity != "info" or verbose:
            click.echo(str(p), err=True)
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps([p.to_dict() for p in problems], ensure_ascii=False, indent=1) + "\n",
                          encoding="utf-8")
    return errors, warnings


def _import_and_write(tasks, out_dir: Path | None, annotator: str | None, per_annotator: bool, offsets: str | None,
                      force: bool, verbose: bool, report: Path | None) -> None:
    from conflictnews.document import dumps
    from conflictnews.labelstudio.convert import choose, import_tasks

    res = import_tasks(tasks, offsets=offsets)
    problems = list(res.problems)
    if per_annotator:
        chosen = [it for it in res.items if annotator is None or it.annotator == annotator]
    else:
        chosen, more = choose(res, annotator=annotator)
        problems += more
    problems += [p for it in chosen for p in it.problems]
    errors, warnings = _report(problems, verbose, report)
    written = skipped = 0
    for it in chosen:
        if not it.ok and not force:
            skipped += 1
            continue
        if out_dir is None:
            continue
        folder = out_dir / _safe(it.annotator) if per_annotator else out_dir
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{it.doc['id']}.json").write_text(dumps(it.doc), encoding="utf-8")
        written += 1
    where = f"written to {out_dir}" if out_dir else "checked (no --out: nothing written)"
    click.echo(f"{len(chosen)} document(s) from {len(tasks)} task(s): {written if out_dir else len(chosen) - skipped} "
               f"{where}; {skipped} with errors not written; {errors} error(s), {warnings} warning(s)", err=True)
    if errors:
        sys.exit(1)


def _safe(name: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9_.@-]+", "_", name) or "unknown"


def _import_options(f):
    f = click.option("--report", type=click.Path(path_type=Path), default=None,
                     help="Write every problem as JSON to this file.")(f)
    f = click.option("-v", "--verbose", is_flag=True, help="Also print notes (skipped annotations, defaults).")(f)
    f = click.option("--force", is_flag=True, help="Write documents that have errors too (they fail validation).")(f)
    f = click.option("--offsets", type=click.Choice(OFFSET_UNITS), default=None,
                     help="Offset unit of the export (default: what the task says, else codepoint).")(f)
    f = click.option("--per-annotator", is_flag=True,
                     help="Write every annotation, to OUT/<annotator>/<id>.json.")(f)
    f = click.option("--annotator", default=None, help="Import this annotator's annotations (e.g. user-3).")(f)
    f = click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=None,
                     help="Folder for the documents (default: check only).")(f)
    return f


@ls.command("import")
@click.argument("export", type=click.Path(exists=True, path_type=Path))
@_import_options
def import_cmd(export: Path, out_dir, annotator, per_annotator, offsets, force, verbose, report) -> None:
    """Turn a Label Studio JSON export into corpus documents, validated; report every problem."""
    from conflictnews.labelstudio.convert import read_export

    _import_and_write(read_export(export), out_dir, annotator, per_annotator, offsets, force, verbose, report)


# -- agreement and merge ------------------------------------------------------------------------
def _by_annotator(export: Path, offsets: str | None, verbose: bool):
    from conflictnews.labelstudio.convert import import_tasks, read_export

    res = import_tasks(read_export(export), offsets=offsets)
    problems = res.all_problems()
    _report([p for p in problems if p.severity != "info"] + ([p for p in problems if p.severity == "info"]
                                                                if verbose else []), verbose, None)
    bad = [it for it in res.items if not it.ok]
    if bad:
        click.echo(f"{len(bad)} annotation(s) with errors are left out: "
                   + ", ".join(f"task {i.task}/annotation {i.annotation}" for i in bad), err=True)
    return {a: {d: it.document for d, it in docs.items()} for a, docs in res.by_annotator(only_ok=True).items()}


@ls.command("agreement")
@click.argument("export", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "json_out", type=click.Path(path_type=Path), default=None, help="Write the figures as JSON.")
@click.option("--resamples", default=200, show_default=True, help="Bootstrap resamples of the harness.")
@click.option("--offsets", type=click.Choice(OFFSET_UNITS), default=None)
@click.option("-v", "--verbose", is_flag=True)
def agreement_cmd(export: Path, json_out: Path | None, resamples: int, offsets: str | None, verbose: bool) -> None:
    """Pairwise and overall agreement between the annotators of an export."""
    from conflictnews.labelstudio.agreement import multi_agreement

    by_ann = _by_annotator(export, offsets, verbose)
    if len(by_ann) < 2:
        click.echo(f"agreement needs two annotators; the export has {len(by_ann)} usable", err=True)
        sys.exit(1)
    ag = multi_agreement(by_ann, resamples=resamples)
    click.echo(ag.markdown(), nl=False)
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(ag.to_dict(), indent=1, default=_nan) + "\n", encoding="utf-8")


def _nan(x):  # pragma: no cover - json default
    return str(x)


@ls.command("merge")
@click.argument("export", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder for the gold.")
@click.option("--strategy", type=click.Choice(["majority", "base"]), default="majority", show_default=True)
@click.option("--base", default=None, help="Annotator whose work is the base (required for --strategy base; "
                                           "breaks ties for majority).")
@click.option("--min-votes", type=int, default=None, help="Votes to keep an item (default: more than half).")
@click.option("--conflicts", "conflicts_out", type=click.Path(path_type=Path), default=None,
              help="Write the conflict list as JSON (default: <out>/conflicts.json).")
@click.option("--offsets", type=click.Choice(OFFSET_UNITS), default=None)
@click.option("-v", "--verbose", is_flag=True, help="Print every conflict.")
def merge_cmd(export, out_dir, strategy, base, min_votes, conflicts_out, offsets, verbose) -> None:
    """Merge several annotators' work into one gold, listing every conflict."""
    from conflictnews.document import dumps
    from conflictnews.labelstudio.agreement import merge_documents
    from conflictnews.records import Record
    from conflictnews.validate import validate_record

    if strategy == "base" and not base:
        raise click.UsageError("--strategy base needs --base ANNOTATOR")
    by_ann = _by_annotator(export, offsets, verbose)
    per_doc: dict[str, dict[str, Any]] = {}
    for a, docs in by_ann.items():
        for d, doc in docs.items():
            per_doc.setdefault(d, {})[a] = doc
    out_dir.mkdir(parents=True, exist_ok=True)
    all_conflicts = []
    invalid = 0
    for d in sorted(per_doc):
        anns = per_doc[d]
        if base and base not in anns:
            click.echo(f"[{d}] {base} did not annotate it: skipped (annotators: {', '.join(sorted(anns))})", err=True)
            continue
        res = merge_documents(anns, strategy=strategy, base=base, min_votes=min_votes)
        all_conflicts += res.conflicts
        text = dumps(res.doc)
        problems = validate_record(Record(res.doc, str(out_dir / f"{d}.json"), 1, text), gold="meta" in res.doc)
        for p in problems:
            click.echo(f"merged {p}", err=True)
        invalid += bool(problems)
        (out_dir / f"{d}.json").write_text(text, encoding="utf-8")
        click.echo(f"[{d}] {len(anns)} annotator(s), {len(res.conflicts)} conflict(s)"
                   + (f", {len(problems)} validation problem(s)" if problems else ""))
        if verbose:
            for c in res.conflicts:
                click.echo(f"  {c}")
    cpath = conflicts_out or out_dir / "conflicts.json"
    cpath.write_text(json.dumps([c.to_dict() for c in all_conflicts], ensure_ascii=False, indent=1) + "\n",
                     encoding="utf-8")
    click.echo(f"{len(per_doc)} document(s) merged ({strategy}); {len(all_conflicts)} conflict(s) listed in {cpath}")
    if invalid:
        sys.exit(1)


# -- live sync ----------------------------------------------------------------------------------
def _server_options(f):
    f = click.option("--project-id", type=int, default=None, help="Project id (default: find it by title).")(f)
    f = click.option("--project-title", default=None, help="Project title (default: 'ConflictNews (schema V)').")(f)
    f = click.option("--api-key", envvar="LABEL_STUDIO_API_KEY", default=None,
                     help="API token (env LABEL_STUDIO_API_KEY).")(f)
    f = click.option("--url", envvar="LABEL_STUDIO_URL", default=None, help="Server URL (env LABEL_STUDIO_URL).")(f)
    return f


def _client(url, api_key):
    from conflictnews.labelstudio.client import SyncError, connect

    try:
        return connect(url, api_key)
    except SyncError as exc:
        raise click.UsageError(str(exc)) from exc


@ls.command("push")
@_export_options
@_server_options
@click.option("--update-existing", is_flag=True, help="Add the predictions to tasks already in the project.")
def push_cmd(paths, split, predictions, model_version, no_gold, offsets, url, api_key, project_title, project_id,
             update_existing) -> None:
    """Create or update the project from the schema and upload tasks (with predictions)."""
    from conflictnews.labelstudio.client import SyncError, ensure_project, push_tasks

    tasks, version = _tasks(paths, split, predictions, model_version, no_gold, offsets)
    client = _client(url, api_key)
    try:
        info = ensure_project(client, _schema(version), title=project_title, project_id=project_id)
        r = push_tasks(client, info.id, tasks, update_existing=update_existing)
    except SyncError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    state = "created" if info.created else ("config updated" if info.config_updated else "config unchanged")
    click.echo(f"project {info.id} '{info.title}' ({state}); {r['created']} task(s) uploaded, "
               f"{len(r['skipped'])} already there" + (f", {r['predictions_added']} prediction(s) added"
                                                      if update_existing else ""))


@ls.command("pull")
@_server_options
@_import_options
@click.option("--schema-version", default=None, help="Schema of the project (to find it by its default title).")
@click.option("--save-export", type=click.Path(path_type=Path), default=None, help="Also keep the raw JSON export.")
def pull_cmd(url, api_key, project_title, project_id, out_dir, annotator, per_annotator, offsets, force, verbose,
             report, schema_version, save_export) -> None:
    """Pull the finished annotations of a project into corpus documents."""
    from conflictnews.labelstudio.client import DEFAULT_TITLE, SyncError, export_project, user_names

    client = _client(url, api_key)
    try:
        if project_id is None:
            title = project_title or DEFAULT_TITLE.format(version=_schema(schema_version).version)
            found = [p for p in client.projects.list(title=title) if p.title == title]
            if not found:
                click.echo(f"no project titled {title!r} (use --project-id)", err=True)
                sys.exit(1)
            project_id = found[0].id
        tasks = export_project(client, project_id)
        names = user_names(client)
    except SyncError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    for t in tasks:
        for a in t.get("annotations") or []:
            cb = a.get("completed_by")
            if isinstance(cb, int) and cb in names:
                a["completed_by"] = {"id": cb, "email": names[cb]}
    if save_export:
        save_export.parent.mkdir(parents=True, exist_ok=True)
        save_export.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _import_and_write(tasks, out_dir, annotator, per_annotator, offsets, force, verbose, report)
