"""X.509 certificates from a TLS 1.2 handshake, read with `cryptography`: names, SANs, validity and the
SHA-1 / SHA-256 fingerprints that feeds list."""

from __future__ import annotations

import warnings

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID
from stalkerlab.detector.capture.events import TlsCertificate


def describe_certificate(der: bytes) -> TlsCertificate | None:
    """None when the certificate cannot be read. `cryptography` parses names and extensions lazily, so a
    damaged one raises only when read, and not always ValueError (KeyError for an unknown string tag,
    InvalidVersion, DuplicateExtension): hence the broad except."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # a negative serial or odd attribute length would warn on stderr
        try:
            return _describe(x509.load_der_x509_certificate(der))
        except Exception:      # noqa: BLE001 - a certificate we cannot read is simply not described
            return None


def _attr(name: x509.Name, oid) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _describe(cert: x509.Certificate) -> TlsCertificate:
    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
            x509.DNSName)
    except x509.ExtensionNotFound:
        sans = []
    return TlsCertificate(
        subject=cert.subject.rfc4514_string(), subject_cn=_attr(cert.subject, NameOID.COMMON_NAME),
        issuer=cert.issuer.rfc4514_string(), issuer_org=_attr(cert.issuer, NameOID.ORGANIZATION_NAME),
        self_signed=cert.issuer == cert.subject, sans=tuple(sans),
        not_before=cert.not_valid_before_utc.isoformat(), not_after=cert.not_valid_after_utc.isoformat(),
        sha1=cert.fingerprint(hashes.SHA1()).hex().upper(), sha256=cert.fingerprint(hashes.SHA256()).hex().upper())
