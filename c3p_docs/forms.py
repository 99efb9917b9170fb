"""Fill the ministry's own tagged forms: Word through docxtpl, PowerPoint paragraph by paragraph."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from c3p_docs.errors import C3pError

TAG = re.compile(r"({{.*?}}|{%.*?%})", re.S)


class FormError(C3pError):
    """Raised when a user's form cannot be read or its tags cannot be rendered; names the file and place."""

    exit_code = 1


def _environment(placeholder: str):
    """Sandboxed Jinja where `budget.items` is the list of items, not `dict.items` (keys win over methods)."""
    from jinja2.sandbox import SandboxedEnvironment

    from c3p_docs.form_fields import install_filters

    class FormEnvironment(SandboxedEnvironment):
        def getattr(self, obj, attribute):
            if isinstance(obj, dict) and attribute in obj:
                return obj[attribute]
            return super().getattr(obj, attribute)

    env = FormEnvironment(autoescape=True)
    install_filters(env, placeholder)
    return env


def _open_check(path: Path) -> bytes:
    if not path.is_file():
        raise FormError(f"{path}: no such form file. Check `forms:` in the project or --form.")
    data = path.read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if len(names) > 5000 or sum(i.file_size for i in archive.infolist()) > 300 * 1024 * 1024:
                raise FormError(f"{path}: too large or too many parts for a form.")
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise FormError(f"{path}: the form contains macros; save it as a macro-free .docx/.pptx first.")
    except zipfile.BadZipFile:
        raise FormError(f"{path}: not a Word or PowerPoint file (not a zip container).") from None
    return data


def fill_docx(path: Path, context: dict, placeholder: str) -> bytes:
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    data = _open_check(path)
    template = DocxTemplate(io.BytesIO(data))
    try:
        template.render(context, jinja_env=_environment(placeholder), autoescape=True)
    except TemplateError as error:
        raise FormError(f"{path}: a tag cannot be rendered: {error}. Run `c3p-docs check-form {path}` to find it.") from None
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def _text_frames(shapes):
    """Every text frame in shapes, groups (recursively) and table cells."""
    for shape in shapes:
        if shape.shape_type == 6:  # group
            yield from _text_frames(shape.shapes)
            continue
        if getattr(shape, "has_table", False) and shape.has_table:
            for row_index, row in enumerate(shape.table.rows):
                for column_index, cell in enumerate(row.cells):
                    yield f"{shape.name} cell ({row_index + 1},{column_index + 1})", cell.text_frame
        if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            yield shape.name, shape.text_frame


def pptx_paragraphs(presentation):
    """(slide number, where, paragraph) for every paragraph of every slide."""
    for number, slide in enumerate(presentation.slides, 1):
        for where, frame in _text_frames(slide.shapes):
            for paragraph in frame.paragraphs:
                yield number, where, paragraph


def fill_pptx(path: Path, context: dict, placeholder: str) -> bytes:
    """Render each paragraph holding a tag as one template; the text keeps its first run's formatting."""
    from jinja2 import TemplateError
    from pptx import Presentation

    data = _open_check(path)
    presentation = Presentation(io.BytesIO(data))
    env = _environment(placeholder)
    env.autoescape = False  # python-pptx escapes text itself; values are passed, never parsed as templates
    for number, where, frame in pptx_frames(presentation):
        texts = ["".join(run.text for run in p.runs) for p in frame.paragraphs]
        if not any("{{" in t or "{%" in t for t in texts):
            continue
        try:
            if all(_parses(env, t) for t in texts):
                # Each paragraph is its own template, so each keeps its own formatting.
                for paragraph, text in zip(frame.paragraphs, texts):
                    if "{{" in text or "{%" in text:
                        _replace_runs(paragraph, env.from_string(text).render(context))
            else:
                # A block spans paragraphs ({% for %} … {% endfor %}): render the frame as one template.
                rendered = env.from_string("\n".join(texts)).render(context)
                _replace_frame(frame, rendered)
        except TemplateError as error:
            raise FormError(f"{path}: slide {number}, {where}: {error}. Run `c3p-docs check-form {path}`.") from None
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def pptx_frames(presentation):
    for number, slide in enumerate(presentation.slides, 1):
        for where, frame in _text_frames(slide.shapes):
            yield number, where, frame


def _parses(env, text: str) -> bool:
    from jinja2 import TemplateSyntaxError

    try:
        env.parse(text)
        return True
    except TemplateSyntaxError:
        return False


def _run_properties(paragraph):
    runs = paragraph.runs
    if not runs:
        return None
    return runs[0]._r.find("{http://schemas.openxmlformats.org/drawingml/2006/main}rPr")


def _replace_runs(paragraph, rendered: str, properties=None) -> None:
    """Put `rendered` into the paragraph in the first run's formatting; line feeds become line breaks."""
    import copy

    properties = _run_properties(paragraph) if properties is None else properties
    for element in list(paragraph._p):
        if element.tag.endswith("}r") or element.tag.endswith("}br"):
            paragraph._p.remove(element)
    for index, line in enumerate(rendered.split("\n")):
        if index:
            paragraph.add_line_break()
        run = paragraph.add_run()
        run.text = line
        if properties is not None:
            run._r.insert(0, copy.deepcopy(properties))


def _replace_frame(frame, rendered: str) -> None:
    """One paragraph per rendered line, each in the first paragraph's formatting."""
    import copy

    paragraphs = frame.paragraphs
    first = paragraphs[0]
    properties = _run_properties(first)
    template = copy.deepcopy(first._p)
    for paragraph in paragraphs[1:]:
        frame._txBody.remove(paragraph._p)
    lines = rendered.rstrip("\n").split("\n")
    _replace_runs(first, lines[0], properties)
    anchor = first._p
    from pptx.text.text import _Paragraph

    for line in lines[1:]:
        element = copy.deepcopy(template)
        anchor.addnext(element)
        anchor = element
        _replace_runs(_Paragraph(element, first._parent), line, properties)


def fill_form(path: Path, context: dict, placeholder: str) -> bytes:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return fill_docx(path, context, placeholder)
    if suffix == ".pptx":
        return fill_pptx(path, context, placeholder)
    raise FormError(f"{path}: forms must be .docx or .pptx (got {suffix or 'no extension'}).")
