"""Fixtures of the mail tests: other SMTP servers than the plain `smtp` sink."""

from __future__ import annotations

import pytest

from tests.mail.sinks import AsciiOnlySink, GatedSink


def _serve(sink):
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def ascii_only_smtp():
    yield from _serve(AsciiOnlySink())


@pytest.fixture
def gated_smtp():
    yield from _serve(GatedSink())
