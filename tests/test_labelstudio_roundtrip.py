"""Lossless round trip: corpus -> tasks -> (as Label Studio exports them) -> import == corpus.

Proven with hypothesis on generated gold documents (characters outside the BMP, clusters, mention
levels, TIME values, counts with qualifier and high, event clusters, arguments, odd ids, meta) in
both offset units, and on every shipped corpus document.
"""

from __future__ import annotations

import copy
import json
import random

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictnews.corpus import load_documents
from conflictnews.document import dumps
from conflictnews.labelstudio.cli import ls
from conflictnews.labelstudio.convert import import_tasks
from conflictnews.labelstudio.tasks import OFFSET_UNITS, export_tasks
from conflictnews.records import Record
from conflictnews.schema import load_schema
from conflictnews.validate import validate_record
from tests.test_labelstudio_fixtures import META, as_ls_export, emoji_doc

SCHEMA = load_schema("1.0.0")
WORDS = ["Rebels", "shelled", "Idlib", "on", "Saturday", "killing", "40", "civilians", "😀", "👶🏽", "𝕏-ray",
         "Ağrı", "Kafranbel", "“quoted”", "🇸🇾", "the", "army", "said", "中文", "e\u0301t\u00e9", "a&b<c>"]
TIME_VALUES = ["2019-08-31", "2019-W35", "P2Y", "PAST_REF", "201X", "2019-08-31TEV", "XXXX-08-31"]
ID = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,7}", fullmatch=True)


@st.composite
def gold_documents(draw):
    n = draw(st.integers(3, 24))
    words = draw(st.lists(st.sampled_from(WORDS), min_size=n, max_size=n))
    seps = draw(st.lists(st.sampled_from([" ", " ", "  ", "\n", "\n\n", " — "]), min_size=n - 1, max_size=n - 1))
    text, starts = "", []
    for i, w in enumerate(words):
        starts.append(len(text))
        text += w + (seps[i] if i < n - 1 else "")
    span = [(s, s + len(w)) for s, w in zip(starts, words, strict=True)]
    ids = draw(st.lists(ID, min_size=2 * n, max_size=2 * n, unique=True))
    ids_iter = iter(ids)

    entities = []
    ent_words = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))
    for wi in ent_words:
        et = draw(st.sampled_from(SCHEMA.entity_types))
        s, e = span[wi]
        ent = {"id": next(ids_iter), "type": et.name, "start": s, "end": e, "text": text[s:e]}
        if et.corefer:
            ent["cluster"] = f"c-{et.name.lower()}-{draw(st.integers(0, 2))}"
        attrs = {}
        if "level" in et.attributes:
            attrs["level"] = draw(st.sampled_from(list(SCHEMA.entity_attributes["level"].values)))
        if "value" in et.attributes:
            attrs["value"] = draw(st.sampled_from(TIME_VALUES))
        if attrs:
            ent["attributes"] = attrs
        entities.append(ent)

    events = []
    trig_words = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=min(n, 6)))
    for wi in trig_words:
        vt = draw(st.sampled_from(SCHEMA.event_types))
        s, e = span[wi]
        attrs = {"polarity": draw(st.sampled_from(list(SCHEMA.event_attributes["polarity"].values))),
                 "modality": draw(st.sampled_from(list(SCHEMA.event_attributes["modality"].values)))}
        args = []
        for role, fillers in vt.roles.items():
            cands = [x["id"] for x in entities if x["type"] in fillers]
            if cands and draw(st.booleans()):
                for ent_id in draw(st.lists(st.sampled_from(cands), unique=True, min_size=1, max_size=2)):
                    args.append({"role": role, "entity": ent_id})
        args = draw(st.permutations(args)) if args else args
        if vt.has_count:
            has_count_arg = any(a["role"] == "Count" for a in args)
            if has_count_arg or draw(st.booleans()):
                q = draw(st.sampled_from(SCHEMA.count_qualifiers))
                v = draw(st.integers(0, 10**6))
                attrs["count"] = {"value": v, "qualifier": q,
                                  "high": v + draw(st.integers(1, 1000)) if q == "RANGE" else None}
            else:
                attrs["count"] = None
        events.append({"id": next(ids_iter), "type": vt.name, "trigger": {"start": s, "end": e, "text": text[s:e]},
                       "arguments": args, "attributes": attrs,
                       "cluster": f"ev-{vt.name}-{draw(st.integers(0, 1))}"})
    meta = copy.deepcopy(META)
    meta["notes"] = draw(st.text(max_size=30))
    return {"id": draw(ID), "schema_version": "1.0.0", "meta": meta, "text": text,
            "entities": entities, "events": events}


def _as_exported(tasks, seed: int, flip: bool):
    ex = as_ls_export(tasks, seed=seed)
    if flip:  # annotators draw relations from either end
        rng = random.Random(seed)
        for t in ex:
            for a in t["annotations"]:
                for r in a["result"]:
                    if r["type"] == "relation" and rng.random() < 0.5:
                        r["from_id"], r["to_id"], r["direction"] = r["to_id"], r["from_id"], "left"
    return ex


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=gold_documents(), offsets=st.sampled_from(OFFSET_UNITS), seed=st.integers(0, 2**16), flip=st.booleans())
def test_roundtrip_generated_documents(doc, offsets, seed, flip):
    assert validate_record(Record(doc, "generated", 1), gold=True) == []
    tasks = export_tasks([doc], SCHEMA, offsets=offsets)
    exported = _as_exported(json.loads(json.dumps(tasks)), seed, flip)  # through JSON, as over the wire
    res = import_tasks(exported)
    assert res.problems == []
    (item,) = res.items
    assert [str(p) for p in item.problems] == []
    assert item.doc == doc
    assert dumps(item.doc) == dumps(doc)


@pytest.mark.parametrize("offsets", OFFSET_UNITS)
def test_roundtrip_every_corpus_document(offsets):
    docs = load_documents()
    assert len(docs) > 0
    ex = _as_exported(export_tasks(docs, SCHEMA, offsets=offsets), seed=7, flip=True)
    res = import_tasks(ex)
    assert res.problems == []
    got = {it.doc["id"]: it for it in res.items}
    assert sorted(got) == [d.id for d in docs]
    for d in docs:
        assert got[d.id].problems == [], [str(p) for p in got[d.id].problems]
        assert dumps(got[d.id].doc) == dumps(d), d.id


@pytest.mark.parametrize("offsets", OFFSET_UNITS)
def test_roundtrip_cli(tmp_path, offsets):
    src = tmp_path / "src"
    src.mkdir()
    (src / "test-emoji.json").write_text(dumps(emoji_doc()), encoding="utf-8")
    tasks_file = tmp_path / "tasks.json"
    r = CliRunner().invoke(ls, ["export", str(src), "--offsets", offsets, "-o", str(tasks_file)])
    assert r.exit_code == 0, r.output
    export_file = tmp_path / "export.json"
    export_file.write_text(json.dumps(as_ls_export(json.loads(tasks_file.read_text(encoding="utf-8")), seed=3)),
                           encoding="utf-8")
    r = CliRunner().invoke(ls, ["import", str(export_file), "-o", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "out" / "test-emoji.json").read_bytes() == (src / "test-emoji.json").read_bytes()


def test_accepted_prediction_comes_back_as_the_predicted_document():
    """Pre-annotation: Label Studio copies an accepted prediction's results into the annotation."""
    gold = emoji_doc()
    pred = copy.deepcopy(gold)
    pred.pop("meta")
    pred["entities"] = pred["entities"][:5]
    keep = {e["id"] for e in pred["entities"]}
    for v in pred["events"]:
        v["arguments"] = [a for a in v["arguments"] if a["entity"] in keep]
    (task,) = export_tasks([gold], SCHEMA, gold=False, predictions={gold["id"]: pred}, model_version="m1")
    task["annotations"] = [{"result": copy.deepcopy(task["predictions"][0]["result"])}]
    (item,) = import_tasks(as_ls_export([task])).items
    assert item.doc["entities"] == pred["entities"] and item.doc["events"] == pred["events"]
    assert item.doc["meta"] == gold["meta"]
