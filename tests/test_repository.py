"""The README's two commands are what CI runs, and a plain install ships templates and profiles."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

import pytest
from conftest import ROOT


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = text.split("## Set up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", setup, re.S)]


def test_ci_runs_the_readme_install_and_test_commands():
    install, test = readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install.replace("apt-get", "$SUDO apt-get") in ci
    assert ci.rstrip().endswith(test)
    assert "samples/" in install and "c3p-docs build" in install


def test_package_data_covers_every_template_and_profile():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for folder in ("ja", "en", "common"):
        assert f'"{folder}/*"' in pyproject
        assert any((ROOT / "templates" / folder).iterdir())
    assert '"c3p_docs.calls" = ["*.yaml"]' in pyproject


@pytest.mark.parametrize("tool, args", [("ruff", ["check", "c3p_docs", "tests", "bench"]), ("mypy", [])])
def test_linters_are_clean(tool, args):
    """CI runs ruff and mypy through the test command; their configuration is in pyproject.toml."""
    if importlib.util.find_spec(tool) is None:
        pytest.skip(f"{tool} is not installed (pip install '.[test]')")
    result = subprocess.run([sys.executable, "-m", tool, *args], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{tool} found problems:\n{result.stdout}{result.stderr}"
