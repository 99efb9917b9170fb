"""The JSON Schema of PROJECT.yaml, from the model and its field docstrings."""

from __future__ import annotations

import json

from c3p_docs.descriptions import DescribedJsonSchema
from c3p_docs.model import Project


def project_json_schema() -> str:
    schema = Project.model_json_schema(schema_generator=DescribedJsonSchema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "c3p-docs project"
    return json.dumps(schema, ensure_ascii=False, indent=2)
