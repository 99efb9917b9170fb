"""init, schema, calls and subjects as a user meets them."""

from __future__ import annotations

import json

import pytest
from conftest import FY2024, FY2026, assert_no_traceback, run_cli


def test_init_writes_a_commented_project_that_validates(tmp_path):
    for lang, comment in (("ja", "# 事業名"), ("en", "# Project title.")):
        folder = tmp_path / lang
        result = run_cli("init", folder, "--lang", lang, "--call", "fy2024-2")
        assert result.returncode == 0, result.stderr
        text = (folder / "project.yaml").read_text(encoding="utf-8")
        assert comment in text and "call: fy2024-2" in text
        check = run_cli("validate", folder / "project.yaml")
        assert check.returncode == 0, check.stdout


def test_init_never_overwrites_without_force(tmp_path):
    run_cli("init", tmp_path)
    (tmp_path / "project.yaml").write_text("mine", encoding="utf-8")
    result = run_cli("init", tmp_path)
    assert result.returncode == 2 and "--force" in result.stderr
    assert (tmp_path / "project.yaml").read_text(encoding="utf-8") == "mine"


def test_schema_is_json_schema_with_field_descriptions():
    schema = json.loads(run_cli("schema").stdout)
    assert schema["properties"]["call"]["description"].startswith("Call profile")
    assert "Project" in schema["title"] or schema["title"] == "c3p-docs project"


def test_calls_lists_both_bundled_profiles():
    result = run_cli("calls")
    assert "fy2024-2" in result.stdout and "fy2026-1" in result.stdout


def test_help_teaches_the_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("validate", "build", "score", "init", "subject"):
        assert command in result.stdout


def test_subject_make_prints_the_exact_subject():
    assert run_cli("subject", "make", FY2024).stdout.strip() == (
        "（横浜市-スラバヤ市）令和6年度脱炭素社会実現のための都市間連携事業委託業務応募")
    assert "（北九州市-ダバオ市）令和8年度" in run_cli("subject", "make", FY2026).stdout


def test_subject_check_accepts_the_exact_subject():
    subject = "（横浜市-スラバヤ市）令和6年度脱炭素社会実現のための都市間連携事業委託業務応募"
    result = run_cli("subject", "check", subject, "--project", FY2024)
    assert result.returncode == 0


def test_subject_check_finds_each_kind_of_deviation():
    from c3p_docs.calls import load_call
    from c3p_docs.project import load_project
    from c3p_docs.subject import check_subject

    loaded = load_project(FY2024)

    def codes(text: str, with_project: bool = True) -> set[str]:
        if with_project:
            return {f.code for f in check_subject(text, loaded.rules, loaded.project)}
        return {f.code for f in check_subject(text, load_call("fy2024-2"))}

    tail = "脱炭素社会実現のための都市間連携事業委託業務応募"
    assert codes(f"(横浜市-スラバヤ市)令和6年度{tail}") == {"subject-characters"}
    assert codes(f"（横浜市ースラバヤ市）令和6年度{tail}") == {"subject-characters"}
    assert codes(f"（横浜市-スラバヤ市） 令和6年度{tail}") == {"subject-characters"}
    assert "subject-fiscal-year" in codes(f"（横浜市-スラバヤ市）2024年度{tail}")
    assert "subject-fiscal-year" in codes(f"（横浜市-スラバヤ市）令和8年度{tail}")
    assert "subject-names" in codes(f"（スラバヤ市-横浜市）令和6年度{tail}")
    assert "subject-names" in codes(f"（川崎市-スラバヤ市）令和6年度{tail}")
    assert "subject-format" in codes("（横浜市-スラバヤ市）令和6年度都市間連携事業応募")
    assert "subject-format" in codes("応募します", with_project=False)


def test_subject_check_reports_on_stderr_or_as_json_and_exits_1():
    text = "(横浜市-スラバヤ市)令和6年度脱炭素社会実現のための都市間連携事業委託業務応募"
    result = run_cli("subject", "check", text, "--project", FY2024)
    assert_no_traceback(result)
    assert result.returncode == 1 and "error[subject-characters]" in result.stderr and not result.stdout
    result = run_cli("subject", "check", text, "--call", "fy2024-2", "--format", "json")
    assert result.returncode == 1 and {f["code"] for f in json.loads(result.stdout)["findings"]} >= {"subject-characters"}


def test_a_city_name_holding_the_separator_still_makes_a_valid_subject(tmp_path):
    from conftest import MINIMAL, write_project

    from c3p_docs.project import load_project
    from c3p_docs.subject import check_subject, make_subject

    loaded = load_project(write_project(tmp_path, MINIMAL.replace("ja: 相手市", "ja: バンダル・スリ-ブガワン市")))
    subject = make_subject(loaded.project, loaded.rules)
    assert subject.startswith("（試験市-バンダル・スリ-ブガワン市）令和8年度")
    assert check_subject(subject, loaded.rules, loaded.project) == []


def test_an_unusable_output_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = run_cli("build", FY2026, "-o", blocker / "out", "--pdf", "never")
    assert_no_traceback(result)
    assert result.returncode == 2 and "a-file" in result.stderr and "internal error" not in result.stderr


def test_version_comes_from_the_package_and_matches_the_distribution():
    import importlib.metadata
    import tomllib

    from c3p_docs import __version__

    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"c3p-docs {__version__}"
    assert importlib.metadata.version("c3p-docs") == __version__
    from conftest import ROOT

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]  # one source: c3p_docs.__version__


def test_shell_completion_is_offered():
    import os
    import subprocess
    import sys

    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    result = subprocess.run([sys.executable, "-m", "c3p_docs", "--show-completion", "bash"], capture_output=True,
                            text=True, env=env)
    assert result.returncode == 0 and "_C3P_DOCS_COMPLETE=complete_bash" in result.stdout
    assert result.stdout.rstrip().endswith(" c3p-docs")
    assert "--install-completion" in run_cli("--help").stdout


def test_languages_and_pdf_modes_are_choices_with_clear_errors(tmp_path):
    result = run_cli("build", FY2026, "-o", tmp_path, "--lang", "ja,fr")
    assert_no_traceback(result)
    # the message is in the first language of --lang
    assert result.returncode == 2 and "fr は c3p-docs が扱う言語ではありません" in result.stderr and "ja,en" in result.stderr
    result = run_cli("monthly", FY2026, "-o", tmp_path, "--pdf", "sometimes")
    assert result.returncode == 2 and "'auto', 'always', 'never'" in result.stderr
    result = run_cli("score", FY2026, "--lang", "de")
    assert result.returncode == 2 and "de is not a language c3p-docs writes; use ja, en or ja,en" in result.stderr
    assert not any(tmp_path.iterdir())


def test_subject_make_and_calendar_speak_json(tmp_path):
    made = json.loads(run_cli("subject", "make", FY2026, "--format", "json").stdout)
    assert made["ok"] is True and made["findings"] == [] and made["subject"].startswith("（北九州市-ダバオ市）令和8年度")
    assert made["call"] == "fy2026-1" and made["assumed"] in (True, False)
    target = tmp_path / "deadlines.ics"
    first = run_cli("calendar", FY2026, "-o", target, "--format", "json", "--lang", "ja")
    assert first.returncode == 0, first.stderr
    payload = json.loads(first.stdout)
    assert payload["ok"] is True and payload["changed"] is True and payload["out"] == str(target)
    assert payload["lang"] == "ja"
    survey = next(e for e in payload["events"] if e["summary"] == "第1回現地調査（工場省エネ診断）")
    assert (survey["start"], survey["end"]) == ("2026-07-13", "2026-07-17")
    assert survey["uid"] in target.read_text(encoding="utf-8")
    again = json.loads(run_cli("calendar", FY2026, "-o", target, "--format", "json", "--lang", "ja").stdout)
    assert again["changed"] is False and again["events"] == payload["events"]


@pytest.mark.parametrize("args", [("score", FY2026), ("calls",), ("calls", "fy2024-2", "--criteria"), ("fields",),
                                  ("subject", "make", FY2024), ("validate", FY2024)])
def test_every_report_in_json_is_one_object_with_ok_and_findings(args):
    from conftest import invoke

    result = invoke(*args, "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["ok"] is True and isinstance(payload["findings"], list)
