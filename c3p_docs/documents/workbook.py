"""Excel workbooks from markup (XlsxWriter): A4 sheets, typed cells (yen, dates), fixed metadata for identical bytes.

Markup: <workbook><sheet name= widths="mm-ish character widths" header="ROW" landscape="1">
<row style="title|header|total|note"><c t="text|yen|int|date|pct" span="N">value</c>…</row>…</sheet></workbook>
`header` is the 0-based row that is frozen, filtered and repeated on printed pages.
"""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET

from c3p_docs.documents.markup import text_of

FONTS = {"ja": "游ゴシック", "en": "Arial"}
STYLE: dict[str, dict[str, object]] = {
    "title": {"bold": True, "font_size": 13},
    "header": {"bold": True, "bg_color": "#DCE6F0", "border": 1, "text_wrap": True, "valign": "vcenter"},
    "total": {"bold": True, "top": 2, "border": 1},
    "note": {"italic": True, "font_color": "#555555"},
    "": {"border": 1, "text_wrap": True, "valign": "top"},
}
NUMBER_FORMAT = {"yen": "#,##0", "int": "#,##0", "pct": "0.0%", "date": "yyyy-mm-dd"}
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


def render_workbook(root: ET.Element, lang: str, metadata) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                            "strings_to_formulas": False, "strings_to_urls": False})
    # A fixed creation date also fixes every zip entry's time stamp: rebuilds are identical.
    workbook.set_properties({"title": metadata.title, "subject": metadata.subject, "author": metadata.author,
                             "company": metadata.author, "keywords": "C3P", "created": metadata.created})
    font = FONTS[lang]
    # The template may set the language's date format (令和 in Japanese); the cell stays a date for sorting.
    number_formats = {**NUMBER_FORMAT, "date": root.get("date_format") or NUMBER_FORMAT["date"]}
    formats: dict[tuple[str, str, str], object] = {}

    def cell_format(style: str, kind: str, align: str):
        key = (style, kind, align)
        if key not in formats:
            spec = {"font_name": font, "font_size": 10, **STYLE.get(style, STYLE[""])}
            if style in ("title", "note"):
                spec.pop("border", None)
            if kind in number_formats:
                spec["num_format"] = number_formats[kind]
            if align:
                spec["align"] = align
            formats[key] = workbook.add_format(spec)
        return formats[key]

    names: set[str] = set()
    for sheet_element in root.findall("sheet"):
        sheet = workbook.add_worksheet(sheet_name(sheet_element.get("name"), names))
        sheet.set_paper(9)  # A4
        if sheet_element.get("landscape") == "1":
            sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.set_margins(left=0.6, right=0.6, top=0.75, bottom=0.75)
        for column, width in enumerate(float(w) for w in sheet_element.get("widths", "").split(",") if w):
            sheet.set_column(column, column, width)
        header = sheet_element.get("header")
        last_column = 0
        rows = sheet_element.findall("row")
        for row_index, row in enumerate(rows):
            style = row.get("style", "")
            column = 0
            for cell in row.findall("c"):
                kind = cell.get("t", "text")
                span = int(cell.get("span", "1"))
                fmt = cell_format(style, kind, cell.get("align", ""))
                value = _value(text_of(cell) if kind != "text" else "".join(cell.itertext()).strip(), kind)
                if span > 1:
                    sheet.merge_range(row_index, column, row_index, column + span - 1, value, fmt)
                elif isinstance(value, dt.datetime):
                    sheet.write_datetime(row_index, column, value, fmt)
                elif isinstance(value, (int, float)):
                    sheet.write_number(row_index, column, value, fmt)
                else:
                    sheet.write_string(row_index, column, value, fmt)
                column += span
            last_column = max(last_column, column - 1)
        if header is not None:
            header_row = int(header)
            sheet.freeze_panes(header_row + 1, 0)
            sheet.repeat_rows(header_row)
            if sheet_element.get("filter") == "1" and len(rows) > header_row + 1:
                sheet.autofilter(header_row, 0, len(rows) - 1, last_column)
    workbook.close()
    return buffer.getvalue()


def _value(text: str, kind: str):
    """The cell's value as Excel should hold it: numbers as numbers, dates as dates, empty as empty text."""
    if not text:
        return ""
    if kind in ("yen", "int"):
        return int(text)
    if kind == "pct":
        return float(text)
    if kind == "date":
        return dt.datetime.fromisoformat(text)
    return text
