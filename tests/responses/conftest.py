"""Fixtures shared by the responses tests."""

from tests.responses.test_mailshots import audience  # noqa: F401  (subscribers of the demo)
