"""The one interface every extractor implements, and helpers to build valid predictions.

An extractor is fitted on gold documents (``fit(train, dev)``: ``dev`` only for choosing
hyper-parameters) and predicts documents in the corpus format from documents whose annotations
have been stripped (:func:`strip`). :func:`build_prediction` turns raw spans into a document that
passes ``validate_record(..., gold=False)``: it drops duplicate or crossing spans, arguments whose
filler type the schema does not allow, and assigns ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conflictnews.document import Argument, Document, Entity, Event, Trigger


class Extractor:
    """Base class: ``fit`` on gold documents, ``predict`` documents in the corpus format."""

    name: str = "extractor"
    #: whether ``fit`` learns anything (the benchmark skips training time for the others)
    trainable: bool = True

    def fit(self, train: Sequence[Document], dev: Sequence[Document] | None = None) -> "Extractor":
        return self

    def predict(self, docs: Sequence[Document]) -> list[Document]:  # pragma: no cover - interface
        raise NotImplementedError

    def predict_one(self, doc: Document) -> Document:
        return self.predict([doc])[0]

    # Optional persistence; subclasses that train override these.
    def save(self, path: str | Path) -> None:
        raise NotImplementedError(f"{self.name} cannot be saved")

    def describe(self) -> dict[str, Any]:
        return {"name": self.name}


class Empty(Extractor):
    """Predicts nothing: the floor every baseline must beat."""

    name = "empty"
    trainable = False

    def predict(self, docs: Sequence[Document]) -> list[Document]:
        return [strip(d) for d in docs]


def strip(doc: Document) -> Document:
    """The document as a system sees it at prediction time: id, schema version and text only."""
    return Document(id=doc.id, text=doc.text, schema_version=doc.schema_version)


# -- building valid predictions -------------------------------------------------------------------
@dataclass
class RawEvent:
    type: str
    start: int
    end: int
    arguments: list[tuple[str, int]] = field(default_factory=list)  # (role, index into the entity list)
    count: dict[str, Any] | None = None


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def clean_spans(text: str, spans: Iterable[tuple[int, int, str]], allowed: Iterable[str]) -> list[tuple[int, int, str]]:
    """Entity spans that validate together: trimmed, non-empty, known type, one type per span, no
    crossing (earlier spans, in the order given, win)."""
    allowed = set(allowed)
    out: list[tuple[int, int, str]] = []
    seen: set[tuple[int, int]] = set()
    for s, e, t in spans:
        if t not in allowed:
            continue
        s, e = _trim(text, int(s), int(e))
        if not (0 <= s < e <= len(text)) or (s, e) in seen:
            continue
        if any((s < a < e < b) or (a < s < b < e) for a, b, _ in out):
            continue
        seen.add((s, e))
        out.append((s, e, t))
    return sorted(out, key=lambda x: (x[0], -x[1]))


def build_prediction(doc: Document, schema, entities: Sequence[tuple[int, int, str]],
                     events: Sequence[RawEvent]) -> Document:
    """A prediction document from spans; entity indices in ``events`` refer to ``entities``."""
    text = doc.text
    ents: list[Entity] = []
    index: dict[int, str] = {}
    kept = clean_spans(text, entities, schema.entity_labels)
    pos = {(s, e): i for i, (s, e, _) in enumerate(kept)}
    for i, (s, e, t) in enumerate(kept):
        ents.append(Entity(id=f"T{i + 1}", type=t, start=s, end=e, text=text[s:e]))
    for j, (s, e, t) in enumerate(entities):
        s2, e2 = _trim(text, int(s), int(e))
        k = pos.get((s2, e2))
        if k is not None and kept[k][2] == t:
            index[j] = ents[k].id
    types = {en.id: en.type for en in ents}
    evs: list[Event] = []
    seen: set[tuple[int, int, str]] = set()
    for raw in events:
        vt = schema.event.get(raw.type)
        if vt is None:
            continue
        s, e = _trim(text, int(raw.start), int(raw.end))
        if not (0 <= s < e <= len(text)) or (s, e, raw.type) in seen:
            continue
        seen.add((s, e, raw.type))
        args: list[Argument] = []
        pairs: set[tuple[str, str]] = set()
        for role, j in raw.arguments:
            eid = index.get(j)
            if eid is None or role not in vt.roles or types[eid] not in vt.roles[role] or (role, eid) in pairs:
                continue
            pairs.add((role, eid))
            args.append(Argument(role, eid))
        attrs: dict[str, Any] = {}
        if vt.has_count and raw.count is not None:
            attrs["count"] = dict(raw.count)
        evs.append(Event(id=f"E{len(evs) + 1}", type=raw.type, trigger=Trigger(s, e, text[s:e]),
                         arguments=tuple(args), attributes=attrs))
    return Document(id=doc.id, text=text, schema_version=doc.schema_version, entities=tuple(ents), events=tuple(evs))


# -- counts -------------------------------------------------------------------------------------
_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
VAGUE = [("hundreds of thousands", 200000), ("tens of thousands", 20000), ("a few", 2), ("a dozen", 12),
         ("several", 3), ("dozens", 24), ("scores", 40), ("hundreds", 200), ("thousands", 2000),
         ("millions", 2000000), ("many", 2)]
_QUAL = [(r"\b(about|around|some|nearly|roughly|approximately|almost|close to|estimated)\b", "APPROX"),
         (r"\b(at least|or more)\b", "AT_LEAST"), (r"\b(more than|over|upwards of)\b", "MORE_THAN"),
         (r"\b(up to|as many as|at most)\b", "AT_MOST"), (r"\b(fewer than|less than|under)\b", "LESS_THAN")]


def _number_words(words: list[str]) -> int | None:
    total, cur, seen = 0, 0, False
    for w in words:
        w = w.replace(",", "")
        if re.fullmatch(r"\d+(\.\d+)?", w):
            cur += float(w) if "." in w else int(w)
            seen = True
        elif w in _UNITS:
            cur += _UNITS[w]
            seen = True
        elif w in _TENS:
            cur += _TENS[w]
            seen = True
        elif w in ("a", "an") and not seen:
            cur = 1
        elif w in _SCALES and (seen or cur > 0):
            seen = True
            cur = max(cur, 1) * _SCALES[w]
            if _SCALES[w] >= 1000:
                total += cur
                cur = 0
        elif w == "and" or "-" == w:
            continue
        elif seen:
            break
    return int(total + cur) if seen else None


def parse_count(phrase: str) -> dict[str, Any] | None:
    """``{value, qualifier, high}`` for a count phrase ('at least 40', 'dozens', '20 to 30'), or None."""
    p = " ".join(phrase.lower().replace("-", " ").split())
    for word, value in VAGUE:
        if re.search(rf"\b{word}\b", p):
            return {"value": value, "qualifier": "VAGUE", "high": None}
    m = re.search(r"(?:between\s+)?([\d,\.]+|[a-z]+)\s+(?:and|to|-)\s+([\d,\.]+|[a-z]+)", p)
    if m:
        lo, hi = _number_words([m.group(1)]), _number_words([m.group(2)])
        if lo is not None and hi is not None and hi > lo:
            return {"value": lo, "qualifier": "RANGE", "high": hi}
    words = re.findall(r"\d[\d,\.]*|[a-z]+", p)
    start = next((i for i, w in enumerate(words) if w[0].isdigit() or w in _UNITS or w in _TENS), None)
    if start is None:
        return None
    value = _number_words(words[start:])
    if value is None:
        return None
    qual = "EXACT"
    for pat, q in _QUAL:
        if re.search(pat, p):
            qual = q
            break
    return {"value": value, "qualifier": qual, "high": None}


def best_role(vt: Any, entity_type: str, roles: Sequence[str], scores: Sequence[float], threshold: float) -> str | None:
    """The highest-scoring role above ``threshold`` that the schema lets ``entity_type`` fill for
    event type ``vt`` (labels the schema does not know, such as NONE, are never chosen)."""
    best, best_s = None, threshold
    for role, score in zip(roles, scores):
        if role in vt.roles and entity_type in vt.roles[role] and score > best_s:
            best, best_s = role, score
    return best

