"""Reading a CSV ledger of actual costs as Excel writes it (UTF-8, UTF-8 with BOM, Shift_JIS), every field's
position kept, so a bad line is named as FILE:LINE:COLUMN."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from c3p_docs.errors import InputError, UsageError
from c3p_docs.findings import Finding
from c3p_docs.i18n import N_, _
from c3p_docs.model import MAX_YEN

COLUMNS = ("date", "category", "description", "amount_jpy")
REQUIRED = ("date", "category", "amount_jpy")
MAX_LEDGER_BYTES = 5_000_000
"""A ledger of MAX_LEDGER_LINES lines with long descriptions is ~4 MB; the workbook lists every byte of it."""
MAX_LEDGER_LINES = 20_000
"""Payment lines one settlement lists: a year of a C3P project has hundreds, a busy one a few thousand. The
workbook's ledger sheet is rendered line by line within the template time budget (sandbox.TIME_BUDGET_SECONDS),
which 20,000 lines stay well inside; a longer ledger is refused before anything is rendered."""
MAX_IGNORED_SHOWN = 20
MAX_PROBLEMS = 50


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One payment as the ledger gives it; `category` is the raw text (the settlement maps it to a budget category)."""

    line: int
    date: dt.date
    category: str
    category_column: int
    description: str
    amount_jpy: int


@dataclass(frozen=True)
class LedgerProblem:
    """A line the ledger cannot be read past: FILE:LINE:COLUMN: message."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class LedgerError(InputError):
    """Raised by `read_ledger` when lines are malformed; nothing may be written from such a ledger."""

    exit_code = 1

    def __init__(self, problems: list[LedgerProblem]) -> None:
        file = problems[0].file
        lines = len({problem.line for problem in problems})
        super().__init__(_("{file}: {lines} malformed line(s); nothing was written. Fix them and run again.").format(
            file=file, lines=lines))
        self.problems = problems


@dataclass
class Ledger:
    lines: list[LedgerLine]
    encoding: str
    """`utf-8`, `utf-8-sig` (with the BOM Excel writes), `cp932` (Shift_JIS) or `utf-16`."""
    ignored_columns: list[str]
    findings: list[Finding] = field(default_factory=list)
    """Notes on what was cleaned while reading (control characters), each at its FILE:LINE:COLUMN."""


def decode(raw: bytes, file: str, what: str = N_("ledger")) -> tuple[str, str]:
    """The text and the encoding it was read in: UTF-16 or UTF-8 by their BOM, UTF-8, else Shift_JIS (cp932)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as error:
            raise _undecodable(raw[3:], error.start, file, what) from None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return raw.decode("cp932"), "cp932"
        except UnicodeDecodeError:
            raise _undecodable(raw, utf8_error.start, file, what) from None


def _undecodable(raw: bytes, offset: int, file: str, what: str) -> InputError:
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return InputError(_("{where}: the {what} is neither UTF-8 nor Shift_JIS text. Save it as UTF-8 (in Excel: "
                        "\"CSV UTF-8 (comma delimited)\").").format(where=f"{file}:{line}:{column}", what=_(what)))


def split_records(text: str, delimiter: str) -> list[list[tuple[str, int, int]]]:
    """RFC 4180 records, each field with the line and column it starts at (quoted fields may span lines)."""
    return list(iter_records(text, delimiter))


def iter_records(text: str, delimiter: str) -> Iterator[list[tuple[str, int, int]]]:
    """`split_records` one record at a time, in time linear in the text (a field is matched whole, not read a
    character at a time): a quote opens a quoted field only at a field's start, `""` inside one is a quote, text
    after its closing quote joins it, an unclosed one runs to the end; CR LF, LF or CR end a record."""
    plain = re.compile(f"[^{re.escape(delimiter)}\r\n]*")
    quoted = re.compile(r'"((?:[^"]|"")*)("?)')
    position, length = 0, len(text)
    line, line_start = 1, 0
    while position < length:
        fields: list[tuple[str, int, int]] = []
        while True:
            start = (line, position - line_start + 1)
            if text.startswith('"', position):
                match = quoted.match(text, position)
                assert match is not None  # the pattern matches any text after a quote
                value = match.group(1).replace('""', '"')
                breaks = match.group(1).count("\n")
                if breaks:
                    line += breaks
                    line_start = match.start(1) + match.group(1).rfind("\n") + 1
                position = match.end()
                if match.group(2):  # closed: what follows up to the delimiter belongs to the field
                    rest = plain.match(text, position)
                    assert rest is not None
                    value += rest.group()
                    position = rest.end()
            else:
                match = plain.match(text, position)
                assert match is not None
                value, position = match.group(), match.end()
            fields.append((value, *start))
            if position < length and text[position] == delimiter:
                position += 1
                continue
            break
        if position >= length and len(fields) == 1 and not fields[0][0]:
            return  # nothing after the last line break (not even an empty quoted field) is no record
        if text.startswith("\r\n", position):
            position += 2
        elif position < length:
            position += 1  # LF or CR
        line, line_start = line + 1, position
        yield fields


def _delimiter(header_line: str) -> str:
    """Comma, unless the header has none and is split by tabs or semicolons (other Excel exports)."""
    if "," in header_line:
        return ","
    for candidate in ("\t", ";"):
        if candidate in header_line:
            return candidate
    return ","


def parse_amount(text: str) -> int | None:
    """`12,345`, `¥12,345`, `12345円`, full-width digits, `12345.0` → 12345; anything else → None."""
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(",", "").replace(" ", "")
    cleaned = cleaned.removeprefix("¥").removeprefix("\\").removesuffix("円")
    match = re.fullmatch(r"(-?\d+)(?:\.0+)?", cleaned)
    return int(match.group(1)) if match else None


def parse_day(text: str) -> dt.date | None:
    """`2026-07-13` or `2026/7/13` (as Japanese Excel writes dates) → a date; anything else → None."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", cleaned)
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


@dataclass
class CsvTable:
    """A CSV file read as Excel writes it: the header's columns, and each record's fields with their positions."""

    file: str
    encoding: str
    header: list[tuple[str, int, int]]
    position: dict[str, int]
    """Known column → its index."""
    ignored: list[str]
    """Columns of the header that are not known (the first MAX_IGNORED_SHOWN, then how many more)."""
    records: Iterator[list[tuple[str, int, int]]]
    """The records after the header, blank ones left out, read as they are asked for: (text, line, column) per field."""
    findings: list[Finding] = field(default_factory=list)
    """Notes on what was cleaned while reading (control characters), each at its FILE:LINE:COLUMN."""

    def width_problem(self, record: list[tuple[str, int, int]]) -> LedgerProblem | None:
        """A record with more or fewer fields than the header, where it goes wrong."""
        width = len(self.header)
        if len(record) > width:
            extra = record[width]
            return LedgerProblem(self.file, extra[1], extra[2], _(
                "{count} fields but the header has {width}; quote text that contains commas (\"…\").").format(
                count=len(record), width=width))
        if len(record) < width:
            last = record[-1]
            return LedgerProblem(self.file, last[1], last[2] + len(last[0]), _(
                "{count} fields but the header has {width}; a column is missing.").format(count=len(record), width=width))
        return None

    def day(self, record: list[tuple[str, int, int]], problems: list[LedgerProblem]) -> dt.date | None:
        """The record's `date` column as a day, or None with the problem (its line and column) added."""
        text, line, column = record[self.position["date"]]
        day = parse_day(text)
        if day is None:
            problems.append(LedgerProblem(self.file, line, column, _(
                "date {text} is not a date; write YYYY-MM-DD (or YYYY/MM/DD).").format(text=repr(text.strip()))))
        return day


def read_csv_table(path: Path, what: str, columns: tuple[str, ...], required: tuple[str, ...],
                   max_bytes: int = MAX_LEDGER_BYTES) -> CsvTable:
    """A CSV whose first line names `columns` (in English, any order, others ignored), read in time linear in its
    size, control characters removed and noted; LedgerError for an empty file or a missing or doubled column,
    InputError when it is not text or over `max_bytes`."""
    from c3p_docs.loading import read_limited

    file = str(path)
    if not path.exists() and not path.is_symlink():
        raise UsageError(_("{file}: no such {what} file.").format(file=path, what=_(what)))
    text, encoding = decode(read_limited(path, what, max_bytes), file, what)
    text, cleaned = _without_controls(text, file)
    records = (r for r in iter_records(text, _delimiter(text[:text.find("\n")] if "\n" in text else text))
               if any(value.strip() for value, _line, _column in r))
    header = next(records, None)
    if header is None:
        raise LedgerError([LedgerProblem(file, 1, 1, _("the {what} is empty; the first line names the columns "
                                                       "{columns}.").format(what=_(what), columns=", ".join(columns)))])
    position, problems = _columns(header, file, columns, required)
    if problems:
        raise LedgerError(problems)
    names = [unicodedata.normalize("NFKC", value).strip().lower() for value, _line, _column in header]
    ignored = [value for value, name in zip((v for v, _line, _column in header), names) if name not in columns and name]
    if len(ignored) > MAX_IGNORED_SHOWN:  # a header of 100,000 columns is named by its first few
        ignored = ignored[:MAX_IGNORED_SHOWN] + [_("and {count:,} more").format(count=len(ignored) - MAX_IGNORED_SHOWN)]
    return CsvTable(file, encoding, header, position, ignored, records, cleaned)


def read_ledger(path: Path, categories: Mapping[str, str] | None = None) -> Ledger:
    """Every line of the ledger, or LedgerError naming each malformed one; InputError when it is not text or longer
    than MAX_LEDGER_LINES. With `categories` (settlement.category_names), a malformed line also names a category
    the budget does not know, so one run reports everything wrong with it (a well-formed line with an unknown
    category is the settlement's to question)."""
    table = read_csv_table(path, N_("CSV ledger"), COLUMNS, REQUIRED)
    problems: list[LedgerProblem] = []
    lines: list[LedgerLine] = []
    for count, record in enumerate(table.records, 1):
        if count > MAX_LEDGER_LINES:
            raise InputError(_("{where}: more than {count:,} payment lines, the most one settlement workbook lists (a "
                               "year has a few thousand at most). Sum small payments into one line per day and "
                               "category.").format(where=f"{table.file}:{record[0][1]}", count=MAX_LEDGER_LINES))
        entry = _entry(record, table, categories, problems)
        if entry is not None and not problems:
            lines.append(entry)
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise LedgerError(problems)
    return Ledger(lines, table.encoding, table.ignored, table.findings)


def _columns(header: list[tuple[str, int, int]], file: str, columns: tuple[str, ...],
             required: tuple[str, ...]) -> tuple[dict[str, int], list[LedgerProblem]]:
    """Where each known column is, and what is wrong with the header (a column missing or given twice)."""
    position: dict[str, int] = {}
    problems: list[LedgerProblem] = []
    names = []
    for number, (value, line, column) in enumerate(header):
        name = unicodedata.normalize("NFKC", value).strip().lower()
        names.append(name)
        if name in columns:
            if name in position:
                problems.append(LedgerProblem(file, line, column, _("column {name} appears twice.").format(
                    name=repr(name))))
            else:
                position[name] = number
    for wanted in required:
        if wanted not in position:
            import difflib

            close = difflib.get_close_matches(wanted, dict.fromkeys(n for n in names if n), n=1, cutoff=0.6)
            problems.insert(0, LedgerProblem(file, header[0][1], 1, (
                _("no column {name} ({close} looks like it); the first line must name the columns {columns} (in "
                  "English, any order).") if close else
                _("no column {name}; the first line must name the columns {columns} (in English, any order).")).format(
                name=repr(wanted), close=repr(close[0]) if close else "", columns=", ".join(columns))))
    return position, problems


def _entry(record: list[tuple[str, int, int]], table: CsvTable, categories: Mapping[str, str] | None,
           problems: list[LedgerProblem]) -> LedgerLine | None:
    """One payment line, or None with what is wrong with it added to `problems` (all of it, not the first)."""
    line, file, position = record[0][1], table.file, table.position
    width = table.width_problem(record)
    if width is not None:
        problems.append(width)
        return None
    found = len(problems)
    day = table.day(record, problems)
    category_text, _line, category_column = record[position["category"]]
    amount_text, amount_line, amount_column = record[position["amount_jpy"]]
    amount = parse_amount(amount_text)
    if amount is None:
        problems.append(LedgerProblem(file, amount_line, amount_column, _(
            "amount_jpy {text} is not a whole number of yen (e.g. 12345 or 12,345).").format(
            text=repr(amount_text.strip()))))
    elif not 0 <= amount <= MAX_YEN:
        problems.append(LedgerProblem(file, amount_line, amount_column, _(
            "amount_jpy {amount:,} is out of range; enter payments as positive amounts before consumption tax.").format(
            amount=amount)))
    if not category_text.strip():
        problems.append(LedgerProblem(file, line, category_column, _("category is empty.")))
    elif len(problems) > found and categories is not None:
        from c3p_docs.settlement import classify

        if classify(category_text, categories) is None:
            problems.insert(found + (day is None), LedgerProblem(
                file, line, category_column, _(
                    "category {text} is none of the budget's categories; use an id such as overseas_travel or its name "
                    "such as 外国旅費 / Overseas travel.").format(text=repr(category_text.strip()))))
    if len(problems) > found or day is None or amount is None:
        return None
    description = record[position["description"]][0].strip() if "description" in position else ""
    return LedgerLine(line, day, category_text.strip(), category_column, description, amount)


def _without_controls(text: str, file: str) -> tuple[str, list[Finding]]:
    """The text without the control characters no document may hold (`\\v`, NUL, ESC, pasted from other programs),
    each line that had any noted once, as the project loader does."""
    from c3p_docs.loading import _UNWRITABLE

    if not _UNWRITABLE.search(text):
        return text, []
    found: dict[int, tuple[int, set[str]]] = {}
    line, line_start, counted = 1, 0, 0
    for match in _UNWRITABLE.finditer(text):
        start = match.start()
        line += text.count("\n", counted, start)
        newline = text.rfind("\n", counted, start)
        line_start, counted = (newline + 1 if newline >= 0 else line_start), start
        column, codes = found.setdefault(line, (start - line_start + 1, set()))
        codes.add(f"U+{ord(match.group()):04X}")
    notes = [Finding("ledger-control-characters", "info", _(
        "removed invisible control characters ({codes}), probably pasted from another program; check the line reads "
        "as intended.").format(codes=", ".join(sorted(codes))), file=file, line=line, column=column)
        for line, (column, codes) in found.items()]
    return _UNWRITABLE.sub("", text), notes
