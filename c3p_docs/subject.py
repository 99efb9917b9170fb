"""The e-mail subject: made exactly from the call's pattern, and every deviation of a typed one found."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher

from c3p_docs.calls import CallRules
from c3p_docs.eras import fiscal_year_ja
from c3p_docs.findings import Finding, Severity
from c3p_docs.i18n import N_, _, ngettext
from c3p_docs.model import Project


def fill_pattern(pattern: str, values: dict[str, str]) -> str:
    """Put the values of the named placeholders into the profile's pattern, and nothing else: no format
    specs, attributes or positions as `str.format` would evaluate (`{x.__class__}`, `{x:>999999999}`)."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), pattern)


def _city_names(project: Project) -> tuple[str, str]:
    return (project.japanese_city.name.ja or project.japanese_city.name.en or "",
            project.partner_city.name.ja or project.partner_city.name.en or "")


def _values(rules: CallRules, japanese_city: str, partner_city: str) -> dict[str, str]:
    return {"japanese_city": japanese_city, "partner_city": partner_city, "separator": rules.subject.separator,
            "fiscal_year_ja": fiscal_year_ja(rules.fiscal_year)}


def make_subject(project: Project, rules: CallRules) -> str:
    return fill_pattern(rules.subject.pattern, _values(rules, *_city_names(project)))


_DASH_LOOKALIKES = "－ー–—‐‑‒―−﹣ｰ"
_SPACES = " \u3000\t\u00a0"
_KANA = re.compile(r"[\u3041-\u309f\u30a1-\u30fa\u30fd-\u30ff\uff66-\uff9d]")
_EXCERPT_COLUMNS = 60
"""The widest part of a subject the caret line shows: a whole subject (~86 columns) wraps in a terminal."""


@dataclass(frozen=True)
class SubjectFinding(Finding):
    """A problem in a typed subject: where it is (1-based `position` in the typed text), what the call
    expects there and what was `found` ("" when text is missing); as text, the subject with a caret under it."""

    position: int | None = None
    expected: str | None = None
    found: str | None = None
    typed: str | None = field(default=None, repr=False, compare=False)

    def as_json(self) -> dict:
        data = super().as_json()
        data.pop("typed", None)
        return data

    def as_text(self) -> str:
        line = super().as_text()
        if self.typed is None or self.position is None:
            return line
        return "\n".join([line, *caret_lines(self.typed, self.position - 1, len(self.found or ""))])


def _width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def _shown(char: str) -> str:
    """A character as the caret line prints it: invisible ones as their code point."""
    return f"<U+{ord(char):04X}>" if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char


def caret_lines(typed: str, index: int, length: int) -> list[str]:
    """The typed subject (the part around `index` when it is long) and `^` under characters index…index+length;
    one `^` where text is missing (`length` 0)."""
    pieces = [_shown(char) for char in typed]
    widths = [sum(map(_width, piece)) for piece in pieces]
    start, end = index, min(max(index + length, index + 1), len(pieces))
    while sum(widths[start:end]) < _EXCERPT_COLUMNS and (start > 0 or end < len(pieces)):
        if start > 0:
            start -= 1
        if end < len(pieces) and sum(widths[start:end + 1]) <= _EXCERPT_COLUMNS:
            end += 1
        elif start == 0:
            break
    # ASCII dots: "…" is two columns wide in some Japanese consoles and one in others
    before, after = ("..." if start > 0 else ""), ("..." if end < len(pieces) else "")
    offset = len(before) + sum(widths[start:index])
    marks = max(1, sum(widths[index:index + length]))
    return ["    " + before + "".join(pieces[start:end]) + after, "    " + " " * offset + "^" * marks]


def _canonical(text: str) -> str:
    """What a reader sees: full-width and half-width forms alike, every dash the same."""
    text = unicodedata.normalize("NFKC", text)
    return "".join("-" if char in _DASH_LOOKALIKES else char for char in text)


def _named(text: str) -> str:
    """`'ー' (KATAKANA-HIRAGANA PROLONGED SOUND MARK)`: one character with its Unicode name; longer text as it is."""
    if len(text) != 1:
        return repr(text)
    return f"{text!r} ({unicodedata.name(text, f'U+{ord(text):04X}')})"


def _spans(rules: CallRules, japanese_city: str, partner_city: str) -> list[tuple[str, int, int]]:
    """(part, start, end) of each part of the expected subject: `fixed` text or a placeholder's name."""
    values = _values(rules, japanese_city, partner_city)
    spans, offset = [], 0
    for index, piece in enumerate(re.split(r"\{(\w+)\}", rules.subject.pattern)):
        part = piece if index % 2 and piece in values else "fixed"
        text = values[piece] if part != "fixed" else (f"{{{piece}}}" if index % 2 else piece)
        if text:
            spans.append((part, offset, offset + len(text)))
        offset += len(text)
    return spans


_ROLE = {"japanese_city": N_("Japanese city"), "partner_city": N_("partner city")}
_PRIORITY = ("japanese_city", "partner_city", "fiscal_year_ja", "separator", "fixed")


class _Comparison:
    """A typed subject aligned character by character with the one the project makes."""

    def __init__(self, typed: str, expected: str, rules: CallRules, names: tuple[str, str]) -> None:
        self.typed, self.expected, self.rules = typed, expected, rules
        self.spans = _spans(rules, *names)
        self.names = dict(zip(("japanese_city", "partner_city"), names))
        matcher = SequenceMatcher(None, typed, expected, autojunk=False)
        self.opcodes = matcher.get_opcodes()
        self.similarity = matcher.ratio()

    def part(self, j1: int, j2: int) -> tuple[str, int, int]:
        """The part of the expected subject a difference at expected[j1:j2] belongs to (names first)."""
        touched = [span for span in self.spans
                   if (span[1] < j2 and j1 < span[2]) or (j1 == j2 and span[1] <= j1 <= span[2])]
        return min(touched or [("fixed", 0, len(self.expected))], key=lambda span: _PRIORITY.index(span[0]))

    def typed_part(self, start: int, end: int, i1: int, i2: int) -> str:
        """What was typed where expected[start:end] stands, widened to the difference typed[i1:i2]."""
        first, last = i1, i2
        for tag, a1, a2, b1, b2 in self.opcodes:
            if b1 <= start < b2:
                first = min(first, a1 + (start - b1) if tag == "equal" else a1)
            if b1 < end <= b2:
                last = max(last, a1 + (end - b1) if tag == "equal" else a2)
        return self.typed[first:last]

    def findings(self) -> list[SubjectFinding]:
        differences = [op for op in self.opcodes if op[0] != "equal"]
        if len(differences) > 6 or self.similarity < 0.6:
            _tag, i1, i2, j1, j2 = differences[0]
            return [self.finding("subject-format", i1, self.expected[j1:j2], self.typed[i1:i2],
                                 _("does not follow the call's subject; the first difference is at character {at}, and "
                                   "the subject is exactly {subject}.").format(at=i1 + 1, subject=repr(self.expected)))]
        found: list[SubjectFinding] = []
        done_parts: set[tuple[str, int, int]] = set()
        for _tag, i1, i2, j1, j2 in differences:
            typed, wanted = self.typed[i1:i2], self.expected[j1:j2]
            part = self.part(j1, j2)
            if typed and wanted and _canonical(typed) == _canonical(wanted):
                found += self.lookalikes(i1, typed, wanted, part)
            elif typed and not wanted and all(char in _SPACES for char in typed):
                found.append(self.spaces(i1, typed))
            elif typed and not wanted and all(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in typed):
                found.append(self.finding("subject-characters", i1, "", typed, _(
                    "an invisible character {code} at character {at}, probably pasted with the text; delete it.").format(
                    code=f"U+{ord(typed[0]):04X}", at=i1 + 1)))
            elif part[0] in _ROLE:
                if part not in done_parts:
                    found.append(self.name(part, i1, i2, typed, wanted))
                done_parts.add(part)
            elif part[0] == "fiscal_year_ja":
                if part not in done_parts:
                    found.append(self.fiscal_year(part, i1, i2, typed, wanted))
                done_parts.add(part)
            else:
                found.append(self.fixed(part, i1, typed, wanted))
        return found

    def finding(self, code: str, index: int, expected: str, found: str, message: str) -> SubjectFinding:
        return SubjectFinding(code, "error", message, path="subject", position=index + 1, expected=expected,
                              found=found, typed=self.typed)

    def lookalikes(self, i1: int, typed: str, wanted: str, part: tuple[str, int, int]) -> list[SubjectFinding]:
        """A character that looks like the right one: half-width brackets, a dash for the separator, …"""
        pairs = list(zip(typed, wanted)) if len(typed) == len(wanted) else [(typed, wanted)]
        found = []
        for offset, (char, right) in enumerate(pairs):
            if char == right:
                continue
            at = i1 + offset
            if right in "（）" and char in "()":
                message = _("half-width {char} at character {at}; use full-width {right}.").format(
                    char=repr(char), at=at + 1, right=repr(right))
            elif part[0] == "separator":
                message = _("{char} at character {at} stands where the call joins the names with {separator}; write "
                            "{right}.").format(char=_named(char), at=at + 1, separator=_named(right), right=repr(right))
            elif part[0] in _ROLE:
                message = _("{char} at character {at} where the project's {role} {name} has {right}: it looks the same "
                            "but is another character.").format(char=_named(char), at=at + 1, role=_(_ROLE[part[0]]),
                                                                name=repr(self.names[part[0]]), right=_named(right))
            else:
                message = _("{char} at character {at} where the call's text has {right}: it looks the same but is "
                            "another character.").format(char=_named(char), at=at + 1, right=_named(right))
            found.append(self.finding("subject-characters", at, right, char, message))
        return found

    def spaces(self, i1: int, typed: str) -> SubjectFinding:
        what = ngettext("a space", "{count} spaces", len(typed)).format(count=len(typed))
        name = unicodedata.name(typed[0], repr(typed[0]))
        if i1 + len(typed) == len(self.typed):
            message = _("{spaces} ({name}) at the end, at character {at}; the subject ends with {end}.").format(
                spaces=what, name=name, at=i1 + 1, end=repr(self.expected[-2:]))
        elif i1 == 0:
            message = _("{spaces} ({name}) at the start; the subject starts with {start}.").format(
                spaces=what, name=name, start=repr(self.expected[:1]))
        else:
            message = _("{spaces} ({name}) at character {at}; the subject has no spaces.").format(
                spaces=what, name=name, at=i1 + 1)
        return self.finding("subject-characters", i1, "", typed, message)

    def name(self, part: tuple[str, int, int], i1: int, i2: int, typed: str, wanted: str) -> SubjectFinding:
        written = self.typed_part(part[1], part[2], i1, i2)
        fields = {"role": _(_ROLE[part[0]]), "written": repr(written), "name": repr(self.names[part[0]]),
                  "typed": repr(typed), "wanted": repr(wanted), "at": i1 + 1}
        if typed and wanted:
            message = _("the {role} is written {written}; the project's is {name}: {typed} at character {at} should be "
                        "{wanted}.").format(**fields)
        elif wanted:
            message = _("the {role} is written {written}; the project's is {name}: {wanted} is missing at character "
                        "{at}.").format(**fields)
        else:
            message = _("the {role} is written {written}; the project's is {name}: {typed} at character {at} should not "
                        "be there.").format(**fields)
        return self.finding("subject-names", i1, wanted, typed, message)

    def fiscal_year(self, part: tuple[str, int, int], i1: int, i2: int, typed: str, wanted: str) -> SubjectFinding:
        fields = {"written": repr(self.typed_part(part[1], part[2], i1, i2)),
                  "year": repr(self.expected[part[1]:part[2]]), "typed": repr(typed), "wanted": repr(wanted), "at": i1 + 1}
        if typed and wanted:
            message = _("fiscal year written {written}; the call's is {year} (Japanese era, as printed in the call): "
                        "{typed} at character {at} should be {wanted}.").format(**fields)
        elif wanted:
            message = _("fiscal year written {written}; the call's is {year} (Japanese era, as printed in the call): "
                        "{wanted} is missing at character {at}.").format(**fields)
        else:
            message = _("fiscal year written {written}; the call's is {year} (Japanese era, as printed in the call): "
                        "{typed} at character {at} should not be there.").format(**fields)
        return self.finding("subject-fiscal-year", i1, wanted, typed, message)

    def fixed(self, part: tuple[str, int, int], i1: int, typed: str, wanted: str) -> SubjectFinding:
        at = i1 + 1
        if part[0] == "separator" and typed and wanted:
            message = _("{char} at character {at} stands where the call joins the names with {separator}; write "
                        "{right}.").format(char=_named(typed), at=at, separator=_named(wanted), right=repr(wanted))
        elif part[0] == "separator" and wanted:
            message = _("nothing joins the names at character {at}: the call joins them with {separator}.").format(
                at=at, separator=_named(wanted))
        elif typed and wanted:
            message = _("{typed} at character {at} should be {wanted}: the call's text is fixed.").format(
                typed=repr(typed), at=at, wanted=repr(wanted))
        elif wanted:
            message = _("{wanted} is missing at character {at}: the call's text is fixed ({fixed}).").format(
                wanted=repr(wanted), at=at, fixed=repr(self.expected[part[1]:part[2]]))
        else:
            message = _("{typed} at character {at} is not in the call's subject; delete it.").format(
                typed=repr(typed), at=at)
        return self.finding("subject-format", i1, wanted, typed, message)


def _compare(text: str, project: Project, rules: CallRules) -> list[SubjectFinding]:
    """Every difference between `text` and the project's subject, named where it is: a swap of the names
    first, then each character, name, fiscal year or piece of fixed text that differs."""
    japanese_city, partner_city = _city_names(project)
    separator = rules.subject.separator
    right, swapped = f"{japanese_city}{separator}{partner_city}", f"{partner_city}{separator}{japanese_city}"
    findings: list[SubjectFinding] = []
    compared = text
    if japanese_city != partner_city and swapped in text and right not in text:
        at = text.index(swapped)
        findings.append(SubjectFinding(
            "subject-names", "error", _("the names are swapped at character {at}: the Japanese city {japanese} comes "
                                        "first, then the partner city {partner}.").format(
                at=at + 1, japanese=repr(japanese_city), partner=repr(partner_city)), path="subject",
            position=at + 1, expected=right, found=swapped, typed=text))
        compared = text[:at] + right + text[at + len(swapped):]  # the same length: later positions stay true
    comparison = _Comparison(compared, make_subject(project, rules), rules, (japanese_city, partner_city))
    return findings + [replace(finding, typed=text) for finding in comparison.findings()]


def _fixed_parts(rules: CallRules) -> tuple[str, str, str]:
    """(opening, closing-to-fiscal-year, tail) of the pattern, around the two names."""
    pattern = fill_pattern(rules.subject.pattern, {"separator": rules.subject.separator})
    head, rest = pattern.split("{japanese_city}", 1)
    _names, rest = rest.split("{partner_city}", 1)
    closing, tail = rest.split("{fiscal_year_ja}", 1)
    return head, closing, tail


def _check_pattern(text: str, rules: CallRules) -> list[SubjectFinding]:
    """Without the project: the characters, the fixed text and the fiscal year; the names only as far as a
    name may hold any character (ー, even '-'): only what stands where the separator goes is judged."""
    findings: list[SubjectFinding] = []

    def add(code: str, index: int, expected: str | None, found: str | None, message: str,
            severity: Severity = "error") -> None:
        findings.append(SubjectFinding(code, severity, message, path="subject", position=index + 1,
                                       expected=expected, found=found, typed=text))

    kept: list[int] = []  # index in `text` of each character of the normalised text
    for index, char in enumerate(text):
        between_letters = 0 < index < len(text) - 1 and text[index - 1].isascii() and text[index + 1].isascii() \
            and text[index - 1].isalpha() and text[index + 1].isalpha()
        if char in _SPACES and not (char == " " and between_letters):
            add("subject-characters", index, "", char, _("{spaces} ({name}) at character {at}; the subject has no "
                                                         "spaces.").format(
                spaces=ngettext("a space", "{count} spaces", 1).format(count=1),
                name=unicodedata.name(char, repr(char)), at=index + 1))
        elif char in "()":
            full = "（" if char == "(" else "）"
            add("subject-characters", index, full, char, _("half-width {char} at character {at}; use full-width "
                                                           "{right}.").format(char=repr(char), at=index + 1,
                                                                              right=repr(full)))
            kept.append(index)
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            add("subject-characters", index, "", char, _(
                "an invisible character {code} at character {at}, probably pasted with the text; delete it.").format(
                code=f"U+{ord(char):04X}", at=index + 1))
        else:
            kept.append(index)
    normalised = "".join(text[i] for i in kept).replace("(", "（").replace(")", "）")
    head, closing, tail = _fixed_parts(rules)
    era_year = fiscal_year_ja(rules.fiscal_year)
    match = re.fullmatch(re.escape(head) + r"(?P<names>.*?)" + re.escape(closing)
                         + r"(?P<year>.*?年度)" + r"(?P<tail>.*)", normalised)

    def at(group: str) -> int:
        start = match.start(group) if match else 0
        return kept[start] if start < len(kept) else len(text)

    if not match:
        printed = fill_pattern(rules.subject.pattern, {**rules.subject.printed_as, "separator": rules.subject.separator,
                                                       "fiscal_year_ja": era_year})
        findings.append(SubjectFinding("subject-format", "error", _(
            "does not follow the call's pattern {pattern}; `c3p-docs subject make PROJECT.yaml` prints it.").format(
            pattern=repr(printed)), path="subject"))
        return findings
    if match["year"] != era_year:
        add("subject-fiscal-year", at("year"), era_year, match["year"], _(
            "fiscal year written {written} at character {at}; the call's is {year} (Japanese era, as printed in the "
            "call).").format(written=repr(match["year"]), at=at("year") + 1, year=repr(era_year)))
    if match["tail"] != tail:
        add("subject-format", at("tail"), tail, match["tail"], _(
            "the fixed text after the fiscal year is {text}; it must be exactly {tail}.").format(
            text=repr(match["tail"]), tail=repr(tail)))
    names_start = match.start("names")
    _check_separator(match["names"], lambda offset: kept[names_start + offset], rules, add)
    return findings


def _check_separator(names: str, where, rules: CallRules, add) -> None:
    """The separator between two names nobody told us: one is right; none, with one look-alike standing
    where a separator can stand (not a ー after kana, which lengthens the sound), is that look-alike."""
    separator = rules.subject.separator
    count = names.count(separator)
    if count == 1:
        return
    if count > 1:
        add("subject-names", where(0), None, names, _(
            "the part in parentheses {names} holds {count} {separator}: a name may contain one, so which joins the "
            "names is not clear; give --project to check the names.").format(
            names=repr(names), count=count, separator=repr(separator)), severity="info")
        return
    candidates = [index for index, char in enumerate(names) if char in _DASH_LOOKALIKES and 0 < index < len(names) - 1
                  and not (char in "ーｰ" and _KANA.match(names[index - 1]))]
    if len(candidates) == 1:
        index = where(candidates[0])
        add("subject-characters", index, separator, names[candidates[0]], _(
            "{char} at character {at} stands where the call joins the names with {separator}; write {right}.").format(
            char=_named(names[candidates[0]]), at=index + 1, separator=_named(separator), right=repr(separator)))
    else:
        add("subject-format", where(0), separator, "", _(
            "no {separator} joins the two names in {names}: the call writes the Japanese city, {separator}, then the "
            "partner city.").format(separator=repr(separator), names=repr(names)))


def _line_breaks(text: str, found: list[SubjectFinding]) -> list[SubjectFinding]:
    """A line break or other control character wherever the alignment put it: a mail header cannot hold one, so it
    is always named as a character of its own, even when it fell inside a name or the fiscal year."""
    named = {f.position for f in found if f.code == "subject-characters"}
    return [SubjectFinding("subject-characters", "error", _(
        "a line break or control character {code} at character {at}; the subject is one line: delete it.").format(
        code=f"U+{ord(char):04X}", at=index + 1), path="subject",
                           position=index + 1, expected="", found=char, typed=text)
            for index, char in enumerate(text)
            if unicodedata.category(char) in ("Cc", "Zl", "Zp") and index + 1 not in named]


def check_subject(text: str, rules: CallRules, project: Project | None = None) -> list[Finding]:
    """Every way `text` differs from the call's subject, each named with its position."""
    if project is not None and text == make_subject(project, rules):
        return []
    found = _compare(text, project, rules) if project is not None else _check_pattern(text, rules)
    if project is not None:
        found = _line_breaks(text, found) + found
    findings: list[Finding] = []
    for finding in found:
        if rules.subject.assumed and finding.code != "subject-characters":
            finding = replace(finding, message=_("{message} ({call} prints no subject: the pattern is "
                                                 "{source})").format(message=finding.message, call=rules.id,
                                                                     source=rules.subject.cited()))
        findings.append(finding)
    return findings
