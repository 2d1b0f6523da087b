"""The schemas other areas nest dump the models directly."""

from __future__ import annotations

from campaign.api.schemas.appeals import AppealRefSchema, AppealSchema, DemandSchema
from campaign.api.schemas.authorities import AuthoritySchema
from campaign.signatures.counting import bump_signature_count
from tests.api.helpers import assert_no_private_data


def test_schemas_dump_models_directly(app, db, make_appeal, make_authority):
    authority = make_authority("Parliament", contact_email="speaker@gov.kg")
    first = make_appeal(title="First", demands=["One", "Two"], authority=authority)
    second = make_appeal(title="Second", demands=1, authority=authority)
    bump_signature_count(second.id, 7)
    db.session.commit()

    assert AppealRefSchema().dump(first) == {
        "slug": "first",
        "title": "First",
        "state": "published",
    }
    demands = DemandSchema(many=True).dump(first.demands)
    assert [(d["position"], d["text"], d["status_summary"]) for d in demands] == [
        (1, "One", "awaiting"),
        (2, "Two", "awaiting"),
    ]
    with app.test_request_context():  # the progress line is translated for the caller
        appeals = AppealSchema(many=True).dump([first, second])
        single = AppealSchema().dump(second)
    assert [(a["title"], a["signature_count"]) for a in appeals] == [("First", 0), ("Second", 7)]
    assert single["signature_count"] == 7
    assert single["progress"]["summary"] == "0 of 1 demand met"
    assert_no_private_data(appeals)
    assert_no_private_data(AuthoritySchema().dump(authority))
