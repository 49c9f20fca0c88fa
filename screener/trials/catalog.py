"""The trials the app screens against, loaded once at start-up.

Curated criteria files are linted and compiled when the app starts; a broken
file stops start-up with the linter's message (failure policy: never serve
verdicts from criteria we could not check).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from ..eligibility import Trial, load_dir


class TrialCatalog:
    """Trials by NCT id, curated first."""

    def __init__(self, trials: list[Trial]):
        self._trials = list(trials)
        self._by_id = {t.id: t for t in self._trials}

    def __len__(self) -> int:
        return len(self._trials)

    def all(self) -> list[Trial]:
        return list(self._trials)

    def get(self, trial_id: str) -> Trial | None:
        return self._by_id.get(trial_id)


def init_app(app: Flask) -> None:
    """Load and check the curated criteria; raises CriteriaError on any problem."""
    app.extensions["screener.catalog"] = TrialCatalog(
        load_dir(Path(app.config["SCREENER_CRITERIA_DIR"])))


def catalog() -> TrialCatalog:
    """The running app's trial catalog."""
    return current_app.extensions["screener.catalog"]
