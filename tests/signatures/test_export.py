"""The signature CSV, byte for byte: every column type, None, booleans, datetimes, formula-like
cells, Unicode, quotes, commas and line breaks, on SQLite and (with TEST_DATABASE_URL)
PostgreSQL, in one batch and split over many."""

from __future__ import annotations

import datetime as dt

import pytest

from campaign.signatures.export import appeal_signatures, signature_csv
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


@pytest.mark.parametrize("batch", [1, 2, 4, 1000])
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
