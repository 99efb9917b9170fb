"""The e-mail subject: made exactly from the call's pattern, and every deviation of a typed one found."""

from __future__ import annotations

import re
import unicodedata

from c3p_docs.calls import CallRules
from c3p_docs.eras import fiscal_year_ja
from c3p_docs.findings import Finding
from c3p_docs.model import Project


def fill_pattern(pattern: str, values: dict[str, str]) -> str:
    """Put the values of the named placeholders into the profile's pattern, and nothing else: no format
    specs, attributes or positions as `str.format` would evaluate (`{x.__class__}`, `{x:>999999999}`)."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), pattern)


def make_subject(project: Project, rules: CallRules) -> str:
    japanese_city = project.japanese_city.name.ja or project.japanese_city.name.en or ""
    partner_city = project.partner_city.name.ja or project.partner_city.name.en or ""
    return fill_pattern(rules.subject.pattern, {"japanese_city": japanese_city, "partner_city": partner_city,
                                                "separator": rules.subject.separator,
                                                "fiscal_year_ja": fiscal_year_ja(rules.fiscal_year)})


_DASH_LOOKALIKES = "－ー–—‐‑‒―−﹣ｰ"
_SPACES = " \u3000\t\u00a0"


def _fixed_parts(rules: CallRules) -> tuple[str, str, str]:
    """(opening, closing-to-fiscal-year, tail) of the pattern, around the two names."""
    pattern = fill_pattern(rules.subject.pattern, {"separator": rules.subject.separator})
    head, rest = pattern.split("{japanese_city}", 1)
    _, rest = rest.split("{partner_city}", 1)
    closing, tail = rest.split("{fiscal_year_ja}", 1)
    return head, closing, tail


def check_subject(text: str, rules: CallRules, project: Project | None = None) -> list[Finding]:
    """Every way `text` differs from the call's subject, each named with its position."""
    findings: list[Finding] = []
    expected = make_subject(project, rules) if project else None
    if expected is not None and text == expected:
        return findings

    def add(code: str, message: str) -> None:
        if rules.subject.assumed and code != "subject-characters":
            message += f" ({rules.id} prints no subject: the pattern is {rules.subject.cited()})"
        findings.append(Finding(code, "error", message, path="subject"))

    for index, char in enumerate(text):
        if char in _SPACES:
            add("subject-characters", f"a space ({unicodedata.name(char, repr(char))}) at character "
                f"{index + 1}; the subject has no spaces.")
        elif char in "()":
            add("subject-characters", f"half-width {char!r} at character {index + 1}; use full-width "
                f"{'（' if char == '(' else '）'}.")
        elif char in _DASH_LOOKALIKES:
            add("subject-characters", f"{char!r} ({unicodedata.name(char, 'unknown')}) at character {index + 1}; "
                f"the call joins the names with {rules.subject.separator!r} (HYPHEN-MINUS).")
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            add("subject-characters", f"an invisible control character U+{ord(char):04X} at character {index + 1}.")
    normalised = text
    for char in _SPACES:
        normalised = normalised.replace(char, "")
    normalised = normalised.replace("(", "（").replace(")", "）")
    for char in _DASH_LOOKALIKES:
        normalised = normalised.replace(char, rules.subject.separator)

    head, closing, tail = _fixed_parts(rules)
    era_year = fiscal_year_ja(rules.fiscal_year)
    match = re.fullmatch(re.escape(head) + r"(?P<names>.*?)" + re.escape(closing)
                         + r"(?P<year>.*?年度)" + r"(?P<tail>.*)", normalised)
    if not match:
        printed = fill_pattern(rules.subject.pattern, {**rules.subject.printed_as, "separator": rules.subject.separator,
                                                       "fiscal_year_ja": era_year})
        hint = f"expected {expected!r}." if expected else "`c3p-docs subject make PROJECT.yaml` prints it."
        add("subject-format", f"does not follow the call's pattern {printed!r}; {hint}")
        return findings
    if match["year"] != era_year:
        add("subject-fiscal-year", f"fiscal year written {match['year']!r}; the call's is {era_year!r} "
            "(Japanese era, as printed in the call).")
    if match["tail"] != tail:
        add("subject-format", f"the fixed text after the fiscal year is {match['tail']!r}; it must be "
            f"exactly {tail!r}.")
    names = match["names"]
    separator = rules.subject.separator
    if project is not None:
        japanese_city = project.japanese_city.name.ja or project.japanese_city.name.en or ""
        partner_city = project.partner_city.name.ja or project.partner_city.name.en or ""
        if names == f"{japanese_city}{separator}{partner_city}":
            names = None  # exactly the project's names, even when a name holds the separator itself
        elif names == f"{partner_city}{separator}{japanese_city}":
            add("subject-names", f"the names are swapped: the Japanese city {japanese_city!r} comes first, "
                f"then the partner city {partner_city!r}.")
            names = None
    if names is None:
        pass
    elif names.count(separator) != 1:
        add("subject-format", f"the part in parentheses {names!r} must be two names joined by one {separator!r}.")
    elif project is not None:
        given_city, given_partner = names.split(separator)
        if given_city != japanese_city:
            add("subject-names", f"Japanese city written {given_city!r}; the project's is {japanese_city!r}.")
        if given_partner != partner_city:
            add("subject-names", f"partner city written {given_partner!r}; the project's is {partner_city!r}.")
    if findings and expected and not any(f.code != "subject-characters" for f in findings) and normalised != expected:
        add("subject-format", f"expected exactly {expected!r}.")
    return findings
