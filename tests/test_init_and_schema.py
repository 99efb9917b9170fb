"""`init` writes every field a complete application needs and the schema beside it; the schema knows each call's
narrative keys."""

from __future__ import annotations

import json

import pytest
from conftest import MINIMAL, assert_built_as_draft, run_cli, write_project

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
