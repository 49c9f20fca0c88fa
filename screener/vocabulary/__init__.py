"""One vocabulary: every word said about a profile field, a value, a therapy or a rule.

- ``words``: the tables (field labels, values, therapies, units, outcomes) as
  English message ids;
- ``catalog``: the gettext catalogues read without Flask (``speaker(lang)``);
- ``rules``: one walker that puts any rule into words in any language.

Translations live in ``screener/translations/<lang>/LC_MESSAGES/messages.po``
with the pages' own messages; ``tests/test_vocabulary.py`` holds every word
here to having its Spanish.
"""

from .catalog import ENGLISH, N_, P_, Untranslated, speaker
from .rules import (
    age_sentence,
    answer,
    cohort_scope,
    describe,
    duration,
    edge_wait,
    implication,
    number,
    requirement,
    seen_part,
    sentence,
    therapies,
)
from .words import LABELS, THERAPIES, VALUES

__all__ = [
    "ENGLISH", "LABELS", "N_", "P_", "THERAPIES", "VALUES", "Untranslated", "age_sentence",
    "answer", "cohort_scope", "describe", "duration", "edge_wait", "implication", "number",
    "requirement", "seen_part", "sentence", "speaker", "therapies",
]
