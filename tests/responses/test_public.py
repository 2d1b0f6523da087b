"""Public pages: the tracker, the appeal page's section, the Atom feed, authorities' records;
and the appeal page, tracker, feed and API agreeing about every status."""

from __future__ import annotations

import datetime as dt
import re
from xml.etree import ElementTree as ET

import pytest
import time_machine

from campaign.appeals.demo import AUTHORITIES, DEMO_SLUG, SCNS
from campaign.appeals.services import DemandInput, TargetInput, create_appeal, publish_appeal
from campaign.authorities.queries import get_authority_by_slug
from campaign.responses.queries import find_target
from campaign.responses.services import (
    StatusMove,
    change_demand_status,
    change_due_date,
    post_update,
    record_response,
    retract_status_change,
)
from tests.factories import markdown

ATOM = "{http://www.w3.org/2005/Atom}"
TODAY = dt.datetime(2025, 7, 10, 12, tzinfo=dt.UTC)


@pytest.fixture
def tracked(db, demo_appeal, make_user):
    """The demo appeal with responses, moves, a retraction, a due date and an update."""
    editor = make_user("editor")
    scns, gov = get_authority_by_slug(SCNS), get_authority_by_slug(AUTHORITIES)
    d1, d2, d3, d4 = demo_appeal.demands
    demo_appeal.delivered_on = dt.date(2025, 6, 2)
    demo_appeal.delivery_note = "Handed in at the reception & by email."
    with time_machine.travel(dt.datetime(2025, 6, 6, 10, tzinfo=dt.UTC), tick=False):
        letter = record_response(
            editor, demo_appeal, authority=scns, occurred_on=dt.date(2025, 6, 5),
            kind="official_letter", summary="Denies <any> pressure.",
            source_url="https://example.org/letter?a=1&b=2", demands=[d1.id, d2.id],
            moves={d1.id: StatusMove("rejected", "Denies the facts."),
                   d2.id: StatusMove("acknowledged", "")},
        )  # fmt: skip
    with time_machine.travel(dt.datetime(2025, 6, 8, 10, tzinfo=dt.UTC), tick=False):
        change_demand_status(editor, find_target(d4, gov), "in_progress", note="Working group.")
        wrong = change_demand_status(
            editor, find_target(d3, scns), "met", source_url="https://example.org/x"
        )
        retract_status_change(editor, wrong, "Misread the news.")
        change_due_date(editor, find_target(d2, scns), dt.date(2025, 7, 1), "")
        change_due_date(editor, find_target(d1, gov), dt.date(2025, 7, 1), "")
        post_update(editor, demo_appeal, "We met the deputy minister", markdown("Notes **here**."))
    db.session.commit()
    return {"letter": letter, "wrong": wrong}


def test_the_tracker_shows_statuses_waiting_history_and_sources(client, tracked):
    with time_machine.travel(TODAY, tick=False):
        page = client.get(f"/appeals/{DEMO_SLUG}/tracker")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Overdue by 9 days." in body  # d2 (acknowledged, due 1 July) and d1 for gov
    assert "Waiting 41 days since publication." in body  # d3 for the SCNS: 30 May → 10 July
    assert "Retracted" in body and "Misread the news." in body
    assert "https://example.org/letter?a=1&amp;b=2" in body
    assert "Denies &lt;any&gt; pressure." in body
    assert "Due date set to" in body
    assert "Handed in at the reception &amp; by email." in body
    assert client.get("/appeals/no-such-appeal/tracker").status_code == 404


def test_drafts_have_no_tracker_feed_or_api(db, client, make_appeal):
    draft = make_appeal(state="draft")
    for url in (f"/appeals/{draft.slug}/tracker", f"/appeals/{draft.slug}/feed.atom",
                f"/api/v1/appeals/{draft.slug}/timeline",
                f"/api/v1/appeals/{draft.slug}/responses"):  # fmt: skip
        assert client.get(url).status_code == 404, url


def test_the_appeal_page_shows_the_summary_and_the_timeline(client, tracked):
    with time_machine.travel(TODAY, tick=False):
        body = client.get(f"/appeals/{DEMO_SLUG}").get_data(as_text=True)
    assert "0 of 4 demands met, 2 overdue" in body
    timeline = body[body.index('id="timeline"') :]
    order = [
        timeline.index(text)
        for text in (
            "The appeal was published",
            "The appeal was delivered to the authorities",
            "Official letter",
            "Demand 1, State Committee for National Security of the Kyrgyz Republic:",
            "We met the deputy minister",
        )
    ]
    assert order == sorted(order)
    assert "Misread the news." not in timeline  # retracted changes stay on the tracker only


def test_the_atom_feed_is_valid_xml_with_the_timeline(client, tracked):
    response = client.get(f"/appeals/{DEMO_SLUG}/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)  # noqa: S314 - our own feed
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}title").text == "Stop the pressure on Kloop and its employees"
    assert feed.find(f"{ATOM}updated").text.endswith("Z")
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    # published, delivered, the letter, 3 standing changes, the update (retraction left out)
    assert len(entries) == 7
    assert titles[-1] == "The appeal was published"  # newest first
    assert "We met the deputy minister" in titles
    assert (
        titles.count(
            "Demand 1, State Committee for National Security of the Kyrgyz Republic: Rejected"
        )
        == 1
    )
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("tag:localhost,") for i in ids)
    for entry in entries:
        assert entry.find(f"{ATOM}updated").text
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://")
    letter = next(e for e in entries if "Official letter" in e.find(f"{ATOM}title").text)
    assert letter.find(f"{ATOM}summary").text == "Denies <any> pressure."
    assert letter.find(f"{ATOM}link[@rel='related']").get("href") == (
        "https://example.org/letter?a=1&b=2"
    )


def test_an_update_has_its_own_page(client, tracked):
    body = client.get(f"/appeals/{DEMO_SLUG}").get_data(as_text=True)
    [link] = re.findall(rf'href="(/appeals/{DEMO_SLUG}/updates/\d+)"', body)
    page = client.get(link).get_data(as_text=True)
    assert "<strong>here</strong>" in page
    assert client.get(f"/appeals/{DEMO_SLUG}/updates/999999").status_code == 404


def _statuses_on_appeal_page(body: str) -> dict:
    found = {}
    for position, block in re.findall(r'id="demand-(\d+)">(.*?)</li>\s*</ul>', body, re.S):
        for name, status in re.findall(
            r'class="authority">([^<]+)</span>:\s*<span class="status status-(\w+)"', block
        ):
            found[(int(position), name)] = status
    return found


def _statuses_on_tracker(body: str) -> dict:
    found = {}
    for block in body.split('class="tracker-demand"')[1:]:
        position = re.search(r'data-demand="(\d+)"', block).group(1)
        for slug, status, overdue in re.findall(
            r'data-authority="([^"]+)" data-status="(\w+)"( data-overdue="true")?', block
        ):
            found[(int(position), slug)] = (status, bool(overdue))
    return found


def test_page_tracker_feed_and_api_agree_about_every_status(client, demo_appeal, tracked):
    names = {SCNS: get_authority_by_slug(SCNS).name,
             AUTHORITIES: get_authority_by_slug(AUTHORITIES).name}  # fmt: skip
    with time_machine.travel(TODAY, tick=False):
        page = _statuses_on_appeal_page(client.get(f"/appeals/{DEMO_SLUG}").get_data(as_text=True))
        tracker = _statuses_on_tracker(
            client.get(f"/appeals/{DEMO_SLUG}/tracker").get_data(as_text=True)
        )
        api = {
            (t["demand_position"], slug): (t["status"], t["overdue"])
            for slug in names
            for t in client.get(f"/api/v1/authorities/{slug}").get_json()["targets"]
        }
        timeline = client.get(f"/api/v1/appeals/{DEMO_SLUG}/timeline").get_json()["items"]
    feed = ET.fromstring(client.get(f"/appeals/{DEMO_SLUG}/feed.atom").data)  # noqa: S314 - our own feed
    expected = {
        (1, SCNS): ("rejected", False), (1, AUTHORITIES): ("awaiting", True),
        (2, SCNS): ("acknowledged", True), (3, SCNS): ("awaiting", False),
        (3, AUTHORITIES): ("awaiting", False), (4, AUTHORITIES): ("in_progress", False),
    }  # fmt: skip
    assert tracker == expected
    assert api == expected
    assert page == {(p, names[slug]): status for (p, slug), (status, _o) in expected.items()}
    # The latest standing change in the feed and the API timeline is the current status.
    latest_feed, latest_api = {}, {}
    for entry in reversed(feed.findall(f"{ATOM}entry")):  # oldest first
        for category in entry.findall(f"{ATOM}category"):
            if category.get("term").startswith("status:"):
                latest_feed[entry.find(f"{ATOM}title").text.split(":")[0]] = category.get(
                    "term"
                ).removeprefix("status:")
    for item in timeline:
        if item["kind"] == "status_change":
            key = f"Demand {item['demand_positions'][0]}, {item['authority']['name']}"
            latest_api[key] = item["to_status"]
    assert latest_feed == latest_api
    for key, status in latest_api.items():
        position = int(key.split(",")[0].removeprefix("Demand "))
        slug = next(s for s, n in names.items() if key.endswith(n))
        assert expected[(position, slug)][0] == status


def _appeal_with(authority, other, published: dt.datetime, texts: int, state="published"):
    appeal = create_appeal(
        None, title=f"Appeal {published:%Y-%m-%d}",
        demands=[DemandInput(f"Demand {i}", [TargetInput(authority), TargetInput(other)])
                 for i in range(1, texts + 1)],
    )  # fmt: skip
    if state == "published":
        publish_appeal(None, appeal, at=published)
    return appeal


def test_an_authoritys_record_on_known_answers(db, client, make_authority, make_user):
    editor = make_user("editor")
    ministry = make_authority("Ministry of Culture", kind="ministry", contact_email="m@gov.kg")
    court = make_authority("Constitutional Court", kind="court")
    x = _appeal_with(ministry, court, dt.datetime(2025, 1, 1, 9, tzinfo=dt.UTC), 3)
    y = _appeal_with(ministry, court, dt.datetime(2025, 2, 1, 9, tzinfo=dt.UTC), 2)
    y.delivered_on = dt.date(2025, 2, 10)
    _appeal_with(ministry, court, dt.datetime(2025, 2, 1, tzinfo=dt.UTC), 4, state="draft")
    db.session.commit()
    with time_machine.travel(dt.datetime(2025, 1, 12, tzinfo=dt.UTC), tick=False):
        record_response(
            editor, x, authority=ministry, occurred_on=dt.date(2025, 1, 11), kind="meeting",
            summary="Agreed.", demands=[x.demands[0].id],
            moves={x.demands[0].id: StatusMove("met", "Done.")},
        )  # fmt: skip
    with time_machine.travel(dt.datetime(2025, 1, 21, 15, tzinfo=dt.UTC), tick=False):
        change_demand_status(editor, find_target(x.demands[1], ministry), "rejected", note="No.")
        change_due_date(editor, find_target(x.demands[2], ministry), dt.date(2025, 1, 15), "")
        change_demand_status(editor, find_target(x.demands[0], court), "met", note="Court too.")
    with time_machine.travel(dt.datetime(2025, 2, 16, tzinfo=dt.UTC), tick=False):
        record_response(
            editor, y, authority=ministry, occurred_on=dt.date(2025, 2, 15),
            kind="refusal_to_comment", summary="No comment.", demands=[y.demands[0].id],
        )  # fmt: skip
        oops = change_demand_status(
            editor, find_target(y.demands[1], ministry), "acknowledged", note="?"
        )
        retract_status_change(editor, oops, "Another ministry.")
    db.session.commit()

    with time_machine.travel(dt.datetime(2025, 3, 1, tzinfo=dt.UTC), tick=False):
        data = client.get(f"/api/v1/authorities/{ministry.slug}").get_json()
        page = client.get(f"/authorities/{ministry.slug}").get_data(as_text=True)
        listing = client.get("/authorities?sort=response_rate").get_data(as_text=True)
    assert {k: data[k] for k in ("addressed", "answered", "met", "rejected", "overdue")} == {
        "addressed": 5, "answered": 3, "met": 1, "rejected": 1, "overdue": 1,
    }  # fmt: skip
    assert data["response_rate"] == pytest.approx(0.6)
    assert data["average_days_to_first_response"] == pytest.approx(11.7)  # (10 + 20 + 5) / 3
    assert "contact_email" not in data and "m@gov.kg" not in page
    assert sorted(t["days_to_first_response"] or -1 for t in data["targets"]) == [-1, -1, 5, 10, 20]
    figures = dict(re.findall(r'data-figure="(\w+)">([^<]+)<', page))
    assert figures == {"addressed": "5", "answered": "3", "response_rate": "60%", "days": "11.7",
                       "met": "1", "rejected": "1", "overdue": "1"}  # fmt: skip
    # The court answered 1 of 5 (20%): the ministry (60%) comes first by response rate.
    assert listing.index("Ministry of Culture") < listing.index("Constitutional Court")
    by_name = client.get("/authorities").get_data(as_text=True)
    assert by_name.index("Constitutional Court") < by_name.index("Ministry of Culture")
    assert client.get("/authorities/no-such-body").status_code == 404


def _queries(db, client, url: str) -> int:
    import sqlalchemy as sa

    statements = []

    def count(*_args):
        statements.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_pages_use_a_fixed_number_of_queries(db, client, demo_appeal, make_user, make_authority):
    editor = make_user("editor")
    scns = get_authority_by_slug(SCNS)
    urls = (f"/appeals/{DEMO_SLUG}", f"/appeals/{DEMO_SLUG}/tracker", "/authorities",
            f"/authorities/{SCNS}", f"/appeals/{DEMO_SLUG}/feed.atom",
            f"/api/v1/appeals/{DEMO_SLUG}/timeline")  # fmt: skip

    def add_responses(n: int):
        for i in range(n):
            response = record_response(
                editor, demo_appeal, authority=scns, occurred_on=dt.date(2025, 6, 5),
                kind="media_report", summary="Reported.", demands=[demo_appeal.demands[0].id],
            )  # fmt: skip
            target = find_target(demo_appeal.demands[i % 3], scns)
            status = "rejected" if target.status != "rejected" else "acknowledged"
            change_demand_status(editor, target, status, note="x", response=None)
            make_authority()
            db.session.commit()
            assert response.id

    add_responses(1)
    before = [_queries(db, client, url) for url in urls]
    add_responses(5)
    after = [_queries(db, client, url) for url in urls]
    assert all(count > 0 for count in before)
    assert after == before
