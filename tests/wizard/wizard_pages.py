"""Wizard test helpers: a parsed-page helper, ``WizardActions`` and example answer sets.

Kept out of conftest.py so tests import them by a name no other test folder
uses (``from conftest import ...`` clashed with tests/trials/conftest.py when
both folders ran in one pytest call).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from screener.wizard.steps import ADAPTIVE as _ADAPTIVE
from screener.wizard.steps import CORE as _CORE

#: Names of the adaptive questions (asked after the core questions when they could settle a study).
ADAPTIVE = {s.name for s in _ADAPTIVE}
#: Core pages asked only when an open study reads one of their questions.
OPTIONAL = {s.name for s in _CORE if s.asks is not None}

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Element:
    """A parsed element: tag, attributes, children, and its text."""

    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children, self.parts = tag, attrs, parent, [], []

    @property
    def text(self) -> str:
        out = []
        for part in self.parts:
            out.append(part.text if isinstance(part, Element) else part)
        return re.sub(r"\s+", " ", "".join(out)).strip()

    def iter(self):
        for child in self.children:
            yield child
            yield from child.iter()

    def find_all(self, tag=None, **attrs):
        """Descendants with this tag and these attribute values (class_ matches one class)."""
        found = []
        for el in self.iter():
            if tag and el.tag != tag:
                continue
            ok = True
            for key, want in attrs.items():
                if key == "class_":
                    ok = want in (el.attrs.get("class") or "").split()
                else:
                    ok = el.attrs.get(key.rstrip("_").replace("_", "-")) == want
                if not ok:
                    break
            if ok:
                found.append(el)
        return found

    def find(self, tag=None, **attrs):
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


class Page(HTMLParser):
    """An HTML page parsed into Elements (stdlib only)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.stack = [self.root]
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        el = Element(tag, {k: (v if v is not None else "") for k, v in attrs}, self.stack[-1])
        self.stack[-1].children.append(el)
        self.stack[-1].parts.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        self.stack[-1].parts.append(data)

    def find(self, *a, **k):
        return self.root.find(*a, **k)

    def find_all(self, *a, **k):
        return self.root.find_all(*a, **k)

    @property
    def h1(self) -> str:
        return self.find("h1").text

    def csrf(self) -> str:
        return self.find("input", name="csrf_token").attrs["value"]


def parse(response) -> Page:
    """Parse a response body."""
    return Page(response.get_data(as_text=True))


class WizardActions:
    """Drive the wizard through the test client as a person would, form by form."""

    def __init__(self, client):
        self.client = client

    def start(self):
        page = parse(self.client.get("/screen/"))
        return self.client.post("/screen/start", data={"csrf_token": page.csrf()})

    def current(self):
        """The page the wizard is on (following redirects from /screen/review)."""
        return self.client.get("/screen/review", follow_redirects=True)

    def answer(self, step: str, action: str = "next", query: str = "", **fields):
        """Post one step's answers (lists for checkboxes) with the page's CSRF token."""
        response = self.client.get(f"/screen/step/{step}{query}")
        assert response.status_code == 200, f"the {step} page is not asked"
        page = parse(response)
        data = {"csrf_token": page.csrf(), "action": action}
        data.update(fields)
        return self.client.post(f"/screen/step/{step}{query}", data=data)

    def asked(self, step: str) -> bool:
        """Whether the wizard asks page ``step`` now (else it redirects elsewhere)."""
        return self.client.get(f"/screen/step/{step}").status_code == 200

    def complete(self, answers: dict[str, dict], dont_know: bool = True):
        """Start and answer every step in ``answers`` in order, then (``dont_know``) every
        adaptive question asked after them with "I don't know"; return the last response.

        A page of ``OPTIONAL`` that no open study needs is skipped, as the person would
        never see it; ``skipped`` names those pages."""
        self.start()
        response = None
        self.skipped = []
        for step, fields in answers.items():
            if step in OPTIONAL and not self.asked(step):
                self.skipped.append(step)
                continue
            response = self.answer(step, **fields)
            assert response.status_code == 302, (step, response.get_data(as_text=True)[:2000])
        if dont_know:
            response = self.dont_know_rest() or response
        return response

    def pending(self) -> str | None:
        """The name of the step the wizard sends the person to, or None at the review."""
        # (a GET of the review page redirects to the first unanswered step)
        location = self.client.get("/screen/review").headers.get("Location", "")
        match = re.search(r"/screen/step/([a-z_0-9]+)", location)
        return match.group(1) if match else None

    def dont_know_rest(self, limit: int = 30):
        """Answer every adaptive question still pending with "I don't know" (radios) or an
        empty box (numbers); the last response, or None when none was pending."""
        response = None
        for _ in range(limit):
            name = self.pending()
            if name not in ADAPTIVE:
                return response
            page = parse(self.client.get(f"/screen/step/{name}"))
            fields = {}
            for el in page.find_all("input"):
                if el.attrs.get("type") == "radio":
                    fields[el.attrs["name"]] = "unknown"
                elif el.attrs.get("type") == "text":
                    fields[el.attrs["name"]] = ""
            response = self.answer(name, **fields)
            assert response.status_code == 302, (name, response.get_data(as_text=True)[:2000])
        raise AssertionError("the wizard kept asking")


#: A parent of a newly diagnosed 4-year-old girl who knows little beyond the diagnosis.
CHILD = {
    "who": {"who": "parent"},
    "age": {"years": "4", "sex": "female"},
    "diagnosis": {"diagnosis": "b_all", "status": "newly_diagnosed", "age_at_diagnosis": "4"},
    "treatments": {"treatments": ["none"]},
    "tests": {"philadelphia": "unknown", "cd19": "unknown", "cd22": "unknown", "mrd": "unknown",
              "in_remission": "unknown", "cns_at_diagnosis": "unknown"},
    "health": {"down_syndrome": "no", "hiv": "unknown", "hepatitis_b": "unknown",
               "hepatitis_c": "unknown", "infection": "unknown"},
    "daily": {"activity": "0"},
    "location": {"zip": "11030", "travel": "50"},
}

#: An adult in second relapse after blinatumomab and CD19 CAR-T.
ADULT = {
    "who": {"who": "patient"},
    "age": {"years": "29", "sex": "male"},
    "diagnosis": {"diagnosis": "b_all", "status": "relapsed", "age_at_diagnosis": ""},
    "relapse": {"relapse_count": "2", "first_remission_months": "14", "extramedullary": "no"},
    "treatments": {"treatments": ["chemo", "blinatumomab", "cd19_car_t"]},
    "timing": {"months_chemo": "5", "months_blinatumomab": "9", "months_cd19_car_t": "4"},
    "tests": {"philadelphia": "negative", "cd19": "negative", "cd22": "positive",
              "mrd": "positive", "in_remission": "no", "cns": "cns1"},
    "health": {"down_syndrome": "no", "hiv": "no", "hepatitis_b": "no", "hepatitis_c": "no",
               "infection": "no"},
    "daily": {"activity": "1"},
    "location": {"zip": "10016", "travel": "250"},
}


def _either(leaf: dict) -> dict:
    """A rule that stays unknown until ``leaf``'s field is answered, whatever the answer."""
    return {"any": [leaf, {"not": leaf}]}


#: One leaf per question of the pages that ask only what an open study reads.
_READS = [
    {"field": "philadelphia_chromosome", "op": "eq", "value": "positive"},
    {"field": "cd19", "op": "eq", "value": "positive"},
    {"field": "cd22", "op": "eq", "value": "positive"},
    {"field": "mrd.status", "op": "eq", "value": "negative"},
    {"field": "in_remission", "op": "is", "value": True},
    {"field": "cns_status", "op": "eq", "value": "cns1"},
    {"field": "down_syndrome", "op": "is", "value": False},
    {"field": "pregnant_or_breastfeeding", "op": "is", "value": False},
    {"field": "infections.hiv", "op": "is", "value": False},
    {"field": "infections.hepatitis_b", "op": "is", "value": False},
    {"field": "infections.hepatitis_c", "op": "is", "value": False},
    {"field": "infections.uncontrolled_infection", "op": "is", "value": False},
    {"field": "performance_status", "op": "performance_at_most",
     "value": {"scale": "ecog", "score": 2}},
]


def study_reading(*leaves: dict, trial_id: str = "NCT09900000", requires: tuple = ()):
    """A recruiting curated study whose inclusions read these fields, each staying unknown
    (and so in review) until its field is answered, whatever the answer; and, as they are,
    the rules ``requires`` (a person who does not meet one is ruled out)."""
    from screener.eligibility import Criterion, Trial
    from screener.eligibility.rules import build_node

    rules = [*requires, *map(_either, leaves)]
    return Trial(id=trial_id, title=f"Study {trial_id}", source="criteria-file",
                 status="RECRUITING", status_checked="2026-11-01",
                 criteria=[Criterion(f"c{i}", "inclusion", "text", {"en": "Plain."},
                                     build_node(rule)) for i, rule in enumerate(rules)])


#: Studies that together read every question of the tests, health and daily-life pages:
#: with them in play, every one of those questions is asked (one study per question, so
#: answering one never takes another out of review).
EVERY_QUESTION = [study_reading(leaf, trial_id=f"NCT0990{i:04d}")
                  for i, leaf in enumerate(_READS)]
