"""Response shapes every service shares (JSON:API identifiers, relationships, cursor links and
the error document), as pydantic models for the OpenAPI components."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Schema(BaseModel):
    """Base of response schema models: extra members are allowed, views grow by adding."""

    model_config = ConfigDict(populate_by_name=True)


class Identifier(Schema):
    """A resource identifier in a relationship."""

    type: str
    id: str


class ToOne(Schema):
    """A to-one relationship (``data`` null when empty)."""

    data: Identifier | None


class ToMany(Schema):
    """A to-many relationship."""

    data: list[Identifier]


class Links(Schema):
    """Cursor links of a list: relative URLs, null at either end."""

    prev: str | None
    next: str | None


class ErrorSource(Schema):
    """Where in the request the error is."""

    pointer: str


class Error(Schema):
    """One JSON:API error."""

    status: str
    title: str
    details: str
    meta: dict[str, Any] | None = None
    source: ErrorSource | None = None


class ErrorDocument(Schema):
    """Every 4xx/5xx answer."""

    errors: list[Error] = Field(min_length=1)


class OpenApiDocument(Schema):
    """An OpenAPI 3.1 document."""

    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]
