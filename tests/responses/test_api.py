"""The responses part of the JSON API: public reads and the campaigners' calls."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g

from campaign.appeals.demo import AUTHORITIES, DEMO_SLUG, SCNS
from campaign.appeals.models import DueDateChange
from campaign.responses.models import Response, StatusChange

API = "/api/v1"


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def test_campaigner_records_moves_extends_and_retracts(db, client, api_token, demo_appeal):
    headers = api_token("editor")
    d1, d2, d3, _d4 = (d.id for d in demo_appeal.demands)
    created = client.post(f"{API}/appeals/{DEMO_SLUG}/responses", headers=headers, json={
        "authority": SCNS, "occurred_on": "2025-06-05", "kind": "official_letter",
        "summary": "Denies.", "source_url": "https://example.org/l", "demands": [d1, d3],
        "statuses": [{"demand": d1, "status": "rejected", "note": "Denies the facts."}],
    })  # fmt: skip
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["demand_positions"] == [1, 3] and body["authority"]["slug"] == SCNS

    unrelated = client.post(f"{API}/demands/{d2}/status", headers=headers, json={
        "authority": SCNS, "status": "acknowledged", "response": body["id"],
    })  # fmt: skip
    assert unrelated.status_code == 400
    assert "does not concern demand 2" in unrelated.get_json()["error"]["fields"]["response"]
    moved = client.post(f"{API}/demands/{d3}/status", headers=headers, json={
        "authority": SCNS, "status": "acknowledged", "response": body["id"],
    })  # fmt: skip
    assert moved.status_code == 201, moved.get_json()
    change = moved.get_json()
    assert (change["from_status"], change["to_status"]) == ("awaiting", "acknowledged")
    assert change["target"]["status"] == "acknowledged"

    due = client.post(f"{API}/demands/{d2}/due", headers=headers,
                      json={"authority": SCNS, "due_on": "2025-06-30"})  # fmt: skip
    assert due.status_code == 200 and due.get_json()["due_on"] == "2025-06-30"
    extended = client.post(f"{API}/demands/{d2}/due", headers=headers, json={
        "authority": SCNS, "due_on": "2025-07-30", "reason": "Asked for more time.",
    })  # fmt: skip
    assert extended.status_code == 200
    assert _count(db, DueDateChange) == 2

    retracted = client.post(f"{API}/status-changes/{change['id']}/retract", headers=headers,
                            json={"reason": "Wrong demand."})  # fmt: skip
    assert retracted.status_code == 200
    assert retracted.get_json()["retracted_at"] is not None
    assert retracted.get_json()["target"]["status"] == "awaiting"

    listed = client.get(f"{API}/appeals/{DEMO_SLUG}/responses").get_json()
    assert listed["total"] == 1 and listed["items"][0]["summary"] == "Denies."
    timeline = client.get(f"{API}/appeals/{DEMO_SLUG}/timeline").get_json()
    assert [i["kind"] for i in timeline["items"]] == ["published", "response", "status_change"]


def test_bad_calls_are_refused_with_clear_errors_and_nothing_stored(
    db, client, api_token, demo_appeal
):
    headers = api_token("editor")
    d1, d2 = demo_appeal.demands[0].id, demo_appeal.demands[1].id
    good = {"authority": SCNS, "occurred_on": "2025-06-05", "kind": "meeting",
            "summary": "Met.", "demands": [d1]}  # fmt: skip
    cases = [
        (f"/appeals/{DEMO_SLUG}/responses", {**good, "authority": "nobody"}, 400, "authority"),
        (f"/appeals/{DEMO_SLUG}/responses", {**good, "demands": [999_999]}, 400, "demands"),
        (f"/appeals/{DEMO_SLUG}/responses", {**good, "kind": "gossip"}, 400, "kind"),
        (f"/appeals/{DEMO_SLUG}/responses", {**good, "source_url": "ftp://x.org/a"}, 400,
         "source_url"),
        (f"/appeals/{DEMO_SLUG}/responses", {**good, "authority": AUTHORITIES, "demands": [d2]},
         400, "demands"),
        ("/appeals/no-such-appeal/responses", good, 404, None),
        (f"/demands/{d1}/status", {"authority": SCNS, "status": "overdue", "note": "x"}, 400,
         "status"),
        (f"/demands/{d1}/status", {"authority": SCNS, "status": "met"}, 400, "note"),
        (f"/demands/{d1}/status", {"authority": "nobody", "status": "met", "note": "x"}, 400,
         "authority"),
        ("/demands/999999/status", {"authority": SCNS, "status": "met", "note": "x"}, 404, None),
        (f"/demands/{d1}/status", {"authority": SCNS, "status": "met",
                                   "source_url": "javascript:alert(1)"}, 400, "source_url"),
        (f"/demands/{d1}/due", {"authority": SCNS, "due_on": "2025-05-01"}, 400, "due_on"),
        ("/status-changes/999999/retract", {"reason": "x"}, 404, None),
    ]  # fmt: skip
    for path, payload, status, field in cases:
        response = client.post(f"{API}{path}", headers=headers, json=payload)
        assert response.status_code == status, (path, payload, response.get_json())
        error = response.get_json()["error"]
        assert error["message"]
        if field:
            assert field in error["fields"], (path, payload, error)
    assert _count(db, Response) == _count(db, StatusChange) == _count(db, DueDateChange) == 0


def test_campaigner_calls_need_an_editor(client, api_token, demo_appeal):
    d1 = demo_appeal.demands[0].id
    payload = {"authority": SCNS, "status": "met", "note": "x"}
    assert client.post(f"{API}/demands/{d1}/status", json=payload).status_code == 401
    # The test app context outlives requests, so forget the caller bearer_user() cached in g.
    g.pop("api_user", None)
    moderator = api_token("moderator")
    assert client.post(f"{API}/demands/{d1}/status", json=payload,
                       headers=moderator).status_code == 403  # fmt: skip


def test_the_openapi_document_describes_the_calls(client):
    spec = client.get(f"{API}/openapi.json").get_json()
    for path in ("/api/v1/appeals/{slug}/responses", "/api/v1/appeals/{slug}/timeline",
                 "/api/v1/authorities/{slug}", "/api/v1/demands/{demand_id}/status",
                 "/api/v1/demands/{demand_id}/due",
                 "/api/v1/status-changes/{change_id}/retract"):  # fmt: skip
        assert path in spec["paths"], path
