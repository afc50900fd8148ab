"""Scale-out (issue 14, docs/scaling.md): two gunicorn processes on one PostgreSQL database keep
no state of their own that matters. A session made by one is good on the other, a file
uploaded through one is served by the other, a write through one is read through the other.

PostgreSQL only: several processes (or machines) serving one database is the PostgreSQL set-up;
SQLite is one process on one machine. The processes read the test database pytest-django
created, so the data they need is committed (``transactional_db``).
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import override_settings

from jifen import settings as jifen_settings
from jifen.core import clock
from jifen.recording.models import Declaration
from jifen.rulebooks.services import adoption_set

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "两个进程-同一个库-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n% two processes\n"


@pytest.fixture(scope="module")
def postgres_only(django_db_setup: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("多进程只在 PostgreSQL 上部署；SQLite 是一台机器上的一个进程 (PostgreSQL only)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_url() -> str:
    """The test database, as the processes' DATABASE_URL."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    if host.startswith("/"):  # a Unix socket folder
        return f"postgres://{auth}@{port}/{db['NAME']}?host={quote(host)}"
    return f"postgres://{auth}@{host}{port}/{db['NAME']}"


@pytest.fixture(scope="module")
def two_servers(
    postgres_only: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[int, int]]:
    """Two gunicorn processes, one worker each, sharing only the database and one folder
    (JIFEN_VAR_DIR: uploaded files and collected static files) and the settings. Started once
    for the module: they hold nothing between tests but idle database connections."""
    tmp_path = tmp_path_factory.mktemp("two-processes")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "JIFEN_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": uuid.uuid4().hex * 2,  # one key for every process, as production sets it
    }
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "jifen"), "collectstatic", "--noinput", "-v", "0"],
        env=env, cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    ports = (_free_port(), _free_port())
    gunicorn = [str(bin_dir / "gunicorn"), "jifen.wsgi", "--workers", "1", "--timeout", "60"]
    servers = []
    try:
        for port in ports:
            command = [*gunicorn, "--bind", f"127.0.0.1:{port}"]
            quiet = subprocess.DEVNULL
            servers.append(subprocess.Popen(command, env=env, cwd=ROOT, stdout=quiet, stderr=quiet))
        for port in ports:
            _wait_for(port)
        yield ports
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"gunicorn on port {port} did not start")


class Browser:
    """One cookie jar, whichever process answers: what a browser behind a load balancer does."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self, port: int, method: str, path: str, body: bytes = b"", content_type: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response.status, dict(response.getheaders()), data

    def token(self, port: int, path: str) -> str:
        status, _, page = self.request(port, "GET", path)
        assert status == 200, (path, status)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, path
        return found.group(1).decode()

    def post(
        self, port: int, path: str, fields: dict[str, str], form: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
        """POST ``fields`` with the CSRF token of the page ``form`` (by default, ``path``)."""
        fields = {"csrfmiddlewaretoken": self.token(port, form or path), **fields}
        body = urlencode(fields).encode()
        return self.request(port, "POST", path, body, "application/x-www-form-urlencoded")

    def declare(self, port: int, description: str) -> int:
        """Submit a declaration with a PDF as evidence (multipart, as the page's form does)."""
        path = "/me/declarations/new/"
        fields = {
            "csrfmiddlewaretoken": self.token(port, path),
            "item": "volunteer",
            "date": clock.today().isoformat(),
            "description": description,
            "points": "2",
        }
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="evidence.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + PDF
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        status, headers, page = self.request(
            port, "POST", path, body, f"multipart/form-data; boundary={boundary}"
        )
        assert status == 302, page.decode()[:2000]
        return int(headers["Location"].rstrip("/").rsplit("/", 1)[1])


@pytest.fixture
def world(transactional_db: None, tree: SimpleNamespace, member: User) -> SimpleNamespace:
    # The servers hash with the production hashers (Argon2), not the tests' MD5.
    with override_settings(PASSWORD_HASHERS=jifen_settings.PASSWORD_HASHERS):
        member.password = make_password(PASSWORD)
    member.save(update_fields=["password"])
    # The servers read the real clock (Beijing's date, as clock.today() here): adopt for their year.
    adoption_set(organization=tree.c, year=clock.today().year, rulebook="seed003")
    return SimpleNamespace(tree=tree, member=member)


def test_two_processes_share_sessions_files_and_writes(
    world: SimpleNamespace, two_servers: tuple[int, int]
) -> None:
    a, b = two_servers
    browser = Browser()
    # Signed in through A ...
    status, _, _ = browser.post(a, "/accounts/login/", {"username": "dangyuan",
                                                          "password": PASSWORD})  # fmt: skip
    assert status == 302, "the login through A failed"
    assert "sessionid" in browser.cookies
    # ... the same session cookie is signed in on B (the session is in the database).
    status, _, page = browser.request(b, "GET", "/me/declarations/")
    assert status == 200
    assert "赵磊" in page.decode()
    # A file uploaded through A is served, byte for byte, by B (MEDIA_ROOT is shared).
    first = browser.declare(a, "通过进程 A 申报：社区志愿服务")
    evidence = Declaration.objects.get(pk=first).evidence.get()
    status, headers, body = browser.request(b, "GET", f"/evidence/{evidence.pk}/")
    assert (status, headers["Content-Type"], body) == (200, "application/pdf", PDF)
    # A write through B is read through A at once (no per-process cache of data).
    second = browser.declare(b, "通过进程 B 申报：网格服务")
    status, _, page = browser.request(a, "GET", f"/declarations/{second}/")
    assert status == 200
    assert "通过进程 B 申报：网格服务" in page.decode()
    status, _, page = browser.request(a, "GET", "/me/declarations/")
    assert "通过进程 A 申报" in page.decode()
    assert "通过进程 B 申报" in page.decode()
    # Signing out through B ends the session for A too.
    status, _, _ = browser.post(b, "/accounts/logout/", {}, form="/me/declarations/")
    assert status == 302
    status, headers, _ = browser.request(a, "GET", "/me/declarations/")
    assert status == 302
    assert "/accounts/login/" in headers["Location"]


def test_failed_logins_count_across_processes(
    world: SimpleNamespace, two_servers: tuple[int, int]
) -> None:
    """Five wrong passwords, three through A and two through B, lock the account on both: the
    counters are in the database, not in each process (settings.AXES_FAILURE_LIMIT)."""
    a, b = two_servers
    browser = Browser()
    for n in range(5):
        status, _, page = browser.post((a, b)[n % 2], "/accounts/login/",
                                 {"username": "dangyuan", "password": f"错的密码{n}"})  # fmt: skip
        assert status != 302
        assert ("账号已暂时锁定" in page.decode()) == (n == 4), n  # locked at the fifth, not before
    status, _, page = browser.post(a, "/accounts/login/", {"username": "dangyuan",
                                                            "password": PASSWORD})  # fmt: skip
    assert status != 302, "the right password signed in: the failures were counted per process"
    assert "账号已暂时锁定" in page.decode()
    assert "sessionid" not in browser.cookies
