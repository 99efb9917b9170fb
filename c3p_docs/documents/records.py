"""What the generated attachments say: ③ track record and ④ plan (sheets), organisation overviews, adoptions, the PIN."""

from __future__ import annotations

from c3p_docs.bilingual import pick
from c3p_docs.calls import CallRules
from c3p_docs.countries import country_name
from c3p_docs.documents.sheets import Group, Sheet
from c3p_docs.eras import fiscal_year_label, format_date, format_number, format_yen
from c3p_docs.findings import Finding
from c3p_docs.model import Applicant, BilingualList, Organisation, OrganisationProfile, Pin, Project

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
    """③: every entry of `history` by fiscal year and programme, with the JCM adoptions of the pair."""
    r = words["records"]
    rows: list[tuple[int, int, Group]] = []
    for entry in project.history:
        rows.append((entry.fiscal_year, PROGRAMME_ORDER.index(entry.programme), Group([
            fiscal_year_label(entry.fiscal_year, lang), r["programme"][entry.programme],
            pick(entry.title, lang), pick_list(entry.results, lang) or None])))
    for adoption in project.jcm.adoptions:
        country = country_name(adoption.country or project.partner_city.country, lang)
        rows.append((adoption.fiscal_year, len(PROGRAMME_ORDER), Group([
            fiscal_year_label(adoption.fiscal_year, lang), r["programme"]["jcm_adoption"],
            pick(adoption.title, lang), [r["track_record"]["adopted"].format(country=country)]])))
    groups = [group for _, _, group in sorted(rows, key=lambda row: row[:2])] or [Group([None, None, None, None])]
    sheet = r["track_record"]
    return Sheet(name=sheet["sheet"], title=sheet["title"], lines=_heading(project, lang, words),
                 columns=sheet["columns"], widths=[13, 24, 36, 60], groups=groups)


def multi_year_plan_sheet(project: Project, rules: CallRules, lang: str, words: dict) -> Sheet:
    """④: for a continuing project last year's C3P plan beside its results, then each year from this one."""
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
    if year not in plans:
        groups.append(Group([r["this_year"].format(label=fiscal_year_label(year, lang)), None, None, None, ""]))
    for entry in sorted((p for p in project.plan if p.fiscal_year >= year), key=lambda p: p.fiscal_year):
        label = fiscal_year_label(entry.fiscal_year, lang)
        groups.append(Group([r["this_year"].format(label=label) if entry.fiscal_year == year else label,
                             pick_list(entry.goals, lang) or None, pick_list(entry.activities, lang) or None,
                             pick_list(entry.outputs, lang) or None, ""]))
    sheet = r["multi_year_plan"]
    return Sheet(name=sheet["sheet"], title=sheet["title"], lines=lines, columns=sheet["columns"],
                 widths=[20, 28, 34, 28, 34], groups=groups)


def organisations(project: Project) -> list[tuple[str, Applicant | Organisation]]:
    """The applicant first, then each joint implementer: the order of the per-organisation files."""
    return [("applicant", project.applicant)] + [("joint_implementer", o) for o in project.joint_implementers]


def organisation_context(project: Project, index: int, lang: str, words: dict) -> dict:
    """⑥ / (5): one organisation, from its own fields, then its `profile`."""
    position, org = organisations(project)[index]
    profile = org.profile or OrganisationProfile.model_validate({})
    r = words["records"]
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
        "established": r["established"].format(year=profile.established) if profile.established else None,
        "capital": format_yen(profile.capital_jpy, lang) if profile.capital_jpy is not None else None,
        "business": _lines(pick(profile.business, lang)),
        "offices": _lines(pick(profile.offices or address, lang)),  # a single office is the address
        "track_record": pick_list(profile.track_record, lang),
        "url": profile.url,
    }


def adoptions_context(project: Project, lang: str) -> list[dict]:
    """⑦: the adoptions by fiscal year; an adoption without a country is the partner city's."""
    adoptions = sorted(project.jcm.adoptions, key=lambda a: (a.fiscal_year, pick(a.title, lang) or ""))
    return [{"fiscal_year": fiscal_year_label(a.fiscal_year, lang), "title": pick(a.title, lang),
             "country": country_name(a.country or project.partner_city.country, lang)} for a in adoptions]


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
        made = f"{rule.label} {rule.name.en} is made from it"
        if kind == "track_record" and not project.history and not project.jcm.adoptions:
            warn(("history",), f"empty; {made} and shows a placeholder until it is filled in. Add one entry per "
                 "fiscal year and programme: {fiscal_year, programme, title, planned, results}.", rule.label)
        elif kind == "multi_year_plan":
            if not project.plan:
                warn(("plan",), f"empty; {made} and shows a placeholder until it is filled in. Add one entry per "
                     "fiscal year of the project: {fiscal_year, goals, activities, outputs}.", rule.label)
            last = rules.fiscal_year - 1
            if project.project.status == "ongoing" and not any(
                    h.fiscal_year == last and h.programme == "C3P" and pick_list(h.results, "ja") for h in project.history):
                warn(("history",), f"no C3P entry with results for fiscal year {last}; {rule.label} of a continuing "
                     f"project compares last year's plan with its results ({rule.source}). Add "
                     f"{{fiscal_year: {last}, programme: C3P, planned: …, results: …}}.", rule.label)
        elif kind == "organisation_overview":
            for index, (position, org) in enumerate(organisations(project)):
                if org.profile is None:
                    path = ("applicant", "profile") if position == "applicant" else ("joint_implementers", index - 1, "profile")
                    where = "under `applicant:`" if position == "applicant" else f"to joint_implementers[{index - 1}]"
                    warn(path, f"missing; {rule.label} {rule.name.en} of {pick(org.name, 'en')} is made from it. Add "
                         f"`profile: {{established, capital_jpy, business, offices, track_record}}` {where}.", rule.label)
        elif kind == "jcm_adoptions" and status.status == "required" and not project.jcm.adoptions:
            warn(("jcm", "adoptions_last_3_years"), f"a count alone cannot make {rule.label} {rule.name.en}: list the "
                 "adoptions under jcm.adoptions (fiscal_year, title, country), or supply the document yourself.",
                 rule.label)
        elif kind == "project_idea_note" and project.pin is None:
            warn(("pin",), f"missing; {made} and shows placeholders until it is filled in. Add `pin:` at the top "
                 "level with location, project_type, participants, baseline, reduction_basis, monitoring, finance, "
                 "benefits, host_policy and contacts (`c3p-docs init` writes them out).", rule.label)
    return findings
