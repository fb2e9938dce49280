"""The HTTP guard in front of the whole app (API routes and Gradio), as one plain ASGI middleware:

- Host: only the names this server answers to (loopback names, the bound address, `allowed_hosts`), so a page
  on another site cannot reach it through DNS rebinding.
- Origin: a browser request that changes something (any method but GET/HEAD/OPTIONS) must come from the app's
  own origin (or one of `allowed_origins`); CORS headers are never granted to another origin.
- Mutations (upload, delete, change a document; Gradio's file upload route): with a token configured, the
  API routes need `Authorization: Bearer <token>`, checked before the body is read; without a token they are
  accepted only from loopback clients.
- Body size: uploads are counted while they stream (413 as soon as the limit is passed, whatever
  Content-Length says); JSON bodies of the API routes are capped at `MAX_JSON_BODY`.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.limits import MAX_JSON_BODY

log = logging.getLogger(__name__)

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
UPLOAD_PATHS = ("/documents", "/gradio_api/upload", "/upload")
JSON_PATHS = ("/ask", "/search")
NO_TOKEN_HINT = (
    "this server has no API token, so changes are accepted only from this machine (127.0.0.1); "
    "to allow them from elsewhere, start it with POLICYQA_API_TOKEN=<a long random string> and send "
    "'Authorization: Bearer <token>'"
)


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def host_name(value: str) -> str:
    """'example.org:7860' -> 'example.org', '[::1]:7860' -> '::1' (lower-cased)."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def is_mutation(method: str, path: str) -> bool:
    """Routes that change the library: uploads, document deletes and edits, Gradio's file upload."""
    if path.startswith(UPLOAD_PATHS) and method == "POST":
        return True
    return path.startswith("/documents/") and method in ("DELETE", "PATCH", "PUT", "POST")


def bearer_token(headers: dict[bytes, bytes]) -> str | None:
    value = headers.get(b"authorization", b"").decode("latin-1")
    return value[7:].strip() if value.lower().startswith("bearer ") else None


class _TooLarge(Exception):
    pass


@dataclass
class GuardConfig:
    token: str | None
    max_upload_bytes: int
    max_upload_mb: int
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)
    allowed_origins: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def build(
        cls,
        *,
        token: str | None,
        max_upload_mb: int,
        bind_host: str | None = None,
        allowed_hosts: Iterable[str] = (),
        allowed_origins: Iterable[str] = (),
    ) -> GuardConfig:
        hosts = {h.lower().strip("[]") for h in (*LOOPBACK_NAMES, *allowed_hosts)}
        if bind_host and bind_host not in ("0.0.0.0", "::", ""):
            hosts.add(bind_host.lower().strip("[]"))
        return cls(
            token=token or None,
            max_upload_bytes=max_upload_mb * 1024 * 1024 + 64 * 1024,  # room for the multipart framing
            max_upload_mb=max_upload_mb,
            allowed_hosts=frozenset(hosts),
            allowed_origins=frozenset(o.rstrip("/").lower() for o in allowed_origins),
        )


class RequestGuard:
    """The ASGI middleware described in the module docstring."""

    def __init__(self, app: ASGIApp, config: GuardConfig) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket" and not self._host_ok(dict(scope.get("headers") or [])):
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        method, path = scope["method"], scope["path"]
        refusal = self._refusal(scope, headers, method, path)
        if refusal is not None:
            status, detail = refusal
            log.warning("refused %s %s from %s: %s", method, path, (scope.get("client") or ("?",))[0], detail)
            await _json(send, status, detail)
            return
        limit = self._body_limit(method, path)
        if limit is None:
            await self.app(scope, receive, self._strip_cors(send, headers))
            return
        await self._limited(scope, receive, send, limit, headers)

    # ---- decisions --------------------------------------------------------------------------------------

    def _host_ok(self, headers: dict[bytes, bytes]) -> bool:
        host = headers.get(b"host", b"").decode("latin-1")
        return "*" in self.config.allowed_hosts or host_name(host) in self.config.allowed_hosts

    def _origin_ok(self, headers: dict[bytes, bytes]) -> bool:
        origin = headers.get(b"origin", b"").decode("latin-1").rstrip("/").lower()
        if not origin:  # not sent by a browser page (curl, scripts): nothing to forge
            return True
        if origin in self.config.allowed_origins:
            return True
        host = headers.get(b"host", b"").decode("latin-1").lower()
        return origin.split("://", 1)[-1] == host  # the page was served by this very host:port

    def _refusal(self, scope: Scope, headers: dict[bytes, bytes], method: str, path: str) -> tuple[int, str] | None:
        if not self._host_ok(headers):
            return 421, "unknown Host header; add the name to POLICYQA_ALLOWED_HOSTS if it is this server's"
        if method not in SAFE_METHODS and not self._origin_ok(headers):
            return 403, "cross-origin request refused: changes are accepted only from this app's own pages"
        if method == "OPTIONS" and headers.get(b"origin") and not self._origin_ok(headers):
            return 403, "cross-origin request refused"
        if is_mutation(method, path):
            client = (scope.get("client") or (None,))[0]
            if self.config.token is None:
                if not is_loopback(client):
                    return 403, NO_TOKEN_HINT
            elif path.startswith("/documents"):
                token = bearer_token(headers)
                if not token or not secrets.compare_digest(token.encode(), self.config.token.encode()):
                    return 401, "this server requires a token for changes: send 'Authorization: Bearer <token>'"
            declared = headers.get(b"content-length", b"")
            if declared.isdigit() and int(declared) > self.config.max_upload_bytes:
                return 413, self._too_large()
        return None

    def _body_limit(self, method: str, path: str) -> int | None:
        if method not in ("POST", "PUT", "PATCH"):
            return None
        if path.startswith(UPLOAD_PATHS):
            return self.config.max_upload_bytes
        if path in JSON_PATHS:
            return MAX_JSON_BODY
        return None

    def _too_large(self) -> str:
        return f"the upload is larger than the {self.config.max_upload_mb} MiB limit (POLICYQA_MAX_UPLOAD_MB)"

    # ---- plumbing ---------------------------------------------------------------------------------------

    def _strip_cors(self, send: Send, headers: dict[bytes, bytes]) -> Send:
        """Drop Access-Control-* response headers unless the request came from an allowed origin."""
        if not headers.get(b"origin") or self._origin_ok(headers):
            return send

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [
                    (k, v) for k, v in message.get("headers", []) if not k.lower().startswith(b"access-control-")
                ]
            await send(message)

        return wrapped

    async def _limited(
        self, scope: Scope, receive: Receive, send: Send, limit: int, headers: dict[bytes, bytes]
    ) -> None:
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _json(send, 413, self._too_large() if limit != MAX_JSON_BODY else _json_too_large())
            return
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _TooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:  # the app's error response for the aborted body is replaced by the 413 below
                return
            if message["type"] == "http.response.start":
                started = True
            await self._strip_cors(send, headers)(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            pass
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            detail = self._too_large() if limit != MAX_JSON_BODY else _json_too_large()
            await _json(send, 413, detail)


def _printable(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")[:500]


def _json_too_large() -> str:
    return f"the request body is larger than {MAX_JSON_BODY // 1024} KiB; shorten the question, history or filters"


async def _json(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def add_request_guard(app: Any, server: Any) -> None:
    """Install `RequestGuard` on a FastAPI app from the server settings (token, limits, hosts), and a 422
    handler whose body never echoes invalid input back (a lone surrogate in it would make the body unencodable)."""
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse

    async def validation_error(_: Any, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": _printable(str(e.get("msg", ""))), "type": e.get("type")}
            for e in exc.errors()[:20]
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_middleware(
        RequestGuard,
        config=GuardConfig.build(
            token=server.api_token,
            max_upload_mb=server.max_upload_mb,
            allowed_hosts=server.allowed_hosts,
            allowed_origins=server.allowed_origins,
        ),
    )


def with_bind_host(settings: Any, host: str) -> Any:
    """`settings` with the address the server binds to among the allowed Host names (a wildcard bind adds none:
    name the server's public names in POLICYQA_ALLOWED_HOSTS)."""
    server = settings.server
    if not host or host in ("0.0.0.0", "::") or host.lower().strip("[]") in LOOPBACK_NAMES:
        return settings
    if host in server.allowed_hosts:
        return settings
    server = server.model_copy(update={"allowed_hosts": [*server.allowed_hosts, host]})
    return settings.model_copy(update={"server": server})
