"""The call's rules on one page, as `calls CALL --rules` lists them (text or JSON): each with its source and
whether it is assumed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from c3p_docs.bilingual import pick
from c3p_docs.calls import CallRules, Deadline, Sourced, Window
from c3p_docs.calls import cite as cite_rule
from c3p_docs.consultation import activity_rule_name
from c3p_docs.criteria import wrap_columns
from c3p_docs.eras import babel_locale, format_number, format_yen, printed_date
from c3p_docs.i18n import _, profile_text
from c3p_docs.strings import cite, deliverable_text, strings

LANGS = ("ja", "en")
SECTIONS = ("money", "categories", "mail", "files", "pages", "period", "dates", "activities", "adoptions", "energy",
            "scoring", "sessions", "contract", "reminders")


def _row(section: str, rule_id: str, name: dict[str, str], value: Any, shown: dict[str, str], source: str,
         assumed: bool = False, note: str | None = None) -> dict:
    return {"section": section, "id": rule_id, "name": name, "value": value, "shown": shown, "source": source,
            "assumed": assumed, "note": profile_text(note)}


def _both(key: str, **values) -> dict[str, str]:
    """The label `rules.<key>` in both languages, `{name}` filled in."""
    return {lang: strings(lang)["rules"][key].format(**values) for lang in LANGS}


def _sourced(section: str, rule_id: str, rule: Sourced, shown: dict[str, str], name_key: str | None = None) -> dict:
    return _row(section, rule_id, _both(name_key or rule_id), rule.value, shown, rule.source, rule.assumed, rule.note)


def _percent(value: float) -> dict[str, str]:
    return {lang: f"{format_number(value * 100, lang, 0 if (value * 100).is_integer() else 1)}%" for lang in LANGS}


def _groups(names: list[str]) -> dict[str, str]:
    def join(lang: str) -> str:
        words = strings(lang)
        labels = {**words["group"], "general_admin": words["rules"]["general_admin"]}
        return words["rules"]["plus"].join(labels.get(name, name) for name in names)
    return {lang: join(lang) for lang in LANGS}


def _money(rules: CallRules) -> list[dict]:
    money = rules.budget
    rows = [_sourced("money", "cap_jpy", money.cap_jpy, {lang: format_yen(money.cap_jpy.value, lang) for lang in LANGS})]
    if money.extra_jpy is not None:
        extra = money.extra_jpy
        rows.append(_sourced("money", "extra_jpy", extra, {lang: format_yen(extra.value, lang) for lang in LANGS}))
    rows += [
        _sourced("money", "general_admin_rate_cap", money.general_admin_rate_cap,
                 _percent(money.general_admin_rate_cap.value)),
        _sourced("money", "general_admin_base", money.general_admin_base, _groups(money.general_admin_base.value)),
        _sourced("money", "outsourcing_max_share", money.outsourcing_max_share, _percent(money.outsourcing_max_share.value)),
        _sourced("money", "outsourcing_base", money.outsourcing_base, _groups(money.outsourcing_base.value)),
        _sourced("money", "tax_rate", money.tax_rate, _percent(money.tax_rate.value)),
        _sourced("money", "equipment_threshold_jpy", money.equipment_threshold_jpy,
                 {lang: strings(lang)["rules"]["at_least"].format(
                     value=format_yen(money.equipment_threshold_jpy.value, lang)) for lang in LANGS}),
        _sourced("money", "rounding", money.rounding,
                 {lang: strings(lang)["rules"]["rounding_values"][money.rounding.value] for lang in LANGS}),
    ]
    return rows


def _categories(rules: CallRules) -> list[dict]:
    """Each category with its names: the project file and the ledger accept the id or any of them."""
    categories = rules.budget.categories
    words = {lang: strings(lang) for lang in ("ja", "en")}
    rows = []
    for category, group in categories.value.items():
        names = {lang: words[lang]["category"].get(category, category) for lang in ("ja", "en")}
        also = [name for lang in ("ja", "en") for name in (words[lang].get("category_also") or {}).get(category, [])]
        shown = {lang: words[lang]["rules"]["category_value"].format(
            ja=names["ja"], en=names["en"], group=words[lang]["group"].get(group, group),
            also=words[lang]["rules"]["also"].format(names=words[lang]["list_separator"].join(also)) if also else "")
            for lang in ("ja", "en")}
        rows.append(_row("categories", category, {lang: category for lang in ("ja", "en")},
                         {"group": group, "ja": names["ja"], "en": names["en"], "also": also}, shown,
                         categories.source, categories.assumed, categories.note))
    return rows


def _mail(rules: CallRules) -> list[dict]:
    subject = rules.subject
    printed = subject.pattern
    for key, words in {**subject.printed_as, "separator": subject.separator}.items():
        printed = printed.replace("{" + key + "}", words)
    printed = printed.replace("{fiscal_year_ja}", _fiscal_year_ja(rules))
    mail = rules.mail
    rows = [_row("mail", "subject", _both("subject"), subject.pattern, {"ja": printed, "en": printed}, subject.source,
                 subject.assumed, subject.note),
            _sourced("mail", "to", mail.to, {"ja": mail.to.value, "en": mail.to.value}),
            _sourced("mail", "limit_bytes", mail.limit_bytes,
                     {lang: strings(lang)["rules"]["bytes"].format(n=format_number(mail.limit_bytes.value,
                                                                                             lang)) for lang in LANGS}),
            _sourced("mail", "header_margin_bytes", mail.header_margin_bytes,
                     {lang: strings(lang)["rules"]["bytes"].format(
                         n=format_number(mail.header_margin_bytes.value, lang)) for lang in LANGS})]
    if mail.inquiry_subject is not None:
        text = mail.inquiry_subject.value
        rows.append(_sourced("mail", "inquiry_subject", mail.inquiry_subject, {"ja": text, "en": text}))
    return rows


def _fiscal_year_ja(rules: CallRules) -> str:
    from c3p_docs.eras import fiscal_year_ja

    return fiscal_year_ja(rules.fiscal_year)


def _files(rules: CallRules) -> list[dict]:
    if rules.files is None:
        return []
    files = rules.files

    def allowed(value: bool) -> dict[str, str]:
        return {lang: strings(lang)["rules"]["allowed" if value else "not_allowed"] for lang in LANGS}

    return [_sourced("files", "archives", files.archives, allowed(files.archives.value)),
            _sourced("files", "macros", files.macros, allowed(files.macros.value)),
            _sourced("files", "viewable_on", files.viewable_on, {"ja": files.viewable_on.value,
                                                                 "en": files.viewable_on.value})]


def _pages(rules: CallRules) -> list[dict]:
    rows = []
    for rule in rules.attachments:
        if rule.max_pages is None:
            continue
        languages = len(rule.languages)
        shown = {lang: strings(lang)["rules"]["max_pages" if languages == 1 else "max_pages_each"]
                      .format(n=rule.max_pages) for lang in LANGS}
        rows.append(_row("pages", f"attachment-{rule.number}", {lang: f"{rule.label} {rule.name.get(lang)}"
                                                                for lang in ("ja", "en")},
                         {"max_pages": rule.max_pages, "languages": rule.languages}, shown,
                         rule.assumed_from or rule.source, rule.assumed_from is not None,
                         _("{source} gives no page limit; the one of {assumed} is assumed.").format(
                             source=cite_rule(rule.source), assumed=cite_rule(rule.assumed_from)) if rule.assumed_from else None))
    for deliverable in rules.deliverables:
        counts = [c for c in (deliverable.pages, deliverable.copies) if c is not None]
        sources = list(dict.fromkeys(c.source for c in counts)) or [deliverable.source]
        notes = [profile_text(c.note) or "" for c in counts if c.note]
        rows.append(_row("pages", f"deliverable-{deliverable.id}",
                         {lang: strings(lang)["rules"]["deliverable"] for lang in LANGS},
                         {"pages": deliverable.pages.value if deliverable.pages else None,
                          "copies": deliverable.copies.value if deliverable.copies else None},
                         {lang: deliverable_text(deliverable, lang) for lang in LANGS}, "; ".join(sources),
                         any(c.assumed for c in counts), " ".join(notes) or None))
    return rows


def _period(rules: CallRules) -> list[dict]:
    period = rules.period
    rows = []
    for key in ("max_years_per_phase", "max_phases", "max_years_per_city_pair", "new_after_interruption_years"):
        rule = getattr(period, key)
        if rule is not None:
            rows.append(_sourced("period", key, rule, {lang: strings(lang)["rules"]["count"].format(
                n=rule.value, unit=strings(lang)["rules"]["units"][key]) for lang in LANGS}))
    if period.plan_covers_period is not None:
        rule = period.plan_covers_period
        rows.append(_sourced("period", "plan_covers_period", rule,
                             {lang: strings(lang)["rules"]["answer_yes" if rule.value else "answer_no"] for lang in LANGS}))
    if rules.contract is not None:
        later = rules.contract.end_of_later_years
        rows.append(_sourced("period", "end_of_later_years", later, {"ja": later.value, "en": later.value}))
    return rows


def _dates(rules: CallRules) -> list[dict]:
    rows = []
    for deadline in rules.deadlines:
        value = {"date": deadline.date.isoformat(), "end": deadline.end.isoformat() if deadline.end else None,
                 "time": deadline.time}
        rows.append(_row("dates", deadline.id, deadline.name.model_dump(), value,
                         {lang: _when(deadline, lang) for lang in LANGS}, deadline.source, deadline.assumed,
                         deadline.note))
    return rows


def _when(deadline: Deadline, lang: str) -> str:
    text = printed_date(deadline.date, lang)
    if deadline.end:
        text += strings(lang)["rules"]["until"].format(day=printed_date(deadline.end, lang))
    if deadline.time:
        text += strings(lang)["rules"]["time"].format(time=deadline.time)
    return text


def _activities(rules: CallRules) -> list[dict]:
    rows = []
    for activity in rules.activities:
        shown = {lang: _per_year(activity, lang) for lang in LANGS}
        name = {lang: activity_rule_name(activity, rules, None, lang, strings(lang)) for lang in LANGS}
        rows.append(_row("activities", activity.id, name,
                         {"min_per_year": activity.min_per_year, "kinds": activity.kinds,
                          "kinds_when_apart": activity.kinds_when_apart}, shown, activity.source,
                         activity.assumed, activity.note))
    for partner in rules.consultation.partners if rules.consultation else []:
        field = partner.when.field_true if partner.when else None
        shown = {lang: strings(lang)["rules"]["consult_when" if field else "consult_always"].format(field=field)
                 for lang in LANGS}
        rows.append(_row("activities", f"consultation_{partner.id}", partner.name.model_dump(),
                         {"when": field}, shown, partner.source, partner.assumed, partner.note))
    return rows


def _per_year(activity, lang: str) -> str:
    words = strings(lang)["rules"]
    shown = words["per_year"].format(n=activity.min_per_year, kinds=", ".join(activity.kinds))
    if activity.kinds_when_apart:
        shown += words["when_apart"].format(kinds=", ".join(activity.kinds_when_apart))
    return shown


def _adoptions(rules: CallRules) -> list[dict]:
    rows = []
    if rules.adoptions is not None:
        scope, surveys = rules.adoptions.scope, rules.adoptions.surveys_count
        rows.append(_sourced("adoptions", "adoption_scope", scope,
                             {lang: strings(lang)["rules"]["scope_values"][scope.value] for lang in LANGS}))
        rows.append(_sourced("adoptions", "surveys_count", surveys,
                             {lang: strings(lang)["rules"]["answer_yes" if surveys.value else "answer_no"] for lang in LANGS}))
    for item in rules.scoring:
        if item.window_years is not None:
            window = item.window_years
            rows.append(_sourced("adoptions", "window_years", window, {lang: strings(lang)["rules"][
                "window"].format(n=window.value, first=rules.fiscal_year - window.value, last=rules.fiscal_year) for lang in LANGS}))
    return rows


def _energy(rules: CallRules) -> list[dict]:
    if rules.energy_co2 is None:
        return []
    sectors = rules.energy_co2.sectors
    return [_sourced("energy", "energy_sectors", sectors, {
        lang: strings(lang)["list_separator"].join(strings(lang)["sector"][s] for s in sectors.value) for lang in LANGS})]


def _scoring(rules: CallRules) -> list[dict]:
    rows = []
    for item in rules.scoring:
        if item.judged:
            continue
        maximum = item.max if not isinstance(item.max, dict) else item.max.get("new")
        shown = {lang: (strings(lang)["rules"]["points"].format(n=maximum) if maximum is not None
                                    else strings(lang)["rules"]["no_points"])
                      + (strings(lang)["rules"]["energy_only"] if item.energy_co2_only else "") for lang in LANGS}
        rows.append(_row("scoring", item.id, item.name.model_dump(), {"max": item.max, "method": item.method,
                                                                       "energy_co2_only": item.energy_co2_only},
                         shown, item.source, item.assumed, item.note))
    return rows


def _month_name(month: int, lang: str) -> str:
    from babel.dates import format_date

    return format_date(dt.date(2000, month, 1), "M月" if lang == "ja" else "MMMM", locale=babel_locale(lang))


def _months(months: list[int], lang: str) -> str:
    """`4月〜5月` / `April to May`, each fiscal year."""
    words = strings(lang)["rules"]
    first, last = _month_name(months[0], lang), _month_name(months[-1], lang)
    span = first if first == last else words["month_span"].format(first=first, last=last)
    return words["month_each_year"].format(months=span)


def _sessions(rules: CallRules) -> list[dict]:
    """The report sessions' and the seminar's months, and when the monthly report and a trip's plan and report are
    due, each with its source."""
    def window_row(rule_id: str, window: Window) -> dict:
        return _row("sessions", rule_id, window.name.model_dump(), window.months,
                    {lang: _months(window.months, lang) for lang in LANGS}, window.source, window.assumed, window.note)

    rows = [window_row(f"report_session_{window.id}", window) for window in rules.report_sessions]
    rows += [window_row("seminar", rules.seminar)] if rules.seminar else []
    due = rules.monthly_report_due_day
    rows.append(_sourced("sessions", "monthly_report_due_day", due,
                         {lang: strings(lang)["rules"]["due_day"].format(n=due.value) for lang in LANGS}))
    if rules.trips is not None:
        lead, after = rules.trips.plan_lead_days, rules.trips.report_days
        rows += [_sourced("sessions", "plan_lead_days", lead,
                          {lang: strings(lang)["rules"]["plan_lead"].format(n=lead.value) for lang in LANGS}),
                 _sourced("sessions", "report_days", after,
                          {lang: strings(lang)["rules"]["report_after"].format(n=after.value) for lang in LANGS})]
    return rows


def _contract(rules: CallRules) -> list[dict]:
    if rules.contract is None:
        return []
    contract = rules.contract
    months = contract.inspection_months
    return [_sourced("contract", "inspection_months", months, {lang: strings(lang)["list_separator"].join(
                strings(lang)["rules"]["month"].format(m=m) for m in months.value) for lang in LANGS}),
            _sourced("contract", "hours_per_day", contract.hours_per_day, {lang: strings(lang)["rules"][
                "hours"].format(n=format_number(contract.hours_per_day.value, lang, 0 if float(
                    contract.hours_per_day.value).is_integer() else 1)) for lang in LANGS})]


def _reminders(rules: CallRules) -> list[dict]:
    return [_row("reminders", reminder.id, _both("reminder"), reminder.text.model_dump(),
                 {lang: pick(reminder.text, lang) or "" for lang in LANGS}, reminder.source, reminder.assumed, reminder.note)
            for reminder in rules.reminders]


def rule_rows(rules: CallRules) -> list[dict]:
    """Every rule of the call c3p-docs knows, section by section, each with its source and `assumed`."""
    return (_money(rules) + _categories(rules) + _mail(rules) + _files(rules) + _pages(rules) + _period(rules)
            + _dates(rules) + _activities(rules) + _adoptions(rules) + _energy(rules) + _scoring(rules)
            + _sessions(rules) + _contract(rules) + _reminders(rules))


def format_rules(rules: CallRules, lang: str, width: int = 100) -> str:
    """The rules as a person reads them: a heading per section, each rule's value with its source; assumed rules
    are marked and say what is assumed."""
    words = strings(lang)["rules"]
    lines = [words["title"].format(call=f"{rules.id} · {pick(rules.name, lang)}"), ""]
    rows = rule_rows(rules)
    indent = "    "
    for section in SECTIONS:
        section_rows = [row for row in rows if row["section"] == section]
        if not section_rows:
            continue
        lines.append(words["sections"][section])
        for row in section_rows:
            name = row["name"].get(lang) or row["name"].get("en") or row["id"]
            mark = words["assumed_mark"] if row["assumed"] else ""
            text = row["shown"][lang] if section == "reminders" else f"{name}{words['colon']}{row['shown'][lang]}"
            wrapped = wrap_columns(text, width - 4)
            lines += [f"  {wrapped[0]}"] + [indent + part for part in wrapped[1:]]
            basis = (words["assumed_from"] if row["assumed"] else words["source"]).format(
                source=cite(row["source"], lang))
            lines += [indent + part for part in wrap_columns(f"{mark}{basis}", width - len(indent))]
            if row["assumed"] and row["note"]:
                lines += [indent + part for part in wrap_columns(row["note"], width - len(indent))]
        lines.append("")
    lines.append(words["footer"])
    return "\n".join(lines) + "\n"
