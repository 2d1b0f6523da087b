"""The demo appeal reads as it was issued (issue 20): compared with its source, kept in the
repo as tests/fixtures/media-action-platform-appeal.txt, paragraph by paragraph and demand by
demand; no invented goal or time; the issuer as issuer; the campaigners' note on what is our
reading; and the same names in the English, Russian and Kyrgyz texts."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from campaign.appeals.demo import AUTHORITIES, ISSUER_NAMES, NAMES, NOTE, SCNS
from campaign.appeals.translations import get_translation
from campaign.core.extensions import db
from tests.migration_support import down_revision_of, run_sql, unmigrated_app

SOURCE = Path(__file__).parents[1] / "fixtures" / "media-action-platform-appeal.txt"
ISSUER = "Media Action Platform of Kyrgyzstan"


def _normal(text: str) -> str:
    """Whitespace collapsed and quotation marks unified, so only words and order compare."""
    text = re.sub(r"[«»“”„\"]", '"', text).replace("’", "'")
    return re.sub(r"\s+", " ", text).strip()


def _source() -> tuple[dt.date, list[str], list[str], str]:
    """(date, blocks before the demands ending with the lead-in, demands, closing) as issued."""
    text = SOURCE.read_text(encoding="utf-8")
    date = re.match(r"\s*date (\d{4}-\d{2}-\d{2})\s+", text)
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text[date.end() :]) if b.strip()]
    first = next(i for i, b in enumerate(blocks) if b.startswith("—"))
    demands = [b.removeprefix("—").strip() for b in blocks if b.startswith("—")]
    last = max(i for i, b in enumerate(blocks) if b.startswith("—"))
    assert blocks[last + 1 :] and len(demands) == last - first + 1  # one list, text after it
    return dt.date.fromisoformat(date.group(1)), blocks[:first], demands, blocks[last + 1]


def _blocks(fragment: str) -> list[str]:
    """The text of each paragraph and list item of rendered HTML, in order."""
    items = re.findall(r"<(p|li)>(.*?)</\1>", fragment, re.S)
    return [_normal(html.unescape(re.sub(r"<[^>]+>", "", inner))) for _tag, inner in items]


def _body_section(page: str) -> str:
    return re.search(r'<section class="body"[^>]*>(.*?)</section>', page, re.S).group(1)


def test_the_source_parses_as_issued():
    date, before, demands, closing = _source()
    assert date == dt.date(2025, 5, 30)
    assert before[-1] == "The Media Action Platform of Kyrgyzstan demands:"
    assert len(before) == 7 and len(demands) == 4 and closing.startswith("«Freedom of speech")


def test_the_page_shows_every_paragraph_and_demand_in_the_sources_order(client, demo_appeal):
    date, before, demands, closing = _source()
    page = client.get(f"/appeals/{demo_appeal.slug}").get_data(as_text=True)

    # The text as issued: paragraphs, the lead-in, the demands with their ";", the closing
    # quotation after them; nothing left out, nothing added, nothing moved.
    assert _blocks(_body_section(page)) == [_normal(b) for b in [*before, *demands, closing]]
    # The demands are the tracked rows, word for word and in order.
    assert [d.text for d in demo_appeal.demands] == demands
    assert [d.position for d in demo_appeal.demands] == [1, 2, 3, 4]
    assert [d.text[-1] for d in demo_appeal.demands] == [";", ";", ";", "."]
    shown = re.findall(r'<p class="demand-text"[^>]*>(.*?)</p>', page, re.S)
    assert [_normal(html.unescape(text)) for text in shown] == [_normal(d) for d in demands]
    assert demo_appeal.issued_on == date


def test_the_letter_to_an_authority_carries_the_text_as_issued(demo_appeal):
    _date, before, demands, closing = _source()
    body = _blocks(demo_appeal.body_html)
    assert body.index(_normal(before[-1])) < body.index(_normal(demands[0]))
    assert body.index(_normal(demands[-1])) < body.index(_normal(closing)) == len(body) - 1


def test_the_title_says_employees_as_the_source_stresses(client, demo_appeal):
    assert demo_appeal.title == "Stop the pressure on Kloop and its employees"
    assert "employees who are not journalists" in SOURCE.read_text(encoding="utf-8")
    assert (
        get_translation(demo_appeal, "ru").title == "Прекратить давление на Kloop и его сотрудников"
    )
    assert get_translation(demo_appeal, "ky").title.startswith("Kloop жана анын кызматкерлерине")


def test_no_invented_goal_or_time(client, demo_appeal):
    assert demo_appeal.signature_goal is None
    # Known only by its date: published on the day it was issued, at that date's midnight UTC.
    assert demo_appeal.published_at == dt.datetime(2025, 5, 30, tzinfo=dt.UTC)
    page = client.get(f"/appeals/{demo_appeal.slug}").get_data(as_text=True)
    assert "goal" not in page and "<progress" not in page
    tracker = client.get(f"/appeals/{demo_appeal.slug}/tracker").get_data(as_text=True)
    published = re.search(r"Published ([^<]*?)\.", tracker).group(1)
    assert published == "May 30, 2025"  # a date, no time of day
    data = client.get(f"/api/v1/appeals/{demo_appeal.slug}").get_json()
    assert data["signature_goal"] is None
    assert data["published_at"].startswith("2025-05-30T00:00:00")


def test_the_issuer_is_the_coalition_that_issued_it(client, demo_appeal):
    _date, before, _demands, _closing = _source()
    assert demo_appeal.issued_by.name == ISSUER
    assert before[-1] == f"The {ISSUER} demands:"
    page = client.get(f"/appeals/{demo_appeal.slug}").get_data(as_text=True)
    issuers = re.search(r'<span class="issuers">(.*?)</span>\n', page, re.S).group(1)
    assert re.search(rf'<a class="issuer" href="/organizations/[^"]+">{ISSUER}</a>', issuers)
    data = client.get(f"/api/v1/appeals/{demo_appeal.slug}").get_json()
    assert [i["name"] for i in data["issuers"]] == [ISSUER]


def test_the_admin_note_says_which_targets_are_our_reading(client, demo_appeal, login):
    # The source addresses all its demands to "the country's authorities"...
    assert "appealed to the country’s authorities" in SOURCE.read_text(encoding="utf-8")
    # ...and the note says the split below is ours, as the targets really are.
    addressed = {
        slug: [
            d.position for d in demo_appeal.demands if slug in {t.authority.slug for t in d.targets}
        ]
        for slug in (SCNS, AUTHORITIES)
    }
    assert addressed == {SCNS: [1, 2, 3], AUTHORITIES: [1, 3, 4]}
    assert demo_appeal.admin_note == NOTE
    assert "“the country’s authorities”" in NOTE and "our reading" in NOTE
    assert "demands 1–3 to the State Committee" in NOTE and "demands 1, 3 and 4 to" in NOTE

    login("moderator")
    admin = client.get(f"/admin/appeals/{demo_appeal.slug}").get_data(as_text=True)
    assert html.escape(NOTE, quote=False) in admin
    client.post("/admin/logout")
    for url in (f"/appeals/{demo_appeal.slug}", f"/appeals/{demo_appeal.slug}/tracker"):
        assert "our reading" not in client.get(url).get_data(as_text=True)
    assert "our reading" not in client.get(f"/api/v1/appeals/{demo_appeal.slug}").get_data(
        as_text=True
    )


#: How each name is spelled in each language: one form each, the same in every text.
NAME_SPELLINGS = {
    "en": [
        "Kloop", "Ziyagul Bolot kyzy", "Alexander Alexandrov", "Zhoomart Duulatov",
        "Abdil Torobaev", "Symbat Baimurzaeva", "Aidai Erkebaeva", "Zara Sadygalieva",
        "State Committee for National Security", "Media Action Platform of Kyrgyzstan",
    ],
    "ru": [
        "Kloop", "Зыягул Болот кызы", "Александр Александров", "Жоомарт Дуулатов",
        "Абдил Торобаев", "Сымбат Баймурзаева", "Айдай Эркебаева", "Зара Садыгалиева",
        "Государственный комитет национальной безопасности", "Платформа медиадействий Кыргызстана",
    ],
    "ky": [
        "Kloop", "Зыягул Болот кызы", "Александр Александров", "Жоомарт Дуулатов",
        "Абдил Торобаев", "Сымбат Баймурзаева", "Айдай Эркебаева", "Зара Садыгалиева",
        "Улуттук коопсуздук мамлекеттик комитети", "Кыргызстандын Медиа аракет платформасы",
    ],
}  # fmt: skip
#: Spellings once used that must not come back (a second form of the same name).
OTHER_SPELLINGS = [
    "Зиягуль", "Абдиль", "Клооп", "боюнча мамлекеттик комитет", "медиа аракеттер",
    "Медиа Акция", "журналисттерине кысымды",
]  # fmt: skip


def _texts(appeal, language: str) -> tuple[str, str, str, list[str]]:
    """(title, summary, body as text, demands) of the appeal in a language."""
    if language == appeal.language:
        return (
            appeal.title,
            appeal.summary,
            " ".join(_blocks(appeal.body_html)),
            [d.text for d in appeal.demands],
        )
    translation = get_translation(appeal, language)
    demands = [
        next(t.text for t in d.translations if t.language == language) for d in appeal.demands
    ]
    return translation.title, translation.summary, " ".join(_blocks(translation.body_html)), demands


@pytest.mark.parametrize("language", ["en", "ru", "ky"])
def test_names_are_spelled_one_way_in_every_language(demo_appeal, language):
    _title, summary, body, _demands = _texts(demo_appeal, language)
    for name in NAME_SPELLINGS[language]:
        assert name in body, (language, name)
    for other in OTHER_SPELLINGS:
        assert other not in body and other not in summary, (language, other)
    issuer = NAME_SPELLINGS[language][-1]
    scns = NAME_SPELLINGS[language][-2]
    assert issuer in summary and scns in summary
    # The registers' names agree with the text: the issuer's, and the authority's full name.
    assert (ISSUER_NAMES | {"en": ISSUER})[language] == issuer
    names = NAMES[SCNS] | {"en": "State Committee for National Security of the Kyrgyz Republic"}
    assert scns in names[language]


@pytest.mark.parametrize("language", ["ru", "ky"])
def test_translations_keep_the_sources_shape(demo_appeal, language):
    """Each translation has the source's paragraphs, lead-in, demands and closing, in order,
    and its list of demands is its demand rows, word for word."""
    _title, _summary, _body, demands = _texts(demo_appeal, language)
    blocks = _blocks(get_translation(demo_appeal, language).body_html)
    _date, before, source_demands, _closing = _source()
    assert len(blocks) == len(before) + len(source_demands) + 1
    assert blocks[len(before) : len(before) + len(demands)] == [_normal(d) for d in demands]
    assert [d[-1] for d in demands] == [";", ";", ";", "."]
    assert blocks[len(before) - 1].endswith(":")  # the lead-in
    assert NAME_SPELLINGS[language][-1] in blocks[len(before) - 1]


def test_a_migrated_database_gets_the_note_column_without_touching_a_row(tmp_path):
    now = "2026-01-01 00:00:00+00:00"
    with unmigrated_app(tmp_path, "admin_note_migration"):
        before = down_revision_of("0019_admin_note")
        upgrade(revision=before)
        run_sql(
            "INSERT INTO appeals (id, slug, title, summary, body, body_html, language, timezone,"
            " state, delivery_note, endorsement_count, updated_at, created_at) VALUES (1, 'a',"
            " 'T', '', '', '', 'en', 'UTC', 'draft', '', 0, :now, :now)",
            now=now,
        )
        run_sql(
            "INSERT INTO demands (appeal_id, position, text, created_at) VALUES (1, 1, 'D', :now)",
            now=now,
        )
        upgrade(revision="0019_admin_note")
        assert run_sql("SELECT admin_note FROM appeals").scalar_one() == ""
        assert run_sql("SELECT count(*) FROM demands").scalar_one() == 1
        downgrade(revision=before)
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("appeals")}
        assert "admin_note" not in columns
        assert run_sql("SELECT count(*) FROM demands").scalar_one() == 1
