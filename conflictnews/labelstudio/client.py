"""Live sync with a Label Studio server through label-studio-sdk (imported lazily: it is heavy).

URL and API key come from the arguments, else ``LABEL_STUDIO_URL`` and ``LABEL_STUDIO_API_KEY``.
The calls used are the ones checked against Label Studio 1.23.2 with SDK 2.1.2:
``projects.list/create/update/validate_label_config``, ``projects.import_tasks``,
``tasks.list``, and the export API (``projects.exports.create`` with predictions serialised in
full, then ``get`` until it is completed, then ``download``); the plain export lists predictions
as ids only and the converted formats lose relations, so the full JSON is converted here.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from conflictnews.labelstudio.config import build_config, config_schema_version
from conflictnews.labelstudio.tasks import DATA_KEY
from conflictnews.schema import Schema

ENV_URL = "LABEL_STUDIO_URL"
ENV_KEY = "LABEL_STUDIO_API_KEY"
DEFAULT_TITLE = "ConflictNews (schema {version})"


class SyncError(RuntimeError):
    pass


def connect(url: str | None = None, api_key: str | None = None, *, timeout: float = 60.0):
    """A ``label_studio_sdk.LabelStudio`` client."""
    url = url or os.environ.get(ENV_URL)
    api_key = api_key or os.environ.get(ENV_KEY)
    if not url or not api_key:
        raise SyncError(f"give the server's URL and an API key (--url/--api-key, or {ENV_URL}/{ENV_KEY})")
    try:
        from label_studio_sdk import LabelStudio
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SyncError("label-studio-sdk is not installed: pip install -e '.[labelstudio]'") from exc
    return LabelStudio(base_url=url.rstrip("/"), api_key=api_key, timeout=timeout)


@dataclass
class ProjectInfo:
    id: int
    title: str
    created: bool
    config_updated: bool


def ensure_project(client, schema: Schema, *, title: str | None = None, project_id: int | None = None,
                   description: str | None = None) -> ProjectInfo:
    """Find the project (by id, else by title) and bring its config to the schema's; create it if absent.

    A config change is checked by the server first (``validate_label_config``): it refuses a config
    that drops labels the project's annotations use, and that refusal is raised as :class:`SyncError`.
    """
    xml = build_config(schema)
    title = title or DEFAULT_TITLE.format(version=schema.version)
    project = None
    if project_id is not None:
        project = client.projects.get(id=project_id)
    else:
        for p in client.projects.list(title=title):
            if p.title == title:
                project = p
                break
    if project is None:
        p = client.projects.create(title=title, label_config=xml,
                                   description=description or f"ConflictNews annotation, schema {schema.version}")
        return ProjectInfo(p.id, p.title, True, False)
    current = client.projects.get(id=project.id).label_config or ""
    if current.strip() == xml.strip():
        return ProjectInfo(project.id, project.title, False, False)
    old = config_schema_version(current)
    try:
        client.projects.validate_label_config(id=project.id, label_config=xml)
    except Exception as exc:  # the SDK raises ApiError with the server's explanation
        raise SyncError(f"project {project.id}: the config of schema {schema.version} cannot replace the current "
                        f"one (schema {old or 'unknown'}): {_api_message(exc)}") from exc
    client.projects.update(id=project.id, label_config=xml)
    return ProjectInfo(project.id, project.title, False, True)


def _api_message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if body is not None:
        return json.dumps(body)[:800] if not isinstance(body, str) else body[:800]
    return str(exc)[:800]


def project_tasks(client, project_id: int) -> list[dict[str, Any]]:
    """Every task of the project with its annotations (``tasks.list(fields="all")``)."""
    out = []
    for t in client.tasks.list(project=project_id, fields="all", page_size=100):
        out.append(_plain(t))
    return out


def _plain(obj: Any) -> Any:
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json", exclude_none=False)
    if hasattr(obj, "dict"):
        return obj.dict()
    return obj


def push_tasks(client, project_id: int, tasks: Iterable[Mapping[str, Any]], *, update_existing: bool = False,
               batch: int = 50) -> dict[str, Any]:
    """Upload tasks; a document already in the project (same ``data.cn.id``) is skipped, or with
    ``update_existing`` gets new predictions added to it (its annotations are never touched)."""
    existing: dict[str, int] = {}
    for t in project_tasks(client, project_id):
        cn = (t.get("data") or {}).get(DATA_KEY) or {}
        if isinstance(cn, dict) and cn.get("id"):
            existing[cn["id"]] = t["id"]
    new, skipped, predicted = [], [], 0
    for task in tasks:
        doc_id = task["data"][DATA_KEY]["id"]
        if doc_id in existing:
            if update_existing:
                for p in task.get("predictions") or []:
                    client.predictions.create(task=existing[doc_id], result=p["result"], score=p.get("score"),
                                              model_version=p.get("model_version"))
                    predicted += 1
            skipped.append(doc_id)
        else:
            new.append(dict(task))
    ids: list[int] = []
    for i in range(0, len(new), batch):
        r = client.projects.import_tasks(id=project_id, request=new[i:i + batch], return_task_ids=True)
        ids.extend(r.task_ids or [])
    return {"created": len(new), "task_ids": ids, "skipped": skipped, "predictions_added": predicted}


def export_project(client, project_id: int, *, timeout: float = 120.0, poll: float = 0.5) -> list[dict[str, Any]]:
    """The project's full JSON export (annotations, cancelled ones included, and predictions in full)."""
    from label_studio_sdk.types import SerializationOptionRequest, SerializationOptionsRequest

    opts = SerializationOptionsRequest(predictions=SerializationOptionRequest(only_id=False),
                                       drafts=SerializationOptionRequest(only_id=False))
    snap = client.projects.exports.create(id=project_id, title="conflictnews ls pull", serialization_options=opts)
    deadline = time.monotonic() + timeout
    while True:
        snap = client.projects.exports.get(id=project_id, export_pk=snap.id)
        status = str(getattr(snap, "status", ""))
        if status.endswith("completed"):
            break
        if status.endswith("failed"):
            raise SyncError(f"project {project_id}: the export {snap.id} failed on the server")
        if time.monotonic() > deadline:
            raise SyncError(f"project {project_id}: the export {snap.id} is not ready after {timeout:.0f} s "
                            f"(status {status})")
        time.sleep(poll)
    data = b"".join(client.projects.exports.download(id=project_id, export_pk=snap.id, export_type="JSON"))
    tasks = json.loads(data.decode("utf-8"))
    if not isinstance(tasks, list):
        raise SyncError(f"project {project_id}: the export is not a list of tasks")
    return tasks


def user_names(client) -> dict[int, str]:
    """User id -> e-mail (or username), to name annotators in pulled annotations."""
    out: dict[int, str] = {}
    try:
        users = client.users.list()
    except Exception:  # noqa: BLE001 - naming is a convenience; ids are used without it
        return out
    for u in users:
        uid = getattr(u, "id", None)
        name = getattr(u, "email", None) or getattr(u, "username", None)
        if isinstance(uid, int) and name:
            out[uid] = str(name)
    return out
