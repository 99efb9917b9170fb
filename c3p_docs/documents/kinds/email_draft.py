"""Mail drafts: .eml files of what OUT/submission holds, split to fit the call's limit (build writes them last)."""

from c3p_docs.documents.kinds import Kind, Output, register

register(Kind("email_draft", (Output(".eml", "mail"),), group="mail", languages=("ja",), order=13))
