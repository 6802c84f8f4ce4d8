"""Reading and checking a prediction file before it is scored.

Predictions are documents in the corpus format without ``meta`` (JSON lines, a JSON array, or one
JSON object; a folder of such files). Every record is read with
:func:`conflictnews.records.read_records` and checked with
:func:`conflictnews.validate.validate_record` in prediction mode; the scorer adds its own checks
(unknown and duplicate document ids, text differing from the gold text) and sorts every problem
into an **error** (fatal: the command exits with status 2 after listing all of them, nothing is
scored) or a **warning** (scored as documented, and listed in the report). Nothing is dropped
silently.

Errors - the prediction cannot be scored unambiguously:
  invalid JSON or UTF-8, a record that is not an object, missing or mistyped fields, unknown schema
  version, unknown entity/event types or roles (any closed-vocabulary violation), a role the event
  type does not have, offsets outside the text, ``text`` differing from ``text[start:end]``, an id
  used twice in a document, an argument pointing to a missing id or to an event, the same document
  id twice in the prediction files, a document whose ``text`` differs from the gold text, and a
  schema version other than the gold document's.

Warnings - scored as stated:
  a document id that is not in the gold set (ignored, listed), duplicate mentions / events /
  arguments (sets of tuples: counted once), crossing or white-space-edged spans (scored as given),
  fillers of a type the role does not allow (scored as given), attributes or clusters that do not
  apply (ignored), clusters mixing types, count fields inconsistent with their qualifier (value
  used).

A gold document without a prediction is scored as an empty prediction; the report counts them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from conflictnews.document import Document
from conflictnews.records import ReadProblem, Record, read_records
from conflictnews.validate import Problem, iter_paths, validate_record

Severity = Literal["error", "warning"]

# validator messages that do not stop scoring, and what the scorer does about them
WARNING_RULES: tuple[tuple[str, str], ...] = (
    (r"is already annotated as", "duplicate mention: identical (span, type) mentions are scored once; "
                                 "other types on the same span are scored as further predictions"),
    (r"crosses the span", "scored as given (crossing spans only prevent BIO export)"),
    (r"starts or ends with white space", "scored as given (it will not match a trimmed gold span)"),
    (r"event has the same trigger", "duplicate event: scored once (sets of tuples)"),
    (r"is listed twice", "duplicate argument: scored once"),
    (r"cannot be filled by a", "scored as given"),
    (r"does not apply to", "attribute ignored by the scorer"),
    (r"mentions are not clustered", "cluster ignored (the type takes no part in coreference)"),
    (r"mixes entity types", "scored by span; types play no part in coreference"),
    (r"mixes event types", "records are formed per (cluster, type)"),
    (r"used for both entities and events", "entity and event clusters are separate for the scorer"),
    (r"events carry no count", "count ignored"),
    (r"needs its upper bound|must exceed value|high is only for RANGE", "the count's value is used; high is ignored"),
    (r"has a Count argument but no normalised count", "the event has no count for the record slot"),
)
_WARNING_RES = tuple((re.compile(p), note) for p, note in WARNING_RULES)


@dataclass(frozen=True, order=True)
class Issue:
    """One problem of a prediction file, with its place."""

    file: str
    line: int
    severity: Severity
    doc: str | None
    path: str
    message: str
    fix: str

    def __str__(self) -> str:
        doc = f" [{self.doc}]" if self.doc else ""
        path = f" {self.path}:" if self.path else ""
        return f"{self.file}:{self.line}: {self.severity}:{doc}{path} {self.message} -> {self.fix}"

    def to_dict(self) -> dict:
        return {"severity": self.severity, "file": self.file, "line": self.line, "doc": self.doc,
                "path": self.path, "message": self.message, "fix": self.fix}


def classify(problem: Problem) -> Issue:
    """Sort a validator problem into a warning (known, scorable) or an error (everything else)."""
    for rx, note in _WARNING_RES:
        if rx.search(problem.message):
            return Issue(problem.file, problem.line, "warning", problem.doc, problem.path, problem.message,
                         f"{problem.fix} (scorer: {note})")
    return Issue(problem.file, problem.line, "error", problem.doc, problem.path, problem.message, problem.fix)


@dataclass
class PredictionSet:
    files: list[str]
    documents: dict[str, Document]  # by gold document id, only documents to score
    issues: list[Issue] = field(default_factory=list)
    unknown_ids: list[str] = field(default_factory=list)
    missing_ids: list[str] = field(default_factory=list)
    records_read: int = 0

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def fatal(self) -> bool:
        return any(i.severity == "error" for i in self.issues)

    def summary(self) -> dict:
        return {
            "files": self.files,
            "records_read": self.records_read,
            "documents_scored": len(self.documents),
            "missing_documents": len(self.missing_ids),
            "missing_ids": self.missing_ids,
            "unknown_documents": len(self.unknown_ids),
            "unknown_ids": self.unknown_ids,
            "errors": [i.to_dict() for i in self.errors],
            "warnings": [i.to_dict() for i in self.warnings],
        }


def _first_difference(a: str, b: str) -> int:
    for k, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return k
    return min(len(a), len(b))


def load_predictions(paths: Iterable[str | Path] | str | Path, gold: Sequence[Document]) -> PredictionSet:
    """Read and check predictions for the given gold documents (see module docs for the rules)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    gold_by_id = {d.id: d for d in gold}
    files = [str(p) for p in iter_paths(paths)]
    out = PredictionSet(files=files, documents={})
    first_line: dict[str, tuple[str, int]] = {}
    unknown: dict[str, None] = {}
    for path in files:
        for item in read_records(path):
            if isinstance(item, ReadProblem):
                out.issues.append(Issue(item.file, item.line, "error", None, "", item.message, item.fix))
                continue
            out.records_read += 1
            out.issues.extend(_check_record(item, gold_by_id, first_line, unknown, out))
    out.unknown_ids = list(unknown)
    out.missing_ids = [d.id for d in gold if d.id not in out.documents]
    out.issues.sort(key=lambda i: (i.file, i.line, i.severity))
    return out


def _check_record(rec: Record, gold_by_id: dict[str, Document],
                  first_line: dict[str, tuple[str, int]], unknown: dict[str, None], out: PredictionSet) -> list[Issue]:
    d = rec.data
    doc_id = d.get("id") if isinstance(d, dict) and isinstance(d.get("id"), str) else None
    if doc_id is not None and doc_id not in gold_by_id:
        if doc_id not in unknown:
            unknown[doc_id] = None
            return [Issue(rec.file, rec.line, "warning", doc_id, "id",
                          f"document id {doc_id!r} is not in the gold set; the prediction is ignored",
                          "check the split (--gold) or the document id")]
        return []
    if doc_id is not None and doc_id in first_line:
        f, ln = first_line[doc_id]
        return [Issue(rec.file, rec.line, "error", doc_id, "id",
                      f"document {doc_id!r} is predicted twice (first at {f}:{ln})",
                      "give one prediction per document")]
    if doc_id is not None:
        first_line[doc_id] = (rec.file, rec.line)
    issues = [classify(p) for p in validate_record(rec, gold=False)]
    if doc_id is None:
        if not any(i.severity == "error" for i in issues):
            issues.append(Issue(rec.file, rec.line, "error", None, "id", "the record has no document id",
                                "set id to the id of the gold document"))
        return issues
    g = gold_by_id[doc_id]
    text = d.get("text")
    if isinstance(text, str) and text != g.text:
        k = _first_difference(text, g.text)
        issues.append(Issue(rec.file, rec.line, "error", doc_id, "text",
                            f"text differs from the gold document's text (first difference at offset {k}; "
                            f"prediction length {len(text)}, gold length {len(g.text)})",
                            "copy the gold text unchanged; offsets are relative to it"))
    version = d.get("schema_version")
    if isinstance(version, str) and version != g.schema_version:
        issues.append(Issue(rec.file, rec.line, "error", doc_id, "schema_version",
                            f"schema version {version} differs from the gold's {g.schema_version}",
                            f"predict with schema {g.schema_version}, the version of the gold documents"))
    if not any(i.severity == "error" for i in issues):
        out.documents[doc_id] = Document.from_dict(d)
    return issues
