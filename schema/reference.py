"""Generated artefacts of a schema version: the guidelines' type/role reference and JSON Schemas.

``conflictnews schema build`` writes them next to ``schema.yaml``; a test checks that the files
committed are exactly what the YAML generates, so nothing in them is ever edited by hand.
"""

from __future__ import annotations

from pathlib import Path

from .jsonschema import render as render_json_schema
from .model import VERSIONS_DIR, Schema


def _cell(s: str) -> str:
    return " ".join(s.split()).replace("|", "\\|")


def render_reference(schema: Schema) -> str:
    """Markdown reference of every type, role, attribute and crosswalk of one schema version."""
    L: list[str] = []
    add = L.append
    add(f"# ConflictNews schema {schema.version}: type and role reference")
    add("")
    add(f"<!-- Generated from schema/versions/{schema.version}/schema.yaml by `conflictnews schema build`. "
        "Do not edit: change the YAML and rebuild. -->")
    add("")
    add(_cell(schema.description))
    add("")
    if schema.status == "draft":
        add("**Draft version**: loadable by name, never the default; the corpus is not annotated under it yet.")
        add("")
    add("Read this with the annotation guidelines (`schema/GUIDELINES.md`), which settle span "
        "boundaries and the hard cases. Examples mark the mention or trigger in `[brackets]`.")
    add("")
    add("## Entity types")
    add("")
    add("| type | label | group | clustered | attributes | ACE 2005 | ACLED |")
    add("|---|---|---|---|---|---|---|")
    for t in schema.entity_types:
        ace, acled = t.crosswalk.get("ace2005"), t.crosswalk.get("acled")
        add(f"| `{t.name}` | {t.label} | {t.group} | {'yes' if t.corefer else 'no'} | "
            f"{', '.join(t.attributes) or '-'} | {_cell(ace.label) + f' ({ace.match})' if ace else '-'} | "
            f"{_cell(acled.label) + f' ({acled.match})' if acled else '-'} |")
    add("")
    for t in schema.entity_types:
        add(f"### `{t.name}` — {t.label}")
        add("")
        add(_cell(t.definition))
        add("")
        add("Yes:")
        add("")
        for ex in t.positive:
            add(f"- {ex}")
        add("")
        add("No:")
        add("")
        for ex in t.negative:
            add(f"- {ex.text} — {_cell(ex.why)}")
        add("")
    add("## Entity attributes")
    add("")
    for name, a in schema.entity_attributes.items():
        users = [t.name for t in schema.entity_types if name in t.attributes]
        add(f"### `{name}` ({'required' if a.required else 'optional'}; on {', '.join(users)})")
        add("")
        add(_cell(a.definition))
        add("")
        if a.values:
            for v, d in a.values.items():
                add(f"- `{v}`: {_cell(d)}")
        else:
            add(f"Pattern: `{a.pattern}`")
        add("")
    add("## Event types")
    add("")
    add("| type | label | roles | attributes | ACE 2005 | ACLED | PLOVER |")
    add("|---|---|---|---|---|---|---|")
    for t in schema.event_types:
        cw = {k: (_cell(v.label) + f" ({v.match})") for k, v in t.crosswalk.items()}
        add(f"| `{t.name}` | {t.label} | {', '.join(t.roles)} | {', '.join(t.attributes)} | "
            f"{cw.get('ace2005', '-')} | {cw.get('acled', '-')} | {cw.get('plover', '-')} |")
    add("")
    for t in schema.event_types:
        add(f"### `{t.name}` — {t.label}")
        add("")
        add(_cell(t.definition))
        add("")
        add(f"Typical triggers: {', '.join(repr(x) for x in t.triggers)}.")
        add("")
        add("| role | filled by | meaning |")
        add("|---|---|---|")
        for role, fillers in t.roles.items():
            add(f"| {role} | {', '.join(f'`{f}`' for f in fillers)} | {_cell(schema.roles.get(role, ''))} |")
        add("")
        add("Yes:")
        add("")
        for ex in t.positive:
            add(f"- {ex}")
        add("")
        add("No:")
        add("")
        for ex in t.negative:
            add(f"- {ex.text} — {_cell(ex.why)}")
        add("")
    add("## Event attributes")
    add("")
    for name, a in schema.event_attributes.items():
        add(f"### `{name}` (default `{a.default}`)")
        add("")
        add(_cell(a.definition))
        add("")
        for v, d in a.values.items():
            add(f"- `{v}`: {_cell(d)}")
        for scheme, mapping in a.crosswalk.items():
            add(f"- crosswalk to {scheme}: " + ", ".join(f"{k} → {v}" for k, v in mapping.items()))
        add("")
    users = [t.name for t in schema.event_types if t.has_count]
    add(f"### `count` (on {', '.join(users)})")
    add("")
    add(_cell(schema.count.definition))
    add("")
    add("`{\"value\": int, \"qualifier\": QUALIFIER, \"high\": int or null}`, or null when the mention gives no count.")
    add("")
    for q, d in schema.count.qualifiers.items():
        add(f"- `{q}`: {_cell(d)}")
    add("")
    add("| vague quantity | value |")
    add("|---|---|")
    for w, n in schema.count.vague_minimums.items():
        add(f"| {w} | {n} |")
    add("")
    add("## Document meta vocabulary")
    add("")
    dm = schema.document_meta
    for title, vocab in (("provenance", dm.provenance), ("split", dm.splits), ("style", dm.styles), ("tags", dm.tags)):
        add(f"- **{title}**: " + "; ".join(f"`{k}` ({_cell(v)})" for k, v in vocab.items()))
    add(f"- **region**: {', '.join(dm.regions)}")
    add("")
    return "\n".join(L)


def artefacts(schema: Schema) -> dict[Path, str]:
    """Every generated file of one version and its exact content."""
    folder = VERSIONS_DIR / schema.version
    return {
        folder / "reference.md": render_reference(schema),
        folder / "document.schema.json": render_json_schema(schema, gold=True),
        folder / "prediction.schema.json": render_json_schema(schema, gold=False),
    }


def stale_artefacts(schema: Schema) -> list[Path]:
    return [p for p, content in artefacts(schema).items()
            if not p.is_file() or p.read_text(encoding="utf-8") != content]


def write_artefacts(schema: Schema) -> list[Path]:
    written = []
    for p, content in artefacts(schema).items():
        if not p.is_file() or p.read_text(encoding="utf-8") != content:
            p.write_text(content, encoding="utf-8")
            written.append(p)
    return written
