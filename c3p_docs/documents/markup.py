"""The block markup templates render to: a small XML vocabulary that the Word and slide writers read.

Templates are Jinja with autoescape on, so user data arrives escaped and can never add elements.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from contextlib import contextmanager

from c3p_docs.documents.markup_limits import check_limits
from c3p_docs.errors import C3pError
from c3p_docs.i18n import _


class TemplateError(C3pError):
    """Raised when a template (built-in or the user's override) renders to invalid markup."""

    exit_code = 2


def render_template(env, template_name: str, context: dict) -> str:
    """Render one template; whatever stops it (a syntax error, a sandbox limit, 1/0) names the template and line."""
    from jinja2 import TemplateError as JinjaError

    from c3p_docs.sandbox import template_place

    try:
        return env.get_template(template_name).render(**context)
    except (JinjaError, ArithmeticError, RecursionError, MemoryError, TypeError, ValueError, LookupError) as error:
        from jinja2 import TemplateNotFound

        message = getattr(error, "message", None) or str(error) or type(error).__name__
        if isinstance(error, TemplateNotFound):
            message = _("no template named {name} (--templates and the built-in folders are searched)").format(
                name=repr(error.name))
        elif isinstance(error, RecursionError):
            message = _("calls itself without end (recursion)")
        raise TemplateError(_("template {place}: {message}").format(place=template_place(error, template_name),
                                                                   message=message)) from None


def render_markup(env, template_name: str, context: dict) -> ET.Element:
    text = render_template(env, template_name, context)
    try:
        return check_limits(ET.fromstring(text), template_name)
    except ET.ParseError as error:
        line = error.position[0]
        snippet = text.splitlines()[line - 1].strip()[:120] if line <= len(text.splitlines()) else ""
        raise TemplateError(_("template {name} rendered invalid markup at line {line}: {error}: {text}").format(
            name=template_name, line=line, error=error.msg, text=snippet)) from None


def number(element: ET.Element, name: str, default: float | None = None) -> float:
    """A numeric attribute of the markup; a user template that omits or garbles it gets a clear error."""
    value = element.get(name)
    if value is None:
        if default is None:
            raise TemplateError(_("template markup: {element} needs a numeric {attribute} attribute.").format(
                element=f"<{element.tag}>", attribute=f'{name}="…"'))
        return default
    try:
        return float(value)
    except ValueError:
        raise TemplateError(_("template markup: {element}: {name} must be a number.").format(
            element=f'<{element.tag} {name}="{value[:20]}">', name=name)) from None


def number_list(element: ET.Element, name: str) -> list[float] | None:
    """A comma-separated numeric attribute (`widths="30,58,26"`), or None when absent."""
    value = element.get(name)
    if not value:
        return None
    try:
        return [float(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise TemplateError(_("template markup: {element}: {name} must be numbers separated by commas.").format(
            element=f'<{element.tag} {name}="{value[:30]}">', name=name)) from None


def text_of(element: ET.Element) -> str:
    """All text inside an element, whitespace folded (templates indent freely)."""
    return " ".join("".join(element.itertext()).split())


def table_rows(table: ET.Element) -> list[list[tuple[ET.Element, int, int]]]:
    """The rows of a <table> that hold text, each cell with its first grid column and its column span.

    A cell with `rowspan="N"` covers the same columns of the next N-1 rows, whose cells start after it.
    Rows without any text are left out: an empty row is a stray line on the page.
    """
    kept = [row for row in table.findall("tr") if any(text_of(cell) for cell in row)]
    covered: dict[tuple[int, int], bool] = {}
    grid: list[list[tuple[ET.Element, int, int]]] = []
    for index, row in enumerate(kept):
        column = 0
        cells = []
        for cell in row:
            while covered.get((index, column)):
                column += 1
            span = int(cell.get("span", "1"))
            for below in range(1, int(cell.get("rowspan", "1"))):
                for offset in range(span):
                    covered[(index + below, column + offset)] = True
            cells.append((cell, column, span))
            column += span
        grid.append(cells)
    return grid


@contextmanager
def laid_out(template_name: str, override: str | None):
    """Markup from the user's --templates that the writers cannot lay out (an unknown element, `pt="big"`)
    is the template's fault, said as such; with the built-in templates it would be our bug, so it stays one."""
    try:
        yield
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        if not override:
            raise
        raise TemplateError(_("template {name} (or a file it includes in {folder}): the markup cannot be laid out: "
                              "{error}. See the built-in template for the elements and attributes.").format(
            name=template_name, folder=override, error=error)) from None
