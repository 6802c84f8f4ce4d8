"""The Hugging Face release: a folder that ``datasets.load_dataset(DIR, CONFIG)`` reads offline.

Layout of a release folder::

    README.md                      dataset card: YAML metadata + CARD.md + release notes
    data/documents/<split>.parquet  full standoff annotation (typed nested features)
    data/ner/<split>.parquet        sentences, tokens and IOB2 tags (outermost entity layer)
    manifest.json                  corpus and schema versions, document count, sha256 of every file

Documents whose ``meta.redistributable`` is false are left out, and the card lists them.
``documents`` rows turn back into identical corpus documents (:func:`row_to_document`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from conflictnews.document import Document
from conflictnews.schema import Schema
from conflictnews.text import bio_tags, outermost, sentence_spans, tokenize

SPLITS = ("train", "dev", "test")
CONFIGS = ("documents", "ner")
META_REQUIRED = ("source", "url", "published", "licence", "redistributable", "provenance", "split", "event_key")


# -- features ------------------------------------------------------------------------------------
def document_features(schema: Schema):
    from datasets import ClassLabel, Features, List, Value

    s = Value("string")
    return Features({
        "id": s,
        "schema_version": s,
        "text": s,
        "meta": {
            "source": s, "url": s, "published": s, "licence": s, "redistributable": Value("bool"),
            "provenance": s, "split": s, "event_key": s,
            "reported_event": {"description": s, "date": s, "country": s, "place": s, "region": s},
            "style": s, "tags": List(s),
            "annotation": {"annotators": List(s), "adjudicated": Value("bool"), "notes": s},
            "notes": s,
        },
        "entities": List({
            "id": s, "type": ClassLabel(names=schema.entity_labels), "start": Value("int32"),
            "end": Value("int32"), "text": s, "cluster": s, "level": s, "value": s,
        }),
        "events": List({
            "id": s, "type": ClassLabel(names=schema.event_labels),
            "trigger": {"start": Value("int32"), "end": Value("int32"), "text": s},
            "arguments": List({"role": ClassLabel(names=schema.role_labels), "entity": s}),
            "polarity": ClassLabel(names=list(schema.event_attributes["polarity"].values)),
            "modality": ClassLabel(names=list(schema.event_attributes["modality"].values)),
            "count": {"value": Value("int64"), "qualifier": s, "high": Value("int64")},
            "cluster": s,
        }),
    })


def ner_labels(schema: Schema) -> list[str]:
    return ["O"] + [f"{p}-{t}" for t in schema.entity_labels for p in ("B", "I")]


def ner_features(schema: Schema):
    from datasets import ClassLabel, Features, List, Value

    return Features({
        "id": Value("string"), "document_id": Value("string"), "sentence": Value("int32"),
        "tokens": List(Value("string")), "token_starts": List(Value("int32")),
        "ner_tags": List(ClassLabel(names=ner_labels(schema))),
    })


# -- rows <-> documents ----------------------------------------------------------------------
def document_to_row(doc: Document) -> dict[str, Any]:
    meta = dict(doc.meta or {})
    rep = meta.get("reported_event")
    ann = meta.get("annotation")
    row_meta = {k: meta.get(k) for k in META_REQUIRED}
    row_meta.update({
        "reported_event": None if rep is None else {k: rep.get(k) for k in ("description", "date", "country", "place", "region")},
        "style": meta.get("style"), "tags": meta.get("tags"),
        "annotation": None if ann is None else {k: ann.get(k) for k in ("annotators", "adjudicated", "notes")},
        "notes": meta.get("notes"),
    })
    return {
        "id": doc.id, "schema_version": doc.schema_version, "text": doc.text, "meta": row_meta,
        "entities": [{"id": e.id, "type": e.type, "start": e.start, "end": e.end, "text": e.text, "cluster": e.cluster,
                      "level": e.attributes.get("level"), "value": e.attributes.get("value")} for e in doc.entities],
        "events": [{"id": v.id, "type": v.type, "trigger": v.trigger.to_dict(),
                    "arguments": [a.to_dict() for a in v.arguments],
                    "polarity": v.attributes.get("polarity"), "modality": v.attributes.get("modality"),
                    "count": v.attributes.get("count"), "cluster": v.cluster} for v in doc.events],
    }


def _drop_none(d: dict[str, Any] | None, keep: Iterable[str] = ()) -> dict[str, Any] | None:
    if d is None:
        return None
    keep = set(keep)
    return {k: v for k, v in d.items() if v is not None or k in keep}


def row_to_document(row: dict[str, Any], schema: Schema, *, names: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """A ``documents`` row (ClassLabel ints or strings) -> the corpus JSON document it came from."""
    def label(kind: str, x: Any) -> str:
        return names[kind][x] if names and isinstance(x, int) else x

    meta = dict(row["meta"])
    out_meta = {k: meta[k] for k in META_REQUIRED}
    for k in ("reported_event", "style", "tags", "annotation", "notes"):
        v = meta.get(k)
        if isinstance(v, dict):
            v = _drop_none(v)
        if v is not None:
            out_meta[k] = v
    entities = []
    for e in row["entities"]:
        et = schema.entity[label("entity", e["type"])]
        ent: dict[str, Any] = {"id": e["id"], "type": et.name, "start": e["start"], "end": e["end"], "text": e["text"]}
        if e["cluster"] is not None:
            ent["cluster"] = e["cluster"]
        attrs = {k: e[k] for k in ("level", "value") if e.get(k) is not None}
        if attrs:
            ent["attributes"] = attrs
        entities.append(ent)
    events = []
    for v in row["events"]:
        vt = schema.event[label("event", v["type"])]
        attrs: dict[str, Any] = {"polarity": label("polarity", v["polarity"]), "modality": label("modality", v["modality"])}
        if vt.has_count:
            attrs["count"] = v["count"]
        ev = {"id": v["id"], "type": vt.name, "trigger": dict(v["trigger"]),
              "arguments": [{"role": label("role", a["role"]), "entity": a["entity"]} for a in v["arguments"]],
              "attributes": attrs}
        if v["cluster"] is not None:
            ev["cluster"] = v["cluster"]
        events.append(ev)
    return {"id": row["id"], "schema_version": row["schema_version"], "meta": out_meta, "text": row["text"],
            "entities": entities, "events": events}


@dataclass(frozen=True)
class NerStats:
    sentences: int
    spans: int
    nested_dropped: int
    unaligned_dropped: int


def ner_rows(doc: Document) -> tuple[list[dict[str, Any]], NerStats]:
    """Sentence rows with IOB2 tags for the outermost entity layer (nested mentions are dropped)."""
    spans = [(e.start, e.end, e.type) for e in doc.entities]
    outer = outermost(spans)
    rows, n_spans, unaligned = [], 0, 0
    for k, (a, b) in enumerate(sentence_spans(doc.text)):
        toks = tokenize(doc.text, a, b)
        inside = [s for s in outer if a <= s[0] and s[1] <= b]
        tags, bad = bio_tags(toks, inside)
        n_spans += len(inside) - len(bad)
        unaligned += len(bad)
        rows.append({"id": f"{doc.id}-s{k:03d}", "document_id": doc.id, "sentence": k,
                     "tokens": [t.text for t in toks], "token_starts": [t.start for t in toks], "ner_tags": tags})
    # Spans crossing a sentence boundary cannot be tagged either.
    crossing = len([s for s in outer if not any(a <= s[0] and s[1] <= b for a, b in sentence_spans(doc.text))])
    return rows, NerStats(len(rows), n_spans, len(spans) - len(outer), unaligned + crossing)


# -- build / verify ----------------------------------------------------------------------------
def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def card_metadata(schema: Schema, n_docs: int, splits: Iterable[str] = SPLITS) -> dict[str, Any]:
    size = "n<1K" if n_docs < 1000 else "1K<n<10K"
    configs = []
    for cfg in CONFIGS:
        configs.append({"config_name": cfg, "data_files": [{"split": s, "path": f"data/{cfg}/{s}.parquet"} for s in splits],
                        **({"default": True} if cfg == "documents" else {})})
    return {
        "license": "cc-by-4.0",
        "language": ["en"],
        "pretty_name": "ConflictNews",
        "size_categories": [size],
        "task_categories": ["token-classification", "text-classification"],
        "task_ids": ["named-entity-recognition", "coreference-resolution"],
        "annotations_creators": ["expert-generated"],
        "language_creators": ["expert-generated", "found"],
        "multilinguality": ["monolingual"],
        "source_datasets": ["original"],
        "tags": ["event-extraction", "information-extraction", "armed-conflict", "argument-extraction",
                 f"schema-{schema.version}"],
        "configs": configs,
    }


@dataclass(frozen=True)
class BuildResult:
    out: Path
    documents: int
    excluded: list[str]
    ner: NerStats
    files: dict[str, str]


def _to_parquet(rows: list[dict[str, Any]], features, path: Path) -> None:
    from datasets import Dataset, disable_progress_bars

    disable_progress_bars()
    ds = (Dataset.from_list(rows, features=features) if rows
          else Dataset.from_dict({k: [] for k in features}, features=features))
    ds.to_parquet(str(path))


def build_release(docs: list[Document], out: Path, *, schema: Schema, card_text: str, corpus_version: str) -> BuildResult:
    out.mkdir(parents=True, exist_ok=True)
    kept = [d for d in docs if (d.meta or {}).get("redistributable") is True]
    excluded = sorted(d.id for d in docs if d not in kept)
    totals = [0, 0, 0, 0]
    # A split with no redistributable document is left out (datasets refuses empty splits).
    present = [s for s in SPLITS if any(d.meta.get("split") == s for d in kept)]
    for split in present:
        part = [d for d in kept if d.meta.get("split") == split]
        (out / "data" / "documents").mkdir(parents=True, exist_ok=True)
        (out / "data" / "ner").mkdir(parents=True, exist_ok=True)
        _to_parquet([document_to_row(d) for d in part], document_features(schema),
                    out / "data" / "documents" / f"{split}.parquet")
        rows = []
        for d in part:
            r, st = ner_rows(d)
            rows += r
            totals = [a + b for a, b in zip(totals, (st.sentences, st.spans, st.nested_dropped, st.unaligned_dropped))]
        _to_parquet(rows, ner_features(schema), out / "data" / "ner" / f"{split}.parquet")
    ner = NerStats(*totals)
    notes = [
        "## Release notes",
        "",
        f"Corpus version {corpus_version}, schema version {schema.version}; {len(kept)} documents.",
        "",
        ("Left out because their licence forbids redistribution: " + ", ".join(excluded) + "."
         if excluded else "Every document of the corpus is included."),
        "",
        f"The `ner` configuration tags the outermost entity layer as IOB2 over {ner.sentences} sentences "
        f"({ner.spans} spans); {ner.nested_dropped} nested mentions and {ner.unaligned_dropped} spans that do not "
        "fall on token or sentence boundaries are not in it. The `documents` configuration has every annotation.",
        "",
        "```python\nfrom datasets import load_dataset\nds = load_dataset(\"PATH_OR_REPO\", \"documents\")\n"
        "ner = load_dataset(\"PATH_OR_REPO\", \"ner\")\n```",
    ]
    front = yaml.safe_dump(card_metadata(schema, len(kept), present), sort_keys=False, allow_unicode=True)
    (out / "README.md").write_text(f"---\n{front}---\n\n{card_text.rstrip()}\n\n" + "\n".join(notes) + "\n",
                                   encoding="utf-8")
    files = {str(p.relative_to(out)): sha256(p) for p in sorted(out.rglob("*"))
             if p.is_file() and p.name != "manifest.json"}
    manifest = {"corpus_version": corpus_version, "schema_version": schema.version, "documents": len(kept),
                "excluded": excluded, "files": files}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return BuildResult(out, len(kept), excluded, ner, files)


def verify_release(folder: Path) -> list[str]:
    """Problems with a release folder: missing or altered files, files not in the manifest, counts."""
    m_path = folder / "manifest.json"
    if not m_path.is_file():
        return [f"{m_path} is missing: not a release folder (build one with `conflictnews release build`)"]
    try:
        manifest = json.loads(m_path.read_text(encoding="utf-8"))
        files = manifest["files"]
    except (ValueError, KeyError, TypeError) as exc:
        return [f"{m_path}: unreadable manifest ({exc})"]
    problems = []
    for rel, digest in sorted(files.items()):
        p = folder / rel
        if not p.is_file():
            problems.append(f"{rel}: listed in the manifest but missing")
        elif sha256(p) != digest:
            problems.append(f"{rel}: sha256 differs from the manifest (file changed after the build)")
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        if p.is_file() and p.name != "manifest.json" and rel not in files and ".cache" not in p.parts:
            problems.append(f"{rel}: not in the manifest")
    if not problems:
        import pyarrow.parquet as pq

        n = sum(pq.ParquetFile(p).metadata.num_rows for p in (folder / "data" / "documents").glob("*.parquet"))
        if n != manifest.get("documents"):
            problems.append(f"documents: the parquet files hold {n} rows, the manifest says {manifest.get('documents')}")
    return problems
