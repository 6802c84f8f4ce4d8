"""Coreference metrics against the CoNLL reference scorer's documented test cases (TestCases.README of
conll/reference-coreference-scorers, v8.01), and the corpus-wide vectorised version against them."""

from __future__ import annotations

from fractions import Fraction as Fr

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictnews.eval.coref import b_cubed, ceafe, conll, coref_counts, muc


def C(*clusters: str) -> list[list[str]]:
    """{a} {bc} -> [['a'], ['b', 'c']]; 'B' (upper case) stands for a duplicate of 'b'."""
    return [[m.lower() for m in c] for c in clusters]


KEY_A = C("a", "bc", "def")
# (response, MUC (R, P), B3 (R, P), CEAF-e (R, P) or None) - expected values from the test case README
CASES = {
    "A1": (C("a", "bc", "def"), (1, 1), (1, 1), (1, 1)),
    "A2": (C("a", "de"), (Fr(1, 3), 1), (Fr(7, 18), 1), (Fr(18, 30), Fr(18, 20))),
    "A3": (C("a", "bcx", "defy", "z"), (1, Fr(3, 5)), (1, Fr(55, 108)),
           ((1 + Fr(4, 5) + Fr(6, 7)) / 3, (1 + Fr(4, 5) + Fr(6, 7)) / 4)),
    "A4": (C("a", "bcx", "dy", "z"), (Fr(1, 3), Fr(1, 3)), (Fr(5, 9), Fr(17, 42)),
           ((1 + Fr(4, 5) + Fr(2, 5)) / 3, (1 + Fr(4, 5) + Fr(2, 5)) / 4)),
    # A7/A8/A9: a duplicated mention (B) is de-duplicated, keeping its first occurrence
    "A7": (C("a", "bcxB", "dy", "z"), (Fr(1, 3), Fr(1, 3)), (Fr(5, 9), Fr(17, 42)),
           ((1 + Fr(4, 5) + Fr(2, 5)) / 3, (1 + Fr(4, 5) + Fr(2, 5)) / 4)),
    "A8": (C("a", "bcx", "dy", "Bz"), (Fr(1, 3), Fr(1, 3)), (Fr(5, 9), Fr(17, 42)),
           ((1 + Fr(4, 5) + Fr(2, 5)) / 3, (1 + Fr(4, 5) + Fr(2, 5)) / 4)),
    "A9": (C("a", "bcx", "dy", "BBBBBBBBBBz"), (Fr(1, 3), Fr(1, 3)), (Fr(5, 9), Fr(17, 42)),
           ((1 + Fr(4, 5) + Fr(2, 5)) / 3, (1 + Fr(4, 5) + Fr(2, 5)) / 4)),
    "A10": (C("a", "b", "c", "d", "e", "f"), (0, 0), (Fr(3, 6), 1), None),
    "A11": (C("abcdef"), (1, Fr(3, 5)), (1, Fr(7, 18)), None),
    "A12": (C("a", "x", "y", "c", "d", "e", "z"), (0, 0), (Fr(13, 36), Fr(4, 7)), None),
    "A13": (C("axycdez"), (Fr(1, 3), Fr(1, 6)), (Fr(17, 36), Fr(6, 49)), None),
}
# examples from the MUC and B-cubed papers, as tabulated in the same README
PAPER = {
    "D1": (C("12345", "67", "89abc"), C("12345", "6789abc"), (1, Fr(9, 10)), (1, Fr(16, 21))),
    "E1": (C("12345", "67", "89abc"), C("1234589abc", "67"), (1, Fr(9, 10)), (1, Fr(7, 12))),
    "F1": (C("abcd"), C("ab", "cd"), (Fr(2, 3), 1), None),
    "G1": (C("ab", "cd"), C("abcd"), (1, Fr(2, 3)), None),
    "H1": (C("abcd"), C("abcd"), (1, 1), None),
    "J1": (C("abc"), C("ac"), (Fr(1, 2), 1), None),
    "K1": (C("bcdeghj"), C("abc", "def", "ghi"), (Fr(3, 6), Fr(3, 6)), None),
    "L1": (C("abc", "defg"), C("ab", "cd", "fgh"), (Fr(2, 5), Fr(2, 4)), None),
    "M1": (C("abcdef"), C("abcdef"), (1, 1), (1, 1)),
    "M2": (C("abcdef"), C("a", "b", "c", "d", "e", "f"), (0, 0), None),
    "N1": (C("a", "b", "c", "d", "e", "f"), C("a", "b", "c", "d", "e", "f"), (0, 0), (1, 1)),
}


def rp(c):
    return pytest.approx((float(c.recall), float(c.precision)))


@pytest.mark.parametrize("case", sorted(CASES))
def test_reference_scorer_cases_a(case):
    response, m, b, ce = CASES[case]
    assert (muc(KEY_A, response).recall, muc(KEY_A, response).precision) == pytest.approx(tuple(map(float, m)))
    assert (b_cubed(KEY_A, response).recall, b_cubed(KEY_A, response).precision) == pytest.approx(tuple(map(float, b)))
    if ce is not None:
        c = ceafe(KEY_A, response)
        assert (c.recall, c.precision) == pytest.approx(tuple(map(float, ce)))


@pytest.mark.parametrize("case", sorted(PAPER))
def test_reference_scorer_cases_papers(case):
    key, response, m, b = PAPER[case]
    assert (muc(key, response).recall, muc(key, response).precision) == pytest.approx(tuple(map(float, m)))
    if b is not None:
        assert (b_cubed(key, response).recall, b_cubed(key, response).precision) == pytest.approx(tuple(map(float, b)))


def test_f_values_and_conll_average():
    # TC-A-2: BCUB F = 14/25 (.5599), MUC F = 0.5, CEAF-e F = 0.72
    resp = CASES["A2"][0]
    assert b_cubed(KEY_A, resp).f1 == pytest.approx(14 / 25)
    assert muc(KEY_A, resp).f1 == pytest.approx(0.5)
    assert ceafe(KEY_A, resp).f1 == pytest.approx(0.72)
    assert conll(KEY_A, resp) == pytest.approx((0.5 + 14 / 25 + 0.72) / 3)
    assert conll(KEY_A, KEY_A) == 1.0
    # nothing divides by zero: empty response, empty key, all singletons (MUC 0/0)
    for k, r in ((KEY_A, []), ([], KEY_A), (C("a", "b"), C("a", "b"))):
        for metric in (muc, b_cubed, ceafe):
            c = metric(k, r)
            assert np.isfinite([c.recall, c.precision, c.f1]).all()


# -- the vectorised corpus version equals the reference definitions --------------------------------
def vectorised(docs):
    """docs: list of (key clusters, response clusters) with integer mentions; returns summed counts."""
    rows_k, rows_r = [], []
    for d, (key, resp) in enumerate(docs):
        rows_k += [(d, m, m + 1, c) for c, cl in enumerate(key) for m in cl]
        rows_r += [(d, m, m + 1, c) for c, cl in enumerate(resp) for m in cl]
    cols = lambda rows, k: [r[k] for r in rows]  # noqa: E731
    out = coref_counts(*(cols(rows_k, k) for k in range(4)), *(cols(rows_r, k) for k in range(4)), len(docs))
    return {name: tuple(float(np.sum(a)) for a in q) for name, q in (("muc", out.muc), ("b3", out.b3), ("ceafe", out.ceafe))}


def reference(docs):
    tot = {"muc": np.zeros(4), "b3": np.zeros(4), "ceafe": np.zeros(4)}
    for key, resp in docs:
        for name, fn in (("muc", muc), ("b3", b_cubed), ("ceafe", ceafe)):
            c = fn(key, resp)
            tot[name] += (c.r_num, c.r_den, c.p_num, c.p_den)
    return {k: tuple(v) for k, v in tot.items()}


@st.composite
def partition(draw, mentions):
    labels = draw(st.lists(st.integers(0, 4), min_size=len(mentions), max_size=len(mentions)))
    groups: dict[int, list[int]] = {}
    for m, lab in zip(mentions, labels):
        groups.setdefault(lab, []).append(m)
    return list(groups.values())


@st.composite
def doc_case(draw):
    key_m = draw(st.lists(st.integers(0, 14), max_size=9, unique=True))
    rsp_m = draw(st.lists(st.integers(0, 14), max_size=9, unique=True))
    return draw(partition(key_m)), draw(partition(rsp_m))


@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(doc_case(), min_size=1, max_size=4))
def test_vectorised_equals_reference_definitions(docs):
    v, r = vectorised(docs), reference(docs)
    for name in v:
        assert v[name] == pytest.approx(r[name]), name


def test_vectorised_on_reference_cases_and_singleton_response_rows():
    docs = [(KEY_A, resp) for resp, *_ in CASES.values()]
    docs = [([[ord(m) for m in c] for c in k], [[ord(m) for m in c] for c in r]) for k, r in docs]
    v, r = vectorised(docs), reference(docs)
    for name in v:
        assert v[name] == pytest.approx(r[name]), name
    # a response row with cluster < 0 is a singleton
    out = coref_counts([0, 0], [1, 2], [2, 3], [7, 7], [0, 0], [1, 2], [2, 3], [-1, -1], 1)
    assert float(out.muc[0][0]) == 0 and float(out.b3[0][0]) == pytest.approx(1.0)  # recall num: 1/2 + 1/2
