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


def test_a_plain_install_imports_every_module_and_finds_its_templates(tmp_path):
    """What CI and users get is a built wheel, not this checkout: every module must import from it.

    A sub-package missing from pyproject.toml's list imports fine here (editable install) and
    fails only after `pip install .`; this builds and installs a copy to catch exactly that.
    """
    import shutil

    source = tmp_path / "src"
    for name in ("c3p_docs", "templates"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    target = tmp_path / "site"
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(source)],
        capture_output=True, text=True, timeout=600,
    )
    assert pip.returncode == 0, pip.stderr
    probe = (
        "import importlib, pathlib, pkgutil, sys\n"
        "import c3p_docs\n"
        "assert pathlib.Path(c3p_docs.__file__).parent.parent == pathlib.Path(sys.argv[1]), c3p_docs.__file__\n"
        "names = sorted(m.name for m in pkgutil.walk_packages(c3p_docs.__path__, 'c3p_docs.'))\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "from c3p_docs.jinja_env import template_dir\n"
        "assert str(template_dir('ja')).startswith(sys.argv[1]), template_dir('ja')\n"
        "assert (template_dir('ja') / 'strings.yaml').is_file() and (template_dir('common') / 'reference.docx').is_file()\n"
        "print('\\n'.join(names))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe, str(target)],
        cwd=tmp_path, env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    in_checkout = {
        ".".join(("c3p_docs", *p.relative_to(ROOT / "c3p_docs").with_suffix("").parts)).removesuffix(".__init__")
        for p in (ROOT / "c3p_docs").rglob("*.py")
    } - {"c3p_docs"}
    missing = sorted(in_checkout - set(run.stdout.split()))
    assert not missing, f"modules in the checkout that `pip install .` leaves out: {missing}"
