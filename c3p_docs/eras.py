"""Japanese fiscal years and era years (令和, 平成, 昭和...), and dates through babel in each language."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

REIWA_START = dt.date(2019, 5, 1)
ERAS = ((REIWA_START, "令和"), (dt.date(1989, 1, 8), "平成"), (dt.date(1926, 12, 25), "昭和"),
        (dt.date(1912, 7, 30), "大正"), (dt.date(1873, 1, 1), "明治"))
"""First day of each era, newest first; 明治 from the day Japan adopted the Gregorian calendar."""


def era_year(day: dt.date) -> tuple[str, str] | None:
    """`2012-01-20` → (`平成`, `24`); the first year of an era is `元`; None before 明治 (Gregorian form then)."""
    for start, name in ERAS:
        if day >= start:
            number = day.year - start.year + 1
            return name, "元" if number == 1 else str(number)
    return None


def fiscal_year_ja(fiscal_year: int) -> str:
    """`2026` → `令和8年度`, `2015` → `平成27年度`. A fiscal year takes the era in force for most of it (on
    1 October): FY2019 is 令和元年度 and FY1988 昭和63年度, as government documents write them."""
    era = era_year(dt.date(fiscal_year, 10, 1))
    return f"{era[0]}{era[1]}年度" if era else f"{fiscal_year}年度"


def fiscal_year_label(fiscal_year: int, lang: str) -> str:
    """`令和5年度` / `FY2023`."""
    return fiscal_year_ja(fiscal_year) if lang == "ja" else f"FY{fiscal_year}"


def fiscal_year_of(day: dt.date) -> int:
    """Japanese fiscal year N runs 1 April N – 31 March N+1."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


@lru_cache(maxsize=8)
def babel_locale(lang: str):
    """babel's Locale for a document language, made once: handed a code, every babel call parses it anew and
    builds a new Locale (a file-system check and fresh data lookups each, ~40 ms over a build's ~100 figures)."""
    from babel import Locale

    return Locale.parse(lang)


@lru_cache(maxsize=8)
def _number_pattern(pattern: str):
    from babel.numbers import parse_pattern

    return parse_pattern(pattern)


def format_date(day: dt.date, lang: str) -> str:
    """`2026年5月7日` or `7 May 2026`, through babel."""
    from babel.dates import format_date as babel_format

    if lang == "ja":
        return babel_format(day, "y年M月d日", locale=babel_locale("ja"))
    return babel_format(day, "d MMMM y", locale=babel_locale("en"))


def format_era_date(day: dt.date) -> str:
    """`令和8年5月7日`, `平成24年1月20日`, `平成元年1月8日`, `昭和64年1月7日`."""
    era = era_year(day)
    return f"{era[0]}{era[1]}年{day.month}月{day.day}日" if era else format_date(day, "ja")


def format_month(year_month: str, lang: str) -> str:
    from babel.dates import format_date as babel_format

    year, month = map(int, year_month.split("-"))
    day = dt.date(year, month, 1)
    if lang == "ja":
        return babel_format(day, "y年M月", locale=babel_locale("ja"))
    return babel_format(day, "MMMM y", locale=babel_locale("en"))


def format_yen(amount: int | float, lang: str) -> str:
    """`1,234,567円` or `JPY 1,234,567`, through babel's number formatting."""
    from babel.numbers import format_decimal

    number = format_decimal(int(amount), locale=babel_locale("ja" if lang == "ja" else "en"))
    return f"{number}円" if lang == "ja" else f"JPY {number}"


def format_number(value: float, lang: str, digits: int = 0) -> str:
    from babel.numbers import format_decimal

    pattern = _number_pattern("#,##0" + ("." + "0" * digits if digits else ""))
    return format_decimal(value, format=pattern, locale=babel_locale("ja" if lang == "ja" else "en"))


def format_era_month(year_month: str) -> str:
    """`2026-07` → `令和8年7月`; `2019-04` → `平成31年4月` (the era on the month's first day)."""
    year, month = map(int, year_month.split("-"))
    era = era_year(dt.date(year, month, 1))
    return f"{era[0]}{era[1]}年{month}月" if era else format_month(year_month, "ja")


def printed_date(day: dt.date, lang: str) -> str:
    """A date as documents print it: 令和 in Japanese (the call's own convention), `7 May 2026` in English."""
    return format_era_date(day) if lang == "ja" else format_date(day, lang)


def printed_month(year_month: str, lang: str) -> str:
    """A month as documents print it: `令和8年7月` or `July 2026`."""
    return format_era_month(year_month) if lang == "ja" else format_month(year_month, lang)
