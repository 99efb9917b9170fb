"""Self-assessment of the scoring items the project's data decides, with the basis of each."""

from __future__ import annotations

from dataclasses import dataclass

from c3p_docs.calls import CallRules, ScoreItem
from c3p_docs.model import Project


@dataclass(frozen=True)
class Score:
    """Points of one item; `points` is None for items the reviewers judge or data does not yet decide."""

    id: str
    name: str
    points: int | None
    max: int | None
    basis: str
    judged: bool = False
    """True for items the reviewers score; data decides the others."""

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "points": self.points, "max": self.max, "basis": self.basis}


def cost_effectiveness(project: Project) -> tuple[float | None, str]:
    """JPY per t-CO2eq·year: subsidy ÷ (annual reduction × useful life), over all JCM projects."""
    usable = [(p.subsidy_jpy, p.annual_reduction_t * p.useful_life_years) for p in project.jcm.projects
              if p.subsidy_jpy is not None and p.annual_reduction_t and p.useful_life_years]
    if not usable:
        return None, "needs jcm.projects[] with subsidy_jpy, annual_reduction_t and useful_life_years"
    subsidy = sum(s for s, _ in usable)
    lifetime = sum(life for _, life in usable)
    value = subsidy / lifetime
    return value, (f"{value:,.1f} JPY/t-CO2eq·yr = subsidy {subsidy:,} JPY ÷ "
                   f"(annual reduction × useful life = {lifetime:,.1f} t-CO2eq) over {len(usable)} JCM project(s)")


def _metric(project: Project, metric: str) -> tuple[float | None, str]:
    if metric == "cost_effectiveness":
        return cost_effectiveness(project)
    if metric == "annual_reduction":
        reductions = [p.annual_reduction_t for p in project.jcm.projects if p.annual_reduction_t is not None]
        if not reductions:
            return None, "needs jcm.projects[].annual_reduction_t"
        total = sum(reductions)
        return total, f"{total:,.1f} t-CO2eq/yr, total of {len(reductions)} JCM project(s)"
    if metric == "other_assignments":
        count = project.project_manager.other_assignments if project.project_manager else None
        if count is None:
            return None, "needs project_manager.other_assignments"
        return count, f"{count} other current assignment(s) of the project manager"
    if metric == "jcm_adoptions":
        count = len(project.jcm.adoptions) if project.jcm.adoptions else project.jcm.adoptions_last_3_years
        if count is None:
            return None, "needs jcm.adoptions[] or jcm.adoptions_last_3_years"
        return count, f"{count} JCM adoption(s) under this city pair in the last 3 years"
    raise ValueError(f"unknown metric {metric!r} in the call profile")


def score_item(item: ScoreItem, project: Project, lang: str = "en") -> Score:
    status = project.project.status or "new"
    maximum = item.max_for(status)
    name = item.name.get(lang) or item.name.ja or item.id
    if not item.scored_for(status):
        return Score(item.id, name, None, None, f"not scored for {status} projects", judged=item.method == "judgement")
    if item.method == "judgement":
        basis = "judged by the reviewers" + ("" if maximum is not None else "; the call prints no points")
        return Score(item.id, name, None, maximum, basis, judged=True)
    if item.method == "brackets":
        value, basis = _metric(project, item.metric or "")
        if value is None:
            return Score(item.id, name, None, maximum, basis)
        points = next((b.points for b in item.brackets if b.matches(value)), item.otherwise)
        return Score(item.id, name, points, maximum, basis)
    if item.method == "table":
        held = project.applicant.certifications.work_life_balance
        counted = []
        for category in held:
            limit = item.table_limits.get(category, {})
            employees = project.applicant.employees
            if "max_employees" in limit and (employees is None or employees > limit["max_employees"]):
                continue
            counted.append(category)
        if not counted:
            skipped = set(held) - set(counted)
            note = f" ({', '.join(sorted(skipped))} needs employees ≤ 300 on record)" if skipped else ""
            return Score(item.id, name, 0, maximum, "no certification held" + note)
        best = max(counted, key=lambda c: item.table.get(c, 0))
        table_points = item.table.get(best, 0)
        capped = table_points if maximum is None else min(table_points, maximum)
        return Score(item.id, name, capped, maximum, f"highest held: {best} ({table_points} points)")
    if item.method == "present":
        if item.metric == "wage_increase_pledge":
            pledged = bool(project.applicant.wage_increase_pledge)
            basis = "wage increase pledged" if pledged else "no wage increase pledge"
            if item.points is None:
                return Score(item.id, name, None, maximum, basis + "; the call prints no points")
            return Score(item.id, name, item.points if pledged else 0, maximum, basis)
        certificates = project.applicant.certifications.environmental
        if certificates:
            return Score(item.id, name, item.points, maximum, "held: " + ", ".join(certificates))
        return Score(item.id, name, 0, maximum, "no environmental management certification listed")
    if item.method == "threshold_by_kind":
        city = project.japanese_city
        if city.kind is None or city.financial_capability_index is None:
            return Score(item.id, name, None, maximum,
                         "needs japanese_city.kind and japanese_city.financial_capability_index")
        threshold = item.thresholds[city.kind]
        index = city.financial_capability_index
        relation = "<" if index < threshold else "≥"
        return Score(item.id, name, item.points if index < threshold else 0, maximum,
                     f"financial capability index {index} {relation} {threshold} ({city.kind})")
    raise ValueError(f"unknown scoring method {item.method!r}")


def score_project(project: Project, rules: CallRules, lang: str = "en") -> list[Score]:
    return [score_item(item, project, lang) for item in rules.scoring]


def score_totals(scores: list[Score], rules: CallRules, project: Project) -> dict:
    """Points the data decides, their maximum, and the whole sheet's maximum where the call gives it."""
    decided = [s for s in scores if s.points is not None]
    objective = [s for s in scores if not s.judged and s.max is not None]
    status = project.project.status or "new"
    sheet = (rules.scoring_total or {}).get(status)
    return {"total": sum(s.points for s in decided), "max": sum(s.max for s in objective if s.max),
            "sheet_max": sheet}
