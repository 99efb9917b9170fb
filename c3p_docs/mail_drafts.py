"""Write the planned mails as .eml drafts: the exact subject, the call's address, the files attached."""

from __future__ import annotations

import datetime as dt
import email.policy
import mimetypes
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from c3p_docs.calls import CallRules
from c3p_docs.findings import Finding
from c3p_docs.jinja_env import environment
from c3p_docs.mail import MailPlan
from c3p_docs.output import OutputState, write_atomic

MIME_BY_SUFFIX = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def draft_messages(folder: Path, plan: MailPlan, rules: CallRules, subject: str, sender: str | None,
                   body_context: dict, date: dt.date, templates: str | None = None) -> list[bytes]:
    from c3p_docs.documents.markup import render_template

    env = environment("ja", templates)
    drafts = []
    total = len(plan.mails)
    for index, mail in enumerate(plan.mails, 1):
        message = EmailMessage(policy=email.policy.SMTP)
        message["To"] = rules.mail.to.value
        if sender:
            message["From"] = sender
        message["Subject"] = subject
        message["Date"] = format_datetime(dt.datetime.combine(date, dt.time(9, 0), dt.timezone(dt.timedelta(hours=9))))
        message["X-Unsent"] = "1"  # Outlook and Thunderbird open it as a draft to send
        body = render_template(env, "mail_body.txt.j2", dict(
            index=index, total=total, attachments=mail.attachments, all_mails=[m.attachments for m in plan.mails],
            transfer=plan.too_large, **body_context))
        message.set_content(body, charset="utf-8")
        for name in mail.attachments:
            mime = MIME_BY_SUFFIX.get(Path(name).suffix.lower()) or mimetypes.guess_type(name)[0] or "application/octet-stream"
            maintype, subtype = mime.split("/", 1)
            message.add_attachment((folder / name).read_bytes(), maintype=maintype, subtype=subtype,
                                   filename=Path(name).name)
        message.set_boundary(f"c3p-docs-{index}-of-{total}")  # fixed, so drafts rebuild byte-identical
        drafts.append(message.as_bytes())
    return drafts


def write_drafts(out_dir: Path, drafts: list[bytes], limit: int, state: OutputState | None = None,
                 prefix: str = "") -> tuple[list[str], list[Finding]]:
    findings = []
    written = []
    for index, data in enumerate(drafts, 1):
        relative = f"{prefix}mail_{index}_of_{len(drafts)}.eml"
        target = out_dir / relative
        if len(data) > limit:
            findings.append(Finding("mail-over-limit", "error", f"the draft is {len(data):,} bytes, over the "
                                    f"{limit:,}-byte limit; report this, and send the files in more mails.",
                                    file=str(target)))
        if state is None:
            write_atomic(target, data)
        else:  # drafts are regenerated from the folder each time: replaced, never kept
            state.write(relative, data, force=True)
        written.append(relative)
    if state is not None:  # drafts of an older plan that we wrote and nobody touched since
        for stale in sorted(out_dir.glob(f"{prefix}mail_*_of_*.eml")):
            relative = stale.relative_to(out_dir).as_posix()
            if relative not in written and relative in state.written and not state.edited_since_written(relative):
                stale.unlink()
                state.forget(relative)
    return written, findings


def sender_address(project) -> str | None:
    """`From:` of the drafts: the project's contact, when it has an e-mail address."""
    if project is None or project.contact is None or not project.contact.email:
        return None
    from email.utils import formataddr

    from c3p_docs.bilingual import pick

    return formataddr((pick(project.contact.name, "ja") or "", project.contact.email))


def body_context(project, rules: CallRules) -> dict:
    """Values the mail body template names; empty where the project does not say."""
    from c3p_docs.bilingual import pick

    contact = project.contact if project else None
    applicant = project.applicant.name if project else None
    return {"applicant_name": (applicant.ja or applicant.en) if applicant else "",
            "contact_name": (pick(contact.name, "ja") if contact else None) or "",
            "contact_department": (pick(contact.department, "ja") if contact else None) or "",
            "contact_phone": (contact.phone if contact else None) or "",
            "contact_email": (contact.email if contact else None) or "",
            "call_name": rules.name.ja, "office": rules.addressee.office.ja}


def draft_date(project, rules: CallRules) -> dt.date:
    """The date the drafts carry: fixed by the input, so they rebuild byte-identical."""
    from c3p_docs.documents.context import document_date

    if project is not None:
        return document_date(project, rules)
    close = rules.deadline("application_close")
    return close.date if close else dt.date(rules.fiscal_year, 4, 1)
