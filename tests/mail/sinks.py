"""SMTP servers that behave unlike the plain `smtp` sink (which, as aiosmtpd's Controller
does by default, offers SMTPUTF8): one that does not offer it, one that holds each message
until the test lets it through."""

from __future__ import annotations

import asyncio
import threading

from tests.conftest import SmtpSink, _free_port


class AsciiOnlySink(SmtpSink):
    """Does not offer SMTPUTF8 (RFC 6531): no address with a non-ASCII local part."""

    def start(self, port: int = 0):
        from aiosmtpd.controller import Controller

        port = port or _free_port()
        self.controller = Controller(self, hostname=self.host, port=port, enable_SMTPUTF8=False)
        self.controller.start()
        self.port = port


class GatedSink(SmtpSink):
    """Holds every message at DATA until `gate` is set; `holding` is set once one waits
    there, so a test knows a worker is in the middle of sending."""

    def __init__(self):
        super().__init__()
        self.holding = threading.Event()
        self.gate = threading.Event()

    def stop(self):
        self.gate.set()  # a held message must not keep the server from stopping
        super().stop()

    async def handle_DATA(self, server, session, envelope):
        self.holding.set()
        await asyncio.get_running_loop().run_in_executor(None, self.gate.wait, 30)
        return await super().handle_DATA(server, session, envelope)
