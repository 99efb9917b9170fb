"""Whom the call asks the project to consult (JICA, the embassy where it names an officer), worded from the profile."""

from __future__ import annotations

from c3p_docs.attachments import condition_holds
from c3p_docs.bilingual import pick
from c3p_docs.calls import ActivityRule, CallRules, ConsultationPartner, cite
from c3p_docs.findings import Finding
from c3p_docs.i18n import _, language
from c3p_docs.model import Project
from c3p_docs.project import LoadedProject


def partners(rules: CallRules, project: Project | None) -> list[ConsultationPartner]:
    """The partners this project consults: each of the call's whose condition holds (all, without a project)."""
    if rules.consultation is None:
        return []
    return [p for p in rules.consultation.partners
            if p.when is None or (project is not None and condition_holds(p.when, project))]


def consultation_label(rules: CallRules, project: Project | None, lang: str, words: dict) -> str | None:
    """The activity kind's label, e.g. 「JICA協議」 or 「JICA・大使館協議」; None where the call names no partner."""
    named = partners(rules, project)
    if not named:
        return None
    label = words["consultation"]
    return label["kind"].replace("{partners}", label["short_join"].join(p.short.get(lang) or "" for p in named))


def partners_text(rules: CallRules, project: Project | None, lang: str, words: dict) -> str:
    """The partners in full, e.g. 「JICA現地事務所・現地日本大使館」 / "the JICA field office and the Japanese embassy"."""
    names = [p.name.get(lang) or "" for p in partners(rules, project)]
    join = words["consultation"]
    return join["last_join"].join([join["join"].join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


def activity_rule_name(rule: ActivityRule, rules: CallRules, project: Project | None, lang: str, words: dict) -> str:
    """A required activity's name; the consultation's names its partners as the project's call and data have them."""
    name = rule.name.get(lang) or rule.name.ja or rule.id
    return name.replace("{partners}", partners_text(rules, project, lang, words))


def words_for(words: dict, rules: CallRules, project: Project | None, lang: str) -> dict:
    """`words` (a language's strings) with the consultation's activity label of this project."""
    label = consultation_label(rules, project, lang, words)
    if label is None:
        return words
    return {**words, "activity": {**words["activity"], "jica_consultation": label}}


def consultation_findings(loaded: LoadedProject) -> list[Finding]:
    """Partners the call names on a condition the project does not state: the documents leave them out, so say so."""
    rules, project = loaded.rules, loaded.project
    if rules.consultation is None:
        return []
    findings = []
    for partner in rules.consultation.partners:
        field = partner.when.field_true if partner.when else None
        if field == "partner_city.embassy_officer" and project.partner_city.embassy_officer is None:
            findings.append(loaded.source.finding(
                "consultation-partner", "info", ("partner_city",), _(
                    "the documents name {partner} among those consulted only where it has named an officer for "
                    "environmental business ({source}); set `embassy_officer: true` (or false) under partner_city to "
                    "say whether it has.").format(partner=pick(partner.name, language()),
                                                  source=cite(partner.source, partner.assumed))))
    return findings
