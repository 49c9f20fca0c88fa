"""Measure the eligibility reader: item-level precision and recall, and speed.

Precision and recall are scored against hand labels
(tests/trials/extraction_labels/*.yaml, written by reading the registry text),
per profile field and overall, on the rule *leaves* the reader produces:

- an item the reader gives leaves on field F is a true positive for F when all
  of them are leaves the label expects, a false positive otherwise (an item the
  labels call not screenable that gets a rule is a false positive);
- an item the label expects leaves on F for counts towards recall for F when the
  reader produced exactly those leaves on F.

Speed is the whole shared corpus (/work/shared/ctgov/studies, 96 studies) read
into trials, geocoding included.

Usage: .venv/bin/python bench/extraction.py [--studies DIR] [--labels DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screener.trials.eligibility_text import fold, split  # noqa: E402
from screener.trials.reader import read_item  # noqa: E402
from screener.trials.study import protocol_section, trial_from_study  # noqa: E402

# The shared corpus when present, else the copy the tests carry (same 96 records).
STUDIES = next((p for p in (Path("/work/shared/ctgov/studies"),
                            ROOT / "tests" / "trials" / "data" / "studies") if p.is_dir()),
               ROOT / "tests" / "trials" / "data" / "studies")
LABELS = ROOT / "tests" / "trials" / "extraction_labels"
_BINARY = {"philadelphia_chromosome": ("positive", "negative"), "cd19": ("positive", "negative"),
           "cd22": ("positive", "negative"), "mrd.status": ("positive", "negative")}


def _value(value):
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, list):
        return sorted(_value(v) for v in value)
    if isinstance(value, dict):
        return {k: _value(v) for k, v in sorted(value.items())}
    return value


def leaves(rule, negated: bool = False) -> set[tuple[str, str, str]]:
    """The leaves of a rule as (field, op, value) keys, negations pushed into the leaves."""
    if not isinstance(rule, dict):
        return set()
    if "field" in rule:
        field, op, value = rule["field"], rule["op"], rule["value"]
        if op == "in" and isinstance(value, list) and len(value) == 1:
            op, value = "eq", value[0]
        if negated:
            if op == "is":
                value = not value
            elif op in ("received", "not_received"):
                op = "not_received" if op == "received" else "received"
            elif op == "eq" and field in _BINARY:
                value = [v for v in _BINARY[field] if v != value][0]
            else:
                op = "not " + op
        return {(field, op, json.dumps(_value(value), sort_keys=True))}
    if "not" in rule:
        return leaves(rule["not"], not negated)
    out: set = set()
    for key in ("all", "any", "of"):
        for child in rule.get(key) or []:
            out |= leaves(child, negated)
    return out


def load_labels(directory: Path = LABELS) -> dict[str, list[dict]]:
    """Labels by NCT id: a list of {text, expect} per study."""
    out = {}
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[data["study"]] = data["items"]
    return out


def _study_items(nct: str, studies: Path):
    study = json.loads((studies / f"{nct}.json").read_text(encoding="utf-8"))
    text = protocol_section(study).get("eligibilityModule", {}).get("eligibilityCriteria", "")
    return split(text)


class LabelError(ValueError):
    """A label that names no item of the study's text (the splitter changed)."""


def score(labels: dict[str, list[dict]], studies: Path = STUDIES) -> dict:
    """Item-level counts per field and overall, plus the wrong readings for inspection."""
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    found: dict[str, int] = defaultdict(int)
    expected: dict[str, int] = defaultdict(int)
    wrong: list[str] = []
    items_total = 0
    for nct, entries in labels.items():
        items = _study_items(nct, studies)
        expect_by_item: dict[int, set] = {}
        for entry in entries:
            prefix = fold(entry["text"])
            matches = [i for i, it in enumerate(items) if it.text.startswith(prefix)]
            if not matches:
                raise LabelError(f"{nct}: no item starts with {prefix!r}")
            keys: set = set()
            for leaf in entry.get("expect") or []:
                keys |= leaves(leaf)
            expect_by_item[matches[0]] = keys
        for index, item in enumerate(items):
            items_total += 1
            produced = leaves(read_item(item, f"i{index}").get("rule"))
            want = expect_by_item.get(index, set())
            for field in {k[0] for k in produced} | {k[0] for k in want}:
                got_f = {k for k in produced if k[0] == field}
                want_f = {k for k in want if k[0] == field}
                if got_f:
                    if got_f <= want_f:
                        tp[field] += 1
                    else:
                        fp[field] += 1
                        wrong.append(f"{nct} #{index} {field}: read {sorted(got_f)}, "
                                     f"label {sorted(want_f)} — {item.text[:90]}")
                if want_f:
                    expected[field] += 1
                    if got_f == want_f:
                        found[field] += 1
            if produced:
                tp["(items)"] += produced <= want
                fp["(items)"] += not produced <= want
            if want:
                expected["(items)"] += 1
                found["(items)"] += produced == want
    return {"tp": dict(tp), "fp": dict(fp), "found": dict(found), "expected": dict(expected),
            "wrong": wrong, "items": items_total}


def precision(counts: dict, field: str = "(items)") -> float:
    """Precision for one field (1.0 when nothing was read)."""
    tp, fp = counts["tp"].get(field, 0), counts["fp"].get(field, 0)
    return tp / (tp + fp) if tp + fp else 1.0


def recall(counts: dict, field: str = "(items)") -> float:
    """Recall for one field on the items the labels call screenable (1.0 when none)."""
    n = counts["expected"].get(field, 0)
    return counts["found"].get(field, 0) / n if n else 1.0


def speed(studies: Path = STUDIES, runs: int = 3) -> tuple[int, list[float]]:
    """(studies, seconds per run) to read every study of the corpus into a trial.

    The first run is cold (it loads the ZIP table for geocoding); later runs are warm.
    """
    paths = sorted(studies.glob("*.json"))
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for doc in docs:
            trial_from_study(doc)
        times.append(time.perf_counter() - start)
    return len(docs), times


def main(argv: list[str] | None = None) -> int:
    """Print the figures; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=Path, default=STUDIES)
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--show-wrong", action="store_true", help="list wrong readings")
    args = parser.parse_args(argv)
    labels = load_labels(args.labels)
    counts = score(labels, args.studies)
    fields = sorted(set(counts["tp"]) | set(counts["fp"]) | set(counts["expected"]))
    print(f"labelled studies: {len(labels)}, items: {counts['items']}")
    print(f"{'field':45} {'read':>5} {'right':>5} {'prec':>6} {'labelled':>8} {'found':>5} "
          f"{'recall':>6}")
    for field in [f for f in fields if f != "(items)"] + ["(items)"]:
        read = counts["tp"].get(field, 0) + counts["fp"].get(field, 0)
        print(f"{field:45} {read:5} {counts['tp'].get(field, 0):5} "
              f"{precision(counts, field):6.3f} {counts['expected'].get(field, 0):8} "
              f"{counts['found'].get(field, 0):5} {recall(counts, field):6.3f}")
    if args.show_wrong:
        for line in counts["wrong"]:
            print("WRONG", line)
    n, times = speed(args.studies)
    seconds = times[0]
    print(f"corpus: {n} studies in {seconds:.3f} s cold = {n / seconds:.0f} studies/s; "
          f"warm best {min(times[1:]):.3f} s = {n / min(times[1:]):.0f} studies/s")
    p, r = precision(counts), recall(counts)
    print(f"overall item precision {p:.3f} (target >= 0.98), recall {r:.3f} (target >= 0.80)")
    return 0 if p >= 0.98 and r >= 0.80 and seconds < 2 else 1


if __name__ == "__main__":
    sys.exit(main())
