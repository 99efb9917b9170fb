"""The Excel writer (XlsxWriter), and workbooks from markup: A4 sheets, typed cells (yen, dates), fixed metadata.

Markup: <workbook><sheet name= widths="mm-ish character widths" header="ROW" landscape="1">
<row style="title|header|total|note"><c t="text|yen|int|num|date|pct|formula" span="N">value</c>…</row>…</sheet></workbook>
A `formula` cell holds `=SUM(C8:C38)` and its computed `value=` (Excel shows it before recalculating).
`header` is the 0-based row that is frozen, filtered and repeated on printed pages.
"""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
from typing import Protocol

from c3p_docs.documents.markup import text_of
from c3p_docs.documents.measure import visible
from c3p_docs.documents.packaging import normalise_zip

FONTS = {"ja": "游ゴシック", "en": "Arial"}
FONT_SIZE = 10
STYLE: dict[str, dict[str, object]] = {
    "title": {"bold": True, "font_size": 13},
    "header": {"bold": True, "bg_color": "#DCE6F0", "border": 1, "text_wrap": True, "valign": "vcenter"},
    "total": {"bold": True, "top": 2, "border": 1},
    "note": {"font_color": "#555555"},  # upright: Japanese has no italic, only a synthetic slant
    "": {"border": 1, "text_wrap": True, "valign": "top"},
}
NUMBER_FORMAT = {"yen": "#,##0", "int": "#,##0", "num": "#,##0.0#", "formula": "#,##0.0#", "pct": "0.0%",
                 "date": "yyyy-mm-dd"}
MARGINS = {"left": 0.6, "right": 0.6, "top": 0.75, "bottom": 0.75}
"""Page margins in inches, as Excel's own Normal margins."""
# Excel refuses these in a sheet name; their full-width forms read the same to a Japanese reader.
_SHEET_NAME_CHARACTERS = str.maketrans("[]:*?/\\", "［］：＊？／＼")


def sheet_name(text: str | None, taken: set[str]) -> str:
    """A name Excel accepts for a sheet, from a label or template (`実績[1]` → `実績［1］`): at most 31 characters,
    no leading or trailing apostrophe, not empty, and unlike the names in `taken` (compared as Excel does,
    without case); the name is added to `taken`."""
    name = (text or "").translate(_SHEET_NAME_CHARACTERS).strip().strip("'")[:31] or "Sheet"
    base, number = name, 1
    while name.casefold() in taken or name.casefold() == "history":  # Excel reserves "History"
        number += 1
        suffix = f" ({number})"
        name = base[:31 - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


class Properties(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def author(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def created(self) -> dt.datetime: ...


class Book:
    """One .xlsx being written: the only place c3p-docs drives XlsxWriter (both the markup below and the
    attachment sheets of documents/sheets.py write through it). Text stays text (never a formula, link or
    number a value could turn into), A4 sheets, fixed properties and zip stamps for identical rebuilds."""

    def __init__(self, lang: str, properties: Properties, font_everywhere: bool = True) -> None:
        """`font_everywhere`: empty cells and the Normal style in the language's font too (else Excel's)."""
        import xlsxwriter

        self.lang = lang
        self.font = {"font_name": FONTS.get(lang, FONTS["en"]), "font_size": FONT_SIZE}
        self._buffer = io.BytesIO()
        self._workbook = xlsxwriter.Workbook(self._buffer, {
            "in_memory": True, "default_format_properties": self.font if font_everywhere else {},
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
        self._workbook.set_properties({"title": visible(properties.title), "subject": visible(properties.subject),
                                       "author": visible(properties.author), "company": visible(properties.author),
                                       "keywords": "C3P", "comments": "", "created": properties.created})
        self._formats: dict[tuple, object] = {}
        self._sheet_names: set[str] = set()

    def format(self, **spec: object):
        """A cell format in the book's font (one per distinct spec)."""
        key = tuple(sorted(spec.items()))
        if key not in self._formats:
            self._formats[key] = self._workbook.add_format({**self.font, **spec})
        return self._formats[key]

    def sheet(self, name: str, landscape: bool, margins: dict[str, float] = MARGINS):
        """A worksheet printed on A4, one page wide."""
        sheet = self._workbook.add_worksheet(sheet_name(name, self._sheet_names))
        sheet.set_paper(9)  # A4
        if landscape:
            sheet.set_landscape()
        else:
            sheet.set_portrait()
        sheet.set_margins(**margins)
        sheet.fit_to_pages(1, 0)
        return sheet

    def to_bytes(self) -> bytes:
        self._workbook.close()
        return normalise_zip(self._buffer.getvalue())


def render_workbook(root: ET.Element, lang: str, metadata: Properties) -> bytes:
    """The workbook the markup describes (the settlement)."""
    book = Book(lang, metadata, font_everywhere=False)
    # The template may set the language's date format (令和 in Japanese); the cell stays a date for sorting.
    number_formats = {**NUMBER_FORMAT, "date": root.get("date_format") or NUMBER_FORMAT["date"]}

    def cell_format(style: str, kind: str, align: str):
        spec = dict(STYLE.get(style, STYLE[""]))
        if style in ("title", "note"):
            spec.pop("border", None)
        if kind in number_formats:
            spec["num_format"] = number_formats[kind]
        if align:
            spec["align"] = align
        return book.format(**spec)

    for element in root.findall("sheet"):
        sheet = book.sheet(element.get("name") or "Sheet", element.get("landscape") == "1")
        for column, width in enumerate(float(w) for w in element.get("widths", "").split(",") if w):
            sheet.set_column(column, column, width)
        rows = element.findall("row")
        last_column = max([_write_row(sheet, index, row, cell_format) for index, row in enumerate(rows)] + [0])
        header = element.get("header")
        if header is not None:
            header_row = int(header)
            sheet.freeze_panes(header_row + 1, 0)
            sheet.repeat_rows(header_row)
            if element.get("filter") == "1" and len(rows) > header_row + 1:
                sheet.autofilter(header_row, 0, len(rows) - 1, last_column)
    return book.to_bytes()


def _write_row(sheet, index: int, row: ET.Element, cell_format) -> int:
    """One row's typed cells; returns its last column."""
    style = row.get("style", "")
    column = 0
    for cell in row.findall("c"):
        kind = cell.get("t", "text")
        span = int(cell.get("span", "1"))
        fmt = cell_format(style, kind, cell.get("align", ""))
        value = _value(text_of(cell) if kind != "text" else visible("".join(cell.itertext()).strip()), kind)
        if value == "" and kind == "num":  # an hour not yet entered: a blank cell, not empty text
            sheet.write_blank(index, column, None, fmt)
        elif kind == "formula":
            sheet.write_formula(index, column, str(value), fmt, _value(cell.get("value", ""), "num"))
        elif span > 1:
            sheet.merge_range(index, column, index, column + span - 1, value, fmt)
        elif isinstance(value, dt.datetime):
            sheet.write_datetime(index, column, value, fmt)
        elif isinstance(value, (int, float)):
            sheet.write_number(index, column, value, fmt)
        else:
            sheet.write_string(index, column, value, fmt)
        column += span
    return column - 1


def _value(text: str, kind: str):
    """The cell's value as Excel should hold it: numbers as numbers, dates as dates, empty as empty text."""
    if not text:
        return ""
    if kind in ("yen", "int"):
        return int(text)
    if kind in ("pct", "num"):
        return float(text)
    if kind == "date":
        return dt.datetime.fromisoformat(text)
    return text
