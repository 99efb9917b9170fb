"""The README's two commands are what CI runs, and a plain install ships templates and profiles."""

from __future__ import annotations

import re

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
