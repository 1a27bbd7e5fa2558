"""Payload parsers that never decide anything, one module per protocol. Each takes bytes and returns a
typed event (detector.capture.events) or None; malformed input returns None: a lying length or a
compression loop never raises or hangs."""

from stalkerlab.detector.capture.protocols.certificates import describe_certificate
from stalkerlab.detector.capture.protocols.dhcp import parse_dhcp
from stalkerlab.detector.capture.protocols.dns import parse_dns
from stalkerlab.detector.capture.protocols.http import parse_http_request
from stalkerlab.detector.capture.protocols.quic import parse_quic_initial
from stalkerlab.detector.capture.protocols.tls import (
           parse_tls_certificates,
           parse_tls_client_hello,
           parse_tls_server_hello,
)

__all__ = ["describe_certificate", "parse_dhcp", "parse_dns", "parse_http_request", "parse_quic_initial",
           "parse_tls_certificates", "parse_tls_client_hello", "parse_tls_server_hello"]
