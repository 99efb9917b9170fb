"""④ Multi-year plan (R6-2): an Excel sheet of `plan`, last year's plan beside its results when continuing."""

from c3p_docs.documents.kinds import Kind, Output, Request, register


def _sheet(renderer, request: Request):
    from c3p_docs.documents import records

    return records.multi_year_plan_sheet(renderer.project, renderer.rules, request.lang, renderer.words(request.lang))


register(Kind("multi_year_plan", (Output(".xlsx", "sheet"),), order=6, sheet=_sheet))
