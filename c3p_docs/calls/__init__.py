"""Call profiles: the rules of each call for proposals, as data, and the model that reads them."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from c3p_docs.errors import InputError, UsageError
from c3p_docs.i18n import N_, _, language, sentences
from c3p_docs.loading import format_path
from c3p_docs.model import Bilingual, Sector

PROFILE_DIR = Path(__file__).parent
T = TypeVar("T")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Sourced(_Data, Generic[T]):
    """A rule value with the section of the source it comes from."""

    value: T
    """The value."""
    source: str
    """Where the call says it, e.g. `R6-2 §5`."""
    assumed: bool = False
    """True where the source is silent or ambiguous and the value is our assumption."""
    note: str | None = None
    """Why the value was read or assumed this way."""

    def cited(self) -> str:
        """The source as findings quote it: `R6-2 §5`, or `assumed from R6-2 §5` where the call is silent."""
        return cite(self.source, self.assumed)


def cite(source: str, assumed: bool = False) -> str:
    """How a finding names the basis of a rule, in the message language: an assumed rule says so and where it is
    taken from (`assumed from R6-2 §5`; in Japanese the call's own words: `令和6年度第2回公募 §5に基づく想定`)."""
    if language() != "en":
        from c3p_docs.strings import cite as in_words

        source = in_words(source, language())
    return _("assumed from {source}").format(source=source) if assumed else source


class Condition(_Data):
    """When a conditional attachment or rule applies; every key given must hold."""

    country_in: list[str] | None = None
    """The partner city's country is one of these."""
    field_true: str | None = None
    """This dotted project field is true."""
    any_field_true: list[str] | None = None
    """At least one of these dotted project fields is true (a non-empty list, a non-zero count)."""
    field_nonempty: str | None = None
    """This dotted project field is a non-empty list or text."""
    field_not_true: str | None = None
    """This dotted project field is false or not given (e.g. applicant.large_company for an SME)."""
    has_joint_implementers: bool | None = None
    """The project has (True) or has no (False) joint implementers."""
    status_in: list[str] | None = None
    """project.status is one of these."""


class Companion(_Data):
    """A document the call asks for beside an attachment, on a condition (the SME's tax return beside ⑩)."""

    name: Bilingual
    file_stem: str
    """Short name in its file name, after the attachment's label: `⑩_法人税申告書別表1.pdf`."""
    when: Condition | None = None
    source: str


class AttachmentRule(_Data):
    """One document of the call's list."""

    number: int
    """Number in the call's list (0–13)."""
    label: str
    """How the call writes the number and how file names start: `①` or `(1)`."""
    name: Bilingual
    """The document's name as the call gives it."""
    file_stem: str
    """Short name used in file names, e.g. 調査事業概要."""
    kind: str | None = None
    """The c3p-docs document kind that produces it, if any."""
    formats: list[str] = Field(default_factory=lambda: ["pdf", "docx", "pptx", "xlsx"])
    """Accepted file formats."""
    languages: list[Literal["ja", "en"]] = ["ja"]
    """One file per language listed."""
    requirement: Literal["required", "optional", "conditional"] = "required"
    """required, optional, or conditional (see `when`)."""
    when: Condition | None = None
    """For a conditional attachment: when it is required."""
    otherwise: Literal["not_applicable", "optional"] = "not_applicable"
    """Status when the condition does not hold."""
    per_organisation: bool = False
    """One per organisation of a joint application."""
    translation_markers: list[str] = Field(default_factory=list)
    """Words that mark the Japanese translation a foreign-language document needs beside it; the first
    names the expected file. Empty when no translation is asked for."""
    companions: list[Companion] = Field(default_factory=list)
    """Documents to put beside this one when their condition holds."""
    max_pages: int | None = None
    """Page limit per file."""
    published: bool = False
    """The ministry publishes it: nothing confidential."""
    source: str
    """Section of the call."""
    assumed_from: str | None = None
    """Where this call is silent on the format, language or page rules: the other call they are taken from."""
    note: Bilingual | None = None
    """Guidance shown in the checklist."""
    specified_format: bool = False
    """The call asks for its own form (所定様式 / 別添); c3p-docs's layout stands in until the user fills the official
    file with `--form`."""
    assumed: bool = False
    """True where the call does not give the document's form and the one c3p-docs makes is assumed."""
    assumed_note: str | None = None
    """What is assumed, and on what basis."""

    def cited(self) -> str:
        """The source as findings quote it, saying which rules are assumed and from where."""
        if not self.assumed_from:
            return cite(self.source)
        return _("{source}; format assumed from {basis}").format(source=cite(self.source), basis=cite(self.assumed_from))


class Bracket(_Data):
    """One step of a points table: the first that matches gives its points."""

    points: int
    below: float | None = None
    at_most: float | None = None
    at_least: float | None = None

    def matches(self, value: float) -> bool:
        if self.below is not None:
            return value < self.below
        if self.at_most is not None:
            return value <= self.at_most
        if self.at_least is not None:
            return value >= self.at_least
        return True


FactBlock = Literal[
    "summary", "background", "needs", "structure", "leading_area", "past_results", "other_programmes",
    "plan", "schedule_this_year", "jcm_projects", "reduction_total", "cost_effectiveness", "adoptions",
    "manager", "organisation", "city_scale", "environmental_certifications", "work_life_balance", "wage_pledge",
]
"""Blocks of project data the summary template can show under a criterion (templates/*/summary.xml.j2)."""


class ScoreItem(_Data):
    """An item of the call's scoring sheet."""

    id: str
    """Stable id (cost_effectiveness, ghg_reduction, …, or a judgement item)."""
    name: Bilingual
    """Name as in the scoring sheet."""
    max: int | dict[str, int | None] | None = None
    """Maximum points, or per project status {new: …, ongoing: …}; None where the call prints none."""
    method: Literal["judgement", "brackets", "table", "threshold_by_kind", "present"] = "judgement"
    """How points follow from data; `judgement` items are scored by the reviewers."""
    metric: str | None = None
    """The figure the brackets apply to (cost_effectiveness, annual_reduction, other_assignments, jcm_adoptions)."""
    brackets: list[Bracket] = Field(default_factory=list)
    """Steps for `brackets`, first match wins."""
    otherwise: int = 0
    """Points when no bracket matches."""
    table: dict[str, int] = Field(default_factory=dict)
    """Points per category for `table` (the highest held counts)."""
    table_limits: dict[str, dict[str, int]] = Field(default_factory=dict)
    """Conditions on table entries, e.g. action_plan: {max_employees: 300}."""
    thresholds: dict[str, float] = Field(default_factory=dict)
    """For `threshold_by_kind`: points when the figure is below the threshold of the kind."""
    points: int | None = None
    """Points for `present` and `threshold_by_kind`."""
    energy_co2_only: bool = False
    """The call scores the item only for projects whose reduction includes energy-origin CO2 (R6-2 §6 1⑦⑧)."""
    criterion: Bilingual | None = None
    """What the reviewers look for: the summary document's guidance for this item."""
    facts: list[FactBlock] = Field(default_factory=list)
    """Project data the summary shows under this criterion; a block belongs to one criterion only."""
    overview: Literal["policy"] | None = None
    """`policy`: this criterion's narrative is the overview's policy-cooperation item (its first paragraph)."""
    window_years: Sourced[int] | None = None
    """For `jcm_adoptions`: only adoptions from this many fiscal years before the call's fiscal year up to it count."""
    source: str
    """Section of the call."""
    assumed: bool = False
    """True where the call is silent and the value is assumed."""
    note: str | None = None
    """How edges and formulas are read."""

    @property
    def judged(self) -> bool:
        """True where the reviewers score the item (and the applicant's narrative is what they read)."""
        return self.method == "judgement"

    def window(self, fiscal_year: int) -> range | None:
        """The fiscal years whose adoptions count, e.g. 2021–2024 for a 3-year window in fiscal 2024."""
        if self.window_years is None:
            return None
        return range(fiscal_year - self.window_years.value, fiscal_year + 1)

    def max_for(self, status: str | None) -> int | None:
        if isinstance(self.max, dict):
            return self.max.get(status or "new")
        return self.max

    def scored_for(self, status: str | None) -> bool:
        """False where the sheet gives this item no points for the status (e.g. `-` for new projects)."""
        return not (isinstance(self.max, dict) and self.max.get(status or "new") is None)


class ActivityRule(_Data):
    """A required activity of the contract year."""

    id: str
    kinds: list[str]
    """Activity kinds that count."""
    kinds_when_apart: list[str] = Field(default_factory=list)
    """Kinds that count only when held apart from an activity of `kinds` (a workshop held during a field survey
    is part of that trip)."""
    min_per_year: int
    """How many a fiscal year."""
    name: Bilingual
    source: str
    assumed: bool = False
    """True where the call does not say which kinds count and the reading is assumed."""
    note: str | None = None


class Window(_Data):
    """A recurring event in given months of the fiscal year."""

    id: str
    name: Bilingual
    months: list[int]
    """Calendar months, e.g. [4, 5]."""
    source: str
    assumed: bool = False
    """True where the call gives no months and those of `source` are assumed."""
    note: str | None = None

    def cited(self) -> str:
        """The source as findings quote it (`assumed from …` where the months are assumed)."""
        return cite(self.source, self.assumed)


class Deadline(_Data):
    """A dated event of the call."""

    id: str
    name: Bilingual
    date: dt.date
    end: dt.date | None = None
    """Last day, where the call gives a span (選考結果通知 令和6年6月上旬頃)."""
    time: str | None = Field(default=None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    """Local time HH:MM (JST), if the call gives one."""
    source: str
    assumed: bool = False
    note: str | None = None


class EligibilityItem(_Data):
    """An eligibility condition the applicant declares."""

    id: str
    text: Bilingual
    source: str


class BudgetRules(_Data):
    """Money rules of the call."""

    cap_jpy: Sourced[int]
    """Contract cap per project a year, tax included."""
    extra_jpy: Sourced[int] | None = None
    """Extra amount for on-site surveys a JCM application needs; None where the call has none."""
    general_admin_rate_cap: Sourced[float]
    general_admin_base: Sourced[list[str]]
    """Components the rate applies to (direct costs less outsourcing)."""
    outsourcing_max_share: Sourced[float]
    outsourcing_base: Sourced[list[str]]
    """Components whose total the outsourcing share is measured against."""
    tax_rate: Sourced[float]
    equipment_threshold_jpy: Sourced[int]
    rounding: Sourced[Literal["floor", "round"]]
    categories: Sourced[dict[str, str]]
    """Category → group: personnel, operating, outsourcing, joint_implementation."""


class PeriodRules(_Data):
    max_years_per_phase: Sourced[int]
    max_phases: Sourced[int]
    max_years_per_city_pair: Sourced[int] | None = None
    """C3P fiscal years one Japanese city–partner city pair may have in total, interruptions included."""
    new_after_interruption_years: Sourced[int] | None = None
    """After this many fiscal years without C3P the pair may apply as new: earlier years no longer count."""
    plan_covers_period: Sourced[bool] | None = None
    """The multi-year plan must cover every fiscal year from the call's to the end of the project period."""


class AdoptionRules(_Data):
    """Which JCM adoptions the call credits."""

    scope: Sourced[Literal["city_pair", "any"]]
    """`city_pair`: only adoptions under this Japanese city–partner city collaboration (so in the partner's
    country); `any`: every adoption of the applicant."""
    surveys_count: Sourced[bool]
    """Whether a survey (調査事業) counts as an adoption."""


class EnergyRules(_Data):
    """The call's scope is cutting energy-origin CO2: which target sectors can do that."""

    sectors: Sourced[list[Sector]]
    """Sectors whose projects cut energy-origin CO2; a project needs at least one of them."""


class ContractRules(_Data):
    """The contract year's paperwork: end dates of later years, accounting inspections, time records."""

    end_of_later_years: Sourced[str]
    """MM-DD the contract ends in fiscal years whose call is not yet out (the call's own year is `deadlines`)."""
    inspection_months: Sourced[list[int]]
    """Months of the accounting inspections (会計帳票の検査), calendar reminders."""
    hours_per_day: Sourced[float]
    """Hours of one person-day, for the personnel time records (業務日誌)."""

    @field_validator("end_of_later_years")
    @classmethod
    def _a_day(cls, value: Sourced[str]) -> Sourced[str]:
        try:
            dt.datetime.strptime(f"2001-{value.value}", "%Y-%m-%d")
        except ValueError:
            raise ValueError(_("{value} is not a day of the year written MM-DD, e.g. 03-14").format(
                value=repr(value.value))) from None
        return value

    @field_validator("inspection_months")
    @classmethod
    def _months(cls, value: Sourced[list[int]]) -> Sourced[list[int]]:
        if not all(1 <= month <= 12 for month in value.value):
            raise ValueError(_("months are 1–12"))
        return value


class FileRules(_Data):
    """What the ministry's mail server and reviewers accept (checked by check-package)."""

    archives: Sourced[bool]
    """Whether compressed files (self-extracting ones included) may be sent."""
    macros: Sourced[bool]
    """Whether files with macros may be sent."""
    viewable_on: Sourced[str]
    """Files must display on this system."""


class Deliverable(_Data):
    """One end-of-year deliverable, with its counts."""

    id: str
    name: Bilingual
    """What it is, without its counts."""
    pages: Sourced[int] | None = None
    """About how many pages (A4 sheets, or slides)."""
    copies: Sourced[int] | None = None
    """Paper copies, or pieces of media."""
    source: str


class Reminder(_Data):
    """Something the call asks of the applicant or contractor that no document of ours produces: shown in the
    checklist and, with `calendar`, in the calendar."""

    id: str
    text: Bilingual
    """What to do, in the call's words."""
    when: Condition | None = None
    """Only for projects that meet it."""
    calendar: Literal["contract_start"] | None = None
    """A calendar reminder on the contract's first day."""
    every_year: bool = False
    """With `calendar`: in every contract year of the project period, not only the call's fiscal year."""
    source: str
    assumed: bool = False
    note: str | None = None


SUBJECT_PLACEHOLDERS = ("japanese_city", "partner_city", "fiscal_year_ja", "separator")


class SubjectRule(_Data):
    """E-mail subject of the application."""

    pattern: str
    """Fixed text with {japanese_city}, {partner_city} and {fiscal_year_ja} (once each, in this order), and
    {separator} if wanted; no other braces."""
    separator: str
    """Character between the two names, as printed in the call."""
    printed_as: dict[str, str] = Field(default_factory=lambda: {"japanese_city": "{japanese_city}",
                                                                "partner_city": "{partner_city}"})
    """The call's own words where the names go, to quote the pattern in messages."""
    numbering_allowed: bool = False
    """Whether "(1/3)" may be added when a package needs several mails."""
    source: str
    assumed: bool = False
    note: str | None = None

    def cited(self) -> str:
        return cite(self.source, self.assumed)

    @field_validator("pattern")
    @classmethod
    def _placeholders(cls, pattern: str) -> str:
        import re

        names = re.findall(r"\{([^{}]*)\}", pattern)
        unknown = [name for name in names if name not in SUBJECT_PLACEHOLDERS]
        if unknown or "{" in re.sub(r"\{[^{}]*\}", "", pattern) or "}" in re.sub(r"\{[^{}]*\}", "", pattern):
            shown = ", ".join("{" + name + "}" for name in unknown) or _("a stray brace")
            raise ValueError(_("{shown} is not a placeholder; the pattern may use only {placeholders}").format(
                shown=shown, placeholders=", ".join("{" + name + "}" for name in SUBJECT_PLACEHOLDERS)))
        required = [name for name in names if name != "separator"]
        if required != ["japanese_city", "partner_city", "fiscal_year_ja"]:
            raise ValueError(_("the pattern needs {placeholders}, once each and in this order").format(
                placeholders="{japanese_city}, {partner_city}, {fiscal_year_ja}"))
        return pattern


class Addressee(_Data):
    """The ministry's office applications go to, as the call names it."""

    office: Bilingual
    """Name of the office (提出先)."""
    source: str
    """Where the call names it."""
    assumed: bool = False
    """True where the call's own text is not among the sources and another call's office is assumed."""
    note: str | None = None


class TripRules(_Data):
    """The plan before and the report after each field survey or invitation."""

    kinds: Sourced[list[str]]
    """Activity kinds that need an advance plan and a report."""
    plan_lead_days: Sourced[int]
    """Days before the first day by which the advance plan should reach the ministry."""
    report_days: Sourced[int]
    """Days after the last day by which the report should reach the ministry."""


class ConsultationPartner(_Data):
    """An organisation the project consults at least once a year."""

    id: str
    name: Bilingual
    """Its name in full, as findings and the checklist give it."""
    short: Bilingual
    """Its short name, for the activity's label (JICA, 大使館)."""
    when: Condition | None = None
    """When the call asks for it; always without a condition."""
    source: str
    assumed: bool = False
    note: str | None = None


class ConsultationRules(_Data):
    """The consultation with other support organisations (R6-2 §2(1)②; guidebook Table 3 (6))."""

    partners: list[ConsultationPartner]


class MailRules(_Data):
    to: Sourced[str]
    limit_bytes: Sourced[int]
    header_margin_bytes: Sourced[int]
    inquiry_subject: Sourced[str] | None = None


class CallRules(_Data):
    """Everything c3p-docs knows about one call for proposals."""

    id: str
    """Short name, e.g. fy2026-1."""
    name: Bilingual
    fiscal_year: int
    """Japanese fiscal year N (1 April N – 31 March N+1)."""
    sources: dict[str, str]
    """Source documents, by short name."""
    qualification_years: Bilingual
    """Years of the all-ministry qualification the call asks for."""
    attachments: list[AttachmentRule]
    subject: SubjectRule
    mail: MailRules
    addressee: Addressee
    """The office named on the application form, the mail and wherever the ministry's office is named."""
    budget: BudgetRules
    period: PeriodRules
    activities: list[ActivityRule]
    report_sessions: list[Window] = Field(default_factory=list)
    seminar: Window | None = None
    monthly_report_due_day: Sourced[int]
    """Day of the next month by which the monthly report is due."""
    trips: TripRules | None = None
    """When trip plans and reports are due; None where the call asks for neither."""
    consultation: ConsultationRules | None = None
    """Whom the project consults (activity kind jica_consultation); None where the call names no one."""
    deadlines: list[Deadline] = Field(default_factory=list)
    priority_countries: Sourced[list[str]]
    candidate_countries: Sourced[list[str]]
    eligibility: list[EligibilityItem]
    scoring: list[ScoreItem]
    scoring_total: dict[str, int] | None = None
    """Total of the scoring sheet per project status, where the call gives it."""
    deliverables: list[Deliverable] = Field(default_factory=list)
    """End-of-year deliverables."""
    adoptions: AdoptionRules | None = None
    """Which JCM adoptions the call credits; None: no rule (every listed adoption counts)."""
    energy_co2: EnergyRules | None = None
    """The sectors that cut energy-origin CO2; None where the call does not ask for it."""
    contract: ContractRules | None = None
    """The contract year's paperwork; None where the profile does not say (contracts then end 31 March)."""
    files: FileRules | None = None
    """Rules on the files sent."""
    reminders: list[Reminder] = Field(default_factory=list)
    """What the call asks that no generated document covers."""

    @model_validator(mode="after")
    def _facts_once(self) -> CallRules:
        owner: dict[str, str] = {}
        for item in self.scoring:
            for block in item.facts:
                if block in owner:
                    raise ValueError(_("fact block {block} is listed under both {first} and {second}; a block belongs "
                                       "to one criterion, so no paragraph appears twice").format(
                        block=repr(block), first=repr(owner[block]), second=repr(item.id)))
                owner[block] = item.id
        ids = [item.id for item in self.scoring]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(_("scoring ids used twice: {ids}").format(ids=", ".join(duplicates)))
        return self

    def criterion(self, criterion_id: str) -> ScoreItem | None:
        return next((item for item in self.scoring if item.id == criterion_id), None)

    def attachment(self, number: int) -> AttachmentRule | None:
        return next((a for a in self.attachments if a.number == number), None)

    def attachment_for_kind(self, kind: str) -> AttachmentRule | None:
        return next((a for a in self.attachments if a.kind == kind), None)

    def deadline(self, deadline_id: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.id == deadline_id), None)

    def contract_end(self, fiscal_year: int) -> dt.date:
        """The contract's last day in `fiscal_year`: the call's date for its own year, else the profile's day for
        later years (`contract.end_of_later_years`), else 31 March."""
        deadline = self.deadline("contract_end")
        if deadline is not None and fiscal_year == self.fiscal_year:
            return deadline.date
        if self.contract is None:
            return dt.date(fiscal_year + 1, 3, 31)
        month, day = map(int, self.contract.end_of_later_years.value.split("-"))
        return dt.date(fiscal_year + 1 if month < 4 else fiscal_year, month, day)


def bundled_profiles() -> dict[str, Path]:
    return {path.stem: path for path in sorted(PROFILE_DIR.glob("*.yaml"))}


_cache: dict[str, CallRules] = {}


def profile_path(name_or_path: str, base_dir: Path | None = None) -> Path:
    """The file a call name or path refers to: a bundled profile, or a path (relative to `base_dir` first)."""
    bundled = bundled_profiles()
    if name_or_path in bundled:
        return bundled[name_or_path]
    else:
        candidates = [Path(name_or_path)]
        if base_dir is not None:
            candidates.insert(0, base_dir / name_or_path)
        path = next((c for c in candidates if c.is_file()), None)
        if path is None:
            import difflib

            close = difflib.get_close_matches(name_or_path, list(bundled), n=1)
            message = _("unknown call {call}: not a bundled profile ({bundled}) nor a profile file.").format(
                call=repr(name_or_path), bundled=", ".join(bundled))
            if close:
                message = sentences(message, _("Did you mean {call}?").format(call=repr(close[0])))
            raise UsageError(sentences(message, _("Run `c3p-docs calls` to list them.")))
    return path


def load_call(name_or_path: str, base_dir: Path | None = None) -> CallRules:
    """Load a bundled profile by name, or a profile YAML by path (relative to `base_dir` first)."""
    path = profile_path(name_or_path, base_dir)
    key = str(path.resolve())
    if key in _cache:
        return _cache[key]
    from c3p_docs.cache import cached_pickle
    from c3p_docs.loading import read_text_file

    # Reading and checking a profile costs ~25 ms; a run reuses the checked result of an identical file.
    text = read_text_file(path, N_("call profile"))
    rules = cached_pickle("profile", f"{text}\0{_code_stamp()}", lambda: _validated(path, text))
    _cache[key] = rules
    return rules


@lru_cache(maxsize=1)
def _code_stamp() -> str:
    """What a cached profile depends on besides its text: this module and model.py, and the libraries."""
    import c3p_docs.model
    from c3p_docs.cache import code_stamp

    return code_stamp(__file__, c3p_docs.model.__file__)


def _validated(path: Path, text: str) -> CallRules:
    from c3p_docs.loading import parse_yaml

    loaded = parse_yaml(text, str(path))
    # The file may be anything (`call: /etc/shadow`): name it, never quote it.
    if not isinstance(loaded.data, dict) or not {"id", "subject", "attachments"} <= set(loaded.data):
        raise InputError(_("{file} is not a call profile (a YAML file with id, name, attachments, subject, …, as in "
                           "the bundled {bundled}). Check `call:` or --call.").format(
            file=path, bundled=", ".join(bundled_profiles())))
    try:
        rules = CallRules.model_validate(loaded.data)
    except ValidationError as error:
        lines = []
        for problem in error.errors()[:20]:
            loc = tuple(problem["loc"])
            line, column = loaded.position(loc)
            lines.append(f"{path}:{line}:{column}  {format_path(loc)}: {problem['msg'].removeprefix('Value error, ')}")
        raise InputError(_("invalid call profile:") + "\n" + "\n".join(lines)) from None
    return rules


def resolve(project_data: Any, key: str) -> Any:
    """Follow a dotted field path through a model or dict; None where any step is missing."""
    current = project_data
    for part in key.split("."):
        if current is None:
            return None
        current = current.get(part) if isinstance(current, dict) else getattr(current, part, None)
    return current
