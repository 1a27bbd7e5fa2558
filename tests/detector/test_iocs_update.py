"""`stalkerlab iocs update` against a real HTTPS server on 127.0.0.1 serving files the test wrote (never the
internet), with a certificate the test made and trusts through SSL_CERT_FILE, OpenSSL's own variable (the
command has no switch that weakens TLS). What it fetches, what it refuses (plain http, redirects to another
host, forged commits, digests that differ, local copies without --local), and the provenance it leaves for
`detect` and `iocs list`."""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import json
import socket
import ssl
import threading
import zipfile
from datetime import datetime, timedelta, timezone
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from stalkerlab.detector.iocs import load_feeds

from tests.detector.test_iocs import ECHAP_YAML, SAMPLES_CSV

COMMIT = "0123456789abcdef0123456789abcdef01234567"
FORGED = "f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0"


@pytest.fixture(scope="session")
def loopback_certificate(tmp_path_factory):
    """(certificate, key) files of a self-signed certificate for 127.0.0.1, made for this test session."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "stalkerlab loopback test server")])
    now = datetime.now(timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "loopback.pem", folder / "loopback.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class FeedHandler(SimpleHTTPRequestHandler):
    """Serves the test's files; answers a redirect for each path in server.redirects; logs each path."""

    def do_GET(self):
        self.server.requests.append(self.path)
        if self.path in self.server.redirects:
            self.send_response(302)
            self.send_header("Location", self.server.redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args):
        pass


class Served:
    def __init__(self, root, base, server):
        self.root, self.base, self.server = root, base, server

    @property
    def requests(self) -> list[str]:
        return self.server.requests


@pytest.fixture
def served(tmp_path, monkeypatch, loopback_certificate):
    """An HTTPS server on 127.0.0.1 for a folder, trusted by this process only (SSL_CERT_FILE)."""
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    cert_file, key_file = loopback_certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    root = tmp_path / "www"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(FeedHandler, directory=str(root)))
    server.requests, server.redirects = [], {}
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield Served(root, f"https://127.0.0.1:{server.server_address[1]}", server)
    server.shutdown()
    server.server_close()


def write_archive(path, ioc_yaml=ECHAP_YAML, comment=FORGED):
    """A GitHub-style archive; its comment claims a commit, which must never be believed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("stalkerware-indicators-master/ioc.yaml", ioc_yaml)
        zf.writestr("stalkerware-indicators-master/samples.csv", SAMPLES_CSV)
        zf.writestr("stalkerware-indicators-master/README.md", "not wanted")
        zf.comment = comment.encode()


def state_commit(root, commit=COMMIT, ioc_yaml=ECHAP_YAML):
    """What GitHub offers: the API states the branch's commit, codeload serves that commit's archive."""
    (root / "commits").mkdir(exist_ok=True)
    (root / "commits" / "master").write_text(commit + "\n")
    write_archive(root / "zip" / commit, ioc_yaml)


def update(run_cli, served, dest, *extra):
    return run_cli("iocs", "update", "--source", f"{served.base}/zip/{{commit}}",
                   "--commit-url", f"{served.base}/commits/master", "--dir", dest, *extra)


def test_update_takes_the_commit_the_server_states_and_records_every_file(run_cli, served, tmp_path):
    state_commit(served.root)
    dest = tmp_path / "feeds" / "echap"
    code, out, err = update(run_cli, served, dest)
    assert code == 0, err
    assert sorted(p.name for p in dest.iterdir()) == [".stalkerlab-output.json", "ioc.yaml", "provenance.json",
                                                      "samples.csv"]
    assert [p.name for p in dest.parent.iterdir()] == ["echap"]       # no staging folder left
    provenance = json.loads((dest / "provenance.json").read_text())
    archive = (served.root / "zip" / COMMIT).read_bytes()
    assert provenance["source"] == f"{served.base}/zip/{COMMIT}" and provenance["transport"] == "https"
    assert provenance["commit"] == COMMIT != FORGED                    # the server's word, not the zip comment
    assert provenance["commit_from"] == f"stated by {served.base}/commits/master"
    assert provenance["downloads"][-1] == {"url": f"{served.base}/zip/{COMMIT}", "redirects": [],
                                           "sha256": hashlib.sha256(archive).hexdigest(), "bytes": len(archive)}
    assert provenance["files"] == {"ioc.yaml": hashlib.sha256(ECHAP_YAML.encode()).hexdigest(),
                                   "samples.csv": hashlib.sha256(SAMPLES_CSV.encode()).hexdigest()}
    assert provenance["retrieved"].endswith("Z") and (dest / "ioc.yaml").read_text() == ECHAP_YAML
    assert COMMIT in out and f"--feed {dest}" in out
    # what detect's manifest and `iocs list` will cite
    feeds = load_feeds([dest], training=False).feeds
    cited = (COMMIT, provenance["retrieved"], f"{served.base}/zip/{COMMIT}")
    assert [(f.commit, f.date, f.origin) for f in feeds] == [cited, cited]
    code, out, _ = run_cli("iocs", "list", "--no-training", "--feed", dest)
    assert f"commit: {COMMIT}" in out


def test_a_zip_comment_is_never_taken_for_a_commit(run_cli, served, tmp_path):
    write_archive(served.root / "master.zip")                          # says FORGED in its comment
    dest = tmp_path / "echap"
    code, _, err = run_cli("iocs", "update", "--source", f"{served.base}/master.zip", "--dir", dest)
    assert code == 0, err
    provenance = json.loads((dest / "provenance.json").read_text())
    assert provenance["commit"] is None and provenance["commit_from"] is None
    assert FORGED not in (dest / "provenance.json").read_text()


def test_a_pinned_commit_is_fetched_without_asking(run_cli, served, tmp_path):
    other = "a" * 40
    state_commit(served.root)                                          # the branch is at COMMIT...
    write_archive(served.root / "zip" / other)                         # ...but the pin asks for another
    code, _, err = update(run_cli, served, tmp_path / "echap", "--commit", other)
    assert code == 0, err
    provenance = json.loads((tmp_path / "echap" / "provenance.json").read_text())
    assert (provenance["commit"], provenance["commit_from"]) == (other, "pinned with --commit")
    assert served.requests == [f"/zip/{other}"]


def test_a_pinned_sha256_refuses_any_other_archive(run_cli, served, tmp_path):
    state_commit(served.root)
    digest = hashlib.sha256((served.root / "zip" / COMMIT).read_bytes()).hexdigest()
    code, _, err = update(run_cli, served, tmp_path / "bad", "--sha256", "0" * 64)
    assert code == 2 and f"its SHA-256 is {digest}, not the pinned" in err and err.count("\n") == 1
    assert not (tmp_path / "bad").exists()
    assert update(run_cli, served, tmp_path / "good", "--sha256", digest.upper())[0] == 0


def test_a_statement_that_is_not_a_commit_is_refused(run_cli, served, tmp_path):
    state_commit(served.root)
    (served.root / "commits" / "master").write_text("<html>rate limited</html>")
    code, _, err = update(run_cli, served, tmp_path / "echap")
    assert code == 2 and "does not state a commit" in err and not (tmp_path / "echap").exists()


def test_plain_http_is_refused_before_any_connection(run_cli, tmp_path):
    with socket.socket() as listener:                 # a server that would notice any connection
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.2)
        port = listener.getsockname()[1]
        code, _, err = run_cli("iocs", "update", "--source", f"http://127.0.0.1:{port}/master.zip",
                               "--dir", tmp_path / "echap")
        with pytest.raises(TimeoutError):
            listener.accept()
    assert code == 2 and "only https sources are downloaded" in err and err.count("\n") == 1
    assert not (tmp_path / "echap").exists()


def test_an_untrusted_certificate_is_refused(run_cli, served, tmp_path, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")
    write_archive(served.root / "master.zip")
    code, _, err = run_cli("iocs", "update", "--source", f"{served.base}/master.zip", "--dir", tmp_path / "e")
    assert code == 2 and "CERTIFICATE_VERIFY_FAILED" in err and not (tmp_path / "e").exists()


def test_redirects_are_followed_on_the_same_host_only_and_recorded(run_cli, served, tmp_path):
    write_archive(served.root / "archive" / "master.zip")
    served.server.redirects["/master.zip"] = "/archive/master.zip"
    # the same machine under another name is another host
    port = served.server.server_address[1]
    served.server.redirects["/elsewhere.zip"] = f"https://localhost:{port}/archive/master.zip"
    code, out, err = run_cli("iocs", "update", "--source", f"{served.base}/master.zip", "--dir", tmp_path / "a")
    assert code == 0, err
    provenance = json.loads((tmp_path / "a" / "provenance.json").read_text())
    assert provenance["downloads"][0]["redirects"] == [f"{served.base}/archive/master.zip"]
    assert f"redirected to {served.base}/archive/master.zip" in out
    served.requests.clear()
    code, _, err = run_cli("iocs", "update", "--source", f"{served.base}/elsewhere.zip", "--dir", tmp_path / "b")
    assert code == 2 and "another host" in err and err.count("\n") == 1
    assert served.requests == ["/elsewhere.zip"] and not (tmp_path / "b").exists()


def test_a_local_copy_needs_local_and_is_recorded_as_one(run_cli, tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "ioc.yaml").write_text(ECHAP_YAML)
    code, _, err = run_cli("iocs", "update", "--source", copy, "--dir", tmp_path / "echap")
    assert code == 2 and "only with --local" in err and not (tmp_path / "echap").exists()
    code, _, err = run_cli("iocs", "update", "--source", copy, "--local", "--dir", tmp_path / "echap")
    assert code == 0, err
    provenance = json.loads((tmp_path / "echap" / "provenance.json").read_text())
    assert provenance["source"] == copy.resolve().as_uri() and provenance["transport"].startswith("local copy")
    assert provenance["commit"] is None
    code, _, err = run_cli("iocs", "update", "--source", copy, "--local", "--dir", copy / "feed")
    assert code == 2 and "lies inside the input given as --source" in err


def test_update_from_raw_folder_and_edited_file_loses_its_provenance(run_cli, served, tmp_path, monkeypatch):
    raw = served.root / "raw" / COMMIT
    raw.mkdir(parents=True)
    (raw / "ioc.yaml").write_text(ECHAP_YAML)          # no watchware.yaml, no samples.csv: 404s are fine
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    code, _, err = run_cli("iocs", "update", "--source", f"{served.base}/raw/{COMMIT}/")
    assert code == 0, err
    dest = tmp_path / "data" / "stalkerlab" / "feeds" / "echap"
    provenance = json.loads((dest / "provenance.json").read_text())
    assert (provenance["commit"], provenance["commit_from"]) == (COMMIT, "named in the source URL")
    (dest / "ioc.yaml").write_text(ECHAP_YAML + "- name: Edited\n")
    info, = load_feeds([dest], training=False).feeds
    assert info.commit is None and info.date is None     # no longer the file that was retrieved


def test_offline_is_exit_2_and_keeps_the_previous_feed(run_cli, served, tmp_path):
    state_commit(served.root)
    dest = tmp_path / "feeds" / "echap"
    assert update(run_cli, served, dest)[0] == 0
    before = {p.name: p.read_bytes() for p in dest.iterdir()}
    with socket.socket() as s:            # a port nobody listens on: connection refused, as offline
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, _, err = run_cli("iocs", "update", "--source", f"https://127.0.0.1:{port}/master.zip", "--dir", dest)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "cannot download the feed" in err and "previous feed" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in dest.iterdir()} == before
    assert [p.name for p in dest.parent.iterdir()] == ["echap"]       # no staging folders left behind


@pytest.mark.parametrize("make,problem", [
    (lambda root: write_archive(root / "master.zip", ioc_yaml="just: a mapping\n"), "not usable"),
    (lambda root: (root / "master.zip").write_bytes(b"<html>login page</html>"), "is not a zip archive"),
    (lambda root: None, "not found on the server"),
])
def test_bad_download_keeps_the_previous_feed(run_cli, served, tmp_path, make, problem):
    state_commit(served.root)
    dest = tmp_path / "echap"
    assert update(run_cli, served, dest)[0] == 0
    before = {p.name: p.read_bytes() for p in dest.iterdir()}
    (served.root / "master.zip").unlink(missing_ok=True)
    make(served.root)
    code, _, err = run_cli("iocs", "update", "--source", f"{served.base}/master.zip", "--dir", dest)
    assert code == 2 and problem in err and "previous feed" in err
    assert {p.name: p.read_bytes() for p in dest.iterdir()} == before


def test_second_update_replaces_the_first(run_cli, served, tmp_path):
    dest = tmp_path / "feeds" / "echap"
    state_commit(served.root)
    assert update(run_cli, served, dest)[0] == 0
    newer = "f" * 40
    state_commit(served.root, newer, ECHAP_YAML + "- name: NewSpy\n  packages: [com.newspy.example]\n")
    assert update(run_cli, served, dest)[0] == 0
    assert json.loads((dest / "provenance.json").read_text())["commit"] == newer
    assert load_feeds([dest], training=False).match_package("com.newspy.example")
    assert [p.name for p in dest.parent.iterdir()] == ["echap"]
