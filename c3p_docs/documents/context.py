"""The values templates see: the project in one language, formatted (dates, era, yen), nothing computed twice."""

from __future__ import annotations

import datetime as dt
import os
from functools import cache, lru_cache
from pathlib import Path

from markupsafe import Markup, escape
from pydantic import BaseModel

from c3p_docs.adoptions import pair_count, place
from c3p_docs.attachments import attachment_statuses, companions_due, condition_holds, form_kinds
from c3p_docs.bilingual import Figure, Localized, localized, localized_list, pick
from c3p_docs.budget import GROUPS, compute_budget
from c3p_docs.calls import CallRules
from c3p_docs.consultation import activity_rule_name, words_for
from c3p_docs.countries import country_name
from c3p_docs.eras import (
    fiscal_year_bounds,
    fiscal_year_ja,
    fiscal_year_label,
    format_number,
    format_yen,
    printed_date,
    printed_month,
)
from c3p_docs.model import (
    Agreement,
    Bilingual,
    BilingualList,
    Contact,
    OrganisationProfile,
    Period,
    Pin,
    Project,
    ProjectManager,
    Qualification,
)
from c3p_docs.scoring import cost_effectiveness_value
from c3p_docs.strings import cite, deliverable_text, strings
from c3p_docs.subject import make_subject
from c3p_docs.trips import kind_and_place
from c3p_docs.where import shell_word


@lru_cache(maxsize=8)
def placeholder_filter(lang: str, override: str | None = None):
    """`{{ value | ph }}`: the value escaped, or the visible placeholder when it is missing (one function per
    language and templates folder, so the compiled templates' cache keys are worked out once)."""
    from jinja2 import pass_context

    text = strings(lang, override)["placeholder"]

    # pass_context keeps Jinja from folding `{{ None | ph }}` into a constant at compile time: compiled
    # templates are cached and shared (common/ serves both languages), so a folded placeholder would
    # print the first language's words in the other's documents.
    @pass_context
    def ph(context, value):
        if value is None or value == "" or value == []:
            return Markup("<ph>") + escape(text) + Markup("</ph>")
        return value

    return ph


def check_package_command(project_file: Path, out: Path) -> str:
    """The command the checklist prints, to run in OUT (where the checklist is): check-package on its submission
    folder with the project, named relative to OUT so the line is the same from whatever folder build ran."""
    try:
        project = Path(os.path.relpath(project_file.resolve(), out.resolve())).as_posix()
    except ValueError:  # another drive (Windows): no relative path
        project = project_file.resolve().as_posix()
    if any("\udc80" <= char <= "\udcff" for char in project):
        # A name in bytes no document can hold (Shift_JIS on a UTF-8 system): the usage word stands in for it.
        project = "PROJECT.yaml"
    return f"c3p-docs check-package submission --project {shell_word(project)}"


def document_date(project: Project, rules: CallRules) -> dt.date:
    """The date documents carry and stamp as created: fixed by the input, so rebuilds are identical."""
    if project.submission_date:
        return project.submission_date
    close = rules.deadline("application_close")
    return close.date if close else dt.date(rules.fiscal_year, 4, 1)


@cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, bool], ...]:
    """A model's fields in order, each with whether it holds text (read from annotations once per class)."""
    return tuple((name, _is_text(info.annotation)) for name, info in model.model_fields.items())


def _is_text(annotation) -> bool:
    """True for fields that take a plain string or `{ja, en}` (a plain string is then used in both languages)."""
    import typing

    if isinstance(annotation, type):
        return issubclass(annotation, Bilingual)
    return any(_is_text(argument) for argument in typing.get_args(annotation))


def data_view(value, lang: str, text: bool = False):
    """A model as dicts and lists for templates and forms: every field by its YAML name, bilingual text as
    Localized, lines as LocalizedList, dates and `*_jpy` amounts as Figures."""
    if isinstance(value, Bilingual):
        return localized(value, lang)
    if isinstance(value, BilingualList):
        return localized_list(value, lang)
    if isinstance(value, BaseModel):
        view = {}
        for name, text_field in _fields(type(value)):
            item = data_view(getattr(value, name), lang, text_field)
            if name.endswith("_jpy") and isinstance(item, int):
                item = Figure(format_yen(item, lang), item)
            view[name] = item
        return view
    if isinstance(value, list):
        return [data_view(item, lang, text) for item in value]
    if isinstance(value, dict):
        return {key: data_view(item, lang, text) for key, item in value.items()}
    if isinstance(value, dt.date):
        return Figure(printed_date(value, lang), value)
    if isinstance(value, str) and text:
        return Localized(value)
    return value


class _Labels:
    """Labels of ids (statuses, kinds, sectors…) in the document's language, carrying both languages and the id."""

    def __init__(self, lang: str, override: str | None, rules: CallRules, project: Project) -> None:
        self.lang = lang
        self.words = {code: words_for(strings(code, override), rules, project, code) for code in ("ja", "en")}

    def __call__(self, group: str, key: str | None) -> Localized | None:
        if key is None:
            return None
        ja, en = (self.words[code][group].get(key, key) for code in ("ja", "en"))
        return Localized(ja if self.lang == "ja" else en, ja, en, id=key)


def certification_name(name: Bilingual | str, lang: str, words: dict) -> Localized:
    """A certification as the document's language names it: a plain name the language's `certification` table
    knows (エコアクション21 → Eco-Action 21), else as given."""
    if isinstance(name, str):
        return Localized(words["certification"].get(name, name))
    return localized(name, lang)


def _number(value: float | None, lang: str, digits: int = 0) -> Figure | None:
    return None if value is None else Figure(format_number(value, lang, digits), value)


def _yen(value: int | None, lang: str) -> Figure | None:
    return None if value is None else Figure(format_yen(value, lang), value)


def _paragraphs(text: str) -> list[str]:
    """Paragraphs of a narrative: one per non-empty line (YAML `|` blocks keep the author's breaks)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _report_pages(rules: CallRules, lang: str) -> dict | None:
    """The report's length from the profile (`deliverables` id `report`), and where it comes from."""
    report = next((d for d in rules.deliverables if d.id == "report" and d.pages is not None), None)
    if report is None or report.pages is None:
        return None
    return {"pages": report.pages.value, "assumed": report.pages.assumed, "source": cite(report.pages.source, lang)}


def build_context(project: Project, rules: CallRules, lang: str, override: str | None = None) -> dict:
    """The one namespace of built-in templates and tagged forms (`c3p-docs fields` lists it)."""
    words = words_for(strings(lang, override), rules, project, lang)
    label = _Labels(lang, override, rules, project)
    info = project.project
    money = compute_budget(project.budget, rules)
    start, end = fiscal_year_bounds(rules.fiscal_year)
    ce_value = cost_effectiveness_value(project)
    day = document_date(project, rules)
    status = info.status or "new"

    view_project = data_view(info, lang)
    period = info.period or Period()
    view_project.update({
        "status": label("status", info.status), "sectors": [label("sector", s) for s in info.sectors],
        "period": data_view(period, lang),
        "period_start": data_view(period.start, lang), "period_end": data_view(period.end, lang),
        "ends_this_year": bool(period.end and period.end <= end),
    })

    city = data_view(project.japanese_city, lang)
    city["kind"] = label("city_kind", project.japanese_city.kind)
    country = project.partner_city.country
    partner = data_view(project.partner_city, lang)
    partner["country"] = Localized(country_name(country, lang), country_name(country, "ja"), country_name(country, "en"))
    partner["country_ja"] = partner["country"].ja
    agreement = data_view(project.agreement or Agreement(), lang)
    agreement["kind"] = label("agreement", agreement["kind"])

    applicant_model = project.applicant
    applicant = data_view(applicant_model, lang)
    qualification = applicant_model.qualification or Qualification()
    wlb = [label("wlb", c) for c in applicant_model.certifications.work_life_balance]
    applicant.update({
        "kind": applicant_model.kind or "company",
        "employees": _number(applicant_model.employees, lang),
        "qualification": data_view(qualification, lang),
        "grade": qualification.grade, "qualification_number": qualification.number,
        "environmental": [certification_name(c, lang, words) for c in applicant_model.certifications.environmental],
        "work_life_balance": wlb,
        "profile": data_view(applicant_model.profile or OrganisationProfile(), lang),
    })
    applicant["certifications"]["work_life_balance"] = wlb
    implementers = []
    for organisation in project.joint_implementers:
        view = data_view(organisation, lang)
        view["employees"] = _number(organisation.employees, lang)
        view["profile"] = data_view(organisation.profile or OrganisationProfile(), lang)
        implementers.append(view)

    projects = []
    for model_project in project.jcm.projects:
        view = data_view(model_project, lang)
        view["annual_reduction_t"] = _number(model_project.annual_reduction_t, lang)
        view.update({"capex": view["capex_jpy"], "subsidy": view["subsidy_jpy"], "reduction": view["annual_reduction_t"],
                     "life": model_project.useful_life_years})
        projects.append(view)
    reductions = [p.annual_reduction_t for p in project.jcm.projects if p.annual_reduction_t is not None]
    total_reduction = _number(sum(reductions), lang) if reductions else None
    adoptions = project.jcm.adoptions
    jcm = {
        "projects": projects, "total_reduction": total_reduction, "total_reduction_t": total_reduction,
        "cost_effectiveness": _number(ce_value, lang, 1) if ce_value is not None else None,
        "adoptions": data_view(adoptions, lang),
        # this pair's only (R6-2 §6 3), as listed: validate warns about old ones and other countries
        "adoptions_last_3_years": pair_count(project),
    }
    for adoption, view in zip(adoptions, jcm["adoptions"]):
        view["fiscal_year_label"] = fiscal_year_label(adoption.fiscal_year, lang)
        view["country"] = Localized(country_name(adoption.country, lang), country_name(adoption.country, "ja"),
                                    country_name(adoption.country, "en")) if adoption.country else Localized("")
        view["place"] = label("adoption_place", place(adoption, project))
    jcm["pair_adoptions"] = [v for v in jcm["adoptions"] if v["place"].id == "pair"]
    jcm["other_adoptions"] = [v for v in jcm["adoptions"] if v["place"].id != "pair"]

    items = []
    for line in project.budget.items:
        view = data_view(line, lang)
        quantity = _number(line.quantity, lang, 0 if float(line.quantity).is_integer() else 1)
        view.update({"category": label("category", line.category), "quantity": quantity, "unit": line.unit or "",
                     "amount": _yen(line.amount, lang), "unit_cost": view["unit_cost_jpy"]})
        items.append(view)
    budget = {
        "general_admin_rate": project.budget.general_admin_rate,
        "field_survey_extra": project.budget.field_survey_extra,
        "items": items, "rows": items,
        "groups": [{"id": g, "name": words["group"][g], "amount": _yen(money.by_group[g], lang)}
                   for g in GROUPS if money.by_group[g] or g in ("personnel", "operating")],
        "by_category": {c: _yen(v, lang) for c, v in money.by_category.items()},
        **{g: _yen(money.by_group[g], lang) for g in GROUPS},
        "direct": _yen(money.direct, lang), "general_admin": _yen(money.general_admin, lang),
        "rate": f"{(project.budget.general_admin_rate or 0) * 100:g}%",
        "subtotal": _yen(money.subtotal, lang), "tax": _yen(money.tax, lang),
        "tax_rate": f"{rules.budget.tax_rate.value * 100:g}%",
        "total": _yen(money.total, lang), "cap": _yen(money.cap, lang),
        "has_items": bool(project.budget.items),
    }

    activities = []
    for activity in sorted(project.activities, key=lambda a: (a.first_day, a.kind)):
        view = data_view(activity, lang)
        kind_shown, place_shown = kind_and_place(activity, pick(activity.title, lang), pick(activity.place, lang), words)
        view.update({
            "kind_shown": kind_shown, "place_shown": place_shown,
            "kind": label("activity", activity.kind), "kind_id": activity.kind,
            "when": printed_date(activity.date, lang) if activity.date else printed_month(activity.month_key, lang),
            "status": label("activity_status", activity.status), "status_id": activity.status,
            "this_year": start <= activity.first_day <= end,
        })
        activities.append(view)

    history = []
    for entry in sorted(project.history, key=lambda h: (-h.fiscal_year, h.programme)):
        view = data_view(entry, lang)
        view["programme"] = label("programme", entry.programme)
        view["fiscal_year_label"] = fiscal_year_label(entry.fiscal_year, lang)
        view["before_call"] = entry.fiscal_year < rules.fiscal_year
        history.append(view)
    plan = []
    for year in sorted(project.plan, key=lambda p: p.fiscal_year):
        view = data_view(year, lang)
        view["fiscal_year_label"] = fiscal_year_label(year.fiscal_year, lang)
        view["this_year"] = year.fiscal_year == rules.fiscal_year
        plan.append(view)

    narrative = {c.id: localized(project.narrative.get(c.id), lang) for c in rules.scoring}
    narrative.update({key: localized(text, lang) for key, text in project.narrative.items() if key not in narrative})
    criteria = []
    for criterion in rules.scoring:
        if not criterion.scored_for(status):
            continue
        name = criterion.name
        criteria.append({"id": criterion.id, "name": Localized(name.get(lang) or name.ja, name.ja, name.en),
                         "criterion": localized(criterion.criterion, lang) if criterion.criterion else None,
                         "max": criterion.max_for(status), "judged": criterion.judged, "facts": list(criterion.facts),
                         "narrative": _paragraphs(narrative[criterion.id]), "source": criterion.source})

    policy = next((c for c in rules.scoring if c.overview == "policy"), None)
    policy_paragraphs = _paragraphs(narrative[policy.id]) if policy else []
    overview = {"policy": policy_paragraphs[0] if policy_paragraphs else None}

    office = rules.addressee.office
    return {
        "lang": lang,
        "t": words,
        "call": {"id": rules.id, "name": localized(rules.name, lang), "fiscal_year": rules.fiscal_year,
                 "fiscal_year_ja": fiscal_year_ja(rules.fiscal_year),
                 "fiscal_year_label": fiscal_year_label(rules.fiscal_year, lang),
                 "qualification_years": localized(rules.qualification_years, lang),
                 "mail_to": rules.mail.to.value, "office": localized(office, lang)},
        "date": Figure(printed_date(day, lang), day),
        "submission_date": data_view(project.submission_date, lang),
        "project": view_project,
        "japanese_city": city,
        "partner_city": partner,
        "agreement": agreement,
        "applicant": applicant,
        "joint_implementers": implementers,
        "project_manager": data_view(project.project_manager or ProjectManager(), lang),
        "contact": data_view(project.contact or Contact(), lang),
        "jcm": jcm,
        "budget": budget,
        "activities": activities,
        "history": history,
        "plan": plan,
        "narrative": narrative,
        "actuals": data_view(project.actuals, lang),
        "pin": data_view(project.pin or Pin(), lang),
        "monthly": data_view(project.monthly, lang),
        "forms": dict(project.forms),
        "eligibility": [localized(e.text, lang) for e in rules.eligibility],
        "attachments": [{"label": s.rule.label, "name": localized(s.rule.name, lang), "status_id": s.status,
                         "status": words["attachment_status"][s.status], "reason": words["reason"][s.reason_code],
                         "note": cite(localized(s.rule.note, lang), lang) if s.rule.note else None,
                         "source": cite(s.rule.source, lang),
                         "count": s.count, "languages": s.rule.languages, "formats": s.rule.formats,
                         "specified_format": s.rule.specified_format, "form_kinds": form_kinds(s.rule.kind),
                         "companions": [{"name": localized(c.name, lang), "file": name, "source": cite(c.source, lang)}
                                        for c, name in companions_due(s.rule, project)] if s.status != "not_applicable" else []}
                        for s in attachment_statuses(rules, project)],
        "extra_attachments": [pick(e.name, lang) for e in project.attachments.extra],
        "scoring": criteria,
        "overview": overview,
        "required_activities": [{"name": activity_rule_name(rule, rules, project, lang, words), "source": cite(rule.source, lang)}
                                for rule in rules.activities],
        "deliverables": [Localized(deliverable_text(d, lang), deliverable_text(d, "ja"), deliverable_text(d, "en"))
                         for d in rules.deliverables],
        "report_pages": _report_pages(rules, lang),
        # what the call asks that no document covers, for this project (the checklist lists them)
        "reminders": [{"id": r.id, "text": localized(r.text, lang), "source": cite(r.source, lang), "assumed": r.assumed}
                      for r in rules.reminders if r.when is None or condition_holds(r.when, project)],
        "subject": make_subject(project, rules),
    }
