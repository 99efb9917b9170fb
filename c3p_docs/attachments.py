"""Which attachments of the call a project needs, and the file names they are expected under."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from c3p_docs.bilingual import pick
from c3p_docs.calls import AttachmentRule, CallRules, Companion, Condition, cite, resolve
from c3p_docs.countries import same_country
from c3p_docs.findings import Finding
from c3p_docs.i18n import _, language
from c3p_docs.model import FormKind, Project

Status = Literal["required", "optional", "not_applicable"]

# Extensions we write for each accepted format; the first format of a rule names the expected file.
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "pptx": ".pptx", "xlsx": ".xlsx"}


def condition_holds(condition: Condition, project: Project) -> bool:
    checks = []
    if condition.country_in is not None:
        checks.append(any(same_country(project.partner_city.country, c) for c in condition.country_in))
    if condition.field_true is not None:
        checks.append(bool(resolve(project, condition.field_true)))
    if condition.any_field_true is not None:
        checks.append(any(resolve(project, key) for key in condition.any_field_true))
    if condition.field_nonempty is not None:
        checks.append(bool(resolve(project, condition.field_nonempty)))
    if condition.field_not_true is not None:
        checks.append(resolve(project, condition.field_not_true) is not True)
    if condition.has_joint_implementers is not None:
        checks.append(bool(project.joint_implementers) == condition.has_joint_implementers)
    if condition.status_in is not None:
        checks.append((project.project.status or "new") in condition.status_in)
    return all(checks)


@dataclass(frozen=True)
class AttachmentStatus:
    """An attachment's status for one project, with the reason in plain words (English; the checklist
    template words it per language from `reason_code`)."""

    rule: AttachmentRule
    status: Status
    reason_code: str
    count: int = 1
    """Files expected per language (per organisation for joint applications)."""


def attachment_status(rule: AttachmentRule, project: Project | None) -> AttachmentStatus:
    count = 1
    if rule.per_organisation and project is not None:
        count = 1 + len(project.joint_implementers)
    if rule.requirement == "required":
        return AttachmentStatus(rule, "required", "always", count)
    if rule.requirement == "optional":
        return AttachmentStatus(rule, "optional", "optional", count)
    if project is None or rule.when is None:
        return AttachmentStatus(rule, "optional", "depends_on_project", count)
    if condition_holds(rule.when, project):
        return AttachmentStatus(rule, "required", "condition_met", count)
    return AttachmentStatus(rule, rule.otherwise, "condition_not_met", count)


def attachment_statuses(rules: CallRules, project: Project | None) -> list[AttachmentStatus]:
    return [attachment_status(rule, project) for rule in rules.attachments]


def organisation_suffix(index: int, count: int) -> str:
    """`1`, `2`, … for one file per organisation when there are several; nothing for a single one."""
    return f"{index + 1}" if count > 1 else ""


def attachment_file_name(rule: AttachmentRule, lang: str | None, extension: str, suffix: str = "") -> str:
    """`②_調査事業概要_ja.pptx`: number first, as the call lists it, then the short name and language."""
    parts = [rule.label, rule.file_stem]
    if suffix:
        parts.append(suffix)
    if lang and len(rule.languages) > 1:
        parts.append(lang)
    return "_".join(parts) + extension


def form_kinds(kind: str | None) -> list[str]:
    """The `--form` kinds that fill a document kind with the ministry's own file: `overview_ja`, `overview_en`, …"""
    return [f for f in get_args(FormKind) if kind and (f == kind or f.startswith(f"{kind}_"))]


def own_layout_finding(rules: list[AttachmentRule]) -> Finding | None:
    """One note naming the attachments built in c3p-docs's layout where the call asks for its own form."""
    shown = {rule.label: rule for rule in rules if rule.specified_format}
    if not shown:
        return None
    names = _("; ").join(f"{rule.label} {pick(rule.name, language())} ({cite(rule.source)})" for rule in shown.values())
    example = next((kinds[0] for rule in shown.values() if (kinds := form_kinds(rule.kind))), "application_form")
    return Finding("own-layout", "info", _(
        "{attachments}: rendered in c3p-docs's own layout, standing in for the ministry's specified format. To submit "
        "the official form, tag its file and build with --form KIND=FILE (e.g. {example}) or `forms:` in the project; "
        "see the README, \"The ministry's own forms\", and `c3p-docs fields`.").format(
        attachments=names, example=f"--form {example}=FORM.docx"))


def companions_due(rule: AttachmentRule, project: Project | None) -> list[tuple[Companion, str]]:
    """The documents to put beside `rule`'s for this project, each with its expected file name (⑩_法人税申告書別表1.pdf)."""
    return [(c, f"{rule.label}_{c.file_stem}.pdf") for c in rule.companions
            if project is None or c.when is None or condition_holds(c.when, project)]


def uses_wage_pledge(rules: CallRules) -> bool:
    """Whether the call asks for a wage-increase pledge (an attachment on it) or scores one."""
    return any(rule.when is not None and rule.when.field_true == "applicant.wage_increase_pledge"
               for rule in rules.attachments) or any(item.metric == "wage_increase_pledge" for item in rules.scoring)
