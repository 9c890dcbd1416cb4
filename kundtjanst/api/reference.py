"""The reference page's content, read from the generated OpenAPI document: the
operations by resource, and every schema with its fields. No Flask here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Field:
    name: str
    type: str
    required: bool
    description: str = ""


@dataclass
class Operation:
    method: str
    path: str
    anchor: str
    description: str
    parameters: list[Field] = field(default_factory=list)
    body: str | None = None  # the request body's schema name
    responses: list[tuple[str, str, str | None]] = field(default_factory=list)


@dataclass
class Schema:
    name: str
    description: str
    fields: list[Field]


def _name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_of(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return _name(prop["$ref"])
    if "allOf" in prop:
        return " | ".join(type_of(p) for p in prop["allOf"])
    if "anyOf" in prop or "oneOf" in prop:
        return " | ".join(type_of(p) for p in prop.get("anyOf", prop.get("oneOf", [])))
    kind = prop.get("type", "any")
    if isinstance(kind, list):
        kind = " | ".join(kind)
    if "array" in kind and "items" in prop:
        kind = kind.replace("array", f"array of {type_of(prop['items'])}")
    if "enum" in prop:
        kind += ": " + ", ".join(str(v) for v in prop["enum"] if v is not None)
    if prop.get("format"):
        kind += f" ({prop['format']})"
    return kind


def _fields(schema: dict[str, Any]) -> list[Field]:
    required = set(schema.get("required", []))
    return [
        Field(name, type_of(prop), name in required, prop.get("description", ""))
        for name, prop in schema.get("properties", {}).items()
    ]


def _content_schema(item: dict[str, Any]) -> str | None:
    for content in item.get("content", {}).values():
        schema = content.get("schema", {})
        return type_of(schema) if schema else None
    return None


def heading(tag: str) -> str:
    """A tag (a blueprint's name, ``api-tickets``) as a heading: ``Tickets``."""
    return tag.removeprefix("api-").replace("-", " ").capitalize()


def operations(spec: dict[str, Any]) -> dict[str, list[Operation]]:
    """Operations grouped by tag, in the document's order."""
    responses = spec.get("components", {}).get("responses", {})
    grouped: dict[str, list[Operation]] = {}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            parameters = [
                Field(
                    p["name"] + ("" if p.get("in") == "query" else f" ({p.get('in')})"),
                    type_of(p.get("schema", {})),
                    bool(p.get("required")),
                    p.get("description", ""),
                )
                for p in [*item.get("parameters", []), *op.get("parameters", [])]
            ]
            answers = []
            for status, answer in op.get("responses", {}).items():
                if "$ref" in answer:
                    answer = responses.get(_name(answer["$ref"]), {})
                answers.append((status, answer.get("description", ""), _content_schema(answer)))
            anchor = f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", "")
            body = op.get("requestBody")
            grouped.setdefault((op.get("tags") or ["api"])[0], []).append(
                Operation(
                    method=method.upper(),
                    path=path,
                    anchor=anchor.strip("-"),
                    description=op.get("description", op.get("summary", "")),
                    parameters=parameters,
                    body=_content_schema(body) if body else None,
                    responses=answers,
                )
            )
    return grouped


def schemas(spec: dict[str, Any]) -> list[Schema]:
    found = spec.get("components", {}).get("schemas", {})
    return [Schema(name, s.get("description", ""), _fields(s)) for name, s in sorted(found.items())]
