"""`stalkerlab iocs update` against a real HTTP server on 127.0.0.1 serving files the test wrote (never
the internet), and the provenance it leaves for `detect` and `iocs list`."""

from __future__ import annotations

import functools
import json
import socket
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from stalkerlab.detector.iocs import load_feeds

from tests.detector.test_iocs import ECHAP_YAML, SAMPLES_CSV

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def served(tmp_path, monkeypatch):
    """(folder the server serves, base URL)."""
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    root = tmp_path / "www"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def write_archive(path, ioc_yaml=ECHAP_YAML, comment=COMMIT):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("stalkerware-indicators-master/ioc.yaml", ioc_yaml)
        zf.writestr("stalkerware-indicators-master/samples.csv", SAMPLES_CSV)
        zf.writestr("stalkerware-indicators-master/README.md", "not wanted")
        zf.comment = comment.encode()


def test_update_from_archive_writes_files_and_provenance(run_cli, served, tmp_path):
    root, base = served
    write_archive(root / "master.zip")
    dest = tmp_path / "feeds" / "echap"
    code, out, err = run_cli("iocs", "update", "--source", f"{base}/master.zip", "--dir", dest)
    assert code == 0, err
    assert sorted(p.name for p in dest.iterdir()) == ["ioc.yaml", "provenance.json", "samples.csv"]
    assert [p.name for p in dest.parent.iterdir()] == ["echap"]       # no staging or old folder left
    provenance = json.loads((dest / "provenance.json").read_text())
    assert provenance["source"] == f"{base}/master.zip" and provenance["commit"] == COMMIT
    assert provenance["retrieved"].endswith("Z") and set(provenance["files"]) == {"ioc.yaml", "samples.csv"}
    assert (dest / "ioc.yaml").read_text() == ECHAP_YAML
    assert COMMIT in out and f"--feed {dest}" in out
    # what detect's manifest and `iocs list` will cite
    feeds = load_feeds([dest], training=False).feeds
    cited = (COMMIT, provenance["retrieved"], f"{base}/master.zip")
    assert [(f.commit, f.date, f.origin) for f in feeds] == [cited, cited]
    code, out, _ = run_cli("iocs", "list", "--no-training", "--feed", dest)
    assert f"commit: {COMMIT}" in out and f"from {base}/master.zip" in out


def test_update_from_raw_folder_and_edited_file_loses_its_provenance(run_cli, served, tmp_path, monkeypatch):
    root, base = served
    raw = root / "raw" / COMMIT
    raw.mkdir(parents=True)
    (raw / "ioc.yaml").write_text(ECHAP_YAML)          # no watchware.yaml, no samples.csv: 404s are fine
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    code, _, err = run_cli("iocs", "update", "--source", f"{base}/raw/{COMMIT}/")
    assert code == 0, err
    dest = tmp_path / "data" / "stalkerlab" / "feeds" / "echap"
    assert json.loads((dest / "provenance.json").read_text())["commit"] == COMMIT
    (dest / "ioc.yaml").write_text(ECHAP_YAML + "- name: Edited\n")
    info, = load_feeds([dest], training=False).feeds
    assert info.commit is None and info.date is None     # no longer the file that was retrieved


def test_offline_is_exit_2_and_keeps_the_previous_feed(run_cli, served, tmp_path):
    root, base = served
    write_archive(root / "master.zip")
    dest = tmp_path / "feeds" / "echap"
    assert run_cli("iocs", "update", "--source", f"{base}/master.zip", "--dir", dest)[0] == 0
    before = {p.name: p.read_bytes() for p in dest.iterdir()}
    with socket.socket() as s:            # a port nobody listens on: connection refused, as offline
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, _, err = run_cli("iocs", "update", "--source", f"http://127.0.0.1:{port}/master.zip", "--dir", dest)
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
    root, base = served
    dest = tmp_path / "echap"
    dest.mkdir()
    (dest / "ioc.yaml").write_text(ECHAP_YAML)
    make(root)
    code, _, err = run_cli("iocs", "update", "--source", f"{base}/master.zip", "--dir", dest)
    assert code == 2 and problem in err and "previous feed" in err
    assert [p.name for p in dest.iterdir()] == ["ioc.yaml"] and (dest / "ioc.yaml").read_text() == ECHAP_YAML


def test_second_update_replaces_the_first(run_cli, served, tmp_path):
    root, base = served
    dest = tmp_path / "feeds" / "echap"
    write_archive(root / "master.zip")
    assert run_cli("iocs", "update", "--source", f"{base}/master.zip", "--dir", dest)[0] == 0
    newer = "f" * 40
    write_archive(root / "master.zip", ioc_yaml=ECHAP_YAML + "- name: NewSpy\n  packages: [com.newspy.example]\n",
                  comment=newer)
    assert run_cli("iocs", "update", "--source", f"{base}/master.zip", "--dir", dest)[0] == 0
    assert json.loads((dest / "provenance.json").read_text())["commit"] == newer
    assert load_feeds([dest], training=False).match_package("com.newspy.example")
    assert [p.name for p in dest.parent.iterdir()] == ["echap"]
