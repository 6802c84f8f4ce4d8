"""A real release folder: load_dataset reads it offline, and it turns back into the corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from conflictnews.cli import main
from conflictnews.corpus import load_documents
from conflictnews.release import row_to_document, verify_release
from conflictnews.schema import load_schema

from .conftest import ROOT


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "conflictnews"
    r = CliRunner().invoke(main, ["release", "build", "--out", str(out)])
    assert r.exit_code == 0, r.output
    return out


@pytest.fixture(scope="module")
def offline_hf(tmp_path_factory):
    """A fresh, empty cache (passed explicitly: `datasets` reads its cache settings at import time,
    and a stale cache of an older build would hide a broken release) and no network."""
    home = tmp_path_factory.mktemp("hf_home")
    old = {k: os.environ.get(k) for k in ("HF_HOME", "HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE")}
    os.environ.update(HF_HOME=str(home), HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1")
    yield str(home / "datasets")
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def _names(schema):
    return {"entity": schema.entity_labels, "event": schema.event_labels, "role": schema.role_labels,
            "polarity": list(schema.event_attributes["polarity"].values),
            "modality": list(schema.event_attributes["modality"].values)}


def test_documents_config_round_trips(release_dir, offline_hf):
    from datasets import load_dataset

    schema = load_schema()
    docs = {d.id: d for d in load_documents()}
    redistributable = {i for i, d in docs.items() if d.meta["redistributable"]}
    ds = load_dataset(str(release_dir), "documents", cache_dir=offline_hf)
    seen = set()
    for split, part in ds.items():
        assert part.features["entities"].feature["type"].names == schema.entity_labels  # ClassLabel survives
        for row in part:
            assert docs[row["id"]].meta["split"] == split
            assert row_to_document(row, schema, names=_names(schema)) == docs[row["id"]].to_dict()
            seen.add(row["id"])
    assert seen == redistributable
    assert "cn-0000" not in seen  # the seed article is not ours to publish


def test_ner_config_loads_with_bio_classlabels(release_dir, offline_hf):
    from datasets import load_dataset

    ner = load_dataset(str(release_dir), "ner", cache_dir=offline_hf)
    for split, part in ner.items():
        names = part.features["ner_tags"].feature.names
        assert names[0] == "O" and "B-GPE" in names and "I-ARMED_GROUP" in names
        for row in part.select(range(min(50, len(part)))):
            assert len(row["tokens"]) == len(row["ner_tags"]) == len(row["token_starts"])
            # IOB2: an I- tag continues a span of the same type
            tags = [names[t] for t in row["ner_tags"]]
            for prev, cur in zip(["O"] + tags, tags):
                if cur.startswith("I-"):
                    assert prev[2:] == cur[2:], (row["id"], tags)


def test_card_metadata_passes_offline_checks(release_dir):
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCard

    card = DatasetCard.load(release_dir / "README.md")
    data = card.data
    assert data.license == "cc-by-4.0" and data.language == ["en"] and data.pretty_name
    assert data.task_categories and data.task_ids and data.size_categories
    configs = MetadataConfigs.from_dataset_card_data(data)
    assert set(configs) == {"documents", "ner"}
    for cfg in configs.values():
        for f in cfg["data_files"]:
            assert (release_dir / f["path"]).is_file()
    text = (release_dir / "README.md").read_text()
    assert "Left out because their licence forbids redistribution: cn-0000" in text
    assert "## Corpus statistics" in text


def test_manifest_and_verify(release_dir, tmp_path):
    manifest = json.loads((release_dir / "manifest.json").read_text())
    assert manifest["schema_version"] == load_schema().version
    assert manifest["documents"] == sum(1 for d in load_documents() if d.meta["redistributable"])
    assert verify_release(release_dir) == []
    r = CliRunner().invoke(main, ["release", "verify", str(release_dir)])
    assert r.exit_code == 0
    # Tampering is caught.
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(release_dir, copy)
    readme = copy / "README.md"
    readme.write_text(readme.read_text() + "\nedited\n")
    (copy / "extra.txt").write_text("x")
    problems = verify_release(copy)
    assert any("README.md: sha256 differs" in p for p in problems)
    assert any("extra.txt: not in the manifest" in p for p in problems)
    assert CliRunner().invoke(main, ["release", "verify", str(copy)]).exit_code == 1


def test_push_defaults_to_a_dry_run(release_dir):
    r = CliRunner().invoke(main, ["release", "push", "--repo-id", "someone/conflictnews", "--folder", str(release_dir)])
    assert r.exit_code == 0, r.output
    assert "dry run" in r.output and "would upload data/documents/train.parquet" in r.output


def test_card_in_repository_is_current():
    r = CliRunner().invoke(main, ["card", "--check", "--card", str(ROOT / "CARD.md")])
    assert r.exit_code == 0, r.output
