"""Generated sections of the dataset card (CARD.md).

CARD.md is written by people, except the blocks between ``<!-- BEGIN generated:NAME -->`` and
``<!-- END generated:NAME -->``, which ``conflictnews card`` fills from the corpus (and, as they
exist, from the agreement study and the benchmark). ``conflictnews card --check`` fails when a
block is out of date, so no figure in the card is ever typed by hand.
"""

from __future__ import annotations

import re
from typing import Any

CONTINENT = {"Middle East": "Asia"}  # the card counts continents; Middle East is in Asia


def _table(head: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def stats_markdown(stats: dict[str, Any], by_split: dict[str, dict[str, Any]]) -> str:
    """Corpus statistics as Markdown; ``by_split`` holds :func:`corpus_stats` per split."""
    t = stats["totals"]
    splits = [s for s in ("train", "dev", "test") if s in by_split]
    regions = stats["regions"]
    continents = sorted({CONTINENT.get(r, r) for r in regions})
    years = sorted(stats["years"])
    lines = [
        f"{t['documents']} documents, {t['words']:,} words; {t['entity_mentions']:,} entity mentions in "
        f"{t['entity_clusters']:,} clusters; {t['event_mentions']:,} event mentions in {t['event_clusters']:,} "
        f"event clusters; {t['arguments']:,} arguments.",
        "",
        f"Reported events in {len(stats['countries'])} countries on {len(continents)} continents "
        f"({', '.join(continents)}), dated {years[0] if years else '-'} to {years[-1] if years else '-'}.",
        "",
        "### Splits",
        "",
        _table(["split", "documents", "words", "entity mentions", "event mentions"],
               [[s, by_split[s]["totals"]["documents"], f"{by_split[s]['totals']['words']:,}",
                 by_split[s]["totals"]["entity_mentions"], by_split[s]["totals"]["event_mentions"]] for s in splits]),
        "",
        "### Entity mentions by type",
        "",
        _table(["type", *splits, "all"],
               [[k, *[by_split[s]["entities_by_type"].get(k, 0) for s in splits], v]
                for k, v in stats["entities_by_type"].items()]),
        "",
        "### Event mentions by type",
        "",
        _table(["type", *splits, "all"],
               [[k, *[by_split[s]["events_by_type"].get(k, 0) for s in splits], v]
                for k, v in stats["events_by_type"].items()]),
        "",
        "### Arguments by role",
        "",
        _table(["role", "arguments"], [[k, v] for k, v in stats["roles"].items()]),
        "",
        "### Attributes",
        "",
        _table(["attribute", "values"], [
            ["mention level", ", ".join(f"{k} {v}" for k, v in stats["entity_level"].items())],
            ["polarity", ", ".join(f"{k} {v}" for k, v in stats["polarity"].items())],
            ["modality", ", ".join(f"{k} {v}" for k, v in stats["modality"].items())],
            ["count qualifier", ", ".join(f"{k} {v}" for k, v in stats["count_qualifier"].items())],
        ]),
        "",
        "### Documents",
        "",
        _table(["field", "counts"], [
            ["provenance", ", ".join(f"{k} {v}" for k, v in stats["provenance"].items())],
            ["region", ", ".join(f"{k} {v}" for k, v in regions.items())],
            ["country", ", ".join(f"{k} {v}" for k, v in stats["countries"].items())],
            ["year of event", ", ".join(f"{k} {v}" for k, v in sorted(stats["years"].items()))],
            ["style", ", ".join(f"{k} {v}" for k, v in stats["styles"].items())],
            ["hard-case tag", ", ".join(f"{k} {v}" for k, v in stats["tags"].items())],
        ]),
    ]
    return "\n".join(lines)


def example_markdown(doc: dict[str, Any], n_entities: int = 4, n_events: int = 2) -> str:
    """A real record, shortened: the first sentence's annotations of one redistributable document."""
    import json

    events = doc["events"][:n_events]
    used = {a["entity"] for v in events for a in v["arguments"]}
    entities = [e for e in doc["entities"] if e["id"] in used][:n_entities * 2] or doc["entities"][:n_entities]
    cut = max([e["end"] for e in entities] + [v["trigger"]["end"] for v in events] + [0])
    shown = {
        "id": doc["id"], "schema_version": doc["schema_version"],
        "meta": {k: doc["meta"][k] for k in ("source", "published", "licence", "provenance", "split", "event_key")},
        "text": doc["text"][:cut] + " ...",
        "entities": entities, "events": [{**v, "arguments": [a for a in v["arguments"] if a["entity"] in
                                                             {e["id"] for e in entities}]} for v in events],
    }
    return (f"From `{doc['id']}` ({doc['meta'].get('style')} style), shortened: the text up to the last "
            "annotation shown, and only the annotations shown.\n\n```json\n"
            + json.dumps(shown, indent=1, ensure_ascii=False) + "\n```")


_BLOCK = re.compile(r"(<!-- BEGIN generated:(?P<name>[\w-]+) -->)(?P<body>.*?)(<!-- END generated:(?P=name) -->)", re.S)


def fill(card: str, sections: dict[str, str]) -> str:
    """Replace the body of each named generated block; blocks not in ``sections`` are left alone."""
    missing = set(sections) - {m.group("name") for m in _BLOCK.finditer(card)}
    if missing:
        raise ValueError(f"CARD.md has no generated block for {sorted(missing)}: add "
                         + ", ".join(f"<!-- BEGIN generated:{m} --> ... <!-- END generated:{m} -->" for m in sorted(missing)))
    def body(m: re.Match) -> str:
        name = m.group("name")
        inner = sections[name].strip("\n") if name in sections else m.group("body").strip("\n")
        return f"{m.group(1)}\n{inner}\n{m.group(4)}"

    return _BLOCK.sub(body, card)
