"""Clauses: where one statement of a criterion ends, and which triggers reach which words.

An item of eligibility text often says several things: "Active hepatitis B.
Patients who are HBsAg negative are eligible." A doubt ("are eligible",
"unless", "if") belongs to the clause it sits in, not to the whole item, so
the item is cut into clauses first -- at sentence ends, semicolons and
sub-items, never at commas (a comma often joins a condition to its exception:
"infection, unless controlled").

Triggers are medspaCy's ConText (Harkema et al.): each clause is its own
document, so a trigger's scope ends where the clause does; the trigger words
and their categories are data (``triggers.json``). spaCy and medspaCy are
imported the first time a clause is read, never at web start-up.

A clause whose readings fall in the scope of a *doubt* category (exception,
condition, permission, possibility, plan, investigator's judgement) is not
read; its neighbours are.
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .segment import RUN_TOGETHER, inside_label

_DATA = json.loads(resources.files(__package__).joinpath("triggers.json").read_text("utf-8"))
DOUBT_CATEGORIES = frozenset(_DATA["doubt_categories"])
#: Categories by which one clause makes an exception to what another requires or excludes.
EXCEPTION_CATEGORIES = frozenset({"EXCEPTION", "CONDITION", "PERMISSION"})
_DOUBT_PATTERNS = [re.compile(p, re.IGNORECASE) for p in _DATA["doubt_patterns"]["patterns"]]

# A sentence ends at ". " (or "; ") before a capital, a digit or a bracket --
# not after "e.g.", "i.e.", "vs.", "approx.", "No." -- or before an inline
# enumeration ("1. ... 2. ..."), or where an NCI summary runs criteria together.
_BOUNDARY = re.compile(
    r"(?:(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<!\bapprox\.)(?<!\bca\.)(?<!\bNo\.)(?<!\bno\.)"
    r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])|;\s+|\s+(?=(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s+[A-Z])|"
    # "Not be eligible for therapy of higher curative potential, and must be in second or
    # subsequent relapse": a requirement of its own after the comma
    r",\s+(?=and\s+must\s+(?:also\s+)?(?:be|have)\b)|"
    + RUN_TOGETHER.pattern + ")")


@dataclass(frozen=True)
class Clause:
    """One clause of an item: its words and where they sit in the item's text."""

    start: int
    end: int
    text: str


def split(text: str) -> list[Clause]:
    """The clauses of ``text``, in order, with their character spans."""
    out, start = [], 0
    for m in _BOUNDARY.finditer(text):
        if inside_label(text, m):
            continue  # "Liver Function: AST ...": one label, never cut inside
        if text[start:m.start()].strip():
            out.append(Clause(start, m.start(), text[start:m.start()]))
        start = m.end()
    if text[start:].strip():
        out.append(Clause(start, len(text), text[start:]))
    return out


@cache
def _pipeline():
    """A blank English tokenizer and a ConText component with the project's triggers."""
    with warnings.catch_warnings():
        # spaCy's command-line module imports a deprecated Click helper at import time.
        warnings.simplefilter("ignore", DeprecationWarning)
        import spacy
        from medspacy.context import ConText, ConTextRule
    for name in ("medspacy", "PyRuSH"):
        logging.getLogger(name).setLevel(logging.WARNING)
    nlp = spacy.blank("en")
    context = ConText(nlp, rules=None)
    context.add([ConTextRule(r["literal"], r["category"], direction=r["direction"],
                             max_scope=r.get("max_scope")) for r in _DATA["rules"]])
    return nlp, context


def modifiers(text: str, spans: list[tuple[int, int]]) -> list[frozenset[str]]:
    """For each (start, end) span of ``text`` (one clause), the trigger categories over it."""
    if not spans:
        return []
    nlp, context = _pipeline()
    doc = nlp.make_doc(text)
    for i, token in enumerate(doc):
        token.is_sent_start = i == 0  # the clause is one sentence: scope ends with it
    ents, index = [], []
    for n, (s, e) in enumerate(spans):
        span = doc.char_span(s, e, label="CONCEPT", alignment_mode="expand")
        if span is None or any(span.start < o.end and o.start < span.end for o in ents):
            continue  # the same words read twice: the first span carries the answer
        ents.append(span)
        index.append(n)
    doc.ents = sorted(ents, key=lambda s: s.start)
    with warnings.catch_warnings():
        # spaCy warns (W036) when a matcher of ConText has no pattern rules: ours are literals.
        warnings.simplefilter("ignore", UserWarning)
        context(doc)
    by_start = {(e.start, e.end): frozenset(m.category for m in e._.modifiers) for e in doc.ents}
    out = [frozenset()] * len(spans)
    for n, span in zip(index, ents, strict=True):
        out[n] = by_start.get((span.start, span.end), frozenset())
    # A span overlapping an earlier one shares its answer.
    for n, (s, e) in enumerate(spans):
        if n not in index:
            twin = next((k for k in index if spans[k][0] < e and s < spans[k][1]), None)
            if twin is not None:
                out[n] = out[twin]
    return out


def doubtful(text: str, spans: list[tuple[int, int]]) -> bool:
    """True when the clause's shape or a doubt trigger over any of its readings says "not sure"."""
    if any(p.search(text) for p in _DOUBT_PATTERNS):
        return True
    return any(mods & DOUBT_CATEGORIES for mods in modifiers(text, spans))


#: Phrases that hold a trigger's words without its meaning ("not be eligible").
_PSEUDO = re.compile("|".join(re.escape(r["literal"]) for r in _DATA["rules"]
                              if r["category"] == "PSEUDO"), re.IGNORECASE)


@cache
def _literals(categories: frozenset[str]) -> re.Pattern:
    words = sorted((r["literal"] for r in _DATA["rules"] if r["category"] in categories),
                   key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, words)) + r")(?![\w-])",
                      re.IGNORECASE)


def has_trigger(text: str, categories: frozenset[str] = DOUBT_CATEGORIES) -> bool:
    """True when the clause holds a trigger of ``categories`` (whatever it reaches)."""
    return _literals(categories).search(_PSEUDO.sub(" ", text)) is not None


def says_doubt(text: str) -> bool:
    """True when ``text`` holds any doubt trigger or doubt shape, whatever it reaches."""
    return any(p.search(text) for p in _DOUBT_PATTERNS) or has_trigger(text)
