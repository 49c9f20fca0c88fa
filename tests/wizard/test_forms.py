"""Step pages: labels, fieldsets, progress, validation messages and keeping answers."""

import pytest
from conftest import ADULT, CHILD, parse


def test_every_input_has_a_label_and_radio_groups_have_legends(client, wizard):
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
        assert page.find("p", class_="progress").text.startswith("Step ")


def test_progress_counts_only_the_steps_that_apply(client, wizard):
    """The child path shows 'Step 3 of 8' on the diagnosis page (no relapse or timing step)."""
    wizard.complete(CHILD)
    page = parse(client.get("/screen/step/diagnosis"))
    assert page.find("p", class_="progress").text == "Step 3 of 8"


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
    ("location", {"zip": "1001", "travel": "50"},
     "Enter a ZIP code as 5 digits, for example 10016."),
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
