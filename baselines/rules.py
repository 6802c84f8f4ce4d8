"""The rules baseline: counted gazetteers and trigger lexicons, regular expressions for dates,
numbers and casualty phrases, and sentence-level argument attachment limited to the filler types
the schema allows. Deterministic; ``fit`` only counts."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conflictnews.document import Document
from conflictnews.schema import load_schema

from .base import Extractor, RawEvent, build_prediction, parse_count
from .features import Lexicon, Sentence, sentences, trigger_spans

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
_WDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
TIME_PATTERNS = [
    rf"\b(?:{_WDAY},?\s+)?(?:{_MONTH}\s+\d{{1,2}}(?:,\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?)",
    rf"\b(?:early|late|mid-?)?\s?{_MONTH}(?:\s+\d{{4}})?\b",
    rf"\b{_WDAY}(?:\s+(?:morning|afternoon|evening|night))?\b",
    r"\b(?:last|this|next|earlier this|later this|the previous|the following)\s+(?:week|month|year|weekend)\b",
    r"\b(?:yesterday|today|tonight|overnight)\b",
    r"\b(?:19|20)\d{2}\b",
]
_NUMW = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
         r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|"
         r"million)")
_NUM = rf"(?:\d[\d,]*(?:\.\d+)?|{_NUMW}(?:[\s-]+{_NUMW})*)(?:\s+(?:hundred|thousand|million))?"
NUM_PATTERNS = [
    rf"(?i)\b(?:at least|more than|over|about|around|some|nearly|roughly|up to|as many as|fewer than|almost|"
    rf"approximately)\s+{_NUM}\b",
    rf"(?i)\bbetween\s+{_NUM}\s+and\s+{_NUM}\b",
    rf"(?i)\b{_NUM}\s+(?:to|-)\s+{_NUM}\b",
    r"(?i)\b(?:hundreds of thousands|tens of thousands|dozens|hundreds|thousands|millions|scores|several|a few)\b",
    rf"(?i)\b{_NUM}\b",
]


def pattern_spans(text: str) -> list[tuple[int, int, str]]:
    out = []
    for label, pats in (("TIME", TIME_PATTERNS), ("NUM", NUM_PATTERNS)):
        for p in pats:
            for m in re.finditer(p, text):
                s, e = m.span()
                while s < e and text[s].isspace():
                    s += 1
                if s < e:
                    out.append((s, e, label))
    return out


def flat(spans: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Keep spans in the order given, dropping any that overlaps one already kept."""
    kept: list[tuple[int, int, str]] = []
    for s, e, t in spans:
        if all(e <= a or s >= b for a, b, _ in kept):
            kept.append((s, e, t))
    return sorted(kept)


def _bucket(n: int) -> str:
    return "0" if n <= 1 else "1" if n <= 4 else "2" if n <= 9 else "3"


def pair_keys(sent: Sentence, ents: Sequence[tuple[int, int, str]], trig: tuple[int, int, str]):
    """For every entity of the sentence: (entity index, coarse key of its relation to the trigger)."""
    tok_index = {t.start: i for i, t in enumerate(sent.tokens)}
    tok_end = {t.end: i for i, t in enumerate(sent.tokens)}

    def ti(pos: int, ends: bool = False) -> int:
        table = tok_end if ends else tok_index
        if pos in table:
            return table[pos]
        return min(range(len(sent.tokens)), key=lambda k: abs((sent.tokens[k].end if ends else sent.tokens[k].start) - pos))

    ts, te = ti(trig[0]), ti(trig[1], True)
    idx = [k for k, (s, e, _) in enumerate(ents) if s >= sent.start and e <= sent.end and (e <= trig[0] or s >= trig[1])]
    out = []
    for k in idx:
        s, e, t = ents[k]
        left = e <= trig[0]
        dist = ts - ti(e, True) if left else ti(s) - te
        same_side_type = [j for j in idx if ents[j][2] == t and ((ents[j][1] <= trig[0]) == left)]
        nearest = min(same_side_type, key=lambda j: abs((ents[j][1] if left else ents[j][0]) - (trig[0] if left else trig[1])))
        out.append((k, ("L" if left else "R", _bucket(dist), nearest == k)))
    return out


class Rules(Extractor):
    name = "rules"
    trainable = True  # counting only

    def __init__(self, entity_precision: float = 0.5, trigger_precision: float = 0.3, arg_threshold: float = 0.35):
        self.entity_precision = entity_precision
        self.trigger_precision = trigger_precision
        self.arg_threshold = arg_threshold
        self.ent_lex = Lexicon(max_len=6)
        self.trig_lex = Lexicon(max_len=3, lower=True)
        self.arg_stats: dict[str, dict[str, int]] = {}

    def fit(self, train: Sequence[Document], dev: Sequence[Document] | None = None) -> "Rules":
        self.ent_lex.fit(train, lambda d: [(e.start, e.end, e.type) for e in d.entities])
        self.trig_lex.fit(train, trigger_spans)
        stats: dict[str, Counter] = defaultdict(Counter)
        for d in train:
            ents = [(e.start, e.end, e.type) for e in d.entities]
            eidx = {e.id: k for k, e in enumerate(d.entities)}
            for sent in sentences(d):
                for v in d.events:
                    if not (v.trigger.start >= sent.start and v.trigger.end <= sent.end):
                        continue
                    roles = {eidx[a.entity]: a.role for a in v.arguments if a.entity in eidx}
                    for k, key in pair_keys(sent, ents, (v.trigger.start, v.trigger.end, v.type)):
                        for name in self._keys(v.type, ents[k][2], key):
                            stats[name][roles.get(k, "NONE")] += 1
        self.arg_stats = {k: dict(c) for k, c in stats.items()}
        return self

    @staticmethod
    def _keys(ev_type: str, ent_type: str, key) -> list[str]:
        side, bucket, nearest = key
        fam = ev_type.split(".")[0]
        return [f"{ev_type}|{ent_type}|{side}|{bucket}|{nearest}", f"{fam}|{ent_type}|{side}|{bucket}|{nearest}",
                f"*|{ent_type}|{side}|{bucket}|{nearest}"]

    def _role(self, vt, ev_type: str, ent_type: str, key) -> str | None:
        for name in self._keys(ev_type, ent_type, key):
            c = self.arg_stats.get(name)
            if not c or sum(c.values()) < 3:
                continue
            total = sum(c.values())
            allowed = [(n, r) for r, n in c.items() if r in vt.roles and ent_type in vt.roles[r]]
            if not allowed:
                return None
            n, r = max(allowed, key=lambda x: (x[0], x[1]))
            return r if n / total >= self.arg_threshold else None
        return None

    def predict(self, docs: Sequence[Document]) -> list[Document]:
        out = []
        for doc in docs:
            schema = load_schema(doc.schema_version)
            sents = sentences(doc)
            gaz = []
            trig = []
            for sent in sents:
                for i, j, lab in self.ent_lex.matches(sent.tokens, self.entity_precision):
                    gaz.append((sent.tokens[i].start, sent.tokens[j - 1].end, lab))
                for i, j, lab in self.trig_lex.matches(sent.tokens, self.trigger_precision, 2):
                    trig.append((sent.tokens[i].start, sent.tokens[j - 1].end, lab))
            ents = flat(gaz + pattern_spans(doc.text))
            events = []
            for sent in sents:
                for t in trig:
                    if not (t[0] >= sent.start and t[1] <= sent.end):
                        continue
                    vt = schema.event[t[2]]
                    raw = RawEvent(t[2], t[0], t[1])
                    for k, key in pair_keys(sent, ents, t):
                        role = self._role(vt, t[2], ents[k][2], key)
                        if role:
                            raw.arguments.append((role, k))
                    raw.count = count_of(doc.text, ents, raw) if vt.has_count else None
                    events.append(raw)
            out.append(build_prediction(doc, schema, ents, events))
        return out

    def save(self, path: str | Path) -> None:
        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        (p / "rules.json").write_text(json.dumps(self.to_dict(), sort_keys=True), encoding="utf-8")

    def to_dict(self) -> dict[str, Any]:
        return {"entity_precision": self.entity_precision, "trigger_precision": self.trigger_precision,
                "arg_threshold": self.arg_threshold, "entities": self.ent_lex.to_dict(),
                "triggers": self.trig_lex.to_dict(), "arguments": self.arg_stats}

    @classmethod
    def load(cls, path: str | Path) -> "Rules":
        d = json.loads((Path(path) / "rules.json").read_text(encoding="utf-8"))
        r = cls(d["entity_precision"], d["trigger_precision"], d["arg_threshold"])
        r.ent_lex = Lexicon.from_dict(d["entities"])
        r.trig_lex = Lexicon.from_dict(d["triggers"])
        r.arg_stats = d["arguments"]
        return r


def count_of(text: str, ents: Sequence[tuple[int, int, str]], raw: RawEvent) -> dict[str, Any] | None:
    for role, k in raw.arguments:
        if role == "Count" and ents[k][2] == "NUM":
            return parse_count(text[ents[k][0]:ents[k][1]])
    return None
