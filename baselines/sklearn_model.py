"""The scikit-learn baseline: linear token classifiers with BIO-constrained Viterbi decoding for
entities (two nesting layers) and triggers, and a linear classifier over (trigger, entity) pairs
for argument roles. Hyper-parameters are chosen on dev, models are saved with skops, seeds are
fixed, so scores are bit-for-bit reproducible."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from conflictnews.document import Document
from conflictnews.schema import load_schema

from .base import Extractor, RawEvent, best_role, build_prediction
from .features import (Lexicon, Sentence, entity_layers, lexicon_tags, sentence_tags, sentences, token_features,
                       trigger_spans)
from .rules import count_of, pair_keys

SEED = 0
C_GRID = (0.03, 0.1, 0.3)


class Linear:
    """DictVectorizer + LinearSVC (kept apart: the vectoriser's int64 indices are cast to int32)."""

    def __init__(self, C: float, vec=None, clf=None):
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.svm import LinearSVC

        self.C = C
        self.vec = vec or DictVectorizer(sort=True)
        self.clf = clf or LinearSVC(C=C, random_state=SEED, max_iter=5000)

    def _X(self, X, fit: bool = False):
        M = self.vec.fit_transform(X) if fit else self.vec.transform(X)
        M.indices = M.indices.astype(np.int32)
        M.indptr = M.indptr.astype(np.int32)
        return M

    def fit(self, X, y) -> "Linear":
        self.clf.fit(self._X(X, True), y)
        return self

    def decision_function(self, X):
        return self.clf.decision_function(self._X(X))

    def predict(self, X):
        return self.clf.predict(self._X(X))

    @property
    def classes_(self):
        return self.clf.classes_

    def dump(self, path: Path) -> None:
        import zipfile

        import skops.io as sio

        sio.dump({"vectorizer": self.vec, "classifier": self.clf}, path, compression=zipfile.ZIP_DEFLATED)

    @classmethod
    def load(cls, path: Path, C: float) -> "Linear":
        import skops.io as sio

        untrusted = sio.get_untrusted_types(file=path)
        bad = [t for t in untrusted if not t.startswith(("sklearn.", "numpy.", "scipy.", "builtins."))]
        if bad:
            raise ValueError(f"{path}: refusing to load unexpected types {bad}")
        d = sio.load(path, trusted=untrusted)
        return cls(C, d["vectorizer"], d["classifier"])


def _linear(C: float) -> Linear:
    return Linear(C)


def viterbi_bio(scores: np.ndarray, labels: Sequence[str]) -> list[str]:
    """Best tag sequence under IOB2 constraints (I-X only after B-X or I-X) from per-token scores."""
    n, k = scores.shape
    allowed = np.ones((k, k), dtype=bool)  # prev -> cur
    start_ok = np.ones(k, dtype=bool)
    for j, lab in enumerate(labels):
        if lab.startswith("I-"):
            start_ok[j] = False
            for i, prev in enumerate(labels):
                allowed[i, j] = prev[2:] == lab[2:] and prev != "O"
    neg = -1e9
    dp = np.where(start_ok, scores[0], neg)
    back = np.zeros((n, k), dtype=np.int64)
    trans = np.where(allowed, 0.0, neg)
    for t in range(1, n):
        cand = dp[:, None] + trans
        back[t] = cand.argmax(0)
        dp = cand.max(0) + scores[t]
    best = [int(dp.argmax())]
    for t in range(n - 1, 0, -1):
        best.append(int(back[t, best[-1]]))
    return [labels[j] for j in reversed(best)]


class Tagger:
    """One BIO layer: features of each token (with lexicon hits and optional extra tag layers)."""

    def __init__(self, C: float = 0.1):
        self.C = C
        self.model = None

    def fit(self, X: list[dict], y: list[str]) -> "Tagger":
        self.model = _linear(self.C).fit(X, y)
        return self

    def decode(self, X: list[dict]) -> list[str]:
        if not X:
            return []
        scores = self.model.decision_function(X)
        labels = list(self.model.classes_)
        if scores.ndim == 1:  # two classes
            scores = np.stack([-scores, scores], 1)
        return viterbi_bio(scores, labels)


def _sent_feats(sent: Sentence, lexes: Sequence[Lexicon], extra: Sequence[Sequence[str]] = ()) -> list[dict]:
    lt = [lexicon_tags(sent.tokens, lx) for lx in lexes]
    return [token_features(sent.tokens, i, lt, extra) for i in range(len(sent.tokens))]


def pair_features(doc: Document, sent: Sentence, ents: Sequence[tuple[int, int, str]], trig: tuple[int, int, str]):
    """(entity index, features) for every entity in the trigger's sentence."""
    text = doc.text
    out = []
    tw = text[trig[0]:trig[1]].lower()
    fam = trig[2].split(".")[0]
    for k, (side, bucket, nearest) in pair_keys(sent, ents, trig):
        s, e, t = ents[k]
        lo, hi = (e, trig[0]) if side == "L" else (trig[1], s)
        between = [tok.text.lower() for tok in sent.tokens if tok.start >= lo and tok.end <= hi]
        n_between = sum(1 for (a, b, _) in ents if a >= lo and b <= hi)
        head = text[s:e].split()[-1].lower()
        f = {"ev=" + trig[2]: 1, "fam=" + fam: 1, "ent=" + t: 1, f"ev|ent={trig[2]}|{t}": 1,
             f"fam|ent={fam}|{t}": 1, f"side={side}": 1, f"ent|side={t}|{side}": 1,
             f"ev|ent|side={trig[2]}|{t}|{side}": 1, f"bucket={bucket}": 1, f"ent|side|b={t}|{side}|{bucket}": 1,
             f"nearest={nearest}": 1, f"ent|side|nearest={t}|{side}|{nearest}": 1,
             f"ev|ent|side|nearest={trig[2]}|{t}|{side}|{nearest}": 1,
             "tw=" + tw: 1, "head=" + head: 1, f"tw|ent={tw}|{t}": 1, f"nbetween={min(n_between, 4)}": 1}
        if len(between) <= 8:
            for w in between:
                f["btw=" + w] = 1
            if between:
                f["b0=" + between[0]] = 1
                f["b-1=" + between[-1]] = 1
        else:
            f["far"] = 1
        out.append((k, f))
    return out


def _entity_spans(d: Document) -> list[tuple[int, int, str]]:
    return [(e.start, e.end, e.type) for e in d.entities]


class Sklearn(Extractor):
    name = "sklearn"

    def __init__(self, C_entities: float | None = None, C_triggers: float | None = None, C_arguments: float | None = None,
                 grid: Sequence[float] = C_GRID, layers: int = 2):
        self.C = {"entities": C_entities, "triggers": C_triggers, "arguments": C_arguments}
        self.grid = tuple(grid)
        self.layers = layers
        self.ent_lex = Lexicon(max_len=6)
        self.trig_lex = Lexicon(max_len=3, lower=True)
        self.ent_taggers: list[Tagger] = []
        self.trig_tagger: Tagger | None = None
        self.arg_model = None
        self.tuning: dict[str, dict[str, float]] = {}
        self._fold_lex: dict[str, tuple[Lexicon, Lexicon]] = {}

    # -- data ---------------------------------------------------------------------------------
    def _lexicons(self, d: Document) -> tuple[Lexicon, Lexicon]:
        """Lexicons for features of a training document: learnt without that document's fold
        (jack-knifed), so that the model does not learn to trust a lexicon that is perfect on train."""
        return self._fold_lex.get(d.id, (self.ent_lex, self.trig_lex))

    def _fit_lexicons(self, train: Sequence[Document], folds: int = 4) -> None:
        self.ent_lex.fit(train, _entity_spans)
        self.trig_lex.fit(train, trigger_spans)
        self._fold_lex = {}
        if len(train) < 2 * folds:
            return
        for k in range(folds):
            rest = [d for i, d in enumerate(train) if i % folds != k]
            lx = (Lexicon(max_len=6).fit(rest, _entity_spans), Lexicon(max_len=3, lower=True).fit(rest, trigger_spans))
            for i, d in enumerate(train):
                if i % folds == k:
                    self._fold_lex[d.id] = lx

    def _entity_data(self, docs: Sequence[Document], layer: int):
        X, y = [], []
        for d in docs:
            layers = entity_layers(d, self.layers)
            lex = self._lexicons(d)[0]
            for sent in sentences(d):
                extra = [sentence_tags(sent, layers[m]) for m in range(layer)]
                X += _sent_feats(sent, [lex], extra)
                y += sentence_tags(sent, layers[layer])
        return X, y

    def _trigger_data(self, docs: Sequence[Document]):
        X, y = [], []
        for d in docs:
            trig = trigger_spans(d)
            lex = self._lexicons(d)[1]
            for sent in sentences(d):
                X += _sent_feats(sent, [lex])
                y += sentence_tags(sent, trig)
        return X, y

    def _arg_data(self, docs: Sequence[Document]):
        X, y = [], []
        for d in docs:
            ents = [(e.start, e.end, e.type) for e in d.entities]
            eidx = {e.id: k for k, e in enumerate(d.entities)}
            for sent in sentences(d):
                for v in d.events:
                    if not (v.trigger.start >= sent.start and v.trigger.end <= sent.end):
                        continue
                    roles = {eidx[a.entity]: a.role for a in v.arguments if a.entity in eidx}
                    for k, f in pair_features(d, sent, ents, (v.trigger.start, v.trigger.end, v.type)):
                        X.append(f)
                        y.append(roles.get(k, "NONE"))
        return X, y

    # -- training -----------------------------------------------------------------------------
    def fit(self, train: Sequence[Document], dev: Sequence[Document] | None = None) -> "Sklearn":
        train = list(train)
        dev = list(dev or [])
        self._fit_lexicons(train)
        # entities
        self.ent_taggers = []
        for layer in range(self.layers):
            X, y = self._entity_data(train, layer)
            C = self._choose("entities" if layer == 0 else f"entities{layer}", self.C["entities"], X, y,
                             lambda layer=layer: self._entity_data(dev, layer) if dev else None)
            self.ent_taggers.append(Tagger(C).fit(X, y))
        X, y = self._trigger_data(train)
        C = self._choose("triggers", self.C["triggers"], X, y, lambda: self._trigger_data(dev) if dev else None)
        self.trig_tagger = Tagger(C).fit(X, y)
        X, y = self._arg_data(train)
        C = self._choose("arguments", self.C["arguments"], X, y, lambda: self._arg_data(dev) if dev else None,
                         tagging=False)
        self.arg_model = _linear(C).fit(X, y)
        return self

    def _choose(self, what: str, fixed: float | None, X, y, dev_data, tagging: bool = True) -> float:
        if fixed is not None:
            return fixed
        data = dev_data()
        if not data or not data[0] or len(self.grid) == 1:
            return self.grid[len(self.grid) // 2]
        Xd, yd = data
        results = {}
        for C in self.grid:
            m = _linear(C).fit(X, y)
            pred = m.predict(Xd)
            gold_pos = [i for i, t in enumerate(yd) if t not in ("O", "NONE")]
            pred_pos = [i for i, t in enumerate(pred) if t not in ("O", "NONE")]
            tp = sum(1 for i in pred_pos if pred[i] == yd[i])
            p = tp / len(pred_pos) if pred_pos else 0.0
            r = tp / len(gold_pos) if gold_pos else 0.0
            results[C] = 2 * p * r / (p + r) if p + r else 0.0
        self.tuning[what] = {str(k): round(v, 6) for k, v in results.items()}
        return max(self.grid, key=lambda C: (results[C], -C))

    # -- prediction ---------------------------------------------------------------------------
    def predict(self, docs: Sequence[Document]) -> list[Document]:
        from conflictnews.text import spans_from_bio

        out = []
        for doc in docs:
            schema = load_schema(doc.schema_version)
            sents = sentences(doc)
            ents: list[tuple[int, int, str]] = []
            trigs: list[tuple[int, int, str]] = []
            for sent in sents:
                layer_tags: list[list[str]] = []
                for tagger in self.ent_taggers:
                    tags = tagger.decode(_sent_feats(sent, [self.ent_lex], layer_tags))
                    layer_tags.append(tags)
                    ents += spans_from_bio(sent.tokens, tags)
                trigs += spans_from_bio(sent.tokens, self.trig_tagger.decode(_sent_feats(sent, [self.trig_lex])))
            # outer layer first: an inner span that crosses an outer one is dropped
            first: dict[tuple[int, int], tuple[int, int, str]] = {}
            for x in ents:  # layer order: a span tagged in two layers keeps its outer-layer type
                first.setdefault((x[0], x[1]), x)
            ents = sorted(first.values(), key=lambda x: (x[0], -x[1]))
            events = []
            classes = list(self.arg_model.classes_)
            for sent in sents:
                for t in trigs:
                    if not (t[0] >= sent.start and t[1] <= sent.end) or t[2] not in schema.event:
                        continue
                    vt = schema.event[t[2]]
                    raw = RawEvent(t[2], t[0], t[1])
                    feats = pair_features(doc, sent, ents, t)
                    if feats:
                        scores = self.arg_model.decision_function([f for _, f in feats])
                        if scores.ndim == 1:
                            scores = np.stack([-scores, scores], 1)
                        for (k, _), row in zip(feats, scores):
                            none = row[classes.index("NONE")] if "NONE" in classes else 0.0
                            best = best_role(vt, ents[k][2], classes, row, none)
                            if best:
                                raw.arguments.append((best, k))
                    raw.count = count_of(doc.text, ents, raw) if vt.has_count else None
                    events.append(raw)
            out.append(build_prediction(doc, schema, ents, events))
        return out

    # -- persistence --------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        for i, t in enumerate(self.ent_taggers):
            t.model.dump(p / f"entities{i}.skops")
        self.trig_tagger.model.dump(p / "triggers.skops")
        self.arg_model.dump(p / "arguments.skops")
        meta = {"layers": self.layers, "C": [t.C for t in self.ent_taggers] + [self.trig_tagger.C, self.arg_model.C],
                "grid": list(self.grid), "tuning": self.tuning, "entity_lexicon": self.ent_lex.to_dict(),
                "trigger_lexicon": self.trig_lex.to_dict()}
        (p / "sklearn.json").write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> "Sklearn":
        p = Path(path)
        meta = json.loads((p / "sklearn.json").read_text(encoding="utf-8"))
        m = cls(grid=meta["grid"], layers=meta["layers"])
        m.ent_lex = Lexicon.from_dict(meta["entity_lexicon"])
        m.trig_lex = Lexicon.from_dict(meta["trigger_lexicon"])
        m.tuning = meta["tuning"]

        for i in range(meta["layers"]):
            t = Tagger(meta["C"][i])
            t.model = Linear.load(p / f"entities{i}.skops", t.C)
            m.ent_taggers.append(t)
        m.trig_tagger = Tagger(meta["C"][-2])
        m.trig_tagger.model = Linear.load(p / "triggers.skops", m.trig_tagger.C)
        m.arg_model = Linear.load(p / "arguments.skops", meta["C"][-1])
        return m

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "tuning": self.tuning}
