"""Hand labels for the registry reader, and how the reader is scored against them.

A label file (``labels/<NCT>.yaml``, format in README.md) says, for one shared
study, how a careful reader splits its eligibility text into criteria, the
whole rule each criterion becomes (or none: not screenable from a profile), the
trial's overall age requirement, and patient vignettes with the verdict a
careful reader gives.

Scoring is on the **whole rule** and on what it does to people, not on which
leaves appear: every rule is evaluated on a fixed battery of profiles, and a
criterion's outcome is projected onto what changes a verdict -- *block*
(not_met), *ask* (unknown) or *pass* (met or not_screened). Reader items and
labelled criteria are aligned by where their words sit in the text (items a
splitter merged or cut are compared as one group: Kleene AND of the outcomes).

- a reader group with a rule is **precise** when, on every profile, whatever it
  decides (met, not_met, unknown) agrees with the labels' projection; it may
  stay silent (not_screened) anywhere, and may ask (unknown) where the labels
  exclude -- a missed exclusion, counted against recall. A false "met", a
  needless question and a false exclusion are all wrong. A partial reading of an exclusion that
  excludes someone the whole criterion would not, or an ``or`` read as ``and``,
  is wrong.
- a labelled group whose rule decides something (blocks or asks on some
  profile) is **recalled** when the reader's projection equals the labels' on
  every profile.

Usage:
    python tests/trials/reading_eval/evaluate.py check labels/NCT00002514.yaml ...
    python tests/trials/reading_eval/evaluate.py hash      # the evaluation labels' hash
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from screener.eligibility.engine import screen  # noqa: E402
from screener.eligibility.lint import _lint_node  # noqa: E402
from screener.eligibility.loader import trial_from_data  # noqa: E402
from screener.eligibility.outcomes import (  # noqa: E402
    MET,
    NEGATE,
    NOT_MET,
    NOT_SCREENED,
    UNKNOWN,
    all_of,
)
from screener.eligibility.rules import RuleError, build_node  # noqa: E402
from screener.profile import ProfileError, validate_profile  # noqa: E402
from screener.trials.reading.segment import unescape  # noqa: E402
from screener.trials.study import protocol_section  # noqa: E402

STUDIES = ROOT / "tests" / "trials" / "data" / "studies"
LABELS = HERE / "labels"
SPLIT = yaml.safe_load((HERE / "split.yaml").read_text(encoding="utf-8"))
VERDICTS = ("likely_eligible", "needs_review", "not_eligible")

BLOCK, ASK, PASS = "block", "ask", "pass"
_PROJECT = {MET: PASS, NOT_SCREENED: PASS, UNKNOWN: ASK, NOT_MET: BLOCK}


# ------------------------------------------------------------------ text keys
def key(text: str) -> str:
    """Lower-case letters and digits only: where words sit, whatever the layout."""
    return re.sub(r"[^a-z0-9]", "", unescape(text).lower())


def eligibility_text(nct: str) -> str:
    section = protocol_section(json.loads((STUDIES / f"{nct}.json").read_text("utf-8")))
    return section.get("eligibilityModule", {}).get("eligibilityCriteria", "") or ""


def locate(doc_key: str, texts: list[str]) -> list[tuple[int, int] | None]:
    """Spans of each text in the document key, in order (None: not found)."""
    spans, cursor = [], 0
    for text in texts:
        k = key(text)
        if not k:
            spans.append(None)
            continue
        at = doc_key.find(k, cursor)
        if at < 0:
            at = doc_key.find(k)
        if at < 0:  # long texts: their first and last words
            head, tail = k[:40], k[-25:]
            at = doc_key.find(head, cursor)
            if at < 0:
                at = doc_key.find(head)
            end = doc_key.find(tail, at) if at >= 0 else -1
            spans.append((at, end + len(tail)) if at >= 0 and end >= 0 else None)
            if at >= 0:
                cursor = at + 1
            continue
        spans.append((at, at + len(k)))
        cursor = at + 1
    return spans


# ------------------------------------------------------------------ the battery
_THERAPIES = ["multiagent_chemotherapy", "asparaginase", "anthracycline",
              "intrathecal_chemotherapy", "corticosteroids", "nelarabine", "clofarabine",
              "blinatumomab", "inotuzumab_ozogamicin", "cd19_car_t", "cd22_car_t",
              "other_car_t", "imatinib", "dasatinib", "nilotinib", "ponatinib", "asciminib",
              "venetoclax", "bortezomib", "daratumumab", "rituximab", "cranial_radiation",
              "allogeneic_hsct", "autologous_hsct", "investigational_agent"]


def _maybe(rng: random.Random, p: float = 0.75) -> bool:
    return rng.random() < p


def _age(rng: random.Random, hi: int = 80) -> dict:
    years = rng.choice([0, 0, 1, 1, 2, 3, 9, 10, 14, 15, 16, 17, 18, 19, 20, 21, 22, 25, 26,
                        29, 30, 31, 35, 39, 40, 45, 50, 54, 55, 56, 59, 60, 61, 65, 66, 70, 71,
                        75, 80] + list(range(0, hi)))
    age = {"years": min(years, hi)}
    if _maybe(rng, 0.6):
        age["months"] = rng.choice([0, 1, 5, 6, 11])
    return age


def random_profile(rng: random.Random) -> dict:
    """One profile with about three answers in four given, values near common limits."""
    p: dict = {"profile_version": 1}
    if _maybe(rng, 0.9):
        p["age"] = _age(rng)
    if _maybe(rng, 0.5) and "age" in p:
        at = _age(rng, p["age"]["years"])
        p["age_at_diagnosis"] = at
    for name, values in (("sex", ["female", "male"]),
                         ("diagnosis", ["b_all", "b_all", "t_all", "mixed_phenotype",
                                        "lymphoblastic_lymphoma", "other"]),
                         ("disease_status", ["newly_diagnosed", "relapsed", "refractory"]),
                         ("philadelphia_chromosome", ["positive", "negative"]),
                         ("cd19", ["positive", "negative"]), ("cd22", ["positive", "negative"]),
                         ("cns_status", ["cns1", "cns2", "cns3"])):
        if _maybe(rng):
            p[name] = rng.choice(values)
    for name in ("early_t_precursor", "in_remission", "isolated_extramedullary_relapse",
                 "active_gvhd", "down_syndrome", "seizure_disorder",
                 "pregnant_or_breastfeeding"):
        if _maybe(rng):
            p[name] = rng.random() < 0.4
    if _maybe(rng):
        p["relapse_count"] = rng.choice([0, 0, 1, 1, 2, 3])
    if _maybe(rng, 0.5):
        p["months_from_diagnosis_to_relapse"] = rng.choice([3, 6, 12, 17, 18, 24, 30, 36, 48])
    if _maybe(rng):
        p["marrow_blasts_percent"] = rng.choice([0, 1, 3, 4.9, 5, 10, 20, 24, 25, 26, 50, 90])
    if _maybe(rng, 0.5):
        p["wbc_at_diagnosis_per_ul"] = rng.choice([1000, 30000, 49999, 50000, 100000, 300000])
    if _maybe(rng):
        mrd = {}
        if _maybe(rng):
            mrd["status"] = rng.choice(["positive", "negative"])
        if _maybe(rng, 0.5):
            mrd["level"] = rng.choice([0.00001, 0.0001, 0.0009, 0.001, 0.005, 0.01, 0.05, 0.2])
        p["mrd"] = mrd
    if _maybe(rng):
        p["genetics"] = {g: rng.random() < 0.3 for g in (
            "kmt2a_rearranged", "ph_like", "etv6_runx1", "high_hyperdiploid", "hypodiploid",
            "iamp21", "tcf3_pbx1", "abl1_t315i") if _maybe(rng)}
    if _maybe(rng):
        items = []
        for therapy in rng.sample(_THERAPIES, rng.choice([0, 1, 2, 3, 5])):
            item = {"therapy": therapy}
            if _maybe(rng, 0.7):
                item["months_since_last_dose"] = rng.choice([0, 0.5, 1, 2, 3, 4, 6, 12, 24])
            if _maybe(rng, 0.4):
                item["outcome"] = rng.choice(["responded", "refractory", "intolerant"])
            items.append(item)
        p["prior_therapies"] = items
    if _maybe(rng):
        scale = rng.choice(["ecog", "karnofsky", "lansky"])
        score = (rng.choice([0, 1, 2, 3, 4]) if scale == "ecog"
                 else rng.choice([30, 40, 50, 60, 70, 80, 90, 100]))
        p["performance_status"] = {"scale": scale, "score": score}
    if _maybe(rng):
        p["infections"] = {i: rng.random() < 0.3 for i in (
            "hiv", "hepatitis_b", "hepatitis_c", "uncontrolled_infection") if _maybe(rng)}
    if _maybe(rng, 0.4):
        p["organ_function"] = {
            "creatinine_clearance_ml_min": rng.choice([30, 50, 60, 70, 100]),
            "bilirubin_x_uln": rng.choice([0.5, 1, 1.5, 2, 3]),
            "alt_x_uln": rng.choice([1, 2.5, 3, 5, 6]),
            "ast_x_uln": rng.choice([1, 2.5, 3, 5, 6]),
            "lvef_percent": rng.choice([40, 45, 50, 55, 60])}
    return p


def battery(n: int = 800, seed: int = 20261207) -> list[dict]:
    """The fixed profiles every rule is evaluated on (same for reader and labels)."""
    rng = random.Random(seed)
    return [random_profile(rng) for _ in range(n)]


# ------------------------------------------------------------------ labels
@dataclass
class Label:
    nct: str
    half: str
    data: dict
    path: Path

    @property
    def criteria(self) -> list[dict]:
        return self.data.get("criteria") or []

    @property
    def vignettes(self) -> list[dict]:
        return self.data.get("vignettes") or []


def half_of(nct: str) -> str:
    return "evaluation" if nct in SPLIT["evaluation"] else "development"


def load(path: Path) -> Label:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    nct = data.get("study") or path.stem
    return Label(nct, half_of(nct), data, path)


def load_half(half: str) -> list[Label]:
    return [load(LABELS / f"{nct}.yaml") for nct in SPLIT[half]
            if (LABELS / f"{nct}.yaml").exists()]


def evaluation_hash() -> str:
    """sha256 over the evaluation half's label files, in NCT order."""
    h = hashlib.sha256()
    for nct in SPLIT["evaluation"]:
        path = LABELS / f"{nct}.yaml"
        if path.exists():
            h.update(nct.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def compile_rule(rule):
    """The evaluator of a criteria-file rule mapping, or raise RuleError."""
    return build_node(rule).fn


def criterion_code(kind: str, fn, profile: dict) -> int:
    """The criterion outcome (exclusions turned round), NOT_SCREENED without a rule."""
    if fn is None:
        return NOT_SCREENED
    code = fn(profile)
    return NEGATE[code] if kind == "exclusion" else code


def structured_age_rule(nct: str) -> dict | None:
    elig = protocol_section(json.loads((STUDIES / f"{nct}.json").read_text("utf-8"))).get(
        "eligibilityModule", {})
    leaves = []
    for key_, op in (("minimumAge", "age_at_least"), ("maximumAge", "age_at_most")):
        value = elig.get(key_)
        if value and value.strip().upper() not in ("N/A", "NA"):
            leaves.append({"field": "age", "op": op, "value": value.strip()})
    if not leaves:
        return None
    return leaves[0] if len(leaves) == 1 else {"all": leaves}


def structured_sex(nct: str) -> str:
    elig = protocol_section(json.loads((STUDIES / f"{nct}.json").read_text("utf-8"))).get(
        "eligibilityModule", {})
    return (elig.get("sex") or "ALL").upper()


def label_trial(label: Label):
    """The labels as an engine trial: overall age, structured sex, each labelled criterion."""
    crits = []
    age = label.data.get("age_rule", "structured")
    if age == "structured":
        age = structured_age_rule(label.nct)
    if age:
        crits.append({"id": "age", "kind": "inclusion", "text": "age", "rule": age})
    sex = structured_sex(label.nct)
    if sex in ("FEMALE", "MALE"):
        crits.append({"id": "sex", "kind": "inclusion", "text": "sex",
                      "rule": {"field": "sex", "op": "eq", "value": sex.lower()}})
    for n, c in enumerate(label.criteria, 1):
        crit = {"id": f"c{n}", "kind": c["kind"], "text": c["text"]}
        if c.get("rule"):
            crit["rule"] = c["rule"]
        crits.append(crit)
    data = {"format": 1, "trial": {"id": label.nct, "title": label.nct, "phases": [],
                                   "status": "RECRUITING", "status_checked": "2026-12-07",
                                   "sponsor": "", "sex": "ALL", "sites": []},
            "criteria": crits}
    return trial_from_data(data, f"{label.nct}.yaml")


# ------------------------------------------------------------------ checking a file
def check(label: Label) -> list[str]:
    """Problems in one label file: every one must be fixed before the labels are used."""
    problems = []
    data = label.data
    if data.get("study") != label.path.stem:
        problems.append(f"study: {data.get('study')!r} is not the file name {label.path.stem}")
    text = eligibility_text(label.nct)
    doc = key(text)
    crits = label.criteria
    if not crits:
        problems.append("criteria: none labelled")
    spans = locate(doc, [c.get("text", "") for c in crits])
    for n, (c, span) in enumerate(zip(crits, spans, strict=True), 1):
        where = f"criteria[{n}] ({str(c.get('text', ''))[:40]!r})"
        if c.get("kind") not in ("inclusion", "exclusion"):
            problems.append(f"{where}: kind must be inclusion or exclusion")
        if span is None:
            problems.append(f"{where}: text not found verbatim in the eligibility text")
        rule = c.get("rule")
        if rule is not None:
            issues = _lint_node(rule, label.path.name, f"c{n}", "rule")
            if issues:
                problems.append(f"{where}: rule: {issues[0]}")
                continue
            try:
                build_node(rule)
            except RuleError as exc:
                problems.append(f"{where}: rule: {exc}")
        if not c.get("why"):
            problems.append(f"{where}: why: say in a few words how the text was read")
    age = data.get("age_rule", "structured")
    if age not in ("structured", None):
        try:
            build_node(age)
        except RuleError as exc:
            problems.append(f"age_rule: {exc}")
    if problems:
        return problems
    vignettes = label.vignettes
    seen = {v.get("verdict") for v in vignettes}
    if len(vignettes) < 3:
        problems.append("vignettes: at least three")
    for verdict in VERDICTS:
        if verdict not in seen:
            problems.append(f"vignettes: none with verdict {verdict}")
    trial = label_trial(label)
    for n, v in enumerate(vignettes, 1):
        where = f"vignettes[{n}] ({v.get('name', '')})"
        try:
            profile = validate_profile(v.get("profile"))
        except ProfileError as exc:
            problems.append(f"{where}: profile: {exc}")
            continue
        if v.get("verdict") not in VERDICTS:
            problems.append(f"{where}: verdict must be one of {', '.join(VERDICTS)}")
            continue
        result = screen(profile, trial)
        if result.verdict != v["verdict"]:
            decided = [f"{c.id}={c.outcome}" for c in result.criteria
                       if c.outcome in ("not_met", "unknown")]
            problems.append(f"{where}: you say {v['verdict']}, your own rules give "
                            f"{result.verdict} ({', '.join(decided) or 'nothing decided'}): "
                            f"fix the rule or the verdict")
    return problems


# ------------------------------------------------------------------ scoring the reader
def _groups(label_spans, item_spans):
    """Connected groups of overlapping label criteria and reader items (by text span)."""
    parent = {}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    nodes = [("l", i) for i in range(len(label_spans))] + [("r", j) for j in range(len(
        item_spans))]
    for node in nodes:
        parent[node] = node
    for i, a in enumerate(label_spans):
        for j, b in enumerate(item_spans):
            if a and b and a[0] < b[1] and b[0] < a[1]:
                parent[find(("l", i))] = find(("r", j))
    out: dict = {}
    for node in nodes:
        out.setdefault(find(node), []).append(node)
    return list(out.values())


@dataclass
class Score:
    reader_groups: int = 0  # groups where the reader gave a rule
    precise: int = 0
    label_groups: int = 0  # groups the labels screen
    recalled: int = 0
    items: int = 0  # reader items
    items_with_rule: int = 0
    wrong: list = None  # (nct, texts) of imprecise groups
    missed: list = None

    def __post_init__(self):
        self.wrong, self.missed = [], []

    def add(self, other: Score) -> None:
        for f in ("reader_groups", "precise", "label_groups", "recalled", "items",
                  "items_with_rule"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.wrong += other.wrong
        self.missed += other.missed

    @property
    def precision(self) -> float:
        return self.precise / self.reader_groups if self.reader_groups else 1.0

    @property
    def recall(self) -> float:
        return self.recalled / self.label_groups if self.label_groups else 1.0


def _rule_fields(rule) -> set[str]:
    if not isinstance(rule, dict):
        return set()
    if "field" in rule:
        return {rule["field"]}
    out: set[str] = set()
    for key in ("all", "any", "of"):
        for child in rule.get(key) or []:
            out |= _rule_fields(child)
    return out | _rule_fields(rule.get("not"))


def score_trial(label: Label, trial, profiles: list[dict]) -> Score:
    """Item precision and recall of one read trial against its labels."""
    s = Score()
    doc = key(eligibility_text(label.nct))
    lab = [(c["kind"], compile_rule(c["rule"]) if c.get("rule") else None)
           for c in label.criteria]
    lab_spans = locate(doc, [c["text"] for c in label.criteria])
    read = [c for c in trial.criteria if c.id not in ("age", "sex")]
    read_fns = [(c.kind, c.rule.fn if c.rule is not None else None) for c in read]
    read_spans = locate(doc, [c.text for c in read])
    s.items = len(read)
    s.items_with_rule = sum(1 for _, fn in read_fns if fn is not None)
    groups = _groups(lab_spans, read_spans)
    # The overall age requirement is a group of its own: the reader's structured ages
    # and every age it read from the text, against age_rule and the labelled text ages.
    age_label = label.data.get("age_rule", "structured")
    if age_label == "structured":
        age_label = structured_age_rule(label.nct)
    label_ages = [("inclusion", compile_rule(age_label))] if age_label else []
    label_ages += [(c["kind"], compile_rule(c["rule"])) for c in label.criteria
                   if c.get("rule") and _rule_fields(c.get("rule")) == {"age"}]
    read_ages = [(c.kind, c.rule.fn) for c in trial.criteria
                 if c.rule is not None and set(c.rule.fields()) == {"age"}]
    extra = [(label_ages, read_ages, "age")]
    for group in groups:
        labels = [lab[i] for k, i in group if k == "l"]
        items = [read_fns[j] for k, j in group if k == "r"]
        texts = [label.criteria[i]["text"][:60] for k, i in group if k == "l"] or [
            read[j].text[:60] for k, j in group if k == "r"]
        extra.append((labels, items, texts))
    for labels, items, texts in extra:
        label_rules = any(fn is not None for _, fn in labels)
        reader_rules = any(fn is not None for _, fn in items)
        if not label_rules and not reader_rules:
            continue
        precise = equal = True
        label_decides = False
        for p in profiles:
            want = _PROJECT[all_of([criterion_code(k, fn, p) for k, fn in labels] or [
                NOT_SCREENED])]
            label_decides = label_decides or want != PASS
            codes = [criterion_code(k, fn, p) for k, fn in items] or [NOT_SCREENED]
            got_code = all_of(codes)
            got = _PROJECT[got_code]
            if got != want:
                equal = False
                # Silence (not_screened) is never wrong, nor is asking where the labels
                # exclude (a missed exclusion: recall). Every other difference is.
                if got_code != NOT_SCREENED and not (got == ASK and want == BLOCK):
                    precise = False
        if reader_rules:
            s.reader_groups += 1
            if precise:
                s.precise += 1
            else:
                s.wrong.append((label.nct, texts))
        if label_rules and label_decides:
            # a labelled rule that never blocks nor asks (all[x, not_screened] in an
            # exclusion) decides nothing: it is no recall the reader could miss
            s.label_groups += 1
            if equal and precise:
                s.recalled += 1
            else:
                s.missed.append((label.nct, texts))
    return s


def vignette_agreement(label: Label, trial) -> tuple[int, int, int, list]:
    """(agreeing, total, false exclusions, disagreements) of the trial's verdicts."""
    agree = false_excl = 0
    out = []
    for v in label.vignettes:
        profile = validate_profile(v["profile"])
        got = screen(profile, trial).verdict
        if got == v["verdict"]:
            agree += 1
        else:
            out.append((label.nct, v.get("name", ""), v["verdict"], got))
            if got == "not_eligible":
                false_excl += 1
    return agree, len(label.vignettes), false_excl, out


def _main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("check", "hash"):
        print(__doc__)
        return 2
    if argv[0] == "hash":
        print(evaluation_hash())
        return 0
    bad = 0
    for name in argv[1:]:
        path = Path(name)
        if not path.exists():
            path = LABELS / Path(name).name
        problems = check(load(path))
        print(f"{path.name}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
        for p in problems:
            print("  -", p)
        bad += bool(problems)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
