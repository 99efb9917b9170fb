"""The commented project.yaml that `init` writes: starter values, comments from the field docstrings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from c3p_docs.calls import CallRules
from c3p_docs.descriptions import field_description
from c3p_docs.jinja_env import template_dir
from c3p_docs.loading import safe_load
from c3p_docs.model import Project
from c3p_docs.project import _inner_model

STARTER = Path(__file__).parent / "data" / "starter.yaml"


def field_descriptions(lang: str) -> dict[str, str]:
    """Dotted field path → one-line description: the model docstrings, or the language's table."""
    descriptions: dict[str, str] = {}

    def walk(model, prefix: str) -> None:
        for name, info in model.model_fields.items():
            key = f"{prefix}{name}"
            descriptions[key] = field_description(model, name) or ""
            inner = _inner_model(info.annotation)
            if inner is not None and inner.__name__ not in ("Bilingual", "BilingualList"):
                walk(inner, key + ".")

    walk(Project, "")
    if lang != "en":
        table = template_dir(lang) / "fields.yaml"
        if table.is_file():
            descriptions.update(safe_load(table.read_text(encoding="utf-8")) or {})
    return descriptions


def _scalar(value) -> str:
    """One value in YAML flow style on one line (`...` is the end-of-document marker a bare scalar gets)."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10_000)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _emit(data: dict, prefix: str, indent: int, descriptions: dict[str, str], lines: list[str]) -> None:
    pad = "  " * indent
    for key, value in data.items():
        path = f"{prefix}{key}"
        comment = descriptions.get(path, "")
        flat = not isinstance(value, dict) or set(value) <= {"ja", "en"} or path.endswith("period")
        if comment and not flat:
            lines.append(f"{pad}# {comment}")
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(f"{pad}{key}:  # {comment}" if comment else f"{pad}{key}:")
            lines.extend(f"{pad}  - {_scalar(item)}" for item in value)
        elif flat:
            text = f"{pad}{key}: {_scalar(value)}"
            lines.append(f"{text}  # {comment}" if comment else text)
        elif isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            _emit(value, path + ".", indent + 1, descriptions, lines)


def starter_yaml(rules: CallRules, call: str, lang: str) -> str:
    data = safe_load(STARTER.read_text(encoding="utf-8"))
    data["call"] = call
    start = dt.date(rules.fiscal_year, 4, 1)
    data["project"]["period"] = {"start": start, "end": dt.date(rules.fiscal_year + 3, 3, 31)}
    shift = rules.fiscal_year - 2026
    for activity in data["activities"]:
        year, month = map(int, activity["month"].split("-"))
        activity["month"] = f"{year + shift}-{month:02d}"
    descriptions = field_descriptions(lang)
    header = [f"# c3p-docs project — {rules.name.get(lang)}",
              "# " + ("必須: call, project.title, japanese_city.name, partner_city.name/country, applicant.name"
                      if lang == "ja" else
                      "Required: call, project.title, japanese_city.name, partner_city.name/country, applicant.name"),
              "# yaml-language-server: $schema=project.schema.json", ""]
    lines: list[str] = []
    _emit(data, "", 0, descriptions, lines)
    return "\n".join(header + lines) + "\n"
