"""The few exceptions c3p-docs raises on purpose; the CLI turns each into a message and an exit code."""

from __future__ import annotations

from c3p_docs.i18n import _

EX_SOFTWARE = 70
"""Exit code of an internal error (a bug), kept apart from 2 (usage or unreadable input); BSD sysexits."""
EX_IOERR = 74
"""Exit code when standard output could not take what a command printed (a full disk, a closed descriptor)."""


def report_hint() -> str:
    """What to do about an internal error, in the message language."""
    return _("This is a bug in c3p-docs, not a problem with your input: please report it with the command you ran "
             "and what it printed when run again with C3P_DEBUG=1 set (the details).")


def internal_error(error: BaseException) -> str:
    """The message of an unexpected exception: what it was, that it is a bug, and how to report it."""
    return _("internal error ({error}). {hint}").format(error=f"{type(error).__name__}: {error}", hint=report_hint())


class C3pError(Exception):
    """Base of our errors; `exit_code` follows PRODUCT.md (1 rules broken, 2 usage or unreadable input)."""

    exit_code = 2

    def __init__(self, message: str, findings: list | None = None, *, file: str | None = None,
                 line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.findings = findings or []
        self.file, self.line, self.column = file, line, column  # one place in one file (YAML syntax): for JSON


class UsageError(C3pError):
    """Raised by the CLI and loaders for bad flags, missing files, or unknown call names."""

    exit_code = 2


class InputError(C3pError):
    """Raised by loading when a file cannot be read as YAML or is hostile (tags, alias bombs, size)."""

    exit_code = 2


class RulesBroken(C3pError):
    """Raised when the input was read but breaks the schema or the call's rules."""

    exit_code = 1


class ToolMissing(C3pError):
    """Raised when an external tool (LibreOffice) is required by a flag but absent."""

    exit_code = 2


class Terminated(KeyboardInterrupt):
    """Raised by the CLI's SIGTERM/SIGHUP handler, so a run stops like Ctrl-C: cleanup runs, temporary files go."""

    def __init__(self, signum: int = 15) -> None:
        super().__init__(signum)
        self.signum = signum
