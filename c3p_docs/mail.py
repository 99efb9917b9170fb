"""The 8MB rule computed honestly: base64 sizes, the fewest mails that carry every file, and .eml drafts."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# Per attachment: MIME part headers (Content-Type, Content-Disposition with an RFC 2231 name,
# Content-Transfer-Encoding) and the boundary line, before the file name's own encoding.
PART_OVERHEAD_BYTES = 300


def encoded_size(raw_bytes: int) -> int:
    """Bytes after RFC 2045 base64 with 76-character lines and CRLF: 4⌈n/3⌉ + 2⌈n/57⌉."""
    if raw_bytes <= 0:
        return 0
    return 4 * math.ceil(raw_bytes / 3) + 2 * math.ceil(raw_bytes / 57)


def encoded_name_size(name: str) -> int:
    """A non-ASCII file name is sent percent-encoded (RFC 2231), twice (name and filename): ~3× UTF-8 each."""
    utf8 = len(name.encode("utf-8"))
    return 2 * (utf8 if name.isascii() else 3 * utf8 + 20)


def attachment_cost(name: str, size: int) -> int:
    return encoded_size(size) + PART_OVERHEAD_BYTES + encoded_name_size(name)


@dataclass
class Mail:
    attachments: list[str] = field(default_factory=list)
    encoded_bytes: int = 0

    def as_json(self) -> dict:
        return {"attachments": self.attachments, "encoded_bytes": self.encoded_bytes}


@dataclass
class MailPlan:
    mails: list[Mail]
    too_large: list[str]
    capacity: int
    """Bytes of attachments one mail may carry (limit less the header margin)."""


def plan_mails(files: list[tuple[str, int]], limit_bytes: int, header_margin_bytes: int) -> MailPlan:
    """First-fit decreasing: within 11/9·OPT + 1 mails, and in practice the fewest for a handful of files.

    Files keep their call order inside each mail so a reviewer reads them in sequence.
    """
    capacity = limit_bytes - header_margin_bytes
    order = {name: index for index, (name, _) in enumerate(files)}
    too_large = [name for name, size in files if attachment_cost(name, size) > capacity]
    fitting = sorted(((name, attachment_cost(name, size)) for name, size in files if name not in too_large),
                     key=lambda item: (-item[1], order[item[0]]))
    mails: list[Mail] = []
    for name, cost in fitting:
        target = next((mail for mail in mails if mail.encoded_bytes + cost <= capacity), None)
        if target is None:
            target = Mail()
            mails.append(target)
        target.attachments.append(name)
        target.encoded_bytes += cost
    for mail in mails:
        mail.attachments.sort(key=order.__getitem__)
    mails.sort(key=lambda mail: order[mail.attachments[0]])
    return MailPlan(mails, too_large, capacity)
