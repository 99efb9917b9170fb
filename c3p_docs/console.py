"""The process's side of a run: standard streams that may be closed or full, stop signals, one JSON answer."""

from __future__ import annotations

import errno
import os
import signal
import sys
from typing import Any

from c3p_docs.errors import Terminated
from c3p_docs.i18n import _

STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")
"""Each stops a run like Ctrl-C (temporary files go) and exits 128 + its number: 130, 143, 129."""


class OutputLost(Exception):
    """Raised once when standard output cannot take what a command prints (a full disk, a closed descriptor)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.message = _("could not write to standard output ({reason}); what it was given is incomplete. Free "
                         "some space or redirect it elsewhere, and run again.").format(reason=reason)


class _Run:
    """What this run has said so far (reset for each command, so in-process callers get fresh runs)."""

    def __init__(self) -> None:
        self.stopped_by: int | None = None
        self.stop_reported = False
        self.answered = False
        """The one JSON object is out: a signal now no longer changes the answer, the run just ends."""
        self.leaving = False


run = _Run()


def begin() -> None:
    """A new command starts: nothing said yet (its stop signals stay as installed)."""
    global run
    run = _Run()


def json_requested(arguments: list[str]) -> bool:
    """`--format json` (or `--format=json`) on the command line, before any `--`."""
    for index, argument in enumerate(arguments):
        if argument == "--":
            return False
        if argument == "--format=json" or (argument == "--format" and arguments[index + 1:index + 2] == ["json"]):
            return True
    return False


def write_json(payload: dict) -> None:
    """The run's one JSON object on stdout; a second one (a failure after the answer) is not printed."""
    if run.answered:
        return
    import json  # here, not at the top: this module loads before anything else, and a stop may come early

    run.answered = True  # first, so a signal arriving while it is written cannot cut it short
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")


# -- signals -----------------------------------------------------------------------------------------------

def install() -> None:
    """First thing in a run: stop signals unwind like Ctrl-C, closed standard descriptors point at the null
    device (so no file we open becomes fd 1), and stdout/stderr failures are handled where they happen."""
    for name in STOP_SIGNALS:
        number = getattr(signal, name, None)
        if number is None:
            continue
        current = signal.getsignal(number)
        if current in (signal.SIG_DFL, signal.default_int_handler) or current is _stop:  # nohup's SIG_IGN stays
            signal.signal(number, _stop)
    missing = {fd: not _is_open(fd) for fd in (0, 1, 2)}
    for fd in (0, 1, 2):
        if missing[fd]:
            opened = os.open(os.devnull, os.O_RDWR)
            if opened != fd:
                os.dup2(opened, fd)
                os.close(opened)
    for stream in (sys.stdout, sys.stderr):
        # Names from Windows zips may not decode; a message must still print (and JSON stays UTF-8 in files).
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace", **({} if stream.isatty() else {"encoding": "utf-8"}))
    if not isinstance(sys.stdout, GuardedStdout):
        sys.stdout = GuardedStdout(None if missing[1] else sys.stdout)  # type: ignore[assignment]
    if not isinstance(sys.stderr, QuietStderr):
        sys.stderr = QuietStderr(None if missing[2] else sys.stderr)  # type: ignore[assignment]


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _stop(signum: int, frame) -> None:
    if run.stopped_by is not None or run.answered or run.leaving:
        return  # already stopping, answered or exiting: let it finish
    run.stopped_by = signum
    raise KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum)


def stop_exit_code(error: BaseException | None = None) -> int:
    """128 + the signal's number (130 for Ctrl-C)."""
    if run.stopped_by is not None:
        return 128 + run.stopped_by
    return 128 + (error.signum if isinstance(error, Terminated) else signal.SIGINT)


def stop_message(code: int) -> str:
    names = {128 + getattr(signal, name): name for name in STOP_SIGNALS if hasattr(signal, name)}
    return _("stopped by {signal}; files already written are complete, nothing half-written was kept.").format(
        signal=names.get(code) or _("a signal"))


def report_stop(as_json: bool, error: BaseException | None = None) -> int:
    """Say that the run was stopped (the one JSON object too, when asked for) and give its exit code."""
    run.leaving = True
    run.stop_reported = True
    code = stop_exit_code(error)
    message = stop_message(code)
    if as_json:
        try:
            write_json({"ok": False, "findings": [{"code": "interrupted", "severity": "error", "message": message}]})
        except OutputLost:  # stdout is gone too: the stop is still the answer, said on stderr
            pass
    sys.stderr.write(f"c3p-docs: {message}\n")
    return code


def leave_stopped(arguments: list[str]) -> None:
    """A stop before the command line was even read (while importing): report it and exit."""
    code = report_stop(json_requested(arguments))
    finish_streams()
    os._exit(code)


def finish_streams() -> bool:
    """Flush stdout and stderr; False when stdout could not take what was written."""
    run.leaving = True
    lost = False
    try:
        sys.stdout.flush()
    except OutputLost:
        lost = True
    except BrokenPipeError:  # the reader left (`| head`): what it wanted was written
        pass
    sys.stderr.flush()
    return not lost and not getattr(sys.stdout, "failed", None)


# -- streams -----------------------------------------------------------------------------------------------

class _Wrapped:
    """A standard stream we answer for: what we do not define is the stream's, until we drop it (`_stream = None`)."""

    _stream: Any

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()

    def __getattr__(self, name: str):
        if self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


class GuardedStdout(_Wrapped):
    """sys.stdout that raises OutputLost once when a write or flush fails (and drops what follows), so the
    failure is reported as such, not as a traceback; a reader that left (`| head`) still raises BrokenPipeError."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self.failed: str | None = None
        """Why output was lost; None while everything written reached the stream."""

    def write(self, text: str) -> int:
        if self.failed:
            return len(text)
        if self._stream is None:
            return self._lose(_("it is closed"))
        try:
            buffer = getattr(self._stream, "buffer", None)
            if buffer is None or self._stream.isatty():
                return self._stream.write(text)
            # Below the text layer: a disk that fills midway makes the buffer take only part of a large write,
            # which the text layer would ignore; writing the rest again brings out the error.
            self._stream.flush()
            data = (text.replace("\n", os.linesep) if os.linesep != "\n" else text).encode(
                self._stream.encoding, self._stream.errors or "strict")
            while data:
                written = buffer.write(data)
                if not written:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                data = data[written:]
            return len(text)
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as error:
            return self._lose(getattr(error, "strerror", None) or str(error))

    def flush(self) -> None:
        if self.failed or self._stream is None:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as error:
            self._lose(getattr(error, "strerror", None) or str(error))

    def _lose(self, reason: str) -> int:
        self.failed = reason
        self._stream = None  # its buffer cannot be written: never try again, not even at exit
        raise OutputLost(reason)



class QuietStderr(_Wrapped):
    """sys.stderr that swallows its own failures: a closed or full stderr must not change what a run does."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if self._stream is not None:
            try:
                return self._stream.write(text)
            except (OSError, ValueError):
                self._stream = None
        return len(text)

    def flush(self) -> None:
        if self._stream is not None:
            try:
                self._stream.flush()
            except (OSError, ValueError):
                self._stream = None

