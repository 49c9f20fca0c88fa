"""Step pages: labels, fieldsets, progress, validation messages and keeping answers."""

import pytest
from wizard_pages import ADULT, CHILD, parse


def test_every_input_has_a_label_and_radio_groups_have_legends(client, wizard, every_question):
    """On every step of the adult path each input is labelled and radios sit in a legend'd fieldset."""
    wizard.complete(ADULT)
    for step in ADULT:
        page = parse(client.get(f"/screen/step/{step}"))
        labels = {el.attrs.get("for") for el in page.find_all("label")}
        inputs = [el for el in page.find_all("input") if el.attrs.get("type") != "hidden"]
        assert inputs, step
        for el in inputs:
            assert el.attrs["id"] in labels, (step, el.attrs)
        for fieldset in page.find_all("fieldset"):
            assert fieldset.find("legend").text
        progress = page.find("p", class_="progress").text
        last = step == list(ADULT)[-1]
        assert progress.startswith("This is the last page" if last else "About "), (step, progress)


def test_progress_counts_only_the_steps_that_apply(client, wizard):
    """On the child path (no relapse or timing step) the diagnosis page counts the pages
    that follow it: treatments, tests, health, daily life, where you live, and the
    adaptive questions the child's answers lead to."""
    wizard.complete(CHILD)  # and "I don't know" to every adaptive question
    later = ["treatments", "tests", "health", "daily", "location"]
    page = parse(client.get("/screen/step/diagnosis"))
    n = len(later) + len(_adaptive_answered(client))
    assert page.find("p", class_="progress").text == f"About {n} more pages after this one"


def _adaptive_answered(client):
    """The adaptive questions on the review page (sections after 'ZIP code and travel')."""
    page = parse(client.get("/screen/review"))
    names = [s.attrs["aria-labelledby"].removeprefix("review-")
             for s in page.find_all("section", class_="review-section")]
    return names[names.index("location") + 1:]


def test_wording_addresses_a_parent_as_your_child(client, wizard):
    """After 'I am a parent', questions say 'your child'."""
    wizard.start()
    wizard.answer("who", who="parent")
    page = parse(client.get("/screen/step/age"))
    assert page.find("label", for_="years").text == "How old is your child?"


def test_validation_error_keeps_the_rest_of_the_page_and_links_to_the_field(client, wizard):
    """A bad age shows an error summary linking to the field, and keeps the other answer."""
    wizard.start()
    wizard.answer("who", who="patient")
    response = wizard.answer("age", years="forty", sex="female")
    assert response.status_code == 200
    page = parse(response)
    summary = page.find("div", class_="error-summary")
    assert summary is not None
    links = summary.find_all("a")
    assert [a.attrs["href"] for a in links] == ["#years"]
    assert page.find("input", id="years").attrs["value"] == "forty"
    assert page.find("input", id="years").attrs["aria-invalid"] == "true"
    assert "years-error" in page.find("input", id="years").attrs["aria-describedby"]
    assert "checked" in page.find("input", id="sex-0").attrs
    assert page.find("title").text.startswith("Error:")


@pytest.mark.parametrize(("step", "fields", "message"), [
    ("age", {"years": "", "sex": "male"}, "Enter the age in years, for example 4."),
    ("age", {"years": "130", "sex": "male"}, "Enter a whole number from 0 to 120."),
    ("age", {"years": "forty", "sex": "male"},
     "Enter a whole number using digits only, for example 4."),
    ("age", {"years": "30"}, "Choose an answer."),
    ("diagnosis", {"diagnosis": "b_all", "status": "relapsed", "age_at_diagnosis": "45"},
     "This is more than the age you gave (29). Check both answers."),
    ("treatments", {"treatments": ["none", "chemo"]},
     '"No treatment yet" cannot go with other boxes. Untick one of them.'),
    ("treatments", {}, 'Tick at least one box, or "I\'m not sure".'),
    ("relapse", {"relapse_count": "2", "first_remission_months": "400", "extramedullary": "no"},
     "This is more months than the age you gave (about 360 months). Check the answer, or "
     "leave it empty if you are not sure."),
    ("timing", {"months_chemo": "999", "months_blinatumomab": "9", "months_cd19_car_t": "4"},
     "This is more months than the age you gave (about 360 months). Check the answer, or "
     "leave it empty if you are not sure."),
    ("location", {"zip": "1001", "travel": "50"},
     "Enter a ZIP code as 5 digits, for example 10016."),
    ("location", {"zip": "00000", "travel": "50"},
     "We could not find ZIP code 00000. Check it, or leave it empty."),
    ("location", {"zip": "99999", "travel": "50"},
     "We could not find ZIP code 99999. Check it, or leave it empty."),
])
def test_validation_messages(client, wizard, step, fields, message):
    """Each kind of wrong answer gets its own plain message at the field."""
    wizard.complete(ADULT)
    page = parse(wizard.answer(step, **fields))
    assert message in [el.text.replace("Error: ", "") for el in page.find_all("p", class_="error")]


def test_radio_error_links_to_the_first_choice(client, wizard):
    """An unanswered radio question links from the summary to its first radio button."""
    wizard.start()
    page = parse(wizard.answer("who"))
    href = page.find("div", class_="error-summary").find("a").attrs["href"]
    assert href == "#who-0" and page.find("input", id="who-0") is not None


def test_skipped_step_cannot_be_opened(client, wizard):
    """The relapse step of a newly diagnosed child redirects instead of showing."""
    wizard.complete(CHILD)
    response = client.get("/screen/step/relapse")
    assert response.status_code == 302


def test_cannot_jump_ahead_of_an_unanswered_step(client, wizard):
    """Opening a later step before answering earlier ones goes to the first unanswered one."""
    wizard.start()
    response = client.get("/screen/step/tests")
    assert response.headers["Location"].endswith("/screen/step/who")


def test_post_without_csrf_token_is_refused(client, wizard):
    """A step posted without the CSRF token is rejected."""
    wizard.start()
    response = client.post("/screen/step/who", data={"who": "patient", "action": "next"})
    assert response.status_code == 400


def test_unknown_zip_code_keeps_the_page_and_empty_is_still_allowed(client, wizard):
    """99999 is refused with a message naming it, the travel answer is kept; empty is fine."""
    wizard.complete({k: v for k, v in ADULT.items() if k != "location"})
    response = wizard.answer("location", zip="99999", travel="50")
    assert response.status_code == 200
    page = parse(response)
    summary = page.find("div", class_="error-summary")
    assert "We could not find ZIP code 99999" in summary.text
    assert summary.find("a").attrs["href"] == "#zip"
    assert page.find("input", id="zip").attrs["value"] == "99999"
    assert "checked" in page.find("input", id="travel-1").attrs
    assert client.get("/screen/results").status_code == 302  # not finished
    assert wizard.answer("location", zip="", travel="50").status_code == 302
    wizard.dont_know_rest()
    assert client.get("/screen/results").status_code == 200
    assert wizard.answer("location", zip="10016", travel="50").status_code == 302


def _changed_age_from_review(client, wizard, years):
    """The adult with age at diagnosis 27 changes his age from the review page."""
    wizard.complete(dict(ADULT, diagnosis=dict(ADULT["diagnosis"], age_at_diagnosis="27")))
    assert client.get("/screen/review").status_code == 200
    return wizard.answer("age", query="?from=review", years=years, sex="male")


def test_an_answer_that_no_longer_fits_a_changed_age_says_why(client, wizard):
    """Age 29 -> 25 with age at diagnosis 27: the diagnosis page says why it is shown again
    and marks the field; review and results send the person back there, still saying why."""
    response = _changed_age_from_review(client, wizard, "25")
    assert response.headers["Location"].endswith("/screen/step/diagnosis?from=review")
    page = parse(client.get(response.headers["Location"]))
    assert ("Your answer here no longer fits the age you gave: please check it."
            in page.find("div", class_="error-summary").text)
    for url in ("/screen/review", "/screen/results"):
        response = client.get(url, follow_redirects=True)
        assert response.request.path == "/screen/step/diagnosis"
        page = parse(response)
        summary = page.find("div", class_="error-summary")
        assert summary is not None, url
        assert ("Your answer here no longer fits the age you gave: please check it."
                in summary.text)
        assert summary.find("a").attrs["href"] == "#age_at_diagnosis"
        field = page.find("input", id="age_at_diagnosis")
        assert field.attrs["value"] == "27" and field.attrs["aria-invalid"] == "true"
        assert "This is more than the age you gave (25). Check both answers." in page.find(
            "p", class_="error").text
    # the other answers on the page are kept
    assert "checked" in page.find("input", id="status-1").attrs
    # fixed there, the person is back on the review page, with nothing left to fix
    response = wizard.answer("diagnosis", query="?from=review", diagnosis="b_all",
                             status="relapsed", age_at_diagnosis="24")
    assert response.headers["Location"].endswith("/screen/review")
    assert client.get("/screen/review").status_code == 200


def test_a_half_filled_page_left_with_back_gets_no_such_message(client, wizard):
    """Only answers that were valid once are 'no longer fitting': a page left half-filled with
    Back is shown as it was, without errors."""
    wizard.start()
    wizard.answer("who", who="patient")
    wizard.answer("age", years="29", sex="male")
    wizard.answer("diagnosis", action="back", diagnosis="b_all", age_at_diagnosis="45")
    page = parse(client.get("/screen/step/diagnosis"))
    assert page.find("div", class_="error-summary") is None


def test_the_reason_is_given_in_spanish(client, wizard):
    """The same message in Spanish."""
    _changed_age_from_review(client, wizard, "25")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    page = parse(client.get("/screen/step/diagnosis"))
    assert ("Su respuesta aquí ya no concuerda con la edad que indicó" in
            page.find("div", class_="error-summary").text)


def test_a_remission_longer_than_the_illness_is_caught_and_the_limit_itself_is_accepted(
        client, wizard):
    """Diagnosed at 27, now 29: a 40-month first remission is a typo, 36 months is possible."""
    wizard.complete(ADULT)
    wizard.answer("diagnosis", diagnosis="b_all", status="relapsed", age_at_diagnosis="27")
    page = parse(wizard.answer("relapse", relapse_count="2", first_remission_months="40",
                               extramedullary="no"))
    assert ("This is more months than the time since the leukemia was first found (about 36 "
            "months). Check the answer, or leave it empty if you are not sure."
            in [el.text.replace("Error: ", "") for el in page.find_all("p", class_="error")])
    assert "checked" in page.find("input", id="relapse_count-1").attrs  # the rest is kept
    assert wizard.answer("relapse", relapse_count="2", first_remission_months="36",
                         extramedullary="no").status_code == 302


def test_treatments_hint_says_only_what_the_list_does(client, wizard):
    """The treatments list names some medicines brand first (Blincyto (blinatumomab)) and some
    not (rituximab (Rituxan)): the hint claims no order, and its example is a choice."""
    import re

    wizard.start()
    for step in ("who", "age", "diagnosis"):
        wizard.answer(step, **CHILD[step])
    page = parse(client.get("/screen/step/treatments"))
    labels = [el.text for el in page.find_all("label")]
    both = [label for label in labels if re.fullmatch(r"[^()]+ \([^()]+\)", label)]
    assert any(b[0].isupper() for b in both) and any(b[0].islower() for b in both), both
    hint = page.find("p", class_="hint").text
    assert "first" not in hint, hint
    example = re.search(r"for example (\w+ \(\w+\))", hint).group(1)
    assert example in labels, (example, labels)


@pytest.mark.parametrize("who", ["patient", "parent", "caregiver"])
def test_location_page_title_fits_whose_zip_code_it_asks(client, wizard, who):
    """A caregiver is asked for the patient's ZIP code: the page's title does not say it is
    where the caregiver lives ('Where you live'), for anyone."""
    answers = dict(CHILD, who={"who": who})
    wizard.complete({k: v for k, v in answers.items() if k != "location"}, dont_know=False)
    page = parse(client.get("/screen/step/location"))
    label = page.find("label", for_="zip").text
    assert ("patient's" in label) == (who == "caregiver"), label
    assert page.h1 == "ZIP code and travel"
