"""During the contract: trip plans and reports, report-session slides, the implementation plan and the settlement,
each rendered from the project and handed to the pipeline (write, PDF, manifest)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from c3p_docs.documents.context import build_context, placeholder_filter
from c3p_docs.findings import Finding
from c3p_docs.jinja_env import environment
from c3p_docs.pipeline import Document, Published, check_out_folder, publish
from c3p_docs.project import LoadedProject

ONE_PAGE_MM = (297 - 25 - 25) * 0.93
"""The height of an A4 page between the margins, less what the estimate tends to miss."""
ONE_PAGE_FLOOR = 8.0


@dataclass
class Outcome:
    """What a command wrote and what it found."""

    published: Published
    findings: list[Finding] = field(default_factory=list)

    @property
    def all_findings(self) -> list[Finding]:
        return self.findings + self.published.findings


class Renderer:
    """Templates of one project in each language, rendered to Word or slides with fixed metadata."""

    def __init__(self, loaded: LoadedProject, templates: str | None) -> None:
        self.loaded = loaded
        self.templates = templates
        self._contexts: dict[str, dict] = {}

    def context(self, lang: str) -> dict:
        if lang not in self._contexts:
            self._contexts[lang] = build_context(self.loaded.project, self.loaded.rules, lang, self.templates)
        return self._contexts[lang]

    def markup(self, template: str, context: dict, lang: str):
        from c3p_docs.documents.markup import render_markup

        env = environment(lang, self.templates)
        env.filters["ph"] = placeholder_filter(lang, self.templates)
        return render_markup(env, template, context)

    def metadata(self, kind: str, lang: str, day: dt.date):
        from c3p_docs.documents.word import Metadata

        context = self.context(lang)
        author = context["applicant"]["name"] or "c3p-docs"
        return Metadata(title=context["project"]["title"] or "", author=author,
                        subject=f"{self.loaded.rules.id} {kind}", created=dt.datetime.combine(day, dt.time(9, 0)),
                        language=lang)

    def word(self, template: str, context: dict, kind: str, lang: str, day: dt.date, one_page: bool = False) -> bytes:
        """A Word document; `one_page` tightens spacing and steps the font down until the estimate fits a page."""
        from c3p_docs.documents.measure import estimate_height_mm
        from c3p_docs.documents.word import render_word

        root = self.markup(template, context, lang)
        size = 10.5
        if one_page:
            while size > ONE_PAGE_FLOOR and estimate_height_mm(root, size, compact=True) > ONE_PAGE_MM:
                size -= 0.5
        return render_word(root, lang, self.metadata(kind, lang, day), base_size=size, compact=one_page)

    def slides(self, template: str, context: dict, kind: str, lang: str, day: dt.date,
               relative: str) -> tuple[bytes, list[Finding]]:
        from c3p_docs.documents.slides import render_slides

        data, report = render_slides(self.markup(template, context, lang), lang, self.metadata(kind, lang, day))
        findings = [Finding("text-overflow", "warning", f"{kind} ({lang}): {label} is too long for its box even at the "
                            "smallest font size; shorten it.", file=relative, path=label) for label in report.overflow]
        findings += [Finding("text-shrunk", "info", f"{kind} ({lang}): {label} was set in a smaller font to fit.",
                             file=relative, path=label) for label in report.shrunk]
        return data, findings


def run_trip(loaded: LoadedProject, which: str, key: str, out: Path, languages: list[str], pdf_mode: str,
             templates: str | None = None, force: bool = False) -> Outcome:
    """`trip plan|report`: the advance plan before, or the report after, one activity."""
    from c3p_docs.documents.trip import document_day, trip_context, trip_findings
    from c3p_docs.trips import find_activity

    index, activity = find_activity(loaded.project, key)
    check_out_folder(out)
    report = which == "report"
    kind = "trip_report" if report else "trip_plan"
    handle = activity.id or activity.first_day.isoformat()
    findings = trip_findings(loaded, index, activity, report, languages)
    renderer = Renderer(loaded, templates)
    day = document_day(activity, loaded.rules, report)
    documents = []
    for lang in languages:
        context = trip_context(renderer.context(lang), loaded.project, loaded.rules, activity, lang)
        data = renderer.word(f"{kind}.xml.j2", context, kind, lang, day)
        documents.append(Document(kind, lang, f"{kind}_{handle}_{lang}.docx", data, pdf=True,
                                  extra={"activity": handle}))
    return Outcome(publish(out, documents, pdf_mode, force), findings)


def run_plan(loaded: LoadedProject, out: Path, languages: list[str], pdf_mode: str, templates: str | None = None,
             force: bool = False) -> Outcome:
    """`plan`: the fiscal year's implementation plan (実施計画書) from the activities, organisations and budget."""
    from c3p_docs.documents.implementation_plan import plan_context

    check_out_folder(out)
    fiscal_year = loaded.rules.fiscal_year
    renderer = Renderer(loaded, templates)
    day = dt.date(fiscal_year, 4, 1)
    documents = []
    for lang in languages:
        context = plan_context(renderer.context(lang), loaded.project, loaded.rules, lang)
        data = renderer.word("implementation_plan.xml.j2", context, "implementation_plan", lang, day)
        documents.append(Document("implementation_plan", lang, f"implementation_plan_fy{fiscal_year}_{lang}.docx", data,
                                  pdf=True, extra={"fiscal_year": fiscal_year}))
    return Outcome(publish(out, documents, pdf_mode, force), plan_findings(loaded))


def plan_findings(loaded: LoadedProject) -> list[Finding]:
    """Gaps the implementation plan shows: no plan entry for the year, required activities not scheduled."""
    from c3p_docs.documents.implementation_plan import activities_of_year

    project, rules, source = loaded.project, loaded.rules, loaded.source
    findings = []
    if not any(p.fiscal_year == rules.fiscal_year for p in project.plan):
        findings.append(source.finding("plan-year-missing", "warning", ("plan",), f"no `plan` entry for fiscal year "
                                       f"{rules.fiscal_year}; the year's goals show a placeholder."))
    activities = activities_of_year(project, rules.fiscal_year)
    for rule in rules.activities:
        scheduled = sum(a.kind in rule.kinds for a in activities)
        if scheduled < rule.min_per_year:
            findings.append(source.finding("activity-not-scheduled", "warning", ("activities",), f"{rule.name.en}: "
                                           f"{scheduled} scheduled in FY{rules.fiscal_year}, the call asks for about "
                                           f"{rule.min_per_year} ({rule.source})."))
    return findings


def run_session(loaded: LoadedProject, session_id: str, out: Path, languages: list[str], pdf_mode: str,
                templates: str | None = None, force: bool = False) -> Outcome:
    """`session`: slides for a report session with the ministry (kick-off, interim, final)."""
    from c3p_docs.documents.session import session_context, session_dates

    dates = session_dates(loaded.project, loaded.rules, session_id)
    check_out_folder(out)
    fiscal_year = loaded.rules.fiscal_year
    renderer = Renderer(loaded, templates)
    documents, findings = [], []
    for lang in languages:
        relative = f"session_{session_id}_fy{fiscal_year}_{lang}.pptx"
        context = session_context(renderer.context(lang), loaded.project, loaded.rules, session_id, lang)
        data, rendering = renderer.slides("session_slides.xml.j2", context, "session_slides", lang, dates.day, relative)
        findings += rendering
        documents.append(Document("session_slides", lang, relative, data, pdf=True,
                                  extra={"session": session_id, "fiscal_year": fiscal_year}))
    if dates.activity is None:
        findings.append(loaded.source.finding("session-not-scheduled", "info", ("activities",), f"no report_session "
                                              f"activity in the {session_id} window; the slides count up to "
                                              f"{dates.day} and show no date."))
    return Outcome(publish(out, documents, pdf_mode, force), findings)


def run_settle(loaded: LoadedProject, ledger_path: Path | None, out: Path, languages: list[str], pdf_mode: str,
               templates: str | None = None, force: bool = False) -> Outcome:
    """`settle`: actual costs from `actuals[]` and/or a CSV ledger against the plan, as Excel and a Word page.

    A malformed ledger raises LedgerError before anything is written."""
    from c3p_docs.documents.context import strings
    from c3p_docs.documents.settlement_report import settlement_context
    from c3p_docs.documents.workbook import render_workbook
    from c3p_docs.eras import fiscal_year_bounds
    from c3p_docs.errors import UsageError
    from c3p_docs.ledger import read_ledger
    from c3p_docs.settlement import Spend, category_names, classify, file_name, issue_message, settle

    project, rules, source = loaded.project, loaded.rules, loaded.source
    if ledger_path is None and not project.actuals:
        raise UsageError(f"{loaded.path}: no actual costs to settle. Add `actuals:` to the project or give "
                         "--ledger FILE.csv (columns date, category, description, amount_jpy).")
    check_out_folder(out)
    spends: list[Spend] = []
    sources: list[dict] = []
    findings: list[Finding] = []
    for index, actual in enumerate(project.actuals):
        line, column = source.position(("actuals", index))
        spends.append(Spend(actual.date, actual.category, actual.category, actual.description or "", actual.amount_jpy,
                            str(loaded.path), line, column, f"actuals[{index}]", index + 1))
    if project.actuals:
        sources.append({"kind": "actuals", "name": loaded.path.name, "lines": len(project.actuals), "encoding": "utf-8"})
    if ledger_path is not None:
        names = category_names(rules, [strings(lang, templates)["category"] for lang in ("ja", "en")])
        ledger = read_ledger(ledger_path, names)
        findings += ledger.findings
        for entry in ledger.lines:
            spends.append(Spend(entry.date, classify(entry.category, names), entry.category, entry.description,
                                entry.amount_jpy, str(ledger_path), entry.line, entry.category_column))
        sources.append({"kind": "ledger", "name": file_name(str(ledger_path)), "lines": len(ledger.lines), "encoding": ledger.encoding})
        if ledger.encoding == "cp932":
            findings.append(Finding("ledger-shift-jis", "info", "not UTF-8; read as Shift_JIS (cp932, as Excel on "
                                    "Japanese Windows saves CSV).", file=str(ledger_path)))
        if ledger.ignored_columns:
            findings.append(Finding("ledger-columns-ignored", "info", f"columns {', '.join(ledger.ignored_columns)} "
                                    "are not used.", file=str(ledger_path)))
    settlement = settle(project, rules, spends)
    for issue in settlement.issues:
        spend = issue.spend
        findings.append(Finding(issue.code, issue.severity, issue_message(issue),
                                file=spend.file if spend else None, path=spend.path if spend else None,
                                line=spend.line if spend else None, column=spend.column if spend else None))
    renderer = Renderer(loaded, templates)
    day = fiscal_year_bounds(rules.fiscal_year)[1]
    stem = f"settlement_fy{rules.fiscal_year}"
    documents = []
    for lang in languages:
        context = settlement_context(renderer.context(lang), settlement, sources, lang)
        workbook = render_workbook(renderer.markup("settlement_workbook.xml.j2", context, lang), lang,
                                   renderer.metadata("settlement", lang, day))
        summary = renderer.word("settlement_summary.xml.j2", context, "settlement", lang, day, one_page=True)
        extra = {"fiscal_year": rules.fiscal_year}
        documents.append(Document("settlement", lang, f"{stem}_{lang}.xlsx", workbook, extra=extra))
        documents.append(Document("settlement", lang, f"{stem}_{lang}.docx", summary, pdf=True, extra=extra))
    return Outcome(publish(out, documents, pdf_mode, force), findings)
