"""Measure how much real ALL eligibility text the registry reader turns into rules.

The labelled records (tests/trials/data/studies) are few, and the reader is tuned
on half of them; bench/corpus/ holds other real ALL trial records (see its
SOURCES.md) that are in neither half. They carry no labels, so this bench says
nothing about whether a rule is right: only how much of the text is read at all,
and which phrasings are left to the study team most often. Figures:

- records read, items, and the share of items that became a rule (overall, for
  inclusions and for exclusions);
- the share of rules that are partial (contain a not_screened part);
- rules read per profile field;
- speed: the whole corpus read into trials, cold and warm;
- items no profile answer can ever decide (consent, contraception, compliance, life
  expectancy, a pregnancy test): counted apart, because "items with a rule" counts them
  as unread although no reading could give them a rule -- the share of the rest that
  became a rule says how much of the *screenable* text is read. (The headline share is
  kept as it was, so figures stay comparable across rounds.)
- with --unread: the items left without a rule, grouped into phrasing families
  (the first content words once bullets and filler words are stripped), most
  frequent first, with a few examples each (--by concept: grouped instead by
  the first concept they name, a coarser view).

Usage: .venv/bin/python bench/coverage.py [--unread] [--by words|concept] [--families N]
       [--examples K] [--words W] [--corpus DIR] [--limit N] [--runs R]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screener.eligibility.rules import Group, Not, Unscreened  # noqa: E402
from screener.trials.study import trial_from_study  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "trials" / "reading_eval"))
from extraction import read_seconds  # noqa: E402

CORPUS = ROOT / "bench" / "corpus"
STRUCTURED = ("age", "sex")  # the registry's own fields, not items of the text

#: Words that say nothing about what an item asks: dropped before naming its family,
#: so "Patients must have adequate organ function" and "Adequate organ function:"
#: fall together.
FILLER = frozenset("""
a an the and or of to in on at for by with from as is are be been being was were will would
must should shall may can could have has had having do does did who whom which that this these
those their there they it its if than then such any all each other both either no not nor
patient patients subject subjects participant participants person people individual
individuals child children adult adults male female men women
eligible eligibility criteria criterion inclusion exclusion include including included
following defined define according study protocol enrolment enrollment entry registration
time prior previously known documented evidence e g i
""".split())


@dataclass
class Figures:
    """What reading the corpus gave, before any share is worked out."""

    records: int = 0
    items: Counter = field(default_factory=Counter)  # kind -> items
    with_rule: Counter = field(default_factory=Counter)  # kind -> items that became a rule
    partial: int = 0  # rules with a not_screened part
    per_field: Counter = field(default_factory=Counter)  # field -> rules reading it
    unread: list[tuple[str, str, str]] = field(default_factory=list)  # (nct, kind, text)
    unscreenable: int = 0  # items without a rule that no profile answer could decide


def load(corpus: Path = CORPUS, limit: int | None = None) -> list[dict]:
    """The corpus records, in NCT order (the first ``limit`` of them when given)."""
    paths = sorted(corpus.glob("NCT*.json"))[:limit]
    return [json.loads(p.read_text("utf-8")) for p in paths]


def measure(docs: list[dict]) -> Figures:
    """Read every record and count its items, rules, partial rules and fields."""
    out = Figures()
    for doc in docs:
        trial = trial_from_study(doc)
        out.records += 1
        for crit in trial.criteria:
            if crit.id in STRUCTURED:
                continue
            out.items[crit.kind] += 1
            if crit.rule is None:
                if unscreenable(crit.text):
                    out.unscreenable += 1
                else:
                    out.unread.append((trial.id, crit.kind, crit.text))
                continue
            out.with_rule[crit.kind] += 1
            out.partial += _has_unscreened(crit.rule)
            for name in set(crit.rule.fields()):
                out.per_field[name] += 1
    return out


#: What no profile answer decides, whatever the words around it: consent and assent,
#: contraception, being able to comply or follow up, life expectancy, a pregnancy test.
#: An item that also names something a profile holds (a disease, a therapy, an organ
#: value, an infection, pregnancy itself) is never counted here: it stays unread.
_UNSCREENABLE = re.compile(
    r"\bconsent|\bassent|contracept|birth\s+control|abstinen|\bcondoms?\b|sperm\s+donation|"
    r"\bcomply\b|\bcompliance\b|follow-?up|life\s+expectancy|expected\s+survival|"
    r"pregnancy\s+test", re.IGNORECASE)
_SCREENABLE_WORDS = re.compile(
    r"leuka?emi|lymphoblastic|\ball\b|relaps|refractor|remission|blast|\bmrd\b|\bcns\b|"
    r"chemotherap|therapy|treatment|transplant|\bhsct\b|\bsct\b|gvhd|infect|\bhiv\b|"
    r"hepatitis|pregnan(?!cy\s+test)|breast|nursing|lactat|bilirubin|creatinine|\balt\b|"
    r"\bast\b|ejection|karnofsky|lansky|ecog|performance|seizure|\bage[ds]?\b|years",
    re.IGNORECASE)


def unscreenable(text: str) -> bool:
    """An item no profile answer could decide (consent, contraception, compliance, ...)."""
    return bool(_UNSCREENABLE.search(text)) and not _SCREENABLE_WORDS.search(
        _UNSCREENABLE.sub(" ", text))


def _has_unscreened(node) -> bool:
    if isinstance(node, Unscreened):
        return True
    if isinstance(node, Group):
        return any(_has_unscreened(c) for c in node.children)
    if isinstance(node, Not):
        return _has_unscreened(node.child)
    return False




_BULLET = re.compile(r"^\s*(?:[-*•·o]|\(?[0-9ivxlc]{1,4}[.)]|\(?[a-z][.)])\s+", re.IGNORECASE)
_WORD = re.compile(r"[a-z][a-z0-9+/-]*", re.IGNORECASE)


#: One spelling for the long names the texts write out as often as they abbreviate.
_SAME = [(re.compile(p, re.IGNORECASE), short) for p, short in (
    (r"eastern cooperative oncology group(?: \(ecog\))?", "ecog"),
    (r"central nervous system(?: \(cns\))?", "cns"),
    (r"human immunodeficiency virus(?: \(hiv\))?", "hiv"),
    (r"graft[- ]versus[- ]host disease(?: \(gvhd\))?", "gvhd"),
    (r"(?:hematopoietic |haematopoietic )?stem cell transplant(?:ation)?(?: \(h?sct\))?", "sct"),
)]


def family(text: str, words: int = 2) -> str:
    """The phrasing family of an item: its first ``words`` content words, lower case."""
    body = _BULLET.sub("", text)
    for pattern, short in _SAME:
        body = pattern.sub(short, body)
    content = [w for w in (m.group().lower().strip("-/") for m in _WORD.finditer(body))
               if w and w not in FILLER and len(w) > 1]
    return " ".join(content[:words]) or "(no content words)"


#: What an item is about, by the first concept whose words it contains. First match wins,
#: so the order puts the narrow concepts (contraception, waits since prior therapy) before
#: the broad words they also contain (drugs, organs) and the disease's own words, which
#: nearly every item mentions in passing, near the end.
CONCEPTS = [(name, re.compile(words, re.IGNORECASE)) for name, words in (
    ("contraception", r"contracept|birth control|abstinen|condom|sexually"),
    ("pregnancy / breastfeeding", r"pregnan|breast-?feed|lactat|nursing"),
    ("neurologic / psychiatric / autoimmune", r"seizure|epilep|neurolog|stroke|dementia|psychiatr|"
                                              r"autoimmun|psychos"),
    ("consent / assent", r"consent|assent"),
    ("infection / HIV / hepatitis", r"infect|\bhiv\b|hepatitis|hbsag|hcv|fungal|bacterial|viral"),
    ("wait since prior therapy",
     r"(?:within|less than|<|≤|=<|off)\s*(?:the\s+)?(?:previous\s+|last\s+)?"
     r"(?:\d+|one|two|three|four|six|eight)\s*(?:-\s*)?(?:day|week|month)s?"
     r"|(?:day|week|month)s?\s+(?:prior|before|since)|washout|recovered from"),
    ("transplant / GVHD", r"transplant|\bh?sct\b|graft|gvhd"),
    ("performance status", r"performance|karnofsky|lansky|ecog|zubrod|\bkps\b"),
    ("CNS / testicular disease",
     r"\bcns|central nervous|cerebrospinal|\bcsf\b|lumbar|testic|testes"),
    ("organ function", r"creatinine|bilirubin|\balt\b|\bast\b|renal|hepatic|liver|kidney|cardiac|"
                       r"heart|ejection|lvef|shortening|pulmonary|oxygen|dlco|organ"),
    ("other malignancy", r"malignan|cancer|carcinoma|neoplasm"),
    ("allergy / hypersensitivity", r"allerg|hypersensitiv"),
    ("compliance / investigator judgement", r"compl[yi]|follow-up|investigator|opinion|"
                                            r"life expectancy|participat|available"),
    ("disease: relapse, refractory, remission", r"relaps|refractor|remission|salvage|induction"),
    ("disease: lineage, genetics, MRD, blasts", r"lymphoblastic|\b[bt]?-?all\b|leuka?emia|blast|"
                                               r"\bmrd\b|residual|philadelphia|bcr|\bph[+-]|"
                                               r"cd19|cd22|marrow|burkitt|lymphoma|mll|kmt2a"),
    ("prior or concurrent therapy", r"prior|previous|pre-?treat|received|receiving|concurrent|"
                                    r"investigational|steroid|chemotherap|therapy|treatment"),
    ("age", r"\bage[ds]?\b|years? old|\byrs?\b"),
)]


def concept(text: str) -> str:
    """What an item is about: the first concept of CONCEPTS it names, or "(other)"."""
    return next((name for name, pattern in CONCEPTS if pattern.search(text)), "(other)")


def families(unread: list[tuple[str, str, str]], words: int = 2,
             by: str = "words") -> list[tuple[str, list]]:
    """Unread items grouped by family, most frequent first (ties by name).

    ``by="words"`` names a family by its first content words; ``by="concept"`` by
    the first concept it names, a coarser view of where the unread text lies.
    """
    groups: dict[str, list] = defaultdict(list)
    for nct, kind, text in unread:
        name = concept(text) if by == "concept" else family(text, words)
        groups[name].append((nct, kind, text))
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "n/a (0/0)"


def report(fig: Figures) -> None:
    items, ruled = sum(fig.items.values()), sum(fig.with_rule.values())
    print(f"== corpus: {fig.records} records, {items} items "
          f"({fig.items['inclusion']} inclusion, {fig.items['exclusion']} exclusion) ==")
    print(f"items with a rule: {_share(ruled, items)}")
    for kind in ("inclusion", "exclusion"):
        print(f"  {kind + 's':11} {_share(fig.with_rule[kind], fig.items[kind])}")
    print(f"items no profile answer decides (consent, contraception, compliance, ...): "
          f"{fig.unscreenable}; with a rule, of the rest: "
          f"{_share(ruled, items - fig.unscreenable)}")
    print(f"partial rules (a not_screened part): {_share(fig.partial, ruled)}")
    print(f"  {'field':42} {'rules':>5}")
    for name, n in sorted(fig.per_field.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {name:42} {n:5}")


def report_unread(fig: Figures, top: int, examples: int, words: int, by: str) -> None:
    groups = families(fig.unread, words, by)
    how = f"first {words} content words" if by == "words" else "concept named"
    print(f"\n== unread items: {len(fig.unread)} in {len(groups)} families "
          f"({how}); top {top} (leaving out {fig.unscreenable} no profile answer decides) ==")
    for rank, (name, members) in enumerate(groups[:top], 1):
        trials = len({nct for nct, _, _ in members})
        print(f"{rank:3}. {name!r}: {len(members)} items in {trials} records")
        for nct, kind, text in members[:examples]:
            short = text if len(text) <= 150 else text[:147] + "..."
            print(f"       {nct} {kind[:3]}: {short}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unread", action="store_true", help="group the unread items")
    parser.add_argument("--families", type=int, default=30, help="families to show")
    parser.add_argument("--examples", type=int, default=2, help="examples per family")
    parser.add_argument("--words", type=int, default=2, help="content words naming a family")
    parser.add_argument("--by", choices=("words", "concept"), default="words",
                        help="group unread items by first words or by concept")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="read only the first N")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (first is cold)")
    args = parser.parse_args(argv)
    docs = load(args.corpus, args.limit)
    if not docs:
        print(f"no NCT*.json records in {args.corpus}", file=sys.stderr)
        return 1
    times = read_seconds(docs, args.runs)  # first: cold, before anything else is read
    fig = measure(docs)
    report(fig)
    warm = min(times[1:]) if len(times) > 1 else times[0]
    print(f"\nspeed: {len(docs)} records, {times[0]:.3f} s cold "
          f"({len(docs) / times[0]:.0f} records/s), {warm:.3f} s warm "
          f"({len(docs) / warm:.0f} records/s)")
    if args.unread:
        report_unread(fig, args.families, args.examples, args.words, args.by)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
