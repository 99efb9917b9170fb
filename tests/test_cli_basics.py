"""init, schema, calls and subjects as a user meets them."""

from __future__ import annotations

import json

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


def codes(text: str, *extra: str) -> set[str]:
    result = run_cli("subject", "check", text, *extra, "--format", "json")
    assert_no_traceback(result)
    assert result.returncode in (0, 1)
    return {f["code"] for f in json.loads(result.stdout)["findings"]}


def test_subject_check_finds_each_kind_of_deviation():
    tail = "脱炭素社会実現のための都市間連携事業委託業務応募"
    project = ("--project", str(FY2024))
    assert codes(f"(横浜市-スラバヤ市)令和6年度{tail}", *project) == {"subject-characters"}
    assert codes(f"（横浜市ースラバヤ市）令和6年度{tail}", *project) == {"subject-characters"}
    assert codes(f"（横浜市-スラバヤ市） 令和6年度{tail}", *project) == {"subject-characters"}
    assert "subject-fiscal-year" in codes(f"（横浜市-スラバヤ市）2024年度{tail}", *project)
    assert "subject-fiscal-year" in codes(f"（横浜市-スラバヤ市）令和8年度{tail}", *project)
    assert "subject-names" in codes(f"（スラバヤ市-横浜市）令和6年度{tail}", *project)
    assert "subject-names" in codes(f"（川崎市-スラバヤ市）令和6年度{tail}", *project)
    assert "subject-format" in codes("（横浜市-スラバヤ市）令和6年度都市間連携事業応募", *project)
    assert "subject-format" in codes("応募します", "--call", "fy2024-2")


def test_a_city_name_holding_the_separator_still_makes_a_valid_subject(tmp_path):
    from conftest import MINIMAL, write_project

    project = write_project(tmp_path, MINIMAL.replace("ja: 相手市", "ja: バンダル・スリ-ブガワン市"))
    subject = run_cli("subject", "make", project).stdout.strip()
    assert subject.startswith("（試験市-バンダル・スリ-ブガワン市）令和8年度")
    assert run_cli("subject", "check", subject, "--project", project).returncode == 0


def test_an_unusable_output_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = run_cli("build", FY2026, "-o", blocker / "out", "--pdf", "never")
    assert_no_traceback(result)
    assert result.returncode == 2 and "a-file" in result.stderr and "internal error" not in result.stderr
