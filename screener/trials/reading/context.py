"""Readings that depend on the whole study, not on one item alone.

One item says "acute lymphoblastic leukemia"; whether that lets in mixed-phenotype
leukemia or lymphoblastic lymphoma depends on whether the study speaks of them
anywhere. Each function here takes a study's read criteria (criteria-file
mappings) and its whole eligibility text.
"""

from __future__ import annotations

import re

from .assemble import _plain
from .concepts import _ALL_OF_ANY_LINEAGE

#: Words that name mixed-phenotype (ambiguous-lineage) leukemia.
_MIXED_WORDS = re.compile(r"mixed[- ]?(?:phenotype|lineage|immunophenotyp|forms?\s+of)|\bmpal\b|"
                          r"biphenotypic|bilineal|bilineage|ambiguous\s+lineage", re.I)
#: Words that name lymphoblastic lymphoma (or lymphoma at all).
_LYMPHOMA_WORDS = re.compile(r"lymphoma|\blbl\b|\blly\b|\b[bt]-?ll\b", re.I)


def lineage_in_context(criteria: list[dict], text: str) -> list[dict]:
    """"ALL" with no lineage is B- or T-cell ALL unless the study speaks of the neighbours.

    A careful reader takes "Patient must be diagnosed with acute lymphoblastic
    leukemia" to mean B- or T-cell ALL: mixed-phenotype leukemia and lymphoblastic
    lymphoma are other diagnoses (WHO), and a study that takes them says so. Only
    where the study's text names one of them anywhere (a cohort, a permission, an
    exclusion) does a person with it stay a question for the study team, never
    a "not eligible" on a guess.
    """
    keep = [value for value, words in (("mixed_phenotype", _MIXED_WORDS),
                                       ("lymphoblastic_lymphoma", _LYMPHOMA_WORDS))
            if words.search(text)]
    if len(keep) == 2:
        return criteria
    plain_all = _ALL_OF_ANY_LINEAGE["any"][0]
    narrowed = plain_all if not keep else {"any": [plain_all, {"all": [
        {"field": "diagnosis", "op": "in", "value": keep},
        _ALL_OF_ANY_LINEAGE["any"][1]["all"][1]]}]}

    def walk(node):
        if node == _ALL_OF_ANY_LINEAGE:
            return narrowed
        if isinstance(node, dict):
            for key in ("all", "any"):
                if key in node:
                    return {**node, key: [walk(c) for c in node[key]]}
            if "not" in node:
                return {**node, "not": walk(node["not"])}
        return node

    for crit in criteria:
        if "rule" in crit and crit["id"] not in ("age", "sex"):
            rule = walk(crit["rule"])
            if rule != crit["rule"]:
                crit["rule"], crit["plain"] = rule, _plain(rule)
    return criteria
