"""Entity schemes against nervaluate 1.2.1, seqeval 1.2.2 (strict IOB2) and a brute-force oracle."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from conflictnews.eval.bio import bio_to_spans, representable, spans_to_bio
from conflictnews.eval.counts import prf
from conflictnews.eval.spans import SCHEMES, Spans, entity_counts

LABELS = ("A", "B", "C")


def cases(n: int):
    return settings(max_examples=n, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- helpers ---------------------------------------------------------------------------------
def to_spans(docs, which: int) -> Spans:
    rows = [(d, s, e, lab) for d, doc in enumerate(docs) for (s, e, lab) in doc[which]]
    if not rows:
        return Spans.of([], [], [], [])
    return Spans.of(*zip(*rows))


def ours(docs):
    """(counts, figures) per scheme: overall and per label (label index -> dict)."""
    ec = entity_counts(to_spans(docs, 0), to_spans(docs, 1), len(docs), len(LABELS))
    out = {}
    for scheme in SCHEMES:
        credit, credit_l = ec.credit(scheme)
        p, r, f = prf(credit.sum(), ec.n_pred.sum(), ec.n_gold.sum())
        per = {}
        for k in range(len(LABELS)):
            if ec.n_pred_by_label[:, k].sum() + ec.n_gold_by_label[:, k].sum() == 0:
                continue
            pl, rl, fl = prf(credit_l[:, k].sum(), ec.n_pred_by_label[:, k].sum(), ec.n_gold_by_label[:, k].sum())
            per[LABELS[k]] = {**ec.totals(scheme, k), "precision": float(pl), "recall": float(rl), "f1": float(fl)}
        out[scheme] = {"micro": {**ec.totals(scheme), "precision": float(p), "recall": float(r), "f1": float(f)},
                       "labels": per}
    return out


def nerv(docs):
    from nervaluate import Evaluator

    true = [[{"label": LABELS[lab], "start": s, "end": e - 1} for (s, e, lab) in g] for g, _ in docs]
    pred = [[{"label": LABELS[lab], "start": s, "end": e - 1} for (s, e, lab) in p] for _, p in docs]
    res = Evaluator(true, pred, tags=list(LABELS), loader="dict").evaluate()
    return res


FIELDS = ("correct", "incorrect", "partial", "missed", "spurious", "precision", "recall", "f1")


def assert_same(a: dict, nv, where: str) -> None:
    for k in FIELDS:
        assert a[k] == pytest.approx(getattr(nv, k)), f"{where}: {k}: ours {a[k]} nervaluate {getattr(nv, k)}"


def oracle_doc(gold, pred, scheme):
    """Lexicographic optimum by brute force: maximise correct pairs, then overlapping pairs."""
    if not gold or not pred:
        return 0, 0
    big = len(gold) * len(pred) + 1
    W = np.zeros((len(gold), len(pred)))
    for i, (gs, ge, gl) in enumerate(gold):
        for j, (ps, pe, pl) in enumerate(pred):
            if not (ps < ge and gs < pe):
                continue
            span, lab = (gs, ge) == (ps, pe), gl == pl
            correct = {"strict": span and lab, "exact": span, "partial": span, "type": lab}[scheme]
            W[i, j] = big if correct else 1
    r, c = linear_sum_assignment(W, maximize=True)
    return int((W[r, c] == big).sum()), int((W[r, c] == 1).sum())


def dedupe(xs):
    return list(dict.fromkeys(xs))


# -- strategies --------------------------------------------------------------------------------
span_st = st.tuples(st.integers(0, 30), st.integers(1, 8), st.integers(0, 2)).map(lambda t: (t[0], t[0] + t[1], t[2]))


@st.composite
def general_doc(draw):
    """Arbitrary spans: nesting, crossing, repeated spans with other types, duplicates."""
    gold = draw(st.lists(span_st, max_size=8, unique=True))
    pred = []
    for s, e, lab in gold:
        act = draw(st.sampled_from(["keep", "keep", "drop", "relabel", "shift", "twice"]))
        if act == "keep":
            pred.append((s, e, lab))
        elif act == "relabel":
            pred.append((s, e, (lab + 1) % 3))
        elif act == "shift":
            d = draw(st.integers(-2, 2))
            pred.append((max(0, s + d), max(max(0, s + d) + 1, e + draw(st.integers(-2, 2))), lab))
        elif act == "twice":
            pred += [(s, e, lab), (s, e, (lab + 2) % 3)]
    pred += draw(st.lists(span_st, max_size=4))
    return gold, draw(st.permutations(pred))


@st.composite
def regional_doc(draw):
    """Disjoint regions holding at most one gold and one predicted span each: the overlap graph is a
    matching, so a greedy and an optimal matcher must agree."""
    gold, pred = [], []
    for r in range(draw(st.integers(0, 7))):
        base = 20 * r

        def span():
            s = base + draw(st.integers(0, 10))
            return s, s + draw(st.integers(1, 6)), draw(st.integers(0, 2))

        g = span() if draw(st.booleans()) else None
        if g:
            gold.append(g)
        kind = draw(st.sampled_from(["none", "random", "copy", "relabel"] if g else ["none", "random"]))
        if kind == "random":
            pred.append(span())
        elif kind == "copy":
            pred.append(g)
        elif kind == "relabel":
            pred.append((g[0], g[1], (g[2] + 1) % 3))
    return draw(st.permutations(gold)), draw(st.permutations(pred))


# -- worked example (SemEval-2013 9.1 scenarios, as tabulated in nervaluate's documentation) -----
def test_semeval_scenarios_hand_checked():
    # one region per scenario; gold / pred spans:
    gold = [(0, 5, 0),  # I   exact match, same type
            (40, 45, 0),  # III missed
            (60, 65, 0),  # IV  same span, other type
            (80, 86, 0),  # V   overlap, same type
            (100, 106, 0)]  # VI  overlap, other type
    pred = [(0, 5, 0),
            (20, 25, 1),  # II  spurious
            (60, 65, 1),
            (82, 86, 0),
            (103, 110, 1)]
    r = ours([(gold, pred)])
    expect = {  # correct, incorrect, partial, missed, spurious (from the scenario table)
        "strict": (1, 3, 0, 1, 1),
        "exact": (2, 2, 0, 1, 1),
        "partial": (2, 0, 2, 1, 1),
        "type": (2, 2, 0, 1, 1),
    }
    for scheme, (cor, inc, par, mis, spu) in expect.items():
        m = r[scheme]["micro"]
        assert (m["correct"], m["incorrect"], m["partial"], m["missed"], m["spurious"]) == (cor, inc, par, mis, spu), scheme
    # partial: P = R = (2 + 0.5 * 2) / 5
    assert r["partial"]["micro"]["precision"] == pytest.approx(3 / 5)
    assert r["strict"]["micro"]["f1"] == pytest.approx(1 / 5)
    # per type, only mentions of that type are compared: the relabelled B predictions are spurious for B
    assert r["strict"]["labels"]["B"]["spurious"] == 3 and r["strict"]["labels"]["B"]["correct"] == 0
    res = nerv([(gold, pred)])
    for scheme in SCHEMES:
        assert_same(r[scheme]["micro"], res["overall"]["ent_type" if scheme == "type" else scheme], scheme)


def test_greedy_list_order_difference_is_intended():
    # one prediction overlaps both gold mentions; nervaluate gives it the first gold in list order and
    # leaves the second prediction without a partner; the optimal matching pairs both.
    gold = [(0, 4, 0), (5, 9, 0)]
    pred = [(0, 6, 0), (2, 4, 0)]
    r = ours([(gold, pred)])
    assert r["partial"]["micro"]["partial"] == 2 and r["partial"]["micro"]["spurious"] == 0
    nv = nerv([(gold, pred)])["overall"]["partial"]
    assert (nv.partial, nv.spurious, nv.missed) == (1, 1, 1)
    # an earlier overlapping prediction can take the gold an exact prediction would match
    gold2, pred2 = [(0, 5, 0)], [(0, 4, 0), (0, 5, 0)]
    assert ours([(gold2, pred2)])["strict"]["micro"]["correct"] == 1
    assert nerv([(gold2, pred2)])["overall"]["strict"].correct == 0


# -- properties ------------------------------------------------------------------------------
@cases(1200)
@given(st.lists(regional_doc(), min_size=1, max_size=3))
def test_equals_nervaluate_where_matching_is_unambiguous(docs):
    r = ours(docs)
    res = nerv(docs)
    for scheme in SCHEMES:
        nv_name = "ent_type" if scheme == "type" else scheme
        assert_same(r[scheme]["micro"], res["overall"][nv_name], scheme)
        assert set(r[scheme]["labels"]) == set(res["entities"])
        for lab, blk in r[scheme]["labels"].items():
            assert_same(blk, res["entities"][lab][nv_name], f"{scheme}/{lab}")


@cases(600)
@given(st.lists(general_doc(), min_size=1, max_size=3))
def test_never_below_nervaluate_greedy(docs):
    r = ours(docs)
    res = nerv([(g, dedupe(p)) for g, p in docs])
    for scheme in SCHEMES:
        nv = res["overall"]["ent_type" if scheme == "type" else scheme]
        m = r[scheme]["micro"]
        assert m["correct"] + 0.5 * m["partial"] >= nv.correct + 0.5 * nv.partial - 1e-9
        assert m["f1"] >= nv.f1 - 1e-9


@cases(800)
@given(st.lists(general_doc(), min_size=1, max_size=3))
def test_equals_brute_force_optimal_matching(docs):
    r = ours(docs)
    for scheme in SCHEMES:
        cor = oth = 0
        per = {k: [0, 0] for k in range(3)}
        for gold, pred in docs:
            gold, pred = dedupe(gold), dedupe(pred)
            c, o = oracle_doc(gold, pred, scheme)
            cor, oth = cor + c, oth + o
            for k in range(3):
                c, o = oracle_doc([x for x in gold if x[2] == k], [x for x in pred if x[2] == k], scheme)
                per[k][0] += c
                per[k][1] += o
        m = r[scheme]["micro"]
        assert m["correct"] == cor, scheme
        if scheme == "partial":
            assert m["partial"] == oth
        elif scheme in ("strict", "exact"):
            assert m["incorrect"] == oth
        else:  # type: the incorrect count after a maximum correct matching is only a diagnostic
            assert m["incorrect"] <= oth
        for k, (c, o) in per.items():
            if LABELS[k] in r[scheme]["labels"]:
                blk = r[scheme]["labels"][LABELS[k]]
                assert blk["correct"] == c
                assert blk["incorrect"] + blk["partial"] == (0 if scheme == "type" else o)


@cases(300)
@given(st.lists(general_doc(), min_size=1, max_size=3), st.randoms(use_true_random=False))
def test_order_of_mentions_and_duplicates_do_not_matter(docs, rnd):
    shuffled = []
    for g, p in docs:
        g2, p2 = list(g), list(p) + list(p[:2])  # duplicates collapse
        rnd.shuffle(g2)
        rnd.shuffle(p2)
        shuffled.append((g2, p2))
    assert ours(docs) == ours(shuffled)


@cases(200)
@given(st.lists(st.lists(span_st, max_size=8, unique=True), min_size=1, max_size=3))
def test_perfect_and_empty(golds):
    perfect = ours([(g, g) for g in golds])
    empty = ours([(g, []) for g in golds])
    n = sum(len(g) for g in golds)
    for scheme in SCHEMES:
        assert perfect[scheme]["micro"]["f1"] == (1.0 if n else 0.0)
        e = empty[scheme]["micro"]
        assert e["recall"] == 0.0 and e["precision"] == 0.0 and e["f1"] == 0.0
        assert e["missed"] == n and not np.isnan(e["f1"])


# -- seqeval (strict IOB2) --------------------------------------------------------------------------
@st.composite
def bio_sentence(draw):
    n = draw(st.integers(1, 14))

    def layer():
        spans, pos = [], 0
        while pos < n:
            pos += draw(st.integers(0, 3))
            if pos >= n:
                break
            ln = draw(st.integers(1, min(4, n - pos)))
            if draw(st.booleans()):
                spans.append((pos, pos + ln, draw(st.integers(0, 2))))
            pos += ln
        return spans

    gold = layer()
    pred = draw(st.one_of(st.just(list(gold)), st.builds(list, st.just(layer()))))
    if pred and draw(st.booleans()):  # perturb one predicted chunk
        k = draw(st.integers(0, len(pred) - 1))
        s, e, lab = pred[k]
        pred[k] = (s, e, (lab + 1) % 3) if draw(st.booleans()) else (s, max(s + 1, e - 1), lab)
    return n, gold, pred


@cases(1200)
@given(st.lists(bio_sentence(), min_size=1, max_size=4))
def test_strict_equals_seqeval_strict_iob2(sents):
    from seqeval.metrics import classification_report, f1_score, precision_score, recall_score
    from seqeval.scheme import IOB2

    y_true = [spans_to_bio([(s, e, LABELS[k]) for s, e, k in g], n) for n, g, _ in sents]
    y_pred = [spans_to_bio([(s, e, LABELS[k]) for s, e, k in p], n) for n, _, p in sents]
    r = ours([(g, p) for _, g, p in sents])["strict"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kw = dict(mode="strict", scheme=IOB2, zero_division=0)
        assert r["micro"]["precision"] == pytest.approx(precision_score(y_true, y_pred, **kw))
        assert r["micro"]["recall"] == pytest.approx(recall_score(y_true, y_pred, **kw))
        assert r["micro"]["f1"] == pytest.approx(f1_score(y_true, y_pred, **kw))
        rep = classification_report(y_true, y_pred, output_dict=True, **kw)
    labels = {k for k in rep if k not in ("micro avg", "macro avg", "weighted avg")}
    assert labels == set(r["labels"])
    for lab in labels:
        for ours_k, sq_k in (("precision", "precision"), ("recall", "recall"), ("f1", "f1-score")):
            assert r["labels"][lab][ours_k] == pytest.approx(rep[lab][sq_k])
        assert r["labels"][lab]["possible"] == rep[lab]["support"]
    if labels:
        macro = np.mean([r["labels"][lab]["f1"] for lab in labels])
        assert macro == pytest.approx(rep["macro avg"]["f1-score"])


@cases(1000)
@given(st.lists(st.sampled_from(["O", "B-A", "I-A", "B-B", "I-B"]), max_size=12))
def test_bio_decoding_equals_seqeval(tags):
    from seqeval.scheme import IOB2, Entities

    expect = [(e.start, e.end, e.tag) for e in Entities([tags], IOB2).entities[0]]
    assert bio_to_spans(tags) == expect
    assert representable(expect)
    assert bio_to_spans(spans_to_bio(expect, len(tags))) == expect


def test_bio_refuses_nested_spans():
    assert not representable([(0, 5, "A"), (1, 3, "B")])
    with pytest.raises(ValueError):
        spans_to_bio([(0, 5, "A"), (1, 3, "B")], 6)
