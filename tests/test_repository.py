"""README's two commands are the ones that work, and CI runs the test command."""

from __future__ import annotations

import re

from .conftest import ROOT


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```(?:bash|sh)?\n(.+?)\n```", text, flags=re.S)


def test_readme_leads_with_two_commands():
    cmds = readme_commands()
    assert len(cmds) >= 2
    main_job, tests = cmds[0].strip(), cmds[1].strip()
    assert "\n" not in main_job and "\n" not in tests
    assert "pip install" in main_job and "conflictnews" in main_job
    assert "pip install" in tests and "pytest" in tests
    # The two set-up commands come before any other section of the README.
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.index(tests) < text.index("\n## ")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1].strip() in ci


def test_layout_is_the_designed_one():
    for name in ("pyproject.toml", "corpus", "schema", "baselines", "eval", "tests", "CARD.md", "README.md",
                 "benchmarks", ".ci"):
        assert (ROOT / name).exists(), name
    pyproject = (ROOT / "pyproject.toml").read_text()
    # One import package; the top-level folders are mapped into it, nothing generic is installed.
    assert re.search(r'"conflictnews.schema"\s*=\s*"schema"', pyproject)
    assert re.search(r'"conflictnews.eval"\s*=\s*"eval"', pyproject)
    assert 'conflictnews = "conflictnews.cli:main"' in pyproject
