"""Benchmark: the full `conflictnews benchmark` run, with the transformer fine-tuned on CPU.

    python benchmarks/bench_baselines.py                 # rules, sklearn, transformer
    python benchmarks/bench_baselines.py --no-neural     # rules, sklearn only
    python benchmarks/bench_baselines.py --resplit       # corpus without a test split: use a copy
                                                         # where every 5th document is test, the next dev

Prints the leaderboard and the timings (training and prediction throughput); writes
runs/benchmark/leaderboard.{md,json,png}.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def resplit_copy() -> Path:
    from conflictnews.corpus import load_documents
    from conflictnews.document import dumps

    root = Path(tempfile.mkdtemp(prefix="cn-resplit-"))
    (root / "documents").mkdir()
    for i, d in enumerate(load_documents([ROOT / "corpus" / "documents"])):
        data = d.to_dict()
        data["meta"] = dict(data["meta"], split="test" if i % 5 == 0 else "dev" if i % 5 == 1 else "train")
        (root / "documents" / f"{d.id}.json").write_text(dumps(data), encoding="utf-8")
    if (ROOT / "corpus" / "agreement").is_dir():
        shutil.copytree(ROOT / "corpus" / "agreement", root / "agreement")
    return root


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-neural", action="store_true")
    ap.add_argument("--resplit", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "runs" / "benchmark"))
    ap.add_argument("--epochs", type=int, default=4)
    args = ap.parse_args()
    if args.resplit:
        os.environ["CONFLICTNEWS_CORPUS"] = str(resplit_copy())
    from conflictnews.baselines.benchmark import leaderboard_markdown, run_benchmark

    names = ["rules", "sklearn"] + ([] if args.no_neural else ["transformer"])
    t = time.perf_counter()
    res = run_benchmark(names, out_dir=args.out, options={"transformer": {"epochs": args.epochs}},
                        log=lambda s: print(s, file=sys.stderr))
    print(leaderboard_markdown(res))
    for s in res["systems"]:
        print(f"{s['name']}: train {s['train_seconds']:.1f} s ({s['train_docs_per_second']} docs/s), "
              f"predict {s['predict_seconds']:.2f} s ({s['predict_docs_per_second']} docs/s)")
    print(f"total {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
