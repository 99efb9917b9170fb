"""`monthly`: one A4 page per project and language, cron-safe (idempotent, locked, edits kept)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from c3p_docs.errors import REPORT_HINT, C3pError
from c3p_docs.findings import Finding
from c3p_docs.output import OutputState, output_lock, write_atomic

# (font size, compact spacing): first spacing shrinks, then the font, down to an 8-point floor.
STEPS = [(10.5, False), (10.5, True), (10.0, True), (9.5, True), (9.0, True), (8.5, True), (8.0, True)]
PAGE_HEIGHT_MM = 297 - 25 - 25
SAFETY = 0.93  # our estimate runs a little short of LibreOffice's layout


@dataclass
class ProjectOutcome:
    path: Path
    ok: bool = True
    message: str = ""
    internal: bool = False
    """The failure is a bug in c3p-docs, not the project's fault."""
    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _render(loaded, year_month: str, lang: str, step: int, templates: str | None):
    from c3p_docs.documents.context import build_context, placeholder_filter
    from c3p_docs.documents.markup import laid_out, render_markup
    from c3p_docs.documents.measure import estimate_height_mm
    from c3p_docs.documents.word import Metadata, render_word
    from c3p_docs.jinja_env import environment
    from c3p_docs.monthly import monthly_context

    project, rules = loaded.project, loaded.rules
    env = environment(lang, templates)
    env.filters["ph"] = placeholder_filter(lang, templates)
    context = monthly_context(build_context(project, rules, lang, templates), project, rules, year_month, lang)
    root = render_markup(env, "monthly_report.xml.j2", context)
    fitted = None
    for index in range(step, len(STEPS)):
        size, compact = STEPS[index]
        if estimate_height_mm(root, size, compact=compact) <= PAGE_HEIGHT_MM * SAFETY:
            fitted = index
            break
    index = fitted if fitted is not None else len(STEPS) - 1
    size, compact = STEPS[index]
    year, month = map(int, year_month.split("-"))
    metadata = Metadata(title=f"{context['project']['title'] or ''} {year_month}",
                        author=context["applicant"]["name"] or "c3p-docs", subject=f"{rules.id} monthly_report",
                        created=dt.datetime(year, month, 1, 9, 0), language=lang)
    with laid_out("monthly_report.xml.j2", templates):
        data = render_word(root, lang, metadata, base_size=size, compact=compact, templates=templates)
    return data, index, fitted is not None


def _longest_fields(project, year_month: str, lang: str) -> str:
    entry = project.monthly.get(year_month)
    if entry is None:
        return "activities"
    sizes = {f"monthly.{year_month}.{name}": sum(len(t) for t in getattr(entry, name).get(lang))
             for name in ("progress", "next", "issues")}
    return ", ".join(name for name, _ in sorted(sizes.items(), key=lambda i: -i[1])[:2])


def run_monthly(paths: list[Path], year_month: str, out: Path, languages: list[str], pdf_mode: str,
                force: bool, templates: str | None = None) -> list[ProjectOutcome]:
    from c3p_docs.pdf import convert_to_pdf, find_soffice, pdf_page_count
    from c3p_docs.project import load_project

    soffice = find_soffice()
    if pdf_mode == "always" and soffice is None:
        from c3p_docs.errors import ToolMissing

        raise ToolMissing("--pdf always, but LibreOffice (soffice) is not installed.")
    make_pdf = pdf_mode == "always" or (pdf_mode == "auto" and soffice is not None)
    outcomes: list[ProjectOutcome] = []
    pending: list[tuple] = []  # (outcome, loaded, lang, folder, relative, step) awaiting PDF verification
    with output_lock(out):
        folders: dict[str, Path] = {}
        for path, prepared in zip(paths, _prepare_all(paths, year_month, out, languages, templates)):
            outcome = ProjectOutcome(path)
            outcomes.append(outcome)
            outcome.findings = prepared["findings"]
            if "error" in prepared:
                outcome.ok, outcome.message, outcome.internal = False, prepared["error"], prepared.get("internal", False)
                continue
            other = folders.setdefault(path.stem, path)
            if other != path:  # two projects named alike would write into one folder
                outcome.ok = False
                outcome.message = (f"{other} in the same run also writes to {out / path.stem}; rename one of the "
                                   "files (reports go to OUT/<file name>/).")
                continue
            folder = out / path.stem
            state = OutputState(folder)
            try:
                for lang, data, step in prepared["renders"]:
                    written = _write(folder, state, f"monthly_{year_month}_{lang}.docx", data, force, outcome)
                    if make_pdf:
                        pending.append((outcome, path, lang, folder, state, written, step))
            except OSError as error:  # this project's folder, not the others'
                outcome.ok = False
                outcome.message = f"{error.filename or folder}: {error.strerror or error}."
            state.save()
        rounds = 0
        while pending and rounds < 3:
            rounds += 1
            sources = []
            for item in pending:
                outcome, path, lang, folder, state, written, step = item
                if not state.pdf_is_fresh(Path(written).with_suffix(".pdf").as_posix(), written):
                    sources.append(item)
            converted = convert_to_pdf([folder / written for _, _, _, folder, _, written, _ in sources]) if sources else {}
            retry = []
            for item in sources:
                outcome, path, lang, folder, state, written, step = item
                data = converted.get(folder / written)
                if data is None:
                    outcome.findings.append(Finding("pdf-failed", "error", "LibreOffice could not convert it.",
                                                    file=str(folder / written)))
                    continue
                if pdf_page_count(data) > 1 and step + 1 < len(STEPS):
                    docx, new_step, _ = _render(load_project(path), year_month, lang, step + 1, templates)
                    written = _write(folder, state, written, docx, True, outcome)
                    retry.append((outcome, path, lang, folder, state, written, new_step))
                    continue
                if pdf_page_count(data) > 1:
                    outcome.findings.append(Finding("monthly-too-long", "warning", "the PDF has more than one page "
                                                    f"at 8 pt; shorten {_longest_fields(load_project(path).project, year_month, lang)}.",
                                                    file=str(folder / written)))
                pdf_relative = Path(written).with_suffix(".pdf").as_posix()
                _write(folder, state, pdf_relative, data, force, outcome)
                state.record_pdf_source(pdf_relative, written)
                state.save()
            pending = retry
        for path in paths:
            _write_manifest(out / path.stem)
    return outcomes


def _write_manifest(folder: Path) -> None:
    """`manifest.json` of a project's report folder: every monthly report in it, by month and language."""
    import json
    import re

    if not folder.is_dir():
        return
    files = []
    for report in sorted(folder.iterdir()):
        match = re.fullmatch(r"monthly_(\d{4}-\d{2})_(ja|en)(\.new)?\.(docx|pdf)", report.name)
        if match:
            files.append({"kind": "monthly_report", "lang": match.group(2), "month": match.group(1),
                          "path": report.name})
    data = json.dumps({"files": files}, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    target = folder / "manifest.json"
    if not target.exists() or target.read_bytes() != data:
        write_atomic(target, data)


def _prepare(path: Path, year_month: str, out: Path, languages: list[str], templates: str | None) -> dict:
    """Load one project and render its reports; a failure is this project's alone."""
    from c3p_docs.project import load_project

    try:
        return _prepare_project(load_project(path), path, year_month, out, languages, templates)
    except C3pError as error:
        return {"error": error.message, "findings": error.findings}
    except Exception as error:  # noqa: BLE001 - one project's bug must not stop the others' reports
        import os
        import traceback

        if os.environ.get("C3P_DEBUG"):
            traceback.print_exc()
        return {"error": f"internal error ({type(error).__name__}: {error}). {REPORT_HINT}", "internal": True,
                "findings": []}


def _prepare_project(loaded, path: Path, year_month: str, out: Path, languages: list[str], templates: str | None) -> dict:
    from c3p_docs.monthly import month_activities, reminders

    findings = [loaded.source.finding(
        reminder.code, "warning", reminder.path,
        ("advance plan to the ministry not recorded for the " if reminder.code == "advance-plan-missing"
         else "summary report to the ministry not recorded for the ")
        + f"{reminder.activity.kind} in {reminder.activity.month_key} (due {reminder.due}; set "
        f"{reminder.path[-1]} when sent).") for reminder in reminders(loaded.project, loaded.rules, year_month)]
    findings += [loaded.source.finding(
        "activity-status", "warning", ("activities", index, "status"),
        f"{activity.month_key} is over but this {activity.kind} is still planned, so the report lists it neither as "
        "progress nor as a plan; set status: done, cancelled, or move it to a later month.")
        for index, activity in month_activities(loaded.project, year_month).stale]
    renders = []
    for lang in languages:
        data, step, fitted = _render(loaded, year_month, lang, 0, templates)
        if not fitted:
            findings.append(Finding("monthly-too-long", "warning", "does not fit one A4 page even at 8 pt; shorten "
                                    f"{_longest_fields(loaded.project, year_month, lang)}.",
                                    file=str(out / path.stem / f"monthly_{year_month}_{lang}.docx")))
        renders.append((lang, data, step))
    return {"findings": findings, "renders": renders}


def _prepare_all(paths: list[Path], year_month: str, out: Path, languages: list[str], templates: str | None):
    """Every project's reports in order, one after the other.

    Measured with 25 projects (issue 13): a fork pool won 3–10% of the time for ~15% more CPU and does not exist on
    Windows; a spawn pool lost 30–60% (each worker imports everything again).
    """
    return [_prepare(path, year_month, out, languages, templates) for path in paths]


def _write(folder: Path, state: OutputState, relative: str, data: bytes, force: bool, outcome: ProjectOutcome) -> str:
    written = state.write(relative, data, force)
    if written.kept:
        outcome.findings.append(Finding("kept-edited-file", "warning", f"{folder / written.kept} was edited since "
                                        f"c3p-docs wrote it; kept. The new report is {folder / written.relative} "
                                        "(--force replaces).", file=str(folder / written.kept)))
    if written.changed:
        outcome.files.append(str(folder / written.relative))
    return written.relative
