"""The question mail to the ministry (R6-2 §9): the call's subject and address, the question, and the five items
[1] organisation [2] department/title [3] person [4] phone [5] e-mail from the project."""

from __future__ import annotations

import datetime as dt
import email.policy
import hashlib
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path

from c3p_docs.bilingual import pick
from c3p_docs.calls import cite
from c3p_docs.errors import InputError, UsageError
from c3p_docs.findings import Finding
from c3p_docs.i18n import N_, _
from c3p_docs.project import LoadedProject

MAX_QUESTION_BYTES = 200_000
"""A question of a few pages; a larger file is not a question."""
JST = dt.timezone(dt.timedelta(hours=9))
# The five items of R6-2 §9 in order, each with the project field it comes from.
ITEMS = (("organisation", ("applicant", "name")), ("department", ("contact", "department")),
         ("person", ("contact", "name")), ("phone", ("contact", "phone")), ("email", ("contact", "email")))
ITEM_NAMES = {"organisation": N_("[1] organisation"), "department": N_("[2] department/title"),
              "person": N_("[3] person"), "phone": N_("[4] phone number"), "email": N_("[5] e-mail address")}


@dataclass
class Inquiry:
    """The .eml draft and what it still lacks."""

    relative: str
    data: bytes
    findings: list[Finding]


def read_question(path: Path) -> str:
    """The question text of a UTF-8 or Shift_JIS file (as Notepad or Excel save it), line ends made LF."""
    from c3p_docs.ledger import decode
    from c3p_docs.loading import read_limited

    raw = read_limited(path, N_("question file"), MAX_QUESTION_BYTES)
    if len(raw) > MAX_QUESTION_BYTES:
        raise InputError(_("{file}: more than {limit:,} bytes; a question mail holds a question, not a document. "
                           "Shorten it, or ask the ministry how to send the document.").format(
            file=path, limit=MAX_QUESTION_BYTES))
    text, _encoding = decode(raw, str(path), N_("question file"))
    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    bad = re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise InputError(_("{where}: a control character ({code}) is not text; save the question as plain "
                           "text.").format(where=f"{path}:{line}:{column}", code=f"U+{ord(bad.group()):04X}"))
    text = "\n".join(line.rstrip() for line in text.strip("\n").split("\n")).strip()
    if not text:
        raise UsageError(_("{file}: the question file is empty; write the question in it (plain text, UTF-8 or "
                           "Shift_JIS).").format(file=path))
    return text


def _items(loaded: LoadedProject) -> dict[str, str | None]:
    project = loaded.project
    contact = project.contact
    return {"organisation": pick(project.applicant.name, "ja"),
            "department": pick(contact.department, "ja") if contact else None,
            "person": pick(contact.name, "ja") if contact else None,
            "phone": contact.phone if contact else None,
            "email": contact.email if contact else None}


def inquiry(loaded: LoadedProject, question: str, day: dt.date, templates: str | None = None) -> Inquiry:
    """The question mail as an .eml draft (To: the call's address, the call's inquiry subject), its name, and a
    warning for each of the five items the project does not give (the body shows the placeholder there)."""
    from c3p_docs.checks import where_to_add
    from c3p_docs.documents.markup import render_template
    from c3p_docs.jinja_env import environment
    from c3p_docs.strings import strings

    rules = loaded.rules
    if rules.mail.inquiry_subject is None:
        raise UsageError(_("the call profile {call} has no inquiry subject (mail.inquiry_subject); add it with the "
                           "call's words and their source.").format(call=rules.id))
    placeholder = strings("ja", templates)["placeholder"]
    items = _items(loaded)
    findings = []
    for name, path in ITEMS:
        if not items[name]:
            add = where_to_add(loaded, path)
            findings.append(loaded.source.finding(
                "incomplete", "warning", path, _("the inquiry's {item} ({source}) is missing, so the mail shows "
                                                 "{placeholder}: {todo}, or type it into the mail before "
                                                 "sending.").format(
                    item=_(ITEM_NAMES[name]), source=cite("R6-2 §9"), placeholder=placeholder,
                    todo=add or _("fill it in"))))
    findings += _deadline_findings(loaded, day)
    body = render_template(environment("ja", templates), "inquiry_body.txt.j2", {
        "office": rules.addressee.office.ja, "call_name": rules.name.ja, "question": question,
        **{name: value or placeholder for name, value in items.items()}})
    message = EmailMessage(policy=email.policy.SMTP)
    message["To"] = rules.mail.to.value
    if items["email"]:
        message["From"] = formataddr((items["person"] or "", items["email"]))
    message["Subject"] = rules.mail.inquiry_subject.value
    message["Date"] = format_datetime(dt.datetime.combine(day, dt.time(9, 0), JST))
    message["X-Unsent"] = "1"  # Outlook and Thunderbird open it as a draft to send
    message.set_content(body, charset="utf-8")
    digest = hashlib.sha256(question.encode("utf-8")).hexdigest()[:6]
    return Inquiry(f"inquiry_{day:%Y%m%d}_{digest}.eml", message.as_bytes(), findings)


def _deadline_findings(loaded: LoadedProject, day: dt.date) -> list[Finding]:
    """A question after the call's question deadline may go unanswered: say so, with the date and its source."""
    rules = loaded.rules
    closes = rules.deadline("questions_close")
    if closes is None or day <= closes.date:
        return []
    return [Finding("questions-closed", "warning",
                    _("the call took questions until {date} ({call} · {source}); a question sent on {day} may not be "
                      "answered.").format(date=closes.date, call=rules.id, source=cite(closes.source), day=day))]
