"""BIO (IOB2) tags <-> spans, for the layers of annotation that are representable as BIO.

Entity mentions of ConflictNews may nest, so a document's mentions are representable as one BIO
sequence only when no two of them overlap. :func:`spans_to_bio` refuses overlapping spans;
:func:`bio_to_spans` decodes tags as seqeval's strict IOB2 mode does (a chunk starts at ``B-X`` and
continues over ``I-X``; an ``I-X`` that does not continue a chunk of X belongs to no chunk).
On BIO-representable spans the scorer's strict scheme equals seqeval's strict IOB2 scores (tested).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def representable(spans: Iterable[tuple[int, int, str]]) -> bool:
    """True when no two spans share a token (so one BIO sequence can hold them)."""
    last = None
    for s, e, _ in sorted(spans):
        if last is not None and s < last:
            return False
        last = e if last is None else max(last, e)
    return True


def spans_to_bio(spans: Iterable[tuple[int, int, str]], n_tokens: int) -> list[str]:
    """IOB2 tags of non-overlapping ``(start, end, label)`` token spans (end exclusive)."""
    tags = ["O"] * n_tokens
    for s, e, lab in sorted(spans):
        if not 0 <= s < e <= n_tokens:
            raise ValueError(f"span {s}..{e} outside 0..{n_tokens}")
        if any(t != "O" for t in tags[s:e]):
            raise ValueError(f"span {s}..{e} overlaps another span: not representable as BIO")
        tags[s] = f"B-{lab}"
        for k in range(s + 1, e):
            tags[k] = f"I-{lab}"
    return tags


def bio_to_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Chunks of an IOB2 sequence, decoded strictly (as seqeval ``mode='strict', scheme=IOB2``)."""
    out: list[tuple[int, int, str]] = []
    start, label = None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, lab = tag.partition("-")
        if start is not None and not (prefix == "I" and lab == label):
            out.append((start, i, label))  # type: ignore[arg-type]
            start, label = None, None
        if prefix == "B":
            start, label = i, lab
    return out
