"""Document kinds: one module each in this folder declares what it renders; the registry finds them by name.

A kind module builds a `Kind` and passes it to `register`; `get("overview")` imports `kinds/overview.py` on
first use, `every_kind()` imports them all. A new attachment next year is a new module here plus an entry
with `kind:` in the call profile. Every build imports every kind (to order them and check --only), an unchanged
one included: a kind module imports what renders it inside its hooks, so registering it stays cheap.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from c3p_docs.calls import AttachmentRule
    from c3p_docs.documents.renderer import Renderer
    from c3p_docs.documents.sheets import Sheet
    from c3p_docs.findings import Finding
    from c3p_docs.model import Project

Writer = Literal["word", "slides", "sheet", "workbook", "mail"]
Group = Literal["attachment", "support", "mail", "monthly", "contract"]


@dataclass(frozen=True)
class Request:
    """One file to render: its kind and language, where it goes in the output folder, what the kind needs."""

    kind: str
    lang: str
    relative: str
    created: dt.datetime
    """The documents' date stamp (created and modified): fixed by the input, so rebuilds are identical."""
    pdf_relative: str | None = None
    """Where its PDF goes, when the command wants one."""
    attachment: AttachmentRule | None = None
    """The call's attachment rule it fulfils (build), None for other documents."""
    page_limit: int | None = None
    """Pages it must fit, when the call or the kind sets a limit."""
    params: dict[str, Any] = field(default_factory=dict)
    """What the kind's hooks read: the organisation, activity, session, month or settlement."""
    extra: dict[str, Any] = field(default_factory=dict)
    """More keys for its manifest entry (activity, session, fiscal_year, month)."""


@dataclass(frozen=True)
class Output:
    """One file a kind renders: its extension, the writer that makes it and the template it starts from."""

    extension: str
    writer: Writer
    template: str | None = None
    page_limit: int | None = None
    """Pages the kind itself always fits (a one-page report); attachments take the call's `max_pages`."""


@dataclass(frozen=True)
class Kind:
    """What a document kind renders, in which languages, how small it may be set, and its own findings."""

    name: str
    outputs: tuple[Output, ...]
    group: Group = "attachment"
    """attachment (of a call, via the profile's `kind:`), support (built beside them), mail, monthly, contract."""
    languages: tuple[str, ...] = ("ja", "en")
    order: float = 100
    """Its place in a build: the manifest and progress follow it."""
    floor: float = 9.0
    """Smallest body size (pt) a page-limited Word output is set in before the too-long finding."""
    too_long_code: str = "too-many-pages"
    form: Literal["kind", "language"] | None = None
    """A tagged official form may replace it: named by the kind (`pledge`) or kind and language (`summary_ja`)."""
    context: Callable[[Renderer, Request, dict], dict] | None = None
    """The template's namespace from the shared one (the default is the shared one itself)."""
    sheet: Callable[[Renderer, Request], Sheet] | None = None
    """For the `sheet` writer: the table it shows."""
    title: Callable[[Renderer, Request], str] | None = None
    """Document title in the file's properties (default: the project title)."""
    shorten: Callable[[Renderer, Request], str] | None = None
    """The YAML fields that take most room, named when it does not fit its pages."""
    available: Callable[[Project], bool] | None = None
    """Whether the project's data can make it at all (a bare count of adoptions cannot make ⑦'s list)."""
    findings: Callable[[Renderer, list[Request]], list[Finding]] | None = None
    """What the kind finds in the project before rendering (reminders, gaps), once per command."""

    def output_for(self, relative: str) -> Output:
        """The output a file name stands for (by extension), else the kind's first."""
        return next((o for o in self.outputs if relative.endswith(o.extension)), self.outputs[0])

    @property
    def extension(self) -> str:
        return self.outputs[0].extension

    def form_key(self, lang: str) -> str | None:
        """Its name under `forms:` / --form, or None when no form may replace it."""
        if self.form == "kind":
            return self.name
        return f"{self.name}_{lang}" if self.form == "language" else None

    def can_make(self, project: Project) -> bool:
        return self.available is None or self.available(project)


_REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind to the registry (each kind module calls this once, at import)."""
    _REGISTRY[kind.name] = kind
    return kind


def get(name: str) -> Kind | None:
    """The kind named `name`, importing its module on first use; None when there is no such kind."""
    if name not in _REGISTRY and name.isidentifier():
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise
    return _REGISTRY.get(name)


@cache
def every_kind() -> tuple[Kind, ...]:
    """Every kind of this folder, in build order (its modules are imported once)."""
    for module in pkgutil.iter_modules(__path__):
        get(module.name)
    return tuple(sorted(_REGISTRY.values(), key=lambda kind: (kind.order, kind.name)))


def build_kinds() -> tuple[str, ...]:
    """The kinds `build` makes (`--only` takes these), in build order."""
    return tuple(kind.name for kind in every_kind() if kind.group in ("attachment", "support", "mail"))
