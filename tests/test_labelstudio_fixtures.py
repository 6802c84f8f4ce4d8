"""Shared material for the Label Studio tests: a document with characters outside the BMP, and
``as_ls_export``, which wraps tasks the way Label Studio 1.23's JSON export returns them."""

from __future__ import annotations

import copy
import random
from typing import Any

from conflictnews.records import Record
from conflictnews.validate import validate_record

META = {
    "source": "ConflictNews test", "url": None, "published": "2019-09-01", "licence": "CC-BY-4.0",
    "redistributable": True, "provenance": "published-news", "split": "dev", "event_key": "test-idlib-shelling",
    "annotation": {"annotators": ["annotator-1"], "adjudicated": False, "notes": "Emoji 🔥 in notes survive too."},
}

EMOJI_TEXT = ("🔥 Rebels 🔥 shelled Idlib 𝕏 on Saturday, killing between 12 and 15 civilians 👶🏽, "
              "the Observatory said. It said the families had fled.")


def _span(text: str, s: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(s, i + 1)
    return i, i + len(s)


def emoji_doc(doc_id: str = "test-emoji") -> dict[str, Any]:
    """A valid gold document whose text has astral characters (UTF-16 offsets differ) before most
    mentions, and every kind of annotation: clusters, levels, a TIME value, a RANGE count, event
    clusters, arguments of several roles (one entity in two roles), and meta."""
    t = EMOJI_TEXT

    def ent(i, typ, s, nth=0, cluster=None, **attrs):
        a, b = _span(t, s, nth)
        e = {"id": i, "type": typ, "start": a, "end": b, "text": s}
        if cluster:
            e["cluster"] = cluster
        if attrs:
            e["attributes"] = attrs
        return e

    def trig(s, nth=0):
        a, b = _span(t, s, nth)
        return {"start": a, "end": b, "text": s}

    entities = [
        ent("rebels1", "ARMED_GROUP", "Rebels", cluster="rebels", level="NOM"),
        ent("idlib1", "GPE", "Idlib", cluster="idlib", level="NAM"),
        ent("sat1", "TIME", "Saturday", value="2019-08-31"),
        ent("n1", "NUM", "between 12 and 15"),
        ent("civ1", "PER", "civilians", cluster="civ", level="NOM"),
        ent("obs1", "NGO", "the Observatory", cluster="obs", level="NOM"),
        ent("it1", "NGO", "It", cluster="obs", level="PRO"),
        ent("fam1", "PER", "the families", cluster="families", level="NOM"),
    ]
    events = [
        {"id": "ev:1", "type": "Attack.Shelling", "trigger": trig("shelled"),
         "arguments": [{"role": "Attacker", "entity": "rebels1"}, {"role": "Place", "entity": "idlib1"},
                       {"role": "Time", "entity": "sat1"}, {"role": "Source", "entity": "obs1"},
                       {"role": "Target", "entity": "idlib1"}],
         "attributes": {"polarity": "POSITIVE", "modality": "REPORTED"}, "cluster": "shelling"},
        {"id": "ev.2", "type": "Harm.Die", "trigger": trig("killing"),
         "arguments": [{"role": "Victim", "entity": "civ1"}, {"role": "Count", "entity": "n1"},
                       {"role": "Place", "entity": "idlib1"}],
         "attributes": {"polarity": "POSITIVE", "modality": "REPORTED",
                        "count": {"value": 12, "qualifier": "RANGE", "high": 15}}, "cluster": "deaths"},
        {"id": "ev3", "type": "Movement.Displace", "trigger": trig("fled"),
         "arguments": [{"role": "Displaced", "entity": "fam1"}, {"role": "Source", "entity": "it1"}],
         "attributes": {"polarity": "POSITIVE", "modality": "REPORTED", "count": None}, "cluster": "flight"},
    ]
    return {"id": doc_id, "schema_version": "1.0.0", "meta": copy.deepcopy(META), "text": t,
            "entities": entities, "events": events}


ANNOTATION_FIELDS = {  # as in a Label Studio 1.23.2 JSON export
    "was_cancelled": False, "ground_truth": False, "created_at": "2026-11-25T14:43:45.099556Z",
    "updated_at": "2026-11-25T14:43:45.099579Z", "draft_created_at": None, "lead_time": 12.5, "prediction": {},
    "result_count": 0, "import_id": None, "last_action": None, "bulk_created": False, "parent_prediction": None,
    "parent_annotation": None, "last_created_by": None,
}


def as_ls_export(tasks: list[dict[str, Any]], *, annotators: list[int] | None = None, seed: int | None = 0,
                 first_task_id: int = 1) -> list[dict[str, Any]]:
    """Tasks as Label Studio exports them: ids, annotation bookkeeping, ``origin`` on results, and
    the results in an order of the server's choosing (shuffled unless ``seed`` is None)."""
    rng = random.Random(seed)
    out = []
    ann_id = 1000
    for k, task in enumerate(tasks):
        tid = first_task_id + k
        anns = []
        for a in task.get("annotations", []):
            for who in annotators or [1]:
                ann_id += 1
                result = [dict(r, origin="manual") if r.get("type") != "relation" else dict(r)
                          for r in copy.deepcopy(a["result"])]
                if seed is not None:
                    rng.shuffle(result)
                anns.append({"id": ann_id, "completed_by": who, "result": result, **ANNOTATION_FIELDS,
                             "task": tid, "project": 1, "updated_by": who})
        out.append({"id": tid, "annotations": anns, "drafts": [], "predictions": task.get("predictions", []),
                    "data": copy.deepcopy(task["data"]), "meta": {}, "created_at": "2026-11-25T14:43:45Z",
                    "updated_at": "2026-11-25T14:43:45Z", "inner_id": tid, "total_annotations": len(anns),
                    "cancelled_annotations": 0, "total_predictions": len(task.get("predictions", [])),
                    "project": 1, "updated_by": None})
    return out


def test_emoji_doc_is_valid_gold_with_astral_characters():
    d = emoji_doc()
    assert validate_record(Record(d, "emoji", 1), gold=True) == []
    assert any(ord(c) > 0xFFFF for c in d["text"])
    assert len(d["text"]) != len(d["text"].encode("utf-16-le")) // 2


def test_as_ls_export_shape():
    tasks = [{"data": {"text": "x"}, "annotations": [{"result": [{"id": "a", "type": "labels", "value": {}}]}]}]
    ex = as_ls_export(tasks, annotators=[1, 2])
    assert [a["completed_by"] for a in ex[0]["annotations"]] == [1, 2]
    assert ex[0]["annotations"][0]["result"][0]["origin"] == "manual"
    assert tasks[0]["annotations"][0]["result"][0].get("origin") is None  # input untouched
