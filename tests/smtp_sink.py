"""A local SMTP server that accepts every message and keeps its body: for alert tests and the alert benchmark,
so that e-mail delivery is exercised without a mail server."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Handler(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept messages: every DATA block is appended to server.messages."""

    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self.reply("220 sink")
        while line := self.rfile.readline():
            cmd = line.decode(errors="replace").strip().upper()
            if cmd.startswith(("EHLO", "HELO")):
                self.reply("250 sink")
            elif cmd == "DATA":
                self.reply("354 go on")
                body = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    body += chunk
                assert isinstance(self.server, SinkServer)
                self.server.messages.append(body)
                self.reply("250 queued")
            elif cmd == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


class SinkServer(socketserver.ThreadingTCPServer):
    """The sink: the bodies received, in order."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.messages: list[bytes] = []


@contextmanager
def smtp_sink() -> Iterator[SinkServer]:
    """The server on a free port of 127.0.0.1 (`server_address[1]`); the bodies received are in `.messages`."""
    server = SinkServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
