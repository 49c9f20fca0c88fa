"""Assemble: one criterion's rule from its clauses and sub-items, checked before use.

Precision before recall: a criterion read wrongly can tell a patient "not
eligible" for a trial they could join, so a doubt ends in *no rule* for the
piece it sits in (kept verbatim, shown to the study team as ``not_screened``),
never for its neighbours:

- an item is cut into clauses (``clauses``) and each is read on its own
  (``templates``); an inclusion requires what it read (and says so: the rest is
  ``not_screened``, so a partial reading never says "met"), an exclusion
  applies when any part it read applies;
- an unread clause that makes an exception ("unless", "... are eligible if",
  "allowed") weakens only the readings of the fields it names, or all of them
  when it names none: an exclusion then never excludes alone, a requirement
  never rules out alone;
- a statement with details indented below it needs each detail (an exclusion:
  only when every piece applies); details joined by "or" are alternatives; a
  detail that permits ("... eligible") widens what it names; a piece whose
  rule is invalid is a piece unread;
- items under a heading for another cohort, arm, phase, drug or a donor never
  exclude from the trial (a donor's say nothing; a part's exclusion is
  all[rule, not_screened], its requirement any[rule, not_screened]); when every
  part names its own diagnoses and no two share one ("for the ALL cohort",
  "Cohort 1 (B-ALL)"), a part's criteria bind its members;
- across items of one study: an unread item that makes an exception for a field
  (``drop_excepted``) and a remission trial's CNS status (``cns_in_remission``).

Rules are built as criteria-file mappings and checked by the linter's named
checks and ``rules.build_node`` before they are used, so a reader bug can
only lose a rule, never produce an invalid one -- and a reader crash loses one
criterion's rule, never the trial (``read_item``).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace

from ... import vocabulary
from ...eligibility import lint
from ...eligibility.rules import RuleError, build_node
from . import clauses
from .concepts import Reading, _disease_status, _philadelphia, _readings, therapies_named
from .segment import _LEAD_ALTERNATIVES, EXCLUSION, INCLUSION, Item
from .templates import (
    _A_LIST,
    _COLON_SCOPE,
    _ELIGIBLE_IF,
    _HARMLESS,
    _NEGATION,
    _SUBGROUP_HEAD,
    _colon_scope,
    _implication,
    _names_whom,
    _therapy_values,
    plain_list_words,
    read_text,
)

logger = logging.getLogger(__name__)

NOTE = "Read automatically from the registry text; a person has not reviewed this yet."
NOTE_NONE = ("Read automatically from the registry text: no rule, so the study team checks "
             "it; a person has not reviewed this yet.")
PLAIN_NONE = "Checked by the study team."
NOTE_CORE = ("Read automatically from the registry text, in part: what every participant must "
             "have is screened and the rest is for the study team; a person has not reviewed "
             "this yet.")

# (A transplant's recipient is the patient: "Inclusion Criteria - Recipients" is theirs.)
_OTHER_PERSON = re.compile(r"\b(donors?|siblings?|parents?|partners?|"
                           r"cohorts?|arms?|parts?|phase|strat\w*|groups?|stage|"
                           r"nhl|aml|cll|mds|lymphoma|myeloma|solid tumou?rs?)\b",
                           re.IGNORECASE)

# Words that may be left over around a recognised exclusion without narrowing it.

def _other_person(item: Item) -> bool:
    """Criteria of a donor, a sibling or a parent: nothing of the patient's."""
    return bool(re.match(r"^\s*(donors?|siblings?)\b", item.text, re.I) or (
        item.section and re.search(r"\b(donors?|siblings?|parents?|partners?)\b", item.section,
                                   re.I)))


#: "For GRAAPH trial only:", "(sub-study only)": what one trial, arm or sub-study of the
#: protocol asks, not the whole study.
_ONE_TRIAL_ONLY = re.compile(
    r"\b(?:trial|sub-?stud(?:y|ies)|sub-?protocol|protocol|arm|randomi[sz]ation)\s+only\b",
    re.IGNORECASE)


def _qualified(item: Item) -> bool:
    if item.qualified:
        return True
    if re.match(r"^\W*(?:phase|part|cohort|arm|group|stratum|stage|step)\b[^:]{0,40}:", item.text,
                re.I) or re.search(r"\bcohorts?\b|\barms?\b|\bstrat(?:um|a)\b", item.text, re.I):
        return True  # criteria of one part of the study
    if _ONE_TRIAL_ONLY.search(item.text):
        return True  # "For GRAAPH trial only: t(9;22) ...": one trial of several in a protocol
    if re.match(r"^\s*(donors?|siblings?)\b", item.text, re.I):
        return True
    return bool(item.section and _OTHER_PERSON.search(item.section)
                and not re.search(r"patient|characteristics|therapy|criteria", item.section, re.I)
                and len(item.section.split()) > 3)


_LEAD_IN_PHRASE = re.compile(
    r"[,;]?\s*(?:as\s+)?(?:defined\s+(?:as|by)\s+)?(?:with\s+|who\s+(?:meet|have)\s+|"
    r"(?:must\s+)?(?:meet|meeting|have|having|fulfil+|fulfil+ing)\s+)?(?:at\s+least\s+)?"
    r"(?:one|any|1|either)\s+(?:\(?\d\)?\s+)?(?:of\s+)?(?:the\s+)?following(?:\s+\w+){0,2}"
    r"(?:\s+(?:are|is)\s+present(?:\s+at\s+diagnosis)?)?\s*:?\s*$", re.IGNORECASE)
_CONDITIONAL_HEAD = re.compile(
    r"^\W*(?:age[sd]?|under|over|older|younger|if|for|in|when|children|adults|infants|"
    r"patients\s+(?:under|over|aged|older|younger|less|greater)|participants|subjects)\b",
    re.IGNORECASE)


#: Said of the clauses of an item that were not read, inside its rule.
_REST = "the rest of this criterion, read by the study team"
_EXCEPTION_MEMBER = "an exception the text makes to it"


def _clause_fields(text: str) -> set[str] | None:
    """Profile fields a clause speaks of; None when a recogniser had a doubt (anything).

    A clause no recogniser reads may still name a field by its words ("Total bilirubin
    <= 1.5 x ULN, except in individuals with Gilbert's syndrome" names bilirubin): then
    its exception is to that field, not to everything beside it.
    """
    found = _readings(text)
    fields = set() if found is None else {
        f for r in found if not r.rule.get("__span__") for f in _fields(r.rule)}
    if not fields:
        fields = {f for f, words in _FIELD_WORDS.items() if re.search(words, text, re.I)}
    return fields or (None if found is None else set())


#: Unread pieces that make no exception to a condition, whatever words they use:
#: contraception and who can bear children ("patients of childbearing potential should
#: use contraception", "women do not have childbearing potential if ...") and
#: tests not being required ("testing to prove negative status is not required unless
#: ...") say nothing of who has the condition.
#: "History of treated CNS disease was allowable", "patients with a history of CNS leukemia
#: but no active disease at the time of enrollment are eligible": a permission for CNS
#: disease in the past, beside "active CNS disease". In a relapsed trial the CNS answer is
#: the current disease (criteria/README.md), and in a remission trial ``cns_in_remission``
#: already leaves it to the study team: no exception to what was read.
_CNS_HISTORY_ALLOWED = re.compile(
    r"^(?!.*\b(?:unless|except|provided|only\s+if)\b)\W*(?:note\s*:\s*)?(?:(?:patients|subjects|participants)\s+with\s+(?:a\s+)?(?:known\s+)?)?"
    r"(?:history\s+of|prior|previous(?:ly)?)\s+(?:(?:treated|resolved)\s+)?(?:cns|central\s+"
    r"nervous\s+system)(?:\s*\(cns\))?\s+(?:disease|leuka?emia|involvement)\b(?:(?!\bunless\b|"
    r"\bexcept)[^.;])*?\b(?:allowed|allowable|permitted|acceptable|(?:are|is|will\s+be)\s+"
    r"eligible)\b[^.;]*\.?\s*$|"
    # ("The CNS disease must have resolved in order for the subject to be eligible")
    r"^(?!.*\b(?:unless|except)\b)\W*(?:the\s+)?(?:cns|central\s+nervous\s+system)\s+"
    r"(?:disease|leuka?emia|involvement)\s+must\s+(?:have\s+)?(?:resolved|cleared|been\s+(?:cleared|resolved))\b[^.;]*\.?\s*$",
    re.IGNORECASE)
_NO_EXCEPTION = re.compile(
    r"contracepti|birth\s+control|abstinen|child[- ]?bearing\s+potential|"
    r"\btest(?:ing|s)?\b[^.;]{0,60}?\bnot\s+(?:be\s+)?"
    r"(?:required|mandatory|needed)|\bnot\s+required\s+to\s+(?:be\s+)?test", re.IGNORECASE)
#: Words of how a finding is tested or documented ("CD22 may be documented by
#: immunohistochemistry", "flow cytometry of peripheral blood may be substituted if ...",
#: "the choice of whether to use flow cytometry ... will be determined by the sample").
_METHOD = re.compile(
    r"\b(?:assess\w*|measur\w*|document\w*|determin\w*|perform\w*|specimens?|samples?|"
    r"substitut\w*|recommend\w*|methods?|flow\s+cytometry|immunohistochem\w*|\bihc\b|"
    # "Tumor cells should exhibit phenotypic characteristics of these diseases"
    r"(?:immuno)?phenotyp\w*|"
    r"\bfish\b|\bpcr\b|techniques?|assays?|biops(?:y|ies)|aspirates?|test(?:ing|ed)?|"
    r"collection|urine|echocardiogram|muga|scan)\b", re.IGNORECASE)
#: Words by which a piece speaks of who may join, or turns a finding around: never a
#: piece about method only.
_WHO_MAY_JOIN = re.compile(
    r"eligib|enrol|includ|exclu|allow|permit|accept|participat|qualif|waiv|exempt|consider|"
    r"regardless|irrespective|unless|except|other\s+than|\bnot\b|\bno\b|\bwithout\b|"
    r"\bnegative\b|\babsen", re.IGNORECASE)


#: Words by which a piece explains why a criterion is there ("(Patients with HIV are at
#: increased risk of lethal infections when treated with marrow-suppressive therapy.)").
_RATIONALE = re.compile(
    r"\b(?:at\s+(?:an\s+)?(?:increased|higher|high)\s+risk|because|potential\s+for|"
    r"teratogenic|abortifacient|in\s+the\s+future|is\s+unknown|are\s+unknown|"
    r"has\s+not\s+been\s+(?:studied|established))\b", re.IGNORECASE)


#: "Any number of prior relapses allowed", "There is no limit on the number of prior
#: relapses": a permission about how many, which lets in no one a requirement without an
#: upper limit on that number would turn away.
_ANY_NUMBER = re.compile(
    r"^\W*(?:(?:there\s+is\s+)?no\s+(?:upper\s+)?limit\s+(?:on|to)\s+the\s+|any\s+|an\s+unlimited\s+)"
    r"number\s+of\s+(?:prior\s+|previous\s+)?(?P<what>relapses?|recurrences?)\b"
    r"(?:\s+(?:is|are))?(?:\s+(?:allowed|permitted|acceptable|eligible))?\W*$", re.IGNORECASE)


def _caps_relapses(rule) -> bool:
    """The rule sets an upper limit on the number of relapses (or an exact number)."""
    if not isinstance(rule, dict):
        return False
    if rule.get("field") == "relapse_count":
        return rule.get("op") not in ("gte", "gt")
    return any(_caps_relapses(r) for key in ("all", "any") for r in rule.get(key, [])) or (
        _caps_relapses(rule.get("not")))


def _widens_nothing(piece: str, rules: list[dict]) -> bool:
    """A permission that lets in no one the readings beside it turn away.

    "Any number of prior relapses allowed" beside "relapsed following chemotherapy"
    (NCT00006008): the relapse it requires has no upper count, so the permission
    only says so again -- unless a neighbour limits the count ("first relapse").
    """
    if _ANY_NUMBER.match(piece):
        return not any(_caps_relapses(r) for r in rules) and not any(
            re.search(r"first|second|third|\b[123](?:st|nd|rd)\b", json.dumps(r)) for r in rules)
    m = _ONLY_IF.match(piece)
    if m is None:
        return False
    # "Age 1 to 24 years. Patients ages 22-24 will only be enrolled if they are treated at
    # a pediatric facility" (NCT01626495): a further condition for people the age beside
    # it already takes -- it narrows, never lets anyone in
    who = read_text(INCLUSION, m.group("who"), strict=True)
    band = _age_band(who[0]) if who is not None else None
    return band is not None and any(
        (taken := _age_band(r)) is not None and taken[0] <= band[0] and band[1] <= taken[1]
        for r in rules)


#: "<whom> will only be enrolled if ...", "<whom> are eligible only if ...": a condition
#: for people the text names, which lets no one in.
_ONLY_IF = re.compile(
    r"^\W*(?P<who>[^,;:.]{3,80}?)\s+(?:will|shall|can|may|are|is)\s+(?:only\s+be\s+"
    r"(?:enrolled|eligible|included|considered|accepted)|(?:be\s+)?(?:enrolled|eligible|included"
    r"|considered|accepted)\s+only)\s+(?:if|when|provided)\b", re.IGNORECASE)


def _age_band(rule: dict) -> tuple[float, float] | None:
    """The ages in years a rule takes, when it is an age band and nothing else."""
    leaves = rule.get("all", [rule])
    lo = hi = None
    for leaf in leaves:
        if leaf.get("field") != "age" or not isinstance(leaf.get("value"), str):
            return None
        n, _, unit = leaf["value"].partition(" ")
        if unit != "Years" or not n.isdigit():
            return None
        if leaf.get("op") == "age_at_least":
            lo = float(n)
        elif leaf.get("op") == "age_at_most":
            hi = float(n)
        else:
            return None
    return None if lo is None or hi is None else (lo, hi)


def _says_why(piece: str) -> bool:
    """A piece that explains why a criterion is there, and lets no one in."""
    return bool(_RATIONALE.search(piece)) and not re.search(
        r"eligib|enrol|includ|allow|permit|accept|participat|qualif|waiv|exempt|unless|"
        r"except|other\s+than|consider|regarded|counted|treated\s+as", piece, re.IGNORECASE)


def _says_how(piece: str) -> bool:
    """A piece that says only how a finding is tested or documented, not who may join.

    "(assessment may be made on peripheral blood if ...)" or "CD22 expression may be
    documented by immunohistochemistry" holds a doubt word ("may", "if") but makes no
    exception to the finding its neighbour requires: the finding is still needed,
    whichever test shows it. (A piece that speaks of eligibility, or turns a value
    around -- "will be considered ambulatory" -- is never one.)
    """
    return bool(_METHOD.search(piece)) and not _WHO_MAY_JOIN.search(piece)


#: A sentence beside an exclusion that only says where the excluded go instead ("For these
#: patients the protocol ALL-Ph-08 is available", "These participants will be transferred to
#: an adequate trial for t(9;22) if available", "Patients with this disease will be eligible
#: for the current B-cell NHL trial"): it narrows nothing the exclusion reads.
_REFERRAL = re.compile(
    r"^\W*(?:for\s+(?:these|such|those)\s+(?:patients|participants|subjects|children)\b|"
    r"(?:these|such|those)\s+(?:patients|participants|subjects|children)\s+(?:will|should|"
    r"shall|may|can|are\s+to)\s+(?:then\s+)?be\s+(?:transferred|referred|entered|enrolled|"
    r"registered|treated)\b|(?:patients|participants|children)\s+with\s+this\s+(?:disease|"
    r"leuka?emia|subtype)\s+(?:will|should|may)\s+be\s+(?:eligible|entered|enrolled|treated|"
    r"transferred|referred)\b)", re.IGNORECASE)


def _refers_elsewhere(piece: str) -> bool:
    """A piece that sends the people an exclusion names to another protocol, and no more."""
    return bool(_REFERRAL.search(piece)) and not re.search(
        r"\b(?:unless|except|provided|however|but)\b", piece, re.IGNORECASE)


def combine_pieces(kind: str, pieces: list[str], every: bool = False,
                   exceptions: list[str] = (), separate: bool = False) -> tuple[dict, str] | None:
    """One rule from the pieces of one criterion (its clauses, or its sub-items).

    Each piece is read on its own: a doubt in one piece leaves that piece to the
    study team and never pulls the others down. A piece left unread that makes
    an exception ("unless ...", "... are eligible", "allowed if ...") to a field
    another piece reads, or that makes an exception without naming a field,
    weakens that reading so it can no longer decide against the person alone:
    an exclusion becomes all[condition, not_screened] (never excludes alone), a
    requirement any[requirement, not_screened] (never rules out alone).
    An inclusion requires all of what it read (the rest is for the study team);
    an exclusion applies when any of what it read applies -- or, with ``every``
    (the pieces narrow one another: a statement and the sub-items that refine
    it), only when all of them do, and never on a part alone while a piece is
    unread.
    """
    read, unread = [], [(piece, None) for piece in exceptions]
    if kind == EXCLUSION and len(pieces) > 1:
        pieces = [p for p in pieces if not _refers_elsewhere(p)] or pieces
    for piece in pieces:
        # (a sub-item of a list may hold sentences of its own: read clause by clause)
        reading = (read_clauses(kind, piece) if separate
                   else read_text(kind, _without_test_brackets(piece)))
        if reading is not None and not _valid(reading[0], "<piece>"):
            reading = None  # a piece read wrongly is a piece unread: never the others' loss
        (read if reading is not None else unread).append((piece, reading))
    if not read:
        return None
    excepted: set[str] | None = set()
    therapies: set[str] | None = set()  # the therapies an exception names (None: unsure)
    for piece, _ in unread:
        if _says_how(piece) or _says_why(piece) or piece not in exceptions and (
                not clauses.has_trigger(piece, clauses.EXCEPTION_CATEGORIES)
                or _NO_EXCEPTION.search(piece)) or _CNS_HISTORY_ALLOWED.search(piece) and all(
                    _fields(r) <= {"cns_status"} for _, (r, _) in read) or _widens_nothing(
                    piece, [r for _, (r, _) in read]):
            continue
        fields = _conditioned_fields(piece, [r for _, (r, _) in read]) if (
            kind == INCLUSION) else None  # (beside an exclusion, the whom lets people in)
        if fields is not None and not fields:
            continue  # a condition for some people that widens nothing read beside it
        if fields is None:
            fields = _clause_fields(piece)
        if separate and not fields and not re.match(r"\W*(?:note|n\.?b\.?)\b", piece, re.I):
            # a sub-item of a list is a statement of its own: an exception in it that names
            # nothing another sub-item reads ("Second malignancy, unless treated 2 years
            # ago") is its own, never a doubt over its neighbours (a "Note:" is about them)
            continue
        if fields is None or not fields:
            excepted = None  # an exception we cannot place: it may be to any reading
            break
        excepted |= fields
        if "prior_therapies" in fields and therapies is not None:
            named = therapies_named(piece)[0]
            therapies = therapies | named if named else None
    if kind == INCLUSION and excepted is not None:
        # "Relapsed B-ALL. Patients with T-ALL are eligible if ...", read as a condition on
        # T-ALL: it also lets T-ALL in beside the B-ALL the first piece requires
        for piece, _ in read:
            m = _ELIGIBLE_IF.match(piece)
            widened = m and _conditioned_fields(piece, [r for p, (r, _) in read if p != piece])
            if widened:
                excepted |= widened - (_clause_fields(m.group("req")) or set())
    rules, words = [], []
    for _, (rule, plain) in read:
        if excepted is None or _fields(rule) & excepted and not (
                _fields(rule) & excepted == {"prior_therapies"} and therapies is not None
                and not _therapy_values(rule) & therapies):
            # ("Prior blinatumomab. Prior CAR-T may be allowed": the exception is to
            # CAR-T, not to blinatumomab)
            member = {"not_screened": _EXCEPTION_MEMBER}
            rule = {"all": [rule, member]} if kind == EXCLUSION else {"any": [rule, member]}
        rules.append(rule)
        words.append(plain)
    if unread:
        rules.append({"not_screened": _REST})
    if len(rules) == 1:
        return rules[0], words[0]
    return {"any" if kind == EXCLUSION and not every else "all": rules}, " ".join(words)


def _values(rule: dict, field: str) -> set | None:
    """The values of ``field`` a rule names in an eq/in leaf (None: it names none)."""
    if rule.get("field") == field and rule.get("op") in ("eq", "in"):
        value = rule["value"]
        return {value} if isinstance(value, str) else set(value)
    found = [v for key in ("all", "any") for r in rule.get(key, [])
             if (v := _values(r, field)) is not None]
    return set().union(*found) if found else None


#: "Participants with ALL with Philadelphia chromosome or with an ABL class targetable fusion
#: are eligible": a permission with no condition.
_ELIGIBLE_BARE = re.compile(
    r"^\W*(?:patients|participants|subjects|those|people)\s+(?:with|who\s+(?:have|had|are))\s+"
    r"(?P<who>[^;:.]{3,120}?)\s+(?:are|is)\s+(?:also\s+)?eligible\s*\.?\s*$", re.IGNORECASE)


def _conditioned_fields(piece: str, rules: list[dict]) -> set[str] | None:
    """The fields "<whom> are eligible if <condition>" makes an exception to, or None.

    "Relapsed B-ALL. Patients with Ph+ ALL are eligible if they have failed a TKI"
    sets a condition for the Ph+ patients; it lets no one in beside what its neighbour
    requires, so it excepts only what its condition speaks of (a TKI), never the
    disease its neighbour reads. Only where the whom names a value the neighbour does
    not take ("B-ALL. Patients with T-ALL are eligible if ...") does it widen that field.
    None when the piece is not of that shape (its fields are then placed as usual).
    """
    m = _ELIGIBLE_IF.match(piece)
    if m is None:
        m = _ELIGIBLE_BARE.match(piece)
        if m is None:
            return None
        # "Participants with ALL with Philadelphia chromosome ... are eligible": no
        # condition at all, so it excepts only a whom the neighbour does not take
        who = read_text(INCLUSION, m.group("who"), strict=False)
        condition = set()
        if who is None:
            return None
    else:
        who = read_text(INCLUSION, m.group("who"), strict=True)
        condition = _clause_fields(m.group("req"))
    if who is None or condition is None:
        return None
    widened = set()
    for field in _fields(who[0]):
        named = _values(who[0], field)
        taken = [v for r in rules if (v := _values(r, field)) is not None]
        if named is None or any(not (named & t) for t in taken):
            widened.add(field)
    return condition | widened


#: A bracket that says a test is not needed ("(testing not required)", "(HIV testing is not
#: mandatory)"): it asks nothing and excepts nothing.
_NO_TEST_BRACKET = re.compile(
    r"\((?:[^()]{0,40}?\b)?(?:test(?:ing|s)?|screening)\b[^()]{0,30}?\bnot\s+(?:be\s+)?"
    r"(?:required|mandatory|needed|necessary)[^()]{0,40}\)", re.IGNORECASE)


#: A value a bracket may ask for: a comparison, or a number with its unit ("1000/uL").
_A_VALUE = re.compile(r"[<>\u2264\u2265=]|\b\d+(?:[.,]\d+)?\s*-?\s*(?:%|x\b|mg|ml|g/|/|"
                      r"hours?|hrs?|days?|weeks?|months?|years?|cells|blasts|times)", re.IGNORECASE)


def _without_test_brackets(text: str) -> str:
    """``text`` with brackets that only speak of the test blanked (where words sit is kept).

    "(testing not required)"; "(a 24-hour urine collection may be used if preferred)",
    "(testing may be done on peripheral blood if marrow is unavailable)": a doubt word
    about how a value is obtained never makes the value itself a doubt. (A bracket with
    a number or a word of who may join is kept: it may be what is asked.)
    """
    text = _NO_TEST_BRACKET.sub(lambda m: " " * len(m.group(0)), text)
    return re.sub(r"\(([^()]{8,200})\)", lambda m: " " * len(m.group(0)) if (
        _says_how(m.group(1)) and not _A_VALUE.search(m.group(1))
        and re.search(r"\b(?:may|if|when|whether|preferred|can)\b", m.group(1), re.I))
        else m.group(0), text)


#: Sentences COG puts under every performance criterion, which change no requirement:
#: how a wheelchair user is scored, and that CNS tumour deficits must be stable.
_BOILERPLATE = re.compile(
    r"(?:^|(?<=[.;]))[^.;]*\bunable\s+to\s+walk\s+because\s+of\s+paralysis[^.;]*(?:[.;]|$)|"
    r"(?:\bnote:\s*)?\bneurolog\w*\s+deficits\s+in\s+(?:patients|subjects|participants)\s+"
    r"with\s+cns\s+tumou?rs?[^.;]*(?:[.;]|$)|"
    # "; use Karnofsky for patients > 16 years of age and Lansky for patients <= 16": which
    # scale suits which age (the engine reads Lansky as Karnofsky)
    r"[;,]?\s*\buse\s+(?:the\s+)?(?:karnofsky|lansky)\s+(?:\w+\s+)?for\s+(?:patients|subjects|"
    r"participants)\s+[^;.]*?(?:and\s+(?:the\s+)?(?:karnofsky|lansky)\s+(?:\w+\s+)?for\s+"
    r"(?:patients|subjects|participants)\s+[^;.]*?)?(?=[;.]|$)", re.IGNORECASE)


#: "For the purpose of this study, the ULN for ALT will be 45 U/L": the limit is a fixed
#: value in U/L, not a multiple of the local laboratory's ULN the profile holds.
_ULN_FIXED = re.compile(r"\buln\s+for\s+(?:sgpt|sgot|alt|ast)\b[^.;()]{0,30}?\d+\s*i?u\s*/\s*l\b",
                        re.IGNORECASE)


#: COG's wheelchair sentence: a person who cannot walk because of paralysis is scored as
#: ambulatory, so the score in the profile may be lower than the one the study uses.
_WHEELCHAIR = re.compile(r"unable\s+to\s+walk\s+because\s+of\s+paralysis", re.IGNORECASE)


def read_clauses(kind: str, text: str) -> tuple[dict, str] | None:
    """The rule of one piece of text, clause by clause.

    A performance limit beside COG's wheelchair sentence is read, but a score below it is
    the study team's, never a reason to rule the person out: someone paralysed but up in a
    wheelchair counts as ambulatory, which the profile's score does not say.
    """
    text = _without_test_brackets(plain_list_words(text))
    if _ULN_FIXED.search(text):
        return None  # (the profile's ALT is a multiple of another upper limit: not comparable)
    if kind == INCLUSION and _WHEELCHAIR.search(text):
        read = read_clauses(kind, _BOILERPLATE.sub(lambda m: " " * len(m.group(0)), text))
        if read is None or not _fields(read[0]) <= {"performance_status", "age"}:
            return None
        return ({"any": [read[0], {"not_screened": "a person unable to walk because of "
                                   "paralysis but up in a wheelchair counts as ambulatory"}]},
                read[1])
    if re.search(r"karnofsky|lansky|ecog|performance", text, re.I):
        text = _BOILERPLATE.sub(lambda m: " " * len(m.group(0)), text)
    colon = _COLON_SCOPE.match(text)
    if colon and _SUBGROUP_HEAD.search(colon.group("cond")):
        # "Ph+ ALL: failed or intolerant to a TKI": for the people the head names, read
        # whole before the colon splits it (never a requirement of everyone)
        scoped = _colon_scope(kind, text)
        if scoped is not None:
            return scoped or None
    pieces = [c.text for c in clauses.split(text)]
    if len(pieces) <= 1:
        return read_text(kind, text) or _or_alternatives(kind, text)
    if re.search(r"karnofsky", text, re.I) and re.search(r"lansky", text, re.I) and all(
            re.search(r"karnofsky|lansky|ecog", p, re.I) for p in pieces):
        # "Karnofsky >= 50 for patients >= 16 years; Lansky >= 50 for patients < 16": one
        # threshold on the two scales, each suited to an age -- read whole, never as two
        # age-bound demands
        whole = read_text(kind, text)
        if whole is not None:
            return whole
    if any(p.rstrip().endswith(":") and _LEAD_ALTERNATIVES.search(p) for p in pieces[:-1]):
        # "... one of the following: a) X; b) Y" inside one sentence: what follows the
        # lead-in are alternatives, never each required (nor each excluding) -- not read
        # clause by clause
        return None
    implied = _implication(kind, text)
    if implied is not None:
        # "For subjects with a prior transplant, A. No B.": all of it is for them
        return implied
    return combine_pieces(kind, pieces)


#: ", or are still receiving ...", ", or greater than 100 days post-transplant with ...":
#: an "or" that opens another clause (a verb, a comparison, people), not another noun.
_OR_CLAUSE = re.compile(r",\s*(?:and/)?or\s+(?=(?:are|is|have|has|had|who|were|was|greater|less|"
                        r"more|fewer|within|patients|participants|subjects|those)\b)",
                        re.IGNORECASE)


def _or_alternatives(kind: str, text: str) -> tuple[dict, str] | None:
    """An exclusion of alternative clauses, not read whole, read one clause at a time.

    "Participants who are less than 100 days post-transplant, or greater than 100 days
    post-transplant with active GVHD, or are still continuing immunosuppression within 7
    days": each clause excludes on its own (any of them); one not read is for the study
    team. Only where every "or" opens a clause of its own, never a list of nouns.
    """
    if kind != EXCLUSION or "(" in text and text.count("(") != text.count(")"):
        return None
    pieces = [p for p in _OR_CLAUSE.split(text) if p.strip()]
    if len(pieces) < 2:
        return None
    return combine_pieces(kind, pieces, separate=True)


#: A heading that scopes its criteria to the ALL cohort of a study with several.
_ALL_COHORT = re.compile(r"(?-i:\bALL\b)|acute\s+lymphoblastic", re.IGNORECASE)
#: A part of a study for people with another disease than ALL.
_OTHER_DISEASE = re.compile(r"\b(?:nhl|lymphomas?|aml|cll|cml|mds|myeloma|solid\s+tumou?rs?|"
                            r"myeloid|hodgkin)\b", re.IGNORECASE)
#: Another disease named as one member of a list of diagnoses ("- AML in first remission",
#: "- CML chronic phase", "- Hodgkin's disease"), and ALL or a leukemia that may be it.
_ANOTHER_DISEASE = re.compile(
    r"\b(?:nhl|non[- ]hodgkin'?s?|hodgkin'?s?|hd|aml|apl|anll|cll|sll|cml|cmml|jmml|mds|"
    r"raeb(?:-?t)?|myeloma|plasmacytoma|solid\s+tumou?rs?|(?:acute\s+|chronic\s+)?myel\w*\s+leuka?emia|"
    r"myelodysplas\w*|myeloproliferative|aplastic\s+anemia|fanconi|neuroblastoma|sarcoma|"
    r"(?:mantle|follicular|large)\s+(?:cell\s+)?lymphoma|waldenstr\w*|"
    r"(?:chronic|small)\s+lymphocytic|promyelocytic)\b", re.IGNORECASE)
_ALL_NAMED = re.compile(r"(?-i:\bALL\b)|\blympho(?:blastic|id)\b|\bacute\s+lymphocytic|"
                        r"\b(?:acute|any)\s+leuka?emias?\b|\b[bt][- ]?(?:cell|lineage)\b|"
                        r"\bleuka?emias?\b(?!\s*\))", re.IGNORECASE)


def _another_disease(body: str) -> bool:
    """A list member about people with another disease than ALL ("AML in CR1", "CML")."""
    named = _ANOTHER_DISEASE.search(body)
    if named is None:
        return False
    # "chronic myelogenous leukemia": its own "leukemia" is no ALL
    rest = _ANOTHER_DISEASE.sub(" ", body)
    return not _ALL_NAMED.search(rest)


#: What an alternative for people with another disease asks of an ALL patient: nothing
#: they could meet (their diagnosis is not it), and of anyone else, the study team's.
_FOR_ANOTHER_DISEASE = {"all": [{"not": {"field": "diagnosis", "op": "in",
                                         "value": ["b_all", "t_all"]}},
                                {"not_screened": "another disease the study lists"}]}


_PART_WORDS = re.compile(
    r"^\W*(?:(?:key|main)\s+)?(?:(?:inclusion|exclusion|eligibility)\s+criteri(?:a|on)\b)?"
    r"[\s:,-]*(?:(?:for|of|in)\s+)?(?:the\s+)?(?:(?:cohort|group|arm|part|stratum|strata)"
    r"\s*[\w.-]{0,4}\b)?[\s:,(-]*|[\s:)]*(?:cohorts?|groups?|arms?|parts?|strat(?:um|a))?"
    r"[\s:)]*$", re.IGNORECASE)


def _members(section: str) -> frozenset[str] | None:
    """The diagnoses a heading scopes its criteria to ("Cohort 1 (B-ALL):" -> B-ALL).

    None when the heading names no diagnosis alone; an empty set for a part of the
    study for people with another disease ("for the NHL cohort").
    """
    words = _PART_WORDS.sub(" ", section).strip(" ()")
    reading = read_text(INCLUSION, words, strict=True) if words else None
    if reading is not None:
        leaf = reading[0]
        if leaf.get("field") == "diagnosis" and leaf.get("op") in ("eq", "in"):
            value = leaf["value"]
            return frozenset([value] if isinstance(value, str) else value)
        if "any" in leaf and leaf["any"] and leaf["any"][0].get("field") == "diagnosis":
            return frozenset(leaf["any"][0]["value"])  # "ALL": B or T (others: study team)
        return None
    if _ALL_COHORT.search(section):
        return frozenset({"b_all", "t_all"})
    if _OTHER_DISEASE.search(section):
        return frozenset()
    return None


def _cohort(item: Item) -> frozenset[str] | None:
    """The diagnoses of the item's cohort, when every part of the study has its own.

    Only when each heading that names a part of the study names a diagnosis and no
    two parts share one: then a person belongs to exactly one part, and a criterion
    of that part is binding on its members alone.
    """
    mine = _members(item.section or "")
    if not mine:
        return None
    seen: list[frozenset[str]] = []
    for part in item.parts or (item.section,):
        members = _members(part)
        if members is None:
            return None
        if members and members not in seen:
            seen.append(members)
    if any(a & b for i, a in enumerate(seen) for b in seen[i + 1:]):
        return None
    return mine


def _never_met(rule: dict) -> bool:
    """The rule can never be met (an all with a not_screened member, or of such rules)."""
    if "all" in rule:
        return any("not_screened" in r or _never_met(r) for r in rule["all"])
    if "any" in rule:
        return all("not_screened" in r or _never_met(r) for r in rule["any"])
    return False


def _scoped(item: Item, reading: tuple[dict, str] | None) -> tuple[dict, str] | None:
    """A criterion of one arm, cohort, phase, drug or donor, for the whole trial.

    An exclusion that closes one arm or withholds one drug never excludes from
    the trial; a cohort's requirement is one alternative among the cohorts.
    """
    if reading is None:
        return None
    rule, plain = reading
    members = _cohort(item)
    if members is not None:
        # "Inclusion criteria for the ALL cohort", "Cohort 1 (B-ALL):": what applies to
        # every person of that cohort; anyone else may belong to another (study team).
        who = {"field": "diagnosis", "op": "in", "value": sorted(members)}
        if item.kind == EXCLUSION and _never_met(rule):
            # an exclusion that only ever raises a question ("grade 2-4 GVHD": an active
            # GVHD answer goes to the study team): whoever it is for, asking the
            # diagnosis as well would change nothing
            return rule, plain
        if item.kind == EXCLUSION:
            # excludes people of the cohort; for anyone else, the other cohort's own
            # exclusions (often the same) are for the study team -- never "does not apply"
            seen = [r for r in rule.get("any", []) if "not_screened" not in r]
            if seen and len(seen) < len(rule["any"]):
                # any[what we read, the rest for the study team]: the diagnosis matters
                # only when what we read applies, so it is asked only then (when nothing
                # read applies, the rest is the study team's whatever the diagnosis)
                core = seen[0] if len(seen) == 1 else {"any": seen}
                return {"all": [rule, {"any": [who, {"not": core},
                                               {"not_screened": "another cohort"}]}]}, plain
            return {"all": [rule, {"any": [who, {"not_screened": "another cohort"}]}]}, plain
        return {"any": [rule, {"all": [{"not": who}, {"not_screened": "another cohort"}]}]}, \
            plain
    # A cohort, arm or phase whose members the profile cannot tell: an exclusion there
    # is narrowed by a qualifier the profile cannot check (it can clear, never excludes
    # from the trial), and a requirement there is one alternative among the parts (it
    # can be met, never rules anyone out).
    if _members(item.section or "") == frozenset():
        return None  # a part for people with another disease than ALL ("the NHL cohort")
    part = {"not_screened": PART}
    if item.kind == EXCLUSION:
        return {"all": [rule, part]}, plain
    return {"any": [rule, part]}, plain


#: "For patients with Ph+ ALL, the following additional exclusion criteria apply:",
#: "In subjects with a prior transplant the following must be met:": a list for a
#: group of people the head names.
_SCOPED_LIST = re.compile(
    r"^\W*(?:for|in)\s+(?P<whom>[^:;]{2,80}?)\s*,?\s+(?:the\s+)?following\s+(?:additional\s+)?"
    r"(?:inclusion\s+|exclusion\s+|eligibility\s+)?(?:criteria|requirements|conditions|"
    r"exclusions)?\s*(?:also\s+)?(?:appl(?:y|ies)|must\s+(?:also\s+)?be\s+met|are\s+required|"
    r"will\s+apply)\s*:?\s*$"
    # "For patients who received a prior transplant:" over its own list
    r"|^\W*for\s+(?P<people>(?:patients|participants|subjects|those|individuals)\s+"
    r"(?:with|who|aged|older|younger|over|under|in|after)\b[^:;]{2,80}?)\s*:\s*$",
    re.IGNORECASE)
_WHOM_WORDS = re.compile(r"\b(?:patients?|participants?|subjects?|those|people|persons|"
                         r"individuals|who|with|have|has|had|are|diagnosed)\b", re.IGNORECASE)


def _for_whom_list(item: Item, whom: str) -> tuple[dict, str] | None:
    """A list under "For <whom>, the following criteria apply:", for the people it names.

    An exclusion excludes only someone the head names and a listed condition applies
    to: all[whom, any of the list]; a requirement binds only them: any[not whom, all of
    the list]. When the head's group cannot be read, nothing is (the list is never
    everyone's).
    """
    who = read_text(INCLUSION, _WHOM_WORDS.sub(" ", whom), strict=True)
    if who is None:
        return None
    listed = combine_pieces(item.kind, [_SUB_MARKER.sub("", sub, count=1) for sub in item.subs])
    if listed is None:
        return None
    if item.kind == EXCLUSION:
        return {"all": [who[0], listed[0]]}, listed[1]
    return {"any": [{"not": who[0]}, listed[0]]}, listed[1]


#: Said of a criterion of one part (cohort, arm, phase, stratum) of the study.
PART = "whether this part of the study is the person's"


def parts_as_alternatives(criteria: list[dict], items: list[Item]) -> list[dict]:
    """Inclusions of the study's parts, each part one alternative among the parts.

    "Cohort 1: relapsed B-ALL" and "Cohort 2: newly diagnosed T-ALL": a person in
    neither cohort is in no part of the study. Each part's requirement alone never rules
    anyone out (they may belong to another part), but when every part's inclusions are
    read whole, a person who meets none of the parts' requirements is: each becomes
    any[requirement, all[not_screened, any of the other parts]]. Only when every part
    named in the text has inclusions and all of them are read.
    """
    by_part: dict[str, list[dict]] = {}
    for crit, item in zip(criteria, items, strict=True):
        if crit["kind"] != INCLUSION or not item.qualified or not item.section:
            continue
        rule = crit.get("rule")
        if not rule or rule.get("any", [None])[-1] != {"not_screened": PART} or len(
                rule["any"]) != 2:
            return criteria  # a part's inclusion not read whole: parts are not alternatives
        by_part.setdefault(item.section, []).append(crit)
    parts = items[0].parts if items else ()
    if len(by_part) < 2 or set(by_part) != set(parts):
        return criteria
    cores = {part: (lambda rules: rules[0] if len(rules) == 1 else {"all": rules})(
        [c["rule"]["any"][0] for c in crits]) for part, crits in by_part.items()}
    for part, crits in by_part.items():
        others = [core for name, core in cores.items() if name != part]
        elsewhere = others[0] if len(others) == 1 else {"any": others}
        for crit in crits:
            rule = {"any": [crit["rule"]["any"][0], {"all": [{"not_screened": PART}, elsewhere]}]}
            if _valid(rule, crit["id"]):
                crit["rule"], crit["plain"] = rule, _plain(rule)
    return criteria


#: The short labels NCI summaries put above their criteria.
_NCI_LABEL = re.compile(
    r"(?:biologic(?:al)?\s+therapy|chemotherapy|endocrine\s+therapy|radiotherapy|surgery|"
    r"hepatic|renal|cardiovascular|pulmonary|hematopoietic|neurologic|other|age|"
    r"(?:liver|hepatic|renal|kidney|cardiac|heart|pulmonary|lung|hematologic|organ)\s+"
    r"function|"
    r"performance\s+status|life\s+expectancy|prior\s+therapy)\s*:?", re.IGNORECASE)
_CONTEXT_LABEL = re.compile(r"(?:age|performance\s+status)\s*:", re.IGNORECASE)


def read_rule(item: Item, scoped: bool = False) -> tuple[dict, str] | None:
    """The rule of one item, or None when the item is not read with certainty.

    ``scoped``: the item was already found to be about one part of the study.
    """
    if not scoped and _CONTEXT_LABEL.fullmatch(item.section or "") and not re.search(
            r"\bage\b|performance", item.text, re.I):
        # Under an NCI-style label ("Age:", "Performance status:") an item says only
        # "21 and under at diagnosis" or "0-2": the label is part of what it says.
        item = replace(item, text=f"{item.section} {item.text}", head=f"{item.section} {item.head}")
    if not scoped and _qualified(item):
        return _scoped(item, None if _other_person(item) else read_rule(item, scoped=True))
    if not item.subs:
        return read_clauses(item.kind, item.text)
    scoped_list = _SCOPED_LIST.match(item.head)
    if scoped_list is not None:
        # (its "for <whom>" is a doubt about everyone, not about the people it names)
        return _for_whom_list(item, scoped_list.group("whom") or scoped_list.group("people"))
    if clauses.says_doubt(item.head):
        return None
    if item.alternatives:
        return _read_alternatives(item, None)
    head = item.head
    if _NCI_LABEL.fullmatch(head.strip()):
        # NCI summaries: "Biologic therapy" / "- No prior biologic therapy": a label, and
        # each sub-item a criterion of its own, read with the label as its context
        return combine_pieces(item.kind, [
            f"{head.strip().rstrip(':')}: " + re.sub(r"^\s*(?:--|[-*\u2022])\s*", "", sub)
            for sub in item.subs])
    if _CONDITIONAL_HEAD.search(head):
        return None  # sub-items under a condition ("For patients over 16:")
    if item.kind == INCLUSION and _disease_list(head, item.subs):
        # "Diseases to be included: - CML chronic phase - ALL in complete remission -
        # AML in first remission": one disease each, so any one of them
        return _read_alternatives(item, None)
    if not head.rstrip().endswith(":") or _or_joined(item.subs):
        return _read_refined(item)
    groups = _nested_groups(item)
    if groups is not None and re.search(
            r"\b(one of|any of|either|at least one|1 of the following)\b", head, re.I):
        return _read_nested_alternatives(item, groups)
    if any(_NESTED_LIST.search(_SUB_MARKER.sub("", sub, count=1)) for sub in item.subs):
        # a member that opens a list of its own ("Meets 1 of the following:"): the flat
        # text no longer tells its members from the others -- beyond a safe reading
        # ("either X or Y" inside one member is that member's own affair)
        return None
    if re.search(r"\b(one of|any of|either|at least one|\d+ of the following)\b", head,
                 re.I) or _LEAD_ALTERNATIVES.search(head):
        rest = _LEAD_IN_PHRASE.sub("", head).strip(" :,;")
        words = [w for w in re.findall(r"[a-z0-9][a-z0-9+'-]*", rest.lower())
                 if w not in _HARMLESS]
        if not words:
            return _read_alternatives(item, None)
        head_reading = read_text(item.kind, rest, strict=True)
        if head_reading is None and item.kind == INCLUSION and _names_nothing(rest):
            # "Disease burden defined as at least 1 of the following:": the head
            # only names what the alternatives are about
            choice = _read_alternatives(item, None)
            if choice is None or set(words) <= _LABEL_WORDS:
                return choice
            return {"all": [{"not_screened": _REST}, choice[0]]}, choice[1]
        if item.kind == EXCLUSION and _plain_label(head):
            # "Impaired cardiac function, including any one of the following:": each
            # listed condition excludes on its own (the head only names their kind)
            return _read_alternatives(item, None)
        if head_reading is None or item.kind == EXCLUSION:
            return None
        return _read_alternatives(item, head_reading)
    if item.kind == EXCLUSION and _plain_label(head):
        # "Central nervous system (CNS) involvement and abnormalities: / - CNS-3
        # disease / - ...": the list says what excludes, each on its own. (When an
        # exception among them leaves nothing that can exclude, the reading would
        # only ask questions: none then.)
        reading = combine_pieces(item.kind, [_SUB_MARKER.sub("", sub, count=1)
                                             for sub in item.subs], separate=True)
        # (conditions that only ever ask -- "pregnant", "breastfeeding and going on with it"
        # -- still ask; only an exception that leaves nothing to exclude makes it none)
        return reading if reading is not None and (_may_apply(reading[0]) or _EXCEPTION_MEMBER
                                                   not in json.dumps(reading[0])) else None
    defined = _DEFINED_AS_LIST.search(head)
    head_reading = read_clauses(item.kind, head[:defined.start()].strip(" ,;:")) if (
        defined is not None and item.kind == INCLUSION and head[:defined.start()].strip(" ,;:")
        and not re.search(r"\b(?:all|each|both)\s+of\b", head, re.I)) else None
    if head_reading is not None and _fields(head_reading[0]) & {"disease_status", "relapse_count"}:
        # "Relapsed or refractory ALL, defined as: - second or later relapse - failure to
        # achieve CR after 2 cycles": the list says which disease settings the head takes,
        # any one of them (a list defining organ function is every one of them, below)
        return _read_alternatives(item, head_reading)
    if re.search(r"\b(all of|each of|following (?:criteria|requirements|conditions)?)\b|"
                 r"defined (?:as|below)|as follows|adequate", head, re.I) is None:
        # A bare heading ("Postinduction therapy:") may name a later phase of the
        # study, not what everyone needs at entry: not read.
        return None
    pieces = ([head.rstrip(":")] if len(head) > 3 else []) + [
        re.sub(r"^\s*(?:[-*\u2022]|\d{1,2}[.)]|[a-z][.)])\s*", "", sub) for sub in item.subs]
    return combine_pieces(item.kind, pieces, separate=True)


def _nested_groups(item: Item) -> list[tuple[str, list[str]]] | None:
    """The sub-items as (member, its own list) where a member opens a list of its own.

    "one of the following: / - second relapse / - first relapse meeting all of the
    following: / - within 36 months / - CD19 positive": the deeper lines belong to the
    member above them. None unless the layout says so without doubt: at least one
    member opens a list, every deeper line sits under such a member, one level deep.
    """
    if len(item.depths) != len(item.subs) or not item.subs:
        return None
    base = min(item.depths)
    groups: list[tuple[str, list[str]]] = []
    child_depth = None
    for sub, depth in zip(item.subs, item.depths, strict=True):
        body = _SUB_MARKER.sub("", sub, count=1).strip()
        if depth == base:
            groups.append((body, []))
            continue
        if not groups or not _NESTED_LIST.search(groups[-1][0]) or (
                child_depth is not None and depth != child_depth):
            return None
        child_depth = depth
        groups[-1][1].append(body)
    if not any(children for _, children in groups) or any(
            _NESTED_LIST.search(body) and not children for body, children in groups):
        return None
    return groups


#: "... meeting all of the following:", "with both:", "and any of the following:"
_MEMBER_LEAD = re.compile(
    r"[,;]?\s*(?:and\s+)?(?:who\s+)?(?:meeting|meets?|with|having|has|have|who\s+have)?\s*"
    r"(?P<how>all|each|both|one|any|either|at\s+least\s+one|1)\s*(?:of\s+)?(?:the\s+)?"
    r"(?:following)?(?:\s+\w+)?\s*:\s*$", re.IGNORECASE)


def _read_nested_alternatives(item: Item, groups) -> tuple[dict, str] | None:
    """Alternatives of which some are lists of their own: any of them, each read whole.

    A member with a list is its own words and all (or any) of its list, as its lead-in
    says; a member not read whole is one the profile cannot see (not_screened), so the
    criterion can be met by another and never rules anyone out on a partial reading.
    """
    rest = _LEAD_IN_PHRASE.sub("", item.head).strip(" :,;")
    if [w for w in re.findall(r"[a-z0-9][a-z0-9+'-]*", rest.lower()) if w not in _HARMLESS]:
        return None  # the head asks something of its own: not read here
    parts, unseen = [], False
    for body, children in groups:
        if item.kind == EXCLUSION:
            # each listed condition excludes on its own; one with a list of its own
            # ("Prior therapy for ALL, except: / - steroids ...") is the study team's
            reading = None if children else read_text(
                EXCLUSION, re.sub(r"\s*\bor\b\.?\s*$", "", body, flags=re.I), strict=True)
        else:
            reading = _read_member(body, children)
        if reading is None:
            unseen = True
        else:
            parts.append(reading)
    if not parts:
        return None
    rules = [p[0] for p in parts]
    if item.kind == EXCLUSION:
        return ({"any": rules} if len(rules) > 1 else rules[0],
                "Not for people with: " + "; ".join(
                    p[1].removeprefix("Not for people with: ") for p in parts))
    if unseen:
        rules.append({"not_screened": "the other alternatives in the text"})
    return ({"any": rules} if len(rules) > 1 else rules[0],
            "Needs one of: " + "; ".join(p[1].removeprefix("Needs: ") for p in parts))


def _read_member(body: str, children: list[str]) -> tuple[dict, str] | None:
    """One alternative, with its own list when it has one; None unless read whole."""
    body = re.sub(r"\s*\bor\b\.?\s*$", "", body, flags=re.I)
    if not children:
        return read_text(INCLUSION, body, strict=True)
    lead = _MEMBER_LEAD.search(body)
    if lead is None:
        return None
    every = lead.group("how").lower() in ("all", "each", "both")
    own = body[:lead.start()].strip(" ,;:")
    pieces = [read_text(INCLUSION, re.sub(r"\s*\b(?:and|or)\b\.?\s*$", "", c, flags=re.I),
                        strict=True) for c in children]
    mine = read_text(INCLUSION, own, strict=True) if own else None
    if own and mine is None:
        return None
    read = [p for p in pieces if p is not None]
    if every and len(read) < len(pieces) or not read:
        return None  # (all of them, and one unread: the member is not read whole)
    listed = [p[0] for p in read]
    if not every and len(read) < len(pieces):
        listed.append({"not_screened": "the other alternatives in the text"})
    joined = listed[0] if len(listed) == 1 else {"all" if every else "any": listed}
    rule = {"all": [mine[0], joined]} if mine else joined
    words = " ".join(([mine[1]] if mine else []) + [p[1] for p in read])
    return rule, words


#: A head that says its list defines it ("... as defined below:", ", defined as:").
_DEFINED_AS_LIST = re.compile(r"[,;(]?\s*(?:as\s+)?defined\s+(?:as|below|by)(?:\s+(?:the\s+)?"
                              r"following)?\s*\)?\s*:?\s*$", re.IGNORECASE)
_SUB_MARKER = re.compile(r"^\s*(?:--|[-*\u2022]|\d{1,2}[.)]|[a-z][.)]|\([a-z0-9]{1,2}\))\s*")
#: A sub-item that opens a list of its own, whose members the flat text no longer
#: tells apart from the sub-items that follow it.
_NESTED_LIST = re.compile(r":\s*$|\b(?:one|any|either|\d+)\s+(?:or\s+more\s+)?of\b",
                          re.IGNORECASE)
#: A sub-item that names whom it is about: a condition or another group, not a detail.
_WHOM = re.compile(r"^(?:for\s+)?(?:patients|participants|subjects|those|children|adults|"
                   r"females?|males?|women|men|infants|persons|people)\b", re.IGNORECASE)
#: "Philadelphia chromosome-positive ALL eligible": a sub-item that lets more people in.
_PERMITS = re.compile(r"\b(?:eligible|allowed|permitted|acceptable|included)\W*$", re.IGNORECASE)
_OR_END = re.compile(r"(?:^|[\s,;])(?:or|and/or)\.?\s*$", re.IGNORECASE)
_OR_START = re.compile(r"^\s*(?:or|and/or)\b", re.IGNORECASE)


#: Words of a head that only names what its list is about ("Disease burden").
_LABEL_WORDS = frozenset({"disease", "burden", "status", "evidence", "criteria", "features",
                          "characteristics", "requirements", "conditions", "function",
                          "measurable", "documented", "diagnosis", "diagnoses", "diseases",
                          "malignancies", "indications", "included", "eligible", "following",
                          "hematologic", "haematologic", "hematological", "haematological",
                          "malignancy", "cancers", "neoplasms"})
#: A head that may speak of a later step of the study, not of entry to it.
_LATER = re.compile(r"\b(?:prior\s+to|before|after|during|at\s+the\s+time|phase|cycle|course|"
                    r"induction|consolidation|maintenance|infusion|lymphodepl\w*|"
                    r"transplant(?:ation)?\s+(?:day|time)|randomi[sz]ation)\b", re.IGNORECASE)


_WHOM_IN = re.compile(r"\b(?:patients?|participants?|subjects?|those|individuals|children|"
                      r"adults|women|men|females?|males?)\b|\+\s*:|positive\s*:", re.IGNORECASE)


def _disease_list(head: str, subs: list[str]) -> bool:
    """A head that names nothing over a list of diseases, ALL one of them and another
    disease another: the members are alternatives (each person has one disease)."""
    if not head.rstrip().endswith(":") or not _names_nothing(head.rstrip(" :")):
        return False
    bodies = [_SUB_MARKER.sub("", sub, count=1) for sub in subs]
    if any(_NESTED_LIST.search(b) for b in bodies):
        return False
    return (any(_another_disease(b) for b in bodies)
            and any(_ALL_NAMED.search(b) and not _another_disease(b) for b in bodies))


def _may_apply(rule: dict) -> bool:
    """Whether some answer could make the rule met (an exclusion: exclude on it)."""
    if "not_screened" in rule:
        return False
    if "all" in rule:
        return all(_may_apply(r) for r in rule["all"])
    if "any" in rule:
        return any(_may_apply(r) for r in rule["any"])
    return True


def _plain_label(head: str) -> bool:
    """An exclusion's head over its list that narrows none of it: no condition, no later
    step of the study ('at the time of infusion'), no group of people, no time window."""
    return (len(head.split()) <= 12 and not clauses.says_doubt(head) and not _LATER.search(head)
            and not _WHOM_IN.search(head)
            and not re.search(r"\bwithin\b|\bsince\b|\bdays?\b|\bweeks?\b|\bmonths?\b|"
                              r"\byears?\b|\bhours?\b|\bunless\b|\bexcept\b", head, re.I))


def _names_nothing(head: str) -> bool:
    """A short head with no doubt and nothing the profile holds: a label over its list."""
    return (len(head.split()) <= 8 and not clauses.says_doubt(head)
            and _clause_fields(head) == set())


def _or_joined(subs: list[str]) -> bool:
    """Sub-items joined by "or" ("1. 2nd or greater BM relapse OR / 2. ..."): alternatives."""
    bodies = [_SUB_MARKER.sub("", sub, count=1).strip() for sub in subs]
    return len(bodies) > 1 and (any(_OR_END.search(b) for b in bodies[:-1]) or any(
        _OR_START.match(b) for b in bodies[1:]))


def _read_refined(item: Item) -> tuple[dict, str] | None:
    """A statement with sub-items below it that refine it, not a list it introduces.

    "Diagnosis of acute lymphoblastic leukemia / - Pathologic evidence of relapse
    in marrow, CNS, or testes / - In second or later complete remission" (NCI
    summaries indent the details of a criterion under it): the person needs the
    statement and each detail. An inclusion requires what was read, the rest
    not_screened; an exclusion applies only when every piece applies, so while
    a piece is unread it never excludes alone. Sub-items joined by "or" are
    alternatives: any of them, with those not read as not_screened members. A
    sub-item that opens a list of its own ("meets 1 of the following:") ends
    the reading: what follows it may be its alternatives, not requirements.
    """
    subs, exceptions = [], []
    choice = _or_joined(item.subs)
    for sub in item.subs:
        body = _SUB_MARKER.sub("", sub, count=1).strip()
        if _NESTED_LIST.search(body):
            subs.append(None)
            break
        if choice:
            subs.append(body)  # one alternative: it neither widens nor narrows the others
            continue
        if clauses.has_trigger(body, clauses.EXCEPTION_CATEGORIES) or _PERMITS.search(body):
            # "... with myeloid markers eligible", "Any number of prior relapses
            # allowed": it widens what the statement asks, never adds to it
            exceptions.append(body)
            continue
        if _WHOM.match(body) and read_text(item.kind, body) is None:
            # "- Patients with APL enrolled on S0521 must ...": another group of
            # people, perhaps another cohort: the statement may not be for everyone
            return None
        subs.append(body)
    bodies = [b for b in subs if b]
    if not choice:
        pieces = [item.head] + bodies
        reading = combine_pieces(item.kind, pieces, every=True, exceptions=exceptions)
        if reading is not None and not _fields(reading[0]):
            return None  # nothing the profile can decide
        if reading is not None and None in subs and item.kind == INCLUSION:
            rule = reading[0]
            members = rule["all"] if "all" in rule else [rule]
            if not any("not_screened" in m for m in members):
                reading = {"all": [*members, {"not_screened": _REST}]}, reading[1]
        elif reading is not None and None in subs:
            reading = None  # an exclusion with a nested list: which part excludes is unclear
        return reading
    if item.kind == EXCLUSION or None in subs:
        return None
    # The statement and one of the alternatives: what of either is unread is for
    # the study team, and the alternatives never block unless each is known to fail.
    head = read_clauses(item.kind, item.head.rstrip().rstrip(":")) if len(
        item.head.strip(" :")) > 3 else None
    alternatives = replace(item, subs=[_OR_END.sub("", _OR_START.sub("", b)).strip()
                                       for b in bodies], alternatives=True)
    choice = _read_alternatives(alternatives, None)
    if head is None and choice is None:
        return None
    parts = [head[0] if head else {"not_screened": _REST},
             choice[0] if choice else {"not_screened": "which of the listed situations applies"}]
    return {"all": parts}, " ".join(p[1] for p in (head, choice) if p)


def _read_alternatives(item: Item, head: tuple[dict, str] | None) -> tuple[dict, str] | None:
    """Items whose sub-items are alternatives: any of them; unseen ones not_screened.

    Each alternative must be read whole (nothing narrowing left over), since a
    partial alternative inside "any" could wrongly say "met".
    """
    parts, unseen, others = [], False, False
    for sub in item.subs:
        body = re.sub(r"^\s*(?:[-*\u2022]|\d{1,2}[.)]|[a-z][.)])\s*", "", sub)
        body = re.sub(r"\s*\bor\b\.?\s*$", "", body, flags=re.I)
        reading = read_text(item.kind, body, strict=True)
        if reading is None and item.kind == INCLUSION and _another_disease(body):
            others = True  # "- AML in first remission": for people with AML only
        elif reading is None:
            unseen = True
        else:
            parts.append(reading)
    if not parts:
        if head is None:
            return None
        # Only the head was read: it is required, and which listed situation applies
        # is for the study team (the head alone never says "met").
        return {"all": [head[0], {"not_screened": "which of the listed situations applies"}]}, \
            head[1]
    rules = [p[0] for p in parts]
    if item.kind == INCLUSION:
        if unseen:
            rules.append({"not_screened": "the other alternatives in the text"})
        elif others:
            rules.append(_FOR_ANOTHER_DISEASE)
        rule = rules[0] if len(rules) == 1 else {"any": rules}
        plain = "Needs one of: " + "; ".join(p[1].removeprefix("Needs: ") for p in parts)
        if head is not None:
            return {"all": [head[0], rule]}, head[1] + " " + plain
        return rule, plain
    # An exclusion listing excluding conditions: exclude on any of those we can see.
    return (rules[0] if len(rules) == 1 else {"any": rules},
            "Not for people with: " + "; ".join(
                p[1].removeprefix("Not for people with: ") for p in parts))


def _valid(rule: dict, cid: str) -> bool:
    """Run the linter's named checks and the rule builder; False on any problem."""
    if lint._lint_node(rule, "<reader>", cid, "rule"):
        return False
    try:
        build_node(rule)
    except RuleError:
        return False
    return True


def describe(rule: dict) -> str:
    """A rule in plain English words (the one vocabulary's walker)."""
    return vocabulary.describe(rule)


def _plain(rule: dict) -> dict:
    """The rule in plain words, English and (when every part has words) Spanish.

    No "Needs:"/"Excluded when:" in front: like a curated file's sentence, it
    names the condition, and the page frames it by kind and outcome.
    """
    words = describe(rule)
    plain = {"en": words[:1].upper() + words[1:] + "."}
    es = vocabulary.sentence(rule, "es")
    if es:
        plain["es"] = es
    return plain


#: Words that make a "newly diagnosed" or "Ph+" in an inclusion something other
#: than a condition every participant must meet: other disease settings offered
#: as alternatives, exceptions, conditions, or therapy already given.
_NOT_A_CORE = re.compile(
    r"relaps|refractor|recurr|resist|remission|fail|second|salvage|persist|residual|\bmrd\b|"
    r"prior(?!\s+to\b)|(?<!not\s)previous(?!ly\s+untreated)|after|following|either|one\s+of|any\s+of|"
    r"\bor\s+(?:having|had|have|who|with|in|patients)\b|"
    r"ph-?like|philadelphia[- ]like|bcr-?abl1?-?like|lymphoma|myeloid|aml\b|cml\b|"
    r"blast\s+(?:crisis|phase|transformation)|mixed|ambiguous|biphenotypic|"
    r"entered\s+onto|enrolled\s+on|trials?\s+for", re.IGNORECASE)


def _core_reading(item: Item) -> dict | None:
    """The conditions every participant must meet, out of an inclusion read only in part.

    "Patients aged 18 to 60 with de novo Philadelphia chromosome positive ALL,
    as defined by ..." is not read whole, so without this the item is
    not_screened and a person in second relapse, or with Ph-negative
    leukemia, would see the study as likely eligible. When the sentence names
    the disease setting (newly diagnosed) or the Ph status as something
    everyone must have, with no alternative, exception or condition beside
    it, those become required and the rest goes to the study team:
    all[setting, Ph, not_screened rest]. A mismatch then rules the study out;
    a match never makes it "met" on its own.
    """
    text = item.text if not item.subs else " ".join([item.head, *item.subs])
    colon = _COLON_SCOPE.match(text)
    if item.kind != INCLUSION or clauses.says_doubt(text) or _NOT_A_CORE.search(text) or (
            _names_whom(text)) or (colon and _SUBGROUP_HEAD.search(colon.group("cond"))):
        return None  # ("Ph+ patients must have ...", "Ph+ ALL: failed a TKI": Ph+ says
        # whom, it is no core)
    leaves, spans = [], []
    for found in (_disease_status(text), _philadelphia(text)):
        spans += found
        found = [r for r in found if not r.rule.get("__span__")]
        if any(r.narrow for r in found) or len({json.dumps(r.rule, sort_keys=True)
                                                for r in found}) > 1:
            return None  # two readings of one field in one sentence: a doubt
        for r in found:
            # "previously untreated" reads as all[newly_diagnosed, not_screened]:
            # its required part is the leaf (the rest is not_screened anyway)
            leaf = next((x for x in r.rule.get("all", []) if "field" in x), r.rule)
            if leaf.get("field") in ("disease_status", "philadelphia_chromosome") and (
                    leaf.get("op") == "eq"):
                leaves.append(Reading(leaf, r.start, r.end, r.words))
    if not leaves:
        return None
    # A negation outside the readings ("karyotype shows no t(9;22)") turns what
    # was read around: no core then. "Not previously treated" is "untreated".
    rest = re.sub(r"\bnot\s+previously\s+treated\b", lambda m: " " * len(m.group(0)), text,
                  flags=re.IGNORECASE)
    for r in spans:
        rest = rest[:r.start] + " " * (r.end - r.start) + rest[r.end:]
    if _NEGATION.search(rest):
        return None
    rule = {"all": [r.rule for r in leaves] + [
        {"not_screened": "the rest of this criterion, read by the study team"}]}
    return rule


#: Words by which another item of the same study makes an exception.
_EXCEPTION = re.compile(
    r"\b(allowed|permitted|acceptable|are eligible|is eligible|be eligible|remain eligible|"
    r"may be (?:eligible|included|enrolled)|unless|except|exception|solely because)\b",
    re.IGNORECASE)
#: What an item must mention to make an exception for a field.
_FIELD_WORDS = {
    "cns_status": r"\bcns\b|central nervous|spinal fluid|\bcsf\b|mening",
    "organ_function.creatinine_clearance_ml_min": r"creatinine|\brenal\b|\bkidney",
    "organ_function.bilirubin_x_uln": r"bilirubin|hepatic|liver",
    "organ_function.alt_x_uln": r"\balt\b|sgpt|transaminase|hepatic|liver",
    "organ_function.ast_x_uln": r"\bast\b|sgot|transaminase|hepatic|liver",
    "organ_function.lvef_percent": r"ejection|shortening fraction|cardiac function",
    "performance_status": r"ecog|karnofsky|lansky|performance",
    "isolated_extramedullary_relapse": r"extra-?medullary",
    "marrow_blasts_percent": r"blasts?\b",
}
#: How near (characters, same sentence) the words of exception must be to the field's words.
_EXCEPTION_REACH = 60
NOTE_EXCEPTION = ("Read automatically, but another item of this study makes an exception for "
                  "it ({other}): for the study team. A person has not reviewed this yet.")


def _fields(rule) -> set[str]:
    if not isinstance(rule, dict):
        return set()
    if "field" in rule:
        return {rule["field"]}
    return set().union(*(_fields(r) for key in ("all", "any", "not") for r in (
        rule.get(key) if isinstance(rule.get(key), list) else [rule.get(key)])))


def _excepts(text: str, words: str) -> bool:
    """Words of exception near the field's words, in one sentence ("CNS involvement allowed")."""
    for sentence in re.split(r"(?<=[.;])\s+", text):
        for m in _EXCEPTION.finditer(sentence):
            near = sentence[max(0, m.start() - _EXCEPTION_REACH):m.end() + _EXCEPTION_REACH]
            if re.search(words, near, re.IGNORECASE):
                return True
    return False


def _requires_remission(rule) -> bool:
    """The inclusion rule requires being in remission (directly, or within an "all")."""
    if not isinstance(rule, dict):
        return False
    if rule.get("field") == "in_remission":
        return rule.get("op") == "is" and rule.get("value") is True
    return any(_requires_remission(r) for r in rule.get("all", []))


_IN_REMISSION = re.compile(r"\bin\s+(?:\w+\s+){0,3}(?:complete\s+)?remission\b|\bin\s+cr[12]?\b",
                           re.IGNORECASE)


def cns_in_remission(criteria: list[dict]) -> list[dict]:
    """In a trial for people in remission, a CNS3 answer never excludes alone.

    The profile's CNS status carries no date: for someone in remission it most
    likely describes the diagnosis, not active disease now (criteria/README.md).
    """
    if not any(c["kind"] == INCLUSION and (_requires_remission(c.get("rule"))
                                           or _IN_REMISSION.search(c["text"])) for c in criteria):
        return criteria
    for c in criteria:
        if re.search(r"\bhistory\s+of\s+(?:\w+\s+){0,2}?(?:cns|central\s+nervous)", c["text"],
                     re.I):
            continue  # "History of CNS involvement": at diagnosis too, by its own words
        if c["kind"] == EXCLUSION and "cns_status" in _fields(c.get("rule")):
            c["rule"] = {"all": [c["rule"], {"not_screened": "whether the CNS disease is active "
                                                             "now, not only at diagnosis"}]}
    return criteria


_ONLY_PREGNANT = "pregnant, not only breastfeeding"
_ONLY_FEEDING = "breastfeeding, not pregnant"


def _one_of_the_two(rule, which: str) -> bool:
    """The rule holds the pregnancy-only (or breastfeeding-only) reading of the one answer."""
    if not isinstance(rule, dict):
        return False
    if rule.get("all") and {"not_screened": which} in rule["all"] and any(
            r.get("field") == "pregnant_or_breastfeeding" for r in rule["all"]):
        return True
    return any(_one_of_the_two(r, which) for key in ("all", "any") for r in rule.get(key, [])) \
        or _one_of_the_two(rule.get("not"), which)


def _whole_answer(rule):
    """The rule with each pregnancy-only or breastfeeding-only reading made the whole answer."""
    if not isinstance(rule, dict):
        return rule
    if rule.get("all") and any(r in rule["all"] for r in ({"not_screened": _ONLY_PREGNANT},
                                                          {"not_screened": _ONLY_FEEDING})):
        rest = [r for r in rule["all"] if r not in ({"not_screened": _ONLY_PREGNANT},
                                                    {"not_screened": _ONLY_FEEDING})]
        return rest[0] if len(rest) == 1 else {"all": rest}
    out = dict(rule)
    for key in ("all", "any"):
        if key in rule:
            out[key] = [_whole_answer(r) for r in rule[key]]
    if "not" in rule:
        out["not"] = _whole_answer(rule["not"])
    return out


def _rules_out(crit: dict, which: str) -> bool:
    """A criterion of the whole trial that rules out pregnancy (or breastfeeding) alone."""
    rule = crit.get("rule")
    if rule is None or "another cohort" in json.dumps(rule):
        return False
    if crit["kind"] == EXCLUSION:
        return _one_of_the_two(rule, which) and not _one_of_the_two(rule.get("not"), which)
    return set(rule) == {"not"} and _one_of_the_two(rule["not"], which)


def pregnancy_with_breastfeeding(criteria: list[dict]) -> list[dict]:
    """Pregnancy ruled out in one item and breastfeeding in another: each is the whole answer.

    The profile holds "pregnant or breastfeeding" as one answer, so "Pregnancy" alone
    never excludes on a yes (it may be breastfeeding). When the same trial also rules out
    breastfeeding ("Breast feeding" as the next item), a yes is ruled out either way,
    and both items can decide.
    """
    pregnant = [c for c in criteria if _rules_out(c, _ONLY_PREGNANT)]
    feeding = [c for c in criteria if _rules_out(c, _ONLY_FEEDING)]
    if not (pregnant and feeding):
        return criteria
    for crit in pregnant + feeding:
        crit["rule"] = _whole_answer(crit["rule"])
        crit["plain"] = _plain(crit["rule"])
    return criteria


def drop_excepted(criteria: list[dict]) -> list[dict]:
    """Leave to the study team a rule that another item of the study makes an exception to.

    "No active CNS involvement" is read, but the next item says "CNS involvement
    allowed if no residual leukemic cells ... after intrathecal chemotherapy";
    that item is not read (a doubt), so on its own the first would exclude
    people the study admits. When an unread item of the same study speaks of
    the same thing with words of exception, the read rule goes too.
    """
    unread = [c for c in criteria if "rule" not in c and _EXCEPTION.search(c["text"])]
    for crit in criteria:
        if "rule" not in crit or crit["id"] in ("age", "sex"):
            continue
        for field in _fields(crit["rule"]):
            words = _FIELD_WORDS.get(field)
            other = next((c for c in unread if c is not crit and words
                          and _excepts(c["text"], words)), None)
            if other is not None:
                del crit["rule"]
                crit["plain"] = {"en": PLAIN_NONE}
                crit["note"] = NOTE_EXCEPTION.format(other=other["id"])
                break
    return criteria


#: A head that introduces its own definition: "Relapsed or refractory B-cell ALL:" or
#: "... B-precursor ALL defined as one of the following:".
_DEFINING_HEAD = re.compile(
    r"^(?P<head>[^:.;]{3,120}?)\s*(?:,?\s*(?:as\s+)?defined\s+as\s+(?:one|any)\s+of\s+the\s+"
    r"following\s*:?|:)", re.IGNORECASE)
#: Settings or lineages beyond what a head names, which would make the head one
#: alternative among others rather than what everyone needs.
_OTHER_SETTING = {
    "disease_status": re.compile(r"newly|untreated|de\s+novo|first[- ]line|front[- ]?line|"
                                 r"induction|consolidation|maintenance|\bcr1\b|first\s+(?:cr|"
                                 r"complete\s+remission)", re.IGNORECASE),
    # ("T cell" alone is no lineage: "after CAR-modified T cell therapy")
    "diagnosis": re.compile(r"\bt[- ]?(?:all|lineage|lymphoblastic)\b|"
                            r"\bt[- ]cell\s+(?:all\b|acute|leuk|lymph|precursor)|lymphoma|\baml\b|"
                            r"myeloid|\bcml\b|mixed|biphenotypic|ambiguous|burkitt",
                            re.IGNORECASE),
}


def _defining_head(item: Item) -> dict | None:
    """What a head that introduces its own definition requires of everyone.

    "Relapsed or refractory B-cell ALL: 1. 2nd or greater BM relapse OR 2. ..."
    is not read whole, yet everyone it lists has relapsed or refractory B-cell
    ALL: a newly diagnosed child or a teenager with T-ALL would otherwise see a
    CAR-T study as a likely match. When the head alone reads whole (nothing but
    the disease setting and lineage), and nothing after it names another
    setting or lineage, it is required: all[head, not_screened the rest].
    """
    text = item.text
    m = _DEFINING_HEAD.match(text)
    if item.kind != INCLUSION or m is None:
        return None
    reading = read_text(INCLUSION, m.group("head"), strict=True)
    if reading is None or not _fields(reading[0]) <= {"disease_status", "diagnosis"}:
        return None
    rest = text[m.end():]
    if any(_OTHER_SETTING[f].search(rest) for f in _fields(reading[0])):
        return None
    if ":" in m.group(0) and not _A_LIST.search(rest):
        # "T-ALL: CD19 not required": a head over one statement is for whom it is said,
        # not a definition everyone must meet
        return None
    rule = {"all": [reading[0], {"not_screened": "which of the listed situations applies"}]}
    return rule


def read_item(item: Item, cid: str) -> dict:
    """One item as a criteria-file criterion mapping, ``review: true``, rule only if certain."""
    crit = {"id": cid, "kind": item.kind, "text": item.text, "plain": {"en": PLAIN_NONE},
            "note": NOTE_NONE, "review": True}
    try:
        reading = read_rule(item)
    except Exception:  # noqa: BLE001 -- failure policy below
        # Failure policy: a reader bug loses this criterion's rule (the study team
        # checks it), never the whole trial; logged without any profile data.
        logger.exception("registry reader failed on criterion %s; left unscreened", cid)
        return crit
    if reading is None:
        core = _core_reading(item) or _defining_head(item)
        if core is not None and _qualified(item):
            # "Cohort A: patients with newly diagnosed Ph+ ALL ...": what one part of the
            # study requires is one alternative among the parts, never everyone's
            scoped = _scoped(item, (core, ""))
            core = scoped[0] if scoped is not None else None
        if core is not None and _valid(core, cid):
            crit["rule"], crit["plain"] = core, _plain(core)
            crit["note"] = NOTE_CORE
            return crit
    if reading is not None and _valid(reading[0], cid):
        crit["rule"], crit["plain"] = reading[0], _plain(reading[0])
        crit["note"] = NOTE
    return crit
