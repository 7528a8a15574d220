"""Real background processes for the browser tests: a `manage.py worker` on the live test server's
database, and a small SMTP server that records what it receives."""

from __future__ import annotations

import os
import socket
import socketserver
import subprocess
import sys
import threading
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database as a URL another process can open (the live server's own database)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(**env_extra) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "tests.settings", **env_extra}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen([sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay",
                             "--interval", "0.2"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out.decode(errors="replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _SMTPHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 smtp.uji ESMTP\r\n")
        lines, data = [], False
        while line := self.rfile.readline():
            if data:
                if line.rstrip(b"\r\n") == b".":
                    self.server.messages.append(b"".join(lines).decode(errors="replace"))
                    lines, data = [], False
                    self.wfile.write(b"250 diterima\r\n")
                else:
                    lines.append(line)
                continue
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.wfile.write(b"250-smtp.uji\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                data = True
                self.wfile.write(b"354 lanjut\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 sampai jumpa\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


class MailServer(socketserver.ThreadingTCPServer):
    """A mail server on a port of the caller's choosing (started when the test says it is back)."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int):
        super().__init__(("127.0.0.1", port), _SMTPHandler)
        self.messages: list[str] = []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def close(self):
        self.shutdown()
        self.server_close()
