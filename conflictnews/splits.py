"""Train/dev/test splits: grouped by real-world event, stratified by region and event family, frozen.

* Every document carries ``meta.event_key`` (the real-world event it reports). All documents with
  one key go to one split, so no event is seen in training and tested on.
* Groups are stratified by (region, main event family) and dealt, in a seeded order, to the split
  furthest below its target share overall and in that stratum, so the assignment is reproducible.
* The assignment is written once per corpus version into ``corpus/splits/<split>.txt`` and each
  document's ``meta.split``; ``corpus/splits/version.yaml`` records the corpus version and the
  sha256 of the test list, so the test list changes only together with a version bump.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from conflictnews.document import Document

SPLITS = ("train", "dev", "test")
TARGETS = {"train": 0.55, "dev": 0.15, "test": 0.30}


def main_family(doc: Document) -> str:
    """The event family (``Attack``, ``Harm``, ...) with most mentions; ties broken by name."""
    c = Counter(v.type.split(".")[0] for v in doc.events)
    return min(c, key=lambda f: (-c[f], f)) if c else "none"


def stratum(doc: Document) -> tuple[str, str]:
    region = ((doc.meta or {}).get("reported_event") or {}).get("region", "unknown")
    return (region, main_family(doc))


def _order(key: str, seed: int) -> str:
    return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()


def assign_splits(docs: Iterable[Document], *, seed: int = 2026, pinned: dict[str, str] | None = None,
                  targets: dict[str, float] = TARGETS) -> dict[str, str]:
    """doc id -> split. ``pinned`` fixes some documents (and so their event groups)."""
    pinned = pinned or {}
    groups: dict[str, list[Document]] = defaultdict(list)
    for d in docs:
        groups[(d.meta or {}).get("event_key") or d.id].append(d)
    out: dict[str, str] = {}
    per_stratum: dict[tuple[str, str], Counter] = defaultdict(Counter)
    total: Counter = Counter()
    free = []
    for key, members in groups.items():
        fixed = {pinned[d.id] for d in members if d.id in pinned}
        if len(fixed) > 1:
            raise ValueError(f"event {key!r}: its documents are pinned to different splits {sorted(fixed)}")
        if fixed:
            split = fixed.pop()
            for d in members:
                out[d.id] = split
                per_stratum[stratum(d)][split] += 1
                total[split] += 1
        else:
            free.append(key)
    # Deal the free groups stratum by stratum, largest strata first, in a seeded order.
    by_stratum: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key in free:
        by_stratum[stratum(groups[key][0])].append(key)
    for st in sorted(by_stratum, key=lambda s: (-len(by_stratum[s]), s)):
        for key in sorted(by_stratum[st], key=lambda k: _order(k, seed)):
            members = groups[key]
            n_st = sum(per_stratum[st].values()) + len(members)
            n_all = sum(total.values()) + len(members)

            def deficit(split: str) -> tuple[float, str]:
                # Below target overall and within the stratum, relative to the target share; the
                # overall term keeps small strata from all landing in the largest split.
                overall = (total[split] - targets[split] * n_all) / targets[split]
                local = (per_stratum[st][split] - targets[split] * n_st) / targets[split]
                return (overall + 0.5 * local, split)

            split = min(SPLITS, key=deficit)
            for d in members:
                out[d.id] = split
                per_stratum[st][split] += 1
                total[split] += 1
    return out


@dataclass(frozen=True)
class SplitProblem:
    message: str


def check_splits(docs: list[Document], splits_dir: Path) -> list[SplitProblem]:
    """Everything that breaks the split contract, empty when it holds."""
    problems: list[SplitProblem] = []
    by_key: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        by_key[(d.meta or {}).get("event_key") or d.id].add((d.meta or {}).get("split", "?"))
    for key, splits in sorted(by_key.items()):
        if len(splits) > 1:
            problems.append(SplitProblem(f"event {key!r} is reported in splits {sorted(splits)}: an event belongs to one split"))
    listed: dict[str, str] = {}
    for split in SPLITS:
        f = splits_dir / f"{split}.txt"
        if not f.is_file():
            problems.append(SplitProblem(f"{f} is missing: run `conflictnews splits assign --write`"))
            continue
        for line in f.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                if line in listed:
                    problems.append(SplitProblem(f"{line} is listed in {listed[line]}.txt and {split}.txt"))
                listed[line] = split
    for d in docs:
        meta_split = (d.meta or {}).get("split")
        if d.id not in listed:
            problems.append(SplitProblem(f"{d.id} (meta.split={meta_split}) is in no split list: assign it"))
        elif listed[d.id] != meta_split:
            problems.append(SplitProblem(f"{d.id}: meta.split={meta_split} but listed in {listed[d.id]}.txt"))
    ids = {d.id for d in docs}
    for i in sorted(set(listed) - ids):
        problems.append(SplitProblem(f"{i} is listed in {listed[i]}.txt but no such document exists"))
    version = splits_dir / "version.yaml"
    if version.is_file():
        v = yaml.safe_load(version.read_text(encoding="utf-8")) or {}
        test = splits_dir / "test.txt"
        if test.is_file() and v.get("test_sha256") != sha256_file(test):
            problems.append(SplitProblem(
                f"test.txt differs from the frozen list of corpus version {v.get('corpus_version')}: "
                "the test split changes only with a corpus version bump (`conflictnews splits assign --write --bump V`)"))
    else:
        problems.append(SplitProblem(f"{version} is missing"))
    return problems


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_split_lists(assignment: dict[str, str], splits_dir: Path, corpus_version: str) -> None:
    splits_dir.mkdir(parents=True, exist_ok=True)
    for split in SPLITS:
        ids = sorted(i for i, s in assignment.items() if s == split)
        (splits_dir / f"{split}.txt").write_text(
            f"# ConflictNews corpus {corpus_version}: {split} split ({len(ids)} documents)\n" + "\n".join(ids) + "\n",
            encoding="utf-8")
    (splits_dir / "version.yaml").write_text(yaml.safe_dump(
        {"corpus_version": corpus_version, "test_sha256": sha256_file(splits_dir / "test.txt")}, sort_keys=False),
        encoding="utf-8")
