"""`subject check` names the real typo: aligned with the project's subject, a ー in a name is never a dash."""

from __future__ import annotations

import json

import pytest
from conftest import MINIMAL, run_cli, write_project

TAIL = "脱炭素社会実現のための都市間連携事業委託業務応募"
YEARS = {"fy2026-1": "令和8年度", "fy2024-2": "令和6年度"}


def osaka_hcmc(tmp_path, call: str):
    text = (MINIMAL.replace("call: fy2026-1", f"call: {call}").replace("ja: 試験市", "ja: 大阪市")
            .replace("ja: 相手市", "ja: ホーチミン市"))
    return write_project(tmp_path, text)


def check(text: str, *where: str) -> tuple[int, list[dict]]:
    result = run_cli("subject", "check", text, *where, "--format", "json")
    assert "Traceback" not in result.stderr
    return result.returncode, json.loads(result.stdout)["findings"]


@pytest.fixture(params=sorted(YEARS))
def project(request, tmp_path):
    return request.param, osaka_hcmc(tmp_path, request.param)


def test_the_right_subject_passes_with_the_project_and_with_the_call_alone(project):
    call, path = project
    subject = f"（大阪市-ホーチミン市）{YEARS[call]}{TAIL}"
    assert run_cli("subject", "make", path).stdout == subject + "\n"
    assert check(subject, "--project", path) == (0, [])
    assert check(subject, "--call", call) == (0, [])


def test_a_misspelt_city_names_the_misspelt_character_and_nothing_else(project):
    call, path = project
    code, findings = check(f"（大坂市-ホーチミン市）{YEARS[call]}{TAIL}", "--project", path)
    assert code == 1
    [finding] = findings
    assert finding["code"] == "subject-names"
    assert (finding["position"], finding["expected"], finding["found"]) == (3, "阪", "坂")
    assert "'大坂市'" in finding["message"] and "'大阪市'" in finding["message"]
    assert "ー" not in finding["message"]


def test_the_text_output_puts_a_caret_under_the_wrong_character(project):
    call, path = project
    result = run_cli("subject", "check", f"（大坂市-ホーチミン市）{YEARS[call]}{TAIL}", "--project", path)
    lines = result.stderr.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("error[subject-names]"))
    assert lines[at + 1].startswith("    （大坂市-ホーチミン市）")
    assert lines[at + 2] == "    " + "    " + "^^"  # （ and 大 are two columns each; 坂 is under the carets


def test_a_missing_character_is_named_where_it_is_missing(project):
    call, path = project
    code, findings = check(f"（大阪-ホーチミン市）{YEARS[call]}{TAIL}", "--project", path)
    [finding] = findings
    assert (finding["code"], finding["position"], finding["expected"], finding["found"]) == ("subject-names", 4, "市", "")
    code, findings = check(f"（大阪市-ホーチミン）{YEARS[call]}{TAIL}", "--project", path)
    [finding] = findings
    assert (finding["code"], finding["position"], finding["expected"]) == ("subject-names", 11, "市")
    assert "'ホーチミン'" in finding["message"] and "'ホーチミン市'" in finding["message"]


def test_a_trailing_space_is_the_only_finding(project):
    call, path = project
    subject = f"（大阪市-ホーチミン市）{YEARS[call]}{TAIL} "
    code, findings = check(subject, "--project", path)
    [finding] = findings
    assert (finding["code"], finding["position"], finding["found"]) == ("subject-characters", len(subject), " ")
    assert "at the end" in finding["message"]


def test_half_width_parentheses_are_named_one_by_one(project):
    call, path = project
    subject = f"(大阪市-ホーチミン市){YEARS[call]}{TAIL}"
    for where in (("--project", str(path)), ("--call", call)):
        code, findings = check(subject, *where)
        assert code == 1
        assert [(f["code"], f["position"], f["found"], f["expected"]) for f in findings] == [
            ("subject-characters", 1, "(", "（"), ("subject-characters", 12, ")", "）")]


def test_swapped_names_are_one_finding(project):
    call, path = project
    code, findings = check(f"（ホーチミン市-大阪市）{YEARS[call]}{TAIL}", "--project", path)
    [finding] = findings
    assert finding["code"] == "subject-names" and "swapped" in finding["message"]
    assert (finding["position"], finding["found"], finding["expected"]) == (2, "ホーチミン市-大阪市", "大阪市-ホーチミン市")


def test_a_wrong_fiscal_year_names_the_year(project):
    call, path = project
    wrong = "令和7年度"
    code, findings = check(f"（大阪市-ホーチミン市）{wrong}{TAIL}", "--project", path)
    [finding] = findings
    assert finding["code"] == "subject-fiscal-year" and repr(wrong) in finding["message"]
    assert repr(YEARS[call]) in finding["message"]


def test_a_dash_for_the_separator_is_named_only_where_the_separator_goes(project):
    call, path = project
    subject = f"（大阪市ーホーチミン市）{YEARS[call]}{TAIL}"
    for where in (("--project", str(path)), ("--call", call)):
        code, findings = check(subject, *where)
        [finding] = findings
        assert (finding["code"], finding["position"], finding["found"], finding["expected"]) == (
            "subject-characters", 5, "ー", "-")


def test_without_the_project_a_name_may_hold_separators_and_dashes():
    # バンダル・スリ-ブガワン市 holds '-' itself: which one joins the names cannot be told without the project
    code, findings = check(f"（大阪市-バンダル・スリ-ブガワン市）令和8年度{TAIL}", "--call", "fy2026-1")
    assert code == 0 and [f["severity"] for f in findings] == ["info"]
    assert "--project" in findings[0]["message"]
    code, findings = check(f"（大阪市-ホーチミン市）令和8年度{TAIL}", "--call", "fy2026-1")
    assert (code, findings) == (0, [])


def test_missing_fixed_text_is_named_with_what_is_missing(project):
    call, path = project
    code, findings = check(f"（大阪市-ホーチミン市）{YEARS[call]}都市間連携事業委託業務応募", "--project", path)
    [finding] = findings
    assert finding["code"] == "subject-format" and finding["expected"] == "脱炭素社会実現のための" and finding["found"] == ""


def test_an_invisible_character_is_named_by_its_code_point(project):
    call, path = project
    code, findings = check(f"（大阪市-ホーチミン市）{YEARS[call]}\u200b{TAIL}", "--project", path)
    [finding] = findings
    assert finding["code"] == "subject-characters" and "U+200B" in finding["message"]


def test_a_subject_nothing_like_the_call_is_one_finding_with_the_whole_subject(project):
    call, path = project
    code, findings = check("応募します", "--project", path)
    [finding] = findings
    assert finding["code"] == "subject-format" and f"（大阪市-ホーチミン市）{YEARS[call]}{TAIL}" in finding["message"]
