"""Reading registry eligibility text into rules: a pipeline of named stages.

- ``segment``: sections and items of the text, with the heading each sits under
  (whole trial, or one arm / cohort / donor);
- ``clauses``: where each statement ends, and which trigger words (medspaCy
  ConText: exception, condition, permission, possibility) reach which words;
- ``concepts``: what the words name, as profile-field leaves (one dictionary of
  synonyms, brands, classes and misspellings);
- ``templates``: what a clause says of its concepts (required, excluding,
  required absent, alternatives, ages, waits);
- ``assemble``: one criterion's rule from its clauses and sub-items, linted
  before use, with its plain words.

Precision first: a clause read with doubt is left to the study team on its
own, and never pulls its neighbours down with it.
"""

from .assemble import (
    NOTE,
    NOTE_CORE,
    NOTE_NONE,
    PLAIN_NONE,
    cns_in_remission,
    describe,
    drop_excepted,
    parts_as_alternatives,
    pregnancy_with_breastfeeding,
    read_item,
    read_rule,
)
from .assemble import _fields as rule_fields
from .context import (
    admits_at_discretion,
    alternatives_in_context,
    lineage_in_context,
    text_age_band,
)
from .segment import EXCLUSION, INCLUSION, Item, fold, split, unescape
from .templates import read_text

__all__ = [
    "EXCLUSION", "INCLUSION", "NOTE", "NOTE_CORE", "NOTE_NONE", "PLAIN_NONE", "Item",
    "admits_at_discretion",
    "alternatives_in_context", "cns_in_remission", "describe", "drop_excepted", "fold",
    "lineage_in_context", "parts_as_alternatives", "pregnancy_with_breastfeeding", "read_item",
    "read_rule", "read_text", "rule_fields", "split", "text_age_band", "unescape",
]
