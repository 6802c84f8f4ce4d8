"""Triggers and arguments (TextEE convention): hand-checked example and a set-semantics property."""

from __future__ import annotations

import pytest
try:
    from .conftest_eval import mk_doc
except ImportError:  # tests/ not a package
    from conftest_eval import mk_doc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictnews.eval.scorer import score_documents, score_tables
from conflictnews.eval.tables import Labels, Tables
from conflictnews.schema import load_schema

LABELS = Labels.from_schema(load_schema("1.0.0"))

GOLD = mk_doc("d1", entities=[("e1", "PER", 10, 15), ("e2", "GPE", 20, 25), ("e3", "TIME", 30, 35, None,
                                                                             {"value": "2019-08-31"})],
              events=[("E1", "Attack.AirStrike", 0, 6, [("Attacker", "e1"), ("Place", "e2"), ("Time", "e3")]),
                      ("E2", "Harm.Die", 40, 46, [("Victim", "e1"), ("Place", "e2")])])
PRED_EVENTS = [
    ("P1", "Attack.AirStrike", 0, 6, [("Attacker", "f1"), ("Target", "f2")]),  # right trigger; one role wrong
    ("P2", "Harm.Die", 50, 56, [("Victim", "f1"), ("Place", "f3")]),  # wrong trigger span; Place span short
    ("P3", "Attack.Shelling", 40, 46, []),  # the Harm.Die trigger with another type
]
PRED = mk_doc("d1", entities=[("f1", "PER", 10, 15), ("f2", "GPE", 20, 25), ("f3", "GPE", 20, 24)], events=PRED_EVENTS)


def figs(gold, pred):
    return score_documents(gold, pred).figures()


def check(f, name, tp, n_pred, n_gold, scope="micro"):
    assert (f[(name, scope, "tp")], f[(name, scope, "n_pred")], f[(name, scope, "n_gold")]) == (tp, n_pred, n_gold), name


def test_hand_checked_triggers_and_arguments():
    f = figs([GOLD], [PRED])
    check(f, "triggers.identification", 2, 3, 2)  # (0,6) and (40,46) found
    check(f, "triggers.classification", 1, 3, 2)  # only (0,6,AirStrike)
    check(f, "arguments.identification", 3, 4, 5)  # (AS,10,15) (AS,20,25) (HD,10,15); (HD,20,24) wrong span
    check(f, "arguments.classification", 2, 4, 5)  # Attacker and Victim; Target is the wrong role
    check(f, "arguments.identification_attached", 2, 4, 5)  # P2's trigger offsets are wrong
    check(f, "arguments.classification_attached", 1, 4, 5)
    assert f[("arguments.classification", "micro", "precision")] == pytest.approx(2 / 4)
    assert f[("arguments.classification", "micro", "recall")] == pytest.approx(2 / 5)
    assert f[("triggers.classification", "micro", "f1")] == pytest.approx(2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2))
    # per role (Arg-C) and per event type (Tri-C)
    check(f, "arguments.classification", 1, 1, 1, "label:Attacker")
    check(f, "arguments.classification", 0, 1, 2, "label:Place")
    check(f, "arguments.classification", 0, 1, 0, "label:Target")
    check(f, "arguments.classification", 0, 0, 1, "label:Time")
    check(f, "triggers.classification", 0, 1, 0, "label:Attack.Shelling")
    # macro over the labels present on either side
    roles = ["Attacker", "Place", "Target", "Time", "Victim"]
    assert f[("arguments.classification", "macro", "f1")] == pytest.approx(
        sum(f[("arguments.classification", f"label:{r}", "f1")] for r in roles) / len(roles))


def test_duplicates_collapse_and_event_order_is_irrelevant():
    dup = mk_doc("d1", entities=[("f1", "PER", 10, 15), ("f2", "GPE", 20, 25), ("f3", "GPE", 20, 24),
                                 ("f4", "PER", 10, 15)],
                 events=list(reversed(PRED_EVENTS)) + [("P4", "Attack.AirStrike", 0, 6, [("Attacker", "f4")])])
    a, b = figs([GOLD], [PRED]), figs([GOLD], [dup])
    for name in ("triggers.identification", "triggers.classification", "arguments.identification",
                 "arguments.classification", "arguments.identification_attached", "arguments.classification_attached"):
        assert a[(name, "micro", "f1")] == b[(name, "micro", "f1")], name
        assert a[(name, "micro", "n_pred")] == b[(name, "micro", "n_pred")], name


def test_perfect_empty_and_missing():
    f = figs([GOLD], [GOLD])
    assert all(f[(n, "micro", "f1")] == 1.0 for n in ("triggers.classification", "arguments.classification_attached"))
    f = figs([GOLD], [])  # missing prediction = empty prediction
    for n in ("triggers.identification", "arguments.classification"):
        assert (f[(n, "micro", "recall")], f[(n, "micro", "precision")], f[(n, "micro", "f1")]) == (0.0, 0.0, 0.0)


# -- property: the vectorised tuple sets equal plain Python sets -----------------------------------
ev_types = st.sampled_from(["Attack.AirStrike", "Harm.Die", "Diplomacy.Ceasefire"])
roles = st.sampled_from(["Place", "Time", "Agent", "Source"])


@st.composite
def side(draw, n_docs):
    ents, evs, args = [], [], []
    for d in range(n_docs):
        spans = draw(st.lists(st.tuples(st.integers(0, 12), st.integers(1, 3)), max_size=5))
        base = len(ents)
        ents += [(d, s, s + ln) for s, ln in spans]
        for _ in range(draw(st.integers(0, 4))):
            s = draw(st.integers(0, 12))
            evs.append((d, s, s + draw(st.integers(1, 2)), LABELS.event.index(draw(ev_types))))
            for _ in range(draw(st.integers(0, 3))) if spans else ():
                args.append((len(evs) - 1, LABELS.role.index(draw(roles)), base + draw(st.integers(0, len(spans) - 1))))
    return ents, evs, args


def tables(n_docs, ents, evs, args) -> Tables:
    col = lambda rows, k: [r[k] for r in rows]  # noqa: E731
    return Tables(n_docs, ent_doc=col(ents, 0), ent_start=col(ents, 1), ent_end=col(ents, 2),
                  ent_label=[0] * len(ents), ev_doc=col(evs, 0), ev_start=col(evs, 1), ev_end=col(evs, 2),
                  ev_label=col(evs, 3), arg_event=col(args, 0), arg_role=col(args, 1), arg_entity=col(args, 2))


def python_sets(ents, evs, args):
    tri_i = {(d, s, e) for d, s, e, _ in evs}
    tri_c = {(d, s, e, t) for d, s, e, t in evs}
    arg = [(evs[v][0], evs[v][1], evs[v][2], evs[v][3], ents[x][1], ents[x][2], r) for v, r, x in args]
    return {
        "triggers.identification": tri_i, "triggers.classification": tri_c,
        "arguments.identification": {(d, t, a, b) for d, _, _, t, a, b, _ in arg},
        "arguments.classification": {(d, t, a, b, r) for d, _, _, t, a, b, r in arg},
        "arguments.identification_attached": {(d, s, e, t, a, b) for d, s, e, t, a, b, _ in arg},
        "arguments.classification_attached": set(arg),
    }


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(st.just(n), side(n), side(n))))
def test_tuple_sets_equal_python_sets(case):
    n, g, p = case
    s = score_tables(tables(n, *g), tables(n, *p), LABELS, records=False, coref=False).figures()
    G, P = python_sets(*g), python_sets(*p)
    for name in G:
        assert s[(name, "micro", "tp")] == len(G[name] & P[name]), name
        assert s[(name, "micro", "n_pred")] == len(P[name]), name
        assert s[(name, "micro", "n_gold")] == len(G[name]), name
