"""Loading PROJECT.yaml: hostile and sloppy input gives clear findings with lines, never a traceback."""

from __future__ import annotations

import json

import pytest
from conftest import BROKEN, FY2024, FY2026, MINIMAL, assert_no_traceback, invoke, run_cli, write_project


def test_the_samples_validate_cleanly():
    for sample in (FY2026, FY2024):
        result = run_cli("validate", sample)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "0 error(s), 0 warning(s)" in result.stderr and not result.stdout


def test_a_minimal_draft_validates_with_warnings_only(tmp_path):
    result = run_cli("validate", write_project(tmp_path, MINIMAL))
    assert result.returncode == 0
    assert "warning[incomplete] project.period" in result.stderr


def test_the_broken_sample_reports_every_problem_with_its_line():
    result = run_cli("validate", BROKEN, "--format", "json")
    assert_no_traceback(result)
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert payload["ok"] is False
    errors = {(f["code"], f["path"], f["line"]) for f in payload["findings"] if f["severity"] == "error"}
    assert ("schema", "project.phase", 5) in errors
    assert ("schema", "project.sectors[0]", 6) in errors
    assert ("unknown-key", "japanese_city.finacial_capability_index", 9) in errors
    assert ("unknown-country", "partner_city.country", 12) in errors
    assert ("schema", "applicant.employees", 15) in errors
    assert ("admin-rate-over-cap", "budget.general_admin_rate", 17) in errors
    assert ("schema", "budget.items[0].unit_cost_jpy", 19) in errors


def test_an_unknown_key_suggests_the_closest_known_one(tmp_path):
    path = write_project(tmp_path, MINIMAL.replace("applicant:\n", "applicant:\n  employes: 5\n"))
    result = run_cli("validate", path)
    assert result.returncode == 1
    assert f"{path}:10:3" in result.stderr
    assert "Did you mean 'employees'?" in result.stderr


def test_a_yaml_syntax_error_exits_2_with_the_line(tmp_path):
    path = write_project(tmp_path, MINIMAL + "budget:\n  items: [1,\n  general_admin_rate: 0.1\n")
    result = run_cli("validate", path)
    assert_no_traceback(result)
    assert result.returncode == 2
    assert f"{path}:14" in result.stderr and "YAML syntax error" in result.stderr
    assert "started at line 12" in result.stderr


def test_python_tags_are_refused(tmp_path):
    path = write_project(tmp_path, MINIMAL + "x: !!python/object/apply:os.system ['touch pwned']\n")
    result = run_cli("validate", path)
    assert_no_traceback(result)
    assert result.returncode == 2
    assert "is not allowed" in result.stderr
    assert not (tmp_path / "pwned").exists()


def test_an_alias_bomb_is_refused(tmp_path):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    path = write_project(tmp_path, MINIMAL + "\n".join(lines) + "\n")
    result = run_cli("validate", path)
    assert_no_traceback(result)
    assert result.returncode == 2
    assert "alias bomb" in result.stderr


def test_control_characters_from_word_are_stripped_with_a_warning_naming_the_field(tmp_path):
    text = MINIMAL.replace("en: Test project}", "en: \"Test\x0b proj\x1bect\u200b\"}")
    path = write_project(tmp_path, text)
    result = invoke("validate", path, "--format", "json")
    assert result.returncode == 0, result.stdout
    findings = json.loads(result.stdout)["findings"]
    control = [f for f in findings if f["code"] == "control-characters"]
    assert control and control[0]["line"] == 3 and control[0]["path"].startswith("project.title")


def test_a_missing_file_exits_2(tmp_path):
    result = run_cli("validate", tmp_path / "nope.yaml")
    assert result.returncode == 2
    assert "no such project file" in result.stderr


def test_wrong_types_and_a_missing_required_field_are_named(tmp_path):
    text = MINIMAL.replace("applicant:\n  name: {ja: 試験株式会社, en: Test Co.}\n", "applicant:\n  employees: '12'\n")
    text += "activities:\n  - {kind: workshop, month: 2026-13}\n"
    result = invoke("validate", write_project(tmp_path, text), "--format", "json")
    assert result.returncode == 1
    paths = {f["path"]: f for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"}
    assert paths["applicant.name"]["code"] == "missing-field"
    assert "activities[0].month" in paths


def test_duplicate_keys_are_errors(tmp_path):
    result = run_cli("validate", write_project(tmp_path, MINIMAL + "call: fy2024-2\n"))
    assert result.returncode == 1
    assert "duplicate-key" in result.stderr and ":11:1" in result.stderr


def test_an_unknown_call_names_the_bundled_ones(tmp_path):
    result = run_cli("validate", write_project(tmp_path, MINIMAL.replace("fy2026-1", "fy2026-9")))
    assert result.returncode == 1
    assert "fy2026-1" in result.stdout + result.stderr


def test_validate_and_help_do_not_import_document_libraries():
    import subprocess
    import sys

    code = ("import sys; sys.argv=['c3p-docs','validate',%r]\n"
            "from c3p_docs.cli import app\n"
            "try:\n    app()\nexcept SystemExit:\n    pass\n"
            "print('docx' in sys.modules, 'pptx' in sys.modules)") % str(FY2026)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().endswith("False False"), result.stdout


def test_json_output_stays_json_when_the_input_is_unreadable(tmp_path):
    path = write_project(tmp_path, "call: [unclosed\n")
    result = run_cli("validate", path, "--format", "json")
    assert result.returncode == 2
    payload = json.loads(result.stdout)
    assert payload["ok"] is False and payload["findings"][0]["code"] == "unreadable-input"
    assert "YAML syntax error" in result.stderr


def test_deep_nesting_and_huge_files_are_refused(tmp_path):
    deep = write_project(tmp_path, MINIMAL + "x: " + "[" * 200 + "]" * 200 + "\n", "deep.yaml")
    result = run_cli("validate", deep)
    assert_no_traceback(result)
    assert result.returncode == 2 and "deep" in result.stderr
    huge = write_project(tmp_path, MINIMAL + "# " + "x" * (6 * 1024 * 1024) + "\n", "huge.yaml")
    result = run_cli("validate", huge)
    assert result.returncode == 2 and "too large" in result.stderr


@pytest.mark.parametrize("length", [0, 1, 99, 100, 101, 5000])
def test_a_file_is_read_whole_up_to_its_limit_and_refused_past_it(tmp_path, length):
    from c3p_docs.errors import InputError
    from c3p_docs.loading import read_limited

    path = tmp_path / "f.yaml"
    path.write_bytes(bytes(range(256)) * (length // 256) + bytes(length % 256))
    if length <= 100:
        assert read_limited(path, max_bytes=100) == path.read_bytes()
    else:
        with pytest.raises(InputError, match="too large"):
            read_limited(path, max_bytes=100)
