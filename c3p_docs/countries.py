"""Country names: the English names babel knows plus the ministry's spellings, and their Japanese names."""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path

import yaml

_ALIASES = Path(__file__).parent / "data" / "countries.yaml"


@lru_cache(maxsize=1)
def _codes_by_name() -> dict[str, str]:
    from babel import Locale

    names = {name.casefold(): code for code, name in Locale("en").territories.items()
             if len(code) == 2 and code.isalpha()}
    aliases = yaml.load(_ALIASES.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    names.update({name.casefold(): code for name, code in aliases.items()})
    return names


def country_code(name: str) -> str | None:
    """ISO code of a country name, or None when it is not a country we know."""
    return _codes_by_name().get(name.strip().casefold())


def closest_country(name: str) -> str | None:
    from babel import Locale

    english = [n for c, n in Locale("en").territories.items() if len(c) == 2 and c.isalpha()]
    match = difflib.get_close_matches(name, english + ["Lao PDR", "Myanmar", "Viet Nam"], n=1, cutoff=0.6)
    return match[0] if match else None


def same_country(a: str, b: str) -> bool:
    code_a, code_b = country_code(a), country_code(b)
    return code_a is not None and code_a == code_b


def country_name(name: str, lang: str) -> str:
    """The country's name in `lang` (ja: インドネシア); the given name when unknown or for English."""
    code = country_code(name)
    if code is None or lang == "en":
        return name
    from babel import Locale

    return Locale(lang).territories.get(code, name)
