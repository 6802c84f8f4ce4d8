"""The ``conflictnews`` command: a thin shell around the package's functions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="conflictnews")
def main() -> None:
    """ConflictNews: annotated armed-conflict news for entity and event extraction."""


# -- validate ---------------------------------------------------------------------------------
@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--kind", type=click.Choice(["auto", "gold", "prediction"]), default="auto", show_default=True,
              help="gold requires meta, clusters and all attributes; auto decides per document (meta present = gold).")
@click.option("--max-problems", type=int, default=200, show_default=True, help="Print at most this many problems.")
def validate(paths: tuple[Path, ...], kind: str, max_problems: int) -> None:
    """Check documents against the schema version each declares (default: the whole corpus).

    Exit status 1 on any problem, 0 when every document is clean.
    """
    from conflictnews.corpus import documents_dir
    from conflictnews.validate import validate_paths

    targets = list(paths) or [documents_dir()]
    gold = None if kind == "auto" else kind == "gold"
    problems, n = validate_paths(targets, gold=gold)
    for p in problems[:max_problems]:
        click.echo(str(p))
    if len(problems) > max_problems:
        click.echo(f"... {len(problems) - max_problems} more problem(s) not shown (--max-problems)")
    if problems:
        files = len({p.file for p in problems})
        click.echo(f"{len(problems)} problem(s) in {files} file(s); {n} document(s) read.", err=True)
        sys.exit(1)
    click.echo(f"OK: {n} document(s) valid.")


# -- stats / show -------------------------------------------------------------------------------
def _load_or_exit(paths: list[Path] | None = None):
    from conflictnews.corpus import InvalidCorpus, load_documents

    try:
        return load_documents(paths)
    except InvalidCorpus as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(paths: tuple[Path, ...], as_json: bool) -> None:
    """Counts by split, entity type, event type, role, attribute and meta field."""
    from rich.console import Console
    from rich.table import Table

    from conflictnews.stats import corpus_stats

    s = corpus_stats(_load_or_exit(list(paths) or None))
    if as_json:
        click.echo(json.dumps(s, indent=2, ensure_ascii=False))
        return
    console = Console()
    tot = s.pop("totals")
    console.print("  ".join(f"{k}={v}" for k, v in tot.items()), style="bold")
    for section, counts in s.items():
        if not counts:
            continue
        t = Table(title=section, title_justify="left", show_header=False, box=None, padding=(0, 2))
        for k, v in counts.items():
            t.add_row(str(k), str(v))
        console.print(t)


@main.command()
@click.argument("doc_id")
@click.option("--markup", is_flag=True, help="Print the inline authoring markup instead of the coloured view.")
def show(doc_id: str, markup: bool) -> None:
    """Print one corpus document with its annotations highlighted."""
    from rich.console import Console

    docs = {d.id: d for d in _load_or_exit()}
    if doc_id not in docs:
        close = [d for d in docs if doc_id in d]
        hint = f" Did you mean: {', '.join(close[:5])}?" if close else f" Known ids: {', '.join(list(docs)[:10])} ..."
        click.echo(f"no document {doc_id!r} in the corpus.{hint}", err=True)
        sys.exit(1)
    doc = docs[doc_id]
    if markup:
        from conflictnews.markup import render

        click.echo(render(doc.to_dict()), nl=False)
        return
    from conflictnews.show import render_document

    Console().print(render_document(doc))


@main.command()
@click.option("--exceptions", "exceptions_path", type=click.Path(path_type=Path), default=None,
              help="Reviewed exceptions (default: corpus/check_exceptions.yaml).")
@click.option("--all", "show_all", is_flag=True, help="Also list the findings that exceptions explain.")
def check(exceptions_path: Path | None, show_all: bool) -> None:
    """Consistency checks across the corpus: type conflicts, unannotated repeats, ignored triggers.

    Exit 1 while any finding is not explained by an exception with its reason.
    """
    from conflictnews.checks import load_exceptions, partition, run_checks
    from conflictnews.corpus import corpus_dir

    docs = _load_or_exit()
    path = exceptions_path or corpus_dir() / "check_exceptions.yaml"
    try:
        exceptions = load_exceptions(path)
    except ValueError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    unexplained, explained, stale = partition(run_checks(docs), exceptions)
    for f in unexplained:
        click.echo(f"{f.check}: {f.key!r}{' in ' + f.doc if f.doc else ''}: {f.detail}")
    if show_all:
        for f in explained:
            click.echo(f"explained {f.check}: {f.key!r}{' in ' + f.doc if f.doc else ''}")
    for x in stale:
        click.echo(f"warning: exception no longer matches anything: {x.check} {x.key!r} {x.doc or ''}", err=True)
    click.echo(f"{len(unexplained)} unexplained finding(s), {len(explained)} explained by {path.name}; "
               f"{len(docs)} document(s).")
    if unexplained:
        sys.exit(1)


@main.group()
def splits() -> None:
    """Train/dev/test splits: grouped by real-world event, stratified, frozen per corpus version."""


@splits.command("assign")
@click.option("--write", is_flag=True, help="Write meta.split into the documents and the split lists.")
@click.option("--bump", default=None, help="New corpus version; required when the frozen test list would change.")
@click.option("--seed", default=2026, show_default=True)
def splits_assign(write: bool, bump: str | None, seed: int) -> None:
    """Propose (and with --write, apply) the split assignment."""
    import yaml

    from conflictnews.corpus import corpus_dir, documents_dir
    from conflictnews.document import dumps
    from conflictnews.splits import SPLITS, assign_splits, stratum, write_split_lists

    docs = _load_or_exit()
    pinned = {d.id: d.meta["split"] for d in docs if (d.meta or {}).get("provenance") == "published-news"}
    assignment = assign_splits(docs, seed=seed, pinned=pinned)
    from collections import Counter

    counts = Counter(assignment.values())
    click.echo("  ".join(f"{s}={counts[s]} ({counts[s] / len(docs):.0%})" for s in SPLITS))
    by_stratum: dict = {}
    for d in docs:
        by_stratum.setdefault(stratum(d), Counter())[assignment[d.id]] += 1
    for st, c in sorted(by_stratum.items()):
        click.echo(f"  {st[0]:12s} {st[1]:13s} " + " ".join(f"{s}={c[s]}" for s in SPLITS))
    if not write:
        return
    sdir = corpus_dir() / "splits"
    version_file = sdir / "version.yaml"
    old = yaml.safe_load(version_file.read_text()) if version_file.is_file() else {}
    old_test = set()
    if (sdir / "test.txt").is_file():
        old_test = {x.strip() for x in (sdir / "test.txt").read_text().splitlines() if x.strip() and not x.startswith("#")}
    new_test = {i for i, s in assignment.items() if s == "test"}
    version = bump or old.get("corpus_version") or "0.1.0"
    if old_test and old_test != new_test and not bump:
        click.echo(f"the test list of corpus {old.get('corpus_version')} would change: pass --bump NEW_VERSION", err=True)
        sys.exit(1)
    for d in docs:
        if d.meta.get("split") != assignment[d.id]:
            path = documents_dir() / f"{d.id}.json"
            raw = json.loads(path.read_text(encoding="utf-8"))
            raw["meta"]["split"] = assignment[d.id]
            path.write_text(dumps(raw), encoding="utf-8")
    write_split_lists(assignment, sdir, version)
    click.echo(f"wrote meta.split and {sdir}/ (corpus {version})")


@splits.command("check")
def splits_check() -> None:
    """Exit 1 if an event spans two splits or meta.split disagrees with the frozen lists."""
    from conflictnews.corpus import corpus_dir
    from conflictnews.splits import check_splits

    problems = check_splits(_load_or_exit(), corpus_dir() / "splits")
    for p in problems:
        click.echo(p.message)
    if problems:
        sys.exit(1)
    click.echo("OK: splits consistent with the frozen lists; no event in two splits.")


@main.command()
@click.option("--check", "check_only", is_flag=True, help="Exit 1 if a generated block is out of date.")
@click.option("--card", "card_path", type=click.Path(path_type=Path), default=None, help="Default: CARD.md of the checkout.")
@click.option("--leaderboard", "leaderboard_path", type=click.Path(path_type=Path),
              default=Path("runs/benchmark/leaderboard.json"), show_default=True,
              help="Leaderboard written by `conflictnews benchmark`; its block is left as it is when absent.")
def card(check_only: bool, card_path: Path | None, leaderboard_path: Path) -> None:
    """Regenerate the figures in CARD.md (statistics, agreement, leaderboard) and README's leaderboard."""
    from conflictnews.card import fill, stats_markdown
    from conflictnews.corpus import corpus_dir
    from conflictnews.stats import corpus_stats

    docs = _load_or_exit()
    by_split = {s: corpus_stats([d for d in docs if d.meta.get("split") == s]) for s in ("train", "dev", "test")}
    sections = {"corpus-stats": stats_markdown(corpus_stats(docs), by_split)}
    example = min((d for d in docs if d.meta.get("redistributable") and d.meta.get("split") == "train"),
                  key=lambda d: (len(d.text), d.id), default=None)
    if example is not None:
        from conflictnews.card import example_markdown

        sections["example"] = example_markdown(example.to_dict())
    da, db = _agreement_dirs()
    if da.is_dir() and db.is_dir() and any(db.glob("*.json")):
        from conflictnews.agreement import agreement_markdown, compute_agreement

        a_docs = _load_or_exit([da])
        b_ids = {p.stem for p in db.glob("*.json")}
        sections["agreement"] = agreement_markdown(
            compute_agreement([d for d in a_docs if d.id in b_ids], _load_or_exit([db])))
    if leaderboard_path.is_file():
        from conflictnews.baselines.benchmark import leaderboard_markdown, load_leaderboard

        sections["leaderboard"] = leaderboard_markdown(load_leaderboard(leaderboard_path))
    path = card_path or corpus_dir().parent / "CARD.md"
    targets = [(path, sections)]
    readme = path.parent / "README.md"
    if card_path is None and readme.is_file() and "leaderboard" in sections:
        targets.append((readme, {"leaderboard": sections["leaderboard"]}))
    stale = False
    for target, secs in targets:
        old = target.read_text(encoding="utf-8")
        try:
            new = fill(old, secs)
        except ValueError as exc:
            click.echo(f"{target}: {exc}", err=True)
            sys.exit(1)
        if check_only:
            if new != old:
                click.echo(f"{target} is out of date: run `conflictnews card`", err=True)
                stale = True
            continue
        target.write_text(new, encoding="utf-8")
        click.echo(f"wrote {target}")
    if stale:
        sys.exit(1)
    if check_only:
        click.echo(f"OK: {', '.join(str(t) for t, _ in targets)} current.")


@main.group()
def release() -> None:
    """The Hugging Face release folder: build, verify, push."""


def _corpus_version() -> str:
    import yaml

    from conflictnews.corpus import corpus_dir

    v = corpus_dir() / "splits" / "version.yaml"
    return (yaml.safe_load(v.read_text()) or {}).get("corpus_version", "0.0.0") if v.is_file() else "0.0.0"


@release.command("build")
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("release"), show_default=True)
def release_build(out: Path) -> None:
    """Write README.md (card + metadata), Parquet files per config and split, and manifest.json."""
    from conflictnews.corpus import corpus_dir
    from conflictnews.release import build_release
    from conflictnews.schema import load_schema

    docs = _load_or_exit()
    versions = {d.schema_version for d in docs}
    if len(versions) != 1:
        click.echo(f"documents declare several schema versions {sorted(versions)}: migrate them first", err=True)
        sys.exit(1)
    card_text = (corpus_dir().parent / "CARD.md").read_text(encoding="utf-8")
    r = build_release(docs, out, schema=load_schema(versions.pop()), card_text=card_text,
                      corpus_version=_corpus_version())
    click.echo(f"wrote {out}: {r.documents} documents, {len(r.files)} files; left out (not redistributable): "
               f"{', '.join(r.excluded) or 'none'}")


@release.command("verify")
@click.argument("folder", type=click.Path(path_type=Path))
def release_verify(folder: Path) -> None:
    """Check every file of a release against its manifest (sha256, presence, counts)."""
    from conflictnews.release import verify_release

    problems = verify_release(folder)
    for p in problems:
        click.echo(p)
    if problems:
        sys.exit(1)
    click.echo(f"OK: {folder} matches its manifest.")


@release.command("push")
@click.option("--repo-id", required=True, help="Hub dataset repository, e.g. org/conflictnews.")
@click.option("--revision", default=None, help="Branch or tag to push to.")
@click.option("--folder", type=click.Path(path_type=Path), default=Path("release"), show_default=True)
@click.option("--yes", is_flag=True, help="Really upload (default: a dry run that lists what would be uploaded).")
def release_push(repo_id: str, revision: str | None, folder: Path, yes: bool) -> None:
    """Upload a verified release folder with huggingface_hub (token from HF_TOKEN)."""
    from conflictnews.release import verify_release

    problems = verify_release(folder)
    if problems:
        click.echo("refusing to push a release that does not verify:\n" + "\n".join(problems), err=True)
        sys.exit(1)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    for p in files:
        click.echo(f"{'upload' if yes else 'would upload'} {p.relative_to(folder)} ({p.stat().st_size:,} bytes)")
    if not yes:
        click.echo(f"dry run: {len(files)} files for {repo_id}{'@' + revision if revision else ''}; pass --yes to upload.")
        return
    from huggingface_hub import HfApi

    api = HfApi()
    api.create_repo(repo_id, repo_type="dataset", exist_ok=True)
    if revision:
        api.create_branch(repo_id, repo_type="dataset", branch=revision, exist_ok=True)
    api.upload_folder(repo_id=repo_id, repo_type="dataset", folder_path=str(folder), revision=revision,
                      commit_message=f"ConflictNews release {_corpus_version()}")
    click.echo(f"pushed {len(files)} files to {repo_id}")


def _agreement_dirs() -> tuple[Path, Path]:
    from conflictnews.corpus import corpus_dir

    return corpus_dir() / "agreement" / "a", corpus_dir() / "agreement" / "b"


@main.command()
@click.option("--a", "a_dir", type=click.Path(path_type=Path), default=None, help="First annotation (default corpus/agreement/a).")
@click.option("--b", "b_dir", type=click.Path(path_type=Path), default=None, help="Second annotation (default corpus/agreement/b).")
@click.option("--json", "json_out", type=click.Path(path_type=Path), default=None, help="Write every figure as JSON.")
def agreement(a_dir: Path | None, b_dir: Path | None, json_out: Path | None) -> None:
    """Inter-annotator agreement: entity, trigger, argument F1 (harness) and Cohen's kappa on types."""
    from conflictnews.agreement import agreement_markdown, compute_agreement

    da, db = _agreement_dirs()
    a_docs = _load_or_exit([a_dir or da])
    b_docs = _load_or_exit([b_dir or db])
    try:
        ag = compute_agreement(a_docs, b_docs)
    except ValueError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(agreement_markdown(ag))
    if json_out:
        json_out.write_text(json.dumps(ag.to_dict(), indent=2) + "\n", encoding="utf-8")


# -- schema -------------------------------------------------------------------------------------
@main.group()
def schema() -> None:
    """The annotation schema and the files generated from it."""


@schema.command("build")
@click.option("--version", "version", default=None, help="Schema version (default: every shipped version).")
def schema_build(version: str | None) -> None:
    """Regenerate reference.md and the JSON Schemas from schema.yaml."""
    from conflictnews.schema import available_versions, load_schema
    from conflictnews.schema.reference import write_artefacts

    for v in [version] if version else available_versions():
        for p in write_artefacts(load_schema(v)):
            click.echo(f"wrote {p}")


@schema.command("check")
def schema_check() -> None:
    """Exit 1 if the schema contradicts itself or a generated file is out of date."""
    from conflictnews.schema import available_versions, load_schema
    from conflictnews.schema.reference import stale_artefacts

    bad = False
    for v in available_versions():
        s = load_schema(v)
        for msg in s.consistency_problems():
            click.echo(f"schema {v}: {msg}")
            bad = True
        for p in stale_artefacts(s):
            click.echo(f"schema {v}: {p} is out of date -> run `conflictnews schema build`")
            bad = True
    if bad:
        sys.exit(1)
    click.echo(f"OK: schema versions {', '.join(available_versions())} consistent, generated files current.")


@schema.command("migrate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--to", "target", required=True, help="Target schema version.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Write migrated documents here (default: a dry run that only reports).")
@click.option("--in-place", is_flag=True, help="Rewrite the documents where they are.")
@click.option("--strict", is_flag=True, help="Exit 1 when an annotation has no counterpart in the target version.")
def schema_migrate(paths: tuple[Path, ...], target: str, out_dir: Path | None, in_place: bool, strict: bool) -> None:
    """Move documents to another schema version, with a report of every change and loss."""
    from conflictnews.corpus import documents_dir
    from conflictnews.document import dumps
    from conflictnews.records import ReadProblem, Record, read_records
    from conflictnews.schema.migrate import migrate_document
    from conflictnews.validate import iter_paths, validate_record

    if out_dir and in_place:
        click.echo("use --out or --in-place, not both", err=True)
        sys.exit(2)
    lost = failed = 0
    for f in iter_paths(list(paths) or [documents_dir()]):
        for rec in read_records(f):
            if isinstance(rec, ReadProblem) or not isinstance(rec.data, dict):
                click.echo(f"{f}: cannot migrate an unreadable document; run `conflictnews validate {f}`", err=True)
                failed += 1
                continue
            try:
                doc, rep = migrate_document(rec.data, target)
            except ValueError as exc:
                click.echo(f"{f}: {exc}", err=True)
                failed += 1
                continue
            text = dumps(doc)
            problems = validate_record(Record(doc, str(f), 1, text), gold="meta" in doc)
            status = "lossless" if rep.lossless else f"{len(rep.lost)} annotation(s) without counterpart"
            click.echo(f"{rep.doc}: {rep.source} -> {rep.target}: {len(rep.changes)} change(s), {status}")
            for line in rep.changes:
                click.echo(f"  changed {line}")
            for line in rep.lost:
                click.echo(f"  LOST {line}")
            lost += len(rep.lost)
            if problems:
                failed += 1
                for p in problems:
                    click.echo(f"  invalid after migration: {p}", err=True)
                continue
            if in_place:
                Path(f).write_text(text, encoding="utf-8")
            elif out_dir:
                out_dir.mkdir(parents=True, exist_ok=True)
                (out_dir / f"{rep.doc}.json").write_text(text, encoding="utf-8")
    if failed or (strict and lost):
        sys.exit(1)


# -- markup -------------------------------------------------------------------------------------
@main.group()
def markup() -> None:
    """Inline authoring markup (*.cnm) <-> corpus JSON."""


@markup.command("to-json")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--out-dir", type=click.Path(path_type=Path), default=None,
              help="Write <id>.json here (default: the corpus documents folder).")
@click.option("--force", is_flag=True, help="Overwrite existing documents.")
def markup_to_json(sources: tuple[Path, ...], out_dir: Path | None, force: bool) -> None:
    """Convert markup files to corpus documents, validating each before it is written."""
    from conflictnews.corpus import documents_dir
    from conflictnews.document import dumps
    from conflictnews.markup import MarkupError, parse
    from conflictnews.records import Record
    from conflictnews.validate import validate_record

    out = out_dir or documents_dir()
    failed = False
    for src in sources:
        try:
            doc = parse(src.read_text(encoding="utf-8"))
        except (MarkupError, ValueError) as exc:
            click.echo(f"{src}: {exc}", err=True)
            failed = True
            continue
        target = out / f"{doc.get('id')}.json"
        text = dumps(doc)
        problems = validate_record(Record(json.loads(text), str(target), 1, text), gold="meta" in doc)
        if problems:
            failed = True
            for p in problems:
                click.echo(f"{src} -> {p}", err=True)
            continue
        if target.exists() and not force:
            click.echo(f"{target} exists (use --force to overwrite)", err=True)
            failed = True
            continue
        out.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        click.echo(f"wrote {target}")
    if failed:
        sys.exit(1)


@markup.command("from-json")
@click.argument("document", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), default=None, help="Output file (default: stdout).")
def markup_from_json(document: Path, out: Path | None) -> None:
    """Render a corpus document as editable markup."""
    from conflictnews.markup import render

    text = render(json.loads(document.read_text(encoding="utf-8")))
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def _register() -> None:
    """Commands whose code lives in the design's other top-level folders."""
    from conflictnews.baselines.cli import baseline, benchmark
    from conflictnews.eval.cli import compare, score
    from conflictnews.labelstudio.cli import ls

    main.add_command(ls)
    main.add_command(score)
    main.add_command(compare)
    main.add_command(baseline)
    main.add_command(benchmark)


_register()


if __name__ == "__main__":
    main()
