"""Campaigners' pages and the API find appeals, demand targets and status changes with the
areas' queries: each miss answers 404 with the words that edge has always used."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.appeals.demo import DEMO_SLUG, SCNS
from campaign.responses.models import StatusChange
from tests.api.helpers import assert_error

API = "/api/v1"


def test_the_api_names_what_it_did_not_find(client, api_token, demo_appeal):
    editor, moderator = api_token("editor"), api_token("moderator")
    d1 = demo_appeal.demands[0].id
    response = {"authority": SCNS, "occurred_on": "2025-06-05", "kind": "meeting",
                "summary": "Met.", "demands": [d1]}  # fmt: skip
    status = {"authority": SCNS, "status": "met", "note": "x"}
    cases = [
        ("POST", "/appeals/nothing-here/responses", editor, response, "No appeal 'nothing-here'."),
        ("GET", "/appeals/nothing-here/signatures", moderator, None, "No such appeal."),
        ("POST", "/demands/999999/status", editor, status, "No demand 999999."),
        ("POST", "/demands/999999/due", editor, {"authority": SCNS, "due_on": None},
         "No demand 999999."),
        ("POST", "/status-changes/999999/retract", editor, {"reason": "x"},
         "No status change 999999."),
    ]  # fmt: skip
    for method, path, headers, body, message in cases:
        answer = client.open(f"{API}{path}", method=method, headers=headers, json=body)
        assert assert_error(answer, 404, "not_found")["message"] == message, path
    unknown_demand = client.post(f"{API}/demands/999999/status", headers=editor, json=status)
    assert unknown_demand.get_json()["error"]["fields"] == {"demand": "Unknown demand."}


def test_an_unknown_authority_of_a_demand_is_bad_input(client, api_token, demo_appeal):
    d1 = demo_appeal.demands[0].id
    answer = client.post(f"{API}/demands/{d1}/status", headers=api_token("editor"),
                         json={"authority": "nobody", "status": "met", "note": "x"})  # fmt: skip
    error = assert_error(answer, 400, "invalid")
    assert error["message"] == "Unknown authority 'nobody'."
    assert error["fields"] == {"authority": "Unknown authority."}


def test_open_data_of_a_draft_is_not_found_in_json(client, make_appeal, db):
    draft = make_appeal(state="draft")
    db.session.commit()
    answer = client.get(f"/appeals/{draft.slug}/stats.json")
    assert assert_error(answer, 404, "not_found")["message"] == (
        "There is no published appeal with this address."
    )


def test_a_drafts_responses_page_does_not_exist(client, login, make_appeal, db):
    draft = make_appeal(state="draft")
    db.session.commit()
    login("editor")
    assert client.get(f"/admin/appeals/{draft.slug}/responses").status_code == 404
    assert client.get(f"/admin/appeals/{draft.slug}/signatures").status_code == 200


def test_a_change_is_retracted_only_under_its_own_appeal(
    db, client, login, demo_appeal, make_appeal
):
    other = make_appeal()
    db.session.commit()
    login("editor")
    target = demo_appeal.demands[0].targets[0]
    form = {"target": str(target.id), "status": "met", "note": "Done."}
    moved = client.post(f"/admin/appeals/{DEMO_SLUG}/responses/status", data=form)
    assert moved.status_code == 302
    change_id = db.session.scalar(sa.select(StatusChange.id))

    elsewhere = f"/admin/appeals/{other.slug}/responses/changes/{change_id}/retract"
    assert client.post(elsewhere, data={"reason": "Wrong."}).status_code == 404
    db.session.expire_all()
    assert db.session.get(StatusChange, change_id).retracted_at is None

    here = f"/admin/appeals/{DEMO_SLUG}/responses/changes/{change_id}/retract"
    assert client.post(here, data={"reason": "Wrong."}).status_code == 302
    db.session.expire_all()
    assert db.session.get(StatusChange, change_id).retracted_at is not None
