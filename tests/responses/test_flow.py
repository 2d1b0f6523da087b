"""Recording a response in two steps (/admin/appeals/<slug>/responses/new): the authority
first, then only its demands; errors listed on top with links and beside their fields; the
edges (unknown authority, one that is not a target, draft, closed and archived appeals, a form
sent twice)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from campaign.appeals.demo import AUTHORITIES, DEMO_SLUG, SCNS
from campaign.responses.models import Response, StatusChange

BASE = f"/admin/appeals/{DEMO_SLUG}/responses"


def _stored(db) -> tuple[int, int]:
    return (
        db.session.scalar(sa.select(sa.func.count(Response.id))),
        db.session.scalar(sa.select(sa.func.count(StatusChange.id))),
    )


def _letter(**fields) -> dict:
    data = {
        "occurred_on": "2025-06-10",
        "kind": "official_letter",
        "summary": "The Committee replied.",
        "source_url": "https://example.org/letter",
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def test_step_one_lists_the_appeals_authorities_and_links_them_from_its_pages(
    client, login, demo_appeal
):
    login("editor")
    responses = client.get(BASE).get_data(as_text=True)
    assert f'href="{BASE}/new"' in responses
    assert 'action="/admin/appeals/' + DEMO_SLUG + '/responses/record"' not in responses
    assert f'href="{BASE}/new"' in client.get(f"/admin/appeals/{DEMO_SLUG}").get_data(True)
    step_one = client.get(f"{BASE}/new").get_data(as_text=True)
    assert f'href="{BASE}/new?authority={SCNS}"' in step_one
    assert f'href="{BASE}/new?authority={AUTHORITIES}"' in step_one


def test_step_two_shows_only_the_authoritys_demands_with_their_status(client, login, demo_appeal):
    login("editor")
    d1, d2, d3, d4 = demo_appeal.demands
    page = client.get(f"{BASE}/new?authority={AUTHORITIES}").get_data(as_text=True)
    for demand in (d1, d3, d4):  # addressed to the Authorities
        assert f'name="status_{demand.id}"' in page
    assert f'name="status_{d2.id}"' not in page and d2.text not in page
    assert "No change (now: Awaiting response)" in page
    assert 'name="authority"' not in page and 'name="demands"' not in page


def test_two_moves_and_a_demand_concerned_without_a_move(db, client, login, demo_appeal):
    login("editor")
    d1, d2, d3, _d4 = demo_appeal.demands
    answer = client.post(f"{BASE}/new?authority={SCNS}", data=_letter(**{
        f"status_{d1.id}": "rejected", f"note_{d1.id}": "Refuses.",
        f"status_{d2.id}": "acknowledged", f"concerns_{d3.id}": "y",
    }))  # fmt: skip
    assert answer.status_code == 302 and answer.headers["Location"].endswith(BASE)
    response = db.session.scalars(sa.select(Response)).one()
    assert response.authority.slug == SCNS and str(response.occurred_on) == "2025-06-10"
    assert sorted(d.position for d in response.demands) == [1, 2, 3]
    changes = db.session.scalars(sa.select(StatusChange).order_by(StatusChange.id)).all()
    assert [(c.demand_target.demand.position, c.to_status, c.note) for c in changes] == [
        (1, "rejected", "Refuses."),
        (2, "acknowledged", ""),
    ]
    # No change for demand 3 (concerned) nor for the other authority's target of demand 1.
    statuses = {(t.demand.position, t.authority.slug): t.status
                for d in demo_appeal.demands for t in d.targets}  # fmt: skip
    assert statuses[(3, SCNS)] == "awaiting" and statuses[(1, AUTHORITIES)] == "awaiting"
    shown = client.get(BASE).get_data(as_text=True)
    assert "The response is recorded." in shown
    assert "demand 1: Rejected; demand 2: Acknowledged" in shown


def test_no_change_demands_are_not_concerned(db, client, login, demo_appeal):
    login("editor")
    d1 = demo_appeal.demands[0]
    answer = client.post(
        f"{BASE}/new?authority={SCNS}", data=_letter(**{f"status_{d1.id}": "in_progress"})
    )
    assert answer.status_code == 302
    response = db.session.scalars(sa.select(Response)).one()
    assert [d.position for d in response.demands] == [1]
    assert _stored(db) == (1, 1)


def test_missing_date_and_summary_are_listed_on_top_with_links_and_nothing_is_stored(
    db, client, login, demo_appeal
):
    login("editor")
    d1 = demo_appeal.demands[0]
    answer = client.post(f"{BASE}/new?authority={SCNS}", data=_letter(
        occurred_on="", summary="", **{f"status_{d1.id}": "rejected"}
    ))  # fmt: skip
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    top = re.search(r'<div class="error-summary" role="alert".*?</div>', page, re.S).group(0)
    assert '<a href="#occurred_on">' in top and '<a href="#summary">' in top
    assert top.index("#occurred_on") < top.index("#summary")  # in the order of the form
    assert 'id="occurred_on-error"' in page and 'id="summary-error"' in page  # beside them
    assert 'aria-invalid="true"' in page
    # What was chosen is kept; the file must be chosen again, and the page says so.
    assert re.search(r'<option selected value="rejected">', page)
    assert "choose the file again" in page
    assert _stored(db) == (0, 0)


def test_nothing_chosen_is_an_error_beside_the_first_demand(db, client, login, demo_appeal):
    login("editor")
    d1 = demo_appeal.demands[0]
    answer = client.post(f"{BASE}/new?authority={SCNS}", data=_letter())
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert f'<a href="#status_{d1.id}">' in page
    assert f'id="status_{d1.id}-error"' in page and "at least one demand" in page
    assert _stored(db) == (0, 0)


def test_a_service_refusal_is_listed_on_top_too(db, client, login, demo_appeal):
    login("editor")
    d1 = demo_appeal.demands[0]
    answer = client.post(f"{BASE}/new?authority={SCNS}", data=_letter(
        occurred_on="2999-01-01", **{f"status_{d1.id}": "rejected"}
    ))  # fmt: skip
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert '<a href="#occurred_on">' in page and "in the future" in page
    assert _stored(db) == (0, 0)


def test_an_unknown_authority_is_not_found(db, client, login, demo_appeal):
    login("editor")
    assert client.get(f"{BASE}/new?authority=no-such-body").status_code == 404
    assert client.post(f"{BASE}/new?authority=no-such-body", data=_letter()).status_code == 404
    assert _stored(db) == (0, 0)


def test_an_authority_that_is_not_a_target_goes_back_to_step_one(
    db, client, login, demo_appeal, make_authority
):
    login("editor")
    other = make_authority(name="Ministry of Culture")
    for answer in (
        client.get(f"{BASE}/new?authority={other.slug}"),
        client.post(f"{BASE}/new?authority={other.slug}", data=_letter()),
    ):
        assert answer.status_code == 400
        page = answer.get_data(as_text=True)
        assert "Ministry of Culture is not an authority this appeal is addressed to" in page
        assert f'href="{BASE}/new?authority={SCNS}"' in page
    assert _stored(db) == (0, 0)


def test_a_closed_appeal_still_takes_responses(db, client, login, make_appeal):
    login("editor")
    appeal = make_appeal(state="closed")
    target = appeal.demands[0].targets[0]
    url = f"/admin/appeals/{appeal.slug}/responses/new?authority={target.authority.slug}"
    assert client.get(url).status_code == 200
    answer = client.post(url, data=_letter(**{f"status_{appeal.demands[0].id}": "met"}))
    assert answer.status_code == 302
    db.session.refresh(target)
    assert target.status == "met"


@pytest.mark.parametrize(
    ("state", "message"),
    [("archived", "archived: it is read-only"), ("draft", "publish it before recording")],
)
def test_archived_and_draft_appeals_say_why_and_take_nothing(
    db, client, login, make_appeal, state, message
):
    login("editor")
    appeal = make_appeal(state=state)
    demand = appeal.demands[0]
    authority = demand.targets[0].authority.slug
    base = f"/admin/appeals/{appeal.slug}/responses/new"
    for answer, status in (
        (client.get(base), 200),
        (client.get(f"{base}?authority={authority}"), 200),
        (
            client.post(
                f"{base}?authority={authority}", data=_letter(**{f"status_{demand.id}": "met"})
            ),
            400,
        ),
    ):
        assert answer.status_code == status
        page = answer.get_data(as_text=True)
        assert message in page and "Record the response" not in page
    assert _stored(db) == (0, 0)


def test_the_same_form_sent_twice_records_once(db, client, login, demo_appeal):
    login("editor")
    d1, _d2, d3, _d4 = demo_appeal.demands
    data = _letter(**{f"concerns_{d1.id}": "y", f"concerns_{d3.id}": "y"})
    first = client.post(f"{BASE}/new?authority={SCNS}", data=data)
    again = client.post(f"{BASE}/new?authority={SCNS}", data=data)
    assert first.status_code == again.status_code == 302
    assert _stored(db) == (1, 0)
    assert "recorded already; nothing was added" in client.get(BASE).get_data(as_text=True)


def test_the_same_moves_sent_twice_record_once(db, client, login, demo_appeal):
    """With a status move, the second send would be refused ("already rejected"): it is the
    same response, so it records nothing and says so, instead of an error."""
    login("editor")
    d1 = demo_appeal.demands[0]
    data = _letter(**{f"status_{d1.id}": "rejected"})
    assert client.post(f"{BASE}/new?authority={SCNS}", data=data).status_code == 302
    assert client.post(f"{BASE}/new?authority={SCNS}", data=data).status_code == 302
    assert _stored(db) == (1, 1)
