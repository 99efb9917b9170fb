"""Self-assessment of the scoring items the project's data decides, with the basis of each."""

from __future__ import annotations

from dataclasses import dataclass

from c3p_docs.adoptions import counted
from c3p_docs.bilingual import pick
from c3p_docs.calls import CallRules, ScoreItem
from c3p_docs.eras import fiscal_year_label, format_number, format_yen
from c3p_docs.i18n import _, profile_text
from c3p_docs.model import Project
from c3p_docs.strings import phrase, strings


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
    assumed: bool = False
    """True where the call does not print the item's points or formula and the profile's reading is assumed."""
    note: str | None = None
    """What is assumed (from the profile, in English)."""

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "points": self.points, "max": self.max, "basis": self.basis,
                "assumed": self.assumed, "note": self.note}


def _cost_effectiveness_parts(project: Project) -> tuple[int, float, int] | None:
    """(subsidy, lifetime reduction, projects counted) over the JCM projects that give all three figures."""
    usable = [(p.subsidy_jpy, p.annual_reduction_t * p.useful_life_years) for p in project.jcm.projects
              if p.subsidy_jpy is not None and p.annual_reduction_t and p.useful_life_years]
    if not usable:
        return None
    return sum(s for s, _life in usable), sum(life for _subsidy, life in usable), len(usable)


def cost_effectiveness_value(project: Project) -> float | None:
    """JPY per t-CO2eq·year: subsidy ÷ (annual reduction × useful life), over all JCM projects."""
    parts = _cost_effectiveness_parts(project)
    return None if parts is None else parts[0] / parts[1]


def cost_effectiveness(project: Project, lang: str = "en") -> tuple[float | None, str]:
    """The value (`cost_effectiveness_value`) and how it was worked out, in `lang`."""
    parts = _cost_effectiveness_parts(project)
    if parts is None:
        return None, phrase(lang, "basis", "needs_cost_effectiveness")
    subsidy, lifetime, count = parts
    value = subsidy / lifetime
    return value, phrase(lang, "basis", "cost_effectiveness", value=format_number(value, lang, 1),
                         subsidy=format_yen(subsidy, lang), lifetime=format_number(lifetime, lang, 1), count=count)


def _metric(project: Project, metric: str, lang: str, window: range | None = None,
            rules: CallRules | None = None) -> tuple[float | None, str]:
    if metric == "cost_effectiveness":
        return cost_effectiveness(project, lang)
    if metric == "annual_reduction":
        reductions = [p.annual_reduction_t for p in project.jcm.projects if p.annual_reduction_t is not None]
        if not reductions:
            return None, phrase(lang, "basis", "needs_reduction")
        total = sum(reductions)
        return total, phrase(lang, "basis", "annual_reduction", total=format_number(total, lang, 1), count=len(reductions))
    if metric == "other_assignments":
        count = project.project_manager.other_assignments if project.project_manager else None
        if count is None:
            return None, phrase(lang, "basis", "needs_assignments")
        return count, phrase(lang, "basis", "other_assignments", count=count)
    if metric == "jcm_adoptions":
        credited = counted(project, rules, window)
        if credited.count is None:
            return None, phrase(lang, "basis", "needs_adoptions")
        basis = phrase(lang, "basis", "jcm_adoptions", count=credited.count)
        if credited.outside_window and window is not None:
            basis += phrase(lang, "basis", "adoptions_outside", count=credited.outside_window,
                            first=fiscal_year_label(window[0], lang), last=fiscal_year_label(window[-1], lang))
        if credited.not_pair:
            basis += phrase(lang, "basis", "adoptions_not_pair", count=credited.not_pair)
        if credited.surveys:
            basis += phrase(lang, "basis", "adoptions_surveys", count=credited.surveys)
        return credited.count, basis
    raise ValueError(_("unknown metric {metric} in the call profile").format(metric=repr(metric)))


def _assumed(item: ScoreItem) -> tuple[bool, str | None]:
    """Whether the item rests on an assumption (its points or formula, or the window of years it counts), and what."""
    notes = [profile_text(item.note) or ""] if item.assumed and item.note else []
    if item.window_years is not None and item.window_years.assumed and item.window_years.note:
        notes.append(profile_text(item.window_years.note) or "")
    assumed = item.assumed or bool(item.window_years and item.window_years.assumed)
    return assumed, " ".join(notes) or None


def energy_sectors_missing(project: Project, rules: CallRules | None) -> bool:
    """True when the project names sectors and none of them cuts energy-origin CO2 (the profile's `energy_co2`)."""
    if rules is None or rules.energy_co2 is None or not project.project.sectors:
        return False
    return not set(project.project.sectors) & set(rules.energy_co2.sectors.value)


def score_item(item: ScoreItem, project: Project, lang: str = "en", fiscal_year: int | None = None,
               rules: CallRules | None = None) -> Score:
    """One item's points with the basis in `lang` (the words are strings.yaml `basis`); `rules` are the call's, for
    items that count only recent years (`window_years`), the pair's adoptions or energy-origin CO2."""
    assumed, note = _assumed(item)
    score = _score_item(item, project, lang, fiscal_year if fiscal_year is not None else
                        (rules.fiscal_year if rules else None), rules)
    if item.energy_co2_only and score.points and energy_sectors_missing(project, rules):
        score = Score(score.id, score.name, 0, score.max, score.basis + phrase(lang, "basis", "no_energy_co2"))
    return Score(score.id, score.name, score.points, score.max, score.basis, score.judged, assumed, note)


def _score_item(item: ScoreItem, project: Project, lang: str, fiscal_year: int | None,
                rules: CallRules | None) -> Score:
    status = project.project.status or "new"
    maximum = item.max_for(status)
    name = item.name.get(lang) or item.name.ja or item.id
    words = strings(lang)
    no_points = "" if maximum is not None else phrase(lang, "basis", "no_points")
    if not item.scored_for(status):
        return Score(item.id, name, None, None, phrase(lang, "basis", "not_scored", status=words["status"][status]),
                     judged=item.method == "judgement")
    if item.method == "judgement":
        return Score(item.id, name, None, maximum, phrase(lang, "basis", "judged") + no_points, judged=True)
    if item.method == "brackets":
        window = item.window(fiscal_year) if fiscal_year is not None else None
        value, basis = _metric(project, item.metric or "", lang, window, rules)
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
            skipped = words["list_separator"].join(words["wlb"][c] for c in sorted(set(held) - set(counted)))
            note = phrase(lang, "basis", "needs_small_employer", held=skipped) if skipped else ""
            return Score(item.id, name, 0, maximum, phrase(lang, "basis", "no_certification") + note)
        best = max(counted, key=lambda c: item.table.get(c, 0))
        table_points = item.table.get(best, 0)
        capped = table_points if maximum is None else min(table_points, maximum)
        return Score(item.id, name, capped, maximum,
                     phrase(lang, "basis", "highest_held", held=words["wlb"][best], points=table_points))
    if item.method == "present":
        if item.metric == "wage_increase_pledge":
            pledged = bool(project.applicant.wage_increase_pledge)
            large = project.applicant.large_company
            size = "" if large is None else "_large" if large else "_sme"
            basis = phrase(lang, "basis", f"wage_pledged{size}" if pledged else "no_wage_pledge")
            if item.points is None:
                return Score(item.id, name, None, maximum, basis + phrase(lang, "basis", "no_points"))
            return Score(item.id, name, item.points if pledged else 0, maximum, basis)
        certificates = [pick(c, lang) or "" for c in project.applicant.certifications.environmental]
        if certificates:
            return Score(item.id, name, item.points, maximum,
                         phrase(lang, "basis", "certified", held=words["list_separator"].join(certificates)))
        return Score(item.id, name, 0, maximum, phrase(lang, "basis", "no_environmental"))
    if item.method == "threshold_by_kind":
        city = project.japanese_city
        if city.kind is None or city.financial_capability_index is None:
            return Score(item.id, name, None, maximum, phrase(lang, "basis", "needs_city"))
        threshold = item.thresholds[city.kind]
        index = city.financial_capability_index
        relation = "<" if index < threshold else "≥"
        return Score(item.id, name, item.points if index < threshold else 0, maximum,
                     phrase(lang, "basis", "city_scale", index=index, relation=relation, threshold=threshold,
                            kind=words["city_kind"][city.kind]))
    raise ValueError(_("unknown scoring method {method}").format(method=repr(item.method)))


def score_project(project: Project, rules: CallRules, lang: str = "en") -> list[Score]:
    return [score_item(item, project, lang, rules.fiscal_year, rules) for item in rules.scoring]


def score_totals(scores: list[Score], rules: CallRules, project: Project) -> dict:
    """Points the data decides, their maximum, and the whole sheet's maximum where the call gives it."""
    decided = [s for s in scores if s.points is not None]
    objective = [s for s in scores if not s.judged and s.max is not None]
    status = project.project.status or "new"
    sheet = (rules.scoring_total or {}).get(status)
    return {"total": sum(s.points for s in decided), "max": sum(s.max for s in objective if s.max),
            "sheet_max": sheet}
