"""The deployment kit works as written: Debian's nginx with deploy/nginx/qingfeng.conf (TLS,
static files, X-Accel-Redirect) in front of gunicorn, both on loopback ports chosen now.

Checked through nginx: a login, an evidence download handed over with X-Accel-Redirect (the
internal location itself refuses direct requests), a content-hashed static file with its
one-year cache header, the HTTP→HTTPS redirect, and a 12000×12000 PNG bomb refused with the
reason while the gunicorn worker's peak resident memory (VmHWM) stays under 300 MiB.

gunicorn must read the rows the test writes, so this runs on PostgreSQL (CI) only.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

from tests.hostile_files import png_bomb

pytestmark = [pytest.mark.deploy, pytest.mark.django_db(transaction=True)]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SECRET = "deploy-test-" + "k" * 60
MIB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"process exited with {process.returncode}: {errors}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"nothing listens on {port}")


class Browser:
    """Just enough of a browser: HTTPS to nginx (self-signed), cookies, CSRF, multipart."""

    def __init__(self, port: int):
        self.port = port
        self.host = f"localhost:{port}"
        self.cookies: dict[str, str] = {}
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=self.context, timeout=120
        )
        headers = {"Host": self.host, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for raw in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(raw)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        conn.close()
        return response, data

    def get(self, path):
        return self.request("GET", path)

    def post_form(self, path, fields):
        fields = {"csrfmiddlewaretoken": self.cookies["csrftoken"], **fields}
        return self.request(
            "POST",
            path,
            body=urlencode(fields),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"https://{self.host}{path}",
                "Origin": f"https://{self.host}",
            },
        )

    def post_multipart(self, path, fields, files):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {"csrfmiddlewaretoken": self.cookies["csrftoken"], **fields}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, content, content_type) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            path,
            body=b"".join(parts),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Referer": f"https://{self.host}{path}",
                "Origin": f"https://{self.host}",
            },
        )


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def worker_peak_mib(master_pid: int) -> float:
    """The largest VmHWM (peak resident set) among gunicorn's worker processes."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
    assert peaks, "gunicorn has no worker"
    return max(peaks)


@pytest.fixture
def stack(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn must share the test database: run with DATABASE_URL=postgres://…")
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (make install adds it)")
    media, static, var, run = (tmp_path / d for d in ("media", "static", "var", "nginx"))
    for folder in (media, static, var, run):
        folder.mkdir()
    settings.MEDIA_ROOT = media
    # gunicorn runs with production settings, whose hashers do not read the tests' MD5 hashes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "QF_"))},
        "QF_TESTING": "false",
        "DEBUG": "false",
        "HTTPS": "true",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": database_url(),
        "DB_CONN_MAX_AGE": "0",
        "MEDIA_ROOT": str(media),
        "STATIC_ROOT": str(static),
        "VAR_DIR": str(var),
        "PROTECTED_MEDIA_ACCEL_PREFIX": "/protected/",
        "CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    python = sys.executable
    started = time.monotonic()
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=300,
    )
    print(f"collectstatic: {time.monotonic() - started:.0f} s")
    cert, key = run / "cert.pem", run / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    gunicorn = subprocess.Popen(
        [str(Path(python).parent / "gunicorn"), "config.wsgi:application",
         "--bind", f"127.0.0.1:{app_port}", "--workers", "1", "--timeout", "120",
         "--no-control-socket"],
        cwd=settings.BASE_DIR, env=env,
    )  # fmt: skip
    site = (settings.BASE_DIR / "deploy" / "nginx" / "qingfeng.conf").read_text()
    for name, value in {
        "UPSTREAM": f"127.0.0.1:{app_port}",
        "HTTP_LISTEN": f"127.0.0.1:{http_port}",
        "HTTPS_LISTEN": f"127.0.0.1:{https_port}",
        "SERVER_NAME": "localhost",
        "TLS_CERT": str(cert),
        "TLS_KEY": str(key),
        "STATIC_ROOT": str(static),
        "MEDIA_ROOT": str(media),
    }.items():
        site = site.replace(f"@{name}@", value)
    assert "@" not in re.sub(r"#.*", "", site), "a placeholder was left unfilled"
    (run / "site.conf").write_text(site)
    temp = {t: run / t for t in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    (run / "nginx.conf").write_text(
        f"""
user root;
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {run}/access.log;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {run}/site.conf;
}}
"""
    )
    nginx = subprocess.Popen(
        [NGINX, "-p", str(run), "-c", str(run / "nginx.conf"), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(app_port, gunicorn)
        wait_for_port(https_port, nginx)
        yield {"browser": Browser(https_port), "http_port": http_port, "gunicorn": gunicorn,
               "static": static, "media": media}  # fmt: skip
    finally:
        for process in (nginx, gunicorn):
            process.send_signal(signal.SIGTERM)
        for process in (nginx, gunicorn):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def liaison_with_evidence(stack):
    from activities import evidence, services
    from organisations.models import Role
    from tests.activities.factories import photo
    from tests.factories import (
        CampaignFactory,
        DistrictFactory,
        TownshipFactory,
        UnitFactory,
        UserFactory,
        domain,
        give_role,
    )  # fmt: skip

    township = TownshipFactory(parent=DistrictFactory())
    unit = UnitFactory(parent=township)
    campaign = CampaignFactory(township=township)
    user = UserFactory(username="field-liaison")
    give_role(user, unit, Role.Kind.LIAISON)
    import datetime as dt

    record = services.file_record(
        unit=unit,
        campaign=campaign,
        data={"date": dt.date(2026, 6, 1), "domain": domain(), "type": "lecture",
              "title": "村干部廉政党课", "participants": 20},
        uploads=[evidence.inspect_upload(photo())],
        by=user,
    )  # fmt: skip
    return user, record.evidence.get()


def test_login_evidence_static_and_bomb_through_nginx(stack, liaison_with_evidence):
    browser = stack["browser"]
    user, item = liaison_with_evidence

    # HTTP is only a redirect to HTTPS
    plain = http.client.HTTPConnection("127.0.0.1", stack["http_port"], timeout=30)
    plain.request("GET", "/accounts/login/", headers={"Host": "localhost"})
    redirect = plain.getresponse()
    assert redirect.status == 301 and redirect.headers["Location"].startswith("https://")

    # the login page, with its static files under content-hashed names
    response, page = browser.get("/accounts/login/")
    assert response.status == 200, page[:500]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    manifest = json.loads((stack["static"] / "staticfiles.json").read_text())["paths"]
    hashed_css = manifest["css/qingfeng.css"]
    assert hashed_css != "css/qingfeng.css" and f"/static/{hashed_css}" in page.decode()

    # sign in
    response, page = browser.post_form(
        "/accounts/login/", {"username": user.username, "password": "pass-1234", "next": "/"}
    )
    errors = re.findall(r'class="[^"]*(?:invalid-feedback|alert)[^"]*"[^>]*>(.*?)<', page.decode())
    assert response.status == 302, errors
    assert response.headers["Location"] == "/"
    assert "sessionid" in browser.cookies
    response, page = browser.get("/")
    assert response.status == 200

    # evidence: checked by the portal, sent by nginx (X-Accel-Redirect), never cached
    response, body = browser.get(f"/activities/evidence/{item.pk}/")
    assert response.status == 200
    assert body == (stack["media"] / item.file.name).read_bytes()
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Accel-Redirect"] is None  # consumed by nginx
    response, _ = browser.get(f"/protected/{item.file.name}")
    assert response.status == 404  # the internal location answers no one directly

    # static: a year in every cache
    response, css = browser.get(f"/static/{hashed_css}")
    assert response.status == 200 and b"{" in css
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]

    # a decompression bomb through the whole stack: refused with the reason, little memory
    bomb = png_bomb(12000)
    assert len(bomb) < MIB
    response, page = browser.post_multipart(
        "/activities/new/",
        {"date": "2026-06-10", "title": "炸弹", "type": "lecture", "participants": "3"},
        {"files": ("bomb.png", bomb, "image/png")},
    )
    assert response.status == 200
    assert "图片过大（像素超过 4000 万）" in page.decode()
    peak = worker_peak_mib(stack["gunicorn"].pid)
    print(f"gunicorn worker peak RSS after the bomb: {peak:.0f} MiB")
    assert peak < 300
