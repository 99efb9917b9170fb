"""The CLI's small things a new user meets: -V, whole summaries, click's usage lines, completion, JSON positions."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from conftest import FY2026, MINIMAL, assert_no_traceback, run_cli, write_project

from c3p_docs import __version__


def _visible_commands() -> list[tuple[str, ...]]:
    """Every command and group a user sees in --help, as the words that call it."""
    import typer.main

    from c3p_docs.cli import app

    def walk(command, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
        found = []
        for name, sub in getattr(command, "commands", {}).items():
            if not sub.hidden:
                found += [prefix + (name,)] + walk(sub, prefix + (name,))
        return found

    return walk(typer.main.get_command(app), ())


COMMANDS = _visible_commands()
GROUPS = [c for c in COMMANDS if any(other[:len(c)] == c and other != c for other in COMMANDS)]


def test_the_commands_a_user_meets_first_are_all_listed():
    assert {("init",), ("validate",), ("build",), ("subject", "check"), ("trip", "plan"), ("calls",)} <= set(COMMANDS)
    assert {("subject",), ("trip",)} <= set(GROUPS)


@pytest.mark.parametrize("option", ["-V", "--version", "version"])
def test_the_version_answers_to_v_version_and_the_version_command(option):
    result = run_cli(option)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"c3p-docs {__version__}\n", "")


def _commands_section(text: str) -> dict[str, str]:
    """Command name → its summary as listed (continuation lines joined) in a --help's Commands section."""
    section = text.split("Commands:\n", 1)[1]
    summaries: dict[str, str] = {}
    name = ""
    for line in section.splitlines():
        match = re.match(r"  (\S+)\s+(.*)", line)
        if match:
            name = match[1]
            summaries[name] = match[2]
        elif line.strip() and name:
            summaries[name] += " " + line.strip()
    return summaries


@pytest.mark.parametrize("columns", ["200", "60"])
@pytest.mark.parametrize("group", [(), *GROUPS])
def test_command_summaries_are_whole_sentences_never_cut(group, columns):
    env = {**os.environ, "COLUMNS": columns, "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-m", "c3p_docs", *group, "--help"], capture_output=True, text=True, env=env)
    summaries = _commands_section(result.stdout)
    assert summaries and set(summaries) == {c[len(group)] for c in COMMANDS if c[:-1] == group}
    for name, summary in summaries.items():
        assert summary.endswith(".") and not summary.endswith("..."), (name, summary)
        assert "…" not in summary, (name, summary)


USAGES = {
    ("validate",): "PROJECT.yaml", ("calls",): "[CALL]", ("init",): "[DIR]", ("monthly",): "PROJECT.yaml...",
    ("subject", "check"): "TEXT", ("session",): "PROJECT.yaml kickoff|interim|final",
    ("trip", "plan"): "PROJECT.yaml ACTIVITY", ("trip", "report"): "PROJECT.yaml ACTIVITY", ("check-package",): "DIR",
    ("check-form",): "FORM", ("schema",): "", ("fields",): "", ("build",): "PROJECT.yaml", ("plan",): "PROJECT.yaml",
}


@pytest.mark.parametrize("command", [c for c in COMMANDS if c not in GROUPS])
def test_usage_lines_follow_clicks_conventions(command):
    result = run_cli(*command, "--help")
    usage = result.stdout.splitlines()[0]
    assert usage.startswith(f"Usage: c3p-docs {' '.join(command)} [OPTIONS]"), usage
    arguments = usage.removeprefix(f"Usage: c3p-docs {' '.join(command)} [OPTIONS]").strip()
    # click: NAME when required, [NAME] when optional, NAME... when repeated; never typer's {NAME} or [[NAME]]
    assert re.fullmatch(r"((\[[A-Za-z.|]+\]|[A-Za-z.|]+)(\.\.\.)? ?)*", arguments), usage
    assert "{" not in usage and "[[" not in usage and "]]" not in usage, usage
    if command in USAGES:
        assert arguments == USAGES[command], usage


def test_help_documents_where_and_v():
    result = run_cli("--help")
    assert "-V, --version" in result.stdout and "--where" in result.stdout and "cron" in result.stdout


def test_a_yaml_syntax_error_in_json_names_file_line_and_column(tmp_path):
    path = write_project(tmp_path, MINIMAL.replace("  title: {ja: 試験事業, en: Test project}",
                                                   "  title: {ja: 試験事業, en: Test project"))
    result = run_cli("validate", path, "--format", "json")
    assert result.returncode == 2
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["file"], finding["line"]) == (str(path), 4) and isinstance(finding["column"], int)
    where = f"{path}:4:{finding['column']}: YAML syntax error"
    assert finding["message"].startswith(where) and where in result.stderr


def _complete(words: str, *, cwd=None) -> subprocess.CompletedProcess:
    """What bash completion asks the program for the last word of `words`."""
    env = {**os.environ, "_C3P_DOCS_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split(" ")) - 1)}
    return subprocess.run([sys.executable, "-m", "c3p_docs"], capture_output=True, text=True, env=env, cwd=cwd)


def test_completion_offers_call_ids_session_kinds_and_the_projects_activity_ids():
    assert _complete("c3p-docs calls fy").stdout.split() == ["fy2024-2", "fy2026-1"]
    assert _complete("c3p-docs subject check x --call fy2026").stdout.split() == ["fy2026-1"]
    assert _complete("c3p-docs init out --call ").stdout.split() == ["fy2024-2", "fy2026-1"]
    assert _complete(f"c3p-docs session {FY2026} ").stdout.split() == ["kickoff", "interim", "final"]
    assert _complete(f"c3p-docs session {FY2026} in").stdout.split() == ["interim"]
    activities = _complete(f"c3p-docs trip plan {FY2026} ").stdout.split()
    assert {"survey-1", "survey-2", "workshop-1", "invitation-1"} <= set(activities)
    assert _complete(f"c3p-docs trip report {FY2026} survey").stdout.split() == ["survey-1", "survey-2"]


def test_completion_with_an_unreadable_project_offers_nothing_and_never_fails(tmp_path):
    broken = write_project(tmp_path, "activities: [{id: a, title: {ja: x\n")
    for project in (broken, tmp_path / "missing.yaml", tmp_path):
        result = _complete(f"c3p-docs trip plan {project} ")
        assert_no_traceback(result)
        assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "", "")


def test_one_bad_date_is_one_error_and_adds_no_warning(tmp_path):
    text = FY2026.read_text(encoding="utf-8")
    assert "    date: 2026-07-13\n" in text
    broken = write_project(tmp_path, text.replace("    date: 2026-07-13\n", "    date: 2026-07-32\n", 1))
    before = json.loads(run_cli("validate", FY2026, "--format", "json").stdout)["findings"]
    result = run_cli("validate", broken, "--format", "json")
    after = json.loads(result.stdout)["findings"]
    assert result.returncode == 1
    [error] = [f for f in after if f["severity"] == "error"]
    assert error["path"].endswith("].date") and "2026-07-32" in error["message"]
    new = {(f["code"], f["path"]) for f in after} - {(f["code"], f["path"]) for f in before}
    assert new == {(error["code"], error["path"])}
