"""Serving the composed document at ``GET /api/v1/openapi.json`` and its human-readable
reference at ``GET /docs`` (both public). The page is rendered on the server from the same
document, self-contained (inline CSS, no script, nothing fetched from elsewhere)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jinja2
from aiohttp import web

from connect_shared.http.responses import json_response

DOCUMENT_PATH = "/api/v1/openapi.json"
REFERENCE_PATH = "/docs"
METHODS = ("get", "post", "patch", "put", "delete")


@cache
def load_document() -> dict[str, Any]:
    """The composed document shipped with this package (``deploy/openapi.py`` writes it)."""
    text = resources.files("connect_shared.openapi").joinpath("document.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _schema_text(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "anyOf" in schema:
        return " or ".join(_schema_text(s) for s in schema["anyOf"])
    kind = str(schema.get("type", "any"))
    if kind == "array" and isinstance(schema.get("items"), dict):
        return f"array of {_schema_text(schema['items'])}"
    if "pattern" in schema:
        return f"{kind} ({schema['pattern']})"
    return kind


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path, item in document["paths"].items():
        shared = item.get("parameters", [])
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            request = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            found.append(
                {
                    "anchor": f"{method}-{path}".replace("/", "-").strip("-"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "tag": (op.get("tags") or ["other"])[0],
                    "public": op.get("security") == [],
                    "parameters": [
                        (p["name"], p["in"], _schema_text(p["schema"]), p.get("description", ""))
                        for p in [*shared, *op.get("parameters", [])]
                    ],
                    "request_example": _pretty(request.get("example")),
                    "responses": [
                        (code, answer.get("description", ""), _pretty(_example(answer)))
                        for code, answer in op["responses"].items()
                    ],
                }
            )
    return found


def _example(answer: dict[str, Any]) -> Any:
    return answer.get("content", {}).get("application/json", {}).get("example")


def _pretty(value: Any) -> str:
    return "" if value is None else json.dumps(value, indent=2)


def _schemas(document: dict[str, Any]) -> list[tuple[str, str, list[tuple[str, str, bool]]]]:
    rows = []
    for name, schema in sorted(document["components"]["schemas"].items()):
        required = set(schema.get("required", []))
        props = [
            (prop, _schema_text(s), prop in required)
            for prop, s in schema.get("properties", {}).items()
        ]
        rows.append((name, str(schema.get("description", "")), props))
    return rows


_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ info.title }} reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;display:flex}
nav{width:18rem;flex:none;height:100vh;overflow:auto;position:sticky;top:0;
background:#f6f8fa;padding:1rem;box-sizing:border-box;font-size:13px}
nav a{display:block;color:#0b57d0;text-decoration:none;padding:1px 0;overflow-wrap:anywhere}
main{padding:1.5rem 2rem;max-width:60rem;min-width:0}
.op{border:1px solid #d0d7de;border-radius:6px;padding:.75rem 1rem;margin:1rem 0}
.m{font-weight:700;font-family:monospace;padding:0 .4rem;border-radius:3px;color:#fff}
.GET{background:#1a7f37}.POST{background:#0969da}.PATCH{background:#9a6700}
.DELETE{background:#cf222e}
code,pre{font-family:ui-monospace,monospace;font-size:13px}
pre{background:#f6f8fa;padding:.5rem;overflow:auto;margin:.25rem 0}
table{border-collapse:collapse;width:100%;font-size:13px}
td,th{border-bottom:1px solid #eaeef2;text-align:left;padding:3px 6px;vertical-align:top}
@media (max-width:700px){body{display:block}nav{width:auto;height:auto;position:static}}
</style></head><body>
<nav><strong>{{ info.title }}</strong>
<a href="/api/v1/openapi.json">openapi.json</a>
{% for tag, ops in groups %}<p><strong>{{ tag }}</strong></p>
{% for op in ops %}<a href="#{{ op.anchor }}">{{ op.method }} {{ op.path }}</a>{% endfor %}
{% endfor %}<p><a href="#schemas"><strong>Schemas</strong></a></p></nav>
<main><h1>{{ info.title }} <small>{{ info.version }}</small></h1>
<p>{{ info.description }}</p>
{% for tag, ops in groups %}<h2>{{ tag }}</h2>
{% for op in ops %}<section class="op" id="{{ op.anchor }}">
<h3><span class="m {{ op.method }}">{{ op.method }}</span> <code>{{ op.path }}</code></h3>
<p>{{ op.summary }}{% if op.public %} (no API key){% endif %}</p>
{% if op.parameters %}<table><tr><th>parameter</th><th>in</th><th>schema</th><th></th></tr>
{% for name, where, schema, text in op.parameters %}<tr><td><code>{{ name }}</code></td>
<td>{{ where }}</td><td><code>{{ schema }}</code></td><td>{{ text }}</td></tr>{% endfor %}
</table>{% endif %}
{% if op.request_example %}<p>Request body</p><pre>{{ op.request_example }}</pre>{% endif %}
<table><tr><th>status</th><th>meaning</th></tr>
{% for code, text, example in op.responses %}<tr><td>{{ code }}</td><td>{{ text }}
{% if example %}<details><summary>example</summary><pre>{{ example }}</pre></details>{% endif %}
</td></tr>{% endfor %}</table></section>{% endfor %}{% endfor %}
<h2 id="schemas">Schemas</h2>
{% for name, text, props in schemas %}<section class="op" id="schema-{{ name }}">
<h3>{{ name }}</h3><p>{{ text }}</p>{% if props %}<table>
{% for prop, schema, required in props %}<tr><td><code>{{ prop }}</code>{% if required %} *
{% endif %}</td><td><code>{{ schema }}</code></td></tr>{% endfor %}</table>{% endif %}
</section>{% endfor %}
</main></body></html>
"""


@cache
def reference_page() -> str:
    """The HTML reference of the document."""
    document = load_document()
    # Sections in the order the document lists its tags (the services' own order).
    groups: dict[str, list[dict[str, Any]]] = {t["name"]: [] for t in document.get("tags", [])}
    for op in _operations(document):
        groups.setdefault(op["tag"], []).append(op)
    environment = jinja2.Environment(autoescape=True)
    return environment.from_string(_TEMPLATE).render(
        info=document["info"],
        groups=[(tag, ops) for tag, ops in groups.items() if ops],
        schemas=_schemas(document),
    )


async def serve_document(_: web.Request) -> web.Response:
    """``GET /api/v1/openapi.json`` (no API key needed)."""
    return json_response(load_document())


async def serve_reference(_: web.Request) -> web.Response:
    """``GET /docs``: the reference page."""
    return web.Response(text=reference_page(), content_type="text/html", charset="utf-8")


def add_routes(app: web.Application) -> None:
    """Register both routes (one service serves them; the gateway routes them there)."""
    app.router.add_get(DOCUMENT_PATH, serve_document)
    app.router.add_get(REFERENCE_PATH, serve_reference)
