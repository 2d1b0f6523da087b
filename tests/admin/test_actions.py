"""Every campaigner page changes things the same way (campaign.core.actions.run_action): done,
it commits, says so and redirects; refused, it keeps nothing, shows why and answers 400."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.endorsements.models import Organization
from campaign.signatures.models import Signature
from tests.signatures.helpers import sign


def _organizations(db) -> list[str]:
    return list(db.session.scalars(sa.select(Organization.name)))


def test_a_refused_form_keeps_nothing_the_service_wrote_before_refusing(db, client, login):
    login("editor")
    # The issuing organization is created (and flushed) before the appeal is refused.
    refused = client.post(
        "/admin/appeals/new",
        data={"title": "", "summary": "S", "body": "B", "language": "en", "issued_by": "Ghosts"},
    )
    assert refused.status_code == 400
    assert "A title is required." in refused.get_data(as_text=True)
    done = client.post(
        "/admin/appeals/new",
        data={"title": "Real", "summary": "S", "body": "B", "language": "en", "issued_by": "Real"},
    )
    assert done.status_code == 302
    assert _organizations(db) == ["Real"]


def test_a_refused_bulk_invalidation_answers_400_and_changes_nothing(
    db, client, smtp, make_appeal, login
):
    appeal = make_appeal()
    sign(client, appeal)
    login("moderator")
    url = f"/admin/appeals/{appeal.slug}/signatures/invalidate"
    refused = client.post(url, data={"confirm": "1", "reason": " "})
    assert refused.status_code == 400
    assert "Give a reason" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(Signature.state)) == "pending"
    done = client.post(url, data={"confirm": "1", "reason": "a bot"})
    assert done.status_code == 303
    assert db.session.scalar(sa.select(Signature.state)) == "invalidated"


def test_a_refused_button_says_why_and_goes_back(db, client, login, make_appeal):
    appeal = make_appeal(state="draft", demands=0)
    login("editor")
    response = client.post(f"/admin/appeals/{appeal.slug}/publish")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/appeals/{appeal.slug}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="flash flash-error"' in page
    assert "Add at least one demand before publishing." in page
