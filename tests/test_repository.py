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


def test_private_package_writer_apis_still_exist():
    """packaging.py falls back to save-and-rezip if python-docx/pptx drop their writer internals; this says so loudly."""
    import io
    import zipfile

    import docx
    import pptx

    from c3p_docs.documents.packaging import FIXED_TIME, write_docx_package, write_pptx_package

    for data in (write_docx_package(docx.Document()), write_pptx_package(pptx.Presentation())):
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
        assert entries[0].filename == "[Content_Types].xml"
        assert {e.date_time for e in entries} == {FIXED_TIME}


def test_imported_third_party_modules_are_declared():
    import ast
    import tomllib

    declared = {re.split(r"[<>=\[ ]", d, maxsplit=1)[0].lower().replace("_", "-")
                for d in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]}
    distribution = {"docx": "python-docx", "pptx": "python-pptx", "yaml": "pyyaml"}
    imported = set()
    for source in (ROOT / "c3p_docs").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {name for name in imported - set(sys.stdlib_module_names) if name != "c3p_docs"}
    missing = {name for name in third_party if distribution.get(name, name).lower().replace("_", "-") not in declared}
    assert not missing, f"imported but not in [project] dependencies: {sorted(missing)}"
