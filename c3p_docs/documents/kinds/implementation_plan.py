"""The fiscal year's implementation plan (実施計画書, Word) from the activities, organisations and budget."""

from __future__ import annotations

from c3p_docs.documents.kinds import Kind, Output, Request, register
from c3p_docs.findings import Finding
from c3p_docs.i18n import _, language


def _context(renderer, request: Request, base: dict) -> dict:
    from c3p_docs.documents.implementation_plan import plan_context

    return plan_context(base, renderer.project, renderer.rules, request.lang)


def _findings(renderer, requests: list[Request]) -> list[Finding]:
    """Gaps the plan shows: no plan entry for the year, required activities not scheduled."""
    from c3p_docs.calls import cite
    from c3p_docs.consultation import activity_rule_name
    from c3p_docs.documents.implementation_plan import activities_of_year
    from c3p_docs.strings import strings
    from c3p_docs.trips import counted_activities

    project, rules, source = renderer.project, renderer.rules, renderer.loaded.source
    findings = []
    if not any(p.fiscal_year == rules.fiscal_year for p in project.plan):
        findings.append(source.finding("plan-year-missing", "warning", ("plan",), _(
            "no `plan` entry for fiscal year {year}; the year's goals show a placeholder.").format(
            year=rules.fiscal_year)))
    activities = activities_of_year(project, rules.fiscal_year)
    for rule in rules.activities:
        scheduled = len(counted_activities(rule, activities))
        if scheduled < rule.min_per_year:
            name = activity_rule_name(rule, rules, project, language(), strings(language()))
            findings.append(source.finding("activity-not-scheduled", "warning", ("activities",), _(
                "{activities}: {scheduled} scheduled in {year}, the call asks for about {expected} ({source}).").format(
                activities=name, scheduled=scheduled, year=_("FY{year}").format(year=rules.fiscal_year),
                expected=rule.min_per_year, source=cite(rule.source))))
    return findings


register(Kind("implementation_plan", (Output(".docx", "word", "implementation_plan.xml.j2"),), group="contract",
              context=_context, findings=_findings))
