"""The command line: parse flags, call one function, print, exit with PRODUCT.md's codes."""

# No `from __future__ import annotations` here: typer reads every command's annotations on each run (even
# `--help`), and evaluating them from strings costs ~20 ms.
import sys
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import Annotated, Optional

import typer
import typer.core

from c3p_docs import console, i18n
from c3p_docs.errors import EX_IOERR, EX_SOFTWARE, C3pError, UsageError, internal_error
from c3p_docs.i18n import N_, _, sentences

TYPER_WORDS = (N_("Options"), N_("Arguments"), N_("Commands"), N_("default: {default}"), N_("required"),
               N_("(dynamic)"), N_("env var: {var}"), N_("Aborted!"), N_("Missing command."),
               N_("No such command {name!r}."))
"""What typer prints in its own words through gettext's default domain (i18n answers it from our catalog)."""
COMPLETION_HELP = (N_("Install completion for the current shell."),
                   N_("Show completion for the current shell, to copy it or customize the installation."))
"""typer's help for its completion options, translated when the help is shown."""


class _Formatter(typer.Context.formatter_class):  # type: ignore[name-defined,misc,valid-type]
    """click's help formatter, wrapping Japanese by the columns it takes (two a character), between characters."""

    def write_text(self, text: str) -> None:
        self.write(self._wrapped(text, self.width, " " * self.current_indent) + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        from c3p_docs.columns import display_width

        rows = list(rows)
        first_col = min(max(display_width(first) for first, _second in rows), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = self._wrapped(second, max(self.width - first_col - 2, 10), "").splitlines() or [""]
            self.write(lines[0] + "\n")
            self.write("".join(f"{'':>{first_col + self.current_indent}}{line}\n" for line in lines[1:]))

    @staticmethod
    def _wrapped(text: str, width: int, indent: str) -> str:
        """Paragraphs wrapped to `width` columns; one that starts with a `\b` line is kept as written."""
        from c3p_docs.columns import wrap_columns

        paragraphs = []
        for paragraph in text.expandtabs().split("\n\n"):
            lines = paragraph.splitlines()
            if lines and lines[0].strip() == "\b":
                paragraphs.append("\n".join(indent + line for line in lines[1:]))
            elif lines:
                words = " ".join(line.strip() for line in lines)
                paragraphs.append("\n".join(indent + line for line in wrap_columns(words, width - len(indent))))
        return "\n\n".join(paragraphs)


class _Context(typer.Context):
    formatter_class = _Formatter


class _Translated:
    """Help in the message language for the words click and typer write themselves: "Usage:", the help
    option's "Show this message and exit.", typer's completion options."""

    context_class: "type[typer._click.core.Context]" = _Context  # as click annotates it (a string: not evaluated)

    def format_usage(self, ctx, formatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]  # a mixin of click's Command
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _("Show this message and exit.")
        return option

    def get_params(self, ctx):
        params = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if getattr(param, "help", None) in COMPLETION_HELP:
                param.help = _(param.help)
        return params


class _ClickUsage(_Translated, typer.core.TyperCommand):
    """Usage lines as click writes them: `PROJECT.yaml` required, `[CALL]` optional, `PROJECT.yaml...` repeated
    (typer's own read `{PROJECT.yaml}`)."""

    def collect_usage_pieces(self, ctx):
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, typer.core.TyperArgument):
                name = param.metavar or (param.name or "").upper()
                name = name if param.required else f"[{name}]"
                pieces.append(name + ("..." if param.nargs != 1 else ""))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


class _Group(_Translated, typer.core.TyperGroup):
    """A group of commands (`subject`, `trip`) with its help in the message language."""


def _summary(doc: str | None) -> str | None:
    """The first sentence of a help text, whole: what the command list shows when a command sets no short_help."""
    first = " ".join((doc or "").strip().split("\n\n")[0].split())
    sentence, stop, _rest = first.partition(". ")
    if not stop:
        sentence, stop, _rest = first.partition("。")
        return sentence + stop if stop else first or None
    return sentence + "."


class _Typer(typer.Typer):
    """typer.Typer whose commands print click's usage line and list a complete summary, never one cut with "…"."""

    def __init__(self, *, help=None, short_help=None, cls=None, **settings):
        super().__init__(help=help, short_help=short_help or _summary(help), cls=cls or _Group, **settings)

    def command(self, name=None, *, cls=None, short_help=None, **settings):
        def register(function):
            summary = short_help or _summary(settings.get("help") or function.__doc__)
            return super(_Typer, self).command(name, cls=cls or _ClickUsage, short_help=summary, **settings)(function)

        return register


class _WorkflowOrder(_Group):
    """List commands in the order an applicant uses them, not the order they are defined."""

    ORDER = ("init", "validate", "score", "inquiry", "build", "subject", "check-package", "monthly", "calendar", "plan",
             "trip", "session", "timesheet", "settle", "fields", "check-form", "calls", "schema")

    def list_commands(self, ctx):
        names = super().list_commands(ctx)
        return sorted(names, key=lambda name: self.ORDER.index(name) if name in self.ORDER else len(self.ORDER))


def _examples(*lines: str, heading: str | None = None) -> str:
    """Command lines to end a help text with, kept as written (click's `\b`)."""
    return "\n\n\b\n" + (heading or _("Example:")) + "\n" + "\n".join(f"  {line}" for line in lines)


app = _Typer(
    cls=_WorkflowOrder,
    name="c3p-docs",
    help=_("Proposal documents for Japan's City-to-City Collaboration for Zero Carbon Society (C3P).\n\n"
           "One project YAML → every document of the call, in Japanese and English.\n\n"
           "Start with `c3p-docs init`, check with `c3p-docs validate project.yaml`, then "
           "`c3p-docs build project.yaml -o out`.\n\n"
           "Messages and this help are in Japanese or English: --lang on a command, else C3P_LANG, else the "
           "locale (LANG=ja_JP.UTF-8 → Japanese).\n\n"
           "Exit codes: 0 success (warnings allowed), 1 the input breaks rules, 2 usage error or unreadable input, "
           "70 internal error (a bug: please report it)."),
    short_help=_("Proposal documents for Japan's City-to-City Collaboration for Zero Carbon Society (C3P)."),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
subject_app = _Typer(help=_("Make or check the e-mail subject of the application."), no_args_is_help=True,
                     rich_markup_mode=None)
app.add_typer(subject_app, name="subject")
trip_app = _Typer(help=_("The plan sent to the ministry before a field survey or invitation, and the report after "
                         "it.") + _examples("c3p-docs trip plan project.yaml survey-1 -o out",
                                            "c3p-docs trip report project.yaml 2026-07-13 -o out --lang en"),
                  no_args_is_help=True, rich_markup_mode=None,
                  short_help=_("A trip's advance plan, or its report after it."))
app.add_typer(trip_app, name="trip")


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


class PdfMode(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


def _languages(value: str | None) -> str | None:
    """`ja`, `en` or a comma list such as `ja,en`, each language once in the order given; the first is the
    message language from here on. Without --lang, messages follow C3P_LANG or the locale."""
    if value is None:
        i18n.use(i18n.from_environment())
        return None
    given = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [part for part in given if part not in i18n.LANGUAGES]
    if not given or unknown:
        if unknown:
            raise typer.BadParameter(_("{value}: {unknown} is not a language c3p-docs writes; use ja, en or "
                                       "ja,en.").format(value=repr(value), unknown=", ".join(unknown)))
        raise typer.BadParameter(_("{value}: use ja, en or ja,en.").format(value=repr(value)))
    i18n.use(given[0])
    return ",".join(dict.fromkeys(given))


def _documents(lang: str | None) -> list[str]:
    """The languages a command writes its documents in: those --lang names, else every language (a kind that
    exists in one language only is written in that one)."""
    return lang.split(",") if lang else list(i18n.LANGUAGES)


def _reading(lang: str | None) -> str:
    """The language of what a command prints or writes for you to read (a table, comments, a calendar): the first
    of --lang, else the message language."""
    return lang.split(",")[0] if lang else i18n.language()


def _complete_call(incomplete: str) -> list[str]:
    """Bundled call ids, and profile files when a path is being typed."""
    from c3p_docs.calls import bundled_profiles

    names = [name for name in bundled_profiles() if name.startswith(incomplete)]
    if "/" in incomplete or "\\" in incomplete or incomplete.startswith("."):
        folder, _slash, stem = incomplete.replace("\\", "/").rpartition("/")
        try:
            names += sorted(str(path) for path in Path(folder or ".").glob(f"{stem}*.y*ml") if path.is_file())
        except (OSError, ValueError):
            pass
    return names


def _complete_session(incomplete: str) -> list[str]:
    return [kind for kind in ("kickoff", "interim", "final") if kind.startswith(incomplete)]


def _complete_activity(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """The activity ids (else dates) of the project named before ACTIVITY, with their titles; nothing when that file
    cannot be read, so completion never fails."""
    try:
        from c3p_docs.loading import load_yaml_file

        activities = load_yaml_file(Path(ctx.params["project"]), N_("project file")).data.get("activities") or []
        offered = []
        for activity in activities:
            if not isinstance(activity, dict):
                continue
            key = activity.get("id") or activity.get("date")
            title = activity.get("title")
            title = (title.get(i18n.language()) or title.get("ja") or title.get("en")) if isinstance(title, dict) \
                else title
            if key is not None and str(key).startswith(incomplete):
                offered.append((str(key), str(title or activity.get("kind") or "")))
        return offered
    except Exception:  # completion runs on every Tab press: a half-typed file must never print a traceback
        return []


FORM_KINDS = ("application_form", "overview_ja", "overview_en", "summary_ja", "summary_en", "pledge", "cover")
FormatOption = Annotated[OutputFormat, typer.Option("--format", help=_("text for people (on stderr), json for tools "
                                                                       "(one object on stdout)."))]
ProjectArg = Annotated[Path, typer.Argument(help=_("The project YAML."), metavar="PROJECT.yaml")]
PdfOption = Annotated[PdfMode, typer.Option(help=_("auto: convert with LibreOffice when installed; always: fail "
                                                   "without it; never."))]
LangOption = Annotated[Optional[str], typer.Option(
    "--lang", metavar="ja|en|ja,en", callback=_languages, autocompletion=lambda: ["ja", "en", "ja,en"],
    help=_("The language you work in: ja, en or ja,en. Messages are in the first; documents are written in each. "
           "Without it, messages follow C3P_LANG, else the locale (LANG=ja_JP.UTF-8: Japanese), and documents are "
           "written in every language they exist in."))]


def _fail(error: C3pError, output_format: str = "text") -> None:
    from c3p_docs.findings import Finding, print_findings

    if error.findings:
        print_findings(error.findings, output_format, summary="")
    elif output_format == "json":  # tools still get one JSON object
        code = "usage" if isinstance(error, UsageError) else "unreadable-input"
        print_findings([Finding(code, "error", error.message, file=error.file, line=error.line, column=error.column)],
                       "json")
    if output_format != "json" or not error.findings:
        _stderr(f"c3p-docs: {error.message}", colour="\033[31m")
    raise typer.Exit(error.exit_code)


def _stderr(text: str, colour: str = "") -> None:
    from c3p_docs.findings import use_colour

    if colour and use_colour(sys.stderr):
        text = f"{colour}{text}\033[0m"
    sys.stderr.write(text + "\n")


def _print_version(value: bool) -> None:
    if value:
        from c3p_docs import __version__

        sys.stdout.write(f"c3p-docs {__version__}\n")
        raise typer.Exit()


def _print_where(value: bool) -> None:
    if value:
        from c3p_docs.where import this_command

        sys.stdout.write(this_command() + "\n")
        raise typer.Exit()


@app.callback()
def _options(version: Annotated[bool, typer.Option("--version", "-V", callback=_print_version, is_eager=True,
                                                   help=_("Print the version and exit."))] = False,
             where: Annotated[bool, typer.Option("--where", callback=_print_where, is_eager=True,
                                                 help=_("Print the full command that runs this c3p-docs without PATH, "
                                                        "to write in cron, systemd or Task Scheduler, and exit."))] = False
             ) -> None:
    pass


@app.command("version", hidden=True, help=_("Print the version (as -V and --version do)."))
def version_command() -> None:
    _print_version(True)


def _json_failure(code: str, message: str, output_format: str) -> None:
    """With --format json, every way a command can end still prints one JSON object."""
    if output_format == "json":
        from c3p_docs.findings import Finding, print_findings

        print_findings([Finding(code, "error", message)], "json")


def handled(function):
    """Turn our exceptions into a message and exit code; anything else into a short internal-error note."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        output_format = kwargs.get("output_format")
        output_format = output_format.value if isinstance(output_format, Enum) else "text"
        console.begin()
        try:
            return function(*args, **kwargs)
        except C3pError as error:
            _fail(error, output_format)
        except typer.Exit:
            raise
        except console.OutputLost as error:  # stdout is full or closed: the JSON cannot go there either
            _stderr(f"c3p-docs: {error.message}", colour="\033[31m")
            raise typer.Exit(EX_IOERR) from None
        except BrokenPipeError:  # `c3p-docs fields | head`: the reader left; not an error
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except OSError as error:  # the disk, not our input: say which file and why
            import errno

            hint = (_("The disk is full: free some space and run again; files already written are complete.")
                    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
                    else _("Check the path and that you can write there."))
            where = f"{error.filename}: " if error.filename else ""
            message = f"{where}{error.strerror or error}. {hint}"
            _json_failure("os-error", message, output_format)
            _stderr(f"c3p-docs: {message}", colour="\033[31m")
            raise typer.Exit(2) from None
        except KeyboardInterrupt as error:  # Ctrl-C, SIGTERM, SIGHUP: 128 + the signal's number
            raise typer.Exit(console.report_stop(output_format == "json", error)) from None
        except Exception as error:  # a bug, not bad input: say so briefly, keep the traceback for C3P_DEBUG
            import os
            import traceback

            if os.environ.get("C3P_DEBUG"):
                traceback.print_exc()
            message = internal_error(error)
            _json_failure("internal-error", message, output_format)
            _stderr(f"c3p-docs: {message}", colour="\033[31m")
            raise typer.Exit(EX_SOFTWARE) from None

    return wrapper


@app.command(short_help=_("Check PROJECT.yaml against the schema and the call's rules."),
             help=_("Check PROJECT.yaml against the schema and the call's rules; writes nothing.\n\n"
                    "Every problem is reported at once as FILE:LINE:COL field.path: message. Warnings (fields a "
                    "complete application still needs) do not fail; errors exit 1."))
@handled
def validate(project: ProjectArg, output_format: FormatOption = OutputFormat.text, lang: LangOption = None) -> None:
    from c3p_docs.checks import validate_project
    from c3p_docs.findings import has_errors, print_findings
    from c3p_docs.project import load_project_leniently

    loaded, findings = load_project_leniently(project)
    if loaded is not None:
        broken_paths = {f.path for f in findings if f.severity == "error" and f.path}
        # A value that failed to validate was left out of `loaded` (its whole list): warnings about what holds it
        # ("0 field surveys") would be about the gap, not the project.
        findings = findings + [f for f in validate_project(loaded) if not (
            f.severity != "error" and any(p == f.path or p.startswith(f"{f.path}.") or p.startswith(f"{f.path}[")
                                           for p in broken_paths))]
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    call = loaded.rules.id if loaded else None
    examples = sum(f.code == "placeholder" for f in findings)
    counts = {"file": project, "errors": errors, "warnings": warnings, "call": call}
    summary = (_("{file}: {errors} error(s), {warnings} warning(s) against {call}.").format(**counts) if call
               else _("{file}: {errors} error(s), {warnings} warning(s).").format(**counts))
    if not errors:
        summary = sentences(summary, _("It builds, but {count} value(s) are still the starter's examples.").format(
            count=examples) if examples else _("Ready to build."))
    print_findings(findings, output_format.value, extra={"call": call}, summary=summary)
    raise typer.Exit(1 if has_errors(findings) else 0)


@app.command(short_help=_("Self-assess the scoring items the data decides."),
             help=_("Self-assess the scoring items the data decides (cost-effectiveness, GHG reduction, "
                    "certifications…).\n\n"
                    "Items the reviewers judge are listed with no points. The basis of each figure is shown, item "
                    "names in the language of --lang."))
@handled
def score(project: ProjectArg, output_format: FormatOption = OutputFormat.text, lang: LangOption = None) -> None:
    from c3p_docs.columns import display_width
    from c3p_docs.findings import print_findings
    from c3p_docs.project import load_project
    from c3p_docs.scoring import score_project, score_totals

    loaded = load_project(project)
    scores = score_project(loaded.project, loaded.rules, _reading(lang))
    totals = score_totals(scores, loaded.rules, loaded.project)
    if output_format == OutputFormat.json:
        print_findings([], "json", extra={"call": loaded.rules.id, "items": [s.as_json() for s in scores], **totals})
        return
    width = max(display_width(s.name) for s in scores)
    for item in scores:
        points = "—" if item.points is None else str(item.points)
        maximum = "" if item.max is None else f"/{item.max}"
        padding = " " * (width - display_width(item.name))
        mark = "*" if item.assumed else " "
        sys.stdout.write(f"{item.name}{padding}  {points:>3}{maximum:<4}{mark} {item.basis}\n")
    decided = (_("Points the data decides: {total} of {max} (whole sheet: {sheet_max}).") if totals["sheet_max"]
               else _("Points the data decides: {total} of {max}.")).format(**totals)
    sys.stdout.write(f"\n{decided}\n")
    assumed = [item for item in scores if item.assumed]
    if assumed:
        sys.stdout.write("\n" + _("* Assumed where the call is silent (the profile's reading; `c3p-docs calls {call} "
                                  "--rules` lists every rule):").format(call=loaded.rules.id) + "\n")
        for item in assumed:
            sys.stdout.write(f"  {item.name}: {item.note or _('assumed')}\n")


@app.command(short_help=_("List the bundled call profiles, or one call's details."),
             help=_("List the bundled call profiles (use their names in `call:` or --call); with CALL --criteria, its "
                    "criteria; with CALL --rules, its rules.")
             + _examples("c3p-docs calls fy2024-2 --rules --lang ja", "c3p-docs calls fy2026-1 --rules --format json"))
@handled
def calls(call: Annotated[Optional[str], typer.Argument(help=_("A bundled call name or a profile path."),
                                                        metavar="CALL", autocompletion=_complete_call)] = None,
          criteria: Annotated[bool, typer.Option("--criteria", help=_("List the call's evaluation criteria: the ids "
                                                 "`narrative:` takes, points, what reviewers look for."))] = False,
          rules_listing: Annotated[bool, typer.Option("--rules", help=_("List the call's rules on one page: money and "
                                                      "categories, mail, files, pages, periods, dates, activities, "
                                                      "adoptions, sectors, contract paperwork, each with its source "
                                                      "and whether it is assumed."))] = False,
          lang: LangOption = None,
          output_format: FormatOption = OutputFormat.text) -> None:
    from c3p_docs.calls import bundled_profiles, load_call
    from c3p_docs.findings import print_findings

    reading = _reading(lang)
    if criteria and rules_listing:
        raise UsageError(_("give --criteria or --rules, not both."))
    if rules_listing or criteria:
        if call is None:
            raise UsageError(_("--rules lists one call's rules: name it, e.g. `c3p-docs calls fy2026-1 --rules`.")
                             if rules_listing else
                             _("--criteria lists one call's criteria: name it, e.g. `c3p-docs calls fy2026-1 "
                               "--criteria`."))
        from c3p_docs.call_rules import format_rules, rule_rows
        from c3p_docs.criteria import criteria_rows, format_criteria

        rules = load_call(call, base_dir=Path.cwd())
        key, rows, text = (("rules", rule_rows, format_rules) if rules_listing else
                           ("criteria", criteria_rows, format_criteria))
        if output_format == OutputFormat.json:
            print_findings([], "json", extra={"call": rules.id, key: rows(rules)})
        else:
            sys.stdout.write(text(rules, reading))
        return
    profiles = [load_call(call, base_dir=Path.cwd())] if call else [load_call(name) for name in bundled_profiles()]
    if output_format == OutputFormat.json:
        print_findings([], "json", extra={"calls": [{"id": p.id, "fiscal_year": p.fiscal_year,
                                                     "name": p.name.model_dump()} for p in profiles]})
        return
    for profile in profiles:
        sys.stdout.write(f"{profile.id:<10} FY{profile.fiscal_year}  {profile.name.get(reading) or profile.name.en}\n")
    sys.stdout.write("\n" + _("A profile of your own: `call: path/to/profile.yaml` in the project, or --call PATH.\n"
                              "Its evaluation criteria (the ids of `narrative:`): c3p-docs calls CALL --criteria\n"
                              "Its rules (money, mail, files, pages, dates …, with sources): c3p-docs calls CALL "
                              "--rules") + "\n")


@app.command(short_help=_("Print the JSON Schema of PROJECT.yaml, for editors."),
             help=_("Print the JSON Schema of PROJECT.yaml, for completion and checking in editors "
                    "(yaml-language-server).\n\n"
                    "`narrative` lists the criterion ids of the project's call and flags any other key. `init` writes "
                    "it beside project.yaml as project.schema.json."))
@handled
def schema(call: Annotated[Optional[str], typer.Option("--call", help=_("Only this call's narrative keys (a bundled "
                                                       "call or a profile path); without it, every bundled call's."),
                                                       metavar="CALL", autocompletion=_complete_call)] = None,
           lang: LangOption = None) -> None:
    from c3p_docs.calls import load_call
    from c3p_docs.schema import project_json_schema

    sys.stdout.write(project_json_schema(load_call(call, base_dir=Path.cwd()) if call else None) + "\n")


@app.command(short_help=_("Start a project: a commented project.yaml and its schema."),
             help=_("Write a commented project.yaml to start from, with every field a complete application needs; "
                    "it validates as it is, and build writes every document from it (exit 1, placeholder-left, "
                    "until its placeholders are filled). The comments are in the language of --lang.\n\n"
                    "Beside it goes project.schema.json, so editors with yaml-language-server (VS Code's YAML "
                    "extension) complete and check fields; a project.schema.json already there is never replaced."))
@handled
def init(directory: Annotated[Path, typer.Argument(help=_("Folder to write project.yaml and project.schema.json "
                                                          "into."), metavar="DIR")] = Path("."),
         call: Annotated[str, typer.Option("--call", help=_("Call profile name or path."), metavar="CALL",
                                           autocompletion=_complete_call)] = "fy2026-1",
         lang: LangOption = None,
         force: Annotated[bool, typer.Option(help=_("Replace an existing project.yaml."))] = False) -> None:
    from c3p_docs.calls import load_call
    from c3p_docs.init_file import SCHEMA_FILE, starter_yaml, write_schema
    from c3p_docs.output import write_atomic
    from c3p_docs.where import shell_word

    rules = load_call(call)
    target = directory / "project.yaml"
    if target.exists() and not force:
        raise UsageError(_("{file} exists; nothing was changed. Use --force to replace it, or another "
                           "folder.").format(file=target))
    directory.mkdir(parents=True, exist_ok=True)
    write_atomic(target, starter_yaml(rules, call, _reading(lang)).encode("utf-8"))
    schema_file = directory / SCHEMA_FILE
    if write_schema(schema_file, rules, call):
        _stderr(_("wrote {file} and {schema} for {call}. Next: c3p-docs validate {command_file}").format(
            file=target, schema=schema_file, call=rules.id, command_file=shell_word(str(target))))
    else:
        _stderr(_("wrote {file} for {call}; kept {schema}, which differs from this version's schema (`c3p-docs "
                  "schema > {schema}` replaces it). Next: c3p-docs validate {command_file}").format(
            file=target, schema=schema_file, call=rules.id, command_file=shell_word(str(target))))


@subject_app.command("make", short_help=_("Print the exact e-mail subject for PROJECT.yaml."),
                     help=_("Print the exact e-mail subject the call requires for this project."))
@handled
def subject_make(project: ProjectArg, output_format: FormatOption = OutputFormat.text, lang: LangOption = None) -> None:
    from c3p_docs.findings import print_findings
    from c3p_docs.project import load_project
    from c3p_docs.subject import make_subject

    loaded = load_project(project)
    subject = make_subject(loaded.project, loaded.rules)
    rule = loaded.rules.subject
    if output_format == OutputFormat.json:
        print_findings([], "json", extra={"subject": subject, "call": loaded.rules.id, "source": rule.source,
                                          "assumed": rule.assumed})
        return
    sys.stdout.write(subject + "\n")
    if rule.assumed:
        _stderr(_("note: {call} prints no subject; the pattern is {source}.").format(call=loaded.rules.id,
                                                                                   source=rule.cited()))


@subject_app.command("check", short_help=_("Check a typed subject against the call and the project."),
                     help=_("Find every deviation of TEXT from the call's subject: characters, fiscal year, names, "
                            "fixed text; with --project, the first difference from the subject `subject make` "
                            "prints."))
@handled
def subject_check(text: Annotated[str, typer.Argument(help=_("The subject as typed."), metavar="TEXT")],
                  project: Annotated[Optional[Path], typer.Option(help=_("Project YAML (checks the names too)."),
                                                                  metavar="PROJECT.yaml")] = None,
                  call: Annotated[Optional[str], typer.Option(help=_("Call profile, when no project is given."),
                                                              metavar="CALL", autocompletion=_complete_call)] = None,
                  output_format: FormatOption = OutputFormat.text, lang: LangOption = None) -> None:
    from c3p_docs.findings import has_errors, print_findings
    from c3p_docs.subject import check_subject, make_subject

    loaded_project, rules = _project_or_call(project, call)
    findings = check_subject(text, rules, loaded_project)
    extra = {"expected": make_subject(loaded_project, rules)} if loaded_project else {}
    if findings:
        summary = _("{count} problem(s) in the subject").format(count=len(findings))
    elif loaded_project is None:
        summary = _("subject OK for the call's pattern; give --project PROJECT.yaml to check the names too")
    else:
        summary = _("subject OK")
    print_findings(findings, output_format.value, extra=extra, summary=summary)
    raise typer.Exit(1 if has_errors(findings) else 0)


def _project_or_call(project: Path | None, call: str | None):
    loaded, rules = _loaded_or_call(project, call)
    return (loaded.project if loaded else None), rules


def _loaded_or_call(project: Path | None, call: str | None):
    """(LoadedProject or None, CallRules) for --project or --call."""
    from c3p_docs.calls import load_call
    from c3p_docs.project import load_project

    if project is not None and call is not None:
        raise UsageError(_("give --project or --call, not both."))
    if project is not None:
        loaded = load_project(project)
        return loaded, loaded.rules
    if call is None:
        raise UsageError(_("give --project PROJECT.yaml or --call CALL."))
    return None, load_call(call)


@app.command(short_help=_("Render every document of the call into OUT."),
             help=_("Render every document of the call from PROJECT.yaml into OUT, with OUT/manifest.json.\n\n"
                    "Rebuilding unchanged input rewrites nothing; a file you edited in OUT is kept and the new "
                    "rendition is written to OUT/drafts/ as NAME.new.EXT. The package is then checked as "
                    "check-package does, and mail drafts are written only when nothing breaks a rule (or with "
                    "--drafts-anyway). Without --lang, every document in each language the call has it in."))
@handled
def build(project: ProjectArg,
          out: Annotated[Path, typer.Option("-o", "--out", help=_("Output folder (attachments go to "
                                                                  "OUT/submission/)."))] = Path("out"),
          only: Annotated[Optional[str], typer.Option(help=_("Comma-separated kinds: {kinds}.").format(kinds=(
              "cover, application_form, overview, summary, pledge, track_record, multi_year_plan, "
              "organisation_overview, jcm_adoptions, project_idea_note, checklist, final_report_outline, "
              "final_summary, email_draft")))] = None,
          lang: LangOption = None,
          pdf: PdfOption = PdfMode.auto,
          templates: Annotated[Optional[Path], typer.Option(help=_("Folder of your own templates; a file there "
                                                                   "replaces the built-in one of the same "
                                                                   "name."))] = None,
          form: Annotated[Optional[list[str]], typer.Option(help=_("KIND=PATH: fill this tagged official form instead "
                                                                   "of the built-in rendition (kinds: {kinds}). "
                                                                   "Repeatable.").format(kinds=", ".join(FORM_KINDS)))
                          ] = None,
          force: Annotated[bool, typer.Option(help=_("Replace files you edited in OUT (mail drafts included) instead "
                                                     "of keeping them."))] = False,
          drafts_anyway: Annotated[bool, typer.Option("--drafts-anyway", help=_("Write the mail drafts even while "
                                                      "the project or the package breaks a rule; their file names "
                                                      "then start with DRAFT_."))] = False,
          output_format: FormatOption = OutputFormat.text) -> None:
    from c3p_docs.build import run_build, still_to_supply
    from c3p_docs.documents.kinds import build_kinds
    from c3p_docs.findings import has_errors, print_findings
    from c3p_docs.project import load_project

    known = build_kinds()
    kinds = set(known)
    if only:
        kinds = {k.strip() for k in only.split(",") if k.strip()}
        unknown = kinds - set(known)
        if unknown:
            raise UsageError(_("--only: unknown kind(s) {unknown}; known: {known}.").format(
                unknown=", ".join(sorted(unknown)), known=", ".join(known)))
    if templates is not None and not templates.is_dir():
        raise UsageError(_("--templates {folder}: no such folder.").format(folder=templates))
    form_overrides = {}
    for value in form or []:
        kind, _equals, path = value.partition("=")
        if kind not in FORM_KINDS or not path:
            raise UsageError(_("--form {value}: use KIND=PATH with KIND one of {kinds}.").format(
                value=repr(value), kinds=", ".join(FORM_KINDS)))
        form_overrides[kind] = Path(path)
    loaded = load_project(project)
    progress = sys.stderr.isatty() and output_format == OutputFormat.text
    result, manifest = run_build(loaded, out, kinds, _documents(lang), pdf.value, str(templates) if templates else None,
                                 progress, form_overrides, force=force, drafts_anyway=drafts_anyway)
    # The documents are written either way (a draft is worth reading); rule errors still fail the command.
    findings = result.findings
    if result.rule_warnings and output_format == OutputFormat.text:
        _stderr(_("{file}: {count} warning(s) about a complete application; see `c3p-docs validate {file}`.").format(
            file=project, count=result.rule_warnings))
    summary = (_("{out}: {written} file(s) written, {unchanged} unchanged, {kept} edited file(s) kept (new renditions "
                 "in {drafts}).") if result.kept else _("{out}: {written} file(s) written, {unchanged} unchanged.")
               ).format(out=out, written=len(result.written), unchanged=result.unchanged, kept=len(result.kept),
                        drafts=out / "drafts")
    to_supply = still_to_supply(loaded, out)
    print_findings(findings, output_format.value, extra={"out": str(out), "files": manifest, "to_supply": to_supply},
                   summary=summary)
    if output_format == OutputFormat.text:
        name = i18n.language()
        if to_supply:
            _stderr(_("Still to be supplied in {folder}: {attachments}.").format(
                # Translators: between the attachments still to be supplied.
                folder=out / "submission", attachments=_("; ").join(
                    f"{item['label']} {item['name'][name] or item['name']['en']}" for item in to_supply)))
        else:
            _stderr(_("Nothing left to supply: {folder} has every required attachment.").format(
                folder=out / "submission"))
    raise typer.Exit(1 if has_errors(findings) else 0)


@app.command("check-package", short_help=_("Check a submission folder before you mail it."),
             help=_("Check a submission folder before mailing: attachments, formats, macros, archives, names, "
                    "placeholders, stale PDFs, drafts left in the folder, the 8MB plan; with --project, the project's "
                    "own rule errors too.\n\n"
                    "Files are recognised by content, not extension; nothing is extracted, links are never followed."))
@handled
def check_package_command(
        folder: Annotated[Path, typer.Argument(help=_("The folder of files you will mail."), metavar="DIR")],
        project: Annotated[Optional[Path], typer.Option(help=_("Project YAML: decides conditional attachments and "
                                                               "names."), metavar="PROJECT.yaml")] = None,
        call: Annotated[Optional[str], typer.Option(help=_("Call profile, when no project is given."), metavar="CALL",
                                                    autocompletion=_complete_call)] = None,
        subject: Annotated[Optional[str], typer.Option(help=_("The subject you will use; checked too."))] = None,
        fix_names: Annotated[bool, typer.Option("--fix-names", help=_("Rename Mac-decomposed (NFD) names to NFC, "
                                                "Shift_JIS names (Windows zips) to Unicode, and drop invisible "
                                                "characters from names; never over another file."))] = False,
        write_mail: Annotated[Optional[Path], typer.Option(help=_("Write the planned mails as .eml drafts here "
                                                                  "(only when nothing is an error)."))] = None,
        drafts_anyway: Annotated[bool, typer.Option("--drafts-anyway", help=_("With --write-mail: write the drafts "
                                                    "even with errors, named DRAFT_… (the subject stays "
                                                    "exact)."))] = False,
        output_format: FormatOption = OutputFormat.text, lang: LangOption = None) -> None:
    from c3p_docs.findings import has_errors, print_findings
    from c3p_docs.package_check.checker import check_package
    from c3p_docs.subject import check_subject, make_subject

    loaded, rules = _loaded_or_call(project, call)
    loaded_project = loaded.project if loaded else None
    report = check_package(folder, rules, loaded_project, fix_names=fix_names)
    findings = report.findings
    for old, new in report.renamed:
        findings.append(_info("renamed", _("renamed {old} to {new}.").format(old=repr(old), new=repr(new)),
                              str(folder / new)))
    if loaded is not None:
        from c3p_docs.checks import validate_project

        findings += [f for f in validate_project(loaded) if f.severity == "error"]
    if subject is not None:
        findings += check_subject(subject, rules, loaded_project)
    findings = list(dict.fromkeys(findings))  # a finding two checks share is reported once
    if write_mail is not None:
        mail_subject = subject or (make_subject(loaded_project, rules) if loaded_project else None)
        if mail_subject is None:
            raise UsageError(_("--write-mail needs --project (for the subject) or --subject."))
        findings += _write_mail_drafts(folder, report.plan, rules, loaded_project, mail_subject, write_mail,
                                       has_errors(findings), drafts_anyway)
    errors = sum(f.severity == "error" for f in findings)
    plan = report.plan
    summary = (_("{folder}: {files} file(s), {errors} error(s); {mails} mail(s) needed, {too_large} file(s) need the "
                 "ministry's transfer service.") if plan.too_large
               else _("{folder}: {files} file(s), {errors} error(s); {mails} mail(s) needed.")).format(
        folder=folder, files=len(report.entries), errors=errors, mails=len(plan.mails), too_large=len(plan.too_large))
    print_findings(findings, output_format.value, extra=report.extra_json(), summary=summary)
    raise typer.Exit(1 if has_errors(findings) else 0)


def _write_mail_drafts(folder: Path, plan, rules, project, subject: str, out: Path, errors: bool,
                       anyway: bool) -> list:
    """The drafts of the planned mails, unless something is an error (then only with --drafts-anyway, named
    DRAFT_…); what was done is said on stderr, what went wrong is returned as findings."""
    from c3p_docs.findings import Finding
    from c3p_docs.mail_drafts import HeaderRefused, body_context, draft_date, draft_messages, sender_address, write_drafts

    if errors and not anyway:
        return [Finding("drafts-not-written", "info", _("no mail drafts were written to {folder}: the errors must be "
                                                        "fixed first (drafts an earlier run left there are not up to "
                                                        "date). To look at drafts anyway, add --drafts-anyway: they "
                                                        "are named DRAFT_….").format(folder=out))]
    try:
        drafts = draft_messages(folder, plan, rules, subject, sender_address(project), body_context(project, rules),
                                draft_date(project, rules))
    except HeaderRefused as error:
        code = "subject-characters" if error.header == "subject" else "filename-windows"
        return [Finding(code, "error", error.message, path="subject" if error.header == "subject" else None)]
    written, problems = write_drafts(out, drafts, rules.mail.limit_bytes.value, draft=errors)
    _stderr((_("wrote {count} draft(s) to {folder} named DRAFT_…: the errors above are not fixed.") if errors
             else _("wrote {count} draft(s) to {folder}.")).format(count=len(written), folder=out))
    return problems


def _info(code: str, message: str, file: str):
    from c3p_docs.findings import Finding

    return Finding(code, "info", message, file=file)


@app.command(short_help=_("Write each project's monthly one-page report (cron-safe)."),
             help=_("Write the monthly one-page report (Word, and PDF with LibreOffice) for each project.\n\n"
                    "Safe from cron: no prompts, no colour off a terminal, a rerun with unchanged input rewrites "
                    "nothing, a report someone edited is kept and its PDF made from the edit (the new one goes to "
                    "drafts/ in the project's folder), and overlapping runs take turns. Reports go to OUT/<file "
                    "name>/, or OUT/<folder>/ for a file named project.yaml (projects/*/project.yaml: one folder "
                    "each). Exit 1 if any project failed (a month outside its period is refused); the others are "
                    "still written. With --strict, a warning exits 1 as well: month-empty says the project has no "
                    "entry for the month.")
             + _examples("c3p-docs monthly projects/*/project.yaml -o reports --lang ja,en --strict",
                         heading=_("Example (cron, with the full path `c3p-docs --where` prints):")))
@handled
def monthly(projects: Annotated[list[Path], typer.Argument(help=_("One or more project YAMLs."),
                                                           metavar="PROJECT.yaml")],
            month: Annotated[str, typer.Option(help=_("YYYY-MM, or `previous` (the month before today: cron on the "
                                                      "1st)."))] = "previous",
            out: Annotated[Path, typer.Option("-o", "--out", help=_("Output folder; one subfolder per "
                                                                    "project."))] = Path("monthly"),
            lang: LangOption = None,
            pdf: PdfOption = PdfMode.auto,
            force: Annotated[bool, typer.Option(help=_("Replace reports a person edited since they were "
                                                       "generated."))] = False,
            templates: Annotated[Optional[Path], typer.Option(help=_("Folder of your own templates."))] = None,
            strict: Annotated[bool, typer.Option("--strict", help=_("Exit 1 on warnings too (a month with no entry, a "
                                                 "starter example left, a plan not sent), so cron mails an alarm; "
                                                 "the reports are still written."))] = False,
            output_format: FormatOption = OutputFormat.text) -> None:
    import datetime as dt
    import re

    from c3p_docs.monthly import previous_month
    from c3p_docs.monthly_run import run_monthly

    if month == "previous":
        month = previous_month(dt.date.today())
    elif not re.fullmatch(r"(19[89]\d|20\d\d|2100)-(0[1-9]|1[0-2])", month):
        raise UsageError(_("--month {month}: use YYYY-MM (1980–2100) or previous.").format(month=repr(month)))
    outcomes = run_monthly(projects, month, out, _documents(lang), pdf.value, force,
                           str(templates) if templates else None)
    failed = sum(not outcome.ok for outcome in outcomes)
    warned = strict and any(f.severity != "info" for outcome in outcomes for f in outcome.findings)
    # A project's bug is reported with it (the others are still written) but exits as a bug does.
    code = EX_SOFTWARE if any(outcome.internal for outcome in outcomes) else 1 if failed or warned else 0
    if output_format == OutputFormat.json:
        from c3p_docs.findings import print_findings

        print_findings([f for outcome in outcomes for f in outcome.findings], "json", extra={
            "ok": code == 0, "month": month, "out": str(out),
            "projects": [{"project": str(o.path), "ok": o.ok, "message": o.message or None, "files": o.files}
                         for o in outcomes]})
        raise typer.Exit(code)
    for outcome in outcomes:
        for finding in outcome.findings:
            _stderr(finding.as_text())
        if not outcome.ok:
            sys.stdout.write(f"FAILED {outcome.path}: {outcome.message}\n")
        else:
            changed = (_("{count} file(s) written").format(count=len(outcome.files)) if outcome.files
                       else _("unchanged"))
            sys.stdout.write(f"ok     {outcome.path}: {month}, {changed}\n")
    if warned and not failed:
        _stderr("c3p-docs: " + _("exit 1 because of the warnings above (--strict); the reports were written."))
    raise typer.Exit(code)


@app.command(short_help=_("Write every deadline of the project as iCalendar (.ics)."),
             help=_("Every deadline of the project as iCalendar: monthly reports, report sessions, surveys and their "
                    "advance plans, the seminar, contract end, deliverables. Re-importing updates instead of "
                    "duplicating. The event titles are in the language of --lang."))
@handled
def calendar(project: ProjectArg,
             out: Annotated[Path, typer.Option("-o", "--out", help=_("The .ics file to write."))] = Path("deadlines.ics"),
             lang: LangOption = None,
             output_format: FormatOption = OutputFormat.text) -> None:
    from c3p_docs.calendar_ics import project_calendar
    from c3p_docs.findings import print_findings
    from c3p_docs.output import check_target, regular_bytes, write_atomic
    from c3p_docs.project import load_project

    check_target(out)
    loaded = load_project(project)
    titles = _reading(lang)
    data, events = project_calendar(loaded.project, loaded.rules, titles)
    changed = regular_bytes(out, len(data)) != data
    if changed:
        write_atomic(out, data)
    summary = (_("wrote {file}: {count} events.") if changed else _("{file}: unchanged ({count} events).")).format(
        file=out, count=len(events))
    print_findings([], output_format.value, summary=summary,
                   extra={"out": str(out), "lang": titles, "changed": changed, "events": events})


@app.command(short_help=_("List every variable and filter a tagged form may use."),
             help=_("Every variable and filter a tagged official form may use, with its type and an example value "
                    "(descriptions in the language of --lang).\n\n"
                    "Tag a form in Word or PowerPoint with {{ project.title.ja }}, {{ budget.total | yen }}, and rows "
                    "with {%tr for item in budget.items %} … {%tr endfor %} (Word tables)."))
@handled
def fields(lang: LangOption = None, output_format: FormatOption = OutputFormat.text) -> None:
    from c3p_docs.bilingual import Figure, raw
    from c3p_docs.form_check import known_paths  # noqa: F401 - loads the sample once
    from c3p_docs.form_fields import FILTERS, flatten, form_context
    from c3p_docs.init_file import field_descriptions
    from c3p_docs.project import load_project

    reading = _reading(lang)
    loaded = load_project(Path(__file__).parent / "data" / "fields_sample.yaml")
    rows = flatten(form_context(loaded.project, loaded.rules, reading))
    descriptions = dict(field_descriptions(reading))
    for item in loaded.rules.scoring:  # narrative keys are the criterion ids of the project's call
        descriptions[f"narrative.{item.id}"] = _("{name} ({call}; other calls: `c3p-docs calls CALL "
                                                 "--criteria`)").format(name=item.name.get(reading) or item.name.en,
                                                                        call=loaded.rules.id)

    def json_example(value):
        value = raw(value)
        return value if isinstance(value, (str, int, float, bool, list, type(None))) else str(value)

    if output_format == OutputFormat.json:
        payload = {"ok": True, "findings": [],
                   "fields": [{"path": p, "type": t, "example": json_example(e),
                               "description": _describe(descriptions, p),
                               **({"prints": str(e)} if isinstance(e, Figure) else {})} for p, t, e in rows],
                   "filters": {name: text for name, (_filter, text) in FILTERS.items()}}
        console.write_json(payload)
        return
    sys.stdout.write(_("Text prints in the form's language (.ja / .en pick one); figures print formatted "
                       "(.value is the number or date).") + "\n\n")
    for path, kind, example in rows:
        shown = str(example)
        shown = shown if len(shown) <= 50 else shown[:47] + "…"
        description = _describe(descriptions, path)
        sys.stdout.write(f"{path:<52} {kind:<8} {shown:<50} {description}\n")
    sys.stdout.write("\n" + _("Filters:") + "\n")
    for name, (_filter, text) in FILTERS.items():
        sys.stdout.write(f"  | {name:<10} {text}\n")
    from c3p_docs.strings import strings

    placeholders = " / ".join(strings(language)["placeholder"] for language in ("ja", "en"))
    sys.stdout.write("  | ph         " + _("the value, or {placeholders} when it is missing").format(
        placeholders=placeholders) + "\n")


def _describe(descriptions: dict[str, str], path: str) -> str:
    from c3p_docs.init_file import describe

    return describe(descriptions, path)


@app.command("check-form", short_help=_("Lint a tagged official form (.docx or .pptx)."),
             help=_("Lint a tagged official form: syntax errors, unknown variables and filters, each with its place."))
@handled
def check_form_command(form: Annotated[Path, typer.Argument(help=_("A tagged .docx or .pptx."), metavar="FORM")],
                       kind: Annotated[Optional[str], typer.Option(help=_("What the form is for (application_form, "
                                                                           "overview_ja, …): also checks required "
                                                                           "fields."))] = None,
                       output_format: FormatOption = OutputFormat.text, lang: LangOption = None) -> None:
    from c3p_docs.findings import has_errors, print_findings
    from c3p_docs.form_check import check_form

    if kind is not None and kind not in FORM_KINDS:
        raise UsageError(_("--kind {kind}: one of {kinds}.").format(kind=repr(kind), kinds=", ".join(FORM_KINDS)))
    findings = check_form(form, kind)
    errors = sum(f.severity == "error" for f in findings)
    print_findings(findings, output_format.value, summary=_("{file}: {errors} error(s), {warnings} warning(s).").format(
        file=form, errors=errors, warnings=sum(f.severity == "warning" for f in findings)))
    raise typer.Exit(1 if has_errors(findings) else 0)


OutOption = Annotated[Path, typer.Option("-o", "--out", help=_("Output folder; OUT/manifest.json lists what is in "
                                                                "it."))]
TemplatesOption = Annotated[Optional[Path], typer.Option(help=_("Folder of your own templates (see build)."))]
ForceOption = Annotated[bool, typer.Option(help=_("Replace files a person edited since they were generated."))]


def _templates(templates: Path | None) -> str | None:
    if templates is not None and not templates.is_dir():
        raise UsageError(_("--templates {folder}: no such folder.").format(folder=templates))
    return str(templates) if templates else None


def _finish(outcome, out: Path, output_format: OutputFormat) -> None:
    """Print what a contract-period command wrote and found; exit 1 when a finding is an error."""
    from c3p_docs.findings import has_errors, print_findings

    findings = outcome.all_findings
    print_findings(findings, output_format.value, extra={"out": str(out), "files": outcome.published.files},
                   summary=outcome.published.summary(out))
    raise typer.Exit(1 if has_errors(findings) else 0)


def _trip(which: str, project: Path, activity: str, out: Path, lang: str | None, pdf: PdfMode,
          templates: Path | None, force: bool, output_format: OutputFormat) -> None:
    from c3p_docs.contract import run_trip
    from c3p_docs.project import load_project

    languages, template_dir = _documents(lang), _templates(templates)
    loaded = load_project(project)
    _finish(run_trip(loaded, which, activity, out, languages, pdf.value, template_dir, force), out, output_format)


ActivityArg = Annotated[str, typer.Argument(help=_("The activity's `id`, or its date (YYYY-MM-DD) when only one "
                                                   "activity has it."), metavar="ACTIVITY",
                                            autocompletion=_complete_activity)]


@trip_app.command("plan", short_help=_("Write the advance plan of a field survey or invitation."),
                  help=_("Write the advance plan of a field survey or invitation (Word, A4): purpose, dates, "
                         "day-by-day itinerary, places and counterparts, participants, the workshop programme, and "
                         "what the ministry should know.\n\n"
                         "Set `plan_submitted: YYYY-MM-DD` on the activity once it is sent: `monthly` and `calendar` "
                         "then stop reminding. An unknown ACTIVITY lists the project's activities.")
                  + _examples("c3p-docs trip plan project.yaml survey-1 -o out",
                              "c3p-docs trip plan project.yaml 2026-07-13 -o out --lang en --pdf never"))
@handled
def trip_plan(project: ProjectArg, activity: ActivityArg, out: OutOption = Path("out"), lang: LangOption = None,
              pdf: PdfOption = PdfMode.auto, templates: TemplatesOption = None, force: ForceOption = False,
              output_format: FormatOption = OutputFormat.text) -> None:
    _trip("plan", project, activity, out, lang, pdf, templates, force, output_format)


@trip_app.command("report", short_help=_("Write the report after a field survey or invitation."),
                  help=_("Write the report after a field survey or invitation (Word, A4): what was done each day, the "
                         "workshops with their attendees and outcomes, results, next steps, and the photos you name "
                         "under `photos:`.\n\n"
                         "Set `report_submitted: YYYY-MM-DD` on the activity once it is sent.")
                  + _examples("c3p-docs trip report project.yaml survey-1 -o out"))
@handled
def trip_report(project: ProjectArg, activity: ActivityArg, out: OutOption = Path("out"), lang: LangOption = None,
                pdf: PdfOption = PdfMode.auto, templates: TemplatesOption = None, force: ForceOption = False,
                output_format: FormatOption = OutputFormat.text) -> None:
    _trip("report", project, activity, out, lang, pdf, templates, force, output_format)


@app.command("plan", short_help=_("Write the year's implementation plan (実施計画書)."),
             help=_("Write the year's implementation plan (実施計画書, Word) for the contract: overview, methods and "
                    "content of each activity, structure (organisations and roles), a month-by-month schedule of the "
                    "fiscal year, and the budget by category.\n\n"
                    "The fiscal year is the call's (`call:`); `plan:` entries for that year give its goals and "
                    "outputs.")
             + _examples("c3p-docs plan project.yaml -o out", "c3p-docs plan project.yaml -o out --lang ja,en --pdf always"))
@handled
def implementation_plan(project: ProjectArg, out: OutOption = Path("out"), lang: LangOption = None,
                        pdf: PdfOption = PdfMode.auto, templates: TemplatesOption = None, force: ForceOption = False,
                        output_format: FormatOption = OutputFormat.text) -> None:
    from c3p_docs.contract import run_plan
    from c3p_docs.project import load_project

    languages, template_dir = _documents(lang), _templates(templates)
    loaded = load_project(project)
    _finish(run_plan(loaded, out, languages, pdf.value, template_dir, force), out, output_format)


@app.command(short_help=_("Write the slides for a report session with the ministry."),
             help=_("Write the slides for a report session with the ministry (PowerPoint, A4 landscape): the project "
                    "at a glance, what was done since the last session (done activities and `monthly` progress), "
                    "results against the year's `plan`, issues, what comes next until the fiscal year ends, and the "
                    "JCM pipeline with reductions.\n\n"
                    "The session's date is that of the project's `report_session` activity in the session's months; "
                    "long lists continue on further slides, so nothing is cut.")
             + _examples("c3p-docs session project.yaml interim -o out",
                         "c3p-docs session project.yaml final -o out --lang en --pdf never"))
@handled
def session(project: ProjectArg,
            which: Annotated[str, typer.Argument(help=_("kickoff, interim or final (the call's report sessions)."),
                                                 metavar="kickoff|interim|final", autocompletion=_complete_session)],
            out: OutOption = Path("out"), lang: LangOption = None, pdf: PdfOption = PdfMode.auto,
            templates: TemplatesOption = None, force: ForceOption = False,
            output_format: FormatOption = OutputFormat.text) -> None:
    from c3p_docs.contract import run_session
    from c3p_docs.project import load_project

    languages, template_dir = _documents(lang), _templates(templates)
    loaded = load_project(project)
    _finish(run_session(loaded, which, out, languages, pdf.value, template_dir, force), out, output_format)


@app.command(short_help=_("Sum the actual costs against the budget, for the settlement."),
             help=_("Sum the actual costs (`actuals:` in the project and/or --ledger) by the budget's categories beside "
                    "the plan, recompute general and administrative costs and consumption tax on them as the budget "
                    "does, and give the payable amount (the lower of the contract amount and the actual cost). Writes "
                    "an Excel workbook (by category, ledger lines, findings) and a one-page Word summary for the "
                    "settlement report (委託業務精算報告書).\n\n"
                    "Amounts are in yen before consumption tax. Categories are the budget's ids (overseas_travel) or "
                    "their names in Japanese or English (外国旅費, Overseas travel). Dates: YYYY-MM-DD or YYYY/MM/DD. "
                    "A malformed ledger line is reported as FILE:LINE:COLUMN and nothing is written (exit 1). Costs in "
                    "no known category or outside the fiscal year are left out of the totals and reported (exit 1); "
                    "a category over plan and unplanned equipment are warnings.")
             + _examples("c3p-docs settle project.yaml --ledger ledger.csv -o out",
                         "c3p-docs settle project.yaml -o out --lang ja,en"))
@handled
def settle(project: ProjectArg,
           ledger: Annotated[Optional[Path], typer.Option(help=_("CSV ledger of actual costs: columns date, category, "
                                                                "description, amount_jpy (UTF-8, UTF-8 with BOM or "
                                                                "Shift_JIS)."), metavar="FILE.csv")] = None,
           out: OutOption = Path("out"), lang: LangOption = None, pdf: PdfOption = PdfMode.auto,
           templates: TemplatesOption = None, force: ForceOption = False,
           output_format: FormatOption = OutputFormat.text) -> None:
    from c3p_docs.contract import run_settle
    from c3p_docs.ledger import LedgerError
    from c3p_docs.project import load_project

    languages, template_dir = _documents(lang), _templates(templates)
    loaded = load_project(project)
    try:
        outcome = run_settle(loaded, ledger, out, languages, pdf.value, template_dir, force)
    except LedgerError as error:
        _ledger_failure(error, out, output_format)
    _finish(outcome, out, output_format)


@app.command(short_help=_("Write the question mail to the ministry (.eml draft)."),
             help=_("Write the question mail to the ministry (.eml draft to open and send): the call's address and "
                    "inquiry subject, the question from FILE, and [1] organisation [2] department/title [3] person "
                    "[4] phone [5] e-mail from `applicant` and `contact` (R6-2 §9).\n\n"
                    "An item the project does not give is a warning and shows 「（未記入）」 in the mail. The draft is "
                    "OUT/inquiry_YYYYMMDD_XXXXXX.eml (today's date, a short hash of the question).")
             + _examples("c3p-docs inquiry project.yaml --question question.txt -o out"))
@handled
def inquiry(project: ProjectArg,
            question: Annotated[Path, typer.Option("--question", help=_("Plain-text file with the question (UTF-8 or "
                                                   "Shift_JIS)."), metavar="FILE")],
            out: OutOption = Path("out"), templates: TemplatesOption = None, force: ForceOption = False,
            output_format: FormatOption = OutputFormat.text, lang: LangOption = None) -> None:
    import datetime as dt

    from c3p_docs.inquiry import inquiry as make_inquiry
    from c3p_docs.inquiry import read_question
    from c3p_docs.pipeline import Document, publish
    from c3p_docs.project import load_project

    loaded = load_project(project)
    text = read_question(question)
    template_dir = _templates(templates)
    draft = make_inquiry(loaded, text, dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).date(), template_dir)
    published = publish(out, [Document("inquiry", "ja", draft.relative, draft.data)], "never", force)
    findings = draft.findings + published.findings
    from c3p_docs.findings import has_errors, print_findings

    summary = (_("wrote {file}: open it in your mail program, check it and send it.")
               if draft.relative in published.written else _("{file}: unchanged.")).format(file=out / draft.relative)
    print_findings(findings, output_format.value, extra={"out": str(out), "files": published.files},
                   summary=summary)
    raise typer.Exit(1 if has_errors(findings) else 0)


def _ledger_failure(error, out: Path, output_format: OutputFormat) -> None:
    """A malformed CSV (ledger, hours): every bad line as FILE:LINE:COLUMN, nothing written, exit 1."""
    from c3p_docs.findings import Finding, print_findings

    if output_format == OutputFormat.json:
        print_findings([Finding("ledger-syntax", "error", p.message, file=p.file, line=p.line, column=p.column)
                        for p in error.problems], "json", extra={"out": str(out), "files": []})
    else:
        for problem in error.problems:
            _stderr(str(problem))
    _stderr(f"c3p-docs: {error.message}", colour="\033[31m")
    raise typer.Exit(1) from None


@app.command(short_help=_("Write the month's personnel time records (業務日誌, Excel)."),
             help=_("Write the month's personnel time records (業務日誌, Excel, one sheet per person): the hours each "
                    "person worked on the project day by day, which R6-2 §11(2)① asks for to prove personnel "
                    "costs.\n\n"
                    "With --hours, from a CSV of date,person,hours,activity (header in English; hours as 7.5 or 7:30); "
                    "the fiscal year's person-days so far are checked against the budget's personnel lines (in 人日) "
                    "and each person's `staff[].planned_days` (over the plan: warning). Without it, a blank form for "
                    "every person with the month's activities on their days. People are `staff:` ({name, role, "
                    "organisation, planned_days}), else the project manager and the contact. A malformed CSV line is "
                    "reported as FILE:LINE:COLUMN and nothing is written (exit 1). One person-day is the profile's "
                    "hours (`calls CALL --rules`).")
             + _examples("c3p-docs timesheet project.yaml --month 2026-07 --hours hours.csv -o contract",
                         "c3p-docs timesheet project.yaml --month 2026-08 -o contract"))
@handled
def timesheet(project: ProjectArg,
              month: Annotated[str, typer.Option(help=_("The month, YYYY-MM."), metavar="YYYY-MM")],
              hours: Annotated[Optional[Path], typer.Option(help=_("CSV of hours: columns date, person, hours, "
                                                                   "activity (UTF-8, UTF-8 with BOM or Shift_JIS)."),
                                                            metavar="FILE.csv")] = None,
              out: OutOption = Path("out"), templates: TemplatesOption = None, force: ForceOption = False,
              output_format: FormatOption = OutputFormat.text, lang: LangOption = None) -> None:
    from c3p_docs.ledger import LedgerError
    from c3p_docs.project import load_project
    from c3p_docs.timesheet import parse_month, run_timesheet

    parse_month(month)
    loaded = load_project(project)
    try:
        outcome = run_timesheet(loaded, month, hours, out, force, _templates(templates))
    except LedgerError as error:
        _ledger_failure(error, out, output_format)
    _finish(outcome, out, output_format)


def main() -> None:
    """The console script: run one command, then leave without tearing the interpreter down.

    Exit handlers still run and both streams are flushed (files are already fsynced by `write_atomic`); what
    is skipped is the final garbage collection and module teardown, ~100–200 ms after building documents.
    Only here, never in library functions: code calling `app()` in-process keeps normal semantics.
    """
    # First: SIGINT/SIGTERM/SIGHUP unwind like Ctrl-C (temporary files go), closed or full streams are handled.
    console.install()
    import gc
    import os

    gc.freeze()  # what is imported so far lives until exit: keep it out of every collection
    # Collect young objects every 20,000 allocations, not 700: the default spends ~10% of a build or a
    # 25-project monthly run in the collector (measured, issue 13) for ~7 MB less peak memory.
    gc.set_threshold(20_000, 20, 20)
    # pydantic is our validator, not an extension point: finding plugins scans every installed package.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    arguments = sys.argv[1:]
    try:
        # One program name under `c3p-docs` and `python -m c3p_docs` (help, completion scripts); NO_COLOR
        # also silences the parser's own colours (our output checks it itself). Not standalone: a command
        # line click cannot parse comes back here, to be answered in JSON too.
        code: int | str | None = _for_command(arguments)(
            prog_name="c3p-docs", standalone_mode=False, **({"color": False} if os.environ.get("NO_COLOR") else {}))
    except _CLICK_ERROR as error:
        code = _usage_failure(error, arguments)
    except typer.Abort:
        code = 1
    except console.OutputLost as error:  # help or completion text to a full or closed stdout
        _stderr(f"c3p-docs: {error.message}", colour="\033[31m")
        code = EX_IOERR
    except KeyboardInterrupt as error:
        code = console.report_stop(console.json_requested(arguments), error)
    except SystemExit as exit_:
        code = exit_.code
    if console.run.stopped_by is not None and not console.run.stop_reported:  # stopped while the line was parsed
        code = console.report_stop(console.json_requested(arguments))
    _leave(code)


# click's base error as this typer raises it (recent typers vendor click as `typer._click`).
_CLICK_ERROR: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


CLICK_MESSAGES = (
    (r"Missing argument (?P<name>.+)\.", N_("Missing argument {name}.")),
    (r"Missing option (?P<name>.+?)\.(?: Choose from:(?P<choices>[\s\S]*))?", N_("Missing option {name}.")),
    (r"No such option: (?P<option>\S+) \(Possible options: (?P<possible>.+)\)",
     N_("No such option: {option} (possible options: {possible}).")),
    (r"No such option: (?P<option>\S+)", N_("No such option: {option}.")),
    (r"Got unexpected extra argument\(s\) \((?P<arguments>.*)\)", N_("Got unexpected extra argument(s) ({arguments}).")),
    (r"Option (?P<option>'.+') requires an argument\.", N_("Option {option} requires an argument.")),
    (r"Option (?P<option>'.+') requires (?P<count>\d+) arguments\.", N_("Option {option} requires {count} arguments.")),
    (r"Option (?P<option>'.+') does not take a value\.", N_("Option {option} does not take a value.")),
    (r"Argument (?P<argument>'.+') takes (?P<count>\d+) values\.", N_("Argument {argument} takes {count} values.")),
    (r"Invalid value for (?P<option>.+?): (?:Value error, )?(?P<value>'.*') is not one of (?P<choices>.+)\.",
     N_("Invalid value for {option}: {value} is not one of {choices}.")),
    (r"Invalid value for (?P<option>.+?): (?P<message>[\s\S]*)", N_("Invalid value for {option}: {message}")),
    (r"(?P<message>[\s\S]*?)\.? Did you mean (?P<suggestions>.+)\?", N_("{message} Did you mean {suggestions}?")),
)
"""click's own English (typer's copy of click writes it without gettext), matched to say it in the message
language: pattern → our message with the same named fields."""


def _click_message(error) -> str:
    """The message of a command line click refused, in the message language."""
    import re

    text = error.format_message()
    for pattern, message in CLICK_MESSAGES:
        match = re.fullmatch(pattern, text)
        if match:
            fields = {name: value or "" for name, value in match.groupdict().items()}
            if "choices" in fields and "choices" not in message:
                continue
            if message.startswith("{message} Did you mean"):
                fields["message"] += "" if fields["message"].endswith(("。", ".")) else "."
            return _(message).format(**fields)
    return text


def _usage_failure(error, arguments: list[str]) -> int:
    """A command line click refuses: the usage line, where to find help and what is wrong on stderr and, when
    --format json is on the line, the one JSON object on stdout (a bad --format value itself gets the text only:
    which format was meant is unknown)."""
    if type(error).__name__ == "NoArgsIsHelpError":  # the command's help, as click shows it
        error.show()
        return error.exit_code
    context = getattr(error, "ctx", None)
    message = _click_message(error)
    hint = _("Try '{command} -h' for help.").format(command=context.command_path) if context is not None else ""
    if context is not None:
        sys.stderr.write(f"{context.get_usage()}\n{hint}\n\n")
    _stderr(_("Error: {message}").format(message=message))
    if console.json_requested(arguments):
        from c3p_docs.findings import Finding, print_findings

        try:
            print_findings([Finding("usage", "error", f"{message} {hint}".strip())], "json")
        except console.OutputLost as lost:
            _stderr(f"c3p-docs: {lost.message}", colour="\033[31m")
            return EX_IOERR
    return error.exit_code


def _for_command(arguments: list[str]) -> typer.Typer:
    """`app` with only the command the arguments name, when they start with one (the rest as given).

    typer reads the signature and annotations of every registered command before parsing (~25 ms for ours);
    a run needs one. Help for the whole tool, completion and unknown names use the full app, so what a user
    sees is the same.
    """
    import copy
    import os

    from typer.main import get_command_name

    name = arguments[0] if arguments else ""
    if any(key.endswith("_COMPLETE") for key in os.environ):
        return app
    commands = [c for c in app.registered_commands
                if (c.name or get_command_name(c.callback.__name__ if c.callback else "")) == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    narrowed = copy.copy(app)
    narrowed.registered_commands, narrowed.registered_groups = commands, groups
    return narrowed


def _leave(code: int | str | None) -> None:
    """Exit with `code` as `sys.exit` would, after atexit handlers and flushing, but without teardown."""
    import atexit
    import os

    if code is None:
        code = 0
    elif not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    console.run.leaving = True  # a signal from here on no longer changes anything
    atexit._run_exitfuncs()
    console.finish_streams()
    failed = getattr(sys.stdout, "failed", None)
    if failed and code != EX_IOERR:  # the last of the output stayed in the buffer: a full disk behind a redirect
        _stderr(f"c3p-docs: {console.OutputLost(failed).message}", colour="\033[31m")
        code = EX_IOERR
    os._exit(code)
