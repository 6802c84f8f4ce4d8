from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "corpus" / "documents"
SEED_ID = "cn-0000"


@pytest.fixture(scope="session")
def seed_dict() -> dict:
    return json.loads((DOCS / f"{SEED_ID}.json").read_text(encoding="utf-8"))


@pytest.fixture
def seed(seed_dict) -> dict:
    """A fresh deep copy of the seed gold document, safe to mutate."""
    return copy.deepcopy(seed_dict)
