"""Japanese fiscal years and era years (令和), and dates through babel in each language."""

from __future__ import annotations

import datetime as dt

REIWA_START = dt.date(2019, 5, 1)


def reiwa_year(gregorian_year: int) -> str:
    """`2026` → `8`; `2019` → `元` (the first year is written 元)."""
    number = gregorian_year - 2018
    if number < 1:
        raise ValueError(f"{gregorian_year} is before the Reiwa era")
    return "元" if number == 1 else str(number)


def fiscal_year_ja(fiscal_year: int) -> str:
    """`2026` → `令和8年度`."""
    return f"令和{reiwa_year(fiscal_year)}年度"


def fiscal_year_label(fiscal_year: int, lang: str) -> str:
    """`令和5年度` / `FY2023`; in Japanese, fiscal years before the era in Gregorian form (`2015年度`), as dates are."""
    if lang != "ja":
        return f"FY{fiscal_year}"
    return fiscal_year_ja(fiscal_year) if fiscal_year >= REIWA_START.year else f"{fiscal_year}年度"


def fiscal_year_of(day: dt.date) -> int:
    """Japanese fiscal year N runs 1 April N – 31 March N+1."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def format_date(day: dt.date, lang: str) -> str:
    """`2026年5月7日` or `7 May 2026`, through babel."""
    from babel.dates import format_date as babel_format

    if lang == "ja":
        return babel_format(day, "y年M月d日", locale="ja")
    return babel_format(day, "d MMMM y", locale="en")


def format_era_date(day: dt.date) -> str:
    """`令和8年5月7日` (dates before the era are written in Gregorian form)."""
    if day < REIWA_START:
        return format_date(day, "ja")
    return f"令和{reiwa_year(day.year)}年{day.month}月{day.day}日"


def format_month(year_month: str, lang: str) -> str:
    from babel.dates import format_date as babel_format

    year, month = map(int, year_month.split("-"))
    day = dt.date(year, month, 1)
    return babel_format(day, "y年M月", locale="ja") if lang == "ja" else babel_format(day, "MMMM y", locale="en")


def format_yen(amount: int | float, lang: str) -> str:
    """`1,234,567円` or `JPY 1,234,567`, through babel's number formatting."""
    from babel.numbers import format_decimal

    number = format_decimal(int(amount), locale="ja" if lang == "ja" else "en")
    return f"{number}円" if lang == "ja" else f"JPY {number}"


def format_number(value: float, lang: str, digits: int = 0) -> str:
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale="ja" if lang == "ja" else "en")


def format_era_month(year_month: str) -> str:
    """`2026-07` → `令和8年7月`."""
    year, month = map(int, year_month.split("-"))
    return f"令和{reiwa_year(year)}年{month}月"


def printed_date(day: dt.date, lang: str) -> str:
    """A date as documents print it: 令和 in Japanese (the call's own convention), `7 May 2026` in English."""
    return format_era_date(day) if lang == "ja" else format_date(day, lang)


def printed_month(year_month: str, lang: str) -> str:
    """A month as documents print it: `令和8年7月` or `July 2026`."""
    return format_era_month(year_month) if lang == "ja" else format_month(year_month, lang)
