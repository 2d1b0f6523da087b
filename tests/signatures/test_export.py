"""The signature CSV, byte for byte: every column type, None, booleans, datetimes, formula-like
cells, Unicode, quotes, commas and line breaks, on SQLite and (with TEST_DATABASE_URL)
PostgreSQL, in one batch and split over many."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import pytest
import sqlalchemy as sa

from campaign.core.csvexport import neutralize
from campaign.signatures.export import COLUMNS, appeal_signatures, signature_csv
from campaign.signatures.models import Signature

UTC = dt.UTC
BISHKEK = dt.timezone(dt.timedelta(hours=6))
HEADER = (
    "id,created_at,state,confirmed_at,name,email,country,city,public_name,wants_updates,"
    "language,ref,flagged,invalidation_reason\r\n"
)
# (fields of the row, the line the export writes for it after the id)
ROWS = [
    (
        {
            "name": "Aida Bekova",
            "city": "Bishkek",
            "public_name": True,
            "state": "confirmed",
            "created_at": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            "confirmed_at": dt.datetime(2026, 1, 2, 3, 9, 0, 123456, tzinfo=UTC),
            "ref": "telegram",
        },
        "2026-01-02T03:04:05+00:00,confirmed,2026-01-02T03:09:00.123456+00:00,Aida Bekova,"
        "{email},KG,Bishkek,yes,no,en,telegram,,",
    ),
    (
        # A non-UTC time is stored and exported as UTC; microseconds keep six digits.
        {
            "name": "Айгүл Бекова 北京 😀",
            "city": None,
            "wants_updates": True,
            "language": "ky",
            "created_at": dt.datetime(2026, 3, 4, 11, 0, 0, 500, tzinfo=BISHKEK),
        },
        "2026-03-04T05:00:00.000500+00:00,pending,,Айгүл Бекова 北京 😀,{email},KG,,no,yes,ky,,,",
    ),
    (
        {
            "name": '=HYPERLINK("http://evil.example")',
            "city": "+cmd",
            "ref": "-1",
            "flagged": "@SUM(A1)",
            "invalidation_reason": "\tx",
            "state": "invalidated",
            "invalidated_at": dt.datetime(2026, 1, 5, tzinfo=UTC),
        },
        '{created},invalidated,,"\'=HYPERLINK(""http://evil.example"")",{email},KG,\'+cmd,'
        "no,no,en,'-1,'@SUM(A1),'\tx",
    ),
    (
        # Carriage return first: neutralized, and quoted for the line break it is.
        {"name": "\rcr", "city": "Osh, south", "flagged": "", "invalidation_reason": "a\nb"},
        '{created},pending,,"\'\rcr",{email},KG,"Osh, south",no,no,en,,,"a\nb"',
    ),
    (
        # Formula characters after the first position and a leading quote stay as they are.
        {"name": '\'Smith, "Jo"', "city": "a=b", "ref": "x-y", "flagged": " =space"},
        '{created},pending,,"\'Smith, ""Jo""",{email},KG,a=b,no,no,en,x-y, =space,',
    ),
    (
        {
            "name": "-",
            "city": "@",
            "state": "withdrawn",
            "withdrawn_at": dt.datetime(2026, 1, 6, tzinfo=UTC),
        },
        "{created},withdrawn,,'-,{email},KG,'@,no,no,en,,,",
    ),
]
CREATED = dt.datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC)


@pytest.fixture
def signed(db, make_appeal):
    """The appeal with ROWS signed (in that order) and the export it should produce."""
    appeal = make_appeal()
    other = make_appeal()
    lines = [HEADER]
    for number, (fields, line) in enumerate(ROWS):
        fields = {"created_at": CREATED, **fields}
        email = f"signer{number},x@example.org" if number == 3 else f"signer{number}@example.org"
        signature = Signature(appeal_id=appeal.id, email=email, email_key=email, country="KG")
        for key, value in fields.items():
            setattr(signature, key, value)
        db.session.add(signature)
        # A signature of another appeal between each: the export skips it.
        db.session.add(Signature(appeal_id=other.id, email=email, email_key=email, country="KZ"))
        db.session.flush()
        quoted = f'"{email}"' if "," in email else email
        lines.append(
            f"{signature.id},"
            + line.replace("{email}", quoted).replace("{created}", "2026-01-01T00:00:00+00:00")
            + "\r\n"
        )
    db.session.commit()
    return appeal, "".join(lines)


@pytest.mark.parametrize("batch", [1, 2, 4, 500])
def test_export_is_byte_for_byte_the_expected_text(db, signed, batch):
    appeal, expected = signed
    assert "".join(signature_csv(appeal_signatures(appeal.id), batch=batch)) == expected


def test_cli_and_admin_download_write_the_same_text(client, db, runner, signed, login):
    appeal, expected = signed
    result = runner.invoke(args=["export", "signatures", appeal.slug])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.decode() == expected
    login("moderator")
    response = client.get(f"/admin/appeals/{appeal.slug}/signatures.csv")
    assert response.is_streamed
    assert response.get_data(as_text=True) == expected


def test_export_of_no_signatures_is_the_header(db, make_appeal):
    appeal = make_appeal()
    assert "".join(signature_csv(appeal_signatures(appeal.id))) == HEADER


def test_export_converts_the_session_time_zone_to_utc(db, signed):
    """PostgreSQL returns timestamptz in the session's zone; the export still writes UTC."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("only PostgreSQL has a session time zone")
    appeal, expected = signed
    db.session.execute(sa.text("SET LOCAL TIME ZONE 'Asia/Bishkek'"))
    loaded = db.session.execute(sa.select(Signature.created_at).limit(1)).scalar_one()
    assert loaded.utcoffset() == dt.timedelta(0)  # UTCDateTime converts what the ORM loads...
    assert "".join(signature_csv(appeal_signatures(appeal.id))) == expected  # ...and the export


def _reference_csv(db, query: sa.Select) -> str:
    """The export as it was before it was made fast: csv.writer over neutralize() of each
    value as the ORM loads it (sealed ones opened by the model's properties)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for signature in db.session.execute(query).scalars():
        writer.writerow([neutralize(getattr(signature, name)) for name in COLUMNS])
    db.session.expunge_all()
    return buffer.getvalue()


TEXTS = ["Aida", "", " ", "=1+1", "+7 700", "-", "@x", "\tTab", "\rCR", "a,b", 'say "hi"', "l1\nl2"]
TEXTS += ["Айгүл", "北京", "😀", "'quoted", "a=b", "x-y", "\u2028", "\r\n"]
ZONES = [dt.UTC, dt.timezone(dt.timedelta(hours=6)), dt.timezone(dt.timedelta(hours=-5))]


def _random_moment(rng: random.Random) -> dt.datetime:
    moment = dt.datetime(2020, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
        seconds=rng.randrange(10**9), microseconds=rng.choice([0, 1, 500, 999999, 123456])
    )
    return moment.astimezone(rng.choice(ZONES))


def test_export_matches_the_reference_on_varied_rows(db, make_appeal):
    rng = random.Random(8)
    appeal = make_appeal()
    for number in range(240):
        state = rng.choice(["pending", "confirmed", "withdrawn", "invalidated"])
        optional = [None, *TEXTS]
        db.session.add(
            Signature(
                appeal_id=appeal.id,
                email=f"s{number}@example.org",
                email_key=f"s{number}@example.org",
                name=rng.choice(optional),
                country=rng.choice(["KG", "KZ", "=1"]),
                city=rng.choice(optional),
                public_name=rng.random() < 0.5,
                wants_updates=rng.random() < 0.5,
                language=rng.choice(["en", "ru", "ky"]),
                state=state,
                created_at=_random_moment(rng),
                confirmed_at=_random_moment(rng) if state == "confirmed" else None,
                ref=rng.choice(optional),
                flagged=rng.choice([None, None, *TEXTS]),
                invalidation_reason=rng.choice([None, *TEXTS]),
            )
        )
    db.session.commit()
    query = appeal_signatures(appeal.id)
    expected = _reference_csv(db, query)
    assert expected.count("\n") > 240  # the rows are there, and some cells hold line breaks
    for batch in (1, 7, 500):
        assert "".join(signature_csv(query, batch=batch)) == expected


def test_export_matches_the_reference_on_values_sqlite_lets_in(db, make_appeal):
    """SQLite stores any value in any column. Datetimes written by other tools, a boolean 2,
    a blob, a negative id: the export writes what the ORM would load, as before."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's column types refuse these values")
    appeal = make_appeal()
    stored = [
        "2026-01-02 03:04:05.000000",
        "2026-01-02T03:04:05",
        "2026-01-02 03:04:05",
        "2026-01-02",
        "2026-01-02 03:04:05.5",
        "2026-01-02 03:04:05+06:00",
        "2026-01-02 03:04:05.123456",
    ]
    for number, created in enumerate(stored):
        db.session.execute(
            sa.text(
                "INSERT INTO signatures (id, appeal_id, email, email_key, country, public_name, "
                "wants_updates, language, state, mails_sent, created_at, confirmed_at, city) "
                "VALUES (:id, :appeal, :email, :email, 'KG', :flag, 0, 'en', 'pending', 0, "
                ":created, :confirmed, :city)"
            ),
            {
                "id": -7 if number == 0 else None,
                "appeal": appeal.id,
                "email": f"raw{number}@example.org",
                "flag": 2 if number == 1 else number % 2,
                "created": created,
                "confirmed": stored[-1 - number] if number % 3 else None,
                "city": b"=blob" if number == 2 else "Osh",
            },
        )
    db.session.commit()
    query = appeal_signatures(appeal.id)
    expected = _reference_csv(db, query)
    assert "-7," in expected and ",b'=blob'," in expected and ",yes," in expected
    for batch in (1, 3, 500):
        assert "".join(signature_csv(query, batch=batch)) == expected


def test_an_impossible_stored_date_fails_the_export_as_loading_does(db, make_appeal):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL refuses the date when it is written")
    appeal = make_appeal()
    db.session.add(
        Signature(appeal_id=appeal.id, email="m@example.org", email_key="m", country="KG")
    )
    db.session.commit()
    db.session.execute(sa.text("UPDATE signatures SET created_at = '2026-13-01 00:00:00.000000'"))
    with pytest.raises(ValueError, match="month"):
        db.session.execute(sa.select(Signature.created_at)).all()
    with pytest.raises(ValueError, match="month"):
        "".join(signature_csv(appeal_signatures(appeal.id)))
