"""Benchmark of the ConflictNews scorer (issue 4, point 7). Not a unit test.

    . .venv/bin/activate && python benchmarks/bench_scorer.py            # the full run (~2-4 min)
    python benchmarks/bench_scorer.py --docs 20000 --subset 1000 --runs 3  # quicker

What it measures, on synthetic documents built directly as columnar arrays (30 gold entity
mentions with some nesting, 8 events with 2-3 arguments each, entity and event clusters, counts;
predictions derived from gold with dropped, shifted, retyped and spurious items):

1. the entity job alone (all four SemEval schemes, overall and per type) on all documents;
2. the full scorer (entities, triggers, arguments, coreference, event records) on all documents;
3. peak memory of the full scorer (tracemalloc, which sees NumPy buffers, and ru_maxrss);
4. nervaluate 1.2.1 on the same entity job for a subset of documents (it is too slow for all of
   them), our entity job on that same subset, and nervaluate's time extrapolated linearly;
5. 1,000 bootstrap resamples over a test-split-sized corpus (synthetic and the shipped corpus).

Every time is the median of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import gc
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conflictnews.eval.scorer import score_tables  # noqa: E402
from conflictnews.eval.spans import Spans, entity_counts  # noqa: E402
from conflictnews.eval.tables import NONE, Labels, Tables  # noqa: E402
from conflictnews.schema import load_schema  # noqa: E402

LABELS = Labels.from_schema(load_schema("1.0.0"))
N_ENT, N_TOP, N_EV = 30, 26, 8


def synthetic(n_docs: int, seed: int = 0) -> tuple[Tables, Tables]:
    """Gold and predicted Tables for ``n_docs`` synthetic documents (vectorised, a few seconds)."""
    rng = np.random.default_rng(seed)
    Le, Lv, Lr = len(LABELS.entity), len(LABELS.event), len(LABELS.role)
    time_code = LABELS.entity.index("TIME")
    # gold entities: 26 top-level spans in 20-character slots, 4 nested inside random top-level ones
    doc = np.repeat(np.arange(n_docs), N_ENT)
    top_start = 20 * np.arange(N_TOP)[None, :] + rng.integers(0, 5, (n_docs, N_TOP))
    top_len = rng.integers(3, 14, (n_docs, N_TOP))
    host = rng.choice(N_TOP, size=(n_docs, N_ENT - N_TOP), replace=True)
    rows = np.arange(n_docs)[:, None]
    nest_start = top_start[rows, host]
    nest_len = np.maximum(1, top_len[rows, host] - rng.integers(1, 3, host.shape))
    start = np.concatenate([top_start, nest_start], 1).reshape(-1)
    length = np.concatenate([top_len, nest_len], 1).reshape(-1)
    end = start + length
    label = rng.integers(0, Le, len(doc))
    cluster = rng.integers(0, 12, len(doc))
    text = rng.integers(0, 5000, len(doc))
    value = np.where(label == time_code, rng.integers(0, 300, len(doc)), NONE)
    # duplicates of the same (start, end) among nested spans are possible but rare; keep them unique
    key = (doc.astype(np.int64) << 20) + (start << 8) + length
    _, first = np.unique(key, return_index=True)
    keep = np.zeros(len(doc), bool)
    keep[first] = True
    g_ent = dict(doc=doc[keep], start=start[keep], end=end[keep], label=label[keep], cluster=cluster[keep],
                 text=text[keep], value=value[keep])
    n_g = int(keep.sum())
    # predicted entities: 80% exact, 5% retyped, 8% boundary shifted, 7% dropped, +5% spurious
    u = rng.random(n_g)
    p_keep = u >= 0.07
    p_start = g_ent["start"].copy()
    p_end = g_ent["end"].copy()
    shift = (u >= 0.07) & (u < 0.15)
    p_start[shift] += rng.integers(0, 2, int(shift.sum()))
    p_end[shift] = np.maximum(p_start[shift] + 1, p_end[shift] + rng.integers(-1, 2, int(shift.sum())))
    p_label = np.where((u >= 0.15) & (u < 0.20), (g_ent["label"] + 1) % Le, g_ent["label"])
    p_cluster = np.where(rng.random(n_g) < 0.85, g_ent["cluster"], rng.integers(0, 12, n_g))
    n_sp = n_g // 20
    sp_doc = rng.integers(0, n_docs, n_sp)
    sp_start = rng.integers(0, 20 * N_TOP, n_sp)
    p_ent = dict(doc=np.concatenate([g_ent["doc"][p_keep], sp_doc]),
                 start=np.concatenate([p_start[p_keep], sp_start]),
                 end=np.concatenate([p_end[p_keep], sp_start + rng.integers(1, 10, n_sp)]),
                 label=np.concatenate([p_label[p_keep], rng.integers(0, Le, n_sp)]),
                 cluster=np.concatenate([p_cluster[p_keep], rng.integers(0, 12, n_sp)]),
                 text=np.concatenate([g_ent["text"][p_keep], rng.integers(0, 5000, n_sp)]),
                 value=np.concatenate([g_ent["value"][p_keep], np.full(n_sp, NONE)]))
    # gold events: 8 per document, triggers after the entity region; 2-3 arguments each
    ev_doc = np.repeat(np.arange(n_docs), N_EV)
    ev_start = 600 + 12 * np.tile(np.arange(N_EV), n_docs) + rng.integers(0, 4, len(ev_doc))
    ev_end = ev_start + rng.integers(3, 8, len(ev_doc))
    ev_label = rng.integers(0, Lv, len(ev_doc))
    ev_cluster = rng.integers(0, 5, len(ev_doc))
    ev_count = np.where(rng.random(len(ev_doc)) < 0.3, rng.integers(1, 500, len(ev_doc)), NONE)
    n_args = rng.integers(2, 4, len(ev_doc))
    arg_event = np.repeat(np.arange(len(ev_doc)), n_args)
    # argument fillers: entities of the event's document (gold rows are grouped by document)
    g_first = np.searchsorted(g_ent["doc"], np.arange(n_docs))
    g_count = np.bincount(g_ent["doc"], minlength=n_docs)
    a_doc = ev_doc[arg_event]
    arg_entity = g_first[a_doc] + (rng.random(len(arg_event)) * g_count[a_doc]).astype(np.int64)
    arg_role = rng.integers(0, Lr, len(arg_event))
    gold = Tables(n_docs, ent_doc=g_ent["doc"], ent_start=g_ent["start"], ent_end=g_ent["end"],
                  ent_label=g_ent["label"], ent_cluster=g_ent["cluster"], ent_text=g_ent["text"],
                  ent_value=g_ent["value"], ev_doc=ev_doc, ev_start=ev_start, ev_end=ev_end, ev_label=ev_label,
                  ev_cluster=ev_cluster, ev_count=ev_count, arg_event=arg_event, arg_role=arg_role,
                  arg_entity=arg_entity, has_entity_clusters=True)
    # predicted events: 10% dropped, 5% retyped, 5% trigger shifted; arguments 10% dropped, 5% role changed
    v = rng.random(len(ev_doc))
    keep_ev = v >= 0.10
    pv_label = np.where((v >= 0.10) & (v < 0.15), (ev_label + 1) % Lv, ev_label)
    pv_start = np.where((v >= 0.15) & (v < 0.20), ev_start + 1, ev_start)
    new_index = np.cumsum(keep_ev) - 1
    w = rng.random(len(arg_event))
    keep_arg = keep_ev[arg_event] & (w >= 0.10)
    pa_role = np.where(w < 0.15, (arg_role + 1) % Lr, arg_role)[keep_arg]
    # map gold entity rows to predicted rows (dropped fillers fall back to the document's first prediction)
    p_row = np.full(n_g, -1)
    p_row[np.flatnonzero(p_keep)] = np.arange(int(p_keep.sum()))
    p_first = np.searchsorted(p_ent["doc"][: int(p_keep.sum())], np.arange(n_docs))
    pa_entity = p_row[arg_entity[keep_arg]]
    miss = pa_entity < 0
    pa_entity[miss] = np.minimum(p_first[a_doc[keep_arg][miss]], int(p_keep.sum()) - 1)
    pred = Tables(n_docs, ent_doc=p_ent["doc"], ent_start=p_ent["start"], ent_end=p_ent["end"],
                  ent_label=p_ent["label"], ent_cluster=p_ent["cluster"], ent_text=p_ent["text"],
                  ent_value=p_ent["value"], ev_doc=ev_doc[keep_ev], ev_start=pv_start[keep_ev],
                  ev_end=ev_end[keep_ev], ev_label=pv_label[keep_ev],
                  ev_cluster=np.where(rng.random(len(ev_doc)) < 0.8, ev_cluster, NONE)[keep_ev],
                  ev_count=ev_count[keep_ev], arg_event=new_index[arg_event[keep_arg]], arg_role=pa_role,
                  arg_entity=pa_entity, has_entity_clusters=True)
    return gold, pred


def subset(t: Tables, n: int) -> Tables:
    """The first ``n`` documents of ``t``."""
    e, v = t.ent_doc < n, t.ev_doc < n
    a = v[t.arg_event]
    ev_new = np.cumsum(v) - 1
    ent_new = np.cumsum(e) - 1
    return Tables(n, ent_doc=t.ent_doc[e], ent_start=t.ent_start[e], ent_end=t.ent_end[e], ent_label=t.ent_label[e],
                  ent_cluster=t.ent_cluster[e], ent_text=t.ent_text[e], ent_value=t.ent_value[e], ev_doc=t.ev_doc[v],
                  ev_start=t.ev_start[v], ev_end=t.ev_end[v], ev_label=t.ev_label[v], ev_cluster=t.ev_cluster[v],
                  ev_count=t.ev_count[v], arg_event=ev_new[t.arg_event[a]], arg_role=t.arg_role[a],
                  arg_entity=ent_new[t.arg_entity[a]], has_entity_clusters=True)


def spans(t: Tables) -> Spans:
    return Spans.of(t.ent_doc, t.ent_start, t.ent_end, t.ent_label)


def _proc_status(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(fn, runs: int) -> tuple[float, list[float], object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, out


def nervaluate_input(t: Tables, n: int):
    docs_e = [[] for _ in range(n)]
    for d, s, e, lab in zip(t.ent_doc.tolist(), t.ent_start.tolist(), t.ent_end.tolist(), t.ent_label.tolist()):
        if d < n:
            docs_e[d].append({"label": LABELS.entity[lab], "start": s, "end": e - 1})
    return docs_e


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--subset", type=int, default=2_000, help="documents for the nervaluate comparison")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--test-docs", type=int, default=100, help="size of the synthetic test split for the bootstrap")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_child:  # resident memory before scoring and its peak during scoring, in MiB
        g, p = synthetic(args.docs, args.seed)
        gc.collect()
        try:  # reset the peak RSS (VmHWM) so that the generator's temporaries do not count
            Path("/proc/self/clear_refs").write_text("5")
            reset = True
        except OSError:
            reset = False
        before = _proc_status("VmRSS:")
        score_tables(g, p, LABELS)
        peak = _proc_status("VmHWM:") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(before, peak, int(reset))
        return

    import nervaluate

    print(f"python {platform.python_version()}, numpy {np.__version__}, nervaluate {nervaluate.__version__ if hasattr(nervaluate, '__version__') else '1.2.1'}, "
          f"{platform.machine()}, {__import__('os').cpu_count()} CPU(s)")
    t0 = time.perf_counter()
    gold, pred = synthetic(args.docs, args.seed)
    print(f"synthetic corpus: {args.docs:,} documents, {gold.n_entities:,} gold / {pred.n_entities:,} predicted entity "
          f"mentions, {gold.n_events:,} / {pred.n_events:,} events, {len(gold.arg_event):,} / {len(pred.arg_event):,} "
          f"arguments (built in {time.perf_counter() - t0:.1f} s)")

    n, L = args.docs, len(LABELS.entity)
    med_ent, all_ent, _ = timed(lambda: entity_counts(spans(gold), spans(pred), n, L), args.runs)
    print(f"[1] entity job (4 schemes, overall + per type), {n:,} docs: median {med_ent:.2f} s "
          f"(runs: {', '.join(f'{x:.2f}' for x in all_ent)}) = {n / med_ent:,.0f} docs/s")
    med_full, all_full, scores = timed(lambda: score_tables(gold, pred, LABELS), args.runs)
    f = scores.figures()
    print(f"[2] full scorer (entities, triggers, arguments, coreference, records), {n:,} docs: median {med_full:.2f} s "
          f"(runs: {', '.join(f'{x:.2f}' for x in all_full)}); matrix {scores.matrix.shape}, "
          f"strict F1 {f[('entities.strict', 'micro', 'f1')]:.4f}, Arg-C F1 {f[('arguments.classification', 'micro', 'f1')]:.4f}, "
          f"CoNLL {f[('coreference.conll', '', 'f1')]:.4f}, records {f[('records.all', 'micro', 'f1')]:.4f}")
    del scores
    tracemalloc.start()
    s = score_tables(gold, pred, LABELS)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del s
    child = subprocess.run([sys.executable, __file__, "--memory-child", "--docs", str(n), "--seed", str(args.seed)],
                           capture_output=True, text=True, check=True).stdout.split()
    rss_in, rss_out, reset = float(child[0]), float(child[1]), child[2] == "1"
    print(f"[3] peak memory of one full scoring run: {peak / 2**20:,.0f} MiB allocated by the scorer (tracemalloc, "
          f"NumPy buffers included); in a fresh process holding the {n:,}-document inputs: RSS {rss_in:,.0f} MiB "
          f"before scoring, peak RSS {rss_out:,.0f} MiB while scoring ("
          f"{'VmHWM reset after building the inputs' if reset else 'ru_maxrss, includes building the inputs'}; "
          f"interpreter, libraries and inputs included)")

    from nervaluate import Evaluator

    m = min(args.subset, n)
    true_m, pred_m = nervaluate_input(gold, m), nervaluate_input(pred, m)
    tags = list(LABELS.entity)
    med_nv, all_nv, res = timed(lambda: Evaluator(true_m, pred_m, tags=tags, loader="dict").evaluate(), args.runs)
    gs, ps = subset(gold, m), subset(pred, m)
    med_sub, all_sub, ec = timed(lambda: entity_counts(spans(gs), spans(ps), m, L), max(args.runs, 5))
    nv_strict = res["overall"]["strict"].f1
    ours_strict = 2 * ec.schemes["strict"].correct.sum() / (ec.n_pred.sum() + ec.n_gold.sum())
    extrap = med_nv * n / m
    print(f"[4] nervaluate 1.2.1 on the same entity job, first {m:,} docs: median {med_nv:.2f} s "
          f"(runs: {', '.join(f'{x:.2f}' for x in all_nv)}); ours on the same {m:,} docs: median {med_sub:.3f} s "
          f"-> same-size throughput ratio {med_nv / med_sub:,.0f}x. nervaluate extrapolated linearly to {n:,} docs: "
          f"{extrap:,.0f} s vs ours measured {med_ent:.2f} s -> {extrap / med_ent:,.0f}x. "
          f"(strict F1 on the subset: nervaluate {nv_strict:.4f}, ours {ours_strict:.4f}; they differ only where "
          f"greedy list-order matching loses pairs)")

    tg, tp = synthetic(args.test_docs, args.seed + 1)
    st = score_tables(tg, tp, LABELS)
    med_bs, all_bs, ci = timed(lambda: st.bootstrap(resamples=1000, seed=0), max(args.runs, 5))
    print(f"[5] 1,000 bootstrap resamples, synthetic test split of {args.test_docs} docs, all {len(ci.low):,} "
          f"figures with intervals ({st.matrix.shape[1]} count columns): median {med_bs:.3f} s "
          f"(runs: {', '.join(f'{x:.3f}' for x in all_bs)})")
    try:
        from conflictnews.eval.scorer import score_documents

        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        from conftest_eval import valid_corpus_documents

        docs = valid_corpus_documents()
        sc = score_documents(docs, {d.id: d for d in docs})
        med_c, all_c, _ = timed(lambda: sc.bootstrap(resamples=1000, seed=0), max(args.runs, 5))
        print(f"    the same on the shipped corpus ({len(docs)} valid gold documents, all splits, gold vs gold): "
              f"median {med_c:.3f} s (runs: {', '.join(f'{x:.3f}' for x in all_c)})")
    except Exception as exc:  # the corpus is optional for the benchmark
        print(f"    shipped corpus skipped: {exc}")


if __name__ == "__main__":
    main()
