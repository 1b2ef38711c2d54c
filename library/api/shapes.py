"""The small JSON Schema shapes the OpenAPI descriptions are written with (`openapi` and the
cities' `library.cities.openapi`)."""

from __future__ import annotations

REF = "#/components/schemas/"


def ref(name: str) -> dict:
    return {"$ref": REF + name}


def strings() -> dict:
    return {"type": "array", "items": {"type": "string"}}


def nullable(kind: str) -> dict:
    return {"type": [kind, "null"]}


def closed(properties: dict, required: list[str] | None = None) -> dict:
    """An object with exactly these properties (all required unless said otherwise)."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }
