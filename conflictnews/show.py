"""Terminal rendering of one document with its annotations (``conflictnews show``)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from conflictnews.document import Document

# Stable colours per entity-type group; triggers are bold and underlined.
_COLOURS = {
    "PER": "cyan", "ARMED_GROUP": "red", "STATE_FORCE": "magenta", "GOVERNMENT": "bright_magenta",
    "IGO": "blue", "NGO": "bright_blue", "MEDIA": "bright_cyan", "ORG": "bright_white", "GPE": "green",
    "LOC": "bright_green", "FAC": "yellow", "WEA": "bright_red", "VEH": "bright_yellow", "TIME": "white",
    "NUM": "white",
}


def render_document(doc: Document) -> Group:
    """The text with every mention coloured and labelled, then the events as a table."""
    text = Text()
    labels_at: dict[int, list[tuple[int, str]]] = {}
    styles: list[tuple[int, int, str]] = []
    for e in doc.entities:
        styles.append((e.start, e.end, f"on grey15 {_COLOURS.get(e.type, 'white')}"))
        tag = e.type if not e.cluster or e.cluster == e.id else f"{e.type}:{e.cluster}"
        labels_at.setdefault(e.end, []).append((e.start, f"[{e.id} {tag}]"))
    for v in doc.events:
        t = v.trigger
        styles.append((t.start, t.end, "bold underline"))
        labels_at.setdefault(t.end, []).append((t.start, f"[{v.id} {v.type}]"))
    pos = 0
    offsets: dict[int, int] = {}
    for i, ch in enumerate(doc.text):
        offsets[i] = len(text)
        text.append(ch)
        if i + 1 in labels_at:
            # Inner spans (later start) are labelled before the spans that contain them.
            for _, lab in sorted(labels_at[i + 1], key=lambda x: -x[0]):
                text.append(lab, style="dim italic")
        pos = i
    offsets[pos + 1] = len(text)
    for s, e, style in styles:
        # Stylise the characters only (labels inserted inside nested spans keep their own style).
        end = offsets.get(e - 1, 0) + 1
        text.stylize(style, offsets.get(s, 0), end)
    ents = doc.entity_by_id
    table = Table(title=f"{doc.id}: {len(doc.entities)} entity mentions, {len(doc.events)} event mentions",
                  show_lines=False, expand=True)
    for col in ("event", "type", "trigger", "attributes", "arguments"):
        table.add_column(col, overflow="fold")
    for v in doc.events:
        attrs = ", ".join(f"{k}={_fmt(val)}" for k, val in v.attributes.items() if val is not None)
        args = "; ".join(f"{a.role}={ents[a.entity].text!r}({a.entity})" if a.entity in ents else f"{a.role}={a.entity}"
                         for a in v.arguments)
        table.add_row(f"{v.id} ({v.cluster})" if v.cluster else v.id, v.type, v.trigger.text, attrs, args)
    meta = doc.meta or {}
    head = Text(f"{doc.id}  schema {doc.schema_version}  split={meta.get('split', '-')}  "
                f"licence={meta.get('licence', '-')}  source={meta.get('source', '-')}", style="bold")
    return Group(head, Text(""), text, Text(""), table)


def _fmt(v: object) -> str:
    if isinstance(v, dict) and "value" in v:
        return f"{v['value']}-{v['high']}" if v.get("qualifier") == "RANGE" else f"{v['value']}:{v['qualifier']}"
    return str(v)
