"""The signature form's abuse rules apply to endorsements: over the rate limit, a submission
gets the same answer and mail but is stored flagged and never reaches the queue."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm.attributes import set_committed_value

from campaign.endorsements import queries, services
from campaign.endorsements.models import Endorsement
from tests.endorsements.helpers import endorse, link, mails


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True, "SIGN_RATE_LIMIT": "2/minute"}


def test_over_the_rate_limit_is_flagged_silently(client, db, smtp, make_appeal):
    appeal = make_appeal()
    for n in range(3):
        response = endorse(
            client,
            appeal.slug,
            organization_name=f"Org {n}",
            website="",
            contact_email=f"org{n}@example.org",
        )
        assert response.status_code == 302
    for message in mails(smtp, 3):  # the same mail for all three
        assert client.post(link(message, "confirm")).status_code == 200
    rows = Endorsement.query.order_by(Endorsement.id).all()
    assert [r.flagged for r in rows] == [None, None, "rate-limit"]
    assert all(r.state == "submitted" for r in rows)
    assert [e.id for e in queries.moderation_queue()] == [rows[0].id, rows[1].id]
    # The address is kept only as a keyed hash.
    assert re.fullmatch(r"[0-9a-f]{64}", rows[0].ip_key) and "127.0.0.1" not in rows[0].ip_key


def test_a_moderation_that_lost_a_race_changes_nothing(client, db, smtp, make_appeal, make_user):
    appeal = make_appeal()
    endorse(client, appeal.slug, website="", contact_email="a@example.org")
    client.post(link(mails(smtp, 1)[0], "confirm"))
    moderator = make_user("moderator")
    endorsement = Endorsement.query.one()
    services.approve_endorsement(moderator, endorsement)
    db.session.commit()
    # This request still believes the endorsement waits, as if another moderator had
    # approved it between our read and our write.
    set_committed_value(endorsement, "state", "submitted")
    with pytest.raises(services.InvalidInput, match="meanwhile"):
        services.approve_endorsement(moderator, endorsement)
    db.session.rollback()
    db.session.refresh(appeal)
    assert appeal.endorsement_count == 1
