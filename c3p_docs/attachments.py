"""Which attachments of the call a project needs, and the file names they are expected under."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from c3p_docs.calls import AttachmentRule, CallRules, Condition, resolve
from c3p_docs.countries import same_country
from c3p_docs.model import Project

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
