"""docs/security.md cites tests as proof; a cited test that was renamed or removed would leave a
claim without its proof, so every citation must name a test that exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITATION = re.compile(r"`(tests/[\w/]+\.py)::(\w+)")


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def test_every_test_the_security_page_cites_exists() -> None:
    citations = CITATION.findall((ROOT / "docs/security.md").read_text())
    assert len(citations) > 50, "the OWASP table should cite its proofs"
    missing = [
        f"{file}::{name}"
        for file, name in citations
        if not (ROOT / file).exists() or name not in _test_names(ROOT / file)
    ]
    assert missing == []


def test_the_security_page_covers_the_whole_owasp_api_top_10() -> None:
    text = (ROOT / "docs/security.md").read_text()
    rows = re.findall(r"^\| \*\*(API\d+) ", text, flags=re.MULTILINE)
    assert rows == [f"API{n}" for n in range(1, 11)]
