"""Templates: one clause's readings turned into a requirement, an exclusion or nothing.

Given the concepts found in one clause (``concepts``) and the clause's words,
decide what the clause says of them: required, excluding, required to be
absent ("no prior ..."), a list of alternatives, or something we cannot be
sure of (then ``None``: the clause is not screened, on its own).
"""

from __future__ import annotations

import dataclasses
import re

from ...eligibility import ages
from . import clauses
from .concepts import _CMP, Reading, _readings, _rule_fields, therapies_named
from .segment import EXCLUSION, INCLUSION

_SAYS_EXCLUDED = re.compile(
    r"\b(are|is|will be|shall be)\s+(not eligible|ineligible|excluded)\b|\bnot eligible\b|"
    r"\bineligible\b|\bare excluded\b|\bnot allowed\b|\bnot permitted\b|"
    r"\b(?:will|shall|would|may|can|must)\s+not\s+be\s+(?:eligible|included|enrolled|allowed)\b|"
    r"\bnot\s+be\s+eligible\b",
    re.IGNORECASE)
_NEGATION = re.compile(
    r"\b(no|not|never|without|absence of|free of|negative for|must not|has not|have not|"
    r"did not|does not|do not|cannot|none|negative|seronegative)\b", re.IGNORECASE)
_OR = re.compile(r"\bor\b|/", re.IGNORECASE)
_HARMLESS = frozenset("""
a an the of with in on at by to for from and or any known documented history current
currently active clinically evidence presence diagnosis diagnosed patient patients
subject subjects participant participants people person who has have had having is are
be been being was were with has must infection infections infected disease diseases
positive test tested testing result results serology serologic seropositive
seropositivity screening screen within weeks week days day months month prior previous
previously treatment treatments therapy therapies status confirmed confirmation
acute lymphoblastic lymphocytic leukemia leukaemia all b-all ph chromosome
known documented evidence sign signs as per defined by also either following
age aged ages old years year yrs inclusive between initial original
performance score scale scales play
national comprehensive cancer network world health organization classification criteria
potential childbearing child-bearing reproductive females mothers lactating nursing underlying
received receive receiving exposure exposed
positivity women excluded study bcr-abl bcr-abl1 abl1 bcr post
treated been surface expression expressing blasts leukemic cells detected demonstrate demonstrated
marrow bone peripheral blood tumor documentation absence lack performed obtained measured
that this these those one any other such study entry enrollment enrolment registration
receipt another time at up date no not never without women woman female females girls men male
involvement malignancy guidelines nccn per defined cns b-cell before start first dose
randomization randomisation registration enrollment enrolment infusion administration
inclusion consent signing standard cytogenetics fluorescence situ hybridization fish analysis
rt-pcr pcr flow cytometry molecular immunophenotyping morphology anti anti- assessed
negative mutation mutations echocardiogram echocardiography echo muga radionuclide angiogram
scan ventriculography gated
fluorescent polymerase chain reaction rearrangement rearrangements rearranged fusion
local institutional central laboratory lab sample aspirate biopsy
adequate renal cardiac kidney function multigated acquisition
ngs next-generation sequencing qpcr rq-pcr phenotype immunophenotype immunophenotypic least
nervous system
histologically histological histologic cytologically cytological cytologic pathologically
pathological pathologic morphologically morphological morphologic immunologically
immunophenotypically proven verified biopsy-proven histologically-confirmed established
according fab l1 l2 l1-l2 l1/l2 morphologic morphological assessment
residual mrd threshold flow level
children child adults adult pediatric paediatric infants infant adolescents adolescent young
later subsequent beyond greater s transcript transcripts presenting presentation class diagnostic
determined measured evaluated calculated estimated
overt corresponding
childhood lal
pre-treatment pretreatment
completed
immunohistochemistry immunohistochemical ihc histology histopathology cytology
post-menarchal postmenarchal
""".split())
#: ("s": the plural ending a reading stops short of, "hepatitis B or C infection|s".)
#: (The confirmation words above -- "histologically confirmed", "biopsy-proven", "according
#: to the WHO classification", FAB L1/L2 morphology --
#: only say how the diagnosis was made: the study team confirms it, the pre-screen reads
#: the diagnosis itself.)
_NUMBER_WORD = re.compile(r"^(\d+([.,]\d+)?|one|two|three|four|five|six|eight|ten|twelve)$")

def _harmless_rest(text: str, readings: list[Reading]) -> bool:
    """True when nothing but harmless words is left once the readings are taken out."""
    rest = text
    for r in readings:  # (same length: readings may overlap, "in CR2" and "CR2")
        rest = rest[:r.start] + " " * (r.end - r.start) + rest[r.end:]
    if _UNREAD_LIMIT.search(rest):
        return False  # "Refractory B-ALL with >= 25% blasts at day 29": a limit left unread
    words = re.findall(r"[a-z0-9][a-z0-9+'-]*", rest.lower())
    return all(w in _HARMLESS or _NUMBER_WORD.match(w) for w in words)


#: A comparison with a number, or a percentage, that no reading took: a limit of its own.
_UNREAD_LIMIT = re.compile(r"(?:[<>\u2264\u2265]=?|=)\s*\d|\d\s*%")


_QUALIFIER = re.compile(
    r"\b(requir\w*|needing|treated|secondary\s+to|due\s+to|related|associated|resulting|"
    r"caus\w+|involving|with|without|who|which|that|whose|at\s+the\s+time|within|after|"
    r"before|during|following|prior\s+to|despite|unable|greater|less|more|grade|severe|"
    r"significant|clinically)\b", re.IGNORECASE)


_MEMBER_ADJECTIVE = re.compile(
    r"(?:,|\bor\b|\band/or\b)\s+(?:clinically\s+)?(?:significant|severe|serious)\b",
    re.IGNORECASE)


_MEMBER_LIMIT = re.compile(
    rf"{_CMP}\s*\d+(?:\.\d+)?\s*(?:%|(?:mg|g|µmol|μmol|umol|mmol|iu|u)\s*/\s*(?:dl|l|ml)\b)",
    re.IGNORECASE)


def _list_member(text: str, r: Reading) -> bool:
    """The reading is one member of a plain list of conditions ("A, B, or C").

    A word that could qualify the whole list ("... requiring treatment",
    "... with neurological changes") makes it no plain list.
    """
    text = re.sub(r"\b(?:one|any|all|each)\s+of\s+the\s+following\b",
                  lambda m: " " * len(m.group(0)), text, flags=re.I)
    lead = re.sub(r"^\W*(?:(?:female\s+)?patients|subjects|participants|people|women|females)?\s*"
                  r"(?:who\s+are\s+)?"
                  r"(?:known\s+)?(?:to\s+(?:have|be)\s+)?(?:with\s+)?(?:known\s+)?"
                  r"(?:history\s+of\s+)?", "", text[:r.start], flags=re.I)
    # An adjective heading another member ("... or significant bleeding") qualifies
    # that member only, and so does another member's own limit ("serum creatinine
    # greater than 2.5 mg/dl or ...").
    after_words = _MEMBER_LIMIT.sub(" ", _MEMBER_ADJECTIVE.sub(" ", text[r.end:]))

    if re.search(r"(?:,|\bor|\band/or)\s*$", lead, re.I):  # never "A > x and <reading>"
        lead = _MEMBER_LIMIT.sub(" ", lead)
    if _QUALIFIER.search(lead + " " + after_words):
        return False
    before = text[:r.start].rstrip()
    after = text[r.end:].lstrip()
    opens = (not lead.strip(" (") or before.endswith((":", ",", ";"))
             # ("a history of cirrhosis or known HIV": "known" only says it was found)
             or re.search(r"\b(or|and/or|and)(?:\s+(?:known|documented))?$", before, re.I))
    # how it was measured ("... by gated radionuclide study") still closes the member
    tail = re.split(r"[,;.]|\b(?:or|and/or|and)\b", after, maxsplit=1, flags=re.I)[0]
    closes = (not after or after[0] in ",;." or re.match(r"(or|and/or|and)\b", after, re.I)
              or (re.match(r"(?:by|on|using|per)\b", after, re.I) and all(
                  w in _HARMLESS for w in re.findall(r"[a-z0-9][a-z0-9+'-]*", tail.lower())[1:])))
    return bool(opens and closes) and bool(re.search(r"[:,;]|\bor\b", text, re.I))


# Words without which a recogniser cannot find anything (lower case, substrings).
def _joiner(text: str, rules: list[Reading], excluding: bool = False,
            negated: bool = False) -> str | None:
    """How several readings are joined: "or" (a list), "and" (adjectives), None (mixed).

    ``excluding``: the readings describe excluding conditions (an exclusion, or "no
    ..." in an inclusion), where a list in any form means any of them excludes.
    """
    ordered = sorted(rules, key=lambda r: r.start)
    outside = text
    for r in ordered:
        outside = outside[:r.start] + " " * (r.end - r.start) + outside[r.end:]
    kinds = set()
    for a, b in zip(ordered, ordered[1:], strict=False):
        if (a.start, a.end) == (b.start, b.end):
            kinds.add("or")  # one phrase, two fields: "hepatitis B or C", "AST/ALT"
            continue
        gap = text[a.end:b.start] if b.start >= a.end else ""
        if not excluding and re.fullmatch(r"\s*,\s*(?:in\s+)?", gap) and (
                ("diagnosis" in _rule_fields(a.rule)) != ("diagnosis" in _rule_fields(b.rule))):
            kinds.add("and")  # "ALL, second complete remission": the leukemia, in that state
            continue
        if re.fullmatch(r"\s*,\s*and\s+", gap, re.I) and not _OR.search(outside):
            kinds.add("and")  # "bilirubin <= 1.5 x ULN, and ALT <= 5 x ULN": both
        elif re.fullmatch(r"\s*,\s*(?:with|having|who\s+(?:have|has))\s+", gap, re.I):
            kinds.add("and")  # "B-ALL, or B-LBL, with >= 5% marrow blasts": one has the other
        elif re.search(r"\bor\b|and/or|[,;]|/", gap, re.I):
            tight = re.fullmatch(r"[\s,;/]*(?:(?:and/)?or\b)?[\s,;/]*(?:\(\w+\))?[\s,;/]*", gap,
                                 re.I)
            kinds.add("or" if tight or excluding else "loose-or")
        elif re.search(r"\band\b", gap, re.I):
            kinds.add("and")
        elif len(gap.split()) <= 4:
            kinds.add("and")  # "CD19-negative B-cell leukemia": one condition, two words
        else:
            kinds.add(None)
    if "loose-or" in kinds and not excluding:
        return None  # an "or" between requirements: which ones are alternatives is unsure
    if "loose-or" in kinds:
        kinds.discard("loose-or")
        kinds.add("or" if excluding else None)
    if negated and kinds <= {"or", "and"}:
        return "or"  # "no A, B and C": none of them
    if not excluding and None in kinds and "or" not in kinds:
        return "and"  # requirements spread over one sentence
    if len(kinds) != 1:
        return None
    return kinds.pop()


#: An age that limits who the rest of the clause applies to ("for patients under 16: ...").
_AGE_SCOPE = re.compile(
    r"\b(?:for|if|when|in|among)\s+(?:those\s+|patients\s+|subjects\s+|participants\s+|children\s+|"
    r"adults\s+)?(?:who\s+are\s+)?(?:aged?\s+|age\s+)?(?:older|younger|under|over|<|>|≤|≥|less|more|"
    r"\d)|(?:years?|months?)(?:\s+(?:old|of\s+age))?\s*[:)]|"
    r"\b(?:over|under|older|younger|above|below)\s*[:)]|"
    r"\([^()]*\b(?:age[sd]?|years?\s+old|over|under|older|younger)\b[^()]*\)", re.IGNORECASE)


#: "... or women of childbearing potential who ...": an alternative about other people.
_OTHER_PEOPLE = re.compile(
    r"[,;]?\s*\bor\s+(?:(?:female|male|sexually\s+active|fertile)\s+)?(?:patients|women|men|"
    r"males|females|subjects|participants|persons|individuals|those)\b(?=\s+(?:who|of|not|with|"
    r"whose|unwilling|unable|refusing))", re.IGNORECASE)


#: "... or planning to become pregnant during the study", "..., or of childbearing potential
#: not using contraception": another excluding alternative, about a plan (left unread).
_PLANS = re.compile(
    r"[,;]?\s*\bor\s+(?:who\s+|are\s+|is\s+|who\s+(?:are|is)\s+)?(?:(?:planning|plans?|intend\w*|intent\w*|"
    r"intention|wish\w*|expect\w*|desire\w*)\s+(?:to\s+)?(?:(?:become|get)\s+pregnant|"
    r"breast[- ]?feed|nurse|father\s+a\s+child)\b|planning\s+"
    r"(?:a\s+)?pregnancy\b|(?:women\s+|females\s+)?of\s+child[- ]?bearing\s+potential\b)",
    re.IGNORECASE)


_REASON = re.compile(r"[,;]?\s*\b(?:because|due\s+to\s+(?:the\s+)?(?:potential|possible|"
                     r"unknown|increased\s+risk|risk)|given\s+the\s+(?:potential|possible)|"
                     r"since(?=\s+(?:\w+\s+){0,3}?"
                     r"(?:toxicit\w+|teratogen\w+|harm\w*|risks?)\b))\b.*$", re.IGNORECASE)


def _names_chemotherapy(rule: dict) -> bool:
    """The rule is "received multi-agent chemotherapy" (alone, or among others)."""
    if set(rule) == {"any"}:
        return any(_names_chemotherapy(r) for r in rule["any"])
    return (rule.get("field") == "prior_therapies" and rule.get("op") == "received"
            and "multiagent_chemotherapy" in rule.get("value", []))


#: "Children and young adults (age 24 years or younger) with ...": the age says who the
#: people are, a requirement like the rest -- not the scope of one.
_AGE_DEFINES = re.compile(
    r"\b(?:children|young\s+adults|adults|adolescents|infants|patients|participants|subjects)"
    r"\s*\((?:aged?\s+)?[^()]*\b(?:years?|months?)\b[^()]*\)", re.IGNORECASE)


_NO_PRIOR_TREATMENT = re.compile(
    r"^\W*no\s+(?:prior|previous)\s+(?:systemic\s+)?(?:therapy|treatment|chemotherapy|"
    r"anti-?leuk\w+\s+(?:therapy|treatment))(?:\s+(?:for|of)\s+(?:the\s+)?(?:all|acute\s+lympho\w+\s+"
    r"leuka?emia|leuka?emia|this\s+disease|the\s+disease)\b|"
    # ("No prior therapy except short courses of corticosteroids ...": untreated but for them)
    r"(?=\s*,?\s*\(?\s*(?:except|other\s+than|with\s+the\s+exception)\b))", re.IGNORECASE)


#: "For relapsed patients, CD19 expression ...": a requirement for the people the head
#: names, and nothing for anyone else.
_FOR_WHOM = re.compile(
    r"^\W*for\s+(?P<cond>(?:\w[\w+/-]*\s+){0,4}?)(?:patients|subjects|participants)"
    r"(?P<more>\s+(?:with|who\s+(?:have|are|had))\s+[^,:;]{2,60}?)?\s*[,:]\s*(?P<req>\S.*)$",
    re.IGNORECASE)


#: A bracket that requires something of some people ("(Ph+ patients must have failed a
#: TKI)"); exceptions and permissions in brackets are the triggers' (they weaken, never
#: require).
_OWN_CONDITION = re.compile(
    r"\((?![^()]*\b(?:karnofsky|lansky|ecog|unless|except\w*|eligible|allowed|permitted|"
    r"may)\b)[^()]*\b(?:patients|subjects|participants|those)\b[^()]*\b(?:must|should|shall)\b"
    r"[^()]*\)", re.IGNORECASE)


#: "Prior treatment with a TKI is required for Ph+ patients": the same, the other way round.
_REQUIRED_FOR = re.compile(
    r"^\W*(?P<req>\S.*?)\s+(?:is|are)\s+(?:also\s+)?(?:required|mandatory|needed|necessary)\s+"
    r"(?:for|in)\s+(?!(?:all|every|each|any)\b)(?!(?:patients|subjects|participants|individuals)"
    r"\W*$)(?P<cond>(?:[\w+/()-]+\s+){0,4}?[\w+/()-]+?)\s*"
    r"(?:patients|subjects|participants|individuals)?(?P<more>)\W*$", re.IGNORECASE)


#: "Patients 18 years of age or older must have ECOG 0-2": an age that says for whom.
_AGED_MUST = re.compile(
    r"^\W*(?:patients|subjects|participants)\s+(?P<cond>(?:aged?\s+)?(?:[<>≤≥]=?\s*)?\d{1,3}\s*"
    r"(?:years?|months?)(?:\s+of\s+age)?(?:\s+(?:or|and)\s+(?:older|younger|over|under|above|"
    r"below))?|(?:aged?\s+)?(?:older|younger)\s+than\s+\d{1,3}\s*(?:years?|months?)(?:\s+of\s+"
    r"age)?)(?P<more>)\s*,?\s+must\s+(?:also\s+)?(?:have|be)\s+(?P<req>\S.*)$", re.IGNORECASE)
#: "Participants >= 18 years: ECOG <= 2": an age, a colon, what those people need.
_AGE_COLON = re.compile(
    r"^\W*(?:for\s+)?(?:(?:patients|participants|subjects|those|children|adults)\s+)?"
    r"(?P<cond>(?:aged?\s+)?(?:(?:[<>≤≥]=?|=<|=>|less\s+than|greater\s+than|under|over|older\s+than|"
    r"younger\s+than|at\s+least)\s*\d{1,3}\s*(?:years?|yrs?|months?)(?:\s+(?:of\s+age|old))?|"
    r"\d{1,3}\s*(?:years?|yrs?)(?:\s+of\s+age)?\s+(?:or|and)\s+(?:older|younger|over|under|"
    r"above|below)))"
    r"(?P<more>)\s*:\s*(?P<req>\S.*)$", re.IGNORECASE)
#: "ECOG 0-2 for patients >= 16 years; Lansky >= 50 for patients < 16 years": each
#: requirement for the age it names after it (COG's wording).
_FOR_AGE = re.compile(
    r"^\W*(?P<req>\S(?:(?!\b(?:for|in)\s+(?:patients|participants|subjects|those|children|"
    r"adults|age)\b)[^;])*?)\s*,?\s+(?:for|in)\s+(?:(?:patients|participants|subjects|those|"
    r"children|adults)\s+)?(?:who\s+are\s+)?(?P<cond>(?:aged?\s+)?(?:(?:[<>≤≥]=?|=<|=>|"
    r"less\s+than|greater\s+than|under|over|older\s+than|younger\s+than|at\s+least)\s*"
    r"\d{1,3}\s*(?:years?|yrs?|months?)(?:\s+(?:of\s+age|old))?|\d{1,3}\s*(?:years?|yrs?)"
    r"(?:\s+of\s+age)?\s+(?:or|and)\s+(?:older|younger|over|under|above|below)))(?P<more>)"
    r"\W*$", re.IGNORECASE)
#: "<whom>: <one requirement>" ("Ph+ patients: must have received a TKI", "Patients with
#: Down syndrome: ALT <= 5 x ULN"); not a defining head over a list of alternatives.
_COLON_SCOPE = re.compile(r"^\W*(?P<cond>[^:;]{2,80}?)\s*:\s*(?P<req>[^:;]{2,200})$")
_A_LIST = re.compile(r"\bor\b|\bone\s+of\b|\bany\s+of\b|\bfollowing\b|(?:^|\s)(?:\d+[.)]|-)\s|"
                     r"\bdefined\b", re.IGNORECASE)


#: A head naming a subgroup by a finding ("Ph+ ALL:", "CD19-negative patients:", "Patients
#: with Down syndrome:"): what follows is for that subgroup even when it lists alternatives
#: ("Ph+ ALL: failed or intolerant to at least one TKI"), unlike a disease-setting head
#: over the settings that define it ("Relapsed ALL: first relapse ... or second relapse").
_SUBGROUP_FIELDS = frozenset({"philadelphia_chromosome", "cd19", "cd22", "down_syndrome",
                              "early_t_precursor", "genetics.kmt2a_rearranged",
                              "genetics.ph_like", "genetics.hypodiploid", "genetics.iamp21",
                              "genetics.etv6_runx1", "genetics.tcf3_pbx1",
                              "genetics.high_hyperdiploid", "genetics.abl1_t315i"})
_SUBGROUP_HEAD = re.compile(r"\bph\b|philadelphia|bcr|cd19|cd22|down|\bds\b|etp|kmt2a|\bmll\b|"
                            r"hypodiploid|iamp21|etv6|tcf3|hyperdiploid|t315i", re.IGNORECASE)


_THERAPY_LABEL = re.compile(r"^\W*(?P<label>[A-Za-z][\w\s()/-]{2,60}?)\s*:\s*(?P<body>\S.*)$")


def _label_of(label: str, body: str) -> bool:
    """A heading that only names the transplant its body speaks of (and nothing else)."""
    named, left = therapies_named(label)
    words = re.findall(r"[a-z]+", left.lower())
    return bool(named) and named <= {"allogeneic_hsct", "autologous_hsct"} and all(
        w in ("or", "and", "rescue", "infusion", "infusions", "prior", "previous", "hsct", "sct")
        for w in words) and named <= therapies_named(body)[0]


def _names_whom(text: str) -> bool:
    """"Ph+ patients must have failed bosutinib": the head names the people the requirement
    is for. When the requirement was not read (the implication above answered nothing), the
    head must not be read as a requirement of everyone."""
    m = _WHOM_MUST.match(text)
    return bool(m and re.search(r"[A-Z]", m.group("cond"))
                and read_text(INCLUSION, m.group("cond").strip(), strict=True) is not None)


def _colon_scope(kind: str, text: str) -> tuple[dict, str] | tuple[()] | None:
    """A requirement (exclusion) for the people a head names, read as scoped to them.

    Inclusion: any[not whom, requirement]; exclusion: all[whom, condition]. Only where
    the head alone reads whole as people with a finding; a head that is a plain label
    ("Performance status: ECOG 0-2") reads as before (None). () when the head names
    people but what they need cannot be read: never required of everyone.
    """
    m = _COLON_SCOPE.match(text)
    if m is None:
        return None
    listed = _A_LIST.search(m.group("req"))
    if listed and not _SUBGROUP_HEAD.search(m.group("cond")):
        return None  # a defining head over alternatives ("Relapsed ALL: ... or ...")
    who = read_text(INCLUSION, m.group("cond"), strict=True)
    if who is None or _fields_of(who[0]) <= {"age", "age_at_diagnosis"} and kind == INCLUSION:
        return None  # a label, or an age (read by the age scopes above)
    if listed and not _fields_of(who[0]) & _SUBGROUP_FIELDS:
        return None
    then = read_text(kind, m.group("req"))
    if then is None:
        return ()
    if listed and _fields_of(then[0]) & _fields_of(who[0]):
        return None  # the list speaks of the head's own finding: it defines, not scopes
    if kind == INCLUSION:
        return ({"any": [{"not": who[0]}, then[0]]},
                f"{then[1]} (for people with: {who[1].removeprefix('Needs: ')})")
    return {"all": [who[0], then[0]]}, then[1]


#: What the study will do ("Patients with CNS3 disease will receive cranial radiation"): a
#: plan, not a criterion -- never read as a requirement.
_PLAN = re.compile(r"\bwill\s+(?:also\s+)?(?:be\s+)?(?:receive|received|treated|assigned|"
                   r"randomi[sz]ed|stratified|given|undergo|allocated|followed|offered|get|"
                   r"result|lead|removed|taken\s+off|withdrawn|discontinued|(?:come|go)\s+off|"
                   r"proceed|continue|move|cross)\b",
                   re.IGNORECASE)


#: "B-ALL patients without DS must have an initial WBC < 50,000/uL": the same shape.
_WHOM_MUST = re.compile(
    r"^\W*(?:all\s+)?(?P<cond>(?:[\w+/-]+\s+){0,4}?)(?:patients|subjects|participants)"
    r"(?:\s+(?P<with>with|without)\s+(?P<what>[^,:;]{2,60}?))?\s+must\s+(?:also\s+)?"
    r"(?:have|be)\s+(?P<req>\S.*)$", re.IGNORECASE)


def _whom(m: re.Match) -> tuple[dict, str] | None:
    """The people an implication is about: the head, with or without a finding."""
    parts = [read_text(INCLUSION, m.group("cond").strip(), strict=True)] if m.group(
        "cond").strip() else []
    if m.groupdict().get("what"):
        finding = read_text(INCLUSION, m.group("what"), strict=True)
        if finding is None or m.group("with").lower() == "without" and not _flips(finding[0]):
            return None
        parts.append((_negate(finding[0]), finding[1]) if m.group("with").lower() == "without"
                     else finding)
    if not parts or any(p is None for p in parts):
        return None
    rule = parts[0][0] if len(parts) == 1 else {"all": [p[0] for p in parts]}
    return rule, " ".join(p[1] for p in parts)


#: "Patients with X are eligible if A, if B, or if C": any[not X, all[A, B], C].
_ELIGIBLE_IF = re.compile(
    r"^\W*(?:(?:patients|individuals|subjects|participants|people|those)\s+(?:with\s+(?:a\s+)?|"
    r"who\s+(?:have|had|are)\s+))?(?P<who>[^,;:.]{3,80}?)\s+(?:are|is|will\s+be|shall\s+be)\s+"
    r"(?:only\s+)?(?:eligible|allowed|permitted|acceptable)\s+(?:only\s+)?"
    r"(?:if|provided(?:\s+that)?|as\s+long\s+as)\s+"
    r"(?P<req>\S.*)$", re.IGNORECASE)
_THEY = re.compile(r"^\W*(?:if\s+)?(?:they|there|he\s+or\s+she|the\s+patient)\s+(?:is|are|has|have)"
                   r"\s+|^\W*if\s+", re.IGNORECASE)


def _eligible_if(m: re.Match) -> tuple[dict, str] | None:
    """'<Whom> are eligible if <condition>' (settled reading): any[not whom, condition].

    Alternatives ('..., or if ...') are any of them, conditions chained with ', if'
    all of them; a condition not read is for the study team. A transplant the
    condition speaks of ('100 days post-transplant') is the whom's transplant."""
    from .assemble import read_clauses  # (assemble reads through this module)

    if re.search(r"\.\s+[A-Z]", m.group("req")):
        return None  # a condition over several sentences: which are conditions is unsure
    who = read_text(INCLUSION, m.group("who"), strict=True)
    if who is None:
        return None
    alternatives, read_any = [], False
    for alt in re.split(r",?\s+or\s+if\s+", m.group("req").strip(" .;")):
        parts = []
        # "..., if there is no GVHD and no longer taking X": each condition on its own
        for part in re.split(r",\s*(?:and\s+)?if\s+|\s+and\s+if\s+|\s+and\s+(?=no\b|not\b)",
                             alt):
            part = _THEY.sub("", part)
            reading = read_clauses(INCLUSION, part) if part.strip() else None
            read_any = read_any or reading is not None
            parts.append(reading[0] if reading is not None else
                         {"not_screened": "the rest of this criterion"})
        alternatives.append(parts[0] if len(parts) == 1 else {"all": parts})
    if not read_any:
        return None
    then = alternatives[0] if len(alternatives) == 1 else {"any": alternatives}
    named = _therapy_values(who[0])
    if named and named <= {"allogeneic_hsct", "autologous_hsct"}:
        then = _only_transplant(then, named)
    return ({"any": [{"not": who[0]}, then]},
            f"Conditions for people with: {who[1].removeprefix('Needs: ')}")


def _only_transplant(rule, named: set[str]):
    """The rule with 'transplant' (either kind) narrowed to the kind ``named``."""
    if isinstance(rule, list):
        return [_only_transplant(r, named) for r in rule]
    if not isinstance(rule, dict):
        return rule
    if rule.get("field") == "prior_therapies":
        value = rule["value"]
        ts = value["therapies"] if isinstance(value, dict) else value
        if set(ts) == {"allogeneic_hsct", "autologous_hsct"}:
            ts = sorted(named)
            value = {**value, "therapies": ts} if isinstance(value, dict) else ts
        return {**rule, "value": value}
    return {k: _only_transplant(v, named) for k, v in rule.items()}


def _clause_fields_of(text: str) -> set[str] | None:
    found = _readings(text)
    if not found:
        return None
    return {f for r in found if not r.rule.get("__span__") for f in _fields_of(r.rule)}


def _implication(kind: str, text: str) -> tuple[dict, str] | None:
    """'For <whom>, <requirement>' / '<Whom> patients must have <requirement>' as
    any[not whom, requirement], when both read whole."""
    if kind != INCLUSION:
        return None
    eligible_if = _ELIGIBLE_IF.match(text)
    if eligible_if is not None:
        return _eligible_if(eligible_if)
    m = (_FOR_WHOM.match(text) or _REQUIRED_FOR.match(text) or _AGED_MUST.match(text)
         or _AGE_COLON.match(text) or _FOR_AGE.match(text))
    if m is not None:
        condition = (m.group("cond") + (m.group("more") or "")).strip()
        who = read_text(INCLUSION, condition, strict=True) if condition else None
        if who is None and m.re in (_AGE_COLON, _FOR_AGE):
            who = read_text(INCLUSION, "age " + condition, strict=True)
    else:
        m = _WHOM_MUST.match(text)
        if m is None or not (re.search(r"[A-Z]", m.group("cond")) or m.group("what")):
            return None  # "All patients must have ..." names no one in particular
        who = _whom(m)
    from .assemble import read_clauses  # (assemble reads through this module)

    # "For people with X, A. No B.": the sentences after the comma are for them when
    # they go on about the same thing (A and B name the same fields); a sentence on
    # something else may be for everyone, and is not read here
    req = m.group("req")
    pieces = [c.text for c in clauses.split(req)]
    if len(pieces) > 1:
        fields = [_clause_fields_of(p) for p in pieces]
        if any(not f for f in fields) or any(f != fields[0] for f in fields):
            return None
    then = read_clauses(INCLUSION, req) if who is not None else None
    if who is None or then is None:
        return None
    if m.re is _FOR_AGE and _fields_of(then[0]) == {"performance_status"}:
        # "Karnofsky >= 50 for patients > 16 and Lansky >= 50 for those <= 16": each scale
        # is the one suited to an age, and the scales convert; read as alternatives
        # elsewhere ("one threshold on two scales"), never as two age-bound demands
        return None
    return ({"any": [{"not": who[0]}, then[0]]},
            f"{then[1]} (for people with: {who[1].removeprefix('Needs: ')})")


#: Words that say a finding is absent ("known absence of", "negative for", "without").
_ABSENCE = re.compile(r"\b(?:absence\s+of|negative\s+for|without|lack\s+of|lacking)\b",
                      re.IGNORECASE)


def _flips(rule: dict) -> bool:
    """A yes/no finding whose absence is itself a value of the field (so "without X" is sure)."""
    return rule.get("op") == "is" and isinstance(rule.get("value"), bool)


def _fields_of(rule: dict) -> set[str]:
    if "field" in rule:
        return {rule["field"]}
    return set().union(*(_fields_of(r) for key in ("all", "any") for r in rule.get(key, [])),
                       *([_fields_of(rule["not"])] if "not" in rule else []))


#: "> 75 years", "older than 75", "over 75": strictly more than the number.
_STRICTLY_OVER = re.compile(r"(?:>(?!=)|\bover\b|\bolder\s+than\b|\babove\b|\bgreater\s+than\b"
                            r"(?!\s+or\s+equal))", re.IGNORECASE)


def _strictly_over(r: Reading, text: str) -> Reading:
    """An age "over N" that excludes: someone of N completed years may or may not be over N.

    Read as a requirement, "> 18 years" takes everyone of 18 completed years (the study
    team checks the months). Read as what excludes, the same breadth would exclude a
    75-year-old by "age > 75": from N + 1 it excludes, at N it is the study team's.
    """
    leaf = r.rule
    if not (leaf.get("op") == "age_at_least" and leaf.get("field") in ("age", "age_at_diagnosis")
            and _STRICTLY_OVER.search(text[r.start:r.end])):
        return r
    n, unit = ages.parse_limit(leaf["value"])
    unit_word = unit[:-1].title() + "s" if n + 1 != 1 else unit[:-1].title()
    older = {**leaf, "value": f"{n + 1} {unit_word}"}
    return dataclasses.replace(r, rule={"any": [older, {"all": [leaf, {
        "not_screened": f"whether someone aged {leaf['value'].lower()} is over it"}]}]})


def _restated(text: str, rules: list[Reading]) -> bool:
    """A reading sits in brackets right after another one ("not in remission (M2 or M3
    marrow)"): a restatement or definition of it, not one more member of a list."""
    spans = sorted((r.start, r.end) for r in rules)
    return any(re.fullmatch(r"\s*\(\s*(?:\w+\s+){0,3}", text[a_end:b_start])
               for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False)
               if a_end <= b_start)


#: Where an exclusion leaves the decision to a person: "... that could, in the
#: investigator's opinion, interfere with the study", "as judged by the treating physician".
_JUDGEMENT_TAIL = re.compile(
    r"[,;]?\s*(?:\b(?:that|which|who)\W+(?:(?:are|is|could|would|may|might|will|in|per|as)\b"
    r"[^;]*)?|\bas\s+(?:judged|determined|assessed|deemed)\b|\b(?:judged|deemed)\b|"
    r"\bin\s+the\s+(?:opinion|judge?ment)\b|\bin\s+the\s+(?:treating\s+)?(?:investigator|"
    r"physician)'?s\b|\bper\s+(?:the\s+)?(?:investigator|physician))[^;]*$", re.IGNORECASE)
_JUDGEMENT_WORDS = re.compile(
    r"\binvestigator|\bphysician|\bopinion\b|\bjudge?(?:d|ment)\b|\bdeemed\b|\binterfer|"
    r"\bcompromis|\bjeopardi[sz]|\bexacerbat|\bcomplicat", re.IGNORECASE)
#: "..., or any other condition that ...": the judgement is of those other conditions.
_OTHER_CONDITIONS = re.compile(
    r"[,;]?\s*(?:\b(?:or|and/or)\b\s*)?(?:\bany\s+(?:other\s+)?|\bother\s+)(?:[\w-]+\s+){0,4}?"
    r"(?:conditions?|illness(?:es)?|diseases?|disorders?|abnormalit(?:y|ies))\s*$", re.IGNORECASE)


def _judged(kind: str, text: str, readings: list[Reading]) -> tuple[dict, str] | None | bool:
    """An exclusion whose condition a person judges ("Uncontrolled infection that could, in
    the investigator's opinion, interfere with treatment"): what was read never excludes
    alone (all[condition, not_screened]); when the judgement is of "any other condition"
    listed after it, what was read excludes on its own beside them (any[...]).
    False when the text holds no such judgement."""
    found = [r for r in readings if not r.rule.get("__span__")]
    if kind != EXCLUSION or not found:
        return False
    m = _JUDGEMENT_TAIL.search(text, max(r.end for r in found))
    if m is None or not _JUDGEMENT_WORDS.search(m.group(0)) or clauses.has_trigger(
            m.group(0), clauses.EXCEPTION_CATEGORIES):
        return False  # (a permission or exception after it is the triggers' to weigh)
    head = text[:m.start()]
    other = _OTHER_CONDITIONS.search(head)
    if other is not None:
        head = head[:other.start()]
    kept = [r for r in readings if r.end <= len(head)]
    if not any(not r.rule.get("__span__") for r in kept):
        return None
    reading = _combine(kind, head + " " * (len(text) - len(head)), kept)
    if reading is None:
        return None
    if other is not None:
        return {"any": [reading[0], {"not_screened": "the other conditions the text names, "
                                                     "as the investigator judges"}]}, reading[1]
    return {"all": [reading[0], {"not_screened": "whether the investigator judges it to "
                                                 "matter here"}]}, reading[1]


#: "... are excluded from this clinical trial because they may develop ...": who is
#: excluded, from what, and why -- the reason names no condition of its own.
_EXCLUDED_BECAUSE = re.compile(
    r"\b(?:are|is|will\s+be)\s+(?:not\s+eligible\s+for|excluded\s+from)\s+(?:this|the)\s+"
    r"(?:clinical\s+)?(?:trial|study|protocol)\s*,?\s*(?=because\b)", re.IGNORECASE)


def _without_reason(text: str, readings: list[Reading]) -> tuple[str, list[Reading]]:
    """An exclusion that says why after what it excludes: the why blanked, with any
    finding it mentions ("progressive neurologic dysfunction")."""
    m = _EXCLUDED_BECAUSE.search(text)
    if m is None or not any(r.end <= m.start() for r in readings):
        return text, readings
    reason = _REASON.search(text, m.end())
    if reason is None or reason.start() != m.end():
        return text, readings
    cut = m.start() + len(re.match(r"\w+\s+\w+", m.group(0)).group(0))  # keep "are excluded"
    kept = [r for r in readings if r.end <= m.start()]
    return text[:cut] + " " * (len(text) - cut), kept


#: Where a "no" opens a requirement of its own after what an inclusion read: ", not in
#: remission", ", and no longer in ...", " without CNS involvement", " with no MRD".
_NEGATED_PART = re.compile(
    r"(?:,\s*(?:and\s+)?|\s+and\s+|\s+(?=without\b)|\s+with\s+(?=no\b))"
    r"(?:(?:has|have|is|are|be|must|who\s+(?:is|are|has|have))\s+)?(?:no|not|never|without)\b",
    re.IGNORECASE)


def _negation_scope(text: str, outside: str, readings: list[Reading]):
    """An inclusion whose "no" comes after something it read: the "no" reaches forward only.

    "Relapsed ALL without CNS involvement" requires the relapse and no CNS disease; it
    never says "not relapsed" (a "no" over the whole sentence would rule out everyone the
    study is for). What precedes the "no" is required, what follows it is read as its own
    negated requirement (or left to the study team when it names nothing read). False when
    no "no" follows a reading (the usual reading applies); None when one does but where it
    reaches is unsure ("..., not Y, or Z": an alternative after it).
    """
    rules = [r for r in readings if not r.rule.get("__span__")]
    neg = _NEGATION.search(outside)
    if not rules or neg is None or neg.start() < min(r.start for r in rules) or not re.fullmatch(
            r"no|not|never|without", neg.group(0), re.IGNORECASE):
        return False  # ("HIV negative": a "negative" after its finding says it of that one)
    if re.fullmatch(r"\W*[\w\s()/-]{0,40}?\s*[-:\u2013]\s*", text[:neg.start()]):
        return False  # "Chemotherapy - No prior chemotherapy": a label the "no" says again
    m = next((x for x in _NEGATED_PART.finditer(outside) if x.end() >= neg.end()), None)
    if m is None:
        return None  # a "no" after what was read, reaching we cannot say where
    # (the blanked readings are spaces too: the part starts at its first word or comma)
    at = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
    if _NEGATION.search(outside[:at]):
        return None
    before = [r for r in readings if r.end <= at]
    after = [r for r in readings if r.start >= at]
    if len(before) + len(after) != len(readings) or not any(
            not r.rule.get("__span__") for r in before):
        return None
    head = text[:at] + " " * (len(text) - at)
    pre = _combine(INCLUSION, head, before)
    if pre is None:
        return None
    if not any(not r.rule.get("__span__") for r in after):
        return {"all": [pre[0], {"not_screened": "the rest of this criterion"}]}, pre[1]
    if re.search(r"\bor\b", text[at:], re.IGNORECASE):
        return None  # "B-ALL, not in CR1, or refractory": which words the "no" reaches is unsure
    post = _combine(INCLUSION, " " * at + text[at:], after)
    if post is None:
        return {"all": [pre[0], {"not_screened": "the rest of this criterion"}]}, pre[1]
    return {"all": [pre[0], post[0]]}, f"{pre[1]} {post[1]}"


def _combine(kind: str, text: str, readings: list[Reading]) -> tuple[dict, str] | None:
    """The criterion rule for one piece of text, or None when it is not certain."""
    if kind == EXCLUSION:
        text, readings = _without_reason(text, readings)
    judged = _judged(kind, text, readings)
    if judged is not False:
        return judged
    # A "negative" inside a reading ("Ph-negative ALL") is the reading's own, not a "no"
    outside = text
    for r in readings:
        outside = outside[:r.start] + " " * (r.end - r.start) + outside[r.end:]
    if kind == INCLUSION and not _SAYS_EXCLUDED.search(text):
        scoped = _negation_scope(text, outside, readings)
        if scoped is not False:
            return scoped
    excluding = kind == EXCLUSION or bool(_NEGATION.search(outside) or _SAYS_EXCLUDED.search(text))
    if excluding:
        readings = [r for r in readings if not r.requiring_only]
    if kind == EXCLUSION:
        readings = [r for r in readings if not r.inclusion_only]
    else:
        # one phrase read as a requirement and as an excluding condition ("relapse after a
        # donor transplant"): a plain requirement takes the first
        readings = [r for r in readings if not (r.excluding_only and not excluding and any(
            o.requiring_only and (o.start, o.end) == (r.start, r.end) for o in readings))]
    if excluding:
        readings = [_strictly_over(r, text) for r in readings]
    rules = [r for r in readings if not r.rule.get("__span__")]
    if not rules or all(set(r.rule) == {"not_screened"} for r in rules):
        return None
    # An exception the recogniser has read whole ("CD19-directed therapy other than
    # blinatumomab", "ALT <= 3 x ULN unless due to leukemia") is no doubt over the clause.
    settled = text
    for r in readings:
        if r.rule.get("__settles__"):
            settled = settled[:r.start] + " " * (r.end - r.start) + settled[r.end:]
    reason = _REASON.search(settled, max(r.end for r in rules))
    if reason:  # ("... because of the risk ... when treated with ...": no condition of its own)
        settled = settled[:reason.start()] + " " * (len(settled) - reason.start())
    plans = _PLANS.search(text, max(r.end for r in rules)) if kind == EXCLUSION else None
    if plans:  # ("or who plan to become pregnant": the alternative left unread below)
        settled = settled[:plans.start()] + " " * (len(settled) - plans.start())
    if clauses.doubtful(settled, [(r.start, r.end) for r in rules]):
        return None
    # (an excluding alternative the profile does not hold -- "or testes" -- names no field
    # and no age; other readings without a field keep the age's caution)
    ages = [r for r in rules if (_fields_of(r.rule) or not r.excluding_only)
            and _fields_of(r.rule) <= {"age", "age_at_diagnosis"}]
    if ages and len(ages) < len(rules) and (kind == EXCLUSION or (
            _AGE_SCOPE.search(text) and not _AGE_DEFINES.search(text))):
        # An age beside another condition is most often the condition's scope
        # ("Karnofsky 50-100% (over age 10)", "for patients under 16: ..."): an
        # implication -- not of that age, or the rest: any[not age, rest].
        if kind == EXCLUSION or len(ages) > 1 or _NEGATION.search(text):
            return None
        blanked = text
        for r in ages:  # the age is the condition: not part of what is required
            blanked = blanked[:r.start] + " " * (r.end - r.start) + blanked[r.end:]
        others = _combine(kind, blanked, [r for r in readings if r not in ages])
        if others is not None and len(re.findall(r"karnofsky|lansky|ecog|\bkps\b|\blps\b",
                                                  text, re.I)) > 1 and all(
                _fields_of(r.rule) == {"performance_status"} for r in rules if r not in ages):
            # "Lansky for 16 and under, Karnofsky above 16": the age picks the scale,
            # and the engine reads Lansky as Karnofsky: one requirement for everyone.
            return others
        if others is None:
            return None
        scope = ages[0].rule
        return ({"any": [{"not": scope}, others[0]]},
                f"{others[1]} (when {ages[0].words})")
    # "... because of the potentially dangerous effects on the fetus": a reason, not a condition
    reason = _REASON.search(text)
    if reason:
        text = text[:reason.start()] + " " * (len(text) - reason.start())
    if kind == EXCLUSION:
        # "Nursing women or women of childbearing potential not willing to use
        # contraception": after the last reading, an "or" that names other people
        # starts another excluding alternative; each alternative excludes on its own,
        # so what we read excludes whatever that one says (and it is left unread).
        last = max(r.end for r in readings)
        other = _OTHER_PEOPLE.search(text, last) or _PLANS.search(text, last)
        if other:
            text = text[:other.start()] + " " * (len(text) - other.start())
    says_excluded = bool(_SAYS_EXCLUDED.search(text))
    clean = _SAYS_EXCLUDED.sub(lambda m: " " * len(m.group(0)), text)
    rest = clean
    for r in sorted(readings, key=lambda r: -r.start):
        rest = rest[:r.start] + " " * (r.end - r.start) + rest[r.end:]
    # Negation words inside a reading ("no greater than", "Ph-negative") are its own.
    negated = bool(_NEGATION.search(rest))
    words = " and ".join(dict.fromkeys(r.words for r in rules))
    joiner = (_joiner(_without_synonym_ors(clean, readings), rules,
                      kind == EXCLUSION or negated or says_excluded,
                      negated and kind == INCLUSION) if len(rules) > 1 else "and")
    if joiner is None:
        return None
    group = "any" if joiner == "or" else "all"
    inner = rules[0].rule if len(rules) == 1 else {group: [r.rule for r in rules]}
    covered = _harmless_rest(clean, readings) or (
        (joiner == "or" or len(rules) == 1) and all(_list_member(clean, r) for r in rules)) or (
        # a reading that stands for its whole clause and never excludes alone: what is
        # around it only narrows it ("History of relevant CNS pathology (grade 2 ...)")
        all(r.whole for r in rules) and (kind == EXCLUSION or negated or says_excluded))
    if kind == EXCLUSION:
        # (the absence must be of what was read: "isolated extramedullary disease without
        # bone marrow involvement" is extramedullary disease, not its absence)
        if negated and covered and len(rules) == 1 and _flips(inner) and any(
                m.end() <= rules[0].start and len(text[m.end():rules[0].start].split()) <= 3
                for m in _ABSENCE.finditer(text)):
            # "Patients with known absence of KMT2A rearrangement": those without it
            return _negate(inner), f"Not for people without: {words}."
        if negated or not covered:
            return None  # a double negative, or a narrower condition than we read
        return inner, f"Not for people with: {words}."
    if says_excluded and negated:
        return None
    if any(r.excluding_only for r in rules) and not (says_excluded or negated):
        return None  # read as a requirement, the subset we see would exclude too much
    if says_excluded or negated:
        if not covered or _restated(text, rules):
            # "not in remission (M2 or M3 marrow)": the bracket says again what the
            # "not" already said; negating it too would require an M1 marrow
            return None
        rule = _negate(inner)
        if _names_chemotherapy(inner):
            # "No prior chemotherapy": untreated, so no relapse or refractory disease either
            rule = {"all": [rule, {"field": "disease_status", "op": "eq",
                                   "value": "newly_diagnosed"}]}
        return rule, f"Not for people with: {words}."
    rest = _COMPARATIVE_OR.sub(lambda m: " " * len(m.group(0)),
                               _without_synonym_ors(_how_it_came_back(text, readings), readings))
    marked = rest  # (the same, with a mark where each reading was)
    for r in sorted(readings, key=lambda r: -r.start):
        rest = rest[:r.start] + " " + rest[r.end:]
        marked = marked[:r.start] + " \u00a7 " + marked[r.end:]
    if any(_adverse(r.rule) for r in rules):
        # Requiring an infection, a pregnancy or active GVHD is no ALL inclusion: the
        # item is most likely an exclusion under a heading we did not recognise.
        return None
    rule = inner
    if _OR.search(rest) and _CONJOINED.search(rest):
        # "Ph- ALL or lymphoma and was in second relapse, or failed 2 lines": the
        # "or"s sit inside requirements joined by "and", so what we read is
        # neither required nor an alternative on its own.
        return None
    if not covered:
        # Words we did not read may require more: what we read can rule the person
        # out, but never says "met" for the whole criterion.
        rule = {"all": [inner, {"not_screened": "the rest of this criterion"}]}
    # "by MUGA or echocardiogram": an "or" between harmless words offers no alternative,
    # and neither does the slash of a unit ("bilirubin < 2 mg/dL and ALT < 3 x ULN")
    # -- but never across what was read: in "Shortening fraction >= 27% by echocardiogram or
    # ejection fraction >= 50% by MUGA" the "or" between "echocardiogram" and "by" joins the
    # unseen shortening fraction to the ejection fraction read (an alternative, settled)
    rest = _UNIT_SLASH.sub(lambda m: " " * len(m.group(0)), marked)
    # (also across a comma: "B-ALL by flow cytometry, or bone marrow histology, and/or
    # cytogenetics" -- how the diagnosis is confirmed, settled as asking nothing)
    rest = re.sub(r"\b([\w-]+)(?:\s*,?\s+(?:or|/|and/or)\s+|\s*/\s*)([\w-]+)\b",
                  lambda m: " " if (m.group(1).lower() in _HARMLESS
                                    and m.group(2).lower() in _HARMLESS) else m.group(0), rest)
    if _OR.search(rest):
        # Alternatives we cannot see: the rule may be met, never not met on them.
        rule = {"any": [rule, {"not_screened": "the other alternatives in the text"}]}
    return rule, f"Needs: {words}."


#: After a relapse: the treatments it followed ("relapsed following chemotherapy or
#: autologous transplantation", "after at least one prior therapy or transplant").
_HISTORY_TAIL = re.compile(r"^\s*(?:(?:ALL|disease|leuka?emia)\s+)?(?:following|after|post)\s+"
                           r"(?P<tail>[^.;:()\[\]]*?)\s*(?:[.;:(\[]|$)", re.IGNORECASE)
#: Words a treatment history may hold beside the treatments it names.
_HISTORY_WORDS = frozenset("""
a an the or and and/or at least one two 1 2 prior previous line lines of therapy therapies
treatment treatments regimen regimens standard autologous blood bone marrow stem cell cells
peripheral chemotherapy transplant transplantation hsct sct bmt multi-agent multiagent
""".split())


def _how_it_came_back(text: str, readings: list[Reading]) -> str:
    """The text with each "or" between treatments after a relapse read blanked.

    "Relapsed following chemotherapy or autologous blood or bone marrow transplantation":
    both treatments only say how the relapse happened, so the "or" offers no other
    setting -- the relapse is required, and the rest stays the study team's (the words
    are not read). Only where nothing but treatments follows the reading.
    """
    for r in readings:
        rule = r.rule
        if _fields_of(rule) - {"disease_status", "relapse_count"} or not re.search(
                r"relapsed|refractory", str(rule)):
            continue
        m = _HISTORY_TAIL.match(text[r.end:])
        if m is None or not therapies_named(m.group("tail"))[0]:
            continue
        words = re.findall(r"[\w/-]+", m.group("tail").lower())
        _, left = therapies_named(m.group("tail"))
        if not all(w in _HISTORY_WORDS for w in re.findall(r"[\w/-]+", left.lower())) or (
                not words):
            continue
        start, end = r.end + m.start("tail"), r.end + m.end("tail")
        text = text[:start] + re.sub(r"\b(?:and/)?or\b|/", lambda o: " " * len(o.group(0)),
                                     text[start:end]) + text[end:]
    return text


#: The slash inside a unit ("mg/dL", "mL/min/1.73 m2", "cells/uL"): no alternative.
_UNIT_SLASH = re.compile(
    r"(?:\b(?:mg|g|µmol|μmol|umol|mmol|ml|cc|iu|u|cells|wbcs?|blasts)|\d)\s*/\s*(?:dl|l|ml|min|ul|µl|"
    r"μl|mm3|mm\^3|mm³|m2|m\^2|kg)\b(?:\s*/\s*1\.73\s*m(?:2|\^2|²))?", re.IGNORECASE)


#: "20% or more", "grade 3 or higher", "aged 18 or older": an "or" that closes a
#: threshold, not one that opens an alternative.
_COMPARATIVE_OR = re.compile(r"\b(?:and/)?or\s+(?:more|greater|higher|above|over|older|less|lower|"
                             r"later|subsequent|beyond|"
                             r"below|under|younger|fewer|equal|worse|better)\b", re.IGNORECASE)
_CONJOINED = re.compile(r"\band\s+(?:was|is|has|had|were|are|have|who|with|in)\b|"
                        r"\b(?-i:who)\b",  # lower case: "WHO" is the World Health Organization
                        re.IGNORECASE)
_SYNONYM_GAP = re.compile(r"[\s,()\[\]]*(?:\bor\b|/)[\s,()\[\]]*", re.IGNORECASE)


def _without_synonym_ors(rest: str, readings: list[Reading]) -> str:
    """``rest`` (the text, same length) without "or"s joining two wordings of one condition.

    "Philadelphia chromosome-positive (Ph+) or BCR-ABL1-positive ALL" offers no
    alternative: both sides are the same Ph+ reading, so the "or" is no sign
    of other alternatives hidden in the text.
    """
    spans: dict[str, list[Reading]] = {}
    for r in readings:
        key = r.rule.get("__same__") if r.rule.get("__span__") else repr(r.rule)
        if key:
            spans.setdefault(key, []).append(r)
    for group in spans.values():
        group.sort(key=lambda r: r.start)
        for a, b in zip(group, group[1:], strict=False):
            same_words = rest[a.start:a.end].lower() == rest[b.start:b.end].lower()
            # "Ph+ or BCR-ABL1-positive": two wordings, one condition. "ALL, or ALL in
            # first relapse": the same word again starts another alternative.
            if a.end <= b.start and not same_words and _SYNONYM_GAP.fullmatch(
                    rest[a.end:b.start]):
                rest = rest[:a.end] + " " * (b.start - a.end) + rest[b.start:]
    return rest


_ADVERSE = ("infections.", "pregnant_or_breastfeeding", "active_gvhd")


def _adverse(rule: dict) -> bool:
    """The rule requires a condition no ALL trial would require (an infection, pregnancy)."""
    if "field" in rule:
        return rule["field"].startswith(_ADVERSE) and rule.get("value") is True
    return any(_adverse(r) for key in ("all", "any") for r in rule.get(key, []))


def _negate(rule: dict) -> dict:
    if rule.get("op") == "is" and isinstance(rule.get("value"), bool):
        return {**rule, "value": not rule["value"]}
    if rule.get("op") == "received":
        return {**rule, "op": "not_received"}
    if set(rule) == {"any"}:  # not (A or B) = not A and not B
        return {"all": [_negate(r) for r in rule["any"]]}
    return {"not": rule}


_SCALE_AGES = re.compile(
    r"\s*\((?:or\s+(?:karnofsky|lansky)\s+)?(?:for\s+(?:patients|subjects|participants)\s+)?"
    r"(?:age|aged)?\s*(?:[<>≥≤]|>=|<=|=<|>/=|</=)\s*\d+(?:\s+years?)?(?:\s+(?:of\s+age|old))?"
    r"(?:\s+at\s+(?:the\s+)?time\s+of\s+[\w/]+)?\)|"
    r"\s*\(or\s+(?:karnofsky|lansky)\s+for\s+(?:patients|subjects|participants)\s*"
    r"(?:[<>≥≤]|>=|<=|=<)\s*\d+\s+years?(?:\s+old|\s+of\s+age)?\)|"
    r"[;,]?\s*use\s+(?:karnofsky|lansky)\s+for\s+(?:patients|subjects)\s+[^;.]*?"
    r"(?:and\s+(?:karnofsky|lansky)\s+for\s+(?:patients|subjects)\s+[^;.]*?)?(?=[;.]|$)",
    re.IGNORECASE)


#: "including, but not limited to": a list of examples, neither an exception nor a negation.
_NOT_LIMITED = re.compile(r"\bbut\s+not\s+(?:be\s+)?limited\s+to\b", re.IGNORECASE)


def plain_list_words(text: str) -> str:
    """``text`` (same length) without "but not limited to", which only says a list is open,
    and with "infection(s)" written as a plural."""
    text = re.sub(r"(?<=[a-z])\(s\)", "s  ", text, flags=re.IGNORECASE)
    return _NOT_LIMITED.sub(lambda m: " " * len(m.group(0)), text)


#: "Not pregnant or nursing (no nursing during and for 12 months after completion of study
#: therapy)": a bracket about the time of the study and after it, a commitment the person
#: makes, not a condition they have now.
_LATER_PERIOD = re.compile(
    r"\(\s*[^()]*\b(?:during\s+(?:and\s+)?(?:for\s+\d+\s+\w+\s+after|the\s+(?:study|"
    r"treatment|trial))|for\s+\d+\s+(?:days?|weeks?|months?)\s+after\s+(?:completion|the\s+"
    r"(?:last|end|final)|stopping|discontinu))[^()]*\)", re.IGNORECASE)
#: "(See NIH ... Guidelines ...)": a pointer to another document, not a condition.
_SEE_ALSO = re.compile(r"\(\s*see\s+[^()]*\)", re.IGNORECASE)

#: The age that picks a performance scale: "participants less than or equal to 16 years of
#: age", "Patients >= 16 years of age:", "(over age 10)".
_SCALE_AGE_PHRASE = re.compile(
    rf"(?:\b(?:for\s+)?(?:patients|participants|subjects|children|those)\s+)?(?:aged?\s+)?"
    rf"(?:{_CMP}|older\s+than|younger\s+than)\s*\d{{1,2}}\s*(?:years?|yrs?)(?:\s+(?:of\s+age|old))?"
    rf"(?:\s+at\s+(?:the\s+)?time\s+of\s+[\w/]+)?\s*:?", re.IGNORECASE)


def _one_threshold_on_both_scales(kind: str, text: str) -> tuple[dict, str] | None:
    """"Participants <= 16 years of age must have Lansky >= 50% and participants > 16 years
    of age must have Karnofsky >= 50%": one threshold, the age only picks the scale.

    The engine reads Lansky as Karnofsky, so when every threshold in the text is the same
    score the ages say nothing more: read without them. Different thresholds: not here.
    """
    blanked = _SCALE_AGE_PHRASE.sub(lambda m: " " * len(m.group(0)), text)
    if blanked == text:
        return None
    found = _readings(blanked)
    if not found:
        return None
    leaves = [leaf for r in found for leaf in _leaves(r.rule)]
    if not leaves or any(leaf.get("field") != "performance_status"
                         or leaf["value"]["scale"] not in ("karnofsky", "lansky")
                         for leaf in leaves):
        return None
    if len({(leaf["op"], leaf["value"]["score"]) for leaf in leaves}) != 1:
        return None
    return _combine(kind, blanked, found)


def _leaves(rule: dict) -> list[dict]:
    if "field" in rule:
        return [rule]
    return [x for key in ("all", "any") for r in rule.get(key, []) for x in _leaves(r)] + (
        _leaves(rule["not"]) if "not" in rule else [])


#: "With the exception of steroid pretreatment or intrathecal cytarabine, <the criterion>".
_LEADING_EXCEPTION = re.compile(
    r"^\W*(?:with\s+the\s+exception\s+of|except\s+for)\s+(?P<what>[^,;:]{3,150}),\s*"
    r"(?P<rest>\S.*)$", re.IGNORECASE)
_ANY_CANCER = re.compile(
    r"\s+for\s+(?:either\s+)?(?:the\s+)?current\s+diagnosis\b[^;]*?\bor\s+(?:for\s+)?any\s+"
    r"(?:other\s+)?(?:cancer|malignancy)\b[^;]*$", re.IGNORECASE)
_MUST_NOT_HAVE = re.compile(
    r"^\W*(?:patients|subjects|participants)\s+(?:must|should)\s+not\s+have\s+"
    r"(?:previously\s+)?(?:received|had)\b(?!.*\b(?:unless|except|if)\b)", re.IGNORECASE)
#: "Patients will be excluded if they have X", listed among exclusions: the "if" is the
#: exclusion's own wording, no condition on it -- X excludes (only where nothing after the
#: lead-in is another condition or exception).
_EXCLUDED_IF = re.compile(
    r"^\W*(?:patients|subjects|participants)\s+(?:will|shall)\s+be\s+excluded\s+"
    r"(?:from\s+(?:the|this)\s+study\s+)?if\s+(?:they|he\s+or\s+she)\s+(?:have|has|had|are|is)"
    r"\b(?!.*\b(?:unless|except|if|when|provided)\b)", re.IGNORECASE)
_EXCEPTION_WORDS = frozenset("pretreatment pre-treatment prephase pre-phase administration "
                             "short course courses use dose doses".split())


def _therapy_values(rule: dict) -> set[str]:
    if rule.get("field") == "prior_therapies":
        v = rule["value"]
        return set(v["therapies"] if isinstance(v, dict) else v)
    return set().union(*(_therapy_values(r) for key in ("all", "any") for r in rule.get(key, [])),
                       *([_therapy_values(rule["not"])] if "not" in rule else []))


def _except_therapies(kind: str, m: re.Match) -> tuple[dict, str] | None:
    """A leading exception that names only therapies the rest of the criterion does not
    read (steroids and intrathecal doses beside "cytotoxic chemotherapy") takes nothing
    from it; any other exception leaves the criterion to the study team."""
    named, left = therapies_named(m.group("what"))
    words = re.findall(r"[a-z0-9][a-z0-9+'-]*", left.lower())
    if not named or any(w not in _HARMLESS and w not in _EXCEPTION_WORDS for w in words):
        return None
    rest = read_text(kind, m.group("rest"))
    if rest is None or _therapy_values(rest[0]) & named or not _therapy_values(rest[0]):
        return None
    return rest


#: "Refractory disease is defined as ...", "Relapse: defined as ...": a definition of a word
#: the criteria use, which requires nothing by itself.
_DEFINITION = re.compile(r"^\W*(?:[\w/()+-]+\s+){0,5}?(?:is|are|will\s+be|being)\s+defined\s+"
                         r"(?:as|by)\b|^\W*(?:[\w/()+-]+\s+){0,4}?[\w/()+-]+\s*:\s*defined\s+"
                         r"(?:as|by)\b", re.IGNORECASE)
_EITHER_WAY = re.compile(r"[,;]?\s*\(?\b(?:with\s+or\s+without|regardless\s+of|irrespective\s+of)"
                         r"\s+"
                         r"[^,;.()]{1,60}?(?=\s*(?:[,;.)]|$))\)?", re.IGNORECASE)
#: "relapse in marrow, CNS, or testes", "relapse at any site": every site a relapse of ALL
#: takes, so the list narrows nothing (a list without the extramedullary sites does).
_SITE = (r"(?:(?:the\s+)?(?:bone\s+)?marrow|cns|central\s+nervous\s+system|testes|testis|"
         r"testicular|(?:other\s+)?extra-?\s?medullary(?:\s+sites?)?|other\s+sites?)")
_EVERY_SITE = re.compile(
    rf"(?<=relapse)\s+(?:(?:in|at|of|involving)\s+)?(?:any\s+sites?|{_SITE}(?:\s*,\s*{_SITE})*"
    rf"\s*,?\s*(?:or|and/or)\s+{_SITE})(?=\s*(?:[,;.)]|$))", re.IGNORECASE)


def _every_site(m: re.Match) -> str:
    words = m.group(0).lower()
    every = "any site" in words or (re.search(r"marrow", words) and re.search(
        r"testes|testis|testicular|extra|other", words) and re.search(
        r"cns|central|extra|other", words))
    return " " * len(m.group(0)) if every else m.group(0)


_DEFINITION_AFTER = re.compile(r"(?<=[.;])\s+(?:[\w/()+-]+\s+){0,5}?(?:is|are)\s+defined\s+"
                               r"(?:as|by)\b.*$", re.IGNORECASE | re.DOTALL)
_MATURE_B = (r"(?:mature\s+b[- ]?(?:cell)?(?:[- ]all)?|burkitt'?s?(?:[- ]type)?|(?:fab\s+)?l3"
             r"(?:\s+morphology)?)(?:\s+(?:acute\s+lymphoblastic\s+)?(?:leuka?emia|lymphoma|all))?")
#: "B-ALL (excluding mature B-cell / Burkitt leukemia)", "non-Burkitt B-ALL": the mature
#: B-cell leukemia the profile does not tell apart from B-ALL, set aside by the text.
_NOT_MATURE_B = re.compile(
    rf"[,;]?\s*\(?\s*(?:(?:excluding|except(?:\s+for)?|other\s+than|but\s+not|not|no)\s+"
    rf"(?:the\s+)?|non-?\s*){_MATURE_B}(?:\s*(?:/|,|or|and)\s*{_MATURE_B})*"
    rf"(?:\s+(?:is|are)\s+(?:excluded|not\s+eligible|ineligible))?\s*\)?|"
    rf"\(\s*{_MATURE_B}(?:\s*(?:/|,|or|and)\s*{_MATURE_B})*\s+(?:is\s+|are\s+)?"
    rf"(?:excluded|not\s+eligible|ineligible)\s*\)", re.IGNORECASE)


#: A mature B-cell (Burkitt) leukemia named as what excludes, with the words that define it
#: ("(surface Ig positive, t(8;14))", ", defined by ...", "according to the WHO
#: classification"): the profile's B-ALL does not tell it apart, so it is the study team's.
_MATURE_B_EXCLUDED = re.compile(
    rf"(?:\bdiagnosis\s+of\s+)?(?:{_MATURE_B}|b[- ]mature(?:\s+all)?)"
    r"(?:\s*/\s*(?:leuka?emia|lymphoma))?(?:[- ]type(?:\s+all)?)?"
    r"(?:\s*\((?:[^()]|\([^()]*\))*\))?"
    r"(?:\s+according\s+to\s+(?:the\s+)?(?:who|world\s+health\s+organi[sz]ation)"
    r"(?:\s*\(who\))?(?:\s+\d{4})?(?:\s+classification|\s+criteria)?)?"
    r"(?:\s*,?\s*(?:(?:as\s+)?defined|i\.\s?e\.|characteri[sz]ed)\b[^;]*$)?", re.IGNORECASE)


def _bare_b_all(rule) -> bool:
    """A B-ALL the rule excludes on its own (not narrowed by a marker or Ph beside it)."""
    if isinstance(rule, dict) and "all" in rule:
        return False
    if isinstance(rule, dict):
        if rule.get("field") == "diagnosis" and "b_all" in (
                rule["value"] if isinstance(rule["value"], list) else [rule["value"]]):
            return True
        return any(_bare_b_all(c) for c in rule.get("any", [])) or _bare_b_all(rule.get("not"))
    return False


def _with_mature_b_excluded(text: str, strict: bool) -> tuple[dict, str] | None | bool:
    """"Diagnosis of Burkitt's leukemia/lymphoma, CD19- BCP ALL, Ph+ ALL, T-ALL" as an exclusion.

    The mature B-cell leukemia is the study team's and the rest of the list is read
    beside it: any[rest, not_screened]. False when there is none to set aside; None when
    the rest reads nothing, or when it would exclude a B-ALL the mature B-cell words may
    describe ("B-ALL (Burkitt-like, L3 morphology)", "mature B-ALL, defined as ... B-ALL").
    """
    m = _MATURE_B_EXCLUDED.search(text)
    if m is None or m.end() == m.start():
        return False
    if "(" in text[:m.start()] and ")" not in text[text.rfind("(", 0, m.start()):m.start()]:
        return None  # named inside a bracket: it defines the words before it
    rest = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    # ("..., or HIV, Hepatitis B or C, or other clinically significant disorder": the other
    # disorders go to the study team beside the Burkitt leukemia)
    other = _OTHER_CONDITIONS.search(rest.rstrip(" ."))
    if other is not None:
        rest = rest[:other.start()] + " " * (len(rest) - other.start())
    reading = read_text(EXCLUSION, rest, strict)
    if reading is None or _bare_b_all(reading[0]):
        return None
    unseen = "a mature B-cell (Burkitt) leukemia" + (
        ", or another disorder the text names" if other is not None else "")
    return {"any": [reading[0], {"not_screened": unseen}]}, reading[1]


#: "(if data are not known, patient still may be eligible)": an unknown answer is already
#: the study team's, so the bracket asks nothing more.
_UNKNOWN_MAY_JOIN = re.compile(
    r"\s*\(\s*if\s+(?:the\s+)?(?:data|results?|status|tests?|it|this)\s+(?:(?:are|is)\s+)?"
    r"(?:not\s+(?:yet\s+)?(?:known|available)|unknown|pending)\b[^()]*?\b(?:eligible|enrolled|"
    r"included|registered)\b[^()]*\)", re.IGNORECASE)
#: "Ph+ ALL eligible for treatment with dasatinib or imatinib", "... who are candidates for
#: TKI therapy": whether they are is the study team's, so the finding never excludes alone.
_CANDIDATES_FOR = re.compile(
    r"[,;]?\s*(?:who\s+(?:are|is)\s+)?(?<!not\s)(?<!in)(?:eligible|candidates?)\s+for\s+"
    r"(?![^.;]*\b(?:this|the\s+study|study|trial|protocol|if|provided|unless|as\s+long)\b)"
    r"(?:(?:treatment|therapy)\s+with\s+)?[^.;]{1,80}?\.?\s*$", re.IGNORECASE)


def _candidates(text: str, strict: bool) -> tuple[dict, str] | None | bool:
    """An exclusion of people with a finding who are candidates for a treatment; False when
    the text says no such thing."""
    m = _CANDIDATES_FOR.search(text)
    if m is None or m.start() == 0:
        return False
    reading = read_text(EXCLUSION, text[:m.start()] + " " * (len(text) - m.start()), strict)
    if reading is None:
        return None
    return ({"all": [reading[0], {"not_screened": "whether they are candidates for the "
                                                  "treatment the text names"}]}, reading[1])


#: "refractory disease (i.e. no response to the most recent therapy)", "relapsed disease
#: (i.e., recurrence after a complete remission)": a bracket defining a disease setting.
_SETTING_DEFINED = re.compile(
    r"\b(?:relapsed|refractory|resistant|recurrent)(?:\s+disease)?(?P<bracket>\s*\(\s*"
    r"(?:i\.\s?e\.?|that\s+is|defined\s+as)\s*,?[^()]*\))", re.IGNORECASE)


_TO_BE_ELIGIBLE = re.compile(r"\s+(?:in\s+order\s+)?to\s+be\s+eligible(?:\s+(?:for|to\s+receive)"
                             r"\s+[^.;,()]{1,60})?(?=\s*\.?\s*$)", re.IGNORECASE)


def _settings_defined(kind: str, text: str, strict: bool) -> tuple[dict, str] | None | bool:
    """The settings read with their defining brackets left to the study team: never met
    or ruled out on the definition's words; False when there is no such bracket."""
    blanked = _SETTING_DEFINED.sub(
        lambda m: m.group(0)[:m.start("bracket") - m.start()] + " " * len(m.group("bracket")),
        text)
    if blanked == text:
        return False
    reading = read_text(kind, blanked, strict)
    if reading is None:
        return None
    return ({"all": [reading[0], {"not_screened": "the disease setting as the text defines "
                                                  "it"}]}, reading[1])


_SETTING_AGAIN = re.compile(
    r"\b(?P<s>relapsed\s+(?:or|and/or)\s+refractory|relapsed\s*/\s*refractory|"
    r"refractory\s+(?:or|and/or)\s+relapsed|r/r)\s+(?P<x>[^,;:.]{2,60}?)\s+or\s+"
    r"(?P<again>(?P=s))\s+(?=\S)", re.IGNORECASE)


def read_text(kind: str, text: str, strict: bool = False) -> tuple[dict, str] | None:
    """Read one piece of criterion text into (rule mapping, plain sentence), or None.

    ``strict``: the reading must cover the whole text (used for alternatives).
    """
    text = plain_list_words(text)
    # "with or without extramedullary disease", "regardless of Ph status": nothing asked of it
    text = _EITHER_WAY.sub(lambda m: " " * len(m.group(0)), text)
    text = _EVERY_SITE.sub(_every_site, text)
    # "relapsed or refractory (R/R) ALL": the abbreviation says its words again
    text = re.sub(r"(?<=refractory)\s*\(\s*r\s*/\s*r\s*\)", lambda m: " " * len(m.group(0)),
                  text, flags=re.IGNORECASE)
    # "relapsed or refractory ALL or relapsed or refractory LL": the setting said again
    # before the second disease is the same setting -- relapsed or refractory, ALL or LL
    text = _SETTING_AGAIN.sub(lambda m: m.group(0)[:m.start("again") - m.start()] + " " * len(
        m.group("again")) + m.group(0)[m.end("again") - m.start():], text)
    if _DEFINITION.match(text):
        return None  # "Refractory is defined as ...": what a word means, not a requirement
    defined = _DEFINITION_AFTER.search(text)
    if defined is not None:
        # "Relapsed or refractory ALL. Refractory is defined as persistent disease after 2
        # courses": the definition narrows what is read before it (the study team's)
        reading = read_text(kind, text[:defined.start()], strict)
        if reading is None:
            return None
        return ({"all": [reading[0], {"not_screened": "as the text defines it"}]}, reading[1])
    mature_b = _NOT_MATURE_B.search(text) if kind == INCLUSION else None
    if mature_b is not None:
        # what the text says of everything else is read; that it is not a mature B-cell
        # leukemia is the study team's (someone with one may answer "B-ALL")
        blank = " " * (mature_b.end() - mature_b.start())
        reading = read_text(kind, text[:mature_b.start()] + blank + text[mature_b.end():], strict)
        if reading is None:
            return None
        return ({"all": [reading[0], {"not_screened": "that it is not a mature B-cell "
                                                      "(Burkitt) leukemia"}]}, reading[1])
    if kind == INCLUSION:
        # "... CD19+ B-ALL to be eligible for infusion of modified T cells": why it is asked
        text = _TO_BE_ELIGIBLE.sub(lambda m: " " * len(m.group(0)), text)
    defined_setting = _settings_defined(kind, text, strict)
    if defined_setting is not False:
        return defined_setting
    if kind == EXCLUSION:
        text = _UNKNOWN_MAY_JOIN.sub(lambda m: " " * len(m.group(0)), text)
        mature = _with_mature_b_excluded(text, strict)
        if mature is not False:
            return mature
        candidates = _candidates(text, strict)
        if candidates is not False:
            return candidates
    implied = _implication(kind, text) if not strict else None
    if implied is not None:
        return implied
    scoped = _colon_scope(kind, text) if not strict else None
    if scoped is not None:
        return scoped or None
    label = _THERAPY_LABEL.match(text) if not strict else None
    if label and _label_of(label.group("label"), label.group("body")):
        # "Stem cell transplant or rescue: At least 3 months must have elapsed since HSCT":
        # the label names what the body says again (COG's prior-therapy headings)
        body = read_text(kind, label.group("body"))
        if body is not None:
            return body
    if not strict and (_REQUIRED_FOR.match(text) or _AGED_MUST.match(text)
                       or _AGE_COLON.match(text) or _names_whom(text)):
        return None  # required of some people only, and we could not read whom: never of all
    if kind == INCLUSION and _PLAN.search(text):
        return None
    # "... for either the current diagnosis of B-ALL or for any cancer diagnosed before":
    # for any cancer at all, which narrows nothing
    text = _ANY_CANCER.sub("", text)
    if kind == EXCLUSION:
        # "Patients must not have received X", listed among exclusions: X excludes
        text = _MUST_NOT_HAVE.sub("prior", text)
        text = _EXCLUDED_IF.sub(lambda m: " " * len(m.group(0)), text)
    excepted = _LEADING_EXCEPTION.match(text) if not strict else None
    if excepted is not None:
        return _except_therapies(kind, excepted)
    if kind == INCLUSION and _NO_PRIOR_TREATMENT.match(text):
        # "No prior therapy for ALL (except steroids / emergency therapy ...)": whatever
        # the exception allows, the leukemia has not been treated as such yet.
        return ({"all": [{"field": "disease_status", "op": "eq", "value": "newly_diagnosed"},
                         {"not_screened": "which earlier treatment the study allows"}]},
                "Needs: newly diagnosed leukemia.")
    if re.search(r"karnofsky|lansky", text, re.I):
        # "Karnofsky (age >= 16) or Lansky (age < 16)": the age split between the two
        # scales is how the scales are defined, not a condition on the patient.
        text = _SCALE_AGES.sub("", text)
        if re.search(r"karnofsky", text, re.I) and re.search(r"lansky", text, re.I):
            split = _one_threshold_on_both_scales(kind, text)
            if split is not None:
                return split
    text = _SEE_ALSO.sub(lambda m: " " * len(m.group(0)), text)
    text = _LATER_PERIOD.sub(lambda m: " " * len(m.group(0)), text)
    if kind == INCLUSION:
        # "B-ALL (Ph+ patients must have failed a TKI)": a bracket with its own condition
        # for some people is not required of everyone -- left unread, for the study team
        text = _OWN_CONDITION.sub(lambda m: "(" + "q" * (len(m.group(0)) - 2) + ")", text)
    found = _readings(text)
    if not found:
        return None
    if strict and not _harmless_rest(text, found):
        return None
    return _combine(kind, text, found)


