"""Budget arithmetic as the call defines it, and every bracket edge of the scoring sheet."""

from __future__ import annotations

import json

import pytest
from conftest import FY2024, FY2026, MINIMAL, invoke, run_cli, write_project

from c3p_docs.budget import compute_budget
from c3p_docs.calls import load_call
from c3p_docs.model import Budget, Project
from c3p_docs.scoring import score_project

R6 = load_call("fy2024-2")
FY26 = load_call("fy2026-1")


def budget(rate, *items):
    return Budget(general_admin_rate=rate, items=[
        {"category": c, "description": "x", "unit_cost_jpy": u, "quantity": q} for c, u, q in items])


def test_general_admin_applies_to_direct_costs_less_outsourcing_and_tax_is_ten_percent():
    summary = compute_budget(budget(0.10, ("personnel", 100_000, 10), ("overseas_travel", 333_333, 1),
                                    ("outsourcing", 500_000, 1), ("joint_implementation", 200_000, 1)), R6)
    assert summary.by_group == {"personnel": 1_000_000, "operating": 333_333, "outsourcing": 500_000,
                                "joint_implementation": 200_000}
    assert summary.general_admin == 133_333  # floor(1,333,333 × 0.10)
    assert summary.subtotal == 1_000_000 + 333_333 + 500_000 + 200_000 + 133_333
    assert summary.tax == 216_666  # floor(2,166,666 × 0.10)
    assert summary.total == 2_383_332
    assert summary.outsourcing_base == 1_000_000 + 333_333 + 500_000 + 133_333


def test_the_cap_includes_the_r6_extra_only_when_claimed():
    plain = Budget(items=[], field_survey_extra=False)
    extra = Budget(items=[], field_survey_extra=True)
    assert compute_budget(plain, R6).cap == 20_000_000
    assert compute_budget(extra, R6).cap == 25_000_000
    assert compute_budget(extra, FY26).cap == 20_000_000


def test_validate_reports_a_budget_over_the_cap_and_outsourcing_over_half(tmp_path):
    text = MINIMAL + """budget:
  general_admin_rate: 0.1
  items:
    - {category: personnel, description: staff, unit_cost_jpy: 1000000, quantity: 5}
    - {category: outsourcing, description: consultant, unit_cost_jpy: 15000000, quantity: 1}
    - {category: equipment, description: meter, unit_cost_jpy: 150000, quantity: 1}
"""
    result = run_cli("validate", write_project(tmp_path, text), "--format", "json")
    assert result.returncode == 1
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert {"budget-over-cap", "outsourcing-over-share", "equipment-threshold"} <= codes


def test_the_equipment_threshold_follows_the_call(tmp_path):
    item = "    - {category: equipment, description: meter, unit_cost_jpy: 100000, quantity: 1}\n"
    text = MINIMAL + "budget:\n  items:\n" + item
    fy26 = invoke("validate", write_project(tmp_path, text, "a.yaml"), "--format", "json")
    r6 = invoke("validate", write_project(tmp_path, text.replace("fy2026-1", "fy2024-2"), "b.yaml"), "--format", "json")
    assert "equipment-threshold" in {f["code"] for f in json.loads(fy26.stdout)["findings"]}
    assert "equipment-threshold" not in {f["code"] for f in json.loads(r6.stdout)["findings"]}


def project_with(**jcm) -> Project:
    import yaml

    data = yaml.safe_load(MINIMAL)
    data.update(jcm)
    return Project.model_validate(data)


def points(project: Project, rules, item_id: str):
    return next(s.points for s in score_project(project, rules) if s.id == item_id)


def jcm_with(subsidy: float, reduction: float, life: int) -> dict:
    return {"jcm": {"projects": [{"name": {"ja": "x"}, "subsidy_jpy": int(subsidy),
                                  "annual_reduction_t": reduction, "useful_life_years": life}]}}


@pytest.mark.parametrize("yen_per_t, expected", [
    (3999, 5), (3999.99, 5), (4000, 4), (4000.5, 4), (4001, 4), (5000, 4), (5000.5, 3), (5001, 3),
    (6000, 3), (6001, 2), (7000, 2), (7001, 1), (8000, 1), (8000.5, 0), (8001, 0), (20000, 0)])
def test_cost_effectiveness_edges(yen_per_t, expected):
    # reduction 1 t/yr × 1 year: the figure equals the subsidy.
    project = project_with(**jcm_with(yen_per_t * 100, 100, 1))
    assert points(project, R6, "cost_effectiveness") == expected


@pytest.mark.parametrize("tonnes, expected", [
    (100_000, 5), (99_999.5, 4), (99_999, 4), (50_000, 4), (49_999, 3), (10_000, 3), (9_999, 2),
    (5_000, 2), (4_999, 1), (1_000, 1), (999, 0), (0.5, 0)])
def test_ghg_reduction_edges(tonnes, expected):
    assert points(project_with(**jcm_with(1, tonnes, 1)), R6, "ghg_reduction") == expected


@pytest.mark.parametrize("count, expected", [(0, 5), (1, 5), (2, 4), (3, 3), (4, 2), (5, 1), (6, 0), (9, 0)])
def test_manager_workload_edges(count, expected):
    project = project_with(project_manager={"name": "x", "other_assignments": count})
    assert points(project, R6, "manager_workload") == expected


@pytest.mark.parametrize("count, expected", [(0, 0), (1, 5), (2, 10), (3, 10)])
def test_jcm_adoption_edges(count, expected):
    assert points(project_with(jcm={"adoptions_last_3_years": count}), R6, "jcm_adoptions") == expected


@pytest.mark.parametrize("held, employees, expected", [
    (["eruboshi_platinum"], 500, 5), (["eruboshi_1", "kurumin_platinum"], 500, 4), (["action_plan"], 300, 1),
    (["action_plan"], 301, 0), (["kurumin_old"], 10, 2), (["youth_yell", "eruboshi_3"], 10, 4), ([], 10, 0)])
def test_work_life_balance_takes_the_highest_category(held, employees, expected):
    data = {"applicant": {"name": {"ja": "x"}, "employees": employees,
                          "certifications": {"work_life_balance": held}}}
    assert points(project_with(**data), FY26, "work_life_balance") == expected


@pytest.mark.parametrize("kind, index, expected", [
    ("prefecture", 0.39, 10), ("prefecture", 0.40, 0), ("municipality", 0.50, 10), ("municipality", 0.51, 0)])
def test_local_government_scale_thresholds(kind, index, expected):
    data = {"japanese_city": {"name": {"ja": "x"}, "kind": kind, "financial_capability_index": index}}
    assert points(project_with(**data), FY26, "local_government_scale") == expected


def test_score_json_shows_items_with_basis_and_totals():
    result = run_cli("score", FY2024, "--format", "json")
    assert result.returncode == 0
    payload = json.loads(result.stdout)
    items = {item["id"]: item for item in payload["items"]}
    assert set(items) >= {"cost_effectiveness", "ghg_reduction", "manager_workload", "jcm_adoptions",
                          "work_life_balance", "environmental_certification"}
    # (300M + 250M) / (5,200×12 + 6,100×17) = 550,000,000 / 166,100 = 3,311.3 JPY/t
    assert items["cost_effectiveness"]["points"] == 5 and "3,311.3" in items["cost_effectiveness"]["basis"]
    assert items["ghg_reduction"]["points"] == 3
    assert items["manager_workload"]["points"] == 3
    assert items["jcm_adoptions"]["points"] == 10
    assert items["work_life_balance"]["points"] == 1
    assert items["feasibility"]["points"] is None
    assert payload["total"] == sum(i["points"] or 0 for i in payload["items"])


def test_fy2026_scores_only_what_its_sheet_has():
    payload = json.loads(invoke("score", FY2026, "--format", "json").stdout)
    ids = {item["id"] for item in payload["items"]}
    assert "cost_effectiveness" not in ids and "local_government_scale" in ids
    assert payload["sheet_max"] == 200


def test_a_new_profile_file_changes_the_rules_without_code(tmp_path):
    import yaml

    from c3p_docs.calls import PROFILE_DIR

    profile = yaml.safe_load((PROFILE_DIR / "fy2026-1.yaml").read_text(encoding="utf-8"))
    profile["id"] = "fy2027-1"
    profile["fiscal_year"] = 2027
    profile["budget"]["cap_jpy"]["value"] = 30_000_000
    profile["budget"]["general_admin_rate_cap"]["value"] = 0.20
    (tmp_path / "fy2027.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    text = MINIMAL.replace("call: fy2026-1", "call: fy2027.yaml") + """budget:
  general_admin_rate: 0.18
  items:
    - {category: personnel, description: staff, unit_cost_jpy: 1000000, quantity: 22}
"""
    path = write_project(tmp_path, text)
    own = json.loads(invoke("validate", path, "--format", "json").stdout)
    assert own["call"] == "fy2027-1"
    assert not {"budget-over-cap", "admin-rate-over-cap"} & {f["code"] for f in own["findings"]}
    bundled = json.loads(invoke("validate", write_project(tmp_path, text.replace("fy2027.yaml", "fy2026-1"), "b.yaml"),
                                 "--format", "json").stdout)
    assert {"budget-over-cap", "admin-rate-over-cap"} <= {f["code"] for f in bundled["findings"]}
    subject = invoke("subject", "make", path)
    assert "令和9年度" in subject.stdout
