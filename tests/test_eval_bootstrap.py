"""Bootstrap intervals, paired bootstrap and approximate randomisation over documents."""

from __future__ import annotations

import numpy as np
import pytest

from conflictnews.eval.bootstrap import bootstrap, compare, resample_weights, weighted_sums
from conflictnews.eval.counts import evaluate
from conflictnews.eval.scorer import score_tables
from conflictnews.eval.tables import Labels, Tables
from conflictnews.schema import load_schema

LABELS = Labels.from_schema(load_schema("1.0.0"))


def synthetic(n_docs: int, seed: int, quality: float, pred_seed: int | None = None):
    """Gold (from ``seed``) and a prediction of the given quality (share of items kept exactly;
    its noise drawn from ``pred_seed``, default ``seed``)."""
    rng = np.random.default_rng(seed)
    rows_g, evs_g = [], []
    for d in range(n_docs):
        pos = 0
        for _ in range(rng.integers(2, 12)):
            pos += int(rng.integers(1, 5))
            s, e, lab = pos, pos + int(rng.integers(1, 6)), int(rng.integers(0, 5))
            pos = e
            rows_g.append((d, s, e, lab, int(rng.integers(0, 4))))
        for _ in range(rng.integers(0, 4)):
            s = int(rng.integers(0, 60))
            evs_g.append((d, s, s + 3, int(rng.integers(0, 6))))
    rng = np.random.default_rng(seed if pred_seed is None else pred_seed)
    rows_p, evs_p = [], []
    for d, s, e, lab, cl in rows_g:
        u = rng.random()
        if u < quality:
            rows_p.append((d, s, e, lab, cl))
        elif u < quality + (1 - quality) / 2:
            rows_p.append((d, s, e + 1, (lab + 1) % 5, 0))
    evs_p = [v for v in evs_g if rng.random() < quality]

    def tab(rows, evs):
        c = lambda k, xs=rows: [r[k] for r in xs]  # noqa: E731
        return Tables(n_docs, ent_doc=c(0), ent_start=c(1), ent_end=c(2), ent_label=c(3), ent_cluster=c(4),
                      ev_doc=c(0, evs), ev_start=c(1, evs), ev_end=c(2, evs), ev_label=c(3, evs),
                      has_entity_clusters=True)

    return tab(rows_g, evs_g), tab(rows_p, evs_p)


def repeat_docs(t: Tables, idx) -> Tables:
    """A corpus made of documents ``idx`` (with repeats) of ``t``: the naive way to resample."""
    ent = np.concatenate([np.flatnonzero(t.ent_doc == d) for d in idx]) if len(idx) else np.zeros(0, int)
    new_doc_e = np.concatenate([np.full(int((t.ent_doc == d).sum()), k) for k, d in enumerate(idx)])
    ev = np.concatenate([np.flatnonzero(t.ev_doc == d) for d in idx])
    new_doc_v = np.concatenate([np.full(int((t.ev_doc == d).sum()), k) for k, d in enumerate(idx)])
    return Tables(len(idx), ent_doc=new_doc_e, ent_start=t.ent_start[ent], ent_end=t.ent_end[ent],
                  ent_label=t.ent_label[ent], ent_cluster=t.ent_cluster[ent], ev_doc=new_doc_v,
                  ev_start=t.ev_start[ev], ev_end=t.ev_end[ev], ev_label=t.ev_label[ev], has_entity_clusters=True)


def test_weighted_sum_equals_rescoring_the_resampled_corpus():
    g, p = synthetic(25, 1, 0.6)
    s = score_tables(g, p, LABELS, all_labels=True)
    rng = np.random.default_rng(7)
    W = resample_weights(25, 5, rng)
    fast = evaluate(s.layout, weighted_sums(W, s.matrix))
    for b in range(5):
        idx = np.repeat(np.arange(25), W[b].astype(int))
        slow = score_tables(repeat_docs(g, idx), repeat_docs(p, idx), LABELS, all_labels=True).figures()
        for key in (("entities.strict", "micro", "f1"), ("entities.partial", "micro", "f1"),
                    ("entities.type", "macro", "f1"), ("triggers.classification", "micro", "f1"),
                    ("coreference.conll", "", "f1"), ("coreference.ceafe", "", "precision")):
            assert fast[key][b] == pytest.approx(slow[key]), key


def test_intervals_are_seeded_ordered_and_cover_the_estimate():
    g, p = synthetic(60, 2, 0.7)
    s = score_tables(g, p, LABELS)
    a = s.bootstrap(resamples=1000, seed=3)
    b = s.bootstrap(resamples=1000, seed=3)
    c = s.bootstrap(resamples=1000, seed=4)
    key = ("entities.strict", "micro", "f1")
    assert a.get(key) == b.get(key) != c.get(key)
    point = s.figures()
    for k, lo in a.low.items():
        assert lo <= a.high[k] + 1e-12
    lo, hi = a.get(key)
    assert lo < point[key] < hi and hi - lo < 0.2
    # a perfect system has a degenerate interval at 1
    perfect = score_tables(g, g, LABELS).bootstrap(resamples=200)
    assert perfect.get(key) == (1.0, 1.0)


def test_paired_tests():
    g, p1 = synthetic(40, 5, 0.8)
    g2, p2 = synthetic(40, 5, 0.3)
    assert np.array_equal(g.ent_start, g2.ent_start)
    s1 = score_tables(g, p1, LABELS, all_labels=True)
    s2 = score_tables(g, p2, LABELS, all_labels=True)
    same = compare(s1.matrix, s1.matrix, s1.layout, resamples=300, trials=300)
    assert all(r.delta == 0 and r.p_bootstrap == 1.0 and r.p_randomisation == 1.0 for r in same)
    diff = {r.key: r for r in compare(s1.matrix, s2.matrix, s1.layout, resamples=1000, trials=2000, seed=1)}
    r = diff[("entities.strict", "micro", "f1")]
    assert r.delta > 0.2 and r.delta_low > 0
    assert r.p_bootstrap < 0.01 and r.p_randomisation < 0.01
    # swapping the systems flips the sign, not the p-values
    back = {x.key: x for x in compare(s2.matrix, s1.matrix, s1.layout, resamples=1000, trials=2000, seed=1)}
    assert back[r.key].delta == pytest.approx(-r.delta)
    assert back[r.key].p_randomisation == pytest.approx(r.p_randomisation)


def test_exchangeable_systems_are_rarely_significant():
    # pairs of systems of equal quality (independent noise on the same gold): at the 5% level the
    # tests should reject in about 5% of the pairs, not in most of them
    key = ("entities.strict", "micro", "f1")
    rejected_ar = rejected_boot = 0
    for k in range(20):
        g, p1 = synthetic(30, 11, 0.6, pred_seed=100 + k)
        _, p2 = synthetic(30, 11, 0.6, pred_seed=200 + k)
        s1 = score_tables(g, p1, LABELS, all_labels=True)
        s2 = score_tables(g, p2, LABELS, all_labels=True)
        (r,) = compare(s1.matrix, s2.matrix, s1.layout, resamples=300, trials=300, keys=[key], seed=k)
        rejected_ar += r.p_randomisation < 0.05
        rejected_boot += r.p_bootstrap < 0.05
    assert rejected_ar <= 4 and rejected_boot <= 4


def test_empty_corpus_and_zero_resamples_do_not_crash():
    empty = Tables(0)
    s = score_tables(empty, empty, LABELS)
    assert all(np.isfinite(v) for v in s.figures().values())
    b = bootstrap(s.matrix, s.layout, resamples=10)
    assert all(v == 0.0 for v in b.low.values())
