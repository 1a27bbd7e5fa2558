"""HTTP/1.1 request and response heads in clear text (the body follows them; its length is announced)."""

from __future__ import annotations

from datetime import datetime, timezone


def http_date(t: float) -> str:
    return datetime.fromtimestamp(t, tz=timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")


def http_request_head(method: str, host: str, path: str, headers: tuple[tuple[str, str], ...], body_len: int) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{k}: {v}" for k, v in headers]
    if body_len or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {body_len}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def http_response_head(status: int, t: float, headers: tuple[tuple[str, str], ...], body_len: int) -> bytes:
    reason = {200: "OK", 204: "No Content", 404: "Not Found"}.get(status, "OK")
    lines = [f"HTTP/1.1 {status} {reason}", f"Date: {http_date(t)}"]
    lines += [f"{k}: {v}" for k, v in headers]
    if status != 204:
        if not any(k.lower() == "content-type" for k, _ in headers):
            lines.append("Content-Type: application/octet-stream")
        lines.append(f"Content-Length: {body_len}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()
