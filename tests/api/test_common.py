"""Pagination arguments read query strings (always strings) and refuse what is not a page."""

import pytest
from marshmallow import ValidationError

from campaign.api.common import PageArgs


def test_page_args_read_query_string_numbers():
    assert PageArgs().load({"page": "2", "per_page": "100"}) == {"page": 2, "per_page": 100}
    assert PageArgs().load({}) == {"page": 1, "per_page": 20}


@pytest.mark.parametrize(
    "args", [{"page": "2.5"}, {"page": "x"}, {"page": "0"}, {"per_page": "101"}, {"per_page": "0"}]
)
def test_page_args_refuse_what_is_not_a_page(args):
    with pytest.raises(ValidationError):
        PageArgs().load(args)
