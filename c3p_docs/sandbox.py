"""The sandbox templates and tagged forms render in: Jinja's, plus limits on time, value size and output."""

from __future__ import annotations

import re
import sys
import time
import traceback
from contextlib import contextmanager
from functools import wraps

from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from markupsafe import Markup

from c3p_docs.i18n import N_, _

MAX_VALUE = 1_000_000
"""Characters (or items) in one value a template makes; a whole document holds far less."""
MAX_OUTPUT = 20_000_000
"""Characters one template may render."""
TIME_BUDGET_SECONDS = 10.0
"""Built-in templates render in milliseconds; a loop that runs longer is a runaway."""
MAX_RENDER_MEMORY = 512 * 1024 * 1024
"""Bytes one render (or one form) may add to the process's peak memory. Each value and the output are bounded on
their own; this bounds what a template piles up (a list of a thousand megabyte strings). Built-in templates add a
few MB."""
_MEMORY_EVERY = 256
"""Ticks between two looks at the process's peak memory (a system call each)."""
MAX_POWER_BITS = 100_000
"""Bits of an integer a template may make with `**` or `*` (~30,000 digits; printing one is refused past 4,300)."""
# Widths and precisions in %-formats and format specs: `%999999999d`, `{:>999999999}`.
_PERCENT_SPEC = re.compile(r"%[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")
_FORMAT_FIELD = re.compile(r"{[^{}]*}")


class LimitExceeded(SecurityError):
    """A template or form tag went over one of the sandbox's limits; the message says which."""


def _size(value) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple, dict)) else 0


def _check_size(value, what: str = N_("a value")):
    if _size(value) > MAX_VALUE:
        raise LimitExceeded(_("{what} of {count:,} characters or items is over the limit of {limit:,}").format(
            what=_(what), count=_size(value), limit=MAX_VALUE))
    return value


def _check_percent_format(text: str, arguments=None) -> None:
    for width, precision in _PERCENT_SPEC.findall(text):
        for number in (width, precision):
            if number == "*" or (number and (len(number) > 7 or int(number) > MAX_VALUE)):
                raise LimitExceeded(_("a width of {width} in a %-format is over the limit of {limit:,}").format(
                    width=number, limit=MAX_VALUE))
    # `'%s' * 1000 % ((a_megabyte,) * 1000)`: what the arguments add, before it is built.
    if isinstance(arguments, dict):
        made = len(text) + text.count("%(") * max((_size(value) for value in arguments.values()), default=0)
    else:
        made = len(text) + sum(_size(value) for value in (arguments if isinstance(arguments, tuple) else (arguments,)))
    if made > MAX_VALUE:
        raise LimitExceeded(_("a %-format would make more than {limit:,} characters").format(limit=MAX_VALUE))


def _check_format_spec(text: str) -> None:
    for field in _FORMAT_FIELD.findall(text):
        if any(len(number) > 7 or int(number) > MAX_VALUE for number in re.findall(r"\d+", field.partition(":")[2])):
            raise LimitExceeded(_("the format {field} asks for a width over the limit of {limit:,}").format(
                field=field, limit=MAX_VALUE))


def _check_resolved_spec(spec: str) -> None:
    """A format spec once its nested fields are filled in (`{:>{w}}` with w=999999999)."""
    for digits in re.findall(r"\d+", spec):
        if len(digits) > 7 or int(digits) > MAX_VALUE:
            raise LimitExceeded(_("the format spec {spec} asks for a width over the limit of {limit:,}").format(
                spec=repr(spec[:30]), limit=MAX_VALUE))


class _LimitedFormatter(SandboxedFormatter):
    """Jinja's sandboxed `str.format`, each field's width checked once nested fields are filled in and the text
    made so far counted (`'{0}{0}{0}…'.format(a_megabyte)` is refused before it is joined)."""

    made = 0

    def vformat(self, format_string, args, kwargs):
        self.made = len(format_string)
        return super().vformat(format_string, args, kwargs)

    def format_field(self, value, format_spec: str):
        _check_resolved_spec(format_spec)
        text = super().format_field(value, format_spec)
        self.made += len(text)
        if self.made > MAX_VALUE:
            raise LimitExceeded(_("{call} would make more than {limit:,} characters").format(
                call="format()", limit=MAX_VALUE))
        return text


class _LimitedEscapeFormatter(_LimitedFormatter, SandboxedEscapeFormatter):
    """The same for a Markup's format (values escaped)."""


def _check_numbers(name: str, arguments, keywords) -> None:
    """Widths, counts and lengths past the limit (`center(999999999)`, `ljust`, `indent`, `batch`)."""
    for argument in list(arguments) + list(keywords.values()):
        if isinstance(argument, int) and not isinstance(argument, bool) and abs(argument) > MAX_VALUE:
            raise LimitExceeded(_("{call} is over the limit of {limit:,}").format(call=f"{name}({argument})",
                                                                                  limit=MAX_VALUE))


def _check_replace(value, old, new) -> None:
    if isinstance(value, str) and isinstance(old, str) and isinstance(new, str):
        count = value.count(old) if old else len(value) + 1
        if len(value) + count * max(len(new) - len(old), 0) > MAX_VALUE:
            raise LimitExceeded(_("{call} would make more than {limit:,} characters").format(
                call="replace()", limit=MAX_VALUE))


def _check_join(separator, items) -> None:
    if isinstance(items, (list, tuple)):
        total = sum(_size(item) for item in items) + len(items) * _size(separator)
        if total > MAX_VALUE:
            raise LimitExceeded(_("join() of {count:,} characters is over the limit of {limit:,}").format(
                count=total, limit=MAX_VALUE))


def _check_widening(name: str, value, width) -> None:
    """`indent(999999)` or `expandtabs(999999)` repeat the width on every line or tab: bound the whole result."""
    amount = len(width) if isinstance(width, str) else width  # indent() also takes the indentation as text
    if not isinstance(value, str) or not isinstance(amount, int) or isinstance(amount, bool):
        return
    times = value.count("\t") if name == "expandtabs" else value.count("\n") + 1
    if len(value) + times * max(amount, 0) > MAX_VALUE:
        raise LimitExceeded(_("{call} would make more than {limit:,} characters").format(
            call=f"{name}({width})", limit=MAX_VALUE))


def _check_call(name: str, bound, arguments, keywords) -> None:
    """Refuse a str/list method call that would build a huge value, before it is built."""
    _check_numbers(name, arguments, keywords)
    if name == "replace" and len(arguments) >= 2:
        _check_replace(bound, arguments[0], arguments[1])
    elif name == "join" and arguments:
        _check_join(bound, arguments[0])
    elif name == "expandtabs":
        _check_widening(name, bound, arguments[0] if arguments else keywords.get("tabsize", 8))


class _LimitedCodeGenerator(CodeGenerator):
    """Compiles every `for` to iterate through the environment's clock, and checks what `~` joins."""

    def visit_For(self, node: nodes.For, frame) -> None:
        if not getattr(node, "limited", False):
            node.iter = nodes.Call(nodes.EnvironmentAttribute("limited_iter", lineno=node.lineno), [node.iter], [],
                                   None, None, lineno=node.lineno)
            node.limited = True  # type: ignore[attr-defined]
        super().visit_For(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame) -> None:
        self.write("environment.limited_value(")
        super().visit_Concat(node, frame)
        self.write(")")


class LimitedEnvironment(SandboxedEnvironment):
    """SandboxedEnvironment with a time budget per render (or per form), bounded values and bounded output.

    Jinja's sandbox already caps `range()` at 100,000 and refuses private attributes.
    """

    code_generator_class = _LimitedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%", "//"})
    compiled_as = "limits-1"
    """Changes whenever the code generator does, so no cached bytecode of another version is reused."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.globals.pop("lipsum", None)
        self.deadline: float | None = None
        self.memory_start: int | None = None
        self.ticks = 0

    # -- the clock -----------------------------------------------------------------------------------
    @contextmanager
    def budget(self):
        """One time budget for everything rendered inside (a form's many paragraphs share it)."""
        outer = self.deadline
        if outer is None:
            self.deadline = time.monotonic() + TIME_BUDGET_SECONDS
            self.memory_start = _peak_memory()
        try:
            yield
        finally:
            self.deadline = outer

    def tick(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise LimitExceeded(_("still running after {seconds:g} s (a loop too large?)").format(
                seconds=TIME_BUDGET_SECONDS))
        self.ticks += 1
        if self.ticks % _MEMORY_EVERY == 0 and self.deadline is not None and self.memory_start is not None:
            peak = _peak_memory()
            if peak is not None and peak - self.memory_start > MAX_RENDER_MEMORY:
                raise LimitExceeded(_("holding more than {megabytes:,} MB (values piling up in a loop?)").format(
                    megabytes=MAX_RENDER_MEMORY // 2**20))

    def limited_iter(self, iterable):
        for item in iterable:
            self.tick()
            yield item

    def limited_value(self, value):
        return _check_size(value, N_("a joined text"))

    def concat(self, pieces) -> str:  # type: ignore[override]
        """`Template.render` joins the output here: count it, and start the clock if nobody did."""
        with self.budget():
            output: list[str] = []
            total = 0
            for piece in pieces:
                total += len(piece)
                if total > MAX_OUTPUT:
                    raise LimitExceeded(_("the output is over the limit of {limit:,} characters").format(
                        limit=MAX_OUTPUT))
                self.tick()
                output.append(piece)
            return "".join(output)

    # -- operators, calls, filters --------------------------------------------------------------------
    def call_binop(self, context, operator: str, left, right):
        self.tick()
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if _size(sequence) and isinstance(count, int) and _size(sequence) * count > MAX_VALUE:
                    raise LimitExceeded(_("repeating {size:,} characters or items {count:,} times is over the limit of "
                                          "{limit:,}").format(size=_size(sequence), count=count, limit=MAX_VALUE))
            if isinstance(left, int) and isinstance(right, int) \
                    and left.bit_length() + right.bit_length() > MAX_POWER_BITS:
                raise LimitExceeded(_("multiplying integers of {left:,} and {right:,} bits is over the limit of "
                                      "{limit:,} bits").format(left=left.bit_length(), right=right.bit_length(),
                                                               limit=MAX_POWER_BITS))
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 \
                    and right * max(abs(left).bit_length(), 1) > MAX_POWER_BITS:
                raise LimitExceeded(_("{power} is too large a number").format(power=f"{left} ** {right}"))
        elif operator == "+" and _size(left) + _size(right) > MAX_VALUE:
            raise LimitExceeded(_("joining {count:,} characters or items is over the limit of {limit:,}").format(
                count=_size(left) + _size(right), limit=MAX_VALUE))
        elif operator == "%" and isinstance(left, str):
            _check_percent_format(left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        __self.tick()
        name = getattr(__obj, "__name__", "")
        bound = getattr(__obj, "__self__", None)
        if isinstance(bound, (str, list, tuple, dict)):
            _check_call(name, bound, args, kwargs)
        return _check_size(super().call(__context, __obj, *args, **kwargs),
                           _("the result of {call}").format(call=f"{name}()") if name else N_("the result of a call"))

    def wrap_str_format(self, value):
        """`'{:>999999999}'.format(x)` is refused when the method is looked up; `'{:>{w}}'.format(x, w=…)` when the
        field is formatted (Jinja's own wrapper, with a formatter that checks each field's spec)."""
        if getattr(value, "__name__", "") not in ("format", "format_map") \
                or not isinstance(getattr(value, "__self__", None), str):
            return None
        text = value.__self__
        _check_format_spec(text)
        formatter = _LimitedEscapeFormatter(self, escape=text.escape) if isinstance(text, Markup) \
            else _LimitedFormatter(self)
        is_format_map = value.__name__ == "format_map"

        def formatted(*args, **kwargs) -> str:
            if is_format_map:
                if kwargs or len(args) != 1:
                    raise TypeError(_("{call} takes exactly one argument").format(call="format_map()"))
                return _check_size(type(text)(formatter.vformat(text, (), args[0])), N_("a formatted text"))
            return _check_size(type(text)(formatter.vformat(text, args, kwargs)), N_("a formatted text"))

        return wraps(value)(formatted)

    def limit_filters(self) -> None:
        """Wrap every filter (installed ones too) with the clock and the size checks."""
        for name, function in list(self.filters.items()):
            if not getattr(function, "limited", False):
                self.filters[name] = _limited_filter(self, name, function)


def _limited_filter(env: LimitedEnvironment, name: str, function):
    skip = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0  # context or environment first

    @wraps(function)
    def limited(*args, **kwargs):
        env.tick()
        value, rest = (args[skip], args[skip + 1:]) if len(args) > skip else (None, ())
        _check_numbers(name, rest, kwargs)
        if name == "replace" and len(rest) >= 2:
            _check_replace(value, rest[0], rest[1])
        elif name == "join":
            _check_join(rest[0] if rest else kwargs.get("d", ""), value)
        elif name == "format" and isinstance(value, str):
            _check_percent_format(value, rest)
        elif name == "indent":
            _check_widening(name, value, rest[0] if rest else kwargs.get("width", 4))
        return _check_size(function(*args, **kwargs), _("the result of the {name} filter").format(name=name))

    limited.limited = True  # type: ignore[attr-defined]
    return limited


def _peak_memory() -> int | None:
    """The process's peak resident memory in bytes; None where it cannot be read (Windows)."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def template_place(error: BaseException, default: str = "template") -> str:
    """`cover.xml.j2:12` for an error raised while rendering: the template frame Jinja put in the traceback."""
    if isinstance(error, TemplateSyntaxError):
        return f"{error.filename or error.name or default}:{error.lineno}"
    place = default
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith((".j2", ".xml", ".txt")) or frame.filename == "<template>":
            name = default if frame.filename == "<template>" else frame.filename.replace("\\", "/").rsplit("/", 1)[-1]
            place = f"{name}:{frame.lineno}"
    return place
