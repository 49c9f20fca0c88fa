"""Drafts: answers server-side only, back/next keep them, restart survival, idle expiry."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from wizard_pages import ADULT, CHILD, OPTIONAL, WizardActions, parse

from screener import create_app
from screener.models import WizardDraft, db


def _session(app, client) -> dict:
    cookie = client.get_cookie("session")
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def test_cookie_holds_only_the_draft_id_and_urls_hold_no_answers(app, client, wizard):
    """After a whole wizard the cookie has just a random id, and no answer is in any URL."""
    wizard.start()
    locations = []
    for step, fields in ADULT.items():
        if step in OPTIONAL and not wizard.asked(step):
            continue  # no open study reads its questions: never shown
        response = wizard.answer(step, **fields)
        locations.append(response.headers["Location"])
    data = _session(app, client)
    assert set(data) <= {"wizard_draft", "csrf_token", "lang", "_flashes"}
    assert len(data["wizard_draft"]) >= 40
    # The draft id and the CSRF token are random strings (either may contain "29"
    # by chance); everything else in the cookie must hold no answer.
    readable = json.dumps({k: v for k, v in data.items() if k not in ("wizard_draft", "csrf_token")})
    for value in ("10016", "blinatumomab", "29", "relapsed", "male"):
        assert value not in readable
        assert not any(value in loc for loc in locations)


def test_back_keeps_answers_without_checking_them(client, wizard):
    """Back saves a half-filled page as typed and shows it again on return."""
    wizard.start()
    wizard.answer("who", who="patient")
    response = wizard.answer("age", action="back", years="4x")
    assert response.headers["Location"].endswith("/screen/step/who")
    page = parse(client.get("/screen/step/age"))
    assert page.find("input", id="years").attrs["value"] == "4x"


def test_going_back_three_steps_and_changing_an_answer(client, wizard):
    """Changing 'relapsed' to 'newly diagnosed' three steps back keeps later answers and skips relapse."""
    wizard.start()
    for step in ("who", "age", "diagnosis", "relapse", "treatments"):
        wizard.answer(step, **ADULT[step])
    # now on timing: back three times (timing -> treatments -> relapse -> diagnosis)
    for step in ("timing", "treatments", "relapse"):
        response = wizard.answer(step, action="back",
                                 **(ADULT[step] if step != "timing" else {}))
    assert response.headers["Location"].endswith("/screen/step/diagnosis")
    page = parse(client.get("/screen/step/diagnosis"))
    assert "checked" in page.find("input", id="status-1").attrs  # relapsed, as answered
    response = wizard.answer("diagnosis", diagnosis="b_all", status="newly_diagnosed")
    assert response.headers["Location"].endswith("/screen/step/treatments")
    page = parse(client.get("/screen/step/treatments"))
    ticked = [el.attrs["value"] for el in page.find_all("input") if "checked" in el.attrs]
    assert ticked == ["chemo", "blinatumomab", "cd19_car_t"]


def test_draft_survives_a_restart(app, client, wizard, tmp_path):
    """A new app process on the same database and key finds the answers from the cookie."""
    wizard.start()
    wizard.answer("who", who="parent")
    wizard.answer("age", years="4", sex="female")
    cookie = client.get_cookie("session").value
    restarted = create_app({"TESTING": True, "SECRET_KEY": app.config["SECRET_KEY"],
                            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    other = restarted.test_client()
    other.set_cookie("session", cookie)
    try:
        page = parse(other.get("/screen/step/age"))
    finally:
        with restarted.app_context():
            db.engine.dispose()  # the second "process" closes its connections
    assert page.find("input", id="years").attrs["value"] == "4"
    assert page.find("label", for_="years").text == "How old is your child?"


def test_idle_draft_expires_with_a_clear_message(app, client, wizard):
    """A draft idle past WIZARD_DRAFT_IDLE_MINUTES is deleted and the person told plainly."""
    wizard.start()
    wizard.answer("who", who="patient")
    draft_id = _session(app, client)["wizard_draft"]
    with app.app_context():
        draft = db.session.get(WizardDraft, draft_id)
        draft.updated_at -= timedelta(minutes=app.config["WIZARD_DRAFT_IDLE_MINUTES"] + 1)
        db.session.commit()
    response = client.get("/screen/step/age", follow_redirects=True)
    page = parse(response)
    notice = page.find("div", class_="notice-expired")
    assert notice is not None and "deleted after 2 hours" in notice.text
    with app.app_context():
        assert db.session.get(WizardDraft, draft_id) is None


def test_active_draft_does_not_expire(app, client, wizard):
    """A draft used within the idle limit keeps its answers."""
    wizard.start()
    wizard.answer("who", who="patient")
    draft_id = _session(app, client)["wizard_draft"]
    with app.app_context():
        draft = db.session.get(WizardDraft, draft_id)
        draft.updated_at -= timedelta(minutes=app.config["WIZARD_DRAFT_IDLE_MINUTES"] - 5)
        db.session.commit()
    assert client.get("/screen/step/age").status_code == 200


def test_forget_deletes_the_answers(app, client, wizard):
    """'Delete my answers now' removes the draft from the database."""
    wizard.complete(CHILD)
    draft_id = _session(app, client)["wizard_draft"]
    page = parse(client.get("/screen/results"))
    client.post("/screen/forget", data={"csrf_token": page.csrf()})
    with app.app_context():
        assert db.session.get(WizardDraft, draft_id) is None
    assert client.get("/screen/review").status_code == 302


def test_two_browsers_have_separate_drafts(app):
    """Two clients' answers never mix."""
    a, b = app.test_client(), app.test_client()
    WizardActions(a).complete(CHILD)
    WizardActions(b).complete(ADULT)
    assert parse(a.get("/screen/step/age")).find("input", id="years").attrs["value"] == "4"
    assert parse(b.get("/screen/step/age")).find("input", id="years").attrs["value"] == "29"


@pytest.mark.parametrize("action", ["next", "back"])
def test_a_step_keeps_only_its_own_fields(app, client, wizard, action):
    """5,000 made-up fields posted with a step are dropped: the draft keeps that step's answers
    and nothing else (they used to be stored, growing the draft and slowing every page)."""
    wizard.start()
    wizard.answer("who", who="parent")
    junk = {f"junk{i}": "x" * 20 for i in range(5000)}
    response = wizard.answer("age", action=action, years="4", sex="female", **junk)
    assert response.status_code == 302
    with app.app_context():
        draft = db.session.get(WizardDraft, _session(app, client)["wizard_draft"])
        assert draft.answers["age"] == {"years": ["4"], "sex": ["female"]}
        assert "junk" not in json.dumps(draft.answers)


ZIPS = ["10016", "11030", "90027", "30342", "48109", "60611", "77030", "98105"]


def test_two_tabs_saving_at_once_keep_both_answers(app, client, wizard):
    """Two tabs of one browser save different steps at the same moment, 30 times over: every
    save keeps the other tab's answer (a save used to replace the whole draft)."""
    wizard.complete(CHILD)
    draft_id = _session(app, client)["wizard_draft"]
    tab = app.test_client()
    tab.set_cookie("session", client.get_cookie("session").value)
    token = parse(client.get("/screen/step/daily")).csrf()
    barrier = threading.Barrier(2)

    def save(browser, step, fields):
        barrier.wait()
        return browser.post(f"/screen/step/{step}?from=review",
                            data={"csrf_token": token, "action": "next", **fields})

    with ThreadPoolExecutor(2) as pool:
        for r in range(30):
            activity, zip_code = str(r % 2), ZIPS[r % len(ZIPS)]
            one = pool.submit(save, client, "daily", {"activity": activity})
            two = pool.submit(save, tab, "location", {"zip": zip_code, "travel": "50"})
            assert one.result().status_code == two.result().status_code == 302
            with app.app_context():
                answers = db.session.get(WizardDraft, draft_id).answers
                assert (answers["daily"]["activity"], answers["location"]["zip"]) == (
                    [activity], [zip_code]), f"round {r}"
