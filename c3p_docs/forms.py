"""Fill the ministry's own tagged forms: Word through docxtpl, PowerPoint paragraph by paragraph."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from c3p_docs.errors import C3pError
from c3p_docs.i18n import N_, _, sentences

TAG = re.compile(r"({{.*?}}|{%.*?%})", re.S)


MAX_FORM_BYTES = 100 * 1024 * 1024
MAX_FORM_PARTS = 5000
MAX_FORM_UNCOMPRESSED = 300 * 1024 * 1024
MAX_FORM_XML = 50 * 1024 * 1024
"""Declared size of a form's XML parts; a real form's are a few MB, a bomb's are gigabytes."""
MAIN_PART = {".docx": "word/document.xml", ".pptx": "ppt/presentation.xml"}


class FormError(C3pError):
    """Raised when a user's form cannot be read as a Word or PowerPoint file; names the file and why."""

    exit_code = 2


class FormTagError(FormError):
    """Raised when a form's tags cannot be rendered (syntax, a sandbox limit, a private attribute); names the place."""

    exit_code = 1


def _environment(placeholder: str):
    """Sandboxed Jinja with limits, where `budget.items` is the list of items, not `dict.items` (keys win
    over methods), and tags cannot include other files."""
    from jinja2 import FunctionLoader

    from c3p_docs.form_fields import install_filters
    from c3p_docs.sandbox import LimitedEnvironment

    class FormEnvironment(LimitedEnvironment):
        def getattr(self, obj, attribute):
            if isinstance(obj, dict) and attribute in obj:
                return obj[attribute]
            return super().getattr(obj, attribute)

    env = FormEnvironment(autoescape=True, loader=FunctionLoader(lambda name: None))
    install_filters(env, placeholder)
    env.limit_filters()
    return env


def _open_check(path: Path) -> bytes:
    """The form's bytes, once it is known to be a sane .docx/.pptx container (no macros, no bomb)."""
    from c3p_docs.loading import read_limited

    if not path.exists() and not path.is_symlink():
        raise FormError(_("{file}: no such form file. Check `forms:` in the project or --form.").format(file=path))
    suffix = path.suffix.lower()
    if suffix not in MAIN_PART:
        raise FormError(_("{file}: forms must be .docx or .pptx (got {suffix}).").format(
            file=path, suffix=suffix or _("no extension")))
    data = read_limited(path, N_("form"), MAX_FORM_BYTES)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            xml = sum(i.file_size for i in infos if i.filename.lower().endswith((".xml", ".rels")))
            if len(infos) > MAX_FORM_PARTS or sum(i.file_size for i in infos) > MAX_FORM_UNCOMPRESSED \
                    or xml > MAX_FORM_XML:
                raise FormError(_("{file}: too large or too many parts for a form (a zip bomb?).").format(file=path))
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise FormError(_("{file}: the form contains macros; save it as a macro-free .docx/.pptx "
                                  "first.").format(file=path))
            if any(info.flag_bits & 0x1 for info in infos):
                raise FormError(_("{file}: the form is encrypted; save it without a password.").format(file=path))
            if "[Content_Types].xml" not in names or MAIN_PART[suffix] not in names:
                raise FormError(_("{file}: not a {program} file ({part} is missing). Open it in Office and save it again "
                                  "as {suffix}.").format(file=path, program="Word" if suffix == ".docx" else "PowerPoint",
                                                         part=MAIN_PART[suffix], suffix=suffix))
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise FormError(_("{file}: not a Word or PowerPoint file (not a zip container).").format(file=path)) from None
    return data


def open_document(path: Path, data: bytes):
    """python-docx's Document or python-pptx's Presentation of a form; a damaged one is a FormError."""
    try:
        if path.suffix.lower() == ".docx":
            from docx import Document

            return Document(io.BytesIO(data))
        from pptx import Presentation

        return Presentation(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - broken parts, relationships, XML: all mean "save it again"
        detail = str(error).splitlines()[0][:160] if str(error) else ""
        raise FormError(_("{file}: cannot be opened as a {program} document ({error}). Open it in Office and save it "
                          "again.").format(file=path, program="Word" if path.suffix.lower() == ".docx" else "PowerPoint",
                                           error=type(error).__name__ + (": " + detail if detail else ""))) from None


def _tag_failure(path: Path, where: str, error: BaseException, hint: str = "") -> FormTagError:
    """What stopped a tag, in the user's words; never a traceback."""
    from jinja2 import TemplateError, TemplateNotFound

    message = (getattr(error, "message", None) or str(error) or type(error).__name__).rstrip(".")
    if isinstance(error, TemplateNotFound):
        message = _("tags cannot include or import other files ({name})").format(name=repr(error.name))
    elif isinstance(error, RecursionError):
        message = _("a macro calls itself without end")
    elif not isinstance(error, TemplateError):  # 1/0, a wrong type: say what Python said
        message = f"{type(error).__name__}: {message}"
    return FormTagError(sentences(_("{file}: {where}: {message}.").format(file=path, where=where, message=message),
                                  hint, _("Run `c3p-docs check-form {file}` to check the tags.").format(file=path)))


def _loop_places(data: bytes) -> str:
    """Where a Word form has loops: the usual suspects when it runs over a limit."""
    from c3p_docs.form_check import docx_tags

    try:
        from docx import Document

        loops = [t for t in docx_tags(Document(io.BytesIO(data))) if t.text.startswith("{%") and " for " in t.text]
    except Exception:  # noqa: BLE001 - only a hint
        return ""
    if not loops:
        return ""
    return _("Loops in the form: {loops}.").format(loops="; ".join(f"{t.where} {t.text[:60]}" for t in loops[:3]))


def fill_docx(path: Path, context: dict, placeholder: str) -> bytes:
    from docxtpl import DocxTemplate

    from c3p_docs.form_check import check_tag_limits, docx_tags

    data = _open_check(path)
    # A damaged package or a flood of tags is the form's fault (exit 2), found before any tag runs.
    check_tag_limits(docx_tags(open_document(path, data)), path)
    template = DocxTemplate(io.BytesIO(data))
    env = _environment(placeholder)
    try:
        with env.budget():
            template.render(context, jinja_env=env, autoescape=True)
        buffer = io.BytesIO()
        template.save(buffer)
    except Exception as error:  # noqa: BLE001 - sandbox limits, syntax, 1/0, XML the tags broke
        from c3p_docs.sandbox import LimitExceeded

        hint = _loop_places(data) if isinstance(error, LimitExceeded) else ""
        raise _tag_failure(path, _("a tag cannot be rendered"), error, hint) from None
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
                    yield _("{shape} cell ({row},{column})").format(shape=shape.name, row=row_index + 1,
                                                                    column=column_index + 1), cell.text_frame
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
    from c3p_docs.form_check import check_tag_limits, pptx_tags

    data = _open_check(path)
    presentation = open_document(path, data)
    check_tag_limits(pptx_tags(presentation), path)
    env = _environment(placeholder)
    env.autoescape = False  # python-pptx escapes text itself; values are passed, never parsed as templates
    with env.budget():  # one time budget for the whole form
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
            except Exception as error:  # noqa: BLE001 - sandbox limits, syntax, 1/0: a finding with its place
                raise _tag_failure(path, _("slide {number}, {where}").format(number=number, where=where),
                                   error) from None
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
    raise FormError(_("{file}: forms must be .docx or .pptx (got {suffix}).").format(
        file=path, suffix=suffix or _("no extension")))
