"""`--where` and the README's cron line: what runs under cron's empty environment, as written."""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import shutil
import subprocess

import pytest
from conftest import ROOT, run_cli

from c3p_docs.monthly import previous_month
from c3p_docs.where import command_without_path


def test_the_script_that_started_the_run_is_named_by_its_full_path(tmp_path):
    script = tmp_path / "my bin" / "c3p-docs"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    command = command_without_path("c3p-docs", "/usr/bin/python3", "/site-packages", str(script.parent), {}, False)
    assert command == shlex.quote(str(script)) == f"'{script}'"


def test_a_windows_launcher_is_named_with_its_exe(tmp_path):
    (tmp_path / "c3p-docs.exe").write_bytes(b"MZ")
    command = command_without_path(str(tmp_path / "c3p-docs"), "python.exe", "C:/site", str(tmp_path), {}, True)
    assert command == str(tmp_path / "c3p-docs.exe")


def test_a_checkout_found_through_pythonpath_gets_it_in_the_command(tmp_path):
    checkout = str(tmp_path / "c3p docs")
    command = command_without_path(f"{checkout}/c3p_docs/__main__.py", "/opt/py/bin/python", checkout, "/elsewhere",
                                   {"PYTHONPATH": checkout}, False)
    assert command == f"PYTHONPATH={shlex.quote(checkout)} /opt/py/bin/python -m c3p_docs"
    windows = command_without_path(f"{checkout}/c3p_docs/__main__.py", "C:/Py 3/python.exe", checkout, "C:/x",
                                   {"PYTHONPATH": checkout}, True)
    assert windows == f'set "PYTHONPATH={checkout}" && "C:/Py 3/python.exe" -m c3p_docs'


def test_where_is_in_help_and_prints_one_line():
    result = run_cli("--where")
    assert result.returncode == 0 and result.stderr == "" and len(result.stdout.splitlines()) == 1
    assert "--where" in run_cli("--help").stdout


def _readme_cron_command() -> str:
    """The command of the one schedule line in the README's ```cron block."""
    block = re.search(r"```cron\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert block, "the README has a ```cron block"
    [line] = [line for line in block[1].splitlines() if line.strip() and not line.lstrip().startswith("#")]
    schedule = line.split(None, 5)
    assert len(schedule) == 6 and all(re.fullmatch(r"[\d*/,-]+", field) for field in schedule[:5]), line
    return schedule[5]


def _project(period_start: dt.date, month: str) -> str:
    end = period_start.replace(year=period_start.year + 3) - dt.timedelta(days=1)
    return (f"call: fy2026-1\nproject:\n  title: {{ja: 試験事業, en: Test project}}\n"
            f"  period: {{start: {period_start}, end: {end}}}\n"
            "japanese_city:\n  name: {ja: 大阪市, en: Osaka}\npartner_city:\n  name: {ja: ホーチミン市, en: Ho Chi Minh City}\n"
            "  country: Vietnam\napplicant:\n  name: {ja: 試験株式会社, en: Test Co.}\n"
            f"monthly:\n  {month}:\n    progress: {{ja: [現地調査を実施した], en: [Field survey done]}}\n")


@pytest.mark.skipif(not shutil.which("env") or not os.path.exists("/bin/sh"), reason="needs env and /bin/sh (POSIX)")
def test_the_readmes_cron_line_runs_under_an_empty_environment(tmp_path):
    command = _readme_cron_command()
    [script] = re.findall(r"\S*/c3p-docs\b", command)  # the README writes a full path, never a bare c3p-docs
    [folder] = re.findall(r"^cd (\S+) && ", command)
    where = run_cli("--where").stdout.strip()
    command = command.replace(script, where, 1).replace(f"cd {folder} ", f"cd {shlex.quote(str(tmp_path))} ", 1)
    month = previous_month(dt.date.today())  # what `monthly` takes without --month
    year, number = map(int, month.split("-"))
    fiscal_start = dt.date(year if number >= 4 else year - 1, 4, 1)
    for name in ("osaka-hcmc", "osaka-hcmc-2"):  # the README's layout: a folder per project, as `init` makes them
        (tmp_path / "projects" / name).mkdir(parents=True)
        (tmp_path / "projects" / name / "project.yaml").write_text(_project(fiscal_start, month), encoding="utf-8")
    cron = {"PATH": "/usr/bin:/bin", "SHELL": "/bin/sh", "HOME": str(tmp_path), "LOGNAME": "c3p"}
    for environment in ({}, cron):  # nothing at all, then what cron itself gives
        result = subprocess.run(["env", "-i", *(f"{k}={v}" for k, v in environment.items()), "/bin/sh", "-c", command],
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "not found" not in result.stderr
        reports = sorted(path.relative_to(tmp_path / "reports").as_posix()
                         for path in (tmp_path / "reports").rglob("*.docx") if month in path.name)
        assert reports == sorted(f"{name}/monthly_{month}_{lang}.docx" for name in ("osaka-hcmc", "osaka-hcmc-2")
                                 for lang in ("en", "ja")), result.stdout
