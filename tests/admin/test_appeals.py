"""Campaigners manage appeals through the admin pages: drafts, fields, demands, states."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from campaign.appeals.models import Appeal, Demand, DueDateChange
from campaign.appeals.queries import get_appeal_by_slug
from campaign.audit.models import AuditEntry
from campaign.core.dates import DATE_FORMS


def _new_appeal(client, **overrides):
    data = {
        "title": "Free the journalists",
        "summary": "Three reporters are held without charge.",
        "body": "We, the undersigned, **call on** the authorities.",
        "language": "en",
        "signature_goal": "1000",
        "issued_on": "2026-01-15",
        "issued_by": "Press Freedom Coalition",
        "closes_at": "",
    }
    data.update(overrides)
    return client.post("/admin/appeals/new", data=data)


def _slug(response) -> str:
    return re.search(r"/admin/appeals/([a-z0-9-]+)$", response.headers["Location"]).group(1)


def _appeal(db, slug) -> Appeal:
    db.session.expire_all()
    return get_appeal_by_slug(slug)


def _add_demand(client, slug, text, *authorities, **due):
    data = {"text": text}
    for authority in authorities:
        data[f"target_{authority.id}"] = "y"
    data.update({f"due_{k.removeprefix('a')}": v for k, v in due.items()})
    return client.post(f"/admin/appeals/{slug}/demands/new", data=data)


def _count(db, model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_draft_is_hidden_until_published_then_listed_and_closed_stays_readable(
    app, db, client, login, make_authority
):
    login("editor")
    authority = make_authority("Ministry of Justice")
    response = _new_appeal(client)
    assert response.status_code == 302
    slug = _slug(response)
    assert slug == "free-the-journalists"
    appeal = _appeal(db, slug)
    assert appeal.state == "draft"
    assert appeal.issued_by.name == "Press Freedom Coalition"
    assert appeal.signature_goal == 1000
    assert str(appeal.issued_on) == "2026-01-15"

    # The admin list shows drafts; the public sees nothing.
    listing = client.get("/admin/appeals").get_data(as_text=True)
    assert "Free the journalists" in listing and "Draft" in listing
    anonymous = app.test_client()
    assert anonymous.get(f"/appeals/{slug}").status_code == 404
    assert "Free the journalists" not in anonymous.get("/").get_data(as_text=True)

    # The preview renders the public template for the draft, with a banner, for campaigners only.
    preview = client.get(f"/admin/appeals/{slug}/preview")
    assert preview.status_code == 200
    assert 'class="preview-banner"' in preview.get_data(as_text=True)
    assert "call on" in preview.get_data(as_text=True)
    assert anonymous.get(f"/admin/appeals/{slug}/preview").status_code == 302

    assert _add_demand(client, slug, "Release them now.", authority).status_code == 302
    response = client.post(f"/admin/appeals/{slug}/publish", follow_redirects=True)
    assert "The appeal is published." in response.get_data(as_text=True)
    assert _appeal(db, slug).state == "published"

    home = anonymous.get("/").get_data(as_text=True)
    assert "Free the journalists" in home
    page = anonymous.get(f"/appeals/{slug}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Release them now." in text and "Ministry of Justice" in text
    assert "Press Freedom Coalition" in text

    response = client.post(f"/admin/appeals/{slug}/close", follow_redirects=True)
    assert "no longer takes signatures" in response.get_data(as_text=True)
    page = anonymous.get(f"/appeals/{slug}")
    assert page.status_code == 200
    assert "This appeal is closed" in page.get_data(as_text=True)


def test_publishing_without_demands_or_twice_is_refused_with_a_message(db, client, login):
    login("editor")
    slug = _slug(_new_appeal(client))
    response = client.post(f"/admin/appeals/{slug}/publish", follow_redirects=True)
    assert "Add at least one demand before publishing." in response.get_data(as_text=True)
    assert _appeal(db, slug).state == "draft"
    response = client.post(f"/admin/appeals/{slug}/close", follow_redirects=True)
    assert "Only a published appeal can be closed" in response.get_data(as_text=True)
    assert _appeal(db, slug).state == "draft"
    assert client.post(f"/admin/appeals/{slug}/destroy").status_code == 404


def test_reopen_and_archive(db, client, login, make_appeal):
    login("editor")
    appeal = make_appeal(state="closed")
    slug = appeal.slug
    client.post(f"/admin/appeals/{slug}/reopen")
    assert _appeal(db, slug).state == "published"
    response = client.post(f"/admin/appeals/{slug}/archive", follow_redirects=True)
    assert "Close the appeal before archiving it." in response.get_data(as_text=True)
    client.post(f"/admin/appeals/{slug}/close")
    client.post(f"/admin/appeals/{slug}/archive")
    assert _appeal(db, slug).state == "archived"
    # Archived appeals are read-only.
    response = client.post(
        f"/admin/appeals/{slug}/edit", data={"title": "Changed", "language": "en"}
    )
    assert response.status_code == 400
    assert "An archived appeal is read-only." in response.get_data(as_text=True)
    assert _appeal(db, slug).title != "Changed"


def test_edit_the_fields_of_an_appeal(db, client, login, make_appeal):
    login("editor")
    appeal = make_appeal(title="Old title", state="draft")
    form = client.get(f"/admin/appeals/{appeal.slug}/edit").get_data(as_text=True)
    assert 'value="Old title"' in form
    response = client.post(
        f"/admin/appeals/{appeal.slug}/edit",
        data={
            "title": "New title",
            "summary": "New summary",
            "body": "New *body*",
            "language": "ru",
            "signature_goal": "250",
            "closes_at": "2030-06-01T12:30",
            "issued_on": "2026-02-02",
            "issued_by": "Some Union",
        },
    )
    assert response.status_code == 302
    stored = _appeal(db, appeal.slug)  # the slug stays, so links keep working
    assert (stored.title, stored.summary, stored.body) == ("New title", "New summary", "New *body*")
    assert stored.language == "ru" and stored.signature_goal == 250
    assert stored.closes_at.isoformat() == "2030-06-01T12:30:00+00:00"
    assert stored.issued_by.name == "Some Union"


def test_the_admin_note_is_for_campaigners_only(db, client, login, make_appeal):
    login("editor")
    appeal = make_appeal(title="Noted", state="published")
    note = "The targets are our reading.\nAsk Aida before changing them."
    response = client.post(
        f"/admin/appeals/{appeal.slug}/edit",
        data={"title": "Noted", "language": "en", "admin_note": f"  {note}  "},
    )
    assert response.status_code == 302
    assert _appeal(db, appeal.slug).admin_note == note
    form = client.get(f"/admin/appeals/{appeal.slug}/edit").get_data(as_text=True)
    assert "Ask Aida before changing them." in form  # filled back for the next edit
    page = client.get(f"/admin/appeals/{appeal.slug}").get_data(as_text=True)
    assert '<p class="admin-note-text">The targets are our reading.' in page
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "appeal.update")
    ).all()[-1]
    assert "admin_note" in entry.detail
    client.post("/admin/logout")
    for url in (f"/appeals/{appeal.slug}", f"/api/v1/appeals/{appeal.slug}"):
        assert "our reading" not in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "  "}, "title", "A title is required."),
        ({"signature_goal": "many"}, "signature_goal", "Not a valid integer value."),
        ({"signature_goal": "-5"}, "signature_goal", "The goal must be a positive number."),
        ({"signature_goal": "99999999999"}, "signature_goal", "That goal is too large."),
        ({"issued_on": "30/05/2025"}, "issued_on", str(DATE_FORMS)),
    ],
)
def test_bad_appeal_fields_show_errors_beside_them_and_store_nothing(
    db, client, login, overrides, field, message
):
    login("editor")
    response = _new_appeal(client, **overrides)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'<p class="error" id="{field}-error">{message}</p>' in page
    assert 'value="Press Freedom Coalition"' in page  # typed values are kept
    assert _count(db, Appeal) == 0
    from campaign.endorsements.models import Organization

    assert _count(db, Organization) == 0


def test_bad_edit_changes_nothing(db, client, login, make_appeal):
    login("editor")
    appeal = make_appeal(title="Keep me", state="draft", signature_goal=10)
    response = client.post(
        f"/admin/appeals/{appeal.slug}/edit",
        data={"title": "Other", "language": "en", "signature_goal": "0"},
    )
    assert response.status_code == 400
    assert "The goal must be a positive number." in response.get_data(as_text=True)
    stored = _appeal(db, appeal.slug)
    assert (stored.title, stored.signature_goal) == ("Keep me", 10)


def test_add_edit_remove_and_reorder_demands(db, client, login, make_authority):
    login("editor")
    ministry = make_authority("Ministry of Interior")
    court = make_authority("Supreme Court")
    slug = _slug(_new_appeal(client))

    form = client.get(f"/admin/appeals/{slug}/demands/new").get_data(as_text=True)
    assert "Ministry of Interior" in form and "Supreme Court" in form
    assert _add_demand(client, slug, "First", ministry, **{f"a{ministry.id}": "2026-03-01"})
    _add_demand(client, slug, "Second", ministry, court)
    _add_demand(client, slug, "Third", court)
    appeal = _appeal(db, slug)
    ids = [d.id for d in appeal.demands]
    assert [d.text for d in appeal.demands] == ["First", "Second", "Third"]
    assert [t.authority.name for t in appeal.demands[1].targets] == [
        "Ministry of Interior",
        "Supreme Court",
    ]
    assert str(appeal.demands[0].targets[0].due_on) == "2026-03-01"

    overview = client.get(f"/admin/appeals/{slug}").get_data(as_text=True)
    assert overview.index("First") < overview.index("Second") < overview.index("Third")
    assert "due 1 March 2026" in overview

    # Reorder: ids keep their identity, positions change.
    client.post(f"/admin/appeals/{slug}/demands/{ids[2]}/move", data={"direction": "up"})
    client.post(f"/admin/appeals/{slug}/demands/{ids[0]}/move", data={"direction": "down"})
    appeal = _appeal(db, slug)
    assert [(d.id, d.position) for d in appeal.demands] == [(ids[2], 1), (ids[0], 2), (ids[1], 3)]
    # Moving the first one up changes nothing; a bad direction is refused.
    client.post(f"/admin/appeals/{slug}/demands/{ids[2]}/move", data={"direction": "up"})
    response = client.post(
        f"/admin/appeals/{slug}/demands/{ids[2]}/move", data={"direction": "sideways"},
        follow_redirects=True,
    )  # fmt: skip
    assert "Choose whether to move the demand up or down." in response.get_data(as_text=True)
    assert [d.id for d in _appeal(db, slug).demands] == [ids[2], ids[0], ids[1]]

    # Edit: new text, the court instead of the ministry.
    form = client.get(f"/admin/appeals/{slug}/demands/{ids[0]}/edit").get_data(as_text=True)
    assert "First</textarea>" in form and 'value="1 March 2026"' in form
    response = client.post(
        f"/admin/appeals/{slug}/demands/{ids[0]}/edit",
        data={"text": "First, amended", f"target_{court.id}": "y"},
    )
    assert response.status_code == 302
    demand = db.session.get(Demand, ids[0])
    assert demand.text == "First, amended"
    assert [t.authority.name for t in demand.targets] == ["Supreme Court"]
    assert demand.position == 2

    client.post(f"/admin/appeals/{slug}/demands/{ids[1]}/remove")
    appeal = _appeal(db, slug)
    assert [(d.id, d.position) for d in appeal.demands] == [(ids[2], 1), (ids[0], 2)]


def test_changing_a_set_due_date_needs_a_reason_and_is_kept_in_history(
    db, client, login, make_authority
):
    login("editor")
    ministry = make_authority("Ministry of Interior")
    slug = _slug(_new_appeal(client))
    _add_demand(client, slug, "First", ministry, **{f"a{ministry.id}": "2026-03-01"})
    demand_id = _appeal(db, slug).demands[0].id
    url = f"/admin/appeals/{slug}/demands/{demand_id}/edit"
    data = {"text": "First", f"target_{ministry.id}": "y", f"due_{ministry.id}": "2026-04-01"}
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "Say why the due date changes." in response.get_data(as_text=True)
    assert str(_appeal(db, slug).demands[0].targets[0].due_on) == "2026-03-01"
    response = client.post(url, data={**data, "due_reason": "The ministry asked for a month."})
    assert response.status_code == 302
    assert str(_appeal(db, slug).demands[0].targets[0].due_on) == "2026-04-01"
    change = db.session.execute(sa.select(DueDateChange)).scalar_one()
    assert str(change.old_due_on) == "2026-03-01"
    assert change.reason == "The ministry asked for a month."


def test_bad_demands_show_errors_and_store_nothing(db, client, login, make_authority):
    login("editor")
    ministry = make_authority("Ministry of Interior")
    slug = _slug(_new_appeal(client))
    response = _add_demand(client, slug, "   ", ministry)
    assert response.status_code == 400
    assert '<p class="error" id="text-error">Demand 1 has no text.</p>' in response.get_data(
        as_text=True
    )
    response = _add_demand(client, slug, "No authority")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose at least one authority." in page
    assert "\nNo authority</textarea>" in page  # the typed text is kept
    response = client.post(
        f"/admin/appeals/{slug}/demands/new",
        data={"text": "Due without target", f"due_{ministry.id}": "2026-01-01"},
    )
    assert "Tick the authority to give it a due date." in response.get_data(as_text=True)
    assert _count(db, Demand) == 0


def test_demands_of_another_appeal_are_404(client, login, make_appeal):
    login("editor")
    one, other = make_appeal(), make_appeal()
    foreign = other.demands[0].id
    assert client.get(f"/admin/appeals/{one.slug}/demands/{foreign}/edit").status_code == 404
    assert client.post(f"/admin/appeals/{one.slug}/demands/{foreign}/remove").status_code == 404
    assert client.get("/admin/appeals/no-such-appeal").status_code == 404


def test_lists_show_state_counts_and_progress(client, login, make_appeal):
    login("moderator")
    make_appeal(title="Open one", demands=3)
    make_appeal(title="A draft", state="draft")
    page = client.get("/admin/appeals").get_data(as_text=True)
    assert "Open one" in page and "A draft" in page
    assert "Open for signatures" in page and "Draft" in page
    assert "0 of 3 demands met" in page
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "Open one" in dashboard and "A draft" in dashboard


def test_markdown_body_renders_inert_on_the_public_page(db, client, login, make_authority):
    login("editor")
    authority = make_authority()
    body = (
        "Hello <script>alert('x')</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n'
        "[click me](javascript:alert(1)) and [ok](https://example.org)\n\n"
        '<a href="javascript:alert(2)" onclick="alert(3)">raw</a>'
    )
    slug = _slug(_new_appeal(client, body=body))
    _add_demand(client, slug, "A demand", authority)
    client.post(f"/admin/appeals/{slug}/publish")
    page = client.get(f"/appeals/{slug}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "onerror" not in page and "onclick" not in page
    assert "javascript:" not in page
    assert "<img" not in page
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer">ok</a>' in page


def test_a_demand_with_recorded_history_cannot_be_removed(db, client, login, make_appeal):
    from campaign.responses.models import StatusChange

    login("editor")
    appeal = make_appeal(demands=2)
    target = appeal.demands[0].targets[0]
    db.session.add(
        StatusChange(
            demand_target=target,
            from_status="awaiting",
            to_status="acknowledged",
            note="Letter",
            occurred_on=dt.date(2026, 1, 5),
        )
    )
    target.status = "acknowledged"
    db.session.commit()
    demand_id, second_id = (d.id for d in appeal.demands)
    response = client.post(
        f"/admin/appeals/{appeal.slug}/demands/{demand_id}/remove", follow_redirects=True
    )
    assert "has a recorded history and cannot be removed" in response.get_data(as_text=True)
    assert [d.id for d in _appeal(db, appeal.slug).demands] == [demand_id, second_id]
    # Its target cannot be dropped either, and nothing of that edit is stored.
    url = f"/admin/appeals/{appeal.slug}/demands/{demand_id}/edit"
    other = make_appeal().demands[0].targets[0].authority
    response = client.post(url, data={"text": "Changed", f"target_{other.id}": "y"})
    assert response.status_code == 400
    assert "has a recorded history for this demand" in response.get_data(as_text=True)
    assert _appeal(db, appeal.slug).demands[0].text == "Demand 1"
