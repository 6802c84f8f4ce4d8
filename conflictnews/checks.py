"""Corpus consistency checks (``conflictnews check``): what a validator cannot see.

Three checks, each producing :class:`Finding` records keyed so that a reviewed exception can be
listed once, with its reason, in ``corpus/check_exceptions.yaml``:

* ``type-conflict`` — the same surface string annotated with different entity types across the
  corpus (key: the string);
* ``unannotated-repeat`` — a name or nominal annotated in a document that also occurs there,
  unannotated, elsewhere (key: the string; doc: the document);
* ``trigger-ignored`` — a word annotated as an event trigger somewhere that occurs in a document
  without being annotated as a trigger (key: the lower-cased word; doc: the document).

The corpus passes when every finding is covered by an exception with a reason.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from conflictnews.document import Document

CHECKS = ("type-conflict", "unannotated-repeat", "trigger-ignored")
_REFERENTIAL_LEVELS = {"NAM", "NOM"}


@dataclass(frozen=True, order=True)
class Finding:
    check: str
    key: str
    doc: str | None
    detail: str


@dataclass(frozen=True)
class Exception_:
    check: str
    key: str
    reason: str
    doc: str | None = None

    def covers(self, f: Finding) -> bool:
        return self.check == f.check and self.key == f.key and (self.doc is None or self.doc == f.doc)


def _occurrences(text: str, s: str, *, ignore_case: bool = False) -> list[tuple[int, int]]:
    flags = re.IGNORECASE if ignore_case else 0
    return [(m.start(), m.end()) for m in re.finditer(r"(?<!\w)" + re.escape(s) + r"(?!\w)", text, flags)]


def type_conflicts(docs: Iterable[Document]) -> list[Finding]:
    seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for d in docs:
        for e in d.entities:
            if e.attributes.get("level") in _REFERENTIAL_LEVELS:
                seen[e.text][e.type].add(d.id)
    out = []
    for s, by_type in sorted(seen.items()):
        if len(by_type) > 1:
            detail = "; ".join(f"{t} in {', '.join(sorted(ids)[:4])}" for t, ids in sorted(by_type.items()))
            out.append(Finding("type-conflict", s, None, detail))
    return out


def unannotated_repeats(docs: Iterable[Document]) -> list[Finding]:
    out = []
    for d in docs:
        exact = {(e.start, e.end) for e in d.entities}
        by_string: dict[str, set[str]] = defaultdict(set)
        for e in d.entities:
            if e.attributes.get("level") in _REFERENTIAL_LEVELS and len(e.text) >= 3:
                by_string[e.text].add(e.type)
        for s in sorted(by_string):
            # An occurrence inside a name (names are atomic) or inside a longer mention of the same
            # type (the same mention with more modifiers) is not a miss.
            hosts = [(e.start, e.end) for e in d.entities
                     if e.attributes.get("level") == "NAM" or e.type in by_string[s]]
            missed = [(a, b) for a, b in _occurrences(d.text, s)
                      if (a, b) not in exact and not any(x <= a and b <= y and (x, y) != (a, b) for x, y in hosts)]
            if missed:
                where = ", ".join(f"{a}..{b}" for a, b in missed[:5])
                out.append(Finding("unannotated-repeat", s, d.id, f"unannotated at {where}"))
    return out


def ignored_triggers(docs: list[Document]) -> list[Finding]:
    words: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        for v in d.events:
            words[v.trigger.text.lower()].add(v.type)
    out = []
    for d in docs:
        spans = {(v.trigger.start, v.trigger.end) for v in d.events}
        # Inside a longer trigger ('air strikes') or a name ('Ceasefire Monitoring Committee') a
        # trigger word is not a separate event mention.
        hosts = list(spans) + [(e.start, e.end) for e in d.entities if e.attributes.get("level") == "NAM"]
        for w in sorted(words):
            missed = [(a, b) for a, b in _occurrences(d.text, w, ignore_case=True)
                      if (a, b) not in spans and not any(x <= a and b <= y for x, y in hosts)]
            if missed:
                ctx = d.text[max(0, missed[0][0] - 30):missed[0][1] + 30].replace("\n", " ")
                out.append(Finding("trigger-ignored", w, d.id,
                                   f"{len(missed)}x not a trigger (annotated elsewhere as {', '.join(sorted(words[w]))}),"
                                   f" e.g. '...{ctx}...'"))
    return out


def run_checks(docs: list[Document]) -> list[Finding]:
    return sorted(type_conflicts(docs) + unannotated_repeats(docs) + ignored_triggers(docs))


def load_exceptions(path: Path) -> list[Exception_]:
    """Read the reviewed exceptions; a malformed entry raises ValueError naming its position."""
    if not path.is_file():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(raw, list):
        raise ValueError(f"{path}: expected a list of {{check, key, doc?, reason}} entries")
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or set(item) - {"check", "key", "doc", "reason"}:
            raise ValueError(f"{path}: entry {i}: use the fields check, key, doc (optional), reason")
        if item.get("check") not in CHECKS:
            raise ValueError(f"{path}: entry {i}: check must be one of {', '.join(CHECKS)}")
        if not str(item.get("reason") or "").strip() or not isinstance(item.get("key"), str):
            raise ValueError(f"{path}: entry {i}: every exception needs a key and its reason")
        out.append(Exception_(item["check"], item["key"], str(item["reason"]), item.get("doc")))
    return out


def partition(findings: list[Finding], exceptions: list[Exception_]) -> tuple[list[Finding], list[Finding], list[Exception_]]:
    """(unexplained findings, explained findings, exceptions that no longer match anything)."""
    unexplained, explained, used = [], [], set()
    for f in findings:
        hit = next((i for i, x in enumerate(exceptions) if x.covers(f)), None)
        if hit is None:
            unexplained.append(f)
        else:
            explained.append(f)
            used.add(hit)
    stale = [x for i, x in enumerate(exceptions) if i not in used]
    return unexplained, explained, stale
