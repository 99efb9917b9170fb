"""Walk a submission folder (never following links) and turn what is there into findings and a mail plan."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from c3p_docs.attachments import EXTENSIONS, attachment_statuses
from c3p_docs.calls import CallRules
from c3p_docs.errors import UsageError
from c3p_docs.findings import Finding
from c3p_docs.mail import MailPlan, plan_mails
from c3p_docs.model import Project
from c3p_docs.package_check import content, names

MAX_FILES = 10_000
EXTENSION_KINDS = {".pdf": {"pdf"}, ".docx": {"docx"}, ".pptx": {"pptx"}, ".xlsx": {"xlsx"},
                   ".doc": {"doc", "ole"}, ".xls": {"xls", "ole"}, ".ppt": {"ppt", "ole"},
                   ".docm": {"docx"}, ".pptm": {"pptx"}, ".xlsm": {"xlsx"}}


@dataclass
class Entry:
    relative: str
    """The path below the folder as it can be shown (undecodable bytes escaped)."""
    path: Path
    size: int = 0
    symlink: bool = False
    system: bool = False
    number: int | None = None
    inspection: content.Inspection | None = None
    undecodable: bool = False
    """Some part of the name is not UTF-8 (Shift_JIS from a Windows zip): not mailable until renamed."""


@dataclass
class PackageReport:
    findings: list[Finding] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    plan: MailPlan = field(default_factory=lambda: MailPlan([], [], 0))
    renamed: list[tuple[str, str]] = field(default_factory=list)

    def extra_json(self) -> dict:
        return {"mails": [m.as_json() for m in self.plan.mails],
                "transfer_service": self.plan.too_large,
                "files": [{"name": e.relative, "bytes": e.size, "kind": e.inspection.kind if e.inspection else None,
                           "attachment": e.number} for e in self.entries]}


def scan(folder: Path) -> tuple[list[Entry], list[Finding]]:
    if not folder.exists():
        raise UsageError(f"{folder}: no such folder.")
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder; check-package takes the folder you will mail.")
    entries: list[Entry] = []
    findings: list[Finding] = []
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            children = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as error:
            findings.append(Finding("corrupt-file", "error", f"cannot read the folder: {error.strerror}.",
                                    file=str(current)))
            continue
        for child in children:
            raw = str(Path(child.path).relative_to(folder))
            relative = names.printable(raw)
            if names.undecodable(child.name):
                decoded = names.shift_jis_name(child.name)
                hint = (f"read as Shift_JIS (Windows) it is {decoded!r}; run check-package with --fix-names to rename it"
                        if decoded else "rename it")
                findings.append(Finding("filename-encoding", "error", f"the name is not UTF-8 text (a zip made on "
                                        f"Windows?): {hint}. It is left out of the mail plan until then.",
                                        file=str(folder / relative)))
            if child.is_symlink():
                entries.append(Entry(relative, Path(child.path), symlink=True))
                continue
            if child.is_dir(follow_symlinks=False):
                if child.name == "__MACOSX":
                    entries.append(Entry(relative + "/", Path(child.path), system=True))
                else:
                    stack.append(Path(child.path))
                continue
            if not child.is_file(follow_symlinks=False):
                continue
            entries.append(Entry(relative, Path(child.path), size=child.stat(follow_symlinks=False).st_size,
                                 system=names.is_system_file(child.name), undecodable=names.undecodable(raw)))
            if len(entries) > MAX_FILES:
                raise UsageError(f"{folder}: more than {MAX_FILES:,} files; is this the submission folder?")
    entries.sort(key=lambda e: e.relative)
    return entries, findings


def _rename_without_replacing(source: Path, target: Path) -> bool:
    """Rename unless `target` names anything at all (a file, a folder, a dangling link): False then."""
    if os.path.lexists(target):
        if not os.path.samestat(os.lstat(source), os.lstat(target)):
            return False
        os.rename(source, target)  # one entry under two spellings (a normalising file system): respell it
        return True
    try:
        os.link(source, target, follow_symlinks=False)  # fails if the name was taken meanwhile
    except FileExistsError:
        return False
    except OSError:  # a folder, or a file system without hard links
        if os.path.lexists(target):
            return False
        os.rename(source, target)  # on Windows rename itself refuses an existing target
        return True
    os.unlink(source)
    return True


def rename_to_fixed_names(folder: Path) -> list[tuple[str, str]]:
    """Rename Mac-decomposed (NFD) names to NFC and Shift_JIS names to Unicode, deepest first, never over
    an existing entry and never through a link."""
    renamed = []
    for current, directories, files in os.walk(folder, topdown=False):
        for name in sorted(files + directories):
            path = Path(current, name)
            new_name = names.fixed_name(name)
            if new_name is None or path.is_symlink() or names.is_system_file(name):
                continue
            if _rename_without_replacing(path, path.with_name(new_name)):
                old = names.printable(str(path.relative_to(folder)))
                renamed.append((old, str(path.with_name(new_name).relative_to(folder))))
    return renamed


def check_package(folder: Path, rules: CallRules, project: Project | None, fix_names: bool = False) -> PackageReport:
    report = PackageReport()
    if fix_names:
        scan(folder)  # the usage checks (a folder that exists) come first
        report.renamed = rename_to_fixed_names(folder)
    entries, report.findings = scan(folder)
    report.entries = entries
    add = report.findings.append
    by_number: dict[int, list[Entry]] = {}
    for entry in entries:
        where = str(folder / entry.relative)
        if entry.symlink:
            add(Finding("symlink", "error", "a symbolic link; it was not followed. Put the real file here.",
                        file=where))
            continue
        if entry.system:
            add(Finding("system-file", "warning", "a system or temporary file (Finder, Explorer or an open Office "
                        "document); delete it before mailing.", file=where))
            continue
        if not entry.undecodable:
            _name_checks(entry, where, add)
        if entry.size == 0:
            add(Finding("empty-file", "error", "the file is empty (0 bytes).", file=where))
            continue
        try:
            entry.inspection = content.inspect(entry.path)
        except Exception as error:  # noqa: BLE001 - a hostile file yields a finding, never a crash
            entry.inspection = content.Inspection("unknown", [content.Problem(
                "corrupt-file", "error", f"could not be read as the document it claims to be "
                f"({type(error).__name__}); open and save it again.")])
        for problem in entry.inspection.problems:
            add(Finding(problem.code, problem.severity, problem.message, file=where))
        _extension_check(entry, where, add)
        number = names.attachment_number(entry.path.name)
        if number is None or rules.attachment(number) is None:
            hint = (f"number {number} is not in the call's list" if number is not None
                    else "its name does not start with an attachment number such as " + rules.attachments[1].label)
            add(Finding("unknown-file", "warning", f"matches no attachment of {rules.id}: {hint}.", file=where))
            continue
        entry.number = number
        by_number.setdefault(number, []).append(entry)
    _attachment_checks(folder, rules, project, by_number, add)
    mailable = [e for e in entries if not e.symlink and not e.system and not e.undecodable and e.size > 0]
    mailable.sort(key=lambda e: (e.number if e.number is not None else 99, e.relative))
    report.plan = plan_mails([(e.relative, e.size) for e in mailable], rules.mail.limit_bytes.value,
                             rules.mail.header_margin_bytes.value)
    for name in report.plan.too_large:
        add(Finding("too-large-for-mail", "error", f"too large for any mail under the {rules.mail.limit_bytes.value:,}-"
                    "byte limit once base64-encoded; ask the ministry (at the submission address) to set up its "
                    "file-transfer service — the applicant's own transfer services are not accepted "
                    f"({rules.mail.limit_bytes.cited()}).", file=str(folder / name)))
    if len(report.plan.mails) > 1:
        layout = "; ".join(f"mail {i}: {', '.join(m.attachments)} ({m.encoded_bytes:,} bytes encoded)"
                           for i, m in enumerate(report.plan.mails, 1))
        add(Finding("mail-split", "info", f"the files need {len(report.plan.mails)} mails within "
                    f"{rules.mail.limit_bytes.value:,} bytes each: {layout}."))
    return report


def _name_checks(entry: Entry, where: str, add) -> None:
    name = entry.path.name
    for problem in names.windows_problems(name, entry.relative):
        add(Finding("filename-windows", "error", problem + ".", file=where))
    if not unicodedata.is_normalized("NFC", name):
        add(Finding("filename-nfd", "error", "the name is in decomposed Unicode (NFD, as macOS writes it): on "
                    "Windows が shows as か + ゛. Run check-package with --fix-names to rename it.", file=where))
    odd = names.machine_dependent_characters(unicodedata.normalize("NFC", name))
    if odd:
        add(Finding("filename-machine-dependent", "warning", f"{''.join(sorted(set(odd)))} may show differently "
                    "on other machines (machine-dependent or half-width characters); prefer plain characters.",
                    file=where))


def _extension_check(entry: Entry, where: str, add) -> None:
    inspection = entry.inspection
    if inspection is None or inspection.kind in ("zip", "7z", "rar", "gzip", "cab", "lzh", "bzip2", "xz", "exe"):
        return
    suffix = entry.path.suffix.lower()
    if suffix in (".docm", ".pptm", ".xlsm", ".dotm", ".potm", ".xltm"):
        add(Finding("macro", "error", f"a macro-enabled format ({suffix}); save as {suffix[:-1]}x.", file=where))
        return
    expected = EXTENSION_KINDS.get(suffix)
    if expected is None:
        if inspection.kind == "unknown":
            add(Finding("not-windows-viewable", "warning", f"{suffix or 'no extension'}: not a format Windows 10 "
                        "opens with Office or a PDF reader; check reviewers can open it.", file=where))
        return
    if inspection.kind not in expected and not inspection.problems:
        add(Finding("not-windows-viewable", "error", f"named {suffix} but the content is {inspection.kind}; "
                    "Windows opens files by their extension, so it will not open. Fix the extension.", file=where))


def _attachment_checks(folder: Path, rules: CallRules, project: Project | None,
                       by_number: dict[int, list[Entry]], add) -> None:
    for status in attachment_statuses(rules, project):
        rule = status.rule
        files = by_number.get(rule.number, [])
        if not files:
            if status.status == "required":
                why = {"condition_met": "required for this project", "always": "required"}.get(status.reason_code, "required")
                add(Finding("missing-attachment", "error", f"{rule.name.ja} ({rule.name.en}) is {why} "
                            f"({rule.source}); expected a file named like {rule.label}_{rule.file_stem}"
                            f"{EXTENSIONS.get(rule.formats[0], '.pdf')}.", attachment=rule.label))
            continue
        label = rule.label
        if len(rule.languages) > 1:
            present = {names.language_of(e.path.name) for e in files}
            if None not in present or len(files) < len(rule.languages):
                for lang in rule.languages:
                    if lang not in present:
                        add(Finding("missing-translation", "error", f"no {'Japanese' if lang == 'ja' else 'English'} "
                                    f"version of {rule.name.en}; the call asks for both ({rule.source}). Mark the files "
                                    "with _ja and _en.", attachment=label))
        if rule.translation_markers and not any(names.is_translation(e.path.name, rule.translation_markers)
                                                for e in files):
            marker = rule.translation_markers[0]
            add(Finding("missing-translation", "warning", f"no Japanese translation ({marker}) beside the letters "
                        f"of interest; the partner city's letter needs one ({rule.source}). Name it …{marker}….",
                        attachment=label))
        if rule.per_organisation and len(files) < status.count:
            add(Finding("missing-attachment", "warning", f"{len(files)} file(s) for {status.count} organisations; "
                        f"{rule.name.en} is one per organisation ({rule.source}).", attachment=label))
        for entry in files:
            _format_checks(folder, rule, entry, add)


def _format_checks(folder: Path, rule, entry: Entry, add) -> None:
    inspection = entry.inspection
    where = str(folder / entry.relative)
    if inspection is None:
        return
    if rule.kind == "application_form" and "pdf" in rule.formats and inspection.kind != "pdf":
        add(Finding("application-form-not-pdf", "error", f"the application form is {inspection.kind}; the call "
                    f"asks for PDF with light images ({rule.cited()}). Export it to PDF.", file=where,
                    attachment=rule.label))
    if rule.kind == "overview":
        if inspection.kind == "pptx":
            if inspection.pages != 1:
                add(Finding("overview-not-one-page", "error", f"{inspection.pages} slides; the overview is one A4 "
                            f"page per language ({rule.cited()}).", file=where, attachment=rule.label))
            if inspection.slide_size is not None and not content.is_a4_slide(inspection.slide_size):
                width, height = inspection.slide_size
                add(Finding("overview-not-one-page", "error", f"slide size {width / 36000:.0f}×{height / 36000:.0f} mm "
                            f"is not A4 ({rule.source}).", file=where, attachment=rule.label))
        elif inspection.kind == "pdf" and inspection.pages and inspection.pages != 1:
            add(Finding("overview-not-one-page", "error", f"{inspection.pages} pages; one A4 page per language.",
                        file=where, attachment=rule.label))
    if rule.max_pages and inspection.kind == "pdf" and inspection.pages and inspection.pages > rule.max_pages \
            and rule.kind != "overview":
        add(Finding("too-many-pages", "error", f"{inspection.pages} pages; at most {rule.max_pages} ({rule.source}).",
                    file=where, attachment=rule.label))
    allowed = set(rule.formats)
    if allowed and inspection.kind in ("pdf", "docx", "pptx", "xlsx") and inspection.kind not in allowed \
            and rule.kind != "application_form":
        add(Finding("wrong-format", "warning", f"{inspection.kind}; the call lists {', '.join(sorted(allowed))} for "
                    f"{rule.name.en} ({rule.source}).", file=where, attachment=rule.label))
