"""Integration tests against a real Label Studio server (and headless Chromium).

They need a server started by ``.ci/labelstudio.sh`` (CI does it in ``.ci/run``):

    bash .ci/labelstudio.sh start                       # installs label-studio 1.23.2 in its own venv
    source "${CONFLICTNEWS_LS_HOME:-/tmp/conflictnews-ls}/env.sh"
    pytest tests/test_labelstudio_server.py
    bash .ci/labelstudio.sh stop

Without the server they are skipped with that message; with ``CONFLICTNEWS_LS_REQUIRED=1`` (set by
``.ci/run``) a missing server, SDK, browser or driver fails them instead. The browser check writes
its screenshots to ``$CONFLICTNEWS_TEST_ARTIFACTS`` (default ``out/test-artifacts/labelstudio``).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from conflictnews.corpus import load_documents
from conflictnews.document import Document, dumps
from conflictnews.labelstudio import client as LS
from conflictnews.labelstudio.agreement import merge_documents, multi_agreement
from conflictnews.labelstudio.cli import ls
from conflictnews.labelstudio.config import build_config
from conflictnews.labelstudio.convert import choose, import_tasks
from conflictnews.labelstudio.tasks import document_results, export_tasks
from conflictnews.schema import load_schema
from tests.test_labelstudio_fixtures import emoji_doc

URL = os.environ.get("CONFLICTNEWS_LS_URL")
TOKEN = os.environ.get("CONFLICTNEWS_LS_TOKEN")
EMAIL = os.environ.get("CONFLICTNEWS_LS_EMAIL")
PASSWORD = os.environ.get("CONFLICTNEWS_LS_PASSWORD")
NODE_MODULES = os.environ.get("CONFLICTNEWS_LS_NODE_MODULES")
REQUIRED = os.environ.get("CONFLICTNEWS_LS_REQUIRED") == "1"
CHROMIUM = os.environ.get("CONFLICTNEWS_CHROMIUM", "/usr/bin/chromium")
HOW = ("start one with `bash .ci/labelstudio.sh start && source ${CONFLICTNEWS_LS_HOME:-/tmp/conflictnews-ls}/env.sh`, "
       "then run `pytest tests/test_labelstudio_server.py` (stop it with `bash .ci/labelstudio.sh stop`)")
SCHEMA = load_schema("1.0.0")
REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("CONFLICTNEWS_TEST_ARTIFACTS") or REPO / "out" / "test-artifacts" / "labelstudio")


def _need(ok: bool, what: str) -> None:
    if ok:
        return
    if REQUIRED:
        pytest.fail(f"{what} (CONFLICTNEWS_LS_REQUIRED=1)")
    pytest.skip(f"{what}: {HOW}")


@pytest.fixture(scope="module")
def client():
    _need(bool(URL and TOKEN), "Label Studio integration tests need a running server "
                               "(CONFLICTNEWS_LS_URL and CONFLICTNEWS_LS_TOKEN are not set)")
    try:
        import label_studio_sdk  # noqa: F401
    except ImportError:
        _need(False, "label-studio-sdk is not installed (pip install -e '.[labelstudio]')")
    c = LS.connect(URL, TOKEN)
    try:
        c.projects.list(page_size=1)
    except Exception as exc:  # noqa: BLE001
        _need(False, f"no answer from the Label Studio server at {URL}: {exc}")
    return c


def _title(what: str) -> str:
    return f"cn-test {what} {uuid.uuid4().hex[:8]}"


def test_project_from_generated_config(client):
    title = _title("config")
    info = LS.ensure_project(client, SCHEMA, title=title)
    assert info.created
    project = client.projects.get(id=info.id)
    assert project.label_config.strip() == build_config(SCHEMA).strip()
    # the server itself accepts the config (it also catches what the offline check misses)
    client.projects.validate_label_config(id=info.id, label_config=build_config(SCHEMA))
    broken = build_config(SCHEMA).replace('toName="text" perRegion="true" choice="single-radio"',
                                          'toName="nowhere" perRegion="true" choice="single-radio"', 1)
    from label_studio_sdk.core.api_error import ApiError

    with pytest.raises(ApiError):
        client.projects.validate_label_config(id=info.id, label_config=broken)
    again = LS.ensure_project(client, SCHEMA, title=title)
    assert (again.id, again.created, again.config_updated) == (info.id, False, False)


def test_config_update_and_refusal(client):
    draft = load_schema("1.1.0")  # adds Harm.Release
    info = LS.ensure_project(client, draft, title=_title("update"))
    upd = LS.ensure_project(client, SCHEMA, project_id=info.id)  # no annotation uses Harm.Release yet
    assert upd.config_updated and not upd.created
    LS.ensure_project(client, draft, project_id=info.id)
    doc = emoji_doc()
    doc["schema_version"] = "1.1.0"
    (task,) = export_tasks([doc], draft, gold=False)
    (task_id,) = LS.push_tasks(client, info.id, [task])["task_ids"]
    s = doc["text"].index("fled")
    # an annotation using a label that only 1.1.0 has (the project summary of Label Studio 1.23 records
    # one label per control and annotation, so it is the annotation's only trigger here)
    client.annotations.create(id=task_id, result=[
        {"id": "r1", "from_name": "trigger", "to_name": "text", "type": "labels",
         "value": {"start": s, "end": s + 4, "text": "fled", "labels": ["Harm.Release"]}}])
    with pytest.raises(LS.SyncError, match="cannot replace.*Harm.Release"):
        LS.ensure_project(client, SCHEMA, project_id=info.id)


def _predicted(doc: Document) -> dict:
    d = doc.to_dict()
    d.pop("meta", None)
    d["events"] = d["events"][:1]
    d["meta"] = {"scores": {e["id"]: 0.5 for e in d["entities"]}}
    return d


def test_upload_export_import_roundtrip(client):
    docs = load_documents(split="dev") + [Document.from_dict(emoji_doc())]
    info = LS.ensure_project(client, SCHEMA, title=_title("roundtrip"))
    preds = {d.id: _predicted(d) for d in docs}
    r = LS.push_tasks(client, info.id, export_tasks(docs, SCHEMA, predictions=preds, model_version="test-model-1"))
    assert r["created"] == len(docs) and len(r["task_ids"]) == len(docs)
    again = LS.push_tasks(client, info.id, export_tasks(docs, SCHEMA))
    assert again["created"] == 0 and sorted(again["skipped"]) == sorted(d.id for d in docs)
    exported = LS.export_project(client, info.id)
    assert len(exported) == len(docs)
    for t in exported:  # predictions come back in full, with model version and score
        (p,) = t["predictions"]
        assert p["model_version"] == "test-model-1" and p["score"] == pytest.approx(0.5)
        assert any(x.get("type") == "labels" for x in p["result"])
    res = import_tasks(exported)
    assert [str(p) for p in res.all_problems()] == []
    got = {it.doc["id"]: it.doc for it in res.items}
    for d in docs:
        assert dumps(got[d.id]) == dumps(d), d.id


def test_annotations_through_the_api(client):
    """Annotations made through the API by two users, one skip; export, import, agreement, merge."""
    info = LS.ensure_project(client, SCHEMA, title=_title("annotators"))
    gold = emoji_doc()
    pred = copy.deepcopy(gold)
    pred.pop("meta")
    r = LS.push_tasks(client, info.id, export_tasks([gold], SCHEMA, gold=False, predictions={gold["id"]: pred},
                                                   model_version="m"))
    (task_id,) = r["task_ids"]
    email = f"second-{uuid.uuid4().hex[:6]}@conflictnews.test"
    second = client.users.create(email=email, username=email.split("@")[0], password="second-pass-123")
    me = client.annotations.create(id=task_id, result=document_results(gold, SCHEMA))
    other = copy.deepcopy(gold)
    other["entities"][4]["attributes"]["level"] = "PRO"
    theirs = client.annotations.create(id=task_id, result=document_results(other, SCHEMA), completed_by=second.id)
    skipped = client.annotations.create(id=task_id, result=[], was_cancelled=True)
    tasks = LS.export_project(client, info.id)
    names = LS.user_names(client)
    assert names[second.id] == email
    res = import_tasks(tasks)
    assert sorted(it.annotation for it in res.items) == sorted([me.id, theirs.id])
    (skip,) = [p for p in res.problems if "skipped" in p.message]
    assert (skip.task, skip.annotation) == (task_id, skipped.id)
    by = {it.annotation: it for it in res.items}
    assert by[me.id].doc == gold and by[theirs.id].doc == other
    assert all(it.ok for it in res.items)
    _, problems = choose(res)
    assert problems and problems[0].severity == "error"  # two annotators: choose, or merge
    docs = {a: {d: it.document for d, it in m.items()} for a, m in res.by_annotator().items()}
    ag = multi_agreement(docs, resamples=10)
    assert ag.pairs[0].figures["entity strict F1"] == 1.0
    assert ag.pairs[0].kappa["entity types (matched spans)"] == 1.0
    merged = merge_documents({a: m[gold["id"]] for a, m in docs.items()}, strategy="base",
                             base=f"user-{second.id}")
    assert [c.kind for c in merged.conflicts] == ["entity attribute"]


def test_cli_push_and_pull(client, tmp_path):
    title = _title("cli")
    src = tmp_path / "src"
    src.mkdir()
    (src / "test-emoji.json").write_text(dumps(emoji_doc()), encoding="utf-8")
    env = {"LABEL_STUDIO_URL": URL, "LABEL_STUDIO_API_KEY": TOKEN}
    r = CliRunner(env=env).invoke(ls, ["push", str(src), "--project-title", title])
    assert r.exit_code == 0, r.output
    assert "1 task(s) uploaded" in r.output and "(created)" in r.output
    preds = tmp_path / "preds.jsonl"
    pred = {k: v for k, v in emoji_doc().items() if k != "meta"}
    preds.write_text(json.dumps(pred, ensure_ascii=False) + "\n", encoding="utf-8")
    r = CliRunner(env=env).invoke(ls, ["push", str(src), "--project-title", title, "--predictions", str(preds),
                                       "--model-version", "late-model", "--update-existing"])
    assert r.exit_code == 0, r.output
    assert "1 already there, 1 prediction(s) added" in r.output
    out = tmp_path / "pulled"
    raw = tmp_path / "raw.json"
    r = CliRunner(env=env).invoke(ls, ["pull", "--project-title", title, "-o", str(out), "--save-export", str(raw)])
    assert r.exit_code == 0, r.output
    assert (out / "test-emoji.json").read_text(encoding="utf-8") == dumps(emoji_doc())
    (task,) = json.loads(raw.read_text(encoding="utf-8"))
    assert task["annotations"][0]["completed_by"]["email"] == EMAIL
    assert [p["model_version"] for p in task["predictions"]] == ["late-model"]
    r = CliRunner(env={"LABEL_STUDIO_URL": "", "LABEL_STUDIO_API_KEY": ""}).invoke(ls, ["pull", "--project-id", "1"])
    assert r.exit_code != 0 and "LABEL_STUDIO_URL" in r.output


BROWSER_SCRIPT = r"""
// Label Studio's labeling page in headless Chromium, driven by playwright-core.
const cfg = JSON.parse(process.argv[2]);
const { chromium } = require(cfg.playwright);
(async () => {
  const out = {};
  // a fresh profile (--user-data-dir) for every run
  const browser = await chromium.launchPersistentContext(cfg.profile, {
    executablePath: cfg.chromium, headless: true, viewport: { width: 1500, height: 1100 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"],
  });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(60000);
    await page.goto(cfg.url + "/user/login/");
    await page.fill('input[name="email"]', cfg.email);
    await page.fill('input[name="password"]', cfg.password);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    out.afterLogin = page.url();
    await page.goto(`${cfg.url}/projects/${cfg.project}/data?task=${cfg.task}`);
    await page.waitForSelector(".lsf-label");
    await page.waitForSelector(".htx-highlight");
    await page.waitForTimeout(1500);
    out.labels = await page.$$eval(".lsf-label", (els) => els.map((e) => e.innerText.split("\n")[0].trim()));
    out.highlights = await page.$$eval(".htx-highlight", (els) => els.map((e) => e.textContent));
    const tab = page.locator(".lsf-panel-tabs__tab:visible", { hasText: /^Relations/ });
    if (await tab.count()) { await tab.first().click(); await page.waitForTimeout(800); }
    out.page = await page.evaluate(() => document.body.innerText);
    await page.screenshot({ path: cfg.screenshot, fullPage: true });
    // per-region controls appear for the labels the schema gives them
    for (const [key, word] of [["entityPanel", "Idlib"], ["eventPanel", "killing"]]) {
      await page.locator(".htx-highlight", { hasText: word }).first().click();
      await page.waitForTimeout(800);
      out[key] = await page.evaluate(() => document.querySelector(".lsf-main-view, body").innerText);
      await page.screenshot({ path: cfg.screenshot.replace(/\.png$/, `-${key}.png`), fullPage: true });
      await page.keyboard.press("Escape");
      await page.waitForTimeout(500);
    }
    // create a region the way an annotator does: pick a label, select text after the emoji
    await page.locator(".lsf-label", { hasText: cfg.select.label }).first().click();
    out.selected = await page.evaluate(({ word, nth }) => {
      const root = document.querySelector(".lsf-richtext__container, .htx-richtext");
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      let n, seen = 0;
      while ((n = walker.nextNode())) {
        let from = 0, i;
        while ((i = n.textContent.indexOf(word, from)) >= 0) {
          if (seen++ === nth) {
            const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + word.length);
            const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r);
            const rect = r.getBoundingClientRect();
            n.parentElement.dispatchEvent(new MouseEvent("mouseup",
              { bubbles: true, clientX: rect.right, clientY: rect.bottom }));
            return true;
          }
          from = i + 1;
        }
      }
      return false;
    }, cfg.select);
    await page.waitForTimeout(1000);
    out.highlightsAfter = await page.$$eval(".htx-highlight", (els) => els.map((e) => e.textContent));
    await page.locator("button", { hasText: /^(Update|Submit)$/ }).first().click();
    await page.waitForTimeout(2500);
    await page.screenshot({ path: cfg.screenshot.replace(/\.png$/, "-after-edit.png"), fullPage: true });
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def test_browser_renders_the_labeling_page(client, tmp_path):
    """Headless Chromium: the generated config renders (labels, highlighted regions, relations), and a
    region made by selecting text after astral characters comes back with code-point offsets and
    the rest of the annotation intact after the front-end re-serialised it."""
    node = shutil.which("node")
    _need(bool(node), "the browser check needs node")
    _need(Path(CHROMIUM).exists(), f"the browser check needs Debian's chromium at {CHROMIUM} "
                                   "(apt-get install chromium)")
    _need(bool(NODE_MODULES) and (Path(NODE_MODULES or "") / "playwright-core").is_dir(),
          "the browser check needs playwright-core (CONFLICTNEWS_LS_NODE_MODULES; .ci/labelstudio.sh installs it)")
    _need(bool(EMAIL and PASSWORD), "the browser check needs CONFLICTNEWS_LS_EMAIL and CONFLICTNEWS_LS_PASSWORD")
    gold = emoji_doc()
    info = LS.ensure_project(client, SCHEMA, title=_title("browser"))
    (task_id,) = LS.push_tasks(client, info.id, export_tasks([gold], SCHEMA))["task_ids"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "labeling-page.png"
    script = tmp_path / "browser.cjs"
    script.write_text(BROWSER_SCRIPT, encoding="utf-8")
    cfg = {"playwright": str(Path(NODE_MODULES) / "playwright-core"), "chromium": CHROMIUM, "url": URL,
           "email": EMAIL, "password": PASSWORD, "project": info.id, "task": task_id, "screenshot": str(shot),
           "profile": str(tmp_path / "chromium-profile"),
           "select": {"word": "said", "nth": 0, "label": "Communicate.Statement"}}
    p = subprocess.run([node, str(script), json.dumps(cfg)], capture_output=True, text=True, timeout=240)
    assert p.returncode == 0, p.stderr[-3000:]
    out = json.loads(p.stdout)
    assert "/user/login" not in out["afterLogin"]
    assert set(SCHEMA.entity_labels + SCHEMA.event_labels) <= set(out["labels"])
    texts = [e["text"] for e in gold["entities"]] + [v["trigger"]["text"] for v in gold["events"]]
    assert sorted(out["highlights"]) == sorted(texts)  # every region where the offsets say
    for role in ("Attacker", "Victim", "Count", "Displaced"):
        assert role in out["page"]  # relation labels shown
    assert "Relations (9)" in out["page"]
    assert "Entity level" in out["entityPanel"] and "Entity cluster" in out["entityPanel"]
    assert "Event polarity" not in out["entityPanel"]
    assert "Event polarity" in out["eventPanel"] and "Event count" in out["eventPanel"]
    assert "Entity level" not in out["eventPanel"]
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out["selected"] and "said" in out["highlightsAfter"]
    (t,) = LS.export_project(client, info.id)
    (item,) = import_tasks([t]).items
    assert [p for p in item.problems if p.severity != "info"] == []
    new = [v for v in item.doc["events"] if v["type"] == "Communicate.Statement"]
    (said,) = new
    s = gold["text"].index("said")
    assert said["trigger"] == {"start": s, "end": s + 4, "text": "said"}  # code points, as the corpus counts
    rest = dict(item.doc, events=[v for v in item.doc["events"] if v["type"] != "Communicate.Statement"])
    assert rest == gold  # the front-end's re-serialisation lost nothing
