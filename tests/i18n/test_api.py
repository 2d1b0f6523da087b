"""The API returns an appeal in the requested language (?lang= or Accept-Language) and lists
the languages it exists in; demands keep their ids and statuses."""

from __future__ import annotations

import pytest

from campaign.appeals.translations import save_translation
from tests.factories import markdown

# The appeals API lives on the `api` branch; once merged, these must pass (see README).
pytest.importorskip("campaign.api.appeals")


def _translated(db, make_appeal):
    appeal = make_appeal(title="Free the press", demands=["Stop raids", "Release them"])
    save_translation(
        None, appeal, "ru", title="Свободу прессе", summary="Кратко.", body=markdown("Текст."),
        demands={appeal.demands[0].id: "Прекратить обыски", appeal.demands[1].id: "Освободить"},
    )  # fmt: skip
    db.session.commit()
    return appeal


def test_the_api_returns_the_requested_language(client, db, make_appeal):
    appeal = _translated(db, make_appeal)
    original = client.get(f"/api/v1/appeals/{appeal.slug}").get_json()
    assert original["title"] == "Free the press" and original["language"] == "en"
    assert original["original_language"] == "en" and original["languages"] == ["en", "ru"]

    for kwargs in ({"query_string": {"lang": "ru"}}, {"headers": {"Accept-Language": "ru-RU"}}):
        data = client.get(f"/api/v1/appeals/{appeal.slug}", **kwargs).get_json()
        assert data["title"] == "Свободу прессе" and data["summary"] == "Кратко."
        assert data["body"] == "Текст." and data["language"] == "ru"
        assert data["original_language"] == "en" and data["languages"] == ["en", "ru"]
        assert [d["text"] for d in data["demands"]] == ["Прекратить обыски", "Освободить"]
        assert [d["id"] for d in data["demands"]] == [d["id"] for d in original["demands"]]
        assert [d["status_summary"] for d in data["demands"]] == ["awaiting", "awaiting"]

    listed = client.get("/api/v1/appeals?lang=ru").get_json()
    assert listed["items"][0]["title"] == "Свободу прессе"


def test_an_unknown_or_untranslated_language_gets_the_original(client, db, make_appeal):
    appeal = _translated(db, make_appeal)
    for query in ({"lang": "xx"}, {"lang": "ky"}):
        data = client.get(f"/api/v1/appeals/{appeal.slug}", query_string=query).get_json()
        assert data["title"] == "Free the press" and data["language"] == "en"
