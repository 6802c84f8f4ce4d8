"""Helpers for the eval tests: small hand-made documents and the real corpus (imported by the tests)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from conflictnews.document import Document

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "documents"
SEED_DOC = CORPUS / "cn-0000.json"


def text_of(n: int = 400) -> str:
    """A document text whose every slice is distinct enough for tests: letters, no spaces at span edges."""
    return "".join(chr(ord("a") + (i * 7) % 26) for i in range(n))


def mk_doc(doc_id: str, entities=(), events=(), text: str | None = None) -> Document:
    """entities: (id, type, start, end[, cluster[, attributes]]); events: (id, type, start, end,
    [(role, entity id)], cluster, count or None)."""
    text = text or text_of()
    ents = []
    for e in entities:
        eid, etype, s, t = e[:4]
        d = {"id": eid, "type": etype, "start": s, "end": t, "text": text[s:t]}
        if len(e) > 4 and e[4] is not None:
            d["cluster"] = e[4]
        if len(e) > 5:
            d["attributes"] = e[5]
        ents.append(d)
    evs = []
    for v in events:
        vid, vtype, s, t, args = v[:5]
        cluster = v[5] if len(v) > 5 else None
        count = v[6] if len(v) > 6 else None
        d = {"id": vid, "type": vtype, "trigger": {"start": s, "end": t, "text": text[s:t]},
             "arguments": [{"role": r, "entity": x} for r, x in args],
             "attributes": {"polarity": "POSITIVE", "modality": "ACTUAL"}}
        if count is not None:
            d["attributes"]["count"] = {"value": count, "qualifier": "EXACT", "high": None}
        if cluster is not None:
            d["cluster"] = cluster
        evs.append(d)
    return Document.from_dict({"id": doc_id, "schema_version": "1.0.0", "text": text, "entities": ents, "events": evs})


def prediction_dict(doc: Document) -> dict:
    """The document as a prediction record (a deep copy: Document.to_dict shares nested dicts)."""
    d = copy.deepcopy(doc.to_dict())
    d.pop("meta", None)
    return d


def valid_corpus_documents() -> list[Document]:
    """Every shipped gold document that validates (others are being written concurrently)."""
    from conflictnews.corpus import InvalidCorpus, load_documents

    docs = []
    for f in sorted(CORPUS.glob("*.json")):
        try:
            docs.extend(load_documents([f]))
        except InvalidCorpus:
            continue
    return docs


def write_jsonl(path: Path, dicts) -> Path:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in dicts), encoding="utf-8")
    return path


def deep(d):
    return copy.deepcopy(d)
