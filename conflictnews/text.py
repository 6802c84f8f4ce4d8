"""Sentences and tokens with character offsets, and the BIO view of span annotations.

The tokenizer never looks at annotations (a tokenizer that split at gold boundaries would leak
them): words, numbers with separators, and every other non-space character on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+|[^\w\s]")
_ABBREV = {"mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "st", "jan", "feb", "mar", "apr",
           "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "vs", "u.s", "u.n", "e.g", "i.e", "approx"}
_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    end = len(text) if end is None else end
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets: line breaks always end one; '.', '!', '?' before a capital do,
    except after common abbreviations and single initials."""
    out: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        a, b = line.start(), line.end()
        s = a
        for m in _END.finditer(text, a, b):
            word = re.search(r"([\w.]+)$", text[s:m.start()])
            w = word.group(1).lower() if word else ""
            if text[m.start()] == "." and (w in _ABBREV or re.fullmatch(r"[a-z]", w)):
                continue
            out.append((s, m.end()))
            s = m.end()
            while s < b and text[s].isspace():
                s += 1
        if s < b:
            out.append((s, b))
    return [(x, _rstrip(text, x, y)) for x, y in out if text[x:y].strip()]


def _rstrip(text: str, a: int, b: int) -> int:
    while b > a and text[b - 1].isspace():
        b -= 1
    return b


def outermost(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The spans not contained in another span (the flat layer of nested annotation)."""
    ordered = sorted(spans, key=lambda s: (s[0], -s[1]))
    out: list[tuple[int, int, str]] = []
    for s in ordered:
        if out and s[0] < out[-1][1]:
            continue  # nested in (or crossing) the previous outer span
        out.append(s)
    return out


def bio_tags(tokens: Sequence[Token], spans: Iterable[tuple[int, int, str]]) -> tuple[list[str], list[tuple[int, int, str]]]:
    """IOB2 tags for non-overlapping spans; returns (tags, spans that do not fall on token boundaries)."""
    tags = ["O"] * len(tokens)
    starts = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i for i, t in enumerate(tokens)}
    unaligned = []
    for s, e, label in spans:
        if s not in starts or e not in ends:
            unaligned.append((s, e, label))
            continue
        i, j = starts[s], ends[e]
        tags[i] = f"B-{label}"
        for k in range(i + 1, j + 1):
            tags[k] = f"I-{label}"
    return tags, unaligned


def spans_from_bio(tokens: Sequence[Token], tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Character spans from IOB2 tags (an I- without a matching B- starts a span, as conlleval does)."""
    out = []
    cur: list | None = None
    for tok, tag in zip(tokens, tags):
        if tag.startswith("B-") or (tag.startswith("I-") and (cur is None or cur[2] != tag[2:])):
            if cur:
                out.append(tuple(cur))
            cur = [tok.start, tok.end, tag[2:]]
        elif tag.startswith("I-") and cur is not None:
            cur[1] = tok.end
        else:
            if cur:
                out.append(tuple(cur))
            cur = None
    if cur:
        out.append(tuple(cur))
    return out
