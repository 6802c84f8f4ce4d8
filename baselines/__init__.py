"""Extractors that predict ConflictNews documents, from rules to trained models.

Every extractor implements :class:`Extractor` (``fit(train, dev)``, ``predict(docs)``); named ones
are in :mod:`.registry`; :mod:`.benchmark` runs them and writes the leaderboard.
"""

from .base import Empty, Extractor, strip
from .registry import REGISTRY, get, names, register

__all__ = ["Extractor", "Empty", "strip", "REGISTRY", "get", "names", "register", "leaderboard_markdown"]


def leaderboard_markdown(results: dict) -> str:
    from .benchmark import leaderboard_markdown as _lm

    return _lm(results)
