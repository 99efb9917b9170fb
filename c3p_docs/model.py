"""The project model: every contract field of PROJECT.yaml, validated, each with a one-line docstring."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Strict(BaseModel):
    """Base of every model: unknown keys are errors, docstrings become field descriptions."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, coerce_numbers_to_str=True,
                              str_strip_whitespace=True)


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
ActivityKind = Literal["field_survey", "invitation", "workshop", "report_session", "seminar",
                       "jica_consultation", "other"]
WorkLifeBalance = Literal["eruboshi_platinum", "eruboshi_3", "eruboshi_2", "eruboshi_1", "action_plan",
                          "kurumin_platinum", "kurumin_new", "kurumin_old", "youth_yell"]
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
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class ProjectInfo(Strict):
    """The project itself."""

    title: Bilingual
    """Project title."""
    status: Literal["new", "ongoing"] | None = None
    """`new` for a first application, `ongoing` for a continuing project."""
    phase: int | None = Field(None, ge=1, le=2)
    """Phase 1 or 2."""
    year: int | None = Field(None, ge=1, le=3)
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

    name: Bilingual
    """Name of the Japanese city or prefecture."""
    kind: Literal["prefecture", "municipality"] | None = None
    """`prefecture` or `municipality` (decides the financial-capability threshold)."""
    financial_capability_index: float | None = Field(None, ge=0, le=5)
    """財政力指数 (financial capability index)."""
    decarbonization_leading_area: bool | None = None
    """Selected as a Decarbonization Leading Area (脱炭素先行地域)."""


class PartnerCity(Strict):
    """The city abroad (パートナー都市)."""

    name: Bilingual
    """Name of the partner city."""
    country: str
    """Country name in English, e.g. Indonesia, Vietnam, Lao PDR."""


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

    environmental: list[str] = Field(default_factory=list)
    """Environmental management certifications, e.g. ISO14001, Eco-Action 21."""
    work_life_balance: list[WorkLifeBalance] = Field(default_factory=list)
    """Work-life balance certifications (eruboshi_platinum, kurumin_new, youth_yell, …)."""


class Applicant(Strict):
    """The lead organisation (代表者)."""

    name: Bilingual
    """Name of the lead organisation."""
    representative: Bilingual | None = None
    """Title and name of the representative who signs (e.g. 代表取締役社長 山田太郎)."""
    address: Bilingual | None = None
    """Registered address."""
    employees: int | None = Field(None, ge=0)
    """Number of regular employees."""
    large_company: bool | None = None
    """True for a large company, False for an SME (decides the wage-pledge rule)."""
    qualification: Qualification | None = None
    """All-ministry qualification."""
    certifications: Certifications = Field(default_factory=Certifications)
    """Certifications held."""
    wage_increase_pledge: bool | None = None
    """True if the applicant submits a wage-increase pledge."""


class Organisation(Strict):
    """A joint implementer."""

    name: Bilingual
    """Name of the organisation."""
    role: Bilingual | None = None
    """Its role in the project."""


class ProjectManager(Strict):
    """The proposed project manager (管理技術者)."""

    name: str | None = None
    """Name of the project manager."""
    other_assignments: int | None = Field(None, ge=0)
    """Other current assignments, excluding this one (scored)."""


class Contact(Strict):
    """Contact person for the application."""

    name: str | None = None
    """Name."""
    department: str | None = None
    """Department and title."""
    phone: str | None = None
    """Phone number."""
    email: str | None = None
    """E-mail address."""

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value


class JcmProject(Strict):
    """A JCM project the study aims to form."""

    name: Bilingual
    """Name of the JCM project."""
    technology: str | None = None
    """Technology, e.g. rooftop solar PV."""
    capex_jpy: int | None = Field(None, ge=0)
    """Investment cost in JPY."""
    subsidy_jpy: int | None = Field(None, ge=0)
    """JCM subsidy requested in JPY."""
    annual_reduction_t: float | None = Field(None, ge=0)
    """Expected reduction, t-CO2eq a year."""
    useful_life_years: int | None = Field(None, ge=1, le=100)
    """Legal useful life of the equipment in years."""


class Jcm(Strict):
    """The JCM side of the project."""

    projects: list[JcmProject] = Field(default_factory=list)
    """JCM projects expected from the study."""
    adoptions_last_3_years: int | None = Field(None, ge=0)
    """JCM projects adopted under this city pair in the last 3 years (surveys excluded)."""


class BudgetItem(Strict):
    """One line of the estimate."""

    category: BudgetCategory
    """Expense category (RULES.md §4)."""
    description: str | Bilingual
    """What the money is for."""
    unit_cost_jpy: int = Field(ge=0)
    """Unit cost in JPY, before tax."""
    quantity: float = Field(1, ge=0)
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

    general_admin_rate: float | None = Field(None, ge=0, le=1)
    """General and administrative cost rate, e.g. 0.10."""
    items: list[BudgetItem] = Field(default_factory=list)
    """Estimate lines."""
    field_survey_extra: bool = False
    """Claim the call's extra amount for on-site surveys a JCM application needs (R6-2)."""


class Activity(Strict):
    """A planned or done activity."""

    kind: ActivityKind
    """field_survey, invitation, workshop, report_session, seminar, jica_consultation, other."""
    month: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    """Month YYYY-MM when no exact date is known."""
    date: dt.date | None = None
    """Exact date."""
    end_date: dt.date | None = None
    """Last day, for activities of several days."""
    title: Bilingual | None = None
    """Title of the activity."""
    place: str | None = None
    """Where it takes place."""
    status: Literal["planned", "done", "cancelled"] = "planned"
    """planned, done or cancelled."""
    notes: str | None = None
    """Free notes."""
    plan_submitted: bool | None = None
    """The advance plan was sent to the ministry (field surveys and invitations)."""
    report_submitted: bool | None = None
    """The summary report was sent to the ministry after it (field surveys and invitations)."""

    @model_validator(mode="after")
    def _when(self) -> Activity:
        if not self.month and not self.date:
            raise ValueError("give `month` (YYYY-MM) or `date` (YYYY-MM-DD)")
        if self.date and self.month and self.date.strftime("%Y-%m") != self.month:
            raise ValueError(f"date {self.date} is not in month {self.month}")
        if self.end_date and self.date and self.end_date < self.date:
            raise ValueError(f"end_date {self.end_date} is before date {self.date}")
        return self

    @property
    def month_key(self) -> str:
        return self.date.strftime("%Y-%m") if self.date else self.month  # type: ignore[return-value]

    @property
    def first_day(self) -> dt.date:
        if self.date:
            return self.date
        year, month = map(int, self.month.split("-"))  # type: ignore[union-attr]
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

    @field_validator("monthly")
    @classmethod
    def _month_keys(cls, value: dict[str, MonthlyEntry]) -> dict[str, MonthlyEntry]:
        for key in value:
            if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", key):
                raise ValueError(f"month key {key!r} must be YYYY-MM")
        return value
