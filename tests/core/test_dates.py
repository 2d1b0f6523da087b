"""Dates as campaigners write them: ISO from a date picker, and spelled out in English,
Russian or Kyrgyz; anything else is refused beside the field, naming the accepted forms."""

from __future__ import annotations

import datetime as dt

import pytest
from wtforms.validators import InputRequired

from campaign.core.dates import DATE_FORMS, HumanDateField, parse_human_date, spell_date
from campaign.core.forms import Form

JUNE_10 = dt.date(2025, 6, 10)


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("2025-06-10", "en"),
        ("10 June 2025", "en"),
        ("June 10, 2025", "en"),
        ("10 Jun 2025", "en"),
        ("  10 june 2025 ", "ru"),
        ("10 июня 2025", "ru"),
        ("10 июня 2025 г.", "ru"),
        ("10 июн. 2025", "ru"),
        ("10 Июнь 2025", "ru"),
        ("10.06.2025", "ru"),
        ("2025-жылдын 10-июну", "ky"),
        ("2025-ж., 10-июнь", "ky"),
        ("10-июнь 2025-ж.", "ky"),
        ("10 June 2025", "ky"),  # a month name in any of the three languages
    ],
)
def test_every_accepted_form_of_a_date(text, locale):
    assert parse_human_date(text, locale) == JUNE_10


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1 мая 2025", dt.date(2025, 5, 1)), ("3 март 2024", dt.date(2024, 3, 3)),
     ("31 декабря 2024", dt.date(2024, 12, 31)), ("1 Jan 2026", dt.date(2026, 1, 1))],
)  # fmt: skip
def test_months_that_look_alike_are_told_apart(text, expected):
    assert parse_human_date(text, "ru") == expected


@pytest.mark.parametrize(
    "text",
    ["", "yesterday", "30/05/2025", "31 February 2025", "June 2025", "10 June",
     "10 June 2025 March", "2025-13-01", "10 Juin 2025", "10 June 25", "1 2 2025"],
)  # fmt: skip
def test_what_is_not_a_date(text):
    assert parse_human_date(text, "en") is None


@pytest.mark.parametrize(
    ("locale", "spelled"),
    [("en", "10 June 2025"), ("ru", "10 июня 2025\u202fг."), ("ky", "2025-ж., 10-июнь")],
)
def test_spelled_dates_read_back(locale, spelled):
    assert spell_date(JUNE_10, locale) == spelled
    assert parse_human_date(spelled, locale) == JUNE_10


class _DateForm(Form):
    class Meta:
        csrf = False

    day = HumanDateField("Day", validators=[InputRequired()])


@pytest.mark.parametrize(
    ("language", "typed"),
    [("en", "10 June 2025"), ("ru", "10 июня 2025"), ("ky", "2025-жылдын 10-июну")],
)
def test_the_field_reads_and_shows_the_campaigners_language(app, language, typed):
    with app.test_request_context("/", method="POST", data={"day": typed},
                                  headers={"Accept-Language": language}):  # fmt: skip
        form = _DateForm()
        assert form.validate() and form.day.data == JUNE_10
        shown = _DateForm(formdata=None, data={"day": JUNE_10}).day._value()
        assert parse_human_date(shown, language) == JUNE_10


def test_the_field_names_the_accepted_forms_when_it_cannot_read_a_date(app):
    with app.test_request_context("/", method="POST", data={"day": "next Tuesday"}):
        form = _DateForm()
        assert not form.validate()
        assert form.day.errors == [str(DATE_FORMS)]
        assert form.day._value() == "next Tuesday"  # shown again as typed
