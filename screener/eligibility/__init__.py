"""The pure screening engine: rule format, loader + linter, three-valued evaluation, verdicts.

Imports neither Flask nor SQLAlchemy, so the CLI, the web app, benchmarks and
other tools can all use it alike.
"""

from .engine import (
    LIKELY_ELIGIBLE,
    NEEDS_REVIEW,
    NOT_ELIGIBLE,
    VERDICT_WORDS,
    VERDICTS,
    ScreeningResult,
    quick_verdict,
    screen,
)
from .loader import CriteriaError, lint_dir, load_dir, load_file, trial_from_data
from .model import Criterion, Trial

__all__ = [
    "LIKELY_ELIGIBLE", "NEEDS_REVIEW", "NOT_ELIGIBLE", "VERDICTS", "VERDICT_WORDS",
    "CriteriaError", "Criterion", "ScreeningResult", "Trial",
    "lint_dir", "load_dir", "load_file", "quick_verdict", "screen",
    "trial_from_data",
]
