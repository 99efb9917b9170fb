"""The words of each language (templates/LANG/strings.yaml), below every module that prints them."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from string import Formatter

from c3p_docs.i18n import N_, _
from c3p_docs.jinja_env import template_dir
from c3p_docs.loading import safe_load

MAX_LABEL_CHARS = 5_000
"""Characters in one label of a user's strings.yaml; the longest built-in one has ~150. A label is repeated (the
placeholder stands in every empty field), so a label of megabytes makes documents of gigabytes."""
MAX_LABEL_WIDTH = 100
"""Largest width after `:` in a label's field (`{count:>4}`); `{count:>1500000000}` would allocate gigabytes."""
# What may follow `:` in a label's field: an alignment with its fill and a width, valid for text and numbers alike.
_LABEL_SPEC = re.compile(r"(?:.?[<>^])?(\d*)")


@lru_cache(maxsize=8)
def strings(lang: str, override: str | None = None) -> dict:
    """The language's labels (strings.yaml); a user's override file replaces the labels it names."""
    data = safe_load((template_dir(lang) / "strings.yaml").read_text(encoding="utf-8"))
    if override:
        for candidate in (Path(override) / lang / "strings.yaml", Path(override) / "strings.yaml"):
            if candidate.exists() or candidate.is_symlink():
                return _merged(data, candidate)
    return data


def _merged(built_in: dict, path: Path) -> dict:
    """The built-in labels with the user's file laid over them, key by key; a label of the wrong shape
    (a list where text belongs) is an error naming its place, not a crash later in a template."""
    from c3p_docs.errors import InputError
    from c3p_docs.loading import format_path, load_yaml_file

    user = load_yaml_file(path, N_("strings file"))
    if not isinstance(user.data, dict):
        raise InputError(_("{file}: expected labels as `key: text` lines (a mapping), as in the built-in "
                           "strings.yaml.").format(file=path))

    def merge(base: dict, extra: dict, where: tuple) -> dict:
        merged = dict(base)
        for key, value in extra.items():
            place = where + (key,)
            if key in base and isinstance(base[key], dict):
                if not isinstance(value, dict):
                    line, _column = user.position(place)
                    raise InputError(_("{where}: {path} holds labels by key ({keys}, …), not a single value.").format(
                        where=f"{path}:{line}", path=format_path(place), keys=", ".join(map(str, list(base[key])[:4]))))
                merged[key] = merge(base[key], value, place)
            elif value is None:
                continue  # left empty: the built-in label stays
            elif key in base and isinstance(value, (dict, list)) != isinstance(base[key], (dict, list)):
                line, _column = user.position(place)
                raise InputError((_("{where}: {path} must be a list, like the built-in label.")
                                  if isinstance(base[key], list) else
                                  _("{where}: {path} must be text, like the built-in label.")).format(
                    where=f"{path}:{line}", path=format_path(place)))
            elif key == "columns" and isinstance(value, list) and len(value) != len(base.get(key) or value):
                line, _column = user.position(place)  # a sheet's columns are positional: one name per column
                raise InputError(_("{where}: {path} must name {count} columns, as the built-in label does ({names}); "
                                   "it names {given}.").format(where=f"{path}:{line}", path=format_path(place),
                                                               count=len(base[key]), names=", ".join(base[key]),
                                                               given=len(value)))
            else:
                merged[key] = str(value) if isinstance(base.get(key), str) else value
                _check_labels(merged[key], base.get(key), f"{path}:{user.position(place)[0]}: {format_path(place)}")
        return merged

    return merge(built_in, user.data, ())


def _check_labels(value, built_in, where: str) -> None:
    """A user's label (or list of labels) may fill in only the fields the built-in one does, by name."""
    from c3p_docs.errors import InputError

    pairs = [(value, built_in)] if isinstance(value, str) else [
        (item, built_in[index] if isinstance(built_in, list) and index < len(built_in) else None)
        for index, item in enumerate(value) if isinstance(item, str)] if isinstance(value, list) else []
    for text, original in pairs:
        problem = label_problem(text, _fields(original) if isinstance(original, str) else None, where)
        if problem:
            raise InputError(problem)


def _fields(label: str) -> set[str]:
    return {name for _text, name, _spec, _conversion in Formatter().parse(label) if name is not None}


def label_problem(text: str, allowed: set[str] | None, where: str) -> str | None:
    """Why a label cannot be used, as a message starting with `where`; None when it is fine.

    `allowed` holds the fields the built-in label fills in (None for a key of the user's own, which only their
    templates read). Labels are filled with `str.format`, so only those names are allowed: no attributes
    (`{year.__class__}`), indexes, positions, conversions, or widths past MAX_LABEL_WIDTH.
    """
    if len(text) > MAX_LABEL_CHARS:
        return _("{where}: the label has {count:,} characters, over the limit of {limit:,} for one label. Shorten "
                 "it.").format(where=where, count=len(text), limit=MAX_LABEL_CHARS)
    if allowed is None:
        return None
    takes = (_("it takes {fields}").format(fields=", ".join("{" + name + "}" for name in sorted(allowed))) if allowed
             else _("it takes no {fields}").format(fields="{fields}"))
    try:
        fields = [(name, spec, conversion) for _text, name, spec, conversion in Formatter().parse(text)
                  if name is not None]
    except ValueError as error:
        return _("{where}: the label {label} cannot be filled in ({error}); {takes}, and a brace meant as text is "
                 "written {braces}.").format(where=where, label=repr(text[:60]), error=error, takes=takes,
                                             braces="{{ or }}")
    for name, spec, conversion in fields:
        if name not in allowed:
            return _("{where}: the label's field {field} is not one it is given; {takes}, by name only.").format(
                where=where, field="{" + name + "}", takes=takes)
        width = _LABEL_SPEC.fullmatch(spec or "")
        if conversion or width is None or len(width.group(1)) > 3 or int(width.group(1) or 0) > MAX_LABEL_WIDTH:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            return _("{where}: the label's field {field} is not allowed; after the name only an alignment and a "
                     "width up to {limit} may follow, as in {example}.").format(
                where=where, field=shown, limit=MAX_LABEL_WIDTH, example="{" + name + ":>4}")
    return None


def phrase(lang: str, group: str, key: str, **values) -> str:
    """One sentence of `group.key` in `lang` with `{name}` filled in (values are formatted by the caller)."""
    return strings(lang)[group][key].format(**values)


def cite(reference: str, lang: str) -> str:
    """A call's section reference in the document's language: the words of `citation` (guidebook, Table,
    item…) replaced, numbers and section signs kept (`guidebook 3.4 (6), Table 6 item 4` → `ガイドブック
    3.4 (6)、表6 項目4`)."""
    import re

    terms = strings(lang).get("citation") or {}
    if not terms:
        return reference
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)) + r"|, ")
    return pattern.sub(lambda m: strings(lang)["list_separator"] if m.group(0) == ", " else terms[m.group(0)],
                       reference)


def deliverable_text(deliverable, lang: str) -> str:
    """A deliverable with its counts from the profile: `報告書日本語版（…）：100枚程度、8部`."""
    words = strings(lang)["calendar"]
    name = deliverable.name.get(lang) or deliverable.name.ja or deliverable.id
    counts = []
    if deliverable.pages is not None:
        counts.append(words["deliverable_pages"].format(n=deliverable.pages.value))
    if deliverable.copies is not None:
        n = deliverable.copies.value
        counts.append(words.get("deliverable_copy" if n == 1 else "deliverable_copies", words["deliverable_copies"])
                      .format(n=n))
    if not counts:
        return name
    return words["deliverable_counts"].format(name=name, counts=strings(lang)["list_separator"].join(counts))
