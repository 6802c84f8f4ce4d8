"""Sentences, tokens, BIO layers and lexicons shared by the baselines (all from conflictnews.text)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from conflictnews.document import Document
from conflictnews.text import Token, bio_tags, outermost, sentence_spans, tokenize

MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty",
                "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "billion",
                "dozens", "dozen", "hundreds", "thousands", "millions", "several", "scores"}


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    tokens: list[Token]


def sentences(doc: Document) -> list[Sentence]:
    out = []
    for s, e in sentence_spans(doc.text):
        toks = tokenize(doc.text, s, e)
        if toks:
            out.append(Sentence(s, e, toks))
    return out


def entity_layers(doc: Document, n: int = 2) -> list[list[tuple[int, int, str]]]:
    """Entity spans peeled into ``n`` flat layers: outermost first, then the outermost of the rest."""
    rest = [(e.start, e.end, e.type) for e in doc.entities]
    layers = []
    for _ in range(n):
        top = outermost(rest)
        layers.append(top)
        chosen = set(top)
        rest = [x for x in rest if x not in chosen]
    return layers


def trigger_spans(doc: Document) -> list[tuple[int, int, str]]:
    """One flat layer of trigger spans (the first event type of a span wins)."""
    return outermost([(v.trigger.start, v.trigger.end, v.type) for v in doc.events])


def sentence_tags(sent: Sentence, spans: Sequence[tuple[int, int, str]]) -> list[str]:
    inside = [x for x in spans if x[0] >= sent.start and x[1] <= sent.end]
    tags, _ = bio_tags(sent.tokens, inside)
    return tags


def shape(w: str) -> str:
    s = re.sub(r"[A-Z]", "X", w)
    s = re.sub(r"[a-z]", "x", s)
    s = re.sub(r"\d", "d", s)
    return re.sub(r"(.)\1{2,}", r"\1\1", s)


def casing(w: str) -> str:
    if w.isupper() and any(c.isalpha() for c in w):
        return "upper"
    if w[:1].isupper():
        return "title"
    if w.islower():
        return "lower"
    if any(c.isdigit() for c in w):
        return "digit"
    return "other"


class Lexicon:
    """Counted gazetteer (token sequences -> type) learnt from gold spans, with precision = labelled
    occurrences / all occurrences of the same token sequence in the training texts."""

    def __init__(self, max_len: int = 6, lower: bool = False):
        self.max_len = max_len
        self.lower = lower
        self.entries: dict[tuple[str, ...], tuple[str, float, int]] = {}

    def _key(self, toks: Sequence[Token]) -> tuple[str, ...]:
        return tuple(t.text.lower() if self.lower else t.text for t in toks)

    def fit(self, docs: Sequence[Document], spans_of) -> "Lexicon":
        labelled: dict[tuple[str, ...], Counter] = defaultdict(Counter)
        for d in docs:
            for sent in sentences(d):
                starts = {t.start: i for i, t in enumerate(sent.tokens)}
                ends = {t.end: i for i, t in enumerate(sent.tokens)}
                for s, e, lab in spans_of(d):
                    if s in starts and e in ends and ends[e] - starts[s] < self.max_len:
                        labelled[self._key(sent.tokens[starts[s]:ends[e] + 1])][lab] += 1
        total: Counter = Counter()
        for d in docs:
            for sent in sentences(d):
                toks = sent.tokens
                for i in range(len(toks)):
                    for j in range(i + 1, min(len(toks), i + self.max_len) + 1):
                        k = self._key(toks[i:j])
                        if k in labelled:
                            total[k] += 1
        self.entries = {}
        for k, c in labelled.items():
            lab, n = sorted(c.items(), key=lambda x: (-x[1], x[0]))[0]
            self.entries[k] = (lab, n / max(total[k], sum(c.values())), sum(c.values()))
        return self

    def matches(self, toks: Sequence[Token], min_precision: float = 0.0, min_count: int = 1) -> list[tuple[int, int, str]]:
        """Greedy longest non-overlapping matches as (first token, last token + 1, label)."""
        out = []
        i = 0
        while i < len(toks):
            hit = None
            for j in range(min(len(toks), i + self.max_len), i, -1):
                v = self.entries.get(self._key(toks[i:j]))
                if v and v[1] >= min_precision and v[2] >= min_count:
                    hit = (i, j, v[0])
                    break
            if hit:
                out.append(hit)
                i = hit[1]
            else:
                i += 1
        return out

    def to_dict(self) -> dict:
        return {"max_len": self.max_len, "lower": self.lower,
                "entries": [[list(k), *v] for k, v in sorted(self.entries.items())]}

    @classmethod
    def from_dict(cls, d: dict) -> "Lexicon":
        lx = cls(d["max_len"], d["lower"])
        lx.entries = {tuple(k): (lab, p, n) for k, lab, p, n in d["entries"]}
        return lx


def lexicon_tags(toks: Sequence[Token], lex: Lexicon, min_precision: float = 0.3) -> list[str]:
    tags = ["O"] * len(toks)
    for i, j, lab in lex.matches(toks, min_precision):
        tags[i] = "B-" + lab
        for k in range(i + 1, j):
            tags[k] = "I-" + lab
    return tags


def token_features(toks: Sequence[Token], i: int, lex_tags: Sequence[Sequence[str]] = (),
                   extra: Sequence[Sequence[str]] = ()) -> dict[str, float]:
    """Rich features of token i: identity, shape, affixes, casing, a +-2 window, lexicon hits."""
    w = toks[i].text
    lw = w.lower()
    f: dict[str, float] = {
        "bias": 1.0, "w=" + lw: 1.0, "shape=" + shape(w): 1.0, "case=" + casing(w): 1.0,
        "p2=" + lw[:2]: 1.0, "p3=" + lw[:3]: 1.0, "s2=" + lw[-2:]: 1.0, "s3=" + lw[-3:]: 1.0, "s4=" + lw[-4:]: 1.0,
    }
    if lw in MONTHS:
        f["month"] = 1.0
    if lw in WEEKDAYS:
        f["weekday"] = 1.0
    if lw in NUMBER_WORDS or w[0].isdigit():
        f["number"] = 1.0
    if i == 0:
        f["first"] = 1.0
    for k, tags in enumerate(lex_tags):
        f[f"lex{k}={tags[i]}"] = 1.0
        if tags[i] != "O":
            f[f"lex{k}type={tags[i][2:]}"] = 1.0
    for k, tags in enumerate(extra):
        f[f"x{k}={tags[i]}"] = 1.0
    for d in (-2, -1, 1, 2):
        j = i + d
        if 0 <= j < len(toks):
            o = toks[j].text
            f[f"{d}:w={o.lower()}"] = 1.0
            f[f"{d}:case={casing(o)}"] = 1.0
            if abs(d) == 1:
                f[f"{d}:shape={shape(o)}"] = 1.0
                for k, tags in enumerate(lex_tags):
                    f[f"{d}:lex{k}={tags[j]}"] = 1.0
        else:
            f[f"{d}:pad"] = 1.0
    if i > 0:
        f["bi-=" + toks[i - 1].text.lower() + "|" + lw] = 1.0
    if i + 1 < len(toks):
        f["bi+=" + lw + "|" + toks[i + 1].text.lower()] = 1.0
    return f
