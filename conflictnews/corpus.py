"""Where the corpus lives and how to load it as typed documents."""

from __future__ import annotations

import os
from pathlib import Path

from conflictnews.document import Document
from conflictnews.records import Record, read_records
from conflictnews.validate import Problem, iter_paths, validate_paths

_PKG = Path(__file__).resolve().parent


def corpus_dir() -> Path:
    """``$CONFLICTNEWS_CORPUS``, else the checkout's ``corpus/``, else ``./corpus``."""
    env = os.environ.get("CONFLICTNEWS_CORPUS")
    if env:
        return Path(env)
    here = _PKG.parent / "corpus"
    return here if here.is_dir() else Path.cwd() / "corpus"


def documents_dir(root: Path | None = None) -> Path:
    return (root or corpus_dir()) / "documents"


class InvalidCorpus(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        head = "\n".join(str(p) for p in problems[:10])
        more = f"\n... and {len(problems) - 10} more" if len(problems) > 10 else ""
        super().__init__(f"{len(problems)} problem(s); run `conflictnews validate`:\n{head}{more}")


def load_documents(paths: list[Path] | None = None, *, split: str | None = None) -> list[Document]:
    """Validated gold documents, sorted by id; raises :class:`InvalidCorpus` if any is invalid."""
    paths = paths or [documents_dir()]
    problems, _ = validate_paths(paths, gold=True)
    if problems:
        raise InvalidCorpus(problems)
    docs = []
    for f in iter_paths(paths):
        for rec in read_records(f):
            assert isinstance(rec, Record)
            doc = Document.from_dict(rec.data)
            if split is None or (doc.meta or {}).get("split") == split:
                docs.append(doc)
    return sorted(docs, key=lambda d: d.id)
