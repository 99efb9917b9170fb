"""The language of messages (findings, summaries, prompts, --help) and their gettext catalogs."""

from __future__ import annotations

import gettext
import hashlib
import os
import sys
from pathlib import Path

DOMAIN = "c3p_docs"
LANGUAGES = ("ja", "en")
"""Every language c3p-docs speaks and writes; English is the messages as written in the code (no catalog)."""
LOCALE_DIR = Path(__file__).parent / "locale"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
"""The first of these that is set names the user's locale (`ja_JP.UTF-8` → Japanese)."""


class _State:
    language: str | None = None
    catalog: gettext.NullTranslations = gettext.NullTranslations()


_state = _State()


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined (a constant); `_()` translates it where it is used."""
    return message


def _(message: str) -> str:
    """`message` in the message language; a message with fields stays a format string: `_("{file} …").format(…)`."""
    if _state.language is None:
        use(from_environment())
    return _state.catalog.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for `count` (Japanese has one)."""
    if _state.language is None:
        use(from_environment())
    return _state.catalog.ngettext(singular, plural, count)


def profile_text(text: str | None) -> str | None:
    """A call profile's own words (a rule's `note`) in the message language: the bundled profiles' notes are in the
    catalog (babel.cfg extracts them with `extract_profile_notes`); a profile of your own is shown as written."""
    if not text:
        return text
    if _state.language is None:
        use(from_environment())
    return _state.catalog.gettext(text)


def extract_profile_notes(fileobj, keywords, comment_tags, options):
    """babel extractor for call profiles (c3p_docs/calls/*.yaml): every `note` and `assumed_note` written as one
    text, with its line; one given as `{ja: …, en: …}` is in both languages already."""
    import yaml

    def walk(node):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value in ("note", "assumed_note") and isinstance(value, yaml.ScalarNode) and value.value:
                    yield value.start_mark.line + 1, None, value.value, []
                else:
                    yield from walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                yield from walk(item)

    yield from walk(yaml.compose(fileobj.read().decode("utf-8"), Loader=yaml.SafeLoader))


def sentences(*parts: str) -> str:
    """Sentences (or a sentence and its parenthesis) one after the other: a space between them in English, none in
    Japanese, whose sentences end in 。 and whose brackets are full-width."""
    return ("" if language() == "ja" else " ").join(part for part in parts if part)


def language() -> str:
    """The message language: `ja` or `en`."""
    if _state.language is None:
        use(from_environment())
    return _state.language or "en"


def use(lang: str) -> None:
    """Speak `lang` from now on (`ja` or `en`): our messages, and the words click and typer print."""
    if lang == _state.language:
        return
    _state.catalog = catalog(lang)
    _state.language = lang
    _answer_default_domain()


def choose(arguments: list[str]) -> str:
    """Decide the message language of a run before anything is printed (or --help evaluated): the first
    language of --lang on the command line, else C3P_LANG, else the locale, else English."""
    lang = from_arguments(arguments) or from_environment()
    use(lang)
    return lang


def from_arguments(arguments: list[str]) -> str | None:
    """The first language of `--lang X` / `--lang=X` before any `--`; None when there is none we speak."""
    for index, argument in enumerate(arguments):
        if argument == "--":
            return None
        if argument == "--lang":
            value: str | None = arguments[index + 1] if index + 1 < len(arguments) else None
        elif argument.startswith("--lang="):
            value = argument.partition("=")[2]
        else:
            continue
        first = (value or "").split(",")[0].strip()
        return first if first in LANGUAGES else None
    return None


def from_environment() -> str:
    """C3P_LANG (`ja`, `en`), else the locale (`ja*` → Japanese), else English."""
    chosen = os.environ.get("C3P_LANG", "").split(",")[0].strip().lower()
    for lang in LANGUAGES:
        if chosen.startswith(lang):
            return lang
    return "ja" if _locale_name().lower().startswith("ja") else "en"


def _locale_name() -> str:
    """The user's locale: the first locale variable set (POSIX), else on Windows the display language."""
    for variable in LOCALE_VARIABLES:
        value = os.environ.get(variable, "")
        if value:
            return value.split(":")[0]  # LANGUAGE is a list, `ja:en`
    if sys.platform == "win32":
        try:
            import ctypes

            if ctypes.windll.kernel32.GetUserDefaultUILanguage() & 0x3FF == 0x11:  # LANG_JAPANESE
                return "ja"
        except (AttributeError, OSError):
            pass
        import locale

        name = locale.getlocale()[0] or ""
        return "ja" if name.lower().startswith(("ja", "japanese")) else name
    return ""


def catalog(lang: str) -> gettext.NullTranslations:
    """The translations of `lang`: the .mo the package build compiled, or in a source checkout (no .mo, or one
    older than its .po) the .po compiled in memory, kept in the user cache by its contents."""
    if lang not in LANGUAGES or lang == "en":
        return gettext.NullTranslations()
    base = LOCALE_DIR / lang / "LC_MESSAGES" / DOMAIN
    source, compiled = base.with_suffix(".po"), base.with_suffix(".mo")
    try:
        po_time = source.stat().st_mtime_ns if source.is_file() else None
        if compiled.is_file() and (po_time is None or compiled.stat().st_mtime_ns >= po_time):
            data = compiled.read_bytes()
        elif po_time is not None:
            data = _compiled_in_memory(source.read_bytes())
        else:
            return gettext.NullTranslations()
    except OSError:
        return gettext.NullTranslations()
    import io

    # gettext's own reader: babel.support.Translations is this class plus domains we do not use, and importing
    # it costs ~15 ms at every start in Japanese.
    return gettext.GNUTranslations(io.BytesIO(data))


def _compiled_in_memory(po: bytes) -> bytes:
    import babel

    from c3p_docs.cache import cached_pickle

    key = f"{hashlib.sha256(po).hexdigest()}\0{babel.__version__}"
    return cached_pickle("messages", key, lambda: compile_po(po))


def compile_po(po: bytes) -> bytes:
    """A .po catalog compiled to .mo bytes (fuzzy entries left out, as `pybabel compile` does)."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    buffer = io.BytesIO()
    write_mo(buffer, read_po(io.BytesIO(po), domain=DOMAIN))
    return buffer.getvalue()


_stdlib_dgettext = gettext.dgettext
_stdlib_dngettext = gettext.dngettext


def _dgettext(domain: str, message: str) -> str:
    if domain == gettext.textdomain():
        return _(message)
    return _stdlib_dgettext(domain, message)


def _dngettext(domain: str, singular: str, plural: str, count: int) -> str:
    if domain == gettext.textdomain():
        return ngettext(singular, plural, count)
    return _stdlib_dngettext(domain, singular, plural, count)


def _answer_default_domain() -> None:
    """typer (and click) take their words ("Options", "[default: …]", "Aborted!") from gettext's default domain
    through `gettext.gettext`, which looks `dgettext` up at each call: answer that domain from our catalog."""
    gettext.dgettext = _dgettext  # type: ignore[assignment]
    gettext.dngettext = _dngettext  # type: ignore[assignment]
