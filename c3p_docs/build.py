"""`build`: what the call asks for, published into OUT; then the package is checked and mailed only when ready."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from c3p_docs import pipeline
from c3p_docs.attachments import (
    EXTENSIONS,
    attachment_file_name,
    attachment_status,
    attachment_statuses,
    organisation_suffix,
    own_layout_finding,
)
from c3p_docs.calls import AttachmentRule, profile_path
from c3p_docs.checks import validate_project
from c3p_docs.documents.context import document_date
from c3p_docs.documents.kinds import Kind, Request, build_kinds, every_kind, get
from c3p_docs.documents.renderer import Renderer, day_stamp
from c3p_docs.findings import Finding, has_errors
from c3p_docs.forms import MAX_FORM_BYTES
from c3p_docs.i18n import N_, _, language
from c3p_docs.jinja_env import MAX_TEMPLATE_BYTES, template_dir
from c3p_docs.loading import MAX_FILE_BYTES, read_limited
from c3p_docs.mail import plan_mails
from c3p_docs.manifest import read_entries
from c3p_docs.output import OutputState, digest, is_kept_rendition, output_lock
from c3p_docs.package_check.checker import Entry, PackageReport, check_package
from c3p_docs.package_check.names import attachment_number, is_system_file
from c3p_docs.project import LoadedProject
from c3p_docs.subject import make_subject

PACKAGE = "submission"
MAIL = "mail"
LEFT_TO_SUPPLY = ("missing-attachment", "missing-translation")
"""Package findings about files not there yet: `to_supply` lists those; build reports on what the folder holds."""
FINGERPRINT_LIMITS = {".j2": (N_("template"), MAX_TEMPLATE_BYTES), ".docx": (N_("reference document"), MAX_FORM_BYTES),
                      ".pptx": (N_("reference document"), MAX_FORM_BYTES)}
"""What a build's fingerprint reads, and at most how much of it (anything else: MAX_FILE_BYTES)."""


@dataclass
class BuildResult:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    rule_warnings: int = 0
    """Warnings `validate` has about a complete application (not repeated here)."""


def plan_outputs(loaded: LoadedProject, kinds: set[str], languages: list[str],
                 forms: dict[str, Path] | None = None) -> list[Request]:
    """The files a build writes for `kinds` and `languages`, in build order."""
    forms = forms or {}
    requests: list[Request] = []
    for kind in every_kind():
        if kind.name not in kinds:
            continue
        rule = loaded.rules.attachment_for_kind(kind.name)
        if rule is not None:
            requests += _attachment_requests(loaded, kind, rule, languages, forms)
        elif kind.group == "support":
            created = day_stamp(document_date(loaded.project, loaded.rules))
            params = {"files": expected_files(loaded, forms)} if kind.name == "checklist" else {}
            requests += [Request(kind.name, lang, f"{kind.name}_{lang}{kind.extension}", created, params=params)
                         for lang in kind.languages if lang in languages]
    return requests


def _from_form(request: Request, forms: dict[str, Path]) -> bool:
    """The request is filled from the user's official form, not rendered in our layout."""
    kind = get(request.kind)
    key = kind.form_key(request.lang) if kind is not None else None
    return key is not None and key in forms


def _attachment_requests(loaded: LoadedProject, kind: Kind, rule: AttachmentRule, languages: list[str],
                         forms: dict[str, Path]) -> list[Request]:
    status = attachment_status(rule, loaded.project)
    if status.status == "not_applicable" or not kind.can_make(loaded.project):
        return []
    count = status.count if rule.per_organisation else 1
    created = day_stamp(document_date(loaded.project, loaded.rules))
    requests = []
    for lang in (lang for lang in rule.languages if lang in languages and lang in kind.languages):
        form = forms.get(kind.form_key(lang) or "")
        extension = form.suffix.lower() if form is not None else kind.extension
        for index in range(count):
            suffix = organisation_suffix(index, count)
            name = attachment_file_name(rule, lang, extension, suffix)
            params = {"organisation": index} if rule.per_organisation else {}
            if extension in [EXTENSIONS[f] for f in rule.formats if f in EXTENSIONS]:
                requests.append(Request(kind.name, lang, f"{PACKAGE}/{name}", created, attachment=rule,
                                        page_limit=rule.max_pages, params=params))
                continue
            # The call wants another format (① as PDF): ours is the editable source beside the submission.
            pdf = f"{PACKAGE}/{attachment_file_name(rule, lang, '.pdf', suffix)}" if "pdf" in rule.formats else None
            requests.append(Request(kind.name, lang, name, created, pdf_relative=pdf, attachment=rule,
                                    page_limit=rule.max_pages, params=params))
    return requests


def expected_files(loaded: LoadedProject, forms: dict[str, Path] | None = None) -> dict[str, list[str]]:
    """Attachment label → the file names the submission folder should hold (for the checklist).

    What build makes is named from build's own plan (so the checklist says `(0)_表紙.docx` when build writes
    Word, and the PDF name where build converts), in both languages whatever `--lang` is; attachments the
    applicant supplies (copies, letters) are named by the call's first format.
    """
    planned: dict[str, list[str]] = {}
    for kind in every_kind():
        rule = loaded.rules.attachment_for_kind(kind.name)
        if rule is None:
            continue
        for item in _attachment_requests(loaded, kind, rule, ["ja", "en"], forms or {}):
            submitted = item.pdf_relative or (item.relative if item.relative.startswith(f"{PACKAGE}/") else None)
            if submitted:
                planned.setdefault(rule.label, []).append(Path(submitted).name)
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
    folder = out / PACKAGE
    present = set()
    if folder.is_dir() and not folder.is_symlink():
        present = {attachment_number(p.name) for p in folder.iterdir() if p.is_file() and not is_system_file(p.name)}
    files = expected_files(loaded)

    def made_by_us(kind_name: str | None) -> bool:
        kind = get(kind_name) if kind_name else None
        return kind is not None and kind.group == "attachment" and kind.can_make(loaded.project)

    return [{"label": s.rule.label, "name": {"ja": s.rule.name.ja, "en": s.rule.name.en}, "files": files[s.rule.label]}
            for s in attachment_statuses(loaded.rules, loaded.project)
            if s.status == "required" and s.rule.number not in present and not made_by_us(s.rule.kind)]


def project_forms(loaded: LoadedProject, overrides: dict[str, Path]) -> dict[str, Path]:
    """Forms named in the project (relative to its folder), then --form on the command line."""
    forms: dict[str, Path] = {kind: (loaded.path.parent / path) for kind, path in loaded.project.forms.items()}
    forms.update(overrides)
    return forms


def input_fingerprint(loaded: LoadedProject, *settings, templates: str | None, forms: dict[str, Path]) -> str:
    """Everything a build depends on: the project, its profile, templates, forms, our code, the flags.

    Each file is read through the guarded reader up to its kind's limit: a pipe is skipped, a file over the
    limit is a usage error naming it (never gigabytes read); names are hashed as the OS gives them.
    """
    fingerprint = hashlib.sha256(repr(settings).encode("utf-8", "backslashreplace"))
    files = [(loaded.path, N_("project file"), MAX_FILE_BYTES),
             (profile_path(loaded.project.call, loaded.path.parent), N_("call profile"), MAX_FILE_BYTES)]
    folders = [template_dir(lang) for lang in ("ja", "en", "common")] + [Path(__file__).parent]
    if templates:
        folders.append(Path(templates))
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.suffix in (".py", ".j2", ".yaml", ".conf", ".docx", ".pptx",
                                                                         ".po", ".mo") and p.is_file()):
            what, limit = FINGERPRINT_LIMITS.get(path.suffix, (N_("file"), MAX_FILE_BYTES))
            files.append((path, what, limit))
    files += [(forms[key], N_("form"), MAX_FORM_BYTES) for key in sorted(forms)]
    for path, what, limit in files:
        fingerprint.update(os.fsencode(path))
        fingerprint.update(read_limited(path, what, limit) if path.is_file() else b"missing")
    return fingerprint.hexdigest()


def submission_listing(out: Path) -> str:
    """Names, sizes and times of what OUT/submission holds: a file added by hand means new mail drafts."""
    folder = out / PACKAGE
    if not folder.is_dir() or folder.is_symlink():
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
    if state.written.get("#inputs") != fingerprint or not (out / "manifest.json").is_file():
        return None
    if state.written.get("#submission") != submission_listing(out):
        return None
    outputs = [name for name in state.written if "#" not in name]
    if any(state.edited_since_written(name) or not (out / name).is_file() for name in outputs):
        return None
    manifest = read_entries(out)
    try:
        findings = [Finding(**f) for f in json.loads(state.written.get("#findings", "[]"))]
    except (ValueError, KeyError, TypeError):
        return None
    return BuildResult(unchanged=len(manifest), findings=findings), manifest


@dataclass(frozen=True)
class BuildOptions:
    """What the command line asked of a build, beside the project and the output folder."""

    kinds: frozenset[str]
    languages: tuple[str, ...]
    templates: str | None = None
    forms: dict[str, Path] = field(default_factory=dict)
    progress: bool = False
    force: bool = False
    drafts_anyway: bool = False


def run_build(loaded: LoadedProject, out: Path, kinds: set[str], languages: list[str], pdf_mode: str,
              templates: str | None = None, progress: bool = False, forms: dict[str, Path] | None = None,
              force: bool = False, drafts_anyway: bool = False) -> tuple[BuildResult, list[dict]]:
    """Publish the planned documents, check the package, write the mail drafts when it is ready; the result
    and this build's manifest entries."""
    pipeline.check_out_folder(out)
    options = BuildOptions(frozenset(kinds), tuple(languages), templates, project_forms(loaded, forms or {}),
                           progress, force, drafts_anyway)
    plan = pipeline.pdf_plan(pdf_mode, _("The call wants the application form as PDF. Install "
                                         "libreoffice-writer-nogui or convert it yourself."))
    rule_findings = validate_project(loaded)
    # The message language too: an unchanged rebuild repeats the findings the last build stored, in its words.
    fingerprint = input_fingerprint(loaded, sorted(kinds), languages, plan.make, force, drafts_anyway, language(),
                                    templates=templates, forms=options.forms)
    with output_lock(out):
        # Unchanged only after a build without errors, so the project's rule errors are none then.
        result, files = _unchanged(out, fingerprint) or _publish(loaded, out, options, plan, fingerprint,
                                                                  [f for f in rule_findings if f.severity == "error"])
    result.rule_warnings = sum(f.severity == "warning" for f in rule_findings)
    return result, files


def _publish(loaded: LoadedProject, out: Path, options: BuildOptions, plan: pipeline.PdfPlan, fingerprint: str,
             rule_errors: list[Finding]) -> tuple[BuildResult, list[dict]]:
    """The pipeline's stages, with the package's own steps between conversion and the manifest."""
    renderer = Renderer(loaded, out, options.templates, options.forms, counted=plan.make)
    requests = plan_outputs(loaded, set(options.kinds), list(options.languages), options.forms)
    publication = pipeline.Publication(out, renderer.jobs(requests), force=options.force,
                                       owned_kinds=frozenset(build_kinds()), package=PACKAGE)
    result = publication.result
    result.findings += rule_errors + list(plan.findings)
    own_layout = own_layout_finding([r.attachment for r in requests
                                     if r.attachment is not None and not _from_form(r, options.forms)])
    result.findings += [own_layout] if own_layout is not None else []
    step = _progress if options.progress else None
    pipeline.open_folder(publication, also=(f"{MAIL}/mail.eml",))
    result.findings += _evicted(publication)
    pipeline.write(publication, step)
    pipeline.convert([publication], plan, step)
    if options.progress:
        sys.stderr.write("\r\033[K")
    result.findings += _pdfs_not_made(publication, plan)
    package = _check_package(out, loaded)
    result.findings += package.findings if package else []
    mails = _mail_drafts(publication, loaded, package, options) if "email_draft" in options.kinds else []
    _remember(publication, fingerprint)
    pipeline.close(publication, more=mails)
    return BuildResult(result.written, result.unchanged, result.kept, result.findings), result.files


def _remember(publication: pipeline.Publication, fingerprint: str) -> None:
    """What the next build compares: the package's listing, and the inputs and findings of a build without errors."""
    assert publication.state is not None
    written, findings = publication.state.written, publication.result.findings
    written["#submission"] = submission_listing(publication.root)
    if not has_errors(findings):
        written["#inputs"] = fingerprint
        written["#findings"] = json.dumps([f.as_json() for f in findings if f.code != "kept-edited-file"],
                                          ensure_ascii=False)


def _progress(label: str) -> None:
    sys.stderr.write(f"\r\033[K{label}")
    sys.stderr.flush()


def _evicted(publication: pipeline.Publication) -> list[Finding]:
    """New renditions an earlier version left inside the package: moved out (or named when they cannot be)."""
    assert publication.state is not None
    out, found = publication.root, []
    for old, new in publication.state.evict_renditions(PACKAGE):
        if new is None:
            found.append(Finding("draft-in-package", "error", _("{file} is a new rendition, not meant to be mailed, and "
                                                                "{other} already exists; delete one of them.").format(
                file=out / old, other=out / "drafts" / old), file=str(out / old)))
        else:
            found.append(Finding("draft-moved", "info", _("{file} is a new rendition, not meant to be mailed; it was "
                                                          "moved to {new}.").format(file=out / old, new=out / new),
                                 file=str(out / new)))
    return found


def _pdfs_not_made(publication: pipeline.Publication, plan: pipeline.PdfPlan) -> list[Finding]:
    """Attachments the call wants as PDF that this run did not convert (--pdf never): say which."""
    if plan.make:
        return []
    found = []
    for job in publication.jobs:
        if job.pdf_relative is None or not job.pdf_relative.startswith(f"{PACKAGE}/"):
            continue
        target = publication.root / job.pdf_relative
        if not target.exists():
            found.append(Finding("missing-attachment", "warning", _(
                "{file} was not made (no PDF conversion in this run); the call wants it as PDF. Build with --pdf auto "
                "and LibreOffice installed, or export it yourself.").format(file=target), file=str(target),
                attachment=job.attachment))
    return found


def _check_package(out: Path, loaded: LoadedProject) -> PackageReport | None:
    """The package as check-package sees it: its findings about the files there, and its mail plan."""
    folder = out / PACKAGE
    if not folder.is_dir():
        return None
    report = check_package(folder, loaded.rules, loaded.project, fix_names=False)
    report.findings = [f for f in report.findings if f.code not in LEFT_TO_SUPPLY]
    return report


def _mail_drafts(publication: pipeline.Publication, loaded: LoadedProject, package: PackageReport | None,
                 options: BuildOptions) -> list[dict]:
    """One .eml draft per planned mail, attaching what the package holds; none while anything breaks a rule,
    unless --drafts-anyway (then each draft's file name says DRAFT; the subject stays exact)."""
    # Here, not at the top: the email package and mimetypes cost ~20 ms an unchanged rebuild does not need.
    from c3p_docs.mail_drafts import body_context, draft_messages, sender_address

    result, out = publication.result, publication.root
    errors = sum(f.severity == "error" for f in result.findings)
    if package is None:
        return []
    if errors and not options.drafts_anyway:
        _remove_drafts(publication, keep=set())
        result.findings.append(Finding(
            "drafts-not-written", "info", _(
                "no mail drafts were written: {errors} error(s) break the call's rules (in the project or in "
                "{folder}); fix them and build again, or add --drafts-anyway for drafts named DRAFT_… (the subject "
                "stays exact).").format(errors=errors, folder=out / PACKAGE)))
        return []
    rules, project = loaded.rules, loaded.project
    attached = _attachments(publication, loaded, package)
    plan = plan_mails([(entry.relative, entry.size) for entry in attached], rules.mail.limit_bytes.value,
                      rules.mail.header_margin_bytes.value)
    drafts = draft_messages(out / PACKAGE, plan, rules, make_subject(project, rules), sender_address(project),
                            body_context(project, rules), document_date(project, rules), options.templates)
    return _write_drafts(publication, drafts, "DRAFT_" if errors else "", rules.mail.limit_bytes.value)


def _write_drafts(publication: pipeline.Publication, drafts: list[bytes], prefix: str, limit: int) -> list[dict]:
    """Write the drafts as any file of ours (a draft a person edited is kept) and remove those of an older plan."""
    from c3p_docs.mail_drafts import draft_names, oversized_drafts

    relatives = draft_names(len(drafts), f"{MAIL}/", prefix)
    publication.result.findings += oversized_drafts(drafts, [publication.root / r for r in relatives], limit)
    entries = []
    for relative, data in zip(relatives, drafts):
        written = pipeline.write_file(publication, relative, data)
        entries.append({"kind": "email_draft", "lang": "ja", "path": written.kept or written.relative,
                        **({"draft": written.relative} if written.kept else {})})
    _remove_drafts(publication, keep=set(relatives))
    return entries


def _attachments(publication: pipeline.Publication, loaded: LoadedProject, package: PackageReport) -> list[Entry]:
    """What the drafts attach: every file check-package would mail, less a file an earlier build wrote that this
    project no longer has (named, so it can be deleted)."""
    assert publication.state is not None
    state = publication.state
    full_plan = plan_outputs(loaded, set(build_kinds()), ["ja", "en"])
    ours = {r.relative for r in full_plan} | {r.pdf_relative for r in full_plan if r.pdf_relative}
    planned = {name for mail in package.plan.mails for name in mail.attachments} | set(package.plan.too_large)
    attached = []
    for entry in package.entries:
        relative = f"{PACKAGE}/{entry.relative}"
        if entry.relative not in planned or is_kept_rendition(entry.path.name):
            continue
        if relative in state.written and relative not in ours and not state.edited_since_written(relative):
            publication.result.findings.append(Finding(
                "stale-file", "warning", _("{file} was written by an earlier build but this project no longer has "
                                           "it; it is not attached to the mail drafts. Delete it.").format(
                    file=entry.path), file=str(entry.path)))
            continue
        attached.append(entry)
    attached.sort(key=lambda e: (e.number if e.number is not None else 99, e.relative))
    return attached


def _remove_drafts(publication: pipeline.Publication, keep: set[str]) -> None:
    """Drafts of an earlier plan that we wrote and nobody edited since: they would mail old files."""
    assert publication.state is not None
    state = publication.state
    folder = publication.root / MAIL
    if not folder.is_dir() or folder.is_symlink():
        return
    for draft in sorted(folder.glob("*.eml")):
        relative = f"{MAIL}/{draft.name}"
        if relative not in keep and relative in state.written and not state.edited_since_written(relative):
            state.remove(relative)
