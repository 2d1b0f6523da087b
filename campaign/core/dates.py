"""Dates as campaigners read and write them: spelled out in their language ("10 June 2025",
"10 июня 2025 г.", "2025-ж., 10-июнь") on admin pages, and accepted back in any of those
forms, or ISO (what a browser's date picker sends), by every date input of the admin forms.

Month names come from Babel (CLDR), in both the 'format' and 'stand-alone' contexts, wide and
abbreviated, so Russian "июня"/"июнь" and Kyrgyz "июнь"/"июну" are all June."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from babel.dates import format_date, get_month_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import ValidationError

#: Languages whose month names are always understood, whatever the page's language: a
#: campaigner pastes a date from a letter written in any of them.
MONTH_LANGUAGES = ("en", "ru", "ky")

#: How an admin page spells a date; Babel's "long" format elsewhere ("10 июня 2025 г.").
PATTERNS = {"en": "d MMMM y"}

_ISO = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_TOKEN = re.compile(r"\d+|[^\W\d_]+")

#: Longer than any spelled-out date ("2025-жылдын 10-сентябрында" is 26 characters).
MAX_LENGTH = 40

DATE_FORMS = _l("Give a date such as 10 June 2025, 10 июня 2025, 10.06.2025 or 2025-06-10.")


def spell_date(day: dt.date, locale: str) -> str:
    """The date as a person writes it in `locale`: "10 June 2025", "10 июня 2025 г."."""
    language = str(locale).split("_")[0]
    return format_date(day, PATTERNS.get(language, "long"), locale=language)


@lru_cache(maxsize=8)
def _month_stems(locale: str) -> tuple[tuple[str, int], ...]:
    """(stem, month) pairs, longest first. A stem is a name without its final dot; a word
    names the month when it starts with one (abbreviations are at least three letters, so
    Kyrgyz case endings, "июну", "июнунда", still find June)."""
    stems: dict[str, int] = {}
    for language in dict.fromkeys((locale, *MONTH_LANGUAGES)):
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for month, name in get_month_names(width, context, language).items():
                    stem = name.lower().rstrip(".")
                    if len(stem) >= 3:
                        stems.setdefault(stem, month)
    return tuple(sorted(stems.items(), key=lambda item: -len(item[0])))


def _month(word: str, locale: str) -> int | None:
    word = word.lower()
    return next((month for stem, month in _month_stems(locale) if word.startswith(stem)), None)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_human_date(text: str | None, locale: str = "en") -> dt.date | None:
    """The date in `text`, or None when it is not one: ISO ("2025-06-10"), day.month.year
    ("10.06.2025"), or a day, a month's name and a four-digit year in any order and any of
    English, Russian and Kyrgyz ("10 June 2025", "June 10, 2025", "10 июня 2025 г.",
    "2025-жылдын 10-июну"). Words other than the month's name ("г.", "жылдын") are ignored;
    a second month name, a missing year or an impossible day is not a date."""
    text = (text or "").strip()
    if _ISO.fullmatch(text):
        year, month, day = (int(part) for part in text.split("-"))
        return _date(year, month, day)
    dotted = _DOTTED.fullmatch(text)
    if dotted:
        day, month, year = (int(part) for part in dotted.groups())
        return _date(year, month, day)
    numbers, months = [], []
    for token in _TOKEN.findall(text):
        if token.isdigit():
            numbers.append(token)
        else:
            month = _month(token, str(locale))
            if month is not None:
                months.append(month)
    years = [int(n) for n in numbers if len(n) == 4]
    days = [int(n) for n in numbers if len(n) <= 2]
    if len(months) != 1 or len(years) != 1 or len(days) != 1 or len(numbers) != 2:
        return None
    return _date(years[0], months[0], days[0])


class HumanDateField(StringField):
    """A date typed as a person writes it, or as a date picker sends it (see
    parse_human_date). Shown again spelled out in the page's language; a text that is not a
    date is an error beside the field naming the forms it accepts, and an empty one is None
    (add InputRequired when the date is required)."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = kwargs.setdefault("render_kw", {})
        render_kw.setdefault("placeholder", "10 June 2025")
        render_kw.setdefault("maxlength", MAX_LENGTH)
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, dt.date):
            return spell_date(self.data, str(get_locale() or "en"))
        return ""

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "") or ""
        if not text.strip():
            return
        if len(text) <= MAX_LENGTH:
            self.data = parse_human_date(text, str(get_locale() or "en"))
        if self.data is None:
            raise ValidationError(str(DATE_FORMS))
