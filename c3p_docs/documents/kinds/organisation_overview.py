"""⑥/(5) Organisation overview: one Word file per organisation, the applicant first."""

from c3p_docs.documents.kinds import Kind, Output, Request, register


def _context(renderer, request: Request, base: dict) -> dict:
    from c3p_docs.documents import records

    organisation = request.params.get("organisation", 0)
    return {**base, "org": records.organisation_context(renderer.project, organisation, request.lang, base["t"])}


register(Kind("organisation_overview", (Output(".docx", "word", "organisation_overview.xml.j2"),), order=7,
              context=_context))
