"""Fixtures of the delivery tests: a reply domain, so appeals can be delivered by email."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_config(app_config):
    return {**app_config, "REPLY_TO_DOMAIN": "replies.example.org"}
