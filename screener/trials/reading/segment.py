"""Split a registry eligibility text into inclusion and exclusion items.

ClinicalTrials.gov eligibility text comes in many shapes: API v2 markdown
(``* item``, ``1. item``, ``\\<`` escapes), classic plain text (``-  item`` with
wrapped, indented lines), NCI PDQ style ("DISEASE CHARACTERISTICS:" with short
labels such as "Renal:"), headings in any case ("Key Inclusion Criteria",
"INCLUSION CRITERIA - Donor:"). This module turns any of them into an ordered
list of ``Item``: the kind (inclusion or exclusion), the verbatim words of the
item (whitespace folded, escapes undone), its sub-items, and the heading it
sits under so the reader can tell a donor's or another cohort's criteria from
the patient's.

Splitting rules (each one a decision about safety, since a criterion split in
the wrong place can turn "one of the following" into separate requirements):

- a bullet or number at the section's shallowest indentation starts an item;
  anything deeper (sub-items, wrapped lines, tables) continues it;
- a non-bullet paragraph after a blank line at that indentation is its own item;
- a line that introduces a list ("... one of the following:", "as follows:",
  "Diseases to be included:") keeps the list as its sub-items even when the
  list is not indented; a short line ending in ":" that does not is a label;
- an inclusion bullet that states what every participant needs ("Patients
  must ...", "At least 7 days must have elapsed ...") is a criterion of its own
  even where the layout slid it under the list above -- never inside a list of
  alternatives;
- a heading may name whom or which part it is for in front ("Donor Exclusion
  Criteria", "Part A Inclusion Criteria"); a transplant's recipient is the
  patient, a donor, a cohort, an arm or a phase is not (``qualified``, and
  ``parts`` lists every such heading of the text);
- items joined by a trailing or leading "or" are alternatives, so they are
  merged into one item rather than read as separate requirements;
- a line broken where the next word would have fit ends a statement (one
  criterion a line, no bullets), unless it qualifies the line above ("... are
  eligible", "Note: ...");
- a numbered list run into one line ("1. ... 2. ... 3. ...") is its items, or,
  after "one of the following:", its lead-in's sub-items;
- a preamble over a whole section's list ("Patients must meet the following
  criteria to be eligible:") is a sentence of its own, never a lead-in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

INCLUSION = "inclusion"
EXCLUSION = "exclusion"

_ESCAPE = re.compile(r"\\([\\<>*_\[\]()#+\-.!~`|{}=])")
_BULLET = re.compile(
    r"^(?P<marker>--(?=[A-Za-z])|[-*\u2022+\u25cf\u25aa\u2013]|\d{1,2}[.)](?!\d)|\(\d{1,2}\)|[a-zA-Z][.)]"
    r"|\([a-zA-Z]\)|(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)[.)])(?:\s+|(?<=--))(?P<rest>\S.*)$")
_HEADING = re.compile(
    # "Donor Exclusion Criteria", "Part B Inclusion Criteria", "Recipient Inclusion
    # Criteria": whom or which part of the study the heading is for, in front.
    r"^(?P<pre>(?:(?:patient|recipient|donor|participant|subject|sibling|related|unrelated|"
    r"haploidentical|pediatric|paediatric|adult|child|infant)s?|(?:cohort|part|arm|group|"
    r"stratum|strata|phase|stage|step|dose[- ]escalation|dose[- ]expansion|expansion|"
    r"escalation)(?:\s+[\w.-]{1,6})?)\s+)?"
    r"(?:key\s+|main\s+|major\s+|general\s+|specific\s+|additional\s+|further\s+|other\s+)?"
    r"(?P<kind>inclusion|exclusion|eligibility|ineligibility|non-?inclusion)"
    r"(?:\s+and\s+exclusion)?\s+criteri(?:a|on)\b(?P<rest>.*)$",
    re.IGNORECASE)
# "Exclusion:" / "EXCLUSIONS" / "Key Inclusion" without the word "criteria".
_SHORT_HEADING = re.compile(
    r"^(?:key\s+|main\s+)?(?P<kind>inclusions?|exclusions?|ineligibility|non-?inclusion)"
    r"(?P<rest>(?:\s*[-\u2013(]\s*[\w ]{1,30}\)?)?)\s*:?\s*$", re.IGNORECASE)
_PDQ_HEADINGS = {
    "disease characteristics", "patient characteristics", "prior concurrent therapy",
    "prior/concurrent therapy", "eligibility criteria",
}
# Words that make a line ending in ":" a lead-in to a list rather than a label.
_LEAD_IN = re.compile(
    r"\b(following|follows|defined|one of|any of|either|include|including|must|meeting|"
    r"meet|such as|who|which|that|are|is|have|has|with|of the)\b",
    re.IGNORECASE)
_OTHER_PART = re.compile(
    r"\b(donors?|siblings?|parents?|cohorts?|arms?|parts?|phase|strat\w*|groups?|"
    r"stage|step|nhl|aml|cll|mds|lymphoma|myeloma|tumou?rs?|healthy|volunteers?|controls?)\b"
    r"|\b(?:part|arm|group|cohort)\s+[a-z0-9]\b", re.IGNORECASE)
#: The first registration step of a multi-step trial ("STEP 1 REGISTRATION:", "Initial
#: registration", "Pre-registration"): every participant passes it, so its criteria are
#: the whole trial's, unlike a later step's ("STEP 2 RANDOMIZATION (post-induction)").
_FIRST_STEP = re.compile(
    r"^\W*(?:step\s*(?:0|1|i|one)\b(?!\s*(?:and\b|or\b|[/&,]|-\s*\d))|(?:initial|pre-?)\s*"
    r"(?:registration|enrou?lment)\b|registration\s*:?\s*$)", re.IGNORECASE)
#: A sub-item that states what every participant needs: a criterion of its own.
_STANDALONE = re.compile(
    r"(?:all\s+)?(?:patients|participants|subjects)\s+(?:must|should|shall|need\s+to|"
    r"will\s+need|are\s+required)\b|(?:at\s+least|a\s+minimum\s+of|>=?|\u2265)\s*\d+\s+"
    r"(?:[\w-]+\s+){1,3}must\s+have\s+elapsed\b", re.IGNORECASE)
_WHOM_MUST = re.compile(r"(?:patients|participants|subjects)\s+(?:with|who)\b[^.;:]{1,80}?"
                        r"\b(?:must|should)\b", re.IGNORECASE)
_ALTERNATIVE = re.compile(r"(?:^|[\s,;])(or|OR|Or)\.?$")


#: Where an NCI summary runs its criteria together without stops or line breaks:
#: "... allowed No non-Hodgkin's lymphoma No chronic ... PATIENT CHARACTERISTICS:
#: Age: 15 to 65 Performance status: ...": before a heading in capitals, a short
#: label ("Renal:"), or a capitalised criterion opener after a lower-case word.
RUN_TOGETHER = re.compile(
    r"(?<![A-Z])\s+(?=[A-Z]{3,}(?:\s+[A-Z/]{2,}){0,3}:)"
    # the labels of an NCI summary, even after a capitalised word ("See Disease
    # Characteristics Hepatic: Not specified")
    r"|(?<=[a-z0-9)%])\s+(?=(?:Age|Performance\s+status|Life\s+expectancy|Hematopoietic|Hepatic|"
    r"Renal|Cardiovascular|Pulmonary|Neurologic|Other|Biologic\s+therapy|Chemotherapy|"
    r"Endocrine\s+therapy|Radiotherapy|Surgery):\s)"
    # a permission ends a statement: "... at diagnosis allowed High risk status ..."
    r"|(?<=\sallowed)\s+(?=[A-Z][a-z])"
    r"|(?<=[a-z0-9)%])\s+(?=(?:[A-Z][a-z]+(?:\s+[a-z]+){0,2}|[A-Z]{2,5}):\s)"
    r"|(?<=[a-z0-9)%])\s+(?=(?:No|Not|At\s+least|Prior|Concurrent|Must|Fertile|Negative|"
    r"Recovered|Adequate|Absence|Life\s+expectancy|Patients|See|Histologically|Previous|Known|"
    r"History|Active|Uncontrolled|Evidence|Documented|Inhaled|Inhalational)\s)")


_CAPITALISED_BEFORE = re.compile(r"\b[A-Z][a-z]+$")
_LABEL_AFTER = re.compile(r"[A-Z][a-z]+(?:\s+[a-z]+){0,2}:\s")
_NCI_LABEL_AFTER = re.compile(
    r"(?:Age|Performance\s+status|Life\s+expectancy|Hematopoietic|Hepatic|Renal|Cardiovascular|"
    r"Pulmonary|Neurologic|Other|Biologic\s+therapy|Chemotherapy|Endocrine\s+therapy|"
    r"Radiotherapy|Surgery):\s")


def inside_label(text: str, cut: re.Match) -> bool:
    """A RUN_TOGETHER cut between the words of one label ("Liver | Function: AST ...")."""
    after = text[cut.end():]
    return (_CAPITALISED_BEFORE.search(text[:cut.start()]) is not None
            and _LABEL_AFTER.match(after) is not None and not _NCI_LABEL_AFTER.match(after))


#: More openers of a run-together disease criterion ("... FAB class L1-L2 Mixed
#: immunophenotypic markers ... allowed", "... or is refractory Relapsed disease must be
#: CD45 positive"): a cut only where the word before is no word a sentence goes on from
#: ("patients with Relapsed or Refractory ALL" is one sentence with capitals).
_RUN_TOGETHER_DISEASE = re.compile(
    r"(?<=[a-z0-9)%])\s+(?=(?:Mixed|(?:Very\s+)?(?:High|Standard|Low|Intermediate)[- ]risk)\s)")
_FUNCTION_WORD = re.compile(r"\b(?:with|of|in|or|and|the|a|an|for|to|by|have|has|had|as|than|"
                            r"from|at|is|are|be|was|were|on|whose|who|including|includes|"
                            r"include|either|both|nor|but|without|plus|versus|vs)\s*$",
                            re.IGNORECASE)


@dataclass
class Item:
    """One criterion of the eligibility text, with its verbatim words."""

    kind: str  # inclusion | exclusion
    text: str  # verbatim words, whitespace folded, escapes undone
    head: str = ""  # the item's own words, before any sub-item
    subs: list[str] = field(default_factory=list)  # sub-items, verbatim, with markers
    section: str = ""  # the heading or label the item sits under
    qualified: bool = False  # heading names a part of the study (donor, cohort, arm)
    alternatives: bool = False  # items joined by "or": subs are alternatives, not all required
    #: every heading or label of the text that names a part of the study, in order: which
    #: other cohorts, arms or parts a person could belong to
    parts: tuple[str, ...] = ()
    #: the indentation of each sub-item as written (a deeper one belongs to the list that
    #: the sub-item above it opens); empty when not known
    depths: tuple[int, ...] = ()


def unescape(text: str) -> str:
    """Undo markdown backslash escapes (``\\<`` -> ``<``), as the registry adds them."""
    return _ESCAPE.sub(r"\1", text)


def fold(text: str) -> str:
    """Fold runs of whitespace (line breaks, indentation) into single spaces."""
    return " ".join(text.split())


def _strip_decoration(line: str) -> str:
    # Markdown emphasis and heading marks around a heading: "**Inclusion Criteria:**", "## ...".
    return line.strip().strip("#").strip().strip("*_").strip().rstrip(":").strip().strip("*_")


def _heading(line: str) -> tuple[str, str] | None:
    """(kind, qualifier) when ``line`` is an inclusion/exclusion heading, else None."""
    bare = _strip_decoration(line)
    m = _BULLET.match(bare)
    if m and _HEADING.match(_strip_decoration(m.group("rest"))):
        bare = _strip_decoration(m.group("rest"))
    m = _HEADING.match(bare) or _SHORT_HEADING.match(bare)
    if not m:
        return None
    rest = m.group("rest").strip(" :-\u2013*")
    if len(rest) > 60:  # a sentence that starts with the words, not a heading
        return None
    pre = (m.groupdict().get("pre") or "").strip()
    if pre and not re.match(r"(?:patient|recipient|participant|subject)s?$", pre, re.IGNORECASE):
        rest = f"{pre} {rest}".strip()
    # "for registration" / "at enrollment" still speak of the patient; "- Donor",
    # "for the NHL Cohort", "Part B" do not.
    rest = rest if _OTHER_PART.search(rest) or _FOR_SOMETHING.match(rest) else ""
    word = m.group("kind").lower().rstrip("s")
    kind = EXCLUSION if word in ("exclusion", "ineligibility", "non-inclusion",
                                 "noninclusion") else INCLUSION
    return kind, rest


_INLINE_HEADING = re.compile(
    r"(?:(?<=\S)[ \t]+|^)((?:key\s+)?(?:inclusion|exclusion)\s+criteria\s*:)[ \t]*(?=\S)",
    re.IGNORECASE | re.MULTILINE)
#: "for dasatinib", "specific to arm 2": a heading whose criteria concern one drug or part,
#: unlike "for registration" or "for all patients", which speak of everyone.
_FOR_SOMETHING = re.compile(
    r"^(?:for|specific\s+to|applicable\s+to|related\s+to)\s+(?!(?:the\s+)?(?:registration|"
    r"enrol+ment|randomi[sz]ation|study\s+entry|all\b|patients\b|participants\b|subjects\b|"
    r"the\s+study\b|this\s+study\b|screening|inclusion|entry|eligibility|treatment\b))"
    # "for patients receiving blinatumomab", "for subjects assigned to arm B": one drug's
    # or one arm's people, not everyone
    r"|^(?:for|specific\s+to|applicable\s+to)\s+(?:all\s+)?(?:patients|participants|subjects)"
    r"\s+(?:who\s+(?:will\s+)?(?:receive|are\s+receiving|are\s+treated|are\s+assigned|are\s+"
    r"randomi[sz]ed)|receiving|treated\s+with|assigned|randomi[sz]ed|allocated)\b",
    re.IGNORECASE)


def _is_pdq_heading(line: str) -> bool:
    return _strip_decoration(line).lower() in _PDQ_HEADINGS


def _is_label(text: str) -> bool:
    """A short line ending in ':' that names a group of items ("Renal:", "Age:")."""
    if not text.endswith(":") or _LEAD_IN.search(text) or _LEAD_ALTERNATIVES.search(text):
        return False  # "Diseases to be included:" introduces alternatives, not a group
    return len(text.rstrip(":").split()) <= 5


def _is_lead_in(text: str) -> bool:
    return text.rstrip().endswith(":") and not _is_label(text)


@dataclass
class _Draft:
    kind: str
    section: str
    qualified: bool
    indent: int
    lines: list[str] = field(default_factory=list)  # head lines
    subs: list[list[str]] = field(default_factory=list)  # sub-items, lines each
    depths: list[int] = field(default_factory=list)  # each sub-item's indentation
    lead_in: bool = False  # the head introduces a list: same-level bullets belong to it
    bullet: bool = False
    absorbing: bool = False  # taking same-level bullets as the lead-in's list

    def add(self, text: str, new_sub: bool, indent: int = 0) -> None:
        if new_sub or self.subs:
            if new_sub or not self.subs:
                self.subs.append([text])
                self.depths.append(indent)
            else:
                self.subs[-1].append(text)
        else:
            self.lines.append(text)

    def item(self) -> Item:
        head = fold(" ".join(self.lines))
        subs = [fold(" ".join(s)) for s in self.subs]
        text = fold(" ".join([head, *subs]))
        return Item(self.kind, text, head, subs, self.section, self.qualified,
                    depths=tuple(self.depths))


def split(text: str) -> list[Item]:
    """Split eligibility text into items, in order, whatever its formatting."""
    if not text:
        return []
    text = unescape(text.replace("\r\n", "\n").replace("\r", "\n"))
    # "Inclusion Criteria: Relapsed ALL Exclusion Criteria: Active hepatitis B" on one
    # line: each heading on a line of its own, what follows it on the next.
    text = _INLINE_HEADING.sub(lambda m: "\n" + m.group(1) + "\n", text)
    lines = text.split("\n")
    items: list[Item] = []
    kind, section, qualified = INCLUSION, "", False
    top: int | None = None  # indentation of the section's top-level items
    draft: _Draft | None = None
    blank = True

    def close() -> None:
        nonlocal draft
        if draft is not None and (draft.lines or draft.subs):
            item = draft.item()
            if item.text:
                items.append(item)
        draft = None

    # (no one wraps text narrower than this: shorter lines are lines as written)
    width = max([_NARROWEST_WRAP, *(len(line.rstrip()) for line in lines)])
    previous = ""  # the line before, as written (to tell a wrap from a line break)
    for raw in lines:
        if not raw.strip():
            blank = True
            previous = ""
            continue
        ended, previous = previous, raw.rstrip()
        indent = len(raw) - len(raw.lstrip(" \t"))
        stripped = raw.strip()
        heading = _heading(stripped)
        if heading is not None:
            close()
            kind, qualifier = heading
            section, top = fold(stripped.strip("*#_ ")), None
            qualified = bool(qualifier) and not _FIRST_STEP.search(str(qualifier))
            blank = True
            continue
        if _is_pdq_heading(stripped):
            close()
            kind, section, qualified, top = INCLUSION, fold(stripped), False, None
            blank = True
            continue
        bullet = _BULLET.match(stripped)
        body = bullet.group("rest") if bullet else stripped
        if not bullet and _section_preamble(stripped, kind):
            # "Patients must meet all of the following criteria to be eligible:" over the
            # section's list: a sentence of its own, and each member a criterion of its
            # own (all required, or each excluding, as the criteria of a section are)
            close()
            items.append(Item(kind, fold(stripped), fold(stripped), [], section, qualified))
            top, blank = None, True
            continue
        if not bullet and _is_label(stripped) and (draft is None or blank or indent <= (top or 0)):
            close()
            section, top = fold(stripped), None
            # "Cohort B:", "Phase II:", "Part 2 (expansion):": the items below belong to
            # one part of the study; "Renal:" or "Age:" to everyone.
            qualified = bool(_OTHER_PART.search(section)) and not _FIRST_STEP.search(section)
            blank = True
            continue
        if top is None:
            top = indent
        deeper = indent > top + 1
        if bullet and draft is not None and _slid_under(draft, body, deeper):
            # "Patients must have fully recovered ...", "At least 7 days must have
            # elapsed ...": a requirement of everyone is a criterion of its own, even
            # where the registry's layout has slid it under the list above (its
            # level is the new level of the section's items).
            close()
            top = indent
            draft = _Draft(kind, section, qualified, indent, bullet=True)
            draft.add(body, new_sub=False)
            draft.lead_in = _is_lead_in(body) and _LEAD_ALTERNATIVES.search(body) is not None
            blank = False
            continue
        own_line = (not bullet and not blank and draft is not None and not deeper
                    and _broken_on_purpose(ended, stripped, width))
        if (draft is not None and draft.lead_in and not deeper and (bullet or not blank)
                and (draft.absorbing or not draft.subs)):
            # A list introduced by a lead-in line stays with it, even unindented (one
            # member a line when the lines are not wrapped text).
            draft.absorbing = True
            draft.add(stripped, new_sub=bool(bullet) or own_line, indent=indent)
            blank = False
            continue
        if own_line and draft is not None and not deeper and not draft.lead_in:
            # "Age 1 to 21 years\nRelapsed B-ALL\nHIV infection": a criterion a line, with
            # no bullets and no blank lines, or a closing sentence under a list
            close()
            top = min(top, indent)
            draft = _Draft(kind, section, qualified, indent)
            draft.add(stripped, new_sub=False)
            draft.lead_in = _is_lead_in(stripped)
            blank = False
            continue
        if bullet and not deeper:
            close()
            top = min(top, indent)
            draft = _Draft(kind, section, qualified, indent, bullet=True)
            draft.add(body, new_sub=False)
            draft.lead_in = _is_lead_in(body) and _LEAD_ALTERNATIVES.search(body) is not None
        elif draft is None or (blank and not deeper):
            close()
            top = min(top, indent)
            draft = _Draft(kind, section, qualified, indent)
            draft.add(stripped, new_sub=False)
            draft.lead_in = _is_lead_in(stripped)
        else:
            draft.add(stripped, new_sub=bool(bullet), indent=indent)
        blank = False
    close()
    items = _merge_alternatives([piece for item in items for one in _enumerated(item)
                                 for piece in _run_together(one)])
    parts = tuple(dict.fromkeys(item.section for item in items if item.qualified and item.section))
    for item in items:
        item.parts = parts
    return items


_NARROWEST_WRAP = 76
#: Words by which a line makes an exception to, or a note on, the statement above it.
_QUALIFIES = re.compile(
    r"^\W*(?:note|however|except|unless|this|these|such)\b|(?<!not )(?<!not be )\b(?:unless|"
    r"except|eligible|allowed|permitted|acceptable|may|provided|exempt)\b", re.IGNORECASE)
#: Words a line that goes on with the next one ends with ("... with", "... or", "..., ").
_GOES_ON = re.compile(r"(?:[,(/&+-]|\b(?:and|or|of|with|without|to|the|a|an|in|for|by|at|"
                      r"on|than|from|as|who|which|that|including|and/or|nor|per|if|unless|"
                      r"except|not|no|is|are|be|must|should|have|has|had))$", re.IGNORECASE)


#: A sentence over a whole section's list: "Patients must meet the following criteria to be
#: eligible:", "Subjects meeting any of the following criteria are not eligible:".
_PREAMBLE = re.compile(
    r"\bfollowing\b[^:]{0,40}?\b(?:criteria|requirements|conditions)\b[^:]*(?:eligib|enrol|"
    r"participat|study|includ|exclu|met|appl(?:y|ies))|\bfollowing\b[^:]*\b(?:will\s+be|are|is)\s+"
    r"(?:excluded|not\s+eligible|ineligible)", re.IGNORECASE)


def _section_preamble(line: str, kind: str) -> bool:
    """A line ending in ":" that puts the section's criteria under it, each on its own.

    For inclusions only where every member is needed ("must meet the following
    criteria", "all of the following"): "one of the following" keeps its members as
    alternatives. For exclusions "any of the following" is each excluding, as the
    section's items are anyway.
    """
    if not line.rstrip().endswith(":") or len(line) > 200 or not _PREAMBLE.search(line):
        return False
    if kind == INCLUSION and re.search(r"\b(?:one|any|either|\d+)\s+(?:or\s+more\s+)?of\b|"
                                       r"\bat\s+least\b", line, re.IGNORECASE):
        return False
    return True


def _broken_on_purpose(before: str, line: str, width: int) -> bool:
    """The line break between ``before`` and ``line`` ends a statement, not a wrapped line.

    Hard-wrapped registry text breaks a line only where the next word would not fit;
    where it would have fit ("Age 1 to 21 years" / "Relapsed B-ALL" in a text whose lines
    run to 90 characters), the author ended the line there. A line that ends with a
    word or sign that goes on, or a next line in lower case, is one statement.
    """
    if not before or not line or not (line[0].isupper() or line[0].isdigit()):
        return False
    if _QUALIFIES.search(line):
        return False  # "Patients intolerant of TKIs are eligible.": about the line above
    if _GOES_ON.search(before.rstrip(" .:;")) and not before.rstrip().endswith((".", ";")):
        return False
    first = line.split()[0]
    return len(before) + 1 + len(first) <= width - 1


def _slid_under(draft: _Draft, body: str, deeper: bool) -> bool:
    """A bullet that would join ``draft`` but is an inclusion criterion of its own.

    It states what every participant needs ("Patients must ...", "At least 7 days
    must have elapsed ...") under a statement, or under a list whose first member
    is a fragment ("... are also eligible with: / - First relapse ..."); never
    inside a list of alternatives, nor in a list whose members are all such
    sentences ("Age at diagnosis: / - Patients must be ... (B-ALL without DS)").
    """
    if draft.kind != INCLUSION or not (deeper or draft.lead_in):
        return False
    head = " ".join(draft.lines)
    # "Patients with Ph+ ALL must ...": a requirement of some patients, its own
    # criterion too -- unless the statement above is one of the same shape (then
    # the two may be cohorts of one criterion).
    if not (_STANDALONE.match(body) or _WHOM_MUST.match(body) and not _WHOM_MUST.match(head)):
        return False
    if _LEAD_ALTERNATIVES.search(head):
        return False
    if draft.subs:
        first = _BULLET.match(draft.subs[0][0])
        return not _STANDALONE.match(first.group("rest") if first else draft.subs[0][0])
    return deeper and not head.rstrip().endswith(":")


#: "2. " after a sentence's end (or a joining "or"), before a capital: the next member of
#: a list run into one line.
_INLINE_NUMBER = re.compile(r"(?:(?<=[.;,:])|(?<=\bor)|(?<=\bOR)|(?<=\band))\s+(?P<n>\d{1,2})"
                            r"[.)]\s+(?=[A-Z(\u2265\u2264<>0-9])")


def _enumerated(item: Item) -> list[Item]:
    """A numbered list run into one line, as items or as the sub-items of its lead-in.

    "1. Age 1 to 21 years. 2. Relapsed B-ALL. 3. Lansky >= 50" (its "1." was the
    item's marker) is three items. "... meeting one of the following: 1. Second
    relapse. 2. Relapse after transplant." keeps its members together as the sub-items
    of the lead-in, so they are read as the lead-in says (alternatives here), never cut
    into requirements of their own. Only numbers that run 1, 2, 3 ... are a list.
    """
    if item.subs:
        return [item]
    text = item.text
    first = re.search(r"(?<=:)\s*1[.)]\s+(?=\S)", text)
    if first is not None and _LEAD_ALTERNATIVES.search(text[:first.start()]):
        pieces = _numbered_pieces(text, first.end(), 2, _INLINE_NUMBER)
        if len(pieces) < 2:
            return [item]
        head = text[:first.start()].strip()
        subs = [f"{n}. {piece}" for n, piece in enumerate(pieces, 1)]
        return [Item(item.kind, text, head, subs, item.section, item.qualified)]
    body = re.sub(r"^\s*1[.)]\s+", "", text)
    pieces = _numbered_pieces(body, 0, 2, _NEXT_SENTENCE_NUMBER)
    if len(pieces) < 2 or _LEAD_IN.search(pieces[0]) and re.search(
            r":|\b(?:one|any|either|all|each)\s+of\b|following", pieces[0], re.I):
        return [item]
    return [Item(item.kind, piece, piece, [], item.section, item.qualified) for piece in pieces]


#: Between items run into one line: "2. " only after a sentence's end.
_NEXT_SENTENCE_NUMBER = re.compile(r"(?<=[.;])\s+(?P<n>\d{1,2})[.)]\s+(?=[A-Z(\u2265\u2264<>])")


def _numbered_pieces(text: str, start: int, number: int, marker: re.Pattern) -> list[str]:
    """The pieces of ``text`` from ``start`` cut before "2.", "3.", ... in that order."""
    out = []
    for m in marker.finditer(text, start):
        if int(m.group("n")) != number:
            break
        out.append(text[start:m.start()].strip())
        start, number = m.end(), number + 1
    out.append(text[start:].strip())
    return [piece for piece in out if piece]


def _run_together(item: Item) -> list[Item]:
    """A long item with no sub-items that an NCI summary ran together, as its criteria."""
    if item.subs or len(item.text) < 160:
        return [item]
    cuts = sorted({m.end() for m in RUN_TOGETHER.finditer(item.text)
                   if not inside_label(item.text, m)} | {
        m.end() for m in _RUN_TOGETHER_DISEASE.finditer(item.text)
        if not _FUNCTION_WORD.search(item.text[:m.start()])})
    if len(cuts) < 2:
        return [item]
    out, start, section = [], 0, item.section
    for end in [*cuts, len(item.text)]:
        text = item.text[start:end].strip()
        start = end
        heading = re.match(r"^([A-Z]{3,}(?:\s+[A-Z/]{2,}){0,3}):\s*", text)
        if heading and heading.group(1).lower() in _PDQ_HEADINGS:
            section, text = heading.group(1), text[heading.end():]
        if text:
            out.append(Item(item.kind, text, text, [], section, item.qualified))
    return out


# A bullet lead-in keeps the following same-level bullets only when it says they
# are alternatives; "Adequate organ function defined as:" followed by flat
# bullets reads the same either way (all required), so splitting it costs nothing.
_LEAD_ALTERNATIVES = re.compile(
    r"\b(one of|any of|either|at least one|\d+ of the following)\b|"
    r"\b(?:diseases|diagnoses|conditions|malignancies|indications)\s+(?:to\s+be\s+)?"
    r"(?:included|eligible)\b|\bthe\s+following\s+(?:diseases|diagnoses|malignancies)\b",
    re.IGNORECASE)


def _merge_alternatives(items: list[Item]) -> list[Item]:
    """Merge items joined by a dangling "or" ("..., or" / "OR") into one item."""
    out: list[Item] = []
    for item in items:
        prev = out[-1] if out else None
        joined = prev is not None and prev.kind == item.kind and prev.section == item.section and (
            _ALTERNATIVE.search(prev.text) or re.match(r"^(or|OR)\b", item.text))
        if joined:
            parts = prev.subs if prev.alternatives else [prev.text]
            out[-1] = Item(prev.kind, fold(prev.text + " " + item.text), "",
                           [*parts, item.text], prev.section, prev.qualified, alternatives=True)
            continue
        out.append(item)
    return out
