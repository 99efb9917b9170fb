"""check-form: every placeholder of a tagged form, located, checked against the known fields."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from c3p_docs.findings import Finding
from c3p_docs.forms import TAG, FormError, _open_check, open_document, pptx_paragraphs
from c3p_docs.i18n import N_, _, sentences

# docxtpl's paragraph/row/cell/run variants: `{%tr for … %}`, `{{r x }}` — read as plain Jinja here.
_DOCXTPL_PREFIX = re.compile(r"^({%|{{)(tr|tc|p|r)\s")
# What each kind of form should carry at the least (warnings when untagged).
REQUIRED = {
    "application_form": ["project.title", "applicant.name", "japanese_city.name", "partner_city.name", "budget.total"],
    "overview": ["project.title", "japanese_city.name", "partner_city.name", "applicant.name"],
    "summary": ["project.title", "applicant.name"],
    "pledge": ["applicant.name", "applicant.representative", "applicant.address"],
    "cover": ["project.title", "applicant.name"],
}
OPEN_KEYS = ("monthly", "t")  # maps keyed by the user's own values (months), and our templates' words
MAX_FORM_TAGS = 2_000
"""Tags in one form: a ministry form has tens, a long tagged one a few hundred. Each is parsed and filled by Jinja
(~0.1 ms apiece), so 180,000 of them (4 MB) would run for minutes."""
MAX_TAG_CHARS = 2_000
"""Characters in one tag: `{% for item in budget.items %}` has 30."""


@dataclass(frozen=True)
class Tag:
    text: str
    where: str


@lru_cache(maxsize=1)
def known_paths() -> frozenset[str]:
    """Every variable path a form may use, from the bundled sample (so lists show their item fields)."""
    from c3p_docs.form_fields import flatten, form_context
    from c3p_docs.project import load_project

    sample = Path(__file__).parent / "data" / "fields_sample.yaml"
    loaded = load_project(sample)
    rows = flatten(form_context(loaded.project, loaded.rules))
    # Narrative keys are the criterion ids of whichever call the project answers: accept every bundled call's.
    from c3p_docs.calls import bundled_profiles, load_call

    for name in bundled_profiles():
        for item in load_call(name).scoring:
            rows += [(f"narrative.{item.id}{suffix}", "text", "") for suffix in ("", ".ja", ".en")]
    paths = set()
    # A loop over a list of plain values (deliverables, applicant.environmental) names its items `list[]`.
    rows += [(f"{path}[]", "item", "") for path, kind, _example in rows if kind in ("list", "lines")]
    for path, _kind, _example in rows:
        parts = path.split(".")
        for index in range(1, len(parts) + 1):
            paths.add(".".join(parts[:index]))
    return frozenset(paths)


def _tags_in(text: str, where: str) -> list[Tag]:
    """The tags of one paragraph; a `{{` or `{%` left without its end is a tag of its own, so it is reported."""
    tags = [Tag(m.group(0), where) for m in TAG.finditer(text)]
    rest = TAG.sub("", text)
    for opening in ("{{", "{%"):
        index = rest.find(opening)
        if index >= 0:
            tags.append(Tag(rest[index:index + 60], where))
    return tags


def docx_tags(document) -> list[Tag]:
    """Every tag of a python-docx Document: body, tables, headers and footers, with its place."""
    tags: list[Tag] = []

    def paragraphs(container, where: str):
        for index, paragraph in enumerate(container.paragraphs, 1):
            yield where + _("paragraph {number}").format(number=index), paragraph
        for table_index, table in enumerate(getattr(container, "tables", []), 1):
            for row_index, row in enumerate(table.rows, 1):
                seen = set()
                for column_index, cell in enumerate(row.cells, 1):
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    yield from paragraphs(cell, where + _("table {table} row {row} cell {cell}, ").format(
                        table=table_index, row=row_index, cell=column_index))

    for where, paragraph in paragraphs(document, ""):
        tags += _tags_in(paragraph.text, where)
    for number, section in enumerate(document.sections, 1):
        for label, part in ((N_("section {number} header, "), section.header),
                            (N_("section {number} footer, "), section.footer)):
            if part.is_linked_to_previous and number > 1:
                continue
            for where, paragraph in paragraphs(part, _(label).format(number=number)):
                tags += _tags_in(paragraph.text, where)
    return tags


def pptx_tags(presentation) -> list[Tag]:
    """Every tag of a python-pptx Presentation, with its slide and shape."""
    tags = []
    for number, where, paragraph in pptx_paragraphs(presentation):
        tags += _tags_in("".join(run.text for run in paragraph.runs),
                         _("slide {number}, {where}").format(number=number, where=where))
    return tags


def check_tag_limits(tags: list[Tag], path: Path) -> None:
    """FormError (exit 2) when a form has more tags, or a longer one, than a form could need."""
    if len(tags) > MAX_FORM_TAGS:
        raise FormError(_("{file}: {count:,} tags, over the limit of {limit:,} for one form. Tag the fields the form "
                          "shows; a list is one {loop} row, not a tag per item.").format(
            file=path, count=len(tags), limit=MAX_FORM_TAGS, loop="{%tr for … %}"))
    longest = max(tags, key=lambda tag: len(tag.text), default=None)
    if longest is not None and len(longest.text) > MAX_TAG_CHARS:
        raise FormError(_("{file}: {where}: a tag of {count:,} characters, over the limit of {limit:,}; a tag names a "
                          "field ({example}) or a loop.").format(file=path, where=longest.where, count=len(longest.text),
                                                                 limit=MAX_TAG_CHARS, example="{{ project.title.ja }}"))


def _plain(tag: str) -> str:
    return _DOCXTPL_PREFIX.sub(lambda m: m.group(1) + " ", tag)


def _paths(node, scope: dict[str, str]):
    """Yield (dotted path, node) for every variable reference, loop variables mapped to `list[]`."""
    from jinja2 import nodes

    if isinstance(node, nodes.For):
        iterable = _dotted(node.iter, scope)
        yield from _paths(node.iter, scope)
        inner = dict(scope)
        for target in node.target.find_all(nodes.Name) if not isinstance(node.target, nodes.Name) else [node.target]:
            inner[target.name] = (iterable + "[]") if iterable else "*"
        inner["loop"] = "*"
        for child in node.body + node.else_:
            yield from _paths(child, inner)
        return
    if isinstance(node, nodes.Assign):
        yield from _paths(node.node, scope)
        for target in node.target.find_all(nodes.Name) if not isinstance(node.target, nodes.Name) else [node.target]:
            scope[target.name] = "*"
        return
    if isinstance(node, (nodes.Getattr, nodes.Name)):
        path = _dotted(node, scope)
        if path is not None:
            yield path, node
            return
    for child in node.iter_child_nodes():
        yield from _paths(child, scope)


def _dotted(node, scope: dict[str, str]) -> str | None:
    from jinja2 import nodes

    parts = []
    while isinstance(node, nodes.Getattr):
        parts.append(node.attr)
        node = node.node
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, int):
        base = _dotted(node.node, scope)
        return None if base is None else ".".join([base + "[]"] + parts[::-1])
    if not isinstance(node, nodes.Name):
        return None
    root = scope.get(node.name, node.name)
    return ".".join([root] + parts[::-1])


def check_form(path: Path, kind: str | None = None) -> list[Finding]:
    from jinja2 import TemplateSyntaxError, nodes
    from jinja2.sandbox import SandboxedEnvironment

    from c3p_docs.form_fields import install_filters

    data = _open_check(path)
    document = open_document(path, data)
    tags = docx_tags(document) if path.suffix.lower() == ".docx" else pptx_tags(document)
    check_tag_limits(tags, path)
    if not tags:
        return [Finding("no-tags", "warning", _("no {tags} placeholders found; nothing would be filled.").format(
            tags="{{ … }}"), file=str(path))]
    findings = [Finding("form-syntax", "error", _("unterminated tag {tag}: it has no closing {end} in the same "
                                                  "paragraph.").format(
        tag=repr(tag.text), end="}}" if tag.text.startswith("{{") else "%}"), file=str(path), path=tag.where)
        for tag in tags if not TAG.fullmatch(tag.text)]
    tags = [tag for tag in tags if TAG.fullmatch(tag.text)]
    if not tags:
        return findings
    env = SandboxedEnvironment()
    install_filters(env, "")
    source = "\n".join(_plain(tag.text).replace("\n", " ") for tag in tags)
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as error:
        tag = tags[min(error.lineno, len(tags)) - 1]
        return findings + [Finding("form-syntax", "error", _("{error} in {tag}.").format(
            error=error.message, tag=repr(tag.text)), file=str(path), path=tag.where)]
    except RecursionError:
        return findings + [Finding("form-syntax", "error", _("a tag nests brackets or blocks too deeply to read."),
                                   file=str(path))]
    known = known_paths()
    used: set[str] = set()
    for dotted, node in _paths(tree, {}):
        tag = tags[node.lineno - 1]
        if dotted.startswith("*") or dotted.split(".")[0] in ("loop", "range", "True", "False", "None"):
            continue
        if dotted.split(".")[0] in OPEN_KEYS or dotted in known:
            used.add(dotted)
            continue
        # `x.ja` on a plain string or a method call on a known value: the longest known prefix decides.
        prefix = dotted
        while "." in prefix and prefix not in known:
            prefix = prefix.rsplit(".", 1)[0]
        if prefix in known and prefix != dotted and not _is_mapping(prefix):
            used.add(prefix)
            continue
        close = difflib.get_close_matches(dotted, sorted(known), n=1, cutoff=0.6)
        hint = (_("Did you mean {name}?").format(name=repr(close[0])) if close
                else _("Run `c3p-docs fields` for the list."))
        findings.append(Finding("unknown-variable", "error", sentences(_("{name} is not a field.").format(
            name=repr(dotted)), hint), file=str(path), path=tag.where))
    for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        findings.append(Finding("form-include", "error", _("tags cannot include, import or extend other files; put the "
                                                           "text in the form itself."), file=str(path),
                                path=tags[node.lineno - 1].where))
    for node in tree.find_all(nodes.Getattr):
        if node.attr.startswith("_"):
            tag = tags[node.lineno - 1]
            findings.append(Finding("unsafe-attribute", "error", _("{name}: private attributes are refused when the "
                                                                   "form is filled.").format(name=repr(node.attr)),
                                    file=str(path), path=tag.where))
    for node in tree.find_all(nodes.Filter):
        if node.name not in env.filters:
            tag = tags[node.lineno - 1]
            close = difflib.get_close_matches(node.name, list(env.filters), n=1)
            message = _("filter {name} does not exist.").format(name=repr(node.name))
            if close:
                message = sentences(message, _("Did you mean {name}?").format(name=repr(close[0])))
            findings.append(Finding("unknown-filter", "error", message, file=str(path), path=tag.where))
    if kind:
        for required in REQUIRED.get(kind.removesuffix("_ja").removesuffix("_en"), []):
            if not any(u == required or u.startswith(required + ".") for u in used):
                findings.append(Finding("untagged-field", "warning", _("{field} is not tagged; {kind} forms normally "
                                                                       "show it.").format(field=required, kind=kind),
                                        file=str(path)))
    return findings


@cache
def _mapping_paths() -> frozenset[str]:
    known = known_paths()
    return frozenset(p.rsplit(".", 1)[0] for p in known if "." in p)


def _is_mapping(path: str) -> bool:
    return path in _mapping_paths()
