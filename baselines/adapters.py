"""Adapters for models a user already has locally: any Hugging Face token-classification model
(a folder with config, weights and tokenizer) and GLiNER-style zero-shot span models.

Nothing is downloaded: models load with ``local_files_only=True``. The model's labels are mapped
to the schema with ``label_map`` (model label -> schema entity type or event type; a label mapped
to ``None`` or left out is dropped). Labels that are already schema labels map to themselves, and
common CoNLL/OntoNotes names have defaults. Predicted spans tagged with an event type become
events (triggers) without arguments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from conflictnews.document import Document
from conflictnews.schema import load_schema

from .base import Extractor, RawEvent, build_prediction
from .features import sentences

DEFAULT_MAP = {
    "PERSON": "PER", "PER": "PER", "NORP": None, "ORG": "ORG", "ORGANIZATION": "ORG", "LOC": "LOC",
    "LOCATION": "LOC", "GPE": "GPE", "FAC": "FAC", "FACILITY": "FAC", "DATE": "TIME", "TIME": "TIME",
    "CARDINAL": "NUM", "QUANTITY": "NUM", "MISC": None,
}


def _base_label(lab: str) -> tuple[str, str]:
    """('B'|'I'|'O', type) of a model label: B-X, I-X, S-X/U-X (single), E-X/L-X (end), X."""
    if lab == "O" or not lab:
        return "O", ""
    if len(lab) > 2 and lab[1] in "-_" and lab[0] in "BIESUL":
        pre = lab[0]
        return ("B" if pre in "BSU" else "I"), lab[2:]
    return "B", lab  # IO or plain labels: each token opens a span; merged below when consecutive


class _Mapper:
    def __init__(self, schema, label_map: Mapping[str, str | None] | None):
        self.schema = schema
        self.map = dict(DEFAULT_MAP)
        for lab in list(schema.entity_labels) + list(schema.event_labels):
            self.map[lab] = lab
        self.map.update(label_map or {})
        self.dropped: Counter = Counter()

    def __call__(self, lab: str) -> str | None:
        out = self.map[lab] if lab in self.map else self.map.get(lab.upper())
        if out is None or (out not in self.schema.entity and out not in self.schema.event):
            self.dropped[lab] += 1
            return None
        return out

    def split(self, doc: Document, spans: Sequence[tuple[int, int, str]]):
        ents, events = [], []
        for s, e, lab in spans:
            t = self(lab)
            if t is None:
                continue
            if t in self.schema.entity:
                ents.append((s, e, t))
            else:
                events.append(RawEvent(t, s, e))
        return ents, events


class HFTokenClassification(Extractor):
    """A local Hugging Face token-classification model; word-level labels from each word's first piece."""

    name = "hf"
    trainable = False

    def __init__(self, model: str | Path | None = None, label_map: Mapping[str, str | None] | None = None,
                 batch_size: int = 16, max_length: int = 256, **_: Any):
        if model is None:
            raise ValueError("the hf adapter needs --model PATH (a local token-classification model folder)")
        self.path = str(model)
        self.label_map = dict(label_map or {})
        self.batch_size = batch_size
        self.max_length = max_length
        self._model = self._tok = None
        self._mappers: dict[str, _Mapper] = {}

    def _load(self) -> None:
        if self._model is None:
            from transformers import AutoModelForTokenClassification, AutoTokenizer

            self._tok = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
            self._model = AutoModelForTokenClassification.from_pretrained(self.path, local_files_only=True).eval()

    def _labels(self, words_batch: list[list[str]]) -> list[list[str]]:
        import torch

        enc = self._tok(words_batch, is_split_into_words=True, truncation=True, max_length=self.max_length,
                        padding=True, return_tensors="pt")
        with torch.no_grad():
            pred = self._model(**{k: v for k, v in enc.items() if k in ("input_ids", "attention_mask", "token_type_ids")}).logits.argmax(-1)
        id2label = self._model.config.id2label
        out = []
        for b, words in enumerate(words_batch):
            labs = ["O"] * len(words)
            seen = set()
            for pos, w in enumerate(enc.word_ids(b)):
                if w is None or w in seen:
                    continue
                seen.add(w)
                labs[w] = id2label[int(pred[b, pos])]
            out.append(labs)
        return out

    def predict(self, docs: Sequence[Document]) -> list[Document]:
        self._load()
        out = []
        for doc in docs:
            schema = load_schema(doc.schema_version)
            mapper = self._mappers.setdefault(doc.schema_version, _Mapper(schema, self.label_map))
            sents = sentences(doc)
            spans: list[tuple[int, int, str]] = []
            for i in range(0, len(sents), self.batch_size):
                chunk = sents[i:i + self.batch_size]
                for sent, labs in zip(chunk, self._labels([[t.text for t in s.tokens] for s in chunk])):
                    cur = None
                    for tok, lab in zip(sent.tokens, labs):
                        bio, typ = _base_label(lab)
                        if bio == "O":
                            cur = None
                            continue
                        if cur is not None and cur[2] == typ and (bio == "I" or lab == typ):
                            cur[1] = tok.end
                            continue
                        cur = [tok.start, tok.end, typ]
                        spans.append(cur)
            ents, events = mapper.split(doc, [tuple(s) for s in spans])
            out.append(build_prediction(doc, schema, ents, events))
        return out

    def describe(self) -> dict[str, Any]:
        dropped: Counter = Counter()
        for m in self._mappers.values():
            dropped.update(m.dropped)
        return {"name": self.name, "model": self.path, "dropped_labels": dict(dropped)}


class GLiNERAdapter(Extractor):
    """A GLiNER-style zero-shot span model: ``predict_entities(text, labels, threshold)`` returning
    dicts with ``start``, ``end``, ``label``. Loaded from a local path with the ``gliner`` package, or
    passed in as any object with that method. Labels are prompted as natural-language names."""

    name = "gliner"
    trainable = False
    PROMPTS = {
        "PER": "person", "ARMED_GROUP": "armed group", "STATE_FORCE": "military or police force",
        "GOVERNMENT": "government", "IGO": "international organization", "NGO": "non-governmental organization",
        "MEDIA": "news media", "ORG": "organization", "GPE": "country or city", "LOC": "location",
        "FAC": "facility", "WEA": "weapon", "VEH": "vehicle", "TIME": "date or time", "NUM": "number",
    }

    def __init__(self, model: Any = None, label_map: Mapping[str, str | None] | None = None,
                 threshold: float = 0.5, **_: Any):
        if model is None:
            raise ValueError("the gliner adapter needs --model PATH (a local GLiNER model folder)")
        self.model = model
        self.threshold = threshold
        # prompt -> schema label; a user map is {prompt: schema label}
        self.prompts = {v: k for k, v in self.PROMPTS.items()} if label_map is None else dict(label_map)

    def _load(self):
        if isinstance(self.model, (str, Path)):
            from gliner import GLiNER  # optional, user-installed

            self.model = GLiNER.from_pretrained(str(self.model), local_files_only=True)
        return self.model

    def predict(self, docs: Sequence[Document]) -> list[Document]:
        model = self._load()
        labels = list(self.prompts)
        out = []
        for doc in docs:
            schema = load_schema(doc.schema_version)
            mapper = _Mapper(schema, self.prompts)
            spans = []
            for sent in sentences(doc):
                chunk = doc.text[sent.start:sent.end]
                for hit in model.predict_entities(chunk, labels, threshold=self.threshold):
                    spans.append((sent.start + int(hit["start"]), sent.start + int(hit["end"]), hit["label"],
                                  float(hit.get("score", 1.0))))
            spans.sort(key=lambda x: -x[3])  # most confident first wins overlaps
            ents, events = mapper.split(doc, [s[:3] for s in spans])
            out.append(build_prediction(doc, schema, ents, events))
        return out
