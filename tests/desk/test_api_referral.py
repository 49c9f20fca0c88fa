"""A referral filed by a physician's system (POST /api/v1/referrals) reaches the desk."""

from __future__ import annotations

from desk_support import profile


def test_an_api_referral_is_in_the_queue_and_on_its_page(admin, runner):
    created = runner.invoke(args=["create-token", "ehr-north", "--scope", "referrals:write"])
    token = created.stdout.splitlines()[0]
    body = {"patient": profile("child-newly-diagnosed"),
            "contact": {"name": "Dr. Ada Lovelace", "email": "ada@clinic.example"},
            "consent": {"text": "The parent agreed.", "version": "ehr-3"}}
    filed = admin.post("/api/v1/referrals", json=body,
                       headers={"Authorization": f"Bearer {token}"})
    assert filed.status_code == 201
    reference = filed.get_json()["reference"]
    queue = admin.get("/staff/?source=api").get_data(as_text=True)
    assert reference in queue
    assert reference not in admin.get("/staff/?source=patient").get_data(as_text=True)
