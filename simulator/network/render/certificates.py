"""Real X.509 chains for TLS 1.2 servers, deterministic: the same CertSpec always gives the same DER.

ECDSA P-256 keys derived from a seed and RFC 6979 deterministic signatures make that possible. Issuers
imitate what a capture shows in the wild: a Let's Encrypt-like free issuer, a commercial CA, or none
(self-signed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from stalkerlab.simulator.network.plan import CertSpec
from stalkerlab.simulator.tables import table

_AUTHORITIES = table("network", "certificate_authorities")


def _authority(entry: dict) -> tuple[list[tuple[str, str]], str]:
    """(name attributes, key seed) of a CA."""
    return [(attribute, value) for attribute, value in entry["name"]], entry["key_seed"]


ROOT = _authority(_AUTHORITIES["root"])
ISSUERS = {issuer: _authority(entry) for issuer, entry in _AUTHORITIES["issuers"].items()}
DEFAULT_ISSUER = _AUTHORITIES["default_issuer"]
_OIDS = {"C": NameOID.COUNTRY_NAME, "O": NameOID.ORGANIZATION_NAME, "CN": NameOID.COMMON_NAME}
_P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _key(seed: str) -> ec.EllipticCurvePrivateKey:
    value = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big") % (_P256_N - 1) + 1
    return ec.derive_private_key(value, ec.SECP256R1())


def _name(attrs) -> x509.Name:
    return x509.Name([x509.NameAttribute(_OIDS[k], v) for k, v in attrs])


def _serial(seed: str) -> int:
    return int.from_bytes(hashlib.sha256(("serial:" + seed).encode()).digest()[:16], "big") >> 1


def _when(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)


def _ca(attrs, seed: str, issuer_attrs, issuer_seed: str) -> x509.Certificate:
    key = _key(seed)
    builder = (x509.CertificateBuilder().subject_name(_name(attrs)).issuer_name(_name(issuer_attrs))
               .public_key(key.public_key()).serial_number(_serial(seed))
               .not_valid_before(dt.datetime(2024, 3, 13, tzinfo=dt.timezone.utc))
               .not_valid_after(dt.datetime(2030, 3, 12, tzinfo=dt.timezone.utc))
               .add_extension(x509.BasicConstraints(ca=True, path_length=0 if seed != ROOT[1] else None), True)
               .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), True))
    return builder.sign(_key(issuer_seed), hashes.SHA256(), ecdsa_deterministic=True)


@lru_cache(maxsize=512)
def chain_der(spec: CertSpec) -> tuple[bytes, ...]:
    """Leaf first, then its issuer (never the root, as servers send it)."""
    key = _key(spec.key_seed)
    subject = _name([("CN", spec.subject_cn)])
    sans = [x509.DNSName(n) for n in spec.sans if n]
    builder = (x509.CertificateBuilder().subject_name(subject).public_key(key.public_key())
               .serial_number(_serial(spec.key_seed + spec.subject_cn))
               .not_valid_before(_when(spec.not_before)).not_valid_after(_when(spec.not_after))
               .add_extension(x509.SubjectAlternativeName(sans), False)
               .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False))
    if spec.issuer == "self-signed":
        leaf = builder.issuer_name(subject).sign(key, hashes.SHA256(), ecdsa_deterministic=True)
        return (leaf.public_bytes(serialization.Encoding.DER),)
    attrs, seed = ISSUERS.get(spec.issuer, ISSUERS[DEFAULT_ISSUER])
    intermediate = _ca(attrs, seed, ROOT[0], ROOT[1])
    leaf = (builder.issuer_name(_name(attrs))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
            .sign(_key(seed), hashes.SHA256(), ecdsa_deterministic=True))
    return (leaf.public_bytes(serialization.Encoding.DER), intermediate.public_bytes(serialization.Encoding.DER))
