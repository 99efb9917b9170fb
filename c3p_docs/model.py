"""The project model: every contract field of PROJECT.yaml, validated, each with a one-line docstring."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from c3p_docs.i18n import _


class Strict(BaseModel):
    """Base of every model: unknown keys are errors.

    Field docstrings are the descriptions `schema`, `init` and `fields` show; `descriptions.py` reads them from
    the source when asked, instead of pydantic's `use_attribute_docstrings` at every import.
    """

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, str_strip_whitespace=True, defer_build=True)


class Bilingual(Strict):
    """Text in Japanese and English."""

    ja: str | None = None
    """Japanese text."""
    en: str | None = None
    """English text."""

    def get(self, lang: str) -> str | None:
        return self.ja if lang == "ja" else self.en

    @property
    def complete(self) -> bool:
        return bool(self.ja) and bool(self.en)


class Name(Bilingual):
    """A name in Japanese and English, on one line (names go into mail headers and file names)."""

    @field_validator("ja", "en")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        if value and ("\n" in value or "\r" in value):
            raise ValueError(_("a name must be on one line; remove the line break"))
        return value


def _one_line(value: str | None) -> str | None:
    if value and ("\n" in value or "\r" in value):
        raise ValueError(_("a name must be on one line; remove the line break"))
    return value


Text = str | Bilingual
"""A plain string (used in both languages) or `{ja, en}`."""
PersonName = str | Name
"""A person's name: a plain string or `{ja, en}` on one line."""

MAX_YEN = 10**12
"""No C3P amount comes near a trillion yen: a larger figure is a typo."""


class BilingualList(Strict):
    """Bullet points in Japanese and English."""

    ja: list[str] = Field(default_factory=list)
    """Japanese bullet points."""
    en: list[str] = Field(default_factory=list)
    """English bullet points."""

    def get(self, lang: str) -> list[str]:
        return self.ja if lang == "ja" else self.en


Sector = Literal[
    "energy_efficiency", "renewable_energy", "hydrogen", "system_development", "waste", "transport",
    "smart_city", "digital", "industrial_park", "port", "cfc_destruction", "green_infrastructure",
    "methanation", "agriculture", "wastewater",
]
BudgetCategory = Literal[
    "personnel", "honoraria", "domestic_travel", "overseas_travel", "committee_travel", "meetings",
    "equipment", "consumables", "rent", "wages", "communication", "utilities", "printing",
    "miscellaneous", "outsourcing", "joint_implementation",
]


def _category_id(value):
    """A category named in Japanese or English (諸謝金, Honoraria) → its id; anything else as given, for the
    literal's own message."""
    if isinstance(value, str):
        from c3p_docs.categories import category_id

        return category_id(value) or value
    return value


NamedCategory = Annotated[BudgetCategory, BeforeValidator(_category_id)]
"""A budget category: its id (`honoraria`) or its name in Japanese or English (`諸謝金`, `謝金`, `Honoraria`)."""
ActivityKind = Literal["field_survey", "invitation", "workshop", "report_session", "seminar",
                       "jica_consultation", "other"]
WorkLifeBalance = Literal["eruboshi_platinum", "eruboshi_3", "eruboshi_2", "eruboshi_1", "action_plan",
                          "kurumin_platinum", "kurumin_new", "kurumin_old", "youth_yell"]
LegalForm = Literal["company", "foundation", "association", "npo", "other"]
FormKind = Literal["application_form", "overview_ja", "overview_en", "summary_ja", "summary_en", "pledge", "cover"]


class Period(Strict):
    """A span of dates."""

    start: dt.date | None = None
    """First day (YYYY-MM-DD)."""
    end: dt.date | None = None
    """Last day (YYYY-MM-DD)."""

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start and self.end and self.end < self.start:
            raise ValueError(_("end {end} is before start {start}").format(end=self.end, start=self.start))
        return self


class ProjectInfo(Strict):
    """The project itself."""

    title: Bilingual
    """Project title."""
    status: Literal["new", "ongoing"] | None = None
    """`new` for a first application, `ongoing` for a continuing project."""
    phase: int | None = Field(default=None, ge=1, le=2)
    """Phase 1 or 2."""
    year: int | None = Field(default=None, ge=1, le=3)
    """Year 1–3 within the phase."""
    period: Period | None = None
    """Whole project period."""
    sectors: list[Sector] = Field(default_factory=list)
    """Target sectors (guidebook BOX 5)."""
    summary: Bilingual | None = None
    """Short summary of the project."""
    background: Bilingual | None = None
    """Background of the collaboration."""
    needs: Bilingual | None = None
    """The partner city's needs the project answers."""


class JapaneseCity(Strict):
    """The Japanese local government (本邦自治体)."""

    name: Name
    """Name of the Japanese city or prefecture."""
    kind: Literal["prefecture", "municipality"] | None = None
    """`prefecture` or `municipality` (decides the financial-capability threshold)."""
    financial_capability_index: float | None = Field(default=None, ge=0, le=5)
    """財政力指数 (financial capability index)."""
    decarbonization_leading_area: bool | None = None
    """Selected as a Decarbonization Leading Area (脱炭素先行地域)."""


class PartnerCity(Strict):
    """The city abroad (パートナー都市)."""

    name: Name
    """Name of the partner city."""
    country: str
    """Country name in English, e.g. Indonesia, Vietnam, Lao PDR."""
    embassy_officer: bool | None = None
    """True where the Japanese embassy has named an officer for environmental business (環境ビジネス調整担当官):
    the call then asks to consult the embassy as well as JICA."""


class Agreement(Strict):
    """City-to-city agreement (eligibility 7)."""

    kind: Literal["sister_city", "mou", "other", "intended"] | None = None
    """`sister_city`, `mou`, `other`, or `intended` (not yet concluded)."""
    date: dt.date | None = None
    """Date the agreement was concluded."""


class Qualification(Strict):
    """All-ministry unified qualification (全省庁統一資格) in 調査・研究."""

    grade: Literal["A", "B", "C", "D"] | None = None
    """Grade A–D."""
    number: str | None = None
    """Qualification number."""


class Certifications(Strict):
    """Certifications that score points."""

    environmental: list[Text] = Field(default_factory=list)
    """Environmental management certifications, e.g. ISO14001; a name that differs by language as {ja, en}."""
    work_life_balance: list[WorkLifeBalance] = Field(default_factory=list)
    """Work-life balance certifications (eruboshi_platinum, kurumin_new, youth_yell, …)."""


class OrganisationProfile(Strict):
    """What an organisation overview (団体概要) shows beyond the name."""

    legal_form: LegalForm | None = None
    """company, foundation (一般・公益財団法人), association (一般・公益社団法人), npo or other; without it, read
    from the name (株式会社…, 一般財団法人…). Decides how `capital_jpy` is labelled."""
    established: int | None = Field(default=None, ge=1600, le=2100)
    """Year the organisation was established."""
    capital_jpy: int | None = Field(default=None, ge=0, le=MAX_YEN * 100)
    """Capital in JPY; for a foundation its basic endowment (基本財産). Associations and NPOs have none."""
    business: Bilingual | None = None
    """Main lines of business."""
    offices: Bilingual | None = None
    """Head office and branches."""
    track_record: BilingualList = Field(default_factory=BilingualList)
    """Relevant past projects, one per line."""
    url: str | None = None
    """Web site."""
    representative: Name | None = None
    """Representative (title and name), when not given on the organisation itself."""
    address: Bilingual | None = None
    """Address, when not given on the organisation itself."""
    employees: int | None = Field(default=None, ge=0)
    """Number of employees, when not given on the organisation itself."""


class Applicant(Strict):
    """The lead organisation (代表者)."""

    kind: Literal["company", "organisation", "individual"] | None = None
    """`company` (当社, the default), `organisation` (当団体) or `individual` (私): the pledge's wording."""
    name: Name
    """Name of the lead organisation."""
    representative: Name | None = None
    """Title and name of the representative who signs (e.g. 代表取締役社長 山田太郎)."""
    address: Bilingual | None = None
    """Registered address."""
    employees: int | None = Field(default=None, ge=0)
    """Number of regular employees."""
    large_company: bool | None = None
    """True for a large company, False for an SME (decides the wage-pledge rule)."""
    qualification: Qualification | None = None
    """All-ministry qualification."""
    certifications: Certifications = Field(default_factory=Certifications)
    """Certifications held."""
    wage_increase_pledge: bool | None = None
    """True if the applicant submits a wage-increase pledge."""
    profile: OrganisationProfile | None = None
    """Organisation overview (R6-2 ⑥, FY2026 (5))."""


class Organisation(Strict):
    """A joint implementer."""

    name: Name
    """Name of the organisation."""
    role: Bilingual | None = None
    """Its role in the project."""
    representative: Name | None = None
    """Title and name of its representative."""
    address: Bilingual | None = None
    """Registered address."""
    employees: int | None = Field(default=None, ge=0)
    """Number of regular employees."""
    profile: OrganisationProfile | None = None
    """Organisation overview (R6-2 ⑥, FY2026 (5))."""


class ProjectManager(Strict):
    """The proposed project manager (管理技術者)."""

    name: PersonName | None = None
    """Name of the project manager: a string or {ja, en}."""
    other_assignments: int | None = Field(default=None, ge=0)
    """Other current assignments, excluding this one (scored)."""

    @field_validator("name")
    @classmethod
    def _name_one_line(cls, value):
        return _one_line(value) if isinstance(value, str) else value


class StaffMember(Strict):
    """A person working on the project, for the personnel time records (業務日誌)."""

    name: PersonName
    """Name: a string or {ja, en}, as the time records' CSV names the person."""
    role: Text | None = None
    """Role in the project, e.g. 管理技術者: a string or {ja, en}."""
    organisation: Text | None = None
    """Organisation, when not the applicant: a string or {ja, en}."""
    planned_days: float | None = Field(default=None, ge=0, le=366)
    """Person-days the fiscal year's budget plans for this person (the time records are checked against it)."""

    @field_validator("name")
    @classmethod
    def _name_one_line(cls, value):
        return _one_line(value) if isinstance(value, str) else value


class Contact(Strict):
    """Contact person for the application."""

    name: PersonName | None = None
    """Name: a string or {ja, en}."""
    department: Text | None = None
    """Department and title: a string or {ja, en}."""
    phone: str | None = None
    """Phone number."""
    email: str | None = None
    """E-mail address."""

    @field_validator("name")
    @classmethod
    def _name_one_line(cls, value):
        return _one_line(value) if isinstance(value, str) else value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValueError(_("{value} is not an e-mail address; write one address, e.g. name@example.jp").format(
                value=repr(value)))
        return value


class JcmProject(Strict):
    """A JCM project the study aims to form."""

    name: Bilingual
    """Name of the JCM project."""
    technology: Text | None = None
    """Technology, e.g. rooftop solar PV: a string or {ja, en}."""
    capex_jpy: int | None = Field(default=None, ge=0, le=MAX_YEN)
    """Investment cost in JPY."""
    subsidy_jpy: int | None = Field(default=None, ge=0, le=MAX_YEN)
    """JCM subsidy requested in JPY."""
    annual_reduction_t: float | None = Field(default=None, ge=0, le=10**9)
    """Expected reduction, t-CO2eq a year."""
    useful_life_years: int | None = Field(default=None, ge=1, le=100)
    """Legal useful life of the equipment in years."""


class JcmAdoption(Strict):
    """A JCM adoption listed in ⑦; only those under this city pair count (R6-2 §6 3)."""

    fiscal_year: int = Field(ge=2013, le=2100)
    """Japanese fiscal year of the adoption."""
    title: Bilingual
    """Title of the adopted project."""
    country: str | None = None
    """Country of the project, in English; without it, the partner city's country."""
    under_this_pair: bool | None = None
    """false for an adoption under another Japanese city–partner city pair; by default an adoption in the
    partner city's country is this pair's, and one in another country never is."""
    survey: bool = False
    """true for a survey (調査事業): listed apart, never counted (R6-2 §6 3)."""


class Jcm(Strict):
    """The JCM side of the project."""

    projects: list[JcmProject] = Field(default_factory=list)
    """JCM projects expected from the study."""
    adoptions_last_3_years: int | None = Field(default=None, ge=0, le=1000)
    """JCM projects adopted under this city pair in the last 3 years (surveys excluded); a bare count."""
    adoptions: list[JcmAdoption] = Field(default_factory=list)
    """JCM model-project adoptions in the last 3 years, one entry each (R6-2 ⑦); `under_this_pair: false` for
    another pair's in the same country, `survey: true` for a survey (listed apart, never counted)."""


class BudgetItem(Strict):
    """One line of the estimate."""

    category: NamedCategory
    """Expense category: its id (honoraria) or its name in Japanese or English (諸謝金, Honoraria)."""
    description: str | Bilingual
    """What the money is for."""
    unit_cost_jpy: int = Field(ge=0, le=MAX_YEN)
    """Unit cost in JPY, before tax."""
    quantity: float = Field(1, ge=0, le=10**6)
    """Quantity (people × days, trips, sets…)."""
    unit: str | None = None
    """Unit of the quantity, e.g. 人日, trips."""

    @property
    def amount(self) -> int:
        return int(self.unit_cost_jpy * self.quantity)

    def described(self, lang: str) -> str:
        if isinstance(self.description, str):
            return self.description
        return self.description.get(lang) or self.description.ja or self.description.en or ""


class Budget(Strict):
    """The estimate for the current fiscal year."""

    general_admin_rate: float | None = Field(default=None, ge=0, le=1)
    """General and administrative cost rate, e.g. 0.10."""
    items: list[BudgetItem] = Field(default_factory=list)
    """Estimate lines."""
    field_survey_extra: bool = False
    """Claim the call's extra amount for on-site surveys a JCM application needs (R6-2)."""


class ItineraryDay(Strict):
    """One day of a trip."""

    date: dt.date
    """The day (YYYY-MM-DD)."""
    place: Text | None = None
    """Where: a string or {ja, en}."""
    visit: Bilingual | None = None
    """Whom or what is visited, and why."""
    done: Bilingual | None = None
    """What was done that day, for the trip report (the report shows `visit` when it is empty)."""


class Activity(Strict):
    """A planned or done activity."""

    id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    """Short unique id (letters, digits, - _ .), e.g. survey-1: `trip plan PROJECT survey-1`."""
    kind: ActivityKind
    """field_survey, invitation, workshop, report_session, seminar, jica_consultation, other."""
    month: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    """Month YYYY-MM when no exact date is known."""
    date: dt.date | None = None
    """Exact date."""
    end_date: dt.date | None = None
    """Last day, for activities of several days."""
    title: Bilingual | None = None
    """Title of the activity."""
    place: Text | None = None
    """Where it takes place: a string or {ja, en}."""
    status: Literal["planned", "done", "cancelled"] = "planned"
    """planned, done or cancelled."""
    notes: str | None = None
    """Free notes."""
    purpose: Bilingual | None = None
    """Why the trip is made (trip plan and report)."""
    itinerary: list[ItineraryDay] = Field(default_factory=list)
    """Day by day: date, place, whom or what is visited."""
    participants: list[PersonName] = Field(default_factory=list)
    """Who travels or takes part (name and affiliation)."""
    programme: BilingualList = Field(default_factory=BilingualList)
    """The workshop's programme, one line per item."""
    attendees: int | None = Field(default=None, ge=0, le=100000)
    """How many people attended the workshop or seminar."""
    results: BilingualList = Field(default_factory=BilingualList)
    """What came out of it (trip report)."""
    next_steps: BilingualList = Field(default_factory=BilingualList)
    """What follows from it (trip report)."""
    photos: list[str] = Field(default_factory=list)
    """Photo files to list in the trip report (paths relative to the project file)."""
    plan_submitted: dt.date | bool | None = None
    """Date the advance plan went to the ministry (field surveys and invitations); `true` if the date is unknown."""
    report_submitted: dt.date | bool | None = None
    """Date the report went to the ministry after it; `true` if the date is unknown."""

    @model_validator(mode="after")
    def _when(self) -> Activity:
        if not self.month and not self.date:
            raise ValueError(_("give `month` (YYYY-MM) or `date` (YYYY-MM-DD)"))
        if self.date and self.month and self.date.strftime("%Y-%m") != self.month:
            raise ValueError(_("date {date} is not in month {month}").format(date=self.date, month=self.month))
        if self.end_date and self.date and self.end_date < self.date:
            raise ValueError(_("end_date {end_date} is before date {date}").format(end_date=self.end_date, date=self.date))
        return self

    @property
    def month_key(self) -> str:
        return self.first_day.strftime("%Y-%m")

    @property
    def first_day(self) -> dt.date:
        """The itinerary's first day when there is one (the day-by-day plan is the detailed truth), else `date`,
        else the month's first day."""
        if self.itinerary:
            return min(day.date for day in self.itinerary)
        if self.date:
            return self.date
        year, month = map(int, (self.month or "").split("-"))  # `_when` guarantees a month without a date
        return dt.date(year, month, 1)


class MonthlyEntry(Strict):
    """What one month's report says."""

    progress: BilingualList = Field(default_factory=BilingualList)
    """This month's progress."""
    next: BilingualList = Field(default_factory=BilingualList)
    """Plans for the coming months."""
    issues: BilingualList = Field(default_factory=BilingualList)
    """Issues and requests to the ministry."""


class ExtraAttachment(Strict):
    """An additional "(10) other" document."""

    name: Bilingual
    """Name of the document."""
    file: str | None = None
    """Expected file name."""


class Attachments(Strict):
    """Attachment settings."""

    extra: list[ExtraAttachment] = Field(default_factory=list)
    """Additional "other" items."""


Programme = Literal["C3P", "JICA", "METI", "own", "other"]


class HistoryEntry(Strict):
    """Past cooperation of the two cities in one fiscal year and programme."""

    fiscal_year: int = Field(ge=1950, le=2100)
    """Japanese fiscal year (April–March)."""
    programme: Programme = "C3P"
    """C3P, JICA, METI, own (the cities' own budget) or other."""
    title: Bilingual | None = None
    """Title of that year's project."""
    planned: BilingualList = Field(default_factory=BilingualList)
    """What was planned for that year, one line per item."""
    results: BilingualList = Field(default_factory=BilingualList)
    """What was achieved, one line per item."""


class PlanEntry(Strict):
    """The multi-year plan for one fiscal year of the project period."""

    fiscal_year: int = Field(ge=2000, le=2100)
    """Japanese fiscal year (April–March)."""
    goals: BilingualList = Field(default_factory=BilingualList)
    """Goals of the year."""
    activities: BilingualList = Field(default_factory=BilingualList)
    """Main activities."""
    outputs: BilingualList = Field(default_factory=BilingualList)
    """Expected outputs."""


class Actual(Strict):
    """Money actually spent, for the settlement."""

    date: dt.date
    """Date of payment (YYYY-MM-DD)."""
    category: NamedCategory
    """Expense category, as budget items (an id, or its Japanese or English name)."""
    description: Text | None = None
    """What was paid for."""
    amount_jpy: int = Field(ge=0, le=MAX_YEN)
    """Amount in JPY before consumption tax."""


class PinContact(Strict):
    """A contact named in the Project Idea Note."""

    name: PersonName | None = None
    """Person's name."""
    organisation: Text | None = None
    """Organisation."""
    email: str | None = None
    """E-mail address."""


class Pin(Strict):
    """What the Project Idea Note (R6-2 ⑫, English, ≤ 3 A4 pages) needs beyond the other fields."""

    location: Text | None = None
    """Where the JCM projects would be (province, city, site)."""
    project_type: Text | None = None
    """Type of project, e.g. energy efficiency in industry."""
    participants: list[Text] = Field(default_factory=list)
    """Expected project participants on both sides (companies, agencies)."""
    baseline: Bilingual | None = None
    """Business-as-usual case the reductions are measured against."""
    reduction_basis: Bilingual | None = None
    """How the reductions were estimated (formula, data, assumptions)."""
    monitoring: Bilingual | None = None
    """How reductions would be monitored."""
    finance: Bilingual | None = None
    """How the cost beyond the JCM subsidy is financed."""
    benefits: Bilingual | None = None
    """Benefits beyond GHG reductions (air quality, jobs, resilience…)."""
    host_policy: Bilingual | None = None
    """Fit with Indonesian national or local policy."""
    contacts: list[PinContact] = Field(default_factory=list)
    """Contacts for questions from Indonesian officials."""


class Project(Strict):
    """One C3P project: the single source of every document."""

    call: str
    """Call profile name (fy2024-2, fy2026-1) or path to a profile YAML."""
    project: ProjectInfo
    """The project."""
    japanese_city: JapaneseCity
    """The Japanese local government."""
    partner_city: PartnerCity
    """The partner city abroad."""
    agreement: Agreement | None = None
    """City-to-city agreement."""
    applicant: Applicant
    """The lead organisation."""
    joint_implementers: list[Organisation] = Field(default_factory=list)
    """Joint implementers (共同実施者)."""
    project_manager: ProjectManager | None = None
    """Proposed project manager."""
    contact: Contact | None = None
    """Contact person."""
    staff: list[StaffMember] = Field(default_factory=list)
    """People working on the project, for `timesheet`; without it, the project manager and the contact."""
    jcm: Jcm = Field(default_factory=Jcm)
    """JCM projects and track record."""
    budget: Budget = Field(default_factory=Budget)
    """Estimate for the current fiscal year."""
    activities: list[Activity] = Field(default_factory=list)
    """Activities: surveys, workshops, report sessions, the seminar."""
    monthly: dict[str, MonthlyEntry] = Field(default_factory=dict)
    """Monthly report content keyed by month YYYY-MM."""
    attachments: Attachments = Field(default_factory=Attachments)
    """Attachment settings."""
    submission_date: dt.date | None = None
    """Date printed on the documents; without it they carry the call's closing date, so rebuilds are identical."""
    forms: dict[FormKind, str] = Field(default_factory=dict)
    """Tagged official form files to fill instead of the built-in renditions, by kind."""
    narrative: dict[str, Bilingual] = Field(default_factory=dict)
    """The applicant's text per evaluation criterion of the call (`c3p-docs calls CALL --criteria`)."""
    history: list[HistoryEntry] = Field(default_factory=list)
    """Past cooperation of the two cities, one entry per fiscal year and programme."""
    plan: list[PlanEntry] = Field(default_factory=list)
    """Multi-year plan, one entry per fiscal year of the project period."""
    actuals: list[Actual] = Field(default_factory=list)
    """Spending so far, for `settle` (or a CSV ledger with the same columns)."""
    pin: Pin | None = None
    """Project Idea Note details (R6-2 ⑫, Indonesia)."""

    @field_validator("activities")
    @classmethod
    def _unique_activity_ids(cls, value: list[Activity]) -> list[Activity]:
        seen: set[str] = set()
        for activity in value:
            if activity.id is not None:
                if activity.id in seen:
                    raise ValueError(_("activity id {id} is used twice; ids must be unique").format(id=repr(activity.id)))
                seen.add(activity.id)
        return value

    @field_validator("monthly")
    @classmethod
    def _month_keys(cls, value: dict[str, MonthlyEntry]) -> dict[str, MonthlyEntry]:
        for key in value:
            if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", key):
                raise ValueError(_("month key {key} must be YYYY-MM").format(key=repr(key)))
        return value
