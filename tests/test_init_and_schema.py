"""`init` writes every field a complete application needs and the schema beside it; the schema knows each call's
narrative keys."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys

import pytest
from conftest import MINIMAL, ROOT, assert_built_as_draft, run_cli, write_project

from c3p_docs.calls import bundled_profiles, load_call
from c3p_docs.checks import COMPLETE_APPLICATION_FIELDS
from c3p_docs.loading import load_yaml_file


def _resolve(schema: dict, root: dict) -> list[dict]:
    """The object schemas a value may match: `$ref` followed, `anyOf`/`oneOf` branches and `allOf` parts."""
    if "$ref" in schema:
        return _resolve(root["$defs"][schema["$ref"].rsplit("/", 1)[1]], root)
    found = [schema]
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key, []):
            found += _resolve(branch, root)
    return found


def keys_the_schema_refuses(data, schema: dict, root: dict, path: str = "") -> list[str]:
    """Paths of keys an editor would flag: not among the properties where no other key is allowed, or outside
    a `propertyNames` enum. (Structure only; our own loader checks the values.)"""
    refused = []
    candidates = [s for s in _resolve(schema, root) if "properties" in s or "propertyNames" in s or "items" in s
                  or isinstance(s.get("additionalProperties"), dict)]
    if isinstance(data, dict):
        objects = [s for s in candidates if s.get("type") == "object" or "properties" in s or "propertyNames" in s]
        for key, value in data.items():
            where = f"{path}.{key}" if path else key
            names = [s["propertyNames"]["enum"] for s in objects if "enum" in s.get("propertyNames", {})]
            allowed = [s for s in objects if key in s.get("properties", {}) or s.get("additionalProperties") is not False]
            if not allowed or any(key not in enum for enum in names):
                refused.append(where)
                continue
            for s in allowed:
                inner = s["properties"][key] if key in s.get("properties", {}) else s.get("additionalProperties")
                if isinstance(inner, dict):
                    refused += keys_the_schema_refuses(value, inner, root, where)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            for s in candidates:
                if isinstance(s.get("items"), dict):
                    refused += keys_the_schema_refuses(item, s["items"], root, f"{path}[{index}]")
    return sorted(set(refused))


def _narrowed(schema: dict, call: str) -> dict:
    """The schema as an editor applies it to a project whose `call:` is `call` (its `if`/`then` taken)."""
    narrowed = json.loads(json.dumps(schema))
    for rule in narrowed.pop("allOf", []):
        if rule["if"]["properties"]["call"]["const"] == call:
            narrowed["properties"]["narrative"].update(rule["then"]["properties"]["narrative"])
    return narrowed


@pytest.mark.parametrize("call", sorted(bundled_profiles()))
def test_init_writes_every_field_a_complete_application_needs_and_it_builds(tmp_path, call):
    result = run_cli("init", tmp_path, "--call", call, "--lang", "en")
    assert result.returncode == 0, result.stderr
    data = load_yaml_file(tmp_path / "project.yaml").data
    needed = list(COMPLETE_APPLICATION_FIELDS) + [("agreement", "date"), ("applicant", "large_company"),
                                                  ("applicant", "qualification", "number")]
    for path in needed:
        value = data
        for key in path:
            assert isinstance(value, dict) and key in value, f"{'.'.join(path)} is not in the init file"
            value = value[key]
    assert all("capex_jpy" in project for project in data["jcm"]["projects"])
    ids = [activity.get("id") for activity in data["activities"]]
    assert all(ids) and len(set(ids)) == len(ids)
    check = run_cli("validate", tmp_path / "project.yaml", "--format", "json")
    assert check.returncode == 0, check.stdout
    warned = {f["path"] for f in json.loads(check.stdout)["findings"] if f["severity"] == "warning"}
    assert {"agreement.date", "applicant.qualification.number"} <= warned  # left empty: validate says so
    built = run_cli("build", tmp_path / "project.yaml", "-o", tmp_path / "out", "--pdf", "never")
    assert_built_as_draft(built)  # every document, each placeholder named until the user fills it in
    trip = run_cli("trip", "plan", tmp_path / "project.yaml", ids[1], "-o", tmp_path / "out", "--pdf", "never")
    assert trip.returncode == 0, trip.stderr


def test_validate_warns_about_the_agreement_date_only_for_a_concluded_agreement(tmp_path):
    def warned(extra: str) -> set[str]:
        path = write_project(tmp_path, MINIMAL + extra)
        findings = json.loads(run_cli("validate", path, "--format", "json").stdout)["findings"]
        return {f["path"] for f in findings if f["code"] == "incomplete"}

    assert "agreement.date" in warned("agreement: {kind: mou}\n")
    assert "agreement.date" in warned("agreement: {kind: sister_city}\n")
    assert "agreement.date" not in warned("agreement: {kind: intended}\n")
    assert "agreement.date" not in warned("agreement: {kind: mou, date: 2019-11-08}\n")
    assert "applicant.qualification.number" in warned("")


def test_init_writes_the_schema_beside_the_project_and_never_replaces_a_changed_one(tmp_path):
    result = run_cli("init", tmp_path)
    schema_file = tmp_path / "project.schema.json"
    assert result.returncode == 0 and str(schema_file) in result.stderr
    assert schema_file.read_text(encoding="utf-8") == run_cli("schema").stdout
    assert "# yaml-language-server: $schema=project.schema.json" in (tmp_path / "project.yaml").read_text(encoding="utf-8")
    schema_file.write_text('{"mine": true}\n', encoding="utf-8")
    again = run_cli("init", tmp_path, "--force")
    assert again.returncode == 0 and "kept" in again.stderr and "c3p-docs schema >" in again.stderr
    assert schema_file.read_text(encoding="utf-8") == '{"mine": true}\n'


def test_the_schema_lists_each_calls_narrative_keys_and_refuses_others():
    schema = json.loads(run_cli("schema").stdout)
    narrative = schema["properties"]["narrative"]
    every_id = {item.id for name in bundled_profiles() for item in load_call(name).scoring}
    assert set(narrative["properties"]) == every_id and narrative["additionalProperties"] is False
    assert "reviewers look for" in narrative["properties"]["originality"]["description"]
    for name in bundled_profiles():
        ids = {item.id for item in load_call(name).scoring}
        assert set(_narrowed(schema, name)["properties"]["narrative"]["propertyNames"]["enum"]) == ids
    one = json.loads(run_cli("schema", "--call", "fy2026-1").stdout)
    assert set(one["properties"]["narrative"]["properties"]) == {item.id for item in load_call("fy2026-1").scoring}
    assert one["properties"]["narrative"]["additionalProperties"] is False and "allOf" not in one


@pytest.mark.parametrize("call", sorted(bundled_profiles()))
def test_the_schema_accepts_the_init_file_and_flags_a_misspelt_key(tmp_path, call):
    run_cli("init", tmp_path, "--call", call)
    schema = _narrowed(json.loads((tmp_path / "project.schema.json").read_text(encoding="utf-8")), call)
    data = load_yaml_file(tmp_path / "project.yaml").data
    assert keys_the_schema_refuses(data, schema, schema) == []
    first = next(iter(data["narrative"]))
    data["narrative"][first[:-2] + first[-1] + first[-2]] = data["narrative"].pop(first)  # originality → originaltiy
    data["applicant"]["qualification"]["nubmer"] = "1"
    other = next(item.id for name in bundled_profiles() if name != call for item in load_call(name).scoring
                 if load_call(call).criterion(item.id) is None)
    data["narrative"][other] = {"ja": "", "en": ""}
    refused = keys_the_schema_refuses(data, schema, schema)
    assert refused == sorted([f"narrative.{first[:-2] + first[-1] + first[-2]}", "applicant.qualification.nubmer",
                              f"narrative.{other}"])


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_an_untouched_init_file_warns_placeholder_at_each_example_and_still_builds(tmp_path, lang):
    from c3p_docs.placeholders import starter_examples

    assert run_cli("init", tmp_path, "--lang", lang).returncode == 0
    project = tmp_path / "project.yaml"
    lines = project.read_text(encoding="utf-8").splitlines()
    check = run_cli("validate", project, "--format", "json")
    assert check.returncode == 0, check.stdout
    warned = [f for f in json.loads(check.stdout)["findings"] if f["code"] == "placeholder"]
    assert all(f["severity"] == "warning" for f in warned)
    examples = {example.value for example in starter_examples()}
    for finding in warned:  # at the line of the example value, its key's column
        value = finding["message"].split("'")[1]
        key = finding["path"].rsplit(".", 1)[-1]
        shown = lines[finding["line"] - 1][finding["column"] - 1:]
        assert value in examples and (shown.startswith(f"{key}: {value}") or shown.startswith(f"{key}: '{value}'"))
    assert {f["path"] for f in warned} >= {"applicant.name.ja", "contact.phone", "contact.email", "project_manager.name",
                                           "japanese_city.name.ja", "partner_city.name.ja", "activities[1].place.ja",
                                           "partner_city.name.en", "activities[1].place.en"}  # its English name too
    scalar = re.compile(r"\w: '?(?:" + "|".join(map(re.escape, examples)) + r")'?(?:[,}]|  #|$)")
    every_example_line = [number for number, line in enumerate(lines, 1)
                          if not line.lstrip().startswith("#") and scalar.search(line)]
    assert sorted({f["line"] for f in warned}) == every_example_line
    text = run_cli("validate", project)
    assert "Ready to build" not in text.stderr and f"but {len(warned)} value(s) are still the starter's examples" in text.stderr
    built = run_cli("build", project, "-o", tmp_path / "out", "--pdf", "never", "--format", "json")
    assert "placeholder-left" in built.stdout
    assert {f["code"] for f in json.loads(built.stdout)["findings"] if f["severity"] == "error"} == {"placeholder-left"}
    assert (tmp_path / "out" / "submission").is_dir()


def test_a_starter_example_is_a_placeholder_wherever_it_sits_and_a_real_value_is_not(tmp_path):
    project = write_project(tmp_path, MINIMAL.replace("試験株式会社", "株式会社○○") + """\
joint_implementers:
  - {name: {ja: 共同実施大学, en: Joint University}, representative: {ja: 学長 ○○ ○○, en: Rector}}
contact: {name: 山田 太郎, phone: 03-0000-0000, email: yamada@real.example.co.jp.invalid}
""")
    findings = json.loads(run_cli("validate", project, "--format", "json").stdout)["findings"]
    assert [(f["path"], f["line"]) for f in findings if f["code"] == "placeholder"] == [
        ("applicant.name.ja", 10), ("joint_implementers[0].representative.ja", 12), ("contact.phone", 13)]


def test_init_starts_the_new_optional_fields_each_with_a_one_line_comment_in_its_language(tmp_path):
    comments: dict[str, dict[str, str]] = {}
    for lang in ("ja", "en"):
        assert run_cli("init", tmp_path / lang, "--lang", lang).returncode == 0
        project = tmp_path / lang / "project.yaml"
        data = load_yaml_file(project).data
        assert data["partner_city"]["embassy_officer"] is None and data["applicant"]["profile"]["legal_form"] is None
        assert data["staff"] == []
        lines = project.read_text(encoding="utf-8").splitlines()
        comments[lang] = {}
        for key in ("  embassy_officer: null", "    legal_form: null", "staff: []", "  adoptions: []"):
            [line] = [line for line in lines if line.startswith(key + "  # ")]
            comments[lang][key] = line.split("  # ", 1)[1]
        staff = lines[next(i for i, line in enumerate(lines) if line.startswith("staff: []")) + 1]
        assert staff.startswith("#  - {name: {ja: ○○ ○○, en: Example Name}, role:") and "planned_days: 40" in staff
        adoption = next(line for line in lines if line.startswith("  #  - {fiscal_year: 2025, title: {ja: ○○へのJCM"))
        assert adoption.endswith("country: Indonesia, under_this_pair: true, survey: false}")
        implementer = next(line for line in lines if line.startswith("#  - {name: {ja: ○○大学"))
        assert implementer.endswith("profile: {legal_form: other, established: 1950}}")
        assert run_cli("validate", project).returncode == 0
    assert "大使館" in comments["ja"]["  embassy_officer: null"] and "embassy" in comments["en"]["  embassy_officer: null"]
    assert "法人の種類" in comments["ja"]["    legal_form: null"] and "company, foundation" in comments["en"]["    legal_form: null"]
    assert "業務従事者" in comments["ja"]["staff: []"] and "People working" in comments["en"]["staff: []"]
    for lang in ("ja", "en"):
        assert "under_this_pair: false" in comments[lang]["  adoptions: []"] and "survey: true" in comments[lang]["  adoptions: []"]


def test_the_schema_takes_a_budget_category_by_any_name_validate_accepts(tmp_path):
    from c3p_docs.categories import CATEGORY_IDS

    schema = json.loads(run_cli("schema").stdout)
    for model in ("BudgetItem", "Actual"):
        names = schema["$defs"][model]["properties"]["category"]["enum"]
        assert {"honoraria", "諸謝金", "謝金", "Honoraria", "Remuneration", "外国旅費", "Overseas travel"} <= set(names)
        assert set(CATEGORY_IDS) <= set(names) and "旅費" not in names
    names = schema["$defs"]["BudgetItem"]["properties"]["category"]["enum"]
    items = "".join(f"    - {{category: {name}, description: x, unit_cost_jpy: 1000}}\n" for name in names)
    project = write_project(tmp_path, MINIMAL + "budget:\n  general_admin_rate: 0.1\n  items:\n" + items)
    findings = json.loads(run_cli("validate", project, "--format", "json").stdout)["findings"]
    assert [f for f in findings if f["severity"] == "error"] == []  # every listed name is accepted
    wrong = write_project(tmp_path, MINIMAL + "budget:\n  items:\n    - {category: 旅費, description: x, unit_cost_jpy: 1}\n",
                          "wrong.yaml")
    assert run_cli("validate", wrong).returncode == 1


@pytest.mark.skipif(sys.platform == "win32", reason="runs the printed line in sh")
def test_the_next_command_init_prints_runs_as_pasted_into_a_shell_for_a_folder_with_spaces(tmp_path):
    folder = tmp_path / "My Projects" / "kobe danang"
    result = run_cli("init", folder, "--lang", "en")
    assert result.returncode == 0, result.stderr
    line = result.stderr.split("Next: ", 1)[1].strip()
    assert line.startswith("c3p-docs validate ")
    pasted = subprocess.run(["sh", "-c", line.replace("c3p-docs", f"{shlex.quote(sys.executable)} -m c3p_docs", 1)],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert pasted.returncode == 0, pasted.stderr  # the untouched file validates (warnings only)


@pytest.mark.parametrize("call", ["fy2026-1", "fy2024-2"])
def test_inits_commented_monthly_example_uncommented_is_a_month_of_the_period_with_placeholders(tmp_path, call):
    """`monthly --strict` asks for a `monthly:` entry; the starter shows its shape, in a month of the call's period."""
    assert run_cli("init", tmp_path, "--call", call, "--lang", "en").returncode == 0
    project = tmp_path / "project.yaml"
    text = project.read_text(encoding="utf-8")
    example = re.search(r"^monthly: \{\}.*\n#  (\d{4}-\d{2}): (\{progress.*\})$", text, re.M)
    assert example, text
    month = example.group(1)
    project.write_text(text.replace(example.group(0), f"monthly:\n  {month}: {example.group(2)}"), encoding="utf-8")
    findings = json.loads(run_cli("validate", project, "--format", "json").stdout)["findings"]
    assert not [f for f in findings if f["severity"] == "error"]
    assert {f["path"] for f in findings if f["code"] == "placeholder"} >= {
        f"monthly.{month}.progress.ja[0]", f"monthly.{month}.next.en[0]"}
    result = run_cli("monthly", project, "--month", month, "-o", tmp_path / "out", "--pdf", "never", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "month-empty" not in result.stderr
