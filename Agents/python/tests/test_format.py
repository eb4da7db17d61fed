"""The agent's documents follow the same rules the server enforces: the
format checker is itself checked against the shared vectors."""

import json

import pytest
from checkout import REPO
from format_check import check

VECTORS = REPO / "Tests" / "vectors" / "treering1"
CASES = json.loads((VECTORS / "cases.json").read_text())["cases"]
# Cases about JSON syntax itself are the parser's business, not the document's.
SHAPE_CASES = [c for c in CASES if c.get("code") != "malformed_json" and "nested" not in c["file"]]


@pytest.mark.parametrize("case", SHAPE_CASES, ids=[c["file"] for c in SHAPE_CASES])
def test_checker_agrees_with_the_shared_vectors(case):
    doc = json.loads((VECTORS / case["file"]).read_text())
    errors = check(doc)
    if case["valid"]:
        assert errors == []
    else:
        assert errors, case["file"]
        field = case["error_contains"].split(":")[0]
        assert any(e.startswith(field) for e in errors), (errors, case["error_contains"])
