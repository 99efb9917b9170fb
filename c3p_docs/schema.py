"""The JSON Schema of PROJECT.yaml, from the model and its field docstrings, with each call's narrative keys."""

from __future__ import annotations

import json

from c3p_docs.calls import CallRules, ScoreItem, bundled_profiles, load_call
from c3p_docs.categories import CATEGORY_IDS, written_names
from c3p_docs.descriptions import DescribedJsonSchema
from c3p_docs.model import Project


def _criterion_description(rules: CallRules, item: ScoreItem) -> str:
    looks_for = f" — reviewers look for: {item.criterion.en}" if item.judged and item.criterion else ""
    decided = "" if item.judged else " — scored from the data; a text of your own is optional"
    return f"{rules.id}: {item.name.en}{looks_for}{decided}"


def _narrative(schema: dict, calls: list[CallRules]) -> None:
    """`narrative` takes the criterion ids of the calls, each described, and no other key (an editor flags
    `originalty`); with several calls, a project whose `call:` names one takes that call's ids only."""
    narrative = schema["properties"]["narrative"]
    text = narrative.pop("additionalProperties")
    descriptions: dict[str, list[str]] = {}
    for rules in calls:
        for item in rules.scoring:
            descriptions.setdefault(item.id, []).append(_criterion_description(rules, item))
    narrative["properties"] = {key: {**text, "description": "\n".join(lines)} for key, lines in descriptions.items()}
    narrative["additionalProperties"] = False
    if len(calls) > 1:
        schema["properties"]["call"]["examples"] = [rules.id for rules in calls]
        schema["allOf"] = [{"if": {"properties": {"call": {"const": rules.id}}, "required": ["call"]},
                            "then": {"properties": {"narrative": {"propertyNames": {
                                "enum": [item.id for item in rules.scoring]}}}}} for rules in calls]


def _categories(schema: dict) -> None:
    """A budget category takes its id or a Japanese or English name, as `validate` accepts them (`謝金`, `Honoraria`):
    every such enum lists them all, so an editor completes the names and flags none of them."""
    names = written_names()
    for definition in schema["$defs"].values():
        for prop in definition.get("properties", {}).values():
            if prop.get("enum") == list(CATEGORY_IDS):
                prop["enum"] = names


def project_json_schema(call: CallRules | None = None) -> str:
    """The schema of a project of `call`; without one, of a project of any bundled call."""
    schema = Project.model_json_schema(schema_generator=DescribedJsonSchema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "c3p-docs project"
    _categories(schema)
    _narrative(schema, [call] if call is not None else [load_call(name) for name in bundled_profiles()])
    return json.dumps(schema, ensure_ascii=False, indent=2)
