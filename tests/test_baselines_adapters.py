"""Adapters for local models (issue 7.5): a tiny randomly initialised token-classification model
built in the test (never downloaded), and a GLiNER-style stand-in."""

from __future__ import annotations

from pathlib import Path

import pytest

from conflictnews.baselines import get, strip
from conflictnews.baselines.benchmark import check_predictions
from conflictnews.document import Document

TEXT = ("Government forces shelled Idlib on Saturday, killing 12 civilians.\n"
        "The UN said 300 people fled to Turkey.")


def _doc() -> Document:
    return Document(id="t-1", text=TEXT, schema_version="1.0.0")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    import torch

    path = tmp_path_factory.mktemp("tiny-ner")
    words = sorted({w.lower() for w in TEXT.replace(".", " . ").replace(",", " , ").split()})
    (path / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]) + "\n")
    tok = transformers.BertTokenizerFast(vocab_file=str(path / "vocab.txt"), do_lower_case=True)
    labels = ["O", "B-PERSON", "I-PERSON", "B-GPE", "I-GPE", "B-DATE", "B-MISC", "B-Attack.Shelling"]
    config = transformers.BertConfig(vocab_size=len(tok), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                     intermediate_size=32, max_position_embeddings=64,
                                     id2label=dict(enumerate(labels)), label2id={l: i for i, l in enumerate(labels)})
    torch.manual_seed(0)
    model = transformers.BertForTokenClassification(config)
    with torch.no_grad():  # bias the classifier so that every label is predicted somewhere
        model.classifier.weight.normal_(0, 2.0)
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path


def test_hf_adapter_maps_labels_and_writes_valid_predictions(tiny_model):
    ex = get("hf", model=str(tiny_model), label_map={"PERSON": "PER", "MISC": None})
    assert not ex.trainable
    (pred,) = ex.predict([strip(_doc())])
    assert check_predictions([pred]) == []
    assert {e.type for e in pred.entities} <= {"PER", "GPE", "TIME"}
    assert {v.type for v in pred.events} <= {"Attack.Shelling"}
    assert pred.entities or pred.events  # the random model labels something
    info = ex.describe()
    assert set(info["dropped_labels"]) <= {"MISC"}
    # deterministic
    (again,) = get("hf", model=str(tiny_model), label_map={"PERSON": "PER", "MISC": None}).predict([strip(_doc())])
    assert again.to_dict() == pred.to_dict()


def test_hf_adapter_needs_a_path():
    with pytest.raises(ValueError):
        get("hf")


class FakeGLiNER:
    def predict_entities(self, text, labels, threshold=0.5):
        out = []
        for word, label, score in (("Idlib", "country or city", 0.9), ("Government forces", "military or police force", 0.8),
                                   ("Turkey", "country or city", 0.7), ("Turkey", "location", 0.6),
                                   ("UN", "international organization", 0.3)):
            k = text.find(word)
            if k >= 0 and label in labels and score >= threshold:
                out.append({"start": k, "end": k + len(word), "label": label, "score": score, "text": word})
        return out


def test_gliner_style_adapter():
    (pred,) = get("gliner", model=FakeGLiNER()).predict([strip(_doc())])
    assert check_predictions([pred]) == []
    got = {(e.text, e.type) for e in pred.entities}
    assert got == {("Idlib", "GPE"), ("Government forces", "STATE_FORCE"), ("Turkey", "GPE")}
