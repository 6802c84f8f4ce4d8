"""Corpus statistics: plain counts over documents, rendered by the CLI."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from conflictnews.document import Document

_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def corpus_stats(docs: Iterable[Document]) -> dict[str, Any]:
    """Counts by split, type, role, attribute value and document meta field."""
    c: dict[str, Counter] = {k: Counter() for k in (
        "documents_by_split", "words_by_split", "entities_by_type", "entities_by_split", "events_by_type",
        "events_by_split", "roles", "roles_by_event_type", "polarity", "modality", "count_qualifier",
        "entity_level", "countries", "regions", "styles", "tags", "provenance", "years")}
    n_docs = n_clusters = n_ev_clusters = 0
    for d in docs:
        meta = d.meta or {}
        split = meta.get("split", "none")
        n_docs += 1
        c["documents_by_split"][split] += 1
        c["words_by_split"][split] += len(_WORD.findall(d.text))
        c["provenance"][meta.get("provenance", "none")] += 1
        rep = meta.get("reported_event") or {}
        if rep.get("country"):
            c["countries"][rep["country"]] += 1
        if rep.get("region"):
            c["regions"][rep["region"]] += 1
        if rep.get("date"):
            c["years"][str(rep["date"])[:4]] += 1
        if meta.get("style"):
            c["styles"][meta["style"]] += 1
        for t in meta.get("tags", []):
            c["tags"][t] += 1
        ents = {e.id: e for e in d.entities}
        for e in d.entities:
            c["entities_by_type"][e.type] += 1
            c["entities_by_split"][split] += 1
            if "level" in e.attributes:
                c["entity_level"][e.attributes["level"]] += 1
        n_clusters += len({e.cluster for e in d.entities if e.cluster is not None})
        n_ev_clusters += len({v.cluster for v in d.events if v.cluster is not None})
        for v in d.events:
            c["events_by_type"][v.type] += 1
            c["events_by_split"][split] += 1
            for name in ("polarity", "modality"):
                if name in v.attributes:
                    c[name][v.attributes[name]] += 1
            if v.count is not None:
                c["count_qualifier"][v.count.qualifier] += 1
            for a in v.arguments:
                if a.entity in ents:
                    c["roles"][a.role] += 1
                    c["roles_by_event_type"][f"{v.type}/{a.role}"] += 1
    out: dict[str, Any] = {k: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for k, v in c.items()}
    out["totals"] = {
        "documents": n_docs,
        "words": sum(c["words_by_split"].values()),
        "entity_mentions": sum(c["entities_by_type"].values()),
        "entity_clusters": n_clusters,
        "event_mentions": sum(c["events_by_type"].values()),
        "event_clusters": n_ev_clusters,
        "arguments": sum(c["roles"].values()),
    }
    return out
