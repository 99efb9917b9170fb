"""Where this c3p-docs is installed: the command that runs it with no PATH, for cron and Task Scheduler."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import sysconfig
from pathlib import Path

SCRIPT = "c3p-docs"

_SHELL_SAFE = re.compile(r"[\w./:@%+=,-]+")


def shell_word(text: str) -> str:
    """`text` as one argument of a command line that works pasted into bash, PowerShell and cmd alike: as it is when
    nothing in it is special, else in double quotes, else (a quote or `$` in it) quoted for POSIX shells."""
    if _SHELL_SAFE.fullmatch(text):
        return text
    if not set(text) & set('"$`\\!%'):
        return f'"{text}"'
    return shlex.quote(text)


def _quoted(parts: list[str], windows: bool) -> str:
    """One command line for the platform's shell: sh quoting, or cmd's double quotes around a spaced path."""
    if windows:
        return subprocess.list2cmdline(parts)
    return " ".join(shlex.quote(part) for part in parts)


def _script_beside(argv0: str, cwd: str, windows: bool) -> str | None:
    """The console script that started this process (`…/bin/c3p-docs`, `…\\Scripts\\c3p-docs.exe`), if one did."""
    path = Path(os.path.join(cwd, argv0))
    if path.name.lower().removesuffix(".exe") != SCRIPT:
        return None
    if windows and not path.suffix and path.with_suffix(".exe").is_file():
        path = path.with_suffix(".exe")
    return os.path.normpath(path) if path.is_file() else None


def _installed_script(windows: bool) -> str | None:
    """The console script pip put beside this interpreter (or in the user's scripts folder), if there is one."""
    name = SCRIPT + (".exe" if windows else "")
    schemes = [sysconfig.get_default_scheme(), sysconfig.get_preferred_scheme("user")]
    for scheme in dict.fromkeys(schemes):
        try:
            folder = sysconfig.get_path("scripts", scheme)
        except KeyError:
            continue
        if folder and (Path(folder) / name).is_file():
            return os.path.normpath(Path(folder) / name)
    return None


def _found_through_environment(package_root: str, cwd: str, environ: dict[str, str], module_run: bool) -> bool:
    """True when this copy of c3p_docs is importable only through PYTHONPATH (or the current folder, under
    `python -m`), which cron and Task Scheduler do not give it."""
    entries = [entry for entry in environ.get("PYTHONPATH", "").split(os.pathsep) if entry] + ([cwd] if module_run else [])
    return any(os.path.normcase(os.path.abspath(os.path.join(cwd, entry))) == os.path.normcase(package_root)
               for entry in entries)


def command_without_path(argv0: str, executable: str, package_root: str, cwd: str, environ: dict[str, str],
                         windows: bool) -> str:
    """The command to write in a crontab, a systemd unit or Task Scheduler for this very c3p-docs: the full
    path of its script, or its interpreter with `-m c3p_docs`, and the PYTHONPATH it was found through."""
    script = _script_beside(argv0, cwd, windows)
    through_environment = _found_through_environment(package_root, cwd, environ, module_run=script is None)
    if script is None and not through_environment:
        script = _installed_script(windows)
    command = _quoted([script] if script else [executable, "-m", "c3p_docs"], windows)
    if not through_environment:
        return command
    if windows:
        return f'set "PYTHONPATH={package_root}" && {command}'
    return f"PYTHONPATH={shlex.quote(package_root)} {command}"


def this_command() -> str:
    """`command_without_path` for the running process."""
    package_root = str(Path(__file__).resolve().parent.parent)
    return command_without_path(sys.argv[0], sys.executable, package_root, os.getcwd(), dict(os.environ),
                                os.name == "nt")
