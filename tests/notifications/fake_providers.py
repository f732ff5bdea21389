"""Fake WeChat Work, DingTalk and Aliyun SMS servers on 127.0.0.1 for the channel tests.

Each is a real threaded `http.server` that speaks the provider's documented request and
answer format: it checks what a real server checks (robot key, access_token and its expiry,
DingTalk's timestamp + HmacSHA256 sign, Aliyun's HMAC-SHA1 request signature and template
parameters), enforces the documented rate limits with the documented error codes, and counts
what it *delivered* (accepted with a success answer), which is what the tests count.

`script(...)` queues forced answers for the next requests (a dict is sent as a JSON answer
with HTTP 200, an int is sent as a bare HTTP status), to play outages and rate limits.
Clocks are `time.time()`, so `time_machine` moves the servers' windows as well.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit


class FakeServer:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests: list[dict] = []  # every request: path, query, body
        self.delivered: list[dict] = []  # what was accepted with a success answer
        self.forced: deque = deque()
        self.windows: dict[str, list[float]] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self, method: str):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                with server.lock:
                    server.requests.append(
                        {"path": parts.path, "query": query, "body": raw, "at": time.time()}
                    )
                    if server.forced and server.forced_paths(parts.path):
                        answer = server.forced.popleft()
                        status, body = (
                            (answer, b"<html>bad gateway</html>")
                            if isinstance(answer, int)
                            else (200, json.dumps(answer).encode())
                        )
                    else:
                        status, payload = server.answer(
                            method, parts.path, query, raw, self.headers
                        )
                        body = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> FakeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def forced_paths(self, path: str) -> bool:
        """Which requests the scripted answers replace (all of them unless a subclass says)."""
        return True

    def script(self, *answers) -> None:
        with self.lock:
            self.forced.extend(answers)

    def within_limit(self, key: str, count: int, seconds: int) -> bool:
        now = time.time()
        stamps = [s for s in self.windows.get(key, []) if s > now - seconds]
        if len(stamps) >= count:
            self.windows[key] = stamps
            return False
        stamps.append(now)
        self.windows[key] = stamps
        return True

    def answer(self, method, path, query, raw, headers) -> tuple[int, dict]:
        raise NotImplementedError


class FakeWeCom(FakeServer):
    """WeChat Work: the group robot (POST /cgi-bin/webhook/send?key=…: markdown at most 4096
    bytes, 20 a minute per robot) and the application message (GET /cgi-bin/gettoken, POST
    /cgi-bin/message/send with a textcard, 30 a minute per member, duplicate check)."""

    def __init__(
        self,
        keys=("robot-key-0001",),
        corp_id="ww-corp-1",
        secret="app-secret-1",
        agent_id=1000002,
        users=(),
    ):
        super().__init__()
        self.keys = set(keys)
        self.corp_id, self.secret, self.agent_id = corp_id, secret, agent_id
        self.users = set(users)
        self.tokens: dict[str, float] = {}
        self.token_calls = 0
        self.seen: dict[str, float] = {}
        self.app_delivered: list[dict] = []

    def expire_tokens(self) -> None:
        with self.lock:
            self.tokens = {token: 0 for token in self.tokens}

    def answer(self, method, path, query, raw, headers):
        if path == "/cgi-bin/webhook/send" and method == "POST":
            return self.robot(query, raw)
        if path == "/cgi-bin/gettoken":
            return self.gettoken(query)
        if path == "/cgi-bin/message/send" and method == "POST":
            return self.app_message(query, raw)
        return 404, {"errcode": 404, "errmsg": "not found"}

    def robot(self, query, raw):
        key = query.get("key", "")
        if key not in self.keys:
            return 200, {"errcode": 93000, "errmsg": "invalid webhook url, hint: [x]"}
        body = json.loads(raw)
        if body.get("msgtype") != "markdown":
            return 200, {"errcode": 40008, "errmsg": "invalid message type"}
        content = body.get("markdown", {}).get("content", "")
        if not content:
            return 200, {"errcode": 44004, "errmsg": "empty content"}
        if len(content.encode()) > 4096:
            return 200, {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"}
        if not self.within_limit(key, 20, 60):
            return 200, {"errcode": 45009, "errmsg": "api freq out of limit"}
        self.delivered.append({"key": key, "content": content})
        return 200, {"errcode": 0, "errmsg": "ok"}

    def gettoken(self, query):
        self.token_calls += 1
        if query.get("corpid") != self.corp_id:
            return 200, {"errcode": 40013, "errmsg": "invalid corpid"}
        if query.get("corpsecret") != self.secret:
            return 200, {"errcode": 40001, "errmsg": "invalid credential"}
        token = uuid.uuid4().hex
        self.tokens[token] = time.time() + 7200
        return 200, {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}

    def app_message(self, query, raw):
        now = time.time()
        token = query.get("access_token", "")
        if token not in self.tokens:
            return 200, {"errcode": 40014, "errmsg": "invalid access_token"}
        if self.tokens[token] <= now:
            return 200, {"errcode": 42001, "errmsg": "access_token expired"}
        body = json.loads(raw)
        if body.get("agentid") != self.agent_id:
            return 200, {"errcode": 40056, "errmsg": "invalid agentid"}
        user = body.get("touser", "")
        if user not in self.users:
            return 200, {"errcode": 81013, "errmsg": "user & party & tag all invalid"}
        if not self.within_limit(f"user:{user}", 30, 60):
            return 200, {"errcode": 45009, "errmsg": "api freq out of limit"}
        fingerprint = hashlib.sha256(raw).hexdigest()
        if body.get("enable_duplicate_check") and self.seen.get(fingerprint, 0) > now:
            return 200, {"errcode": 0, "errmsg": "ok", "invaliduser": ""}  # shown once only
        self.seen[fingerprint] = now + int(body.get("duplicate_check_interval") or 1800)
        self.app_delivered.append(body)
        return 200, {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": uuid.uuid4().hex}


class FakeDingTalkRobot(FakeServer):
    """POST /robot/send?access_token=…[&timestamp=…&sign=…]: 20 a minute per robot."""

    def __init__(self, tokens=None):
        super().__init__()
        self.tokens: dict[str, str] = tokens or {"ding-token-1": ""}  # token -> sign secret

    def answer(self, method, path, query, raw, headers):
        if path != "/robot/send":
            return 404, {"errcode": 404, "errmsg": "not found"}
        token = query.get("access_token", "")
        if token not in self.tokens:
            return 200, {"errcode": 300001, "errmsg": "token is not exist"}
        secret = self.tokens[token]
        if secret:
            try:
                timestamp = int(query.get("timestamp", ""))
            except ValueError:
                return 200, {"errcode": 310000, "errmsg": "sign not match"}
            if abs(time.time() * 1000 - timestamp) > 3600 * 1000:
                return 200, {"errcode": 310000, "errmsg": "sign not match, timestamp expired"}
            digest = hmac.new(
                secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256
            ).digest()
            if query.get("sign", "") != base64.b64encode(digest).decode():
                return 200, {"errcode": 310000, "errmsg": "sign not match"}
        body = json.loads(raw)
        if body.get("msgtype") != "markdown" or not body.get("markdown", {}).get("text"):
            return 200, {"errcode": 400105, "errmsg": "不支持的消息类型"}
        if not self.within_limit(token, 20, 60):
            return 200, {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}
        self.delivered.append(body)
        return 200, {"errcode": 0, "errmsg": "ok"}


def _percent(value: str) -> str:
    return quote(value, safe="~")


class FakeAliyunSms(FakeServer):
    """POST / (RPC style, form body) Action=SendSms Version=2017-05-25, signed HMAC-SHA1."""

    def __init__(
        self,
        key_id="LTAI-test-id",
        key_secret="test-secret",
        signs=("清风镇纪委",),
        templates=("SMS_10001",),
    ):
        super().__init__()
        self.key_id, self.key_secret = key_id, key_secret
        self.signs, self.templates = set(signs), set(templates)

    def answer(self, method, path, query, raw, headers):
        request_id = str(uuid.uuid4()).upper()
        params = {k: v[0] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
        if params.get("AccessKeyId") != self.key_id:
            return 404, {
                "Code": "InvalidAccessKeyId.NotFound",
                "Message": "Specified access key is not found.",
                "RequestId": request_id,
            }
        given = params.pop("Signature", "")
        canonical = "&".join(f"{_percent(k)}={_percent(params[k])}" for k in sorted(params))
        to_sign = f"{method}&{_percent('/')}&{_percent(canonical)}"
        expected = base64.b64encode(
            hmac.new(f"{self.key_secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
        ).decode()
        if given != expected:
            return 400, {
                "Code": "SignatureDoesNotMatch",
                "Message": "Specified signature is not matched with our calculation.",
                "RequestId": request_id,
            }
        if params.get("Action") != "SendSms" or params.get("Version") != "2017-05-25":
            return 400, {"Code": "InvalidAction.NotFound", "Message": "bad action"}
        if params.get("SignName") not in self.signs:
            return 200, {
                "Code": "isv.SMS_SIGNATURE_ILLEGAL",
                "Message": "该账号下找不到对应签名",
                "RequestId": request_id,
            }
        if params.get("TemplateCode") not in self.templates:
            return 200, {
                "Code": "isv.SMS_TEMPLATE_ILLEGAL",
                "Message": "该账号下找不到对应模板",
                "RequestId": request_id,
            }
        try:
            values = json.loads(params.get("TemplateParam", ""))
        except ValueError:
            return 200, {
                "Code": "isv.INVALID_JSON_PARAM",
                "Message": "JSON参数不合法",
                "RequestId": request_id,
            }
        if not {"title", "when"} <= set(values):
            return 200, {
                "Code": "isv.TEMPLATE_MISSING_PARAMETERS",
                "Message": "模板缺少变量",
                "RequestId": request_id,
            }
        phone = params.get("PhoneNumbers", "")
        if not re.match(r"^1[3-9]\d{9}$", phone):
            return 200, {
                "Code": "isv.MOBILE_NUMBER_ILLEGAL",
                "Message": "非法手机号",
                "RequestId": request_id,
            }
        sender = f"{params['SignName']}:{params['TemplateCode']}:{phone}"
        if not self.within_limit(sender, 50, 86400):
            return 200, {
                "Code": "isv.BUSINESS_LIMIT_CONTROL",
                "Message": "触发天级流控Permits:50",
                "RequestId": request_id,
            }
        self.delivered.append(params)
        return 200, {
            "Code": "OK",
            "Message": "OK",
            "BizId": uuid.uuid4().hex[:20],
            "RequestId": request_id,
        }
