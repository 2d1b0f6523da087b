"""Campaigners' calls on appeals: create, edit (demand identity), publish, close."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from campaign.accounts.models import ApiToken
from campaign.appeals.models import Appeal, Demand
from campaign.audit.models import AuditEntry
from campaign.core.database import utcnow
from campaign.responses.models import StatusChange
from tests.api.helpers import assert_error


@pytest.fixture
def editor(api_token):
    return api_token("editor")


@pytest.fixture
def authorities(make_authority):
    return (
        make_authority("State Committee for National Security", kind="security_service"),
        make_authority("Parliament", kind="parliament"),
    )


def appeal_body(**overrides) -> dict:
    body = {
        "title": "Stop the raids",
        "summary": "Raids on newsrooms must end.",
        "body": "We, the undersigned, **demand**:",
        "language": "en",
        "signature_goal": 1000,
        "closes_at": "2027-01-31T12:00:00Z",
        "demands": [
            {
                "text": "Stop the raids",
                "targets": [
                    {"authority": "state-committee-for-national-security", "due_on": "2027-01-01"}
                ],
            },
            {
                "text": "Return the equipment",
                "targets": [
                    {"authority": "state-committee-for-national-security"},
                    {"authority": "parliament", "due_on": None},
                ],
            },
        ],
    }
    body.update(overrides)
    return body


def count(db, model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


# --- create ----------------------------------------------------------------------------------


def test_an_editor_creates_a_draft_with_demands_and_targets(client, db, editor, authorities):
    response = client.post("/api/v1/appeals", json=appeal_body(), headers=editor)

    assert response.status_code == 201, response.get_json()
    assert response.headers["Location"].endswith("/api/v1/appeals/stop-the-raids")
    data = response.get_json()
    assert data["slug"] == "stop-the-raids"
    assert data["state"] == "draft"
    assert data["published_at"] is None
    assert data["closes_at"] == "2027-01-31T12:00:00+00:00"
    assert data["signature_goal"] == 1000
    assert [d["text"] for d in data["demands"]] == ["Stop the raids", "Return the equipment"]
    assert [d["position"] for d in data["demands"]] == [1, 2]
    targets = data["demands"][1]["targets"]
    assert [t["authority"]["slug"] for t in targets] == [
        "state-committee-for-national-security",
        "parliament",
    ]
    assert data["demands"][0]["targets"][0]["due_on"] == "2027-01-01"
    # Stored, audited, and invisible to the public until published.
    appeal = db.session.execute(
        sa.select(Appeal).where(Appeal.slug == "stop-the-raids")
    ).scalar_one()
    assert appeal.state == "draft"
    assert db.session.execute(
        sa.select(AuditEntry.action).where(AuditEntry.subject == f"appeal:{appeal.id}")
    ).scalars().all() == ["appeal.create"]
    assert_error(client.get("/api/v1/appeals/stop-the-raids"), 404)


def test_create_needs_only_a_title(client, editor):
    response = client.post("/api/v1/appeals", json={"title": "Just a title"}, headers=editor)
    assert response.status_code == 201
    data = response.get_json()
    assert (data["summary"], data["body"], data["demands"]) == ("", "", [])


def test_a_second_appeal_with_the_same_title_gets_its_own_slug(client, editor):
    first = client.post("/api/v1/appeals", json={"title": "Same"}, headers=editor).get_json()
    second = client.post("/api/v1/appeals", json={"title": "Same"}, headers=editor).get_json()
    assert (first["slug"], second["slug"]) == ("same", "same-2")


def test_an_unknown_authority_names_the_field_and_creates_nothing(client, db, editor, authorities):
    body = appeal_body()
    body["demands"][1]["targets"][1]["authority"] = "ministry-of-truth"

    error = assert_error(client.post("/api/v1/appeals", json=body, headers=editor), 400, "invalid")

    assert "ministry-of-truth" in str(error["fields"])
    assert error["fields"]["demands"]["1"]["targets"]["1"]["authority"]
    assert count(db, Appeal) == 0


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"signature_goal": 10.5}, "signature_goal"),
        ({"signature_goal": 10.0}, "signature_goal"),
        ({"signature_goal": "10"}, "signature_goal"),
        ({"signature_goal": 0}, "signature_goal"),
        ({"closes_at": "next week"}, "closes_at"),
        ({"language": "English please"}, "language"),
        ({"demands": [{"text": ""}]}, "demands"),
        ({"demands": [{"targets": []}]}, "demands"),
        ({"demands": [{"text": "x", "targets": [{"due_on": "2027-01-01"}]}]}, "demands"),
        ({"demands": [{"text": "x", "id": 1.0}]}, "demands"),
        ({"demands": "all of them"}, "demands"),
        ({"state": "published"}, "state"),
    ],
)
def test_bad_fields_are_named_and_nothing_is_created(
    client, db, editor, authorities, overrides, field
):
    response = client.post("/api/v1/appeals", json=appeal_body(**overrides), headers=editor)

    error = assert_error(response, 400, "invalid")
    assert field in error["fields"]
    assert count(db, Appeal) == 0


def test_a_missing_title_is_named(client, editor):
    error = assert_error(client.post("/api/v1/appeals", json={}, headers=editor), 400)
    assert "title" in error["fields"]


def test_the_same_authority_twice_for_one_demand_is_refused(client, db, editor, authorities):
    body = appeal_body()
    body["demands"][0]["targets"].append({"authority": "state-committee-for-national-security"})

    assert_error(client.post("/api/v1/appeals", json=body, headers=editor), 400, "invalid")
    assert count(db, Appeal) == 0


def test_a_naive_closing_time_is_taken_as_utc(client, editor):
    body = {"title": "Naive", "closes_at": "2027-03-01T09:30:00"}
    data = client.post("/api/v1/appeals", json=body, headers=editor).get_json()
    assert data["closes_at"] == "2027-03-01T09:30:00+00:00"


# --- who may ---------------------------------------------------------------------------------


def test_a_token_from_the_cli_works_and_a_revoked_one_does_not(client, db, runner, make_user):
    user = make_user("editor", email="campaigner@example.org")
    result = runner.invoke(args=["users", "token", "campaigner@example.org"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    headers = {"Authorization": f"Bearer {token}"}

    response = client.post("/api/v1/appeals", json={"title": "By token"}, headers=headers)
    assert response.status_code == 201

    db.session.execute(
        sa.update(ApiToken).where(ApiToken.user_id == user.id).values(revoked_at=utcnow())
    )
    db.session.commit()
    response = client.post("/api/v1/appeals", json={"title": "Revoked"}, headers=headers)
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert count(db, Appeal) == 1


def test_a_deactivated_campaigners_token_is_refused(client, db, make_user):
    from campaign.accounts.services import deactivate_user, issue_token

    user = make_user("admin")
    token = issue_token(user)
    deactivate_user(user, None)
    db.session.commit()

    response = client.post(
        "/api/v1/appeals", json={"title": "x"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert_error(response, 401)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer ans_unknown"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
)
def test_no_or_bad_token_is_401_with_www_authenticate(client, db, headers):
    response = client.post("/api/v1/appeals", json={"title": "x"}, headers=headers)

    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert count(db, Appeal) == 0


def test_a_moderator_may_not_create_appeals(client, db, api_token):
    response = client.post("/api/v1/appeals", json={"title": "x"}, headers=api_token("moderator"))

    assert_error(response, 403, "forbidden")
    assert count(db, Appeal) == 0


def test_the_role_is_checked_before_the_body(client, api_token):
    response = client.post(
        "/api/v1/appeals",
        data="{not json",
        content_type="application/json",
        headers=api_token("moderator"),
    )
    assert_error(response, 403)


@pytest.mark.parametrize("call", ["PATCH", "publish", "close"])
def test_a_moderator_may_not_change_appeals(client, make_appeal, api_token, call):
    appeal = make_appeal(state="draft" if call == "publish" else "published")
    headers = api_token("moderator")
    if call == "PATCH":
        response = client.patch(
            f"/api/v1/appeals/{appeal.slug}", json={"title": "Hijacked"}, headers=headers
        )
    else:
        response = client.post(f"/api/v1/appeals/{appeal.slug}/{call}", headers=headers)
    assert_error(response, 403)
    data = client.get(f"/api/v1/appeals/{appeal.slug}", headers=api_token("editor")).get_json()
    assert data["title"] == appeal.title
    assert data["state"] == appeal.state


# --- edit ------------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_given(client, editor, make_appeal):
    appeal = make_appeal(state="draft", signature_goal=50)
    url = f"/api/v1/appeals/{appeal.slug}"

    response = client.patch(url, json={"summary": "New summary", "signature_goal": None},
                            headers=editor)  # fmt: skip

    assert response.status_code == 200
    data = response.get_json()
    assert data["summary"] == "New summary"
    assert data["signature_goal"] is None
    assert data["title"] == appeal.title
    assert data["slug"] == appeal.slug
    assert [d["text"] for d in data["demands"]] == ["Demand 1", "Demand 2"]


def test_reordering_demands_keeps_their_identity_and_history(
    client, db, editor, make_appeal, authorities
):
    scns = authorities[0]
    appeal = make_appeal(demands=["First", "Second", "Third"], authority=scns)
    first = appeal.demands[0]
    ids = {d.text: d.id for d in appeal.demands}
    # The first demand has a recorded history: its target was met.
    target = first.targets[0]
    target.status = "met"
    db.session.add(
        StatusChange(
            demand_target=target,
            from_status="awaiting",
            to_status="met",
            note="Done",
            occurred_on=dt.date(2026, 1, 5),
        )
    )
    db.session.commit()
    target_id = target.id

    body = {
        "demands": [
            {"id": ids["Third"], "text": "Third, reworded", "targets": [{"authority": scns.slug}]},
            {"id": ids["First"], "text": "First", "targets": [{"authority": scns.slug}]},
            {"id": ids["Second"], "text": "Second", "targets": [{"authority": scns.slug}]},
        ]
    }
    response = client.patch(f"/api/v1/appeals/{appeal.slug}", json=body, headers=editor)

    assert response.status_code == 200, response.get_json()
    demands = response.get_json()["demands"]
    assert [(d["id"], d["position"]) for d in demands] == [
        (ids["Third"], 1),
        (ids["First"], 2),
        (ids["Second"], 3),
    ]
    assert demands[0]["text"] == "Third, reworded"
    assert demands[1]["status_summary"] == "met"
    db.session.expire_all()
    assert db.session.get(Demand, ids["First"]).targets[0].id == target_id
    assert db.session.execute(sa.select(StatusChange.demand_target_id)).scalars().all() == [
        target_id
    ]


def test_patch_adds_and_removes_demands(client, db, editor, make_appeal, authorities):
    appeal = make_appeal(demands=["Keep", "Drop"], state="draft")
    keep_id = appeal.demands[0].id
    kept_targets = [t.authority.slug for t in appeal.demands[0].targets]
    body = {
        "demands": [
            {"text": "New first", "targets": [{"authority": "parliament"}]},
            {"id": keep_id, "text": "Keep"},
            {"text": "New last"},
        ]
    }

    data = client.patch(f"/api/v1/appeals/{appeal.slug}", json=body, headers=editor).get_json()

    assert [(d["text"], d["position"]) for d in data["demands"]] == [
        ("New first", 1),
        ("Keep", 2),
        ("New last", 3),
    ]
    assert data["demands"][1]["id"] == keep_id
    # Targets left out: an existing demand keeps its own, a new one has none.
    assert [t["authority"]["slug"] for t in data["demands"][1]["targets"]] == kept_targets
    assert data["demands"][2]["targets"] == []
    assert count(db, Demand) == 3

    body = {"demands": [{"id": keep_id, "text": "Keep", "targets": []}]}
    data = client.patch(f"/api/v1/appeals/{appeal.slug}", json=body, headers=editor).get_json()
    assert [(d["id"], d["position"], d["targets"]) for d in data["demands"]] == [(keep_id, 1, [])]


def test_due_dates_change_freely_in_a_draft_but_not_silently_once_public(
    client, db, editor, make_appeal, authorities
):
    scns = authorities[0].slug
    for state, status in (("draft", 200), ("published", 400)):
        appeal = make_appeal(demands=["Only"], state=state, authority=authorities[0])
        demand_id = appeal.demands[0].id
        body = {
            "demands": [
                {"id": demand_id, "text": "Only", "targets": [
                    {"authority": scns, "due_on": "2027-06-01"}]}
            ]
        }  # fmt: skip

        response = client.patch(f"/api/v1/appeals/{appeal.slug}", json=body, headers=editor)

        assert response.status_code == status, response.get_json()
        stored = client.get(f"/api/v1/appeals/{appeal.slug}", headers=editor).get_json()
        due_on = stored["demands"][0]["targets"][0]["due_on"]
        assert due_on == ("2027-06-01" if state == "draft" else None)


def test_a_demand_with_history_cannot_be_dropped(client, db, editor, make_appeal):
    appeal = make_appeal(demands=["Has history", "Other"])
    target = appeal.demands[0].targets[0]
    db.session.add(
        StatusChange(
            demand_target=target,
            from_status="awaiting",
            to_status="rejected",
            note="No",
            occurred_on=dt.date(2026, 1, 5),
        )
    )
    db.session.commit()
    other_id = appeal.demands[1].id

    response = client.patch(
        f"/api/v1/appeals/{appeal.slug}",
        json={"title": "Changed", "demands": [{"id": other_id, "text": "Other"}]},
        headers=editor,
    )

    error = assert_error(response, 400, "invalid")
    assert "demands" in error["fields"]
    db.session.expire_all()
    stored = db.session.get(Appeal, appeal.id)
    assert stored.title != "Changed"
    assert [d.text for d in stored.demands] == ["Has history", "Other"]


@pytest.mark.parametrize("which", ["foreign", "twice"])
def test_demand_ids_must_be_this_appeals_and_given_once(client, db, editor, make_appeal, which):
    appeal = make_appeal(demands=2)
    other = make_appeal(demands=1)
    own = appeal.demands[0].id
    ids = [own, other.demands[0].id] if which == "foreign" else [own, own]

    response = client.patch(
        f"/api/v1/appeals/{appeal.slug}",
        json={"demands": [{"id": i, "text": f"Text {i}"} for i in ids]},
        headers=editor,
    )

    error = assert_error(response, 400, "invalid")
    assert "demands" in error["fields"]
    db.session.expire_all()
    assert [d.text for d in db.session.get(Appeal, appeal.id).demands] == ["Demand 1", "Demand 2"]


def test_patch_with_bad_fields_changes_nothing(client, db, editor, make_appeal):
    appeal = make_appeal(state="draft")
    url = f"/api/v1/appeals/{appeal.slug}"

    for body in ({"title": ""}, {"signature_goal": 1.5}, {"slug": "renamed"}):
        error = assert_error(client.patch(url, json=body, headers=editor), 400, "invalid")
        assert set(error["fields"]) == set(body)
    db.session.expire_all()
    assert db.session.get(Appeal, appeal.id).title == appeal.title


def test_patch_an_unknown_appeal_is_404(client, editor):
    response = client.patch("/api/v1/appeals/nope", json={"title": "x"}, headers=editor)
    assert_error(response, 404, "not_found")


def test_an_archived_appeal_is_read_only(client, editor, make_appeal):
    appeal = make_appeal(state="archived")
    response = client.patch(
        f"/api/v1/appeals/{appeal.slug}", json={"title": "Changed"}, headers=editor
    )
    assert_error(response, 400, "invalid")


# --- publish and close -----------------------------------------------------------------------


def test_publish_then_close(client, editor, authorities):
    slug = client.post("/api/v1/appeals", json=appeal_body(), headers=editor).get_json()["slug"]

    published = client.post(f"/api/v1/appeals/{slug}/publish", headers=editor)
    assert published.status_code == 200
    assert published.get_json()["state"] == "published"
    assert published.get_json()["published_at"]
    assert client.get(f"/api/v1/appeals/{slug}").status_code == 200
    assert [a["slug"] for a in client.get("/api/v1/appeals").get_json()["items"]] == [slug]

    closed = client.post(f"/api/v1/appeals/{slug}/close", headers=editor)
    assert closed.status_code == 200
    assert closed.get_json()["state"] == "closed"
    public = client.get(f"/api/v1/appeals/{slug}").get_json()
    assert public["state"] == "closed"
    assert len(public["demands"]) == 2
    assert [a["slug"] for a in client.get("/api/v1/appeals").get_json()["items"]] == [slug]


def test_publishing_twice_or_without_demands_is_refused(client, editor, make_appeal):
    empty = client.post("/api/v1/appeals", json={"title": "Empty"}, headers=editor).get_json()
    error = assert_error(
        client.post(f"/api/v1/appeals/{empty['slug']}/publish", headers=editor), 400, "invalid"
    )
    assert "demands" in error["fields"]
    assert_error(client.get(f"/api/v1/appeals/{empty['slug']}"), 404)

    published = make_appeal()
    assert_error(client.post(f"/api/v1/appeals/{published.slug}/publish", headers=editor), 400)


def test_only_a_published_appeal_can_be_closed(client, editor, make_appeal):
    draft = make_appeal(state="draft")
    assert_error(client.post(f"/api/v1/appeals/{draft.slug}/close", headers=editor), 400)
    assert_error(client.get(f"/api/v1/appeals/{draft.slug}"), 404)


def test_state_moves_on_unknown_appeals_are_404(client, editor):
    for call in ("publish", "close"):
        assert_error(client.post(f"/api/v1/appeals/nope/{call}", headers=editor), 404)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"title": "Nul\x00title"}, "title"),
        ({"body": "Nul \x00 in the body"}, "body"),
        ({"signature_goal": 10**20}, "signature_goal"),
        ({"closes_at": "0001-01-01T00:00:00+01:00"}, "closes_at"),
        ({"closes_at": "9999-12-31T23:59:59-05:00"}, "closes_at"),
        ({"demands": [{"text": "x\x00"}]}, "demands"),
    ],
)
def test_values_no_database_can_store_are_a_400_not_a_500(client, db, editor, overrides, field):
    response = client.post("/api/v1/appeals", json={"title": "T", **overrides}, headers=editor)

    error = assert_error(response, 400, "invalid")
    assert field in error["fields"]
    assert count(db, Appeal) == 0
