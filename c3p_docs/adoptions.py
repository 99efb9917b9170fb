"""Which listed JCM adoptions are this city pair's (R6-2 §6 3), which are listed apart, and what `score` counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from c3p_docs.calls import CallRules
from c3p_docs.countries import same_country
from c3p_docs.model import JcmAdoption, Project

Place = Literal["pair", "other_country", "other_pair", "survey"]


def membership(adoption: JcmAdoption, project: Project) -> Place:
    """Whether an adoption is this pair's: in the partner city's country (no country given means that one) and
    not marked `under_this_pair: false`."""
    if adoption.country and not same_country(adoption.country, project.partner_city.country):
        return "other_country"
    if adoption.under_this_pair is False:
        return "other_pair"
    return "pair"


def place(adoption: JcmAdoption, project: Project) -> Place:
    """Where the documents list an adoption: with the pair's, or apart (a survey is never an adoption of the pair's)."""
    return "survey" if adoption.survey else membership(adoption, project)


def pair_adoptions(project: Project) -> list[JcmAdoption]:
    return [a for a in project.jcm.adoptions if place(a, project) == "pair"]


def other_adoptions(project: Project) -> list[tuple[JcmAdoption, Place]]:
    """The listed adoptions that are not this pair's, each with why."""
    return [(a, where) for a in project.jcm.adoptions if (where := place(a, project)) != "pair"]


def pair_count(project: Project) -> int | None:
    """The pair's adoptions as the documents state them: those listed, else the bare count, else None."""
    jcm = project.jcm
    if jcm.adoptions or "adoptions" in jcm.model_fields_set:
        return len(pair_adoptions(project))
    return jcm.adoptions_last_3_years


@dataclass(frozen=True)
class Counted:
    """What `score` counts of the listed adoptions, and what it leaves out by reason."""

    count: int | None
    """None when the project gives neither a list nor a count."""
    outside_window: int = 0
    not_pair: int = 0
    """In another country or under another pair, where the call credits only the pair's."""
    surveys: int = 0


def counted(project: Project, rules: CallRules | None, window: range | None) -> Counted:
    """The adoptions the call credits: a list, even an empty one, is the data (the pair's only, inside the
    window, no surveys, as the profile's `adoptions` says); else the bare count, taken as the pair's."""
    jcm = project.jcm
    if not (jcm.adoptions or "adoptions" in jcm.model_fields_set):
        return Counted(jcm.adoptions_last_3_years)
    pair_only = rules is None or rules.adoptions is None or rules.adoptions.scope.value == "city_pair"
    surveys_count = rules is not None and rules.adoptions is not None and rules.adoptions.surveys_count.value
    count = outside = not_pair = surveys = 0
    for adoption in jcm.adoptions:
        if adoption.survey and not surveys_count:
            surveys += 1
        elif membership(adoption, project) != "pair" and pair_only:
            not_pair += 1
        elif window is not None and adoption.fiscal_year not in window:
            outside += 1
        else:
            count += 1
    return Counted(count, outside, not_pair, surveys)
