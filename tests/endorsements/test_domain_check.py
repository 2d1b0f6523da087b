"""The moderators' domain check: does the contact's email domain belong to the website?"""

from __future__ import annotations

import pytest

from campaign.endorsements.queries import email_domain_matches


@pytest.mark.parametrize(
    ("email", "website", "expected"),
    [
        ("aida@kloop.kg", "https://kloop.kg", True),
        ("aida@kloop.kg", "https://www.kloop.kg/en/about", True),  # www. and a path
        ("aida@www.kloop.kg", "kloop.kg", True),  # no scheme typed
        ("aida@KLOOP.KG", "https://Kloop.kg:8443", True),  # case, a port
        ("aida@mail.kloop.kg", "https://kloop.kg", True),  # a subdomain of the site
        ("aida@kloop.kg.", "https://kloop.kg", True),  # a trailing dot
        ("aida@пример.кг", "https://xn--e1afmkfd.xn--c1an", True),  # IDN, either spelling
        ("aida@xn--e1afmkfd.xn--c1an", "https://пример.кг", True),
        ("aida@ПРИМЕР.кг", "пример.кг", True),
        ("aida@gmail.com", "https://kloop.kg", False),
        ("aida@notkloop.kg", "https://kloop.kg", False),  # a suffix, not a subdomain
        ("aida@kloop.kg.evil.com", "https://kloop.kg", False),
        ("aida@gov.kg", "https://ministry.gov.kg", False),  # a parent domain: anyone's
        ("aida@kloop.kg", None, None),  # no website: nothing to compare
        ("aida@kloop.kg", "", None),
        (None, "https://kloop.kg", None),  # the address was erased
        ("", "https://kloop.kg", None),
        ("not-an-address", "https://kloop.kg", None),
    ],
)
def test_email_domain_matches(email, website, expected):
    assert email_domain_matches(email, website) is expected
