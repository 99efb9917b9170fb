"""What the generated attachments say: ③ track record and ④ plan (sheets), organisation overviews, adoptions, the PIN."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from c3p_docs.adoptions import pair_adoptions, place
from c3p_docs.bilingual import pick
from c3p_docs.calls import CallRules, cite
from c3p_docs.countries import country_name
from c3p_docs.eras import era_year, fiscal_year_label, fiscal_year_of, format_date, format_number, format_yen
from c3p_docs.findings import Finding
from c3p_docs.i18n import N_, _, language
from c3p_docs.model import Applicant, BilingualList, Organisation, OrganisationProfile, Pin, Project

if TYPE_CHECKING:  # the sheet writer (and its measuring) only when a sheet is made, not for validate's checks here
    from c3p_docs.documents.sheets import Group, Sheet

SHEET_KINDS = ("track_record", "multi_year_plan")
GENERATED_KINDS = SHEET_KINDS + ("organisation_overview", "jcm_adoptions", "project_idea_note")
PROGRAMME_ORDER = ("C3P", "JICA", "METI", "own", "other")


def pick_list(value: BilingualList, lang: str) -> list[str]:
    """The lines in `lang`, else those given in the other language (validate warns), as `pick` does."""
    return value.get(lang) or value.ja or value.en


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _heading(project: Project, lang: str, words: dict) -> list[str]:
    r, placeholder = words["records"], words["placeholder"]
    return [r["project"].format(title=pick(project.project.title, lang) or placeholder),
            r["pair"].format(japanese_city=pick(project.japanese_city.name, lang),
                             partner_city=pick(project.partner_city.name, lang),
                             country=country_name(project.partner_city.country, lang)),
            r["applicant"].format(name=pick(project.applicant.name, lang))]


def track_record_sheet(project: Project, lang: str, words: dict) -> Sheet:
    """③: every entry of `history` by fiscal year and programme, with the JCM adoptions of the pair (never one in
    another country, under another pair, or a survey: ③ is the record between the two cities)."""
    from c3p_docs.documents.sheets import Group, Sheet

    r = words["records"]
    rows: list[tuple[int, int, Group]] = []
    for entry in project.history:
        rows.append((entry.fiscal_year, PROGRAMME_ORDER.index(entry.programme), Group([
            fiscal_year_label(entry.fiscal_year, lang), r["programme"][entry.programme],
            pick(entry.title, lang), pick_list(entry.results, lang) or None])))
    for adoption in pair_adoptions(project):
        country = country_name(adoption.country or project.partner_city.country, lang)
        rows.append((adoption.fiscal_year, len(PROGRAMME_ORDER), Group([
            fiscal_year_label(adoption.fiscal_year, lang), r["programme"]["jcm_adoption"],
            pick(adoption.title, lang), [r["track_record"]["adopted"].format(country=country)]])))
    groups = [group for _year, _order, group in sorted(rows, key=lambda row: row[:2])] or [Group([None, None, None, None])]
    sheet = r["track_record"]
    return Sheet(name=sheet["sheet"], title=sheet["title"], lines=_heading(project, lang, words),
                 columns=sheet["columns"], widths=[13, 24, 36, 60], groups=groups)


def multi_year_plan_sheet(project: Project, rules: CallRules, lang: str, words: dict) -> Sheet:
    """④: for a continuing project last year's C3P plan beside its results, then every year from this one to the end
    of the project period, with a placeholder for a year `plan` does not give."""
    from c3p_docs.documents.sheets import Group, Sheet

    r = words["records"]
    year = rules.fiscal_year
    plans = {entry.fiscal_year: entry for entry in project.plan}
    lines = _heading(project, lang, words)
    groups = []
    if project.project.status == "ongoing":
        last = year - 1
        history = next((h for h in project.history if h.fiscal_year == last and h.programme == "C3P"), None)
        plan = plans.get(last)
        planned = pick_list(history.planned, lang) if history else []
        if not planned and plan is not None:
            planned = pick_list(plan.activities, lang)
        label = fiscal_year_label(last, lang)
        groups.append(Group([r["last_year"].format(label=label), pick_list(plan.goals, lang) if plan else "",
                             planned or None, pick_list(plan.outputs, lang) if plan else "",
                             (pick_list(history.results, lang) if history else []) or None]))
        lines.append(r["multi_year_plan"]["comparison"].format(label=label))
    # Every remaining year of the period (R6-2 §4 「当初提案時の残年数分」), a placeholder where `plan` has none.
    period = project.project.period
    last_year = fiscal_year_of(period.end) if period and period.end else year
    for fiscal_year in sorted(set(range(year, last_year + 1)) | {p for p in plans if p >= year}):
        label = fiscal_year_label(fiscal_year, lang)
        label = r["this_year"].format(label=label) if fiscal_year == year else label
        entry = plans.get(fiscal_year)
        if entry is None:
            groups.append(Group([label, None, None, None, ""]))
            continue
        groups.append(Group([label, pick_list(entry.goals, lang) or None, pick_list(entry.activities, lang) or None,
                             pick_list(entry.outputs, lang) or None, ""]))
    sheet = r["multi_year_plan"]
    return Sheet(name=sheet["sheet"], title=sheet["title"], lines=lines, columns=sheet["columns"],
                 widths=[20, 28, 34, 28, 34], groups=groups)


def organisations(project: Project) -> list[tuple[str, Applicant | Organisation]]:
    """The applicant first, then each joint implementer: the order of the per-organisation files."""
    return [("applicant", project.applicant)] + [("joint_implementer", o) for o in project.joint_implementers]


LEGAL_FORM_MARKS = (("一般財団法人", "foundation"), ("公益財団法人", "foundation"), ("財団法人", "foundation"),
                    ("一般社団法人", "association"), ("公益社団法人", "association"), ("社団法人", "association"),
                    ("特定非営利活動法人", "npo"), ("NPO法人", "npo"), ("株式会社", "company"), ("有限会社", "company"),
                    ("合同会社", "company"), ("合資会社", "company"), ("合名会社", "company"))
"""Legal forms written in a Japanese organisation name (before or after it), the longest first."""


NO_CAPITAL = {"association": N_("an association (一般・公益社団法人)"), "npo": N_("an NPO (特定非営利活動法人)")}
"""Legal forms without capital, as findings name them."""


def legal_form(org: Applicant | Organisation) -> str | None:
    """The organisation's legal form: `profile.legal_form`, else the form its Japanese name carries."""
    if org.profile is not None and org.profile.legal_form:
        return org.profile.legal_form
    name = org.name.ja or ""
    return next((form for mark, form in LEGAL_FORM_MARKS if mark in name), None)


def established_label(year: int, lang: str, words: dict) -> str:
    """`平成6年（1994年）` in Japanese, as every other date; `1994` in English. A year alone takes the era in force at
    its end (1989 is 平成元年, 2019 令和元年)."""
    era = era_year(dt.date(year, 12, 31)) if lang == "ja" else None
    if era is None:
        return words["records"]["established"].format(year=year)
    return words["records"]["established_era"].format(era=f"{era[0]}{era[1]}", year=year)


def organisation_context(project: Project, index: int, lang: str, words: dict) -> dict:
    """⑥ / (5): one organisation, from its own fields, then its `profile`; capital labelled by its legal form."""
    position, org = organisations(project)[index]
    profile = org.profile or OrganisationProfile.model_validate({})
    r = words["records"]
    capital_label = r["capital"].get(legal_form(org) or "company")
    representative = org.representative or profile.representative
    address = org.address or profile.address
    employees = org.employees if org.employees is not None else profile.employees
    return {
        "position": r["position"][position],
        "name": pick(org.name, lang),
        "role": pick(getattr(org, "role", None), lang),
        "representative": pick(representative, lang),
        "address": _lines(pick(address, lang)),
        "employees": r["employees"].format(count=format_number(employees, lang)) if employees is not None else None,
        "established": established_label(profile.established, lang, words) if profile.established else None,
        "capital": format_yen(profile.capital_jpy, lang) if profile.capital_jpy is not None and capital_label else None,
        "capital_label": capital_label,
        "business": _lines(pick(profile.business, lang)),
        "offices": _lines(pick(profile.offices or address, lang)),  # a single office is the address
        "track_record": pick_list(profile.track_record, lang),
        "url": profile.url,
    }


def adoptions_context(project: Project, lang: str, words: dict | None = None) -> dict:
    """⑦: the pair's adoptions, then the others listed (another country or pair, surveys), each by fiscal year;
    an adoption without a country is the partner city's."""
    from c3p_docs.strings import strings

    places = (words or strings(lang))["adoption_place"]
    adoptions = sorted(project.jcm.adoptions, key=lambda a: (a.fiscal_year, pick(a.title, lang) or ""))
    rows = [{"fiscal_year": fiscal_year_label(a.fiscal_year, lang), "title": pick(a.title, lang),
             "country": country_name(a.country or project.partner_city.country, lang),
             "place": places[place(a, project)], "pair": place(a, project) == "pair"} for a in adoptions]
    return {"pair": [row for row in rows if row["pair"]], "other": [row for row in rows if not row["pair"]]}


def pin_context(project: Project, lang: str) -> dict:
    """⑫: the note's own fields, and the JCM projects' reductions and finance worked out."""
    pin = project.pin or Pin()
    projects = []
    totals = {"reduction": 0.0, "lifetime": 0.0, "capex": 0, "subsidy": 0}
    for p in project.jcm.projects:
        lifetime = p.annual_reduction_t * p.useful_life_years \
            if p.annual_reduction_t is not None and p.useful_life_years else None
        rest = p.capex_jpy - p.subsidy_jpy if p.capex_jpy is not None and p.subsidy_jpy is not None else None
        share = p.subsidy_jpy / p.capex_jpy if p.capex_jpy and p.subsidy_jpy is not None else None
        totals["reduction"] += p.annual_reduction_t or 0
        totals["lifetime"] += lifetime or 0
        totals["capex"] += p.capex_jpy or 0
        totals["subsidy"] += p.subsidy_jpy or 0
        projects.append({
            "name": pick(p.name, lang), "technology": pick(p.technology, lang),
            "reduction": format_number(p.annual_reduction_t, lang) if p.annual_reduction_t is not None else None,
            "life": p.useful_life_years,
            "lifetime": format_number(lifetime, lang) if lifetime is not None else None,
            "capex": format_yen(p.capex_jpy, lang) if p.capex_jpy is not None else None,
            "subsidy": format_yen(p.subsidy_jpy, lang) if p.subsidy_jpy is not None else None,
            "share": f"{format_number(share * 100, lang)}%" if share is not None else None,
            "rest": format_yen(rest, lang) if rest is not None else None,
        })
    contacts = [{"name": pick(c.name, lang), "organisation": pick(c.organisation, lang), "email": c.email}
                for c in pin.contacts]
    if not contacts and project.contact is not None:
        department = pick(project.contact.department, lang)
        organisation = pick(project.applicant.name, lang)
        contacts = [{"name": pick(project.contact.name, lang), "email": project.contact.email,
                     "organisation": f"{organisation}, {department}" if department else organisation}]
    period = project.project.period
    return {
        "location": pick(pin.location, lang), "project_type": pick(pin.project_type, lang),
        "participants": [pick(p, lang) for p in pin.participants],
        "baseline": _lines(pick(pin.baseline, lang)), "reduction_basis": _lines(pick(pin.reduction_basis, lang)),
        "monitoring": _lines(pick(pin.monitoring, lang)), "finance": _lines(pick(pin.finance, lang)),
        "benefits": _lines(pick(pin.benefits, lang)), "host_policy": _lines(pick(pin.host_policy, lang)),
        "contacts": contacts, "projects": projects,
        "total": {"reduction": format_number(totals["reduction"], lang),
                  "lifetime": format_number(totals["lifetime"], lang),
                  "capex": format_yen(totals["capex"], lang), "subsidy": format_yen(totals["subsidy"], lang),
                  "rest": format_yen(totals["capex"] - totals["subsidy"], lang)},
        "period_start": format_date(period.start, lang) if period and period.start else None,
        "period_end": format_date(period.end, lang) if period and period.end else None,
    }


def longest_pin_fields(project: Project, count: int = 2) -> str:
    """The YAML fields that take most room in the note, to name when it does not fit."""
    pin = project.pin or Pin()
    sizes: dict[str, int] = {}
    for path, value in (("project.summary", project.project.summary), ("project.needs", project.project.needs)):
        sizes[path] = len(pick(value, "en") or "")
    for name in ("baseline", "reduction_basis", "monitoring", "finance", "benefits", "host_policy"):
        sizes[f"pin.{name}"] = len(pick(getattr(pin, name), "en") or "")
    sizes["activities"] = sum(len(pick(a.title, "en") or "") for a in project.activities)
    sizes["jcm.projects"] = sum(len(pick(p.name, "en") or "") + len(pick(p.technology, "en") or "")
                                for p in project.jcm.projects)
    longest = sorted(sizes.items(), key=lambda item: -item[1])[:count]
    return ", ".join(f"{path} ({size:,} characters)" for path, size in longest if size)


def check_generated_sources(loaded) -> list[Finding]:
    """validate: what the attachments c3p-docs makes for this call still lack in the project file."""
    project, rules = loaded.project, loaded.rules
    from c3p_docs.attachments import attachment_statuses

    findings = []

    def warn(path: tuple, message: str, label: str) -> None:
        findings.append(loaded.source.finding("incomplete", "warning", path, message, attachment=label))

    for status in attachment_statuses(rules, project):
        rule, kind = status.rule, status.rule.kind
        if status.status == "not_applicable" or kind not in GENERATED_KINDS:
            continue
        attachment = f"{rule.label} {pick(rule.name, language())}"
        if kind == "track_record" and not project.history and not project.jcm.adoptions:
            warn(("history",), _("empty; {attachment} is made from it and shows a placeholder until it is filled in. "
                                 "Add one entry per fiscal year and programme: {entry}.").format(
                attachment=attachment, entry="{fiscal_year, programme, title, planned, results}"), rule.label)
        elif kind == "multi_year_plan":
            if not project.plan:
                warn(("plan",), _("empty; {attachment} is made from it and shows a placeholder until it is filled in. "
                                  "Add one entry per fiscal year of the project: {entry}.").format(
                    attachment=attachment, entry="{fiscal_year, goals, activities, outputs}"), rule.label)
            last = rules.fiscal_year - 1
            if project.project.status == "ongoing" and not any(
                    h.fiscal_year == last and h.programme == "C3P" and pick_list(h.results, "ja") for h in project.history):
                warn(("history",), _("no C3P entry with results for fiscal year {year}; {label} of a continuing "
                                     "project compares last year's plan with its results ({source}). Add "
                                     "{entry}.").format(
                    year=last, label=rule.label, source=cite(rule.source),
                    entry=f"{{fiscal_year: {last}, programme: C3P, planned: …, results: …}}"), rule.label)
        elif kind == "organisation_overview":
            for index, (position, org) in enumerate(organisations(project)):
                base = ("applicant", "profile") if position == "applicant" else ("joint_implementers", index - 1, "profile")
                form = legal_form(org)
                if org.profile is not None and org.profile.capital_jpy is not None and form in NO_CAPITAL:
                    findings.append(loaded.source.finding(
                        "capital-not-applicable", "warning", base + ("capital_jpy",),
                        _("{name} is {form}, which has no capital: {label} leaves the amount out. Remove it, or set "
                          "`legal_form:` in the profile if the form was read wrongly.").format(
                            name=pick(org.name, language()), form=_(NO_CAPITAL[form]), label=rule.label),
                        attachment=rule.label))
                if org.profile is None:
                    path = ("applicant", "profile") if position == "applicant" else ("joint_implementers", index - 1, "profile")
                    line = "`profile: {established, capital_jpy, business, offices, track_record}`"
                    warn(path, (_("missing; {attachment} of {name} is made from it. Add {line} under `applicant:`.")
                                if position == "applicant" else
                                _("missing; {attachment} of {name} is made from it. Add {line} to {path}.")).format(
                        attachment=attachment, name=pick(org.name, language()), line=line,
                        path=f"joint_implementers[{index - 1}]"), rule.label)
        elif kind == "jcm_adoptions" and status.status == "required" and not project.jcm.adoptions:
            warn(("jcm", "adoptions_last_3_years"), _(
                "a count alone cannot make {attachment}: list the adoptions under jcm.adoptions (fiscal_year, title, "
                "country), or supply the document yourself.").format(attachment=attachment), rule.label)
        elif kind == "project_idea_note" and project.pin is None:
            warn(("pin",), _("missing; {attachment} is made from it and shows placeholders until it is filled in. Add "
                             "`pin:` at the top level with location, project_type, participants, baseline, "
                             "reduction_basis, monitoring, finance, benefits, host_policy and contacts (`c3p-docs init` "
                             "writes them out).").format(attachment=attachment), rule.label)
    return findings
