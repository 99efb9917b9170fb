"""`build`: every document the call asks for, written safely into OUT with a manifest."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from c3p_docs.attachments import (
    EXTENSIONS,
    attachment_file_name,
    attachment_status,
    attachment_statuses,
    organisation_suffix,
)
from c3p_docs.calls import AttachmentRule
from c3p_docs.documents.context import build_context, check_package_command, document_date, placeholder_filter
from c3p_docs.documents.markup import laid_out, render_markup
from c3p_docs.documents.records import SHEET_KINDS, can_generate, languages_for
from c3p_docs.errors import UsageError
from c3p_docs.findings import Finding
from c3p_docs.jinja_env import environment
from c3p_docs.output import OutputState, Written, digest, is_kept_rendition, output_lock, write_atomic
from c3p_docs.project import LoadedProject

KINDS = ("cover", "application_form", "overview", "summary", "pledge", "track_record", "multi_year_plan",
         "organisation_overview", "jcm_adoptions", "project_idea_note", "checklist", "final_report_outline",
         "final_summary", "email_draft")
WORD_KINDS = {"cover", "application_form", "summary", "pledge", "checklist", "final_report_outline",
              "organisation_overview", "jcm_adoptions", "project_idea_note"}
KIND_EXTENSIONS = {"overview": ".pptx", "final_summary": ".pptx", "track_record": ".xlsx", "multi_year_plan": ".xlsx"}
# Word documents with a page limit (⑫: 3 pages): (font size, compact spacing), tried in order. The floor
# stays readable for a note read by officials abroad.
FIT_STEPS = [(10.5, False), (10.5, True), (10.0, True), (9.5, True), (9.0, True)]
PAGE_HEIGHT_MM = 297 - 25 - 25
# Share of the pages the estimated height may fill: a little beyond them when LibreOffice counts the pages
# afterwards (the estimate runs long in compact spacing; an overshoot costs one more step), well within
# them when nothing checks (it runs short across page breaks).
FIT_SHARE = {"counted": 1.1, "estimated": 0.9}
# Documents that are not attachments of a call, and the languages they exist in.
SUPPORT_LANGUAGES = {"checklist": ("ja", "en"), "final_report_outline": ("ja",), "final_summary": ("ja", "en")}


@dataclass
class Planned:
    """One file to write: where, what kind, and how to make it."""

    kind: str
    lang: str
    relative: str
    attachment: AttachmentRule | None = None
    pdf_relative: str | None = None
    """Where its PDF goes, when one is made."""
    organisation: int | None = None
    """For one-per-organisation documents: 0 the applicant, 1… the joint implementers."""


@dataclass(frozen=True)
class Fit:
    """The size step a page-limited document was rendered at, and whether the estimate says it fits."""

    step: int
    estimated_to_fit: bool
    estimated_pages: int


@dataclass
class BuildResult:
    written: list[dict] = field(default_factory=list)
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def plan_outputs(loaded: LoadedProject, kinds: set[str], languages: list[str], make_pdf: bool,
                 forms: dict[str, Path] | None = None) -> list[Planned]:
    forms = forms or {}
    rules = loaded.rules
    planned: list[Planned] = []
    for kind in KINDS:
        if kind not in kinds:
            continue
        rule = rules.attachment_for_kind(kind)
        if rule is not None:
            status = attachment_status(rule, loaded.project)
            if status.status == "not_applicable" or not can_generate(kind, loaded.project):
                continue
            count = status.count if rule.per_organisation else 1
            for lang in (l for l in rule.languages if l in languages and l in languages_for(kind)):
                for index in range(count):
                    planned.append(_planned_attachment(kind, lang, rule, forms, make_pdf, index, count))
        elif kind in SUPPORT_LANGUAGES:
            for support_lang in (l for l in SUPPORT_LANGUAGES[kind] if l in languages):
                extension = KIND_EXTENSIONS.get(kind, ".docx")
                planned.append(Planned(kind, support_lang, f"{kind}_{support_lang}{extension}"))
    return planned


def _planned_attachment(kind: str, lang: str, rule: AttachmentRule, forms: dict[str, Path], make_pdf: bool,
                        index: int, count: int) -> Planned:
    extension = KIND_EXTENSIONS.get(kind, ".docx")
    form = forms.get(kind if kind in ("application_form", "pledge", "cover") else f"{kind}_{lang}")
    if form is not None:
        extension = form.suffix.lower()
    suffix = organisation_suffix(index, count)
    organisation = index if rule.per_organisation else None
    name = attachment_file_name(rule, lang, extension, suffix)
    if extension in [EXTENSIONS[f] for f in rule.formats if f in EXTENSIONS]:
        return Planned(kind, lang, f"submission/{name}", rule, organisation=organisation)
    # The call wants another format (① as PDF): ours is the editable source beside the submission.
    pdf = None
    if "pdf" in rule.formats and make_pdf:
        pdf = f"submission/{attachment_file_name(rule, lang, '.pdf', suffix)}"
    return Planned(kind, lang, name, rule, pdf, organisation)


def expected_files(loaded: LoadedProject, forms: dict[str, Path] | None = None) -> dict[str, list[str]]:
    """Attachment label → the file names the submission folder should hold (for the checklist).

    What build makes is named from build's own plan (so the checklist says `(0)_表紙.docx` when build writes
    Word, and the PDF name where build converts), in both languages whatever `--lang` is; attachments the
    applicant supplies (copies, letters) are named by the call's first format.
    """
    planned: dict[str, list[str]] = {}
    for item in plan_outputs(loaded, set(KINDS), ["ja", "en"], make_pdf=True, forms=forms):
        submitted = item.pdf_relative or (item.relative if item.relative.startswith("submission/") else None)
        if item.attachment is not None and submitted:
            planned.setdefault(item.attachment.label, []).append(Path(submitted).name)
    names: dict[str, list[str]] = {}
    for status in attachment_statuses(loaded.rules, loaded.project):
        rule = status.rule
        if status.status == "not_applicable":
            names[rule.label] = []
            continue
        if rule.label in planned:
            names[rule.label] = planned[rule.label]
            continue
        extension = EXTENSIONS.get(rule.formats[0], ".pdf")
        files = []
        for lang in rule.languages:
            for index in range(status.count):
                files.append(attachment_file_name(rule, lang, extension, organisation_suffix(index, status.count)))
            if rule.translation_markers:
                files.append(attachment_file_name(rule, lang, extension, rule.translation_markers[0]))
        names[rule.label] = files
    return names


def still_to_supply(loaded: LoadedProject, out: Path) -> list[dict]:
    """Required attachments c3p-docs cannot make and OUT/submission does not hold yet: the copies the
    applicant adds (certificates, letters, qualification), and ⑦ when only a count of adoptions is given."""
    from c3p_docs.package_check.names import attachment_number, is_system_file

    folder = out / "submission"
    present = set()
    if folder.is_dir():
        present = {attachment_number(p.name) for p in folder.iterdir() if p.is_file() and not is_system_file(p.name)}
    files = expected_files(loaded)
    return [{"label": s.rule.label, "name": {"ja": s.rule.name.ja, "en": s.rule.name.en}, "files": files[s.rule.label]}
            for s in attachment_statuses(loaded.rules, loaded.project)
            if s.status == "required" and s.rule.number not in present
            and not (s.rule.kind in KINDS and can_generate(s.rule.kind, loaded.project))]


class Builder:
    def __init__(self, loaded: LoadedProject, out: Path, templates: str | None, progress: bool,
                 forms: dict[str, Path] | None = None) -> None:
        self.loaded = loaded
        self.forms = forms or {}
        self.rendering_findings: list[Finding] = []
        self.out = out
        self.templates = templates
        self.progress = progress
        self.state = OutputState(out)
        self.result = BuildResult()
        project, rules = loaded.project, loaded.rules
        self.created = dt.datetime.combine(document_date(project, rules), dt.time(9, 0))
        self.contexts = {lang: build_context(project, rules, lang, templates) for lang in ("ja", "en")}
        self.fit: Fit | None = None
        """How the last page-limited document was fitted."""
        self.pages_counted = False
        """LibreOffice will count the pages of page-limited documents (else only the estimate decides)."""

    def _env(self, lang: str):
        env = environment(lang, self.templates)
        env.filters["ph"] = placeholder_filter(lang, self.templates)
        return env

    def _metadata(self, kind: str, lang: str):
        from c3p_docs.documents.word import Metadata

        context = self.contexts[lang]
        author = context["applicant"]["name"] or self.loaded.project.applicant.name.ja or "c3p-docs"
        return Metadata(title=f"{context['project']['title'] or ''}", author=author,
                        subject=f"{self.loaded.rules.id} {kind}", created=self.created, language=lang)

    def form_for(self, item: Planned) -> Path | None:
        key = item.kind if item.kind in ("application_form", "pledge", "cover") else f"{item.kind}_{item.lang}"
        return self.forms.get(key)

    def fill(self, item: Planned, form: Path) -> bytes:
        """The user's official form, filled; metadata and zip normalised as for our own renditions."""
        from c3p_docs.documents.context import strings
        from c3p_docs.documents.packaging import apply_metadata, save_docx, save_pptx
        from c3p_docs.forms import fill_form

        # Forms see the namespace our templates see, in the form's language (`fields` lists it).
        data = fill_form(form, self.contexts[item.lang], strings(item.lang, self.templates)["placeholder"])
        if form.suffix.lower() == ".docx":
            from docx import Document

            document = Document(io.BytesIO(data))
            apply_metadata(document.core_properties, self._metadata(item.kind, item.lang))
            return save_docx(document)
        from pptx import Presentation

        presentation = Presentation(io.BytesIO(data))
        apply_metadata(presentation.core_properties, self._metadata(item.kind, item.lang))
        return save_pptx(presentation)

    def render(self, item: Planned, fit_from: int = 0) -> bytes:
        form = self.form_for(item)
        if form is not None:
            return self.fill(item, form)
        if item.attachment is not None and item.attachment.assumed:
            rule = item.attachment
            self.rendering_findings.append(Finding(
                "assumed-form", "info", f"{rule.name.en} ({rule.source}), assumed: {rule.assumed_note}",
                file=item.relative, attachment=rule.label))
        if item.kind in SHEET_KINDS:
            return self._sheet(item)
        context = dict(self.contexts[item.lang])
        if item.kind == "checklist":
            context["files"] = expected_files(self.loaded, self.forms)
            context["check_command"] = check_package_command(self.loaded.path, self.out)
        context.update(self._record_context(item))
        root = render_markup(self._env(item.lang), f"{item.kind}.xml.j2", context)
        if item.kind in WORD_KINDS:
            from c3p_docs.documents.word import render_word

            metadata = self._metadata(item.kind, item.lang)
            with laid_out(f"{item.kind}.xml.j2", self.templates):
                if item.attachment is not None and item.attachment.max_pages:
                    return self._fitted(item, root, metadata, item.attachment.max_pages, fit_from)
                return render_word(root, item.lang, metadata, templates=self.templates)
        from c3p_docs.documents.slides import READABLE_PT, render_slides

        with laid_out(f"{item.kind}.xml.j2", self.templates):
            data, report = render_slides(root, item.lang, self._metadata(item.kind, item.lang), self.templates)
        # A submitted attachment goes to the ministry (the overview is published): text running out of its
        # box there breaks the build; in our own documents it is a warning.
        for label in report.overflow:
            self.rendering_findings.append(Finding(
                "text-overflow", "error" if item.attachment is not None else "warning",
                f"{item.kind} ({item.lang}): {label} is too long for its box even at the smallest font size "
                f"({READABLE_PT:g} pt); shorten it.", file=item.relative, path=label))
        for label in report.cut:
            self.rendering_findings.append(Finding(
                "text-cut", "warning", f"{item.kind} ({item.lang}): {label} is too long to show whole even at "
                f"{READABLE_PT:g} pt; the slide shows the first items and how many more there are.",
                file=item.relative, path=label))
        for label in report.shrunk:
            self.rendering_findings.append(Finding(
                "text-shrunk", "info", f"{item.kind} ({item.lang}): {label} was set in a smaller font to fit.",
                file=item.relative, path=label))
        return data

    def _record_context(self, item: Planned) -> dict:
        """What a generated attachment shows beyond the shared context (new names: the shared ones, `pin`
        included, stay as tagged forms see them)."""
        from c3p_docs.documents import records

        project, words = self.loaded.project, self.contexts[item.lang]["t"]
        if item.kind == "organisation_overview":
            return {"org": records.organisation_context(project, item.organisation or 0, item.lang, words)}
        if item.kind == "jcm_adoptions":
            return {"adoptions": records.adoptions_context(project, item.lang)}
        if item.kind == "project_idea_note":
            return {"note": records.pin_context(project, item.lang)}
        return {}

    def _sheet(self, item: Planned) -> bytes:
        from c3p_docs.documents import records
        from c3p_docs.documents.sheets import Properties, render_workbook

        project, words = self.loaded.project, self.contexts[item.lang]["t"]
        if item.kind == "track_record":
            sheet = records.track_record_sheet(project, item.lang, words)
        else:
            sheet = records.multi_year_plan_sheet(project, self.loaded.rules, item.lang, words)
        metadata = self._metadata(item.kind, item.lang)
        data, truncated = render_workbook(sheet, item.lang, Properties(metadata.title, metadata.author, metadata.subject,
                                                                       metadata.created),
                                          words["placeholder"], words["records"]["bullet"])
        for start in truncated:
            self.rendering_findings.append(Finding(
                "text-truncated", "warning", f"{item.kind} ({item.lang}): a text beginning {start!r} is longer than "
                "Excel's 32,767 characters per cell and was cut; shorten it.", file=item.relative))
        return data

    def _fitted(self, item: Planned, root, metadata, max_pages: int, fit_from: int) -> bytes:
        """At the first size step, from `fit_from`, whose estimated height fits the page limit."""
        from c3p_docs.documents.measure import estimate_height_mm
        from c3p_docs.documents.word import render_word

        share = FIT_SHARE["counted" if self.pages_counted else "estimated"]
        limit = max_pages * PAGE_HEIGHT_MM * share
        for step in range(fit_from, len(FIT_STEPS)):
            height = estimate_height_mm(root, FIT_STEPS[step][0], compact=FIT_STEPS[step][1])
            if height <= limit:
                break
        self.fit = Fit(step, height <= limit, math.ceil(height / (PAGE_HEIGHT_MM * share)))
        size, compact = FIT_STEPS[step]
        return render_word(root, item.lang, metadata, base_size=size, compact=compact, templates=self.templates)

    def pages_verified(self, relative: str) -> bool:
        """LibreOffice counted this very file's pages before and it was within the limit."""
        target = self.out / relative
        return target.is_file() and self.state.written.get(relative + "#pages") == self.state.written.get(relative)

    def record_within_pages(self, relative: str) -> None:
        self.state.written[relative + "#pages"] = self.state.written.get(relative, "")

    def too_long(self, item: Planned, pages: int, counted: bool) -> Finding:
        """Still over the page limit at the smallest size: name what to shorten."""
        from c3p_docs.documents.records import longest_pin_fields

        rule = item.attachment
        assert rule is not None
        how = f"{pages} pages" if counted else f"about {pages} pages by our estimate (LibreOffice would count them)"
        longest = longest_pin_fields(self.loaded.project) if item.kind == "project_idea_note" else ""
        return Finding("too-many-pages", "error" if counted else "warning",
                       f"{rule.name.en}: {how} even at {FIT_STEPS[-1][0]:g} pt; the call allows {rule.max_pages} "
                       f"({rule.source})." + (f" Shorten {longest}." if longest else ""),
                       file=item.relative, attachment=rule.label)

    def write(self, relative: str, data: bytes, item: Planned) -> Written:
        """Write unless unchanged; a file a person edited is kept and ours goes beside it."""
        written = self.state.write(relative, data)
        if written.kept:
            self.result.kept.append(str(self.out / written.relative))
            attached = " The mail drafts attach your file." if written.kept.startswith("submission/") else ""
            self.result.findings.append(Finding(
                "kept-edited-file", "warning", f"{self.out / written.kept} was changed since c3p-docs wrote it; it "
                f"is kept and the new rendition is {self.out / written.relative}.{attached}",
                file=str(self.out / written.kept)))
        if written.changed:
            entry = {"kind": item.kind, "lang": item.lang, "path": written.relative}
            if entry not in self.result.written:  # a page-limited document may be written again, smaller
                self.result.written.append(entry)
        else:
            self.result.unchanged += 1
        return written

    def step(self, index: int, total: int, label: str) -> None:
        if self.progress:
            sys.stderr.write(f"\r\033[K[{index}/{total}] {label}")
            sys.stderr.flush()


def project_forms(loaded: LoadedProject, overrides: dict[str, Path]) -> dict[str, Path]:
    """Forms named in the project (relative to its folder), then --form on the command line."""
    forms: dict[str, Path] = {kind: (loaded.path.parent / path) for kind, path in loaded.project.forms.items()}
    forms.update(overrides)
    return forms


def input_fingerprint(loaded: LoadedProject, *settings, templates: str | None, forms: dict[str, Path]) -> str:
    """Everything a build depends on: the project, its profile, templates, forms, our code, the flags."""
    import hashlib

    from c3p_docs.calls import profile_path
    from c3p_docs.jinja_env import template_dir

    digest = hashlib.sha256(repr(settings).encode())
    files = [loaded.path, profile_path(loaded.project.call, loaded.path.parent)]
    folders = [template_dir(lang) for lang in ("ja", "en", "common")] + [Path(__file__).parent]
    if templates:
        folders.append(Path(templates))
    for folder in folders:
        files += sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".py", ".j2", ".yaml", ".conf", ".docx", ".pptx"))
    files += [forms[key] for key in sorted(forms)]
    for path in files:
        digest.update(str(path).encode())
        digest.update(path.read_bytes() if path.is_file() else b"missing")
    return digest.hexdigest()


def submission_listing(out: Path) -> str:
    """Names, sizes and times of what OUT/submission holds: a file added by hand means new mail drafts."""
    folder = out / "submission"
    if not folder.is_dir():
        return ""
    entries = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        status = entry.stat(follow_symlinks=False)
        entries.append(f"{entry.name}\0{status.st_size}\0{status.st_mtime_ns}")
    return digest("\n".join(entries).encode("utf-8", "surrogateescape"))


def _unchanged(out: Path, fingerprint: str) -> tuple[BuildResult, list[dict]] | None:
    """The last build's result when its inputs are the same, every file it wrote is intact and nobody
    changed the submission folder."""
    state = OutputState(out)
    manifest_path = out / "manifest.json"
    if state.written.get("#inputs") != fingerprint or not manifest_path.is_file():
        return None
    if state.written.get("#submission") != submission_listing(out):
        return None
    outputs = [name for name in state.written if "#" not in name]
    if any(state.edited_since_written(name) or not (out / name).is_file() for name in outputs):
        return None
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))["files"]
        findings = [Finding(**f) for f in json.loads(state.written.get("#findings", "[]"))]
    except (ValueError, KeyError, TypeError):
        return None
    return BuildResult(unchanged=len(manifest), findings=findings), manifest


def _render_all(builder: Builder, plan: list[Planned]) -> list[tuple[bytes, list[Finding], Fit | None]]:
    """Render every document, one after the other.

    Serial on purpose (measured, issue 13): on this 2-core machine a 2-worker fork pool was slower than serial
    for the build, with and without a busy loop on one core (2.4 s against 2.0 s), for ~15% more CPU; a spawn
    pool (the only kind Windows has) re-imports everything per worker and cannot even pickle the builder.
    """
    results: list[tuple[bytes, list[Finding], Fit | None]] = []
    for index, item in enumerate(plan, 1):
        builder.step(index, len(plan), f"rendering {item.kind} ({item.lang})")
        builder.rendering_findings = []
        builder.fit = None
        data = builder.render(item)
        results.append((data, builder.rendering_findings, builder.fit))
    return results


def run_build(loaded: LoadedProject, out: Path, kinds: set[str], languages: list[str], pdf_mode: str,
              templates: str | None = None, progress: bool = False,
              forms: dict[str, Path] | None = None) -> tuple[BuildResult, list[dict]]:
    from c3p_docs.pdf import find_soffice

    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is a file; -o needs a folder.")
    soffice = find_soffice()
    make_pdf = pdf_mode == "always" or (pdf_mode == "auto" and soffice is not None)
    if pdf_mode == "always" and soffice is None:
        from c3p_docs.errors import ToolMissing

        raise ToolMissing("--pdf always, but LibreOffice (soffice) is not installed. Install "
                          "libreoffice-writer-nogui and libreoffice-impress-nogui, or use --pdf auto.")
    all_forms = project_forms(loaded, forms or {})
    fingerprint = input_fingerprint(loaded, sorted(kinds), languages, make_pdf, templates=templates, forms=all_forms)
    with output_lock(out):
        return _build_locked(loaded, out, kinds, languages, pdf_mode, make_pdf, soffice, templates, progress,
                             all_forms, fingerprint)


def _build_locked(loaded: LoadedProject, out: Path, kinds: set[str], languages: list[str], pdf_mode: str,
                  make_pdf: bool, soffice: str | None, templates: str | None, progress: bool,
                  all_forms: dict[str, Path], fingerprint: str) -> tuple[BuildResult, list[dict]]:
    previous = _unchanged(out, fingerprint)
    if previous is not None:
        return previous
    builder = Builder(loaded, out, templates, progress, all_forms)
    builder.pages_counted = make_pdf
    if pdf_mode == "auto" and soffice is None:
        builder.result.findings.append(Finding(
            "no-libreoffice", "warning", "LibreOffice is not installed, so no PDF was made; the call wants the "
            "application form as PDF. Install libreoffice-writer-nogui or convert it yourself."))
    plan = plan_outputs(loaded, kinds, languages, make_pdf, builder.forms)
    manifest: list[dict] = []
    to_convert: list[tuple[Planned, str, str]] = []  # (document, its PDF, the Word file the PDF is made from)
    to_count: list[tuple[Planned, str, int]] = []  # page-limited Word documents LibreOffice must measure
    rendered = _render_all(builder, plan)
    for index, (item, (data, findings, fit)) in enumerate(zip(plan, rendered), 1):
        builder.step(index, len(plan), f"{item.kind} ({item.lang})")
        builder.result.findings.extend(findings)
        written = builder.write(item.relative, data, item)
        entry = {"kind": item.kind, "lang": item.lang, "path": written.relative}
        if item.attachment is not None and written.relative.startswith("submission/"):
            entry["attachment"] = item.attachment.label
        manifest.append(entry)
        if fit is not None:
            if make_pdf and not builder.pages_verified(written.relative):
                to_count.append((item, written.relative, fit.step))
            elif not make_pdf and not fit.estimated_to_fit:
                builder.result.findings.append(builder.too_long(item, fit.estimated_pages, counted=False))
        if item.pdf_relative:
            # The submitted PDF shows what the person sees in Word: their edited file when they kept one.
            source = written.kept or written.relative
            if written.kept:
                builder.result.findings.append(Finding(
                    "pdf-from-edited-file", "warning", f"{out / item.pdf_relative} is converted from your edited "
                    f"{out / written.kept}; what changed in the YAML since is only in {out / written.relative}. "
                    "Bring those changes into your file, or delete it to use the new rendition.",
                    file=str(out / written.kept)))
            if builder.state.pdf_is_fresh(item.pdf_relative, source):
                manifest.append(_pdf_entry(item, item.pdf_relative))
                builder.result.unchanged += 1
            else:
                to_convert.append((item, item.pdf_relative, source))
    if to_convert or to_count:
        builder.step(len(plan), len(plan), f"PDF ({len(to_convert) + len(to_count)} file(s), LibreOffice)")
        from c3p_docs.pdf import convert_to_pdf

        # One LibreOffice run converts the PDFs we deliver and measures the page-limited documents.
        converted = convert_to_pdf([out / source for _, _, source in to_convert] + [out / w for _, w, _ in to_count])
        for item, pdf_relative, source in to_convert:
            pdf_data = converted.get(out / source)
            if pdf_data is None:
                builder.result.findings.append(Finding("pdf-failed", "error", f"LibreOffice could not convert "
                                                       f"{out / source}.", file=str(out / source)))
                continue
            pdf = builder.write(pdf_relative, pdf_data, item)
            builder.state.record_pdf_source(pdf.relative, source)
            manifest.append(_pdf_entry(item, pdf.relative))
        _keep_within_pages(builder, to_count, converted)
    if "email_draft" in kinds:
        manifest += _email_drafts(builder, loaded, out)
    if progress:
        sys.stderr.write("\r\033[K")
    from c3p_docs.pipeline import entries_of_contract_commands

    listed = manifest + entries_of_contract_commands(out)  # trip, session, plan and settle share the folder
    manifest_data = json.dumps({"files": listed}, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    manifest_path = out / "manifest.json"
    if not manifest_path.exists() or manifest_path.read_bytes() != manifest_data:
        write_atomic(manifest_path, manifest_data)
    builder.state.written["#submission"] = submission_listing(out)
    if not any(f.severity == "error" for f in builder.result.findings):
        builder.state.written["#inputs"] = fingerprint
        builder.state.written["#findings"] = json.dumps([f.as_json() for f in builder.result.findings
                                                         if f.code not in ("kept-edited-file",)], ensure_ascii=False)
    builder.state.save()
    return builder.result, manifest


def _pdf_entry(item: Planned, relative: str) -> dict:
    """The manifest entry of an attachment's PDF rendition (only attachments get one)."""
    entry = {"kind": item.kind, "lang": item.lang, "path": relative}
    if item.attachment is not None:
        entry["attachment"] = item.attachment.label
    return entry


def _keep_within_pages(builder: Builder, pending: list[tuple[Planned, str, int]], converted: dict[Path, bytes]) -> None:
    """Count the pages LibreOffice lays out; over the limit, render a size step smaller and count again,
    down to the floor, then name what to shorten."""
    from c3p_docs.pdf import convert_to_pdf, pdf_page_count

    out = builder.out
    while pending:
        retry = []
        for item, written, step in pending:
            data = converted.get(out / written)
            if data is None:
                builder.result.findings.append(Finding(
                    "pdf-failed", "warning", f"LibreOffice could not convert {written}, so its pages were not counted.",
                    file=str(out / written)))
                continue
            pages = pdf_page_count(data)
            if pages <= (item.attachment.max_pages if item.attachment and item.attachment.max_pages else pages):
                builder.record_within_pages(written)
            elif step + 1 < len(FIT_STEPS):
                builder.fit = None
                smaller = builder.render(item, fit_from=step + 1)
                fit = builder.fit
                retry.append((item, builder.write(item.relative, smaller, item).relative,
                              fit.step if fit else len(FIT_STEPS)))
            else:
                builder.result.findings.append(builder.too_long(item, pages, counted=True))
        converted = convert_to_pdf([out / w for _, w, _ in retry]) if retry else {}
        pending = retry


def _email_drafts(builder: Builder, loaded: LoadedProject, out: Path) -> list[dict]:
    """Plan the mails for what OUT/submission holds now and write one .eml draft per mail."""
    from c3p_docs.mail import plan_mails
    from c3p_docs.mail_drafts import body_context, draft_messages, sender_address, write_drafts
    from c3p_docs.package_check.names import attachment_number, is_system_file
    from c3p_docs.subject import make_subject

    rules, project = loaded.rules, loaded.project
    folder = out / "submission"
    if not folder.is_dir():
        return []
    full_plan = plan_outputs(loaded, set(KINDS), ["ja", "en"], True, builder.forms)
    ours = {p.relative for p in full_plan} | {p.pdf_relative for p in full_plan if p.pdf_relative}
    files = []
    for path in sorted(folder.iterdir()):
        relative = f"submission/{path.name}"
        if not path.is_file() or path.is_symlink() or is_system_file(path.name) or is_kept_rendition(path.name):
            continue  # a new rendition beside a file a person kept is not sent: theirs is
        if relative in builder.state.written and relative not in ours and not builder.state.edited_since_written(relative):
            builder.result.findings.append(Finding(
                "stale-file", "warning", f"{path} was written by an earlier build but this project no longer has it; "
                "it is not attached to the mail drafts. Delete it.", file=str(path)))
            continue
        files.append(path)
    files.sort(key=lambda p: (attachment_number(p.name) if attachment_number(p.name) is not None else 99, p.name))
    plan = plan_mails([(p.name, p.stat().st_size) for p in files], rules.mail.limit_bytes.value,
                      rules.mail.header_margin_bytes.value)
    for name in plan.too_large:
        builder.result.findings.append(Finding(
            "too-large-for-mail", "error", f"{name} is too large for any mail under {rules.mail.limit_bytes.value:,} "
            "bytes once encoded; ask the ministry to set up its file-transfer service.", file=str(folder / name)))
    drafts = draft_messages(folder, plan, rules, make_subject(project, rules), sender_address(project),
                            body_context(project, rules), document_date(project, rules), builder.templates)
    written, problems = write_drafts(out, drafts, rules.mail.limit_bytes.value, builder.state, prefix="mail/")
    builder.result.findings.extend(problems)
    return [{"kind": "email_draft", "lang": "ja", "path": relative} for relative in written]
