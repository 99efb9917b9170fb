"""Load PROJECT.yaml into a validated Project and its call's rules, every problem reported at once."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from c3p_docs.calls import CallRules, load_call
from c3p_docs.errors import C3pError, RulesBroken
from c3p_docs.findings import Finding
from c3p_docs.i18n import N_, _, sentences
from c3p_docs.loading import LoadedYaml, format_path, load_yaml_file
from c3p_docs.model import Project


@dataclass
class LoadedProject:
    """A project that passed the schema, with its rules, its source positions and load-time warnings."""

    project: Project
    rules: CallRules
    source: LoadedYaml
    path: Path
    findings: list[Finding] = field(default_factory=list)


def validated(data: Any) -> Project:
    """`Project.model_validate(data)`, by pydantic's validator for the project model as a previous run built it.

    Building it (pydantic's schema generation for ~30 models) costs ~12 ms a process; the validator pickles and
    is read back from the user cache while model.py and the pydantic versions are the same.
    """
    validator = _validator()
    return Project.model_validate(data) if validator is None else validator.validate_python(data)


@cache
def _validator():
    from pydantic_core import SchemaValidator

    from c3p_docs import model
    from c3p_docs.cache import cached_pickle, code_stamp

    def build() -> SchemaValidator:
        Project.model_rebuild()
        built = Project.__pydantic_validator__
        if type(built) is not SchemaValidator:  # a pydantic plugin's wrapper: not ours to keep
            raise LookupError
        return built

    try:
        return cached_pickle("project-validator", code_stamp(model.__file__), build)
    except LookupError:
        return None


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The model class that owns the last key of `loc`, for "did you mean" suggestions."""
    model: type[BaseModel] | None = Project
    for part in loc[:-1]:
        if model is None or isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            return None
        model = _inner_model(info.annotation)
    return model


def _inner_model(annotation) -> type[BaseModel] | None:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _inner_model(argument)
        if found is not None:
            return found
    return None


def _clean_loc(loc: tuple, data) -> tuple:
    """The location in the input data: pydantic's union-branch tags (`str`, `Bilingual`,
    `function-after[...]`) dropped by following the data itself, so a key `Ltd.` stays."""
    cleaned = []
    current = data
    for part in loc:
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        elif isinstance(part, int) or not (part[:1].isupper() or "[" in part or part.startswith("constrained-")
                                           or part in ("str", "int", "float", "bool", "list[str]")):
            current = None  # below a missing key: keep the rest as pydantic gives it
        else:
            continue
        cleaned.append(part)
    return tuple(cleaned)


def _digit_group(key) -> str | None:
    """A key that is the rest of a number after a thousands comma (`000`, `000円`, read as 0 or text), as 3 digits."""
    if isinstance(key, int) and not isinstance(key, bool) and 0 <= key < 1000:
        return f"{key:03d}"
    if key == "0":  # `000`, read as the number 0 (other groups with leading zeros are YAML octal: not guessed)
        return "000"
    found = re.match(r"(\d{3})(?!\d)", key) if isinstance(key, str) else None
    return found.group(1) if found else None


def _amount_cut_at_commas(mapping: dict, keys: list, index: int) -> tuple[str, str] | None:
    """For `{unit_cost_jpy: 1,250,000円}`: the number's key and its digits, when the stray key at `index` is one of the
    empty digit groups that follow a whole number; else None."""
    start = index
    while start > 0 and mapping[keys[start]] is None and _digit_group(keys[start]) is not None:
        start -= 1
    owner = keys[start]
    value = mapping[owner]
    if start == index or isinstance(value, bool) or not isinstance(value, int):
        return None
    groups = []
    for key in keys[start + 1:]:
        group = _digit_group(key)
        if group is None or mapping[key] is not None:
            break
        groups.append(group)
    return str(owner), f"{value}{''.join(groups)}"


def _split_by_comma(loc: tuple, source: LoadedYaml) -> str | None:
    """How to fix `{ja: …, en: Foo Co., Ltd.}`: the comma made `Ltd.` a key of its own (`""`: already said)."""
    parent = loc[:-1]
    if parent not in source.flow_mappings:
        return None
    mapping = source.data
    for part in parent:
        mapping = mapping[part]
    keys = list(mapping)
    index = next((at for at, key in enumerate(keys) if key == loc[-1] or str(key) == str(loc[-1])), 0)  # 000 → key 0
    if index == 0 or mapping[loc[-1]] is not None:
        return None
    previous = keys[index - 1]
    amount = _amount_cut_at_commas(mapping, keys, index)
    if amount is not None:
        owner, number = amount
        if keys[index - 1] != owner:
            return ""  # said once, at the number's first group
        return _("stray key {key} inside {path}: a comma inside {{…}} cut the number {previous} at its thousands "
                 "separator. Write {previous}: {number} (digits only, without commas or units).").format(
            key=repr(loc[-1]), path=format_path(parent), previous=owner, number=number)
    joined = f"{mapping[previous]}, {loc[-1]}"
    return _("stray key {key} inside {path}: a comma inside {{…}} ends the value unless it is quoted, so the text of "
             "{previous} stopped at the comma. Write {previous}: \"{joined}\".").format(
        key=repr(loc[-1]), path=format_path(parent), previous=previous, joined=joined)


def _figure(value) -> str:
    return f"{value:,}" if isinstance(value, int) or float(value).is_integer() and abs(value) >= 1000 else f"{value:g}"


def plain_message(problem: Mapping[str, Any], loc: tuple, kinds_here: set[str]) -> str:
    """pydantic's message in the words of a YAML file: what to write instead, then what was given."""
    kind, ctx, field = problem["type"], problem.get("ctx") or {}, str(loc[-1]) if loc else ""
    given = problem.get("input")
    shown = (_("(got {value})").format(value=repr(given))
             if isinstance(given, (str, int, float, bool)) and len(repr(given)) < 80 else "")
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", ctx.get("expected", ""))
        close = difflib.get_close_matches(str(given), allowed, n=1, cutoff=0.6)
        message = sentences(_("must be one of {values}").format(values=", ".join(allowed)), shown)
        if close:
            message = _("{message}; did you mean {value}?").format(message=message, value=repr(close[0]))
        if field == "category":
            message = _("{message}; its Japanese or English name works too (諸謝金, Honoraria; `c3p-docs calls CALL "
                        "--rules` lists them)").format(message=message)
        return message
    if kind == "less_than_equal" and field.endswith("_jpy") and isinstance(given, (int, float)):
        return _("{amount:,} yen is more than any C3P budget holds (at most {limit}); check the digits").format(
            amount=given, limit=_figure(ctx["le"]))
    if kind in LIMITS:
        return sentences(_(LIMITS[kind]).format(limit=_figure(next(iter(ctx.values())))), shown)
    if kind == "string_pattern_mismatch" and field in PATTERNS:
        return sentences(_(PATTERNS[field]), shown)
    if {"string_type", "model_type"} <= kinds_here:  # a field that takes text or {ja, en}
        return sentences(_("must be text, or {example} where the languages differ").format(example="{ja: …, en: …}"),
                         shown)
    if kind == "model_type":
        bilingual = ctx.get("class_name") in ("Bilingual", "Name", "BilingualList")
        return sentences(_("must be written as {example}").format(example="{ja: …, en: …}") if bilingual
                         else _(TYPES["dict_type"]), shown)
    if kind == "value_error":  # our validators' own words, which name the value
        return problem["msg"].removeprefix("Value error, ")
    return sentences(_(TYPES[kind]) if kind in TYPES else problem["msg"], shown)


LIMITS = {"greater_than_equal": N_("must be {limit} or more"), "less_than_equal": N_("must be {limit} or less"),
          "greater_than": N_("must be more than {limit}"), "less_than": N_("must be less than {limit}")}
PATTERNS = {"month": N_("must be a month written YYYY-MM, e.g. 2026-07"),
            "id": N_("must be letters, digits, - _ or . (at most 64, starting with a letter or digit), e.g. survey-1")}
TYPES = {
    "int_parsing": N_("must be a whole number, written without commas, units or decimals (e.g. 1500000)"),
    "int_from_float": N_("must be a whole number, without decimals"),
    "int_type": N_("must be a whole number (e.g. 1500000)"),
    "float_parsing": N_("must be a number (e.g. 0.45)"), "float_type": N_("must be a number (e.g. 0.45)"),
    "bool_parsing": N_("must be true or false"), "bool_type": N_("must be true or false"),
    "date_parsing": N_("must be a real date written YYYY-MM-DD (e.g. 2026-04-01)"),
    "date_from_datetime_parsing": N_("must be a real date written YYYY-MM-DD (e.g. 2026-04-01)"),
    "date_type": N_("must be a date written YYYY-MM-DD (e.g. 2026-04-01)"),
    "list_type": N_("must be a list: [a, b], or one `- item` per line below it"),
    "dict_type": N_("must be a mapping of keys below it (key: value)"),
    "string_type": N_("must be text"),
}


def schema_findings(error: ValidationError, source: LoadedYaml) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple] = set()
    kinds_at: dict[tuple, set[str]] = {}
    for problem in error.errors():
        kinds_at.setdefault(_clean_loc(tuple(problem["loc"]), source.data), set()).add(problem["type"])
    for problem in error.errors():
        loc = _clean_loc(tuple(problem["loc"]), source.data)
        kind = problem["type"]
        if (loc, kind) in seen:
            continue
        seen.add((loc, kind))
        comma = _split_by_comma(loc, source) if kind == "extra_forbidden" else None
        if comma is not None:
            if comma:  # "": a later group of a number already reported
                findings.append(source.finding("unknown-key", "error", loc, comma))
        elif kind == "extra_forbidden":
            model = _model_at(loc)
            known = list(model.model_fields) if model else []
            close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.5)
            hint = (_("Did you mean {key}?").format(key=repr(close[0])) if close
                    else _("Known keys here: {keys}.").format(keys=", ".join(known)) if known else "")
            findings.append(source.finding("unknown-key", "error", loc, sentences(
                _("unknown key {key}.").format(key=repr(loc[-1])), hint)))
        elif kind == "missing":
            findings.append(source.finding("missing-field", "error", loc,
                                           _("required; add it (run `c3p-docs init` for a commented example).")))
        else:
            message = plain_message(problem, loc, kinds_at[loc])
            findings.append(source.finding("schema", "error", loc, message if message.endswith((".", "?", "。", "？"))
                                           # Translators: ends a sentence that has no full stop.
                                           else message + _(".")))
    # A union of str and Bilingual reports both branches; keep one message per location.
    by_loc: dict[tuple, Finding] = {}
    for finding in findings:
        by_loc.setdefault((finding.path, finding.code), finding)
    return list(by_loc.values())


def _without_invalid(data: dict, error: ValidationError) -> dict:
    """A copy of `data` with every invalid value removed (whole lists where an item is invalid, so the
    positions of what stays are still right), to run the rule checks on what is valid."""
    import copy

    repaired = copy.deepcopy(data)
    for problem in error.errors():
        loc = _clean_loc(tuple(problem["loc"]), data)
        if problem["type"] == "missing" or not loc:
            continue
        first_index = next((i for i, part in enumerate(loc) if isinstance(part, int)), None)
        target = loc[:first_index] if first_index is not None else loc
        parent: Any = repaired
        for part in target[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if isinstance(parent, dict):
            parent.pop(target[-1], None)
    return repaired


def load_project_leniently(path: Path) -> tuple[LoadedProject | None, list[Finding]]:
    """For `validate`: schema errors plus the rule findings of whatever part of the project is valid."""
    try:
        return load_project(path), []
    except RulesBroken as broken:
        findings = broken.findings
    source = load_yaml_file(path, N_("project file"))
    if not isinstance(source.data, dict):
        return None, findings
    data = source.data
    for _attempt in range(4):
        try:
            project = validated(data)
        except ValidationError as error:
            data = _without_invalid(data, error)
            continue
        try:
            rules = load_call(project.call, base_dir=path.parent)
        except C3pError:
            return None, findings
        return LoadedProject(project, rules, source, path, []), findings
    return None, findings


def load_project(path: Path) -> LoadedProject:
    """Read and validate; raises RulesBroken with every schema finding, InputError for unreadable YAML."""
    source = load_yaml_file(path, N_("project file"))
    findings = list(source.findings)
    if not isinstance(source.data, dict):
        raise RulesBroken(_("{file}: expected a mapping of fields at the top (call:, project:, …).").format(file=path),
                          findings + [source.finding("schema", "error", (), _("the file is not a mapping of fields."))])
    errors = [f for f in findings if f.severity == "error"]
    try:
        project = validated(source.data)
    except ValidationError as error:
        findings += schema_findings(error, source)
        raise RulesBroken(_("{file}: the project does not match the schema.").format(file=path), findings) from None
    if errors:
        raise RulesBroken(_("{file}: the project has errors.").format(file=path), findings)
    try:
        rules = load_call(project.call, base_dir=path.parent)
    except C3pError as error:
        line, column = source.position(("call",))
        finding = Finding("unknown-call", "error", error.message, file=str(path), path="call", line=line, column=column)
        raise RulesBroken(_("{file}: the call profile cannot be used (see above).").format(file=path),
                          findings + [finding]) from None
    return LoadedProject(project, rules, source, path, findings)
