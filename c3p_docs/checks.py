"""Call-rule checks over a loaded project: money, period, activities, country, completeness."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any

from pydantic import BaseModel

from c3p_docs.adoptions import membership, pair_adoptions
from c3p_docs.attachments import EXTENSIONS, attachment_file_name, attachment_statuses, companions_due, uses_wage_pledge
from c3p_docs.bilingual import pick
from c3p_docs.budget import compute_budget
from c3p_docs.calls import Condition, cite, resolve
from c3p_docs.consultation import activity_rule_name, consultation_findings
from c3p_docs.countries import closest_country, country_code, same_country
from c3p_docs.documents.records import check_generated_sources
from c3p_docs.eras import fiscal_year_bounds, fiscal_year_of
from c3p_docs.findings import Finding
from c3p_docs.i18n import _, language, sentences
from c3p_docs.loading import format_path
from c3p_docs.model import Bilingual, BilingualList, Project
from c3p_docs.placeholders import starter_values_left
from c3p_docs.project import LoadedProject
from c3p_docs.scoring import energy_sectors_missing
from c3p_docs.strings import strings
from c3p_docs.trips import counted_activities, status_findings

# Fields a complete application needs; a draft may leave them out (warning `incomplete`).
COMPLETE_APPLICATION_FIELDS = [
    ("project", "status"), ("project", "phase"), ("project", "year"), ("project", "period"),
    ("project", "sectors"), ("project", "summary"), ("project", "background"), ("project", "needs"),
    ("japanese_city", "kind"), ("japanese_city", "financial_capability_index"), ("agreement", "kind"),
    ("applicant", "representative"), ("applicant", "address"), ("applicant", "employees"),
    ("applicant", "qualification", "grade"), ("applicant", "qualification", "number"), ("project_manager", "name"),
    ("project_manager", "other_assignments"), ("contact", "name"), ("contact", "email"),
    ("contact", "phone"), ("jcm", "projects"), ("budget", "general_admin_rate"), ("budget", "items"),
    ("activities",),
]


def _get(project: Project, path: tuple[str, ...]):
    current: Any = project
    for part in path:
        current = getattr(current, part, None)
        if current is None:
            return None
    return current


def _sourced(rule) -> str:
    return rule.cited()


def where_to_add(loaded: LoadedProject, path: tuple, value: str = "…") -> str | None:
    """How to add a field the file lacks (in the message language): `add `grade: …` under
    `applicant.qualification:``; None when it is there."""
    positions = loaded.source.positions
    if path in positions:
        return None
    cut = len(path)
    while cut and path[:cut] not in positions:
        cut -= 1
    snippet = value
    for key in reversed(path[cut + 1:]):
        snippet = f"{{{key}: {snippet}}}"
    line = f"{path[cut]}: {snippet}"
    if cut:
        return _("add `{line}` under `{parent}:`").format(line=line, parent=format_path(path[:cut]))
    return _("add `{line}` at the top level").format(line=line)


CONCLUDED_AGREEMENTS = ("sister_city", "mou", "other")
"""Agreement kinds already concluded: the application form prints their date (`intended` has none yet)."""


def check_completeness(loaded: LoadedProject) -> list[Finding]:
    findings = []
    agreement = loaded.project.agreement
    concluded = [("agreement", "date")] if agreement and agreement.kind in CONCLUDED_AGREEMENTS else []
    for path in COMPLETE_APPLICATION_FIELDS + concluded:
        value = _get(loaded.project, path)
        if value is None or value == [] or value == "":
            add = where_to_add(loaded, path)
            message = (_("missing: {add}. Documents show a placeholder until then; a complete application needs "
                         "it.").format(add=add) if add
                       else _("is empty: fill it in. Documents show a placeholder until then; a complete application "
                              "needs it."))
            findings.append(loaded.source.finding("incomplete", "warning", path, message))
    return findings


def _bilingual_fields(value, path: tuple) -> list[tuple[tuple, Bilingual | BilingualList]]:
    found = []
    if isinstance(value, (Bilingual, BilingualList)):
        return [(path, value)]
    if isinstance(value, list):
        for index, item in enumerate(value):
            found += _bilingual_fields(item, path + (index,))
    elif isinstance(value, dict):
        for key, item in value.items():
            found += _bilingual_fields(item, path + (key,))
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            found += _bilingual_fields(getattr(value, name), path + (name,))
    return found


def _takes_bilingual(annotation) -> bool:
    """True for fields that take a plain string or `{ja, en}` (technology, places, person names…)."""
    import typing

    if isinstance(annotation, type):
        return issubclass(annotation, Bilingual)
    return any(_takes_bilingual(argument) for argument in typing.get_args(annotation))


def _plain_texts(value, path: tuple) -> list[tuple[tuple, str]]:
    """Plain strings given where `{ja, en}` is allowed: they print as given in both languages."""
    found: list[tuple[tuple, str]] = []
    if isinstance(value, list):
        for index, item in enumerate(value):
            found += _plain_texts(item, path + (index,))
    elif isinstance(value, dict):
        for key, item in value.items():
            found += _plain_texts(item, path + (key,))
    elif isinstance(value, BaseModel) and not isinstance(value, (Bilingual, BilingualList)):
        for name, info in type(value).model_fields.items():
            item = getattr(value, name)
            if _takes_bilingual(info.annotation):
                items = item if isinstance(item, list) else [item]
                for index, text in enumerate(items):
                    if isinstance(text, str):
                        found.append((path + ((name, index) if isinstance(item, list) else (name,)), text))
            else:
                found += _plain_texts(item, path + (name,))
    return found


JAPANESE_CHARACTERS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
ENGLISH_WORD = re.compile(r"[A-Za-z]*[a-z]{3,}")
"""Three lower-case letters in a row: English words, not an acronym, code or unit (ISO14001, MW)."""


ENGLISH_DOCUMENT_FIELDS = {"project_idea_note": "pin"}
"""Fields only one generated document prints, by its kind: when the call asks for it in English only
(R6-2 ⑫), they need no Japanese."""


def english_only_fields(loaded: LoadedProject) -> dict[str, str]:
    """Top-level field → the English-only document it goes into (`⑫ Project Idea Note for the Study …`)."""
    found = {}
    for kind, field in ENGLISH_DOCUMENT_FIELDS.items():
        rule = loaded.rules.attachment_for_kind(kind)
        if rule is not None and rule.languages == ["en"]:
            found[field] = f"{rule.label} {pick(rule.name, language())}"
    return found


def check_plain_texts(loaded: LoadedProject) -> list[Finding]:
    """A plain string in a field that takes `{ja, en}` shows as given in the other language's documents."""
    findings = []
    english_only = english_only_fields(loaded)
    known = {name for lang in ("ja", "en") for name in strings(lang)["certification"]}
    for path, text in _plain_texts(loaded.project, ()):
        if path[:3] == ("applicant", "certifications", "environmental") and text in known:
            continue  # the documents give it in each language's own name
        if JAPANESE_CHARACTERS.search(text):
            findings.append(loaded.source.finding(
                "missing-translation", "warning", path, _("{text} is Japanese only; the English documents show it as "
                                                          "it is. Give it as {example}.").format(
                    text=repr(text), example="{ja: …, en: …}")))
        elif ENGLISH_WORD.search(text) and path[0] not in english_only:
            findings.append(loaded.source.finding(
                "missing-translation", "warning", path, _("{text} is English only; the Japanese documents show it as "
                                                          "it is. Give it as {example}.").format(
                    text=repr(text), example="{ja: …, en: …}")))
    return findings


def check_translations(loaded: LoadedProject) -> list[Finding]:
    findings = check_plain_texts(loaded)
    english_only = english_only_fields(loaded)
    for path, text in _bilingual_fields(loaded.project, ()):
        if path[0] == "narrative" and not text.ja and not text.en:
            continue  # check_narrative names the criterion and its points
        if path[0] in english_only:
            if not text.en:
                findings.append(loaded.source.finding(
                    "incomplete" if not text.ja else "missing-translation", "warning", path,
                    _("has no English: write `en:`; {document} is in English only.").format(
                        document=english_only[path[0]])))
            continue
        if isinstance(text, BilingualList):
            if text.ja and text.en and len(text.ja) != len(text.en):
                findings.append(loaded.source.finding(
                    "missing-translation", "warning", path, _("has {japanese} Japanese line(s) but {english} English; "
                                                              "the two documents should say the same, line by "
                                                              "line.").format(japanese=len(text.ja),
                                                                              english=len(text.en))))
                continue
            if not text.ja and not text.en:
                continue  # an empty list is simply not filled in
        if text.ja and not text.en:
            findings.append(loaded.source.finding("missing-translation", "warning", path,
                                                  _("has Japanese but no English (`en:`); the English documents need "
                                                    "it.")))
        elif text.en and not text.ja:
            findings.append(loaded.source.finding("missing-translation", "warning", path,
                                                  _("has English but no Japanese (`ja:`); the Japanese documents need "
                                                    "it.")))
        elif not text.ja and not text.en:
            findings.append(loaded.source.finding("incomplete", "warning", path, _(
                "is empty in both languages: write `ja:` and `en:`, or delete the line if it does not apply.")))
    return findings


def check_budget(loaded: LoadedProject) -> list[Finding]:
    project, rules, source = loaded.project, loaded.rules, loaded.source
    money = rules.budget
    findings = []
    summary = compute_budget(project.budget, rules)
    rate = project.budget.general_admin_rate
    if rate is not None and rate > money.general_admin_rate_cap.value:
        findings.append(source.finding(
            "admin-rate-over-cap", "error", ("budget", "general_admin_rate"),
            _("{rate} exceeds the call's cap {cap} ({call} · {source}). Lower it or move costs.").format(
                rate=rate, cap=money.general_admin_rate_cap.value, call=rules.id,
                source=_sourced(money.general_admin_rate_cap))))
    if project.budget.field_survey_extra and money.extra_jpy is None:
        findings.append(source.finding(
            "no-extra-amount", "error", ("budget", "field_survey_extra"),
            _("the call {call} has no extra amount for field surveys; remove the flag.").format(call=rules.id)))
    if project.budget.items and summary.total > summary.cap:
        findings.append(source.finding(
            "budget-over-cap", "error", ("budget", "items"),
            (_("total {total:,} JPY (tax included) exceeds the cap {cap:,} JPY including the extra for JCM field "
               "surveys ({call} · {source}) by {over:,} JPY. Reduce items.") if summary.extra_claimed
             else _("total {total:,} JPY (tax included) exceeds the cap {cap:,} JPY ({call} · {source}) by {over:,} "
                    "JPY. Reduce items.")).format(total=summary.total, cap=summary.cap, call=rules.id,
                                                  source=_sourced(money.cap_jpy), over=summary.total - summary.cap)))
    outsourcing = summary.by_group["outsourcing"]
    limit = money.outsourcing_max_share.value * summary.outsourcing_base
    if outsourcing and outsourcing > limit:
        findings.append(source.finding(
            "outsourcing-over-share", "warning", ("budget", "items"),
            _("outsourcing {amount:,} JPY is more than {share:g} of {base} ({base_amount:,} JPY) ({call} · {source}): "
              "reduce it, or give the reason in the application; the call allows more only with one.").format(
                amount=outsourcing, share=money.outsourcing_max_share.value,
                base=" + ".join(money.outsourcing_base.value), base_amount=summary.outsourcing_base, call=rules.id,
                source=_sourced(money.outsourcing_base))))
    threshold = money.equipment_threshold_jpy.value
    for index, item in enumerate(project.budget.items):
        path = ("budget", "items", index)
        if item.category == "equipment" and item.unit_cost_jpy < threshold:
            findings.append(source.finding(
                "equipment-threshold", "warning", path + ("category",),
                _("unit cost {cost:,} JPY is below the equipment threshold {threshold:,} JPY ({call} · {source}): it "
                  "is a consumable; use category: consumables.").format(
                    cost=item.unit_cost_jpy, threshold=threshold, call=rules.id,
                    source=_sourced(money.equipment_threshold_jpy))))
        if item.category == "consumables" and item.unit_cost_jpy >= threshold:
            findings.append(source.finding(
                "equipment-threshold", "warning", path + ("category",),
                _("unit cost {cost:,} JPY reaches the equipment threshold {threshold:,} JPY ({call} · {source}): use "
                  "category: equipment, unless it wears out within about 2 years.").format(
                    cost=item.unit_cost_jpy, threshold=threshold, call=rules.id,
                    source=_sourced(money.equipment_threshold_jpy))))
        if item.amount == 0:
            findings.append(source.finding("zero-amount", "warning", path, _(
                "amounts to 0 JPY: give unit_cost_jpy and quantity, or remove the line.")))
    return findings


def check_period(loaded: LoadedProject) -> list[Finding]:
    project, rules, source = loaded.project, loaded.rules, loaded.source
    info = project.project
    findings = []
    limits = rules.period
    if info.phase is not None and info.phase > limits.max_phases.value:
        findings.append(source.finding("phase-out-of-range", "error", ("project", "phase"),
                                       _("phase {phase}: the call allows {allowed} ({source}).").format(
                                           phase=info.phase, allowed=limits.max_phases.value,
                                           source=cite(limits.max_phases.source))))
    if info.period and info.period.start and info.period.end:
        years = (info.period.end - info.period.start).days / 365.25
        phases = info.phase or 1
        if years > limits.max_years_per_phase.value * phases + 0.01:
            findings.append(source.finding(
                "period-too-long", "error", ("project", "period"),
                _("{years:.1f} years exceeds {allowed} years a phase ({source}) for phase {phase}: move `end` "
                  "earlier.").format(years=years, allowed=limits.max_years_per_phase.value,
                                     source=cite(limits.max_years_per_phase.source), phase=phases)))
        for index, activity in enumerate(project.activities):
            if activity.status != "cancelled" and not (info.period.start.replace(day=1) <= activity.first_day <= info.period.end):
                findings.append(source.finding("activity-outside-period", "warning", ("activities", index),
                                               _("{month} is outside the project period {start} – {end}: correct its "
                                                 "month or the period, or set status: cancelled.").format(
                                                   month=activity.month_key, start=info.period.start,
                                                   end=info.period.end)))
    return findings


def fiscal_years_of(start: dt.date, end: dt.date) -> list[int]:
    """The fiscal years a span of days touches."""
    return list(range(fiscal_year_of(start), fiscal_year_of(end) + 1))


def project_fiscal_years(project: Project, rules) -> list[int]:
    """The fiscal years of the project period; without a period, the call's."""
    period = project.project.period
    if period is None or period.start is None or period.end is None:
        return [rules.fiscal_year]
    return fiscal_years_of(period.start, period.end)


def counted_pair_years(years: set[int], new_after: int | None) -> list[int]:
    """The C3P fiscal years that count towards the pair's limit: after the last interruption of `new_after`
    fiscal years or more, every year (interruptions shorter than that are counted across)."""
    ordered = sorted(years)
    if new_after is None:
        return ordered
    first = 0
    for index in range(1, len(ordered)):
        if ordered[index] - ordered[index - 1] - 1 >= new_after:
            first = index
    return ordered[first:]


def _year_ranges(years: list[int]) -> str:
    """`FY2017–FY2019, FY2026–FY2028`: consecutive years as one range."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(_fy(run[0]) if len(run) == 1 else f"{_fy(run[0])}–{_fy(run[-1])}" for run in runs)


def _fy(year: int) -> str:
    """`FY2026` (`2026年度`)."""
    return _("FY{year}").format(year=year)


def check_pair_years(loaded: LoadedProject) -> list[Finding]:
    """The same Japanese city and partner city at most N C3P years in total, interruptions included, unless an
    interruption long enough lets the pair apply as new (guidebook 2.1 note 1)."""
    project, rules = loaded.project, loaded.rules
    limit = rules.period.max_years_per_city_pair
    if limit is None:
        return []
    past = {entry.fiscal_year for entry in project.history if entry.programme == "C3P"}
    planned = set(project_fiscal_years(project, rules))
    after = rules.period.new_after_interruption_years
    counted = counted_pair_years(past | planned, after.value if after else None)
    if len(counted) <= limit.value:
        return []
    dropped = sorted((past | planned) - set(counted))
    earlier = (_("Years before an interruption of {years} fiscal years or more do not count ({dropped} left out; "
                 "{source}).").format(years=after.value, dropped=_year_ranges(dropped), source=after.cited())
               if after and dropped else
               _("Only an interruption of {years} fiscal years or more lets the pair apply as new ({source}).").format(
                   years=after.value, source=after.cited()) if after else "")
    path = ("project", "period") if ("project", "period") in loaded.source.positions else ("history",)
    message = _("{pair} would have C3P in {count} fiscal years ({years}: C3P entries of `history` and the project "
                "period), more than the {limit} one city pair may have in total, interruptions included ({call} · "
                "{source}).").format(
        pair=f"{pick(project.japanese_city.name, language())}–{pick(project.partner_city.name, language())}",
        count=len(counted), years=_year_ranges(counted), limit=limit.value, call=rules.id, source=limit.cited())
    last = _("The period may run to {year} at most: move `end` earlier, or correct `history`.").format(
        year=_fy(counted[limit.value - 1]))
    return [loaded.source.finding("pair-years-exceeded", "error", path,
                                  sentences(message, earlier, last))]


def check_energy_co2(loaded: LoadedProject) -> list[Finding]:
    """The call's scope is cutting energy-origin CO2: at least one sector must be one that does (profile data)."""
    project, rules = loaded.project, loaded.rules
    if rules.energy_co2 is None or not energy_sectors_missing(project, rules):
        return []
    energy = rules.energy_co2.sectors
    scored = [pick(item.name, language()) or item.id for item in rules.scoring if item.energy_co2_only]
    message = _("none of {sectors} cuts energy-origin CO2, which the call's scope requires ({call} · "
                "{source}).").format(sectors=", ".join(project.project.sectors), call=rules.id, source=energy.cited())
    if scored:
        message = _("{message} {criteria} score only projects whose reduction includes it.").format(
            message=message, criteria=_and(scored))
    return [loaded.source.finding(
        "no-energy-co2", "warning", ("project", "sectors"),
        _("{message} Add the sector of the JCM project that cuts fuel or power use ({sectors}; waste-to-energy power "
          "is renewable_energy), or reviewers may find the project out of scope.").format(
            message=message, sectors=_either(list(energy.value))))]


def check_plan_coverage(loaded: LoadedProject) -> list[Finding]:
    """The multi-year plan covers every fiscal year from the call's to the end of the period (R6-2 §8(1)④, §4)."""
    project, rules = loaded.project, loaded.rules
    rule = rules.period.plan_covers_period
    if rule is None or not rule.value or not project.plan:
        return []  # an empty plan is `incomplete` already (check_generated_sources)
    needed = [year for year in project_fiscal_years(project, rules) if year >= rules.fiscal_year]
    planned = {entry.fiscal_year for entry in project.plan}
    missing = [year for year in needed if year not in planned]
    if not missing:
        return []
    listed = ", ".join(_fy(year) for year in missing)
    return [loaded.source.finding(
        "plan-incomplete", "warning", ("plan",),
        (_("no entry for {years}: the multi-year plan covers every remaining year of the project period, "
           "{first}–{last} ({call} · {source}); the plan shows a placeholder for it. Add {entry}.")
         if len(missing) == 1 else
         _("no entry for {years}: the multi-year plan covers every remaining year of the project period, "
           "{first}–{last} ({call} · {source}); the plan shows a placeholder for them. Add {entry}.")).format(
            years=listed, first=_fy(needed[0]), last=_fy(needed[-1]), call=rules.id, source=rule.cited(),
            entry=f"{{fiscal_year: {missing[0]}, goals, activities, outputs}}"))]


def check_activities(loaded: LoadedProject) -> list[Finding]:
    """The required activities of the call's fiscal year (the estimate covers that year only)."""
    project, rules, source = loaded.project, loaded.rules, loaded.source
    start, end = fiscal_year_bounds(rules.fiscal_year)
    this_year = [a for a in project.activities if start <= a.first_day <= end]
    findings = []
    for rule in rules.activities:
        have = len(counted_activities(rule, this_year))
        if have < rule.min_per_year:
            message = _("fiscal {year} ({start} – {end}) has {have} of the {activities} the call expects ({source}); "
                        "add {more} more with kind: {kinds}.").format(
                year=rules.fiscal_year, start=start, end=end, have=have,
                activities=activity_rule_name(rule, rules, project, language(), strings(language())),
                source=cite(rule.source), more=rule.min_per_year - have, kinds=_either(rule.kinds + rule.kinds_when_apart))
            if rule.kinds_when_apart:
                message = sentences(message, _("A {kinds} held during one of them is part of that trip ({source}).").format(
                    kinds=_either(rule.kinds_when_apart), source=cite(rule.source, rule.assumed)))
            findings.append(source.finding("activities-short", "warning", ("activities",), message))
    for index, activity in enumerate(project.activities):
        if activity.status == "done" and activity.first_day > _today():
            findings.append(source.finding("activity-status", "warning", ("activities", index, "status"),
                                           _("marked done but {month} is in the future: set status: planned, or "
                                             "correct its month or date.").format(month=activity.month_key)))
    return findings + status_findings(loaded) + consultation_findings(loaded)


def _either(words: list[str]) -> str:
    """`a`, `a or b`, `a, b or c` (in the message language)."""
    if len(words) < 2:
        return "".join(words)
    return _("{some} or {last}").format(some=", ".join(words[:-1]), last=words[-1])


def _and(words: list[str]) -> str:
    """`a`, `a and b`, `a, b and c` (in the message language)."""
    if len(words) < 2:
        return "".join(words)
    return _("{some} and {last}").format(some=", ".join(words[:-1]), last=words[-1])


def _today():
    import datetime as dt

    return dt.date.today()


def check_country(loaded: LoadedProject) -> list[Finding]:
    project, rules, source = loaded.project, loaded.rules, loaded.source
    country = project.partner_city.country
    path = ("partner_city", "country")
    if country_code(country) is None:
        close = closest_country(country)
        message = _("{country} is not a country name we know.").format(country=repr(country))
        if close:
            message = sentences(message, _("Did you mean {country}?").format(country=repr(close)))
        return [source.finding("unknown-country", "error", path, sentences(message, _(
            "Write it in English as the ministry does (e.g. Indonesia, Vietnam, Lao PDR).")))]
    if any(same_country(country, c) for c in rules.priority_countries.value):
        return []
    if any(same_country(country, c) for c in rules.candidate_countries.value):
        return [source.finding("candidate-country", "info", path,
                               _("{country} is a JCM candidate country, a priority of {call} ({source}).").format(
                                   country=country, call=rules.id, source=cite(rules.candidate_countries.source)))]
    return [source.finding("non-priority-country", "warning", path,
                           _("{country} is not a JCM partner or candidate country of {call} ({source}); reviewers "
                             "assess its potential to become a partner, so make the case for it in your "
                             "narrative.").format(country=country, call=rules.id,
                                                  source=cite(rules.priority_countries.source)))]


def check_eligibility(loaded: LoadedProject) -> list[Finding]:
    project, source = loaded.project, loaded.source
    findings = []
    if project.agreement and project.agreement.kind == "intended":
        findings.append(source.finding("agreement-intended", "info", ("agreement", "kind"),
                                       _("no agreement yet: state in the application that the cities intend to "
                                         "conclude one.")))
    if project.project.status == "ongoing" and not project.project.year:
        findings.append(source.finding("incomplete", "warning", ("project", "year"),
                                       _("an ongoing project needs its year within the phase.")))
    if project.project.status == "new" and (project.project.year or 1) > 1:
        findings.append(source.finding("status-year", "warning", ("project", "status"),
                                       _("status new but year {year}: a continuing project is `ongoing`; change the "
                                         "status, or set year: 1.").format(year=project.project.year)))
    for kind, form in project.forms.items():
        target = loaded.path.parent / form
        if not target.is_file():
            findings.append(source.finding("form-missing", "error", ("forms", kind),
                                           _("{file}: no such file; fix the path (relative to the project "
                                             "file).").format(file=target)))
        elif target.suffix.lower() not in (".docx", ".pptx"):
            findings.append(source.finding("form-missing", "error", ("forms", kind),
                                           _("{file}: forms must be .docx or .pptx.").format(file=target)))
    return findings


def _condition_path(condition: Condition, project: Project) -> tuple:
    """The project field that makes a conditional attachment required, for the finding's line."""
    fields = [condition.field_nonempty, condition.field_true,
              *[key for key in condition.any_field_true or [] if resolve(project, key)]]
    given = next((field for field in fields if field), None)
    if given:
        return tuple(given.split("."))
    if condition.country_in is not None:
        return ("partner_city", "country")
    if condition.status_in is not None:
        return ("project", "status")
    return ("joint_implementers",)


def check_attachments(loaded: LoadedProject) -> list[Finding]:
    """Tell the applicant which conditional attachments the project makes required, and who provides them."""
    findings = []
    for status in attachment_statuses(loaded.rules, loaded.project):
        rule = status.rule
        if status.reason_code != "condition_met" or rule.when is None:
            continue
        if rule.kind:
            todo = _("`c3p-docs build` makes it from the project file.")
        else:
            example = attachment_file_name(rule, None, EXTENSIONS[rule.formats[0]])
            todo = _("Supply it yourself: put it in the submission folder as {file} (the name starts with "
                     "{label}).").format(file=example, label=rule.label)
        beside = [_("{name} ({source}) as {file}").format(name=pick(companion.name, language()),
                                                          source=cite(companion.source), file=name)
                  for companion, name in companions_due(rule, loaded.project)]
        if beside:
            todo = sentences(todo, _("Beside it: {companions}.").format(companions=_("; ").join(beside)))
        findings.append(loaded.source.finding(
            "attachment-required", "info", _condition_path(rule.when, loaded.project),
            _("makes {attachment} required ({source}). {todo}").format(
                attachment=f"{rule.label} {pick(rule.name, language())}", source=cite(rule.source), todo=todo),
            attachment=rule.label))
    if loaded.project.applicant.wage_increase_pledge and not uses_wage_pledge(loaded.rules):
        findings.append(loaded.source.finding(
            "wage-pledge-unused", "info", ("applicant", "wage_increase_pledge"),
            _("{call} neither asks for a wage-increase pledge nor scores one (none in its attachments or scoring "
              "sheet): no document shows it and nothing is to be attached.").format(call=loaded.rules.id)))
    return findings


def check_narrative(loaded: LoadedProject) -> list[Finding]:
    """Narrative keys are the call's criterion ids; each criterion the reviewers judge needs its text."""
    project, rules, source = loaded.project, loaded.rules, loaded.source
    status = project.project.status or "new"
    listing = _("`c3p-docs calls {call} --criteria` lists them.").format(call=project.call)
    ids = [item.id for item in rules.scoring]
    findings = []
    for key in project.narrative:
        item = rules.criterion(key)
        path = ("narrative", key)
        if item is None:
            close = difflib.get_close_matches(key, ids, n=1, cutoff=0.5) or [i for i in ids if key in i or i in key][:1]
            hint = (_("Did you mean {key}?").format(key=repr(close[0])) if close
                    else _("Its ids: {ids}.").format(ids=", ".join(ids)))
            findings.append(source.finding("unknown-criterion", "error", path, sentences(
                _("{key} is not an evaluation criterion of {call}.").format(key=repr(key), call=rules.id), hint,
                listing)))
        elif not item.scored_for(status):
            findings.append(source.finding("narrative-not-scored", "warning", path,
                                           _("{criterion} is not scored for {status} projects ({source}); the summary "
                                             "leaves it out. Remove it, or correct project.status.").format(
                                               criterion=pick(item.name, language()), status=status,
                                               source=cite(item.source))))
    for item in rules.scoring:
        text = project.narrative.get(item.id)
        if item.judged and item.scored_for(status) and not (text and (text.ja or text.en)):
            maximum = item.max_for(status)
            judged = (_("reviewers judge it, {points} points").format(points=maximum) if maximum
                      else _("reviewers judge it"))
            add = where_to_add(loaded, ("narrative", item.id), "{ja: …, en: …}")
            write = _("To write it, {add}").format(add=add) if add else _("Write it in `ja:` and `en:`")
            findings.append(source.finding(
                "missing-narrative", "warning", ("narrative", item.id),
                _("no text yet for {criterion} ({judged}); the summary shows it as not filled in. {write}; `c3p-docs "
                  "calls {call} --criteria` says what reviewers look for.").format(
                    criterion=repr(pick(item.name, language())), judged=judged, write=write, call=project.call)))
    seen: dict[tuple[str | None, str | None], str] = {}
    for key, text in project.narrative.items():
        signature = (text.ja, text.en)
        if any(signature) and signature in seen:
            findings.append(source.finding("duplicate-narrative", "warning", ("narrative", key),
                                           _("the same text as narrative.{other}; reviewers read one text per "
                                             "criterion, so say what this criterion asks.").format(
                                               other=seen[signature])))
        seen.setdefault(signature, key)
    return findings


def check_adoptions(loaded: LoadedProject) -> list[Finding]:
    """A list of adoptions and a bare count that disagree, adoptions in another country, adoptions outside the
    call's window."""
    project, rules = loaded.project, loaded.rules
    jcm = project.jcm
    findings = []
    listed = len(pair_adoptions(project))
    if jcm.adoptions and jcm.adoptions_last_3_years is not None and listed != jcm.adoptions_last_3_years:
        findings.append(loaded.source.finding(
            "adoptions-disagree", "warning", ("jcm", "adoptions_last_3_years"),
            _("says {count} but jcm.adoptions lists {listed} under this city pair; the documents and the score use the "
              "list. Correct the count or drop it.").format(count=jcm.adoptions_last_3_years, listed=listed)))
    scope = rules.adoptions.scope if rules.adoptions else None
    if scope is not None and scope.value == "city_pair":
        country = project.partner_city.country
        for index, adoption in enumerate(jcm.adoptions):
            if membership(adoption, project) == "other_country":
                findings.append(loaded.source.finding(
                    "adoption-other-country", "warning", ("jcm", "adoptions", index, "country"),
                    _("{country} is not the partner city's country ({partner}): only adoptions under this city pair "
                      "count ({call} · {source}), so `score` does not count it and the documents list it apart, never "
                      "as this pair's. Correct the country, or remove the entry if it is not meant for "
                      "reference.").format(country=adoption.country, partner=country, call=rules.id,
                                           source=scope.cited())))
    for item in rules.scoring:
        window = item.window(rules.fiscal_year) if item.metric == "jcm_adoptions" else None
        if window is None or item.window_years is None:
            continue
        for index, adoption in enumerate(jcm.adoptions):
            if adoption.fiscal_year not in window:
                years = item.window_years.value
                findings.append(loaded.source.finding(
                    "adoption-outside-window", "warning", ("jcm", "adoptions", index, "fiscal_year"),
                    _("fiscal {year} is outside the call's {years}-year window, read as {first}–{last} ({call} · "
                      "{source}): `score` does not count it, but the documents still list it among the last {years} "
                      "years' adoptions. Remove it, or correct the year.").format(
                        year=adoption.fiscal_year, years=years, first=_fy(window[0]), last=_fy(window[-1]),
                        call=rules.id, source=item.window_years.cited())))
    return findings


def check_placeholders(loaded: LoadedProject) -> list[Finding]:
    return starter_values_left(loaded.source)


CHECKS = (check_placeholders, check_completeness, check_translations, check_budget, check_period, check_pair_years, check_plan_coverage,
          check_energy_co2, check_activities, check_country, check_eligibility, check_attachments, check_narrative,
          check_adoptions, check_generated_sources)


def validate_project(loaded: LoadedProject) -> list[Finding]:
    findings = list(loaded.findings)
    for check in CHECKS:
        findings += check(loaded)
    return findings
