"""Public reads of appeals: the list, one appeal, draft visibility, privacy."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from campaign.appeals.models import Appeal, DemandTarget
from campaign.signatures.counting import bump_signature_count
from tests.api.helpers import assert_error, assert_no_private_data


@pytest.fixture
def published(make_appeal, make_authority):
    authority = make_authority("Ministry of Interior", kind="ministry", contact_email="m@gov.kg")
    return make_appeal(
        title="Free the press",
        demands=["Stop raids", "Release them"],
        authority=authority,
        body="Read <script>alert(1)</script> **this**",
    )


def test_an_appeal_has_its_text_demands_targets_and_statuses(client, db, published):
    target = published.demands[0].targets[0]
    target.due_on = dt.date(2020, 1, 1)  # long past: overdue while awaiting
    bump_signature_count(published.id, 3)
    db.session.commit()

    response = client.get(f"/api/v1/appeals/{published.slug}")

    assert response.status_code == 200
    data = response.get_json()
    assert data["slug"] == published.slug
    assert data["state"] == "published"
    assert data["title"] == "Free the press"
    assert data["summary"] == "A short summary."
    assert data["body"] == "Read <script>alert(1)</script> **this**"
    assert "<strong>this</strong>" in data["body_html"]
    assert "<script" not in data["body_html"]
    assert data["language"] == "en"
    assert data["published_at"].endswith("+00:00")
    assert data["signature_count"] == 3
    assert data["endorsement_count"] == 0
    assert data["progress"]["total"] == 2
    assert data["progress"]["overdue"] == 1
    assert data["progress"]["summary"] == "0 of 2 demands met, 1 overdue"
    first, second = data["demands"]
    assert [first["position"], second["position"]] == [1, 2]
    assert [first["text"], second["text"]] == ["Stop raids", "Release them"]
    assert first["id"] == published.demands[0].id
    assert first["status_summary"] == "awaiting"
    assert first["overdue"] is True and second["overdue"] is False
    assert first["targets"] == [
        {
            "authority": {
                "slug": "ministry-of-interior",
                "name": "Ministry of Interior",
                "names": {},
                "kind": "ministry",
            },
            "status": "awaiting",
            "due_on": "2020-01-01",
            "delivered_on": None,
            "overdue": True,
        }
    ]
    assert_no_private_data(data)


def test_statuses_are_derived_from_the_targets(client, db, published):
    db.session.execute(
        sa.update(DemandTarget)
        .where(DemandTarget.demand_id == published.demands[1].id)
        .values(status="met")
    )
    db.session.commit()

    data = client.get(f"/api/v1/appeals/{published.slug}").get_json()

    assert [d["status_summary"] for d in data["demands"]] == ["awaiting", "met"]
    assert data["progress"]["met"] == 1
    assert data["progress"]["summary"] == "1 of 2 demands met"


def test_the_demo_appeal_reads_as_on_its_page(client, demo_appeal):
    data = client.get(f"/api/v1/appeals/{demo_appeal.slug}").get_json()

    assert data["issued_by"]["name"].startswith("Media Action Platform")
    assert set(data["issued_by"]) == {"slug", "name", "names"}
    assert data["issued_on"] == "2025-05-30"
    assert len(data["demands"]) == 4
    assert data["demands"][1]["targets"][0]["authority"]["slug"] == (
        "state-committee-for-national-security"
    )
    assert_no_private_data(data)


def test_unknown_appeal_is_a_json_404(client):
    assert_error(client.get("/api/v1/appeals/no-such-appeal"), 404, "not_found")


def test_a_draft_is_404_unless_an_editor_asks(client, make_appeal, api_token):
    draft = make_appeal(state="draft")
    url = f"/api/v1/appeals/{draft.slug}"

    assert_error(client.get(url), 404, "not_found")
    assert_error(client.get(url, headers=api_token("moderator")), 404)
    for role in ("editor", "admin"):
        response = client.get(url, headers=api_token(role))
        assert response.status_code == 200
        assert response.get_json()["state"] == "draft"
    # The token of one call never answers for the next one.
    assert_error(client.get(url), 404)


def test_a_bad_token_on_a_public_read_is_401_not_ignored(client, published):
    response = client.get(
        f"/api/v1/appeals/{published.slug}", headers={"Authorization": "Bearer ans_forged"}
    )
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_closed_and_archived_appeals_stay_readable(client, make_appeal):
    for state in ("closed", "archived"):
        appeal = make_appeal(state=state)
        response = client.get(f"/api/v1/appeals/{appeal.slug}")
        assert response.status_code == 200
        assert response.get_json()["state"] == state


# --- the list --------------------------------------------------------------------------------


def test_the_list_holds_published_and_closed_newest_first(client, db, make_appeal):
    older = make_appeal(title="Older")
    closed = make_appeal(title="Closed", state="closed")
    newer = make_appeal(title="Newer")
    make_appeal(title="Draft", state="draft")
    make_appeal(title="Archived", state="archived")
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for days, appeal in enumerate((older, closed, newer)):
        appeal.published_at = base + dt.timedelta(days=days)
    db.session.commit()

    data = client.get("/api/v1/appeals").get_json()

    assert [item["title"] for item in data["items"]] == ["Newer", "Closed", "Older"]
    assert data["total"] == 3
    assert (data["page"], data["per_page"]) == (1, 20)
    item = data["items"][0]
    assert item["signature_count"] == 0
    assert item["progress"]["summary"] == "0 of 2 demands met"
    assert [d["position"] for d in item["demands"]] == [1, 2]
    assert "body" not in item
    assert_no_private_data(data)


def test_the_list_is_paginated_with_its_total(client, db, make_authority):
    from tests.factories import make_appeal

    authority = make_authority(contact_email="press@gov.kg")
    for n in range(23):
        make_appeal(title=f"Appeal {n:02d}", demands=1, authority=authority)
    make_appeal(title="A draft", state="draft", authority=authority)

    page3 = client.get("/api/v1/appeals?page=3&per_page=10").get_json()
    assert page3["total"] == 23
    assert (page3["page"], page3["per_page"]) == (3, 10)
    assert len(page3["items"]) == 3

    titles = []
    for page in (1, 2, 3):
        data = client.get(f"/api/v1/appeals?page={page}&per_page=10").get_json()
        titles += [item["title"] for item in data["items"]]
    assert sorted(titles) == [f"Appeal {n:02d}" for n in range(23)]

    beyond = client.get("/api/v1/appeals?page=9&per_page=10").get_json()
    assert beyond["items"] == [] and beyond["total"] == 23

    assert len(client.get("/api/v1/appeals?per_page=100").get_json()["items"]) == 23
    assert db.session.execute(sa.select(sa.func.count()).select_from(Appeal)).scalar_one() == 24


@pytest.mark.parametrize(
    "query, field",
    [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("page=0", "page"),
        ("page=two", "page"),
        ("per_page=1.5", "per_page"),
    ],
)
def test_bad_paging_is_a_400_naming_the_parameter(client, query, field):
    error = assert_error(client.get(f"/api/v1/appeals?{query}"), 400, "invalid")
    assert field in error["fields"]


def test_a_page_far_beyond_any_list_is_refused_not_a_crash(client):
    assert_error(client.get(f"/api/v1/appeals?page={10**30}"), 400, "invalid")
