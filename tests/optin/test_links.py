"""The opt-in kit through both areas: a mailed link's token is made when the worker sends the
mail, so how long it works counts from sending, for signers and endorsers alike."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from campaign.mail.worker import drain
from tests.endorsements.helpers import endorse
from tests.endorsements.helpers import link as endorsement_link
from tests.signatures.helpers import LINK, body, sign

START = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


def _sign(client, appeal) -> None:
    assert sign(client, appeal).status_code == 303


def _signature_confirm_path(message) -> str:
    [token] = [token for kind, token in LINK.findall(body(message)) if kind == "confirm"]
    return f"/confirm/{token}"


def _endorse(client, appeal) -> None:
    assert endorse(client, appeal.slug).status_code == 302


def _endorsement_confirm_path(message) -> str:
    return endorsement_link(message, "confirm")


AREAS = {
    "signature": (_sign, _signature_confirm_path, 303),
    "endorsement": (_endorse, _endorsement_confirm_path, 200),
}


@pytest.mark.parametrize("area", AREAS)
def test_a_confirmation_link_works_for_its_lifetime_from_sending(
    app, client, db, smtp, make_appeal, area
):
    submit, confirm_path, confirmed = AREAS[area]
    app.config["CONFIRM_TOKEN_MAX_AGE"] = int(2 * HOUR.total_seconds())
    appeal = make_appeal()
    with time_machine.travel(START, tick=False):
        submit(client, appeal)
    with time_machine.travel(START + 3 * HOUR, tick=False):
        assert drain() == 1  # the worker was down for three hours
    [message] = smtp.wait_for(1)
    with time_machine.travel(START + 4 * HOUR, tick=False):
        assert client.post(confirm_path(message)).status_code == confirmed
    with time_machine.travel(START + 6 * HOUR, tick=False):
        assert client.post(confirm_path(message)).status_code == 400  # its lifetime is over
