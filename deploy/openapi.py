"""Write shared/src/connect_shared/openapi/document.json: the one OpenAPI 3.1 document of every
route of the three services (contract 2.6), composed from each service's part, which is built
from the same pydantic models that validate requests and describe answers. A test fails when
the committed file is stale (`.venv/bin/python deploy/openapi.py` rewrites it).

A service that is not installed contributes nothing (its part is looked up by module name),
so an optional service such as a statistics service joins by adding its module here.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

from connect_shared.openapi.builders import ApiPart, compose, unresolved_refs

OUTPUT = Path(__file__).resolve().parents[1] / "shared/src/connect_shared/openapi/document.json"
# Each module defines api_part() -> ApiPart.
PART_MODULES = (
    "issuer.adapters.http.openapi",
    "redeemer.adapters.http.openapi",
    "notifier.adapters.http.openapi",
    "stats.adapters.http.openapi",
)


def parts() -> list[ApiPart]:
    """The parts of every installed service."""
    found = []
    for name in PART_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        found.append(module.api_part())
    return found


def build() -> dict[str, Any]:
    """The composed document; refuses one whose references do not resolve."""
    document = compose(parts(), title="Connect API", version="1.0.0")
    missing = unresolved_refs(document)
    if missing:
        raise ValueError(f"unresolved schema references: {sorted(set(missing))}")
    return document


def render() -> str:
    """The file's exact text."""
    return json.dumps(build(), indent=2, sort_keys=False) + "\n"


def main() -> int:
    """Rewrite the file."""
    OUTPUT.write_text(render())
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
