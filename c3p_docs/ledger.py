"""Reading a CSV ledger of actual costs as Excel writes it (UTF-8, UTF-8 with BOM, Shift_JIS), every field's
position kept, so a bad line is named as FILE:LINE:COLUMN."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from c3p_docs.errors import InputError, UsageError
from c3p_docs.model import MAX_YEN

COLUMNS = ("date", "category", "description", "amount_jpy")
REQUIRED = ("date", "category", "amount_jpy")
MAX_LEDGER_BYTES = 20_000_000
MAX_PROBLEMS = 50


@dataclass(frozen=True)
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
        super().__init__(f"{file}: {len(problems)} malformed line(s); nothing was written. Fix them and run again.")
        self.problems = problems


@dataclass
class Ledger:
    lines: list[LedgerLine]
    encoding: str
    """`utf-8`, `utf-8-sig` (with the BOM Excel writes), `cp932` (Shift_JIS) or `utf-16`."""
    ignored_columns: list[str]


def decode(raw: bytes, file: str, what: str = "ledger") -> tuple[str, str]:
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
    return InputError(f"{file}:{line}:{column}: the {what} is neither UTF-8 nor Shift_JIS text. Save it as UTF-8 (in "
                      "Excel: \"CSV UTF-8 (comma delimited)\").")


def split_records(text: str, delimiter: str) -> list[list[tuple[str, int, int]]]:
    """RFC 4180 records, each field with the line and column it starts at (quoted fields may span lines)."""
    records: list[list[tuple[str, int, int]]] = []
    fields: list[tuple[str, int, int]] = []
    value: list[str] = []
    line, column = 1, 1
    start = (1, 1)
    quoted = False
    at_field_start = True
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if quoted:
            if char == '"':
                if index + 1 < length and text[index + 1] == '"':
                    value.append('"')
                    index += 1
                    column += 1
                else:
                    quoted = False
            else:
                value.append(char)
                if char == "\n":
                    line, column = line + 1, 0
        elif char == '"' and at_field_start:
            quoted = True
        elif char == delimiter:
            fields.append(("".join(value), *start))
            value = []
            start = (line, column + 1)
            at_field_start = True
            index += 1
            column += 1
            continue
        elif char in "\r\n":
            if char == "\r" and index + 1 < length and text[index + 1] == "\n":
                index += 1
            fields.append(("".join(value), *start))
            records.append(fields)
            fields, value = [], []
            line, column = line + 1, 1
            start = (line, 1)
            at_field_start = True
            index += 1
            continue
        else:
            value.append(char)
        at_field_start = False
        index += 1
        column += 1
    if value or fields:
        fields.append(("".join(value), *start))
        records.append(fields)
    return records


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
    """Columns of the header that are not known."""
    records: list[list[tuple[str, int, int]]]
    """The records after the header, blank ones left out: (text, line, column) per field."""

    def width_problem(self, record: list[tuple[str, int, int]]) -> LedgerProblem | None:
        """A record with more or fewer fields than the header, where it goes wrong."""
        if len(record) > len(self.header):
            extra = record[len(self.header)]
            return LedgerProblem(self.file, extra[1], extra[2], f"{len(record)} fields but the header has "
                                 f"{len(self.header)}; quote text that contains commas (\"…\").")
        if len(record) < len(self.header):
            last = record[-1]
            return LedgerProblem(self.file, last[1], last[2] + len(last[0]), f"{len(record)} fields but the header "
                                 f"has {len(self.header)}; a column is missing.")
        return None


def read_csv_table(path: Path, what: str, columns: tuple[str, ...], required: tuple[str, ...],
                   max_bytes: int = MAX_LEDGER_BYTES) -> CsvTable:
    """The records of a CSV whose first line names `columns` (in English, any order, others ignored); LedgerError
    for an empty file, a missing or doubled column; InputError when it is not text."""
    from c3p_docs.loading import read_limited

    file = str(path)
    if not path.exists() and not path.is_symlink():
        raise UsageError(f"{path}: no such {what} file.")
    text, encoding = decode(read_limited(path, what, max_bytes), file, what)
    records = [r for r in split_records(text, _delimiter(text.split("\n", 1)[0]))
               if any(value.strip() for value, _, _ in r)]
    if not records:
        raise LedgerError([LedgerProblem(file, 1, 1, f"the {what} is empty; the first line names the columns "
                                                     f"{', '.join(columns)}.")])
    header = records[0]
    names = [unicodedata.normalize("NFKC", value).strip().lower() for value, _, _ in header]
    problems: list[LedgerProblem] = []
    for column in required:
        if column not in names:
            import difflib

            close = difflib.get_close_matches(column, names, n=1, cutoff=0.6)
            hint = f" ({close[0]!r} looks like it)" if close else ""
            problems.append(LedgerProblem(file, header[0][1], 1, f"no column {column!r}{hint}; the first line must "
                                          f"name the columns {', '.join(columns)} (in English, any order)."))
    for number, name in enumerate(names):
        if names.index(name) != number and name in columns:
            problems.append(LedgerProblem(file, header[number][1], header[number][2], f"column {name!r} appears twice."))
    if problems:
        raise LedgerError(problems)
    position = {name: names.index(name) for name in columns if name in names}
    ignored = [value for value, name in zip((v for v, _, _ in header), names) if name not in columns and name]
    return CsvTable(file, encoding, header, position, ignored, records[1:])


def read_ledger(path: Path) -> Ledger:
    """Every line of the ledger, or LedgerError naming each malformed one; InputError when it is not text."""
    table = read_csv_table(path, "ledger", COLUMNS, REQUIRED)
    file, position = table.file, table.position
    problems: list[LedgerProblem] = []
    lines: list[LedgerLine] = []
    for record in table.records:
        line = record[0][1]
        width = table.width_problem(record)
        if width is not None:
            problems.append(width)
            continue
        date_text, date_line, date_column = record[position["date"]]
        day = parse_day(date_text)
        if day is None:
            problems.append(LedgerProblem(file, date_line, date_column, f"date {date_text.strip()!r} is not a date; "
                                          "write YYYY-MM-DD (or YYYY/MM/DD)."))
        amount_text, amount_line, amount_column = record[position["amount_jpy"]]
        amount = parse_amount(amount_text)
        if amount is None:
            problems.append(LedgerProblem(file, amount_line, amount_column, f"amount_jpy {amount_text.strip()!r} is not "
                                          "a whole number of yen (e.g. 12345 or 12,345)."))
        elif not 0 <= amount <= MAX_YEN:
            problems.append(LedgerProblem(file, amount_line, amount_column, f"amount_jpy {amount:,} is out of range; "
                                          "enter payments as positive amounts before consumption tax."))
        category_text, _, category_column = record[position["category"]]
        if not category_text.strip():
            problems.append(LedgerProblem(file, line, category_column, "category is empty."))
        if len(problems) >= MAX_PROBLEMS:
            break
        if day is None or amount is None or not 0 <= amount <= MAX_YEN or not category_text.strip():
            continue
        description = record[position["description"]][0].strip() if "description" in position else ""
        lines.append(LedgerLine(line, day, category_text.strip(), category_column, description, amount))
    if problems:
        raise LedgerError(problems)
    return Ledger(lines, table.encoding, table.ignored)
