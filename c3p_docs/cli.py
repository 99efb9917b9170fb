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

from c3p_docs import console
from c3p_docs.errors import EX_IOERR, EX_SOFTWARE, REPORT_HINT, C3pError, UsageError


class _ClickUsage(typer.core.TyperCommand):
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


def _summary(doc: str | None) -> str | None:
    """The first sentence of a docstring, whole: what the command list shows when a command sets no short_help."""
    first = " ".join((doc or "").strip().split("\n\n")[0].split())
    sentence, stop, _ = first.partition(". ")
    return sentence + "." if stop else first or None


class _Typer(typer.Typer):
    """typer.Typer whose commands print click's usage line and list a complete summary, never one cut with "…"."""

    def __init__(self, *, help=None, short_help=None, **settings):
        super().__init__(help=help, short_help=short_help or _summary(help), **settings)

    def command(self, name=None, *, cls=None, short_help=None, **settings):
        def register(function):
            summary = short_help or _summary(function.__doc__)
            return super(_Typer, self).command(name, cls=cls or _ClickUsage, short_help=summary, **settings)(function)

        return register


class _WorkflowOrder(typer.core.TyperGroup):
    """List commands in the order an applicant uses them, not the order they are defined."""

    ORDER = ("init", "validate", "score", "inquiry", "build", "subject", "check-package", "monthly", "calendar", "plan",
             "trip", "session", "timesheet", "settle", "fields", "check-form", "calls", "schema")

    def list_commands(self, ctx):
        names = super().list_commands(ctx)
        return sorted(names, key=lambda name: self.ORDER.index(name) if name in self.ORDER else len(self.ORDER))


app = _Typer(
    cls=_WorkflowOrder,
    name="c3p-docs",
    help="Proposal documents for Japan's City-to-City Collaboration for Zero Carbon Society (C3P).\n\n"
         "One project YAML → every document of the call, in Japanese and English.\n\n"
         "Start with `c3p-docs init`, check with `c3p-docs validate project.yaml`, then "
         "`c3p-docs build project.yaml -o out`.\n\n"
         "Exit codes: 0 success (warnings allowed), 1 the input breaks rules, 2 usage error or unreadable input, "
         "70 internal error (a bug: please report it).",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
subject_app = _Typer(help="Make or check the e-mail subject of the application.", no_args_is_help=True)
app.add_typer(subject_app, name="subject")
trip_app = _Typer(help="The plan sent to the ministry before a field survey or invitation, and the report after it.\n\n"
                       "Examples:\n\n\b\n  c3p-docs trip plan project.yaml survey-1 -o out\n"
                       "  c3p-docs trip report project.yaml 2026-07-13 -o out --lang en", no_args_is_help=True,
                  short_help="A trip's advance plan, or its report after it.")
app.add_typer(trip_app, name="trip")


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


class Lang(str, Enum):
    ja = "ja"
    en = "en"


class PdfMode(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


def _languages(value: str) -> str:
    """`ja`, `en` or a comma list such as `ja,en`, each language once in the order given."""
    given = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [part for part in given if part not in Lang.__members__]
    if not given or unknown:
        what = f"{', '.join(unknown)} is not a language c3p-docs writes; " if unknown else ""
        raise typer.BadParameter(f"{value!r}: {what}use ja, en or ja,en.")
    return ",".join(dict.fromkeys(given))


def _complete_call(incomplete: str) -> list[str]:
    """Bundled call ids, and profile files when a path is being typed."""
    from c3p_docs.calls import bundled_profiles

    names = [name for name in bundled_profiles() if name.startswith(incomplete)]
    if "/" in incomplete or "\\" in incomplete or incomplete.startswith("."):
        folder, _, stem = incomplete.replace("\\", "/").rpartition("/")
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

        activities = load_yaml_file(Path(ctx.params["project"]), "project file").data.get("activities") or []
        offered = []
        for activity in activities:
            if not isinstance(activity, dict):
                continue
            key = activity.get("id") or activity.get("date")
            title = activity.get("title")
            title = (title.get("ja") or title.get("en")) if isinstance(title, dict) else title
            if key is not None and str(key).startswith(incomplete):
                offered.append((str(key), str(title or activity.get("kind") or "")))
        return offered
    except Exception:  # completion runs on every Tab press: a half-typed file must never print a traceback
        return []


FORM_KINDS = ("application_form", "overview_ja", "overview_en", "summary_ja", "summary_en", "pledge", "cover")
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="text for people (on stderr), json for tools "
                                                                     "(one object on stdout).")]
ProjectArg = Annotated[Path, typer.Argument(help="The project YAML.", metavar="PROJECT.yaml")]
PdfOption = Annotated[PdfMode, typer.Option(help="auto: convert with LibreOffice when installed; always: fail "
                                                 "without it; never.")]


def languages_option(help_text: str):
    """--lang for commands that write several languages at once: `ja`, `en` or `ja,en`."""
    return typer.Option("--lang", help=help_text, metavar="ja|en|ja,en", callback=_languages,
                        autocompletion=lambda: ["ja", "en", "ja,en"])


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
                                                   help="Print the version and exit.")] = False,
             where: Annotated[bool, typer.Option("--where", callback=_print_where, is_eager=True,
                                                 help="Print the full command that runs this c3p-docs without PATH, "
                                                      "to write in cron, systemd or Task Scheduler, and exit.")] = False
             ) -> None:
    pass


@app.command("version", hidden=True)
def version_command() -> None:
    """Print the version (as -V and --version do)."""
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

            hint = ("The disk is full: free some space and run again; files already written are complete."
                    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
                    else "Check the path and that you can write there.")
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
            message = f"internal error ({type(error).__name__}: {error}). {REPORT_HINT}"
            _json_failure("internal-error", message, output_format)
            _stderr(f"c3p-docs: {message}", colour="\033[31m")
            raise typer.Exit(EX_SOFTWARE) from None

    return wrapper


@app.command(short_help="Check PROJECT.yaml against the schema and the call's rules.")
@handled
def validate(project: ProjectArg, output_format: FormatOption = OutputFormat.text) -> None:
    """Check PROJECT.yaml against the schema and the call's rules; writes nothing.

    Every problem is reported at once as FILE:LINE:COL field.path: message. Warnings (fields a complete
    application still needs) do not fail; errors exit 1.
    """
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
    verdict = ("" if errors else f" It builds, but {examples} value(s) are still the starter's examples." if examples
               else " Ready to build.")
    summary = (f"{project}: {errors} error(s), {warnings} warning(s)" + (f" against {call}." if call else ".")
               + verdict)
    print_findings(findings, output_format.value, extra={"call": call}, summary=summary)
    raise typer.Exit(1 if has_errors(findings) else 0)


@app.command(short_help="Self-assess the scoring items the data decides.")
@handled
def score(project: ProjectArg, output_format: FormatOption = OutputFormat.text,
          lang: Annotated[Lang, typer.Option(help="Language of item names.")] = Lang.en) -> None:
    """Self-assess the scoring items the data decides (cost-effectiveness, GHG reduction, certifications…).

    Items the reviewers judge are listed with no points. The basis of each figure is shown.
    """
    from c3p_docs.findings import print_findings
    from c3p_docs.project import load_project
    from c3p_docs.scoring import score_project, score_totals

    loaded = load_project(project)
    scores = score_project(loaded.project, loaded.rules, lang.value)
    totals = score_totals(scores, loaded.rules, loaded.project)
    if output_format == OutputFormat.json:
        print_findings([], "json", extra={"call": loaded.rules.id, "items": [s.as_json() for s in scores], **totals})
        return
    import unicodedata

    def display_width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    width = max(display_width(s.name) for s in scores)
    for item in scores:
        points = "—" if item.points is None else str(item.points)
        maximum = "" if item.max is None else f"/{item.max}"
        padding = " " * (width - display_width(item.name))
        mark = "*" if item.assumed else " "
        sys.stdout.write(f"{item.name}{padding}  {points:>3}{maximum:<4}{mark} {item.basis}\n")
    sheet = f" (whole sheet: {totals['sheet_max']})" if totals["sheet_max"] else ""
    sys.stdout.write(f"\nPoints the data decides: {totals['total']} of {totals['max']}{sheet}.\n")
    assumed = [item for item in scores if item.assumed]
    if assumed:
        sys.stdout.write("\n* Assumed where the call is silent (the profile's reading; `c3p-docs calls "
                         f"{loaded.rules.id} --rules` lists every rule):\n")
        for item in assumed:
            sys.stdout.write(f"  {item.name}: {item.note or 'assumed'}\n")


@app.command(short_help="List the bundled call profiles, or one call's details.")
@handled
def calls(call: Annotated[Optional[str], typer.Argument(help="A bundled call name or a profile path.",
                                                        metavar="CALL", autocompletion=_complete_call)] = None,
          criteria: Annotated[bool, typer.Option("--criteria", help="List the call's evaluation criteria: "
                                                 "the ids `narrative:` takes, points, what reviewers look for.")] = False,
          rules_listing: Annotated[bool, typer.Option("--rules", help="List the call's rules on one page: money and "
                                                      "categories, mail, files, pages, periods, dates, activities, "
                                                      "adoptions, sectors, contract paperwork, each with its source "
                                                      "and whether it is assumed.")] = False,
          lang: Annotated[Lang, typer.Option(help="Language of names and criteria.")] = Lang.en,
          output_format: FormatOption = OutputFormat.text) -> None:
    """List the bundled call profiles (use their names in `call:` or --call); with CALL --criteria, its criteria;
    with CALL --rules, its rules.

    \b
    Example:
      c3p-docs calls fy2024-2 --rules --lang ja
      c3p-docs calls fy2026-1 --rules --format json
    """
    from c3p_docs.calls import bundled_profiles, load_call
    from c3p_docs.findings import print_findings

    if criteria and rules_listing:
        raise UsageError("give --criteria or --rules, not both.")
    if rules_listing:
        if call is None:
            raise UsageError("--rules lists one call's rules: name it, e.g. `c3p-docs calls fy2026-1 --rules`.")
        from c3p_docs.call_rules import format_rules, rule_rows

        rules = load_call(call, base_dir=Path.cwd())
        if output_format == OutputFormat.json:
            print_findings([], "json", extra={"call": rules.id, "rules": rule_rows(rules)})
        else:
            sys.stdout.write(format_rules(rules, lang.value))
        return
    if criteria:
        if call is None:
            raise UsageError("--criteria lists one call's criteria: name it, e.g. `c3p-docs calls fy2026-1 --criteria`.")
        from c3p_docs.criteria import criteria_rows, format_criteria

        rules = load_call(call, base_dir=Path.cwd())
        if output_format == OutputFormat.json:
            print_findings([], "json", extra={"call": rules.id, "criteria": criteria_rows(rules)})
        else:
            sys.stdout.write(format_criteria(rules, lang.value))
        return
    profiles = [load_call(call, base_dir=Path.cwd())] if call else [load_call(name) for name in bundled_profiles()]
    if output_format == OutputFormat.json:
        print_findings([], "json", extra={"calls": [{"id": p.id, "fiscal_year": p.fiscal_year,
                                                     "name": p.name.model_dump()} for p in profiles]})
        return
    for profile in profiles:
        sys.stdout.write(f"{profile.id:<10} FY{profile.fiscal_year}  {profile.name.get(lang.value) or profile.name.en}\n")
    sys.stdout.write("\nA profile of your own: `call: path/to/profile.yaml` in the project, or --call PATH.\n"
                     "Its evaluation criteria (the ids of `narrative:`): c3p-docs calls CALL --criteria\n"
                     "Its rules (money, mail, files, pages, dates …, with sources): c3p-docs calls CALL --rules\n")


@app.command(short_help="Print the JSON Schema of PROJECT.yaml, for editors.")
@handled
def schema(call: Annotated[Optional[str], typer.Option("--call", help="Only this call's narrative keys (a bundled "
                                                     "call or a profile path); without it, every bundled call's.",
                                                     metavar="CALL", autocompletion=_complete_call)] = None) -> None:
    """Print the JSON Schema of PROJECT.yaml, for completion and checking in editors (yaml-language-server).

    `narrative` lists the criterion ids of the project's call and flags any other key. `init` writes it beside
    project.yaml as project.schema.json.
    """
    from c3p_docs.calls import load_call
    from c3p_docs.schema import project_json_schema

    sys.stdout.write(project_json_schema(load_call(call, base_dir=Path.cwd()) if call else None) + "\n")


@app.command(short_help="Start a project: a commented project.yaml and its schema.")
@handled
def init(directory: Annotated[Path, typer.Argument(help="Folder to write project.yaml and project.schema.json into.",
                                                   metavar="DIR")] = Path("."),
         call: Annotated[str, typer.Option("--call", help="Call profile name or path.", metavar="CALL",
                                           autocompletion=_complete_call)] = "fy2026-1",
         lang: Annotated[Lang, typer.Option(help="Language of the comments.")] = Lang.ja,
         force: Annotated[bool, typer.Option(help="Replace an existing project.yaml.")] = False) -> None:
    """Write a commented project.yaml to start from, with every field a complete application needs; it validates
    as it is, and build writes every document from it (exit 1, placeholder-left, until its placeholders are filled).

    Beside it goes project.schema.json, so editors with yaml-language-server (VS Code's YAML extension) complete
    and check fields; a project.schema.json already there is never replaced.
    """
    from c3p_docs.calls import load_call
    from c3p_docs.init_file import SCHEMA_FILE, starter_yaml, write_schema
    from c3p_docs.output import write_atomic

    rules = load_call(call)
    target = directory / "project.yaml"
    if target.exists() and not force:
        raise UsageError(f"{target} exists; nothing was changed. Use --force to replace it, or another folder.")
    directory.mkdir(parents=True, exist_ok=True)
    write_atomic(target, starter_yaml(rules, call, lang.value).encode("utf-8"))
    schema_file = directory / SCHEMA_FILE
    if write_schema(schema_file, rules, call):
        _stderr(f"wrote {target} and {schema_file} for {rules.id}. Next: c3p-docs validate {target}")
    else:
        _stderr(f"wrote {target} for {rules.id}; kept {schema_file}, which differs from this version's schema "
                f"(`c3p-docs schema > {schema_file}` replaces it). Next: c3p-docs validate {target}")


@subject_app.command("make", short_help="Print the exact e-mail subject for PROJECT.yaml.")
@handled
def subject_make(project: ProjectArg, output_format: FormatOption = OutputFormat.text) -> None:
    """Print the exact e-mail subject the call requires for this project."""
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
        _stderr(f"note: {loaded.rules.id} prints no subject; the pattern is {rule.cited()}.")


@subject_app.command("check", short_help="Check a typed subject against the call and the project.")
@handled
def subject_check(text: Annotated[str, typer.Argument(help="The subject as typed.", metavar="TEXT")],
                  project: Annotated[Optional[Path], typer.Option(help="Project YAML (checks the names too).",
                                                                  metavar="PROJECT.yaml")] = None,
                  call: Annotated[Optional[str], typer.Option(help="Call profile, when no project is given.",
                                                              metavar="CALL", autocompletion=_complete_call)] = None,
                  output_format: FormatOption = OutputFormat.text) -> None:
    """Find every deviation of TEXT from the call's subject: characters, fiscal year, names, fixed text."""
    from c3p_docs.findings import has_errors, print_findings
    from c3p_docs.subject import check_subject, make_subject

    loaded_project, rules = _project_or_call(project, call)
    findings = check_subject(text, rules, loaded_project)
    extra = {"expected": make_subject(loaded_project, rules)} if loaded_project else {}
    if findings:
        summary = f"{len(findings)} problem(s) in the subject"
    elif loaded_project is None:
        summary = "subject OK for the call's pattern; give --project PROJECT.yaml to check the names too"
    else:
        summary = "subject OK"
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
        raise UsageError("give --project or --call, not both.")
    if project is not None:
        loaded = load_project(project)
        return loaded, loaded.rules
    if call is None:
        raise UsageError("give --project PROJECT.yaml or --call CALL.")
    return None, load_call(call)


@app.command(short_help="Render every document of the call into OUT.")
@handled
def build(project: ProjectArg,
          out: Annotated[Path, typer.Option("-o", "--out", help="Output folder (attachments go to OUT/submission/).")] = Path("out"),
          only: Annotated[Optional[str], typer.Option(help="Comma-separated kinds: cover, application_form, overview, "
                                                           "summary, pledge, track_record, multi_year_plan, "
                                                           "organisation_overview, jcm_adoptions, project_idea_note, "
                                                           "checklist, final_report_outline, final_summary, "
                                                           "email_draft.")] = None,
          lang: Annotated[str, languages_option("Languages to render: ja, en or ja,en.")] = "ja,en",
          pdf: PdfOption = PdfMode.auto,
          templates: Annotated[Optional[Path], typer.Option(help="Folder of your own templates; a file there "
                                                                 "replaces the built-in one of the same name.")] = None,
          form: Annotated[Optional[list[str]], typer.Option(help="KIND=PATH: fill this tagged official form instead "
                                                                 "of the built-in rendition (kinds: application_form, "
                                                                 "overview_ja, overview_en, summary_ja, summary_en, "
                                                                 "pledge, cover). Repeatable.")] = None,
          force: Annotated[bool, typer.Option(help="Replace files you edited in OUT (mail drafts included) instead "
                                                   "of keeping them.")] = False,
          drafts_anyway: Annotated[bool, typer.Option("--drafts-anyway", help="Write the mail drafts even while the "
                                                      "project or the package breaks a rule; their file names then "
                                                      "start with DRAFT_.")] = False,
          output_format: FormatOption = OutputFormat.text) -> None:
    """Render every document of the call from PROJECT.yaml into OUT, with OUT/manifest.json.

    Rebuilding unchanged input rewrites nothing; a file you edited in OUT is kept and the new rendition is
    written to OUT/drafts/ as NAME.new.EXT. The package is then checked as check-package does, and mail drafts
    are written only when nothing breaks a rule (or with --drafts-anyway).
    """

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
            raise UsageError(f"--only: unknown kind(s) {', '.join(sorted(unknown))}; known: {', '.join(known)}.")
    if templates is not None and not templates.is_dir():
        raise UsageError(f"--templates {templates}: no such folder.")
    form_overrides = {}
    for value in form or []:
        kind, _, path = value.partition("=")
        if kind not in FORM_KINDS or not path:
            raise UsageError(f"--form {value!r}: use KIND=PATH with KIND one of {', '.join(FORM_KINDS)}.")
        form_overrides[kind] = Path(path)
    loaded = load_project(project)
    progress = sys.stderr.isatty() and output_format == OutputFormat.text
    result, manifest = run_build(loaded, out, kinds, lang.split(","), pdf.value, str(templates) if templates else None,
                                 progress, form_overrides, force=force, drafts_anyway=drafts_anyway)
    # The documents are written either way (a draft is worth reading); rule errors still fail the command.
    findings = result.findings
    if result.rule_warnings and output_format == OutputFormat.text:
        _stderr(f"{project}: {result.rule_warnings} warning(s) about a complete application; see "
                f"`c3p-docs validate {project}`.")
    summary = (f"{out}: {len(result.written)} file(s) written, {result.unchanged} unchanged"
               + (f", {len(result.kept)} edited file(s) kept (new renditions in {out / 'drafts'})" if result.kept
                  else "") + ".")
    to_supply = still_to_supply(loaded, out)
    print_findings(findings, output_format.value, extra={"out": str(out), "files": manifest, "to_supply": to_supply},
                   summary=summary)
    if output_format == OutputFormat.text:
        if to_supply:
            _stderr(f"Still to be supplied in {out / 'submission'}: "
                    + "; ".join(f"{item['label']} {item['name']['en']}" for item in to_supply) + ".")
        else:
            _stderr(f"Nothing left to supply: {out / 'submission'} has every required attachment.")
    raise typer.Exit(1 if has_errors(findings) else 0)


@app.command("check-package", short_help="Check a submission folder before you mail it.")
@handled
def check_package_command(
        folder: Annotated[Path, typer.Argument(help="The folder of files you will mail.", metavar="DIR")],
        project: Annotated[Optional[Path], typer.Option(help="Project YAML: decides conditional attachments and names.",
                                                        metavar="PROJECT.yaml")] = None,
        call: Annotated[Optional[str], typer.Option(help="Call profile, when no project is given.", metavar="CALL",
                                                    autocompletion=_complete_call)] = None,
        subject: Annotated[Optional[str], typer.Option(help="The subject you will use; checked too.")] = None,
        fix_names: Annotated[bool, typer.Option("--fix-names", help="Rename Mac-decomposed (NFD) names to NFC, "
                                                "Shift_JIS names (Windows zips) to Unicode, and drop invisible "
                                                "characters from names; never over another file.")] = False,
        write_mail: Annotated[Optional[Path], typer.Option(help="Write the planned mails as .eml drafts here "
                                                                "(only when nothing is an error).")] = None,
        drafts_anyway: Annotated[bool, typer.Option("--drafts-anyway", help="With --write-mail: write the drafts even "
                                                    "with errors, named DRAFT_… (the subject stays exact).")] = False,
        output_format: FormatOption = OutputFormat.text) -> None:
    """Check a submission folder before mailing: attachments, formats, macros, archives, names, placeholders,
    stale PDFs, drafts left in the folder, the 8MB plan; with --project, the project's own rule errors too.

    Files are recognised by content, not extension; nothing is extracted, links are never followed.
    """
    from c3p_docs.findings import has_errors, print_findings
    from c3p_docs.package_check.checker import check_package
    from c3p_docs.subject import check_subject, make_subject

    loaded, rules = _loaded_or_call(project, call)
    loaded_project = loaded.project if loaded else None
    report = check_package(folder, rules, loaded_project, fix_names=fix_names)
    findings = report.findings
    for old, new in report.renamed:
        findings.append(_info("renamed", f"renamed {old!r} to {new!r}.", str(folder / new)))
    if loaded is not None:
        from c3p_docs.checks import validate_project

        findings += [f for f in validate_project(loaded) if f.severity == "error"]
    if subject is not None:
        findings += check_subject(subject, rules, loaded_project)
    findings = list(dict.fromkeys(findings))  # a finding two checks share is reported once
    if write_mail is not None:
        mail_subject = subject or (make_subject(loaded_project, rules) if loaded_project else None)
        if mail_subject is None:
            raise UsageError("--write-mail needs --project (for the subject) or --subject.")
        findings += _write_mail_drafts(folder, report.plan, rules, loaded_project, mail_subject, write_mail,
                                       has_errors(findings), drafts_anyway)
    errors = sum(f.severity == "error" for f in findings)
    plan = report.plan
    summary = (f"{folder}: {len(report.entries)} file(s), {errors} error(s); {len(plan.mails)} mail(s) needed"
               + (f", {len(plan.too_large)} file(s) need the ministry's transfer service" if plan.too_large else "") + ".")
    print_findings(findings, output_format.value, extra=report.extra_json(), summary=summary)
    raise typer.Exit(1 if has_errors(findings) else 0)


def _write_mail_drafts(folder: Path, plan, rules, project, subject: str, out: Path, errors: bool,
                       anyway: bool) -> list:
    """The drafts of the planned mails, unless something is an error (then only with --drafts-anyway, named
    DRAFT_…); what was done is said on stderr, what went wrong is returned as findings."""
    from c3p_docs.findings import Finding
    from c3p_docs.mail_drafts import HeaderRefused, body_context, draft_date, draft_messages, sender_address, write_drafts

    if errors and not anyway:
        return [Finding("drafts-not-written", "info", f"no mail drafts were written to {out}: the errors must be fixed "
                        "first (drafts an earlier run left there are not up to date). To look at drafts anyway, add "
                        "--drafts-anyway: they are named DRAFT_….")]
    try:
        drafts = draft_messages(folder, plan, rules, subject, sender_address(project), body_context(project, rules),
                                draft_date(project, rules))
    except HeaderRefused as error:
        code = "subject-characters" if error.header == "subject" else "filename-windows"
        return [Finding(code, "error", error.message, path="subject" if error.header == "subject" else None)]
    written, problems = write_drafts(out, drafts, rules.mail.limit_bytes.value, draft=errors)
    _stderr(f"wrote {len(written)} draft(s) to {out}" + (" named DRAFT_…: the errors above are not fixed." if errors
                                                           else "."))
    return problems


def _info(code: str, message: str, file: str):
    from c3p_docs.findings import Finding

    return Finding(code, "info", message, file=file)


@app.command(short_help="Write each project's monthly one-page report (cron-safe).")
@handled
def monthly(projects: Annotated[list[Path], typer.Argument(help="One or more project YAMLs.", metavar="PROJECT.yaml")],
            month: Annotated[str, typer.Option(help="YYYY-MM, or `previous` (the month before today: cron on the 1st).")] = "previous",
            out: Annotated[Path, typer.Option("-o", "--out", help="Output folder; one subfolder per project.")] = Path("monthly"),
            lang: Annotated[str, languages_option("Languages: ja, en or ja,en.")] = "ja",
            pdf: PdfOption = PdfMode.auto,
            force: Annotated[bool, typer.Option(help="Replace reports a person edited since they were generated.")] = False,
            templates: Annotated[Optional[Path], typer.Option(help="Folder of your own templates.")] = None,
            strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too (a month with no entry, a "
                                                 "starter example left, a plan not sent), so cron mails an alarm; "
                                                 "the reports are still written.")] = False,
            output_format: FormatOption = OutputFormat.text) -> None:
    """Write the monthly one-page report (Word, and PDF with LibreOffice) for each project.

    Safe from cron: no prompts, no colour off a terminal, a rerun with unchanged input rewrites nothing,
    a report someone edited is kept and its PDF made from the edit (the new one goes to drafts/ in the
    project's folder), and overlapping runs take turns. Reports go to OUT/<file name>/, or OUT/<folder>/ for
    a file named project.yaml (projects/*/project.yaml: one folder each).
    Exit 1 if any project failed (a month outside its period is refused); the others are still written.
    With --strict, a warning exits 1 as well: month-empty says the project has no entry for the month.

    \b
    Example (cron, with the full path `c3p-docs --where` prints):
      c3p-docs monthly projects/*/project.yaml -o reports --lang ja,en --strict
    """
    import datetime as dt
    import re

    from c3p_docs.monthly import previous_month
    from c3p_docs.monthly_run import run_monthly

    if month == "previous":
        month = previous_month(dt.date.today())
    elif not re.fullmatch(r"(19[89]\d|20\d\d|2100)-(0[1-9]|1[0-2])", month):
        raise UsageError(f"--month {month!r}: use YYYY-MM (1980–2100) or previous.")
    outcomes = run_monthly(projects, month, out, lang.split(","), pdf.value, force, str(templates) if templates else None)
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
            changed = f"{len(outcome.files)} file(s) written" if outcome.files else "unchanged"
            sys.stdout.write(f"ok     {outcome.path}: {month}, {changed}\n")
    if warned and not failed:
        _stderr("c3p-docs: exit 1 because of the warnings above (--strict); the reports were written.")
    raise typer.Exit(code)


@app.command(short_help="Write every deadline of the project as iCalendar (.ics).")
@handled
def calendar(project: ProjectArg,
             out: Annotated[Path, typer.Option("-o", "--out", help="The .ics file to write.")] = Path("deadlines.ics"),
             lang: Annotated[Lang, typer.Option(help="Language of the event titles.")] = Lang.ja,
             output_format: FormatOption = OutputFormat.text) -> None:
    """Every deadline of the project as iCalendar: monthly reports, report sessions, surveys and their
    advance plans, the seminar, contract end, deliverables. Re-importing updates instead of duplicating."""
    from c3p_docs.calendar_ics import project_calendar
    from c3p_docs.findings import print_findings
    from c3p_docs.output import check_target, regular_bytes, write_atomic
    from c3p_docs.project import load_project

    check_target(out)
    loaded = load_project(project)
    data, events = project_calendar(loaded.project, loaded.rules, lang.value)
    changed = regular_bytes(out, len(data)) != data
    if changed:
        write_atomic(out, data)
    summary = f"wrote {out}: {len(events)} events." if changed else f"{out}: unchanged ({len(events)} events)."
    print_findings([], output_format.value, summary=summary,
                   extra={"out": str(out), "lang": lang.value, "changed": changed, "events": events})


@app.command(short_help="List every variable and filter a tagged form may use.")
@handled
def fields(lang: Annotated[Lang, typer.Option(help="Language of the descriptions.")] = Lang.en,
           output_format: FormatOption = OutputFormat.text) -> None:
    """Every variable and filter a tagged official form may use, with its type and an example value.

    Tag a form in Word or PowerPoint with {{ project.title.ja }}, {{ budget.total | yen }}, and rows with
    {%tr for item in budget.items %} … {%tr endfor %} (Word tables).
    """
    from c3p_docs.bilingual import Figure, raw
    from c3p_docs.form_check import known_paths  # noqa: F401 - loads the sample once
    from c3p_docs.form_fields import FILTERS, flatten, form_context
    from c3p_docs.init_file import field_descriptions
    from c3p_docs.project import load_project

    loaded = load_project(Path(__file__).parent / "data" / "fields_sample.yaml")
    rows = flatten(form_context(loaded.project, loaded.rules, lang.value))
    descriptions = dict(field_descriptions(lang.value))
    for item in loaded.rules.scoring:  # narrative keys are the criterion ids of the project's call
        descriptions[f"narrative.{item.id}"] = (f"{item.name.get(lang.value) or item.name.en} ({loaded.rules.id}; "
                                                "other calls: `c3p-docs calls CALL --criteria`)")

    def json_example(value):
        value = raw(value)
        return value if isinstance(value, (str, int, float, bool, list, type(None))) else str(value)

    if output_format == OutputFormat.json:
        payload = {"ok": True, "findings": [],
                   "fields": [{"path": p, "type": t, "example": json_example(e),
                               "description": _describe(descriptions, p),
                               **({"prints": str(e)} if isinstance(e, Figure) else {})} for p, t, e in rows],
                   "filters": {name: text for name, (_, text) in FILTERS.items()}}
        console.write_json(payload)
        return
    sys.stdout.write("Text prints in the form's language (.ja / .en pick one); figures print formatted "
                     "(.value is the number or date).\n\n")
    for path, kind, example in rows:
        shown = str(example)
        shown = shown if len(shown) <= 50 else shown[:47] + "…"
        description = _describe(descriptions, path)
        sys.stdout.write(f"{path:<52} {kind:<8} {shown:<50} {description}\n")
    sys.stdout.write("\nFilters:\n")
    for name, (_, text) in FILTERS.items():
        sys.stdout.write(f"  | {name:<10} {text}\n")
    from c3p_docs.strings import strings

    placeholders = " / ".join(strings(language)["placeholder"] for language in ("ja", "en"))
    sys.stdout.write(f"  | ph         the value, or {placeholders} when it is missing\n")


def _describe(descriptions: dict[str, str], path: str) -> str:
    from c3p_docs.init_file import describe

    return describe(descriptions, path)


@app.command("check-form", short_help="Lint a tagged official form (.docx or .pptx).")
@handled
def check_form_command(form: Annotated[Path, typer.Argument(help="A tagged .docx or .pptx.", metavar="FORM")],
                       kind: Annotated[Optional[str], typer.Option(help="What the form is for (application_form, "
                                                                         "overview_ja, …): also checks required fields.")] = None,
                       output_format: FormatOption = OutputFormat.text) -> None:
    """Lint a tagged official form: syntax errors, unknown variables and filters, each with its place."""
    from c3p_docs.findings import has_errors, print_findings
    from c3p_docs.form_check import check_form

    if kind is not None and kind not in FORM_KINDS:
        raise UsageError(f"--kind {kind!r}: one of {', '.join(FORM_KINDS)}.")
    findings = check_form(form, kind)
    errors = sum(f.severity == "error" for f in findings)
    print_findings(findings, output_format.value, summary=f"{form}: {errors} error(s), "
                   f"{sum(f.severity == 'warning' for f in findings)} warning(s).")
    raise typer.Exit(1 if has_errors(findings) else 0)


OutOption = Annotated[Path, typer.Option("-o", "--out", help="Output folder; OUT/manifest.json lists what is in it.")]
LangOption = Annotated[str, languages_option("Language of the document: ja or en (ja,en for both).")]
TemplatesOption = Annotated[Optional[Path], typer.Option(help="Folder of your own templates (see build).")]
ForceOption = Annotated[bool, typer.Option(help="Replace files a person edited since they were generated.")]


def _templates(templates: Path | None) -> str | None:
    if templates is not None and not templates.is_dir():
        raise UsageError(f"--templates {templates}: no such folder.")
    return str(templates) if templates else None


def _finish(outcome, out: Path, output_format: OutputFormat) -> None:
    """Print what a contract-period command wrote and found; exit 1 when a finding is an error."""
    from c3p_docs.findings import has_errors, print_findings

    findings = outcome.all_findings
    print_findings(findings, output_format.value, extra={"out": str(out), "files": outcome.published.files},
                   summary=outcome.published.summary(out))
    raise typer.Exit(1 if has_errors(findings) else 0)


def _trip(which: str, project: Path, activity: str, out: Path, lang: str, pdf: PdfMode, templates: Path | None,
          force: bool, output_format: OutputFormat) -> None:
    from c3p_docs.contract import run_trip
    from c3p_docs.project import load_project

    languages, template_dir = lang.split(","), _templates(templates)
    loaded = load_project(project)
    _finish(run_trip(loaded, which, activity, out, languages, pdf.value, template_dir, force), out, output_format)


ActivityArg = Annotated[str, typer.Argument(help="The activity's `id`, or its date (YYYY-MM-DD) when only one "
                                                 "activity has it.", metavar="ACTIVITY",
                                            autocompletion=_complete_activity)]


@trip_app.command("plan", short_help="Write the advance plan of a field survey or invitation.")
@handled
def trip_plan(project: ProjectArg, activity: ActivityArg, out: OutOption = Path("out"), lang: LangOption = "ja",
              pdf: PdfOption = PdfMode.auto, templates: TemplatesOption = None, force: ForceOption = False,
              output_format: FormatOption = OutputFormat.text) -> None:
    """Write the advance plan of a field survey or invitation (Word, A4): purpose, dates, day-by-day itinerary,
    places and counterparts, participants, the workshop programme, and what the ministry should know.

    Set `plan_submitted: YYYY-MM-DD` on the activity once it is sent: `monthly` and `calendar` then stop
    reminding. An unknown ACTIVITY lists the project's activities.

    \b
    Example:
      c3p-docs trip plan project.yaml survey-1 -o out
      c3p-docs trip plan project.yaml 2026-07-13 -o out --lang en --pdf never
    """
    _trip("plan", project, activity, out, lang, pdf, templates, force, output_format)


@trip_app.command("report", short_help="Write the report after a field survey or invitation.")
@handled
def trip_report(project: ProjectArg, activity: ActivityArg, out: OutOption = Path("out"), lang: LangOption = "ja",
                pdf: PdfOption = PdfMode.auto, templates: TemplatesOption = None, force: ForceOption = False,
                output_format: FormatOption = OutputFormat.text) -> None:
    """Write the report after a field survey or invitation (Word, A4): what was done each day, the workshops with
    their attendees and outcomes, results, next steps, and the photos you name under `photos:`.

    Set `report_submitted: YYYY-MM-DD` on the activity once it is sent.

    \b
    Example:
      c3p-docs trip report project.yaml survey-1 -o out
    """
    _trip("report", project, activity, out, lang, pdf, templates, force, output_format)


@app.command("plan", short_help="Write the year's implementation plan (実施計画書).")
@handled
def implementation_plan(project: ProjectArg, out: OutOption = Path("out"), lang: LangOption = "ja",
                        pdf: PdfOption = PdfMode.auto, templates: TemplatesOption = None, force: ForceOption = False,
                        output_format: FormatOption = OutputFormat.text) -> None:
    """Write the year's implementation plan (実施計画書, Word) for the contract: overview, methods and content
    of each activity, structure (organisations and roles), a month-by-month schedule of the fiscal year, and the
    budget by category.

    The fiscal year is the call's (`call:`); `plan:` entries for that year give its goals and outputs.

    \b
    Example:
      c3p-docs plan project.yaml -o out
      c3p-docs plan project.yaml -o out --lang ja,en --pdf always
    """
    from c3p_docs.contract import run_plan
    from c3p_docs.project import load_project

    languages, template_dir = lang.split(","), _templates(templates)
    loaded = load_project(project)
    _finish(run_plan(loaded, out, languages, pdf.value, template_dir, force), out, output_format)


@app.command(short_help="Write the slides for a report session with the ministry.")
@handled
def session(project: ProjectArg,
            which: Annotated[str, typer.Argument(help="kickoff, interim or final (the call's report sessions).",
                                                 metavar="kickoff|interim|final", autocompletion=_complete_session)],
            out: OutOption = Path("out"), lang: LangOption = "ja", pdf: PdfOption = PdfMode.auto,
            templates: TemplatesOption = None, force: ForceOption = False,
            output_format: FormatOption = OutputFormat.text) -> None:
    """Write the slides for a report session with the ministry (PowerPoint, A4 landscape): the project at a
    glance, what was done since the last session (done activities and `monthly` progress), results against the
    year's `plan`, issues, what comes next until the fiscal year ends, and the JCM pipeline with reductions.

    The session's date is that of the project's `report_session` activity in the session's months; long lists
    continue on further slides, so nothing is cut.

    \b
    Example:
      c3p-docs session project.yaml interim -o out
      c3p-docs session project.yaml final -o out --lang en --pdf never
    """
    from c3p_docs.contract import run_session
    from c3p_docs.project import load_project

    languages, template_dir = lang.split(","), _templates(templates)
    loaded = load_project(project)
    _finish(run_session(loaded, which, out, languages, pdf.value, template_dir, force), out, output_format)


@app.command(short_help="Sum the actual costs against the budget, for the settlement.")
@handled
def settle(project: ProjectArg,
           ledger: Annotated[Optional[Path], typer.Option(help="CSV ledger of actual costs: columns date, category, "
                                                              "description, amount_jpy (UTF-8, UTF-8 with BOM or "
                                                              "Shift_JIS).", metavar="FILE.csv")] = None,
           out: OutOption = Path("out"), lang: LangOption = "ja", pdf: PdfOption = PdfMode.auto,
           templates: TemplatesOption = None, force: ForceOption = False,
           output_format: FormatOption = OutputFormat.text) -> None:
    """Sum the actual costs (`actuals:` in the project and/or --ledger) by the budget's categories beside the plan,
    recompute general and administrative costs and consumption tax on them as the budget does, and give the
    payable amount (the lower of the contract amount and the actual cost). Writes an Excel workbook (by category,
    ledger lines, findings) and a one-page Word summary for the settlement report (委託業務精算報告書).

    Amounts are in yen before consumption tax. Categories are the budget's ids (overseas_travel) or their names
    in Japanese or English (外国旅費, Overseas travel). Dates: YYYY-MM-DD or YYYY/MM/DD. A malformed ledger line is
    reported as FILE:LINE:COLUMN and nothing is written (exit 1). Costs in no known category or outside the fiscal
    year are left out of the totals and reported (exit 1); a category over plan and unplanned equipment are
    warnings.

    \b
    Example:
      c3p-docs settle project.yaml --ledger ledger.csv -o out
      c3p-docs settle project.yaml -o out --lang ja,en
    """
    from c3p_docs.contract import run_settle
    from c3p_docs.ledger import LedgerError
    from c3p_docs.project import load_project

    languages, template_dir = lang.split(","), _templates(templates)
    loaded = load_project(project)
    try:
        outcome = run_settle(loaded, ledger, out, languages, pdf.value, template_dir, force)
    except LedgerError as error:
        _ledger_failure(error, out, output_format)
    _finish(outcome, out, output_format)


@app.command()
@handled
def inquiry(project: ProjectArg,
            question: Annotated[Path, typer.Option("--question", help="Plain-text file with the question (UTF-8 or "
                                                   "Shift_JIS).", metavar="FILE")],
            out: OutOption = Path("out"), templates: TemplatesOption = None, force: ForceOption = False,
            output_format: FormatOption = OutputFormat.text) -> None:
    """Write the question mail to the ministry (.eml draft to open and send): the call's address and inquiry
    subject, the question from FILE, and [1] organisation [2] department/title [3] person [4] phone [5] e-mail
    from `applicant` and `contact` (R6-2 §9).

    An item the project does not give is a warning and shows 「（未記入）」 in the mail. The draft is
    OUT/inquiry_YYYYMMDD_XXXXXX.eml (today's date, a short hash of the question).

    \b
    Example:
      c3p-docs inquiry project.yaml --question question.txt -o out
    """
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

    print_findings(findings, output_format.value, extra={"out": str(out), "files": published.files},
                   summary=f"wrote {out / draft.relative}: open it in your mail program, check it and send it."
                   if draft.relative in published.written else f"{out / draft.relative}: unchanged.")
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


@app.command()
@handled
def timesheet(project: ProjectArg,
              month: Annotated[str, typer.Option(help="The month, YYYY-MM.", metavar="YYYY-MM")],
              hours: Annotated[Optional[Path], typer.Option(help="CSV of hours: columns date, person, hours, activity "
                                                                 "(UTF-8, UTF-8 with BOM or Shift_JIS).",
                                                            metavar="FILE.csv")] = None,
              out: OutOption = Path("out"), templates: TemplatesOption = None, force: ForceOption = False,
              output_format: FormatOption = OutputFormat.text) -> None:
    """Write the month's personnel time records (業務日誌, Excel, one sheet per person): the hours each person
    worked on the project day by day, which R6-2 §11(2)① asks for to prove personnel costs.

    With --hours, from a CSV of date,person,hours,activity (header in English; hours as 7.5 or 7:30); the
    fiscal year's person-days so far are checked against the budget's personnel lines (in 人日) and each
    person's `staff[].planned_days` (over the plan: warning). Without it, a blank form for every person with the
    month's activities on their days. People are `staff:` ({name, role, organisation, planned_days}), else the
    project manager and the contact. A malformed CSV line is reported as FILE:LINE:COLUMN and nothing is
    written (exit 1). One person-day is the profile's hours (`calls CALL --rules`).

    \b
    Example:
      c3p-docs timesheet project.yaml --month 2026-07 --hours hours.csv -o contract
      c3p-docs timesheet project.yaml --month 2026-08 -o contract
    """
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


def _usage_failure(error, arguments: list[str]) -> int:
    """A command line click refuses: its usual text on stderr and, when --format json is on the line, the one
    JSON object on stdout (a bad --format value itself gets the text only: which format was meant is unknown)."""
    error.show()
    if console.json_requested(arguments):
        from c3p_docs.findings import Finding, print_findings

        message = error.format_message().rstrip(".") + "."
        context = getattr(error, "ctx", None)
        hint = f" Try '{context.command_path} -h' for help." if context is not None else ""
        try:
            print_findings([Finding("usage", "error", message + hint)], "json")
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
