"""What counts as a placeholder: the documents' own (strings.yaml), marks such as ○○, the starter's example values."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from c3p_docs.findings import Finding
from c3p_docs.i18n import N_, _
from c3p_docs.loading import LoadedYaml, read_limited, safe_load
from c3p_docs.strings import strings

STARTER = Path(__file__).parent / "data" / "starter.yaml"
LANGUAGES = ("ja", "en")
MARKS = ("○○", "〇〇", "△△", "××")
"""Doubled marks Japanese forms use for a blank to fill (株式会社○○, △△市); single ones mean "yes" in tables."""

# A starter value is an example, not a plausible real value, when it holds a blank mark or an ellipsis, an
# example domain (RFC 2606; .jp's example.jp), the capitalised word "Example", or is a phone number of zeros.
_EXAMPLE = re.compile("|".join(map(re.escape, MARKS)) + r"|…|\bexample\.(?:jp|com|org|net|co\.jp)\b|\bExample\b"
                      r"|^[\d()+\- ]*0000[\d()+\- ]*$")
# What may sit between the characters of a placeholder as a document shows it: line breaks, spaces, and the
# invisible characters typesetting inserts (word joiners, zero-width and soft hyphens).
_INVISIBLE = "\u00ad\u200b-\u200d\u2060\ufeff"
_GAP = rf"[\s{_INVISIBLE}]*"


@dataclass(frozen=True)
class StarterExample:
    """One example value of the starter file `init` writes."""

    path: str
    """Where it sits in PROJECT.yaml: `contact.phone`, `applicant.name.ja`, `joint_implementers[].name.ja`
    (`[]`: any item of the list; the starter's commented `examples` are placed under the list they belong to)."""
    value: str


@lru_cache(maxsize=1)
def starter_examples() -> tuple[StarterExample, ...]:
    """The values of `c3p_docs/data/starter.yaml` that are obviously not real, in the file's order: text with
    ○○, 〇〇, △△, ××, or …; example.jp / example.com (and .org, .net, .co.jp) addresses; the capitalised word
    "Example"; phone numbers with a 0000 group. Plausible starter values (環境事業部, ISO14001, a rate) are
    not examples: a real project may keep them."""
    data = safe_load(read_limited(STARTER, N_("starter file")).decode("utf-8"))
    found: list[StarterExample] = []
    for key, value in data.items():
        if key == "examples":
            for target, example in value.items():
                _collect(example, f"{target}[]", found)
        else:
            _collect(value, key, found)
    return tuple(dict.fromkeys(found))


def _collect(value: Any, path: str, found: list[StarterExample]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _collect(inner, f"{path}.{key}", found)
    elif isinstance(value, list):
        for inner in value:
            _collect(inner, f"{path}[]", found)
    elif isinstance(value, str) and _EXAMPLE.search(value.strip()):
        found.append(StarterExample(path, value.strip()))


def starter_values_left(source: LoadedYaml) -> list[Finding]:
    """`placeholder`: each value of a project file still equal to one of the starter's examples (`starter_examples`),
    wherever it sits (株式会社○○ as a joint implementer's name too), at its line."""
    examples = {example.value for example in starter_examples()}
    findings: list[Finding] = []

    def visit(value: Any, path: tuple) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                visit(inner, path + (key,))
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                visit(inner, path + (index,))
        elif isinstance(value, str) and value.strip() in examples:
            findings.append(source.finding(
                "placeholder", "warning", path, _(
                    "{value} is still the example of the file `init` wrote; replace it with the project's own value "
                    "(documents print it as it is, and check-package refuses it as placeholder-left).").format(
                    value=repr(value.strip()))))

    visit(source.data, ())
    return findings


@lru_cache(maxsize=1)
def placeholder_texts() -> tuple[str, ...]:
    """What the built-in documents print for a missing value, in every language: each `placeholder` entry of
    templates/LANG/strings.yaml, and each entry whose Japanese text is a bracketed note holding the Japanese
    placeholder's word (（本項目は未記入） → its English text too)."""
    japanese = strings("ja")
    word = str(japanese["placeholder"]).strip("（）() ")
    paths = [path for path, text in _leaves(japanese, ())
             if path[-1] == "placeholder" or (word and word in text and "{" not in text
                                               and text.strip()[:1] in "（(" and text.strip()[-1:] in "）)")]
    texts: list[str] = []
    for lang in LANGUAGES:
        for path in paths:
            text = _at(strings(lang), path)
            if isinstance(text, str) and text.strip() and text.strip() not in texts:
                texts.append(text.strip())
    return tuple(texts)


def _leaves(value: Any, path: tuple) -> list[tuple[tuple, str]]:
    if isinstance(value, dict):
        return [leaf for key, inner in value.items() for leaf in _leaves(inner, path + (key,))]
    return [(path, value)] if isinstance(value, str) and path else []


def _at(value: Any, path: tuple) -> Any:
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    needles = {unicodedata.normalize("NFKC", text).strip() for text in
               (*placeholder_texts(), *MARKS, *(example.value for example in starter_examples()))}
    alternatives = (_GAP.join(_either_width(char) for char in needle if not char.isspace())
                    for needle in sorted(needles, key=lambda needle: (-len(needle), needle)) if needle)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _either_width(char: str) -> str:
    """A pattern for an ASCII character or its full-width form (（ for (, ０ for 0), as a person may type either."""
    if "!" <= char <= "~":
        return f"[{re.escape(char)}{chr(ord(char) + 0xFEE0)}]"
    return re.escape(char)


@dataclass(frozen=True)
class PlaceholderMatch:
    text: str
    """The placeholder as the document shows it."""
    before: str
    """The text before it on its line, up to 40 characters: the label it usually follows."""


def find_placeholder(text: str) -> PlaceholderMatch | None:
    """The first placeholder `text` shows, if any: matched whatever the width (（ or (), the case, and the spaces,
    line breaks or invisible characters between its characters."""
    match = _pattern().search(text)
    if match is None:
        return None
    line_start = max(text.rfind("\n", 0, match.start()), text.rfind("\t", 0, match.start())) + 1
    before = _shown(text[line_start:match.start()])
    if len(before) > 40:  # the end of a long line, from a word's start
        before = before[-40:].split(" ", 1)[-1] if " " in before[-40:] else before[-40:]
    return PlaceholderMatch(_shown(match.group(0)), before)


def _shown(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(f"[{_INVISIBLE}]", "", text)).strip()
