"""⑦ JCM adoptions (R6-2): the adoptions listed under `jcm.adoptions`; a bare count cannot make it."""

from c3p_docs.documents.kinds import Kind, Output, Request, register


def _context(renderer, request: Request, base: dict) -> dict:
    from c3p_docs.documents import records

    return {**base, "adoptions": records.adoptions_context(renderer.project, request.lang)}


register(Kind("jcm_adoptions", (Output(".docx", "word", "jcm_adoptions.xml.j2"),), order=8, context=_context,
              available=lambda project: bool(project.jcm.adoptions)))
