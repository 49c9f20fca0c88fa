"""The physician referral form at /refer: clinical terms become the contract profile, the result
shows before filing, mistakes are named without losing input, and a filing reaches the desk."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import jsonschema
import pytest
from werkzeug.datastructures import MultiDict

from screener import create_app
from screener.models import AuditEvent, Referral, db
from screener.profile import profile_schema
from screener.referrals.physician import THERAPIES, ReferForm, today
from screener.referrals.refer import FILED

SCHEMA = jsonschema.Draft202012Validator(profile_schema())
DAYS_PER_MONTH = 30.4375


def days_ago(days: int) -> str:
    return (today() - timedelta(days=days)).isoformat()


def months(days: int) -> float:
    """Months before today of a date ``days`` ago, as the engine counts them."""
    return round(days / DAYS_PER_MONTH, 2)


class Page(HTMLParser):
    """What a test reads of the form page: inputs, errors, trials and the notice."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.inputs: dict[str, list[dict]] = {}
        self.selected: dict[str, str] = {}
        self.trials: dict[str, str] = {}
        self.summary: list[str] = []
        self.texts: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self._in: list[str] = []
        self._select = None
        self._label_for = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "input":
            self.inputs.setdefault(a.get("name", ""), []).append(a)
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and "selected" in a:
            self.selected[self._select] = a["value"]
        elif tag == "textarea":
            self._in.append("textarea:" + a["name"])
        elif tag == "article" and "data-trial" in a:
            self.trials[a["data-trial"]] = a["data-verdict"]
        elif tag == "div" and "error-summary" in a.get("class", ""):
            self._in.append("summary")
        elif tag == "a" and "summary" in self._in:
            self.summary.append("")
        elif tag == "p" and a.get("class") == "notice":
            self._in.append("notice")
        elif tag == "label":
            self._label_for = a.get("for")
            self.labels[self._label_for] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "label":
            self._label_for = None
        elif self._in and (tag == "textarea" or (tag == "div" and self._in[-1] == "summary")
                           or (tag == "p" and self._in[-1] == "notice")):
            self._in.pop()

    def handle_data(self, data):
        if self._in and self._in[-1] == "summary" and self.summary:
            self.summary[-1] += data
        elif self._in and self._in[-1].startswith("textarea:"):
            self.texts[self._in[-1][9:]] = self.texts.get(self._in[-1][9:], "") + data
        elif self._in and self._in[-1] == "notice":
            self.texts["notice"] = self.texts.get("notice", "") + data
        if self._label_for:
            self.labels[self._label_for] += data

    def value(self, name: str) -> str | None:
        """What the page shows for a field: a box's text, the checked choice, a ticked box."""
        found = self.inputs.get(name, [])
        if name in self.selected:
            return self.selected[name]
        if name in self.texts:
            return self.texts[name].strip()
        if found and found[0].get("type") in ("radio", "checkbox"):
            checked = [i["value"] for i in found if "checked" in i]
            return checked[0] if checked else None
        return found[0].get("value") if found else None


def page_of(response) -> Page:
    return Page(response.get_data(as_text=True))


def post(client, action="check", **fields):
    """Post the form as the browser does: the page's CSRF token and ``checked`` digest."""
    page = page_of(client.get("/refer"))
    data = {"csrf_token": page.value("csrf_token"), "action": action, **fields}
    return client.post("/refer", data=data)


@pytest.fixture(scope="module")
def form_app(tmp_path_factory):
    """One app for the tests of the form alone (they store nothing): quicker than one each."""
    url = f"sqlite:///{tmp_path_factory.mktemp('refer') / 'form.db'}"
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                       "SQLALCHEMY_DATABASE_URI": url})


def build(app, **fields) -> dict:
    """The profile the form builds from ``fields`` (which must pass its checks)."""
    with app.test_request_context("/refer", method="POST"):
        form = ReferForm(formdata=MultiDict(fields))
        assert form.validate(), form.errors
        return form.build_profile()


# ------------------------------------------------------------------ the profile
CASES = {
    "second relapse, M3 marrow, MRD by flow, CNS3": (
        dict(age_years="29", sex="male", lineage="b_all", status="relapse_2",
             cr1_months="14", in_remission="no", blasts_percent="40", marrow="m3",
             mrd_result="positive", mrd_value="0.5", mrd_method="flow", cns="cns3",
             ph="negative", cd19="positive", cd22="unknown"),
        {"age": {"years": 29}, "sex": "male", "diagnosis": "b_all", "disease_status": "relapsed",
         "relapse_count": 2, "months_from_diagnosis_to_relapse": 14.0, "in_remission": False,
         "marrow_blasts_percent": 40.0, "mrd": {"status": "positive", "level": 0.005},
         "philadelphia_chromosome": "negative", "cd19": "positive", "cns_status": "cns3",
         "pregnant_or_breastfeeding": False}),
    "fourth relapse given as third or later with its number": (
        dict(status="relapse_3", relapse_number="4"),
        {"disease_status": "relapsed", "relapse_count": 4}),
    "third or later without a number counts as three": (
        dict(status="relapse_3"), {"disease_status": "relapsed", "relapse_count": 3}),
    "primary refractory": (
        dict(status="refractory", relapse_number="0", lineage="t_all"),
        {"disease_status": "refractory", "relapse_count": 0, "diagnosis": "t_all"}),
    "first remission": (
        dict(status="cr1", mrd_result="negative", mrd_band="below_0_01"),
        {"disease_status": "newly_diagnosed", "relapse_count": 0, "in_remission": True,
         "mrd": {"status": "negative"}}),
    "child of 7 years 3 months on the Lansky scale": (
        dict(age_years="7", age_months="3", sex="female", ps_scale="lansky", ps_score="60",
             down_syndrome="yes"),
        {"age": {"years": 7, "months": 3}, "sex": "female",
         "performance_status": {"scale": "lansky", "score": 60}, "down_syndrome": True,
         "pregnant_or_breastfeeding": False}),
    "Karnofsky for an adult": (
        dict(ps_scale="karnofsky", ps_score="70", pregnant="no", infection="yes", hiv="no"),
        {"performance_status": {"scale": "karnofsky", "score": 70},
         "pregnant_or_breastfeeding": False,
         "infections": {"uncontrolled_infection": True, "hiv": False}}),
    "prior agents with dates, a transplant and active GVHD": (
        dict(status="relapse_1", prior_list="complete",
             given_multiagent_chemotherapy="y", date_multiagent_chemotherapy=days_ago(300),
             given_blinatumomab="y", date_blinatumomab=days_ago(61),
             outcome_blinatumomab="refractory", given_dasatinib="y",
             given_allogeneic_hsct="y", date_allogeneic_hsct=days_ago(100), gvhd="yes"),
        {"disease_status": "relapsed", "relapse_count": 1, "prior_therapies": [
            {"therapy": "multiagent_chemotherapy", "months_since_last_dose": months(300)},
            {"therapy": "blinatumomab", "months_since_last_dose": months(61),
             "outcome": "refractory"},
            {"therapy": "dasatinib"},
            {"therapy": "allogeneic_hsct", "months_since_last_dose": months(100)}],
         "active_gvhd": True}),
    "a complete list without a donor transplant means no GVHD": (
        dict(status="newly_diagnosed", prior_list="none"),
        {"disease_status": "newly_diagnosed", "relapse_count": 0, "prior_therapies": [],
         "active_gvhd": False}),
    "an incomplete list stays unknown": (
        dict(given_inotuzumab_ozogamicin="y", date_inotuzumab_ozogamicin=days_ago(30)), {}),
    "a marrow grade and an MRD band alone are not turned into numbers": (
        dict(marrow="m2", mrd_band="0_01_to_0_1"), {"mrd": {"status": "positive"}}),
    "everything unknown": ({}, {}),
}


@pytest.mark.parametrize("fields,expected", CASES.values(), ids=CASES.keys())
def test_clinical_answers_become_the_contract_profile(form_app, fields, expected):
    """Each clinical combination gives exactly the expected profile, valid under the schema."""
    profile = build(form_app, **fields)
    assert list(SCHEMA.iter_errors(profile)) == []
    assert profile == {"profile_version": 1, **expected}


def test_a_date_of_birth_gives_the_age_in_years_and_months(form_app):
    born = today().replace(year=today().year - 10) - timedelta(days=70)
    profile = build(form_app, date_of_birth=born.isoformat())
    assert profile["age"]["years"] == 10 and profile["age"]["months"] in (2, 1)


def test_every_therapy_of_the_contract_can_be_given():
    """The agent table offers each prior_therapies value of the contract once."""
    enum = profile_schema()["properties"]["prior_therapies"]["items"]["properties"][
        "therapy"]["enum"]
    assert sorted(THERAPIES) == sorted(enum)


# --------------------------------------------------------- the same as the API
RELAPSED = dict(age_years="29", sex="male", lineage="b_all", status="relapse_2",
                cr1_months="14", in_remission="no", blasts_percent="38", ph="negative",
                cd19="negative", cd22="positive", cns="cns1", ps_scale="ecog", ps_score="1",
                prior_list="complete", given_multiagent_chemotherapy="y",
                date_multiagent_chemotherapy=days_ago(152), given_blinatumomab="y",
                date_blinatumomab=days_ago(274), outcome_blinatumomab="responded",
                given_cd19_car_t="y", date_cd19_car_t=days_ago(122),
                outcome_cd19_car_t="responded", hiv="no", hepatitis_b="no", hepatitis_c="no",
                infection="no")
RELAPSED_PROFILE = {
    "profile_version": 1, "age": {"years": 29}, "sex": "male", "diagnosis": "b_all",
    "disease_status": "relapsed", "relapse_count": 2, "months_from_diagnosis_to_relapse": 14,
    "in_remission": False, "marrow_blasts_percent": 38, "philadelphia_chromosome": "negative",
    "cd19": "negative", "cd22": "positive", "cns_status": "cns1",
    "prior_therapies": [
        {"therapy": "multiagent_chemotherapy", "months_since_last_dose": months(152)},
        {"therapy": "blinatumomab", "months_since_last_dose": months(274),
         "outcome": "responded"},
        {"therapy": "cd19_car_t", "months_since_last_dose": months(122),
         "outcome": "responded"}],
    "active_gvhd": False, "performance_status": {"scale": "ecog", "score": 1},
    "pregnant_or_breastfeeding": False,
    "infections": {"hiv": False, "hepatitis_b": False, "hepatitis_c": False,
                   "uncontrolled_infection": False}}
CHILD = dict(age_years="4", age_months="2", sex="female", lineage="b_all",
             status="newly_diagnosed", prior_list="none", down_syndrome="no")
CHILD_PROFILE = {"profile_version": 1, "age": {"years": 4, "months": 2}, "sex": "female",
                 "diagnosis": "b_all", "disease_status": "newly_diagnosed", "relapse_count": 0,
                 "prior_therapies": [], "active_gvhd": False, "down_syndrome": False,
                 "pregnant_or_breastfeeding": False}
PH_ADULT = dict(age_years="47", sex="female", lineage="b_all", status="newly_diagnosed",
                ph="positive", prior_list="none", ps_scale="ecog", ps_score="2")
PH_ADULT_PROFILE = {"profile_version": 1, "age": {"years": 47}, "sex": "female",
                    "diagnosis": "b_all", "disease_status": "newly_diagnosed",
                    "relapse_count": 0, "philadelphia_chromosome": "positive",
                    "prior_therapies": [], "active_gvhd": False,
                    "performance_status": {"scale": "ecog", "score": 2}}


@pytest.mark.parametrize("fields,profile", [(RELAPSED, RELAPSED_PROFILE),
                                            (CHILD, CHILD_PROFILE),
                                            (PH_ADULT, PH_ADULT_PROFILE)],
                         ids=["relapsed adult", "newly diagnosed child", "Ph+ adult"])
def test_refer_and_the_api_give_the_same_verdicts(app, client, fields, profile):
    """The same patient described on /refer and sent to POST /api/v1/screen gets the same
    verdict for every open trial, and the referral filed keeps that very profile."""
    page = page_of(post(client, **fields))
    api = client.post("/api/v1/screen", json={"patient": profile}).get_json()["results"]
    assert page.trials and page.trials == {r["trial"]["id"]: r["verdict"] for r in api}
    response = post(client, "file", checked=page.value("checked"), physician_name="Dr Ana Ruiz",
                    email="ruiz@example.org", attest="y", **fields)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.query(Referral).one().profile == profile


# ------------------------------------------------------------------- mistakes
def test_each_mistake_is_named_and_everything_typed_stays(app, client):
    typed = dict(age_years="9", age_months="14", status="relapse_2", relapse_number="1",
                 blasts_percent="40", marrow="m1", ps_scale="ecog", ps_score="50",
                 given_blinatumomab="y", date_blinatumomab="last spring",
                 date_ponatinib=days_ago(10), mrd_result="negative", mrd_value="0.2",
                 note="Family prefers mornings.", physician_name="Dr Lee", practice="Hope Clinic")
    response = post(client, **typed)
    page = page_of(response)
    assert response.status_code == 200 and not page.trials, "no result for a faulty form"
    problems = "\n".join(page.summary)
    for label, words in [("and months", "from 0 to 11"),
                         ("Relapse number", "relapse number 2"),
                         ("Marrow status", "40% blasts is not M1"),
                         ("Performance score", "not an ECOG score"),
                         ("Blinatumomab: date of last dose", "year-month-day"),
                         ("Ponatinib: date of last dose", "Tick Ponatinib"),
                         ("MRD result (latest)", "negative MRD result")]:
        assert f"{label}: " in problems and words in problems, (label, problems)
    for name, value in typed.items():
        assert page.value(name) == value, name
    with app.app_context():
        assert db.session.query(Referral).count() == 0


def test_filing_names_what_is_missing_and_files_nothing(app, client):
    first = page_of(post(client, **CHILD))
    response = post(client, "file", checked=first.value("checked"), phone="call me", **CHILD)
    page = page_of(response)
    problems = "\n".join(page.summary)
    assert "Referring physician: Enter the referring physician's name." in problems
    assert "Phone: Enter a phone number in digits" in problems
    assert "agreed to be contacted" in problems  # the attestation, by its own words
    assert page.trials, "the result stays on the page"
    assert page.value("phone") == "call me" and page.value("prior_list") == "none"
    with app.app_context():
        assert db.session.query(Referral).count() == 0


def test_a_filing_whose_details_changed_shows_their_result_first(app, client):
    """Filing what the result was not shown for (never checked, or changed since) files
    nothing and shows the result for the details as they are; filing again files it."""
    contact = dict(physician_name="Dr Ana Ruiz", phone="+1 212 555 0100", attest="y")
    shown = page_of(post(client, **PH_ADULT))
    changed = {**PH_ADULT, "ph": "negative"}
    page = page_of(post(client, "file", checked=shown.value("checked"), **contact, **changed))
    assert "changed since the result was shown" in page.texts["notice"] and page.trials
    with app.app_context():
        assert db.session.query(Referral).count() == 0
    response = post(client, "file", checked=page.value("checked"), **contact, **changed)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.query(Referral).one().profile["philadelphia_chromosome"] == "negative"


# ------------------------------------------------------------------- filing
def test_a_filed_referral_reaches_the_desk_with_its_physician(app, client, make_user):
    checked = page_of(post(client, **RELAPSED)).value("checked")
    form = page_of(client.get("/refer"))
    response = post(client, "file", checked=checked, physician_name="Dr Ana Ruiz",
                    practice="Hope Clinic", phone="+1 212 555 0100", email="ruiz@example.org",
                    note="Second relapse after CAR-T.", attest="y", mrd_method="ngs",
                    **RELAPSED)
    assert response.status_code == 302 and response.headers["Location"] == "/refer/filed"
    for value in ("29", "relapse", "b_all", "Ruiz"):  # nothing of it in the address
        assert value not in response.headers["Location"]
    with client.session_transaction() as session:
        assert set(session) <= {FILED, "csrf_token"}
    confirmation = client.get("/refer/filed").get_data(as_text=True)
    with app.app_context():
        referral = db.session.query(Referral).one()
        assert referral.reference in confirmation
        assert referral.source == "physician" and referral.status == "new"
        assert referral.contact == {"physician_name": "Dr Ana Ruiz", "practice": "Hope Clinic",
                                    "phone": "+1 212 555 0100", "email": "ruiz@example.org"}
        assert referral.consent_text == form.labels["attest"].strip()
        assert referral.consent_version == "refer-consent-v1" and referral.consented_at
        assert referral.note.startswith("Second relapse after CAR-T.")
        assert "MRD method: NGS" in referral.note
        assert "Blinatumomab, last dose " + days_ago(274) in referral.note
        created = db.session.query(AuditEvent).filter_by(referral_id=referral.id).one()
        assert (created.action, created.actor) == ("referral_created", "physician")
        reference, rid = referral.reference, referral.id

    make_user("coordinator@example.org")
    from desk_support import sign_in
    assert sign_in(client).status_code == 302
    assert reference in client.get("/staff/").get_data(as_text=True)
    assert "physician" in client.get(f"/staff/referrals/{rid}").get_data(as_text=True)


def test_the_confirmation_needs_a_filing(client):
    assert client.get("/refer/filed").headers["Location"] == "/refer"


def test_the_form_refuses_a_post_without_its_csrf_token(app, client):
    response = client.post("/refer", data={"action": "file", **CHILD})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.query(Referral).count() == 0


def test_nothing_typed_on_the_form_reaches_the_logs(app, client, caplog):
    """A recognisable note, name and contact, checked and filed: no log line carries them."""
    planted = dict(physician_name="Dr Zebrafinch", email="zebrafinch@example.org",
                   phone="+1 212 555 0199", note="Planted-note-7731", practice="Quokka Clinic")
    caplog.set_level("DEBUG")
    checked = page_of(post(client, **RELAPSED)).value("checked")
    assert post(client, "file", checked=checked, attest="y", **planted,
                **RELAPSED).status_code == 302
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for value in [*planted.values(), days_ago(274)]:
        assert value not in logged
