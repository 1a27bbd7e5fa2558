"""HTTP/1.x request heads: method, path, Host, User-Agent and the announced body size. A kept-alive
connection carries several; a CONNECT opens a tunnel (to a proxy) whose TLS handshake follows."""

from __future__ import annotations

from stalkerlab.detector.capture.events import HttpRequest

METHODS = (b"GET", b"POST", b"PUT", b"HEAD", b"DELETE", b"PATCH", b"OPTIONS", b"CONNECT")
MAX_HEAD = 4096


def could_be_request(stream: bytes) -> bool:
    """Whether a client's first bytes may still become a request head (they start with a method)."""
    head = stream[:8]
    space = head.find(b" ")
    return head[:space] in METHODS if space >= 0 else any(m.startswith(head) for m in METHODS)


def request_head_end(stream: bytes) -> int:
    """Where the head ends (after its blank line), or -1 while it is incomplete."""
    end = stream.find(b"\r\n\r\n")
    return end + 4 if end >= 0 else -1


def parse_http_request(stream: bytes) -> HttpRequest | None:
    """From a client's first bytes (possibly several segments joined); None if not an HTTP request."""
    end = stream.find(b"\r\n\r\n")
    head = stream[:end if end >= 0 else MAX_HEAD]
    first, _, rest = head.partition(b"\r\n")
    parts = first.split(b" ")
    if len(parts) != 3 or not parts[2].startswith(b"HTTP/1.") or parts[0] not in METHODS:
        return None
    headers = {}
    for line in rest.split(b"\r\n"):
        key, sep, value = line.partition(b":")
        if sep:
            headers[key.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    try:
        body = int(headers.get("content-length", "0") or 0)
    except ValueError:
        body = 0
    return HttpRequest(parts[0].decode(), parts[1].decode("latin-1"), headers.get("host", ""),
                       headers.get("user-agent", ""), body)
