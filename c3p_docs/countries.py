"""Country names: the English names babel knows plus the ministry's spellings, and their Japanese names."""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path

_ALIASES = Path(__file__).parent / "data" / "countries.yaml"


@lru_cache(maxsize=4)
def territories(lang: str) -> dict[str, str]:
    """ISO 3166 code → CLDR country name in `lang`, as babel has it.

    Kept in the user cache, keyed by babel's data files: reading them costs ~40–90 ms a process (importing
    babel another ~15 ms), and `validate` needs the English names on every run.
    """
    from importlib.util import find_spec

    from c3p_docs.cache import cached_json

    def compute() -> dict[str, str]:
        from babel import Locale

        return {code: name for code, name in Locale(lang).territories.items() if len(code) == 2 and code.isalpha()}

    spec = find_spec("babel")
    if spec is None or spec.origin is None:
        return compute()
    data = Path(spec.origin).parent / "locale-data"
    try:
        stamps = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in (data / "root.dat", data / f"{lang}.dat")]
    except OSError:
        return compute()
    return cached_json(f"territories-{lang}", f"{stamps} 1", compute)


@lru_cache(maxsize=1)
def _codes_by_name() -> dict[str, str]:
    from c3p_docs.loading import safe_load

    names = {name.casefold(): code for code, name in territories("en").items()}
    aliases = safe_load(_ALIASES.read_text(encoding="utf-8"))
    names.update({name.casefold(): code for name, code in aliases.items()})
    return names


def country_code(name: str) -> str | None:
    """ISO code of a country name, or None when it is not a country we know."""
    return _codes_by_name().get(name.strip().casefold())


def closest_country(name: str) -> str | None:
    english = list(territories("en").values())
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
    return territories(lang).get(code, name)
