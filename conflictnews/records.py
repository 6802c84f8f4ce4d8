"""Reading document records from files, keeping where each came from.

A file is a single JSON document, a JSON array of documents, or JSON lines. Reading never raises
on bad content: broken input becomes a :class:`ReadProblem` that names the file and line, so the
validator and the scorer can report it next to every other problem.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from json.decoder import scanstring
from pathlib import Path
from typing import Any

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Record:
    """One raw document record and its origin."""

    data: Any
    file: str
    line: int  # 1-based line where the record starts
    source_text: str | None = None  # the record's own JSON text, for locating field paths

    def line_of(self, path: Path_) -> int:
        """Best line for a field path inside this record (the record's line if unknown)."""
        if self.source_text is None:
            return self.line
        try:
            lines = value_lines(self.source_text)
        except (ValueError, RecursionError):
            return self.line
        p = tuple(path)
        while p and p not in lines:
            p = p[:-1]
        return self.line + lines.get(p, 0)


@dataclass(frozen=True)
class ReadProblem:
    file: str
    line: int
    message: str
    fix: str


def read_records(path: str | Path) -> Iterator[Record | ReadProblem]:
    """Yield every record of a ``.json``/``.jsonl`` file, or problems that say why it can't be read."""
    p = Path(path)
    name = str(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        yield ReadProblem(name, 0, f"cannot read the file: {exc.strerror or exc}", "check the path and permissions")
        return
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        yield ReadProblem(name, line, f"not UTF-8 text (byte {exc.start}: {raw[exc.start:exc.start + 1]!r})",
                          "save the file as UTF-8 JSON")
        return
    if text.startswith("\ufeff"):
        text = text[1:]
    if p.suffix == ".jsonl":
        yield from _read_jsonl(text, name)
    else:
        yield from _read_json(text, name)


def _read_jsonl(text: str, name: str) -> Iterator[Record | ReadProblem]:
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadProblem(name, i, f"invalid JSON at column {exc.colno}: {exc.msg}",
                              "each line of a .jsonl file must be one complete JSON object")
            continue
        except RecursionError:
            yield ReadProblem(name, i, "JSON nested too deeply", "documents are at most a few levels deep")
            continue
        yield Record(data, name, i, line)


def _read_json(text: str, name: str) -> Iterator[Record | ReadProblem]:
    if not text.strip():
        yield ReadProblem(name, 1, "the file is empty", "write one JSON document, or an array of documents")
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        hint = "the file ends early: is it truncated?" if exc.pos >= len(text.rstrip()) else "fix the JSON syntax"
        yield ReadProblem(name, exc.lineno, f"invalid JSON at column {exc.colno}: {exc.msg}", hint)
        return
    except RecursionError:
        yield ReadProblem(name, 1, "JSON nested too deeply", "documents are at most a few levels deep")
        return
    if isinstance(data, list):
        try:
            starts = _array_item_offsets(text)
        except ValueError:
            starts = [0] * len(data)
        for item, off in zip(data, starts):
            line = text.count("\n", 0, off) + 1
            yield Record(item, name, line, _slice_value(text, off))
    else:
        yield Record(data, name, 1, text)


# -- locating field paths -----------------------------------------------------------------
_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")


@lru_cache(maxsize=16)
def value_lines(text: str) -> dict[Path_, int]:
    """Map each JSON value's path to its 0-based line offset from the start of ``text``.

    Cached: a record with many problems is walked once.
    """
    out: dict[Path_, int] = {}
    _walk(text, _WS.match(text, 0).end(), (), out)
    return out


def _walk(s: str, i: int, path: Path_, out: dict[Path_, int]) -> int:
    out[path] = s.count("\n", 0, i)
    c = s[i:i + 1]
    if c == "{":
        i = _WS.match(s, i + 1).end()
        if s[i:i + 1] == "}":
            return i + 1
        while True:
            if s[i:i + 1] != '"':
                raise ValueError("expected a key")
            key, i = scanstring(s, i + 1)
            i = _WS.match(s, i).end()
            if s[i:i + 1] != ":":
                raise ValueError("expected ':'")
            i = _walk(s, _WS.match(s, i + 1).end(), path + (key,), out)
            i = _WS.match(s, i).end()
            if s[i:i + 1] == ",":
                i = _WS.match(s, i + 1).end()
                continue
            if s[i:i + 1] == "}":
                return i + 1
            raise ValueError("expected ',' or '}'")
    if c == "[":
        i = _WS.match(s, i + 1).end()
        if s[i:i + 1] == "]":
            return i + 1
        k = 0
        while True:
            i = _walk(s, i, path + (k,), out)
            k += 1
            i = _WS.match(s, i).end()
            if s[i:i + 1] == ",":
                i = _WS.match(s, i + 1).end()
                continue
            if s[i:i + 1] == "]":
                return i + 1
            raise ValueError("expected ',' or ']'")
    if c == '"':
        return scanstring(s, i + 1)[1]
    for lit in ("true", "false", "null"):
        if s.startswith(lit, i):
            return i + len(lit)
    m = _NUMBER.match(s, i)
    if m:
        return m.end()
    raise ValueError(f"unexpected character at {i}")


def _array_item_offsets(text: str) -> list[int]:
    i = _WS.match(text, 0).end()
    if text[i:i + 1] != "[":
        raise ValueError("not an array")
    starts = []
    i = _WS.match(text, i + 1).end()
    if text[i:i + 1] == "]":
        return starts
    while True:
        starts.append(i)
        i = _walk(text, i, (), {})
        i = _WS.match(text, i).end()
        if text[i:i + 1] == ",":
            i = _WS.match(text, i + 1).end()
            continue
        return starts


def _slice_value(text: str, start: int) -> str | None:
    try:
        return text[start:_walk(text, start, (), {})]
    except (ValueError, RecursionError):
        return None
