"""Hostile text in every field of the public and admin forms: never a 5xx, never script in
the page, and nothing stored when the form is refused."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.routing import AnyConverter

from campaign.appeals.models import Appeal
from campaign.endorsements.models import Endorsement
from campaign.signatures.models import Signature
from tests.factories import markdown
from tests.stored_text import bad_stored_text

SCRIPT = "<script>alert(1)</script>"
FRAGMENTS = [
    SCRIPT,
    '" onmouseover=alert(1) x="',
    "' onmouseover=alert(1) x='",
    "javascript:alert(1)",
    "<img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "\x00",
    "\r\n\t\x0b\x0c\x1b",
    "a" * 20_000,
    "x@example.org",
    "KG",
    "",
]
#: What must never appear raw in a page when some input carried it.
RAW_MARKERS = [
    SCRIPT,
    '" onmouseover=alert(1)',
    "' onmouseover=alert(1)",
    "<img src=x onerror",
    'href="javascript:',
]

HOSTILE = st.one_of(
    st.text(max_size=200),
    st.sampled_from(FRAGMENTS),
    st.builds(
        lambda a, f, b: a + f + b,
        st.text(max_size=20),
        st.sampled_from(FRAGMENTS),
        st.text(max_size=20),
    ),
)

FUZZ = settings(
    max_examples=40,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _fields(names):
    return st.fixed_dictionaries(dict.fromkeys(names, HOSTILE))


def _count(db, model) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _check(response, data, stored_before, stored_after):
    assert response.status_code < 500, response.status_code
    body = response.get_data(as_text=True)
    sent = "".join(data.values())
    for marker in RAW_MARKERS:
        if marker in sent:
            assert marker not in body, marker
    if not 300 <= response.status_code < 400:
        assert stored_after == stored_before, "a refused form stored something"


SIGN_FIELDS = ["name", "email", "country", "city", "display", "wants_updates", "website", "ref"]
ENDORSE_FIELDS = [
    "organization_name",
    "kind",
    "country",
    "website",
    "signatory_name",
    "signatory_role",
    "contact_email",
    "comment",
    "wants_updates",
    "homepage",
]
APPEAL_FIELDS = [
    "title",
    "summary",
    "body",
    "language",
    "signature_goal",
    "closes_at",
    "issued_on",
    "issued_by",
    "admin_note",
]


@pytest.fixture
def appeal(make_appeal, db):
    appeal = make_appeal()
    db.session.commit()
    return appeal


@FUZZ
@given(data=_fields(SIGN_FIELDS))
def test_signing_form(client, db, appeal, data):
    before = _count(db, Signature)
    response = client.post(f"/appeals/{appeal.slug}/sign", data=data)
    _check(response, data, before, _count(db, Signature))
    # What was accepted is shown on the appeal page: still no raw script there.
    page = client.get(f"/appeals/{appeal.slug}")
    _check(page, data, 0, 0)


@FUZZ
@given(data=_fields(ENDORSE_FIELDS))
def test_endorsement_form(client, db, appeal, data):
    before = _count(db, Endorsement)
    response = client.post(f"/appeals/{appeal.slug}/endorse", data=data)
    _check(response, data, before, _count(db, Endorsement))


@FUZZ
@given(data=_fields(["email", "password"]))
def test_login_form(client, db, make_user, data):
    response = client.post("/admin/login", data=data)
    _check(response, data, 0, 0)
    assert client.get("/admin/").status_code in (302, 401, 403), "hostile input logged in"


@pytest.fixture
def editor_client(client, login):
    login("editor")
    return client


@FUZZ
@given(data=_fields(APPEAL_FIELDS))
def test_admin_appeal_create_form(editor_client, db, data):
    before = _count(db, Appeal)
    response = editor_client.post("/admin/appeals/new", data=data)
    _check(response, data, before, _count(db, Appeal))
    if 300 <= response.status_code < 400:
        page = editor_client.get(response.headers["Location"])
        _check(page, data, 0, 0)


def test_nul_in_every_field_is_refused_without_an_error(client, db, appeal, login):
    """Found by the fuzzer on PostgreSQL: a NUL in the login email was a 500."""
    nul = "a\x00b@example.org"
    for path, names in [
        ("/admin/login", ["email", "password"]),
        (f"/appeals/{appeal.slug}/sign", SIGN_FIELDS),
        (f"/appeals/{appeal.slug}/endorse", ENDORSE_FIELDS),
    ]:
        response = client.post(path, data=dict.fromkeys(names, nul))
        assert 400 <= response.status_code < 500 or response.status_code == 200, path
    login("editor")
    before = _count(db, Appeal)
    response = client.post("/admin/appeals/new", data=dict.fromkeys(APPEAL_FIELDS, nul))
    _check(response, {}, before, _count(db, Appeal))


# --- every form the app renders, from the URL map ---------------------------------------------
#
# The crawl GETs every page of the URL map (as an admin, with real ids and slugs), reads every
# <form> on it, and posts each field of each form with hostile values while the other fields
# keep their values: NUL, a value one character past the field's maxlength (or 100,000
# characters when it has none), and an unpaired surrogate sent as JSON (Flask-WTF reads JSON as
# form data; browsers cannot send one). Whatever the view, the answer is never a 5xx, and the
# database never holds such text (tests/stored_text.py) nor the over-long value.

#: POST routes the crawl does not post to, with why.
NOT_POSTED = {
    "accounts.logout": "ends the crawler's session; it takes no field",
}
#: POST routes no page of the crawl renders a form for, with why.
NO_FORM_ON_ANY_PAGE = dict.fromkeys(
    [
        "signatures.confirm",
        "signatures.withdraw",
        "privacy.my_data",
        "endorsements.confirm",
        "endorsements.withdraw",
        "responses.unsubscribe",
    ],
    "opened by a mailed token; its form is a CSRF button, with no field to fuzz",
)
NO_FORM_ON_ANY_PAGE["appeals.issuer_approval"] = (
    "opened by a mailed token naming an issuer; tests/appeals/test_issuer_approval.py posts "
    "its comment hostile (NUL, too long)"
)
NO_FORM_ON_ANY_PAGE["admin.appeal_unhide"] = (
    "only a hidden appeal's admin page has it (the crawl hides none); a CSRF button, no field"
)
NO_FORM_ON_ANY_PAGE.update(
    dict.fromkeys(
        ["admin.inbox_assign", "admin.inbox_dismiss", "admin.inbox_publish",
         "admin.inbox_unpublish"],
        "only an inbound message's page has them (the crawl receives no mail); "
        "tests/inbox/test_admin.py posts them",
    ),
    **{"admin.redaction_remove": "listed only beside a saved rule; a CSRF button, no field",
       "admin.appeal_archive": "only a closed appeal's archive page has it (the crawl closes "
                               "none); a CSRF button, no field",
       "admin.update_publish": "only a drafted update's preview has it (the crawl drafts none); "
                               "a CSRF button, no field; tests/responses/test_confirm_first.py"},
)  # fmt: skip
NO_FORM_ON_ANY_PAGE["admin.erase_confirm"] = (
    "shown only once a lookup has found someone; its one field is the address typed, hidden: "
    "tests/privacy/test_erase_on_request.py posts it, bad addresses included"
)
#: Visible text inputs that may go without maxlength: their limits live with the Markdown.
MARKDOWN_BODIES = {"body"}
MARK = "ж"  # two bytes in UTF-8: a limit must count characters, as the columns do


class _FormParser(HTMLParser):
    """Every <form> of a page: method, action, enctype and its fields, with their values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "multipart": attrs.get("enctype") == "multipart/form-data",
                "fields": [],
            }
            self.forms.append(self._form)
        elif self._form is None or not attrs.get("name"):
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            if kind in ("checkbox", "radio") and any(
                f["name"] == attrs["name"] for f in self._form["fields"]
            ):
                return  # the first checkbox or radio of a name stands for the group
            self._form["fields"].append(
                {
                    "name": attrs["name"],
                    "kind": kind,
                    "value": attrs.get("value") or attrs.get("placeholder") or "",
                    "maxlength": attrs.get("maxlength"),
                }
            )
        elif tag == "textarea":
            self._textarea = {"name": attrs["name"], "kind": "textarea", "value": "",
                              "maxlength": attrs.get("maxlength")}  # fmt: skip
            self._form["fields"].append(self._textarea)
        elif tag == "select":
            self._select = {"name": attrs["name"], "kind": "select", "value": None,
                            "maxlength": None}  # fmt: skip
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["value"] in (None, "") or "selected" in attrs:
                self._select["value"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


TYPICAL = {"email": "someone@example.org", "url": "https://example.org", "number": "1",
           "date": "2025-06-01", "datetime-local": "2030-01-01T10:00"}  # fmt: skip


def _defaults(fields: list[dict]) -> dict[str, str]:
    values = {}
    for field in fields:
        value = field["value"]
        if not value and field["kind"] in TYPICAL:
            value = TYPICAL[field["kind"]]
        if not value and field["kind"] in ("text", "textarea", "search", "password"):
            value = "Something"
        values[field["name"]] = value or ""
    values.pop("csrf_token", None)  # CSRF is off in tests; a stale token would only confuse
    return values


@pytest.fixture
def crawl_data(client, db, login, demo_appeal, make_user, make_appeal):
    """An admin logged in, and one of each thing a form acts on."""
    from campaign.authorities.queries import get_authority_by_slug
    from campaign.responses.services import change_demand_status, post_update, record_response
    from campaign.signatures.blocklists import add_blocked_domain

    admin = login("admin")
    make_user("editor")
    draft = make_appeal(state="draft")
    _co_issue(draft)  # its page then has the "ask the issuers" button
    demand = demo_appeal.demands[0]
    target = demand.targets[0]
    response = record_response(
        admin, demo_appeal, authority=target.authority, occurred_on=dt.date(2025, 6, 2),
        kind="official_letter", summary="They answered.", demands=[demand.id],
    )  # fmt: skip
    change = change_demand_status(admin, target, "acknowledged", response=response)
    update = post_update(admin, demo_appeal, "News", markdown("Some news."))
    for name, email in [("Kloop", "aida@kloop.kg"), ("Azattyk", "bek@azattyk.org")]:
        endorsed = client.post(f"/api/v1/appeals/{demo_appeal.slug}/endorsements", json={
            "organization_name": name, "signatory_name": "Aida", "contact_email": email,
        })  # fmt: skip
        assert endorsed.status_code == 202
    # As if confirmed from the mail (the queue's forms) and approved (the initiator's form).
    endorsement, approved = db.session.execute(sa.select(Endorsement)).scalars()
    endorsement.state, approved.state = "submitted", "approved"
    blocked = add_blocked_domain(admin, "spam.example", "spam")
    from campaign.paper.services import record_paper_batch

    record_paper_batch(  # its correction form is on the paper page
        admin, demo_appeal, count=100, collected_by="Volunteers", place="Osh",
        collected_from=demo_appeal.published_at.date(), collected_to=dt.date.today(),
    )  # fmt: skip
    # Deliveries: a delivered authority with a chaser to approve, others to send to by email,
    # and a working day to remove.
    from campaign.deliveries.models import Chaser, Delivery, WorkingDayOverride

    for other in demo_appeal.demands[-1].targets:
        other.authority.contact_email = "office@authority.example.kg"
    delivered = Delivery(appeal=demo_appeal, authority=target.authority, method="hand")
    delivered.status, delivered.delivered_on = "delivered", dt.date(2025, 6, 1)
    db.session.add(Chaser(delivery=delivered, due_on=dt.date(2025, 6, 20)))
    db.session.add(WorkingDayOverride(country="KG", day=dt.date(2026, 3, 17), working=False))
    db.session.commit()
    client.post(f"/appeals/{demo_appeal.slug}/sign", data={
        "name": "Aida", "email": "aida@example.org", "country": "KG", "display": "name",
    })  # fmt: skip
    authority = get_authority_by_slug(target.authority.slug)
    return {
        "slug": demo_appeal.slug,
        "draft": draft.slug,
        "authority": authority.slug,
        "organization": endorsement.organization.slug,
        "demand_id": demand.id,
        "update_id": update.id,
        "endorsement_id": endorsement.id,
        "change_id": change.id,
        "user_id": admin.id,
        "row_id": blocked.id,
        "language": "ru",
        "kind": "domain",
    }


def _co_issue(appeal) -> None:
    from campaign.appeals.issuers import IssuerInput, set_issuers
    from campaign.endorsements.organizations import get_or_create_organization

    partner = get_or_create_organization("Partner Union")
    set_issuers(appeal, [IssuerInput(partner, "partner@example.org")])


def _page_url(app, rule, known: dict) -> str | None:
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        elif name == "slug" and "/authorities/" in rule.rule:
            values[name] = known["authority"]
        elif name == "slug" and "/organizations/" in rule.rule:
            values[name] = known["organization"]
        elif name in known:
            values[name] = known[name]
        elif name in ("token", "name", "filename"):
            values[name] = "not-a-token"  # the bad-link pages have forms too
        else:
            return None
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def _pages(app, known: dict) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        url = _page_url(app, rule, known)
        if url is not None and not url.endswith((".csv", ".png", ".svg", ".atom", ".json")):
            urls.append(url)
    # Step 2 of recording a response is reached by choosing an authority (a query string).
    urls.append(f"/admin/appeals/{known['slug']}/responses/new?authority={known['authority']}")
    # The draft's admin pages carry forms the published appeal's do not (publish, demands).
    urls += [u.replace(known["slug"], known["draft"]) for u in urls if "/admin/appeals/" in u]
    return sorted(set(urls))


def _crawl_forms(client, app, known: dict) -> dict[tuple, dict]:
    """Distinct forms (by method, action and field names) over every page."""
    forms = {}
    for url in _pages(app, known):
        response = client.get(url)
        assert response.status_code < 500, url
        if "html" not in (response.content_type or ""):
            continue
        parser = _FormParser()
        parser.feed(response.get_data(as_text=True))
        for found in parser.forms:
            action = urlsplit(found["action"] or url).path
            names = tuple(sorted(f["name"] for f in found["fields"]))
            forms.setdefault((found["method"], action, names), {**found, "page": url})
    return forms


def _submit(client, form: dict, data: dict, as_json: bool = False):
    action = form["action"] or form["page"]
    if form["method"] == "get":
        return client.get(action, query_string=data)
    if as_json:
        return client.post(action, data=json.dumps(data), content_type="application/json")
    if form["multipart"]:
        return client.post(action, data=data, content_type="multipart/form-data")
    return client.post(action, data=data)


def _stored_anywhere(needles: set[str]) -> set[str]:
    """Which of `needles` some stored text contains."""
    from campaign.core.extensions import db

    db.session.rollback()
    found = set()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, sa.String)]
        for row in db.session.execute(sa.select(*columns)) if columns else ():
            values = [value for value in row if isinstance(value, str)]
            found |= {needle for needle in needles if any(needle in v for v in values)}
    return found


def _hostile_posts(client, form: dict) -> list[str]:
    """Post each field hostile in turn; what went wrong, one line each."""
    problems = []
    defaults = _defaults(form["fields"])
    too_long_values = {}
    for field in form["fields"]:
        name = field["name"]
        if name == "csrf_token":
            continue
        limit = int(field["maxlength"]) if field["maxlength"] else None
        # Past the field's maxlength, or past every limit but the Markdown bodies'.
        too_long = MARK * (limit + 1 if limit else 25_000)
        if limit:
            too_long_values[too_long] = f"{name!r} (maxlength {limit})"
        cases = [("NUL", {**defaults, name: f"{defaults[name]}\x00x"}, False),
                 ("too long", {**defaults, name: too_long}, False),
                 ("surrogate", {**defaults, name: f"{defaults[name]}\ud800"}, True)]  # fmt: skip
        if form["method"] == "get":
            cases.pop()  # a query string cannot carry one: it is UTF-8, decoded with U+FFFD
        for case, data, as_json in cases:
            response = _submit(client, form, data, as_json)
            if response.status_code >= 500:
                where = f"{form['method'].upper()} {form['action']} {name!r} {case}"
                problems.append(f"{where}: {response.status_code}")
    where = f"{form['method'].upper()} {form['action']}"
    problems += [f"{where}: stored past its maxlength: {too_long_values[value]}"
                 for value in _stored_anywhere(set(too_long_values))]  # fmt: skip
    problems += [f"after {where}: {bad}" for bad in bad_stored_text()]
    return problems


def test_every_form_refuses_hostile_fields_from_every_page(app, client, crawl_data):
    forms = _crawl_forms(client, app, crawl_data)
    posted: set[str] = set()
    problems = []
    adapter = app.url_map.bind("localhost")
    for (method, action, _names), form in sorted(forms.items()):
        endpoint = adapter.match(action, method=method.upper())[0] if action else None
        if endpoint in NOT_POSTED:
            continue
        posted.add(endpoint)
        problems += _hostile_posts(client, form)
    assert problems == []
    assert client.get("/admin/users").status_code == 200, "the crawl lost its admin session"
    post_routes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and not rule.rule.startswith("/api/")
    }
    missed = post_routes - posted - set(NOT_POSTED) - set(NO_FORM_ON_ANY_PAGE)
    assert not missed, f"POST routes no crawled page has a form for: {sorted(missed)}"


def test_every_visible_text_field_states_its_maximum_length(app, client, crawl_data):
    """The browser keeps within the limit the form or service enforces (maxlength)."""
    forms = _crawl_forms(client, app, crawl_data)
    unbounded = sorted(
        f"{form['page']} -> {form['action']} {field['name']!r}"
        for form in forms.values()
        for field in form["fields"]
        if field["kind"] in ("text", "email", "url", "search", "password", "textarea")
        and not field["maxlength"]
        and field["name"] not in MARKDOWN_BODIES
    )
    assert not unbounded, "\n".join(unbounded)
