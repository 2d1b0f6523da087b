"""The input limits (campaign/core/limits.py) agree with the database, and every form's text
fields declare one. The API's are checked from the OpenAPI document in tests/api/test_fuzz.py,
the forms' rendered maxlength in tests/test_fuzz_forms.py."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from wtforms.fields import (
    EmailField,
    HiddenField,
    PasswordField,
    SearchField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import Length

import campaign
from campaign.accounts.models import User
from campaign.appeals.models import Appeal, AppealTranslation, Update
from campaign.authorities.models import Authority
from campaign.core import limits
from campaign.core.dates import HumanDateField
from campaign.core.forms import Form
from campaign.endorsements.models import Endorsement, Organization
from campaign.responses.models import Response, StatusChange
from campaign.signatures.models import BlockedEmailDomain, BlockedNetwork, Signature

#: (String column, the limit of what fills it).
COLUMNS = [
    (Appeal.slug, limits.SLUG),
    (Appeal.title, limits.TITLE),
    (Appeal.language, limits.LANGUAGE),
    (AppealTranslation.title, limits.TITLE),
    (Update.title, limits.TITLE),
    # email, city and an anonymous name are stored sealed (Text; campaign.core.datakeys).
    (Signature.shown_name, limits.PERSON_NAME),
    (Signature.country, limits.COUNTRY),
    (Signature.ref, limits.REF),
    (Organization.name, limits.ORGANIZATION_NAME),
    (Organization.website, limits.WEBSITE),
    (Organization.country, limits.COUNTRY),
    (Endorsement.signatory_name, limits.PERSON_NAME),
    (Endorsement.signatory_role, limits.PERSON_NAME),
    (Authority.slug, limits.SLUG),
    (Authority.name, limits.ORGANIZATION_NAME),
    (Authority.country, limits.COUNTRY),
    (Authority.website, limits.WEBSITE),
    (Authority.contact_email, limits.EMAIL),
    (Response.source_url, limits.SOURCE_URL),
    (StatusChange.source_url, limits.SOURCE_URL),
    (User.email, limits.EMAIL),
    (BlockedNetwork.cidr, limits.CIDR),
    (BlockedEmailDomain.domain, limits.DOMAIN),
]
TEXT_FIELDS = (StringField, TextAreaField, EmailField, PasswordField, SearchField, URLField)
#: Text fields that may go without a Length: the share channel is mapped to a known one.
UNBOUNDED = {("SignForm", "ref")}


@pytest.mark.parametrize("column, limit", COLUMNS, ids=lambda v: getattr(v, "key", str(v)))
def test_no_limit_lets_through_more_than_its_column_holds(column, limit):
    assert column.type.length is not None
    assert limit <= column.type.length


def _form_classes() -> list[type]:
    for module in pkgutil.walk_packages(campaign.__path__, "campaign."):
        importlib.import_module(module.name)
    found, todo = [], [Form]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_text_field_of_every_form_has_a_maximum_length():
    classes = _form_classes()
    assert len(classes) > 15
    unbounded = []
    for cls in classes:
        for name in dir(cls):
            unbound = getattr(cls, name, None)
            field_class = getattr(unbound, "field_class", None)
            if not (isinstance(field_class, type) and issubclass(field_class, TEXT_FIELDS)):
                continue
            # A HumanDateField bounds itself: maxlength on the page, longer text refused.
            if issubclass(field_class, (HiddenField, HumanDateField)):
                continue
            if (cls.__name__, name) in UNBOUNDED:
                continue
            validators = unbound.kwargs.get("validators") or (unbound.args[1:2] or [[]])[0]
            if not any(isinstance(v, Length) and v.max and v.max > 0 for v in validators):
                unbounded.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert not unbounded, unbounded
