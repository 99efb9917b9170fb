"""The values templates see: the project in one language, formatted (dates, era, yen), nothing computed twice."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import yaml
from markupsafe import Markup, escape

from c3p_docs.attachments import attachment_statuses
from c3p_docs.bilingual import pick
from c3p_docs.budget import GROUPS, compute_budget
from c3p_docs.calls import CallRules
from c3p_docs.countries import country_name
from c3p_docs.eras import (
    fiscal_year_bounds,
    fiscal_year_ja,
    format_date,
    format_era_date,
    format_month,
    format_number,
    format_yen,
)
from c3p_docs.jinja_env import template_dir
from c3p_docs.model import Project
from c3p_docs.scoring import cost_effectiveness, score_project
from c3p_docs.subject import make_subject


@lru_cache(maxsize=8)
def strings(lang: str, override: str | None = None) -> dict:
    """The language's labels (strings.yaml); a user's override file replaces keys it names."""
    data = yaml.safe_load((template_dir(lang) / "strings.yaml").read_text(encoding="utf-8"))
    if override:
        for candidate in (Path(override) / lang / "strings.yaml", Path(override) / "strings.yaml"):
            if candidate.is_file():
                data.update(yaml.safe_load(candidate.read_text(encoding="utf-8")) or {})
                break
    return data


def placeholder_filter(lang: str, override: str | None = None):
    """`{{ value | ph }}`: the value escaped, or the visible placeholder when it is missing."""
    text = strings(lang, override)["placeholder"]

    def ph(value):
        if value is None or value == "" or value == []:
            return Markup("<ph>") + escape(text) + Markup("</ph>")
        return value

    return ph


def document_date(project: Project, rules: CallRules) -> dt.date:
    """The date documents carry and stamp as created: fixed by the input, so rebuilds are identical."""
    if project.submission_date:
        return project.submission_date
    close = rules.deadline("application_close")
    return close.date if close else dt.date(rules.fiscal_year, 4, 1)


def build_context(project: Project, rules: CallRules, lang: str, override: str | None = None) -> dict:
    words = strings(lang, override)
    info = project.project
    summary = compute_budget(project.budget, rules)
    start, end = fiscal_year_bounds(rules.fiscal_year)
    when = lambda a: format_date(a.date, lang) if a.date else format_month(a.month, lang)  # noqa: E731
    activities = sorted(project.activities, key=lambda a: (a.first_day, a.kind))
    ce_value, ce_basis = cost_effectiveness(project)
    day = document_date(project, rules)
    return {
        "lang": lang,
        "t": words,
        "call": {"id": rules.id, "name": rules.name.get(lang), "fiscal_year": rules.fiscal_year,
                 "fiscal_year_ja": fiscal_year_ja(rules.fiscal_year),
                 "qualification_years": rules.qualification_years.get(lang),
                 "mail_to": rules.mail.to.value},
        "date": format_era_date(day) if lang == "ja" else format_date(day, lang),
        "submission_date": project.submission_date,
        "project": {
            "title": pick(info.title, lang), "status": words["status"].get(info.status) if info.status else None,
            "phase": info.phase, "year": info.year,
            "period_start": format_date(info.period.start, lang) if info.period and info.period.start else None,
            "period_end": format_date(info.period.end, lang) if info.period and info.period.end else None,
            "sectors": [words["sector"][s] for s in info.sectors],
            "summary": pick(info.summary, lang), "background": pick(info.background, lang),
            "needs": pick(info.needs, lang),
        },
        "japanese_city": {
            "name": pick(project.japanese_city.name, lang),
            "kind": words["city_kind"].get(project.japanese_city.kind) if project.japanese_city.kind else None,
            "financial_capability_index": project.japanese_city.financial_capability_index,
            "decarbonization_leading_area": project.japanese_city.decarbonization_leading_area,
        },
        "partner_city": {"name": pick(project.partner_city.name, lang),
                         "country": country_name(project.partner_city.country, lang)},
        "agreement": {"kind": words["agreement"].get(project.agreement.kind) if project.agreement and project.agreement.kind else None,
                      "date": format_date(project.agreement.date, lang) if project.agreement and project.agreement.date else None},
        "applicant": {
            "name": pick(project.applicant.name, lang),
            "representative": pick(project.applicant.representative, lang),
            "address": pick(project.applicant.address, lang),
            "employees": format_number(project.applicant.employees, lang) if project.applicant.employees is not None else None,
            "grade": project.applicant.qualification.grade if project.applicant.qualification else None,
            "qualification_number": project.applicant.qualification.number if project.applicant.qualification else None,
            "environmental": project.applicant.certifications.environmental,
            "work_life_balance": [words["wlb"][c] for c in project.applicant.certifications.work_life_balance],
            "wage_increase_pledge": project.applicant.wage_increase_pledge,
        },
        "joint_implementers": [{"name": pick(o.name, lang), "role": pick(o.role, lang)} for o in project.joint_implementers],
        "project_manager": {"name": pick(project.project_manager.name, lang) if project.project_manager else None,
                            "other_assignments": project.project_manager.other_assignments if project.project_manager else None},
        "contact": {"name": pick(project.contact.name, lang), "department": pick(project.contact.department, lang),
                    "phone": project.contact.phone, "email": project.contact.email}
        if project.contact else {"name": None, "department": None, "phone": None, "email": None},
        "jcm": {
            "projects": [{"name": pick(p.name, lang), "technology": pick(p.technology, lang),
                          "capex": format_yen(p.capex_jpy, lang) if p.capex_jpy is not None else None,
                          "subsidy": format_yen(p.subsidy_jpy, lang) if p.subsidy_jpy is not None else None,
                          "reduction": format_number(p.annual_reduction_t, lang) if p.annual_reduction_t is not None else None,
                          "life": p.useful_life_years} for p in project.jcm.projects],
            "total_reduction": format_number(sum(p.annual_reduction_t or 0 for p in project.jcm.projects), lang)
            if project.jcm.projects else None,
            "cost_effectiveness": format_number(ce_value, lang) if ce_value is not None else None,
            "cost_effectiveness_basis": ce_basis,
            "adoptions": len(project.jcm.adoptions) if project.jcm.adoptions else project.jcm.adoptions_last_3_years,
        },
        "budget": {
            "rows": [{"category": words["category"][i.category], "description": i.described(lang),
                      "unit_cost": format_yen(i.unit_cost_jpy, lang),
                      "quantity": format_number(i.quantity, lang, 0 if float(i.quantity).is_integer() else 1),
                      "unit": i.unit or "", "amount": format_yen(i.amount, lang)} for i in project.budget.items],
            "groups": [{"name": words["group"][g], "amount": format_yen(summary.by_group[g], lang)}
                       for g in GROUPS if summary.by_group[g] or g in ("personnel", "operating")],
            "general_admin": format_yen(summary.general_admin, lang),
            "rate": f"{(project.budget.general_admin_rate or 0) * 100:g}%",
            "subtotal": format_yen(summary.subtotal, lang), "tax": format_yen(summary.tax, lang),
            "tax_rate": f"{rules.budget.tax_rate.value * 100:g}%",
            "total": format_yen(summary.total, lang), "cap": format_yen(summary.cap, lang),
            "has_items": bool(project.budget.items),
        },
        "activities": [{"kind": words["activity"][a.kind], "kind_id": a.kind, "when": when(a),
                        "title": pick(a.title, lang), "place": pick(a.place, lang),
                        "status": words["activity_status"][a.status], "status_id": a.status,
                        "this_year": start <= a.first_day <= end} for a in activities],
        "eligibility": [e.text.get(lang) for e in rules.eligibility],
        "attachments": [{"label": s.rule.label, "name": s.rule.name.get(lang), "status_id": s.status,
                         "status": words["attachment_status"][s.status], "reason": words["reason"][s.reason_code],
                         "note": s.rule.note.get(lang) if s.rule.note else None, "source": s.rule.source,
                         "count": s.count, "languages": s.rule.languages, "formats": s.rule.formats}
                        for s in attachment_statuses(rules, project)],
        "extra_attachments": [pick(e.name, lang) for e in project.attachments.extra],
        "scoring": [{"id": item.id, "name": item.name.get(lang), "criterion": item.criterion.get(lang) if item.criterion else None,
                     "max": score.max, "points": score.points, "basis": score.basis}
                    for item, score in zip(rules.scoring, score_project(project, rules, lang))],
        "deliverables": [d.get(lang) for d in rules.deliverables],
        "subject": make_subject(project, rules),
    }
