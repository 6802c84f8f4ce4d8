"""Which gold documents to score against: a split of the shipped corpus, or files/folders."""

from __future__ import annotations

from pathlib import Path

from conflictnews.document import Document

SPLITS = ("train", "dev", "test")


class GoldError(ValueError):
    """The gold documents cannot be used (no such split, empty, invalid); the message says why."""


def load_gold(spec: str | Path) -> tuple[list[Document], str]:
    """Gold documents for ``spec`` and a description of where they came from.

    ``spec`` is a split name (``train``, ``dev``, ``test``), ``all`` (every corpus document), or a
    gold file (``.json``/``.jsonl``) or folder. Gold is validated in gold mode; documents are
    sorted by id.
    """
    from conflictnews.corpus import InvalidCorpus, documents_dir, load_documents

    s = str(spec)
    try:
        if s in SPLITS or s == "all":
            docs = load_documents(split=None if s == "all" else s)
            source = f"corpus {documents_dir()} ({'all splits' if s == 'all' else 'split ' + s})"
            if not docs:
                raise GoldError(f"the corpus at {documents_dir()} has no documents in split {s!r}; "
                                f"use --gold train|dev|test|all, or a gold file or folder")
            return docs, source
        p = Path(s)
        if not p.exists():
            raise GoldError(f"--gold {s!r} is neither a split ({', '.join(SPLITS)}, all) nor an existing file or folder")
        docs = load_documents([p])
        if not docs:
            raise GoldError(f"no gold documents found in {p}")
        return docs, str(p)
    except InvalidCorpus as exc:
        raise GoldError(f"the gold documents are not valid: {exc}") from exc
