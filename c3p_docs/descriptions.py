"""Field descriptions from the models' attribute docstrings, read from their source only when shown."""

from __future__ import annotations

import ast
import inspect
import sys
from functools import cache

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema


@cache
def _module_docstrings(module_name: str) -> dict[str, dict[str, str]]:
    """Class qualname → field → the string literal right after the field's annotation in the module's source.

    pydantic's `use_attribute_docstrings` does the same for every class at import (~70 ms for the project
    model); reading the source here costs only the commands that print descriptions (schema, init, fields).
    """
    module = sys.modules.get(module_name)
    try:
        source = inspect.getsource(module) if module is not None else ""
    except (OSError, TypeError):  # no source shipped: no descriptions rather than a failure
        return {}
    found: dict[str, dict[str, str]] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for statement in body:
            if isinstance(statement, ast.ClassDef):
                qualname = prefix + statement.name
                fields = found.setdefault(qualname, {})
                for node, following in zip(statement.body, statement.body[1:]):
                    if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                            and isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
                            and isinstance(following.value.value, str)):
                        fields[node.target.id] = inspect.cleandoc(following.value.value)
                visit(statement.body, qualname + ".")

    visit(ast.parse(source).body, "")
    return found


def field_description(model: type[BaseModel], name: str) -> str | None:
    """The field's `description=` if given, else its attribute docstring, looked up through the base classes."""
    info = model.model_fields.get(name)
    if info is not None and info.description:
        return info.description
    for cls in model.__mro__:
        if isinstance(cls, type) and issubclass(cls, BaseModel) and cls is not BaseModel:
            text = _module_docstrings(cls.__module__).get(cls.__qualname__, {}).get(name)
            if text is not None:
                return text
    return None


class DescribedJsonSchema(GenerateJsonSchema):
    """JSON Schema generation that adds each field's docstring as its `description`."""

    def model_schema(self, schema):
        json_schema = super().model_schema(schema)
        cls = schema["cls"]
        properties = json_schema.get("properties", {})
        for name, prop in properties.items():
            if isinstance(prop, dict) and "description" not in prop:
                text = field_description(cls, name)
                if text:
                    # as pydantic does: a sibling of `$ref` that repeats the referenced schema is dropped
                    properties[name] = self.handle_ref_overrides({**prop, "description": text})
        return json_schema
