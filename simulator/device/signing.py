"""APK signing certificates: real X.509, made deterministically from a key seed.

A family's `signer: {subject, key_seed}` always gives the same key and the same certificate, so the SHA-1
a family file lists under `certificates:` (Echap's convention: APK signer SHA-1, upper-case hex) is the
SHA-1 of the certificate found in packages.json. Benign apps get a stable fictional signer derived from
their package name the same way.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from stalkerlab.simulator.world.model import Signer

# Short attribute names as Android tooling (and AndroidQF) prints them.
_ATTRIBUTES = {
    "CN": NameOID.COMMON_NAME,
    "O": NameOID.ORGANIZATION_NAME,
    "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
    "L": NameOID.LOCALITY_NAME,
    "ST": NameOID.STATE_OR_PROVINCE_NAME,
    "C": NameOID.COUNTRY_NAME,
}
_SHORT = {oid: short for short, oid in _ATTRIBUTES.items()}
_EPOCH_2012 = datetime(2012, 1, 1, tzinfo=timezone.utc)
_P256_ORDER = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)


def _seed_int(key_seed: str, label: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{label}:{key_seed}".encode()).digest(), "big")


def _name(subject: str) -> x509.Name:
    """"CN=X, O=Y, C=ZZ" (most specific first, the way signers are written) -> an X.509 Name whose
    sequence runs from C to CN, as real APK certificates do."""
    attributes = []
    for part in subject.split(","):
        key, sep, value = part.strip().partition("=")
        key = key.strip().upper()
        if not sep or key not in _ATTRIBUTES or not value.strip():
            raise ValueError(f"signer subject {subject!r}: cannot read {part.strip()!r} "
                             "(use CN=, O=, OU=, L=, ST=, C=)")
        attributes.append(x509.NameAttribute(_ATTRIBUTES[key], value.strip()))
    return x509.Name(list(reversed(attributes)))


@lru_cache(maxsize=1024)
def signer_certificate(signer: Signer) -> x509.Certificate:
    """The self-signed ECDSA P-256 certificate of `signer`; same signer -> byte-identical DER."""
    secret = _seed_int(signer.key_seed, "key") % (_P256_ORDER - 1) + 1
    key = ec.derive_private_key(secret, ec.SECP256R1())
    name = _name(signer.subject)
    serial = _seed_int(signer.key_seed, "serial") % (2**31 - 2**20) + 2**20
    not_before = _EPOCH_2012 + timedelta(seconds=_seed_int(signer.key_seed, "valid") % (11 * 365 * 86400))
    not_after = not_before + timedelta(days=365 * 30 + 7)  # Android asks for 25+ years; apps use ~30
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256(), ecdsa_deterministic=True)
    )


def distinguished_name(name: x509.Name) -> str:
    """AndroidQF's rendering: the RDN sequence in order, "C=US, O=..., CN=..."."""
    return ", ".join(f"{_SHORT.get(a.oid, a.oid.dotted_string)}={a.value}" for a in name)


@lru_cache(maxsize=1024)
def certificate_record(signer: Signer) -> dict:
    """The `certificate` object of a packages.json file entry (AndroidQF's field names)."""
    cert = signer_certificate(signer)
    der = cert.public_bytes(serialization.Encoding.DER)
    return {
        "Md5": hashlib.md5(der).hexdigest(),
        "Sha1": hashlib.sha1(der).hexdigest(),
        "Sha256": hashlib.sha256(der).hexdigest(),
        "ValidFrom": cert.not_valid_before_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ValidTo": cert.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Issuer": distinguished_name(cert.issuer),
        "Subject": distinguished_name(cert.subject),
        "SignatureAlgorithm": "ECDSA-SHA256",
        "SerialNumber": cert.serial_number,
    }


def certificate_sha1(signer: Signer) -> str:
    """Upper-case hex SHA-1 of the certificate, as Echap's `certificates:` lists it."""
    return certificate_record(signer)["Sha1"].upper()


def app_signer(package: str) -> Signer:
    """A stable fictional developer certificate for a benign app."""
    labels = [p for p in package.split(".") if p not in ("com", "org", "net", "android", "app", "apps")]
    org = (labels[0] if labels else package).capitalize()
    return Signer(subject=f"CN={org} Release, O={org}, C=US", key_seed=f"app-signer:{package}")
