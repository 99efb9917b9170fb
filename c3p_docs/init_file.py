"""The commented project.yaml that `init` writes: starter values, comments from the field docstrings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from c3p_docs.calls import CallRules, bundled_profiles
from c3p_docs.descriptions import field_description
from c3p_docs.jinja_env import template_dir
from c3p_docs.loading import safe_load
from c3p_docs.model import Project
from c3p_docs.output import write_atomic
from c3p_docs.project import _inner_model
from c3p_docs.schema import project_json_schema
from c3p_docs.strings import phrase, strings

STARTER = Path(__file__).parent / "data" / "starter.yaml"
SCHEMA_FILE = "project.schema.json"
"""Beside project.yaml; the starter's `# yaml-language-server: $schema=` line names it."""


def field_descriptions(lang: str) -> dict[str, str]:
    """Dotted field path → one-line description: the model docstrings, then the language's table
    (templates/LANG/fields.yaml: Japanese for every field; in each language, the names the templates see besides
    the project's fields)."""
    descriptions: dict[str, str] = {}

    def walk(model, prefix: str) -> None:
        for name, info in model.model_fields.items():
            key = f"{prefix}{name}"
            descriptions[key] = " ".join((field_description(model, name) or "").split())  # a comment is one line
            inner = _inner_model(info.annotation)
            if inner is not None and inner.__name__ not in ("Bilingual", "BilingualList"):
                walk(inner, key + ".")

    walk(Project, "")
    table = template_dir(lang) / "fields.yaml"
    if table.is_file():
        descriptions.update(safe_load(table.read_text(encoding="utf-8")) or {})
    return descriptions


SAME_ITEMS = {"jcm.pair_adoptions": "jcm.adoptions", "jcm.other_adoptions": "jcm.adoptions",
              "budget.rows": "budget.items"}
"""Context lists whose items are those of another list: their fields are described there."""
KEYED = ("monthly", "budget.by_category")
"""Context mappings keyed by data (a month, a category id): each key is described by the mapping."""


def describe(descriptions: dict[str, str], path: str) -> str:
    """The description of a context path as `fields` lists it (`budget.rows[].amount.value`): its own, else the
    list whose items it shares, the mapping that keys it, or its parent's for `.ja`, `.en`, `.value` and `.id`."""
    key = path.replace("[]", "")
    if key in descriptions:
        return descriptions[key]
    for alias, target in SAME_ITEMS.items():
        if key.startswith(alias + "."):
            return describe(descriptions, target + key[len(alias):])
    for mapping in KEYED:
        if key.startswith(mapping + ".") and mapping in descriptions:
            data_key, _, rest = key[len(mapping) + 1:].partition(".")
            if not rest or rest in ("ja", "en", "value", "id"):
                return f"{descriptions[mapping]} ({data_key})" + (f" ({rest})" if rest else "")
            return describe(descriptions, f"{mapping}.{rest}")
    parent, _, leaf = key.rpartition(".")
    if leaf in ("ja", "en", "value", "id") and parent:
        described = describe(descriptions, parent)
        return f"{described} ({leaf})" if described else ""
    return ""


class Commented:
    """A starter value written as a comment: a key the user may add (a criterion not scored for new projects)."""

    def __init__(self, value) -> None:
        self.value = value


def _scalar(value) -> str:
    """One value in YAML flow style on one line (`...` is the end-of-document marker a bare scalar gets)."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10_000)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _emit(data: dict, prefix: str, indent: int, descriptions: dict[str, str], examples: dict, lines: list[str]) -> None:
    """YAML lines with comments; an empty list with an example gets that example as a commented entry below it."""
    pad = "  " * indent
    for key, value in data.items():
        path = f"{prefix}{key}"
        comment = descriptions.get(path, "")
        if isinstance(value, Commented):
            lines.append(f"{pad}# {key}: {_scalar(value.value)}" + (f"  # {comment}" if comment else ""))
            continue
        flat = not isinstance(value, dict) or set(value) <= {"ja", "en"} or path.endswith("period")
        if comment and not flat:
            lines.append(f"{pad}# {comment}")
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(f"{pad}{key}:  # {comment}" if comment else f"{pad}{key}:")
            lines.extend(f"{pad}  - {_scalar(item)}" for item in value)
        elif flat:
            text = f"{pad}{key}: {_scalar(value)}"
            lines.append(f"{text}  # {comment}" if comment else text)
            if value == [] and path in examples:
                lines.append(f"{pad}#  - {_scalar(examples[path])}")
            elif value == {} and path in examples:  # a mapping by key (monthly: by month): its entries, commented
                lines.extend(f"{pad}#  {_scalar(k)}: {_scalar(v)}" for k, v in examples[path].items())
        elif isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            _emit(value, path + ".", indent + 1, descriptions, examples, lines)


def _shift_years(value, shift: int):
    """The starter's FY2026 fiscal years moved to the call's."""
    if isinstance(value, dict):
        return {k: v + shift if k == "fiscal_year" else _shift_years(v, shift) for k, v in value.items()}
    return value


def _narrative(rules: CallRules, status: str, lang: str, descriptions: dict[str, str]) -> dict:
    """One empty text per criterion the reviewers judge, its comment saying what they look for; a criterion not
    scored for the starter's status is written commented out, for when the status changes."""
    words = strings(lang)
    narrative: dict = {}
    for item in rules.scoring:
        if not item.judged:
            continue
        name = item.name.get(lang) or item.name.en or item.id
        if not item.scored_for(status):
            name += words["summary"]["paren"].format(
                x=phrase(lang, "basis", "not_scored", status=words["status"][status]))
        looks_for = item.criterion.get(lang) if item.criterion else None
        descriptions[f"narrative.{item.id}"] = f"{name} — {looks_for}" if looks_for else name
        empty = {"ja": "", "en": ""}
        narrative[item.id] = empty if item.scored_for(status) else Commented(empty)
    return narrative


def starter_yaml(rules: CallRules, call: str, lang: str) -> str:
    data = safe_load(STARTER.read_text(encoding="utf-8"))
    examples = data.pop("examples")
    data["call"] = call
    start = dt.date(rules.fiscal_year, 4, 1)
    data["project"]["period"] = {"start": start, "end": dt.date(rules.fiscal_year + 3, 3, 31)}
    shift = rules.fiscal_year - 2026
    for activity in data["activities"]:
        year, month = map(int, activity["month"].split("-"))
        activity["month"] = f"{year + shift}-{month:02d}"
    examples = {path: _shift_years(example, shift) for path, example in examples.items()}
    examples["monthly"] = {f"{int(month[:4]) + shift}{month[4:]}": entry for month, entry in examples["monthly"].items()}
    descriptions = field_descriptions(lang)
    data["narrative"] = _narrative(rules, data["project"]["status"], lang, descriptions)
    if rules.attachment_for_kind("project_idea_note") is None:
        del data["pin"]
    words = strings(lang)["init"]
    header = [f"# {words['title'].format(call=rules.name.get(lang) or rules.id)}",
              f"# {words['required']}", f"# {words['examples']}",
              "# yaml-language-server: $schema=project.schema.json", ""]
    lines: list[str] = []
    _emit(data, "", 0, descriptions, examples, lines)
    return "\n".join(header + lines) + "\n"


def write_schema(path: Path, rules: CallRules, call: str) -> bool:
    """Write the project schema to `path` unless a different file is there (someone's edit, or an older version's):
    False when it was kept. A bundled call gets the schema of every bundled call, so changing `call:` later
    still completes the right narrative keys; a profile of the user's own gets its own keys."""
    data = (project_json_schema(None if call in bundled_profiles() else rules) + "\n").encode("utf-8")
    try:
        existing = path.read_bytes() if path.exists() or path.is_symlink() else None
    except OSError:
        return False
    if existing is not None:
        return existing == data
    write_atomic(path, data)
    return True
