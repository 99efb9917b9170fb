"""Write the planned mails as .eml drafts: the exact subject, the call's address, the files attached."""

from __future__ import annotations

import datetime as dt
import email.policy
import mimetypes
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from c3p_docs.calls import CallRules
from c3p_docs.errors import RulesBroken
from c3p_docs.findings import Finding
from c3p_docs.i18n import N_, _
from c3p_docs.jinja_env import environment
from c3p_docs.loading import read_limited
from c3p_docs.mail import MailPlan
from c3p_docs.output import write_atomic

# Every character Python's str.splitlines() breaks at: the email package folds headers with it, so any of
# them in a header value ends the header there (a ValueError, or a header injected after it).
LINE_BREAKS = "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"


class HeaderRefused(RulesBroken):
    """Raised by the draft writer for a header value with a line break (`header` names which)."""

    def __init__(self, message: str, header: str) -> None:
        super().__init__(message)
        self.header = header


def checked_header(name: str, value: str) -> str:
    """`value` for the header `name`, refused (HeaderRefused) when it holds a line break of any kind."""
    for index, char in enumerate(value):
        if char in LINE_BREAKS:
            raise HeaderRefused(_("the mail's {header} holds a line break ({code}) at character {at}; a header is one "
                                  "line. No draft was written: remove it from the {header}.").format(
                header=_(name), code=f"U+{ord(char):04X}", at=index + 1), name)
    return value


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
        message["To"] = checked_header("To", rules.mail.to.value)
        if sender:
            message["From"] = checked_header("From", sender)
        message["Subject"] = checked_header(N_("subject"), subject)
        message["Date"] = format_datetime(dt.datetime.combine(date, dt.time(9, 0), dt.timezone(dt.timedelta(hours=9))))
        message["X-Unsent"] = "1"  # Outlook and Thunderbird open it as a draft to send
        body = render_template(env, "mail_body.txt.j2", dict(
            index=index, total=total, attachments=mail.attachments, all_mails=[m.attachments for m in plan.mails],
            transfer=plan.too_large, **body_context))
        message.set_content(body, charset="utf-8")
        for name in mail.attachments:
            mime = MIME_BY_SUFFIX.get(Path(name).suffix.lower()) or mimetypes.guess_type(name)[0] or "application/octet-stream"
            maintype, subtype = mime.split("/", 1)
            data = read_limited(folder / name, N_("attachment"), rules.mail.limit_bytes.value)
            message.add_attachment(data, maintype=maintype, subtype=subtype,
                                   filename=checked_header(N_("attachment's file name"), Path(name).name))
        message.set_boundary(f"c3p-docs-{index}-of-{total}")  # fixed, so drafts rebuild byte-identical
        drafts.append(message.as_bytes())
    return drafts


def draft_names(count: int, folder: str = "", prefix: str = "") -> list[str]:
    """`mail_1_of_2.eml`, …: one name per draft; `prefix` DRAFT_ marks drafts of a package that breaks a rule."""
    return [f"{folder}{prefix}mail_{index}_of_{count}.eml" for index in range(1, count + 1)]


def oversized_drafts(drafts: list[bytes], targets: list[Path], limit: int) -> list[Finding]:
    """A draft over the limit means our plan was wrong: say so rather than send it."""
    return [Finding("mail-over-limit", "error", _("the draft is {size:,} bytes, over the {limit:,}-byte limit; report "
                                                  "this, and send the files in more mails.").format(
        size=len(data), limit=limit), file=str(target))
            for data, target in zip(drafts, targets) if len(data) > limit]


def write_drafts(out_dir: Path, drafts: list[bytes], limit: int, draft: bool = False) -> tuple[list[str], list[Finding]]:
    """Write the drafts into `out_dir` (check-package --write-mail); build writes its own through the pipeline.
    `draft`: written although the package or the project has errors (--drafts-anyway), so every file name says
    DRAFT and nobody sends one by mistake; the subject inside stays exact."""
    names = draft_names(len(drafts), prefix="DRAFT_" if draft else "")
    for name, data in zip(names, drafts):
        write_atomic(out_dir / name, data)
    return names, oversized_drafts(drafts, [out_dir / name for name in names], limit)


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
