"""The authoring markup is a lossless view of the corpus format."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictnews.markup import MarkupError, parse, render
from conflictnews.records import Record
from conflictnews.schema import load_schema
from conflictnews.validate import validate_record

SCHEMA = load_schema()


def test_seed_round_trip(seed):
    again = parse(render(seed))
    assert again == seed


def test_parse_computes_offsets_and_defaults():
    doc = parse("---\nid: t1\nschema_version: 1.0.0\n---\n"
                "[Rebels]{ARMED_GROUP #r NOM} [shelled]{Attack.Shelling Attacker=r Target=@town REPORTED} "
                "the [[Aleppo]{GPE NAM c=aleppo} district]{GPE #d NOM c=town} on [Monday]{TIME v=2016-11-28}.\n")
    assert doc["text"] == "Rebels shelled the Aleppo district on Monday."
    d = {e["id"]: e for e in doc["entities"]}
    assert doc["text"][d["d"]["start"]:d["d"]["end"]] == "Aleppo district"
    assert d["r"]["cluster"] == "r"  # singleton cluster defaults to the mention id
    ev = doc["events"][0]
    assert ev["attributes"] == {"polarity": "POSITIVE", "modality": "REPORTED"}
    assert {(a["role"], a["entity"]) for a in ev["arguments"]} == {("Attacker", "r"), ("Target", "d")}
    assert validate_record(Record(doc, "t1.json", 1), gold=False) == []


def test_cluster_reference_prefers_the_same_sentence():
    doc = parse("[Kabul]{GPE #k1 c=kabul NAM} fell. Later [Taliban]{ARMED_GROUP #t NAM} fighters entered "
                "[Kabul]{GPE #k2 c=kabul NAM} and [took]{Territory.Capture Agent=t Territory=@kabul} it.",
                SCHEMA)
    assert {a["entity"] for a in doc["events"][0]["arguments"] if a["role"] == "Territory"} == {"k2"}


@pytest.mark.parametrize("src,msg", [
    ("a [b c", "never closed"),
    ("a b] c", "closes no"),
    ("a [b] c", "must be followed"),
    ("a [b]{PLANET} c", "unknown label 'PLANET'"),
    ("a [b]{Harm.Die Victim=@nobody} c", "no mention in cluster"),
    ("a [b]{Harm.Die count=lots} c", "count='lots'"),
    ("a {b} c", "stray"),
])
def test_errors_name_the_position(src, msg):
    with pytest.raises(MarkupError, match=msg) as exc:
        parse(src, SCHEMA)
    assert exc.value.line >= 1


@st.composite
def documents(draw):
    """Random texts with random non-crossing annotations, in the corpus format."""
    words = draw(st.lists(st.text("abcxyz[]{}\\ .,'\"é\u00a0", min_size=1, max_size=6), min_size=1, max_size=25))
    text = " ".join(words).strip() or "x"
    n = len(text)
    spans: list[tuple[int, int]] = []
    for _ in range(draw(st.integers(0, 12))):
        s = draw(st.integers(0, n - 1))
        e = draw(st.integers(s + 1, n))
        if any(a < s < b < e or s < a < e < b for a, b in spans) or (s, e) in spans:
            continue
        spans.append((s, e))
    ents, evs = [], []
    etypes = ["PER", "GPE", "TIME", "NUM", "ARMED_GROUP"]
    for k, (s, e) in enumerate(spans):
        if draw(st.booleans()):
            t = draw(st.sampled_from(etypes))
            ent = {"id": f"T{k}", "type": t, "start": s, "end": e, "text": text[s:e]}
            if SCHEMA.entity[t].corefer:
                ent["cluster"] = draw(st.sampled_from(["a", "b", f"T{k}"]))
                ent["attributes"] = {"level": draw(st.sampled_from(["NAM", "NOM", "PRO"]))}
            elif t == "TIME":
                ent["attributes"] = {"value": "2019-08-31"}
            ents.append(ent)
        else:
            evs.append((k, s, e))
    events = []
    for k, s, e in evs:
        args = [{"role": "Victim", "entity": x["id"]} for x in ents if x["type"] == "PER"][:2]
        events.append({"id": f"E{k}", "type": "Harm.Die", "trigger": {"start": s, "end": e, "text": text[s:e]},
                       "arguments": args,
                       "attributes": {"polarity": draw(st.sampled_from(["POSITIVE", "NEGATIVE"])),
                                      "modality": "ACTUAL",
                                      "count": draw(st.sampled_from([None, {"value": 3, "qualifier": "EXACT", "high": None},
                                                                     {"value": 2, "qualifier": "RANGE", "high": 9}]))},
                       "cluster": draw(st.sampled_from(["h1", f"h-E{k}"]))})
    return {"id": "doc", "schema_version": SCHEMA.version, "text": text, "entities": ents, "events": events}


@settings(max_examples=300, deadline=None)
@given(documents())
def test_round_trip_random_documents(doc):
    """Whitespace at the text's ends is the one thing markup cannot carry; the corpus forbids it too."""
    if doc["text"] != doc["text"].strip("\n"):
        return
    assert parse(render(doc)) == _canonical(doc)


def _canonical(doc):
    """parse() lists entities and events in text order (outer first); compare in that order."""
    key = lambda x: (x["start"], -x["end"])  # noqa: E731
    out = dict(doc)
    out["entities"] = sorted(doc["entities"], key=key)
    out["events"] = sorted(doc["events"], key=lambda v: (v["trigger"]["start"], -v["trigger"]["end"]))
    return out
