"""FHIR test data: the published examples and our own ALL bundles (a helper module with a
name of its own: test modules here share basenames' namespace with the rest of tests/)."""

import json
from datetime import date
from pathlib import Path

DATA = Path(__file__).parent / "data"
EXAMPLES = DATA / "examples"
OWN = DATA / "own"
#: The day the tests count ages and times to.
TODAY = date(2026, 2, 1)


def load(path: str) -> dict:
    """A data file by its path under tests/fhir/data."""
    return json.loads((DATA / path).read_text(encoding="utf-8"))
